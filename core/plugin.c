/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * plugin.c - the plugin loader: dlopen, descriptor checks, refcounted registry.
 *
 * The registry is a list of loaded plugins keyed by name, used from the loop
 * thread only. A refused plugin is dlclose()d before plugin_load() returns,
 * so a failed load leaves the registry exactly as it was.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "plugin.h"

#ifndef PMIP_PLUGIN_INSTALL_DIR
#define PMIP_PLUGIN_INSTALL_DIR "/usr/local/lib/pmipd/plugins"
#endif

struct pmip_plugin {
	struct pmip_plugin *next;
	char name[PMIP_PLUGIN_NAME_MAX];
	void *dl;
	const struct pmip_plugin_desc *desc;
	unsigned refcnt;
};

static struct pmip_plugin *plugin_list;

const char *
plugin_class_name(enum pmip_plugin_class cls)
{
	switch (cls) {
	case PMIP_PLUGIN_KEYSTORE:
		return "keystore";
	case PMIP_PLUGIN_DISCOVERY:
		return "discovery";
	case PMIP_PLUGIN_TUNNEL:
		return "tunnel";
	}
	return "unknown";
}

const char *
plugin_default_dir(void)
{
	const char *dir = getenv("PMIP_PLUGIN_DIR");

	return dir != NULL && dir[0] != '\0' ? dir : PMIP_PLUGIN_INSTALL_DIR;
}

/* Names are file names: lower-case letters, digits, '-' and '_', no path. */
static bool
plugin_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= PMIP_PLUGIN_NAME_MAX)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") == len;
}

static struct pmip_plugin *
plugin_find(const char *name)
{
	for (struct pmip_plugin *p = plugin_list; p != NULL; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* Check a freshly found descriptor; fills @errmsg and returns -1 on refusal. */
static int
plugin_check_desc(const char *name, const struct pmip_plugin_desc *d, enum pmip_plugin_class cls,
                  char *errmsg, size_t errlen)
{
	if (d->abi_version != PMIP_PLUGIN_ABI_VERSION) {
		snprintf(errmsg, errlen, "plugin %s: ABI version %u, pmipd expects %u", name,
		         (unsigned)d->abi_version, (unsigned)PMIP_PLUGIN_ABI_VERSION);
		return -1;
	}
	if (d->cls != cls) {
		if (strcmp(plugin_class_name(d->cls), "unknown") == 0)
			snprintf(errmsg, errlen, "plugin %s: unknown class %d, expected %s", name,
			         (int)d->cls, plugin_class_name(cls));
		else
			snprintf(errmsg, errlen, "plugin %s: class %s, expected %s", name,
			         plugin_class_name(d->cls), plugin_class_name(cls));
		return -1;
	}
	if (d->name == NULL || strcmp(d->name, name) != 0) {
		snprintf(errmsg, errlen, "plugin %s: descriptor names %s", name,
		         d->name != NULL ? d->name : "(null)");
		return -1;
	}
	if (d->ops == NULL) {
		snprintf(errmsg, errlen, "plugin %s: descriptor has no ops", name);
		return -1;
	}
	return 0;
}

struct pmip_plugin *
plugin_load(const char *dir, const char *name, enum pmip_plugin_class cls, char *errmsg,
            size_t errlen)
{
	const struct pmip_plugin_desc *d;
	struct pmip_plugin *p, **pp;
	char path[4096];
	void *dl;

	if (name == NULL || !plugin_name_valid(name)) {
		snprintf(errmsg, errlen, "plugin name \"%s\" is invalid", name ? name : "(null)");
		return NULL;
	}
	p = plugin_find(name);
	if (p != NULL) {
		if (p->desc->cls != cls) {
			snprintf(errmsg, errlen, "plugin %s: class %s, expected %s", name,
			         plugin_class_name(p->desc->cls), plugin_class_name(cls));
			return NULL;
		}
		p->refcnt++;
		return p;
	}
	if (dir == NULL)
		dir = plugin_default_dir();
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.so", dir, name) >= sizeof(path)) {
		snprintf(errmsg, errlen, "plugin %s: directory path too long", name);
		return NULL;
	}
	if (access(path, R_OK) != 0) {
		snprintf(errmsg, errlen, "plugin %s: not found in %s (%s: %s)", name, dir, path,
		         strerror(errno));
		return NULL;
	}
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		snprintf(errmsg, errlen, "plugin %s: cannot load: %s", name, dlerror());
		return NULL;
	}
	dlerror();
	d = dlsym(dl, PMIP_PLUGIN_SYMBOL);
	if (d == NULL) {
		snprintf(errmsg, errlen, "plugin %s: symbol %s missing", name, PMIP_PLUGIN_SYMBOL);
		goto refuse;
	}
	if (plugin_check_desc(name, d, cls, errmsg, errlen) != 0)
		goto refuse;
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		snprintf(errmsg, errlen, "plugin %s: out of memory", name);
		goto refuse;
	}
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->dl = dl;
	p->desc = d;
	p->refcnt = 1;
	for (pp = &plugin_list; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = p; /* keep load order for plugin_foreach() */
	/* Debug only: VALIDATE loads a plugin once to check it before PREPARE loads it
	 * for use; "pmipctl show plugins" lists what is loaded. */
	log_debug(LOG_SS_PLUGIN, "loaded %s (%s) from %s", name, plugin_class_name(cls), dir);
	return p;
refuse:
	dlclose(dl);
	return NULL;
}

void
plugin_unload(struct pmip_plugin *p)
{
	struct pmip_plugin **pp;

	if (p == NULL || --p->refcnt > 0)
		return;
	for (pp = &plugin_list; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	log_debug(LOG_SS_PLUGIN, "unloading %s", p->name);
	dlclose(p->dl);
	free(p);
}

const struct pmip_plugin_desc *
plugin_desc(const struct pmip_plugin *p)
{
	return p->desc;
}

const void *
plugin_ops(const struct pmip_plugin *p)
{
	return p->desc->ops;
}

int
plugin_foreach(int (*fn)(const struct pmip_plugin *p, void *arg), void *arg)
{
	int rc;

	for (struct pmip_plugin *p = plugin_list; p != NULL; p = p->next) {
		rc = fn(p, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}
