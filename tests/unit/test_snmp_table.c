/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_snmp_table.c - unit tests of the generic SNMP row fetches (core/snmp_table.c).
 *
 * snmp_ipv4_find() is checked against a brute-force oracle over sorted rows indexed by
 * one address (with the lookup derived from "next after", as the agent, AAP peer and
 * security-violation tables use it) and by two addresses (with a lookup, as the binding
 * tables use it): for random request indexes (partial, over-long, sub-identifiers above
 * 255) a GETNEXT must return the smallest row whose index OID is greater than the
 * request, and a GET exactly the row whose index equals it. The scan helper
 * (struct snmp_scan) is checked the same way over an unsorted candidate list.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snmp_int.h"

#define N_ROWS 48
#define ROUNDS 20000

struct trow {
	struct in_addr a, b;
};

static struct trow rows[N_ROWS]; /* sorted by (a, b) in host order */
static size_t n_rows;
static unsigned calls; /* accessor calls in the last find */

static uint64_t
trow_key(const struct trow *r, size_t n_addr)
{
	uint64_t k = ntohl(r->a.s_addr);

	return n_addr == 2 ? k << 32 | ntohl(r->b.s_addr) : k;
}

static size_t g_n_addr;

static int
cmp_rows(const void *x, const void *y)
{
	uint64_t a = trow_key(x, g_n_addr), b = trow_key(y, g_n_addr);

	return a < b ? -1 : a > b;
}

static uint32_t
small_addr(void)
{
	static const uint8_t bytes[] = { 0, 1, 2, 254, 255 };
	uint32_t a = 0;

	for (int i = 0; i < 4; i++)
		a = a << 8 | bytes[random() % 5];
	return a;
}

static void
fill_rows(size_t n_addr)
{
	size_t n = (size_t)(random() % N_ROWS), j = 0;

	g_n_addr = n_addr;
	for (size_t i = 0; i < n; i++) {
		rows[i].a.s_addr = htonl(small_addr());
		rows[i].b.s_addr = n_addr == 2 ? htonl(small_addr()) : 0;
	}
	qsort(rows, n, sizeof(rows[0]), cmp_rows);
	for (size_t i = 0; i < n; i++) /* unique keys, as a role's index has */
		if (j == 0 || cmp_rows(&rows[j - 1], &rows[i]) != 0)
			rows[j++] = rows[i];
	n_rows = j;
}

static int
t_next(const struct in_addr *after, void *row)
{
	struct trow k = { 0 };

	calls++;
	if (after != NULL) {
		k.a = after[0];
		k.b = g_n_addr == 2 ? after[1] : (struct in_addr){ 0 };
	}
	for (size_t i = 0; i < n_rows; i++)
		if (after == NULL || cmp_rows(&rows[i], &k) > 0) {
			memcpy(row, &rows[i], sizeof(rows[i]));
			return 0;
		}
	return -ENOENT;
}

static int
t_lookup(const struct in_addr *key, void *row)
{
	calls++;
	for (size_t i = 0; i < n_rows; i++)
		if (rows[i].a.s_addr == key[0].s_addr && rows[i].b.s_addr == key[1].s_addr) {
			memcpy(row, &rows[i], sizeof(rows[i]));
			return 0;
		}
	return -ENOENT;
}

static const struct snmp_ipv4_rows rows1 = { .n_addr = 1,
	                                     .key_off = { offsetof(struct trow, a) },
	                                     .next = t_next };
static const struct snmp_ipv4_rows rows2 = {
	.n_addr = 2,
	.key_off = { offsetof(struct trow, a), offsetof(struct trow, b) },
	.lookup = t_lookup,
	.next = t_next,
};

static size_t
row_oid(const struct trow *r, size_t n_addr, oid *out)
{
	size_t n = 0;

	snmp_idx_put_ipv4(out, &n, r->a.s_addr);
	if (n_addr == 2)
		snmp_idx_put_ipv4(out, &n, r->b.s_addr);
	return n;
}

/* Oracle: the smallest row whose OID is greater than (GETNEXT) or equal to (GET) @idx. */
static long
oracle(const oid *idx, size_t len, size_t n_addr, bool exact)
{
	oid o[8];

	for (size_t i = 0; i < n_rows; i++) {
		size_t n = row_oid(&rows[i], n_addr, o);
		int c = snmp_oid_compare(o, n, idx, len);

		if (exact ? c == 0 : c > 0)
			return (long)i;
	}
	return -1;
}

static size_t
random_idx(oid *idx, size_t n_addr)
{
	size_t len = (size_t)(random() % (4 * n_addr + 3)), n;

	if (n_rows > 0 && random() % 3 == 0) { /* at or near an existing row */
		n = row_oid(&rows[(size_t)random() % n_rows], n_addr, idx);
		for (size_t i = n; i < len; i++)
			idx[i] = (oid)(random() % 300);
		if (random() % 2)
			len = n;
	} else {
		for (size_t i = 0; i < len; i++)
			idx[i] = (oid)(random() % 4 == 0 ? 256 + random() % 3 : random() % 256);
	}
	if (len > 0 && random() % 4 == 0)
		idx[random() % len] = (oid)(random() % 2 ? 255 : 0);
	return len;
}

static void
check_find(const struct snmp_ipv4_rows *r)
{
	oid idx[12], out[SNMP_IDX_MAX], want[8];
	struct trow got;

	for (int round = 0; round < ROUNDS; round++) {
		bool exact = random() % 3 == 0;
		size_t len, out_len = 0;
		long o;
		int rc;

		if (round % 200 == 0)
			fill_rows(r->n_addr);
		len = random_idx(idx, r->n_addr);
		o = oracle(idx, len, r->n_addr, exact);
		calls = 0;
		rc = snmp_ipv4_find(r, idx, len, exact, &got, out, &out_len);
		assert_true(calls <= 2); /* one lookup and one "next after" at most */
		if (o < 0) {
			assert_int_equal(rc, -ENOENT);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_memory_equal(&got, &rows[o], sizeof(got));
		assert_int_equal(out_len, row_oid(&rows[o], r->n_addr, want));
		assert_memory_equal(out, want, out_len * sizeof(oid));
	}
}

static void
test_ipv4_find_one_address_derived_lookup(void **state)
{
	(void)state;
	srandom(4242);
	check_find(&rows1);
}

static void
test_ipv4_find_two_addresses(void **state)
{
	(void)state;
	srandom(777);
	check_find(&rows2);
}

static void
test_ipv4_find_zero_address(void **state)
{
	/* A row at 0.0.0.0 is found by GET although "the row after 0.0.0.0 - 1" does not
	 * exist as an address: the derived lookup starts from the first row. */
	const oid zero[] = { 0, 0, 0, 0 };
	oid out[SNMP_IDX_MAX];
	struct trow got;
	size_t out_len;

	(void)state;
	g_n_addr = 1;
	n_rows = 2;
	rows[0] = (struct trow){ { 0 }, { 0 } };
	rows[1] = (struct trow){ { htonl(0x0a000001) }, { 0 } };
	assert_int_equal(snmp_ipv4_find(&rows1, zero, 4, true, &got, out, &out_len), 0);
	assert_int_equal(got.a.s_addr, 0);
	assert_int_equal(snmp_ipv4_find(&rows1, NULL, 0, false, &got, out, &out_len), 0);
	assert_int_equal(got.a.s_addr, 0);
	assert_int_equal(snmp_ipv4_find(&rows1, zero, 4, false, &got, out, &out_len), 0);
	assert_int_equal(got.a.s_addr, htonl(0x0a000001));
	n_rows = 1;
	rows[0] = rows[1];
	assert_int_equal(snmp_ipv4_find(&rows1, zero, 4, true, &got, out, &out_len), -ENOENT);
}

static void
test_scan_matches_oracle(void **state)
{
	oid idx[12], out[SNMP_IDX_MAX], cand[8], want[8];

	(void)state;
	srandom(99);
	for (int round = 0; round < ROUNDS; round++) {
		bool exact = random() % 3 == 0;
		struct snmp_scan s;
		size_t len, out_len = 99, shuffled[N_ROWS];
		long o, best = -1;

		if (round % 200 == 0)
			fill_rows(2);
		len = random_idx(idx, 2);
		o = oracle(idx, len, 2, exact);
		for (size_t i = 0; i < n_rows; i++)
			shuffled[i] = i;
		for (size_t i = n_rows; i > 1; i--) {
			size_t j = (size_t)random() % i, t = shuffled[i - 1];

			shuffled[i - 1] = shuffled[j];
			shuffled[j] = t;
		}
		snmp_scan_init(&s, idx, len, exact, out, &out_len);
		assert_int_equal(out_len, 0);
		for (size_t i = 0; i < n_rows; i++)
			if (snmp_scan_offer(&s, cand, row_oid(&rows[shuffled[i]], 2, cand)))
				best = (long)shuffled[i];
		assert_int_equal(s.found, o >= 0);
		assert_int_equal(best, o);
		if (o >= 0) {
			assert_int_equal(out_len, row_oid(&rows[o], 2, want));
			assert_memory_equal(out, want, out_len * sizeof(oid));
		}
	}
}

static void
test_val_id64(void **state)
{
	netsnmp_variable_list vb;
	const uint8_t want[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

	(void)state;
	memset(&vb, 0, sizeof(vb));
	snmp_val_id64(&vb, 0x0123456789abcdefull);
	assert_int_equal(vb.type, ASN_OCTET_STR);
	assert_int_equal(vb.val_len, 8);
	assert_memory_equal(vb.val.string, want, 8);
	snmp_free_var_internals(&vb);
	memset(&vb, 0, sizeof(vb));
	snmp_val_gauge_clamp(&vb, (uint64_t)UINT32_MAX + 5);
	assert_int_equal(vb.type, ASN_GAUGE);
	assert_int_equal(*vb.val.integer, (long)UINT32_MAX);
	snmp_free_var_internals(&vb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_find_one_address_derived_lookup),
		cmocka_unit_test(test_ipv4_find_two_addresses),
		cmocka_unit_test(test_ipv4_find_zero_address),
		cmocka_unit_test(test_scan_matches_oracle),
		cmocka_unit_test(test_val_id64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
