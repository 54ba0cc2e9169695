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
	PMIP_EVENT_MAX,
};

/**
 * struct pmip_event - one event; which members are set depends on the type.
 * @role: the role that raised it: "home-agent", "foreign-agent" or "proxy".
 * @hoa: home address of the mobile node (0.0.0.0 when unknown or NAI only).
 * @ha: home agent address of the registration.
 * @coa: care-of address of the registration.
 * @peer: IP source of the offending message (mobile node or agent).
 * @code: Registration Reply code sent (REG_FAILURE), RFC 5944 section 3.4.
 * @id: Identification of the offending request.
 * @nai: NAI of the mobile node, or NULL.
 * @spi: SPI used (AUTH_FAILURE), 0 when none was given.
 * @reason: AUTH_FAILURE: enum ha_secviol_reason (RFC 2006 mipSecRecentViolationReason).
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

#endif /* PMIP_EVENT_H */
