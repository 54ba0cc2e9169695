/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proxy.h - the proxy access point role (Cisco Aironet "Proxy Mobile IP", protocol guide 12).
 *
 * A proxy access point bridges its client-facing port to its LAN. Discovery back ends
 * (plugins discovery-NAME.so, core/discovery.h) report mobility agents and clients. For a
 * visiting client (not on the AP's own subnet) whose home address the subnet map
 * (submap.h) resolves to a home agent, the AP registers the client with that home agent
 * through the best foreign agent, acting as a proxy mobile node at link level: the
 * request leaves the AP's bridge as a frame from the client's MAC and home address, and
 * the foreign agent's reply is read on the client-facing port. The AP then answers the
 * client's ARP requests for its gateway (and other off-link addresses) with the foreign
 * agent's MAC, re-registers before the lifetime runs out, and deregisters the client when
 * it leaves. A client back on its home subnet is deregistered by its home AP straight at
 * the home agent. docs/proxy.md describes the behaviour and the decisions.
 *
 * This header is the public interface: the role's lifecycle (also as proxy_role_class),
 * entry points for tests (discovery events, frames, datagrams, the clock), the failure
 * event hook, and state accessors for NETCONF, SNMP and the CLI.
 */
#ifndef PMIP_PROXY_H
#define PMIP_PROXY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "discovery.h"
#include "engine.h"
#include "proxy_counters.h"
#include "role.h"

struct proxy;
struct submap;

/** proxy_role_class - the proxy access point as a struct role_class (cfg: struct proxy_config). */
extern const struct role_class proxy_role_class;

/**
 * struct proxy_hooks - replacements for the proxy's I/O and clocks (tests).
 * @send_fa: send Ethernet frame @frame (a registration request through a foreign agent)
 *	out of the AP's bridge. Mandatory in hooks.
 * @send_client: send Ethernet frame @frame (ARP) out of the client-facing port. Mandatory.
 * @send_ha: send UDP payload @msg to home agent @ha port 434 from the AP's own address.
 *	Mandatory.
 * @now_ms: monotonic clock in milliseconds; NULL uses ev_now_ms().
 * @ntp_now: wall clock as a 64-bit NTP timestamp; NULL uses mip_ntp_now().
 * @gw_mac: the link-layer address of gateway @gw on the AP's LAN into @mac (6 bytes),
 *	returning 0, or a negative errno when unknown; NULL: gateways are never restored
 *	(without hooks the kernel's neighbour table answers).
 * @arg: first argument of every hook.
 *
 * With hooks the proxy opens no sockets and loads no discovery plugins; the caller
 * hands it discovery events (proxy_disc_event()), frames seen on the client-facing port
 * (proxy_port_input()) and datagrams from home agents (proxy_ha_input()), and runs its
 * timers with proxy_run_timers().
 */
struct proxy_hooks {
	int (*send_fa)(void *arg, const uint8_t *frame, size_t len);
	int (*send_client)(void *arg, const uint8_t *frame, size_t len);
	int (*send_ha)(void *arg, struct in_addr ha, const uint8_t *msg, size_t len);
	uint64_t (*now_ms)(void *arg);
	uint64_t (*ntp_now)(void *arg);
	int (*gw_mac)(void *arg, struct in_addr gw, uint8_t *mac);
	void *arg;
};

/** enum proxy_fail - why a registration attempt failed (registration-failure event). */
enum proxy_fail {
	PROXY_FAIL_DENIED = 1,   /* an authenticated denial (or an FA denial, 64..127) */
	PROXY_FAIL_TIMEOUT = 2,  /* no valid reply after the last retransmission */
	PROXY_FAIL_NO_SA = 3,    /* the key store has no MN-HA association for the client */
	PROXY_FAIL_REJECTED = 4, /* the key store refused the client */
	PROXY_FAIL_KS_ERROR = 5, /* the key store could not answer */
	PROXY_FAIL_SEND = 6,     /* the request could not be built or sent */
};

/**
 * struct proxy_failure - a registration-failure event.
 * @mac: the client's link-layer address.
 * @hoa: its home address.
 * @ha: its home agent.
 * @fa: the foreign agent used (INADDR_ANY for a deregistration at home).
 * @coa: the care-of address of the request (the home address at home, INADDR_ANY when no
 *	request was built).
 * @why: the kind of failure.
 * @code: the reply code for PROXY_FAIL_DENIED; for PROXY_FAIL_TIMEOUT the code of the
 *	last reply that matched but did not authenticate (for example 131 when the keys
 *	differ), else 0.
 * @reason: a one-line text ("mobile node failed authentication").
 * @attempts: consecutive failed attempts, this one included.
 */
struct proxy_failure {
	uint8_t mac[DISC_MAC_LEN];
	struct in_addr hoa, ha, fa, coa;
	enum proxy_fail why;
	unsigned code;
	const char *reason;
	unsigned attempts;
};

/**
 * proxy_failure_fn - registration-failure hook (the event is also raised on the event bus,
 * event.h, as PMIP_EVENT_REG_FAILURE with role "proxy" and code @code).
 * @arg: the hook's argument.
 * @f: the event; borrowed for the duration of the call. The hook must not call back
 *	into the proxy.
 */
typedef void (*proxy_failure_fn)(void *arg, const struct proxy_failure *f);

/**
 * proxy_start - start a proxy access point.
 * @env: environment (copied).
 * @cfg: configuration (copied). @cfg->dnode, when set, is handed to every discovery back
 *	end's configure().
 * @errmsg: receives the reason on failure (naming a plugin that cannot be loaded).
 * @errlen: size of @errmsg.
 *
 * Loads and starts the discovery back ends, opens the packet sockets on the
 * client-facing port and on the bridge it belongs to, and a UDP socket for home agents.
 *
 * Return: the running proxy, or NULL with @errmsg filled.
 */
struct proxy *proxy_start(const struct role_env *env, const struct proxy_config *cfg, char *errmsg,
                          size_t errlen);

/**
 * proxy_start_hooks - start a proxy whose I/O, discovery and clocks are the caller's (tests).
 * @env: environment (copied); @env->loop may be NULL.
 * @cfg: configuration (copied).
 * @hooks: I/O replacements (copied).
 * @errmsg: receives the reason on failure.
 * @errlen: size of @errmsg.
 *
 * Return: the running proxy, or NULL with @errmsg filled.
 */
struct proxy *proxy_start_hooks(const struct role_env *env, const struct proxy_config *cfg,
                                const struct proxy_hooks *hooks, char *errmsg, size_t errlen);

/**
 * proxy_reconfigure - put a new configuration in force.
 * @px: the proxy.
 * @cfg: new configuration (copied).
 * @errmsg: receives the reason on failure.
 * @errlen: size of @errmsg.
 *
 * The static subnet map is replaced and timers and flags apply from the next attempt.
 * A change of client-interface or of the discovery list restarts the sockets and
 * discovery back ends (clients and agents learnt are dropped, registrations left to
 * expire); other changes keep every client. The discovery back ends get the new
 * subtree through configure().
 *
 * Return: 0, or -1 with @errmsg filled and the old configuration kept.
 */
int proxy_reconfigure(struct proxy *px, const struct proxy_config *cfg, char *errmsg,
                      size_t errlen);

/**
 * proxy_set_keystore - switch to another key-store chain; lookups pending on the old one
 * are cancelled and restarted on @chain.
 * @px: the proxy.
 * @chain: the new chain (may be NULL).
 */
void proxy_set_keystore(struct proxy *px, struct ks_chain *chain);

/**
 * proxy_stop - stop: deregister nothing (bindings expire at the home agents), cancel
 * lookups and timers, stop the discovery back ends, close the sockets, free @px.
 * @px: the proxy; NULL is allowed.
 */
void proxy_stop(struct proxy *px);

/**
 * proxy_set_failure_hook - subscribe to registration-failure events.
 * @px: the proxy.
 * @fn: the hook, or NULL to unsubscribe (events are then only logged).
 * @arg: its argument.
 */
void proxy_set_failure_hook(struct proxy *px, proxy_failure_fn fn, void *arg);

/* --- input entry points (the sockets, the discovery upcall, and tests) --- */

/**
 * proxy_disc_event - a discovery report (the disc_env upcall of every back end).
 * @px: the proxy.
 * @ev: what happened.
 * @data: its data (borrowed).
 */
void proxy_disc_event(struct proxy *px, enum disc_event ev, const union disc_event_data *data);

/**
 * proxy_port_input - a frame seen on the client-facing port.
 * @px: the proxy.
 * @frame: the Ethernet frame.
 * @len: its length.
 * @outgoing: the frame was leaving through the port toward the clients (a foreign
 *	agent's reply); false for frames the clients sent (ARP).
 */
void proxy_port_input(struct proxy *px, const uint8_t *frame, size_t len, bool outgoing);

/**
 * proxy_ha_input - a datagram from a home agent on the proxy's UDP socket.
 * @px: the proxy.
 * @buf: the UDP payload.
 * @len: its length.
 * @from: its source address and port.
 */
void proxy_ha_input(struct proxy *px, const uint8_t *buf, size_t len,
                    const struct sockaddr_in *from);

/**
 * proxy_run_timers - run every client timer due at the proxy's clock.
 * @px: the proxy.
 *
 * Return: milliseconds until the next timer, or UINT64_MAX when none is armed.
 */
uint64_t proxy_run_timers(struct proxy *px);

/* --- state --- */

/** enum proxy_client_state - where a client's registration stands (proxy_client.c). */
enum proxy_client_state {
	PROXY_CS_AT_HOME = 1,        /* on its home subnet here; nothing to do */
	PROXY_CS_HOME_DEREG = 2,     /* at home: deregistering straight at the home agent */
	PROXY_CS_NO_HA = 3,          /* visiting, but its address is not in the subnet map */
	PROXY_CS_WAIT_FA = 4,        /* visiting, no usable foreign agent known */
	PROXY_CS_WAIT_SA = 5,        /* key-store lookup in flight */
	PROXY_CS_REGISTERING = 6,    /* request sent, waiting for the reply */
	PROXY_CS_REGISTERED = 7,     /* registered; re-registration timer armed */
	PROXY_CS_PROBING = 8,        /* re-registration due: checking the client is still here */
	PROXY_CS_BACKOFF = 9,        /* last attempt failed; waiting to try again */
	PROXY_CS_DEREGISTERING = 10, /* gone: deregistering through the foreign agent */
	PROXY_CS_IGNORED = 11,       /* discovery said to leave it alone */
};

/** proxy_client_state_name - "registered", "wait-sa", ... (stable, for state output). */
const char *proxy_client_state_name(enum proxy_client_state s);

/**
 * struct proxy_client_info - one client (state for NETCONF, SNMP and the CLI).
 * @mac: link-layer address.
 * @hoa: home address (key of the ordered walk).
 * @gateway: its gateway as reported by discovery, or INADDR_ANY.
 * @state: registration state.
 * @registered: a registration is in force at the home agent (also while renewing).
 * @ha: home agent from the subnet map, or INADDR_ANY.
 * @fa: foreign agent used, or INADDR_ANY.
 * @coa: care-of address used, or INADDR_ANY.
 * @lifetime: lifetime granted by the last accepted registration (0xffff infinite).
 * @rereg_in_ms: milliseconds until the re-registration (0 when none is scheduled).
 * @last_code: code of the last valid reply, or -1 before the first one.
 * @attempts: consecutive failed attempts (0 once registered).
 * @sends: transmissions of the current request (1 + retransmissions).
 * @id: Identification of the last request sent.
 */
struct proxy_client_info {
	uint8_t mac[DISC_MAC_LEN];
	struct in_addr hoa;
	struct in_addr gateway;
	enum proxy_client_state state;
	bool registered;
	struct in_addr ha, fa, coa;
	uint16_t lifetime;
	uint64_t rereg_in_ms;
	int last_code;
	unsigned attempts;
	unsigned sends;
	uint64_t id;
};

/** proxy_client_count - number of clients tracked. */
size_t proxy_client_count(const struct proxy *px);

/**
 * proxy_client_lookup - the client with home address @hoa (@mac NULL) or MAC @mac.
 * @px: the proxy.
 * @hoa: home address, used when @mac is NULL.
 * @mac: link-layer address, or NULL.
 * @out: receives it.
 *
 * Return: 0, or -ENOENT.
 */
int proxy_client_lookup(const struct proxy *px, struct in_addr hoa, const uint8_t *mac,
                        struct proxy_client_info *out);

/**
 * proxy_client_next - walk the clients in home-address order (unsigned 32-bit numbers).
 * @px: the proxy.
 * @after: home address of the previous client, or NULL for the first.
 * @out: receives the next client.
 *
 * Return: 0, or -ENOENT past the end.
 */
int proxy_client_next(const struct proxy *px, const struct in_addr *after,
                      struct proxy_client_info *out);

/**
 * proxy_client_clear - forget client @hoa (management "clear"): a registration that may be
 * in force is deregistered through its foreign agent first, as when the client leaves.
 * @px: the proxy.
 * @hoa: the client's home address.
 *
 * Return: 0, or -ENOENT when no such client is tracked.
 */
int proxy_client_clear(struct proxy *px, struct in_addr hoa);

/**
 * proxy_client_reregister - start a new registration attempt for visiting client @hoa now
 * (management "re-register"), whatever its timers say; the failure count restarts.
 * @px: the proxy.
 * @hoa: the client's home address.
 *
 * Return: 0, -ENOENT when no such client is tracked, or -EINVAL when the client is not a
 * visitor with a home agent (at home, no subnet-map entry, ignored, or leaving).
 */
int proxy_client_reregister(struct proxy *px, struct in_addr hoa);

/**
 * struct proxy_agent_info - a mobility agent known from discovery.
 * @agent: as last reported.
 * @clients: clients currently registered or registering through it.
 */
struct proxy_agent_info {
	struct disc_agent agent;
	size_t clients;
};

/**
 * proxy_agent_next - walk the known agents in address order.
 * @px: the proxy.
 * @after: address of the previous agent, or NULL for the first.
 * @out: receives the next agent.
 *
 * Return: 0, or -ENOENT past the end.
 */
int proxy_agent_next(const struct proxy *px, const struct in_addr *after,
                     struct proxy_agent_info *out);

/**
 * proxy_get_counters - copy the counters.
 * @px: the proxy.
 * @out: receives them.
 */
void proxy_get_counters(const struct proxy *px, struct proxy_counters *out);

/**
 * proxy_denials - valid denials received with reply code @code.
 * @px: the proxy.
 * @code: reply code.
 *
 * Return: the count.
 */
uint64_t proxy_denials(const struct proxy *px, uint8_t code);

/**
 * proxy_submap - the subnet map in use: static entries from the config and entries learned
 * from the AAPs (origin SUBMAP_LEARNED); read only.
 * @px: the proxy.
 *
 * Return: the map.
 */
struct submap *proxy_submap(const struct proxy *px);

struct aap_client;

/**
 * proxy_aap_client - the proxy's AAP client (aap_client.h accessors: current AAP,
 * installed table, counters), or NULL when no AAP is configured or it has not started.
 * @px: the proxy.
 *
 * Return: the client (valid until the next reconfiguration).
 */
struct aap_client *proxy_aap_client(const struct proxy *px);

#endif /* PMIP_PROXY_H */
