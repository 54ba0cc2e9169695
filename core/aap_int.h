/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aap_int.h - objects shared by the AAP role's files.
 *
 *   aap.c       lifecycle, sockets, input dispatch, access points, MAP transfers
 *   aap_sync.c  reconciliation with peer AAPs, home agent liveness probes, the sweep
 */
#ifndef PMIP_AAP_INT_H
#define PMIP_AAP_INT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "aap.h"
#include "aap_msg.h"
#include "aap_table.h"
#include "addr_index.h"
#include "ev.h"
#include "log.h"

#define AAP_APS_MAX        1024 /* access points one AAP serves */
#define AAP_WINDOW         8    /* unacknowledged MAP messages per AP */
#define AAP_RTO_MS         500  /* first retransmission timeout */
#define AAP_RTO_MAX_MS     4000 /* backoff ceiling */
#define AAP_PUSH_RETRIES   6    /* timeouts in a row before an AP is unreachable */
#define AAP_SWEEP_MS       500  /* AP expiry, ownership and probe checks */
#define AAP_TOMBSTONE_TTL  (24ull * 3600 * 1000000) /* microseconds a tombstone is kept */
#define AAP_PROBES_MAX     256                      /* home agents probed at the same time */
#define AAP_START_GRACE_MS 10000 /* no probes this soon after start: APs come back first */
#define AAP_SYNC_DGRAMS    512   /* SYNC_ENTRIES datagrams per peer per round */
#define AAP_FULL_MIN_MS    1000  /* at most one full table per AP per second */

/** struct aap_qmsg - one queued MAP message (encoded anew, with a new sequence, per send). */
struct aap_qmsg {
	uint32_t msgno;
	uint8_t flags;
	bool sent;
	size_t n;
	struct aap_entry ent[AAP_MAP_MAX];
	struct aap_qmsg *next;
};

/** struct aap_ap - an access point that sent a HELLO. */
struct aap_ap {
	struct aap *aap;
	uint32_t id;             /* sender id */
	struct sockaddr_in addr; /* where its datagrams come from */
	struct in_addr local;    /* our address it sent to */
	struct aap_replay replay;
	bool has_subnet;
	struct in_addr ha, prefix;
	uint8_t len;
	uint16_t hold_s;
	uint64_t heard_ms;
	/* MAP session */
	uint32_t session;    /* 0: none (unknown, unreachable): the next HELLO starts one */
	uint32_t next_msgno; /* msgno of the next queued message */
	uint32_t acked;      /* every msgno below this one was acknowledged */
	struct aap_qmsg *q, *q_tail;
	size_t q_len;
	struct ev_timer *rto;
	uint32_t rto_ms;
	unsigned retries;
	uint64_t full_ms;           /* when the last full table started */
	struct addr_index_node ixn; /* in aap.ap_ix, keyed by the sender id */
	struct aap_ap *next, **pprev;
};

/** struct aap_peer - a configured peer AAP. */
struct aap_peer {
	struct in_addr addr;
	struct aap_replay replay;
	uint64_t heard_ms; /* 0: never */
	bool down;
	/* SYNC_ENTRIES we are sending it (bounded per round) */
};

/** struct aap_probe - liveness state of one home agent entry owned by this AAP. */
struct aap_probe {
	struct in_addr prefix, ha;
	uint8_t len;
	bool seen;            /* mark of the current sweep */
	uint64_t since_ms;    /* unsupported since */
	unsigned tries;       /* probes sent in this cycle */
	uint64_t deadline_ms; /* answer expected by; 0: none outstanding */
	uint64_t recheck_ms;  /* HA answered: probe again from then on */
	uint64_t id;          /* identification of the last probe */
	struct aap_probe *next;
};

/** struct aap - a running AAP. */
struct aap {
	struct role_env env;
	struct aap_config cfg;
	struct aap_key *key;
	struct in_addr self; /* sender id and owner address */
	bool cfg_addr_set;   /* self comes from the configuration */
	uint64_t seq;        /* last sequence sent */
	int fd, probe_fd;
	struct ev_io *io, *probe_io;
	struct aap_table *table;
	struct aap_ap *aps;
	struct addr_index ap_ix; /* the APs by sender id: the lookup on every datagram is O(1) */
	size_t n_aps;
	struct aap_peer peers[PMIP_AAP_PEERS_MAX];
	size_t n_peers;
	struct aap_probe *probes;
	size_t n_probes;
	struct ev_timer *sweep, *sync, *flush;
	bool push_scheduled;
	bool resync;             /* the last round found differences: compare again soon */
	struct aap_entry *eager; /* local writes not yet sent to the peers */
	size_t n_eager, cap_eager;
	uint64_t start_ms, purge_ms;
	uint32_t session_ctr;
	struct aap_counters cnt;
	struct log_ratelimit rl;
};

/* aap.c */
/**
 * aap_ap_find - the access point with sender id @id, in O(1) on average.
 * @a: the AAP.
 * @id: sender id (host order).
 *
 * Return: the AP, or NULL.
 */
struct aap_ap *aap_ap_find(struct aap *a, uint32_t id);
int aap_send(struct aap *a, struct in_addr from, const struct sockaddr_in *to, struct aap_msg *m,
             const struct aap_entry *ents);
void aap_changed(struct aap *a, const struct aap_entry *e, bool local);
void aap_ap_sweep(struct aap *a, uint64_t now);
bool aap_subnet_supported(const struct aap *a, struct in_addr prefix, uint8_t len);

/* aap_sync.c */
void aap_sync_input(struct aap *a, const struct aap_msg *m, struct aap_peer *p);
void aap_sync_timer(void *arg);
void aap_sync_flush_eager(struct aap *a);
struct aap_peer *aap_peer_find(struct aap *a, uint32_t id);
void aap_probe_sweep(struct aap *a, uint64_t now);
void aap_probe_readable(int fd, unsigned what, void *arg);
/**
 * aap_probe_reply_matches - whether a datagram answers the outstanding probe @p.
 * @p: the probe.
 * @buf: the datagram received on the probe socket.
 * @len: its length.
 * @src: its source address.
 *
 * True for a Registration Reply (any code) from the home agent or its subnet that names
 * the home agent as home address and echoes the low-order 32 bits of the probe's
 * identification (RFC 5944 5.7: a 133 reply replaces only the high-order bits), so that
 * a stray or forged reply does not keep a dead home agent's entry.
 *
 * Return: true when it answers @p.
 */
bool aap_probe_reply_matches(const struct aap_probe *p, const uint8_t *buf, size_t len,
                             struct in_addr src);
void aap_probe_free_all(struct aap *a);

/* aap_ntoa - inet_ntoa into a caller's buffer. */
const char *aap_ntoa(struct in_addr a, char *buf);

#endif /* PMIP_AAP_INT_H */
