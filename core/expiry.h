/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * expiry.h - intrusive min-heap of deadlines driven by one ev timer.
 *
 * The owner embeds a struct expiry_entry in each object with a deadline. Entries due
 * (at_ms <= ev_now_ms()) are taken out of the heap one by one, earliest first, and handed
 * to the owner's callback, which may add, update or remove any entry, including the one it
 * got. A zeroed entry is not pending, and a zeroed struct expiry may be finished.
 */
#ifndef PMIP_EXPIRY_H
#define PMIP_EXPIRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev.h"

/** struct expiry_entry - a deadline; read-only for the owner while pending. */
struct expiry_entry {
	uint64_t at_ms; /* monotonic deadline (ev_now_ms()); kept after the entry fired */
	size_t idx;     /* position in the heap plus one; 0 when not pending */
};

/**
 * expiry_fn - called for each entry due, once it is no longer pending.
 * @e: the entry.
 * @arg: the argument given to expiry_init().
 */
typedef void (*expiry_fn)(struct expiry_entry *e, void *arg);

/** struct expiry - the heap, its timer and its callback. */
struct expiry {
	struct expiry_entry **heap;
	size_t len, cap;
	struct ev_timer *timer;
	expiry_fn fn;
	void *arg;
};

/**
 * EXPIRY_ENTRY - the @type whose member @member is entry @e (not NULL).
 * @e: a struct expiry_entry pointer.
 * @type: the owner's struct type.
 * @member: the name of the entry inside @type.
 */
#define EXPIRY_ENTRY(e, type, member) ((type *)(void *)((char *)(e)-offsetof(type, member)))

/**
 * expiry_init - set up an empty heap whose timer runs on @loop.
 * @x: the heap; it must not move until expiry_fini().
 * @loop: the event loop.
 * @fn: called for each entry due.
 * @arg: passed to @fn.
 *
 * Return: 0, or -ENOMEM (@x is then zeroed).
 */
int expiry_init(struct expiry *x, struct ev_loop *loop, expiry_fn fn, void *arg);

/**
 * expiry_fini - free the timer and the heap; the entries still in it are not touched.
 * @x: the heap (zeroed or initialised).
 */
void expiry_fini(struct expiry *x);

/**
 * expiry_reserve - make room for @n pending entries so that adding up to @n never fails.
 * @x: the heap.
 * @n: the number of entries.
 *
 * Return: 0, or -ENOMEM (the heap is unchanged).
 */
int expiry_reserve(struct expiry *x, size_t n);

/**
 * expiry_add - make @e due at @at_ms: add it, or move it if it is pending already.
 * @x: the heap.
 * @e: the entry.
 * @at_ms: monotonic deadline in ms (ev_now_ms() clock); the past means the next loop pass.
 *
 * An entry added from the callback for a time not after the start of the firing is
 * handed to the callback again in the same firing.
 *
 * Return: 0, or -ENOMEM when the heap had to grow and could not (@e is then not pending).
 */
int expiry_add(struct expiry *x, struct expiry_entry *e, uint64_t at_ms);

/**
 * expiry_remove - make @e not pending; a no-op if it is not.
 * @x: the heap.
 * @e: the entry.
 */
void expiry_remove(struct expiry *x, struct expiry_entry *e);

/**
 * expiry_pending - is @e in a heap, waiting for its deadline?
 * @e: the entry.
 *
 * Return: true if pending.
 */
bool expiry_pending(const struct expiry_entry *e);

/**
 * expiry_count - number of pending entries in @x.
 * @x: the heap.
 *
 * Return: the count.
 */
size_t expiry_count(const struct expiry *x);

#endif /* PMIP_EXPIRY_H */
