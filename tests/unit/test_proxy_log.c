/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_proxy_log.c - a client on the access link cannot flood the log: the lines the
 * proxy access point writes when a client appears, changes address or leaves are
 * rate-limited (log_rl), so a host that flips its source address on every frame gets
 * a bounded number of lines and the rest are counted as suppressed.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"
#include "proxy.h"

#define FLIPS 400

static size_t n_lines;

static void
sink(int prio, enum log_subsys ss, const char *line, void *arg)
{
	(void)prio;
	(void)arg;
	if (ss == LOG_SS_PROXY && strstr(line, "client 192.0.2.") != NULL)
		n_lines++;
}

static int
h_send(void *arg, const uint8_t *frame, size_t len)
{
	(void)arg;
	(void)frame;
	(void)len;
	return 0;
}

static int
h_send_ha(void *arg, struct in_addr ha, const uint8_t *msg, size_t len)
{
	(void)arg;
	(void)ha;
	(void)msg;
	(void)len;
	return 0;
}

static uint64_t
h_now(void *arg)
{
	(void)arg;
	return 100000;
}

static uint64_t
h_ntp(void *arg)
{
	(void)arg;
	return (uint64_t)3900000000u << 32;
}

static void
test_client_churn_is_rate_limited(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x01, 0x00 };
	struct proxy_subnet map[1];
	struct proxy_config cfg = { 0 };
	struct role_env env = { 0 };
	struct proxy_hooks hooks = { .send_fa = h_send,
		                     .send_client = h_send,
		                     .send_ha = h_send_ha,
		                     .now_ms = h_now,
		                     .ntp_now = h_ntp };
	char err[256] = "";
	struct proxy *px;

	(void)state;
	log_init("test_proxy_log", LOG_DEST_STDERR, LOG_INFO);
	log_set_sink(sink, NULL);
	snprintf(cfg.client_if, sizeof(cfg.client_if), "wlan0");
	cfg.reregister_pct = 75;
	cfg.retransmit_initial_ms = 1000;
	cfg.retransmit_max = 3;
	cfg.idle_timeout_s = 60;
	cfg.requested_lifetime = 600;
	assert_int_equal(inet_pton(AF_INET, "192.0.2.0", &map[0].prefix.addr), 1);
	map[0].prefix.len = 24;
	assert_int_equal(inet_pton(AF_INET, "192.0.2.1", &map[0].ha), 1);
	cfg.map = map;
	cfg.n_map = 1;
	px = proxy_start_hooks(&env, &cfg, &hooks, err, sizeof(err));
	if (px == NULL)
		fail_msg("proxy_start_hooks: %s", err);

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
	assert_true(n_lines > 0);
	assert_true(n_lines <= 60);
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
