/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * radius_cache.c - hash table with LRU cap and deadlines for the keystore-radius plugin.
 *
 * See radius_cache.h for the structure. Every removal goes through
 * cache_unlink(), which takes the entry out of its bucket, the recency list
 * and the expiry heap together, so the three never disagree.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "ev.h"
#include "radius_cache.h"

#define CACHE_BUCKETS_MIN 64
#define CACHE_BUCKETS_MAX ((size_t)1 << 20)

/* --- SipHash-2-4 (Aumasson and Bernstein), little-endian reads --- */

#define ROTL64(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#define SIPROUND                     \
	do {                         \
		v0 += v1;            \
		v1 = ROTL64(v1, 13); \
		v1 ^= v0;            \
		v0 = ROTL64(v0, 32); \
		v2 += v3;            \
		v3 = ROTL64(v3, 16); \
		v3 ^= v2;            \
		v0 += v3;            \
		v3 = ROTL64(v3, 21); \
		v3 ^= v0;            \
		v2 += v1;            \
		v1 = ROTL64(v1, 17); \
		v1 ^= v2;            \
		v2 = ROTL64(v2, 32); \
	} while (0)

uint64_t
radius_cache_hash(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	uint64_t m, b = (uint64_t)len << 56;
	size_t i, tail = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(p + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t j = 0; j < tail; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* --- table --- */

static uint64_t
key_hash(const struct radius_cache *c, const struct radius_cache_key *k)
{
	uint8_t buf[2 + RADIUS_ATTR_MAX];
	size_t n = strnlen(k->name, RADIUS_ATTR_MAX);

	buf[0] = (uint8_t)k->entity;
	buf[1] = (uint8_t)k->kind;
	memcpy(buf + 2, k->name, n);
	return radius_cache_hash(c->sipkey, buf, 2 + n);
}

static bool
key_equal(const struct radius_cache_key *a, const struct radius_cache_key *b)
{
	return a->entity == b->entity && a->kind == b->kind && strcmp(a->name, b->name) == 0;
}

static void
lru_unlink(struct radius_cache *c, struct radius_cache_entry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		c->mru = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		c->lru = e->prev;
	e->prev = e->next = NULL;
}

static void
lru_push(struct radius_cache *c, struct radius_cache_entry *e)
{
	e->prev = NULL;
	e->next = c->mru;
	if (c->mru != NULL)
		c->mru->prev = e;
	c->mru = e;
	if (c->lru == NULL)
		c->lru = e;
}

/* Take @e out of its bucket, the recency list and the heap. */
static void
cache_unlink(struct radius_cache *c, struct radius_cache_entry *e)
{
	struct radius_cache_entry **pp = &c->bucket[e->hash & (c->nbucket - 1)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(c, e);
	expiry_remove(&c->xp, &e->exp);
	c->n--;
}

void *
radius_cache_take(struct radius_cache *c, struct radius_cache_entry *e)
{
	void *val = e->val;

	cache_unlink(c, e);
	free(e);
	return val;
}

void
radius_cache_del(struct radius_cache *c, struct radius_cache_entry *e)
{
	void *val = radius_cache_take(c, e);

	if (c->free_val != NULL && val != NULL)
		c->free_val(val);
}

static void
cache_expired(struct expiry_entry *x, void *arg)
{
	struct radius_cache *c = arg;

	c->expirations++;
	radius_cache_del(c, EXPIRY_ENTRY(x, struct radius_cache_entry, exp));
}

int
radius_cache_init(struct radius_cache *c, struct ev_loop *loop, size_t max,
                  void (*free_val)(void *val))
{
	memset(c, 0, sizeof(*c));
	c->bucket = calloc(CACHE_BUCKETS_MIN, sizeof(*c->bucket));
	if (c->bucket == NULL || RAND_bytes(c->sipkey, sizeof(c->sipkey)) != 1 ||
	    expiry_init(&c->xp, loop, cache_expired, c) != 0) {
		free(c->bucket);
		memset(c, 0, sizeof(*c));
		return -ENOMEM;
	}
	c->nbucket = CACHE_BUCKETS_MIN;
	c->max = max;
	c->free_val = free_val;
	return 0;
}

void
radius_cache_clear(struct radius_cache *c)
{
	while (c->mru != NULL)
		radius_cache_del(c, c->mru);
}

void
radius_cache_fini(struct radius_cache *c)
{
	if (c->bucket != NULL)
		radius_cache_clear(c);
	expiry_fini(&c->xp);
	free(c->bucket);
	memset(c, 0, sizeof(*c));
}

static void
cache_evict_to(struct radius_cache *c, size_t room)
{
	while (c->max > 0 && c->lru != NULL && c->n + room > c->max) {
		c->evictions++;
		radius_cache_del(c, c->lru);
	}
}

void
radius_cache_set_max(struct radius_cache *c, size_t max)
{
	c->max = max;
	cache_evict_to(c, 0);
}

void
radius_cache_key_set(struct radius_cache_key *k, int entity, int kind, const char *name)
{
	memset(k, 0, sizeof(*k));
	k->entity = entity;
	k->kind = kind;
	memcpy(k->name, name, strnlen(name, RADIUS_ATTR_MAX));
}

struct radius_cache_entry *
radius_cache_get(struct radius_cache *c, const struct radius_cache_key *k)
{
	uint64_t h = key_hash(c, k);
	struct radius_cache_entry *e;

	for (e = c->bucket[h & (c->nbucket - 1)]; e != NULL; e = e->hnext)
		if (e->hash == h && key_equal(&e->key, k))
			break;
	if (e == NULL)
		return NULL;
	if (expiry_pending(&e->exp) && e->exp.at_ms <= ev_now_ms()) {
		c->expirations++;
		radius_cache_del(c, e); /* due, its timer has not run yet */
		return NULL;
	}
	lru_unlink(c, e);
	lru_push(c, e);
	return e;
}

/* Double the buckets when the load passes 1; failure only costs speed. */
static void
cache_grow(struct radius_cache *c)
{
	size_t nb = c->nbucket * 2;
	struct radius_cache_entry **b;

	if (c->n < c->nbucket || nb > CACHE_BUCKETS_MAX)
		return;
	b = calloc(nb, sizeof(*b));
	if (b == NULL)
		return;
	for (size_t i = 0; i < c->nbucket; i++) {
		struct radius_cache_entry *e, *next;

		for (e = c->bucket[i]; e != NULL; e = next) {
			next = e->hnext;
			e->hnext = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	}
	free(c->bucket);
	c->bucket = b;
	c->nbucket = nb;
}

struct radius_cache_entry *
radius_cache_put(struct radius_cache *c, const struct radius_cache_key *k, void *val,
                 uint64_t expires_ms)
{
	struct radius_cache_entry *e = radius_cache_get(c, k);
	size_t i;

	if (e != NULL)
		radius_cache_del(c, e);
	cache_evict_to(c, 1);
	e = calloc(1, sizeof(*e));
	if (e == NULL || (expires_ms != 0 && expiry_reserve(&c->xp, c->n + 1) != 0)) {
		free(e);
		if (c->free_val != NULL && val != NULL)
			c->free_val(val);
		return NULL;
	}
	e->key = *k;
	e->val = val;
	e->hash = key_hash(c, k);
	i = e->hash & (c->nbucket - 1);
	e->hnext = c->bucket[i];
	c->bucket[i] = e;
	lru_push(c, e);
	c->n++;
	if (expires_ms != 0)
		expiry_add(&c->xp, &e->exp, expires_ms); /* room reserved above */
	cache_grow(c);
	return e;
}
