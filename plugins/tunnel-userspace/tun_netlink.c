/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tun_netlink.c - host routes, source rules, neighbour and proxy-ARP entries via libnl-route-3.
 *
 * Every request is one rtnetlink message and its acknowledgement on the
 * caller's socket; nothing shells out to ip(8). libnl reports NLE_* codes,
 * which are mapped to errno values at this boundary.
 */
#include <errno.h>
#include <linux/ip.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <sys/socket.h>

#include "log.h"
#include "tun_sys.h"

static int
nl2errno(int nle)
{
	switch (-nle) {
	case NLE_EXIST:
		return -EEXIST;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

/* A missing object on delete, or an existing one on add, means "already done". */
static int
settle(int nle, bool add, const char *what)
{
	if (nle == 0)
		return 0;
	if ((!add && -nle == NLE_OBJ_NOTFOUND) || (add && -nle == NLE_EXIST))
		return 0;
	log_warnx(LOG_SS_TUNNEL, "netlink: %s %s: %s", add ? "add" : "delete", what,
	          nl_geterror(nle));
	return nl2errno(nle);
}

static struct nl_addr *
host_addr(struct in_addr a)
{
	return nl_addr_build(AF_INET, &a, sizeof(a));
}

struct nl_sock *
tunu_nl_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int rc;

	if (sk == NULL) {
		log_warnx(LOG_SS_TUNNEL, "netlink: out of memory");
		return NULL;
	}
	rc = nl_connect(sk, NETLINK_ROUTE);
	if (rc < 0) {
		log_warnx(LOG_SS_TUNNEL, "netlink: connect: %s", nl_geterror(rc));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

void
tunu_nl_close(struct nl_sock *sk)
{
	if (sk != NULL)
		nl_socket_free(sk);
}

int
tunu_nl_route(struct nl_sock *sk, int ifindex, struct in_addr dst, unsigned plen, uint32_t table,
              bool add)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *a = host_addr(dst);
	int rc = -NLE_NOMEM;

	if (r == NULL || nh == NULL || a == NULL)
		goto out;
	nl_addr_set_prefixlen(a, (int)plen);
	rtnl_route_set_family(r, AF_INET);
	rtnl_route_set_table(r, table != 0 ? table : RT_TABLE_MAIN);
	rtnl_route_set_scope(r, RT_SCOPE_LINK);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_set_type(r, RTN_UNICAST);
	rc = rtnl_route_set_dst(r, a);
	if (rc < 0)
		goto out;
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(r, nh);
	nh = NULL; /* owned by the route now */
	rc = add ? rtnl_route_add(sk, r, NLM_F_CREATE | NLM_F_REPLACE)
	         : rtnl_route_delete(sk, r, 0);
out:
	if (nh != NULL)
		rtnl_route_nh_free(nh);
	nl_addr_put(a);
	rtnl_route_put(r);
	return settle(rc, add, "route");
}

int
tunu_nl_src_rule(struct nl_sock *sk, struct in_addr src, const char *iif, uint32_t table,
                 uint32_t prio, bool add)
{
	struct rtnl_rule *r = rtnl_rule_alloc();
	struct nl_addr *a = host_addr(src);
	int rc = -NLE_NOMEM;

	if (r == NULL || a == NULL)
		goto out;
	rtnl_rule_set_family(r, AF_INET);
	rtnl_rule_set_prio(r, prio);
	rtnl_rule_set_table(r, table);
	rtnl_rule_set_action(r, FR_ACT_TO_TBL);
	rc = rtnl_rule_set_src(r, a);
	if (rc == 0 && iif != NULL)
		rc = rtnl_rule_set_iif(r, iif);
	if (rc < 0)
		goto out;
	rc = add ? rtnl_rule_add(sk, r, NLM_F_CREATE | NLM_F_EXCL) : rtnl_rule_delete(sk, r, 0);
out:
	nl_addr_put(a);
	rtnl_rule_put(r);
	return settle(rc, add, "source rule");
}

int
tunu_nl_neigh(struct nl_sock *sk, int ifindex, struct in_addr addr, const uint8_t *lladdr,
              bool proxy, bool add)
{
	struct rtnl_neigh *n = rtnl_neigh_alloc();
	struct nl_addr *a = host_addr(addr), *ll = NULL;
	int rc = -NLE_NOMEM;

	if (n == NULL || a == NULL)
		goto out;
	rtnl_neigh_set_family(n, AF_INET);
	rtnl_neigh_set_ifindex(n, ifindex);
	rc = rtnl_neigh_set_dst(n, a);
	if (rc < 0)
		goto out;
	if (proxy) {
		rtnl_neigh_set_flags(n, NTF_PROXY);
	} else if (lladdr != NULL) {
		ll = nl_addr_build(AF_LLC, lladdr, 6);
		if (ll == NULL) {
			rc = -NLE_NOMEM;
			goto out;
		}
		rtnl_neigh_set_lladdr(n, ll);
	}
	rtnl_neigh_set_state(n, NUD_PERMANENT);
	rc = add ? rtnl_neigh_add(sk, n, NLM_F_CREATE | NLM_F_REPLACE)
	         : rtnl_neigh_delete(sk, n, 0);
out:
	nl_addr_put(ll);
	nl_addr_put(a);
	rtnl_neigh_put(n);
	return settle(rc, add, proxy ? "proxy-ARP entry" : "neighbour");
}

int
tunu_nl_devconf(struct nl_sock *sk, int ifindex, int which, uint32_t val, uint32_t *old)
{
	struct rtnl_link *orig = NULL, *chg = rtnl_link_alloc();
	int rc = -NLE_NOMEM;

	if (chg == NULL)
		goto out;
	rc = rtnl_link_get_kernel(sk, ifindex, NULL, &orig);
	if (rc < 0)
		goto out;
	if (old != NULL) {
		rc = rtnl_link_inet_get_conf(orig, (unsigned)which, old);
		if (rc < 0)
			goto out;
	}
	rc = rtnl_link_inet_set_conf(chg, (unsigned)which, val);
	if (rc < 0)
		goto out;
	rc = rtnl_link_change(sk, orig, chg, 0);
out:
	if (orig != NULL)
		rtnl_link_put(orig);
	rtnl_link_put(chg);
	return settle(rc, true, "interface setting");
}
