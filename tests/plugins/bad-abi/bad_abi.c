/* SPDX-License-Identifier: BSD-2-Clause */
/* bad_abi.c - test plugin whose descriptor claims ABI version 99; the loader must refuse it. */
#include "plugin.h"

static const int bad_abi_ops;

__attribute__((visibility("default"))) const struct pmip_plugin_desc pmip_plugin_descriptor = {
	.abi_version = 99,
	.name = "keystore-bad-abi",
	.cls = PMIP_PLUGIN_KEYSTORE,
	.description = "test: wrong ABI version",
	.ops = &bad_abi_ops,
};
