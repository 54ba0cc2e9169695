/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tun_dev.c - open and configure the TUN device that carries inner packets.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "tun_sys.h"

/* Run interface ioctl @req on @ifr through a throw-away AF_INET socket. */
static int
if_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (s < 0)
		return -errno;
	if (ioctl(s, req, ifr) < 0)
		rc = -errno;
	close(s);
	return rc;
}

/*
 * The device carries IPv4 only: without IPv6 the kernel sends no router
 * solicitations or MLD reports into it. Best effort (IPv6 may be absent).
 */
static void
no_ipv6(const char *ifname)
{
	char path[64 + IFNAMSIZ];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		log_debug(LOG_SS_TUNNEL, "disable IPv6 on %s failed", ifname);
	close(fd);
}

int
tunu_dev_open(const char *name, unsigned mtu, char ifname[IFNAMSIZ], int *ifindex)
{
	struct ifreq ifr;
	int fd, rc;

	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		log_warn(LOG_SS_TUNNEL, "open /dev/net/tun");
		return rc;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		log_warn(LOG_SS_TUNNEL, "TUNSETIFF %s", name);
		goto fail;
	}
	snprintf(ifname, IFNAMSIZ, "%s", ifr.ifr_name);

	if (mtu != 0) {
		ifr.ifr_mtu = (int)mtu;
		rc = if_ioctl(SIOCSIFMTU, &ifr);
		if (rc < 0) {
			log_warnx(LOG_SS_TUNNEL, "set MTU %u on %s: %s", mtu, ifname,
			          strerror(-rc));
			goto fail;
		}
	}
	no_ipv6(ifname);
	rc = if_ioctl(SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = if_ioctl(SIOCSIFFLAGS, &ifr);
	}
	if (rc < 0) {
		log_warnx(LOG_SS_TUNNEL, "bring %s up: %s", ifname, strerror(-rc));
		goto fail;
	}
	*ifindex = (int)if_nametoindex(ifname);
	if (*ifindex == 0) {
		rc = -errno;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return rc;
}
