/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * snmp_proxy.c - PMIP-MIB tables of the proxy access point and the AAP.
 *
 * Under pmipObjects (mibs/PMIP-MIB.txt), read at request time through the
 * accessors NETCONF (nc_state.c) and pmipctl (ctl_show.c) use:
 *   .7  pmipProxyClientTable INDEX { home address }         proxy_client_next()
 *   .8  pmipSubnetMapTable   INDEX { prefix, length }       submap_next()
 *   .9  pmipAgentTable       INDEX { agent address }        proxy_agent_next()
 *   .10 pmipAapPeerTable     INDEX { peer address }         aap_peer_next()
 * The indexes are the YANG list keys (/pmip/proxy/state/client, subnet-map,
 * agent and /pmip/aap/state/peer; the prefix "a.b.c.d/n" becomes the two
 * sub-indexes address and length). A GETNEXT is one "next after" call of the
 * role: O(log n) on the proxy's ordered client and agent indexes and on the
 * subnet map's sorted order; the peer list has at most two entries.
 */
#include <errno.h>
#include <string.h>

#include "aap.h"
#include "engine.h"
#include "proxy.h"
#include "snmp_int.h"
#include "submap.h"

static struct proxy *
snmp_px(void)
{
	const struct pmip_engine *e = snmp_engine();

	return e != NULL ? e->proxy_inst : NULL;
}

/* --- pmipProxyClientTable --- */

SNMP_ROW_FITS(struct proxy_client_info);
SNMP_ROW_FITS(struct proxy_agent_info);
SNMP_ROW_FITS(struct aap_peer_info);
SNMP_ROW_FITS(struct submap_entry);

static int
px_client_lookup(const struct in_addr *k, void *row)
{
	const struct proxy *px = snmp_px();

	return px != NULL ? proxy_client_lookup(px, k[0], NULL, row) : -ENOENT;
}

static int
px_client_next(const struct in_addr *after, void *row)
{
	const struct proxy *px = snmp_px();

	return px != NULL ? proxy_client_next(px, after, row) : -ENOENT;
}

static const struct snmp_ipv4_rows px_client_rows = {
	.n_addr = 1,
	.key_off = { offsetof(struct proxy_client_info, hoa) },
	.lookup = px_client_lookup,
	.next = px_client_next,
};

static int
px_client_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct proxy_client_info *c = row;

	switch (col) {
	case 2:
		return snmp_val_octets(vb, c->mac, DISC_MAC_LEN);
	case 3:
		return snmp_val_int(vb, c->state);
	case 4:
		return snmp_val_int(vb, c->registered ? 1 : 2);
	case 5:
		return snmp_val_ipv4(vb, c->ha.s_addr);
	case 6:
		return snmp_val_ipv4(vb, c->fa.s_addr);
	case 7:
		return snmp_val_ipv4(vb, c->coa.s_addr);
	case 8:
		return snmp_val_uint(vb, ASN_UNSIGNED, c->lifetime);
	case 9:
		return snmp_val_gauge_clamp(vb, c->rereg_in_ms);
	case 10:
		return snmp_val_int(vb, c->last_code);
	case 11:
		return snmp_val_uint(vb, ASN_UNSIGNED, c->attempts);
	case 12:
		return snmp_val_ipv4(vb, c->gateway.s_addr);
	case 13:
		return snmp_val_id64(vb, c->id);
	default:
		return -ENOENT;
	}
}

/* --- pmipSubnetMapTable: INDEX { prefix, length } --- */

static int
px_submap_find(const oid *idx, size_t len, bool exact, void *row, oid *out, size_t *out_len)
{
	struct proxy *px = snmp_px();
	struct submap_entry *e = row;
	const struct submap_entry *g;
	struct submap *m;
	struct in_addr k;
	uint32_t key;
	unsigned l;
	int start;

	if (px == NULL)
		return -ENOENT;
	m = proxy_submap(px);
	if (exact) {
		if (len != 5 || snmp_idx_ipv4_exact(idx, 4, 1, &key) < 0 || idx[4] > 32)
			return -ENOENT;
		g = submap_get(m, (struct in_addr){ htonl(key) }, (uint8_t)idx[4]);
		if (g == NULL)
			return -ENOENT;
		*e = *g;
	} else if (len == 0) {
		if (submap_next(m, NULL, 0, e) < 0)
			return -ENOENT;
	} else if ((start = snmp_idx_ipv4_start(idx, len < 4 ? len : 4, 1, &key)) < 0) {
		return -ENOENT;
	} else {
		k.s_addr = htonl(key);
		if (start == 0 && len < 4) {
			l = 255; /* a sub-identifier above 255: every row of that address is smaller */
		} else if (len <= 4) {
			/* No length yet: the first row of this address, length 0 included. */
			g = submap_get(m, k, 0);
			if (g != NULL) {
				*e = *g;
				goto found;
			}
			l = 0;
		} else {
			l = idx[4] > 255 ? 255 : (unsigned)idx[4];
		}
		if (submap_next(m, &k, (uint8_t)l, e) < 0)
			return -ENOENT;
	}
found:
	*out_len = 0;
	snmp_idx_put_ipv4(out, out_len, e->prefix.s_addr);
	out[(*out_len)++] = e->len;
	return 0;
}

static int
px_submap_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct submap_entry *e = row;

	switch (col) {
	case 3:
		return snmp_val_ipv4(vb, e->ha.s_addr);
	case 4:
		return snmp_val_int(vb, e->origin == SUBMAP_LEARNED ? 2 : 1);
	case 5:
		return snmp_val_uint(vb, ASN_UNSIGNED, e->version);
	default:
		return -ENOENT;
	}
}

/* --- pmipAgentTable --- */

static int
px_agent_next(const struct in_addr *after, void *row)
{
	const struct proxy *px = snmp_px();

	return px != NULL ? proxy_agent_next(px, after, row) : -ENOENT;
}

/* No lookup: the agent at an address is the one after that address - 1. */
static const struct snmp_ipv4_rows px_agent_rows = {
	.n_addr = 1,
	.key_off = { offsetof(struct proxy_agent_info, agent.addr) },
	.next = px_agent_next,
};

static int
px_agent_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct proxy_agent_info *a = row;
	uint8_t roles = 0;

	switch (col) {
	case 2: /* BITS { homeAgent(0), foreignAgent(1) } */
		roles |= (a->agent.roles & DISC_ROLE_HA) ? 0x80 : 0;
		roles |= (a->agent.roles & DISC_ROLE_FA) ? 0x40 : 0;
		return snmp_val_octets(vb, &roles, 1);
	case 3:
		return snmp_val_ipv4(vb, a->agent.n_coa > 0 ? a->agent.coa[0].s_addr : 0);
	case 4:
		return snmp_val_string(vb, a->agent.ifname);
	case 5:
		return snmp_val_uint(vb, ASN_UNSIGNED, a->agent.max_lifetime);
	case 6:
		return snmp_val_uint(vb, ASN_UNSIGNED, a->agent.adv_lifetime);
	case 7:
		return snmp_val_uint(vb, ASN_UNSIGNED, a->agent.seq);
	case 8:
		return snmp_val_uint(vb, ASN_GAUGE, (uint32_t)a->clients);
	default:
		return -ENOENT;
	}
}

/* --- pmipAapPeerTable --- */

static const struct aap *
snmp_aap(void)
{
	const struct pmip_engine *e = snmp_engine();

	return e != NULL ? e->aap_inst : NULL;
}

static int
aap_peer_next_row(const struct in_addr *after, void *row)
{
	const struct aap *a = snmp_aap();

	return a != NULL ? aap_peer_next(a, after, row) : -ENOENT;
}

static const struct snmp_ipv4_rows aap_peer_rows = {
	.n_addr = 1,
	.key_off = { offsetof(struct aap_peer_info, addr) },
	.next = aap_peer_next_row,
};

static int
aap_peer_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct aap_peer_info *p = row;

	switch (col) {
	case 2:
		return snmp_val_int(vb, p->up ? 1 : 2);
	case 3:
		return snmp_val_gauge_clamp(vb, p->heard ? p->heard_ago_ms : UINT32_MAX);
	default:
		return -ENOENT;
	}
}

static const oid px_client_oid[] = SNMP_PMIP_OBJ(7);
static const oid px_submap_oid[] = SNMP_PMIP_OBJ(8);
static const oid px_agent_oid[] = SNMP_PMIP_OBJ(9);
static const oid aap_peer_oid[] = SNMP_PMIP_OBJ(10);

static const struct snmp_table snmp_proxy_tables[] = {
	{ .name = "pmipProxyClientTable",
	  .oid = px_client_oid,
	  .oid_len = SNMP_OIDLEN(px_client_oid),
	  .min_col = 2,
	  .max_col = 13,
	  .rows = &px_client_rows,
	  .column = px_client_column },
	{ .name = "pmipSubnetMapTable",
	  .oid = px_submap_oid,
	  .oid_len = SNMP_OIDLEN(px_submap_oid),
	  .min_col = 3,
	  .max_col = 5,
	  .find = px_submap_find,
	  .column = px_submap_column },
	{ .name = "pmipAgentTable",
	  .oid = px_agent_oid,
	  .oid_len = SNMP_OIDLEN(px_agent_oid),
	  .min_col = 2,
	  .max_col = 8,
	  .rows = &px_agent_rows,
	  .column = px_agent_column },
	{ .name = "pmipAapPeerTable",
	  .oid = aap_peer_oid,
	  .oid_len = SNMP_OIDLEN(aap_peer_oid),
	  .min_col = 2,
	  .max_col = 3,
	  .rows = &aap_peer_rows,
	  .column = aap_peer_column },
};

int
snmp_proxy_register(void)
{
	return snmp_tables_register(snmp_proxy_tables, SNMP_OIDLEN(snmp_proxy_tables));
}
