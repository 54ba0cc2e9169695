/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log.h - pmipd logging: levels, per-subsystem debug switches, rate limits.
 *
 * Messages go to stderr, to syslog, or both. Debug messages are printed only
 * for subsystems whose debug switch is on. Anything a peer can trigger is
 * logged through a struct log_ratelimit so a flood cannot fill the disk.
 * Key material is never passed to these functions.
 *
 * The "x" suffix (log_warnx) means "do not append strerror(errno)", as in
 * OpenBGPD; log_warn appends it.
 */
#ifndef PMIP_LOG_H
#define PMIP_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>
#include <time.h>

/** enum log_subsys - subsystems with their own debug switch. */
enum log_subsys {
	LOG_SS_CORE = 0,
	LOG_SS_EVENT,
	LOG_SS_CONFIG, /* config load, northbound transactions */
	LOG_SS_PLUGIN,
	LOG_SS_CODEC, /* registration and advertisement messages */
	LOG_SS_AUTH,  /* authenticators and replay protection */
	LOG_SS_KEYSTORE,
	LOG_SS_HA,
	LOG_SS_FA,
	LOG_SS_PROXY,
	LOG_SS_AAP,
	LOG_SS_TUNNEL,
	LOG_SS_DISCOVERY,
	LOG_SS_NETCONF,
	LOG_SS_SNMP,
	LOG_SS_RADIUS,
	LOG_SS_MAX
};

/** enum log_dest - bit mask of destinations. */
enum log_dest {
	LOG_DEST_STDERR = 1 << 0,
	LOG_DEST_SYSLOG = 1 << 1,
};

/**
 * log_init - set up logging.
 * @ident: program name used as syslog ident and stderr prefix.
 * @dest: mask of enum log_dest.
 * @level: highest syslog priority printed (LOG_ERR ... LOG_DEBUG); debug
 *         messages additionally need their subsystem switch.
 */
void log_init(const char *ident, unsigned dest, int level);
/** log_set_level - change the highest printed priority at run time. */
void log_set_level(int level);
/** log_get_level - return the highest printed priority. */
int log_get_level(void);
/** log_set_dest - change the destination mask (enum log_dest). */
void log_set_dest(unsigned dest);
/** log_debug_set - switch debug output of @ss on or off. */
void log_debug_set(enum log_subsys ss, bool on);
/** log_debug_on - is debug output of @ss switched on (and level LOG_DEBUG)? */
bool log_debug_on(enum log_subsys ss);
/** log_subsys_name - stable lower-case name of @ss, as used in YANG ("ha"). */
const char *log_subsys_name(enum log_subsys ss);
/** log_subsys_from_name - parse a subsystem name; returns -1 if unknown. */
int log_subsys_from_name(const char *name);

/**
 * log_msg - print one message at syslog priority @prio for subsystem @ss.
 * Prefer the wrappers below. Messages at LOG_DEBUG print only if
 * log_debug_on(@ss).
 */
void log_msg(enum log_subsys ss, int prio, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/** log_vmsg - va_list form of log_msg(). */
void log_vmsg(enum log_subsys ss, int prio, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));

/* Wrappers. log_warn/log_err append ": strerror(errno)"; the x forms do not. */
void log_err(enum log_subsys ss, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_errx(enum log_subsys ss, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warn(enum log_subsys ss, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warnx(enum log_subsys ss, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_info(enum log_subsys ss, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_debug(enum log_subsys ss, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** fatalx - log at LOG_CRIT and exit(1). */
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/** fatal - like fatalx() with ": strerror(errno)" appended. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/**
 * struct log_ratelimit - token bucket for log lines a peer can trigger.
 * @interval_s: refill period in seconds.
 * @burst: lines allowed per period.
 *
 * Initialise with LOG_RATELIMIT_INIT(interval, burst). When lines were
 * suppressed, the next line that passes is preceded by a summary
 * "N similar messages suppressed".
 */
struct log_ratelimit {
	unsigned interval_s;
	unsigned burst;
	/* private */
	unsigned tokens;
	uint64_t suppressed; /* lifetime total */
	uint64_t pending;    /* suppressed since the last printed line */
	struct timespec last;
};
#define LOG_RATELIMIT_INIT(ival, nburst)                                    \
	{                                                                   \
		.interval_s = (ival), .burst = (nburst), .tokens = (nburst) \
	}

/**
 * log_rl - log through rate limit @rl; returns true if the line was printed.
 * Same arguments as log_msg() after @rl.
 */
bool log_rl(struct log_ratelimit *rl, enum log_subsys ss, int prio, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/** log_ratelimit_suppressed - total number of lines @rl has suppressed. */
uint64_t log_ratelimit_suppressed(const struct log_ratelimit *rl);

/**
 * log_set_sink - divert all output to @fn (tests); NULL restores normal output.
 * @fn receives the priority, the subsystem and the formatted line.
 */
typedef void (*log_sink_fn)(int prio, enum log_subsys ss, const char *line, void *arg);
void log_set_sink(log_sink_fn fn, void *arg);

#endif /* PMIP_LOG_H */
