/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nb_pmip.h - northbound callbacks of the pmip module (private to nb_pmip*.c).
 *
 * nb_pmip.c holds the callback table and the leaf-reading helpers; the
 * callbacks live in nb_pmip_global.c (global, key-store), nb_pmip_sa.c
 * (security-association) and nb_pmip_roles.c (interface and the four roles).
 * Only these files write the applied-configuration members of struct
 * pmip_engine.
 */
#ifndef PMIP_NB_PMIP_H
#define PMIP_NB_PMIP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nb.h"

struct lyd_node;
struct pmip_engine;
struct pmip_prefix;

/* The callback table of the pmip module, for nb_table_new(). */
extern const struct nb_module_info nb_pmip_info;

/**
 * nb_pmip_init - set up the engine members the callbacks manage (SA table,
 * key-store environment) before the first commit.
 * @e: the engine; @e->loop must already be set.
 * Return: 0 or -1 (out of memory).
 */
int nb_pmip_init(struct pmip_engine *e);

/**
 * nb_pmip_fini - free every applied-configuration member of @e.
 * @e: the engine.
 */
void nb_pmip_fini(struct pmip_engine *e);

/* nb_pmip.c: reading leaves. @dnode may be NULL (then defaults apply). */

/**
 * nb_pmip_node - the node at @path relative to @dnode (or absolute), or NULL.
 * @dnode: context node.
 * @path: data path.
 */
const struct lyd_node *nb_pmip_node(const struct lyd_node *dnode, const char *path);
/**
 * nb_pmip_str - canonical value of the leaf at @path, or @dflt when absent.
 * @dnode: context node.
 * @path: data path.
 * @dflt: returned when the leaf does not exist.
 */
const char *nb_pmip_str(const struct lyd_node *dnode, const char *path, const char *dflt);
/**
 * nb_pmip_uint - unsigned value of the leaf at @path, or @dflt when absent.
 * @dnode: context node.
 * @path: data path.
 * @dflt: returned when the leaf does not exist.
 */
unsigned long nb_pmip_uint(const struct lyd_node *dnode, const char *path, unsigned long dflt);
/**
 * nb_pmip_bool - boolean value of the leaf at @path, or @dflt when absent.
 * @dnode: context node.
 * @path: data path.
 * @dflt: returned when the leaf does not exist.
 */
bool nb_pmip_bool(const struct lyd_node *dnode, const char *path, bool dflt);
/**
 * nb_pmip_ipv4 - parse the IPv4 address leaf at @path into @out.
 * @dnode: context node.
 * @path: data path.
 * @out: receives the address; untouched when the leaf is absent.
 * Return: 0, or -1 when absent.
 */
int nb_pmip_ipv4(const struct lyd_node *dnode, const char *path, struct in_addr *out);
/**
 * nb_pmip_prefix - parse "a.b.c.d/len" into @out.
 * @s: prefix text.
 * @out: receives the prefix.
 * Return: 0, or -1 when malformed.
 */
int nb_pmip_prefix(const char *s, struct pmip_prefix *out);
/**
 * nb_pmip_hex - decode the hex string @hex into @out.
 * @hex: an even number of hex digits.
 * @out: destination.
 * @max: size of @out.
 * Return: number of bytes, or -1 when malformed or too long.
 */
int nb_pmip_hex(const char *hex, uint8_t *out, size_t max);

/* nb_pmip_global.c */
int nb_pmip_global(struct nb_cb_args *args);
int nb_pmip_key_store(struct nb_cb_args *args);

/* nb_pmip_sa.c */
int nb_pmip_security_association(struct nb_cb_args *args);
void nb_pmip_security_association_finish(struct pmip_engine *e, const struct lyd_node *root);

/* nb_pmip_roles.c */
int nb_pmip_interface(struct nb_cb_args *args);
int nb_pmip_home_agent(struct nb_cb_args *args);
int nb_pmip_foreign_agent(struct nb_cb_args *args);
int nb_pmip_proxy(struct nb_cb_args *args);
int nb_pmip_aap(struct nb_cb_args *args);
void nb_pmip_roles_fini(struct pmip_engine *e);

/* nb_pmip_snmp.c */
int nb_pmip_snmp(struct nb_cb_args *args);

/* nb_pmip_netconf.c */
int nb_pmip_netconf(struct nb_cb_args *args);

#endif /* PMIP_NB_PMIP_H */
