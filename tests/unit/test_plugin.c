/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_plugin.c - unit tests of core/plugin.c: loading, every refusal message, refcounts.
 *
 * keystore-local comes from $PMIP_PLUGIN_DIR (set by ctest). The refused
 * modules (tests/plugins/{bad-abi,no-symbol,wrong-class}) are built into
 * $PMIP_PLUGIN_DIR/../tests/plugins-bad, outside the real plugin directory.
 */
#include <limits.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "keystore.h"
#include "plugin.h"

static char good_dir[PATH_MAX], bad_dir[PATH_MAX];

static int
count_cb(const struct pmip_plugin *p, void *arg)
{
	(*(unsigned *)arg)++;
	return 0;
}

static unsigned
loaded_count(void)
{
	unsigned n = 0;

	plugin_foreach(count_cb, &n);
	return n;
}

static int
group_setup(void **state)
{
	const char *dir = getenv("PMIP_PLUGIN_DIR");

	if (dir == NULL) {
		fprintf(stderr, "PMIP_PLUGIN_DIR is not set: run this test through ctest\n");
		return -1;
	}
	snprintf(good_dir, sizeof(good_dir), "%s", dir);
	snprintf(bad_dir, sizeof(bad_dir), "%s/../tests/plugins-bad", dir);
	return 0;
}

/* Is a file whose name contains @needle mapped into this process? */
static bool
mapped(const char *needle)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[PATH_MAX + 128];
	bool found = false;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* Load keystore-local: descriptor fields, ops, class name. */
static void
test_load_good(void **state)
{
	char err[256] = "";
	struct pmip_plugin *p =
	        plugin_load(good_dir, "keystore-local", PMIP_PLUGIN_KEYSTORE, err, sizeof(err));
	const struct ks_ops *ops;

	assert_non_null(p);
	assert_string_equal(err, "");
	assert_int_equal(plugin_desc(p)->abi_version, PMIP_PLUGIN_ABI_VERSION);
	assert_string_equal(plugin_desc(p)->name, "keystore-local");
	assert_int_equal(plugin_desc(p)->cls, PMIP_PLUGIN_KEYSTORE);
	assert_non_null(plugin_desc(p)->description);
	ops = plugin_ops(p);
	assert_ptr_equal(ops, plugin_desc(p)->ops);
	assert_non_null(ops->create);
	assert_non_null(ops->lookup);
	assert_null(ops->configure);
	assert_int_equal(loaded_count(), 1);
	assert_true(mapped("/keystore-local.so"));
	plugin_unload(p);
	assert_int_equal(loaded_count(), 0);
	assert_false(mapped("/keystore-local.so"));
	plugin_unload(NULL);
}

/* Loading twice shares one object; it stays loaded until the last unload. */
static void
test_refcount(void **state)
{
	char err[256];
	struct pmip_plugin *a, *b;

	a = plugin_load(good_dir, "keystore-local", PMIP_PLUGIN_KEYSTORE, err, sizeof(err));
	b = plugin_load(good_dir, "keystore-local", PMIP_PLUGIN_KEYSTORE, err, sizeof(err));
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_int_equal(loaded_count(), 1);
	plugin_unload(a);
	assert_int_equal(loaded_count(), 1);
	/* Still usable after one unload. */
	assert_string_equal(plugin_desc(b)->name, "keystore-local");
	plugin_unload(b);
	assert_int_equal(loaded_count(), 0);
}

/*
 * Load @name from @dir as @cls and expect refusal with exactly @want, nothing
 * registered and the object unmapped again (dlclose()d).
 */
static void
expect_refusal(const char *dir, const char *name, enum pmip_plugin_class cls, const char *want)
{
	char err[512] = "", file[PMIP_PLUGIN_NAME_MAX + 8];

	assert_null(plugin_load(dir, name, cls, err, sizeof(err)));
	assert_string_equal(err, want);
	assert_int_equal(loaded_count(), 0);
	snprintf(file, sizeof(file), "/%s.so", name);
	assert_false(mapped(file));
}

static void
test_not_found(void **state)
{
	char want[PATH_MAX * 3];

	snprintf(want, sizeof(want),
	         "plugin keystore-foo: not found in %s (%s/keystore-foo.so: No such file or "
	         "directory)",
	         good_dir, good_dir);
	expect_refusal(good_dir, "keystore-foo", PMIP_PLUGIN_KEYSTORE, want);
}

static void
test_symbol_missing(void **state)
{
	expect_refusal(bad_dir, "keystore-no-symbol", PMIP_PLUGIN_KEYSTORE,
	               "plugin keystore-no-symbol: symbol pmip_plugin_descriptor missing");
}

static void
test_bad_abi(void **state)
{
	char want[128];

	snprintf(want, sizeof(want), "plugin keystore-bad-abi: ABI version 99, pmipd expects %d",
	         PMIP_PLUGIN_ABI_VERSION);
	expect_refusal(bad_dir, "keystore-bad-abi", PMIP_PLUGIN_KEYSTORE, want);
}

static void
test_wrong_class_in_file(void **state)
{
	expect_refusal(bad_dir, "keystore-wrong-class", PMIP_PLUGIN_KEYSTORE,
	               "plugin keystore-wrong-class: class discovery, expected keystore");
}

static void
test_descriptor_name_mismatch(void **state)
{
	expect_refusal(bad_dir, "keystore-renamed", PMIP_PLUGIN_DISCOVERY,
	               "plugin keystore-renamed: descriptor names keystore-wrong-class");
}

/* Asking for the wrong class is refused, whether or not the plugin is loaded. */
static void
test_wrong_class_requested(void **state)
{
	char err[256];
	struct pmip_plugin *p;

	expect_refusal(good_dir, "keystore-local", PMIP_PLUGIN_TUNNEL,
	               "plugin keystore-local: class keystore, expected tunnel");
	p = plugin_load(good_dir, "keystore-local", PMIP_PLUGIN_KEYSTORE, err, sizeof(err));
	assert_non_null(p);
	assert_null(
	        plugin_load(good_dir, "keystore-local", PMIP_PLUGIN_DISCOVERY, err, sizeof(err)));
	assert_string_equal(err, "plugin keystore-local: class keystore, expected discovery");
	/* The refusal took no reference: one unload frees it. */
	plugin_unload(p);
	assert_int_equal(loaded_count(), 0);
}

/* Names that are not plain file names never reach dlopen(). */
static void
test_invalid_names(void **state)
{
	expect_refusal(good_dir, "../plugins/keystore-local", PMIP_PLUGIN_KEYSTORE,
	               "plugin name \"../plugins/keystore-local\" is invalid");
	expect_refusal(good_dir, "", PMIP_PLUGIN_KEYSTORE, "plugin name \"\" is invalid");
}

static void
test_class_names_and_default_dir(void **state)
{
	assert_string_equal(plugin_class_name(PMIP_PLUGIN_KEYSTORE), "keystore");
	assert_string_equal(plugin_class_name(PMIP_PLUGIN_DISCOVERY), "discovery");
	assert_string_equal(plugin_class_name(PMIP_PLUGIN_TUNNEL), "tunnel");
	assert_string_equal(plugin_class_name(0), "unknown");
	assert_string_equal(plugin_default_dir(), good_dir);
	unsetenv("PMIP_PLUGIN_DIR");
	assert_string_not_equal(plugin_default_dir(), good_dir);
	assert_true(plugin_default_dir()[0] == '/');
	setenv("PMIP_PLUGIN_DIR", good_dir, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_good),
		cmocka_unit_test(test_refcount),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_symbol_missing),
		cmocka_unit_test(test_bad_abi),
		cmocka_unit_test(test_wrong_class_in_file),
		cmocka_unit_test(test_descriptor_name_mismatch),
		cmocka_unit_test(test_wrong_class_requested),
		cmocka_unit_test(test_invalid_names),
		cmocka_unit_test(test_class_names_and_default_dir),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
