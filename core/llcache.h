/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * llcache.h - link-layer sources of registration requests (packet socket + small cache).
 *
 * The UDP socket of a role does not tell the MAC address a request came from, but the HA
 * (to announce a node back home) and the FA (to answer a visitor on its link) need it. An
 * AF_PACKET socket with a classic BPF filter sees the IPv4 frames to the role's UDP port
 * (unfragmented only) and llcache_drain() files each one under (ifindex, source address,
 * source port) in a small hashed cache: one slot per key, the last frame wins. The role
 * drains the packet socket before it reads its UDP sockets, so the frame of a datagram is in
 * the cache when the datagram is handled, and llcache_lookup() finds it by the datagram's
 * addressing (struct role_rx).
 */
#ifndef PMIP_LLCACHE_H
#define PMIP_LLCACHE_H

#include <netinet/in.h>
#include <stdint.h>

#include "role.h"

#define LLCACHE_MAC_LEN 6   /* Ethernet */
#define LLCACHE_SLOTS   256 /* observations kept */

/**
 * struct llcache_obs - link-layer source of one frame to the role's UDP port.
 * @ifindex: interface it arrived on (0: empty slot).
 * @src: IPv4 source address.
 * @port: UDP source port (host byte order).
 * @mac: link-layer source address.
 */
struct llcache_obs {
	unsigned ifindex;
	struct in_addr src;
	uint16_t port;
	uint8_t mac[LLCACHE_MAC_LEN];
};

/** struct llcache - the cache: zero-initialised means empty. */
struct llcache {
	struct llcache_obs slot[LLCACHE_SLOTS];
};

/**
 * llcache_socket - open the packet socket for frames to UDP port @udp_port.
 * @udp_port: the role's UDP port (host byte order).
 *
 * A non-blocking, close-on-exec AF_PACKET/SOCK_DGRAM socket for IPv4 whose filter passes
 * the first 64 bytes of unfragmented UDP datagrams to @udp_port. Needs CAP_NET_RAW. The
 * socket can also send frames (sockaddr_ll addressing).
 *
 * Return: the file descriptor, or -1 with errno set (nothing left open).
 */
int llcache_socket(uint16_t udp_port);

/**
 * llcache_drain - read pending frames from @fd into @c.
 * @c: the cache.
 * @fd: the socket from llcache_socket(); a negative value reads nothing.
 * @max: most frames read in this call.
 *
 * Outgoing frames, frames with a link-layer address other than 6 bytes and frames too short
 * for an IPv4 header and a UDP header (within the 64 captured bytes) are skipped.
 */
void llcache_drain(struct llcache *c, int fd, unsigned max);

/**
 * llcache_lookup - link-layer source of the datagram @rx.
 * @c: the cache.
 * @rx: addressing of a datagram received on a UDP socket.
 *
 * Return: the MAC address of the last frame seen from (@rx->ifindex, @rx->src), valid until
 * the next llcache_drain(); NULL if none was seen (or @rx->ifindex is 0).
 */
const uint8_t *llcache_lookup(const struct llcache *c, const struct role_rx *rx);

#endif /* PMIP_LLCACHE_H */
