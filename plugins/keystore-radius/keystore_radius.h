/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keystore_radius.h - extra entry points of the keystore-radius plugin for test drivers.
 *
 * The plugin itself is reached through its struct ks_ops; these functions are
 * hidden in the shared object and used by programs that link the plugin
 * sources directly (tests/tools/radius_driver.c).
 */
#ifndef PMIP_KEYSTORE_RADIUS_H
#define PMIP_KEYSTORE_RADIUS_H

#include "keystore.h"
#include "radius_client.h"

/** ks_radius_ops - the plugin's key-store operations. */
extern const struct ks_ops ks_radius_ops;

/**
 * ks_radius_counters - RADIUS client counters of an instance.
 * @inst: instance from ks_radius_ops.create.
 * @out: receives the counters.
 */
void ks_radius_counters(void *inst, struct radius_counters *out);

/**
 * ks_radius_server_dead - is server @i of instance @inst considered dead?
 * @inst: instance.
 * @i: server index in configured order.
 * Return: true while the server is skipped.
 */
bool ks_radius_server_dead(void *inst, size_t i);

#endif /* PMIP_KEYSTORE_RADIUS_H */
