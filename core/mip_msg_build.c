/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mip_msg_build.c - registration message encoder: fixed parts, extensions, authenticators.
 *
 * Every append reserves its full size first and writes nothing if it does not fit, so
 * b->len only ever covers complete items. The first error is kept in b->err and returned by
 * every later call.
 */

#include <errno.h>
#include <string.h>

#include "mip_msg.h"
#include "wire.h"

static void
put_addr(uint8_t *p, struct in_addr a)
{
	memcpy(p, &a.s_addr, 4);
}

static int
set_err(struct mip_builder *b, int err)
{
	if (b->err == 0)
		b->err = err;
	return b->err;
}

/* Returns a pointer to @n free bytes, or NULL after recording the error. */
static uint8_t *
reserve(struct mip_builder *b, size_t n)
{
	if (b->err != 0)
		return NULL;
	if (b->buf == NULL || b->len > b->cap || b->cap - b->len < n) {
		set_err(b, -ENOSPC);
		return NULL;
	}
	return b->buf + b->len;
}

void
mip_builder_init(struct mip_builder *b, uint8_t *buf, size_t cap)
{
	if (b == NULL)
		return;
	b->buf = buf;
	b->cap = buf != NULL ? cap : 0;
	b->len = 0;
	b->err = 0;
}

int
mip_builder_init_relay(struct mip_builder *b, uint8_t *buf, size_t cap, const struct mip_msg *m)
{
	size_t n = mip_msg_relay_len(m);
	uint8_t *p;

	if (b == NULL)
		return -EINVAL;
	mip_builder_init(b, buf, cap);
	if (n == 0 || n > m->len)
		return set_err(b, -EINVAL);
	p = reserve(b, n);
	if (p == NULL)
		return b->err;
	memmove(p, m->buf, n);
	b->len = n;
	return 0;
}

int
mip_builder_error(const struct mip_builder *b)
{
	return b != NULL ? b->err : -EINVAL;
}

/* Common start of the fixed-part writers: the builder must be empty. */
static uint8_t *
begin_fixed(struct mip_builder *b, const void *h, size_t n)
{
	if (b->err == 0 && (h == NULL || b->len != 0)) {
		set_err(b, -EINVAL);
		return NULL;
	}
	return reserve(b, n);
}

int
mip_build_rrq(struct mip_builder *b, const struct mip_rrq *h)
{
	uint8_t *p;

	if (b == NULL)
		return -EINVAL;
	p = begin_fixed(b, h, MIP_RRQ_LEN);
	if (p == NULL)
		return b->err;
	p[0] = MIP_MSG_RRQ;
	p[1] = h->flags;
	wire_put16(p + 2, h->lifetime);
	put_addr(p + 4, h->hoa);
	put_addr(p + 8, h->ha);
	put_addr(p + 12, h->coa);
	wire_put64(p + 16, h->id);
	b->len += MIP_RRQ_LEN;
	return 0;
}

int
mip_build_rrp(struct mip_builder *b, const struct mip_rrp *h)
{
	uint8_t *p;

	if (b == NULL)
		return -EINVAL;
	p = begin_fixed(b, h, MIP_RRP_LEN);
	if (p == NULL)
		return b->err;
	p[0] = MIP_MSG_RRP;
	p[1] = h->code;
	wire_put16(p + 2, h->lifetime);
	put_addr(p + 4, h->hoa);
	put_addr(p + 8, h->ha);
	wire_put64(p + 12, h->id);
	b->len += MIP_RRP_LEN;
	return 0;
}

int
mip_build_rev(struct mip_builder *b, const struct mip_rev *h)
{
	uint8_t *p;

	if (b == NULL)
		return -EINVAL;
	p = begin_fixed(b, h, MIP_REV_LEN);
	if (p == NULL)
		return b->err;
	p[0] = MIP_MSG_REVOCATION;
	p[1] = 0;
	wire_put16(p + 2, h->flags);
	put_addr(p + 4, h->hoa);
	put_addr(p + 8, h->hda);
	put_addr(p + 12, h->fda);
	wire_put32(p + 16, h->rev_id);
	b->len += MIP_REV_LEN;
	return 0;
}

int
mip_build_rev_ack(struct mip_builder *b, const struct mip_rev_ack *h)
{
	uint8_t *p;

	if (b == NULL)
		return -EINVAL;
	p = begin_fixed(b, h, MIP_REVACK_LEN);
	if (p == NULL)
		return b->err;
	p[0] = MIP_MSG_REVOCATION_ACK;
	p[1] = 0;
	wire_put16(p + 2, h->flags);
	put_addr(p + 4, h->hoa);
	wire_put32(p + 8, h->rev_id);
	b->len += MIP_REVACK_LEN;
	return 0;
}

/*
 * Writes an extension header of shape @form and copies @len bytes of @data after it. @pre
 * (@npre bytes) goes between the header and @data: vendor ids and fixed fields. The length
 * field is computed from @npre + @len and checked against the field width.
 */
static int
put_ext(struct mip_builder *b, enum mip_ext_form form, uint8_t type, uint8_t subtype,
        const uint8_t *pre, size_t npre, const void *data, size_t len)
{
	size_t hdr, body = npre + len, max;
	uint8_t *p;

	if (b == NULL)
		return -EINVAL;
	if (b->err != 0)
		return b->err;
	switch (form) {
	case MIP_EXT_FORM_LONG:
	case MIP_EXT_FORM_CVSE:
		hdr = 4;
		max = 0xffff;
		break;
	case MIP_EXT_FORM_SHORT:
		hdr = 3;
		max = 0xff - 1;
		break;
	default:
		hdr = 2;
		max = 0xff;
		break;
	}
	if (mip_ext_form_of(type) != form || (data == NULL && len != 0) || len > max || body > max)
		return set_err(b, -EINVAL);
	p = reserve(b, hdr + body);
	if (p == NULL)
		return b->err;
	p[0] = type;
	switch (form) {
	case MIP_EXT_FORM_LONG:
		p[1] = subtype;
		wire_put16(p + 2, (uint16_t)body);
		break;
	case MIP_EXT_FORM_CVSE:
		p[1] = 0;
		wire_put16(p + 2, (uint16_t)body);
		break;
	case MIP_EXT_FORM_SHORT:
		p[1] = (uint8_t)(body + 1);
		p[2] = subtype;
		break;
	default:
		p[1] = (uint8_t)body;
		break;
	}
	if (npre != 0)
		memcpy(p + hdr, pre, npre);
	if (len != 0)
		memcpy(p + hdr + npre, data, len);
	b->len += hdr + body;
	return 0;
}

int
mip_build_ext(struct mip_builder *b, uint8_t type, const void *data, size_t len)
{
	return put_ext(b, MIP_EXT_FORM_TLV, type, 0, NULL, 0, data, len);
}

int
mip_build_ext_long(struct mip_builder *b, uint8_t type, uint8_t subtype, const void *data,
                   size_t len)
{
	return put_ext(b, MIP_EXT_FORM_LONG, type, subtype, NULL, 0, data, len);
}

int
mip_build_ext_short(struct mip_builder *b, uint8_t type, uint8_t subtype, const void *data,
                    size_t len)
{
	return put_ext(b, MIP_EXT_FORM_SHORT, type, subtype, NULL, 0, data, len);
}

int
mip_build_nai(struct mip_builder *b, const char *nai, size_t len)
{
	if (b != NULL && len == 0)
		return set_err(b, -EINVAL);
	return put_ext(b, MIP_EXT_FORM_TLV, MIP_EXT_NAI, 0, NULL, 0, nai, len);
}

int
mip_build_encap_delivery(struct mip_builder *b)
{
	return put_ext(b, MIP_EXT_FORM_TLV, MIP_EXT_ENCAP_DELIVERY, 0, NULL, 0, NULL, 0);
}

int
mip_build_cvse(struct mip_builder *b, uint32_t vendor, uint16_t vtype, const void *value,
               size_t len)
{
	uint8_t pre[6];

	wire_put32(pre, vendor);
	wire_put16(pre + 4, vtype);
	return put_ext(b, MIP_EXT_FORM_CVSE, MIP_EXT_CVSE, 0, pre, sizeof(pre), value, len);
}

int
mip_build_nvse(struct mip_builder *b, uint32_t vendor, uint16_t vtype, const void *value,
               size_t len)
{
	uint8_t pre[8] = { 0, 0 };

	wire_put32(pre + 2, vendor);
	wire_put16(pre + 6, vtype);
	return put_ext(b, MIP_EXT_FORM_TLV, MIP_EXT_NVSE, 0, pre, sizeof(pre), value, len);
}

int
mip_build_pmip_short(struct mip_builder *b, uint8_t subtype, const void *data, size_t len)
{
	return put_ext(b, MIP_EXT_FORM_SHORT, MIP_EXT_PMIP_SKIP, subtype, NULL, 0, data, len);
}

int
mip_build_rev_support(struct mip_builder *b, uint16_t flags, uint32_t timestamp)
{
	uint8_t body[6];

	wire_put16(body, flags);
	wire_put32(body + 2, timestamp);
	return put_ext(b, MIP_EXT_FORM_TLV, MIP_EXT_REV_SUPPORT, 0, body, sizeof(body), NULL, 0);
}

int
mip_build_dyn_ha(struct mip_builder *b, uint8_t subtype, struct in_addr ha)
{
	uint8_t body[4];

	put_addr(body, ha);
	return put_ext(b, MIP_EXT_FORM_SHORT, MIP_EXT_DYN_HA, subtype, body, sizeof(body), NULL, 0);
}

int
mip_build_udp_tun_req(struct mip_builder *b, uint8_t flags, uint8_t encap)
{
	uint8_t body[5] = { 0, flags, encap, 0, 0 };

	return put_ext(b, MIP_EXT_FORM_SHORT, MIP_EXT_UDP_TUN_REQUEST, 0, body, sizeof(body), NULL,
	               0);
}

int
mip_build_udp_tun_reply(struct mip_builder *b, uint8_t code, uint16_t flags, uint16_t keepalive)
{
	uint8_t body[5];

	body[0] = code;
	wire_put16(body + 1, flags);
	wire_put16(body + 3, keepalive);
	return put_ext(b, MIP_EXT_FORM_SHORT, MIP_EXT_UDP_TUN_REPLY, 0, body, sizeof(body), NULL,
	               0);
}

int
mip_build_auth(struct mip_builder *b, uint8_t type, uint32_t spi, const struct mip_auth_key *k)
{
	uint8_t zero[MIP_AUTH_LEN] = { 0 }, spib[4], *p;
	size_t start, covered;
	int err;

	if (b == NULL)
		return -EINVAL;
	if (b->err != 0)
		return b->err;
	if (k == NULL || (type != MIP_EXT_MHAE && type != MIP_EXT_MFAE && type != MIP_EXT_FHAE &&
	                  type != MIP_EXT_GEN_AUTH))
		return set_err(b, -EINVAL);
	start = b->len;
	wire_put32(spib, spi);
	/* Header and SPI with a zero authenticator first, so a failure below can be undone. */
	if (type == MIP_EXT_GEN_AUTH) {
		err = put_ext(b, MIP_EXT_FORM_LONG, type, MIP_GEN_AUTH_MN_AAA, spib, 4, zero,
		              sizeof(zero));
		covered = start + 4 + 4;
	} else {
		err = put_ext(b, MIP_EXT_FORM_TLV, type, 0, spib, 4, zero, sizeof(zero));
		covered = start + 2 + 4;
	}
	if (err != 0)
		return err;
	p = b->buf + covered;
	if (mip_auth_compute(k, b->buf, covered, p) != 0) {
		memset(b->buf + start, 0, b->len - start);
		b->len = start;
		return set_err(b, -EIO);
	}
	return 0;
}
