/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nb_pmip_sa.c - config callbacks: /pmip/security-association.
 *
 * Each list entry is one struct mip_sa in the engine's SA table. A create or
 * modify builds a fresh SA in PREPARE (so the key schedule is ready before
 * anything changes) and swaps it into the table in APPLY; registrations that
 * hold the old SA keep their reference until they finish. Unchanged entries
 * are not touched by a commit and keep their object identity.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libyang/libyang.h>

#include "engine.h"
#include "log.h"
#include "mip_auth.h"
#include "nb_pmip.h"
#include "sa.h"

static int
nb_pmip_sa_validate(struct nb_cb_args *args)
{
	const struct lyd_node *d = args->dnode;
	const struct lyd_node *hex = nb_pmip_node(d, "key-hex");
	struct in_addr lo, hi;
	unsigned long spi;

	if (nb_pmip_ipv4(d, "range-start", &lo) == 0 && nb_pmip_ipv4(d, "range-end", &hi) == 0 &&
	    ntohl(hi.s_addr) < ntohl(lo.s_addr)) {
		nb_errorf(args, nb_pmip_node(d, "range-end"), "invalid-range",
		          "range-end %s is below range-start %s.", nb_pmip_str(d, "range-end", ""),
		          nb_pmip_str(d, "range-start", ""));
		return -1;
	}
	if (hex != NULL && strlen(lyd_get_value(hex)) % 2 != 0) {
		nb_errorf(args, hex, "invalid-key",
		          "key-hex has an odd number of hex digits (two per byte).");
		return -1;
	}
	spi = nb_pmip_uint(d, "spi", 0);
	if (spi < 256) {
		char path[NB_PATH_MAX];

		lyd_path(nb_pmip_node(d, "spi"), LYD_PATH_STD, path, sizeof(path));
		log_warnx(LOG_SS_CONFIG, "%s: SPI %lu is in the reserved range 0-255", path, spi);
	}
	return 0;
}

static enum sa_entity
nb_pmip_sa_entity(const char *s)
{
	if (strcmp(s, "visitor") == 0)
		return SA_ENTITY_VISITOR;
	if (strcmp(s, "foreign-agent") == 0)
		return SA_ENTITY_FOREIGN_AGENT;
	if (strcmp(s, "home-agent") == 0)
		return SA_ENTITY_HOME_AGENT;
	return SA_ENTITY_MOBILE_NODE;
}

static enum sa_replay
nb_pmip_sa_replay(const char *s)
{
	if (strcmp(s, "none") == 0)
		return SA_REPLAY_NONE;
	if (strcmp(s, "nonce") == 0)
		return SA_REPLAY_NONCE;
	return SA_REPLAY_TIMESTAMP;
}

static struct mip_sa *
nb_pmip_sa_build(struct nb_cb_args *args)
{
	const struct lyd_node *d = args->dnode;
	const char *hex = nb_pmip_str(d, "key-hex", NULL);
	const char *ascii = nb_pmip_str(d, "key-ascii", NULL);
	enum mip_auth_alg alg = MIP_AUTH_HMAC_MD5;
	uint8_t key[MIP_AUTH_KEY_MAX];
	struct mip_sa *sa;
	int keylen;

	if (strcmp(nb_pmip_str(d, "algorithm", "hmac-md5"), "keyed-md5-prefix-suffix") == 0)
		alg = MIP_AUTH_KEYED_MD5_PS;
	if (hex != NULL) {
		keylen = nb_pmip_hex(hex, key, sizeof(key));
	} else {
		keylen = ascii != NULL && strlen(ascii) <= sizeof(key) ? (int)strlen(ascii) : -1;
		if (keylen > 0)
			memcpy(key, ascii, (size_t)keylen);
	}
	if (keylen <= 0) {
		nb_errorf(args, NULL, "invalid-key", "unusable key");
		return NULL;
	}
	sa = mip_sa_new(alg, key, (size_t)keylen);
	explicit_bzero(key, sizeof(key));
	if (sa == NULL) {
		nb_errorf(args, NULL, "resource-denied",
		          "cannot create the security association: %s", strerror(errno));
		return NULL;
	}
	snprintf(sa->name, sizeof(sa->name), "%s", nb_pmip_str(d, "name", ""));
	sa->lo.s_addr = sa->hi.s_addr = INADDR_ANY;
	sa->nai[0] = '\0';
	if (nb_pmip_ipv4(d, "host", &sa->lo) == 0) {
		sa->peer_kind = SA_PEER_HOST;
		sa->hi = sa->lo;
	} else if (nb_pmip_ipv4(d, "range-start", &sa->lo) == 0) {
		sa->peer_kind = SA_PEER_RANGE;
		nb_pmip_ipv4(d, "range-end", &sa->hi);
	} else {
		sa->peer_kind = SA_PEER_NAI;
		snprintf(sa->nai, sizeof(sa->nai), "%s", nb_pmip_str(d, "nai", ""));
	}
	sa->entity = nb_pmip_sa_entity(nb_pmip_str(d, "entity", "mobile-node"));
	sa->spi = (uint32_t)nb_pmip_uint(d, "spi", 0);
	sa->alg = alg;
	sa->replay = nb_pmip_sa_replay(nb_pmip_str(d, "replay-method", "timestamp"));
	sa->tolerance_s = (uint32_t)nb_pmip_uint(
	        d, "replay-tolerance", nb_pmip_uint(d, "/pmip:pmip/global/replay-tolerance", 7));
	sa->source = "config";
	return sa;
}

/*
 * XPath: /pmip:pmip/security-association
 */
/**
 * nb_pmip_security_association - callbacks of one security-association entry.
 * @args: callback arguments.
 *
 * VALIDATE: range order, key-hex length, and a warning for a reserved SPI.
 * PREPARE builds the SA, ABORT drops it, APPLY puts it into (or deletes it
 * from) the SA table.
 * Return: 0, or -1 with the error set.
 */
int
nb_pmip_security_association(struct nb_cb_args *args)
{
	struct pmip_engine *e = args->engine;
	struct mip_sa *sa;

	if (args->op == NB_OP_DESTROY) {
		if (args->event == NB_EV_APPLY)
			sa_table_del(e->sa_table, nb_pmip_str(args->dnode, "name", ""));
		return 0;
	}
	switch (args->event) {
	case NB_EV_VALIDATE:
		return nb_pmip_sa_validate(args);
	case NB_EV_PREPARE:
		*args->resource = nb_pmip_sa_build(args);
		return *args->resource != NULL ? 0 : -1;
	case NB_EV_ABORT:
		mip_sa_unref(*args->resource);
		return 0;
	case NB_EV_APPLY:
		sa = *args->resource;
		if (sa_table_put(e->sa_table, sa) < 0)
			log_errx(LOG_SS_CONFIG, "security-association %s: out of memory", sa->name);
		mip_sa_unref(sa);
		return 0;
	}
	return 0;
}

/**
 * nb_pmip_security_association_finish - log the SA count after a commit.
 * @e: the engine.
 * @root: the new running tree.
 */
void
nb_pmip_security_association_finish(struct pmip_engine *e, const struct lyd_node *root)
{
	(void)root;
	log_info(LOG_SS_CONFIG, "security-associations: %u configured",
	         sa_table_count(e->sa_table));
}
