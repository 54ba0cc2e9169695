/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_event.c - unit tests of the event bus helpers the management plane consumes:
 * every field a helper promises reaches the subscribers, per type, and nothing else.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "event.h"

static struct {
	int calls[PMIP_EVENT_MAX];
	enum pmip_event_type type;
	struct pmip_event ev;
	char text[128];
} seen;

static void
sub(enum pmip_event_type type, const struct pmip_event *ev, void *ctx)
{
	(void)ctx;
	seen.calls[type]++;
	seen.type = type;
	seen.ev = *ev;
	seen.text[0] = '\0';
	if (ev->text != NULL)
		snprintf(seen.text, sizeof(seen.text), "%s", ev->text);
}

static struct in_addr
A(const char *s) {
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static int
setup(void **state)
{
	(void)state;
	memset(&seen, 0, sizeof(seen));
	for (int t = 0; t < PMIP_EVENT_MAX; t++)
		assert_int_equal(event_subscribe((enum pmip_event_type)t, sub, NULL), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (int t = 0; t < PMIP_EVENT_MAX; t++)
		event_unsubscribe((enum pmip_event_type)t, sub, NULL);
	return 0;
}

static void
test_proxy_failure_carries_fa_and_reason(void **state)
{
	(void)state;
	event_raise_proxy_failure(A("192.0.2.100"), A("192.0.2.1"), A("198.51.100.1"),
	                          A("198.51.100.9"), 131, "no authenticated reply");
	assert_int_equal(seen.calls[PMIP_EVENT_REG_FAILURE], 1);
	assert_string_equal(seen.ev.role, "proxy");
	assert_int_equal(seen.ev.hoa.s_addr, A("192.0.2.100").s_addr);
	assert_int_equal(seen.ev.ha.s_addr, A("192.0.2.1").s_addr);
	assert_int_equal(seen.ev.fa.s_addr, A("198.51.100.1").s_addr);
	assert_int_equal(seen.ev.coa.s_addr, A("198.51.100.9").s_addr);
	assert_int_equal(seen.ev.code, 131);
	assert_string_equal(seen.text, "no authenticated reply");
	/* An empty reason is no reason: subscribers fall back to the code's name. */
	event_raise_proxy_failure(A("192.0.2.100"), A("192.0.2.1"), A("0.0.0.0"), A("0.0.0.0"), 0,
	                          "");
	assert_null(seen.ev.text);
	assert_int_equal(seen.calls[PMIP_EVENT_AUTH_FAILURE], 0);
}

static void
test_ha_unreachable(void **state)
{
	(void)state;
	event_raise_ha_unreachable(EVENT_ROLE_AAP, PMIP_UNREACH_PROBE_FAILED, A("192.0.2.1"),
	                           A("192.0.2.0"), 24);
	assert_int_equal(seen.calls[PMIP_EVENT_HA_UNREACHABLE], 1);
	assert_string_equal(seen.ev.role, "aap");
	assert_int_equal(seen.ev.reason, PMIP_UNREACH_PROBE_FAILED);
	assert_string_equal(event_unreach_name(seen.ev.reason), "probe-failed");
	assert_int_equal(seen.ev.ha.s_addr, A("192.0.2.1").s_addr);
	assert_int_equal(seen.ev.prefix.s_addr, A("192.0.2.0").s_addr);
	assert_int_equal(seen.ev.prefix_len, 24);
	assert_non_null(seen.ev.text);
	event_raise_ha_unreachable(EVENT_ROLE_PROXY, PMIP_UNREACH_ENTRY_REMOVED, A("192.0.2.1"),
	                           A("10.0.0.0"), 8);
	assert_string_equal(seen.ev.role, "proxy");
	assert_string_equal(event_unreach_name(seen.ev.reason), "entry-removed");
	assert_int_equal(seen.ev.prefix_len, 8);
}

static void
test_aap_failover(void **state)
{
	(void)state;
	event_raise_aap_failover(A("198.51.100.10"), A("198.51.100.11"), 2);
	assert_int_equal(seen.calls[PMIP_EVENT_AAP_FAILOVER], 1);
	assert_int_equal(seen.type, PMIP_EVENT_AAP_FAILOVER);
	assert_string_equal(seen.ev.role, "proxy");
	assert_int_equal(seen.ev.old_peer.s_addr, A("198.51.100.10").s_addr);
	assert_int_equal(seen.ev.peer.s_addr, A("198.51.100.11").s_addr);
	assert_int_equal(seen.ev.reason, 2);
}

static void
test_unsubscribed_gets_nothing(void **state)
{
	(void)state;
	event_unsubscribe(PMIP_EVENT_AAP_FAILOVER, sub, NULL);
	event_raise_aap_failover(A("198.51.100.10"), A("198.51.100.11"), 2);
	assert_int_equal(seen.calls[PMIP_EVENT_AAP_FAILOVER], 0);
	assert_int_equal(event_subscribe(PMIP_EVENT_MAX, sub, NULL), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_proxy_failure_carries_fa_and_reason, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_ha_unreachable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aap_failover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsubscribed_gets_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
