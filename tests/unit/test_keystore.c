/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_keystore.c - unit tests of the key-store chain (core/keystore.c) and keystore-local.
 *
 * Each test builds a private plugin directory of symlinks: keystore-local
 * from $PMIP_PLUGIN_DIR and the scripted keystore-mock-MODE plugins
 * (tests/plugins/keystore-mock) from $PMIP_PLUGIN_DIR/../tests/plugins-bad.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "ev.h"
#include "keystore.h"
#include "log.h"
#include "plugin.h"

struct fix {
	char dir[64];
	struct ev_loop *loop;
	struct sa_table *table;
	struct ks_env env;
	struct ks_chain *chain;
	char warnings[1024];
};

struct result {
	unsigned calls;
	enum ks_result res;
	bool have_sa;
	char sa_name[SA_NAME_MAX];
	uint32_t spi;
	struct fix *free_chain; /* free this fixture's chain from the completion */
};

static void
warn_sink(int prio, enum log_subsys ss, const char *line, void *arg)
{
	struct fix *f = arg;
	size_t len = strlen(f->warnings);

	if (prio <= LOG_WARNING && ss == LOG_SS_KEYSTORE)
		snprintf(f->warnings + len, sizeof(f->warnings) - len, "%s\n", line);
}

static void
link_plugin(const char *dir, const char *from_dir, const char *file)
{
	char src[PATH_MAX], dst[PATH_MAX];

	snprintf(src, sizeof(src), "%s/%s", from_dir, file);
	snprintf(dst, sizeof(dst), "%s/%s", dir, file);
	assert_int_equal(symlink(src, dst), 0);
}

static void
add_sa(struct sa_table *t, const char *name, const char *addr, const char *nai, uint32_t spi)
{
	static const uint8_t key[16] = { 0xa5 };
	struct mip_sa *sa = mip_sa_new(MIP_AUTH_HMAC_MD5, key, sizeof(key));

	assert_non_null(sa);
	snprintf(sa->name, sizeof(sa->name), "%s", name);
	if (nai != NULL) {
		sa->peer_kind = SA_PEER_NAI;
		snprintf(sa->nai, sizeof(sa->nai), "%s", nai);
	} else {
		sa->peer_kind = SA_PEER_HOST;
		inet_pton(AF_INET, addr, &sa->lo);
		sa->hi = sa->lo;
	}
	sa->entity = SA_ENTITY_MOBILE_NODE;
	sa->spi = spi;
	sa->source = "config";
	assert_int_equal(sa_table_put(t, sa), 0);
	mip_sa_unref(sa);
}

static int
setup(void **state)
{
	static const char *const mocks[] = { "notfound", "error", "reject",  "found",
		                             "sync",     "twice", "nostart", "hold" };
	const char *good = getenv("PMIP_PLUGIN_DIR");
	char bad[PATH_MAX], file[64];
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_non_null(good);
	snprintf(bad, sizeof(bad), "%s/../tests/plugins-bad", good);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_keystore.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	link_plugin(f->dir, good, "keystore-local.so");
	for (size_t i = 0; i < sizeof(mocks) / sizeof(mocks[0]); i++) {
		snprintf(file, sizeof(file), "keystore-mock-%s.so", mocks[i]);
		link_plugin(f->dir, bad, file);
	}
	f->loop = ev_loop_new();
	f->table = sa_table_new();
	assert_non_null(f->loop);
	assert_non_null(f->table);
	add_sa(f->table, "mn1", "10.1.0.10", NULL, 1000);
	add_sa(f->table, "mn2", NULL, "mn2@example.org", 1001);
	f->env.loop = f->loop;
	f->env.sa_table = f->table;
	log_set_sink(warn_sink, f);
	*state = f;
	return 0;
}

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
teardown(void **state)
{
	struct fix *f = *state;
	struct dirent *de;
	char path[PATH_MAX];
	DIR *d;

	ks_chain_free(f->chain);
	for (int i = 0; i < 4; i++)
		ev_loop_run_once(f->loop);
	log_set_sink(NULL, NULL);
	assert_int_equal(loaded_count(), 0);
	sa_table_free(f->table);
	ev_loop_free(f->loop);
	d = opendir(f->dir);
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", f->dir, de->d_name);
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Build the chain @names (NULL-terminated) into f->chain. */
#define CHAIN(f, ...) make_chain((f), (const char *const[]){ __VA_ARGS__, NULL })

static void
make_chain(struct fix *f, const char *const *names)
{
	char err[512] = "";
	size_t n = 0;

	while (names[n] != NULL)
		n++;
	f->chain = ks_chain_new(&f->env, f->dir, names, n, err, sizeof(err));
	if (f->chain == NULL)
		fail_msg("ks_chain_new: %s", err);
	assert_int_equal(ks_chain_count(f->chain), n);
}

static void
done_cb(enum ks_result res, struct mip_sa *sa, void *arg)
{
	struct result *r = arg;

	r->calls++;
	r->res = res;
	r->have_sa = sa != NULL;
	if (sa != NULL) {
		snprintf(r->sa_name, sizeof(r->sa_name), "%s", sa->name);
		r->spi = sa->spi;
	}
	if (r->free_chain != NULL) {
		ks_chain_free(r->free_chain->chain);
		r->free_chain->chain = NULL;
	}
}

static struct ks_query
query_addr(const char *addr)
{
	struct ks_query q = { .entity = SA_ENTITY_MOBILE_NODE };

	inet_pton(AF_INET, addr, &q.addr);
	return q;
}

static void
run_passes(struct fix *f, int n)
{
	for (int i = 0; i < n; i++)
		assert_int_equal(ev_loop_run_once(f->loop), 0);
}

/* Look @q up and expect no completion from inside the call. */
static void
start(struct fix *f, const struct ks_query *q, struct result *r, struct ks_handle **h)
{
	assert_int_equal(ks_chain_lookup(f->chain, q, done_cb, r, h), 0);
	assert_int_equal(r->calls, 0);
}

static struct ks_status
status_of(struct fix *f, size_t i, const char *want_name)
{
	struct ks_status st;
	const char *name = ks_chain_status(f->chain, i, &st);

	assert_non_null(name);
	assert_string_equal(name, want_name);
	return st;
}

/* keystore-local answers from the SA table, one pass later, with counters. */
static void
test_local_found(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.10"), qn = query_addr("0.0.0.0");
	struct result r = { 0 }, rn = { 0 };
	struct ks_status st;

	CHAIN(f, "local");
	start(f, &q, &r, NULL);
	snprintf(qn.nai, sizeof(qn.nai), "mn2@example.org");
	start(f, &qn, &rn, NULL);
	run_passes(f, 1);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.res, KS_FOUND);
	assert_true(r.have_sa);
	assert_string_equal(r.sa_name, "mn1");
	assert_int_equal(r.spi, 1000);
	assert_int_equal(rn.calls, 1);
	assert_int_equal(rn.res, KS_FOUND);
	assert_string_equal(rn.sa_name, "mn2");
	st = status_of(f, 0, "local");
	assert_int_equal(st.lookups, 2);
	assert_int_equal(st.found, 2);
	assert_int_equal(st.not_found + st.rejected + st.errors + st.cache_entries, 0);
	assert_null(ks_chain_status(f->chain, 1, &st));
}

/* Unknown peers, wrong entity or wrong SPI: not found. */
static void
test_local_not_found(void **state)
{
	struct fix *f = *state;
	struct ks_query q1 = query_addr("10.1.0.99"), q2 = query_addr("10.1.0.10"),
	                q3 = query_addr("10.1.0.10");
	struct result r1 = { 0 }, r2 = { 0 }, r3 = { 0 };

	q2.entity = SA_ENTITY_FOREIGN_AGENT;
	q3.spi = 999;
	CHAIN(f, "local");
	start(f, &q1, &r1, NULL);
	start(f, &q2, &r2, NULL);
	start(f, &q3, &r3, NULL);
	run_passes(f, 1);
	assert_int_equal(r1.calls + r2.calls + r3.calls, 3);
	assert_int_equal(r1.res, KS_NOT_FOUND);
	assert_int_equal(r2.res, KS_NOT_FOUND);
	assert_int_equal(r3.res, KS_NOT_FOUND);
	assert_false(r1.have_sa || r2.have_sa || r3.have_sa);
	assert_int_equal(status_of(f, 0, "local").not_found, 3);
}

/* NOT_FOUND moves on to the next store, which answers. */
static void
test_walk_not_found_then_found(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.10");
	struct result r = { 0 };

	CHAIN(f, "mock-notfound", "local");
	start(f, &q, &r, NULL);
	run_passes(f, 3);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.res, KS_FOUND);
	assert_string_equal(r.sa_name, "mn1");
	assert_int_equal(status_of(f, 0, "mock-notfound").lookups, 1);
	assert_int_equal(status_of(f, 1, "local").found, 1);
}

/* KS_ERROR moves on too. */
static void
test_walk_error_then_found(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.10");
	struct result r = { 0 };

	CHAIN(f, "mock-error", "local");
	start(f, &q, &r, NULL);
	run_passes(f, 3);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.res, KS_FOUND);
	assert_string_equal(r.sa_name, "mn1");
}

/* REJECTED ends the walk: later stores are not asked. */
static void
test_walk_rejected_stops(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.10");
	struct result r = { 0 };

	CHAIN(f, "mock-reject", "local");
	start(f, &q, &r, NULL);
	run_passes(f, 3);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.res, KS_REJECTED);
	assert_false(r.have_sa);
	assert_int_equal(status_of(f, 1, "local").lookups, 0);
}

/* FOUND ends the walk with the first store's SA. */
static void
test_walk_found_stops(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.10");
	struct result r = { 0 };

	CHAIN(f, "mock-found", "local");
	start(f, &q, &r, NULL);
	run_passes(f, 3);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.res, KS_FOUND);
	assert_string_equal(r.sa_name, "keystore-mock-found");
	assert_int_equal(r.spi, 4242);
	assert_int_equal(status_of(f, 1, "local").lookups, 0);
}

/* All stores asked: NOT_FOUND if any said so, else ERROR. */
static void
test_walk_exhausted(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.77");
	struct result r1 = { 0 }, r2 = { 0 };

	CHAIN(f, "mock-notfound", "mock-error");
	start(f, &q, &r1, NULL);
	run_passes(f, 3);
	assert_int_equal(r1.calls, 1);
	assert_int_equal(r1.res, KS_NOT_FOUND);
	ks_chain_free(f->chain);

	CHAIN(f, "mock-error", "mock-error");
	start(f, &q, &r2, NULL);
	run_passes(f, 3);
	assert_int_equal(r2.calls, 1);
	assert_int_equal(r2.res, KS_ERROR);
	assert_int_equal(status_of(f, 0, "mock-error").lookups, 1);
	assert_int_equal(status_of(f, 1, "mock-error").lookups, 1);
}

/* A store that cannot start is skipped; if none starts, the caller gets the error. */
static void
test_store_not_starting(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.10");
	struct result r = { 0 }, r2 = { 0 };

	CHAIN(f, "mock-nostart", "local");
	start(f, &q, &r, NULL);
	run_passes(f, 2);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.res, KS_FOUND);
	assert_int_equal(status_of(f, 0, "mock-nostart").lookups, 1);
	ks_chain_free(f->chain);

	CHAIN(f, "mock-nostart");
	assert_int_equal(ks_chain_lookup(f->chain, &q, done_cb, &r2, NULL), -EIO);
	run_passes(f, 2);
	assert_int_equal(r2.calls, 0);
}

/* A cancelled lookup never completes, and the store's request is cancelled too. */
static void
test_cancel(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.10");
	struct result r = { 0 }, r2 = { 0 }, r3 = { 0 };
	struct ks_handle *h = NULL, *h2 = NULL;

	CHAIN(f, "mock-hold");
	start(f, &q, &r, &h);
	assert_non_null(h);
	assert_int_equal(status_of(f, 0, "mock-hold").cache_entries, 1);
	ks_chain_cancel(f->chain, h);
	assert_int_equal(status_of(f, 0, "mock-hold").cache_entries, 0);
	run_passes(f, 3);
	assert_int_equal(r.calls, 0);
	ks_chain_free(f->chain);

	CHAIN(f, "local");
	start(f, &q, &r2, &h2);
	start(f, &q, &r3, NULL);
	ks_chain_cancel(f->chain, h2);
	run_passes(f, 3);
	assert_int_equal(r2.calls, 0);
	assert_int_equal(r3.calls, 1);
	assert_int_equal(r3.res, KS_FOUND);
	/* keystore-local counted one answer: the cancelled request was dropped. */
	assert_int_equal(status_of(f, 0, "local").found, 1);
	ks_chain_cancel(f->chain, NULL);
}

/* Freeing the chain completes pending lookups with KS_ERROR, later, and unloads. */
static void
test_free_completes_with_error(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.10");
	struct result r1 = { 0 }, r2 = { 0 }, r3 = { 0 };
	struct ks_handle *h3 = NULL;

	CHAIN(f, "mock-hold", "local");
	start(f, &q, &r1, NULL);
	start(f, &q, &r3, &h3);
	ks_chain_free(f->chain);
	f->chain = NULL;
	assert_int_equal(r1.calls, 0);
	/* The plugins stay mapped until their queued deferred calls have run. */
	assert_int_equal(loaded_count(), 2);
	/* A handle may still be cancelled until its completion has run. */
	ks_chain_cancel(NULL, h3);
	run_passes(f, 1);
	assert_int_equal(loaded_count(), 0);
	assert_int_equal(r1.calls, 1);
	assert_int_equal(r1.res, KS_ERROR);
	assert_false(r1.have_sa);
	assert_int_equal(r3.calls, 0);

	/* keystore-local's pending answer is dropped for KS_ERROR as well. */
	CHAIN(f, "local");
	start(f, &q, &r2, NULL);
	ks_chain_free(f->chain);
	f->chain = NULL;
	run_passes(f, 3);
	assert_int_equal(r2.calls, 1);
	assert_int_equal(r2.res, KS_ERROR);
}

/* A completion may free the chain; the other pending lookup then gets KS_ERROR. */
static void
test_free_from_completion(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.10");
	struct result r1 = { .free_chain = f }, r2 = { 0 };

	CHAIN(f, "local");
	start(f, &q, &r1, NULL);
	start(f, &q, &r2, NULL);
	run_passes(f, 3);
	assert_null(f->chain);
	assert_int_equal(r1.calls, 1);
	assert_int_equal(r1.res, KS_FOUND);
	assert_int_equal(r2.calls, 1);
	assert_int_equal(r2.res, KS_ERROR);
}

/* A store answering from inside lookup() is detected; the caller still sees it later. */
static void
test_synchronous_store(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.10");
	struct result r = { 0 };

	CHAIN(f, "mock-sync");
	start(f, &q, &r, NULL);
	assert_non_null(strstr(f->warnings, "mock-sync completed a lookup synchronously"));
	run_passes(f, 1);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.res, KS_FOUND);
	assert_string_equal(r.sa_name, "keystore-mock-sync");
	assert_int_equal(r.spi, 4242);
}

/* A store answering twice is detected; the walk and the caller see one answer. */
static void
test_double_completion(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.10");
	struct result r = { 0 };

	CHAIN(f, "mock-twice", "mock-found");
	start(f, &q, &r, NULL);
	run_passes(f, 4);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.res, KS_FOUND);
	assert_string_equal(r.sa_name, "keystore-mock-found");
	assert_non_null(strstr(f->warnings, "twice or after cancel; ignored"));
}

/* A chain that cannot be built says why and leaves nothing loaded. */
static void
test_new_errors(void **state)
{
	struct fix *f = *state;
	const char *names[] = { "local", "nope" }, *bad[] = { "../local" };
	char err[512], want[512];

	assert_null(ks_chain_new(&f->env, f->dir, names, 2, err, sizeof(err)));
	snprintf(want, sizeof(want),
	         "plugin keystore-nope: not found in %s (%s/keystore-nope.so: No such file or "
	         "directory)",
	         f->dir, f->dir);
	assert_string_equal(err, want);
	assert_int_equal(loaded_count(), 0);
	assert_null(ks_chain_new(&f->env, f->dir, bad, 1, err, sizeof(err)));
	assert_string_equal(err, "plugin name \"keystore-../local\" is invalid");
	assert_null(ks_chain_new(&f->env, f->dir, names, 0, err, sizeof(err)));
	assert_string_equal(err, "no key store configured");
	assert_int_equal(loaded_count(), 0);
}

static void
test_configure_and_names(void **state)
{
	struct fix *f = *state;
	struct ks_query q = query_addr("10.1.0.10");
	struct result r = { 0 };
	char err[256] = "";

	CHAIN(f, "local");
	assert_int_equal(ks_chain_configure(f->chain, "local", NULL, err, sizeof(err)), 0);
	assert_int_equal(ks_chain_configure(f->chain, "keystore-local", NULL, err, sizeof(err)), 0);
	assert_int_equal(ks_chain_configure(f->chain, "radius", NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "no key store \"radius\" in the chain");
	ks_chain_clear_cache(f->chain);
	assert_int_equal(ks_chain_lookup(f->chain, NULL, done_cb, &r, NULL), -EINVAL);
	assert_int_equal(ks_chain_lookup(f->chain, &q, NULL, &r, NULL), -EINVAL);
	assert_int_equal(ks_chain_lookup(NULL, &q, done_cb, &r, NULL), -EINVAL);
	assert_int_equal(ks_chain_count(NULL), 0);
	assert_string_equal(ks_result_name(KS_FOUND), "found");
	assert_string_equal(ks_result_name(KS_NOT_FOUND), "not-found");
	assert_string_equal(ks_result_name(KS_REJECTED), "rejected");
	assert_string_equal(ks_result_name(KS_ERROR), "error");
	ks_chain_free(NULL);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_local_found),
		T(test_local_not_found),
		T(test_walk_not_found_then_found),
		T(test_walk_error_then_found),
		T(test_walk_rejected_stops),
		T(test_walk_found_stops),
		T(test_walk_exhausted),
		T(test_store_not_starting),
		T(test_cancel),
		T(test_free_completes_with_error),
		T(test_free_from_completion),
		T(test_synchronous_store),
		T(test_double_completion),
		T(test_new_errors),
		T(test_configure_and_names),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
