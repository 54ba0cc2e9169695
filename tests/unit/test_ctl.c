/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ctl.c - the control protocol: request parser, JSON writer, and answers built by
 * ctl_execute() on an engine without running roles (no keys in any answer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "conf.h"
#include "ctl.h"
#include "engine.h"
#include "sa.h"

static int
parse(const char *line, struct ctl_req *req, struct ctl_err *err)
{
	return ctl_parse(line, strlen(line), req, err);
}

/* The request @line fails with @code and a message containing @needle. */
static void
expect_error(const char *line, const char *code, const char *needle)
{
	struct ctl_req req;
	struct ctl_err err = { NULL, "" };

	assert_int_equal(parse(line, &req, &err), -1);
	assert_string_equal(err.code, code);
	if (strstr(err.msg, needle) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", line, err.msg, needle);
}

static void
test_parse_commands(void **state)
{
	static const struct {
		const char *line;
		enum ctl_cmd cmd;
		const char *name;
	} ok[] = {
		{ "help", CTL_CMD_HELP, "help" },
		{ "show summary", CTL_CMD_SHOW_SUMMARY, "show summary" },
		{ "show bindings", CTL_CMD_SHOW_BINDINGS, "show bindings" },
		{ "  show\tvisitors  ", CTL_CMD_SHOW_VISITORS, "show visitors" },
		{ "show pending\r", CTL_CMD_SHOW_PENDING, "show pending" },
		{ "show counters", CTL_CMD_SHOW_COUNTERS, "show counters" },
		{ "show keystore", CTL_CMD_SHOW_KEYSTORE, "show keystore" },
		{ "show plugins", CTL_CMD_SHOW_PLUGINS, "show plugins" },
		{ "show config", CTL_CMD_SHOW_CONFIG, "show config" },
		{ "show security-associations", CTL_CMD_SHOW_SA, "show security-associations" },
		{ "clear keystore-cache", CTL_CMD_CLEAR_KS_CACHE, "clear keystore-cache" },
		{ "reload", CTL_CMD_RELOAD, "reload" },
		{ "show proxy clients", CTL_CMD_SHOW_PX_CLIENTS, "show proxy clients" },
		{ "show proxy agents", CTL_CMD_SHOW_PX_AGENTS, "show proxy agents" },
		{ "show proxy subnet-map", CTL_CMD_SHOW_PX_SUBMAP, "show proxy subnet-map" },
	};
	struct ctl_req req;
	struct ctl_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (parse(ok[i].line, &req, &err) != 0)
			fail_msg("'%s': %s", ok[i].line, err.msg);
		assert_int_equal(req.cmd, ok[i].cmd);
		assert_string_equal(req.name, ok[i].name);
		assert_int_equal(req.role, CTL_ROLE_ALL);
		assert_false(req.has_coa);
	}
}

static void
test_parse_arguments(void **state)
{
	struct ctl_req req;
	struct ctl_err err;
	char a[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(parse("show counters ha", &req, &err), 0);
	assert_int_equal(req.role, CTL_ROLE_HA);
	assert_int_equal(parse("show counters fa", &req, &err), 0);
	assert_int_equal(req.role, CTL_ROLE_FA);
	assert_int_equal(parse("show counters proxy", &req, &err), 0);
	assert_int_equal(req.role, CTL_ROLE_PROXY);

	assert_int_equal(parse("clear binding 192.0.2.50", &req, &err), 0);
	assert_int_equal(req.cmd, CTL_CMD_CLEAR_BINDING);
	assert_string_equal(inet_ntop(AF_INET, &req.hoa, a, sizeof(a)), "192.0.2.50");
	assert_false(req.has_coa);

	assert_int_equal(parse("clear binding 192.0.2.50 198.51.100.2", &req, &err), 0);
	assert_true(req.has_coa);
	assert_string_equal(inet_ntop(AF_INET, &req.coa, a, sizeof(a)), "198.51.100.2");

	assert_int_equal(parse("clear visitor 192.0.2.7", &req, &err), 0);
	assert_int_equal(req.cmd, CTL_CMD_CLEAR_VISITOR);
	assert_string_equal(inet_ntop(AF_INET, &req.hoa, a, sizeof(a)), "192.0.2.7");
}

static void
test_parse_errors(void **state)
{
	char longline[CTL_REQ_MAX + 10];
	char word[200];
	struct ctl_req req;
	struct ctl_err err;

	(void)state;
	expect_error("", "empty-request", "empty request");
	expect_error(" \t ", "empty-request", "empty request");
	expect_error("shw bindings", "unknown-command", "unknown command 'shw'");
	expect_error(
	        "show", "missing-argument",
	        "'show' needs one of: summary, bindings, visitors, pending, counters, keystore, "
	        "plugins, config, security-associations, proxy");
	expect_error("show proxy", "missing-argument",
	             "'show proxy' needs one of: clients, agents, subnet-map");
	expect_error("show proxy client", "unknown-command",
	             "unknown object 'client' after 'show proxy'; one of: clients, agents, "
	             "subnet-map");
	expect_error("show proxy clients all", "extra-argument", "unexpected 'all'");
	expect_error("show bindingz", "unknown-command", "unknown object 'bindingz' after 'show'");
	expect_error("show bindings now", "extra-argument", "unexpected 'now'");
	expect_error("show counters xx", "bad-argument", "unknown role 'xx'");
	expect_error("show counters ha fa", "extra-argument", "unexpected 'fa'");
	expect_error("clear binding", "missing-argument", "needs a home address");
	expect_error("clear visitor", "missing-argument", "needs a home address");
	expect_error("clear binding 192.0.2.300", "bad-address", "'192.0.2.300' is not an IPv4");
	expect_error("clear binding 192.0.2.1 nope", "bad-address", "care-of address");
	expect_error("clear binding 192.0.2.1 192.0.2.2 192.0.2.3", "extra-argument",
	             "unexpected '192.0.2.3'");
	expect_error("clear visitor 192.0.2.1 192.0.2.2", "extra-argument", "usage: clear visitor");
	expect_error("show\x01 bindings", "bad-character", "byte 0x01 at offset 4");
	expect_error("show bindings \xc3\xa9", "bad-character", "byte 0xc3 at offset 14");
	expect_error("a b c d e f g h i", "extra-argument", "more than 8 words");

	/* A long word is quoted cut to 40 characters. */
	memset(word, 'x', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	assert_int_equal(parse(word, &req, &err), -1);
	assert_string_equal(err.code, "unknown-command");
	assert_non_null(strstr(err.msg, "xxx...'"));
	assert_true(strlen(err.msg) < 100);

	/* The parser reads exactly @len bytes and refuses over-long lines. */
	memset(longline, 'a', sizeof(longline));
	assert_int_equal(ctl_parse(longline, CTL_REQ_MAX, &req, &err), -1);
	assert_string_equal(err.code, "request-too-long");
	assert_int_equal(ctl_parse("help me", 4, &req, &err), 0);
	assert_int_equal(req.cmd, CTL_CMD_HELP);
}

static void
test_help_lists_every_command(void **state)
{
	const char *h = ctl_help_text();

	(void)state;
	assert_non_null(strstr(h, "show bindings"));
	assert_non_null(strstr(h, "clear binding HOME-ADDRESS [CARE-OF-ADDRESS]"));
	assert_non_null(strstr(h, "show counters [ha|fa|proxy]"));
	assert_non_null(strstr(h, "show proxy subnet-map"));
	assert_non_null(strstr(h, "reload"));
}

/* --- JSON writer --- */

static char *
text_of(struct ctl_json *j)
{
	char *s = malloc(j->len + 1);

	assert_non_null(s);
	memcpy(s, j->buf, j->len);
	s[j->len] = '\0';
	return s;
}

static void
test_json_structure(void **state)
{
	struct ctl_json j;
	struct in_addr a = { htonl(0xc0000232) };
	char *s;

	(void)state;
	ctl_json_init(&j, 4096);
	ctl_json_obj(&j, NULL);
	ctl_json_bool(&j, "ok", true);
	ctl_json_u64(&j, "n", 18446744073709551615ULL);
	ctl_json_arr(&j, "list");
	ctl_json_obj(&j, NULL);
	ctl_json_addr(&j, "a", a);
	ctl_json_end(&j);
	ctl_json_obj(&j, NULL);
	ctl_json_end(&j);
	ctl_json_str(&j, NULL, "x");
	ctl_json_end(&j);
	ctl_json_arr(&j, "empty");
	ctl_json_end(&j);
	ctl_json_end(&j);
	ctl_json_frame(&j);
	assert_false(j.failed);
	s = text_of(&j);
	assert_string_equal(
	        s, "{\"ok\":true,\"n\":18446744073709551615,\"list\":[{\"a\":\"192.0.2.50\"},"
	           "{},\"x\"],\"empty\":[]}\n\n");
	free(s);
	ctl_json_fini(&j);
}

static void
test_json_escaping(void **state)
{
	struct ctl_json j;
	char *s;

	(void)state;
	ctl_json_init(&j, 4096);
	ctl_json_arr(&j, NULL);
	ctl_json_str(&j, NULL, "q\"b\\n\nt\t\x01");
	ctl_json_str(&j, NULL, "caf\xc3\xa9 \xe2\x82\xac");  /* valid UTF-8 kept */
	ctl_json_str(&j, NULL, "bad\xff\xc3(\xed\xa0\x80!"); /* invalid: U+FFFD each byte */
	ctl_json_end(&j);
	s = text_of(&j);
	assert_string_equal(s, "[\"q\\\"b\\\\n\\u000at\\u0009\\u0001\","
	                       "\"caf\xc3\xa9 \xe2\x82\xac\","
	                       "\"bad\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffd!\"]");
	free(s);
	ctl_json_fini(&j);
}

static void
test_json_raw_minified(void **state)
{
	struct ctl_json j;
	char *s;

	(void)state;
	ctl_json_init(&j, 4096);
	ctl_json_obj(&j, NULL);
	ctl_json_raw(&j, "config", "{\n  \"a b\": \"x \\\" y\",\n\t\"c\": [ 1, 2 ]\r\n}\n");
	ctl_json_end(&j);
	s = text_of(&j);
	assert_string_equal(s, "{\"config\":{\"a b\":\"x \\\" y\",\"c\":[1,2]}}");
	free(s);
	ctl_json_fini(&j);
}

static void
test_json_limit(void **state)
{
	struct ctl_json j;

	(void)state;
	ctl_json_init(&j, 64);
	ctl_json_arr(&j, NULL);
	for (int i = 0; i < 100; i++)
		ctl_json_str(&j, NULL, "0123456789");
	ctl_json_end(&j);
	assert_true(j.failed);
	assert_true(j.len <= 64);
	ctl_json_fini(&j);

	/* Nesting deeper than CTL_JSON_DEPTH fails instead of overrunning. */
	ctl_json_init(&j, 4096);
	for (int i = 0; i < CTL_JSON_DEPTH + 4; i++)
		ctl_json_arr(&j, NULL);
	for (int i = 0; i < CTL_JSON_DEPTH + 4; i++)
		ctl_json_end(&j);
	assert_true(j.failed);
	ctl_json_fini(&j);
}

/* --- answers --- */

static void
assert_prefix(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)) != 0)
		fail_msg("'%s' does not start with '%s'", s, prefix);
}

static char *
run(const struct ctl_env *env, const char *line)
{
	struct ctl_json j;
	char *s;

	ctl_json_init(&j, CTL_OUT_MAX);
	ctl_execute(env, line, strlen(line), &j, 0);
	assert_false(j.failed);
	s = text_of(&j);
	ctl_json_fini(&j);
	assert_null(strchr(s, '\n')); /* one line: the framing stays unambiguous */
	return s;
}

static void
test_execute_errors(void **state)
{
	struct pmip_engine e;
	struct ctl_env env = { &e, NULL, NULL };
	char *s;

	(void)state;
	memset(&e, 0, sizeof(e));
	s = run(&env, "show bindings");
	assert_string_equal(s, "{\"ok\":false,\"command\":\"show bindings\",\"error\":{\"code\":"
	                       "\"role-not-running\",\"message\":\"the home agent role is not "
	                       "running\"}}");
	free(s);
	s = run(&env, "frobnicate");
	assert_string_equal(s, "{\"ok\":false,\"error\":{\"code\":\"unknown-command\",\"message\":"
	                       "\"unknown command 'frobnicate'; try 'help'\"}}");
	free(s);
	s = run(&env, "clear visitor 192.0.2.9");
	assert_non_null(strstr(s, "the foreign agent role is not running"));
	free(s);
	s = run(&env, "reload");
	assert_non_null(strstr(s, "\"not-supported\""));
	free(s);
	s = run(&env, "help");
	assert_prefix(s, "{\"ok\":true,\"command\":\"help\",\"data\":{\"help\":\"");
	assert_non_null(strstr(s, "show security-associations"));
	free(s);
}

static const uint8_t key[16] = { 0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67,
	                         0x89, 0xab, 0xcd, 0xef, 0xfe, 0xed, 0xfa, 0xce };

static void
test_execute_sa_without_keys(void **state)
{
	struct pmip_engine e;
	struct ctl_env env = { &e, NULL, NULL };
	struct mip_sa *sa;
	char *s;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.sa_table = sa_table_new();
	assert_non_null(e.sa_table);
	sa = mip_sa_new(MIP_AUTH_HMAC_MD5, key, sizeof(key));
	assert_non_null(sa);
	snprintf(sa->name, sizeof(sa->name), "mn1");
	sa->peer_kind = SA_PEER_RANGE;
	inet_pton(AF_INET, "192.0.2.100", &sa->lo);
	inet_pton(AF_INET, "192.0.2.199", &sa->hi);
	sa->entity = SA_ENTITY_MOBILE_NODE;
	sa->spi = 1000;
	sa->replay = SA_REPLAY_TIMESTAMP;
	sa->tolerance_s = 7;
	sa->source = "config";
	assert_int_equal(sa_table_put(e.sa_table, sa), 0);
	mip_sa_unref(sa);

	s = run(&env, "show security-associations");
	assert_string_equal(s,
	                    "{\"ok\":true,\"command\":\"show security-associations\",\"data\":{"
	                    "\"security-associations\":[{\"name\":\"mn1\",\"peer\":"
	                    "\"192.0.2.100-192.0.2.199\",\"entity\":\"mobile-node\",\"spi\":1000,"
	                    "\"algorithm\":\"hmac-md5\",\"replay-method\":\"timestamp\","
	                    "\"replay-tolerance\":7,\"source\":\"config\"}]}}");
	free(s);
	s = run(&env, "show summary");
	assert_non_null(strstr(s, "\"security-associations\":1"));
	free(s);
	sa_table_free(e.sa_table);
}

static void
test_execute_config_redacted(void **state)
{
	static const char cfg[] = "{\"pmip:pmip\":{\"security-association\":[{\"name\":\"mn1\","
	                          "\"host\":\"192.0.2.50\",\"spi\":1000,"
	                          "\"key-hex\":\"deadbeef0123456789abcdeffeedface\"}]}}";
	struct pmip_engine *e;
	struct ctl_env env;
	struct nb_error err;
	char *s;

	(void)state;
	e = engine_new(NULL, NULL, true, &err);
	assert_non_null(e);
	assert_int_equal(conf_parse_mem(e->ly_ctx, cfg, &e->running, &err), 0);
	env = (struct ctl_env){ e, NULL, NULL };
	s = run(&env, "show config");
	assert_prefix(s, "{\"ok\":true,\"command\":\"show config\",\"data\":{\"config\":{");
	assert_non_null(strstr(s, "\"192.0.2.50\""));
	assert_non_null(strstr(s, "<redacted>"));
	assert_null(strstr(s, "deadbeef"));
	free(s);
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_commands),
		cmocka_unit_test(test_parse_arguments),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_help_lists_every_command),
		cmocka_unit_test(test_json_structure),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_json_raw_minified),
		cmocka_unit_test(test_json_limit),
		cmocka_unit_test(test_execute_errors),
		cmocka_unit_test(test_execute_sa_without_keys),
		cmocka_unit_test(test_execute_config_redacted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
