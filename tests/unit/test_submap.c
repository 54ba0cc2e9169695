/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_submap.c - unit tests of the subnet map: longest-prefix match, edge lengths, deletes,
 * ordered walks, and 100 000 random prefixes checked against a brute-force reference.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "submap.h"

static struct in_addr
A(const char *s) {
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void
put(struct submap *m, const char *prefix, uint8_t len, const char *ha)
{
	struct submap_entry e = {
		.prefix = A(prefix), .len = len, .ha = A(ha), .origin = SUBMAP_STATIC
	};

	assert_int_equal(submap_put(m, &e), 0);
}

/* Home agent found for @addr, as a string, or "none". */
static const char *
ha_of(const struct submap *m, const char *addr)
{
	static char buf[INET_ADDRSTRLEN];
	const struct submap_entry *e = submap_lookup(m, A(addr));

	if (e == NULL)
		return "none";
	return inet_ntop(AF_INET, &e->ha, buf, sizeof(buf));
}

static void
test_longest_prefix(void **state)
{
	struct submap *m = submap_new();

	assert_non_null(m);
	assert_string_equal(ha_of(m, "10.0.0.1"), "none");
	put(m, "10.0.0.0", 8, "1.1.1.8");
	put(m, "10.1.0.0", 16, "1.1.1.16");
	put(m, "10.1.2.0", 24, "1.1.1.24");
	put(m, "10.1.2.3", 32, "1.1.1.32");
	assert_string_equal(ha_of(m, "10.1.2.3"), "1.1.1.32");
	assert_string_equal(ha_of(m, "10.1.2.4"), "1.1.1.24");
	assert_string_equal(ha_of(m, "10.1.3.4"), "1.1.1.16");
	assert_string_equal(ha_of(m, "10.2.3.4"), "1.1.1.8");
	assert_string_equal(ha_of(m, "11.0.0.1"), "none");
	/* /0 covers everything that nothing longer does. */
	put(m, "0.0.0.0", 0, "9.9.9.9");
	assert_string_equal(ha_of(m, "11.0.0.1"), "9.9.9.9");
	assert_string_equal(ha_of(m, "255.255.255.255"), "9.9.9.9");
	assert_string_equal(ha_of(m, "10.1.2.3"), "1.1.1.32");
	assert_int_equal(submap_count(m), 5);
	submap_free(m);
}

static void
test_delete_and_replace(void **state)
{
	struct submap *m = submap_new();
	const struct submap_entry *e;

	put(m, "192.0.2.0", 24, "192.0.2.1");
	put(m, "192.0.2.128", 25, "192.0.2.129");
	/* Deleting the covering prefix leaves the longer one working, and vice versa. */
	assert_int_equal(submap_del(m, A("192.0.2.0"), 24), 0);
	assert_string_equal(ha_of(m, "192.0.2.200"), "192.0.2.129");
	assert_string_equal(ha_of(m, "192.0.2.10"), "none");
	assert_int_equal(submap_del(m, A("192.0.2.0"), 24), -ENOENT);
	put(m, "192.0.2.0", 24, "192.0.2.1");
	assert_int_equal(submap_del(m, A("192.0.2.128"), 25), 0);
	assert_string_equal(ha_of(m, "192.0.2.200"), "192.0.2.1");
	/* Replacing an entry keeps one entry with the new home agent. */
	put(m, "192.0.2.0", 24, "192.0.2.254");
	assert_int_equal(submap_count(m), 1);
	assert_string_equal(ha_of(m, "192.0.2.7"), "192.0.2.254");
	e = submap_get(m, A("192.0.2.0"), 24);
	assert_non_null(e);
	assert_int_equal(e->origin, SUBMAP_STATIC);
	assert_null(submap_get(m, A("192.0.2.0"), 25));
	submap_free(m);
}

static void
test_invalid(void **state)
{
	struct submap *m = submap_new();
	struct submap_entry e = { .prefix = A("192.0.2.1"), .len = 24, .ha = A("192.0.2.1") };

	assert_int_equal(submap_put(m, &e), -EINVAL); /* host bits set */
	e.prefix = A("192.0.2.0");
	e.len = 33;
	assert_int_equal(submap_put(m, &e), -EINVAL);
	assert_int_equal(submap_count(m), 0);
	assert_int_equal(submap_del(m, A("0.0.0.0"), 40), -ENOENT);
	submap_free(m);
}

static void
test_ordered_walk_and_origin(void **state)
{
	struct submap *m = submap_new();
	struct submap_entry e, l = { .prefix = A("10.0.0.0"),
		                     .len = 8,
		                     .ha = A("10.0.0.1"),
		                     .origin = SUBMAP_LEARNED,
		                     .version = 7 };
	const char *want[] = { "0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "192.0.2.0/24",
		               "192.0.2.128/25" };
	size_t i = 0;

	put(m, "192.0.2.128", 25, "1.1.1.1");
	put(m, "10.0.0.0", 16, "1.1.1.1");
	put(m, "0.0.0.0", 0, "1.1.1.1");
	put(m, "192.0.2.0", 24, "1.1.1.1");
	assert_int_equal(submap_put(m, &l), 0);
	for (int rc = submap_next(m, NULL, 0, &e); rc == 0;
	     rc = submap_next(m, &e.prefix, e.len, &e)) {
		char buf[32], a[INET_ADDRSTRLEN];

		snprintf(buf, sizeof(buf), "%s/%u", inet_ntop(AF_INET, &e.prefix, a, sizeof(a)),
		         e.len);
		assert_true(i < 5);
		assert_string_equal(buf, want[i++]);
	}
	assert_int_equal(i, 5);
	/* A walk resumes after a key that was deleted meanwhile. */
	assert_int_equal(submap_del(m, A("10.0.0.0"), 16), 0);
	assert_int_equal(submap_next(m, &(struct in_addr){ A("10.0.0.0").s_addr }, 16, &e), 0);
	assert_int_equal(e.prefix.s_addr, A("192.0.2.0").s_addr);
	assert_int_equal(submap_clear_origin(m, SUBMAP_STATIC), 3);
	assert_int_equal(submap_count(m), 1);
	assert_string_equal(ha_of(m, "10.9.9.9"), "10.0.0.1");
	assert_string_equal(ha_of(m, "11.9.9.9"), "none");
	submap_free(m);
}

/* --- 100 000 random prefixes against a brute-force reference --- */

#define N_RANDOM 100000
#define N_PROBES 3000

struct ref {
	uint32_t prefix; /* host order */
	uint8_t len;
	uint32_t ha;
	bool live;
};

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static uint32_t
mask_host(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

/* The longest live reference prefix containing @addr (host order): its HA, or 0. */
static uint32_t
ref_lookup(const struct ref *r, size_t n, uint32_t addr)
{
	int best = -1;
	uint32_t ha = 0;

	for (size_t i = 0; i < n; i++)
		if (r[i].live && (addr & mask_host(r[i].len)) == r[i].prefix && r[i].len > best) {
			best = r[i].len;
			ha = r[i].ha;
		}
	return ha;
}

static void
check_probes(const struct submap *m, const struct ref *r, size_t n)
{
	for (size_t i = 0; i < N_PROBES; i++) {
		/* Half the probes inside known prefixes, half anywhere. */
		const struct ref *k = &r[rnd() % n];
		uint32_t addr = i % 2 ? rnd() : k->prefix | (rnd() & ~mask_host(k->len));
		const struct submap_entry *e = submap_lookup(m, (struct in_addr){ htonl(addr) });
		uint32_t want = ref_lookup(r, n, addr);

		if (want == 0)
			assert_null(e);
		else {
			assert_non_null(e);
			assert_int_equal(ntohl(e->ha.s_addr), want);
		}
	}
}

static void
test_random_100k(void **state)
{
	struct ref *r = calloc(N_RANDOM, sizeof(*r));
	struct submap *m = submap_new();
	size_t live = 0;

	assert_non_null(r);
	for (size_t i = 0; i < N_RANDOM; i++) {
		/* Lengths 8..32 weighted toward /16../28, the realistic subnet sizes. */
		uint8_t len = (uint8_t)(8 + rnd() % 25);
		struct submap_entry e;

		r[i].len = len;
		r[i].prefix = rnd() & mask_host(len);
		r[i].ha = (uint32_t)i + 1;
		r[i].live = true;
		e = (struct submap_entry){ .prefix = { htonl(r[i].prefix) },
			                   .len = len,
			                   .ha = { htonl(r[i].ha) },
			                   .origin = SUBMAP_LEARNED };
		assert_int_equal(submap_put(m, &e), 0);
	}
	for (size_t i = 0; i < N_RANDOM; i++) { /* duplicates: the later one replaced it */
		const struct submap_entry *e =
		        submap_get(m, (struct in_addr){ htonl(r[i].prefix) }, r[i].len);

		assert_non_null(e);
		if (ntohl(e->ha.s_addr) != r[i].ha)
			r[i].live = false;
		live += r[i].live;
	}
	assert_int_equal(submap_count(m), live);
	check_probes(m, r, N_RANDOM);
	/* Delete every third prefix (covering ones included) and check again. */
	for (size_t i = 0; i < N_RANDOM; i += 3) {
		if (!r[i].live)
			continue;
		assert_int_equal(submap_del(m, (struct in_addr){ htonl(r[i].prefix) }, r[i].len),
		                 0);
		r[i].live = false;
	}
	check_probes(m, r, N_RANDOM);
	submap_free(m);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_longest_prefix),
		cmocka_unit_test(test_delete_and_replace),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_ordered_walk_and_origin),
		cmocka_unit_test(test_random_100k),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
