/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_sa.c - security associations: refcounts, address matching, the SA table and its lookup.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "sa.h"

static const uint8_t key16[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct mip_sa *
mk(const char *name, enum sa_peer_kind kind, const char *lo, const char *hi, const char *nai,
   enum sa_entity entity, uint32_t spi)
{
	struct mip_sa *sa = mip_sa_new(MIP_AUTH_HMAC_MD5, key16, sizeof(key16));

	assert_non_null(sa);
	snprintf(sa->name, sizeof(sa->name), "%s", name);
	sa->peer_kind = kind;
	if (lo != NULL)
		sa->lo = ip(lo);
	sa->hi = hi != NULL ? ip(hi) : sa->lo;
	if (nai != NULL)
		snprintf(sa->nai, sizeof(sa->nai), "%s", nai);
	sa->entity = entity;
	sa->spi = spi;
	sa->source = "config";
	return sa;
}

/* Create, insert, and drop the creator's reference: the table owns the SA. */
static void
add(struct sa_table *t, const char *name, enum sa_peer_kind kind, const char *lo, const char *hi,
    const char *nai, enum sa_entity entity, uint32_t spi)
{
	struct mip_sa *sa = mk(name, kind, lo, hi, nai, entity, spi);

	assert_int_equal(sa_table_put(t, sa), 0);
	mip_sa_unref(sa);
}

static const char *
lookup_name(const struct sa_table *t, enum sa_entity e, const char *addr, const char *nai,
            uint32_t spi)
{
	struct mip_sa *sa = sa_table_lookup(t, e, ip(addr), nai, spi);

	return sa != NULL ? sa->name : "(none)";
}

static void
test_sa_new_precomputes_key(void **state)
{
	/* Guide section 9 vector: HMAC-MD5 of the 30 covered bytes. */
	static const uint8_t msg[30] = {
		0x01, 0x02, 0x07, 0x08, 0x0a, 0x01, 0x00, 0x0a, 0x0a, 0x01,
		0x00, 0x01, 0xc0, 0x00, 0x02, 0x01, 0xe8, 0xf2, 0xa3, 0xb4,
		0x00, 0x00, 0x00, 0x01, 0x20, 0x14, 0x00, 0x00, 0x01, 0x00
	};
	static const uint8_t want[16] = { 0x73, 0x25, 0xf9, 0x89, 0xe0, 0xef, 0x18, 0xab,
		                          0xb1, 0x88, 0xb6, 0x9a, 0xfb, 0x24, 0xed, 0xbe };
	struct mip_sa *sa = mip_sa_new(MIP_AUTH_HMAC_MD5, key16, sizeof(key16));

	assert_non_null(sa);
	assert_non_null(sa->key);
	assert_int_equal(sa->alg, MIP_AUTH_HMAC_MD5);
	assert_int_equal(sa->refcnt, 1);
	assert_true(mip_auth_verify(sa->key, msg, sizeof(msg), want, sizeof(want)));
	mip_sa_unref(sa);
}

static void
test_sa_new_bad_key(void **state)
{
	uint8_t big[MIP_AUTH_KEY_MAX + 1] = { 0 };

	errno = 0;
	assert_null(mip_sa_new(MIP_AUTH_HMAC_MD5, key16, 0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(mip_sa_new(MIP_AUTH_KEYED_MD5_PS, big, sizeof(big)));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(mip_sa_new((enum mip_auth_alg)7, key16, sizeof(key16)));
	assert_int_equal(errno, EINVAL);
}

static void
test_refcount_lifetime(void **state)
{
	struct sa_table *t = sa_table_new();
	struct mip_sa *sa =
	        mk("a", SA_PEER_HOST, "10.1.0.10", NULL, NULL, SA_ENTITY_MOBILE_NODE, 256);
	struct mip_sa *sa2;

	assert_ptr_equal(mip_sa_ref(sa), sa);
	assert_int_equal(sa->refcnt, 2);
	assert_int_equal(sa_table_put(t, sa), 0);
	assert_int_equal(sa->refcnt, 3);
	mip_sa_unref(sa);
	assert_int_equal(sa->refcnt, 2);

	/* Replacing by name drops the table's reference to the old SA. */
	sa2 = mk("a", SA_PEER_HOST, "10.1.0.11", NULL, NULL, SA_ENTITY_MOBILE_NODE, 256);
	assert_int_equal(sa_table_put(t, sa2), 0);
	assert_int_equal(sa->refcnt, 1);
	assert_int_equal(sa2->refcnt, 2);
	assert_int_equal(sa_table_count(t), 1);
	/* The old SA is no longer reachable through the peer index. */
	assert_null(sa_table_lookup(t, SA_ENTITY_MOBILE_NODE, ip("10.1.0.10"), NULL, 0));
	assert_ptr_equal(sa_table_lookup(t, SA_ENTITY_MOBILE_NODE, ip("10.1.0.11"), NULL, 0), sa2);

	/* Putting the same object again keeps exactly one table reference. */
	assert_int_equal(sa_table_put(t, sa2), 0);
	assert_int_equal(sa2->refcnt, 2);
	assert_int_equal(sa_table_count(t), 1);

	/* The holder's reference outlives the table; the key stays usable. */
	sa_table_free(t);
	assert_int_equal(sa2->refcnt, 1);
	uint8_t out[MIP_AUTH_LEN];
	assert_int_equal(mip_auth_compute(sa2->key, (const uint8_t *)"x", 1, out), 0);
	mip_sa_unref(sa2);
	mip_sa_unref(sa);
	mip_sa_unref(NULL);
}

static void
test_del_drops_reference(void **state)
{
	struct sa_table *t = sa_table_new();
	struct mip_sa *sa =
	        mk("r", SA_PEER_RANGE, "10.0.0.0", "10.0.0.255", NULL, SA_ENTITY_MOBILE_NODE, 300);

	assert_int_equal(sa_table_put(t, sa), 0);
	assert_int_equal(sa->refcnt, 2);
	assert_ptr_equal(sa_table_get(t, "r"), sa);
	assert_int_equal(sa_table_del(t, "r"), 0);
	assert_int_equal(sa->refcnt, 1);
	assert_int_equal(sa_table_del(t, "r"), -ENOENT);
	assert_null(sa_table_get(t, "r"));
	assert_null(sa_table_lookup(t, SA_ENTITY_MOBILE_NODE, ip("10.0.0.7"), NULL, 0));
	assert_int_equal(sa_table_count(t), 0);
	mip_sa_unref(sa);
	sa_table_free(t);
	sa_table_free(NULL);
}

static void
test_matches_addr(void **state)
{
	struct mip_sa *h = mk("h", SA_PEER_HOST, "10.1.0.10", NULL, NULL, SA_ENTITY_MOBILE_NODE, 1);
	struct mip_sa *r =
	        mk("r", SA_PEER_RANGE, "10.1.0.250", "10.1.1.5", NULL, SA_ENTITY_MOBILE_NODE, 1);
	struct mip_sa *n =
	        mk("n", SA_PEER_NAI, "10.1.0.10", NULL, "mn@example.com", SA_ENTITY_MOBILE_NODE, 1);

	assert_true(mip_sa_matches_addr(h, ip("10.1.0.10")));
	assert_false(mip_sa_matches_addr(h, ip("10.1.0.11")));
	/* Range bounds are inclusive and compared in host order across an octet carry. */
	assert_true(mip_sa_matches_addr(r, ip("10.1.0.250")));
	assert_true(mip_sa_matches_addr(r, ip("10.1.0.255")));
	assert_true(mip_sa_matches_addr(r, ip("10.1.1.0")));
	assert_true(mip_sa_matches_addr(r, ip("10.1.1.5")));
	assert_false(mip_sa_matches_addr(r, ip("10.1.0.249")));
	assert_false(mip_sa_matches_addr(r, ip("10.1.1.6")));
	assert_false(mip_sa_matches_addr(r, ip("11.1.0.251")));
	/* An NAI SA covers no address. */
	assert_false(mip_sa_matches_addr(n, ip("10.1.0.10")));
	mip_sa_unref(h);
	mip_sa_unref(r);
	mip_sa_unref(n);
}

static void
test_put_rejects_invalid(void **state)
{
	struct sa_table *t = sa_table_new();
	struct mip_sa *sa;

	sa = mk("bad-range", SA_PEER_RANGE, "10.0.0.9", "10.0.0.1", NULL, SA_ENTITY_MOBILE_NODE, 1);
	assert_int_equal(sa_table_put(t, sa), -EINVAL);
	assert_int_equal(sa->refcnt, 1);
	mip_sa_unref(sa);
	sa = mk("empty-nai", SA_PEER_NAI, NULL, NULL, "", SA_ENTITY_MOBILE_NODE, 1);
	assert_int_equal(sa_table_put(t, sa), -EINVAL);
	mip_sa_unref(sa);
	sa = mk("no-kind", (enum sa_peer_kind)0, "10.0.0.1", NULL, NULL, SA_ENTITY_MOBILE_NODE, 1);
	assert_int_equal(sa_table_put(t, sa), -EINVAL);
	mip_sa_unref(sa);
	assert_int_equal(sa_table_count(t), 0);
	sa_table_free(t);
}

static void
test_lookup_preference(void **state)
{
	struct sa_table *t = sa_table_new();

	add(t, "wide", SA_PEER_RANGE, "10.0.0.0", "10.255.255.255", NULL, SA_ENTITY_MOBILE_NODE,
	    256);
	add(t, "net", SA_PEER_RANGE, "10.1.0.0", "10.1.255.255", NULL, SA_ENTITY_MOBILE_NODE, 256);
	add(t, "host", SA_PEER_HOST, "10.1.0.10", NULL, NULL, SA_ENTITY_MOBILE_NODE, 256);
	add(t, "nai", SA_PEER_NAI, NULL, NULL, "mn@example.com", SA_ENTITY_MOBILE_NODE, 256);

	/* NAI beats host, host beats any range, the narrowest range wins. */
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", "mn@example.com", 0),
	                    "nai");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", NULL, 0), "host");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", "", 0), "host");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", "other@x", 0),
	                    "host");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.11", NULL, 0), "net");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.2.0.11", NULL, 0), "wide");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "11.0.0.0", NULL, 0), "(none)");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "9.255.255.255", NULL, 0),
	                    "(none)");
	/* INADDR_ANY matches by NAI only. */
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "0.0.0.0", "mn@example.com", 0),
	                    "nai");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "0.0.0.0", NULL, 0), "(none)");
	/* NAI matching is exact. */
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "0.0.0.0", "mn@example.co", 0),
	                    "(none)");

	/* Deleting the better matches falls back to the next preference. */
	assert_int_equal(sa_table_del(t, "nai"), 0);
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", "mn@example.com", 0),
	                    "host");
	assert_int_equal(sa_table_del(t, "host"), 0);
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", NULL, 0), "net");
	assert_int_equal(sa_table_del(t, "net"), 0);
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", NULL, 0), "wide");
	sa_table_free(t);
}

static void
test_lookup_entity_and_spi(void **state)
{
	struct sa_table *t = sa_table_new();

	add(t, "mn-256", SA_PEER_HOST, "10.1.0.10", NULL, NULL, SA_ENTITY_MOBILE_NODE, 256);
	add(t, "mn-300", SA_PEER_HOST, "10.1.0.10", NULL, NULL, SA_ENTITY_MOBILE_NODE, 300);
	add(t, "fa", SA_PEER_HOST, "10.1.0.10", NULL, NULL, SA_ENTITY_FOREIGN_AGENT, 400);
	add(t, "range-500", SA_PEER_RANGE, "10.1.0.0", "10.1.0.255", NULL, SA_ENTITY_MOBILE_NODE,
	    500);
	add(t, "nai-600", SA_PEER_NAI, NULL, NULL, "mn@example.com", SA_ENTITY_MOBILE_NODE, 600);

	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", NULL, 300),
	                    "mn-300");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", NULL, 256),
	                    "mn-256");
	/* SPI 0 = any: among equal candidates the smallest name wins. */
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", NULL, 0), "mn-256");
	/* The SPI filter skips better kinds that do not carry it. */
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", NULL, 500),
	                    "range-500");
	assert_string_equal(
	        lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", "mn@example.com", 256),
	        "mn-256");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.10", NULL, 400),
	                    "(none)");
	/* The entity filter. */
	assert_string_equal(lookup_name(t, SA_ENTITY_FOREIGN_AGENT, "10.1.0.10", NULL, 0), "fa");
	assert_string_equal(lookup_name(t, SA_ENTITY_HOME_AGENT, "10.1.0.10", NULL, 0), "(none)");
	assert_string_equal(lookup_name(t, SA_ENTITY_FOREIGN_AGENT, "10.1.0.11", NULL, 0),
	                    "(none)");
	sa_table_free(t);
}

static void
test_lookup_overlapping_ranges(void **state)
{
	struct sa_table *t = sa_table_new();

	/* A long range that starts early must still be found past later, shorter ones. */
	add(t, "long", SA_PEER_RANGE, "10.0.0.0", "10.0.255.255", NULL, SA_ENTITY_MOBILE_NODE, 1);
	add(t, "a", SA_PEER_RANGE, "10.0.1.0", "10.0.1.255", NULL, SA_ENTITY_MOBILE_NODE, 1);
	add(t, "b", SA_PEER_RANGE, "10.0.2.0", "10.0.2.15", NULL, SA_ENTITY_MOBILE_NODE, 1);
	add(t, "c", SA_PEER_RANGE, "10.0.2.8", "10.0.2.9", NULL, SA_ENTITY_MOBILE_NODE, 1);
	add(t, "d", SA_PEER_RANGE, "10.0.9.0", "10.0.9.0", NULL, SA_ENTITY_MOBILE_NODE, 1);
	add(t, "twin2", SA_PEER_RANGE, "10.0.5.0", "10.0.5.3", NULL, SA_ENTITY_MOBILE_NODE, 1);
	add(t, "twin1", SA_PEER_RANGE, "10.0.5.0", "10.0.5.3", NULL, SA_ENTITY_MOBILE_NODE, 1);

	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.0.1", NULL, 0), "long");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.1.7", NULL, 0), "a");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.2.7", NULL, 0), "b");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.2.8", NULL, 0), "c");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.2.9", NULL, 0), "c");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.2.10", NULL, 0), "b");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.2.16", NULL, 0), "long");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.9.0", NULL, 0), "d");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.9.1", NULL, 0), "long");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.5.2", NULL, 0), "twin1");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.1.0.0", NULL, 0), "(none)");
	/* Removing the long range keeps the running maximum right. */
	assert_int_equal(sa_table_del(t, "long"), 0);
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.2.16", NULL, 0), "(none)");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.2.10", NULL, 0), "b");
	/* Whole address space. */
	add(t, "all", SA_PEER_RANGE, "0.0.0.0", "255.255.255.255", NULL, SA_ENTITY_MOBILE_NODE, 1);
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "255.255.255.255", NULL, 0),
	                    "all");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "10.0.2.8", NULL, 0), "c");
	sa_table_free(t);
}

struct walk {
	char names[8][SA_NAME_MAX];
	int n;
	int stop_at;
	struct sa_table *del_from;
};

static int
walk_cb(struct mip_sa *sa, void *arg)
{
	struct walk *w = arg;

	snprintf(w->names[w->n], SA_NAME_MAX, "%s", sa->name);
	w->n++;
	if (w->del_from != NULL)
		assert_int_equal(sa_table_del(w->del_from, sa->name), 0);
	return w->n == w->stop_at ? 42 : 0;
}

static void
test_foreach_name_order(void **state)
{
	struct sa_table *t = sa_table_new();
	struct walk w = { .stop_at = -1 };

	assert_int_equal(sa_table_foreach(t, walk_cb, &w), 0);
	assert_int_equal(w.n, 0);
	add(t, "delta", SA_PEER_HOST, "10.0.0.4", NULL, NULL, SA_ENTITY_MOBILE_NODE, 1);
	add(t, "alpha", SA_PEER_NAI, NULL, NULL, "a@x", SA_ENTITY_MOBILE_NODE, 1);
	add(t, "charlie", SA_PEER_RANGE, "10.0.0.0", "10.0.0.9", NULL, SA_ENTITY_MOBILE_NODE, 1);
	add(t, "bravo", SA_PEER_HOST, "10.0.0.2", NULL, NULL, SA_ENTITY_MOBILE_NODE, 1);

	assert_int_equal(sa_table_foreach(t, walk_cb, &w), 0);
	assert_int_equal(w.n, 4);
	assert_string_equal(w.names[0], "alpha");
	assert_string_equal(w.names[1], "bravo");
	assert_string_equal(w.names[2], "charlie");
	assert_string_equal(w.names[3], "delta");

	/* A non-zero return stops the walk and is passed through. */
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(sa_table_foreach(t, walk_cb, &w), 42);
	assert_int_equal(w.n, 2);

	/* The callback may delete entries, including the one it was given. */
	memset(&w, 0, sizeof(w));
	w.stop_at = -1;
	w.del_from = t;
	assert_int_equal(sa_table_foreach(t, walk_cb, &w), 0);
	assert_int_equal(w.n, 4);
	assert_int_equal(sa_table_count(t), 0);
	sa_table_free(t);
}

static void
test_many_entries(void **state)
{
	struct sa_table *t = sa_table_new();
	char name[SA_NAME_MAX], nai[64], addr[32];
	unsigned i;

	for (i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "host-%u", i);
		snprintf(addr, sizeof(addr), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
		add(t, name, SA_PEER_HOST, addr, NULL, NULL, SA_ENTITY_MOBILE_NODE, 256 + i);
		snprintf(name, sizeof(name), "nai-%u", i);
		snprintf(nai, sizeof(nai), "user%u@example.net", i);
		add(t, name, SA_PEER_NAI, NULL, NULL, nai, SA_ENTITY_MOBILE_NODE, 256 + i);
	}
	for (i = 0; i < 1000; i++) {
		char lo[32], hi[32];

		snprintf(name, sizeof(name), "range-%u", i);
		snprintf(lo, sizeof(lo), "172.16.%u.0", i & 255);
		snprintf(hi, sizeof(hi), "172.16.%u.%u", i & 255, 255 - (i >> 8));
		add(t, name, SA_PEER_RANGE, lo, hi, NULL, SA_ENTITY_MOBILE_NODE, 256);
	}
	assert_int_equal(sa_table_count(t), 41000);
	for (i = 0; i < 20000; i += 7) {
		struct mip_sa *sa;

		snprintf(addr, sizeof(addr), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
		snprintf(nai, sizeof(nai), "user%u@example.net", i);
		sa = sa_table_lookup(t, SA_ENTITY_MOBILE_NODE, ip(addr), NULL, 0);
		assert_non_null(sa);
		assert_int_equal(sa->spi, 256 + i);
		assert_int_equal(sa->peer_kind, SA_PEER_HOST);
		sa = sa_table_lookup(t, SA_ENTITY_MOBILE_NODE, ip(addr), nai, 0);
		assert_non_null(sa);
		assert_int_equal(sa->spi, 256 + i);
		assert_int_equal(sa->peer_kind, SA_PEER_NAI);
		snprintf(name, sizeof(name), "host-%u", i);
		assert_non_null(sa_table_get(t, name));
	}
	/* Ranges 172.16.N.0/.255-k nest; the narrowest covering one is range-(768+N). */
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "172.16.5.1", NULL, 0),
	                    "range-773");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "172.16.5.254", NULL, 0),
	                    "range-261");
	assert_string_equal(lookup_name(t, SA_ENTITY_MOBILE_NODE, "172.16.5.255", NULL, 0),
	                    "range-5");
	sa_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_new_precomputes_key),
		cmocka_unit_test(test_sa_new_bad_key),
		cmocka_unit_test(test_refcount_lifetime),
		cmocka_unit_test(test_del_drops_reference),
		cmocka_unit_test(test_matches_addr),
		cmocka_unit_test(test_put_rejects_invalid),
		cmocka_unit_test(test_lookup_preference),
		cmocka_unit_test(test_lookup_entity_and_spi),
		cmocka_unit_test(test_lookup_overlapping_ranges),
		cmocka_unit_test(test_foreach_name_order),
		cmocka_unit_test(test_many_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
