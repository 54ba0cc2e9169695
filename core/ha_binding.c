/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ha_binding.c - home agent binding table: mobile nodes, their bindings, lifetimes, accessors.
 *
 * Mobile nodes are kept in an address index by home address (addr_index.h: O(1) lookups,
 * walks in key order in O(log n) per step). Each node holds its bindings (at most
 * max-simultaneous-bindings care-of addresses) in a short sorted list.
 *
 * Lifetimes: every binding with a finite lifetime is pending in the expiry heap
 * (expiry.h), whose single ev timer removes bindings as their lifetimes end. Room in the
 * heap is reserved when a binding is created, so that restarting a lifetime never fails.
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
 *            ARP entry are removed; a node that deregisters from its home link is
 *            announced there at its own link-layer address, see ha.c)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_int.h"

static uint32_t
ha_key(struct in_addr a)
{
	return ntohl(a.s_addr);
}

static struct ha_mn *
ha_mn_of(struct addr_index_node *n)
{
	return ADDR_INDEX_ENTRY(n, struct ha_mn, ix);
}

/* The expiry callback: the lifetime of the binding holding @e has ended. */
static void
ha_expired(struct expiry_entry *e, void *arg)
{
	struct ha *ha = arg;
	struct ha_bind *b = EXPIRY_ENTRY(e, struct ha_bind, exp);
	char a[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];

	ha->cnt.bindings_expired++;
	log_debug(LOG_SS_HA, "binding %s via %s expired",
	          inet_ntop(AF_INET, &b->mn->ix.addr, a, sizeof(a)),
	          inet_ntop(AF_INET, &b->coa, c, sizeof(c)));
	ha_binding_remove(ha, b);
}

/* --- table --- */

int
ha_bindings_init(struct ha *ha)
{
	if (addr_index_init(&ha->mns) < 0)
		return -ENOMEM;
	if (expiry_init(&ha->expiry, ha->env.loop, ha_expired, ha) < 0) {
		addr_index_fini(&ha->mns);
		return -ENOMEM;
	}
	return 0;
}

void
ha_bindings_fini(struct ha *ha)
{
	expiry_fini(&ha->expiry);
	addr_index_fini(&ha->mns);
}

struct ha_mn *
ha_mn_find(const struct ha *ha, struct in_addr hoa)
{
	return ha_mn_of(addr_index_find(&ha->mns, hoa));
}

struct ha_mn *
ha_mn_first(const struct ha *ha)
{
	return ha_mn_of(addr_index_first(&ha->mns));
}

struct ha_mn *
ha_mn_next(const struct ha *ha, struct in_addr hoa)
{
	return ha_mn_of(addr_index_next(&ha->mns, hoa));
}

struct ha_mn *
ha_mn_create(struct ha *ha, struct in_addr hoa, const char *nai, uint8_t net)
{
	struct ha_mn *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	if (nai != NULL && nai[0] != '\0' && (m->nai = strdup(nai)) == NULL) {
		free(m);
		return NULL;
	}
	m->ix.addr = hoa;
	m->net = net;
	addr_index_insert(&ha->mns, &m->ix);
	return m;
}

void
ha_mn_release(struct ha *ha, struct ha_mn *m)
{
	if (m->n_binds != 0)
		return;
	addr_index_remove(&ha->mns, &m->ix);
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

	/* Room in the heap for every binding, so that ha_bind_set_lifetime() never fails. */
	if (expiry_reserve(&ha->expiry, ha->n_binds + 1) < 0 || (b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->mn = mn;
	b->coa = coa;
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
	b->lifetime = lifetime;
	if (lifetime == HA_LIFETIME_INF)
		expiry_remove(&ha->expiry, &b->exp);
	else
		expiry_add(&ha->expiry, &b->exp, ev_now_ms() + (uint64_t)lifetime * 1000);
}

void
ha_bind_destroy(struct ha *ha, struct ha_bind *b)
{
	struct ha_mn *mn = b->mn;
	struct ha_bind **pp;

	expiry_remove(&ha->expiry, &b->exp);
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
	out->hoa = b->mn->ix.addr;
	out->coa = b->coa;
	out->src = b->src;
	if (b->mn->net < ha->n_nets)
		out->ha_addr = ha->nets[b->mn->net].addr;
	out->flags = b->flags;
	out->id = b->id;
	out->lifetime = b->lifetime;
	if (!expiry_pending(&b->exp))
		out->remaining = UINT32_MAX;
	else if (b->exp.at_ms > now)
		out->remaining = (uint32_t)((b->exp.at_ms - now + 999) / 1000);
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
	return addr_index_count(&ha->mns);
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
			m = ha_mn_next(ha, *hoa);
	}
	if (b == NULL && m != NULL)
		b = m->binds;
	if (b == NULL)
		return -ENOENT;
	ha_binding_info_fill(ha, b, out);
	return 0;
}

int
ha_binding_clear(struct ha *ha, struct in_addr hoa, const struct in_addr *coa)
{
	struct ha_mn *m = ha_mn_find(ha, hoa);
	struct ha_bind *b;
	int n = 0;

	if (m == NULL)
		return -ENOENT;
	if (coa != NULL) {
		b = ha_bind_find(m, *coa);
		if (b == NULL)
			return -ENOENT;
		ha_binding_remove(ha, b);
		return 1;
	}
	while (m->n_binds > 1) {
		ha_binding_remove(ha, m->binds);
		n++;
	}
	ha_binding_remove(ha, m->binds); /* frees m */
	return n + 1;
}
