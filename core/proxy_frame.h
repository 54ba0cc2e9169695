/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proxy_frame.h - link-level frames of the proxy access point: pure builders and parsers.
 *
 * The proxy access point talks to the foreign agent as the client would, at link level:
 * it builds whole Ethernet frames (Ethernet II + IPv4 + UDP) carrying a registration
 * request from the client's MAC and home address, reads the foreign agent's replies as
 * frames, and answers or sends ARP on the client-facing port. Everything here is a pure
 * function over byte buffers, with no I/O and no allocation, so it is unit-tested and
 * fuzzed (tests/fuzz/fuzz_proxy_frame.c); proxy_io.c holds the sockets.
 *
 * proxy_arp_decide() is the interception policy as a pure function (docs/proxy.md).
 */
#ifndef PMIP_PROXY_FRAME_H
#define PMIP_PROXY_FRAME_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROXY_MAC_LEN     6
#define PROXY_ETH_LEN     14
#define PROXY_ETH_IP_UDP  (PROXY_ETH_LEN + 20 + 8) /* headers in front of a datagram */
#define PROXY_ARP_FRAME   (PROXY_ETH_LEN + 28)     /* an Ethernet ARP frame, no padding */
#define PROXY_ETH_P_IP    0x0800
#define PROXY_ETH_P_ARP   0x0806
#define PROXY_ARP_REQUEST 1
#define PROXY_ARP_REPLY   2

/**
 * struct proxy_udp_frame - a parsed Ethernet/IPv4/UDP frame.
 * @dst_mac, @src_mac: Ethernet addresses.
 * @src, @dst: IPv4 addresses (network byte order).
 * @sport, @dport: UDP ports (host order).
 * @payload: the UDP payload, pointing into the frame.
 * @len: its length (from the UDP length field, checked against the IP and frame lengths).
 */
struct proxy_udp_frame {
	uint8_t dst_mac[PROXY_MAC_LEN];
	uint8_t src_mac[PROXY_MAC_LEN];
	struct in_addr src, dst;
	uint16_t sport, dport;
	const uint8_t *payload;
	size_t len;
};

/**
 * proxy_frame_build_udp - build an Ethernet II + IPv4 + UDP frame around @payload.
 * @buf: output.
 * @cap: its capacity.
 * @f: addresses and ports (@f->payload and @f->len are ignored).
 * @payload: the UDP payload.
 * @len: its length.
 *
 * IPv4: version 4, IHL 5, DF, TTL 64, identification 0, header checksum; UDP checksum
 * over the pseudo header (0 is sent as 0xffff).
 *
 * Return: the frame length, or -EMSGSIZE when it does not fit in @cap or in an IP packet.
 */
int proxy_frame_build_udp(uint8_t *buf, size_t cap, const struct proxy_udp_frame *f,
                          const uint8_t *payload, size_t len);

/**
 * proxy_frame_parse_udp - parse an Ethernet II frame carrying an unfragmented IPv4/UDP datagram.
 * @frame: the frame, from the destination MAC on.
 * @len: its length (trailing Ethernet padding allowed).
 * @out: receives the fields; untouched on error.
 *
 * Checks: ethertype IPv4, version 4, IHL >= 5 within the frame, total length within the
 * frame, header checksum, protocol UDP, not a fragment, UDP length >= 8 and within the IP
 * packet. The UDP checksum is not verified (the kernel does that for received packets;
 * outgoing frames on a port may carry a partial checksum).
 *
 * Return: 0, or -EINVAL.
 */
int proxy_frame_parse_udp(const uint8_t *frame, size_t len, struct proxy_udp_frame *out);

/**
 * struct proxy_arp - a parsed Ethernet/IPv4 ARP packet.
 * @eth_src: Ethernet source of the frame.
 * @op: PROXY_ARP_REQUEST or PROXY_ARP_REPLY (others are rejected).
 * @sha, @spa: sender hardware and protocol address.
 * @tha, @tpa: target hardware and protocol address.
 */
struct proxy_arp {
	uint8_t eth_src[PROXY_MAC_LEN];
	uint16_t op;
	uint8_t sha[PROXY_MAC_LEN];
	struct in_addr spa;
	uint8_t tha[PROXY_MAC_LEN];
	struct in_addr tpa;
};

/**
 * proxy_frame_parse_arp - parse an Ethernet II ARP frame (hardware Ethernet, protocol IPv4).
 * @frame: the frame, from the destination MAC on.
 * @len: its length.
 * @out: receives the fields; untouched on error.
 *
 * Return: 0, or -EINVAL (wrong ethertype, hardware or protocol type or lengths, an
 * operation other than request or reply, or too short).
 */
int proxy_frame_parse_arp(const uint8_t *frame, size_t len, struct proxy_arp *out);

/**
 * proxy_frame_build_arp - build an Ethernet II ARP frame.
 * @buf: output, at least PROXY_ARP_FRAME bytes.
 * @cap: its capacity.
 * @eth_dst: Ethernet destination.
 * @a: the ARP fields; @a->eth_src is the Ethernet source.
 *
 * Return: PROXY_ARP_FRAME, or -EMSGSIZE.
 */
int proxy_frame_build_arp(uint8_t *buf, size_t cap, const uint8_t eth_dst[PROXY_MAC_LEN],
                          const struct proxy_arp *a);

/** enum proxy_arp_verdict - what to do with an ARP request from a client. */
enum proxy_arp_verdict {
	PROXY_ARP_IGNORE = 0,      /* not ours to answer */
	PROXY_ARP_ANSWER_GATEWAY,  /* answer: the client's gateway */
	PROXY_ARP_ANSWER_OFF_LINK, /* answer: outside the client's home prefix */
	PROXY_ARP_ANSWER_HOME,     /* answer: in the home prefix, not a client of this link */
};

/**
 * struct proxy_arp_client - what proxy_arp_decide() needs to know about the sender.
 * @known: the sender MAC is a client the proxy tracks with that home address.
 * @intercept: it visits and is registered, or being registered, through a foreign agent
 *	whose MAC is known.
 * @hoa: its home address.
 * @home_prefix: its home prefix from the subnet map (network order) ...
 * @home_len: ... and its length.
 * @gateway: its gateway as reported by discovery, or INADDR_ANY.
 * @target_is_local_client: the ARP target is the address of another client seen on this
 *	client-facing link.
 */
struct proxy_arp_client {
	bool known;
	bool intercept;
	struct in_addr hoa;
	struct in_addr home_prefix;
	uint8_t home_len;
	struct in_addr gateway;
	bool target_is_local_client;
};

/**
 * proxy_arp_decide - the interception policy for one ARP request from a client (pure).
 * @a: the parsed request.
 * @c: the sender as the proxy knows it.
 *
 * Answered (with the foreign agent's MAC) only for a request from a known, intercepted
 * client, sent from its own MAC and home address, whose target is neither 0.0.0.0 nor its
 * own address (gratuitous ARP, duplicate address probes) and is: its gateway; or an
 * address outside its home prefix; or an address inside its home prefix that is not
 * another client of this link (those answer for themselves across the bridge).
 *
 * Return: the verdict.
 */
enum proxy_arp_verdict proxy_arp_decide(const struct proxy_arp *a,
                                        const struct proxy_arp_client *c);

#endif /* PMIP_PROXY_FRAME_H */
