/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * driver_common.c - the stdin line reader of the test drivers (see driver_common.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "driver_common.h"
#include "ev.h"

static void
drv_lines_readable(int fd, unsigned what, void *arg)
{
	struct drv_lines *l = arg;
	ssize_t n;

	(void)what;
	n = read(fd, l->buf + l->len, sizeof(l->buf) - 1 - l->len);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		ev_loop_break(l->loop);
		return;
	}
	l->len += (size_t)n;
	for (;;) {
		char *nl = memchr(l->buf, '\n', l->len);
		size_t used;

		if (nl == NULL)
			break;
		*nl = '\0';
		used = (size_t)(nl - l->buf) + 1;
		l->fn(l->arg, l->buf);
		memmove(l->buf, l->buf + used, l->len - used);
		l->len -= used;
	}
	if (l->len == sizeof(l->buf) - 1)
		l->len = 0; /* an over-long line is dropped */
}

int
drv_lines_start(struct drv_lines *l, struct ev_loop *loop, void (*fn)(void *arg, char *line),
                void *arg)
{
	*l = (struct drv_lines){ .loop = loop, .fn = fn, .arg = arg };
	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	l->io = ev_io_new(loop, STDIN_FILENO, EV_IO_READ, drv_lines_readable, l);
	return l->io != NULL ? 0 : -1;
}

void
drv_lines_stop(struct drv_lines *l)
{
	ev_io_free(l->io);
	l->io = NULL;
}
