/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fa_visitor.c - foreign agent visitor list: index, lifetimes, forwarding, state accessors.
 *
 * Visitors are kept in an address index by home address (addr_index.h: O(1) lookups,
 * walks in key order in O(log n) per step). Every visitor with a finite lifetime is
 * pending in the expiry heap (expiry.h), whose single ev timer removes visitors as their
 * lifetimes end.
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

static struct fa_visitor *
fa_visitor_of(struct addr_index_node *n)
{
	return ADDR_INDEX_ENTRY(n, struct fa_visitor, ix);
}

/* The expiry callback: the lifetime of the visitor holding @e has ended. */
static void
fa_expired(struct expiry_entry *e, void *arg)
{
	struct fa *fa = arg;
	struct fa_visitor *v = EXPIRY_ENTRY(e, struct fa_visitor, exp);
	char a[INET_ADDRSTRLEN];

	fa->cnt.visitors_expired++;
	log_info(LOG_SS_FA, "visitor %s expired", inet_ntop(AF_INET, &v->ix.addr, a, sizeof(a)));
	fa_visitor_remove(fa, v);
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
	r->dst = v->ix.addr;
	r->plen = 32;
	r->kind = TUN_ROUTE_LINK;
	snprintf(r->ifname, sizeof(r->ifname), "%s", v->ifname);
	memcpy(r->mac, v->mac, FA_MAC_LEN);
}

static void
fa_reverse_of(const struct fa_visitor *v, struct tun_reverse *r)
{
	memset(r, 0, sizeof(*r));
	r->src = v->ix.addr;
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
		log_warnx(LOG_SS_FA, "forwarding for visitor %s: %s", inet_ntoa(v->ix.addr),
		          err[0] != '\0' ? err : strerror(-rc));
		fa_fwd_del(fa, v);
	}
	return rc;
}

/* --- table --- */

int
fa_visitors_init(struct fa *fa)
{
	if (addr_index_init(&fa->visitors) < 0)
		return -ENOMEM;
	if (expiry_init(&fa->expiry, fa->env.loop, fa_expired, fa) < 0) {
		addr_index_fini(&fa->visitors);
		return -ENOMEM;
	}
	return 0;
}

void
fa_visitors_fini(struct fa *fa)
{
	struct fa_visitor *v;

	while ((v = fa_visitor_of(addr_index_first(&fa->visitors))) != NULL)
		fa_visitor_remove(fa, v);
	expiry_fini(&fa->expiry);
	addr_index_fini(&fa->visitors);
}

struct fa_visitor *
fa_visitor_find(const struct fa *fa, struct in_addr hoa)
{
	return fa_visitor_of(addr_index_find(&fa->visitors, hoa));
}

static struct fa_visitor *
fa_visitor_create(struct fa *fa, struct in_addr hoa)
{
	struct fa_visitor *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return NULL;
	v->ix.addr = hoa;
	addr_index_insert(&fa->visitors, &v->ix);
	return v;
}

void
fa_visitor_remove(struct fa *fa, struct fa_visitor *v)
{
	fa_fwd_del(fa, v);
	expiry_remove(&fa->expiry, &v->exp);
	addr_index_remove(&fa->visitors, &v->ix);
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
	if (v == NULL && fa->cfg.max_visitors != 0 &&
	    addr_index_count(&fa->visitors) >= fa->cfg.max_visitors)
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
	if (r->lifetime == FA_LIFETIME_INF) {
		expiry_remove(&fa->expiry, &v->exp);
	} else if (expiry_add(&fa->expiry, &v->exp, ev_now_ms() + (uint64_t)r->lifetime * 1000) <
	           0) {
		fa_visitor_remove(fa, v);
		return -ENOMEM;
	}
	return 0;
}

void
fa_visitors_prune(struct fa *fa)
{
	struct fa_visitor *v = fa_visitor_of(addr_index_first(&fa->visitors));

	while (v != NULL) {
		struct fa_visitor *next = fa_visitor_of(addr_index_next(&fa->visitors, v->ix.addr));
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
	out->hoa = v->ix.addr;
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
	out->remaining = !expiry_pending(&v->exp) ? UINT32_MAX
	                 : v->exp.at_ms > now     ? (uint32_t)((v->exp.at_ms - now + 999) / 1000)
	                                          : 0;
	out->reverse_tunnel = v->reverse;
	out->delivery = v->delivery;
	if (v->nai != NULL)
		snprintf(out->nai, sizeof(out->nai), "%s", v->nai);
}

size_t
fa_visitor_count(const struct fa *fa)
{
	return addr_index_count(&fa->visitors);
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
	        fa_visitor_of(after != NULL ? addr_index_next(&fa->visitors, *after)
	                                    : addr_index_first(&fa->visitors));

	if (v == NULL)
		return -ENOENT;
	fa_visitor_info_fill(v, out);
	return 0;
}

int
fa_visitor_clear(struct fa *fa, struct in_addr hoa)
{
	struct fa_visitor *v = fa_visitor_find(fa, hoa);

	if (v == NULL)
		return -ENOENT;
	fa_visitor_remove(fa, v);
	return 0;
}
