/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nb_pmip_roles.c - config callbacks: /pmip/interface and the four roles.
 *
 * A role container is parsed as a whole into its plain C struct (struct
 * ha_config, ...) in PREPARE; APPLY swaps the struct into the engine and frees
 * the old one, ABORT frees the new one. The roles themselves read only these
 * structs.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "aap.h"
#include "engine.h"
#include "log.h"
#include "fa.h"
#include "ha.h"
#include "nb_pmip.h"
#include "plugin.h"
#include "proxy.h"

/* Number of children of @d named @name. */
static size_t
nb_pmip_count(const struct lyd_node *d, const char *name)
{
	const struct lyd_node *c;
	size_t n = 0;

	LY_LIST_FOR (lyd_child(d), c)
		if (strcmp(LYD_NAME(c), name) == 0)
			n++;
	return n;
}

/* calloc() of @n elements, never returning NULL for @n == 0 by accident. */
static void *
nb_pmip_array(size_t n, size_t size)
{
	return calloc(n != 0 ? n : 1, size);
}

/* --- home agent --- */

static void
nb_pmip_ha_free(void *p)
{
	struct ha_config *c = p;

	if (c != NULL)
		free(c->nets);
	free(c);
}

static int
nb_pmip_ha_validate(struct nb_cb_args *args)
{
	const struct lyd_node *c;

	LY_LIST_FOR (lyd_child(args->dnode), c) {
		struct pmip_prefix p;
		struct in_addr a;
		uint32_t mask, host;

		if (strcmp(LYD_NAME(c), "home-network") != 0)
			continue;
		if (nb_pmip_prefix(nb_pmip_str(c, "prefix", ""), &p) < 0 ||
		    nb_pmip_ipv4(c, "address", &a) < 0)
			continue; /* libyang already rejected these */
		mask = p.len ? htonl(~0u << (32 - p.len)) : 0;
		host = ntohl(a.s_addr & ~mask);
		if ((a.s_addr & mask) != p.addr.s_addr ||
		    (p.len < 31 && (host == 0 || host == ntohl(~mask)))) {
			nb_errorf(args, nb_pmip_node(c, "address"), "invalid-value",
			          "address %s is not a host address of %s.",
			          nb_pmip_str(c, "address", ""), nb_pmip_str(c, "prefix", ""));
			return -1;
		}
	}
	return 0;
}

static void *
nb_pmip_ha_parse(const struct lyd_node *d)
{
	struct ha_config *h = calloc(1, sizeof(*h));
	const struct lyd_node *c;

	if (h == NULL ||
	    (h->nets = nb_pmip_array(nb_pmip_count(d, "home-network"), sizeof(*h->nets))) == NULL) {
		free(h);
		return NULL;
	}
	LY_LIST_FOR (lyd_child(d), c) {
		struct ha_home_network *n = &h->nets[h->n_nets];

		if (strcmp(LYD_NAME(c), "home-network") != 0)
			continue;
		nb_pmip_prefix(nb_pmip_str(c, "prefix", ""), &n->prefix);
		nb_pmip_ipv4(c, "address", &n->addr);
		snprintf(n->ifname, sizeof(n->ifname), "%s", nb_pmip_str(c, "interface", ""));
		n->advertise = nb_pmip_bool(c, "advertise", false);
		n->adv_interval_s = (uint16_t)nb_pmip_uint(c, "advertisement-interval", 3);
		n->adv_lifetime_s = (uint16_t)nb_pmip_uint(c, "advertisement-lifetime", 9);
		h->n_nets++;
	}
	h->max_lifetime = (uint16_t)nb_pmip_uint(d, "max-lifetime", 36000);
	h->max_bindings = (uint32_t)nb_pmip_uint(d, "max-bindings", 0);
	h->max_simultaneous = (uint8_t)nb_pmip_uint(d, "max-simultaneous-bindings", 3);
	h->require_fa_auth = nb_pmip_bool(d, "require-fa-auth", false);
	h->reverse_tunnel = nb_pmip_bool(d, "reverse-tunnel", true);
	h->gre = nb_pmip_bool(d, "gre", true);
	h->udp_port = (uint16_t)nb_pmip_uint(d, "udp-port", 434);
	snprintf(h->tunnel_backend, sizeof(h->tunnel_backend), "%s",
	         nb_pmip_str(d, "tunnel-backend", "userspace"));
	return h;
}

/* --- foreign agent --- */

static void
nb_pmip_fa_free(void *p)
{
	struct fa_config *c = p;

	if (c != NULL)
		free(c->ifs);
	free(c);
}

/* The tunnel back end must load (file, class, ABI): refused here rather than at start. */
static int
nb_pmip_fa_validate(struct nb_cb_args *args)
{
	const char *be = nb_pmip_str(args->dnode, "tunnel-backend", "userspace");
	char name[PMIP_PLUGIN_NAME_MAX], why[256] = "";
	struct pmip_plugin *pl;

	snprintf(name, sizeof(name), "tunnel-%s", be);
	pl = plugin_load(engine_plugin_dir(args->engine, args->dnode), name, PMIP_PLUGIN_TUNNEL,
	                 why, sizeof(why));
	if (pl == NULL) {
		nb_errorf(args, nb_pmip_node(args->dnode, "tunnel-backend"), "invalid-value",
		          "tunnel-backend \"%s\": %s", be, why);
		return -1;
	}
	plugin_unload(pl);
	return 0;
}

static void *
nb_pmip_fa_parse(const struct lyd_node *d)
{
	struct fa_config *f = calloc(1, sizeof(*f));
	const struct lyd_node *c;
	const char *rt;

	if (f == NULL ||
	    (f->ifs = nb_pmip_array(nb_pmip_count(d, "interface"), sizeof(*f->ifs))) == NULL) {
		free(f);
		return NULL;
	}
	LY_LIST_FOR (lyd_child(d), c) {
		struct fa_interface *i = &f->ifs[f->n_ifs];

		if (strcmp(LYD_NAME(c), "interface") != 0)
			continue;
		snprintf(i->ifname, sizeof(i->ifname), "%s", nb_pmip_str(c, "name", ""));
		nb_pmip_ipv4(c, "care-of-address", &i->coa);
		i->adv_interval_s = (uint16_t)nb_pmip_uint(c, "advertisement-interval", 3);
		i->adv_lifetime_s = (uint16_t)nb_pmip_uint(c, "advertisement-lifetime", 9);
		f->n_ifs++;
	}
	f->max_reg_lifetime = (uint16_t)nb_pmip_uint(d, "max-registration-lifetime", 1800);
	f->reg_timeout_s = (uint16_t)nb_pmip_uint(d, "registration-timeout", 7);
	rt = nb_pmip_str(d, "reverse-tunnel", "available");
	f->reverse_tunnel = strcmp(rt, "none") == 0        ? FA_RT_NONE
	                    : strcmp(rt, "mandatory") == 0 ? FA_RT_MANDATORY
	                                                   : FA_RT_AVAILABLE;
	f->gre = nb_pmip_bool(d, "gre", true);
	f->busy = nb_pmip_bool(d, "busy", false);
	f->reg_required = nb_pmip_bool(d, "registration-required", true);
	f->revocation = nb_pmip_bool(d, "revocation", false);
	f->minimal_encap = nb_pmip_bool(d, "minimal-encapsulation", false);
	snprintf(f->tunnel_backend, sizeof(f->tunnel_backend), "%s",
	         nb_pmip_str(d, "tunnel-backend", "userspace"));
	f->max_visitors = (uint32_t)nb_pmip_uint(d, "max-visitors", 0);
	return f;
}

/* --- proxy access point --- */

static void
nb_pmip_proxy_free(void *p)
{
	struct proxy_config *c = p;

	if (c != NULL) {
		free(c->discovery);
		free(c->map);
		free(c->nai);
		explicit_bzero(c, sizeof(*c)); /* the AAP group key */
	}
	free(c);
}

static void *
nb_pmip_proxy_parse(const struct lyd_node *d)
{
	struct proxy_config *x = calloc(1, sizeof(*x));
	const struct lyd_node *c;
	int len;

	if (x == NULL)
		return NULL;
	x->discovery = nb_pmip_array(nb_pmip_count(d, "discovery") + 2, sizeof(*x->discovery));
	x->map = nb_pmip_array(nb_pmip_count(d, "subnet-map"), sizeof(*x->map));
	x->nai = nb_pmip_array(nb_pmip_count(d, "client-nai"), sizeof(*x->nai));
	if (x->discovery == NULL || x->map == NULL || x->nai == NULL) {
		nb_pmip_proxy_free(x);
		return NULL;
	}
	x->dnode = d; /* borrowed for the discovery back ends' configure() */
	snprintf(x->client_if, sizeof(x->client_if), "%s", nb_pmip_str(d, "client-interface", ""));
	LY_LIST_FOR (lyd_child(d), c) {
		if (strcmp(LYD_NAME(c), "discovery") == 0) {
			snprintf(x->discovery[x->n_discovery++], PMIP_NAME_MAX, "%s",
			         lyd_get_value(c));
		} else if (strcmp(LYD_NAME(c), "subnet-map") == 0) {
			nb_pmip_prefix(nb_pmip_str(c, "prefix", ""), &x->map[x->n_map].prefix);
			nb_pmip_ipv4(c, "home-agent", &x->map[x->n_map].ha);
			x->n_map++;
		} else if (strcmp(LYD_NAME(c), "client-nai") == 0) {
			struct proxy_client_nai *n = &x->nai[x->n_nai];
			uint8_t *m = n->mac;

			/* yang:mac-address: the pattern guarantees six hex pairs */
			if (sscanf(nb_pmip_str(c, "mac", ""), "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx",
			           &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) == 6) {
				snprintf(n->nai, sizeof(n->nai), "%s", nb_pmip_str(c, "nai", ""));
				x->n_nai++;
			}
		} else if (strcmp(LYD_NAME(c), "aap") == 0 && x->n_aap < PMIP_AAP_MAX) {
			inet_pton(AF_INET, lyd_get_value(c), &x->aap[x->n_aap++]);
		}
	}
	if (x->n_discovery == 0) { /* documented default */
		snprintf(x->discovery[0], PMIP_NAME_MAX, "icmp");
		snprintf(x->discovery[1], PMIP_NAME_MAX, "pcap");
		x->n_discovery = 2;
	}
	x->reregister_pct = (uint8_t)nb_pmip_uint(d, "re-register-percent", 75);
	x->retransmit_initial_ms = (uint32_t)nb_pmip_uint(d, "retransmit-initial-ms", 1000);
	x->retransmit_max = (uint8_t)nb_pmip_uint(d, "retransmit-max", 3);
	x->idle_timeout_s = (uint32_t)nb_pmip_uint(d, "idle-timeout", 60);
	x->max_clients = (uint32_t)nb_pmip_uint(d, "max-clients", PROXY_CLIENTS_DEFAULT);
	x->requested_lifetime = (uint16_t)nb_pmip_uint(d, "requested-lifetime", 0);
	x->tunnel_gre = nb_pmip_bool(d, "tunnel/gre", false);
	x->tunnel_reverse = nb_pmip_bool(d, "tunnel/reverse", false);
	/* The group key: our own, or the one of the AAP role of this daemon. */
	len = nb_pmip_hex(nb_pmip_str(d, "aap-client/group-key",
	                              nb_pmip_str(lyd_parent(d), "aap/group-key", "")),
	                  x->aap_key, sizeof(x->aap_key));
	x->aap_key_len = len > 0 ? (size_t)len : 0;
	x->aap_port = (uint16_t)nb_pmip_uint(d, "aap-client/port", 6500);
	x->aap_hello_ms = (uint32_t)nb_pmip_uint(d, "aap-client/hello-interval-ms", 5000);
	x->aap_hello_misses = (uint8_t)nb_pmip_uint(d, "aap-client/hello-misses", 3);
	x->aap_max_entries = (uint32_t)nb_pmip_uint(d, "aap-client/max-entries", 100000);
	nb_pmip_ipv4(d, "aap-client/address", &x->aap_self); /* absent: stays INADDR_ANY */
	return x;
}

/* --- authoritative access point --- */

static void
nb_pmip_aap_free(void *p)
{
	if (p != NULL)
		explicit_bzero(p, sizeof(struct aap_config));
	free(p);
}

static void *
nb_pmip_aap_parse(const struct lyd_node *d)
{
	struct aap_config *a = calloc(1, sizeof(*a));
	const struct lyd_node *c;
	int len;

	if (a == NULL)
		return NULL;
	len = nb_pmip_hex(nb_pmip_str(d, "group-key", ""), a->group_key, sizeof(a->group_key));
	a->group_key_len = len > 0 ? (size_t)len : 0;
	LY_LIST_FOR (lyd_child(d), c)
		if (strcmp(LYD_NAME(c), "peer") == 0 && a->n_peers < PMIP_AAP_PEERS_MAX)
			inet_pton(AF_INET, lyd_get_value(c), &a->peers[a->n_peers++]);
	nb_pmip_ipv4(d, "address", &a->address); /* absent: stays INADDR_ANY */
	a->port = (uint16_t)nb_pmip_uint(d, "port", 6500);
	a->max_entries = (uint32_t)nb_pmip_uint(d, "max-entries", 100000);
	a->compare_interval_s = (uint16_t)nb_pmip_uint(d, "compare-interval", 30);
	a->probe_retries = (uint8_t)nb_pmip_uint(d, "probe-retries", 3);
	a->probe_timeout_s = (uint16_t)nb_pmip_uint(d, "probe-timeout", 2);
	return a;
}

/* --- the generic role callback --- */

struct nb_pmip_role {
	const char *name;
	size_t slot;                  /* offset of the config pointer in struct pmip_engine */
	size_t inst_slot;             /* offset of the running instance pointer */
	const struct role_class *cls; /* NULL: the role does not run yet */
	int (*validate)(struct nb_cb_args *args);
	void *(*parse)(const struct lyd_node *d);
	void (*free)(void *cfg);
};

/* What PREPARE hands to APPLY or ABORT: the parsed config and, for a role
 * that was off, the instance already started (so a bind failure aborts the
 * whole transaction instead of leaving a configured role that does not run). */
struct nb_pmip_role_res {
	void *cfg;
	void *inst;
};

static struct role_env
nb_pmip_role_env(const struct pmip_engine *e, const struct lyd_node *dnode)
{
	struct role_env env = { .loop = e->loop,
		                .ks_chain = e->ks_chain,
		                .plugin_dir = engine_plugin_dir(e, dnode) };
	return env;
}

static int
nb_pmip_role_prepare(struct nb_cb_args *args, const struct nb_pmip_role *r)
{
	struct pmip_engine *e = args->engine;
	void **inst = (void **)((char *)e + r->inst_slot);
	struct nb_pmip_role_res *res = calloc(1, sizeof(*res));
	char err[256] = "";

	if (res == NULL || (res->cfg = r->parse(args->dnode)) == NULL) {
		free(res);
		nb_errorf(args, NULL, "resource-denied", "out of memory");
		return -1;
	}
	if (r->cls != NULL && e->loop != NULL && *inst == NULL) {
		struct role_env env = nb_pmip_role_env(e, args->dnode);

		res->inst = r->cls->start(&env, res->cfg, err, sizeof(err));
		if (res->inst == NULL) {
			nb_errorf(args, NULL, "role-start-failed", "%s: %s", r->name, err);
			r->free(res->cfg);
			free(res);
			return -1;
		}
	}
	*args->resource = res;
	return 0;
}

static void
nb_pmip_role_stop(struct pmip_engine *e, const struct nb_pmip_role *r)
{
	void **inst = (void **)((char *)e + r->inst_slot);

	if (r->cls != NULL && *inst != NULL) {
		r->cls->stop(*inst);
		*inst = NULL;
	}
}

static int
nb_pmip_role(struct nb_cb_args *args, const struct nb_pmip_role *r)
{
	struct pmip_engine *e = args->engine;
	void **slot = (void **)((char *)e + r->slot);
	void **inst = (void **)((char *)e + r->inst_slot);
	struct nb_pmip_role_res *res;
	char err[256] = "";

	if (args->op == NB_OP_DESTROY) {
		if (args->event == NB_EV_APPLY) {
			nb_pmip_role_stop(e, r);
			r->free(*slot);
			*slot = NULL;
			log_info(LOG_SS_CONFIG, "%s: disabled", r->name);
		}
		return 0;
	}
	switch (args->event) {
	case NB_EV_VALIDATE:
		return r->validate != NULL ? r->validate(args) : 0;
	case NB_EV_PREPARE:
		return nb_pmip_role_prepare(args, r);
	case NB_EV_ABORT:
		res = *args->resource;
		if (res->inst != NULL)
			r->cls->stop(res->inst);
		r->free(res->cfg);
		free(res);
		return 0;
	case NB_EV_APPLY:
		res = *args->resource;
		if (res->inst != NULL) {
			/* Started in PREPARE, when the chain of this same commit
			 * might not be applied yet: hand it the current one. */
			*inst = res->inst;
			if (r->cls->set_keystore != NULL)
				r->cls->set_keystore(*inst, e->ks_chain);
		} else if (r->cls != NULL && *inst != NULL &&
		           r->cls->reconfigure(*inst, res->cfg, err, sizeof(err)) < 0) {
			/* APPLY cannot fail: the role keeps its old settings. */
			log_errx(LOG_SS_CONFIG, "%s: new settings not applied: %s", r->name, err);
		}
		r->free(*slot);
		*slot = res->cfg;
		free(res);
		log_info(LOG_SS_CONFIG, "%s: configured", r->name);
		return 0;
	}
	return 0;
}

static const struct nb_pmip_role nb_pmip_ha_role = {
	"home-agent",
	offsetof(struct pmip_engine, ha),
	offsetof(struct pmip_engine, ha_inst),
	&ha_role_class,
	nb_pmip_ha_validate,
	nb_pmip_ha_parse,
	nb_pmip_ha_free,
};
static const struct nb_pmip_role nb_pmip_fa_role = {
	"foreign-agent",
	offsetof(struct pmip_engine, fa),
	offsetof(struct pmip_engine, fa_inst),
	&fa_role_class,
	nb_pmip_fa_validate,
	nb_pmip_fa_parse,
	nb_pmip_fa_free,
};
static const struct nb_pmip_role nb_pmip_proxy_role = {
	"proxy",
	offsetof(struct pmip_engine, proxy),
	offsetof(struct pmip_engine, proxy_inst),
	&proxy_role_class,
	NULL,
	nb_pmip_proxy_parse,
	nb_pmip_proxy_free,
};
static const struct nb_pmip_role nb_pmip_aap_role = {
	"aap",
	offsetof(struct pmip_engine, aap),
	offsetof(struct pmip_engine, aap_inst),
	&aap_role_class,
	NULL,
	nb_pmip_aap_parse,
	nb_pmip_aap_free,
};

/*
 * XPath: /pmip:pmip/home-agent
 */
/**
 * nb_pmip_home_agent - callbacks of /pmip:pmip/home-agent (into struct ha_config).
 * @args: callback arguments.
 * Return: 0, or -1 with the error set.
 */
int
nb_pmip_home_agent(struct nb_cb_args *args)
{
	return nb_pmip_role(args, &nb_pmip_ha_role);
}

/*
 * XPath: /pmip:pmip/foreign-agent
 */
/**
 * nb_pmip_foreign_agent - callbacks of /pmip:pmip/foreign-agent (into struct fa_config).
 * @args: callback arguments.
 * Return: 0, or -1 with the error set.
 */
int
nb_pmip_foreign_agent(struct nb_cb_args *args)
{
	return nb_pmip_role(args, &nb_pmip_fa_role);
}

/*
 * XPath: /pmip:pmip/proxy
 */
/**
 * nb_pmip_proxy - callbacks of /pmip:pmip/proxy (into struct proxy_config).
 * @args: callback arguments.
 * Return: 0, or -1 with the error set.
 */
int
nb_pmip_proxy(struct nb_cb_args *args)
{
	return nb_pmip_role(args, &nb_pmip_proxy_role);
}

/*
 * XPath: /pmip:pmip/aap
 */
/**
 * nb_pmip_aap - callbacks of /pmip:pmip/aap (into struct aap_config).
 * @args: callback arguments.
 * Return: 0, or -1 with the error set.
 */
int
nb_pmip_aap(struct nb_cb_args *args)
{
	return nb_pmip_role(args, &nb_pmip_aap_role);
}

/*
 * XPath: /pmip:pmip/interface
 */
/**
 * nb_pmip_interface - callbacks of one /pmip:pmip/interface entry.
 * @args: callback arguments.
 *
 * PREPARE allocates the new entry, APPLY replaces (or removes) the entry of
 * the same name in the engine's interface list.
 * Return: 0, or -1 with the error set.
 */
int
nb_pmip_interface(struct nb_cb_args *args)
{
	struct pmip_engine *e = args->engine;
	const char *name = nb_pmip_str(args->dnode, "name", "");
	struct pmip_iface *i, **pp;

	switch (args->event) {
	case NB_EV_VALIDATE:
		return 0;
	case NB_EV_PREPARE:
		if (args->op == NB_OP_DESTROY)
			return 0;
		i = calloc(1, sizeof(*i));
		if (i == NULL) {
			nb_errorf(args, NULL, "resource-denied", "out of memory");
			return -1;
		}
		snprintf(i->name, sizeof(i->name), "%s", name);
		snprintf(i->description, sizeof(i->description), "%s",
		         nb_pmip_str(args->dnode, "description", ""));
		*args->resource = i;
		return 0;
	case NB_EV_ABORT:
		free(*args->resource);
		return 0;
	case NB_EV_APPLY:
		break;
	}
	for (pp = &e->ifaces; *pp != NULL && strcmp((*pp)->name, name) != 0; pp = &(*pp)->next)
		;
	if (*pp != NULL) { /* unlink and free the old entry */
		i = *pp;
		*pp = i->next;
		free(i);
	}
	if ((i = *args->resource) != NULL) {
		i->next = e->ifaces;
		e->ifaces = i;
	}
	return 0;
}

/**
 * nb_pmip_roles_fini - free the interface list and the role configs of @e.
 * @e: the engine.
 */
void
nb_pmip_roles_fini(struct pmip_engine *e)
{
	nb_pmip_role_stop(e, &nb_pmip_ha_role);
	nb_pmip_role_stop(e, &nb_pmip_fa_role);
	nb_pmip_role_stop(e, &nb_pmip_proxy_role);
	while (e->ifaces != NULL) {
		struct pmip_iface *i = e->ifaces;

		e->ifaces = i->next;
		free(i);
	}
	nb_pmip_ha_free(e->ha);
	nb_pmip_fa_free(e->fa);
	nb_pmip_proxy_free(e->proxy);
	nb_pmip_aap_free(e->aap);
	e->ha = NULL;
	e->fa = NULL;
	e->proxy = NULL;
	e->aap = NULL;
}
