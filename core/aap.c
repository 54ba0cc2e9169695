/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aap.c - the authoritative access point role: lifecycle, sockets, access points, MAP.
 *
 * DOC: access points and MAP transfers (docs/aap-protocol.md section 5).
 * An AP is known from its first authenticated HELLO and forgotten after its hold time
 * without one, after a LEAVE, or never when the table of APs is full (counted). Each
 * known AP has at most one MAP session: an ordered stream of MAP messages numbered from
 * 0, acknowledged cumulatively by MAP_ACK, with at most AAP_WINDOW messages in flight and
 * a retransmission timer that backs off from AAP_RTO_MS to AAP_RTO_MAX_MS. A session
 * starts with a full table (FIRST ... LAST chunks) and goes on with pushed changes. After
 * AAP_PUSH_RETRIES timeouts in a row the AP is unreachable: its queue is dropped and its
 * next HELLO, which names a session the AAP no longer has, starts a new session with a
 * full table (the catch-up). A HELLO from an AP that has received everything but whose
 * digest differs from ours also starts a full table (at most one per AAP_FULL_MIN_MS).
 *
 * The report in a HELLO writes the AP's subnet into the table when the table has no live
 * entry for it or names another home agent; an AP's first HELLO also takes ownership of
 * an entry owned by another AAP (the AAP that owns an entry probes its home agent).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aap_int.h"

PMIP_COUNTER_TABLE(aap_counter_table, AAP_COUNTERS, struct aap_counters)

const char *
aap_ntoa(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

void
aap_get_counters(const struct aap *a, struct aap_counters *out)
{
	*out = a->cnt;
}

size_t
aap_entry_count(const struct aap *a, size_t *live)
{
	if (live != NULL)
		*live = aap_table_live(a->table);
	return aap_table_count(a->table);
}

size_t
aap_ap_count(const struct aap *a)
{
	return a->n_aps;
}

int
aap_ap_next(const struct aap *a, const struct in_addr *after, struct aap_ap_info *out)
{
	const struct aap_ap *best = NULL;
	uint64_t now = ev_now_ms();

	for (const struct aap_ap *ap = a->aps; ap != NULL; ap = ap->next) {
		uint32_t k = ntohl(ap->addr.sin_addr.s_addr);

		if (after != NULL && k <= ntohl(after->s_addr))
			continue;
		if (best == NULL || k < ntohl(best->addr.sin_addr.s_addr))
			best = ap;
	}
	if (best == NULL)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->addr = best->addr.sin_addr;
	out->port = ntohs(best->addr.sin_port);
	out->has_subnet = best->has_subnet;
	out->ha = best->ha;
	out->prefix = best->prefix;
	out->len = best->len;
	out->hold_s = best->hold_s;
	out->heard_ago_ms = now > best->heard_ms ? now - best->heard_ms : 0;
	out->in_session = best->session != 0;
	out->queued = best->q_len;
	return 0;
}

int
aap_peer_next(const struct aap *a, const struct in_addr *after, struct aap_peer_info *out)
{
	const struct aap_peer *best = NULL;
	uint64_t now = ev_now_ms();

	for (size_t i = 0; i < a->n_peers; i++) {
		uint32_t k = ntohl(a->peers[i].addr.s_addr);

		if (after != NULL && k <= ntohl(after->s_addr))
			continue;
		if (best == NULL || k < ntohl(best->addr.s_addr))
			best = &a->peers[i];
	}
	if (best == NULL)
		return -ENOENT;
	out->addr = best->addr;
	out->up = !best->down;
	out->heard = best->heard_ms != 0;
	out->heard_ago_ms = best->heard_ms != 0 && now > best->heard_ms ? now - best->heard_ms : 0;
	return 0;
}

int
aap_send(struct aap *a, struct in_addr from, const struct sockaddr_in *to, struct aap_msg *m,
         const struct aap_entry *ents)
{
	uint8_t buf[AAP_DGRAM_MAX];
	int len, err;

	m->h.sender = ntohl(a->self.s_addr);
	m->h.seq = a->seq = aap_seq_next(a->seq, aap_wall_us());
	len = aap_msg_encode(buf, sizeof(buf), a->key, m, ents);
	if (len < 0) {
		a->cnt.tx_errors++;
		return len;
	}
	if (a->env.send != NULL)
		err = a->env.send(a->env.send_arg, from, to, buf, (size_t)len);
	else
		err = role_udp_send(a->fd, from, to, buf, (size_t)len);
	if (err < 0) {
		char b[INET_ADDRSTRLEN];

		a->cnt.tx_errors++;
		log_rl(&a->rl, LOG_SS_AAP, LOG_WARNING, "send to %s failed: %s",
		       aap_ntoa(to->sin_addr, b), strerror(-err));
		return err;
	}
	a->cnt.tx++;
	return 0;
}

/* --- MAP sessions --- */

static void
aap_q_clear(struct aap_ap *ap)
{
	while (ap->q != NULL) {
		struct aap_qmsg *q = ap->q;

		ap->q = q->next;
		free(q);
	}
	ap->q_tail = NULL;
	ap->q_len = 0;
	ev_timer_del(ap->rto);
}

static struct aap_qmsg *
aap_q_add(struct aap_ap *ap, uint8_t flags)
{
	struct aap_qmsg *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	q->msgno = ap->next_msgno++;
	q->flags = flags;
	if (ap->q_tail != NULL)
		ap->q_tail->next = q;
	else
		ap->q = q;
	ap->q_tail = q;
	ap->q_len++;
	return q;
}

static void
aap_ap_send_msg(struct aap *a, struct aap_ap *ap, struct aap_qmsg *q)
{
	struct aap_msg m = { .h.type = AAP_MAP, .n = q->n };

	m.u.map.session = ap->session;
	m.u.map.msgno = q->msgno;
	m.u.map.flags = q->flags;
	if (q->sent)
		a->cnt.retransmits++;
	q->sent = true;
	a->cnt.map_sent++;
	aap_send(a, ap->local, &ap->addr, &m, q->ent);
}

/* Send what the window allows and keep the retransmission timer armed while in flight. */
static void
aap_ap_kick(struct aap *a, struct aap_ap *ap)
{
	struct aap_qmsg *q;

	for (q = ap->q; q != NULL && q->msgno - ap->acked < AAP_WINDOW; q = q->next)
		if (!q->sent)
			aap_ap_send_msg(a, ap, q);
	if (ap->q != NULL && ap->q->sent && !ev_timer_pending(ap->rto))
		ev_timer_arm(ap->rto, ap->rto_ms);
}

struct aap_full_ctx {
	struct aap_ap *ap;
	struct aap_qmsg *cur;
	bool failed;
};

static int
aap_full_add(const struct aap_entry *e, void *arg)
{
	struct aap_full_ctx *c = arg;

	if (c->cur == NULL || c->cur->n == AAP_MAP_MAX)
		c->cur = aap_q_add(c->ap, c->ap->q == NULL ? AAP_MAP_FIRST : 0);
	if (c->cur == NULL) {
		c->failed = true;
		return 1;
	}
	c->cur->ent[c->cur->n++] = *e;
	return 0;
}

/* Start a new session with a full table. */
static void
aap_ap_full(struct aap *a, struct aap_ap *ap, uint64_t now, bool kick)
{
	struct aap_full_ctx c = { .ap = ap };

	aap_q_clear(ap);
	do
		ap->session = ++a->session_ctr ^ (uint32_t)random();
	while (ap->session == 0);
	ap->next_msgno = ap->acked = 0;
	ap->retries = 0;
	ap->rto_ms = AAP_RTO_MS;
	ap->full_ms = now;
	aap_table_foreach(a->table, NULL, aap_full_add, &c);
	if (!c.failed && ap->q == NULL)
		c.cur = aap_q_add(ap, AAP_MAP_FIRST);
	if (c.failed || c.cur == NULL) {
		aap_q_clear(ap);
		ap->session = 0;
		return;
	}
	c.cur->flags |= AAP_MAP_LAST;
	a->cnt.full_tables++;
	if (kick)
		aap_ap_kick(a, ap);
}

/* Append a changed entry to @ap's stream, coalescing into the last unsent push. */
static void
aap_ap_push(struct aap *a, struct aap_ap *ap, const struct aap_entry *e, uint64_t now)
{
	struct aap_qmsg *q = ap->q_tail;
	size_t limit = aap_table_count(a->table) / AAP_MAP_MAX + 4 * AAP_WINDOW;

	if (ap->session == 0)
		return;
	if (q == NULL || q->sent || q->flags != 0 || q->n == AAP_MAP_MAX) {
		if (ap->q_len >= limit) { /* cheaper to start over */
			aap_ap_full(a, ap, now, true);
			return;
		}
		q = aap_q_add(ap, 0);
	}
	if (q == NULL) {
		aap_q_clear(ap);
		ap->session = 0; /* the next HELLO starts over */
		return;
	}
	q->ent[q->n++] = *e;
}

static void
aap_ap_rto(void *arg)
{
	struct aap_ap *ap = arg;
	struct aap *a = ap->aap;
	char b[INET_ADDRSTRLEN];

	if (ap->q == NULL)
		return;
	if (++ap->retries > AAP_PUSH_RETRIES) {
		a->cnt.ap_unreachable++;
		log_rl(&a->rl, LOG_SS_AAP, LOG_NOTICE,
		       "access point %s does not acknowledge; it gets a full table when it returns",
		       aap_ntoa(ap->addr.sin_addr, b));
		aap_q_clear(ap);
		ap->session = 0;
		return;
	}
	for (struct aap_qmsg *q = ap->q; q != NULL && q->sent; q = q->next)
		aap_ap_send_msg(a, ap, q);
	ap->rto_ms = ap->rto_ms * 2 > AAP_RTO_MAX_MS ? AAP_RTO_MAX_MS : ap->rto_ms * 2;
	ev_timer_arm(ap->rto, ap->rto_ms);
}

static void
aap_flush(struct aap *a)
{
	for (struct aap_ap *ap = a->aps; ap != NULL; ap = ap->next)
		if (ap->q != NULL)
			aap_ap_kick(a, ap);
	aap_sync_flush_eager(a);
}

static void
aap_flush_timer(void *arg)
{
	struct aap *a = arg;

	a->push_scheduled = false;
	aap_flush(a);
}

void
aap_changed(struct aap *a, const struct aap_entry *e, bool local)
{
	uint64_t now = ev_now_ms();

	for (struct aap_ap *ap = a->aps; ap != NULL; ap = ap->next)
		aap_ap_push(a, ap, e, now);
	if (local && a->n_peers > 0) {
		if (a->n_eager == a->cap_eager) {
			size_t cap = a->cap_eager ? a->cap_eager * 2 : 64;
			struct aap_entry *n = realloc(a->eager, cap * sizeof(*n));

			if (n != NULL) {
				a->eager = n;
				a->cap_eager = cap;
			}
		}
		if (a->n_eager < a->cap_eager)
			a->eager[a->n_eager++] = *e; /* else reconciliation repairs it */
	}
	if (!a->push_scheduled) {
		a->push_scheduled = true;
		ev_timer_arm(a->flush, 0);
	}
}

/* --- access points --- */

struct aap_ap *
aap_ap_find(struct aap *a, uint32_t id)
{
	struct in_addr k = { htonl(id) };

	return ADDR_INDEX_ENTRY(addr_index_find(&a->ap_ix, k), struct aap_ap, ixn);
}

static void
aap_ap_free(struct aap_ap *ap)
{
	aap_q_clear(ap);
	ev_timer_free(ap->rto);
	free(ap);
}

static void
aap_ap_add(struct aap *a, struct aap_ap *ap)
{
	ap->ixn.addr.s_addr = htonl(ap->id);
	addr_index_insert(&a->ap_ix, &ap->ixn);
	ap->next = a->aps;
	if (ap->next != NULL)
		ap->next->pprev = &ap->next;
	ap->pprev = &a->aps;
	a->aps = ap;
	a->n_aps++;
}

static void
aap_ap_remove(struct aap *a, struct aap_ap *ap)
{
	addr_index_remove(&a->ap_ix, &ap->ixn);
	*ap->pprev = ap->next;
	if (ap->next != NULL)
		ap->next->pprev = ap->pprev;
	a->n_aps--;
	aap_ap_free(ap);
}

void
aap_ap_sweep(struct aap *a, uint64_t now)
{
	struct aap_ap *ap, *next;
	char b[INET_ADDRSTRLEN];

	for (ap = a->aps; ap != NULL; ap = next) {
		next = ap->next;
		if (now - ap->heard_ms > (uint64_t)ap->hold_s * 1000) {
			a->cnt.ap_expired++;
			log_info(LOG_SS_AAP, "access point %s expired (no HELLO for %u s)",
			         aap_ntoa(ap->addr.sin_addr, b), ap->hold_s);
			aap_ap_remove(a, ap);
		}
	}
}

/* The report in a HELLO: write the AP's subnet when the table does not say the same. */
static void
aap_ap_report(struct aap *a, struct aap_ap *ap, bool first)
{
	const struct aap_entry *cur = aap_table_get(a->table, ap->prefix, ap->len);
	struct aap_entry e = { .prefix = ap->prefix, .len = ap->len, .ha = ap->ha };
	enum aap_merge r;

	if (cur != NULL && !(cur->flags & AAP_ENT_TOMBSTONE) && cur->ha.s_addr == ap->ha.s_addr &&
	    (cur->aap.s_addr == a->self.s_addr || !first))
		return;
	e.origin.s_addr = htonl(ap->id);
	e.aap = a->self;
	r = aap_table_write(a->table, &e, aap_wall_us());
	if (r == AAP_MERGE_FULL) {
		a->cnt.table_full++;
		log_rl(&a->rl, LOG_SS_AAP, LOG_WARNING,
		       "table full (max-entries %u): report refused", a->cfg.max_entries);
		return;
	}
	if (r == AAP_MERGE_NEW || r == AAP_MERGE_UPDATED)
		aap_changed(a, &e, true);
}

static void
aap_hello(struct aap *a, const struct aap_msg *m, const struct role_rx *rx, struct aap_ap *ap)
{
	const struct aap_hello *h = &m->u.hello;
	struct aap_msg ack = { .h.type = AAP_HELLO_ACK };
	uint64_t now = ev_now_ms();
	/* A HELLO without a session that crossed the first chunks of the one just started
	 * (nothing acknowledged yet) does not start another. */
	bool crossed = h->session == 0 && ap->session != 0 && ap->acked == 0 &&
	               now - ap->full_ms < AAP_FULL_MIN_MS;
	bool first = !crossed && (ap->session == 0 || h->session != ap->session);
	bool changed = h->ha.s_addr != INADDR_ANY &&
	               (!ap->has_subnet || ap->ha.s_addr != h->ha.s_addr ||
	                ap->prefix.s_addr != h->prefix.s_addr || ap->len != h->len);

	a->cnt.hellos++;
	ap->addr = rx->src;
	ap->local = a->cfg_addr_set ? a->self : rx->dst;
	ap->heard_ms = now;
	ap->hold_s = h->hold_s != 0 ? h->hold_s : 15;
	ap->has_subnet = h->ha.s_addr != INADDR_ANY;
	ap->ha = h->ha;
	ap->prefix = h->prefix;
	ap->len = h->len;
	if (ap->has_subnet)
		aap_ap_report(a, ap, first || changed);
	if (first) {
		aap_ap_full(a, ap, now, false);
	} else if (ap->q == NULL && h->next_msgno == ap->next_msgno &&
	           (h->digest != aap_table_digest(a->table) ||
	            h->count != aap_table_count(a->table)) &&
	           now - ap->full_ms >= AAP_FULL_MIN_MS) {
		aap_ap_full(a, ap, now, false); /* it missed something: catch up */
	}
	/* The answer first, then the table: the AP learns we are alive before our MAPs. */
	ack.u.hello_ack.session = ap->session;
	ack.u.hello_ack.count = (uint32_t)aap_table_count(a->table);
	aap_send(a, ap->local, &ap->addr, &ack, NULL);
	aap_ap_kick(a, ap);
}

static void
aap_map_ack(struct aap *a, const struct aap_msg *m, struct aap_ap *ap)
{
	uint32_t next = m->u.map_ack.next_msgno;

	ap->heard_ms = ev_now_ms();
	if (ap->session == 0 || m->u.map_ack.session != ap->session ||
	    next - ap->acked > ap->next_msgno - ap->acked || next == ap->acked)
		return; /* stale, duplicate or from another session */
	while (ap->q != NULL && ap->q->msgno - ap->acked < next - ap->acked) {
		struct aap_qmsg *q = ap->q;

		ap->q = q->next;
		free(q);
		ap->q_len--;
	}
	if (ap->q == NULL)
		ap->q_tail = NULL;
	ap->acked = next;
	ap->retries = 0;
	ap->rto_ms = AAP_RTO_MS;
	ev_timer_del(ap->rto);
	aap_ap_kick(a, ap);
}

/* --- input --- */

static void
aap_count_err(struct aap *a, int err)
{
	switch (-err) {
	case AAP_E_SHORT:
		a->cnt.rx_truncated++;
		break;
	case AAP_E_LONG:
		a->cnt.rx_oversized++;
		break;
	case AAP_E_VERSION:
		a->cnt.rx_bad_version++;
		break;
	case AAP_E_LENGTH:
		a->cnt.rx_bad_length++;
		break;
	case AAP_E_MAC:
		a->cnt.rx_bad_mac++;
		break;
	case AAP_E_TYPE:
		a->cnt.rx_bad_type++;
		break;
	case AAP_E_ENTRY:
		a->cnt.rx_bad_entry++;
		break;
	case AAP_E_REPLAY:
		a->cnt.rx_replayed++;
		break;
	case AAP_E_WINDOW:
		a->cnt.rx_window++;
		break;
	default:
		a->cnt.rx_bad_body++;
		break;
	}
}

static void
aap_drop(struct aap *a, const struct role_rx *rx, int err)
{
	char b[INET_ADDRSTRLEN];
	const struct aap_counters *c = &a->cnt;
	uint64_t dropped;

	aap_count_err(a, err);
	dropped = c->rx_truncated + c->rx_oversized + c->rx_bad_version + c->rx_bad_length +
	          c->rx_bad_mac + c->rx_bad_type + c->rx_bad_body + c->rx_bad_entry +
	          c->rx_replayed + c->rx_window;
	log_rl(&a->rl, LOG_SS_AAP, LOG_NOTICE, "dropped datagram from %s: %s (%llu dropped so far)",
	       aap_ntoa(rx->src.sin_addr, b), aap_err_name((enum aap_err) - err),
	       (unsigned long long)dropped);
}

static void
aap_ap_input(struct aap *a, const struct aap_msg *m, const struct role_rx *rx)
{
	struct aap_ap *ap = aap_ap_find(a, m->h.sender);
	struct aap_replay fresh = { 0 };
	int err;

	if (ap == NULL && m->h.type != AAP_HELLO)
		return; /* MAP_ACK or LEAVE of an AP we do not know (any more): nothing to do */
	err = aap_replay_check(ap != NULL ? &ap->replay : &fresh, m->h.seq, aap_wall_us());
	if (err < 0) {
		aap_drop(a, rx, err);
		return;
	}
	a->cnt.rx_ok++;
	if (ap == NULL) {
		if (a->n_aps >= AAP_APS_MAX || (ap = calloc(1, sizeof(*ap))) == NULL) {
			a->cnt.rx_overload++;
			return;
		}
		ap->aap = a;
		ap->id = m->h.sender;
		ap->replay = fresh;
		ap->rto_ms = AAP_RTO_MS;
		if ((ap->rto = ev_timer_new(a->env.loop, aap_ap_rto, ap)) == NULL) {
			free(ap);
			a->cnt.rx_overload++;
			return;
		}
		aap_ap_add(a, ap);
	}
	switch (m->h.type) {
	case AAP_HELLO:
		aap_hello(a, m, rx, ap);
		break;
	case AAP_MAP_ACK:
		aap_map_ack(a, m, ap);
		break;
	case AAP_LEAVE:
		aap_ap_remove(a, ap);
		break;
	}
}

void
aap_input(struct aap *a, const uint8_t *buf, size_t len, const struct role_rx *rx)
{
	struct aap_msg m;
	struct aap_peer *p;
	int err;

	err = aap_msg_decode(buf, len, a->key, &m);
	if (err < 0) {
		aap_drop(a, rx, err);
		return;
	}
	switch (m.h.type) {
	case AAP_HELLO:
	case AAP_MAP_ACK:
	case AAP_LEAVE:
		aap_ap_input(a, &m, rx);
		return;
	case AAP_SYNC_DIGEST:
	case AAP_SYNC_REQ:
	case AAP_SYNC_ENTRIES:
		if ((p = aap_peer_find(a, m.h.sender)) == NULL) {
			char b[INET_ADDRSTRLEN];

			a->cnt.rx_not_peer++;
			log_rl(&a->rl, LOG_SS_AAP, LOG_NOTICE,
			       "reconciliation message from %s, which is not a peer",
			       aap_ntoa(rx->src.sin_addr, b));
			return;
		}
		if ((err = aap_replay_check(&p->replay, m.h.seq, aap_wall_us())) < 0) {
			aap_drop(a, rx, err);
			return;
		}
		a->cnt.rx_ok++;
		aap_sync_input(a, &m, p);
		return;
	default: /* HELLO_ACK, MAP: meant for an access point */
		aap_drop(a, rx, -AAP_E_TYPE);
		return;
	}
}

static void
aap_input_cb(void *arg, const uint8_t *buf, size_t len, const struct role_rx *rx)
{
	aap_input(arg, buf, len, rx);
}

static void
aap_readable(int fd, unsigned what, void *arg)
{
	uint8_t buf[AAP_DGRAM_MAX + 1]; /* +1: oversized datagrams stay detectable */

	(void)what;

	role_udp_drain(fd, buf, sizeof(buf), AAP_DRAIN_MAX, aap_input_cb, arg);
}

static void
aap_sweep_timer(void *arg)
{
	struct aap *a = arg;
	uint64_t now = ev_now_ms();

	aap_ap_sweep(a, now);
	aap_probe_sweep(a, now);
	if (now - a->purge_ms >= 60000) {
		a->purge_ms = now;
		aap_table_purge(a->table, aap_wall_us(), AAP_TOMBSTONE_TTL);
	}
	ev_timer_arm(a->sweep, AAP_SWEEP_MS);
}

/* --- lifecycle --- */

/* Our sender id when no address is configured: the first IPv4 address of an interface
 * that is up and not a loopback. */
static struct in_addr
aap_guess_self(void)
{
	struct ifaddrs *ifa, *i;
	struct in_addr r = { INADDR_ANY };

	if (getifaddrs(&ifa) < 0)
		return r;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
		    !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		r = ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
		break;
	}
	freeifaddrs(ifa);
	return r;
}

static void
aap_close(struct aap *a)
{
	ev_io_free(a->io);
	ev_io_free(a->probe_io);
	a->io = a->probe_io = NULL;
	if (a->fd >= 0)
		close(a->fd);
	if (a->probe_fd >= 0)
		close(a->probe_fd);
	a->fd = a->probe_fd = -1;
}

static int
aap_open(struct aap *a, const struct aap_config *cfg, char *errmsg, size_t errlen)
{
	struct in_addr any = { INADDR_ANY };

	if (a->env.send != NULL)
		return 0;
	a->fd = role_udp_open(cfg->address, cfg->port, errmsg, errlen);
	if (a->fd < 0)
		return -1;
	a->probe_fd = role_udp_open(cfg->address.s_addr != INADDR_ANY ? cfg->address : any, 0,
	                            errmsg, errlen);
	if (a->probe_fd < 0 ||
	    (a->io = ev_io_new(a->env.loop, a->fd, EV_IO_READ, aap_readable, a)) == NULL ||
	    (a->probe_io = ev_io_new(a->env.loop, a->probe_fd, EV_IO_READ, aap_probe_readable,
	                             a)) == NULL) {
		if (a->probe_fd >= 0)
			snprintf(errmsg, errlen, "out of memory");
		aap_close(a);
		return -1;
	}
	return 0;
}

static void
aap_set_peers(struct aap *a, const struct aap_config *cfg)
{
	struct aap_peer old[PMIP_AAP_PEERS_MAX];
	size_t n_old = a->n_peers;

	memcpy(old, a->peers, sizeof(old));
	memset(a->peers, 0, sizeof(a->peers));
	a->n_peers = 0;
	for (size_t i = 0; i < cfg->n_peers; i++) {
		struct aap_peer *p = &a->peers[a->n_peers];

		if (cfg->peers[i].s_addr == a->self.s_addr)
			continue; /* ourselves */
		p->addr = cfg->peers[i];
		for (size_t j = 0; j < n_old; j++)
			if (old[j].addr.s_addr == p->addr.s_addr)
				*p = old[j];
		a->n_peers++;
	}
}

void
aap_stop(struct aap *a)
{
	if (a == NULL)
		return;
	aap_close(a);
	while (a->aps != NULL)
		aap_ap_remove(a, a->aps);
	addr_index_fini(&a->ap_ix);
	aap_probe_free_all(a);
	ev_timer_free(a->sweep);
	ev_timer_free(a->sync);
	ev_timer_free(a->flush);
	aap_table_free(a->table);
	aap_key_free(a->key);
	free(a->eager);
	explicit_bzero(&a->cfg, sizeof(a->cfg));
	free(a);
}

struct aap *
aap_start(const struct role_env *env, const struct aap_config *cfg, char *errmsg, size_t errlen)
{
	struct aap *a = calloc(1, sizeof(*a));
	char b[INET_ADDRSTRLEN];

	if (a == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	a->env = *env;
	a->cfg = *cfg;
	a->fd = a->probe_fd = -1;
	a->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 50);
	a->cfg_addr_set = cfg->address.s_addr != INADDR_ANY;
	a->self = a->cfg_addr_set ? cfg->address : aap_guess_self();
	a->start_ms = a->purge_ms = ev_now_ms();
	a->key = aap_key_new(cfg->group_key, cfg->group_key_len);
	a->table = aap_table_new(cfg->max_entries);
	a->sweep = ev_timer_new(env->loop, aap_sweep_timer, a);
	a->sync = ev_timer_new(env->loop, aap_sync_timer, a);
	a->flush = ev_timer_new(env->loop, aap_flush_timer, a);
	if (a->key == NULL || a->table == NULL || a->sweep == NULL || a->sync == NULL ||
	    a->flush == NULL || addr_index_init(&a->ap_ix) < 0) {
		snprintf(errmsg, errlen, a->key == NULL ? "unusable group key" : "out of memory");
		aap_stop(a);
		return NULL;
	}
	if (aap_open(a, cfg, errmsg, errlen) < 0) {
		aap_stop(a);
		return NULL;
	}
	aap_set_peers(a, cfg);
	ev_timer_arm(a->sweep, AAP_SWEEP_MS);
	ev_timer_arm(a->sync, a->n_peers > 0 ? 200 : (uint64_t)cfg->compare_interval_s * 1000);
	log_info(LOG_SS_AAP, "running as %s on port %u, %zu peer(s)", aap_ntoa(a->self, b),
	         cfg->port, a->n_peers);
	return a;
}

int
aap_reconfigure(struct aap *a, const struct aap_config *cfg, char *errmsg, size_t errlen)
{
	struct aap_key *k = aap_key_new(cfg->group_key, cfg->group_key_len);

	if (k == NULL) {
		snprintf(errmsg, errlen, "unusable group key");
		return -1;
	}
	if (cfg->address.s_addr != a->cfg.address.s_addr || cfg->port != a->cfg.port) {
		struct aap tmp = { .env = a->env, .fd = -1, .probe_fd = -1 };

		if (aap_open(&tmp, cfg, errmsg, errlen) < 0) {
			aap_key_free(k);
			return -1;
		}
		aap_close(a);
		a->fd = tmp.fd;
		a->probe_fd = tmp.probe_fd;
		ev_io_free(tmp.io);
		ev_io_free(tmp.probe_io);
		a->io = a->probe_io = NULL;
		if (a->env.send == NULL) {
			a->io = ev_io_new(a->env.loop, a->fd, EV_IO_READ, aap_readable, a);
			a->probe_io = ev_io_new(a->env.loop, a->probe_fd, EV_IO_READ,
			                        aap_probe_readable, a);
		}
		a->cfg_addr_set = cfg->address.s_addr != INADDR_ANY;
		a->self = a->cfg_addr_set ? cfg->address : aap_guess_self();
	}
	aap_key_free(a->key);
	a->key = k;
	a->cfg = *cfg;
	aap_table_set_max(a->table, cfg->max_entries);
	aap_set_peers(a, cfg);
	return 0;
}

static void *
aap_class_start(const struct role_env *env, const void *cfg, char *errmsg, size_t errlen)
{
	return aap_start(env, cfg, errmsg, errlen);
}

static int
aap_class_reconfigure(void *inst, const void *cfg, char *errmsg, size_t errlen)
{
	return aap_reconfigure(inst, cfg, errmsg, errlen);
}

static void
aap_class_set_keystore(void *inst, struct ks_chain *chain)
{
	(void)inst; /* the AAP authenticates with its group key only */
	(void)chain;
}

static void
aap_class_stop(void *inst)
{
	aap_stop(inst);
}

const struct role_class aap_role_class = {
	.name = "aap",
	.start = aap_class_start,
	.reconfigure = aap_class_reconfigure,
	.set_keystore = aap_class_set_keystore,
	.stop = aap_class_stop,
};
