/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aap.h - the authoritative access point role (AAP), public interface.
 *
 * The AAP keeps the replicated subnet map (core/aap_table.h), learns entries from the
 * HELLOs of proxy access points, answers each new AP with the full table and pushes every
 * change to every known AP with acknowledgement and retransmission, reconciles its table
 * with up to two peer AAPs (digest first, then only the differing buckets), and probes a
 * home agent whose subnet no longer has an AP, deleting the entry everywhere when the HA
 * stays silent. docs/aap-protocol.md specifies the protocol and the state machines.
 */
#ifndef PMIP_AAP_H
#define PMIP_AAP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "engine.h"
#include "role.h"

/* X(member, state name, description) */
#define AAP_COUNTERS(X)                                                                       \
	X(rx_ok, "aapRxAccepted", "datagrams authenticated and accepted")                     \
	X(rx_truncated, "aapRxTruncated", "datagrams dropped: shorter than header and MAC")   \
	X(rx_oversized, "aapRxOversized", "datagrams dropped: longer than 1400 bytes")        \
	X(rx_bad_version, "aapRxBadVersion", "datagrams dropped: unknown version")            \
	X(rx_bad_length, "aapRxBadLength", "datagrams dropped: body length disagrees")        \
	X(rx_bad_mac, "aapRxBadMac", "datagrams dropped: HMAC-SHA256 does not verify")        \
	X(rx_bad_type, "aapRxBadType", "datagrams dropped: unknown or unexpected type")       \
	X(rx_bad_body, "aapRxBadBody", "datagrams dropped: malformed body")                   \
	X(rx_bad_entry, "aapRxBadEntry", "datagrams dropped: malformed subnet entry")         \
	X(rx_replayed, "aapRxReplayed", "datagrams dropped: sequence already seen")           \
	X(rx_window, "aapRxOutsideWindow", "datagrams dropped: sequence outside the window")  \
	X(rx_not_peer, "aapRxNotPeer", "reconciliation messages from an unconfigured sender") \
	X(rx_overload, "aapRxOverload", "HELLOs dropped: too many access points")             \
	X(tx, "aapTx", "datagrams sent")                                                      \
	X(tx_errors, "aapTxErrors", "datagrams that could not be sent")                       \
	X(hellos, "aapHellos", "HELLOs accepted")                                             \
	X(full_tables, "aapFullTables", "full-table transfers started")                       \
	X(map_sent, "aapMapSent", "MAP messages sent, retransmissions included")              \
	X(retransmits, "aapRetransmits", "MAP messages retransmitted")                        \
	X(ap_unreachable, "aapApUnreachable", "access points that stopped acknowledging")     \
	X(ap_expired, "aapApExpired", "access points forgotten after their hold time")        \
	X(table_full, "aapTableFull", "entries refused: table at max-entries")                \
	X(sync_rounds, "aapSyncRounds", "digests sent to peer AAPs")                          \
	X(sync_entries_sent, "aapSyncEntriesSent", "entries sent to peer AAPs")               \
	X(sync_entries_merged, "aapSyncEntriesMerged", "peer entries that changed the table") \
	X(probes_sent, "aapProbesSent", "home agent liveness probes sent")                    \
	X(probe_replies, "aapProbeReplies", "registration replies to probes")                 \
	X(ha_deleted, "aapHaDeleted", "entries deleted because their home agent was silent")

/** struct aap_counters - the AAP's counters; members as listed in AAP_COUNTERS(). */
struct aap_counters {
	AAP_COUNTERS(PMIP_COUNTER_MEMBER)
};

/** aap_counter_table - descriptor rows of struct aap_counters, *@n of them. */
const struct pmip_counter_desc *aap_counter_table(size_t *n);

struct aap;

/** aap_role_class - the AAP as a struct role_class; cfg is a struct aap_config. */
extern const struct role_class aap_role_class;

/**
 * aap_start - start an AAP.
 * @env: environment (copied). With @env->send NULL the AAP opens its UDP socket on
 *	cfg->address (or every address):cfg->port and a probe socket.
 * @cfg: configuration (copied).
 * @errmsg: receives the reason on failure.
 * @errlen: size of @errmsg.
 *
 * Return: the AAP, or NULL with @errmsg filled.
 */
struct aap *aap_start(const struct role_env *env, const struct aap_config *cfg, char *errmsg,
                      size_t errlen);

/**
 * aap_reconfigure - new settings: key, peers, limits and timers apply at once; a new
 * address or port reopens the socket (the old one is kept when that fails).
 * Return: 0, or -1 with @errmsg filled and the old settings kept.
 */
int aap_reconfigure(struct aap *a, const struct aap_config *cfg, char *errmsg, size_t errlen);

/** aap_stop - close the sockets, cancel timers and free @a; NULL allowed. */
void aap_stop(struct aap *a);

/**
 * aap_input - a datagram arrived on the AAP port (sockets and tests).
 * @a: the AAP.
 * @buf: UDP payload.
 * @len: its length (may exceed the buffer actually read: then it is counted oversized).
 * @rx: addressing.
 */
void aap_input(struct aap *a, const uint8_t *buf, size_t len, const struct role_rx *rx);

/** aap_get_counters - copy the counters of @a to @out. */
void aap_get_counters(const struct aap *a, struct aap_counters *out);

/** aap_entry_count - entries (tombstones included) and, in *@live, live entries. */
size_t aap_entry_count(const struct aap *a, size_t *live);

/** aap_ap_count - access points currently known. */
size_t aap_ap_count(const struct aap *a);

/**
 * struct aap_ap_info - an access point the AAP knows (state for NETCONF, SNMP and the CLI).
 * @addr: its address (sender id), the key of the walk.
 * @port: UDP port its datagrams come from.
 * @has_subnet: it reported its home agent and subnet.
 * @ha: reported home agent.
 * @prefix: reported subnet.
 * @len: its prefix length.
 * @hold_s: hold time it announced.
 * @heard_ago_ms: milliseconds since its last HELLO.
 * @in_session: a MAP session is open (it acknowledges).
 * @queued: MAP messages waiting for its acknowledgement.
 */
struct aap_ap_info {
	struct in_addr addr;
	uint16_t port;
	bool has_subnet;
	struct in_addr ha, prefix;
	uint8_t len;
	uint16_t hold_s;
	uint64_t heard_ago_ms;
	bool in_session;
	size_t queued;
};

/**
 * aap_ap_next - walk the known access points in address order (unsigned 32-bit numbers).
 * @a: the AAP.
 * @after: address of the previous AP, or NULL for the first.
 * @out: receives the next one.
 *
 * A scan of the AP list (at most AAP_APS_MAX entries): O(n) per step.
 * Return: 0, or -ENOENT past the end.
 */
int aap_ap_next(const struct aap *a, const struct in_addr *after, struct aap_ap_info *out);

/**
 * struct aap_peer_info - a configured peer AAP.
 * @addr: its address, the key of the walk.
 * @up: it answered within three compare intervals (or the AAP started too recently to say).
 * @heard: it was ever heard from.
 * @heard_ago_ms: milliseconds since it was last heard from (0 when never).
 */
struct aap_peer_info {
	struct in_addr addr;
	bool up;
	bool heard;
	uint64_t heard_ago_ms;
};

/**
 * aap_peer_next - walk the configured peer AAPs in address order.
 * @a: the AAP.
 * @after: address of the previous peer, or NULL for the first.
 * @out: receives the next one.
 *
 * Return: 0, or -ENOENT past the end.
 */
int aap_peer_next(const struct aap *a, const struct in_addr *after, struct aap_peer_info *out);

#endif /* PMIP_AAP_H */
