/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ha.c - the home agent role: lifecycle, sockets, forwarding through the tunnel back end.
 *
 * DOC: the home agent is split by concern.
 *   - ha.c (this file): ha_start/ha_reconfigure/ha_stop and the role class, the UDP
 *     sockets of the home networks, and the forwarding state of bindings driven through
 *     the tunnel back end (struct tun_ops): shared tunnels to care-of addresses, the host
 *     route of each mobile node, proxy ARP and gratuitous ARP on the home link.
 *   - ha_reg.c: registration processing, from a received datagram to the reply (the
 *     stage diagram is there), pending key-store lookups, security-violation records.
 *   - ha_binding.c: the binding table (index by home address, expiry heap, the binding
 *     lifetime diagram) and the state accessors.
 *   - ha_int.h: the objects the three share; ha.h and ha_counters.h: the public API.
 *
 * Forwarding of one mobile node: each binding holds a reference on the tunnel from the
 * HA's address on the node's home network to its care-of address, with the encapsulation
 * it registered (IP-in-IP, or GRE with the G bit; an encapsulation missing from the back
 * end's capability mask is refused with code 139 before any tunnel is made). With
 * simultaneous bindings (RFC 5944 section 3.6.1.2) every arriving datagram is tunnelled
 * to each care-of address: when the back end has TUN_CAP_MULTI_ROUTE, each binding holds
 * its own member route (TUN_ROUTE_F_MEMBER) for the home address and removing a binding
 * removes only its member. A back end without it keys routes by destination only, so the
 * host route points into one tunnel, that of the most recent registration, and moves to
 * another remaining binding when that one goes.
 * The first binding of a node installs proxy ARP for the home address on the home
 * network's interface and announces it with gratuitous ARPs; the last one removes the
 * proxy ARP entry.
 *
 * Return home (RFC 5944 section 4.6). When a node deregisters from its home link, the HA
 * announces the home address at the node's own link-layer address, so that neighbours
 * stop sending to the HA. That address is the source of the request's frame, seen by an
 * AF_PACKET socket filtered to UDP port 434 (as the FA does, decision 10) and drained
 * before every batch of UDP reads; a deregistration through a foreign agent or an expiry
 * announces nothing, since the node is not on the home link.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ha_int.h"
#include "wire.h"

#define HA_RX_BUDGET  64 /* datagrams read per socket per loop pass */
#define HA_GARP_COUNT 3
#define HA_TUN_HASH   64

/* --- counters --- */

PMIP_COUNTER_TABLE(ha_counter_table, HA_COUNTERS, struct ha_counters)

void
ha_get_counters(const struct ha *ha, struct ha_counters *out)
{
	*out = ha->cnt;
}

int
ha_net_of(const struct ha *ha, struct in_addr addr)
{
	for (size_t i = 0; i < ha->n_nets; i++)
		if ((addr.s_addr & ha->nets[i].mask.s_addr) ==
		    (ha->nets[i].addr.s_addr & ha->nets[i].mask.s_addr))
			return (int)i;
	return -1;
}

/* --- tunnels shared by bindings --- */

static size_t
ha_tun_bucket(struct in_addr local, struct in_addr coa, uint8_t encap, size_t size)
{
	uint64_t h = ((uint64_t)local.s_addr << 32 | coa.s_addr) ^ encap;

	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 40) & (size - 1);
}

static void
ha_tun_hash_grow(struct ha *ha)
{
	size_t size = ha->tun_hash_size * 2;
	struct ha_tun **t = calloc(size, sizeof(*t));

	if (t == NULL)
		return;
	for (size_t i = 0; i < ha->tun_hash_size; i++) {
		struct ha_tun *x, *next;

		for (x = ha->tun_hash[i]; x != NULL; x = next) {
			size_t j = ha_tun_bucket(x->local, x->coa, x->encap, size);

			next = x->hnext;
			x->hnext = t[j];
			t[j] = x;
		}
	}
	free(ha->tun_hash);
	ha->tun_hash = t;
	ha->tun_hash_size = size;
}

/* Take a reference on the tunnel (@local, @coa, @encap), creating it; NULL with *@err. */
static struct ha_tun *
ha_tun_get(struct ha *ha, struct in_addr local, struct in_addr coa, uint8_t encap, int *err)
{
	size_t i = ha_tun_bucket(local, coa, encap, ha->tun_hash_size);
	struct tun_params tp = { .local = local, .remote = coa, .encap = encap };
	struct ha_tun *t;
	char msg[128] = "";

	for (t = ha->tun_hash[i]; t != NULL; t = t->hnext) {
		if (t->local.s_addr == local.s_addr && t->coa.s_addr == coa.s_addr &&
		    t->encap == encap) {
			t->refcnt++;
			return t;
		}
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = ha->tun_ops->tunnel_add(ha->tun, &tp, &t->id, msg, sizeof(msg));
	if (*err < 0) {
		ha->cnt.tunnel_errors++;
		log_rl(&ha->rl, LOG_SS_HA, LOG_WARNING, "tunnel to %s not created: %s",
		       inet_ntoa(coa), msg[0] != '\0' ? msg : strerror(-*err));
		free(t);
		return NULL;
	}
	t->local = local;
	t->coa = coa;
	t->encap = encap;
	t->refcnt = 1;
	if (ha->n_tun >= ha->tun_hash_size)
		ha_tun_hash_grow(ha);
	i = ha_tun_bucket(local, coa, encap, ha->tun_hash_size);
	t->hnext = ha->tun_hash[i];
	ha->tun_hash[i] = t;
	ha->n_tun++;
	return t;
}

static void
ha_tun_put(struct ha *ha, struct ha_tun *t)
{
	struct ha_tun **pp;

	if (t == NULL || --t->refcnt > 0)
		return;
	if (ha->tun_ops->tunnel_del(ha->tun, t->id) < 0)
		ha->cnt.tunnel_errors++;
	for (pp = &ha->tun_hash[ha_tun_bucket(t->local, t->coa, t->encap, ha->tun_hash_size)];
	     *pp != t; pp = &(*pp)->hnext)
		;
	*pp = t->hnext;
	ha->n_tun--;
	free(t);
}

/* --- forwarding state of bindings --- */

static void
ha_route_init(struct tun_route *r, const struct ha_bind *b)
{
	memset(r, 0, sizeof(*r));
	r->dst = b->mn->ix.addr;
	r->plen = 32;
	r->kind = TUN_ROUTE_TUNNEL;
	r->tunnel = b->tun != NULL ? b->tun->id : 0;
}

bool
ha_multi_route(const struct ha *ha)
{
	return (tun_caps(ha->tun_ops, ha->tun) & TUN_CAP_MULTI_ROUTE) != 0;
}

static void
ha_parp_init(struct tun_arp_proxy *pa, const struct ha *ha, const struct ha_mn *mn)
{
	memset(pa, 0, sizeof(*pa));
	snprintf(pa->ifname, sizeof(pa->ifname), "%s", ha->nets[mn->net].ifname);
	pa->addr = mn->ix.addr;
}

/* Point the node's host route into @b's tunnel, taking it from @old if set. */
static int
ha_route_move(struct ha *ha, struct ha_bind *old, struct ha_bind *b)
{
	struct tun_route r;
	char msg[128] = "";
	int err;

	if (old != NULL) {
		ha_route_init(&r, old);
		r.flags = ha_multi_route(ha) ? TUN_ROUTE_F_MEMBER : 0;
		if (ha->tun_ops->route_del(ha->tun, &r) < 0)
			ha->cnt.tunnel_errors++;
		old->routed = false;
	}
	if (b == NULL)
		return 0;
	ha_route_init(&r, b);
	r.flags = ha_multi_route(ha) ? TUN_ROUTE_F_MEMBER : 0;
	err = ha->tun_ops->route_add(ha->tun, &r, msg, sizeof(msg));
	if (err < 0) {
		ha->cnt.tunnel_errors++;
		log_rl(&ha->rl, LOG_SS_HA, LOG_WARNING, "route to %s not added: %s",
		       inet_ntoa(b->mn->ix.addr), msg[0] != '\0' ? msg : strerror(-err));
		return err;
	}
	b->routed = true;
	return 0;
}

static struct ha_bind *
ha_routed(const struct ha_mn *mn)
{
	struct ha_bind *b;

	for (b = mn->binds; b != NULL && !b->routed; b = b->next)
		;
	return b;
}

int
ha_fwd_bind(struct ha *ha, struct ha_bind *b)
{
	struct ha_mn *mn = b->mn;
	struct ha_bind *old = ha_multi_route(ha) ? NULL : ha_routed(mn);
	struct tun_arp_proxy pa;
	uint8_t encap = (b->flags & MIP_RRQ_F_G) ? TUN_ENCAP_GRE : TUN_ENCAP_IPIP;
	char msg[128] = "";
	int err;

	/* Decided from the capability mask, never by trying: the caller answers 139. */
	if ((tun_caps(ha->tun_ops, ha->tun) & tun_cap_of_encap((enum tun_encap)encap)) == 0)
		return -EOPNOTSUPP;
	b->tun = ha_tun_get(ha, ha->nets[mn->net].addr, b->coa, encap, &err);
	if (b->tun == NULL)
		return err;
	if ((err = ha_route_move(ha, old, b)) < 0)
		goto fail_route;
	if (mn->n_binds > 1)
		return 0;
	ha_parp_init(&pa, ha, mn);
	err = ha->tun_ops->proxy_arp_add(ha->tun, &pa, msg, sizeof(msg));
	if (err < 0) {
		ha_net_ifindex_invalidate(&ha->nets[mn->net], err);
		ha->cnt.tunnel_errors++;
		log_rl(&ha->rl, LOG_SS_HA, LOG_WARNING, "proxy ARP for %s on %s not added: %s",
		       inet_ntoa(mn->ix.addr), pa.ifname, msg[0] != '\0' ? msg : strerror(-err));
		ha_route_move(ha, b, NULL);
		goto fail_route;
	}
	ha->cnt.proxy_arps_sent++;
	if (ha->tun_ops->gratuitous_arp != NULL &&
	    ha->tun_ops->gratuitous_arp(ha->tun, pa.ifname, mn->ix.addr, pa.answer_mac,
	                                HA_GARP_COUNT) == 0)
		ha->cnt.gratuitous_arps_sent += HA_GARP_COUNT;
	return 0;

fail_route:
	if (old != NULL && !old->routed)
		ha_route_move(ha, NULL, old);
	ha_tun_put(ha, b->tun);
	b->tun = NULL;
	return err;
}

void
ha_binding_remove(struct ha *ha, struct ha_bind *b)
{
	struct ha_mn *mn = b->mn;
	struct tun_arp_proxy pa;
	struct ha_bind *o;

	if (b->routed) {
		/* Member routes: the other bindings keep theirs. Else hand the route over. */
		o = NULL;
		if (!ha_multi_route(ha))
			for (o = mn->binds; o != NULL && (o == b || o->tun == NULL); o = o->next)
				;
		ha_route_move(ha, b, o);
	}
	ha_tun_put(ha, b->tun);
	b->tun = NULL;
	if (mn->n_binds == 1) {
		ha_parp_init(&pa, ha, mn);
		if (ha->tun_ops->proxy_arp_del(ha->tun, &pa) < 0)
			ha->cnt.tunnel_errors++;
	}
	ha_bind_destroy(ha, b);
}

/* Remove every binding, or only those of nodes whose home network is not kept. */
static void
ha_remove_bindings(struct ha *ha, const int *keep)
{
	struct ha_mn *m, *next;

	for (m = ha_mn_first(ha); m != NULL; m = next) {
		next = ha_mn_next(ha, m->ix.addr);
		if (keep != NULL && keep[m->net] >= 0) {
			m->net = (uint8_t)keep[m->net];
			continue;
		}
		while (m->n_binds > 1)
			ha_binding_remove(ha, m->binds);
		ha_binding_remove(ha, m->binds);
	}
}

void
ha_announce_home(struct ha *ha, int net, struct in_addr hoa, const uint8_t mac[TUN_MAC_LEN])
{
	const char *ifname = ha->nets[net].ifname;
	char a[INET_ADDRSTRLEN];
	int err = ha->tun_ops->gratuitous_arp == NULL
	                  ? -EOPNOTSUPP
	                  : ha->tun_ops->gratuitous_arp(ha->tun, ifname, hoa, mac, HA_GARP_COUNT);

	if (err < 0) {
		ha_net_ifindex_invalidate(&ha->nets[net], err);
		ha->cnt.tunnel_errors++;
		return;
	}
	ha->cnt.gratuitous_arps_sent += HA_GARP_COUNT;
	log_debug(LOG_SS_HA, "%s is home again: announced at %02x:%02x:%02x:%02x:%02x:%02x on %s",
	          inet_ntop(AF_INET, &hoa, a, sizeof(a)), mac[0], mac[1], mac[2], mac[3], mac[4],
	          mac[5], ifname);
}

/* --- sockets --- */

/* Drain the packet socket into the link-layer cache. */
static void
ha_pkt_drain(struct ha *ha)
{
	llcache_drain(&ha->ll, ha->fd_pkt, 4 * HA_RX_BUDGET);
}

static void
ha_pkt_readable(int fd, unsigned what, void *arg)
{
	ha_pkt_drain(arg);
}

unsigned
ha_net_ifindex(struct ha_net *n)
{
	if (n->ifindex == 0)
		n->ifindex = if_nametoindex(n->ifname);
	return n->ifindex;
}

void
ha_net_ifindex_invalidate(struct ha_net *n, int err)
{
	if (err == -ENODEV || err == -ENXIO)
		n->ifindex = 0;
}

bool
ha_ll_lookup(struct ha *ha, const struct role_rx *rx, uint8_t mac[TUN_MAC_LEN])
{
	const uint8_t *o = llcache_lookup(&ha->ll, rx);
	bool home = false;

	if (o == NULL)
		return false;
	for (size_t i = 0; i < ha->n_nets && !home; i++)
		home = ha_net_ifindex(&ha->nets[i]) == rx->ifindex;
	if (!home)
		return false;
	memcpy(mac, o, TUN_MAC_LEN);
	return true;
}

/*
 * Packet socket for frames to UDP port 434 (unfragmented), for the link-layer source of
 * requests from the home link. Without it (no CAP_NET_RAW) the HA works, minus the
 * announcement of a node back home.
 */
static void
ha_pkt_open(struct ha *ha)
{
	ha->fd_pkt = llcache_socket(ha->cfg.udp_port);
	if (ha->fd_pkt < 0 || (ha->io_pkt = ev_io_new(ha->env.loop, ha->fd_pkt, EV_IO_READ,
	                                              ha_pkt_readable, ha)) == NULL) {
		log_warn(LOG_SS_HA, "packet socket: no gratuitous ARP when a node returns home");
		if (ha->fd_pkt >= 0)
			close(ha->fd_pkt);
		ha->fd_pkt = -1;
	}
}

static void
ha_sock_read(int fd, unsigned what, void *arg)
{
	struct ha_net *net = arg;
	struct ha *ha = net->ha;
	struct role_rx rx;

	ha_pkt_drain(ha);
	for (int i = 0; i < HA_RX_BUDGET; i++) {
		ssize_t n = role_udp_recv(fd, ha->rxbuf, MIP_MSG_MAX + 1, &rx);

		if (n < 0)
			break;
		if (n > MIP_MSG_MAX) {
			ha->cnt.discarded++;
			continue;
		}
		ha_input(ha, ha->rxbuf, (size_t)n, &rx);
	}
}

static void
ha_net_close(struct ha_net *n)
{
	ev_io_free(n->io_uc);
	ev_io_free(n->io_bc);
	if (n->fd_uc >= 0)
		close(n->fd_uc);
	if (n->fd_bc >= 0)
		close(n->fd_bc);
	n->io_uc = n->io_bc = NULL;
	n->fd_uc = n->fd_bc = -1;
}

static int
ha_net_open_one(struct ha *ha, struct ha_net *n, struct in_addr a, uint16_t port, int *fd,
                struct ev_io **io, char *errmsg, size_t errlen)
{
	*fd = role_udp_open(a, port, errmsg, errlen);
	if (*fd < 0)
		return -1;
	*io = ev_io_new(ha->env.loop, *fd, EV_IO_READ, ha_sock_read, n);
	if (*io == NULL) {
		snprintf(errmsg, errlen, "cannot watch the socket");
		return -1;
	}
	return 0;
}

/* Build the network table for @cfg (and open its sockets unless tests send for us). */
static struct ha_net *
ha_nets_new(struct ha *ha, const struct ha_config *cfg, char *errmsg, size_t errlen)
{
	struct ha_net *nets = calloc(cfg->n_nets != 0 ? cfg->n_nets : 1, sizeof(*nets));

	if (nets == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < cfg->n_nets; i++) {
		const struct ha_home_network *hn = &cfg->nets[i];
		struct ha_net *n = &nets[i];
		uint8_t plen = hn->prefix.len;

		n->ha = ha;
		n->fd_uc = n->fd_bc = -1;
		n->addr = hn->addr;
		n->mask.s_addr = plen != 0 ? htonl(~0u << (32 - plen)) : 0;
		if (plen < 31)
			n->bcast.s_addr = hn->addr.s_addr | ~n->mask.s_addr;
		snprintf(n->ifname, sizeof(n->ifname), "%s", hn->ifname);
	}
	if (ha->env.send != NULL)
		return nets;
	for (size_t i = 0; i < cfg->n_nets; i++) {
		struct ha_net *n = &nets[i];

		if (ha_net_open_one(ha, n, n->addr, cfg->udp_port, &n->fd_uc, &n->io_uc, errmsg,
		                    errlen) < 0 ||
		    (n->bcast.s_addr != INADDR_ANY &&
		     ha_net_open_one(ha, n, n->bcast, cfg->udp_port, &n->fd_bc, &n->io_bc, errmsg,
		                     errlen) < 0)) {
			for (size_t j = 0; j <= i; j++)
				ha_net_close(&nets[j]);
			free(nets);
			return NULL;
		}
	}
	return nets;
}

static void
ha_nets_free(struct ha_net *nets, size_t n)
{
	for (size_t i = 0; nets != NULL && i < n; i++)
		ha_net_close(&nets[i]);
	free(nets);
}

/* --- tunnel back end --- */

static int
ha_backend_load(struct ha *ha, const char *backend, struct pmip_plugin **pl,
                const struct tun_ops **ops, void **inst, char *errmsg, size_t errlen)
{
	char name[PMIP_PLUGIN_NAME_MAX];

	snprintf(name, sizeof(name), "tunnel-%s", backend);
	*pl = plugin_load(ha->env.plugin_dir != NULL ? ha->env.plugin_dir : plugin_default_dir(),
	                  name, PMIP_PLUGIN_TUNNEL, errmsg, errlen);
	if (*pl == NULL)
		return -1;
	*ops = plugin_ops(*pl);
	*inst = (*ops)->create(&ha->tun_env, errmsg, errlen);
	if (*inst != NULL && (*ops)->configure != NULL &&
	    (*ops)->configure(*inst, NULL, errmsg, errlen) < 0) {
		(*ops)->destroy(*inst);
		*inst = NULL;
	}
	if (*inst == NULL) {
		plugin_unload(*pl);
		*pl = NULL;
		return -1;
	}
	return 0;
}

static void
ha_backend_unload(struct ha *ha)
{
	if (ha->tun != NULL)
		ha->tun_ops->destroy(ha->tun);
	plugin_unload(ha->tun_plugin);
	ha->tun = NULL;
	ha->tun_plugin = NULL;
	ha->tun_ops = NULL;
}

/* --- lifecycle --- */

static int
ha_cfg_copy(struct ha_config *dst, const struct ha_config *src)
{
	struct ha_home_network *nets = calloc(src->n_nets != 0 ? src->n_nets : 1, sizeof(*nets));

	if (nets == NULL)
		return -ENOMEM;
	memcpy(nets, src->nets, src->n_nets * sizeof(*nets));
	*dst = *src;
	dst->nets = nets;
	return 0;
}

struct ha *
ha_start(const struct role_env *env, const struct ha_config *cfg, char *errmsg, size_t errlen)
{
	struct ha *ha = calloc(1, sizeof(*ha));

	if (ha == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	ha->env = *env;
	ha->fd_pkt = -1;
	ha->fd_icmp = -1;
	ha->tun_env.loop = env->loop;
	ha->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 20);
	ha->tun_hash_size = HA_TUN_HASH;
	if (cfg->n_nets > UINT8_MAX) {
		snprintf(errmsg, errlen, "at most %u home networks", UINT8_MAX);
		goto fail;
	}
	if (ha_cfg_copy(&ha->cfg, cfg) < 0 || (ha->replay = replay_table_new()) == NULL ||
	    (ha->tun_hash = calloc(HA_TUN_HASH, sizeof(*ha->tun_hash))) == NULL ||
	    (env->send == NULL && (ha->rxbuf = malloc(MIP_MSG_MAX + 1)) == NULL) ||
	    ha_bindings_init(ha) < 0) {
		snprintf(errmsg, errlen, "out of memory");
		goto fail;
	}
	if (ha_backend_load(ha, cfg->tunnel_backend, &ha->tun_plugin, &ha->tun_ops, &ha->tun,
	                    errmsg, errlen) < 0)
		goto fail;
	if ((ha->nets = ha_nets_new(ha, cfg, errmsg, errlen)) == NULL)
		goto fail;
	ha->n_nets = cfg->n_nets;
	if (env->send == NULL)
		ha_pkt_open(ha);
	if (ha_adv_open(ha, cfg, errmsg, errlen) < 0 || ha_adv_sync(ha, errmsg, errlen) < 0)
		goto fail;
	log_info(LOG_SS_HA, "home agent started: %zu home network(s), port %u, tunnel-%s",
	         ha->n_nets, cfg->udp_port, cfg->tunnel_backend);
	return ha;
fail:
	ha_stop(ha);
	return NULL;
}

void
ha_stop(struct ha *ha)
{
	if (ha == NULL)
		return;
	ha_adv_close(ha);
	ha_pending_cancel_all(ha);
	if (ha->tun_ops != NULL)
		ha_remove_bindings(ha, NULL);
	ha_nets_free(ha->nets, ha->n_nets);
	ev_io_free(ha->io_pkt);
	if (ha->fd_pkt >= 0)
		close(ha->fd_pkt);
	ha_backend_unload(ha);
	ha_bindings_fini(ha);
	replay_table_free(ha->replay);
	free(ha->tun_hash);
	free(ha->cfg.nets);
	free(ha->rxbuf);
	free(ha);
}

static bool
ha_net_same(const struct ha_home_network *a, const struct ha_home_network *b)
{
	return a->prefix.addr.s_addr == b->prefix.addr.s_addr && a->prefix.len == b->prefix.len &&
	       a->addr.s_addr == b->addr.s_addr && strcmp(a->ifname, b->ifname) == 0;
}

int
ha_reconfigure(struct ha *ha, const struct ha_config *cfg, char *errmsg, size_t errlen)
{
	struct ha_config ncfg;
	struct ha_net *nets = NULL;
	struct pmip_plugin *pl = NULL;
	const struct tun_ops *ops = NULL;
	void *inst = NULL;
	bool new_backend = strcmp(cfg->tunnel_backend, ha->cfg.tunnel_backend) != 0;
	bool new_nets = cfg->n_nets != ha->cfg.n_nets || cfg->udp_port != ha->cfg.udp_port;
	int keep[UINT8_MAX + 1];

	if (cfg->n_nets > UINT8_MAX) {
		snprintf(errmsg, errlen, "at most %u home networks", UINT8_MAX);
		return -1;
	}
	for (size_t i = 0; i < cfg->n_nets && !new_nets; i++)
		new_nets = !ha_net_same(&cfg->nets[i], &ha->cfg.nets[i]);
	if (ha_cfg_copy(&ncfg, cfg) < 0) {
		snprintf(errmsg, errlen, "out of memory");
		return -1;
	}
	if (new_backend &&
	    ha_backend_load(ha, cfg->tunnel_backend, &pl, &ops, &inst, errmsg, errlen) < 0)
		goto fail;
	if (new_nets && (nets = ha_nets_new(ha, cfg, errmsg, errlen)) == NULL)
		goto fail;
	if (ha_adv_open(ha, cfg, errmsg, errlen) < 0) {
		ha_nets_free(nets, cfg->n_nets);
		goto fail;
	}
	ha_pending_cancel_all(ha);
	if (new_backend) {
		ha_remove_bindings(ha, NULL);
		ha_backend_unload(ha);
		ha->tun_plugin = pl;
		ha->tun_ops = ops;
		ha->tun = inst;
	} else if (new_nets) {
		/* Keep the nodes whose home network is unchanged, renumbered to the new table. */
		for (size_t i = 0; i < ha->cfg.n_nets; i++) {
			keep[i] = -1;
			for (size_t j = 0; j < cfg->n_nets && keep[i] < 0; j++)
				if (ha_net_same(&ha->cfg.nets[i], &cfg->nets[j]))
					keep[i] = (int)j;
		}
		ha_remove_bindings(ha, keep);
	}
	if (new_nets) {
		ha_nets_free(ha->nets, ha->n_nets);
		ha->nets = nets;
		ha->n_nets = cfg->n_nets;
	}
	for (size_t i = 0; i < ha->n_nets; i++)
		ha->nets[i].ifindex = 0; /* an interface may have been recreated: look again */
	free(ha->cfg.nets);
	ha->cfg = ncfg;
	if (ha_adv_sync(ha, errmsg, errlen) < 0)
		log_errx(LOG_SS_HA, "advertisements not updated: %s", errmsg);
	log_info(LOG_SS_HA, "home agent reconfigured%s%s",
	         new_nets ? ", home networks changed" : "",
	         new_backend ? ", tunnel back end changed" : "");
	return 0;
fail:
	if (inst != NULL)
		ops->destroy(inst);
	plugin_unload(pl);
	free(ncfg.nets);
	return -1;
}

void
ha_set_keystore(struct ha *ha, struct ks_chain *chain)
{
	ha_pending_cancel_all(ha);
	ha->env.ks_chain = chain;
}

/* --- the role class --- */

static void *
ha_class_start(const struct role_env *env, const void *cfg, char *errmsg, size_t errlen)
{
	return ha_start(env, cfg, errmsg, errlen);
}

static int
ha_class_reconfigure(void *inst, const void *cfg, char *errmsg, size_t errlen)
{
	return ha_reconfigure(inst, cfg, errmsg, errlen);
}

static void
ha_class_set_keystore(void *inst, struct ks_chain *chain)
{
	ha_set_keystore(inst, chain);
}

static void
ha_class_stop(void *inst)
{
	ha_stop(inst);
}

const struct role_class ha_role_class = {
	.name = "home-agent",
	.start = ha_class_start,
	.reconfigure = ha_class_reconfigure,
	.set_keystore = ha_class_set_keystore,
	.stop = ha_class_stop,
};
