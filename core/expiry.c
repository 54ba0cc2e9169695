/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * expiry.c - binary min-heap of deadlines under a single ev timer.
 *
 * Entries sit in an array ordered as a binary min-heap by deadline, each one knowing its
 * position so that updates and removals take O(log n). One ev timer is armed for the
 * heap's top and re-armed whenever the top changes. Per entry this costs one pointer in
 * the array plus the entry itself instead of one libevent timer each, which keeps a
 * million deadlines affordable.
 */
#include <errno.h>
#include <stdlib.h>

#include "expiry.h"

#define EXPIRY_CAP_MIN 64

static void
expiry_set(struct expiry *x, size_t i, struct expiry_entry *e)
{
	x->heap[i] = e;
	e->idx = i + 1;
}

static bool
expiry_less(const struct expiry *x, size_t a, size_t b)
{
	return x->heap[a]->at_ms < x->heap[b]->at_ms;
}

static void
expiry_swap(struct expiry *x, size_t a, size_t b)
{
	struct expiry_entry *t = x->heap[a];

	expiry_set(x, a, x->heap[b]);
	expiry_set(x, b, t);
}

static void
expiry_sift(struct expiry *x, size_t i)
{
	while (i > 0 && expiry_less(x, i, (i - 1) / 2)) {
		expiry_swap(x, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < x->len && expiry_less(x, l, m))
			m = l;
		if (r < x->len && expiry_less(x, r, m))
			m = r;
		if (m == i)
			break;
		expiry_swap(x, i, m);
		i = m;
	}
}

static void
expiry_rearm(struct expiry *x)
{
	uint64_t now = ev_now_ms(), at;

	if (x->len == 0) {
		ev_timer_del(x->timer);
		return;
	}
	at = x->heap[0]->at_ms;
	ev_timer_arm(x->timer, at > now ? at - now : 0);
}

/* Take @e out of the heap; return whether it was the top. */
static bool
expiry_unlink(struct expiry *x, struct expiry_entry *e)
{
	size_t i = e->idx - 1;

	e->idx = 0;
	x->len--;
	if (i != x->len) {
		expiry_set(x, i, x->heap[x->len]);
		expiry_sift(x, i);
	}
	return i == 0;
}

static void
expiry_fire(void *arg)
{
	struct expiry *x = arg;
	uint64_t now = ev_now_ms();

	while (x->len > 0 && x->heap[0]->at_ms <= now) {
		struct expiry_entry *e = x->heap[0];

		expiry_unlink(x, e);
		x->fn(e, x->arg);
	}
	expiry_rearm(x);
}

int
expiry_init(struct expiry *x, struct ev_loop *loop, expiry_fn fn, void *arg)
{
	*x = (struct expiry){ .fn = fn, .arg = arg };
	x->timer = ev_timer_new(loop, expiry_fire, x);
	return x->timer != NULL ? 0 : -ENOMEM;
}

void
expiry_fini(struct expiry *x)
{
	ev_timer_free(x->timer);
	free(x->heap);
	*x = (struct expiry){ 0 };
}

int
expiry_reserve(struct expiry *x, size_t n)
{
	size_t cap = x->cap != 0 ? x->cap : EXPIRY_CAP_MIN;
	struct expiry_entry **h;

	while (cap < n)
		cap *= 2;
	if (cap == x->cap)
		return 0;
	h = realloc(x->heap, cap * sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	x->heap = h;
	x->cap = cap;
	return 0;
}

int
expiry_add(struct expiry *x, struct expiry_entry *e, uint64_t at_ms)
{
	bool top = false;

	if (e->idx != 0)
		top = expiry_unlink(x, e);
	else if (expiry_reserve(x, x->len + 1) < 0)
		return -ENOMEM;
	e->at_ms = at_ms;
	expiry_set(x, x->len++, e);
	expiry_sift(x, x->len - 1);
	if (top || e->idx == 1)
		expiry_rearm(x);
	return 0;
}

void
expiry_remove(struct expiry *x, struct expiry_entry *e)
{
	if (e->idx != 0 && expiry_unlink(x, e))
		expiry_rearm(x);
}

bool
expiry_pending(const struct expiry_entry *e)
{
	return e->idx != 0;
}

size_t
expiry_count(const struct expiry *x)
{
	return x->len;
}
