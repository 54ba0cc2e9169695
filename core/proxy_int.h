/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proxy_int.h - proxy access point internals shared by proxy.c, proxy_client.c, proxy_reg.c,
 * proxy_aap.c and proxy_io.c.
 *
 * Objects and their owners:
 *
 *   struct proxy --+-- map        the subnet map (submap.h): static entries from config,
 *                  |              learned ones from the AAP client (proxy_aap.c)
 *                  +-- aap        the AAP client (aap_client.h), when AAPs are configured
 *                  +-- agents     struct proxy_agent per agent reported by discovery,
 *                  |              by address (addr_index.h)
 *                  +-- clients    struct proxy_client per client, by home address
 *                  |              (addr_index.h) and by MAC (mac_hash, chained)
 *                  +-- heap       clients with a timer armed, earliest first (one ev timer)
 *                  +-- ha_replay  per home agent: clock offset learnt from 133 replies
 *                  +-- disc[]     loaded discovery back ends and their instances
 *                  +-- fds        packet socket on the client-facing port (ARP in and out,
 *                                 replies seen leaving toward clients), packet socket on
 *                                 the bridge (requests out), UDP socket (home agents)
 */
#ifndef PMIP_PROXY_INT_H
#define PMIP_PROXY_INT_H

#include <net/if.h>

#include "addr_index.h"
#include "keystore.h"
#include "log.h"
#include "mip_msg.h"
#include "proxy.h"
#include "proxy_frame.h"

#define PROXY_MAX_SENDS       11               /* 1 + retransmit-max (at most 10) */
#define PROXY_BACKOFF_MAX_MS  300000           /* denial / timeout backoff cap */
#define PROXY_RETRY_AT_ONCE   2                /* immediate retries per attempt (133, 69, 75) */
#define PROXY_PROBES          3                /* ARP probes before a client counts as gone */
#define PROXY_NAI_EXT_MAX     (2 + SA_NAI_MAX) /* MN-NAI extension (RFC 2794) */
#define PROXY_MSG_LEN         (MIP_RRQ_LEN + PROXY_NAI_EXT_MAX + MIP_AUTH_EXT_LEN)
#define PROXY_TX_LEN          (PROXY_ETH_IP_UDP + PROXY_MSG_LEN)
#define PROXY_RX_LEN          2048
#define PROXY_MAC_BUCKETS_MIN 256
#define PROXY_IO_RETRY_MS     2000 /* client-interface not ready: try again */
#define PROXY_GW_PENDING_MAX  64   /* gateway restores waiting for the neighbour table */
#define PROXY_GW_POLL_MS      100  /* how often the neighbour table is read meanwhile */
#define PROXY_GW_WAIT_MS      3000 /* then the restore is given up */

/** struct proxy_agent - an agent reported by discovery. */
struct proxy_agent {
	struct addr_index_node ix; /* ix.addr: agent address */
	struct disc_agent a;
	uint64_t seq;   /* order of first report: the earliest usable FA is preferred */
	size_t clients; /* clients whose current FA this is */
};

/** struct proxy_client - a client reported by discovery (see proxy_client.c). */
struct proxy_client {
	struct addr_index_node ix;     /* ix.addr: home address */
	struct proxy_client *mac_next; /* MAC hash chain; unlinked when @detached */
	struct proxy *px;
	uint8_t mac[PROXY_MAC_LEN];
	bool detached; /* replaced by a newer report for its MAC: finishing, then freed */
	struct in_addr gateway;
	enum proxy_client_state state;

	struct in_addr ha, home_prefix; /* from the subnet map */
	uint8_t home_len;

	/* foreign agent in use (copied: the agent may be lost meanwhile) */
	bool has_fa;
	struct in_addr fa, coa;
	uint8_t fa_mac[PROXY_MAC_LEN];
	uint16_t fa_max_lifetime;
	uint16_t fa_flags;

	char nai[SA_NAI_MAX + 1]; /* NAI of the current SA's lookup (client-nai), or empty */
	struct ks_handle *ksh;    /* lookup in flight */
	bool relookup;            /* lookup cancelled by a key-store switch, to restart */
	struct mip_sa *sa;        /* MN-HA association (a reference) */

	/* the request of the current attempt */
	bool dereg;  /* lifetime 0 */
	bool via_fa; /* through the FA at link level, else straight to the HA */
	uint8_t flags;
	uint16_t req_lifetime;
	uint16_t max_lifetime; /* cap learnt from a 69, 0 for none */
	bool force_t;          /* T required (75 or 138) */
	unsigned sends;
	uint64_t ids[PROXY_MAX_SENDS];
	uint64_t sent_ms[PROXY_MAX_SENDS];
	unsigned retries; /* immediate retries of this attempt */
	int unauth_code;  /* code of the last matching reply that did not authenticate, or -1 */

	/* outcome */
	unsigned attempts; /* consecutive failed attempts */
	int last_code;
	bool has_last_id;
	uint64_t last_id; /* last Identification the home agent accepted */
	bool registered;
	uint64_t bound_until_ms;
	uint16_t lifetime;
	uint64_t rereg_at_ms;
	bool heard; /* an ARP frame from it since the last registration */
	unsigned probes;

	/* timer */
	uint64_t due_ms;
	size_t heap_idx; /* position in px->heap plus one; 0 when not armed */
};

/** struct proxy_gw_pending - a gateway restore waiting for the kernel to resolve @gw. */
struct proxy_gw_pending {
	struct in_addr hoa, gw;
	uint8_t mac[PROXY_MAC_LEN]; /* the client's */
	uint64_t until_ms;
};

/** struct proxy_disc - one discovery back end. */
struct proxy_disc {
	struct pmip_plugin *plugin;
	const struct disc_ops *ops;
	void *inst;
	struct disc_env env;
	bool running;
};

/** struct proxy - a running proxy access point. */
struct proxy {
	struct role_env env;
	struct proxy_config cfg; /* cfg.dnode, cfg.map, cfg.discovery are NULL here */
	char (*disc_names)[PMIP_NAME_MAX];
	size_t n_disc_names;
	struct proxy_hooks hooks;
	bool use_hooks;
	struct submap *map;
	struct replay_table *ha_replay;
	struct proxy_client_nai *nai; /* copy of cfg's client-nai list (cfg.nai is NULL) */
	size_t n_nai;

	struct addr_index clients;
	struct proxy_client **mac_hash;
	size_t mac_size;
	struct addr_index agents;
	uint64_t agent_seq;

	struct proxy_client **heap;
	size_t heap_len, heap_cap;
	struct ev_timer *timer;

	struct proxy_counters cnt;
	uint64_t denials[256];
	struct log_ratelimit rl;
	struct log_ratelimit rl_client; /* client lifecycle: a host on the link can churn it */
	proxy_failure_fn fail_fn;
	void *fail_arg;

	struct proxy_disc *disc;
	size_t n_disc;

	/* proxy_io.c */
	int fd_port, fd_bridge, fd_udp; /* -1 when closed */
	struct ev_io *io_port, *io_udp;
	struct ev_timer *io_retry; /* re-tries proxy_io_open() while the interface is not ready */
	unsigned port_ifindex, bridge_ifindex;
	uint8_t tx[PROXY_TX_LEN];
	uint8_t rx[PROXY_RX_LEN];

	/* proxy_gw.c */
	struct ev_timer *gw_timer; /* polls the neighbour table while restores are pending */
	struct proxy_gw_pending gw_pending[PROXY_GW_PENDING_MAX];
	size_t n_gw_pending;

	/* proxy_aap.c */
	struct aap_client *aap;     /* NULL: no AAP configured, or not started yet */
	struct ev_timer *aap_retry; /* starts the client once the AP's address is known */
	struct in_addr self;        /* the AP's own address and prefix length */
	uint8_t self_len;
	struct in_addr adv_ha; /* home agent found by discovery on our LAN, or INADDR_ANY */
	uint8_t adv_len;
	struct in_addr rep_ha, rep_prefix; /* what the AAPs were last told */
	uint8_t rep_len;
	size_t aap_cur; /* index of the AAP in use */
};

/* proxy.c */

/** proxy_now_ms - the proxy's monotonic clock. */
uint64_t proxy_now_ms(const struct proxy *px);
/** proxy_ntp_now - the proxy's wall clock as an NTP timestamp (0 when unreadable). */
uint64_t proxy_ntp_now(const struct proxy *px);
/** proxy_timer_set - arm @c's timer for @at_ms (proxy clock); replaces an armed one. */
void proxy_timer_set(struct proxy *px, struct proxy_client *c, uint64_t at_ms);
/** proxy_timer_clear - disarm @c's timer; no-op when not armed. */
void proxy_timer_clear(struct proxy *px, struct proxy_client *c);
/** proxy_best_fa - the foreign agent new registrations use, or NULL. */
struct proxy_agent *proxy_best_fa(struct proxy *px);
/** proxy_agent_find - the agent with address @addr, or NULL. */
struct proxy_agent *proxy_agent_find(const struct proxy *px, struct in_addr addr);
/** proxy_nai_of - the NAI configured for the client with MAC @mac (client-nai), or NULL. */
const char *proxy_nai_of(const struct proxy *px, const uint8_t *mac);
/** proxy_solicit - ask every discovery back end that can to solicit agents now. */
void proxy_solicit(struct proxy *px);
/** proxy_send_fa - send frame @frame out of the bridge; counts errors. Return 0 or -errno. */
int proxy_send_fa(struct proxy *px, const uint8_t *frame, size_t len);
/** proxy_send_client - send frame @frame out of the client-facing port; counts errors. */
int proxy_send_client(struct proxy *px, const uint8_t *frame, size_t len);
/** proxy_send_ha - send @msg to home agent @ha port 434; counts errors. */
int proxy_send_ha(struct proxy *px, struct in_addr ha, const uint8_t *msg, size_t len);
/** proxy_failure_raise - log (rate-limited) and deliver a registration-failure event. */
void proxy_failure_raise(struct proxy *px, const struct proxy_failure *f);

/* proxy_client.c */

/** proxy_clients_init - set up the client tables; 0 or -ENOMEM. */
int proxy_clients_init(struct proxy *px);
/** proxy_clients_fini - free every client (no deregistration) and the tables. */
void proxy_clients_fini(struct proxy *px);
/** proxy_client_by_mac - the current (not detached) client with MAC @mac, or NULL. */
struct proxy_client *proxy_client_by_mac(const struct proxy *px, const uint8_t *mac);
/** proxy_client_by_hoa - the client with home address @hoa, or NULL. */
struct proxy_client *proxy_client_by_hoa(const struct proxy *px, struct in_addr hoa);
/** proxy_client_seen - DISC_CLIENT_SEEN. */
void proxy_client_seen(struct proxy *px, const struct disc_client *dc);
/** proxy_client_gone - DISC_CLIENT_GONE. */
void proxy_client_gone(struct proxy *px, const struct disc_client *dc);
/** proxy_client_ignored - DISC_CLIENT_IGNORED. */
void proxy_client_ignored(struct proxy *px, const struct disc_client *dc);
/** proxy_clients_fa_found - a usable foreign agent appeared: start waiting clients. */
void proxy_clients_fa_found(struct proxy *px);
/** proxy_clients_fa_changed - agent @fa was lost or rebooted: re-register its clients. */
void proxy_clients_fa_changed(struct proxy *px, struct in_addr fa);
/** proxy_client_timer - @c's timer fired (already disarmed). */
void proxy_client_timer(struct proxy *px, struct proxy_client *c);
/**
 * proxy_reply_input - a Registration Reply for a client.
 * @px: the proxy.
 * @msg: the UDP payload.
 * @len: its length.
 * @src: its IP source.
 * @sport: its UDP source port.
 * @via_fa: read on the client-facing port (from a foreign agent) rather than on the UDP
 *	socket (from a home agent).
 * @dst_mac: Ethernet destination of the frame (@via_fa only), else NULL.
 */
void proxy_reply_input(struct proxy *px, const uint8_t *msg, size_t len, struct in_addr src,
                       uint16_t sport, bool via_fa, const uint8_t *dst_mac);
/** proxy_arp_input - an ARP frame a client sent on the client-facing port. */
void proxy_arp_input(struct proxy *px, const struct proxy_arp *a);
/** proxy_clients_rekey - cancel lookups in flight and restart them on the current chain. */
void proxy_clients_rekey(struct proxy *px, bool restart);
/** proxy_client_info_fill - fill @out from @c. */
void proxy_client_info_fill(const struct proxy *px, const struct proxy_client *c,
                            struct proxy_client_info *out);

/** proxy_cl_free - stop everything in flight for @c and free it (no deregistration). */
void proxy_cl_free(struct proxy *px, struct proxy_client *c);
/** proxy_cl_announce - tell @c its gateway is at the foreign agent's MAC (unsolicited ARP). */
void proxy_cl_announce(struct proxy *px, struct proxy_client *c);

/* proxy_reg.c */

/**
 * proxy_cl_fail - raise the registration-failure event; a registration backs off, a
 * deregistration gives up. May free @c.
 */
void proxy_cl_fail(struct proxy *px, struct proxy_client *c, enum proxy_fail why, unsigned code,
                   const char *reason);
/** proxy_cl_transmit - (re)send the request of the current attempt and arm its timeout. */
void proxy_cl_transmit(struct proxy *px, struct proxy_client *c);
/** proxy_cl_lookup - get @c's MN-HA SA (a deregistration reuses its own), then send. */
void proxy_cl_lookup(struct proxy *px, struct proxy_client *c);

/** proxy_clients_map_changed - the subnet map gained entries: retry clients without a HA. */
void proxy_clients_map_changed(struct proxy *px);

/* proxy_aap.c */

/**
 * proxy_aap_start - start the AAP client when AAPs are configured (else nothing); while the
 * AP's own address is unknown a timer retries.
 * Return: 0, or -1 with @errmsg filled.
 */
int proxy_aap_start(struct proxy *px, char *errmsg, size_t errlen);
/** proxy_aap_stop - stop the client (LEAVE) and remove the learned entries; safe twice. */
void proxy_aap_stop(struct proxy *px);
/** proxy_aap_changed - the AAP client settings of @a and @b differ (restart needed). */
bool proxy_aap_changed(const struct proxy_config *a, const struct proxy_config *b);
/** proxy_aap_agent - discovery found (@lost false) or lost agent @a: maybe our own HA. */
void proxy_aap_agent(struct proxy *px, const struct disc_agent *a, bool lost);
/** proxy_aap_update_report - recompute the report (HA found/lost, static map changed). */
void proxy_aap_update_report(struct proxy *px);
/** proxy_aap_merge_learned - put the client's live entries into @m (static ones win). */
void proxy_aap_merge_learned(struct proxy *px, struct submap *m);

/* proxy_gw.c */

/**
 * proxy_gw_restore - client @c appeared at home: send it one unsolicited ARP reply giving its
 * gateway's real MAC (resolved on the AP's LAN, possibly later from a timer).
 */
void proxy_gw_restore(struct proxy *px, struct proxy_client *c);
/** proxy_gw_fini - drop pending restores and free the timer; safe twice. */
void proxy_gw_fini(struct proxy *px);

/* proxy_io.c */

/**
 * proxy_io_open - open the sockets for client-facing interface @px->cfg.client_if.
 * Return: 0; 1 with @errmsg filled when the interface is missing or not a bridge port
 * (nothing opened: try again later); -1 with @errmsg filled on any other error.
 */
int proxy_io_open(struct proxy *px, char *errmsg, size_t errlen);
/** proxy_io_close - close every socket; safe to call twice. */
void proxy_io_close(struct proxy *px);
/** proxy_io_send_bridge - send a whole Ethernet frame out of the bridge device. */
int proxy_io_send_bridge(struct proxy *px, const uint8_t *frame, size_t len);
/** proxy_io_send_port - send a whole Ethernet frame out of the client-facing port. */
int proxy_io_send_port(struct proxy *px, const uint8_t *frame, size_t len);
/** proxy_io_send_udp - send @msg to @ha port 434 on the UDP socket. */
int proxy_io_send_udp(struct proxy *px, struct in_addr ha, const uint8_t *msg, size_t len);

#endif /* PMIP_PROXY_INT_H */
