/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nb.c - northbound transaction engine: diff, dispatch, ordering, phases.
 *
 * DOC: Northbound engine overview
 *
 * nb.c owns the generic machinery; nb_pmip.c holds the callback table of the
 * pmip module and nb_pmip_*.c its callbacks; conf.c turns files into trees.
 *
 * A commit computes lyd_diff_siblings(running, new) and walks the diff depth
 * first. A changed node is charged to its own registration or, when it has
 * none, to the nearest ancestor that has one (as a modify of that ancestor
 * instance); the subtree below a charged node is skipped, so every registered
 * instance appears at most once. The changes are then sorted (destroys first,
 * in reverse priority and deepest first; then creates and modifies by priority
 * and document order) and driven through the phases:
 *
 *   VALIDATE (all) --fail--> error, nothing touched
 *       |
 *   PREPARE (in order) --fail at i--> ABORT (i-1 .. 0) --> error
 *       |
 *   APPLY (all) --> apply_finish (once per registered node) --> running = new
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "engine.h"
#include "log.h"
#include "nb.h"

/* One resolved registration. */
struct nb_node {
	const struct lysc_node *snode;
	const struct nb_node_info *info;
};

struct nb_table {
	const struct ly_ctx *ctx;
	const struct lys_module **mods;
	size_t n_mods;
	struct nb_node *nodes;
	size_t n_nodes;
};

/* One registered instance that changed in this transaction. */
struct nb_change {
	const struct nb_node *node;
	enum nb_op op;
	char *path;
	unsigned depth;
	size_t seq;
	const struct lyd_node *dnode;
	void *resource;
};

struct nb_txn {
	struct nb_change *v;
	size_t n;
	size_t cap;
};

static void nb_set_error(struct nb_error *err, const char *path, const char *app_tag,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
nb_set_error(struct nb_error *err, const char *path, const char *app_tag, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	snprintf(err->path, sizeof(err->path), "%s", path != NULL ? path : "");
	snprintf(err->app_tag, sizeof(err->app_tag), "%s", app_tag);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

const char *
nb_op_name(enum nb_op op)
{
	static const char *const names[] = { "create", "modify", "destroy" };

	return (unsigned)op < 3 ? names[op] : "?";
}

const char *
nb_event_name(enum nb_event ev)
{
	static const char *const names[] = { "validate", "prepare", "abort", "apply" };

	return (unsigned)ev < 4 ? names[ev] : "?";
}

const char *
nb_error_str(const struct nb_error *err, char *buf, size_t len)
{
	if (err->path[0] != '\0')
		snprintf(buf, len, "%s: %s", err->path, err->msg);
	else
		snprintf(buf, len, "%s", err->msg);
	return buf;
}

void
nb_errorf(struct nb_cb_args *args, const struct lyd_node *where, const char *app_tag,
          const char *fmt, ...)
{
	struct nb_error *err = args->err;
	va_list ap;

	if (err == NULL)
		return;
	if (where == NULL)
		where = args->dnode;
	err->path[0] = '\0';
	if (where != NULL)
		lyd_path(where, LYD_PATH_STD, err->path, sizeof(err->path));
	snprintf(err->app_tag, sizeof(err->app_tag), "%s", app_tag);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/* --- the table --- */

static const struct nb_node *
nb_lookup(const struct nb_table *t, const struct lysc_node *snode)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].snode == snode)
			return &t->nodes[i];
	return NULL;
}

/* Registration of @snode itself or of its nearest ancestor, or NULL. */
static const struct nb_node *
nb_nearest(const struct nb_table *t, const struct lysc_node *snode)
{
	const struct nb_node *n;

	for (; snode != NULL; snode = snode->parent)
		if ((n = nb_lookup(t, snode)) != NULL)
			return n;
	return NULL;
}

void
nb_table_free(struct nb_table *t)
{
	if (t == NULL)
		return;
	free(t->mods);
	free(t->nodes);
	free(t);
}

static int
nb_table_add(struct nb_table *t, const struct nb_node_info *info, struct nb_error *err)
{
	const struct lysc_node *snode;
	struct nb_node *v;

	snode = lys_find_path(t->ctx, NULL, info->xpath, 0);
	if (snode == NULL) {
		nb_set_error(err, info->xpath, "nb-table", "no such schema node");
		return -1;
	}
	if (info->cbs.create == NULL || info->cbs.modify == NULL || info->cbs.destroy == NULL) {
		nb_set_error(err, info->xpath, "nb-table",
		             "create, modify and destroy are mandatory");
		return -1;
	}
	if (nb_lookup(t, snode) != NULL) {
		nb_set_error(err, info->xpath, "nb-table", "registered twice");
		return -1;
	}
	v = realloc(t->nodes, (t->n_nodes + 1) * sizeof(*v));
	if (v == NULL) {
		nb_set_error(err, NULL, "resource-denied", "out of memory");
		return -1;
	}
	t->nodes = v;
	t->nodes[t->n_nodes].snode = snode;
	t->nodes[t->n_nodes].info = info;
	t->n_nodes++;
	return 0;
}

struct nb_table *
nb_table_new(const struct ly_ctx *ctx, const struct nb_module_info *const *mods, size_t n,
             struct nb_error *err)
{
	struct nb_table *t;

	t = calloc(1, sizeof(*t));
	if (t == NULL || (t->mods = calloc(n ? n : 1, sizeof(*t->mods))) == NULL) {
		free(t);
		nb_set_error(err, NULL, "resource-denied", "out of memory");
		return NULL;
	}
	t->ctx = ctx;
	for (size_t i = 0; i < n; i++) {
		t->mods[i] = ly_ctx_get_module_implemented(ctx, mods[i]->module);
		if (t->mods[i] == NULL) {
			nb_set_error(err, NULL, "nb-table", "module %s is not loaded",
			             mods[i]->module);
			nb_table_free(t);
			return NULL;
		}
		t->n_mods++;
		for (const struct nb_node_info *ni = mods[i]->nodes; ni->xpath != NULL; ni++) {
			if (nb_table_add(t, ni, err) < 0) {
				nb_table_free(t);
				return NULL;
			}
		}
	}
	return t;
}

struct nb_check {
	const struct nb_table *t;
	struct nb_error *err;
	int uncovered;
};

static LY_ERR
nb_check_node(struct lysc_node *snode, void *data, ly_bool *dfs_continue)
{
	struct nb_check *chk = data;
	char path[NB_PATH_MAX];
	size_t used;

	(void)dfs_continue;
	if (!(snode->flags & LYS_CONFIG_W))
		return LY_SUCCESS;
	if (!(snode->nodetype & (LYS_LEAF | LYS_LEAFLIST | LYS_LIST)) &&
	    !(snode->nodetype == LYS_CONTAINER && (snode->flags & LYS_PRESENCE)))
		return LY_SUCCESS;
	if (nb_nearest(chk->t, snode) != NULL)
		return LY_SUCCESS;
	chk->uncovered++;
	lysc_path(snode, LYSC_PATH_DATA, path, sizeof(path));
	if (chk->err != NULL) {
		used = strlen(chk->err->msg);
		snprintf(chk->err->msg + used, sizeof(chk->err->msg) - used, "%s%s",
		         chk->uncovered > 1 ? ", " : "", path);
	}
	return LY_SUCCESS;
}

int
nb_check_callbacks(const struct nb_table *t, struct nb_error *err)
{
	struct nb_check chk = { t, err, 0 };

	if (err != NULL)
		nb_set_error(err, NULL, "nb-callback-missing", "no callbacks cover: ");
	for (size_t i = 0; i < t->n_mods; i++)
		lysc_module_dfs_full(t->mods[i], nb_check_node, &chk);
	if (chk.uncovered == 0 && err != NULL)
		memset(err, 0, sizeof(*err));
	return chk.uncovered;
}

/* --- diff walk --- */

/* Effective yang:operation of a diff node: its own or its nearest ancestor's. */
static const char *
nb_diff_op(const struct lyd_node *node)
{
	struct lyd_meta *meta;

	for (; node != NULL; node = lyd_parent(node)) {
		meta = lyd_find_meta(node->meta, NULL, "yang:operation");
		if (meta != NULL)
			return lyd_get_meta_value(meta);
	}
	return "none";
}

static void
nb_txn_free(struct nb_txn *txn)
{
	for (size_t i = 0; i < txn->n; i++)
		free(txn->v[i].path);
	free(txn->v);
	memset(txn, 0, sizeof(*txn));
}

static int
nb_txn_add(struct nb_txn *txn, const struct nb_node *node, const struct lyd_node *inst,
           enum nb_op op)
{
	const struct lyd_node *p;
	struct nb_change *c;
	char *path;

	path = lyd_path(inst, LYD_PATH_STD, NULL, 0);
	if (path == NULL)
		return -1;
	for (size_t i = 0; i < txn->n; i++) {
		if (txn->v[i].node == node && strcmp(txn->v[i].path, path) == 0) {
			free(path);
			return 0;
		}
	}
	if (txn->n == txn->cap) {
		size_t cap = txn->cap ? 2 * txn->cap : 16;

		c = realloc(txn->v, cap * sizeof(*c));
		if (c == NULL) {
			free(path);
			return -1;
		}
		txn->v = c;
		txn->cap = cap;
	}
	c = &txn->v[txn->n];
	memset(c, 0, sizeof(*c));
	c->node = node;
	c->op = op;
	c->path = path;
	c->seq = txn->n;
	for (p = inst; p != NULL; p = lyd_parent(p))
		c->depth++;
	txn->n++;
	return 0;
}

static int
nb_collect(const struct nb_table *t, const struct lyd_node *diff, struct nb_txn *txn)
{
	const struct lyd_node *top;
	struct lyd_node *elem;

	LY_LIST_FOR (diff, top) {
		LYD_TREE_DFS_BEGIN (top, elem) {
			const char *op = nb_diff_op(elem);
			const struct nb_node *reg;
			const struct lyd_node *inst = elem;
			enum nb_op kind = NB_OP_MODIFY;

			reg = strcmp(op, "none") != 0 ? nb_nearest(t, elem->schema) : NULL;
			if (reg != NULL) {
				while (inst->schema != reg->snode)
					inst = lyd_parent(inst);
				if (inst == elem && strcmp(op, "create") == 0)
					kind = NB_OP_CREATE;
				else if (inst == elem && strcmp(op, "delete") == 0)
					kind = NB_OP_DESTROY;
				if (nb_txn_add(txn, reg, inst, kind) < 0)
					return -1;
				LYD_TREE_DFS_continue = 1;
			}
			LYD_TREE_DFS_END(top, elem);
		}
	}
	return 0;
}

static int
nb_change_cmp(const void *pa, const void *pb)
{
	const struct nb_change *a = pa, *b = pb;
	int pra = a->node->info->priority, prb = b->node->info->priority;

	if ((a->op == NB_OP_DESTROY) != (b->op == NB_OP_DESTROY))
		return a->op == NB_OP_DESTROY ? -1 : 1;
	if (a->op == NB_OP_DESTROY) {
		if (pra != prb)
			return pra > prb ? -1 : 1;
		if (a->depth != b->depth)
			return a->depth > b->depth ? -1 : 1;
		return a->seq > b->seq ? -1 : 1;
	}
	if (pra != prb)
		return pra < prb ? -1 : 1;
	return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

/*
 * Make sure every registered non-presence container that can always exist
 * (all its ancestors are non-presence containers too) is instantiated, so an
 * empty one (key-store without children) still sees its create at startup.
 */
static int
nb_complete(const struct nb_table *t, struct lyd_node **tree)
{
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct lysc_node *s = t->nodes[i].snode;
		struct lyd_node *found = NULL, *first = NULL;
		bool always = true;

		for (const struct lysc_node *p = s; p != NULL; p = p->parent)
			if (p->nodetype != LYS_CONTAINER || (p->flags & LYS_PRESENCE))
				always = false;
		if (!always)
			continue;
		if (*tree != NULL && lyd_find_path(*tree, t->nodes[i].info->xpath, 0, &found) == 0)
			continue;
		if (lyd_new_path2(*tree, t->ctx, t->nodes[i].info->xpath, NULL, 0, 0, 0, &first,
		                  NULL) != LY_SUCCESS)
			return -1;
		if (*tree == NULL)
			*tree = first;
	}
	return 0;
}

/* Resolve each change's node in the tree it refers to. */
static int
nb_resolve(struct nb_txn *txn, const struct lyd_node *running, const struct lyd_node *new_tree,
           struct nb_error *err)
{
	for (size_t i = 0; i < txn->n; i++) {
		struct nb_change *c = &txn->v[i];
		const struct lyd_node *tree = c->op == NB_OP_DESTROY ? running : new_tree;
		struct lyd_node *found = NULL;

		if (tree == NULL || lyd_find_path(tree, c->path, 0, &found) != LY_SUCCESS) {
			nb_set_error(err, c->path, "operation-failed", "changed node not found");
			return -1;
		}
		c->dnode = found;
	}
	return 0;
}

static int
nb_call(struct pmip_engine *e, struct nb_change *c, enum nb_event ev, struct nb_error *err)
{
	const struct nb_callbacks *cbs = &c->node->info->cbs;
	struct nb_cb_args args = {
		.engine = e,
		.event = ev,
		.op = c->op,
		.dnode = c->dnode,
		.resource = &c->resource,
		.err = err,
	};
	int (*fn)(struct nb_cb_args *);
	int rc;

	fn = c->op == NB_OP_CREATE   ? cbs->create
	     : c->op == NB_OP_MODIFY ? cbs->modify
	                             : cbs->destroy;
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	rc = fn(&args);
	if (rc == 0)
		return 0;
	if (ev == NB_EV_ABORT || ev == NB_EV_APPLY) {
		log_errx(LOG_SS_CONFIG, "%s %s: %s callback failed (ignored)", nb_op_name(c->op),
		         c->path, nb_event_name(ev));
		return 0;
	}
	if (err != NULL) {
		if (err->path[0] == '\0')
			snprintf(err->path, sizeof(err->path), "%s", c->path);
		if (err->msg[0] == '\0')
			snprintf(err->msg, sizeof(err->msg), "%s of %s failed", nb_event_name(ev),
			         nb_op_name(c->op));
		if (err->app_tag[0] == '\0')
			snprintf(err->app_tag, sizeof(err->app_tag), "operation-failed");
	}
	return -1;
}

/* Diff @running against @new_tree and build the sorted, resolved change list. */
static int
nb_prepare_txn(struct pmip_engine *e, const struct lyd_node *new_tree, struct nb_txn *txn,
               struct nb_error *err)
{
	struct lyd_node *diff = NULL;
	int rc;

	if (lyd_diff_siblings(e->running, new_tree, LYD_DIFF_DEFAULTS, &diff) != LY_SUCCESS) {
		nb_set_error(err, NULL, "operation-failed", "cannot diff the configuration: %s",
		             ly_errmsg(e->ly_ctx));
		return -1;
	}
	rc = nb_collect(e->nb, diff, txn);
	lyd_free_all(diff);
	if (rc < 0) {
		nb_set_error(err, NULL, "resource-denied", "out of memory");
		return -1;
	}
	if (txn->n > 1)
		qsort(txn->v, txn->n, sizeof(*txn->v), nb_change_cmp);
	return nb_resolve(txn, e->running, new_tree, err);
}

static int
nb_run_validate(struct pmip_engine *e, struct nb_txn *txn, struct nb_error *err)
{
	for (size_t i = 0; i < txn->n; i++)
		if (nb_call(e, &txn->v[i], NB_EV_VALIDATE, err) < 0)
			return -1;
	return 0;
}

int
nb_validate(struct pmip_engine *e, const struct lyd_node *new_tree, struct nb_error *err)
{
	struct lyd_node *dup = NULL;
	struct nb_txn txn = { 0 };
	int rc = -1;

	if (new_tree != NULL &&
	    lyd_dup_siblings(new_tree, NULL, LYD_DUP_RECURSIVE | LYD_DUP_WITH_FLAGS, &dup)) {
		nb_set_error(err, NULL, "resource-denied", "cannot copy the configuration");
		return -1;
	}
	if (nb_complete(e->nb, &dup) < 0)
		nb_set_error(err, NULL, "operation-failed", "cannot complete the configuration");
	else if (nb_prepare_txn(e, dup, &txn, err) == 0)
		rc = nb_run_validate(e, &txn, err);
	nb_txn_free(&txn);
	lyd_free_all(dup);
	return rc;
}

static void
nb_apply_finish(struct pmip_engine *e, struct nb_txn *txn, const struct lyd_node *root)
{
	bool *done = calloc(e->nb->n_nodes, sizeof(*done));

	for (size_t i = 0; i < txn->n; i++) {
		const struct nb_node *node = txn->v[i].node;
		size_t idx = (size_t)(node - e->nb->nodes);

		if (node->info->cbs.apply_finish == NULL)
			continue;
		if (done != NULL) {
			if (done[idx])
				continue;
			done[idx] = true;
		} else {
			/* Without the scratch array, fall back to a quadratic search. */
			size_t j;

			for (j = 0; j < i && txn->v[j].node != node; j++)
				;
			if (j < i)
				continue;
		}
		node->info->cbs.apply_finish(e, root);
	}
	free(done);
}

int
nb_commit(struct pmip_engine *e, struct lyd_node *new_tree, struct nb_error *err)
{
	struct nb_txn txn = { 0 };
	size_t i;

	if (nb_complete(e->nb, &new_tree) < 0) {
		nb_set_error(err, NULL, "operation-failed", "cannot complete the configuration");
		goto fail;
	}
	if (nb_prepare_txn(e, new_tree, &txn, err) < 0 || nb_run_validate(e, &txn, err) < 0)
		goto fail;
	for (i = 0; i < txn.n; i++) {
		if (nb_call(e, &txn.v[i], NB_EV_PREPARE, err) < 0) {
			while (i-- > 0)
				nb_call(e, &txn.v[i], NB_EV_ABORT, NULL);
			goto fail;
		}
	}
	for (i = 0; i < txn.n; i++) {
		log_info(LOG_SS_CONFIG, "%s %s", nb_op_name(txn.v[i].op), txn.v[i].path);
		nb_call(e, &txn.v[i], NB_EV_APPLY, NULL);
	}
	nb_apply_finish(e, &txn, new_tree);
	nb_txn_free(&txn);
	lyd_free_all(e->running);
	e->running = new_tree;
	return 0;
fail:
	nb_txn_free(&txn);
	lyd_free_all(new_tree);
	return -1;
}
