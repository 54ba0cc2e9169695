/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ha_binding.c - home agent binding table: hash, ordered tree, expiry heap, state accessors.
 *
 * Mobile nodes are found by home address in a chained hash table that doubles when its
 * load exceeds one, and are also kept in an AVL tree by home address so that the state
 * accessors walk them in key order in O(log n) per step. Each node holds its bindings
 * (at most max-simultaneous-bindings care-of addresses) in a short sorted list.
 *
 * Lifetimes: every binding with a finite lifetime sits in a binary min-heap ordered by
 * expiry time, and a single ev timer is armed for the heap's top. Per binding this costs
 * one pointer in the heap array and the index stored in the binding, instead of one
 * libevent timer each, which keeps a million bindings affordable.
 *
 * Binding lifetime (one care-of address of one mobile node):
 *
 *                 accepted request (lifetime > 0)
 *   (no binding) ---------------------------------> [bound] ---+
 *        ^                                           |  ^      | accepted re-registration:
 *        |  deregistration (lifetime 0), replaced    |  +------+ lifetime restarted
 *        |  (S clear), lifetime ended (expiry timer), |
 *        |  home network removed, HA stopped          |
 *        +--------------------------------------------+
 *           (tunnel reference, host route, and for the node's last binding the proxy
 *            ARP entry are removed; a gratuitous ARP announces the change)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_int.h"

#define HA_MN_HASH_MIN 64

static uint32_t
ha_key(struct in_addr a)
{
	return ntohl(a.s_addr);
}

static size_t
ha_mn_bucket(struct in_addr hoa, size_t size)
{
	uint32_t h = ha_key(hoa) * 2654435761u; /* Knuth's multiplicative hash */

	return (h ^ (h >> 16)) & (size - 1);
}

/* --- AVL tree of mobile nodes by home address --- */

static int
ha_avl_h(const struct ha_mn *n)
{
	return n != NULL ? n->height : 0;
}

static void
ha_avl_fix(struct ha_mn *n)
{
	int l = ha_avl_h(n->left), r = ha_avl_h(n->right);

	n->height = (uint8_t)(1 + (l > r ? l : r));
}

static struct ha_mn *
ha_avl_rotate(struct ha_mn *n, bool right)
{
	struct ha_mn *p;

	if (right) {
		p = n->left;
		n->left = p->right;
		p->right = n;
	} else {
		p = n->right;
		n->right = p->left;
		p->left = n;
	}
	ha_avl_fix(n);
	ha_avl_fix(p);
	return p;
}

static struct ha_mn *
ha_avl_balance(struct ha_mn *n)
{
	int bf;

	ha_avl_fix(n);
	bf = ha_avl_h(n->left) - ha_avl_h(n->right);
	if (bf > 1) {
		if (ha_avl_h(n->left->left) < ha_avl_h(n->left->right))
			n->left = ha_avl_rotate(n->left, false);
		return ha_avl_rotate(n, true);
	}
	if (bf < -1) {
		if (ha_avl_h(n->right->right) < ha_avl_h(n->right->left))
			n->right = ha_avl_rotate(n->right, true);
		return ha_avl_rotate(n, false);
	}
	return n;
}

static struct ha_mn *
ha_avl_insert(struct ha_mn *root, struct ha_mn *n)
{
	if (root == NULL) {
		n->left = n->right = NULL;
		n->height = 1;
		return n;
	}
	if (ha_key(n->hoa) < ha_key(root->hoa))
		root->left = ha_avl_insert(root->left, n);
	else
		root->right = ha_avl_insert(root->right, n);
	return ha_avl_balance(root);
}

static struct ha_mn *
ha_avl_remove_min(struct ha_mn *root, struct ha_mn **min)
{
	if (root->left == NULL) {
		*min = root;
		return root->right;
	}
	root->left = ha_avl_remove_min(root->left, min);
	return ha_avl_balance(root);
}

static struct ha_mn *
ha_avl_remove(struct ha_mn *root, uint32_t k)
{
	struct ha_mn *l, *r, *m;

	if (root == NULL)
		return NULL;
	if (k < ha_key(root->hoa)) {
		root->left = ha_avl_remove(root->left, k);
	} else if (k > ha_key(root->hoa)) {
		root->right = ha_avl_remove(root->right, k);
	} else {
		l = root->left;
		r = root->right;
		if (r == NULL)
			return l;
		r = ha_avl_remove_min(r, &m);
		m->left = l;
		m->right = r;
		return ha_avl_balance(m);
	}
	return ha_avl_balance(root);
}

/* Node with the smallest key greater than @k. */
static struct ha_mn *
ha_avl_after(struct ha_mn *n, uint32_t k)
{
	struct ha_mn *best = NULL;

	while (n != NULL) {
		if (ha_key(n->hoa) > k) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

/* --- expiry heap --- */

static bool
ha_heap_less(const struct ha *ha, size_t a, size_t b)
{
	return ha->heap[a]->expiry_ms < ha->heap[b]->expiry_ms;
}

static void
ha_heap_swap(struct ha *ha, size_t a, size_t b)
{
	struct ha_bind *t = ha->heap[a];

	ha->heap[a] = ha->heap[b];
	ha->heap[b] = t;
	ha->heap[a]->heap_idx = (uint32_t)a;
	ha->heap[b]->heap_idx = (uint32_t)b;
}

static void
ha_heap_sift(struct ha *ha, size_t i)
{
	while (i > 0 && ha_heap_less(ha, i, (i - 1) / 2)) {
		ha_heap_swap(ha, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < ha->heap_len && ha_heap_less(ha, l, m))
			m = l;
		if (r < ha->heap_len && ha_heap_less(ha, r, m))
			m = r;
		if (m == i)
			break;
		ha_heap_swap(ha, i, m);
		i = m;
	}
}

static void
ha_heap_rearm(struct ha *ha)
{
	uint64_t now = ev_now_ms(), at;

	if (ha->heap_len == 0) {
		ev_timer_del(ha->expiry);
		return;
	}
	at = ha->heap[0]->expiry_ms;
	ev_timer_arm(ha->expiry, at > now ? at - now : 0);
}

static void
ha_heap_remove(struct ha *ha, struct ha_bind *b)
{
	size_t i = b->heap_idx;

	if (i == UINT32_MAX)
		return;
	b->heap_idx = UINT32_MAX;
	ha->heap_len--;
	if (i != ha->heap_len) {
		ha->heap[i] = ha->heap[ha->heap_len];
		ha->heap[i]->heap_idx = (uint32_t)i;
		ha_heap_sift(ha, i);
	}
	if (i == 0)
		ha_heap_rearm(ha);
}

/* Make room in the heap for every binding, so that inserting never fails. */
static int
ha_heap_reserve(struct ha *ha, size_t n)
{
	size_t cap = ha->heap_cap != 0 ? ha->heap_cap : 64;
	struct ha_bind **h;

	while (cap < n)
		cap *= 2;
	if (cap == ha->heap_cap)
		return 0;
	h = realloc(ha->heap, cap * sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	ha->heap = h;
	ha->heap_cap = cap;
	return 0;
}

static void
ha_heap_insert(struct ha *ha, struct ha_bind *b)
{
	ha->heap[ha->heap_len] = b;
	b->heap_idx = (uint32_t)ha->heap_len++;
	ha_heap_sift(ha, b->heap_idx);
	if (b->heap_idx == 0)
		ha_heap_rearm(ha);
}

/* The expiry timer: remove every binding whose lifetime has ended. */
static void
ha_expiry_fire(void *arg)
{
	struct ha *ha = arg;
	uint64_t now = ev_now_ms();
	char a[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];

	while (ha->heap_len > 0 && ha->heap[0]->expiry_ms <= now) {
		struct ha_bind *b = ha->heap[0];

		ha->cnt.bindings_expired++;
		log_debug(LOG_SS_HA, "binding %s via %s expired",
		          inet_ntop(AF_INET, &b->mn->hoa, a, sizeof(a)),
		          inet_ntop(AF_INET, &b->coa, c, sizeof(c)));
		ha_binding_remove(ha, b);
	}
	ha_heap_rearm(ha);
}

/* --- table --- */

int
ha_bindings_init(struct ha *ha)
{
	ha->mn_hash = calloc(HA_MN_HASH_MIN, sizeof(*ha->mn_hash));
	ha->expiry = ev_timer_new(ha->env.loop, ha_expiry_fire, ha);
	if (ha->mn_hash == NULL || ha->expiry == NULL) {
		free(ha->mn_hash);
		ev_timer_free(ha->expiry);
		ha->mn_hash = NULL;
		ha->expiry = NULL;
		return -ENOMEM;
	}
	ha->mn_hash_size = HA_MN_HASH_MIN;
	return 0;
}

void
ha_bindings_fini(struct ha *ha)
{
	ev_timer_free(ha->expiry);
	free(ha->mn_hash);
	free(ha->heap);
	ha->expiry = NULL;
	ha->mn_hash = NULL;
	ha->heap = NULL;
}

struct ha_mn *
ha_mn_find(const struct ha *ha, struct in_addr hoa)
{
	struct ha_mn *m = ha->mn_hash[ha_mn_bucket(hoa, ha->mn_hash_size)];

	while (m != NULL && m->hoa.s_addr != hoa.s_addr)
		m = m->hnext;
	return m;
}

struct ha_mn *
ha_mn_first(const struct ha *ha)
{
	struct ha_mn *m = ha->mn_root;

	while (m != NULL && m->left != NULL)
		m = m->left;
	return m;
}

struct ha_mn *
ha_mn_next(const struct ha *ha, struct in_addr hoa)
{
	return ha_avl_after(ha->mn_root, ha_key(hoa));
}

static void
ha_mn_hash_grow(struct ha *ha)
{
	size_t size = ha->mn_hash_size * 2;
	struct ha_mn **t = calloc(size, sizeof(*t));

	if (t == NULL)
		return; /* keep the longer chains */
	for (size_t i = 0; i < ha->mn_hash_size; i++) {
		struct ha_mn *m, *next;

		for (m = ha->mn_hash[i]; m != NULL; m = next) {
			size_t j = ha_mn_bucket(m->hoa, size);

			next = m->hnext;
			m->hnext = t[j];
			t[j] = m;
		}
	}
	free(ha->mn_hash);
	ha->mn_hash = t;
	ha->mn_hash_size = size;
}

struct ha_mn *
ha_mn_create(struct ha *ha, struct in_addr hoa, const char *nai, uint8_t net)
{
	struct ha_mn *m = calloc(1, sizeof(*m));
	size_t i;

	if (m == NULL)
		return NULL;
	if (nai != NULL && nai[0] != '\0' && (m->nai = strdup(nai)) == NULL) {
		free(m);
		return NULL;
	}
	m->hoa = hoa;
	m->net = net;
	if (ha->n_mn >= ha->mn_hash_size)
		ha_mn_hash_grow(ha);
	i = ha_mn_bucket(hoa, ha->mn_hash_size);
	m->hnext = ha->mn_hash[i];
	ha->mn_hash[i] = m;
	ha->mn_root = ha_avl_insert(ha->mn_root, m);
	ha->n_mn++;
	return m;
}

void
ha_mn_release(struct ha *ha, struct ha_mn *m)
{
	if (m->n_binds != 0)
		return;
	struct ha_mn **pp = &ha->mn_hash[ha_mn_bucket(m->hoa, ha->mn_hash_size)];

	while (*pp != m)
		pp = &(*pp)->hnext;
	*pp = m->hnext;
	ha->mn_root = ha_avl_remove(ha->mn_root, ha_key(m->hoa));
	ha->n_mn--;
	free(m->nai);
	free(m);
}

struct ha_bind *
ha_bind_find(const struct ha_mn *mn, struct in_addr coa)
{
	struct ha_bind *b;

	for (b = mn->binds; b != NULL && b->coa.s_addr != coa.s_addr; b = b->next)
		;
	return b;
}

struct ha_bind *
ha_bind_create(struct ha *ha, struct ha_mn *mn, struct in_addr coa)
{
	struct ha_bind *b, **pp;

	if (ha_heap_reserve(ha, ha->n_binds + 1) < 0 || (b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->mn = mn;
	b->coa = coa;
	b->heap_idx = UINT32_MAX;
	b->expiry_ms = HA_EXPIRY_NEVER;
	for (pp = &mn->binds; *pp != NULL && ha_key((*pp)->coa) < ha_key(coa); pp = &(*pp)->next)
		;
	b->next = *pp;
	*pp = b;
	mn->n_binds++;
	ha->n_binds++;
	return b;
}

void
ha_bind_set_lifetime(struct ha *ha, struct ha_bind *b, uint16_t lifetime)
{
	ha_heap_remove(ha, b);
	b->lifetime = lifetime;
	if (lifetime == HA_LIFETIME_INF) {
		b->expiry_ms = HA_EXPIRY_NEVER;
		return;
	}
	b->expiry_ms = ev_now_ms() + (uint64_t)lifetime * 1000;
	ha_heap_insert(ha, b);
}

void
ha_bind_destroy(struct ha *ha, struct ha_bind *b)
{
	struct ha_mn *mn = b->mn;
	struct ha_bind **pp;

	ha_heap_remove(ha, b);
	for (pp = &mn->binds; *pp != b; pp = &(*pp)->next)
		;
	*pp = b->next;
	mn->n_binds--;
	ha->n_binds--;
	free(b);
	ha_mn_release(ha, mn);
}

/* --- state accessors --- */

void
ha_binding_info_fill(const struct ha *ha, const struct ha_bind *b, struct ha_binding_info *out)
{
	uint64_t now = ev_now_ms();

	memset(out, 0, sizeof(*out));
	out->hoa = b->mn->hoa;
	out->coa = b->coa;
	out->src = b->src;
	if (b->mn->net < ha->n_nets)
		out->ha_addr = ha->nets[b->mn->net].addr;
	out->flags = b->flags;
	out->id = b->id;
	out->lifetime = b->lifetime;
	if (b->expiry_ms == HA_EXPIRY_NEVER)
		out->remaining = UINT32_MAX;
	else if (b->expiry_ms > now)
		out->remaining = (uint32_t)((b->expiry_ms - now + 999) / 1000);
	if (b->mn->nai != NULL)
		snprintf(out->nai, sizeof(out->nai), "%s", b->mn->nai);
}

size_t
ha_binding_count(const struct ha *ha)
{
	return ha->n_binds;
}

size_t
ha_mn_count(const struct ha *ha)
{
	return ha->n_mn;
}

int
ha_binding_lookup(const struct ha *ha, struct in_addr hoa, struct in_addr coa,
                  struct ha_binding_info *out)
{
	struct ha_mn *m = ha_mn_find(ha, hoa);
	struct ha_bind *b = m != NULL ? ha_bind_find(m, coa) : NULL;

	if (b == NULL)
		return -ENOENT;
	ha_binding_info_fill(ha, b, out);
	return 0;
}

int
ha_binding_next(const struct ha *ha, const struct in_addr *hoa, const struct in_addr *coa,
                struct ha_binding_info *out)
{
	struct ha_mn *m;
	struct ha_bind *b = NULL;

	if (hoa == NULL) {
		m = ha_mn_first(ha);
	} else {
		m = ha_mn_find(ha, *hoa);
		if (m != NULL) {
			for (b = m->binds; b != NULL && ha_key(b->coa) <= ha_key(*coa); b = b->next)
				;
		}
		if (b == NULL)
			m = ha_avl_after(ha->mn_root, ha_key(*hoa));
	}
	if (b == NULL && m != NULL)
		b = m->binds;
	if (b == NULL)
		return -ENOENT;
	ha_binding_info_fill(ha, b, out);
	return 0;
}
