/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ha_adv.c - home agent advertisements (RFC 5944 sections 2.1.1 and 3.8).
 *
 * A home network with "advertise" registers a part with the shared advertisement sender
 * (agent_adv.h): the flag H (and G when GRE is accepted), the home agent's own address on
 * the network as router address with the home prefix length (extension 19), max-lifetime as
 * registration lifetime (0xffff when unlimited), no care-of address (an HA-only
 * advertisement), the configured interval and ICMP lifetime. A foreign agent on the same
 * interface merges its part into the same advertisement (H and F, its care-of address).
 *
 * The home agent opens its own raw ICMP socket (solicitations in, advertisements out) once
 * a home network advertises, and joins 224.0.0.2 on the advertising interfaces. Every
 * role's raw socket sees a solicitation; agent_adv answers it once per interface.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ha_int.h"
#include "mip_adv.h"

#define HA_ADV_RX_BUDGET 64
#define HA_ADV_RXBUF     1500

static void
ha_adv_part(const struct ha *ha, const struct ha_home_network *hn, struct agent_adv_part *p)
{
	memset(p, 0, sizeof(*p));
	p->flags = MIP_ADV_F_H;
	if (ha->cfg.gre)
		p->flags |= MIP_ADV_F_G;
	p->router = hn->addr;
	p->has_prefix = true;
	p->prefix_len = hn->prefix.len;
	p->reg_lifetime = ha->cfg.max_lifetime != 0 ? ha->cfg.max_lifetime : 0xffff;
	p->interval_s = hn->adv_interval_s;
	p->lifetime_s = hn->adv_lifetime_s;
}

static unsigned
ha_adv_ifindex(void *arg, const char *ifname)
{
	struct ha *ha = arg;
	unsigned idx = if_nametoindex(ifname);

	if (idx != 0 && ha->fd_icmp >= 0) {
		/* Solicitations may go to the all-routers group (RFC 1256). */
		struct ip_mreqn mr = { .imr_ifindex = (int)idx };

		inet_pton(AF_INET, "224.0.0.2", &mr.imr_multiaddr);
		if (setsockopt(ha->fd_icmp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 &&
		    errno != EADDRINUSE)
			log_rl(&ha->rl, LOG_SS_HA, LOG_WARNING, "%s: join 224.0.0.2: %s", ifname,
			       strerror(errno));
	}
	return idx;
}

static int
ha_adv_send(void *arg, unsigned ifindex, struct in_addr from, struct in_addr to,
            const uint8_t *icmp, size_t len)
{
	struct ha *ha = arg;

	if (ha->fd_icmp < 0)
		return -ENOTCONN;
	return role_raw_send(ha->fd_icmp, ifindex, from, to, icmp, len);
}

static void
ha_adv_sent(void *arg, int rc)
{
	struct ha *ha = arg;

	if (rc < 0)
		log_rl(&ha->rl, LOG_SS_HA, LOG_WARNING, "advertisement: %s", strerror(-rc));
}

static const struct agent_adv_ops ha_adv_ops = {
	.ifindex = ha_adv_ifindex,
	.send = ha_adv_send,
	.sent = ha_adv_sent,
};

static void
ha_icmp_readable(int fd, unsigned what, void *arg)
{
	struct ha *ha = arg;
	uint8_t buf[HA_ADV_RXBUF];

	for (int i = 0; i < HA_ADV_RX_BUDGET; i++) {
		struct role_rx rx;
		size_t off;
		ssize_t n = role_raw_recv(fd, buf, sizeof(buf), &rx, &off);

		if (n == -EBADMSG)
			continue;
		if (n < 0)
			return;
		ha_icmp_input(ha, buf + off, (size_t)n, rx.dst, rx.ifindex);
	}
}

static int
ha_icmp_open(struct ha *ha, char *errmsg, size_t errlen)
{
	ha->fd_icmp = role_icmp_open();
	if (ha->fd_icmp < 0) {
		snprintf(errmsg, errlen, "ICMP socket for advertisements: %s", strerror(errno));
		return -1;
	}
	ha->io_icmp = ev_io_new(ha->env.loop, ha->fd_icmp, EV_IO_READ, ha_icmp_readable, ha);
	if (ha->io_icmp == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
ha_adv_open(struct ha *ha, const struct ha_config *cfg, char *errmsg, size_t errlen)
{
	bool any = false;

	for (size_t i = 0; i < cfg->n_nets; i++)
		any |= cfg->nets[i].advertise;
	if (any && ha->fd_icmp < 0 && ha->env.send == NULL &&
	    ha_icmp_open(ha, errmsg, errlen) < 0) {
		ev_io_free(ha->io_icmp);
		ha->io_icmp = NULL;
		if (ha->fd_icmp >= 0)
			close(ha->fd_icmp);
		ha->fd_icmp = -1;
		return -1;
	}
	return 0;
}

int
ha_adv_sync(struct ha *ha, char *errmsg, size_t errlen)
{
	struct agent_adv_src **srcs;

	srcs = calloc(ha->cfg.n_nets != 0 ? ha->cfg.n_nets : 1, sizeof(*srcs));
	if (srcs == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return -1;
	}
	/* New parts join before the old ones leave: sequence numbers continue. */
	for (size_t i = 0; i < ha->cfg.n_nets; i++) {
		const struct ha_home_network *hn = &ha->cfg.nets[i];
		struct agent_adv_part p;

		if (!hn->advertise)
			continue;
		ha_adv_part(ha, hn, &p);
		srcs[i] = agent_adv_add(ha->env.loop, hn->ifname, &p, &ha_adv_ops, ha);
		if (srcs[i] == NULL) {
			for (size_t j = 0; j < i; j++)
				agent_adv_del(srcs[j]);
			free(srcs);
			snprintf(errmsg, errlen, "out of memory");
			return -1;
		}
	}
	ha_adv_fini(ha);
	ha->adv = srcs;
	ha->n_adv = ha->cfg.n_nets;
	return 0;
}

void
ha_adv_fini(struct ha *ha)
{
	for (size_t i = 0; i < ha->n_adv; i++)
		agent_adv_del(ha->adv[i]);
	free(ha->adv);
	ha->adv = NULL;
	ha->n_adv = 0;
}

void
ha_adv_close(struct ha *ha)
{
	ha_adv_fini(ha);
	ev_io_free(ha->io_icmp);
	ha->io_icmp = NULL;
	if (ha->fd_icmp >= 0)
		close(ha->fd_icmp);
	ha->fd_icmp = -1;
}

int
ha_advertise(struct ha *ha, const char *ifname)
{
	for (size_t i = 0; i < ha->n_adv; i++)
		if (ha->adv[i] != NULL && strcmp(ha->cfg.nets[i].ifname, ifname) == 0)
			return agent_adv_now(ha->adv[i]);
	return -ENOENT;
}

void
ha_icmp_input(struct ha *ha, const uint8_t *icmp, size_t len, struct in_addr dst, unsigned ifindex)
{
	bool valid = false;

	for (size_t i = 0; ifindex != 0 && i < ha->n_adv; i++) {
		if (ha->adv[i] == NULL || agent_adv_ifindex(ha->adv[i]) != ifindex)
			continue;
		if (!valid && mip_adv_sol_decode(icmp, len) != MIP_ADV_OK) {
			log_rl(&ha->rl, LOG_SS_HA, LOG_INFO, "invalid agent solicitation dropped");
			return;
		}
		valid = true;
		agent_adv_solicited(ha->adv[i], dst);
	}
}
