/* SPDX-License-Identifier: BSD-2-Clause */
/* wrong_class.c - test plugin of class discovery named like a key store. */
#include "plugin.h"

static const int wrong_class_ops;

PMIP_PLUGIN_DEFINE("keystore-wrong-class", PMIP_PLUGIN_DISCOVERY, "test: wrong class",
                   &wrong_class_ops);
