/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_proxy_nai.c - unit tests of NAI-keyed proxy clients (/pmip/proxy/client-nai).
 *
 * A client listed in client-nai is registered with the MN-NAI extension (RFC 2794, type 131)
 * between the fixed part and the MHAE, and its MN-HA security association is looked up by that
 * NAI: the SA table of the fixture holds an association for the NAI only, no host entry. The
 * proxy runs with a fake transport and clocks (as in test_proxy_sm.c) and the keystore-local
 * plugin; requests are checked byte by byte and authenticators computed with OpenSSL's HMAC.
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
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ev.h"
#include "keystore.h"
#include "log.h"
#include "proxy.h"

#define HOA    "192.0.2.100"
#define HOA2   "192.0.2.101"
#define HAADDR "192.0.2.1"
#define FAADDR "198.51.100.1"
#define NAI    "client1@example.net"
#define SPI    1001
#define MAXREC 16

static const uint8_t key[16] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	                         0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x01 };
static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0x01, 0x00 };  /* listed in client-nai */
static const uint8_t mac_c2[6] = { 0x02, 0, 0, 0, 0x01, 0x01 }; /* not listed */
static const uint8_t mac_f[6] = { 0x02, 0, 0, 0, 0x0f, 0x0a };

struct rec {
	uint8_t buf[512];
	size_t len;
};

struct fix {
	struct ev_loop *loop;
	struct sa_table *sas;
	struct ks_env ks_env;
	struct ks_chain *chain;
	struct proxy_config cfg;
	struct proxy_subnet map[1];
	struct proxy_client_nai nai[1];
	struct proxy *px;
	uint64_t now_ms;
	struct rec fa[MAXREC];
	size_t n_fa;
	struct proxy_failure fail[MAXREC];
	size_t n_fail;
};

static struct in_addr
A(const char *s) {
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
hmac(const uint8_t *data, size_t len, uint8_t out[16])
{
	unsigned mdlen = 16;

	assert_non_null(HMAC(EVP_md5(), key, 16, data, len, out, &mdlen));
}

static int
h_send_fa(void *arg, const uint8_t *frame, size_t len)
{
	struct fix *f = arg;

	assert_true(f->n_fa < MAXREC);
	assert_true(len <= sizeof(f->fa[0].buf));
	memcpy(f->fa[f->n_fa].buf, frame, len);
	f->fa[f->n_fa++].len = len;
	return 0;
}

static int
h_send_other(void *arg, const uint8_t *frame, size_t len)
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
	return ((struct fix *)arg)->now_ms;
}

static uint64_t
h_ntp(void *arg)
{
	return (uint64_t)(3900000000u + ((struct fix *)arg)->now_ms / 1000) << 32;
}

static void
h_fail(void *arg, const struct proxy_failure *fl)
{
	struct fix *f = arg;

	assert_true(f->n_fail < MAXREC);
	f->fail[f->n_fail++] = *fl;
}

static void
pump(struct fix *f)
{
	for (int i = 0; i < 20; i++)
		ev_loop_run_once(f->loop);
}

static int
setup(void **state)
{
	static const char *const names[] = { "local" };
	struct fix *f = calloc(1, sizeof(*f));
	struct role_env env = { 0 };
	struct proxy_hooks hooks = { .send_fa = h_send_fa,
		                     .send_client = h_send_other,
		                     .send_ha = h_send_ha,
		                     .now_ms = h_now,
		                     .ntp_now = h_ntp };
	struct mip_sa *sa;
	char err[256] = "";

	assert_non_null(f);
	log_init("test_proxy_nai", LOG_DEST_STDERR, LOG_ERR);
	f->loop = ev_loop_new();
	f->sas = sa_table_new();
	assert_non_null(f->loop);
	assert_non_null(f->sas);
	f->ks_env.loop = f->loop;
	f->ks_env.sa_table = f->sas;
	f->chain = ks_chain_new(&f->ks_env, getenv("PMIP_PLUGIN_DIR"), names, 1, err, sizeof(err));
	if (f->chain == NULL)
		fail_msg("ks_chain_new: %s", err);
	/* The only MN-HA association: for the NAI, no host or range. */
	sa = mip_sa_new(MIP_AUTH_HMAC_MD5, key, 16);
	assert_non_null(sa);
	snprintf(sa->name, sizeof(sa->name), "by-nai");
	sa->peer_kind = SA_PEER_NAI;
	snprintf(sa->nai, sizeof(sa->nai), "%s", NAI);
	sa->entity = SA_ENTITY_MOBILE_NODE;
	sa->spi = SPI;
	sa->source = "config";
	assert_int_equal(sa_table_put(f->sas, sa), 0);
	mip_sa_unref(sa);

	snprintf(f->cfg.client_if, sizeof(f->cfg.client_if), "wlan0");
	f->cfg.reregister_pct = 75;
	f->cfg.retransmit_initial_ms = 1000;
	f->cfg.retransmit_max = 3;
	f->cfg.idle_timeout_s = 60;
	f->cfg.requested_lifetime = 600;
	f->map[0].prefix.addr = A("192.0.2.0");
	f->map[0].prefix.len = 24;
	f->map[0].ha = A(HAADDR);
	f->cfg.map = f->map;
	f->cfg.n_map = 1;
	memcpy(f->nai[0].mac, mac_c, 6);
	snprintf(f->nai[0].nai, sizeof(f->nai[0].nai), "%s", NAI);
	f->cfg.nai = f->nai;
	f->cfg.n_nai = 1;
	f->now_ms = 100000;
	env.ks_chain = f->chain;
	hooks.arg = f;
	f->px = proxy_start_hooks(&env, &f->cfg, &hooks, err, sizeof(err));
	if (f->px == NULL)
		fail_msg("proxy_start_hooks: %s", err);
	proxy_set_failure_hook(f->px, h_fail, f);
	/* The proxy keeps its own copy of the list. */
	memset(f->nai, 0, sizeof(f->nai));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	proxy_stop(f->px);
	ks_chain_free(f->chain);
	pump(f);
	sa_table_free(f->sas);
	ev_loop_free(f->loop);
	free(f);
	return 0;
}

static void
fa_found(struct fix *f)
{
	union disc_event_data d = { 0 };

	d.agent.addr = A(FAADDR);
	d.agent.roles = DISC_ROLE_FA;
	d.agent.flags = 0x9000; /* R F */
	d.agent.max_lifetime = 1800;
	d.agent.adv_lifetime = 9;
	d.agent.n_coa = 1;
	d.agent.coa[0] = A(FAADDR);
	d.agent.has_mac = true;
	memcpy(d.agent.mac, mac_f, 6);
	proxy_disc_event(f->px, DISC_AGENT_FOUND, &d);
}

static void
client_seen(struct fix *f, const char *hoa, const uint8_t *mac)
{
	union disc_event_data d = { 0 };

	memcpy(d.client.mac, mac, 6);
	d.client.addr = A(hoa);
	d.client.gateway = A(HAADDR);
	d.client.on_link = false;
	proxy_disc_event(f->px, DISC_CLIENT_SEEN, &d);
	pump(f);
}

/* Feed the FA's reply @msg (to the client's MAC) as seen leaving the client-facing port. */
static void
fa_reply(struct fix *f, const uint8_t *msg, size_t len)
{
	uint8_t fr[512] = { 0 };
	uint8_t *ip = fr + 14, *udp = fr + 34;
	uint32_t s = 0;

	memcpy(fr, mac_c, 6);
	memcpy(fr + 6, mac_f, 6);
	fr[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((28 + len) >> 8);
	ip[3] = (uint8_t)(28 + len);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &(struct in_addr){ A(FAADDR).s_addr }, 4);
	memcpy(ip + 16, &(struct in_addr){ A(HOA).s_addr }, 4);
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	ip[10] = (uint8_t)(~s >> 8);
	ip[11] = (uint8_t)~s;
	udp[0] = udp[2] = 434 >> 8;
	udp[1] = udp[3] = 434 & 0xff;
	udp[4] = (uint8_t)((8 + len) >> 8);
	udp[5] = (uint8_t)(8 + len);
	memcpy(udp + 8, msg, len);
	proxy_port_input(f->px, fr, 42 + len, true);
	pump(f);
}

/* The request of an NAI-listed client: fixed part, MN-NAI, MHAE covering both. */
static void
test_request_carries_nai(void **state)
{
	struct fix *f = *state;
	const size_t nlen = strlen(NAI);
	const uint8_t *rrq;
	uint8_t auth[16];
	struct proxy_client_info ci;

	fa_found(f);
	client_seen(f, HOA, mac_c);
	assert_int_equal(f->n_fa, 1);
	assert_int_equal(f->n_fail, 0);
	assert_int_equal(f->fa[0].len, 42 + 24 + 2 + nlen + 22);
	rrq = f->fa[0].buf + 42;
	assert_int_equal(rrq[0], 1);
	assert_int_equal(get32(rrq + 4), ntohl(A(HOA).s_addr));
	assert_int_equal(get32(rrq + 8), ntohl(A(HAADDR).s_addr));
	/* MN-NAI: type 131, length, the NAI's bytes. */
	assert_int_equal(rrq[24], 131);
	assert_int_equal(rrq[25], nlen);
	assert_memory_equal(rrq + 26, NAI, nlen);
	/* MHAE: the SPI of the NAI's SA, HMAC-MD5 over everything before the authenticator. */
	assert_int_equal(rrq[26 + nlen], 32);
	assert_int_equal(rrq[27 + nlen], 20);
	assert_int_equal(get32(rrq + 28 + nlen), SPI);
	hmac(rrq, 32 + nlen, auth);
	assert_memory_equal(rrq + 32 + nlen, auth, 16);
	assert_int_equal(proxy_client_lookup(f->px, A(HOA), NULL, &ci), 0);
	assert_int_equal(ci.state, PROXY_CS_REGISTERING);
}

/* The reply (echoing the NAI, RFC 2794) authenticated with the NAI's key registers it. */
static void
test_reply_with_nai_accepted(void **state)
{
	struct fix *f = *state;
	const size_t nlen = strlen(NAI);
	struct proxy_client_info ci;
	uint8_t b[128];
	size_t n;

	fa_found(f);
	client_seen(f, HOA, mac_c);
	assert_int_equal(f->n_fa, 1);
	memset(b, 0, sizeof(b));
	b[0] = 3;
	b[2] = 600 >> 8;
	b[3] = 600 & 0xff;
	memcpy(b + 4, &(struct in_addr){ A(HOA).s_addr }, 4);
	memcpy(b + 8, &(struct in_addr){ A(HAADDR).s_addr }, 4);
	memcpy(b + 12, f->fa[0].buf + 42 + 16, 8); /* the request's Identification */
	b[20] = 131;
	b[21] = (uint8_t)nlen;
	memcpy(b + 22, NAI, nlen);
	n = 22 + nlen;
	b[n] = 32;
	b[n + 1] = 20;
	put32(b + n + 2, SPI);
	hmac(b, n + 6, b + n + 6);
	fa_reply(f, b, n + 22);
	assert_int_equal(proxy_client_lookup(f->px, A(HOA), NULL, &ci), 0);
	assert_int_equal(ci.state, PROXY_CS_REGISTERED);
	assert_true(ci.registered);
}

/* A client not in client-nai is looked up by home address only: the NAI-only SA does not
 * match, no request is sent and the failure event says "no SA". */
static void
test_unlisted_client_no_sa(void **state)
{
	struct fix *f = *state;

	fa_found(f);
	client_seen(f, HOA2, mac_c2);
	assert_int_equal(f->n_fa, 0);
	assert_int_equal(f->n_fail, 1);
	assert_int_equal(f->fail[0].why, PROXY_FAIL_NO_SA);
}

/* Reconfiguration replaces the list: without the entry the client loses its NAI. */
static void
test_reconfigure_drops_nai(void **state)
{
	struct fix *f = *state;
	char err[256] = "";

	f->cfg.nai = NULL;
	f->cfg.n_nai = 0;
	assert_int_equal(proxy_reconfigure(f->px, &f->cfg, err, sizeof(err)), 0);
	fa_found(f);
	client_seen(f, HOA, mac_c);
	assert_int_equal(f->n_fa, 0);
	assert_int_equal(f->n_fail, 1);
	assert_int_equal(f->fail[0].why, PROXY_FAIL_NO_SA);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_request_carries_nai, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_with_nai_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlisted_client_no_sa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconfigure_drops_nai, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
