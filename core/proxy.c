/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proxy.c - proxy access point role: lifecycle, discovery back ends, agents, timers.
 *
 * DOC: the proxy access point is split by concern:
 *   proxy.c         start, reconfigure and stop; loading and driving the discovery back
 *                   ends; the agent table and the choice of foreign agent; the client
 *                   timer heap under one ev timer; send wrappers; state accessors
 *   proxy_client.c  the client table and the per-client registration state machine
 *                   (with its diagram), reply validation, ARP interception
 *   proxy_frame.c   pure Ethernet/IPv4/UDP and ARP builders and parsers, and the ARP
 *                   interception policy as a pure function
 *   proxy_io.c      the sockets only: packet sockets on the client-facing port and the
 *                   bridge, the UDP socket toward home agents
 *   submap.c        the subnet map (longest-prefix match)
 *
 * Clocks. Every deadline is kept on the proxy's monotonic clock (proxy_now_ms(): ev_now_ms()
 * or the test hook) in a binary min-heap of clients; one ev timer is armed for the
 * earliest. Tests drive the same heap with proxy_run_timers() and a fake clock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev.h"
#include "event.h"
#include "mip_adv.h"
#include "mip_replay.h"
#include "plugin.h"
#include "proxy_int.h"
#include "submap.h"
#include "wire.h"

PMIP_COUNTER_TABLE(proxy_counter_table, PROXY_COUNTERS, struct proxy_counters)

/* --- clocks and timers --- */

uint64_t
proxy_now_ms(const struct proxy *px)
{
	return px->hooks.now_ms != NULL ? px->hooks.now_ms(px->hooks.arg) : ev_now_ms();
}

uint64_t
proxy_ntp_now(const struct proxy *px)
{
	uint64_t t = 0;

	if (px->hooks.ntp_now != NULL)
		return px->hooks.ntp_now(px->hooks.arg);
	if (mip_ntp_now(&t) < 0)
		return 0;
	return t;
}

static bool
proxy_heap_less(const struct proxy *px, size_t a, size_t b)
{
	return px->heap[a]->due_ms < px->heap[b]->due_ms;
}

static void
proxy_heap_swap(struct proxy *px, size_t a, size_t b)
{
	struct proxy_client *t = px->heap[a];

	px->heap[a] = px->heap[b];
	px->heap[b] = t;
	px->heap[a]->heap_idx = a + 1;
	px->heap[b]->heap_idx = b + 1;
}

static void
proxy_heap_fix(struct proxy *px, size_t i)
{
	while (i > 0 && proxy_heap_less(px, i, (i - 1) / 2)) {
		proxy_heap_swap(px, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < px->heap_len && proxy_heap_less(px, l, m))
			m = l;
		if (r < px->heap_len && proxy_heap_less(px, r, m))
			m = r;
		if (m == i)
			return;
		proxy_heap_swap(px, i, m);
		i = m;
	}
}

/* Arm the ev timer for the earliest deadline (no loop with hooks and no loop: tests). */
static void
proxy_timer_rearm(struct proxy *px)
{
	uint64_t now;

	if (px->timer == NULL)
		return;
	if (px->heap_len == 0) {
		ev_timer_del(px->timer);
		return;
	}
	now = proxy_now_ms(px);
	ev_timer_arm(px->timer, px->heap[0]->due_ms > now ? px->heap[0]->due_ms - now : 0);
}

void
proxy_timer_clear(struct proxy *px, struct proxy_client *c)
{
	size_t i;

	if (c->heap_idx == 0)
		return;
	i = c->heap_idx - 1;
	c->heap_idx = 0;
	px->heap_len--;
	if (i != px->heap_len) {
		px->heap[i] = px->heap[px->heap_len];
		px->heap[i]->heap_idx = i + 1;
		proxy_heap_fix(px, i);
	}
	proxy_timer_rearm(px);
}

void
proxy_timer_set(struct proxy *px, struct proxy_client *c, uint64_t at_ms)
{
	if (c->heap_idx == 0) {
		if (px->heap_len == px->heap_cap) {
			size_t cap = px->heap_cap != 0 ? px->heap_cap * 2 : 64;
			struct proxy_client **h = realloc(px->heap, cap * sizeof(*h));

			if (h == NULL) { /* keep running: the client stays without a timer */
				log_rl(&px->rl, LOG_SS_PROXY, LOG_ERR, "timer: out of memory");
				return;
			}
			px->heap = h;
			px->heap_cap = cap;
		}
		px->heap[px->heap_len] = c;
		c->heap_idx = ++px->heap_len;
	}
	c->due_ms = at_ms;
	proxy_heap_fix(px, c->heap_idx - 1);
	proxy_timer_rearm(px);
}

uint64_t
proxy_run_timers(struct proxy *px)
{
	uint64_t now = proxy_now_ms(px);

	/* Bounded: a callback re-arming for "now" runs again on the next call, not here. */
	for (size_t budget = px->heap_len + 1; budget > 0 && px->heap_len > 0; budget--) {
		struct proxy_client *c = px->heap[0];

		if (c->due_ms > now)
			break;
		proxy_timer_clear(px, c);
		proxy_client_timer(px, c);
	}
	proxy_timer_rearm(px);
	if (px->heap_len == 0)
		return UINT64_MAX;
	return px->heap[0]->due_ms > now ? px->heap[0]->due_ms - now : 0;
}

static void
proxy_timer_fired(void *arg)
{
	proxy_run_timers(arg);
}

/* --- sending --- */

int
proxy_send_fa(struct proxy *px, const uint8_t *frame, size_t len)
{
	int rc = px->use_hooks ? px->hooks.send_fa(px->hooks.arg, frame, len)
	                       : proxy_io_send_bridge(px, frame, len);

	if (rc < 0) {
		px->cnt.send_errors++;
		log_rl(&px->rl, LOG_SS_PROXY, LOG_WARNING, "send to foreign agent: %s",
		       strerror(-rc));
	}
	return rc;
}

int
proxy_send_client(struct proxy *px, const uint8_t *frame, size_t len)
{
	int rc = px->use_hooks ? px->hooks.send_client(px->hooks.arg, frame, len)
	                       : proxy_io_send_port(px, frame, len);

	if (rc < 0) {
		px->cnt.send_errors++;
		log_rl(&px->rl, LOG_SS_PROXY, LOG_WARNING, "send to client: %s", strerror(-rc));
	}
	return rc;
}

int
proxy_send_ha(struct proxy *px, struct in_addr ha, const uint8_t *msg, size_t len)
{
	int rc = px->use_hooks ? px->hooks.send_ha(px->hooks.arg, ha, msg, len)
	                       : proxy_io_send_udp(px, ha, msg, len);

	if (rc < 0) {
		px->cnt.send_errors++;
		log_rl(&px->rl, LOG_SS_PROXY, LOG_WARNING, "send to home agent %s: %s",
		       inet_ntoa(ha), strerror(-rc));
	}
	return rc;
}

void
proxy_failure_raise(struct proxy *px, const struct proxy_failure *f)
{
	char h[INET_ADDRSTRLEN], a[INET_ADDRSTRLEN], fa[INET_ADDRSTRLEN];

	px->cnt.failures++;
	log_rl(&px->rl, LOG_SS_PROXY, LOG_NOTICE,
	       "registration failure: client %s (%02x:%02x:%02x:%02x:%02x:%02x) home agent %s "
	       "foreign agent %s: code %u, %s (attempt %u)",
	       inet_ntop(AF_INET, &f->hoa, h, sizeof(h)), f->mac[0], f->mac[1], f->mac[2],
	       f->mac[3], f->mac[4], f->mac[5], inet_ntop(AF_INET, &f->ha, a, sizeof(a)),
	       inet_ntop(AF_INET, &f->fa, fa, sizeof(fa)), f->code, f->reason, f->attempts);
	event_raise_proxy_failure(f->hoa, f->ha, f->fa, f->coa, f->code, f->reason);
	if (px->fail_fn != NULL)
		px->fail_fn(px->fail_arg, f);
}

void
proxy_set_failure_hook(struct proxy *px, proxy_failure_fn fn, void *arg)
{
	px->fail_fn = fn;
	px->fail_arg = arg;
}

/* --- agents --- */

struct proxy_agent *
proxy_agent_find(const struct proxy *px, struct in_addr addr)
{
	return ADDR_INDEX_ENTRY(addr_index_find(&px->agents, addr), struct proxy_agent, ix);
}

/* A foreign agent the proxy can register through: F, not busy, a care-of address, a MAC. */
static bool
proxy_fa_usable(const struct proxy_agent *ag)
{
	return (ag->a.roles & DISC_ROLE_FA) && !(ag->a.flags & MIP_ADV_F_B) && ag->a.n_coa > 0 &&
	       ag->a.has_mac;
}

struct proxy_agent *
proxy_best_fa(struct proxy *px)
{
	struct proxy_agent *best = NULL;

	for (struct addr_index_node *n = addr_index_first(&px->agents); n != NULL;
	     n = addr_index_next(&px->agents, n->addr)) {
		struct proxy_agent *ag = ADDR_INDEX_ENTRY(n, struct proxy_agent, ix);

		if (proxy_fa_usable(ag) && (best == NULL || ag->seq < best->seq))
			best = ag;
	}
	return best;
}

void
proxy_solicit(struct proxy *px)
{
	for (size_t i = 0; i < px->n_disc; i++)
		if (px->disc[i].running && px->disc[i].ops->solicit != NULL)
			(void)px->disc[i].ops->solicit(px->disc[i].inst, NULL);
}

static void
proxy_agent_found(struct proxy *px, const struct disc_agent *a)
{
	struct proxy_agent *ag = proxy_agent_find(px, a->addr);
	bool was_usable = ag != NULL && proxy_fa_usable(ag);
	bool coa_changed;

	if (ag == NULL) {
		ag = calloc(1, sizeof(*ag));
		if (ag == NULL) {
			log_rl(&px->rl, LOG_SS_PROXY, LOG_ERR, "agent table: out of memory");
			return;
		}
		ag->ix.addr = a->addr;
		ag->seq = ++px->agent_seq;
		addr_index_insert(&px->agents, &ag->ix);
		log_debug(LOG_SS_PROXY, "agent %s found (roles %#x, %u care-of addresses)",
		          inet_ntoa(a->addr), a->roles, a->n_coa);
	}
	coa_changed = was_usable && (a->n_coa == 0 || a->coa[0].s_addr != ag->a.coa[0].s_addr ||
	                             memcmp(a->mac, ag->a.mac, DISC_MAC_LEN) != 0);
	ag->a = *a;
	if (ag->a.n_coa > DISC_COA_MAX)
		ag->a.n_coa = DISC_COA_MAX;
	if (coa_changed || (was_usable && !proxy_fa_usable(ag)))
		proxy_clients_fa_changed(px, a->addr);
	if (proxy_fa_usable(ag))
		proxy_clients_fa_found(px);
	proxy_aap_agent(px, &ag->a, false);
}

static void
proxy_agent_lost(struct proxy *px, struct in_addr addr, bool rebooted)
{
	struct proxy_agent *ag = proxy_agent_find(px, addr);

	if (ag == NULL)
		return;
	log_debug(LOG_SS_PROXY, "agent %s %s", inet_ntoa(addr), rebooted ? "rebooted" : "lost");
	if (!rebooted) {
		proxy_aap_agent(px, &ag->a, true);
		addr_index_remove(&px->agents, &ag->ix);
		free(ag);
	}
	proxy_clients_fa_changed(px, addr);
}

void
proxy_disc_event(struct proxy *px, enum disc_event ev, const union disc_event_data *data)
{
	switch (ev) {
	case DISC_AGENT_FOUND:
		proxy_agent_found(px, &data->agent);
		break;
	case DISC_AGENT_LOST:
		proxy_agent_lost(px, data->agent.addr, false);
		break;
	case DISC_AGENT_REBOOTED:
		proxy_agent_lost(px, data->agent.addr, true);
		break;
	case DISC_CLIENT_SEEN:
		proxy_client_seen(px, &data->client);
		break;
	case DISC_CLIENT_GONE:
		proxy_client_gone(px, &data->client);
		break;
	case DISC_CLIENT_IGNORED:
		proxy_client_ignored(px, &data->client);
		break;
	}
}

void
proxy_port_input(struct proxy *px, const uint8_t *frame, size_t len, bool outgoing)
{
	struct proxy_udp_frame f;
	struct proxy_arp a;

	if (len < PROXY_ETH_LEN)
		return;
	if (wire_get16(frame + 12) == PROXY_ETH_P_ARP) {
		if (outgoing) /* our own replies and probes */
			return;
		if (proxy_frame_parse_arp(frame, len, &a) < 0) {
			px->cnt.frames_bad++;
			return;
		}
		proxy_arp_input(px, &a);
		return;
	}
	if (!outgoing || wire_get16(frame + 12) != PROXY_ETH_P_IP)
		return;
	if (proxy_frame_parse_udp(frame, len, &f) < 0) {
		px->cnt.frames_bad++;
		return;
	}
	if (f.sport != MIP_UDP_PORT || f.dport != MIP_UDP_PORT)
		return;
	proxy_reply_input(px, f.payload, f.len, f.src, f.sport, true, f.dst_mac);
}

void
proxy_ha_input(struct proxy *px, const uint8_t *buf, size_t len, const struct sockaddr_in *from)
{
	proxy_reply_input(px, buf, len, from->sin_addr, ntohs(from->sin_port), false, NULL);
}

static void
proxy_disc_upcall(void *ctx, enum disc_event ev, const union disc_event_data *data)
{
	proxy_disc_event(ctx, ev, data);
}

static void
proxy_agents_free(struct proxy *px)
{
	struct addr_index_node *n;

	while ((n = addr_index_first(&px->agents)) != NULL) {
		addr_index_remove(&px->agents, n);
		free(ADDR_INDEX_ENTRY(n, struct proxy_agent, ix));
	}
}

/* --- discovery back ends --- */

static void
proxy_disc_close(struct proxy *px)
{
	for (size_t i = 0; i < px->n_disc; i++) {
		struct proxy_disc *d = &px->disc[i];

		if (d->inst != NULL) {
			if (d->running)
				d->ops->stop(d->inst);
			d->ops->destroy(d->inst);
		}
		plugin_unload(d->plugin);
	}
	free(px->disc);
	px->disc = NULL;
	px->n_disc = 0;
}

/* Load, create and configure every back end; start them with proxy_disc_start(). */
static int
proxy_disc_open(struct proxy *px, const struct lyd_node *dnode, char *errmsg, size_t errlen)
{
	char err[256];

	px->disc = calloc(px->n_disc_names != 0 ? px->n_disc_names : 1, sizeof(*px->disc));
	if (px->disc == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < px->n_disc_names; i++) {
		struct proxy_disc *d = &px->disc[px->n_disc];
		char name[PMIP_NAME_MAX + 16];

		snprintf(name, sizeof(name), "discovery-%s", px->disc_names[i]);
		err[0] = '\0';
		d->plugin = plugin_load(px->env.plugin_dir, name, PMIP_PLUGIN_DISCOVERY, err,
		                        sizeof(err));
		if (d->plugin == NULL) {
			snprintf(errmsg, errlen, "discovery back end %s: %s", name, err);
			return -1;
		}
		px->n_disc++;
		d->ops = plugin_ops(d->plugin);
		d->env.loop = px->env.loop;
		d->env.event = proxy_disc_upcall;
		d->env.ctx = px;
		d->inst = d->ops->create(&d->env, err, sizeof(err));
		if (d->inst == NULL || (d->ops->configure != NULL &&
		                        d->ops->configure(d->inst, dnode, err, sizeof(err)) < 0)) {
			snprintf(errmsg, errlen, "discovery back end %s: %s", name, err);
			return -1;
		}
	}
	return 0;
}

static void
proxy_io_retry(void *arg)
{
	struct proxy *px = arg;
	char err[256] = "";
	int rc = proxy_io_open(px, err, sizeof(err));

	if (rc == 0) {
		log_info(LOG_SS_PROXY, "proxy access point: %s is ready", px->cfg.client_if);
		return;
	}
	proxy_io_close(px);
	if (rc < 0)
		log_errx(LOG_SS_PROXY, "proxy access point: %s", err);
	ev_timer_arm(px->io_retry, PROXY_IO_RETRY_MS);
}

/* Open the sockets; an interface that is not ready yet is waited for, not an error. */
static int
proxy_io_start(struct proxy *px, char *errmsg, size_t errlen)
{
	int rc = proxy_io_open(px, errmsg, errlen);

	if (rc <= 0)
		return rc;
	proxy_io_close(px);
	log_warnx(LOG_SS_PROXY, "proxy access point: %s; waiting for it", errmsg);
	if (px->io_retry == NULL &&
	    (px->io_retry = ev_timer_new(px->env.loop, proxy_io_retry, px)) == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return -1;
	}
	ev_timer_arm(px->io_retry, PROXY_IO_RETRY_MS);
	return 0;
}

static int
proxy_disc_start(struct proxy *px, char *errmsg, size_t errlen)
{
	char err[256];

	for (size_t i = 0; i < px->n_disc; i++) {
		struct proxy_disc *d = &px->disc[i];

		err[0] = '\0';
		if (d->ops->start(d->inst, err, sizeof(err)) < 0) {
			snprintf(errmsg, errlen, "discovery back end discovery-%s: %s",
			         px->disc_names[i], err);
			return -1;
		}
		d->running = true;
	}
	return 0;
}

/* --- configuration --- */

static int
proxy_apply_map(struct proxy *px, const struct proxy_config *cfg, char *errmsg, size_t errlen)
{
	struct submap *m = submap_new();
	uint64_t now = proxy_now_ms(px);

	if (m == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < cfg->n_map; i++) {
		struct submap_entry e = { .prefix = cfg->map[i].prefix.addr,
			                  .len = cfg->map[i].prefix.len,
			                  .ha = cfg->map[i].ha,
			                  .origin = SUBMAP_STATIC,
			                  .updated_ms = now };
		int rc = submap_put(m, &e);

		if (rc < 0) {
			snprintf(errmsg, errlen, "subnet-map %s/%u: %s", inet_ntoa(e.prefix), e.len,
			         strerror(-rc));
			submap_free(m);
			return -1;
		}
	}
	proxy_aap_merge_learned(px, m); /* learned entries survive; static ones win */
	submap_free(px->map);
	px->map = m;
	return 0;
}

static int
proxy_copy_names(struct proxy *px, const struct proxy_config *cfg)
{
	char(*names)[PMIP_NAME_MAX] = calloc(cfg->n_discovery + 1, sizeof(*names));

	if (names == NULL)
		return -1;
	for (size_t i = 0; i < cfg->n_discovery; i++)
		snprintf(names[i], PMIP_NAME_MAX, "%s", cfg->discovery[i]);
	free(px->disc_names);
	px->disc_names = names;
	px->n_disc_names = cfg->n_discovery;
	return 0;
}

/* Copy the client-nai list; on failure the old one stays. */
static int
proxy_copy_nai(struct proxy *px, const struct proxy_config *cfg)
{
	struct proxy_client_nai *n = calloc(cfg->n_nai + 1, sizeof(*n));

	if (n == NULL)
		return -1;
	if (cfg->n_nai > 0)
		memcpy(n, cfg->nai, cfg->n_nai * sizeof(*n));
	free(px->nai);
	px->nai = n;
	px->n_nai = cfg->n_nai;
	return 0;
}

const char *
proxy_nai_of(const struct proxy *px, const uint8_t *mac)
{
	for (size_t i = 0; i < px->n_nai; i++)
		if (memcmp(px->nai[i].mac, mac, PROXY_MAC_LEN) == 0 && px->nai[i].nai[0] != '\0')
			return px->nai[i].nai;
	return NULL;
}

static void
proxy_copy_cfg(struct proxy *px, const struct proxy_config *cfg)
{
	px->cfg = *cfg;
	px->cfg.dnode = NULL;
	px->cfg.map = NULL;
	px->cfg.discovery = NULL;
	px->cfg.nai = NULL;
	px->cfg.n_nai = 0;
	if (px->cfg.retransmit_max > PROXY_MAX_SENDS - 1)
		px->cfg.retransmit_max = PROXY_MAX_SENDS - 1;
	if (px->cfg.retransmit_initial_ms == 0)
		px->cfg.retransmit_initial_ms = 1000;
	if (px->cfg.reregister_pct == 0 || px->cfg.reregister_pct > 95)
		px->cfg.reregister_pct = 75;
	if (px->cfg.max_clients == 0)
		px->cfg.max_clients = PROXY_CLIENTS_DEFAULT;
}

/* --- lifecycle --- */

struct proxy *
proxy_start_hooks(const struct role_env *env, const struct proxy_config *cfg,
                  const struct proxy_hooks *hooks, char *errmsg, size_t errlen)
{
	static const struct log_ratelimit rl = LOG_RATELIMIT_INIT(10, 20);
	static const struct log_ratelimit rl_client = LOG_RATELIMIT_INIT(10, 50);
	struct proxy *px = calloc(1, sizeof(*px));

	if (px == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	px->env = *env;
	px->rl = rl;
	px->rl_client = rl_client;
	px->fd_port = px->fd_bridge = px->fd_udp = -1;
	if (hooks != NULL) {
		px->hooks = *hooks;
		px->use_hooks = true;
	}
	proxy_copy_cfg(px, cfg);
	if (proxy_copy_names(px, cfg) < 0 || proxy_copy_nai(px, cfg) < 0 ||
	    proxy_clients_init(px) < 0 || addr_index_init(&px->agents) < 0 ||
	    (px->ha_replay = replay_table_new()) == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		goto fail;
	}
	if (proxy_apply_map(px, cfg, errmsg, errlen) < 0)
		goto fail;
	if (env->loop != NULL &&
	    (px->timer = ev_timer_new(env->loop, proxy_timer_fired, px)) == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		goto fail;
	}
	if (!px->use_hooks) {
		if (proxy_disc_open(px, cfg->dnode, errmsg, errlen) < 0 ||
		    proxy_io_start(px, errmsg, errlen) < 0 ||
		    proxy_disc_start(px, errmsg, errlen) < 0)
			goto fail;
	}
	if (proxy_aap_start(px, errmsg, errlen) < 0)
		goto fail;
	log_info(LOG_SS_PROXY,
	         "proxy access point started on %s: %zu subnet-map entries, %zu discovery back "
	         "end(s)",
	         px->cfg.client_if, submap_count(px->map), px->n_disc);
	return px;
fail:
	proxy_stop(px);
	return NULL;
}

struct proxy *
proxy_start(const struct role_env *env, const struct proxy_config *cfg, char *errmsg, size_t errlen)
{
	return proxy_start_hooks(env, cfg, NULL, errmsg, errlen);
}

static bool
proxy_names_differ(const struct proxy *px, const struct proxy_config *cfg)
{
	if (px->n_disc_names != cfg->n_discovery)
		return true;
	for (size_t i = 0; i < cfg->n_discovery; i++)
		if (strcmp(px->disc_names[i], cfg->discovery[i]) != 0)
			return true;
	return false;
}

int
proxy_reconfigure(struct proxy *px, const struct proxy_config *cfg, char *errmsg, size_t errlen)
{
	bool restart = !px->use_hooks && (strcmp(px->cfg.client_if, cfg->client_if) != 0 ||
	                                  proxy_names_differ(px, cfg));
	bool aap_restart = restart || proxy_aap_changed(&px->cfg, cfg);
	char err[256];

	if (proxy_copy_nai(px, cfg) < 0) { /* read at the next key-store lookup */
		snprintf(errmsg, errlen, "out of memory");
		return -1;
	}
	if (aap_restart)
		proxy_aap_stop(px); /* its learned entries go with it */
	if (proxy_apply_map(px, cfg, errmsg, errlen) < 0) {
		if (aap_restart) /* the old settings stay in force, the client with them */
			(void)proxy_aap_start(px, err, sizeof(err));
		return -1;
	}
	if (restart) {
		/* The packet sockets and the back ends bind to the interface: start over.
		 * A failure leaves the role without them until the next change. */
		proxy_disc_close(px);
		proxy_io_close(px);
		proxy_agents_free(px);
		proxy_clients_fini(px);
		if (proxy_clients_init(px) < 0 || proxy_copy_names(px, cfg) < 0) {
			snprintf(errmsg, errlen, "out of memory");
			return -1;
		}
		proxy_copy_cfg(px, cfg);
		ev_timer_del(px->io_retry);
		if (proxy_disc_open(px, cfg->dnode, errmsg, errlen) < 0 ||
		    proxy_io_start(px, errmsg, errlen) < 0 ||
		    proxy_disc_start(px, errmsg, errlen) < 0 ||
		    proxy_aap_start(px, errmsg, errlen) < 0) {
			log_errx(LOG_SS_PROXY, "proxy restart failed: %s", errmsg);
			return -1;
		}
		log_info(LOG_SS_PROXY, "proxy access point restarted on %s", px->cfg.client_if);
		return 0;
	}
	for (size_t i = 0; i < px->n_disc; i++) {
		struct proxy_disc *d = &px->disc[i];

		err[0] = '\0';
		if (d->ops->configure != NULL &&
		    d->ops->configure(d->inst, cfg->dnode, err, sizeof(err)) < 0)
			log_errx(LOG_SS_PROXY, "discovery-%s: new settings not applied: %s",
			         px->disc_names[i], err);
	}
	proxy_copy_cfg(px, cfg);
	if (aap_restart && proxy_aap_start(px, errmsg, errlen) < 0)
		log_errx(LOG_SS_PROXY, "aap client not restarted: %s", errmsg);
	proxy_aap_update_report(px); /* the static entry covering us may have changed */
	proxy_clients_map_changed(px);
	log_info(LOG_SS_PROXY, "proxy access point reconfigured: %zu subnet-map entries",
	         submap_count(px->map));
	return 0;
}

void
proxy_set_keystore(struct proxy *px, struct ks_chain *chain)
{
	proxy_clients_rekey(px, false);
	px->env.ks_chain = chain;
	proxy_clients_rekey(px, true);
}

void
proxy_stop(struct proxy *px)
{
	if (px == NULL)
		return;
	proxy_aap_stop(px);
	proxy_gw_fini(px);
	proxy_disc_close(px);
	proxy_io_close(px);
	ev_timer_free(px->io_retry);
	proxy_clients_fini(px);
	proxy_agents_free(px);
	addr_index_fini(&px->agents);
	ev_timer_free(px->timer);
	free(px->heap);
	replay_table_free(px->ha_replay);
	submap_free(px->map);
	free(px->disc_names);
	free(px->nai);
	explicit_bzero(&px->cfg, sizeof(px->cfg)); /* the AAP group key */
	free(px);
}

/* --- state --- */

void
proxy_get_counters(const struct proxy *px, struct proxy_counters *out)
{
	*out = px->cnt;
}

uint64_t
proxy_denials(const struct proxy *px, uint8_t code)
{
	return px->denials[code];
}

struct submap *
proxy_submap(const struct proxy *px)
{
	return px->map;
}

int
proxy_agent_next(const struct proxy *px, const struct in_addr *after, struct proxy_agent_info *out)
{
	struct addr_index_node *n = after == NULL ? addr_index_first(&px->agents)
	                                          : addr_index_next(&px->agents, *after);
	struct proxy_agent *ag = ADDR_INDEX_ENTRY(n, struct proxy_agent, ix);

	if (ag == NULL)
		return -ENOENT;
	out->agent = ag->a;
	out->clients = ag->clients;
	return 0;
}

/* --- the role class --- */

static void *
proxy_class_start(const struct role_env *env, const void *cfg, char *errmsg, size_t errlen)
{
	return proxy_start(env, cfg, errmsg, errlen);
}

static int
proxy_class_reconfigure(void *inst, const void *cfg, char *errmsg, size_t errlen)
{
	return proxy_reconfigure(inst, cfg, errmsg, errlen);
}

static void
proxy_class_set_keystore(void *inst, struct ks_chain *chain)
{
	proxy_set_keystore(inst, chain);
}

static void
proxy_class_stop(void *inst)
{
	proxy_stop(inst);
}

const struct role_class proxy_role_class = {
	.name = "proxy",
	.start = proxy_class_start,
	.reconfigure = proxy_class_reconfigure,
	.set_keystore = proxy_class_set_keystore,
	.stop = proxy_class_stop,
};
