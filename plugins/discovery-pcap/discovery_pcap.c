/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * discovery_pcap.c - discovery-pcap: clients from their ARP and IPv4 frames.
 *
 * DOC: libpcap captures on client-interface (non-blocking, immediate mode,
 * promiscuous, snap length 256, BPF "arp or ip or (vlan and (arp or ip))",
 * direction PCAP_D_IN so that only frames received from the client side
 * count: frames the access point itself sends on that port, such as ARP
 * replies to clients, never create or refresh a client). The capture's fd is
 * watched by the loop and drained with pcap_next_ex().
 *
 * Clients are keyed by Ethernet source address in a hash table. Each frame
 * goes through the pure classifier and rules of dpcap_frame.c:
 *
 *                 usable address            DHCP / own MIP
 *     (new) ------------------------> SEEN ----------------> IGNORED
 *       |  no usable address           ^  address changed,     (sticky)
 *       v                              |  gateway learnt:
 *     NO_ADDR ---- usable address -----+  SEEN again
 *
 *   and from every state: no frame for idle-timeout, or the interface
 *   vanished -> GONE (the record is freed).
 *
 * on_link is decided against the IPv4 subnets of client-interface and of the
 * bridge it is a port of (read with getifaddrs() at most once a second, when
 * a client is classified). Idle expiry uses the core's expiry heap with lazy
 * refresh: a frame only stores its time; when a client's deadline comes, it
 * is either gone or re-queued at last frame + idle-timeout, so no heap work
 * and no scan happens per frame.
 *
 * When client-interface does not exist (yet, or any more: a roaming test
 * moves ports between namespaces), start() still succeeds and the capture is
 * retried every DPCAP_RETRY_MS; losing it reports every client GONE.
 * Events go through disc_evq (deferred).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libyang/libyang.h>

#include "disc_evq.h"
#include "discovery.h"
#include "dpcap_frame.h"
#include "ev.h"
#include "expiry.h"
#include "log.h"
#include "plugin.h"

#define DPCAP_CLIENTS_MAX 4096 /* tracked clients; frames of more are dropped */
#define DPCAP_BUCKETS     1024
#define DPCAP_RX_BUDGET   128 /* frames per readiness event */
#define DPCAP_SNAPLEN     256
#define DPCAP_RETRY_MS    500
#define DPCAP_NETS_TTL_MS 1000
#define DPCAP_IDLE_DEF_S  60
#define DPCAP_FILTER      "arp or ip or (vlan and (arp or ip))"

/** struct dpcap_entry - one tracked client. */
struct dpcap_entry {
	struct dpcap_entry *hnext;
	struct expiry_entry exp;
	uint8_t mac[DISC_MAC_LEN];
	struct dpcap_client c;
	uint64_t last_ms;
};

struct dpcap {
	const struct disc_env *env;
	struct disc_evq q;
	char ifname[IF_NAMESIZE];
	uint32_t idle_s;
	bool running;
	pcap_t *pc;
	unsigned ifindex;
	struct ev_io *io;
	struct ev_timer *retry;
	bool waiting_logged;
	struct expiry exp;
	struct dpcap_entry *tab[DPCAP_BUCKETS];
	size_t n_clients;
	struct dpcap_subnets nets;
	uint64_t nets_ms;
	struct disc_status st;
	struct log_ratelimit rl;        /* errors and discarded frames */
	struct log_ratelimit rl_client; /* client events (debug) */
};

static void dpcap_stop(void *inst);

/* --- clients --- */

static size_t
dpcap_hash(const uint8_t *mac)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < DISC_MAC_LEN; i++)
		h = (h ^ mac[i]) * 16777619u;
	return h % DPCAP_BUCKETS;
}

static struct dpcap_entry *
dpcap_find(struct dpcap *p, const uint8_t *mac)
{
	for (struct dpcap_entry *e = p->tab[dpcap_hash(mac)]; e != NULL; e = e->hnext)
		if (memcmp(e->mac, mac, DISC_MAC_LEN) == 0)
			return e;
	return NULL;
}

static void
dpcap_emit(struct dpcap *p, enum disc_event ev, const struct dpcap_entry *e, uint64_t when)
{
	union disc_event_data d;
	char s[INET_ADDRSTRLEN];

	memset(&d, 0, sizeof(d));
	memcpy(d.client.mac, e->mac, DISC_MAC_LEN);
	d.client.addr = e->c.addr;
	d.client.gateway = e->c.gateway;
	d.client.ifindex = p->ifindex;
	snprintf(d.client.ifname, sizeof(d.client.ifname), "%s", p->ifname);
	d.client.on_link = e->c.on_link;
	d.client.reason = ev == DISC_CLIENT_IGNORED ? e->c.reason : DISC_IGNORE_NONE;
	d.client.seen_ms = when;
	log_rl(&p->rl_client, LOG_SS_DISCOVERY, LOG_DEBUG,
	       "discovery-pcap: %s %02x:%02x:%02x:%02x:%02x:%02x %s%s%s", p->ifname, e->mac[0],
	       e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5],
	       ev == DISC_CLIENT_SEEN   ? "seen"
	       : ev == DISC_CLIENT_GONE ? "gone"
	                                : "ignored",
	       e->c.addr.s_addr != INADDR_ANY ? " " : "",
	       e->c.addr.s_addr != INADDR_ANY ? inet_ntop(AF_INET, &e->c.addr, s, sizeof(s)) : "");
	if (disc_evq_push(&p->q, ev, &d) != 0)
		log_rl(&p->rl, LOG_SS_DISCOVERY, LOG_WARNING, "discovery-pcap: event dropped");
}

/* Unlink and free @e; with @report, queue DISC_CLIENT_GONE first. */
static void
dpcap_remove(struct dpcap *p, struct dpcap_entry *e, bool report)
{
	struct dpcap_entry **pp = &p->tab[dpcap_hash(e->mac)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	expiry_remove(&p->exp, &e->exp);
	if (report && e->c.state != DPCAP_ST_NEW)
		dpcap_emit(p, DISC_CLIENT_GONE, e, e->last_ms);
	p->n_clients--;
	free(e);
}

static void
dpcap_remove_all(struct dpcap *p, bool report)
{
	for (size_t i = 0; i < DPCAP_BUCKETS; i++)
		while (p->tab[i] != NULL)
			dpcap_remove(p, p->tab[i], report);
}

static void
dpcap_expired(struct expiry_entry *x, void *arg)
{
	struct dpcap *p = arg;
	struct dpcap_entry *e = EXPIRY_ENTRY(x, struct dpcap_entry, exp);
	uint64_t due = e->last_ms + (uint64_t)p->idle_s * 1000;

	if (due > ev_now_ms() && expiry_add(&p->exp, &e->exp, due) == 0)
		return; /* heard from since it was queued */
	dpcap_remove(p, e, true);
}

/* Subnets of the client interface and of its bridge, refreshed at most once a second. */
static void
dpcap_nets_refresh(struct dpcap *p, uint64_t now)
{
	char path[64], link[256], master[IF_NAMESIZE] = "";
	struct ifaddrs *ifa, *i;
	ssize_t n;

	if (p->nets_ms != 0 && now < p->nets_ms + DPCAP_NETS_TTL_MS)
		return;
	p->nets_ms = now;
	snprintf(path, sizeof(path), "/sys/class/net/%s/master", p->ifname);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		const char *base;

		link[n] = '\0';
		base = strrchr(link, '/');
		base = base != NULL ? base + 1 : link;
		if (strlen(base) < sizeof(master))
			memcpy(master, base, strlen(base) + 1);
	}
	if (getifaddrs(&ifa) != 0)
		return; /* keep the previous set */
	memset(&p->nets, 0, sizeof(p->nets));
	for (i = ifa; i != NULL; i = i->ifa_next) {
		struct sockaddr_in *a = (struct sockaddr_in *)(void *)i->ifa_addr;
		struct sockaddr_in *m = (struct sockaddr_in *)(void *)i->ifa_netmask;

		if (a == NULL || m == NULL || a->sin_family != AF_INET ||
		    (strcmp(i->ifa_name, p->ifname) != 0 && strcmp(i->ifa_name, master) != 0))
			continue;
		dpcap_subnets_add(&p->nets, a->sin_addr,
		                  (unsigned)__builtin_popcount(m->sin_addr.s_addr));
	}
	freeifaddrs(ifa);
}

static void
dpcap_frame_input(struct dpcap *p, const uint8_t *data, size_t caplen, uint64_t now)
{
	struct dpcap_frame f;
	struct dpcap_entry *e;
	const char *why;
	int ev;

	switch (dpcap_classify(data, caplen, &f, &why)) {
	case DPCAP_INVALID:
		p->st.rx++;
		p->st.rx_invalid++;
		log_rl(&p->rl, LOG_SS_DISCOVERY, LOG_NOTICE,
		       "discovery-pcap: %s: frame discarded: %s", p->ifname, why);
		return;
	case DPCAP_OTHER:
		return;
	case DPCAP_ARP:
	case DPCAP_IP:
		break;
	}
	p->st.rx++;
	e = dpcap_find(p, f.mac);
	if (e == NULL) {
		if (p->n_clients >= DPCAP_CLIENTS_MAX) {
			log_rl(&p->rl, LOG_SS_DISCOVERY, LOG_WARNING,
			       "discovery-pcap: %s: %d clients tracked, new one dropped", p->ifname,
			       DPCAP_CLIENTS_MAX);
			return;
		}
		e = calloc(1, sizeof(*e));
		if (e == NULL ||
		    expiry_add(&p->exp, &e->exp, now + (uint64_t)p->idle_s * 1000) != 0) {
			free(e);
			log_rl(&p->rl, LOG_SS_DISCOVERY, LOG_ERR, "discovery-pcap: out of memory");
			return;
		}
		memcpy(e->mac, f.mac, DISC_MAC_LEN);
		e->hnext = p->tab[dpcap_hash(f.mac)];
		p->tab[dpcap_hash(f.mac)] = e;
		p->n_clients++;
	}
	e->last_ms = now;
	dpcap_nets_refresh(p, now);
	ev = dpcap_client_update(&e->c, &f, &p->nets);
	if (ev != 0)
		dpcap_emit(p, (enum disc_event)ev, e, now);
}

/* --- capture --- */

static void
dpcap_close(struct dpcap *p)
{
	ev_io_free(p->io);
	p->io = NULL;
	if (p->pc != NULL)
		pcap_close(p->pc);
	p->pc = NULL;
}

/* The capture failed (interface gone): every client is gone; try again later. */
static void
dpcap_lost(struct dpcap *p, const char *why)
{
	log_rl(&p->rl, LOG_SS_DISCOVERY, LOG_WARNING, "discovery-pcap: %s: capture lost: %s",
	       p->ifname, why);
	dpcap_close(p);
	dpcap_remove_all(p, true);
	p->waiting_logged = false;
	ev_timer_arm(p->retry, DPCAP_RETRY_MS);
}

static void
dpcap_readable(int fd, unsigned what, void *arg)
{
	struct dpcap *p = arg;

	(void)fd;
	(void)what;
	for (int i = 0; i < DPCAP_RX_BUDGET && p->pc != NULL; i++) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc = pcap_next_ex(p->pc, &h, &data);

		if (rc == 0)
			return;
		if (rc < 0) {
			dpcap_lost(p, rc == PCAP_ERROR ? pcap_geterr(p->pc) : "end of capture");
			return;
		}
		dpcap_frame_input(p, data, h->caplen, ev_now_ms());
	}
}

/*
 * Open the capture. Return 0, -ENODEV when the interface does not exist
 * (the caller retries), or another -errno with @errmsg filled.
 */
static int
dpcap_open(struct dpcap *p, char *errmsg, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	int rc, fd;

	p->ifindex = if_nametoindex(p->ifname);
	if (p->ifindex == 0) {
		snprintf(errmsg, errlen, "%s: no such interface", p->ifname);
		return -ENODEV;
	}
	p->pc = pcap_create(p->ifname, eb);
	if (p->pc == NULL) {
		snprintf(errmsg, errlen, "%s: %s", p->ifname, eb);
		return -EIO;
	}
	if (pcap_set_snaplen(p->pc, DPCAP_SNAPLEN) != 0 || pcap_set_promisc(p->pc, 1) != 0 ||
	    pcap_set_immediate_mode(p->pc, 1) != 0) {
		snprintf(errmsg, errlen, "%s: cannot set capture options", p->ifname);
		dpcap_close(p);
		return -EIO;
	}
	rc = pcap_activate(p->pc);
	if (rc < 0) {
		snprintf(errmsg, errlen, "%s: %s", p->ifname,
		         rc == PCAP_ERROR ? pcap_geterr(p->pc) : pcap_statustostr(rc));
		dpcap_close(p);
		return rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_IFACE_NOT_UP ? -ENODEV
		                                                                        : -EIO;
	}
	if (pcap_datalink(p->pc) != DLT_EN10MB) {
		snprintf(errmsg, errlen, "%s: not an Ethernet interface", p->ifname);
		dpcap_close(p);
		return -EINVAL;
	}
	if (pcap_setnonblock(p->pc, 1, eb) != 0 || pcap_setdirection(p->pc, PCAP_D_IN) != 0 ||
	    pcap_compile(p->pc, &prog, DPCAP_FILTER, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(errmsg, errlen, "%s: %s", p->ifname, pcap_geterr(p->pc));
		dpcap_close(p);
		return -EIO;
	}
	rc = pcap_setfilter(p->pc, &prog);
	pcap_freecode(&prog);
	fd = pcap_get_selectable_fd(p->pc);
	if (rc != 0 || fd < 0) {
		snprintf(errmsg, errlen, "%s: %s", p->ifname,
		         rc != 0 ? pcap_geterr(p->pc) : "no selectable descriptor");
		dpcap_close(p);
		return -EIO;
	}
	p->io = ev_io_new(p->env->loop, fd, EV_IO_READ, dpcap_readable, p);
	if (p->io == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		dpcap_close(p);
		return -ENOMEM;
	}
	p->nets_ms = 0;
	log_info(LOG_SS_DISCOVERY, "discovery-pcap: capturing on %s", p->ifname);
	return 0;
}

static void
dpcap_retry(void *arg)
{
	struct dpcap *p = arg;
	char err[256];
	int rc = dpcap_open(p, err, sizeof(err));

	if (rc == 0)
		return;
	if (!p->waiting_logged) {
		log_rl(&p->rl, LOG_SS_DISCOVERY, LOG_NOTICE, "discovery-pcap: waiting: %s", err);
		p->waiting_logged = true;
	}
	ev_timer_arm(p->retry, DPCAP_RETRY_MS);
}

/* --- ops --- */

static void
dpcap_free(void *inst)
{
	struct dpcap *p = inst;

	disc_evq_fini(&p->q);
	ev_timer_free(p->retry);
	expiry_fini(&p->exp);
	free(p);
}

static void *
dpcap_create(const struct disc_env *env, char *errmsg, size_t errlen)
{
	struct dpcap *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	p->env = env;
	p->idle_s = DPCAP_IDLE_DEF_S;
	p->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 20);
	p->rl_client = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 100);
	disc_evq_init(&p->q, env, dpcap_free, p);
	p->retry = ev_timer_new(env->loop, dpcap_retry, p);
	if (p->retry == NULL || expiry_init(&p->exp, env->loop, dpcap_expired, p) != 0) {
		snprintf(errmsg, errlen, "out of memory");
		dpcap_free(p);
		return NULL;
	}
	return p;
}

static void
dpcap_destroy(void *inst)
{
	struct dpcap *p = inst;

	dpcap_stop(p);
	if (disc_evq_busy(&p->q)) {
		p->q.dying = true; /* freed by the flush once the upcall returns */
		return;
	}
	dpcap_free(p);
}

static int
dpcap_configure(void *inst, const struct lyd_node *cfg, char *errmsg, size_t errlen)
{
	struct dpcap *p = inst;
	char ifname[IF_NAMESIZE] = "";
	uint32_t idle = DPCAP_IDLE_DEF_S;
	const struct lyd_node *n;

	if (cfg != NULL) {
		LY_LIST_FOR (lyd_child(cfg), n) {
			const char *val = lyd_get_value(n);

			if (val == NULL)
				continue;
			if (strcmp(LYD_NAME(n), "client-interface") == 0)
				snprintf(ifname, sizeof(ifname), "%s", val);
			else if (strcmp(LYD_NAME(n), "idle-timeout") == 0)
				idle = (uint32_t)strtoul(val, NULL, 10);
		}
	}
	if (idle == 0) {
		snprintf(errmsg, errlen, "idle-timeout must be at least 1 s");
		return -1;
	}
	if (p->running && ifname[0] == '\0') {
		snprintf(errmsg, errlen, "discovery-pcap needs client-interface");
		return -1;
	}
	p->idle_s = idle;
	if (strcmp(ifname, p->ifname) == 0)
		return 0;
	if (p->running) { /* another interface: its clients are gone */
		dpcap_close(p);
		dpcap_remove_all(p, true);
		ev_timer_del(p->retry);
		snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
		p->waiting_logged = false;
		dpcap_retry(p);
		return 0;
	}
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	return 0;
}

static int
dpcap_start(void *inst, char *errmsg, size_t errlen)
{
	struct dpcap *p = inst;
	int rc;

	if (p->running)
		return 0;
	if (p->ifname[0] == '\0') {
		snprintf(errmsg, errlen, "discovery-pcap needs client-interface");
		return -1;
	}
	rc = dpcap_open(p, errmsg, errlen);
	if (rc == -ENODEV) {
		log_info(LOG_SS_DISCOVERY, "discovery-pcap: %s; waiting for it", errmsg);
		p->waiting_logged = true;
		ev_timer_arm(p->retry, DPCAP_RETRY_MS);
	} else if (rc != 0) {
		return -1;
	}
	p->running = true;
	return 0;
}

static void
dpcap_stop(void *inst)
{
	struct dpcap *p = inst;

	if (!p->running)
		return;
	dpcap_close(p);
	ev_timer_del(p->retry);
	dpcap_remove_all(p, false);
	disc_evq_clear(&p->q);
	p->running = false;
}

static void
dpcap_get_status(void *inst, struct disc_status *st)
{
	struct dpcap *p = inst;

	*st = p->st;
	st->clients = st->ignored = 0;
	for (size_t i = 0; i < DPCAP_BUCKETS; i++) {
		for (struct dpcap_entry *e = p->tab[i]; e != NULL; e = e->hnext) {
			if (e->c.state == DPCAP_ST_SEEN)
				st->clients++;
			else if (e->c.state != DPCAP_ST_NEW)
				st->ignored++;
		}
	}
	st->events = p->q.delivered;
}

static const struct disc_ops discovery_pcap_ops = {
	.create = dpcap_create,
	.destroy = dpcap_destroy,
	.configure = dpcap_configure,
	.start = dpcap_start,
	.stop = dpcap_stop,
	.solicit = NULL,
	.get_status = dpcap_get_status,
};

PMIP_PLUGIN_DEFINE("discovery-pcap", PMIP_PLUGIN_DISCOVERY,
                   "clients from ARP and IPv4 frames on the client interface (libpcap)",
                   &discovery_pcap_ops);
