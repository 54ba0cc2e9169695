/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_proxy_frame.c - unit tests of the proxy's link-level frames and ARP interception policy.
 *
 * Expected bytes are written out by hand here; the Internet checksum used to check them is
 * this file's own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proxy_frame.h"

static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0x01, 0x00 };
static const uint8_t mac_f[6] = { 0x02, 0, 0, 0, 0x0f, 0x0a };

static struct in_addr
A(const char *s) {
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static uint16_t
cksum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
test_udp_build_layout(void **state)
{
	struct proxy_udp_frame f = {
		.src = A("192.0.2.100"), .dst = A("198.51.100.1"), .sport = 434, .dport = 434
	};
	const uint8_t payload[5] = { 1, 2, 3, 4, 5 };
	const uint8_t want_hdr[] = {
		0x02, 0,    0,    0,    0x0f, 0x0a, 0x02, 0,    0,  0,  0x01, 0x00,
		0x08, 0x00,                                                      /* Ethernet */
		0x45, 0x00, 0x00, 33,   0x00, 0x00, 0x40, 0x00, 64, 17, 0,    0, /* IPv4 ... */
		192,  0,    2,    100,  198,  51,   100,  1,                     /* addresses */
		0x01, 0xb2, 0x01, 0xb2, 0x00, 13,                                /* UDP */
	};
	uint8_t buf[64], pseudo[12 + 13];
	int n;

	memcpy(f.src_mac, mac_c, 6);
	memcpy(f.dst_mac, mac_f, 6);
	n = proxy_frame_build_udp(buf, sizeof(buf), &f, payload, sizeof(payload));
	assert_int_equal(n, 14 + 20 + 8 + 5);
	/* Header checksum bytes (24, 25) and the UDP checksum (40, 41) are checked below. */
	assert_memory_equal(buf, want_hdr, 24);
	assert_memory_equal(buf + 26, want_hdr + 26, sizeof(want_hdr) - 26);
	assert_int_equal(cksum(buf + 14, 20), 0);
	memcpy(pseudo, buf + 26, 8);
	pseudo[8] = 0;
	pseudo[9] = 17;
	pseudo[10] = 0;
	pseudo[11] = 13;
	memcpy(pseudo + 12, buf + 34, 13);
	assert_int_equal(cksum(pseudo, sizeof(pseudo)), 0);
	assert_memory_equal(buf + 42, payload, 5);
	/* Too small a buffer. */
	assert_int_equal(proxy_frame_build_udp(buf, 46, &f, payload, sizeof(payload)), -EMSGSIZE);
}

static void
test_udp_parse(void **state)
{
	struct proxy_udp_frame f = { .src = A("198.51.100.1"),
		                     .dst = A("192.0.2.100"),
		                     .sport = 434,
		                     .dport = 434 },
	                       g;
	const uint8_t payload[20] = { 3 };
	uint8_t buf[128];
	int n;

	memcpy(f.src_mac, mac_f, 6);
	memcpy(f.dst_mac, mac_c, 6);
	n = proxy_frame_build_udp(buf, sizeof(buf), &f, payload, sizeof(payload));
	assert_int_equal(n, 62);
	memset(buf + n, 0, 4); /* Ethernet padding is allowed */
	assert_int_equal(proxy_frame_parse_udp(buf, (size_t)n + 4, &g), 0);
	assert_memory_equal(g.src_mac, mac_f, 6);
	assert_memory_equal(g.dst_mac, mac_c, 6);
	assert_int_equal(g.src.s_addr, f.src.s_addr);
	assert_int_equal(g.dst.s_addr, f.dst.s_addr);
	assert_int_equal(g.sport, 434);
	assert_int_equal(g.len, 20);
	assert_ptr_equal(g.payload, buf + 42);
	/* Truncated at every length: rejected. */
	for (int i = 0; i < n; i++)
		assert_int_equal(proxy_frame_parse_udp(buf, (size_t)i, &g), -EINVAL);
	/* Bad header checksum, fragment, not UDP, UDP length past the packet. */
	buf[24] ^= 1;
	assert_int_equal(proxy_frame_parse_udp(buf, (size_t)n, &g), -EINVAL);
	buf[24] ^= 1;
	buf[20] |= 0x20; /* MF */
	buf[24] -= 0x20;
	assert_int_equal(proxy_frame_parse_udp(buf, (size_t)n, &g), -EINVAL);
	buf[20] &= (uint8_t)~0x20;
	buf[24] += 0x20;
	assert_int_equal(proxy_frame_parse_udp(buf, (size_t)n, &g), 0);
	buf[38] = 0;
	buf[39] = 29; /* UDP length 29 > 28 */
	assert_int_equal(proxy_frame_parse_udp(buf, (size_t)n, &g), -EINVAL);
	buf[12] = 0x86;
	buf[13] = 0xdd;
	assert_int_equal(proxy_frame_parse_udp(buf, (size_t)n, &g), -EINVAL);
}

static void
test_arp_roundtrip(void **state)
{
	struct proxy_arp a = { .op = PROXY_ARP_REPLY,
		               .spa = A("192.0.2.1"),
		               .tpa = A("192.0.2.100") },
	                 b;
	const uint8_t want[] = { 0x02, 0,    0,    0,    0x01, 0x00, 0x02, 0, 0,  0, 0x0f,
		                 0x0a, 0x08, 0x06, 0,    1,    0x08, 0,    6, 4,  0, 2,
		                 0x02, 0,    0,    0,    0x0f, 0x0a, 192,  0, 2,  1, 0x02,
		                 0,    0,    0,    0x01, 0x00, 192,  0,    2, 100 };
	uint8_t buf[64];

	memcpy(a.eth_src, mac_f, 6);
	memcpy(a.sha, mac_f, 6);
	memcpy(a.tha, mac_c, 6);
	assert_int_equal(proxy_frame_build_arp(buf, sizeof(buf), mac_c, &a), PROXY_ARP_FRAME);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(proxy_frame_parse_arp(buf, PROXY_ARP_FRAME, &b), 0);
	assert_int_equal(b.op, PROXY_ARP_REPLY);
	assert_memory_equal(b.eth_src, mac_f, 6);
	assert_int_equal(b.tpa.s_addr, a.tpa.s_addr);
	assert_int_equal(proxy_frame_parse_arp(buf, PROXY_ARP_FRAME - 1, &b), -EINVAL);
	buf[21] = 3; /* RARP request */
	assert_int_equal(proxy_frame_parse_arp(buf, PROXY_ARP_FRAME, &b), -EINVAL);
	buf[21] = 1;
	buf[18] = 8; /* hardware length */
	assert_int_equal(proxy_frame_parse_arp(buf, PROXY_ARP_FRAME, &b), -EINVAL);
}

static struct proxy_arp
req(const char *spa, const char *tpa)
{
	struct proxy_arp a = { .op = PROXY_ARP_REQUEST, .spa = A(spa), .tpa = A(tpa) };

	memcpy(a.eth_src, mac_c, 6);
	memcpy(a.sha, mac_c, 6);
	return a;
}

static void
test_arp_decide(void **state)
{
	struct proxy_arp_client c = { .known = true,
		                      .intercept = true,
		                      .hoa = A("192.0.2.100"),
		                      .home_prefix = A("192.0.2.0"),
		                      .home_len = 24,
		                      .gateway = A("192.0.2.1") };
	struct proxy_arp a = req("192.0.2.100", "192.0.2.1");

	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_ANSWER_GATEWAY);
	a = req("192.0.2.100", "203.0.113.10");
	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_ANSWER_OFF_LINK);
	a = req("192.0.2.100", "192.0.2.50");
	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_ANSWER_HOME);
	c.target_is_local_client = true; /* another client of this link answers for itself */
	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_IGNORE);
	c.target_is_local_client = false;
	/* Never: its own address (gratuitous), 0.0.0.0, the home broadcast, a reply. */
	a = req("192.0.2.100", "192.0.2.100");
	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_IGNORE);
	a = req("192.0.2.100", "0.0.0.0");
	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_IGNORE);
	a = req("192.0.2.100", "192.0.2.255");
	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_IGNORE);
	a = req("192.0.2.100", "192.0.2.1");
	a.op = PROXY_ARP_REPLY;
	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_IGNORE);
	/* A duplicate address probe (sender 0.0.0.0), or a sender not its home address. */
	a = req("0.0.0.0", "192.0.2.1");
	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_IGNORE);
	/* Sender hardware address not the frame's source. */
	a = req("192.0.2.100", "192.0.2.1");
	a.sha[5] ^= 1;
	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_IGNORE);
	/* Not intercepted (at home, not registered), or unknown. */
	a = req("192.0.2.100", "192.0.2.1");
	c.intercept = false;
	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_IGNORE);
	c.intercept = true;
	c.known = false;
	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_IGNORE);
	/* Gateway unknown: inside the home prefix answers as "home", outside as off-link. */
	c.known = true;
	c.gateway.s_addr = INADDR_ANY;
	assert_int_equal(proxy_arp_decide(&a, &c), PROXY_ARP_ANSWER_HOME);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_build_layout),
		cmocka_unit_test(test_udp_parse),
		cmocka_unit_test(test_arp_roundtrip),
		cmocka_unit_test(test_arp_decide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
