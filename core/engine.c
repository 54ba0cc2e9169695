/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * engine.c - creation and teardown of struct pmip_engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "conf.h"
#include "engine.h"
#include "nb_pmip.h"
#include "plugin.h"

struct pmip_engine *
engine_new(struct ev_loop *loop, const char *cli_plugin_dir, bool foreground, struct nb_error *err)
{
	const struct nb_module_info *mods[] = { &nb_pmip_info };
	struct pmip_engine *e = calloc(1, sizeof(*e));

	memset(err, 0, sizeof(*err));
	if (e == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	e->loop = loop;
	e->cli_plugin_dir = cli_plugin_dir;
	e->foreground = foreground;
	e->ly_ctx = conf_ctx_new(err);
	if (e->ly_ctx == NULL)
		goto fail;
	e->nb = nb_table_new(e->ly_ctx, mods, 1, err);
	if (e->nb == NULL || nb_check_callbacks(e->nb, err) != 0)
		goto fail;
	if (nb_pmip_init(e) < 0) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		goto fail;
	}
	return e;
fail:
	engine_free(e);
	return NULL;
}

void
engine_free(struct pmip_engine *e)
{
	if (e == NULL)
		return;
	nb_pmip_fini(e);
	lyd_free_all(e->running);
	nb_table_free(e->nb);
	ly_ctx_destroy(e->ly_ctx);
	free(e);
}

const char *
engine_plugin_dir(const struct pmip_engine *e, const struct lyd_node *tree)
{
	const char *dir;

	if (e->cli_plugin_dir != NULL)
		return e->cli_plugin_dir;
	dir = nb_pmip_str(tree, "/pmip:pmip/global/plugin-dir", NULL);
	return dir != NULL ? dir : plugin_default_dir();
}
