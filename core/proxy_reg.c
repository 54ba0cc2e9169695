/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proxy_reg.c - proxy access point: the registration exchange of one client.
 *
 * What proxy_client.c's state machine asks for when it starts an attempt: the client's
 * MN-HA security association from the key-store chain (asynchronous), the Registration
 * Request built and sent (through the foreign agent at link level, or straight to the home
 * agent for a client at home), retransmitted with a doubling timeout, and the replies
 * validated and acted upon: acceptance, the immediate retries (133, 69, 75/138), denials
 * and the registration-failure event with its backoff.
 *
 * A reply is taken only from the agent the request went to (the FA's address on the
 * client-facing port, or the HA's address on the UDP socket), for the client's home
 * address, with the low 32 bits of one of the Identifications of the current attempt, and
 * with a Mobile-Home authenticator that verifies under the client's SA. Denials from the
 * foreign agent (64..127) carry no MHAE (RFC 5944 3.7.3): they are accepted
 * unauthenticated, which only stops the attempt.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mip_adv.h"
#include "mip_replay.h"
#include "proxy_int.h"
#include "submap.h"

static const char *
cl_ntop(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* --- attempts, failures --- */

/* Raise the failure event; registrations back off, deregistrations give up. May free @c. */
void
proxy_cl_fail(struct proxy *px, struct proxy_client *c, enum proxy_fail why, unsigned code,
              const char *reason)
{
	struct proxy_failure f = { .hoa = c->ix.addr,
		                   .ha = c->ha,
		                   .fa = c->via_fa ? c->fa : (struct in_addr){ 0 },
		                   .coa = !c->via_fa  ? c->ix.addr
		                          : c->has_fa ? c->coa
		                                      : (struct in_addr){ 0 },
		                   .why = why,
		                   .code = code,
		                   .reason = reason,
		                   .attempts = ++c->attempts };
	uint64_t d;
	unsigned shift = c->attempts < 20 ? c->attempts : 20;

	memcpy(f.mac, c->mac, PROXY_MAC_LEN);
	proxy_timer_clear(px, c);
	proxy_failure_raise(px, &f);
	if (c->dereg) {
		if (c->via_fa) {
			proxy_cl_free(px, c);
		} else {
			c->registered = false;
			c->state = PROXY_CS_AT_HOME;
		}
		return;
	}
	d = (uint64_t)px->cfg.retransmit_initial_ms << shift;
	c->state = PROXY_CS_BACKOFF;
	proxy_timer_set(px, c,
	                proxy_now_ms(px) + (d < PROXY_BACKOFF_MAX_MS ? d : PROXY_BACKOFF_MAX_MS));
}

void
proxy_cl_transmit(struct proxy *px, struct proxy_client *c)
{
	struct replay_peer *rp = replay_table_get(px->ha_replay, c->ha, NULL, true);
	uint64_t now = proxy_now_ms(px);
	uint64_t id = mip_replay_ts_next_id(proxy_ntp_now(px), rp != NULL ? rp->offset_s : 0,
	                                    c->has_last_id ? &c->last_id : NULL);
	struct mip_rrq q = { .hoa = c->ix.addr, .ha = c->ha, .id = id };
	uint8_t msg[PROXY_MSG_LEN];
	struct mip_builder b;
	int rc;

	/* Replies are matched by the low 32 bits: keep them distinct within an attempt. */
	for (unsigned i = 0; i < c->sends; i++)
		if (mip_replay_low(c->ids[i]) == mip_replay_low(id)) {
			id++;
			i = (unsigned)-1;
		}
	q.id = id;
	if (c->dereg) {
		q.coa = c->via_fa ? c->coa : c->ix.addr;
		q.flags = c->via_fa ? c->flags : 0;
	} else {
		q.coa = c->coa;
		q.flags = c->flags;
		q.lifetime = c->req_lifetime;
	}
	mip_builder_init(&b, msg, sizeof(msg));
	mip_build_rrq(&b, &q);
	if (c->nai[0] != '\0') /* RFC 2794: before the MHAE, which covers it */
		mip_build_nai(&b, c->nai, strlen(c->nai));
	mip_build_auth(&b, MIP_EXT_MHAE, c->sa->spi, c->sa->key);
	if (mip_builder_error(&b) != 0) {
		proxy_cl_fail(px, c, PROXY_FAIL_SEND, 0, "request could not be built");
		return;
	}
	c->ids[c->sends] = id;
	c->sent_ms[c->sends] = now;
	c->sends++;
	if (c->sends > 1)
		px->cnt.retransmissions++;
	else if (!c->dereg)
		px->cnt.requests_sent++;
	else if (c->via_fa)
		px->cnt.deregistrations_sent++;
	else
		px->cnt.home_deregistrations_sent++;
	if (c->via_fa) {
		struct proxy_udp_frame f = { .src = c->ix.addr,
			                     .dst = c->fa,
			                     .sport = MIP_UDP_PORT,
			                     .dport = MIP_UDP_PORT };

		memcpy(f.src_mac, c->mac, PROXY_MAC_LEN);
		memcpy(f.dst_mac, c->fa_mac, PROXY_MAC_LEN);
		rc = proxy_frame_build_udp(px->tx, sizeof(px->tx), &f, msg, b.len);
		if (rc > 0)
			(void)proxy_send_fa(px, px->tx, (size_t)rc);
	} else {
		(void)proxy_send_ha(px, c->ha, msg, b.len);
	}
	/* A send error is retried like a lost datagram. */
	proxy_timer_set(px, c, now + ((uint64_t)px->cfg.retransmit_initial_ms << (c->sends - 1)));
}

/* Start sending the request of the current attempt (SA in hand). */
static void
cl_send_new(struct proxy *px, struct proxy_client *c)
{
	c->sends = 0;
	if (c->dereg) {
		c->state = c->via_fa ? PROXY_CS_DEREGISTERING : PROXY_CS_HOME_DEREG;
	} else {
		uint16_t lt = c->fa_max_lifetime != 0 ? c->fa_max_lifetime : 1800;

		if (px->cfg.requested_lifetime != 0 && px->cfg.requested_lifetime < lt)
			lt = px->cfg.requested_lifetime;
		if (c->max_lifetime != 0 && c->max_lifetime < lt)
			lt = c->max_lifetime;
		c->req_lifetime = lt;
		c->flags = 0;
		if ((px->cfg.tunnel_reverse && (c->fa_flags & MIP_ADV_F_T)) || c->force_t)
			c->flags |= MIP_RRQ_F_T;
		if (px->cfg.tunnel_gre && (c->fa_flags & MIP_ADV_F_G))
			c->flags |= MIP_RRQ_F_G;
		c->state = PROXY_CS_REGISTERING;
	}
	proxy_cl_transmit(px, c);
}

static void
cl_ks_result(struct proxy *px, struct proxy_client *c, enum ks_result res, struct mip_sa *sa)
{
	if (res == KS_FOUND && sa != NULL) {
		c->sa = mip_sa_ref(sa);
		cl_send_new(px, c);
		return;
	}
	if (res == KS_NOT_FOUND) {
		px->cnt.ks_not_found++;
		proxy_cl_fail(px, c, PROXY_FAIL_NO_SA, 0, "no mobile-node security association");
	} else if (res == KS_REJECTED) {
		px->cnt.ks_not_found++;
		proxy_cl_fail(px, c, PROXY_FAIL_REJECTED, 0, "the key store rejected the client");
	} else {
		px->cnt.ks_errors++;
		proxy_cl_fail(px, c, PROXY_FAIL_KS_ERROR, 0, "the key store could not answer");
	}
}

static void
cl_ks_done(enum ks_result res, struct mip_sa *sa, void *arg)
{
	struct proxy_client *c = arg;

	c->ksh = NULL;
	cl_ks_result(c->px, c, res, sa);
}

/* Get the client's MN-HA SA (a deregistration reuses the one it has), then send. */
void
proxy_cl_lookup(struct proxy *px, struct proxy_client *c)
{
	struct ks_query q = { .entity = SA_ENTITY_MOBILE_NODE, .addr = c->ix.addr };
	const char *nai;

	if (c->dereg && c->sa != NULL) { /* with the NAI its SA was found by */
		cl_send_new(px, c);
		return;
	}
	mip_sa_unref(c->sa);
	c->sa = NULL;
	/* A client-nai client: the request carries the NAI, and the SA is looked up by it
	 * (sa_table_lookup prefers an NAI match over the home address). */
	nai = proxy_nai_of(px, c->mac);
	snprintf(c->nai, sizeof(c->nai), "%s", nai != NULL ? nai : "");
	snprintf(q.nai, sizeof(q.nai), "%s", c->nai);
	if (px->env.ks_chain == NULL) {
		cl_ks_result(px, c, KS_NOT_FOUND, NULL);
		return;
	}
	if (ks_chain_lookup(px->env.ks_chain, &q, cl_ks_done, c, &c->ksh) < 0) {
		c->ksh = NULL;
		cl_ks_result(px, c, KS_ERROR, NULL);
	}
}

/* --- replies --- */

static void
cl_accepted(struct proxy *px, struct proxy_client *c, const struct mip_rrp *r, unsigned idx)
{
	char a[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN], f[INET_ADDRSTRLEN];
	uint64_t sent = c->sent_ms[idx];

	proxy_timer_clear(px, c);
	c->has_last_id = true;
	c->last_id = c->ids[idx];
	if (c->dereg) {
		log_info(LOG_SS_PROXY, "deregistered %s at home agent %s%s%s",
		         cl_ntop(c->ix.addr, a), cl_ntop(c->ha, h),
		         c->via_fa ? " through foreign agent " : "",
		         c->via_fa ? cl_ntop(c->fa, f) : "");
		if (c->via_fa) {
			proxy_cl_free(px, c);
		} else {
			c->registered = false;
			c->attempts = 0;
			c->state = PROXY_CS_AT_HOME;
		}
		return;
	}
	if (r->lifetime == 0) {
		proxy_cl_fail(px, c, PROXY_FAIL_DENIED, r->code, "accepted with lifetime 0");
		return;
	}
	px->cnt.replies_accepted++;
	c->attempts = 0;
	c->registered = true;
	c->lifetime = r->lifetime;
	c->heard = false;
	c->probes = 0;
	c->state = PROXY_CS_REGISTERED;
	if (r->lifetime == 0xffff) {
		c->bound_until_ms = UINT64_MAX;
		c->rereg_at_ms = 0;
	} else {
		c->bound_until_ms = sent + (uint64_t)r->lifetime * 1000;
		c->rereg_at_ms = sent + (uint64_t)r->lifetime * 10 * px->cfg.reregister_pct;
		proxy_timer_set(px, c, c->rereg_at_ms);
	}
	log_info(LOG_SS_PROXY,
	         "registered %s (%02x:%02x:%02x:%02x:%02x:%02x) with home agent %s through "
	         "foreign agent %s: code %u, lifetime %u s",
	         cl_ntop(c->ix.addr, a), c->mac[0], c->mac[1], c->mac[2], c->mac[3], c->mac[4],
	         c->mac[5], cl_ntop(c->ha, h), cl_ntop(c->fa, f), r->code, r->lifetime);
	proxy_cl_announce(px, c);
}

/* Resend at once after a 133, 69 or 75/138 that the next request can cure. */
static bool
cl_retry_now(struct proxy *px, struct proxy_client *c)
{
	if (c->retries >= PROXY_RETRY_AT_ONCE)
		return false;
	c->retries++;
	proxy_timer_clear(px, c);
	cl_send_new(px, c);
	return true;
}

static bool
cl_awaiting(const struct proxy_client *c)
{
	return (c->state == PROXY_CS_REGISTERING || c->state == PROXY_CS_DEREGISTERING ||
	        c->state == PROXY_CS_HOME_DEREG) &&
	       c->sends > 0 && c->ksh == NULL;
}

void
proxy_reply_input(struct proxy *px, const uint8_t *msg, size_t len, struct in_addr src,
                  uint16_t sport, bool via_fa, const uint8_t *dst_mac)
{
	char a[INET_ADDRSTRLEN];
	struct mip_msg m;
	struct proxy_client *c;
	unsigned idx;
	uint8_t code;

	px->cnt.replies_received++;
	if (mip_msg_decode(msg, len, 0, &m, NULL) != MIP_OK || m.type != MIP_MSG_RRP) {
		px->cnt.replies_malformed++;
		log_rl(&px->rl, LOG_SS_PROXY, LOG_INFO, "malformed reply from %s dropped",
		       cl_ntop(src, a));
		return;
	}
	c = proxy_client_by_hoa(px, m.rrp.hoa);
	if (c == NULL || !cl_awaiting(c) || c->via_fa != via_fa) {
		px->cnt.replies_unmatched++;
		return;
	}
	if (sport != MIP_UDP_PORT ||
	    (via_fa ? src.s_addr != c->fa.s_addr || memcmp(dst_mac, c->mac, PROXY_MAC_LEN) != 0
	            : src.s_addr != c->ha.s_addr)) {
		px->cnt.replies_bad_source++;
		log_rl(&px->rl, LOG_SS_PROXY, LOG_NOTICE, "reply for %s from unexpected %s dropped",
		       cl_ntop(c->ix.addr, a), inet_ntoa(src));
		return;
	}
	for (idx = 0; idx < c->sends; idx++)
		if (mip_replay_low_matches(c->ids[idx], m.rrp.id))
			break;
	if (idx == c->sends) {
		px->cnt.replies_unmatched++;
		return;
	}
	code = m.rrp.code;
	if (!(via_fa && code >= 64 && code <= 127)) {
		int i = m.mhae_idx;

		if (i < 0 || m.ext[i].auth.spi != c->sa->spi ||
		    !mip_msg_auth_verify(&m, (size_t)i, c->sa->key)) {
			px->cnt.replies_bad_auth++;
			c->unauth_code = code;
			log_rl(&px->rl, LOG_SS_PROXY, LOG_NOTICE,
			       "reply for %s (code %u) dropped: Mobile-Home authenticator %s",
			       cl_ntop(c->ix.addr, a), code, i < 0 ? "missing" : "does not verify");
			return;
		}
	}
	c->last_code = code;
	if (mip_code_is_success(code)) {
		cl_accepted(px, c, &m.rrp, idx);
		return;
	}
	px->denials[code]++;
	if (code == MIP_CODE_HA_ID_MISMATCH) {
		struct replay_peer *rp = replay_table_get(px->ha_replay, c->ha, NULL, true);

		px->cnt.replies_resync++;
		if (rp != NULL)
			rp->offset_s = mip_replay_ts_offset(m.rrp.id, proxy_ntp_now(px));
		if (cl_retry_now(px, c))
			return;
	} else if (code == MIP_CODE_FA_LIFETIME_TOO_LONG && !c->dereg) {
		px->cnt.replies_lifetime++;
		c->max_lifetime =
		        m.rrp.lifetime != 0 && m.rrp.lifetime < c->req_lifetime
		                ? m.rrp.lifetime
		                : (uint16_t)(c->req_lifetime / 2 ? c->req_lifetime / 2 : 1);
		if (cl_retry_now(px, c))
			return;
	} else if ((code == MIP_CODE_FA_RT_MANDATORY || code == MIP_CODE_HA_RT_MANDATORY) &&
	           !c->dereg && !c->force_t) {
		c->force_t = true;
		if (cl_retry_now(px, c))
			return;
	}
	px->cnt.replies_denied++;
	proxy_cl_fail(px, c, PROXY_FAIL_DENIED, code, mip_code_descr(code));
}
