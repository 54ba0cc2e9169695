/* SPDX-License-Identifier: BSD-2-Clause */
/* test_ev.c - unit tests of core/ev.c: timers, deferred calls, async calls, signals, fds. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ev.h"

#define WATCHDOG_MS 5000

struct fix {
	struct ev_loop *loop;
	struct ev_timer *watchdog;
	int order[16];
	unsigned n;
	pthread_t loop_thread;
};

static void
watchdog_fired(void *arg)
{
	fail_msg("the loop did not finish within %d ms", WATCHDOG_MS);
}

static int
setup(void **state)
{
	static struct fix f;

	memset(&f, 0, sizeof(f));
	f.loop = ev_loop_new();
	assert_non_null(f.loop);
	f.watchdog = ev_timer_new(f.loop, watchdog_fired, &f);
	assert_non_null(f.watchdog);
	ev_timer_arm(f.watchdog, WATCHDOG_MS);
	f.loop_thread = pthread_self();
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	ev_timer_free(f->watchdog);
	ev_loop_free(f->loop);
	return 0;
}

struct tagged {
	struct fix *f;
	int tag;
	bool stop;
};

static void
record(struct tagged *t)
{
	if (t->f->n < 16)
		t->f->order[t->f->n] = t->tag;
	t->f->n++;
	if (t->stop)
		ev_loop_break(t->f->loop);
}

static void
timer_cb(void *arg)
{
	record(arg);
}

/* Timers fire in deadline order, not in arming order. */
static void
test_timers_in_order(void **state)
{
	struct fix *f = *state;
	struct tagged a = { f, 30, true }, b = { f, 10, false }, c = { f, 20, false };
	struct ev_timer *ta = ev_timer_new(f->loop, timer_cb, &a);
	struct ev_timer *tb = ev_timer_new(f->loop, timer_cb, &b);
	struct ev_timer *tc = ev_timer_new(f->loop, timer_cb, &c);
	uint64_t t0 = ev_now_ms();

	ev_timer_arm(ta, 60);
	ev_timer_arm(tb, 20);
	ev_timer_arm(tc, 40);
	assert_int_equal(ev_loop_run(f->loop), 0);
	assert_int_equal(f->n, 3);
	assert_int_equal(f->order[0], 10);
	assert_int_equal(f->order[1], 20);
	assert_int_equal(f->order[2], 30);
	assert_true(ev_now_ms() - t0 >= 60);
	assert_false(ev_timer_pending(ta));
	ev_timer_free(ta);
	ev_timer_free(tb);
	ev_timer_free(tc);
}

/* A cancelled timer never fires; del and free tolerate idle and NULL handles. */
static void
test_timer_cancel(void **state)
{
	struct fix *f = *state;
	struct tagged a = { f, 1, false }, stop = { f, 2, true };
	struct ev_timer *ta = ev_timer_new(f->loop, timer_cb, &a);
	struct ev_timer *ts = ev_timer_new(f->loop, timer_cb, &stop);

	assert_false(ev_timer_pending(ta));
	assert_int_equal(ev_timer_remaining_ms(ta), 0);
	ev_timer_del(ta); /* not armed: no-op */
	ev_timer_arm(ta, 10);
	assert_true(ev_timer_pending(ta));
	ev_timer_del(ta);
	assert_false(ev_timer_pending(ta));
	ev_timer_del(ta);
	ev_timer_arm(ts, 40);
	assert_int_equal(ev_loop_run(f->loop), 0);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->order[0], 2);
	ev_timer_free(ta);
	ev_timer_free(ts);
	ev_timer_del(NULL);
	ev_timer_free(NULL);
	ev_io_free(NULL);
	ev_signal_free(NULL);
	ev_loop_free(NULL);
}

/* Re-arming moves the deadline; remaining time counts down from it. */
static void
test_timer_rearm_remaining(void **state)
{
	struct fix *f = *state;
	struct tagged a = { f, 1, true };
	struct ev_timer *ta = ev_timer_new(f->loop, timer_cb, &a);
	uint64_t rem, t0;

	ev_timer_arm(ta, 10000);
	rem = ev_timer_remaining_ms(ta);
	assert_true(rem > 9000 && rem <= 10000);
	t0 = ev_now_ms();
	ev_timer_arm(ta, 30);
	assert_true(ev_timer_remaining_ms(ta) <= 30);
	assert_int_equal(ev_loop_run(f->loop), 0);
	assert_int_equal(f->n, 1);
	assert_true(ev_now_ms() - t0 >= 30);
	assert_true(ev_now_ms() - t0 < 5000);
	ev_timer_free(ta);
}

struct rearm {
	struct fix *f;
	struct ev_timer *t;
	int left;
	bool pending_inside;
};

static void
rearm_cb(void *arg)
{
	struct rearm *r = arg;

	r->pending_inside |= ev_timer_pending(r->t);
	if (--r->left > 0)
		ev_timer_arm(r->t, 1);
	else
		ev_loop_break(r->f->loop);
}

/* A timer is disarmed when its callback runs and may re-arm itself there. */
static void
test_timer_rearm_from_callback(void **state)
{
	struct fix *f = *state;
	struct rearm r = { f, NULL, 3, false };

	r.t = ev_timer_new(f->loop, rearm_cb, &r);
	ev_timer_arm(r.t, 1);
	assert_int_equal(ev_loop_run(f->loop), 0);
	assert_int_equal(r.left, 0);
	assert_false(r.pending_inside);
	ev_timer_free(r.t);
}

static void
defer_cb(void *arg)
{
	record(arg);
}

static struct tagged chained_second;

static void
defer_chain_cb(void *arg)
{
	struct tagged *t = arg;

	record(t);
	assert_int_equal(ev_defer(t->f->loop, defer_cb, &chained_second), 0);
}

/* Deferred calls run on the loop's next pass in FIFO order, never inside ev_defer(). */
static void
test_defer_fifo_next_pass(void **state)
{
	struct fix *f = *state;
	struct tagged a = { f, 1, false }, b = { f, 2, false }, c = { f, 3, false };

	assert_int_equal(ev_defer(f->loop, defer_cb, &a), 0);
	assert_int_equal(ev_defer(f->loop, defer_chain_cb, &b), 0);
	assert_int_equal(ev_defer(f->loop, defer_cb, &c), 0);
	assert_int_equal(f->n, 0);
	chained_second = (struct tagged){ f, 4, false };
	assert_int_equal(ev_loop_run_once(f->loop), 0);
	assert_int_equal(f->n, 3);
	assert_int_equal(f->order[0], 1);
	assert_int_equal(f->order[1], 2);
	assert_int_equal(f->order[2], 3);
	/* The call queued by a deferred call waits for the next pass. */
	assert_int_equal(ev_loop_run_once(f->loop), 0);
	assert_int_equal(f->n, 4);
	assert_int_equal(f->order[3], 4);
	assert_int_equal(ev_defer(NULL, defer_cb, &a), -EINVAL);
}

static void
io_cb(int fd, unsigned what, void *arg)
{
	struct tagged *t = arg;
	char c;

	if (what & EV_IO_READ)
		assert_int_equal(read(fd, &c, 1), 1);
	t->tag = (int)what;
	record(t);
}

/* A readable pipe calls its watcher with EV_IO_READ; a writable one with EV_IO_WRITE. */
static void
test_io_pipe(void **state)
{
	struct fix *f = *state;
	struct tagged r = { f, 0, true }, w = { f, 0, true };
	struct ev_io *rio, *wio;
	int p[2];

	assert_int_equal(pipe(p), 0);
	rio = ev_io_new(f->loop, p[0], EV_IO_READ, io_cb, &r);
	assert_non_null(rio);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(ev_loop_run(f->loop), 0);
	assert_int_equal(f->n, 1);
	assert_int_equal(r.tag, EV_IO_READ);
	ev_io_free(rio);

	wio = ev_io_new(f->loop, p[1], EV_IO_WRITE, io_cb, &w);
	assert_non_null(wio);
	assert_int_equal(ev_loop_run(f->loop), 0);
	assert_int_equal(f->n, 2);
	assert_int_equal(w.tag, EV_IO_WRITE);
	ev_io_free(wio);
	close(p[0]);
	close(p[1]);
}

/* Deferred calls run before I/O that is ready in the same pass. */
static void
test_defer_before_io(void **state)
{
	struct fix *f = *state;
	struct tagged io = { f, 0, false }, d = { f, 100, false };
	struct ev_io *rio;
	int p[2];

	assert_int_equal(pipe(p), 0);
	rio = ev_io_new(f->loop, p[0], EV_IO_READ, io_cb, &io);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(ev_defer(f->loop, defer_cb, &d), 0);
	for (int i = 0; i < 10 && f->n < 2; i++)
		assert_int_equal(ev_loop_run_once(f->loop), 0);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->order[0], 100);
	assert_int_equal(f->order[1], EV_IO_READ);
	ev_io_free(rio);
	close(p[0]);
	close(p[1]);
}

struct async {
	struct fix *f;
	bool on_loop_thread;
	bool ran;
	int rc;
};

static void
async_cb(void *arg)
{
	struct async *a = arg;

	a->ran = true;
	a->on_loop_thread = pthread_equal(pthread_self(), a->f->loop_thread);
	ev_loop_break(a->f->loop);
}

static void *
async_thread(void *arg)
{
	struct async *a = arg;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL); /* let the loop block in its dispatch first */
	a->rc = ev_loop_call_async(a->f->loop, async_cb, a);
	return NULL;
}

/* ev_loop_call_async() from another thread wakes a loop blocked with nothing to do. */
static void
test_call_async_wakes_loop(void **state)
{
	struct fix *f = *state;
	struct async a = { f, false, false, -1 };
	uint64_t t0 = ev_now_ms();
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, async_thread, &a), 0);
	assert_int_equal(ev_loop_run(f->loop), 0);
	pthread_join(th, NULL);
	assert_int_equal(a.rc, 0);
	assert_true(a.ran);
	assert_true(a.on_loop_thread);
	assert_true(ev_now_ms() - t0 < 2000);
}

struct sig {
	struct fix *f;
	int signo;
	unsigned count;
};

static void
sig_cb(int signo, void *arg)
{
	struct sig *s = arg;

	s->signo = signo;
	s->count++;
	ev_loop_break(s->f->loop);
}

/* A raised signal reaches its callback on the loop thread. */
static void
test_signal(void **state)
{
	struct fix *f = *state;
	struct sig s = { f, 0, 0 };
	struct ev_signal *es = ev_signal_new(f->loop, SIGUSR1, sig_cb, &s);

	assert_non_null(es);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(s.count, 0); /* not delivered from the handler itself */
	assert_int_equal(ev_loop_run(f->loop), 0);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.signo, SIGUSR1);
	ev_signal_free(es);
}

/* The clock is monotonic and in milliseconds. */
static void
test_now_ms(void **state)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	uint64_t a = ev_now_ms(), b;

	nanosleep(&ts, NULL);
	b = ev_now_ms();
	assert_true(b >= a + 20 && b < a + 2000);
	assert_non_null(ev_loop_base(((struct fix *)*state)->loop));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timers_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_rearm_remaining, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_rearm_from_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defer_fifo_next_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_pipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defer_before_io, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_async_wakes_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_now_ms, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
