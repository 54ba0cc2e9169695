/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tun_sys.h - kernel-facing helpers of tunnel-userspace: TUN device, netlink, ARP.
 *
 * These run on the loop thread only. Each call is one short synchronous
 * exchange with the kernel (an ioctl, one netlink request and its ack, one
 * packet sent), so none of them waits on the network.
 */
#ifndef PMIP_TUN_SYS_H
#define PMIP_TUN_SYS_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct nl_sock;

/* tun_dev.c */

/**
 * tunu_dev_open - create (or attach to) TUN device @name, up, with @mtu.
 * @name: requested name ("pmip%d" lets the kernel number it).
 * @mtu: MTU to set, or 0 to keep the kernel's.
 * @ifname: receives the device's actual name (IFNAMSIZ bytes).
 * @ifindex: receives its interface index.
 *
 * The device carries bare IPv4 packets (IFF_TUN, IFF_NO_PI) and the
 * returned descriptor is non-blocking and close-on-exec.
 * Return: the descriptor, or a negative errno (logged).
 */
int tunu_dev_open(const char *name, unsigned mtu, char ifname[IFNAMSIZ], int *ifindex);

/* tun_netlink.c */

/**
 * tunu_nl_open - open a connected NETLINK_ROUTE socket.
 *
 * Return: the socket, or NULL (logged).
 */
struct nl_sock *tunu_nl_open(void);

/**
 * tunu_nl_close - close a socket from tunu_nl_open().
 * @sk: the socket; NULL allowed.
 */
void tunu_nl_close(struct nl_sock *sk);

/**
 * tunu_nl_route - add (replace) or delete the route @dst/@plen via device @ifindex.
 * @sk: netlink socket.
 * @ifindex: output interface (the TUN device, or a visitor's link).
 * @dst: destination, masked to @plen.
 * @plen: prefix length, 0 to 32.
 * @table: routing table, 0 for main.
 * @add: true to add or replace, false to delete.
 *
 * Deleting a route that does not exist succeeds.
 * Return: 0 or a negative errno.
 */
int tunu_nl_route(struct nl_sock *sk, int ifindex, struct in_addr dst, unsigned plen,
                  uint32_t table, bool add);

/**
 * tunu_nl_src_rule - add or delete the rule "from @src/32 iif @iif lookup @table".
 * @sk: netlink socket.
 * @src: source address the rule matches.
 * @iif: input interface name, or NULL for any.
 * @table: table to look up.
 * @prio: rule priority.
 * @add: true to add, false to delete.
 *
 * Used for reverse tunnelling: packets from a visitor go to a table whose
 * default route is the TUN device. An existing rule or a missing one on
 * delete is not an error.
 * Return: 0 or a negative errno.
 */
int tunu_nl_src_rule(struct nl_sock *sk, struct in_addr src, const char *iif, uint32_t table,
                     uint32_t prio, bool add);

/**
 * tunu_nl_neigh - add (replace) or delete a neighbour or a proxy-ARP entry.
 * @sk: netlink socket.
 * @ifindex: interface of the entry.
 * @addr: IPv4 address.
 * @lladdr: link-layer address (6 bytes) of a permanent neighbour; NULL for a proxy entry.
 * @proxy: true for a proxy entry (NTF_PROXY): the kernel answers ARP for @addr on @ifindex.
 * @add: true to add or replace, false to delete.
 *
 * Deleting an entry that does not exist succeeds.
 * Return: 0 or a negative errno.
 */
int tunu_nl_neigh(struct nl_sock *sk, int ifindex, struct in_addr addr, const uint8_t *lladdr,
                  bool proxy, bool add);

/**
 * tunu_nl_devconf - set IPv4 devconf @which (IPV4_DEVCONF_*) of @ifindex to @val.
 * @sk: netlink socket.
 * @ifindex: interface.
 * @which: IPV4_DEVCONF_PROXY_ARP, IPV4_DEVCONF_RP_FILTER, ...
 * @val: new value.
 * @old: receives the previous value; may be NULL.
 *
 * Return: 0 or a negative errno.
 */
int tunu_nl_devconf(struct nl_sock *sk, int ifindex, int which, uint32_t val, uint32_t *old);

/* tun_arp.c */

struct ev_loop;
struct tun_arp_proxy;
struct tunu_arp;

/**
 * tunu_arp_new - create the proxy-ARP table and gratuitous-ARP scheduler of an instance.
 * @loop: the event loop (responder sockets, repeat timers).
 * @sk: netlink socket for kernel proxy entries; borrowed, must outlive the result.
 *
 * Return: the table, or NULL on ENOMEM.
 */
struct tunu_arp *tunu_arp_new(struct ev_loop *loop, struct nl_sock *sk);

/**
 * tunu_arp_free - remove every proxy entry (kernel ones included), cancel repeats, free.
 * @a: the table; NULL allowed.
 */
void tunu_arp_free(struct tunu_arp *a);

/**
 * tunu_arp_proxy_add - start answering ARP as @pa says.
 * @a: the table.
 * @pa: the entry. An entry for one address, for any requester, answered
 *	with the interface's own address becomes a kernel NTF_PROXY entry; one
 *	for every address likewise sets the interface's proxy_arp; the rest
 *	(a requester filter or another answer address) is answered by a
 *	responder on an AF_PACKET socket run from the loop.
 *
 * Return: 0, -EEXIST, -ENODEV, or another negative errno.
 */
int tunu_arp_proxy_add(struct tunu_arp *a, const struct tun_arp_proxy *pa);

/**
 * tunu_arp_proxy_del - stop answering for the entry with @pa's key.
 * @a: the table.
 * @pa: the key (everything but the answer address).
 *
 * Also cancels the gratuitous ARP series still running for the address on
 * the interface (not for the 0.0.0.0 entry).
 *
 * Return: 0 or -ENOENT.
 */
int tunu_arp_proxy_del(struct tunu_arp *a, const struct tun_arp_proxy *pa);

/**
 * tunu_arp_announce - send @count gratuitous ARP replies about 1 s apart.
 * @a: the table.
 * @ifname: interface.
 * @addr: address announced.
 * @mac: link-layer address announced; NULL or all zero for the interface's own.
 * @count: number of replies (1 to 10); the first leaves at once.
 *
 * A series still running for @addr on @ifname is cancelled first: the new
 * one replaces it.
 *
 * Return: 0 or a negative errno (nothing scheduled then).
 */
int tunu_arp_announce(struct tunu_arp *a, const char *ifname, struct in_addr addr,
                      const uint8_t *mac, unsigned count);

#endif /* PMIP_TUN_SYS_H */
