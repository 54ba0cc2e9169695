/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * snmp_int.h - what the snmp_*.c files share: the generic table and scalar machinery of
 * snmp_table.c, index and value helpers, and the hooks between the files.
 *
 * A table is described by struct snmp_table: its OID, its column range, a row fetch and a
 * column getter. The row fetch returns the row with a given index, or the first row whose
 * index is greater than a given (possibly partial or out-of-range) sequence of
 * sub-identifiers, in OID order. Tables indexed by IPv4 addresses describe their rows with
 * struct snmp_ipv4_rows (the role's "lookup exact" and "next after" accessors and where
 * the index addresses sit in a row) and share snmp_ipv4_find(): for the binding, visitor,
 * proxy client and agent tables that is one O(log n) accessor call, so a GETNEXT never
 * sorts or copies the table. Small configuration tables (security associations,
 * counters, FA interfaces) scan their rows with struct snmp_scan instead.
 */
#ifndef PMIP_SNMP_INT_H
#define PMIP_SNMP_INT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "snmp.h"

struct pmip_engine;

#define SNMP_IDX_MAX 72   /* sub-identifiers in a row index */
#define SNMP_ROW_MAX 1024 /* bytes of row data one find() may return */

/** SNMP_OIDLEN - number of sub-identifiers of the oid array @a. */
#define SNMP_OIDLEN(a) (sizeof(a) / sizeof((a)[0]))

/** SNMP_PMIP_OBJ - an OID under pmipObjects: pmipMIB.1 followed by the arguments. */
#define SNMP_PMIP_OBJ(...)                        \
	{                                         \
		SNMP_PMIP_MIB_OID, 1, __VA_ARGS__ \
	}

/** SNMP_ROW_FITS - fail the build when a row of @type does not fit the row buffer. */
#define SNMP_ROW_FITS(type) _Static_assert(sizeof(type) <= SNMP_ROW_MAX, #type " row")

/**
 * struct snmp_ipv4_rows - rows indexed by one or two IPv4 addresses, read from a role.
 * @n_addr: addresses in the index, 1 or 2.
 * @key_off: offset in the row of each index address (a struct in_addr).
 * @lookup: fill @row with the row whose index is @key[0..@n_addr). NULL (one-address
 *	indexes only): the row is found as the first row after @key - 1.
 * @next: fill @row with the first row whose index is greater than @after[0..@n_addr) in
 *	OID order (@after NULL: the first row).
 *
 * @lookup and @next return 0, or a negative errno (-ENOENT also when the role is off).
 */
struct snmp_ipv4_rows {
	size_t n_addr;
	size_t key_off[2];
	int (*lookup)(const struct in_addr *key, void *row);
	int (*next)(const struct in_addr *after, void *row);
};

/**
 * struct snmp_table - a read-only conceptual table.
 * @name: registration name.
 * @oid: OID of the table object (xxxTable); rows are @oid.1.column.index.
 * @oid_len: its length.
 * @min_col: first accessible column.
 * @max_col: last accessible column.
 * @find: with @exact, the row whose index is @idx[0..@idx_len); otherwise the first row
 *	whose index is greater than @idx in OID order (@idx_len 0: the first row). Fills
 *	@row (at most SNMP_ROW_MAX bytes) and its index @out/@out_len. Return 0 or -ENOENT.
 *	NULL: snmp_ipv4_find() over @rows.
 * @rows: the rows of an IPv4-indexed table, when @find is NULL.
 * @column: put the value of column @col of @row into @vb. Return 0, or -ENOENT when the
 *	row has no such column.
 */
struct snmp_table {
	const char *name;
	const oid *oid;
	size_t oid_len;
	unsigned min_col, max_col;
	int (*find)(const oid *idx, size_t idx_len, bool exact, void *row, oid *out,
	            size_t *out_len);
	const struct snmp_ipv4_rows *rows;
	int (*column)(const void *row, unsigned col, netsnmp_variable_list *vb);
};

/**
 * struct snmp_scalar - one read-only scalar object (registered with its instance .0).
 * @name: registration name.
 * @oid: OID of the object, without the .0 instance.
 * @oid_len: its length.
 * @get: put the value into @vb; @arg is @arg below. Return 0, or -ENOENT (noSuchInstance,
 *	e.g. the role is off).
 * @arg: argument of @get.
 */
struct snmp_scalar {
	const char *name;
	oid oid[MAX_OID_LEN];
	size_t oid_len;
	int (*get)(const void *arg, netsnmp_variable_list *vb);
	const void *arg;
};

/**
 * snmp_table_register - register @t with the agent; @t must stay valid.
 * @t: the table.
 * Return: 0 or -1 (logged).
 */
int snmp_table_register(const struct snmp_table *t);

/**
 * snmp_scalar_register - register @s with the agent; @s must stay valid.
 * @s: the scalar.
 * Return: 0 or -1 (logged).
 */
int snmp_scalar_register(const struct snmp_scalar *s);

/** snmp_tables_register - register the @n tables of @t; 0 or -1 (logged). */
int snmp_tables_register(const struct snmp_table *t, size_t n);

/** snmp_scalars_register - register the @n scalars of @s; 0 or -1 (logged). */
int snmp_scalars_register(const struct snmp_scalar *s, size_t n);

/**
 * snmp_ipv4_find - the row fetch of an IPv4-indexed table (struct snmp_table.find).
 * @r: the rows.
 * @idx: request index; @len: its length; @exact: GET (true) or GETNEXT (false).
 * @row: receives the row; @out, @out_len: receive its index.
 *
 * A GET decodes exactly @r->n_addr addresses and looks the row up; a GETNEXT turns @idx
 * into a start key with snmp_idx_ipv4_start(), then looks up the row at that key when it
 * may follow @idx, else takes the first row after it: one or two accessor calls.
 * Return: 0 or -ENOENT.
 */
int snmp_ipv4_find(const struct snmp_ipv4_rows *r, const oid *idx, size_t len, bool exact,
                   void *row, oid *out, size_t *out_len);

/**
 * struct snmp_scan - a row fetch that scans its rows and keeps the best candidate.
 * @idx: request index; @len: its length; @exact: GET (true) or GETNEXT (false).
 * @found: a candidate was accepted.
 * @best: index of the best candidate so far (the find()'s @out, SNMP_IDX_MAX entries).
 * @best_len: its length (the find()'s @out_len).
 */
struct snmp_scan {
	const oid *idx;
	size_t len;
	bool exact;
	bool found;
	oid *best;
	size_t *best_len;
};

/** snmp_scan_init - start a scan for a find() call; the best index goes to @out/@out_len. */
void snmp_scan_init(struct snmp_scan *s, const oid *idx, size_t len, bool exact, oid *out,
                    size_t *out_len);

/**
 * snmp_scan_offer - offer the row whose index is @cand[0..@n).
 * Return: true when it is the best so far (it was copied to the scan's @best: fill the row
 * now), false otherwise.
 */
bool snmp_scan_offer(struct snmp_scan *s, const oid *cand, size_t n);

/**
 * snmp_idx_ipv4_start - where a GETNEXT over rows indexed by @n IPv4 addresses starts.
 * @idx: the index part of the request (any sub-identifiers).
 * @len: its length.
 * @n: addresses in the index (1 or 2).
 * @key: receives @n addresses in host byte order.
 *
 * Return: 1 when the first row at or after @key follows @idx, 0 when the first row
 * strictly after @key does, -1 when no row can follow.
 */
int snmp_idx_ipv4_start(const oid *idx, size_t len, size_t n, uint32_t *key);

/**
 * snmp_idx_ipv4_exact - decode an index of exactly @n IPv4 addresses.
 * @idx: index sub-identifiers.
 * @len: their number.
 * @n: addresses expected.
 * @key: receives them in host byte order.
 * Return: 0, or -1 when @idx is not such an index.
 */
int snmp_idx_ipv4_exact(const oid *idx, size_t len, size_t n, uint32_t *key);

/** snmp_idx_put_ipv4 - append @addr (network byte order) to @out at *@len. */
void snmp_idx_put_ipv4(oid *out, size_t *len, uint32_t addr);

/**
 * snmp_idx_after - is the index @cand "after" the request index @idx, and better (smaller)
 * than the best so far @best (NULL: none)? Helper for tables that scan their rows.
 * @exact: with true, @cand must equal @idx instead.
 */
bool snmp_idx_after(const oid *cand, size_t cand_len, const oid *idx, size_t idx_len, bool exact,
                    const oid *best, size_t best_len, bool have_best);

/* Value helpers; each returns 0. */
int snmp_val_ipv4(netsnmp_variable_list *vb, uint32_t addr_nbo);
int snmp_val_int(netsnmp_variable_list *vb, long v);
int snmp_val_uint(netsnmp_variable_list *vb, u_char type, uint32_t v);
int snmp_val_counter64(netsnmp_variable_list *vb, uint64_t v);
int snmp_val_octets(netsnmp_variable_list *vb, const void *buf, size_t len);
int snmp_val_string(netsnmp_variable_list *vb, const char *s);
/* An 8-byte registration identification as OCTET STRING (SIZE(8)), most significant first. */
int snmp_val_id64(netsnmp_variable_list *vb, uint64_t id);
/* A Gauge32, clamped at its maximum. */
int snmp_val_gauge_clamp(netsnmp_variable_list *vb, uint64_t v);

/** snmp_reg_flags - RFC 2006 RegistrationFlags (BITS) octet of the request flags @f. */
uint8_t snmp_reg_flags(uint8_t f);

/** snmp_engine - the engine whose state is served (loop thread). */
struct pmip_engine *snmp_engine(void);

/* snmp_tables.c: the rows of the HA's bindings and the FA's visitors (PMIP-MIB, RFC 2006). */
extern const struct snmp_ipv4_rows snmp_ha_binding_rows;
extern const struct snmp_ipv4_rows snmp_fa_visitor_rows;

/* snmp_tables.c: register the PMIP-MIB objects. Return 0 or -1. */
int snmp_pmip_register(void);
/* snmp_proxy.c: register the proxy and AAP tables of PMIP-MIB. Return 0 or -1. */
int snmp_proxy_register(void);
/* snmp_mip2006.c: register the RFC 2006 subset. Return 0 or -1. */
int snmp_mip2006_register(void);

/* snmp_traps.c */
/** snmp_traps_start - subscribe to the event bus with @cfg's settings. */
void snmp_traps_start(const struct snmp_config *cfg);
/** snmp_traps_configure - new rate and switches; the bucket keeps its tokens. */
void snmp_traps_configure(const struct snmp_config *cfg);
/** snmp_traps_stop - unsubscribe. */
void snmp_traps_stop(void);

#endif /* PMIP_SNMP_INT_H */
