/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fa.c - unit tests of the foreign agent's relay, reply codes and visitor list.
 *
 * The foreign agent runs on a real event loop with the keystore-local plugin (from
 * $PMIP_PLUGIN_DIR) over an SA table of the test's own, a fake tunnel back end that
 * records its calls, and send hooks that record every datagram. Requests and replies are
 * built byte by byte here, and every authenticator the tests expect is computed with
 * OpenSSL's HMAC directly, never with the code under test.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "engine.h"
#include "ev.h"
#include "fa.h"
#include "fa_int.h"
#include "keystore.h"
#include "log.h"
#include "tunnel.h"

#define IFIDX    7
#define HOA      "10.1.0.10"
#define HOA2     "10.1.0.20"
#define HAADDR   "10.1.0.1"
#define COA      "192.0.2.1"
#define MNPORT   4321
#define SPI_MH   0x100
#define SPI_MF   0x200
#define SPI_FH   0x300
#define MAXDGRAM 16

static const uint8_t key_mh[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t key_mf[16] = { 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29 };
static const uint8_t key_fh[16] = { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39 };
static const uint8_t mn_mac[6] = { 0x02, 0, 0, 0, 0, 0x0a };

struct dgram {
	struct in_addr from;
	struct sockaddr_in to;
	unsigned ifindex;
	uint8_t mac[6];
	uint8_t buf[2048];
	size_t len;
};

/* Fake tunnel back end. */
struct tun_rec {
	unsigned tunnel_add, tunnel_del, route_add, route_del, reverse_add, reverse_del;
	struct tun_params tp;
	struct tun_route route;
	struct tun_reverse rev;
	int tunnel_add_rc;
	uint32_t next_id;
	uint32_t caps; /* what the fake back end reports (enum tun_cap) */
};

struct fix {
	struct ev_loop *loop;
	struct sa_table *sas;
	struct ks_env ks_env;
	struct ks_chain *chain;
	struct fa_config cfg;
	struct fa_interface ifs[1];
	struct fa *fa;
	struct tun_rec tun;
	struct dgram to_ha[MAXDGRAM], to_mn[MAXDGRAM];
	size_t n_ha, n_mn;
};

/* --- byte helpers and independent authenticators --- */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return ntohl(a.s_addr);
}

static struct in_addr
addr(const char *s)
{
	struct in_addr a = { htonl(ip(s)) };

	return a;
}

/* Append an authentication extension of @type whose HMAC-MD5 covers buf[0..). */
static size_t
put_auth(uint8_t *buf, size_t len, uint8_t type, uint32_t spi, const uint8_t *key)
{
	unsigned mdlen = 16;

	buf[len] = type;
	buf[len + 1] = 20;
	put32(buf + len + 2, spi);
	assert_non_null(HMAC(EVP_md5(), key, 16, buf, len + 6, buf + len + 6, &mdlen));
	return len + 22;
}

/* Extensions a test can add to a request or reply. */
#define X_NVSE_AFTER 0x01 /* skippable NVSE after the MHAE (must be stripped) */
#define X_MFAE       0x02 /* MN-FA authentication extension */
#define X_BAD_MFAE   0x04 /* ... with a wrong authenticator */
#define X_EDS        0x08 /* Encapsulating Delivery Style after the MHAE */
#define X_CVSE_AFTER 0x10 /* critical vendor extension after the MHAE */
#define X_BAD_LEN    0x20 /* an extension whose length runs past the end */
#define X_FHAE       0x40 /* FA-HA authentication extension (replies) */
#define X_BAD_FHAE   0x80 /* ... with a wrong authenticator */
#define X_NO_MHAE    0x100

static size_t
put_tail(uint8_t *b, size_t n, unsigned x)
{
	static const uint8_t nvse[] = { 134, 8, 0, 0, 0, 0, 0x1f, 0x2b, 0, 1 };
	static const uint8_t cvse[] = { 38, 0, 0, 6, 0, 0, 0x1f, 0x2b, 0, 1 };

	if (!(x & X_NO_MHAE))
		n = put_auth(b, n, 32, SPI_MH, key_mh);
	if (x & X_NVSE_AFTER) {
		memcpy(b + n, nvse, sizeof(nvse));
		n += sizeof(nvse);
	}
	if (x & X_EDS) {
		b[n++] = 130;
		b[n++] = 0;
	}
	if (x & X_CVSE_AFTER) {
		memcpy(b + n, cvse, sizeof(cvse));
		n += sizeof(cvse);
	}
	if (x & (X_MFAE | X_BAD_MFAE)) {
		n = put_auth(b, n, 33, SPI_MF, key_mf);
		if (x & X_BAD_MFAE)
			b[n - 1] ^= 1;
	}
	if (x & (X_FHAE | X_BAD_FHAE)) {
		n = put_auth(b, n, 34, SPI_FH, key_fh);
		if (x & X_BAD_FHAE)
			b[n - 1] ^= 1;
	}
	if (x & X_BAD_LEN) {
		b[n++] = 134;
		b[n++] = 40; /* 40 bytes announced, none follow */
	}
	return n;
}

static size_t
build_rrq(uint8_t *b, uint8_t flags, uint16_t lifetime, const char *hoa, const char *coa,
          uint64_t id, unsigned x)
{
	b[0] = 1;
	b[1] = flags;
	put16(b + 2, lifetime);
	put32(b + 4, ip(hoa));
	put32(b + 8, ip(HAADDR));
	put32(b + 12, ip(coa));
	put32(b + 16, (uint32_t)(id >> 32));
	put32(b + 20, (uint32_t)id);
	return put_tail(b, 24, x);
}

static size_t
build_rrp(uint8_t *b, uint8_t code, uint16_t lifetime, const char *hoa, uint64_t id, unsigned x)
{
	b[0] = 3;
	b[1] = code;
	put16(b + 2, lifetime);
	put32(b + 4, ip(hoa));
	put32(b + 8, ip(HAADDR));
	put32(b + 12, (uint32_t)(id >> 32));
	put32(b + 16, (uint32_t)id);
	return put_tail(b, 20, x);
}

/* --- hooks --- */

static int
send_ha(void *arg, struct in_addr from, const struct sockaddr_in *to, const uint8_t *buf,
        size_t len)
{
	struct fix *f = arg;
	struct dgram *d = &f->to_ha[f->n_ha++];

	assert_true(f->n_ha <= MAXDGRAM && len <= sizeof(d->buf));
	d->from = from;
	d->to = *to;
	memcpy(d->buf, buf, len);
	d->len = len;
	return 0;
}

static int
send_mn(void *arg, unsigned ifindex, const uint8_t mac[FA_MAC_LEN], struct in_addr from,
        const struct sockaddr_in *to, const uint8_t *buf, size_t len)
{
	struct fix *f = arg;
	struct dgram *d = &f->to_mn[f->n_mn++];

	assert_true(f->n_mn <= MAXDGRAM && len <= sizeof(d->buf));
	d->from = from;
	d->to = *to;
	d->ifindex = ifindex;
	memcpy(d->mac, mac, 6);
	memcpy(d->buf, buf, len);
	d->len = len;
	return 0;
}

static unsigned
if_index(void *arg, const char *name)
{
	return strcmp(name, "wlan0") == 0 ? IFIDX : 0;
}

static struct tun_rec *
rec(void *inst)
{
	return inst;
}

static uint32_t
t_caps(void *inst)
{
	return rec(inst)->caps;
}

static int
t_tunnel_add(void *inst, const struct tun_params *p, uint32_t *id, char *e, size_t el)
{
	rec(inst)->tunnel_add++;
	rec(inst)->tp = *p;
	if (rec(inst)->tunnel_add_rc != 0)
		return rec(inst)->tunnel_add_rc;
	*id = ++rec(inst)->next_id;
	return 0;
}

static int
t_tunnel_del(void *inst, uint32_t id)
{
	rec(inst)->tunnel_del++;
	return 0;
}

static int
t_route_add(void *inst, const struct tun_route *r, char *e, size_t el)
{
	rec(inst)->route_add++;
	rec(inst)->route = *r;
	return 0;
}

static int
t_route_del(void *inst, const struct tun_route *r)
{
	rec(inst)->route_del++;
	return 0;
}

static int
t_reverse_add(void *inst, const struct tun_reverse *r, char *e, size_t el)
{
	rec(inst)->reverse_add++;
	rec(inst)->rev = *r;
	return 0;
}

static int
t_reverse_del(void *inst, const struct tun_reverse *r)
{
	rec(inst)->reverse_del++;
	return 0;
}

static const struct tun_ops fake_tun = {
	.caps = t_caps,
	.tunnel_add = t_tunnel_add,
	.tunnel_del = t_tunnel_del,
	.route_add = t_route_add,
	.route_del = t_route_del,
	.reverse_add = t_reverse_add,
	.reverse_del = t_reverse_del,
};

/* --- fixture --- */

static void
add_sa(struct sa_table *t, const char *name, enum sa_entity ent, const char *peer, uint32_t spi,
       const uint8_t *key)
{
	struct mip_sa *sa = mip_sa_new(MIP_AUTH_HMAC_MD5, key, 16);

	assert_non_null(sa);
	snprintf(sa->name, sizeof(sa->name), "%s", name);
	sa->peer_kind = SA_PEER_HOST;
	sa->lo = sa->hi = addr(peer);
	sa->entity = ent;
	sa->spi = spi;
	sa->source = "config";
	assert_int_equal(sa_table_put(t, sa), 0);
	mip_sa_unref(sa);
}

static void
start_fa(struct fix *f)
{
	struct role_env env = {
		.loop = f->loop, .ks_chain = f->chain, .send = send_ha, .send_arg = f
	};
	struct fa_hooks hooks = { .send_mn = send_mn,
		                  .ifindex = if_index,
		                  .tun_ops = &fake_tun,
		                  .tun_inst = &f->tun,
		                  .arg = f };
	char err[256] = "";

	f->fa = fa_start_hooks(&env, &f->cfg, &hooks, err, sizeof(err));
	if (f->fa == NULL)
		fail_msg("fa_start_hooks: %s", err);
}

static int
setup(void **state)
{
	static const char *const names[] = { "local" };
	struct fix *f = calloc(1, sizeof(*f));
	char err[256] = "";

	assert_non_null(f);
	log_init("test_fa", LOG_DEST_STDERR, LOG_ERR);
	f->loop = ev_loop_new();
	f->sas = sa_table_new();
	assert_non_null(f->loop);
	assert_non_null(f->sas);
	f->ks_env.loop = f->loop;
	f->ks_env.sa_table = f->sas;
	f->chain = ks_chain_new(&f->ks_env, getenv("PMIP_PLUGIN_DIR"), names, 1, err, sizeof(err));
	if (f->chain == NULL)
		fail_msg("ks_chain_new: %s", err);
	snprintf(f->ifs[0].ifname, sizeof(f->ifs[0].ifname), "wlan0");
	f->ifs[0].coa = addr(COA);
	f->ifs[0].adv_interval_s = 600;
	f->ifs[0].adv_lifetime_s = 1800;
	f->cfg.ifs = f->ifs;
	f->cfg.n_ifs = 1;
	f->cfg.max_reg_lifetime = 1800;
	f->cfg.reg_timeout_s = 1;
	f->cfg.reverse_tunnel = FA_RT_AVAILABLE;
	f->cfg.gre = true;
	f->cfg.reg_required = true;
	f->tun.caps = TUN_CAP_IPIP | TUN_CAP_GRE | TUN_CAP_MINIMAL | TUN_CAP_REVERSE;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	fa_stop(f->fa);
	ks_chain_free(f->chain);
	for (int i = 0; i < 10; i++) /* let the chain's deferred completions run */
		ev_loop_run_once(f->loop);
	sa_table_free(f->sas);
	ev_loop_free(f->loop);
	free(f);
	return 0;
}

/* Run the loop until @cond holds or @ms pass. */
static bool
run_until(struct fix *f, bool (*cond)(struct fix *f), uint64_t ms)
{
	uint64_t end = ev_now_ms() + ms;

	while (!cond(f) && ev_now_ms() < end) {
		ev_loop_run_once(f->loop);
		usleep(1000);
	}
	return cond(f);
}

static bool
have_ha(struct fix *f)
{
	return f->n_ha > 0;
}

static bool
have_mn(struct fix *f)
{
	return f->n_mn > 0;
}

static bool
never(struct fix *f)
{
	return false;
}

/* Hand a request from the mobile node to the FA. */
static void
mn_sends(struct fix *f, const uint8_t *buf, size_t len, const char *src)
{
	struct role_rx rx = {
		.src = { .sin_family = AF_INET, .sin_port = htons(MNPORT), .sin_addr = addr(src) },
		.dst = addr(COA),
		.ifindex = IFIDX
	};

	fa_input(f->fa, buf, len, &rx, mn_mac);
}

static void
ha_sends(struct fix *f, const uint8_t *buf, size_t len)
{
	struct role_rx rx = {
		.src = { .sin_family = AF_INET, .sin_port = htons(434), .sin_addr = addr(HAADDR) },
		.dst = addr(COA),
		.ifindex = 3
	};

	fa_input(f->fa, buf, len, &rx, NULL);
}

/* The FA answered the mobile node itself: check addressing and code, return the datagram. */
static const struct dgram *
expect_denial(struct fix *f, uint8_t code)
{
	const struct dgram *d;

	assert_true(run_until(f, have_mn, 2000));
	assert_int_equal(f->n_mn, 1);
	d = &f->to_mn[0];
	assert_int_equal(d->ifindex, IFIDX);
	assert_memory_equal(d->mac, mn_mac, 6);
	assert_int_equal(d->from.s_addr, addr(COA).s_addr);
	assert_int_equal(d->to.sin_addr.s_addr, addr(HOA).s_addr);
	assert_int_equal(ntohs(d->to.sin_port), MNPORT);
	assert_true(d->len >= 20);
	assert_int_equal(d->buf[0], 3);
	assert_int_equal(d->buf[1], code);
	assert_int_equal(f->n_ha, 0);
	assert_int_equal(fa_pending_count(f->fa), 0);
	assert_int_equal(fa_visitor_count(f->fa), 0);
	return d;
}

/* Send a request and expect denial @code without an MFAE. */
static void
request_denied(struct fix *f, uint8_t flags, uint16_t lifetime, const char *coa, unsigned x,
               uint8_t code)
{
	uint8_t b[512];
	size_t n = build_rrq(b, flags, lifetime, HOA, coa, 0xe8f2a3b400000001ull, x);
	const struct dgram *d;

	start_fa(f);
	mn_sends(f, b, n, HOA);
	d = expect_denial(f, code);
	assert_int_equal(d->len, 20);                /* no extensions: no MN-FA SA */
	assert_memory_equal(d->buf + 4, b + 4, 8);   /* home address and home agent */
	assert_memory_equal(d->buf + 12, b + 16, 8); /* identification */
}

/* Register HOA completely; returns the identification used. */
static uint64_t
register_ok(struct fix *f, const char *hoa, uint8_t flags, uint16_t granted)
{
	uint8_t b[512];
	uint64_t id = 0xe8f2a3b400000000ull | ip(hoa);
	size_t n = build_rrq(b, flags, 600, hoa, COA, id, 0);
	size_t n_mn = f->n_mn;

	f->n_ha = 0;
	mn_sends(f, b, n, hoa);
	assert_true(run_until(f, have_ha, 2000));
	n = build_rrp(b, 0, granted, hoa, id, 0);
	ha_sends(f, b, n);
	assert_int_equal(f->n_mn, n_mn + 1);
	assert_int_equal(f->to_mn[n_mn].buf[1], 0);
	return id;
}

/* --- tests: relay --- */

static void
test_relay_strips_and_appends_fhae(void **state)
{
	struct fix *f = *state;
	uint8_t b[512], want[512];
	size_t n, mhae_end, wn;
	struct fa_pending_info pi;
	struct fa_counters c;

	add_sa(f->sas, "v", SA_ENTITY_VISITOR, HOA, SPI_MF, key_mf);
	add_sa(f->sas, "h", SA_ENTITY_HOME_AGENT, HAADDR, SPI_FH, key_fh);
	start_fa(f);
	n = build_rrq(b, 0x02, 600, HOA, COA, 0xe8f2a3b4deadbeefull, X_NVSE_AFTER | X_MFAE);
	mhae_end = 24 + 22;
	mn_sends(f, b, n, HOA);
	assert_true(run_until(f, have_ha, 2000));
	assert_int_equal(f->n_ha, 1);
	assert_int_equal(f->n_mn, 0);
	/* Expected: the request through its MHAE, then an FHAE computed here. */
	memcpy(want, b, mhae_end);
	wn = put_auth(want, mhae_end, 34, SPI_FH, key_fh);
	assert_int_equal(f->to_ha[0].len, wn);
	assert_memory_equal(f->to_ha[0].buf, want, wn);
	assert_int_equal(f->to_ha[0].from.s_addr, addr(COA).s_addr);
	assert_int_equal(f->to_ha[0].to.sin_addr.s_addr, addr(HAADDR).s_addr);
	assert_int_equal(ntohs(f->to_ha[0].to.sin_port), 434);
	/* Pending, keyed by home address and low identification. */
	assert_int_equal(fa_pending_count(f->fa), 1);
	assert_int_equal(fa_pending_lookup(f->fa, addr(HOA), 0xdeadbeef, &pi), 0);
	assert_int_equal(pi.state, FA_PENDING_RELAYED);
	assert_int_equal(pi.id, 0xe8f2a3b4deadbeefull);
	assert_memory_equal(pi.mac, mn_mac, 6);
	assert_true(pi.remaining_ms > 0 && pi.remaining_ms <= 1000);
	assert_int_equal(fa_pending_lookup(f->fa, addr(HOA), 0xdeadbeee, &pi), -ENOENT);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.reg_requests_received, 1);
	assert_int_equal(c.reg_requests_relayed, 1);
}

static void
test_relay_without_sas(void **state)
{
	struct fix *f = *state;
	uint8_t b[512];
	size_t n;

	start_fa(f);
	n = build_rrq(b, 0, 600, HOA, COA, 1, X_NVSE_AFTER);
	mn_sends(f, b, n, HOA);
	assert_true(run_until(f, have_ha, 2000));
	assert_int_equal(f->to_ha[0].len, 24 + 22); /* stripped after the MHAE, no FHAE */
	assert_memory_equal(f->to_ha[0].buf, b, 24 + 22);
}

static void
test_reply_relayed_with_mfae_and_visitor(void **state)
{
	struct fix *f = *state;
	uint8_t b[512], want[512];
	size_t n, wn;
	uint64_t id = 0xe8f2a3b400001234ull;
	struct fa_visitor_info vi;
	struct fa_counters c;

	add_sa(f->sas, "v", SA_ENTITY_VISITOR, HOA, SPI_MF, key_mf);
	add_sa(f->sas, "h", SA_ENTITY_HOME_AGENT, HAADDR, SPI_FH, key_fh);
	start_fa(f);
	n = build_rrq(b, 0x02 | 0x08, 600, HOA, COA, id, X_MFAE);
	mn_sends(f, b, n, HOA);
	assert_true(run_until(f, have_ha, 2000));
	n = build_rrp(b, 0, 300, HOA, id, X_NVSE_AFTER | X_FHAE);
	ha_sends(f, b, n);
	assert_int_equal(f->n_mn, 1);
	memcpy(want, b, 20 + 22);
	wn = put_auth(want, 20 + 22, 33, SPI_MF, key_mf);
	assert_int_equal(f->to_mn[0].len, wn);
	assert_memory_equal(f->to_mn[0].buf, want, wn);
	assert_memory_equal(f->to_mn[0].mac, mn_mac, 6);
	assert_int_equal(f->to_mn[0].ifindex, IFIDX);
	assert_int_equal(f->to_mn[0].to.sin_addr.s_addr, addr(HOA).s_addr);
	assert_int_equal(ntohs(f->to_mn[0].to.sin_port), MNPORT);
	assert_int_equal(fa_pending_count(f->fa), 0);
	/* The visitor, with GRE delivery and the reverse tunnel. */
	assert_int_equal(fa_visitor_lookup(f->fa, addr(HOA), &vi), 0);
	assert_int_equal(vi.lifetime, 300);
	assert_true(vi.remaining > 298 && vi.remaining <= 300);
	assert_memory_equal(vi.mac, mn_mac, 6);
	assert_string_equal(vi.ifname, "wlan0");
	assert_true(vi.delivery && vi.reverse_tunnel);
	assert_int_equal(f->tun.tunnel_add, 1);
	assert_int_equal(f->tun.tp.encap, TUN_ENCAP_GRE);
	assert_int_equal(f->tun.tp.local.s_addr, addr(COA).s_addr);
	assert_int_equal(f->tun.tp.remote.s_addr, addr(HAADDR).s_addr);
	assert_int_equal(f->tun.route_add, 1);
	assert_int_equal(f->tun.route.kind, TUN_ROUTE_LINK);
	assert_int_equal(f->tun.route.dst.s_addr, addr(HOA).s_addr);
	assert_int_equal(f->tun.route.plen, 32);
	assert_string_equal(f->tun.route.ifname, "wlan0");
	assert_memory_equal(f->tun.route.mac, mn_mac, 6);
	assert_int_equal(f->tun.reverse_add, 1);
	assert_int_equal(f->tun.rev.src.s_addr, addr(HOA).s_addr);
	assert_int_equal(f->tun.rev.tunnel, 1);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.reg_replies_received, 1);
	assert_int_equal(c.reg_replies_relayed, 1);
}

static void
test_reply_wrong_low32_dropped(void **state)
{
	struct fix *f = *state;
	uint8_t b[512];
	size_t n;
	uint64_t id = 0xe8f2a3b400000077ull;
	struct fa_counters c;

	start_fa(f);
	n = build_rrq(b, 0, 600, HOA, COA, id, 0);
	mn_sends(f, b, n, HOA);
	assert_true(run_until(f, have_ha, 2000));
	n = build_rrp(b, 0, 600, HOA, id + 1, 0); /* low 32 bits differ */
	ha_sends(f, b, n);
	n = build_rrp(b, 0, 600, HOA2, id, 0); /* home address differs */
	ha_sends(f, b, n);
	n = build_rrp(b, 0, 600, HOA, id ^ (1ull << 40), 0); /* only the high half differs */
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.replies_unmatched, 2);
	assert_int_equal(f->n_mn, 0);
	assert_int_equal(fa_pending_count(f->fa), 1);
	assert_int_equal(fa_visitor_count(f->fa), 0);
	ha_sends(f, b, n); /* matched by home address + low 32 bits */
	assert_int_equal(f->n_mn, 1);
	assert_int_equal(f->to_mn[0].buf[1], 0);
	assert_int_equal(fa_visitor_count(f->fa), 1);
}

static void
test_timeout_78(void **state)
{
	struct fix *f = *state;
	uint8_t b[512];
	size_t n;
	uint64_t t0;
	struct fa_counters c;

	add_sa(f->sas, "v", SA_ENTITY_VISITOR, HOA, SPI_MF, key_mf);
	start_fa(f);
	n = build_rrq(b, 0, 600, HOA, COA, 0xe8f2a3b400000042ull, X_MFAE);
	mn_sends(f, b, n, HOA);
	assert_true(run_until(f, have_ha, 2000));
	t0 = ev_now_ms();
	assert_true(run_until(f, have_mn, 3000));
	assert_true(ev_now_ms() - t0 >= 900); /* registration-timeout is 1 s */
	f->n_ha = 0;
	assert_int_equal(f->to_mn[0].buf[1], 78);
	/* The denial carries an MFAE computed with the MN-FA key. */
	memcpy(b, f->to_mn[0].buf, 20);
	n = put_auth(b, 20, 33, SPI_MF, key_mf);
	assert_int_equal(f->to_mn[0].len, n);
	assert_memory_equal(f->to_mn[0].buf, b, n);
	assert_memory_equal(f->to_mn[0].buf + 12, "\xe8\xf2\xa3\xb4\x00\x00\x00\x42", 8);
	assert_int_equal(fa_pending_count(f->fa), 0);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.registration_timeout, 1);
	/* A late reply matches nothing. */
	n = build_rrp(b, 0, 600, HOA, 0xe8f2a3b400000042ull, 0);
	ha_sends(f, b, n);
	assert_int_equal(fa_visitor_count(f->fa), 0);
	assert_int_equal(f->n_mn, 1);
}

static void
test_duplicate_and_no_mac(void **state)
{
	struct fix *f = *state;
	uint8_t b[512];
	size_t n = build_rrq(b, 0, 600, HOA, COA, 5, 0);
	struct role_rx rx = { .src = { .sin_family = AF_INET, .sin_addr = addr(HOA) },
		              .dst = addr(COA),
		              .ifindex = IFIDX };
	struct fa_counters c;

	start_fa(f);
	fa_input(f->fa, b, n, &rx, NULL); /* no link-layer source: cannot answer */
	assert_int_equal(fa_pending_count(f->fa), 0);
	mn_sends(f, b, n, HOA);
	mn_sends(f, b, n, HOA);
	assert_true(run_until(f, have_ha, 2000));
	run_until(f, never, 50);
	assert_int_equal(f->n_ha, 1);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.discarded, 1);
	assert_int_equal(c.duplicates, 1);
}

/* --- tests: request codes --- */

static void
test_code_69_lifetime(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;

	request_denied(f, 0, 1801, COA, 0, 69);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.reg_lifetime_too_long, 1);
	assert_int_equal(c.reg_requests_relayed, 0);
}

static void
test_code_70_poorly_formed(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;

	request_denied(f, 0, 600, COA, X_BAD_LEN, 70);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.poorly_formed_requests, 1);
}

static void
test_code_70_no_mhae(void **state)
{
	request_denied(*state, 0, 600, COA, X_NO_MHAE, 70);
}

static void
test_code_70_eds_without_t(void **state)
{
	request_denied(*state, 0, 600, COA, X_EDS, 70);
}

static void
test_code_79_eds(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;

	request_denied(f, 0x02, 600, COA, X_EDS, 79);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.delivery_style_unsupported, 1);
}

static void
test_code_72_minimal(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;

	request_denied(f, 0x10, 600, COA, 0, 72);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.encapsulation_unavailable, 1);
}

static void
test_code_72_gre_off(void **state)
{
	struct fix *f = *state;

	f->cfg.gre = false;
	request_denied(f, 0x08, 600, COA, 0, 72);
}

/*
 * The back end's capability mask decides what the FA grants, whatever the config
 * allows: G without TUN_CAP_GRE and M without TUN_CAP_MINIMAL are 72, T without
 * TUN_CAP_REVERSE is 74, and nothing is asked of tunnel_add() to find out.
 */
static void
test_caps_no_gre_72(void **state)
{
	struct fix *f = *state;

	f->tun.caps = TUN_CAP_IPIP | TUN_CAP_MINIMAL | TUN_CAP_REVERSE;
	request_denied(f, 0x08, 600, COA, 0, 72);
	assert_int_equal(f->tun.tunnel_add, 0);
}

static void
test_caps_no_minimal_72(void **state)
{
	struct fix *f = *state;

	f->cfg.minimal_encap = true;
	f->tun.caps = TUN_CAP_IPIP | TUN_CAP_GRE | TUN_CAP_REVERSE;
	request_denied(f, 0x10, 600, COA, 0, 72);
	assert_int_equal(f->tun.tunnel_add, 0); /* no probe for minimal encapsulation */
}

static void
test_caps_minimal_granted(void **state)
{
	struct fix *f = *state;

	f->cfg.minimal_encap = true;
	start_fa(f);
	assert_int_equal(f->tun.tunnel_add, 0); /* no probe at start */
	register_ok(f, HOA, 0x10, 600);
	assert_int_equal(f->tun.tunnel_add, 1);
	assert_int_equal(f->tun.tp.encap, TUN_ENCAP_MINIMAL);
}

static void
test_caps_no_reverse_74(void **state)
{
	struct fix *f = *state;

	f->tun.caps = TUN_CAP_IPIP | TUN_CAP_GRE | TUN_CAP_MINIMAL; /* reverse_add is set */
	request_denied(f, 0x02, 600, COA, 0, 74);
	assert_int_equal(f->tun.tunnel_add, 0);
}

static void
test_code_74(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;

	f->cfg.reverse_tunnel = FA_RT_NONE;
	request_denied(f, 0x02, 600, COA, 0, 74);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.reverse_tunnel_unavailable, 1);
}

static void
test_code_75(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;

	f->cfg.reverse_tunnel = FA_RT_MANDATORY;
	request_denied(f, 0, 600, COA, 0, 75);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.reverse_tunnel_mandatory, 1);
}

static void
test_code_77(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;

	request_denied(f, 0, 600, "192.0.2.99", 0, 77);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.invalid_care_of_address, 1);
}

static void
test_code_100_cvse(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;

	request_denied(f, 0, 600, COA, X_CVSE_AFTER, 100);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.cvse_from_mn, 1);
}

static void
test_code_66_busy(void **state)
{
	struct fix *f = *state;

	f->cfg.busy = true;
	request_denied(f, 0, 600, COA, 0, 66);
}

static void
test_code_67(void **state)
{
	struct fix *f = *state;
	static const unsigned variants[] = { X_BAD_MFAE, 0 /* missing MFAE */ };
	uint8_t b[512], want[64];
	struct fa_counters c;
	size_t n, wn;

	add_sa(f->sas, "v", SA_ENTITY_VISITOR, HOA, SPI_MF, key_mf);
	start_fa(f);
	for (size_t i = 0; i < 2; i++) {
		f->n_mn = 0;
		n = build_rrq(b, 0, 600, HOA, COA, 100 + i, variants[i]);
		mn_sends(f, b, n, HOA);
		expect_denial(f, 67);
		memcpy(want, f->to_mn[0].buf, 20);
		wn = put_auth(want, 20, 33, SPI_MF, key_mf);
		assert_int_equal(f->to_mn[0].len, wn);
		assert_memory_equal(f->to_mn[0].buf, want, wn);
	}
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.mn_authentication_failure, 2);
}

static void
test_unknown_critical_discarded(void **state)
{
	struct fix *f = *state;
	uint8_t b[512];
	size_t n = build_rrq(b, 0, 600, HOA, COA, 1, 0);
	struct fa_counters c;

	b[n++] = 99; /* unknown type 0..127 after the MHAE */
	b[n++] = 0;
	start_fa(f);
	mn_sends(f, b, n, HOA);
	mn_sends(f, b, 10, HOA); /* truncated */
	run_until(f, never, 50);
	assert_int_equal(f->n_mn + f->n_ha, 0);
	assert_int_equal(fa_pending_count(f->fa), 0);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.discarded, 2);
}

/* --- tests: reply codes --- */

static void
reply_denied(struct fix *f, unsigned reply_x, uint8_t code)
{
	uint8_t b[512];
	uint64_t id = 0xe8f2a3b400000099ull;
	size_t n = build_rrq(b, 0, 600, HOA, COA, id, 0);

	start_fa(f);
	mn_sends(f, b, n, HOA);
	assert_true(run_until(f, have_ha, 2000));
	f->n_ha = 0;
	n = build_rrp(b, 0, 600, HOA, id, reply_x);
	ha_sends(f, b, n);
	expect_denial(f, code);
	assert_int_equal(f->tun.tunnel_add + f->tun.route_add, 0);
}

static void
test_code_68_missing_fhae(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;

	add_sa(f->sas, "h", SA_ENTITY_HOME_AGENT, HAADDR, SPI_FH, key_fh);
	reply_denied(f, 0, 68);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.ha_authentication_failure, 1);
}

static void
test_code_68_bad_fhae(void **state)
{
	struct fix *f = *state;

	add_sa(f->sas, "h", SA_ENTITY_HOME_AGENT, HAADDR, SPI_FH, key_fh);
	reply_denied(f, X_BAD_FHAE, 68);
}

static void
test_code_71(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;

	reply_denied(f, X_BAD_LEN, 71);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.poorly_formed_replies, 1);
}

static void
test_code_71_success_without_mhae(void **state)
{
	reply_denied(*state, X_NO_MHAE, 71);
}

static void
test_code_101(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;

	reply_denied(f, X_CVSE_AFTER, 101);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.cvse_from_ha, 1);
}

static void
test_ha_denial_relayed_no_visitor(void **state)
{
	struct fix *f = *state;
	uint8_t b[512];
	uint64_t id = 0xe8f2a3b400000005ull;
	size_t n = build_rrq(b, 0, 600, HOA, COA, id, 0);

	start_fa(f);
	mn_sends(f, b, n, HOA);
	assert_true(run_until(f, have_ha, 2000));
	n = build_rrp(b, 131, 0, HOA, id, X_NVSE_AFTER);
	ha_sends(f, b, n);
	assert_int_equal(f->n_mn, 1);
	assert_int_equal(f->to_mn[0].len, 20 + 22); /* stripped after the MHAE */
	assert_memory_equal(f->to_mn[0].buf, b, 20 + 22);
	assert_int_equal(fa_visitor_count(f->fa), 0);
	assert_int_equal(f->tun.tunnel_add, 0);
}

static void
test_encap_refused_by_backend(void **state)
{
	struct fix *f = *state;
	uint8_t b[512];
	uint64_t id = 0xe8f2a3b400000006ull;
	size_t n = build_rrq(b, 0x08, 600, HOA, COA, id, 0);

	f->tun.tunnel_add_rc = -EOPNOTSUPP;
	start_fa(f);
	mn_sends(f, b, n, HOA);
	assert_true(run_until(f, have_ha, 2000));
	f->n_ha = 0;
	n = build_rrp(b, 0, 600, HOA, id, 0);
	ha_sends(f, b, n);
	expect_denial(f, 72);
}

/* --- tests: visitors --- */

static void
test_visitor_expiry(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;
	size_t n_sent;

	start_fa(f);
	register_ok(f, HOA, 0x02, 1);
	assert_int_equal(fa_visitor_count(f->fa), 1);
	n_sent = f->n_mn + f->n_ha;
	assert_true(run_until(f, never, 1300) || fa_visitor_count(f->fa) == 0);
	assert_int_equal(fa_visitor_count(f->fa), 0);
	assert_int_equal(f->tun.route_del, 1);
	assert_int_equal(f->tun.reverse_del, 1);
	assert_int_equal(f->tun.tunnel_del, 1);
	assert_int_equal(f->n_mn + f->n_ha, n_sent); /* nothing sent on expiry */
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.visitors_expired, 1);
}

static void
test_visitor_dereg_and_order(void **state)
{
	struct fix *f = *state;
	static const char *const hoas[] = { "10.1.0.30", "10.1.0.5", "10.2.0.1", "9.0.0.1" };
	static const char *const sorted[] = { "9.0.0.1", "10.1.0.5", "10.1.0.30", "10.2.0.1" };
	struct fa_visitor_info vi;
	struct in_addr k;
	uint8_t b[512];
	size_t n, i;

	start_fa(f);
	for (i = 0; i < 4; i++)
		register_ok(f, hoas[i], 0, 600);
	assert_int_equal(fa_visitor_count(f->fa), 4);
	assert_int_equal(f->tun.tunnel_add, 1); /* one shared tunnel to the HA */
	assert_int_equal(fa_visitor_next(f->fa, NULL, &vi), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(vi.hoa.s_addr, addr(sorted[i]).s_addr);
		k = vi.hoa;
		assert_int_equal(fa_visitor_next(f->fa, &k, &vi), i < 3 ? 0 : -ENOENT);
	}
	k = addr("10.1.0.6"); /* need not exist */
	assert_int_equal(fa_visitor_next(f->fa, &k, &vi), 0);
	assert_int_equal(vi.hoa.s_addr, addr("10.1.0.30").s_addr);
	/* Deregistration of one visitor. */
	f->n_ha = 0;
	n = build_rrq(b, 0, 0, "10.1.0.5", COA, 77, 0);
	mn_sends(f, b, n, "10.1.0.5");
	assert_true(run_until(f, have_ha, 2000));
	n = build_rrp(b, 0, 0, "10.1.0.5", 77, 0);
	ha_sends(f, b, n);
	assert_int_equal(fa_visitor_count(f->fa), 3);
	assert_int_equal(fa_visitor_lookup(f->fa, addr("10.1.0.5"), &vi), -ENOENT);
	assert_int_equal(f->tun.route_del, 1);
	assert_int_equal(f->tun.tunnel_del, 0); /* still used by three visitors */
}

static void
test_pending_order(void **state)
{
	struct fix *f = *state;
	uint8_t b[512];
	struct fa_pending_info pi;
	struct in_addr k;
	uint32_t low;
	size_t n;

	start_fa(f);
	n = build_rrq(b, 0, 600, HOA2, COA, 3, 0);
	mn_sends(f, b, n, HOA2);
	n = build_rrq(b, 0, 600, HOA, COA, 9, 0);
	mn_sends(f, b, n, HOA);
	n = build_rrq(b, 0, 600, HOA, COA, 4, 0);
	mn_sends(f, b, n, HOA);
	assert_int_equal(fa_pending_count(f->fa), 3);
	assert_int_equal(fa_pending_next(f->fa, NULL, NULL, &pi), 0);
	assert_int_equal(pi.hoa.s_addr, addr(HOA).s_addr);
	assert_int_equal(pi.id_low, 4);
	assert_int_equal(pi.state, FA_PENDING_KS_VISITOR);
	k = pi.hoa;
	low = pi.id_low;
	assert_int_equal(fa_pending_next(f->fa, &k, &low, &pi), 0);
	assert_int_equal(pi.id_low, 9);
	k = pi.hoa;
	low = pi.id_low;
	assert_int_equal(fa_pending_next(f->fa, &k, &low, &pi), 0);
	assert_int_equal(pi.hoa.s_addr, addr(HOA2).s_addr);
	k = pi.hoa;
	low = pi.id_low;
	assert_int_equal(fa_pending_next(f->fa, &k, &low, &pi), -ENOENT);
}

#define WALK_N     300
#define WALK_BATCH 15 /* relays the fixture records at a time (MAXDGRAM) */

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The FA's sorted array of pending requests holds exactly its pending requests, in key
 * order: what fa_pending_next() binary-searches. */
static void
check_pending_ord(const struct fa *fa)
{
	for (size_t i = 0; i < fa->n_pending; i++) {
		const struct fa_pending *p = fa->pending_ord[i];
		struct fa_pending_info pi;

		assert_int_equal(fa_pending_lookup(fa, p->hoa, (uint32_t)p->id, &pi), 0);
		if (i > 0) {
			const struct fa_pending *q = fa->pending_ord[i - 1];

			assert_true(((uint64_t)ntohl(q->hoa.s_addr) << 32 | (uint32_t)q->id) <
			            ((uint64_t)ntohl(p->hoa.s_addr) << 32 | (uint32_t)p->id));
		}
	}
}

/* Walk with fa_pending_next() from the start; return the keys seen. */
static size_t
walk_pending(const struct fa *fa, uint64_t *keys, size_t cap)
{
	struct fa_pending_info pi;
	struct in_addr k;
	uint32_t low;
	size_t n = 0;

	for (int r = fa_pending_next(fa, NULL, NULL, &pi); r == 0;
	     r = fa_pending_next(fa, &k, &low, &pi)) {
		assert_true(n < cap);
		keys[n++] = (uint64_t)ntohl(pi.hoa.s_addr) << 32 | pi.id_low;
		k = pi.hoa;
		low = pi.id_low;
	}
	return n;
}

static bool
have_batch_relayed(struct fix *f)
{
	return f->n_ha >= WALK_BATCH;
}

static void
test_pending_walk_many(void **state)
{
	struct fix *f = *state;
	static uint64_t want[WALK_N], got[WALK_N], ids[WALK_N];
	static char hoas[WALK_N][INET_ADDRSTRLEN];
	size_t n_want = 0, n;
	uint8_t b[512];
	struct fa_pending_info pi;
	struct in_addr k;
	uint32_t low;

	start_fa(f);
	/* Several requests per home address, identifications in no particular order. */
	for (uint32_t i = 0; i < WALK_N; i++) {
		uint32_t host = 1 + (i * 37) % 60;

		snprintf(hoas[i], sizeof(hoas[i]), "10.1.0.%u", host);
		ids[i] = (uint64_t)0xe8f2a3b4 << 32 | ((i * 2654435761u) ^ 0x5a5a5a5au);
		n = build_rrq(b, 0, 600, hoas[i], COA, ids[i], 0);
		mn_sends(f, b, n, hoas[i]);
		want[n_want++] = (uint64_t)(0x0a010000u + host) << 32 | (uint32_t)ids[i];
		if (n_want % WALK_BATCH == 0) { /* relayed to the HA, still pending */
			assert_true(run_until(f, have_batch_relayed, 5000));
			f->n_ha = 0;
		}
	}
	assert_int_equal(fa_pending_count(f->fa), WALK_N);
	check_pending_ord(f->fa);
	qsort(want, n_want, sizeof(want[0]), cmp_u64);
	n = walk_pending(f->fa, got, WALK_N);
	assert_int_equal(n, n_want);
	assert_memory_equal(got, want, n * sizeof(got[0]));
	/* Resuming from a key that is not pending gives the next one above it. */
	k.s_addr = htonl((uint32_t)(want[10] >> 32));
	low = (uint32_t)want[10] + 1;
	if (low != 0 && (uint64_t)(want[10] + 1) != want[11]) {
		assert_int_equal(fa_pending_next(f->fa, &k, &low, &pi), 0);
		assert_int_equal((uint64_t)ntohl(pi.hoa.s_addr) << 32 | pi.id_low, want[11]);
	}
	/* Replies take every third request out, wherever it is in the order. */
	for (uint32_t i = 0; i < WALK_N; i += 3) {
		uint64_t key = (uint64_t)(ntohl(addr(hoas[i]).s_addr)) << 32 | (uint32_t)ids[i];
		uint64_t *hit = bsearch(&key, want, n_want, sizeof(want[0]), cmp_u64);

		n = build_rrp(b, 0, 0, hoas[i], ids[i], 0);
		ha_sends(f, b, n);
		assert_int_equal(f->n_mn, 1); /* relayed to the mobile node */
		f->n_mn = 0;
		assert_non_null(hit);
		memmove(hit, hit + 1, (size_t)(want + n_want - hit - 1) * sizeof(want[0]));
		n_want--;
	}
	assert_int_equal(fa_pending_count(f->fa), n_want);
	check_pending_ord(f->fa);
	n = walk_pending(f->fa, got, WALK_N);
	assert_int_equal(n, n_want);
	assert_memory_equal(got, want, n * sizeof(got[0]));
}

static void
test_reconfigure_drops_lookups_keeps_visitors(void **state)
{
	struct fix *f = *state;
	uint8_t b[512];
	char err[128];
	size_t n;

	start_fa(f);
	register_ok(f, HOA, 0, 600);
	n = build_rrq(b, 0, 600, HOA2, COA, 3, 0);
	mn_sends(f, b, n, HOA2); /* waiting for the key store */
	assert_int_equal(fa_pending_count(f->fa), 1);
	f->cfg.max_reg_lifetime = 100;
	assert_int_equal(fa_reconfigure(f->fa, &f->cfg, err, sizeof(err)), 0);
	assert_int_equal(fa_pending_count(f->fa), 0);
	assert_int_equal(fa_visitor_count(f->fa), 1);
	/* The interface leaves the configuration: its visitors go. */
	snprintf(f->ifs[0].ifname, sizeof(f->ifs[0].ifname), "wlan9");
	assert_int_equal(fa_reconfigure(f->fa, &f->cfg, err, sizeof(err)), 0);
	assert_int_equal(fa_visitor_count(f->fa), 0);
	assert_int_equal(f->tun.route_del, 1);
}

static void
test_counter_table(void **state)
{
	size_t n;
	const struct pmip_counter_desc *d = fa_counter_table(&n);
	struct fa_counters c;

	(void)state;
	assert_int_equal(n * sizeof(uint64_t), sizeof(struct fa_counters));
	memset(&c, 0, sizeof(c));
	c.reg_replies_received = 42;
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].name, "faRegRepliesRecieved") == 0)
			assert_int_equal(pmip_counter_value(&c, &d[i]), 42);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_relay_strips_and_appends_fhae, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_relay_without_sas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_walk_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_relayed_with_mfae_and_visitor, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_reply_wrong_low32_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_78, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_and_no_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_69_lifetime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_70_poorly_formed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_70_no_mhae, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_70_eds_without_t, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_79_eds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_72_minimal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_72_gre_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_74, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps_no_gre_72, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps_no_minimal_72, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps_minimal_granted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps_no_reverse_74, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_75, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_77, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_100_cvse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_66_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_67, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_critical_discarded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_68_missing_fhae, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_68_bad_fhae, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_71, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_71_success_without_mhae, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_101, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ha_denial_relayed_no_visitor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encap_refused_by_backend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visitor_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visitor_dereg_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconfigure_drops_lookups_keeps_visitors,
		                                setup, teardown),
		cmocka_unit_test(test_counter_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
