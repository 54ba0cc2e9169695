/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_radius_cache.c - the keystore-radius answer cache: hash lookups, LRU eviction,
 * deadlines, clearing, growth, and SipHash-2-4 against the reference vector.
 *
 * The cache is compiled into this test from the plugin's sources; deadlines run on a real
 * event loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../plugins/keystore-radius/radius_cache.c"

#define NVAL 2048

struct fix {
	struct ev_loop *loop;
	struct radius_cache c;
	int freed[NVAL]; /* free_val calls per value */
	int val[NVAL];   /* values are pointers into this array */
};

static struct fix *cur;

static void
free_val(void *v)
{
	cur->freed[(int *)v - cur->val]++;
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->loop = ev_loop_new();
	assert_non_null(f->loop);
	assert_int_equal(radius_cache_init(&f->c, f->loop, 3, free_val), 0);
	cur = f;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	radius_cache_fini(&f->c);
	ev_loop_free(f->loop);
	free(f);
	return 0;
}

static struct radius_cache_key
key(int entity, int kind, const char *name)
{
	struct radius_cache_key k;

	radius_cache_key_set(&k, entity, kind, name);
	return k;
}

/* Value stored under @name (entity 1, kind 3), or -1. */
static int
get(struct fix *f, const char *name)
{
	struct radius_cache_key k = key(1, 3, name);
	struct radius_cache_entry *e = radius_cache_get(&f->c, &k);

	return e != NULL ? (int)((int *)e->val - f->val) : -1;
}

static void
put(struct fix *f, const char *name, int v, uint64_t expires_ms)
{
	struct radius_cache_key k = key(1, 3, name);

	assert_non_null(radius_cache_put(&f->c, &k, &f->val[v], expires_ms));
}

static void
test_siphash_reference_vector(void **state)
{
	uint8_t k[16], m[15];

	(void)state;
	for (int i = 0; i < 16; i++)
		k[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		m[i] = (uint8_t)i;
	/* SipHash-2-4 paper, appendix A: 15-byte message 00..0e, key 00..0f. */
	assert_true(radius_cache_hash(k, m, sizeof(m)) == 0xa129ca6149be45e5ULL);
	assert_true(radius_cache_hash(k, m, 0) == 0x726fdb47dd0e0e31ULL);
}

static void
test_key_parts_distinguish(void **state)
{
	struct fix *f = *state;
	struct radius_cache_key a = key(1, 3, "mn@x"), b = key(2, 3, "mn@x"), c = key(1, 1, "mn@x");

	assert_non_null(radius_cache_put(&f->c, &a, &f->val[0], 0));
	assert_non_null(radius_cache_put(&f->c, &b, &f->val[1], 0));
	assert_non_null(radius_cache_put(&f->c, &c, &f->val[2], 0));
	assert_int_equal(f->c.n, 3);
	assert_ptr_equal(radius_cache_get(&f->c, &a)->val, &f->val[0]);
	assert_ptr_equal(radius_cache_get(&f->c, &b)->val, &f->val[1]);
	assert_ptr_equal(radius_cache_get(&f->c, &c)->val, &f->val[2]);
	assert_int_equal(get(f, "mn@y"), -1);
}

static void
test_lru_eviction_order(void **state)
{
	struct fix *f = *state;

	put(f, "a", 0, 0);
	put(f, "b", 1, 0);
	put(f, "c", 2, 0);
	assert_int_equal(get(f, "a"), 0); /* a is now the most recently used; b the least */
	put(f, "d", 3, 0);
	assert_int_equal(f->c.n, 3);
	assert_int_equal(f->c.evictions, 1);
	assert_int_equal(f->freed[1], 1);
	assert_int_equal(get(f, "b"), -1);
	assert_int_equal(get(f, "a"), 0);
	assert_int_equal(get(f, "c"), 2);
	assert_int_equal(get(f, "d"), 3);
	/* Order now (most recent first): d c a; the next put evicts a. */
	put(f, "e", 4, 0);
	assert_int_equal(f->freed[0], 1);
	assert_int_equal(get(f, "a"), -1);
	assert_int_equal(f->c.evictions, 2);
}

static void
test_shrinking_cap_evicts_least_recent(void **state)
{
	struct fix *f = *state;

	put(f, "a", 0, 0);
	put(f, "b", 1, 0);
	put(f, "c", 2, 0);
	radius_cache_set_max(&f->c, 1);
	assert_int_equal(f->c.n, 1);
	assert_int_equal(get(f, "c"), 2);
	assert_int_equal(f->freed[0] + f->freed[1], 2);
}

static void
test_replace_frees_old_value(void **state)
{
	struct fix *f = *state;

	put(f, "a", 0, 0);
	put(f, "a", 1, 0);
	assert_int_equal(f->c.n, 1);
	assert_int_equal(f->freed[0], 1);
	assert_int_equal(get(f, "a"), 1);
	assert_int_equal(f->c.evictions, 0);
}

static void
test_past_deadline_never_returned(void **state)
{
	struct fix *f = *state;

	put(f, "old", 0, ev_now_ms() - 1);
	put(f, "new", 1, ev_now_ms() + 600000);
	/* The timer has not run: the lookup itself must refuse the stale entry. */
	assert_int_equal(get(f, "old"), -1);
	assert_int_equal(f->freed[0], 1);
	assert_int_equal(f->c.expirations, 1);
	assert_int_equal(get(f, "new"), 1);
}

static void
test_timer_removes_due_entries(void **state)
{
	struct fix *f = *state;

	put(f, "due", 0, ev_now_ms() - 1);
	put(f, "forever", 1, 0);
	assert_int_equal(f->c.n, 2);
	for (int i = 0; i < 100 && f->c.n > 1; i++)
		ev_loop_run_once(f->loop);
	assert_int_equal(f->c.n, 1);
	assert_int_equal(f->freed[0], 1);
	assert_int_equal(f->c.expirations, 1);
	assert_int_equal(get(f, "forever"), 1);
}

static void
test_clear_frees_everything(void **state)
{
	struct fix *f = *state;

	put(f, "a", 0, ev_now_ms() + 600000);
	put(f, "b", 1, 0);
	radius_cache_clear(&f->c);
	assert_int_equal(f->c.n, 0);
	assert_null(f->c.mru);
	assert_null(f->c.lru);
	assert_int_equal(f->freed[0] + f->freed[1], 2);
	assert_int_equal(get(f, "a"), -1);
	put(f, "a", 2, 0); /* usable again */
	assert_int_equal(get(f, "a"), 2);
}

static void
test_growth_without_cap(void **state)
{
	struct fix *f = *state;
	char name[32];

	radius_cache_set_max(&f->c, 0);
	for (int i = 0; i < NVAL; i++) {
		snprintf(name, sizeof(name), "mn%d@example.net", i);
		put(f, name, i, i % 2 ? ev_now_ms() + 600000 : 0);
	}
	assert_int_equal(f->c.n, NVAL);
	assert_true(f->c.nbucket >= NVAL);
	for (int i = 0; i < NVAL; i++) {
		snprintf(name, sizeof(name), "mn%d@example.net", i);
		assert_int_equal(get(f, name), i);
	}
	/* Taking an entry leaves its value to the caller. */
	{
		struct radius_cache_key k = key(1, 3, "mn7@example.net");
		struct radius_cache_entry *e = radius_cache_get(&f->c, &k);

		assert_ptr_equal(radius_cache_take(&f->c, e), &f->val[7]);
		assert_int_equal(f->freed[7], 0);
		assert_int_equal(f->c.n, NVAL - 1);
	}
	radius_cache_set_max(&f->c, 10);
	assert_int_equal(f->c.n, 10);
	assert_int_equal(f->c.evictions, NVAL - 11);
	/* The ten most recently used survive: the last ten looked up. */
	for (int i = NVAL - 10; i < NVAL; i++) {
		snprintf(name, sizeof(name), "mn%d@example.net", i);
		assert_int_equal(get(f, name), i);
	}
}

static void
test_long_name_is_cut(void **state)
{
	struct radius_cache_key k;
	char name[400];

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	radius_cache_key_set(&k, 1, 3, name);
	assert_int_equal(strlen(k.name), RADIUS_ATTR_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_reference_vector),
		cmocka_unit_test_setup_teardown(test_key_parts_distinguish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lru_eviction_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shrinking_cap_evicts_least_recent, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_replace_frees_old_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_past_deadline_never_returned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_removes_due_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clear_frees_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_growth_without_cap, setup, teardown),
		cmocka_unit_test(test_long_name_is_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
