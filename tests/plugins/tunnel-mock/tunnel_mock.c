/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tunnel_mock.c - tunnel-mock: a tunnel back end that records calls instead of forwarding.
 *
 * It keeps the objects the tunnel ops create (tunnels, routes, proxy-ARP entries) in small
 * tables, enforces the calling rules of core/tunnel.h (-EEXIST, -ENOENT, routes need their
 * tunnel, deleting a tunnel deletes its routes) and counts every call. Tests read the state
 * through struct tunnel_mock_api (tunnel_mock.h). MINIMAL encapsulation is refused with
 * -EOPNOTSUPP, like a back end without RFC 2004 support. The capability mask is
 * TMOCK_CAPS_DEFAULT unless a test sets another (set_caps); member routes
 * (TUN_ROUTE_F_MEMBER) are kept, one per tunnel, when it has TUN_CAP_MULTI_ROUTE.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plugin.h"
#include "tunnel.h"
#include "tunnel_mock.h"

#define TMOCK_MAX          2048
#define TMOCK_CAPS_DEFAULT (TUN_CAP_IPIP | TUN_CAP_GRE)

struct tmock_tunnel {
	bool live;
	uint32_t id;
	struct tun_params p;
};

static struct {
	unsigned instances;
	uint32_t caps;
	uint32_t next_id;
	unsigned calls[TMOCK_OP_COUNT];
	int fail[TMOCK_OP_COUNT];
	struct tmock_tunnel tunnels[TMOCK_MAX];
	struct tun_route routes[TMOCK_MAX];    /* plen 0: free slot */
	struct tun_arp_proxy parps[TMOCK_MAX]; /* empty ifname: free slot */
	struct {
		struct in_addr addr;
		unsigned n;
	} garps[TMOCK_MAX];
} tm;

static int tm_token; /* the instance pointer handed out */

/* Count a call of @op and return the injected failure, if any. */
static int
tm_enter(enum tunnel_mock_op op)
{
	int err = tm.fail[op];

	tm.calls[op]++;
	tm.fail[op] = 0;
	return err;
}

static struct tmock_tunnel *
tm_tunnel_by_id(uint32_t id)
{
	for (int i = 0; i < TMOCK_MAX; i++)
		if (tm.tunnels[i].live && tm.tunnels[i].id == id)
			return &tm.tunnels[i];
	return NULL;
}

static struct tun_route *
tm_route_find(struct in_addr dst, uint8_t plen, enum tun_route_kind kind)
{
	for (int i = 0; i < TMOCK_MAX; i++)
		if (tm.routes[i].plen == plen && tm.routes[i].dst.s_addr == dst.s_addr &&
		    tm.routes[i].kind == kind)
			return &tm.routes[i];
	return NULL;
}

/* The route with @r's key: a member route's key includes its tunnel. */
static struct tun_route *
tm_route_key(const struct tun_route *r)
{
	bool member = (r->flags & TUN_ROUTE_F_MEMBER) != 0;

	for (int i = 0; i < TMOCK_MAX; i++)
		if (tm.routes[i].plen == r->plen && tm.routes[i].dst.s_addr == r->dst.s_addr &&
		    tm.routes[i].kind == r->kind &&
		    ((tm.routes[i].flags & TUN_ROUTE_F_MEMBER) != 0) == member &&
		    (!member || tm.routes[i].tunnel == r->tunnel))
			return &tm.routes[i];
	return NULL;
}

static uint32_t
tm_caps(void *inst)
{
	return tm.caps;
}

static struct tun_arp_proxy *
tm_parp_find(const struct tun_arp_proxy *pa)
{
	for (int i = 0; i < TMOCK_MAX; i++)
		if (tm.parps[i].ifname[0] != '\0' && strcmp(tm.parps[i].ifname, pa->ifname) == 0 &&
		    tm.parps[i].addr.s_addr == pa->addr.s_addr &&
		    memcmp(tm.parps[i].requester, pa->requester, TUN_MAC_LEN) == 0)
			return &tm.parps[i];
	return NULL;
}

static void *
tm_create(const struct tun_env *env, char *errmsg, size_t errlen)
{
	tm.instances++;
	tm.caps = TMOCK_CAPS_DEFAULT;
	return &tm_token;
}

static void
tm_destroy(void *inst)
{
	tm.instances--;
	memset(tm.tunnels, 0, sizeof(tm.tunnels));
	memset(tm.routes, 0, sizeof(tm.routes));
	memset(tm.parps, 0, sizeof(tm.parps));
}

static int
tm_tunnel_add(void *inst, const struct tun_params *p, uint32_t *id, char *errmsg, size_t errlen)
{
	int err = tm_enter(TMOCK_TUNNEL_ADD);

	if (err != 0) {
		snprintf(errmsg, errlen, "injected failure");
		return err;
	}
	if (p->encap == TUN_ENCAP_MINIMAL) {
		snprintf(errmsg, errlen, "minimal encapsulation not supported");
		return -EOPNOTSUPP;
	}
	for (int i = 0; i < TMOCK_MAX; i++)
		if (tm.tunnels[i].live && tm.tunnels[i].p.local.s_addr == p->local.s_addr &&
		    tm.tunnels[i].p.remote.s_addr == p->remote.s_addr &&
		    tm.tunnels[i].p.encap == p->encap)
			return -EEXIST;
	for (int i = 0; i < TMOCK_MAX; i++) {
		if (!tm.tunnels[i].live) {
			tm.tunnels[i] = (struct tmock_tunnel){ true, ++tm.next_id, *p };
			*id = tm.tunnels[i].id;
			return 0;
		}
	}
	return -ENOSPC;
}

static int
tm_tunnel_del(void *inst, uint32_t id)
{
	struct tmock_tunnel *t = tm_tunnel_by_id(id);
	int err = tm_enter(TMOCK_TUNNEL_DEL);

	if (err != 0)
		return err;
	if (t == NULL)
		return -ENOENT;
	t->live = false;
	for (int i = 0; i < TMOCK_MAX; i++)
		if (tm.routes[i].plen != 0 && tm.routes[i].kind == TUN_ROUTE_TUNNEL &&
		    tm.routes[i].tunnel == id)
			memset(&tm.routes[i], 0, sizeof(tm.routes[i]));
	return 0;
}

static int
tm_route_add(void *inst, const struct tun_route *r, char *errmsg, size_t errlen)
{
	int err = tm_enter(TMOCK_ROUTE_ADD);

	if (err != 0)
		return err;
	if (r->plen == 0 || r->plen > 32)
		return -EINVAL;
	if (r->kind == TUN_ROUTE_TUNNEL && tm_tunnel_by_id(r->tunnel) == NULL)
		return -ENOENT;
	if ((r->flags & TUN_ROUTE_F_MEMBER) && !(tm.caps & TUN_CAP_MULTI_ROUTE))
		return -EOPNOTSUPP;
	if (tm_route_key(r) != NULL)
		return -EEXIST;
	/* A member and a non-member route for one destination exclude each other. */
	for (int i = 0; i < TMOCK_MAX; i++)
		if (tm.routes[i].plen == r->plen && tm.routes[i].dst.s_addr == r->dst.s_addr &&
		    tm.routes[i].kind == r->kind &&
		    !((tm.routes[i].flags & r->flags) & TUN_ROUTE_F_MEMBER))
			return -EEXIST;
	for (int i = 0; i < TMOCK_MAX; i++) {
		if (tm.routes[i].plen == 0) {
			tm.routes[i] = *r;
			return 0;
		}
	}
	return -ENOSPC;
}

static int
tm_route_del(void *inst, const struct tun_route *r)
{
	struct tun_route *x = tm_route_key(r);
	int err = tm_enter(TMOCK_ROUTE_DEL);

	if (err != 0)
		return err;
	if (x == NULL)
		return -ENOENT;
	memset(x, 0, sizeof(*x));
	return 0;
}

static int
tm_parp_add(void *inst, const struct tun_arp_proxy *pa, char *errmsg, size_t errlen)
{
	int err = tm_enter(TMOCK_PARP_ADD);

	if (err != 0)
		return err;
	if (pa->ifname[0] == '\0')
		return -ENODEV;
	if (tm_parp_find(pa) != NULL)
		return -EEXIST;
	for (int i = 0; i < TMOCK_MAX; i++) {
		if (tm.parps[i].ifname[0] == '\0') {
			tm.parps[i] = *pa;
			return 0;
		}
	}
	return -ENOSPC;
}

static int
tm_parp_del(void *inst, const struct tun_arp_proxy *pa)
{
	struct tun_arp_proxy *x = tm_parp_find(pa);
	int err = tm_enter(TMOCK_PARP_DEL);

	if (err != 0)
		return err;
	if (x == NULL)
		return -ENOENT;
	memset(x, 0, sizeof(*x));
	return 0;
}

static int
tm_garp(void *inst, const char *ifname, struct in_addr addr, const uint8_t mac[TUN_MAC_LEN],
        unsigned count)
{
	int err = tm_enter(TMOCK_GARP), i;

	if (err != 0)
		return err;
	for (i = 0; i < TMOCK_MAX && tm.garps[i].n != 0; i++)
		if (tm.garps[i].addr.s_addr == addr.s_addr)
			break;
	if (i == TMOCK_MAX)
		return -ENOSPC;
	tm.garps[i].addr = addr;
	tm.garps[i].n += count;
	return 0;
}

static const struct tun_ops tm_ops = {
	.caps = tm_caps,
	.create = tm_create,
	.destroy = tm_destroy,
	.tunnel_add = tm_tunnel_add,
	.tunnel_del = tm_tunnel_del,
	.route_add = tm_route_add,
	.route_del = tm_route_del,
	.proxy_arp_add = tm_parp_add,
	.proxy_arp_del = tm_parp_del,
	.gratuitous_arp = tm_garp,
};

PMIP_PLUGIN_DEFINE("tunnel-mock", PMIP_PLUGIN_TUNNEL, "test: records tunnel operations", &tm_ops);

/* --- inspection --- */

static unsigned
api_instances(void)
{
	return tm.instances;
}

static unsigned
api_calls(enum tunnel_mock_op op)
{
	return op < TMOCK_OP_COUNT ? tm.calls[op] : 0;
}

static uint32_t
api_tunnel(struct in_addr remote, int encap)
{
	for (int i = 0; i < TMOCK_MAX; i++)
		if (tm.tunnels[i].live && tm.tunnels[i].p.remote.s_addr == remote.s_addr &&
		    (int)tm.tunnels[i].p.encap == encap)
			return tm.tunnels[i].id;
	return 0;
}

static unsigned
api_n_tunnels(void)
{
	unsigned n = 0;

	for (int i = 0; i < TMOCK_MAX; i++)
		n += tm.tunnels[i].live;
	return n;
}

static uint32_t
api_route(struct in_addr dst)
{
	struct tun_route *r = tm_route_find(dst, 32, TUN_ROUTE_TUNNEL);

	return r != NULL ? r->tunnel : 0;
}

static unsigned
api_n_routes(void)
{
	unsigned n = 0;

	for (int i = 0; i < TMOCK_MAX; i++)
		n += tm.routes[i].plen != 0;
	return n;
}

static bool
api_parp(const char *ifname, struct in_addr addr)
{
	struct tun_arp_proxy pa;

	memset(&pa, 0, sizeof(pa));
	snprintf(pa.ifname, sizeof(pa.ifname), "%s", ifname);
	pa.addr = addr;
	return tm_parp_find(&pa) != NULL;
}

static unsigned
api_n_parps(void)
{
	unsigned n = 0;

	for (int i = 0; i < TMOCK_MAX; i++)
		n += tm.parps[i].ifname[0] != '\0';
	return n;
}

static unsigned
api_garps(struct in_addr addr)
{
	for (int i = 0; i < TMOCK_MAX && tm.garps[i].n != 0; i++)
		if (tm.garps[i].addr.s_addr == addr.s_addr)
			return tm.garps[i].n;
	return 0;
}

static void
api_fail_next(enum tunnel_mock_op op, int err)
{
	if (op < TMOCK_OP_COUNT)
		tm.fail[op] = err;
}

static bool
api_route_into(struct in_addr dst, uint32_t tunnel)
{
	for (int i = 0; i < TMOCK_MAX; i++)
		if (tm.routes[i].plen == 32 && tm.routes[i].dst.s_addr == dst.s_addr &&
		    tm.routes[i].kind == TUN_ROUTE_TUNNEL && tm.routes[i].tunnel == tunnel)
			return true;
	return false;
}

static void
api_set_caps(uint32_t caps)
{
	tm.caps = caps;
}

static void
api_reset(void)
{
	memset(tm.calls, 0, sizeof(tm.calls));
	memset(tm.fail, 0, sizeof(tm.fail));
	memset(tm.garps, 0, sizeof(tm.garps));
}

__attribute__((visibility("default"))) const struct tunnel_mock_api tunnel_mock_api = {
	.instances = api_instances,
	.calls = api_calls,
	.tunnel = api_tunnel,
	.n_tunnels = api_n_tunnels,
	.route = api_route,
	.n_routes = api_n_routes,
	.parp = api_parp,
	.n_parps = api_n_parps,
	.garps = api_garps,
	.fail_next = api_fail_next,
	.reset = api_reset,
	.route_into = api_route_into,
	.set_caps = api_set_caps,
};
