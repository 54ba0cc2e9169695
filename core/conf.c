/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf.c - configuration files: YANG context, JSON loading, normalised print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "conf.h"
#include "engine.h"
#include "nc.h"

/* Leaves whose values are secrets: never printed, never echoed in errors. */
static const char *const conf_secret_leaves[] = { "key-hex", "key-ascii",     "group-key",
	                                          "secret",  "user-password", "password-hash",
	                                          NULL };

static bool
conf_is_secret(const char *name, size_t len)
{
	const char *colon = memchr(name, ':', len);

	if (colon != NULL) { /* module-qualified member name */
		len -= (size_t)(colon + 1 - name);
		name = colon + 1;
	}
	for (size_t i = 0; conf_secret_leaves[i] != NULL; i++)
		if (strlen(conf_secret_leaves[i]) == len &&
		    memcmp(name, conf_secret_leaves[i], len) == 0)
			return true;
	return false;
}

bool
conf_leaf_is_secret(const char *name)
{
	return conf_is_secret(name, strlen(name));
}

static LY_ERR
conf_import_cb(const char *mod_name, const char *mod_rev, const char *submod_name,
               const char *submod_rev, void *user_data, LYS_INFORMAT *format,
               const char **module_data, void (**free_module_data)(void *, void *))
{
	const char *want = submod_name != NULL ? submod_name : mod_name;

	(void)mod_rev;
	(void)submod_rev;
	(void)user_data;
	for (const struct conf_yang_module *m = conf_yang_modules; m->name != NULL; m++) {
		if (strcmp(m->name, want) == 0) {
			*format = LYS_IN_YANG;
			*module_data = m->text;
			*free_module_data = NULL;
			return LY_SUCCESS;
		}
	}
	return LY_ENOTFOUND;
}

struct ly_ctx *
conf_ctx_new(struct nb_error *err)
{
	struct ly_ctx *ctx = NULL;

	ly_log_options(LY_LOSTORE);
	if (ly_ctx_new(NULL, LY_CTX_DISABLE_SEARCHDIRS, &ctx) != LY_SUCCESS) {
		snprintf(err->msg, sizeof(err->msg), "cannot create the YANG context");
		return NULL;
	}
	ly_ctx_set_module_imp_clb(ctx, conf_import_cb, NULL);
	if (ly_ctx_load_module(ctx, "pmip", NULL, NULL) == NULL || nc_ctx_load(ctx) < 0) {
		conf_ly_error(ctx, err);
		ly_ctx_destroy(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * Replace every quoted value in @msg by "<redacted>"; a quoted leaf name
 * ("Mandatory node "group-key" ...") is kept.
 */
static void
conf_redact_msg(char *msg, size_t size)
{
	char out[NB_ERRMSG_MAX];
	const char *p = msg, *q;
	size_t o = 0;

	while (*p != '\0' && o + sizeof(CONF_REDACTED) + 2 < sizeof(out)) {
		if (*p != '"') {
			out[o++] = *p++;
			continue;
		}
		q = strchr(p + 1, '"');
		if (q == NULL) { /* a value cut where the message was truncated */
			memcpy(out + o, "\"" CONF_REDACTED, sizeof(CONF_REDACTED));
			o += sizeof(CONF_REDACTED);
			break;
		}
		if (conf_is_secret(p + 1, (size_t)(q - p - 1)) &&
		    o + (size_t)(q - p) + 2 < sizeof(out)) {
			memcpy(out + o, p, (size_t)(q - p) + 1);
			o += (size_t)(q - p) + 1;
		} else {
			memcpy(out + o, "\"" CONF_REDACTED "\"", sizeof(CONF_REDACTED) + 1);
			o += sizeof(CONF_REDACTED) + 1;
		}
		p = q + 1;
	}
	out[o] = '\0';
	snprintf(msg, size, "%s", out);
}

/* Make @msg one line: control characters become spaces, runs collapse. */
static void
conf_one_line(char *msg)
{
	char *w = msg;

	for (const char *r = msg; *r != '\0'; r++) {
		bool space = (unsigned char)*r < 0x20 || *r == ' ';

		if (space && (w == msg || w[-1] == ' '))
			continue;
		*w++ = space ? ' ' : *r;
	}
	*w = '\0';
}

/* Turn libyang's 'Data location "/a/b", line number 3.' into "/a/b". */
static void
conf_err_path(const char *lypath, char *path, size_t size)
{
	const char *q = strstr(lypath, "location \"");
	const char *end;
	unsigned line;

	path[0] = '\0';
	if (q != NULL) {
		q += strlen("location \"");
		end = strchr(q, '"');
		snprintf(path, size, "%.*s", (int)(end != NULL ? end - q : (long)strlen(q)), q);
	} else if (sscanf(lypath, "Line number %u", &line) == 1) {
		snprintf(path, size, "line %u", line);
	} else {
		snprintf(path, size, "%s", lypath);
	}
}

void
conf_ly_error(const struct ly_ctx *ctx, struct nb_error *err)
{
	const struct ly_err_item *e, *first = ly_err_first(ctx);
	const char *last;

	memset(err, 0, sizeof(*err));
	for (e = first; e != NULL && e->level != LY_LLERR; e = e->next)
		;
	if (e == NULL)
		e = first;
	if (e == NULL) {
		snprintf(err->msg, sizeof(err->msg), "unknown libyang error");
		snprintf(err->app_tag, sizeof(err->app_tag), "operation-failed");
		return;
	}
	snprintf(err->msg, sizeof(err->msg), "%s", e->msg != NULL ? e->msg : "invalid data");
	conf_one_line(err->msg);
	if (e->path != NULL)
		conf_err_path(e->path, err->path, sizeof(err->path));
	snprintf(err->app_tag, sizeof(err->app_tag), "%s",
	         e->apptag != NULL    ? e->apptag
	         : e->no == LY_EVALID ? "invalid-value"
	                              : "operation-failed");
	/* The last path segment names the leaf; redact errors about keys. */
	last = strrchr(err->path, '/');
	if (last != NULL && conf_is_secret(last + 1, strcspn(last + 1, "[")))
		conf_redact_msg(err->msg, sizeof(err->msg));
	ly_err_clean((struct ly_ctx *)ctx, NULL);
}

/* Add the implicit nodes of the pmip module when the input had no pmip data. */
static int
conf_finish(struct ly_ctx *ctx, struct lyd_node **tree, struct nb_error *err)
{
	const struct lys_module *mod = ly_ctx_get_module_implemented(ctx, "pmip");
	struct lyd_node *top = NULL;

	if (*tree != NULL && lyd_find_path(*tree, "/pmip:pmip", 0, &top) == LY_SUCCESS)
		return 0;
	if (lyd_validate_module(tree, mod, LYD_VALIDATE_NO_STATE, NULL) != LY_SUCCESS) {
		conf_ly_error(ctx, err);
		lyd_free_all(*tree);
		*tree = NULL;
		return -1;
	}
	return 0;
}

int
conf_parse_file(struct ly_ctx *ctx, const char *path, struct lyd_node **tree, struct nb_error *err)
{
	FILE *f;
	LY_ERR rc;

	*tree = NULL;
	ly_err_clean(ctx, NULL);
	f = fopen(path, "r");
	if (f == NULL) {
		memset(err, 0, sizeof(*err));
		snprintf(err->msg, sizeof(err->msg), "cannot open: %m");
		snprintf(err->app_tag, sizeof(err->app_tag), "operation-failed");
		return -1;
	}
	rc = lyd_parse_data_fd(ctx, fileno(f), LYD_JSON, LYD_PARSE_STRICT | LYD_PARSE_NO_STATE,
	                       LYD_VALIDATE_NO_STATE | LYD_VALIDATE_PRESENT, tree);
	fclose(f);
	if (rc != LY_SUCCESS) {
		conf_ly_error(ctx, err);
		lyd_free_all(*tree);
		*tree = NULL;
		return -1;
	}
	return conf_finish(ctx, tree, err);
}

int
conf_parse_mem(struct ly_ctx *ctx, const char *json, struct lyd_node **tree, struct nb_error *err)
{
	*tree = NULL;
	ly_err_clean(ctx, NULL);
	if (lyd_parse_data_mem(ctx, json, LYD_JSON, LYD_PARSE_STRICT | LYD_PARSE_NO_STATE,
	                       LYD_VALIDATE_NO_STATE | LYD_VALIDATE_PRESENT, tree) != LY_SUCCESS) {
		conf_ly_error(ctx, err);
		lyd_free_all(*tree);
		*tree = NULL;
		return -1;
	}
	return conf_finish(ctx, tree, err);
}

/* End of the JSON string token starting at @p (on its opening quote). */
static const char *
conf_json_string_end(const char *p)
{
	for (p++; *p != '\0' && *p != '"'; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	return *p == '"' ? p + 1 : p;
}

char *
conf_redact_json(const char *json)
{
	char *out = NULL;
	size_t outlen = 0;
	bool secret_next = false;
	const char *p = json, *end;
	FILE *f = open_memstream(&out, &outlen);

	if (f == NULL)
		return NULL;
	while (*p != '\0') {
		if (*p == '"') {
			const char *q;

			end = conf_json_string_end(p);
			for (q = end; *q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'; q++)
				;
			if (*q == ':') { /* a member name */
				secret_next = conf_is_secret(p + 1, (size_t)(end - p - 2));
				fwrite(p, 1, (size_t)(end - p), f);
			} else if (secret_next) {
				fputs("\"" CONF_REDACTED "\"", f);
				secret_next = false;
			} else {
				fwrite(p, 1, (size_t)(end - p), f);
			}
			p = end;
		} else if (secret_next && strchr(" \t\r\n:", *p) == NULL) {
			/* A non-string scalar as a key value: redact it as well. */
			p += strcspn(p, ",}] \t\r\n");
			fputs("\"" CONF_REDACTED "\"", f);
			secret_next = false;
		} else {
			fputc(*p++, f);
		}
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

char *
conf_print(const struct lyd_node *tree, bool with_defaults)
{
	char *raw = NULL, *out;
	uint32_t opts =
	        LYD_PRINT_WITHSIBLINGS | (with_defaults ? LYD_PRINT_WD_ALL : LYD_PRINT_WD_EXPLICIT);

	if (tree == NULL)
		return strdup("{\n}\n");
	if (lyd_print_mem(&raw, tree, LYD_JSON, opts) != LY_SUCCESS)
		return NULL;
	out = conf_redact_json(raw);
	free(raw);
	return out;
}

int
conf_apply_file(struct pmip_engine *e, const char *path, struct nb_error *err)
{
	struct lyd_node *tree = NULL;

	if (conf_parse_file(e->ly_ctx, path, &tree, err) < 0)
		return -1;
	return nb_commit(e, tree, err);
}
