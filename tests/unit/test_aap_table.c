/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_aap_table.c - the AAP table: merge order, commutativity, idempotence, tombstones,
 * digests, reconciliation by differing buckets, size limit and tombstone purge.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aap_table.h"

static struct aap_entry
ent(uint32_t prefix_host, uint8_t len, uint32_t ha_host, uint32_t aap_host, uint64_t version,
    bool tomb)
{
	struct aap_entry e = { 0 };

	e.prefix.s_addr = htonl(prefix_host);
	e.len = len;
	e.ha.s_addr = htonl(ha_host);
	e.origin.s_addr = htonl(0xc0000264); /* 192.0.2.100 */
	e.aap.s_addr = htonl(aap_host);
	e.version = version;
	e.flags = tomb ? AAP_ENT_TOMBSTONE : 0;
	return e;
}

/* A pseudo-random pool of entries over few subnets, so that many collide. */
static void
pool(struct aap_entry *out, size_t n, unsigned seed)
{
	srand(seed);
	for (size_t i = 0; i < n; i++) {
		uint32_t sub = (uint32_t)(rand() % 40);

		out[i] = ent(0x0a000000u | sub << 8, 24, 0xcb007101u + (uint32_t)(rand() % 3),
		             0xc6336401u + (uint32_t)(rand() % 2), (uint64_t)(rand() % 8),
		             rand() % 4 == 0);
	}
}

struct collect {
	struct aap_entry *e;
	size_t n;
};

static int
collect_fn(const struct aap_entry *e, void *arg)
{
	struct collect *c = arg;

	c->e[c->n++] = *e;
	return 0;
}

static int
entry_key_cmp(const void *x, const void *y)
{
	const struct aap_entry *a = x, *b = y;

	if (a->prefix.s_addr != b->prefix.s_addr)
		return ntohl(a->prefix.s_addr) < ntohl(b->prefix.s_addr) ? -1 : 1;
	return a->len - b->len;
}

/* Tables @a and @b hold exactly the same entries. */
static void
assert_same(const struct aap_table *a, const struct aap_table *b)
{
	size_t n = aap_table_count(a);
	struct aap_entry *x = calloc(n + 1, sizeof(*x)), *y = calloc(n + 1, sizeof(*y));
	struct collect ca = { x, 0 }, cb = { y, 0 };

	assert_int_equal(n, aap_table_count(b));
	aap_table_foreach(a, NULL, collect_fn, &ca);
	aap_table_foreach(b, NULL, collect_fn, &cb);
	qsort(x, n, sizeof(*x), entry_key_cmp);
	qsort(y, n, sizeof(*y), entry_key_cmp);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(entry_key_cmp(&x[i], &y[i]), 0);
		assert_int_equal(aap_entry_cmp(&x[i], &y[i]), 0); /* every other field */
	}
	assert_true(aap_table_digest(a) == aap_table_digest(b));
	free(x);
	free(y);
}

static void
test_order(void **state)
{
	struct aap_entry a = ent(0xc0000200, 24, 0xc0000201, 1, 10, false);
	struct aap_entry b = a;

	(void)state;
	b.version = 11;
	assert_true(aap_entry_cmp(&a, &b) < 0);
	assert_true(aap_entry_cmp(&b, &a) > 0);
	b.version = 10;
	assert_int_equal(aap_entry_cmp(&a, &b), 0);
	b.flags = AAP_ENT_TOMBSTONE; /* same version: the deletion wins */
	assert_true(aap_entry_cmp(&b, &a) > 0);
	b = a;
	b.aap.s_addr = htonl(2);
	assert_true(aap_entry_cmp(&b, &a) > 0);
	b = a;
	b.ha.s_addr = htonl(0xc0000202);
	assert_true(aap_entry_cmp(&b, &a) > 0);
}

static void
test_merge_basics_and_tombstones(void **state)
{
	struct aap_table *t = aap_table_new(100);
	struct aap_entry live = ent(0xc0000200, 24, 0xc0000201, 1, 10, false);
	struct aap_entry tomb = live, newer = live, old;
	uint64_t d;

	(void)state;
	assert_int_equal(aap_table_merge(t, &live, NULL), AAP_MERGE_NEW);
	d = aap_table_digest(t);
	/* Idempotent: the same entry again changes nothing. */
	assert_int_equal(aap_table_merge(t, &live, NULL), AAP_MERGE_STALE);
	assert_true(aap_table_digest(t) == d);
	/* An older tombstone loses; a newer one wins and the subnet is no longer live. */
	tomb.flags = AAP_ENT_TOMBSTONE;
	tomb.version = 9;
	assert_int_equal(aap_table_merge(t, &tomb, NULL), AAP_MERGE_STALE);
	tomb.version = 12;
	assert_int_equal(aap_table_merge(t, &tomb, &old), AAP_MERGE_UPDATED);
	assert_memory_equal(&old, &live, sizeof(old));
	assert_int_equal(aap_table_live(t), 0);
	assert_int_equal(aap_table_count(t), 1);
	/* A live entry older than the tombstone does not resurrect the subnet. */
	newer.version = 11;
	assert_int_equal(aap_table_merge(t, &newer, NULL), AAP_MERGE_STALE);
	assert_true(aap_table_get(t, live.prefix, 24)->flags & AAP_ENT_TOMBSTONE);
	/* A local write always beats what the table has seen. */
	newer.version = 0;
	assert_int_equal(aap_table_write(t, &newer, 5), AAP_MERGE_UPDATED);
	assert_true(newer.version == 13);
	assert_int_equal(aap_table_live(t), 1);
	/* Invalid entries are refused. */
	newer.len = 16;
	assert_int_equal(aap_table_merge(t, &newer, NULL), AAP_MERGE_INVALID);
	aap_table_free(t);
}

static void
test_merge_commutative(void **state)
{
	enum { N = 300 };
	struct aap_entry e[N];
	size_t perm[N];

	(void)state;
	for (unsigned seed = 1; seed <= 20; seed++) {
		struct aap_table *a = aap_table_new(1000), *b = aap_table_new(1000);

		pool(e, N, seed);
		for (size_t i = 0; i < N; i++)
			perm[i] = i;
		for (size_t i = N - 1; i > 0; i--) { /* Fisher-Yates */
			size_t j = (size_t)rand() % (i + 1), x = perm[i];

			perm[i] = perm[j];
			perm[j] = x;
		}
		for (size_t i = 0; i < N; i++)
			aap_table_merge(a, &e[i], NULL);
		for (size_t i = 0; i < N; i++) {
			aap_table_merge(b, &e[perm[i]], NULL);
			if (i % 3 == 0) /* repetitions change nothing */
				aap_table_merge(b, &e[perm[i / 2]], NULL);
		}
		assert_same(a, b);
		aap_table_free(a);
		aap_table_free(b);
	}
}

static void
test_digest_incremental(void **state)
{
	struct aap_table *t = aap_table_new(1000);
	struct aap_entry e[200];
	uint64_t sum[AAP_BUCKETS] = { 0 };
	struct collect c = { calloc(1000, sizeof(struct aap_entry)), 0 };

	(void)state;
	pool(e, 200, 99);
	for (size_t i = 0; i < 200; i++)
		aap_table_merge(t, &e[i], NULL);
	aap_table_foreach(t, NULL, collect_fn, &c);
	for (size_t i = 0; i < c.n; i++)
		sum[aap_entry_bucket(c.e[i].prefix, c.e[i].len)] += aap_entry_hash(&c.e[i]);
	for (unsigned b = 0; b < AAP_BUCKETS; b++)
		assert_true(sum[b] == aap_table_bucket_digest(t, b));
	/* An empty table digests to 0 again after everything is removed. */
	for (size_t i = 0; i < c.n; i++)
		assert_true(aap_table_remove(t, c.e[i].prefix, c.e[i].len));
	assert_true(aap_table_digest(t) == 0);
	assert_int_equal(aap_table_count(t), 0);
	free(c.e);
	aap_table_free(t);
}

struct sync_ctx {
	struct aap_table *dst;
};

static int
sync_fn(const struct aap_entry *e, void *arg)
{
	struct sync_ctx *s = arg;

	aap_table_merge(s->dst, e, NULL);
	return 0;
}

/* One reconciliation exchange as the AAPs run it: bucket digests, then the entries of the
 * differing buckets in both directions. */
static size_t
reconcile(struct aap_table *a, struct aap_table *b)
{
	uint8_t bitmap[AAP_BITMAP_LEN] = { 0 };
	struct sync_ctx to_b = { b }, to_a = { a };
	size_t diff = 0;

	for (unsigned i = 0; i < AAP_BUCKETS; i++) {
		if (aap_table_bucket_digest(a, i) != aap_table_bucket_digest(b, i)) {
			aap_bitmap_set(bitmap, i);
			diff++;
		}
	}
	aap_table_foreach(b, bitmap, sync_fn, &to_a);
	aap_table_foreach(a, bitmap, sync_fn, &to_b);
	return diff;
}

static void
test_reconcile(void **state)
{
	struct aap_table *a = aap_table_new(10000), *b = aap_table_new(10000);
	struct aap_entry e;

	(void)state;
	/* A shared history of 2000 subnets. */
	for (uint32_t i = 0; i < 2000; i++) {
		e = ent(0x0a000000u | i << 8, 24, 0x0a000001u | i << 8, 1, 100 + i, false);
		aap_table_merge(a, &e, NULL);
		aap_table_merge(b, &e, NULL);
	}
	assert_int_equal(reconcile(a, b), 0);
	/* A partition: each side changes, deletes and adds. */
	e = ent(0x0a000500u, 24, 0x0a0005feu, 1, 5000, false);
	aap_table_merge(a, &e, NULL);
	e = ent(0x0a000500u, 24, 0x0a0005fdu, 2, 5001, false); /* later on b: b wins */
	aap_table_merge(b, &e, NULL);
	e = ent(0x0a000600u, 24, 0x0a000601u, 2, 6000, true); /* deleted on b */
	aap_table_merge(b, &e, NULL);
	e = ent(0xc0000200u, 24, 0xc0000201u, 1, 7000, false); /* new on a */
	aap_table_merge(a, &e, NULL);
	e = ent(0xcb007100u, 25, 0xcb007101u, 2, 7001, false); /* new on b */
	aap_table_merge(b, &e, NULL);
	assert_true(aap_table_digest(a) != aap_table_digest(b));
	assert_true(reconcile(a, b) > 0);
	assert_same(a, b);
	assert_int_equal(reconcile(a, b), 0);
	assert_int_equal(aap_table_get(a, e.prefix, 25)->ha.s_addr, e.ha.s_addr);
	e.prefix.s_addr = htonl(0x0a000500u);
	assert_int_equal(ntohl(aap_table_get(a, e.prefix, 24)->ha.s_addr), 0x0a0005fdu);
	e.prefix.s_addr = htonl(0x0a000600u);
	assert_true(aap_table_get(a, e.prefix, 24)->flags & AAP_ENT_TOMBSTONE);
	assert_int_equal(aap_table_live(a), 2001);
	aap_table_free(a);
	aap_table_free(b);
}

static void
test_limit_and_purge(void **state)
{
	struct aap_table *t = aap_table_new(3);
	struct aap_entry e;

	(void)state;
	for (uint32_t i = 0; i < 3; i++) {
		e = ent(0x0a000000u | i << 8, 24, 0x0a000001u | i << 8, 1, 1000 + i, i == 0);
		assert_int_equal(aap_table_merge(t, &e, NULL), AAP_MERGE_NEW);
	}
	e = ent(0x0a000900u, 24, 0x0a000901u, 1, 2000, false);
	assert_int_equal(aap_table_merge(t, &e, NULL), AAP_MERGE_FULL);
	/* Existing subnets still update when full. */
	e = ent(0x0a000100u, 24, 0x0a0001feu, 1, 3000, false);
	assert_int_equal(aap_table_merge(t, &e, NULL), AAP_MERGE_UPDATED);
	/* Purge: only the tombstone older than the TTL goes. */
	assert_int_equal(aap_table_purge(t, 1500, 400), 1);
	assert_int_equal(aap_table_count(t), 2);
	assert_int_equal(aap_table_purge(t, 1500, 400), 0);
	e = ent(0x0a000900u, 24, 0x0a000901u, 1, 2000, false);
	assert_int_equal(aap_table_merge(t, &e, NULL), AAP_MERGE_NEW);
	aap_table_free(t);
}

static void
test_grow(void **state)
{
	struct aap_table *t = aap_table_new(100000);
	struct aap_entry e;
	size_t inb = 0;

	(void)state;
	for (uint32_t i = 0; i < 20000; i++) {
		e = ent(0x0a000000u | i << 8, 24, 0x0a000001u | i << 8, 1, 1 + i, false);
		assert_int_equal(aap_table_merge(t, &e, NULL), AAP_MERGE_NEW);
	}
	for (uint32_t i = 0; i < 20000; i += 997) {
		struct in_addr p = { htonl(0x0a000000u | i << 8) };

		assert_non_null(aap_table_get(t, p, 24));
	}
	for (unsigned b = 0; b < AAP_BUCKETS; b++)
		inb += aap_table_bucket_count(t, b);
	assert_int_equal(inb, 20000);
	assert_true(aap_table_max_version(t) == 20000);
	aap_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_merge_basics_and_tombstones),
		cmocka_unit_test(test_merge_commutative),
		cmocka_unit_test(test_digest_incremental),
		cmocka_unit_test(test_reconcile),
		cmocka_unit_test(test_limit_and_purge),
		cmocka_unit_test(test_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
