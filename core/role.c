/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * role.c - socket helpers shared by the roles: UDP with IP_PKTINFO in and out, raw IPv4
 * receive (ICMP router solicitations) with IP_PKTINFO and the IPv4 header checks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "role.h"

#define ROLE_ICMP_FILTER 1 /* ICMP_FILTER of linux/icmp.h (clashes with net/if.h) */

int
role_udp_open(struct in_addr addr, uint16_t port, char *errmsg, size_t errlen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
		                   .sin_port = htons(port),
		                   .sin_addr = addr };
	char abuf[INET_ADDRSTRLEN];
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(errmsg, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0) {
		snprintf(errmsg, errlen, "setsockopt: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		snprintf(errmsg, errlen, "bind %s:%u: %s",
		         inet_ntop(AF_INET, &addr, abuf, sizeof(abuf)), port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

ssize_t
role_udp_recv(int fd, uint8_t *buf, size_t cap, struct role_rx *rx)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = {
		.msg_name = &rx->src,
		.msg_namelen = sizeof(rx->src),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.buf,
		.msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	memset(rx, 0, sizeof(*rx));
	n = recvmsg(fd, &mh, MSG_TRUNC);
	if (n < 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			rx->dst = pi.ipi_addr;
			rx->ifindex = (unsigned)pi.ipi_ifindex;
		}
	}
	return n;
}

int
role_udp_send(int fd, struct in_addr from, const struct sockaddr_in *to, const uint8_t *buf,
              size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = {
		.msg_name = (void *)to,
		.msg_namelen = sizeof(*to),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};

	if (from.s_addr != INADDR_ANY) {
		struct in_pktinfo pi = { .ipi_spec_dst = from };
		struct cmsghdr *c;

		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
	if (sendmsg(fd, &mh, 0) < 0)
		return -errno;
	return 0;
}

void
role_udp_drain(int fd, uint8_t *buf, size_t cap, unsigned max, role_input_fn input, void *arg)
{
	struct role_rx rx;

	for (unsigned i = 0; i < max; i++) {
		ssize_t n = role_udp_recv(fd, buf, cap, &rx);

		if (n < 0)
			break;
		input(arg, buf, (size_t)n > cap ? cap : (size_t)n, &rx);
	}
}

ssize_t
role_raw_recv(int fd, uint8_t *buf, size_t cap, struct role_rx *rx, size_t *off)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = { .msg_iov = &iov,
		             .msg_iovlen = 1,
		             .msg_control = cbuf.buf,
		             .msg_controllen = sizeof(cbuf.buf) };
	struct cmsghdr *c;
	ssize_t n;
	size_t ihl;

	memset(rx, 0, sizeof(*rx));
	n = recvmsg(fd, &mh, 0);
	if (n < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			rx->ifindex = (unsigned)pi.ipi_ifindex;
		}
	}
	if (n < 20)
		return -EBADMSG;
	ihl = (size_t)(buf[0] & 0xf) * 4;
	if (ihl < 20 || (size_t)n < ihl)
		return -EBADMSG;
	rx->src.sin_family = AF_INET;
	memcpy(&rx->src.sin_addr, buf + 12, 4);
	memcpy(&rx->dst, buf + 16, 4);
	*off = ihl;
	return n - (ssize_t)ihl;
}

int
role_icmp_open(void)
{
	uint32_t filt = ~(1u << ICMP_ROUTERSOLICIT);
	int one = 1, ttl = 1, err;
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_RAW, ROLE_ICMP_FILTER, &filt, sizeof(filt)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int
role_raw_send(int fd, unsigned ifindex, struct in_addr from, struct in_addr to, const uint8_t *buf,
              size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = to };
	struct in_pktinfo pi = { .ipi_ifindex = (int)ifindex, .ipi_spec_dst = from };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_name = &sin,
		             .msg_namelen = sizeof(sin),
		             .msg_iov = &iov,
		             .msg_iovlen = 1,
		             .msg_control = cbuf.buf,
		             .msg_controllen = sizeof(cbuf.buf) };
	struct cmsghdr *c;

	memset(&cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	return sendmsg(fd, &mh, 0) < 0 ? -errno : 0;
}
