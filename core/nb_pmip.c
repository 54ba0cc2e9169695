/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nb_pmip.c - northbound callback table of the pmip module and leaf helpers.
 *
 * Registrations sit on the list entries and containers that map to one C
 * object: a change anywhere below them reaches them as a modify (see nb.c),
 * and their PREPARE rebuilds that object from the new tree. Priorities:
 * global settings first (logging, plugin directory), then interfaces, the
 * key-store chain, the security associations, and the roles last.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "engine.h"
#include "keystore.h"
#include "nb_pmip.h"
#include "sa.h"

#define NB_PMIP_ALL(fn)          \
	{                        \
		fn, fn, fn, NULL \
	}

static const struct nb_node_info nb_pmip_nodes[] = {
	{ "/pmip:pmip/global", 10, NB_PMIP_ALL(nb_pmip_global) },
	{ "/pmip:pmip/interface", 20, NB_PMIP_ALL(nb_pmip_interface) },
	{ "/pmip:pmip/key-store", 30, NB_PMIP_ALL(nb_pmip_key_store) },
	{ "/pmip:pmip/security-association",
	  40,
	  { nb_pmip_security_association, nb_pmip_security_association,
	    nb_pmip_security_association, nb_pmip_security_association_finish } },
	{ "/pmip:pmip/home-agent", 50, NB_PMIP_ALL(nb_pmip_home_agent) },
	{ "/pmip:pmip/foreign-agent", 51, NB_PMIP_ALL(nb_pmip_foreign_agent) },
	{ "/pmip:pmip/proxy", 52, NB_PMIP_ALL(nb_pmip_proxy) },
	{ "/pmip:pmip/aap", 53, NB_PMIP_ALL(nb_pmip_aap) },
	{ "/pmip:pmip/snmp", 60, NB_PMIP_ALL(nb_pmip_snmp) },
	{ "/pmip:pmip/netconf", 60, NB_PMIP_ALL(nb_pmip_netconf) },
	{ NULL, 0, { NULL, NULL, NULL, NULL } },
};

const struct nb_module_info nb_pmip_info = { "pmip", nb_pmip_nodes };

int
nb_pmip_init(struct pmip_engine *e)
{
	e->sa_table = sa_table_new();
	if (e->sa_table == NULL)
		return -1;
	e->ks_env.loop = e->loop;
	e->ks_env.sa_table = e->sa_table;
	e->replay_tolerance_s = 7;
	return 0;
}

void
nb_pmip_fini(struct pmip_engine *e)
{
	/* Roles first: they cancel their lookups on the key-store chain. */
	nb_pmip_roles_fini(e);
	ks_chain_free(e->ks_chain);
	e->ks_chain = NULL;
	sa_table_free(e->sa_table);
	e->sa_table = NULL;
	free(e->plugin_dir);
	e->plugin_dir = NULL;
}

const struct lyd_node *
nb_pmip_node(const struct lyd_node *dnode, const char *path)
{
	struct lyd_node *n = NULL;

	if (dnode == NULL || lyd_find_path(dnode, path, 0, &n) != LY_SUCCESS)
		return NULL;
	return n;
}

const char *
nb_pmip_str(const struct lyd_node *dnode, const char *path, const char *dflt)
{
	const struct lyd_node *n = nb_pmip_node(dnode, path);

	return n != NULL ? lyd_get_value(n) : dflt;
}

unsigned long
nb_pmip_uint(const struct lyd_node *dnode, const char *path, unsigned long dflt)
{
	const char *s = nb_pmip_str(dnode, path, NULL);

	return s != NULL ? strtoul(s, NULL, 10) : dflt;
}

bool
nb_pmip_bool(const struct lyd_node *dnode, const char *path, bool dflt)
{
	const char *s = nb_pmip_str(dnode, path, NULL);

	return s != NULL ? strcmp(s, "true") == 0 : dflt;
}

int
nb_pmip_ipv4(const struct lyd_node *dnode, const char *path, struct in_addr *out)
{
	const char *s = nb_pmip_str(dnode, path, NULL);

	return s != NULL && inet_pton(AF_INET, s, out) == 1 ? 0 : -1;
}

int
nb_pmip_prefix(const char *s, struct pmip_prefix *out)
{
	char buf[INET_ADDRSTRLEN + 4];
	char *slash, *end;
	unsigned long len;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	len = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || len > 32 || inet_pton(AF_INET, buf, &out->addr) != 1)
		return -1;
	out->len = (uint8_t)len;
	return 0;
}

int
nb_pmip_hex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = strlen(hex);

	if (n % 2 != 0 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return (int)(n / 2);
}
