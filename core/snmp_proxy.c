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

#define PMIP_OBJ(...)                             \
	{                                         \
		SNMP_PMIP_MIB_OID, 1, __VA_ARGS__ \
	}
#define OIDLEN(a) (sizeof(a) / sizeof((a)[0]))

static struct proxy *
snmp_px(void)
{
	const struct pmip_engine *e = snmp_engine();

	return e != NULL ? e->proxy_inst : NULL;
}

/*
 * Rows indexed by one IPv4 address: the exact row, or the first row after @idx, through
 * @next(after) (after NULL: the first row). @lookup gives the row at exactly an address.
 */
static int
snmp_px_ipv4_find(const oid *idx, size_t len, bool exact,
                  int (*lookup)(struct in_addr k, void *row),
                  int (*next)(const struct in_addr *after, void *row), void *row)
{
	struct in_addr k;
	uint32_t key;
	int rc, start;

	if (exact) {
		if (snmp_idx_ipv4_exact(idx, len, 1, &key) < 0)
			return -ENOENT;
		k.s_addr = htonl(key);
		rc = lookup(k, row);
	} else if ((start = snmp_idx_ipv4_start(idx, len, 1, &key)) < 0) {
		return -ENOENT;
	} else {
		k.s_addr = htonl(key);
		rc = -ENOENT;
		if (start == 1)
			rc = lookup(k, row);
		if (rc < 0)
			rc = next(len > 0 ? &k : NULL, row);
	}
	return rc < 0 ? -ENOENT : 0;
}

/* --- pmipProxyClientTable --- */

static int
px_client_lookup(struct in_addr k, void *row)
{
	return proxy_client_lookup(snmp_px(), k, NULL, row);
}

static int
px_client_next(const struct in_addr *after, void *row)
{
	return proxy_client_next(snmp_px(), after, row);
}

static int
px_client_find(const oid *idx, size_t len, bool exact, void *row, oid *out, size_t *out_len)
{
	struct proxy_client_info *c = row;

	_Static_assert(sizeof(struct proxy_client_info) <= SNMP_ROW_MAX, "row buffer");
	if (snmp_px() == NULL ||
	    snmp_px_ipv4_find(idx, len, exact, px_client_lookup, px_client_next, row) < 0)
		return -ENOENT;
	*out_len = 0;
	snmp_idx_put_ipv4(out, out_len, c->hoa.s_addr);
	return 0;
}

static int
px_client_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct proxy_client_info *c = row;
	uint8_t id[8];

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
		return snmp_val_uint(vb, ASN_GAUGE,
		                     c->rereg_in_ms > UINT32_MAX ? UINT32_MAX
		                                                 : (uint32_t)c->rereg_in_ms);
	case 10:
		return snmp_val_int(vb, c->last_code);
	case 11:
		return snmp_val_uint(vb, ASN_UNSIGNED, c->attempts);
	case 12:
		return snmp_val_ipv4(vb, c->gateway.s_addr);
	case 13:
		for (int i = 0; i < 8; i++)
			id[i] = (uint8_t)(c->id >> (56 - 8 * i));
		return snmp_val_octets(vb, id, sizeof(id));
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
	return proxy_agent_next(snmp_px(), after, row);
}

static int
px_agent_lookup(struct in_addr k, void *row)
{
	struct proxy_agent_info *a = row;
	struct in_addr before = { htonl(ntohl(k.s_addr) - 1) };

	/* The agent at exactly @k: the one after @k - 1 (0.0.0.0 is never an agent). */
	if (k.s_addr == 0 || proxy_agent_next(snmp_px(), &before, a) < 0 ||
	    a->agent.addr.s_addr != k.s_addr)
		return -ENOENT;
	return 0;
}

static int
px_agent_find(const oid *idx, size_t len, bool exact, void *row, oid *out, size_t *out_len)
{
	struct proxy_agent_info *a = row;

	_Static_assert(sizeof(struct proxy_agent_info) <= SNMP_ROW_MAX, "row buffer");
	if (snmp_px() == NULL ||
	    snmp_px_ipv4_find(idx, len, exact, px_agent_lookup, px_agent_next, row) < 0)
		return -ENOENT;
	*out_len = 0;
	snmp_idx_put_ipv4(out, out_len, a->agent.addr.s_addr);
	return 0;
}

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
	return aap_peer_next(snmp_aap(), after, row);
}

static int
aap_peer_lookup(struct in_addr k, void *row)
{
	struct aap_peer_info *p = row;
	struct in_addr before = { htonl(ntohl(k.s_addr) - 1) };

	if (k.s_addr == 0 || aap_peer_next(snmp_aap(), &before, p) < 0 ||
	    p->addr.s_addr != k.s_addr)
		return -ENOENT;
	return 0;
}

static int
aap_peer_find(const oid *idx, size_t len, bool exact, void *row, oid *out, size_t *out_len)
{
	struct aap_peer_info *p = row;

	if (snmp_aap() == NULL ||
	    snmp_px_ipv4_find(idx, len, exact, aap_peer_lookup, aap_peer_next_row, row) < 0)
		return -ENOENT;
	*out_len = 0;
	snmp_idx_put_ipv4(out, out_len, p->addr.s_addr);
	return 0;
}

static int
aap_peer_column(const void *row, unsigned col, netsnmp_variable_list *vb)
{
	const struct aap_peer_info *p = row;

	switch (col) {
	case 2:
		return snmp_val_int(vb, p->up ? 1 : 2);
	case 3:
		return snmp_val_uint(vb, ASN_GAUGE,
		                     !p->heard                      ? UINT32_MAX
		                     : p->heard_ago_ms > UINT32_MAX ? UINT32_MAX
		                                                    : (uint32_t)p->heard_ago_ms);
	default:
		return -ENOENT;
	}
}

static const oid px_client_oid[] = PMIP_OBJ(7);
static const oid px_submap_oid[] = PMIP_OBJ(8);
static const oid px_agent_oid[] = PMIP_OBJ(9);
static const oid aap_peer_oid[] = PMIP_OBJ(10);

static const struct snmp_table snmp_proxy_tables[] = {
	{ "pmipProxyClientTable", px_client_oid, OIDLEN(px_client_oid), 2, 13, px_client_find,
	  px_client_column },
	{ "pmipSubnetMapTable", px_submap_oid, OIDLEN(px_submap_oid), 3, 5, px_submap_find,
	  px_submap_column },
	{ "pmipAgentTable", px_agent_oid, OIDLEN(px_agent_oid), 2, 8, px_agent_find,
	  px_agent_column },
	{ "pmipAapPeerTable", aap_peer_oid, OIDLEN(aap_peer_oid), 2, 3, aap_peer_find,
	  aap_peer_column },
};

int
snmp_proxy_register(void)
{
	for (size_t i = 0; i < OIDLEN(snmp_proxy_tables); i++)
		if (snmp_table_register(&snmp_proxy_tables[i]) < 0)
			return -1;
	return 0;
}
