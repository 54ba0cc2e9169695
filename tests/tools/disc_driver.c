/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * disc_driver.c - drive one discovery plugin from stdin, for the namespace tests.
 *
 * Usage: disc-driver PLUGIN MODULE.yang CONFIG.json
 *
 * Loads discovery plugin PLUGIN (e.g. discovery-icmp) with plugin_load() from
 * $PMIP_PLUGIN_DIR, parses CONFIG.json (RFC 7951 JSON of MODULE.yang, i.e.
 * yang/pmip.yang) with libyang and hands the /pmip:pmip/proxy container (or
 * NULL) to configure(), as the core does; then start(). Every line on stdout
 * is one JSON object carrying "t", the ev_now_ms() monotonic time:
 *
 *   {"t":..,"ready":"discovery-icmp"}                 after a successful start
 *   {"t":..,"event":"agent-found","agent":{...}}      one per upcall
 *   {"t":..,"event":"client-seen","client":{...}}
 *   {"t":..,"reply":"solicit","rc":0}                 one per command
 *   {"t":..,"error":"..."}                            setup failure (exit 2)
 *
 * Commands, one per line: "solicit [IFNAME]", "status", "configure FILE"
 * (re-read a config and call configure()), "stop", "start", "restart-on-event
 * on|off" (stop() and start() the instance from inside every upcall, to
 * prove the back end allows it), "quit". End of input also quits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <libyang/libyang.h>

#include "discovery.h"
#include "driver_common.h"
#include "ev.h"
#include "log.h"
#include "plugin.h"

struct drv {
	struct ev_loop *loop;
	struct ly_ctx *ctx;
	struct lyd_node *tree;
	const struct disc_ops *ops;
	struct disc_env env;
	void *inst;
	bool restart_on_event;
	struct drv_lines in;
};

static const char *const drv_event_names[] = {
	[DISC_AGENT_FOUND] = "agent-found",       [DISC_AGENT_LOST] = "agent-lost",
	[DISC_AGENT_REBOOTED] = "agent-rebooted", [DISC_CLIENT_SEEN] = "client-seen",
	[DISC_CLIENT_GONE] = "client-gone",       [DISC_CLIENT_IGNORED] = "client-ignored",
};

static const char *const drv_ignore_names[] = {
	[DISC_IGNORE_NONE] = "none",         [DISC_IGNORE_DHCP] = "dhcp",
	[DISC_IGNORE_OWN_MIP] = "own-mip",   [DISC_IGNORE_NO_ADDR] = "no-addr",
	[DISC_IGNORE_EXCLUDED] = "excluded",
};

static void
drv_addr(const char *key, struct in_addr a, bool null_if_any)
{
	char s[INET_ADDRSTRLEN];

	if (null_if_any && a.s_addr == INADDR_ANY)
		printf("\"%s\":null", key);
	else
		printf("\"%s\":\"%s\"", key, inet_ntop(AF_INET, &a, s, sizeof(s)));
}

static void
drv_mac(const uint8_t *m, bool has)
{
	if (!has)
		printf("\"mac\":null");
	else
		printf("\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\"", m[0], m[1], m[2], m[3], m[4],
		       m[5]);
}

/* Interface names come from the kernel or the config: no quotes or controls. */
static void
drv_ifname(const char *s)
{
	printf("\"ifname\":\"");
	for (; *s != '\0'; s++)
		if (*s >= 0x20 && *s != '"' && *s != '\\')
			putchar(*s);
	putchar('"');
}

static void
drv_print_agent(const struct disc_agent *a)
{
	printf("\"agent\":{");
	drv_addr("addr", a->addr, false);
	printf(",\"roles\":[%s%s%s]", a->roles & DISC_ROLE_HA ? "\"ha\"" : "",
	       (a->roles & DISC_ROLE_HA) && (a->roles & DISC_ROLE_FA) ? "," : "",
	       a->roles & DISC_ROLE_FA ? "\"fa\"" : "");
	printf(",\"flags\":%u,\"max_lifetime\":%u,\"adv_lifetime\":%u,\"seq\":%u,\"coa\":[",
	       a->flags, a->max_lifetime, a->adv_lifetime, a->seq);
	for (unsigned i = 0; i < a->n_coa && i < DISC_COA_MAX; i++) {
		char s[INET_ADDRSTRLEN];

		printf("%s\"%s\"", i != 0 ? "," : "", inet_ntop(AF_INET, &a->coa[i], s, sizeof(s)));
	}
	printf("],\"prefix_len\":%u,\"ifindex\":%u,", a->prefix_len, a->ifindex);
	drv_ifname(a->ifname);
	printf(",");
	drv_mac(a->mac, a->has_mac);
	printf("}");
}

static void
drv_print_client(const struct disc_client *c)
{
	printf("\"client\":{");
	drv_mac(c->mac, true);
	printf(",");
	drv_addr("addr", c->addr, false);
	printf(",");
	drv_addr("gateway", c->gateway, true);
	printf(",\"ifindex\":%u,", c->ifindex);
	drv_ifname(c->ifname);
	printf(",\"on_link\":%s,\"reason\":\"%s\",\"seen_ms\":%llu}", c->on_link ? "true" : "false",
	       (unsigned)c->reason < sizeof(drv_ignore_names) / sizeof(drv_ignore_names[0]) &&
	                       drv_ignore_names[c->reason] != NULL
	               ? drv_ignore_names[c->reason]
	               : "?",
	       (unsigned long long)c->seen_ms);
}

static void
drv_event(void *ctx, enum disc_event ev, const union disc_event_data *data)
{
	struct drv *d = ctx;
	char err[256];

	printf("{\"t\":%llu,\"event\":\"%s\",", (unsigned long long)ev_now_ms(),
	       (unsigned)ev < sizeof(drv_event_names) / sizeof(drv_event_names[0]) &&
	                       drv_event_names[ev] != NULL
	               ? drv_event_names[ev]
	               : "?");
	if (ev == DISC_AGENT_FOUND || ev == DISC_AGENT_LOST || ev == DISC_AGENT_REBOOTED)
		drv_print_agent(&data->agent);
	else
		drv_print_client(&data->client);
	printf("}\n");
	fflush(stdout);
	if (d->restart_on_event) {
		d->ops->stop(d->inst);
		if (d->ops->start(d->inst, err, sizeof(err)) != 0) {
			printf("{\"t\":%llu,\"error\":\"restart: %s\"}\n",
			       (unsigned long long)ev_now_ms(), err);
			fflush(stdout);
		}
	}
}

/* Parse @path into a new tree; NULL (with a message printed) on failure. */
static struct lyd_node *
drv_load(struct drv *d, const char *path)
{
	struct lyd_node *tree = NULL;

	if (lyd_parse_data_path(d->ctx, path, LYD_JSON, LYD_PARSE_STRICT, LYD_VALIDATE_PRESENT,
	                        &tree) != LY_SUCCESS) {
		const char *m = ly_errmsg(d->ctx);

		printf("{\"t\":%llu,\"error\":\"cannot load %s\",\"detail\":\"",
		       (unsigned long long)ev_now_ms(), path);
		for (; m != NULL && *m != '\0'; m++)
			if (*m >= 0x20 && *m != '"' && *m != '\\')
				putchar(*m);
		printf("\"}\n");
		fflush(stdout);
		return NULL;
	}
	return tree;
}

static const struct lyd_node *
drv_proxy(const struct lyd_node *tree)
{
	struct lyd_node *proxy = NULL;

	if (tree == NULL || lyd_find_path(tree, "/pmip:pmip/proxy", 0, &proxy) != LY_SUCCESS)
		return NULL;
	return proxy;
}

static void
drv_reply(const char *what, int rc, const char *err)
{
	printf("{\"t\":%llu,\"reply\":\"%s\",\"rc\":%d", (unsigned long long)ev_now_ms(), what, rc);
	if (err != NULL && *err != '\0')
		printf(",\"error\":\"%s\"", err);
	printf("}\n");
	fflush(stdout);
}

static void
drv_command(void *arg0, char *line)
{
	struct drv *d = arg0;
	char *cmd = strtok(line, " \t\r"), *arg = strtok(NULL, " \t\r");
	char err[256] = "";
	struct disc_status st = { 0 };
	struct lyd_node *tree;
	int rc;

	if (cmd == NULL)
		return;
	if (strcmp(cmd, "quit") == 0) {
		ev_loop_break(d->loop);
	} else if (strcmp(cmd, "solicit") == 0) {
		rc = d->ops->solicit != NULL ? d->ops->solicit(d->inst, arg) : -EOPNOTSUPP;
		drv_reply("solicit", rc, NULL);
	} else if (strcmp(cmd, "status") == 0) {
		if (d->ops->get_status != NULL)
			d->ops->get_status(d->inst, &st);
		printf("{\"t\":%llu,\"reply\":\"status\",\"rx\":%llu,\"rx_invalid\":%llu,"
		       "\"rx_bad_ttl\":%llu,\"tx\":%llu,\"agents\":%llu,\"clients\":%llu,"
		       "\"ignored\":%llu,\"events\":%llu}\n",
		       (unsigned long long)ev_now_ms(), (unsigned long long)st.rx,
		       (unsigned long long)st.rx_invalid, (unsigned long long)st.rx_bad_ttl,
		       (unsigned long long)st.tx, (unsigned long long)st.agents,
		       (unsigned long long)st.clients, (unsigned long long)st.ignored,
		       (unsigned long long)st.events);
		fflush(stdout);
	} else if (strcmp(cmd, "configure") == 0 && arg != NULL) {
		tree = drv_load(d, arg);
		if (tree == NULL) {
			drv_reply("configure", -EINVAL, "config does not load");
			return;
		}
		rc = d->ops->configure != NULL
		             ? d->ops->configure(d->inst, drv_proxy(tree), err, sizeof(err))
		             : 0;
		if (rc == 0) {
			lyd_free_all(d->tree);
			d->tree = tree;
		} else {
			lyd_free_all(tree);
		}
		drv_reply("configure", rc, err);
	} else if (strcmp(cmd, "stop") == 0) {
		d->ops->stop(d->inst);
		drv_reply("stop", 0, NULL);
	} else if (strcmp(cmd, "start") == 0) {
		rc = d->ops->start(d->inst, err, sizeof(err));
		drv_reply("start", rc, err);
	} else if (strcmp(cmd, "restart-on-event") == 0 && arg != NULL) {
		d->restart_on_event = strcmp(arg, "on") == 0;
		drv_reply("restart-on-event", 0, NULL);
	} else {
		drv_reply(cmd, -EBADMSG, "unknown command");
	}
}

int
main(int argc, char **argv)
{
	struct drv d = { 0 };
	struct pmip_plugin *pl;
	char err[256] = "", dir[4096], ietf[4200], *slash;

	if (argc != 4) {
		fprintf(stderr, "usage: %s PLUGIN MODULE.yang CONFIG.json\n", argv[0]);
		return 2;
	}
	log_init("disc-driver", LOG_DEST_STDERR, LOG_DEBUG);
	log_debug_set(LOG_SS_DISCOVERY, true);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Imports are searched beside the module and in its ietf/ subdirectory. */
	snprintf(dir, sizeof(dir), "%s", argv[2]);
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	snprintf(ietf, sizeof(ietf), "%s/ietf", dir);
	d.loop = ev_loop_new();
	if (d.loop == NULL || ly_ctx_new(dir, 0, &d.ctx) != LY_SUCCESS ||
	    (access(ietf, R_OK) == 0 && ly_ctx_set_searchdir(d.ctx, ietf) != LY_SUCCESS) ||
	    lys_parse_path(d.ctx, argv[2], LYS_IN_YANG, NULL) != LY_SUCCESS) {
		printf("{\"t\":0,\"error\":\"cannot load %s\"}\n", argv[2]);
		return 2;
	}
	d.tree = drv_load(&d, argv[3]);
	if (d.tree == NULL)
		return 2;
	pl = plugin_load(plugin_default_dir(), argv[1], PMIP_PLUGIN_DISCOVERY, err, sizeof(err));
	if (pl == NULL) {
		printf("{\"t\":%llu,\"error\":\"plugin: %s\"}\n", (unsigned long long)ev_now_ms(),
		       err);
		return 2;
	}
	d.ops = plugin_ops(pl);
	d.env = (struct disc_env){ .loop = d.loop, .event = drv_event, .ctx = &d };
	d.inst = d.ops->create(&d.env, err, sizeof(err));
	if (d.inst == NULL ||
	    (d.ops->configure != NULL &&
	     d.ops->configure(d.inst, drv_proxy(d.tree), err, sizeof(err)) != 0) ||
	    d.ops->start(d.inst, err, sizeof(err)) != 0) {
		printf("{\"t\":%llu,\"error\":\"%s\"}\n", (unsigned long long)ev_now_ms(), err);
		return 2;
	}
	printf("{\"t\":%llu,\"ready\":\"%s\"}\n", (unsigned long long)ev_now_ms(), argv[1]);
	if (drv_lines_start(&d.in, d.loop, drv_command, &d) < 0)
		return 2;
	ev_loop_run(d.loop);
	drv_lines_stop(&d.in);
	d.ops->destroy(d.inst);
	ev_loop_run_once(d.loop); /* orphaned deferred calls run and free themselves */
	plugin_unload(pl);
	lyd_free_all(d.tree);
	ly_ctx_destroy(d.ctx);
	ev_loop_free(d.loop);
	return 0;
}
