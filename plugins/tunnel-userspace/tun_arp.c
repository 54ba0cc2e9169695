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
 *
 * Scale. The kernel keeps NTF_PROXY entries in a 16-bucket hash (pneigh),
 * so adding, deleting and answering for one costs O(n) in the kernel: at
 * 40 000 entries the insert alone took over half of a home agent's time.
 * Only the first ARP_KERNEL_MAX single-address entries of an instance go
 * to the kernel; further ones are answered by the responder, whose table
 * here doubles with its entries and stays O(1) at a million.
 * Gratuitous ARPs are sent at once and repeated from one loop timer.
 *
 * Cost per announcement. A home agent announces every new binding, so this
 * is on the registration path. One send-only AF_PACKET socket (protocol 0:
 * it receives nothing) serves every announcement for the life of the
 * instance: closing a packet socket waits for an RCU grace period
 * (synchronize_net(), milliseconds), which, with a socket per reply, made
 * each registration wait ~10 ms. Repeats wait in one FIFO under one timer;
 * every repeat is due GARP_GAP_MS after it is queued, so the FIFO stays
 * sorted by due time and queueing is O(1), with no timer per announcement.
 *
 * One series per (interface, address). The FIFO is doubly linked and each
 * series is also hashed by (interface, address), so a new announcement of
 * an address cancels the series still running for it in O(1), and so does
 * removing the proxy entry for it: a home agent's "the node is here" series
 * never outlives the binding, nor contradicts the node's own announcement
 * when it comes home.
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

#define ARP_BUCKETS    1024 /* initial size; doubles when entries outnumber buckets */
#define ARP_KERNEL_MAX 1024 /* NTF_PROXY entries per instance; more are ARP_USER */
#define ARP_BUDGET     16
#define GARP_MAX       10
#define GARP_GAP_MS    1000
#define GARP_BUCKETS   256

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

/* A gratuitous ARP still to be repeated, in the FIFO of struct tunu_arp. */
struct garp {
	struct garp *next, *prev; /* FIFO */
	struct garp *hnext;       /* hash chain by (ifindex, addr) */
	uint64_t due_ms;          /* ev_now_ms() of the next repeat */
	int ifindex;
	struct in_addr addr;
	uint8_t mac[ETH_ALEN];
	bool own_mac;
	unsigned left;
};

struct tunu_arp {
	struct ev_loop *loop;
	struct nl_sock *sk;
	struct arp_ent **b; /* nb buckets (a power of two) holding n entries */
	size_t nb, n;
	size_t n_kernel; /* ARP_NEIGH entries */
	struct arp_if *ifs;
	int garp_fd;                    /* send-only packet socket, -1 until first used */
	struct garp *garps, *garp_last; /* repeats, ascending due_ms */
	struct garp *garp_h[GARP_BUCKETS];
	struct ev_timer *garp_t; /* armed for the head of garps */
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

/* Ethernet address of @ifindex, read through socket @s (no helper socket). */
static int
if_mac(int s, int ifindex, uint8_t mac[ETH_ALEN])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = ifindex;
	if (ioctl(s, SIOCGIFNAME, &ifr) < 0 || ioctl(s, SIOCGIFHWADDR, &ifr) < 0)
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
garp_send(struct tunu_arp *a, int ifindex, struct in_addr addr, const uint8_t *mac)
{
	static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t own[ETH_ALEN];
	int rc;

	if (a->garp_fd < 0) {
		a->garp_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (a->garp_fd < 0)
			return -errno;
	}
	if (mac == NULL) {
		rc = if_mac(a->garp_fd, ifindex, own);
		if (rc < 0)
			return rc;
		mac = own;
	}
	return arp_send(a->garp_fd, ifindex, bcast, mac, &addr, mac, &addr);
}

static struct garp **
garp_slot(struct tunu_arp *a, int ifindex, struct in_addr addr)
{
	uint32_t h = ((uint32_t)ifindex * 0x9e3779b1u ^ addr.s_addr) * 0x85ebca6bu;
	struct garp **pp = &a->garp_h[(h >> 16) % GARP_BUCKETS];

	while (*pp != NULL && ((*pp)->ifindex != ifindex || (*pp)->addr.s_addr != addr.s_addr))
		pp = &(*pp)->hnext;
	return pp;
}

static void
garp_push(struct tunu_arp *a, struct garp *g)
{
	g->next = NULL;
	g->prev = a->garp_last;
	if (a->garp_last != NULL)
		a->garp_last->next = g;
	else
		a->garps = g;
	a->garp_last = g;
}

static void
garp_unlink(struct tunu_arp *a, struct garp *g)
{
	if (g->prev != NULL)
		g->prev->next = g->next;
	else
		a->garps = g->next;
	if (g->next != NULL)
		g->next->prev = g->prev;
	else
		a->garp_last = g->prev;
}

/*
 * Cancel the series still running for @addr on @ifindex, if any. The timer stays armed
 * for the old head: when it fires nothing is due and it re-arms for the new head.
 */
static void
garp_cancel(struct tunu_arp *a, int ifindex, struct in_addr addr)
{
	struct garp **pp = garp_slot(a, ifindex, addr), *g = *pp;

	if (g == NULL)
		return;
	*pp = g->hnext;
	garp_unlink(a, g);
	free(g);
}

/* Send the repeats that are due, requeue those with more to go, re-arm for the head. */
static void
garp_fire(void *arg)
{
	struct tunu_arp *a = arg;
	uint64_t now = ev_now_ms();
	struct garp *g;
	int rc;

	while ((g = a->garps) != NULL && g->due_ms <= now) {
		garp_unlink(a, g);
		rc = garp_send(a, g->ifindex, g->addr, g->own_mac ? NULL : g->mac);
		if (rc < 0)
			log_rl(&a->rl, LOG_SS_TUNNEL, LOG_WARNING,
			       "gratuitous ARP on ifindex %d: %s", g->ifindex, strerror(-rc));
		if (--g->left == 0) {
			struct garp **pp = garp_slot(a, g->ifindex, g->addr);

			*pp = g->hnext;
			free(g);
			continue;
		}
		/* now + gap is not before any due time queued so far: the FIFO stays sorted. */
		g->due_ms = now + GARP_GAP_MS;
		garp_push(a, g);
	}
	if (a->garps != NULL)
		ev_timer_arm(a->garp_t, a->garps->due_ms - now);
}

int
tunu_arp_announce(struct tunu_arp *a, const char *ifname, struct in_addr addr, const uint8_t *mac,
                  unsigned count)
{
	int ifindex = (int)if_nametoindex(ifname);
	struct garp *g, **pp;
	int rc;

	if (ifindex == 0)
		return -ENODEV;
	if (count == 0 || count > GARP_MAX)
		return -EINVAL;
	if (mac != NULL && memcmp(mac, zero_mac, ETH_ALEN) == 0)
		mac = NULL;
	garp_cancel(a, ifindex, addr); /* this announcement supersedes it */
	rc = garp_send(a, ifindex, addr, mac);
	if (rc < 0) {
		log_rl(&a->rl, LOG_SS_TUNNEL, LOG_WARNING, "gratuitous ARP on %s: %s", ifname,
		       strerror(-rc));
		return rc;
	}
	if (count == 1)
		return 0;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	g->ifindex = ifindex;
	g->addr = addr;
	g->own_mac = mac == NULL;
	if (mac != NULL)
		memcpy(g->mac, mac, ETH_ALEN);
	g->left = count - 1;
	g->due_ms = ev_now_ms() + GARP_GAP_MS;
	garp_push(a, g);
	pp = garp_slot(a, ifindex, addr); /* empty: cancelled above */
	g->hnext = *pp;
	*pp = g;
	if (a->garps == g)
		ev_timer_arm(a->garp_t, GARP_GAP_MS);
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
	return h * 0x45d9f3bu >> 7;
}

static struct arp_ent **
ent_slot(struct tunu_arp *a, int ifindex, in_addr_t addr, const uint8_t *req)
{
	struct arp_ent **pp = &a->b[ent_hash(ifindex, addr, req) & (a->nb - 1)];

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

/* Double the entry table (at most one entry per bucket on average); on ENOMEM keep it. */
static void
ent_grow(struct tunu_arp *a)
{
	size_t nb = a->nb * 2;
	struct arp_ent **b = calloc(nb, sizeof(*b)), *e, *next;

	if (b == NULL)
		return;
	for (size_t i = 0; i < a->nb; i++) {
		for (e = a->b[i]; e != NULL; e = next) {
			size_t k =
			        ent_hash(e->ifindex, e->pa.addr.s_addr, e->pa.requester) & (nb - 1);

			next = e->hnext;
			e->hnext = b[k];
			b[k] = e;
		}
	}
	free(a->b);
	a->b = b;
	a->nb = nb;
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
	    memcmp(pa->answer_mac, zero_mac, ETH_ALEN) != 0 ||
	    (pa->addr.s_addr != INADDR_ANY && a->n_kernel >= ARP_KERNEL_MAX)) {
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
	if (e->mode == ARP_NEIGH)
		a->n_kernel++;
	if (++a->n > a->nb)
		ent_grow(a);
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
	a->n--;
	if (e->mode == ARP_NEIGH)
		a->n_kernel--;
	ent_undo(a, e);
	free(e);
	if (pa->addr.s_addr != INADDR_ANY)
		garp_cancel(a, ifindex, pa->addr); /* no more "it is here" for it */
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
	a->garp_fd = -1;
	a->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 10);
	a->garp_t = ev_timer_new(loop, garp_fire, a);
	a->nb = ARP_BUCKETS;
	a->b = calloc(a->nb, sizeof(*a->b));
	if (a->garp_t == NULL || a->b == NULL) {
		ev_timer_free(a->garp_t);
		free(a->b);
		free(a);
		return NULL;
	}
	return a;
}

void
tunu_arp_free(struct tunu_arp *a)
{
	struct arp_ent *e;
	struct garp *g;

	if (a == NULL)
		return;
	while ((g = a->garps) != NULL) {
		a->garps = g->next;
		free(g);
	}
	ev_timer_free(a->garp_t);
	if (a->garp_fd >= 0)
		close(a->garp_fd);
	for (size_t i = 0; i < a->nb; i++) {
		while ((e = a->b[i]) != NULL) {
			a->b[i] = e->hnext;
			ent_undo(a, e);
			free(e);
		}
	}
	free(a->b);
	free(a);
}
