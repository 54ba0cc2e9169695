/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dicmp_parse.h - discovery-icmp's pure parts: an IPv4 packet to an agent.
 *
 * The packet socket hands over whole IPv4 packets (link-layer header
 * removed), so the IPv4 header is checked here before the ICMP part goes to
 * the advertisement codec (core/mip_adv.h). The agent helpers turn a decoded
 * advertisement into a struct disc_agent and tell which reported fields
 * changed between two advertisements of the same agent.
 */
#ifndef PMIP_DICMP_PARSE_H
#define PMIP_DICMP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "discovery.h"
#include "mip_adv.h"

/** enum dicmp_rx - what a received packet is. */
enum dicmp_rx {
	DICMP_RX_ADV = 0,     /* a valid agent advertisement */
	DICMP_RX_OTHER = 1,   /* valid, but no agent advertisement (plain IRDP, other type) */
	DICMP_RX_INVALID = 2, /* malformed: see the reason string */
};

/**
 * struct dicmp_pkt - a parsed packet.
 * @src: IPv4 source address.
 * @dst: IPv4 destination address.
 * @ttl: IPv4 time to live.
 * @adv: the decoded advertisement (DICMP_RX_ADV only).
 */
struct dicmp_pkt {
	struct in_addr src;
	struct in_addr dst;
	uint8_t ttl;
	struct mip_adv adv;
};

/**
 * dicmp_parse - check an IPv4 packet and decode the agent advertisement in it.
 * @pkt: the packet from its IPv4 header on.
 * @len: bytes available at @pkt (link-layer padding after the IPv4 total
 *	length is allowed and ignored).
 * @out: filled as far as the packet is valid.
 * @why: receives a constant reason for DICMP_RX_INVALID and DICMP_RX_OTHER.
 *
 * Checks: version 4, header length, total length within @len, header
 * checksum, not a fragment, protocol ICMP; then mip_adv_decode() on the
 * ICMP part. An ICMP type other than 9, and a router advertisement without
 * the mobility agent extension, are DICMP_RX_OTHER.
 *
 * Return: the classification.
 */
enum dicmp_rx dicmp_parse(const uint8_t *pkt, size_t len, struct dicmp_pkt *out, const char **why);

/**
 * dicmp_agent_from_adv - the reported view of an advertisement.
 * @p: a packet that dicmp_parse() classified DICMP_RX_ADV.
 * @out: filled: address (IP source), roles (H, F), flags, lifetimes, seq,
 *	care-of addresses (the first DISC_COA_MAX), the prefix length of the
 *	router entry equal to the source address. Interface and MAC are left
 *	zero for the caller.
 */
void dicmp_agent_from_adv(const struct dicmp_pkt *p, struct disc_agent *out);

/**
 * dicmp_agent_changed - did an agent's reported data change?
 * @old: the data last reported.
 * @cur: the data of a new advertisement.
 *
 * Compared: roles, flags, maximum registration lifetime, care-of addresses
 * (count and order), prefix length, link-layer address. Not compared:
 * sequence number and advertisement lifetime, which change without news.
 *
 * Return: true when a new DISC_AGENT_FOUND is due.
 */
bool dicmp_agent_changed(const struct disc_agent *old, const struct disc_agent *cur);

#endif /* PMIP_DICMP_PARSE_H */
