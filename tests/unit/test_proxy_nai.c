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
#include "test_proxy.h"

#define HOA    "192.0.2.100"
#define HOA2   "192.0.2.101"
#define HAADDR "192.0.2.1"
#define FAADDR "198.51.100.1"
#define NAI    "client1@example.net"
#define SPI    1001

static const uint8_t key[16] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	                         0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x01 };
static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0x01, 0x00 };  /* listed in client-nai */
static const uint8_t mac_c2[6] = { 0x02, 0, 0, 0, 0x01, 0x01 }; /* not listed */
static const uint8_t mac_f[6] = { 0x02, 0, 0, 0, 0x0f, 0x0a };

struct fix {
	struct pxt_ks ks;
	struct proxy_config cfg;
	struct proxy_subnet map[1];
	struct proxy_client_nai nai[1];
	struct proxy *px;
	uint64_t now_ms;
	struct pxt_rec fa[PXT_REC_MAX];
	size_t n_fa;
	struct pxt_fails fails;
};

static int
h_send_fa(void *arg, const uint8_t *frame, size_t len)
{
	struct fix *f = arg;

	pxt_record(f->fa, &f->n_fa, frame, len);
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
	return pxt_ntp_at(((struct fix *)arg)->now_ms, 0);
}

static void
pump(struct fix *f)
{
	pxt_pump(f->ks.loop);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct role_env env = { 0 };
	struct proxy_hooks hooks = { .send_fa = h_send_fa,
		                     .send_client = pxt_frame_null,
		                     .send_ha = pxt_ha_null,
		                     .now_ms = h_now,
		                     .ntp_now = h_ntp };
	struct mip_sa *sa;

	assert_non_null(f);
	log_init("test_proxy_nai", LOG_DEST_STDERR, LOG_ERR);
	pxt_ks_init(&f->ks);
	/* The only MN-HA association: for the NAI, no host or range. */
	sa = pxt_sa_new("by-nai", key, SPI);
	sa->peer_kind = SA_PEER_NAI;
	snprintf(sa->nai, sizeof(sa->nai), "%s", NAI);
	pxt_sa_put(&f->ks, sa);

	pxt_config(&f->cfg, f->map, HAADDR);
	pxt_config_timers(&f->cfg);
	memcpy(f->nai[0].mac, mac_c, 6);
	snprintf(f->nai[0].nai, sizeof(f->nai[0].nai), "%s", NAI);
	f->cfg.nai = f->nai;
	f->cfg.n_nai = 1;
	f->now_ms = 100000;
	env.ks_chain = f->ks.chain;
	hooks.arg = f;
	f->px = pxt_start(&env, &f->cfg, &hooks);
	proxy_set_failure_hook(f->px, pxt_fail_hook, &f->fails);
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
	pxt_ks_fini(&f->ks);
	free(f);
	return 0;
}

static void
fa_found(struct fix *f)
{
	pxt_fa_found(f->px, FAADDR, mac_f, 0x9000 /* R F */, 1800);
}

static void
client_seen(struct fix *f, const char *hoa, const uint8_t *mac)
{
	pxt_client(f->px, DISC_CLIENT_SEEN, mac, hoa, HAADDR, false);
	pump(f);
}

/* Feed the FA's reply @msg (to the client's MAC) as seen leaving the client-facing port. */
static void
fa_reply(struct fix *f, const uint8_t *msg, size_t len)
{
	uint8_t fr[512];

	assert_true(42 + len <= sizeof(fr));
	proxy_port_input(f->px, fr,
	                 pxt_udp_frame(fr, mac_c, mac_f, pxt_addr(FAADDR), pxt_addr(HOA), msg, len),
	                 true);
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
	assert_int_equal(f->fails.n, 0);
	assert_int_equal(f->fa[0].len, 42 + 24 + 2 + nlen + 22);
	rrq = f->fa[0].buf + 42;
	assert_int_equal(rrq[0], 1);
	assert_int_equal(pxt_get32(rrq + 4), ntohl(pxt_addr(HOA).s_addr));
	assert_int_equal(pxt_get32(rrq + 8), ntohl(pxt_addr(HAADDR).s_addr));
	/* MN-NAI: type 131, length, the NAI's bytes. */
	assert_int_equal(rrq[24], 131);
	assert_int_equal(rrq[25], nlen);
	assert_memory_equal(rrq + 26, NAI, nlen);
	/* MHAE: the SPI of the NAI's SA, HMAC-MD5 over everything before the authenticator. */
	assert_int_equal(rrq[26 + nlen], 32);
	assert_int_equal(rrq[27 + nlen], 20);
	assert_int_equal(pxt_get32(rrq + 28 + nlen), SPI);
	pxt_hmac_md5(key, rrq, 32 + nlen, auth);
	assert_memory_equal(rrq + 32 + nlen, auth, 16);
	assert_int_equal(proxy_client_lookup(f->px, pxt_addr(HOA), NULL, &ci), 0);
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
	memcpy(b + 4, &(struct in_addr){ pxt_addr(HOA).s_addr }, 4);
	memcpy(b + 8, &(struct in_addr){ pxt_addr(HAADDR).s_addr }, 4);
	memcpy(b + 12, f->fa[0].buf + 42 + 16, 8); /* the request's Identification */
	b[20] = 131;
	b[21] = (uint8_t)nlen;
	memcpy(b + 22, NAI, nlen);
	n = 22 + nlen;
	b[n] = 32;
	b[n + 1] = 20;
	pxt_put32(b + n + 2, SPI);
	pxt_hmac_md5(key, b, n + 6, b + n + 6);
	fa_reply(f, b, n + 22);
	assert_int_equal(proxy_client_lookup(f->px, pxt_addr(HOA), NULL, &ci), 0);
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
	assert_int_equal(f->fails.n, 1);
	assert_int_equal(f->fails.fail[0].why, PROXY_FAIL_NO_SA);
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
	assert_int_equal(f->fails.n, 1);
	assert_int_equal(f->fails.fail[0].why, PROXY_FAIL_NO_SA);
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
