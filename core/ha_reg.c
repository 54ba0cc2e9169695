/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ha_reg.c - home agent registration processing: input, pending lookups, checks, replies.
 *
 * One Registration Request goes through these stages (RFC 5944 sections 3.8.2 and 3.8.3,
 * RFC 3024, RFC 3115). Every arrow to the right ends the request with that reply code;
 * "discard" sends nothing.
 *
 *   ha_input() -- not to one of our addresses, not a request, too short ----> discard
 *       | decode: unknown critical extension ------------------------------> discard
 *       |         no MHAE ------------------------------------------------> 131
 *       |         any other defect -----------------------------------------> 134
 *       v
 *   same (source, port, identification) already pending -------------------> discard
 *       v
 *   [MN-HA lookup] (async) -- error ------------------------------------------> discard
 *       |                  -- no SA, rejected ---------------------------> 131 (no MHAE)
 *       | verify MHAE ------ bad --------------------------------------------------> 131
 *       v
 *   relayed by an FA, or FHAE present?
 *       | yes: [FA-HA lookup] (async) -- error -------------------------------> discard
 *       |      SA and FHAE verify, or no SA, no FHAE, and not require-fa-auth
 *       |      (anything else) -----------------------------------------------------> 132
 *       v
 *   identification (timestamp or nonce) ----------------------------------------> 133
 *   critical vendor extension not understood --------------------------------> 140/141
 *   sent to the directed broadcast, or Home Agent field not ours ----------------> 136
 *   home address 0.0.0.0 (130 with an NAI: no address assignment, else 134),
 *   outside the home networks ---------------------------------------------------> 129
 *   M, or G with GRE off ---------------------------------------------------------> 139
 *   T with reverse tunnels off ---------------------------------------------------> 137
 *   S with too many care-of addresses --------------------------------------------> 135
 *   max-bindings reached, out of memory -----------------------------------------> 130
 *   tunnel back end failed -------------------------------------------------------> 128
 *       v
 *   accepted: 0, or 1 when S was set and simultaneous bindings are off or the
 *   tunnel back end cannot copy to several care-of addresses
 *
 * Replies go to the request's source address and port, from the address the request was
 * sent to; a request sent to a directed broadcast address is answered from the HA's own
 * address on that network, which is also put in the Home Agent field. A reply carries an
 * MHAE computed with the MN-HA SA whenever one was found, and an FHAE when the request's
 * FHAE verified.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "ha_int.h"
#include "wire.h"

/* A decoded request and what the checks found out about it. */
struct ha_req {
	struct ha *ha;
	struct ha_pending *p; /* NULL before the request became pending */
	const struct role_rx *rx;
	struct mip_msg m;
	char nai[SA_NAI_MAX + 1];
	int net_rx;           /* home network the request was sent to */
	bool bcast;           /* sent to its directed broadcast address */
	struct mip_sa *sa;    /* MN-HA SA, or NULL */
	struct mip_sa *fa_sa; /* FA-HA SA whose FHAE verified, or NULL */
};

static void ha_fa_done(enum ks_result res, struct mip_sa *sa, void *arg);

/* --- security violations --- */

const char *
ha_secviol_reason_name(enum ha_secviol_reason r)
{
	switch (r) {
	case HA_SECVIOL_NO_SA:
		return "no-security-association";
	case HA_SECVIOL_BAD_AUTHENTICATOR:
		return "bad-authenticator";
	case HA_SECVIOL_BAD_IDENTIFIER:
		return "bad-identifier";
	case HA_SECVIOL_BAD_SPI:
		return "bad-spi";
	case HA_SECVIOL_MISSING_EXTENSION:
		return "missing-security-extension";
	case HA_SECVIOL_OTHER:
		return "other";
	}
	return "unknown";
}

/* Index of the first record with an address >= @addr (binary search). */
static size_t
ha_secviol_pos(const struct ha *ha, struct in_addr addr)
{
	size_t lo = 0, hi = ha->n_secviol;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ntohl(ha->secviol[mid].addr.s_addr) < ntohl(addr.s_addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
ha_secviol_record(struct ha *ha, struct in_addr addr, uint32_t spi, uint64_t id,
                  enum ha_secviol_reason reason)
{
	size_t i = ha_secviol_pos(ha, addr);
	struct ha_secviol *v;

	if (i == ha->n_secviol || ha->secviol[i].addr.s_addr != addr.s_addr) {
		if (ha->n_secviol == HA_SECVIOL_MAX) { /* forget the quietest violator */
			size_t old = 0;

			for (size_t j = 1; j < ha->n_secviol; j++)
				if (ha->secviol_seen[j] < ha->secviol_seen[old])
					old = j;
			ha->n_secviol--;
			memmove(&ha->secviol[old], &ha->secviol[old + 1],
			        (ha->n_secviol - old) * sizeof(ha->secviol[0]));
			memmove(&ha->secviol_seen[old], &ha->secviol_seen[old + 1],
			        (ha->n_secviol - old) * sizeof(ha->secviol_seen[0]));
			i = ha_secviol_pos(ha, addr);
		}
		memmove(&ha->secviol[i + 1], &ha->secviol[i],
		        (ha->n_secviol - i) * sizeof(ha->secviol[0]));
		memmove(&ha->secviol_seen[i + 1], &ha->secviol_seen[i],
		        (ha->n_secviol - i) * sizeof(ha->secviol_seen[0]));
		ha->n_secviol++;
		memset(&ha->secviol[i], 0, sizeof(ha->secviol[i]));
		ha->secviol[i].addr = addr;
	}
	v = &ha->secviol[i];
	v->count++;
	v->spi = spi;
	v->time = (int64_t)time(NULL);
	v->id = id;
	v->reason = reason;
	ha->secviol_seen[i] = ev_now_ms();
	event_raise_auth_failure(EVENT_ROLE_HA, addr, spi, id, (int)reason);
}

int
ha_secviol_next(const struct ha *ha, const struct in_addr *after, struct ha_secviol *out)
{
	size_t i = 0;

	if (after != NULL) {
		i = ha_secviol_pos(ha, *after);
		if (i < ha->n_secviol && ha->secviol[i].addr.s_addr == after->s_addr)
			i++;
	}
	if (i >= ha->n_secviol)
		return -ENOENT;
	*out = ha->secviol[i];
	return 0;
}

/* --- replies --- */

static void
ha_count_code(struct ha *ha, uint8_t code)
{
	struct ha_counters *c = &ha->cnt;

	switch (code) {
	case MIP_CODE_ACCEPTED:
		c->registration_accepted++;
		break;
	case MIP_CODE_ACCEPTED_NO_SIMUL:
		c->multi_binding_unsupported++;
		break;
	case MIP_CODE_HA_ADMIN_PROHIBITED:
		c->adm_prohibited++;
		break;
	case MIP_CODE_HA_NO_RESOURCES:
		c->insufficient_resource++;
		break;
	case MIP_CODE_HA_MN_AUTH_FAILED:
		c->mn_authentication_failure++;
		break;
	case MIP_CODE_HA_FA_AUTH_FAILED:
		c->fa_authentication_failure++;
		break;
	case MIP_CODE_HA_ID_MISMATCH:
		c->id_mismatch++;
		break;
	case MIP_CODE_HA_BAD_REQUEST:
		c->poorly_formed_request++;
		break;
	case MIP_CODE_HA_TOO_MANY_BINDINGS:
		c->too_many_bindings++;
		break;
	case MIP_CODE_HA_UNKNOWN_HA:
		c->unknown_ha++;
		break;
	case MIP_CODE_HA_RT_UNAVAIL:
		c->reverse_tunnel_unavailable++;
		break;
	case MIP_CODE_HA_RT_MANDATORY:
		c->reverse_tunnel_mandatory++;
		break;
	case MIP_CODE_HA_ENCAP_UNAVAIL:
		c->encapsulation_unavailable++;
		break;
	case MIP_CODE_HA_CVSE_FROM_MN:
		c->cvse_from_mn++;
		break;
	case MIP_CODE_HA_CVSE_FROM_FA:
		c->cvse_from_fa++;
		break;
	default:
		c->reason_unspecified++;
		break;
	}
}

/* Home network whose unicast or broadcast address is @dst, or -1. */
static int
ha_net_by_dst(const struct ha *ha, struct in_addr dst, bool *bcast)
{
	for (size_t i = 0; i < ha->n_nets; i++) {
		if (ha->nets[i].addr.s_addr == dst.s_addr) {
			*bcast = false;
			return (int)i;
		}
		if (ha->nets[i].bcast.s_addr != INADDR_ANY &&
		    ha->nets[i].bcast.s_addr == dst.s_addr) {
			*bcast = true;
			return (int)i;
		}
	}
	return -1;
}

static int
ha_send(struct ha *ha, struct in_addr from, const struct sockaddr_in *to, const uint8_t *buf,
        size_t len)
{
	if (ha->env.send != NULL)
		return ha->env.send(ha->env.send_arg, from, to, buf, len);
	for (size_t i = 0; i < ha->n_nets; i++)
		if (ha->nets[i].addr.s_addr == from.s_addr && ha->nets[i].fd_uc >= 0)
			return role_udp_send(ha->nets[i].fd_uc, from, to, buf, len);
	return -ENOTCONN;
}

/*
 * Send a reply to the request whose fixed part starts at @raw (at least MIP_RRQ_LEN bytes).
 * @nai/@nai_len: NAI to echo, or NULL. @sa/@fa_sa: add an MHAE/FHAE when not NULL.
 */
static void
ha_answer(struct ha *ha, const struct role_rx *rx, int net, bool bcast, const uint8_t *raw,
          uint8_t code, uint16_t lifetime, uint64_t id, const uint8_t *nai, size_t nai_len,
          const struct mip_sa *sa, const struct mip_sa *fa_sa)
{
	uint8_t out[MIP_RRP_LEN + 2 + 255 + 2 * MIP_AUTH_EXT_LEN];
	struct mip_builder b;
	struct mip_rrp h = { .code = code, .lifetime = lifetime, .id = id };
	bool dereg = raw[2] == 0 && raw[3] == 0;
	struct in_addr from = ha->nets[net].addr;
	char a[INET_ADDRSTRLEN];
	int err;

	memcpy(&h.hoa, raw + 4, 4);
	memcpy(&h.ha, raw + 8, 4);
	if (bcast)
		h.ha = from;
	mip_builder_init(&b, out, sizeof(out));
	mip_build_rrp(&b, &h);
	if (nai != NULL && nai_len > 0)
		mip_build_nai(&b, (const char *)nai, nai_len);
	if (sa != NULL)
		mip_build_auth(&b, MIP_EXT_MHAE, sa->spi, sa->key);
	if (fa_sa != NULL)
		mip_build_auth(&b, MIP_EXT_FHAE, fa_sa->spi, fa_sa->key);
	ha_count_code(ha, code);
	if (!mip_code_is_success(code))
		event_raise_reg_failure(EVENT_ROLE_HA, h.hoa, h.ha,
		                        (struct in_addr){ htonl(wire_get32(raw + 12)) }, code,
		                        NULL);
	err = mip_builder_error(&b);
	if (err == 0)
		err = ha_send(ha, from, &rx->src, out, b.len);
	if (err < 0) {
		ha->cnt.send_errors++;
		log_rl(&ha->rl, LOG_SS_HA, LOG_WARNING, "reply %u to %s:%u not sent: %s", code,
		       inet_ntop(AF_INET, &rx->src.sin_addr, a, sizeof(a)), ntohs(rx->src.sin_port),
		       strerror(-err));
		return;
	}
	if (dereg)
		ha->cnt.dereg_replies_sent++;
	else
		ha->cnt.reg_replies_sent++;
	log_debug(LOG_SS_HA, "reply %u (%s) lifetime %u to %s:%u", code, mip_code_name(code),
	          lifetime, inet_ntop(AF_INET, &rx->src.sin_addr, a, sizeof(a)),
	          ntohs(rx->src.sin_port));
}

/* Answer a decoded request; the Identification is the request's unless @id is given. */
static void
ha_req_answer(struct ha_req *r, uint8_t code, uint16_t lifetime, const uint64_t *id)
{
	const struct mip_ext *nai = r->m.nai_idx >= 0 ? &r->m.ext[r->m.nai_idx] : NULL;

	ha_answer(r->ha, r->rx, r->net_rx, r->bcast, r->m.buf, code, lifetime,
	          id != NULL ? *id : r->m.rrq.id, nai != NULL ? nai->data.ptr : NULL,
	          nai != NULL ? nai->data.len : 0, r->sa, r->fa_sa);
}

/* --- pending requests --- */

static size_t
ha_pending_bucket(const struct sockaddr_in *src, uint64_t id)
{
	uint64_t h = ((uint64_t)src->sin_addr.s_addr << 16 | src->sin_port) ^ id;

	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 56) % HA_PENDING_BUCKETS;
}

static struct ha_pending *
ha_pending_find(struct ha *ha, const struct sockaddr_in *src, uint64_t id)
{
	struct ha_pending *p = ha->pending[ha_pending_bucket(src, id)];

	while (p != NULL && !(p->id == id && p->rx.src.sin_addr.s_addr == src->sin_addr.s_addr &&
	                      p->rx.src.sin_port == src->sin_port))
		p = p->hnext;
	return p;
}

static void
ha_pending_free(struct ha_pending *p)
{
	struct ha *ha = p->ha;
	struct ha_pending **pp = &ha->pending[ha_pending_bucket(&p->rx.src, p->id)];

	while (*pp != p)
		pp = &(*pp)->hnext;
	*pp = p->hnext;
	ha->n_pending--;
	mip_sa_unref(p->sa);
	free(p);
}

void
ha_pending_cancel_all(struct ha *ha)
{
	for (size_t i = 0; i < HA_PENDING_BUCKETS; i++) {
		while (ha->pending[i] != NULL) {
			struct ha_pending *p = ha->pending[i];

			if (p->ksh != NULL && ha->env.ks_chain != NULL)
				ks_chain_cancel(ha->env.ks_chain, p->ksh);
			p->ksh = NULL;
			ha_pending_free(p);
		}
	}
}

size_t
ha_pending_count(const struct ha *ha)
{
	return ha->n_pending;
}

/* Rebuild the request context of a pending request (its bytes decoded before). */
static void
ha_req_from_pending(struct ha_req *r, struct ha_pending *p)
{
	const struct mip_ext *nai;

	memset(r, 0, sizeof(*r));
	r->ha = p->ha;
	r->p = p;
	r->rx = &p->rx;
	r->net_rx = ha_net_by_dst(p->ha, p->rx.dst, &r->bcast);
	mip_msg_decode(p->buf, p->len, MIP_DEC_REQUIRE_AUTH, &r->m, NULL);
	r->sa = p->sa;
	nai = r->m.nai_idx >= 0 ? &r->m.ext[r->m.nai_idx] : NULL;
	if (nai != NULL)
		memcpy(r->nai, nai->data.ptr,
		       nai->data.len < SA_NAI_MAX ? nai->data.len : SA_NAI_MAX);
}

static bool
ha_lookup(struct ha *ha, struct ha_pending *p, const struct ks_query *q, ks_done_fn done)
{
	char a[INET_ADDRSTRLEN];
	int err = -ENOENT;

	if (ha->env.ks_chain != NULL)
		err = ks_chain_lookup(ha->env.ks_chain, q, done, p, &p->ksh);
	if (err == 0)
		return true;
	p->ksh = NULL;
	ha->cnt.keystore_errors++;
	log_rl(&ha->rl, LOG_SS_HA, LOG_WARNING, "request from %s dropped: key store lookup failed",
	       inet_ntop(AF_INET, &p->rx.src.sin_addr, a, sizeof(a)));
	return false;
}

/* --- the checks after authentication --- */

/* Apply an accepted registration or deregistration to the bindings; returns the code. */
static uint8_t
ha_apply(struct ha_req *r, uint16_t lifetime, int net)
{
	struct ha *ha = r->ha;
	const struct mip_rrq *q = &r->m.rrq;
	struct ha_mn *mn = ha_mn_find(ha, q->hoa);
	struct ha_bind *b = mn != NULL ? ha_bind_find(mn, q->coa) : NULL, *o, *next;
	bool simul = (q->flags & MIP_RRQ_F_S) && ha->cfg.max_simultaneous > 1 && ha_multi_route(ha);
	size_t removing = 0;
	int err;

	if (q->lifetime == 0) { /* deregistration */
		bool was_bound = mn != NULL;

		if (mn != NULL && q->coa.s_addr == q->hoa.s_addr) {
			while (mn->n_binds > 1)
				ha_binding_remove(ha, mn->binds);
			ha_binding_remove(ha, mn->binds);
		} else if (b != NULL) {
			ha_binding_remove(ha, b);
		}
		/* Sent from the home link by the node itself, which is bound no more: it is home. */
		if (was_bound && ha_mn_find(ha, q->hoa) == NULL && r->p != NULL && r->p->has_mac &&
		    r->rx->src.sin_addr.s_addr == q->hoa.s_addr)
			ha_announce_home(ha, net, q->hoa, r->p->mac);
		return MIP_CODE_ACCEPTED;
	}
	if (!simul && mn != NULL)
		removing = mn->n_binds - (b != NULL ? 1 : 0);
	if (simul && b == NULL && mn != NULL && mn->n_binds >= ha->cfg.max_simultaneous)
		return MIP_CODE_HA_TOO_MANY_BINDINGS;
	if (b == NULL && ha->cfg.max_bindings != 0 &&
	    ha->n_binds - removing + 1 > ha->cfg.max_bindings)
		return MIP_CODE_HA_NO_RESOURCES;
	if (b == NULL) {
		if (mn == NULL && (mn = ha_mn_create(ha, q->hoa, r->nai, (uint8_t)net)) == NULL)
			return MIP_CODE_HA_NO_RESOURCES;
		if ((b = ha_bind_create(ha, mn, q->coa)) == NULL) {
			ha_mn_release(ha, mn);
			return MIP_CODE_HA_NO_RESOURCES;
		}
		b->flags = q->flags;
		if ((err = ha_fwd_bind(ha, b)) < 0) {
			ha_bind_destroy(ha, b);
			if (err == -EOPNOTSUPP) /* the back end cannot do this encapsulation */
				return MIP_CODE_HA_ENCAP_UNAVAIL;
			return err == -ENOMEM ? MIP_CODE_HA_NO_RESOURCES : MIP_CODE_HA_UNSPECIFIED;
		}
	} else if ((b->flags ^ q->flags) & MIP_RRQ_F_G) { /* the encapsulation changed */
		ha_binding_remove(ha, b);
		return ha_apply(r, lifetime, net);
	}
	b->flags = q->flags;
	b->src = r->rx->src.sin_addr;
	b->id = q->id;
	ha_bind_set_lifetime(ha, b, lifetime);
	if (!simul) { /* a registration without S replaces every other care-of address */
		for (o = mn->binds; o != NULL; o = next) {
			next = o->next;
			if (o != b)
				ha_binding_remove(ha, o);
		}
	}
	if ((q->flags & MIP_RRQ_F_S) && !simul) /* off, or the back end cannot copy */
		return MIP_CODE_ACCEPTED_NO_SIMUL;
	return MIP_CODE_ACCEPTED;
}

/* Home address validity: 0 when it is a host of home network *@net, else the code. */
static uint8_t
ha_check_hoa(const struct ha_req *r, int *net)
{
	const struct ha *ha = r->ha;
	struct in_addr hoa = r->m.rrq.hoa;
	const struct ha_net *n;

	if (hoa.s_addr == INADDR_ANY) /* RFC 2794: no home address assignment here */
		return r->m.nai_idx >= 0 ? MIP_CODE_HA_NO_RESOURCES : MIP_CODE_HA_BAD_REQUEST;
	*net = ha_net_of(ha, hoa);
	if (*net < 0)
		return MIP_CODE_HA_ADMIN_PROHIBITED;
	n = &ha->nets[*net];
	if (hoa.s_addr == n->addr.s_addr ||
	    (n->bcast.s_addr != INADDR_ANY &&
	     (hoa.s_addr == n->bcast.s_addr || (hoa.s_addr & ~n->mask.s_addr) == 0)))
		return MIP_CODE_HA_ADMIN_PROHIBITED;
	return 0;
}

static bool
ha_is_our_addr(const struct ha *ha, struct in_addr a)
{
	for (size_t i = 0; i < ha->n_nets; i++)
		if (ha->nets[i].addr.s_addr == a.s_addr)
			return true;
	return false;
}

/* Everything after authentication; ends the request with a reply. */
static void
ha_decide(struct ha_req *r)
{
	struct ha *ha = r->ha;
	const struct mip_rrq *q = &r->m.rrq;
	struct replay_peer *peer;
	enum mip_replay_result rr = MIP_REPLAY_OK;
	struct mip_err_info ei;
	uint64_t now, reply_id = q->id;
	uint32_t nonce, tol;
	uint16_t lifetime;
	uint8_t code;
	int net = -1;
	char a[INET_ADDRSTRLEN];

	peer = replay_table_get(ha->replay, q->hoa, r->nai, true);
	if (peer == NULL) {
		ha_req_answer(r, MIP_CODE_HA_NO_RESOURCES, 0, NULL);
		return;
	}
	switch (r->sa->replay) {
	case SA_REPLAY_TIMESTAMP:
		if (mip_ntp_now(&now) < 0) {
			ha_req_answer(r, MIP_CODE_HA_UNSPECIFIED, 0, NULL);
			return;
		}
		tol = r->sa->tolerance_s != 0 ? r->sa->tolerance_s : MIP_REPLAY_TOLERANCE_DEFAULT;
		rr = replay_peer_check_ts(peer, q->id, now, tol, &reply_id);
		break;
	case SA_REPLAY_NONCE:
		if (mip_replay_random32(&nonce) < 0) {
			ha_req_answer(r, MIP_CODE_HA_UNSPECIFIED, 0, NULL);
			return;
		}
		rr = replay_peer_check_nonce(peer, q->id, nonce, &reply_id);
		break;
	case SA_REPLAY_NONE:
		break;
	}
	if (rr != MIP_REPLAY_OK) {
		ha_secviol_record(ha, q->hoa, r->sa->spi, q->id, HA_SECVIOL_BAD_IDENTIFIER);
		log_rl(&ha->rl, LOG_SS_HA, LOG_NOTICE, "request for %s: identification %s",
		       inet_ntop(AF_INET, &q->hoa, a, sizeof(a)), mip_replay_result_name(rr));
		ha_req_answer(r, MIP_CODE_HA_ID_MISMATCH, 0, &reply_id);
		return;
	}
	if (mip_msg_check_cvse(&r->m, MIP_RX_HA, NULL, NULL, &ei) != MIP_OK) {
		code = (uint8_t)mip_reply_code_for_error(ei.err, MIP_RX_HA, ei.from_mn);
	} else if (r->bcast || !ha_is_our_addr(ha, q->ha)) {
		code = MIP_CODE_HA_UNKNOWN_HA;
	} else if ((code = ha_check_hoa(r, &net)) != 0) {
		;
	} else if (q->lifetime != 0 &&
	           ((q->flags & MIP_RRQ_F_M) || ((q->flags & MIP_RRQ_F_G) && !ha->cfg.gre))) {
		code = MIP_CODE_HA_ENCAP_UNAVAIL;
	} else if (q->lifetime != 0 && (q->flags & MIP_RRQ_F_T) && !ha->cfg.reverse_tunnel) {
		code = MIP_CODE_HA_RT_UNAVAIL;
	} else {
		lifetime = q->lifetime < ha->cfg.max_lifetime ? q->lifetime : ha->cfg.max_lifetime;
		code = ha_apply(r, lifetime, net);
		if (mip_code_is_success(code)) {
			log_debug(LOG_SS_HA, "%s %s via %s, lifetime %u",
			          q->lifetime != 0 ? "registered" : "deregistered",
			          inet_ntop(AF_INET, &q->hoa, a, sizeof(a)), inet_ntoa(q->coa),
			          lifetime);
			ha_req_answer(r, code, q->lifetime != 0 ? lifetime : 0, &reply_id);
			return;
		}
	}
	log_rl(&ha->rl, LOG_SS_HA, LOG_NOTICE, "request for %s denied: %u (%s)",
	       inet_ntop(AF_INET, &q->hoa, a, sizeof(a)), code, mip_code_name(code));
	ha_req_answer(r, code, 0, &reply_id);
}

/* --- authentication stages --- */

static void
ha_fa_stage(struct ha_req *r)
{
	struct ha_pending *p = r->p;
	const struct mip_rrq *q = &r->m.rrq;
	bool relayed = !(q->flags & MIP_RRQ_F_D) || p->rx.src.sin_addr.s_addr != q->coa.s_addr;
	struct ks_query fq = { .entity = SA_ENTITY_FOREIGN_AGENT, .addr = p->rx.src.sin_addr };

	if (!relayed && r->m.fhae_idx < 0) {
		ha_decide(r);
		ha_pending_free(p);
		return;
	}
	if (r->m.fhae_idx >= 0)
		fq.spi = r->m.ext[r->m.fhae_idx].auth.spi;
	if (!ha_lookup(r->ha, p, &fq, ha_fa_done))
		ha_pending_free(p);
}

static void
ha_fa_done(enum ks_result res, struct mip_sa *sa, void *arg)
{
	struct ha_pending *p = arg;
	struct ha *ha = p->ha;
	struct ha_req r;
	const struct mip_ext *fhae;
	enum ha_secviol_reason why = HA_SECVIOL_NO_SA;
	bool ok;

	p->ksh = NULL;
	ha_req_from_pending(&r, p);
	fhae = r.m.fhae_idx >= 0 ? &r.m.ext[r.m.fhae_idx] : NULL;
	switch (res) {
	case KS_FOUND:
		ok = fhae != NULL && sa->spi == fhae->auth.spi &&
		     mip_msg_auth_verify(&r.m, (size_t)r.m.fhae_idx, sa->key);
		why = fhae == NULL ? HA_SECVIOL_MISSING_EXTENSION : HA_SECVIOL_BAD_AUTHENTICATOR;
		if (ok)
			r.fa_sa = sa;
		break;
	case KS_NOT_FOUND:
		ok = fhae == NULL && !ha->cfg.require_fa_auth;
		break;
	case KS_REJECTED:
		ok = false;
		why = HA_SECVIOL_OTHER;
		break;
	case KS_ERROR:
	default:
		ha->cnt.keystore_errors++;
		ha_pending_free(p);
		return;
	}
	if (!ok) {
		ha_secviol_record(ha, p->rx.src.sin_addr, fhae != NULL ? fhae->auth.spi : 0,
		                  r.m.rrq.id, why);
		log_rl(&ha->rl, LOG_SS_HA, LOG_NOTICE, "foreign agent %s failed authentication: %s",
		       inet_ntoa(p->rx.src.sin_addr), ha_secviol_reason_name(why));
		ha_req_answer(&r, MIP_CODE_HA_FA_AUTH_FAILED, 0, NULL);
	} else {
		ha_decide(&r);
	}
	ha_pending_free(p);
}

static void
ha_mn_done(enum ks_result res, struct mip_sa *sa, void *arg)
{
	struct ha_pending *p = arg;
	struct ha *ha = p->ha;
	struct ha_req r;
	const struct mip_ext *mhae;
	enum ha_secviol_reason why = HA_SECVIOL_NO_SA;

	p->ksh = NULL;
	ha_req_from_pending(&r, p);
	mhae = &r.m.ext[r.m.mhae_idx];
	switch (res) {
	case KS_FOUND:
		if (sa->spi == mhae->auth.spi &&
		    mip_msg_auth_verify(&r.m, (size_t)r.m.mhae_idx, sa->key)) {
			p->sa = r.sa = mip_sa_ref(sa);
			ha_fa_stage(&r);
			return;
		}
		r.sa = sa; /* the reply is authenticated with the SA the request claimed */
		why = HA_SECVIOL_BAD_AUTHENTICATOR;
		break;
	case KS_REJECTED:
		why = HA_SECVIOL_OTHER;
		break;
	case KS_NOT_FOUND:
		break;
	case KS_ERROR:
	default:
		ha->cnt.keystore_errors++;
		ha_pending_free(p);
		return;
	}
	ha_secviol_record(ha, r.m.rrq.hoa, mhae->auth.spi, r.m.rrq.id, why);
	log_rl(&ha->rl, LOG_SS_HA, LOG_NOTICE, "request for %s (SPI %u) failed authentication: %s",
	       inet_ntoa(r.m.rrq.hoa), mhae->auth.spi, ha_secviol_reason_name(why));
	ha_req_answer(&r, MIP_CODE_HA_MN_AUTH_FAILED, 0, NULL);
	ha_pending_free(p);
}

/* --- input --- */

/* Answer (or drop) a request that did not decode. */
static void
ha_input_bad(struct ha *ha, const uint8_t *buf, size_t len, const struct role_rx *rx, int net,
             bool bcast, const struct mip_err_info *ei)
{
	int code = mip_reply_code_for_error(ei->err, MIP_RX_HA, ei->from_mn);
	struct in_addr hoa;
	uint64_t id = 0;

	log_rl(&ha->rl, LOG_SS_HA, LOG_NOTICE, "bad request from %s: %s (offset %zu)",
	       inet_ntoa(rx->src.sin_addr), mip_err_str(ei->err), ei->offset);
	if (code == MIP_REPLY_DISCARD || len < MIP_RRQ_LEN) {
		ha->cnt.discarded++;
		return;
	}
	id = wire_get64(buf + 16);
	memcpy(&hoa, buf + 4, 4);
	if (code == MIP_CODE_HA_MN_AUTH_FAILED)
		ha_secviol_record(ha, hoa, 0, id, HA_SECVIOL_MISSING_EXTENSION);
	ha_answer(ha, rx, net, bcast, buf, (uint8_t)code, 0, id, NULL, 0, NULL, NULL);
}

void
ha_input(struct ha *ha, const uint8_t *buf, size_t len, const struct role_rx *rx)
{
	struct mip_err_info ei;
	struct ks_query q = { .entity = SA_ENTITY_MOBILE_NODE };
	struct ha_pending *p;
	struct ha_req r;
	size_t bucket;
	bool bcast;
	int net = ha_net_by_dst(ha, rx->dst, &bcast);

	if (net < 0 || len < 1 || buf[0] != MIP_MSG_RRQ) {
		ha->cnt.discarded++;
		log_rl(&ha->rl, LOG_SS_HA, LOG_DEBUG,
		       "datagram from %s dropped: not a request to us",
		       inet_ntoa(rx->src.sin_addr));
		return;
	}
	memset(&r, 0, sizeof(r));
	if (mip_msg_decode(buf, len, MIP_DEC_REQUIRE_AUTH, &r.m, &ei) != MIP_OK) {
		ha_input_bad(ha, buf, len, rx, net, bcast, &ei);
		return;
	}
	if (r.m.rrq.lifetime != 0)
		ha->cnt.reg_requests_received++;
	else
		ha->cnt.dereg_requests_received++;
	if (ha_pending_find(ha, &rx->src, r.m.rrq.id) != NULL) {
		ha->cnt.duplicates++;
		return;
	}
	if (r.m.mhae_idx < 0) { /* authorized by MN-AAA only: no MN-HA SA to check */
		r.ha = ha;
		r.rx = rx;
		r.net_rx = net;
		r.bcast = bcast;
		ha_secviol_record(ha, r.m.rrq.hoa, 0, r.m.rrq.id, HA_SECVIOL_MISSING_EXTENSION);
		ha_req_answer(&r, MIP_CODE_HA_MN_AUTH_FAILED, 0, NULL);
		return;
	}
	if (ha->n_pending >= HA_PENDING_MAX || (p = calloc(1, sizeof(*p) + len)) == NULL) {
		ha->cnt.pending_overflow++;
		log_rl(&ha->rl, LOG_SS_HA, LOG_WARNING, "request from %s dropped: %zu pending",
		       inet_ntoa(rx->src.sin_addr), ha->n_pending);
		return;
	}
	p->ha = ha;
	p->rx = *rx;
	p->id = r.m.rrq.id;
	p->has_mac = ha_ll_lookup(ha, rx, p->mac);
	p->len = len;
	memcpy(p->buf, buf, len);
	bucket = ha_pending_bucket(&rx->src, p->id);
	p->hnext = ha->pending[bucket];
	ha->pending[bucket] = p;
	ha->n_pending++;
	q.addr = r.m.rrq.hoa;
	q.spi = r.m.ext[r.m.mhae_idx].auth.spi;
	if (r.m.nai_idx >= 0) {
		const struct mip_ext *nai = &r.m.ext[r.m.nai_idx];

		memcpy(q.nai, nai->data.ptr,
		       nai->data.len < SA_NAI_MAX ? nai->data.len : SA_NAI_MAX);
	}
	if (!ha_lookup(ha, p, &q, ha_mn_done))
		ha_pending_free(p);
}
