/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nb_pmip_snmp.c - config callbacks: /pmip/snmp (the AgentX subagent).
 *
 * VALIDATE checks the AgentX address form and that the change needs no
 * restart of pmipd (snmp_agent_check()), PREPARE builds a struct
 * snmp_config from the new subtree, APPLY hands it to snmp_agent_apply(),
 * which cannot fail: a master agent that is not there is retried every ping
 * interval. A destroy stops the subagent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "engine.h"
#include "nb_pmip.h"
#include "snmp.h"

static const char *const nb_pmip_snmp_notify[SNMP_NOTIFY_MAX] = {
	[SNMP_NOTIFY_REG_FAILURE] = "notifications/registration-failure",
	[SNMP_NOTIFY_AUTH_FAILURE] = "notifications/authentication-failure",
	[SNMP_NOTIFY_MIP_AUTH_FAILURE] = "notifications/mip-auth-failure",
	[SNMP_NOTIFY_HA_UNREACHABLE] = "notifications/ha-unreachable",
	[SNMP_NOTIFY_AAP_FAILOVER] = "notifications/aap-failover",
};

/* Fill @cfg from /pmip/snmp @d (NULL: defaults, disabled). */
static void
nb_pmip_snmp_read(const struct lyd_node *d, struct snmp_config *cfg)
{
	const char *sock;

	snmp_agent_config_default(cfg);
	if (d == NULL)
		return;
	cfg->enabled = nb_pmip_bool(d, "enabled", false);
	sock = nb_pmip_str(d, "agentx-socket", NULL);
	if (sock != NULL) {
		/* A bare path is a UNIX socket, as in snmpd.conf. */
		snprintf(cfg->agentx_socket, sizeof(cfg->agentx_socket), "%s%s",
		         sock[0] == '/' ? "unix:" : "", sock);
	}
	cfg->ping_interval_s = (uint32_t)nb_pmip_uint(d, "ping-interval", cfg->ping_interval_s);
	cfg->trap_rate = (uint32_t)nb_pmip_uint(d, "trap-rate", cfg->trap_rate);
	cfg->trap_burst = (uint32_t)nb_pmip_uint(d, "trap-burst", cfg->trap_burst);
	for (int i = 0; i < SNMP_NOTIFY_MAX; i++)
		cfg->notify[i] = nb_pmip_bool(d, nb_pmip_snmp_notify[i], true);
}

/*
 * XPath: /pmip:pmip/snmp
 */
/**
 * nb_pmip_snmp - callbacks of /pmip:pmip/snmp.
 * @args: callback arguments.
 * Return: 0, or -1 with the error set.
 */
int
nb_pmip_snmp(struct nb_cb_args *args)
{
	const struct lyd_node *d = args->op == NB_OP_DESTROY ? NULL : args->dnode;
	const char *sock = nb_pmip_str(d, "agentx-socket", NULL);
	struct snmp_config *cfg;

	switch (args->event) {
	case NB_EV_VALIDATE:
		if (sock != NULL && sock[0] != '/' && strncmp(sock, "unix:/", 6) != 0 &&
		    strncmp(sock, "tcp:", 4) != 0) {
			nb_errorf(args, nb_pmip_node(d, "agentx-socket"), "invalid-value",
			          "agentx-socket %s is neither an absolute path, unix:/PATH nor "
			          "tcp:HOST:PORT.",
			          sock);
			return -1;
		}
		{
			struct snmp_config c;
			char why[160];

			nb_pmip_snmp_read(d, &c);
			if (snmp_agent_check(args->engine, &c, why, sizeof(why)) < 0) {
				nb_errorf(args, NULL, "operation-not-supported", "%s.", why);
				return -1;
			}
		}
		return 0;
	case NB_EV_PREPARE:
		cfg = malloc(sizeof(*cfg));
		if (cfg == NULL) {
			nb_errorf(args, NULL, "resource-denied", "out of memory");
			return -1;
		}
		nb_pmip_snmp_read(d, cfg);
		*args->resource = cfg;
		return 0;
	case NB_EV_ABORT:
		free(*args->resource);
		return 0;
	case NB_EV_APPLY:
		break;
	}
	cfg = *args->resource;
	snmp_agent_apply(args->engine, cfg);
	free(cfg);
	return 0;
}
