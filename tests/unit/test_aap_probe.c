/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_aap_probe.c - which datagrams answer an AAP's home agent liveness probe: only a
 * Registration Reply from the home agent (or its subnet) that names the home agent as
 * home address and echoes the probe's identification (low-order 32 bits, RFC 5944 5.7).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aap_int.h"
#include "wire.h"

#define HA_ADDR  0xc0000242u /* 192.0.2.66 */
#define PREFIX   0xc0000240u /* 192.0.2.64/26 */
#define PROBE_ID 0xe1234567a5a5a5a5ull

static struct aap_probe
probe(void)
{
	struct aap_probe p = { .len = 26, .deadline_ms = 1000, .id = PROBE_ID };

	p.ha.s_addr = htonl(HA_ADDR);
	p.prefix.s_addr = htonl(PREFIX);
	return p;
}

/* A Registration Reply (RFC 5944 3.4) with @code, home address @hoa, identification @id. */
static void
reply(uint8_t *b, uint8_t code, uint32_t hoa, uint64_t id)
{
	memset(b, 0, 20);
	b[0] = 3;
	b[1] = code;
	wire_put32(b + 4, hoa);
	wire_put32(b + 8, HA_ADDR);
	wire_put64(b + 12, id);
}

static struct in_addr
ip(uint32_t h)
{
	struct in_addr a = { htonl(h) };

	return a;
}

static void
test_genuine_reply_matches(void **state)
{
	struct aap_probe p = probe();
	uint8_t b[20];

	(void)state;
	reply(b, 131, HA_ADDR, PROBE_ID);
	assert_true(aap_probe_reply_matches(&p, b, sizeof(b), ip(HA_ADDR)));
	/* From another address of the home subnet (the HA answering on another address). */
	assert_true(aap_probe_reply_matches(&p, b, sizeof(b), ip(PREFIX + 1)));
	/* 133: the HA puts its own time in the high-order bits, keeps the low-order ones. */
	reply(b, 133, HA_ADDR, (PROBE_ID & 0xffffffffu) | 0x1111111100000000ull);
	assert_true(aap_probe_reply_matches(&p, b, sizeof(b), ip(HA_ADDR)));
}

static void
test_forged_or_stray_reply_ignored(void **state)
{
	struct aap_probe p = probe();
	uint8_t b[20];

	(void)state;
	/* Any host of the subnet could send a reply: without our identification it is not one. */
	reply(b, 131, HA_ADDR, PROBE_ID ^ 1);
	assert_false(aap_probe_reply_matches(&p, b, sizeof(b), ip(HA_ADDR)));
	reply(b, 131, HA_ADDR, 0);
	assert_false(aap_probe_reply_matches(&p, b, sizeof(b), ip(PREFIX + 7)));
	/* A reply about another home address (to some other request). */
	reply(b, 131, HA_ADDR + 1, PROBE_ID);
	assert_false(aap_probe_reply_matches(&p, b, sizeof(b), ip(HA_ADDR)));
	/* From outside the subnet, not the home agent. */
	reply(b, 131, HA_ADDR, PROBE_ID);
	assert_false(aap_probe_reply_matches(&p, b, sizeof(b), ip(0xc6336401)));
	/* Not a Registration Reply, or truncated. */
	b[0] = 1;
	assert_false(aap_probe_reply_matches(&p, b, sizeof(b), ip(HA_ADDR)));
	reply(b, 131, HA_ADDR, PROBE_ID);
	assert_false(aap_probe_reply_matches(&p, b, 19, ip(HA_ADDR)));
	/* Nothing outstanding. */
	p.deadline_ms = 0;
	assert_false(aap_probe_reply_matches(&p, b, sizeof(b), ip(HA_ADDR)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_genuine_reply_matches),
		cmocka_unit_test(test_forged_or_stray_reply_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
