/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fa.h - the foreign agent role (RFC 5944 sections 2 and 3.7, RFC 3024 reverse tunnels).
 *
 * The foreign agent advertises itself on its interfaces (ICMP agent
 * advertisements, periodic and in answer to solicitations), checks the
 * Registration Requests of visiting mobile nodes, relays them to their home
 * agents, matches the replies against its pending list, relays them back,
 * and keeps the visitor list: for each registered visitor the link-layer
 * address and interface it registered from, the delivery route for packets
 * the home agent tunnels to the care-of address, and the reverse tunnel when
 * T was granted. docs/foreign-agent.md describes the behaviour, every reply
 * code and the state machines.
 *
 * This header is the public interface: the role's lifecycle (also available
 * as the class fa_role_class, see role.h), the input entry points used by the
 * sockets and by tests, the counters and the state accessors that NETCONF,
 * SNMP and the CLI read visitors and pending registrations through.
 */
#ifndef PMIP_FA_H
#define PMIP_FA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "fa_counters.h"
#include "role.h"

struct fa;
struct tun_ops;

#define FA_MAC_LEN 6
/* Tunnel back end used when struct fa_config names none (plugin tunnel-NAME.so). */
#define FA_TUNNEL_BACKEND "userspace"

/** fa_role_class - the foreign agent as a struct role_class; cfg is a struct fa_config. */
extern const struct role_class fa_role_class;

/**
 * struct fa_hooks - replacements for the foreign agent's link-level I/O (tests).
 * @send_mn: send a datagram to a mobile node at link-layer address @mac on interface
 *	@ifindex, from @from to @to. NULL: the datagram goes to the role_env send hook.
 * @send_adv: send ICMP message @icmp (an agent advertisement) on interface @ifindex from
 *	@from to @to with IP TTL 1. NULL: advertisements are built and counted but not sent.
 * @ifindex: resolve an interface name; NULL uses if_nametoindex().
 * @tun_ops: tunnel back end to use instead of loading tunnel-NAME.so (NAME from
 *	fa_config.tunnel_backend, FA_TUNNEL_BACKEND when empty); NULL loads the plugin.
 * @tun_inst: instance passed to @tun_ops (created by the caller).
 * @arg: first argument of @send_mn, @send_adv and @ifindex.
 *
 * With hooks the foreign agent opens no sockets whatever role_env says; the caller then
 * hands datagrams to fa_input() and solicitations to fa_icmp_input().
 */
struct fa_hooks {
	int (*send_mn)(void *arg, unsigned ifindex, const uint8_t mac[FA_MAC_LEN],
	               struct in_addr from, const struct sockaddr_in *to, const uint8_t *buf,
	               size_t len);
	int (*send_adv)(void *arg, unsigned ifindex, struct in_addr from, struct in_addr to,
	                const uint8_t *icmp, size_t len);
	unsigned (*ifindex)(void *arg, const char *ifname);
	const struct tun_ops *tun_ops;
	void *tun_inst;
	void *arg;
};

/**
 * fa_start - start a foreign agent.
 * @env: environment (copied). With @env->send NULL the FA opens a UDP socket on port 434
 *       of each care-of address, an AF_PACKET socket that records the link-layer source
 *       of requests, and a raw ICMP socket for solicitations and advertisements.
 * @cfg: configuration (copied; the caller keeps ownership).
 * @errmsg: receives the reason on failure.
 * @errlen: size of @errmsg.
 *
 * Return: the running foreign agent, or NULL with @errmsg filled.
 */
struct fa *fa_start(const struct role_env *env, const struct fa_config *cfg, char *errmsg,
                    size_t errlen);

/**
 * fa_start_hooks - start a foreign agent whose link-level I/O goes through @hooks (tests).
 * @env: environment (copied); @env->send carries the datagrams to home agents.
 * @cfg: configuration (copied).
 * @hooks: I/O replacements (copied).
 * @errmsg: receives the reason on failure.
 * @errlen: size of @errmsg.
 *
 * Return: the running foreign agent, or NULL with @errmsg filled.
 */
struct fa *fa_start_hooks(const struct role_env *env, const struct fa_config *cfg,
                          const struct fa_hooks *hooks, char *errmsg, size_t errlen);

/**
 * fa_reconfigure - put a new configuration in force.
 * @fa: foreign agent.
 * @cfg: new configuration (copied).
 * @errmsg: receives the reason on failure.
 * @errlen: size of @errmsg.
 *
 * Requests waiting for the key store are dropped (the mobile nodes retransmit); requests
 * already relayed stay pending. Visitors stay, except those on an interface that left the
 * configuration. Advertisement sequence numbers continue per interface name. New limits
 * apply to later registrations.
 *
 * Return: 0, or -1 with @errmsg filled and the old configuration kept.
 */
int fa_reconfigure(struct fa *fa, const struct fa_config *cfg, char *errmsg, size_t errlen);

/**
 * fa_set_keystore - switch to another key-store chain.
 * @fa: foreign agent.
 * @chain: the new chain (may be NULL).
 *
 * Requests whose lookups are pending on the old chain are dropped; the old chain must
 * still exist during the call.
 */
void fa_set_keystore(struct fa *fa, struct ks_chain *chain);

/**
 * fa_stop - stop a foreign agent: cancel pending lookups and requests (without answering
 * them), remove every visitor with its delivery route and reverse tunnel, close the
 * sockets, free @fa.
 * @fa: foreign agent; NULL is allowed.
 */
void fa_stop(struct fa *fa);

/**
 * fa_input - a datagram arrived on UDP port 434.
 * @fa: foreign agent.
 * @buf: UDP payload.
 * @len: its length.
 * @rx: source address and port, destination address, interface.
 * @mac: link-layer source address of the frame that carried it, or NULL if unknown.
 *
 * Registration Requests are taken from mobile nodes on the FA's interfaces (a request
 * without a link-layer source is dropped, since the reply could not be delivered without
 * ARP); Registration Replies from home agents. @buf is not referenced after the call.
 */
void fa_input(struct fa *fa, const uint8_t *buf, size_t len, const struct role_rx *rx,
              const uint8_t *mac);

/**
 * fa_icmp_input - an ICMP message arrived (the IP header removed).
 * @fa: foreign agent.
 * @icmp: the ICMP message.
 * @len: its length.
 * @dst: destination address of its IP header.
 * @ifindex: interface it arrived on.
 *
 * A valid agent solicitation on an FA interface is answered by an advertisement on that
 * interface, at most one per second per interface: a solicitation that comes sooner
 * brings the next advertisement forward to one second after the previous one. The answer
 * goes to 255.255.255.255 when the solicitation was broadcast, else to 224.0.0.1.
 */
void fa_icmp_input(struct fa *fa, const uint8_t *icmp, size_t len, struct in_addr dst,
                   unsigned ifindex);

/**
 * fa_advertise - send an unsolicited advertisement on interface @ifname now.
 * @fa: foreign agent.
 * @ifname: an FA interface.
 *
 * The periodic schedule restarts from now.
 * Return: 0, -ENOENT (not an FA interface or not present), or the send error.
 */
int fa_advertise(struct fa *fa, const char *ifname);

/**
 * fa_get_counters - copy the counters.
 * @fa: foreign agent.
 * @out: receives the counters.
 */
void fa_get_counters(const struct fa *fa, struct fa_counters *out);

/* --- state: pending registrations --- */

/** enum fa_pending_state - where a pending registration stands. */
enum fa_pending_state {
	FA_PENDING_KS_VISITOR = 1, /* waiting for the key store: MN-FA association */
	FA_PENDING_KS_HA,          /* waiting for the key store: FA-HA association */
	FA_PENDING_RELAYED,        /* relayed, waiting for the home agent's reply */
};

/**
 * struct fa_pending_info - one pending registration (RFC 5944 section 3.7.1).
 * @hoa: home address of the request (first key; 0.0.0.0 with an NAI).
 * @id_low: low 32 bits of its Identification (second key).
 * @id: the whole Identification.
 * @ha: home agent address of the request.
 * @coa: care-of address of the request.
 * @src: IP source address of the request.
 * @src_port: its UDP source port (host order).
 * @ifindex: interface it arrived on.
 * @mac: link-layer source address of the request.
 * @flags: flags of the request (MIP_RRQ_F_*).
 * @lifetime: lifetime requested, in seconds.
 * @remaining_ms: milliseconds before a relayed request times out (code 78); 0 before relay.
 * @state: where it stands.
 * @nai: NAI of the mobile node, or empty.
 */
struct fa_pending_info {
	struct in_addr hoa;
	uint32_t id_low;
	uint64_t id;
	struct in_addr ha;
	struct in_addr coa;
	struct in_addr src;
	uint16_t src_port;
	unsigned ifindex;
	uint8_t mac[FA_MAC_LEN];
	uint8_t flags;
	uint16_t lifetime;
	uint64_t remaining_ms;
	enum fa_pending_state state;
	char nai[256];
};

/**
 * fa_pending_count - number of pending registrations.
 * @fa: foreign agent.
 */
size_t fa_pending_count(const struct fa *fa);

/**
 * fa_pending_lookup - the pending registration with key (@hoa, @id_low).
 * @fa: foreign agent.
 * @hoa: home address.
 * @id_low: low 32 bits of the Identification.
 * @out: receives it.
 *
 * Return: 0, or -ENOENT.
 */
int fa_pending_lookup(const struct fa *fa, struct in_addr hoa, uint32_t id_low,
                      struct fa_pending_info *out);

/**
 * fa_pending_next - walk the pending registrations in key order (home address, then low
 * identification, both as unsigned 32-bit numbers; entries with equal keys, which only
 * NAI registrations with home address 0.0.0.0 can have, are returned once).
 * @fa: foreign agent.
 * @hoa: key of the previous entry, or NULL for the first one.
 * @id_low: second part of that key (ignored when @hoa is NULL).
 * @out: receives the next entry.
 *
 * O(log n) per step (binary search in a sorted array).
 * Return: 0, or -ENOENT past the end.
 */
int fa_pending_next(const struct fa *fa, const struct in_addr *hoa, const uint32_t *id_low,
                    struct fa_pending_info *out);

/* --- state: visitors --- */

/**
 * struct fa_visitor_info - one visitor (RFC 2006 faVisitorEntry).
 * @hoa: home address (key).
 * @ha: home agent address.
 * @coa: care-of address.
 * @src: IP source address of the accepted request.
 * @src_port: its UDP source port (host order).
 * @ifindex: interface the visitor registered on.
 * @ifname: its name.
 * @mac: link-layer address of the visitor.
 * @flags: flags of the accepted request (MIP_RRQ_F_*).
 * @id: Identification of the accepted registration.
 * @lifetime: lifetime granted by the home agent, in seconds; 0xffff means infinite.
 * @remaining: seconds left (rounded up), 0xffffffff for infinite.
 * @reverse_tunnel: a reverse tunnel to the home agent is installed.
 * @delivery: the delivery route for packets tunnelled to the care-of address is installed.
 * @nai: NAI of the mobile node, or empty.
 */
struct fa_visitor_info {
	struct in_addr hoa;
	struct in_addr ha;
	struct in_addr coa;
	struct in_addr src;
	uint16_t src_port;
	unsigned ifindex;
	char ifname[16];
	uint8_t mac[FA_MAC_LEN];
	uint8_t flags;
	uint64_t id;
	uint16_t lifetime;
	uint32_t remaining;
	bool reverse_tunnel;
	bool delivery;
	char nai[256];
};

/**
 * fa_visitor_count - number of visitors.
 * @fa: foreign agent.
 */
size_t fa_visitor_count(const struct fa *fa);

/**
 * fa_visitor_lookup - the visitor with home address @hoa.
 * @fa: foreign agent.
 * @hoa: home address.
 * @out: receives it.
 *
 * Return: 0, or -ENOENT.
 */
int fa_visitor_lookup(const struct fa *fa, struct in_addr hoa, struct fa_visitor_info *out);

/**
 * fa_visitor_next - walk the visitors in home-address order (as unsigned 32-bit numbers),
 * as a GETNEXT does.
 * @fa: foreign agent.
 * @after: return the first visitor with a home address greater than *@after; NULL for the
 *         first one. The visitor at *@after need not exist any more.
 * @out: receives it.
 *
 * O(log n) per step.
 * Return: 0, or -ENOENT past the end.
 */
int fa_visitor_next(const struct fa *fa, const struct in_addr *after, struct fa_visitor_info *out);

/**
 * fa_visitor_clear - remove a visitor on an operator's request (pmipctl, NETCONF), with its
 * delivery route and reverse tunnel, as its expiry would. The home agent is not told.
 * @fa: foreign agent.
 * @hoa: home address of the visitor.
 *
 * Return: 0, or -ENOENT.
 */
int fa_visitor_clear(struct fa *fa, struct in_addr hoa);

#endif /* PMIP_FA_H */
