/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ev.h - the pmipd event loop, a thin layer over libevent 2.
 *
 * One loop thread owns the engine. The loop offers fd watchers, monotonic
 * one-shot timers, deferred calls (run on the next loop pass, never
 * re-entrantly from the caller) and signals turned into callbacks on the
 * loop thread. Other threads (NETCONF) hand work to the loop with
 * ev_loop_call_async(), which is the only thread-safe call here.
 *
 * Handles are owned by their caller: ev_timer_del()/ev_io_del() on a handle
 * that is not armed is a no-op, so owners can cancel unconditionally.
 *
 * Loop pass order (libevent's): active fd and signal callbacks and expired
 * timers, in priority order; deferred calls run at the highest priority so
 * they complete before new I/O is read.
 */
#ifndef PMIP_EV_H
#define PMIP_EV_H

#include <stdbool.h>
#include <stdint.h>

struct ev_loop;
struct event_base;

/** ev_loop_new - create a loop; NULL on failure (logged). */
struct ev_loop *ev_loop_new(void);
/** ev_loop_free - free @loop; all handles must have been freed first. NULL allowed. */
void ev_loop_free(struct ev_loop *loop);
/** ev_loop_run - run until ev_loop_break(); returns 0, or -1 on a libevent error. */
int ev_loop_run(struct ev_loop *loop);
/** ev_loop_run_once - run one non-blocking pass (tests). */
int ev_loop_run_once(struct ev_loop *loop);
/** ev_loop_break - make ev_loop_run() return after the current callback. */
void ev_loop_break(struct ev_loop *loop);
/** ev_loop_base - the underlying libevent base, for libraries that need it. */
struct event_base *ev_loop_base(struct ev_loop *loop);
/** ev_now_ms - monotonic clock in milliseconds. */
uint64_t ev_now_ms(void);

/* --- fd watchers --- */
#define EV_IO_READ  0x01
#define EV_IO_WRITE 0x02
typedef void (*ev_io_fn)(int fd, unsigned what, void *arg);
struct ev_io;
/**
 * ev_io_new - watch @fd for @what (EV_IO_READ|EV_IO_WRITE), persistently.
 * Return: handle, or NULL on failure. The watcher is active on return.
 */
struct ev_io *ev_io_new(struct ev_loop *loop, int fd, unsigned what, ev_io_fn fn, void *arg);
/** ev_io_free - stop watching and free; NULL allowed. Does not close the fd. */
void ev_io_free(struct ev_io *io);

/* --- one-shot monotonic timers --- */
typedef void (*ev_timer_fn)(void *arg);
struct ev_timer;
/** ev_timer_new - create a disarmed timer calling @fn(@arg); NULL on failure. */
struct ev_timer *ev_timer_new(struct ev_loop *loop, ev_timer_fn fn, void *arg);
/** ev_timer_arm - (re)arm @t to fire once after @ms milliseconds. */
void ev_timer_arm(struct ev_timer *t, uint64_t ms);
/** ev_timer_del - disarm @t; no-op when not armed. */
void ev_timer_del(struct ev_timer *t);
/** ev_timer_pending - is @t armed? */
bool ev_timer_pending(const struct ev_timer *t);
/** ev_timer_remaining_ms - milliseconds until @t fires, 0 if not armed. */
uint64_t ev_timer_remaining_ms(const struct ev_timer *t);
/** ev_timer_free - disarm and free; NULL allowed. */
void ev_timer_free(struct ev_timer *t);

/* --- deferred calls --- */
typedef void (*ev_defer_fn)(void *arg);
/**
 * ev_defer - run @fn(@arg) on the loop thread on the next pass, never from
 * inside this call. Loop thread only. Return: 0 or -ENOMEM.
 */
int ev_defer(struct ev_loop *loop, ev_defer_fn fn, void *arg);
/**
 * ev_loop_call_async - like ev_defer() but callable from any thread; wakes the
 * loop. Return: 0 or -ENOMEM.
 */
int ev_loop_call_async(struct ev_loop *loop, ev_defer_fn fn, void *arg);

/* --- signals --- */
typedef void (*ev_signal_fn)(int signo, void *arg);
struct ev_signal;
/** ev_signal_new - deliver @signo to @fn on the loop thread; NULL on failure. */
struct ev_signal *ev_signal_new(struct ev_loop *loop, int signo, ev_signal_fn fn, void *arg);
/** ev_signal_free - restore default handling bookkeeping and free; NULL allowed. */
void ev_signal_free(struct ev_signal *s);

#endif /* PMIP_EV_H */
