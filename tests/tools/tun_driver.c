/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tun_driver.c - drive a tunnel plugin from stdin, for the namespace tests.
 *
 * Usage: tun-driver [PLUGIN]   (default tunnel-userspace, from $PMIP_PLUGIN_DIR)
 *
 * Loads the plugin through plugin_load(), creates one instance on an event
 * loop and reads one command per line on stdin; each gets exactly one
 * answer line, "ok [...]" or "err CODE message". Commands:
 *
 *   tunnel-add LOCAL REMOTE ipip|gre|minimal [key K] [ttl T]   -> ok ID
 *   tunnel-del ID
 *   route-add DST/PLEN tunnel ID | route-add DST/PLEN link IFNAME MAC
 *   route-add DST/PLEN member ID     (a TUN_ROUTE_F_MEMBER route into tunnel ID)
 *   route-del DST/PLEN tunnel|link   route-del DST/PLEN member ID
 *   caps                              -> ok ipip gre minimal reverse multi-route (those set)
 *   reverse-add SRC IFNAME|- ID       reverse-del SRC IFNAME|-
 *   proxy-add IFNAME ADDR REQMAC|- ANSMAC|-     proxy-del IFNAME ADDR REQMAC|-
 *   garp IFNAME ADDR MAC|- COUNT
 *   stats ID                          -> ok tx_packets=N tx_bytes=N ... drops=N
 *   quit
 *
 * "ready NAME" is printed once the instance exists. End of input also quits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "driver_common.h"
#include "ev.h"
#include "log.h"
#include "plugin.h"
#include "tunnel.h"

struct drv {
	struct ev_loop *loop;
	const struct tun_ops *ops;
	void *inst;
	struct drv_lines in;
};

static int
parse_mac(const char *s, uint8_t mac[TUN_MAC_LEN])
{
	unsigned v[TUN_MAC_LEN];

	memset(mac, 0, TUN_MAC_LEN);
	if (strcmp(s, "-") == 0)
		return 0;
	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < TUN_MAC_LEN; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static int
parse_addr(const char *s, struct in_addr *a)
{
	return s != NULL && inet_pton(AF_INET, s, a) == 1 ? 0 : -EINVAL;
}

static int
parse_prefix(const char *s, struct in_addr *a, uint8_t *plen)
{
	char buf[32];
	char *slash;

	if (s == NULL || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	*plen = 32;
	if (slash != NULL) {
		*slash = '\0';
		*plen = (uint8_t)atoi(slash + 1);
	}
	return parse_addr(buf, a);
}

static int
parse_encap(const char *s, enum tun_encap *e)
{
	if (s == NULL)
		return -EINVAL;
	if (strcmp(s, "ipip") == 0)
		*e = TUN_ENCAP_IPIP;
	else if (strcmp(s, "gre") == 0)
		*e = TUN_ENCAP_GRE;
	else if (strcmp(s, "minimal") == 0)
		*e = TUN_ENCAP_MINIMAL;
	else
		return -EINVAL;
	return 0;
}

static void
copy_ifname(char dst[IF_NAMESIZE], const char *s)
{
	snprintf(dst, IF_NAMESIZE, "%s", s == NULL || strcmp(s, "-") == 0 ? "" : s);
}

/* Run one command; fill @out with the answer's text after "ok ". */
static int
run(struct drv *d, char **av, int ac, char *out, size_t outlen, char *err, size_t errlen)
{
	const struct tun_ops *o = d->ops;
	struct tun_params p = { 0 };
	struct tun_route r = { 0 };
	struct tun_reverse rv = { 0 };
	struct tun_arp_proxy pa = { 0 };
	struct tun_stats st;
	struct in_addr a;
	uint8_t mac[TUN_MAC_LEN];
	uint32_t id;
	int rc;

	if (strcmp(av[0], "tunnel-add") == 0 && ac >= 4) {
		if (parse_addr(av[1], &p.local) || parse_addr(av[2], &p.remote) ||
		    parse_encap(av[3], &p.encap))
			return -EINVAL;
		for (int i = 4; i + 1 < ac; i += 2) {
			if (strcmp(av[i], "key") == 0) {
				p.has_key = true;
				p.key = (uint32_t)strtoul(av[i + 1], NULL, 0);
			} else if (strcmp(av[i], "ttl") == 0) {
				p.ttl = (uint8_t)atoi(av[i + 1]);
			}
		}
		rc = o->tunnel_add(d->inst, &p, &id, err, errlen);
		if (rc == 0)
			snprintf(out, outlen, "%u", id);
		return rc;
	}
	if (strcmp(av[0], "tunnel-del") == 0 && ac == 2)
		return o->tunnel_del(d->inst, (uint32_t)strtoul(av[1], NULL, 0));
	if ((strcmp(av[0], "route-add") == 0 || strcmp(av[0], "route-del") == 0) && ac >= 3) {
		bool add = av[0][6] == 'a';

		if (parse_prefix(av[1], &r.dst, &r.plen))
			return -EINVAL;
		if (strcmp(av[2], "tunnel") == 0 || strcmp(av[2], "member") == 0) {
			r.kind = TUN_ROUTE_TUNNEL;
			r.flags = av[2][0] == 'm' ? TUN_ROUTE_F_MEMBER : 0;
			r.tunnel = ac > 3 ? (uint32_t)strtoul(av[3], NULL, 0) : 0;
		} else if (strcmp(av[2], "link") == 0) {
			r.kind = TUN_ROUTE_LINK;
			copy_ifname(r.ifname, ac > 3 ? av[3] : NULL);
			if (ac > 4 && parse_mac(av[4], r.mac))
				return -EINVAL;
		} else {
			return -EINVAL;
		}
		return add ? o->route_add(d->inst, &r, err, errlen) : o->route_del(d->inst, &r);
	}
	if (strcmp(av[0], "reverse-add") == 0 && ac == 4) {
		if (parse_addr(av[1], &rv.src))
			return -EINVAL;
		copy_ifname(rv.ifname, av[2]);
		rv.tunnel = (uint32_t)strtoul(av[3], NULL, 0);
		return o->reverse_add(d->inst, &rv, err, errlen);
	}
	if (strcmp(av[0], "reverse-del") == 0 && ac == 3) {
		if (parse_addr(av[1], &rv.src))
			return -EINVAL;
		copy_ifname(rv.ifname, av[2]);
		return o->reverse_del(d->inst, &rv);
	}
	if ((strcmp(av[0], "proxy-add") == 0 && ac == 5) ||
	    (strcmp(av[0], "proxy-del") == 0 && ac == 4)) {
		copy_ifname(pa.ifname, av[1]);
		if (parse_addr(av[2], &pa.addr) || parse_mac(av[3], pa.requester) ||
		    (ac == 5 && parse_mac(av[4], pa.answer_mac)))
			return -EINVAL;
		return ac == 5 ? o->proxy_arp_add(d->inst, &pa, err, errlen)
		               : o->proxy_arp_del(d->inst, &pa);
	}
	if (strcmp(av[0], "garp") == 0 && ac == 5) {
		if (parse_addr(av[2], &a) || parse_mac(av[3], mac))
			return -EINVAL;
		if (o->gratuitous_arp == NULL)
			return -EOPNOTSUPP;
		return o->gratuitous_arp(d->inst, av[1], a, mac, (unsigned)atoi(av[4]));
	}
	if (strcmp(av[0], "caps") == 0 && ac == 1) {
		static const struct {
			uint32_t cap;
			const char *name;
		} names[] = { { TUN_CAP_IPIP, "ipip" },
			      { TUN_CAP_GRE, "gre" },
			      { TUN_CAP_MINIMAL, "minimal" },
			      { TUN_CAP_REVERSE, "reverse" },
			      { TUN_CAP_MULTI_ROUTE, "multi-route" } };
		uint32_t c = tun_caps(o, d->inst);
		size_t n = 0;

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if ((c & names[i].cap) && n < outlen)
				n += (size_t)snprintf(out + n, outlen - n, "%s%s", n > 0 ? " " : "",
				                      names[i].name);
		return 0;
	}
	if (strcmp(av[0], "stats") == 0 && ac == 2) {
		rc = o->get_stats(d->inst, (uint32_t)strtoul(av[1], NULL, 0), &st);
		if (rc == 0)
			snprintf(out, outlen,
			         "tx_packets=%llu tx_bytes=%llu rx_packets=%llu rx_bytes=%llu "
			         "tx_errors=%llu rx_errors=%llu drops=%llu",
			         (unsigned long long)st.tx_packets, (unsigned long long)st.tx_bytes,
			         (unsigned long long)st.rx_packets, (unsigned long long)st.rx_bytes,
			         (unsigned long long)st.tx_errors, (unsigned long long)st.rx_errors,
			         (unsigned long long)st.drops);
		return rc;
	}
	return -EBADMSG;
}

static void
handle_line(struct drv *d, char *line)
{
	char *av[12], *save = NULL, out[256] = "", err[256] = "";
	int ac = 0, rc;

	for (char *t = strtok_r(line, " \t\r", &save); t != NULL && ac < 12;
	     t = strtok_r(NULL, " \t\r", &save))
		av[ac++] = t;
	if (ac == 0)
		return;
	if (strcmp(av[0], "quit") == 0) {
		ev_loop_break(d->loop);
		printf("ok bye\n");
		return;
	}
	rc = run(d, av, ac, out, sizeof(out), err, sizeof(err));
	if (rc == 0)
		printf("ok%s%s\n", out[0] != '\0' ? " " : "", out);
	else
		printf("err %d %s\n", -rc, err[0] != '\0' ? err : strerror(-rc));
}

/* One command line: answered and flushed at once, the test waits for the answer. */
static void
on_line(void *arg, char *line)
{
	handle_line(arg, line);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "tunnel-userspace";
	struct tun_env env;
	struct drv d = { 0 };
	struct pmip_plugin *pl;
	char err[256] = "";
	int rc;

	log_init("tun-driver", LOG_DEST_STDERR, LOG_INFO);
	d.loop = ev_loop_new();
	if (d.loop == NULL)
		return 1;
	pl = plugin_load(plugin_default_dir(), name, PMIP_PLUGIN_TUNNEL, err, sizeof(err));
	if (pl == NULL) {
		fprintf(stderr, "tun-driver: %s\n", err);
		return 1;
	}
	d.ops = plugin_ops(pl);
	env.loop = d.loop;
	d.inst = d.ops->create(&env, err, sizeof(err));
	if (d.inst == NULL) {
		fprintf(stderr, "tun-driver: create: %s\n", err);
		plugin_unload(pl);
		return 1;
	}
	rc = drv_lines_start(&d.in, d.loop, on_line, &d);
	printf("ready %s\n", name);
	fflush(stdout);
	if (rc == 0)
		ev_loop_run(d.loop);
	drv_lines_stop(&d.in);
	d.ops->destroy(d.inst);
	plugin_unload(pl);
	ev_loop_free(d.loop);
	return 0;
}
