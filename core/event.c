/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * event.c - the event bus: one list of subscribers per event type, called in order.
 */
#include <errno.h>
#include <stdlib.h>

#include "event.h"

struct event_sub {
	pmip_event_fn fn;
	void *ctx;
	struct event_sub *next;
};

static struct event_sub *event_subs[PMIP_EVENT_MAX];

int
event_subscribe(enum pmip_event_type type, pmip_event_fn fn, void *ctx)
{
	struct event_sub *s, **pp;

	if ((unsigned)type >= PMIP_EVENT_MAX || fn == NULL)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->fn = fn;
	s->ctx = ctx;
	for (pp = &event_subs[type]; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = s;
	return 0;
}

void
event_unsubscribe(enum pmip_event_type type, pmip_event_fn fn, void *ctx)
{
	if ((unsigned)type >= PMIP_EVENT_MAX)
		return;
	for (struct event_sub **pp = &event_subs[type]; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->fn == fn && (*pp)->ctx == ctx) {
			struct event_sub *s = *pp;

			*pp = s->next;
			free(s);
			return;
		}
	}
}

void
event_raise(enum pmip_event_type type, const struct pmip_event *ev)
{
	if ((unsigned)type >= PMIP_EVENT_MAX)
		return;
	for (const struct event_sub *s = event_subs[type]; s != NULL; s = s->next)
		s->fn(type, ev, s->ctx);
}

static const char *
event_role_name(enum event_role role)
{
	switch (role) {
	case EVENT_ROLE_HA:
		return "home-agent";
	case EVENT_ROLE_FA:
		return "foreign-agent";
	case EVENT_ROLE_AAP:
		return "aap";
	case EVENT_ROLE_PROXY:
		break;
	}
	return "proxy";
}

void
event_raise_reg_failure(enum event_role role, struct in_addr hoa, struct in_addr ha,
                        struct in_addr coa, unsigned code, const char *nai)
{
	struct pmip_event ev = {
		.role = event_role_name(role), .hoa = hoa, .ha = ha, .coa = coa, .code = code
	};

	ev.nai = nai != NULL && nai[0] != '\0' ? nai : NULL;
	event_raise(PMIP_EVENT_REG_FAILURE, &ev);
}

void
event_raise_auth_failure(enum event_role role, struct in_addr peer, uint32_t spi, uint64_t id,
                         int reason)
{
	struct pmip_event ev = {
		.role = event_role_name(role), .peer = peer, .spi = spi, .id = id, .reason = reason
	};

	event_raise(PMIP_EVENT_AUTH_FAILURE, &ev);
}

void
event_raise_proxy_failure(struct in_addr hoa, struct in_addr ha, struct in_addr fa,
                          struct in_addr coa, unsigned code, const char *text)
{
	struct pmip_event ev = { .role = event_role_name(EVENT_ROLE_PROXY),
		                 .hoa = hoa,
		                 .ha = ha,
		                 .fa = fa,
		                 .coa = coa,
		                 .code = code,
		                 .text = text != NULL && text[0] != '\0' ? text : NULL };

	event_raise(PMIP_EVENT_REG_FAILURE, &ev);
}

void
event_raise_ha_unreachable(enum event_role role, enum pmip_event_unreach why, struct in_addr ha,
                           struct in_addr prefix, uint8_t len)
{
	struct pmip_event ev = { .role = event_role_name(role),
		                 .ha = ha,
		                 .reason = (int)why,
		                 .text = why == PMIP_UNREACH_PROBE_FAILED
		                                 ? "home agent did not answer liveness probes"
		                                 : "subnet-map entry withdrawn by the AAP",
		                 .prefix = prefix,
		                 .prefix_len = len };

	event_raise(PMIP_EVENT_HA_UNREACHABLE, &ev);
}

void
event_raise_aap_failover(struct in_addr old_aap, struct in_addr new_aap, unsigned priority)
{
	struct pmip_event ev = { .role = event_role_name(EVENT_ROLE_PROXY),
		                 .peer = new_aap,
		                 .old_peer = old_aap,
		                 .reason = (int)priority };

	event_raise(PMIP_EVENT_AAP_FAILOVER, &ev);
}

const char *
event_unreach_name(int why)
{
	return why == PMIP_UNREACH_PROBE_FAILED ? "probe-failed" : "entry-removed";
}
