/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dpcap_frame.c - discovery-pcap's pure parts: frame classifier and client rules.
 *
 * Every read is preceded by a length check against the captured length;
 * tests/unit/test_disc_pcap.c covers the rules and tests/fuzz/fuzz_disc_frame.c
 * feeds the classifier arbitrary bytes.
 */
#include <string.h>

#include "dpcap_frame.h"
#include "wire.h"

#define DPCAP_ETH_HDR     14
#define DPCAP_VLAN_TAG    4
#define DPCAP_ETH_IP      0x0800
#define DPCAP_ETH_ARP     0x0806
#define DPCAP_ETH_VLAN    0x8100
#define DPCAP_ARP_LEN     28
#define DPCAP_IP_MIN      20
#define DPCAP_PROTO_ICMP  1
#define DPCAP_PROTO_UDP   17
#define DPCAP_ICMP_SOL    10
#define DPCAP_PORT_BOOTPS 67
#define DPCAP_PORT_BOOTPC 68
#define DPCAP_PORT_MIP    434

static enum dpcap_kind
dpcap_invalid(struct dpcap_frame *out, const char **why, const char *reason)
{
	*why = reason;
	out->kind = DPCAP_INVALID;
	return DPCAP_INVALID;
}

static enum dpcap_kind
dpcap_arp(const uint8_t *p, size_t len, struct dpcap_frame *out, const char **why)
{
	if (len < DPCAP_ARP_LEN)
		return dpcap_invalid(out, why, "short ARP");
	if (wire_get16(p) != 1 || wire_get16(p + 2) != DPCAP_ETH_IP || p[4] != 6 || p[5] != 4)
		return dpcap_invalid(out, why, "ARP not IPv4 over Ethernet");
	out->arp_op = wire_get16(p + 6);
	if (out->arp_op != 1 && out->arp_op != 2)
		return dpcap_invalid(out, why, "ARP operation");
	memcpy(&out->src, p + 14, 4);
	memcpy(&out->dst, p + 24, 4);
	out->kind = DPCAP_ARP;
	return DPCAP_ARP;
}

static enum dpcap_kind
dpcap_ip(const uint8_t *p, size_t len, struct dpcap_frame *out, const char **why)
{
	size_t ihl, tot;
	uint8_t proto;

	if (len < DPCAP_IP_MIN || p[0] >> 4 != 4)
		return dpcap_invalid(out, why, "short or not IPv4");
	ihl = (size_t)(p[0] & 0xf) * 4;
	tot = wire_get16(p + 2);
	if (ihl < DPCAP_IP_MIN || ihl > len || tot < ihl)
		return dpcap_invalid(out, why, "IPv4 header length");
	/* The datagram ends at its total length: what follows in the capture is Ethernet
	 * padding (a frame is at least 60 bytes), never ports or an ICMP type. A capture
	 * shorter than the total length is read up to what was captured. */
	if (tot < len)
		len = tot;
	if (wire_cksum(p, ihl) != 0)
		return dpcap_invalid(out, why, "IPv4 header checksum");
	memcpy(&out->src, p + 12, 4);
	memcpy(&out->dst, p + 16, 4);
	out->kind = DPCAP_IP;
	proto = p[9];
	if ((wire_get16(p + 6) & 0x1fff) != 0)
		return DPCAP_IP; /* not the first fragment: no transport header */
	p += ihl;
	len -= ihl;
	if (proto == DPCAP_PROTO_UDP && len >= 4) {
		uint16_t sport = wire_get16(p), dport = wire_get16(p + 2);

		out->dhcp = sport == DPCAP_PORT_BOOTPC && dport == DPCAP_PORT_BOOTPS;
		out->mip = dport == DPCAP_PORT_MIP;
	} else if (proto == DPCAP_PROTO_ICMP && len >= 1) {
		out->mip = p[0] == DPCAP_ICMP_SOL;
	}
	return DPCAP_IP;
}

enum dpcap_kind
dpcap_classify(const uint8_t *f, size_t caplen, struct dpcap_frame *out, const char **why)
{
	static const uint8_t zero[DISC_MAC_LEN];
	size_t off = DPCAP_ETH_HDR;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	*why = "";
	if (caplen < DPCAP_ETH_HDR)
		return dpcap_invalid(out, why, "short Ethernet frame");
	memcpy(out->mac, f + 6, DISC_MAC_LEN);
	if ((out->mac[0] & 1) != 0 || memcmp(out->mac, zero, DISC_MAC_LEN) == 0)
		return dpcap_invalid(out, why, "multicast or zero source MAC");
	type = wire_get16(f + 12);
	if (type == DPCAP_ETH_VLAN) {
		if (caplen < DPCAP_ETH_HDR + DPCAP_VLAN_TAG)
			return dpcap_invalid(out, why, "short VLAN tag");
		type = wire_get16(f + 16);
		off += DPCAP_VLAN_TAG;
	}
	if (type == DPCAP_ETH_ARP)
		return dpcap_arp(f + off, caplen - off, out, why);
	if (type == DPCAP_ETH_IP)
		return dpcap_ip(f + off, caplen - off, out, why);
	return DPCAP_OTHER;
}

bool
dpcap_addr_usable(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 16) != 0xa9fe && (h >> 28) < 0xe;
}

void
dpcap_subnets_add(struct dpcap_subnets *s, struct in_addr addr, unsigned plen)
{
	uint32_t mask;

	if (s->n >= DPCAP_SUBNETS_MAX || plen > 32)
		return;
	mask = plen == 0 ? 0 : ~0u << (32 - plen);
	s->v[s->n].mask = mask;
	s->v[s->n].net = ntohl(addr.s_addr) & mask;
	s->n++;
}

bool
dpcap_subnets_has(const struct dpcap_subnets *s, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	for (size_t i = 0; i < s->n; i++)
		if ((h & s->v[i].mask) == s->v[i].net)
			return true;
	return false;
}

int
dpcap_client_update(struct dpcap_client *c, const struct dpcap_frame *f,
                    const struct dpcap_subnets *nets)
{
	int ev = 0;

	if (c->state == DPCAP_ST_IGNORED)
		return 0;
	if (f->dhcp || f->mip) {
		c->state = DPCAP_ST_IGNORED;
		c->reason = f->dhcp ? DISC_IGNORE_DHCP : DISC_IGNORE_OWN_MIP;
		return DISC_CLIENT_IGNORED;
	}
	if (!dpcap_addr_usable(f->src)) {
		if (c->state != DPCAP_ST_NEW)
			return 0;
		c->state = DPCAP_ST_NO_ADDR;
		c->reason = DISC_IGNORE_NO_ADDR;
		return DISC_CLIENT_IGNORED;
	}
	if (c->state != DPCAP_ST_SEEN || c->addr.s_addr != f->src.s_addr) {
		c->state = DPCAP_ST_SEEN;
		c->reason = DISC_IGNORE_NONE;
		c->addr = f->src;
		c->gateway.s_addr = INADDR_ANY;
		c->on_link = dpcap_subnets_has(nets, f->src);
		ev = DISC_CLIENT_SEEN;
	}
	if (f->kind == DPCAP_ARP && f->arp_op == 1 && c->gateway.s_addr == INADDR_ANY &&
	    f->dst.s_addr != f->src.s_addr && dpcap_addr_usable(f->dst) &&
	    !dpcap_subnets_has(nets, f->dst)) {
		c->gateway = f->dst;
		ev = DISC_CLIENT_SEEN;
	}
	return ev;
}
