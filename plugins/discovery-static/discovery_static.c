/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * discovery_static.c - discovery-static: mobility agents from the configuration.
 *
 * DOC: the agents are the entries of /pmip/proxy/static-agent. start()
 * reports each one with DISC_AGENT_FOUND from a deferred call (disc_evq),
 * never from inside the op. configure() on a running instance compares the
 * new list with the old one by address: a removed agent is reported
 * DISC_AGENT_LOST, a new one or one whose data changed DISC_AGENT_FOUND,
 * an unchanged one nothing. Static agents never expire (adv_lifetime 0,
 * sequence number 0) and carry no MAC; the flags are built from the config:
 * H and F from the roles, R, G, M and T from the booleans. A foreign agent
 * configured without care-of addresses offers its own address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "disc_evq.h"
#include "discovery.h"
#include "ev.h"
#include "log.h"
#include "mip_adv.h"
#include "plugin.h"

#define DSTAT_AGENTS_MAX 64

struct dstat {
	const struct disc_env *env;
	struct disc_evq q;
	bool running;
	size_t n;
	struct disc_agent agents[DSTAT_AGENTS_MAX];
	struct disc_status st;
};

static void dstat_stop(void *inst);

/* Read one static-agent entry. */
static int
dstat_parse_agent(const struct lyd_node *entry, struct disc_agent *a, char *errmsg, size_t errlen)
{
	const struct lyd_node *n;
	bool reg_required = true;

	memset(a, 0, sizeof(*a));
	a->max_lifetime = 1800;
	LY_LIST_FOR (lyd_child(entry), n) {
		const char *name = LYD_NAME(n), *val = lyd_get_value(n);

		if (val == NULL)
			continue;
		if (strcmp(name, "address") == 0) {
			inet_pton(AF_INET, val, &a->addr);
		} else if (strcmp(name, "role") == 0) {
			a->roles |= strcmp(val, "home-agent") == 0 ? DISC_ROLE_HA : DISC_ROLE_FA;
		} else if (strcmp(name, "care-of-address") == 0) {
			if (a->n_coa == DISC_COA_MAX) {
				snprintf(errmsg, errlen,
				         "static-agent %s: more than %d care-of addresses", val,
				         DISC_COA_MAX);
				return -1;
			}
			inet_pton(AF_INET, val, &a->coa[a->n_coa++]);
		} else if (strcmp(name, "max-lifetime") == 0) {
			a->max_lifetime = (uint16_t)strtoul(val, NULL, 10);
		} else if (strcmp(name, "interface") == 0) {
			snprintf(a->ifname, sizeof(a->ifname), "%s", val);
		} else if (strcmp(name, "registration-required") == 0) {
			reg_required = strcmp(val, "true") == 0;
		} else if (strcmp(name, "gre") == 0 && strcmp(val, "true") == 0) {
			a->flags |= MIP_ADV_F_G;
		} else if (strcmp(name, "minimal-encapsulation") == 0 && strcmp(val, "true") == 0) {
			a->flags |= MIP_ADV_F_M;
		} else if (strcmp(name, "reverse-tunnel") == 0 && strcmp(val, "true") == 0) {
			a->flags |= MIP_ADV_F_T;
		}
	}
	if (a->addr.s_addr == INADDR_ANY || a->roles == 0) {
		snprintf(errmsg, errlen, "static-agent needs an address and a role");
		return -1;
	}
	if (reg_required)
		a->flags |= MIP_ADV_F_R;
	if (a->roles & DISC_ROLE_HA)
		a->flags |= MIP_ADV_F_H;
	if (a->roles & DISC_ROLE_FA) {
		a->flags |= MIP_ADV_F_F;
		if (a->n_coa == 0)
			a->coa[a->n_coa++] = a->addr;
	}
	return 0;
}

static int
dstat_parse(const struct lyd_node *cfg, struct disc_agent *out, size_t *n, char *errmsg,
            size_t errlen)
{
	const struct lyd_node *e;

	*n = 0;
	if (cfg == NULL)
		return 0;
	LY_LIST_FOR (lyd_child(cfg), e) {
		if (strcmp(LYD_NAME(e), "static-agent") != 0)
			continue;
		if (*n == DSTAT_AGENTS_MAX) {
			snprintf(errmsg, errlen, "more than %d static agents", DSTAT_AGENTS_MAX);
			return -1;
		}
		if (dstat_parse_agent(e, &out[*n], errmsg, errlen) != 0)
			return -1;
		(*n)++;
	}
	return 0;
}

/* Interface indexes are looked up when reported: interfaces come and go. */
static void
dstat_report(struct dstat *s, enum disc_event ev, const struct disc_agent *a)
{
	union disc_event_data d;
	char str[INET_ADDRSTRLEN];

	memset(&d, 0, sizeof(d));
	d.agent = *a;
	d.agent.ifindex = a->ifname[0] != '\0' ? if_nametoindex(a->ifname) : 0;
	log_info(LOG_SS_DISCOVERY, "discovery-static: agent %s %s",
	         inet_ntop(AF_INET, &a->addr, str, sizeof(str)),
	         ev == DISC_AGENT_LOST ? "removed" : "configured");
	if (disc_evq_push(&s->q, ev, &d) != 0)
		log_warnx(LOG_SS_DISCOVERY, "discovery-static: event dropped");
}

static const struct disc_agent *
dstat_find(const struct disc_agent *v, size_t n, struct in_addr addr)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].addr.s_addr == addr.s_addr)
			return &v[i];
	return NULL;
}

static bool
dstat_same(const struct disc_agent *a, const struct disc_agent *b)
{
	return a->roles == b->roles && a->flags == b->flags && a->max_lifetime == b->max_lifetime &&
	       a->n_coa == b->n_coa && memcmp(a->coa, b->coa, sizeof(a->coa)) == 0 &&
	       strcmp(a->ifname, b->ifname) == 0;
}

static void
dstat_free(void *inst)
{
	struct dstat *s = inst;

	disc_evq_fini(&s->q);
	free(s);
}

static void *
dstat_create(const struct disc_env *env, char *errmsg, size_t errlen)
{
	struct dstat *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	s->env = env;
	disc_evq_init(&s->q, env, dstat_free, s);
	return s;
}

static void
dstat_destroy(void *inst)
{
	struct dstat *s = inst;

	dstat_stop(s);
	if (disc_evq_busy(&s->q)) {
		s->q.dying = true; /* freed by the flush once the upcall returns */
		return;
	}
	dstat_free(s);
}

static int
dstat_configure(void *inst, const struct lyd_node *cfg, char *errmsg, size_t errlen)
{
	struct dstat *s = inst;
	struct disc_agent *next = calloc(DSTAT_AGENTS_MAX, sizeof(*next));
	size_t n;

	if (next == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return -1;
	}
	if (dstat_parse(cfg, next, &n, errmsg, errlen) != 0) {
		free(next);
		return -1;
	}
	if (s->running) {
		for (size_t i = 0; i < s->n; i++)
			if (dstat_find(next, n, s->agents[i].addr) == NULL)
				dstat_report(s, DISC_AGENT_LOST, &s->agents[i]);
		for (size_t i = 0; i < n; i++) {
			const struct disc_agent *old = dstat_find(s->agents, s->n, next[i].addr);

			if (old == NULL || !dstat_same(old, &next[i]))
				dstat_report(s, DISC_AGENT_FOUND, &next[i]);
		}
	}
	memcpy(s->agents, next, n * sizeof(*next));
	s->n = n;
	free(next);
	return 0;
}

static int
dstat_start(void *inst, char *errmsg, size_t errlen)
{
	struct dstat *s = inst;

	(void)errmsg;
	(void)errlen;
	if (s->running)
		return 0;
	s->running = true;
	for (size_t i = 0; i < s->n; i++)
		dstat_report(s, DISC_AGENT_FOUND, &s->agents[i]);
	return 0;
}

static void
dstat_stop(void *inst)
{
	struct dstat *s = inst;

	s->running = false;
	disc_evq_clear(&s->q);
}

static void
dstat_get_status(void *inst, struct disc_status *st)
{
	struct dstat *s = inst;

	*st = s->st;
	st->agents = s->running ? s->n : 0;
	st->events = s->q.delivered;
}

static const struct disc_ops discovery_static_ops = {
	.create = dstat_create,
	.destroy = dstat_destroy,
	.configure = dstat_configure,
	.start = dstat_start,
	.stop = dstat_stop,
	.solicit = NULL,
	.get_status = dstat_get_status,
};

PMIP_PLUGIN_DEFINE("discovery-static", PMIP_PLUGIN_DISCOVERY,
                   "mobility agents from the configuration (static-agent)", &discovery_static_ops);
