/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dpcap_frame.h - discovery-pcap's pure parts: frame classifier and client rules.
 *
 * dpcap_classify() reads one captured Ethernet frame (optionally with one
 * 802.1Q tag) and says who sent it, with which IPv4 address, and whether it
 * is DHCP client traffic or the client's own Mobile IP (an agent
 * solicitation, or UDP to port 434). It never reads past the captured
 * length. dpcap_client_update() applies one classified frame to a client's
 * record and says which event is due. Both are unit-tested and fuzzed.
 */
#ifndef PMIP_DPCAP_FRAME_H
#define PMIP_DPCAP_FRAME_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "discovery.h"

#define DPCAP_SUBNETS_MAX 16

/** enum dpcap_kind - what a frame is. */
enum dpcap_kind {
	DPCAP_OTHER = 0,   /* not ARP or IPv4 (or a frame the rules do not use) */
	DPCAP_ARP = 1,     /* an IPv4-over-Ethernet ARP request or reply */
	DPCAP_IP = 2,      /* an IPv4 packet */
	DPCAP_INVALID = 3, /* malformed: see the reason */
};

/**
 * struct dpcap_frame - a classified frame.
 * @kind: the classification.
 * @mac: Ethernet source address (the client's key).
 * @src: ARP sender protocol address, or IPv4 source.
 * @dst: ARP target protocol address, or IPv4 destination.
 * @arp_op: ARP operation (1 request, 2 reply); 0 for IPv4.
 * @dhcp: a DHCP client message (UDP source port 68 to port 67).
 * @mip: the sender runs Mobile IP itself: an ICMP agent (router)
 *	solicitation, or UDP to port 434.
 */
struct dpcap_frame {
	enum dpcap_kind kind;
	uint8_t mac[DISC_MAC_LEN];
	struct in_addr src;
	struct in_addr dst;
	uint16_t arp_op;
	bool dhcp;
	bool mip;
};

/**
 * dpcap_classify - classify one captured frame.
 * @f: the frame from its Ethernet header on.
 * @caplen: bytes captured at @f.
 * @out: filled (zeroed first).
 * @why: receives a constant reason when the result is DPCAP_INVALID.
 *
 * Invalid: a frame shorter than its headers, a multicast or all-zero
 * Ethernet source, ARP with wrong sizes or operation, IPv4 with a bad
 * version, header length or checksum. Ports are read only from the first
 * fragment, and only when they were captured.
 *
 * Return: the classification, also in @out->kind.
 */
enum dpcap_kind dpcap_classify(const uint8_t *f, size_t caplen, struct dpcap_frame *out,
                               const char **why);

/**
 * dpcap_addr_usable - can @a be a client's address?
 * @a: network order.
 *
 * Return: false for 0.0.0.0/8, 127/8, 169.254/16, multicast 224/4,
 * 240/4 and 255.255.255.255.
 */
bool dpcap_addr_usable(struct in_addr a);

/** struct dpcap_subnets - the IPv4 subnets of the client interface (and its bridge). */
struct dpcap_subnets {
	size_t n;
	struct {
		uint32_t net;  /* host order, masked */
		uint32_t mask; /* host order */
	} v[DPCAP_SUBNETS_MAX];
};

/**
 * dpcap_subnets_add - add @addr/@plen to @s (ignored when full or @plen > 32).
 * @s: the set.
 * @addr: an address of the subnet, network order.
 * @plen: prefix length.
 */
void dpcap_subnets_add(struct dpcap_subnets *s, struct in_addr addr, unsigned plen);

/**
 * dpcap_subnets_has - does @a lie in one of the subnets of @s?
 * @s: the set.
 * @a: network order.
 *
 * Return: true if it does.
 */
bool dpcap_subnets_has(const struct dpcap_subnets *s, struct in_addr a);

/** enum dpcap_state - where a client record stands. */
enum dpcap_state {
	DPCAP_ST_NEW = 0,     /* created, nothing reported yet */
	DPCAP_ST_SEEN = 1,    /* reported DISC_CLIENT_SEEN */
	DPCAP_ST_IGNORED = 2, /* reported DISC_CLIENT_IGNORED (DHCP or own MIP): sticky */
	DPCAP_ST_NO_ADDR = 3, /* reported IGNORED for lack of an address; a usable one ends it */
};

/**
 * struct dpcap_client - what the rules keep about one client.
 * @state: see enum dpcap_state.
 * @reason: why it is ignored, else DISC_IGNORE_NONE.
 * @addr: its address (network order), INADDR_ANY before it has one.
 * @gateway: first off-link target of its ARP requests, or INADDR_ANY.
 * @on_link: @addr lies in one of the interface's subnets.
 */
struct dpcap_client {
	enum dpcap_state state;
	enum disc_ignore reason;
	struct in_addr addr;
	struct in_addr gateway;
	bool on_link;
};

/**
 * dpcap_client_update - apply one frame of a client to its record.
 * @c: the record (zeroed for a new client).
 * @f: a frame classified DPCAP_ARP or DPCAP_IP.
 * @nets: the interface's subnets.
 *
 * Rules, in order: an ignored client stays ignored; DHCP client traffic or
 * its own Mobile IP makes it ignored (sticky until it is gone); a frame
 * without a usable source address makes a new client ignored for lack of
 * an address and changes nothing otherwise; a usable address that is new
 * or different is taken (the gateway is forgotten with the old address);
 * an ARP request for a usable off-link target other than the sender sets
 * the gateway when none is known.
 *
 * Return: DISC_CLIENT_SEEN or DISC_CLIENT_IGNORED when one is due, else 0.
 */
int dpcap_client_update(struct dpcap_client *c, const struct dpcap_frame *f,
                        const struct dpcap_subnets *nets);

#endif /* PMIP_DPCAP_FRAME_H */
