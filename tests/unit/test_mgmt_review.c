/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_mgmt_review.c - regressions from the management-plane review.
 *
 * A configuration error about a secret must not quote the secret, even when
 * libyang's message is longer than the error buffer and the closing quote
 * was cut off.
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

#include "conf.h"
#include "nb.h"

/* An overlong RADIUS secret: the error names the leaf but quotes no part of it. */
static void
test_overlong_secret_not_in_error(void **state)
{
	static const char head[] = "{\"pmip:pmip\": {\"key-store\": {\"radius\": {\"server\": "
	                           "[{\"name\": \"r1\", \"address\": \"192.0.2.9\", \"secret\": \"";
	static const char tail[] = "\"}]}}}}";
	char secret[1501], json[sizeof(head) + sizeof(secret) + sizeof(tail)];
	struct lyd_node *t = NULL;
	struct nb_error err;
	struct ly_ctx *ctx = conf_ctx_new(&err);

	(void)state;
	assert_non_null(ctx);
	for (int i = 0; i < 300; i++)
		snprintf(secret + 5 * i, 6, "S%04d", i);
	snprintf(json, sizeof(json), "%s%s%s", head, secret, tail);
	assert_int_equal(conf_parse_mem(ctx, json, &t, &err), -1);
	assert_null(t);
	assert_non_null(strstr(err.path, "secret"));
	for (size_t i = 0; i + 10 <= strlen(secret); i += 5) {
		char piece[11];

		memcpy(piece, secret + i, 10);
		piece[10] = '\0';
		if (strstr(err.msg, piece) != NULL)
			fail_msg("secret piece %s in \"%s\"", piece, err.msg);
	}
	ly_ctx_destroy(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlong_secret_not_in_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
