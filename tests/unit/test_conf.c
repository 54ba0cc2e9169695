/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_conf.c - config loading, error reporting, redaction, pmip callbacks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libyang/libyang.h>

#include "conf.h"
#include "engine.h"
#include "ev.h"
#include "nb.h"
#include "sa.h"

#define KEY_HEX   "00112233445566778899aabbccddeeff"
#define KEY_ASCII "very \\\"secret\\\" phrase"

static const char good_json[] =
        "{\"pmip:pmip\": {\"interface\": [{\"name\": \"eth0\", \"description\": "
        "\"says \\\"key-hex\\\": \\\"x\\\"\"}],"
        " \"security-association\": ["
        "{\"name\": \"mn1\", \"host\": \"192.0.2.10\", \"spi\": 1000, \"key-hex\": \"" KEY_HEX
        "\"},"
        "{\"name\": \"mn2\", \"nai\": \"bob@example.com\", \"spi\": 1001, \"key-ascii\": "
        "\"" KEY_ASCII "\", \"replay-tolerance\": 30}],"
        " \"home-agent\": {\"home-network\": [{\"prefix\": \"192.0.2.0/24\", \"address\": "
        "\"192.0.2.1\", \"interface\": \"eth0\"}]}}}";

static struct ly_ctx *
ctx_new(void)
{
	struct nb_error err;
	struct ly_ctx *ctx = conf_ctx_new(&err);

	assert_non_null(ctx);
	return ctx;
}

/* The embedded module is loaded, implemented, with the documented revision. */
static void
test_ctx_has_module(void **state)
{
	struct ly_ctx *ctx = ctx_new();
	const struct lys_module *m = ly_ctx_get_module_implemented(ctx, "pmip");

	assert_non_null(m);
	assert_string_equal(m->revision, "2026-11-23");
	assert_string_equal(m->ns, "urn:pmipd:params:xml:ns:yang:pmip");
	ly_ctx_destroy(ctx);
}

/* A type error names the node path and the problem. */
static void
test_error_has_path(void **state)
{
	struct ly_ctx *ctx = ctx_new();
	struct lyd_node *t = (struct lyd_node *)1;
	struct nb_error err;
	char buf[2048];

	assert_int_equal(conf_parse_mem(ctx,
	                                "{\"pmip:pmip\": {\"security-association\": [{\"name\": "
	                                "\"mn1\", \"host\": \"192.0.2.1\", \"spi\": \"x\", "
	                                "\"key-hex\": \"00\"}]}}",
	                                &t, &err),
	                 -1);
	assert_null(t);
	assert_string_equal(err.path, "/pmip:pmip/security-association[name='mn1']/spi");
	assert_non_null(strstr(err.msg, "uint32 value \"x\""));
	nb_error_str(&err, buf, sizeof(buf));
	assert_string_equal(buf, "/pmip:pmip/security-association[name='mn1']/spi: Invalid "
	                         "non-number-encoded uint32 value \"x\".");
	ly_ctx_destroy(ctx);
}

/* Errors about key leaves never echo the value. */
static void
test_error_redacts_key(void **state)
{
	struct ly_ctx *ctx = ctx_new();
	struct lyd_node *t = NULL;
	struct nb_error err;

	assert_int_equal(conf_parse_mem(ctx,
	                                "{\"pmip:pmip\": {\"security-association\": [{\"name\": "
	                                "\"mn1\", \"host\": \"192.0.2.1\", \"spi\": 1000, "
	                                "\"key-hex\": 98765432}]}}",
	                                &t, &err),
	                 -1);
	assert_string_equal(err.path, "/pmip:pmip/security-association[name='mn1']/key-hex");
	assert_null(strstr(err.msg, "98765432"));
	assert_non_null(strstr(err.msg, CONF_REDACTED));
	ly_ctx_destroy(ctx);
}

/* An unreadable file and a JSON syntax error are reported, not crashed on. */
static void
test_parse_file_errors(void **state)
{
	struct ly_ctx *ctx = ctx_new();
	char path[] = "/tmp/pmip-test-conf-XXXXXX";
	struct lyd_node *t = NULL;
	struct nb_error err;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"pmip:pmip\": {\n  \"global\": \n", 30), 30);
	close(fd);
	assert_int_equal(conf_parse_file(ctx, path, &t, &err), -1);
	assert_null(t);
	assert_true(err.msg[0] != '\0');
	assert_null(strchr(err.msg, '\n'));
	unlink(path);
	assert_int_equal(conf_parse_file(ctx, path, &t, &err), -1);
	assert_non_null(strstr(err.msg, "cannot open"));
	ly_ctx_destroy(ctx);
}

/* Printing redacts key-hex and key-ascii but nothing else; -v adds defaults. */
static void
test_print_redacts(void **state)
{
	struct ly_ctx *ctx = ctx_new();
	struct lyd_node *t = NULL;
	struct nb_error err;
	char *plain, *full;

	assert_int_equal(conf_parse_mem(ctx, good_json, &t, &err), 0);
	plain = conf_print(t, false);
	full = conf_print(t, true);
	assert_non_null(plain);
	assert_non_null(full);
	assert_null(strstr(plain, KEY_HEX));
	assert_null(strstr(plain, "secret"));
	assert_non_null(strstr(plain, "\"key-hex\": \"" CONF_REDACTED "\""));
	assert_non_null(strstr(plain, "\"key-ascii\": \"" CONF_REDACTED "\""));
	/* A description that merely contains the text "key-hex" is untouched. */
	assert_non_null(strstr(plain, "says \\\"key-hex\\\": \\\"x\\\""));
	assert_non_null(strstr(plain, "\"pmip:pmip\""));
	assert_null(strstr(plain, "\"max-lifetime\""));
	assert_non_null(strstr(full, "\"max-lifetime\": 36000"));
	assert_non_null(strstr(full, "\"log-level\": \"info\""));
	assert_null(strstr(full, KEY_HEX));
	free(plain);
	free(full);
	lyd_free_all(t);
	ly_ctx_destroy(ctx);
}

/* The JSON redactor handles escapes and non-string values. */
static void
test_redact_json(void **state)
{
	char *s = conf_redact_json("{\"a\": {\"key-ascii\": \"x\\\"y\", \"pmip:group-key\": 12, "
	                           "\"b\": \"key-hex\", \"key-hex\": \"ab\"}}");

	assert_non_null(s);
	assert_string_equal(s, "{\"a\": {\"key-ascii\": \"<redacted>\", \"pmip:group-key\": "
	                       "\"<redacted>\", \"b\": \"key-hex\", \"key-hex\": \"<redacted>\"}}");
	free(s);
}

struct efix {
	struct ev_loop *loop;
	struct pmip_engine *e;
};

static int
engine_setup(void **state)
{
	struct efix *f = calloc(1, sizeof(*f));
	struct nb_error err;

	assert_non_null(f);
	f->loop = ev_loop_new();
	assert_non_null(f->loop);
	/* PMIP_PLUGIN_DIR (set by ctest) holds the keystore-local plugin. */
	f->e = engine_new(f->loop, NULL, true, &err);
	assert_non_null(f->e);
	*state = f;
	return 0;
}

static int
engine_teardown(void **state)
{
	struct efix *f = *state;

	engine_free(f->e);
	ev_loop_free(f->loop);
	free(f);
	return 0;
}

static void
commit_json(struct pmip_engine *e, const char *json)
{
	struct lyd_node *t = NULL;
	struct nb_error err;
	char buf[2048];

	assert_int_equal(conf_parse_mem(e->ly_ctx, json, &t, &err), 0);
	if (nb_commit(e, t, &err) != 0)
		fail_msg("commit failed: %s", nb_error_str(&err, buf, sizeof(buf)));
}

/* A commit fills the engine structs; a second one touches only what changed. */
static void
test_commit_keeps_unchanged_sa(void **state)
{
	struct efix *f = *state;
	struct pmip_engine *e = f->e;
	struct mip_sa *mn1, *mn2;
	char *changed;

	commit_json(e, good_json);
	assert_int_equal(sa_table_count(e->sa_table), 2);
	assert_non_null(e->ks_chain);
	assert_non_null(e->ha);
	assert_null(e->fa);
	assert_int_equal(e->ha->n_nets, 1);
	assert_int_equal(e->ha->max_lifetime, 36000);
	assert_string_equal(e->ha->nets[0].ifname, "eth0");
	assert_non_null(e->ifaces);
	mn1 = sa_table_get(e->sa_table, "mn1");
	mn2 = sa_table_get(e->sa_table, "mn2");
	assert_non_null(mn1);
	assert_non_null(mn2);
	assert_int_equal(mn1->spi, 1000);
	assert_int_equal(mn1->peer_kind, SA_PEER_HOST);
	assert_int_equal(mn1->tolerance_s, 7);
	assert_int_equal(mn2->peer_kind, SA_PEER_NAI);
	assert_string_equal(mn2->nai, "bob@example.com");
	assert_int_equal(mn2->tolerance_s, 30);

	/* Change mn2's SPI only: mn1 keeps its object, mn2 is a new one. */
	changed = strdup(good_json);
	assert_non_null(changed);
	memcpy(strstr(changed, "1001"), "1002", 4);
	commit_json(e, changed);
	assert_ptr_equal(sa_table_get(e->sa_table, "mn1"), mn1);
	mn2 = sa_table_get(e->sa_table, "mn2");
	assert_int_equal(mn2->spi, 1002);

	/* A new global tolerance reaches the SAs that inherit it, in place. */
	{
		const char *head = "{\"pmip:pmip\": {";
		char *tol = NULL;

		assert_true(asprintf(&tol, "%s\"global\": {\"replay-tolerance\": 20}, %s", head,
		                     changed + strlen(head)) > 0);
		commit_json(e, tol);
		free(tol);
	}
	free(changed);
	assert_ptr_equal(sa_table_get(e->sa_table, "mn1"), mn1);
	assert_ptr_equal(sa_table_get(e->sa_table, "mn2"), mn2);
	assert_int_equal(mn1->tolerance_s, 20);
	assert_int_equal(mn2->tolerance_s, 30);
	assert_int_equal(e->replay_tolerance_s, 20);

	/* Removing the role and an SA goes through destroy. */
	commit_json(e, "{\"pmip:pmip\": {\"security-association\": [{\"name\": \"mn1\", "
	               "\"host\": \"192.0.2.10\", \"spi\": 1000, \"key-hex\": \"" KEY_HEX "\"}]}}");
	assert_ptr_equal(sa_table_get(e->sa_table, "mn1"), mn1);
	assert_null(sa_table_get(e->sa_table, "mn2"));
	assert_null(e->ha);
	assert_null(e->ifaces);
}

/* A failing commit (semantic VALIDATE error) leaves the engine as it was. */
static void
test_commit_semantic_error(void **state)
{
	struct efix *f = *state;
	struct pmip_engine *e = f->e;
	struct lyd_node *t = NULL, *running;
	struct mip_sa *mn1;
	struct nb_error err;

	commit_json(e, good_json);
	running = e->running;
	mn1 = sa_table_get(e->sa_table, "mn1");
	assert_int_equal(conf_parse_mem(e->ly_ctx,
	                                "{\"pmip:pmip\": {\"security-association\": [{\"name\": "
	                                "\"pool\", \"range-start\": \"192.0.2.20\", \"range-end\": "
	                                "\"192.0.2.10\", \"spi\": 1000, \"key-hex\": \"abc\"}]}}",
	                                &t, &err),
	                 0);
	assert_int_equal(nb_commit(e, t, &err), -1);
	assert_string_equal(err.path, "/pmip:pmip/security-association[name='pool']/range-end");
	assert_string_equal(err.app_tag, "invalid-range");
	assert_ptr_equal(e->running, running);
	assert_ptr_equal(sa_table_get(e->sa_table, "mn1"), mn1);
	assert_null(sa_table_get(e->sa_table, "pool"));
	assert_non_null(e->ha);
}

/* key-hex of odd length and an unknown key store are rejected by VALIDATE. */
static void
test_validate_semantics(void **state)
{
	struct efix *f = *state;
	struct pmip_engine *e = f->e;
	struct lyd_node *t = NULL;
	struct nb_error err;

	assert_int_equal(conf_parse_mem(e->ly_ctx,
	                                "{\"pmip:pmip\": {\"security-association\": [{\"name\": "
	                                "\"mn1\", \"host\": \"192.0.2.1\", \"spi\": 1000, "
	                                "\"key-hex\": \"abc\"}]}}",
	                                &t, &err),
	                 0);
	assert_int_equal(nb_validate(e, t, &err), -1);
	assert_string_equal(err.path, "/pmip:pmip/security-association[name='mn1']/key-hex");
	assert_null(strstr(err.msg, "abc"));
	lyd_free_all(t);

	assert_int_equal(conf_parse_mem(e->ly_ctx,
	                                "{\"pmip:pmip\": {\"key-store\": {\"order\": "
	                                "[\"nosuchstore\"]}}}",
	                                &t, &err),
	                 0);
	assert_int_equal(nb_validate(e, t, &err), -1);
	assert_string_equal(err.path, "/pmip:pmip/key-store/order[.='nosuchstore']");
	assert_string_equal(err.app_tag, "unknown-key-store");
	lyd_free_all(t);
	assert_null(e->running);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctx_has_module),
		cmocka_unit_test(test_error_has_path),
		cmocka_unit_test(test_error_redacts_key),
		cmocka_unit_test(test_parse_file_errors),
		cmocka_unit_test(test_print_redacts),
		cmocka_unit_test(test_redact_json),
		cmocka_unit_test_setup_teardown(test_commit_keeps_unchanged_sa, engine_setup,
		                                engine_teardown),
		cmocka_unit_test_setup_teardown(test_commit_semantic_error, engine_setup,
		                                engine_teardown),
		cmocka_unit_test_setup_teardown(test_validate_semantics, engine_setup,
		                                engine_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
