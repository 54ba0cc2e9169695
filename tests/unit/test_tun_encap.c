/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tun_encap.c - IP-in-IP, GRE and minimal encapsulation codecs of tunnel-userspace.
 *
 * The codec is a pure part of the plugin, compiled into this test directly.
 * Packets are built here field by field and checked with the test's own
 * RFC 1071 sum, never with the codec's; the two checksum vectors are the
 * RFC 1071 worked example and a well-known captured IPv4 header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "../../plugins/tunnel-userspace/tun_encap.c"

#define HR 64 /* headroom the tests leave, more than TUNU_HEADROOM */

/* Independent one's-complement sum over @len bytes; 0xffff means "valid". */
static uint16_t
ref_sum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i < len; i++)
		s += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void
ref_fix(uint8_t *p, size_t len, size_t at)
{
	uint16_t s;

	p[at] = p[at + 1] = 0;
	s = (uint16_t)~ref_sum(p, len);
	p[at] = (uint8_t)(s >> 8);
	p[at + 1] = (uint8_t)s;
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static void
addr(uint8_t *p, const char *s)
{
	assert_int_equal(inet_pton(AF_INET, s, p), 1);
}

/*
 * Build an inner ICMP-ish IPv4 datagram of @len bytes at @p: TOS @tos,
 * fragment word @frag, TTL @ttl, protocol @proto, 198.51.100.7 -> 203.0.113.9.
 */
static size_t
inner(uint8_t *p, size_t len, uint8_t tos, uint16_t frag, uint8_t ttl, uint8_t proto)
{
	memset(p, 0, len);
	p[0] = 0x45;
	p[1] = tos;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = 0x12;
	p[5] = 0x34;
	p[6] = (uint8_t)(frag >> 8);
	p[7] = (uint8_t)frag;
	p[8] = ttl;
	p[9] = proto;
	addr(p + 12, "198.51.100.7");
	addr(p + 16, "203.0.113.9");
	ref_fix(p, 20, 10);
	for (size_t i = 20; i < len; i++)
		p[i] = (uint8_t)(i * 7);
	return len;
}

static struct tunu_outer
outer(const char *src, const char *dst, uint8_t ttl)
{
	struct tunu_outer o = { .ttl = ttl, .id = 0xbeef };

	addr((uint8_t *)&o.src, src);
	addr((uint8_t *)&o.dst, dst);
	return o;
}

static void
test_checksum_vectors(void **state)
{
	/* RFC 1071 section 3 example: the sum is 0xddf2, so the checksum is 0x220d. */
	static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t hdr[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		                       0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	uint8_t odd[3] = { 0x01, 0x02, 0x03 };
	uint8_t h2[20];

	assert_int_equal(wire_cksum(rfc, sizeof(rfc)), 0x220d);
	assert_int_equal(wire_cksum(hdr, sizeof(hdr)), 0);
	memcpy(h2, hdr, 20);
	h2[10] = h2[11] = 0;
	assert_int_equal(wire_cksum(h2, 20), 0xb861);
	/* Odd length pads with zero: 0x0102 + 0x0300 = 0x0402. */
	assert_int_equal(wire_cksum(odd, 3), (uint16_t)~0x0402);
}

static void
check_outer_ip(const uint8_t *h, size_t total, uint8_t tos, bool df, uint8_t ttl, uint8_t proto)
{
	uint8_t a[4];

	assert_int_equal(h[0], 0x45);
	assert_int_equal(h[1], tos);
	assert_int_equal(rd16(h + 2), total);
	assert_int_equal(rd16(h + 4), 0xbeef);
	assert_int_equal(rd16(h + 6), df ? 0x4000 : 0);
	assert_int_equal(h[8], ttl);
	assert_int_equal(h[9], proto);
	assert_int_equal(ref_sum(h, 20), 0xffff);
	addr(a, "192.0.2.1");
	assert_memory_equal(h + 12, a, 4);
	addr(a, "192.0.2.2");
	assert_memory_equal(h + 16, a, 4);
}

static void
test_ipip_fields(void **state)
{
	uint8_t buf[HR + 200], copy[100], *out;
	size_t n, olen;
	struct tunu_outer o = outer("192.0.2.1", "192.0.2.2", 17);

	/* Inner with DF and TOS 0xb8: both copied; outer TTL is the configured one. */
	n = inner(buf + HR, 100, 0xb8, 0x4000, 5, 17);
	memcpy(copy, buf + HR, n);
	assert_int_equal(tunu_encap(TUNU_ENC_IPIP, &o, buf + HR, n, &out, &olen), 0);
	assert_ptr_equal(out, buf + HR - 20);
	assert_int_equal(olen, n + 20);
	check_outer_ip(out, olen, 0xb8, true, 17, 4);
	assert_memory_equal(out + 20, copy, n); /* inner untouched, TTL included */

	/* No DF inside: none outside. TTL 0 in the parameters means the default 64. */
	o.ttl = 0;
	n = inner(buf + HR, 60, 0x00, 0x0000, 1, 6);
	assert_int_equal(tunu_encap(TUNU_ENC_IPIP, &o, buf + HR, n, &out, &olen), 0);
	check_outer_ip(out, olen, 0x00, false, 64, 4);

	/* A fragment of the inner datagram is tunnelled as is; MF is not copied. */
	n = inner(buf + HR, 60, 0x10, 0x2001, 9, 17);
	assert_int_equal(tunu_encap(TUNU_ENC_IPIP, &o, buf + HR, n, &out, &olen), 0);
	check_outer_ip(out, olen, 0x10, false, 64, 4);
}

static void
test_gre_fields(void **state)
{
	uint8_t buf[HR + 200], copy[80], *out;
	size_t n, olen;
	struct tunu_outer o = outer("192.0.2.1", "192.0.2.2", 30);

	n = inner(buf + HR, 80, 0x20, 0x4000, 8, 1);
	memcpy(copy, buf + HR, n);
	assert_int_equal(tunu_encap(TUNU_ENC_GRE, &o, buf + HR, n, &out, &olen), 0);
	assert_int_equal(olen, n + 24);
	check_outer_ip(out, olen, 0x20, true, 30, 47);
	assert_int_equal(rd16(out + 20), 0x0000); /* no C, no K, version 0 */
	assert_int_equal(rd16(out + 22), 0x0800);
	assert_memory_equal(out + 24, copy, n);

	o.key_present = true;
	o.key = 0xdeadbeef;
	n = inner(buf + HR, 80, 0x20, 0x0000, 8, 1);
	memcpy(copy, buf + HR, n);
	assert_int_equal(tunu_encap(TUNU_ENC_GRE, &o, buf + HR, n, &out, &olen), 0);
	assert_int_equal(olen, n + 28);
	check_outer_ip(out, olen, 0x20, false, 30, 47);
	assert_int_equal(rd16(out + 20), 0x2000); /* K bit */
	assert_int_equal(rd16(out + 22), 0x0800);
	assert_int_equal(rd32(out + 24), 0xdeadbeef);
	assert_memory_equal(out + 28, copy, n);
}

static void
test_minimal_fields(void **state)
{
	uint8_t buf[HR + 200], copy[64], *out, a[4];
	size_t n, olen;
	struct tunu_outer o = outer("192.0.2.1", "192.0.2.2", 30);

	/* Source differs from the encapsulator: S set, 12-byte header. */
	n = inner(buf + HR, 64, 0x08, 0x4000, 33, 17);
	memcpy(copy, buf + HR, n);
	assert_int_equal(tunu_encap(TUNU_ENC_MIN, &o, buf + HR, n, &out, &olen), 0);
	assert_int_equal(olen, n + 12);
	assert_ptr_equal(out, buf + HR - 12);
	assert_int_equal(out[0], 0x45);
	assert_int_equal(out[1], 0x08);
	assert_int_equal(rd16(out + 2), n + 12);
	assert_int_equal(rd16(out + 6), 0x4000);
	assert_int_equal(out[8], 33); /* the original header keeps its TTL */
	assert_int_equal(out[9], 55);
	assert_int_equal(ref_sum(out, 20), 0xffff);
	addr(a, "192.0.2.1");
	assert_memory_equal(out + 12, a, 4);
	addr(a, "192.0.2.2");
	assert_memory_equal(out + 16, a, 4);
	assert_int_equal(out[20], 17);
	assert_int_equal(out[21], 0x80);
	assert_int_equal(ref_sum(out + 20, 12), 0xffff);
	assert_memory_equal(out + 24, copy + 16, 4); /* original destination */
	assert_memory_equal(out + 28, copy + 12, 4); /* original source */
	assert_memory_equal(out + 32, copy + 20, n - 20);

	/* The encapsulator is the source: S clear, 8-byte header. */
	o = outer("198.51.100.7", "192.0.2.2", 0);
	n = inner(buf + HR, 64, 0, 0, 33, 17);
	assert_int_equal(tunu_encap(TUNU_ENC_MIN, &o, buf + HR, n, &out, &olen), 0);
	assert_int_equal(olen, n + 8);
	assert_int_equal(out[21], 0);
	assert_int_equal(ref_sum(out + 20, 8), 0xffff);

	/* Never on a fragment (RFC 2004 section 3), and nothing is written. */
	n = inner(buf + HR, 64, 0, 0x2000, 33, 17);
	memcpy(copy, buf + HR - 12, 64);
	assert_int_equal(tunu_encap(TUNU_ENC_MIN, &o, buf + HR, n, &out, &olen), TUNU_E_FRAG);
	assert_memory_equal(buf + HR - 12, copy, 64);
	n = inner(buf + HR, 64, 0, 0x0010, 33, 17);
	assert_int_equal(tunu_encap(TUNU_ENC_MIN, &o, buf + HR, n, &out, &olen), TUNU_E_FRAG);
}

/* Encapsulate, then decapsulate, and get the original datagram back. */
static void
roundtrip(enum tunu_encap type, bool key)
{
	uint8_t buf[HR + 300], copy[200], *out;
	size_t n, olen;
	struct tunu_outer o = outer("192.0.2.1", "192.0.2.2", 30);
	struct tunu_decap d;

	o.key_present = key;
	o.key = 77;
	n = inner(buf + HR, 200, 0x04, 0x4000, 12, 17);
	memcpy(copy, buf + HR, n);
	assert_int_equal(tunu_encap(type, &o, buf + HR, n, &out, &olen), 0);
	memset(&d, 0xa5, sizeof(d));
	assert_int_equal(tunu_decap(out, olen, &d), 0);
	assert_int_equal(d.type, type);
	assert_int_equal(d.outer_src.s_addr, o.src.s_addr);
	assert_int_equal(d.outer_dst.s_addr, o.dst.s_addr);
	assert_int_equal(d.key_present, key);
	assert_int_equal(d.key, key ? 77 : 0);
	assert_int_equal(d.inner_len, n);
	assert_true(d.inner_off + d.inner_len <= olen);
	assert_memory_equal(out + d.inner_off, copy, n);
}

static void
test_roundtrip(void **state)
{
	roundtrip(TUNU_ENC_IPIP, false);
	roundtrip(TUNU_ENC_GRE, false);
	roundtrip(TUNU_ENC_GRE, true);
	roundtrip(TUNU_ENC_MIN, false);
}

/* Outer IPv4 + GRE header of @glen bytes at @p, then a 40-byte inner datagram. */
static size_t
gre_pkt(uint8_t *p, const uint8_t *gre, size_t glen)
{
	size_t tot = 20 + glen + 40;

	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = 0;
	p[3] = (uint8_t)tot;
	p[8] = 64;
	p[9] = 47;
	addr(p + 12, "192.0.2.2");
	addr(p + 16, "192.0.2.1");
	ref_fix(p, 20, 10);
	memcpy(p + 20, gre, glen);
	inner(p + 20 + glen, 40, 0, 0, 3, 17);
	return tot;
}

static void
test_gre_receive_options(void **state)
{
	/* C, K and S set: checksum + reserved, key, sequence number. */
	uint8_t g[16] = { 0xb0, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 9 };
	uint8_t p[200];
	size_t n;
	struct tunu_decap d;

	n = gre_pkt(p, g, 16);
	ref_fix(p + 20, n - 20, 4); /* GRE checksum covers header and payload */
	assert_int_equal(tunu_decap(p, n, &d), 0);
	assert_true(d.key_present);
	assert_int_equal(d.key, 0x01020304);
	assert_int_equal(d.inner_off, 36);
	assert_int_equal(d.inner_len, 40);

	/* A wrong GRE checksum is refused. */
	p[40] ^= 0xff;
	assert_int_equal(tunu_decap(p, n, &d), TUNU_E_CSUM);

	/* Version 1 (PPTP), the RFC 1701 routing bit and strict source route are refused. */
	g[0] = 0x00;
	g[1] = 0x01;
	n = gre_pkt(p, g, 4);
	assert_int_equal(tunu_decap(p, n, &d), TUNU_E_GRE);
	g[0] = 0x40;
	g[1] = 0x00;
	n = gre_pkt(p, g, 4);
	assert_int_equal(tunu_decap(p, n, &d), TUNU_E_GRE);
	g[0] = 0x08;
	n = gre_pkt(p, g, 4);
	assert_int_equal(tunu_decap(p, n, &d), TUNU_E_GRE);

	/* Bits 5-12 are ignored on receipt (RFC 2784 section 2.3). */
	g[0] = 0x07;
	g[1] = 0xf8;
	n = gre_pkt(p, g, 4);
	assert_int_equal(tunu_decap(p, n, &d), 0);
	assert_false(d.key_present);

	/* Payload type must be IPv4. */
	g[0] = 0;
	g[1] = 0;
	g[2] = 0x86;
	g[3] = 0xdd;
	n = gre_pkt(p, g, 4);
	assert_int_equal(tunu_decap(p, n, &d), TUNU_E_PTYPE);
}

static void
test_truncated_rejected(void **state)
{
	static const enum tunu_encap types[] = { TUNU_ENC_IPIP, TUNU_ENC_GRE, TUNU_ENC_MIN };
	uint8_t buf[HR + 100], *out, copy[200];
	struct tunu_outer o = outer("192.0.2.1", "192.0.2.2", 30);
	struct tunu_decap d;
	size_t n, olen;

	o.key_present = true;
	for (size_t t = 0; t < 3; t++) {
		n = inner(buf + HR, 60, 0, 0, 4, 17);
		assert_int_equal(tunu_encap(types[t], &o, buf + HR, n, &out, &olen), 0);
		memcpy(copy, out, olen);
		/* Every strict prefix fails and leaves the buffer as it was. */
		for (size_t len = 0; len < olen; len++) {
			assert_true(tunu_decap(out, len, &d) < 0);
			assert_memory_equal(out, copy, olen);
		}
	}
	/* A truncated inner datagram is not encapsulated either. */
	n = inner(buf + HR, 60, 0, 0, 4, 17);
	assert_int_equal(tunu_encap(TUNU_ENC_IPIP, &o, buf + HR, 59, &out, &olen), TUNU_E_SHORT);
	assert_int_equal(tunu_encap(TUNU_ENC_IPIP, &o, buf + HR, 19, &out, &olen), TUNU_E_SHORT);
}

static void
test_bad_headers_rejected(void **state)
{
	uint8_t buf[HR + 100], *out;
	struct tunu_outer o = outer("192.0.2.1", "192.0.2.2", 30);
	struct tunu_decap d;
	size_t n, olen;

	/* Outer: wrong version, short IHL, bad checksum, other protocol, fragment. */
	n = inner(buf + HR, 60, 0, 0, 4, 17);
	assert_int_equal(tunu_encap(TUNU_ENC_IPIP, &o, buf + HR, n, &out, &olen), 0);
	out[0] = 0x65;
	ref_fix(out, 20, 10);
	assert_int_equal(tunu_decap(out, olen, &d), TUNU_E_IPHDR);
	out[0] = 0x44;
	ref_fix(out, 20, 10);
	assert_int_equal(tunu_decap(out, olen, &d), TUNU_E_IPHDR);
	out[0] = 0x45;
	out[10] ^= 1;
	assert_int_equal(tunu_decap(out, olen, &d), TUNU_E_CSUM);
	out[9] = 17;
	ref_fix(out, 20, 10);
	assert_int_equal(tunu_decap(out, olen, &d), TUNU_E_PROTO);
	out[9] = 4;
	out[6] = 0x20;
	ref_fix(out, 20, 10);
	assert_int_equal(tunu_decap(out, olen, &d), TUNU_E_FRAG);
	out[6] = 0;
	ref_fix(out, 20, 10);
	assert_int_equal(tunu_decap(out, olen, &d), 0);

	/* Inner: bad checksum, zero TTL, total length beyond the outer datagram. */
	out[30] ^= 1;
	assert_int_equal(tunu_decap(out, olen, &d), TUNU_E_CSUM);
	out[30] ^= 1;
	out[28] = 0;
	ref_fix(out + 20, 20, 10);
	assert_int_equal(tunu_decap(out, olen, &d), TUNU_E_TTL);
	out[28] = 4;
	out[23] = 61;
	ref_fix(out + 20, 20, 10);
	assert_int_equal(tunu_decap(out, olen, &d), TUNU_E_SHORT);

	/* Encapsulation side: zero TTL, bad checksum, not IPv4, unknown type. */
	n = inner(buf + HR, 60, 0, 0, 0, 17);
	assert_int_equal(tunu_encap(TUNU_ENC_GRE, &o, buf + HR, n, &out, &olen), TUNU_E_TTL);
	n = inner(buf + HR, 60, 0, 0, 4, 17);
	buf[HR + 11] ^= 1;
	assert_int_equal(tunu_encap(TUNU_ENC_GRE, &o, buf + HR, n, &out, &olen), TUNU_E_CSUM);
	buf[HR] = 0x60;
	assert_int_equal(tunu_encap(TUNU_ENC_GRE, &o, buf + HR, n, &out, &olen), TUNU_E_IPHDR);
	n = inner(buf + HR, 60, 0, 0, 4, 17);
	assert_int_equal(tunu_encap((enum tunu_encap)17, &o, buf + HR, n, &out, &olen),
	                 TUNU_E_INVAL);
}

static void
test_minimal_receive_checks(void **state)
{
	uint8_t buf[HR + 100], *out, copy[100];
	struct tunu_outer o = outer("192.0.2.1", "192.0.2.2", 30);
	struct tunu_decap d;
	size_t n, olen;

	n = inner(buf + HR, 60, 0, 0, 4, 17);
	assert_int_equal(tunu_encap(TUNU_ENC_MIN, &o, buf + HR, n, &out, &olen), 0);
	memcpy(copy, out, olen);
	/* A corrupted forwarding header fails its own checksum; nothing moves. */
	out[25] ^= 0x40;
	assert_int_equal(tunu_decap(out, olen, &d), TUNU_E_CSUM);
	out[25] ^= 0x40;
	assert_memory_equal(out, copy, olen);
	/* A header claiming S with only 8 bytes left is truncated. */
	out[2] = 0;
	out[3] = 28;
	ref_fix(out, 20, 10);
	assert_int_equal(tunu_decap(out, 28, &d), TUNU_E_SHORT);
}

static void
test_no_recursive_encapsulation(void **state)
{
	uint8_t buf[HR + 100], *out;
	struct tunu_outer o;
	size_t n, olen;

	/* Inner source equals the tunnel exit point (RFC 2003 section 4). */
	o = outer("192.0.2.1", "198.51.100.7", 30);
	n = inner(buf + HR, 60, 0, 0, 4, 17);
	assert_int_equal(tunu_encap(TUNU_ENC_IPIP, &o, buf + HR, n, &out, &olen), TUNU_E_RECURSIVE);
	/* Our own encapsulated packet routed back into the tunnel. */
	o = outer("198.51.100.7", "192.0.2.2", 30);
	for (size_t i = 0; i < 3; i++) {
		n = inner(buf + HR, 60, 0, 0, 4, (uint8_t[]){ 4, 47, 55 }[i]);
		assert_int_equal(tunu_encap(TUNU_ENC_GRE, &o, buf + HR, n, &out, &olen),
		                 TUNU_E_RECURSIVE);
	}
	/* The same source with an ordinary payload is fine. */
	n = inner(buf + HR, 60, 0, 0, 4, 1);
	assert_int_equal(tunu_encap(TUNU_ENC_GRE, &o, buf + HR, n, &out, &olen), 0);
}

static void
test_too_big(void **state)
{
	static uint8_t big[HR + 65535];
	uint8_t *out;
	struct tunu_outer o = outer("192.0.2.1", "192.0.2.2", 30);
	size_t n, olen;

	n = inner(big + HR, 65520, 0, 0, 4, 17);
	assert_int_equal(tunu_encap(TUNU_ENC_IPIP, &o, big + HR, n, &out, &olen), TUNU_E_TOOBIG);
	assert_int_equal(tunu_encap(TUNU_ENC_MIN, &o, big + HR, n, &out, &olen), 0);
	n = inner(big + HR, 65530, 0, 0, 4, 17);
	assert_int_equal(tunu_encap(TUNU_ENC_MIN, &o, big + HR, n, &out, &olen), TUNU_E_TOOBIG);
}

/* Random bytes, and random mutations of valid packets: never a crash or an over-read. */
static void
test_garbage(void **state)
{
	uint8_t buf[HR + 128], pkt[128];
	uint32_t x = 12345;
	struct tunu_outer o = outer("192.0.2.1", "192.0.2.2", 30);
	struct tunu_decap d;
	size_t n, olen;
	uint8_t *out;
	unsigned ok = 0;

	for (unsigned i = 0; i < 200000; i++) {
		n = (x >> 8) % sizeof(pkt);
		for (size_t j = 0; j < n; j++) {
			x = x * 1103515245 + 12345;
			pkt[j] = (uint8_t)(x >> 16);
		}
		if (i & 1) {
			/* Start from a valid packet and flip a few bytes. */
			o.key_present = (i & 2) != 0;
			size_t in = inner(buf + HR, 40 + (x >> 20) % 60, 0, 0, 4, 17);
			enum tunu_encap t = (i & 4)   ? TUNU_ENC_GRE
			                    : (i & 8) ? TUNU_ENC_MIN
			                              : TUNU_ENC_IPIP;
			assert_int_equal(tunu_encap(t, &o, buf + HR, in, &out, &olen), 0);
			memcpy(pkt, out, olen);
			n = olen;
			for (int k = 0; k < 3; k++) {
				x = x * 1103515245 + 12345;
				pkt[(x >> 16) % n] ^= (uint8_t)(1u << (x >> 28));
			}
		} else if (n >= 20) {
			pkt[0] = 0x45;
			pkt[9] = (x & 1) ? 47 : 4;
		}
		if (tunu_decap(pkt, n, &d) == 0) {
			ok++;
			assert_true(d.inner_off + d.inner_len <= n);
			assert_true(d.inner_len >= 20);
		}
	}
	/* Some mutations only touch payload bytes, so some packets stay valid. */
	assert_true(ok > 0);
}

static void
test_strerror(void **state)
{
	for (int e = TUNU_E_INVAL; e <= 0; e++)
		assert_string_not_equal(tunu_strerror(e), "unknown error");
	assert_string_equal(tunu_strerror(-100), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum_vectors),
		cmocka_unit_test(test_ipip_fields),
		cmocka_unit_test(test_gre_fields),
		cmocka_unit_test(test_minimal_fields),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_gre_receive_options),
		cmocka_unit_test(test_truncated_rejected),
		cmocka_unit_test(test_bad_headers_rejected),
		cmocka_unit_test(test_minimal_receive_checks),
		cmocka_unit_test(test_no_recursive_encapsulation),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
