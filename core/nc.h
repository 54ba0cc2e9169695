/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nc.h - the NETCONF server (RFC 6241 over SSH, RFC 6242) on libnetconf2.
 *
 * pmipd hosts its own NETCONF server. A small pool of NETCONF threads
 * (nc_server.c) accepts SSH sessions and polls them with libnetconf2; every
 * RPC that reads or changes the engine is handed to the loop thread with
 * ev_loop_call_async() and the NETCONF thread waits for the reply. The loop
 * thread therefore owns everything the RPCs touch: the running tree, the
 * datastore locks, the northbound transaction and the role state.
 *
 *   NETCONF thread                         loop thread
 *   nc_accept / nc_ps_poll
 *     rpc callback --- nc_loop_call() ---> nc_rpc_*(): get, edit-config, ...
 *        waits     <--- reply ------------     nb_commit(), role accessors
 *
 * Files: nc_server.c (threads, SSH and TLS endpoints, the loop hand-off),
 * nc_auth.c (users: SSH and TLS authentication callbacks), nc_stats.c
 * (RFC 6022 session statistics), nc_rpc.c (the operations and the datastore
 * locks), nc_datastore.c (the startup file, <config> parsing), nc_edit.c
 * (edit-config merge engine and filters), nc_state.c (config false data from
 * the role accessors), nc_notif.c (subscriptions and notifications),
 * nb_pmip_netconf.c (the /pmip/netconf config callbacks). docs/netconf.md
 * describes the behaviour.
 *
 * The first part of this header is what the rest of the daemon calls; the
 * part after "internal" is shared by the nc_*.c files only.
 */
#ifndef PMIP_NC_H
#define PMIP_NC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nb.h"

struct ly_ctx;
struct lyd_node;
struct pmip_engine;

/**
 * nc_ctx_load - load the NETCONF modules (ietf-netconf with the features
 * pmipd implements, with-defaults, monitoring, notifications) into @ctx.
 * @ctx: the engine's context; called once, before any data exists.
 * Return: 0, or -1 (the libyang error is stored in @ctx).
 */
int nc_ctx_load(struct ly_ctx *ctx);

/**
 * nc_set_startup_path - name the file that is the startup datastore.
 * @path: the configuration file given with -c (not copied; must outlive the
 *        server). copy-config running->startup writes it atomically,
 *        delete-config startup empties it.
 */
void nc_set_startup_path(const char *path);

/**
 * nc_running_lock_holder - session id holding the lock on running, 0 if none.
 *
 * Loop thread only. While running is locked, no other front end may change
 * it: a SIGHUP reload is refused (main.c) and edits of other sessions fail.
 */
uint32_t nc_running_lock_holder(void);

/**
 * nc_shutdown - stop the NETCONF threads, close every session and free the
 * server. Called from main() after the loop has stopped and before the engine
 * is freed. No-op when the server never started.
 */
void nc_shutdown(void);

/* ---------------------------------------------------------------- internal */

#define NC_USER_MAX 65 /* user name with its NUL */

/**
 * struct nc_user - one /pmip/netconf/user entry.
 * @name: login name.
 * @hash: crypt(3) hash of the password, or NULL (no password login).
 * @keys: OpenSSH public key lines ("type base64 [comment]").
 * @n_keys: number of @keys.
 * @rw: read-write access.
 */
struct nc_user {
	char name[NC_USER_MAX];
	char *hash;
	char **keys;
	size_t n_keys;
	bool rw;
};

/**
 * struct nc_ctn - one /pmip/netconf/tls/cert-to-name entry.
 * @id: order (ascending).
 * @fingerprint: hash byte and colon-separated hash, lower case.
 * @map_type: libnetconf2's NC_TLS_CTN_MAPTYPE value.
 * @name: user name for map-type specified, else empty.
 */
struct nc_ctn {
	uint32_t id;
	char *fingerprint;
	int map_type;
	char name[NC_USER_MAX];
};

/**
 * struct nc_settings - the applied /pmip/netconf configuration.
 * @ssh_on: the SSH endpoint is configured.
 * @address: SSH listen address.
 * @port: SSH listen port.
 * @host_key: path of the PEM host key.
 * @tls_on: the TLS endpoint is configured.
 * @tls_address: TLS listen address.
 * @tls_port: TLS listen port.
 * @tls_cert: path of the PEM server certificate.
 * @tls_key: path of the PEM server private key (only the path is kept).
 * @tls_ca: path of the PEM file of trusted CA certificates.
 * @ctn: cert-to-name entries.
 * @n_ctn: entries in @ctn.
 * @idle_timeout: seconds, 0 = none.
 * @users: user table.
 * @n_users: entries in @users.
 */
struct nc_settings {
	bool ssh_on;
	char address[64];
	uint16_t port;
	char *host_key;
	bool tls_on;
	char tls_address[64];
	uint16_t tls_port;
	char *tls_cert;
	char *tls_key;
	char *tls_ca;
	struct nc_ctn *ctn;
	size_t n_ctn;
	uint16_t idle_timeout;
	struct nc_user *users;
	size_t n_users;
};

/**
 * nc_tls_differs - do @a and @b configure the TLS endpoint differently?
 * @a: settings.
 * @b: settings.
 * Return: true when the endpoint must be re-created.
 */
bool nc_tls_differs(const struct nc_settings *a, const struct nc_settings *b);

/**
 * nc_settings_from_tree - build settings from the /pmip:pmip/netconf node.
 * @dnode: the netconf container.
 * @err: receives the first problem (a host key that is not ECDSA P-256, a
 *       password hash crypt(3) does not know, an unparsable public key).
 * Return: the settings, or NULL with @err filled.
 */
struct nc_settings *nc_settings_from_tree(const struct lyd_node *dnode, struct nb_error *err);

/** nc_settings_free - free @s; NULL allowed. */
void nc_settings_free(struct nc_settings *s);

/**
 * nc_server_start - start the NETCONF runtime (libnetconf2, threads) if it is
 * not running, and open the endpoint of @s.
 * @e: the engine.
 * @s: settings (taken over on success).
 * @err: receives the reason on failure (e.g. the address is in use).
 * Return: 0, or -1 with nothing changed.
 */
int nc_server_start(struct pmip_engine *e, struct nc_settings *s, struct nb_error *err);

/**
 * nc_server_check_bind_changed - when @s moves the endpoint to another
 * address or port, can that be bound? (PREPARE of a modify).
 * @s: new settings.
 * @err: receives the reason on failure.
 * Return: 0 or -1.
 */
int nc_server_check_bind_changed(const struct nc_settings *s, struct nb_error *err);

/**
 * nc_server_reconfigure - put @s in force (users at once, endpoint moved when
 * the address or port changed). Must not fail: problems are logged.
 * @s: settings (taken over).
 */
void nc_server_reconfigure(struct nc_settings *s);

/**
 * nc_server_disable - close the endpoint and end every session; the threads
 * stay idle until nc_shutdown() or a new nc_server_start().
 */
void nc_server_disable(void);

/**
 * nc_server_kill - end session @victim on behalf of session @killer
 * (kill-session); it surfaces as terminated on a NETCONF thread.
 * Return: 0, or -ENOENT when no such session exists.
 */
int nc_server_kill(uint32_t victim, uint32_t killer);

/** nc_server_enabled - is an endpoint open? */
bool nc_server_enabled(void);

/**
 * nc_server_engine - the engine the server serves (loop thread, RPC handlers).
 */
struct pmip_engine *nc_server_engine(void);

/**
 * nc_server_cfg_lock - lock the server and return the applied settings
 * (NULL while no endpoint is configured). Hold it briefly: copy what is
 * needed, then nc_server_cfg_unlock(). Any thread.
 */
const struct nc_settings *nc_server_cfg_lock(void);

/** nc_server_cfg_unlock - release nc_server_cfg_lock(). */
void nc_server_cfg_unlock(void);

/**
 * nc_server_trim_after_reply - return freed heap memory to the system once
 * the reply of the RPC being answered has been sent. NETCONF thread only,
 * from inside an RPC callback; the flag is per thread.
 */
void nc_server_trim_after_reply(void);

/**
 * nc_auth_init - install the SSH (host key, password, public key) and TLS
 * (server certificate, trusted list, cert-to-name check) callbacks in
 * libnetconf2 (nc_auth.c). Called once, when the runtime starts.
 */
void nc_auth_init(void);

/**
 * nc_user_rw - may @user change things? Reads the current user table.
 * @user: login name.
 */
bool nc_user_rw(const char *user);

/**
 * nc_loop_call - run @fn(@arg) on the loop thread and wait for its result.
 * @fn: the work; its return value is the result.
 * @arg: its argument.
 * @result_free: frees a result nobody waits for any more (timeout, shutdown).
 * @result: receives the result.
 *
 * NETCONF threads only. Return: 0, or -1 when the call could not run (the
 * server stops, or the loop did not answer in time).
 */
int nc_loop_call(void *(*fn)(void *arg), void *arg, void (*result_free)(void *), void **result);

/**
 * nc_ds_startup_path - the startup file set with nc_set_startup_path(), or NULL.
 */
const char *nc_ds_startup_path(void);

/**
 * nc_ds_startup_load - parse the startup file into a new tree (loop thread).
 * @e: the engine (its YANG context).
 * @tree: receives the tree.
 * @err: receives the reason (operation-failed when there is no startup file).
 * Return: 0, or -1.
 */
int nc_ds_startup_load(struct pmip_engine *e, struct lyd_node **tree, struct nb_error *err);

/**
 * nc_ds_startup_write - replace the startup file by @text atomically
 * (temporary file, fsync, rename, fsync of the directory; mode 0600).
 * @text: the new content.
 * @err: receives the reason (app-tag operation-failed).
 * Return: 0, or -1 with the file unchanged.
 */
int nc_ds_startup_write(const char *text, struct nb_error *err);

/**
 * nc_ds_config_tree - the content of a <config> anydata node as a new data
 * tree of the schema; unknown elements, rejected values and state data are
 * refused with a precise error.
 * @e: the engine.
 * @config: the <config> node; NULL gives "missing <config>".
 * @tree: receives the tree (NULL for an empty <config>).
 * @err: receives the error.
 * Return: 0, or -1.
 */
int nc_ds_config_tree(struct pmip_engine *e, const struct lyd_node *config, struct lyd_node **tree,
                      struct nb_error *err);

/**
 * nc_ds_validate - validate configuration @tree (adds defaults); NULL
 * becomes the empty configuration.
 * @e: the engine.
 * @tree: the tree (changed in place).
 * @err: receives libyang's error.
 * Return: 0, or -1.
 */
int nc_ds_validate(struct pmip_engine *e, struct lyd_node **tree, struct nb_error *err);

/**
 * nc_rpc_dispatch - libnetconf2's global RPC callback (NETCONF thread).
 * @rpc: the parsed RPC.
 * @session: the session it came on.
 * Return: the reply.
 */
struct nc_server_reply;
struct nc_session;
struct nc_server_reply *nc_rpc_dispatch(struct lyd_node *rpc, struct nc_session *session);

/**
 * nc_rpc_get_schema - get-schema handler (NETCONF thread; reads only the
 * context, which never changes while the server runs).
 * @rpc: the parsed RPC.
 * @session: the session.
 * Return: the reply.
 */
struct nc_server_reply *nc_rpc_get_schema(struct lyd_node *rpc, struct nc_session *session);

/**
 * nc_rpc_session_end - release what session @sid holds (datastore locks);
 * loop thread.
 * @sid: NETCONF session id.
 */
void nc_rpc_session_end(uint32_t sid);

/** nc_rpc_fini - forget every lock (shutdown). */
void nc_rpc_fini(void);

/**
 * nc_edit_apply - apply edit-config content @edit to @target (a copy of
 * running), following RFC 6241 section 7.2.
 * @target: the tree to change (may become NULL or change its first node).
 * @edit: the content of <config>, nodes of the schema with operation metadata.
 * @default_op: "merge", "replace" or "none".
 * @err: receives the error; @err->app_tag holds the NETCONF error-tag when the
 *       tag is not invalid-value ("data-exists", "data-missing").
 * Return: 0, or -1.
 */
int nc_edit_apply(struct lyd_node **target, const struct lyd_node *edit, const char *default_op,
                  struct nb_error *err);

/**
 * nc_filter - select from @tree what filter @filter asks for.
 * @tree: the full data (not modified).
 * @filter: the <filter> node of the RPC (NULL = everything).
 * @out: receives a new tree with the selected nodes and their ancestors.
 * @err: receives the reason when the filter is invalid.
 * Return: 0, or -1.
 */
int nc_filter(const struct lyd_node *tree, const struct lyd_node *filter, struct lyd_node **out,
              struct nb_error *err);

/**
 * nc_filter_wants - could @filter select something of module @module?
 * Used to skip building state nobody asked for. NULL filter: true.
 * @filter: the <filter> node, or NULL.
 * @module: module name.
 */
bool nc_filter_wants(const struct lyd_node *filter, const char *module);

/**
 * nc_strip_secrets - remove every secret leaf (conf.c's list) from @tree.
 * @tree: data tree (its first sibling may change when it is freed).
 */
void nc_strip_secrets(struct lyd_node **tree);

/**
 * nc_state_build - the config false data of module pmip, from the role
 * accessors, as a /pmip:pmip tree. Loop thread.
 * @e: the engine.
 * @out: receives the tree (NULL when there is nothing to show).
 * Return: 0, or -1 (out of memory).
 */
int nc_state_build(struct pmip_engine *e, struct lyd_node **out);

/**
 * nc_state_monitoring - /ietf-netconf-monitoring:netconf-state: the
 * capabilities, schemas (for clients that discover modules there), sessions
 * and statistics.
 * @e: the engine.
 * @out: receives the tree.
 * Return: 0, or -1.
 */
int nc_state_monitoring(struct pmip_engine *e, struct lyd_node **out);

/** nc_stats_start - record the server start time (netconf-start-time). */
void nc_stats_start(void);

/** nc_stats_session_add - count a new session @s and list it. */
void nc_stats_session_add(const struct nc_session *s);

/**
 * nc_stats_session_del - forget ended session @s; it counts as dropped unless
 * it ended by close-session or kill-session. Before @s is freed.
 */
void nc_stats_session_del(const struct nc_session *s);

/**
 * nc_stats_poll - count what one nc_ps_poll() result says.
 * @r: the NC_PSPOLL_* result bits.
 * @s: the session it concerns, or NULL.
 */
void nc_stats_poll(int r, const struct nc_session *s);

/** nc_stats_bad_hello - count a session refused at the hello (in-bad-hellos). */
void nc_stats_bad_hello(void);

/** nc_stats_fini - forget every listed session (shutdown). */
void nc_stats_fini(void);

/**
 * nc_server_monitoring - add /netconf-state/sessions (every live session)
 * and /netconf-state/statistics (RFC 6022) under @state.
 * @state: the netconf-state container.
 * Return: 0, or -1 (out of memory).
 */
int nc_server_monitoring(struct lyd_node *state);

/**
 * nc_server_count_notification - count a notification sent on session @sid
 * (out-notifications, per session and global).
 * @sid: NETCONF session id.
 */
void nc_server_count_notification(uint32_t sid);

/**
 * nc_notif_start - subscribe to the event bus and start the notifier.
 * Return: 0, or -1.
 */
int nc_notif_start(struct pmip_engine *e);

/** nc_notif_stop - stop the notifier and drop every subscriber. */
void nc_notif_stop(void);

/**
 * nc_notif_subscribe - create-subscription on @session (loop thread).
 * @rpc: the create-subscription RPC.
 * @session: the subscriber.
 * Return: the reply.
 */
struct nc_server_reply *nc_notif_subscribe(struct lyd_node *rpc, struct nc_session *session);

/**
 * nc_notif_session_end - forget @session as a subscriber; must be called
 * before the session is freed (NETCONF thread).
 * @session: the session.
 */
void nc_notif_session_end(struct nc_session *session);

#endif /* PMIP_NC_H */
