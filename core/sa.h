/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sa.h - mobility security associations (SAs) and the SA table.
 *
 * An SA binds a peer (a host address, an address range or an NAI) to an SPI,
 * a key with its precomputed schedule (struct mip_auth_key), an algorithm and
 * a replay-protection method. SAs are reference counted because key stores
 * hand them to callers asynchronously and caches (RADIUS) may drop them while
 * a registration still uses one.
 *
 * struct sa_table is the set of configured SAs. It is written only by the
 * northbound config callbacks for /pmip:pmip/security-association; the
 * keystore-local plugin answers lookups from it.
 */
#ifndef PMIP_SA_H
#define PMIP_SA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "mip_auth.h"

#define SA_NAME_MAX 64
#define SA_NAI_MAX  255

/** enum sa_peer_kind - how an SA names its peer. */
enum sa_peer_kind {
	SA_PEER_HOST = 1,  /* one IPv4 address */
	SA_PEER_RANGE = 2, /* inclusive range of IPv4 addresses */
	SA_PEER_NAI = 3,   /* RFC 2794 network access identifier */
};

/** enum sa_replay - replay-protection method (RFC 5944 section 5.7). */
enum sa_replay {
	SA_REPLAY_NONE = 0,
	SA_REPLAY_TIMESTAMP = 1,
	SA_REPLAY_NONCE = 2,
};

/** enum sa_entity - which relationship the SA protects. */
enum sa_entity {
	SA_ENTITY_MOBILE_NODE = 1,   /* MN-HA (or the proxy AP acting for the MN) */
	SA_ENTITY_VISITOR = 2,       /* MN-FA */
	SA_ENTITY_FOREIGN_AGENT = 3, /* FA-HA, held by the HA about an FA */
	SA_ENTITY_HOME_AGENT = 4,    /* FA-HA, held by the FA about an HA */
};

/**
 * struct mip_sa - one mobility security association.
 * @name: configuration name (YANG list key) or a key-store generated name.
 * @peer_kind: which of @lo/@hi or @nai identifies the peer.
 * @lo: host address, or first address of a range (network byte order).
 * @hi: last address of a range (equal to @lo for a host).
 * @nai: NUL-terminated NAI for SA_PEER_NAI, else empty.
 * @entity: relationship protected.
 * @spi: security parameter index.
 * @alg: authentication algorithm.
 * @replay: replay-protection method.
 * @tolerance_s: timestamp tolerance in seconds (SA_REPLAY_TIMESTAMP).
 * @key: precomputed key schedule; owned by the SA.
 * @source: who supplied it: "config", "radius", ... (static string).
 */
struct mip_sa {
	char name[SA_NAME_MAX];
	enum sa_peer_kind peer_kind;
	struct in_addr lo, hi;
	char nai[SA_NAI_MAX + 1];
	enum sa_entity entity;
	uint32_t spi;
	enum mip_auth_alg alg;
	enum sa_replay replay;
	uint32_t tolerance_s;
	struct mip_auth_key *key;
	const char *source;
	/* private */
	unsigned refcnt;
};

/**
 * mip_sa_new - allocate an SA with refcount 1.
 * @key/@keylen: raw key bytes; the key schedule is precomputed here.
 * Other fields are set by the caller after return (all but @key and @refcnt).
 * Return: the SA, or NULL with errno set (EINVAL for a bad key, ENOMEM).
 */
struct mip_sa *mip_sa_new(enum mip_auth_alg alg, const uint8_t *key, size_t keylen);
/** mip_sa_ref - take a reference; returns @sa. */
struct mip_sa *mip_sa_ref(struct mip_sa *sa);
/** mip_sa_unref - drop a reference; frees (and wipes the key) at zero. NULL is allowed. */
void mip_sa_unref(struct mip_sa *sa);
/** mip_sa_matches_addr - does @sa cover home address @addr (host or range)? */
bool mip_sa_matches_addr(const struct mip_sa *sa, struct in_addr addr);

struct sa_table;

/** sa_table_new - empty table; NULL on allocation failure. */
struct sa_table *sa_table_new(void);
/** sa_table_free - drop the table's references and free it; NULL is allowed. */
void sa_table_free(struct sa_table *t);
/**
 * sa_table_put - insert @sa or replace the entry with the same name.
 * The table takes its own reference. The SA's peer fields must not change
 * while it is in a table. Return: 0, -EINVAL (range lo > hi, empty NAI, bad
 * peer kind) or -ENOMEM.
 */
int sa_table_put(struct sa_table *t, struct mip_sa *sa);
/** sa_table_del - remove the entry named @name; returns 0 or -ENOENT. */
int sa_table_del(struct sa_table *t, const char *name);
/** sa_table_get - entry named @name (borrowed pointer), or NULL. */
struct mip_sa *sa_table_get(const struct sa_table *t, const char *name);
/** sa_table_count - number of entries. */
unsigned sa_table_count(const struct sa_table *t);

/**
 * sa_table_lookup - best SA for a peer.
 * @entity: relationship wanted.
 * @addr: peer address (INADDR_ANY to match by NAI only).
 * @nai: peer NAI or NULL.
 * @spi: SPI wanted, or 0 for any.
 *
 * Preference: an NAI match, then a host match, then the narrowest range.
 * Return: borrowed pointer, or NULL. Take a reference to keep it.
 */
struct mip_sa *sa_table_lookup(const struct sa_table *t, enum sa_entity entity, struct in_addr addr,
                               const char *nai, uint32_t spi);

/**
 * sa_table_foreach - call @fn for every entry in name order; stops when @fn
 * returns non-zero and returns that value (-ENOMEM if the snapshot cannot be
 * allocated). @fn may delete entries.
 */
int sa_table_foreach(const struct sa_table *t, int (*fn)(struct mip_sa *sa, void *arg), void *arg);

#endif /* PMIP_SA_H */
