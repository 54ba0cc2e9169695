/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * submap.c - the subnet map: one hash table keyed by (prefix, length), probed per length.
 *
 * See submap.h for the layout. The hash table chains its nodes and doubles when the load
 * exceeds one; @lens has bit L set while at least one entry of length L exists (@per_len
 * counts them), so a lookup touches only the lengths present, longest first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "submap.h"

#define SUBMAP_MIN_BUCKETS 64

struct submap_node {
	struct submap_node *next;
	struct submap_entry e;
};

struct submap {
	struct submap_node **hash;
	size_t size; /* buckets, a power of two */
	size_t count;
	uint64_t lens;              /* bit L: some entry has length L */
	size_t per_len[33];         /* entries per length */
	struct submap_node **order; /* sorted view for walks, NULL when stale */
};

static size_t
submap_hash(uint32_t prefix_host, uint8_t len, size_t size)
{
	uint64_t h = ((uint64_t)prefix_host << 6 | len) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32) & (size - 1);
}

static void
submap_stale(struct submap *m)
{
	free(m->order);
	m->order = NULL;
}

struct submap *
submap_new(void)
{
	struct submap *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->hash = calloc(SUBMAP_MIN_BUCKETS, sizeof(*m->hash));
	if (m->hash == NULL) {
		free(m);
		return NULL;
	}
	m->size = SUBMAP_MIN_BUCKETS;
	return m;
}

void
submap_free(struct submap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->size; i++) {
		struct submap_node *n = m->hash[i], *next;

		for (; n != NULL; n = next) {
			next = n->next;
			free(n);
		}
	}
	free(m->hash);
	free(m->order);
	free(m);
}

static struct submap_node **
submap_slot(const struct submap *m, struct in_addr prefix, uint8_t len)
{
	struct submap_node **pp = &m->hash[submap_hash(ntohl(prefix.s_addr), len, m->size)];

	while (*pp != NULL && ((*pp)->e.len != len || (*pp)->e.prefix.s_addr != prefix.s_addr))
		pp = &(*pp)->next;
	return pp;
}

/* Double the bucket array; on allocation failure the chains just grow longer. */
static void
submap_grow(struct submap *m)
{
	size_t size = m->size * 2;
	struct submap_node **h = calloc(size, sizeof(*h));

	if (h == NULL)
		return;
	for (size_t i = 0; i < m->size; i++) {
		struct submap_node *n = m->hash[i], *next;

		for (; n != NULL; n = next) {
			size_t b = submap_hash(ntohl(n->e.prefix.s_addr), n->e.len, size);

			next = n->next;
			n->next = h[b];
			h[b] = n;
		}
	}
	free(m->hash);
	m->hash = h;
	m->size = size;
}

int
submap_put(struct submap *m, const struct submap_entry *e)
{
	struct submap_node **pp, *n;

	if (e->len > 32 || (e->prefix.s_addr & ~submap_mask(e->len)) != 0)
		return -EINVAL;
	pp = submap_slot(m, e->prefix, e->len);
	if (*pp != NULL) {
		(*pp)->e = *e;
		return 0;
	}
	n = malloc(sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	n->e = *e;
	n->next = NULL;
	*pp = n;
	m->count++;
	m->per_len[e->len]++;
	m->lens |= 1ull << e->len;
	submap_stale(m);
	if (m->count > m->size)
		submap_grow(m);
	return 0;
}

static void
submap_unlink(struct submap *m, struct submap_node **pp)
{
	struct submap_node *n = *pp;

	*pp = n->next;
	m->count--;
	if (--m->per_len[n->e.len] == 0)
		m->lens &= ~(1ull << n->e.len);
	free(n);
	submap_stale(m);
}

int
submap_del(struct submap *m, struct in_addr prefix, uint8_t len)
{
	struct submap_node **pp;

	if (len > 32)
		return -ENOENT;
	pp = submap_slot(m, prefix, len);
	if (*pp == NULL)
		return -ENOENT;
	submap_unlink(m, pp);
	return 0;
}

const struct submap_entry *
submap_get(const struct submap *m, struct in_addr prefix, uint8_t len)
{
	struct submap_node *n;

	if (len > 32 || !(m->lens & (1ull << len)))
		return NULL;
	n = *submap_slot(m, prefix, len);
	return n != NULL ? &n->e : NULL;
}

const struct submap_entry *
submap_lookup(const struct submap *m, struct in_addr addr)
{
	uint64_t lens = m->lens;

	while (lens != 0) {
		int len = 63 - __builtin_clzll(lens); /* longest length still to try */
		struct in_addr p = { addr.s_addr & submap_mask((uint8_t)len) };
		struct submap_node *n = *submap_slot(m, p, (uint8_t)len);

		if (n != NULL)
			return &n->e;
		lens &= ~(1ull << len);
	}
	return NULL;
}

static int
submap_key_cmp(uint32_t pa, uint8_t la, uint32_t pb, uint8_t lb)
{
	if (pa != pb)
		return pa < pb ? -1 : 1;
	return la < lb ? -1 : la > lb ? 1 : 0;
}

static int
submap_order_cmp(const void *a, const void *b)
{
	const struct submap_entry *x = &(*(struct submap_node *const *)a)->e;
	const struct submap_entry *y = &(*(struct submap_node *const *)b)->e;

	return submap_key_cmp(ntohl(x->prefix.s_addr), x->len, ntohl(y->prefix.s_addr), y->len);
}

static int
submap_build_order(struct submap *m)
{
	size_t k = 0;

	if (m->order != NULL || m->count == 0)
		return 0;
	m->order = malloc(m->count * sizeof(*m->order));
	if (m->order == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < m->size; i++)
		for (struct submap_node *n = m->hash[i]; n != NULL; n = n->next)
			m->order[k++] = n;
	qsort(m->order, m->count, sizeof(*m->order), submap_order_cmp);
	return 0;
}

int
submap_next(struct submap *m, const struct in_addr *prefix, uint8_t len, struct submap_entry *out)
{
	size_t lo = 0, hi = m->count;
	uint32_t p;

	if (m->count == 0)
		return -ENOENT;
	if (submap_build_order(m) < 0)
		return -ENOMEM;
	if (prefix == NULL) {
		*out = m->order[0]->e;
		return 0;
	}
	p = ntohl(prefix->s_addr);
	while (lo < hi) { /* first entry greater than the key */
		size_t mid = lo + (hi - lo) / 2;
		const struct submap_entry *e = &m->order[mid]->e;

		if (submap_key_cmp(ntohl(e->prefix.s_addr), e->len, p, len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= m->count)
		return -ENOENT;
	*out = m->order[lo]->e;
	return 0;
}

size_t
submap_count(const struct submap *m)
{
	return m->count;
}

size_t
submap_clear_origin(struct submap *m, enum submap_origin origin)
{
	size_t removed = 0;

	for (size_t i = 0; i < m->size; i++) {
		struct submap_node **pp = &m->hash[i];

		while (*pp != NULL) {
			if ((*pp)->e.origin == origin) {
				submap_unlink(m, pp);
				removed++;
			} else {
				pp = &(*pp)->next;
			}
		}
	}
	return removed;
}
