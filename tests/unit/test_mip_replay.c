/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_mip_replay.c - NTP identifications, timestamp and nonce replay checks, the peer table.
 *
 * All clocks are parameters, so each case states its own "now". NTP values
 * are written out from the definition (seconds since 1900 in the high 32
 * bits, 2^32 fraction units per second).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "mip_replay.h"

/* 2023-11-05 23:28:52 UTC, the guide's example: Unix 1699226932, NTP 0xE8F2A3B4. */
#define T0_UNIX 1699226932
#define T0_NTP  0xE8F2A3B4u
#define TOL     7

static uint64_t
at(uint32_t secs, uint32_t frac)
{
	return ((uint64_t)secs << 32) | frac;
}

static void
test_ntp_conversion(void **state)
{
	struct timespec ts = { 0, 0 };

	/* The Unix epoch is 2208988800 s after the NTP epoch. */
	assert_int_equal(mip_ntp_from_timespec(&ts, 0, 0), at(2208988800u, 0));
	ts.tv_sec = T0_UNIX;
	assert_int_equal(mip_ntp_from_timespec(&ts, 0, 0xffffffff), at(T0_NTP, 0));
	ts.tv_nsec = 500000000; /* half a second is fraction 2^31 */
	assert_int_equal(mip_ntp_from_timespec(&ts, 0, 0), at(T0_NTP, 0x80000000u));
	ts.tv_nsec = 250000000;
	assert_int_equal(mip_ntp_from_timespec(&ts, 0, 0), at(T0_NTP, 0x40000000u));
	/* 2036-02-07 06:28:16 UTC ends NTP era 0: the seconds wrap to 0. */
	ts.tv_sec = 2085978496;
	ts.tv_nsec = 0;
	assert_int_equal(mip_ntp_from_timespec(&ts, 0, 0), at(0, 0));
}

static void
test_ntp_random_low_bits(void **state)
{
	struct timespec ts = { T0_UNIX, 500000000 };

	/* Only the requested low-order bits come from the random value. */
	assert_int_equal(mip_ntp_from_timespec(&ts, 2, 0xffffffff), at(T0_NTP, 0x80000003u));
	assert_int_equal(mip_ntp_from_timespec(&ts, 2, 0xfffffffc), at(T0_NTP, 0x80000000u));
	assert_int_equal(mip_ntp_from_timespec(&ts, 16, 0x1234abcd), at(T0_NTP, 0x8000abcdu));
	assert_int_equal(mip_ntp_from_timespec(&ts, 32, 0x1234abcd), at(T0_NTP, 0x1234abcdu));
	assert_int_equal(mip_ntp_from_timespec(&ts, 40, 0x1234abcd), at(T0_NTP, 0x1234abcdu));
}

static void
test_ntp_rand_bits_from_resolution(void **state)
{
	struct timespec res = { 0, 1 };

	/* 1 ns = 4.29 fraction units: the two lowest bits are below resolution. */
	assert_int_equal(mip_ntp_rand_bits(&res), 2);
	res.tv_nsec = 1000; /* 1 us = 4294.97 units: 2^12 = 4096 fits */
	assert_int_equal(mip_ntp_rand_bits(&res), 12);
	res.tv_nsec = 4000000; /* 4 ms = 17179869 units: 2^24 = 16777216 fits */
	assert_int_equal(mip_ntp_rand_bits(&res), 24);
	res.tv_nsec = 0;
	assert_int_equal(mip_ntp_rand_bits(&res), 0);
	res.tv_sec = 1;
	assert_int_equal(mip_ntp_rand_bits(&res), 32);
}

static void
test_ntp_now(void **state)
{
	uint64_t a = 0, b = 0;
	time_t before = time(NULL);

	assert_int_equal(mip_ntp_now(&a), 0);
	assert_int_equal(mip_ntp_now(&b), 0);
	int64_t d = (int32_t)(mip_replay_high(a) - (uint32_t)(before + 2208988800LL));
	assert_true(d >= 0 && d <= 2);
	assert_true(b != a); /* random low bits or a later clock make them differ */
}

static void
test_ts_window(void **state)
{
	uint64_t now = at(T0_NTP, 0x10000000);

	assert_int_equal(mip_replay_ts_check(at(T0_NTP, 5), now, TOL, NULL), MIP_REPLAY_OK);
	/* Too old: 8 s behind with a 7 s tolerance; exactly 7 s is still fine. */
	assert_int_equal(mip_replay_ts_check(at(T0_NTP - 8, 0), now, TOL, NULL),
	                 MIP_REPLAY_TOO_OLD);
	assert_int_equal(mip_replay_ts_check(at(T0_NTP - 7, 0), now, TOL, NULL), MIP_REPLAY_OK);
	/* Too new: 8 s ahead; 7 s ahead is fine. */
	assert_int_equal(mip_replay_ts_check(at(T0_NTP + 8, 0), now, TOL, NULL),
	                 MIP_REPLAY_TOO_NEW);
	assert_int_equal(mip_replay_ts_check(at(T0_NTP + 7, 0xffffffff), now, TOL, NULL),
	                 MIP_REPLAY_OK);
	/* Far away in either direction. */
	assert_int_equal(mip_replay_ts_check(at(T0_NTP - 100000, 0), now, TOL, NULL),
	                 MIP_REPLAY_TOO_OLD);
	assert_int_equal(mip_replay_ts_check(at(T0_NTP + 100000, 0), now, TOL, NULL),
	                 MIP_REPLAY_TOO_NEW);
	/* Tolerance 0 accepts only the same second. */
	assert_int_equal(mip_replay_ts_check(at(T0_NTP, 0), now, 0, NULL), MIP_REPLAY_OK);
	assert_int_equal(mip_replay_ts_check(at(T0_NTP + 1, 0), now, 0, NULL), MIP_REPLAY_TOO_NEW);
}

static void
test_ts_last_accepted(void **state)
{
	uint64_t now = at(T0_NTP, 0);
	uint64_t last = at(T0_NTP - 1, 0x40000000);

	/* Equal to the last accepted value: a replay. */
	assert_int_equal(mip_replay_ts_check(last, now, TOL, &last), MIP_REPLAY_NOT_NEWER);
	/* Less than the last accepted value, inside the window. */
	assert_int_equal(mip_replay_ts_check(last - 1, now, TOL, &last), MIP_REPLAY_NOT_NEWER);
	assert_int_equal(mip_replay_ts_check(at(T0_NTP - 2, 0xffffffff), now, TOL, &last),
	                 MIP_REPLAY_NOT_NEWER);
	/* Greater, by a single fraction unit or by seconds. */
	assert_int_equal(mip_replay_ts_check(last + 1, now, TOL, &last), MIP_REPLAY_OK);
	assert_int_equal(mip_replay_ts_check(at(T0_NTP + 3, 0), now, TOL, &last), MIP_REPLAY_OK);
	/* The window is checked first: a newer but too-old id is reported as too old. */
	last = at(T0_NTP - 20, 0);
	assert_int_equal(mip_replay_ts_check(at(T0_NTP - 10, 0), now, TOL, &last),
	                 MIP_REPLAY_TOO_OLD);
}

static void
test_ts_era_rollover(void **state)
{
	/* HA clock 2 s into era 1; the request was stamped 2 s before the rollover. */
	uint64_t now = at(2, 0);
	uint64_t last = at(0xffffffffu, 0x80000000u);

	assert_int_equal(mip_replay_ts_check(at(0xfffffffeu, 0), now, TOL, NULL), MIP_REPLAY_OK);
	assert_int_equal(mip_replay_ts_check(at(1, 0), now, TOL, &last), MIP_REPLAY_OK);
	assert_int_equal(mip_replay_ts_check(at(0xfffffffeu, 0), now, TOL, &last),
	                 MIP_REPLAY_NOT_NEWER);
}

static void
test_ts_reply_id(void **state)
{
	uint64_t req = at(T0_NTP - 30, 0xdeadbeef), now = at(T0_NTP, 0x12345678);

	/* Accepted: the request's Identification is echoed. */
	assert_int_equal(mip_replay_ts_reply_id(req, now, MIP_REPLAY_OK), req);
	/* Code 133: HA seconds in the high half, the request's low half copied. */
	assert_int_equal(mip_replay_ts_reply_id(req, now, MIP_REPLAY_TOO_OLD),
	                 at(T0_NTP, 0xdeadbeef));
	assert_int_equal(mip_replay_ts_reply_id(req, now, MIP_REPLAY_NOT_NEWER),
	                 at(T0_NTP, 0xdeadbeef));
}

static void
test_peer_ts_updates_last(void **state)
{
	struct replay_peer p = { 0 };
	uint64_t now = at(T0_NTP, 0), reply = 0;
	uint64_t id1 = at(T0_NTP, 0x100), id2 = at(T0_NTP, 0x200);

	assert_int_equal(replay_peer_check_ts(&p, id2, now, TOL, &reply), MIP_REPLAY_OK);
	assert_int_equal(reply, id2);
	assert_true(p.has_last);
	assert_int_equal(p.last_id, id2);
	/* Replaying id2 or sending an older id1 fails and leaves the state alone. */
	assert_int_equal(replay_peer_check_ts(&p, id2, now, TOL, &reply), MIP_REPLAY_NOT_NEWER);
	assert_int_equal(reply, at(T0_NTP, 0x200));
	assert_int_equal(replay_peer_check_ts(&p, id1, now, TOL, &reply), MIP_REPLAY_NOT_NEWER);
	assert_int_equal(reply, at(T0_NTP, 0x100));
	assert_int_equal(p.last_id, id2);
	/* A rejected too-new id does not move the state either. */
	assert_int_equal(replay_peer_check_ts(&p, at(T0_NTP + 60, 0), now, TOL, &reply),
	                 MIP_REPLAY_TOO_NEW);
	assert_int_equal(p.last_id, id2);
	assert_int_equal(replay_peer_check_ts(&p, id2 + 1, now, TOL, &reply), MIP_REPLAY_OK);
	assert_int_equal(p.last_id, id2 + 1);
}

static void
test_resync_after_133(void **state)
{
	struct replay_peer ha = { 0 }, mn = { 0 };
	/* The sender's clock is 100 s behind the HA's. */
	uint64_t ha_now = at(T0_NTP, 0x11110000), mn_now = at(T0_NTP - 100, 0x11110000);
	uint64_t req, reply = 0;

	req = mip_replay_ts_next_id(mn_now, mn.offset_s, NULL);
	assert_int_equal(req, mn_now);
	assert_int_equal(replay_peer_check_ts(&ha, req, ha_now, TOL, &reply), MIP_REPLAY_TOO_OLD);
	assert_int_equal(mip_replay_high(reply), T0_NTP);
	assert_true(mip_replay_low_matches(req, reply));
	/* A reply whose low half differs does not answer this request. */
	assert_false(mip_replay_low_matches(req ^ 1, reply));
	assert_true(mip_replay_low_matches(req ^ (1ULL << 40), reply));

	mn.offset_s = mip_replay_ts_offset(reply, mn_now);
	assert_int_equal(mn.offset_s, 100);

	/* One second later on both clocks, the corrected request is accepted. */
	ha_now += 1ULL << 32;
	mn_now += 1ULL << 32;
	req = mip_replay_ts_next_id(mn_now, mn.offset_s, mn.has_last ? &mn.last_id : NULL);
	assert_int_equal(req, at(T0_NTP + 1, 0x11110000));
	assert_int_equal(replay_peer_check_ts(&ha, req, ha_now, TOL, &reply), MIP_REPLAY_OK);
	assert_int_equal(reply, req);
	mn.has_last = true;
	mn.last_id = reply;

	/* A second request within the same clock tick is still increasing. */
	req = mip_replay_ts_next_id(mn_now, mn.offset_s, &mn.last_id);
	assert_int_equal(req, at(T0_NTP + 1, 0x11110001));
	assert_int_equal(replay_peer_check_ts(&ha, req, ha_now, TOL, &reply), MIP_REPLAY_OK);
}

static void
test_resync_clock_ahead(void **state)
{
	struct replay_peer ha = { 0 }, mn = { 0 };
	/* The sender's clock is 100 s ahead of the HA's. */
	uint64_t ha_now = at(T0_NTP, 0), mn_now = at(T0_NTP + 100, 0x2000);
	uint64_t req, reply = 0;

	req = mip_replay_ts_next_id(mn_now, mn.offset_s, NULL);
	assert_int_equal(replay_peer_check_ts(&ha, req, ha_now, TOL, &reply), MIP_REPLAY_TOO_NEW);
	assert_true(mip_replay_low_matches(req, reply));
	mn.offset_s = mip_replay_ts_offset(reply, mn_now);
	assert_int_equal(mn.offset_s, -100);
	/* Nothing was accepted yet, so the rejected id does not hold the retry back. */
	req = mip_replay_ts_next_id(mn_now + 0x1000, mn.offset_s, mn.has_last ? &mn.last_id : NULL);
	assert_int_equal(req, at(T0_NTP, 0x3000));
	assert_int_equal(replay_peer_check_ts(&ha, req, ha_now, TOL, &reply), MIP_REPLAY_OK);
}

static void
test_offset_and_next_id(void **state)
{
	uint64_t prev;

	/* A sender ahead of the HA gets a negative offset. */
	assert_int_equal(mip_replay_ts_offset(at(T0_NTP, 0), at(T0_NTP + 42, 7)), -42);
	assert_int_equal(mip_replay_ts_next_id(at(T0_NTP + 42, 7), -42, NULL), at(T0_NTP, 7));
	/* Across the era rollover the offset stays small. */
	assert_int_equal(mip_replay_ts_offset(at(3, 0), at(0xfffffffdu, 0)), 6);
	assert_int_equal(mip_replay_ts_next_id(at(0xfffffffdu, 9), 6, NULL), at(3, 9));
	/* A next id that would not exceed the previous one is bumped past it. */
	prev = at(T0_NTP, 500);
	assert_int_equal(mip_replay_ts_next_id(at(T0_NTP, 500), 0, &prev), at(T0_NTP, 501));
	assert_int_equal(mip_replay_ts_next_id(at(T0_NTP - 5, 0), 0, &prev), at(T0_NTP, 501));
	assert_int_equal(mip_replay_ts_next_id(at(T0_NTP, 900), 0, &prev), at(T0_NTP, 900));
}

static void
test_nonce_mode(void **state)
{
	struct replay_peer ha = { 0 };
	uint64_t req, reply = 0;
	uint32_t issued = 0x5a5a5a5a;

	/* Pure checks. */
	assert_int_equal(mip_replay_nonce_check(at(0x5a5a5a5a, 1), &issued), MIP_REPLAY_OK);
	assert_int_equal(mip_replay_nonce_check(at(0x5a5a5a5b, 1), &issued),
	                 MIP_REPLAY_NONCE_MISMATCH);
	assert_int_equal(mip_replay_nonce_check(at(0x5a5a5a5a, 1), NULL),
	                 MIP_REPLAY_NONCE_MISMATCH);
	assert_int_equal(mip_replay_nonce_reply_id(at(0x11, 0xcafef00d), 0x77777777),
	                 at(0x77777777, 0xcafef00d));

	/* First contact: the HA has issued nothing, so the request gets 133 and a nonce. */
	req = at(0, 0xcafef00d);
	assert_int_equal(replay_peer_check_nonce(&ha, req, 0xa1a1a1a1, &reply),
	                 MIP_REPLAY_NONCE_MISMATCH);
	assert_int_equal(reply, at(0xa1a1a1a1, 0xcafef00d));
	assert_true(mip_replay_low_matches(req, reply));
	/* The sender retries with the HA nonce and a fresh low half. */
	req = at(mip_replay_high(reply), 0x0badcafe);
	assert_int_equal(replay_peer_check_nonce(&ha, req, 0xb2b2b2b2, &reply), MIP_REPLAY_OK);
	assert_int_equal(reply, at(0xb2b2b2b2, 0x0badcafe));
	/* Replaying the accepted request fails: the HA nonce has moved on. */
	assert_int_equal(replay_peer_check_nonce(&ha, req, 0xc3c3c3c3, &reply),
	                 MIP_REPLAY_NONCE_MISMATCH);
	assert_int_equal(reply, at(0xc3c3c3c3, 0x0badcafe));
	assert_int_equal(ha.nonce, 0xc3c3c3c3);
}

static void
test_table_basics(void **state)
{
	struct replay_table *t = replay_table_new();
	struct in_addr a = { htonl(0x0a01000a) }, b = { htonl(0x0a01000b) };
	struct replay_peer *pa, *pn, *p;

	assert_non_null(t);
	assert_null(replay_table_get(t, a, NULL, false));
	pa = replay_table_get(t, a, NULL, true);
	assert_non_null(pa);
	assert_false(pa->has_last);
	pa->has_last = true;
	pa->last_id = 42;
	assert_ptr_equal(replay_table_get(t, a, NULL, false), pa);
	assert_ptr_equal(replay_table_get(t, a, "", false), pa); /* empty NAI = by address */
	assert_ptr_equal(replay_table_get(t, a, NULL, true), pa);
	/* An NAI key is distinct from the address key, whatever address is passed. */
	pn = replay_table_get(t, a, "mn@example.com", true);
	assert_non_null(pn);
	assert_ptr_not_equal(pn, pa);
	assert_ptr_equal(replay_table_get(t, b, "mn@example.com", false), pn);
	assert_null(replay_table_get(t, a, "MN@example.com", false));
	assert_null(replay_table_get(t, b, NULL, false));
	assert_int_equal(replay_table_count(t), 2);

	assert_int_equal(replay_table_del(t, a, NULL), 0);
	assert_int_equal(replay_table_del(t, a, NULL), -ENOENT);
	assert_null(replay_table_get(t, a, NULL, false));
	assert_ptr_equal(replay_table_get(t, a, "mn@example.com", false), pn);
	assert_int_equal(replay_table_count(t), 1);
	p = replay_table_get(t, a, NULL, true);
	assert_false(p->has_last); /* a new entry starts clean */
	replay_table_free(t);
	replay_table_free(NULL);
}

static void
test_table_many(void **state)
{
	struct replay_table *t = replay_table_new();
	char nai[32];
	unsigned i;

	for (i = 0; i < 20000; i++) {
		struct in_addr a = { htonl(0x0a000000 + i) };
		struct replay_peer *p = replay_table_get(t, a, NULL, true);

		assert_non_null(p);
		p->last_id = i;
		snprintf(nai, sizeof(nai), "user%u@example.net", i);
		p = replay_table_get(t, a, nai, true);
		assert_non_null(p);
		p->last_id = 100000 + i;
	}
	assert_int_equal(replay_table_count(t), 40000);
	for (i = 0; i < 20000; i++) {
		struct in_addr a = { htonl(0x0a000000 + i) };

		snprintf(nai, sizeof(nai), "user%u@example.net", i);
		assert_int_equal(replay_table_get(t, a, NULL, false)->last_id, i);
		assert_int_equal(replay_table_get(t, a, nai, false)->last_id, 100000 + i);
		if (i % 2 == 0) {
			assert_int_equal(replay_table_del(t, a, NULL), 0);
			assert_int_equal(replay_table_del(t, a, nai), 0);
		}
	}
	assert_int_equal(replay_table_count(t), 20000);
	for (i = 0; i < 20000; i++) {
		struct in_addr a = { htonl(0x0a000000 + i) };

		assert_true((replay_table_get(t, a, NULL, false) != NULL) == (i % 2 == 1));
	}
	replay_table_free(t);
}

static void
test_result_names(void **state)
{
	assert_string_equal(mip_replay_result_name(MIP_REPLAY_OK), "ok");
	assert_string_equal(mip_replay_result_name(MIP_REPLAY_TOO_OLD), "too-old");
	assert_string_equal(mip_replay_result_name(MIP_REPLAY_TOO_NEW), "too-new");
	assert_string_equal(mip_replay_result_name(MIP_REPLAY_NOT_NEWER), "not-newer");
	assert_string_equal(mip_replay_result_name(MIP_REPLAY_NONCE_MISMATCH), "nonce-mismatch");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ntp_conversion),
		cmocka_unit_test(test_ntp_random_low_bits),
		cmocka_unit_test(test_ntp_rand_bits_from_resolution),
		cmocka_unit_test(test_ntp_now),
		cmocka_unit_test(test_ts_window),
		cmocka_unit_test(test_ts_last_accepted),
		cmocka_unit_test(test_ts_era_rollover),
		cmocka_unit_test(test_ts_reply_id),
		cmocka_unit_test(test_peer_ts_updates_last),
		cmocka_unit_test(test_resync_after_133),
		cmocka_unit_test(test_resync_clock_ahead),
		cmocka_unit_test(test_offset_and_next_id),
		cmocka_unit_test(test_nonce_mode),
		cmocka_unit_test(test_table_basics),
		cmocka_unit_test(test_table_many),
		cmocka_unit_test(test_result_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
