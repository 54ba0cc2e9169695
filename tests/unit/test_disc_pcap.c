/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_disc_pcap.c - discovery-pcap's frame classifier and client rules.
 *
 * dpcap_frame.c is compiled into this test. Frames are built here byte by
 * byte with the test's own checksum; every prefix of every frame is also
 * classified to show that short captures are refused, not over-read (the
 * sanitizer build turns an over-read into a failure).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../plugins/discovery-pcap/dpcap_frame.c"

static const uint8_t CLIENT_MAC[6] = { 0x02, 0, 0, 0, 0, 0x50 };

static uint16_t
ref_cksum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i < len; i++)
		s += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static struct in_addr
A(const char *s) {
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static size_t
eth(uint8_t *f, uint16_t type)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, CLIENT_MAC, 6);
	put16(f + 12, type);
	return 14;
}

static size_t
arp(uint8_t *f, uint16_t op, const char *sender, const char *target)
{
	size_t o = eth(f, 0x0806);
	struct in_addr s = A(sender), t = A(target);

	put16(f + o, 1);
	put16(f + o + 2, 0x0800);
	f[o + 4] = 6;
	f[o + 5] = 4;
	put16(f + o + 6, op);
	memcpy(f + o + 8, CLIENT_MAC, 6);
	memcpy(f + o + 14, &s, 4);
	memset(f + o + 18, 0, 6);
	memcpy(f + o + 24, &t, 4);
	return o + 28;
}

/* IPv4 with protocol @proto and an 8-byte transport header @l4. */
static size_t
ip(uint8_t *f, const char *src, const char *dst, uint8_t proto, const uint8_t l4[8])
{
	size_t o = eth(f, 0x0800);
	uint8_t *h = f + o;
	struct in_addr s = A(src), d = A(dst);

	memset(h, 0, 20);
	h[0] = 0x45;
	put16(h + 2, 28);
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, &s, 4);
	memcpy(h + 16, &d, 4);
	put16(h + 10, ref_cksum(h, 20));
	memcpy(h + 20, l4, 8);
	return o + 28;
}

static size_t
udp(uint8_t *f, const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
	uint8_t l4[8] = { 0 };

	put16(l4, sport);
	put16(l4 + 2, dport);
	put16(l4 + 4, 8);
	return ip(f, src, dst, 17, l4);
}

static size_t
icmp(uint8_t *f, const char *src, const char *dst, uint8_t type)
{
	uint8_t l4[8] = { type };

	return ip(f, src, dst, 1, l4);
}

/* Every prefix of @f classifies without reading past it, as INVALID or OTHER. */
static void
all_prefixes(const uint8_t *f, size_t len, size_t min_ok)
{
	struct dpcap_frame out;
	const char *why;

	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n + 1); /* exact-size heap copy: ASan sees an over-read */
		enum dpcap_kind k;

		memcpy(copy, f, n);
		k = dpcap_classify(copy, n, &out, &why);
		if (n < min_ok)
			assert_true(k == DPCAP_INVALID || k == DPCAP_OTHER);
		free(copy);
	}
}

static void
test_arp(void **state)
{
	uint8_t f[128];
	size_t n = arp(f, 1, "192.0.2.50", "192.0.2.1");
	struct dpcap_frame out;
	const char *why;

	(void)state;
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_ARP);
	assert_memory_equal(out.mac, CLIENT_MAC, 6);
	assert_int_equal(out.src.s_addr, A("192.0.2.50").s_addr);
	assert_int_equal(out.dst.s_addr, A("192.0.2.1").s_addr);
	assert_int_equal(out.arp_op, 1);
	assert_false(out.dhcp || out.mip);
	all_prefixes(f, n, n);
	f[14 + 7] = 3; /* operation 3 */
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_INVALID);
	n = arp(f, 1, "192.0.2.50", "192.0.2.1");
	f[14 + 4] = 8; /* hardware size */
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_INVALID);
}

static void
test_vlan(void **state)
{
	uint8_t f[128], t[132];
	size_t n = arp(f, 2, "192.0.2.50", "192.0.2.1");
	struct dpcap_frame out;
	const char *why;

	(void)state;
	memcpy(t, f, 12);
	put16(t + 12, 0x8100);
	put16(t + 14, 7);
	memcpy(t + 16, f + 12, n - 12);
	assert_int_equal(dpcap_classify(t, n + 4, &out, &why), DPCAP_ARP);
	assert_int_equal(out.arp_op, 2);
	all_prefixes(t, n + 4, n + 4);
}

static void
test_ip_kinds(void **state)
{
	uint8_t f[128];
	struct dpcap_frame out;
	const char *why;
	size_t n;

	(void)state;
	n = udp(f, "0.0.0.0", "255.255.255.255", 68, 67);
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_IP);
	assert_true(out.dhcp);
	assert_false(out.mip);
	all_prefixes(f, n, 14 + 20);
	n = udp(f, "192.0.2.50", "192.0.2.1", 4321, 434);
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_IP);
	assert_true(out.mip);
	assert_false(out.dhcp);
	n = udp(f, "192.0.2.50", "192.0.2.1", 67, 68); /* a server's answer is not a client */
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_IP);
	assert_false(out.dhcp);
	n = icmp(f, "192.0.2.50", "224.0.0.2", 10);
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_IP);
	assert_true(out.mip);
	all_prefixes(f, n, 14 + 20);
	n = icmp(f, "192.0.2.50", "192.0.2.1", 8);
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_IP);
	assert_false(out.mip || out.dhcp);
	assert_int_equal(out.src.s_addr, A("192.0.2.50").s_addr);
	/* a later fragment has no ports */
	n = udp(f, "192.0.2.50", "192.0.2.1", 68, 67);
	put16(f + 14 + 6, 100);
	put16(f + 14 + 10, 0);
	put16(f + 14 + 10, ref_cksum(f + 14, 20));
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_IP);
	assert_false(out.dhcp);
	/* IPv6 and others are not ours */
	eth(f, 0x86dd);
	assert_int_equal(dpcap_classify(f, 60, &out, &why), DPCAP_OTHER);
}

static void
test_invalid(void **state)
{
	uint8_t f[128];
	struct dpcap_frame out;
	const char *why;
	size_t n = icmp(f, "192.0.2.50", "192.0.2.1", 8);

	(void)state;
	f[14 + 8] ^= 1; /* TTL changed, checksum not */
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_INVALID);
	assert_string_equal(why, "IPv4 header checksum");
	n = icmp(f, "192.0.2.50", "192.0.2.1", 8);
	f[6] |= 1; /* multicast source MAC */
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_INVALID);
	n = icmp(f, "192.0.2.50", "192.0.2.1", 8);
	memset(f + 6, 0, 6);
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_INVALID);
	n = icmp(f, "192.0.2.50", "192.0.2.1", 8);
	f[14] = 0x4f; /* header length 60 > captured */
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_INVALID);
}

static void
test_usable(void **state)
{
	(void)state;
	assert_true(dpcap_addr_usable(A("192.0.2.50")));
	assert_true(dpcap_addr_usable(A("10.0.0.1")));
	assert_false(dpcap_addr_usable(A("0.0.0.0")));
	assert_false(dpcap_addr_usable(A("0.1.2.3")));
	assert_false(dpcap_addr_usable(A("127.0.0.1")));
	assert_false(dpcap_addr_usable(A("169.254.7.7")));
	assert_false(dpcap_addr_usable(A("224.0.0.2")));
	assert_false(dpcap_addr_usable(A("239.1.1.1")));
	assert_false(dpcap_addr_usable(A("240.0.0.1")));
	assert_false(dpcap_addr_usable(A("255.255.255.255")));
}

static void
test_subnets(void **state)
{
	struct dpcap_subnets s = { 0 };

	(void)state;
	dpcap_subnets_add(&s, A("203.0.113.2"), 24);
	assert_true(dpcap_subnets_has(&s, A("203.0.113.50")));
	assert_false(dpcap_subnets_has(&s, A("192.0.2.50")));
	dpcap_subnets_add(&s, A("192.0.2.7"), 32);
	assert_true(dpcap_subnets_has(&s, A("192.0.2.7")));
	assert_false(dpcap_subnets_has(&s, A("192.0.2.8")));
	dpcap_subnets_add(&s, A("1.2.3.4"), 33); /* ignored */
	assert_int_equal(s.n, 2);
	dpcap_subnets_add(&s, A("1.2.3.4"), 0);
	assert_true(dpcap_subnets_has(&s, A("8.8.8.8")));
}

/* Classify @f and apply it to @c. */
static int
feed(struct dpcap_client *c, const uint8_t *f, size_t n, const struct dpcap_subnets *s)
{
	struct dpcap_frame out;
	const char *why;

	assert_true(dpcap_classify(f, n, &out, &why) != DPCAP_INVALID);
	return dpcap_client_update(c, &out, s);
}

static void
test_rules_visitor(void **state)
{
	struct dpcap_subnets s = { 0 };
	struct dpcap_client c = { 0 };
	uint8_t f[128];
	size_t n;

	(void)state;
	dpcap_subnets_add(&s, A("203.0.113.2"), 24);
	n = arp(f, 1, "192.0.2.50", "192.0.2.1");
	assert_int_equal(feed(&c, f, n, &s), DISC_CLIENT_SEEN);
	assert_int_equal(c.state, DPCAP_ST_SEEN);
	assert_false(c.on_link);
	assert_int_equal(c.addr.s_addr, A("192.0.2.50").s_addr);
	assert_int_equal(c.gateway.s_addr, A("192.0.2.1").s_addr);
	assert_int_equal(feed(&c, f, n, &s), 0); /* nothing new */
	n = arp(f, 1, "192.0.2.50", "192.0.2.60");
	assert_int_equal(feed(&c, f, n, &s), 0); /* the first gateway stays */
	assert_int_equal(c.gateway.s_addr, A("192.0.2.1").s_addr);
	n = arp(f, 1, "0.0.0.0", "192.0.2.50"); /* ARP probe */
	assert_int_equal(feed(&c, f, n, &s), 0);
	assert_int_equal(c.addr.s_addr, A("192.0.2.50").s_addr);
	n = icmp(f, "192.0.2.51", "198.51.100.9", 8); /* address change */
	assert_int_equal(feed(&c, f, n, &s), DISC_CLIENT_SEEN);
	assert_int_equal(c.addr.s_addr, A("192.0.2.51").s_addr);
	assert_int_equal(c.gateway.s_addr, INADDR_ANY);
	n = arp(f, 1, "192.0.2.51", "192.0.2.1"); /* gateway learnt later */
	assert_int_equal(feed(&c, f, n, &s), DISC_CLIENT_SEEN);
	assert_int_equal(c.gateway.s_addr, A("192.0.2.1").s_addr);
}

static void
test_rules_local(void **state)
{
	struct dpcap_subnets s = { 0 };
	struct dpcap_client c = { 0 };
	uint8_t f[128];
	size_t n;

	(void)state;
	dpcap_subnets_add(&s, A("203.0.113.2"), 24);
	n = arp(f, 1, "203.0.113.50", "203.0.113.1");
	assert_int_equal(feed(&c, f, n, &s), DISC_CLIENT_SEEN);
	assert_true(c.on_link);
	assert_int_equal(c.gateway.s_addr, INADDR_ANY); /* on-link target: no gateway */
	n = arp(f, 1, "203.0.113.50", "203.0.113.50");  /* gratuitous */
	assert_int_equal(feed(&c, f, n, &s), 0);
}

static void
test_rules_ignored(void **state)
{
	struct dpcap_subnets s = { 0 };
	struct dpcap_client c = { 0 };
	uint8_t f[128];
	size_t n;

	(void)state;
	dpcap_subnets_add(&s, A("203.0.113.2"), 24);
	n = udp(f, "0.0.0.0", "255.255.255.255", 68, 67);
	assert_int_equal(feed(&c, f, n, &s), DISC_CLIENT_IGNORED);
	assert_int_equal(c.reason, DISC_IGNORE_DHCP);
	n = arp(f, 1, "192.0.2.50", "192.0.2.1");
	assert_int_equal(feed(&c, f, n, &s), 0); /* sticky */
	assert_int_equal(c.state, DPCAP_ST_IGNORED);

	memset(&c, 0, sizeof(c));
	n = arp(f, 1, "192.0.2.50", "192.0.2.1");
	assert_int_equal(feed(&c, f, n, &s), DISC_CLIENT_SEEN);
	n = icmp(f, "192.0.2.50", "224.0.0.2", 10);
	assert_int_equal(feed(&c, f, n, &s), DISC_CLIENT_IGNORED);
	assert_int_equal(c.reason, DISC_IGNORE_OWN_MIP);
	n = udp(f, "192.0.2.50", "255.255.255.255", 68, 67);
	assert_int_equal(feed(&c, f, n, &s), 0);
	assert_int_equal(c.reason, DISC_IGNORE_OWN_MIP);

	memset(&c, 0, sizeof(c));
	n = icmp(f, "169.254.3.3", "169.254.255.255", 8);
	assert_int_equal(feed(&c, f, n, &s), DISC_CLIENT_IGNORED);
	assert_int_equal(c.reason, DISC_IGNORE_NO_ADDR);
	assert_int_equal(feed(&c, f, n, &s), 0);
	n = arp(f, 1, "192.0.2.50", "192.0.2.1"); /* no-addr is not sticky */
	assert_int_equal(feed(&c, f, n, &s), DISC_CLIENT_SEEN);
	assert_int_equal(c.reason, DISC_IGNORE_NONE);
}

/* A minimum-size frame: an IPv4 datagram of @tot bytes, padded with @pad to 60 bytes. */
static size_t
padded(uint8_t *f, uint8_t proto, uint16_t tot, uint8_t pad)
{
	uint8_t l4[8] = { 0 };
	uint8_t *h = f + 14;

	ip(f, "192.0.2.50", "198.51.100.1", proto, l4);

	put16(h + 2, tot);
	put16(h + 10, 0);
	put16(h + 10, ref_cksum(h, 20));
	memset(f + 14 + tot, pad, 60 - 14 - tot);
	return 60;
}

static void
test_padding_not_transport(void **state)
{
	uint8_t f[64];
	struct dpcap_frame out;
	const char *why;
	size_t n;

	(void)state;
	/* UDP, total length 20 (header only): the padding 00 44 00 43 would read as 68 -> 67. */
	n = padded(f, 17, 20, 0);
	f[34] = 0;
	f[35] = 68;
	f[36] = 0;
	f[37] = 67;
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_IP);
	assert_false(out.dhcp);
	assert_false(out.mip);
	/* The same bytes inside the datagram (total length 28) are its ports. */
	put16(f + 14 + 2, 28);
	put16(f + 14 + 10, 0);
	put16(f + 14 + 10, ref_cksum(f + 14, 20));
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_IP);
	assert_true(out.dhcp);
	/* UDP with 2 bytes of transport inside the datagram, destination port in the padding. */
	n = padded(f, 17, 22, 0);
	put16(f + 36, 434);
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_IP);
	assert_false(out.mip);
	/* ICMP, total length 20: a padding byte 10 is not a router solicitation. */
	n = padded(f, 1, 20, 10);
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_IP);
	assert_false(out.mip);
	/* A capture cut short inside the datagram is still read up to what was captured. */
	n = udp(f, "192.0.2.50", "198.51.100.1", 68, 67);
	put16(f + 14 + 2, 1400);
	put16(f + 14 + 10, 0);
	put16(f + 14 + 10, ref_cksum(f + 14, 20));
	assert_int_equal(dpcap_classify(f, n, &out, &why), DPCAP_IP);
	assert_true(out.dhcp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp),           cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_ip_kinds),      cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_usable),        cmocka_unit_test(test_subnets),
		cmocka_unit_test(test_rules_visitor), cmocka_unit_test(test_rules_local),
		cmocka_unit_test(test_rules_ignored), cmocka_unit_test(test_padding_not_transport),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
