/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fa_adv.c - unit tests of the foreign agent's agent advertisements and solicitations.
 *
 * The foreign agent runs on a real event loop with a send hook that records every
 * advertisement; the tests decode the bytes themselves (offsets of RFC 5944 section 2.1
 * and RFC 1256) and check the ICMP checksum with their own one's-complement sum.
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

#include "engine.h"
#include "ev.h"
#include "fa.h"
#include "log.h"
#include "tunnel.h"

#define IFIDX  7
#define COA    "192.0.2.1"
#define MAXADV 8

struct adv {
	unsigned ifindex;
	struct in_addr from, to;
	uint8_t buf[128];
	size_t len;
	uint64_t at_ms;
};

struct fix {
	struct ev_loop *loop;
	struct fa_config cfg;
	struct fa_interface ifs[1];
	struct fa *fa;
	bool no_reverse; /* tunnel back end without reverse tunnelling */
	struct adv adv[MAXADV];
	size_t n_adv;
	uint16_t last_seq;
	size_t n_seen;
	bool count_only;
};

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* One's-complement sum of @len bytes, folded (0xffff for a message with a valid checksum). */
static uint16_t
ocsum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i < len; i += 2)
		s += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static struct in_addr
addr(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static int
send_adv(void *arg, unsigned ifindex, struct in_addr from, struct in_addr to, const uint8_t *icmp,
         size_t len)
{
	struct fix *f = arg;
	struct adv *a;

	if (f->count_only) { /* sequence test: only the sequence numbers matter */
		f->last_seq = get16(icmp + 18);
		f->n_seen++;
		return 0;
	}
	assert_true(f->n_adv < MAXADV && len <= sizeof(a->buf));
	a = &f->adv[f->n_adv++];
	a->ifindex = ifindex;
	a->from = from;
	a->to = to;
	memcpy(a->buf, icmp, len);
	a->len = len;
	a->at_ms = ev_now_ms();
	return 0;
}

static unsigned
if_index(void *arg, const char *name)
{
	return strcmp(name, "wlan0") == 0 ? IFIDX : 0;
}

static int
t_reverse_add(void *inst, const struct tun_reverse *r, char *e, size_t el)
{
	return 0;
}

static uint32_t
t_caps(void *inst)
{
	return TUN_CAP_IPIP | TUN_CAP_GRE | TUN_CAP_REVERSE;
}

static const struct tun_ops tun_with_reverse = { .caps = t_caps, .reverse_add = t_reverse_add };
static const struct tun_ops tun_without_reverse = { .caps = t_caps, .reverse_add = NULL };

static void
start_fa(struct fix *f)
{
	struct role_env env = { .loop = f->loop };
	struct fa_hooks hooks = { .send_adv = send_adv,
		                  .ifindex = if_index,
		                  .tun_ops =
		                          f->no_reverse ? &tun_without_reverse : &tun_with_reverse,
		                  .arg = f };
	char err[256] = "";

	f->fa = fa_start_hooks(&env, &f->cfg, &hooks, err, sizeof(err));
	if (f->fa == NULL)
		fail_msg("fa_start_hooks: %s", err);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	log_init("test_fa_adv", LOG_DEST_STDERR, LOG_ERR);
	f->loop = ev_loop_new();
	assert_non_null(f->loop);
	snprintf(f->ifs[0].ifname, sizeof(f->ifs[0].ifname), "wlan0");
	f->ifs[0].coa = addr(COA);
	f->ifs[0].adv_interval_s = 600;
	f->ifs[0].adv_lifetime_s = 1800;
	f->cfg.ifs = f->ifs;
	f->cfg.n_ifs = 1;
	f->cfg.max_reg_lifetime = 1800;
	f->cfg.reg_timeout_s = 7;
	f->cfg.reverse_tunnel = FA_RT_AVAILABLE;
	f->cfg.gre = true;
	f->cfg.reg_required = true;
	f->cfg.revocation = true;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	fa_stop(f->fa);
	ev_loop_free(f->loop);
	free(f);
	return 0;
}

static void
run_for(struct fix *f, uint64_t ms)
{
	uint64_t end = ev_now_ms() + ms;

	while (ev_now_ms() < end) {
		ev_loop_run_once(f->loop);
		usleep(1000);
	}
}

/* Check the layout of advertisement @a and return its mobility agent flags. */
static uint16_t
check_adv(const struct adv *a, uint16_t seq)
{
	const uint8_t *b = a->buf;

	assert_int_equal(a->ifindex, IFIDX);
	assert_int_equal(a->from.s_addr, addr(COA).s_addr);
	assert_int_equal(a->len, 8 + 8 + 6 + 6); /* header, one router, extension 16 with one CoA */
	assert_int_equal(b[0], 9);               /* router advertisement */
	assert_int_equal(b[1], 0);
	assert_int_equal(ocsum(b, a->len), 0xffff);
	assert_int_equal(b[4], 1);            /* num addrs */
	assert_int_equal(b[5], 2);            /* entry size */
	assert_int_equal(get16(b + 6), 1800); /* advertisement lifetime */
	assert_int_equal(get32(b + 8), ntohl(addr(COA).s_addr));
	assert_int_equal(get32(b + 12), 0); /* preference */
	assert_int_equal(b[16], 16);        /* mobility agent advertisement */
	assert_int_equal(b[17], 10);
	assert_int_equal(get16(b + 18), seq);
	assert_int_equal(get16(b + 20), 1800); /* registration lifetime */
	assert_int_equal(get32(b + 24), ntohl(addr(COA).s_addr));
	return get16(b + 22);
}

static void
test_contents_and_flags(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;

	start_fa(f);
	assert_int_equal(fa_advertise(f->fa, "wlan0"), 0);
	assert_int_equal(fa_advertise(f->fa, "eth9"), -ENOENT);
	assert_int_equal(f->n_adv, 1);
	assert_int_equal(f->adv[0].to.s_addr, addr("224.0.0.1").s_addr);
	/* R F G T X */
	assert_int_equal(check_adv(&f->adv[0], 0), 0x8000 | 0x1000 | 0x0400 | 0x0100 | 0x0040);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.advertisements_sent, 1);
}

static void
test_flags_other_config(void **state)
{
	struct fix *f = *state;
	char err[128];

	f->cfg.busy = true;
	f->cfg.gre = false;
	f->cfg.reg_required = false;
	f->cfg.revocation = false;
	f->cfg.reverse_tunnel = FA_RT_NONE;
	start_fa(f);
	assert_int_equal(fa_advertise(f->fa, "wlan0"), 0);
	assert_int_equal(check_adv(&f->adv[0], 0), 0x4000 | 0x1000); /* B F */
	/* Reconfiguration: flags follow, the sequence number continues. */
	f->cfg.busy = false;
	f->cfg.reverse_tunnel = FA_RT_MANDATORY;
	assert_int_equal(fa_reconfigure(f->fa, &f->cfg, err, sizeof(err)), 0);
	assert_int_equal(fa_advertise(f->fa, "wlan0"), 0);
	assert_int_equal(check_adv(&f->adv[1], 1), 0x1000 | 0x0100); /* F T */
}

static void
test_no_t_without_backend_reverse(void **state)
{
	struct fix *f = *state;

	f->no_reverse = true;
	start_fa(f);
	assert_int_equal(fa_advertise(f->fa, "wlan0"), 0);
	assert_int_equal(check_adv(&f->adv[0], 0) & 0x0100, 0);
}

static void
test_sequence_wrap(void **state)
{
	struct fix *f = *state;

	start_fa(f);
	f->count_only = true;
	for (uint32_t i = 0; i <= 0xffff; i++) {
		assert_int_equal(fa_advertise(f->fa, "wlan0"), 0);
		if (f->last_seq != i)
			fail_msg("advertisement %u has sequence number %u", i, f->last_seq);
	}
	assert_int_equal(fa_advertise(f->fa, "wlan0"), 0);
	assert_int_equal(f->last_seq, 256); /* 0xffff is followed by 256, not 0 */
	assert_int_equal(fa_advertise(f->fa, "wlan0"), 0);
	assert_int_equal(f->last_seq, 257);
	assert_int_equal(f->n_seen, 0x10000 + 2);
}

static void
make_sol(uint8_t *b)
{
	uint16_t s;

	memset(b, 0, 8);
	b[0] = 10;
	s = (uint16_t)~ocsum(b, 8);
	b[2] = (uint8_t)(s >> 8);
	b[3] = (uint8_t)s;
}

static void
test_solicitation_rate_limit(void **state)
{
	struct fix *f = *state;
	struct in_addr all_routers = addr("224.0.0.2");
	struct fa_counters c;
	uint8_t sol[8];

	make_sol(sol);
	start_fa(f);
	fa_icmp_input(f->fa, sol, sizeof(sol), all_routers, IFIDX);
	assert_int_equal(f->n_adv, 1); /* answered at once */
	assert_int_equal(f->adv[0].to.s_addr, addr("224.0.0.1").s_addr);
	check_adv(&f->adv[0], 0);
	fa_icmp_input(f->fa, sol, sizeof(sol), all_routers, IFIDX);
	fa_icmp_input(f->fa, sol, sizeof(sol), all_routers, IFIDX);
	assert_int_equal(f->n_adv, 1); /* not within the same second */
	run_for(f, 1400);
	assert_int_equal(f->n_adv, 2); /* one more, a second after the first */
	assert_true(f->adv[1].at_ms - f->adv[0].at_ms >= 990);
	check_adv(&f->adv[1], 1);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.solicitations_received, 3);
	assert_int_equal(c.solicitations_rate_limited, 2);
	/* A second after that, a broadcast solicitation gets a broadcast answer at once. */
	run_for(f, 1000);
	assert_int_equal(f->n_adv, 2);
	fa_icmp_input(f->fa, sol, sizeof(sol), addr("255.255.255.255"), IFIDX);
	assert_int_equal(f->n_adv, 3);
	assert_int_equal(f->adv[2].to.s_addr, addr("255.255.255.255").s_addr);
}

static void
test_bad_solicitations(void **state)
{
	struct fix *f = *state;
	struct fa_counters c;
	uint8_t sol[8];

	make_sol(sol);
	start_fa(f);
	fa_icmp_input(f->fa, sol, sizeof(sol), addr("224.0.0.2"), IFIDX + 1); /* not ours */
	sol[7] = 1;                                                           /* bad checksum */
	fa_icmp_input(f->fa, sol, sizeof(sol), addr("224.0.0.2"), IFIDX);
	fa_icmp_input(f->fa, sol, 4, addr("224.0.0.2"), IFIDX); /* truncated */
	assert_int_equal(f->n_adv, 0);
	fa_get_counters(f->fa, &c);
	assert_int_equal(c.solicitations_bad, 2);
	assert_int_equal(c.solicitations_received, 0);
}

static void
test_periodic_jitter(void **state)
{
	struct fix *f = *state;

	f->ifs[0].adv_interval_s = 1;
	f->ifs[0].adv_lifetime_s = 1800;
	start_fa(f);
	run_for(f, 3600);
	/* The first within a second of start, then every 0.75 to 1.25 s. */
	assert_true(f->n_adv >= 3 && f->n_adv <= 5);
	for (size_t i = 0; i < f->n_adv; i++) {
		check_adv(&f->adv[i], (uint16_t)i);
		if (i > 0) {
			uint64_t gap = f->adv[i].at_ms - f->adv[i - 1].at_ms;

			if (gap < 740 || gap > 1300)
				fail_msg("gap %llu ms between advertisements",
				         (unsigned long long)gap);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_contents_and_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags_other_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_t_without_backend_reverse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_solicitation_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_solicitations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_periodic_jitter, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
