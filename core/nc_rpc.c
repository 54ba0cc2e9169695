/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nc_rpc.c - the NETCONF operations and the datastore locks.
 *
 * nc_rpc_dispatch() runs on a NETCONF thread: it checks the user's access
 * (read-only users may read, validate and subscribe) and hands the RPC to
 * the loop thread, where every handler below runs. Datastores: running is
 * the engine's running tree, changed only through nb_commit(); startup is the
 * configuration file given with -c, written only by copy-config and
 * delete-config (nc_datastore.c reads and writes it, and parses <config>
 * content). There is no candidate.
 *
 * Locks (RFC 6241 section 7.5) are one session id per datastore, held on the
 * loop thread. While running is locked, edits from other sessions fail with
 * in-use and a SIGHUP reload is refused; locks go with their session.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>
#include <nc_server.h>

#include "engine.h"
#include "fa.h"
#include "ha.h"
#include "keystore.h"
#include "log.h"
#include "nb.h"
#include "nc.h"
#include "proxy.h"

/* What the loop thread gets from a NETCONF thread. */
struct nc_req {
	struct lyd_node *rpc;
	struct nc_session *s;
	uint32_t sid;
	const char *user;
	bool large; /* set on the loop thread: the reply is big, trim the heap once it is sent */
};

/* Data nodes from which a reply counts as large (a few hundred bindings). */
#define NC_TRIM_NODES 10000

/* Whether @tree and its siblings hold at least NC_TRIM_NODES nodes. */
static bool
nc_tree_is_large(const struct lyd_node *tree)
{
	size_t n = 0;

	for (const struct lyd_node *top = tree; top != NULL; top = top->next) {
		const struct lyd_node *elem;

		LYD_TREE_DFS_BEGIN (top, elem) {
			if (++n >= NC_TRIM_NODES)
				return true;
			LYD_TREE_DFS_END(top, elem);
		}
	}
	return false;
}

static uint32_t nc_lock_running, nc_lock_startup;
static struct log_ratelimit nc_denied_rl = LOG_RATELIMIT_INIT(10, 10);

uint32_t
nc_running_lock_holder(void)
{
	return nc_lock_running;
}

void
nc_rpc_session_end(uint32_t sid)
{
	if (nc_lock_running == sid) {
		nc_lock_running = 0;
		log_info(LOG_SS_NETCONF, "NETCONF session %u: lock on running released", sid);
	}
	if (nc_lock_startup == sid)
		nc_lock_startup = 0;
}

void
nc_rpc_fini(void)
{
	nc_lock_running = nc_lock_startup = 0;
}

/* --- replies --- */

static struct nc_server_reply *nc_reply_err(NC_ERR tag, const char *app_tag, const char *path,
                                            const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static struct nc_server_reply *
nc_reply_err(NC_ERR tag, const char *app_tag, const char *path, const char *fmt, ...)
{
	const struct ly_ctx *ctx = nc_server_engine()->ly_ctx;
	struct lyd_node *e;
	char msg[NB_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	switch (tag) {
	case NC_ERR_LOCK_DENIED:
		e = nc_err(ctx, tag, (uint32_t)strtoul(app_tag, NULL, 10));
		app_tag = NULL;
		break;
	case NC_ERR_DATA_EXISTS:
	case NC_ERR_DATA_MISSING:
	case NC_ERR_MALFORMED_MSG:
		e = nc_err(ctx, tag);
		break;
	case NC_ERR_UNKNOWN_ELEM:
	case NC_ERR_MISSING_ELEM:
	case NC_ERR_BAD_ELEM:
		e = nc_err(ctx, tag, NC_ERR_TYPE_PROT, path != NULL ? path : "");
		break;
	default:
		e = nc_err(ctx, tag, NC_ERR_TYPE_APP);
		break;
	}
	if (e == NULL)
		return NULL;
	nc_err_set_msg(e, msg, "en");
	if (app_tag != NULL && app_tag[0] != '\0')
		nc_err_set_app_tag(e, app_tag);
	if (path != NULL && path[0] != '\0')
		nc_err_set_path(e, path);
	return nc_server_reply_err(e);
}

/* An nb_error as an rpc-error; the tag follows the app-tag. */
static struct nc_server_reply *
nc_reply_nb_err(const struct nb_error *err)
{
	static const struct {
		const char *app_tag;
		NC_ERR tag;
	} map[] = {
		{ "data-exists", NC_ERR_DATA_EXISTS },
		{ "data-missing", NC_ERR_DATA_MISSING },
		{ "unknown-element", NC_ERR_UNKNOWN_ELEM },
		{ "operation-not-supported", NC_ERR_OP_NOT_SUPPORTED },
		{ "resource-denied", NC_ERR_RES_DENIED },
		{ "operation-failed", NC_ERR_OP_FAILED },
		{ "key-store-failed", NC_ERR_OP_FAILED },
	};
	NC_ERR tag = NC_ERR_INVALID_VALUE;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(err->app_tag, map[i].app_tag) == 0)
			tag = map[i].tag;
	return nc_reply_err(tag, err->app_tag, err->path, "%s",
	                    err->msg[0] != '\0' ? err->msg : "invalid configuration");
}

/* The reply of @rpc carrying @tree (taken over) as its <data>. */
static struct nc_server_reply *
nc_reply_data(const struct lyd_node *rpc, struct lyd_node *tree, NC_WD_MODE wd)
{
	struct lyd_node *out = NULL;

	if (lyd_dup_single(rpc, NULL, 0, &out) != LY_SUCCESS ||
	    lyd_new_any(out, NULL, "data", tree, 1, LYD_ANYDATA_DATATREE, 1, NULL) != LY_SUCCESS) {
		lyd_free_all(tree);
		lyd_free_all(out);
		return nc_reply_err(NC_ERR_RES_DENIED, NULL, NULL, "out of memory");
	}
	return nc_server_reply_data(out, wd, NC_PARAMTYPE_FREE);
}

static const struct lyd_node *
nc_child(const struct lyd_node *parent, const char *name)
{
	const struct lyd_node *c;

	LY_LIST_FOR (lyd_child(parent), c)
		if (c->schema != NULL && strcmp(c->schema->name, name) == 0)
			return c;
	return NULL;
}

static const char *
nc_child_str(const struct lyd_node *parent, const char *name)
{
	const struct lyd_node *c = nc_child(parent, name);

	return c != NULL ? lyd_get_value(c) : NULL;
}

/* Name of the datastore chosen in container @which of @rpc ("running", ...). */
static const char *
nc_datastore(const struct lyd_node *rpc, const char *which)
{
	const struct lyd_node *c = nc_child(rpc, which);

	return c != NULL && lyd_child(c) != NULL && lyd_child(c)->schema != NULL
	               ? lyd_child(c)->schema->name
	               : NULL;
}

static NC_WD_MODE
nc_wd_mode(const struct lyd_node *rpc)
{
	const char *wd = nc_child_str(rpc, "with-defaults");

	if (wd == NULL || strcmp(wd, "explicit") == 0)
		return NC_WD_EXPLICIT;
	if (strcmp(wd, "report-all") == 0)
		return NC_WD_ALL;
	if (strcmp(wd, "report-all-tagged") == 0)
		return NC_WD_ALL_TAG;
	return NC_WD_TRIM;
}

/* --- operations (loop thread) --- */

static struct nc_server_reply *
nc_op_get(struct pmip_engine *e, struct nc_req *r, bool config_only)
{
	const struct lyd_node *filter = nc_child(r->rpc, "filter");
	struct lyd_node *tree = NULL, *extra = NULL, *out = NULL;
	const char *src = config_only ? nc_datastore(r->rpc, "source") : "running";
	struct nb_error err;

	if (src == NULL)
		return nc_reply_err(NC_ERR_MISSING_ELEM, NULL, "source", "missing <source>");
	if (strcmp(src, "startup") == 0) {
		if (nc_ds_startup_load(e, &tree, &err) < 0)
			return nc_reply_nb_err(&err);
	} else if (strcmp(src, "running") != 0) {
		return nc_reply_err(NC_ERR_OP_NOT_SUPPORTED, NULL, NULL,
		                    "datastore %s is not supported", src);
	} else if (e->running != NULL &&
	           lyd_dup_siblings(e->running, NULL, LYD_DUP_RECURSIVE, &tree) != LY_SUCCESS) {
		return nc_reply_err(NC_ERR_RES_DENIED, NULL, NULL, "out of memory");
	}
	if (!config_only) {
		if (nc_filter_wants(filter, "pmip") && nc_state_build(e, &extra) == 0 &&
		    extra != NULL)
			lyd_merge_siblings(&tree, extra, LYD_MERGE_DESTRUCT);
		extra = NULL;
		if (nc_filter_wants(filter, "ietf-yang-library") &&
		    ly_ctx_get_yanglib_data(e->ly_ctx, &extra, "%u",
		                            ly_ctx_get_change_count(e->ly_ctx)) == LY_SUCCESS)
			lyd_merge_siblings(&tree, extra, LYD_MERGE_DESTRUCT);
		extra = NULL;
		if (nc_filter_wants(filter, "ietf-netconf-monitoring") &&
		    nc_state_monitoring(e, &extra) == 0 && extra != NULL)
			lyd_merge_siblings(&tree, extra, LYD_MERGE_DESTRUCT);
	}
	/* Secrets go before filtering, so a filter cannot test their values. */
	nc_strip_secrets(&tree);
	if (nc_filter(tree, filter, &out, &err) < 0) {
		lyd_free_all(tree);
		return nc_reply_nb_err(&err);
	}
	lyd_free_all(tree);
	r->large = nc_tree_is_large(out);
	return nc_reply_data(r->rpc, out, nc_wd_mode(r->rpc));
}

static struct nc_server_reply *
nc_locked_by_other(uint32_t holder, uint32_t sid, const char *ds)
{
	if (holder == 0 || holder == sid)
		return NULL;
	return nc_reply_err(NC_ERR_IN_USE, "locked", NULL, "%s is locked by NETCONF session %u", ds,
	                    holder);
}

static struct nc_server_reply *
nc_op_edit(struct pmip_engine *e, const struct nc_req *r)
{
	const char *target = nc_datastore(r->rpc, "target");
	const char *defop = nc_child_str(r->rpc, "default-operation");
	const char *test = nc_child_str(r->rpc, "test-option");
	const char *errop = nc_child_str(r->rpc, "error-option");
	struct lyd_node *edit = NULL, *cand = NULL;
	struct nc_server_reply *rep;
	struct nb_error err;

	if (target == NULL || strcmp(target, "running") != 0)
		return nc_reply_err(NC_ERR_OP_NOT_SUPPORTED, NULL, NULL,
		                    "only the running datastore can be edited");
	if ((rep = nc_locked_by_other(nc_lock_running, r->sid, "running")) != NULL)
		return rep;
	if (errop != NULL && strcmp(errop, "continue-on-error") == 0)
		return nc_reply_err(NC_ERR_OP_NOT_SUPPORTED, NULL, NULL,
		                    "continue-on-error is not supported: an edit is applied as a "
		                    "whole or not at all");
	if (nc_ds_config_tree(e, nc_child(r->rpc, "config"), &edit, &err) < 0)
		return nc_reply_nb_err(&err);
	if (e->running != NULL &&
	    lyd_dup_siblings(e->running, NULL, LYD_DUP_RECURSIVE, &cand) != LY_SUCCESS) {
		lyd_free_all(edit);
		return nc_reply_err(NC_ERR_RES_DENIED, NULL, NULL, "out of memory");
	}
	if (nc_edit_apply(&cand, edit, defop != NULL ? defop : "merge", &err) < 0 ||
	    nc_ds_validate(e, &cand, &err) < 0) {
		lyd_free_all(edit);
		lyd_free_all(cand);
		return nc_reply_nb_err(&err);
	}
	lyd_free_all(edit);
	if (test != NULL && strcmp(test, "test-only") == 0) {
		int rc = nb_validate(e, cand, &err);

		lyd_free_all(cand);
		return rc < 0 ? nc_reply_nb_err(&err) : nc_server_reply_ok();
	}
	if (nb_commit(e, cand, &err) < 0) /* takes @cand either way */
		return nc_reply_nb_err(&err);
	log_info(LOG_SS_NETCONF, "NETCONF session %u (%s): edit-config committed", r->sid, r->user);
	return nc_server_reply_ok();
}

static struct nc_server_reply *
nc_op_copy(struct pmip_engine *e, const struct nc_req *r)
{
	const char *src = nc_datastore(r->rpc, "source");
	const char *dst = nc_datastore(r->rpc, "target");
	struct nc_server_reply *rep;
	struct lyd_node *tree = NULL;
	struct nb_error err;
	char *text = NULL;
	int rc;

	if (src != NULL && dst != NULL && strcmp(src, "running") == 0 &&
	    strcmp(dst, "startup") == 0) {
		if ((rep = nc_locked_by_other(nc_lock_startup, r->sid, "startup")) != NULL)
			return rep;
		if (e->running == NULL)
			text = strdup("{\n}\n");
		else if (lyd_print_mem(&text, e->running, LYD_JSON,
		                       LYD_PRINT_WITHSIBLINGS | LYD_PRINT_WD_EXPLICIT) !=
		         LY_SUCCESS)
			text = NULL;
		if (text == NULL)
			return nc_reply_err(NC_ERR_RES_DENIED, NULL, NULL, "out of memory");
		rc = nc_ds_startup_write(text, &err);
		explicit_bzero(text, strlen(text)); /* it holds keys */
		free(text);
		if (rc < 0)
			return nc_reply_nb_err(&err);
		log_info(LOG_SS_NETCONF, "NETCONF session %u (%s): running copied to startup %s",
		         r->sid, r->user, nc_ds_startup_path());
		return nc_server_reply_ok();
	}
	if (src != NULL && dst != NULL && strcmp(src, "startup") == 0 &&
	    strcmp(dst, "running") == 0) {
		if ((rep = nc_locked_by_other(nc_lock_running, r->sid, "running")) != NULL)
			return rep;
		if (nc_ds_startup_load(e, &tree, &err) < 0 || nb_commit(e, tree, &err) < 0)
			return nc_reply_nb_err(&err);
		return nc_server_reply_ok();
	}
	return nc_reply_err(NC_ERR_OP_NOT_SUPPORTED, NULL, NULL,
	                    "copy-config supports running to startup and startup to running");
}

static struct nc_server_reply *
nc_op_delete(const struct nc_req *r)
{
	const char *dst = nc_datastore(r->rpc, "target");
	struct nc_server_reply *rep;
	struct nb_error err;

	if (dst == NULL || strcmp(dst, "startup") != 0)
		return nc_reply_err(NC_ERR_OP_NOT_SUPPORTED, NULL, NULL,
		                    "only the startup datastore can be deleted");
	if ((rep = nc_locked_by_other(nc_lock_startup, r->sid, "startup")) != NULL)
		return rep;
	if (nc_ds_startup_write("{\n}\n", &err) < 0)
		return nc_reply_nb_err(&err);
	log_info(LOG_SS_NETCONF, "NETCONF session %u (%s): startup emptied", r->sid, r->user);
	return nc_server_reply_ok();
}

static struct nc_server_reply *
nc_op_validate(struct pmip_engine *e, const struct nc_req *r)
{
	const char *src = nc_datastore(r->rpc, "source");
	struct lyd_node *tree = NULL;
	struct nb_error err;
	int rc;

	if (src == NULL)
		return nc_reply_err(NC_ERR_MISSING_ELEM, NULL, "source", "missing <source>");
	if (strcmp(src, "running") == 0)
		return nc_server_reply_ok(); /* it passed a commit */
	if (strcmp(src, "startup") == 0) {
		if (nc_ds_startup_load(e, &tree, &err) < 0)
			return nc_reply_nb_err(&err);
	} else if (strcmp(src, "config") == 0) {
		const struct lyd_node *cfg = nc_child(nc_child(r->rpc, "source"), "config");

		if (nc_ds_config_tree(e, cfg, &tree, &err) < 0)
			return nc_reply_nb_err(&err);
		if (nc_ds_validate(e, &tree, &err) < 0) {
			lyd_free_all(tree);
			return nc_reply_nb_err(&err);
		}
	} else {
		return nc_reply_err(NC_ERR_OP_NOT_SUPPORTED, NULL, NULL,
		                    "datastore %s is not supported", src);
	}
	rc = nb_validate(e, tree, &err);
	lyd_free_all(tree);
	return rc < 0 ? nc_reply_nb_err(&err) : nc_server_reply_ok();
}

static struct nc_server_reply *
nc_op_lock(const struct nc_req *r, bool lock)
{
	const char *ds = nc_datastore(r->rpc, "target");
	uint32_t *slot;
	char holder[16];

	if (ds == NULL)
		return nc_reply_err(NC_ERR_MISSING_ELEM, NULL, "target", "missing <target>");
	if (strcmp(ds, "running") == 0)
		slot = &nc_lock_running;
	else if (strcmp(ds, "startup") == 0)
		slot = &nc_lock_startup;
	else
		return nc_reply_err(NC_ERR_OP_NOT_SUPPORTED, NULL, NULL,
		                    "datastore %s is not supported", ds);
	if (lock) {
		if (*slot != 0) {
			snprintf(holder, sizeof(holder), "%u", *slot);
			return nc_reply_err(NC_ERR_LOCK_DENIED, holder, NULL,
			                    "%s is already locked by NETCONF session %u", ds,
			                    *slot);
		}
		*slot = r->sid;
		log_info(LOG_SS_NETCONF, "NETCONF session %u (%s): %s locked", r->sid, r->user, ds);
		return nc_server_reply_ok();
	}
	if (*slot != r->sid)
		return nc_reply_err(
		        NC_ERR_OP_FAILED, NULL, NULL,
		        *slot == 0 ? "%s is not locked" : "%s is locked by another session", ds);
	*slot = 0;
	log_info(LOG_SS_NETCONF, "NETCONF session %u (%s): %s unlocked", r->sid, r->user, ds);
	return nc_server_reply_ok();
}

static struct nc_server_reply *
nc_op_kill(const struct nc_req *r)
{
	const char *v = nc_child_str(r->rpc, "session-id");
	uint32_t victim = v != NULL ? (uint32_t)strtoul(v, NULL, 10) : 0;

	if (victim == r->sid)
		return nc_reply_err(NC_ERR_INVALID_VALUE, NULL, NULL,
		                    "a session cannot kill itself; use close-session");
	if (nc_server_kill(victim, r->sid) < 0)
		return nc_reply_err(NC_ERR_INVALID_VALUE, NULL, NULL, "no session %u", victim);
	nc_rpc_session_end(victim);
	log_info(LOG_SS_NETCONF, "NETCONF session %u (%s): killed session %u", r->sid, r->user,
	         victim);
	return nc_server_reply_ok();
}

static int
nc_addr_arg(const struct lyd_node *rpc, const char *name, struct in_addr *out)
{
	const char *s = nc_child_str(rpc, name);

	return s != NULL && inet_pton(AF_INET, s, out) == 1 ? 0 : -1;
}

/* clear-proxy-client and reregister-proxy-client. */
static struct nc_server_reply *
nc_op_proxy_client(struct pmip_engine *e, const struct nc_req *r, struct in_addr hoa, bool clear)
{
	const char *a = nc_child_str(r->rpc, "home-address");
	int rc;

	if (e->proxy_inst == NULL)
		return nc_reply_err(NC_ERR_OP_FAILED, "role-not-running", NULL,
		                    "the proxy access point is not running");
	rc = clear ? proxy_client_clear(e->proxy_inst, hoa)
	           : proxy_client_reregister(e->proxy_inst, hoa);
	if (rc == -ENOENT)
		return nc_reply_err(NC_ERR_DATA_MISSING, NULL, NULL, "no proxy client %s", a);
	if (rc < 0)
		return nc_reply_err(NC_ERR_OP_FAILED, "not-visiting", NULL,
		                    "proxy client %s is not a visitor with a home agent", a);
	log_info(LOG_SS_NETCONF, "NETCONF session %u (%s): proxy client %s %s", r->sid, r->user, a,
	         clear ? "cleared" : "re-registering");
	return nc_server_reply_ok();
}

static struct nc_server_reply *
nc_op_pmip(struct pmip_engine *e, const struct nc_req *r)
{
	const char *name = r->rpc->schema->name;
	struct in_addr hoa, coa;
	struct lyd_node *out = NULL;
	char num[16];
	int n;

	if (strcmp(name, "clear-keystore-cache") == 0) {
		if (e->ks_chain != NULL)
			ks_chain_clear_cache(e->ks_chain);
		log_info(LOG_SS_NETCONF, "NETCONF session %u (%s): key-store caches cleared",
		         r->sid, r->user);
		return nc_server_reply_ok();
	}
	if (nc_addr_arg(r->rpc, "home-address", &hoa) < 0)
		return nc_reply_err(NC_ERR_MISSING_ELEM, NULL, "home-address",
		                    "missing home-address");
	if (strcmp(name, "clear-proxy-client") == 0 || strcmp(name, "reregister-proxy-client") == 0)
		return nc_op_proxy_client(e, r, hoa, strcmp(name, "clear-proxy-client") == 0);
	if (strcmp(name, "clear-visitor") == 0) {
		if (e->fa_inst == NULL)
			return nc_reply_err(NC_ERR_OP_FAILED, "role-not-running", NULL,
			                    "the foreign agent is not running");
		if (fa_visitor_clear(e->fa_inst, hoa) < 0)
			return nc_reply_err(NC_ERR_DATA_MISSING, NULL, NULL, "no visitor %s",
			                    nc_child_str(r->rpc, "home-address"));
		log_info(LOG_SS_NETCONF, "NETCONF session %u (%s): visitor %s cleared", r->sid,
		         r->user, nc_child_str(r->rpc, "home-address"));
		return nc_server_reply_ok();
	}
	if (e->ha_inst == NULL)
		return nc_reply_err(NC_ERR_OP_FAILED, "role-not-running", NULL,
		                    "the home agent is not running");
	n = ha_binding_clear(e->ha_inst, hoa,
	                     nc_addr_arg(r->rpc, "care-of-address", &coa) == 0 ? &coa : NULL);
	if (n < 0)
		return nc_reply_err(NC_ERR_DATA_MISSING, NULL, NULL, "no binding of %s",
		                    nc_child_str(r->rpc, "home-address"));
	log_info(LOG_SS_NETCONF, "NETCONF session %u (%s): %d binding(s) of %s cleared", r->sid,
	         r->user, n, nc_child_str(r->rpc, "home-address"));
	snprintf(num, sizeof(num), "%d", n);
	if (lyd_dup_single(r->rpc, NULL, 0, &out) != LY_SUCCESS ||
	    lyd_new_term(out, NULL, "cleared", num, 1, NULL) != LY_SUCCESS) {
		lyd_free_all(out);
		return nc_server_reply_ok();
	}
	return nc_server_reply_data(out, NC_WD_EXPLICIT, NC_PARAMTYPE_FREE);
}

/* Loop thread: one RPC. */
static void *
nc_rpc_on_loop(void *arg)
{
	struct nc_req *r = arg;
	struct pmip_engine *e = nc_server_engine();
	const char *mod = r->rpc->schema->module->name;
	const char *name = r->rpc->schema->name;

	if (strcmp(mod, "pmip") == 0)
		return nc_op_pmip(e, r);
	if (strcmp(name, "get") == 0)
		return nc_op_get(e, r, false);
	if (strcmp(name, "get-config") == 0)
		return nc_op_get(e, r, true);
	if (strcmp(name, "edit-config") == 0)
		return nc_op_edit(e, r);
	if (strcmp(name, "copy-config") == 0)
		return nc_op_copy(e, r);
	if (strcmp(name, "delete-config") == 0)
		return nc_op_delete(r);
	if (strcmp(name, "validate") == 0)
		return nc_op_validate(e, r);
	if (strcmp(name, "lock") == 0 || strcmp(name, "unlock") == 0)
		return nc_op_lock(r, strcmp(name, "lock") == 0);
	if (strcmp(name, "kill-session") == 0)
		return nc_op_kill(r);
	if (strcmp(name, "create-subscription") == 0)
		return nc_notif_subscribe(r->rpc, r->s);
	return nc_reply_err(NC_ERR_OP_NOT_SUPPORTED, NULL, NULL, "%s is not supported", name);
}

static void
nc_reply_free_cb(void *reply)
{
	nc_server_reply_free(reply);
}

/* Operations a read-only user may run. */
static bool
nc_rpc_read_only(const char *mod, const char *name)
{
	static const char *const ro[] = { "get",        "get-config",
		                          "validate",   "create-subscription",
		                          "get-schema", NULL };

	if (strcmp(mod, "pmip") == 0)
		return false;
	for (size_t i = 0; ro[i] != NULL; i++)
		if (strcmp(name, ro[i]) == 0)
			return true;
	return false;
}

struct nc_server_reply *
nc_rpc_dispatch(struct lyd_node *rpc, struct nc_session *session)
{
	struct nc_req r = { rpc, session, nc_session_get_id(session),
		            nc_session_get_username(session), false };
	const char *mod = rpc->schema->module->name;
	void *reply = NULL;

	if (!nc_rpc_read_only(mod, rpc->schema->name) && !nc_user_rw(r.user)) {
		log_rl(&nc_denied_rl, LOG_SS_NETCONF, LOG_NOTICE,
		       "NETCONF session %u (%s): %s denied, read-only access", r.sid, r.user,
		       rpc->schema->name);
		return nc_reply_err(NC_ERR_ACCESS_DENIED, NULL, NULL,
		                    "user %s has read-only access: %s is not allowed", r.user,
		                    rpc->schema->name);
	}
	if (nc_loop_call(nc_rpc_on_loop, &r, nc_reply_free_cb, &reply) < 0 || reply == NULL)
		return nc_reply_err(NC_ERR_OP_FAILED, NULL, NULL, "the daemon did not answer");
	if (r.large)
		nc_server_trim_after_reply();
	return reply;
}

struct nc_server_reply *
nc_rpc_get_schema(struct lyd_node *rpc, struct nc_session *session)
{
	const struct ly_ctx *ctx = nc_session_get_ctx(session);
	const char *id = nc_child_str(rpc, "identifier");
	const char *ver = nc_child_str(rpc, "version");
	const char *fmt = nc_child_str(rpc, "format");
	const struct lys_module *mod = NULL;
	const struct lysp_submodule *sub = NULL;
	struct lyd_node *out = NULL;
	LYS_OUTFORMAT of = LYS_OUT_YANG;
	char *txt = NULL;
	LY_ERR rc;

	if (fmt != NULL && strstr(fmt, "yin") != NULL)
		of = LYS_OUT_YIN;
	else if (fmt != NULL && strstr(fmt, "yang") == NULL)
		return nc_reply_err(NC_ERR_INVALID_VALUE, NULL, NULL, "format %s is not supported",
		                    fmt);
	if (id == NULL)
		return nc_reply_err(NC_ERR_MISSING_ELEM, NULL, "identifier", "missing identifier");
	if (ver != NULL && ver[0] != '\0') {
		mod = ly_ctx_get_module(ctx, id, ver);
		if (mod == NULL)
			sub = ly_ctx_get_submodule(ctx, id, ver);
	} else {
		mod = ly_ctx_get_module_implemented(ctx, id);
		if (mod == NULL)
			mod = ly_ctx_get_module_latest(ctx, id);
		if (mod == NULL)
			sub = ly_ctx_get_submodule_latest(ctx, id);
	}
	if (mod == NULL && sub == NULL)
		return nc_reply_err(NC_ERR_INVALID_VALUE, "data-not-unique", NULL,
		                    "no schema %s%s%s", id, ver != NULL ? "@" : "",
		                    ver != NULL ? ver : "");
	if (mod != NULL) {
		rc = lys_print_mem(&txt, mod, of, 0);
	} else {
		struct ly_out *o = NULL;

		rc = ly_out_new_memory(&txt, 0, &o);
		if (rc == LY_SUCCESS)
			rc = lys_print_submodule(o, sub, of, 0, 0);
		ly_out_free(o, NULL, 0);
	}
	if (rc != LY_SUCCESS || txt == NULL) {
		free(txt);
		return nc_reply_err(NC_ERR_OP_FAILED, NULL, NULL, "cannot print schema %s", id);
	}
	/* The string is handed over as is; it must not go through the dictionary. */
	if (lyd_dup_single(rpc, NULL, 0, &out) != LY_SUCCESS ||
	    lyd_new_any(out, NULL, "data", txt, 1, LYD_ANYDATA_STRING, 1, NULL) != LY_SUCCESS) {
		free(txt);
		lyd_free_all(out);
		return nc_reply_err(NC_ERR_RES_DENIED, NULL, NULL, "out of memory");
	}
	return nc_server_reply_data(out, NC_WD_EXPLICIT, NC_PARAMTYPE_FREE);
}
