/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * role.c - UDP socket helpers shared by the roles (IP_PKTINFO in and out).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "role.h"

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
