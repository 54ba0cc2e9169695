/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aap_table.c - the AAP subnet-map table: hash by subnet, bucket lists, digests, merge.
 *
 * Entries live in a chained hash table keyed by (prefix, length) that doubles when it
 * fills, and on a doubly linked list per reconciliation bucket, so that the entries of a
 * bucket are walked directly and a bucket digest is a running sum kept up to date.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "aap_table.h"
#include "wire.h"

struct aap_node {
	struct aap_entry e;
	uint64_t hash;          /* aap_entry_hash(&e) */
	struct aap_node *hnext; /* hash chain */
	struct aap_node *bprev, *bnext;
	unsigned bucket;
};

struct aap_table {
	struct aap_node **hash;
	size_t hash_size; /* power of two */
	size_t count;
	size_t live;
	uint32_t max;
	uint64_t max_version;
	struct aap_node *bucket[AAP_BUCKETS];
	size_t bcount[AAP_BUCKETS];
	uint64_t bdigest[AAP_BUCKETS];
};

unsigned
aap_entry_bucket(struct in_addr prefix, uint8_t len)
{
	uint8_t k[5];
	uint32_t h = 2166136261u;

	memcpy(k, &prefix, 4);
	k[4] = len;
	for (size_t i = 0; i < sizeof(k); i++) {
		h ^= k[i];
		h *= 16777619u;
	}
	return h % AAP_BUCKETS;
}

uint64_t
aap_entry_hash(const struct aap_entry *e)
{
	uint8_t w[AAP_ENTRY_LEN], md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;

	aap_entry_encode(w, e);
	if (EVP_Digest(w, sizeof(w), md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen < 8)
		return 0;
	return wire_get64(md);
}

static int
aap_u32cmp(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

int
aap_entry_cmp(const struct aap_entry *a, const struct aap_entry *b)
{
	int c;

	if (a->version != b->version)
		return a->version < b->version ? -1 : 1;
	if ((c = aap_u32cmp(a->flags & AAP_ENT_TOMBSTONE, b->flags & AAP_ENT_TOMBSTONE)) != 0)
		return c;
	if ((c = aap_u32cmp(ntohl(a->aap.s_addr), ntohl(b->aap.s_addr))) != 0)
		return c;
	if ((c = aap_u32cmp(ntohl(a->origin.s_addr), ntohl(b->origin.s_addr))) != 0)
		return c;
	return aap_u32cmp(ntohl(a->ha.s_addr), ntohl(b->ha.s_addr));
}

static size_t
aap_slot(struct in_addr prefix, uint8_t len, size_t size)
{
	uint64_t h = ((uint64_t)prefix.s_addr << 8 | len) * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (size - 1);
}

struct aap_table *
aap_table_new(uint32_t max_entries)
{
	struct aap_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->hash_size = 64;
	t->hash = calloc(t->hash_size, sizeof(*t->hash));
	if (t->hash == NULL) {
		free(t);
		return NULL;
	}
	t->max = max_entries != 0 ? max_entries : 1;
	return t;
}

void
aap_table_free(struct aap_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->hash_size; i++) {
		struct aap_node *n, *next;

		for (n = t->hash[i]; n != NULL; n = next) {
			next = n->hnext;
			free(n);
		}
	}
	free(t->hash);
	free(t);
}

void
aap_table_set_max(struct aap_table *t, uint32_t max_entries)
{
	t->max = max_entries != 0 ? max_entries : 1;
}

static struct aap_node *
aap_find(const struct aap_table *t, struct in_addr prefix, uint8_t len)
{
	struct aap_node *n;

	for (n = t->hash[aap_slot(prefix, len, t->hash_size)]; n != NULL; n = n->hnext)
		if (n->e.prefix.s_addr == prefix.s_addr && n->e.len == len)
			return n;
	return NULL;
}

static void
aap_grow(struct aap_table *t)
{
	size_t size = t->hash_size * 2;
	struct aap_node **h = calloc(size, sizeof(*h));

	if (h == NULL)
		return; /* longer chains, still correct */
	for (size_t i = 0; i < t->hash_size; i++) {
		struct aap_node *n, *next;

		for (n = t->hash[i]; n != NULL; n = next) {
			size_t j = aap_slot(n->e.prefix, n->e.len, size);

			next = n->hnext;
			n->hnext = h[j];
			h[j] = n;
		}
	}
	free(t->hash);
	t->hash = h;
	t->hash_size = size;
}

/* Account @n's contribution (+1) or withdraw it (-1). */
static void
aap_account(struct aap_table *t, struct aap_node *n, int sign)
{
	bool live = !(n->e.flags & AAP_ENT_TOMBSTONE);

	if (sign > 0) {
		t->bdigest[n->bucket] += n->hash;
		t->live += live;
	} else {
		t->bdigest[n->bucket] -= n->hash;
		t->live -= live;
	}
}

enum aap_merge
aap_table_merge(struct aap_table *t, const struct aap_entry *e, struct aap_entry *old)
{
	struct aap_node *n;
	size_t i;

	if (!aap_entry_valid(e))
		return AAP_MERGE_INVALID;
	if (e->version > t->max_version)
		t->max_version = e->version;
	n = aap_find(t, e->prefix, e->len);
	if (n != NULL) {
		if (aap_entry_cmp(e, &n->e) <= 0)
			return AAP_MERGE_STALE;
		if (old != NULL)
			*old = n->e;
		aap_account(t, n, -1);
		n->e = *e;
		n->hash = aap_entry_hash(e);
		aap_account(t, n, +1);
		return AAP_MERGE_UPDATED;
	}
	if (t->count >= t->max)
		return AAP_MERGE_FULL;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return AAP_MERGE_FULL;
	if (t->count >= t->hash_size)
		aap_grow(t);
	n->e = *e;
	n->hash = aap_entry_hash(e);
	n->bucket = aap_entry_bucket(e->prefix, e->len);
	i = aap_slot(e->prefix, e->len, t->hash_size);
	n->hnext = t->hash[i];
	t->hash[i] = n;
	n->bnext = t->bucket[n->bucket];
	if (n->bnext != NULL)
		n->bnext->bprev = n;
	t->bucket[n->bucket] = n;
	t->bcount[n->bucket]++;
	t->count++;
	aap_account(t, n, +1);
	return AAP_MERGE_NEW;
}

enum aap_merge
aap_table_write(struct aap_table *t, struct aap_entry *e, uint64_t now_us)
{
	e->version = now_us > t->max_version ? now_us : t->max_version + 1;
	return aap_table_merge(t, e, NULL);
}

const struct aap_entry *
aap_table_get(const struct aap_table *t, struct in_addr prefix, uint8_t len)
{
	const struct aap_node *n = aap_find(t, prefix, len);

	return n != NULL ? &n->e : NULL;
}

bool
aap_table_remove(struct aap_table *t, struct in_addr prefix, uint8_t len)
{
	struct aap_node **pp, *n;

	for (pp = &t->hash[aap_slot(prefix, len, t->hash_size)]; *pp != NULL; pp = &(*pp)->hnext)
		if ((*pp)->e.prefix.s_addr == prefix.s_addr && (*pp)->e.len == len)
			break;
	if ((n = *pp) == NULL)
		return false;
	*pp = n->hnext;
	if (n->bprev != NULL)
		n->bprev->bnext = n->bnext;
	else
		t->bucket[n->bucket] = n->bnext;
	if (n->bnext != NULL)
		n->bnext->bprev = n->bprev;
	t->bcount[n->bucket]--;
	t->count--;
	aap_account(t, n, -1);
	free(n);
	return true;
}

size_t
aap_table_count(const struct aap_table *t)
{
	return t->count;
}

size_t
aap_table_live(const struct aap_table *t)
{
	return t->live;
}

uint64_t
aap_table_digest(const struct aap_table *t)
{
	uint64_t d = 0;

	for (unsigned b = 0; b < AAP_BUCKETS; b++)
		d += t->bdigest[b];
	return d;
}

uint64_t
aap_table_bucket_digest(const struct aap_table *t, unsigned b)
{
	return b < AAP_BUCKETS ? t->bdigest[b] : 0;
}

size_t
aap_table_bucket_count(const struct aap_table *t, unsigned b)
{
	return b < AAP_BUCKETS ? t->bcount[b] : 0;
}

uint64_t
aap_table_max_version(const struct aap_table *t)
{
	return t->max_version;
}

int
aap_table_foreach(const struct aap_table *t, const uint8_t *bitmap, aap_table_fn fn, void *arg)
{
	for (unsigned b = 0; b < AAP_BUCKETS; b++) {
		const struct aap_node *n;
		int r;

		if (bitmap != NULL && !aap_bitmap_test(bitmap, b))
			continue;
		for (n = t->bucket[b]; n != NULL; n = n->bnext)
			if ((r = fn(&n->e, arg)) != 0)
				return r;
	}
	return 0;
}

size_t
aap_table_purge(struct aap_table *t, uint64_t now_us, uint64_t ttl_us)
{
	size_t removed = 0;

	if (now_us < ttl_us)
		return 0;
	for (unsigned b = 0; b < AAP_BUCKETS; b++) {
		struct aap_node *n = t->bucket[b], *next;

		for (; n != NULL; n = next) {
			next = n->bnext;
			if ((n->e.flags & AAP_ENT_TOMBSTONE) && n->e.version < now_us - ttl_us) {
				aap_table_remove(t, n->e.prefix, n->e.len);
				removed++;
			}
		}
	}
	return removed;
}
