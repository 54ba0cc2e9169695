/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proxy_io.c - proxy access point sockets: the client-facing port, the bridge, home agents.
 *
 * Three sockets, nothing else (the frames are built and parsed in proxy_frame.c):
 *
 *   port    AF_PACKET, SOCK_RAW, ETH_P_ALL, bound to client-facing interface. A classic BPF
 *           filter passes only ARP frames and unfragmented IPv4/UDP frames from source
 *           port 434, so the socket wakes for candidates only. Incoming ARP comes from the
 *           clients; UDP frames seen leaving the port (PACKET_OUTGOING) are foreign agents'
 *           replies on their way to clients. ARP replies and probes to clients are sent
 *           on this socket, straight out of the port.
 *   bridge  AF_PACKET, SOCK_RAW, protocol 0 (sends only), toward the bridge that the
 *           client-facing interface is a port of: registration requests as whole frames
 *           from the client's MAC and home address to the foreign agent's MAC. The bridge
 *           forwards them to the LAN; frames a host sends through its bridge device do not
 *           update the bridge's forwarding database, so the client's entry stays on its port.
 *   udp     AF_INET datagram socket on an ephemeral port: deregistrations sent straight to
 *           home agents for clients at home, and their replies.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ev.h"
#include "mip_codes.h"
#include "proxy_int.h"

#define PROXY_RX_BUDGET 64

static void
proxy_port_readable(int fd, unsigned what, void *arg)
{
	struct proxy *px = arg;

	for (int i = 0; i < PROXY_RX_BUDGET; i++) {
		struct sockaddr_ll ll;
		socklen_t sl = sizeof(ll);
		ssize_t n = recvfrom(fd, px->rx, sizeof(px->rx), MSG_TRUNC, (struct sockaddr *)&ll,
		                     &sl);

		if (n < 0)
			return;
		if ((size_t)n > sizeof(px->rx)) {
			px->cnt.frames_bad++;
			continue;
		}
		proxy_port_input(px, px->rx, (size_t)n, ll.sll_pkttype == PACKET_OUTGOING);
	}
}

static void
proxy_udp_readable(int fd, unsigned what, void *arg)
{
	struct proxy *px = arg;

	for (int i = 0; i < PROXY_RX_BUDGET; i++) {
		struct sockaddr_in from;
		socklen_t sl = sizeof(from);
		ssize_t n = recvfrom(fd, px->rx, sizeof(px->rx), MSG_TRUNC,
		                     (struct sockaddr *)&from, &sl);

		if (n < 0)
			return;
		if ((size_t)n > sizeof(px->rx) || from.sin_family != AF_INET) {
			px->cnt.replies_malformed++;
			continue;
		}
		proxy_ha_input(px, px->rx, (size_t)n, &from);
	}
}

/* The bridge that @port is enslaved to: /sys/class/net/PORT/master. */
static unsigned
proxy_bridge_of(const char *port, char *name, size_t cap)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/master", port);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	snprintf(name, cap, "%s", basename(target));
	return if_nametoindex(name);
}

int
proxy_io_open(struct proxy *px, char *errmsg, size_t errlen)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12), /* ethertype */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROXY_ETH_P_ARP, 8, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROXY_ETH_P_IP, 0, 8),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 9), /* IP protocol */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 6),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 14 + 6), /* fragment offset, MF */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, 4, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14), /* X = IP header length */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 14),  /* UDP source port */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MIP_UDP_PORT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, PROXY_RX_LEN),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	struct sockaddr_in any = { .sin_family = AF_INET };
	char bridge[IF_NAMESIZE] = "";

	px->port_ifindex = if_nametoindex(px->cfg.client_if);
	if (px->port_ifindex == 0) {
		snprintf(errmsg, errlen, "client-interface %s does not exist", px->cfg.client_if);
		return 1;
	}
	px->bridge_ifindex = proxy_bridge_of(px->cfg.client_if, bridge, sizeof(bridge));
	if (px->bridge_ifindex == 0) {
		snprintf(errmsg, errlen, "client-interface %s is not a port of a bridge",
		         px->cfg.client_if);
		return 1;
	}
	ll.sll_ifindex = (int)px->port_ifindex;
	px->fd_port = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (px->fd_port < 0 ||
	    setsockopt(px->fd_port, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    bind(px->fd_port, (struct sockaddr *)&ll, sizeof(ll)) < 0) {
		snprintf(errmsg, errlen, "packet socket on %s: %s", px->cfg.client_if,
		         strerror(errno));
		return -1;
	}
	px->fd_bridge = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (px->fd_bridge < 0) {
		snprintf(errmsg, errlen, "packet socket on %s: %s", bridge, strerror(errno));
		return -1;
	}
	px->fd_udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (px->fd_udp < 0 || bind(px->fd_udp, (struct sockaddr *)&any, sizeof(any)) < 0) {
		snprintf(errmsg, errlen, "UDP socket: %s", strerror(errno));
		return -1;
	}
	px->io_port = ev_io_new(px->env.loop, px->fd_port, EV_IO_READ, proxy_port_readable, px);
	px->io_udp = ev_io_new(px->env.loop, px->fd_udp, EV_IO_READ, proxy_udp_readable, px);
	if (px->io_port == NULL || px->io_udp == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return -1;
	}
	log_debug(LOG_SS_PROXY, "clients on %s (index %u), requests through bridge %s (index %u)",
	          px->cfg.client_if, px->port_ifindex, bridge, px->bridge_ifindex);
	return 0;
}

void
proxy_io_close(struct proxy *px)
{
	ev_io_free(px->io_port);
	ev_io_free(px->io_udp);
	px->io_port = px->io_udp = NULL;
	if (px->fd_port >= 0)
		close(px->fd_port);
	if (px->fd_bridge >= 0)
		close(px->fd_bridge);
	if (px->fd_udp >= 0)
		close(px->fd_udp);
	px->fd_port = px->fd_bridge = px->fd_udp = -1;
}

static int
proxy_io_send_ll(int fd, unsigned ifindex, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
		                  .sll_ifindex = (int)ifindex,
		                  .sll_halen = PROXY_MAC_LEN };

	if (fd < 0)
		return -ENOTCONN;
	memcpy(ll.sll_addr, frame, PROXY_MAC_LEN);
	return sendto(fd, frame, len, 0, (struct sockaddr *)&ll, sizeof(ll)) < 0 ? -errno : 0;
}

int
proxy_io_send_bridge(struct proxy *px, const uint8_t *frame, size_t len)
{
	return proxy_io_send_ll(px->fd_bridge, px->bridge_ifindex, frame, len);
}

int
proxy_io_send_port(struct proxy *px, const uint8_t *frame, size_t len)
{
	return proxy_io_send_ll(px->fd_port, px->port_ifindex, frame, len);
}

int
proxy_io_send_udp(struct proxy *px, struct in_addr ha, const uint8_t *msg, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
		                  .sin_port = htons(MIP_UDP_PORT),
		                  .sin_addr = ha };

	if (px->fd_udp < 0)
		return -ENOTCONN;
	return sendto(px->fd_udp, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -errno : 0;
}
