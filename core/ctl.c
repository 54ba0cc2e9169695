/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl.c - the control server: a unix stream socket served from the event loop.
 *
 * DOC: one client, from connection to close.
 *
 *   accept --> [reading] --line--> execute --> [writing] --drained--> [reading]
 *                 |   ^                           |
 *                 |   +-- more lines buffered ----+ (taken only once the answer is out)
 *                 |
 *                 +-- EOF: the last partial line is a request, then close once drained
 *                 +-- line longer than CTL_REQ_MAX: error answer, then close
 *                 +-- idle CTL_IDLE_MS, or no write progress for CTL_STALL_MS: close
 *
 * A client is read from only while it has no answer waiting, so a client that
 * sends requests and never reads the answers holds at most one answer
 * (bounded by CTL_OUT_MAX) and one input line, and is closed once its answer
 * stalls. Sockets are non-blocking and written with MSG_NOSIGNAL, so neither
 * a slow nor a vanished client can block or kill the loop. At most
 * CTL_CLIENTS_MAX clients are connected; one more gets a "too-many-clients"
 * answer and is closed at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "ev.h"
#include "engine.h"
#include "log.h"

#define CTL_ACCEPT_BUDGET 16    /* connections accepted per loop pass */
#define CTL_DRAIN_MAX     65536 /* unread input dropped before a close */

struct ctl;

/** struct ctl_client - one connected pmipctl. */
struct ctl_client {
	struct ctl *ctl;
	struct ctl_client *prev, *next;
	int fd;
	unsigned uid;
	struct ev_io *rio; /* NULL while an answer is waiting to be written */
	struct ev_io *wio; /* non-NULL while an answer is waiting */
	struct ev_timer *timer;
	char in[CTL_REQ_MAX];
	size_t in_len;
	bool eof;     /* the client shut down its sending side */
	bool closing; /* close once the answer is out */
	struct ctl_json out;
	size_t out_off;
};

/** struct ctl - the control server. */
struct ctl {
	struct ctl_env env;
	struct ev_loop *loop;
	char *path;
	dev_t dev;
	ino_t ino;
	int fd;
	struct ev_io *io;
	struct ctl_client *clients;
	size_t n_clients;
	struct log_ratelimit rl;
};

static void ctl_client_read(int fd, unsigned what, void *arg);
static void ctl_client_process(struct ctl_client *cl);
static void ctl_client_write(int fd, unsigned what, void *arg);

/* --- answers --- */

static void
ctl_answer_error(struct ctl_json *j, const char *cmd, const struct ctl_err *err)
{
	ctl_json_obj(j, NULL);
	ctl_json_bool(j, "ok", false);
	if (cmd != NULL)
		ctl_json_str(j, "command", cmd);
	ctl_json_obj(j, "error");
	ctl_json_str(j, "code", err->code);
	ctl_json_str(j, "message", err->msg);
	ctl_json_end(j);
	ctl_json_end(j);
}

void
ctl_execute(const struct ctl_env *env, const char *line, size_t len, struct ctl_json *j,
            unsigned uid)
{
	struct ctl_err err = { NULL, "" };
	struct ctl_req req;
	size_t limit = j->limit;

	if (ctl_parse(line, len, &req, &err) < 0) {
		ctl_answer_error(j, NULL, &err);
		return;
	}
	log_debug(LOG_SS_CORE, "ctl: uid %u: %s", uid, req.name);
	ctl_json_obj(j, NULL);
	ctl_json_bool(j, "ok", true);
	ctl_json_str(j, "command", req.name);
	ctl_json_obj(j, "data");
	if (ctl_show_run(env, &req, j, uid, &err) < 0) {
		ctl_json_fini(j);
		ctl_json_init(j, limit);
		ctl_answer_error(j, req.name, &err);
		return;
	}
	ctl_json_end(j);
	ctl_json_end(j);
	if (j->failed) {
		ctl_json_fini(j);
		ctl_json_init(j, limit);
		err.code = "response-too-large";
		snprintf(err.msg, sizeof(err.msg),
		         "the answer exceeds %zu bytes or memory ran out; nothing was sent", limit);
		ctl_answer_error(j, req.name, &err);
	}
}

/* --- clients --- */

/*
 * Read and drop what the peer sent and we did not take (bounded), so that
 * closing does not turn the answer just written into a connection reset.
 */
static void
ctl_drain(int fd)
{
	char buf[4096];

	for (int i = 0; i < CTL_DRAIN_MAX / (int)sizeof(buf); i++)
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
}

static void
ctl_client_free(struct ctl_client *cl)
{
	struct ctl *c = cl->ctl;

	if (cl->prev != NULL)
		cl->prev->next = cl->next;
	else
		c->clients = cl->next;
	if (cl->next != NULL)
		cl->next->prev = cl->prev;
	c->n_clients--;
	ev_io_free(cl->rio);
	ev_io_free(cl->wio);
	ev_timer_free(cl->timer);
	ctl_drain(cl->fd);
	close(cl->fd);
	ctl_json_fini(&cl->out);
	free(cl);
}

static bool
ctl_client_has_output(const struct ctl_client *cl)
{
	return cl->out_off < cl->out.len;
}

static void
ctl_client_timeout(void *arg)
{
	struct ctl_client *cl = arg;

	log_rl(&cl->ctl->rl, LOG_SS_CORE, LOG_NOTICE, "ctl: closing %s client (uid %u)",
	       ctl_client_has_output(cl) ? "a stalled" : "an idle", cl->uid);
	ctl_client_free(cl);
}

/* Write what the socket takes: 0 when drained, 1 when output remains, -1 after freeing @cl. */
static int
ctl_client_flush(struct ctl_client *cl)
{
	ssize_t n;

	while (ctl_client_has_output(cl)) {
		n = send(cl->fd, cl->out.buf + cl->out_off, cl->out.len - cl->out_off,
		         MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			ctl_client_free(cl);
			return -1;
		}
		cl->out_off += (size_t)n;
		ev_timer_arm(cl->timer, CTL_STALL_MS);
	}
	if (ctl_client_has_output(cl)) {
		if (cl->wio == NULL) {
			cl->wio =
			        ev_io_new(cl->ctl->loop, cl->fd, EV_IO_WRITE, ctl_client_write, cl);
			if (cl->wio == NULL) {
				ctl_client_free(cl);
				return -1;
			}
		}
		return 1;
	}
	ev_io_free(cl->wio);
	cl->wio = NULL;
	ctl_json_fini(&cl->out);
	cl->out_off = 0;
	ev_timer_arm(cl->timer, CTL_IDLE_MS);
	return 0;
}

static void
ctl_client_write(int fd, unsigned what, void *arg)
{
	struct ctl_client *cl = arg;

	if (ctl_client_flush(cl) == 0)
		ctl_client_process(cl); /* drained: back to the buffered requests */
}

/* Queue answer @j (taken over) with its framing; stop reading until it is out. */
static void
ctl_client_queue(struct ctl_client *cl, struct ctl_json *j)
{
	ctl_json_frame(j);
	ctl_json_fini(&cl->out);
	cl->out = *j;
	cl->out_off = 0;
	ev_io_free(cl->rio);
	cl->rio = NULL;
	ev_timer_arm(cl->timer, CTL_STALL_MS);
}

static void
ctl_client_run(struct ctl_client *cl, const char *line, size_t len)
{
	struct ctl_json j;

	ctl_json_init(&j, CTL_OUT_MAX);
	ctl_execute(&cl->ctl->env, line, len, &j, cl->uid);
	ctl_client_queue(cl, &j);
}

static void
ctl_client_reject(struct ctl_client *cl, const char *code, const char *msg)
{
	struct ctl_err err = { code, "" };
	struct ctl_json j;

	snprintf(err.msg, sizeof(err.msg), "%s", msg);
	ctl_json_init(&j, CTL_OUT_MAX);
	ctl_answer_error(&j, NULL, &err);
	cl->closing = true;
	cl->in_len = 0;
	ctl_client_queue(cl, &j);
}

/*
 * Answer the buffered requests one at a time, writing each answer before the
 * next request is taken; stop while an answer waits for the socket. May free
 * @cl.
 */
static void
ctl_client_process(struct ctl_client *cl)
{
	char line[CTL_REQ_MAX];

	for (;;) {
		char *nl;
		int rc;

		rc = ctl_client_flush(cl);
		if (rc < 0)
			return;
		if (rc > 0)
			return; /* ctl_client_write() comes back once drained */
		if (cl->closing) {
			ctl_client_free(cl);
			return;
		}
		nl = memchr(cl->in, '\n', cl->in_len);
		if (nl != NULL) {
			size_t len = (size_t)(nl - cl->in);

			memcpy(line, cl->in, len);
			cl->in_len -= len + 1;
			memmove(cl->in, nl + 1, cl->in_len);
			ctl_client_run(cl, line, len);
			continue;
		}
		if (cl->in_len == sizeof(cl->in)) {
			log_rl(&cl->ctl->rl, LOG_SS_CORE, LOG_NOTICE,
			       "ctl: request of uid %u longer than %d bytes refused", cl->uid,
			       CTL_REQ_MAX - 1);
			ctl_client_reject(
			        cl, "request-too-long",
			        "request line longer than 1023 bytes; closing the connection");
			continue;
		}
		if (!cl->eof)
			break;
		/* End of input: a last line without its newline is still a request. */
		cl->closing = true;
		if (cl->in_len > 0) {
			size_t len = cl->in_len;

			memcpy(line, cl->in, len);
			cl->in_len = 0;
			ctl_client_run(cl, line, len);
		}
	}
	if (cl->rio == NULL) {
		cl->rio = ev_io_new(cl->ctl->loop, cl->fd, EV_IO_READ, ctl_client_read, cl);
		if (cl->rio == NULL)
			ctl_client_free(cl);
	}
}

static void
ctl_client_read(int fd, unsigned what, void *arg)
{
	struct ctl_client *cl = arg;
	ssize_t n;

	n = recv(fd, cl->in + cl->in_len, sizeof(cl->in) - cl->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < 0) {
		ctl_client_free(cl);
		return;
	}
	if (n == 0) {
		cl->eof = true;
		ev_io_free(cl->rio);
		cl->rio = NULL;
	} else {
		cl->in_len += (size_t)n;
	}
	ev_timer_arm(cl->timer, CTL_IDLE_MS);
	ctl_client_process(cl);
}

static unsigned
ctl_peer_uid(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return (unsigned)-1;
	return (unsigned)cred.uid;
}

/* Best-effort one-shot answer to a connection that is not served. */
static void
ctl_refuse(struct ctl *c, int fd, const char *code, const char *msg)
{
	struct ctl_err err = { code, "" };
	struct ctl_json j;

	snprintf(err.msg, sizeof(err.msg), "%s", msg);
	ctl_json_init(&j, 4096);
	ctl_answer_error(&j, NULL, &err);
	ctl_json_frame(&j);
	if (!j.failed && send(fd, j.buf, j.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_rl(&c->rl, LOG_SS_CORE, LOG_DEBUG, "ctl: refusing a client: %s",
		       strerror(errno));
	ctl_json_fini(&j);
	ctl_drain(fd);
	close(fd);
}

static void
ctl_accept(int lfd, unsigned what, void *arg)
{
	struct ctl *c = arg;

	for (int i = 0; i < CTL_ACCEPT_BUDGET; i++) {
		struct ctl_client *cl;
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_rl(&c->rl, LOG_SS_CORE, LOG_WARNING, "ctl: accept: %s",
				       strerror(errno));
			return;
		}
		if (c->n_clients >= CTL_CLIENTS_MAX) {
			log_rl(&c->rl, LOG_SS_CORE, LOG_NOTICE,
			       "ctl: %d clients connected, refusing uid %u", CTL_CLIENTS_MAX,
			       ctl_peer_uid(fd));
			ctl_refuse(c, fd, "too-many-clients",
			           "too many control clients connected; try again later");
			continue;
		}
		cl = calloc(1, sizeof(*cl));
		if (cl == NULL) {
			ctl_refuse(c, fd, "resource-denied", "out of memory");
			continue;
		}
		cl->ctl = c;
		cl->fd = fd;
		cl->uid = ctl_peer_uid(fd);
		ctl_json_init(&cl->out, CTL_OUT_MAX);
		cl->timer = ev_timer_new(c->loop, ctl_client_timeout, cl);
		cl->rio = ev_io_new(c->loop, fd, EV_IO_READ, ctl_client_read, cl);
		cl->next = c->clients;
		if (c->clients != NULL)
			c->clients->prev = cl;
		c->clients = cl;
		c->n_clients++;
		if (cl->timer == NULL || cl->rio == NULL) {
			ctl_client_free(cl);
			continue;
		}
		ev_timer_arm(cl->timer, CTL_IDLE_MS);
	}
}

/* --- the listening socket --- */

/* Refuse a live socket at @sun; remove a stale one. 0, or -1 with @errmsg. */
static int
ctl_clear_stale(const struct sockaddr_un *sun, char *errmsg, size_t errlen)
{
	struct stat st;
	int fd, rc;

	if (lstat(sun->sun_path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(errmsg, errlen, "%s exists and is not a socket", sun->sun_path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(errmsg, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (rc == 0) {
		snprintf(errmsg, errlen, "%s is in use by another running pmipd", sun->sun_path);
		return -1;
	}
	if (errno != ECONNREFUSED) {
		snprintf(errmsg, errlen, "%s: %s", sun->sun_path, strerror(errno));
		return -1;
	}
	if (unlink(sun->sun_path) < 0 && errno != ENOENT) {
		snprintf(errmsg, errlen, "removing stale %s: %s", sun->sun_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Create the parent directory of @path when it is missing (one level). */
static int
ctl_mkparent(const char *path, char *errmsg, size_t errlen)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(errmsg, errlen, "creating %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

struct ctl *
ctl_open(const char *path, const struct ctl_env *env, char *errmsg, size_t errlen)
{
	static const struct log_ratelimit rl0 = LOG_RATELIMIT_INIT(10, 5);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ctl *c;
	struct stat st;

	if (path[0] == '\0' || strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(errmsg, errlen, "control socket path must be 1..%zu characters",
		         sizeof(sun.sun_path) - 1);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (ctl_mkparent(path, errmsg, errlen) < 0 || ctl_clear_stale(&sun, errmsg, errlen) < 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->path = strdup(path)) == NULL) {
		free(c);
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	c->env = *env;
	c->loop = env->engine->loop;
	c->rl = rl0;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		snprintf(errmsg, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	if (bind(c->fd, (const struct sockaddr *)&sun, sizeof(sun)) < 0) {
		snprintf(errmsg, errlen, "bind %s: %s", path, strerror(errno));
		goto fail;
	}
	if (chmod(path, 0660) < 0 || stat(path, &st) < 0 || listen(c->fd, CTL_CLIENTS_MAX) < 0) {
		snprintf(errmsg, errlen, "%s: %s", path, strerror(errno));
		unlink(path);
		goto fail;
	}
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->io = ev_io_new(c->loop, c->fd, EV_IO_READ, ctl_accept, c);
	if (c->io == NULL) {
		snprintf(errmsg, errlen, "cannot watch the control socket");
		unlink(path);
		goto fail;
	}
	log_info(LOG_SS_CORE, "control socket %s", path);
	return c;
fail:
	if (c->fd >= 0)
		close(c->fd);
	free(c->path);
	free(c);
	return NULL;
}

void
ctl_close(struct ctl *c)
{
	struct stat st;

	if (c == NULL)
		return;
	while (c->clients != NULL)
		ctl_client_free(c->clients);
	ev_io_free(c->io);
	close(c->fd);
	/* Unlink only our own socket, not one another daemon put there since. */
	if (lstat(c->path, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino)
		unlink(c->path);
	free(c->path);
	free(c);
}
