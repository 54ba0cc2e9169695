/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * snmp_table.c - the generic read-only table and scalar machinery every MIB file uses.
 *
 * A table is a descriptor (struct snmp_table in snmp_int.h): OID, column range,
 * a row fetch and a column getter. A GET decodes column and index and fetches
 * that row; a GETNEXT walks columns in order and, within a column, fetches the
 * first row after the requested index, so the cost of one step is the cost of
 * one "next after" call of the role. Requests beyond the last column are left
 * unanswered, which makes the agent continue in the next registered subtree.
 *
 * Two row fetches are provided:
 *   snmp_ipv4_find()  rows indexed by one or two IPv4 addresses, read through a
 *                     role's "lookup exact" and "next after" accessors
 *                     (struct snmp_ipv4_rows); O(log n) on the roles' indexes;
 *   struct snmp_scan  for small configuration tables that scan their rows and
 *                     keep the best candidate index.
 * Also here: the index codecs (snmp_idx_*) and the value setters (snmp_val_*).
 */
#include <errno.h>
#include <string.h>

#include "log.h"
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

int
snmp_val_id64(netsnmp_variable_list *vb, uint64_t id)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(id >> (56 - 8 * i));
	return snmp_val_octets(vb, b, sizeof(b));
}

int
snmp_val_gauge_clamp(netsnmp_variable_list *vb, uint64_t v)
{
	return snmp_val_uint(vb, ASN_GAUGE, v > UINT32_MAX ? UINT32_MAX : (uint32_t)v);
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

/* --- row fetches --- */

void
snmp_scan_init(struct snmp_scan *s, const oid *idx, size_t len, bool exact, oid *out,
               size_t *out_len)
{
	*s = (struct snmp_scan){
		.idx = idx, .len = len, .exact = exact, .best = out, .best_len = out_len
	};
	*out_len = 0;
}

bool
snmp_scan_offer(struct snmp_scan *s, const oid *cand, size_t n)
{
	if (n > SNMP_IDX_MAX ||
	    !snmp_idx_after(cand, n, s->idx, s->len, s->exact, s->best, *s->best_len, s->found))
		return false;
	s->found = true;
	memcpy(s->best, cand, n * sizeof(oid));
	*s->best_len = n;
	return true;
}

static struct in_addr
snmp_rows_addr(const struct snmp_ipv4_rows *r, const void *row, size_t i)
{
	struct in_addr a;

	memcpy(&a, (const unsigned char *)row + r->key_off[i], sizeof(a));
	return a;
}

/* The row at exactly @k: @r->lookup, or else the first row after @k - 1 when its index is
 * @k (single-address indexes only). */
static int
snmp_rows_lookup(const struct snmp_ipv4_rows *r, const struct in_addr *k, void *row)
{
	struct in_addr before = { htonl(ntohl(k[0].s_addr) - 1) };

	if (r->lookup != NULL)
		return r->lookup(k, row);
	if (r->next(k[0].s_addr != 0 ? &before : NULL, row) < 0 ||
	    snmp_rows_addr(r, row, 0).s_addr != k[0].s_addr)
		return -ENOENT;
	return 0;
}

int
snmp_ipv4_find(const struct snmp_ipv4_rows *r, const oid *idx, size_t len, bool exact, void *row,
               oid *out, size_t *out_len)
{
	struct in_addr k[2];
	uint32_t key[2];
	int rc = -ENOENT, start = 1;

	if (r->n_addr < 1 || r->n_addr > 2)
		return -ENOENT;
	if (exact ? snmp_idx_ipv4_exact(idx, len, r->n_addr, key) < 0
	          : (start = snmp_idx_ipv4_start(idx, len, r->n_addr, key)) < 0)
		return -ENOENT;
	for (size_t i = 0; i < r->n_addr; i++)
		k[i].s_addr = htonl(key[i]);
	if (start == 1)
		rc = snmp_rows_lookup(r, k, row);
	if (rc < 0 && !exact)
		rc = r->next(len > 0 ? k : NULL, row);
	if (rc < 0)
		return -ENOENT;
	*out_len = 0;
	for (size_t i = 0; i < r->n_addr; i++)
		snmp_idx_put_ipv4(out, out_len, snmp_rows_addr(r, row, i).s_addr);
	return 0;
}

static int
snmp_table_find(const struct snmp_table *t, const oid *idx, size_t len, bool exact, void *row,
                oid *out, size_t *out_len)
{
	if (t->find != NULL)
		return t->find(idx, len, exact, row, out, out_len);
	return snmp_ipv4_find(t->rows, idx, len, exact, row, out, out_len);
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
	if (snmp_table_find(t, vb->name + L + 2, vb->name_length - L - 2, true, row, out,
	                    &out_len) < 0 ||
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
			int rc = snmp_table_find(t, cur, cur_len, exact, row, out, &out_len);

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

int
snmp_tables_register(const struct snmp_table *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (snmp_table_register(&t[i]) < 0)
			return -1;
	return 0;
}

int
snmp_scalars_register(const struct snmp_scalar *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (snmp_scalar_register(&s[i]) < 0)
			return -1;
	return 0;
}
