/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aap_client.c - the access point side of the AAP protocol: HELLO, map install, failover.
 *
 * The client keeps one MAP session with its current AAP: a FIRST chunk (msgno 0) opens a
 * staging table, chunks go on in msgno order, and the LAST chunk replaces the installed
 * map with the staging table (callbacks for the differences only). Messages after the
 * full table are pushed changes, merged one by one. Every message in order is
 * acknowledged with the next msgno expected; one out of order is dropped and answered
 * with the same acknowledgement, so the AAP resends from the gap (go-back-N).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aap_client.h"
#include "ev.h"
#include "log.h"

#define AAP_CLIENT_PURGE_MS 60000
#define AAP_CLIENT_TTL_US   (24ull * 3600 * 1000000)

struct aap_client {
	struct role_env env;
	struct aap_client_config cfg;
	struct aap_client_cb cb;
	struct aap_key *key;
	int fd;
	struct ev_io *io;
	struct ev_timer *hello;
	uint64_t seq;
	struct aap_replay replay[PMIP_AAP_MAX];
	size_t cur;
	unsigned misses;
	bool outstanding; /* HELLO to the current AAP not answered yet */
	/* report */
	struct in_addr ha, prefix;
	uint8_t len;
	/* MAP session with the current AAP */
	uint32_t session;
	uint32_t expected;
	struct aap_table *table, *staging;
	uint64_t purge_ms;
	struct aap_client_counters cnt;
	struct log_ratelimit rl;
};

static int
aap_client_send(struct aap_client *c, size_t idx, struct aap_msg *m)
{
	uint8_t buf[AAP_DGRAM_MAX];
	struct sockaddr_in to = { .sin_family = AF_INET,
		                  .sin_port = htons(c->cfg.port),
		                  .sin_addr = c->cfg.aap[idx] };
	int len;

	m->h.sender = ntohl(c->cfg.self.s_addr);
	m->h.seq = c->seq = aap_seq_next(c->seq, aap_wall_us());
	len = aap_msg_encode(buf, sizeof(buf), c->key, m, NULL);
	if (len < 0)
		return len;
	if (c->env.send != NULL)
		return c->env.send(c->env.send_arg, c->cfg.self, &to, buf, (size_t)len);
	return role_udp_send(c->fd, c->cfg.self, &to, buf, (size_t)len);
}

static void
aap_client_hello_to(struct aap_client *c, size_t idx)
{
	struct aap_msg m = { .h.type = AAP_HELLO };
	struct aap_hello *h = &m.u.hello;
	uint32_t hold = (c->cfg.hello_ms * 3 + 999) / 1000 + 1;

	h->ha = c->ha;
	h->prefix = c->prefix;
	h->len = c->len;
	h->hold_s = (uint16_t)(hold > 65535 ? 65535 : hold);
	if (idx == c->cur && c->staging == NULL) {
		h->session = c->session;
		h->next_msgno = c->expected;
	}
	h->count = (uint32_t)aap_table_count(c->table);
	h->digest = aap_table_digest(c->table);
	c->cnt.hellos++;
	aap_client_send(c, idx, &m);
}

static void
aap_client_leave(struct aap_client *c, size_t idx)
{
	struct aap_msg m = { .h.type = AAP_LEAVE };

	aap_client_send(c, idx, &m);
}

static void
aap_client_switch(struct aap_client *c, size_t idx)
{
	char b[INET_ADDRSTRLEN];

	if (idx == c->cur)
		return;
	aap_client_leave(c, c->cur);
	c->cur = idx;
	c->misses = 0;
	c->outstanding = false;
	c->session = 0;
	c->expected = 0;
	aap_table_free(c->staging);
	c->staging = NULL;
	c->cnt.failovers++;
	log_info(LOG_SS_AAP, "aap client: now using AAP %s (priority %zu)",
	         inet_ntop(AF_INET, &c->cfg.aap[idx], b, sizeof(b)), idx + 1);
	if (c->cb.on_failover != NULL)
		c->cb.on_failover(c->cb.arg, idx, c->cfg.aap[idx]);
}

static void
aap_client_hello_timer(void *arg)
{
	struct aap_client *c = arg;
	uint64_t now = ev_now_ms();

	if (c->outstanding && ++c->misses >= c->cfg.hello_misses && c->cfg.n_aap > 1) {
		aap_client_switch(c, (c->cur + 1) % c->cfg.n_aap);
		c->outstanding = false;
	}
	for (size_t i = 0; i < c->cur; i++) /* fall back to a better AAP when it answers */
		aap_client_hello_to(c, i);
	aap_client_hello_to(c, c->cur);
	c->outstanding = true;
	if (now - c->purge_ms >= AAP_CLIENT_PURGE_MS) {
		c->purge_ms = now;
		aap_table_purge(c->table, aap_wall_us(), AAP_CLIENT_TTL_US);
	}
	ev_timer_arm(c->hello, c->cfg.hello_ms);
}

/* --- installing the map --- */

static bool
aap_live(const struct aap_entry *e)
{
	return e != NULL && !(e->flags & AAP_ENT_TOMBSTONE);
}

static void
aap_client_notify(struct aap_client *c, const struct aap_entry *old, const struct aap_entry *e)
{
	if (aap_live(e) && (!aap_live(old) || old->ha.s_addr != e->ha.s_addr)) {
		if (c->cb.on_map_add != NULL)
			c->cb.on_map_add(c->cb.arg, e);
	} else if (!aap_live(e) && aap_live(old)) {
		if (c->cb.on_map_del != NULL)
			c->cb.on_map_del(c->cb.arg, e->prefix, e->len);
	}
}

struct aap_commit_ctx {
	struct aap_client *c;
	const struct aap_table *other;
	bool adds; /* visiting the new table (adds) or the old one (deletions) */
};

static int
aap_commit_visit(const struct aap_entry *e, void *arg)
{
	struct aap_commit_ctx *x = arg;
	const struct aap_entry *o = aap_table_get(x->other, e->prefix, e->len);

	if (x->adds)
		aap_client_notify(x->c, o, e);
	else if (aap_live(e) && !aap_live(o) && x->c->cb.on_map_del != NULL)
		x->c->cb.on_map_del(x->c->cb.arg, e->prefix, e->len);
	return 0;
}

static void
aap_client_commit(struct aap_client *c)
{
	struct aap_commit_ctx x = { .c = c, .other = c->staging, .adds = false };

	aap_table_foreach(c->table, NULL, aap_commit_visit, &x);
	x.other = c->table;
	x.adds = true;
	aap_table_foreach(c->staging, NULL, aap_commit_visit, &x);
	aap_table_free(c->table);
	c->table = c->staging;
	c->staging = NULL;
	c->cnt.full_tables++;
}

static void
aap_client_ack(struct aap_client *c)
{
	struct aap_msg m = { .h.type = AAP_MAP_ACK };

	m.u.map_ack.session = c->session;
	m.u.map_ack.next_msgno = c->expected;
	aap_client_send(c, c->cur, &m);
}

static void
aap_client_map(struct aap_client *c, const struct aap_msg *m, size_t idx)
{
	const struct aap_map *mp = &m->u.map;

	if (idx != c->cur) {
		if (idx < c->cur && (mp->flags & AAP_MAP_FIRST) && mp->msgno == 0) {
			aap_client_switch(c, idx); /* a better AAP answered our HELLO */
		} else {
			aap_client_leave(c, idx);
			return;
		}
	}
	if ((mp->flags & AAP_MAP_FIRST) && mp->msgno == 0 &&
	    !(mp->session == c->session && c->expected > 0)) {
		aap_table_free(c->staging);
		c->staging = aap_table_new(c->cfg.max_entries);
		if (c->staging == NULL)
			return;
		c->session = mp->session;
		c->expected = 0;
	}
	if (mp->session != c->session || c->session == 0)
		return; /* an old session: its AAP gives up on it */
	if (mp->msgno != c->expected) {
		c->cnt.out_of_order++;
		aap_client_ack(c);
		return;
	}
	for (size_t i = 0; i < m->n; i++) {
		struct aap_entry e, old;
		const struct aap_entry *cur;
		enum aap_merge r;
		bool had;

		aap_msg_entry(m, i, &e);
		if (c->staging != NULL) {
			if (aap_table_merge(c->staging, &e, NULL) == AAP_MERGE_FULL)
				c->cnt.table_full++;
			continue;
		}
		cur = aap_table_get(c->table, e.prefix, e.len);
		if ((had = cur != NULL))
			old = *cur;
		r = aap_table_merge(c->table, &e, NULL);
		if (r == AAP_MERGE_FULL)
			c->cnt.table_full++;
		if (r == AAP_MERGE_NEW || r == AAP_MERGE_UPDATED)
			aap_client_notify(c, had ? &old : NULL, &e);
	}
	if (c->staging != NULL && (mp->flags & AAP_MAP_LAST))
		aap_client_commit(c);
	c->expected++;
	c->cnt.map_msgs++;
	aap_client_ack(c);
}

static void
aap_client_drop(struct aap_client *c, const struct role_rx *rx, int err)
{
	char b[INET_ADDRSTRLEN];

	c->cnt.rx_dropped++;
	log_rl(&c->rl, LOG_SS_AAP, LOG_NOTICE, "aap client: dropped datagram from %s: %s",
	       inet_ntop(AF_INET, &rx->src.sin_addr, b, sizeof(b)),
	       aap_err_name((enum aap_err) - err));
}

void
aap_client_input(struct aap_client *c, const uint8_t *buf, size_t len, const struct role_rx *rx)
{
	struct aap_msg m;
	size_t idx;
	int err;

	err = aap_msg_decode(buf, len, c->key, &m);
	if (err < 0) {
		aap_client_drop(c, rx, err);
		return;
	}
	for (idx = 0; idx < c->cfg.n_aap; idx++)
		if (ntohl(c->cfg.aap[idx].s_addr) == m.h.sender)
			break;
	if (idx == c->cfg.n_aap) {
		c->cnt.rx_unknown++;
		return;
	}
	if ((err = aap_replay_check(&c->replay[idx], m.h.seq, aap_wall_us())) < 0) {
		aap_client_drop(c, rx, err);
		return;
	}
	c->cnt.rx_ok++;
	switch (m.h.type) {
	case AAP_HELLO_ACK:
		if (idx < c->cur)
			aap_client_switch(c, idx);
		if (idx == c->cur) {
			c->outstanding = false;
			c->misses = 0;
		}
		break;
	case AAP_MAP:
		aap_client_map(c, &m, idx);
		break;
	default:
		c->cnt.rx_dropped++;
		break;
	}
}

static void
aap_client_input_cb(void *arg, const uint8_t *buf, size_t len, const struct role_rx *rx)
{
	aap_client_input(arg, buf, len, rx);
}

static void
aap_client_readable(int fd, unsigned what, void *arg)
{
	uint8_t buf[AAP_DGRAM_MAX + 1]; /* +1: oversized datagrams stay detectable */

	(void)what;
	role_udp_drain(fd, buf, sizeof(buf), AAP_DRAIN_MAX, aap_client_input_cb, arg);
}

/* --- lifecycle --- */

struct aap_client *
aap_client_start(const struct role_env *env, const struct aap_client_config *cfg,
                 const struct aap_client_cb *cb, char *errmsg, size_t errlen)
{
	struct aap_client *c;

	if (cfg->n_aap == 0 || cfg->n_aap > PMIP_AAP_MAX) {
		snprintf(errmsg, errlen, "1 to %d AAPs needed", PMIP_AAP_MAX);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	c->env = *env;
	c->cfg = *cfg;
	if (cb != NULL)
		c->cb = *cb;
	if (c->cfg.hello_ms == 0)
		c->cfg.hello_ms = 5000;
	if (c->cfg.hello_misses == 0)
		c->cfg.hello_misses = 3;
	if (c->cfg.max_entries == 0)
		c->cfg.max_entries = 100000;
	c->fd = -1;
	c->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 20);
	c->purge_ms = ev_now_ms();
	c->key = aap_key_new(cfg->key, cfg->key_len);
	c->table = aap_table_new(c->cfg.max_entries);
	c->hello = ev_timer_new(env->loop, aap_client_hello_timer, c);
	if (c->key == NULL || c->table == NULL || c->hello == NULL) {
		snprintf(errmsg, errlen, c->key == NULL ? "unusable group key" : "out of memory");
		aap_client_stop(c);
		return NULL;
	}
	if (env->send == NULL) {
		c->fd = role_udp_open(cfg->self, 0, errmsg, errlen);
		if (c->fd < 0 || (c->io = ev_io_new(env->loop, c->fd, EV_IO_READ,
		                                    aap_client_readable, c)) == NULL) {
			if (c->fd >= 0)
				snprintf(errmsg, errlen, "out of memory");
			aap_client_stop(c);
			return NULL;
		}
	}
	ev_timer_arm(c->hello, 0);
	return c;
}

int
aap_client_report(struct aap_client *c, struct in_addr ha, struct in_addr prefix, uint8_t len)
{
	struct aap_entry e = { .prefix = prefix, .len = len };

	if (ha.s_addr != INADDR_ANY && !aap_entry_valid(&e))
		return -EINVAL;
	c->ha = ha;
	c->prefix = ha.s_addr != INADDR_ANY ? prefix : (struct in_addr){ INADDR_ANY };
	c->len = ha.s_addr != INADDR_ANY ? len : 0;
	aap_client_hello_to(c, c->cur);
	return 0;
}

void
aap_client_stop(struct aap_client *c)
{
	if (c == NULL)
		return;
	if (c->key != NULL && (c->fd >= 0 || c->env.send != NULL))
		aap_client_leave(c, c->cur);
	ev_io_free(c->io);
	if (c->fd >= 0)
		close(c->fd);
	ev_timer_free(c->hello);
	aap_table_free(c->table);
	aap_table_free(c->staging);
	aap_key_free(c->key);
	explicit_bzero(&c->cfg, sizeof(c->cfg));
	free(c);
}

size_t
aap_client_current(const struct aap_client *c)
{
	return c->cur;
}

const struct aap_table *
aap_client_table(const struct aap_client *c)
{
	return c->table;
}

void
aap_client_get_counters(const struct aap_client *c, struct aap_client_counters *out)
{
	*out = c->cnt;
}
