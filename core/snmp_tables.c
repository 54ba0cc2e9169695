/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * snmp_tables.c - the PMIP-MIB objects of the HA and FA roles, as table descriptors.
 *
 * The generic handlers are in snmp_table.c. This file serves, under pmipObjects
 * (mibs/PMIP-MIB.txt):
 *   .1 pmipSystem       roles, binding/visitor/SA counts
 *   .2 pmipBindingTable  INDEX { home address, care-of address }  (ha_binding_next)
 *   .3 pmipVisitorTable  INDEX { home address }                   (fa_visitor_next)
 *   .4 pmipSecAssocTable INDEX { IMPLIED name }  the YANG list key; never a key column
 *   .5 pmipCounterTable  INDEX { role, IMPLIED counter name }     (*_counter_table())
 *   .6 pmipNotify        traps sent and suppressed, and the notification objects
 */
#include <errno.h>
#include <string.h>

#include "engine.h"
#include "fa.h"
#include "ha.h"
#include "log.h"
#include "sa.h"
#include "snmp_int.h"

/* --- PMIP-MIB --- */

/* --- the HA's bindings and the FA's visitors (also served by snmp_mip2006.c) --- */

static const struct ha *
snmp_ha(void)
{
	const struct pmip_engine *e = snmp_engine();

	return e != NULL ? e->ha_inst : NULL;
}

static const struct fa *
snmp_fa(void)
{
	const struct pmip_engine *e = snmp_engine();

	return e != NULL ? e->fa_inst : NULL;
}

SNMP_ROW_FITS(struct ha_binding_info);
SNMP_ROW_FITS(struct fa_visitor_info);

static int
snmp_binding_lookup(const struct in_addr *k, void *row)
{
	const struct ha *ha = snmp_ha();

	return ha != NULL ? ha_binding_lookup(ha, k[0], k[1], row) : -ENOENT;
}

static int
snmp_binding_next(const struct in_addr *after, void *row)
{
	const struct ha *ha = snmp_ha();

	return ha != NULL ? ha_binding_next(ha, after, after != NULL ? &after[1] : NULL, row)
	                  : -ENOENT;
}

const struct snmp_ipv4_rows snmp_ha_binding_rows = {
	.n_addr = 2,
	.key_off = { offsetof(struct ha_binding_info, hoa), offsetof(struct ha_binding_info, coa) },
	.lookup = snmp_binding_lookup,
	.next = snmp_binding_next,
};

static int
snmp_visitor_lookup(const struct in_addr *k, void *row)
{
	const struct fa *fa = snmp_fa();

	return fa != NULL ? fa_visitor_lookup(fa, k[0], row) : -ENOENT;
}

static int
snmp_visitor_next(const struct in_addr *after, void *row)
{
	const struct fa *fa = snmp_fa();

	return fa != NULL ? fa_visitor_next(fa, after, row) : -ENOENT;
}

const struct snmp_ipv4_rows snmp_fa_visitor_rows = {
	.n_addr = 1,
	.key_off = { offsetof(struct fa_visitor_info, hoa) },
	.lookup = snmp_visitor_lookup,
	.next = snmp_visitor_next,
};

/* --- PMIP-MIB --- */

/* pmipBindingTable: the HA's bindings. */
static int
pmip_binding_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct ha_binding_info *b = row;

	switch (col) {
	case 3:
		return snmp_val_ipv4(vb, b->src.s_addr);
	case 4:
		return snmp_val_ipv4(vb, b->ha_addr.s_addr);
	case 5:
		return snmp_val_uint(vb, ASN_UNSIGNED, b->flags);
	case 6:
		return snmp_val_id64(vb, b->id);
	case 7:
		return snmp_val_uint(vb, ASN_UNSIGNED, b->lifetime);
	case 8:
		return snmp_val_uint(vb, ASN_GAUGE, b->remaining);
	case 9:
		return snmp_val_string(vb, b->nai);
	default:
		return -ENOENT;
	}
}

/* pmipVisitorTable: the FA's visitors. */
static int
pmip_visitor_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct fa_visitor_info *v = row;

	switch (col) {
	case 2:
		return snmp_val_ipv4(vb, v->ha.s_addr);
	case 3:
		return snmp_val_ipv4(vb, v->coa.s_addr);
	case 4:
		return snmp_val_ipv4(vb, v->src.s_addr);
	case 5:
		return snmp_val_uint(vb, ASN_UNSIGNED, v->src_port);
	case 6:
		return snmp_val_string(vb, v->ifname);
	case 7:
		return snmp_val_octets(vb, v->mac, FA_MAC_LEN);
	case 8:
		return snmp_val_uint(vb, ASN_UNSIGNED, v->flags);
	case 9:
		return snmp_val_id64(vb, v->id);
	case 10:
		return snmp_val_uint(vb, ASN_UNSIGNED, v->lifetime);
	case 11:
		return snmp_val_uint(vb, ASN_GAUGE, v->remaining);
	case 12:
		return snmp_val_int(vb, v->reverse_tunnel ? 1 : 2);
	case 13:
		return snmp_val_string(vb, v->nai);
	default:
		return -ENOENT;
	}
}

/* pmipSecAssocTable: configured SAs by name; the key is never exposed. */
struct pmip_sa_row {
	char name[SA_NAME_MAX];
	enum sa_peer_kind peer_kind;
	struct in_addr lo, hi;
	char nai[SA_NAI_MAX + 1];
	enum sa_entity entity;
	uint32_t spi;
	enum mip_auth_alg alg;
	enum sa_replay replay;
	uint32_t tolerance_s;
	char source[16];
};

struct pmip_sa_scan {
	struct snmp_scan s;
	struct pmip_sa_row *row;
};

static int
pmip_sa_scan_one(struct mip_sa *sa, void *arg)
{
	struct pmip_sa_scan *s = arg;
	oid cand[SNMP_IDX_MAX];
	size_t n = strnlen(sa->name, SA_NAME_MAX - 1);

	for (size_t i = 0; i < n; i++)
		cand[i] = (unsigned char)sa->name[i];
	if (!snmp_scan_offer(&s->s, cand, n))
		return 0;
	memset(s->row, 0, sizeof(*s->row));
	memcpy(s->row->name, sa->name, n);
	s->row->peer_kind = sa->peer_kind;
	s->row->lo = sa->lo;
	s->row->hi = sa->hi;
	snprintf(s->row->nai, sizeof(s->row->nai), "%s", sa->nai);
	s->row->entity = sa->entity;
	s->row->spi = sa->spi;
	s->row->alg = sa->alg;
	s->row->replay = sa->replay;
	s->row->tolerance_s = sa->tolerance_s;
	snprintf(s->row->source, sizeof(s->row->source), "%s", sa->source ? sa->source : "");
	return 0;
}

SNMP_ROW_FITS(struct pmip_sa_row);

static int
pmip_sa_find(const oid *idx, size_t len, bool exact, void *row, oid *out, size_t *out_len)
{
	const struct pmip_engine *e = snmp_engine();
	struct pmip_sa_scan s = { .row = row };

	snmp_scan_init(&s.s, idx, len, exact, out, out_len);
	if (e == NULL || e->sa_table == NULL ||
	    sa_table_foreach(e->sa_table, pmip_sa_scan_one, &s) < 0 || !s.s.found)
		return -ENOENT;
	return 0;
}

static int
pmip_sa_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct pmip_sa_row *r = row;

	switch (col) {
	case 2:
		return snmp_val_int(vb, r->peer_kind);
	case 3:
		return snmp_val_ipv4(vb, r->peer_kind == SA_PEER_NAI ? 0 : r->lo.s_addr);
	case 4:
		return snmp_val_ipv4(vb, r->peer_kind == SA_PEER_NAI ? 0 : r->hi.s_addr);
	case 5:
		return snmp_val_string(vb, r->nai);
	case 6:
		return snmp_val_int(vb, r->entity);
	case 7:
		return snmp_val_uint(vb, ASN_UNSIGNED, r->spi);
	case 8:
		return snmp_val_int(vb, r->alg);
	case 9:
		return snmp_val_int(vb, (long)r->replay + 1);
	case 10:
		return snmp_val_uint(vb, ASN_UNSIGNED, r->tolerance_s);
	case 11:
		return snmp_val_string(vb, r->source);
	default:
		return -ENOENT;
	}
}

/* pmipCounterTable: every counter of the running roles, INDEX { role, IMPLIED name }. */
enum { PMIP_ROLE_HA = 1, PMIP_ROLE_FA = 2 };

struct pmip_counter_row {
	const struct pmip_counter_desc *d;
	uint64_t value;
};

static int
pmip_counter_find(const oid *idx, size_t len, bool exact, void *row, oid *out, size_t *out_len)
{
	const struct pmip_engine *e = snmp_engine();
	struct pmip_counter_row *r = row;
	const struct pmip_counter_desc *tab = NULL;
	struct ha_counters hc;
	struct fa_counters fc;
	struct snmp_scan s;
	oid cand[SNMP_IDX_MAX];
	const void *cnt = NULL;
	size_t n = 0;

	if (e == NULL)
		return -ENOENT;
	snmp_scan_init(&s, idx, len, exact, out, out_len);
	for (long role = PMIP_ROLE_HA; role <= PMIP_ROLE_FA; role++) {
		if (role == PMIP_ROLE_HA && e->ha_inst != NULL) {
			ha_get_counters(e->ha_inst, &hc);
			tab = ha_counter_table(&n);
			cnt = &hc;
		} else if (role == PMIP_ROLE_FA && e->fa_inst != NULL) {
			fa_get_counters(e->fa_inst, &fc);
			tab = fa_counter_table(&n);
			cnt = &fc;
		} else {
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			size_t nl = strlen(tab[i].name), cl = 0;

			if (nl + 1 > SNMP_IDX_MAX)
				continue;
			cand[cl++] = (oid)role;
			for (size_t j = 0; j < nl; j++)
				cand[cl++] = (unsigned char)tab[i].name[j];
			if (!snmp_scan_offer(&s, cand, cl))
				continue;
			r->d = &tab[i];
			r->value = pmip_counter_value(cnt, &tab[i]);
		}
	}
	return s.found ? 0 : -ENOENT;
}

static int
pmip_counter_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct pmip_counter_row *r = row;

	if (col == 3)
		return snmp_val_counter64(vb, r->value);
	if (col == 4)
		return snmp_val_string(vb, r->d->descr);
	return -ENOENT;
}

static const oid pmip_binding_oid[] = SNMP_PMIP_OBJ(2);
static const oid pmip_visitor_oid[] = SNMP_PMIP_OBJ(3);
static const oid pmip_sa_oid[] = SNMP_PMIP_OBJ(4);
static const oid pmip_counter_oid[] = SNMP_PMIP_OBJ(5);

static const struct snmp_table pmip_tables[] = {
	{ .name = "pmipBindingTable",
	  .oid = pmip_binding_oid,
	  .oid_len = SNMP_OIDLEN(pmip_binding_oid),
	  .min_col = 3,
	  .max_col = 9,
	  .rows = &snmp_ha_binding_rows,
	  .column = pmip_binding_column },
	{ .name = "pmipVisitorTable",
	  .oid = pmip_visitor_oid,
	  .oid_len = SNMP_OIDLEN(pmip_visitor_oid),
	  .min_col = 2,
	  .max_col = 13,
	  .rows = &snmp_fa_visitor_rows,
	  .column = pmip_visitor_column },
	{ .name = "pmipSecAssocTable",
	  .oid = pmip_sa_oid,
	  .oid_len = SNMP_OIDLEN(pmip_sa_oid),
	  .min_col = 2,
	  .max_col = 11,
	  .find = pmip_sa_find,
	  .column = pmip_sa_column },
	{ .name = "pmipCounterTable",
	  .oid = pmip_counter_oid,
	  .oid_len = SNMP_OIDLEN(pmip_counter_oid),
	  .min_col = 3,
	  .max_col = 4,
	  .find = pmip_counter_find,
	  .column = pmip_counter_column },
};

/* pmipSystem and pmipNotify scalars. */
enum pmip_scalar_id {
	PMIP_S_ROLES,
	PMIP_S_BINDINGS,
	PMIP_S_VISITORS,
	PMIP_S_SAS,
	PMIP_S_TRAPS_SENT,
	PMIP_S_TRAPS_SUPPRESSED,
};

static int
pmip_scalar_get(const void *arg, netsnmp_variable_list *vb)
{
	const struct pmip_engine *e = snmp_engine();
	struct snmp_trap_stats ts;
	uint8_t roles = 0;

	if (e == NULL)
		return -ENOENT;
	switch ((enum pmip_scalar_id)(uintptr_t)arg) {
	case PMIP_S_ROLES: /* BITS { homeAgent(0), foreignAgent(1), proxy(2), aap(3) } */
		roles |= e->ha_inst != NULL ? 0x80 : 0;
		roles |= e->fa_inst != NULL ? 0x40 : 0;
		roles |= e->proxy != NULL ? 0x20 : 0;
		roles |= e->aap != NULL ? 0x10 : 0;
		return snmp_val_octets(vb, &roles, 1);
	case PMIP_S_BINDINGS:
		return snmp_val_uint(vb, ASN_GAUGE,
		                     e->ha_inst ? (uint32_t)ha_binding_count(e->ha_inst) : 0);
	case PMIP_S_VISITORS:
		return snmp_val_uint(vb, ASN_GAUGE,
		                     e->fa_inst ? (uint32_t)fa_visitor_count(e->fa_inst) : 0);
	case PMIP_S_SAS:
		return snmp_val_uint(vb, ASN_GAUGE, e->sa_table ? sa_table_count(e->sa_table) : 0);
	case PMIP_S_TRAPS_SENT:
		snmp_trap_stats(&ts);
		return snmp_val_uint(vb, ASN_COUNTER, (uint32_t)ts.sent);
	case PMIP_S_TRAPS_SUPPRESSED:
		snmp_trap_stats(&ts);
		return snmp_val_uint(vb, ASN_COUNTER, (uint32_t)ts.suppressed);
	}
	return -ENOENT;
}

#define PMIP_SCALAR(nm, id, ...)                                                                  \
	{                                                                                         \
		nm, SNMP_PMIP_OBJ(__VA_ARGS__), SNMP_OIDLEN(((oid[])SNMP_PMIP_OBJ(__VA_ARGS__))), \
		        pmip_scalar_get, (const void *)(uintptr_t)(id)                            \
	}

static const struct snmp_scalar pmip_scalars[] = {
	PMIP_SCALAR("pmipRoles", PMIP_S_ROLES, 1, 1),
	PMIP_SCALAR("pmipBindingCount", PMIP_S_BINDINGS, 1, 2),
	PMIP_SCALAR("pmipVisitorCount", PMIP_S_VISITORS, 1, 3),
	PMIP_SCALAR("pmipSecAssocCount", PMIP_S_SAS, 1, 4),
	PMIP_SCALAR("pmipTrapsSent", PMIP_S_TRAPS_SENT, 6, 1),
	PMIP_SCALAR("pmipTrapsSuppressed", PMIP_S_TRAPS_SUPPRESSED, 6, 2),
};

int
snmp_pmip_register(void)
{
	if (snmp_tables_register(pmip_tables, SNMP_OIDLEN(pmip_tables)) < 0)
		return -1;
	return snmp_scalars_register(pmip_scalars, SNMP_OIDLEN(pmip_scalars));
}
