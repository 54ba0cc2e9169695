/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tun_arp.c - proxy ARP and gratuitous ARP (RFC 5944 section 4.6).
 *
 * Proxy entries the kernel can serve become kernel state: one address for
 * anyone, answered with the interface's own address, is an NTF_PROXY
 * neighbour entry (the kernel answers when the address is routed out of
 * another interface, e.g. into the TUN device, and forwarding is on); every
 * address for anyone is the interface's proxy_arp setting. Entries with a
 * requester filter or a foreign answer address (a proxy AP answering for
 * the FA) are served here, from an AF_PACKET socket per interface read on
 * the loop with a budget of ARP_BUDGET frames per callback.
 * Gratuitous ARPs are sent at once and repeated from loop timers.
 */
#include <errno.h>
#include <linux/ip.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "ev.h"
#include "log.h"
#include "tun_sys.h"
#include "tunnel.h"

#define ARP_BUCKETS 1024
#define ARP_BUDGET  16
#define GARP_MAX    10
#define GARP_GAP_MS 1000

enum arp_mode {
	ARP_NEIGH,     /* kernel NTF_PROXY entry */
	ARP_PROXY_ARP, /* the interface's proxy_arp setting */
	ARP_USER,      /* answered by the responder below */
};

struct tunu_arp;

/* A responder socket on one interface, shared by its ARP_USER entries. */
struct arp_if {
	struct arp_if *next;
	struct tunu_arp *a;
	int ifindex;
	int fd;
	struct ev_io *io;
	uint8_t mac[ETH_ALEN];
	unsigned users;
};

struct arp_ent {
	struct arp_ent *hnext;
	struct arp_if *ifc; /* ARP_USER only */
	struct tun_arp_proxy pa;
	int ifindex;
	enum arp_mode mode;
	uint32_t saved; /* ARP_PROXY_ARP: the setting before us */
};

/* A gratuitous ARP still to be repeated. */
struct garp {
	struct garp *next;
	struct tunu_arp *a;
	struct ev_timer *t;
	int ifindex;
	struct in_addr addr;
	uint8_t mac[ETH_ALEN];
	bool own_mac;
	unsigned left;
};

struct tunu_arp {
	struct ev_loop *loop;
	struct nl_sock *sk;
	struct arp_ent *b[ARP_BUCKETS];
	struct arp_if *ifs;
	struct garp *garps;
	struct log_ratelimit rl;
};

static const uint8_t zero_mac[ETH_ALEN];

/* Ethernet/IPv4 ARP body: fixed header, then sender and target addresses. */
struct arp_body {
	struct arphdr h;
	uint8_t sha[ETH_ALEN];
	uint8_t spa[4];
	uint8_t tha[ETH_ALEN];
	uint8_t tpa[4];
} __attribute__((packed));

/* Ethernet address of @ifindex, read through socket @s. */
static int
if_mac(int s, int ifindex, uint8_t mac[ETH_ALEN])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (if_indextoname((unsigned)ifindex, ifr.ifr_name) == NULL ||
	    ioctl(s, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return -EOPNOTSUPP;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

/* Send one ARP reply sha/spa -> tha/tpa on @ifindex to link-layer address @to. */
static int
arp_send(int s, int ifindex, const uint8_t *to, const uint8_t *sha, const void *spa,
         const uint8_t *tha, const void *tpa)
{
	struct sockaddr_ll sll;
	struct arp_body b;

	memset(&b, 0, sizeof(b));
	b.h.ar_hrd = htons(ARPHRD_ETHER);
	b.h.ar_pro = htons(ETH_P_IP);
	b.h.ar_hln = ETH_ALEN;
	b.h.ar_pln = 4;
	b.h.ar_op = htons(ARPOP_REPLY);
	memcpy(b.sha, sha, ETH_ALEN);
	memcpy(b.spa, spa, 4);
	memcpy(b.tha, tha, ETH_ALEN);
	memcpy(b.tpa, tpa, 4);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ARP);
	sll.sll_ifindex = ifindex;
	sll.sll_halen = ETH_ALEN;
	memcpy(sll.sll_addr, to, ETH_ALEN);
	if (sendto(s, &b, sizeof(b), MSG_DONTWAIT, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

/* One gratuitous ARP reply: sender and target are both @addr at @mac, to broadcast. */
static int
garp_send(int ifindex, struct in_addr addr, const uint8_t *mac)
{
	static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t own[ETH_ALEN];
	int s, rc = 0;

	s = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (s < 0)
		return -errno;
	if (mac == NULL && (rc = if_mac(s, ifindex, own)) == 0)
		mac = own;
	if (rc == 0)
		rc = arp_send(s, ifindex, bcast, mac, &addr, mac, &addr);
	close(s);
	return rc;
}

static void
garp_free(struct garp *g)
{
	struct garp **pp = &g->a->garps;

	while (*pp != g)
		pp = &(*pp)->next;
	*pp = g->next;
	ev_timer_free(g->t);
	free(g);
}

static void
garp_fire(void *arg)
{
	struct garp *g = arg;
	int rc = garp_send(g->ifindex, g->addr, g->own_mac ? NULL : g->mac);

	if (rc < 0)
		log_rl(&g->a->rl, LOG_SS_TUNNEL, LOG_WARNING, "gratuitous ARP on ifindex %d: %s",
		       g->ifindex, strerror(-rc));
	if (--g->left == 0)
		garp_free(g);
	else
		ev_timer_arm(g->t, GARP_GAP_MS);
}

int
tunu_arp_announce(struct tunu_arp *a, const char *ifname, struct in_addr addr, const uint8_t *mac,
                  unsigned count)
{
	int ifindex = (int)if_nametoindex(ifname);
	struct garp *g;
	int rc;

	if (ifindex == 0)
		return -ENODEV;
	if (count == 0 || count > GARP_MAX)
		return -EINVAL;
	if (mac != NULL && memcmp(mac, zero_mac, ETH_ALEN) == 0)
		mac = NULL;
	rc = garp_send(ifindex, addr, mac);
	if (rc < 0) {
		log_warnx(LOG_SS_TUNNEL, "gratuitous ARP on %s: %s", ifname, strerror(-rc));
		return rc;
	}
	if (count == 1)
		return 0;
	g = calloc(1, sizeof(*g));
	if (g == NULL || (g->t = ev_timer_new(a->loop, garp_fire, g)) == NULL) {
		free(g);
		return -ENOMEM;
	}
	g->a = a;
	g->ifindex = ifindex;
	g->addr = addr;
	g->own_mac = mac == NULL;
	if (mac != NULL)
		memcpy(g->mac, mac, ETH_ALEN);
	g->left = count - 1;
	g->next = a->garps;
	a->garps = g;
	ev_timer_arm(g->t, GARP_GAP_MS);
	return 0;
}

/* --- proxy entries ---------------------------------------------------------- */

static size_t
ent_hash(int ifindex, in_addr_t addr, const uint8_t *req)
{
	uint32_t h = (uint32_t)ifindex * 0x9e3779b1u ^ addr;

	for (int i = 0; i < ETH_ALEN; i++)
		h = h * 31 + req[i];
	h ^= h >> 16;
	return (h * 0x45d9f3bu >> 7) % ARP_BUCKETS;
}

static struct arp_ent **
ent_slot(struct tunu_arp *a, int ifindex, in_addr_t addr, const uint8_t *req)
{
	struct arp_ent **pp = &a->b[ent_hash(ifindex, addr, req)];

	for (; *pp != NULL; pp = &(*pp)->hnext)
		if ((*pp)->ifindex == ifindex && (*pp)->pa.addr.s_addr == addr &&
		    memcmp((*pp)->pa.requester, req, ETH_ALEN) == 0)
			break;
	return pp;
}

/* Answer the ARP request in @b received on @ifc, if an ARP_USER entry covers it. */
static void
arp_answer(struct arp_if *ifc, const struct arp_body *b)
{
	struct tunu_arp *a = ifc->a;
	const uint8_t *reqs[2] = { b->sha, zero_mac };
	in_addr_t tpa, spa, addrs[2];
	struct arp_ent *e = NULL;
	int rc;

	memcpy(&tpa, b->tpa, 4);
	memcpy(&spa, b->spa, 4);
	/* Probes (sender 0.0.0.0) and gratuitous requests are never answered by a proxy. */
	if (spa == 0 || spa == tpa)
		return;
	addrs[0] = tpa;
	addrs[1] = INADDR_ANY;
	for (int i = 0; i < 2 && e == NULL; i++)
		for (int j = 0; j < 2 && e == NULL; j++) {
			e = *ent_slot(a, ifc->ifindex, addrs[i], reqs[j]);
			if (e != NULL && e->mode != ARP_USER)
				e = NULL;
		}
	if (e == NULL)
		return;
	rc = arp_send(ifc->fd, ifc->ifindex, b->sha,
	              memcmp(e->pa.answer_mac, zero_mac, ETH_ALEN) != 0 ? e->pa.answer_mac
	                                                                : ifc->mac,
	              b->tpa, b->sha, b->spa);
	if (rc < 0)
		log_rl(&a->rl, LOG_SS_TUNNEL, LOG_WARNING, "proxy ARP reply: %s", strerror(-rc));
}

static void
arp_readable(int fd, unsigned what, void *arg)
{
	struct arp_if *ifc = arg;
	struct sockaddr_ll sll;
	struct arp_body b;

	for (int i = 0; i < ARP_BUDGET; i++) {
		socklen_t sl = sizeof(sll);
		ssize_t n = recvfrom(fd, &b, sizeof(b), MSG_DONTWAIT, (struct sockaddr *)&sll, &sl);

		if (n < 0)
			return;
		if ((size_t)n < sizeof(b) || sll.sll_pkttype == PACKET_OUTGOING ||
		    b.h.ar_hrd != htons(ARPHRD_ETHER) || b.h.ar_pro != htons(ETH_P_IP) ||
		    b.h.ar_hln != ETH_ALEN || b.h.ar_pln != 4 || b.h.ar_op != htons(ARPOP_REQUEST))
			continue;
		arp_answer(ifc, &b);
	}
}

static void
arp_if_put(struct arp_if *ifc)
{
	struct arp_if **pp = &ifc->a->ifs;

	if (--ifc->users > 0)
		return;
	while (*pp != ifc)
		pp = &(*pp)->next;
	*pp = ifc->next;
	ev_io_free(ifc->io);
	close(ifc->fd);
	free(ifc);
}

static int
arp_if_get(struct tunu_arp *a, int ifindex, struct arp_if **out)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct arp_if *ifc;
	int rc;

	for (ifc = a->ifs; ifc != NULL; ifc = ifc->next)
		if (ifc->ifindex == ifindex)
			break;
	if (ifc != NULL) {
		ifc->users++;
		*out = ifc;
		return 0;
	}
	ifc = calloc(1, sizeof(*ifc));
	if (ifc == NULL)
		return -ENOMEM;
	ifc->a = a;
	ifc->ifindex = ifindex;
	ifc->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (ifc->fd < 0) {
		rc = -errno;
		free(ifc);
		return rc;
	}
	sll.sll_protocol = htons(ETH_P_ARP);
	sll.sll_ifindex = ifindex;
	if (bind(ifc->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		rc = -errno;
	else
		rc = if_mac(ifc->fd, ifindex, ifc->mac);
	if (rc == 0 &&
	    (ifc->io = ev_io_new(a->loop, ifc->fd, EV_IO_READ, arp_readable, ifc)) == NULL)
		rc = -ENOMEM;
	if (rc < 0) {
		close(ifc->fd);
		free(ifc);
		return rc;
	}
	ifc->users = 1;
	ifc->next = a->ifs;
	a->ifs = ifc;
	*out = ifc;
	return 0;
}

/* Undo the kernel or responder side of @e. */
static void
ent_undo(struct tunu_arp *a, struct arp_ent *e)
{
	switch (e->mode) {
	case ARP_NEIGH:
		tunu_nl_neigh(a->sk, e->ifindex, e->pa.addr, NULL, true, false);
		break;
	case ARP_PROXY_ARP:
		tunu_nl_devconf(a->sk, e->ifindex, IPV4_DEVCONF_PROXY_ARP, e->saved, NULL);
		break;
	case ARP_USER:
		arp_if_put(e->ifc);
		break;
	}
}

int
tunu_arp_proxy_add(struct tunu_arp *a, const struct tun_arp_proxy *pa)
{
	int ifindex = (int)if_nametoindex(pa->ifname);
	struct arp_ent **pp, *e;
	int rc;

	if (ifindex == 0)
		return -ENODEV;
	pp = ent_slot(a, ifindex, pa->addr.s_addr, pa->requester);
	if (*pp != NULL)
		return -EEXIST;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	e->pa = *pa;
	e->ifindex = ifindex;
	if (memcmp(pa->requester, zero_mac, ETH_ALEN) != 0 ||
	    memcmp(pa->answer_mac, zero_mac, ETH_ALEN) != 0) {
		e->mode = ARP_USER;
		rc = arp_if_get(a, ifindex, &e->ifc);
	} else if (pa->addr.s_addr == INADDR_ANY) {
		e->mode = ARP_PROXY_ARP;
		rc = tunu_nl_devconf(a->sk, ifindex, IPV4_DEVCONF_PROXY_ARP, 1, &e->saved);
	} else {
		e->mode = ARP_NEIGH;
		rc = tunu_nl_neigh(a->sk, ifindex, pa->addr, NULL, true, true);
	}
	if (rc < 0) {
		free(e);
		return rc;
	}
	*pp = e;
	return 0;
}

int
tunu_arp_proxy_del(struct tunu_arp *a, const struct tun_arp_proxy *pa)
{
	int ifindex = (int)if_nametoindex(pa->ifname);
	struct arp_ent **pp, *e;

	if (ifindex == 0)
		return -ENOENT;
	pp = ent_slot(a, ifindex, pa->addr.s_addr, pa->requester);
	e = *pp;
	if (e == NULL)
		return -ENOENT;
	*pp = e->hnext;
	ent_undo(a, e);
	free(e);
	return 0;
}

struct tunu_arp *
tunu_arp_new(struct ev_loop *loop, struct nl_sock *sk)
{
	struct tunu_arp *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->loop = loop;
	a->sk = sk;
	a->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 10);
	return a;
}

void
tunu_arp_free(struct tunu_arp *a)
{
	struct arp_ent *e;

	if (a == NULL)
		return;
	while (a->garps != NULL)
		garp_free(a->garps);
	for (size_t i = 0; i < ARP_BUCKETS; i++) {
		while ((e = a->b[i]) != NULL) {
			a->b[i] = e->hnext;
			ent_undo(a, e);
			free(e);
		}
	}
	free(a);
}
