/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ha.c - home agent registration processing: every reply code, authentication, replay.
 *
 * Each case drives a real home agent through ha_input() (see test_ha.h for the fixture)
 * and checks the reply's bytes, its authenticator (recomputed with OpenSSL), the counters
 * and the bindings. Denied and malformed requests must leave no binding and no pending
 * request behind.
 */
#include "test_ha.h"

/* Nothing of a request that failed may stay behind. */
static void
assert_no_state(struct hat *t)
{
	assert_int_equal(ha_binding_count(t->ha), 0);
	assert_int_equal(ha_mn_count(t->ha), 0);
	assert_int_equal(ha_pending_count(t->ha), 0);
	assert_int_equal(t->tm->n_tunnels(), 0);
	assert_int_equal(t->tm->n_routes(), 0);
	assert_int_equal(t->tm->n_parps(), 0);
}

static void
test_accept(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { .lifetime = 300 };
	const struct hat_out *o;
	struct ha_binding_info bi;
	struct ha_counters c;
	uint8_t buf[512];
	size_t len;
	uint32_t tid;

	hat_start(t);
	r.id = hat_ntp(t, 0);
	len = hat_build(t, &r, buf, sizeof(buf));
	hat_input(t, buf, len, "198.51.100.1", "192.0.2.1");
	/* The key store answers asynchronously: nothing is sent from inside ha_input(). */
	assert_int_equal(t->n_out, 0);
	assert_int_equal(ha_pending_count(t->ha), 1);
	assert_int_equal(hat_run(t, 1), 1);
	o = &t->out[0];

	assert_int_equal(hat_code(o), 0);
	assert_int_equal(hat_lifetime(o), 300);
	assert_int_equal(hat_reply_addr(o, 4).s_addr, hat_ip("192.0.2.10").s_addr);
	assert_int_equal(hat_reply_addr(o, 8).s_addr, hat_ip("192.0.2.1").s_addr);
	assert_int_equal(hat_reply_id(o), r.id);
	assert_true(hat_auth_ok(o, 32, hat_mn_key, HAT_MN_SPI));
	assert_int_equal(hat_ext(o, 34), -1);
	assert_int_equal(o->len, 20 + 22);
	/* From the address the request was sent to, back to its source address and port. */
	assert_int_equal(o->from.s_addr, hat_ip("192.0.2.1").s_addr);
	assert_int_equal(o->to.sin_addr.s_addr, hat_ip("198.51.100.1").s_addr);
	assert_int_equal(ntohs(o->to.sin_port), 434);

	assert_int_equal(ha_pending_count(t->ha), 0);
	assert_int_equal(
	        ha_binding_lookup(t->ha, hat_ip("192.0.2.10"), hat_ip("198.51.100.1"), &bi), 0);
	assert_int_equal(bi.lifetime, 300);
	assert_true(bi.remaining > 295 && bi.remaining <= 300);
	assert_int_equal(bi.id, r.id);
	assert_int_equal(bi.src.s_addr, hat_ip("198.51.100.1").s_addr);
	assert_int_equal(bi.ha_addr.s_addr, hat_ip("192.0.2.1").s_addr);

	/* Forwarding: IP-in-IP tunnel to the CoA, host route into it, proxy ARP, gratuitous ARP. */
	tid = t->tm->tunnel(hat_ip("198.51.100.1"), TUN_ENCAP_IPIP);
	assert_int_not_equal(tid, 0);
	assert_int_equal(t->tm->route(hat_ip("192.0.2.10")), tid);
	assert_true(t->tm->parp("home0", hat_ip("192.0.2.10")));
	assert_int_equal(t->tm->garps(hat_ip("192.0.2.10")), 3);

	hat_counters(t, &c);
	assert_int_equal(c.registration_accepted, 1);
	assert_int_equal(c.reg_requests_received, 1);
	assert_int_equal(c.reg_replies_sent, 1);
	assert_int_equal(c.dereg_requests_received, 0);
	assert_int_equal(c.proxy_arps_sent, 1);
	assert_int_equal(c.gratuitous_arps_sent, 3);
}

static void
test_lifetime_capped(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { .lifetime = 0xffff };
	const struct hat_out *o;
	struct ha_binding_info bi;

	hat_start(t);
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 0);
	assert_int_equal(hat_lifetime(o), 600); /* max-lifetime */
	assert_int_equal(
	        ha_binding_lookup(t->ha, hat_ip("192.0.2.10"), hat_ip("198.51.100.1"), &bi), 0);
	assert_int_equal(bi.lifetime, 600);
}

static void
test_no_sa_131(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { .spi = 4711 }; /* no SA with this SPI */
	const struct hat_out *o;
	struct ha_secviol v;
	struct ha_counters c;

	hat_start(t);
	r.id = hat_ntp(t, 0);
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 131);
	assert_int_equal(o->len, 20); /* no SA, so no MHAE */
	assert_int_equal(hat_reply_id(o), r.id);
	assert_no_state(t);
	hat_counters(t, &c);
	assert_int_equal(c.mn_authentication_failure, 1);
	assert_int_equal(c.registration_accepted, 0);
	assert_int_equal(ha_secviol_next(t->ha, NULL, &v), 0);
	assert_int_equal(v.addr.s_addr, hat_ip("192.0.2.10").s_addr);
	assert_int_equal(v.reason, HA_SECVIOL_NO_SA);
	assert_int_equal(v.spi, 4711);
	assert_int_equal(v.id, r.id);
	assert_int_equal(v.count, 1);
	assert_int_equal(ha_secviol_next(t->ha, &v.addr, &v), -ENOENT);
}

static void
test_bad_authenticator_131(void **state)
{
	struct hat *t = *state;
	static const uint8_t wrong[16] = { 1 };
	struct hat_rrq r = { .key = wrong };
	const struct hat_out *o;
	struct ha_secviol v;

	hat_start(t);
	r.id = hat_ntp(t, 0);
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 131);
	/* The SA exists: the reply is authenticated with it. */
	assert_true(hat_auth_ok(o, 32, hat_mn_key, HAT_MN_SPI));
	assert_no_state(t);
	assert_int_equal(ha_secviol_next(t->ha, NULL, &v), 0);
	assert_int_equal(v.reason, HA_SECVIOL_BAD_AUTHENTICATOR);

	/* The forged request did not advance the replay state: the same id, correctly signed,
	 * is accepted. */
	r.key = NULL;
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 0);
	assert_int_equal(ha_secviol_next(t->ha, NULL, &v), 0);
	assert_int_equal(v.count, 1);
}

static void
test_missing_mhae_131(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { .no_mhae = true };
	const struct hat_out *o;
	struct ha_secviol v;

	hat_start(t);
	r.id = hat_ntp(t, 0);
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 131);
	assert_int_equal(o->len, 20);
	assert_int_equal(hat_reply_id(o), r.id);
	assert_no_state(t);
	assert_int_equal(ha_secviol_next(t->ha, NULL, &v), 0);
	assert_int_equal(v.reason, HA_SECVIOL_MISSING_EXTENSION);
}

static void
test_malformed(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { 0 };
	struct ha_counters c;
	uint8_t buf[512];
	size_t len;

	hat_start(t);
	/* An extension whose length runs past the end: 134, unauthenticated. */
	r.id = hat_ntp(t, 0);
	len = hat_build(t, &r, buf, sizeof(buf));
	buf[len] = 134; /* NVSE type, skippable, length 200 with no body */
	buf[len + 1] = 200;
	hat_input(t, buf, len + 2, "198.51.100.1", "192.0.2.1");
	assert_int_equal(hat_run(t, 1), 1);
	assert_int_equal(hat_code(&t->out[0]), 134);
	assert_int_equal(t->out[0].len, 20);
	assert_int_equal(hat_reply_id(&t->out[0]), r.id);

	/* Too short to answer, not a request, an unknown critical extension: silence. */
	hat_input(t, buf, 23, "198.51.100.1", "192.0.2.1");
	buf[0] = 3;
	hat_input(t, buf, len, "198.51.100.1", "192.0.2.1");
	buf[0] = 1;
	len = hat_build(t, &r, buf, sizeof(buf));
	memmove(buf + 26, buf + 24, len - 24);
	buf[24] = 100; /* unknown type below 128, before the MHAE */
	buf[25] = 0;
	hat_input(t, buf, len + 2, "198.51.100.1", "192.0.2.1");
	/* Sent to an address that is not ours. */
	len = hat_build(t, &r, buf, sizeof(buf));
	hat_input(t, buf, len, "198.51.100.1", "203.0.113.9");
	hat_settle(t);
	assert_int_equal(t->n_out, 1);
	assert_no_state(t);
	hat_counters(t, &c);
	assert_int_equal(c.poorly_formed_request, 1);
	assert_int_equal(c.discarded, 4);
	assert_int_equal(c.reg_replies_sent, 1);
}

static void
test_cvse_140_141(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { .cvse_mn = true };
	const struct hat_out *o;
	struct ha_counters c;

	hat_start(t);
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 140);
	assert_true(hat_auth_ok(o, 32, hat_mn_key, HAT_MN_SPI));
	r.cvse_mn = false;
	r.cvse_fa = true;
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 141);
	assert_no_state(t);
	hat_counters(t, &c);
	assert_int_equal(c.cvse_from_mn, 1);
	assert_int_equal(c.cvse_from_fa, 1);
}

static void
test_replay_timestamp_133(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { 0 };
	const struct hat_out *o;
	struct ha_counters c;
	uint64_t stale, rid, ours;
	int64_t offset;

	hat_start(t);
	/* 100 s behind the HA's clock, tolerance 7 s. */
	stale = hat_ntp(t, -100);
	r.id = stale;
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 133);
	assert_true(hat_auth_ok(o, 32, hat_mn_key, HAT_MN_SPI));
	rid = hat_reply_id(o);
	/* Low 32 bits copied, high 32 bits the HA's time (within a second or two of ours). */
	assert_int_equal((uint32_t)rid, (uint32_t)stale);
	ours = hat_ntp(t, 0);
	assert_true((int64_t)(rid >> 32) - (int64_t)(ours >> 32) <= 1);
	assert_true((int64_t)(rid >> 32) - (int64_t)(ours >> 32) >= -1);
	assert_no_state(t);

	/* Resynchronise: take the HA's seconds as the sender would, and retry. */
	offset = (int64_t)(rid >> 32) - (int64_t)(stale >> 32);
	assert_true(offset >= 99 && offset <= 101);
	r.id = ((stale >> 32) + (uint64_t)offset) << 32 | 0x1234;
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 0);
	assert_int_equal(hat_reply_id(o), r.id);

	/* The same identification again is not newer than the last accepted one. */
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 133);
	/* Too far ahead is refused too. */
	r.id = hat_ntp(t, 100);
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 133);
	hat_counters(t, &c);
	assert_int_equal(c.id_mismatch, 3);
	assert_int_equal(c.registration_accepted, 1);
}

static void
test_replay_nonce_133(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { .hoa = "192.0.2.20", .spi = 1020 };
	const struct hat_out *o;
	uint64_t rid;

	hat_add_sa(t, "nonce", SA_ENTITY_MOBILE_NODE, "192.0.2.20", NULL, NULL, 1020, hat_mn_key,
	           SA_REPLAY_NONCE);
	hat_start(t);
	/* No nonce issued yet: 133 carrying a fresh HA nonce and our low 32 bits. */
	r.id = 0x1111111122222222ULL;
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 133);
	rid = hat_reply_id(o);
	assert_int_equal((uint32_t)rid, 0x22222222u);
	assert_true(hat_auth_ok(o, 32, hat_mn_key, 1020));
	/* Echo the HA's nonce in the high bits: accepted, and a new nonce comes back. */
	r.id = (rid & 0xffffffff00000000ULL) | 0x33333333u;
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 0);
	assert_int_equal((uint32_t)hat_reply_id(o), 0x33333333u);
	/* Reusing the old nonce fails. */
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 133);
}

static void
test_broadcast_136(void **state)
{
	struct hat *t = *state;
	static const uint8_t wrong[16] = { 9 };
	struct hat_rrq r = { .ha = "192.0.2.255" };
	const struct hat_out *o;
	struct ha_counters c;

	hat_start(t);
	/* Dynamic HA address resolution: the reply names our unicast address. */
	o = hat_exchange(t, &r, NULL, "192.0.2.255");
	assert_int_equal(hat_code(o), 136);
	assert_int_equal(hat_reply_addr(o, 8).s_addr, hat_ip("192.0.2.1").s_addr);
	assert_int_equal(o->from.s_addr, hat_ip("192.0.2.1").s_addr);
	assert_true(hat_auth_ok(o, 32, hat_mn_key, HAT_MN_SPI));
	assert_no_state(t);

	/* Whatever the Home Agent field says, a broadcast request is never registered. */
	r.ha = "192.0.2.1";
	o = hat_exchange(t, &r, NULL, "192.0.2.255");
	assert_int_equal(hat_code(o), 136);
	assert_int_equal(hat_reply_addr(o, 8).s_addr, hat_ip("192.0.2.1").s_addr);
	assert_no_state(t);

	/* The AAP liveness probe: a bad key to the broadcast address still gets an answer. */
	r.key = wrong;
	r.spi = 7;
	o = hat_exchange(t, &r, NULL, "192.0.2.255");
	assert_int_equal(hat_code(o), 131);
	assert_int_equal(o->from.s_addr, hat_ip("192.0.2.1").s_addr);
	assert_int_equal(hat_reply_addr(o, 8).s_addr, hat_ip("192.0.2.1").s_addr);

	/* A unicast request naming another home agent. */
	r.key = NULL;
	r.spi = 0;
	r.ha = "192.0.2.2";
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 136);
	assert_no_state(t);
	hat_counters(t, &c);
	assert_int_equal(c.unknown_ha, 3);
}

static void
test_home_address_129_130_134(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { .hoa = "203.0.113.5", .spi = 1030 };
	const struct hat_out *o;

	hat_add_sa(t, "foreign-hoa", SA_ENTITY_MOBILE_NODE, "203.0.113.5", NULL, NULL, 1030,
	           hat_mn_key, SA_REPLAY_TIMESTAMP);
	hat_add_sa(t, "by-nai", SA_ENTITY_MOBILE_NODE, NULL, NULL, "mn@example.org", 1031,
	           hat_mn_key, SA_REPLAY_TIMESTAMP);
	hat_start(t);
	/* Not in any home network. */
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 129);
	/* 0.0.0.0 with an NAI asks for an address, which this HA does not assign. */
	r.hoa = "0.0.0.0";
	r.nai = "mn@example.org";
	r.spi = 1031;
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 130);
	assert_true(hat_auth_ok(o, 32, hat_mn_key, 1031));
	/* The NAI is echoed before the MHAE (RFC 2794). */
	assert_true(hat_ext(o, 131) > 0 && hat_ext(o, 131) < hat_ext(o, 32));
	assert_no_state(t);
}

static void
test_fa_auth_132(void **state)
{
	struct hat *t = *state;
	static const uint8_t wrong[16] = { 2 };
	struct hat_rrq r = { .fhae = true };
	const struct hat_out *o;
	struct ha_secviol v;
	struct ha_counters c;

	hat_add_sa(t, "fa", SA_ENTITY_FOREIGN_AGENT, "198.51.100.1", NULL, NULL, HAT_FA_SPI,
	           hat_fa_key, SA_REPLAY_NONE);
	hat_start(t);
	/* A valid FHAE: accepted, and the reply carries an FHAE for the FA. */
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 0);
	assert_true(hat_auth_ok(o, 32, hat_mn_key, HAT_MN_SPI));
	assert_true(hat_auth_ok(o, 34, hat_fa_key, HAT_FA_SPI));
	assert_true(hat_ext(o, 32) < hat_ext(o, 34));
	/* The FA has an SA but sent no FHAE. */
	r.fhae = false;
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 132);
	assert_true(hat_auth_ok(o, 32, hat_mn_key, HAT_MN_SPI));
	assert_int_equal(hat_ext(o, 34), -1);
	/* A wrong FHAE. */
	r.fhae = true;
	r.fa_key = wrong;
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 132);
	assert_int_equal(ha_secviol_next(t->ha, NULL, &v), 0);
	assert_int_equal(v.addr.s_addr, hat_ip("198.51.100.1").s_addr);
	assert_int_equal(v.reason, HA_SECVIOL_BAD_AUTHENTICATOR);
	assert_int_equal(v.count, 2);
	hat_counters(t, &c);
	assert_int_equal(c.fa_authentication_failure, 2);
	/* The binding of the first request is still there, untouched by the failures. */
	assert_int_equal(ha_binding_count(t->ha), 1);
}

static void
test_require_fa_auth_132(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { 0 };
	const struct hat_out *o;

	t->cfg.require_fa_auth = true;
	hat_start(t);
	/* Relayed by an FA without any FA SA: refused. */
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 132);
	assert_no_state(t);
	/* A co-located care-of address sent directly: no FA involved, accepted. */
	r.flags = MIP_RRQ_F_D;
	r.coa = "198.51.100.77";
	o = hat_exchange(t, &r, "198.51.100.77", NULL);
	assert_int_equal(hat_code(o), 0);
}

static void
test_encapsulation_137_139(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { .flags = MIP_RRQ_F_M };
	const struct hat_out *o;
	struct ha_counters c;

	t->cfg.gre = false;
	t->cfg.reverse_tunnel = false;
	hat_start(t);
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 139); /* minimal encapsulation */
	r.flags = MIP_RRQ_F_G;
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 139); /* GRE switched off */
	r.flags = MIP_RRQ_F_T;
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 137);
	assert_no_state(t);
	hat_counters(t, &c);
	assert_int_equal(c.encapsulation_unavailable, 2);
	assert_int_equal(c.reverse_tunnel_unavailable, 1);
}

static void
test_gre_and_reverse_accepted(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { .flags = MIP_RRQ_F_G | MIP_RRQ_F_T };
	const struct hat_out *o;
	uint32_t gre;

	hat_start(t);
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 0);
	gre = t->tm->tunnel(hat_ip("198.51.100.1"), TUN_ENCAP_GRE);
	assert_int_not_equal(gre, 0);
	assert_int_equal(t->tm->tunnel(hat_ip("198.51.100.1"), TUN_ENCAP_IPIP), 0);
	assert_int_equal(t->tm->route(hat_ip("192.0.2.10")), gre);
	/* Re-registering without G moves the node to an IP-in-IP tunnel. */
	r.flags = 0;
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 0);
	assert_int_equal(t->tm->tunnel(hat_ip("198.51.100.1"), TUN_ENCAP_GRE), 0);
	assert_int_equal(t->tm->route(hat_ip("192.0.2.10")),
	                 t->tm->tunnel(hat_ip("198.51.100.1"), TUN_ENCAP_IPIP));
	assert_int_equal(t->tm->n_tunnels(), 1);
}

static void
test_tunnel_failure_128(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { 0 };
	const struct hat_out *o;
	struct ha_counters c;

	hat_start(t);
	t->tm->fail_next(TMOCK_TUNNEL_ADD, -EIO);
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 128);
	assert_no_state(t);
	/* A failing proxy ARP undoes the tunnel and the route too. */
	t->tm->fail_next(TMOCK_PARP_ADD, -EIO);
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 128);
	assert_no_state(t);
	hat_counters(t, &c);
	assert_int_equal(c.reason_unspecified, 2);
	assert_int_equal(c.tunnel_errors, 2);
	/* The next attempt works. */
	o = hat_exchange(t, &r, NULL, NULL);
	assert_int_equal(hat_code(o), 0);
}

static void
test_duplicate_while_pending(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { 0 };
	struct ha_counters c;
	uint8_t buf[512];
	size_t len;

	hat_start(t);
	len = hat_build(t, &r, buf, sizeof(buf));
	hat_input(t, buf, len, "198.51.100.1", "192.0.2.1");
	hat_input(t, buf, len, "198.51.100.1", "192.0.2.1");
	assert_int_equal(ha_pending_count(t->ha), 1);
	hat_settle(t);
	assert_int_equal(t->n_out, 1);
	hat_counters(t, &c);
	assert_int_equal(c.duplicates, 1);
	assert_int_equal(c.registration_accepted, 1);
	/* The same bytes from another source are a different request (and a replay there). */
	hat_input(t, buf, len, "198.51.100.2", "192.0.2.1");
	assert_int_equal(ha_pending_count(t->ha), 1);
	hat_run(t, 2);
	assert_int_equal(hat_code(&t->out[1]), 133);
}

static void
test_stop_cancels_pending(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { 0 };
	char err[128];
	uint8_t buf[512];
	size_t len;

	hat_start(t);
	len = hat_build(t, &r, buf, sizeof(buf));
	hat_input(t, buf, len, "198.51.100.1", "192.0.2.1");
	assert_int_equal(ha_pending_count(t->ha), 1);
	/* A config change drops the pending request; its completion never runs. */
	assert_int_equal(ha_reconfigure(t->ha, &t->cfg, err, sizeof(err)), 0);
	assert_int_equal(ha_pending_count(t->ha), 0);
	hat_settle(t);
	assert_int_equal(t->n_out, 0);
	/* So does stopping, and after it the loop runs without touching the freed HA. */
	r.id = 0;
	len = hat_build(t, &r, buf, sizeof(buf));
	hat_input(t, buf, len, "198.51.100.1", "192.0.2.1");
	assert_int_equal(ha_pending_count(t->ha), 1);
	hat_stop(t);
	for (int i = 0; i < 10; i++)
		ev_loop_run_once(t->loop);
	assert_int_equal(t->n_out, 0);
}

static void
test_counter_table(void **state)
{
	size_t n;
	const struct pmip_counter_desc *d = ha_counter_table(&n);
	struct ha_counters c;

	(void)state;
	assert_int_equal(n, sizeof(struct ha_counters) / sizeof(uint64_t));
	assert_string_equal(d[0].name, "haRegistrationAccepted");
	memset(&c, 0, sizeof(c));
	c.too_many_bindings = 42;
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].name, "haTooManyBindings") == 0)
			assert_int_equal(pmip_counter_value(&c, &d[i]), 42);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_accept, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_lifetime_capped, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_no_sa_131, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_bad_authenticator_131, hat_setup,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_missing_mhae_131, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_malformed, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_cvse_140_141, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_replay_timestamp_133, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_replay_nonce_133, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_broadcast_136, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_home_address_129_130_134, hat_setup,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_fa_auth_132, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_require_fa_auth_132, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_encapsulation_137_139, hat_setup,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_gre_and_reverse_accepted, hat_setup,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_failure_128, hat_setup, hat_teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_while_pending, hat_setup,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_stop_cancels_pending, hat_setup, hat_teardown),
		cmocka_unit_test(test_counter_table),
	};

	log_init("test_ha", LOG_DEST_STDERR, LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
