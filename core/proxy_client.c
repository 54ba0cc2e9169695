/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proxy_client.c - proxy access point: the client table and the registration state machine.
 *
 * One struct proxy_client per client that discovery reported, keyed by home address (ordered
 * walks) and by MAC (discovery and ARP). Per client:
 *
 *  SEEN, visiting, HA in the subnet map
 *     |
 *     v          FA found                SA found                 0 or 1 (MHAE ok)
 *  [WAIT_FA] -------------> [WAIT_SA] -------------> [REGISTERING] ---------------> [REGISTERED]
 *     ^  no usable FA:        |  no SA, rejected,     | ^  | 133: learn the HA's       |
 *     |  solicit              |  key-store error      | |  |   clock offset, resend    | re-register-
 *     |                       v                       | +--+ 69: shorter lifetime,     | percent of the
 *     |                   [BACKOFF] <----------------+      75/138: set T, resend     | granted lifetime
 *     |  FA lost or        |   ^  other denial, no valid reply after retransmit-max  | (from the send)
 *     |  rebooted          |   |  (exponential, capped; registration-failure event)   v
 *     +-- (re-register) <--+   +----------------------------------------------- heard since?
 *                          timer: new attempt through the best FA            yes: new attempt
 *                                                                             no: [PROBING] ARP
 *                                                                             probes; answer:
 *                                                                             new attempt;
 *  GONE, IGNORED, or silent while PROBING, with a registration in force:          silence: leave
 *     --> [DEREGISTERING] (lifetime 0 through the same FA) --reply or timeout--> (forgotten)
 *
 *  SEEN on its home subnet (on_link), HA in the subnet map, once per appearance:
 *     --> [HOME_DEREG] (lifetime 0, care-of address = home address, straight to the HA)
 *            --reply or timeout--> [AT_HOME]
 *  SEEN on_link without HA: [AT_HOME]; visiting without HA: [NO_HA]; IGNORED: [IGNORED]
 *
 * Each transmission carries a new Identification (NTP time plus the clock offset of that
 * home agent, kept per home agent and learnt from authenticated 133 replies), and the
 * retransmission timeout starts at retransmit-initial-ms and doubles. Building, sending and
 * validating the exchange is proxy_reg.c's part.
 *
 * The home agent comes from the subnet map (static or learned from an AAP) when the client
 * appears, and is looked up again at every new attempt (renewal, backoff, FA change): a
 * client whose entry disappeared goes to [NO_HA] and keeps the registration it has until it
 * expires (not renewed); one whose entry names another home agent registers there. A
 * [NO_HA] client is retried when the map gains entries (proxy_clients_map_changed()).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mip_adv.h"
#include "mip_replay.h"
#include "proxy_int.h"
#include "submap.h"

static const char *const proxy_state_names[] = {
	[PROXY_CS_AT_HOME] = "at-home",
	[PROXY_CS_HOME_DEREG] = "home-deregistering",
	[PROXY_CS_NO_HA] = "no-home-agent",
	[PROXY_CS_WAIT_FA] = "wait-foreign-agent",
	[PROXY_CS_WAIT_SA] = "wait-security-association",
	[PROXY_CS_REGISTERING] = "registering",
	[PROXY_CS_REGISTERED] = "registered",
	[PROXY_CS_PROBING] = "probing",
	[PROXY_CS_BACKOFF] = "backoff",
	[PROXY_CS_DEREGISTERING] = "deregistering",
	[PROXY_CS_IGNORED] = "ignored",
};

const char *
proxy_client_state_name(enum proxy_client_state s)
{
	if ((unsigned)s >= sizeof(proxy_state_names) / sizeof(proxy_state_names[0]) ||
	    proxy_state_names[s] == NULL)
		return "unknown";
	return proxy_state_names[s];
}

static const char *
cl_ntop(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* --- the tables --- */

static size_t
cl_mac_bucket(const uint8_t *mac, size_t size)
{
	uint64_t h = 1469598103934665603ull;

	for (int i = 0; i < PROXY_MAC_LEN; i++)
		h = (h ^ mac[i]) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29)) & (size - 1);
}

int
proxy_clients_init(struct proxy *px)
{
	if (addr_index_init(&px->clients) < 0)
		return -ENOMEM;
	px->mac_hash = calloc(PROXY_MAC_BUCKETS_MIN, sizeof(*px->mac_hash));
	if (px->mac_hash == NULL)
		return -ENOMEM;
	px->mac_size = PROXY_MAC_BUCKETS_MIN;
	return 0;
}

static void
cl_mac_grow(struct proxy *px)
{
	size_t size = px->mac_size * 2;
	struct proxy_client **h = calloc(size, sizeof(*h));

	if (h == NULL)
		return; /* chains just grow longer */
	for (size_t i = 0; i < px->mac_size; i++) {
		struct proxy_client *c = px->mac_hash[i], *next;

		for (; c != NULL; c = next) {
			size_t b = cl_mac_bucket(c->mac, size);

			next = c->mac_next;
			c->mac_next = h[b];
			h[b] = c;
		}
	}
	free(px->mac_hash);
	px->mac_hash = h;
	px->mac_size = size;
}

static void
cl_mac_unlink(struct proxy *px, struct proxy_client *c)
{
	struct proxy_client **pp = &px->mac_hash[cl_mac_bucket(c->mac, px->mac_size)];

	if (c->detached)
		return;
	while (*pp != NULL && *pp != c)
		pp = &(*pp)->mac_next;
	if (*pp == c)
		*pp = c->mac_next;
	c->mac_next = NULL;
	c->detached = true;
}

struct proxy_client *
proxy_client_by_mac(const struct proxy *px, const uint8_t *mac)
{
	struct proxy_client *c = px->mac_hash[cl_mac_bucket(mac, px->mac_size)];

	while (c != NULL && memcmp(c->mac, mac, PROXY_MAC_LEN) != 0)
		c = c->mac_next;
	return c;
}

struct proxy_client *
proxy_client_by_hoa(const struct proxy *px, struct in_addr hoa)
{
	return ADDR_INDEX_ENTRY(addr_index_find(&px->clients, hoa), struct proxy_client, ix);
}

static struct proxy_client *
cl_new(struct proxy *px, const struct disc_client *dc)
{
	struct proxy_client *c;
	size_t b;

	if (addr_index_count(&px->clients) >= px->cfg.max_clients) {
		char a[INET_ADDRSTRLEN];

		px->cnt.clients_refused++;
		log_rl(&px->rl, LOG_SS_PROXY, LOG_WARNING,
		       "client %s refused: client table full (max-clients %u, %llu refused)",
		       cl_ntop(dc->addr, a), px->cfg.max_clients,
		       (unsigned long long)px->cnt.clients_refused);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_rl(&px->rl, LOG_SS_PROXY, LOG_ERR, "client table: out of memory");
		return NULL;
	}
	c->px = px;
	memcpy(c->mac, dc->mac, PROXY_MAC_LEN);
	c->ix.addr = dc->addr;
	c->last_code = -1;
	c->unauth_code = -1;
	addr_index_insert(&px->clients, &c->ix);
	b = cl_mac_bucket(c->mac, px->mac_size);
	c->mac_next = px->mac_hash[b];
	px->mac_hash[b] = c;
	if (addr_index_count(&px->clients) > px->mac_size)
		cl_mac_grow(px);
	return c;
}

static void
cl_drop_fa(struct proxy *px, struct proxy_client *c)
{
	struct proxy_agent *ag;

	if (!c->has_fa)
		return;
	ag = proxy_agent_find(px, c->fa);
	if (ag != NULL && ag->clients > 0)
		ag->clients--;
	c->has_fa = false;
}

static bool
cl_pick_fa(struct proxy *px, struct proxy_client *c)
{
	struct proxy_agent *ag = proxy_best_fa(px);

	if (ag == NULL)
		return false;
	cl_drop_fa(px, c);
	c->has_fa = true;
	c->fa = ag->a.addr;
	c->coa = ag->a.coa[0];
	memcpy(c->fa_mac, ag->a.mac, PROXY_MAC_LEN);
	c->fa_max_lifetime = ag->a.max_lifetime;
	c->fa_flags = ag->a.flags;
	c->max_lifetime = 0;
	ag->clients++;
	return true;
}

/* Stop whatever is in flight: timer and key-store lookup. */
static void
cl_halt(struct proxy *px, struct proxy_client *c)
{
	proxy_timer_clear(px, c);
	if (c->ksh != NULL)
		ks_chain_cancel(px->env.ks_chain, c->ksh);
	c->ksh = NULL;
	c->relookup = false;
}

void
proxy_cl_free(struct proxy *px, struct proxy_client *c)
{
	cl_halt(px, c);
	cl_drop_fa(px, c);
	mip_sa_unref(c->sa);
	cl_mac_unlink(px, c);
	addr_index_remove(&px->clients, &c->ix);
	free(c);
}

void
proxy_clients_fini(struct proxy *px)
{
	struct addr_index_node *n;

	while ((n = addr_index_first(&px->clients)) != NULL)
		proxy_cl_free(px, ADDR_INDEX_ENTRY(n, struct proxy_client, ix));
	addr_index_fini(&px->clients);
	free(px->mac_hash);
	px->mac_hash = NULL;
	px->mac_size = 0;
}

static bool
cl_bound(const struct proxy *px, const struct proxy_client *c)
{
	return c->registered && c->bound_until_ms > proxy_now_ms(px);
}

/* --- link-level helpers --- */

static void
cl_arp_send(struct proxy *px, struct proxy_client *c, uint16_t op, struct in_addr spa,
            struct in_addr tpa)
{
	struct proxy_arp a = { .op = op, .spa = spa, .tpa = tpa };
	uint8_t frame[PROXY_ARP_FRAME];

	memcpy(a.eth_src, c->fa_mac, PROXY_MAC_LEN);
	memcpy(a.sha, c->fa_mac, PROXY_MAC_LEN);
	if (op == PROXY_ARP_REPLY)
		memcpy(a.tha, c->mac, PROXY_MAC_LEN);
	if (proxy_frame_build_arp(frame, sizeof(frame), c->mac, &a) < 0 ||
	    proxy_send_client(px, frame, sizeof(frame)) < 0)
		return;
	if (op == PROXY_ARP_REPLY)
		px->cnt.arp_replies_sent++;
	else
		px->cnt.arp_probes_sent++;
}

/* Tell the client its gateway (or, unknown, its home agent when on its home prefix) is at
 * the foreign agent's MAC, so that its cached neighbour entry moves at once. */
void
proxy_cl_announce(struct proxy *px, struct proxy_client *c)
{
	struct in_addr t = c->gateway;
	uint32_t mask = submap_mask(c->home_len);

	if (t.s_addr == INADDR_ANY && (c->ha.s_addr & mask) == (c->home_prefix.s_addr & mask))
		t = c->ha;
	if (t.s_addr != INADDR_ANY && t.s_addr != c->ix.addr.s_addr)
		cl_arp_send(px, c, PROXY_ARP_REPLY, t, c->ix.addr);
}

static void
cl_probe(struct proxy *px, struct proxy_client *c)
{
	struct in_addr any = { INADDR_ANY };

	c->probes++;
	cl_arp_send(px, c, PROXY_ARP_REQUEST, any, c->ix.addr); /* RFC 5227 probe form */
	proxy_timer_set(px, c, proxy_now_ms(px) + px->cfg.retransmit_initial_ms);
}

/* --- attempts --- */

/* The client's home agent from the subnet map, now. False (state NO_HA) when it has none. */
static bool
cl_map_refresh(struct proxy *px, struct proxy_client *c)
{
	char a[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];
	const struct submap_entry *e = submap_lookup(px->map, c->ix.addr);

	if (e == NULL) {
		px->cnt.no_home_agent++;
		log_rl(&px->rl, LOG_SS_PROXY, LOG_NOTICE,
		       "client %s: no home agent in the subnet map any more; its registration "
		       "is left to expire",
		       cl_ntop(c->ix.addr, a));
		c->state = PROXY_CS_NO_HA;
		return false;
	}
	if (e->ha.s_addr != c->ha.s_addr)
		log_rl(&px->rl_client, LOG_SS_PROXY, LOG_INFO, "client %s: home agent is now %s",
		       cl_ntop(c->ix.addr, a), cl_ntop(e->ha, h));
	c->ha = e->ha;
	c->home_prefix = e->prefix;
	c->home_len = e->len;
	return true;
}

/* A new registration attempt through a foreign agent (first one or a renewal). */
static void
cl_attempt(struct proxy *px, struct proxy_client *c)
{
	cl_halt(px, c);
	if (!cl_map_refresh(px, c))
		return;
	c->dereg = false;
	c->via_fa = true;
	c->retries = 0;
	c->unauth_code = -1;
	c->force_t = false;
	if (!c->has_fa && !cl_pick_fa(px, c)) {
		if (c->state != PROXY_CS_WAIT_FA)
			px->cnt.no_foreign_agent++;
		c->state = PROXY_CS_WAIT_FA;
		proxy_solicit(px);
		return;
	}
	c->state = PROXY_CS_WAIT_SA;
	proxy_cl_lookup(px, c);
}

/* Leave: deregister through the FA when a registration may be in force, then forget. */
static void
cl_leave(struct proxy *px, struct proxy_client *c)
{
	char a[INET_ADDRSTRLEN], f[INET_ADDRSTRLEN];
	bool maybe = cl_bound(px, c) || (c->state == PROXY_CS_REGISTERING && c->sends > 0);

	cl_halt(px, c);
	if (!maybe || !c->has_fa) {
		proxy_cl_free(px, c);
		return;
	}
	cl_mac_unlink(px, c); /* a new appearance of the MAC makes a new entry */
	c->dereg = true;
	c->via_fa = true;
	c->retries = 0;
	c->unauth_code = -1;
	c->state = PROXY_CS_DEREGISTERING;
	log_rl(&px->rl_client, LOG_SS_PROXY, LOG_INFO, "deregistering %s through foreign agent %s",
	       cl_ntop(c->ix.addr, a), cl_ntop(c->fa, f));
	proxy_cl_lookup(px, c);
}

/* --- timers --- */

void
proxy_client_timer(struct proxy *px, struct proxy_client *c)
{
	char a[INET_ADDRSTRLEN];

	switch (c->state) {
	case PROXY_CS_REGISTERING:
	case PROXY_CS_DEREGISTERING:
	case PROXY_CS_HOME_DEREG:
		if (c->sends <= px->cfg.retransmit_max) {
			proxy_cl_transmit(px, c);
			return;
		}
		px->cnt.timeouts++;
		if (c->dereg) { /* gives up (may free @c) */
			proxy_cl_fail(px, c, PROXY_FAIL_TIMEOUT, 0, "no reply");
			return;
		}
		proxy_cl_fail(px, c, PROXY_FAIL_TIMEOUT,
		              c->unauth_code >= 0 ? (unsigned)c->unauth_code : 0,
		              c->unauth_code >= 0 ? "no authenticated reply" : "no reply");
		cl_drop_fa(px, c); /* the next attempt picks the best FA again */
		return;
	case PROXY_CS_REGISTERED:
		if (c->heard) {
			cl_attempt(px, c);
			return;
		}
		c->state = PROXY_CS_PROBING;
		c->probes = 0;
		cl_probe(px, c);
		return;
	case PROXY_CS_PROBING:
		if (c->probes < PROXY_PROBES) {
			cl_probe(px, c);
			return;
		}
		px->cnt.clients_silent++;
		log_rl(&px->rl_client, LOG_SS_PROXY, LOG_INFO, "client %s did not answer: gone",
		       cl_ntop(c->ix.addr, a));
		cl_leave(px, c);
		return;
	case PROXY_CS_BACKOFF:
		cl_attempt(px, c);
		return;
	default:
		return;
	}
}

/* --- discovery --- */

/* The client appeared on its home subnet here: deregister it straight at its HA (once). */
static void
cl_home_dereg(struct proxy *px, struct proxy_client *c, bool has_ha)
{
	char a[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];

	cl_halt(px, c);
	cl_drop_fa(px, c);
	c->registered = false;
	c->state = PROXY_CS_AT_HOME;
	/* Its neighbour entry for the gateway may still hold a foreign agent's MAC. */
	proxy_gw_restore(px, c);
	if (!has_ha)
		return;
	c->dereg = true;
	c->via_fa = false;
	c->retries = 0;
	c->unauth_code = -1;
	c->state = PROXY_CS_HOME_DEREG;
	log_rl(&px->rl_client, LOG_SS_PROXY, LOG_INFO,
	       "client %s at home: deregistering at home agent %s", cl_ntop(c->ix.addr, a),
	       cl_ntop(c->ha, h));
	proxy_cl_lookup(px, c);
}

void
proxy_client_seen(struct proxy *px, const struct disc_client *dc)
{
	char a[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];
	struct proxy_client *c = proxy_client_by_mac(px, dc->mac), *o;
	const struct submap_entry *e;

	px->cnt.clients_seen++;
	if (dc->addr.s_addr == INADDR_ANY)
		return;
	if (c != NULL && c->ix.addr.s_addr != dc->addr.s_addr) {
		cl_leave(px, c); /* it changed address: the old one goes */
		c = NULL;
	}
	if (c == NULL) {
		o = proxy_client_by_hoa(px, dc->addr);
		if (o != NULL && !o->detached) {
			px->cnt.clients_conflict++;
			log_rl(&px->rl, LOG_SS_PROXY, LOG_NOTICE,
			       "client %s seen from a second link-layer address: ignored",
			       cl_ntop(dc->addr, a));
			return;
		}
		if (o != NULL)
			proxy_cl_free(px, o); /* a finishing deregistration gives way */
		if ((c = cl_new(px, dc)) == NULL)
			return;
	}
	if (dc->gateway.s_addr != INADDR_ANY)
		c->gateway = dc->gateway;
	c->heard = true;
	e = submap_lookup(px->map, dc->addr);
	if (e != NULL) {
		c->ha = e->ha;
		c->home_prefix = e->prefix;
		c->home_len = e->len;
	}
	if (dc->on_link) {
		if (c->state != PROXY_CS_HOME_DEREG)
			cl_home_dereg(px, c, e != NULL);
		return;
	}
	if (e == NULL) {
		if (c->state != PROXY_CS_NO_HA) {
			px->cnt.no_home_agent++;
			log_rl(&px->rl, LOG_SS_PROXY, LOG_NOTICE,
			       "visiting client %s: no home agent in the subnet map",
			       cl_ntop(c->ix.addr, a));
		}
		cl_halt(px, c);
		c->state = PROXY_CS_NO_HA;
		return;
	}
	switch (c->state) {
	case PROXY_CS_WAIT_SA:
	case PROXY_CS_REGISTERING:
	case PROXY_CS_REGISTERED:
	case PROXY_CS_BACKOFF:
		return; /* already in hand */
	default:
		break;
	}
	log_rl(&px->rl_client, LOG_SS_PROXY, LOG_INFO,
	       "visiting client %s: registering with home agent %s", cl_ntop(c->ix.addr, a),
	       cl_ntop(c->ha, h));
	c->attempts = 0;
	cl_attempt(px, c);
}

void
proxy_client_gone(struct proxy *px, const struct disc_client *dc)
{
	char a[INET_ADDRSTRLEN];
	struct proxy_client *c = proxy_client_by_mac(px, dc->mac);

	px->cnt.clients_gone++;
	if (c == NULL)
		return;
	log_rl(&px->rl_client, LOG_SS_PROXY, LOG_INFO, "client %s gone", cl_ntop(c->ix.addr, a));
	cl_leave(px, c);
}

void
proxy_client_ignored(struct proxy *px, const struct disc_client *dc)
{
	struct proxy_client *c = proxy_client_by_mac(px, dc->mac);

	px->cnt.clients_ignored++;
	if (c != NULL && c->state == PROXY_CS_IGNORED && c->ix.addr.s_addr == dc->addr.s_addr)
		return;
	if (c != NULL)
		cl_leave(px, c);
	if (dc->addr.s_addr == INADDR_ANY || proxy_client_by_hoa(px, dc->addr) != NULL)
		return;
	if ((c = cl_new(px, dc)) != NULL)
		c->state = PROXY_CS_IGNORED;
}

void
proxy_clients_fa_found(struct proxy *px)
{
	struct addr_index_node *n;
	struct in_addr at;

	for (n = addr_index_first(&px->clients); n != NULL; n = addr_index_next(&px->clients, at)) {
		struct proxy_client *c = ADDR_INDEX_ENTRY(n, struct proxy_client, ix);

		at = n->addr;
		if (c->state == PROXY_CS_WAIT_FA)
			cl_attempt(px, c);
	}
}

void
proxy_clients_fa_changed(struct proxy *px, struct in_addr fa)
{
	struct addr_index_node *n;
	struct in_addr at;

	for (n = addr_index_first(&px->clients); n != NULL; n = addr_index_next(&px->clients, at)) {
		struct proxy_client *c = ADDR_INDEX_ENTRY(n, struct proxy_client, ix);

		at = n->addr; /* @c may be freed below */
		if (!c->has_fa || c->fa.s_addr != fa.s_addr)
			continue;
		switch (c->state) {
		case PROXY_CS_DEREGISTERING:
			proxy_cl_free(px, c); /* the binding expires at the home agent */
			break;
		case PROXY_CS_WAIT_SA:
		case PROXY_CS_REGISTERING:
		case PROXY_CS_REGISTERED:
		case PROXY_CS_PROBING:
		case PROXY_CS_BACKOFF:
			cl_drop_fa(px, c);
			cl_attempt(px, c);
			break;
		default:
			cl_drop_fa(px, c);
			break;
		}
	}
}

void
proxy_clients_map_changed(struct proxy *px)
{
	char a[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];
	struct addr_index_node *n;
	struct in_addr at;

	for (n = addr_index_first(&px->clients); n != NULL; n = addr_index_next(&px->clients, at)) {
		struct proxy_client *c = ADDR_INDEX_ENTRY(n, struct proxy_client, ix);
		const struct submap_entry *e;

		at = n->addr; /* an attempt may free a client */
		if (c->state != PROXY_CS_NO_HA || c->detached ||
		    (e = submap_lookup(px->map, c->ix.addr)) == NULL)
			continue;
		log_rl(&px->rl_client, LOG_SS_PROXY, LOG_INFO,
		       "visiting client %s: registering with home agent %s", cl_ntop(c->ix.addr, a),
		       cl_ntop(e->ha, h));
		c->attempts = 0;
		cl_attempt(px, c);
	}
}

void
proxy_clients_rekey(struct proxy *px, bool restart)
{
	struct addr_index_node *n;
	struct in_addr at;

	for (n = addr_index_first(&px->clients); n != NULL; n = addr_index_next(&px->clients, at)) {
		struct proxy_client *c = ADDR_INDEX_ENTRY(n, struct proxy_client, ix);

		at = n->addr; /* a failed lookup may free a leaving client */
		if (!restart && c->ksh != NULL) {
			ks_chain_cancel(px->env.ks_chain, c->ksh);
			c->ksh = NULL;
			c->relookup = true;
		} else if (restart && c->relookup) {
			c->relookup = false;
			proxy_cl_lookup(px, c);
		}
	}
}

/* --- ARP from clients --- */

static bool
cl_intercepting(const struct proxy *px, const struct proxy_client *c)
{
	if (!c->has_fa || c->detached)
		return false;
	return cl_bound(px, c) || c->state == PROXY_CS_REGISTERING || c->state == PROXY_CS_WAIT_SA;
}

void
proxy_arp_input(struct proxy *px, const struct proxy_arp *a)
{
	struct proxy_client *c = proxy_client_by_mac(px, a->eth_src), *o;
	struct proxy_arp_client ctx;

	if (c == NULL)
		return;
	c->heard = true;
	if (c->state == PROXY_CS_PROBING)
		cl_attempt(px, c);
	/* A client at home announcing its own address (gratuitous ARP, or an RFC 5227 probe)
	 * has (re)associated: a new appearance, which discovery may not report when the
	 * client came back within its idle timeout. */
	if (c->state == PROXY_CS_AT_HOME && a->tpa.s_addr == c->ix.addr.s_addr &&
	    (a->spa.s_addr == c->ix.addr.s_addr || a->spa.s_addr == INADDR_ANY) &&
	    c->ha.s_addr != INADDR_ANY) {
		cl_home_dereg(px, c, true);
		return;
	}
	if (a->op != PROXY_ARP_REQUEST)
		return;
	px->cnt.arp_requests++;
	o = proxy_client_by_hoa(px, a->tpa);
	ctx = (struct proxy_arp_client){ .known = c->ix.addr.s_addr == a->spa.s_addr,
		                         .intercept = cl_intercepting(px, c),
		                         .hoa = c->ix.addr,
		                         .home_prefix = c->home_prefix,
		                         .home_len = c->home_len,
		                         .gateway = c->gateway,
		                         .target_is_local_client =
		                                 o != NULL && o != c && !o->detached };
	if (proxy_arp_decide(a, &ctx) != PROXY_ARP_IGNORE)
		cl_arp_send(px, c, PROXY_ARP_REPLY, a->tpa, c->ix.addr);
}

/* --- state --- */

void
proxy_client_info_fill(const struct proxy *px, const struct proxy_client *c,
                       struct proxy_client_info *out)
{
	uint64_t now = proxy_now_ms(px);

	memset(out, 0, sizeof(*out));
	memcpy(out->mac, c->mac, PROXY_MAC_LEN);
	out->hoa = c->ix.addr;
	out->gateway = c->gateway;
	out->state = c->state;
	out->registered = cl_bound(px, c);
	out->ha = c->ha;
	if (c->has_fa) {
		out->fa = c->fa;
		out->coa = c->coa;
	}
	out->lifetime = c->lifetime;
	if (c->state == PROXY_CS_REGISTERED && c->rereg_at_ms > now)
		out->rereg_in_ms = c->rereg_at_ms - now;
	out->last_code = c->last_code;
	out->attempts = c->attempts;
	out->sends = c->sends;
	out->id = c->sends > 0 ? c->ids[c->sends - 1] : 0;
}

size_t
proxy_client_count(const struct proxy *px)
{
	return addr_index_count(&px->clients);
}

int
proxy_client_lookup(const struct proxy *px, struct in_addr hoa, const uint8_t *mac,
                    struct proxy_client_info *out)
{
	const struct proxy_client *c =
	        mac != NULL ? proxy_client_by_mac(px, mac) : proxy_client_by_hoa(px, hoa);

	if (c == NULL)
		return -ENOENT;
	proxy_client_info_fill(px, c, out);
	return 0;
}

int
proxy_client_next(const struct proxy *px, const struct in_addr *after,
                  struct proxy_client_info *out)
{
	struct addr_index_node *n = after == NULL ? addr_index_first(&px->clients)
	                                          : addr_index_next(&px->clients, *after);

	if (n == NULL)
		return -ENOENT;
	proxy_client_info_fill(px, ADDR_INDEX_ENTRY(n, struct proxy_client, ix), out);
	return 0;
}

int
proxy_client_clear(struct proxy *px, struct in_addr hoa)
{
	struct proxy_client *c = proxy_client_by_hoa(px, hoa);

	if (c == NULL || c->detached)
		return -ENOENT;
	cl_leave(px, c);
	return 0;
}

int
proxy_client_reregister(struct proxy *px, struct in_addr hoa)
{
	struct proxy_client *c = proxy_client_by_hoa(px, hoa);

	if (c == NULL || c->detached)
		return -ENOENT;
	switch (c->state) {
	case PROXY_CS_WAIT_FA:
	case PROXY_CS_WAIT_SA:
	case PROXY_CS_REGISTERING:
	case PROXY_CS_REGISTERED:
	case PROXY_CS_PROBING:
	case PROXY_CS_BACKOFF:
		c->attempts = 0;
		cl_attempt(px, c);
		return 0;
	default:
		return -EINVAL;
	}
}
