/* SPDX-License-Identifier: BSD-2-Clause */
/* test_mip_build.c - registration message encoder: wire bytes, guide vector, relay, overflow. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mip_msg.h"

static const uint8_t guide_key[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	                               0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
static const uint8_t fa_key[16] = { 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
	                            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
static struct mip_auth_key *k_hmac, *k_ps, *k_fa;

static int
setup_keys(void **state)
{
	assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5, guide_key, 16, &k_hmac), 0);
	assert_int_equal(mip_auth_key_new(MIP_AUTH_KEYED_MD5_PS, guide_key, 16, &k_ps), 0);
	assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5, fa_key, 16, &k_fa), 0);
	return 0;
}

static int
teardown_keys(void **state)
{
	mip_auth_key_free(k_hmac);
	mip_auth_key_free(k_ps);
	mip_auth_key_free(k_fa);
	return 0;
}

static struct in_addr
A(const char *s) {
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* The request of the protocol guide, section 9. */
static void
guide_rrq(struct mip_rrq *h)
{
	memset(h, 0, sizeof(*h));
	h->flags = MIP_RRQ_F_T;
	h->lifetime = 1800;
	h->hoa = A("10.1.0.10");
	h->ha = A("10.1.0.1");
	h->coa = A("192.0.2.1");
	h->id = 0xe8f2a3b400000001ull;
}

/* Guide section 9: the covered bytes and both authenticators, computed independently. */
static const uint8_t guide_covered[30] = { 0x01, 0x02, 0x07, 0x08, 0x0a, 0x01, 0x00, 0x0a,
	                                   0x0a, 0x01, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01,
	                                   0xe8, 0xf2, 0xa3, 0xb4, 0x00, 0x00, 0x00, 0x01,
	                                   0x20, 0x14, 0x00, 0x00, 0x01, 0x00 };
static const uint8_t guide_hmac[16] = { 0x73, 0x25, 0xf9, 0x89, 0xe0, 0xef, 0x18, 0xab,
	                                0xb1, 0x88, 0xb6, 0x9a, 0xfb, 0x24, 0xed, 0xbe };
static const uint8_t guide_ps[16] = { 0x76, 0x6b, 0x15, 0x83, 0x5d, 0x47, 0x89, 0xd2,
	                              0xda, 0xe3, 0xaa, 0xac, 0xc8, 0x75, 0xff, 0xd2 };

static void
test_guide_vector(void **state)
{
	uint8_t buf[64];
	struct mip_builder b;
	struct mip_rrq h;
	struct mip_msg m;

	guide_rrq(&h);
	mip_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(mip_build_rrq(&b, &h), 0);
	assert_int_equal(mip_build_auth(&b, MIP_EXT_MHAE, 256, k_hmac), 0);
	assert_int_equal(b.len, 46);
	assert_memory_equal(buf, guide_covered, 30);
	assert_memory_equal(buf + 30, guide_hmac, 16);
	assert_int_equal(mip_msg_decode(buf, b.len, MIP_DEC_REQUIRE_AUTH, &m, NULL), MIP_OK);
	assert_int_equal(m.ext[0].auth.covered, 30);
	assert_true(mip_msg_auth_verify(&m, 0, k_hmac));
	assert_false(mip_msg_auth_verify(&m, 0, k_ps));

	mip_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(mip_build_rrq(&b, &h), 0);
	assert_int_equal(mip_build_auth(&b, MIP_EXT_MHAE, 256, k_ps), 0);
	assert_memory_equal(buf, guide_covered, 30);
	assert_memory_equal(buf + 30, guide_ps, 16);
	assert_int_equal(mip_msg_decode(buf, b.len, 0, &m, NULL), MIP_OK);
	assert_true(mip_msg_auth_verify(&m, 0, k_ps));
	buf[45] ^= 0x80; /* authenticator */
	assert_false(mip_msg_auth_verify(&m, 0, k_ps));
}

static void
test_fixed_wire(void **state)
{
	uint8_t buf[32];
	struct mip_builder b;
	struct mip_rrp rrp = { .code = 131, .lifetime = 0x1234, .id = 0x1122334455667788ull };
	struct mip_rev rev = { .flags = MIP_REV_F_A, .rev_id = 0xa1b2c3d4 };
	struct mip_rev_ack ack = { .flags = MIP_REVACK_F_I, .rev_id = 0x01020304 };
	static const uint8_t rrp_bytes[20] = { 3,    131,  0x12, 0x34, 10,   1,    0,
		                               10,   10,   1,    0,    1,    0x11, 0x22,
		                               0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
	static const uint8_t rev_bytes[20] = { 7, 0, 0x80, 0, 10, 1, 0,    10,   10,   1,
		                               0, 1, 192,  0, 2,  1, 0xa1, 0xb2, 0xc3, 0xd4 };
	static const uint8_t ack_bytes[12] = { 15, 0, 0x80, 0, 10, 1, 0, 10, 1, 2, 3, 4 };

	rrp.hoa = rev.hoa = ack.hoa = A("10.1.0.10");
	rrp.ha = rev.hda = A("10.1.0.1");
	rev.fda = A("192.0.2.1");
	mip_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(mip_build_rrp(&b, &rrp), 0);
	assert_int_equal(b.len, 20);
	assert_memory_equal(buf, rrp_bytes, 20);
	mip_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(mip_build_rev(&b, &rev), 0);
	assert_memory_equal(buf, rev_bytes, 20);
	mip_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(mip_build_rev_ack(&b, &ack), 0);
	assert_int_equal(b.len, 12);
	assert_memory_equal(buf, ack_bytes, 12);
}

/* Appends one extension to a guide request and compares the bytes after the fixed part. */
#define CHECK_EXT(call, ...)                                                       \
	do {                                                                       \
		static const uint8_t want[] = { __VA_ARGS__ };                     \
		uint8_t buf[64];                                                   \
		struct mip_builder b;                                              \
		struct mip_rrq h;                                                  \
		struct mip_msg m;                                                  \
		guide_rrq(&h);                                                     \
		mip_builder_init(&b, buf, sizeof(buf));                            \
		assert_int_equal(mip_build_rrq(&b, &h), 0);                        \
		assert_int_equal((call), 0);                                       \
		assert_int_equal(b.len, 24 + sizeof(want));                        \
		assert_memory_equal(buf + 24, want, sizeof(want));                 \
		assert_int_equal(mip_msg_decode(buf, b.len, 0, &m, NULL), MIP_OK); \
		assert_int_equal(m.n_ext, 1);                                      \
		assert_int_equal(m.ext[0].len, sizeof(want));                      \
	} while (0)

static void
test_ext_wire(void **state)
{
	uint8_t one = 1, two = 2;

	CHECK_EXT(mip_build_nai(&b, "ab", 2), 131, 2, 'a', 'b');
	CHECK_EXT(mip_build_cvse(&b, 0x60b5, 2, "vv", 2), 38, 0, 0, 8, 0, 0, 0x60, 0xb5, 0, 2, 'v',
	          'v');
	CHECK_EXT(mip_build_nvse(&b, 0x60b5, 3, "nn", 2), 134, 10, 0, 0, 0, 0, 0x60, 0xb5, 0, 3,
	          'n', 'n');
	CHECK_EXT(mip_build_rev_support(&b, MIP_REVSUPP_F_I, 0x01020304), 137, 6, 0x80, 0, 1, 2, 3,
	          4);
	CHECK_EXT(mip_build_dyn_ha(&b, MIP_DYN_HA_REDIRECTED, A("198.51.100.7")), 139, 5, 2, 198,
	          51, 100, 7);
	CHECK_EXT(mip_build_udp_tun_req(&b, MIP_UDP_TUN_REQ_F_F, 47), 144, 6, 0, 0, 0x80, 47, 0, 0);
	CHECK_EXT(mip_build_udp_tun_reply(&b, 64, MIP_UDP_TUN_REPLY_F_F, 25), 44, 6, 0, 64, 0x80, 0,
	          0, 25);
	CHECK_EXT(mip_build_pmip_short(&b, MIP_PMIP_SKIP_ACCESS_TECH, &two, 1), 147, 2, 4, 2);
	CHECK_EXT(mip_build_ext_long(&b, MIP_EXT_PMIP_NONSKIP, 1, &one, 1), 47, 1, 0, 1, 1);
	CHECK_EXT(mip_build_ext_short(&b, MIP_EXT_MSG_STRING, 1, "abc", 3), 145, 4, 1, 'a', 'b',
	          'c');
	CHECK_EXT(mip_build_ext(&b, 200, "xyz", 3), 200, 3, 'x', 'y', 'z');
	CHECK_EXT(mip_build_ext(&b, 201, NULL, 0), 201, 0);
}

static void
test_auth_wire(void **state)
{
	uint8_t buf[128];
	struct mip_builder b;
	struct mip_rrq h;
	struct mip_msg m;
	static const uint8_t gen_hdr[8] = { 36, 1, 0, 20, 0x01, 0x02, 0x03, 0x04 };
	static const uint8_t fhae_hdr[6] = { 34, 20, 0xff, 0xff, 0xff, 0xfe };

	guide_rrq(&h);
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	assert_int_equal(mip_build_auth(&b, MIP_EXT_GEN_AUTH, 0x01020304, k_hmac), 0);
	assert_int_equal(b.len, 24 + 8 + 16);
	assert_memory_equal(buf + 24, gen_hdr, sizeof(gen_hdr));
	assert_int_equal(mip_msg_decode(buf, b.len, MIP_DEC_REQUIRE_AUTH, &m, NULL), MIP_OK);
	assert_int_equal(m.ext[0].auth.covered, 32);
	assert_true(mip_msg_auth_verify(&m, 0, k_hmac));

	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	mip_build_auth(&b, MIP_EXT_MHAE, 256, k_hmac);
	assert_int_equal(mip_build_auth(&b, MIP_EXT_FHAE, 0xfffffffe, k_fa), 0);
	assert_int_equal(b.len, 24 + 2 * MIP_AUTH_EXT_LEN);
	assert_memory_equal(buf + 46, fhae_hdr, sizeof(fhae_hdr));
	/* The FHAE covers the earlier MHAE too; the MHAE is unchanged by what follows it. */
	assert_memory_equal(buf, guide_covered, 30);
	assert_memory_equal(buf + 30, guide_hmac, 16);
	assert_int_equal(mip_msg_decode(buf, b.len, 0, &m, NULL), MIP_OK);
	assert_int_equal(m.ext[1].auth.covered, 52);
	assert_true(mip_msg_auth_verify(&m, 1, k_fa));
}

/* A request from a mobile node: HA part, MHAE, FA part, MFAE. */
static size_t
build_mn_rrq(struct mip_builder *b)
{
	static const uint8_t chal[4] = { 9, 8, 7, 6 };
	struct mip_rrq h;

	guide_rrq(&h);
	mip_build_rrq(b, &h);
	mip_build_nai(b, "mn@example.org", 14);
	mip_build_nvse(b, 0x60b5, 1, "home", 4);
	mip_build_auth(b, MIP_EXT_MHAE, 256, k_hmac);
	mip_build_encap_delivery(b);
	mip_build_ext(b, MIP_EXT_MN_FA_CHALLENGE, chal, sizeof(chal));
	mip_build_auth(b, MIP_EXT_MFAE, 257, k_fa);
	return b->len;
}

static void
test_relay(void **state)
{
	uint8_t in[256], out[256];
	struct mip_builder b;
	struct mip_msg m, r;
	size_t rl;

	mip_builder_init(&b, in, sizeof(in));
	build_mn_rrq(&b);
	assert_int_equal(mip_builder_error(&b), 0);
	assert_int_equal(mip_msg_decode(in, b.len, MIP_DEC_REQUIRE_AUTH, &m, NULL), MIP_OK);
	rl = mip_msg_relay_len(&m);
	assert_int_equal(rl, m.ext[2].off + MIP_AUTH_EXT_LEN);
	assert_true(rl < b.len);

	assert_int_equal(mip_builder_init_relay(&b, out, sizeof(out), &m), 0);
	assert_int_equal(b.len, rl);
	assert_int_equal(mip_build_nvse(&b, 0x60b5, 2, "fa", 2), 0);
	assert_int_equal(mip_build_auth(&b, MIP_EXT_FHAE, 300, k_fa), 0);
	assert_int_equal(mip_msg_decode(out, b.len, MIP_DEC_REQUIRE_AUTH, &r, NULL), MIP_OK);
	assert_memory_equal(out, in, rl);
	assert_int_equal(r.n_ext, 5);
	assert_int_equal(r.mhae_idx, 2);
	assert_int_equal(r.fhae_idx, 4);
	assert_int_equal(r.mfae_idx, -1);
	assert_int_equal(mip_msg_find(&r, MIP_EXT_ENCAP_DELIVERY, 0), -1);
	assert_int_equal(mip_msg_find(&r, MIP_EXT_MN_FA_CHALLENGE, 0), -1);
	assert_true(mip_msg_auth_verify(&r, 2, k_hmac));
	assert_true(mip_msg_auth_verify(&r, 4, k_fa));

	/* Too small an output, and nothing to relay. */
	assert_int_equal(mip_builder_init_relay(&b, out, rl - 1, &m), -ENOSPC);
	assert_int_equal(b.len, 0);
	assert_int_equal(mip_builder_error(&b), -ENOSPC);
	assert_int_equal(mip_build_auth(&b, MIP_EXT_FHAE, 300, k_fa), -ENOSPC);
	assert_int_equal(mip_msg_decode(in, 24, 0, &r, NULL), MIP_OK);
	assert_int_equal(mip_builder_init_relay(&b, out, sizeof(out), &r), -EINVAL);
	assert_int_equal(mip_builder_init_relay(&b, out, sizeof(out), NULL), -EINVAL);
	assert_int_equal(mip_builder_init_relay(NULL, out, sizeof(out), &m), -EINVAL);
}

/*
 * At every capacity from 0 to the full size, the builder stops at the last complete item that
 * fits, reports -ENOSPC, and writes nothing past what it reports.
 */
static void
test_overflow_every_capacity(void **state)
{
	uint8_t ref[256];
	struct mip_builder b;
	struct mip_msg m;
	size_t full, bounds[MIP_EXT_MAX + 1], n_bounds = 0;

	mip_builder_init(&b, ref, sizeof(ref));
	full = build_mn_rrq(&b);
	assert_int_equal(mip_builder_error(&b), 0);
	assert_int_equal(mip_msg_decode(ref, full, 0, &m, NULL), MIP_OK);
	bounds[n_bounds++] = m.hdr_len;
	for (size_t i = 0; i < m.n_ext; i++)
		bounds[n_bounds++] = m.ext[i].off + m.ext[i].len;

	for (size_t cap = 0; cap <= full; cap++) {
		uint8_t *buf = malloc(full + 16);
		size_t want = 0;

		assert_non_null(buf);
		memset(buf, 0xcc, full + 16);
		for (size_t i = 0; i < n_bounds; i++) {
			if (bounds[i] <= cap)
				want = bounds[i];
		}
		mip_builder_init(&b, buf, cap);
		build_mn_rrq(&b);
		if (cap < full)
			assert_int_equal(mip_builder_error(&b), -ENOSPC);
		else
			assert_int_equal(mip_builder_error(&b), 0);
		assert_int_equal(b.len, want);
		assert_memory_equal(buf, ref, b.len);
		for (size_t i = b.len; i < full + 16; i++)
			assert_int_equal(buf[i], 0xcc);
		free(buf);
	}

	mip_builder_init(&b, NULL, 100);
	assert_int_equal(b.cap, 0);
	assert_int_equal(mip_build_encap_delivery(&b), -ENOSPC);
}

static void
test_invalid_arguments(void **state)
{
	uint8_t *buf = malloc(70000), str[300];
	struct mip_builder b;
	struct mip_rrq h;
	struct mip_msg m;

	assert_non_null(buf);
	memset(str, 'a', sizeof(str));
	guide_rrq(&h);

#define FRESH()                                             \
	do {                                                \
		mip_builder_init(&b, buf, 70000);           \
		assert_int_equal(mip_build_rrq(&b, &h), 0); \
	} while (0)
#define REJECT(call)                                                                  \
	do {                                                                          \
		FRESH();                                                              \
		assert_int_equal((call), -EINVAL);                                    \
		assert_int_equal(b.len, 24);                                          \
		assert_int_equal(mip_build_encap_delivery(&b), -EINVAL); /* sticky */ \
		assert_int_equal(b.len, 24);                                          \
	} while (0)
#define ACCEPT(call)                         \
	do {                                 \
		FRESH();                     \
		assert_int_equal((call), 0); \
	} while (0)

	/* Extensions must be written in their own shape. */
	REJECT(mip_build_ext(&b, MIP_EXT_GEN_AUTH, str, 4));
	REJECT(mip_build_ext(&b, MIP_EXT_CVSE, str, 4));
	REJECT(mip_build_ext(&b, MIP_EXT_DYN_HA, str, 4));
	REJECT(mip_build_ext_long(&b, MIP_EXT_NAI, 1, str, 4));
	REJECT(mip_build_ext_short(&b, MIP_EXT_NAI, 1, str, 4));
	/* Length fields. */
	ACCEPT(mip_build_ext(&b, 200, str, 255));
	REJECT(mip_build_ext(&b, 200, str, 256));
	ACCEPT(mip_build_ext_short(&b, MIP_EXT_MSG_STRING, 1, str, 254));
	REJECT(mip_build_ext_short(&b, MIP_EXT_MSG_STRING, 1, str, 255));
	ACCEPT(mip_build_nai(&b, (const char *)str, 255));
	REJECT(mip_build_nai(&b, (const char *)str, 256));
	REJECT(mip_build_nai(&b, (const char *)str, 0));
	ACCEPT(mip_build_nvse(&b, 1, 1, str, 247));
	assert_int_equal(b.len, 24 + 257);
	assert_int_equal(mip_msg_decode(buf, b.len, 0, &m, NULL), MIP_OK);
	assert_int_equal(m.ext[0].vse.value_len, 247);
	REJECT(mip_build_nvse(&b, 1, 1, str, 248));
	REJECT(mip_build_ext(&b, 200, NULL, 1));
	REJECT(mip_build_ext_long(&b, MIP_EXT_PMIP_NONSKIP, 1, str, 65536));
	FRESH();
	{
		uint8_t *big = calloc(1, 65529);

		assert_non_null(big);
		assert_int_equal(mip_build_cvse(&b, 1, 1, big, 65529), 0);
		assert_int_equal(b.len, 24 + 4 + 65535);
		assert_int_equal(buf[26], 0xff);
		assert_int_equal(buf[27], 0xff);
		/* Longer than any UDP payload: the decoder refuses it. */
		assert_int_equal(mip_msg_decode(buf, b.len, 0, &m, NULL), MIP_ERR_TOO_LONG);
		REJECT(mip_build_cvse(&b, 1, 1, big, 65530));
		free(big);
	}
	/* Authentication extensions. */
	REJECT(mip_build_auth(&b, MIP_EXT_MHAE, 256, NULL));
	REJECT(mip_build_auth(&b, MIP_EXT_NAI, 256, k_hmac));
	REJECT(mip_build_auth(&b, MIP_EXT_CVSE, 256, k_hmac));
	/* A fixed part goes into an empty builder only. */
	REJECT(mip_build_rrq(&b, &h));
	mip_builder_init(&b, buf, 100);
	assert_int_equal(mip_build_rrq(&b, NULL), -EINVAL);
	assert_int_equal(b.len, 0);

	assert_int_equal(mip_builder_error(NULL), -EINVAL);
	assert_int_equal(mip_build_rrq(NULL, &h), -EINVAL);
	assert_int_equal(mip_build_ext(NULL, 200, NULL, 0), -EINVAL);
	assert_int_equal(mip_build_auth(NULL, MIP_EXT_MHAE, 1, k_hmac), -EINVAL);
	free(buf);
}

static void
test_ext_form_of(void **state)
{
	for (unsigned t = 0; t < 256; t++) {
		enum mip_ext_form f = mip_ext_form_of((uint8_t)t);

		if (t == 36 || t == 47)
			assert_int_equal(f, MIP_EXT_FORM_LONG);
		else if (t == 38)
			assert_int_equal(f, MIP_EXT_FORM_CVSE);
		else if (t == 44 || t == 139 || t == 144 || t == 145 || t == 147)
			assert_int_equal(f, MIP_EXT_FORM_SHORT);
		else
			assert_int_equal(f, MIP_EXT_FORM_TLV);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guide_vector),
		cmocka_unit_test(test_fixed_wire),
		cmocka_unit_test(test_ext_wire),
		cmocka_unit_test(test_auth_wire),
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_overflow_every_capacity),
		cmocka_unit_test(test_invalid_arguments),
		cmocka_unit_test(test_ext_form_of),
	};

	return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
