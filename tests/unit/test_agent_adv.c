/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_agent_adv.c - unit tests of the shared agent advertisement sender (core/agent_adv.c):
 * the bytes of home agent, foreign agent and merged advertisements (offsets of RFC 5944
 * section 2.1 and RFC 1256, checksum with the test's own one's-complement sum), the
 * registry that sends ONE advertisement per interface for several roles, and the foreign
 * agent's M flag, which needs both the configuration and a back end that takes minimal
 * encapsulation.
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

#include <cmocka.h>

#include "agent_adv.h"
#include "engine.h"
#include "ev.h"
#include "fa.h"
#include "log.h"
#include "tunnel.h"

#define HA_ADDR "192.0.2.1"
#define COA_IN  "192.0.2.2"
#define COA_OUT "198.51.100.7"
#define IFIDX   5

static struct in_addr
addr(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One's-complement sum of @len bytes; 0xffff over a message with a valid checksum. */
static uint16_t
ocsum(const uint8_t *b, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static struct agent_adv_part
ha_part(void)
{
	struct agent_adv_part p = { .flags = MIP_ADV_F_H | MIP_ADV_F_G,
		                    .router = addr(HA_ADDR),
		                    .has_prefix = true,
		                    .prefix_len = 24,
		                    .reg_lifetime = 36000,
		                    .interval_s = 3,
		                    .lifetime_s = 9 };
	return p;
}

static struct agent_adv_part
fa_part(const char *coa)
{
	struct agent_adv_part p = { .flags = MIP_ADV_F_F | MIP_ADV_F_R | MIP_ADV_F_T,
		                    .router = addr(coa),
		                    .n_coa = 1,
		                    .reg_lifetime = 1800,
		                    .interval_s = 2,
		                    .lifetime_s = 30 };
	p.coa[0] = addr(coa);
	return p;
}

/* An HA-only advertisement: H, the HA as the one router, no care-of address, extension 19. */
static void
test_build_ha_only(void **state)
{
	struct agent_adv_part p = ha_part();
	uint8_t b[AGENT_ADV_BUF_MAX];
	struct in_addr src;
	struct mip_adv d;
	size_t len;

	assert_int_equal(agent_adv_build(&p, 1, 7, b, sizeof(b), &len, &src), MIP_ADV_OK);
	assert_int_equal(src.s_addr, addr(HA_ADDR).s_addr);
	assert_int_equal(len, 8 + 8 + 2 + 6 + 2 + 1);
	assert_int_equal(b[0], 9);
	assert_int_equal(b[1], 0);
	assert_int_equal(ocsum(b, len), 0xffff);
	assert_int_equal(b[4], 1); /* num addrs */
	assert_int_equal(b[5], 2); /* entry size */
	assert_int_equal(get16(b + 6), 9);
	assert_int_equal(get32(b + 8), ntohl(addr(HA_ADDR).s_addr));
	assert_int_equal(get32(b + 12), 0);
	assert_int_equal(b[16], 16); /* mobility agent advertisement */
	assert_int_equal(b[17], 6);  /* no care-of address */
	assert_int_equal(get16(b + 18), 7);
	assert_int_equal(get16(b + 20), 36000);
	assert_int_equal(get16(b + 22), MIP_ADV_F_H | MIP_ADV_F_G);
	assert_int_equal(b[24], 19); /* prefix lengths */
	assert_int_equal(b[25], 1);
	assert_int_equal(b[26], 24);
	/* and our own decoder agrees */
	assert_int_equal(mip_adv_decode(b, len, &d), MIP_ADV_OK);
	assert_true(d.has_prefix_lens);
	assert_int_equal(d.num_coa, 0);
}

/* A foreign agent alone: the old layout, no extension 19. */
static void
test_build_fa_only(void **state)
{
	struct agent_adv_part p = fa_part(COA_IN);
	uint8_t b[AGENT_ADV_BUF_MAX];
	struct in_addr src;
	size_t len;

	assert_int_equal(agent_adv_build(&p, 1, 0, b, sizeof(b), &len, &src), MIP_ADV_OK);
	assert_int_equal(src.s_addr, addr(COA_IN).s_addr);
	assert_int_equal(len, 8 + 8 + 12); /* header, router, ext 16 with one CoA */
	assert_int_equal(ocsum(b, len), 0xffff);
	assert_int_equal(b[17], 10);
	assert_int_equal(get16(b + 22), MIP_ADV_F_F | MIP_ADV_F_R | MIP_ADV_F_T);
	assert_int_equal(get32(b + 24), ntohl(addr(COA_IN).s_addr));
}

/* HA and FA merged, care-of address inside the home prefix: two routers, both /24. */
static void
test_build_merged_in_prefix(void **state)
{
	struct agent_adv_part p[2] = { fa_part(COA_IN), ha_part() };
	uint8_t b[AGENT_ADV_BUF_MAX];
	struct in_addr src;
	size_t len;

	assert_int_equal(agent_adv_build(p, 2, 300, b, sizeof(b), &len, &src), MIP_ADV_OK);
	assert_int_equal(src.s_addr, addr(HA_ADDR).s_addr); /* the HA first, whatever the order */
	assert_int_equal(len, 8 + 16 + 12 + 4); /* two routers, ext 16 with a CoA, ext 19 */
	assert_int_equal(ocsum(b, len), 0xffff);
	assert_int_equal(b[4], 2);
	assert_int_equal(get16(b + 6), 30); /* the longer ICMP lifetime */
	assert_int_equal(get32(b + 8), ntohl(addr(HA_ADDR).s_addr));
	assert_int_equal(get32(b + 16), ntohl(addr(COA_IN).s_addr));
	assert_int_equal(b[24], 16);
	assert_int_equal(b[25], 10);
	assert_int_equal(get16(b + 26), 300);
	assert_int_equal(get16(b + 28), 1800); /* the shorter registration lifetime */
	assert_int_equal(get16(b + 30),
	                 MIP_ADV_F_H | MIP_ADV_F_F | MIP_ADV_F_G | MIP_ADV_F_R | MIP_ADV_F_T);
	assert_int_equal(get32(b + 32), ntohl(addr(COA_IN).s_addr));
	assert_int_equal(b[36], 19);
	assert_int_equal(b[37], 2);
	assert_int_equal(b[38], 24);
	assert_int_equal(b[39], 24);
}

/* Care-of address outside the home prefix: no length to give, so not a router entry. */
static void
test_build_merged_out_of_prefix(void **state)
{
	struct agent_adv_part p[2] = { ha_part(), fa_part(COA_OUT) };
	uint8_t b[AGENT_ADV_BUF_MAX];
	struct mip_adv d;
	size_t len;

	assert_int_equal(agent_adv_build(p, 2, 1, b, sizeof(b), &len, NULL), MIP_ADV_OK);
	assert_int_equal(mip_adv_decode(b, len, &d), MIP_ADV_OK);
	assert_int_equal(d.num_routers, 1);
	assert_int_equal(d.routers[0].addr.s_addr, addr(HA_ADDR).s_addr);
	assert_true(d.has_prefix_lens);
	assert_int_equal(d.prefix_len[0], 24);
	assert_int_equal(d.num_coa, 1);
	assert_int_equal(d.coa[0].s_addr, addr(COA_OUT).s_addr);
	assert_int_equal(d.flags & (MIP_ADV_F_H | MIP_ADV_F_F), MIP_ADV_F_H | MIP_ADV_F_F);
}

static void
test_build_errors(void **state)
{
	struct agent_adv_part p = fa_part(COA_IN);
	uint8_t b[AGENT_ADV_BUF_MAX];
	size_t len;

	assert_int_equal(agent_adv_build(&p, 0, 0, b, sizeof(b), &len, NULL), MIP_ADV_ERR_INVAL);
	assert_int_equal(agent_adv_build(&p, 1, 0, b, 20, &len, NULL), MIP_ADV_ERR_NOSPACE);
	p.n_coa = 0;
	assert_int_equal(agent_adv_build(&p, 1, 0, b, sizeof(b), &len, NULL), MIP_ADV_ERR_F_NO_COA);
	p.router.s_addr = INADDR_ANY;
	assert_int_equal(agent_adv_build(&p, 1, 0, b, sizeof(b), &len, NULL), MIP_ADV_ERR_INVAL);
}

/* --- the registry --- */

struct role {
	const char *name;
	unsigned n_send, n_sent;
	int last_rc;
	struct in_addr from, to;
	uint8_t buf[AGENT_ADV_BUF_MAX];
	size_t len;
};

static unsigned
r_ifindex(void *arg, const char *ifname)
{
	return strcmp(ifname, "br0") == 0 ? IFIDX : 0;
}

static int
r_send(void *arg, unsigned ifindex, struct in_addr from, struct in_addr to, const uint8_t *icmp,
       size_t len)
{
	struct role *r = arg;

	assert_int_equal(ifindex, IFIDX);
	assert_true(len <= sizeof(r->buf));
	r->n_send++;
	r->from = from;
	r->to = to;
	memcpy(r->buf, icmp, len);
	r->len = len;
	return 0;
}

static void
r_sent(void *arg, int rc)
{
	struct role *r = arg;

	r->n_sent++;
	r->last_rc = rc;
}

static const struct agent_adv_ops r_ops = { .ifindex = r_ifindex, .send = r_send, .sent = r_sent };

static void
test_registry_one_advertisement(void **state)
{
	struct ev_loop *loop = ev_loop_new(), *other = ev_loop_new();
	struct role fa = { .name = "fa" }, ha = { .name = "ha" }, ha2 = { .name = "ha2" };
	struct agent_adv_part pf = fa_part(COA_IN), ph = ha_part();
	struct agent_adv_src *sf, *sh, *sh2;
	struct mip_adv d;

	sf = agent_adv_add(loop, "br0", &pf, &r_ops, &fa);
	sh = agent_adv_add(loop, "br0", &ph, &r_ops, &ha);
	sh2 = agent_adv_add(other, "br0", &ph, &r_ops, &ha2); /* another loop: not shared */
	assert_non_null(sf);
	assert_non_null(sh);
	assert_non_null(sh2);
	assert_int_equal(agent_adv_now(sh), 0);
	/* one advertisement, sent through the first source, told to both */
	assert_int_equal(fa.n_send, 1);
	assert_int_equal(ha.n_send, 0);
	assert_int_equal(fa.n_sent, 1);
	assert_int_equal(ha.n_sent, 1);
	assert_int_equal(ha2.n_sent, 0);
	assert_int_equal(fa.from.s_addr, addr(HA_ADDR).s_addr);
	assert_int_equal(fa.to.s_addr, addr("224.0.0.1").s_addr);
	assert_int_equal(mip_adv_decode(fa.buf, fa.len, &d), MIP_ADV_OK);
	assert_int_equal(d.flags & (MIP_ADV_F_H | MIP_ADV_F_F), MIP_ADV_F_H | MIP_ADV_F_F);
	assert_int_equal(d.seq, 0);
	assert_int_equal(d.num_coa, 1);
	assert_int_equal(agent_adv_seq(sf), 1);
	assert_int_equal(agent_adv_seq(sh2), 0);
	/* solicitations: answered once, by the first source; then rate limited */
	assert_int_equal(agent_adv_solicited(sh, addr("224.0.0.2")), AGENT_ADV_SOL_OTHER);
	assert_int_equal(agent_adv_solicited(sf, addr("224.0.0.2")), AGENT_ADV_SOL_DEFERRED);
	assert_int_equal(fa.n_send, 1);
	assert_int_equal(agent_adv_solicited(sh2, addr("255.255.255.255")), AGENT_ADV_SOL_ANSWERED);
	assert_int_equal(ha2.n_send, 1);
	assert_int_equal(ha2.to.s_addr, addr("255.255.255.255").s_addr);
	/* the FA leaves: the HA sends alone, H only, and the sequence number continues */
	agent_adv_del(sf);
	assert_int_equal(agent_adv_now(sh), 0);
	assert_int_equal(ha.n_send, 1);
	assert_int_equal(mip_adv_decode(ha.buf, ha.len, &d), MIP_ADV_OK);
	assert_int_equal(d.flags & (MIP_ADV_F_H | MIP_ADV_F_F), MIP_ADV_F_H);
	assert_int_equal(d.num_coa, 0);
	assert_int_equal(d.seq, 1);
	/* updating a part changes the next advertisement */
	ph.flags = MIP_ADV_F_H;
	agent_adv_update(sh, &ph);
	assert_int_equal(agent_adv_now(sh), 0);
	assert_int_equal(mip_adv_decode(ha.buf, ha.len, &d), MIP_ADV_OK);
	assert_int_equal(d.flags, MIP_ADV_F_H);
	assert_int_equal(d.seq, 2);
	/* the last source gone, a new one starts again at 0 (a restarted agent) */
	agent_adv_del(sh);
	sh = agent_adv_add(loop, "br0", &ph, &r_ops, &ha);
	assert_int_equal(agent_adv_seq(sh), 0);
	/* an interface that does not exist */
	agent_adv_del(sh);
	sh = agent_adv_add(loop, "nope0", &ph, &r_ops, &ha);
	assert_int_equal(agent_adv_now(sh), -ENOENT);
	agent_adv_del(sh);
	agent_adv_del(sh2);
	ev_loop_free(loop);
	ev_loop_free(other);
}

/* --- the foreign agent's M flag --- */

static int m_adv_count;
static uint16_t m_adv_flags;

static int
m_send_adv(void *arg, unsigned ifindex, struct in_addr from, struct in_addr to, const uint8_t *icmp,
           size_t len)
{
	m_adv_count++;
	m_adv_flags = get16(icmp + 22);
	return 0;
}

static unsigned
m_ifindex(void *arg, const char *name)
{
	return IFIDX;
}

static uint32_t
t_caps_min(void *inst)
{
	return TUN_CAP_IPIP | TUN_CAP_MINIMAL;
}

static uint32_t
t_caps_no_min(void *inst)
{
	return TUN_CAP_IPIP | TUN_CAP_GRE;
}

static uint16_t
fa_flags_with(bool configured, const struct tun_ops *ops)
{
	struct ev_loop *loop = ev_loop_new();
	struct role_env env = { .loop = loop };
	struct fa_interface ifs[1] = {
		{ .ifname = "wlan0", .adv_interval_s = 600, .adv_lifetime_s = 1800 }
	};
	struct fa_config cfg = { .ifs = ifs,
		                 .n_ifs = 1,
		                 .max_reg_lifetime = 600,
		                 .reg_timeout_s = 7,
		                 .minimal_encap = configured };
	struct fa_hooks hooks = { .send_adv = m_send_adv, .ifindex = m_ifindex, .tun_ops = ops };
	char err[256] = "";
	struct fa *fa;
	uint16_t flags;

	ifs[0].coa = addr(COA_IN);
	fa = fa_start_hooks(&env, &cfg, &hooks, err, sizeof(err));
	if (fa == NULL)
		fail_msg("fa_start_hooks: %s", err);
	m_adv_count = 0;
	assert_int_equal(fa_advertise(fa, "wlan0"), 0);
	assert_int_equal(m_adv_count, 1);
	flags = m_adv_flags;
	fa_stop(fa);
	ev_loop_free(loop);
	return flags;
}

static void
test_fa_minimal_flag(void **state)
{
	static const struct tun_ops ok = { .caps = t_caps_min };
	static const struct tun_ops no = { .caps = t_caps_no_min };

	assert_int_equal(fa_flags_with(true, &ok) & MIP_ADV_F_M, MIP_ADV_F_M);
	assert_int_equal(fa_flags_with(false, &ok) & MIP_ADV_F_M, 0); /* not configured */
	assert_int_equal(fa_flags_with(true, &no) & MIP_ADV_F_M, 0);  /* back end cannot */
	assert_int_equal(fa_flags_with(true, &ok) & MIP_ADV_F_H, 0);  /* never H alone */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_ha_only),
		cmocka_unit_test(test_build_fa_only),
		cmocka_unit_test(test_build_merged_in_prefix),
		cmocka_unit_test(test_build_merged_out_of_prefix),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_registry_one_advertisement),
		cmocka_unit_test(test_fa_minimal_flag),
	};

	log_init("test_agent_adv", LOG_DEST_STDERR, LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
