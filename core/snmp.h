/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * snmp.h - pmipd as a read-only SNMP AgentX subagent (PMIP-MIB and an RFC 2006 subset).
 *
 * pmipd does not speak SNMP on the network: it connects to a master agent
 * (Net-SNMP snmpd) over AgentX (RFC 2741) and registers its subtrees there;
 * snmpd does transport, SNMPv3 security, access control and trap sinks.
 * Net-SNMP runs on the loop thread, driven by fd watchers and one timer
 * (snmp_agent.c); every value is read from the role state accessors
 * (ha_binding_next(), fa_visitor_next(), the counter descriptor tables, the
 * SA table) when a request arrives, so SNMP never keeps a copy of the state.
 *
 * Files: snmp_agent.c (lifecycle, loop integration, reconnects, logging),
 * snmp_tables.c (the generic read-only table and scalar handlers plus the
 * PMIP-MIB objects), snmp_mip2006.c (the RFC 2006 MIP-MIB subset),
 * snmp_traps.c (notifications from the event bus, rate limit),
 * nb_pmip_snmp.c (the /pmip/snmp config callbacks). mibs/PMIP-MIB.txt is the
 * MIB; docs/snmp.md describes the OID layout and the behaviour.
 */
#ifndef PMIP_SNMP_H
#define PMIP_SNMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pmip_engine;

/*
 * The enterprise arc, defined here and in mibs/PMIP-MIB.txt only. 32473 is
 * the IANA Private Enterprise Number reserved for documentation (RFC 5612):
 * a placeholder until pmipd has a number of its own. pmipMIB is
 * { enterprises 32473 1 }: .0 notifications, .1 objects, .2 conformance.
 */
#define SNMP_PMIP_ENTERPRISE 32473
#define SNMP_PMIP_MIB_OID    1, 3, 6, 1, 4, 1, SNMP_PMIP_ENTERPRISE, 1
/* RFC 2006 MIP-MIB: mipMIB ::= { mib-2 44 }. */
#define SNMP_MIP_MIB_OID 1, 3, 6, 1, 2, 1, 44

#define SNMP_SOCKET_MAX 256 /* AgentX address: "unix:/path" or "tcp:host:port" */

/** enum snmp_notify - notifications that can be switched on and off. */
enum snmp_notify {
	SNMP_NOTIFY_REG_FAILURE = 0,  /* PMIP-MIB pmipRegistrationFailure */
	SNMP_NOTIFY_AUTH_FAILURE,     /* PMIP-MIB pmipAuthenticationFailure */
	SNMP_NOTIFY_MIP_AUTH_FAILURE, /* RFC 2006 mipAuthFailure */
	SNMP_NOTIFY_HA_UNREACHABLE,   /* PMIP-MIB pmipHaUnreachable */
	SNMP_NOTIFY_AAP_FAILOVER,     /* PMIP-MIB pmipAapFailover */
	SNMP_NOTIFY_MAX,
};

/**
 * struct snmp_config - /pmip/snmp.
 * @enabled: run the subagent.
 * @agentx_socket: master agent address, as Net-SNMP's agentXSocket takes it.
 * @ping_interval_s: AgentX ping interval; a lost master is reconnected at this period.
 * @trap_rate: notifications per minute the token bucket refills.
 * @trap_burst: bucket size: notifications that may leave back to back.
 * @notify: per-notification switches, indexed by enum snmp_notify.
 */
struct snmp_config {
	bool enabled;
	char agentx_socket[SNMP_SOCKET_MAX];
	uint32_t ping_interval_s;
	uint32_t trap_rate;
	uint32_t trap_burst;
	bool notify[SNMP_NOTIFY_MAX];
};

/**
 * snmp_agent_config_default - fill @cfg with the YANG defaults (disabled).
 * @cfg: receives the defaults.
 */
void snmp_agent_config_default(struct snmp_config *cfg);

/**
 * snmp_agent_check - can @cfg be put in force without restarting pmipd?
 * @e: the engine.
 * @cfg: the new configuration.
 * @why: receives the reason when not.
 * @len: size of @why.
 *
 * Net-SNMP cannot be initialised twice in one process: once the subagent ran, switching
 * it on again after it was switched off, or changing the AgentX address or ping interval,
 * needs a restart.
 * Return: 0, or -1 with @why filled.
 */
int snmp_agent_check(const struct pmip_engine *e, const struct snmp_config *cfg, char *why,
                     size_t len);

/**
 * snmp_agent_apply - put @cfg in force: start, reconnect or stop the subagent.
 * @e: the engine whose state is served (must outlive the agent, or be followed by
 *     snmp_agent_shutdown()).
 * @cfg: the configuration (copied).
 *
 * Never fails: a master agent that is not there yet is retried every ping interval.
 * Switching SNMP off stops the subagent for the life of the process (see
 * snmp_agent_check()); trap settings apply at once.
 */
void snmp_agent_apply(struct pmip_engine *e, const struct snmp_config *cfg);

/**
 * snmp_agent_shutdown - stop the subagent and release Net-SNMP. Called before the engine is
 * freed; a no-op when the subagent never ran.
 */
void snmp_agent_shutdown(void);

/**
 * struct snmp_trap_stats - notification counters.
 * @sent: notifications handed to the master agent.
 * @suppressed: notifications dropped by the rate limit.
 * @disabled: events not sent because their notification is switched off.
 */
struct snmp_trap_stats {
	uint64_t sent;
	uint64_t suppressed;
	uint64_t disabled;
};

/**
 * snmp_trap_stats - copy the notification counters.
 * @out: receives them.
 */
void snmp_trap_stats(struct snmp_trap_stats *out);

#endif /* PMIP_SNMP_H */
