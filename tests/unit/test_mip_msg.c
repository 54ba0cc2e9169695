/* SPDX-License-Identifier: BSD-2-Clause */
/* test_mip_msg.c - registration message decoder: round trips, malformed input, reply codes. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "mip_msg.h"

static const uint8_t key_mn[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	                            0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
static const uint8_t key_fa[16] = { 0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87,
	                            0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f };
static struct mip_auth_key *kmn, *kfa;

static int
setup_keys(void **state)
{
	assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5, key_mn, 16, &kmn), 0);
	assert_int_equal(mip_auth_key_new(MIP_AUTH_KEYED_MD5_PS, key_fa, 16, &kfa), 0);
	return 0;
}

static int
teardown_keys(void **state)
{
	mip_auth_key_free(kmn);
	mip_auth_key_free(kfa);
	return 0;
}

static struct in_addr
A(const char *s) {
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* Decodes into a struct pre-filled with garbage so "left empty" is a real check. */
static enum mip_err
dec(const uint8_t *buf, size_t len, unsigned flags, struct mip_msg *m, struct mip_err_info *ei)
{
	enum mip_err err;

	memset(m, 0xa5, sizeof(*m));
	memset(ei, 0xa5, sizeof(*ei));
	err = mip_msg_decode(buf, len, flags, m, ei);
	assert_int_equal(ei->err, err);
	if (err != MIP_OK)
		assert_true(mip_msg_is_empty(m));
	return err;
}

static const struct mip_rrq rrq_hdr_in = {
	.flags = MIP_RRQ_F_T | MIP_RRQ_F_G | MIP_RRQ_F_S,
	.lifetime = 1800,
	.id = 0xe8f2a3b400000001ull,
};

static void
fill_rrq_hdr(struct mip_rrq *h)
{
	*h = rrq_hdr_in;
	h->hoa = A("10.1.0.10");
	h->ha = A("10.1.0.1");
	h->coa = A("192.0.2.1");
}

static const uint8_t dev_id[] = { 1, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }; /* MAC */
static const uint8_t chal[] = { 0xde, 0xad, 0xbe, 0xef, 0x01 };
static const char nai[] = "mn1@example.net";

/* A request using every extension kind a request can carry, in a legal order. */
static size_t
build_full_rrq(uint8_t *buf, size_t cap)
{
	struct mip_builder b;
	struct mip_rrq h;
	uint8_t method = MIP_PMIP_AUTH_FA_HA;

	fill_rrq_hdr(&h);
	mip_builder_init(&b, buf, cap);
	mip_build_rrq(&b, &h);
	mip_build_nai(&b, nai, strlen(nai));
	mip_build_cvse(&b, 9, 0x0102, "cv", 2);
	mip_build_nvse(&b, 24757, 7, "nvse", 4);
	mip_build_pmip_short(&b, MIP_PMIP_SKIP_DEVICE_ID, dev_id, sizeof(dev_id));
	mip_build_ext_long(&b, MIP_EXT_PMIP_NONSKIP, MIP_PMIP_NONSKIP_AUTH_METHOD, &method, 1);
	mip_build_rev_support(&b, MIP_REVSUPP_F_I, 0x01020304);
	mip_build_dyn_ha(&b, MIP_DYN_HA_REQUESTED, A("198.51.100.7"));
	mip_build_udp_tun_req(&b, MIP_UDP_TUN_REQ_F_F, 4);
	mip_build_ext_short(&b, MIP_EXT_MSG_STRING, MIP_MSG_STRING_FA, "hi", 2);
	mip_build_ext(&b, 200, "xyz", 3);
	mip_build_auth(&b, MIP_EXT_MHAE, 256, kmn);
	mip_build_encap_delivery(&b);
	mip_build_ext(&b, MIP_EXT_MN_FA_CHALLENGE, chal, sizeof(chal));
	mip_build_auth(&b, MIP_EXT_MFAE, 0x12345678, kfa);
	assert_int_equal(mip_builder_error(&b), 0);
	return b.len;
}

static void
test_rrq_roundtrip(void **state)
{
	uint8_t buf[512];
	size_t len = build_full_rrq(buf, sizeof(buf));
	struct mip_msg m;
	struct mip_err_info ei;
	const struct mip_ext *e;

	assert_int_equal(dec(buf, len, MIP_DEC_REQUIRE_AUTH, &m, &ei), MIP_OK);
	assert_int_equal(ei.ext_type, -1);
	assert_int_equal(ei.ext_index, -1);
	assert_int_equal(m.type, MIP_MSG_RRQ);
	assert_ptr_equal(m.buf, buf);
	assert_int_equal(m.len, len);
	assert_int_equal(m.hdr_len, 24);
	assert_int_equal(m.rrq.flags, rrq_hdr_in.flags);
	assert_int_equal(m.rrq.lifetime, 1800);
	assert_int_equal(m.rrq.hoa.s_addr, A("10.1.0.10").s_addr);
	assert_int_equal(m.rrq.ha.s_addr, A("10.1.0.1").s_addr);
	assert_int_equal(m.rrq.coa.s_addr, A("192.0.2.1").s_addr);
	assert_true(m.rrq.id == 0xe8f2a3b400000001ull);
	assert_int_equal(m.n_ext, 14);
	assert_int_equal(m.n_skipped, 1);
	assert_int_equal(m.nai_idx, 0);
	assert_int_equal(m.mhae_idx, 10);
	assert_int_equal(m.auth_idx, 10);
	assert_int_equal(m.mfae_idx, 13);
	assert_int_equal(m.fhae_idx, -1);

	/* Extensions tile the message exactly. */
	for (size_t i = 0, off = 24; i < m.n_ext; i++) {
		assert_int_equal(m.ext[i].off, off);
		assert_true(m.ext[i].body_off + m.ext[i].body_len == off + m.ext[i].len);
		off += m.ext[i].len;
		if (i + 1 == m.n_ext)
			assert_int_equal(off, len);
	}

	e = &m.ext[0];
	assert_int_equal(e->type, MIP_EXT_NAI);
	assert_int_equal(e->data.len, strlen(nai));
	assert_memory_equal(e->data.ptr, nai, strlen(nai));

	e = &m.ext[1];
	assert_int_equal(e->form, MIP_EXT_FORM_CVSE);
	assert_int_equal(e->vse.vendor, 9);
	assert_int_equal(e->vse.vtype, 0x0102);
	assert_int_equal(e->vse.value_len, 2);
	assert_memory_equal(e->vse.value, "cv", 2);

	e = &m.ext[2];
	assert_int_equal(e->type, MIP_EXT_NVSE);
	assert_int_equal(e->vse.vendor, 24757);
	assert_int_equal(e->vse.vtype, 7);
	assert_int_equal(e->vse.value_len, 4);
	assert_memory_equal(e->vse.value, "nvse", 4);

	e = &m.ext[3];
	assert_int_equal(e->form, MIP_EXT_FORM_SHORT);
	assert_int_equal(e->subtype, MIP_PMIP_SKIP_DEVICE_ID);
	assert_int_equal(e->data.len, sizeof(dev_id));
	assert_memory_equal(e->data.ptr, dev_id, sizeof(dev_id));

	e = &m.ext[4];
	assert_int_equal(e->form, MIP_EXT_FORM_LONG);
	assert_int_equal(e->subtype, MIP_PMIP_NONSKIP_AUTH_METHOD);
	assert_int_equal(e->data.len, 1);
	assert_int_equal(e->data.ptr[0], MIP_PMIP_AUTH_FA_HA);

	e = &m.ext[5];
	assert_int_equal(e->rev_support.flags, MIP_REVSUPP_F_I);
	assert_int_equal(e->rev_support.timestamp, 0x01020304);

	e = &m.ext[6];
	assert_int_equal(e->subtype, MIP_DYN_HA_REQUESTED);
	assert_int_equal(e->dyn_ha.ha.s_addr, A("198.51.100.7").s_addr);

	e = &m.ext[7];
	assert_int_equal(e->udp_req.flags, MIP_UDP_TUN_REQ_F_F);
	assert_int_equal(e->udp_req.encap, 4);

	e = &m.ext[8];
	assert_int_equal(e->subtype, MIP_MSG_STRING_FA);
	assert_int_equal(e->data.len, 2);
	assert_memory_equal(e->data.ptr, "hi", 2);

	e = &m.ext[9];
	assert_false(e->known);
	assert_int_equal(e->type, 200);
	assert_int_equal(e->data.len, 3);
	assert_memory_equal(e->data.ptr, "xyz", 3);

	e = &m.ext[10];
	assert_true(e->known);
	assert_int_equal(e->auth.spi, 256);
	assert_int_equal(e->auth.len, MIP_AUTH_LEN);
	assert_int_equal(e->auth.covered, e->off + 6);
	assert_ptr_equal(e->auth.data, buf + e->off + 6);
	assert_true(mip_msg_auth_verify(&m, 10, kmn));
	assert_false(mip_msg_auth_verify(&m, 10, kfa));

	assert_int_equal(m.ext[11].type, MIP_EXT_ENCAP_DELIVERY);
	assert_int_equal(m.ext[11].len, 2);
	assert_int_equal(m.ext[12].data.len, sizeof(chal));
	assert_memory_equal(m.ext[12].data.ptr, chal, sizeof(chal));

	e = &m.ext[13];
	assert_int_equal(e->type, MIP_EXT_MFAE);
	assert_int_equal(e->auth.spi, 0x12345678);
	assert_int_equal(e->auth.covered, len - MIP_AUTH_LEN);
	assert_true(mip_msg_auth_verify(&m, 13, kfa));
	assert_false(mip_msg_auth_verify(&m, 13, kmn));
	assert_false(mip_msg_auth_verify(&m, 0, kmn));  /* not an authentication extension */
	assert_false(mip_msg_auth_verify(&m, 14, kmn)); /* out of range */

	/* A changed covered byte breaks both authenticators. */
	buf[3] ^= 1;
	assert_int_equal(dec(buf, len, 0, &m, &ei), MIP_OK);
	assert_false(mip_msg_auth_verify(&m, 10, kmn));
	assert_false(mip_msg_auth_verify(&m, 13, kfa));

	assert_int_equal(mip_msg_find(&m, MIP_EXT_MHAE, 0), 10);
	assert_int_equal(mip_msg_find(&m, MIP_EXT_MHAE, 11), -1);
	assert_int_equal(mip_msg_find(&m, MIP_EXT_FHAE, 0), -1);
}

static void
test_rrp_roundtrip(void **state)
{
	uint8_t buf[256];
	struct mip_builder b;
	struct mip_rrp h = { .code = MIP_CODE_HA_ID_MISMATCH,
		             .lifetime = 600,
		             .id = 0x0102030405060708ull };
	struct mip_msg m;
	struct mip_err_info ei;

	h.hoa = A("10.1.0.10");
	h.ha = A("10.1.0.1");
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrp(&b, &h);
	mip_build_nai(&b, nai, strlen(nai));
	mip_build_udp_tun_reply(&b, 64, MIP_UDP_TUN_REPLY_F_F, 110);
	mip_build_auth(&b, MIP_EXT_MHAE, 300, kmn);
	mip_build_auth(&b, MIP_EXT_FHAE, 301, kfa);
	assert_int_equal(mip_builder_error(&b), 0);

	assert_int_equal(dec(buf, b.len, MIP_DEC_REQUIRE_AUTH, &m, &ei), MIP_OK);
	assert_int_equal(m.type, MIP_MSG_RRP);
	assert_int_equal(m.hdr_len, 20);
	assert_int_equal(m.rrp.code, 133);
	assert_int_equal(m.rrp.lifetime, 600);
	assert_int_equal(m.rrp.hoa.s_addr, h.hoa.s_addr);
	assert_int_equal(m.rrp.ha.s_addr, h.ha.s_addr);
	assert_true(m.rrp.id == 0x0102030405060708ull);
	assert_int_equal(m.n_ext, 4);
	assert_int_equal(m.ext[1].udp_reply.code, 64);
	assert_int_equal(m.ext[1].udp_reply.flags, MIP_UDP_TUN_REPLY_F_F);
	assert_int_equal(m.ext[1].udp_reply.keepalive, 110);
	assert_int_equal(m.mhae_idx, 2);
	assert_int_equal(m.fhae_idx, 3);
	assert_true(mip_msg_auth_verify(&m, 2, kmn));
	assert_true(mip_msg_auth_verify(&m, 3, kfa));
}

static void
test_revocation_roundtrip(void **state)
{
	uint8_t buf[128];
	struct mip_builder b;
	struct mip_rev h = { .flags = MIP_REV_F_A | MIP_REV_F_I, .rev_id = 0xcafe0001 };
	struct mip_rev_ack ah = { .flags = MIP_REVACK_F_I, .rev_id = 0xcafe0001 };
	struct mip_msg m;
	struct mip_err_info ei;

	h.hoa = A("10.1.0.10");
	h.hda = A("10.1.0.1");
	h.fda = A("192.0.2.1");
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rev(&b, &h);
	mip_build_nai(&b, nai, strlen(nai));
	mip_build_auth(&b, MIP_EXT_FHAE, 999, kfa);
	assert_int_equal(mip_builder_error(&b), 0);
	assert_int_equal(buf[1], 0); /* reserved */
	assert_int_equal(dec(buf, b.len, MIP_DEC_REQUIRE_AUTH, &m, &ei), MIP_OK);
	assert_int_equal(m.type, MIP_MSG_REVOCATION);
	assert_int_equal(m.rev.flags, MIP_REV_F_A | MIP_REV_F_I);
	assert_int_equal(m.rev.hoa.s_addr, h.hoa.s_addr);
	assert_int_equal(m.rev.hda.s_addr, h.hda.s_addr);
	assert_int_equal(m.rev.fda.s_addr, h.fda.s_addr);
	assert_int_equal(m.rev.rev_id, 0xcafe0001);
	assert_int_equal(m.auth_idx, 1);
	assert_int_equal(m.fhae_idx, 1);
	assert_true(mip_msg_auth_verify(&m, 1, kfa));
	assert_int_equal(mip_msg_relay_len(&m), 0); /* only requests and replies are relayed */

	ah.hoa = A("10.1.0.10");
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rev_ack(&b, &ah);
	mip_build_auth(&b, MIP_EXT_FHAE, 999, kfa);
	assert_int_equal(mip_builder_error(&b), 0);
	assert_int_equal(b.len, 12 + MIP_AUTH_EXT_LEN);
	assert_int_equal(dec(buf, b.len, MIP_DEC_REQUIRE_AUTH, &m, &ei), MIP_OK);
	assert_int_equal(m.type, MIP_MSG_REVOCATION_ACK);
	assert_int_equal(m.hdr_len, 12);
	assert_int_equal(m.ack.flags, MIP_REVACK_F_I);
	assert_int_equal(m.ack.hoa.s_addr, ah.hoa.s_addr);
	assert_int_equal(m.ack.rev_id, 0xcafe0001);
	assert_true(mip_msg_auth_verify(&m, 0, kfa));

	/* Without its FHAE a revocation is not authorized. */
	assert_int_equal(dec(buf, 12, MIP_DEC_REQUIRE_AUTH, &m, &ei), MIP_ERR_NO_AUTH);
	assert_int_equal(dec(buf, 12, 0, &m, &ei), MIP_OK);
}

static void
test_mn_aaa(void **state)
{
	uint8_t buf[256];
	struct mip_builder b;
	struct mip_rrq h;
	struct mip_msg m;
	struct mip_err_info ei;

	fill_rrq_hdr(&h);
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	mip_build_ext(&b, MIP_EXT_MN_FA_CHALLENGE, chal, sizeof(chal));
	mip_build_nai(&b, nai, strlen(nai));
	mip_build_auth(&b, MIP_EXT_GEN_AUTH, 0x100, kmn);
	assert_int_equal(mip_builder_error(&b), 0);
	assert_int_equal(dec(buf, b.len, MIP_DEC_REQUIRE_AUTH, &m, &ei), MIP_OK);
	assert_int_equal(m.auth_idx, 2);
	assert_int_equal(m.mhae_idx, -1);
	assert_int_equal(m.ext[2].form, MIP_EXT_FORM_LONG);
	assert_int_equal(m.ext[2].subtype, MIP_GEN_AUTH_MN_AAA);
	assert_int_equal(m.ext[2].auth.spi, 0x100);
	assert_int_equal(m.ext[2].auth.covered, m.ext[2].off + 8);
	assert_true(mip_msg_auth_verify(&m, 2, kmn));
	assert_int_equal(mip_msg_relay_len(&m), b.len);
}

/*
 * Every prefix of a valid message: shorter than the fixed part is TRUNCATED; a prefix ending on
 * an extension boundary is itself a valid message; any other cut is BAD_LENGTH.
 */
static void
check_prefixes(const uint8_t *msg, size_t len)
{
	struct mip_msg full, m;
	struct mip_err_info ei;
	uint8_t *copy;

	assert_int_equal(mip_msg_decode(msg, len, 0, &full, NULL), MIP_OK);
	for (size_t cut = 0; cut < len; cut++) {
		size_t n_before = 0;
		bool boundary = cut == full.hdr_len;
		enum mip_err err;

		for (size_t i = 0; i < full.n_ext; i++) {
			if (full.ext[i].off + full.ext[i].len <= cut)
				n_before++;
			if (full.ext[i].off + full.ext[i].len == cut)
				boundary = true;
		}
		/* An exact-size heap copy lets valgrind/ASan catch any read past the cut. */
		copy = malloc(cut ? cut : 1);
		assert_non_null(copy);
		memcpy(copy, msg, cut);
		err = dec(copy, cut, 0, &m, &ei);
		if (cut < full.hdr_len) {
			assert_int_equal(err, MIP_ERR_TRUNCATED);
			assert_int_equal(ei.offset, cut);
		} else if (boundary) {
			assert_int_equal(err, MIP_OK);
			assert_int_equal(m.n_ext, n_before);
		} else {
			assert_int_equal(err, MIP_ERR_BAD_LENGTH);
			assert_int_equal(ei.ext_index, (int)n_before);
			assert_int_equal(ei.offset, full.ext[n_before].off);
			assert_int_equal(ei.ext_type, full.ext[n_before].type);
		}
		free(copy);
	}
}

static void
test_truncation(void **state)
{
	uint8_t buf[512];
	size_t len = build_full_rrq(buf, sizeof(buf));
	struct mip_builder b;
	struct mip_rrp rh = { .code = 0, .lifetime = 60, .id = 7 };
	struct mip_rev vh = { .flags = MIP_REV_F_I, .rev_id = 5 };
	struct mip_rev_ack ah = { .flags = 0, .rev_id = 5 };
	struct mip_rrq qh;
	uint8_t method = MIP_PMIP_AUTH_IPSEC;

	check_prefixes(buf, len);

	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrp(&b, &rh);
	mip_build_udp_tun_reply(&b, 0, 0, 30);
	mip_build_auth(&b, MIP_EXT_MHAE, 256, kmn);
	assert_int_equal(mip_builder_error(&b), 0);
	check_prefixes(buf, b.len);

	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rev(&b, &vh);
	mip_build_auth(&b, MIP_EXT_FHAE, 256, kfa);
	check_prefixes(buf, b.len);

	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rev_ack(&b, &ah);
	mip_build_auth(&b, MIP_EXT_FHAE, 256, kfa);
	check_prefixes(buf, b.len);

	/* Long forms and the MN-AAA extension. */
	fill_rrq_hdr(&qh);
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &qh);
	mip_build_ext_long(&b, MIP_EXT_PMIP_NONSKIP, 1, &method, 1);
	mip_build_auth(&b, MIP_EXT_GEN_AUTH, 256, kmn);
	assert_int_equal(mip_builder_error(&b), 0);
	check_prefixes(buf, b.len);
}

static const uint8_t rrq_hdr[24] = { 1,   0x02, 0x07, 0x08, 10,   1,    0,    10,   10, 1, 0, 1,
	                             192, 0,    2,    1,    0xe8, 0xf2, 0xa3, 0xb4, 0,  0, 0, 1 };

/* Decodes rrq_hdr followed by @ext; returns the error and fills @ei. */
static enum mip_err
dec_ext(const uint8_t *ext, size_t n, unsigned flags, struct mip_err_info *ei)
{
	uint8_t *buf = malloc(24 + n);
	struct mip_msg m;
	enum mip_err err;

	assert_non_null(buf);
	memcpy(buf, rrq_hdr, 24);
	memcpy(buf + 24, ext, n);
	err = dec(buf, 24 + n, flags, &m, ei);
	free(buf);
	return err;
}

#define DEC_EXT(ext, ei) dec_ext((ext), sizeof(ext), 0, (ei))

static void
test_unknown_extensions(void **state)
{
	struct mip_err_info ei;
	struct mip_msg m;
	uint8_t buf[64];
	/* Type 0 is not a pad in registration messages: it is an unknown critical type. */
	static const uint8_t pad[] = { 0, 0 };
	static const uint8_t crit[] = { 200, 0, 37, 4, 1, 2, 3, 4 };
	static const uint8_t skip[] = { 200, 3, 'a', 'b', 'c', 131, 1, 'n' };

	assert_int_equal(DEC_EXT(pad, &ei), MIP_ERR_UNKNOWN_CRITICAL_EXT);
	assert_int_equal(ei.ext_type, 0);
	assert_int_equal(ei.offset, 24);
	assert_int_equal(ei.ext_index, 0);

	assert_int_equal(DEC_EXT(crit, &ei), MIP_ERR_UNKNOWN_CRITICAL_EXT);
	assert_int_equal(ei.ext_type, 37);
	assert_int_equal(ei.offset, 26);
	assert_int_equal(ei.ext_index, 1);
	assert_int_equal(mip_reply_code_for_error(ei.err, MIP_RX_HA, true), MIP_REPLY_DISCARD);
	assert_int_equal(mip_reply_code_for_error(ei.err, MIP_RX_FA, true), MIP_REPLY_DISCARD);

	/* Every critical type the decoder does not know is refused. */
	for (unsigned t = 0; t < 128; t++) {
		/* 26 bytes in every shape: 8-bit length 24, or 16-bit length 22 at offset 2. */
		uint8_t ext[2 + 24] = { (uint8_t)t, 24, 0, 22 };
		enum mip_err err = DEC_EXT(ext, &ei);
		bool known =
		        t == 32 || t == 33 || t == 34 || t == 36 || t == 38 || t == 44 || t == 47;

		if (known)
			assert_int_not_equal(err, MIP_ERR_UNKNOWN_CRITICAL_EXT);
		else
			assert_int_equal(err, MIP_ERR_UNKNOWN_CRITICAL_EXT);
		if (err == MIP_ERR_UNKNOWN_CRITICAL_EXT)
			assert_int_equal(ei.ext_index, 0);
	}

	memcpy(buf, rrq_hdr, 24);
	memcpy(buf + 24, skip, sizeof(skip));
	assert_int_equal(dec(buf, 24 + sizeof(skip), 0, &m, &ei), MIP_OK);
	assert_int_equal(m.n_ext, 2);
	assert_int_equal(m.n_skipped, 1);
	assert_false(m.ext[0].known);
	assert_int_equal(m.ext[0].data.len, 3);
	assert_memory_equal(m.ext[0].data.ptr, "abc", 3);
	assert_true(m.ext[1].known);
	assert_int_equal(m.ext[1].type, MIP_EXT_NAI);
	assert_int_equal(m.ext[1].data.ptr[0], 'n');
}

static void
test_bad_lengths(void **state)
{
	struct mip_err_info ei;
	/* Long form: 16-bit length 0x0100 (256) with one byte present; an 8-bit reader sees 1. */
	static const uint8_t long_over[] = { 47, 1, 0x01, 0x00, 1 };
	static const uint8_t long_hdr_cut[] = { 47, 1, 0 };
	static const uint8_t pmip_method_long[] = { 47, 1, 0, 2, 1, 1 };
	static const uint8_t cvse_over[] = { 38, 0, 0, 7, 0, 0, 0, 9, 0, 1 };
	static const uint8_t cvse_short[] = { 38, 0, 0, 5, 0, 0, 0, 9, 0 };
	static const uint8_t cvse_hdr_cut[] = { 38, 0, 0 };
	static const uint8_t short_zero[] = { 139, 0, 1, 10, 0, 0, 1 };
	static const uint8_t short_cut[] = { 139, 5 };
	static const uint8_t short_over[] = { 139, 6, 1, 10, 0, 0, 1 };
	static const uint8_t dynha_short[] = { 139, 4, 1, 10, 0, 0 };
	static const uint8_t udpreq_long[] = { 144, 7, 0, 0, 0x80, 4, 0, 0, 0 };
	static const uint8_t tlv_cut[] = { 131 };
	static const uint8_t tlv_over[] = { 131, 3, 'a', 'b' };
	static const uint8_t nvse_short[] = { 134, 7, 0, 0, 0, 0, 0, 9, 0 };
	static const uint8_t auth_short[] = { 32, 19, 0, 0, 1,  0,  1,  2,  3,  4, 5,
		                              6,  7,  8, 9, 10, 11, 12, 13, 14, 15 };
	static const uint8_t nai_empty[] = { 131, 0 };
	static const uint8_t encap_body[] = { 130, 1, 0 };
	static const uint8_t revsup_short[] = { 137, 5, 0x80, 0, 0, 0, 1 };
	static const uint8_t access_tech_long[] = { 147, 3, 4, 1, 2 };
	static const uint8_t dev_id_short[] = { 147, 2, 2, 1 };

	assert_int_equal(DEC_EXT(long_over, &ei), MIP_ERR_BAD_LENGTH);
	assert_int_equal(ei.offset, 24);
	assert_int_equal(ei.ext_type, 47);
	assert_int_equal(DEC_EXT(long_hdr_cut, &ei), MIP_ERR_BAD_LENGTH);
	assert_int_equal(DEC_EXT(pmip_method_long, &ei), MIP_ERR_BAD_EXT_BODY);
	assert_int_equal(DEC_EXT(cvse_over, &ei), MIP_ERR_BAD_LENGTH);
	assert_int_equal(DEC_EXT(cvse_short, &ei), MIP_ERR_BAD_EXT_BODY);
	assert_int_equal(DEC_EXT(cvse_hdr_cut, &ei), MIP_ERR_BAD_LENGTH);
	assert_int_equal(DEC_EXT(short_zero, &ei), MIP_ERR_BAD_EXT_BODY);
	assert_int_equal(DEC_EXT(short_cut, &ei), MIP_ERR_BAD_LENGTH);
	assert_int_equal(DEC_EXT(short_over, &ei), MIP_ERR_BAD_LENGTH);
	assert_int_equal(DEC_EXT(dynha_short, &ei), MIP_ERR_BAD_EXT_BODY);
	assert_int_equal(DEC_EXT(udpreq_long, &ei), MIP_ERR_BAD_EXT_BODY);
	assert_int_equal(DEC_EXT(tlv_cut, &ei), MIP_ERR_BAD_LENGTH);
	assert_int_equal(DEC_EXT(tlv_over, &ei), MIP_ERR_BAD_LENGTH);
	assert_int_equal(DEC_EXT(nvse_short, &ei), MIP_ERR_BAD_EXT_BODY);
	assert_int_equal(DEC_EXT(auth_short, &ei), MIP_ERR_BAD_EXT_BODY);
	assert_int_equal(DEC_EXT(nai_empty, &ei), MIP_ERR_BAD_EXT_BODY);
	assert_int_equal(DEC_EXT(encap_body, &ei), MIP_ERR_BAD_EXT_BODY);
	assert_int_equal(DEC_EXT(revsup_short, &ei), MIP_ERR_BAD_EXT_BODY);
	assert_int_equal(DEC_EXT(access_tech_long, &ei), MIP_ERR_BAD_EXT_BODY);
	assert_int_equal(DEC_EXT(dev_id_short, &ei), MIP_ERR_BAD_EXT_BODY);
	assert_int_equal(ei.ext_type, 147);
	assert_int_equal(mip_reply_code_for_error(ei.err, MIP_RX_HA, true), 134);
}

static void
test_hand_written_forms(void **state)
{
	/* Bytes written from the RFC layouts, independent of the encoder. */
	static const uint8_t exts[] = {
		38,  0,  0, 8,   0,    0,   0x60, 0xb5, 0x00, 0x02, 'v', 'v', /* CVSE */
		134, 10, 0, 0,   0,    0,   0x60, 0xb5, 0x00, 0x03, 'n', 'n', /* NVSE */
		44,  6,  0, 64,  0x80, 0,   0,    25,                         /* UDP reply */
		147, 2,  4, 2,                                                /* access tech */
		145, 4,  1, 'a', 'b',  'c',                                   /* msg string */
		47,  9,  0, 1,   7,                                           /* PMIP non-skip */
	};
	uint8_t buf[24 + sizeof(exts)];
	struct mip_msg m;
	struct mip_err_info ei;

	memcpy(buf, rrq_hdr, 24);
	memcpy(buf + 24, exts, sizeof(exts));
	assert_int_equal(dec(buf, sizeof(buf), 0, &m, &ei), MIP_OK);
	assert_int_equal(m.n_ext, 6);
	assert_int_equal(m.ext[0].vse.vendor, 0x60b5);
	assert_int_equal(m.ext[0].vse.vtype, 2);
	assert_int_equal(m.ext[0].vse.value_len, 2);
	assert_int_equal(m.ext[0].len, 12);
	assert_int_equal(m.ext[1].vse.vendor, 0x60b5);
	assert_int_equal(m.ext[1].vse.vtype, 3);
	assert_int_equal(m.ext[1].vse.value_len, 2);
	assert_int_equal(m.ext[1].vse.value[0], 'n');
	assert_int_equal(m.ext[2].udp_reply.code, 64);
	assert_int_equal(m.ext[2].udp_reply.flags, 0x8000);
	assert_int_equal(m.ext[2].udp_reply.keepalive, 25);
	assert_int_equal(m.ext[3].subtype, 4);
	assert_int_equal(m.ext[3].data.len, 1);
	assert_int_equal(m.ext[3].data.ptr[0], 2);
	assert_int_equal(m.ext[4].subtype, 1);
	assert_int_equal(m.ext[4].data.len, 3);
	assert_memory_equal(m.ext[4].data.ptr, "abc", 3);
	/* The long form reads the sub-type at offset 1 and a 16-bit length at offset 2. */
	assert_int_equal(m.ext[5].subtype, 9);
	assert_int_equal(m.ext[5].body_len, 1);
	assert_int_equal(m.ext[5].data.ptr[0], 7);
}

static void
test_order(void **state)
{
	uint8_t buf[256];
	struct mip_builder b;
	struct mip_rrq h;
	struct mip_msg m;
	struct mip_err_info ei;

	fill_rrq_hdr(&h);

	/* NAI after the MHAE. */
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	mip_build_auth(&b, MIP_EXT_MHAE, 256, kmn);
	mip_build_nai(&b, nai, strlen(nai));
	assert_int_equal(dec(buf, b.len, 0, &m, &ei), MIP_ERR_ORDER);
	assert_int_equal(ei.ext_type, MIP_EXT_NAI);
	assert_int_equal(ei.ext_index, 1);
	assert_int_equal(ei.offset, 24 + MIP_AUTH_EXT_LEN);
	assert_int_equal(mip_reply_code_for_error(ei.err, MIP_RX_HA, true), 134);
	assert_int_equal(mip_reply_code_for_error(ei.err, MIP_RX_FA, true), 70);

	/* Two NAIs. */
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	mip_build_nai(&b, nai, strlen(nai));
	mip_build_nai(&b, nai, strlen(nai));
	assert_int_equal(dec(buf, b.len, 0, &m, &ei), MIP_ERR_ORDER);

	/* MFAE or FHAE without an MHAE before it. */
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	mip_build_auth(&b, MIP_EXT_MFAE, 256, kfa);
	assert_int_equal(dec(buf, b.len, 0, &m, &ei), MIP_ERR_ORDER);
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	mip_build_auth(&b, MIP_EXT_FHAE, 256, kfa);
	assert_int_equal(dec(buf, b.len, 0, &m, &ei), MIP_ERR_ORDER);

	/* Two MHAEs; MHAE and MN-AAA together. */
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	mip_build_auth(&b, MIP_EXT_MHAE, 256, kmn);
	mip_build_auth(&b, MIP_EXT_MHAE, 256, kmn);
	assert_int_equal(dec(buf, b.len, 0, &m, &ei), MIP_ERR_ORDER);
	assert_int_equal(ei.ext_index, 1);
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	mip_build_auth(&b, MIP_EXT_MHAE, 256, kmn);
	mip_build_auth(&b, MIP_EXT_GEN_AUTH, 256, kmn);
	assert_int_equal(dec(buf, b.len, 0, &m, &ei), MIP_ERR_ORDER);

	/* Encapsulating Delivery Style before the MHAE, or after the MFAE. */
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	mip_build_encap_delivery(&b);
	mip_build_auth(&b, MIP_EXT_MHAE, 256, kmn);
	assert_int_equal(dec(buf, b.len, 0, &m, &ei), MIP_ERR_ORDER);
	assert_int_equal(ei.ext_type, MIP_EXT_ENCAP_DELIVERY);
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	mip_build_auth(&b, MIP_EXT_MHAE, 256, kmn);
	mip_build_auth(&b, MIP_EXT_MFAE, 256, kfa);
	mip_build_encap_delivery(&b);
	assert_int_equal(dec(buf, b.len, 0, &m, &ei), MIP_ERR_ORDER);

	/* Revocation: the NAI precedes the FHAE. */
	{
		struct mip_rev vh = { .rev_id = 1 };

		mip_builder_init(&b, buf, sizeof(buf));
		mip_build_rev(&b, &vh);
		mip_build_auth(&b, MIP_EXT_FHAE, 256, kfa);
		mip_build_nai(&b, nai, strlen(nai));
		assert_int_equal(dec(buf, b.len, 0, &m, &ei), MIP_ERR_ORDER);
	}
}

static void
test_missing_auth(void **state)
{
	uint8_t buf[128];
	struct mip_builder b;
	struct mip_rrq h;
	struct mip_msg m;
	struct mip_err_info ei;

	fill_rrq_hdr(&h);
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	mip_build_nai(&b, nai, strlen(nai));
	assert_int_equal(dec(buf, b.len, MIP_DEC_REQUIRE_AUTH, &m, &ei), MIP_ERR_NO_AUTH);
	assert_int_equal(ei.offset, b.len);
	/* RFC 5944 section 3.8.2.1: no authorization-enabling extension is 131 at the HA. */
	assert_int_equal(mip_reply_code_for_error(ei.err, MIP_RX_HA, true), 131);
	assert_int_equal(mip_reply_code_for_error(ei.err, MIP_RX_FA, true), 70);

	assert_int_equal(dec(buf, b.len, 0, &m, &ei), MIP_OK);
	assert_int_equal(m.auth_idx, -1);
	assert_int_equal(mip_msg_relay_len(&m), 0);
}

static void
test_limits(void **state)
{
	uint8_t buf[24 + 2 * (MIP_EXT_MAX + 1)];
	uint8_t *big;
	struct mip_msg m;
	struct mip_err_info ei;

	memcpy(buf, rrq_hdr, 24);
	for (size_t i = 0; i <= MIP_EXT_MAX; i++) {
		buf[24 + 2 * i] = 200;
		buf[24 + 2 * i + 1] = 0;
	}
	assert_int_equal(dec(buf, 24 + 2 * MIP_EXT_MAX, 0, &m, &ei), MIP_OK);
	assert_int_equal(m.n_ext, MIP_EXT_MAX);
	assert_int_equal(m.n_skipped, MIP_EXT_MAX);
	assert_int_equal(dec(buf, sizeof(buf), 0, &m, &ei), MIP_ERR_TOO_MANY_EXT);
	assert_int_equal(ei.ext_index, MIP_EXT_MAX);
	assert_int_equal(ei.offset, 24 + 2 * MIP_EXT_MAX);

	big = calloc(1, MIP_MSG_MAX + 1);
	assert_non_null(big);
	memcpy(big, rrq_hdr, 24);
	assert_int_equal(dec(big, MIP_MSG_MAX + 1, 0, &m, &ei), MIP_ERR_TOO_LONG);
	free(big);

	assert_int_equal(dec(NULL, 0, 0, &m, &ei), MIP_ERR_TRUNCATED);
	assert_int_equal(dec(NULL, 24, 0, &m, &ei), MIP_ERR_TRUNCATED);
	for (unsigned t = 0; t < 256; t++) {
		uint8_t one[24] = { (uint8_t)t };
		size_t n = t == 3 || t == 7 ? 20 : t == 15 ? 12 : 24;
		enum mip_err err = dec(one, n, 0, &m, &ei);

		if (t == 1 || t == 3 || t == 7 || t == 15)
			assert_int_equal(err, MIP_OK);
		else
			assert_int_equal(err, MIP_ERR_BAD_TYPE);
	}
	assert_int_equal(mip_reply_code_for_error(MIP_ERR_BAD_TYPE, MIP_RX_HA, true),
	                 MIP_REPLY_DISCARD);
	/* A NULL output only validates. */
	assert_int_equal(mip_msg_decode(rrq_hdr, 24, 0, NULL, NULL), MIP_OK);
	assert_int_equal(mip_msg_decode(rrq_hdr, 23, 0, NULL, &ei), MIP_ERR_TRUNCATED);
	assert_int_equal(ei.err, MIP_ERR_TRUNCATED);
}

static bool
known_vendor(uint32_t vendor, uint16_t vtype, void *arg)
{
	const uint32_t *v = arg;

	return vendor == *v && vtype == 1;
}

static void
test_check_cvse(void **state)
{
	uint8_t buf[256];
	struct mip_builder b;
	struct mip_rrq h;
	struct mip_rrp rh = { .lifetime = 10 };
	struct mip_msg m;
	struct mip_err_info ei;
	uint32_t mn_vendor = 1111, fa_vendor = 2222;

	fill_rrq_hdr(&h);
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrq(&b, &h);
	mip_build_cvse(&b, mn_vendor, 1, NULL, 0);
	mip_build_auth(&b, MIP_EXT_MHAE, 256, kmn);
	mip_build_cvse(&b, fa_vendor, 1, "x", 1);
	assert_int_equal(mip_builder_error(&b), 0);
	assert_int_equal(dec(buf, b.len, 0, &m, &ei), MIP_OK);

	/* Home agent: the first CVSE is the mobile node's, the one after the MHAE the FA's. */
	assert_int_equal(mip_msg_check_cvse(&m, MIP_RX_HA, NULL, NULL, &ei), MIP_ERR_UNKNOWN_CVSE);
	assert_int_equal(ei.ext_index, 0);
	assert_true(ei.from_mn);
	assert_int_equal(mip_reply_code_for_error(ei.err, MIP_RX_HA, ei.from_mn), 140);
	assert_int_equal(mip_msg_check_cvse(&m, MIP_RX_HA, known_vendor, &mn_vendor, &ei),
	                 MIP_ERR_UNKNOWN_CVSE);
	assert_int_equal(ei.ext_index, 2);
	assert_int_equal(ei.offset, m.ext[2].off);
	assert_false(ei.from_mn);
	assert_int_equal(mip_reply_code_for_error(ei.err, MIP_RX_HA, ei.from_mn), 141);

	/* Foreign agent: only what follows the MHAE is addressed to it. */
	assert_int_equal(mip_msg_check_cvse(&m, MIP_RX_FA, known_vendor, &fa_vendor, &ei), MIP_OK);
	assert_int_equal(mip_msg_check_cvse(&m, MIP_RX_FA, NULL, NULL, &ei), MIP_ERR_UNKNOWN_CVSE);
	assert_int_equal(ei.ext_index, 2);
	assert_true(ei.from_mn);
	assert_int_equal(mip_reply_code_for_error(ei.err, MIP_RX_FA, ei.from_mn), 100);
	/* A mobile node does not check requests. */
	assert_int_equal(mip_msg_check_cvse(&m, MIP_RX_MN, NULL, NULL, &ei), MIP_OK);

	/* Reply: the FA checks the HA's CVSE after the MHAE, the MN the one before it. */
	rh.hoa = h.hoa;
	rh.ha = h.ha;
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrp(&b, &rh);
	mip_build_cvse(&b, mn_vendor, 1, NULL, 0);
	mip_build_auth(&b, MIP_EXT_MHAE, 256, kmn);
	mip_build_cvse(&b, fa_vendor, 2, NULL, 0);
	assert_int_equal(dec(buf, b.len, 0, &m, &ei), MIP_OK);
	assert_int_equal(mip_msg_check_cvse(&m, MIP_RX_FA, NULL, NULL, &ei), MIP_ERR_UNKNOWN_CVSE);
	assert_int_equal(ei.ext_index, 2);
	assert_false(ei.from_mn);
	assert_int_equal(mip_reply_code_for_error(ei.err, MIP_RX_FA, ei.from_mn), 101);
	assert_int_equal(mip_msg_check_cvse(&m, MIP_RX_MN, NULL, NULL, &ei), MIP_ERR_UNKNOWN_CVSE);
	assert_int_equal(ei.ext_index, 0);
	assert_int_equal(mip_msg_check_cvse(&m, MIP_RX_MN, known_vendor, &mn_vendor, &ei), MIP_OK);
	assert_int_equal(mip_reply_code_for_error(MIP_ERR_UNKNOWN_CVSE, MIP_RX_MN, false),
	                 MIP_REPLY_DISCARD);
	/* A home agent only checks requests. */
	assert_int_equal(mip_msg_check_cvse(&m, MIP_RX_HA, NULL, NULL, &ei), MIP_OK);
}

static void
test_reply_code_table(void **state)
{
	/* Expected codes from RFC 5944 section 3.4 and RFC 3115, written out by hand. */
	static const struct {
		enum mip_err err;
		int ha, fa_req, fa_rep;
	} rows[] = {
		{ MIP_ERR_TRUNCATED, -1, -1, -1 },
		{ MIP_ERR_BAD_TYPE, -1, -1, -1 },
		{ MIP_ERR_UNKNOWN_CRITICAL_EXT, -1, -1, -1 },
		{ MIP_ERR_BAD_LENGTH, 134, 70, 71 },
		{ MIP_ERR_TOO_LONG, 134, 70, 71 },
		{ MIP_ERR_TOO_MANY_EXT, 134, 70, 71 },
		{ MIP_ERR_BAD_EXT_BODY, 134, 70, 71 },
		{ MIP_ERR_ORDER, 134, 70, 71 },
		{ MIP_ERR_NO_AUTH, 131, 70, 71 },
		{ MIP_ERR_UNKNOWN_CVSE, 140, 100, 101 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(mip_reply_code_for_error(rows[i].err, MIP_RX_HA, true),
		                 rows[i].ha);
		assert_int_equal(mip_reply_code_for_error(rows[i].err, MIP_RX_FA, true),
		                 rows[i].fa_req);
		assert_int_equal(mip_reply_code_for_error(rows[i].err, MIP_RX_FA, false),
		                 rows[i].fa_rep);
		assert_int_equal(mip_reply_code_for_error(rows[i].err, MIP_RX_MN, true), -1);
		assert_int_equal(mip_reply_code_for_error(rows[i].err, MIP_RX_MN, false), -1);
	}
	assert_int_equal(mip_reply_code_for_error(MIP_ERR_UNKNOWN_CVSE, MIP_RX_HA, false), 141);
	assert_int_equal(mip_reply_code_for_error(MIP_ERR_BAD_LENGTH, (enum mip_receiver)0, true),
	                 -1);
}

static void
test_err_str(void **state)
{
	for (int e = 0; e < MIP_ERR__COUNT; e++) {
		const char *s = mip_err_str((enum mip_err)e);

		assert_non_null(s);
		assert_string_not_equal(s, "unknown error");
		for (int f = 0; f < e; f++)
			assert_string_not_equal(s, mip_err_str((enum mip_err)f));
	}
	assert_string_equal(mip_err_str(MIP_ERR__COUNT), "unknown error");
	assert_string_equal(mip_err_str((enum mip_err) - 1), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrq_roundtrip),
		cmocka_unit_test(test_rrp_roundtrip),
		cmocka_unit_test(test_revocation_roundtrip),
		cmocka_unit_test(test_mn_aaa),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_unknown_extensions),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_hand_written_forms),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_missing_auth),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_check_cvse),
		cmocka_unit_test(test_reply_code_table),
		cmocka_unit_test(test_err_str),
	};

	return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
