/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nb.h - northbound transaction engine: diff, dispatch, four-phase commit.
 *
 * Every configuration change (the startup file, a SIGHUP reload, a NETCONF
 * edit) is one call to nb_commit() with the complete new configuration tree.
 * The engine diffs it against the running tree, dispatches each changed data
 * node to the callbacks registered for its schema node or, failing that, for
 * its nearest registered ancestor, orders the changes and runs the phases
 * VALIDATE, PREPARE, then APPLY (or ABORT). docs/northbound.md describes the
 * contract in detail.
 */
#ifndef PMIP_NB_H
#define PMIP_NB_H

#include <stdbool.h>
#include <stddef.h>

struct ly_ctx;
struct lyd_node;
struct lysc_node;
struct pmip_engine;

#define NB_PATH_MAX   1024
#define NB_ERRMSG_MAX 1024
#define NB_APPTAG_MAX 64

/** enum nb_event - transaction phase a callback is called for. */
enum nb_event {
	NB_EV_VALIDATE = 0, /* check the new value; may fail, must not change anything */
	NB_EV_PREPARE,      /* allocate into *resource; may fail */
	NB_EV_ABORT,        /* free what PREPARE allocated; must not fail */
	NB_EV_APPLY,        /* make the change live using *resource; must not fail */
};

/** enum nb_op - what happened to a registered node instance. */
enum nb_op {
	NB_OP_CREATE = 0,
	NB_OP_MODIFY,
	NB_OP_DESTROY,
};

/**
 * struct nb_error - why a transaction failed.
 * @path: data path of the offending node ("/pmip:pmip/security-association[name='mn1']/spi"),
 *        or empty when unknown.
 * @msg: one-line message, without the path; never contains key material.
 * @app_tag: short machine-readable code (the NETCONF error-app-tag).
 */
struct nb_error {
	char path[NB_PATH_MAX];
	char msg[NB_ERRMSG_MAX];
	char app_tag[NB_APPTAG_MAX];
};

/**
 * struct nb_cb_args - arguments of a configuration callback.
 * @engine: the engine being configured.
 * @event: phase.
 * @op: operation on the registered node instance.
 * @dnode: the instance in the new tree (create, modify) or in the running
 *         tree (destroy). For a modify caused by a change below the
 *         instance, @dnode is still the registered instance.
 * @resource: per-change slot; PREPARE stores here what APPLY or ABORT use.
 * @err: where nb_errorf() writes; only VALIDATE and PREPARE may fail.
 */
struct nb_cb_args {
	struct pmip_engine *engine;
	enum nb_event event;
	enum nb_op op;
	const struct lyd_node *dnode;
	void **resource;
	struct nb_error *err;
};

/**
 * struct nb_callbacks - configuration callbacks of one schema node.
 * @create: instance created. Return 0, or -1 after nb_errorf(). Mandatory.
 * @modify: instance or something below it changed. Return 0, or -1 after
 *	nb_errorf(). Mandatory.
 * @destroy: instance deleted. Return 0, or -1 after nb_errorf(). Mandatory.
 * @apply_finish: called once per commit after every APPLY, when at least one
 *	instance of this node changed; @root is the new running tree. May be NULL.
 *
 * The same function may serve several operations; it reads @args->op.
 */
struct nb_callbacks {
	int (*create)(struct nb_cb_args *args);
	int (*modify)(struct nb_cb_args *args);
	int (*destroy)(struct nb_cb_args *args);
	void (*apply_finish)(struct pmip_engine *engine, const struct lyd_node *root);
};

/**
 * struct nb_node_info - one registration.
 * @xpath: schema path of the node ("/pmip:pmip/security-association").
 * @priority: lower runs earlier for creates and modifies, later for destroys.
 * @cbs: the callbacks.
 */
struct nb_node_info {
	const char *xpath;
	int priority;
	struct nb_callbacks cbs;
};

/**
 * struct nb_module_info - the callback table of one YANG module.
 * @module: module name.
 * @nodes: registrations, terminated by an entry with a NULL @xpath.
 */
struct nb_module_info {
	const char *module;
	const struct nb_node_info *nodes;
};

struct nb_table;

/**
 * nb_table_new - resolve the callback tables @mods[0..@n) in @ctx.
 * @err: receives the reason on failure (unknown module or path, a missing
 *       mandatory callback).
 * Return: the table, or NULL.
 */
struct nb_table *nb_table_new(const struct ly_ctx *ctx, const struct nb_module_info *const *mods,
                              size_t n, struct nb_error *err);
/** nb_table_free - free @t; NULL allowed. */
void nb_table_free(struct nb_table *t);

/**
 * nb_check_callbacks - startup self-check: is every config node covered?
 * @t: the table.
 * @err: when nodes are uncovered, @err->msg lists their schema paths.
 *
 * A leaf, leaf-list, list or presence container of a registered module is
 * covered when it, or one of its ancestors, has a registration.
 * Non-presence containers need no coverage of their own.
 * Return: the number of uncovered nodes (0 = success).
 */
int nb_check_callbacks(const struct nb_table *t, struct nb_error *err);

/**
 * nb_commit - make @new_tree the running configuration.
 * @engine: the engine; uses @engine->nb and @engine->running.
 * @new_tree: validated configuration (NULL = empty); ownership passes to
 *            the engine on success and is freed on failure.
 * @err: receives the failure.
 *
 * Runs diff, VALIDATE, PREPARE, then APPLY and apply_finish; a failure in
 * VALIDATE or PREPARE aborts the prepared changes and leaves the running tree
 * and every engine structure untouched.
 * Return: 0, or -1 with @err filled.
 */
int nb_commit(struct pmip_engine *engine, struct lyd_node *new_tree, struct nb_error *err);

/**
 * nb_validate - run only the VALIDATE phase of a commit of @new_tree.
 * @engine: the engine (its running tree is the base of the diff).
 * @new_tree: candidate tree; not modified, not taken over.
 * @err: receives the failure.
 * Return: 0, or -1 with @err filled.
 */
int nb_validate(struct pmip_engine *engine, const struct lyd_node *new_tree, struct nb_error *err);

/**
 * nb_errorf - record why a callback fails.
 * @args: the callback's arguments.
 * @where: node the error is about (its path is reported), or NULL for
 *         @args->dnode.
 * @app_tag: short code, e.g. "invalid-value".
 * @fmt: message format; never pass key material.
 */
void nb_errorf(struct nb_cb_args *args, const struct lyd_node *where, const char *app_tag,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/**
 * nb_error_str - format @err as "path: message" (or just the message).
 * @err: the error.
 * @buf/@len: output buffer.
 * Return: @buf.
 */
const char *nb_error_str(const struct nb_error *err, char *buf, size_t len);

/** nb_op_name - "create", "modify" or "destroy". */
const char *nb_op_name(enum nb_op op);
/** nb_event_name - "validate", "prepare", "abort" or "apply". */
const char *nb_event_name(enum nb_event ev);

#endif /* PMIP_NB_H */
