/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tunnel_userspace.c - tunnel-userspace plugin: struct tun_ops over a TUN device and raw sockets.
 *
 * DOC: tunnel-userspace
 *
 * The test kernel has no ipip or gre devices, so this back end tunnels in
 * userspace. Routes send inner packets into one TUN device per instance;
 * a forwarding thread reads them, finds the tunnel by the longest route
 * prefix (or the source, for reverse tunnelling), encapsulates in place and
 * sends through a raw IP socket; encapsulated packets from a known peer are
 * decapsulated and written back to the TUN device, for the kernel to route.
 *
 *   tunnel_userspace.c  the ops and the descriptor; kernel state of routes,
 *                       reverse entries and tunnels, with rollback
 *   tun_fwd.c           the forwarding thread and its tables and counters
 *   tun_encap.c         pure IP-in-IP, GRE and minimal codecs (unit-tested)
 *   tun_dev.c           the TUN device
 *   tun_netlink.c       routes, rules, neighbour and proxy entries (libnl-route-3)
 *   tun_arp.c           proxy ARP (kernel entries or a responder) and gratuitous ARP
 *
 *   core --ops--> [tunnel_userspace.c] --tables--> [tun_fwd.c thread]
 *                        |                           |            |
 *                   tun_netlink.c                 TUN fd    raw sockets 4/47/55
 *                   tun_arp.c (loop)
 *
 * Reverse tunnelling (RFC 3024) uses policy routing: a rule "from HoA
 * [iif IF] lookup TUNU_REV_TABLE" per entry, and a default route into the
 * TUN device in that table, installed with the first entry.
 */
#include <errno.h>
#include <linux/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "plugin.h"
#include "tun_fwd.h"
#include "tun_sys.h"
#include "tunnel.h"

#define TUNU_DEV_NAME  "pmiptun%d"
#define TUNU_DEV_MTU   (1500 - TUNU_MAX_OVERHEAD)
#define TUNU_REV_TABLE 434
#define TUNU_REV_PRIO  434
#define TUNU_GARP_MAX  10

struct tunu {
	struct nl_sock *sk;
	struct tunu_fwd *fwd;
	struct tunu_arp *arp;
	int tun_fd;
	int ifindex;
	char ifname[IF_NAMESIZE];
	bool rev_default; /* default route in TUNU_REV_TABLE installed */
};

static void
seterr(char *errmsg, size_t errlen, const char *fmt, const char *what, int rc)
{
	if (errmsg != NULL && errlen > 0)
		snprintf(errmsg, errlen, fmt, what, strerror(-rc));
}

/* Remove the kernel state behind entry @e (tunu_ent_fn). */
static void
ent_undo(const struct tunu_ent *e, void *arg)
{
	struct tunu *tu = arg;

	switch (e->kind) {
	case TUNU_ENT_ROUTE:
		/* Member routes share one kernel route: it goes with the last of them. */
		if (tunu_fwd_routes(tu->fwd, e->addr, e->plen) == 0)
			tunu_nl_route(tu->sk, tu->ifindex, e->addr, e->plen, 0, false);
		break;
	case TUNU_ENT_LINK:
		tunu_nl_route(tu->sk, e->ifindex, e->addr, 32, 0, false);
		tunu_nl_neigh(tu->sk, e->ifindex, e->addr, e->mac, false, false);
		break;
	case TUNU_ENT_REV:
		tunu_nl_src_rule(tu->sk, e->addr, e->ifname[0] != '\0' ? e->ifname : NULL,
		                 TUNU_REV_TABLE, TUNU_REV_PRIO, false);
		break;
	}
}

/* Make the kernel state behind entry @e; on failure nothing is left behind. */
static int
ent_apply(struct tunu *tu, const struct tunu_ent *e)
{
	int rc;

	switch (e->kind) {
	case TUNU_ENT_ROUTE:
		if (tunu_fwd_routes(tu->fwd, e->addr, e->plen) > 1)
			return 0; /* another member made the kernel route */
		return tunu_nl_route(tu->sk, tu->ifindex, e->addr, e->plen, 0, true);
	case TUNU_ENT_LINK:
		rc = tunu_nl_neigh(tu->sk, e->ifindex, e->addr, e->mac, false, true);
		if (rc == 0) {
			rc = tunu_nl_route(tu->sk, e->ifindex, e->addr, 32, 0, true);
			if (rc < 0)
				tunu_nl_neigh(tu->sk, e->ifindex, e->addr, e->mac, false, false);
		}
		return rc;
	case TUNU_ENT_REV:
		if (!tu->rev_default) {
			rc = tunu_nl_route(tu->sk, tu->ifindex, (struct in_addr){ 0 }, 0,
			                   TUNU_REV_TABLE, true);
			if (rc < 0)
				return rc;
			tu->rev_default = true;
		}
		return tunu_nl_src_rule(tu->sk, e->addr, e->ifname[0] != '\0' ? e->ifname : NULL,
		                        TUNU_REV_TABLE, TUNU_REV_PRIO, true);
	}
	return -EINVAL;
}

/* Record @e in the forwarder, then make its kernel state; undo the record on failure. */
static int
ent_add(struct tunu *tu, const struct tunu_ent *e, const char *what, char *errmsg, size_t errlen)
{
	int rc = tunu_fwd_ent_add(tu->fwd, e);

	if (rc == 0) {
		rc = ent_apply(tu, e);
		if (rc < 0)
			tunu_fwd_ent_del(tu->fwd, e, NULL);
	}
	if (rc < 0)
		seterr(errmsg, errlen, "%s: %s", what, rc);
	return rc;
}

static int
ent_del(struct tunu *tu, const struct tunu_ent *key)
{
	struct tunu_ent old;
	int rc = tunu_fwd_ent_del(tu->fwd, key, &old);

	if (rc == 0)
		ent_undo(&old, tu);
	return rc;
}

static void
tunu_destroy(void *inst)
{
	struct tunu *tu = inst;

	if (tu == NULL)
		return;
	if (tu->fwd != NULL)
		tunu_fwd_drain(tu->fwd, ent_undo, tu);
	tunu_fwd_free(tu->fwd);
	tunu_arp_free(tu->arp);
	if (tu->rev_default)
		tunu_nl_route(tu->sk, tu->ifindex, (struct in_addr){ 0 }, 0, TUNU_REV_TABLE, false);
	if (tu->tun_fd >= 0)
		close(tu->tun_fd); /* the device and its remaining routes go with it */
	tunu_nl_close(tu->sk);
	free(tu);
}

static void *
tunu_create(const struct tun_env *env, char *errmsg, size_t errlen)
{
	struct tunu *tu = calloc(1, sizeof(*tu));
	int rc;

	if (tu == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	tu->tun_fd = -1;
	tu->sk = tunu_nl_open();
	if (tu->sk == NULL) {
		snprintf(errmsg, errlen, "cannot open a netlink socket");
		goto fail;
	}
	rc = tunu_dev_open(TUNU_DEV_NAME, TUNU_DEV_MTU, tu->ifname, &tu->ifindex);
	if (rc < 0) {
		seterr(errmsg, errlen, "%s: %s", "TUN device", rc);
		goto fail;
	}
	tu->tun_fd = rc;
	/*
	 * Decapsulated packets arrive on the TUN device from sources routed
	 * elsewhere; strict reverse-path filtering would drop them.
	 */
	rc = tunu_nl_devconf(tu->sk, tu->ifindex, IPV4_DEVCONF_RP_FILTER, 0, NULL);
	if (rc < 0) {
		seterr(errmsg, errlen, "%s: %s", "rp_filter on the TUN device", rc);
		goto fail;
	}
	tu->fwd = tunu_fwd_new(tu->tun_fd);
	if (tu->fwd == NULL) {
		snprintf(errmsg, errlen, "cannot start forwarding (raw sockets need CAP_NET_RAW)");
		goto fail;
	}
	tu->arp = tunu_arp_new(env->loop, tu->sk);
	if (tu->arp == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		goto fail;
	}
	log_info(LOG_SS_TUNNEL, "tunnel-userspace: forwarding through %s", tu->ifname);
	return tu;
fail:
	tunu_destroy(tu);
	return NULL;
}

static uint32_t
tunu_caps(void *inst)
{
	struct tunu *tu = inst;

	return TUN_CAP_IPIP | TUN_CAP_GRE | TUN_CAP_REVERSE | TUN_CAP_MULTI_ROUTE |
	       (tunu_fwd_has_minimal(tu->fwd) ? TUN_CAP_MINIMAL : 0);
}

static int
tunu_tunnel_add(void *inst, const struct tun_params *p, uint32_t *id, char *errmsg, size_t errlen)
{
	struct tunu *tu = inst;
	struct tunu_tparams tp = {
		.local = p->local,
		.remote = p->remote,
		.ttl = p->ttl,
		.key_present = p->has_key,
		.key = p->key,
	};
	int rc;

	switch (p->encap) {
	case TUN_ENCAP_IPIP:
		tp.encap = TUNU_ENC_IPIP;
		break;
	case TUN_ENCAP_GRE:
		tp.encap = TUNU_ENC_GRE;
		break;
	case TUN_ENCAP_MINIMAL:
		tp.encap = TUNU_ENC_MIN;
		break;
	default:
		snprintf(errmsg, errlen, "unknown encapsulation %d", (int)p->encap);
		return -EOPNOTSUPP;
	}
	if (p->has_key && p->encap != TUN_ENCAP_GRE) {
		snprintf(errmsg, errlen, "a key needs GRE encapsulation");
		return -EOPNOTSUPP;
	}
	if (p->local.s_addr == INADDR_ANY || p->remote.s_addr == INADDR_ANY) {
		snprintf(errmsg, errlen, "tunnel endpoints must be set");
		return -EINVAL;
	}
	rc = tunu_fwd_tunnel_add(tu->fwd, &tp, id);
	if (rc < 0)
		seterr(errmsg, errlen, "%s: %s", "tunnel", rc);
	return rc;
}

static int
tunu_tunnel_del(void *inst, uint32_t id)
{
	struct tunu *tu = inst;

	return tunu_fwd_tunnel_del(tu->fwd, id, ent_undo, tu);
}

/* Fill the forwarder key of route @r; -EINVAL when @r is malformed. */
static int
route_key(const struct tun_route *r, struct tunu_ent *e)
{
	memset(e, 0, sizeof(*e));
	if (r->plen > 32)
		return -EINVAL;
	e->plen = r->plen;
	e->addr.s_addr = r->dst.s_addr & (r->plen == 0 ? 0 : htonl(~0u << (32 - r->plen)));
	if ((r->flags & ~TUN_ROUTE_F_MEMBER) != 0)
		return -EINVAL;
	if (r->kind == TUN_ROUTE_TUNNEL) {
		e->kind = TUNU_ENT_ROUTE;
		e->member = (r->flags & TUN_ROUTE_F_MEMBER) != 0;
		e->tunnel = r->tunnel;
		return 0;
	}
	if (r->kind == TUN_ROUTE_LINK && r->plen == 32 && r->flags == 0) {
		e->kind = TUNU_ENT_LINK;
		return 0;
	}
	return -EINVAL;
}

static int
tunu_route_add(void *inst, const struct tun_route *r, char *errmsg, size_t errlen)
{
	struct tunu *tu = inst;
	struct tunu_ent e;
	int rc = route_key(r, &e);

	if (rc < 0) {
		snprintf(errmsg, errlen,
		         "invalid route (prefix length, flags, or a link route that is "
		         "not a host route)");
		return rc;
	}
	if (e.kind == TUNU_ENT_LINK) {
		e.ifindex = (int)if_nametoindex(r->ifname);
		if (e.ifindex == 0) {
			snprintf(errmsg, errlen, "no interface %.*s", IF_NAMESIZE, r->ifname);
			return -ENODEV;
		}
		snprintf(e.ifname, sizeof(e.ifname), "%.*s", IF_NAMESIZE - 1, r->ifname);
		memcpy(e.mac, r->mac, TUN_MAC_LEN);
	}
	return ent_add(tu, &e, "route", errmsg, errlen);
}

static int
tunu_route_del(void *inst, const struct tun_route *r)
{
	struct tunu_ent e;

	if (route_key(r, &e) < 0)
		return -ENOENT;
	return ent_del(inst, &e);
}

static void
reverse_key(const struct tun_reverse *r, struct tunu_ent *e)
{
	memset(e, 0, sizeof(*e));
	e->kind = TUNU_ENT_REV;
	e->plen = 32;
	e->addr = r->src;
	e->tunnel = r->tunnel;
	snprintf(e->ifname, sizeof(e->ifname), "%.*s", IF_NAMESIZE - 1, r->ifname);
}

static int
tunu_reverse_add(void *inst, const struct tun_reverse *r, char *errmsg, size_t errlen)
{
	struct tunu_ent e;

	reverse_key(r, &e);
	if (e.ifname[0] != '\0' && if_nametoindex(e.ifname) == 0) {
		snprintf(errmsg, errlen, "no interface %s", e.ifname);
		return -ENODEV;
	}
	return ent_add(inst, &e, "reverse tunnel", errmsg, errlen);
}

static int
tunu_reverse_del(void *inst, const struct tun_reverse *r)
{
	struct tunu_ent e;

	reverse_key(r, &e);
	return ent_del(inst, &e);
}

static int
tunu_proxy_arp_add(void *inst, const struct tun_arp_proxy *pa, char *errmsg, size_t errlen)
{
	struct tunu *tu = inst;
	int rc = tunu_arp_proxy_add(tu->arp, pa);

	if (rc < 0)
		seterr(errmsg, errlen, "%s: %s", "proxy ARP", rc);
	return rc;
}

static int
tunu_proxy_arp_del(void *inst, const struct tun_arp_proxy *pa)
{
	struct tunu *tu = inst;

	return tunu_arp_proxy_del(tu->arp, pa);
}

static int
tunu_gratuitous_arp(void *inst, const char *ifname, struct in_addr addr,
                    const uint8_t mac[TUN_MAC_LEN], unsigned count)
{
	struct tunu *tu = inst;

	return tunu_arp_announce(tu->arp, ifname, addr, mac,
	                         count > TUNU_GARP_MAX ? TUNU_GARP_MAX : count);
}

static int
tunu_get_stats(void *inst, uint32_t id, struct tun_stats *st)
{
	struct tunu *tu = inst;

	return tunu_fwd_stats(tu->fwd, id, st);
}

static const struct tun_ops tunnel_userspace_ops = {
	.caps = tunu_caps,
	.create = tunu_create,
	.destroy = tunu_destroy,
	.configure = NULL,
	.tunnel_add = tunu_tunnel_add,
	.tunnel_del = tunu_tunnel_del,
	.route_add = tunu_route_add,
	.route_del = tunu_route_del,
	.reverse_add = tunu_reverse_add,
	.reverse_del = tunu_reverse_del,
	.proxy_arp_add = tunu_proxy_arp_add,
	.proxy_arp_del = tunu_proxy_arp_del,
	.gratuitous_arp = tunu_gratuitous_arp,
	.get_stats = tunu_get_stats,
};

PMIP_PLUGIN_DEFINE("tunnel-userspace", PMIP_PLUGIN_TUNNEL,
                   "userspace IP-in-IP, GRE and minimal tunnels over TUN and raw sockets",
                   &tunnel_userspace_ops);
