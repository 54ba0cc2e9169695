/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_proxy_max_clients.c - the proxy's client table has a cap of its own
 * (/pmip/proxy/max-clients, default 4096): a new client beyond it is refused, counted in
 * proxyClientsRefused and logged through the rate limit, while the clients already in the
 * table are still served and a departure makes room again.
 *
 * The proxy runs with fake link-level hooks and no key store; clients are handed in as
 * discovery events with addresses outside the subnet map, so each one simply stays in
 * the table (state "no home agent").
 */
#include "test_proxy.h"

#define CLIENT0 0xcb007100u /* 203.0.113.0: outside the map, one address per client */

static struct pxt_log_count refused_lines = { .needle = "client table full" };

static struct proxy *
start(uint32_t max_clients)
{
	static struct proxy_subnet map[1];
	struct proxy_config cfg = { .max_clients = max_clients };
	struct role_env env = { 0 };
	struct proxy_hooks hooks = pxt_hooks_null();
	struct proxy *px;

	pxt_config(&cfg, map, "192.0.2.1");
	cfg.retransmit_initial_ms = 1000;
	cfg.retransmit_max = 3;
	cfg.idle_timeout_s = 60;
	px = pxt_start(&env, &cfg, &hooks);
	return px;
}

/* Client number @i (its own MAC and address) appears, or leaves. */
static void
client(struct proxy *px, uint32_t i, enum disc_event ev)
{
	union disc_event_data d = { 0 };

	d.client.mac[0] = 0x02;
	d.client.mac[2] = (uint8_t)(i >> 24);
	d.client.mac[3] = (uint8_t)(i >> 16);
	d.client.mac[4] = (uint8_t)(i >> 8);
	d.client.mac[5] = (uint8_t)i;
	d.client.addr.s_addr = htonl(CLIENT0 + 1 + i);
	proxy_disc_event(px, ev, &d);
}

static uint64_t
refused(const struct proxy *px)
{
	struct proxy_counters c;

	proxy_get_counters(px, &c);
	return c.clients_refused;
}

static int
known(const struct proxy *px, uint32_t i)
{
	struct proxy_client_info info;
	struct in_addr a = { htonl(CLIENT0 + 1 + i) };

	return proxy_client_lookup(px, a, NULL, &info) == 0;
}

static void
test_cap_refuses_new_clients(void **state)
{
	struct proxy *px = start(5);

	(void)state;
	refused_lines.n = 0;
	log_set_sink(pxt_log_count_sink, &refused_lines);
	for (uint32_t i = 0; i < 5; i++)
		client(px, i, DISC_CLIENT_SEEN);
	assert_int_equal(proxy_client_count(px), 5);
	assert_int_equal(refused(px), 0);
	/* The sixth is refused and counted, and is not in the table. */
	client(px, 5, DISC_CLIENT_SEEN);
	assert_int_equal(proxy_client_count(px), 5);
	assert_int_equal(refused(px), 1);
	assert_false(known(px, 5));
	assert_int_equal(refused_lines.n, 1);
	/* A client already in the table is still served. */
	client(px, 2, DISC_CLIENT_SEEN);
	assert_int_equal(refused(px), 1);
	assert_true(known(px, 2));
	/* A flood of new clients is counted in full but logged within the rate limit. */
	for (uint32_t i = 100; i < 1100; i++)
		client(px, i, DISC_CLIENT_SEEN);
	assert_int_equal(refused(px), 1001);
	assert_int_equal(proxy_client_count(px), 5);
	assert_true(refused_lines.n >= 1 && refused_lines.n <= 60);
	/* A departure makes room for one more. */
	client(px, 0, DISC_CLIENT_GONE);
	assert_int_equal(proxy_client_count(px), 4);
	client(px, 5, DISC_CLIENT_SEEN);
	assert_true(known(px, 5));
	assert_int_equal(proxy_client_count(px), 5);
	assert_int_equal(refused(px), 1001);
	log_set_sink(NULL, NULL);
	proxy_stop(px);
}

static void
test_default_cap(void **state)
{
	struct proxy *px = start(0); /* not set: the YANG default */

	(void)state;
	for (uint32_t i = 0; i < PROXY_CLIENTS_DEFAULT; i++)
		client(px, i, DISC_CLIENT_SEEN);
	assert_int_equal(proxy_client_count(px), PROXY_CLIENTS_DEFAULT);
	assert_int_equal(refused(px), 0);
	client(px, PROXY_CLIENTS_DEFAULT, DISC_CLIENT_SEEN);
	assert_int_equal(proxy_client_count(px), PROXY_CLIENTS_DEFAULT);
	assert_int_equal(refused(px), 1);
	proxy_stop(px);
}

/* The new counter is last in the table, so SNMP and NETCONF rows keep their order. */
static void
test_counter_is_last(void **state)
{
	size_t n;
	const struct pmip_counter_desc *t = proxy_counter_table(&n);

	(void)state;
	assert_true(n >= 2);
	assert_string_equal(t[n - 1].name, "proxyClientsRefused");
	assert_string_equal(t[n - 2].name, "proxyMapShadowed");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_refuses_new_clients),
		cmocka_unit_test(test_default_cap),
		cmocka_unit_test(test_counter_is_last),
	};

	log_init("test_proxy_max_clients", LOG_DEST_STDERR, LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
