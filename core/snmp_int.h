/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * snmp_int.h - what the snmp_*.c files share: the read-only table and scalar
 * handlers of snmp_tables.c, index helpers, and the hooks between the files.
 *
 * A table is described by struct snmp_table: its OID, its column range and a
 * find() that returns the row with a given index, or the first row whose
 * index is greater than a given (possibly partial or out-of-range) sequence
 * of sub-identifiers, in OID order. find() reads the role accessors at
 * request time; for the binding and visitor tables it is one O(log n) call of
 * ha_binding_next()/fa_visitor_next(), so a GETNEXT never sorts or copies
 * the table. Small configuration tables (security associations, counters)
 * scan their rows instead.
 */
#ifndef PMIP_SNMP_INT_H
#define PMIP_SNMP_INT_H

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

/** snmp_reg_flags - RFC 2006 RegistrationFlags (BITS) octet of the request flags @f. */
uint8_t snmp_reg_flags(uint8_t f);

/** snmp_engine - the engine whose state is served (loop thread). */
struct pmip_engine *snmp_engine(void);

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
