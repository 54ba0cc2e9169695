/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nc_datastore.c - the content of the NETCONF datastores: the startup file
 * and the <config> trees that edit-config and validate carry.
 *
 * Startup is the configuration file given with -c. It is read with the
 * configuration file parser (conf.c) and written only by copy-config and
 * delete-config, atomically: temporary file in the same directory, fsync,
 * rename over the file, fsync of the directory. A <config> tree is parsed
 * against the schema; anything libyang leaves opaque becomes a precise
 * error (an unknown element, or a value its leaf rejects, without echoing a
 * secret), and state data is refused. Loop thread only; nc_rpc.c calls these.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libyang/libyang.h>

#include "conf.h"
#include "engine.h"
#include "nb.h"
#include "nc.h"

static const char *nc_startup_path;

void
nc_set_startup_path(const char *path)
{
	nc_startup_path = path;
}

const char *
nc_ds_startup_path(void)
{
	return nc_startup_path;
}

int
nc_ds_startup_load(struct pmip_engine *e, struct lyd_node **tree, struct nb_error *err)
{
	if (nc_startup_path == NULL) {
		memset(err, 0, sizeof(*err));
		snprintf(err->msg, sizeof(err->msg), "no startup datastore");
		snprintf(err->app_tag, sizeof(err->app_tag), "operation-failed");
		return -1;
	}
	return conf_parse_file(e->ly_ctx, nc_startup_path, tree, err);
}

int
nc_ds_startup_write(const char *text, struct nb_error *err)
{
	char tmp[4096], dir[4096];
	size_t len = strlen(text), off = 0;
	int fd, dfd;

	memset(err, 0, sizeof(*err));
	snprintf(err->app_tag, sizeof(err->app_tag), "operation-failed");
	if (nc_startup_path == NULL) {
		snprintf(err->msg, sizeof(err->msg), "no startup datastore");
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", nc_startup_path);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail_fd;
		off += (size_t)n;
	}
	if (fchmod(fd, 0600) < 0 || fsync(fd) < 0)
		goto fail_fd;
	if (close(fd) < 0) {
		fd = -1;
		goto fail_fd;
	}
	if (rename(tmp, nc_startup_path) < 0) {
		fd = -1;
		goto fail_fd;
	}
	snprintf(dir, sizeof(dir), "%s", nc_startup_path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail_fd:
	snprintf(err->msg, sizeof(err->msg), "cannot write the startup file: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
fail:
	snprintf(err->msg, sizeof(err->msg), "cannot write the startup file: %s", strerror(errno));
	return -1;
}

/*
 * Why libyang left @n opaque: a value its leaf rejects (invalid-value, with
 * libyang's message; never echoing a secret), or an element the model lacks.
 */
static void
nc_opaq_error(struct pmip_engine *e, const struct lyd_node *n, struct nb_error *err)
{
	const struct lyd_node_opaq *o = (const struct lyd_node_opaq *)n;
	const struct lysc_node *parent = n->parent != NULL ? n->parent->schema : NULL;
	const struct lys_module *mod = NULL;
	const struct lysc_node *sn = NULL;
	char *p = lyd_path(n, LYD_PATH_STD, NULL, 0);

	if (o->format == LY_VALUE_XML && o->name.module_ns != NULL)
		mod = ly_ctx_get_module_implemented_ns(e->ly_ctx, o->name.module_ns);
	if (mod != NULL && (parent != NULL || n->parent == NULL))
		sn = lys_find_child(parent, mod, o->name.name, 0, LYD_NODE_TERM, 0);
	memset(err, 0, sizeof(*err));
	if (sn != NULL && o->value != NULL) {
		ly_err_clean(e->ly_ctx, NULL);
		if (lyd_value_validate(e->ly_ctx, sn, o->value, strlen(o->value), NULL, NULL,
		                       NULL) != LY_SUCCESS)
			conf_ly_error(e->ly_ctx, err);
		/*
		 * A secret's own messages are unquoted; libyang's generic ones
		 * quote the value, possibly cut short by the buffer, so any quote
		 * in an error about a secret means the message goes.
		 */
		if (err->msg[0] == '\0' ||
		    (conf_leaf_is_secret(sn->name) && strchr(err->msg, '"') != NULL))
			snprintf(err->msg, sizeof(err->msg), "invalid value of %s", sn->name);
		snprintf(err->app_tag, sizeof(err->app_tag), "invalid-value");
	} else {
		snprintf(err->msg, sizeof(err->msg), "unknown element \"%s\"", o->name.name);
		snprintf(err->app_tag, sizeof(err->app_tag), "unknown-element");
	}
	snprintf(err->path, sizeof(err->path), "%s", p != NULL ? p : "");
	free(p);
}

int
nc_ds_config_tree(struct pmip_engine *e, const struct lyd_node *config, struct lyd_node **tree,
                  struct nb_error *err)
{
	const struct lyd_node_any *any = (const struct lyd_node_any *)config;
	const char *text = NULL;

	*tree = NULL;
	memset(err, 0, sizeof(*err));
	if (any == NULL) {
		snprintf(err->msg, sizeof(err->msg), "missing <config>");
		snprintf(err->app_tag, sizeof(err->app_tag), "missing-element");
		return -1;
	}
	switch (any->value_type) {
	case LYD_ANYDATA_DATATREE:
		if (any->value.tree == NULL)
			return 0;
		if (lyd_dup_siblings(any->value.tree, NULL, LYD_DUP_RECURSIVE, tree) != LY_SUCCESS)
			goto invalid;
		break;
	case LYD_ANYDATA_STRING:
	case LYD_ANYDATA_XML:
		text = any->value.str;
		if (text == NULL || text[0] == '\0')
			return 0;
		if (lyd_parse_data_mem(e->ly_ctx, text, LYD_XML,
		                       LYD_PARSE_ONLY | LYD_PARSE_OPAQ | LYD_PARSE_NO_STATE, 0,
		                       tree) != LY_SUCCESS)
			goto invalid;
		break;
	default:
		snprintf(err->msg, sizeof(err->msg), "unsupported <config> encoding");
		snprintf(err->app_tag, sizeof(err->app_tag), "operation-not-supported");
		return -1;
	}
	/* Anything libyang could not match to the schema is unknown. */
	for (const struct lyd_node *top = *tree; top != NULL; top = top->next) {
		const struct lyd_node *n;

		LYD_TREE_DFS_BEGIN (top, n) {
			if (n->schema == NULL) {
				nc_opaq_error(e, n, err);
				lyd_free_all(*tree);
				*tree = NULL;
				return -1;
			}
			if (n->schema->flags & LYS_CONFIG_R) {
				char *p = lyd_path(n, LYD_PATH_STD, NULL, 0);

				snprintf(err->msg, sizeof(err->msg), "\"%s\" is state data",
				         n->schema->name);
				snprintf(err->path, sizeof(err->path), "%s", p != NULL ? p : "");
				snprintf(err->app_tag, sizeof(err->app_tag), "invalid-value");
				free(p);
				lyd_free_all(*tree);
				*tree = NULL;
				return -1;
			}
			LYD_TREE_DFS_END(top, n);
		}
	}
	return 0;
invalid:
	conf_ly_error(e->ly_ctx, err);
	lyd_free_all(*tree);
	*tree = NULL;
	return -1;
}

int
nc_ds_validate(struct pmip_engine *e, struct lyd_node **tree, struct nb_error *err)
{
	const struct lys_module *mod = ly_ctx_get_module_implemented(e->ly_ctx, "pmip");
	LY_ERR r;

	ly_err_clean(e->ly_ctx, NULL);
	if (*tree == NULL)
		r = lyd_validate_module(tree, mod, LYD_VALIDATE_NO_STATE, NULL);
	else
		r = lyd_validate_all(tree, e->ly_ctx, LYD_VALIDATE_NO_STATE | LYD_VALIDATE_PRESENT,
		                     NULL);
	if (r != LY_SUCCESS) {
		conf_ly_error(e->ly_ctx, err);
		return -1;
	}
	return 0;
}
