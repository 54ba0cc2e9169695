/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * driver_common.h - what the stdin-driven test tools (aap-driver, disc-driver, tun-driver)
 * share: reading command lines from standard input on the event loop.
 */
#ifndef PMIP_DRIVER_COMMON_H
#define PMIP_DRIVER_COMMON_H

#include <stddef.h>

struct ev_io;
struct ev_loop;

#define DRV_LINE_MAX 1024 /* a longer line is dropped */

/**
 * struct drv_lines - a line reader on standard input.
 * @loop: the loop; broken at end of input or on a read error.
 * @io: the stdin watcher.
 * @fn: called with each complete line, newline removed and NUL-terminated.
 * @arg: first argument of @fn.
 * @buf: bytes read but not yet consumed.
 * @len: their number.
 */
struct drv_lines {
	struct ev_loop *loop;
	struct ev_io *io;
	void (*fn)(void *arg, char *line);
	void *arg;
	char buf[DRV_LINE_MAX];
	size_t len;
};

/**
 * drv_lines_start - make stdin non-blocking and call @fn for each line arriving on it.
 * @l: the reader (caller's storage, valid until drv_lines_stop()).
 * @loop: the event loop.
 * @fn: line handler.
 * @arg: its first argument.
 * Return: 0, or -1 when the watcher cannot be created.
 */
int drv_lines_start(struct drv_lines *l, struct ev_loop *loop, void (*fn)(void *arg, char *line),
                    void *arg);

/** drv_lines_stop - stop watching stdin. */
void drv_lines_stop(struct drv_lines *l);

#endif /* PMIP_DRIVER_COMMON_H */
