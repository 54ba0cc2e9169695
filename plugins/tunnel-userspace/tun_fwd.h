/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tun_fwd.h - the userspace forwarding plane: a thread between the TUN device and raw sockets.
 *
 * The loop thread owns configuration and calls every function here; the
 * forwarding thread only reads the tables and updates counters. See
 * tun_fwd.c for why a thread and how the tables are shared.
 */
#ifndef PMIP_TUN_FWD_H
#define PMIP_TUN_FWD_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "tun_encap.h"
#include "tunnel.h"

struct tunu_fwd;

/**
 * struct tunu_tparams - one tunnel as the data plane sees it.
 * @local: our outer address.
 * @remote: the peer's outer address.
 * @encap: encapsulation.
 * @ttl: outer TTL, 0 for the default.
 * @key_present: GRE key in use (sent, and required on receipt).
 * @key: the GRE key.
 */
struct tunu_tparams {
	struct in_addr local;
	struct in_addr remote;
	enum tunu_encap encap;
	uint8_t ttl;
	bool key_present;
	uint32_t key;
};

/** enum tunu_ent_kind - what a forwarding entry is. */
enum tunu_ent_kind {
	TUNU_ENT_ROUTE = 1, /* packets to @addr/@plen enter @tunnel */
	TUNU_ENT_REV = 2,   /* packets from @addr enter @tunnel (reverse tunnelling) */
	TUNU_ENT_LINK = 3,  /* bookkeeping only: a route to a visitor's link-layer address */
};

/**
 * struct tunu_ent - a forwarding entry; the key is @kind, @addr, @plen, @ifname for REV,
 *	and @tunnel for a member ROUTE.
 * @kind: see enum tunu_ent_kind.
 * @member: ROUTE only: one of several routes for @addr/@plen, each into its own
 *	tunnel; a packet goes into every member's tunnel (one copy each).
 * @plen: prefix length (32 for REV).
 * @addr: destination (ROUTE, LINK) or source (REV), masked to @plen.
 * @ifname: REV: arrival interface ("" for any); LINK: outgoing interface.
 * @tunnel: ROUTE and REV: the tunnel id.
 * @ifindex: LINK: index of @ifname.
 * @mac: LINK: the visitor's link-layer address.
 */
struct tunu_ent {
	enum tunu_ent_kind kind;
	bool member;
	uint8_t plen;
	struct in_addr addr;
	char ifname[IF_NAMESIZE];
	uint32_t tunnel;
	int ifindex;
	uint8_t mac[TUN_MAC_LEN];
};

/**
 * tunu_ent_fn - receives each entry removed by tunu_fwd_tunnel_del() or tunu_fwd_drain().
 * @e: the entry, valid for the duration of the call.
 * @arg: the caller's argument.
 */
typedef void (*tunu_ent_fn)(const struct tunu_ent *e, void *arg);

/**
 * tunu_fwd_new - open the raw sockets and start the forwarding thread on @tun_fd.
 * @tun_fd: the TUN device (non-blocking); stays owned by the caller.
 *
 * Sockets for IP-in-IP and GRE are required; minimal encapsulation is
 * available when its socket could be opened.
 * Return: the forwarder, or NULL (logged).
 */
struct tunu_fwd *tunu_fwd_new(int tun_fd);

/**
 * tunu_fwd_has_minimal - whether the socket for minimal encapsulation (protocol 55) is open.
 * @f: the forwarder.
 *
 * Return: true when minimal-encapsulation tunnels can be added.
 */
bool tunu_fwd_has_minimal(const struct tunu_fwd *f);

/**
 * tunu_fwd_free - stop and join the thread, close the raw sockets, free every table.
 * @f: the forwarder; NULL allowed.
 */
void tunu_fwd_free(struct tunu_fwd *f);

/**
 * tunu_fwd_tunnel_add - add a tunnel and return its id.
 * @f: the forwarder.
 * @p: parameters; copied.
 * @id: receives the new non-zero id.
 *
 * Return: 0, -EEXIST (a tunnel with the same local, remote, encapsulation
 * and key exists), -EOPNOTSUPP (no socket for the encapsulation) or -ENOMEM.
 */
int tunu_fwd_tunnel_add(struct tunu_fwd *f, const struct tunu_tparams *p, uint32_t *id);

/**
 * tunu_fwd_tunnel_del - remove tunnel @id and every entry into it.
 * @f: the forwarder.
 * @id: the tunnel.
 * @fn: called on the loop thread, after the lock is dropped, for each entry removed.
 * @arg: passed to @fn.
 *
 * Return: 0 or -ENOENT.
 */
int tunu_fwd_tunnel_del(struct tunu_fwd *f, uint32_t id, tunu_ent_fn fn, void *arg);

/* Most member routes one destination may have: the HA's max-simultaneous-bindings bound. */
#define TUNU_FWD_MAX_MEMBERS 16

/**
 * tunu_fwd_ent_add - add entry @e.
 * @f: the forwarder.
 * @e: the entry; copied.
 *
 * Return: 0, -EEXIST (same key, or a member and a non-member ROUTE for one
 * destination), -ENOENT (ROUTE or REV into an unknown tunnel), -ENOSPC
 * (TUNU_FWD_MAX_MEMBERS members already) or -ENOMEM.
 */
int tunu_fwd_ent_add(struct tunu_fwd *f, const struct tunu_ent *e);

/**
 * tunu_fwd_routes - number of ROUTE entries (members or not) for @addr/@plen.
 * @f: the forwarder.
 * @addr: destination, masked to @plen.
 * @plen: prefix length.
 *
 * The kernel route into the TUN device exists while this is not zero.
 * Return: the count.
 */
unsigned tunu_fwd_routes(struct tunu_fwd *f, struct in_addr addr, unsigned plen);

/**
 * tunu_fwd_ent_del - remove the entry with @key's key.
 * @f: the forwarder.
 * @key: kind, addr, plen (and ifname for REV) of the entry.
 * @old: receives the entry removed; may be NULL.
 *
 * Return: 0 or -ENOENT.
 */
int tunu_fwd_ent_del(struct tunu_fwd *f, const struct tunu_ent *key, struct tunu_ent *old);

/**
 * tunu_fwd_drain - remove every entry and tunnel.
 * @f: the forwarder.
 * @fn: called for each entry removed (not for tunnels).
 * @arg: passed to @fn.
 */
void tunu_fwd_drain(struct tunu_fwd *f, tunu_ent_fn fn, void *arg);

/**
 * tunu_fwd_stats - copy the counters of tunnel @id, or the totals when @id is 0.
 * @f: the forwarder.
 * @id: the tunnel, or 0.
 * @st: receives the counters.
 *
 * The totals include packets no tunnel could be charged with (no route,
 * unknown peer) and keep counting across tunnel deletions.
 * Return: 0 or -ENOENT.
 */
int tunu_fwd_stats(struct tunu_fwd *f, uint32_t id, struct tun_stats *st);

#endif /* PMIP_TUN_FWD_H */
