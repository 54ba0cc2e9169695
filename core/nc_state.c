/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nc_state.c - config false data for NETCONF <get>, built on demand.
 *
 * The state is never copied: each <get> walks the role accessors the SNMP
 * agent and pmipctl read as well (ha_binding_next, ha_secviol_next,
 * fa_visitor_next, fa_pending_next, *_get_counters with the descriptor tables
 * of ha_counters.h and fa_counters.h, proxy_client_next, proxy_agent_next,
 * submap_next, aap_ap_next, aap_peer_next, ks_chain_status, plugin_foreach) and
 * turns each record into libyang nodes under /pmip:pmip. Runs on the loop
 * thread, which owns the roles.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>
#include <nc_server.h>

#include "aap.h"
#include "engine.h"
#include "fa.h"
#include "ha.h"
#include "keystore.h"
#include "nc.h"
#include "plugin.h"
#include "proxy.h"
#include "submap.h"

static int
nc_term(struct lyd_node *parent, const char *name, const char *value)
{
	return lyd_new_term(parent, NULL, name, value, 0, NULL) == LY_SUCCESS ? 0 : -1;
}

static int
nc_term_u64(struct lyd_node *parent, const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return nc_term(parent, name, buf);
}

static int
nc_term_addr(struct lyd_node *parent, const char *name, struct in_addr a)
{
	char buf[INET_ADDRSTRLEN];

	return nc_term(parent, name, inet_ntop(AF_INET, &a, buf, sizeof(buf)));
}

static int
nc_term_mac(struct lyd_node *parent, const char *name, const uint8_t *mac)
{
	char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
	         mac[4], mac[5]);
	return nc_term(parent, name, buf);
}

static int
nc_counters(struct lyd_node *st, const struct pmip_counter_desc *rows, size_t n,
            const void *counters)
{
	struct lyd_node *c;

	for (size_t i = 0; i < n; i++) {
		if (lyd_new_list(st, NULL, "counter", 0, &c, rows[i].name) != LY_SUCCESS ||
		    nc_term_u64(c, "value", pmip_counter_value(counters, &rows[i])) < 0 ||
		    nc_term(c, "description", rows[i].descr) < 0)
			return -1;
	}
	return 0;
}

static int
nc_ha_binding(struct lyd_node *st, const struct ha_binding_info *b)
{
	char hoa[INET_ADDRSTRLEN], coa[INET_ADDRSTRLEN];
	struct lyd_node *n;

	inet_ntop(AF_INET, &b->hoa, hoa, sizeof(hoa));
	inet_ntop(AF_INET, &b->coa, coa, sizeof(coa));
	if (lyd_new_list(st, NULL, "binding", 0, &n, hoa, coa) != LY_SUCCESS ||
	    nc_term_addr(n, "source-address", b->src) < 0 ||
	    nc_term_addr(n, "home-agent-address", b->ha_addr) < 0 ||
	    nc_term_u64(n, "flags", b->flags) < 0 || nc_term_u64(n, "identification", b->id) < 0 ||
	    nc_term_u64(n, "lifetime", b->lifetime) < 0 ||
	    nc_term_u64(n, "remaining", b->remaining) < 0)
		return -1;
	return b->nai[0] != '\0' ? nc_term(n, "nai", b->nai) : 0;
}

static int
nc_ha_secviol(struct lyd_node *st, const struct ha_secviol *v)
{
	char addr[INET_ADDRSTRLEN], *t = NULL;
	struct lyd_node *n;
	int rc;

	inet_ntop(AF_INET, &v->addr, addr, sizeof(addr));
	if (lyd_new_list(st, NULL, "security-violation", 0, &n, addr) != LY_SUCCESS ||
	    nc_term_u64(n, "count", v->count) < 0 || nc_term_u64(n, "spi", v->spi) < 0 ||
	    nc_term_u64(n, "identification", v->id) < 0 ||
	    nc_term(n, "reason", ha_secviol_reason_name(v->reason)) < 0)
		return -1;
	if (ly_time_time2str((time_t)v->time, NULL, &t) != LY_SUCCESS)
		return -1;
	rc = nc_term(n, "time", t);
	free(t);
	return rc;
}

static int
nc_ha_state(const struct ha *ha, struct lyd_node *pmip)
{
	struct lyd_node *role, *st;
	struct ha_counters cnt;
	struct ha_binding_info b;
	struct ha_secviol v;
	const struct pmip_counter_desc *rows;
	size_t n;

	if (lyd_new_inner(pmip, NULL, "home-agent", 0, &role) != LY_SUCCESS ||
	    lyd_new_inner(role, NULL, "state", 0, &st) != LY_SUCCESS ||
	    nc_term_u64(st, "binding-count", ha_binding_count(ha)) < 0 ||
	    nc_term_u64(st, "mobile-node-count", ha_mn_count(ha)) < 0 ||
	    nc_term_u64(st, "pending-count", ha_pending_count(ha)) < 0)
		return -1;
	ha_get_counters(ha, &cnt);
	rows = ha_counter_table(&n);
	if (nc_counters(st, rows, n, &cnt) < 0)
		return -1;
	for (int r = ha_binding_next(ha, NULL, NULL, &b); r == 0;
	     r = ha_binding_next(ha, &b.hoa, &b.coa, &b))
		if (nc_ha_binding(st, &b) < 0)
			return -1;
	for (int r = ha_secviol_next(ha, NULL, &v); r == 0; r = ha_secviol_next(ha, &v.addr, &v))
		if (nc_ha_secviol(st, &v) < 0)
			return -1;
	return 0;
}

static int
nc_fa_visitor(struct lyd_node *st, const struct fa_visitor_info *v)
{
	char hoa[INET_ADDRSTRLEN];
	struct lyd_node *n;

	inet_ntop(AF_INET, &v->hoa, hoa, sizeof(hoa));
	if (lyd_new_list(st, NULL, "visitor", 0, &n, hoa) != LY_SUCCESS ||
	    nc_term_addr(n, "home-agent", v->ha) < 0 ||
	    nc_term_addr(n, "care-of-address", v->coa) < 0 ||
	    nc_term_addr(n, "source-address", v->src) < 0 ||
	    nc_term_u64(n, "source-port", v->src_port) < 0 ||
	    nc_term(n, "interface", v->ifname) < 0 || nc_term_mac(n, "mac-address", v->mac) < 0 ||
	    nc_term_u64(n, "flags", v->flags) < 0 || nc_term_u64(n, "identification", v->id) < 0 ||
	    nc_term_u64(n, "lifetime", v->lifetime) < 0 ||
	    nc_term_u64(n, "remaining", v->remaining) < 0 ||
	    nc_term(n, "reverse-tunnel", v->reverse_tunnel ? "true" : "false") < 0 ||
	    nc_term(n, "delivery-route", v->delivery ? "true" : "false") < 0)
		return -1;
	return v->nai[0] != '\0' ? nc_term(n, "nai", v->nai) : 0;
}

static int
nc_fa_pending(struct lyd_node *st, const struct fa_pending_info *p)
{
	static const char *const states[] = { "key-store-visitor", "key-store-home-agent",
		                              "relayed" };
	char hoa[INET_ADDRSTRLEN], idl[12];
	struct lyd_node *n;
	unsigned s = (unsigned)p->state - FA_PENDING_KS_VISITOR;

	inet_ntop(AF_INET, &p->hoa, hoa, sizeof(hoa));
	snprintf(idl, sizeof(idl), "%" PRIu32, p->id_low);
	if (lyd_new_list(st, NULL, "pending", 0, &n, hoa, idl) != LY_SUCCESS ||
	    nc_term_u64(n, "identification", p->id) < 0 ||
	    nc_term_addr(n, "home-agent", p->ha) < 0 ||
	    nc_term_addr(n, "care-of-address", p->coa) < 0 ||
	    nc_term_addr(n, "source-address", p->src) < 0 ||
	    nc_term_mac(n, "mac-address", p->mac) < 0 ||
	    nc_term_u64(n, "lifetime", p->lifetime) < 0 ||
	    nc_term_u64(n, "remaining-ms", p->remaining_ms) < 0)
		return -1;
	if (s < sizeof(states) / sizeof(states[0]) && nc_term(n, "state", states[s]) < 0)
		return -1;
	return p->nai[0] != '\0' ? nc_term(n, "nai", p->nai) : 0;
}

static int
nc_fa_state(const struct fa *fa, struct lyd_node *pmip)
{
	struct lyd_node *role, *st;
	struct fa_counters cnt;
	struct fa_visitor_info v;
	struct fa_pending_info p;
	const struct pmip_counter_desc *rows;
	size_t n;

	if (lyd_new_inner(pmip, NULL, "foreign-agent", 0, &role) != LY_SUCCESS ||
	    lyd_new_inner(role, NULL, "state", 0, &st) != LY_SUCCESS ||
	    nc_term_u64(st, "visitor-count", fa_visitor_count(fa)) < 0 ||
	    nc_term_u64(st, "pending-count", fa_pending_count(fa)) < 0)
		return -1;
	fa_get_counters(fa, &cnt);
	rows = fa_counter_table(&n);
	if (nc_counters(st, rows, n, &cnt) < 0)
		return -1;
	for (int r = fa_visitor_next(fa, NULL, &v); r == 0; r = fa_visitor_next(fa, &v.hoa, &v))
		if (nc_fa_visitor(st, &v) < 0)
			return -1;
	for (int r = fa_pending_next(fa, NULL, NULL, &p); r == 0;
	     r = fa_pending_next(fa, &p.hoa, &p.id_low, &p))
		if (nc_fa_pending(st, &p) < 0)
			return -1;
	return 0;
}

static int
nc_term_prefix(struct lyd_node *parent, const char *name, struct in_addr a, uint8_t len)
{
	char buf[INET_ADDRSTRLEN + 4], ab[INET_ADDRSTRLEN];

	snprintf(buf, sizeof(buf), "%s/%u", inet_ntop(AF_INET, &a, ab, sizeof(ab)), (unsigned)len);
	return nc_term(parent, name, buf);
}

static int
nc_term_bool(struct lyd_node *parent, const char *name, bool v)
{
	return nc_term(parent, name, v ? "true" : "false");
}

/* The YANG enumeration names of enum proxy_client_state, by value. */
static const char *
nc_px_state_name(enum proxy_client_state s)
{
	static const char *const names[] = {
		NULL,
		"at-home",
		"home-deregistering",
		"no-home-agent",
		"wait-foreign-agent",
		"wait-security-association",
		"registering",
		"registered",
		"probing",
		"backoff",
		"deregistering",
		"ignored",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : NULL;
}

static int
nc_px_client(struct lyd_node *st, const struct proxy_client_info *c)
{
	char hoa[INET_ADDRSTRLEN];
	const char *state = nc_px_state_name(c->state);
	struct lyd_node *n;

	inet_ntop(AF_INET, &c->hoa, hoa, sizeof(hoa));
	if (lyd_new_list(st, NULL, "client", 0, &n, hoa) != LY_SUCCESS ||
	    nc_term_mac(n, "mac-address", c->mac) < 0 ||
	    (state != NULL && nc_term(n, "state", state) < 0) ||
	    nc_term_bool(n, "registered", c->registered) < 0 ||
	    nc_term_addr(n, "home-agent", c->ha) < 0 ||
	    nc_term_addr(n, "foreign-agent", c->fa) < 0 ||
	    nc_term_addr(n, "care-of-address", c->coa) < 0 ||
	    nc_term_u64(n, "lifetime", c->lifetime) < 0 ||
	    nc_term_u64(n, "reregister-in", c->rereg_in_ms) < 0 ||
	    (c->last_code >= 0 && nc_term_u64(n, "last-code", (uint64_t)c->last_code) < 0) ||
	    nc_term_u64(n, "attempts", c->attempts) < 0 || nc_term_u64(n, "sends", c->sends) < 0 ||
	    nc_term_addr(n, "gateway", c->gateway) < 0 ||
	    nc_term_u64(n, "identification", c->id) < 0)
		return -1;
	return 0;
}

static int
nc_px_agent(struct lyd_node *st, const struct proxy_agent_info *a)
{
	char addr[INET_ADDRSTRLEN];
	struct lyd_node *n;

	inet_ntop(AF_INET, &a->agent.addr, addr, sizeof(addr));
	if (lyd_new_list(st, NULL, "agent", 0, &n, addr) != LY_SUCCESS ||
	    nc_term_bool(n, "home-agent", a->agent.roles & DISC_ROLE_HA) < 0 ||
	    nc_term_bool(n, "foreign-agent", a->agent.roles & DISC_ROLE_FA) < 0)
		return -1;
	for (size_t i = 0; i < a->agent.n_coa && i < DISC_COA_MAX; i++)
		if (nc_term_addr(n, "care-of-address", a->agent.coa[i]) < 0)
			return -1;
	if ((a->agent.ifname[0] != '\0' && nc_term(n, "interface", a->agent.ifname) < 0) ||
	    nc_term_u64(n, "max-lifetime", a->agent.max_lifetime) < 0 ||
	    nc_term_u64(n, "advertisement-lifetime", a->agent.adv_lifetime) < 0 ||
	    nc_term_u64(n, "sequence", a->agent.seq) < 0 ||
	    nc_term_u64(n, "clients", a->clients) < 0)
		return -1;
	return 0;
}

static int
nc_proxy_state(struct proxy *px, struct lyd_node *pmip)
{
	struct lyd_node *role, *st, *n;
	struct proxy_counters cnt;
	struct proxy_client_info c;
	struct proxy_agent_info a;
	struct submap_entry me;
	struct submap *m = proxy_submap(px);
	const struct pmip_counter_desc *rows;
	size_t nrows;
	int r;

	if (lyd_new_inner(pmip, NULL, "proxy", 0, &role) != LY_SUCCESS ||
	    lyd_new_inner(role, NULL, "state", 0, &st) != LY_SUCCESS ||
	    nc_term_u64(st, "client-count", proxy_client_count(px)) < 0 ||
	    nc_term_u64(st, "subnet-map-count", submap_count(m)) < 0)
		return -1;
	proxy_get_counters(px, &cnt);
	rows = proxy_counter_table(&nrows);
	if (nc_counters(st, rows, nrows, &cnt) < 0)
		return -1;
	for (r = proxy_client_next(px, NULL, &c); r == 0; r = proxy_client_next(px, &c.hoa, &c))
		if (nc_px_client(st, &c) < 0)
			return -1;
	for (r = submap_next(m, NULL, 0, &me); r == 0;
	     r = submap_next(m, &me.prefix, me.len, &me)) {
		char pfx[INET_ADDRSTRLEN + 4], ab[INET_ADDRSTRLEN];

		snprintf(pfx, sizeof(pfx), "%s/%u", inet_ntop(AF_INET, &me.prefix, ab, sizeof(ab)),
		         (unsigned)me.len);
		if (lyd_new_list(st, NULL, "subnet-map", 0, &n, pfx) != LY_SUCCESS ||
		    nc_term_addr(n, "home-agent", me.ha) < 0 ||
		    nc_term(n, "origin", me.origin == SUBMAP_LEARNED ? "learned" : "static") < 0 ||
		    nc_term_u64(n, "version", me.version) < 0)
			return -1;
	}
	if (r == -ENOMEM)
		return -1;
	for (r = proxy_agent_next(px, NULL, &a); r == 0;
	     r = proxy_agent_next(px, &a.agent.addr, &a))
		if (nc_px_agent(st, &a) < 0)
			return -1;
	return 0;
}

static int
nc_aap_state(const struct aap *aap, struct lyd_node *pmip)
{
	struct lyd_node *role, *st, *n;
	struct aap_counters cnt;
	struct aap_ap_info ap;
	struct aap_peer_info pe;
	const struct pmip_counter_desc *rows;
	size_t nrows, live, total = aap_entry_count(aap, &live);
	char addr[INET_ADDRSTRLEN];

	if (lyd_new_inner(pmip, NULL, "aap", 0, &role) != LY_SUCCESS ||
	    lyd_new_inner(role, NULL, "state", 0, &st) != LY_SUCCESS ||
	    nc_term_u64(st, "entry-count", total) < 0 ||
	    nc_term_u64(st, "live-entry-count", live) < 0 ||
	    nc_term_u64(st, "access-point-count", aap_ap_count(aap)) < 0)
		return -1;
	aap_get_counters(aap, &cnt);
	rows = aap_counter_table(&nrows);
	if (nc_counters(st, rows, nrows, &cnt) < 0)
		return -1;
	for (int r = aap_ap_next(aap, NULL, &ap); r == 0; r = aap_ap_next(aap, &ap.addr, &ap)) {
		inet_ntop(AF_INET, &ap.addr, addr, sizeof(addr));
		if (lyd_new_list(st, NULL, "access-point", 0, &n, addr) != LY_SUCCESS ||
		    nc_term_u64(n, "port", ap.port) < 0 ||
		    (ap.has_subnet && (nc_term_addr(n, "home-agent", ap.ha) < 0 ||
		                       nc_term_prefix(n, "subnet", ap.prefix, ap.len) < 0)) ||
		    nc_term_u64(n, "hold-time", ap.hold_s) < 0 ||
		    nc_term_u64(n, "last-heard", ap.heard_ago_ms) < 0 ||
		    nc_term_bool(n, "in-session", ap.in_session) < 0 ||
		    nc_term_u64(n, "queued", ap.queued) < 0)
			return -1;
	}
	for (int r = aap_peer_next(aap, NULL, &pe); r == 0; r = aap_peer_next(aap, &pe.addr, &pe)) {
		inet_ntop(AF_INET, &pe.addr, addr, sizeof(addr));
		if (lyd_new_list(st, NULL, "peer", 0, &n, addr) != LY_SUCCESS ||
		    nc_term_bool(n, "up", pe.up) < 0 ||
		    (pe.heard && nc_term_u64(n, "last-heard", pe.heard_ago_ms) < 0))
			return -1;
	}
	return 0;
}

static int
nc_plugin_cb(const struct pmip_plugin *p, void *arg)
{
	const struct pmip_plugin_desc *d = plugin_desc(p);
	struct lyd_node *n;

	(void)p;
	if (lyd_new_list(arg, NULL, "plugin", 0, &n, d->name) != LY_SUCCESS ||
	    nc_term(n, "class", plugin_class_name(d->cls)) < 0)
		return -1;
	return d->description != NULL ? nc_term(n, "description", d->description) : 0;
}

static int
nc_daemon_state(const struct pmip_engine *e, struct lyd_node *pmip)
{
	struct lyd_node *st, *n;
	struct ks_status ks;
	size_t nrows;
	const struct pmip_counter_desc *rows = ks_status_table(&nrows);
	const char *name;
	char pos[8];

	if (lyd_new_inner(pmip, NULL, "state", 0, &st) != LY_SUCCESS ||
	    nc_term(st, "version", PMIP_VERSION) < 0 || plugin_foreach(nc_plugin_cb, st) != 0)
		return -1;
	for (size_t i = 0;
	     e->ks_chain != NULL && (name = ks_chain_status(e->ks_chain, i, &ks)) != NULL; i++) {
		snprintf(pos, sizeof(pos), "%zu", i + 1);
		if (lyd_new_list(st, NULL, "key-store", 0, &n, name) != LY_SUCCESS ||
		    nc_term(n, "position", pos) < 0)
			return -1;
		for (size_t k = 0; k < nrows; k++)
			if (nc_term_u64(n, rows[k].name, pmip_counter_value(&ks, &rows[k])) < 0)
				return -1;
	}
	return 0;
}

int
nc_state_build(struct pmip_engine *e, struct lyd_node **out)
{
	const struct lys_module *mod = ly_ctx_get_module_implemented(e->ly_ctx, "pmip");
	struct lyd_node *pmip = NULL;

	*out = NULL;
	if (lyd_new_inner(NULL, mod, "pmip", 0, &pmip) != LY_SUCCESS)
		return -1;
	if ((e->ha_inst != NULL && nc_ha_state(e->ha_inst, pmip) < 0) ||
	    (e->fa_inst != NULL && nc_fa_state(e->fa_inst, pmip) < 0) ||
	    (e->proxy_inst != NULL && nc_proxy_state(e->proxy_inst, pmip) < 0) ||
	    (e->aap_inst != NULL && nc_aap_state(e->aap_inst, pmip) < 0) ||
	    nc_daemon_state(e, pmip) < 0) {
		lyd_free_all(pmip);
		return -1;
	}
	*out = pmip;
	return 0;
}

int
nc_state_monitoring(struct pmip_engine *e, struct lyd_node **out)
{
	const struct lys_module *ncm =
	        ly_ctx_get_module_implemented(e->ly_ctx, "ietf-netconf-monitoring");
	const struct lys_module *m;
	struct lyd_node *top = NULL, *caps, *schemas, *s;
	const char **cpb;
	uint32_t idx = 0;
	int rc = 0;

	*out = NULL;
	if (ncm == NULL || lyd_new_inner(NULL, ncm, "netconf-state", 0, &top) != LY_SUCCESS ||
	    lyd_new_inner(top, NULL, "capabilities", 0, &caps) != LY_SUCCESS ||
	    lyd_new_inner(top, NULL, "schemas", 0, &schemas) != LY_SUCCESS)
		goto fail;
	cpb = nc_server_get_cpblts(e->ly_ctx);
	for (size_t i = 0; cpb != NULL && cpb[i] != NULL; i++) {
		if (rc == 0 && nc_term(caps, "capability", cpb[i]) < 0)
			rc = -1;
		lydict_remove(e->ly_ctx, cpb[i]);
	}
	free(cpb);
	if (rc < 0)
		goto fail;
	while ((m = ly_ctx_get_module_iter(e->ly_ctx, &idx)) != NULL) {
		if (!m->implemented)
			continue;
		if (lyd_new_list(schemas, NULL, "schema", 0, &s, m->name,
		                 m->revision != NULL ? m->revision : "",
		                 "ietf-netconf-monitoring:yang") != LY_SUCCESS ||
		    nc_term(s, "namespace", m->ns) < 0 || nc_term(s, "location", "NETCONF") < 0)
			goto fail;
	}
	if (nc_server_monitoring(top) < 0)
		goto fail;
	*out = top;
	return 0;
fail:
	lyd_free_all(top);
	return -1;
}
