/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tunnel_mock.h - inspection interface of the tunnel-mock test plugin.
 *
 * The plugin exports one data symbol besides its descriptor, TUNNEL_MOCK_API_SYMBOL, of type
 * struct tunnel_mock_api. A test finds it with dlopen(RTLD_NOLOAD) + dlsym() on the module the
 * code under test loaded, and reads what is installed now (tunnels, routes, proxy-ARP
 * entries) and how often each operation was called.
 */
#ifndef TUNNEL_MOCK_H
#define TUNNEL_MOCK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define TUNNEL_MOCK_API_SYMBOL "tunnel_mock_api"

/** enum tunnel_mock_op - operations counted and open to failure injection. */
enum tunnel_mock_op {
	TMOCK_TUNNEL_ADD,
	TMOCK_TUNNEL_DEL,
	TMOCK_ROUTE_ADD,
	TMOCK_ROUTE_DEL,
	TMOCK_PARP_ADD,
	TMOCK_PARP_DEL,
	TMOCK_GARP,
	TMOCK_OP_COUNT
};

/**
 * struct tunnel_mock_api - what a test can ask the mock.
 * @instances: live instances (created and not destroyed).
 * @calls: number of calls of @op since the last @reset.
 * @tunnel: id of the live tunnel to @remote with encapsulation @encap (enum tun_encap), or 0.
 * @n_tunnels: number of live tunnels.
 * @route: tunnel id the host route of @dst points into, or 0 when there is none.
 * @n_routes: number of live routes.
 * @parp: whether a proxy-ARP entry for @addr on @ifname is installed.
 * @n_parps: number of live proxy-ARP entries.
 * @garps: gratuitous ARPs (calls times count) announced for @addr.
 * @fail_next: make the next call of @op fail with @err (a negative errno).
 * @reset: forget counts and injected failures (not the live objects, nor the caps).
 * @route_into: whether a host route (member or not) of @dst points into tunnel @tunnel.
 * @set_caps: capability mask (enum tun_cap) @caps reports from now on; each new
 *	instance starts with TUN_CAP_IPIP | TUN_CAP_GRE.
 */
struct tunnel_mock_api {
	unsigned (*instances)(void);
	unsigned (*calls)(enum tunnel_mock_op op);
	uint32_t (*tunnel)(struct in_addr remote, int encap);
	unsigned (*n_tunnels)(void);
	uint32_t (*route)(struct in_addr dst);
	unsigned (*n_routes)(void);
	bool (*parp)(const char *ifname, struct in_addr addr);
	unsigned (*n_parps)(void);
	unsigned (*garps)(struct in_addr addr);
	void (*fail_next)(enum tunnel_mock_op op, int err);
	void (*reset)(void);
	bool (*route_into)(struct in_addr dst, uint32_t tunnel);
	void (*set_caps)(uint32_t caps);
};

#endif /* TUNNEL_MOCK_H */
