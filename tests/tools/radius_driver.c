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
 *   nai:NAI[:SPI]     look up by NAI (SPI in hexadecimal, default any)
 *   addr:A.B.C.D[:SPI] look up by home address
 *   clear             clear the cache
 *   sleep:MS          run the loop for MS milliseconds (below 60000)
 * One line per lookup on stdout:
 *   lookup user=U result=R [spi=0x.. alg=A replay=P tolerance=N peer=K source=S auth=HEX]
 * where auth is the SA's authenticator over the bytes "pmip-radius-driver-probe",
 * so a test can check the key without it ever being printed. Then the
 * client counters, the key-store status and the liveness of each server.
 * Each lookup is bounded by 60 s. Exit status 0, or 2 on usage or setup errors.
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

struct drv {
	struct ev_loop *loop;
	bool done;
	enum ks_result res;
	char line[512];
};

static void
drv_done(enum ks_result res, struct mip_sa *sa, void *arg)
{
	struct drv *d = arg;
	uint8_t auth[MIP_AUTH_LEN];
	char hex[2 * MIP_AUTH_LEN + 1];
	size_t n;

	d->done = true;
	d->res = res;
	d->line[0] = '\0';
	if (sa != NULL &&
	    mip_auth_compute(sa->key, (const uint8_t *)PROBE, strlen(PROBE), auth) == 0) {
		for (n = 0; n < MIP_AUTH_LEN; n++)
			snprintf(hex + 2 * n, 3, "%02x", auth[n]);
		snprintf(d->line, sizeof(d->line),
		         " spi=0x%x alg=%s replay=%s tolerance=%u peer=%s source=%s auth=%s",
		         sa->spi, mip_auth_alg_name(sa->alg),
		         sa->replay == SA_REPLAY_TIMESTAMP ? "timestamp" : "other", sa->tolerance_s,
		         sa->peer_kind == SA_PEER_NAI ? "nai" : "host", sa->source, hex);
	}
	ev_loop_break(d->loop);
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

static int
run_lookup(struct drv *d, const struct ks_ops *ops, void *inst, const char *op,
           struct ev_timer *deadline)
{
	struct ks_query q = { .entity = SA_ENTITY_MOBILE_NODE };
	char name[SA_NAI_MAX + 1], *colon;
	uint64_t id;
	int rc;

	snprintf(name, sizeof(name), "%s", strchr(op, ':') + 1);
	colon = strrchr(name, ':');
	if (colon != NULL) {
		*colon = '\0';
		q.spi = (uint32_t)strtoul(colon + 1, NULL, 16);
	}
	if (strncmp(op, "nai:", 4) == 0) {
		snprintf(q.nai, sizeof(q.nai), "%s", name);
	} else if (inet_pton(AF_INET, name, &q.addr) != 1) {
		fprintf(stderr, "bad address %s\n", name);
		return -1;
	}
	d->done = false;
	rc = ops->lookup(inst, &q, drv_done, d, &id);
	if (rc != 0) {
		printf("lookup user=%s result=start-failed errno=%d\n", name, -rc);
		return 0;
	}
	if (d->done) {
		printf("lookup user=%s result=synchronous-completion\n", name);
		return -1;
	}
	ev_timer_arm(deadline, DEADLINE_MS);
	ev_loop_run(d->loop);
	ev_timer_del(deadline);
	if (!d->done) {
		printf("lookup user=%s result=hang\n", name);
		ops->cancel(inst, id);
		return -1;
	}
	printf("lookup user=%s result=%s%s\n", name, ks_result_name(d->res), d->line);
	fflush(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	struct ly_ctx *ctx = NULL;
	struct lyd_node *tree = NULL, *radius = NULL;
	struct radius_counters c;
	struct ks_status st;
	struct ks_env env = { 0 };
	struct drv d = { 0 };
	struct ev_timer *deadline;
	char errmsg[256], *json;
	void *inst;
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
	deadline = ev_timer_new(d.loop, drv_deadline, d.loop);
	inst = ks_radius_ops.create(&env, errmsg, sizeof(errmsg));
	if (inst == NULL || deadline == NULL ||
	    lyd_find_path(tree, "key-store/radius", 0, &radius) != LY_SUCCESS ||
	    ks_radius_ops.configure(inst, radius, errmsg, sizeof(errmsg)) != 0) {
		printf("configure failed: %s\n", errmsg);
		return 2;
	}
	for (int i = 3; i < argc && rc == 0; i++) {
		if (strcmp(argv[i], "clear") == 0) {
			ks_radius_ops.clear_cache(inst);
		} else if (strncmp(argv[i], "sleep:", 6) == 0) {
			ev_timer_arm(deadline, strtoul(argv[i] + 6, NULL, 10) % DEADLINE_MS);
			ev_loop_run(d.loop);
		} else if (strncmp(argv[i], "nai:", 4) == 0 || strncmp(argv[i], "addr:", 5) == 0) {
			rc = run_lookup(&d, &ks_radius_ops, inst, argv[i], deadline);
		} else {
			fprintf(stderr, "unknown operation %s\n", argv[i]);
			rc = -1;
		}
	}
	ks_radius_counters(inst, &c);
	printf("counters requests=%llu retransmissions=%llu timeouts=%llu access-accepts=%llu "
	       "access-rejects=%llu access-challenges=%llu bad-authenticators=%llu "
	       "malformed=%llu unknown-types=%llu packets-dropped=%llu failovers=%llu "
	       "pending=%llu\n",
	       (unsigned long long)c.requests, (unsigned long long)c.retransmissions,
	       (unsigned long long)c.timeouts, (unsigned long long)c.access_accepts,
	       (unsigned long long)c.access_rejects, (unsigned long long)c.access_challenges,
	       (unsigned long long)c.bad_authenticators, (unsigned long long)c.malformed,
	       (unsigned long long)c.unknown_types, (unsigned long long)c.packets_dropped,
	       (unsigned long long)c.failovers, (unsigned long long)c.pending);
	ks_radius_ops.get_status(inst, &st);
	printf("status lookups=%llu found=%llu not-found=%llu rejected=%llu errors=%llu "
	       "cache-entries=%llu\n",
	       (unsigned long long)st.lookups, (unsigned long long)st.found,
	       (unsigned long long)st.not_found, (unsigned long long)st.rejected,
	       (unsigned long long)st.errors, (unsigned long long)st.cache_entries);
	printf("dead");
	for (size_t i = 0; i < RADIUS_SERVERS_MAX; i++)
		printf(" %d", ks_radius_server_dead(inst, i));
	printf("\n");
	ks_radius_ops.destroy(inst);
	ev_timer_free(deadline);
	ev_loop_run_once(d.loop);
	ev_loop_free(d.loop);
	lyd_free_all(tree);
	ly_ctx_destroy(ctx);
	return rc == 0 ? 0 : 2;
}
