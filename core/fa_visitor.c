/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fa_visitor.c - foreign agent visitor list: hash, ordered tree, expiry heap, forwarding.
 *
 * Visitors are found by home address in a chained hash table that doubles when its load
 * exceeds one, and are also kept in an AVL tree by home address so that the state
 * accessors walk them in key order in O(log n) per step. Every visitor with a finite
 * lifetime sits in a binary min-heap by expiry time under a single ev timer.
 *
 * A visitor exists only after its home agent accepted a registration relayed by this
 * foreign agent. Its forwarding state, set up through the tunnel back end before the
 * reply is relayed to the mobile node, is:
 *   - a tunnel (care-of address <-> home agent, IP-in-IP or GRE as the request's G flag
 *     says), shared by every visitor with the same endpoints; it decapsulates what the
 *     home agent sends to the care-of address;
 *   - a link route: home address -> the visitor's link-layer address on the interface it
 *     registered on, without ARP (RFC 5944 section 3.7.2.3);
 *   - when T was granted, a reverse-tunnel entry (RFC 3024): packets from the home address
 *     arriving on that interface go into the tunnel to the home agent.
 * A visitor with a co-located care-of address (D flag) decapsulates for itself and gets
 * none of these.
 *
 * Visitor lifetime:
 *
 *                 success reply relayed (lifetime > 0)
 *   (no visitor) --------------------------------------> [visiting] ---+
 *        ^                                                 |  ^        | success reply:
 *        |  success reply to a deregistration (lifetime 0), |  +--------+ lifetime restarted,
 *        |  lifetime ended (expiry timer), interface left   |             forwarding moved
 *        |  the configuration, FA stopped                   |             if it changed
 *        +--------------------------------------------------+
 *
 * The foreign agent never sends anything when a lifetime ends: it only removes the
 * visitor and its forwarding state.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fa_int.h"
#include "mip_codes.h"

#define FA_VHASH_MIN 64
#define FA_FWD_FLAGS (MIP_RRQ_F_D | MIP_RRQ_F_M | MIP_RRQ_F_G | MIP_RRQ_F_T)

static uint32_t
fa_key(struct in_addr a)
{
	return ntohl(a.s_addr);
}

static size_t
fa_vbucket(struct in_addr hoa, size_t size)
{
	uint32_t h = fa_key(hoa) * 2654435761u; /* Knuth's multiplicative hash */

	return (h ^ (h >> 16)) & (size - 1);
}

/* --- AVL tree by home address --- */

static int
fa_avl_h(const struct fa_visitor *n)
{
	return n != NULL ? n->height : 0;
}

static void
fa_avl_fix(struct fa_visitor *n)
{
	int l = fa_avl_h(n->left), r = fa_avl_h(n->right);

	n->height = (uint8_t)(1 + (l > r ? l : r));
}

static struct fa_visitor *
fa_avl_rotate(struct fa_visitor *n, bool right)
{
	struct fa_visitor *p;

	if (right) {
		p = n->left;
		n->left = p->right;
		p->right = n;
	} else {
		p = n->right;
		n->right = p->left;
		p->left = n;
	}
	fa_avl_fix(n);
	fa_avl_fix(p);
	return p;
}

static struct fa_visitor *
fa_avl_balance(struct fa_visitor *n)
{
	int bf;

	fa_avl_fix(n);
	bf = fa_avl_h(n->left) - fa_avl_h(n->right);
	if (bf > 1) {
		if (fa_avl_h(n->left->left) < fa_avl_h(n->left->right))
			n->left = fa_avl_rotate(n->left, false);
		return fa_avl_rotate(n, true);
	}
	if (bf < -1) {
		if (fa_avl_h(n->right->right) < fa_avl_h(n->right->left))
			n->right = fa_avl_rotate(n->right, true);
		return fa_avl_rotate(n, false);
	}
	return n;
}

static struct fa_visitor *
fa_avl_insert(struct fa_visitor *root, struct fa_visitor *n)
{
	if (root == NULL) {
		n->left = n->right = NULL;
		n->height = 1;
		return n;
	}
	if (fa_key(n->hoa) < fa_key(root->hoa))
		root->left = fa_avl_insert(root->left, n);
	else
		root->right = fa_avl_insert(root->right, n);
	return fa_avl_balance(root);
}

static struct fa_visitor *
fa_avl_remove_min(struct fa_visitor *root, struct fa_visitor **min)
{
	if (root->left == NULL) {
		*min = root;
		return root->right;
	}
	root->left = fa_avl_remove_min(root->left, min);
	return fa_avl_balance(root);
}

static struct fa_visitor *
fa_avl_remove(struct fa_visitor *root, uint32_t k)
{
	struct fa_visitor *l, *r, *m;

	if (root == NULL)
		return NULL;
	if (k < fa_key(root->hoa)) {
		root->left = fa_avl_remove(root->left, k);
	} else if (k > fa_key(root->hoa)) {
		root->right = fa_avl_remove(root->right, k);
	} else {
		l = root->left;
		r = root->right;
		if (r == NULL)
			return l;
		r = fa_avl_remove_min(r, &m);
		m->left = l;
		m->right = r;
		return fa_avl_balance(m);
	}
	return fa_avl_balance(root);
}

/* Visitor with the smallest key greater than @k, or the smallest of all when !@have_k. */
static struct fa_visitor *
fa_avl_after(struct fa_visitor *n, bool have_k, uint32_t k)
{
	struct fa_visitor *best = NULL;

	while (n != NULL) {
		if (!have_k || fa_key(n->hoa) > k) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

/* --- expiry heap --- */

static void
fa_heap_swap(struct fa *fa, size_t a, size_t b)
{
	struct fa_visitor *t = fa->heap[a];

	fa->heap[a] = fa->heap[b];
	fa->heap[b] = t;
	fa->heap[a]->heap_idx = (uint32_t)a;
	fa->heap[b]->heap_idx = (uint32_t)b;
}

static void
fa_heap_sift(struct fa *fa, size_t i)
{
	while (i > 0 && fa->heap[i]->expiry_ms < fa->heap[(i - 1) / 2]->expiry_ms) {
		fa_heap_swap(fa, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < fa->heap_len && fa->heap[l]->expiry_ms < fa->heap[m]->expiry_ms)
			m = l;
		if (r < fa->heap_len && fa->heap[r]->expiry_ms < fa->heap[m]->expiry_ms)
			m = r;
		if (m == i)
			break;
		fa_heap_swap(fa, i, m);
		i = m;
	}
}

static void
fa_heap_rearm(struct fa *fa)
{
	uint64_t now = ev_now_ms(), at;

	if (fa->heap_len == 0) {
		ev_timer_del(fa->expiry);
		return;
	}
	at = fa->heap[0]->expiry_ms;
	ev_timer_arm(fa->expiry, at > now ? at - now : 0);
}

static void
fa_heap_remove(struct fa *fa, struct fa_visitor *v)
{
	size_t i = v->heap_idx;

	if (i == UINT32_MAX)
		return;
	v->heap_idx = UINT32_MAX;
	fa->heap_len--;
	if (i != fa->heap_len) {
		fa->heap[i] = fa->heap[fa->heap_len];
		fa->heap[i]->heap_idx = (uint32_t)i;
		fa_heap_sift(fa, i);
	}
	fa_heap_rearm(fa);
}

static int
fa_heap_insert(struct fa *fa, struct fa_visitor *v)
{
	if (fa->heap_len == fa->heap_cap) {
		size_t cap = fa->heap_cap != 0 ? fa->heap_cap * 2 : 64;
		struct fa_visitor **h = realloc(fa->heap, cap * sizeof(*h));

		if (h == NULL)
			return -ENOMEM;
		fa->heap = h;
		fa->heap_cap = cap;
	}
	fa->heap[fa->heap_len] = v;
	v->heap_idx = (uint32_t)fa->heap_len++;
	fa_heap_sift(fa, v->heap_idx);
	fa_heap_rearm(fa);
	return 0;
}

static void
fa_expiry_fire(void *arg)
{
	struct fa *fa = arg;
	uint64_t now = ev_now_ms();
	char a[INET_ADDRSTRLEN];

	while (fa->heap_len > 0 && fa->heap[0]->expiry_ms <= now) {
		struct fa_visitor *v = fa->heap[0];

		fa->cnt.visitors_expired++;
		log_info(LOG_SS_FA, "visitor %s expired",
		         inet_ntop(AF_INET, &v->hoa, a, sizeof(a)));
		fa_visitor_remove(fa, v);
	}
	fa_heap_rearm(fa);
}

/* --- tunnels and forwarding --- */

static enum tun_encap
fa_encap_of(uint8_t flags)
{
	if (flags & MIP_RRQ_F_G)
		return TUN_ENCAP_GRE;
	if (flags & MIP_RRQ_F_M)
		return TUN_ENCAP_MINIMAL;
	return TUN_ENCAP_IPIP;
}

static struct fa_tun *
fa_tun_get(struct fa *fa, struct in_addr coa, struct in_addr ha, enum tun_encap encap, int *rc)
{
	struct tun_params tp = { .local = coa, .remote = ha, .encap = encap };
	struct fa_tun *t;
	char err[128] = "";

	for (t = fa->tuns; t != NULL; t = t->next) {
		if (t->coa.s_addr == coa.s_addr && t->ha.s_addr == ha.s_addr && t->encap == encap) {
			t->refcnt++;
			return t;
		}
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		*rc = -ENOMEM;
		return NULL;
	}
	*rc = fa->tun_ops->tunnel_add(fa->tun, &tp, &t->id, err, sizeof(err));
	if (*rc < 0) {
		fa->cnt.tunnel_errors++;
		log_warnx(LOG_SS_FA, "tunnel to %s: %s", inet_ntoa(ha), err);
		free(t);
		return NULL;
	}
	t->coa = coa;
	t->ha = ha;
	t->encap = encap;
	t->refcnt = 1;
	t->next = fa->tuns;
	fa->tuns = t;
	return t;
}

static void
fa_tun_put(struct fa *fa, struct fa_tun *t)
{
	struct fa_tun **pp;

	if (t == NULL || --t->refcnt != 0)
		return;
	for (pp = &fa->tuns; *pp != t; pp = &(*pp)->next)
		;
	*pp = t->next;
	if (fa->tun_ops->tunnel_del(fa->tun, t->id) < 0)
		fa->cnt.tunnel_errors++;
	free(t);
}

static void
fa_route_of(const struct fa_visitor *v, struct tun_route *r)
{
	memset(r, 0, sizeof(*r));
	r->dst = v->hoa;
	r->plen = 32;
	r->kind = TUN_ROUTE_LINK;
	snprintf(r->ifname, sizeof(r->ifname), "%s", v->ifname);
	memcpy(r->mac, v->mac, FA_MAC_LEN);
}

static void
fa_reverse_of(const struct fa_visitor *v, struct tun_reverse *r)
{
	memset(r, 0, sizeof(*r));
	r->src = v->hoa;
	snprintf(r->ifname, sizeof(r->ifname), "%s", v->ifname);
	r->tunnel = v->tun->id;
}

static void
fa_fwd_del(struct fa *fa, struct fa_visitor *v)
{
	struct tun_reverse rv;
	struct tun_route r;

	if (v->reverse) {
		fa_reverse_of(v, &rv);
		if (fa->tun_ops->reverse_del(fa->tun, &rv) < 0)
			fa->cnt.tunnel_errors++;
	}
	if (v->delivery) {
		fa_route_of(v, &r);
		if (fa->tun_ops->route_del(fa->tun, &r) < 0)
			fa->cnt.tunnel_errors++;
	}
	fa_tun_put(fa, v->tun);
	v->tun = NULL;
	v->reverse = v->delivery = false;
}

static int
fa_fwd_add(struct fa *fa, struct fa_visitor *v)
{
	struct tun_reverse rv;
	struct tun_route r;
	char err[128] = "";
	int rc = 0;

	if (v->flags & MIP_RRQ_F_D)
		return 0; /* co-located care-of address: the mobile node decapsulates */
	v->tun = fa_tun_get(fa, v->coa, v->ha, fa_encap_of(v->flags), &rc);
	if (v->tun == NULL)
		return rc;
	fa_route_of(v, &r);
	rc = fa->tun_ops->route_add(fa->tun, &r, err, sizeof(err));
	if (rc == 0) {
		v->delivery = true;
		if (v->flags & MIP_RRQ_F_T) {
			fa_reverse_of(v, &rv);
			rc = fa->tun_ops->reverse_add != NULL
			             ? fa->tun_ops->reverse_add(fa->tun, &rv, err, sizeof(err))
			             : -EOPNOTSUPP;
			v->reverse = rc == 0;
		}
	}
	if (rc < 0) {
		fa->cnt.tunnel_errors++;
		log_warnx(LOG_SS_FA, "forwarding for visitor %s: %s", inet_ntoa(v->hoa),
		          err[0] != '\0' ? err : strerror(-rc));
		fa_fwd_del(fa, v);
	}
	return rc;
}

/* --- table --- */

int
fa_visitors_init(struct fa *fa)
{
	fa->vhash = calloc(FA_VHASH_MIN, sizeof(*fa->vhash));
	fa->expiry = ev_timer_new(fa->env.loop, fa_expiry_fire, fa);
	if (fa->vhash == NULL || fa->expiry == NULL) {
		free(fa->vhash);
		ev_timer_free(fa->expiry);
		fa->vhash = NULL;
		fa->expiry = NULL;
		return -ENOMEM;
	}
	fa->vhash_size = FA_VHASH_MIN;
	return 0;
}

void
fa_visitors_fini(struct fa *fa)
{
	while (fa->vroot != NULL)
		fa_visitor_remove(fa, fa->vroot);
	ev_timer_free(fa->expiry);
	free(fa->vhash);
	free(fa->heap);
	fa->expiry = NULL;
	fa->vhash = NULL;
	fa->heap = NULL;
}

struct fa_visitor *
fa_visitor_find(const struct fa *fa, struct in_addr hoa)
{
	struct fa_visitor *v = fa->vhash[fa_vbucket(hoa, fa->vhash_size)];

	while (v != NULL && v->hoa.s_addr != hoa.s_addr)
		v = v->hnext;
	return v;
}

static void
fa_vhash_grow(struct fa *fa)
{
	size_t size = fa->vhash_size * 2;
	struct fa_visitor **t = calloc(size, sizeof(*t));

	if (t == NULL)
		return; /* keep the longer chains */
	for (size_t i = 0; i < fa->vhash_size; i++) {
		struct fa_visitor *v, *next;

		for (v = fa->vhash[i]; v != NULL; v = next) {
			size_t j = fa_vbucket(v->hoa, size);

			next = v->hnext;
			v->hnext = t[j];
			t[j] = v;
		}
	}
	free(fa->vhash);
	fa->vhash = t;
	fa->vhash_size = size;
}

static struct fa_visitor *
fa_visitor_create(struct fa *fa, struct in_addr hoa)
{
	struct fa_visitor *v = calloc(1, sizeof(*v));
	size_t i;

	if (v == NULL)
		return NULL;
	v->hoa = hoa;
	v->heap_idx = UINT32_MAX;
	if (fa->n_visitors >= fa->vhash_size)
		fa_vhash_grow(fa);
	i = fa_vbucket(hoa, fa->vhash_size);
	v->hnext = fa->vhash[i];
	fa->vhash[i] = v;
	fa->vroot = fa_avl_insert(fa->vroot, v);
	fa->n_visitors++;
	return v;
}

void
fa_visitor_remove(struct fa *fa, struct fa_visitor *v)
{
	struct fa_visitor **pp = &fa->vhash[fa_vbucket(v->hoa, fa->vhash_size)];

	fa_fwd_del(fa, v);
	fa_heap_remove(fa, v);
	while (*pp != v)
		pp = &(*pp)->hnext;
	*pp = v->hnext;
	fa->vroot = fa_avl_remove(fa->vroot, fa_key(v->hoa));
	fa->n_visitors--;
	free(v->nai);
	free(v);
}

int
fa_visitor_accept(struct fa *fa, const struct fa_pending *p, const struct mip_rrp *r)
{
	struct fa_visitor *v = fa_visitor_find(fa, r->hoa);
	struct fa_if *fi = fa_if_by_index(fa, p->ifindex);
	bool same;
	int rc;

	if (r->lifetime == 0) { /* deregistration */
		if (v != NULL)
			fa_visitor_remove(fa, v);
		return 0;
	}
	if (fi == NULL)
		return -ENODEV; /* the interface left the configuration meanwhile */
	if (v == NULL && fa->cfg.max_visitors != 0 && fa->n_visitors >= fa->cfg.max_visitors)
		return -ENOSPC;
	if (v == NULL && (v = fa_visitor_create(fa, r->hoa)) == NULL)
		return -ENOMEM;
	same = v->lifetime != 0 && v->coa.s_addr == p->coa.s_addr && v->ha.s_addr == r->ha.s_addr &&
	       v->ifindex == p->ifindex && memcmp(v->mac, p->mac, FA_MAC_LEN) == 0 &&
	       (v->flags & FA_FWD_FLAGS) == (p->flags & FA_FWD_FLAGS);
	if (!same)
		fa_fwd_del(fa, v);
	v->coa = p->coa;
	v->ha = r->ha;
	v->src = p->rx.src.sin_addr;
	v->src_port = ntohs(p->rx.src.sin_port);
	v->ifindex = p->ifindex;
	snprintf(v->ifname, sizeof(v->ifname), "%s", fi->name);
	memcpy(v->mac, p->mac, FA_MAC_LEN);
	v->flags = p->flags;
	v->id = r->id;
	v->lifetime = r->lifetime;
	free(v->nai);
	v->nai = p->nai[0] != '\0' ? strdup(p->nai) : NULL;
	if (!same && (rc = fa_fwd_add(fa, v)) < 0) {
		fa_visitor_remove(fa, v);
		return rc;
	}
	fa_heap_remove(fa, v);
	v->expiry_ms = FA_EXPIRY_NEVER;
	if (r->lifetime != FA_LIFETIME_INF) {
		v->expiry_ms = ev_now_ms() + (uint64_t)r->lifetime * 1000;
		if (fa_heap_insert(fa, v) < 0) {
			fa_visitor_remove(fa, v);
			return -ENOMEM;
		}
	}
	return 0;
}

void
fa_visitors_prune(struct fa *fa)
{
	struct fa_visitor *v = fa_avl_after(fa->vroot, false, 0);

	while (v != NULL) {
		struct fa_visitor *next = fa_avl_after(fa->vroot, true, fa_key(v->hoa));
		bool keep = false;

		for (size_t i = 0; i < fa->n_ifs && !keep; i++)
			keep = strcmp(fa->ifs[i].name, v->ifname) == 0;
		if (!keep)
			fa_visitor_remove(fa, v);
		v = next;
	}
}

/* --- state accessors --- */

static void
fa_visitor_info_fill(const struct fa_visitor *v, struct fa_visitor_info *out)
{
	uint64_t now = ev_now_ms();

	memset(out, 0, sizeof(*out));
	out->hoa = v->hoa;
	out->ha = v->ha;
	out->coa = v->coa;
	out->src = v->src;
	out->src_port = v->src_port;
	out->ifindex = v->ifindex;
	snprintf(out->ifname, sizeof(out->ifname), "%s", v->ifname);
	memcpy(out->mac, v->mac, FA_MAC_LEN);
	out->flags = v->flags;
	out->id = v->id;
	out->lifetime = v->lifetime;
	out->remaining = v->expiry_ms == FA_EXPIRY_NEVER ? UINT32_MAX
	                 : v->expiry_ms > now ? (uint32_t)((v->expiry_ms - now + 999) / 1000)
	                                      : 0;
	out->reverse_tunnel = v->reverse;
	out->delivery = v->delivery;
	if (v->nai != NULL)
		snprintf(out->nai, sizeof(out->nai), "%s", v->nai);
}

size_t
fa_visitor_count(const struct fa *fa)
{
	return fa->n_visitors;
}

int
fa_visitor_lookup(const struct fa *fa, struct in_addr hoa, struct fa_visitor_info *out)
{
	const struct fa_visitor *v = fa_visitor_find(fa, hoa);

	if (v == NULL)
		return -ENOENT;
	fa_visitor_info_fill(v, out);
	return 0;
}

int
fa_visitor_next(const struct fa *fa, const struct in_addr *after, struct fa_visitor_info *out)
{
	const struct fa_visitor *v =
	        fa_avl_after(fa->vroot, after != NULL, after != NULL ? fa_key(*after) : 0);

	if (v == NULL)
		return -ENOENT;
	fa_visitor_info_fill(v, out);
	return 0;
}
