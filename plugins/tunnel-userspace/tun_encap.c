/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tun_encap.c - IP-in-IP (RFC 2003), GRE (RFC 2784/2890) and minimal (RFC 2004) codecs.
 *
 * Pure functions over caller buffers; see tun_encap.h for the contracts.
 * Multi-byte fields are read and written byte by byte, so nothing here
 * depends on the alignment of the buffer.
 */
#include <string.h>

#include "tun_encap.h"
#include "wire.h"

#define IP_DF         0x4000
#define IP_MF         0x2000
#define IP_OFFMASK    0x1fff
#define GRE_C         0x8000
#define GRE_R         0x4000
#define GRE_K         0x2000
#define GRE_S         0x1000
#define GRE_SSR       0x0800
#define GRE_VER       0x0007
#define GRE_PTYPE_IP4 0x0800
#define MIN_S         0x80

int
tunu_ipv4_check(const uint8_t *pkt, size_t len, size_t *hlen, size_t *tot)
{
	size_t h, t;

	if (len < TUNU_IPHDR_LEN)
		return TUNU_E_SHORT;
	if (pkt[0] >> 4 != 4)
		return TUNU_E_IPHDR;
	h = (size_t)(pkt[0] & 0x0f) * 4;
	t = wire_get16(pkt + 2);
	if (h < TUNU_IPHDR_LEN || t < h)
		return TUNU_E_IPHDR;
	if (h > len || t > len)
		return TUNU_E_SHORT;
	if (wire_cksum(pkt, h) != 0)
		return TUNU_E_CSUM;
	*hlen = h;
	*tot = t;
	return 0;
}

/* Write a 20-byte outer IPv4 header at @h for a packet of @tot bytes. */
static void
put_outer(uint8_t *h, const struct tunu_outer *o, uint8_t tos, uint16_t df, uint8_t proto,
          size_t tot)
{
	h[0] = 0x45;
	h[1] = tos;
	wire_put16(h + 2, (uint16_t)tot);
	wire_put16(h + 4, o->id);
	wire_put16(h + 6, df);
	h[8] = o->ttl != 0 ? o->ttl : TUNU_DEFAULT_TTL;
	h[9] = proto;
	wire_put16(h + 10, 0);
	memcpy(h + 12, &o->src, 4);
	memcpy(h + 16, &o->dst, 4);
	wire_put16(h + 10, wire_cksum(h, TUNU_IPHDR_LEN));
}

static bool
is_tunnel_proto(uint8_t proto)
{
	return proto == TUNU_PROTO_IPIP || proto == TUNU_PROTO_GRE || proto == TUNU_PROTO_MINENC;
}

/*
 * RFC 2003 section 4: never tunnel a datagram whose source is the tunnel exit
 * point, and never re-encapsulate a packet this encapsulator already
 * encapsulated (a tunnelling protocol sourced from our own tunnel address).
 */
static bool
would_loop(const uint8_t *inner, const struct tunu_outer *o)
{
	if (memcmp(inner + 12, &o->dst, 4) == 0)
		return true;
	return is_tunnel_proto(inner[9]) && memcmp(inner + 12, &o->src, 4) == 0;
}

static int
encap_min(const struct tunu_outer *o, uint8_t *pkt, size_t hlen, size_t tot, uint8_t **out,
          size_t *outlen)
{
	struct in_addr osrc, odst;
	uint8_t proto = pkt[9];
	bool s;
	size_t m;
	uint8_t *h, *mh;

	/* RFC 2004 section 3: minimal encapsulation is never applied to a fragment. */
	if (wire_get16(pkt + 6) & (IP_MF | IP_OFFMASK))
		return TUNU_E_FRAG;
	memcpy(&osrc, pkt + 12, 4);
	memcpy(&odst, pkt + 16, 4);
	s = osrc.s_addr != o->src.s_addr;
	m = s ? 12 : 8;
	if (tot + m > 0xffff)
		return TUNU_E_TOOBIG;

	h = pkt - m;
	memmove(h, pkt, hlen);
	mh = h + hlen;
	mh[0] = proto;
	mh[1] = s ? MIN_S : 0;
	wire_put16(mh + 2, 0);
	memcpy(mh + 4, &odst, 4);
	if (s)
		memcpy(mh + 8, &osrc, 4);
	wire_put16(mh + 2, wire_cksum(mh, m));

	h[9] = TUNU_PROTO_MINENC;
	wire_put16(h + 2, (uint16_t)(tot + m));
	memcpy(h + 12, &o->src, 4);
	memcpy(h + 16, &o->dst, 4);
	wire_put16(h + 10, 0);
	wire_put16(h + 10, wire_cksum(h, hlen));
	*out = h;
	*outlen = tot + m;
	return 0;
}

int
tunu_encap(enum tunu_encap type, const struct tunu_outer *o, uint8_t *pkt, size_t len,
           uint8_t **out, size_t *outlen)
{
	size_t hlen, tot, gre = 0, olen;
	uint8_t *h;
	int rc;

	if (type != TUNU_ENC_IPIP && type != TUNU_ENC_GRE && type != TUNU_ENC_MIN)
		return TUNU_E_INVAL;
	rc = tunu_ipv4_check(pkt, len, &hlen, &tot);
	if (rc != 0)
		return rc;
	if (pkt[8] == 0)
		return TUNU_E_TTL;
	if (would_loop(pkt, o))
		return TUNU_E_RECURSIVE;
	if (type == TUNU_ENC_MIN)
		return encap_min(o, pkt, hlen, tot, out, outlen);

	if (type == TUNU_ENC_GRE)
		gre = o->key_present ? 8 : 4;
	olen = TUNU_IPHDR_LEN + gre + tot;
	if (olen > 0xffff)
		return TUNU_E_TOOBIG;
	h = pkt - TUNU_IPHDR_LEN - gre;
	/* RFC 2003 3.1: TOS and DF are copied from the inner header. */
	put_outer(h, o, pkt[1], wire_get16(pkt + 6) & IP_DF, (uint8_t)type, olen);
	if (type == TUNU_ENC_GRE) {
		wire_put16(h + TUNU_IPHDR_LEN, o->key_present ? GRE_K : 0);
		wire_put16(h + TUNU_IPHDR_LEN + 2, GRE_PTYPE_IP4);
		if (o->key_present)
			wire_put32(h + TUNU_IPHDR_LEN + 4, o->key);
	}
	*out = h;
	*outlen = olen;
	return 0;
}

/* Parse a GRE header at @g (@glen bytes to the end of the outer datagram). */
static int
gre_parse(const uint8_t *g, size_t glen, size_t *hdr, bool *key_present, uint32_t *key)
{
	uint16_t flags;
	size_t n = 4;

	if (glen < 4)
		return TUNU_E_SHORT;
	flags = wire_get16(g);
	/*
	 * RFC 2784: version 0, and bits 1-5 zero unless RFC 1701 is implemented;
	 * RFC 2890 gives bits 2 (K) and 3 (S) back their meaning. Bits 5-12 are
	 * ignored on receipt.
	 */
	if ((flags & GRE_VER) != 0 || (flags & (GRE_R | GRE_SSR)) != 0)
		return TUNU_E_GRE;
	if (wire_get16(g + 2) != GRE_PTYPE_IP4)
		return TUNU_E_PTYPE;
	n += (flags & GRE_C) ? 4 : 0;
	n += (flags & GRE_K) ? 4 : 0;
	n += (flags & GRE_S) ? 4 : 0;
	if (glen < n)
		return TUNU_E_SHORT;
	if ((flags & GRE_C) && wire_cksum(g, glen) != 0)
		return TUNU_E_CSUM;
	*key_present = (flags & GRE_K) != 0;
	*key = *key_present ? wire_get32(g + 4 + ((flags & GRE_C) ? 4 : 0)) : 0;
	*hdr = n;
	return 0;
}

/* Validate the inner packet at @p with @avail bytes; return its length via @ilen. */
static int
inner_check(const uint8_t *p, size_t avail, size_t *ilen)
{
	size_t h, t;
	int rc = tunu_ipv4_check(p, avail, &h, &t);

	if (rc != 0)
		return rc;
	if (p[8] == 0)
		return TUNU_E_TTL;
	*ilen = t;
	return 0;
}

static int
decap_min(uint8_t *pkt, size_t hlen, size_t tot, struct tunu_decap *d)
{
	uint8_t *mh = pkt + hlen, *h;
	size_t m, ilen;
	uint8_t hdr[60];

	if (tot - hlen < 8)
		return TUNU_E_SHORT;
	m = (mh[1] & MIN_S) ? 12 : 8;
	if (tot - hlen < m)
		return TUNU_E_SHORT;
	if (wire_cksum(mh, m) != 0)
		return TUNU_E_CSUM;

	/* Rebuild the original header in a scratch copy and check it first. */
	memcpy(hdr, pkt, hlen);
	hdr[9] = mh[0];
	wire_put16(hdr + 2, (uint16_t)(tot - m));
	if (m == 12)
		memcpy(hdr + 12, mh + 8, 4);
	memcpy(hdr + 16, mh + 4, 4);
	wire_put16(hdr + 10, 0);
	wire_put16(hdr + 10, wire_cksum(hdr, hlen));
	if (hdr[8] == 0)
		return TUNU_E_TTL;

	ilen = tot - m;
	h = pkt + m;
	memcpy(&d->outer_src, pkt + 12, 4);
	memcpy(&d->outer_dst, pkt + 16, 4);
	memcpy(h, hdr, hlen);
	d->type = TUNU_ENC_MIN;
	d->key_present = false;
	d->key = 0;
	d->inner_off = m;
	d->inner_len = ilen;
	return 0;
}

int
tunu_decap(uint8_t *pkt, size_t len, struct tunu_decap *d)
{
	size_t hlen, tot, off, ilen, gh = 0;
	bool kp = false;
	uint32_t key = 0;
	int rc;

	rc = tunu_ipv4_check(pkt, len, &hlen, &tot);
	if (rc != 0)
		return rc;
	if (wire_get16(pkt + 6) & (IP_MF | IP_OFFMASK))
		return TUNU_E_FRAG;
	switch (pkt[9]) {
	case TUNU_PROTO_MINENC:
		return decap_min(pkt, hlen, tot, d);
	case TUNU_PROTO_GRE:
		rc = gre_parse(pkt + hlen, tot - hlen, &gh, &kp, &key);
		if (rc != 0)
			return rc;
		break;
	case TUNU_PROTO_IPIP:
		break;
	default:
		return TUNU_E_PROTO;
	}
	off = hlen + gh;
	rc = inner_check(pkt + off, tot - off, &ilen);
	if (rc != 0)
		return rc;
	d->type = (enum tunu_encap)pkt[9];
	memcpy(&d->outer_src, pkt + 12, 4);
	memcpy(&d->outer_dst, pkt + 16, 4);
	d->key_present = kp;
	d->key = key;
	d->inner_off = off;
	d->inner_len = ilen;
	return 0;
}

const char *
tunu_strerror(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case TUNU_E_SHORT:
		return "truncated packet";
	case TUNU_E_IPHDR:
		return "bad IPv4 header";
	case TUNU_E_CSUM:
		return "bad checksum";
	case TUNU_E_PROTO:
		return "unexpected protocol";
	case TUNU_E_GRE:
		return "unsupported GRE flags or version";
	case TUNU_E_PTYPE:
		return "GRE payload is not IPv4";
	case TUNU_E_FRAG:
		return "fragment not allowed";
	case TUNU_E_RECURSIVE:
		return "recursive encapsulation";
	case TUNU_E_TTL:
		return "inner TTL is zero";
	case TUNU_E_TOOBIG:
		return "packet too big";
	case TUNU_E_INVAL:
		return "unknown encapsulation";
	default:
		return "unknown error";
	}
}
