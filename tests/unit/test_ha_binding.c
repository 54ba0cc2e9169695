/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ha_binding.c - home agent bindings: simultaneous bindings, limits, deregistration,
 * expiry, the ordered state accessors, reconfiguration and shutdown.
 *
 * Same fixture as test_ha.c (test_ha.h): a real home agent, the keystore-local plugin and
 * the tunnel-mock plugin, whose state shows what forwarding the HA left installed.
 */
#include "test_ha.h"

/* Register @hoa via @coa with @flags and @lifetime; returns the reply code. */
static uint8_t
reg(struct hat *t, const char *hoa, const char *coa, uint8_t flags, int lifetime)
{
	struct hat_rrq r = { .hoa = hoa, .coa = coa, .flags = flags, .lifetime = lifetime };

	return hat_code(hat_exchange(t, &r, coa, NULL));
}

static bool
bound(struct hat *t, const char *hoa, const char *coa)
{
	struct ha_binding_info bi;

	return ha_binding_lookup(t->ha, hat_ip(hoa), hat_ip(coa), &bi) == 0;
}

static void
test_simultaneous_bindings(void **state)
{
	struct hat *t = *state;
	struct ha_counters c;

	hat_start(t);
	t->tm->set_caps(TUN_CAP_IPIP | TUN_CAP_GRE | TUN_CAP_MULTI_ROUTE);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.1", MIP_RRQ_F_S, 0), 0);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.2", MIP_RRQ_F_S, 0), 0);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.3", MIP_RRQ_F_S, 0), 0);
	assert_int_equal(ha_binding_count(t->ha), 3);
	assert_int_equal(ha_mn_count(t->ha), 1);
	/* One member route per care-of address. */
	assert_int_equal(t->tm->n_routes(), 3);
	assert_int_equal(t->tm->n_tunnels(), 3);
	assert_int_equal(t->tm->n_parps(), 1);
	/* A fourth care-of address exceeds max-simultaneous-bindings (3). */
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.4", MIP_RRQ_F_S, 0), 135);
	assert_false(bound(t, "192.0.2.10", "198.51.100.4"));
	/* Re-registering a known one is not a new binding. */
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.2", MIP_RRQ_F_S, 0), 0);
	assert_int_equal(ha_binding_count(t->ha), 3);
	/* Deregistering one care-of address leaves the others routed. */
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.2", MIP_RRQ_F_S, -1), 0);
	assert_int_equal(ha_binding_count(t->ha), 2);
	assert_int_equal(t->tm->tunnel(hat_ip("198.51.100.2"), TUN_ENCAP_IPIP), 0);
	assert_int_equal(t->tm->n_routes(), 2);
	assert_true(t->tm->parp("home0", hat_ip("192.0.2.10")));
	/* A registration without S replaces all of them. */
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.5", 0, 0), 0);
	assert_int_equal(ha_binding_count(t->ha), 1);
	assert_true(bound(t, "192.0.2.10", "198.51.100.5"));
	assert_int_equal(t->tm->n_tunnels(), 1);
	assert_true(t->tm->route_into(hat_ip("192.0.2.10"),
	                              t->tm->tunnel(hat_ip("198.51.100.5"), TUN_ENCAP_IPIP)));
	/* The proxy ARP entry stayed in place throughout: installed once. */
	assert_int_equal(t->tm->calls(TMOCK_PARP_ADD), 1);
	assert_int_equal(t->tm->calls(TMOCK_PARP_DEL), 0);
	hat_counters(t, &c);
	assert_int_equal(c.too_many_bindings, 1);
	assert_int_equal(c.registration_accepted, 6);
	assert_int_equal(c.dereg_requests_received, 1);
	assert_int_equal(c.dereg_replies_sent, 1);
}

/*
 * With TUN_CAP_MULTI_ROUTE each simultaneous binding holds its own member route, so the
 * back end tunnels a copy to every care-of address; removing one binding keeps the others.
 */
static void
test_simultaneous_member_routes(void **state)
{
	struct hat *t = *state;
	struct in_addr hoa = hat_ip("192.0.2.10");
	uint32_t t1, t3;

	hat_start(t);
	t->tm->set_caps(TUN_CAP_IPIP | TUN_CAP_GRE | TUN_CAP_MULTI_ROUTE);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.1", MIP_RRQ_F_S, 0), 0);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.2", MIP_RRQ_F_S, 0), 0);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.3", MIP_RRQ_F_S, 0), 0);
	t1 = t->tm->tunnel(hat_ip("198.51.100.1"), TUN_ENCAP_IPIP);
	t3 = t->tm->tunnel(hat_ip("198.51.100.3"), TUN_ENCAP_IPIP);
	assert_int_equal(t->tm->n_routes(), 3);
	assert_true(t->tm->route_into(hoa, t1));
	assert_true(t->tm->route_into(hoa, t->tm->tunnel(hat_ip("198.51.100.2"), TUN_ENCAP_IPIP)));
	assert_true(t->tm->route_into(hoa, t3));
	assert_int_equal(t->tm->calls(TMOCK_ROUTE_DEL), 0); /* nothing moved */
	/* Deregistering one care-of address removes only its member route. */
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.2", MIP_RRQ_F_S, -1), 0);
	assert_int_equal(t->tm->n_routes(), 2);
	assert_true(t->tm->route_into(hoa, t1));
	assert_true(t->tm->route_into(hoa, t3));
	assert_int_equal(t->tm->calls(TMOCK_ROUTE_DEL), 1);
	/* Expiry-style removal of another one leaves the last. */
	assert_int_equal(
	        ha_binding_clear(t->ha, hoa, &(struct in_addr){ hat_ip("198.51.100.1").s_addr }),
	        1);
	assert_int_equal(t->tm->n_routes(), 1);
	assert_true(t->tm->route_into(hoa, t3));
	assert_true(t->tm->parp("home0", hoa));
	/* A registration without S replaces the set with one member. */
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.5", 0, 0), 0);
	assert_int_equal(t->tm->n_routes(), 1);
	assert_true(t->tm->route_into(hoa, t->tm->tunnel(hat_ip("198.51.100.5"), TUN_ENCAP_IPIP)));
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.5", 0, -1), 0);
	assert_int_equal(t->tm->n_routes(), 0);
	assert_false(t->tm->parp("home0", hoa));
}

/* The encapsulation is checked against the back end's capability mask: G without GRE is 139. */
static void
test_encap_from_caps(void **state)
{
	struct hat *t = *state;
	struct ha_counters c;

	hat_start(t);
	t->tm->set_caps(TUN_CAP_IPIP);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.1", MIP_RRQ_F_G, 0), 139);
	assert_int_equal(t->tm->calls(TMOCK_TUNNEL_ADD), 0); /* decided without trying */
	assert_int_equal(ha_binding_count(t->ha), 0);
	hat_counters(t, &c);
	assert_int_equal(c.tunnel_errors, 0);
	/* IP-in-IP is in the mask: accepted. */
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.1", 0, 0), 0);
	assert_int_equal(t->tm->calls(TMOCK_TUNNEL_ADD), 1);
}

static void
test_simultaneous_unsupported(void **state)
{
	struct hat *t = *state;
	struct ha_counters c;

	t->cfg.max_simultaneous = 1;
	hat_start(t);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.1", MIP_RRQ_F_S, 0), 1);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.2", MIP_RRQ_F_S, 0), 1);
	assert_int_equal(ha_binding_count(t->ha), 1);
	assert_true(bound(t, "192.0.2.10", "198.51.100.2"));
	hat_counters(t, &c);
	assert_int_equal(c.multi_binding_unsupported, 2);
}

/*
 * A back end without TUN_CAP_MULTI_ROUTE cannot send a copy to every care-of address, so
 * the HA refuses simultaneous bindings with code 1 (RFC 5944 3.8.3): each S registration
 * replaces the previous care-of address.
 */
static void
test_simultaneous_needs_multi_route(void **state)
{
	struct hat *t = *state;
	struct ha_counters c;

	hat_start(t);
	t->tm->set_caps(TUN_CAP_IPIP | TUN_CAP_GRE);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.1", MIP_RRQ_F_S, 0), 1);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.2", MIP_RRQ_F_S, 0), 1);
	assert_int_equal(ha_binding_count(t->ha), 1);
	assert_true(bound(t, "192.0.2.10", "198.51.100.2"));
	assert_true(t->tm->route_into(hat_ip("192.0.2.10"),
	                              t->tm->tunnel(hat_ip("198.51.100.2"), TUN_ENCAP_IPIP)));
	hat_counters(t, &c);
	assert_int_equal(c.multi_binding_unsupported, 2);
}

static void
test_deregistration(void **state)
{
	struct hat *t = *state;
	struct ha_counters c;

	hat_start(t);
	t->tm->set_caps(TUN_CAP_IPIP | TUN_CAP_GRE | TUN_CAP_MULTI_ROUTE);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.1", MIP_RRQ_F_S, 0), 0);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.2", MIP_RRQ_F_S, 0), 0);
	assert_int_equal(reg(t, "192.0.2.11", "198.51.100.1", 0, 0), 0);
	/* Care-of address equal to the home address, lifetime 0: every binding goes. */
	assert_int_equal(reg(t, "192.0.2.10", "192.0.2.10", 0, -1), 0);
	assert_false(bound(t, "192.0.2.10", "198.51.100.1"));
	assert_false(bound(t, "192.0.2.10", "198.51.100.2"));
	assert_false(t->tm->parp("home0", hat_ip("192.0.2.10")));
	assert_int_equal(t->tm->route(hat_ip("192.0.2.10")), 0);
	/* The other node and the tunnel it shares are untouched. */
	assert_true(bound(t, "192.0.2.11", "198.51.100.1"));
	assert_int_equal(t->tm->route(hat_ip("192.0.2.11")),
	                 t->tm->tunnel(hat_ip("198.51.100.1"), TUN_ENCAP_IPIP));
	assert_int_equal(t->tm->n_tunnels(), 1);
	/* Deregistering what is not bound is still accepted. */
	assert_int_equal(reg(t, "192.0.2.12", "198.51.100.1", 0, -1), 0);
	assert_int_equal(reg(t, "192.0.2.11", "198.51.100.1", 0, -1), 0);
	assert_int_equal(ha_binding_count(t->ha), 0);
	assert_int_equal(t->tm->n_tunnels(), 0);
	assert_int_equal(t->tm->n_parps(), 0);
	hat_counters(t, &c);
	assert_int_equal(c.dereg_requests_received, 3);
	assert_int_equal(c.dereg_replies_sent, 3);
	assert_int_equal(c.reg_replies_sent, 3);
}

static void
test_dereg_reply_lifetime_zero(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { .lifetime = -1, .flags = MIP_RRQ_F_M | MIP_RRQ_F_T };
	const struct hat_out *o;

	t->cfg.reverse_tunnel = false;
	hat_start(t);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.1", 0, 0), 0);
	/* Flags of a deregistration do not matter: it is accepted with lifetime 0. */
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 0);
	assert_int_equal(hat_lifetime(o), 0);
	assert_int_equal(ha_binding_count(t->ha), 0);
}

static void
test_max_bindings_130(void **state)
{
	struct hat *t = *state;
	struct ha_counters c;

	t->cfg.max_bindings = 2;
	hat_start(t);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.1", 0, 0), 0);
	assert_int_equal(reg(t, "192.0.2.11", "198.51.100.1", 0, 0), 0);
	assert_int_equal(reg(t, "192.0.2.12", "198.51.100.1", 0, 0), 130);
	/* Replacing a care-of address at the limit is fine: the total does not grow. */
	assert_int_equal(reg(t, "192.0.2.11", "198.51.100.2", 0, 0), 0);
	assert_int_equal(ha_binding_count(t->ha), 2);
	hat_counters(t, &c);
	assert_int_equal(c.insufficient_resource, 1);
}

static void
test_expiry(void **state)
{
	struct hat *t = *state;
	struct ha_counters c;
	uint64_t deadline;

	hat_start(t);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.1", 0, 1), 0);
	assert_int_equal(reg(t, "192.0.2.11", "198.51.100.1", 0, 300), 0);
	assert_int_equal(ha_binding_count(t->ha), 2);
	deadline = ev_now_ms() + 3000;
	while (ha_binding_count(t->ha) > 1 && ev_now_ms() < deadline)
		ev_loop_run_once(t->loop);
	assert_int_equal(ha_binding_count(t->ha), 1);
	assert_false(bound(t, "192.0.2.10", "198.51.100.1"));
	assert_int_equal(t->tm->route(hat_ip("192.0.2.10")), 0);
	assert_false(t->tm->parp("home0", hat_ip("192.0.2.10")));
	/* The shared tunnel stays for the other node. */
	assert_int_not_equal(t->tm->tunnel(hat_ip("198.51.100.1"), TUN_ENCAP_IPIP), 0);
	hat_counters(t, &c);
	assert_int_equal(c.bindings_expired, 1);
	/* A re-registration restarts the lifetime instead of letting it run out. */
	assert_int_equal(reg(t, "192.0.2.12", "198.51.100.3", 0, 1), 0);
	assert_int_equal(reg(t, "192.0.2.12", "198.51.100.3", 0, 300), 0);
	deadline = ev_now_ms() + 1500;
	while (ev_now_ms() < deadline)
		ev_loop_run_once(t->loop);
	assert_true(bound(t, "192.0.2.12", "198.51.100.3"));
	hat_counters(t, &c);
	assert_int_equal(c.bindings_expired, 1);
}

static void
test_state_walk(void **state)
{
	struct hat *t = *state;
	static const char *const hoas[] = { "192.0.2.30", "192.0.2.12", "192.0.2.200", "192.0.2.11",
		                            "192.0.2.99" };
	struct ha_binding_info bi;
	struct in_addr prev_h, prev_c;
	uint32_t last_h = 0, last_c = 0;
	size_t n = 0;

	hat_start(t);
	t->tm->set_caps(TUN_CAP_IPIP | TUN_CAP_GRE | TUN_CAP_MULTI_ROUTE);
	for (size_t i = 0; i < sizeof(hoas) / sizeof(hoas[0]); i++)
		assert_int_equal(reg(t, hoas[i], "198.51.100.9", MIP_RRQ_F_S, 0), 0);
	assert_int_equal(reg(t, "192.0.2.30", "198.51.100.4", MIP_RRQ_F_S, 0), 0);
	assert_int_equal(reg(t, "192.0.2.30", "198.51.100.200", MIP_RRQ_F_S, 0), 0);
	assert_int_equal(ha_binding_count(t->ha), 7);
	/* GETNEXT order: home address, then care-of address, numerically. */
	for (int rc = ha_binding_next(t->ha, NULL, NULL, &bi); rc == 0;
	     rc = ha_binding_next(t->ha, &prev_h, &prev_c, &bi)) {
		uint32_t h = ntohl(bi.hoa.s_addr), c = ntohl(bi.coa.s_addr);

		assert_true(n == 0 || h > last_h || (h == last_h && c > last_c));
		last_h = h;
		last_c = c;
		prev_h = bi.hoa;
		prev_c = bi.coa;
		n++;
	}
	assert_int_equal(n, 7);
	assert_int_equal(ha_binding_next(t->ha, NULL, NULL, &bi), 0);
	assert_int_equal(bi.hoa.s_addr, hat_ip("192.0.2.11").s_addr);
	/* A walk resumes after a key that no longer exists. */
	prev_h = hat_ip("192.0.2.13");
	prev_c = hat_ip("0.0.0.0");
	assert_int_equal(ha_binding_next(t->ha, &prev_h, &prev_c, &bi), 0);
	assert_int_equal(bi.hoa.s_addr, hat_ip("192.0.2.30").s_addr);
	assert_int_equal(bi.coa.s_addr, hat_ip("198.51.100.4").s_addr);
	assert_int_equal(bi.flags, MIP_RRQ_F_S);
	assert_int_equal(
	        ha_binding_lookup(t->ha, hat_ip("192.0.2.30"), hat_ip("198.51.100.7"), &bi),
	        -ENOENT);
}

/* Many nodes in pseudo-random order, some removed: the walk stays sorted and complete. */
static void
test_many_bindings(void **state)
{
	struct hat *t = *state;
	struct ha_binding_info bi;
	struct in_addr ph, pc;
	uint32_t x = 12345, last = 0;
	bool in[1024] = { false };
	size_t expect = 0, n = 0;
	char hoa[32];

	hat_add_sa(t, "big", SA_ENTITY_MOBILE_NODE, "10.9.0.1", "10.9.3.255", NULL, 1050,
	           hat_mn_key, SA_REPLAY_NONE);
	t->nets[1].prefix.addr = hat_ip("10.9.0.0");
	t->nets[1].prefix.len = 22;
	t->nets[1].addr = hat_ip("10.9.0.1");
	snprintf(t->nets[1].ifname, sizeof(t->nets[1].ifname), "home1");
	t->cfg.n_nets = 2;
	hat_start(t);
	for (int i = 0; i < 1500; i++) {
		struct hat_rrq r = { .hoa = hoa, .spi = 1050, .coa = "198.51.100.1" };
		uint32_t k;

		x = x * 1103515245 + 12345;
		k = 2 + (x >> 8) % 1020;
		snprintf(hoa, sizeof(hoa), "10.9.%u.%u", k >> 8, k & 255);
		r.lifetime = in[k] && (x & 0x10000) ? -1 : 0; /* sometimes deregister */
		t->n_out = 0;
		assert_int_equal(hat_code(hat_exchange(t, &r, NULL, NULL)), 0);
		if (r.lifetime < 0)
			in[k] = false;
		else
			in[k] = true;
	}
	for (int k = 0; k < 1024; k++)
		expect += in[k];
	assert_int_equal(ha_binding_count(t->ha), expect);
	assert_int_equal(t->tm->n_routes(), expect);
	assert_int_equal(t->tm->n_parps(), expect);
	for (int rc = ha_binding_next(t->ha, NULL, NULL, &bi); rc == 0;
	     rc = ha_binding_next(t->ha, &ph, &pc, &bi)) {
		uint32_t h = ntohl(bi.hoa.s_addr);

		assert_true(n == 0 || h > last);
		assert_true(in[h & 1023]);
		last = h;
		ph = bi.hoa;
		pc = bi.coa;
		n++;
	}
	assert_int_equal(n, expect);
	/* Proxy ARP goes to the home network's interface. */
	assert_true(t->tm->parp("home1", ph));
}

static void
test_reconfigure(void **state)
{
	struct hat *t = *state;
	char err[128] = "";

	t->nets[1].prefix.addr = hat_ip("203.0.113.0");
	t->nets[1].prefix.len = 24;
	t->nets[1].addr = hat_ip("203.0.113.1");
	snprintf(t->nets[1].ifname, sizeof(t->nets[1].ifname), "home1");
	t->cfg.n_nets = 2;
	hat_add_sa(t, "other", SA_ENTITY_MOBILE_NODE, "203.0.113.10", NULL, NULL, HAT_MN_SPI,
	           hat_mn_key, SA_REPLAY_TIMESTAMP);
	hat_start(t);
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.1", 0, 0), 0);
	{
		struct hat_rrq r = { .hoa = "203.0.113.10", .ha = "203.0.113.1" };

		assert_int_equal(hat_code(hat_exchange(t, &r, NULL, "203.0.113.1")), 0);
	}
	assert_int_equal(ha_binding_count(t->ha), 2);
	/* Drop the first home network and lower max-lifetime: only its node goes. */
	t->nets[0] = t->nets[1];
	t->cfg.n_nets = 1;
	t->cfg.max_lifetime = 100;
	assert_int_equal(ha_reconfigure(t->ha, &t->cfg, err, sizeof(err)), 0);
	assert_false(bound(t, "192.0.2.10", "198.51.100.1"));
	assert_false(t->tm->parp("home0", hat_ip("192.0.2.10")));
	assert_true(bound(t, "203.0.113.10", "198.51.100.1"));
	assert_true(t->tm->parp("home1", hat_ip("203.0.113.10")));
	/* The surviving binding still reports its home agent address. */
	{
		struct ha_binding_info bi;

		assert_int_equal(ha_binding_lookup(t->ha, hat_ip("203.0.113.10"),
		                                   hat_ip("198.51.100.1"), &bi),
		                 0);
		assert_int_equal(bi.ha_addr.s_addr, hat_ip("203.0.113.1").s_addr);
	}
	/* The new limit applies to the next registration. */
	{
		struct hat_rrq r = { .hoa = "203.0.113.10", .ha = "203.0.113.1", .lifetime = 500 };

		assert_int_equal(hat_lifetime(hat_exchange(t, &r, NULL, "203.0.113.1")), 100);
	}
	/* A back end that cannot be loaded is refused and the old one stays. */
	snprintf(t->cfg.tunnel_backend, sizeof(t->cfg.tunnel_backend), "nonexistent");
	assert_int_equal(ha_reconfigure(t->ha, &t->cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "tunnel-nonexistent"));
	assert_true(bound(t, "203.0.113.10", "198.51.100.1"));
	assert_int_equal(t->tm->instances(), 1);
}

static void
test_stop_removes_forwarding(void **state)
{
	struct hat *t = *state;
	const struct tunnel_mock_api *tm;

	hat_start(t);
	tm = t->tm;
	assert_int_equal(reg(t, "192.0.2.10", "198.51.100.1", 0, 0), 0);
	assert_int_equal(reg(t, "192.0.2.11", "198.51.100.2", 0, 0), 0);
	ha_stop(t->ha);
	t->ha = NULL;
	/* Every binding's state was removed through the ops before the instance went. */
	assert_int_equal(tm->calls(TMOCK_PARP_DEL), 2);
	assert_int_equal(tm->calls(TMOCK_ROUTE_DEL), 2);
	assert_int_equal(tm->calls(TMOCK_TUNNEL_DEL), 2);
	assert_int_equal(tm->instances(), 0);
}

static void
test_start_errors(void **state)
{
	struct hat *t = *state;
	char err[256] = "";

	snprintf(t->cfg.tunnel_backend, sizeof(t->cfg.tunnel_backend), "nonexistent");
	assert_null(ha_start(&t->env, &t->cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "tunnel-nonexistent"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_simultaneous_bindings, hat_setup,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_simultaneous_member_routes, hat_setup,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_encap_from_caps, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_simultaneous_needs_multi_route, hat_setup,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_simultaneous_unsupported, hat_setup,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_deregistration, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_dereg_reply_lifetime_zero, hat_setup,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_max_bindings_130, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_expiry, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_state_walk, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_many_bindings, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_reconfigure, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_stop_removes_forwarding, hat_setup,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_start_errors, hat_setup, hat_teardown),
	};

	log_init("test_ha_binding", LOG_DEST_STDERR, LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
