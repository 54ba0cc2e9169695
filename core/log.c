/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log.c - pmipd logging: stderr and syslog output, debug switches, rate limits.
 *
 * A line on stderr reads "pmipd[1234]: WARN keystore: message"; when stderr
 * is not a terminal an ISO 8601 UTC time stamp precedes it. Syslog gets
 * "keystore: message" at the message's priority. A test sink installed with
 * log_set_sink() receives the bare message instead of both destinations; it
 * runs under the log mutex and must not log itself.
 *
 * The functions may be called from any thread: output and rate-limit state
 * are serialised by one mutex. errno is preserved across every call.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 1024

static const char *const log_ss_names[LOG_SS_MAX] = {
	[LOG_SS_CORE] = "core",           [LOG_SS_EVENT] = "event",     [LOG_SS_CONFIG] = "config",
	[LOG_SS_PLUGIN] = "plugin",       [LOG_SS_CODEC] = "codec",     [LOG_SS_AUTH] = "auth",
	[LOG_SS_KEYSTORE] = "keystore",   [LOG_SS_HA] = "ha",           [LOG_SS_FA] = "fa",
	[LOG_SS_PROXY] = "proxy",         [LOG_SS_AAP] = "aap",         [LOG_SS_TUNNEL] = "tunnel",
	[LOG_SS_DISCOVERY] = "discovery", [LOG_SS_NETCONF] = "netconf", [LOG_SS_SNMP] = "snmp",
	[LOG_SS_RADIUS] = "radius",
};

static const char *const log_prio_names[] = {
	"EMERG", "ALERT", "CRIT", "ERROR", "WARN", "NOTICE", "INFO", "DEBUG",
};

static struct {
	pthread_mutex_t lock;
	char ident[32];
	unsigned dest;
	int level;
	bool syslog_open;
	bool debug[LOG_SS_MAX];
	log_sink_fn sink;
	void *sink_arg;
} log_state = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.ident = "pmipd",
	.dest = LOG_DEST_STDERR,
	.level = LOG_INFO,
};

/* Open or close syslog to match the destination mask; lock held. */
static void
log_sync_syslog(void)
{
	bool want = (log_state.dest & LOG_DEST_SYSLOG) != 0;

	if (want && !log_state.syslog_open)
		openlog(log_state.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	else if (!want && log_state.syslog_open)
		closelog();
	log_state.syslog_open = want;
}

void
log_init(const char *ident, unsigned dest, int level)
{
	pthread_mutex_lock(&log_state.lock);
	if (ident != NULL)
		snprintf(log_state.ident, sizeof(log_state.ident), "%s", ident);
	if (log_state.syslog_open)
		closelog();
	log_state.syslog_open = false;
	log_state.dest = dest;
	log_state.level = level;
	log_sync_syslog();
	pthread_mutex_unlock(&log_state.lock);
}

void
log_set_level(int level)
{
	if (level < LOG_EMERG)
		level = LOG_EMERG;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	__atomic_store_n(&log_state.level, level, __ATOMIC_RELAXED);
}

int
log_get_level(void)
{
	return __atomic_load_n(&log_state.level, __ATOMIC_RELAXED);
}

void
log_set_dest(unsigned dest)
{
	pthread_mutex_lock(&log_state.lock);
	log_state.dest = dest;
	log_sync_syslog();
	pthread_mutex_unlock(&log_state.lock);
}

void
log_debug_set(enum log_subsys ss, bool on)
{
	if ((unsigned)ss < LOG_SS_MAX)
		__atomic_store_n(&log_state.debug[ss], on, __ATOMIC_RELAXED);
}

bool
log_debug_on(enum log_subsys ss)
{
	return (unsigned)ss < LOG_SS_MAX && log_get_level() >= LOG_DEBUG &&
	       __atomic_load_n(&log_state.debug[ss], __ATOMIC_RELAXED);
}

const char *
log_subsys_name(enum log_subsys ss)
{
	return (unsigned)ss < LOG_SS_MAX ? log_ss_names[ss] : "unknown";
}

int
log_subsys_from_name(const char *name)
{
	for (int i = 0; name != NULL && i < LOG_SS_MAX; i++)
		if (strcmp(name, log_ss_names[i]) == 0)
			return i;
	return -1;
}

/* Would a message of @prio for @ss be printed at all? */
static bool
log_wanted(enum log_subsys ss, int prio)
{
	if (prio >= LOG_DEBUG)
		return log_debug_on(ss);
	return prio <= log_get_level();
}

/* Write one formatted message to the sink or the destinations; lock held. */
static void
log_emit(enum log_subsys ss, int prio, const char *msg)
{
	const char *ssname = log_subsys_name(ss);

	if (log_state.sink != NULL) {
		log_state.sink(prio, ss, msg, log_state.sink_arg);
		return;
	}
	if (log_state.dest & LOG_DEST_STDERR) {
		char ts[40] = "";

		if (!isatty(STDERR_FILENO)) {
			struct timespec now;
			struct tm tm;

			clock_gettime(CLOCK_REALTIME, &now);
			gmtime_r(&now.tv_sec, &tm);
			strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
			snprintf(ts + strlen(ts), sizeof(ts) - strlen(ts), ".%03ldZ ",
			         now.tv_nsec / 1000000);
		}
		fprintf(stderr, "%s%s[%ld]: %s %s: %s\n", ts, log_state.ident, (long)getpid(),
		        log_prio_names[prio & LOG_PRIMASK], ssname, msg);
	}
	if (log_state.dest & LOG_DEST_SYSLOG)
		syslog(prio, "%s: %s", ssname, msg);
}

/* Format @fmt into @msg, appending strerror(@err) when @err is non-zero. */
static void
log_vformat(char *msg, size_t len, int err, const char *fmt, va_list ap)
{
	int n = vsnprintf(msg, len, fmt, ap);

	if (n < 0)
		snprintf(msg, len, "(bad log format \"%s\")", fmt);
	else if (err != 0 && (size_t)n < len)
		snprintf(msg + n, len - n, ": %s", strerror(err));
}

/* Format and emit one message. */
static void
log_format(enum log_subsys ss, int prio, int err, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];

	log_vformat(msg, sizeof(msg), err, fmt, ap);
	pthread_mutex_lock(&log_state.lock);
	log_emit(ss, prio, msg);
	pthread_mutex_unlock(&log_state.lock);
}

void
log_vmsg(enum log_subsys ss, int prio, const char *fmt, va_list ap)
{
	int saved = errno;

	if (log_wanted(ss, prio))
		log_format(ss, prio, 0, fmt, ap);
	errno = saved;
}

void
log_msg(enum log_subsys ss, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(ss, prio, fmt, ap);
	va_end(ap);
}

/* Body of the wrappers: @with_errno appends strerror(errno). */
#define LOG_WRAPPER(name, prio, with_errno)                                      \
	void name(enum log_subsys ss, const char *fmt, ...)                      \
	{                                                                        \
		int saved = errno;                                               \
		va_list ap;                                                      \
                                                                                 \
		if (log_wanted(ss, prio)) {                                      \
			va_start(ap, fmt);                                       \
			log_format(ss, prio, (with_errno) ? saved : 0, fmt, ap); \
			va_end(ap);                                              \
		}                                                                \
		errno = saved;                                                   \
	}

LOG_WRAPPER(log_err, LOG_ERR, true)
LOG_WRAPPER(log_errx, LOG_ERR, false)
LOG_WRAPPER(log_warn, LOG_WARNING, true)
LOG_WRAPPER(log_warnx, LOG_WARNING, false)
LOG_WRAPPER(log_info, LOG_INFO, false)
LOG_WRAPPER(log_debug, LOG_DEBUG, false)

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_format(LOG_SS_CORE, LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_format(LOG_SS_CORE, LOG_CRIT, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

/*
 * Token bucket. @burst tokens refill evenly over @interval_s seconds.
 * rl->pending counts the lines suppressed since the last printed one and
 * rl->suppressed the lifetime total. Returns whether a line may pass and,
 * in *@pending, how many lines were suppressed before it. A zero interval or
 * burst turns the limit off. Lock held.
 */
static bool
log_rl_admit(struct log_ratelimit *rl, uint64_t *pending)
{
	uint64_t period_ms = (uint64_t)rl->interval_s * 1000, elapsed_ms, gained;
	unsigned tokens = rl->tokens;
	struct timespec now;

	*pending = 0;
	if (rl->interval_s == 0 || rl->burst == 0)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (rl->last.tv_sec == 0 && rl->last.tv_nsec == 0) {
		rl->last = now; /* first use: start with a full bucket */
		tokens = rl->burst;
	}
	elapsed_ms = (uint64_t)(now.tv_sec - rl->last.tv_sec) * 1000 +
	             (now.tv_nsec - rl->last.tv_nsec) / 1000000;
	gained = elapsed_ms * rl->burst / period_ms;
	if (gained > 0) {
		if (tokens + gained >= rl->burst) {
			tokens = rl->burst;
			rl->last = now;
		} else {
			uint64_t used_ms = gained * period_ms / rl->burst;

			tokens += gained;
			rl->last.tv_sec += used_ms / 1000;
			rl->last.tv_nsec += (used_ms % 1000) * 1000000;
			if (rl->last.tv_nsec >= 1000000000) {
				rl->last.tv_sec++;
				rl->last.tv_nsec -= 1000000000;
			}
		}
	}
	if (tokens == 0) {
		rl->tokens = 0;
		rl->pending++;
		rl->suppressed++;
		return false;
	}
	*pending = rl->pending;
	rl->pending = 0;
	rl->tokens = tokens - 1;
	return true;
}

bool
log_rl(struct log_ratelimit *rl, enum log_subsys ss, int prio, const char *fmt, ...)
{
	int saved = errno;
	char msg[LOG_LINE_MAX];
	uint64_t pending;
	bool pass;
	va_list ap;

	if (!log_wanted(ss, prio))
		return false;
	pthread_mutex_lock(&log_state.lock);
	pass = log_rl_admit(rl, &pending);
	if (pass) {
		if (pending > 0) {
			snprintf(msg, sizeof(msg), "%llu similar messages suppressed",
			         (unsigned long long)pending);
			log_emit(ss, prio, msg);
		}
		va_start(ap, fmt);
		log_vformat(msg, sizeof(msg), 0, fmt, ap);
		va_end(ap);
		log_emit(ss, prio, msg);
	}
	pthread_mutex_unlock(&log_state.lock);
	errno = saved;
	return pass;
}

uint64_t
log_ratelimit_suppressed(const struct log_ratelimit *rl)
{
	return rl->suppressed;
}

void
log_set_sink(log_sink_fn fn, void *arg)
{
	pthread_mutex_lock(&log_state.lock);
	log_state.sink = fn;
	log_state.sink_arg = arg;
	pthread_mutex_unlock(&log_state.lock);
}
