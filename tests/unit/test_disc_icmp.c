/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_disc_icmp.c - discovery-icmp's pure parts: IPv4 checks, agent view, change test.
 *
 * The plugin's dicmp_parse.c is compiled into this test. Packets are built
 * here byte by byte, with the test's own RFC 1071 sum, never with the
 * advertisement encoder.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../plugins/discovery-icmp/dicmp_parse.c"

static uint16_t
ref_cksum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i < len; i++)
		s += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_addr(uint8_t *p, const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	memcpy(p, &a, 4);
}

/*
 * Build an IPv4 packet from 203.0.113.1 to 224.0.0.1 carrying an agent
 * advertisement: one router entry (the source), ICMP lifetime @life, a
 * mobility extension (seq @seq, registration lifetime 1800, @flags, @ncoa
 * care-of addresses 198.51.100.1, .2, ...) and a prefix-lengths extension
 * (24). Returns the packet length.
 */
static size_t
build_adv(uint8_t *pkt, uint16_t life, uint16_t seq, uint16_t flags, unsigned ncoa)
{
	uint8_t *icmp = pkt + 20, *x;
	size_t ilen;

	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	pkt[8] = 1; /* TTL */
	pkt[9] = 1; /* ICMP */
	put_addr(pkt + 12, "203.0.113.1");
	put_addr(pkt + 16, "224.0.0.1");
	icmp[0] = 9;
	icmp[1] = 0;
	icmp[2] = icmp[3] = 0;
	icmp[4] = 1; /* one router address */
	icmp[5] = 2;
	put16(icmp + 6, life);
	put_addr(icmp + 8, "203.0.113.1");
	memset(icmp + 12, 0, 4);
	x = icmp + 16;
	x[0] = 16;
	x[1] = (uint8_t)(6 + 4 * ncoa);
	put16(x + 2, seq);
	put16(x + 4, 1800);
	put16(x + 6, flags);
	for (unsigned i = 0; i < ncoa; i++) {
		char s[32];

		snprintf(s, sizeof(s), "198.51.100.%u", i + 1);
		put_addr(x + 8 + 4 * i, s);
	}
	x += 8 + 4 * ncoa;
	x[0] = 19;
	x[1] = 1;
	x[2] = 24;
	x += 3;
	ilen = (size_t)(x - icmp);
	put16(icmp + 2, ref_cksum(icmp, ilen));
	put16(pkt + 2, (uint16_t)(20 + ilen));
	put16(pkt + 10, ref_cksum(pkt, 20));
	return 20 + ilen;
}

static void
refix_ip(uint8_t *pkt)
{
	put16(pkt + 10, 0);
	put16(pkt + 10, ref_cksum(pkt, 20));
}

static void
test_valid_fa(void **state)
{
	uint8_t pkt[256];
	size_t len = build_adv(pkt, 9, 5, 0x8000 | 0x1000 | 0x0400 | 0x0100, 1);
	struct dicmp_pkt p;
	struct disc_agent a;
	const char *why;
	char s[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(dicmp_parse(pkt, len, &p, &why), DICMP_RX_ADV);
	assert_int_equal(p.ttl, 1);
	dicmp_agent_from_adv(&p, &a);
	assert_string_equal(inet_ntop(AF_INET, &a.addr, s, sizeof(s)), "203.0.113.1");
	assert_int_equal(a.roles, DISC_ROLE_FA);
	assert_int_equal(a.flags, 0x9500);
	assert_int_equal(a.max_lifetime, 1800);
	assert_int_equal(a.adv_lifetime, 9);
	assert_int_equal(a.seq, 5);
	assert_int_equal(a.n_coa, 1);
	assert_string_equal(inet_ntop(AF_INET, &a.coa[0], s, sizeof(s)), "198.51.100.1");
	assert_int_equal(a.prefix_len, 24);
	assert_false(a.has_mac);
	assert_int_equal(a.ifindex, 0);
}

static void
test_home_agent_roles(void **state)
{
	uint8_t pkt[256];
	struct dicmp_pkt p;
	struct disc_agent a;
	const char *why;
	size_t len = build_adv(pkt, 9, 0, 0x2000, 0);

	(void)state;
	assert_int_equal(dicmp_parse(pkt, len, &p, &why), DICMP_RX_ADV);
	dicmp_agent_from_adv(&p, &a);
	assert_int_equal(a.roles, DISC_ROLE_HA);
	assert_int_equal(a.n_coa, 0);
	len = build_adv(pkt, 9, 0, 0x2000 | 0x1000, 1);
	assert_int_equal(dicmp_parse(pkt, len, &p, &why), DICMP_RX_ADV);
	dicmp_agent_from_adv(&p, &a);
	assert_int_equal(a.roles, DISC_ROLE_HA | DISC_ROLE_FA);
}

static void
test_coa_limit(void **state)
{
	uint8_t pkt[256];
	struct dicmp_pkt p;
	struct disc_agent a;
	const char *why;
	size_t len = build_adv(pkt, 9, 0, 0x1000, 10);
	char s[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(dicmp_parse(pkt, len, &p, &why), DICMP_RX_ADV);
	dicmp_agent_from_adv(&p, &a);
	assert_int_equal(a.n_coa, DISC_COA_MAX);
	assert_string_equal(inet_ntop(AF_INET, &a.coa[0], s, sizeof(s)), "198.51.100.1");
	assert_string_equal(inet_ntop(AF_INET, &a.coa[DISC_COA_MAX - 1], s, sizeof(s)),
	                    "198.51.100.8");
}

static void
test_invalid(void **state)
{
	uint8_t pkt[256], bad[256];
	size_t len = build_adv(pkt, 9, 1, 0x1000, 1);
	struct dicmp_pkt p;
	const char *why;

	(void)state;
	/* ICMP checksum */
	memcpy(bad, pkt, len);
	bad[len - 1] ^= 1;
	assert_int_equal(dicmp_parse(bad, len, &p, &why), DICMP_RX_INVALID);
	/* IPv4 header checksum */
	memcpy(bad, pkt, len);
	bad[10] ^= 0x10;
	assert_int_equal(dicmp_parse(bad, len, &p, &why), DICMP_RX_INVALID);
	assert_string_equal(why, "bad IPv4 header checksum");
	/* fragment (MF) */
	memcpy(bad, pkt, len);
	bad[6] = 0x20;
	refix_ip(bad);
	assert_int_equal(dicmp_parse(bad, len, &p, &why), DICMP_RX_INVALID);
	assert_string_equal(why, "fragment");
	/* version 6 */
	memcpy(bad, pkt, len);
	bad[0] = 0x65;
	assert_int_equal(dicmp_parse(bad, len, &p, &why), DICMP_RX_INVALID);
	/* header length 16 */
	memcpy(bad, pkt, len);
	bad[0] = 0x44;
	assert_int_equal(dicmp_parse(bad, len, &p, &why), DICMP_RX_INVALID);
	/* extension length running past the end (checksum fixed) */
	memcpy(bad, pkt, len);
	bad[20 + 17] = 200;
	put16(bad + 22, 0);
	put16(bad + 22, ref_cksum(bad + 20, len - 20));
	assert_int_equal(dicmp_parse(bad, len, &p, &why), DICMP_RX_INVALID);
	/* every truncation: the total length no longer fits */
	for (size_t n = 0; n < len; n++)
		assert_int_equal(dicmp_parse(pkt, n, &p, &why), DICMP_RX_INVALID);
}

static void
test_padding_and_other(void **state)
{
	uint8_t pkt[256];
	size_t len = build_adv(pkt, 9, 1, 0x1000, 1);
	struct dicmp_pkt p;
	const char *why;
	uint8_t *icmp = pkt + 20;

	(void)state;
	memset(pkt + len, 0xee, 16); /* Ethernet padding after the total length */
	assert_int_equal(dicmp_parse(pkt, len + 16, &p, &why), DICMP_RX_ADV);
	/* protocol UDP */
	pkt[9] = 17;
	refix_ip(pkt);
	assert_int_equal(dicmp_parse(pkt, len, &p, &why), DICMP_RX_OTHER);
	pkt[9] = 1;
	refix_ip(pkt);
	/* a solicitation is not an advertisement */
	icmp[0] = 10;
	assert_int_equal(dicmp_parse(pkt, len, &p, &why), DICMP_RX_OTHER);
	/* a plain router advertisement: no mobility extension */
	icmp[0] = 9;
	put16(pkt + 2, 20 + 16);
	refix_ip(pkt);
	put16(icmp + 2, 0);
	put16(icmp + 2, ref_cksum(icmp, 16));
	assert_int_equal(dicmp_parse(pkt, 20 + 16, &p, &why), DICMP_RX_OTHER);
}

static void
test_changed(void **state)
{
	uint8_t pkt[256];
	struct dicmp_pkt p;
	struct disc_agent a, b;
	const char *why;
	size_t len = build_adv(pkt, 9, 1, 0x1000, 2);

	(void)state;
	assert_int_equal(dicmp_parse(pkt, len, &p, &why), DICMP_RX_ADV);
	dicmp_agent_from_adv(&p, &a);
	b = a;
	b.seq = 77;
	b.adv_lifetime = 30;
	assert_false(dicmp_agent_changed(&a, &b));
	b = a;
	b.flags |= 0x0400;
	assert_true(dicmp_agent_changed(&a, &b));
	b = a;
	b.max_lifetime = 60;
	assert_true(dicmp_agent_changed(&a, &b));
	b = a;
	b.coa[1].s_addr ^= htonl(1);
	assert_true(dicmp_agent_changed(&a, &b));
	b = a;
	b.n_coa = 1;
	assert_true(dicmp_agent_changed(&a, &b));
	b = a;
	b.has_mac = true;
	assert_true(dicmp_agent_changed(&a, &b));
	a.has_mac = true;
	b.mac[5] = 9;
	assert_true(dicmp_agent_changed(&a, &b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_fa),          cmocka_unit_test(test_home_agent_roles),
		cmocka_unit_test(test_coa_limit),         cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_padding_and_other), cmocka_unit_test(test_changed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
