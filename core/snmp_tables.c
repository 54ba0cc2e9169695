/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * snmp_tables.c - read-only table and scalar handlers, and the PMIP-MIB objects.
 *
 * The generic part answers GET and GETNEXT for a struct snmp_table: a GET
 * decodes column and index and asks find() for that row; a GETNEXT walks
 * columns in order and, within a column, asks find() for the first row after
 * the requested index (see snmp_int.h), so the cost of one step is the cost
 * of one accessor call. Requests beyond the last column are left unanswered,
 * which makes the agent continue in the next registered subtree.
 *
 * The PMIP-MIB part (mibs/PMIP-MIB.txt) serves, under pmipObjects:
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

/* --- values --- */

int
snmp_val_ipv4(netsnmp_variable_list *vb, uint32_t addr_nbo)
{
	snmp_set_var_typed_value(vb, ASN_IPADDRESS, &addr_nbo, 4);
	return 0;
}

int
snmp_val_int(netsnmp_variable_list *vb, long v)
{
	snmp_set_var_typed_value(vb, ASN_INTEGER, &v, sizeof(v));
	return 0;
}

int
snmp_val_uint(netsnmp_variable_list *vb, u_char type, uint32_t v)
{
	u_long l = v;

	snmp_set_var_typed_value(vb, type, &l, sizeof(l));
	return 0;
}

int
snmp_val_counter64(netsnmp_variable_list *vb, uint64_t v)
{
	struct counter64 c = { .high = (u_long)(v >> 32), .low = (u_long)(v & 0xffffffffu) };

	snmp_set_var_typed_value(vb, ASN_COUNTER64, &c, sizeof(c));
	return 0;
}

int
snmp_val_octets(netsnmp_variable_list *vb, const void *buf, size_t len)
{
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, buf, len);
	return 0;
}

int
snmp_val_string(netsnmp_variable_list *vb, const char *s)
{
	return snmp_val_octets(vb, s, strlen(s));
}

uint8_t
snmp_reg_flags(uint8_t f)
{
	/* RFC 2006 RegistrationFlags: vjCompression(0) gre(1) minEnc(2) decapsulationbyMN(3)
	 * broadcastDatagram(4) simultaneousBindings(5); BITS bit n is octet mask 0x80 >> n. */
	static const uint8_t map[][2] = {
		{ 0x04, 0x80 }, { 0x08, 0x40 }, { 0x10, 0x20 },
		{ 0x20, 0x10 }, { 0x40, 0x08 }, { 0x80, 0x04 },
	};
	uint8_t out = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (f & map[i][0])
			out |= map[i][1];
	return out;
}

/* --- indexes --- */

int
snmp_idx_ipv4_start(const oid *idx, size_t len, size_t n, uint32_t *key)
{
	size_t m = 4 * n;

	memset(key, 0, n * sizeof(*key));
	for (size_t i = 0; i < len && i < m; i++) {
		if (idx[i] > 255) {
			/* Every row with the prefix idx[0..i) is smaller: start after the
			 * largest of them, (prefix, 255, 255, ...). */
			if (i == 0)
				return -1;
			for (size_t j = i; j < m; j++)
				key[j / 4] |= 255u << (8 * (3 - j % 4));
			return 0;
		}
		key[i / 4] |= (uint32_t)idx[i] << (8 * (3 - i % 4));
	}
	/* A partial index: every row with that prefix is greater (it is longer). */
	return len < m ? 1 : 0;
}

int
snmp_idx_ipv4_exact(const oid *idx, size_t len, size_t n, uint32_t *key)
{
	if (len != 4 * n)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (idx[i] > 255)
			return -1;
	return snmp_idx_ipv4_start(idx, len, n, key) == 0 ? 0 : -1;
}

void
snmp_idx_put_ipv4(oid *out, size_t *len, uint32_t addr)
{
	const uint8_t *b = (const uint8_t *)&addr;

	for (int i = 0; i < 4; i++)
		out[(*len)++] = b[i];
}

bool
snmp_idx_after(const oid *cand, size_t cand_len, const oid *idx, size_t idx_len, bool exact,
               const oid *best, size_t best_len, bool have_best)
{
	int c = snmp_oid_compare(cand, cand_len, idx, idx_len);

	if (exact)
		return c == 0;
	if (c <= 0)
		return false;
	return !have_best || snmp_oid_compare(cand, cand_len, best, best_len) < 0;
}

/* --- generic handlers --- */

static void
snmp_table_get(const struct snmp_table *t, netsnmp_variable_list *vb)
{
	_Alignas(max_align_t) unsigned char row[SNMP_ROW_MAX];
	oid out[SNMP_IDX_MAX];
	size_t out_len, L = t->oid_len;

	if (vb->name_length < L + 3 || vb->name[L] != 1 || vb->name[L + 1] < t->min_col ||
	    vb->name[L + 1] > t->max_col) {
		snmp_set_var_typed_value(vb, SNMP_NOSUCHOBJECT, NULL, 0);
		return;
	}
	if (t->find(vb->name + L + 2, vb->name_length - L - 2, true, row, out, &out_len) < 0 ||
	    t->column(row, (unsigned)vb->name[L + 1], vb) < 0)
		snmp_set_var_typed_value(vb, SNMP_NOSUCHINSTANCE, NULL, 0);
}

static void
snmp_table_getnext(const struct snmp_table *t, netsnmp_variable_list *vb, bool inclusive)
{
	_Alignas(max_align_t) unsigned char row[SNMP_ROW_MAX];
	oid start[SNMP_IDX_MAX], out[SNMP_IDX_MAX], name[MAX_OID_LEN];
	size_t L = t->oid_len, start_len = 0, out_len;
	unsigned col = t->min_col;

	if (vb->name_length > L) {
		if (vb->name[L] > 1)
			return; /* past the table */
		if (vb->name[L] == 1 && vb->name_length > L + 1) {
			if (vb->name[L + 1] > t->max_col)
				return;
			if (vb->name[L + 1] >= t->min_col) {
				col = (unsigned)vb->name[L + 1];
				start_len = vb->name_length - L - 2;
				if (start_len > SNMP_IDX_MAX)
					start_len =
					        SNMP_IDX_MAX; /* longer than any index: same order */
				memcpy(start, vb->name + L + 2, start_len * sizeof(oid));
				inclusive = inclusive && start_len > 0;
			} else {
				inclusive = false;
			}
		} else {
			inclusive = false;
		}
	} else {
		inclusive = false;
	}
	if (L + 2 + SNMP_IDX_MAX > MAX_OID_LEN)
		return;
	memcpy(name, t->oid, L * sizeof(oid));
	name[L] = 1;
	for (; col <= t->max_col; col++, start_len = 0, inclusive = false) {
		const oid *cur = start;
		size_t cur_len = start_len;
		bool exact = inclusive;

		for (;;) {
			int rc = t->find(cur, cur_len, exact, row, out, &out_len);

			if (rc < 0 && exact) {
				exact = false;
				continue;
			}
			if (rc < 0)
				break;
			exact = false;
			if (t->column(row, col, vb) == 0) {
				name[L + 1] = col;
				memcpy(name + L + 2, out, out_len * sizeof(oid));
				snmp_set_var_objid(vb, name, L + 2 + out_len);
				return;
			}
			memcpy(start, out, out_len * sizeof(oid)); /* a row without this column */
			cur = start;
			cur_len = out_len;
		}
	}
}

static int
snmp_table_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
                   netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct snmp_table *t = handler->myvoid;

	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		if (r->processed)
			continue;
		if (reqinfo->mode == MODE_GET)
			snmp_table_get(t, r->requestvb);
		else if (reqinfo->mode == MODE_GETNEXT)
			snmp_table_getnext(t, r->requestvb, r->inclusive != 0);
		else
			netsnmp_set_request_error(reqinfo, r, SNMP_ERR_NOTWRITABLE);
	}
	return SNMP_ERR_NOERROR;
}

int
snmp_table_register(const struct snmp_table *t)
{
	netsnmp_handler_registration *reg;

	reg = netsnmp_create_handler_registration(t->name, snmp_table_handler, t->oid, t->oid_len,
	                                          HANDLER_CAN_RONLY);
	if (reg == NULL) {
		log_errx(LOG_SS_SNMP, "cannot register %s", t->name);
		return -1;
	}
	reg->handler->myvoid = (void *)(uintptr_t)t;
	if (netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		log_errx(LOG_SS_SNMP, "cannot register %s", t->name);
		return -1;
	}
	return 0;
}

static int
snmp_scalar_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
                    netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct snmp_scalar *s = handler->myvoid;

	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		if (r->processed)
			continue;
		if (reqinfo->mode != MODE_GET) {
			netsnmp_set_request_error(reqinfo, r, SNMP_ERR_NOTWRITABLE);
			continue;
		}
		if (s->get(s->arg, r->requestvb) < 0)
			snmp_set_var_typed_value(r->requestvb, SNMP_NOSUCHINSTANCE, NULL, 0);
	}
	return SNMP_ERR_NOERROR;
}

int
snmp_scalar_register(const struct snmp_scalar *s)
{
	netsnmp_handler_registration *reg;

	reg = netsnmp_create_handler_registration(s->name, snmp_scalar_handler, s->oid, s->oid_len,
	                                          HANDLER_CAN_RONLY);
	if (reg == NULL || (reg->handler->myvoid = (void *)(uintptr_t)s,
	                    netsnmp_register_scalar(reg) != MIB_REGISTERED_OK)) {
		log_errx(LOG_SS_SNMP, "cannot register %s", s->name);
		return -1;
	}
	return 0;
}

/* --- PMIP-MIB --- */

#define PMIP_OBJ(...)                             \
	{                                         \
		SNMP_PMIP_MIB_OID, 1, __VA_ARGS__ \
	}

/* pmipBindingTable: the HA's bindings. */
static int
pmip_binding_find(const oid *idx, size_t len, bool exact, void *row, oid *out, size_t *out_len)
{
	const struct pmip_engine *e = snmp_engine();
	struct ha_binding_info *b = row;
	struct in_addr k[2];
	uint32_t key[2];
	int rc, start;

	if (e == NULL || e->ha_inst == NULL)
		return -ENOENT;
	if (exact) {
		if (snmp_idx_ipv4_exact(idx, len, 2, key) < 0)
			return -ENOENT;
		rc = ha_binding_lookup(e->ha_inst, (struct in_addr){ htonl(key[0]) },
		                       (struct in_addr){ htonl(key[1]) }, b);
	} else if ((start = snmp_idx_ipv4_start(idx, len, 2, key)) < 0) {
		return -ENOENT;
	} else {
		k[0].s_addr = htonl(key[0]);
		k[1].s_addr = htonl(key[1]);
		rc = -ENOENT;
		if (start == 1)
			rc = ha_binding_lookup(e->ha_inst, k[0], k[1], b);
		if (rc < 0)
			rc = ha_binding_next(e->ha_inst, len > 0 ? &k[0] : NULL, &k[1], b);
	}
	if (rc < 0)
		return -ENOENT;
	*out_len = 0;
	snmp_idx_put_ipv4(out, out_len, b->hoa.s_addr);
	snmp_idx_put_ipv4(out, out_len, b->coa.s_addr);
	return 0;
}

static int
pmip_binding_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct ha_binding_info *b = row;
	uint8_t id[8];

	switch (col) {
	case 3:
		return snmp_val_ipv4(vb, b->src.s_addr);
	case 4:
		return snmp_val_ipv4(vb, b->ha_addr.s_addr);
	case 5:
		return snmp_val_uint(vb, ASN_UNSIGNED, b->flags);
	case 6:
		for (int i = 0; i < 8; i++)
			id[i] = (uint8_t)(b->id >> (56 - 8 * i));
		return snmp_val_octets(vb, id, sizeof(id));
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
pmip_visitor_find(const oid *idx, size_t len, bool exact, void *row, oid *out, size_t *out_len)
{
	const struct pmip_engine *e = snmp_engine();
	struct fa_visitor_info *v = row;
	struct in_addr k;
	uint32_t key;
	int rc, start;

	if (e == NULL || e->fa_inst == NULL)
		return -ENOENT;
	if (exact) {
		if (snmp_idx_ipv4_exact(idx, len, 1, &key) < 0)
			return -ENOENT;
		rc = fa_visitor_lookup(e->fa_inst, (struct in_addr){ htonl(key) }, v);
	} else if ((start = snmp_idx_ipv4_start(idx, len, 1, &key)) < 0) {
		return -ENOENT;
	} else {
		k.s_addr = htonl(key);
		rc = -ENOENT;
		if (start == 1)
			rc = fa_visitor_lookup(e->fa_inst, k, v);
		if (rc < 0)
			rc = fa_visitor_next(e->fa_inst, len > 0 ? &k : NULL, v);
	}
	if (rc < 0)
		return -ENOENT;
	*out_len = 0;
	snmp_idx_put_ipv4(out, out_len, v->hoa.s_addr);
	return 0;
}

static int
pmip_visitor_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct fa_visitor_info *v = row;
	uint8_t id[8];

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
		for (int i = 0; i < 8; i++)
			id[i] = (uint8_t)(v->id >> (56 - 8 * i));
		return snmp_val_octets(vb, id, sizeof(id));
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
	const oid *idx;
	size_t len;
	bool exact;
	bool found;
	oid best[SNMP_IDX_MAX];
	size_t best_len;
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
	if (!snmp_idx_after(cand, n, s->idx, s->len, s->exact, s->best, s->best_len, s->found))
		return 0;
	s->found = true;
	memcpy(s->best, cand, n * sizeof(oid));
	s->best_len = n;
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

static int
pmip_sa_find(const oid *idx, size_t len, bool exact, void *row, oid *out, size_t *out_len)
{
	const struct pmip_engine *e = snmp_engine();
	struct pmip_sa_scan s = { .idx = idx, .len = len, .exact = exact, .row = row };

	_Static_assert(sizeof(struct pmip_sa_row) <= SNMP_ROW_MAX, "row buffer");
	if (e == NULL || e->sa_table == NULL ||
	    sa_table_foreach(e->sa_table, pmip_sa_scan_one, &s) < 0 || !s.found)
		return -ENOENT;
	memcpy(out, s.best, s.best_len * sizeof(oid));
	*out_len = s.best_len;
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
	const struct pmip_counter_desc *tab = NULL, *best = NULL;
	struct ha_counters hc;
	struct fa_counters fc;
	oid cand[SNMP_IDX_MAX];
	const void *cnt = NULL;
	bool found = false;
	size_t n = 0;

	if (e == NULL)
		return -ENOENT;
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
			if (!snmp_idx_after(cand, cl, idx, len, exact, out, *out_len, found))
				continue;
			found = true;
			best = &tab[i];
			memcpy(out, cand, cl * sizeof(oid));
			*out_len = cl;
			r->d = best;
			r->value = pmip_counter_value(cnt, best);
		}
	}
	return found ? 0 : -ENOENT;
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

static const oid pmip_binding_oid[] = PMIP_OBJ(2);
static const oid pmip_visitor_oid[] = PMIP_OBJ(3);
static const oid pmip_sa_oid[] = PMIP_OBJ(4);
static const oid pmip_counter_oid[] = PMIP_OBJ(5);

#define OIDLEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct snmp_table pmip_tables[] = {
	{ "pmipBindingTable", pmip_binding_oid, OIDLEN(pmip_binding_oid), 3, 9, pmip_binding_find,
	  pmip_binding_column },
	{ "pmipVisitorTable", pmip_visitor_oid, OIDLEN(pmip_visitor_oid), 2, 13, pmip_visitor_find,
	  pmip_visitor_column },
	{ "pmipSecAssocTable", pmip_sa_oid, OIDLEN(pmip_sa_oid), 2, 11, pmip_sa_find,
	  pmip_sa_column },
	{ "pmipCounterTable", pmip_counter_oid, OIDLEN(pmip_counter_oid), 3, 4, pmip_counter_find,
	  pmip_counter_column },
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

#define PMIP_SCALAR(nm, id, ...)                                                   \
	{                                                                          \
		nm, PMIP_OBJ(__VA_ARGS__), OIDLEN(((oid[])PMIP_OBJ(__VA_ARGS__))), \
		        pmip_scalar_get, (const void *)(uintptr_t)(id)             \
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
	for (size_t i = 0; i < sizeof(pmip_tables) / sizeof(pmip_tables[0]); i++)
		if (snmp_table_register(&pmip_tables[i]) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(pmip_scalars) / sizeof(pmip_scalars[0]); i++)
		if (snmp_scalar_register(&pmip_scalars[i]) < 0)
			return -1;
	return 0;
}
