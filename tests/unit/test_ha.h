/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ha.h - fixture shared by the home agent unit tests (test_ha.c, test_ha_binding.c).
 *
 * A test runs a real home agent (core/ha*.c) on a real event loop with the keystore-local
 * plugin answering from a test SA table, and the tunnel-mock plugin standing in for the
 * data plane. Both plugins are symlinked into a private plugin directory. The HA opens no
 * sockets: datagrams go in through ha_input() and replies come out through the send hook,
 * which records them. Replies are checked field by field from their bytes, and their
 * authenticators are recomputed here with OpenSSL's HMAC(), independently of core/mip_auth.c.
 *
 * Addresses: home network 192.0.2.0/24 on "home0" with the HA at 192.0.2.1; mobile nodes
 * 192.0.2.10 and up; the foreign agent (and care-of address) 198.51.100.1, more care-of
 * addresses 198.51.100.2 and up.
 */
#ifndef TEST_HA_H
#define TEST_HA_H

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "engine.h"
#include "ev.h"
#include "ha.h"
#include "keystore.h"
#include "log.h"
#include "mip_msg.h"
#include "sa.h"
#include "tunnel.h"

#include "../plugins/tunnel-mock/tunnel_mock.h"

#define HAT_MN_SPI  1000
#define HAT_FA_SPI  2000
#define HAT_OUT_MAX 16

static const uint8_t hat_mn_key[16] = { 0x6d, 0x6e, 0x2d, 0x68, 0x61, 0x2d, 0x6b, 0x65,
	                                0x79, 0x2d, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35 };
static const uint8_t hat_fa_key[16] = { 0x66, 0x61, 0x2d, 0x68, 0x61, 0x2d, 0x6b, 0x65,
	                                0x79, 0x2d, 0x39, 0x38, 0x37, 0x36, 0x35, 0x34 };

/* One reply captured by the send hook. */
struct hat_out {
	struct in_addr from;
	struct sockaddr_in to;
	uint8_t buf[1500];
	size_t len;
};

struct hat {
	char dir[64];
	struct ev_loop *loop;
	struct sa_table *sat;
	struct ks_env ksenv;
	struct ks_chain *chain;
	struct ha_config cfg;
	struct ha_home_network nets[2];
	struct role_env env;
	struct ha *ha;
	const struct tunnel_mock_api *tm;
	void *tm_handle;
	struct hat_out out[HAT_OUT_MAX];
	size_t n_out;
	uint32_t idlow;
};

static inline struct in_addr
hat_ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static inline int
hat_send(void *arg, struct in_addr from, const struct sockaddr_in *to, const uint8_t *buf,
         size_t len)
{
	struct hat *t = arg;

	assert_true(t->n_out < HAT_OUT_MAX);
	assert_true(len <= sizeof(t->out[0].buf));
	t->out[t->n_out].from = from;
	t->out[t->n_out].to = *to;
	memcpy(t->out[t->n_out].buf, buf, len);
	t->out[t->n_out].len = len;
	t->n_out++;
	return 0;
}

/* Add an SA; @lo/@hi give a host (hi NULL) or a range, @nai an NAI peer instead. */
static inline struct mip_sa *
hat_add_sa(struct hat *t, const char *name, enum sa_entity ent, const char *lo, const char *hi,
           const char *nai, uint32_t spi, const uint8_t *key, enum sa_replay replay)
{
	struct mip_sa *sa = mip_sa_new(MIP_AUTH_HMAC_MD5, key, 16);

	assert_non_null(sa);
	snprintf(sa->name, sizeof(sa->name), "%s", name);
	if (nai != NULL) {
		sa->peer_kind = SA_PEER_NAI;
		snprintf(sa->nai, sizeof(sa->nai), "%s", nai);
	} else {
		sa->peer_kind = hi != NULL ? SA_PEER_RANGE : SA_PEER_HOST;
		sa->lo = hat_ip(lo);
		sa->hi = hat_ip(hi != NULL ? hi : lo);
	}
	sa->entity = ent;
	sa->spi = spi;
	sa->replay = replay;
	sa->tolerance_s = 7;
	sa->source = "config";
	assert_int_equal(sa_table_put(t->sat, sa), 0);
	mip_sa_unref(sa);
	return sa_table_get(t->sat, name);
}

static inline void
hat_link(const char *dir, const char *from_dir, const char *file)
{
	char src[PATH_MAX], dst[PATH_MAX];

	assert_true((size_t)snprintf(src, sizeof(src), "%s/%s", from_dir, file) < sizeof(src));
	assert_true((size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, file) < sizeof(dst));
	assert_int_equal(access(src, R_OK), 0);
	assert_int_equal(symlink(src, dst), 0);
}

/* Start the HA with the fixture's current config and find the mock's inspection API. */
static inline void
hat_start(struct hat *t)
{
	char err[256] = "", path[PATH_MAX];

	t->ha = ha_start(&t->env, &t->cfg, err, sizeof(err));
	if (t->ha == NULL)
		fail_msg("ha_start: %s", err);
	snprintf(path, sizeof(path), "%s/tunnel-mock.so", t->dir);
	t->tm_handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	assert_non_null(t->tm_handle);
	t->tm = dlsym(t->tm_handle, TUNNEL_MOCK_API_SYMBOL);
	assert_non_null(t->tm);
	t->tm->reset();
}

static inline void
hat_stop(struct hat *t)
{
	ha_stop(t->ha);
	t->ha = NULL;
	if (t->tm_handle != NULL)
		dlclose(t->tm_handle);
	t->tm_handle = NULL;
}

/* Default fixture: MN SA for 192.0.2.10-192.0.2.250, HA config with generous limits. */
static inline int
hat_setup(void **state)
{
	const char *pdir = getenv("PMIP_PLUGIN_DIR");
	char test_dir[PATH_MAX - 32];
	const char *order[] = { "local" };
	char err[256] = "";
	struct hat *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	assert_non_null(pdir);
	snprintf(test_dir, sizeof(test_dir), "%s/../tests/plugins-test", pdir);
	snprintf(t->dir, sizeof(t->dir), "/tmp/test_ha.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	hat_link(t->dir, pdir, "keystore-local.so");
	hat_link(t->dir, test_dir, "tunnel-mock.so");
	assert_non_null(t->loop = ev_loop_new());
	assert_non_null(t->sat = sa_table_new());
	hat_add_sa(t, "mns", SA_ENTITY_MOBILE_NODE, "192.0.2.10", "192.0.2.250", NULL, HAT_MN_SPI,
	           hat_mn_key, SA_REPLAY_TIMESTAMP);
	t->ksenv.loop = t->loop;
	t->ksenv.sa_table = t->sat;
	t->chain = ks_chain_new(&t->ksenv, t->dir, order, 1, err, sizeof(err));
	if (t->chain == NULL)
		fail_msg("ks_chain_new: %s", err);
	t->nets[0].prefix.addr = hat_ip("192.0.2.0");
	t->nets[0].prefix.len = 24;
	t->nets[0].addr = hat_ip("192.0.2.1");
	snprintf(t->nets[0].ifname, sizeof(t->nets[0].ifname), "home0");
	t->cfg.nets = t->nets;
	t->cfg.n_nets = 1;
	t->cfg.max_lifetime = 600;
	t->cfg.max_bindings = 0;
	t->cfg.max_simultaneous = 3;
	t->cfg.reverse_tunnel = true;
	t->cfg.gre = true;
	t->cfg.udp_port = 434;
	snprintf(t->cfg.tunnel_backend, sizeof(t->cfg.tunnel_backend), "mock");
	t->env.loop = t->loop;
	t->env.ks_chain = t->chain;
	t->env.plugin_dir = t->dir;
	t->env.send = hat_send;
	t->env.send_arg = t;
	t->idlow = 1;
	*state = t;
	return 0;
}

static inline int
hat_teardown(void **state)
{
	struct hat *t = *state;
	char path[PATH_MAX];

	hat_stop(t);
	ks_chain_free(t->chain);
	/* Let the deferred completions of a freed chain run before the loop goes. */
	for (int i = 0; i < 10; i++)
		ev_loop_run_once(t->loop);
	sa_table_free(t->sat);
	ev_loop_free(t->loop);
	snprintf(path, sizeof(path), "%s/keystore-local.so", t->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/tunnel-mock.so", t->dir);
	unlink(path);
	rmdir(t->dir);
	free(t);
	return 0;
}

/* An NTP timestamp for "now + @skew_s", with a fresh fraction each call. */
static inline uint64_t
hat_ntp(struct hat *t, int64_t skew_s)
{
	uint64_t secs = (uint64_t)((int64_t)time(NULL) + skew_s) + 2208988800ULL;

	return (secs << 32) | t->idlow++;
}

/**
 * struct hat_rrq - what a test request is made of.
 * Zero fields take defaults: home address 192.0.2.10, HA 192.0.2.1, CoA 198.51.100.1,
 * lifetime 300, Identification "now", MHAE with the MN key and SPI.
 */
struct hat_rrq {
	uint8_t flags;
	int lifetime; /* -1 for 0 (deregistration) */
	const char *hoa, *ha, *coa;
	uint64_t id;
	const char *nai;
	uint32_t spi;          /* 0: HAT_MN_SPI */
	const uint8_t *key;    /* 0: hat_mn_key */
	bool no_mhae;          /* leave the MHAE out */
	bool cvse_mn, cvse_fa; /* an unknown CVSE before / after the MHAE */
	bool fhae;             /* an FHAE with fa_key/fa_spi (default: the FA's) */
	const uint8_t *fa_key;
	uint32_t fa_spi;
};

/* Build a request into @buf; returns its length. */
static inline size_t
hat_build(struct hat *t, const struct hat_rrq *r, uint8_t *buf, size_t cap)
{
	struct mip_builder b;
	struct mip_rrq h = {
		.flags = r->flags,
		.lifetime = r->lifetime < 0 ? 0 : (r->lifetime == 0 ? 300 : (uint16_t)r->lifetime),
		.hoa = hat_ip(r->hoa != NULL ? r->hoa : "192.0.2.10"),
		.ha = hat_ip(r->ha != NULL ? r->ha : "192.0.2.1"),
		.coa = hat_ip(r->coa != NULL ? r->coa : "198.51.100.1"),
		.id = r->id != 0 ? r->id : hat_ntp(t, 0),
	};
	struct mip_auth_key *k = NULL, *fk = NULL;

	assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5, r->key ? r->key : hat_mn_key, 16, &k),
	                 0);
	mip_builder_init(&b, buf, cap);
	mip_build_rrq(&b, &h);
	if (r->nai != NULL)
		mip_build_nai(&b, r->nai, strlen(r->nai));
	if (r->cvse_mn)
		mip_build_cvse(&b, 99999, 7, "x", 1);
	if (!r->no_mhae)
		mip_build_auth(&b, MIP_EXT_MHAE, r->spi ? r->spi : HAT_MN_SPI, k);
	if (r->cvse_fa)
		mip_build_cvse(&b, 99999, 8, "y", 1);
	if (r->fhae) {
		assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5,
		                                  r->fa_key ? r->fa_key : hat_fa_key, 16, &fk),
		                 0);
		mip_build_auth(&b, MIP_EXT_FHAE, r->fa_spi ? r->fa_spi : HAT_FA_SPI, fk);
	}
	assert_int_equal(mip_builder_error(&b), 0);
	mip_auth_key_free(k);
	mip_auth_key_free(fk);
	return b.len;
}

/* Hand @len bytes to the HA as sent from @src:434 to @dst. */
static inline void
hat_input(struct hat *t, const uint8_t *buf, size_t len, const char *src, const char *dst)
{
	struct role_rx rx;

	memset(&rx, 0, sizeof(rx));
	rx.src.sin_family = AF_INET;
	rx.src.sin_addr = hat_ip(src);
	rx.src.sin_port = htons(434);
	rx.dst = hat_ip(dst);
	rx.ifindex = 2;
	ha_input(t->ha, buf, len, &rx);
}

/* Run 20 non-blocking loop passes: enough for every deferred key-store answer. */
static inline size_t
hat_settle(struct hat *t)
{
	for (int i = 0; i < 20; i++)
		ev_loop_run_once(t->loop);
	return t->n_out;
}

/* Run the loop until @n replies were captured or 2 s passed; returns the number captured. */
static inline size_t
hat_run(struct hat *t, size_t n)
{
	uint64_t deadline = ev_now_ms() + 2000;

	while (t->n_out < n && ev_now_ms() < deadline)
		ev_loop_run_once(t->loop);
	/* More passes, so that anything wrongly produced on top shows up. */
	return hat_settle(t);
}

/* Build, send from the FA (or @src) to the HA address (or @dst), and wait for one reply. */
static inline const struct hat_out *
hat_exchange(struct hat *t, const struct hat_rrq *r, const char *src, const char *dst)
{
	uint8_t buf[512];
	size_t len = hat_build(t, r, buf, sizeof(buf)), before = t->n_out;

	hat_input(t, buf, len, src != NULL ? src : "198.51.100.1", dst != NULL ? dst : "192.0.2.1");
	assert_int_equal(hat_run(t, before + 1), before + 1);
	return &t->out[before];
}

/* Reply fields read straight from the bytes (RFC 5944 section 3.4). */
static inline uint8_t
hat_code(const struct hat_out *o)
{
	assert_true(o->len >= 20);
	assert_int_equal(o->buf[0], 3);
	return o->buf[1];
}

static inline uint16_t
hat_lifetime(const struct hat_out *o)
{
	return (uint16_t)(o->buf[2] << 8 | o->buf[3]);
}

static inline uint32_t
hat_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
hat_reply_id(const struct hat_out *o)
{
	return (uint64_t)hat_be32(o->buf + 12) << 32 | hat_be32(o->buf + 16);
}

static inline struct in_addr
hat_reply_addr(const struct hat_out *o, size_t off)
{
	struct in_addr a;

	memcpy(&a, o->buf + off, 4);
	return a;
}

/*
 * Offset of extension @type in the reply (plain TLV walk), or -1. Replies from the HA carry
 * only plain-form extensions (NAI, MHAE, FHAE).
 */
static inline int
hat_ext(const struct hat_out *o, uint8_t type)
{
	size_t off = 20;

	while (off + 2 <= o->len) {
		if (o->buf[off] == type)
			return (int)off;
		off += 2 + o->buf[off + 1];
	}
	assert_int_equal(off, o->len);
	return -1;
}

/* Whether the authentication extension of @type verifies with @key and carries @spi. */
static inline bool
hat_auth_ok(const struct hat_out *o, uint8_t type, const uint8_t *key, uint32_t spi)
{
	int off = hat_ext(o, type);
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0;

	if (off < 0 || o->buf[off + 1] != 20 || (size_t)off + 22 > o->len)
		return false;
	if (hat_be32(o->buf + off + 2) != spi)
		return false;
	/* RFC 5944 3.5.1: HMAC-MD5 over the message up to and including the SPI. */
	HMAC(EVP_md5(), key, 16, o->buf, (size_t)off + 6, mac, &maclen);
	return maclen == 16 && memcmp(mac, o->buf + off + 6, 16) == 0;
}

static inline void
hat_counters(struct hat *t, struct ha_counters *c)
{
	ha_get_counters(t->ha, c);
}

#endif /* TEST_HA_H */
