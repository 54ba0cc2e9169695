/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_proxy_log.c - a client on the access link cannot flood the log: the lines the
 * proxy access point writes when a client appears, changes address or leaves are
 * rate-limited (log_rl), so a host that flips its source address on every frame gets
 * a bounded number of lines and the rest are counted as suppressed.
 */
#include "test_proxy.h"

#define FLIPS 400

static struct pxt_log_count lines = { .needle = "client 192.0.2." };

static void
test_client_churn_is_rate_limited(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x01, 0x00 };
	struct proxy_subnet map[1];
	struct proxy_config cfg = { 0 };
	struct role_env env = { 0 };
	struct proxy_hooks hooks = pxt_hooks_null();
	struct proxy *px;

	(void)state;
	log_init("test_proxy_log", LOG_DEST_STDERR, LOG_INFO);
	log_set_sink(pxt_log_count_sink, &lines);
	pxt_config(&cfg, map, "192.0.2.1");
	pxt_config_timers(&cfg);
	px = pxt_start(&env, &cfg, &hooks);

	/* One MAC, a new visiting home address on every frame: each is a new client. */
	for (unsigned i = 0; i < FLIPS; i++) {
		union disc_event_data d = { 0 };

		memcpy(d.client.mac, mac, 6);
		d.client.addr.s_addr = htonl(0xc0000200u + 10 + i % 2);
		proxy_disc_event(px, DISC_CLIENT_SEEN, &d);
	}
	/* The proxy did follow the client (the behaviour is unchanged) ... */
	{
		struct proxy_counters c;

		proxy_get_counters(px, &c);
		assert_int_equal(c.clients_seen, FLIPS);
	}
	/* ... but wrote a bounded number of lines about it, not one per frame. */
	assert_true(lines.n > 0);
	assert_true(lines.n <= 60);
	proxy_stop(px);
	log_set_sink(NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_churn_is_rate_limited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
