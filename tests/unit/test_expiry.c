/* SPDX-License-Identifier: BSD-2-Clause */
/* test_expiry.c - unit tests of core/expiry.c on a real event loop, under a watchdog. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ev.h"
#include "expiry.h"

#define WATCHDOG_MS 5000
#define N_RANDOM    2000
#define MAX_FIRED   (N_RANDOM + 16)

struct fix;

struct obj {
	struct fix *f;
	int tag;
	struct expiry_entry exp;
	int fired;
};

struct fix {
	struct ev_loop *loop;
	struct ev_timer *watchdog;
	struct expiry x;
	struct obj objs[N_RANDOM];
	int order[MAX_FIRED]; /* tags in firing order */
	size_t n_fired;
	size_t stop_after; /* break the loop after this many firings */
	bool late;         /* an entry fired before its deadline */
	bool still_pending;
	/* What the callback does for the entry tagged act_tag. */
	int act_tag;
	struct obj *act_remove;
	uint64_t act_readd_ms; /* 0: do not re-add */
};

static void
watchdog_fired(void *arg)
{
	fail_msg("the loop did not finish within %d ms", WATCHDOG_MS);
}

static void
fired(struct expiry_entry *e, void *arg)
{
	struct fix *f = arg;
	struct obj *o = EXPIRY_ENTRY(e, struct obj, exp);

	assert_ptr_equal(o->f, f);
	if (ev_now_ms() < e->at_ms)
		f->late = true;
	if (expiry_pending(e))
		f->still_pending = true;
	if (f->n_fired < MAX_FIRED)
		f->order[f->n_fired] = o->tag;
	f->n_fired++;
	o->fired++;
	if (o->tag == f->act_tag) {
		f->act_tag = -1;
		if (f->act_remove != NULL)
			expiry_remove(&f->x, &f->act_remove->exp);
		if (f->act_readd_ms != 0)
			assert_int_equal(expiry_add(&f->x, e, ev_now_ms() + f->act_readd_ms), 0);
	}
	if (f->n_fired == f->stop_after)
		ev_loop_break(f->loop);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->loop = ev_loop_new();
	assert_non_null(f->loop);
	f->watchdog = ev_timer_new(f->loop, watchdog_fired, f);
	assert_non_null(f->watchdog);
	ev_timer_arm(f->watchdog, WATCHDOG_MS);
	assert_int_equal(expiry_init(&f->x, f->loop, fired, f), 0);
	for (int i = 0; i < N_RANDOM; i++) {
		f->objs[i].f = f;
		f->objs[i].tag = i;
	}
	f->act_tag = -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	expiry_fini(&f->x);
	ev_timer_free(f->watchdog);
	ev_loop_free(f->loop);
	free(f);
	return 0;
}

static void
run(struct fix *f, size_t stop_after)
{
	f->stop_after = stop_after;
	assert_int_equal(ev_loop_run(f->loop), 0);
	assert_false(f->late);
	assert_false(f->still_pending);
}

/* Entries fire in deadline order, not in adding order, and never early. */
static void
test_fire_in_order(void **state)
{
	struct fix *f = *state;
	static const uint64_t delay[] = { 60, 20, 40, 10, 30 };
	uint64_t t0 = ev_now_ms();

	for (int i = 0; i < 5; i++) {
		assert_int_equal(expiry_add(&f->x, &f->objs[i].exp, t0 + delay[i]), 0);
		assert_true(expiry_pending(&f->objs[i].exp));
	}
	assert_int_equal(expiry_count(&f->x), 5);
	run(f, 5);
	assert_int_equal(f->n_fired, 5);
	assert_int_equal(f->order[0], 3);
	assert_int_equal(f->order[1], 1);
	assert_int_equal(f->order[2], 4);
	assert_int_equal(f->order[3], 2);
	assert_int_equal(f->order[4], 0);
	assert_true(ev_now_ms() - t0 >= 60);
	assert_int_equal(expiry_count(&f->x), 0);
	for (int i = 0; i < 5; i++) {
		assert_false(expiry_pending(&f->objs[i].exp));
		assert_int_equal(f->objs[i].exp.at_ms, t0 + delay[i]); /* kept after firing */
	}
}

static int
cmp_at(const void *a, const void *b)
{
	const struct obj *x = *(struct obj *const *)a, *y = *(struct obj *const *)b;

	return x->exp.at_ms < y->exp.at_ms ? -1 : x->exp.at_ms > y->exp.at_ms;
}

/* Thousands of random deadlines, some updated and some removed, fire in sorted order. */
static void
test_random_against_sorted(void **state)
{
	struct fix *f = *state;
	static struct obj *ref[N_RANDOM];
	uint64_t t0 = ev_now_ms();
	size_t n_ref = 0, n_pending = 0;

	srandom(0xe4b1);
	for (int i = 0; i < N_RANDOM; i++)
		assert_int_equal(expiry_add(&f->x, &f->objs[i].exp, t0 + 5 + random() % 100), 0);
	for (int i = 0; i < N_RANDOM; i++) {
		if (random() % 4 == 0)
			expiry_remove(&f->x, &f->objs[i].exp);
		else if (random() % 3 == 0)
			assert_int_equal(
			        expiry_add(&f->x, &f->objs[i].exp, t0 + 5 + random() % 100), 0);
	}
	for (int i = 0; i < N_RANDOM; i++) {
		if (expiry_pending(&f->objs[i].exp)) {
			ref[n_ref++] = &f->objs[i];
			n_pending++;
		}
	}
	assert_int_equal(expiry_count(&f->x), n_pending);
	qsort(ref, n_ref, sizeof(ref[0]), cmp_at);
	run(f, n_ref);
	assert_int_equal(f->n_fired, n_ref);
	for (size_t i = 0; i < n_ref; i++) /* ties may fire in any order: compare deadlines */
		assert_int_equal(f->objs[f->order[i]].exp.at_ms, ref[i]->exp.at_ms);
	for (int i = 0; i < N_RANDOM; i++)
		assert_true(f->objs[i].fired <= 1);
	assert_int_equal(expiry_count(&f->x), 0);
}

/* Moving a pending entry earlier or later changes when it fires. */
static void
test_update(void **state)
{
	struct fix *f = *state;
	uint64_t t0 = ev_now_ms();

	assert_int_equal(expiry_add(&f->x, &f->objs[0].exp, t0 + 200), 0);
	assert_int_equal(expiry_add(&f->x, &f->objs[1].exp, t0 + 20), 0);
	assert_int_equal(expiry_add(&f->x, &f->objs[2].exp, t0 + 30), 0);
	assert_int_equal(expiry_add(&f->x, &f->objs[0].exp, t0 + 10), 0); /* the top, earlier */
	assert_int_equal(expiry_add(&f->x, &f->objs[1].exp, t0 + 50), 0); /* later */
	assert_int_equal(expiry_count(&f->x), 3);
	run(f, 3);
	assert_int_equal(f->order[0], 0);
	assert_int_equal(f->order[1], 2);
	assert_int_equal(f->order[2], 1);
	assert_true(ev_now_ms() - t0 >= 50);
}

/* Removing the earliest entry re-arms the timer for the next one; removal is idempotent. */
static void
test_remove(void **state)
{
	struct fix *f = *state;
	uint64_t t0 = ev_now_ms();

	expiry_remove(&f->x, &f->objs[0].exp); /* never added: no-op */
	assert_int_equal(expiry_add(&f->x, &f->objs[0].exp, t0 + 10), 0);
	assert_int_equal(expiry_add(&f->x, &f->objs[1].exp, t0 + 40), 0);
	expiry_remove(&f->x, &f->objs[0].exp);
	expiry_remove(&f->x, &f->objs[0].exp);
	assert_false(expiry_pending(&f->objs[0].exp));
	assert_int_equal(expiry_count(&f->x), 1);
	run(f, 1);
	assert_int_equal(f->order[0], 1);
	assert_int_equal(f->objs[0].fired, 0);
	assert_true(ev_now_ms() >= t0 + 40);
}

/* The callback may remove another entry and re-add the one it got. */
static void
test_changes_inside_callback(void **state)
{
	struct fix *f = *state;
	uint64_t t0 = ev_now_ms();

	assert_int_equal(expiry_add(&f->x, &f->objs[0].exp, t0 + 10), 0);
	assert_int_equal(expiry_add(&f->x, &f->objs[1].exp, t0 + 15), 0);
	assert_int_equal(expiry_add(&f->x, &f->objs[2].exp, t0 + 40), 0);
	assert_int_equal(expiry_add(&f->x, &f->objs[3].exp, t0 + 150), 0);
	f->act_tag = 0;              /* when 0 fires: */
	f->act_remove = &f->objs[2]; /* drop 2, */
	f->act_readd_ms = 30;        /* and fire 0 again 30 ms later */
	run(f, 4);
	assert_int_equal(f->order[0], 0);
	assert_int_equal(f->order[1], 1);
	assert_int_equal(f->order[2], 0);
	assert_int_equal(f->order[3], 3);
	assert_int_equal(f->objs[0].fired, 2);
	assert_int_equal(f->objs[2].fired, 0);
	assert_int_equal(expiry_count(&f->x), 0);
}

/* Deadlines in the past fire on the next loop pass, all of them in one firing. */
static void
test_past_deadlines(void **state)
{
	struct fix *f = *state;
	uint64_t t0 = ev_now_ms();

	assert_int_equal(expiry_reserve(&f->x, 1000), 0);
	assert_int_equal(expiry_add(&f->x, &f->objs[0].exp, t0 - 5), 0);
	assert_int_equal(expiry_add(&f->x, &f->objs[1].exp, 0), 0);
	assert_int_equal(expiry_add(&f->x, &f->objs[2].exp, t0), 0);
	run(f, 3);
	assert_int_equal(f->order[0], 1);
	assert_int_equal(f->order[1], 0);
	assert_int_equal(f->order[2], 2);
}

/* A zeroed heap can be finished; a zeroed entry is not pending. */
static void
test_zeroed(void **state)
{
	struct expiry x;
	struct expiry_entry e;

	memset(&x, 0, sizeof(x));
	memset(&e, 0, sizeof(e));
	assert_false(expiry_pending(&e));
	assert_int_equal(expiry_count(&x), 0);
	expiry_fini(&x);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fire_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_against_sorted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_inside_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_past_deadlines, setup, teardown),
		cmocka_unit_test(test_zeroed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
