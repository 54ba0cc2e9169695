/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_nc_edit.c - the NETCONF edit-config engine, filters and secret stripping
 * (core/nc_edit.c) on the real pmip model, without a server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libyang/libyang.h>

#include "conf.h"
#include "nc.h"

#define NS  "urn:pmipd:params:xml:ns:yang:pmip"
#define NCA "xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\""
#define KEY "00112233445566778899aabbccddeeff"

static const char running_json[] =
        "{\"pmip:pmip\":{\"security-association\":["
        "{\"name\":\"mn1\",\"host\":\"192.0.2.50\",\"spi\":1000,\"key-hex\":\"" KEY "\"},"
        "{\"name\":\"mn2\",\"host\":\"192.0.2.51\",\"spi\":1001,\"key-hex\":\"" KEY "\"}]}}";

struct fx {
	struct ly_ctx *ctx;
	struct lyd_node *running;
	struct lyd_node *edit;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct nb_error err;

	assert_non_null(f);
	f->ctx = conf_ctx_new(&err);
	assert_non_null(f->ctx);
	assert_int_equal(conf_parse_mem(f->ctx, running_json, &f->running, &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	lyd_free_all(f->edit);
	lyd_free_all(f->running);
	ly_ctx_destroy(f->ctx);
	free(f);
	return 0;
}

/* Parse edit-config content as libnetconf2 hands it over (schema nodes with metadata). */
static void
edit(struct fx *f, const char *xml)
{
	lyd_free_all(f->edit);
	f->edit = NULL;
	assert_int_equal(lyd_parse_data_mem(f->ctx, xml, LYD_XML, LYD_PARSE_ONLY | LYD_PARSE_OPAQ,
	                                    0, &f->edit),
	                 LY_SUCCESS);
}

static const char *
leaf(const struct lyd_node *tree, const char *path)
{
	struct lyd_node *n = NULL;

	if (lyd_find_path(tree, path, 0, &n) != LY_SUCCESS)
		return NULL;
	return lyd_get_value(n);
}

static bool
has_meta(const struct lyd_node *tree)
{
	for (const struct lyd_node *top = tree; top != NULL; top = top->next) {
		const struct lyd_node *n;

		LYD_TREE_DFS_BEGIN (top, n) {
			if (n->meta != NULL)
				return true;
			LYD_TREE_DFS_END(top, n);
		}
	}
	return false;
}

#define SA(name) "/pmip:pmip/security-association[name='" name "']"

static void
test_merge_creates_and_updates(void **state)
{
	struct fx *f = *state;
	struct nb_error err;

	edit(f, "<pmip xmlns=\"" NS "\"><security-association><name>mn3</name>"
	        "<host>192.0.2.52</host><spi>7</spi><key-hex>" KEY "</key-hex>"
	        "</security-association><security-association><name>mn1</name><spi>99</spi>"
	        "</security-association></pmip>");
	assert_int_equal(nc_edit_apply(&f->running, f->edit, "merge", &err), 0);
	assert_string_equal(leaf(f->running, SA("mn3") "/host"), "192.0.2.52");
	assert_string_equal(leaf(f->running, SA("mn1") "/spi"), "99");
	assert_string_equal(leaf(f->running, SA("mn1") "/host"), "192.0.2.50");
	assert_false(has_meta(f->running));
	assert_int_equal(lyd_validate_all(&f->running, f->ctx, LYD_VALIDATE_NO_STATE, NULL),
	                 LY_SUCCESS);
}

static void
test_create_delete_remove(void **state)
{
	struct fx *f = *state;
	struct nb_error err;

	edit(f, "<pmip xmlns=\"" NS "\" " NCA "><security-association nc:operation=\"create\">"
	        "<name>mn1</name><spi>5</spi></security-association></pmip>");
	assert_int_equal(nc_edit_apply(&f->running, f->edit, "merge", &err), -1);
	assert_string_equal(err.app_tag, "data-exists");
	assert_non_null(strstr(err.path, "mn1"));

	edit(f, "<pmip xmlns=\"" NS "\" " NCA "><security-association nc:operation=\"delete\">"
	        "<name>mn9</name></security-association></pmip>");
	assert_int_equal(nc_edit_apply(&f->running, f->edit, "merge", &err), -1);
	assert_string_equal(err.app_tag, "data-missing");

	edit(f, "<pmip xmlns=\"" NS "\" " NCA "><security-association nc:operation=\"remove\">"
	        "<name>mn9</name></security-association><security-association "
	        "nc:operation=\"delete\"><name>mn2</name></security-association></pmip>");
	assert_int_equal(nc_edit_apply(&f->running, f->edit, "merge", &err), 0);
	assert_null(leaf(f->running, SA("mn2") "/spi"));
	assert_non_null(leaf(f->running, SA("mn1") "/spi"));
}

static void
test_replace_and_none(void **state)
{
	struct fx *f = *state;
	struct nb_error err;

	/* replace: the entry becomes exactly the edit (host gives way to nai). */
	edit(f, "<pmip xmlns=\"" NS "\" " NCA "><security-association nc:operation=\"replace\">"
	        "<name>mn1</name><nai>mn1@example.net</nai><spi>3</spi><key-ascii>k</key-ascii>"
	        "</security-association></pmip>");
	assert_int_equal(nc_edit_apply(&f->running, f->edit, "merge", &err), 0);
	assert_null(leaf(f->running, SA("mn1") "/host"));
	assert_null(leaf(f->running, SA("mn1") "/key-hex"));
	assert_string_equal(leaf(f->running, SA("mn1") "/nai"), "mn1@example.net");

	/* default-operation none: unmarked leaves do not change, marked ones do. */
	edit(f, "<pmip xmlns=\"" NS "\" " NCA "><security-association><name>mn2</name>"
	        "<spi>77</spi><host nc:operation=\"merge\">192.0.2.99</host>"
	        "</security-association><security-association><name>new</name>"
	        "</security-association></pmip>");
	assert_int_equal(nc_edit_apply(&f->running, f->edit, "none", &err), 0);
	assert_string_equal(leaf(f->running, SA("mn2") "/spi"), "1001");
	assert_string_equal(leaf(f->running, SA("mn2") "/host"), "192.0.2.99");
	assert_null(leaf(f->running, SA("new") "/name"));
}

static void
filter_of(struct fx *f, const char *xml, struct lyd_node **out)
{
	struct lyd_node *rpc = NULL, *op = NULL;
	struct nb_error err;
	char buf[2048];

	snprintf(buf, sizeof(buf),
	         "<get-config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"
	         "<source><running/></source>%s</get-config>",
	         xml);
	{
		struct ly_in *in = NULL;

		assert_int_equal(ly_in_new_memory(buf, &in), LY_SUCCESS);
		assert_int_equal(
		        lyd_parse_op(f->ctx, NULL, in, LYD_XML, LYD_TYPE_RPC_YANG, &rpc, &op),
		        LY_SUCCESS);
		ly_in_free(in, 0);
	}
	assert_int_equal(nc_filter(f->running, lyd_child(op)->next, out, &err), 0);
	lyd_free_all(rpc);
}

static void
test_filters_and_secrets(void **state)
{
	struct fx *f = *state;
	struct lyd_node *out = NULL;

	nc_strip_secrets(&f->running);
	assert_null(leaf(f->running, SA("mn1") "/key-hex"));
	assert_non_null(leaf(f->running, SA("mn1") "/host"));

	/* Subtree: a content match on the key selects one entry, <spi/> one leaf of it. */
	filter_of(f,
	          "<filter type=\"subtree\"><pmip xmlns=\"" NS "\"><security-association>"
	          "<name>mn2</name><spi/></security-association></pmip></filter>",
	          &out);
	assert_string_equal(leaf(out, SA("mn2") "/spi"), "1001");
	assert_null(leaf(out, SA("mn2") "/host"));
	assert_null(leaf(out, SA("mn1") "/spi"));
	lyd_free_all(out);

	/* XPath, with the XML prefix resolved by libyang. */
	filter_of(f,
	          "<filter xmlns:p=\"" NS "\" type=\"xpath\" "
	          "select=\"/p:pmip/p:security-association[p:spi='1000']\"/>",
	          &out);
	assert_string_equal(leaf(out, SA("mn1") "/host"), "192.0.2.50");
	assert_null(leaf(out, SA("mn2") "/host"));
	lyd_free_all(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_merge_creates_and_updates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_delete_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_and_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters_and_secrets, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
