/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * event.h - the event bus: what the roles report to the management plane.
 *
 * Roles raise events (a registration failed, a peer failed authentication)
 * with event_raise() on the loop thread; every subscriber of that event type
 * (NETCONF notifications in nc_notif.c, SNMP traps in snmp_traps.c) is called
 * synchronously, in subscription order, from inside event_raise(). A
 * subscriber copies what it needs (the event and its strings live only for
 * the call) and must not raise events or change subscriptions from its
 * callback. The bus keeps no history.
 */
#ifndef PMIP_EVENT_H
#define PMIP_EVENT_H

#include <netinet/in.h>
#include <stdint.h>

/** enum pmip_event_type - what happened. */
enum pmip_event_type {
	PMIP_EVENT_REG_FAILURE = 0, /* a registration was denied or failed */
	PMIP_EVENT_AUTH_FAILURE,    /* a peer failed authentication (security violation) */
	PMIP_EVENT_HA_UNREACHABLE,  /* a home agent stopped answering / a subnet-map entry went */
	PMIP_EVENT_AAP_FAILOVER,    /* an access point moved to another AAP */
	PMIP_EVENT_MAX,
};

/**
 * struct pmip_event - one event; which members are set depends on the type.
 * @role: the role that raised it: "home-agent", "foreign-agent", "proxy" or "aap".
 * @hoa: home address of the mobile node (0.0.0.0 when unknown or NAI only).
 * @ha: home agent address of the registration.
 * @coa: care-of address of the registration.
 * @fa: foreign agent the registration went through (REG_FAILURE of the proxy), else 0.
 * @peer: IP source of the offending message (mobile node or agent); AAP_FAILOVER: the
 *	AAP now in use.
 * @old_peer: AAP_FAILOVER: the AAP used before.
 * @code: Registration Reply code sent (REG_FAILURE), RFC 5944 section 3.4.
 * @id: Identification of the offending request.
 * @nai: NAI of the mobile node, or NULL.
 * @spi: SPI used (AUTH_FAILURE), 0 when none was given.
 * @reason: AUTH_FAILURE: enum ha_secviol_reason (RFC 2006 mipSecRecentViolationReason);
 *	HA_UNREACHABLE: enum pmip_event_unreach; AAP_FAILOVER: priority of the new AAP (1..3).
 * @text: REG_FAILURE and HA_UNREACHABLE: a one-line reason ("no reply"), or NULL when the
 *	code's name says it all.
 * @prefix: HA_UNREACHABLE: the subnet-map entry concerned (network address).
 * @prefix_len: its prefix length.
 */
struct pmip_event {
	const char *role;
	struct in_addr hoa;
	struct in_addr ha;
	struct in_addr coa;
	struct in_addr peer;
	unsigned code;
	uint64_t id;
	const char *nai;
	uint32_t spi;
	int reason;
	struct in_addr fa;
	struct in_addr old_peer;
	const char *text;
	struct in_addr prefix;
	uint8_t prefix_len;
};

/** enum pmip_event_unreach - why PMIP_EVENT_HA_UNREACHABLE was raised (struct pmip_event.reason). */
enum pmip_event_unreach {
	PMIP_UNREACH_PROBE_FAILED =
	        1, /* the AAP's liveness probes went unanswered: entry deleted */
	PMIP_UNREACH_ENTRY_REMOVED = 2, /* a learned subnet-map entry was withdrawn at an AP */
};

/** pmip_event_fn - a subscriber; @ev is valid only during the call. */
typedef void (*pmip_event_fn)(enum pmip_event_type type, const struct pmip_event *ev, void *ctx);

/**
 * event_subscribe - call @fn(@type, ev, @ctx) for every event of @type raised from now on.
 * @type: event type.
 * @fn: the subscriber.
 * @ctx: its argument.
 * Loop thread only (or before the loop runs). Return: 0, -EINVAL or -ENOMEM.
 */
int event_subscribe(enum pmip_event_type type, pmip_event_fn fn, void *ctx);

/**
 * event_unsubscribe - remove the subscription (@type, @fn, @ctx); unknown ones are ignored.
 * @type: event type.
 * @fn: the subscriber.
 * @ctx: its argument.
 * Loop thread only (or after the loop stopped).
 */
void event_unsubscribe(enum pmip_event_type type, pmip_event_fn fn, void *ctx);

/**
 * event_raise - deliver @ev to every subscriber of @type. Loop thread only.
 * @type: event type.
 * @ev: the event.
 */
void event_raise(enum pmip_event_type type, const struct pmip_event *ev);

/* --- one-line hooks for the roles --- */

/** enum event_role - the role that raises an event (struct pmip_event.role). */
enum event_role {
	EVENT_ROLE_HA = 1, /* "home-agent" */
	EVENT_ROLE_FA,     /* "foreign-agent" */
	EVENT_ROLE_PROXY,  /* "proxy" */
	EVENT_ROLE_AAP,    /* "aap" */
};

/**
 * event_raise_reg_failure - raise PMIP_EVENT_REG_FAILURE.
 * @role: the role that denied the registration or saw it fail.
 * @hoa: home address (0.0.0.0 with an NAI only).
 * @ha: home agent address of the request.
 * @coa: care-of address of the request.
 * @code: Registration Reply code.
 * @nai: NAI of the mobile node; NULL or "" when none.
 */
void event_raise_reg_failure(enum event_role role, struct in_addr hoa, struct in_addr ha,
                             struct in_addr coa, unsigned code, const char *nai);

/**
 * event_raise_auth_failure - raise PMIP_EVENT_AUTH_FAILURE.
 * @role: the role that saw the violation.
 * @peer: violator address.
 * @spi: SPI used, 0 when none was given.
 * @id: Identification of the offending request.
 * @reason: enum ha_secviol_reason.
 */
void event_raise_auth_failure(enum event_role role, struct in_addr peer, uint32_t spi, uint64_t id,
                              int reason);

/**
 * event_raise_proxy_failure - raise PMIP_EVENT_REG_FAILURE for the proxy access point.
 * @hoa: the client's home address.
 * @ha: its home agent.
 * @fa: the foreign agent used (0.0.0.0 at home).
 * @coa: care-of address of the request (0.0.0.0 when none was built).
 * @code: reply code (0 when there was no valid reply).
 * @text: one-line reason ("no reply", "mobile node failed authentication"); may be NULL.
 */
void event_raise_proxy_failure(struct in_addr hoa, struct in_addr ha, struct in_addr fa,
                               struct in_addr coa, unsigned code, const char *text);

/**
 * event_raise_ha_unreachable - raise PMIP_EVENT_HA_UNREACHABLE.
 * @role: EVENT_ROLE_AAP (probe failed) or EVENT_ROLE_PROXY (entry withdrawn at an AP).
 * @why: enum pmip_event_unreach.
 * @ha: the home agent of the entry.
 * @prefix: the subnet-map entry's network address.
 * @len: its prefix length.
 */
void event_raise_ha_unreachable(enum event_role role, enum pmip_event_unreach why,
                                struct in_addr ha, struct in_addr prefix, uint8_t len);

/**
 * event_raise_aap_failover - raise PMIP_EVENT_AAP_FAILOVER (role "proxy").
 * @old_aap: the AAP used until now.
 * @new_aap: the AAP used from now on.
 * @priority: place of @new_aap in the configured list, from 1.
 */
void event_raise_aap_failover(struct in_addr old_aap, struct in_addr new_aap, unsigned priority);

/** event_unreach_name - "probe-failed" or "entry-removed" (YANG enumeration names). */
const char *event_unreach_name(int why);

#endif /* PMIP_EVENT_H */
