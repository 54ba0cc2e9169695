/* SPDX-License-Identifier: BSD-2-Clause */
/* test_addr_index.c - unit tests of core/addr_index.c against a sorted reference array. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "addr_index.h"

#define N_ENTRIES 4000

struct item {
	int tag;
	struct addr_index_node ix;
	bool in;
};

struct fix {
	struct addr_index ix;
	struct item items[N_ENTRIES];
	uint32_t sorted[N_ENTRIES]; /* host-order keys of the items in the index, ascending */
	size_t n_sorted;
};

static struct item *
item_of(struct addr_index_node *n)
{
	return ADDR_INDEX_ENTRY(n, struct item, ix);
}

static struct in_addr
addr_of(uint32_t host)
{
	struct in_addr a = { .s_addr = htonl(host) };

	return a;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Rebuild the reference array from the items flagged as in the index. */
static void
reference(struct fix *f)
{
	f->n_sorted = 0;
	for (size_t i = 0; i < N_ENTRIES; i++) {
		if (f->items[i].in)
			f->sorted[f->n_sorted++] = ntohl(f->items[i].ix.addr.s_addr);
	}
	qsort(f->sorted, f->n_sorted, sizeof(f->sorted[0]), cmp_u32);
}

/* The ordered walk, the count and every lookup agree with the reference array. */
static void
check_against_reference(struct fix *f)
{
	struct addr_index_node *n = addr_index_first(&f->ix);
	size_t i = 0;

	reference(f);
	assert_int_equal(addr_index_count(&f->ix), f->n_sorted);
	for (; n != NULL; n = addr_index_next(&f->ix, n->addr), i++) {
		assert_true(i < f->n_sorted);
		assert_int_equal(ntohl(n->addr.s_addr), f->sorted[i]);
	}
	assert_int_equal(i, f->n_sorted);
	for (size_t j = 0; j < N_ENTRIES; j++) {
		struct item *it = item_of(addr_index_find(&f->ix, f->items[j].ix.addr));

		if (f->items[j].in)
			assert_ptr_equal(it, &f->items[j]);
		else
			assert_null(it);
	}
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(addr_index_init(&f->ix), 0);
	srandom(0x5eed);
	/* Distinct random addresses, including the extremes of the key space. */
	for (size_t i = 0; i < N_ENTRIES; i++) {
		uint32_t k;
		bool dup;

		do {
			k = i == 0   ? 0
			    : i == 1 ? UINT32_MAX
			             : (uint32_t)random() ^ (uint32_t)random() << 16;
			dup = false;
			for (size_t j = 0; j < i && !dup; j++)
				dup = ntohl(f->items[j].ix.addr.s_addr) == k;
		} while (dup);
		f->items[i].tag = (int)i;
		f->items[i].ix.addr = addr_of(k);
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	addr_index_fini(&f->ix);
	free(f);
	return 0;
}

static void
insert_all(struct fix *f)
{
	for (size_t i = 0; i < N_ENTRIES; i++) {
		addr_index_insert(&f->ix, &f->items[i].ix);
		f->items[i].in = true;
	}
}

/* A zeroed index and a fresh one are empty for every accessor. */
static void
test_empty(void **state)
{
	struct fix *f = *state;
	struct addr_index zero;

	memset(&zero, 0, sizeof(zero));
	assert_null(addr_index_find(&zero, addr_of(1)));
	assert_null(addr_index_first(&zero));
	assert_null(addr_index_next(&zero, addr_of(0)));
	assert_int_equal(addr_index_count(&zero), 0);
	addr_index_fini(&zero);
	assert_null(addr_index_first(&f->ix));
	assert_null(addr_index_find(&f->ix, f->items[5].ix.addr));
	assert_int_equal(addr_index_count(&f->ix), 0);
}

/* Thousands of random inserts (growing the hash) walk in ascending address order. */
static void
test_insert_walk(void **state)
{
	struct fix *f = *state;

	for (size_t i = 0; i < N_ENTRIES; i++) {
		addr_index_insert(&f->ix, &f->items[i].ix);
		f->items[i].in = true;
		if (i == 10 || i == 100 || i == 1000)
			check_against_reference(f);
	}
	check_against_reference(f);
	/* O(1) lookups: the hash grew to a load of at most one. O(log n) steps: an AVL tree
	 * of n nodes is at most 1.44 log2(n + 2) high, 17 for 4000 nodes. */
	assert_true(f->ix.size >= N_ENTRIES);
	assert_true(f->ix.root->height <= 17);
	assert_int_equal(ntohl(addr_index_first(&f->ix)->addr.s_addr), 0);
	assert_null(addr_index_next(&f->ix, addr_of(UINT32_MAX)));
}

/* The order is by address value (host order), not by the bytes of s_addr. */
static void
test_order_is_numeric(void **state)
{
	struct fix *f = *state;
	struct item a = { .tag = 1 }, b = { .tag = 2 };

	inet_pton(AF_INET, "10.0.0.255", &a.ix.addr);
	inet_pton(AF_INET, "10.0.1.0", &b.ix.addr);
	addr_index_insert(&f->ix, &b.ix);
	addr_index_insert(&f->ix, &a.ix);
	assert_ptr_equal(item_of(addr_index_first(&f->ix)), &a);
	assert_ptr_equal(item_of(addr_index_next(&f->ix, a.ix.addr)), &b);
	addr_index_remove(&f->ix, &a.ix);
	addr_index_remove(&f->ix, &b.ix);
	assert_int_equal(addr_index_count(&f->ix), 0);
}

/* Next-after works from keys that are not in the index. */
static void
test_next_after_absent_key(void **state)
{
	struct fix *f = *state;

	insert_all(f);
	reference(f);
	for (size_t i = 0; i + 1 < f->n_sorted; i++) {
		uint32_t lo = f->sorted[i], hi = f->sorted[i + 1];
		struct addr_index_node *n;

		if (hi - lo < 2)
			continue;
		n = addr_index_next(&f->ix, addr_of(lo + (hi - lo) / 2));
		assert_non_null(n);
		assert_int_equal(ntohl(n->addr.s_addr), hi);
	}
}

/* Random removals, then re-insertions, keep walk, count and lookups right. */
static void
test_remove_reinsert(void **state)
{
	struct fix *f = *state;

	insert_all(f);
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < N_ENTRIES; i++) {
			if (f->items[i].in && random() % 2 == 0) {
				addr_index_remove(&f->ix, &f->items[i].ix);
				f->items[i].in = false;
			}
		}
		check_against_reference(f);
		for (size_t i = 0; i < N_ENTRIES; i++) {
			if (!f->items[i].in && random() % 3 == 0) {
				addr_index_insert(&f->ix, &f->items[i].ix);
				f->items[i].in = true;
			}
		}
		check_against_reference(f);
	}
}

/* A walk may remove the node it stands on; removing everything empties the index. */
static void
test_remove_while_walking(void **state)
{
	struct fix *f = *state;
	struct addr_index_node *n, *next;
	size_t seen = 0;

	insert_all(f);
	reference(f);
	for (n = addr_index_first(&f->ix); n != NULL; n = next, seen++) {
		assert_int_equal(ntohl(n->addr.s_addr), f->sorted[seen]);
		next = addr_index_next(&f->ix, n->addr);
		addr_index_remove(&f->ix, n);
		item_of(n)->in = false;
		assert_null(addr_index_find(&f->ix, n->addr));
	}
	assert_int_equal(seen, N_ENTRIES);
	assert_int_equal(addr_index_count(&f->ix), 0);
	assert_null(addr_index_first(&f->ix));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_is_numeric, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_after_absent_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_reinsert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_while_walking, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
