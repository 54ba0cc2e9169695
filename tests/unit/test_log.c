/* SPDX-License-Identifier: BSD-2-Clause */
/* test_log.c - unit tests of core/log.c: names, levels, debug switches, errno, rate limit. */
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

#define CAP_MAX 32

struct capture {
	unsigned n;
	int prio[CAP_MAX];
	enum log_subsys ss[CAP_MAX];
	char line[CAP_MAX][256];
};

static struct capture cap;

static void
capture_sink(int prio, enum log_subsys ss, const char *line, void *arg)
{
	struct capture *c = arg;

	if (c->n < CAP_MAX) {
		c->prio[c->n] = prio;
		c->ss[c->n] = ss;
		snprintf(c->line[c->n], sizeof(c->line[0]), "%s", line);
	}
	c->n++;
}

static int
setup(void **state)
{
	memset(&cap, 0, sizeof(cap));
	log_init("pmipd", LOG_DEST_STDERR, LOG_INFO);
	for (int i = 0; i < LOG_SS_MAX; i++)
		log_debug_set(i, false);
	log_set_sink(capture_sink, &cap);
	return 0;
}

static int
teardown(void **state)
{
	log_set_sink(NULL, NULL);
	return 0;
}

/* Subsystem names are YANG enum values: exact spelling and order. */
static void
test_subsys_names(void **state)
{
	static const char *const names[] = { "core",      "event",   "config",   "plugin",
		                             "codec",     "auth",    "keystore", "ha",
		                             "fa",        "proxy",   "aap",      "tunnel",
		                             "discovery", "netconf", "snmp",     "radius" };

	assert_int_equal(sizeof(names) / sizeof(names[0]), LOG_SS_MAX);
	for (int i = 0; i < LOG_SS_MAX; i++) {
		assert_string_equal(log_subsys_name(i), names[i]);
		assert_int_equal(log_subsys_from_name(names[i]), i);
	}
	assert_int_equal(log_subsys_from_name("HA"), -1);
	assert_int_equal(log_subsys_from_name("bogus"), -1);
	assert_int_equal(log_subsys_from_name(NULL), -1);
	assert_string_equal(log_subsys_name(LOG_SS_MAX), "unknown");
}

/* Messages above the level are dropped; the others reach the sink unprefixed. */
static void
test_levels(void **state)
{
	log_set_level(LOG_WARNING);
	assert_int_equal(log_get_level(), LOG_WARNING);
	log_info(LOG_SS_HA, "not shown");
	log_warnx(LOG_SS_HA, "shown %d", 1);
	log_errx(LOG_SS_FA, "also shown");
	assert_int_equal(cap.n, 2);
	assert_int_equal(cap.prio[0], LOG_WARNING);
	assert_int_equal(cap.ss[0], LOG_SS_HA);
	assert_string_equal(cap.line[0], "shown 1");
	assert_int_equal(cap.prio[1], LOG_ERR);
	assert_int_equal(cap.ss[1], LOG_SS_FA);
	log_set_level(LOG_INFO);
	log_info(LOG_SS_CORE, "now shown");
	log_msg(LOG_SS_CORE, LOG_NOTICE, "notice %s", "too");
	assert_int_equal(cap.n, 4);
	assert_string_equal(cap.line[3], "notice too");
}

/* Debug lines need both level LOG_DEBUG and the subsystem's switch. */
static void
test_debug_switches(void **state)
{
	log_debug_set(LOG_SS_KEYSTORE, true);
	assert_false(log_debug_on(LOG_SS_KEYSTORE)); /* level is still LOG_INFO */
	log_debug(LOG_SS_KEYSTORE, "hidden by level");
	assert_int_equal(cap.n, 0);

	log_set_level(LOG_DEBUG);
	assert_true(log_debug_on(LOG_SS_KEYSTORE));
	assert_false(log_debug_on(LOG_SS_HA));
	log_debug(LOG_SS_KEYSTORE, "ks debug");
	log_debug(LOG_SS_HA, "ha debug hidden");
	log_msg(LOG_SS_HA, LOG_DEBUG, "ha debug hidden too");
	assert_int_equal(cap.n, 1);
	assert_string_equal(cap.line[0], "ks debug");
	assert_int_equal(cap.prio[0], LOG_DEBUG);

	log_debug_set(LOG_SS_KEYSTORE, false);
	log_debug(LOG_SS_KEYSTORE, "off again");
	assert_int_equal(cap.n, 1);
	assert_false(log_debug_on(LOG_SS_MAX));
	log_set_level(LOG_INFO);
}

/* log_warn/log_err append strerror(errno), the x forms do not; errno survives. */
static void
test_errno_suffix(void **state)
{
	errno = ENOENT;
	log_warn(LOG_SS_PLUGIN, "open %s", "x.so");
	assert_int_equal(errno, ENOENT);
	errno = EACCES;
	log_err(LOG_SS_PLUGIN, "bind");
	assert_int_equal(errno, EACCES);
	log_warnx(LOG_SS_PLUGIN, "plain");
	assert_int_equal(errno, EACCES);
	assert_int_equal(cap.n, 3);
	assert_string_equal(cap.line[0], "open x.so: No such file or directory");
	assert_string_equal(cap.line[1], "bind: Permission denied");
	assert_string_equal(cap.line[2], "plain");
}

/* A burst passes, the rest is counted, and a summary precedes the next line. */
static void
test_ratelimit(void **state)
{
	struct log_ratelimit rl = LOG_RATELIMIT_INIT(10, 3);
	unsigned passed = 0;

	for (int i = 0; i < 10; i++)
		passed += log_rl(&rl, LOG_SS_FA, LOG_WARNING, "bad packet %d", i);
	assert_int_equal(passed, 3);
	assert_int_equal(log_ratelimit_suppressed(&rl), 7);
	assert_int_equal(cap.n, 3);
	assert_string_equal(cap.line[2], "bad packet 2");

	/* Pretend the whole period elapsed: the bucket refills. */
	rl.last.tv_sec -= 10;
	assert_true(log_rl(&rl, LOG_SS_FA, LOG_WARNING, "bad packet %d", 10));
	assert_int_equal(cap.n, 5);
	assert_string_equal(cap.line[3], "7 similar messages suppressed");
	assert_int_equal(cap.prio[3], LOG_WARNING);
	assert_int_equal(cap.ss[3], LOG_SS_FA);
	assert_string_equal(cap.line[4], "bad packet 10");
	/* The summary is printed once; the lifetime total stays. */
	assert_true(log_rl(&rl, LOG_SS_FA, LOG_WARNING, "bad packet %d", 11));
	assert_int_equal(cap.n, 6);
	assert_string_equal(cap.line[5], "bad packet 11");
	assert_int_equal(log_ratelimit_suppressed(&rl), 7);

	/* A third of the period refills one of three tokens. */
	assert_true(log_rl(&rl, LOG_SS_FA, LOG_WARNING, "x"));
	assert_false(log_rl(&rl, LOG_SS_FA, LOG_WARNING, "x"));
	rl.last.tv_sec -= 4;
	assert_true(log_rl(&rl, LOG_SS_FA, LOG_WARNING, "y"));
	assert_false(log_rl(&rl, LOG_SS_FA, LOG_WARNING, "y"));
	assert_int_equal(log_ratelimit_suppressed(&rl), 9);

	/* Lines below the level neither print nor use tokens. */
	rl.last.tv_sec -= 10;
	cap.n = 0;
	assert_false(log_rl(&rl, LOG_SS_FA, LOG_DEBUG, "debug off"));
	assert_int_equal(cap.n, 0);
	assert_int_equal(log_ratelimit_suppressed(&rl), 9);
}

/* Without a sink, stderr gets "TIME pmipd[pid]: LEVEL subsystem: message". */
static void
test_stderr_format(void **state)
{
	char path[] = "/tmp/test_log.XXXXXX", buf[512], pattern[256];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	regex_t re;
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	log_set_sink(NULL, NULL);
	fflush(stderr);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	log_warnx(LOG_SS_HA, "hello %d", 7);
	log_info(LOG_SS_KEYSTORE, "second");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	buf[n] = '\0';
	/* The file is not a terminal, so each line carries an ISO 8601 UTC time. */
	snprintf(pattern, sizeof(pattern),
	         "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
	         "pmipd\\[%ld\\]: WARN ha: hello 7\n"
	         "[-0-9T:.Z]+ pmipd\\[%ld\\]: INFO keystore: second\n$",
	         (long)getpid(), (long)getpid());
	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED), 0);
	if (regexec(&re, buf, 0, NULL, 0) != 0)
		fail_msg("unexpected stderr output: \"%s\"", buf);
	regfree(&re);
}

/* Sink that forwards "PRIO:line" to the pipe whose write end is *@arg. */
static void
pipe_sink(int prio, enum log_subsys ss, const char *line, void *arg)
{
	dprintf(*(int *)arg, "%d:%s:%s", prio, log_subsys_name(ss), line);
}

/* fatalx() logs at LOG_CRIT for subsystem core and exits with status 1. */
static void
test_fatalx_exits(void **state)
{
	int status, fds[2];
	char buf[128];
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		log_set_sink(pipe_sink, &fds[1]);
		fatalx("giving up after %d tries", 3);
	}
	close(fds[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "2:core:giving up after 3 tries");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_subsys_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debug_switches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errno_suffix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ratelimit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stderr_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fatalx_exits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
