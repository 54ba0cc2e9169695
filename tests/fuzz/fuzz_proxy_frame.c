/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_proxy_frame.c - libFuzzer target: the proxy access point's frame parsers.
 *
 * Arbitrary bytes are parsed as an Ethernet/IPv4/UDP frame (a foreign agent's reply seen on
 * the client-facing port) and as an ARP frame. A failed parse must leave the output
 * untouched. A successful UDP parse must point inside the input, and building a frame from
 * the parsed fields must parse back to the same fields; a successful ARP parse must build
 * back to the same 42 bytes, and the interception policy must accept it without crashing.
 */

#include <stdlib.h>
#include <string.h>

#include "proxy_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                 \
	do {                     \
		if (!(x))        \
			abort(); \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	struct proxy_udp_frame u, v, zu;
	struct proxy_arp a, b, za;
	struct proxy_arp_client c = { .known = true, .intercept = true, .home_len = 24 };
	int n;

	memset(&u, 0x5a, sizeof(u));
	zu = u;
	if (proxy_frame_parse_udp(data, size, &u) != 0) {
		CHECK(memcmp(&u, &zu, sizeof(u)) == 0);
	} else {
		CHECK(u.payload >= data + PROXY_ETH_IP_UDP && u.payload + u.len <= data + size);
		n = proxy_frame_build_udp(out, sizeof(out), &u, u.payload, u.len);
		CHECK(n == (int)(PROXY_ETH_IP_UDP + u.len));
		CHECK(proxy_frame_parse_udp(out, (size_t)n, &v) == 0);
		CHECK(memcmp(v.dst_mac, u.dst_mac, 6) == 0 && memcmp(v.src_mac, u.src_mac, 6) == 0);
		CHECK(v.src.s_addr == u.src.s_addr && v.dst.s_addr == u.dst.s_addr);
		CHECK(v.sport == u.sport && v.dport == u.dport && v.len == u.len);
		CHECK(memcmp(v.payload, u.payload, u.len) == 0);
	}
	memset(&a, 0x5a, sizeof(a));
	za = a;
	if (proxy_frame_parse_arp(data, size, &a) != 0) {
		CHECK(memcmp(&a, &za, sizeof(a)) == 0);
		return 0;
	}
	CHECK(proxy_frame_build_arp(out, sizeof(out), data, &a) == PROXY_ARP_FRAME);
	CHECK(memcmp(out, data, PROXY_ARP_FRAME) == 0);
	memset(&b, 0x5a, sizeof(b)); /* same padding as @a */
	CHECK(proxy_frame_parse_arp(out, PROXY_ARP_FRAME, &b) == 0 &&
	      memcmp(&a, &b, sizeof(a)) == 0);
	c.hoa = a.spa;
	c.gateway = a.tpa;
	(void)proxy_arp_decide(&a, &c);
	return 0;
}
