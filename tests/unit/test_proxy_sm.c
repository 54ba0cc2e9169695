/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_proxy_sm.c - unit tests of the proxy access point's registration state machine.
 *
 * The proxy runs with a fake transport (hooks that record every frame and datagram), a fake
 * monotonic clock and a fake NTP clock that the tests advance, and the keystore-local plugin
 * (from $PMIP_PLUGIN_DIR) over an SA table of the test's own, on a real event loop that only
 * carries the key store's deferred completions. Discovery events are handed in directly.
 * Requests are checked byte by byte against a hand-computed layout; replies are built byte
 * by byte, and every authenticator is computed with OpenSSL's HMAC directly.
 */
#include <errno.h>

#include "event.h"
#include "test_proxy.h"

#define HOA     "192.0.2.100"
#define HOA2    "192.0.2.101" /* no SA */
#define HAADDR  "192.0.2.1"
#define GW      "192.0.2.1"
#define FAADDR  "198.51.100.1"
#define SPI     1000
#define RT_INIT 1000

static const uint8_t key[16] = { 0x8f, 0x3a, 0x1c, 0x5e, 0x7b, 0x9d, 0x2f, 0x40,
	                         0xa6, 0xc8, 0xe1, 0xb3, 0xd5, 0xf7, 0x09, 0x21 };
static const uint8_t wrong_key[16] = { 1 };
static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0x01, 0x00 };
static const uint8_t mac_f[6] = { 0x02, 0, 0, 0, 0x0f, 0x0a };

struct fix {
	struct pxt_ks ks;
	struct proxy_config cfg;
	struct proxy_subnet map[1];
	struct proxy *px;
	uint64_t now_ms;
	int64_t skew_s; /* added to the fake wall clock */
	struct pxt_rec fa[PXT_REC_MAX], cl[PXT_REC_MAX], ha[PXT_REC_MAX];
	size_t n_fa, n_cl, n_ha;
	struct pxt_fails fails;
};

/* --- hooks --- */

static int
h_send_fa(void *arg, const uint8_t *frame, size_t len)
{
	struct fix *f = arg;

	pxt_record(f->fa, &f->n_fa, frame, len);
	return 0;
}

static int
h_send_client(void *arg, const uint8_t *frame, size_t len)
{
	struct fix *f = arg;

	pxt_record(f->cl, &f->n_cl, frame, len);
	return 0;
}

static int
h_send_ha(void *arg, struct in_addr ha, const uint8_t *msg, size_t len)
{
	struct fix *f = arg;

	f->ha[f->n_ha].to = ha;
	pxt_record(f->ha, &f->n_ha, msg, len);
	return 0;
}

static uint64_t
h_now(void *arg)
{
	return ((struct fix *)arg)->now_ms;
}

/* Fake NTP clock: PXT_NTP_S0 + skew at t = 0, advancing with the monotonic clock. */
static uint64_t
h_ntp(void *arg)
{
	struct fix *f = arg;

	return pxt_ntp_at(f->now_ms, f->skew_s);
}

/* --- fixture --- */

static void
add_sa(struct fix *f, const char *host, const uint8_t *k)
{
	char name[64];
	struct mip_sa *sa;

	snprintf(name, sizeof(name), "sa-%s", host);
	sa = pxt_sa_new(name, k, SPI);
	sa->peer_kind = SA_PEER_HOST;
	sa->lo = sa->hi = pxt_addr(host);
	pxt_sa_put(&f->ks, sa);
}

static void
start(struct fix *f)
{
	struct role_env env = { .loop = NULL, .ks_chain = f->ks.chain };
	struct proxy_hooks hooks = { .send_fa = h_send_fa,
		                     .send_client = h_send_client,
		                     .send_ha = h_send_ha,
		                     .now_ms = h_now,
		                     .ntp_now = h_ntp,
		                     .arg = f };

	f->px = pxt_start(&env, &f->cfg, &hooks);
	proxy_set_failure_hook(f->px, pxt_fail_hook, &f->fails);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	log_init("test_proxy_sm", LOG_DEST_STDERR, LOG_ERR);
	pxt_ks_init(&f->ks);
	add_sa(f, HOA, key);
	pxt_config(&f->cfg, f->map, HAADDR);
	pxt_config_timers(&f->cfg);
	f->cfg.retransmit_initial_ms = RT_INIT;
	f->cfg.tunnel_reverse = true;
	f->now_ms = 100000;
	start(f);
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

/* Let the key store's deferred completions run. */
static void
pump(struct fix *f)
{
	pxt_pump(f->ks.loop);
}

static void
advance(struct fix *f, uint64_t ms)
{
	f->now_ms += ms;
	proxy_run_timers(f->px);
	pump(f);
}

static void
fa_found(struct fix *f, uint16_t max_lifetime)
{
	pxt_fa_found(f->px, FAADDR, mac_f, 0x9100 /* R F T */, max_lifetime);
}

static void
client_event(struct fix *f, enum disc_event ev, const char *hoa, const uint8_t *mac, bool on_link)
{
	pxt_client(f->px, ev, mac, hoa, GW, on_link);
	pump(f);
}

static enum proxy_client_state
state_of(struct fix *f, const char *hoa)
{
	struct proxy_client_info ci;

	assert_int_equal(proxy_client_lookup(f->px, pxt_addr(hoa), NULL, &ci), 0);
	return ci.state;
}

/* The registration request inside the last frame sent toward the FA. */
static const uint8_t *
last_rrq(struct fix *f)
{
	assert_true(f->n_fa > 0);
	assert_int_equal(f->fa[f->n_fa - 1].len, 14 + 20 + 8 + 24 + 22);
	return f->fa[f->n_fa - 1].buf + 42;
}

static struct proxy_counters
counters(struct fix *f)
{
	struct proxy_counters c;

	proxy_get_counters(f->px, &c);
	return c;
}

/* A Registration Reply: fixed part, then an MHAE under @k when @k is not NULL. */
static size_t
make_rrp(uint8_t *b, uint8_t code, uint16_t lifetime, const char *hoa, uint64_t id,
         const uint8_t *k)
{
	b[0] = 3;
	b[1] = code;
	pxt_put16(b + 2, lifetime);
	memcpy(b + 4, &(struct in_addr){ pxt_addr(hoa).s_addr }, 4);
	memcpy(b + 8, &(struct in_addr){ pxt_addr(HAADDR).s_addr }, 4);
	pxt_put32(b + 12, (uint32_t)(id >> 32));
	pxt_put32(b + 16, (uint32_t)id);
	if (k == NULL)
		return 20;
	b[20] = 32;
	b[21] = 20;
	pxt_put32(b + 22, SPI);
	pxt_hmac_md5(k, b, 26, b + 26);
	return 42;
}

/* Hand @msg to the proxy as the FA's reply frame leaving the client-facing port. */
static void
fa_reply_from(struct fix *f, const char *src, const uint8_t *dst_mac, const uint8_t *msg,
              size_t len)
{
	uint8_t fr[256];

	assert_true(42 + len <= sizeof(fr));
	proxy_port_input(f->px, fr,
	                 pxt_udp_frame(fr, dst_mac, mac_f, pxt_addr(src), pxt_addr(HOA), msg, len),
	                 true);
	pump(f);
}

static void
fa_reply(struct fix *f, const uint8_t *msg, size_t len)
{
	fa_reply_from(f, FAADDR, mac_c, msg, len);
}

/* Visiting client seen with an FA known: the first request is in f->fa[0]. */
static uint64_t
register_start(struct fix *f)
{
	fa_found(f, 1800);
	client_event(f, DISC_CLIENT_SEEN, HOA, mac_c, false);
	assert_int_equal(f->n_fa, 1);
	return pxt_get64(last_rrq(f) + 16);
}

static void
accept_last(struct fix *f, uint16_t lifetime)
{
	uint8_t b[64];

	fa_reply(f, b, make_rrp(b, 0, lifetime, HOA, pxt_get64(last_rrq(f) + 16), key));
}

/* --- tests --- */

static void
test_request_layout(void **state)
{
	struct fix *f = *state;
	const uint8_t *fr, *ip, *rrq;
	uint8_t auth[16], pseudo[12 + 8 + 46];
	uint64_t id;

	id = register_start(f);
	fr = f->fa[0].buf;
	ip = fr + 14;
	rrq = fr + 42;
	assert_int_equal(state_of(f, HOA), PROXY_CS_REGISTERING);
	/* Ethernet: to the FA's MAC, from the client's, IPv4. */
	assert_memory_equal(fr, mac_f, 6);
	assert_memory_equal(fr + 6, mac_c, 6);
	assert_int_equal(fr[12] << 8 | fr[13], 0x0800);
	/* IPv4: 20 bytes, total 20 + 8 + 46, DF, TTL 64, UDP, home address -> FA, checksum. */
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[2] << 8 | ip[3], 74);
	assert_int_equal(ip[6], 0x40);
	assert_int_equal(ip[8], 64);
	assert_int_equal(ip[9], 17);
	assert_int_equal(pxt_get32(ip + 12), ntohl(pxt_addr(HOA).s_addr));
	assert_int_equal(pxt_get32(ip + 16), ntohl(pxt_addr(FAADDR).s_addr));
	assert_int_equal(pxt_cksum(ip, 20), 0);
	/* UDP 434 -> 434, length 54, checksum over the pseudo header. */
	assert_int_equal(pxt_get32(fr + 34), 434u << 16 | 434u);
	assert_int_equal(fr[38] << 8 | fr[39], 54);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 17;
	pxt_put16(pseudo + 10, 54);
	memcpy(pseudo + 12, fr + 34, 54);
	assert_int_equal(pxt_cksum(pseudo, sizeof(pseudo)), 0);
	/* RRQ: type 1, flags T (configured and advertised), lifetime min(600, 1800). */
	assert_int_equal(rrq[0], 1);
	assert_int_equal(rrq[1], 0x02);
	assert_int_equal(rrq[2] << 8 | rrq[3], 600);
	assert_int_equal(pxt_get32(rrq + 4), ntohl(pxt_addr(HOA).s_addr));
	assert_int_equal(pxt_get32(rrq + 8), ntohl(pxt_addr(HAADDR).s_addr));
	assert_int_equal(pxt_get32(rrq + 12), ntohl(pxt_addr(FAADDR).s_addr));
	/* Identification: the fake NTP time (t = 100 s, fraction 0). */
	assert_int_equal(id >> 32, PXT_NTP_S0 + 100);
	/* MHAE: type 32, length 20, SPI, HMAC-MD5 over everything before the authenticator. */
	assert_int_equal(rrq[24], 32);
	assert_int_equal(rrq[25], 20);
	assert_int_equal(pxt_get32(rrq + 26), SPI);
	pxt_hmac_md5(key, rrq, 30, auth);
	assert_memory_equal(rrq + 30, auth, 16);
	assert_int_equal(counters(f).requests_sent, 1);
}

static void
test_retransmit_backoff(void **state)
{
	struct fix *f = *state;
	struct proxy_client_info ci;
	uint64_t ids[4];

	ids[0] = register_start(f);
	/* Timeouts 1, 2, 4 s: sends at +1000, +3000, +7000; none earlier. */
	advance(f, 999);
	assert_int_equal(f->n_fa, 1);
	advance(f, 1);
	assert_int_equal(f->n_fa, 2);
	ids[1] = pxt_get64(last_rrq(f) + 16);
	advance(f, 1999);
	assert_int_equal(f->n_fa, 2);
	advance(f, 1);
	assert_int_equal(f->n_fa, 3);
	ids[2] = pxt_get64(last_rrq(f) + 16);
	advance(f, 4000);
	assert_int_equal(f->n_fa, 4);
	ids[3] = pxt_get64(last_rrq(f) + 16);
	for (int i = 0; i < 4; i++) /* each transmission has its own identification */
		for (int j = i + 1; j < 4; j++)
			assert_true((uint32_t)ids[i] != (uint32_t)ids[j]);
	assert_int_equal(counters(f).retransmissions, 3);
	/* retransmit-max 3: 8 s after the last one the attempt fails. */
	advance(f, 7999);
	assert_int_equal(f->fails.n, 0);
	advance(f, 1);
	assert_int_equal(f->fails.n, 1);
	assert_int_equal(f->fails.fail[0].why, PROXY_FAIL_TIMEOUT);
	assert_int_equal(f->fails.fail[0].code, 0);
	assert_int_equal(f->fails.fail[0].fa.s_addr, pxt_addr(FAADDR).s_addr);
	assert_int_equal(f->fails.fail[0].coa.s_addr, pxt_addr(FAADDR).s_addr);
	assert_int_equal(f->fails.fail[0].ha.s_addr, pxt_addr(HAADDR).s_addr);
	assert_int_equal(f->fails.fail[0].hoa.s_addr, pxt_addr(HOA).s_addr);
	assert_int_equal(counters(f).timeouts, 1);
	assert_int_equal(state_of(f, HOA), PROXY_CS_BACKOFF);
	/* Backoff: retransmit-initial << attempts = 2 s, then a new attempt. */
	advance(f, 1999);
	assert_int_equal(f->n_fa, 4);
	advance(f, 1);
	assert_int_equal(f->n_fa, 5);
	assert_int_equal(proxy_client_lookup(f->px, pxt_addr(HOA), NULL, &ci), 0);
	assert_int_equal(ci.attempts, 1);
	assert_int_equal(ci.state, PROXY_CS_REGISTERING);
}

static void
test_register_and_reregister(void **state)
{
	struct fix *f = *state;
	struct proxy_client_info ci;
	uint64_t t0 = f->now_ms;
	const uint8_t *arp;

	register_start(f);
	/* The reply arrives 300 ms later; re-registration counts from the send. */
	advance(f, 300);
	accept_last(f, 600);
	assert_int_equal(proxy_client_lookup(f->px, pxt_addr(HOA), mac_c, &ci), 0);
	assert_int_equal(ci.state, PROXY_CS_REGISTERED);
	assert_true(ci.registered);
	assert_int_equal(ci.lifetime, 600);
	assert_int_equal(ci.last_code, 0);
	assert_int_equal(ci.fa.s_addr, pxt_addr(FAADDR).s_addr);
	assert_int_equal(ci.rereg_in_ms, 450000 - 300);
	assert_int_equal(counters(f).replies_accepted, 1);
	/* The client is told its gateway is at the FA's MAC. */
	assert_int_equal(f->n_cl, 1);
	arp = f->cl[0].buf;
	assert_memory_equal(arp, mac_c, 6);
	assert_memory_equal(arp + 6, mac_f, 6);
	assert_int_equal(arp[21], 2);            /* reply */
	assert_memory_equal(arp + 22, mac_f, 6); /* sender: the FA's MAC ... */
	assert_int_equal(pxt_get32(arp + 28), ntohl(pxt_addr(GW).s_addr)); /* ... for the gateway */
	/* The client is heard (any ARP from it), so 75 % of 600 s after the send: renewal. */
	{
		uint8_t fr[42] = { 0 };

		memset(fr, 0xff, 6);
		memcpy(fr + 6, mac_c, 6);
		pxt_put16(fr + 12, 0x0806);
		pxt_put16(fr + 14, 1);
		pxt_put16(fr + 16, 0x0800);
		fr[18] = 6;
		fr[19] = 4;
		pxt_put16(fr + 20, 1);
		memcpy(fr + 22, mac_c, 6);
		memcpy(fr + 28, &(struct in_addr){ pxt_addr(HOA).s_addr }, 4);
		memcpy(fr + 38, &(struct in_addr){ pxt_addr("192.0.2.7").s_addr }, 4);
		proxy_port_input(f->px, fr, sizeof(fr), false);
	}
	advance(f, t0 + 450000 - 1 - f->now_ms);
	assert_int_equal(f->n_fa, 1);
	advance(f, 1);
	assert_int_equal(f->n_fa, 2);
	assert_int_equal(last_rrq(f)[2] << 8 | last_rrq(f)[3], 600);
	assert_int_equal(proxy_client_lookup(f->px, pxt_addr(HOA), NULL, &ci), 0);
	assert_int_equal(ci.state, PROXY_CS_REGISTERING);
	assert_true(ci.registered); /* the old registration is still in force */
}

static void
test_resync_133(void **state)
{
	struct fix *f = *state;
	uint8_t b[64];
	uint64_t id = register_start(f), id2;

	/* The HA's clock is 100 s ahead: 133 with its time high, our low 32 bits. */
	fa_reply(f, b,
	         make_rrp(b, 133, 0, HOA, (uint64_t)(PXT_NTP_S0 + 200) << 32 | (uint32_t)id, key));
	assert_int_equal(counters(f).replies_resync, 1);
	assert_int_equal(f->n_fa, 2); /* resent at once */
	id2 = pxt_get64(last_rrq(f) + 16);
	assert_int_equal(id2 >> 32, PXT_NTP_S0 + 200);
	assert_int_equal(f->fails.n, 0);
	assert_int_equal(proxy_denials(f->px, 133), 1);
	accept_last(f, 600);
	assert_int_equal(state_of(f, HOA), PROXY_CS_REGISTERED);
	/* The offset is kept per HA: the next request carries it too. */
	advance(f, 1000);
	client_event(f, DISC_CLIENT_GONE, HOA, mac_c, false);
	assert_int_equal(f->n_fa, 3);
	assert_int_equal(pxt_get64(last_rrq(f) + 16) >> 32, PXT_NTP_S0 + 201);
}

static void
test_lifetime_69(void **state)
{
	struct fix *f = *state;
	uint8_t b[64];
	uint64_t id = register_start(f);

	/* The FA's 69 carries no MHAE and its maximum in the lifetime field. */
	fa_reply(f, b, make_rrp(b, 69, 300, HOA, id, NULL));
	assert_int_equal(counters(f).replies_lifetime, 1);
	assert_int_equal(f->n_fa, 2);
	assert_int_equal(last_rrq(f)[2] << 8 | last_rrq(f)[3], 300);
	assert_int_equal(f->fails.n, 0);
	accept_last(f, 300);
	assert_int_equal(state_of(f, HOA), PROXY_CS_REGISTERED);
}

static struct pmip_event bus_ev;
static int bus_n;

static void
bus_fn(enum pmip_event_type type, const struct pmip_event *ev, void *ctx)
{
	bus_ev = *ev;
	bus_ev.role = NULL; /* borrowed */
	assert_string_equal(ev->role, "proxy");
	bus_n++;
}

static void
test_denial_backoff_event(void **state)
{
	struct fix *f = *state;
	uint8_t b[64];

	register_start(f);
	assert_int_equal(event_subscribe(PMIP_EVENT_REG_FAILURE, bus_fn, NULL), 0);
	fa_reply(f, b, make_rrp(b, 129, 0, HOA, pxt_get64(last_rrq(f) + 16), key));
	event_unsubscribe(PMIP_EVENT_REG_FAILURE, bus_fn, NULL);
	assert_int_equal(bus_n, 1); /* also on the event bus for NETCONF and SNMP */
	assert_int_equal(bus_ev.code, 129);
	assert_int_equal(bus_ev.hoa.s_addr, pxt_addr(HOA).s_addr);
	assert_int_equal(bus_ev.coa.s_addr, pxt_addr(FAADDR).s_addr);
	assert_int_equal(f->fails.n, 1);
	assert_int_equal(f->fails.fail[0].why, PROXY_FAIL_DENIED);
	assert_int_equal(f->fails.fail[0].code, 129);
	assert_memory_equal(f->fails.fail[0].mac, mac_c, 6);
	assert_string_equal(f->fails.fail[0].reason,
	                    "denied by the HA: administratively prohibited");
	assert_int_equal(f->fails.fail[0].attempts, 1);
	assert_int_equal(state_of(f, HOA), PROXY_CS_BACKOFF);
	advance(f, 1999);
	assert_int_equal(f->n_fa, 1);
	advance(f, 1);
	assert_int_equal(f->n_fa, 2);
	fa_reply(f, b, make_rrp(b, 129, 0, HOA, pxt_get64(last_rrq(f) + 16), key));
	assert_int_equal(f->fails.n, 2);
	assert_int_equal(f->fails.fail[1].attempts, 2);
	/* Exponential: 4 s this time. */
	advance(f, 3999);
	assert_int_equal(f->n_fa, 2);
	advance(f, 1);
	assert_int_equal(f->n_fa, 3);
	assert_int_equal(proxy_denials(f->px, 129), 2);
	assert_int_equal(counters(f).replies_denied, 2);
}

static void
test_reply_validation(void **state)
{
	struct fix *f = *state;
	uint8_t b[64];
	size_t n;
	uint64_t id = register_start(f);
	uint8_t other_mac[6] = { 2, 0, 0, 0, 9, 9 };

	/* Wrong identification (low 32 bits). */
	fa_reply(f, b, make_rrp(b, 0, 600, HOA, id + 1, key));
	assert_int_equal(counters(f).replies_unmatched, 1);
	/* Wrong home address. */
	fa_reply(f, b, make_rrp(b, 0, 600, "192.0.2.55", id, key));
	assert_int_equal(counters(f).replies_unmatched, 2);
	/* Bad authenticator, missing MHAE, wrong SPI. */
	n = make_rrp(b, 0, 600, HOA, id, key);
	b[n - 1] ^= 0x01;
	fa_reply(f, b, n);
	fa_reply(f, b, make_rrp(b, 0, 600, HOA, id, NULL));
	n = make_rrp(b, 0, 600, HOA, id, key);
	pxt_put32(b + 22, SPI + 1);
	fa_reply(f, b, n);
	assert_int_equal(counters(f).replies_bad_auth, 3);
	/* Not from the FA's address, or not to the client's MAC. */
	fa_reply_from(f, "198.51.100.9", mac_c, b, make_rrp(b, 0, 600, HOA, id, key));
	fa_reply_from(f, FAADDR, other_mac, b, make_rrp(b, 0, 600, HOA, id, key));
	assert_int_equal(counters(f).replies_bad_source, 2);
	/* Not a reply at all. */
	b[0] = 1;
	fa_reply(f, b, 20);
	assert_int_equal(counters(f).replies_malformed, 1);
	assert_int_equal(state_of(f, HOA), PROXY_CS_REGISTERING);
	assert_int_equal(counters(f).replies_accepted, 0);
	/* The genuine reply still works. */
	fa_reply(f, b, make_rrp(b, 0, 600, HOA, id, key));
	assert_int_equal(state_of(f, HOA), PROXY_CS_REGISTERED);
}

static void
test_wrong_key_reports_131(void **state)
{
	struct fix *f = *state;
	uint8_t b[64];

	register_start(f);
	/* The HA answers 131 authenticated with its key, which differs from ours. */
	for (int i = 0; i < 4; i++) {
		fa_reply(f, b, make_rrp(b, 131, 0, HOA, pxt_get64(last_rrq(f) + 16), wrong_key));
		advance(f, (uint64_t)RT_INIT << i);
	}
	assert_int_equal(counters(f).replies_bad_auth, 4);
	assert_int_equal(f->fails.n, 1);
	assert_int_equal(f->fails.fail[0].why, PROXY_FAIL_TIMEOUT);
	assert_int_equal(f->fails.fail[0].code, 131);
}

static void
test_no_sa(void **state)
{
	struct fix *f = *state;
	static const uint8_t mac2[6] = { 2, 0, 0, 0, 1, 1 };

	fa_found(f, 1800);
	client_event(f, DISC_CLIENT_SEEN, HOA2, mac2, false);
	assert_int_equal(f->n_fa, 0);
	assert_int_equal(f->fails.n, 1);
	assert_int_equal(f->fails.fail[0].why, PROXY_FAIL_NO_SA);
	assert_int_equal(counters(f).ks_not_found, 1);
	assert_int_equal(state_of(f, HOA2), PROXY_CS_BACKOFF);
}

static void
test_wait_fa_then_found(void **state)
{
	struct fix *f = *state;

	client_event(f, DISC_CLIENT_SEEN, HOA, mac_c, false);
	assert_int_equal(state_of(f, HOA), PROXY_CS_WAIT_FA);
	assert_int_equal(f->n_fa, 0);
	fa_found(f, 1800);
	pump(f);
	assert_int_equal(f->n_fa, 1);
	assert_int_equal(state_of(f, HOA), PROXY_CS_REGISTERING);
}

static void
test_gone_deregisters(void **state)
{
	struct fix *f = *state;
	uint8_t b[64];
	const uint8_t *rrq;

	register_start(f);
	accept_last(f, 600);
	client_event(f, DISC_CLIENT_GONE, HOA, mac_c, false);
	assert_int_equal(f->n_fa, 2);
	rrq = last_rrq(f);
	assert_int_equal(rrq[2] << 8 | rrq[3], 0);                             /* lifetime 0 */
	assert_int_equal(pxt_get32(rrq + 12), ntohl(pxt_addr(FAADDR).s_addr)); /* care-of address */
	assert_int_equal(counters(f).deregistrations_sent, 1);
	assert_int_equal(state_of(f, HOA), PROXY_CS_DEREGISTERING);
	fa_reply(f, b, make_rrp(b, 0, 0, HOA, pxt_get64(rrq + 16), key));
	assert_int_equal(proxy_client_count(f->px), 0);
}

static void
test_at_home_deregisters(void **state)
{
	struct fix *f = *state;
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(434) };
	uint8_t b[64];
	const uint8_t *rrq;

	client_event(f, DISC_CLIENT_SEEN, HOA, mac_c, true);
	assert_int_equal(f->n_fa, 0);
	assert_int_equal(f->n_ha, 1);
	rrq = f->ha[0].buf;
	assert_int_equal(f->ha[0].len, 46);
	assert_int_equal(f->ha[0].to.s_addr, pxt_addr(HAADDR).s_addr);
	assert_int_equal(rrq[0], 1);
	assert_int_equal(rrq[2] << 8 | rrq[3], 0);
	assert_int_equal(pxt_get32(rrq + 12),
	                 ntohl(pxt_addr(HOA).s_addr)); /* care-of = home address */
	assert_int_equal(state_of(f, HOA), PROXY_CS_HOME_DEREG);
	/* A reply from somewhere else is not taken. */
	from.sin_addr = pxt_addr("192.0.2.9");
	proxy_ha_input(f->px, b, make_rrp(b, 0, 0, HOA, pxt_get64(rrq + 16), key), &from);
	assert_int_equal(counters(f).replies_bad_source, 1);
	from.sin_addr = pxt_addr(HAADDR);
	proxy_ha_input(f->px, b, make_rrp(b, 0, 0, HOA, pxt_get64(rrq + 16), key), &from);
	assert_int_equal(state_of(f, HOA), PROXY_CS_AT_HOME);
	assert_int_equal(counters(f).home_deregistrations_sent, 1);
	/* Once per appearance: nothing more until discovery reports it again. */
	advance(f, 60000);
	assert_int_equal(f->n_ha, 1);
	client_event(f, DISC_CLIENT_SEEN, HOA, mac_c, true);
	assert_int_equal(f->n_ha, 2);
	from.sin_addr = pxt_addr(HAADDR);
	proxy_ha_input(f->px, b, make_rrp(b, 0, 0, HOA, pxt_get64(f->ha[1].buf + 16), key), &from);
	assert_int_equal(state_of(f, HOA), PROXY_CS_AT_HOME);
	/* A gratuitous ARP (the client re-associated) is a new appearance too. */
	{
		uint8_t fr[42] = { 0 };

		memset(fr, 0xff, 6);
		memcpy(fr + 6, mac_c, 6);
		pxt_put16(fr + 12, 0x0806);
		pxt_put16(fr + 14, 1);
		pxt_put16(fr + 16, 0x0800);
		fr[18] = 6;
		fr[19] = 4;
		pxt_put16(fr + 20, 1);
		memcpy(fr + 22, mac_c, 6);
		memcpy(fr + 28, &(struct in_addr){ pxt_addr(HOA).s_addr }, 4);
		memcpy(fr + 38, &(struct in_addr){ pxt_addr(HOA).s_addr }, 4);
		proxy_port_input(f->px, fr, sizeof(fr), false);
		pump(f);
	}
	assert_int_equal(f->n_ha, 3);
	assert_int_equal(state_of(f, HOA), PROXY_CS_HOME_DEREG);
}

static void
test_arp_interception_and_probe(void **state)
{
	struct fix *f = *state;
	uint8_t fr[42] = { 0 };
	const uint8_t *arp;

	register_start(f);
	accept_last(f, 100);
	f->n_cl = 0;
	/* The client asks for an off-link address: answered with the FA's MAC. */
	memset(fr, 0xff, 6);
	memcpy(fr + 6, mac_c, 6);
	pxt_put16(fr + 12, 0x0806);
	pxt_put16(fr + 14, 1);
	pxt_put16(fr + 16, 0x0800);
	fr[18] = 6;
	fr[19] = 4;
	pxt_put16(fr + 20, 1);
	memcpy(fr + 22, mac_c, 6);
	memcpy(fr + 28, &(struct in_addr){ pxt_addr(HOA).s_addr }, 4);
	memcpy(fr + 38, &(struct in_addr){ pxt_addr("203.0.113.10").s_addr }, 4);
	proxy_port_input(f->px, fr, sizeof(fr), false);
	assert_int_equal(f->n_cl, 1);
	arp = f->cl[0].buf;
	assert_int_equal(arp[21], 2);
	assert_memory_equal(arp + 22, mac_f, 6);
	assert_int_equal(pxt_get32(arp + 28), ntohl(pxt_addr("203.0.113.10").s_addr));
	assert_memory_equal(arp + 32, mac_c, 6);
	/* The same frame seen leaving the port (our own): ignored. */
	proxy_port_input(f->px, fr, sizeof(fr), true);
	assert_int_equal(f->n_cl, 1);
	/* No ARP since the registration... the heard flag was set by the request above, so
	 * let the renewal happen, accept it, then stay silent until the next one. */
	advance(f, 75000);
	assert_int_equal(f->n_fa, 2);
	accept_last(f, 100);
	f->n_cl = 0;
	advance(f, 75000); /* silent: probe instead of renewing */
	assert_int_equal(f->n_fa, 2);
	assert_int_equal(state_of(f, HOA), PROXY_CS_PROBING);
	assert_int_equal(f->n_cl, 1);
	arp = f->cl[0].buf;
	assert_int_equal(arp[21], 1);             /* request */
	assert_int_equal(pxt_get32(arp + 28), 0); /* sender 0.0.0.0: a probe */
	assert_int_equal(pxt_get32(arp + 38), ntohl(pxt_addr(HOA).s_addr));
	advance(f, RT_INIT);
	advance(f, RT_INIT);
	assert_int_equal(counters(f).arp_probes_sent, 3);
	advance(f, RT_INIT); /* no answer: deregistered through the FA */
	assert_int_equal(counters(f).clients_silent, 1);
	assert_int_equal(f->n_fa, 3);
	assert_int_equal(last_rrq(f)[2] << 8 | last_rrq(f)[3], 0);
}

static void
test_fa_lost_reregisters_elsewhere(void **state)
{
	struct fix *f = *state;
	union disc_event_data d = { 0 };
	static const uint8_t mac_f2[6] = { 2, 0, 0, 0, 0x0f, 0x0b };

	register_start(f);
	accept_last(f, 600);
	/* A second FA appears, then the first is lost: re-registration through the second. */
	d.agent.addr = pxt_addr("198.51.100.3");
	d.agent.roles = DISC_ROLE_FA;
	d.agent.flags = 0x9000;
	d.agent.max_lifetime = 900;
	d.agent.n_coa = 1;
	d.agent.coa[0] = d.agent.addr;
	d.agent.has_mac = true;
	memcpy(d.agent.mac, mac_f2, 6);
	proxy_disc_event(f->px, DISC_AGENT_FOUND, &d);
	assert_int_equal(f->n_fa, 1);
	d.agent.addr = pxt_addr(FAADDR);
	proxy_disc_event(f->px, DISC_AGENT_LOST, &d);
	pump(f);
	assert_int_equal(f->n_fa, 2);
	assert_memory_equal(f->fa[1].buf, mac_f2, 6);
	assert_int_equal(pxt_get32(last_rrq(f) + 12), ntohl(pxt_addr("198.51.100.3").s_addr));
	assert_int_equal(last_rrq(f)[1], 0); /* that FA does not advertise T */
}

static void
test_keystore_switch_restarts_lookup(void **state)
{
	struct fix *f = *state;
	union disc_event_data d = { 0 };

	fa_found(f, 1800);
	memcpy(d.client.mac, mac_c, 6);
	d.client.addr = pxt_addr(HOA);
	proxy_disc_event(f->px, DISC_CLIENT_SEEN, &d); /* lookup in flight, not pumped */
	assert_int_equal(state_of(f, HOA), PROXY_CS_WAIT_SA);
	proxy_set_keystore(f->px, f->ks.chain);
	pump(f);
	assert_int_equal(f->n_fa, 1); /* exactly one request: the old lookup was cancelled */
	assert_int_equal(state_of(f, HOA), PROXY_CS_REGISTERING);
}

static void
test_ignored_and_unmapped_clients(void **state)
{
	struct fix *f = *state;
	static const uint8_t mac2[6] = { 2, 0, 0, 0, 2, 2 };

	fa_found(f, 1800);
	/* Outside the subnet map: nothing is sent. */
	client_event(f, DISC_CLIENT_SEEN, "203.0.113.50", mac2, false);
	assert_int_equal(state_of(f, "203.0.113.50"), PROXY_CS_NO_HA);
	assert_int_equal(counters(f).no_home_agent, 1);
	/* Registered, then discovery says to leave it alone: withdrawn, then only listed. */
	register_start(f);
	accept_last(f, 600);
	client_event(f, DISC_CLIENT_IGNORED, HOA, mac_c, false);
	assert_int_equal(f->n_fa, 2);
	assert_int_equal(last_rrq(f)[2] << 8 | last_rrq(f)[3], 0);
	assert_int_equal(f->fails.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_request_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retransmit_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_and_reregister, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resync_133, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lifetime_69, setup, teardown),
		cmocka_unit_test_setup_teardown(test_denial_backoff_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key_reports_131, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_sa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_fa_then_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone_deregisters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_at_home_deregisters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp_interception_and_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fa_lost_reregisters_elsewhere, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_keystore_switch_restarts_lookup, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_ignored_and_unmapped_clients, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
