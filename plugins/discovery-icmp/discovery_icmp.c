/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * discovery_icmp.c - discovery-icmp: mobility agents from ICMP agent advertisements.
 *
 * DOC: one instance listens on a set of interfaces (agent-discovery-interface,
 * or by default the bridge that client-interface is a port of, or every
 * non-loopback interface that is up and not enslaved) and reports:
 *
 *   DISC_AGENT_FOUND     first advertisement of (interface, source), or one
 *                        whose roles, flags, maximum lifetime, care-of
 *                        addresses, prefix length or MAC differ
 *   DISC_AGENT_REBOOTED  sequence number went down to below 256 (RFC 5944
 *                        section 2.3.2: mip_adv_seq_rebooted())
 *   DISC_AGENT_LOST      no advertisement within the advertised ICMP
 *                        lifetime, or an advertisement with lifetime 0
 *
 * Reception. Each interface has its own AF_PACKET datagram socket bound to
 * it (ETH_P_ALL, so that a bridge port works too), with a classic BPF filter
 * passing only received IPv4 ICMP type 9. One recvfrom()
 * gives the IPv4 packet, the interface and the link-layer source together, so
 * the agent's MAC needs no second socket to correlate with, and binding per
 * interface means a frame seen on a bridge port and again on the bridge is
 * read once. The price is that the IPv4 header is checked here (pure code in
 * dicmp_parse.c) and fragments are not reassembled: they are counted invalid
 * (an advertisement fits in any link MTU). Frames the host sent itself
 * (PACKET_OUTGOING) are skipped.
 *
 * Solicitations (type 10, IP TTL 1) leave through one raw ICMP socket that
 * receives nothing (its ICMP filter drops every type), to 224.0.0.2 or
 * 255.255.255.255, on the interface chosen per message with IP_PKTINFO. Per
 * interface, a trigger (start, or solicit()) sends at most 3, 3 s apart
 * (RFC 1256 MAX_SOLICITATIONS, SOLICITATION_INTERVAL), and stops as soon as
 * an advertisement arrives on that interface; a trigger while a burst runs or
 * within 3 s of the last solicitation is refused with -EAGAIN.
 *
 * Events are delivered through disc_evq (deferred), never from inside an op.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libyang/libyang.h>

#include "disc_evq.h"
#include "dicmp_parse.h"
#include "discovery.h"
#include "ev.h"
#include "log.h"
#include "plugin.h"
#include "role.h"

#define DICMP_IFS_MAX     32   /* interfaces per instance */
#define DICMP_AGENTS_MAX  64   /* agents tracked; more are dropped (logged) */
#define DICMP_RX_BUDGET   64   /* packets read per readiness event */
#define DICMP_RXBUF       4096 /* larger packets are counted invalid */
#define DICMP_SOL_MAX     3    /* RFC 1256 MAX_SOLICITATIONS */
#define DICMP_SOL_GAP_MS  3000 /* RFC 1256 SOLICITATION_INTERVAL */
#define DICMP_RETRY_MS    1000 /* reopen an interface whose socket failed */
#define DICMP_ICMP_FILTER 1    /* ICMP_FILTER of linux/icmp.h (clashes with net/if.h) */
#define DICMP_ALL_ROUTERS 0xe0000002u

struct dicmp;

/** struct dicmp_if - one interface the instance listens and solicits on. */
struct dicmp_if {
	struct dicmp *d;
	char name[IF_NAMESIZE];
	unsigned ifindex;
	int fd;
	struct ev_io *io;
	struct ev_timer *sol_timer;
	struct ev_timer *retry;
	unsigned sol_left;
	uint64_t last_sol_ms;
};

/** struct dicmp_agent - an agent heard on one interface. */
struct dicmp_agent {
	struct dicmp_agent *next;
	struct dicmp *d;
	struct disc_agent a;
	struct ev_timer *lost;
};

/** struct dicmp_cfg - settings read from /pmip/proxy. */
struct dicmp_cfg {
	char client_if[IF_NAMESIZE];
	size_t n_ifs;
	char ifs[DICMP_IFS_MAX][IF_NAMESIZE];
	bool broadcast;
};

struct dicmp {
	const struct disc_env *env;
	struct disc_evq q;
	struct dicmp_cfg cfg;
	bool running;
	int fd_tx;
	size_t n_ifs;
	struct dicmp_if *ifs[DICMP_IFS_MAX];
	struct dicmp_agent *agents;
	size_t n_agents;
	struct disc_status st;
	struct log_ratelimit rl;       /* errors and discarded packets */
	struct log_ratelimit rl_agent; /* agents found, changed, lost: a peer can churn them */
	struct dicmp_pkt pkt;
	uint8_t buf[DICMP_RXBUF];
};

static void dicmp_stop(void *inst);

/* --- configuration --- */

static int
dicmp_cfg_parse(const struct lyd_node *cfg, struct dicmp_cfg *c, char *errmsg, size_t errlen)
{
	const struct lyd_node *n;

	memset(c, 0, sizeof(*c));
	if (cfg == NULL)
		return 0;
	LY_LIST_FOR (lyd_child(cfg), n) {
		const char *name = LYD_NAME(n), *val = lyd_get_value(n);

		if (val == NULL)
			continue;
		if (strcmp(name, "client-interface") == 0) {
			snprintf(c->client_if, sizeof(c->client_if), "%s", val);
		} else if (strcmp(name, "agent-discovery-interface") == 0) {
			if (c->n_ifs == DICMP_IFS_MAX) {
				snprintf(errmsg, errlen,
				         "more than %d agent-discovery-interface entries",
				         DICMP_IFS_MAX);
				return -1;
			}
			snprintf(c->ifs[c->n_ifs++], IF_NAMESIZE, "%s", val);
		} else if (strcmp(name, "solicitation-destination") == 0) {
			c->broadcast = strcmp(val, "broadcast") == 0;
		}
	}
	return 0;
}

/* Name of the bridge (or other master) @ifname is enslaved to, from sysfs. */
static int
dicmp_master_of(const char *ifname, char out[IF_NAMESIZE])
{
	char path[64], link[256];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/master", ifname);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return -1;
	link[n] = '\0';
	base = strrchr(link, '/');
	base = base != NULL ? base + 1 : link;
	if (strlen(base) >= IF_NAMESIZE)
		return -1;
	snprintf(out, IF_NAMESIZE, "%s", base);
	return 0;
}

/* The interface names to use: configured, the client interface's bridge, or all that are up. */
static int
dicmp_if_names(const struct dicmp_cfg *c, char names[][IF_NAMESIZE], size_t *n, char *errmsg,
               size_t errlen)
{
	struct if_nameindex *all, *p;
	int s;

	*n = 0;
	if (c->n_ifs > 0) {
		memcpy(names, c->ifs, c->n_ifs * IF_NAMESIZE);
		*n = c->n_ifs;
		return 0;
	}
	if (c->client_if[0] != '\0' && dicmp_master_of(c->client_if, names[0]) == 0) {
		*n = 1;
		return 0;
	}
	all = if_nameindex();
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (all == NULL || s < 0) {
		snprintf(errmsg, errlen, "cannot list interfaces: %s", strerror(errno));
		if_freenameindex(all);
		if (s >= 0)
			close(s);
		return -1;
	}
	for (p = all; p->if_index != 0 && *n < DICMP_IFS_MAX; p++) {
		struct ifreq ifr;
		char master[IF_NAMESIZE];

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", p->if_name);
		if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0 || !(ifr.ifr_flags & IFF_UP) ||
		    (ifr.ifr_flags & IFF_LOOPBACK) || dicmp_master_of(p->if_name, master) == 0)
			continue;
		snprintf(names[(*n)++], IF_NAMESIZE, "%s", p->if_name);
	}
	close(s);
	if_freenameindex(all);
	return 0;
}

/* --- agents --- */

static struct dicmp_agent *
dicmp_agent_find(struct dicmp *d, unsigned ifindex, struct in_addr addr)
{
	for (struct dicmp_agent *a = d->agents; a != NULL; a = a->next)
		if (a->a.ifindex == ifindex && a->a.addr.s_addr == addr.s_addr)
			return a;
	return NULL;
}

static void
dicmp_emit_agent(struct dicmp *d, enum disc_event ev, const struct disc_agent *a)
{
	union disc_event_data data;

	memset(&data, 0, sizeof(data));
	data.agent = *a;
	if (disc_evq_push(&d->q, ev, &data) != 0)
		log_rl(&d->rl, LOG_SS_DISCOVERY, LOG_WARNING, "discovery-icmp: event dropped");
}

/* Forget @a; with @report, queue DISC_AGENT_LOST first. */
static void
dicmp_agent_drop(struct dicmp *d, struct dicmp_agent *a, bool report)
{
	struct dicmp_agent **pp;

	for (pp = &d->agents; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	}
	if (report) {
		char s[INET_ADDRSTRLEN];

		log_rl(&d->rl_agent, LOG_SS_DISCOVERY, LOG_INFO,
		       "discovery-icmp: agent %s on %s lost",
		       inet_ntop(AF_INET, &a->a.addr, s, sizeof(s)), a->a.ifname);
		dicmp_emit_agent(d, DISC_AGENT_LOST, &a->a);
	}
	ev_timer_free(a->lost);
	free(a);
	d->n_agents--;
}

static void
dicmp_agent_expired(void *arg)
{
	struct dicmp_agent *a = arg;

	dicmp_agent_drop(a->d, a, true);
}

/* Take in one valid advertisement heard on @ifp from @mac (NULL if none). */
static void
dicmp_agent_input(struct dicmp *d, struct dicmp_if *ifp, const uint8_t *mac)
{
	struct disc_agent cur;
	struct dicmp_agent *a;
	char s[INET_ADDRSTRLEN];

	dicmp_agent_from_adv(&d->pkt, &cur);
	cur.ifindex = ifp->ifindex;
	snprintf(cur.ifname, sizeof(cur.ifname), "%s", ifp->name);
	if (mac != NULL) {
		cur.has_mac = true;
		memcpy(cur.mac, mac, DISC_MAC_LEN);
	}
	inet_ntop(AF_INET, &cur.addr, s, sizeof(s));
	a = dicmp_agent_find(d, cur.ifindex, cur.addr);
	if (cur.adv_lifetime == 0) { /* RFC 1256: the router is going away */
		if (a != NULL)
			dicmp_agent_drop(d, a, true);
		return;
	}
	if (a == NULL) {
		if (d->n_agents >= DICMP_AGENTS_MAX) {
			log_rl(&d->rl, LOG_SS_DISCOVERY, LOG_WARNING,
			       "discovery-icmp: agent %s on %s ignored: %d agents known", s,
			       ifp->name, DICMP_AGENTS_MAX);
			return;
		}
		a = calloc(1, sizeof(*a));
		if (a == NULL ||
		    (a->lost = ev_timer_new(d->env->loop, dicmp_agent_expired, a)) == NULL) {
			free(a);
			log_rl(&d->rl, LOG_SS_DISCOVERY, LOG_ERR, "discovery-icmp: out of memory");
			return;
		}
		a->d = d;
		a->a = cur;
		a->next = d->agents;
		d->agents = a;
		d->n_agents++;
		log_rl(&d->rl_agent, LOG_SS_DISCOVERY, LOG_INFO,
		       "discovery-icmp: agent %s on %s found (flags 0x%04x)", s, ifp->name,
		       cur.flags);
		dicmp_emit_agent(d, DISC_AGENT_FOUND, &cur);
	} else {
		bool rebooted = mip_adv_seq_rebooted(a->a.seq, cur.seq);
		bool changed = dicmp_agent_changed(&a->a, &cur);

		a->a = cur;
		if (rebooted) {
			log_rl(&d->rl_agent, LOG_SS_DISCOVERY, LOG_INFO,
			       "discovery-icmp: agent %s on %s rebooted", s, ifp->name);
			dicmp_emit_agent(d, DISC_AGENT_REBOOTED, &cur);
		}
		if (changed) {
			log_rl(&d->rl_agent, LOG_SS_DISCOVERY, LOG_INFO,
			       "discovery-icmp: agent %s on %s changed (flags 0x%04x)", s,
			       ifp->name, cur.flags);
			dicmp_emit_agent(d, DISC_AGENT_FOUND, &cur);
		}
	}
	ev_timer_arm(a->lost, (uint64_t)cur.adv_lifetime * 1000);
}

/* --- solicitations --- */

static int
dicmp_sol_send(struct dicmp *d, struct dicmp_if *ifp)
{
	struct in_addr any = { INADDR_ANY };
	struct in_addr to = { htonl(d->cfg.broadcast ? INADDR_BROADCAST : DICMP_ALL_ROUTERS) };
	uint8_t msg[MIP_ADV_SOL_LEN];
	size_t len;
	int rc;

	if (mip_adv_sol_encode(msg, sizeof(msg), &len) != MIP_ADV_OK)
		return -EINVAL;
	ifp->last_sol_ms = ev_now_ms();
	rc = role_raw_send(d->fd_tx, ifp->ifindex, any, to, msg, len);
	if (rc < 0) {
		log_rl(&d->rl, LOG_SS_DISCOVERY, LOG_WARNING,
		       "discovery-icmp: %s: solicitation: %s", ifp->name, strerror(-rc));
		return rc;
	}
	d->st.tx++;
	log_debug(LOG_SS_DISCOVERY, "discovery-icmp: %s: solicitation sent", ifp->name);
	return 0;
}

static void
dicmp_sol_fire(void *arg)
{
	struct dicmp_if *ifp = arg;

	if (ifp->sol_left == 0)
		return;
	ifp->sol_left--;
	dicmp_sol_send(ifp->d, ifp);
	if (ifp->sol_left > 0)
		ev_timer_arm(ifp->sol_timer, DICMP_SOL_GAP_MS);
}

/* Start a burst of solicitations on @ifp unless one runs or the last was too recent. */
static int
dicmp_sol_trigger(struct dicmp_if *ifp)
{
	uint64_t now = ev_now_ms();
	int rc;

	if (ifp->sol_left > 0 ||
	    (ifp->last_sol_ms != 0 && now < ifp->last_sol_ms + DICMP_SOL_GAP_MS))
		return -EAGAIN;
	ifp->sol_left = DICMP_SOL_MAX - 1;
	rc = dicmp_sol_send(ifp->d, ifp);
	ev_timer_arm(ifp->sol_timer, DICMP_SOL_GAP_MS);
	return rc;
}

/* --- interfaces --- */

static void dicmp_if_retry(void *arg);

static void
dicmp_if_close_fd(struct dicmp_if *ifp)
{
	ev_io_free(ifp->io);
	ifp->io = NULL;
	if (ifp->fd >= 0)
		close(ifp->fd);
	ifp->fd = -1;
}

static void
dicmp_if_readable(int fd, unsigned what, void *arg)
{
	struct dicmp_if *ifp = arg;
	struct dicmp *d = ifp->d;

	(void)what;
	for (int i = 0; i < DICMP_RX_BUDGET; i++) {
		struct sockaddr_ll ll;
		socklen_t sl = sizeof(ll);
		ssize_t n = recvfrom(fd, d->buf, sizeof(d->buf), MSG_TRUNC, (struct sockaddr *)&ll,
		                     &sl);
		const char *why;
		enum dicmp_rx r;
		char s[INET_ADDRSTRLEN];

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			log_rl(&d->rl, LOG_SS_DISCOVERY, LOG_WARNING,
			       "discovery-icmp: %s: receive: %s; reopening", ifp->name,
			       strerror(errno));
			dicmp_if_close_fd(ifp);
			ev_timer_arm(ifp->retry, DICMP_RETRY_MS);
			return;
		}
		if (ll.sll_pkttype == PACKET_OUTGOING)
			continue;
		d->st.rx++;
		if ((size_t)n > sizeof(d->buf)) {
			d->st.rx_invalid++;
			log_rl(&d->rl, LOG_SS_DISCOVERY, LOG_NOTICE,
			       "discovery-icmp: %s: %zd-byte packet discarded: too long", ifp->name,
			       n);
			continue;
		}
		r = dicmp_parse(d->buf, (size_t)n, &d->pkt, &why);
		if (r == DICMP_RX_INVALID) {
			d->st.rx_invalid++;
			log_rl(&d->rl, LOG_SS_DISCOVERY, LOG_NOTICE,
			       "discovery-icmp: %s: advertisement from %s discarded: %s", ifp->name,
			       inet_ntop(AF_INET, &d->pkt.src, s, sizeof(s)), why);
			continue;
		}
		if (r != DICMP_RX_ADV)
			continue;
		if (d->pkt.ttl != 1)
			d->st.rx_bad_ttl++;
		ifp->sol_left = 0; /* RFC 1256: stop soliciting once answered */
		ev_timer_del(ifp->sol_timer);
		dicmp_agent_input(d, ifp, ll.sll_halen == DISC_MAC_LEN ? ll.sll_addr : NULL);
	}
}

/* Open @ifp's packet socket; 0, or -errno with @errmsg filled. */
static int
dicmp_if_open_fd(struct dicmp_if *ifp, char *errmsg, size_t errlen)
{
	/*
	 * Received (not outgoing) IPv4, protocol ICMP, type 9; offset 0 is the IP header of
	 * a datagram socket. ETH_P_ALL, because a bridge port hands its frames to the bridge
	 * before protocol-specific sockets bound to the port would see them.
	 */
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 8, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 6),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 4),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MIP_ADV_ICMP_TYPE_ADV, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int err;

	ifp->ifindex = if_nametoindex(ifp->name);
	if (ifp->ifindex == 0) {
		snprintf(errmsg, errlen, "interface %s: %s", ifp->name, strerror(errno));
		return -ENODEV;
	}
	ll.sll_ifindex = (int)ifp->ifindex;
	/* Protocol 0 until bound: nothing is queued before the filter is in place. */
	ifp->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ifp->fd < 0 ||
	    setsockopt(ifp->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    bind(ifp->fd, (struct sockaddr *)&ll, sizeof(ll)) < 0) {
		err = errno;
		snprintf(errmsg, errlen, "interface %s: packet socket: %s", ifp->name,
		         strerror(err));
		dicmp_if_close_fd(ifp);
		return -err;
	}
	ifp->io = ev_io_new(ifp->d->env->loop, ifp->fd, EV_IO_READ, dicmp_if_readable, ifp);
	if (ifp->io == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		dicmp_if_close_fd(ifp);
		return -ENOMEM;
	}
	return 0;
}

static void
dicmp_if_retry(void *arg)
{
	struct dicmp_if *ifp = arg;
	char err[128];

	if (dicmp_if_open_fd(ifp, err, sizeof(err)) != 0) {
		ev_timer_arm(ifp->retry, DICMP_RETRY_MS);
		return;
	}
	log_info(LOG_SS_DISCOVERY, "discovery-icmp: %s: listening again", ifp->name);
}

static void
dicmp_if_free(struct dicmp_if *ifp)
{
	if (ifp == NULL)
		return;
	dicmp_if_close_fd(ifp);
	ev_timer_free(ifp->sol_timer);
	ev_timer_free(ifp->retry);
	free(ifp);
}

static struct dicmp_if *
dicmp_if_new(struct dicmp *d, const char *name, char *errmsg, size_t errlen)
{
	struct dicmp_if *ifp = calloc(1, sizeof(*ifp));

	if (ifp == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	ifp->d = d;
	ifp->fd = -1;
	snprintf(ifp->name, sizeof(ifp->name), "%s", name);
	ifp->sol_timer = ev_timer_new(d->env->loop, dicmp_sol_fire, ifp);
	ifp->retry = ev_timer_new(d->env->loop, dicmp_if_retry, ifp);
	if (ifp->sol_timer == NULL || ifp->retry == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		dicmp_if_free(ifp);
		return NULL;
	}
	if (dicmp_if_open_fd(ifp, errmsg, errlen) != 0) {
		dicmp_if_free(ifp);
		return NULL;
	}
	return ifp;
}

/* Close @ifp and forget (reporting LOST with @report) the agents heard on it. */
static void
dicmp_if_remove(struct dicmp *d, struct dicmp_if *ifp, bool report)
{
	struct dicmp_agent *a, *next;

	for (a = d->agents; a != NULL; a = next) {
		next = a->next;
		if (a->a.ifindex == ifp->ifindex)
			dicmp_agent_drop(d, a, report);
	}
	dicmp_if_free(ifp);
}

static struct dicmp_if *
dicmp_if_find(struct dicmp *d, const char *name)
{
	for (size_t i = 0; i < d->n_ifs; i++)
		if (strcmp(d->ifs[i]->name, name) == 0)
			return d->ifs[i];
	return NULL;
}

/*
 * Make the interface set equal to the names @c selects: open the new ones
 * first (all or nothing), then close those no longer wanted, reporting their
 * agents lost. New interfaces get a burst of solicitations.
 */
static int
dicmp_ifs_apply(struct dicmp *d, const struct dicmp_cfg *c, char *errmsg, size_t errlen)
{
	char names[DICMP_IFS_MAX][IF_NAMESIZE];
	struct dicmp_if *next[DICMP_IFS_MAX];
	bool fresh[DICMP_IFS_MAX] = { false };
	size_t n, i;

	if (dicmp_if_names(c, names, &n, errmsg, errlen) != 0)
		return -1;
	if (n == 0) {
		snprintf(errmsg, errlen, "no interface to listen on for agent advertisements");
		return -1;
	}
	for (i = 0; i < n; i++) {
		next[i] = dicmp_if_find(d, names[i]);
		if (next[i] != NULL)
			continue;
		next[i] = dicmp_if_new(d, names[i], errmsg, errlen);
		if (next[i] == NULL) {
			while (i-- > 0)
				if (fresh[i])
					dicmp_if_free(next[i]);
			return -1;
		}
		fresh[i] = true;
	}
	for (size_t j = 0; j < d->n_ifs; j++) {
		bool keep = false;

		for (i = 0; i < n && !keep; i++)
			keep = next[i] == d->ifs[j];
		if (!keep)
			dicmp_if_remove(d, d->ifs[j], true);
	}
	memcpy(d->ifs, next, n * sizeof(next[0]));
	d->n_ifs = n;
	for (i = 0; i < n; i++) {
		if (fresh[i]) {
			log_info(LOG_SS_DISCOVERY, "discovery-icmp: listening on %s",
			         next[i]->name);
			dicmp_sol_trigger(next[i]);
		}
	}
	return 0;
}

/* --- ops --- */

static void
dicmp_free(void *inst)
{
	struct dicmp *d = inst;

	disc_evq_fini(&d->q);
	free(d);
}

static void *
dicmp_create(const struct disc_env *env, char *errmsg, size_t errlen)
{
	struct dicmp *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	d->env = env;
	d->fd_tx = -1;
	d->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 20);
	d->rl_agent = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 50);
	disc_evq_init(&d->q, env, dicmp_free, d);
	return d;
}

static void
dicmp_destroy(void *inst)
{
	struct dicmp *d = inst;

	dicmp_stop(d);
	if (disc_evq_busy(&d->q)) {
		d->q.dying = true; /* freed by the flush once the upcall returns */
		return;
	}
	dicmp_free(d);
}

static int
dicmp_configure(void *inst, const struct lyd_node *cfg, char *errmsg, size_t errlen)
{
	struct dicmp *d = inst;
	struct dicmp_cfg c;
	struct dicmp_cfg old = d->cfg;

	if (dicmp_cfg_parse(cfg, &c, errmsg, errlen) != 0)
		return -1;
	d->cfg = c;
	if (d->running && dicmp_ifs_apply(d, &c, errmsg, errlen) != 0) {
		d->cfg = old;
		return -1;
	}
	return 0;
}

static int
dicmp_start(void *inst, char *errmsg, size_t errlen)
{
	struct dicmp *d = inst;
	uint32_t filt = ~0u; /* drop every ICMP type: this socket only sends */
	int one = 1, zero = 0, ttl = 1;

	if (d->running)
		return 0;
	d->fd_tx = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (d->fd_tx < 0 ||
	    setsockopt(d->fd_tx, SOL_RAW, DICMP_ICMP_FILTER, &filt, sizeof(filt)) < 0 ||
	    setsockopt(d->fd_tx, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(d->fd_tx, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0 ||
	    setsockopt(d->fd_tx, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0 ||
	    setsockopt(d->fd_tx, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)) < 0) {
		snprintf(errmsg, errlen, "ICMP socket: %s", strerror(errno));
		if (d->fd_tx >= 0)
			close(d->fd_tx);
		d->fd_tx = -1;
		return -1;
	}
	d->running = true;
	if (dicmp_ifs_apply(d, &d->cfg, errmsg, errlen) != 0) {
		dicmp_stop(d);
		return -1;
	}
	return 0;
}

static void
dicmp_stop(void *inst)
{
	struct dicmp *d = inst;

	if (!d->running)
		return;
	for (size_t i = 0; i < d->n_ifs; i++)
		dicmp_if_remove(d, d->ifs[i], false);
	d->n_ifs = 0;
	while (d->agents != NULL) /* agents of no interface; none expected */
		dicmp_agent_drop(d, d->agents, false);
	if (d->fd_tx >= 0)
		close(d->fd_tx);
	d->fd_tx = -1;
	d->running = false;
	disc_evq_clear(&d->q);
}

static int
dicmp_solicit(void *inst, const char *ifname)
{
	struct dicmp *d = inst;
	bool found = false, sent = false, limited = false;
	int err = 0;

	if (!d->running)
		return -ENOTCONN;
	for (size_t i = 0; i < d->n_ifs; i++) {
		int r;

		if (ifname != NULL && strcmp(ifname, d->ifs[i]->name) != 0)
			continue;
		found = true;
		r = dicmp_sol_trigger(d->ifs[i]);
		if (r == 0)
			sent = true;
		else if (r == -EAGAIN)
			limited = true;
		else
			err = r;
	}
	if (!found)
		return -ENOENT;
	return sent ? 0 : limited ? -EAGAIN : err;
}

static void
dicmp_get_status(void *inst, struct disc_status *st)
{
	struct dicmp *d = inst;

	*st = d->st;
	st->agents = d->n_agents;
	st->events = d->q.delivered;
}

static const struct disc_ops discovery_icmp_ops = {
	.create = dicmp_create,
	.destroy = dicmp_destroy,
	.configure = dicmp_configure,
	.start = dicmp_start,
	.stop = dicmp_stop,
	.solicit = dicmp_solicit,
	.get_status = dicmp_get_status,
};

PMIP_PLUGIN_DEFINE("discovery-icmp", PMIP_PLUGIN_DISCOVERY,
                   "mobility agents from ICMP agent advertisements; sends solicitations",
                   &discovery_icmp_ops);
