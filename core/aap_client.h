/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aap_client.h - the access point side of the AAP protocol.
 *
 * A proxy access point runs one client. The client reports the AP's own home agent and
 * subnet to its current AAP in periodic HELLOs, installs the subnet map the AAP sends (a
 * full table, then pushed changes, each acknowledged) and tells its owner about every
 * change through callbacks, so the owner can keep its longest-prefix map (core/submap.h)
 * in step. Up to three AAPs are configured in priority order: after hello-misses
 * unanswered HELLOs the client moves to the next one, and while it is not on the first
 * it keeps saying HELLO to the better ones and moves back to the first that answers.
 * docs/aap-protocol.md section 5 has the state machine.
 *
 * Wiring into the proxy role (for the owner):
 *
 *   c = aap_client_start(&env, &cfg, &(struct aap_client_cb){ add, del, failover, p }, ...);
 *   ... discovery found our HA and subnet: aap_client_report(c, ha, prefix, len);
 *   add(): submap_put(map, { prefix, len, ha, SUBMAP_LEARNED, version })
 *   del(): submap_del(map, prefix, len)
 *   aap_client_stop(c) when the role stops.
 */
#ifndef PMIP_AAP_CLIENT_H
#define PMIP_AAP_CLIENT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "aap_msg.h"
#include "aap_table.h"
#include "counters.h"
#include "engine.h"
#include "role.h"

/**
 * struct aap_client_config - what the client needs.
 * @self: the AP's address: sender id, and the local address of the client's socket.
 * @aap: AAP addresses in priority order.
 * @n_aap: 1..PMIP_AAP_MAX.
 * @port: AAP port (6500).
 * @key: group key.
 * @key_len: AAP_KEY_MIN..AAP_KEY_MAX.
 * @hello_ms: HELLO interval; 0 means 5000.
 * @hello_misses: unanswered HELLOs before moving to the next AAP; 0 means 3.
 * @max_entries: size limit of the installed map; 0 means 100000.
 */
struct aap_client_config {
	struct in_addr self;
	struct in_addr aap[PMIP_AAP_MAX];
	size_t n_aap;
	uint16_t port;
	uint8_t key[AAP_KEY_MAX];
	size_t key_len;
	uint32_t hello_ms;
	uint8_t hello_misses;
	uint32_t max_entries;
};

/**
 * struct aap_client_cb - what the client tells its owner; every member may be NULL.
 * @on_map_add: a subnet appeared or changed its home agent (@e is live).
 * @on_map_del: a subnet disappeared.
 * @on_failover: the client now talks to AAP @idx of the configured list (address @aap).
 * @arg: first argument of each callback.
 *
 * Callbacks run on the loop thread from inside the client; they must not stop it.
 */
struct aap_client_cb {
	void (*on_map_add)(void *arg, const struct aap_entry *e);
	void (*on_map_del)(void *arg, struct in_addr prefix, uint8_t len);
	void (*on_failover)(void *arg, size_t idx, struct in_addr aap);
	void *arg;
};

/* X(member, state name, description) */
#define AAP_CLIENT_COUNTERS(X)                                                              \
	X(rx_ok, "aapcRxAccepted", "datagrams accepted")                                    \
	X(rx_dropped, "aapcRxDropped", "datagrams dropped: malformed, bad MAC, replayed")   \
	X(rx_unknown, "aapcRxUnknownSender", "datagrams from a sender that is not our AAP") \
	X(hellos, "aapcHellos", "HELLOs sent")                                              \
	X(failovers, "aapcFailovers", "changes of the current AAP")                         \
	X(full_tables, "aapcFullTables", "full tables installed")                           \
	X(map_msgs, "aapcMapMessages", "MAP messages applied")                              \
	X(out_of_order, "aapcOutOfOrder", "MAP messages out of order or duplicated")        \
	X(table_full, "aapcTableFull", "entries refused: map at its size limit")

/** struct aap_client_counters - the client's counters. */
struct aap_client_counters {
	AAP_CLIENT_COUNTERS(PMIP_COUNTER_MEMBER)
};

struct aap_client;

/**
 * aap_client_start - start a client and send the first HELLO (with no report).
 * @env: loop; with @env->send set the client opens no socket (tests call
 *	aap_client_input()).
 * @cfg: configuration (copied).
 * @cb: callbacks (copied); NULL for none.
 * @errmsg: receives the reason on failure.
 * @errlen: size of @errmsg.
 *
 * Return: the client, or NULL with @errmsg filled.
 */
struct aap_client *aap_client_start(const struct role_env *env, const struct aap_client_config *cfg,
                                    const struct aap_client_cb *cb, char *errmsg, size_t errlen);

/**
 * aap_client_report - the AP's own home agent and subnet (learned by agent discovery).
 * @c: client.
 * @ha: home agent; 0.0.0.0 withdraws the report (the AP then only receives the map).
 * @prefix: subnet, host bits zero.
 * @len: prefix length.
 *
 * A HELLO with the new report leaves at once.
 * Return: 0, or -EINVAL for an invalid subnet.
 */
int aap_client_report(struct aap_client *c, struct in_addr ha, struct in_addr prefix, uint8_t len);

/** aap_client_stop - send LEAVE to the current AAP, close and free @c; NULL allowed. */
void aap_client_stop(struct aap_client *c);

/** aap_client_input - a datagram for the client arrived (sockets and tests). */
void aap_client_input(struct aap_client *c, const uint8_t *buf, size_t len,
                      const struct role_rx *rx);

/** aap_client_current - index of the current AAP in the configured list. */
size_t aap_client_current(const struct aap_client *c);

/** aap_client_table - the installed map (tombstones included); valid until the next input. */
const struct aap_table *aap_client_table(const struct aap_client *c);

/** aap_client_get_counters - copy the counters of @c to @out. */
void aap_client_get_counters(const struct aap_client *c, struct aap_client_counters *out);

#endif /* PMIP_AAP_CLIENT_H */
