/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * snmp_mip2006.c - the read-only subset of the RFC 2006 MIP-MIB that pmipd serves.
 *
 * mipMIB ::= { mib-2 44 }. Served, all read-only (a SET gets notWritable):
 *   .1.1.1-3   mipEntities, mipEnable, mipEncapsulationSupported
 *   .1.2.1     mipSecAssocTable INDEX { peer address, SPI }: configured host SAs only
 *              (range and NAI SAs have no such index); mipSecKey always reads as a
 *              zero-length string
 *   .1.2.2-3   mipSecTotalViolations, mipSecViolationTable (ha_secviol_next)
 *   .1.4.2.1   maAdvConfigTable INDEX { care-of address of each FA interface }
 *   .1.4.2.2,4 maAdvertisementsSent, maSolicitationsReceived
 *   .1.5.2.1-2 faIsBusy, faRegistrationRequired
 *   .1.5.3.1   faVisitorTable INDEX { faVisitorIPAddress } (fa_visitor_next); pmipd keys
 *              visitors by home address, which is also the source of their requests
 *   .1.5.3.2-16 the FA counters, .1.6.3.3-19 the HA counters, read from the counter
 *              descriptor tables by their RFC 2006 names
 *   .1.6.3.1   haMobilityBindingTable INDEX { MN, COA } (ha_binding_next)
 * The mipAuthFailure notification (.2.0.1) is sent by snmp_traps.c.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "fa.h"
#include "ha.h"
#include "sa.h"
#include "snmp_int.h"

#define MIP_OBJ(...)                             \
	{                                        \
		SNMP_MIP_MIB_OID, 1, __VA_ARGS__ \
	}

/* --- mipSystem, faAdvertisement, counters: scalars --- */

enum mip_scalar_kind {
	MIP_S_ENTITIES,
	MIP_S_ENABLE,
	MIP_S_ENCAPS,
	MIP_S_TOTAL_VIOLATIONS,
	MIP_S_FA_BUSY,
	MIP_S_FA_REG_REQUIRED,
	MIP_S_HA_COUNTER,
	MIP_S_FA_COUNTER,
};

struct mip_scalar_arg {
	enum mip_scalar_kind kind;
	const char *counter; /* MIP_S_*_COUNTER: the descriptor name */
};

static int
mip_counter(const struct pmip_counter_desc *tab, size_t n, const void *cnt, const char *name,
            netsnmp_variable_list *vb)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i].name, name) == 0)
			return snmp_val_uint(vb, ASN_COUNTER,
			                     (uint32_t)pmip_counter_value(cnt, &tab[i]));
	return -ENOENT;
}

static int
mip_scalar_get(const void *arg, netsnmp_variable_list *vb)
{
	const struct mip_scalar_arg *a = arg;
	const struct pmip_engine *e = snmp_engine();
	struct ha_counters hc;
	struct fa_counters fc;
	struct ha_secviol v;
	struct in_addr after;
	uint32_t total = 0;
	uint8_t bits = 0;
	size_t n;

	if (e == NULL)
		return -ENOENT;
	switch (a->kind) {
	case MIP_S_ENTITIES: /* BITS { mobileNode(0), foreignAgent(1), homeAgent(2) } */
		bits |= e->fa_inst != NULL ? 0x40 : 0;
		bits |= e->ha_inst != NULL ? 0x20 : 0;
		return snmp_val_octets(vb, &bits, 1);
	case MIP_S_ENABLE:
		return snmp_val_int(vb, e->ha_inst != NULL || e->fa_inst != NULL ? 1 : 2);
	case MIP_S_ENCAPS: /* BITS { ipInIp(0), gre(1), minEnc(2), other(3) } */
		bits = 0x80;
		if ((e->ha != NULL && e->ha->gre) || (e->fa != NULL && e->fa->gre))
			bits |= 0x40;
		return snmp_val_octets(vb, &bits, 1);
	case MIP_S_TOTAL_VIOLATIONS:
		if (e->ha_inst == NULL)
			return snmp_val_uint(vb, ASN_COUNTER, 0);
		for (int rc = ha_secviol_next(e->ha_inst, NULL, &v); rc == 0;
		     rc = ha_secviol_next(e->ha_inst, &after, &v)) {
			total += v.count;
			after = v.addr;
		}
		return snmp_val_uint(vb, ASN_COUNTER, total);
	case MIP_S_FA_BUSY:
		if (e->fa == NULL)
			return -ENOENT;
		return snmp_val_int(vb, e->fa->busy ? 1 : 2);
	case MIP_S_FA_REG_REQUIRED:
		if (e->fa == NULL)
			return -ENOENT;
		return snmp_val_int(vb, e->fa->reg_required ? 1 : 2);
	case MIP_S_HA_COUNTER:
		if (e->ha_inst == NULL)
			return -ENOENT;
		ha_get_counters(e->ha_inst, &hc);
		return mip_counter(ha_counter_table(&n), n, &hc, a->counter, vb);
	case MIP_S_FA_COUNTER:
		if (e->fa_inst == NULL)
			return -ENOENT;
		fa_get_counters(e->fa_inst, &fc);
		return mip_counter(fa_counter_table(&n), n, &fc, a->counter, vb);
	}
	return -ENOENT;
}

#define MIP_ARG(k, c) (&(const struct mip_scalar_arg){ k, c })
#define MIP_SCALAR(nm, k, c, ...)                                                     \
	{                                                                             \
		nm, MIP_OBJ(__VA_ARGS__), SNMP_OIDLEN(((oid[])MIP_OBJ(__VA_ARGS__))), \
		        mip_scalar_get, MIP_ARG(k, c)                                 \
	}
#define MIP_HA_COUNTER(nm, sub) MIP_SCALAR(nm, MIP_S_HA_COUNTER, nm, 6, 3, sub)
#define MIP_FA_COUNTER(nm, sub) MIP_SCALAR(nm, MIP_S_FA_COUNTER, nm, 5, 3, sub)

static const struct snmp_scalar mip_scalars[] = {
	MIP_SCALAR("mipEntities", MIP_S_ENTITIES, NULL, 1, 1),
	MIP_SCALAR("mipEnable", MIP_S_ENABLE, NULL, 1, 2),
	MIP_SCALAR("mipEncapsulationSupported", MIP_S_ENCAPS, NULL, 1, 3),
	MIP_SCALAR("mipSecTotalViolations", MIP_S_TOTAL_VIOLATIONS, NULL, 2, 2),
	MIP_SCALAR("maAdvertisementsSent", MIP_S_FA_COUNTER, "faAdvertisementsSent", 4, 2, 2),
	MIP_SCALAR("maSolicitationsReceived", MIP_S_FA_COUNTER, "faSolicitationsReceived", 4, 2, 4),
	MIP_SCALAR("faIsBusy", MIP_S_FA_BUSY, NULL, 5, 2, 1),
	MIP_SCALAR("faRegistrationRequired", MIP_S_FA_REG_REQUIRED, NULL, 5, 2, 2),
	MIP_FA_COUNTER("faRegRequestsReceived", 2),
	MIP_FA_COUNTER("faRegRequestsRelayed", 3),
	MIP_FA_COUNTER("faReasonUnspecified", 4),
	MIP_FA_COUNTER("faAdmProhibited", 5),
	MIP_FA_COUNTER("faInsufficientResource", 6),
	MIP_FA_COUNTER("faMNAuthenticationFailure", 7),
	MIP_FA_COUNTER("faRegLifetimeTooLong", 8),
	MIP_FA_COUNTER("faPoorlyFormedRequests", 9),
	MIP_FA_COUNTER("faEncapsulationUnavailable", 10),
	MIP_FA_COUNTER("faVJCompressionUnavailable", 11),
	MIP_FA_COUNTER("faHAUnreachable", 12),
	MIP_FA_COUNTER("faRegRepliesRecieved", 13),
	MIP_FA_COUNTER("faRegRepliesRelayed", 14),
	MIP_FA_COUNTER("faHAAuthenticationFailure", 15),
	MIP_FA_COUNTER("faPoorlyFormedReplies", 16),
	MIP_HA_COUNTER("haRegistrationAccepted", 3),
	MIP_HA_COUNTER("haMultiBindingUnsupported", 4),
	MIP_HA_COUNTER("haReasonUnspecified", 5),
	MIP_HA_COUNTER("haAdmProhibited", 6),
	MIP_HA_COUNTER("haInsufficientResource", 7),
	MIP_HA_COUNTER("haMNAuthenticationFailure", 8),
	MIP_HA_COUNTER("haFAAuthenticationFailure", 9),
	MIP_HA_COUNTER("haIDMismatch", 10),
	MIP_HA_COUNTER("haPoorlyFormedRequest", 11),
	MIP_HA_COUNTER("haTooManyBindings", 12),
	MIP_HA_COUNTER("haUnknownHA", 13),
	MIP_HA_COUNTER("haGratuitiousARPsSent", 14),
	MIP_HA_COUNTER("haProxyARPsSent", 15),
	MIP_HA_COUNTER("haRegRequestsReceived", 16),
	MIP_HA_COUNTER("haDeRegRequestsReceived", 17),
	MIP_HA_COUNTER("haRegRepliesSent", 18),
	MIP_HA_COUNTER("haDeRegRepliesSent", 19),
};

/* --- mipSecAssocTable: host SAs by (peer, SPI); the key reads empty --- */

struct mip_sa_row {
	enum mip_auth_alg alg;
	enum sa_replay replay;
};

struct mip_sa_scan {
	struct snmp_scan s;
	struct mip_sa_row *row;
};

static int
mip_sa_scan_one(struct mip_sa *sa, void *arg)
{
	struct mip_sa_scan *s = arg;
	oid cand[5];
	size_t n = 0;

	if (sa->peer_kind != SA_PEER_HOST)
		return 0;
	snmp_idx_put_ipv4(cand, &n, sa->lo.s_addr);
	cand[n++] = sa->spi;
	if (snmp_scan_offer(&s->s, cand, n)) {
		s->row->alg = sa->alg;
		s->row->replay = sa->replay;
	}
	return 0;
}

static int
mip_sa_find(const oid *idx, size_t len, bool exact, void *row, oid *out, size_t *out_len)
{
	const struct pmip_engine *e = snmp_engine();
	struct mip_sa_scan s = { .row = row };

	snmp_scan_init(&s.s, idx, len, exact, out, out_len);
	if (e == NULL || e->sa_table == NULL ||
	    sa_table_foreach(e->sa_table, mip_sa_scan_one, &s) < 0 || !s.s.found)
		return -ENOENT;
	return 0;
}

static int
mip_sa_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct mip_sa_row *r = row;

	switch (col) {
	case 3: /* mipSecAlgorithmType: both algorithms are MD5 based */
		return snmp_val_int(vb, 2);
	case 4: /* mipSecAlgorithmMode: prefixSuffix(2) for keyed MD5, other(1) for HMAC */
		return snmp_val_int(vb, r->alg == MIP_AUTH_KEYED_MD5_PS ? 2 : 1);
	case 5: /* mipSecKey: never exposed */
		return snmp_val_octets(vb, "", 0);
	case 6: /* mipSecReplayMethod: other(1) timestamps(2) nonces(3) */
		return snmp_val_int(vb, r->replay == SA_REPLAY_TIMESTAMP ? 2
		                        : r->replay == SA_REPLAY_NONCE   ? 3
		                                                         : 1);
	default:
		return -ENOENT;
	}
}

/* --- mipSecViolationTable --- */

static int
mip_viol_next(const struct in_addr *after, void *row)
{
	const struct pmip_engine *e = snmp_engine();

	return e != NULL && e->ha_inst != NULL ? ha_secviol_next(e->ha_inst, after, row) : -ENOENT;
}

/* No lookup by address: the record at an address is the one after that address - 1. */
static const struct snmp_ipv4_rows mip_viol_rows = {
	.n_addr = 1,
	.key_off = { offsetof(struct ha_secviol, addr) },
	.next = mip_viol_next,
};

static int
mip_viol_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct ha_secviol *v = row;
	long ago, ticks;

	switch (col) {
	case 1:
		return snmp_val_ipv4(vb, v->addr.s_addr);
	case 2:
		return snmp_val_uint(vb, ASN_COUNTER, v->count);
	case 3:
		return snmp_val_int(vb, (int32_t)v->spi);
	case 4: /* TimeStamp: our sysUpTime when it happened, 0 if before we started */
		ago = (long)((int64_t)time(NULL) - v->time);
		ticks = (long)netsnmp_get_agent_uptime() - (ago > 0 ? ago * 100 : 0);
		return snmp_val_uint(vb, ASN_TIMETICKS, ticks > 0 ? (uint32_t)ticks : 0);
	case 5:
		return snmp_val_int(vb, (int32_t)(uint32_t)v->id);
	case 6:
		return snmp_val_int(vb, (int32_t)(uint32_t)(v->id >> 32));
	case 7:
		return snmp_val_int(vb, v->reason);
	default:
		return -ENOENT;
	}
}

/* --- maAdvConfigTable: one row per FA interface, by care-of address --- */

static int
mip_adv_find(const oid *idx, size_t len, bool exact, void *row, oid *out, size_t *out_len)
{
	const struct pmip_engine *e = snmp_engine();
	struct snmp_scan s;
	oid cand[4];
	size_t n;

	if (e == NULL || e->fa == NULL)
		return -ENOENT;
	snmp_scan_init(&s, idx, len, exact, out, out_len);
	for (size_t i = 0; i < e->fa->n_ifs; i++) {
		n = 0;
		snmp_idx_put_ipv4(cand, &n, e->fa->ifs[i].coa.s_addr);
		if (snmp_scan_offer(&s, cand, n))
			memcpy(row, &e->fa->ifs[i], sizeof(e->fa->ifs[i]));
	}
	return s.found ? 0 : -ENOENT;
}

static int
mip_adv_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct fa_interface *fi = row;
	const struct pmip_engine *e = snmp_engine();

	switch (col) {
	case 2: /* maAdvMaxRegLifetime */
		return snmp_val_int(vb, e != NULL && e->fa != NULL ? e->fa->max_reg_lifetime : 0);
	case 3: /* maAdvPrefixLengthInclusion: no prefix-lengths extension */
		return snmp_val_int(vb, 2);
	case 4: /* maAdvAddress: unsolicited advertisements go to 224.0.0.1 */
		return snmp_val_ipv4(vb, htonl(0xe0000001u));
	case 5: /* maAdvMaxInterval: mean interval + 25 % jitter */
		return snmp_val_int(vb, fi->adv_interval_s + fi->adv_interval_s / 4);
	case 6: /* maAdvMinInterval: mean interval - 25 % jitter */
		return snmp_val_int(vb, fi->adv_interval_s - fi->adv_interval_s / 4);
	case 7:
		return snmp_val_int(vb, fi->adv_lifetime_s);
	case 8: /* maAdvResponseSolicitationOnly */
		return snmp_val_int(vb, 2);
	case 9: /* maAdvStatus: active(1) */
		return snmp_val_int(vb, 1);
	default:
		return -ENOENT;
	}
}

/* --- faVisitorTable --- */

static int
mip_visitor_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct fa_visitor_info *v = row;
	uint8_t flags;

	switch (col) {
	case 1:
	case 2:
		return snmp_val_ipv4(vb, v->hoa.s_addr);
	case 3:
		return snmp_val_ipv4(vb, v->ha.s_addr);
	case 4:
		return snmp_val_int(vb, v->lifetime);
	case 5:
		return snmp_val_uint(vb, ASN_GAUGE, v->remaining);
	case 6:
		flags = snmp_reg_flags(v->flags);
		return snmp_val_octets(vb, &flags, 1);
	case 7:
		return snmp_val_int(vb, (int32_t)(uint32_t)v->id);
	case 8:
		return snmp_val_int(vb, (int32_t)(uint32_t)(v->id >> 32));
	case 9:
		return snmp_val_int(vb, 1);
	default:
		return -ENOENT;
	}
}

/* --- haMobilityBindingTable --- */

static int
mip_binding_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct ha_binding_info *b = row;
	uint8_t flags;

	switch (col) {
	case 1:
		return snmp_val_ipv4(vb, b->hoa.s_addr);
	case 2:
		return snmp_val_ipv4(vb, b->coa.s_addr);
	case 3:
		return snmp_val_ipv4(vb, b->src.s_addr);
	case 4:
		flags = snmp_reg_flags(b->flags);
		return snmp_val_octets(vb, &flags, 1);
	case 5:
		return snmp_val_int(vb, (int32_t)(uint32_t)b->id);
	case 6:
		return snmp_val_int(vb, (int32_t)(uint32_t)(b->id >> 32));
	case 7:
		return snmp_val_int(vb, b->lifetime);
	case 8:
		return snmp_val_uint(vb, ASN_GAUGE, b->remaining);
	default:
		return -ENOENT;
	}
}

static const oid mip_sa_oid[] = MIP_OBJ(2, 1);
static const oid mip_viol_oid[] = MIP_OBJ(2, 3);
static const oid mip_adv_oid[] = MIP_OBJ(4, 2, 1);
static const oid mip_visitor_oid[] = MIP_OBJ(5, 3, 1);
static const oid mip_binding_oid[] = MIP_OBJ(6, 3, 1);

static const struct snmp_table mip_tables[] = {
	{ .name = "mipSecAssocTable",
	  .oid = mip_sa_oid,
	  .oid_len = SNMP_OIDLEN(mip_sa_oid),
	  .min_col = 3,
	  .max_col = 6,
	  .find = mip_sa_find,
	  .column = mip_sa_column },
	{ .name = "mipSecViolationTable",
	  .oid = mip_viol_oid,
	  .oid_len = SNMP_OIDLEN(mip_viol_oid),
	  .min_col = 1,
	  .max_col = 7,
	  .rows = &mip_viol_rows,
	  .column = mip_viol_column },
	{ .name = "maAdvConfigTable",
	  .oid = mip_adv_oid,
	  .oid_len = SNMP_OIDLEN(mip_adv_oid),
	  .min_col = 2,
	  .max_col = 9,
	  .find = mip_adv_find,
	  .column = mip_adv_column },
	{ .name = "faVisitorTable",
	  .oid = mip_visitor_oid,
	  .oid_len = SNMP_OIDLEN(mip_visitor_oid),
	  .min_col = 1,
	  .max_col = 9,
	  .rows = &snmp_fa_visitor_rows,
	  .column = mip_visitor_column },
	{ .name = "haMobilityBindingTable",
	  .oid = mip_binding_oid,
	  .oid_len = SNMP_OIDLEN(mip_binding_oid),
	  .min_col = 1,
	  .max_col = 8,
	  .rows = &snmp_ha_binding_rows,
	  .column = mip_binding_column },
};

SNMP_ROW_FITS(struct ha_secviol);
SNMP_ROW_FITS(struct fa_interface);

int
snmp_mip2006_register(void)
{
	if (snmp_tables_register(mip_tables, SNMP_OIDLEN(mip_tables)) < 0)
		return -1;
	return snmp_scalars_register(mip_scalars, SNMP_OIDLEN(mip_scalars));
}
