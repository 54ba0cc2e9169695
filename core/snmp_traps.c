/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * snmp_traps.c - SNMPv2 notifications from the event bus, behind a token bucket.
 *
 *   PMIP_EVENT_REG_FAILURE  -> pmipRegistrationFailure   { pmipNotifications 1 }
 *   PMIP_EVENT_AUTH_FAILURE -> pmipAuthenticationFailure { pmipNotifications 2 }
 *                              and mipAuthFailure (RFC 2006, mipMIB.2.0.1)
 *   PMIP_EVENT_HA_UNREACHABLE -> pmipHaUnreachable       { pmipNotifications 3 }
 *   PMIP_EVENT_AAP_FAILOVER -> pmipAapFailover           { pmipNotifications 4 }
 *
 * Each notification can be switched off in /pmip/snmp/notifications. Every
 * notification that is switched on takes one token from a single bucket of
 * trap-burst tokens that refills at trap-rate tokens per minute; without a
 * token it is dropped and counted in pmipTrapsSuppressed (and logged through a
 * rate-limited line). The notification goes to the master agent over AgentX
 * (send_v2trap); snmpd delivers it to its trap sinks (v2c, v3, informs).
 */
#include <string.h>

#include "event.h"
#include "ev.h"
#include "log.h"
#include "mip_codes.h"
#include "snmp_int.h"

/* OIDs of the notifications and of the objects they carry. */
static const oid snmp_trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 }; /* snmpTrapOID.0 */
static const oid pmip_reg_failure_oid[] = { SNMP_PMIP_MIB_OID, 0, 1 };
static const oid pmip_auth_failure_oid[] = { SNMP_PMIP_MIB_OID, 0, 2 };
static const oid pmip_ha_unreachable_oid[] = { SNMP_PMIP_MIB_OID, 0, 3 };
static const oid pmip_aap_failover_oid[] = { SNMP_PMIP_MIB_OID, 0, 4 };
static const oid mip_auth_failure_oid[] = { SNMP_MIP_MIB_OID, 2, 0, 1 };

/* pmipNotify objects, { pmipObjects 6 n 0 } */
enum {
	PMIP_N_ROLE = 3,
	PMIP_N_HOA = 4,
	PMIP_N_HA = 5,
	PMIP_N_COA = 6,
	PMIP_N_PEER = 7,
	PMIP_N_CODE = 8,
	PMIP_N_SPI = 9,
	PMIP_N_REASON = 10,
	PMIP_N_NAI = 11,
	PMIP_N_PREFIX = 12,
	PMIP_N_PREFIX_LEN = 13,
	PMIP_N_TEXT = 14,
	PMIP_N_FA = 15,
	PMIP_N_PREV_PEER = 16,
};

static struct {
	bool running;
	struct snmp_config cfg;
	uint64_t tokens_milli; /* tokens x 1000 */
	uint64_t last_ms;
	struct snmp_trap_stats stats;
	struct log_ratelimit rl;
} snmp_traps = { .rl = LOG_RATELIMIT_INIT(60, 3) };

void
snmp_trap_stats(struct snmp_trap_stats *out)
{
	*out = snmp_traps.stats;
}

/* Take a token; false when the bucket is empty. */
static bool
snmp_traps_token(void)
{
	uint64_t now = ev_now_ms(), cap = (uint64_t)snmp_traps.cfg.trap_burst * 1000;

	/* trap_rate tokens per 60 000 ms: rate milli-tokens per 60 ms. */
	snmp_traps.tokens_milli += (now - snmp_traps.last_ms) * snmp_traps.cfg.trap_rate / 60;
	snmp_traps.last_ms = now;
	if (snmp_traps.tokens_milli > cap)
		snmp_traps.tokens_milli = cap;
	if (snmp_traps.tokens_milli < 1000)
		return false;
	snmp_traps.tokens_milli -= 1000;
	return true;
}

/* May @n go out? Counts what does not. */
static bool
snmp_traps_admit(enum snmp_notify n, const char *what)
{
	if (!snmp_traps.cfg.notify[n]) {
		snmp_traps.stats.disabled++;
		return false;
	}
	if (!snmp_traps_token()) {
		snmp_traps.stats.suppressed++;
		log_rl(&snmp_traps.rl, LOG_SS_SNMP, LOG_NOTICE,
		       "%s notification suppressed by the trap rate limit", what);
		return false;
	}
	return true;
}

static void
snmp_add_pmip(netsnmp_variable_list **vars, unsigned obj, u_char type, const void *val, size_t len)
{
	oid name[] = { SNMP_PMIP_MIB_OID, 1, 6, obj, 0 };

	snmp_varlist_add_variable(vars, name, SNMP_OIDLEN(name), type, val, len);
}

static void
snmp_traps_send(netsnmp_variable_list *vars)
{
	send_v2trap(vars);
	snmp_traps.stats.sent++;
	snmp_free_varbind(vars);
}

/* PMIP-MIB pmipNotifyRole: homeAgent(1) foreignAgent(2) proxy(3) aap(4). */
static long
snmp_role_num(const char *role)
{
	if (role != NULL && strcmp(role, "aap") == 0)
		return 4;
	if (role != NULL && strcmp(role, "home-agent") == 0)
		return 1;
	if (role != NULL && strcmp(role, "foreign-agent") == 0)
		return 2;
	return 3;
}

static void
snmp_traps_reg_failure(const struct pmip_event *ev)
{
	netsnmp_variable_list *vars = NULL;
	long role = snmp_role_num(ev->role);
	u_long code = ev->code;
	const char *nai = ev->nai != NULL ? ev->nai : "";
	const char *text = ev->text != NULL ? ev->text : mip_code_name(ev->code);
	/* The proxy names its foreign agent apart from the care-of address. */
	struct in_addr fa = role == 3 ? ev->fa : ev->coa;

	if (!snmp_traps_admit(SNMP_NOTIFY_REG_FAILURE, "pmipRegistrationFailure"))
		return;
	snmp_varlist_add_variable(&vars, snmp_trap_oid, SNMP_OIDLEN(snmp_trap_oid), ASN_OBJECT_ID,
	                          pmip_reg_failure_oid, sizeof(pmip_reg_failure_oid));
	snmp_add_pmip(&vars, PMIP_N_ROLE, ASN_INTEGER, &role, sizeof(role));
	snmp_add_pmip(&vars, PMIP_N_HOA, ASN_IPADDRESS, &ev->hoa.s_addr, 4);
	snmp_add_pmip(&vars, PMIP_N_HA, ASN_IPADDRESS, &ev->ha.s_addr, 4);
	snmp_add_pmip(&vars, PMIP_N_COA, ASN_IPADDRESS, &ev->coa.s_addr, 4);
	snmp_add_pmip(&vars, PMIP_N_CODE, ASN_UNSIGNED, &code, sizeof(code));
	snmp_add_pmip(&vars, PMIP_N_NAI, ASN_OCTET_STR, nai, strnlen(nai, 255));
	snmp_add_pmip(&vars, PMIP_N_FA, ASN_IPADDRESS, &fa.s_addr, 4);
	snmp_add_pmip(&vars, PMIP_N_TEXT, ASN_OCTET_STR, text, strnlen(text, 255));
	snmp_traps_send(vars);
}

static void
snmp_traps_ha_unreachable(const struct pmip_event *ev)
{
	netsnmp_variable_list *vars = NULL;
	long role = snmp_role_num(ev->role);
	u_long len = ev->prefix_len;
	const char *text = ev->text != NULL ? ev->text : "";

	if (!snmp_traps_admit(SNMP_NOTIFY_HA_UNREACHABLE, "pmipHaUnreachable"))
		return;
	snmp_varlist_add_variable(&vars, snmp_trap_oid, SNMP_OIDLEN(snmp_trap_oid), ASN_OBJECT_ID,
	                          pmip_ha_unreachable_oid, sizeof(pmip_ha_unreachable_oid));
	snmp_add_pmip(&vars, PMIP_N_ROLE, ASN_INTEGER, &role, sizeof(role));
	snmp_add_pmip(&vars, PMIP_N_HA, ASN_IPADDRESS, &ev->ha.s_addr, 4);
	snmp_add_pmip(&vars, PMIP_N_PREFIX, ASN_IPADDRESS, &ev->prefix.s_addr, 4);
	snmp_add_pmip(&vars, PMIP_N_PREFIX_LEN, ASN_UNSIGNED, &len, sizeof(len));
	snmp_add_pmip(&vars, PMIP_N_TEXT, ASN_OCTET_STR, text, strnlen(text, 255));
	snmp_traps_send(vars);
}

static void
snmp_traps_aap_failover(const struct pmip_event *ev)
{
	netsnmp_variable_list *vars = NULL;

	if (!snmp_traps_admit(SNMP_NOTIFY_AAP_FAILOVER, "pmipAapFailover"))
		return;
	snmp_varlist_add_variable(&vars, snmp_trap_oid, SNMP_OIDLEN(snmp_trap_oid), ASN_OBJECT_ID,
	                          pmip_aap_failover_oid, sizeof(pmip_aap_failover_oid));
	snmp_add_pmip(&vars, PMIP_N_PEER, ASN_IPADDRESS, &ev->peer.s_addr, 4);
	snmp_add_pmip(&vars, PMIP_N_PREV_PEER, ASN_IPADDRESS, &ev->old_peer.s_addr, 4);
	snmp_traps_send(vars);
}

static void
snmp_traps_auth_failure(const struct pmip_event *ev)
{
	netsnmp_variable_list *vars = NULL;
	long role = snmp_role_num(ev->role), reason = ev->reason;
	long spi = (long)(int32_t)ev->spi, lo = (long)(int32_t)(uint32_t)ev->id,
	     hi = (long)(int32_t)(uint32_t)(ev->id >> 32);
	u_long uspi = ev->spi;
	oid name[MAX_OID_LEN];
	size_t base;

	if (snmp_traps_admit(SNMP_NOTIFY_AUTH_FAILURE, "pmipAuthenticationFailure")) {
		snmp_varlist_add_variable(&vars, snmp_trap_oid, SNMP_OIDLEN(snmp_trap_oid),
		                          ASN_OBJECT_ID, pmip_auth_failure_oid,
		                          sizeof(pmip_auth_failure_oid));
		snmp_add_pmip(&vars, PMIP_N_ROLE, ASN_INTEGER, &role, sizeof(role));
		snmp_add_pmip(&vars, PMIP_N_PEER, ASN_IPADDRESS, &ev->peer.s_addr, 4);
		snmp_add_pmip(&vars, PMIP_N_SPI, ASN_UNSIGNED, &uspi, sizeof(uspi));
		snmp_add_pmip(&vars, PMIP_N_REASON, ASN_INTEGER, &reason, sizeof(reason));
		snmp_traps_send(vars);
		vars = NULL;
	}
	if (!snmp_traps_admit(SNMP_NOTIFY_MIP_AUTH_FAILURE, "mipAuthFailure"))
		return;
	/* mipSecViolationEntry columns instanced by the violator address. */
	snmp_varlist_add_variable(&vars, snmp_trap_oid, SNMP_OIDLEN(snmp_trap_oid), ASN_OBJECT_ID,
	                          mip_auth_failure_oid, sizeof(mip_auth_failure_oid));
	{
		const oid entry[] = { SNMP_MIP_MIB_OID, 1, 2, 3, 1 };
		const struct {
			unsigned col;
			u_char type;
			const void *val;
			size_t len;
		} cols[] = {
			{ 1, ASN_IPADDRESS, &ev->peer.s_addr, 4 },
			{ 3, ASN_INTEGER, &spi, sizeof(spi) },
			{ 5, ASN_INTEGER, &lo, sizeof(lo) },
			{ 6, ASN_INTEGER, &hi, sizeof(hi) },
			{ 7, ASN_INTEGER, &reason, sizeof(reason) },
		};

		memcpy(name, entry, sizeof(entry));
		for (size_t i = 0; i < SNMP_OIDLEN(cols); i++) {
			base = SNMP_OIDLEN(entry);
			name[base++] = cols[i].col;
			snmp_idx_put_ipv4(name, &base, ev->peer.s_addr);
			snmp_varlist_add_variable(&vars, name, base, cols[i].type, cols[i].val,
			                          cols[i].len);
		}
	}
	snmp_traps_send(vars);
}

static void
snmp_traps_event(enum pmip_event_type type, const struct pmip_event *ev, void *ctx)
{
	if (!snmp_traps.running)
		return;
	if (type == PMIP_EVENT_REG_FAILURE)
		snmp_traps_reg_failure(ev);
	else if (type == PMIP_EVENT_AUTH_FAILURE)
		snmp_traps_auth_failure(ev);
	else if (type == PMIP_EVENT_HA_UNREACHABLE)
		snmp_traps_ha_unreachable(ev);
	else if (type == PMIP_EVENT_AAP_FAILOVER)
		snmp_traps_aap_failover(ev);
}

void
snmp_traps_configure(const struct snmp_config *cfg)
{
	uint64_t cap = (uint64_t)cfg->trap_burst * 1000;

	snmp_traps.cfg = *cfg;
	if (snmp_traps.tokens_milli > cap)
		snmp_traps.tokens_milli = cap;
}

void
snmp_traps_start(const struct snmp_config *cfg)
{
	snmp_traps.cfg = *cfg;
	snmp_traps.tokens_milli = (uint64_t)cfg->trap_burst * 1000;
	snmp_traps.last_ms = ev_now_ms();
	snmp_traps.running = true;
	for (int t = 0; t < PMIP_EVENT_MAX; t++)
		if (event_subscribe((enum pmip_event_type)t, snmp_traps_event, NULL) < 0)
			log_errx(LOG_SS_SNMP, "out of memory: notifications are not sent");
}

void
snmp_traps_stop(void)
{
	for (int t = 0; t < PMIP_EVENT_MAX; t++)
		event_unsubscribe((enum pmip_event_type)t, snmp_traps_event, NULL);
	snmp_traps.running = false;
}
