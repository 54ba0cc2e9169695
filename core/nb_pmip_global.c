/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nb_pmip_global.c - config callbacks: /pmip/global and /pmip/key-store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <libyang/libyang.h>

#include "engine.h"
#include "fa.h"
#include "ha.h"
#include "keystore.h"
#include "plugin.h"
#include "log.h"
#include "nb_pmip.h"
#include "sa.h"

#define NB_PMIP_KS_MAX 8 /* key stores in one chain */

/* Enum order of /pmip/global/log-level equals the syslog priorities 0..7. */
static const char *const nb_pmip_levels[] = { "emerg",   "alert",  "crit", "err",
	                                      "warning", "notice", "info", "debug" };

static int
nb_pmip_level(const char *name)
{
	for (int i = 0; i < 8; i++)
		if (strcmp(nb_pmip_levels[i], name) == 0)
			return i;
	return LOG_INFO;
}

/*
 * Give every configured SA without its own replay-tolerance the new global
 * value; @pmip is the new /pmip:pmip container.
 */
static void
nb_pmip_inherit_tolerance(struct pmip_engine *e, const struct lyd_node *pmip)
{
	const struct lyd_node *c;
	struct mip_sa *sa;

	LY_LIST_FOR (lyd_child(pmip), c) {
		if (strcmp(LYD_NAME(c), "security-association") != 0 ||
		    nb_pmip_node(c, "replay-tolerance") != NULL)
			continue;
		sa = sa_table_get(e->sa_table, nb_pmip_str(c, "name", ""));
		if (sa != NULL && strcmp(sa->source, "config") == 0)
			sa->tolerance_s = e->replay_tolerance_s;
	}
}

/*
 * XPath: /pmip:pmip/global
 *
 * VALIDATE checks that a configured plugin-dir is a directory, PREPARE copies
 * it, APPLY sets logging (level, debug switches, syslog), the plugin
 * directory and the global replay tolerance. A destroy restores defaults.
 */
/**
 * nb_pmip_global - callbacks of /pmip:pmip/global.
 * @args: callback arguments.
 * Return: 0, or -1 with the error set.
 */
int
nb_pmip_global(struct nb_cb_args *args)
{
	struct pmip_engine *e = args->engine;
	const struct lyd_node *d = args->op == NB_OP_DESTROY ? NULL : args->dnode;
	const char *dir = nb_pmip_str(d, "plugin-dir", NULL);
	struct stat st;
	unsigned dest;

	switch (args->event) {
	case NB_EV_VALIDATE:
		if (dir != NULL && (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))) {
			nb_errorf(args, nb_pmip_node(d, "plugin-dir"), "invalid-value",
			          "plugin-dir %s is not a directory.", dir);
			return -1;
		}
		return 0;
	case NB_EV_PREPARE:
		if (dir != NULL && (*args->resource = strdup(dir)) == NULL) {
			nb_errorf(args, NULL, "resource-denied", "out of memory");
			return -1;
		}
		return 0;
	case NB_EV_ABORT:
		free(*args->resource);
		return 0;
	case NB_EV_APPLY:
		break;
	}
	log_set_level(nb_pmip_level(nb_pmip_str(d, "log-level", "info")));
	for (int ss = 0; ss < LOG_SS_MAX; ss++) {
		char path[64];

		snprintf(path, sizeof(path), "debug[.='%s']", log_subsys_name(ss));
		log_debug_set(ss, nb_pmip_node(d, path) != NULL);
	}
	dest = e->foreground ? LOG_DEST_STDERR : LOG_DEST_SYSLOG;
	if (nb_pmip_bool(d, "syslog", false))
		dest |= LOG_DEST_SYSLOG;
	log_set_dest(dest);
	free(e->plugin_dir);
	e->plugin_dir = *args->resource;
	e->replay_tolerance_s = (uint16_t)nb_pmip_uint(d, "replay-tolerance", 7);
	if (d != NULL)
		nb_pmip_inherit_tolerance(e, lyd_parent(d));
	return 0;
}

/* Names of the configured key stores; "local" when the list is empty. */
static size_t
nb_pmip_ks_names(const struct lyd_node *dnode, const char **names, const struct lyd_node **nodes)
{
	const struct lyd_node *c;
	size_t n = 0;

	LY_LIST_FOR (dnode != NULL ? lyd_child(dnode) : NULL, c) {
		if (strcmp(LYD_NAME(c), "order") == 0 && n < NB_PMIP_KS_MAX) {
			nodes[n] = c;
			names[n++] = lyd_get_value(c);
		}
	}
	if (n == 0) {
		nodes[0] = dnode;
		names[n++] = "local";
	}
	return n;
}

/*
 * XPath: /pmip:pmip/key-store
 *
 * VALIDATE checks that every store has a plugin file, PREPARE builds the new
 * chain, APPLY swaps it in and frees the old one, ABORT frees the new one.
 */
/**
 * nb_pmip_key_store - callbacks of /pmip:pmip/key-store.
 * @args: callback arguments.
 * Return: 0, or -1 with the error set.
 */
int
nb_pmip_key_store(struct nb_cb_args *args)
{
	struct pmip_engine *e = args->engine;
	const char *names[NB_PMIP_KS_MAX];
	const struct lyd_node *nodes[NB_PMIP_KS_MAX];
	const char *dir;
	char errmsg[256], path[4096];
	size_t n;

	if (args->op == NB_OP_DESTROY) {
		if (args->event == NB_EV_APPLY) {
			if (e->ha_inst != NULL)
				ha_set_keystore(e->ha_inst, NULL);
			if (e->fa_inst != NULL)
				fa_set_keystore(e->fa_inst, NULL);
			ks_chain_free(e->ks_chain);
			e->ks_chain = NULL;
		}
		return 0;
	}
	dir = engine_plugin_dir(e, args->dnode);
	n = nb_pmip_ks_names(args->dnode, names, nodes);
	switch (args->event) {
	case NB_EV_VALIDATE:
		/* Load each plugin once so a missing file, a wrong ABI version or a
		 * wrong class is reported here, by pmipd -n too. */
		for (size_t i = 0; i < n; i++) {
			struct pmip_plugin *p;

			snprintf(path, sizeof(path), "keystore-%s", names[i]);
			p = plugin_load(dir, path, PMIP_PLUGIN_KEYSTORE, errmsg, sizeof(errmsg));
			if (p == NULL) {
				nb_errorf(args, nodes[i], "unknown-key-store",
				          "unusable key store \"%s\": %s", names[i], errmsg);
				return -1;
			}
			plugin_unload(p);
		}
		return 0;
	case NB_EV_PREPARE:
		*args->resource = ks_chain_new(&e->ks_env, dir, names, n, errmsg, sizeof(errmsg));
		if (*args->resource == NULL) {
			nb_errorf(args, NULL, "key-store-failed", "%s", errmsg);
			return -1;
		}
		/* A store's own settings live in key-store/<store name>. */
		for (size_t i = 0; i < n; i++) {
			const struct lyd_node *cfg = NULL;

			if (args->dnode != NULL)
				cfg = nb_pmip_node(args->dnode, names[i]);
			if (ks_chain_configure(*args->resource, names[i], cfg, errmsg,
			                       sizeof(errmsg)) != 0) {
				nb_errorf(args, cfg, "key-store-failed", "%s", errmsg);
				ks_chain_free(*args->resource);
				*args->resource = NULL;
				return -1;
			}
		}
		return 0;
	case NB_EV_ABORT:
		ks_chain_free(*args->resource);
		return 0;
	case NB_EV_APPLY:
		if (e->ha_inst != NULL)
			ha_set_keystore(e->ha_inst, *args->resource);
		if (e->fa_inst != NULL)
			fa_set_keystore(e->fa_inst, *args->resource);
		ks_chain_free(e->ks_chain);
		e->ks_chain = *args->resource;
		log_info(LOG_SS_CONFIG, "key-store: %zu store(s), first \"%s\"", n, names[0]);
		return 0;
	}
	return 0;
}
