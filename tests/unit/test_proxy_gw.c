/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_proxy_gw.c - unit tests of the gateway restore of a client back home (proxy_gw.c).
 *
 * The proxy runs with hooks: frames toward the client are recorded, and the gw_mac hook
 * stands for the kernel's neighbour table. A client reported on its home link gets one
 * unsolicited ARP reply giving its gateway's real MAC (checked byte by byte); nothing is
 * sent while the gateway's MAC is unknown. No key store: the home deregistration fails
 * with "no SA", which does not matter here.
 */
#include <errno.h>

#include "test_proxy.h"

#define HOA    "192.0.2.100"
#define HAADDR "192.0.2.1"
#define GW     "192.0.2.254"

static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0x01, 0x00 };
static const uint8_t mac_gw[6] = { 0x02, 0, 0, 0, 0x0e, 0xfe };
static const uint8_t mac_ha[6] = { 0x02, 0, 0, 0, 0x0e, 0x01 };

struct fix {
	struct proxy_config cfg;
	struct proxy_subnet map[1];
	struct proxy *px;
	bool known; /* the gw_mac hook knows the gateways */
	struct in_addr asked;
	struct pxt_rec cl[PXT_REC_MAX];
	size_t n_cl;
};

static int
h_send_client(void *arg, const uint8_t *frame, size_t len)
{
	struct fix *f = arg;

	pxt_record(f->cl, &f->n_cl, frame, len);
	return 0;
}

static int
h_gw_mac(void *arg, struct in_addr gw, uint8_t *mac)
{
	struct fix *f = arg;

	f->asked = gw;
	if (!f->known)
		return -EAGAIN;
	memcpy(mac, gw.s_addr == pxt_addr(GW).s_addr ? mac_gw : mac_ha, 6);
	return 0;
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct role_env env = { 0 };
	struct proxy_hooks hooks = { .send_fa = pxt_frame_null,
		                     .send_client = h_send_client,
		                     .send_ha = pxt_ha_null,
		                     .now_ms = pxt_now_fixed,
		                     .gw_mac = h_gw_mac };

	assert_non_null(f);
	log_init("test_proxy_gw", LOG_DEST_STDERR, LOG_CRIT);
	pxt_config(&f->cfg, f->map, HAADDR);
	f->cfg.retransmit_initial_ms = 1000;
	f->cfg.retransmit_max = 1;
	f->known = true;
	hooks.arg = f;
	f->px = pxt_start(&env, &f->cfg, &hooks);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	proxy_stop(f->px);
	free(f);
	return 0;
}

static void
home_seen(struct fix *f, const char *gw)
{
	pxt_client(f->px, DISC_CLIENT_SEEN, mac_c, HOA, gw, true);
}

/* One ARP reply to the client: Ethernet from @mac to the client, sender (@mac, @ip). */
static void
check_reply(struct fix *f, size_t i, const uint8_t *mac, const char *ip)
{
	const uint8_t *fr = f->cl[i].buf;
	struct in_addr spa = pxt_addr(ip), tpa = pxt_addr(HOA);

	assert_true(f->cl[i].len >= 42);
	assert_memory_equal(fr, mac_c, 6);
	assert_memory_equal(fr + 6, mac, 6);
	assert_int_equal(fr[12] << 8 | fr[13], 0x0806);
	assert_int_equal(fr[20] << 8 | fr[21], 2); /* reply */
	assert_memory_equal(fr + 22, mac, 6);
	assert_memory_equal(fr + 28, &spa.s_addr, 4);
	assert_memory_equal(fr + 32, mac_c, 6);
	assert_memory_equal(fr + 38, &tpa.s_addr, 4);
}

static void
test_home_client_gets_gateway_mac(void **state)
{
	struct fix *f = *state;

	home_seen(f, GW);
	assert_int_equal(f->n_cl, 1);
	assert_int_equal(f->asked.s_addr, pxt_addr(GW).s_addr);
	check_reply(f, 0, mac_gw, GW);
}

/* Without a gateway from discovery, the home agent inside the home prefix stands for it. */
static void
test_no_gateway_uses_home_agent(void **state)
{
	struct fix *f = *state;

	home_seen(f, NULL);
	assert_int_equal(f->n_cl, 1);
	check_reply(f, 0, mac_ha, HAADDR);
}

static void
test_unknown_mac_sends_nothing(void **state)
{
	struct fix *f = *state;

	f->known = false;
	home_seen(f, GW);
	assert_int_equal(f->asked.s_addr, pxt_addr(GW).s_addr);
	assert_int_equal(f->n_cl, 0);
}

/* A visiting client is not "home": no restore (the foreign AP announces the FA instead). */
static void
test_visitor_not_restored(void **state)
{
	struct fix *f = *state;
	union disc_event_data d = { 0 };

	memcpy(d.client.mac, mac_c, 6);
	d.client.addr = pxt_addr("203.0.113.9");
	d.client.gateway = pxt_addr("203.0.113.1");
	d.client.on_link = false;
	proxy_disc_event(f->px, DISC_CLIENT_SEEN, &d);
	assert_int_equal(f->n_cl, 0);
	assert_int_equal(f->asked.s_addr, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_home_client_gets_gateway_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_gateway_uses_home_agent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_mac_sends_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visitor_not_restored, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
