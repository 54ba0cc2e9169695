/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf.h - configuration files: YANG context, JSON loading, normalised print.
 *
 * The configuration file is RFC 7951 JSON of the pmip module. The YANG
 * modules are compiled into the library (generated from yang/ by
 * core/CMakeLists.txt), so the daemon needs no module search path.
 * Errors name the data path of the offending node and the problem; key
 * material never appears in an error or in printed output.
 */
#ifndef PMIP_CONF_H
#define PMIP_CONF_H

#include <stdbool.h>

#include "nb.h"

struct ly_ctx;
struct lyd_node;
struct pmip_engine;

/**
 * struct conf_yang_module - one embedded YANG module.
 * @name: module name (the file name without ".yang").
 * @text: the module text, NUL-terminated.
 */
struct conf_yang_module {
	const char *name;
	const char *text;
};

/* Embedded modules of yang/, terminated by a NULL name (generated source). */
extern const struct conf_yang_module conf_yang_modules[];

/** CONF_REDACTED - what printed output shows instead of a key. */
#define CONF_REDACTED "<redacted>"

/**
 * conf_leaf_is_secret - is @name (a leaf name, optionally "module:name") a
 * secret that is never printed, logged or returned by NETCONF?
 * @name: leaf name.
 */
bool conf_leaf_is_secret(const char *name);

/**
 * conf_ctx_new - new libyang context with the embedded pmip module and the
 * NETCONF modules (nc_ctx_load()).
 * @err: receives the reason on failure.
 *
 * Also switches libyang's logging to "store only", so that errors reach the
 * caller through @err rather than being printed by libyang.
 * Return: the context, or NULL.
 */
struct ly_ctx *conf_ctx_new(struct nb_error *err);

/**
 * conf_parse_file - parse and validate configuration file @path.
 * @ctx: context from conf_ctx_new().
 * @path: JSON file.
 * @tree: receives the tree (with default nodes) on success.
 * @err: receives the first error: data path (or "line N") and message.
 * Return: 0, or -1.
 */
int conf_parse_file(struct ly_ctx *ctx, const char *path, struct lyd_node **tree,
                    struct nb_error *err);

/**
 * conf_parse_mem - like conf_parse_file() for the JSON text @json.
 * @ctx: context from conf_ctx_new().
 * @json: NUL-terminated JSON.
 * @tree: receives the tree on success.
 * @err: receives the first error.
 * Return: 0, or -1.
 */
int conf_parse_mem(struct ly_ctx *ctx, const char *json, struct lyd_node **tree,
                   struct nb_error *err);

/**
 * conf_ly_error - fill @err from the first error libyang stored in @ctx and
 * clear the stored errors. Quoted values in errors about key leaves are
 * replaced by CONF_REDACTED.
 * @ctx: the context.
 * @err: destination.
 */
void conf_ly_error(const struct ly_ctx *ctx, struct nb_error *err);

/**
 * conf_print - print @tree as module-qualified RFC 7951 JSON with keys redacted.
 * @tree: configuration (NULL prints an empty document).
 * @with_defaults: print default values too (else only explicit nodes).
 * Return: malloc()ed text, or NULL on allocation failure.
 */
char *conf_print(const struct lyd_node *tree, bool with_defaults);

/**
 * conf_redact_json - copy JSON text @json with the values of key leaves
 * (key-hex, key-ascii, group-key) replaced by "<redacted>".
 * @json: NUL-terminated JSON.
 * Return: malloc()ed text, or NULL on allocation failure.
 */
char *conf_redact_json(const char *json);

/**
 * conf_apply_file - parse @path and commit it through nb_commit().
 * @e: the engine.
 * @path: configuration file.
 * @err: receives the first error; on error the running config is unchanged.
 * Return: 0, or -1.
 */
int conf_apply_file(struct pmip_engine *e, const char *path, struct nb_error *err);

#endif /* PMIP_CONF_H */
