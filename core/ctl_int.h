/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl_int.h - what the command files of the control server share: the error
 * and JSON helpers of ctl_show.c and the proxy/AAP commands of
 * ctl_show_proxy.c that ctl_show_run() dispatches to. Not for the rest of
 * the daemon (ctl.h is the control server's interface).
 */
#ifndef PMIP_CTL_INT_H
#define PMIP_CTL_INT_H

#include <stdint.h>

#include "ctl.h"

struct pmip_counter_desc;
struct proxy;

/**
 * ctl_fail - fill @err.
 * @err: the error to fill.
 * @code: error code ("role-not-running", "not-found", ...).
 * @fmt: printf format of the message.
 */
void ctl_fail(struct ctl_err *err, const char *code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/**
 * ctl_need_proxy - the proxy access point instance, or NULL with @err filled
 * (role-not-running).
 * @env: environment.
 * @err: receives the error.
 */
struct proxy *ctl_need_proxy(const struct ctl_env *env, struct ctl_err *err);

/** ctl_id - write registration Identification @id as "0x" and 16 hex digits. */
void ctl_id(struct ctl_json *j, const char *key, uint64_t id);

/** ctl_secs - write a lifetime @v in seconds, or "infinite" when it equals @inf. */
void ctl_secs(struct ctl_json *j, const char *key, uint64_t v, uint64_t inf);

/** ctl_mac - write the 6-byte MAC address @m as "aa:bb:cc:dd:ee:ff". */
void ctl_mac(struct ctl_json *j, const char *key, const uint8_t *m);

/**
 * ctl_counters - write the counters @cnt described by @d as object @key.
 * @j: writer.
 * @key: member name.
 * @cnt: the counters structure.
 * @d: its descriptor table.
 * @n: rows in @d.
 */
void ctl_counters(struct ctl_json *j, const char *key, const void *cnt,
                  const struct pmip_counter_desc *d, size_t n);

/*
 * The commands of ctl_show_proxy.c. Each writes the members of the "data"
 * object to @j and returns 0, or -1 with @err filled (role-not-running when
 * the role is off).
 */

/** ctl_show_px_clients - "show proxy clients". */
int ctl_show_px_clients(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err);

/** ctl_show_px_agents - "show proxy agents". */
int ctl_show_px_agents(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err);

/** ctl_show_px_submap - "show proxy subnet-map". */
int ctl_show_px_submap(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err);

/** ctl_show_aap - "show aap": the AAP role and/or the proxy's AAP client. */
int ctl_show_aap(const struct ctl_env *env, struct ctl_json *j, struct ctl_err *err);

#endif /* PMIP_CTL_INT_H */
