/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_reg_msg.c - libFuzzer target: decode arbitrary bytes as a registration message.
 *
 * On success the decoded message must be self-consistent (extensions tile the buffer, typed
 * views stay inside it), re-encoding it from the parsed fields with the builder must give the
 * input back byte for byte (reserved fields aside), and the relayed prefix must decode again.
 * On failure the output must be empty. Any violation aborts, which libFuzzer reports as a crash.
 */

#include <stdlib.h>
#include <string.h>

#include "mip_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                 \
	do {                     \
		if (!(x))        \
			abort(); \
	} while (0)

static bool
inside(const struct mip_msg *m, const uint8_t *p, size_t n)
{
	return p >= m->buf && n <= m->len && (size_t)(p - m->buf) <= m->len - n;
}

static void
check_views(const struct mip_msg *m)
{
	size_t off = m->hdr_len;

	CHECK(m->hdr_len <= m->len && m->n_ext <= MIP_EXT_MAX);
	for (size_t i = 0; i < m->n_ext; i++) {
		const struct mip_ext *e = &m->ext[i];

		CHECK(e->off == off && e->len >= 2 && e->len <= m->len - off);
		CHECK(e->body_off > e->off && e->body_off + e->body_len == e->off + e->len);
		CHECK(m->buf[e->off] == e->type);
		CHECK((enum mip_ext_form)e->form == mip_ext_form_of(e->type));
		switch (e->type) {
		case MIP_EXT_MHAE:
		case MIP_EXT_MFAE:
		case MIP_EXT_FHAE:
		case MIP_EXT_GEN_AUTH:
			CHECK(inside(m, e->auth.data, e->auth.len) && e->auth.len >= MIP_AUTH_LEN);
			CHECK(e->auth.covered == (size_t)(e->auth.data - m->buf));
			break;
		case MIP_EXT_CVSE:
		case MIP_EXT_NVSE:
			CHECK(inside(m, e->vse.value, e->vse.value_len));
			break;
		case MIP_EXT_ENCAP_DELIVERY:
			CHECK(e->body_len == 0);
			break;
		case MIP_EXT_REV_SUPPORT:
			CHECK(e->body_len == 6);
			break;
		case MIP_EXT_DYN_HA:
			CHECK(e->body_len == 4);
			break;
		case MIP_EXT_UDP_TUN_REQUEST:
		case MIP_EXT_UDP_TUN_REPLY:
			CHECK(e->body_len == 5);
			break;
		default: /* the kinds whose view is the body: 47, 131, 132, 145, 147, unknown */
			CHECK(e->data.ptr == m->buf + e->body_off && e->data.len == e->body_len);
			break;
		}
		off += e->len;
	}
	CHECK(off == m->len);
	CHECK(m->auth_idx < (int)m->n_ext && m->mhae_idx < (int)m->n_ext);
	CHECK(m->nai_idx < 0 || m->auth_idx < 0 || m->nai_idx < m->auth_idx);
}

/* Writes @m again from its parsed fields; extension bodies are copied raw. */
static int
reencode(const struct mip_msg *m, struct mip_builder *b)
{
	switch (m->type) {
	case MIP_MSG_RRQ:
		mip_build_rrq(b, &m->rrq);
		break;
	case MIP_MSG_RRP:
		mip_build_rrp(b, &m->rrp);
		break;
	case MIP_MSG_REVOCATION:
		mip_build_rev(b, &m->rev);
		break;
	default:
		mip_build_rev_ack(b, &m->ack);
		break;
	}
	for (size_t i = 0; i < m->n_ext; i++) {
		const struct mip_ext *e = &m->ext[i];
		const uint8_t *body = m->buf + e->body_off;

		switch ((enum mip_ext_form)e->form) {
		case MIP_EXT_FORM_LONG:
			mip_build_ext_long(b, e->type, e->subtype, body, e->body_len);
			break;
		case MIP_EXT_FORM_SHORT:
			mip_build_ext_short(b, e->type, e->subtype, body, e->body_len);
			break;
		case MIP_EXT_FORM_CVSE:
			mip_build_cvse(b, e->vse.vendor, e->vse.vtype, e->vse.value,
			               e->vse.value_len);
			break;
		default:
			mip_build_ext(b, e->type, body, e->body_len);
			break;
		}
	}
	return mip_builder_error(b);
}

static void
check_roundtrip(const struct mip_msg *m)
{
	uint8_t *want = malloc(m->len), *out = malloc(m->len);
	struct mip_builder b;
	struct mip_msg again;

	CHECK(want != NULL && out != NULL);
	/* The encoder writes reserved fields as zero: the revocation reserved byte, CVSE's. */
	memcpy(want, m->buf, m->len);
	if (m->type == MIP_MSG_REVOCATION || m->type == MIP_MSG_REVOCATION_ACK)
		want[1] = 0;
	for (size_t i = 0; i < m->n_ext; i++) {
		if (m->ext[i].type == MIP_EXT_CVSE)
			want[m->ext[i].off + 1] = 0;
	}
	/* Exact capacity succeeds and reproduces the input. */
	mip_builder_init(&b, out, m->len);
	CHECK(reencode(m, &b) == 0 && b.len == m->len);
	CHECK(memcmp(out, want, m->len) == 0);
	CHECK(mip_msg_decode(out, b.len, 0, &again, NULL) == MIP_OK);
	CHECK(again.n_ext == m->n_ext && again.auth_idx == m->auth_idx);
	/* One byte less fails cleanly at an item boundary. */
	mip_builder_init(&b, out, m->len - 1);
	CHECK(reencode(m, &b) < 0 && b.len < m->len);
	CHECK(memcmp(out, want, b.len) == 0);
	free(want);
	free(out);
}

static void
check_relay(const struct mip_msg *m)
{
	size_t rl = mip_msg_relay_len(m);
	uint8_t *out;
	struct mip_builder b;
	struct mip_msg r;

	if (rl == 0) {
		CHECK(m->auth_idx < 0 || (m->type != MIP_MSG_RRQ && m->type != MIP_MSG_RRP));
		return;
	}
	CHECK(rl <= m->len);
	out = malloc(rl);
	CHECK(out != NULL);
	CHECK(mip_builder_init_relay(&b, out, rl, m) == 0 && b.len == rl);
	CHECK(mip_msg_decode(out, rl, MIP_DEC_REQUIRE_AUTH, &r, NULL) == MIP_OK);
	CHECK(r.n_ext == (size_t)m->auth_idx + 1 && r.auth_idx == m->auth_idx);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum mip_receiver rx[] = { MIP_RX_HA, MIP_RX_FA, MIP_RX_MN };
	struct mip_msg m;
	struct mip_err_info ei;
	enum mip_err err = mip_msg_decode(data, size, 0, &m, &ei), err2;

	CHECK(ei.err == err && (unsigned)err < MIP_ERR__COUNT && mip_err_str(err) != NULL);
	for (size_t i = 0; i < 3; i++) {
		int code = mip_reply_code_for_error(err, rx[i], true);

		CHECK(code == MIP_REPLY_DISCARD || mip_code_lookup((unsigned)code) != NULL);
	}
	if (err != MIP_OK) {
		CHECK(mip_msg_is_empty(&m));
		CHECK(ei.offset <= size || err == MIP_ERR_TOO_LONG);
		return 0;
	}
	CHECK(m.buf == data && m.len == size);
	check_views(&m);

	err2 = mip_msg_decode(data, size, MIP_DEC_REQUIRE_AUTH, NULL, NULL);
	CHECK(err2 == (m.auth_idx >= 0 ? MIP_OK : MIP_ERR_NO_AUTH));
	for (size_t i = 0; i < 3; i++) {
		err2 = mip_msg_check_cvse(&m, rx[i], NULL, NULL, &ei);
		CHECK(err2 == MIP_OK || (ei.ext_index >= 0 && (size_t)ei.ext_index < m.n_ext &&
		                         m.ext[ei.ext_index].type == MIP_EXT_CVSE));
	}
	check_roundtrip(&m);
	check_relay(&m);
	return 0;
}
