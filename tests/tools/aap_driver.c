/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aap_driver.c - an access point without the proxy role: the AAP client driven from stdin.
 *
 * Usage: aap-driver   (everything comes on stdin, so the group key never appears on a
 * command line). Setup lines, then "start":
 *
 *   key HEX           group key
 *   self A.B.C.D      the AP's address (sender id, local address)
 *   aap A.B.C.D       an AAP, in priority order (up to 3 lines)
 *   port N            AAP port (default 6500)
 *   hello-ms N        HELLO interval (default 5000)
 *   misses N          unanswered HELLOs before failover (default 3)
 *   start
 *
 * Then: "report HA PREFIX/LEN" (or "report 0.0.0.0" to withdraw), "dump", "quit".
 * Every line on stdout is one JSON object:
 *
 *   {"event":"started"}  or  {"error":"..."}
 *   {"event":"add","prefix":"192.0.2.0/26","ha":"192.0.2.1"}
 *   {"event":"del","prefix":"192.0.2.0/26"}
 *   {"event":"failover","idx":1,"aap":"198.51.100.12"}
 *   {"event":"map","current":0,"map":{"192.0.2.0/26":"192.0.2.1",...},"counters":{...}}
 *   {"reply":"report","rc":0}
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "aap_client.h"
#include "driver_common.h"
#include "ev.h"
#include "log.h"

struct drv {
	struct ev_loop *loop;
	struct aap_client_config cfg;
	struct aap_client *c;
	struct drv_lines in;
};

static void
drv_prefix(char *buf, size_t cap, struct in_addr p, uint8_t len)
{
	char a[INET_ADDRSTRLEN];

	snprintf(buf, cap, "%s/%u", inet_ntop(AF_INET, &p, a, sizeof(a)), len);
}

static void
drv_add(void *arg, const struct aap_entry *e)
{
	char p[32], h[INET_ADDRSTRLEN];

	(void)arg;
	drv_prefix(p, sizeof(p), e->prefix, e->len);
	printf("{\"event\":\"add\",\"prefix\":\"%s\",\"ha\":\"%s\"}\n", p,
	       inet_ntop(AF_INET, &e->ha, h, sizeof(h)));
}

static void
drv_del(void *arg, struct in_addr prefix, uint8_t len)
{
	char p[32];

	(void)arg;
	drv_prefix(p, sizeof(p), prefix, len);
	printf("{\"event\":\"del\",\"prefix\":\"%s\"}\n", p);
}

static void
drv_failover(void *arg, size_t idx, struct in_addr aap)
{
	char a[INET_ADDRSTRLEN];

	(void)arg;
	printf("{\"event\":\"failover\",\"idx\":%zu,\"aap\":\"%s\"}\n", idx,
	       inet_ntop(AF_INET, &aap, a, sizeof(a)));
}

static int
drv_dump_entry(const struct aap_entry *e, void *arg)
{
	bool *first = arg;
	char p[32], h[INET_ADDRSTRLEN];

	if (e->flags & AAP_ENT_TOMBSTONE)
		return 0;
	drv_prefix(p, sizeof(p), e->prefix, e->len);
	printf("%s\"%s\":\"%s\"", *first ? "" : ",", p, inet_ntop(AF_INET, &e->ha, h, sizeof(h)));
	*first = false;
	return 0;
}

static void
drv_dump(struct drv *d)
{
	struct aap_client_counters cnt;
	bool first = true;
	static const struct {
		const char *name;
		size_t off;
	} rows[] = {
#define DRV_ROW(m, name, descr) { #m, offsetof(struct aap_client_counters, m) },
		AAP_CLIENT_COUNTERS(DRV_ROW)
#undef DRV_ROW
	};

	aap_client_get_counters(d->c, &cnt);
	printf("{\"event\":\"map\",\"current\":%zu,\"map\":{", aap_client_current(d->c));
	aap_table_foreach(aap_client_table(d->c), NULL, drv_dump_entry, &first);
	printf("},\"counters\":{");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		printf("%s\"%s\":%llu", i ? "," : "", rows[i].name,
		       (unsigned long long)*(const uint64_t *)((const char *)&cnt + rows[i].off));
	printf("}}\n");
}

static int
drv_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s) / 2;

	if (strlen(s) % 2 != 0 || n > cap)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return (int)n;
}

static void
drv_command(void *arg0, char *line)
{
	struct drv *d = arg0;
	char *cmd = strtok(line, " \t"), *arg = strtok(NULL, " \t"), *arg2 = strtok(NULL, " \t");
	char err[256] = "";
	int n;

	if (cmd == NULL)
		return;
	if (strcmp(cmd, "key") == 0 && arg != NULL) {
		n = drv_hex(arg, d->cfg.key, sizeof(d->cfg.key));
		d->cfg.key_len = n > 0 ? (size_t)n : 0;
	} else if (strcmp(cmd, "self") == 0 && arg != NULL) {
		inet_pton(AF_INET, arg, &d->cfg.self);
	} else if (strcmp(cmd, "aap") == 0 && arg != NULL && d->cfg.n_aap < PMIP_AAP_MAX) {
		inet_pton(AF_INET, arg, &d->cfg.aap[d->cfg.n_aap++]);
	} else if (strcmp(cmd, "port") == 0 && arg != NULL) {
		d->cfg.port = (uint16_t)atoi(arg);
	} else if (strcmp(cmd, "hello-ms") == 0 && arg != NULL) {
		d->cfg.hello_ms = (uint32_t)atoi(arg);
	} else if (strcmp(cmd, "misses") == 0 && arg != NULL) {
		d->cfg.hello_misses = (uint8_t)atoi(arg);
	} else if (strcmp(cmd, "start") == 0 && d->c == NULL) {
		struct role_env env = { .loop = d->loop };
		struct aap_client_cb cb = { drv_add, drv_del, drv_failover, d };

		d->c = aap_client_start(&env, &d->cfg, &cb, err, sizeof(err));
		if (d->c == NULL) {
			printf("{\"error\":\"%s\"}\n", err);
			ev_loop_break(d->loop);
			return;
		}
		printf("{\"event\":\"started\"}\n");
	} else if (strcmp(cmd, "report") == 0 && arg != NULL && d->c != NULL) {
		struct in_addr ha = { 0 }, p = { 0 };
		unsigned len = 0;
		char *slash = arg2 != NULL ? strchr(arg2, '/') : NULL;

		inet_pton(AF_INET, arg, &ha);
		if (slash != NULL) {
			*slash = '\0';
			inet_pton(AF_INET, arg2, &p);
			len = (unsigned)atoi(slash + 1);
		}
		n = aap_client_report(d->c, ha, p, (uint8_t)(len > 32 ? 33 : len));
		printf("{\"reply\":\"report\",\"rc\":%d}\n", n);
	} else if (strcmp(cmd, "dump") == 0 && d->c != NULL) {
		drv_dump(d);
	} else if (strcmp(cmd, "quit") == 0) {
		ev_loop_break(d->loop);
	} else {
		printf("{\"reply\":\"%s\",\"rc\":%d}\n", cmd, -EBADMSG);
	}
}

int
main(void)
{
	struct drv d = { 0 };

	log_init("aap-driver", LOG_DEST_STDERR, LOG_INFO);
	setvbuf(stdout, NULL, _IOLBF, 0);
	d.cfg.port = 6500;
	d.loop = ev_loop_new();
	if (d.loop == NULL)
		return 2;
	if (drv_lines_start(&d.in, d.loop, drv_command, &d) < 0)
		return 2;
	ev_loop_run(d.loop);
	drv_lines_stop(&d.in);
	aap_client_stop(d.c);
	explicit_bzero(&d.cfg, sizeof(d.cfg));
	ev_loop_free(d.loop);
	return 0;
}
