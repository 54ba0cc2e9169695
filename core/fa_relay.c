/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fa_relay.c - foreign agent registration relay: request checks, pending list, replies.
 *
 * A Registration Request from a mobile node that decodes becomes a pending entry, keyed
 * by its home address (or NAI when the home address is 0.0.0.0) and the low 32 bits of
 * its Identification, and goes through these states:
 *
 *   request decodes        MN-FA SA known                FA-HA SA known
 *   ------------> [KS_VISITOR] -----------> checks --> [KS_HA] ----------> relay to HA
 *                     | error: drop            | deny      | error: drop    |
 *                     v                        v           v                v
 *                   (gone)              reply to MN     (gone)         [RELAYED]
 *                                       (67 69 70 72 ...)            |   |   |
 *          reply matches, valid: visitor created or updated, relayed |   |   | timeout:
 *          to the MN (MFAE appended) <-------------------------------+   |   | 78 to MN
 *          reply poorly formed (71) or HA authentication failed (68):    |   v
 *          denial to the MN <--------------------------------------------+ (gone)
 *
 * A request that does not decode is answered at once when that is possible (70, or 100
 * for a critical vendor extension the FA does not understand) and creates no state.
 * Answers the foreign agent originates carry an MFAE whenever an MN-FA security
 * association exists, so the checks run after the MN-FA lookup.
 *
 * Checks, in order: MN-FA authentication (67), home address or NAI and home agent present
 * (70), lifetime above max-registration-lifetime (69), Encapsulating Delivery Style
 * extension (70 without T, else 79: only direct delivery is offered), minimal encapsulation
 * or GRE when not offered (72), T when reverse tunnelling is off or the back end cannot do
 * it (74), no T when it is mandatory (75), care-of address not the one advertised on the
 * interface of arrival unless D is set (77), busy or visitor limit for a new visitor (66).
 * Deregistrations (lifetime 0) skip 72, 74, 75 and 66 so that a mobile node can always
 * leave.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "fa_int.h"
#include "wire.h"

static size_t
fa_pbucket(uint32_t id_low)
{
	return ((id_low * 2654435761u) >> 16) % FA_PENDING_BUCKETS;
}

/* The walk key of @p: home address, then low 32 bits of the Identification. */
static uint64_t
fa_pkey(const struct fa_pending *p)
{
	return (uint64_t)ntohl(p->hoa.s_addr) << 32 | (uint32_t)p->id;
}

/* The index in fa->pending_ord of the first request above @key, or of the first one at or
 * above (@key, @p) when @p is not NULL (equal keys are ordered by address). */
static size_t
fa_pord_search(const struct fa *fa, uint64_t key, const struct fa_pending *p)
{
	size_t lo = 0, hi = fa->n_pending;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct fa_pending *m = fa->pending_ord[mid];
		uint64_t k = fa_pkey(m);
		bool below =
		        p != NULL ? k < key || (k == key && (uintptr_t)m < (uintptr_t)p) : k <= key;

		if (below)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Add @p to the hash and the sorted array (the caller checked FA_PENDING_MAX). */
static void
fa_pending_link(struct fa *fa, struct fa_pending *p)
{
	size_t i = fa_pord_search(fa, fa_pkey(p), p);

	p->hnext = fa->pending[fa_pbucket((uint32_t)p->id)];
	fa->pending[fa_pbucket((uint32_t)p->id)] = p;
	memmove(&fa->pending_ord[i + 1], &fa->pending_ord[i],
	        (fa->n_pending - i) * sizeof(fa->pending_ord[0]));
	fa->pending_ord[i] = p;
	fa->n_pending++;
}

/* Does @p have key (@hoa, @id_low), or (@nai, @id_low) when its home address is 0? */
static bool
fa_pending_is(const struct fa_pending *p, struct in_addr hoa, uint32_t id_low, const char *nai)
{
	if ((uint32_t)p->id != id_low)
		return false;
	if (p->hoa.s_addr != INADDR_ANY)
		return p->hoa.s_addr == hoa.s_addr;
	return nai != NULL && p->nai[0] != '\0' && strcmp(p->nai, nai) == 0;
}

static struct fa_pending *
fa_pending_match(struct fa *fa, struct in_addr hoa, uint32_t id_low, const char *nai)
{
	struct fa_pending *p;

	for (p = fa->pending[fa_pbucket(id_low)]; p != NULL; p = p->hnext)
		if (fa_pending_is(p, hoa, id_low, nai))
			return p;
	return NULL;
}

static void
fa_pending_free(struct fa *fa, struct fa_pending *p)
{
	struct fa_pending **pp = &fa->pending[fa_pbucket((uint32_t)p->id)];

	while (*pp != NULL && *pp != p)
		pp = &(*pp)->hnext;
	if (*pp == p) {
		size_t i = fa_pord_search(fa, fa_pkey(p), p);

		*pp = p->hnext;
		fa->n_pending--;
		if (i <= fa->n_pending && fa->pending_ord[i] == p)
			memmove(&fa->pending_ord[i], &fa->pending_ord[i + 1],
			        (fa->n_pending - i) * sizeof(fa->pending_ord[0]));
	}
	if (p->ksh != NULL)
		ks_chain_cancel(fa->env.ks_chain, p->ksh);
	ev_timer_free(p->timer);
	mip_sa_unref(p->mnfa);
	mip_sa_unref(p->faha);
	free(p->buf);
	free(p);
}

/* Counter of each denial code the foreign agent sends; others count as unspecified. */
#define FA_CNT(m) offsetof(struct fa_counters, m)
static const struct {
	uint8_t code;
	size_t off;
} fa_denial_counters[] = {
	{ MIP_CODE_FA_ADMIN_PROHIBITED, FA_CNT(adm_prohibited) },
	{ MIP_CODE_FA_NO_RESOURCES, FA_CNT(insufficient_resource) },
	{ MIP_CODE_FA_MN_AUTH_FAILED, FA_CNT(mn_authentication_failure) },
	{ MIP_CODE_FA_HA_AUTH_FAILED, FA_CNT(ha_authentication_failure) },
	{ MIP_CODE_FA_LIFETIME_TOO_LONG, FA_CNT(reg_lifetime_too_long) },
	{ MIP_CODE_FA_BAD_REQUEST, FA_CNT(poorly_formed_requests) },
	{ MIP_CODE_FA_BAD_REPLY, FA_CNT(poorly_formed_replies) },
	{ MIP_CODE_FA_ENCAP_UNAVAIL, FA_CNT(encapsulation_unavailable) },
	{ MIP_CODE_FA_RT_UNAVAIL, FA_CNT(reverse_tunnel_unavailable) },
	{ MIP_CODE_FA_RT_MANDATORY, FA_CNT(reverse_tunnel_mandatory) },
	{ MIP_CODE_FA_INVALID_COA, FA_CNT(invalid_care_of_address) },
	{ MIP_CODE_FA_REG_TIMEOUT, FA_CNT(registration_timeout) },
	{ MIP_CODE_FA_DELIVERY_STYLE, FA_CNT(delivery_style_unsupported) },
	{ MIP_CODE_FA_HA_UNREACH, FA_CNT(ha_unreachable) },
	{ MIP_CODE_FA_CVSE_FROM_MN, FA_CNT(cvse_from_mn) },
	{ MIP_CODE_FA_CVSE_FROM_HA, FA_CNT(cvse_from_ha) },
};

static void
fa_count_denial(struct fa *fa, uint8_t code)
{
	size_t off = FA_CNT(reason_unspecified);

	for (size_t i = 0; i < sizeof(fa_denial_counters) / sizeof(fa_denial_counters[0]); i++)
		if (fa_denial_counters[i].code == code)
			off = fa_denial_counters[i].off;
	(*(uint64_t *)((char *)&fa->cnt + off))++;
}

/* Send @buf to the mobile node of @p (its address and port, its link-layer address). */
static void
fa_to_mn(struct fa *fa, const struct fa_pending *p, const uint8_t *buf, size_t len)
{
	struct sockaddr_in to = p->rx.src;

	if (to.sin_addr.s_addr == INADDR_ANY) /* NAI registration without an address yet */
		to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
	fa_send_mn(fa, p->ifindex, p->mac, p->local, &to, buf, len);
}

/* Answer the request of @p with denial @code, with an MFAE when an MN-FA SA is known. */
static void
fa_deny(struct fa *fa, const struct fa_pending *p, uint8_t code)
{
	struct mip_rrp h = { .code = code, .hoa = p->hoa, .ha = p->ha, .id = p->id };
	struct mip_builder b;
	uint8_t buf[MIP_RRP_LEN + 2 + SA_NAI_MAX + MIP_AUTH_EXT_LEN];
	char a[INET_ADDRSTRLEN];

	/* With 69 the lifetime tells the mobile node the longest one accepted. */
	if (code == MIP_CODE_FA_LIFETIME_TOO_LONG)
		h.lifetime = fa->cfg.max_reg_lifetime;
	fa_count_denial(fa, code);
	event_raise_reg_failure(EVENT_ROLE_FA, p->hoa, p->ha, p->coa, code, p->nai);
	log_rl(&fa->rl, LOG_SS_FA, LOG_INFO, "registration of %s denied: %u %s",
	       inet_ntop(AF_INET, &p->hoa, a, sizeof(a)), code, mip_code_name(code));
	mip_builder_init(&b, buf, sizeof(buf));
	mip_build_rrp(&b, &h);
	if (p->nai[0] != '\0')
		mip_build_nai(&b, p->nai, strlen(p->nai));
	if (p->mnfa != NULL)
		mip_build_auth(&b, MIP_EXT_MFAE, p->mnfa->spi, p->mnfa->key);
	if (mip_builder_error(&b) != 0) {
		fa->cnt.send_errors++;
		return;
	}
	fa_to_mn(fa, p, buf, b.len);
}

/* Copy the NAI extension of @m into @out (empty when absent). */
static void
fa_copy_nai(const struct mip_msg *m, char *out, size_t cap)
{
	size_t n = 0;

	if (m->nai_idx >= 0) {
		n = m->ext[m->nai_idx].data.len < cap - 1 ? m->ext[m->nai_idx].data.len : cap - 1;
		memcpy(out, m->ext[m->nai_idx].data.ptr, n);
	}
	out[n] = '\0';
}

/* --- requests --- */

static void fa_ks_visitor_done(enum ks_result res, struct mip_sa *sa, void *arg);
static void fa_ks_ha_done(enum ks_result res, struct mip_sa *sa, void *arg);

/* Start a key-store lookup for @p; on failure @p is freed and -1 returned. */
static int
fa_lookup(struct fa *fa, struct fa_pending *p, enum sa_entity entity, struct in_addr addr,
          uint32_t spi, ks_done_fn done)
{
	struct ks_query q = { .entity = entity, .addr = addr, .spi = spi };

	if (entity == SA_ENTITY_VISITOR)
		snprintf(q.nai, sizeof(q.nai), "%s", p->nai);
	if (fa->env.ks_chain == NULL) { /* no key store: no association exists */
		done(KS_NOT_FOUND, NULL, p);
		return 0;
	}
	if (ks_chain_lookup(fa->env.ks_chain, &q, done, p, &p->ksh) < 0) {
		fa->cnt.keystore_errors++;
		log_rl(&fa->rl, LOG_SS_FA, LOG_WARNING, "key-store lookup could not start");
		fa_pending_free(fa, p);
		return -1;
	}
	return 0;
}

/* The policy checks; returns 0 or the denial code. */
static uint8_t
fa_check(struct fa *fa, const struct fa_pending *p, const struct mip_msg *m)
{
	const struct fa_if *fi = fa_if_by_index(fa, p->ifindex);
	bool dereg = p->lifetime == 0, t = p->flags & MIP_RRQ_F_T;

	if (p->mnfa != NULL) {
		int i = m->mfae_idx;

		if (i < 0 || m->ext[i].auth.spi != p->mnfa->spi ||
		    !mip_msg_auth_verify(m, (size_t)i, p->mnfa->key))
			return MIP_CODE_FA_MN_AUTH_FAILED;
	}
	if ((p->hoa.s_addr == INADDR_ANY && p->nai[0] == '\0') || p->ha.s_addr == INADDR_ANY ||
	    p->ha.s_addr == htonl(INADDR_BROADCAST))
		return MIP_CODE_FA_BAD_REQUEST;
	if (fa->cfg.max_reg_lifetime != 0 && p->lifetime > fa->cfg.max_reg_lifetime)
		return MIP_CODE_FA_LIFETIME_TOO_LONG;
	if (mip_msg_find(m, MIP_EXT_ENCAP_DELIVERY, 0) >= 0)
		return t ? MIP_CODE_FA_DELIVERY_STYLE : MIP_CODE_FA_BAD_REQUEST;
	/* What the back end can do is read from its capability mask (tunnel.h). */
	if (!dereg &&
	    (((p->flags & MIP_RRQ_F_M) &&
	      !(fa->cfg.minimal_encap && (fa->tun_caps & TUN_CAP_MINIMAL))) ||
	     ((p->flags & MIP_RRQ_F_G) && !(fa->cfg.gre && (fa->tun_caps & TUN_CAP_GRE)))))
		return MIP_CODE_FA_ENCAP_UNAVAIL;
	if (!dereg && t &&
	    (fa->cfg.reverse_tunnel == FA_RT_NONE || !(fa->tun_caps & TUN_CAP_REVERSE)))
		return MIP_CODE_FA_RT_UNAVAIL;
	if (!dereg && !t && fa->cfg.reverse_tunnel == FA_RT_MANDATORY)
		return MIP_CODE_FA_RT_MANDATORY;
	if (!(p->flags & MIP_RRQ_F_D) && (fi == NULL || fi->coa.s_addr != p->coa.s_addr))
		return MIP_CODE_FA_INVALID_COA;
	if (!dereg && fa_visitor_find(fa, p->hoa) == NULL &&
	    (fa->cfg.busy ||
	     (fa->cfg.max_visitors != 0 && fa_visitor_count(fa) >= fa->cfg.max_visitors)))
		return MIP_CODE_FA_NO_RESOURCES;
	return 0;
}

static void
fa_timeout(void *arg)
{
	struct fa_pending *p = arg;
	struct fa *fa = p->fa;

	fa_deny(fa, p, MIP_CODE_FA_REG_TIMEOUT);
	fa_pending_free(fa, p);
}

/* Relay the request of @p to its home agent: strip after the MHAE, append an FHAE. */
static void
fa_relay(struct fa *fa, struct fa_pending *p)
{
	const struct fa_if *fi = fa_if_by_index(fa, p->ifindex);
	uint8_t *out = fa->txbuf;
	struct mip_builder b;
	struct mip_msg m;
	int rc;

	if (fi == NULL ||
	    mip_msg_decode(p->buf, p->len, MIP_DEC_REQUIRE_AUTH, &m, NULL) != MIP_OK ||
	    mip_builder_init_relay(&b, out, FA_TXBUF_LEN, &m) < 0 ||
	    (p->faha != NULL && mip_build_auth(&b, MIP_EXT_FHAE, p->faha->spi, p->faha->key) < 0) ||
	    (p->timer = ev_timer_new(fa->env.loop, fa_timeout, p)) == NULL) {
		fa_deny(fa, p, MIP_CODE_FA_UNSPECIFIED);
		fa_pending_free(fa, p);
		return;
	}
	rc = fa_send_ha(fa, fi->coa, p->ha, out, b.len);
	if (rc < 0) {
		fa_deny(fa, p, MIP_CODE_FA_HA_UNREACH);
		fa_pending_free(fa, p);
		return;
	}
	fa->cnt.reg_requests_relayed++;
	p->state = FA_PENDING_RELAYED;
	free(p->buf);
	p->buf = NULL;
	p->len = 0;
	ev_timer_arm(p->timer,
	             (uint64_t)(fa->cfg.reg_timeout_s ? fa->cfg.reg_timeout_s : 7) * 1000);
}

static void
fa_ks_ha_done(enum ks_result res, struct mip_sa *sa, void *arg)
{
	struct fa_pending *p = arg;
	struct fa *fa = p->fa;

	p->ksh = NULL;
	switch (res) {
	case KS_FOUND:
		p->faha = mip_sa_ref(sa);
		break;
	case KS_NOT_FOUND:
		break;
	case KS_REJECTED:
		fa_deny(fa, p, MIP_CODE_FA_ADMIN_PROHIBITED);
		fa_pending_free(fa, p);
		return;
	case KS_ERROR:
	default:
		fa->cnt.keystore_errors++;
		log_rl(&fa->rl, LOG_SS_FA, LOG_WARNING, "key store: no answer for a home agent");
		fa_pending_free(fa, p);
		return;
	}
	fa_relay(fa, p);
}

static void
fa_ks_visitor_done(enum ks_result res, struct mip_sa *sa, void *arg)
{
	struct fa_pending *p = arg;
	struct fa *fa = p->fa;
	struct mip_msg m;
	uint8_t code;

	p->ksh = NULL;
	switch (res) {
	case KS_FOUND:
		p->mnfa = mip_sa_ref(sa);
		break;
	case KS_NOT_FOUND:
		break;
	case KS_REJECTED:
		fa_deny(fa, p, MIP_CODE_FA_MN_AUTH_FAILED);
		fa_pending_free(fa, p);
		return;
	case KS_ERROR:
	default:
		fa->cnt.keystore_errors++;
		log_rl(&fa->rl, LOG_SS_FA, LOG_WARNING, "key store: no answer for a visitor");
		fa_pending_free(fa, p);
		return;
	}
	if (mip_msg_decode(p->buf, p->len, MIP_DEC_REQUIRE_AUTH, &m, NULL) != MIP_OK)
		code = MIP_CODE_FA_UNSPECIFIED; /* cannot happen: it decoded on arrival */
	else
		code = fa_check(fa, p, &m);
	if (code != 0) {
		fa_deny(fa, p, code);
		fa_pending_free(fa, p);
		return;
	}
	p->state = FA_PENDING_KS_HA;
	fa_lookup(fa, p, SA_ENTITY_HOME_AGENT, p->ha, 0, fa_ks_ha_done);
}

void
fa_rrq_input(struct fa *fa, struct fa_if *fi, const uint8_t *buf, size_t len,
             const struct role_rx *rx, const uint8_t *mac)
{
	struct fa_pending tmp, *p;
	struct mip_err_info ei;
	struct mip_msg m;
	enum mip_err err;
	int code, mfae;

	fa->cnt.reg_requests_received++;
	memset(&tmp, 0, sizeof(tmp));
	tmp.fa = fa;
	tmp.rx = *rx;
	tmp.ifindex = fi->ifindex;
	tmp.local = fa_if_by_coa(fa, rx->dst) != NULL ? rx->dst : fi->coa;
	memcpy(tmp.mac, mac, FA_MAC_LEN);
	err = mip_msg_decode(buf, len, MIP_DEC_REQUIRE_AUTH, &m, &ei);
	if (err == MIP_OK)
		err = mip_msg_check_cvse(&m, MIP_RX_FA, NULL, NULL, &ei);
	if (err != MIP_OK) {
		code = mip_reply_code_for_error(err, MIP_RX_FA,
		                                err == MIP_ERR_UNKNOWN_CVSE ? ei.from_mn : true);
		if (code == MIP_REPLY_DISCARD || len < MIP_RRQ_LEN) {
			fa->cnt.discarded++;
			log_rl(&fa->rl, LOG_SS_FA, LOG_NOTICE, "request from %s dropped: %s",
			       inet_ntoa(rx->src.sin_addr), mip_err_str(err));
			return;
		}
		tmp.hoa.s_addr = htonl(wire_get32(buf + 4));
		tmp.ha.s_addr = htonl(wire_get32(buf + 8));
		tmp.id = wire_get64(buf + 16);
		fa_deny(fa, &tmp, (uint8_t)code);
		return;
	}
	tmp.hoa = m.rrq.hoa;
	tmp.ha = m.rrq.ha;
	tmp.coa = m.rrq.coa;
	tmp.id = m.rrq.id;
	tmp.flags = m.rrq.flags;
	tmp.lifetime = m.rrq.lifetime;
	fa_copy_nai(&m, tmp.nai, sizeof(tmp.nai));
	if (fa_pending_match(fa, tmp.hoa, (uint32_t)tmp.id, tmp.nai) != NULL) {
		fa->cnt.duplicates++;
		return;
	}
	if (fa->n_pending >= FA_PENDING_MAX) {
		fa_deny(fa, &tmp, MIP_CODE_FA_NO_RESOURCES);
		return;
	}
	if ((p = malloc(sizeof(*p))) == NULL || (tmp.buf = malloc(len)) == NULL) {
		free(p);
		fa_deny(fa, &tmp, MIP_CODE_FA_NO_RESOURCES);
		return;
	}
	*p = tmp;
	memcpy(p->buf, buf, len);
	p->len = len;
	p->state = FA_PENDING_KS_VISITOR;
	fa_pending_link(fa, p);
	mfae = m.mfae_idx;
	fa_lookup(fa, p, SA_ENTITY_VISITOR, p->hoa, mfae >= 0 ? m.ext[mfae].auth.spi : 0,
	          fa_ks_visitor_done);
}

/* --- replies --- */

void
fa_rrp_input(struct fa *fa, const uint8_t *buf, size_t len, const struct role_rx *rx)
{
	struct mip_err_info ei;
	struct mip_builder b;
	struct fa_pending *p;
	struct in_addr hoa;
	struct mip_msg m;
	enum mip_err err;
	char nai[SA_NAI_MAX + 1];
	uint8_t *out;
	int code, i, rc;

	fa->cnt.reg_replies_received++;
	if (len < MIP_RRP_LEN) {
		fa->cnt.discarded++;
		return;
	}
	hoa.s_addr = htonl(wire_get32(buf + 4));
	err = mip_msg_decode(buf, len, 0, &m, &ei);
	if (err == MIP_OK)
		fa_copy_nai(&m, nai, sizeof(nai));
	p = fa_pending_match(fa, hoa, wire_get32(buf + 16), err == MIP_OK ? nai : NULL);
	if (p == NULL || p->state != FA_PENDING_RELAYED) {
		fa->cnt.replies_unmatched++;
		log_rl(&fa->rl, LOG_SS_FA, LOG_NOTICE, "reply from %s matches no pending request",
		       inet_ntoa(rx->src.sin_addr));
		return;
	}
	if (err == MIP_OK)
		err = mip_msg_check_cvse(&m, MIP_RX_FA, NULL, NULL, &ei);
	if (err == MIP_OK && mip_code_is_success(m.rrp.code) &&
	    (m.auth_idx < 0 || m.rrp.hoa.s_addr == INADDR_ANY))
		err = MIP_ERR_NO_AUTH;
	if (err != MIP_OK) {
		code = mip_reply_code_for_error(err, MIP_RX_FA,
		                                err == MIP_ERR_UNKNOWN_CVSE ? ei.from_mn : false);
		if (code == MIP_REPLY_DISCARD) { /* the request times out with 78 */
			fa->cnt.discarded++;
			return;
		}
		fa_deny(fa, p, (uint8_t)code);
		fa_pending_free(fa, p);
		return;
	}
	if (p->faha != NULL && ((i = m.fhae_idx) < 0 || m.ext[i].auth.spi != p->faha->spi ||
	                        !mip_msg_auth_verify(&m, (size_t)i, p->faha->key))) {
		fa_deny(fa, p, MIP_CODE_FA_HA_AUTH_FAILED);
		fa_pending_free(fa, p);
		return;
	}
	if (mip_code_is_success(m.rrp.code) && (rc = fa_visitor_accept(fa, p, &m.rrp)) < 0) {
		fa_deny(fa, p,
		        rc == -EOPNOTSUPP ? MIP_CODE_FA_ENCAP_UNAVAIL : MIP_CODE_FA_NO_RESOURCES);
		fa_pending_free(fa, p);
		return;
	}
	out = fa->txbuf;
	mip_builder_init(&b, out, FA_TXBUF_LEN);
	if (m.auth_idx >= 0)
		mip_builder_init_relay(&b, out, FA_TXBUF_LEN, &m);
	else
		mip_build_rrp(&b, &m.rrp);
	if (p->mnfa != NULL)
		mip_build_auth(&b, MIP_EXT_MFAE, p->mnfa->spi, p->mnfa->key);
	if (mip_builder_error(&b) != 0) {
		fa_deny(fa, p, MIP_CODE_FA_UNSPECIFIED);
	} else {
		fa_to_mn(fa, p, out, b.len);
		fa->cnt.reg_replies_relayed++;
	}
	fa_pending_free(fa, p);
}

/* --- teardown --- */

static void
fa_pending_sweep(struct fa *fa, bool lookups_only)
{
	for (size_t i = 0; i < FA_PENDING_BUCKETS; i++) {
		struct fa_pending *p = fa->pending[i], *next;

		for (; p != NULL; p = next) {
			next = p->hnext;
			if (!lookups_only || p->state != FA_PENDING_RELAYED)
				fa_pending_free(fa, p);
		}
	}
}

void
fa_pending_drop_lookups(struct fa *fa)
{
	fa_pending_sweep(fa, true);
}

void
fa_pending_free_all(struct fa *fa)
{
	fa_pending_sweep(fa, false);
}

/* --- state accessors --- */

static void
fa_pending_info_fill(const struct fa_pending *p, struct fa_pending_info *out)
{
	memset(out, 0, sizeof(*out));
	out->hoa = p->hoa;
	out->id_low = (uint32_t)p->id;
	out->id = p->id;
	out->ha = p->ha;
	out->coa = p->coa;
	out->src = p->rx.src.sin_addr;
	out->src_port = ntohs(p->rx.src.sin_port);
	out->ifindex = p->ifindex;
	memcpy(out->mac, p->mac, FA_MAC_LEN);
	out->flags = p->flags;
	out->lifetime = p->lifetime;
	out->remaining_ms = p->state == FA_PENDING_RELAYED ? ev_timer_remaining_ms(p->timer) : 0;
	out->state = p->state;
	snprintf(out->nai, sizeof(out->nai), "%s", p->nai);
}

size_t
fa_pending_count(const struct fa *fa)
{
	return fa->n_pending;
}

int
fa_pending_lookup(const struct fa *fa, struct in_addr hoa, uint32_t id_low,
                  struct fa_pending_info *out)
{
	const struct fa_pending *p;

	for (p = fa->pending[fa_pbucket(id_low)]; p != NULL; p = p->hnext) {
		if ((uint32_t)p->id == id_low && p->hoa.s_addr == hoa.s_addr) {
			fa_pending_info_fill(p, out);
			return 0;
		}
	}
	return -ENOENT;
}

int
fa_pending_next(const struct fa *fa, const struct in_addr *hoa, const uint32_t *id_low,
                struct fa_pending_info *out)
{
	size_t i = hoa != NULL
	                   ? fa_pord_search(fa, (uint64_t)ntohl(hoa->s_addr) << 32 | *id_low, NULL)
	                   : 0;

	if (i >= fa->n_pending)
		return -ENOENT;
	fa_pending_info_fill(fa->pending_ord[i], out);
	return 0;
}
