/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ev.c - the pmipd event loop on libevent 2.
 *
 * The base uses precise monotonic timers and two priorities: 0 for the
 * deferred-call queue, 1 for everything else, so deferred work completes
 * before new I/O is read. ev_defer() and ev_loop_call_async() append to one
 * mutex-protected FIFO. The empty-to-non-empty transition schedules the drain
 * event: from the loop thread with a zero timeout, which libevent only runs
 * after its next dispatch (so a call queued by a deferred call runs on the
 * next pass, never in the same one); from another thread with event_active(),
 * which wakes a blocked dispatch through libevent's notification fd
 * (evthread_use_pthreads() is called before the first base is created).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "ev.h"
#include "log.h"

#define EV_PRIO_DEFER   0 /* the deferred-call drain */
#define EV_PRIO_DEFAULT 1 /* fd watchers, timers, signals */
#define EV_NPRIO        2

struct ev_call {
	struct ev_call *next;
	ev_defer_fn fn;
	void *arg;
};

struct ev_loop {
	struct event_base *base;
	struct event *drain;
	pthread_mutex_t lock;
	struct ev_call *head, **tail;
};

struct ev_io {
	struct event *ev;
	ev_io_fn fn;
	void *arg;
};

struct ev_timer {
	struct event *ev;
	ev_timer_fn fn;
	void *arg;
	uint64_t deadline_ms;
};

struct ev_signal {
	struct event *ev;
	ev_signal_fn fn;
	void *arg;
};

static pthread_once_t ev_threads_once = PTHREAD_ONCE_INIT;
static int ev_threads_rc;

static void
ev_threads_init(void)
{
	ev_threads_rc = evthread_use_pthreads();
}

/* Run the calls queued before this pass, in FIFO order. */
static void
ev_drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ev_loop *loop = arg;
	struct ev_call *c, *next;

	pthread_mutex_lock(&loop->lock);
	c = loop->head;
	loop->head = NULL;
	loop->tail = &loop->head;
	pthread_mutex_unlock(&loop->lock);
	for (; c != NULL; c = next) {
		next = c->next;
		c->fn(c->arg);
		free(c);
	}
}

struct ev_loop *
ev_loop_new(void)
{
	struct event_config *cfg = NULL;
	struct ev_loop *loop;

	pthread_once(&ev_threads_once, ev_threads_init);
	if (ev_threads_rc != 0) {
		log_errx(LOG_SS_EVENT, "libevent: cannot enable pthread support");
		return NULL;
	}
	loop = calloc(1, sizeof(*loop));
	if (loop == NULL) {
		log_errx(LOG_SS_EVENT, "event loop: out of memory");
		return NULL;
	}
	pthread_mutex_init(&loop->lock, NULL);
	loop->tail = &loop->head;
	cfg = event_config_new();
	if (cfg == NULL || event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) != 0)
		goto fail;
	loop->base = event_base_new_with_config(cfg);
	if (loop->base == NULL || event_base_priority_init(loop->base, EV_NPRIO) != 0)
		goto fail;
	loop->drain = event_new(loop->base, -1, 0, ev_drain_cb, loop);
	if (loop->drain == NULL || event_priority_set(loop->drain, EV_PRIO_DEFER) != 0)
		goto fail;
	event_config_free(cfg);
	return loop;
fail:
	log_errx(LOG_SS_EVENT, "libevent: cannot create the event base");
	event_config_free(cfg);
	ev_loop_free(loop);
	return NULL;
}

void
ev_loop_free(struct ev_loop *loop)
{
	struct ev_call *c, *next;

	if (loop == NULL)
		return;
	for (c = loop->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	if (loop->drain != NULL)
		event_free(loop->drain);
	if (loop->base != NULL)
		event_base_free(loop->base);
	pthread_mutex_destroy(&loop->lock);
	free(loop);
}

int
ev_loop_run(struct ev_loop *loop)
{
	int rc = event_base_loop(loop->base, EVLOOP_NO_EXIT_ON_EMPTY);

	if (rc < 0)
		log_errx(LOG_SS_EVENT, "libevent: event loop failed");
	return rc < 0 ? -1 : 0;
}

int
ev_loop_run_once(struct ev_loop *loop)
{
	return event_base_loop(loop->base, EVLOOP_ONCE | EVLOOP_NONBLOCK) < 0 ? -1 : 0;
}

void
ev_loop_break(struct ev_loop *loop)
{
	event_base_loopbreak(loop->base);
}

struct event_base *
ev_loop_base(struct ev_loop *loop)
{
	return loop->base;
}

uint64_t
ev_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* --- fd watchers --- */

static void
ev_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ev_io *io = arg;
	unsigned w = 0;

	if (what & EV_READ)
		w |= EV_IO_READ;
	if (what & EV_WRITE)
		w |= EV_IO_WRITE;
	io->fn(fd, w, io->arg);
}

struct ev_io *
ev_io_new(struct ev_loop *loop, int fd, unsigned what, ev_io_fn fn, void *arg)
{
	short lw = EV_PERSIST;
	struct ev_io *io;

	if (what & EV_IO_READ)
		lw |= EV_READ;
	if (what & EV_IO_WRITE)
		lw |= EV_WRITE;
	io = calloc(1, sizeof(*io));
	if (io == NULL)
		return NULL;
	io->fn = fn;
	io->arg = arg;
	io->ev = event_new(loop->base, fd, lw, ev_io_cb, io);
	if (io->ev == NULL || event_priority_set(io->ev, EV_PRIO_DEFAULT) != 0 ||
	    event_add(io->ev, NULL) != 0) {
		log_errx(LOG_SS_EVENT, "cannot watch fd %d", fd);
		ev_io_free(io);
		return NULL;
	}
	return io;
}

void
ev_io_free(struct ev_io *io)
{
	if (io == NULL)
		return;
	if (io->ev != NULL)
		event_free(io->ev);
	free(io);
}

/* --- timers --- */

static void
ev_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ev_timer *t = arg;

	/* The event is no longer pending: the callback may re-arm or free @t. */
	t->fn(t->arg);
}

struct ev_timer *
ev_timer_new(struct ev_loop *loop, ev_timer_fn fn, void *arg)
{
	struct ev_timer *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->fn = fn;
	t->arg = arg;
	t->ev = evtimer_new(loop->base, ev_timer_cb, t);
	if (t->ev == NULL || event_priority_set(t->ev, EV_PRIO_DEFAULT) != 0) {
		ev_timer_free(t);
		return NULL;
	}
	return t;
}

void
ev_timer_arm(struct ev_timer *t, uint64_t ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	t->deadline_ms = ev_now_ms() + ms;
	if (evtimer_add(t->ev, &tv) != 0)
		log_errx(LOG_SS_EVENT, "cannot arm a timer");
}

void
ev_timer_del(struct ev_timer *t)
{
	if (t != NULL)
		evtimer_del(t->ev);
}

bool
ev_timer_pending(const struct ev_timer *t)
{
	return evtimer_pending(t->ev, NULL) != 0;
}

uint64_t
ev_timer_remaining_ms(const struct ev_timer *t)
{
	uint64_t now = ev_now_ms();

	if (!ev_timer_pending(t) || t->deadline_ms <= now)
		return 0;
	return t->deadline_ms - now;
}

void
ev_timer_free(struct ev_timer *t)
{
	if (t == NULL)
		return;
	if (t->ev != NULL)
		event_free(t->ev);
	free(t);
}

/* --- deferred calls --- */

/* Append a call; returns 1 if the queue was empty, 0, or -ENOMEM. */
static int
ev_enqueue(struct ev_loop *loop, ev_defer_fn fn, void *arg)
{
	struct ev_call *c = malloc(sizeof(*c));
	int was_empty;

	if (c == NULL)
		return -ENOMEM;
	c->next = NULL;
	c->fn = fn;
	c->arg = arg;
	pthread_mutex_lock(&loop->lock);
	was_empty = loop->head == NULL;
	*loop->tail = c;
	loop->tail = &c->next;
	pthread_mutex_unlock(&loop->lock);
	return was_empty;
}

int
ev_defer(struct ev_loop *loop, ev_defer_fn fn, void *arg)
{
	static const struct timeval zero = { 0, 0 };
	int rc;

	if (loop == NULL || fn == NULL)
		return -EINVAL;
	rc = ev_enqueue(loop, fn, arg);
	if (rc == 1 && event_add(loop->drain, &zero) != 0)
		log_errx(LOG_SS_EVENT, "cannot schedule deferred calls");
	return rc < 0 ? rc : 0;
}

int
ev_loop_call_async(struct ev_loop *loop, ev_defer_fn fn, void *arg)
{
	int rc;

	if (loop == NULL || fn == NULL)
		return -EINVAL;
	rc = ev_enqueue(loop, fn, arg);
	if (rc == 1)
		event_active(loop->drain, 0, 0);
	return rc < 0 ? rc : 0;
}

/* --- signals --- */

static void
ev_signal_cb(evutil_socket_t signo, short what, void *arg)
{
	struct ev_signal *s = arg;

	s->fn((int)signo, s->arg);
}

struct ev_signal *
ev_signal_new(struct ev_loop *loop, int signo, ev_signal_fn fn, void *arg)
{
	struct ev_signal *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->fn = fn;
	s->arg = arg;
	s->ev = evsignal_new(loop->base, signo, ev_signal_cb, s);
	if (s->ev == NULL || event_priority_set(s->ev, EV_PRIO_DEFAULT) != 0 ||
	    event_add(s->ev, NULL) != 0) {
		log_errx(LOG_SS_EVENT, "cannot watch signal %d", signo);
		ev_signal_free(s);
		return NULL;
	}
	return s;
}

void
ev_signal_free(struct ev_signal *s)
{
	if (s == NULL)
		return;
	if (s->ev != NULL)
		event_free(s->ev);
	free(s);
}
