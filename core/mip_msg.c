/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mip_msg.c - registration message decoder, extension checks and error to reply code mapping.
 *
 * DOC: The registration codec is split in three files. This one decodes requests (RFC 5944
 * section 3.3), replies (3.4), revocations and their acknowledgements (RFC 3543) into struct
 * mip_msg, checks extension order and critical vendor extensions, and maps decode errors to
 * reply codes. mip_msg_build.c encodes. mip_codes.c names the numbers.
 *
 * Decoding works on a local struct and copies it out only on success, so a caller never sees
 * a half-filled message. Every read is preceded by a check of the bytes remaining.
 */

#include <string.h>

#include "mip_msg.h"
#include "wire.h"

static struct in_addr
get_addr(const uint8_t *p)
{
	struct in_addr a;

	memcpy(&a.s_addr, p, 4);
	return a;
}

enum mip_ext_form
mip_ext_form_of(uint8_t type)
{
	switch (type) {
	case MIP_EXT_GEN_AUTH:
	case MIP_EXT_PMIP_NONSKIP:
		return MIP_EXT_FORM_LONG;
	case MIP_EXT_CVSE:
		return MIP_EXT_FORM_CVSE;
	case MIP_EXT_UDP_TUN_REPLY:
	case MIP_EXT_DYN_HA:
	case MIP_EXT_UDP_TUN_REQUEST:
	case MIP_EXT_MSG_STRING:
	case MIP_EXT_PMIP_SKIP:
		return MIP_EXT_FORM_SHORT;
	default:
		return MIP_EXT_FORM_TLV;
	}
}

/* Types 0..127 this decoder understands; any other type in that range is critical and unknown. */
static bool
critical_known(uint8_t type)
{
	switch (type) {
	case MIP_EXT_MHAE:
	case MIP_EXT_MFAE:
	case MIP_EXT_FHAE:
	case MIP_EXT_GEN_AUTH:
	case MIP_EXT_CVSE:
	case MIP_EXT_UDP_TUN_REPLY:
	case MIP_EXT_PMIP_NONSKIP:
		return true;
	default:
		return false;
	}
}

/* Skippable types 128..255 this decoder parses; others are kept as unknown and skipped. */
static bool
skippable_known(uint8_t type)
{
	switch (type) {
	case MIP_EXT_ENCAP_DELIVERY:
	case MIP_EXT_NAI:
	case MIP_EXT_MN_FA_CHALLENGE:
	case MIP_EXT_NVSE:
	case MIP_EXT_REV_SUPPORT:
	case MIP_EXT_DYN_HA:
	case MIP_EXT_UDP_TUN_REQUEST:
	case MIP_EXT_MSG_STRING:
	case MIP_EXT_PMIP_SKIP:
		return true;
	default:
		return false;
	}
}

static enum mip_err
fail(struct mip_err_info *ei, enum mip_err err, size_t offset, int ext_type, int ext_index)
{
	ei->err = err;
	ei->offset = offset;
	ei->ext_type = ext_type;
	ei->ext_index = ext_index;
	ei->from_mn = false;
	return err;
}

/*
 * Reads the header of the extension at @off: shape, sub-type, body offset and length. The
 * caller has checked that @off < m->len and that the type is known or skippable.
 */
static enum mip_err
parse_header(const struct mip_msg *m, size_t off, struct mip_ext *e)
{
	const uint8_t *p = m->buf + off;
	size_t rem = m->len - off, hdr, blen;

	e->type = p[0];
	e->form = (uint8_t)mip_ext_form_of(p[0]);
	e->off = off;
	switch (e->form) {
	case MIP_EXT_FORM_LONG:
	case MIP_EXT_FORM_CVSE:
		if (rem < 4)
			return MIP_ERR_BAD_LENGTH;
		if (e->form == MIP_EXT_FORM_LONG)
			e->subtype = p[1];
		hdr = 4;
		blen = wire_get16(p + 2);
		break;
	case MIP_EXT_FORM_SHORT:
		if (rem < 2)
			return MIP_ERR_BAD_LENGTH;
		if (p[1] == 0) /* the length counts the sub-type, so it is at least 1 */
			return MIP_ERR_BAD_EXT_BODY;
		if (rem < 3)
			return MIP_ERR_BAD_LENGTH;
		e->subtype = p[2];
		hdr = 3;
		blen = p[1] - 1u;
		break;
	default:
		if (rem < 2)
			return MIP_ERR_BAD_LENGTH;
		hdr = 2;
		blen = p[1];
		break;
	}
	if (blen > rem - hdr)
		return MIP_ERR_BAD_LENGTH;
	e->body_off = off + hdr;
	e->body_len = blen;
	e->len = hdr + blen;
	return MIP_OK;
}

/* Fills the typed view of a known extension and checks its body against the RFC layout. */
static enum mip_err
parse_body(const struct mip_msg *m, struct mip_ext *e)
{
	const uint8_t *b = m->buf + e->body_off;
	size_t n = e->body_len;

	switch (e->type) {
	case MIP_EXT_MHAE:
	case MIP_EXT_MFAE:
	case MIP_EXT_FHAE:
	case MIP_EXT_GEN_AUTH:
		if (n < 4 + MIP_AUTH_LEN)
			return MIP_ERR_BAD_EXT_BODY;
		e->auth.spi = wire_get32(b);
		e->auth.data = b + 4;
		e->auth.len = n - 4;
		e->auth.covered = e->body_off + 4;
		break;
	case MIP_EXT_CVSE: /* RFC 3115 section 2.1: vendor/org id, vendor type, value */
		if (n < 6)
			return MIP_ERR_BAD_EXT_BODY;
		e->vse.vendor = wire_get32(b);
		e->vse.vtype = wire_get16(b + 4);
		e->vse.value = b + 6;
		e->vse.value_len = n - 6;
		break;
	case MIP_EXT_NVSE: /* RFC 3115 section 2.2: reserved (2), vendor/org id, vendor type, value */
		if (n < 8)
			return MIP_ERR_BAD_EXT_BODY;
		e->vse.vendor = wire_get32(b + 2);
		e->vse.vtype = wire_get16(b + 6);
		e->vse.value = b + 8;
		e->vse.value_len = n - 8;
		break;
	case MIP_EXT_ENCAP_DELIVERY: /* RFC 3024: no body */
		if (n != 0)
			return MIP_ERR_BAD_EXT_BODY;
		break;
	case MIP_EXT_REV_SUPPORT: /* RFC 3543: flags (2), timestamp (4) */
		if (n != 6)
			return MIP_ERR_BAD_EXT_BODY;
		e->rev_support.flags = wire_get16(b);
		e->rev_support.timestamp = wire_get32(b + 2);
		break;
	case MIP_EXT_DYN_HA: /* RFC 4433: home agent address after the sub-type */
		if (n != 4)
			return MIP_ERR_BAD_EXT_BODY;
		e->dyn_ha.ha = get_addr(b);
		break;
	case MIP_EXT_UDP_TUN_REQUEST: /* RFC 3519: reserved, flags, encap, reserved (2) */
		if (n != 5)
			return MIP_ERR_BAD_EXT_BODY;
		e->udp_req.flags = b[1];
		e->udp_req.encap = b[2];
		break;
	case MIP_EXT_UDP_TUN_REPLY: /* RFC 3519: code, flags (2), keepalive (2) */
		if (n != 5)
			return MIP_ERR_BAD_EXT_BODY;
		e->udp_reply.code = b[0];
		e->udp_reply.flags = wire_get16(b + 1);
		e->udp_reply.keepalive = wire_get16(b + 3);
		break;
	case MIP_EXT_NAI:             /* RFC 2794: at least one byte */
	case MIP_EXT_MN_FA_CHALLENGE: /* RFC 3012: the challenge, not empty */
		if (n == 0)
			return MIP_ERR_BAD_EXT_BODY;
		e->data.ptr = b;
		e->data.len = n;
		break;
	case MIP_EXT_PMIP_NONSKIP: /* RFC 5563: the method is one byte */
		if (e->subtype == MIP_PMIP_NONSKIP_AUTH_METHOD && n != 1)
			return MIP_ERR_BAD_EXT_BODY;
		e->data.ptr = b;
		e->data.len = n;
		break;
	case MIP_EXT_PMIP_SKIP: /* RFC 5563: sub-type specific minimum sizes */
		if ((e->subtype == MIP_PMIP_SKIP_INTERFACE_ID && n < 1) ||
		    ((e->subtype == MIP_PMIP_SKIP_DEVICE_ID ||
		      e->subtype == MIP_PMIP_SKIP_SUBSCRIBER_ID) &&
		     n < 2) ||
		    (e->subtype == MIP_PMIP_SKIP_ACCESS_TECH && n != 1))
			return MIP_ERR_BAD_EXT_BODY;
		e->data.ptr = b;
		e->data.len = n;
		break;
	default: /* message string and unknown skippable extensions */
		e->data.ptr = b;
		e->data.len = n;
		break;
	}
	return MIP_OK;
}

static bool
is_mn_aaa(const struct mip_ext *e)
{
	return e->type == MIP_EXT_GEN_AUTH && e->subtype == MIP_GEN_AUTH_MN_AAA;
}

/*
 * Order and multiplicity rules (RFC 5944 section 3.6.1.3, RFC 2794, RFC 3024, RFC 3543): in requests and replies exactly one authorization-enabling
 * extension (MHAE or MN-AAA), the NAI before it, the MFAE, the FHAE and the Encapsulating
 * Delivery Style extension after it, the latter also before any MFAE. Revocations and acks are
 * authorized by the FHAE, and their NAI precedes it.
 */
static enum mip_err
check_order(struct mip_msg *m, size_t i)
{
	const struct mip_ext *e = &m->ext[i];
	bool reg = m->type == MIP_MSG_RRQ || m->type == MIP_MSG_RRP;

	switch (e->type) {
	case MIP_EXT_NAI:
		if (m->nai_idx >= 0 || m->auth_idx >= 0)
			return MIP_ERR_ORDER;
		m->nai_idx = (int)i;
		break;
	case MIP_EXT_MHAE:
		if (m->mhae_idx >= 0 || (reg && m->auth_idx >= 0))
			return MIP_ERR_ORDER;
		m->mhae_idx = (int)i;
		if (reg)
			m->auth_idx = (int)i;
		break;
	case MIP_EXT_GEN_AUTH:
		if (reg && is_mn_aaa(e)) {
			if (m->auth_idx >= 0)
				return MIP_ERR_ORDER;
			m->auth_idx = (int)i;
		}
		break;
	case MIP_EXT_MFAE:
		if (m->mfae_idx >= 0 || (reg && m->auth_idx < 0))
			return MIP_ERR_ORDER;
		m->mfae_idx = (int)i;
		break;
	case MIP_EXT_FHAE:
		if (m->fhae_idx >= 0 || (reg && m->auth_idx < 0))
			return MIP_ERR_ORDER;
		m->fhae_idx = (int)i;
		if (!reg)
			m->auth_idx = (int)i;
		break;
	case MIP_EXT_ENCAP_DELIVERY:
		if (reg && (m->auth_idx < 0 || m->mfae_idx >= 0))
			return MIP_ERR_ORDER;
		break;
	default:
		break;
	}
	return MIP_OK;
}

static void
decode_fixed(struct mip_msg *m)
{
	const uint8_t *p = m->buf;

	switch (m->type) {
	case MIP_MSG_RRQ:
		m->rrq.flags = p[1];
		m->rrq.lifetime = wire_get16(p + 2);
		m->rrq.hoa = get_addr(p + 4);
		m->rrq.ha = get_addr(p + 8);
		m->rrq.coa = get_addr(p + 12);
		m->rrq.id = wire_get64(p + 16);
		break;
	case MIP_MSG_RRP:
		m->rrp.code = p[1];
		m->rrp.lifetime = wire_get16(p + 2);
		m->rrp.hoa = get_addr(p + 4);
		m->rrp.ha = get_addr(p + 8);
		m->rrp.id = wire_get64(p + 12);
		break;
	case MIP_MSG_REVOCATION:
		m->rev.flags = wire_get16(p + 2);
		m->rev.hoa = get_addr(p + 4);
		m->rev.hda = get_addr(p + 8);
		m->rev.fda = get_addr(p + 12);
		m->rev.rev_id = wire_get32(p + 16);
		break;
	default: /* MIP_MSG_REVOCATION_ACK */
		m->ack.flags = wire_get16(p + 2);
		m->ack.hoa = get_addr(p + 4);
		m->ack.rev_id = wire_get32(p + 8);
		break;
	}
}

static size_t
fixed_len(uint8_t type)
{
	switch (type) {
	case MIP_MSG_RRQ:
		return MIP_RRQ_LEN;
	case MIP_MSG_RRP:
		return MIP_RRP_LEN;
	case MIP_MSG_REVOCATION:
		return MIP_REV_LEN;
	case MIP_MSG_REVOCATION_ACK:
		return MIP_REVACK_LEN;
	default:
		return 0;
	}
}

static enum mip_err
decode(const uint8_t *buf, size_t len, unsigned flags, struct mip_msg *m, struct mip_err_info *ei)
{
	size_t off;

	if (buf == NULL || len == 0)
		return fail(ei, MIP_ERR_TRUNCATED, 0, -1, -1);
	if (fixed_len(buf[0]) == 0)
		return fail(ei, MIP_ERR_BAD_TYPE, 0, -1, -1);
	if (len > MIP_MSG_MAX)
		return fail(ei, MIP_ERR_TOO_LONG, MIP_MSG_MAX, -1, -1);
	if (len < fixed_len(buf[0]))
		return fail(ei, MIP_ERR_TRUNCATED, len, -1, -1);

	m->type = buf[0];
	m->buf = buf;
	m->len = len;
	m->hdr_len = fixed_len(buf[0]);
	m->auth_idx = m->mhae_idx = m->mfae_idx = m->fhae_idx = m->nai_idx = -1;
	decode_fixed(m);

	for (off = m->hdr_len; off < len; off += m->ext[m->n_ext++].len) {
		struct mip_ext *e = &m->ext[m->n_ext];
		int idx = (int)m->n_ext;
		uint8_t type = buf[off];
		enum mip_err err;

		if (m->n_ext == MIP_EXT_MAX)
			return fail(ei, MIP_ERR_TOO_MANY_EXT, off, type, idx);
		/* RFC 5944 section 1.9: an unrecognised type below 128 voids the message. */
		if (type < 128 && !critical_known(type))
			return fail(ei, MIP_ERR_UNKNOWN_CRITICAL_EXT, off, type, idx);
		err = parse_header(m, off, e);
		if (err == MIP_OK) {
			e->known = type < 128 || skippable_known(type);
			if (e->known)
				err = parse_body(m, e);
			else {
				e->data.ptr = buf + e->body_off;
				e->data.len = e->body_len;
				m->n_skipped++;
			}
		}
		if (err == MIP_OK)
			err = check_order(m, m->n_ext);
		if (err != MIP_OK)
			return fail(ei, err, off, type, idx);
	}
	if ((flags & MIP_DEC_REQUIRE_AUTH) && m->auth_idx < 0)
		return fail(ei, MIP_ERR_NO_AUTH, len, -1, -1);
	return MIP_OK;
}

enum mip_err
mip_msg_decode(const uint8_t *buf, size_t len, unsigned flags, struct mip_msg *out,
               struct mip_err_info *ei)
{
	struct mip_msg m;
	struct mip_err_info info;
	enum mip_err err;

	memset(&m, 0, sizeof(m));
	err = decode(buf, len, flags, &m, &info);
	if (err == MIP_OK) {
		memset(&info, 0, sizeof(info));
		info.ext_type = info.ext_index = -1;
	}
	if (ei != NULL)
		*ei = info;
	if (out != NULL) {
		if (err == MIP_OK)
			*out = m;
		else
			memset(out, 0, sizeof(*out));
	}
	return err;
}

bool
mip_msg_is_empty(const struct mip_msg *m)
{
	static const struct mip_msg zero;

	return m != NULL && memcmp(m, &zero, sizeof(zero)) == 0;
}

int
mip_msg_find(const struct mip_msg *m, uint8_t type, size_t from)
{
	if (m == NULL)
		return -1;
	for (size_t i = from; i < m->n_ext && i < MIP_EXT_MAX; i++) {
		if (m->ext[i].type == type)
			return (int)i;
	}
	return -1;
}

bool
mip_msg_auth_verify(const struct mip_msg *m, size_t idx, const struct mip_auth_key *k)
{
	const struct mip_ext *e;

	if (m == NULL || k == NULL || m->buf == NULL || idx >= m->n_ext || idx >= MIP_EXT_MAX)
		return false;
	e = &m->ext[idx];
	switch (e->type) {
	case MIP_EXT_MHAE:
	case MIP_EXT_MFAE:
	case MIP_EXT_FHAE:
	case MIP_EXT_GEN_AUTH:
		break;
	default:
		return false;
	}
	if (e->auth.data == NULL || e->auth.covered > m->len)
		return false;
	return mip_auth_verify(k, m->buf, e->auth.covered, e->auth.data, e->auth.len);
}

size_t
mip_msg_relay_len(const struct mip_msg *m)
{
	const struct mip_ext *e;

	if (m == NULL || (m->type != MIP_MSG_RRQ && m->type != MIP_MSG_RRP) || m->auth_idx < 0 ||
	    (size_t)m->auth_idx >= m->n_ext)
		return 0;
	e = &m->ext[m->auth_idx];
	return e->off + e->len;
}

enum mip_err
mip_msg_check_cvse(const struct mip_msg *m, enum mip_receiver rx, mip_cvse_known_fn known,
                   void *arg, struct mip_err_info *ei)
{
	struct mip_err_info info = { MIP_OK, 0, -1, -1, false };

	if (m == NULL)
		return MIP_OK;
	for (size_t i = 0; i < m->n_ext && i < MIP_EXT_MAX; i++) {
		const struct mip_ext *e = &m->ext[i];
		bool before = m->auth_idx < 0 || i < (size_t)m->auth_idx, from_mn;

		if (e->type != MIP_EXT_CVSE)
			continue;
		if (rx == MIP_RX_HA && m->type == MIP_MSG_RRQ)
			from_mn = before;
		else if (rx == MIP_RX_FA && !before &&
		         (m->type == MIP_MSG_RRQ || m->type == MIP_MSG_RRP))
			from_mn = m->type == MIP_MSG_RRQ;
		else if (rx == MIP_RX_MN && m->type == MIP_MSG_RRP && before)
			from_mn = false;
		else
			continue;
		if (known != NULL && known(e->vse.vendor, e->vse.vtype, arg))
			continue;
		info = (struct mip_err_info){ MIP_ERR_UNKNOWN_CVSE, e->off, e->type, (int)i,
			                      from_mn };
		break;
	}
	if (ei != NULL)
		*ei = info;
	return info.err;
}

int
mip_reply_code_for_error(enum mip_err err, enum mip_receiver rx, bool from_mn)
{
	if (rx != MIP_RX_HA && rx != MIP_RX_FA)
		return MIP_REPLY_DISCARD;
	switch (err) {
	case MIP_OK:
		return MIP_CODE_ACCEPTED;
	case MIP_ERR_TRUNCATED: /* no identification to echo: nothing to answer */
	case MIP_ERR_BAD_TYPE:
	case MIP_ERR_UNKNOWN_CRITICAL_EXT: /* RFC 5944 section 1.9: silently discard */
		return MIP_REPLY_DISCARD;
	case MIP_ERR_UNKNOWN_CVSE: /* RFC 3115: codes 100/101 (FA), 140/141 (HA) */
		if (rx == MIP_RX_HA)
			return from_mn ? MIP_CODE_HA_CVSE_FROM_MN : MIP_CODE_HA_CVSE_FROM_FA;
		return from_mn ? MIP_CODE_FA_CVSE_FROM_MN : MIP_CODE_FA_CVSE_FROM_HA;
	case MIP_ERR_NO_AUTH: /* RFC 5944 section 3.8.2.1: the HA answers 131 */
		if (rx == MIP_RX_HA)
			return MIP_CODE_HA_MN_AUTH_FAILED;
		return from_mn ? MIP_CODE_FA_BAD_REQUEST : MIP_CODE_FA_BAD_REPLY;
	case MIP_ERR_BAD_LENGTH:
	case MIP_ERR_TOO_LONG:
	case MIP_ERR_TOO_MANY_EXT:
	case MIP_ERR_BAD_EXT_BODY:
	case MIP_ERR_ORDER:
	default:
		if (rx == MIP_RX_HA)
			return MIP_CODE_HA_BAD_REQUEST;
		return from_mn ? MIP_CODE_FA_BAD_REQUEST : MIP_CODE_FA_BAD_REPLY;
	}
}

const char *
mip_err_str(enum mip_err err)
{
	static const char *const str[MIP_ERR__COUNT] = {
		[MIP_OK] = "ok",
		[MIP_ERR_TRUNCATED] = "truncated",
		[MIP_ERR_BAD_TYPE] = "bad message type",
		[MIP_ERR_BAD_LENGTH] = "extension length overruns message",
		[MIP_ERR_TOO_LONG] = "message too long",
		[MIP_ERR_TOO_MANY_EXT] = "too many extensions",
		[MIP_ERR_UNKNOWN_CRITICAL_EXT] = "unknown non-skippable extension",
		[MIP_ERR_BAD_EXT_BODY] = "malformed extension body",
		[MIP_ERR_ORDER] = "extension out of order or repeated",
		[MIP_ERR_NO_AUTH] = "authentication extension missing",
		[MIP_ERR_UNKNOWN_CVSE] = "critical vendor extension not understood",
	};

	if ((unsigned)err >= MIP_ERR__COUNT)
		return "unknown error";
	return str[err];
}
