/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_mip_adv.c - Agent Advertisement / Solicitation codec and sequence-number rules.
 *
 * The golden advertisement and its checksum were produced with Python's
 * struct module and an independent RFC 1071 sum; test messages built here
 * use the test's own checksum routine, not the codec's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "mip_adv.h"

/*
 * Code 0, 1 router entry (192.0.2.1, preference -1), lifetime 1800; mobility
 * agent extension seq 1, registration lifetime 1800, flags 0x9500 (R F G T),
 * CoA 192.0.2.1; prefix-lengths extension (24); one pad byte. Layout:
 * 0-7 ICMP header, 8-15 router entry, 16-27 ext 16, 28-30 ext 19, 31 pad.
 */
static const uint8_t golden[32] = {
	0x09, 0x00, 0x93, 0xdd, 0x01, 0x02, 0x07, 0x08, 0xc0, 0x00, 0x02,
	0x01, 0xff, 0xff, 0xff, 0xff, 0x10, 0x0a, 0x00, 0x01, 0x07, 0x08,
	0x95, 0x00, 0xc0, 0x00, 0x02, 0x01, 0x13, 0x01, 0x18, 0x00,
};

/* Independent RFC 1071 checksum, stored into bytes 2-3. */
static void
fix_cksum(uint8_t *m, size_t len)
{
	uint32_t s = 0;

	m[2] = m[3] = 0;
	for (size_t i = 0; i < len; i++)
		s += (i % 2 == 0) ? (uint32_t)m[i] << 8 : m[i];
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	s = ~s & 0xffff;
	m[2] = (uint8_t)(s >> 8);
	m[3] = (uint8_t)s;
}

static bool
is_zero(const struct mip_adv *a)
{
	static const struct mip_adv zero;

	return memcmp(a, &zero, sizeof(zero)) == 0;
}

/* Header + one router entry + a mobility agent extension with @ncoa CoAs; returns length. */
static size_t
build(uint8_t *m, uint16_t flags, unsigned ncoa)
{
	size_t n = 16;

	memcpy(m, golden, 16);
	m[n++] = 16;
	m[n++] = (uint8_t)(6 + 4 * ncoa);
	m[n++] = 0x01; /* seq 0x0102 */
	m[n++] = 0x02;
	m[n++] = 0x02; /* reg lifetime 600 */
	m[n++] = 0x58;
	m[n++] = (uint8_t)(flags >> 8);
	m[n++] = (uint8_t)flags;
	for (unsigned i = 0; i < ncoa; i++) {
		m[n++] = 198;
		m[n++] = 51;
		m[n++] = 100;
		m[n++] = (uint8_t)(i + 1);
	}
	return n;
}

static void
test_decode_golden(void **state)
{
	struct mip_adv a;

	assert_int_equal(mip_adv_decode(golden, sizeof(golden), &a), MIP_ADV_OK);
	assert_int_equal(a.code, 0);
	assert_int_equal(a.lifetime, 1800);
	assert_int_equal(a.num_routers, 1);
	assert_int_equal(a.routers[0].addr.s_addr, inet_addr("192.0.2.1"));
	assert_int_equal(a.routers[0].preference, -1);
	assert_int_equal(a.seq, 1);
	assert_int_equal(a.reg_lifetime, 1800);
	assert_int_equal(a.flags, MIP_ADV_F_R | MIP_ADV_F_F | MIP_ADV_F_G | MIP_ADV_F_T);
	assert_int_equal(a.flags, 0x9500);
	assert_int_equal(a.num_coa, 1);
	assert_int_equal(a.coa[0].s_addr, inet_addr("192.0.2.1"));
	assert_true(a.has_prefix_lens);
	assert_int_equal(a.prefix_len[0], 24);
	assert_int_equal(a.challenge_len, 0);
	assert_int_equal(a.npad, 1);
	assert_int_equal(a.nskipped, 0);
}

static void
test_encode_golden(void **state)
{
	struct mip_adv a = { 0 };
	uint8_t buf[64];
	size_t n = 0;

	a.code = MIP_ADV_CODE_ROUTER;
	a.lifetime = 1800;
	a.num_routers = 1;
	a.routers[0].addr.s_addr = inet_addr("192.0.2.1");
	a.routers[0].preference = -1;
	a.seq = 1;
	a.reg_lifetime = 1800;
	a.flags = 0x9500;
	a.num_coa = 1;
	a.coa[0].s_addr = inet_addr("192.0.2.1");
	a.has_prefix_lens = true;
	a.prefix_len[0] = 24;
	a.npad = 1;
	assert_int_equal(mip_adv_encode(&a, buf, sizeof(buf), &n), MIP_ADV_OK);
	assert_int_equal(n, sizeof(golden));
	assert_memory_equal(buf, golden, sizeof(golden));
	/* Exactly enough room works; one byte less does not. */
	assert_int_equal(mip_adv_encode(&a, buf, sizeof(golden), &n), MIP_ADV_OK);
	assert_int_equal(mip_adv_encode(&a, buf, sizeof(golden) - 1, &n), MIP_ADV_ERR_NOSPACE);
}

static void
round_trip(const struct mip_adv *in)
{
	struct mip_adv out;
	uint8_t buf[4096];
	size_t n = 0;

	assert_int_equal(mip_adv_encode(in, buf, sizeof(buf), &n), MIP_ADV_OK);
	assert_int_equal(mip_adv_cksum(buf, n), 0);
	assert_int_equal(mip_adv_decode(buf, n, &out), MIP_ADV_OK);
	assert_memory_equal(&out, in, sizeof(out));
}

static void
test_round_trips(void **state)
{
	static struct mip_adv a;
	unsigned i;

	/* Home agent only, no router entries, code 16, no CoA. */
	memset(&a, 0, sizeof(a));
	a.code = MIP_ADV_CODE_MA_ONLY;
	a.lifetime = 0xffff;
	a.seq = 0xffff;
	a.reg_lifetime = 0xffff;
	a.flags = MIP_ADV_F_H;
	round_trip(&a);

	/* Foreign agent with many CoAs, routers, prefix lengths, a challenge, padding. */
	a.code = MIP_ADV_CODE_ROUTER;
	a.flags = MIP_ADV_F_R | MIP_ADV_F_B | MIP_ADV_F_H | MIP_ADV_F_F | MIP_ADV_F_M |
	          MIP_ADV_F_G | MIP_ADV_F_T | MIP_ADV_F_U | MIP_ADV_F_X | MIP_ADV_F_I;
	a.num_coa = MIP_ADV_MAX_COA;
	for (i = 0; i < a.num_coa; i++)
		a.coa[i].s_addr = htonl(0xc6336400 + i);
	a.num_routers = 5;
	for (i = 0; i < a.num_routers; i++) {
		a.routers[i].addr.s_addr = htonl(0xcb007100 + i);
		a.routers[i].preference = (int32_t)(i * 1000) - 2000;
		a.prefix_len[i] = (uint8_t)(20 + i);
	}
	a.has_prefix_lens = true;
	a.challenge_len = 16;
	for (i = 0; i < 16; i++)
		a.challenge[i] = (uint8_t)(0xa0 + i);
	a.npad = 1;
	round_trip(&a);

	/* The largest: 255 router entries and a 255-byte challenge. */
	a.num_routers = MIP_ADV_MAX_ROUTERS;
	for (i = 0; i < a.num_routers; i++) {
		a.routers[i].addr.s_addr = htonl(0x0a000000 + i);
		a.prefix_len[i] = (uint8_t)(i % 33);
	}
	a.challenge_len = MIP_ADV_CHALLENGE_MAX;
	memset(a.challenge, 0x5c, sizeof(a.challenge));
	a.npad = 0;
	round_trip(&a);
}

static void
test_every_truncation(void **state)
{
	uint8_t m[sizeof(golden)];
	struct mip_adv a;

	for (size_t n = 0; n < sizeof(golden); n++) {
		enum mip_adv_err want;

		/* Re-checksum the prefix so the structural checks are what fails. */
		memcpy(m, golden, sizeof(golden));
		if (n >= 4)
			fix_cksum(m, n);
		if (n < 8)
			want = MIP_ADV_ERR_TRUNCATED;
		else if (n < 16)
			want = MIP_ADV_ERR_NUM_ADDRS;
		else if (n == 16)
			want = MIP_ADV_ERR_NO_MA_EXT;
		else if (n < 28)
			want = MIP_ADV_ERR_EXT_OVERRUN;
		else if (n == 28 || n == 31)
			want = MIP_ADV_OK; /* cut at an extension boundary */
		else
			want = MIP_ADV_ERR_EXT_OVERRUN;
		assert_int_equal(mip_adv_decode(m, n, &a), want);
		if (want != MIP_ADV_OK)
			assert_true(is_zero(&a));
	}
	assert_int_equal(mip_adv_decode(NULL, 0, &a), MIP_ADV_ERR_TRUNCATED);
}

static void
test_checksum_errors(void **state)
{
	uint8_t m[sizeof(golden)];
	struct mip_adv a;

	/* Any corrupted byte (checksum included) is caught. */
	for (size_t i = 0; i < sizeof(golden); i++) {
		memcpy(m, golden, sizeof(golden));
		m[i] ^= 0x5a;
		if (i < 2)
			continue; /* type/code are checked first */
		assert_int_equal(mip_adv_decode(m, sizeof(m), &a), MIP_ADV_ERR_CHECKSUM);
		assert_true(is_zero(&a));
	}
	/* A truncated message keeps its old checksum, which no longer verifies. */
	assert_int_equal(mip_adv_decode(golden, 30, &a), MIP_ADV_ERR_CHECKSUM);
	/* Dropping only the trailing zero pad byte leaves the sum unchanged. */
	assert_int_equal(mip_adv_decode(golden, 31, &a), MIP_ADV_OK);
	assert_int_equal(a.npad, 0);
	/* Checksum helper: over the whole golden message the result is 0. */
	assert_int_equal(mip_adv_cksum(golden, sizeof(golden)), 0);
	assert_int_equal(mip_adv_cksum(golden, 0), 0xffff);
}

static void
test_type_and_code(void **state)
{
	uint8_t m[sizeof(golden)];
	struct mip_adv a;

	memcpy(m, golden, sizeof(m));
	m[0] = 10;
	fix_cksum(m, sizeof(m));
	assert_int_equal(mip_adv_decode(m, sizeof(m), &a), MIP_ADV_ERR_TYPE);
	memcpy(m, golden, sizeof(m));
	m[1] = 1;
	fix_cksum(m, sizeof(m));
	assert_int_equal(mip_adv_decode(m, sizeof(m), &a), MIP_ADV_ERR_CODE);
	m[1] = 16;
	fix_cksum(m, sizeof(m));
	assert_int_equal(mip_adv_decode(m, sizeof(m), &a), MIP_ADV_OK);
	assert_int_equal(a.code, 16);
}

static void
test_router_entries(void **state)
{
	uint8_t m[64];
	struct mip_adv a;
	size_t n;

	/* Entry size 1 (4 bytes) is invalid; 0 too. */
	n = build(m, MIP_ADV_F_H, 0);
	m[5] = 1;
	fix_cksum(m, n);
	assert_int_equal(mip_adv_decode(m, n, &a), MIP_ADV_ERR_ENTRY_SIZE);
	m[5] = 0;
	fix_cksum(m, n);
	assert_int_equal(mip_adv_decode(m, n, &a), MIP_ADV_ERR_ENTRY_SIZE);
	/* Two entries announced, room for only one plus the extension: 16 + 8 + 8 > 24. */
	n = build(m, MIP_ADV_F_H, 0);
	m[4] = 2;
	fix_cksum(m, 16);
	assert_int_equal(mip_adv_decode(m, 16, &a), MIP_ADV_ERR_NUM_ADDRS);
	/* Zero entries: the extension starts right after the header. */
	memmove(m + 8, m + 16, n - 16);
	m[4] = 0;
	n -= 8;
	fix_cksum(m, n);
	assert_int_equal(mip_adv_decode(m, n, &a), MIP_ADV_OK);
	assert_int_equal(a.num_routers, 0);
	assert_int_equal(a.seq, 0x0102);
	assert_int_equal(a.reg_lifetime, 600);
	/* Entry size 3: the third word of each entry is skipped (RFC 1256). */
	n = build(m, MIP_ADV_F_H, 0);
	memmove(m + 20, m + 16, n - 16);
	memcpy(m + 16, "\x11\x22\x33\x44", 4);
	m[5] = 3;
	n += 4;
	fix_cksum(m, n);
	assert_int_equal(mip_adv_decode(m, n, &a), MIP_ADV_OK);
	assert_int_equal(a.routers[0].addr.s_addr, inet_addr("192.0.2.1"));
	assert_int_equal(a.routers[0].preference, -1);
	assert_int_equal(a.seq, 0x0102);
}

static void
test_ma_extension_lengths(void **state)
{
	uint8_t m[64] = { 0 };
	struct mip_adv a;
	size_t n;

	/* Length must be 6 + 4N. */
	for (unsigned len = 0; len < 20; len++) {
		n = build(m, MIP_ADV_F_H, 3);
		m[17] = (uint8_t)len;
		n = 18 + len;
		fix_cksum(m, n);
		assert_int_equal(mip_adv_decode(m, n, &a), (len >= 6 && (len - 6) % 4 == 0)
		                                                   ? MIP_ADV_OK
		                                                   : MIP_ADV_ERR_EXT_LEN);
	}
	/* Length byte claiming more than is there. */
	n = build(m, MIP_ADV_F_H, 1);
	m[17] = 14;
	fix_cksum(m, n);
	assert_int_equal(mip_adv_decode(m, n, &a), MIP_ADV_ERR_EXT_OVERRUN);
	/* Two mobility agent extensions. */
	n = build(m, MIP_ADV_F_H, 0);
	memcpy(m + n, m + 16, 8);
	n += 8;
	fix_cksum(m, n);
	assert_int_equal(mip_adv_decode(m, n, &a), MIP_ADV_ERR_EXT_DUP);
	/* No mobility agent extension: a plain router advertisement. */
	fix_cksum(m, 16);
	assert_int_equal(mip_adv_decode(m, 16, &a), MIP_ADV_ERR_NO_MA_EXT);
}

static void
test_flags(void **state)
{
	static const uint16_t each[] = { MIP_ADV_F_R, MIP_ADV_F_B, MIP_ADV_F_H, MIP_ADV_F_M,
		                         MIP_ADV_F_G, MIP_ADV_F_r, MIP_ADV_F_T, MIP_ADV_F_U,
		                         MIP_ADV_F_X, MIP_ADV_F_I, 0x0001,      0x0010 };
	uint8_t m[64];
	struct mip_adv a;
	size_t n;

	/* Decode reports each bit at its RFC position, reserved bits as received. */
	for (size_t i = 0; i < sizeof(each) / sizeof(each[0]); i++) {
		n = build(m, each[i], 0);
		fix_cksum(m, n);
		assert_int_equal(mip_adv_decode(m, n, &a), MIP_ADV_OK);
		assert_int_equal(a.flags, each[i]);
		assert_int_equal(m[22] << 8 | m[23], each[i]);
	}
	/* F without a care-of address is refused; with one it is fine. */
	n = build(m, MIP_ADV_F_F, 0);
	fix_cksum(m, n);
	assert_int_equal(mip_adv_decode(m, n, &a), MIP_ADV_ERR_F_NO_COA);
	assert_true(is_zero(&a));
	n = build(m, MIP_ADV_F_F | MIP_ADV_F_R, 2);
	fix_cksum(m, n);
	assert_int_equal(mip_adv_decode(m, n, &a), MIP_ADV_OK);
	assert_int_equal(a.num_coa, 2);
	assert_int_equal(a.coa[1].s_addr, inet_addr("198.51.100.2"));

	/* The encoder refuses F without a CoA and sends reserved bits and r as 0. */
	memset(&a, 0, sizeof(a));
	a.flags = MIP_ADV_F_F;
	assert_int_equal(mip_adv_encode(&a, m, sizeof(m), &n), MIP_ADV_ERR_F_NO_COA);
	a.flags = MIP_ADV_F_H | MIP_ADV_F_r | MIP_ADV_F_RESERVED;
	assert_int_equal(mip_adv_encode(&a, m, sizeof(m), &n), MIP_ADV_OK);
	assert_int_equal(m[14] << 8 | m[15], MIP_ADV_F_H);
}

static void
test_padding(void **state)
{
	uint8_t m[64];
	struct mip_adv a;
	size_t n;

	/* Pads before, between and after extensions are skipped one byte at a time. */
	n = build(m, MIP_ADV_F_H, 1);
	memmove(m + 18, m + 16, n - 16);
	m[16] = m[17] = 0;
	n += 2;
	m[n++] = 0;
	m[n++] = 19;
	m[n++] = 1;
	m[n++] = 32;
	m[n++] = 0;
	fix_cksum(m, n);
	assert_int_equal(mip_adv_decode(m, n, &a), MIP_ADV_OK);
	assert_int_equal(a.npad, 4);
	assert_int_equal(a.num_coa, 1);
	assert_true(a.has_prefix_lens);
	assert_int_equal(a.prefix_len[0], 32);
	/* The encoder appends the requested pads and they decode back. */
	memset(&a, 0, sizeof(a));
	a.flags = MIP_ADV_F_H;
	a.npad = 3;
	assert_int_equal(mip_adv_encode(&a, m, sizeof(m), &n), MIP_ADV_OK);
	assert_int_equal(n, 8 + 8 + 3);
	assert_memory_equal(m + 16, "\0\0\0", 3);
	assert_int_equal(mip_adv_decode(m, n, &a), MIP_ADV_OK);
	assert_int_equal(a.npad, 3);
}

static void
test_prefix_and_challenge(void **state)
{
	uint8_t m[64];
	struct mip_adv a;
	size_t n, base;

	/* Prefix lengths: exactly one byte per router entry, each 0..32. */
	base = build(m, MIP_ADV_F_H, 0);
	memcpy(m + base, "\x13\x02\x18\x18", 4);
	fix_cksum(m, base + 4);
	assert_int_equal(mip_adv_decode(m, base + 4, &a), MIP_ADV_ERR_EXT_LEN);
	memcpy(m + base, "\x13\x01\x21", 3);
	fix_cksum(m, base + 3);
	assert_int_equal(mip_adv_decode(m, base + 3, &a), MIP_ADV_ERR_EXT_LEN);
	memcpy(m + base, "\x13\x01\x10\x13\x01\x10", 6);
	fix_cksum(m, base + 6);
	assert_int_equal(mip_adv_decode(m, base + 6, &a), MIP_ADV_ERR_EXT_DUP);
	/* Challenge: copied; empty or repeated is invalid; overrun is caught. */
	memcpy(m + base, "\x18\x04\xde\xad\xbe\xef", 6);
	fix_cksum(m, base + 6);
	assert_int_equal(mip_adv_decode(m, base + 6, &a), MIP_ADV_OK);
	assert_int_equal(a.challenge_len, 4);
	assert_memory_equal(a.challenge, "\xde\xad\xbe\xef", 4);
	memcpy(m + base, "\x18\x00", 2);
	fix_cksum(m, base + 2);
	assert_int_equal(mip_adv_decode(m, base + 2, &a), MIP_ADV_ERR_EXT_LEN);
	memcpy(m + base, "\x18\x01\x01\x18\x01\x02", 6);
	fix_cksum(m, base + 6);
	assert_int_equal(mip_adv_decode(m, base + 6, &a), MIP_ADV_ERR_EXT_DUP);
	memcpy(m + base, "\x18\x05\x01\x02", 4);
	fix_cksum(m, base + 4);
	assert_int_equal(mip_adv_decode(m, base + 4, &a), MIP_ADV_ERR_EXT_OVERRUN);
	/* The encoder refuses a prefix length above 32. */
	memset(&a, 0, sizeof(a));
	a.num_routers = 1;
	a.has_prefix_lens = true;
	a.prefix_len[0] = 33;
	assert_int_equal(mip_adv_encode(&a, m, sizeof(m), &n), MIP_ADV_ERR_INVAL);
}

static void
test_unknown_extensions(void **state)
{
	uint8_t m[64];
	struct mip_adv a;
	size_t base = build(m, MIP_ADV_F_H, 0);

	/* RFC 5944 section 1.9: unknown 1..127 discards the advertisement. */
	for (unsigned type = 1; type < 128; type++) {
		if (type == 16 || type == 19 || type == 24)
			continue;
		m[base] = (uint8_t)type;
		m[base + 1] = 2;
		m[base + 2] = m[base + 3] = 0xee;
		fix_cksum(m, base + 4);
		assert_int_equal(mip_adv_decode(m, base + 4, &a), MIP_ADV_ERR_UNKNOWN_EXT);
		assert_true(is_zero(&a));
	}
	/* Unknown 128..255 is skipped by its length and the rest still processed. */
	for (unsigned type = 128; type < 256; type++) {
		memcpy(m + base, "\x00\x03\xee\xee\xee\x18\x02\x42\x43", 9);
		m[base + 0] = (uint8_t)type;
		fix_cksum(m, base + 9);
		assert_int_equal(mip_adv_decode(m, base + 9, &a), MIP_ADV_OK);
		assert_int_equal(a.nskipped, 1);
		assert_int_equal(a.challenge_len, 2);
		assert_memory_equal(a.challenge, "BC", 2);
	}
	/* A skippable extension that overruns the message is still an error. */
	memcpy(m + base, "\xc8\x09\xee", 3);
	fix_cksum(m, base + 3);
	assert_int_equal(mip_adv_decode(m, base + 3, &a), MIP_ADV_ERR_EXT_OVERRUN);
	/* A lone type byte at the end (no length byte). */
	m[base] = 0xc8;
	fix_cksum(m, base + 1);
	assert_int_equal(mip_adv_decode(m, base + 1, &a), MIP_ADV_ERR_EXT_OVERRUN);
}

static void
test_encode_invalid(void **state)
{
	static struct mip_adv a;
	uint8_t m[8];
	size_t n = 0;

	a.code = 1;
	assert_int_equal(mip_adv_encode(&a, m, sizeof(m), &n), MIP_ADV_ERR_INVAL);
	a.code = 0;
	a.num_coa = MIP_ADV_MAX_COA + 1;
	a.flags = MIP_ADV_F_F;
	assert_int_equal(mip_adv_encode(&a, m, sizeof(m), &n), MIP_ADV_ERR_INVAL);
	a.num_coa = 0;
	a.flags = 0;
	assert_int_equal(mip_adv_encode(&a, m, sizeof(m), &n), MIP_ADV_ERR_NOSPACE);
	assert_int_equal(mip_adv_encode(&a, NULL, 100, &n), MIP_ADV_ERR_NOSPACE);
	assert_int_equal(n, 0);
}

static void
test_solicitation(void **state)
{
	static const uint8_t want[8] = { 0x0a, 0x00, 0xf5, 0xff, 0, 0, 0, 0 };
	uint8_t m[16];
	size_t n = 0;

	assert_int_equal(mip_adv_sol_encode(m, sizeof(m), &n), MIP_ADV_OK);
	assert_int_equal(n, MIP_ADV_SOL_LEN);
	assert_memory_equal(m, want, sizeof(want));
	assert_int_equal(mip_adv_sol_encode(m, 7, &n), MIP_ADV_ERR_NOSPACE);

	assert_int_equal(mip_adv_sol_decode(want, 8), MIP_ADV_OK);
	for (size_t len = 0; len < 8; len++)
		assert_int_equal(mip_adv_sol_decode(want, len), MIP_ADV_ERR_TRUNCATED);
	assert_int_equal(mip_adv_sol_decode(NULL, 8), MIP_ADV_ERR_TRUNCATED);
	memcpy(m, want, 8);
	m[7] = 1;
	assert_int_equal(mip_adv_sol_decode(m, 8), MIP_ADV_ERR_CHECKSUM);
	m[7] = 0;
	m[1] = 1;
	fix_cksum(m, 8);
	assert_int_equal(mip_adv_sol_decode(m, 8), MIP_ADV_ERR_CODE);
	assert_int_equal(mip_adv_sol_decode(golden, sizeof(golden)), MIP_ADV_ERR_TYPE);
	/* Trailing bytes are allowed when the checksum covers them. */
	memcpy(m, want, 8);
	memcpy(m + 8, "\x01\x02\x03", 3);
	fix_cksum(m, 11);
	assert_int_equal(mip_adv_sol_decode(m, 11), MIP_ADV_OK);
	assert_int_equal(mip_adv_sol_decode(m, 10), MIP_ADV_ERR_CHECKSUM);
}

static void
test_sequence_numbers(void **state)
{
	uint16_t s = 0, prev;
	unsigned i;

	assert_int_equal(mip_adv_seq_next(0), 1);
	assert_int_equal(mip_adv_seq_next(255), 256);
	assert_int_equal(mip_adv_seq_next(0xfffe), 0xffff);
	assert_int_equal(mip_adv_seq_next(0xffff), 256);
	/* Walking through two wraps never reports a reboot once past 255. */
	for (i = 0; i < 140000; i++) {
		prev = s;
		s = mip_adv_seq_next(s);
		assert_false(mip_adv_seq_rebooted(prev, s));
		if (i >= 255)
			assert_true(s >= 256);
	}
	/* A drop into 0..255 is a reboot; a drop that stays >= 256 is not. */
	assert_true(mip_adv_seq_rebooted(300, 0));
	assert_true(mip_adv_seq_rebooted(0xffff, 255));
	assert_true(mip_adv_seq_rebooted(200, 100));
	assert_false(mip_adv_seq_rebooted(0xffff, 256));
	assert_false(mip_adv_seq_rebooted(300, 299));
	assert_false(mip_adv_seq_rebooted(5, 5));
	assert_false(mip_adv_seq_rebooted(5, 6));
}

static void
test_strerror(void **state)
{
	for (int e = MIP_ADV_OK; e <= MIP_ADV_ERR_INVAL; e++) {
		assert_non_null(mip_adv_strerror((enum mip_adv_err)e));
		for (int f = MIP_ADV_OK; f < e; f++)
			assert_string_not_equal(mip_adv_strerror((enum mip_adv_err)e),
			                        mip_adv_strerror((enum mip_adv_err)f));
	}
	assert_string_equal(mip_adv_strerror((enum mip_adv_err)99), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_golden),
		cmocka_unit_test(test_encode_golden),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_checksum_errors),
		cmocka_unit_test(test_type_and_code),
		cmocka_unit_test(test_router_entries),
		cmocka_unit_test(test_ma_extension_lengths),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_prefix_and_challenge),
		cmocka_unit_test(test_unknown_extensions),
		cmocka_unit_test(test_encode_invalid),
		cmocka_unit_test(test_solicitation),
		cmocka_unit_test(test_sequence_numbers),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
