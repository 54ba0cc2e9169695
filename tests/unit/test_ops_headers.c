/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ops_headers.c - compile checks of the discovery and tunnel plugin headers.
 *
 * The two classes have no back end yet; this test keeps their headers
 * self-contained and consistent with the codec and plugin headers, and
 * checks that a back end written against them type-checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "discovery.h"
#include "tunnel.h"
#include "mip_adv.h"
#include "plugin.h"

typedef void (*any_fn)(void);

/* Ops structs are plain tables of function pointers, as the ABI rule assumes. */
_Static_assert(sizeof(struct disc_ops) == 7 * sizeof(any_fn), "disc_ops members");
_Static_assert(sizeof(struct tun_ops) == 14 * sizeof(any_fn), "tun_ops members");
/* Events are non-zero and distinct; a zeroed event is never valid. */
_Static_assert(DISC_AGENT_FOUND == 1 && DISC_CLIENT_IGNORED == 6, "disc_event values");
/* Agent data holds what the advertisement codec decodes. */
_Static_assert(DISC_COA_MAX <= MIP_ADV_MAX_COA, "care-of address bound");
_Static_assert(sizeof(((struct disc_agent *)0)->flags) == sizeof(((struct mip_adv *)0)->flags),
               "advertisement flags width");
_Static_assert(DISC_MAC_LEN == TUN_MAC_LEN, "link-layer address length");
_Static_assert(TUN_ENCAP_IPIP != 0 && TUN_ENCAP_GRE != TUN_ENCAP_MINIMAL, "encapsulations");

struct fake_disc {
	const struct disc_env *env;
	unsigned events;
	enum disc_event last;
	union disc_event_data data;
};

static void *
fake_create(const struct disc_env *env, char *errmsg, size_t errlen)
{
	static struct fake_disc fd;

	fd.env = env;
	return &fd;
}

static void
fake_destroy(void *inst)
{
}

static int
fake_start(void *inst, char *errmsg, size_t errlen)
{
	struct fake_disc *fd = inst;
	union disc_event_data d = { .agent = { .roles = DISC_ROLE_FA, .n_coa = 1 } };

	d.agent.addr.s_addr = htonl(0xc0000201);
	d.agent.coa[0] = d.agent.addr;
	d.agent.flags = MIP_ADV_F_F | MIP_ADV_F_T;
	fd->env->event(fd->env->ctx, DISC_AGENT_FOUND, &d);
	return 0;
}

static void
fake_stop(void *inst)
{
}

static const struct disc_ops fake_disc_ops = {
	.create = fake_create,
	.destroy = fake_destroy,
	.start = fake_start,
	.stop = fake_stop,
};

static void
record_event(void *ctx, enum disc_event ev, const union disc_event_data *data)
{
	struct fake_disc *fd = ctx;

	fd->events++;
	fd->last = ev;
	fd->data = *data;
}

/* A back end written against the header reaches the core's upcall intact. */
static void
test_disc_upcall_types(void **state)
{
	struct fake_disc seen = { 0 };
	struct disc_env env = { .loop = NULL, .event = record_event, .ctx = &seen };
	void *inst = fake_disc_ops.create(&env, NULL, 0);

	assert_non_null(inst);
	assert_null(fake_disc_ops.solicit);
	assert_null(fake_disc_ops.configure);
	assert_int_equal(fake_disc_ops.start(inst, NULL, 0), 0);
	assert_int_equal(seen.events, 1);
	assert_int_equal(seen.last, DISC_AGENT_FOUND);
	assert_int_equal(seen.data.agent.roles, DISC_ROLE_FA);
	assert_int_equal(ntohl(seen.data.agent.coa[0].s_addr), 0xc0000201);
	assert_int_equal(seen.data.agent.flags, 0x1100);
	fake_disc_ops.stop(inst);
	fake_disc_ops.destroy(inst);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disc_upcall_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
