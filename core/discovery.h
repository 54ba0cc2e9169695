/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * discovery.h - discovery plugin class: finding mobility agents and detecting clients.
 *
 * A discovery back end watches the network (or the configuration) and tells
 * the core what it learns through ONE typed upcall, env->event(), in the
 * manner of hostap's wpa_supplicant_event(). Two jobs share the class:
 *
 *   - agents: discovery-icmp listens for Agent Advertisements (RFC 5944
 *     section 2, ICMP type 9 plus extension 16) and sends Agent Solicitations
 *     (type 10, TTL 1); discovery-static reports the agents of its config;
 *   - clients: discovery-pcap watches the client-facing interface (ARP and IP
 *     traffic) and reports clients that appear, leave, or must be left alone
 *     (DHCP users, clients with their own Mobile IP stack).
 *
 * The back end only observes and reports; policy (which FA to use, the
 * subnet-map lookup that finds a client's HA, registration) stays in the core.
 *
 * Calling rules:
 *   - every op and every upcall runs on the loop thread;
 *   - env->event() is never called from inside an op: a back end with
 *     something to report at start() (discovery-static) reports from a
 *     deferred call (ev_defer()), like the key stores' async contract;
 *   - event data is borrowed for the duration of the upcall only;
 *   - after stop() returns, no more events arrive until the next start().
 *
 *   create -> configure* -> start -> (events, solicit, configure*) -> stop -> destroy
 *                                      ^                                |
 *                                      +-------------- start -----------+
 */
#ifndef PMIP_DISCOVERY_H
#define PMIP_DISCOVERY_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct lyd_node;

#define DISC_COA_MAX 8 /* care-of addresses kept per agent; extra ones are dropped */
#define DISC_MAC_LEN 6

/** enum disc_event - what a discovery back end reports. */
enum disc_event {
	DISC_AGENT_FOUND = 1,    /* a new agent, or a known one whose advertised data changed */
	DISC_AGENT_LOST = 2,     /* advertisement lifetime expired, or removed from config */
	DISC_AGENT_REBOOTED = 3, /* sequence number fell below 256: its bindings may be gone */
	DISC_CLIENT_SEEN = 4,    /* a client appeared, moved port, or changed address */
	DISC_CLIENT_GONE = 5,    /* a client left (idle timeout or link down) */
	DISC_CLIENT_IGNORED = 6, /* a client that must not be proxied; see enum disc_ignore */
};

/** enum disc_role - roles an agent offers (the H and F advertisement bits). */
enum disc_role {
	DISC_ROLE_HA = 1 << 0,
	DISC_ROLE_FA = 1 << 1,
};

/** enum disc_ignore - why a client is left alone (DISC_CLIENT_IGNORED). */
enum disc_ignore {
	DISC_IGNORE_NONE = 0,
	DISC_IGNORE_DHCP = 1,     /* it obtained (or asked for) an address by DHCP */
	DISC_IGNORE_OWN_MIP = 2,  /* it runs Mobile IP itself (solicitation or RRQ seen) */
	DISC_IGNORE_NO_ADDR = 3,  /* no usable IPv4 address (0.0.0.0, link-local, broadcast) */
	DISC_IGNORE_EXCLUDED = 4, /* excluded by the back end's configuration */
};

/**
 * struct disc_agent - an agent as advertised or configured.
 * @addr: agent address (advertisement source, or configured), network order.
 * @roles: mask of enum disc_role, from the H and F flags.
 * @flags: Mobility Agent Advertisement flags as received (MIP_ADV_F_* in
 *	mip_adv.h: R B H F M G r T U X I); static agents set what config says.
 * @max_lifetime: Registration Lifetime, the longest registration lifetime
 *	the agent accepts, in seconds; 0xffff means infinite.
 * @adv_lifetime: ICMP advertisement lifetime in seconds after which the agent
 *	is lost without a new advertisement; 0 for static agents (never).
 * @seq: sequence number of the advertisement (0 for static agents).
 * @n_coa: entries used in @coa.
 * @coa: care-of addresses offered by a foreign agent, in advertised order.
 * @prefix_len: prefix length of @addr from the Prefix-Lengths extension
 *	(type 19), or 0 when unknown.
 * @ifindex: interface the advertisement arrived on (or configured), 0 if none.
 * @ifname: name of that interface, or empty.
 * @has_mac: @mac holds the agent's link-layer address.
 * @mac: link-layer source of the advertisement.
 */
struct disc_agent {
	struct in_addr addr;
	unsigned roles;
	uint16_t flags;
	uint16_t max_lifetime;
	uint16_t adv_lifetime;
	uint16_t seq;
	uint8_t n_coa;
	struct in_addr coa[DISC_COA_MAX];
	uint8_t prefix_len;
	unsigned ifindex;
	char ifname[IF_NAMESIZE];
	bool has_mac;
	uint8_t mac[DISC_MAC_LEN];
};

/**
 * struct disc_client - a client seen on a client-facing interface.
 * @mac: the client's link-layer address; the key of a client.
 * @addr: its IPv4 address (its home address when it visits), network order.
 * @gateway: the off-link address it was seen asking for in ARP (normally its
 *	home gateway), or INADDR_ANY.
 * @ifindex: interface it was seen on.
 * @ifname: name of that interface.
 * @on_link: @addr lies in the interface's own subnet (the client is at home
 *	here); the core still decides with the subnet map.
 * @reason: why it is ignored (DISC_CLIENT_IGNORED only), else DISC_IGNORE_NONE.
 * @seen_ms: ev_now_ms() time of the frame that caused the event (for the
 *	handoff-gap measurement), or of the last frame for DISC_CLIENT_GONE.
 */
struct disc_client {
	uint8_t mac[DISC_MAC_LEN];
	struct in_addr addr;
	struct in_addr gateway;
	unsigned ifindex;
	char ifname[IF_NAMESIZE];
	bool on_link;
	enum disc_ignore reason;
	uint64_t seen_ms;
};

/**
 * union disc_event_data - payload of an event.
 * @agent: for DISC_AGENT_*. For LOST and REBOOTED only @addr and @ifindex
 *	need be valid.
 * @client: for DISC_CLIENT_*. For GONE only @mac, @addr and @ifindex need be
 *	valid.
 */
union disc_event_data {
	struct disc_agent agent;
	struct disc_client client;
};

/**
 * disc_event_fn - the upcall every discovery back end reports through.
 * @ctx: env->ctx, identifying the instance to the core.
 * @ev: what happened.
 * @data: its data; borrowed for the duration of the call.
 *
 * The core may call any op of the reporting instance from inside the upcall
 * (for example solicit() after DISC_CLIENT_SEEN when no FA is known), and
 * may even stop() it; the back end must allow for that.
 */
typedef void (*disc_event_fn)(void *ctx, enum disc_event ev, const union disc_event_data *data);

/**
 * struct disc_env - what the core gives a discovery instance.
 * @loop: the event loop (sockets, timers, deferred calls).
 * @event: the upcall; never NULL.
 * @ctx: first argument of @event.
 */
struct disc_env {
	struct ev_loop *loop;
	disc_event_fn event;
	void *ctx;
};

/**
 * struct disc_status - operational counters of one discovery instance.
 * @rx: messages or frames examined (advertisements, ARP/IP frames).
 * @rx_invalid: of these, malformed or failing checks (checksum, lengths).
 * @tx: solicitations sent.
 * @agents: agents currently known.
 * @clients: clients currently tracked (seen and not gone).
 * @ignored: clients currently ignored.
 * @events: upcalls made.
 * @rx_bad_ttl: of @rx, advertisements whose IP TTL was not 1; they are
 *	processed anyway (senders must use TTL 1; the value is only counted).
 */
struct disc_status {
	uint64_t rx;
	uint64_t rx_invalid;
	uint64_t tx;
	uint64_t agents;
	uint64_t clients;
	uint64_t ignored;
	uint64_t events;
	uint64_t rx_bad_ttl;
};

/**
 * struct disc_ops - operations of a discovery plugin (PMIP_PLUGIN_DISCOVERY).
 *
 * @create: make an instance. @env stays valid until @destroy. Opens nothing
 *	yet. Return the instance, or NULL with @errmsg filled. Mandatory.
 * @destroy: free an instance; calls @stop first if it is running. No event
 *	follows, and deferred calls it queued must find the instance gone
 *	(orphan them rather than free memory they use). Mandatory.
 * @configure: apply the plugin's own config subtree @cfg (NULL when absent),
 *	after @create and on every change, running or not; a running instance
 *	applies the change in place. Return 0, or -1 with @errmsg filled and the
 *	old settings kept. May be NULL if the plugin has no settings.
 *	@cfg is the /pmip:pmip/proxy container (or NULL). Every back end may
 *	read client-interface and idle-timeout from it; the back ends' own
 *	optional leaves are also under /pmip/proxy: agent-discovery-interface
 *	and solicitation-destination (discovery-icmp), the static-agent list
 *	(discovery-static). See docs/discovery.md.
 * @start: open sockets or captures and begin reporting (events come later,
 *	from the loop). discovery-icmp also sends its initial solicitations.
 *	Return 0, or -1 with @errmsg filled and nothing left open. Mandatory.
 * @stop: close everything and forget what was learnt, without LOST or GONE
 *	events (the core drops what this instance reported). No-op when not
 *	running. Mandatory.
 * @solicit: send an Agent Solicitation now on interface @ifname (NULL: every
 *	interface the instance uses), within RFC 1256 limits (at most 3, about
 *	3 s apart, per trigger). Return 0, -EAGAIN when rate-limited, or another
 *	negative errno. May be NULL (back ends that cannot solicit).
 * @get_status: fill @st. May be NULL (then status reads as all zero).
 */
struct disc_ops {
	void *(*create)(const struct disc_env *env, char *errmsg, size_t errlen);
	void (*destroy)(void *inst);
	int (*configure)(void *inst, const struct lyd_node *cfg, char *errmsg, size_t errlen);
	int (*start)(void *inst, char *errmsg, size_t errlen);
	void (*stop)(void *inst);
	int (*solicit)(void *inst, const char *ifname);
	void (*get_status)(void *inst, struct disc_status *st);
};

#endif /* PMIP_DISCOVERY_H */
