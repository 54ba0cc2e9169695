/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl_show_proxy.c - the control commands of the proxy access point and of
 * the authoritative access point: "show proxy clients|agents|subnet-map" and
 * "show aap" (the AAP role, and the AAP client of a proxy access point).
 *
 * Like the rest of ctl_show.c, they read state through the roles' public
 * accessors (proxy.h, submap.h, aap.h, aap_client.h) when they run, on the
 * loop thread, and keep no copy of it. docs/pmipctl.md lists the members.
 */
#include <errno.h>
#include <stdio.h>

#include <arpa/inet.h>

#include "aap.h"
#include "aap_client.h"
#include "ctl.h"
#include "ctl_int.h"
#include "engine.h"
#include "proxy.h"
#include "submap.h"

/* --- proxy access point --- */

int
ctl_show_px_clients(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err)
{
	const struct proxy *px = ctl_need_proxy(env, err);
	struct proxy_client_info c;
	struct in_addr after;
	bool first = true;

	if (px == NULL)
		return -1;
	ctl_json_u64(j, "count", proxy_client_count(px));
	ctl_json_arr(j, "clients");
	while (proxy_client_next(px, first ? NULL : &after, &c) == 0 && !j->failed) {
		first = false;
		after = c.hoa;
		ctl_json_obj(j, NULL);
		ctl_json_addr(j, "home-address", c.hoa);
		ctl_mac(j, "mac", c.mac);
		ctl_json_str(j, "state", proxy_client_state_name(c.state));
		ctl_json_bool(j, "registered", c.registered);
		ctl_json_addr(j, "home-agent", c.ha);
		ctl_json_addr(j, "foreign-agent", c.fa);
		ctl_json_addr(j, "care-of-address", c.coa);
		ctl_secs(j, "lifetime", c.lifetime, 0xffff);
		ctl_json_u64(j, "reregister-in-ms", c.rereg_in_ms);
		if (c.last_code >= 0)
			ctl_json_u64(j, "last-code", (uint64_t)c.last_code);
		else
			ctl_json_null(j, "last-code");
		ctl_json_u64(j, "attempts", c.attempts);
		ctl_json_addr(j, "gateway", c.gateway);
		ctl_id(j, "identification", c.id);
		ctl_json_end(j);
	}
	ctl_json_end(j);
	return 0;
}

int
ctl_show_px_agents(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err)
{
	const struct proxy *px = ctl_need_proxy(env, err);
	struct proxy_agent_info a;
	struct in_addr after;
	bool first = true;

	if (px == NULL)
		return -1;
	ctl_json_arr(j, "agents");
	while (proxy_agent_next(px, first ? NULL : &after, &a) == 0 && !j->failed) {
		first = false;
		after = a.agent.addr;
		ctl_json_obj(j, NULL);
		ctl_json_addr(j, "address", a.agent.addr);
		ctl_json_str(j, "roles",
		             (a.agent.roles & (DISC_ROLE_HA | DISC_ROLE_FA)) ==
		                             (DISC_ROLE_HA | DISC_ROLE_FA)
		                     ? "ha,fa"
		             : a.agent.roles & DISC_ROLE_HA ? "ha"
		             : a.agent.roles & DISC_ROLE_FA ? "fa"
		                                            : "-");
		ctl_json_arr(j, "care-of-addresses");
		for (size_t i = 0; i < a.agent.n_coa && i < DISC_COA_MAX; i++)
			ctl_json_addr(j, NULL, a.agent.coa[i]);
		ctl_json_end(j);
		ctl_json_str(j, "interface", a.agent.ifname);
		ctl_json_u64(j, "max-lifetime", a.agent.max_lifetime);
		ctl_json_u64(j, "advertisement-lifetime", a.agent.adv_lifetime);
		ctl_json_u64(j, "sequence", a.agent.seq);
		ctl_json_u64(j, "clients", a.clients);
		ctl_json_end(j);
	}
	ctl_json_end(j);
	return 0;
}

int
ctl_show_px_submap(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err)
{
	const struct proxy *px = ctl_need_proxy(env, err);
	struct submap *m;
	struct submap_entry e;
	struct in_addr prefix;
	uint8_t len = 0;
	bool first = true;
	int rc;

	if (px == NULL)
		return -1;
	m = proxy_submap(px);
	ctl_json_u64(j, "count", submap_count(m));
	ctl_json_arr(j, "subnet-map");
	while ((rc = submap_next(m, first ? NULL : &prefix, len, &e)) == 0 && !j->failed) {
		char net[INET_ADDRSTRLEN + 4], a[INET_ADDRSTRLEN];

		first = false;
		prefix = e.prefix;
		len = e.len;
		inet_ntop(AF_INET, &e.prefix, a, sizeof(a));
		snprintf(net, sizeof(net), "%s/%u", a, (unsigned)e.len);
		ctl_json_obj(j, NULL);
		ctl_json_str(j, "prefix", net);
		ctl_json_addr(j, "home-agent", e.ha);
		ctl_json_str(j, "origin", e.origin == SUBMAP_LEARNED ? "learned" : "static");
		ctl_json_u64(j, "version", e.version);
		ctl_json_end(j);
	}
	if (rc == -ENOMEM) {
		ctl_fail(err, "resource-denied", "out of memory walking the subnet map");
		return -1;
	}
	ctl_json_end(j);
	return 0;
}

/* --- authoritative access point, and the proxy's AAP client --- */

static void
ctl_prefix(struct ctl_json *j, const char *key, struct in_addr prefix, uint8_t len)
{
	char net[INET_ADDRSTRLEN + 4], a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &prefix, a, sizeof(a));
	snprintf(net, sizeof(net), "%s/%u", a, (unsigned)len);
	ctl_json_str(j, key, net);
}

static void
ctl_show_aap_role(const struct aap *a, struct ctl_json *j)
{
	const struct pmip_counter_desc *d;
	struct aap_counters cnt;
	struct aap_ap_info ap;
	struct aap_peer_info peer;
	struct in_addr after;
	size_t live, n;
	bool first = true;

	ctl_json_obj(j, "aap");
	ctl_json_u64(j, "entries", aap_entry_count(a, &live));
	ctl_json_u64(j, "live-entries", live);
	ctl_json_u64(j, "access-point-count", aap_ap_count(a));
	ctl_json_arr(j, "access-points");
	while (aap_ap_next(a, first ? NULL : &after, &ap) == 0 && !j->failed) {
		first = false;
		after = ap.addr;
		ctl_json_obj(j, NULL);
		ctl_json_addr(j, "address", ap.addr);
		ctl_json_u64(j, "port", ap.port);
		if (ap.has_subnet) {
			ctl_json_addr(j, "home-agent", ap.ha);
			ctl_prefix(j, "prefix", ap.prefix, ap.len);
		}
		ctl_json_u64(j, "hold-time", ap.hold_s);
		ctl_json_u64(j, "heard-ago-ms", ap.heard_ago_ms);
		ctl_json_bool(j, "in-session", ap.in_session);
		ctl_json_u64(j, "queued", ap.queued);
		ctl_json_end(j);
	}
	ctl_json_end(j);
	first = true;
	ctl_json_arr(j, "peers");
	while (aap_peer_next(a, first ? NULL : &after, &peer) == 0 && !j->failed) {
		first = false;
		after = peer.addr;
		ctl_json_obj(j, NULL);
		ctl_json_addr(j, "address", peer.addr);
		ctl_json_bool(j, "up", peer.up);
		ctl_json_bool(j, "heard", peer.heard);
		ctl_json_u64(j, "heard-ago-ms", peer.heard_ago_ms);
		ctl_json_end(j);
	}
	ctl_json_end(j);
	aap_get_counters(a, &cnt);
	d = aap_counter_table(&n);
	ctl_counters(j, "counters", &cnt, d, n);
	ctl_json_end(j);
}

static void
ctl_show_aap_client(const struct proxy_config *cfg, const struct aap_client *c, struct ctl_json *j)
{
	struct aap_client_counters cnt;
	const struct aap_table *t = aap_client_table(c);
	size_t cur = aap_client_current(c);

	aap_client_get_counters(c, &cnt);
	ctl_json_obj(j, "aap-client");
	ctl_json_arr(j, "aaps");
	for (size_t i = 0; i < cfg->n_aap && i < PMIP_AAP_MAX; i++)
		ctl_json_addr(j, NULL, cfg->aap[i]);
	ctl_json_end(j);
	if (cur < cfg->n_aap)
		ctl_json_addr(j, "current", cfg->aap[cur]);
	ctl_json_u64(j, "priority", cur + 1);
	ctl_json_u64(j, "entries", aap_table_count(t));
	ctl_json_u64(j, "live-entries", aap_table_live(t));
	ctl_json_obj(j, "counters");
#define CTL_AAPC_COUNTER(m, name, descr) ctl_json_u64(j, name, cnt.m);
	AAP_CLIENT_COUNTERS(CTL_AAPC_COUNTER)
#undef CTL_AAPC_COUNTER
	ctl_json_end(j);
	ctl_json_end(j);
}

int
ctl_show_aap(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err)
{
	const struct pmip_engine *e = env->engine;
	const struct aap_client *c = e->proxy_inst != NULL ? proxy_aap_client(e->proxy_inst) : NULL;

	if (e->aap_inst == NULL && c == NULL) {
		ctl_fail(err, "role-not-running",
		         "neither the AAP role nor a proxy access point's AAP client is running");
		return -1;
	}
	if (e->aap_inst != NULL)
		ctl_show_aap_role(e->aap_inst, j);
	if (c != NULL && e->proxy != NULL)
		ctl_show_aap_client(e->proxy, c, j);
	return 0;
}
