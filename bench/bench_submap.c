/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_submap.c - subnet-map longest-prefix-match lookups per second at 100 000 prefixes.
 *
 * Fills a map with N random prefixes (lengths 8..32) and measures lookups of random
 * addresses and of addresses inside known prefixes, plus the insert rate. With every
 * length present a lookup probes at most 25 hash slots.
 *
 * Usage: bench_submap [prefixes] [seconds-per-row]   (default 100000 and 1). Not a test.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "submap.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Lookups per second for about @secs seconds; @inside picks addresses in known prefixes. */
static double
run(const struct submap *m, const uint32_t *prefixes, size_t n, double secs, int inside,
    size_t *hits)
{
	unsigned long ops = 0;
	double start = now_s(), elapsed;

	*hits = 0;
	do {
		for (int i = 0; i < 4096; i++) {
			uint32_t a = inside ? prefixes[rnd() % n] | (rnd() & 0xff) : rnd();

			*hits += submap_lookup(m, (struct in_addr){ htonl(a) }) != NULL;
		}
		ops += 4096;
		elapsed = now_s() - start;
	} while (elapsed < secs);
	return (double)ops / elapsed;
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000, hits;
	double secs = argc > 2 ? atof(argv[2]) : 1.0, t;
	uint32_t *prefixes = calloc(n ? n : 1, sizeof(*prefixes));
	struct submap *m = submap_new();

	if (prefixes == NULL || m == NULL || n == 0)
		return 1;
	t = now_s();
	for (size_t i = 0; i < n; i++) {
		uint8_t len = (uint8_t)(8 + rnd() % 25);
		struct submap_entry e = { .len = len, .origin = SUBMAP_LEARNED };

		prefixes[i] = rnd() & (~0u << (32 - len));
		e.prefix.s_addr = htonl(prefixes[i]);
		e.ha.s_addr = htonl((uint32_t)i + 1);
		if (submap_put(m, &e) != 0)
			return 1;
	}
	t = now_s() - t;
	printf("prefixes: %zu (%zu distinct), inserts/s: %.0f\n", n, submap_count(m),
	       (double)n / t);
	printf("random addresses:  %12.0f lookups/s", run(m, prefixes, n, secs, 0, &hits));
	printf("  (%zu matched)\n", hits);
	printf("inside prefixes:   %12.0f lookups/s", run(m, prefixes, n, secs, 1, &hits));
	printf("  (%zu matched)\n", hits);
	submap_free(m);
	free(prefixes);
	return 0;
}
