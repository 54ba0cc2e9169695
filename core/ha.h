/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ha.h - the home agent role (RFC 5944 section 3.8, RFC 3024 reverse tunnels).
 *
 * The home agent receives Registration Requests on UDP port 434 of its
 * home-network addresses and of each home subnet's directed broadcast
 * address, authenticates them through the key-store chain (always
 * asynchronously), checks replay protection and policy, keeps the mobility
 * bindings with their expiry, drives the tunnel back end (tunnel to the
 * care-of address, host route, proxy ARP, gratuitous ARP) and answers with a
 * Registration Reply. docs/home-agent.md describes the behaviour and every
 * reply code.
 *
 * This header is the public interface: the role's lifecycle (also available
 * as the class ha_role_class, see role.h), the input entry point used by the
 * sockets and by tests, the counters, the security-violation records and the
 * state accessors that NETCONF, SNMP and the CLI read bindings through.
 */
#ifndef PMIP_HA_H
#define PMIP_HA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "ha_counters.h"
#include "role.h"

struct ha;

/** ha_role_class - the home agent as a struct role_class; cfg is a struct ha_config. */
extern const struct role_class ha_role_class;

/**
 * ha_start - start a home agent.
 * @env: environment (copied). With @env->send NULL the HA opens one UDP socket per home
 *       network address and one per directed broadcast address (prefixes shorter than /31).
 * @cfg: configuration (copied; the caller keeps ownership).
 * @errmsg: receives the reason on failure.
 * @errlen: size of @errmsg.
 *
 * The tunnel back end "tunnel-<cfg->tunnel_backend>" is loaded from @env->plugin_dir.
 *
 * Return: the running home agent, or NULL with @errmsg filled.
 */
struct ha *ha_start(const struct role_env *env, const struct ha_config *cfg, char *errmsg,
                    size_t errlen);

/**
 * ha_icmp_input - an ICMP message arrived (the IP header removed).
 * @ha: home agent.
 * @icmp: the ICMP message.
 * @len: its length.
 * @dst: destination address of its IP header.
 * @ifindex: interface it arrived on.
 *
 * A valid agent solicitation on the interface of an advertising home network is answered
 * by the interface's shared advertisement (agent_adv.h: at most one per second; by
 * broadcast when the solicitation was broadcast). Anything else is ignored.
 */
void ha_icmp_input(struct ha *ha, const uint8_t *icmp, size_t len, struct in_addr dst,
                   unsigned ifindex);

/**
 * ha_advertise - send an unsolicited advertisement on interface @ifname now.
 * @ha: home agent.
 * @ifname: interface of an advertising home network.
 *
 * Return: 0, -ENOENT (not advertised there, or absent), or the send error.
 */
int ha_advertise(struct ha *ha, const char *ifname);

/**
 * ha_reconfigure - put a new configuration in force.
 * @ha: home agent.
 * @cfg: new configuration (copied).
 * @errmsg: receives the reason on failure.
 * @errlen: size of @errmsg.
 *
 * Requests waiting for the key store are dropped (the mobile nodes retransmit). Bindings
 * stay, except those whose home address left every home network, and all of them when the
 * tunnel back end changes. New limits apply to later registrations.
 *
 * Return: 0, or -1 with @errmsg filled and the old configuration kept.
 */
int ha_reconfigure(struct ha *ha, const struct ha_config *cfg, char *errmsg, size_t errlen);

/**
 * ha_set_keystore - switch to another key-store chain.
 * @ha: home agent.
 * @chain: the new chain (may be NULL).
 *
 * Lookups pending on the old chain are cancelled; the old chain must still exist.
 */
void ha_set_keystore(struct ha *ha, struct ks_chain *chain);

/**
 * ha_stop - stop a home agent: cancel pending lookups, remove all bindings with their
 * tunnels, routes and proxy ARP entries, close the sockets, free @ha.
 * @ha: home agent; NULL is allowed.
 */
void ha_stop(struct ha *ha);

/**
 * ha_input - a datagram arrived.
 * @ha: home agent.
 * @buf: UDP payload.
 * @len: its length.
 * @rx: source address and port, destination address, interface.
 *
 * The datagram is processed completely or turned into a pending request waiting for the
 * key store; @buf is not referenced after the call.
 */
void ha_input(struct ha *ha, const uint8_t *buf, size_t len, const struct role_rx *rx);

/**
 * ha_get_counters - copy the counters.
 * @ha: home agent.
 * @out: receives the counters.
 */
void ha_get_counters(const struct ha *ha, struct ha_counters *out);

/**
 * ha_pending_count - number of requests waiting for the key store.
 * @ha: home agent.
 */
size_t ha_pending_count(const struct ha *ha);

/* --- security violations (RFC 2006 mipSecViolationTable) --- */

/** enum ha_secviol_reason - why a peer failed (RFC 2006 mipSecRecentViolationReason). */
enum ha_secviol_reason {
	HA_SECVIOL_NO_SA = 1,         /* noMobilitySecurityAssociation */
	HA_SECVIOL_BAD_AUTHENTICATOR, /* badAuthenticator */
	HA_SECVIOL_BAD_IDENTIFIER,    /* badIdentifier */
	HA_SECVIOL_BAD_SPI,           /* badSPI */
	HA_SECVIOL_MISSING_EXTENSION, /* missingSecurityExtension */
	HA_SECVIOL_OTHER,             /* other (the key store rejected the peer) */
};

/** HA_SECVIOL_MAX - violators remembered; the one seen longest ago makes room. */
#define HA_SECVIOL_MAX 256

/**
 * struct ha_secviol - the last security violation of one peer.
 * @addr: violator address (the mobile node's home address, or the foreign agent's address).
 * @count: violations by this peer since it entered the table.
 * @spi: SPI of the most recent violation (0 when none was given).
 * @time: wall-clock time of the most recent violation (seconds since the Unix epoch).
 * @id: Identification of the offending request.
 * @reason: reason of the most recent violation.
 */
struct ha_secviol {
	struct in_addr addr;
	uint32_t count;
	uint32_t spi;
	int64_t time;
	uint64_t id;
	enum ha_secviol_reason reason;
};

/**
 * ha_secviol_reason_name - stable name of a violation reason.
 * @r: reason.
 *
 * Return: "no-security-association", "bad-authenticator", "bad-identifier", "bad-spi",
 * "missing-security-extension", "other", or "unknown". Never NULL.
 */
const char *ha_secviol_reason_name(enum ha_secviol_reason r);

/**
 * ha_secviol_next - security violation records in address order.
 * @ha: home agent.
 * @after: return the first record with an address greater than *@after; NULL for the first.
 * @out: receives the record.
 *
 * Return: 0, or -ENOENT past the end.
 */
int ha_secviol_next(const struct ha *ha, const struct in_addr *after, struct ha_secviol *out);

/* --- binding state --- */

/**
 * struct ha_binding_info - one mobility binding (RFC 2006 haMobilityBindingEntry).
 * @hoa: home address (first key).
 * @coa: care-of address (second key).
 * @src: source address of the accepted request (the foreign agent, or the mobile node).
 * @ha_addr: home agent address of the home network that serves @hoa.
 * @flags: flags of the accepted request (MIP_RRQ_F_*).
 * @id: Identification of the accepted request.
 * @lifetime: lifetime granted, in seconds; 0xffff means infinite.
 * @remaining: seconds left (rounded up), 0xffffffff for infinite.
 * @nai: NAI of the mobile node, or empty.
 */
struct ha_binding_info {
	struct in_addr hoa;
	struct in_addr coa;
	struct in_addr src;
	struct in_addr ha_addr;
	uint8_t flags;
	uint64_t id;
	uint16_t lifetime;
	uint32_t remaining;
	char nai[256];
};

/**
 * ha_binding_count - number of bindings (care-of addresses over all mobile nodes).
 * @ha: home agent.
 */
size_t ha_binding_count(const struct ha *ha);

/**
 * ha_mn_count - number of mobile nodes with at least one binding.
 * @ha: home agent.
 */
size_t ha_mn_count(const struct ha *ha);

/**
 * ha_binding_lookup - the binding with key (@hoa, @coa).
 * @ha: home agent.
 * @hoa: home address.
 * @coa: care-of address.
 * @out: receives the binding.
 *
 * Return: 0, or -ENOENT.
 */
int ha_binding_lookup(const struct ha *ha, struct in_addr hoa, struct in_addr coa,
                      struct ha_binding_info *out);

/**
 * ha_binding_next - walk the bindings in key order (home address, then care-of address,
 * both compared as unsigned 32-bit numbers), as a GETNEXT does.
 * @ha: home agent.
 * @hoa: key of the previous binding, or NULL for the first one.
 * @coa: second part of that key (ignored when @hoa is NULL).
 * @out: receives the next binding.
 *
 * O(log n) per step; the previous binding need not exist any more.
 * Return: 0, or -ENOENT past the end.
 */
int ha_binding_next(const struct ha *ha, const struct in_addr *hoa, const struct in_addr *coa,
                    struct ha_binding_info *out);

/**
 * ha_binding_clear - remove bindings on an operator's request (pmipctl, NETCONF), with their
 * tunnel references, host route and proxy ARP entry, as a deregistration would.
 * @ha: home agent.
 * @hoa: home address.
 * @coa: care-of address of the one binding to remove, or NULL for every binding of @hoa.
 *
 * Return: the number of bindings removed (at least 1), or -ENOENT.
 */
int ha_binding_clear(struct ha *ha, struct in_addr hoa, const struct in_addr *coa);

#endif /* PMIP_HA_H */
