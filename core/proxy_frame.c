/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proxy_frame.c - Ethernet/IPv4/UDP and ARP frames of the proxy access point (pure).
 */
#include <errno.h>
#include <string.h>

#include "proxy_frame.h"
#include "submap.h"
#include "wire.h"

int
proxy_frame_build_udp(uint8_t *buf, size_t cap, const struct proxy_udp_frame *f,
                      const uint8_t *payload, size_t len)
{
	uint8_t *ip = buf + PROXY_ETH_LEN, *udp = ip + 20;
	size_t tot = PROXY_ETH_IP_UDP + len;
	uint16_t ck;

	if (len > 65535 - 28 || tot > cap)
		return -EMSGSIZE;
	memcpy(buf, f->dst_mac, PROXY_MAC_LEN);
	memcpy(buf + 6, f->src_mac, PROXY_MAC_LEN);
	wire_put16(buf + 12, PROXY_ETH_P_IP);
	/* UDP header and payload, checksummed with the pseudo header placed before it. */
	memcpy(udp + 8, payload, len);
	memcpy(ip + 8, &f->src, 4);
	memcpy(ip + 12, &f->dst, 4);
	ip[16] = 0;
	ip[17] = 17;
	wire_put16(ip + 18, (uint16_t)(8 + len));
	wire_put16(udp, f->sport);
	wire_put16(udp + 2, f->dport);
	wire_put16(udp + 4, (uint16_t)(8 + len));
	wire_put16(udp + 6, 0);
	ck = wire_cksum(ip + 8, 12 + 8 + len);
	wire_put16(udp + 6, ck == 0 ? 0xffff : ck);
	/* IPv4 header, written over the pseudo header. */
	memset(ip, 0, 20);
	ip[0] = 0x45;
	wire_put16(ip + 2, (uint16_t)(20 + 8 + len));
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &f->src, 4);
	memcpy(ip + 16, &f->dst, 4);
	wire_put16(ip + 10, wire_cksum(ip, 20));
	return (int)tot;
}

int
proxy_frame_parse_udp(const uint8_t *frame, size_t len, struct proxy_udp_frame *out)
{
	const uint8_t *ip = frame + PROXY_ETH_LEN, *udp;
	size_t ihl, tot, ulen;

	if (len < PROXY_ETH_IP_UDP || wire_get16(frame + 12) != PROXY_ETH_P_IP)
		return -EINVAL;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = wire_get16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl + 8 || tot > len - PROXY_ETH_LEN ||
	    wire_cksum(ip, ihl) != 0 || ip[9] != 17 || (wire_get16(ip + 6) & 0x3fff) != 0)
		return -EINVAL;
	udp = ip + ihl;
	ulen = wire_get16(udp + 4);
	if (ulen < 8 || ulen > tot - ihl)
		return -EINVAL;
	memcpy(out->dst_mac, frame, PROXY_MAC_LEN);
	memcpy(out->src_mac, frame + 6, PROXY_MAC_LEN);
	memcpy(&out->src, ip + 12, 4);
	memcpy(&out->dst, ip + 16, 4);
	out->sport = wire_get16(udp);
	out->dport = wire_get16(udp + 2);
	out->payload = udp + 8;
	out->len = ulen - 8;
	return 0;
}

int
proxy_frame_parse_arp(const uint8_t *frame, size_t len, struct proxy_arp *out)
{
	const uint8_t *a = frame + PROXY_ETH_LEN;
	uint16_t op;

	if (len < PROXY_ARP_FRAME || wire_get16(frame + 12) != PROXY_ETH_P_ARP ||
	    wire_get16(a) != 1 || wire_get16(a + 2) != PROXY_ETH_P_IP || a[4] != 6 || a[5] != 4)
		return -EINVAL;
	op = wire_get16(a + 6);
	if (op != PROXY_ARP_REQUEST && op != PROXY_ARP_REPLY)
		return -EINVAL;
	memcpy(out->eth_src, frame + 6, PROXY_MAC_LEN);
	out->op = op;
	memcpy(out->sha, a + 8, PROXY_MAC_LEN);
	memcpy(&out->spa, a + 14, 4);
	memcpy(out->tha, a + 18, PROXY_MAC_LEN);
	memcpy(&out->tpa, a + 24, 4);
	return 0;
}

int
proxy_frame_build_arp(uint8_t *buf, size_t cap, const uint8_t eth_dst[PROXY_MAC_LEN],
                      const struct proxy_arp *a)
{
	uint8_t *p = buf + PROXY_ETH_LEN;

	if (cap < PROXY_ARP_FRAME)
		return -EMSGSIZE;
	memcpy(buf, eth_dst, PROXY_MAC_LEN);
	memcpy(buf + 6, a->eth_src, PROXY_MAC_LEN);
	wire_put16(buf + 12, PROXY_ETH_P_ARP);
	wire_put16(p, 1);
	wire_put16(p + 2, PROXY_ETH_P_IP);
	p[4] = 6;
	p[5] = 4;
	wire_put16(p + 6, a->op);
	memcpy(p + 8, a->sha, PROXY_MAC_LEN);
	memcpy(p + 14, &a->spa, 4);
	memcpy(p + 18, a->tha, PROXY_MAC_LEN);
	memcpy(p + 24, &a->tpa, 4);
	return PROXY_ARP_FRAME;
}

enum proxy_arp_verdict
proxy_arp_decide(const struct proxy_arp *a, const struct proxy_arp_client *c)
{
	uint32_t mask = submap_mask(c->home_len);

	if (a->op != PROXY_ARP_REQUEST || !c->known || !c->intercept)
		return PROXY_ARP_IGNORE;
	if (a->spa.s_addr != c->hoa.s_addr || memcmp(a->sha, a->eth_src, PROXY_MAC_LEN) != 0)
		return PROXY_ARP_IGNORE;
	if (a->tpa.s_addr == INADDR_ANY || a->tpa.s_addr == c->hoa.s_addr)
		return PROXY_ARP_IGNORE;
	if (c->gateway.s_addr != INADDR_ANY && a->tpa.s_addr == c->gateway.s_addr)
		return PROXY_ARP_ANSWER_GATEWAY;
	if ((a->tpa.s_addr & mask) != (c->home_prefix.s_addr & mask))
		return PROXY_ARP_ANSWER_OFF_LINK;
	/* The subnet broadcast address of the home prefix is never a unicast neighbour. */
	if (c->home_len < 31 && (a->tpa.s_addr | mask) == 0xffffffffu)
		return PROXY_ARP_IGNORE;
	return c->target_is_local_client ? PROXY_ARP_IGNORE : PROXY_ARP_ANSWER_HOME;
}
