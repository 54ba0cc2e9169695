/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aap_sync.c - AAP reconciliation with peer AAPs and home agent liveness probes.
 *
 * DOC: reconciliation (docs/aap-protocol.md section 6). Every compare-interval an AAP
 * sends each peer a SYNC_DIGEST: its entry count and the digest of each of the
 * AAP_BUCKETS buckets. The peer answers with a SYNC_REQ naming the buckets whose digests
 * differ, followed by its own entries of those buckets (SYNC_ENTRIES); the AAP answers the
 * SYNC_REQ with its entries of the same buckets. Both merge what they receive (last
 * writer wins, aap_table.h), so one complete exchange makes the buckets equal. Nothing is
 * acknowledged: a lost datagram leaves a difference that the next round finds, and a round
 * that found differences brings the next one forward to one second. Local changes are
 * also sent to the peers at once (SYNC_ENTRIES), so an update reaches the APs of every
 * AAP without waiting for a round. Reconciliation messages are accepted only from the
 * configured peers and sent only to their configured addresses.
 *
 * DOC: home agent liveness (section 7). The AAP that owns an entry (the one that wrote
 * it), or any AAP when the owner is a peer that has been silent for three intervals,
 * watches whether one of its APs still reports the subnet. When none has for a second,
 * it sends a deliberately invalid Registration Request (SPI 0xdeadbeef, garbage MHAE) to
 * the subnet's directed broadcast address, port 434, with SO_BROADCAST. Any Registration
 * Reply from the home agent (a correct one answers 131) keeps the entry and schedules the
 * next check one compare-interval later; probe-retries probes without an answer, each
 * waiting probe-timeout, turn the entry into a tombstone, which reaches the APs and the
 * peers like any other change.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "aap_int.h"
#include "event.h"
#include "wire.h"

#define AAP_ORPHAN_GRACE_MS 1000
#define AAP_PROBE_SPI       0xdeadbeefu
#define AAP_PROBE_RRP_LEN   20 /* fixed part of a Registration Reply */

struct aap_peer *
aap_peer_find(struct aap *a, uint32_t id)
{
	for (size_t i = 0; i < a->n_peers; i++)
		if (ntohl(a->peers[i].addr.s_addr) == id)
			return &a->peers[i];
	return NULL;
}

static struct in_addr
aap_from(const struct aap *a)
{
	struct in_addr any = { INADDR_ANY };

	return a->cfg_addr_set ? a->self : any;
}

static struct sockaddr_in
aap_peer_sin(const struct aap *a, const struct aap_peer *p)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
		                  .sin_port = htons(a->cfg.port),
		                  .sin_addr = p->addr };
	return to;
}

/* --- sending entries --- */

struct aap_batch {
	struct aap *a;
	struct aap_peer *p;
	struct aap_entry ent[AAP_ENTRIES_MAX];
	size_t n;
	unsigned dgrams;
};

static void
aap_batch_flush(struct aap_batch *b)
{
	struct aap_msg m = { .h.type = AAP_SYNC_ENTRIES, .n = b->n };
	struct sockaddr_in to;

	if (b->n == 0)
		return;
	to = aap_peer_sin(b->a, b->p);
	aap_send(b->a, aap_from(b->a), &to, &m, b->ent);
	b->a->cnt.sync_entries_sent += b->n;
	b->n = 0;
	b->dgrams++;
}

static int
aap_batch_add(const struct aap_entry *e, void *arg)
{
	struct aap_batch *b = arg;

	b->ent[b->n++] = *e;
	if (b->n == AAP_ENTRIES_MAX)
		aap_batch_flush(b);
	return b->dgrams >= AAP_SYNC_DGRAMS; /* the rest in the next round */
}

static void
aap_sync_send_buckets(struct aap *a, struct aap_peer *p, const uint8_t *bitmap)
{
	struct aap_batch *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return;
	b->a = a;
	b->p = p;
	if (aap_table_foreach(a->table, bitmap, aap_batch_add, b) != 0)
		a->resync = true;
	aap_batch_flush(b);
	free(b);
}

void
aap_sync_flush_eager(struct aap *a)
{
	struct aap_batch *b;

	if (a->n_eager == 0)
		return;
	if ((b = calloc(1, sizeof(*b))) != NULL) {
		for (size_t i = 0; i < a->n_peers; i++) {
			b->a = a;
			b->p = &a->peers[i];
			b->dgrams = 0;
			for (size_t j = 0; j < a->n_eager; j++)
				aap_batch_add(&a->eager[j], b);
			aap_batch_flush(b);
		}
		free(b);
	}
	a->n_eager = 0;
}

/* --- rounds --- */

static void
aap_peer_heard(struct aap *a, struct aap_peer *p)
{
	char b[INET_ADDRSTRLEN];

	p->heard_ms = ev_now_ms();
	if (p->down) {
		p->down = false;
		log_info(LOG_SS_AAP, "peer AAP %s is back", aap_ntoa(p->addr, b));
	}
}

static void
aap_sync_round_soon(struct aap *a)
{
	if (ev_timer_remaining_ms(a->sync) > 1000)
		ev_timer_arm(a->sync, 1000);
}

void
aap_sync_timer(void *arg)
{
	struct aap *a = arg;
	uint64_t now = ev_now_ms(), ival = (uint64_t)a->cfg.compare_interval_s * 1000;
	struct aap_msg m = { .h.type = AAP_SYNC_DIGEST };
	char b[INET_ADDRSTRLEN];

	m.u.digest.count = (uint32_t)aap_table_count(a->table);
	for (unsigned i = 0; i < AAP_BUCKETS; i++)
		m.u.digest.bucket[i] = aap_table_bucket_digest(a->table, i);
	for (size_t i = 0; i < a->n_peers; i++) {
		struct aap_peer *p = &a->peers[i];
		struct sockaddr_in to = aap_peer_sin(a, p);
		uint64_t last = p->heard_ms != 0 ? p->heard_ms : a->start_ms;

		if (!p->down && now - last > 3 * ival && now - a->start_ms > 3 * ival) {
			p->down = true;
			log_info(LOG_SS_AAP,
			         "peer AAP %s is silent; adopting its entries for probes",
			         aap_ntoa(p->addr, b));
		}
		a->cnt.sync_rounds++;
		aap_send(a, aap_from(a), &to, &m, NULL);
	}
	a->resync = false;
	ev_timer_arm(a->sync, ival);
}

void
aap_sync_input(struct aap *a, const struct aap_msg *m, struct aap_peer *p)
{
	struct aap_msg req = { .h.type = AAP_SYNC_REQ };
	struct sockaddr_in to;
	bool diff = false;

	aap_peer_heard(a, p);
	switch (m->h.type) {
	case AAP_SYNC_DIGEST:
		for (unsigned i = 0; i < AAP_BUCKETS; i++) {
			if (m->u.digest.bucket[i] != aap_table_bucket_digest(a->table, i)) {
				aap_bitmap_set(req.u.req.bitmap, i);
				diff = true;
			}
		}
		req.u.req.count = (uint32_t)aap_table_count(a->table);
		to = aap_peer_sin(a, p);
		aap_send(a, aap_from(a), &to, &req, NULL);
		if (diff) {
			aap_sync_send_buckets(a, p, req.u.req.bitmap);
			aap_sync_round_soon(a);
		}
		break;
	case AAP_SYNC_REQ:
		for (unsigned i = 0; i < AAP_BITMAP_LEN; i++)
			diff |= m->u.req.bitmap[i] != 0;
		if (diff) {
			aap_sync_send_buckets(a, p, m->u.req.bitmap);
			aap_sync_round_soon(a);
		}
		break;
	case AAP_SYNC_ENTRIES:
		for (size_t i = 0; i < m->n; i++) {
			struct aap_entry e;
			enum aap_merge r;

			aap_msg_entry(m, i, &e);
			r = aap_table_merge(a->table, &e, NULL);
			if (r == AAP_MERGE_NEW || r == AAP_MERGE_UPDATED) {
				a->cnt.sync_entries_merged++;
				aap_changed(a, &e, false);
			} else if (r == AAP_MERGE_FULL) {
				a->cnt.table_full++;
			}
		}
		break;
	}
}

/* --- home agent liveness probes --- */

void
aap_probe_free_all(struct aap *a)
{
	while (a->probes != NULL) {
		struct aap_probe *p = a->probes;

		a->probes = p->next;
		free(p);
	}
	a->n_probes = 0;
}

static void
aap_probe_send(struct aap *a, struct aap_probe *p, uint64_t now)
{
	uint8_t rrq[24 + 22];
	uint32_t mask = p->len == 0 ? 0 : htonl(~0u << (32 - p->len));
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(434) };
	char b1[INET_ADDRSTRLEN], b2[INET_ADDRSTRLEN], b3[INET_ADDRSTRLEN];
	int err;

	/* Registration Request (RFC 5944 3.3): lifetime 0, home address and home agent the
	 * HA itself, care-of address ours; then an MHAE with an SPI no SA has and a random
	 * authenticator, so that no home agent can accept it. */
	memset(rrq, 0, sizeof(rrq));
	rrq[0] = 1;
	memcpy(rrq + 4, &p->ha, 4);
	memcpy(rrq + 8, &p->ha, 4);
	memcpy(rrq + 12, &a->self, 4);
	p->id = ((uint64_t)(aap_wall_us() / 1000000 + 2208988800u) << 32) | (uint32_t)random();
	wire_put64(rrq + 16, p->id);
	rrq[24] = 32; /* MN-HA authentication extension */
	rrq[25] = 20;
	wire_put32(rrq + 26, AAP_PROBE_SPI);
	for (size_t i = 30; i < sizeof(rrq); i++)
		rrq[i] = (uint8_t)random();
	to.sin_addr.s_addr = p->len < 31 ? (p->prefix.s_addr | ~mask) : p->ha.s_addr;
	if (a->env.send != NULL)
		err = a->env.send(a->env.send_arg, aap_from(a), &to, rrq, sizeof(rrq));
	else
		err = role_udp_send(a->probe_fd, aap_from(a), &to, rrq, sizeof(rrq));
	p->tries++;
	p->deadline_ms = now + (uint64_t)a->cfg.probe_timeout_s * 1000;
	a->cnt.probes_sent++;
	if (err < 0)
		a->cnt.tx_errors++;
	log_info(LOG_SS_AAP, "no access point left for %s/%u: probing home agent %s at %s (%u/%u)",
	         aap_ntoa(p->prefix, b1), p->len, aap_ntoa(p->ha, b2), aap_ntoa(to.sin_addr, b3),
	         p->tries, a->cfg.probe_retries);
}

struct aap_sweep_ctx {
	struct aap *a;
	uint64_t *keys; /* subnets reported by our APs, sorted */
	size_t n_keys;
	uint64_t now;
};

static uint64_t
aap_key_of(struct in_addr prefix, uint8_t len)
{
	return (uint64_t)ntohl(prefix.s_addr) << 8 | len;
}

static int
aap_u64cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static bool
aap_owner_ours(struct aap *a, struct in_addr owner)
{
	struct aap_peer *p;

	if (owner.s_addr == a->self.s_addr)
		return true;
	p = aap_peer_find(a, ntohl(owner.s_addr));
	return p != NULL && p->down;
}

static int
aap_sweep_entry(const struct aap_entry *e, void *arg)
{
	struct aap_sweep_ctx *c = arg;
	struct aap *a = c->a;
	uint64_t k = aap_key_of(e->prefix, e->len);
	struct aap_probe *p;

	if ((e->flags & AAP_ENT_TOMBSTONE) || !aap_owner_ours(a, e->aap) ||
	    bsearch(&k, c->keys, c->n_keys, sizeof(k), aap_u64cmp) != NULL)
		return 0;
	for (p = a->probes; p != NULL; p = p->next)
		if (p->prefix.s_addr == e->prefix.s_addr && p->len == e->len)
			break;
	if (p == NULL) {
		if (a->n_probes >= AAP_PROBES_MAX || (p = calloc(1, sizeof(*p))) == NULL)
			return 0; /* the next sweep tries again */
		p->prefix = e->prefix;
		p->len = e->len;
		p->ha = e->ha;
		p->since_ms = c->now;
		p->next = a->probes;
		a->probes = p;
		a->n_probes++;
	}
	if (p->ha.s_addr != e->ha.s_addr) { /* another home agent now: start over */
		p->ha = e->ha;
		p->tries = 0;
		p->deadline_ms = p->recheck_ms = 0;
		p->since_ms = c->now;
	}
	p->seen = true;
	return 0;
}

/* The home agent of @p stayed silent: delete its entry everywhere. */
static void
aap_probe_dead(struct aap *a, struct aap_probe *p)
{
	const struct aap_entry *cur = aap_table_get(a->table, p->prefix, p->len);
	struct aap_entry e;
	char b1[INET_ADDRSTRLEN], b2[INET_ADDRSTRLEN];

	if (cur == NULL || (cur->flags & AAP_ENT_TOMBSTONE))
		return;
	e = *cur;
	e.flags = AAP_ENT_TOMBSTONE;
	e.aap = a->self;
	if (aap_table_write(a->table, &e, aap_wall_us()) != AAP_MERGE_UPDATED)
		return;
	a->cnt.ha_deleted++;
	event_raise_ha_unreachable(EVENT_ROLE_AAP, PMIP_UNREACH_PROBE_FAILED, p->ha, p->prefix,
	                           p->len);
	log_msg(LOG_SS_AAP, LOG_NOTICE,
	        "home agent %s of %s/%u did not answer %u probe(s): entry deleted",
	        aap_ntoa(p->ha, b1), aap_ntoa(p->prefix, b2), p->len, p->tries);
	aap_changed(a, &e, true);
}

void
aap_probe_sweep(struct aap *a, uint64_t now)
{
	struct aap_sweep_ctx c = { .a = a, .now = now };
	struct aap_probe **pp, *p;
	size_t i = 0;

	if (now - a->start_ms < AAP_START_GRACE_MS)
		return; /* let the APs say hello first */
	c.keys = calloc(a->n_aps + 1, sizeof(*c.keys));
	if (c.keys == NULL)
		return;
	for (struct aap_ap *ap = a->aps; ap != NULL; ap = ap->next)
		if (ap->has_subnet)
			c.keys[i++] = aap_key_of(ap->prefix, ap->len);
	c.n_keys = i;
	qsort(c.keys, c.n_keys, sizeof(*c.keys), aap_u64cmp);
	for (p = a->probes; p != NULL; p = p->next)
		p->seen = false;
	aap_table_foreach(a->table, NULL, aap_sweep_entry, &c);
	free(c.keys);
	for (pp = &a->probes; (p = *pp) != NULL;) {
		bool drop = !p->seen;

		if (!drop && p->deadline_ms != 0 && now >= p->deadline_ms) {
			if (p->tries < a->cfg.probe_retries) {
				aap_probe_send(a, p, now);
			} else {
				aap_probe_dead(a, p);
				drop = true;
			}
		} else if (!drop && p->deadline_ms == 0 &&
		           now - p->since_ms >= AAP_ORPHAN_GRACE_MS &&
		           (p->recheck_ms == 0 || now >= p->recheck_ms)) {
			p->tries = 0;
			aap_probe_send(a, p, now);
		}
		if (drop) {
			*pp = p->next;
			free(p);
			a->n_probes--;
		} else {
			pp = &p->next;
		}
	}
}

bool
aap_probe_reply_matches(const struct aap_probe *p, const uint8_t *buf, size_t len,
                        struct in_addr src)
{
	uint32_t mask = p->len == 0 ? 0 : htonl(~0u << (32 - p->len));

	if (p->deadline_ms == 0 || len < AAP_PROBE_RRP_LEN || buf[0] != 3)
		return false; /* nothing outstanding, or not a Registration Reply */
	if (src.s_addr != p->ha.s_addr && (src.s_addr & mask) != p->prefix.s_addr)
		return false;
	/* RFC 5944 3.4 and 5.7: the reply carries the request's home address and at least
	 * the low-order 32 bits of its identification. */
	return memcmp(buf + 4, &p->ha, 4) == 0 && wire_get32(buf + 16) == (uint32_t)p->id;
}

void
aap_probe_readable(int fd, unsigned what, void *arg)
{
	struct aap *a = arg;
	uint8_t buf[1500];
	struct role_rx rx;
	char b1[INET_ADDRSTRLEN], b2[INET_ADDRSTRLEN];

	(void)what;
	for (int n = 0; n < 64; n++) {
		ssize_t len = role_udp_recv(fd, buf, sizeof(buf), &rx);
		struct in_addr src;

		if (len < 0)
			break;
		src = rx.src.sin_addr;
		for (struct aap_probe *p = a->probes; p != NULL; p = p->next) {
			if (!aap_probe_reply_matches(p, buf, (size_t)len, src))
				continue;
			a->cnt.probe_replies++;
			p->deadline_ms = 0;
			p->tries = 0;
			p->recheck_ms = ev_now_ms() + (uint64_t)a->cfg.compare_interval_s * 1000;
			log_info(LOG_SS_AAP,
			         "home agent %s of %s/%u answered the probe (code %u): kept",
			         aap_ntoa(src, b1), aap_ntoa(p->prefix, b2), p->len, buf[1]);
		}
	}
}
