/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * llcache.c - link-layer sources of registration requests, shared by the HA and the FA.
 *
 * See llcache.h. The cache is a plain array indexed by a multiplicative hash of the key;
 * a collision replaces the older entry, which only costs a lookup miss (the role then acts
 * as if the source were unknown).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "llcache.h"
#include "wire.h"

#define LLCACHE_SNAPLEN 64 /* bytes of each frame read: IPv4 header with options + UDP header */

static size_t
llcache_slot(unsigned ifindex, struct in_addr src, uint16_t port)
{
	uint32_t h = (ntohl(src.s_addr) ^ ((uint32_t)port << 16) ^ ifindex) * 2654435761u;

	return (h >> 16) % LLCACHE_SLOTS;
}

int
llcache_socket(uint16_t udp_port)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9), /* IP protocol */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6), /* fragment offset */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2), /* UDP destination port */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, udp_port, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, LLCACHE_SNAPLEN),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IP));

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

void
llcache_drain(struct llcache *c, int fd, unsigned max)
{
	uint8_t b[LLCACHE_SNAPLEN];

	for (unsigned i = 0; fd >= 0 && i < max; i++) {
		struct sockaddr_ll ll;
		socklen_t sl = sizeof(ll);
		ssize_t n = recvfrom(fd, b, sizeof(b), MSG_TRUNC, (struct sockaddr *)&ll, &sl);
		struct llcache_obs o;
		size_t ihl;

		if (n < 0)
			return;
		ihl = (size_t)(b[0] & 0xf) * 4;
		if (ll.sll_pkttype == PACKET_OUTGOING || ll.sll_halen != LLCACHE_MAC_LEN ||
		    ihl < 20 || (size_t)n < ihl + 8 || ihl + 8 > sizeof(b))
			continue;
		o.ifindex = (unsigned)ll.sll_ifindex;
		memcpy(&o.src, b + 12, 4);
		o.port = wire_get16(b + ihl);
		memcpy(o.mac, ll.sll_addr, LLCACHE_MAC_LEN);
		c->slot[llcache_slot(o.ifindex, o.src, o.port)] = o;
	}
}

const uint8_t *
llcache_lookup(const struct llcache *c, const struct role_rx *rx)
{
	uint16_t port = ntohs(rx->src.sin_port);
	const struct llcache_obs *o = &c->slot[llcache_slot(rx->ifindex, rx->src.sin_addr, port)];

	if (rx->ifindex == 0 || o->ifindex != rx->ifindex ||
	    o->src.s_addr != rx->src.sin_addr.s_addr || o->port != port)
		return NULL;
	return o->mac;
}
