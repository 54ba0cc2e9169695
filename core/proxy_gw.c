/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proxy_gw.c - proxy access point: the client's gateway restored when it comes home.
 *
 * While a client visited a foreign access point, that AP told it (unsolicited ARP reply,
 * proxy_cl_announce()) that its gateway is at the foreign agent's MAC. Back home, the
 * client's neighbour entry still points there until it goes stale. On every appearance of
 * a client at home (proxy_client.c: the home deregistration, or an at-home client that
 * announces itself again) the home AP sends the client one unsolicited ARP reply giving its
 * gateway's real MAC.
 *
 * The gateway is on the AP's own LAN (the bridge's subnet): the AP asks the kernel's
 * neighbour table (SIOCGARP on the bridge). When the entry is missing or not complete, it
 * asks the kernel to resolve it (RTM_NEWNEIGH with NTF_USE, as if a packet were waiting)
 * and looks again every PROXY_GW_POLL_MS, until PROXY_GW_WAIT_MS have passed. A gateway
 * outside the bridge's subnets is left alone. With test hooks, proxy_hooks.gw_mac answers
 * synchronously instead (NULL: nothing is sent).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ev.h"
#include "proxy_int.h"
#include "submap.h"

/* The gateway to restore for @c, or INADDR_ANY: as proxy_cl_announce() chose it. */
static struct in_addr
gw_target(const struct proxy_client *c)
{
	struct in_addr t = c->gateway;
	uint32_t mask = submap_mask(c->home_len);

	if (t.s_addr == INADDR_ANY && c->ha.s_addr != INADDR_ANY &&
	    (c->ha.s_addr & mask) == (c->home_prefix.s_addr & mask))
		t = c->ha;
	if (t.s_addr == c->ix.addr.s_addr)
		t.s_addr = INADDR_ANY;
	return t;
}

/* Is @gw inside one of the IPv4 subnets of the bridge (not one of its own addresses)? */
static bool
gw_on_bridge(const struct proxy *px, struct in_addr gw, char *bridge)
{
	struct ifaddrs *ifa, *i;
	bool on = false;

	if (px->bridge_ifindex == 0 || if_indextoname(px->bridge_ifindex, bridge) == NULL ||
	    getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)i->ifa_addr;
		const struct sockaddr_in *m = (const struct sockaddr_in *)i->ifa_netmask;

		if (a == NULL || m == NULL || a->sin_family != AF_INET ||
		    strcmp(i->ifa_name, bridge) != 0 || a->sin_addr.s_addr == gw.s_addr)
			continue;
		if ((a->sin_addr.s_addr & m->sin_addr.s_addr) == (gw.s_addr & m->sin_addr.s_addr)) {
			on = true;
			break;
		}
	}
	freeifaddrs(ifa);
	return on;
}

/* The kernel's complete neighbour entry for @gw on @bridge. Return: 0, or -EAGAIN. */
static int
gw_kernel_lookup(const struct proxy *px, const char *bridge, struct in_addr gw, uint8_t *mac)
{
	struct arpreq r;
	struct sockaddr_in *sin = (struct sockaddr_in *)&r.arp_pa;

	if (px->fd_udp < 0)
		return -EAGAIN;
	memset(&r, 0, sizeof(r));
	sin->sin_family = AF_INET;
	sin->sin_addr = gw;
	snprintf(r.arp_dev, sizeof(r.arp_dev), "%s", bridge);
	if (ioctl(px->fd_udp, SIOCGARP, &r) < 0 || !(r.arp_flags & ATF_COM))
		return -EAGAIN;
	memcpy(mac, r.arp_ha.sa_data, PROXY_MAC_LEN);
	return 0;
}

/* Ask the kernel to resolve @gw on the bridge now (NTF_USE: as if a packet waited for it). */
static void
gw_kernel_resolve(const struct proxy *px, struct in_addr gw)
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg nd;
		struct rtattr rta;
		struct in_addr dst;
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_NEWNEIGH;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	req.nd.ndm_family = AF_INET;
	req.nd.ndm_ifindex = (int)px->bridge_ifindex;
	req.nd.ndm_state = NUD_NONE;
	req.nd.ndm_flags = NTF_USE;
	req.rta.rta_type = NDA_DST;
	req.rta.rta_len = RTA_LENGTH(sizeof(req.dst));
	req.dst = gw;
	(void)sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
}

/* Send the restoring ARP reply: @gw is at @mac, to client @c. */
static void
gw_send(struct proxy *px, const struct proxy_client *c, struct in_addr gw, const uint8_t *mac)
{
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	struct proxy_arp arp = { .op = PROXY_ARP_REPLY, .spa = gw, .tpa = c->ix.addr };
	uint8_t frame[PROXY_ARP_FRAME];

	memcpy(arp.eth_src, mac, PROXY_MAC_LEN);
	memcpy(arp.sha, mac, PROXY_MAC_LEN);
	memcpy(arp.tha, c->mac, PROXY_MAC_LEN);
	if (proxy_frame_build_arp(frame, sizeof(frame), c->mac, &arp) < 0 ||
	    proxy_send_client(px, frame, sizeof(frame)) < 0)
		return;
	px->cnt.arp_replies_sent++;
	log_rl(&px->rl_client, LOG_SS_PROXY, LOG_INFO,
	       "client %s at home: told it gateway %s is at %02x:%02x:%02x:%02x:%02x:%02x",
	       inet_ntop(AF_INET, &c->ix.addr, a, sizeof(a)), inet_ntop(AF_INET, &gw, g, sizeof(g)),
	       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* The pending restore @i still concerns a client at home with the same MAC? */
static struct proxy_client *
gw_client(struct proxy *px, const struct proxy_gw_pending *p)
{
	struct proxy_client *c = proxy_client_by_hoa(px, p->hoa);

	if (c == NULL || c->detached || memcmp(c->mac, p->mac, PROXY_MAC_LEN) != 0 ||
	    (c->state != PROXY_CS_AT_HOME && c->state != PROXY_CS_HOME_DEREG))
		return NULL;
	return c;
}

static void
gw_remove(struct proxy *px, size_t i)
{
	px->gw_pending[i] = px->gw_pending[--px->n_gw_pending];
}

static void
gw_poll(void *arg)
{
	struct proxy *px = arg;
	char bridge[IF_NAMESIZE] = "";
	uint64_t now = proxy_now_ms(px);
	uint8_t mac[PROXY_MAC_LEN];

	if (px->bridge_ifindex == 0 || if_indextoname(px->bridge_ifindex, bridge) == NULL) {
		px->n_gw_pending = 0;
		return;
	}
	for (size_t i = 0; i < px->n_gw_pending;) {
		struct proxy_gw_pending *p = &px->gw_pending[i];
		struct proxy_client *c = gw_client(px, p);

		if (c == NULL) {
			gw_remove(px, i);
			continue;
		}
		if (gw_kernel_lookup(px, bridge, p->gw, mac) == 0) {
			gw_send(px, c, p->gw, mac);
			gw_remove(px, i);
			continue;
		}
		if (now >= p->until_ms) {
			log_rl(&px->rl, LOG_SS_PROXY, LOG_INFO,
			       "client %s at home: gateway %s not resolved, its neighbour entry is "
			       "not restored",
			       inet_ntoa(p->hoa), inet_ntoa(p->gw));
			gw_remove(px, i);
			continue;
		}
		i++;
	}
	if (px->n_gw_pending > 0)
		ev_timer_arm(px->gw_timer, PROXY_GW_POLL_MS);
}

void
proxy_gw_restore(struct proxy *px, struct proxy_client *c)
{
	struct in_addr gw = gw_target(c);
	char bridge[IF_NAMESIZE] = "";
	struct proxy_gw_pending *p;
	uint8_t mac[PROXY_MAC_LEN];

	if (gw.s_addr == INADDR_ANY)
		return;
	if (px->use_hooks) {
		if (px->hooks.gw_mac != NULL && px->hooks.gw_mac(px->hooks.arg, gw, mac) == 0)
			gw_send(px, c, gw, mac);
		return;
	}
	if (!gw_on_bridge(px, gw, bridge)) {
		log_debug(LOG_SS_PROXY, "client %s at home: gateway %s is not on %s, not restored",
		          inet_ntoa(c->ix.addr), inet_ntoa(gw), bridge[0] ? bridge : "the bridge");
		return;
	}
	if (gw_kernel_lookup(px, bridge, gw, mac) == 0) {
		gw_send(px, c, gw, mac);
		return;
	}
	if (px->gw_timer == NULL && px->env.loop != NULL)
		px->gw_timer = ev_timer_new(px->env.loop, gw_poll, px);
	if (px->gw_timer == NULL)
		return;
	for (size_t i = 0; i < px->n_gw_pending; i++)
		if (px->gw_pending[i].hoa.s_addr == c->ix.addr.s_addr)
			gw_remove(px, i); /* replaced below */
	if (px->n_gw_pending == PROXY_GW_PENDING_MAX) {
		log_rl(&px->rl, LOG_SS_PROXY, LOG_NOTICE,
		       "gateway restore for %s dropped: %u already pending", inet_ntoa(c->ix.addr),
		       PROXY_GW_PENDING_MAX);
		return;
	}
	p = &px->gw_pending[px->n_gw_pending++];
	p->hoa = c->ix.addr;
	memcpy(p->mac, c->mac, PROXY_MAC_LEN);
	p->gw = gw;
	p->until_ms = proxy_now_ms(px) + PROXY_GW_WAIT_MS;
	gw_kernel_resolve(px, gw);
	if (!ev_timer_pending(px->gw_timer))
		ev_timer_arm(px->gw_timer, PROXY_GW_POLL_MS);
}

void
proxy_gw_fini(struct proxy *px)
{
	ev_timer_free(px->gw_timer);
	px->gw_timer = NULL;
	px->n_gw_pending = 0;
}
