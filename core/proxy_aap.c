/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proxy_aap.c - proxy access point: its AAP client (learned subnet map, own HA report).
 *
 * When /pmip/proxy/aap lists authoritative access points, the proxy runs one AAP client
 * (core/aap_client.h) and keeps three things in step:
 *
 *   report   the AP's own home agent and subnet, sent to the current AAP. Source, best
 *            first: an agent discovery back end reported a home agent (DISC_ROLE_HA) on
 *            the AP's LAN, with a prefix length (the advertisement's Prefix-Lengths
 *            extension, or the AP's own prefix length for an agent without one): the
 *            report is (HA, HA's prefix); else the static subnet-map entry that covers
 *            the AP's own address (longest); else no report (the AP only receives the
 *            map). Re-sent whenever the result changes (HA found, lost, reconfigured).
 *   map      every live entry of the client's installed map is a SUBMAP_LEARNED entry of
 *            the proxy's subnet map, unless a static entry has the same prefix and length
 *            (static wins; the learned one comes back when the static one is removed).
 *            A learned entry deleted by the AAPs is removed; clients registered with its
 *            home agent keep their registration until it expires (not renewed).
 *   failover logged, counted and raised as PMIP_EVENT_AAP_FAILOVER.
 *
 * The AP's own address (sender id and source of the client's datagrams) is
 * aap-client/address, or the first IPv4 address of the bridge that client-interface is a
 * port of; while that bridge is not ready the client is started by a retry timer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aap_client.h"
#include "ev.h"
#include "event.h"
#include "proxy_int.h"
#include "submap.h"

#define PROXY_AAP_RETRY_MS 1000

static const char *
pa_ntop(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static uint8_t
pa_mask_len(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	uint8_t n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	return n;
}

/*
 * The AP's own address and prefix length: the configured address (prefix length of the
 * interface that holds it, 0 when none does), else the first IPv4 address of the bridge.
 * Return: 0, or -ENOENT while it is not known yet.
 */
static int
pa_find_self(struct proxy *px, struct in_addr *self, uint8_t *len)
{
	struct ifaddrs *ifa, *i;
	char bridge[IF_NAMESIZE] = "";
	int rc = -ENOENT;

	*len = 0;
	if (px->cfg.aap_self.s_addr != INADDR_ANY) {
		*self = px->cfg.aap_self;
		rc = 0;
	} else if (px->bridge_ifindex == 0 || if_indextoname(px->bridge_ifindex, bridge) == NULL) {
		return -ENOENT;
	}
	if (getifaddrs(&ifa) < 0)
		return rc;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)i->ifa_addr;
		const struct sockaddr_in *m = (const struct sockaddr_in *)i->ifa_netmask;

		if (a == NULL || a->sin_family != AF_INET || m == NULL)
			continue;
		if (rc == 0 ? a->sin_addr.s_addr == self->s_addr
		            : strcmp(i->ifa_name, bridge) == 0) {
			*self = a->sin_addr;
			*len = pa_mask_len(m->sin_addr);
			rc = 0;
			break;
		}
	}
	freeifaddrs(ifa);
	return rc;
}

/* --- the report --- */

/* The longest static entry covering @addr (a walk: runs only when the report may change). */
static bool
pa_static_cover(struct proxy *px, struct in_addr addr, struct submap_entry *out)
{
	struct submap_entry e;
	struct in_addr prefix;
	uint8_t len = 0;
	bool first = true, found = false;

	while (submap_next(px->map, first ? NULL : &prefix, len, &e) == 0) {
		first = false;
		prefix = e.prefix;
		len = e.len;
		if (e.origin != SUBMAP_STATIC ||
		    (addr.s_addr & submap_mask(e.len)) != e.prefix.s_addr)
			continue;
		if (!found || e.len > out->len)
			*out = e;
		found = true;
	}
	return found;
}

void
proxy_aap_update_report(struct proxy *px)
{
	char h[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN];
	struct in_addr ha = { INADDR_ANY }, prefix = { INADDR_ANY };
	uint8_t len = 0;
	const char *src = "none";
	struct submap_entry e;

	if (px->aap == NULL)
		return;
	if (px->adv_ha.s_addr != INADDR_ANY) {
		ha = px->adv_ha;
		len = px->adv_len;
		prefix.s_addr = ha.s_addr & submap_mask(len);
		src = "agent discovery";
	} else if (pa_static_cover(px, px->self, &e)) {
		ha = e.ha;
		prefix = e.prefix;
		len = e.len;
		src = "static subnet map";
	}
	if (ha.s_addr == px->rep_ha.s_addr && prefix.s_addr == px->rep_prefix.s_addr &&
	    len == px->rep_len)
		return;
	if (aap_client_report(px->aap, ha, prefix, len) < 0) {
		log_rl(&px->rl, LOG_SS_PROXY, LOG_WARNING, "aap: cannot report %s/%u",
		       pa_ntop(prefix, p), len);
		return;
	}
	px->rep_ha = ha;
	px->rep_prefix = prefix;
	px->rep_len = len;
	px->cnt.aap_reports++;
	if (ha.s_addr == INADDR_ANY)
		log_info(LOG_SS_PROXY, "aap: no home agent of our own to report");
	else
		log_info(LOG_SS_PROXY, "aap: reporting home agent %s for %s/%u (from %s)",
		         pa_ntop(ha, h), pa_ntop(prefix, p), len, src);
}

void
proxy_aap_agent(struct proxy *px, const struct disc_agent *a, bool lost)
{
	uint8_t len = a->prefix_len != 0 ? a->prefix_len : px->self_len;
	uint32_t mask = submap_mask(len);

	if (lost) {
		if (px->adv_ha.s_addr != a->addr.s_addr)
			return;
		px->adv_ha.s_addr = INADDR_ANY;
		px->adv_len = 0;
	} else if (!(a->roles & DISC_ROLE_HA) || len == 0 || len > 32 ||
	           px->self.s_addr == INADDR_ANY ||
	           (a->addr.s_addr & mask) != (px->self.s_addr & mask)) {
		/* Not (or no longer) a home agent on our LAN. */
		if (px->adv_ha.s_addr != a->addr.s_addr)
			return;
		px->adv_ha.s_addr = INADDR_ANY;
		px->adv_len = 0;
	} else {
		if (px->adv_ha.s_addr != INADDR_ANY && px->adv_ha.s_addr != a->addr.s_addr)
			return; /* the first home agent heard stays ours until it is lost */
		px->adv_ha = a->addr;
		px->adv_len = len;
	}
	proxy_aap_update_report(px);
}

/* --- the learned map --- */

static void
pa_put_learned(struct proxy *px, struct submap *m, const struct aap_entry *e)
{
	char p[INET_ADDRSTRLEN];
	const struct submap_entry *cur = submap_get(m, e->prefix, e->len);
	struct submap_entry s = { .prefix = e->prefix,
		                  .len = e->len,
		                  .ha = e->ha,
		                  .origin = SUBMAP_LEARNED,
		                  .version = (uint32_t)(e->version / 1000000),
		                  .updated_ms = proxy_now_ms(px) };
	int rc;

	if (cur != NULL && cur->origin == SUBMAP_STATIC) {
		px->cnt.map_shadowed++;
		return;
	}
	if ((rc = submap_put(m, &s)) < 0)
		log_rl(&px->rl, LOG_SS_PROXY, LOG_WARNING, "aap: learned %s/%u not installed: %s",
		       pa_ntop(e->prefix, p), e->len, strerror(-rc));
}

static void
pa_map_add(void *arg, const struct aap_entry *e)
{
	struct proxy *px = arg;
	char p[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];

	px->cnt.map_learned++;
	log_debug(LOG_SS_PROXY, "aap: learned %s/%u -> home agent %s", pa_ntop(e->prefix, p),
	          e->len, pa_ntop(e->ha, h));
	pa_put_learned(px, px->map, e);
	proxy_clients_map_changed(px);
}

static void
pa_map_del(void *arg, struct in_addr prefix, uint8_t len)
{
	struct proxy *px = arg;
	char p[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];
	const struct submap_entry *cur = submap_get(px->map, prefix, len);
	struct in_addr ha;

	if (cur == NULL || cur->origin != SUBMAP_LEARNED)
		return; /* static entries are the configuration's */
	ha = cur->ha;
	submap_del(px->map, prefix, len);
	px->cnt.map_withdrawn++;
	log_info(LOG_SS_PROXY, "aap: subnet %s/%u (home agent %s) withdrawn", pa_ntop(prefix, p),
	         len, pa_ntop(ha, h));
	event_raise_ha_unreachable(EVENT_ROLE_PROXY, PMIP_UNREACH_ENTRY_REMOVED, ha, prefix, len);
}

static void
pa_failover(void *arg, size_t idx, struct in_addr aap)
{
	struct proxy *px = arg;
	char o[INET_ADDRSTRLEN], n[INET_ADDRSTRLEN];
	struct in_addr old = px->cfg.aap[px->aap_cur < px->cfg.n_aap ? px->aap_cur : 0];

	px->cnt.aap_failovers++;
	log_msg(LOG_SS_PROXY, LOG_NOTICE, "aap: %s AAP %s (priority %zu), was %s",
	        idx < px->aap_cur ? "back to" : "failover to", pa_ntop(aap, n), idx + 1,
	        pa_ntop(old, o));
	px->aap_cur = idx;
	event_raise_aap_failover(old, aap, (unsigned)idx + 1);
}

struct pa_merge_ctx {
	struct proxy *px;
	struct submap *m;
};

static int
pa_merge_one(const struct aap_entry *e, void *arg)
{
	struct pa_merge_ctx *x = arg;

	if (!(e->flags & AAP_ENT_TOMBSTONE))
		pa_put_learned(x->px, x->m, e);
	return 0;
}

void
proxy_aap_merge_learned(struct proxy *px, struct submap *m)
{
	struct pa_merge_ctx x = { px, m };

	if (px->aap != NULL)
		aap_table_foreach(aap_client_table(px->aap), NULL, pa_merge_one, &x);
}

/* --- lifecycle --- */

static void pa_retry(void *arg);

static int
pa_try_start(struct proxy *px, char *errmsg, size_t errlen)
{
	struct aap_client_config cc = { .port = px->cfg.aap_port,
		                        .hello_ms = px->cfg.aap_hello_ms,
		                        .hello_misses = px->cfg.aap_hello_misses,
		                        .max_entries = px->cfg.aap_max_entries,
		                        .n_aap = px->cfg.n_aap,
		                        .key_len = px->cfg.aap_key_len };
	struct aap_client_cb cb = { pa_map_add, pa_map_del, pa_failover, px };
	char s[INET_ADDRSTRLEN];

	if (pa_find_self(px, &px->self, &px->self_len) < 0)
		return 1;
	cc.self = px->self;
	memcpy(cc.aap, px->cfg.aap, sizeof(cc.aap));
	memcpy(cc.key, px->cfg.aap_key, sizeof(cc.key));
	px->aap_cur = 0;
	px->rep_ha.s_addr = px->rep_prefix.s_addr = INADDR_ANY;
	px->rep_len = 0;
	px->aap = aap_client_start(&px->env, &cc, &cb, errmsg, errlen);
	explicit_bzero(&cc, sizeof(cc));
	if (px->aap == NULL)
		return -1;
	log_info(LOG_SS_PROXY, "aap: client started as %s/%u with %zu AAP(s)", pa_ntop(px->self, s),
	         px->self_len, px->cfg.n_aap);
	/* Agents heard before our own address was known. */
	for (struct addr_index_node *n = addr_index_first(&px->agents); n != NULL;
	     n = addr_index_next(&px->agents, n->addr))
		proxy_aap_agent(px, &ADDR_INDEX_ENTRY(n, struct proxy_agent, ix)->a, false);
	proxy_aap_update_report(px);
	return 0;
}

int
proxy_aap_start(struct proxy *px, char *errmsg, size_t errlen)
{
	int rc;

	if (px->cfg.n_aap == 0 || px->aap != NULL)
		return 0;
	if (px->cfg.aap_key_len < AAP_KEY_MIN) {
		snprintf(errmsg, errlen,
		         "proxy aap: no group key (aap-client/group-key or /pmip/aap/group-key)");
		return -1;
	}
	rc = pa_try_start(px, errmsg, errlen);
	if (rc <= 0)
		return rc;
	if (px->env.loop == NULL) {
		snprintf(errmsg, errlen, "aap: the access point's own address is unknown");
		return -1;
	}
	/* The bridge is not ready: try again until it is. */
	if (px->aap_retry == NULL &&
	    (px->aap_retry = ev_timer_new(px->env.loop, pa_retry, px)) == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return -1;
	}
	log_info(LOG_SS_PROXY, "aap: waiting for the access point's own address");
	ev_timer_arm(px->aap_retry, PROXY_AAP_RETRY_MS);
	return 0;
}

static void
pa_retry(void *arg)
{
	struct proxy *px = arg;
	char err[256] = "";
	int rc = pa_try_start(px, err, sizeof(err));

	if (rc < 0)
		log_errx(LOG_SS_PROXY, "aap: %s", err);
	if (rc != 0)
		ev_timer_arm(px->aap_retry, PROXY_AAP_RETRY_MS);
}

void
proxy_aap_stop(struct proxy *px)
{
	ev_timer_free(px->aap_retry);
	px->aap_retry = NULL;
	if (px->aap == NULL)
		return;
	aap_client_stop(px->aap);
	px->aap = NULL;
	px->adv_ha.s_addr = px->rep_ha.s_addr = px->rep_prefix.s_addr = INADDR_ANY;
	px->adv_len = px->rep_len = 0;
	if (px->map != NULL)
		submap_clear_origin(px->map, SUBMAP_LEARNED);
}

bool
proxy_aap_changed(const struct proxy_config *a, const struct proxy_config *b)
{
	return a->n_aap != b->n_aap || memcmp(a->aap, b->aap, sizeof(a->aap)) != 0 ||
	       a->aap_key_len != b->aap_key_len ||
	       memcmp(a->aap_key, b->aap_key, sizeof(a->aap_key)) != 0 ||
	       a->aap_port != b->aap_port || a->aap_hello_ms != b->aap_hello_ms ||
	       a->aap_hello_misses != b->aap_hello_misses ||
	       a->aap_max_entries != b->aap_max_entries || a->aap_self.s_addr != b->aap_self.s_addr;
}

struct aap_client *
proxy_aap_client(const struct proxy *px)
{
	return px->aap;
}
