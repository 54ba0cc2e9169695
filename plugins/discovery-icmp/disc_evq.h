/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * disc_evq.h - deferred event queue shared by the discovery back ends.
 *
 * A discovery back end never calls env->event() from inside an op, nor from
 * inside a library callback it does not own (libpcap, the expiry heap): the
 * core may call any op, stop() included, and even destroy() from inside the
 * upcall. Events are therefore queued (their data copied) and delivered from
 * one deferred call, where nothing of the back end is on the stack.
 *
 *   push ---> [queue] ---ev_defer---> flush: pop one, upcall, repeat
 *   clear (stop): drop what is queued       fini (destroy): orphan the call
 *
 * The deferred call owns a small token; fini() only cuts the token loose, and
 * the call frees it. A destroy() requested during an upcall (disc_evq_busy())
 * is completed by the flush through the owner's free function once the
 * upcall has returned. The source is compiled into each discovery plugin.
 */
#ifndef PMIP_DISC_EVQ_H
#define PMIP_DISC_EVQ_H

#include <stdbool.h>
#include <stdint.h>

#include "discovery.h"

struct disc_evq_item;
struct disc_evq_tok;

/** disc_evq_free_fn - frees the owner of a queue whose destroy() was postponed. */
typedef void (*disc_evq_free_fn)(void *owner);

/**
 * struct disc_evq - pending events of one discovery instance.
 * @env: the instance's environment (loop and upcall).
 * @head: oldest queued event.
 * @tail: where the next event is linked.
 * @tok: the scheduled deferred call, or NULL.
 * @len: events queued.
 * @depth: upcalls in progress (0 or 1).
 * @dying: destroy() was asked during an upcall.
 * @free_fn: frees the owner after a postponed destroy().
 * @owner: argument of @free_fn.
 * @delivered: events delivered (the instance's status "events").
 */
struct disc_evq {
	const struct disc_env *env;
	struct disc_evq_item *head;
	struct disc_evq_item **tail;
	struct disc_evq_tok *tok;
	unsigned len;
	unsigned depth;
	bool dying;
	disc_evq_free_fn free_fn;
	void *owner;
	uint64_t delivered;
};

/**
 * disc_evq_init - set up an empty queue.
 * @q: the queue; it must not move until disc_evq_fini().
 * @env: environment of the instance.
 * @free_fn: frees @owner when destroy() was postponed (see disc_evq_busy()).
 * @owner: the instance.
 */
void disc_evq_init(struct disc_evq *q, const struct disc_env *env, disc_evq_free_fn free_fn,
                   void *owner);

/**
 * disc_evq_push - queue a copy of an event and make sure a flush is scheduled.
 * @q: the queue.
 * @ev: the event.
 * @data: its data, copied.
 *
 * Return: 0, or -ENOMEM (the event is dropped).
 */
int disc_evq_push(struct disc_evq *q, enum disc_event ev, const union disc_event_data *data);

/**
 * disc_evq_clear - drop every queued event (stop()); a scheduled flush finds none.
 * @q: the queue.
 */
void disc_evq_clear(struct disc_evq *q);

/**
 * disc_evq_busy - is an upcall of this queue in progress?
 * @q: the queue.
 *
 * destroy() checks this: when true it must stop the instance, set @q->dying
 * and return without freeing; the flush frees it through @free_fn.
 *
 * Return: true during an upcall.
 */
bool disc_evq_busy(const struct disc_evq *q);

/**
 * disc_evq_fini - drop queued events and orphan the scheduled flush.
 * @q: the queue; it may be freed afterwards.
 */
void disc_evq_fini(struct disc_evq *q);

#endif /* PMIP_DISC_EVQ_H */
