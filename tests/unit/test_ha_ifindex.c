/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ha_ifindex.c - the home agent caches the interface index of each home network
 * instead of calling if_nametoindex() (a socket each time) on every registration: the
 * cached value is used as long as it is valid, and looked up again after a
 * reconfiguration or when a send on the interface fails with ENODEV or ENXIO.
 *
 * A stale cache is simulated by writing a wrong index into it: a value that is served
 * back proves no lookup happened, the real index coming back proves one did.
 */
#include <net/if.h>

#include "test_ha.h"

#include "ha_int.h"

#define BOGUS_IFINDEX 987654u

static struct ha_net *
net0(struct hat *t)
{
	assert_int_equal(t->ha->n_nets, 1);
	return &t->ha->nets[0];
}

static int
setup_lo(void **state)
{
	struct hat *t;

	hat_setup(state);
	t = *state;
	snprintf(t->nets[0].ifname, sizeof(t->nets[0].ifname), "lo");
	hat_start(t);
	return 0;
}

static void
test_cached_until_invalidated(void **state)
{
	struct hat *t = *state;
	struct ha_net *n = net0(t);
	unsigned lo = if_nametoindex("lo");

	assert_true(lo != 0);
	assert_int_equal(ha_net_ifindex(n), lo);
	/* A cached value is served without a lookup. */
	n->ifindex = BOGUS_IFINDEX;
	assert_int_equal(ha_net_ifindex(n), BOGUS_IFINDEX);
	/* Errors that do not say the interface went keep it. */
	ha_net_ifindex_invalidate(n, -EAGAIN);
	ha_net_ifindex_invalidate(n, -ENOBUFS);
	assert_int_equal(ha_net_ifindex(n), BOGUS_IFINDEX);
	/* ENODEV and ENXIO make the next use look it up again. */
	ha_net_ifindex_invalidate(n, -ENODEV);
	assert_int_equal(ha_net_ifindex(n), lo);
	n->ifindex = BOGUS_IFINDEX;
	ha_net_ifindex_invalidate(n, -ENXIO);
	assert_int_equal(ha_net_ifindex(n), lo);
}

static void
test_missing_interface_not_cached(void **state)
{
	struct hat *t = *state;
	struct ha_net *n = net0(t);

	snprintf(n->ifname, sizeof(n->ifname), "nosuchif0");
	n->ifindex = 0;
	assert_int_equal(ha_net_ifindex(n), 0);
	/* Once it exists (here: the name now names lo) it is found: 0 is never cached. */
	snprintf(n->ifname, sizeof(n->ifname), "lo");
	assert_int_equal(ha_net_ifindex(n), if_nametoindex("lo"));
}

static void
test_reconfigure_refreshes(void **state)
{
	struct hat *t = *state;
	char err[256] = "";

	net0(t)->ifindex = BOGUS_IFINDEX;
	t->cfg.max_lifetime = 300; /* a change that keeps the home networks */
	assert_int_equal(ha_reconfigure(t->ha, &t->cfg, err, sizeof(err)), 0);
	assert_int_equal(ha_net_ifindex(net0(t)), if_nametoindex("lo"));
}

static void
test_failed_announcement_refreshes(void **state)
{
	struct hat *t = *state;
	static const uint8_t mac[TUN_MAC_LEN] = { 0x02, 0, 0, 0, 0, 0x10 };

	/* A failure that is not about the interface keeps the cache ... */
	net0(t)->ifindex = BOGUS_IFINDEX;
	t->tm->fail_next(TMOCK_GARP, -EPERM);
	ha_announce_home(t->ha, 0, hat_ip("192.0.2.10"), mac);
	assert_int_equal(ha_net_ifindex(net0(t)), BOGUS_IFINDEX);
	/* ... "no such device" drops it. */
	t->tm->fail_next(TMOCK_GARP, -ENODEV);
	ha_announce_home(t->ha, 0, hat_ip("192.0.2.10"), mac);
	assert_int_equal(ha_net_ifindex(net0(t)), if_nametoindex("lo"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cached_until_invalidated, setup_lo,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_missing_interface_not_cached, setup_lo,
		                                hat_teardown),
		cmocka_unit_test_setup_teardown(test_reconfigure_refreshes, setup_lo, hat_teardown),
		cmocka_unit_test_setup_teardown(test_failed_announcement_refreshes, setup_lo,
		                                hat_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
