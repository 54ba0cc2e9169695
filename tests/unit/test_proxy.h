/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_proxy.h - fixture shared by the proxy access point unit tests (test_proxy_*.c).
 *
 * A test runs a real proxy (core/proxy*.c) started with proxy_start_hooks(): it opens no
 * sockets, frames and messages leave through hooks the test records, and the clocks are
 * fake (the test's now_ms, an NTP clock derived from it). Tests that need the key store
 * run the keystore-local plugin on a real event loop (struct pxt_ks) over a test SA table.
 * Messages are checked from their bytes, and authenticators are recomputed here with
 * OpenSSL's HMAC(), independently of core/mip_auth.c.
 *
 * Addresses: the client subnet 192.0.2.0/24 is mapped to a home agent given by the test;
 * the client-facing interface is "wlan0".
 *
 * Every helper is static inline (each test_*.c is its own executable, and a shared .c in
 * tests/unit/ would be built as a test of its own), like test_ha.h.
 */
#ifndef TEST_PROXY_H
#define TEST_PROXY_H

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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

#define PXT_NTP_S0   3900000000u /* fake wall clock at t = 0, NTP seconds */
#define PXT_NOW_MS   100000      /* fixed monotonic clock of pxt_now_fixed() */
#define PXT_REC_MAX  32          /* frames or messages one recorder keeps */
#define PXT_FAIL_MAX 32          /* failure reports one recorder keeps */
#define PXT_MIP_PORT 434

/* --- bytes --- */

/* An IPv4 address from its text form (the test fails on a typo). */
static inline struct in_addr
pxt_addr(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static inline uint32_t
pxt_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
pxt_get64(const uint8_t *p)
{
	return (uint64_t)pxt_get32(p) << 32 | pxt_get32(p + 4);
}

static inline void
pxt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
pxt_put32(uint8_t *p, uint32_t v)
{
	pxt_put16(p, (uint16_t)(v >> 16));
	pxt_put16(p + 2, (uint16_t)v);
}

/* Internet checksum of @n bytes (@n even). */
static inline uint16_t
pxt_cksum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* HMAC-MD5 of @data under the 16-byte key @k (OpenSSL, not our code). */
static inline void
pxt_hmac_md5(const uint8_t *k, const uint8_t *data, size_t len, uint8_t out[16])
{
	unsigned mdlen = 16;

	assert_non_null(HMAC(EVP_md5(), k, 16, data, len, out, &mdlen));
}

/*
 * An Ethernet frame from @src_mac to @dst_mac carrying IPv4/UDP 434 -> 434 from @src to
 * @dst with payload @msg, written to @fr (at least 42 + @len bytes). Return: its length.
 */
static inline size_t
pxt_udp_frame(uint8_t *fr, const uint8_t *dst_mac, const uint8_t *src_mac, struct in_addr src,
              struct in_addr dst, const uint8_t *msg, size_t len)
{
	uint8_t *ip = fr + 14, *udp = fr + 34;

	memset(fr, 0, 42);
	memcpy(fr, dst_mac, 6);
	memcpy(fr + 6, src_mac, 6);
	pxt_put16(fr + 12, 0x0800);
	ip[0] = 0x45;
	pxt_put16(ip + 2, (uint16_t)(28 + len));
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src.s_addr, 4);
	memcpy(ip + 16, &dst.s_addr, 4);
	pxt_put16(ip + 10, pxt_cksum(ip, 20));
	pxt_put16(udp, PXT_MIP_PORT);
	pxt_put16(udp + 2, PXT_MIP_PORT);
	pxt_put16(udp + 4, (uint16_t)(8 + len));
	memcpy(udp + 8, msg, len);
	return 42 + len;
}

/* --- recorders and hooks --- */

/* One frame or message captured by a hook (@to: the home agent, send_ha only). */
struct pxt_rec {
	uint8_t buf[512];
	size_t len;
	struct in_addr to;
};

/* Append @buf to @r, which holds *@n of at most PXT_REC_MAX. */
static inline void
pxt_record(struct pxt_rec *r, size_t *n, const uint8_t *buf, size_t len)
{
	assert_true(*n < PXT_REC_MAX);
	assert_true(len <= sizeof(r[*n].buf));
	memcpy(r[*n].buf, buf, len);
	r[*n].len = len;
	(*n)++;
}

/* Failure reports captured by pxt_fail_hook() (proxy_set_failure_hook() argument). */
struct pxt_fails {
	struct proxy_failure fail[PXT_FAIL_MAX];
	size_t n;
};

static inline void
pxt_fail_hook(void *arg, const struct proxy_failure *fl)
{
	struct pxt_fails *fs = arg;

	assert_true(fs->n < PXT_FAIL_MAX);
	fs->fail[fs->n++] = *fl;
}

/* send_fa / send_client hook that drops the frame. */
static inline int
pxt_frame_null(void *arg, const uint8_t *frame, size_t len)
{
	(void)arg;
	(void)frame;
	(void)len;
	return 0;
}

/* send_ha hook that drops the message. */
static inline int
pxt_ha_null(void *arg, struct in_addr ha, const uint8_t *msg, size_t len)
{
	(void)arg;
	(void)ha;
	(void)msg;
	(void)len;
	return 0;
}

/* now_ms hook of a clock that stands still at PXT_NOW_MS. */
static inline uint64_t
pxt_now_fixed(void *arg)
{
	(void)arg;
	return PXT_NOW_MS;
}

/* ntp_now hook of a wall clock that stands still at PXT_NTP_S0. */
static inline uint64_t
pxt_ntp_fixed(void *arg)
{
	(void)arg;
	return (uint64_t)PXT_NTP_S0 << 32;
}

/* Fake NTP time: PXT_NTP_S0 + @skew_s at @now_ms = 0, advancing with @now_ms. */
static inline uint64_t
pxt_ntp_at(uint64_t now_ms, int64_t skew_s)
{
	uint64_t s = PXT_NTP_S0 + (uint64_t)(skew_s + (int64_t)(now_ms / 1000));
	uint64_t frac = ((now_ms % 1000) << 32) / 1000;

	return s << 32 | frac;
}

/* Every hook dropping its output, clocks standing still (no argument needed). */
static inline struct proxy_hooks
pxt_hooks_null(void)
{
	return (struct proxy_hooks){ .send_fa = pxt_frame_null,
		                     .send_client = pxt_frame_null,
		                     .send_ha = pxt_ha_null,
		                     .now_ms = pxt_now_fixed,
		                     .ntp_now = pxt_ntp_fixed };
}

/* Counts the proxy's log lines that contain @needle (log_set_sink() argument). */
struct pxt_log_count {
	const char *needle;
	size_t n;
};

static inline void
pxt_log_count_sink(int prio, enum log_subsys ss, const char *line, void *arg)
{
	struct pxt_log_count *lc = arg;

	(void)prio;
	if (ss == LOG_SS_PROXY && strstr(line, lc->needle) != NULL)
		lc->n++;
}

/* --- key store --- */

/* The keystore-local plugin over a test SA table, on its own event loop. */
struct pxt_ks {
	struct ev_loop *loop;
	struct sa_table *sas;
	struct ks_env env;
	struct ks_chain *chain;
};

static inline void
pxt_ks_init(struct pxt_ks *ks)
{
	static const char *const names[] = { "local" };
	char err[256] = "";

	ks->loop = ev_loop_new();
	ks->sas = sa_table_new();
	assert_non_null(ks->loop);
	assert_non_null(ks->sas);
	ks->env.loop = ks->loop;
	ks->env.sa_table = ks->sas;
	ks->chain = ks_chain_new(&ks->env, getenv("PMIP_PLUGIN_DIR"), names, 1, err, sizeof(err));
	if (ks->chain == NULL)
		fail_msg("ks_chain_new: %s", err);
}

/* Let the key store's deferred completions run. */
static inline void
pxt_pump(struct ev_loop *loop)
{
	for (int i = 0; i < 20; i++)
		ev_loop_run_once(loop);
}

/* Free @ks (after the proxy using it was stopped). */
static inline void
pxt_ks_fini(struct pxt_ks *ks)
{
	ks_chain_free(ks->chain);
	pxt_pump(ks->loop);
	sa_table_free(ks->sas);
	ev_loop_free(ks->loop);
}

/*
 * A mobile node's HMAC-MD5 association named @name with the 16-byte key @k and @spi; the
 * caller sets its peer (host, range or NAI) and hands it to pxt_sa_put().
 */
static inline struct mip_sa *
pxt_sa_new(const char *name, const uint8_t *k, uint32_t spi)
{
	struct mip_sa *sa = mip_sa_new(MIP_AUTH_HMAC_MD5, k, 16);

	assert_non_null(sa);
	snprintf(sa->name, sizeof(sa->name), "%s", name);
	sa->entity = SA_ENTITY_MOBILE_NODE;
	sa->spi = spi;
	sa->source = "config";
	return sa;
}

/* Put @sa into @ks's table and drop the caller's reference. */
static inline void
pxt_sa_put(struct pxt_ks *ks, struct mip_sa *sa)
{
	assert_int_equal(sa_table_put(ks->sas, sa), 0);
	mip_sa_unref(sa);
}

/* --- the proxy --- */

/* Client interface "wlan0" and one map entry 192.0.2.0/24 -> @ha in @map[0]. */
static inline void
pxt_config(struct proxy_config *cfg, struct proxy_subnet *map, const char *ha)
{
	snprintf(cfg->client_if, sizeof(cfg->client_if), "wlan0");
	map[0].prefix.addr = pxt_addr("192.0.2.0");
	map[0].prefix.len = 24;
	map[0].ha = pxt_addr(ha);
	cfg->map = map;
	cfg->n_map = 1;
}

/* The timers most tests use: re-register at 75 %, 1 s first retransmission, 3 tries, 60 s
 * idle timeout, 600 s requested lifetime. */
static inline void
pxt_config_timers(struct proxy_config *cfg)
{
	cfg->reregister_pct = 75;
	cfg->retransmit_initial_ms = 1000;
	cfg->retransmit_max = 3;
	cfg->idle_timeout_s = 60;
	cfg->requested_lifetime = 600;
}

/* proxy_start_hooks(), failing the test with the reason if it fails. */
static inline struct proxy *
pxt_start(const struct role_env *env, const struct proxy_config *cfg,
          const struct proxy_hooks *hooks)
{
	char err[256] = "";
	struct proxy *px = proxy_start_hooks(env, cfg, hooks, err, sizeof(err));

	if (px == NULL)
		fail_msg("proxy_start_hooks: %s", err);
	return px;
}

/* Discovery found the FA @addr (MAC @mac, care-of address @addr) with @flags. */
static inline void
pxt_fa_found(struct proxy *px, const char *addr, const uint8_t *mac, uint16_t flags,
             uint16_t max_lifetime)
{
	union disc_event_data d = { 0 };

	d.agent.addr = pxt_addr(addr);
	d.agent.roles = DISC_ROLE_FA;
	d.agent.flags = flags;
	d.agent.max_lifetime = max_lifetime;
	d.agent.adv_lifetime = 9;
	d.agent.n_coa = 1;
	d.agent.coa[0] = pxt_addr(addr);
	d.agent.has_mac = true;
	memcpy(d.agent.mac, mac, 6);
	proxy_disc_event(px, DISC_AGENT_FOUND, &d);
}

/* Discovery event @ev about the client (@mac, @hoa) with gateway @gw (NULL: none). */
static inline void
pxt_client(struct proxy *px, enum disc_event ev, const uint8_t *mac, const char *hoa,
           const char *gw, bool on_link)
{
	union disc_event_data d = { 0 };

	memcpy(d.client.mac, mac, 6);
	d.client.addr = pxt_addr(hoa);
	d.client.gateway = gw != NULL ? pxt_addr(gw) : (struct in_addr){ 0 };
	d.client.on_link = on_link;
	proxy_disc_event(px, ev, &d);
}

#endif /* TEST_PROXY_H */
