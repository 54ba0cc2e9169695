/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_nb.c - northbound engine: dispatch, ordering, phases, self-check.
 *
 * Uses a tiny test module with recording callbacks, so every assertion is
 * about the engine alone (nb.c), not about the pmip callbacks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libyang/libyang.h>

#include "engine.h"
#include "nb.h"

static const char test_yang[] = "module nbt {\n"
                                "  yang-version 1;\n"
                                "  namespace \"urn:pmipd:test:nbt\";\n"
                                "  prefix t;\n"
                                "  container top {\n"
                                "    leaf a { type string; }\n"
                                "    list item {\n"
                                "      key name;\n"
                                "      leaf name { type string; }\n"
                                "      leaf val { type uint32; }\n"
                                "      container sub { leaf x { type string; } }\n"
                                "    }\n"
                                "    container box { presence \"on\"; leaf y { type uint8; } }\n"
                                "  }\n"
                                "}\n";

#define REC_MAX 64

/* What the callbacks saw, one "event op path" line per call. */
static char rec[REC_MAX][300];
static size_t n_rec;
static int finish_item, finish_box;
static enum nb_event fail_event;
static const char *fail_path; /* NULL: never fail */

static void
rec_reset(void)
{
	n_rec = 0;
	finish_item = finish_box = 0;
	fail_path = NULL;
}

static int
rec_cb(struct nb_cb_args *args)
{
	char path[256];

	lyd_path(args->dnode, LYD_PATH_STD, path, sizeof(path));
	assert_true(n_rec < REC_MAX);
	snprintf(rec[n_rec++], sizeof(rec[0]), "%s %s %s", nb_event_name(args->event),
	         nb_op_name(args->op), path);
	if (fail_path != NULL && args->event == fail_event && strcmp(path, fail_path) == 0) {
		nb_errorf(args, NULL, "test-fail", "injected failure");
		return -1;
	}
	switch (args->event) {
	case NB_EV_PREPARE:
		*args->resource = strdup(path);
		assert_non_null(*args->resource);
		break;
	case NB_EV_ABORT:
	case NB_EV_APPLY:
		assert_non_null(*args->resource);
		assert_string_equal(*args->resource, path);
		free(*args->resource);
		*args->resource = NULL;
		break;
	case NB_EV_VALIDATE:
		break;
	}
	return 0;
}

static void
item_finish(struct pmip_engine *e, const struct lyd_node *root)
{
	finish_item++;
}

static void
box_finish(struct pmip_engine *e, const struct lyd_node *root)
{
	finish_box++;
}

#define CBS(fin)                            \
	{                                   \
		rec_cb, rec_cb, rec_cb, fin \
	}

static const struct nb_node_info test_nodes[] = {
	{ "/nbt:top/box", 5, CBS(box_finish) },
	{ "/nbt:top/a", 10, CBS(NULL) },
	{ "/nbt:top/item", 20, CBS(item_finish) },
	{ NULL, 0, CBS(NULL) },
};
static const struct nb_module_info test_info = { "nbt", test_nodes };

/* The same module with /top/a left out, for the self-check. */
static const struct nb_node_info partial_nodes[] = {
	{ "/nbt:top/item", 20, CBS(NULL) },
	{ NULL, 0, CBS(NULL) },
};
static const struct nb_module_info partial_info = { "nbt", partial_nodes };

struct fixture {
	struct ly_ctx *ctx;
	struct pmip_engine e;
};

static int
setup(void **state)
{
	const struct nb_module_info *mods[] = { &test_info };
	struct fixture *f = calloc(1, sizeof(*f));
	struct nb_error err;

	assert_non_null(f);
	ly_log_options(LY_LOSTORE);
	assert_int_equal(ly_ctx_new(NULL, LY_CTX_DISABLE_SEARCHDIRS, &f->ctx), LY_SUCCESS);
	assert_int_equal(lys_parse_mem(f->ctx, test_yang, LYS_IN_YANG, NULL), LY_SUCCESS);
	f->e.ly_ctx = f->ctx;
	f->e.nb = nb_table_new(f->ctx, mods, 1, &err);
	assert_non_null(f->e.nb);
	rec_reset();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	lyd_free_all(f->e.running);
	nb_table_free(f->e.nb);
	ly_ctx_destroy(f->ctx);
	free(f);
	return 0;
}

static struct lyd_node *
tree(struct fixture *f, const char *json)
{
	struct lyd_node *t = NULL;

	assert_int_equal(lyd_parse_data_mem(f->ctx, json, LYD_JSON, LYD_PARSE_STRICT,
	                                    LYD_VALIDATE_NO_STATE, &t),
	                 LY_SUCCESS);
	return t;
}

static void
commit_ok(struct fixture *f, const char *json)
{
	struct nb_error err;

	assert_int_equal(nb_commit(&f->e, tree(f, json), &err), 0);
}

static char *
running_text(struct fixture *f)
{
	char *s = NULL;

	lyd_print_mem(&s, f->e.running, LYD_JSON, LYD_PRINT_WITHSIBLINGS | LYD_PRINT_WD_ALL);
	return s;
}

static void
assert_rec(const char *const *want, size_t n)
{
	for (size_t i = 0; i < n && i < n_rec; i++)
		assert_string_equal(rec[i], want[i]);
	assert_int_equal(n_rec, n);
}

#define BASE                                                                                   \
	"{\"nbt:top\": {\"item\": [{\"name\": \"p\", \"val\": 1, \"sub\": {\"x\": \"old\"}}, " \
	"{\"name\": \"q\", \"val\": 2}], \"box\": {\"y\": 1}}}"

/* A change deep below a list entry is a modify of that entry, once per phase. */
static void
test_dispatch_nearest_ancestor(void **state)
{
	struct fixture *f = *state;
	static const char *const want[] = {
		"validate modify /nbt:top/item[name='p']",
		"prepare modify /nbt:top/item[name='p']",
		"apply modify /nbt:top/item[name='p']",
	};

	commit_ok(f, BASE);
	rec_reset();
	commit_ok(f, "{\"nbt:top\": {\"item\": [{\"name\": \"p\", \"val\": 7, \"sub\": {\"x\": "
	             "\"new\"}}, {\"name\": \"q\", \"val\": 2}], \"box\": {\"y\": 1}}}");
	assert_rec(want, 3);
	assert_int_equal(finish_item, 1);
	assert_int_equal(finish_box, 0);
}

/* Destroys first (reverse priority), then creates by priority and document order. */
static void
test_ordering(void **state)
{
	struct fixture *f = *state;
	static const char *const want[] = {
		"validate destroy /nbt:top/item[name='q']",
		"validate destroy /nbt:top/box",
		"validate create /nbt:top/a",
		"validate create /nbt:top/item[name='r']",
		"validate create /nbt:top/item[name='s']",
	};

	commit_ok(f, BASE);
	rec_reset();
	commit_ok(f, "{\"nbt:top\": {\"item\": [{\"name\": \"p\", \"val\": 1, \"sub\": {\"x\": "
	             "\"old\"}}, {\"name\": \"r\"}, {\"name\": \"s\"}], \"a\": \"hello\"}}");
	assert_int_equal(n_rec, 15);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(rec[i], want[i]);
		/* PREPARE and APPLY follow the same order. */
		assert_string_equal(rec[5 + i] + strlen("prepare"), want[i] + strlen("validate"));
		assert_string_equal(rec[10 + i] + strlen("apply"), want[i] + strlen("validate"));
	}
}

/* A VALIDATE failure reports the path and calls no PREPARE or APPLY. */
static void
test_validate_failure(void **state)
{
	struct fixture *f = *state;
	struct lyd_node *before;
	struct nb_error err;
	char *text;

	commit_ok(f, BASE);
	before = f->e.running;
	text = running_text(f);
	rec_reset();
	fail_event = NB_EV_VALIDATE;
	fail_path = "/nbt:top/item[name='r']";
	assert_int_equal(nb_commit(&f->e,
	                           tree(f, "{\"nbt:top\": {\"a\": \"x\", \"item\": "
	                                   "[{\"name\": \"r\"}]}}"),
	                           &err),
	                 -1);
	assert_string_equal(err.path, "/nbt:top/item[name='r']");
	assert_string_equal(err.msg, "injected failure");
	assert_string_equal(err.app_tag, "test-fail");
	for (size_t i = 0; i < n_rec; i++)
		assert_true(strncmp(rec[i], "validate ", 9) == 0);
	assert_ptr_equal(f->e.running, before);
	{
		char *after = running_text(f);

		assert_string_equal(after, text);
		free(after);
	}
	free(text);
}

/* A PREPARE failure aborts only what was prepared, in reverse, and applies nothing. */
static void
test_prepare_failure(void **state)
{
	struct fixture *f = *state;
	struct lyd_node *before;
	struct nb_error err;
	static const char *const want[] = {
		"validate create /nbt:top/box",
		"validate create /nbt:top/a",
		"validate create /nbt:top/item[name='r']",
		"validate create /nbt:top/item[name='s']",
		"prepare create /nbt:top/box",
		"prepare create /nbt:top/a",
		"prepare create /nbt:top/item[name='r']",
		"abort create /nbt:top/a",
		"abort create /nbt:top/box",
	};

	commit_ok(f, "{\"nbt:top\": {\"item\": [{\"name\": \"p\"}]}}");
	before = f->e.running;
	rec_reset();
	fail_event = NB_EV_PREPARE;
	fail_path = "/nbt:top/item[name='r']";
	assert_int_equal(nb_commit(&f->e,
	                           tree(f, "{\"nbt:top\": {\"a\": \"x\", \"box\": {}, \"item\": "
	                                   "[{\"name\": \"p\"}, {\"name\": \"r\"}, {\"name\": "
	                                   "\"s\"}]}}"),
	                           &err),
	                 -1);
	assert_rec(want, 9);
	assert_string_equal(err.path, "/nbt:top/item[name='r']");
	assert_ptr_equal(f->e.running, before);
	assert_int_equal(finish_item + finish_box, 0);
}

/* apply_finish runs once per registered node, however many instances changed. */
static void
test_apply_finish_once(void **state)
{
	struct fixture *f = *state;

	commit_ok(f, "{\"nbt:top\": {\"item\": [{\"name\": \"p\"}, {\"name\": \"q\"}, {\"name\": "
	             "\"r\"}], \"box\": {\"y\": 3}}}");
	assert_int_equal(finish_item, 1);
	assert_int_equal(finish_box, 1);
	rec_reset();
	commit_ok(f, "{\"nbt:top\": {\"item\": [{\"name\": \"p\"}, {\"name\": \"q\"}, {\"name\": "
	             "\"r\"}], \"box\": {\"y\": 3}}}");
	assert_int_equal(n_rec, 0); /* nothing changed, nothing called */
	assert_int_equal(finish_item + finish_box, 0);
}

/* nb_validate runs VALIDATE only and leaves the running tree alone. */
static void
test_validate_only(void **state)
{
	struct fixture *f = *state;
	struct lyd_node *cand;
	struct nb_error err;

	commit_ok(f, BASE);
	rec_reset();
	cand = tree(f, "{\"nbt:top\": {\"a\": \"x\"}}");
	assert_int_equal(nb_validate(&f->e, cand, &err), 0);
	assert_true(n_rec > 0);
	for (size_t i = 0; i < n_rec; i++)
		assert_true(strncmp(rec[i], "validate ", 9) == 0);
	assert_non_null(lyd_child(f->e.running));
	lyd_free_all(cand);
}

/* The startup self-check lists every config node no registration covers. */
static void
test_uncovered_self_check(void **state)
{
	struct fixture *f = *state;
	const struct nb_module_info *mods[] = { &partial_info };
	struct nb_table *t;
	struct nb_error err;

	assert_int_equal(nb_check_callbacks(f->e.nb, &err), 0);
	t = nb_table_new(f->ctx, mods, 1, &err);
	assert_non_null(t);
	assert_int_equal(nb_check_callbacks(t, &err), 3);
	assert_non_null(strstr(err.msg, "/nbt:top/a"));
	assert_non_null(strstr(err.msg, "/nbt:top/box"));
	assert_non_null(strstr(err.msg, "/nbt:top/box/y"));
	assert_null(strstr(err.msg, "/nbt:top/item"));
	nb_table_free(t);
}

/* A registration naming a node that does not exist is refused. */
static void
test_bad_registration(void **state)
{
	struct fixture *f = *state;
	static const struct nb_node_info bad_nodes[] = {
		{ "/nbt:top/nosuch", 1, CBS(NULL) },
		{ NULL, 0, CBS(NULL) },
	};
	static const struct nb_module_info bad_info = { "nbt", bad_nodes };
	const struct nb_module_info *mods[] = { &bad_info };
	struct nb_error err;

	assert_null(nb_table_new(f->ctx, mods, 1, &err));
	assert_string_equal(err.path, "/nbt:top/nosuch");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dispatch_nearest_ancestor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ordering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validate_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepare_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_finish_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validate_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uncovered_self_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_registration, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
