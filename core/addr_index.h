/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addr_index.h - intrusive index of entries keyed by IPv4 address: hash plus ordered tree.
 *
 * The owner embeds a struct addr_index_node in each of its entries and sets node.addr
 * before inserting it; the index never allocates or frees entries. Keys are unique (the
 * caller checks with addr_index_find() first). A zeroed struct addr_index is a valid empty
 * index for lookups and walks, but addr_index_init() must succeed before the first insert.
 */
#ifndef PMIP_ADDR_INDEX_H
#define PMIP_ADDR_INDEX_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/** struct addr_index_node - the part of an entry the index uses; only @addr is public. */
struct addr_index_node {
	struct addr_index_node *hnext;        /* hash chain */
	struct addr_index_node *left, *right; /* AVL tree by address */
	struct in_addr addr;                  /* the key, set by the owner before insert */
	uint8_t height;
};

/** struct addr_index - a set of nodes by address (see the top of this file). */
struct addr_index {
	struct addr_index_node **hash;
	size_t size, count;
	struct addr_index_node *root;
};

/**
 * ADDR_INDEX_ENTRY - the @type whose member @member is node @n, or NULL when @n is NULL.
 * @n: a struct addr_index_node pointer, evaluated twice (no side effects).
 * @type: the owner's struct type.
 * @member: the name of the node inside @type.
 */
#define ADDR_INDEX_ENTRY(n, type, member) \
	((n) != NULL ? (type *)(void *)((char *)(n)-offsetof(type, member)) : (type *)NULL)

/**
 * addr_index_init - allocate the hash table of an empty index.
 * @ix: the index, zeroed or freshly finished.
 *
 * Return: 0, or -ENOMEM (@ix stays an empty index that cannot take inserts).
 */
int addr_index_init(struct addr_index *ix);

/**
 * addr_index_fini - free the hash table of @ix; the entries still in it are not touched.
 * @ix: the index (zeroed or initialised).
 */
void addr_index_fini(struct addr_index *ix);

/**
 * addr_index_find - the node with address @addr, in O(1) on average.
 * @ix: the index.
 * @addr: the key.
 *
 * Return: the node, or NULL.
 */
struct addr_index_node *addr_index_find(const struct addr_index *ix, struct in_addr addr);

/**
 * addr_index_insert - add @n, whose address must not be in @ix yet; cannot fail.
 * @ix: an initialised index.
 * @n: the node, with @n->addr set.
 *
 * The hash table doubles when the load would exceed one; if that allocation fails the
 * chains just grow longer.
 */
void addr_index_insert(struct addr_index *ix, struct addr_index_node *n);

/**
 * addr_index_remove - take @n out of @ix.
 * @ix: the index.
 * @n: a node currently in @ix.
 */
void addr_index_remove(struct addr_index *ix, struct addr_index_node *n);

/**
 * addr_index_first - the node with the lowest address, in O(log n).
 * @ix: the index.
 *
 * Return: the node, or NULL when @ix is empty.
 */
struct addr_index_node *addr_index_first(const struct addr_index *ix);

/**
 * addr_index_next - the node with the lowest address strictly above @addr, in O(log n).
 * @ix: the index.
 * @addr: where the walk is; need not be in @ix, so a walk may remove the node it is at.
 *
 * Return: the node, or NULL when none is above @addr.
 */
struct addr_index_node *addr_index_next(const struct addr_index *ix, struct in_addr addr);

/**
 * addr_index_count - number of nodes in @ix.
 * @ix: the index.
 *
 * Return: the count.
 */
size_t addr_index_count(const struct addr_index *ix);

#endif /* PMIP_ADDR_INDEX_H */
