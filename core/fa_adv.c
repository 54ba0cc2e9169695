/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fa_adv.c - foreign agent advertisements (RFC 5944 section 2, RFC 1256).
 *
 * Each FA interface has its own timer and sequence number. Unsolicited
 * advertisements go to 224.0.0.1 at the configured mean interval with a
 * uniform jitter of +-25 %; the first one leaves within a second of start.
 * A solicitation is answered at once when the interface's last advertisement
 * is at least a second old; otherwise the periodic timer is brought forward
 * to one second after that advertisement, so an interface sends at most one
 * advertisement per second however many solicitations arrive.
 *
 * Contents: ICMP code 0 with the care-of address as the one router address
 * (preference 0) and the configured advertisement lifetime; a mobility agent
 * extension with the sequence number (0 after start, then +1, 0xffff wraps
 * to 256), the maximum registration lifetime (0xffff when unlimited), the
 * flags F always, R, B, G, T, X from the configuration (T only when the
 * tunnel back end can reverse-tunnel), never H or M (this role is not a home
 * agent and minimal encapsulation is not offered), and the care-of address.
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
	if (fa->cfg.gre)
		f |= MIP_ADV_F_G;
	if (fa->cfg.reverse_tunnel != FA_RT_NONE && fa->tun_ops != NULL &&
	    fa->tun_ops->reverse_add != NULL)
		f |= MIP_ADV_F_T;
	if (fa->cfg.revocation)
		f |= MIP_ADV_F_X;
	return f;
}

/* Build and send one advertisement on @fi to @to; advances the sequence number. */
static int
fa_adv_send(struct fa *fa, struct fa_if *fi, struct in_addr to)
{
	struct mip_adv a;
	uint8_t buf[64];
	size_t len;
	int rc;

	if (fi->ifindex == 0)
		return -ENOENT;
	memset(&a, 0, sizeof(a));
	a.code = MIP_ADV_CODE_ROUTER;
	a.lifetime = fi->adv_lifetime_s;
	a.num_routers = 1;
	a.routers[0].addr = fi->coa;
	a.seq = fi->seq;
	a.reg_lifetime = fa->cfg.max_reg_lifetime != 0 ? fa->cfg.max_reg_lifetime : 0xffff;
	a.flags = fa_adv_flags(fa);
	a.num_coa = 1;
	a.coa[0] = fi->coa;
	if (mip_adv_encode(&a, buf, sizeof(buf), &len) != MIP_ADV_OK)
		return -EINVAL;
	rc = fa_send_adv(fa, fi, to, buf, len);
	if (rc < 0) {
		fa->cnt.send_errors++;
		log_rl(&fa->rl, LOG_SS_FA, LOG_WARNING, "%s: advertisement: %s", fi->name,
		       strerror(-rc));
		return rc;
	}
	fi->seq = mip_adv_seq_next(fi->seq);
	fi->last_adv_ms = ev_now_ms();
	fa->cnt.advertisements_sent++;
	return 0;
}

/* Arm the periodic timer: the mean interval with +-25 % uniform jitter. */
static void
fa_adv_schedule(struct fa_if *fi)
{
	uint64_t mean = (uint64_t)fi->adv_interval_s * 1000;
	uint64_t jitter = mean / 2 != 0 ? (uint64_t)random() % (mean / 2 + 1) : 0;

	ev_timer_arm(fi->adv_timer, mean - mean / 4 + jitter);
}

static void
fa_adv_fire(void *arg)
{
	struct fa_if *fi = arg;
	struct in_addr all_systems = { htonl(INADDR_ALLHOSTS_GROUP) };

	if (fa_if_resolve(fi->fa, fi) != 0)
		fa_adv_send(fi->fa, fi, all_systems);
	fa_adv_schedule(fi);
}

int
fa_adv_init(struct fa *fa, struct fa_if *fi)
{
	uint64_t first = (uint64_t)fi->adv_interval_s * 1000;

	fi->adv_timer = ev_timer_new(fa->env.loop, fa_adv_fire, fi);
	if (fi->adv_timer == NULL)
		return -ENOMEM;
	fa_if_resolve(fa, fi);
	if (first > 1000)
		first = 1000;
	ev_timer_arm(fi->adv_timer, (uint64_t)random() % (first + 1));
	return 0;
}

void
fa_adv_fini(struct fa_if *fi)
{
	ev_timer_free(fi->adv_timer);
	fi->adv_timer = NULL;
}

int
fa_advertise(struct fa *fa, const char *ifname)
{
	struct in_addr all_systems = { htonl(INADDR_ALLHOSTS_GROUP) };

	for (size_t i = 0; i < fa->n_ifs; i++) {
		struct fa_if *fi = &fa->ifs[i];
		int rc;

		if (strcmp(fi->name, ifname) != 0)
			continue;
		if (fa_if_resolve(fa, fi) == 0)
			return -ENOENT;
		rc = fa_adv_send(fa, fi, all_systems);
		fa_adv_schedule(fi);
		return rc;
	}
	return -ENOENT;
}

void
fa_icmp_input(struct fa *fa, const uint8_t *icmp, size_t len, struct in_addr dst, unsigned ifindex)
{
	struct fa_if *fi = fa_if_by_index(fa, ifindex);
	struct in_addr to = { htonl(INADDR_ALLHOSTS_GROUP) };
	uint64_t now = ev_now_ms(), due;

	if (fi == NULL)
		return; /* not an FA interface: not ours to answer */
	if (mip_adv_sol_decode(icmp, len) != MIP_ADV_OK) {
		fa->cnt.solicitations_bad++;
		return;
	}
	fa->cnt.solicitations_received++;
	if (fi->last_adv_ms == 0 || now >= fi->last_adv_ms + FA_SOL_MIN_GAP_MS) {
		if (dst.s_addr == htonl(INADDR_BROADCAST))
			to = dst;
		fa_adv_send(fa, fi, to);
		fa_adv_schedule(fi);
		return;
	}
	fa->cnt.solicitations_rate_limited++;
	due = fi->last_adv_ms + FA_SOL_MIN_GAP_MS - now;
	if (!ev_timer_pending(fi->adv_timer) || ev_timer_remaining_ms(fi->adv_timer) > due)
		ev_timer_arm(fi->adv_timer, due);
}
