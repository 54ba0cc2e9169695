/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_aap.c - the AAP protocol at scale: a map of N subnets reaches M access points, and
 * a second AAP reconciles with the first (issue #5, "Scale"). Not a test.
 *
 * Everything runs in one process on one event loop: two AAPs (core/aap.c) and M AP clients
 * (core/aap_client.c), all with the role_env send hook. The hook queues each datagram;
 * the main loop delivers the queue in order (no loss, no delay), so the figures are the
 * protocol's own cost: CPU time and bytes, not network latency.
 *
 *   phase 1  AAP 1 holds N entries (written straight into its table); M clients start
 *            with AAP 1 first; measured until every client has installed all N.
 *   phase 2  AAP 2 (empty, peer of AAP 1) and AAP 1 run one reconciliation round (digest,
 *            request of the differing buckets, entries both ways); measured until AAP 2
 *            holds all N.
 *
 * Usage: bench_aap [subnets] [access-points]   (default 10000 and 50).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aap.h"
#include "aap_client.h"
#include "aap_int.h"
#include "ev.h"
#include "log.h"

#define BENCH_AP_MAX 1024

struct dgram {
	struct in_addr from, to;
	uint16_t sport, dport;
	size_t len;
	uint8_t buf[AAP_DGRAM_MAX];
	struct dgram *next;
};

static struct dgram *q_head, *q_tail;
static uint64_t bytes, dgrams;
static struct aap *aaps[2];
static struct in_addr aap_addr[2];
static struct aap_client *clients[BENCH_AP_MAX];
static struct in_addr ap_addr[BENCH_AP_MAX];
static size_t n_ap;

static int
bench_send(void *arg, struct in_addr from, const struct sockaddr_in *to, const uint8_t *buf,
           size_t len)
{
	struct dgram *d = malloc(sizeof(*d));

	if (d == NULL || len > sizeof(d->buf))
		return -1;
	d->from = from;
	d->to = to->sin_addr;
	d->sport = (uint16_t)(uintptr_t)arg;
	d->dport = ntohs(to->sin_port);
	d->len = len;
	memcpy(d->buf, buf, len);
	d->next = NULL;
	if (q_tail != NULL)
		q_tail->next = d;
	else
		q_head = d;
	q_tail = d;
	return 0;
}

/* Deliver everything queued (and what delivery queues in turn). */
static void
bench_drain(void)
{
	while (q_head != NULL) {
		struct dgram *d = q_head;
		struct role_rx rx = { .src = { .sin_family = AF_INET,
			                       .sin_port = htons(d->sport),
			                       .sin_addr = d->from },
			              .dst = d->to };

		q_head = d->next;
		if (q_head == NULL)
			q_tail = NULL;
		bytes += d->len + 28; /* IPv4 + UDP headers */
		dgrams++;
		for (int i = 0; i < 2; i++)
			if (aaps[i] != NULL && d->to.s_addr == aap_addr[i].s_addr)
				aap_input(aaps[i], d->buf, d->len, &rx);
		for (size_t i = 0; i < n_ap; i++)
			if (d->to.s_addr == ap_addr[i].s_addr)
				aap_client_input(clients[i], d->buf, d->len, &rx);
		free(d);
	}
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct aap *
bench_aap(struct ev_loop *loop, int i, int peer)
{
	struct role_env env = { .loop = loop, .send = bench_send, .send_arg = (void *)6500 };
	struct aap_config cfg = { .address = aap_addr[i],
		                  .port = 6500,
		                  .group_key_len = 32,
		                  .max_entries = 1000000,
		                  .compare_interval_s = 3600,
		                  .probe_retries = 3,
		                  .probe_timeout_s = 2 };
	char err[256];
	struct aap *a;

	memset(cfg.group_key, 0x5a, 32);
	if (peer >= 0) {
		cfg.peers[0] = aap_addr[peer];
		cfg.n_peers = 1;
	}
	if ((a = aap_start(&env, &cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "aap_start: %s\n", err);
		exit(1);
	}
	return a;
}

static bool
all_installed(size_t n)
{
	for (size_t i = 0; i < n_ap; i++)
		if (aap_table_live(aap_client_table(clients[i])) < n)
			return false;
	return true;
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	struct ev_loop *loop = ev_loop_new();
	uint64_t now_us = aap_wall_us();
	double t0, t1;
	size_t live;

	n_ap = argc > 2 ? strtoul(argv[2], NULL, 10) : 50;
	if (loop == NULL || n == 0 || n > 65536 * 4 || n_ap == 0 || n_ap > BENCH_AP_MAX) {
		fprintf(stderr, "usage: bench_aap [subnets <= 262144] [access-points <= %d]\n",
		        BENCH_AP_MAX);
		return 2;
	}
	log_init("bench_aap", LOG_DEST_STDERR, LOG_WARNING);
	inet_pton(AF_INET, "198.51.100.1", &aap_addr[0]);
	inet_pton(AF_INET, "198.51.100.2", &aap_addr[1]);
	aaps[0] = bench_aap(loop, 0, -1);
	for (size_t i = 0; i < n; i++) { /* 10.x.y.0/24 (and on), home agent .1 */
		struct aap_entry e = { .len = 24, .aap = aap_addr[0] };

		e.prefix.s_addr = htonl(0x0a000000u + ((uint32_t)i << 8));
		e.ha.s_addr = htonl(ntohl(e.prefix.s_addr) + 1);
		e.origin = e.ha;
		aap_table_write(aaps[0]->table, &e, now_us);
	}

	/* Phase 1: the map reaches every AP. */
	t0 = now_s();
	for (size_t i = 0; i < n_ap; i++) {
		struct aap_client_config cc = { .aap = { aap_addr[0], aap_addr[1] },
			                        .n_aap = 2,
			                        .port = 6500,
			                        .key_len = 32,
			                        .hello_ms = 60000,
			                        .max_entries = 1000000 };
		struct role_env env = { .loop = loop,
			                .send = bench_send,
			                .send_arg = (void *)(uintptr_t)(40000 + i) };
		char err[256];

		memset(cc.key, 0x5a, 32);
		ap_addr[i].s_addr = htonl(0xc0000200u + (uint32_t)i + 1); /* 192.0.2.x */
		cc.self = ap_addr[i];
		if ((clients[i] = aap_client_start(&env, &cc, NULL, err, sizeof(err))) == NULL) {
			fprintf(stderr, "aap_client_start: %s\n", err);
			return 1;
		}
	}
	for (int spin = 0; spin < 100000 && !all_installed(n); spin++) {
		ev_loop_run_once(loop); /* the first HELLOs, deferred pushes */
		bench_drain();
	}
	t1 = now_s();
	if (!all_installed(n)) {
		fprintf(stderr, "phase 1 did not complete\n");
		return 1;
	}
	printf("map of %zu subnets to %zu APs: %.3f s, %llu datagrams, %llu bytes (%.1f bytes "
	       "per entry per AP)\n",
	       n, n_ap, t1 - t0, (unsigned long long)dgrams, (unsigned long long)bytes,
	       (double)bytes / (double)n / (double)n_ap);

	/* Phase 2: an empty second AAP reconciles with the first. */
	aap_stop(aaps[0]);
	aaps[0] = NULL;
	bytes = dgrams = 0;
	{
		struct aap *full = bench_aap(loop, 0, 1);

		for (size_t i = 0; i < n; i++) {
			struct aap_entry e = { .len = 24, .aap = aap_addr[0] };

			e.prefix.s_addr = htonl(0x0a000000u + ((uint32_t)i << 8));
			e.ha.s_addr = htonl(ntohl(e.prefix.s_addr) + 1);
			e.origin = e.ha;
			aap_table_write(full->table, &e, now_us);
		}
		aaps[0] = full;
	}
	aaps[1] = bench_aap(loop, 1, 0);
	t0 = now_s();
	for (int round = 0; round < 10 && aap_entry_count(aaps[1], &live) < n; round++) {
		aap_sync_timer(aaps[0]);
		for (int spin = 0; spin < 1000 && q_head != NULL; spin++) {
			bench_drain();
			ev_loop_run_once(loop);
		}
	}
	t1 = now_s();
	aap_entry_count(aaps[1], &live);
	printf("reconciliation of %zu subnets with an empty peer: %.3f s, %llu datagrams, %llu "
	       "bytes; the peer holds %zu\n",
	       n, t1 - t0, (unsigned long long)dgrams, (unsigned long long)bytes, live);
	bytes = dgrams = 0;
	aap_sync_timer(aaps[0]);
	bench_drain();
	printf("a round between equal tables: %llu datagrams, %llu bytes\n",
	       (unsigned long long)dgrams, (unsigned long long)bytes);

	for (size_t i = 0; i < n_ap; i++)
		aap_client_stop(clients[i]);
	n_ap = 0;
	bench_drain();
	aap_stop(aaps[0]);
	aap_stop(aaps[1]);
	ev_loop_free(loop);
	return live == n ? 0 : 1;
}
