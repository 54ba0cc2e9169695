/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tun_fwd.c - the forwarding thread: TUN device <-> raw IP sockets (protocols 4, 47, 55).
 *
 * Why a thread. Registration handling must never wait for the data plane,
 * and the data plane is where a peer can aim a flood: any host can send
 * GRE or IP-in-IP packets at us. On the loop, even a bounded budget per
 * pass puts that flood between two registration requests. A dedicated
 * thread isolates the two completely and uses the second core. The thread
 * owns no configuration: it reads the tables below and bumps counters.
 *
 * How the tables are shared. One mutex guards three hash tables (tunnels by
 * id, tunnels by peer, entries by address) and the counters. The thread takes it only around a lookup and a counter update,
 * never across a system call, so the loop waits at most for one hash
 * lookup. Updates from the loop are O(1) in-place changes under the same
 * mutex (rather than a copy-and-swap, which would cost O(n) per binding at
 * a million bindings). The thread copies what it needs (addresses, key,
 * socket) to its stack before unlocking, so a tunnel deleted meanwhile is
 * never touched again: counters are charged by a second lookup by id.
 * Routes into tunnels are found by longest prefix: one hash probe per
 * prefix length in use, so at most 33 probes and one for host routes only.
 * Member routes (simultaneous bindings) share a destination and sit in the
 * same chain; the lookup collects every member of the longest match, at
 * most TUNU_FWD_MAX_MEMBERS.
 *
 * Packet path. Each packet is read once into a per-thread buffer at offset
 * TUNU_HEADROOM and encapsulated in place; decapsulated packets are written
 * to the TUN device straight from the receive buffer. There is no queue in
 * userspace: the kernel's socket and TUN queues are the bounded queues, and
 * a full one (EAGAIN, ENOBUFS) drops the packet and counts it. A packet
 * for several member routes is encapsulated and sent once per member from
 * the same buffer: IP-in-IP and GRE only write the headroom, and the inner
 * header minimal encapsulation rewrites is restored from a saved copy (at
 * most 60 bytes) before the next member, so the payload is never copied. Each fd is
 * served at most FWD_BATCH packets before poll() is asked again, so neither
 * direction starves the other.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "tun_fwd.h"

#define FWD_BATCH       64
#define FWD_MIN_BUCKETS 64
#define FWD_PKT_MAX     65535

enum { SOCK_IPIP, SOCK_GRE, SOCK_MIN, SOCK_N };

struct fwd_ent;

struct fwd_tun {
	struct fwd_tun *id_next;
	struct fwd_tun *peer_next;
	struct fwd_ent *ents; /* entries into this tunnel */
	uint32_t id;
	uint16_t ip_id;
	struct tunu_tparams p;
	struct tun_stats st;
};

struct fwd_ent {
	struct fwd_ent *hnext;
	struct fwd_ent *tnext, **tprev; /* in t->ents when t != NULL */
	struct fwd_tun *t;
	struct tunu_ent e;
};

struct htab {
	void **b;
	size_t size; /* a power of two */
	size_t n;
};

struct tunu_fwd {
	pthread_mutex_t lock;
	/* Guarded by lock. */
	struct htab by_id, by_peer, ents;
	uint32_t route_plens[33]; /* ROUTE entries per prefix length */
	struct tun_stats total;
	uint32_t next_id;
	/* Fixed after tunu_fwd_new(). */
	int tun_fd;
	int raw[SOCK_N]; /* -1 when not open */
	int stop_fd;
	bool running;
	pthread_t thread;
	/* Used by the forwarding thread only. */
	struct log_ratelimit rl;
	uint8_t buf[TUNU_HEADROOM + FWD_PKT_MAX + 1];
};

static int
sock_of(enum tunu_encap e)
{
	return e == TUNU_ENC_IPIP ? SOCK_IPIP : e == TUNU_ENC_GRE ? SOCK_GRE : SOCK_MIN;
}

static in_addr_t
plen_mask(unsigned plen)
{
	return plen == 0 ? 0 : htonl(~0u << (32 - plen));
}

/* --- hash tables ------------------------------------------------------------ */

static size_t
mix(uint64_t x, size_t size)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x & (size - 1);
}

/* The key is left out, so that every tunnel between two addresses shares a chain. */
static size_t
h_peer(in_addr_t remote, enum tunu_encap e, size_t size)
{
	return mix((uint64_t)remote << 8 | (uint64_t)e, size);
}

static size_t
h_ent(in_addr_t addr, unsigned plen, size_t size)
{
	return mix((uint64_t)addr << 8 | plen, size);
}

static size_t
hash_tun_id(const void *x, size_t size)
{
	return mix(((const struct fwd_tun *)x)->id, size);
}

static void **
next_tun_id(void *x)
{
	return (void **)&((struct fwd_tun *)x)->id_next;
}

static size_t
hash_tun_peer(const void *x, size_t size)
{
	const struct fwd_tun *t = x;

	return h_peer(t->p.remote.s_addr, t->p.encap, size);
}

static void **
next_tun_peer(void *x)
{
	return (void **)&((struct fwd_tun *)x)->peer_next;
}

static size_t
hash_ent(const void *x, size_t size)
{
	const struct fwd_ent *fe = x;

	return h_ent(fe->e.addr.s_addr, fe->e.plen, size);
}

static void **
next_ent(void *x)
{
	return (void **)&((struct fwd_ent *)x)->hnext;
}

static int
htab_init(struct htab *h)
{
	h->b = calloc(FWD_MIN_BUCKETS, sizeof(*h->b));
	h->size = FWD_MIN_BUCKETS;
	h->n = 0;
	return h->b == NULL ? -ENOMEM : 0;
}

/*
 * Insert @x into @h and double the table when it holds more entries than
 * buckets; a failed resize keeps the old size (chains just get longer).
 */
static void
htab_insert(struct htab *h, void *x, size_t (*hash)(const void *, size_t), void **(*next)(void *))
{
	size_t k = hash(x, h->size), nsize = h->size * 2;
	void **nb;

	*next(x) = h->b[k];
	h->b[k] = x;
	if (++h->n <= h->size || (nb = calloc(nsize, sizeof(*nb))) == NULL)
		return;
	for (size_t i = 0; i < h->size; i++) {
		void *y = h->b[i], *ny;

		for (; y != NULL; y = ny) {
			ny = *next(y);
			k = hash(y, nsize);
			*next(y) = nb[k];
			nb[k] = y;
		}
	}
	free(h->b);
	h->b = nb;
	h->size = nsize;
}

static void
htab_remove(struct htab *h, void *x, size_t (*hash)(const void *, size_t), void **(*next)(void *))
{
	void **pp = &h->b[hash(x, h->size)];

	while (*pp != NULL && *pp != x)
		pp = next(*pp);
	if (*pp == x) {
		*pp = *next(x);
		h->n--;
	}
}

static struct fwd_tun *
tun_by_id(struct tunu_fwd *f, uint32_t id)
{
	struct fwd_tun *t = f->by_id.b[mix(id, f->by_id.size)];

	while (t != NULL && t->id != id)
		t = t->id_next;
	return t;
}

/* The tunnel @p names (local, remote, encapsulation, key); key ignored when @any_key. */
static struct fwd_tun *
tun_by_peer(struct tunu_fwd *f, const struct tunu_tparams *p, bool any_key)
{
	struct fwd_tun *t = f->by_peer.b[h_peer(p->remote.s_addr, p->encap, f->by_peer.size)];

	for (; t != NULL; t = t->peer_next)
		if (t->p.remote.s_addr == p->remote.s_addr && t->p.encap == p->encap &&
		    t->p.local.s_addr == p->local.s_addr &&
		    (any_key || (t->p.key_present == p->key_present && t->p.key == p->key)))
			return t;
	return NULL;
}

static bool
ent_key_eq(const struct tunu_ent *a, const struct tunu_ent *b)
{
	return a->kind == b->kind && a->plen == b->plen && a->addr.s_addr == b->addr.s_addr &&
	       (a->kind != TUNU_ENT_REV || strcmp(a->ifname, b->ifname) == 0) &&
	       (a->kind != TUNU_ENT_ROUTE || a->member == b->member) &&
	       (a->kind != TUNU_ENT_ROUTE || !a->member || a->tunnel == b->tunnel);
}

/* ROUTE entries for @addr/@plen, and whether one of them is not a member. */
static unsigned
route_count(struct tunu_fwd *f, in_addr_t addr, unsigned plen, bool *plain)
{
	struct fwd_ent *fe = f->ents.b[h_ent(addr, plen, f->ents.size)];
	unsigned n = 0;

	*plain = false;
	for (; fe != NULL; fe = fe->hnext) {
		if (fe->e.kind == TUNU_ENT_ROUTE && fe->e.plen == plen &&
		    fe->e.addr.s_addr == addr) {
			n++;
			*plain |= !fe->e.member;
		}
	}
	return n;
}

static struct fwd_ent *
ent_find(struct tunu_fwd *f, const struct tunu_ent *key)
{
	struct fwd_ent *fe = f->ents.b[h_ent(key->addr.s_addr, key->plen, f->ents.size)];

	while (fe != NULL && !ent_key_eq(&fe->e, key))
		fe = fe->hnext;
	return fe;
}

/* First entry of @kind for @addr/@plen whatever its interface (data plane lookups). */
static struct fwd_ent *
ent_lookup(struct tunu_fwd *f, enum tunu_ent_kind kind, in_addr_t addr, unsigned plen)
{
	struct fwd_ent *fe = f->ents.b[h_ent(addr, plen, f->ents.size)];

	while (fe != NULL &&
	       (fe->e.kind != kind || fe->e.plen != plen || fe->e.addr.s_addr != addr))
		fe = fe->hnext;
	return fe;
}

/*
 * The tunnels a packet from @src to @dst enters: every route (member) of the longest
 * matching prefix, else the reverse entry of @src. Fills @out (TUNU_FWD_MAX_MEMBERS slots).
 * Return: the number of tunnels.
 */
static unsigned
route_lookup(struct tunu_fwd *f, in_addr_t src, in_addr_t dst, struct fwd_tun **out)
{
	struct fwd_ent *fe;
	unsigned n = 0;

	for (int plen = 32; plen >= 0 && n == 0; plen--) {
		in_addr_t a = dst & plen_mask((unsigned)plen);

		if (f->route_plens[plen] == 0)
			continue;
		for (fe = f->ents.b[h_ent(a, (unsigned)plen, f->ents.size)];
		     fe != NULL && n < TUNU_FWD_MAX_MEMBERS; fe = fe->hnext)
			if (fe->e.kind == TUNU_ENT_ROUTE && fe->e.plen == plen &&
			    fe->e.addr.s_addr == a)
				out[n++] = fe->t;
	}
	if (n == 0 && (fe = ent_lookup(f, TUNU_ENT_REV, src, 32)) != NULL)
		out[n++] = fe->t;
	return n;
}

/* Unlink @fe from every list; the caller frees it. */
static void
ent_unlink(struct tunu_fwd *f, struct fwd_ent *fe)
{
	htab_remove(&f->ents, fe, hash_ent, next_ent);
	if (fe->t != NULL) {
		*fe->tprev = fe->tnext;
		if (fe->tnext != NULL)
			fe->tnext->tprev = fe->tprev;
	}
	if (fe->e.kind == TUNU_ENT_ROUTE)
		f->route_plens[fe->e.plen]--;
}

/* Call @fn on each entry of the chain @list (linked through hnext) and free it. */
static void
ent_release(struct fwd_ent *list, tunu_ent_fn fn, void *arg)
{
	struct fwd_ent *next;

	for (; list != NULL; list = next) {
		next = list->hnext;
		if (fn != NULL)
			fn(&list->e, arg);
		free(list);
	}
}

/* --- loop-thread API -------------------------------------------------------- */

int
tunu_fwd_tunnel_add(struct tunu_fwd *f, const struct tunu_tparams *p, uint32_t *id)
{
	struct fwd_tun *t;
	int rc = 0;

	if (f->raw[sock_of(p->encap)] < 0)
		return -EOPNOTSUPP;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	t->p = *p;
	if (!t->p.key_present)
		t->p.key = 0;
	pthread_mutex_lock(&f->lock);
	if (tun_by_peer(f, &t->p, false) != NULL) {
		rc = -EEXIST;
		goto out;
	}
	do {
		t->id = ++f->next_id;
	} while (t->id == 0 || tun_by_id(f, t->id) != NULL);
	htab_insert(&f->by_id, t, hash_tun_id, next_tun_id);
	htab_insert(&f->by_peer, t, hash_tun_peer, next_tun_peer);
	*id = t->id;
	t = NULL;
out:
	pthread_mutex_unlock(&f->lock);
	free(t);
	return rc;
}

int
tunu_fwd_tunnel_del(struct tunu_fwd *f, uint32_t id, tunu_ent_fn fn, void *arg)
{
	struct fwd_ent *gone = NULL, *fe;
	struct fwd_tun *t;

	pthread_mutex_lock(&f->lock);
	t = tun_by_id(f, id);
	if (t != NULL) {
		while ((fe = t->ents) != NULL) {
			ent_unlink(f, fe);
			fe->hnext = gone;
			gone = fe;
		}
		htab_remove(&f->by_id, t, hash_tun_id, next_tun_id);
		htab_remove(&f->by_peer, t, hash_tun_peer, next_tun_peer);
	}
	pthread_mutex_unlock(&f->lock);
	ent_release(gone, fn, arg);
	free(t);
	return t != NULL ? 0 : -ENOENT;
}

int
tunu_fwd_ent_add(struct tunu_fwd *f, const struct tunu_ent *e)
{
	struct fwd_ent *fe = calloc(1, sizeof(*fe));
	unsigned routes = 0;
	bool plain = false;
	int rc = 0;

	if (fe == NULL)
		return -ENOMEM;
	fe->e = *e;
	if (e->kind != TUNU_ENT_ROUTE)
		fe->e.member = false;
	pthread_mutex_lock(&f->lock);
	if (e->kind == TUNU_ENT_ROUTE)
		routes = route_count(f, e->addr.s_addr, e->plen, &plain);
	if (e->kind != TUNU_ENT_LINK && (fe->t = tun_by_id(f, e->tunnel)) == NULL) {
		rc = -ENOENT;
	} else if (ent_find(f, &fe->e) != NULL || (routes > 0 && (plain || !fe->e.member))) {
		rc = -EEXIST;
	} else if (routes >= TUNU_FWD_MAX_MEMBERS) {
		rc = -ENOSPC;
	} else {
		if (fe->t != NULL) {
			fe->tnext = fe->t->ents;
			if (fe->tnext != NULL)
				fe->tnext->tprev = &fe->tnext;
			fe->t->ents = fe;
			fe->tprev = &fe->t->ents;
		}
		if (e->kind == TUNU_ENT_ROUTE)
			f->route_plens[e->plen]++;
		htab_insert(&f->ents, fe, hash_ent, next_ent);
		fe = NULL;
	}
	pthread_mutex_unlock(&f->lock);
	free(fe);
	return rc;
}

unsigned
tunu_fwd_routes(struct tunu_fwd *f, struct in_addr addr, unsigned plen)
{
	unsigned n;
	bool plain;

	pthread_mutex_lock(&f->lock);
	n = plen <= 32 ? route_count(f, addr.s_addr, plen, &plain) : 0;
	pthread_mutex_unlock(&f->lock);
	return n;
}

int
tunu_fwd_ent_del(struct tunu_fwd *f, const struct tunu_ent *key, struct tunu_ent *old)
{
	struct fwd_ent *fe;

	pthread_mutex_lock(&f->lock);
	fe = ent_find(f, key);
	if (fe != NULL)
		ent_unlink(f, fe);
	pthread_mutex_unlock(&f->lock);
	if (fe == NULL)
		return -ENOENT;
	if (old != NULL)
		*old = fe->e;
	free(fe);
	return 0;
}

void
tunu_fwd_drain(struct tunu_fwd *f, tunu_ent_fn fn, void *arg)
{
	struct fwd_ent *gone = NULL, *fe;

	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->ents.size; i++) {
		while ((fe = f->ents.b[i]) != NULL) {
			ent_unlink(f, fe);
			fe->hnext = gone;
			gone = fe;
		}
	}
	pthread_mutex_unlock(&f->lock);
	ent_release(gone, fn, arg);
	for (size_t i = 0; i < f->by_id.size; i++)
		while (f->by_id.b[i] != NULL)
			tunu_fwd_tunnel_del(f, ((struct fwd_tun *)f->by_id.b[i])->id, NULL, NULL);
}

int
tunu_fwd_stats(struct tunu_fwd *f, uint32_t id, struct tun_stats *st)
{
	struct fwd_tun *t = NULL;

	pthread_mutex_lock(&f->lock);
	if (id == 0)
		*st = f->total;
	else if ((t = tun_by_id(f, id)) != NULL)
		*st = t->st;
	pthread_mutex_unlock(&f->lock);
	return id == 0 || t != NULL ? 0 : -ENOENT;
}

/* --- forwarding thread ------------------------------------------------------ */

enum charge { CH_TX, CH_RX, CH_TX_ERR, CH_RX_ERR, CH_DROP };

static void
count(struct tun_stats *st, enum charge what, size_t bytes)
{
	switch (what) {
	case CH_TX:
		st->tx_packets++;
		st->tx_bytes += bytes;
		break;
	case CH_RX:
		st->rx_packets++;
		st->rx_bytes += bytes;
		break;
	case CH_TX_ERR:
		st->tx_errors++;
		break;
	case CH_RX_ERR:
		st->rx_errors++;
		break;
	case CH_DROP:
		st->drops++;
		break;
	}
}

/* Charge one packet of @bytes outer bytes to tunnel @id (0: none) and to the totals. */
static void
charge(struct tunu_fwd *f, uint32_t id, enum charge what, size_t bytes)
{
	struct fwd_tun *t;

	pthread_mutex_lock(&f->lock);
	if (id != 0 && (t = tun_by_id(f, id)) != NULL)
		count(&t->st, what, bytes);
	count(&f->total, what, bytes);
	pthread_mutex_unlock(&f->lock);
}

/* Where one copy of a packet goes, copied from a tunnel under the lock. */
struct fwd_copy {
	uint32_t id;
	enum tunu_encap type;
	int fd;
	struct tunu_outer o;
};

/* Encapsulate the inner packet @pkt of @n bytes in place for @c and send it. */
static void
send_copy(struct tunu_fwd *f, const struct fwd_copy *c, uint8_t *pkt, size_t n)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = c->o.dst };
	uint8_t *out;
	size_t olen;
	int rc;

	rc = tunu_encap(c->type, &c->o, pkt, n, &out, &olen);
	if (rc != 0) {
		charge(f, c->id, CH_TX_ERR, 0);
		log_rl(&f->rl, LOG_SS_TUNNEL, LOG_NOTICE, "tunnel %u: not encapsulated: %s", c->id,
		       tunu_strerror(rc));
		return;
	}
	if (sendto(c->fd, out, olen, MSG_DONTWAIT, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		rc = errno;
		charge(f, c->id, CH_TX_ERR, 0);
		log_rl(&f->rl, LOG_SS_TUNNEL, LOG_NOTICE, "tunnel %u: send: %s", c->id,
		       strerror(rc));
		return;
	}
	charge(f, c->id, CH_TX, olen);
}

/*
 * An inner packet from the TUN device: find its tunnels (several for member routes),
 * encapsulate in place and send, once per tunnel.
 */
static void
from_tun(struct tunu_fwd *f, uint8_t *pkt, size_t n)
{
	struct fwd_tun *t[TUNU_FWD_MAX_MEMBERS];
	struct fwd_copy c[TUNU_FWD_MAX_MEMBERS];
	uint8_t saved[60];
	size_t hlen = 0;
	in_addr_t src, dst;
	unsigned nt;

	if (n < TUNU_IPHDR_LEN || pkt[0] >> 4 != 4) {
		charge(f, 0, CH_DROP, 0); /* IPv6 or junk: we only route IPv4 */
		return;
	}
	memcpy(&src, pkt + 12, 4);
	memcpy(&dst, pkt + 16, 4);
	pthread_mutex_lock(&f->lock);
	nt = route_lookup(f, src, dst, t);
	for (unsigned i = 0; i < nt; i++) {
		c[i] = (struct fwd_copy){
			.id = t[i]->id,
			.type = t[i]->p.encap,
			.fd = f->raw[sock_of(t[i]->p.encap)],
			.o = { .src = t[i]->p.local,
			       .dst = t[i]->p.remote,
			       .ttl = t[i]->p.ttl,
			       .id = t[i]->ip_id++,
			       .key_present = t[i]->p.key_present,
			       .key = t[i]->p.key },
		};
	}
	if (nt == 0)
		count(&f->total, CH_DROP, 0);
	pthread_mutex_unlock(&f->lock);

	if (nt > 1) {
		/* Minimal encapsulation rewrites the inner header: keep it for the next copy. */
		hlen = (size_t)(pkt[0] & 0x0f) * 4;
		if (hlen > n)
			hlen = n;
		memcpy(saved, pkt, hlen);
	}
	for (unsigned i = 0; i < nt; i++) {
		if (i > 0 && c[i - 1].type == TUNU_ENC_MIN)
			memcpy(pkt, saved, hlen);
		send_copy(f, &c[i], pkt, n);
	}
}

/* An encapsulated packet from a raw socket: validate, find its tunnel, deliver the inner one. */
static void
from_raw(struct tunu_fwd *f, uint8_t *pkt, size_t n)
{
	struct tunu_tparams key = { 0 };
	struct tunu_decap d;
	struct fwd_tun *t = NULL;
	char abuf[INET_ADDRSTRLEN];
	uint32_t id = 0;
	int rc;

	rc = tunu_decap(pkt, n, &d);
	if (rc != 0) {
		/* Charge the tunnel the packet claims to come from, if there is one. */
		if (n >= TUNU_IPHDR_LEN) {
			memcpy(&key.remote, pkt + 12, 4);
			memcpy(&key.local, pkt + 16, 4);
			key.encap = (enum tunu_encap)pkt[9];
		}
		pthread_mutex_lock(&f->lock);
		t = n >= TUNU_IPHDR_LEN ? tun_by_peer(f, &key, true) : NULL;
		if (t != NULL)
			count(&t->st, CH_RX_ERR, 0);
		count(&f->total, CH_RX_ERR, 0);
		pthread_mutex_unlock(&f->lock);
		log_rl(&f->rl, LOG_SS_TUNNEL, LOG_NOTICE, "dropped encapsulated packet from %s: %s",
		       inet_ntop(AF_INET, &key.remote, abuf, sizeof(abuf)), tunu_strerror(rc));
		return;
	}
	key.local = d.outer_dst;
	key.remote = d.outer_src;
	key.encap = d.type;
	key.key_present = d.key_present;
	key.key = d.key;
	pthread_mutex_lock(&f->lock);
	t = tun_by_peer(f, &key, false);
	if (t != NULL)
		id = t->id;
	else
		count(&f->total, CH_RX_ERR, 0);
	pthread_mutex_unlock(&f->lock);
	if (t == NULL) {
		log_rl(&f->rl, LOG_SS_TUNNEL, LOG_INFO,
		       "dropped tunnelled packet from %s: no tunnel",
		       inet_ntop(AF_INET, &d.outer_src, abuf, sizeof(abuf)));
		return;
	}
	if (write(f->tun_fd, pkt + d.inner_off, d.inner_len) < 0) {
		rc = errno;
		charge(f, id, CH_DROP, 0);
		log_rl(&f->rl, LOG_SS_TUNNEL, LOG_NOTICE, "tunnel %u: deliver: %s", id,
		       strerror(rc));
		return;
	}
	charge(f, id, CH_RX, n);
}

/* Serve up to FWD_BATCH packets from @fd. */
static void
serve(struct tunu_fwd *f, int fd, bool is_tun)
{
	uint8_t *pkt = f->buf + TUNU_HEADROOM;

	for (int i = 0; i < FWD_BATCH; i++) {
		ssize_t n = is_tun ? read(fd, pkt, FWD_PKT_MAX + 1)
		                   : recv(fd, pkt, FWD_PKT_MAX + 1, MSG_DONTWAIT);

		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_rl(&f->rl, LOG_SS_TUNNEL, LOG_WARNING, "forwarder read: %s",
				       strerror(errno));
			return;
		}
		if (n > FWD_PKT_MAX)
			continue; /* cannot happen for IPv4; never trusted anyway */
		if (is_tun)
			from_tun(f, pkt, (size_t)n);
		else
			from_raw(f, pkt, (size_t)n);
	}
}

static void *
fwd_main(void *arg)
{
	struct tunu_fwd *f = arg;
	struct pollfd pfd[SOCK_N + 2];
	int nfd = 0;

	pfd[nfd++] = (struct pollfd){ .fd = f->stop_fd, .events = POLLIN };
	pfd[nfd++] = (struct pollfd){ .fd = f->tun_fd, .events = POLLIN };
	for (int i = 0; i < SOCK_N; i++)
		if (f->raw[i] >= 0)
			pfd[nfd++] = (struct pollfd){ .fd = f->raw[i], .events = POLLIN };
	for (;;) {
		if (poll(pfd, (nfds_t)nfd, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_warn(LOG_SS_TUNNEL, "forwarder poll");
			break;
		}
		if (pfd[0].revents != 0)
			break;
		for (int i = 1; i < nfd; i++)
			if (pfd[i].revents & (POLLIN | POLLERR))
				serve(f, pfd[i].fd, i == 1);
	}
	return NULL;
}

/* --- life cycle ------------------------------------------------------------- */

static int
raw_open(int proto)
{
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0) {
		log_warn(LOG_SS_TUNNEL, "raw socket for protocol %d", proto);
		return -1;
	}
	/* We build the outer header ourselves: TOS and DF are copied per packet. */
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0) {
		log_warn(LOG_SS_TUNNEL, "IP_HDRINCL on protocol %d", proto);
		close(fd);
		return -1;
	}
	return fd;
}

struct tunu_fwd *
tunu_fwd_new(int tun_fd)
{
	struct tunu_fwd *f = calloc(1, sizeof(*f));
	sigset_t all, old;
	int rc;

	if (f == NULL)
		return NULL;
	f->tun_fd = tun_fd;
	f->stop_fd = -1;
	f->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 10);
	pthread_mutex_init(&f->lock, NULL);
	f->raw[SOCK_IPIP] = raw_open(TUNU_PROTO_IPIP);
	f->raw[SOCK_GRE] = raw_open(TUNU_PROTO_GRE);
	f->raw[SOCK_MIN] = raw_open(TUNU_PROTO_MINENC);
	if (htab_init(&f->by_id) < 0 || htab_init(&f->by_peer) < 0 || htab_init(&f->ents) < 0 ||
	    f->raw[SOCK_IPIP] < 0 || f->raw[SOCK_GRE] < 0)
		goto fail;
	f->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (f->stop_fd < 0)
		goto fail;
	/* The thread blocks every signal: they belong to the loop thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&f->thread, NULL, fwd_main, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_warnx(LOG_SS_TUNNEL, "forwarding thread: %s", strerror(rc));
		goto fail;
	}
	f->running = true;
	return f;
fail:
	tunu_fwd_free(f);
	return NULL;
}

bool
tunu_fwd_has_minimal(const struct tunu_fwd *f)
{
	return f->raw[SOCK_MIN] >= 0;
}

void
tunu_fwd_free(struct tunu_fwd *f)
{
	uint64_t one = 1;

	if (f == NULL)
		return;
	if (f->running) {
		if (write(f->stop_fd, &one, sizeof(one)) < 0)
			log_warn(LOG_SS_TUNNEL, "stop forwarding thread");
		pthread_join(f->thread, NULL);
	}
	if (f->ents.b != NULL && f->by_id.b != NULL)
		tunu_fwd_drain(f, NULL, NULL);
	free(f->by_id.b);
	free(f->by_peer.b);
	free(f->ents.b);
	for (int i = 0; i < SOCK_N; i++)
		if (f->raw[i] >= 0)
			close(f->raw[i]);
	if (f->stop_fd >= 0)
		close(f->stop_fd);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
