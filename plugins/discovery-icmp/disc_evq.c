/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * disc_evq.c - deferred event queue shared by the discovery back ends.
 *
 * See disc_evq.h. The queue is a singly linked FIFO of copied events, bounded
 * by DISC_EVQ_MAX so that a flood cannot grow it without limit; one token
 * per scheduled deferred call links the call to the queue.
 */
#include <errno.h>
#include <stdlib.h>

#include "disc_evq.h"
#include "ev.h"

#define DISC_EVQ_MAX 8192 /* queued events at most; more are dropped */

struct disc_evq_item {
	struct disc_evq_item *next;
	enum disc_event ev;
	union disc_event_data data;
};

struct disc_evq_tok {
	struct disc_evq *q; /* NULL once the queue is gone */
};

void
disc_evq_init(struct disc_evq *q, const struct disc_env *env, disc_evq_free_fn free_fn, void *owner)
{
	*q = (struct disc_evq){ .env = env, .free_fn = free_fn, .owner = owner };
	q->tail = &q->head;
}

/* The deferred call: deliver everything queued, one upcall at a time. */
static void
disc_evq_flush(void *arg)
{
	struct disc_evq_tok *t = arg;
	struct disc_evq *q = t->q;

	free(t);
	if (q == NULL)
		return;
	q->tok = NULL;
	while (q->head != NULL && !q->dying) {
		struct disc_evq_item *it = q->head;

		q->head = it->next;
		if (q->head == NULL)
			q->tail = &q->head;
		q->len--;
		q->depth++;
		q->delivered++;
		q->env->event(q->env->ctx, it->ev, &it->data);
		q->depth--;
		free(it);
	}
	if (q->dying)
		q->free_fn(q->owner);
}

int
disc_evq_push(struct disc_evq *q, enum disc_event ev, const union disc_event_data *data)
{
	struct disc_evq_item *it;

	if (q->len >= DISC_EVQ_MAX)
		return -ENOBUFS;
	it = calloc(1, sizeof(*it));
	if (it == NULL)
		return -ENOMEM;
	if (q->tok == NULL && q->depth == 0) {
		q->tok = calloc(1, sizeof(*q->tok));
		if (q->tok == NULL || ev_defer(q->env->loop, disc_evq_flush, q->tok) != 0) {
			free(q->tok);
			q->tok = NULL;
			free(it);
			return -ENOMEM;
		}
		q->tok->q = q;
	}
	it->ev = ev;
	it->data = *data;
	*q->tail = it;
	q->tail = &it->next;
	q->len++;
	return 0;
}

void
disc_evq_clear(struct disc_evq *q)
{
	struct disc_evq_item *it;

	while ((it = q->head) != NULL) {
		q->head = it->next;
		free(it);
	}
	q->tail = &q->head;
	q->len = 0;
}

bool
disc_evq_busy(const struct disc_evq *q)
{
	return q->depth != 0;
}

void
disc_evq_fini(struct disc_evq *q)
{
	disc_evq_clear(q);
	if (q->tok != NULL)
		q->tok->q = NULL;
	q->tok = NULL;
}
