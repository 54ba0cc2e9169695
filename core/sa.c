/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sa.c - mobility security associations and the SA table.
 *
 * DOC: the SA table keeps three indexes over the same entries, so that no
 * lookup scans the whole table:
 *   - by name: a chained hash table (sa_table_get/put/del);
 *   - by peer: a chained hash table keyed by the host address or the NAI,
 *     holding SA_PEER_HOST and SA_PEER_NAI entries;
 *   - ranges: an array sorted by first address with a running maximum of
 *     the last addresses, so a lookup visits only the ranges that start at
 *     or below the address and stops as soon as none of the earlier ones can
 *     reach it.
 * Name order (sa_table_foreach) is produced by sorting on demand; it serves
 * configuration dumps, not the registration path.
 *
 * An SA's peer fields must not change while it is in a table: remove it,
 * change it, put it back (or put a new SA under the same name).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mip_replay.h"
#include "sa.h"

#define SA_MIN_BUCKETS 64

/* One table entry, linked into the name index and possibly the peer index. */
struct sa_node {
	struct mip_sa *sa;
	enum sa_peer_kind kind; /* as indexed, even if the SA is later misused */
	uint64_t name_hash;
	uint64_t peer_hash;
	struct sa_node *name_next;
	struct sa_node *peer_next;
};

struct htab {
	struct sa_node **b;
	size_t n; /* power of two */
	size_t count;
};

struct sa_table {
	struct htab names;
	struct htab peers;
	struct sa_node **ranges; /* sorted by ntohl(lo) */
	uint32_t *max_hi;        /* max_hi[i] = max ntohl(hi) over ranges[0..i] */
	size_t nranges;
	size_t cap_ranges;
};

struct mip_sa *
mip_sa_new(enum mip_auth_alg alg, const uint8_t *key, size_t keylen)
{
	struct mip_sa *sa;
	int rc;

	sa = calloc(1, sizeof(*sa));
	if (sa == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	rc = mip_auth_key_new(alg, key, keylen, &sa->key);
	if (rc < 0) {
		free(sa);
		errno = -rc;
		return NULL;
	}
	sa->alg = alg;
	sa->replay = SA_REPLAY_TIMESTAMP;
	sa->tolerance_s = MIP_REPLAY_TOLERANCE_DEFAULT;
	sa->refcnt = 1;
	return sa;
}

struct mip_sa *
mip_sa_ref(struct mip_sa *sa)
{
	sa->refcnt++;
	return sa;
}

void
mip_sa_unref(struct mip_sa *sa)
{
	if (sa == NULL || --sa->refcnt > 0)
		return;
	mip_auth_key_free(sa->key);
	free(sa);
}

bool
mip_sa_matches_addr(const struct mip_sa *sa, struct in_addr addr)
{
	uint32_t a = ntohl(addr.s_addr);

	switch (sa->peer_kind) {
	case SA_PEER_HOST:
		return sa->lo.s_addr == addr.s_addr;
	case SA_PEER_RANGE:
		return ntohl(sa->lo.s_addr) <= a && a <= ntohl(sa->hi.s_addr);
	case SA_PEER_NAI:
		break;
	}
	return false;
}

/* Hashing and the two chained hash tables. */

static uint64_t
fnv1a(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len-- > 0)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static uint64_t
str_hash(char tag, const char *s)
{
	return fnv1a(fnv1a(0xcbf29ce484222325ULL, &tag, 1), s, strlen(s));
}

static uint64_t
addr_hash(struct in_addr a)
{
	char tag = 'A';

	return fnv1a(fnv1a(0xcbf29ce484222325ULL, &tag, 1), &a.s_addr, sizeof(a.s_addr));
}

static uint64_t
peer_hash(const struct mip_sa *sa)
{
	return sa->peer_kind == SA_PEER_NAI ? str_hash('N', sa->nai) : addr_hash(sa->lo);
}

static struct sa_node **
link_of(struct sa_node *n, bool by_name)
{
	return by_name ? &n->name_next : &n->peer_next;
}

static uint64_t
hash_of(const struct sa_node *n, bool by_name)
{
	return by_name ? n->name_hash : n->peer_hash;
}

static int
htab_init(struct htab *h)
{
	h->b = calloc(SA_MIN_BUCKETS, sizeof(*h->b));
	h->n = SA_MIN_BUCKETS;
	h->count = 0;
	return h->b != NULL ? 0 : -ENOMEM;
}

static void
htab_grow(struct htab *h, bool by_name)
{
	size_t n = h->n * 2, i;
	struct sa_node **b, *e, *next;

	b = calloc(n, sizeof(*b));
	if (b == NULL)
		return; /* stay at the old size: still correct, only slower */
	for (i = 0; i < h->n; i++) {
		for (e = h->b[i]; e != NULL; e = next) {
			next = *link_of(e, by_name);
			*link_of(e, by_name) = b[hash_of(e, by_name) & (n - 1)];
			b[hash_of(e, by_name) & (n - 1)] = e;
		}
	}
	free(h->b);
	h->b = b;
	h->n = n;
}

static void
htab_insert(struct htab *h, struct sa_node *e, bool by_name)
{
	struct sa_node **head;

	if (h->count >= h->n)
		htab_grow(h, by_name);
	head = &h->b[hash_of(e, by_name) & (h->n - 1)];
	*link_of(e, by_name) = *head;
	*head = e;
	h->count++;
}

static void
htab_remove(struct htab *h, struct sa_node *e, bool by_name)
{
	struct sa_node **pp;

	for (pp = &h->b[hash_of(e, by_name) & (h->n - 1)]; *pp != NULL;
	     pp = link_of(*pp, by_name)) {
		if (*pp == e) {
			*pp = *link_of(e, by_name);
			h->count--;
			return;
		}
	}
}

/* The range index. */

static size_t
ranges_upper(const struct sa_table *t, uint32_t a)
{
	size_t lo = 0, hi = t->nranges;

	/* First index whose range starts above @a. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ntohl(t->ranges[mid]->sa->lo.s_addr) <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
ranges_fix_max(struct sa_table *t, size_t from)
{
	size_t i;

	for (i = from; i < t->nranges; i++) {
		uint32_t hi = ntohl(t->ranges[i]->sa->hi.s_addr);

		t->max_hi[i] = (i > 0 && t->max_hi[i - 1] > hi) ? t->max_hi[i - 1] : hi;
	}
}

static int
ranges_insert(struct sa_table *t, struct sa_node *e)
{
	size_t pos;

	if (t->nranges == t->cap_ranges) {
		size_t cap = t->cap_ranges ? t->cap_ranges * 2 : 16;
		struct sa_node **r = realloc(t->ranges, cap * sizeof(*r));
		uint32_t *m;

		if (r == NULL)
			return -ENOMEM;
		t->ranges = r;
		m = realloc(t->max_hi, cap * sizeof(*m));
		if (m == NULL)
			return -ENOMEM;
		t->max_hi = m;
		t->cap_ranges = cap;
	}
	pos = ranges_upper(t, ntohl(e->sa->lo.s_addr));
	memmove(&t->ranges[pos + 1], &t->ranges[pos], (t->nranges - pos) * sizeof(*t->ranges));
	t->ranges[pos] = e;
	t->nranges++;
	ranges_fix_max(t, pos);
	return 0;
}

static void
ranges_remove(struct sa_table *t, struct sa_node *e)
{
	size_t i;

	for (i = 0; i < t->nranges; i++) {
		if (t->ranges[i] == e) {
			memmove(&t->ranges[i], &t->ranges[i + 1],
			        (t->nranges - i - 1) * sizeof(*t->ranges));
			t->nranges--;
			ranges_fix_max(t, i);
			return;
		}
	}
}

/* The table. */

struct sa_table *
sa_table_new(void)
{
	struct sa_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	if (htab_init(&t->names) < 0 || htab_init(&t->peers) < 0) {
		free(t->names.b);
		free(t->peers.b);
		free(t);
		return NULL;
	}
	return t;
}

void
sa_table_free(struct sa_table *t)
{
	struct sa_node *e, *next;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->names.n; i++) {
		for (e = t->names.b[i]; e != NULL; e = next) {
			next = e->name_next;
			mip_sa_unref(e->sa);
			free(e);
		}
	}
	free(t->names.b);
	free(t->peers.b);
	free(t->ranges);
	free(t->max_hi);
	free(t);
}

static struct sa_node *
find_name(const struct sa_table *t, const char *name)
{
	uint64_t h = str_hash('S', name);
	struct sa_node *e;

	for (e = t->names.b[h & (t->names.n - 1)]; e != NULL; e = e->name_next) {
		if (e->name_hash == h && strcmp(e->sa->name, name) == 0)
			return e;
	}
	return NULL;
}

static void
unlink_node(struct sa_table *t, struct sa_node *e)
{
	htab_remove(&t->names, e, true);
	if (e->kind == SA_PEER_RANGE)
		ranges_remove(t, e);
	else
		htab_remove(&t->peers, e, false);
}

static bool
sa_valid(const struct mip_sa *sa)
{
	if (memchr(sa->name, '\0', sizeof(sa->name)) == NULL ||
	    memchr(sa->nai, '\0', sizeof(sa->nai)) == NULL)
		return false;
	switch (sa->peer_kind) {
	case SA_PEER_HOST:
		return true;
	case SA_PEER_RANGE:
		return ntohl(sa->lo.s_addr) <= ntohl(sa->hi.s_addr);
	case SA_PEER_NAI:
		return sa->nai[0] != '\0';
	}
	return false;
}

int
sa_table_put(struct sa_table *t, struct mip_sa *sa)
{
	struct sa_node *e, *old;

	if (!sa_valid(sa))
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	e->sa = sa;
	e->kind = sa->peer_kind;
	e->name_hash = str_hash('S', sa->name);
	if (sa->peer_kind == SA_PEER_RANGE) {
		if (ranges_insert(t, e) < 0) {
			free(e);
			return -ENOMEM;
		}
	} else {
		e->peer_hash = peer_hash(sa);
		htab_insert(&t->peers, e, false);
	}
	mip_sa_ref(sa);
	old = find_name(t, sa->name);
	if (old != NULL) {
		unlink_node(t, old);
		mip_sa_unref(old->sa);
		free(old);
	}
	htab_insert(&t->names, e, true);
	return 0;
}

int
sa_table_del(struct sa_table *t, const char *name)
{
	struct sa_node *e = find_name(t, name);

	if (e == NULL)
		return -ENOENT;
	unlink_node(t, e);
	mip_sa_unref(e->sa);
	free(e);
	return 0;
}

struct mip_sa *
sa_table_get(const struct sa_table *t, const char *name)
{
	struct sa_node *e = find_name(t, name);

	return e != NULL ? e->sa : NULL;
}

unsigned
sa_table_count(const struct sa_table *t)
{
	return (unsigned)t->names.count;
}

static bool
wanted(const struct mip_sa *sa, enum sa_entity entity, uint32_t spi)
{
	return sa->entity == entity && (spi == 0 || sa->spi == spi);
}

/* Among equally good candidates, the smallest name wins, so lookups are deterministic. */
static bool
better_name(const struct mip_sa *cand, const struct mip_sa *best)
{
	return best == NULL || strcmp(cand->name, best->name) < 0;
}

static struct mip_sa *
lookup_peer(const struct sa_table *t, enum sa_peer_kind kind, struct in_addr addr, const char *nai,
            enum sa_entity entity, uint32_t spi)
{
	uint64_t h = kind == SA_PEER_NAI ? str_hash('N', nai) : addr_hash(addr);
	struct mip_sa *best = NULL;
	struct sa_node *e;

	for (e = t->peers.b[h & (t->peers.n - 1)]; e != NULL; e = e->peer_next) {
		struct mip_sa *sa = e->sa;

		if (e->peer_hash != h || e->kind != kind || !wanted(sa, entity, spi))
			continue;
		if (kind == SA_PEER_NAI ? strcmp(sa->nai, nai) != 0 : sa->lo.s_addr != addr.s_addr)
			continue;
		if (better_name(sa, best))
			best = sa;
	}
	return best;
}

static struct mip_sa *
lookup_range(const struct sa_table *t, struct in_addr addr, enum sa_entity entity, uint32_t spi)
{
	uint32_t a = ntohl(addr.s_addr), best_w = 0;
	struct mip_sa *best = NULL;
	size_t i = ranges_upper(t, a);

	while (i-- > 0 && t->max_hi[i] >= a) {
		struct mip_sa *sa = t->ranges[i]->sa;
		uint32_t w = ntohl(sa->hi.s_addr) - ntohl(sa->lo.s_addr);

		if (ntohl(sa->hi.s_addr) < a || !wanted(sa, entity, spi))
			continue;
		if (best == NULL || w < best_w || (w == best_w && better_name(sa, best))) {
			best = sa;
			best_w = w;
		}
	}
	return best;
}

struct mip_sa *
sa_table_lookup(const struct sa_table *t, enum sa_entity entity, struct in_addr addr,
                const char *nai, uint32_t spi)
{
	struct mip_sa *sa;

	if (nai != NULL && nai[0] != '\0') {
		sa = lookup_peer(t, SA_PEER_NAI, addr, nai, entity, spi);
		if (sa != NULL)
			return sa;
	}
	if (addr.s_addr == htonl(INADDR_ANY))
		return NULL;
	sa = lookup_peer(t, SA_PEER_HOST, addr, NULL, entity, spi);
	if (sa != NULL)
		return sa;
	return lookup_range(t, addr, entity, spi);
}

static int
cmp_name(const void *a, const void *b)
{
	const struct mip_sa *x = *(struct mip_sa *const *)a;
	const struct mip_sa *y = *(struct mip_sa *const *)b;

	return strcmp(x->name, y->name);
}

int
sa_table_foreach(const struct sa_table *t, int (*fn)(struct mip_sa *sa, void *arg), void *arg)
{
	size_t n = t->names.count, i, k = 0;
	struct mip_sa **v;
	struct sa_node *e;
	int rc = 0;

	if (n == 0)
		return 0;
	v = malloc(n * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	/* Hold references so that @fn may delete entries while we iterate. */
	for (i = 0; i < t->names.n; i++)
		for (e = t->names.b[i]; e != NULL; e = e->name_next)
			v[k++] = mip_sa_ref(e->sa);
	qsort(v, n, sizeof(*v), cmp_name);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = fn(v[i], arg);
		mip_sa_unref(v[i]);
	}
	free(v);
	return rc;
}
