/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_snmp_idx.c - unit tests of the SNMP index helpers (core/snmp_tables.c).
 *
 * The GETNEXT start computed by snmp_idx_ipv4_start() is checked against a
 * brute-force oracle: for random sets of (address, address) rows and random
 * request indexes (partial, over-long, sub-identifiers above 255), the row it
 * leads to must be the smallest row whose index OID is greater than the
 * request, compared sub-identifier by sub-identifier as SNMP does.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snmp_int.h"

#define N_ROWS 64
#define ROUNDS 20000

static uint64_t rows[N_ROWS]; /* (a << 32 | b), sorted */
static size_t n_rows;

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t
small_addr(void)
{
	/* Few distinct bytes, so that prefixes collide often. */
	static const uint8_t bytes[] = { 0, 1, 2, 254, 255 };
	uint32_t a = 0;

	for (int i = 0; i < 4; i++)
		a = a << 8 | bytes[random() % 5];
	return a;
}

static size_t
row_oid(uint64_t r, oid *out)
{
	for (int i = 0; i < 8; i++)
		out[i] = (oid)((r >> (56 - 8 * i)) & 0xff);
	return 8;
}

/* Oracle: index of the smallest row whose OID is greater than @idx, or -1. */
static long
oracle(const oid *idx, size_t len)
{
	oid o[8];

	for (size_t i = 0; i < n_rows; i++) {
		row_oid(rows[i], o);
		if (snmp_oid_compare(o, 8, idx, len) > 0)
			return (long)i;
	}
	return -1;
}

/* What a table does with snmp_idx_ipv4_start(): lookup-or-next, or next. */
static long
via_start(const oid *idx, size_t len)
{
	uint32_t key[2];
	uint64_t k;
	int s = snmp_idx_ipv4_start(idx, len, 2, key);

	if (s < 0)
		return -1;
	k = (uint64_t)key[0] << 32 | key[1];
	for (size_t i = 0; i < n_rows; i++)
		if (s == 1 ? rows[i] >= k : rows[i] > k)
			return (long)i;
	return -1;
}

static void
test_start_matches_oracle(void **state)
{
	oid idx[12];

	srandom(12345);
	for (int round = 0; round < ROUNDS; round++) {
		size_t len;

		if (round % 200 == 0) {
			n_rows = (size_t)(random() % N_ROWS);
			for (size_t i = 0; i < n_rows; i++)
				rows[i] = (uint64_t)small_addr() << 32 | small_addr();
			qsort(rows, n_rows, sizeof(rows[0]), cmp_u64);
		}
		len = (size_t)(random() % 11);
		if (n_rows > 0 && random() % 3 == 0) { /* near an existing row */
			row_oid(rows[(size_t)random() % n_rows], idx);
			for (size_t i = 8; i < len; i++)
				idx[i] = (oid)(random() % 300);
		} else {
			for (size_t i = 0; i < len; i++)
				idx[i] = (oid)(random() % 4 == 0 ? 256 + random() % 3
				                                 : random() % 256);
		}
		if (len > 0 && random() % 4 == 0)
			idx[random() % len] = (oid)(random() % 2 ? 255 : 0);
		assert_int_equal(via_start(idx, len), oracle(idx, len));
	}
}

static void
test_exact(void **state)
{
	const oid good[] = { 192, 0, 2, 50, 203, 0, 113, 1 };
	const oid big[] = { 192, 0, 2, 256, 203, 0, 113, 1 };
	uint32_t key[2];

	assert_int_equal(snmp_idx_ipv4_exact(good, 8, 2, key), 0);
	assert_int_equal(key[0], 0xc0000232u);
	assert_int_equal(key[1], 0xcb007101u);
	assert_int_equal(snmp_idx_ipv4_exact(good, 7, 2, key), -1);
	assert_int_equal(snmp_idx_ipv4_exact(good, 8, 1, key), -1);
	assert_int_equal(snmp_idx_ipv4_exact(big, 8, 2, key), -1);
}

static void
test_put_ipv4(void **state)
{
	oid out[4];
	size_t n = 0;
	struct in_addr a;

	inet_pton(AF_INET, "198.51.100.7", &a);
	snmp_idx_put_ipv4(out, &n, a.s_addr);
	assert_int_equal(n, 4);
	assert_int_equal(out[0], 198);
	assert_int_equal(out[3], 7);
}

static void
test_after(void **state)
{
	const oid a[] = { 1, 2 }, b[] = { 1, 2, 0 }, c[] = { 1, 3 };

	assert_true(snmp_idx_after(b, 3, a, 2, false, NULL, 0, false));
	assert_false(snmp_idx_after(a, 2, a, 2, false, NULL, 0, false));
	assert_true(snmp_idx_after(a, 2, a, 2, true, NULL, 0, false));
	/* Better than the best so far only when smaller. */
	assert_true(snmp_idx_after(b, 3, a, 2, false, c, 2, true));
	assert_false(snmp_idx_after(c, 2, a, 2, false, b, 3, true));
}

static void
test_reg_flags(void **state)
{
	/* RFC 2006 RegistrationFlags: vjCompression(0) gre(1) minEnc(2) decapsulationbyMN(3)
	 * broadcastDatagram(4) simultaneousBindings(5), bit n = octet mask 0x80 >> n. */
	assert_int_equal(snmp_reg_flags(0x80), 0x04); /* S */
	assert_int_equal(snmp_reg_flags(0x40), 0x08); /* B */
	assert_int_equal(snmp_reg_flags(0x20), 0x10); /* D */
	assert_int_equal(snmp_reg_flags(0x10), 0x20); /* M */
	assert_int_equal(snmp_reg_flags(0x08), 0x40); /* G */
	assert_int_equal(snmp_reg_flags(0x04), 0x80); /* r (VJ) */
	assert_int_equal(snmp_reg_flags(0x03), 0x00); /* T and x have no bit */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_matches_oracle),
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_put_ipv4),
		cmocka_unit_test(test_after),
		cmocka_unit_test(test_reg_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
