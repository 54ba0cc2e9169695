/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mip_adv.c - ICMP Agent Advertisement / Agent Solicitation codec and sequence rules.
 *
 * Validation order on decode: length, type, code, checksum, the ICMP router
 * entries, then each extension in turn. The first failure is returned and
 * the output struct is cleared.
 */
#include <string.h>

#include "mip_adv.h"
#include "wire.h"

#define MA_EXT_FIXED 6 /* sequence, registration lifetime, flags */

const char *
mip_adv_strerror(enum mip_adv_err e)
{
	switch (e) {
	case MIP_ADV_OK:
		return "success";
	case MIP_ADV_ERR_TRUNCATED:
		return "message shorter than the ICMP header";
	case MIP_ADV_ERR_CHECKSUM:
		return "bad ICMP checksum";
	case MIP_ADV_ERR_TYPE:
		return "unexpected ICMP type";
	case MIP_ADV_ERR_CODE:
		return "unexpected ICMP code";
	case MIP_ADV_ERR_ENTRY_SIZE:
		return "address entry size below 2";
	case MIP_ADV_ERR_NUM_ADDRS:
		return "router address entries run past the message";
	case MIP_ADV_ERR_EXT_OVERRUN:
		return "extension runs past the message";
	case MIP_ADV_ERR_EXT_LEN:
		return "invalid extension length";
	case MIP_ADV_ERR_EXT_DUP:
		return "duplicate extension";
	case MIP_ADV_ERR_NO_MA_EXT:
		return "no mobility agent advertisement extension";
	case MIP_ADV_ERR_F_NO_COA:
		return "foreign agent flag without a care-of address";
	case MIP_ADV_ERR_UNKNOWN_EXT:
		return "unrecognised non-skippable extension";
	case MIP_ADV_ERR_NOSPACE:
		return "output buffer too small";
	case MIP_ADV_ERR_INVAL:
		return "invalid field value";
	}
	return "unknown error";
}

uint16_t
mip_adv_cksum(const uint8_t *buf, size_t len)
{
	return wire_cksum(buf, len);
}

static enum mip_adv_err
decode_ma(const uint8_t *p, size_t elen, struct mip_adv *out)
{
	size_t i;

	if (elen < MA_EXT_FIXED || (elen - MA_EXT_FIXED) % 4 != 0)
		return MIP_ADV_ERR_EXT_LEN;
	out->seq = wire_get16(p);
	out->reg_lifetime = wire_get16(p + 2);
	out->flags = wire_get16(p + 4);
	out->num_coa = (uint8_t)((elen - MA_EXT_FIXED) / 4);
	for (i = 0; i < out->num_coa; i++)
		memcpy(&out->coa[i].s_addr, p + MA_EXT_FIXED + 4 * i, 4);
	return MIP_ADV_OK;
}

static enum mip_adv_err
decode_prefix_lens(const uint8_t *p, size_t elen, struct mip_adv *out)
{
	size_t i;

	if (elen != out->num_routers)
		return MIP_ADV_ERR_EXT_LEN;
	for (i = 0; i < elen; i++) {
		if (p[i] > 32)
			return MIP_ADV_ERR_EXT_LEN;
		out->prefix_len[i] = p[i];
	}
	out->has_prefix_lens = true;
	return MIP_ADV_OK;
}

/*
 * Walk the extensions after the router entries. Unknown types follow RFC 5944
 * section 1.9 as applied to advertisements by section 2.1: 1..127 discard
 * the advertisement, 128..255 skip the extension.
 */
static enum mip_adv_err
decode_exts(const uint8_t *buf, size_t off, size_t len, struct mip_adv *out)
{
	bool seen_ma = false, seen_pl = false, seen_ch = false;
	enum mip_adv_err err;

	while (off < len) {
		uint8_t type = buf[off];
		const uint8_t *body;
		size_t elen;

		if (type == MIP_ADV_EXT_PAD) {
			out->npad++;
			off++;
			continue;
		}
		if (len - off < 2 || len - off - 2 < buf[off + 1])
			return MIP_ADV_ERR_EXT_OVERRUN;
		elen = buf[off + 1];
		body = buf + off + 2;
		switch (type) {
		case MIP_ADV_EXT_MA:
			if (seen_ma)
				return MIP_ADV_ERR_EXT_DUP;
			seen_ma = true;
			err = decode_ma(body, elen, out);
			break;
		case MIP_ADV_EXT_PREFIX_LENS:
			if (seen_pl)
				return MIP_ADV_ERR_EXT_DUP;
			seen_pl = true;
			err = decode_prefix_lens(body, elen, out);
			break;
		case MIP_ADV_EXT_CHALLENGE:
			if (seen_ch)
				return MIP_ADV_ERR_EXT_DUP;
			seen_ch = true;
			if (elen == 0)
				return MIP_ADV_ERR_EXT_LEN;
			memcpy(out->challenge, body, elen);
			out->challenge_len = (uint8_t)elen;
			err = MIP_ADV_OK;
			break;
		default:
			if (type < 128)
				return MIP_ADV_ERR_UNKNOWN_EXT;
			out->nskipped++;
			err = MIP_ADV_OK;
			break;
		}
		if (err != MIP_ADV_OK)
			return err;
		off += 2 + elen;
	}
	if (!seen_ma)
		return MIP_ADV_ERR_NO_MA_EXT;
	if ((out->flags & MIP_ADV_F_F) && out->num_coa == 0)
		return MIP_ADV_ERR_F_NO_COA;
	return MIP_ADV_OK;
}

static enum mip_adv_err
decode_adv(const uint8_t *buf, size_t len, struct mip_adv *out)
{
	size_t esz, entries, i;

	if (len < MIP_ADV_HDR_LEN)
		return MIP_ADV_ERR_TRUNCATED;
	if (buf[0] != MIP_ADV_ICMP_TYPE_ADV)
		return MIP_ADV_ERR_TYPE;
	if (buf[1] != MIP_ADV_CODE_ROUTER && buf[1] != MIP_ADV_CODE_MA_ONLY)
		return MIP_ADV_ERR_CODE;
	if (wire_cksum(buf, len) != 0)
		return MIP_ADV_ERR_CHECKSUM;
	out->code = buf[1];
	out->num_routers = buf[4];
	esz = (size_t)buf[5] * 4; /* entry size is in 32-bit words */
	out->lifetime = wire_get16(buf + 6);
	if (esz < 8)
		return MIP_ADV_ERR_ENTRY_SIZE;
	entries = out->num_routers * esz;
	if (entries > len - MIP_ADV_HDR_LEN)
		return MIP_ADV_ERR_NUM_ADDRS;
	/* Words beyond the first two of a larger entry are ignored (RFC 1256). */
	for (i = 0; i < out->num_routers; i++) {
		const uint8_t *p = buf + MIP_ADV_HDR_LEN + i * esz;

		memcpy(&out->routers[i].addr.s_addr, p, 4);
		out->routers[i].preference = (int32_t)wire_get32(p + 4);
	}
	return decode_exts(buf, MIP_ADV_HDR_LEN + entries, len, out);
}

enum mip_adv_err
mip_adv_decode(const uint8_t *buf, size_t len, struct mip_adv *out)
{
	enum mip_adv_err err;

	memset(out, 0, sizeof(*out));
	err = buf != NULL ? decode_adv(buf, len, out) : MIP_ADV_ERR_TRUNCATED;
	if (err != MIP_ADV_OK)
		memset(out, 0, sizeof(*out));
	return err;
}

static size_t
encoded_len(const struct mip_adv *a)
{
	size_t n = MIP_ADV_HDR_LEN + 8 * (size_t)a->num_routers;

	n += 2 + MA_EXT_FIXED + 4 * (size_t)a->num_coa;
	if (a->has_prefix_lens)
		n += 2 + (size_t)a->num_routers;
	if (a->challenge_len > 0)
		n += 2 + (size_t)a->challenge_len;
	return n + a->npad;
}

static enum mip_adv_err
check_encodable(const struct mip_adv *a)
{
	size_t i;

	if (a->code != MIP_ADV_CODE_ROUTER && a->code != MIP_ADV_CODE_MA_ONLY)
		return MIP_ADV_ERR_INVAL;
	if (a->num_coa > MIP_ADV_MAX_COA)
		return MIP_ADV_ERR_INVAL;
	if ((a->flags & MIP_ADV_F_F) && a->num_coa == 0)
		return MIP_ADV_ERR_F_NO_COA;
	for (i = 0; a->has_prefix_lens && i < a->num_routers; i++) {
		if (a->prefix_len[i] > 32)
			return MIP_ADV_ERR_INVAL;
	}
	return MIP_ADV_OK;
}

enum mip_adv_err
mip_adv_encode(const struct mip_adv *a, uint8_t *buf, size_t cap, size_t *outlen)
{
	enum mip_adv_err err;
	size_t n, off, i;
	uint8_t *p;

	err = check_encodable(a);
	if (err != MIP_ADV_OK)
		return err;
	n = encoded_len(a);
	if (buf == NULL || cap < n)
		return MIP_ADV_ERR_NOSPACE;
	memset(buf, 0, n);
	buf[0] = MIP_ADV_ICMP_TYPE_ADV;
	buf[1] = a->code;
	buf[4] = a->num_routers;
	buf[5] = 2;
	wire_put16(buf + 6, a->lifetime);
	off = MIP_ADV_HDR_LEN;
	for (i = 0; i < a->num_routers; i++, off += 8) {
		memcpy(buf + off, &a->routers[i].addr.s_addr, 4);
		wire_put32(buf + off + 4, (uint32_t)a->routers[i].preference);
	}
	p = buf + off;
	p[0] = MIP_ADV_EXT_MA;
	p[1] = (uint8_t)(MA_EXT_FIXED + 4 * a->num_coa);
	wire_put16(p + 2, a->seq);
	wire_put16(p + 4, a->reg_lifetime);
	wire_put16(p + 6, a->flags & (uint16_t) ~(MIP_ADV_F_RESERVED | MIP_ADV_F_r));
	for (i = 0; i < a->num_coa; i++)
		memcpy(p + 8 + 4 * i, &a->coa[i].s_addr, 4);
	off += 2 + p[1];
	if (a->has_prefix_lens) {
		buf[off] = MIP_ADV_EXT_PREFIX_LENS;
		buf[off + 1] = a->num_routers;
		memcpy(buf + off + 2, a->prefix_len, a->num_routers);
		off += 2 + (size_t)a->num_routers;
	}
	if (a->challenge_len > 0) {
		buf[off] = MIP_ADV_EXT_CHALLENGE;
		buf[off + 1] = a->challenge_len;
		memcpy(buf + off + 2, a->challenge, a->challenge_len);
		off += 2 + (size_t)a->challenge_len;
	}
	/* The remaining a->npad bytes are already zero: one-byte padding extensions. */
	wire_put16(buf + 2, wire_cksum(buf, n));
	*outlen = n;
	return MIP_ADV_OK;
}

enum mip_adv_err
mip_adv_sol_decode(const uint8_t *buf, size_t len)
{
	if (buf == NULL || len < MIP_ADV_SOL_LEN)
		return MIP_ADV_ERR_TRUNCATED;
	if (buf[0] != MIP_ADV_ICMP_TYPE_SOL)
		return MIP_ADV_ERR_TYPE;
	if (buf[1] != 0)
		return MIP_ADV_ERR_CODE;
	if (wire_cksum(buf, len) != 0)
		return MIP_ADV_ERR_CHECKSUM;
	return MIP_ADV_OK;
}

enum mip_adv_err
mip_adv_sol_encode(uint8_t *buf, size_t cap, size_t *outlen)
{
	if (buf == NULL || cap < MIP_ADV_SOL_LEN)
		return MIP_ADV_ERR_NOSPACE;
	memset(buf, 0, MIP_ADV_SOL_LEN);
	buf[0] = MIP_ADV_ICMP_TYPE_SOL;
	wire_put16(buf + 2, wire_cksum(buf, MIP_ADV_SOL_LEN));
	*outlen = MIP_ADV_SOL_LEN;
	return MIP_ADV_OK;
}

uint16_t
mip_adv_seq_next(uint16_t seq)
{
	return seq == 0xffff ? MIP_ADV_SEQ_WRAP : (uint16_t)(seq + 1);
}

bool
mip_adv_seq_rebooted(uint16_t prev, uint16_t cur)
{
	return cur < prev && cur < MIP_ADV_SEQ_WRAP;
}
