/* SPDX-License-Identifier: BSD-2-Clause */
/* test_wire.c - big-endian field helpers and the RFC 1071 Internet checksum. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "wire.h"

/*
 * RFC 1071 section 3 example. The 16-bit words 0001 f203 f4f5 f6f7 add to
 * 0x2ddf0; folding the carry gives 0xddf0 + 2 = 0xddf2, so the checksum is
 * ~0xddf2 = 0x220d.
 */
static const uint8_t rfc1071[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

static void
test_cksum_rfc1071_example(void **state)
{
	(void)state;
	assert_int_equal(wire_cksum(rfc1071, sizeof(rfc1071)), 0x220d);
}

/* Appending the checksum makes the sum 0xddf2 + 0x220d = 0xffff, whose complement is 0. */
static void
test_cksum_verifies_to_zero(void **state)
{
	uint8_t b[10];

	(void)state;
	memcpy(b, rfc1071, 8);
	b[8] = 0x22;
	b[9] = 0x0d;
	assert_int_equal(wire_cksum(b, sizeof(b)), 0);
}

/*
 * RFC 1071 section 2(B): the sum is byte-order independent, so swapping the
 * bytes of every word swaps the bytes of the result. Words 0100 03f2 f5f4
 * f7f6 add to 0x1f2dc, folded 0xf2dd, checksum 0x0d22.
 */
static void
test_cksum_byte_swapped(void **state)
{
	static const uint8_t b[] = { 0x01, 0x00, 0x03, 0xf2, 0xf5, 0xf4, 0xf7, 0xf6 };

	(void)state;
	assert_int_equal(wire_cksum(b, sizeof(b)), 0x0d22);
}

/*
 * An odd last byte is the high half of a word padded with zero. The first
 * seven RFC bytes: 0001 + f203 + f4f5 + f600 = 0x2dcf9, folded 0xdcfb,
 * checksum 0x2304. One byte 0xab: 0xab00, checksum 0x54ff. No bytes: 0xffff.
 */
static void
test_cksum_odd_lengths(void **state)
{
	static const uint8_t one = 0xab;

	(void)state;
	assert_int_equal(wire_cksum(rfc1071, 7), 0x2304);
	assert_int_equal(wire_cksum(&one, 1), 0x54ff);
	assert_int_equal(wire_cksum(rfc1071, 0), 0xffff);
}

/*
 * An IPv4 header with a zero checksum field: 4500 0073 0000 4000 4011 0000
 * c0a8 0001 c0a8 00c7 add to 0x2479c, folded 0x479e, checksum 0xb861. The
 * header also starts at an odd address to show that alignment does not matter.
 */
static void
test_cksum_ipv4_header_unaligned(void **state)
{
	static const uint8_t hdr[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		                       0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	uint8_t b[sizeof(hdr) + 1];

	(void)state;
	memcpy(b + 1, hdr, sizeof(hdr));
	assert_int_equal(wire_cksum(b + 1, sizeof(hdr)), 0xb861);
}

/*
 * 98304 words of 0xffff: in one's complement 0xffff + 0xffff = 0x1fffe folds
 * back to 0xffff, so the sum stays 0xffff and the checksum is 0. A plain
 * 32-bit total (98304 * 65535 > 2^32) would wrap and give 0x0001 instead.
 */
static void
test_cksum_long_input(void **state)
{
	size_t n = 3 * 65536;
	uint8_t *b = malloc(n);

	(void)state;
	assert_non_null(b);
	memset(b, 0xff, n);
	assert_int_equal(wire_cksum(b, n), 0);
	free(b);
}

static void
test_get_put(void **state)
{
	static const uint8_t want[] = { 0xee, 0x12, 0x34, 0x89, 0xab, 0xcd, 0xef, 0x01,
		                        0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
	uint8_t b[sizeof(want)];

	(void)state;
	memset(b, 0, sizeof(b));
	b[0] = 0xee;
	wire_put16(b + 1, 0x1234);
	wire_put32(b + 3, 0x89abcdef);
	wire_put64(b + 7, 0x0102030405060708ull);
	assert_memory_equal(b, want, sizeof(want));
	assert_int_equal(wire_get16(want + 1), 0x1234);
	assert_int_equal(wire_get32(want + 3), 0x89abcdef);
	assert_true(wire_get64(want + 7) == 0x0102030405060708ull);
	assert_int_equal(wire_get16(want + 3), 0x89ab);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cksum_rfc1071_example),
		cmocka_unit_test(test_cksum_verifies_to_zero),
		cmocka_unit_test(test_cksum_byte_swapped),
		cmocka_unit_test(test_cksum_odd_lengths),
		cmocka_unit_test(test_cksum_ipv4_header_unaligned),
		cmocka_unit_test(test_cksum_long_input),
		cmocka_unit_test(test_get_put),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
