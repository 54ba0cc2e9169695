/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl_show.c - the control commands: each reads (or acts on) engine state through the
 * roles' public accessors when it runs, and writes its answer as JSON.
 *
 * Nothing here keeps a copy of state: bindings come from ha_binding_next(),
 * visitors from fa_visitor_next(), pending registrations from
 * fa_pending_next(), proxy clients, agents, the subnet map and the AAP state
 * from proxy.h, submap.h and aap.h (those commands are in ctl_show_proxy.c;
 * ctl_int.h holds what the two files share), counters from the descriptor
 * tables of ha_counters.h, fa_counters.h and proxy_counters.h, key stores
 * from ks_chain_status(), security associations from the SA table (never
 * their keys), the configuration from conf_print() (keys redacted). The
 * names of answer members follow the YANG/RFC 2006 state names where those
 * exist; docs/pmipctl.md lists them.
 *
 * Commands that change state (clear, reload) are logged with the requester's
 * uid. Every command runs on the loop thread, between two events, so what it
 * reads is one consistent snapshot.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "conf.h"
#include "ctl.h"
#include "ctl_int.h"
#include "engine.h"
#include "fa.h"
#include "ha.h"
#include "keystore.h"
#include "log.h"
#include "mip_codes.h"
#include "plugin.h"
#include "proxy.h"
#include "sa.h"
#include "submap.h"

#ifndef PMIP_VERSION
#define PMIP_VERSION "unknown"
#endif

void
ctl_fail(struct ctl_err *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static struct ha *
ctl_need_ha(const struct ctl_env *env, struct ctl_err *err)
{
	if (env->engine->ha_inst == NULL)
		ctl_fail(err, "role-not-running", "the home agent role is not running");
	return env->engine->ha_inst;
}

struct proxy *
ctl_need_proxy(const struct ctl_env *env, struct ctl_err *err)
{
	if (env->engine->proxy_inst == NULL)
		ctl_fail(err, "role-not-running", "the proxy access point role is not running");
	return env->engine->proxy_inst;
}

static struct fa *
ctl_need_fa(const struct ctl_env *env, struct ctl_err *err)
{
	if (env->engine->fa_inst == NULL)
		ctl_fail(err, "role-not-running", "the foreign agent role is not running");
	return env->engine->fa_inst;
}

/* Registration flags as letters, "-" when none: S B D M G r T x. */
static void
ctl_flags(struct ctl_json *j, const char *key, uint8_t flags)
{
	static const char letters[] = "SBDMGrTx";
	char s[9];
	size_t n = 0;

	for (int bit = 0; bit < 8; bit++)
		if (flags & (0x80 >> bit))
			s[n++] = letters[bit];
	if (n == 0)
		s[n++] = '-';
	s[n] = '\0';
	ctl_json_str(j, key, s);
}

void
ctl_id(struct ctl_json *j, const char *key, uint64_t id)
{
	char s[20];

	snprintf(s, sizeof(s), "0x%016" PRIx64, id);
	ctl_json_str(j, key, s);
}

void
ctl_secs(struct ctl_json *j, const char *key, uint64_t v, uint64_t inf)
{
	if (v == inf)
		ctl_json_str(j, key, "infinite");
	else
		ctl_json_u64(j, key, v);
}

void
ctl_mac(struct ctl_json *j, const char *key, const uint8_t *m)
{
	char s[18];

	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	ctl_json_str(j, key, s);
}

/* --- show --- */

static int
ctl_show_summary(const struct ctl_env *env, struct ctl_json *j)
{
	const struct pmip_engine *e = env->engine;

	ctl_json_str(j, "version", PMIP_VERSION);
	ctl_json_u64(j, "pid", (uint64_t)getpid());
	ctl_json_obj(j, "home-agent");
	ctl_json_bool(j, "running", e->ha_inst != NULL);
	if (e->ha_inst != NULL) {
		ctl_json_u64(j, "bindings", ha_binding_count(e->ha_inst));
		ctl_json_u64(j, "mobile-nodes", ha_mn_count(e->ha_inst));
		ctl_json_u64(j, "pending", ha_pending_count(e->ha_inst));
	}
	ctl_json_end(j);
	ctl_json_obj(j, "foreign-agent");
	ctl_json_bool(j, "running", e->fa_inst != NULL);
	if (e->fa_inst != NULL) {
		ctl_json_u64(j, "visitors", fa_visitor_count(e->fa_inst));
		ctl_json_u64(j, "pending", fa_pending_count(e->fa_inst));
	}
	ctl_json_end(j);
	ctl_json_obj(j, "proxy");
	ctl_json_bool(j, "running", e->proxy_inst != NULL);
	if (e->proxy_inst != NULL) {
		ctl_json_u64(j, "clients", proxy_client_count(e->proxy_inst));
		ctl_json_u64(j, "subnet-map", submap_count(proxy_submap(e->proxy_inst)));
	}
	ctl_json_end(j);
	ctl_json_bool(j, "aap-configured", e->aap != NULL);
	ctl_json_u64(j, "security-associations",
	             e->sa_table != NULL ? sa_table_count(e->sa_table) : 0);
	ctl_json_u64(j, "key-stores", e->ks_chain != NULL ? ks_chain_count(e->ks_chain) : 0);
	return 0;
}

static int
ctl_show_bindings(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err)
{
	const struct ha *ha = ctl_need_ha(env, err);
	struct ha_binding_info b;
	struct in_addr hoa, coa;
	bool first = true;

	if (ha == NULL)
		return -1;
	ctl_json_u64(j, "count", ha_binding_count(ha));
	ctl_json_u64(j, "mobile-nodes", ha_mn_count(ha));
	ctl_json_arr(j, "bindings");
	while (ha_binding_next(ha, first ? NULL : &hoa, &coa, &b) == 0 && !j->failed) {
		first = false;
		hoa = b.hoa;
		coa = b.coa;
		ctl_json_obj(j, NULL);
		ctl_json_addr(j, "home-address", b.hoa);
		ctl_json_addr(j, "care-of-address", b.coa);
		ctl_json_addr(j, "source-address", b.src);
		ctl_json_addr(j, "home-agent", b.ha_addr);
		ctl_secs(j, "lifetime", b.lifetime, 0xffff);
		ctl_secs(j, "remaining", b.remaining, UINT32_MAX);
		ctl_flags(j, "flags", b.flags);
		ctl_id(j, "identification", b.id);
		ctl_json_str(j, "nai", b.nai);
		ctl_json_end(j);
	}
	ctl_json_end(j);
	return 0;
}

static int
ctl_show_visitors(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err)
{
	const struct fa *fa = ctl_need_fa(env, err);
	struct fa_visitor_info v;
	struct in_addr after;
	bool first = true;

	if (fa == NULL)
		return -1;
	ctl_json_u64(j, "count", fa_visitor_count(fa));
	ctl_json_arr(j, "visitors");
	while (fa_visitor_next(fa, first ? NULL : &after, &v) == 0 && !j->failed) {
		first = false;
		after = v.hoa;
		ctl_json_obj(j, NULL);
		ctl_json_addr(j, "home-address", v.hoa);
		ctl_json_addr(j, "home-agent", v.ha);
		ctl_json_addr(j, "care-of-address", v.coa);
		ctl_json_str(j, "interface", v.ifname);
		ctl_mac(j, "mac", v.mac);
		ctl_secs(j, "lifetime", v.lifetime, 0xffff);
		ctl_secs(j, "remaining", v.remaining, UINT32_MAX);
		ctl_flags(j, "flags", v.flags);
		ctl_json_bool(j, "reverse-tunnel", v.reverse_tunnel);
		ctl_json_bool(j, "delivery", v.delivery);
		ctl_id(j, "identification", v.id);
		ctl_json_str(j, "nai", v.nai);
		ctl_json_end(j);
	}
	ctl_json_end(j);
	return 0;
}

static const char *
ctl_pending_state(enum fa_pending_state s)
{
	switch (s) {
	case FA_PENDING_KS_VISITOR:
		return "keystore-visitor";
	case FA_PENDING_KS_HA:
		return "keystore-home-agent";
	case FA_PENDING_RELAYED:
		return "relayed";
	}
	return "unknown";
}

static int
ctl_show_pending(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err)
{
	const struct pmip_engine *e = env->engine;
	struct fa_pending_info p;
	struct in_addr hoa;
	uint32_t id_low;
	bool first = true;

	if (e->ha_inst == NULL && e->fa_inst == NULL) {
		ctl_fail(err, "role-not-running",
		         "neither the home agent nor the foreign agent "
		         "role is running");
		return -1;
	}
	if (e->ha_inst != NULL)
		ctl_json_u64(j, "home-agent-keystore-waits", ha_pending_count(e->ha_inst));
	if (e->fa_inst == NULL)
		return 0;
	ctl_json_u64(j, "count", fa_pending_count(e->fa_inst));
	ctl_json_arr(j, "pending");
	while (fa_pending_next(e->fa_inst, first ? NULL : &hoa, &id_low, &p) == 0 && !j->failed) {
		first = false;
		hoa = p.hoa;
		id_low = p.id_low;
		ctl_json_obj(j, NULL);
		ctl_json_addr(j, "home-address", p.hoa);
		ctl_id(j, "identification", p.id);
		ctl_json_addr(j, "home-agent", p.ha);
		ctl_json_addr(j, "care-of-address", p.coa);
		ctl_json_addr(j, "source-address", p.src);
		ctl_json_u64(j, "source-port", p.src_port);
		ctl_mac(j, "mac", p.mac);
		ctl_flags(j, "flags", p.flags);
		ctl_json_u64(j, "lifetime", p.lifetime);
		ctl_json_str(j, "state", ctl_pending_state(p.state));
		ctl_json_u64(j, "timeout-ms", p.remaining_ms);
		ctl_json_str(j, "nai", p.nai);
		ctl_json_end(j);
	}
	ctl_json_end(j);
	return 0;
}

void
ctl_counters(struct ctl_json *j, const char *key, const void *cnt,
             const struct pmip_counter_desc *d, size_t n)
{
	ctl_json_obj(j, key);
	for (size_t i = 0; i < n; i++)
		ctl_json_u64(j, d[i].name, pmip_counter_value(cnt, &d[i]));
	ctl_json_end(j);
}

static int
ctl_show_counters(const struct ctl_env *env, const struct ctl_req *req, struct ctl_json *j,
                  struct ctl_err *err)
{
	const struct pmip_engine *e = env->engine;
	const struct pmip_counter_desc *d;
	struct proxy_counters pc;
	struct ha_counters hc;
	struct fa_counters fc;
	size_t n;

	if ((req->role == CTL_ROLE_HA && ctl_need_ha(env, err) == NULL) ||
	    (req->role == CTL_ROLE_FA && ctl_need_fa(env, err) == NULL) ||
	    (req->role == CTL_ROLE_PROXY && ctl_need_proxy(env, err) == NULL))
		return -1;
	if (e->ha_inst == NULL && e->fa_inst == NULL && e->proxy_inst == NULL) {
		ctl_fail(err, "role-not-running", "no role with counters is running");
		return -1;
	}
	if (e->ha_inst != NULL && (req->role == CTL_ROLE_ALL || req->role == CTL_ROLE_HA)) {
		ha_get_counters(e->ha_inst, &hc);
		d = ha_counter_table(&n);
		ctl_counters(j, "home-agent", &hc, d, n);
	}
	if (e->fa_inst != NULL && (req->role == CTL_ROLE_ALL || req->role == CTL_ROLE_FA)) {
		fa_get_counters(e->fa_inst, &fc);
		d = fa_counter_table(&n);
		ctl_counters(j, "foreign-agent", &fc, d, n);
	}
	if (e->proxy_inst != NULL && (req->role == CTL_ROLE_ALL || req->role == CTL_ROLE_PROXY)) {
		proxy_get_counters(e->proxy_inst, &pc);
		d = proxy_counter_table(&n);
		ctl_counters(j, "proxy", &pc, d, n);
	}
	return 0;
}

static int
ctl_show_keystore(const struct ctl_env *env, struct ctl_json *j)
{
	const struct ks_chain *c = env->engine->ks_chain;
	size_t n = c != NULL ? ks_chain_count(c) : 0, nrows;
	const struct pmip_counter_desc *rows = ks_status_table(&nrows);

	ctl_json_arr(j, "key-stores");
	for (size_t i = 0; i < n; i++) {
		struct ks_status st;
		const char *name = ks_chain_status(c, i, &st);

		if (name == NULL)
			break;
		ctl_json_obj(j, NULL);
		ctl_json_u64(j, "position", i + 1);
		ctl_json_str(j, "name", name);
		for (size_t k = 0; k < nrows; k++)
			ctl_json_u64(j, rows[k].name, pmip_counter_value(&st, &rows[k]));
		ctl_json_end(j);
	}
	ctl_json_end(j);
	return 0;
}

static int
ctl_plugin_one(const struct pmip_plugin *p, void *arg)
{
	const struct pmip_plugin_desc *d = plugin_desc(p);
	struct ctl_json *j = arg;

	ctl_json_obj(j, NULL);
	ctl_json_str(j, "name", d->name);
	ctl_json_str(j, "class", plugin_class_name(d->cls));
	ctl_json_u64(j, "abi-version", d->abi_version);
	ctl_json_str(j, "description", d->description != NULL ? d->description : "");
	ctl_json_end(j);
	return 0;
}

static int
ctl_show_plugins(const struct ctl_env *env, struct ctl_json *j)
{
	ctl_json_str(j, "plugin-dir", engine_plugin_dir(env->engine, env->engine->running));
	ctl_json_arr(j, "plugins");
	plugin_foreach(ctl_plugin_one, j);
	ctl_json_end(j);
	return 0;
}

static int
ctl_show_config(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err)
{
	char *text = conf_print(env->engine->running, false);

	if (text == NULL) {
		ctl_fail(err, "resource-denied", "out of memory printing the configuration");
		return -1;
	}
	ctl_json_raw(j, "config", text[0] != '\0' ? text : "{}");
	free(text);
	return 0;
}

static const char *
ctl_entity_name(enum sa_entity e)
{
	switch (e) {
	case SA_ENTITY_MOBILE_NODE:
		return "mobile-node";
	case SA_ENTITY_VISITOR:
		return "visitor";
	case SA_ENTITY_FOREIGN_AGENT:
		return "foreign-agent";
	case SA_ENTITY_HOME_AGENT:
		return "home-agent";
	}
	return "unknown";
}

static const char *
ctl_replay_name(enum sa_replay r)
{
	switch (r) {
	case SA_REPLAY_NONE:
		return "none";
	case SA_REPLAY_TIMESTAMP:
		return "timestamp";
	case SA_REPLAY_NONCE:
		return "nonce";
	}
	return "unknown";
}

/* One SA: everything but the key, which is never read here. */
static int
ctl_sa_one(struct mip_sa *sa, void *arg)
{
	struct ctl_json *j = arg;
	char peer[2 * INET_ADDRSTRLEN + 2], lo[INET_ADDRSTRLEN], hi[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->lo, lo, sizeof(lo));
	inet_ntop(AF_INET, &sa->hi, hi, sizeof(hi));
	ctl_json_obj(j, NULL);
	ctl_json_str(j, "name", sa->name);
	switch (sa->peer_kind) {
	case SA_PEER_HOST:
		ctl_json_str(j, "peer", lo);
		break;
	case SA_PEER_RANGE:
		snprintf(peer, sizeof(peer), "%s-%s", lo, hi);
		ctl_json_str(j, "peer", peer);
		break;
	case SA_PEER_NAI:
		ctl_json_str(j, "peer", sa->nai);
		break;
	}
	ctl_json_str(j, "entity", ctl_entity_name(sa->entity));
	ctl_json_u64(j, "spi", sa->spi);
	ctl_json_str(j, "algorithm", mip_auth_alg_name(sa->alg));
	ctl_json_str(j, "replay-method", ctl_replay_name(sa->replay));
	ctl_json_u64(j, "replay-tolerance", sa->tolerance_s);
	ctl_json_str(j, "source", sa->source != NULL ? sa->source : "");
	ctl_json_end(j);
	return 0;
}

static int
ctl_show_sa(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err)
{
	const struct sa_table *t = env->engine->sa_table;

	ctl_json_arr(j, "security-associations");
	if (t != NULL && sa_table_foreach(t, ctl_sa_one, j) < 0) {
		ctl_fail(err, "resource-denied", "out of memory listing the security associations");
		return -1;
	}
	ctl_json_end(j);
	return 0;
}

/* --- clear, reload --- */

static int
ctl_clear_binding(const struct ctl_env *env, const struct ctl_req *req, struct ctl_json *j,
                  unsigned uid, struct ctl_err *err)
{
	struct ha *ha = ctl_need_ha(env, err);
	char hoa[INET_ADDRSTRLEN], coa[INET_ADDRSTRLEN] = "";
	int n;

	if (ha == NULL)
		return -1;
	inet_ntop(AF_INET, &req->hoa, hoa, sizeof(hoa));
	if (req->has_coa)
		inet_ntop(AF_INET, &req->coa, coa, sizeof(coa));
	n = ha_binding_clear(ha, req->hoa, req->has_coa ? &req->coa : NULL);
	if (n < 0) {
		ctl_fail(err, "not-found", "no binding for %s%s%s", hoa,
		         req->has_coa ? " via " : "", coa);
		return -1;
	}
	log_info(LOG_SS_HA, "ctl: uid %u cleared %d binding%s of %s%s%s", uid, n, n == 1 ? "" : "s",
	         hoa, req->has_coa ? " via " : "", coa);
	ctl_json_u64(j, "removed", (uint64_t)n);
	return 0;
}

static int
ctl_clear_visitor(const struct ctl_env *env, const struct ctl_req *req, unsigned uid,
                  struct ctl_err *err)
{
	struct fa *fa = ctl_need_fa(env, err);
	char hoa[INET_ADDRSTRLEN];

	if (fa == NULL)
		return -1;
	inet_ntop(AF_INET, &req->hoa, hoa, sizeof(hoa));
	if (fa_visitor_clear(fa, req->hoa) < 0) {
		ctl_fail(err, "not-found", "no visitor %s", hoa);
		return -1;
	}
	log_info(LOG_SS_FA, "ctl: uid %u cleared visitor %s", uid, hoa);
	return 0;
}

static int
ctl_clear_ks_cache(const struct ctl_env *env, struct ctl_json *j, unsigned uid, struct ctl_err *err)
{
	struct ks_chain *c = env->engine->ks_chain;

	if (c == NULL) {
		ctl_fail(err, "not-found", "no key-store chain is configured");
		return -1;
	}
	ks_chain_clear_cache(c);
	log_info(LOG_SS_KEYSTORE, "ctl: uid %u cleared the key-store caches", uid);
	ctl_json_u64(j, "key-stores", ks_chain_count(c));
	return 0;
}

static int
ctl_reload(const struct ctl_env *env, unsigned uid, struct ctl_err *err)
{
	char buf[NB_PATH_MAX + NB_ERRMSG_MAX + 4];
	struct nb_error nerr;

	if (env->reload == NULL) {
		ctl_fail(err, "not-supported", "this daemon has no configuration file to reload");
		return -1;
	}
	log_info(LOG_SS_CONFIG, "ctl: uid %u asked for a reload", uid);
	memset(&nerr, 0, sizeof(nerr));
	if (env->reload(env->reload_arg, &nerr) < 0) {
		ctl_fail(err, "reload-failed", "reload failed, running configuration kept: %s",
		         nb_error_str(&nerr, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

int
ctl_show_run(const struct ctl_env *env, const struct ctl_req *req, struct ctl_json *j, unsigned uid,
             struct ctl_err *err)
{
	switch (req->cmd) {
	case CTL_CMD_HELP:
		ctl_json_str(j, "help", ctl_help_text());
		return 0;
	case CTL_CMD_SHOW_SUMMARY:
		return ctl_show_summary(env, j);
	case CTL_CMD_SHOW_BINDINGS:
		return ctl_show_bindings(env, j, err);
	case CTL_CMD_SHOW_VISITORS:
		return ctl_show_visitors(env, j, err);
	case CTL_CMD_SHOW_PENDING:
		return ctl_show_pending(env, j, err);
	case CTL_CMD_SHOW_COUNTERS:
		return ctl_show_counters(env, req, j, err);
	case CTL_CMD_SHOW_KEYSTORE:
		return ctl_show_keystore(env, j);
	case CTL_CMD_SHOW_PLUGINS:
		return ctl_show_plugins(env, j);
	case CTL_CMD_SHOW_CONFIG:
		return ctl_show_config(env, j, err);
	case CTL_CMD_SHOW_SA:
		return ctl_show_sa(env, j, err);
	case CTL_CMD_CLEAR_BINDING:
		return ctl_clear_binding(env, req, j, uid, err);
	case CTL_CMD_CLEAR_VISITOR:
		return ctl_clear_visitor(env, req, uid, err);
	case CTL_CMD_CLEAR_KS_CACHE:
		return ctl_clear_ks_cache(env, j, uid, err);
	case CTL_CMD_RELOAD:
		return ctl_reload(env, uid, err);
	case CTL_CMD_SHOW_PX_CLIENTS:
		return ctl_show_px_clients(env, j, err);
	case CTL_CMD_SHOW_PX_AGENTS:
		return ctl_show_px_agents(env, j, err);
	case CTL_CMD_SHOW_PX_SUBMAP:
		return ctl_show_px_submap(env, j, err);
	case CTL_CMD_SHOW_AAP:
		return ctl_show_aap(env, j, err);
	}
	ctl_fail(err, "unknown-command", "command not implemented");
	return -1;
}
