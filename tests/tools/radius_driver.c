/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * radius_driver.c - drives the keystore-radius plugin against real or fake RADIUS servers.
 *
 * Usage: radius-driver MODULE.yang CONFIG.json OP...
 *
 * The plugin sources are linked in. CONFIG.json is parsed and validated with
 * libyang against MODULE.yang (yang/pmip.yang; the subtree /pmip:pmip/key-store/radius is used)
 * and the resulting "radius" tree goes to the plugin's configure(), exactly
 * as the core would pass its subtree. Operations, run in order:
 *   nai:NAI[:SPI]       look up by NAI (SPI in hexadecimal, default any)
 *   addr:A.B.C.D[:SPI]  look up by home address
 *   par:N:LOOKUP        start N lookups (1..64) of LOOKUP (nai:... or addr:...)
 *                       at once, then run the loop until all are answered
 *   cancel:N:K:LOOKUP   start N lookups at once, cancel the first K at once,
 *                       then wait for the others; cancelled ones print
 *                       "result=cancelled" (a completion for one aborts)
 *   cancel-next:N:LOOKUP start N lookups at once; the completion of each
 *                       cancels the next one if it is still waiting
 *   clear               clear the cache
 *   sleep:MS            run the loop for MS milliseconds (below 60000)
 *   wait-alive:I:MS     run the loop until server I is alive, at most MS ms;
 *                       prints "alive server=I ok=1|0 ms=T"
 *   report              print counters, status and liveness now
 *   stdin               read further operations from stdin, one a line, and
 *                       print "ready" after each (for tests that act between
 *                       operations)
 * One line per lookup on stdout:
 *   lookup user=U result=R [spi=0x.. alg=A replay=P tolerance=N peer=K source=S auth=HEX]
 * where auth is the SA's authenticator over the bytes "pmip-radius-driver-probe",
 * so a test can check the key without it ever being printed. At the end
 * (and on "report"): the client counters, the key-store status and the
 * liveness of each server. Each wait is bounded by 60 s. Exit status 0, or 2
 * on usage or setup errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <arpa/inet.h>

#include <libyang/libyang.h>

#include "ev.h"
#include "keystore_radius.h"
#include "log.h"

#define PROBE       "pmip-radius-driver-probe"
#define DEADLINE_MS 60000

#define PAR_MAX 64

struct drv {
	struct ev_loop *loop;
	const struct ks_ops *ops;
	void *inst;
	struct ev_timer *deadline;
	size_t outstanding;
};

/* One lookup. */
struct lk {
	struct drv *d;
	bool done, failed, cancelled;
	struct lk *cancel_next; /* cancelled by this lookup's completion */
	uint64_t id;
	enum ks_result res;
	char name[SA_NAI_MAX + 1];
	char line[512];
};

static void
drv_done(enum ks_result res, struct mip_sa *sa, void *arg)
{
	struct lk *l = arg;
	uint8_t auth[MIP_AUTH_LEN];
	char hex[2 * MIP_AUTH_LEN + 1];
	size_t n;

	if (l->cancelled) {
		fprintf(stderr, "completion of a cancelled lookup\n");
		abort();
	}
	l->done = true;
	l->res = res;
	if (l->cancel_next != NULL && !l->cancel_next->done) {
		l->d->ops->cancel(l->d->inst, l->cancel_next->id);
		l->cancel_next->cancelled = true;
		l->d->outstanding--;
	}
	l->line[0] = '\0';
	if (sa != NULL &&
	    mip_auth_compute(sa->key, (const uint8_t *)PROBE, strlen(PROBE), auth) == 0) {
		for (n = 0; n < MIP_AUTH_LEN; n++)
			snprintf(hex + 2 * n, 3, "%02x", auth[n]);
		snprintf(l->line, sizeof(l->line),
		         " spi=0x%x alg=%s replay=%s tolerance=%u peer=%s source=%s auth=%s",
		         sa->spi, mip_auth_alg_name(sa->alg),
		         sa->replay == SA_REPLAY_TIMESTAMP ? "timestamp" : "other", sa->tolerance_s,
		         sa->peer_kind == SA_PEER_NAI ? "nai" : "host", sa->source, hex);
	}
	if (--l->d->outstanding == 0)
		ev_loop_break(l->d->loop);
}

static void
drv_deadline(void *arg)
{
	ev_loop_break(arg);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (f == NULL)
		return NULL;
	buf = calloc(1, 1 << 20);
	if (buf != NULL)
		len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	if (buf != NULL)
		buf[len] = '\0';
	return buf;
}

/* Parse "nai:NAME[:SPI]" or "addr:A.B.C.D[:SPI]" into @q and @name; -1 on error. */
static int
parse_query(const char *op, struct ks_query *q, char *name, size_t namelen)
{
	char *colon;

	memset(q, 0, sizeof(*q));
	q->entity = SA_ENTITY_MOBILE_NODE;
	if (strchr(op, ':') == NULL)
		return -1;
	snprintf(name, namelen, "%s", strchr(op, ':') + 1);
	colon = strrchr(name, ':');
	if (colon != NULL) {
		*colon = '\0';
		q->spi = (uint32_t)strtoul(colon + 1, NULL, 16);
	}
	if (strncmp(op, "nai:", 4) == 0) {
		snprintf(q->nai, sizeof(q->nai), "%s", name);
		return 0;
	}
	if (strncmp(op, "addr:", 5) == 0 && inet_pton(AF_INET, name, &q->addr) == 1)
		return 0;
	fprintf(stderr, "bad lookup %s\n", op);
	return -1;
}

/*
 * Start @n lookups of @op at once, cancel the first @ncancel, wait for the
 * others; with @chain, each completion cancels the next lookup.
 */
static int
run_lookups(struct drv *d, const char *op, unsigned n, unsigned ncancel, bool chain)
{
	struct lk *l = calloc(n, sizeof(*l));
	struct ks_query q;
	int rc = 0;

	if (l == NULL)
		return -1;
	d->outstanding = 0;
	for (unsigned i = 0; i < n && rc == 0; i++) {
		if (parse_query(op, &q, l[i].name, sizeof(l[i].name)) != 0) {
			rc = -1;
			break;
		}
		l[i].d = d;
		if (chain && i + 1 < n)
			l[i].cancel_next = &l[i + 1];
		d->outstanding++;
		if (d->ops->lookup(d->inst, &q, drv_done, &l[i], &l[i].id) != 0) {
			d->outstanding--;
			l[i].done = l[i].failed = true;
		} else if (l[i].done) {
			printf("lookup user=%s result=synchronous-completion\n", l[i].name);
			rc = -1;
		}
	}
	for (unsigned i = 0; i < ncancel && i < n && rc == 0; i++) {
		if (l[i].done || l[i].failed)
			continue;
		d->ops->cancel(d->inst, l[i].id);
		l[i].cancelled = true;
		d->outstanding--;
	}
	if (d->outstanding > 0) {
		ev_timer_arm(d->deadline, DEADLINE_MS);
		ev_loop_run(d->loop);
		ev_timer_del(d->deadline);
	}
	for (unsigned i = 0; i < n && l[i].d != NULL; i++) {
		if (l[i].cancelled) {
			printf("lookup user=%s result=cancelled\n", l[i].name);
		} else if (l[i].failed) {
			printf("lookup user=%s result=start-failed\n", l[i].name);
		} else if (!l[i].done) {
			printf("lookup user=%s result=hang\n", l[i].name);
			d->ops->cancel(d->inst, l[i].id);
			rc = -1;
		} else {
			printf("lookup user=%s result=%s%s\n", l[i].name, ks_result_name(l[i].res),
			       l[i].line);
		}
	}
	fflush(stdout);
	free(l);
	return rc;
}

struct alive_wait {
	struct drv *d;
	struct ev_timer *poll;
	size_t server;
	uint64_t until_ms;
	bool alive;
};

static void
alive_poll(void *arg)
{
	struct alive_wait *w = arg;

	w->alive = !ks_radius_server_dead(w->d->inst, w->server);
	if (w->alive || ev_now_ms() >= w->until_ms)
		ev_loop_break(w->d->loop);
	else
		ev_timer_arm(w->poll, 20);
}

/* Run the loop until server @server is alive, at most @ms ms. */
static int
wait_alive(struct drv *d, size_t server, unsigned ms)
{
	struct alive_wait w = { .d = d, .server = server, .until_ms = ev_now_ms() + ms };
	uint64_t t0 = ev_now_ms();

	w.poll = ev_timer_new(d->loop, alive_poll, &w);
	if (w.poll == NULL)
		return -1;
	ev_timer_arm(w.poll, 0);
	ev_loop_run(d->loop);
	ev_timer_free(w.poll);
	printf("alive server=%zu ok=%d ms=%llu\n", server, w.alive,
	       (unsigned long long)(ev_now_ms() - t0));
	fflush(stdout);
	return 0;
}

static void
report(struct drv *d)
{
	struct radius_counters c;
	struct ks_status st;

	ks_radius_counters(d->inst, &c);
	printf("counters requests=%llu retransmissions=%llu timeouts=%llu access-accepts=%llu "
	       "access-rejects=%llu access-challenges=%llu bad-authenticators=%llu "
	       "malformed=%llu unknown-types=%llu packets-dropped=%llu failovers=%llu "
	       "pending=%llu probes=%llu probe-answers=%llu\n",
	       (unsigned long long)c.requests, (unsigned long long)c.retransmissions,
	       (unsigned long long)c.timeouts, (unsigned long long)c.access_accepts,
	       (unsigned long long)c.access_rejects, (unsigned long long)c.access_challenges,
	       (unsigned long long)c.bad_authenticators, (unsigned long long)c.malformed,
	       (unsigned long long)c.unknown_types, (unsigned long long)c.packets_dropped,
	       (unsigned long long)c.failovers, (unsigned long long)c.pending,
	       (unsigned long long)c.probes, (unsigned long long)c.probe_answers);
	memset(&st, 0, sizeof(st));
	d->ops->get_status(d->inst, &st);
	printf("status lookups=%llu found=%llu not-found=%llu rejected=%llu errors=%llu "
	       "cache-entries=%llu cache-hits=%llu cache-evictions=%llu coalesced=%llu "
	       "requests=%llu retransmissions=%llu timeouts=%llu failovers=%llu "
	       "bad-authenticators=%llu dropped-responses=%llu probes=%llu probe-answers=%llu "
	       "servers=%llu servers-dead=%llu servers-dead-mask=%llu\n",
	       (unsigned long long)st.lookups, (unsigned long long)st.found,
	       (unsigned long long)st.not_found, (unsigned long long)st.rejected,
	       (unsigned long long)st.errors, (unsigned long long)st.cache_entries,
	       (unsigned long long)st.cache_hits, (unsigned long long)st.cache_evictions,
	       (unsigned long long)st.coalesced, (unsigned long long)st.requests,
	       (unsigned long long)st.retransmissions, (unsigned long long)st.timeouts,
	       (unsigned long long)st.failovers, (unsigned long long)st.bad_authenticators,
	       (unsigned long long)st.dropped_responses, (unsigned long long)st.probes,
	       (unsigned long long)st.probe_answers, (unsigned long long)st.servers,
	       (unsigned long long)st.servers_dead, (unsigned long long)st.servers_dead_mask);
	printf("dead");
	for (size_t i = 0; i < RADIUS_SERVERS_MAX; i++)
		printf(" %d", ks_radius_server_dead(d->inst, i));
	printf("\n");
	fflush(stdout);
}

static int run_op(struct drv *d, const char *op);

/* Operations from stdin, one a line, until end of file. */
static int
run_stdin(struct drv *d)
{
	char line[512];
	int rc = 0;

	for (unsigned i = 0; i < 10000 && rc == 0 && fgets(line, sizeof(line), stdin) != NULL;
	     i++) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0')
			rc = run_op(d, line);
		printf("ready\n");
		fflush(stdout);
	}
	return rc;
}

static int
run_op(struct drv *d, const char *op)
{
	if (strcmp(op, "clear") == 0) {
		d->ops->clear_cache(d->inst);
	} else if (strcmp(op, "report") == 0) {
		report(d);
	} else if (strcmp(op, "stdin") == 0) {
		return run_stdin(d);
	} else if (strncmp(op, "sleep:", 6) == 0) {
		ev_timer_arm(d->deadline, strtoul(op + 6, NULL, 10) % DEADLINE_MS);
		ev_loop_run(d->loop);
	} else if (strncmp(op, "wait-alive:", 11) == 0) {
		char *end;
		unsigned long i = strtoul(op + 11, &end, 10);

		if (*end != ':' || i >= RADIUS_SERVERS_MAX)
			return -1;
		return wait_alive(d, i, (unsigned)(strtoul(end + 1, NULL, 10) % DEADLINE_MS));
	} else if (strncmp(op, "par:", 4) == 0) {
		char *end;
		unsigned long n = strtoul(op + 4, &end, 10);

		if (*end != ':' || n == 0 || n > PAR_MAX)
			return -1;
		return run_lookups(d, end + 1, (unsigned)n, 0, false);
	} else if (strncmp(op, "cancel:", 7) == 0) {
		char *end, *end2;
		unsigned long n = strtoul(op + 7, &end, 10), k;

		if (*end != ':' || n == 0 || n > PAR_MAX)
			return -1;
		k = strtoul(end + 1, &end2, 10);
		if (*end2 != ':' || k > n)
			return -1;
		return run_lookups(d, end2 + 1, (unsigned)n, (unsigned)k, false);
	} else if (strncmp(op, "cancel-next:", 12) == 0) {
		char *end;
		unsigned long n = strtoul(op + 12, &end, 10);

		if (*end != ':' || n == 0 || n > PAR_MAX)
			return -1;
		return run_lookups(d, end + 1, (unsigned)n, 0, true);
	} else if (strncmp(op, "nai:", 4) == 0 || strncmp(op, "addr:", 5) == 0) {
		return run_lookups(d, op, 1, 0, false);
	} else {
		fprintf(stderr, "unknown operation %s\n", op);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct ly_ctx *ctx = NULL;
	struct lyd_node *tree = NULL, *radius = NULL;
	struct ks_env env = { 0 };
	struct drv d = { .ops = &ks_radius_ops };
	char errmsg[256], *json;
	int rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s MODULE.yang CONFIG.json OP...\n", argv[0]);
		return 2;
	}
	log_init("radius-driver", LOG_DEST_STDERR, LOG_DEBUG);
	log_debug_set(LOG_SS_RADIUS, true);
	json = slurp(argv[2]);
	if (json == NULL || ly_ctx_new(NULL, 0, &ctx) != LY_SUCCESS ||
	    lys_parse_path(ctx, argv[1], LYS_IN_YANG, NULL) != LY_SUCCESS ||
	    lyd_parse_data_mem(ctx, json, LYD_JSON, LYD_PARSE_STRICT, LYD_VALIDATE_PRESENT,
	                       &tree) != LY_SUCCESS) {
		fprintf(stderr, "cannot load %s with %s\n", argv[2], argv[1]);
		return 2;
	}
	free(json);
	d.loop = env.loop = ev_loop_new();
	d.deadline = ev_timer_new(d.loop, drv_deadline, d.loop);
	d.inst = ks_radius_ops.create(&env, errmsg, sizeof(errmsg));
	if (d.inst == NULL || d.deadline == NULL ||
	    lyd_find_path(tree, "key-store/radius", 0, &radius) != LY_SUCCESS ||
	    ks_radius_ops.configure(d.inst, radius, errmsg, sizeof(errmsg)) != 0) {
		printf("configure failed: %s\n", errmsg);
		return 2;
	}
	for (int i = 3; i < argc && rc == 0; i++)
		rc = run_op(&d, argv[i]);
	report(&d);
	ks_radius_ops.destroy(d.inst);
	ev_timer_free(d.deadline);
	ev_loop_run_once(d.loop);
	ev_loop_free(d.loop);
	lyd_free_all(tree);
	ly_ctx_destroy(ctx);
	return rc == 0 ? 0 : 2;
}
