/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keystore.h - key-store plugin class and the key-store chain.
 *
 * A key store answers "which security association protects this peer?".
 * Every answer is asynchronous: ops->lookup() returns at once and the plugin
 * calls the completion later from the event loop (the local store through a
 * deferred call, RADIUS when its reply arrives), never from inside lookup().
 * Callers therefore have one control flow whatever the back end.
 *
 * A struct ks_chain is the configured, ordered list of key stores
 * (/pmip:pmip/key-store/order, e.g. local then radius). A chain lookup asks
 * each store in turn: KS_NOT_FOUND or KS_ERROR moves on to the next store,
 * KS_FOUND and KS_REJECTED end the walk. When every store has been asked the
 * result is KS_NOT_FOUND if any store answered so, else KS_ERROR.
 *
 *   lookup() --> [store 1] --found/rejected--> done()
 *                   | not-found/error
 *                   v
 *                [store 2] --found/rejected--> done()
 *                   | not-found/error
 *                   v
 *                 done(not-found or error)
 */
#ifndef PMIP_KEYSTORE_H
#define PMIP_KEYSTORE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "sa.h"

struct ev_loop;
struct lyd_node;

/** enum ks_result - outcome of a lookup. */
enum ks_result {
	KS_FOUND = 0,     /* an SA was found; it is passed to the completion */
	KS_NOT_FOUND = 1, /* this store has no SA for the peer */
	KS_REJECTED = 2,  /* the store knows the peer and refuses it (Access-Reject) */
	KS_ERROR = 3,     /* the store could not answer (timeout, no server, shutdown) */
};

/**
 * struct ks_query - what is looked up.
 * @entity: relationship wanted (MN-HA, MN-FA, FA-HA).
 * @addr: peer address (home address of an MN, address of an agent), or INADDR_ANY.
 * @nai: NUL-terminated NAI, or empty.
 * @spi: SPI the peer used, or 0 when building a request (any SPI).
 */
struct ks_query {
	enum sa_entity entity;
	struct in_addr addr;
	char nai[SA_NAI_MAX + 1];
	uint32_t spi;
};

/**
 * ks_done_fn - lookup completion, always called on the loop thread.
 * @res: outcome.
 * @sa: the SA for KS_FOUND, else NULL. Borrowed for the duration of the
 *      call; take mip_sa_ref() to keep it.
 * @arg: the caller's argument.
 */
typedef void (*ks_done_fn)(enum ks_result res, struct mip_sa *sa, void *arg);

/**
 * struct ks_env - what the core gives a key-store instance.
 * @loop: the event loop (for deferred calls, timers, sockets).
 * @sa_table: configured SAs (read only; the core owns and updates it).
 */
struct ks_env {
	struct ev_loop *loop;
	const struct sa_table *sa_table;
};

/*
 * KS_STATUS_FIELDS(X) - the counters of struct ks_status, each as
 * X(member, state name, description). The state name is the leaf name in the
 * YANG key-store state and the member name in pmipctl's answer; readers walk
 * ks_status_table() instead of naming fields. Stores without a cache or
 * servers (keystore-local) leave every field after cache-entries zero.
 */
#define KS_STATUS_FIELDS(X)                                                                     \
	X(lookups, "lookups", "lookups started")                                                \
	X(found, "found", "lookups completed with an SA")                                       \
	X(not_found, "not-found", "lookups completed without an SA")                            \
	X(rejected, "rejected", "lookups refused by the store (Access-Reject)")                 \
	X(errors, "errors", "lookups the store could not answer")                               \
	X(cache_entries, "cache-entries", "SAs currently cached")                               \
	X(cache_hits, "cache-hits", "lookups answered from the cache (positive or negative)")   \
	X(cache_evictions, "cache-evictions", "cache entries dropped to respect the maximum")   \
	X(coalesced, "coalesced", "lookups that joined a server request already in flight")     \
	X(requests, "requests", "requests sent to servers (one per server tried)")              \
	X(retransmissions, "retransmissions", "requests sent again to the same server")         \
	X(timeouts, "timeouts", "request timer expiries")                                       \
	X(failovers, "failovers", "requests moved to the next server")                          \
	X(bad_authenticators, "bad-authenticators",                                             \
	  "responses dropped for a wrong Response Authenticator or Message-Authenticator")      \
	X(dropped_responses, "dropped-responses",                                               \
	  "other responses dropped (malformed, no Message-Authenticator, unexpected, unknown)") \
	X(probes, "probes", "liveness probes (Status-Server) sent to dead servers")             \
	X(probe_answers, "probe-answers", "valid answers to those probes")                      \
	X(servers, "servers", "servers configured")                                             \
	X(servers_dead, "servers-dead", "servers currently considered dead")

/**
 * struct ks_status - operational status of one key-store instance.
 * @KS_STATUS_FIELDS: one uint64_t per entry of KS_STATUS_FIELDS.
 * @servers_dead_mask: bit i set when server i (configured order, i < 64) is dead.
 */
struct ks_status {
	KS_STATUS_FIELDS(PMIP_COUNTER_MEMBER)
	uint64_t servers_dead_mask;
};

/**
 * ks_status_table - descriptor table of the counters of struct ks_status.
 * @n: set to the number of rows.
 *
 * Return: the rows, in KS_STATUS_FIELDS order (servers_dead_mask is not a row).
 */
const struct pmip_counter_desc *ks_status_table(size_t *n);

/**
 * struct ks_ops - operations of a key-store plugin.
 *
 * @create: make an instance. @env stays valid until @destroy. Return the
 *	instance, or NULL with @errmsg filled. Mandatory.
 * @destroy: free an instance. Lookups still pending must be completed with
 *	KS_ERROR from a deferred call before the instance memory goes away
 *	(or cancelled by the core beforehand). Mandatory.
 * @configure: apply the plugin's own config subtree @cfg (may be NULL when the
 *	subtree is absent). Called after @create and on every change of the
 *	subtree. Return 0, or -1 with @errmsg filled and the old settings kept.
 *	May be NULL if the plugin has no settings.
 * @lookup: start a lookup for @q and return at once. On success, return 0
 *	and store a non-zero request id in *@id; @done(@arg) will be called
 *	exactly once, later, from the loop, unless @cancel is called first.
 *	Return a negative errno if the lookup could not start (then @done is
 *	never called). Mandatory.
 * @cancel: abandon request @id; its completion will not be called. Unknown
 *	ids are ignored. Mandatory.
 * @clear_cache: drop every cached SA and negative entry. May be NULL (no cache).
 * @get_status: fill @st. May be NULL (then status reads as all zero).
 */
struct ks_ops {
	void *(*create)(const struct ks_env *env, char *errmsg, size_t errlen);
	void (*destroy)(void *inst);
	int (*configure)(void *inst, const struct lyd_node *cfg, char *errmsg, size_t errlen);
	int (*lookup)(void *inst, const struct ks_query *q, ks_done_fn done, void *arg,
	              uint64_t *id);
	void (*cancel)(void *inst, uint64_t id);
	void (*clear_cache)(void *inst);
	void (*get_status)(void *inst, struct ks_status *st);
};

struct ks_chain;
/** struct ks_handle - a pending chain lookup, for ks_chain_cancel(). */
struct ks_handle;

/**
 * ks_chain_new - load and create the key stores @names[0..@n) in order.
 * @names: store names without the "keystore-" prefix ("local", "radius").
 * @plugin_dir: directory to load plugins from.
 * Return: the chain, or NULL with @errmsg filled (nothing stays loaded).
 */
struct ks_chain *ks_chain_new(const struct ks_env *env, const char *plugin_dir,
                              const char *const *names, size_t n, char *errmsg, size_t errlen);
/**
 * ks_chain_free - destroy the chain. Pending lookups complete with KS_ERROR
 * from deferred calls. NULL allowed.
 */
void ks_chain_free(struct ks_chain *c);
/**
 * ks_chain_lookup - look @q up through the chain.
 * @handle: receives a handle for ks_chain_cancel(); may be NULL.
 * Return: 0 (completion will follow) or a negative errno (it will not).
 */
int ks_chain_lookup(struct ks_chain *c, const struct ks_query *q, ks_done_fn done, void *arg,
                    struct ks_handle **handle);
/** ks_chain_cancel - abandon a pending lookup; its completion is not called. */
void ks_chain_cancel(struct ks_chain *c, struct ks_handle *h);
/** ks_chain_configure - pass @cfg to the store named @name; -1 with @errmsg on error. */
int ks_chain_configure(struct ks_chain *c, const char *name, const struct lyd_node *cfg,
                       char *errmsg, size_t errlen);
/** ks_chain_clear_cache - clear the caches of every store. */
void ks_chain_clear_cache(struct ks_chain *c);
/** ks_chain_count - number of stores. */
size_t ks_chain_count(const struct ks_chain *c);
/** ks_chain_status - name and status of store @i; returns NULL past the end. */
const char *ks_chain_status(const struct ks_chain *c, size_t i, struct ks_status *st);
/** ks_result_name - "found", "not-found", "rejected", "error". */
const char *ks_result_name(enum ks_result r);

#endif /* PMIP_KEYSTORE_H */
