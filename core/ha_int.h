/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ha_int.h - home agent internals shared by ha.c, ha_adv.c, ha_reg.c and ha_binding.c (not public).
 *
 * Objects and their owners:
 *
 *   struct ha ----+-- nets[]        home networks with their sockets
 *                 +-- adv[]         advertisement parts of advertising home networks
 *                 +-- mns           struct ha_mn per mobile node, by home address
 *                 |                 (addr_index.h: hash for lookups, ordered walks)
 *                 |     +-- binds   struct ha_bind per care-of address, sorted by address
 *                 +-- expiry        every binding with a finite lifetime, by expiry time
 *                 |                 (expiry.h: min-heap under one ev timer)
 *                 +-- tunnels       struct ha_tun per (local, care-of, encapsulation),
 *                 |                 shared by the bindings that use it
 *                 +-- pending       struct ha_pending per request awaiting the key store,
 *                                   hashed by (source address, port, identification)
 */
#ifndef PMIP_HA_INT_H
#define PMIP_HA_INT_H

#include <net/if.h>
#include <syslog.h>

#include "addr_index.h"
#include "agent_adv.h"
#include "ev.h"
#include "expiry.h"
#include "ha.h"
#include "keystore.h"
#include "llcache.h"
#include "log.h"
#include "mip_msg.h"
#include "mip_replay.h"
#include "plugin.h"
#include "tunnel.h"

#define HA_PENDING_MAX     4096 /* requests awaiting the key store */
#define HA_PENDING_BUCKETS 256
#define HA_LIFETIME_INF    0xffff

_Static_assert(TUN_MAC_LEN == LLCACHE_MAC_LEN, "the link-layer cache holds Ethernet addresses");

struct ha;
struct ha_mn;

/** struct ha_net - one home network and its sockets. */
struct ha_net {
	struct ha *ha;
	struct in_addr addr;  /* the HA's unicast address */
	struct in_addr mask;  /* prefix mask */
	struct in_addr bcast; /* directed broadcast, INADDR_ANY for /31 and /32 */
	char ifname[IF_NAMESIZE];
	unsigned ifindex; /* if_nametoindex(ifname), cached (ha_net_ifindex()); 0: unknown */
	int fd_uc, fd_bc; /* -1 when closed */
	struct ev_io *io_uc, *io_bc;
};

/** struct ha_tun - a tunnel to a care-of address, shared by the bindings using it. */
struct ha_tun {
	struct ha_tun *hnext;
	struct in_addr local, coa;
	uint8_t encap; /* enum tun_encap */
	uint32_t id;   /* the back end's tunnel id */
	uint32_t refcnt;
};

/** struct ha_bind - one care-of address of one mobile node (about 64 bytes). */
struct ha_bind {
	struct ha_bind *next; /* in mn->binds, ascending care-of address */
	struct ha_mn *mn;
	struct ha_tun *tun; /* NULL when forwarding could not be set up */
	struct in_addr coa, src;
	uint64_t id;
	struct expiry_entry exp; /* pending unless the lifetime is infinite */
	uint16_t lifetime;
	uint8_t flags;
	bool routed; /* a (member) host route of the node points into this binding's tunnel */
};

/** struct ha_mn - a mobile node with at least one binding. */
struct ha_mn {
	struct addr_index_node ix; /* ix.addr: the home address */
	struct ha_bind *binds;
	char *nai; /* NULL when the registration carried no NAI */
	uint8_t n_binds;
	uint8_t net; /* index in ha->nets */
};

/** struct ha_pending - a request awaiting the key store. */
struct ha_pending {
	struct ha_pending *hnext;
	struct ha *ha;
	struct ks_handle *ksh; /* the lookup in flight, NULL between stages */
	struct mip_sa *sa;     /* the MN-HA SA once found (a reference) */
	struct role_rx rx;
	uint64_t id;
	size_t len;
	bool has_mac;             /* @mac is the request's link-layer source */
	uint8_t mac[TUN_MAC_LEN]; /* (only requests that arrived on a home link) */
	uint8_t buf[];            /* the request as received */
};

/** struct ha - a running home agent. */
struct ha {
	struct role_env env;
	struct ha_config cfg; /* cfg.nets points to a private copy */
	struct ha_net *nets;
	size_t n_nets;
	struct pmip_plugin *tun_plugin;
	const struct tun_ops *tun_ops;
	void *tun;
	struct tun_env tun_env;
	struct ha_counters cnt;
	struct replay_table *replay;
	struct log_ratelimit rl;
	uint8_t *rxbuf;
	int fd_pkt; /* AF_PACKET, UDP 434 frames: link-layer sources; -1 when closed */
	struct ev_io *io_pkt;
	int fd_icmp; /* raw ICMP: solicitations and advertisements; -1 when closed */
	struct ev_io *io_icmp;
	struct agent_adv_src **adv; /* per home network (cfg.nets order), NULL: not advertised */
	size_t n_adv;
	struct llcache ll; /* link-layer sources of requests (fd_pkt) */

	struct addr_index mns; /* struct ha_mn by home address */
	size_t n_binds;
	struct expiry expiry; /* struct ha_bind with a finite lifetime */

	struct ha_tun **tun_hash;
	size_t tun_hash_size, n_tun;

	struct ha_pending *pending[HA_PENDING_BUCKETS];
	size_t n_pending;

	struct ha_secviol secviol[HA_SECVIOL_MAX]; /* sorted by address */
	uint64_t secviol_seen[HA_SECVIOL_MAX];     /* monotonic ms of the last violation */
	size_t n_secviol;
};

/* ha_binding.c */

/** ha_bindings_init - allocate the binding table of @ha; 0 or -ENOMEM. */
int ha_bindings_init(struct ha *ha);
/** ha_bindings_fini - free the (empty) binding table of @ha. */
void ha_bindings_fini(struct ha *ha);
/** ha_mn_find - mobile node with home address @hoa, or NULL. */
struct ha_mn *ha_mn_find(const struct ha *ha, struct in_addr hoa);
/** ha_mn_first - the mobile node with the lowest home address, or NULL. */
struct ha_mn *ha_mn_first(const struct ha *ha);
/** ha_mn_next - the mobile node with the smallest home address above @hoa, or NULL. */
struct ha_mn *ha_mn_next(const struct ha *ha, struct in_addr hoa);
/** ha_mn_create - add an empty mobile node (the caller adds a binding at once); NULL on ENOMEM. */
struct ha_mn *ha_mn_create(struct ha *ha, struct in_addr hoa, const char *nai, uint8_t net);
/** ha_mn_release - free @mn if it has no binding (after a failed ha_bind_create()). */
void ha_mn_release(struct ha *ha, struct ha_mn *mn);
/** ha_bind_find - binding of @mn for @coa, or NULL. */
struct ha_bind *ha_bind_find(const struct ha_mn *mn, struct in_addr coa);
/** ha_bind_create - add a binding for @coa to @mn, without expiry; NULL on ENOMEM. */
struct ha_bind *ha_bind_create(struct ha *ha, struct ha_mn *mn, struct in_addr coa);
/** ha_bind_set_lifetime - (re)start the lifetime of @b: @lifetime seconds from now. */
void ha_bind_set_lifetime(struct ha *ha, struct ha_bind *b, uint16_t lifetime);
/**
 * ha_bind_destroy - unlink and free @b; frees its mobile node when it was the last binding.
 * Forwarding state must have been removed already (ha_binding_remove() does both).
 */
void ha_bind_destroy(struct ha *ha, struct ha_bind *b);
/** ha_binding_info_fill - fill @out from @b. */
void ha_binding_info_fill(const struct ha *ha, const struct ha_bind *b,
                          struct ha_binding_info *out);

/* ha.c */

/**
 * ha_multi_route - can the back end route one home address into several tunnels?
 * @ha: the home agent.
 *
 * With TUN_CAP_MULTI_ROUTE each binding routes into its own tunnel (member routes), so
 * simultaneous bindings each get a copy; without it the HA keeps one binding per node and
 * answers S with code 1.
 *
 * Return: true when the tunnel back end has TUN_CAP_MULTI_ROUTE.
 */
bool ha_multi_route(const struct ha *ha);

/**
 * ha_fwd_bind - set up forwarding for @b (tunnel, host route or, with TUN_CAP_MULTI_ROUTE,
 * its own member route; proxy ARP and a gratuitous ARP when @b is the first binding of its
 * node). Return 0 or a negative errno (counted; -EOPNOTSUPP without counting when the back
 * end's capability mask lacks the encapsulation).
 */
int ha_fwd_bind(struct ha *ha, struct ha_bind *b);
/** ha_binding_remove - remove the forwarding state of @b, then destroy it. */
void ha_binding_remove(struct ha *ha, struct ha_bind *b);
/** ha_net_of - index of the home network containing @addr, or -1. */
int ha_net_of(const struct ha *ha, struct in_addr addr);
/**
 * ha_ll_lookup - link-layer source of the request @rx, if it arrived on the interface of a
 * home network and the packet socket saw its frame. Return: true with @mac filled.
 */
bool ha_ll_lookup(struct ha *ha, const struct role_rx *rx, uint8_t mac[TUN_MAC_LEN]);
/**
 * ha_net_ifindex - the index of home network @n's interface, from the cache.
 * @n: the home network.
 *
 * The cache is filled by the first call after the network was created, after a
 * reconfiguration, or after ha_net_ifindex_invalidate(); every other call costs no system
 * call (if_nametoindex() opens a socket each time).
 *
 * Return: the index, or 0 while the interface does not exist.
 */
unsigned ha_net_ifindex(struct ha_net *n);
/**
 * ha_net_ifindex_invalidate - forget @n's cached index when @err says the interface went.
 * @n: the home network.
 * @err: a negative errno from a send on its interface; -ENODEV and -ENXIO invalidate.
 */
void ha_net_ifindex_invalidate(struct ha_net *n, int err);
/**
 * ha_announce_home - a mobile node deregistered from its home link (RFC 5944 section 4.6):
 * broadcast gratuitous ARPs on home network @net saying that @hoa is at @mac again.
 */
void ha_announce_home(struct ha *ha, int net, struct in_addr hoa, const uint8_t mac[TUN_MAC_LEN]);

/* ha_adv.c */

/**
 * ha_adv_open - open the raw ICMP socket if @cfg advertises on some home network and the HA
 * has sockets (no send hook). Return 0, or -1 with @errmsg filled.
 */
int ha_adv_open(struct ha *ha, const struct ha_config *cfg, char *errmsg, size_t errlen);
/**
 * ha_adv_sync - register the advertisement parts of @ha->cfg, then drop the old ones (the
 * sequence numbers of interfaces still advertised continue). Return 0, or -1 (no memory)
 * with the old parts kept.
 */
int ha_adv_sync(struct ha *ha, char *errmsg, size_t errlen);
/** ha_adv_fini - unregister every advertisement part. */
void ha_adv_fini(struct ha *ha);
/** ha_adv_close - unregister every part and close the ICMP socket. */
void ha_adv_close(struct ha *ha);

/* ha_reg.c */

/** ha_pending_cancel_all - cancel every pending lookup and free the pending requests. */
void ha_pending_cancel_all(struct ha *ha);

#endif /* PMIP_HA_INT_H */
