/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * radius_cache.h - hash table keyed by (entity, peer kind, peer name) with an LRU cap and expiry.
 *
 * The keystore-radius plugin keeps two of these: the answer cache (Accepts
 * for cache-lifetime, Rejects for negative-cache-lifetime, at most
 * cache-max-entries, least recently used evicted first) and the table of
 * requests in flight used to coalesce concurrent lookups (no cap, no expiry).
 *
 * Lookups hash the key with SipHash-2-4 under a random per-table key, so a
 * peer choosing NAIs cannot aim them at one bucket. Buckets double while the
 * table grows (load factor 1). Deadlines live in a core/expiry.c heap driven
 * by a loop timer, so expired entries leave the table on time and the entry
 * count is exact; an entry past its deadline is never returned, even before
 * the timer has run.
 *
 *   bucket[h & mask] -> entry -> entry      (hash chains, hnext)
 *   mru <-> entry <-> ... <-> entry <-> lru (recency, prev/next)
 *   expiry heap of entries with a deadline
 */
#ifndef PMIP_RADIUS_CACHE_H
#define PMIP_RADIUS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "expiry.h"
#include "radius_msg.h"

struct ev_loop;

/**
 * struct radius_cache_key - what an entry is found by.
 * @entity: enum sa_entity of the lookup.
 * @kind: enum sa_peer_kind of the peer (NAI or host).
 * @name: the peer: NAI, or the address in dotted form; NUL-terminated.
 */
struct radius_cache_key {
	int entity;
	int kind;
	char name[RADIUS_ATTR_MAX + 1];
};

/**
 * struct radius_cache_entry - one entry; owned by the table while stored.
 * @key: its key.
 * @val: the owner's value; freed with the table's free_val when the entry goes.
 * @hash: hash of @key.
 * @hnext: next entry in the bucket.
 * @prev: towards the most recently used end.
 * @next: towards the least recently used end.
 * @exp: deadline, when the entry has one.
 */
struct radius_cache_entry {
	struct radius_cache_key key;
	void *val;
	uint64_t hash;
	struct radius_cache_entry *hnext;
	struct radius_cache_entry *prev, *next;
	struct expiry_entry exp;
};

/**
 * struct radius_cache - the table.
 * @bucket: hash chains; @nbucket is a power of two.
 * @nbucket: number of buckets.
 * @mru: most recently used entry.
 * @lru: least recently used entry, the first evicted.
 * @n: entries stored.
 * @max: cap on @n (0: no cap).
 * @sipkey: random SipHash key.
 * @xp: deadlines.
 * @free_val: called on the value of every entry that leaves the table (may be NULL).
 * @evictions: entries dropped to respect @max.
 * @expirations: entries dropped at their deadline.
 */
struct radius_cache {
	struct radius_cache_entry **bucket;
	size_t nbucket;
	struct radius_cache_entry *mru, *lru;
	size_t n, max;
	uint8_t sipkey[16];
	struct expiry xp;
	void (*free_val)(void *val);
	uint64_t evictions;
	uint64_t expirations;
};

/**
 * radius_cache_init - set up an empty table.
 * @c: table (must not move until radius_cache_fini()).
 * @loop: event loop for the expiry timer.
 * @max: cap on entries, 0 for none.
 * @free_val: destructor of values, or NULL.
 * Return: 0 or -ENOMEM (then @c is zeroed).
 */
int radius_cache_init(struct radius_cache *c, struct ev_loop *loop, size_t max,
                      void (*free_val)(void *val));

/**
 * radius_cache_fini - drop every entry (values freed) and release the table. A zeroed
 * table is allowed.
 * @c: table.
 */
void radius_cache_fini(struct radius_cache *c);

/**
 * radius_cache_clear - drop every entry; values are freed.
 * @c: table.
 */
void radius_cache_clear(struct radius_cache *c);

/**
 * radius_cache_set_max - change the cap; least recently used entries are evicted to fit.
 * @c: table.
 * @max: new cap, 0 for none.
 */
void radius_cache_set_max(struct radius_cache *c, size_t max);

/**
 * radius_cache_key_set - fill @k.
 * @k: key to fill.
 * @entity: enum sa_entity.
 * @kind: enum sa_peer_kind.
 * @name: peer name, at most RADIUS_ATTR_MAX bytes (longer is cut).
 */
void radius_cache_key_set(struct radius_cache_key *k, int entity, int kind, const char *name);

/**
 * radius_cache_get - find the entry for @k and mark it most recently used.
 * @c: table.
 * @k: key.
 * Return: the entry, or NULL (also when its deadline has passed).
 */
struct radius_cache_entry *radius_cache_get(struct radius_cache *c,
                                            const struct radius_cache_key *k);

/**
 * radius_cache_put - store @val under @k, replacing any entry with that key.
 * @c: table.
 * @k: key.
 * @val: value; owned by the table from now on, even on failure (freed then).
 * @expires_ms: ev_now_ms() deadline, 0 for none.
 *
 * When the table is full, the least recently used entry is evicted first.
 * Return: the new entry, or NULL on allocation failure.
 */
struct radius_cache_entry *radius_cache_put(struct radius_cache *c,
                                            const struct radius_cache_key *k, void *val,
                                            uint64_t expires_ms);

/**
 * radius_cache_del - remove @e; its value is freed with free_val.
 * @c: table.
 * @e: an entry of @c.
 */
void radius_cache_del(struct radius_cache *c, struct radius_cache_entry *e);

/**
 * radius_cache_take - remove @e without freeing its value, which is returned.
 * @c: table.
 * @e: an entry of @c.
 * Return: the value.
 */
void *radius_cache_take(struct radius_cache *c, struct radius_cache_entry *e);

/**
 * radius_cache_hash - SipHash-2-4 of @len bytes at @p under @key (exposed for tests).
 * @key: 16-byte key.
 * @p: data.
 * @len: its length.
 * Return: the 64-bit hash.
 */
uint64_t radius_cache_hash(const uint8_t key[16], const void *p, size_t len);

#endif /* PMIP_RADIUS_CACHE_H */
