/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addr_index.c - intrusive index by IPv4 address: chained hash for lookups, AVL tree for walks.
 *
 * Lookups go through a chained hash table (Knuth's multiplicative hash of the address in
 * host order) whose size is a power of two and doubles before the load exceeds one. Every
 * node is also in an AVL tree ordered by the address in host order, so that ordered walks
 * (first, then next-after) cost O(log n) per step and tolerate removal of the current node.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "addr_index.h"

#define ADDR_INDEX_HASH_MIN 64

static uint32_t
addr_index_key(struct in_addr a)
{
	return ntohl(a.s_addr);
}

static size_t
addr_index_bucket(struct in_addr a, size_t size)
{
	uint32_t h = addr_index_key(a) * 2654435761u; /* Knuth's multiplicative hash */

	return (h ^ (h >> 16)) & (size - 1);
}

/* --- AVL tree by address --- */

static int
addr_index_h(const struct addr_index_node *n)
{
	return n != NULL ? n->height : 0;
}

static void
addr_index_fix(struct addr_index_node *n)
{
	int l = addr_index_h(n->left), r = addr_index_h(n->right);

	n->height = (uint8_t)(1 + (l > r ? l : r));
}

static struct addr_index_node *
addr_index_rotate(struct addr_index_node *n, bool right)
{
	struct addr_index_node *p;

	if (right) {
		p = n->left;
		n->left = p->right;
		p->right = n;
	} else {
		p = n->right;
		n->right = p->left;
		p->left = n;
	}
	addr_index_fix(n);
	addr_index_fix(p);
	return p;
}

static struct addr_index_node *
addr_index_balance(struct addr_index_node *n)
{
	int bf;

	addr_index_fix(n);
	bf = addr_index_h(n->left) - addr_index_h(n->right);
	if (bf > 1) {
		if (addr_index_h(n->left->left) < addr_index_h(n->left->right))
			n->left = addr_index_rotate(n->left, false);
		return addr_index_rotate(n, true);
	}
	if (bf < -1) {
		if (addr_index_h(n->right->right) < addr_index_h(n->right->left))
			n->right = addr_index_rotate(n->right, true);
		return addr_index_rotate(n, false);
	}
	return n;
}

static struct addr_index_node *
addr_index_avl_insert(struct addr_index_node *root, struct addr_index_node *n)
{
	if (root == NULL) {
		n->left = n->right = NULL;
		n->height = 1;
		return n;
	}
	if (addr_index_key(n->addr) < addr_index_key(root->addr))
		root->left = addr_index_avl_insert(root->left, n);
	else
		root->right = addr_index_avl_insert(root->right, n);
	return addr_index_balance(root);
}

static struct addr_index_node *
addr_index_avl_remove_min(struct addr_index_node *root, struct addr_index_node **min)
{
	if (root->left == NULL) {
		*min = root;
		return root->right;
	}
	root->left = addr_index_avl_remove_min(root->left, min);
	return addr_index_balance(root);
}

static struct addr_index_node *
addr_index_avl_remove(struct addr_index_node *root, uint32_t k)
{
	struct addr_index_node *l, *r, *m;

	if (root == NULL)
		return NULL;
	if (k < addr_index_key(root->addr)) {
		root->left = addr_index_avl_remove(root->left, k);
	} else if (k > addr_index_key(root->addr)) {
		root->right = addr_index_avl_remove(root->right, k);
	} else {
		l = root->left;
		r = root->right;
		if (r == NULL)
			return l;
		r = addr_index_avl_remove_min(r, &m);
		m->left = l;
		m->right = r;
		return addr_index_balance(m);
	}
	return addr_index_balance(root);
}

/* --- hash table --- */

static void
addr_index_grow(struct addr_index *ix)
{
	size_t size = ix->size * 2;
	struct addr_index_node **t = calloc(size, sizeof(*t));

	if (t == NULL)
		return; /* keep the longer chains */
	for (size_t i = 0; i < ix->size; i++) {
		struct addr_index_node *n, *next;

		for (n = ix->hash[i]; n != NULL; n = next) {
			size_t j = addr_index_bucket(n->addr, size);

			next = n->hnext;
			n->hnext = t[j];
			t[j] = n;
		}
	}
	free(ix->hash);
	ix->hash = t;
	ix->size = size;
}

int
addr_index_init(struct addr_index *ix)
{
	ix->hash = calloc(ADDR_INDEX_HASH_MIN, sizeof(*ix->hash));
	ix->size = ix->hash != NULL ? ADDR_INDEX_HASH_MIN : 0;
	ix->count = 0;
	ix->root = NULL;
	return ix->hash != NULL ? 0 : -ENOMEM;
}

void
addr_index_fini(struct addr_index *ix)
{
	free(ix->hash);
	ix->hash = NULL;
	ix->size = ix->count = 0;
	ix->root = NULL;
}

struct addr_index_node *
addr_index_find(const struct addr_index *ix, struct in_addr addr)
{
	struct addr_index_node *n;

	if (ix->size == 0)
		return NULL;
	n = ix->hash[addr_index_bucket(addr, ix->size)];
	while (n != NULL && n->addr.s_addr != addr.s_addr)
		n = n->hnext;
	return n;
}

void
addr_index_insert(struct addr_index *ix, struct addr_index_node *n)
{
	size_t i;

	if (ix->count >= ix->size)
		addr_index_grow(ix);
	i = addr_index_bucket(n->addr, ix->size);
	n->hnext = ix->hash[i];
	ix->hash[i] = n;
	ix->root = addr_index_avl_insert(ix->root, n);
	ix->count++;
}

void
addr_index_remove(struct addr_index *ix, struct addr_index_node *n)
{
	struct addr_index_node **pp = &ix->hash[addr_index_bucket(n->addr, ix->size)];

	while (*pp != n)
		pp = &(*pp)->hnext;
	*pp = n->hnext;
	n->hnext = NULL;
	ix->root = addr_index_avl_remove(ix->root, addr_index_key(n->addr));
	ix->count--;
}

struct addr_index_node *
addr_index_first(const struct addr_index *ix)
{
	struct addr_index_node *n = ix->root;

	while (n != NULL && n->left != NULL)
		n = n->left;
	return n;
}

struct addr_index_node *
addr_index_next(const struct addr_index *ix, struct in_addr addr)
{
	struct addr_index_node *n = ix->root, *best = NULL;
	uint32_t k = addr_index_key(addr);

	while (n != NULL) {
		if (addr_index_key(n->addr) > k) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

size_t
addr_index_count(const struct addr_index *ix)
{
	return ix->count;
}
