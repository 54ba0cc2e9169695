/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * engine.h - the pmipd engine: loop, YANG context, running config, settings.
 *
 * struct pmip_engine is the one object the daemon's loop thread owns. The
 * members below "applied configuration" are written only by the northbound
 * callbacks in nb_pmip_*.c, inside the APPLY phase of a commit; everything
 * else reads them. The role config structs are plain C copies of the YANG
 * subtrees, rebuilt as a whole when anything below the role changes, so a
 * role always sees one consistent snapshot.
 */
#ifndef PMIP_ENGINE_H
#define PMIP_ENGINE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keystore.h"
#include "nb.h"

struct ev_loop;
struct ly_ctx;
struct lyd_node;

#define PMIP_NAME_MAX      33 /* plugin and back-end names, 1..32 characters */
#define PMIP_AAP_MAX       3  /* authoritative access points per proxy AP */
#define PMIP_AAP_PEERS_MAX 2  /* other AAPs one AAP reconciles with */
#define PMIP_GROUP_KEY_MAX 64 /* AAP group key, bytes */

/**
 * struct pmip_prefix - an IPv4 prefix.
 * @addr: network address (host bits zero), network byte order.
 * @len: prefix length 0..32.
 */
struct pmip_prefix {
	struct in_addr addr;
	uint8_t len;
};

/**
 * struct pmip_iface - one entry of /pmip/interface.
 * @name: interface name.
 * @description: operator text (may be empty).
 * @next: next entry.
 */
struct pmip_iface {
	char name[IF_NAMESIZE];
	char description[256];
	struct pmip_iface *next;
};

/** struct ha_home_network - one /pmip/home-agent/home-network entry. */
struct ha_home_network {
	struct pmip_prefix prefix; /* home network */
	struct in_addr addr;       /* the HA's own address on it */
	char ifname[IF_NAMESIZE];  /* interface attached to it */
	bool advertise;            /* send agent advertisements (H) on @ifname */
	uint16_t adv_interval_s;   /* their mean interval */
	uint16_t adv_lifetime_s;   /* their ICMP lifetime */
};

/** struct ha_config - /pmip/home-agent; 0 in a limit means unlimited. */
struct ha_config {
	struct ha_home_network *nets;
	size_t n_nets;
	uint16_t max_lifetime;
	uint32_t max_bindings;
	uint8_t max_simultaneous;
	bool require_fa_auth;
	bool reverse_tunnel;
	bool gre;
	uint16_t udp_port;
	char tunnel_backend[PMIP_NAME_MAX];
};

/** struct fa_interface - one /pmip/foreign-agent/interface entry. */
struct fa_interface {
	char ifname[IF_NAMESIZE];
	struct in_addr coa;
	uint16_t adv_interval_s;
	uint16_t adv_lifetime_s;
};

/** enum fa_reverse_tunnel - reverse-tunnelling policy of the FA. */
enum fa_reverse_tunnel {
	FA_RT_NONE = 0,
	FA_RT_AVAILABLE,
	FA_RT_MANDATORY,
};

/** struct fa_config - /pmip/foreign-agent; 0 in a limit means unlimited. */
struct fa_config {
	struct fa_interface *ifs;
	size_t n_ifs;
	uint16_t max_reg_lifetime;
	uint16_t reg_timeout_s;
	enum fa_reverse_tunnel reverse_tunnel;
	bool gre;
	bool busy;
	bool reg_required;
	bool revocation;
	bool minimal_encap; /* offer minimal encapsulation (M) when the back end can */
	uint32_t max_visitors;
	char tunnel_backend[PMIP_NAME_MAX]; /* "" means "userspace" */
};

/** struct proxy_subnet - one static subnet-map entry. */
struct proxy_subnet {
	struct pmip_prefix prefix;
	struct in_addr ha;
};

/**
 * struct proxy_client_nai - /pmip/proxy/client-nai: the NAI the proxy gives a client.
 * @mac: the client's link-layer address (the list key).
 * @nai: NUL-terminated NAI (RFC 2794), 1..SA_NAI_MAX bytes.
 */
struct proxy_client_nai {
	uint8_t mac[6];
	char nai[SA_NAI_MAX + 1];
};

/* PROXY_CLIENTS_DEFAULT - default of /pmip/proxy/max-clients (the YANG default). */
#define PROXY_CLIENTS_DEFAULT 4096

/**
 * struct proxy_config - /pmip/proxy; requested_lifetime 0 = the FA's maximum.
 * @dnode: the /pmip:pmip/proxy node this struct was parsed from, borrowed: valid only
 *	during the role's start() and reconfigure() calls, where it is handed to the
 *	discovery back ends' configure() (they copy what they keep). NULL in tests.
 */
struct proxy_config {
	const struct lyd_node *dnode;
	char client_if[IF_NAMESIZE];
	char (*discovery)[PMIP_NAME_MAX];
	size_t n_discovery;
	uint8_t reregister_pct;
	uint32_t retransmit_initial_ms;
	uint8_t retransmit_max;
	uint32_t idle_timeout_s;
	uint32_t max_clients; /* client table cap (0 in a hand-built config: 4096) */
	uint16_t requested_lifetime;
	bool tunnel_gre;
	bool tunnel_reverse;
	struct proxy_subnet *map;
	size_t n_map;
	struct proxy_client_nai *nai; /* clients registered with an NAI extension */
	size_t n_nai;
	struct in_addr aap[PMIP_AAP_MAX];
	size_t n_aap;
	/* aap-client: the AP side of the AAP protocol (wiped when freed) */
	uint8_t aap_key[PMIP_GROUP_KEY_MAX];
	size_t aap_key_len;
	uint16_t aap_port;
	uint32_t aap_hello_ms;
	uint8_t aap_hello_misses;
	uint32_t aap_max_entries;
	struct in_addr aap_self; /* INADDR_ANY: the address of the AP's bridge */
};

/** struct aap_config - /pmip/aap. The group key is wiped when freed. */
struct aap_config {
	struct in_addr address; /* sender id and local address; INADDR_ANY: not configured */
	uint16_t port;
	uint8_t group_key[PMIP_GROUP_KEY_MAX];
	size_t group_key_len;
	struct in_addr peers[PMIP_AAP_PEERS_MAX];
	size_t n_peers;
	uint32_t max_entries;
	uint16_t compare_interval_s;
	uint8_t probe_retries;
	uint16_t probe_timeout_s;
};

/**
 * struct pmip_engine - everything the loop thread owns.
 * @loop: event loop (NULL in check mode, pmipd -n).
 * @ly_ctx: libyang context with the pmip module.
 * @nb: northbound callback table.
 * @running: running configuration tree (owned), NULL before the first commit.
 * @cli_plugin_dir: plugin directory from the command line (-P), or NULL.
 * @foreground: running in the foreground (logs to stderr).
 *
 * Applied configuration, written only by nb_pmip_*.c:
 * @plugin_dir: effective plugin directory.
 * @replay_tolerance_s: global timestamp tolerance.
 * @sa_table: configured security associations.
 * @ks_env: what the key stores get (loop, SA table).
 * @ks_chain: the key-store chain.
 * @ifaces: /pmip/interface entries.
 * @ha, @fa, @proxy, @aap: role configs, NULL when the role is off.
 */
struct fa;
struct ha;
struct proxy;
struct aap;

struct pmip_engine {
	struct ev_loop *loop;
	struct ly_ctx *ly_ctx;
	struct nb_table *nb;
	struct lyd_node *running;
	const char *cli_plugin_dir;
	bool foreground;

	char *plugin_dir;
	uint16_t replay_tolerance_s;
	struct sa_table *sa_table;
	struct ks_env ks_env;
	struct ks_chain *ks_chain;
	struct pmip_iface *ifaces;
	struct ha_config *ha;
	struct fa_config *fa;
	struct proxy_config *proxy;
	struct aap_config *aap;
	struct ha *ha_inst;       /* running home agent; NULL when off or in check mode */
	struct fa *fa_inst;       /* running foreign agent; NULL when off or in check mode */
	struct proxy *proxy_inst; /* running proxy access point; NULL when off or in check mode */
	struct aap *aap_inst;     /* running AAP; NULL when off or in check mode */
};

/**
 * engine_new - create an engine with the embedded YANG modules loaded.
 * @loop: event loop, or NULL for check mode.
 * @cli_plugin_dir: plugin directory given with -P, or NULL; not copied.
 * @foreground: logging goes to stderr (else syslog).
 * @err: receives the reason on failure (including the callback self-check).
 * Return: the engine, or NULL.
 */
struct pmip_engine *engine_new(struct ev_loop *loop, const char *cli_plugin_dir, bool foreground,
                               struct nb_error *err);

/**
 * engine_free - free @e: the applied configuration, the running tree and the
 * context. NULL allowed.
 */
void engine_free(struct pmip_engine *e);

/**
 * engine_plugin_dir - plugin directory that applies to configuration @tree.
 * @e: the engine.
 * @tree: configuration tree (may be NULL).
 *
 * Order: -P, then /pmip/global/plugin-dir of @tree, then $PMIP_PLUGIN_DIR,
 * then the compiled-in directory.
 * Return: the directory; valid while @tree and @e live.
 */
const char *engine_plugin_dir(const struct pmip_engine *e, const struct lyd_node *tree);

#endif /* PMIP_ENGINE_H */
