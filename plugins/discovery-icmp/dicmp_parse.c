/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dicmp_parse.c - discovery-icmp's pure parts: an IPv4 packet to an agent.
 *
 * No allocation, no I/O, no clock: everything here is unit-tested in
 * tests/unit/test_disc_icmp.c.
 */
#include <string.h>

#include "dicmp_parse.h"
#include "wire.h"

#define DICMP_IP_MIN     20
#define DICMP_IP_FRAG    0x3fff /* MF flag and fragment offset */
#define DICMP_PROTO_ICMP 1

enum dicmp_rx
dicmp_parse(const uint8_t *pkt, size_t len, struct dicmp_pkt *out, const char **why)
{
	size_t ihl, tot;
	enum mip_adv_err e;

	memset(out, 0, sizeof(*out));
	*why = "";
	if (len < DICMP_IP_MIN || pkt[0] >> 4 != 4) {
		*why = "not an IPv4 packet";
		return DICMP_RX_INVALID;
	}
	ihl = (size_t)(pkt[0] & 0xf) * 4;
	tot = wire_get16(pkt + 2);
	if (ihl < DICMP_IP_MIN || tot < ihl || tot > len) {
		*why = "bad IPv4 header or total length";
		return DICMP_RX_INVALID;
	}
	if (wire_cksum(pkt, ihl) != 0) {
		*why = "bad IPv4 header checksum";
		return DICMP_RX_INVALID;
	}
	memcpy(&out->src, pkt + 12, 4);
	memcpy(&out->dst, pkt + 16, 4);
	out->ttl = pkt[8];
	if ((wire_get16(pkt + 6) & DICMP_IP_FRAG) != 0) {
		*why = "fragment";
		return DICMP_RX_INVALID;
	}
	if (pkt[9] != DICMP_PROTO_ICMP) {
		*why = "not ICMP";
		return DICMP_RX_OTHER;
	}
	if (tot - ihl >= 1 && pkt[ihl] != MIP_ADV_ICMP_TYPE_ADV) {
		*why = "not a router advertisement";
		return DICMP_RX_OTHER;
	}
	e = mip_adv_decode(pkt + ihl, tot - ihl, &out->adv);
	if (e == MIP_ADV_ERR_NO_MA_EXT) {
		*why = "router advertisement without mobility agent extension";
		return DICMP_RX_OTHER;
	}
	if (e != MIP_ADV_OK) {
		*why = mip_adv_strerror(e);
		return DICMP_RX_INVALID;
	}
	return DICMP_RX_ADV;
}

void
dicmp_agent_from_adv(const struct dicmp_pkt *p, struct disc_agent *out)
{
	const struct mip_adv *a = &p->adv;

	memset(out, 0, sizeof(*out));
	out->addr = p->src;
	if (a->flags & MIP_ADV_F_H)
		out->roles |= DISC_ROLE_HA;
	if (a->flags & MIP_ADV_F_F)
		out->roles |= DISC_ROLE_FA;
	out->flags = a->flags;
	out->max_lifetime = a->reg_lifetime;
	out->adv_lifetime = a->lifetime;
	out->seq = a->seq;
	out->n_coa = a->num_coa < DISC_COA_MAX ? a->num_coa : DISC_COA_MAX;
	memcpy(out->coa, a->coa, out->n_coa * sizeof(out->coa[0]));
	for (unsigned i = 0; a->has_prefix_lens && i < a->num_routers; i++) {
		if (a->routers[i].addr.s_addr == p->src.s_addr) {
			out->prefix_len = a->prefix_len[i];
			break;
		}
	}
}

bool
dicmp_agent_changed(const struct disc_agent *old, const struct disc_agent *cur)
{
	if (old->roles != cur->roles || old->flags != cur->flags ||
	    old->max_lifetime != cur->max_lifetime || old->n_coa != cur->n_coa ||
	    old->prefix_len != cur->prefix_len || old->has_mac != cur->has_mac)
		return true;
	if (memcmp(old->coa, cur->coa, cur->n_coa * sizeof(cur->coa[0])) != 0)
		return true;
	return cur->has_mac && memcmp(old->mac, cur->mac, DISC_MAC_LEN) != 0;
}
