/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_disc_static.c - discovery-static through plugin_load(), and the calling rules.
 *
 * The plugin is loaded from $PMIP_PLUGIN_DIR and configured with trees
 * parsed from JSON by the core's config code, as the proxy role will. The
 * tests check the discovery.h calling rules that every back end shares
 * through disc_evq: no upcall from inside an op (start, configure), events
 * after a loop pass, none after stop(), and stop() or destroy() called from
 * inside the upcall itself, or destroy() with a deferred call still queued.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libyang/libyang.h>

#include "conf.h"
#include "discovery.h"
#include "ev.h"
#include "nb.h"
#include "plugin.h"

#define EV_MAX 16

struct fixture {
	struct ev_loop *loop;
	struct ly_ctx *ctx;
	struct pmip_plugin *pl;
	const struct disc_ops *ops;
	struct disc_env env;
	void *inst;
	unsigned n;
	enum disc_event ev[EV_MAX];
	struct disc_agent agent[EV_MAX];
	enum { REACT_NONE, REACT_STOP, REACT_DESTROY } react;
};

static const char CFG_TWO[] =
        "{\"pmip:pmip\":{\"interface\":[{\"name\":\"lo\"}],\"proxy\":{\"client-interface\":\"lo\","
        "\"static-agent\":[{\"address\":\"198.51.100.1\",\"role\":[\"foreign-agent\"],"
        "\"care-of-address\":[\"198.51.100.9\"],\"gre\":true},"
        "{\"address\":\"192.0.2.1\",\"role\":[\"home-agent\"]}]}}}";

static const char CFG_CHANGED[] =
        "{\"pmip:pmip\":{\"interface\":[{\"name\":\"lo\"}],\"proxy\":{\"client-interface\":\"lo\","
        "\"static-agent\":[{\"address\":\"198.51.100.1\",\"role\":[\"foreign-agent\"],"
        "\"care-of-address\":[\"198.51.100.9\"],\"gre\":true},"
        "{\"address\":\"203.0.113.1\",\"role\":[\"foreign-agent\"]}]}}}";

static void
on_event(void *ctx, enum disc_event ev, const union disc_event_data *d)
{
	struct fixture *f = ctx;

	if (f->n < EV_MAX) {
		f->ev[f->n] = ev;
		f->agent[f->n] = d->agent;
	}
	f->n++;
	if (f->react == REACT_STOP) {
		f->ops->stop(f->inst);
	} else if (f->react == REACT_DESTROY) {
		f->ops->destroy(f->inst);
		f->inst = NULL;
	}
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct nb_error err = { 0 };
	char msg[256] = "";

	assert_non_null(f);
	f->loop = ev_loop_new();
	f->ctx = conf_ctx_new(&err);
	assert_non_null(f->ctx);
	f->pl = plugin_load(plugin_default_dir(), "discovery-static", PMIP_PLUGIN_DISCOVERY, msg,
	                    sizeof(msg));
	assert_non_null(f->pl);
	f->ops = plugin_ops(f->pl);
	f->env = (struct disc_env){ .loop = f->loop, .event = on_event, .ctx = f };
	f->inst = f->ops->create(&f->env, msg, sizeof(msg));
	assert_non_null(f->inst);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f->inst != NULL)
		f->ops->destroy(f->inst);
	ev_loop_run_once(f->loop); /* orphaned deferred calls free themselves */
	plugin_unload(f->pl);
	ly_ctx_destroy(f->ctx);
	ev_loop_free(f->loop);
	free(f);
	return 0;
}

static void
configure(struct fixture *f, const char *json, int want)
{
	struct lyd_node *tree = NULL, *proxy = NULL;
	struct nb_error err = { 0 };
	char msg[256] = "";

	assert_int_equal(conf_parse_mem(f->ctx, json, &tree, &err), 0);
	assert_int_equal(lyd_find_path(tree, "/pmip:pmip/proxy", 0, &proxy), LY_SUCCESS);
	assert_int_equal(f->ops->configure(f->inst, proxy, msg, sizeof(msg)), want);
	lyd_free_all(tree);
}

static void
pass(struct fixture *f)
{
	for (int i = 0; i < 4; i++)
		ev_loop_run_once(f->loop);
}

static const struct disc_agent *
find(struct fixture *f, enum disc_event ev, const char *addr)
{
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	for (unsigned i = 0; i < f->n && i < EV_MAX; i++)
		if (f->ev[i] == ev && f->agent[i].addr.s_addr == a.s_addr)
			return &f->agent[i];
	return NULL;
}

static void
test_found_deferred(void **state)
{
	struct fixture *f = *state;
	const struct disc_agent *a;
	struct disc_status st;
	char msg[256];

	configure(f, CFG_TWO, 0);
	assert_int_equal(f->ops->start(f->inst, msg, sizeof(msg)), 0);
	assert_int_equal(f->n, 0); /* never from inside start() */
	pass(f);
	assert_int_equal(f->n, 2);
	a = find(f, DISC_AGENT_FOUND, "198.51.100.1");
	assert_non_null(a);
	assert_int_equal(a->roles, DISC_ROLE_FA);
	assert_int_equal(a->flags, 0x8000 | 0x1000 | 0x0400);
	assert_int_equal(a->n_coa, 1);
	assert_int_equal(a->max_lifetime, 1800);
	a = find(f, DISC_AGENT_FOUND, "192.0.2.1");
	assert_non_null(a);
	assert_int_equal(a->roles, DISC_ROLE_HA);
	f->ops->get_status(f->inst, &st);
	assert_int_equal(st.agents, 2);
	assert_int_equal(st.events, 2);
}

static void
test_change_and_removal(void **state)
{
	struct fixture *f = *state;
	char msg[256];

	configure(f, CFG_TWO, 0);
	assert_int_equal(f->ops->start(f->inst, msg, sizeof(msg)), 0);
	pass(f);
	f->n = 0;
	configure(f, CFG_CHANGED, 0);
	assert_int_equal(f->n, 0); /* never from inside configure() */
	pass(f);
	assert_int_equal(f->n, 2);
	assert_non_null(find(f, DISC_AGENT_LOST, "192.0.2.1"));
	assert_non_null(find(f, DISC_AGENT_FOUND, "203.0.113.1"));
	assert_null(find(f, DISC_AGENT_FOUND, "198.51.100.1")); /* unchanged */
}

static void
test_no_event_after_stop(void **state)
{
	struct fixture *f = *state;
	char msg[256];

	configure(f, CFG_TWO, 0);
	assert_int_equal(f->ops->start(f->inst, msg, sizeof(msg)), 0);
	f->ops->stop(f->inst);
	pass(f);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->ops->start(f->inst, msg, sizeof(msg)), 0);
	pass(f);
	assert_int_equal(f->n, 2);
}

static void
test_stop_inside_upcall(void **state)
{
	struct fixture *f = *state;
	char msg[256];

	configure(f, CFG_TWO, 0);
	f->react = REACT_STOP;
	assert_int_equal(f->ops->start(f->inst, msg, sizeof(msg)), 0);
	pass(f);
	assert_int_equal(f->n, 1); /* the second event was dropped by stop() */
}

static void
test_destroy_inside_upcall(void **state)
{
	struct fixture *f = *state;
	char msg[256];

	configure(f, CFG_TWO, 0);
	f->react = REACT_DESTROY;
	assert_int_equal(f->ops->start(f->inst, msg, sizeof(msg)), 0);
	pass(f); /* ASan: no use after free once the upcall returns */
	assert_int_equal(f->n, 1);
	assert_null(f->inst);
}

static void
test_destroy_with_deferred_call_queued(void **state)
{
	struct fixture *f = *state;
	char msg[256];

	configure(f, CFG_TWO, 0);
	assert_int_equal(f->ops->start(f->inst, msg, sizeof(msg)), 0);
	f->ops->destroy(f->inst);
	f->inst = NULL;
	pass(f); /* the orphaned deferred call runs and frees only itself */
	assert_int_equal(f->n, 0);
}

static void
test_null_config_no_agents(void **state)
{
	struct fixture *f = *state;
	char msg[256];

	configure(f, CFG_TWO, 0);
	/* No /pmip/proxy container: no agents, and start() still succeeds. */
	assert_int_equal(f->ops->configure(f->inst, NULL, msg, sizeof(msg)), 0);
	assert_int_equal(f->ops->start(f->inst, msg, sizeof(msg)), 0);
	pass(f);
	assert_int_equal(f->n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_found_deferred, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_and_removal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_event_after_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_inside_upcall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_inside_upcall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_with_deferred_call_queued, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_null_config_no_agents, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
