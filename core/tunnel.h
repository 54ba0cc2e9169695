/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tunnel.h - tunnel plugin class: the data plane and every kernel change it needs.
 *
 * The roles decide what must be forwarded; a tunnel back end makes it so.
 * tunnel-userspace (the one CI runs, since the test kernel has no ipip or gre
 * devices) carries inner packets through a TUN device and encapsulated ones
 * through raw IP sockets for protocols 4, 47 and 55; an optional
 * tunnel-kernel would use rtnetlink ipip/gre devices instead.
 *
 * Every operation that changes kernel state (tunnels, routes, neighbour and
 * proxy-ARP entries, ARP transmission) goes through these ops, so that the
 * whole class can later move into a privileged parent process behind a
 * checked message boundary.
 *
 * Objects:
 *   - a tunnel: (local, remote, encapsulation, GRE key), named by the id that
 *     tunnel_add() returns. It decapsulates what @remote sends to @local and
 *     forwards the inner packet; it encapsulates what routes send into it.
 *     The core shares one tunnel among all bindings with the same endpoints.
 *   - a route: a host (or prefix) route into a tunnel (HA: home address ->
 *     care-of address), or to a link-layer address on an interface without
 *     ARP (FA: deliver-to-visitor).
 *   - a reverse entry (RFC 3024): packets from a source address, optionally
 *     arriving on an interface, go into a tunnel instead of being routed.
 *   - a proxy-ARP entry: answer ARP for an address on an interface (HA home-
 *     link interception; proxy AP interception of a visitor's ARP).
 *
 * Calling rules: all ops run on the loop thread and are synchronous; they may
 * make a bounded netlink round trip but must not block otherwise. Adds of an
 * existing object return -EEXIST, deletes of a missing one -ENOENT, and both
 * change nothing on error. Deleting a tunnel deletes the routes and reverse
 * entries that point into it. Addresses are in network byte order.
 */
#ifndef PMIP_TUNNEL_H
#define PMIP_TUNNEL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct lyd_node;

#define TUN_MAC_LEN 6

/** enum tun_encap - encapsulation of a tunnel (RRQ flags M and G select it). */
enum tun_encap {
	TUN_ENCAP_IPIP = 1,    /* RFC 2003, IP protocol 4; mandatory for HA and FA */
	TUN_ENCAP_GRE = 2,     /* RFC 2784 with the RFC 2890 key, IP protocol 47 */
	TUN_ENCAP_MINIMAL = 3, /* RFC 2004, IP protocol 55 */
};

/**
 * struct tun_params - endpoints and encapsulation of a tunnel.
 * @local: outer source address (the HA address, or the FA's care-of address).
 * @remote: outer destination (the care-of address, or the HA).
 * @encap: encapsulation.
 * @has_key: GRE only: carry @key in the GRE header.
 * @key: GRE key (RFC 2890).
 * @ttl: outer TTL; 0 selects the back end's default (64).
 */
struct tun_params {
	struct in_addr local;
	struct in_addr remote;
	enum tun_encap encap;
	bool has_key;
	uint32_t key;
	uint8_t ttl;
};

/**
 * enum tun_cap - what a tunnel back end can do; @caps returns a mask of these.
 * @TUN_CAP_IPIP: IP-in-IP tunnels (RFC 2003).
 * @TUN_CAP_GRE: GRE tunnels, with or without the RFC 2890 key.
 * @TUN_CAP_MINIMAL: minimal encapsulation (RFC 2004).
 * @TUN_CAP_REVERSE: reverse-tunnel entries (@reverse_add, RFC 3024).
 * @TUN_CAP_MULTI_ROUTE: member routes (TUN_ROUTE_F_MEMBER): one destination
 *	routed into several tunnels at once, a copy of each packet per tunnel
 *	(simultaneous bindings, RFC 5944 section 3.6.1.2).
 *
 * The roles decide from the mask, never by trying an op and reading its
 * error: the FA offers M, G and T (and answers 72/74 when a request needs
 * what is missing), the HA answers 139 for a missing encapsulation and
 * tunnels to one care-of address only without TUN_CAP_MULTI_ROUTE.
 */
enum tun_cap {
	TUN_CAP_IPIP = 1u << 0,
	TUN_CAP_GRE = 1u << 1,
	TUN_CAP_MINIMAL = 1u << 2,
	TUN_CAP_REVERSE = 1u << 3,
	TUN_CAP_MULTI_ROUTE = 1u << 4,
};

/*
 * TUN_ROUTE_F_MEMBER (struct tun_route @flags): the route is one member of a
 * set. Member routes with the same @dst/@plen and different tunnels coexist
 * (their key includes @tunnel) and every packet for the destination is sent
 * into each member's tunnel, one copy each; deleting one member leaves the
 * others. A member and a non-member route for one destination exclude each
 * other (-EEXIST). Only TUN_ROUTE_TUNNEL routes, and only with
 * TUN_CAP_MULTI_ROUTE (else -EOPNOTSUPP).
 */
#define TUN_ROUTE_F_MEMBER 0x1u

/** enum tun_route_kind - where a route sends packets. */
enum tun_route_kind {
	TUN_ROUTE_TUNNEL = 1, /* into tunnel @tunnel */
	TUN_ROUTE_LINK = 2,   /* out of @ifname to link-layer address @mac, no ARP */
};

/**
 * struct tun_route - a route for a mobile node (the key is @dst/@plen + @kind,
 *	and @tunnel too for a member route).
 * @dst: destination, normally the mobile node's home address.
 * @plen: prefix length, 32 for a host route.
 * @kind: which of the fields below apply.
 * @flags: TUN_ROUTE_F_MEMBER or 0.
 * @tunnel: TUN_ROUTE_TUNNEL: tunnel id from tunnel_add().
 * @ifname: TUN_ROUTE_LINK: outgoing interface (the one the visitor registered on).
 * @mac: TUN_ROUTE_LINK: the visitor's link-layer address (from its frames).
 */
struct tun_route {
	struct in_addr dst;
	uint8_t plen;
	enum tun_route_kind kind;
	uint32_t flags;
	uint32_t tunnel;
	char ifname[IF_NAMESIZE];
	uint8_t mac[TUN_MAC_LEN];
};

/**
 * struct tun_reverse - a reverse-tunnel entry (RFC 3024); the key is @src + @ifname.
 * @src: inner source address, the mobile node's home address.
 * @ifname: interface the packets arrive on, or empty for any.
 * @tunnel: tunnel id to send them into (towards the HA).
 */
struct tun_reverse {
	struct in_addr src;
	char ifname[IF_NAMESIZE];
	uint32_t tunnel;
};

/**
 * struct tun_arp_proxy - a proxy-ARP entry; the key is all of it but @answer_mac.
 * @ifname: interface to answer on.
 * @addr: target address to answer for; INADDR_ANY answers for every address
 *	except the requester's own (proxy AP: every off-link address a visitor asks for).
 * @requester: answer only requests from this link-layer address; all zero
 *	means from anyone (HA home-link interception).
 * @answer_mac: link-layer address to answer with; all zero means the
 *	interface's own (HA); a proxy AP answers with the FA's address.
 */
struct tun_arp_proxy {
	char ifname[IF_NAMESIZE];
	struct in_addr addr;
	uint8_t requester[TUN_MAC_LEN];
	uint8_t answer_mac[TUN_MAC_LEN];
};

/**
 * struct tun_stats - traffic counters of one tunnel, or totals for id 0.
 * @tx_packets, @tx_bytes: packets and outer bytes encapsulated and sent.
 * @rx_packets, @rx_bytes: packets and outer bytes received and decapsulated.
 * @tx_errors: send failures (no route, socket errors, MTU).
 * @rx_errors: malformed or unexpected encapsulated packets dropped.
 * @drops: inner packets dropped for lack of a route or a visitor.
 */
struct tun_stats {
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_errors;
	uint64_t rx_errors;
	uint64_t drops;
};

/**
 * struct tun_env - what the core gives a tunnel instance.
 * @loop: the event loop (sockets, timers). A back end that forwards on its
 *	own thread still calls back into the core only through the loop
 *	(ev_loop_call_async()).
 */
struct tun_env {
	struct ev_loop *loop;
};

/**
 * struct tun_ops - operations of a tunnel plugin (PMIP_PLUGIN_TUNNEL).
 *
 * Unless stated otherwise an op returns 0, or a negative errno and, where it
 * has @errmsg, a one-line reason there.
 *
 * @create: make an instance and acquire its devices and sockets (the TUN
 *	device, raw sockets). @env stays valid until @destroy. Return the
 *	instance, or NULL with @errmsg filled. Mandatory.
 * @caps: the enum tun_cap mask of instance @inst; constant for its life.
 *	TUN_CAP_IPIP is mandatory for a back end the HA or FA can use, and
 *	TUN_CAP_REVERSE is set if and only if @reverse_add is. Mandatory (a
 *	NULL @caps reads as 0 through tun_caps()).
 * @destroy: remove every tunnel, route, reverse and proxy-ARP entry the
 *	instance made, release its devices and sockets, and free it. Mandatory.
 * @configure: apply the plugin's own config subtree @cfg (NULL when absent):
 *	device name, MTU, forwarding thread, and so on. Called after @create
 *	and on every change. Return 0, or -1 with @errmsg filled and the old
 *	settings kept. May be NULL if the plugin has no settings.
 * @tunnel_add: create tunnel @p and store its non-zero id in *@id. -EEXIST
 *	if the same tunnel exists; -EOPNOTSUPP for an encapsulation or a GRE
 *	key the back end cannot do (the HA then answers code 139, the FA 72).
 *	Mandatory.
 * @tunnel_del: delete tunnel @id and every route and reverse entry into it.
 *	-ENOENT for an unknown id. Mandatory.
 * @route_add: install route @r. The tunnel or interface must exist (-ENOENT,
 *	-ENODEV). A member route (TUN_ROUTE_F_MEMBER) needs TUN_CAP_MULTI_ROUTE.
 *	Mandatory.
 * @route_del: remove the route with @r's key (with @tunnel for a member
 *	route: the other members stay). Mandatory.
 * @reverse_add: install reverse entry @r (FA with the T bit granted).
 *	May be NULL if the back end cannot reverse-tunnel (FA: code 74/75).
 * @reverse_del: remove the reverse entry with @r's key. NULL iff @reverse_add is.
 * @proxy_arp_add: start answering ARP as @pa says. Mandatory.
 * @proxy_arp_del: stop answering for the entry with @pa's key. Mandatory.
 * @gratuitous_arp: broadcast @count gratuitous ARP replies (about 1 s apart;
 *	later ones from a timer) on @ifname, announcing that @addr is at @mac
 *	(all zero: the interface's own address). The HA announces itself for a
 *	mobile node on registration and the node's own address on
 *	deregistration (RFC 5944 section 4.6). A new series for the same
 *	(@ifname, @addr) replaces the one still running, and @proxy_arp_del
 *	of an entry for @addr on @ifname cancels it, so that a stale series
 *	never contradicts a newer announcement. May be NULL (then -EOPNOTSUPP).
 * @get_stats: fill @st for tunnel @id, or the totals over all tunnels when
 *	@id is 0. -ENOENT for an unknown id. May be NULL (no counters).
 */
struct tun_ops {
	uint32_t (*caps)(void *inst);
	void *(*create)(const struct tun_env *env, char *errmsg, size_t errlen);
	void (*destroy)(void *inst);
	int (*configure)(void *inst, const struct lyd_node *cfg, char *errmsg, size_t errlen);
	int (*tunnel_add)(void *inst, const struct tun_params *p, uint32_t *id, char *errmsg,
	                  size_t errlen);
	int (*tunnel_del)(void *inst, uint32_t id);
	int (*route_add)(void *inst, const struct tun_route *r, char *errmsg, size_t errlen);
	int (*route_del)(void *inst, const struct tun_route *r);
	int (*reverse_add)(void *inst, const struct tun_reverse *r, char *errmsg, size_t errlen);
	int (*reverse_del)(void *inst, const struct tun_reverse *r);
	int (*proxy_arp_add)(void *inst, const struct tun_arp_proxy *pa, char *errmsg,
	                     size_t errlen);
	int (*proxy_arp_del)(void *inst, const struct tun_arp_proxy *pa);
	int (*gratuitous_arp)(void *inst, const char *ifname, struct in_addr addr,
	                      const uint8_t mac[TUN_MAC_LEN], unsigned count);
	int (*get_stats)(void *inst, uint32_t id, struct tun_stats *st);
};

/**
 * tun_caps - the capability mask of tunnel instance @inst of @ops.
 * @ops: the back end's ops.
 * @inst: its instance.
 *
 * Return: @ops->caps(@inst), 0 when @caps is NULL, and without
 * TUN_CAP_REVERSE when @reverse_add is NULL.
 */
static inline uint32_t
tun_caps(const struct tun_ops *ops, void *inst)
{
	uint32_t c = ops->caps != NULL ? ops->caps(inst) : 0;

	return ops->reverse_add != NULL ? c : c & ~(uint32_t)TUN_CAP_REVERSE;
}

/**
 * tun_cap_of_encap - the capability encapsulation @e needs.
 * @e: the encapsulation.
 *
 * Return: TUN_CAP_IPIP, TUN_CAP_GRE or TUN_CAP_MINIMAL; 0 for an unknown value.
 */
static inline uint32_t
tun_cap_of_encap(enum tun_encap e)
{
	switch (e) {
	case TUN_ENCAP_IPIP:
		return TUN_CAP_IPIP;
	case TUN_ENCAP_GRE:
		return TUN_CAP_GRE;
	case TUN_ENCAP_MINIMAL:
		return TUN_CAP_MINIMAL;
	}
	return 0;
}

#endif /* PMIP_TUNNEL_H */
