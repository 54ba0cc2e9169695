/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aap_table.h - the replicated subnet-map table of the AAP protocol.
 *
 * One entry per subnet (prefix, length): home agent, origin AP, owning AAP, version and a
 * deletion marker (tombstone). Every copy of the table (each AAP's, each AP's) changes only
 * through aap_table_merge(), a last-writer-wins register per subnet under a total order of
 * entries (version, then tombstone, then AAP, origin, home agent): merging is commutative,
 * associative and idempotent, so copies that have seen the same entries are equal whatever
 * the order and repetition of the messages that carried them.
 *
 * Digest: each entry hashes to the first 8 bytes (big-endian) of SHA-256 over its 28-byte
 * wire form; each of AAP_BUCKETS buckets sums (mod 2^64) the hashes of its entries, and
 * the table digest sums the buckets. Sums are updated on every change, so digests cost
 * nothing to read. bucket = FNV-1a-32 over the 4 prefix bytes and the length byte, mod
 * AAP_BUCKETS (docs/aap-protocol.md).
 */
#ifndef PMIP_AAP_TABLE_H
#define PMIP_AAP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aap_msg.h"

struct aap_table;

/** enum aap_merge - outcome of aap_table_merge(). */
enum aap_merge {
	AAP_MERGE_NEW = 1, /* the subnet was not in the table */
	AAP_MERGE_UPDATED, /* the entry replaced an older one */
	AAP_MERGE_STALE,   /* the table already holds this entry or a newer one */
	AAP_MERGE_FULL,    /* a new subnet, but the table is at its size limit */
	AAP_MERGE_INVALID, /* the entry is not well formed */
};

/**
 * aap_table_new - create an empty table.
 * @max_entries: size limit, tombstones included (at least 1).
 *
 * Return: the table, or NULL when out of memory.
 */
struct aap_table *aap_table_new(uint32_t max_entries);

/** aap_table_free - free @t; NULL allowed. */
void aap_table_free(struct aap_table *t);

/** aap_table_set_max - change the size limit (existing entries stay). */
void aap_table_set_max(struct aap_table *t, uint32_t max_entries);

/**
 * aap_entry_cmp - the total order of the merge.
 * @a: entry.
 * @b: entry of the same subnet.
 *
 * Return: <0, 0 or >0 as @a is older than, equal to or newer than @b.
 */
int aap_entry_cmp(const struct aap_entry *a, const struct aap_entry *b);

/** aap_entry_hash - digest contribution of @e. */
uint64_t aap_entry_hash(const struct aap_entry *e);

/** aap_entry_bucket - reconciliation bucket of the subnet (@prefix, @len). */
unsigned aap_entry_bucket(struct in_addr prefix, uint8_t len);

/**
 * aap_table_merge - merge @e into @t.
 * @t: table.
 * @e: entry (copied).
 * @old: if not NULL, receives the replaced entry on AAP_MERGE_UPDATED.
 *
 * Return: enum aap_merge.
 */
enum aap_merge aap_table_merge(struct aap_table *t, const struct aap_entry *e,
                               struct aap_entry *old);

/**
 * aap_table_write - a local change: give @e a version newer than anything the table has
 * seen and merge it.
 * @t: table.
 * @e: entry; its version is set here (max(@now_us, highest version seen + 1)).
 * @now_us: wall clock in microseconds.
 *
 * Return: enum aap_merge (AAP_MERGE_NEW, AAP_MERGE_UPDATED, AAP_MERGE_FULL or
 * AAP_MERGE_INVALID).
 */
enum aap_merge aap_table_write(struct aap_table *t, struct aap_entry *e, uint64_t now_us);

/**
 * aap_table_get - the entry of the subnet (@prefix, @len), tombstones included.
 * Return: the entry (valid until the table changes), or NULL.
 */
const struct aap_entry *aap_table_get(const struct aap_table *t, struct in_addr prefix,
                                      uint8_t len);

/**
 * aap_table_remove - drop the subnet (@prefix, @len) without a tombstone (purge, replace).
 * Return: true if it was there.
 */
bool aap_table_remove(struct aap_table *t, struct in_addr prefix, uint8_t len);

/** aap_table_count - number of entries, tombstones included. */
size_t aap_table_count(const struct aap_table *t);

/** aap_table_live - number of entries that are not tombstones. */
size_t aap_table_live(const struct aap_table *t);

/** aap_table_digest - the table digest (sum of the bucket digests). */
uint64_t aap_table_digest(const struct aap_table *t);

/** aap_table_bucket_digest - digest of bucket @b (< AAP_BUCKETS). */
uint64_t aap_table_bucket_digest(const struct aap_table *t, unsigned b);

/** aap_table_bucket_count - entries in bucket @b. */
size_t aap_table_bucket_count(const struct aap_table *t, unsigned b);

/** aap_table_max_version - highest version the table has seen (0 if none). */
uint64_t aap_table_max_version(const struct aap_table *t);

/**
 * typedef aap_table_fn - visitor of aap_table_foreach().
 * @e: the entry (do not change the table from the visitor).
 * @arg: the caller's argument.
 * Return: 0 to go on, non-zero to stop (returned by aap_table_foreach()).
 */
typedef int (*aap_table_fn)(const struct aap_entry *e, void *arg);

/**
 * aap_table_foreach - visit entries bucket by bucket.
 * @t: table.
 * @bitmap: AAP_BITMAP_LEN bytes selecting buckets (bit 0x80 of byte 0 is bucket 0), or
 *	NULL for all.
 * @fn: visitor.
 * @arg: its argument.
 *
 * Return: 0, or the first non-zero value @fn returned.
 */
int aap_table_foreach(const struct aap_table *t, const uint8_t *bitmap, aap_table_fn fn, void *arg);

/**
 * aap_table_purge - remove tombstones whose version is older than @now_us - @ttl_us.
 * Return: the number removed.
 */
size_t aap_table_purge(struct aap_table *t, uint64_t now_us, uint64_t ttl_us);

/** aap_bitmap_test - is bucket @b set in @bitmap? */
static inline bool
aap_bitmap_test(const uint8_t *bitmap, unsigned b)
{
	return (bitmap[b / 8] & (0x80u >> (b % 8))) != 0;
}

/** aap_bitmap_set - set bucket @b in @bitmap. */
static inline void
aap_bitmap_set(uint8_t *bitmap, unsigned b)
{
	bitmap[b / 8] |= (uint8_t)(0x80u >> (b % 8));
}

#endif /* PMIP_AAP_TABLE_H */
