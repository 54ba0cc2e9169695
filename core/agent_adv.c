/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * agent_adv.c - agent advertisements shared by the home and the foreign agent: the merge of
 * the roles' parts into one advertisement, and the per-interface registry with its timer,
 * sequence number and solicitation rate limit (RFC 5944 section 2, RFC 1256).
 *
 * The registry is a short list of interfaces, each with the sources registered there. It
 * lives in the loop thread like everything the roles touch, so it needs no lock; an
 * interface is keyed by (event loop, name), so unit tests with several loops stay apart.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_adv.h"
#include "ev.h"

/** struct agent_adv_if - one advertising interface and its shared state. */
struct agent_adv_if {
	struct agent_adv_if *next;
	struct ev_loop *loop;
	char name[IF_NAMESIZE];
	struct agent_adv_src *srcs; /* in registration order; the first one answers */
	size_t n_srcs;
	unsigned ifindex;     /* last resolved, 0 when absent */
	uint16_t seq;         /* sequence number of the next advertisement */
	uint64_t last_adv_ms; /* monotonic time of the last advertisement, 0 for none */
	struct ev_timer *timer;
};

/** struct agent_adv_src - one role's registration on one interface. */
struct agent_adv_src {
	struct agent_adv_src *next;
	struct agent_adv_if *aif;
	struct agent_adv_part part;
	const struct agent_adv_ops *ops;
	void *arg;
};

static struct agent_adv_if *agent_adv_ifs;

/* --- the merge (pure) --- */

static bool
agent_adv_in_prefix(struct in_addr a, struct in_addr net, uint8_t len)
{
	uint32_t mask = len != 0 ? ~0u << (32 - len) : 0;

	return ((ntohl(a.s_addr) ^ ntohl(net.s_addr)) & mask) == 0;
}

/* Prefix length for router address @a from the parts, or -1 when none is known. */
static int
agent_adv_prefix_of(const struct agent_adv_part *parts, size_t n, struct in_addr a)
{
	for (size_t i = 0; i < n; i++)
		if (parts[i].has_prefix && parts[i].router.s_addr == a.s_addr)
			return parts[i].prefix_len;
	for (size_t i = 0; i < n; i++)
		if (parts[i].has_prefix && parts[i].router.s_addr != INADDR_ANY &&
		    agent_adv_in_prefix(a, parts[i].router, parts[i].prefix_len))
			return parts[i].prefix_len;
	return -1;
}

static void
agent_adv_add_router(struct mip_adv *a, const struct agent_adv_part *parts, size_t n,
                     struct in_addr r, bool any_prefix)
{
	int plen;

	if (r.s_addr == INADDR_ANY)
		return;
	for (unsigned i = 0; i < a->num_routers; i++)
		if (a->routers[i].addr.s_addr == r.s_addr)
			return;
	plen = agent_adv_prefix_of(parts, n, r);
	if (any_prefix && plen < 0)
		return; /* no length to give: not listed as a router (still a care-of address) */
	a->routers[a->num_routers].addr = r;
	a->prefix_len[a->num_routers] = plen < 0 ? 0 : (uint8_t)plen;
	a->num_routers++;
}

enum mip_adv_err
agent_adv_build(const struct agent_adv_part *parts, size_t n, uint16_t seq, uint8_t *buf,
                size_t cap, size_t *outlen, struct in_addr *src)
{
	struct mip_adv a;
	bool any_prefix = false;

	if (parts == NULL || n == 0 || n > AGENT_ADV_PARTS_MAX)
		return MIP_ADV_ERR_INVAL;
	memset(&a, 0, sizeof(a));
	a.code = MIP_ADV_CODE_ROUTER;
	a.seq = seq;
	for (size_t i = 0; i < n; i++) {
		const struct agent_adv_part *p = &parts[i];

		any_prefix |= p->has_prefix && p->router.s_addr != INADDR_ANY;
		a.flags |= p->flags;
		if (p->lifetime_s > a.lifetime)
			a.lifetime = p->lifetime_s;
		if (p->reg_lifetime != 0 &&
		    (a.reg_lifetime == 0 || p->reg_lifetime < a.reg_lifetime))
			a.reg_lifetime = p->reg_lifetime;
		for (unsigned j = 0; j < p->n_coa && j < AGENT_ADV_COA_MAX; j++) {
			bool dup = false;

			for (unsigned k = 0; k < a.num_coa; k++)
				dup |= a.coa[k].s_addr == p->coa[j].s_addr;
			if (dup)
				continue;
			if (a.num_coa >= MIP_ADV_MAX_COA)
				return MIP_ADV_ERR_INVAL;
			a.coa[a.num_coa++] = p->coa[j];
		}
	}
	/* Home agents' router addresses first: the IP source names the home agent. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if (((parts[i].flags & MIP_ADV_F_H) != 0) == (pass == 0))
				agent_adv_add_router(&a, parts, n, parts[i].router, any_prefix);
	a.has_prefix_lens = any_prefix && a.num_routers != 0;
	if (a.num_routers == 0 && a.num_coa == 0)
		return MIP_ADV_ERR_INVAL;
	if (src != NULL)
		*src = a.num_routers != 0 ? a.routers[0].addr : a.coa[0];
	return mip_adv_encode(&a, buf, cap, outlen);
}

/* --- the registry --- */

static size_t
agent_adv_parts(const struct agent_adv_if *aif, struct agent_adv_part *out)
{
	size_t n = 0;

	for (const struct agent_adv_src *s = aif->srcs; s != NULL; s = s->next)
		out[n++] = s->part;
	return n;
}

/* Resolve the interface through every source (each joins what its role needs). */
static unsigned
agent_adv_resolve(struct agent_adv_if *aif)
{
	unsigned idx = 0;

	for (struct agent_adv_src *s = aif->srcs; s != NULL; s = s->next) {
		unsigned i = s->ops->ifindex(s->arg, aif->name);

		if (idx == 0)
			idx = i;
	}
	aif->ifindex = idx;
	return idx;
}

/* Build and send one advertisement on @aif to @to; advances the sequence number. */
static int
agent_adv_send(struct agent_adv_if *aif, struct in_addr to)
{
	struct agent_adv_part parts[AGENT_ADV_PARTS_MAX];
	uint8_t buf[AGENT_ADV_BUF_MAX];
	struct in_addr from;
	size_t n = agent_adv_parts(aif, parts), len;
	int rc;

	if (aif->ifindex == 0)
		return -ENOENT;
	if (agent_adv_build(parts, n, aif->seq, buf, sizeof(buf), &len, &from) != MIP_ADV_OK)
		return -EINVAL;
	rc = aif->srcs->ops->send(aif->srcs->arg, aif->ifindex, from, to, buf, len);
	if (rc == 0) {
		aif->seq = mip_adv_seq_next(aif->seq);
		aif->last_adv_ms = ev_now_ms();
	}
	for (struct agent_adv_src *s = aif->srcs; s != NULL; s = s->next)
		if (s->ops->sent != NULL)
			s->ops->sent(s->arg, rc);
	return rc;
}

static uint16_t
agent_adv_interval_s(const struct agent_adv_if *aif)
{
	uint16_t iv = 0;

	for (const struct agent_adv_src *s = aif->srcs; s != NULL; s = s->next) {
		uint16_t v = s->part.interval_s != 0 ? s->part.interval_s : 1;

		if (iv == 0 || v < iv)
			iv = v;
	}
	return iv != 0 ? iv : 1;
}

/* Arm the periodic timer: the mean interval with +-25 % uniform jitter. */
static void
agent_adv_schedule(struct agent_adv_if *aif)
{
	uint64_t mean = (uint64_t)agent_adv_interval_s(aif) * 1000;
	uint64_t jitter = (uint64_t)random() % (mean / 2 + 1);

	ev_timer_arm(aif->timer, mean - mean / 4 + jitter);
}

static void
agent_adv_fire(void *arg)
{
	struct agent_adv_if *aif = arg;
	struct in_addr all_systems = { htonl(INADDR_ALLHOSTS_GROUP) };

	if (agent_adv_resolve(aif) != 0)
		agent_adv_send(aif, all_systems);
	agent_adv_schedule(aif);
}

static struct agent_adv_if *
agent_adv_if_get(struct ev_loop *loop, const char *ifname)
{
	struct agent_adv_if *aif;

	for (aif = agent_adv_ifs; aif != NULL; aif = aif->next)
		if (aif->loop == loop && strcmp(aif->name, ifname) == 0)
			return aif;
	aif = calloc(1, sizeof(*aif));
	if (aif == NULL)
		return NULL;
	aif->timer = ev_timer_new(loop, agent_adv_fire, aif);
	if (aif->timer == NULL) {
		free(aif);
		return NULL;
	}
	aif->loop = loop;
	snprintf(aif->name, sizeof(aif->name), "%s", ifname);
	aif->next = agent_adv_ifs;
	agent_adv_ifs = aif;
	return aif;
}

static void
agent_adv_if_put(struct agent_adv_if *aif)
{
	struct agent_adv_if **pp;

	if (aif->n_srcs != 0)
		return;
	for (pp = &agent_adv_ifs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == aif) {
			*pp = aif->next;
			break;
		}
	}
	ev_timer_free(aif->timer);
	free(aif);
}

struct agent_adv_src *
agent_adv_add(struct ev_loop *loop, const char *ifname, const struct agent_adv_part *part,
              const struct agent_adv_ops *ops, void *arg)
{
	struct agent_adv_if *aif = agent_adv_if_get(loop, ifname);
	struct agent_adv_src *s, **pp;
	bool first;

	if (aif == NULL)
		return NULL;
	first = aif->n_srcs == 0;
	if (aif->n_srcs >= AGENT_ADV_PARTS_MAX || (s = calloc(1, sizeof(*s))) == NULL) {
		agent_adv_if_put(aif);
		return NULL;
	}
	s->aif = aif;
	s->part = *part;
	s->ops = ops;
	s->arg = arg;
	for (pp = &aif->srcs; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = s;
	aif->n_srcs++;
	agent_adv_resolve(aif);
	if (first) {
		/* The first advertisement leaves within a second (or the interval if shorter). */
		uint64_t w = (uint64_t)agent_adv_interval_s(aif) * 1000;

		ev_timer_arm(aif->timer, (uint64_t)random() % ((w > 1000 ? 1000 : w) + 1));
	}
	return s;
}

void
agent_adv_del(struct agent_adv_src *src)
{
	struct agent_adv_if *aif;
	struct agent_adv_src **pp;

	if (src == NULL)
		return;
	aif = src->aif;
	for (pp = &aif->srcs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == src) {
			*pp = src->next;
			aif->n_srcs--;
			break;
		}
	}
	free(src);
	agent_adv_if_put(aif);
}

void
agent_adv_update(struct agent_adv_src *src, const struct agent_adv_part *part)
{
	src->part = *part;
}

int
agent_adv_now(struct agent_adv_src *src)
{
	struct agent_adv_if *aif = src->aif;
	struct in_addr all_systems = { htonl(INADDR_ALLHOSTS_GROUP) };
	int rc;

	if (agent_adv_resolve(aif) == 0)
		return -ENOENT;
	rc = agent_adv_send(aif, all_systems);
	agent_adv_schedule(aif);
	return rc;
}

enum agent_adv_sol
agent_adv_solicited(struct agent_adv_src *src, struct in_addr dst)
{
	struct agent_adv_if *aif = src->aif;
	struct in_addr to = { htonl(INADDR_ALLHOSTS_GROUP) };
	uint64_t now = ev_now_ms(), due;

	if (aif->srcs != src)
		return AGENT_ADV_SOL_OTHER;
	if (aif->last_adv_ms == 0 || now >= aif->last_adv_ms + AGENT_ADV_SOL_GAP) {
		if (dst.s_addr == htonl(INADDR_BROADCAST))
			to = dst;
		agent_adv_send(aif, to);
		agent_adv_schedule(aif);
		return AGENT_ADV_SOL_ANSWERED;
	}
	due = aif->last_adv_ms + AGENT_ADV_SOL_GAP - now;
	if (!ev_timer_pending(aif->timer) || ev_timer_remaining_ms(aif->timer) > due)
		ev_timer_arm(aif->timer, due);
	return AGENT_ADV_SOL_DEFERRED;
}

unsigned
agent_adv_ifindex(const struct agent_adv_src *src)
{
	return src->aif->ifindex;
}

uint16_t
agent_adv_seq(const struct agent_adv_src *src)
{
	return src->aif->seq;
}
