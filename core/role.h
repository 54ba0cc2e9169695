/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * role.h - common base of the agent roles: class descriptor, environment, UDP 434 sockets
 * and the raw ICMP receive of the agent advertisement code.
 *
 * A role (home agent, foreign agent, proxy AP, AAP) is a class in the core,
 * BIRD style: a struct role_class names it and gives start, reconfigure and
 * stop hooks that take the role's plain config struct (struct ha_config, ...)
 * from engine.h. The engine keeps one instance per enabled role and calls the
 * hooks from the APPLY phase of a commit.
 *
 * Lifecycle of one instance:
 *
 *          start()                 stop()
 *   (off) ---------> [running] ------------> (off)
 *                      |    ^
 *        reconfigure() |    | returns 0: new config in force, live state kept
 *                      +----+
 *                      | returns -1: old config kept, error reported
 *
 * Registration messages travel on UDP port 434. role_udp_open() makes a
 * socket with IP_PKTINFO so that a receiver learns which local address a
 * datagram was sent to (its unicast address or a subnet-directed broadcast)
 * and on which interface it arrived; role_udp_send() chooses the source
 * address of an answer the same way. Tests do not open sockets: they give
 * the role a send hook in struct role_env and hand datagrams to the role's
 * input function directly.
 */
#ifndef PMIP_ROLE_H
#define PMIP_ROLE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ev_loop;
struct ks_chain;

/**
 * struct role_rx - addressing of one received datagram.
 * @src: source address and port (network byte order).
 * @dst: destination address of the IP header: a local unicast address or a broadcast address.
 * @ifindex: interface the datagram arrived on, 0 if unknown.
 */
struct role_rx {
	struct sockaddr_in src;
	struct in_addr dst;
	unsigned ifindex;
};

/**
 * typedef role_send_fn - send one datagram (the role's output hook).
 * @arg: the hook's argument from struct role_env.
 * @from: source address to use (one of the role's unicast addresses).
 * @to: destination address and port.
 * @buf: payload.
 * @len: payload length.
 *
 * Return: 0, or a negative errno.
 */
typedef int (*role_send_fn)(void *arg, struct in_addr from, const struct sockaddr_in *to,
                            const uint8_t *buf, size_t len);

/**
 * struct role_env - what the engine gives a role instance.
 * @loop: the event loop.
 * @ks_chain: the key-store chain used for authentication (borrowed); may be NULL, in which
 *            case every lookup fails as if the key store had no answer.
 * @plugin_dir: directory of the back-end plugins (tunnel-NAME.so).
 * @send: output hook for tests; NULL makes the role open and use its own UDP sockets.
 *        When set, the role opens no sockets and its input function is called directly.
 * @send_arg: argument of @send.
 */
struct role_env {
	struct ev_loop *loop;
	struct ks_chain *ks_chain;
	const char *plugin_dir;
	role_send_fn send;
	void *send_arg;
};

/**
 * struct role_class - a role as a class.
 * @name: role name as in YANG ("home-agent").
 * @start: create a running instance for config @cfg (the role's config struct, copied: the
 *	caller may free it after the call). @env is copied too. Return the instance, or NULL
 *	with @errmsg filled. Mandatory.
 * @reconfigure: put config @cfg in force on @inst, keeping live state (bindings) where the
 *	new config allows it. Requests still waiting for the key store are dropped. Return 0,
 *	or -1 with @errmsg filled and the old config kept. Mandatory.
 * @set_keystore: the engine replaced the key-store chain; @inst cancels lookups pending on
 *	the old chain (which must still exist during the call) and uses @chain from now on.
 *	Mandatory.
 * @stop: cancel pending work, remove every binding and its forwarding state, close the
 *	sockets and free @inst. NULL is allowed as @inst. Mandatory.
 */
struct role_class {
	const char *name;
	void *(*start)(const struct role_env *env, const void *cfg, char *errmsg, size_t errlen);
	int (*reconfigure)(void *inst, const void *cfg, char *errmsg, size_t errlen);
	void (*set_keystore)(void *inst, struct ks_chain *chain);
	void (*stop)(void *inst);
};

/**
 * role_udp_open - open a non-blocking UDP socket bound to @addr:@port.
 * @addr: local address: a unicast address or a subnet-directed broadcast address.
 * @port: UDP port (host byte order).
 * @errmsg: receives the reason on failure.
 * @errlen: size of @errmsg.
 *
 * The socket has IP_PKTINFO (destination address and interface of each datagram),
 * SO_BROADCAST, SO_REUSEADDR and IP_FREEBIND (so a role can start before its address is
 * configured).
 *
 * Return: the file descriptor, or -1 with @errmsg filled.
 */
int role_udp_open(struct in_addr addr, uint16_t port, char *errmsg, size_t errlen);

/**
 * role_udp_recv - receive one datagram from @fd with its addressing.
 * @fd: socket from role_udp_open().
 * @buf: receive buffer.
 * @cap: its capacity; longer datagrams are truncated and reported with their full length.
 * @rx: receives source, destination address and interface.
 *
 * Return: the datagram's length (which may exceed @cap when it was truncated), or -1 with
 * errno set (EAGAIN when nothing is queued).
 */
ssize_t role_udp_recv(int fd, uint8_t *buf, size_t cap, struct role_rx *rx);

/**
 * typedef role_input_fn - hand one received datagram to its consumer.
 * @arg: the consumer's context.
 * @buf: the datagram, at most the drain buffer's capacity (longer ones are cut there, so
 *	a decoder with a smaller maximum still sees them as oversized).
 * @len: its length.
 * @rx: its addressing.
 */
typedef void (*role_input_fn)(void *arg, const uint8_t *buf, size_t len, const struct role_rx *rx);

/**
 * role_udp_drain - read the datagrams waiting on @fd, at most @max per call (so one busy
 * socket cannot starve the loop), and pass each to @input(@arg, ...).
 * @fd: non-blocking socket from role_udp_open().
 * @buf: receive buffer, reused for every datagram.
 * @cap: its capacity.
 * @max: datagrams read at most.
 * @input: consumer.
 * @arg: its context.
 */
void role_udp_drain(int fd, uint8_t *buf, size_t cap, unsigned max, role_input_fn input, void *arg);

/**
 * role_udp_send - send a datagram from local address @from.
 * @fd: socket from role_udp_open().
 * @from: source address (set through IP_PKTINFO), or INADDR_ANY for the socket's own.
 * @to: destination address and port.
 * @buf: payload.
 * @len: payload length.
 *
 * Return: 0, or a negative errno.
 */
int role_udp_send(int fd, struct in_addr from, const struct sockaddr_in *to, const uint8_t *buf,
                  size_t len);

/**
 * role_raw_recv - receive one IPv4 datagram from a raw socket with IP_PKTINFO set.
 * @fd: raw IPv4 socket (SOCK_RAW) with the IP_PKTINFO option on.
 * @buf: receive buffer; receives the whole datagram, IPv4 header included.
 * @cap: its capacity; longer datagrams are cut there.
 * @rx: receives the addressing: @rx->src (address only, port 0) and @rx->dst from the IPv4
 *	header, @rx->ifindex from IP_PKTINFO (0 if the kernel gave none).
 * @off: receives the length of the IPv4 header, where the payload starts in @buf.
 *
 * The IPv4 header is checked: at least 20 bytes received, a header length of at least 20
 * bytes that fits in what was received. Options are skipped, not interpreted.
 *
 * Return: the payload length (bytes after the IPv4 header), -EBADMSG when the header check
 * failed (the datagram is consumed; read on), or another negative errno when the read
 * failed (-EAGAIN: nothing is queued).
 */
ssize_t role_raw_recv(int fd, uint8_t *buf, size_t cap, struct role_rx *rx, size_t *off);

/**
 * role_icmp_open - open the raw ICMP socket of an agent that advertises (HA, FA).
 *
 * Non-blocking and close-on-exec; its ICMP filter passes router solicitations only, with
 * IP_PKTINFO (read by role_raw_recv()), SO_BROADCAST, and a TTL of 1 for unicast and
 * multicast (advertisements stay on the link, RFC 1256). Needs CAP_NET_RAW.
 *
 * Return: the file descriptor, or -1 with errno set (nothing left open).
 */
int role_icmp_open(void);

/**
 * role_raw_send - send one ICMP message from a raw socket out of a given interface.
 * @fd: socket from role_icmp_open().
 * @ifindex: outgoing interface (IP_PKTINFO), 0 to let the routing table choose.
 * @from: source address (IP_PKTINFO ipi_spec_dst).
 * @to: destination address (unicast, broadcast or multicast).
 * @buf: the ICMP message (the kernel adds the IPv4 header).
 * @len: its length.
 *
 * Return: 0, or a negative errno.
 */
int role_raw_send(int fd, unsigned ifindex, struct in_addr from, struct in_addr to,
                  const uint8_t *buf, size_t len);

#endif /* PMIP_ROLE_H */
