/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fa.c - foreign agent role: lifecycle, sockets, link-level I/O, tunnel back end.
 *
 * DOC: the foreign agent is split by concern:
 *   fa.c          start, reconfigure and stop; the sockets; sending to mobile nodes (at
 *                 link level), to home agents and on the ICMP socket; input dispatch
 *   fa_adv.c      agent advertisements: the FA's part of the shared sender (agent_adv.c)
 *   fa_relay.c    Registration Request checks, the pending list, relaying both ways
 *   fa_visitor.c  the visitor list, its expiry, delivery routes and reverse tunnels
 *
 * Link-layer addresses. The foreign agent must not ARP for a visitor's home address
 * (RFC 5944 section 3.7.2.3): it answers the mobile node at the link-layer source address
 * of its request and delivers tunnelled packets there. Requests are read from the UDP
 * socket (the kernel reassembles and checks them); an AF_PACKET socket filtered to UDP
 * port 434 sees the same frames first and records (interface, source address, source
 * port) -> link-layer source in a small cache. The packet socket is drained before every
 * batch of UDP reads, and the kernel queues a frame to packet sockets before the IP layer
 * delivers it, so the observation is there when the datagram is processed. Replies to
 * mobile nodes leave through the packet socket to that address, with IP and UDP headers
 * built here, which needs neither ARP nor a route to the home address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fa_int.h"
#include "mip_adv.h"
#include "plugin.h"
#include "wire.h"

#define FA_RX_BUDGET  64           /* datagrams read per readiness event */
#define FA_IP_UDP     28           /* IPv4 + UDP header */
#define FA_ALL_AGENTS "224.0.0.11" /* All Mobility Agents (RFC 5944 3.6.1.1) */

PMIP_COUNTER_TABLE(fa_counter_table, FA_COUNTERS, struct fa_counters)

void
fa_get_counters(const struct fa *fa, struct fa_counters *out)
{
	*out = fa->cnt;
}

/* --- interfaces --- */

struct fa_if *
fa_if_by_index(struct fa *fa, unsigned ifindex)
{
	for (size_t i = 0; ifindex != 0 && i < fa->n_ifs; i++)
		if (fa->ifs[i].ifindex == ifindex)
			return &fa->ifs[i];
	return NULL;
}

struct fa_if *
fa_if_by_coa(struct fa *fa, struct in_addr coa)
{
	for (size_t i = 0; i < fa->n_ifs; i++)
		if (fa->ifs[i].coa.s_addr == coa.s_addr)
			return &fa->ifs[i];
	return NULL;
}

unsigned
fa_if_resolve(struct fa *fa, struct fa_if *fi)
{
	unsigned idx = fa->hooks.ifindex != NULL ? fa->hooks.ifindex(fa->hooks.arg, fi->name)
	                                         : if_nametoindex(fi->name);

	if (idx != 0 && idx != fi->ifindex && fa->fd_icmp >= 0) {
		/* Solicitations may go to the all-routers group (RFC 1256). */
		struct ip_mreqn mr = { .imr_ifindex = (int)idx };

		inet_pton(AF_INET, "224.0.0.2", &mr.imr_multiaddr);
		if (setsockopt(fa->fd_icmp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 &&
		    errno != EADDRINUSE)
			log_warn(LOG_SS_FA, "%s: join 224.0.0.2", fi->name);
	}
	if (idx != 0 && idx != fi->ifindex && fa->fd_mc >= 0) {
		/* Requests may go to the All Mobility Agents group (RFC 5944 3.6.1.1). */
		struct ip_mreqn mr = { .imr_ifindex = (int)idx };

		inet_pton(AF_INET, FA_ALL_AGENTS, &mr.imr_multiaddr);
		if (setsockopt(fa->fd_mc, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 &&
		    errno != EADDRINUSE)
			log_warn(LOG_SS_FA, "%s: join %s", fi->name, FA_ALL_AGENTS);
	}
	fi->ifindex = idx;
	return idx;
}

/* --- sending --- */

/* Build IPv4 + UDP headers in front of @buf and send the frame to @mac on @ifindex. */
static int
fa_send_link(struct fa *fa, unsigned ifindex, const uint8_t *mac, struct in_addr from,
             const struct sockaddr_in *to, const uint8_t *buf, size_t len)
{
	size_t tot = FA_IP_UDP + len;
	uint8_t *pkt = fa->linkbuf;
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
		                  .sll_protocol = htons(ETH_P_IP),
		                  .sll_ifindex = (int)ifindex,
		                  .sll_halen = FA_MAC_LEN };
	uint16_t ck;
	ssize_t n;

	if (len > FA_TXBUF_LEN)
		return -EMSGSIZE;
	memcpy(ll.sll_addr, mac, FA_MAC_LEN);
	/* UDP header, checksummed with the pseudo header (RFC 768) placed just before it. */
	memcpy(pkt + 8, &from, 4);
	memcpy(pkt + 12, &to->sin_addr, 4);
	pkt[16] = 0;
	pkt[17] = IPPROTO_UDP;
	wire_put16(pkt + 18, (uint16_t)(8 + len));
	wire_put16(pkt + 20, MIP_UDP_PORT);
	memcpy(pkt + 22, &to->sin_port, 2);
	wire_put16(pkt + 24, (uint16_t)(8 + len));
	wire_put16(pkt + 26, 0);
	memcpy(pkt + FA_IP_UDP, buf, len);
	ck = wire_cksum(pkt + 8, 12 + 8 + len);
	wire_put16(pkt + 26, ck == 0 ? 0xffff : ck);
	/* IPv4 header, written over the pseudo header. */
	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	wire_put16(pkt + 2, (uint16_t)tot);
	pkt[6] = 0x40; /* DF */
	pkt[8] = 64;
	pkt[9] = IPPROTO_UDP;
	memcpy(pkt + 12, &from, 4);
	memcpy(pkt + 16, &to->sin_addr, 4);
	wire_put16(pkt + 10, wire_cksum(pkt, 20));
	n = sendto(fa->fd_pkt, pkt, tot, 0, (struct sockaddr *)&ll, sizeof(ll));
	return n < 0 ? -errno : 0;
}

int
fa_send_mn(struct fa *fa, unsigned ifindex, const uint8_t *mac, struct in_addr from,
           const struct sockaddr_in *to, const uint8_t *buf, size_t len)
{
	int rc;

	if (fa->use_hooks && fa->hooks.send_mn != NULL)
		rc = fa->hooks.send_mn(fa->hooks.arg, ifindex, mac, from, to, buf, len);
	else if (fa->use_hooks || fa->fd_pkt < 0)
		rc = fa->env.send != NULL ? fa->env.send(fa->env.send_arg, from, to, buf, len)
		                          : -ENOTCONN;
	else
		rc = fa_send_link(fa, ifindex, mac, from, to, buf, len);
	if (rc < 0) {
		fa->cnt.send_errors++;
		log_rl(&fa->rl, LOG_SS_FA, LOG_WARNING, "send to mobile node: %s", strerror(-rc));
	}
	return rc;
}

int
fa_send_ha(struct fa *fa, struct in_addr from, struct in_addr to, const uint8_t *buf, size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
		                   .sin_port = htons(MIP_UDP_PORT),
		                   .sin_addr = to };
	struct fa_if *fi = fa_if_by_coa(fa, from);
	int rc;

	if (fa->env.send != NULL)
		rc = fa->env.send(fa->env.send_arg, from, &sin, buf, len);
	else if (fi != NULL && fi->fd >= 0)
		rc = role_udp_send(fi->fd, from, &sin, buf, len);
	else
		rc = -ENOTCONN;
	if (rc < 0) {
		fa->cnt.send_errors++;
		log_rl(&fa->rl, LOG_SS_FA, LOG_WARNING, "send to home agent: %s", strerror(-rc));
	}
	return rc;
}

int
fa_send_adv(struct fa *fa, unsigned ifindex, struct in_addr from, struct in_addr to,
            const uint8_t *icmp, size_t len)
{
	if (fa->use_hooks)
		return fa->hooks.send_adv != NULL
		               ? fa->hooks.send_adv(fa->hooks.arg, ifindex, from, to, icmp, len)
		               : 0;
	if (fa->fd_icmp < 0)
		return -ENOTCONN;
	return role_raw_send(fa->fd_icmp, ifindex, from, to, icmp, len);
}

/* --- receiving --- */

/* Drain the packet socket into the link-layer cache. */
static void
fa_pkt_drain(struct fa *fa)
{
	llcache_drain(&fa->ll, fa->fd_pkt, 4 * FA_RX_BUDGET);
}

static void
fa_udp_readable(int fd, unsigned what, void *arg)
{
	struct fa *fa = arg;

	fa_pkt_drain(fa);
	for (int i = 0; i < FA_RX_BUDGET; i++) {
		struct role_rx rx;
		ssize_t n = role_udp_recv(fd, fa->rxbuf, MIP_MSG_MAX, &rx);

		if (n < 0)
			break;
		if ((size_t)n > MIP_MSG_MAX) {
			fa->cnt.discarded++;
			continue;
		}
		fa_input(fa, fa->rxbuf, (size_t)n, &rx, llcache_lookup(&fa->ll, &rx));
	}
}

static void
fa_pkt_readable(int fd, unsigned what, void *arg)
{
	fa_pkt_drain(arg);
}

static void
fa_icmp_readable(int fd, unsigned what, void *arg)
{
	struct fa *fa = arg;

	for (int i = 0; i < FA_RX_BUDGET; i++) {
		struct role_rx rx;
		size_t off;
		ssize_t n = role_raw_recv(fd, fa->rxbuf, 1500, &rx, &off);

		if (n == -EBADMSG) {
			fa->cnt.solicitations_bad++;
			continue;
		}
		if (n < 0)
			return;
		fa_icmp_input(fa, fa->rxbuf + off, (size_t)n, rx.dst, rx.ifindex);
	}
}

void
fa_input(struct fa *fa, const uint8_t *buf, size_t len, const struct role_rx *rx,
         const uint8_t *mac)
{
	struct fa_if *fi;

	if (len == 0) {
		fa->cnt.discarded++;
		return;
	}
	switch (buf[0]) {
	case MIP_MSG_RRQ:
		fi = fa_if_by_index(fa, rx->ifindex);
		if (fi == NULL && rx->ifindex == 0)
			fi = fa_if_by_coa(fa, rx->dst);
		if (fi == NULL || mac == NULL) {
			fa->cnt.discarded++;
			log_rl(&fa->rl, LOG_SS_FA, LOG_NOTICE, "request from %s dropped: %s",
			       inet_ntoa(rx->src.sin_addr),
			       fi == NULL ? "not on a foreign agent interface"
			                  : "link-layer source unknown");
			return;
		}
		fa_rrq_input(fa, fi, buf, len, rx, mac);
		return;
	case MIP_MSG_RRP:
		fa_rrp_input(fa, buf, len, rx);
		return;
	default:
		fa->cnt.discarded++;
		log_rl(&fa->rl, LOG_SS_FA, LOG_NOTICE, "message type %u from %s dropped", buf[0],
		       inet_ntoa(rx->src.sin_addr));
	}
}

/* --- sockets --- */

static void
fa_if_close(struct fa_if *fi)
{
	fa_adv_fini(fi);
	ev_io_free(fi->io);
	fi->io = NULL;
	if (fi->fd >= 0)
		close(fi->fd);
	fi->fd = -1;
}

static void
fa_ifs_free(struct fa_if *ifs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fa_if_close(&ifs[i]);
	free(ifs);
}

/*
 * Packet socket for UDP port 434 (link-layer sources and sending), raw ICMP socket, and UDP
 * sockets for requests sent to the limited broadcast or the All Mobility Agents group.
 */
static int
fa_open_link(struct fa *fa, char *errmsg, size_t errlen)
{
	struct in_addr bc = { htonl(INADDR_BROADCAST) }, mc;

	fa->fd_pkt = llcache_socket(MIP_UDP_PORT);
	if (fa->fd_pkt < 0) {
		snprintf(errmsg, errlen, "packet socket: %s", strerror(errno));
		return -1;
	}
	fa->fd_icmp = role_icmp_open();
	if (fa->fd_icmp < 0) {
		snprintf(errmsg, errlen, "ICMP socket: %s", strerror(errno));
		return -1;
	}
	fa->io_pkt = ev_io_new(fa->env.loop, fa->fd_pkt, EV_IO_READ, fa_pkt_readable, fa);
	fa->io_icmp = ev_io_new(fa->env.loop, fa->fd_icmp, EV_IO_READ, fa_icmp_readable, fa);
	if (fa->io_pkt == NULL || fa->io_icmp == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return -1;
	}
	/*
	 * A mobile node may send its request to the limited broadcast address or to the All
	 * Mobility Agents group instead of the advertised address (RFC 5944 3.6.1.1). These
	 * sockets take them for every FA interface; IP_PKTINFO tells which one, and the answer
	 * leaves from that interface's care-of address (fa_rrq_input).
	 */
	inet_pton(AF_INET, FA_ALL_AGENTS, &mc);
	if ((fa->fd_bc = role_udp_open(bc, MIP_UDP_PORT, errmsg, errlen)) < 0 ||
	    (fa->fd_mc = role_udp_open(mc, MIP_UDP_PORT, errmsg, errlen)) < 0)
		return -1;
	fa->io_bc = ev_io_new(fa->env.loop, fa->fd_bc, EV_IO_READ, fa_udp_readable, fa);
	fa->io_mc = ev_io_new(fa->env.loop, fa->fd_mc, EV_IO_READ, fa_udp_readable, fa);
	if (fa->io_bc == NULL || fa->io_mc == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static void
fa_close_link(struct fa *fa)
{
	ev_io_free(fa->io_pkt);
	ev_io_free(fa->io_icmp);
	ev_io_free(fa->io_bc);
	ev_io_free(fa->io_mc);
	fa->io_pkt = fa->io_icmp = fa->io_bc = fa->io_mc = NULL;
	if (fa->fd_pkt >= 0)
		close(fa->fd_pkt);
	if (fa->fd_icmp >= 0)
		close(fa->fd_icmp);
	if (fa->fd_bc >= 0)
		close(fa->fd_bc);
	if (fa->fd_mc >= 0)
		close(fa->fd_mc);
	fa->fd_pkt = fa->fd_icmp = fa->fd_bc = fa->fd_mc = -1;
}

/*
 * Build the interface array for @cfg: UDP sockets (one per distinct care-of address, none
 * with hooks or a send hook) and advertisement parts. Sequence numbers continue per
 * interface name: the old array's parts are still registered when the new ones join.
 */
static struct fa_if *
fa_ifs_new(struct fa *fa, const struct fa_config *cfg, char *errmsg, size_t errlen)
{
	struct fa_if *ifs = calloc(cfg->n_ifs != 0 ? cfg->n_ifs : 1, sizeof(*ifs));

	if (ifs == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < cfg->n_ifs; i++)
		ifs[i].fd = -1;
	for (size_t i = 0; i < cfg->n_ifs; i++) {
		struct fa_if *fi = &ifs[i];
		bool shared = false;

		fi->fa = fa;
		snprintf(fi->name, sizeof(fi->name), "%s", cfg->ifs[i].ifname);
		fi->coa = cfg->ifs[i].coa;
		fi->adv_interval_s = cfg->ifs[i].adv_interval_s ? cfg->ifs[i].adv_interval_s : 1;
		fi->adv_lifetime_s = cfg->ifs[i].adv_lifetime_s;
		for (size_t j = 0; j < i; j++)
			shared |= ifs[j].coa.s_addr == fi->coa.s_addr;
		if (!shared && !fa->use_hooks && fa->env.send == NULL) {
			fi->fd = role_udp_open(fi->coa, MIP_UDP_PORT, errmsg, errlen);
			if (fi->fd < 0 || (fi->io = ev_io_new(fa->env.loop, fi->fd, EV_IO_READ,
			                                      fa_udp_readable, fa)) == NULL) {
				fa_ifs_free(ifs, cfg->n_ifs);
				return NULL;
			}
		}
		if (fa_adv_init(fa, fi) < 0) {
			snprintf(errmsg, errlen, "out of memory");
			fa_ifs_free(ifs, cfg->n_ifs);
			return NULL;
		}
	}
	return ifs;
}

/* --- tunnel back end --- */

/* Load and create tunnel back end @backend ("" = FA_TUNNEL_BACKEND). */
static int
fa_backend_load(struct fa *fa, const char *backend, struct pmip_plugin **pl,
                const struct tun_ops **ops, void **inst, char *errmsg, size_t errlen)
{
	struct tun_env tenv = { .loop = fa->env.loop };
	char name[PMIP_PLUGIN_NAME_MAX], why[256] = "";

	snprintf(name, sizeof(name), "tunnel-%s", backend[0] != '\0' ? backend : FA_TUNNEL_BACKEND);
	*inst = NULL;
	*pl = plugin_load(fa->env.plugin_dir != NULL ? fa->env.plugin_dir : plugin_default_dir(),
	                  name, PMIP_PLUGIN_TUNNEL, why, sizeof(why));
	if (*pl != NULL) {
		*ops = plugin_ops(*pl);
		*inst = (*ops)->create(&tenv, why, sizeof(why));
		if (*inst != NULL && (*ops)->configure != NULL &&
		    (*ops)->configure(*inst, NULL, why, sizeof(why)) < 0) {
			(*ops)->destroy(*inst);
			*inst = NULL;
		}
		if (*inst == NULL) {
			plugin_unload(*pl);
			*pl = NULL;
		}
	}
	if (*pl == NULL) {
		snprintf(errmsg, errlen, "tunnel-backend \"%s\": %s", name + strlen("tunnel-"),
		         why);
		return -1;
	}
	return 0;
}

static int
fa_tunnel_open(struct fa *fa, const struct fa_config *cfg, char *errmsg, size_t errlen)
{
	if (fa->hooks.tun_ops != NULL) {
		fa->tun_ops = fa->hooks.tun_ops;
		fa->tun = fa->hooks.tun_inst;
	} else if (fa_backend_load(fa, cfg->tunnel_backend, &fa->tun_plugin, &fa->tun_ops, &fa->tun,
	                           errmsg, errlen) < 0) {
		fa->tun_ops = NULL;
		return -1;
	}
	fa->tun_caps = tun_caps(fa->tun_ops, fa->tun);
	return 0;
}

static void
fa_tunnel_close(struct fa *fa)
{
	if (fa->tun_plugin != NULL) {
		if (fa->tun != NULL)
			fa->tun_ops->destroy(fa->tun);
		plugin_unload(fa->tun_plugin);
	}
	fa->tun_plugin = NULL;
	fa->tun_ops = NULL;
	fa->tun = NULL;
}

/* --- lifecycle --- */

struct fa *
fa_start_hooks(const struct role_env *env, const struct fa_config *cfg,
               const struct fa_hooks *hooks, char *errmsg, size_t errlen)
{
	struct fa *fa = calloc(1, sizeof(*fa));
	static const struct log_ratelimit rl = LOG_RATELIMIT_INIT(10, 10);

	if (fa == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	fa->env = *env;
	fa->cfg = *cfg;
	fa->cfg.ifs = NULL;
	fa->rl = rl;
	fa->fd_pkt = fa->fd_icmp = fa->fd_bc = fa->fd_mc = -1;
	if (hooks != NULL) {
		fa->hooks = *hooks;
		fa->use_hooks = true;
	}
	fa->rxbuf = malloc(MIP_MSG_MAX);
	fa->txbuf = malloc(FA_TXBUF_LEN);
	fa->linkbuf = malloc(FA_IP_UDP + FA_TXBUF_LEN);
	if (fa->rxbuf == NULL || fa->txbuf == NULL || fa->linkbuf == NULL ||
	    fa_visitors_init(fa) < 0) {
		snprintf(errmsg, errlen, "out of memory");
		goto fail;
	}
	if (fa_tunnel_open(fa, cfg, errmsg, errlen) < 0)
		goto fail;
	if (!fa->use_hooks && env->send == NULL && fa_open_link(fa, errmsg, errlen) < 0)
		goto fail;
	fa->ifs = fa_ifs_new(fa, cfg, errmsg, errlen);
	if (fa->ifs == NULL)
		goto fail;
	fa->n_ifs = cfg->n_ifs;
	log_info(LOG_SS_FA, "foreign agent started on %zu interface(s)", fa->n_ifs);
	return fa;
fail:
	fa_stop(fa);
	return NULL;
}

struct fa *
fa_start(const struct role_env *env, const struct fa_config *cfg, char *errmsg, size_t errlen)
{
	return fa_start_hooks(env, cfg, NULL, errmsg, errlen);
}

/* Is @b the back end already loaded for @a? ("" names the default.) */
static bool
fa_backend_same(const char *a, const char *b)
{
	return strcmp(a[0] != '\0' ? a : FA_TUNNEL_BACKEND, b[0] != '\0' ? b : FA_TUNNEL_BACKEND) ==
	       0;
}

int
fa_reconfigure(struct fa *fa, const struct fa_config *cfg, char *errmsg, size_t errlen)
{
	struct pmip_plugin *pl = NULL;
	const struct tun_ops *ops = NULL;
	void *inst = NULL;
	bool new_backend = fa->hooks.tun_ops == NULL &&
	                   !fa_backend_same(cfg->tunnel_backend, fa->cfg.tunnel_backend);
	struct fa_if *ifs;

	if (new_backend &&
	    fa_backend_load(fa, cfg->tunnel_backend, &pl, &ops, &inst, errmsg, errlen) < 0)
		return -1;
	/* SO_REUSEADDR lets the new sockets bind while the old ones still exist. */
	ifs = fa_ifs_new(fa, cfg, errmsg, errlen);
	if (ifs == NULL) {
		if (inst != NULL)
			ops->destroy(inst);
		plugin_unload(pl);
		return -1;
	}
	fa_pending_drop_lookups(fa);
	if (new_backend) {
		/* The visitors' forwarding state lives in the old back end: drop them. */
		struct fa_visitor_info vi;

		while (fa_visitor_next(fa, NULL, &vi) == 0)
			fa_visitor_remove(fa, fa_visitor_find(fa, vi.hoa));
		fa_tunnel_close(fa);
		fa->tun_plugin = pl;
		fa->tun_ops = ops;
		fa->tun = inst;
	}
	fa_ifs_free(fa->ifs, fa->n_ifs);
	fa->ifs = ifs;
	fa->n_ifs = cfg->n_ifs;
	fa->cfg = *cfg;
	fa->cfg.ifs = NULL;
	fa->tun_caps = tun_caps(fa->tun_ops, fa->tun);
	fa_visitors_prune(fa);
	fa_adv_refresh(fa);
	log_info(LOG_SS_FA, "foreign agent reconfigured: %zu interface(s)%s", fa->n_ifs,
	         new_backend ? ", tunnel back end changed" : "");
	return 0;
}

void
fa_set_keystore(struct fa *fa, struct ks_chain *chain)
{
	fa_pending_drop_lookups(fa);
	fa->env.ks_chain = chain;
}

void
fa_stop(struct fa *fa)
{
	if (fa == NULL)
		return;
	fa_pending_free_all(fa);
	fa_visitors_fini(fa);
	fa_ifs_free(fa->ifs, fa->n_ifs);
	fa_close_link(fa);
	fa_tunnel_close(fa);
	free(fa->rxbuf);
	free(fa->txbuf);
	free(fa->linkbuf);
	free(fa);
}

static void *
fa_class_start(const struct role_env *env, const void *cfg, char *errmsg, size_t errlen)
{
	return fa_start(env, cfg, errmsg, errlen);
}

static int
fa_class_reconfigure(void *inst, const void *cfg, char *errmsg, size_t errlen)
{
	return fa_reconfigure(inst, cfg, errmsg, errlen);
}

static void
fa_class_set_keystore(void *inst, struct ks_chain *chain)
{
	fa_set_keystore(inst, chain);
}

static void
fa_class_stop(void *inst)
{
	fa_stop(inst);
}

const struct role_class fa_role_class = {
	.name = "foreign-agent",
	.start = fa_class_start,
	.reconfigure = fa_class_reconfigure,
	.set_keystore = fa_class_set_keystore,
	.stop = fa_class_stop,
};
