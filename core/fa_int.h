/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fa_int.h - foreign agent internals shared by fa.c, fa_adv.c, fa_relay.c, fa_visitor.c.
 *
 * Objects and their owners:
 *
 *   struct fa ----+-- ifs[]        FA interfaces: care-of address, advertisement part
 *                 |                (agent_adv.h), UDP socket of the care-of address
 *                 +-- pending      struct fa_pending per request between its arrival and
 *                 |                the home agent's reply (or the timeout), hashed by the
 *                 |                low 32 bits of the Identification, and in a sorted
 *                 |                array by (home address, low Identification) for walks
 *                 +-- visitors     struct fa_visitor per registered mobile node, by home
 *                 |                address (addr_index.h: hash for lookups, ordered walks)
 *                 +-- expiry       visitors with a finite lifetime by expiry time
 *                 |                (expiry.h: min-heap under one ev timer)
 *                 +-- tuns         struct fa_tun per (care-of address, home agent,
 *                                  encapsulation), shared by the visitors that use it
 */
#ifndef PMIP_FA_INT_H
#define PMIP_FA_INT_H

#include <net/if.h>
#include <syslog.h>

#include "addr_index.h"
#include "agent_adv.h"
#include "ev.h"
#include "expiry.h"
#include "fa.h"
#include "keystore.h"
#include "llcache.h"
#include "log.h"
#include "mip_msg.h"
#include "tunnel.h"

#define FA_PENDING_MAX     4096 /* pending registrations; more are denied with 66 */
#define FA_PENDING_BUCKETS 512
#define FA_LIFETIME_INF    0xffff

_Static_assert(FA_MAC_LEN == LLCACHE_MAC_LEN, "the link-layer cache holds Ethernet addresses");

struct fa;

/** struct fa_if - one FA interface. */
struct fa_if {
	struct fa *fa;
	char name[IF_NAMESIZE];
	unsigned ifindex; /* 0 while the interface does not exist */
	struct in_addr coa;
	uint16_t adv_interval_s;
	uint16_t adv_lifetime_s;
	struct agent_adv_src *adv; /* its part of the interface's advertisements */
	int fd; /* UDP socket on coa:434, -1 when none (shared care-of address) */
	struct ev_io *io;
};

/** struct fa_pending - a registration request between arrival and answer. */
struct fa_pending {
	struct fa_pending *hnext;
	struct fa *fa;
	enum fa_pending_state state;
	struct ks_handle *ksh;  /* the lookup in flight, NULL otherwise */
	struct mip_sa *mnfa;    /* MN-FA association (a reference), NULL when none */
	struct mip_sa *faha;    /* FA-HA association (a reference), NULL when none */
	struct ev_timer *timer; /* registration timeout once relayed */
	struct role_rx rx;      /* addressing of the request */
	struct in_addr local;   /* our address to answer the mobile node from */
	unsigned ifindex;       /* FA interface of the request */
	uint8_t mac[FA_MAC_LEN];
	struct in_addr hoa, ha, coa;
	uint64_t id;
	uint16_t lifetime;
	uint8_t flags;
	char nai[SA_NAI_MAX + 1];
	size_t len;
	uint8_t *buf; /* the request as received; freed once relayed */
};

/** struct fa_tun - a tunnel between a care-of address and a home agent. */
struct fa_tun {
	struct fa_tun *next;
	struct in_addr coa, ha;
	enum tun_encap encap;
	uint32_t id;
	uint32_t refcnt;
};

/** struct fa_visitor - a registered mobile node. */
struct fa_visitor {
	struct addr_index_node ix; /* ix.addr: the home address */
	struct fa_tun *tun;        /* NULL without delivery */
	char *nai;                 /* NULL without NAI */
	struct in_addr ha, coa, src;
	uint64_t id;
	struct expiry_entry exp; /* pending unless the lifetime is infinite */
	unsigned ifindex;
	char ifname[IF_NAMESIZE];
	uint8_t mac[FA_MAC_LEN];
	uint16_t src_port;
	uint16_t lifetime;
	uint8_t flags;
	bool delivery; /* the link route for the home address is installed */
	bool reverse;  /* the reverse-tunnel entry is installed */
};

/** struct fa - a running foreign agent. */
struct fa {
	struct role_env env;
	struct fa_config cfg; /* cfg.ifs is NULL: the interfaces live in ifs[] */
	struct fa_hooks hooks;
	bool use_hooks;
	struct fa_if *ifs;
	size_t n_ifs;
	struct pmip_plugin *tun_plugin;
	const struct tun_ops *tun_ops;
	void *tun;
	uint32_t tun_caps; /* tun_caps() of the back end (enum tun_cap), read at load */
	struct fa_counters cnt;
	struct log_ratelimit rl;

	struct fa_pending *pending[FA_PENDING_BUCKETS];
	size_t n_pending;
	/* The same requests sorted by (home address, low identification, pointer), so that
	 * fa_pending_next() is a binary search: O(log n) per step of an ordered walk. */
	struct fa_pending *pending_ord[FA_PENDING_MAX];

	struct addr_index visitors; /* struct fa_visitor by home address */
	struct expiry expiry;       /* struct fa_visitor with a finite lifetime */
	struct fa_tun *tuns;

	int fd_pkt, fd_icmp; /* -1 when closed */
	struct ev_io *io_pkt, *io_icmp;
	int fd_bc, fd_mc; /* UDP 434 on 255.255.255.255 and 224.0.0.11; -1 when closed */
	struct ev_io *io_bc, *io_mc;
	struct llcache ll; /* link-layer sources of requests (fd_pkt) */
	uint8_t *rxbuf;    /* MIP_MSG_MAX: one received datagram */
	uint8_t *txbuf;    /* FA_TXBUF_LEN: a relayed request or reply being built */
	uint8_t *linkbuf;  /* FA_IP_UDP + FA_TXBUF_LEN: a frame to a mobile node */
};

/* Largest message the FA builds: a relayed message plus its own auth extension. */
#define FA_TXBUF_LEN (MIP_MSG_MAX + MIP_AUTH_EXT_LEN)

/* fa.c */

/** fa_if_by_index - FA interface with index @ifindex (non-zero), or NULL. */
struct fa_if *fa_if_by_index(struct fa *fa, unsigned ifindex);
/** fa_if_by_coa - first FA interface with care-of address @coa, or NULL. */
struct fa_if *fa_if_by_coa(struct fa *fa, struct in_addr coa);
/** fa_if_resolve - refresh @fi->ifindex from its name; returns it (0 if absent). */
unsigned fa_if_resolve(struct fa *fa, struct fa_if *fi);
/**
 * fa_send_mn - send @buf to a mobile node at @mac on @ifindex, from @from:434 to @to.
 * Return: 0 or a negative errno (counted in send_errors).
 */
int fa_send_mn(struct fa *fa, unsigned ifindex, const uint8_t *mac, struct in_addr from,
               const struct sockaddr_in *to, const uint8_t *buf, size_t len);
/**
 * fa_send_ha - send @buf from @from:434 to home agent @to:434.
 * Return: 0 or a negative errno (counted in send_errors).
 */
int fa_send_ha(struct fa *fa, struct in_addr from, struct in_addr to, const uint8_t *buf,
               size_t len);
/**
 * fa_send_adv - send ICMP message @icmp on interface @ifindex from @from to @to, TTL 1.
 * Return: 0 or a negative errno.
 */
int fa_send_adv(struct fa *fa, unsigned ifindex, struct in_addr from, struct in_addr to,
                const uint8_t *icmp, size_t len);

/* fa_adv.c */

/**
 * fa_adv_init - register @fi's part with the shared advertisement sender (agent_adv.h),
 * built from @fa's current configuration and tunnel back end. Return 0 or -ENOMEM.
 */
int fa_adv_init(struct fa *fa, struct fa_if *fi);
/** fa_adv_refresh - rebuild every interface's part after a configuration change. */
void fa_adv_refresh(struct fa *fa);
/** fa_adv_fini - unregister @fi's part. */
void fa_adv_fini(struct fa_if *fi);

/* fa_relay.c */

/** fa_rrq_input - a Registration Request from a mobile node on FA interface @fi. */
void fa_rrq_input(struct fa *fa, struct fa_if *fi, const uint8_t *buf, size_t len,
                  const struct role_rx *rx, const uint8_t *mac);
/** fa_rrp_input - a Registration Reply from a home agent. */
void fa_rrp_input(struct fa *fa, const uint8_t *buf, size_t len, const struct role_rx *rx);
/** fa_pending_drop_lookups - drop every request still waiting for the key store. */
void fa_pending_drop_lookups(struct fa *fa);
/** fa_pending_free_all - drop every pending request without answering it. */
void fa_pending_free_all(struct fa *fa);

/* fa_visitor.c */

/** fa_visitors_init - allocate the visitor table of @fa; 0 or -ENOMEM. */
int fa_visitors_init(struct fa *fa);
/** fa_visitors_fini - remove every visitor with its forwarding state and free the table. */
void fa_visitors_fini(struct fa *fa);
/** fa_visitor_find - visitor with home address @hoa, or NULL. */
struct fa_visitor *fa_visitor_find(const struct fa *fa, struct in_addr hoa);
/**
 * fa_visitor_accept - the home agent accepted the registration of @p with reply @r:
 * create or update the visitor for @r->hoa and its forwarding state, or remove it for a
 * deregistration (@r->lifetime 0).
 * Return: 0, or a negative errno (-EOPNOTSUPP: encapsulation unavailable, -ENOSPC:
 * visitor limit reached); the visitor is then not kept.
 */
int fa_visitor_accept(struct fa *fa, const struct fa_pending *p, const struct mip_rrp *r);
/** fa_visitor_remove - remove @v with its delivery route and reverse tunnel. */
void fa_visitor_remove(struct fa *fa, struct fa_visitor *v);
/** fa_visitors_prune - remove visitors whose interface is no longer an FA interface. */
void fa_visitors_prune(struct fa *fa);

#endif /* PMIP_FA_INT_H */
