/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * plugin.h - back-end plugins: descriptor, ABI version, loader.
 *
 * A plugin is a shared object NAME.so in the plugin directory. It exports
 * exactly one data symbol, PMIP_PLUGIN_SYMBOL ("pmip_plugin_descriptor"), of
 * type struct pmip_plugin_desc. The loader dlopen()s the file with RTLD_NOW,
 * looks the symbol up, and refuses the plugin with a clear message when the
 * symbol is missing, the ABI version differs from PMIP_PLUGIN_ABI_VERSION,
 * the class is unknown or does not match what the caller asked for, or the
 * name in the descriptor differs from the file name; on any refusal the
 * object is dlclose()d and nothing is registered.
 *
 * Plugins link against libpmipcore and may call its public functions (log,
 * ev, sa). Bump PMIP_PLUGIN_ABI_VERSION whenever a descriptor, an ops struct
 * or a struct a plugin fills (ks_status, disc_status, tun_stats) changes
 * layout or meaning. Version 2: ks_status and disc_status grew.
 */
#ifndef PMIP_PLUGIN_H
#define PMIP_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define PMIP_PLUGIN_ABI_VERSION 2
#define PMIP_PLUGIN_SYMBOL      "pmip_plugin_descriptor"
#define PMIP_PLUGIN_NAME_MAX    64

/** enum pmip_plugin_class - what a plugin provides; selects the ops type. */
enum pmip_plugin_class {
	PMIP_PLUGIN_KEYSTORE = 1,  /* const struct ks_ops * */
	PMIP_PLUGIN_DISCOVERY = 2, /* const struct disc_ops * */
	PMIP_PLUGIN_TUNNEL = 3,    /* const struct tun_ops * */
};

/**
 * struct pmip_plugin_desc - the one symbol every plugin exports.
 * @abi_version: PMIP_PLUGIN_ABI_VERSION the plugin was built against.
 * @name: plugin name, equal to the file name without ".so" ("keystore-local").
 * @cls: plugin class.
 * @description: one line for operators (shown in state).
 * @ops: class-specific ops struct; never NULL.
 */
struct pmip_plugin_desc {
	uint32_t abi_version;
	const char *name;
	enum pmip_plugin_class cls;
	const char *description;
	const void *ops;
};

/** PMIP_PLUGIN_DEFINE - define the exported descriptor in a plugin source file. */
#define PMIP_PLUGIN_DEFINE(pname, pcls, pdesc, pops)             \
	__attribute__((visibility("default")))                   \
	const struct pmip_plugin_desc pmip_plugin_descriptor = { \
		.abi_version = PMIP_PLUGIN_ABI_VERSION,          \
		.name = (pname),                                 \
		.cls = (pcls),                                   \
		.description = (pdesc),                          \
		.ops = (pops),                                   \
	}

struct pmip_plugin;

/**
 * plugin_load - load plugin @name of class @cls from directory @dir.
 * @errmsg/@errlen: receives a one-line reason on failure.
 *
 * Loading the same name twice returns the already loaded plugin with its
 * reference count raised.
 * Return: the plugin, or NULL with @errmsg filled.
 */
struct pmip_plugin *plugin_load(const char *dir, const char *name, enum pmip_plugin_class cls,
                                char *errmsg, size_t errlen);
/** plugin_unload - drop a reference; dlclose()s at zero. NULL allowed. */
void plugin_unload(struct pmip_plugin *p);
/** plugin_desc - the plugin's descriptor. */
const struct pmip_plugin_desc *plugin_desc(const struct pmip_plugin *p);
/** plugin_ops - shortcut for plugin_desc(p)->ops. */
const void *plugin_ops(const struct pmip_plugin *p);
/** plugin_foreach - visit every loaded plugin; stops at a non-zero return. */
int plugin_foreach(int (*fn)(const struct pmip_plugin *p, void *arg), void *arg);
/** plugin_class_name - "keystore", "discovery" or "tunnel". */
const char *plugin_class_name(enum pmip_plugin_class cls);
/** plugin_default_dir - $PMIP_PLUGIN_DIR if set, else the compiled-in directory. */
const char *plugin_default_dir(void);

#endif /* PMIP_PLUGIN_H */
