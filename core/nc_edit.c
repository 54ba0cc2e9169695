/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nc_edit.c - the edit-config engine, get filters and secret stripping.
 *
 * libyang has no NETCONF edit engine: nc_edit_apply() walks the <config>
 * content and applies RFC 6241 section 7.2 operations (merge, replace,
 * create, delete, remove, none) to a copy of running, as sysrepo's edit_diff.c
 * does. Each edit node's operation is its ietf-netconf:operation attribute,
 * else its parent's, else default-operation; list entries and leaf-list
 * values are matched with lyd_find_sibling_first() (keys, values); list keys
 * identify entries and are never changes. No edit metadata reaches the
 * result: nodes are copied one by one with LYD_DUP_NO_META.
 *
 * nc_filter() selects with an XPath filter (the select attribute, whose XML
 * prefixes libyang has already resolved to module names) or a subtree filter
 * (RFC 6241 section 6), which is turned into XPath expressions first:
 * containment nodes become steps, content-match leaves predicates, and every
 * selection or containment child its own expression. The result is the
 * union of the selected nodes, each copied with its ancestors.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "conf.h"
#include "nc.h"

#define NC_XPATH_MAX 4096

static void
nc_edit_err(struct nb_error *err, const struct lyd_node *n, const char *app_tag, const char *fmt,
            const char *arg)
{
	char *path = n != NULL ? lyd_path(n, LYD_PATH_STD, NULL, 0) : NULL;

	memset(err, 0, sizeof(*err));
	snprintf(err->path, sizeof(err->path), "%s", path != NULL ? path : "");
	snprintf(err->msg, sizeof(err->msg), fmt, arg);
	snprintf(err->app_tag, sizeof(err->app_tag), "%s", app_tag);
	free(path);
}

static const char *
nc_edit_op(const struct lyd_node *e, const char *inherited)
{
	const struct lyd_meta *m = lyd_find_meta(e->meta, NULL, "ietf-netconf:operation");

	return m != NULL ? lyd_get_meta_value(m) : inherited;
}

static int nc_edit_children(struct lyd_node *tparent, const struct lyd_node *e, const char *op,
                            struct nb_error *err);

/*
 * Copy edit node @e (without children other than list keys) under @tparent,
 * or as a new top-level sibling of *@first. Return the copy or NULL.
 */
static struct lyd_node *
nc_edit_insert(struct lyd_node **first, struct lyd_node *tparent, const struct lyd_node *e,
               struct nb_error *err)
{
	struct lyd_node *dup = NULL;

	/* Not recursive: children are edits of their own (list keys come along). */
	if (lyd_dup_single(e, NULL, LYD_DUP_NO_META, &dup) != LY_SUCCESS)
		goto fail;
	if (tparent != NULL ? lyd_insert_child(tparent, dup) != LY_SUCCESS
	                    : lyd_insert_sibling(*first, dup, first) != LY_SUCCESS)
		goto fail;
	return dup;
fail:
	lyd_free_tree(dup);
	nc_edit_err(err, e, "operation-failed", "cannot insert %s", LYD_NAME(e));
	return NULL;
}

static void
nc_edit_free(struct lyd_node **first, struct lyd_node *m)
{
	if (*first == m)
		*first = m->next;
	lyd_free_tree(m);
}

/* Apply edit node @e at one level: @first is the first target sibling. */
static int
nc_edit_node(struct lyd_node **first, struct lyd_node *tparent, const struct lyd_node *e,
             const char *inherited, struct nb_error *err)
{
	const char *op = nc_edit_op(e, inherited);
	struct lyd_node *m = NULL, *n;
	bool term = (e->schema->nodetype & LYD_NODE_TERM) != 0;

	if (*first != NULL)
		lyd_find_sibling_first(*first, e, &m);
	if (strcmp(op, "delete") == 0 || strcmp(op, "remove") == 0) {
		if (m == NULL || (m->flags & LYD_DEFAULT)) {
			if (op[0] == 'd') {
				nc_edit_err(err, e, "data-missing", "%s does not exist",
				            LYD_NAME(e));
				return -1;
			}
			return 0;
		}
		nc_edit_free(first, m);
		return 0;
	}
	if (strcmp(op, "create") == 0 && m != NULL && !(m->flags & LYD_DEFAULT)) {
		nc_edit_err(err, e, "data-exists", "%s already exists", LYD_NAME(e));
		return -1;
	}
	if (strcmp(op, "replace") == 0 && m != NULL) {
		nc_edit_free(first, m);
		m = NULL;
	}
	if (strcmp(op, "merge") != 0 && strcmp(op, "replace") != 0 && strcmp(op, "create") != 0 &&
	    strcmp(op, "none") != 0) {
		nc_edit_err(err, e, "invalid-value", "unknown operation %s", op);
		return -1;
	}
	if (term) {
		if (strcmp(op, "none") == 0)
			return 0;
		if (m == NULL)
			return nc_edit_insert(first, tparent, e, err) != NULL ? 0 : -1;
		if (e->schema->nodetype == LYS_LEAF &&
		    lyd_change_term(m, lyd_get_value(e)) == LY_EVALID) {
			nc_edit_err(err, e, "invalid-value", "invalid value of %s", LYD_NAME(e));
			return -1;
		}
		m->flags &= ~LYD_DEFAULT;
		return 0;
	}
	n = m;
	if (n == NULL && (n = nc_edit_insert(first, tparent, e, err)) == NULL)
		return -1;
	if (nc_edit_children(n, e, strcmp(op, "replace") == 0 ? "merge" : op, err) < 0)
		return -1;
	/* "none" only descends: drop what it created for nothing. */
	if (m == NULL && strcmp(op, "none") == 0) {
		const struct lyd_node *c;
		bool empty = true;

		LY_LIST_FOR (lyd_child(n), c)
			if (!lysc_is_key(c->schema))
				empty = false;
		if (empty)
			nc_edit_free(first, n);
	}
	return 0;
}

static int
nc_edit_children(struct lyd_node *tparent, const struct lyd_node *e, const char *op,
                 struct nb_error *err)
{
	const struct lyd_node *c;

	LY_LIST_FOR (lyd_child(e), c) {
		struct lyd_node *first = lyd_child(tparent);

		if (lysc_is_key(c->schema))
			continue;
		if (nc_edit_node(&first, tparent, c, op, err) < 0)
			return -1;
	}
	return 0;
}

int
nc_edit_apply(struct lyd_node **target, const struct lyd_node *edit, const char *default_op,
              struct nb_error *err)
{
	for (const struct lyd_node *e = edit; e != NULL; e = e->next) {
		if (nc_edit_node(target, NULL, e, default_op, err) < 0)
			return -1;
	}
	while (*target != NULL && (*target)->prev != *target && (*target)->prev->next != NULL)
		*target = (*target)->prev; /* first sibling */
	return 0;
}

/* --- filters --- */

/* Module name of a filter node (schema node or opaque XML element). */
static const char *
nc_filter_module(const struct ly_ctx *ctx, const struct lyd_node *n)
{
	const struct lyd_node_opaq *o = (const struct lyd_node_opaq *)n;
	const struct lys_module *mod;

	if (n->schema != NULL)
		return n->schema->module->name;
	if (o->format != LY_VALUE_XML || o->name.module_ns == NULL)
		return o->name.module_name;
	mod = ly_ctx_get_module_implemented_ns(ctx, o->name.module_ns);
	return mod != NULL ? mod->name : NULL;
}

/* Text value of a filter leaf, trimmed; NULL when it has none. */
static const char *
nc_filter_value(const struct lyd_node *n, char *buf, size_t len)
{
	const char *v, *end;

	if (lyd_child(n) != NULL)
		return NULL;
	if (n->schema != NULL)
		v = (n->schema->nodetype & LYD_NODE_TERM) ? lyd_get_value(n) : NULL;
	else
		v = ((const struct lyd_node_opaq *)n)->value;
	if (v == NULL)
		return NULL;
	while (isspace((unsigned char)*v))
		v++;
	for (end = v + strlen(v); end > v && isspace((unsigned char)end[-1]); end--)
		;
	if (end == v)
		return NULL;
	snprintf(buf, len, "%.*s", (int)(end - v), v);
	return buf;
}

struct nc_xpaths {
	char **v;
	size_t n;
};

static int
nc_xpaths_add(struct nc_xpaths *x, const char *p)
{
	char **v = realloc(x->v, (x->n + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	x->v = v;
	if ((x->v[x->n] = strdup(p)) == NULL)
		return -1;
	x->n++;
	return 0;
}

static void
nc_xpaths_free(struct nc_xpaths *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->v[i]);
	free(x->v);
}

/* Append "[mod:name='value']" (or with double quotes) to @p. */
static void
nc_xpath_pred(char *p, size_t len, const char *mod, const char *name, const char *value)
{
	size_t l = strlen(p);
	char q = strchr(value, '\'') != NULL ? '"' : '\'';

	snprintf(p + l, len - l, "[%s:%s=%c%s%c]", mod, name, q, value, q);
}

/* One subtree filter node @n below path @base: add its XPath expressions. */
static int
nc_subtree_xpaths(const struct ly_ctx *ctx, const struct lyd_node *n, const char *base,
                  struct nc_xpaths *x)
{
	const char *mod = nc_filter_module(ctx, n), *v;
	char path[NC_XPATH_MAX], val[1024];
	const struct lyd_node *c;
	bool deeper = false;

	if (mod == NULL)
		return 0; /* an unknown namespace selects nothing */
	snprintf(path, sizeof(path), "%s/%s:%s", base, mod, LYD_NAME(n));
	if (lyd_child(n) == NULL) {
		if ((v = nc_filter_value(n, val, sizeof(val))) != NULL) /* top-level match */
			nc_xpath_pred(path, sizeof(path), mod, LYD_NAME(n), v);
		return nc_xpaths_add(x, path);
	}
	LY_LIST_FOR (lyd_child(n), c) {
		const char *cm = nc_filter_module(ctx, c);

		if (cm != NULL && (v = nc_filter_value(c, val, sizeof(val))) != NULL)
			nc_xpath_pred(path, sizeof(path), cm, LYD_NAME(c), v);
		else
			deeper = true;
	}
	if (!deeper)
		return nc_xpaths_add(x, path);
	LY_LIST_FOR (lyd_child(n), c) {
		const char *cm = nc_filter_module(ctx, c);
		char leaf[NC_XPATH_MAX];

		if (cm != NULL && nc_filter_value(c, val, sizeof(val)) != NULL) {
			/* Content-match leaves are part of the answer too. */
			snprintf(leaf, sizeof(leaf), "%s/%s:%s", path, cm, LYD_NAME(c));
			if (nc_xpaths_add(x, leaf) < 0)
				return -1;
		} else if (nc_subtree_xpaths(ctx, c, path, x) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Add every node @xpath selects in @tree, with its ancestors, to *@out. */
static int
nc_filter_xpath(const struct lyd_node *tree, const char *xpath, struct lyd_node **out,
                struct nb_error *err)
{
	struct ly_set *set = NULL;
	LY_ERR r;

	if (tree == NULL)
		return 0;
	r = lyd_find_xpath(tree, xpath, &set);
	if (r != LY_SUCCESS) {
		conf_ly_error(LYD_CTX(tree), err);
		snprintf(err->app_tag, sizeof(err->app_tag), "invalid-value");
		err->path[0] = '\0';
		return -1;
	}
	for (uint32_t i = 0; i < set->count; i++) {
		struct lyd_node *dup = NULL;

		if (lyd_dup_single(set->dnodes[i], NULL,
		                   LYD_DUP_RECURSIVE | LYD_DUP_WITH_PARENTS | LYD_DUP_WITH_FLAGS,
		                   &dup) != LY_SUCCESS)
			continue;
		while (dup->parent != NULL)
			dup = lyd_parent(dup);
		lyd_merge_siblings(out, dup, LYD_MERGE_DESTRUCT | LYD_MERGE_WITH_FLAGS);
	}
	ly_set_free(set, NULL);
	return 0;
}

/* The content of anyxml @filter as a tree; *@owned is set when it is new. */
static const struct lyd_node *
nc_filter_content(const struct lyd_node *filter, struct lyd_node **owned)
{
	const struct lyd_node_any *any = (const struct lyd_node_any *)filter;

	*owned = NULL;
	if (any->value_type == LYD_ANYDATA_DATATREE)
		return any->value.tree;
	if ((any->value_type == LYD_ANYDATA_XML || any->value_type == LYD_ANYDATA_STRING) &&
	    any->value.str != NULL && any->value.str[0] != '\0')
		lyd_parse_data_mem(LYD_CTX(filter), any->value.str, LYD_XML,
		                   LYD_PARSE_ONLY | LYD_PARSE_OPAQ, 0, owned);
	return *owned;
}

static const char *
nc_filter_select(const struct lyd_node *filter)
{
	const struct lyd_meta *t = lyd_find_meta(filter->meta, NULL, "ietf-netconf:type");
	const struct lyd_meta *s = lyd_find_meta(filter->meta, NULL, "ietf-netconf:select");

	if (t != NULL && strcmp(lyd_get_meta_value(t), "xpath") == 0)
		return s != NULL ? lyd_get_meta_value(s) : "";
	return NULL;
}

int
nc_filter(const struct lyd_node *tree, const struct lyd_node *filter, struct lyd_node **out,
          struct nb_error *err)
{
	struct nc_xpaths x = { NULL, 0 };
	struct lyd_node *owned = NULL;
	const struct lyd_node *content;
	const char *select;
	int rc = 0;

	*out = NULL;
	if (filter == NULL) {
		if (tree != NULL &&
		    lyd_dup_siblings(tree, NULL, LYD_DUP_RECURSIVE | LYD_DUP_WITH_FLAGS, out) !=
		            LY_SUCCESS)
			return -1;
		return 0;
	}
	select = nc_filter_select(filter);
	if (select != NULL) {
		if (select[0] == '\0') {
			memset(err, 0, sizeof(*err));
			snprintf(err->msg, sizeof(err->msg),
			         "an XPath filter needs a select attribute");
			snprintf(err->app_tag, sizeof(err->app_tag), "missing-attribute");
			return -1;
		}
		rc = nc_filter_xpath(tree, select, out, err);
	} else {
		content = nc_filter_content(filter, &owned);
		for (const struct lyd_node *n = content; n != NULL && rc == 0; n = n->next)
			rc = nc_subtree_xpaths(LYD_CTX(filter), n, "", &x);
		for (size_t i = 0; i < x.n && rc == 0; i++)
			rc = nc_filter_xpath(tree, x.v[i], out, err);
		nc_xpaths_free(&x);
		lyd_free_all(owned);
	}
	if (rc < 0) {
		lyd_free_all(*out);
		*out = NULL;
	}
	return rc;
}

bool
nc_filter_wants(const struct lyd_node *filter, const char *module)
{
	struct lyd_node *owned = NULL;
	const struct lyd_node *content;
	const char *select, *p;
	bool want = false;
	size_t ml = strlen(module);

	if (filter == NULL)
		return true;
	select = nc_filter_select(filter);
	if (select != NULL) {
		if (strchr(select, ':') == NULL)
			return true;
		for (p = strstr(select, module); p != NULL; p = strstr(p + 1, module))
			if (p[ml] == ':' && (p == select || strchr("/[( |", p[-1]) != NULL))
				return true;
		return false;
	}
	content = nc_filter_content(filter, &owned);
	for (const struct lyd_node *n = content; n != NULL && !want; n = n->next) {
		const char *m = nc_filter_module(LYD_CTX(filter), n);

		want = m != NULL && strcmp(m, module) == 0;
	}
	lyd_free_all(owned);
	return want;
}

void
nc_strip_secrets(struct lyd_node **tree)
{
	struct ly_set *set = NULL;

	if (*tree == NULL || ly_set_new(&set) != LY_SUCCESS)
		return;
	for (struct lyd_node *top = *tree; top != NULL; top = top->next) {
		struct lyd_node *n;

		LYD_TREE_DFS_BEGIN (top, n) {
			if (n->schema != NULL && n->schema->nodetype == LYS_LEAF &&
			    conf_leaf_is_secret(n->schema->name))
				ly_set_add(set, n, 1, NULL);
			LYD_TREE_DFS_END(top, n);
		}
	}
	for (uint32_t i = 0; i < set->count; i++)
		lyd_free_tree(set->dnodes[i]);
	ly_set_free(set, NULL);
}
