/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fa_adv.c - foreign agent advertisements (RFC 5944 section 2, RFC 1256).
 *
 * Each FA interface registers its part with the shared sender of agent_adv.c, which owns
 * the timer, the sequence number and the solicitation rate limit of the interface (see
 * agent_adv.h for the timing and for the merge with a home agent on the same interface).
 *
 * The FA's part: the care-of address as router address (preference 0) and as the one
 * care-of address, the configured advertisement lifetime and interval, the maximum
 * registration lifetime (0xffff when unlimited), and the flags F always, R, B, G, X from the
 * configuration, T when reverse tunnelling is offered and the tunnel back end can do it,
 * M when minimal-encapsulation is configured and the back end supports it; never H (a home
 * agent on the same interface adds it to the shared advertisement).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fa_int.h"
#include "mip_adv.h"

/* Flags of the mobility agent advertisement extension. */
static uint16_t
fa_adv_flags(const struct fa *fa)
{
	uint16_t f = MIP_ADV_F_F;

	if (fa->cfg.reg_required)
		f |= MIP_ADV_F_R;
	if (fa->cfg.busy)
		f |= MIP_ADV_F_B;
	if (fa->cfg.gre && (fa->tun_caps & TUN_CAP_GRE))
		f |= MIP_ADV_F_G;
	if (fa->cfg.minimal_encap && (fa->tun_caps & TUN_CAP_MINIMAL))
		f |= MIP_ADV_F_M;
	if (fa->cfg.reverse_tunnel != FA_RT_NONE && (fa->tun_caps & TUN_CAP_REVERSE))
		f |= MIP_ADV_F_T;
	if (fa->cfg.revocation)
		f |= MIP_ADV_F_X;
	return f;
}

static void
fa_adv_part(const struct fa *fa, const struct fa_if *fi, struct agent_adv_part *p)
{
	memset(p, 0, sizeof(*p));
	p->flags = fa_adv_flags(fa);
	p->router = fi->coa;
	p->n_coa = 1;
	p->coa[0] = fi->coa;
	p->reg_lifetime = fa->cfg.max_reg_lifetime != 0 ? fa->cfg.max_reg_lifetime : 0xffff;
	p->interval_s = fi->adv_interval_s;
	p->lifetime_s = fi->adv_lifetime_s;
}

static unsigned
fa_adv_ifindex(void *arg, const char *ifname)
{
	struct fa_if *fi = arg;

	return fa_if_resolve(fi->fa, fi);
}

static int
fa_adv_send(void *arg, unsigned ifindex, struct in_addr from, struct in_addr to,
            const uint8_t *icmp, size_t len)
{
	struct fa_if *fi = arg;

	return fa_send_adv(fi->fa, ifindex, from, to, icmp, len);
}

static void
fa_adv_sent(void *arg, int rc)
{
	struct fa_if *fi = arg;
	struct fa *fa = fi->fa;

	if (rc == 0) {
		fa->cnt.advertisements_sent++;
		return;
	}
	fa->cnt.send_errors++;
	log_rl(&fa->rl, LOG_SS_FA, LOG_WARNING, "%s: advertisement: %s", fi->name, strerror(-rc));
}

static const struct agent_adv_ops fa_adv_ops = {
	.ifindex = fa_adv_ifindex,
	.send = fa_adv_send,
	.sent = fa_adv_sent,
};

int
fa_adv_init(struct fa *fa, struct fa_if *fi)
{
	struct agent_adv_part p;

	fa_adv_part(fa, fi, &p);
	fi->adv = agent_adv_add(fa->env.loop, fi->name, &p, &fa_adv_ops, fi);
	return fi->adv != NULL ? 0 : -ENOMEM;
}

void
fa_adv_refresh(struct fa *fa)
{
	for (size_t i = 0; i < fa->n_ifs; i++) {
		struct agent_adv_part p;

		fa_adv_part(fa, &fa->ifs[i], &p);
		agent_adv_update(fa->ifs[i].adv, &p);
	}
}

void
fa_adv_fini(struct fa_if *fi)
{
	agent_adv_del(fi->adv);
	fi->adv = NULL;
}

int
fa_advertise(struct fa *fa, const char *ifname)
{
	for (size_t i = 0; i < fa->n_ifs; i++) {
		struct fa_if *fi = &fa->ifs[i];

		if (strcmp(fi->name, ifname) == 0)
			return agent_adv_now(fi->adv);
	}
	return -ENOENT;
}

void
fa_icmp_input(struct fa *fa, const uint8_t *icmp, size_t len, struct in_addr dst, unsigned ifindex)
{
	struct fa_if *fi = fa_if_by_index(fa, ifindex);

	if (fi == NULL)
		return; /* not an FA interface: not ours to answer */
	if (mip_adv_sol_decode(icmp, len) != MIP_ADV_OK) {
		fa->cnt.solicitations_bad++;
		return;
	}
	fa->cnt.solicitations_received++;
	if (agent_adv_solicited(fi->adv, dst) == AGENT_ADV_SOL_DEFERRED)
		fa->cnt.solicitations_rate_limited++;
}
