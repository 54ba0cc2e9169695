/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main.c - pmipd entry point: options, check mode, daemon start, signals.
 *
 *   pmipd [-d] [-n] [-v] -c FILE [-P PLUGIN_DIR] [-s SOCKET]
 *
 * -n checks FILE (YANG validation plus the VALIDATE phase of a commit against
 * an empty running configuration) and prints it normalised, keys redacted;
 * -v adds default values. Without -n the daemon applies FILE through
 * nb_commit() and runs the event loop; SIGHUP re-reads FILE through the same
 * path, SIGTERM and SIGINT end the daemon after freeing everything. The
 * control socket for pmipctl (core/ctl.h) is SOCKET, default CTL_DEFAULT_PATH.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <libyang/libyang.h>

#include "conf.h"
#include "ctl.h"
#include "engine.h"
#include "ev.h"
#include "log.h"
#include "nc.h"
#include "snmp.h"

struct pmipd {
	struct pmip_engine *engine;
	const char *conf;
	const char *ctl_path; /* NULL: CTL_DEFAULT_PATH, and failing to open it is not fatal */
	struct ctl *ctl;
};

static void
usage(void)
{
	fprintf(stderr,
	        "usage: pmipd [-dhnv] -c FILE [-P PLUGIN_DIR] [-s SOCKET]\n"
	        "  -c FILE        configuration file (RFC 7951 JSON of module pmip)\n"
	        "  -d             stay in the foreground and log to stderr\n"
	        "  -h             show this help\n"
	        "  -n             check FILE, print it normalised (keys redacted), exit\n"
	        "  -P PLUGIN_DIR  load plugins from PLUGIN_DIR\n"
	        "  -s SOCKET      control socket for pmipctl (default " CTL_DEFAULT_PATH ")\n"
	        "  -v             with -n, print default values too\n");
}

/* Check @conf; print it normalised on stdout when @print is set. */
static int
pmipd_check(const char *conf, const char *plugin_dir, bool print, bool with_defaults)
{
	char buf[NB_PATH_MAX + NB_ERRMSG_MAX + 4];
	struct lyd_node *tree = NULL;
	struct pmip_engine *e;
	struct nb_error err;
	char *out;
	int rc = 1;

	e = engine_new(NULL, plugin_dir, true, &err);
	if (e == NULL) {
		fprintf(stderr, "pmipd: %s\n", nb_error_str(&err, buf, sizeof(buf)));
		return 1;
	}
	if (conf_parse_file(e->ly_ctx, conf, &tree, &err) < 0 || nb_validate(e, tree, &err) < 0) {
		fprintf(stderr, "pmipd: %s: %s\n", conf, nb_error_str(&err, buf, sizeof(buf)));
	} else if (!print) {
		rc = 0;
	} else if ((out = conf_print(tree, with_defaults)) != NULL) {
		fputs(out, stdout);
		free(out);
		rc = fflush(stdout) == 0 ? 0 : 1;
	}
	lyd_free_all(tree);
	engine_free(e);
	return rc;
}

/* Re-read the configuration file on behalf of @who: SIGHUP and "pmipctl reload". */
static int
pmipd_reload(struct pmipd *d, const char *who, struct nb_error *err)
{
	char buf[NB_PATH_MAX + NB_ERRMSG_MAX + 4];
	uint32_t holder = nc_running_lock_holder();

	if (holder != 0) { /* a NETCONF lock on running blocks every other front end */
		memset(err, 0, sizeof(*err));
		snprintf(err->msg, sizeof(err->msg), "running is locked by NETCONF session %u",
		         holder);
		snprintf(err->app_tag, sizeof(err->app_tag), "in-use");
		log_warnx(LOG_SS_CONFIG, "%s: reload refused: %s", who, err->msg);
		return -1;
	}
	log_info(LOG_SS_CONFIG, "%s: reloading %s", who, d->conf);
	if (conf_apply_file(d->engine, d->conf, err) < 0) {
		log_errx(LOG_SS_CONFIG, "reload failed, keeping the running configuration: %s: %s",
		         d->conf, nb_error_str(err, buf, sizeof(buf)));
		return -1;
	}
	log_info(LOG_SS_CONFIG, "reload of %s done", d->conf);
	return 0;
}

static void
pmipd_signal(int signo, void *arg)
{
	struct pmipd *d = arg;
	struct nb_error err;

	if (signo != SIGHUP) {
		log_info(LOG_SS_CORE, "signal %d: exiting", signo);
		ev_loop_break(d->engine->loop);
		return;
	}
	pmipd_reload(d, "SIGHUP", &err);
}

static int
pmipd_ctl_reload(void *arg, struct nb_error *err)
{
	return pmipd_reload(arg, "pmipctl", err);
}

/* Open the control socket; only an explicitly requested one is mandatory. */
static int
pmipd_ctl_open(struct pmipd *d)
{
	struct ctl_env env = { d->engine, pmipd_ctl_reload, d };
	char msg[256];

	d->ctl = ctl_open(d->ctl_path != NULL ? d->ctl_path : CTL_DEFAULT_PATH, &env, msg,
	                  sizeof(msg));
	if (d->ctl != NULL)
		return 0;
	if (d->ctl_path != NULL) {
		log_errx(LOG_SS_CORE, "control socket: %s", msg);
		return -1;
	}
	log_warnx(LOG_SS_CORE, "control socket: %s; pmipctl cannot reach this daemon", msg);
	return 0;
}

static int
pmipd_run(const char *conf, const char *plugin_dir, const char *ctl_path, bool foreground)
{
	static const int signals[] = { SIGHUP, SIGTERM, SIGINT };
	struct ev_signal *sig[3] = { NULL, NULL, NULL };
	char buf[NB_PATH_MAX + NB_ERRMSG_MAX + 4];
	struct pmipd d = { NULL, conf, ctl_path, NULL };
	struct ev_loop *loop;
	struct nb_error err;
	int rc = 1;

	/* A daemon checks first, so startup errors still reach the terminal. */
	if (!foreground) {
		log_init("pmipd", LOG_DEST_STDERR, LOG_WARNING);
		if (pmipd_check(conf, plugin_dir, false, false) != 0)
			return 1;
		if (daemon(0, 0) < 0) {
			perror("pmipd: daemon");
			return 1;
		}
	}
	log_init("pmipd", foreground ? LOG_DEST_STDERR : LOG_DEST_SYSLOG, LOG_INFO);
	loop = ev_loop_new();
	if (loop == NULL)
		return 1;
	d.engine = engine_new(loop, plugin_dir, foreground, &err);
	if (d.engine == NULL) {
		log_errx(LOG_SS_CORE, "%s", nb_error_str(&err, buf, sizeof(buf)));
		goto out;
	}
	nc_set_startup_path(conf);
	if (conf_apply_file(d.engine, conf, &err) < 0) {
		log_errx(LOG_SS_CONFIG, "%s: %s", conf, nb_error_str(&err, buf, sizeof(buf)));
		goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		sig[i] = ev_signal_new(loop, signals[i], pmipd_signal, &d);
		if (sig[i] == NULL)
			goto out;
	}
	if (pmipd_ctl_open(&d) < 0)
		goto out;
	log_info(LOG_SS_CORE, "pmipd %s running with %s", PMIP_VERSION, conf);
	rc = ev_loop_run(loop) == 0 ? 0 : 1;
out:
	ctl_close(d.ctl);
	for (size_t i = 0; i < 3; i++)
		ev_signal_free(sig[i]);
	nc_shutdown();
	snmp_agent_shutdown();
	engine_free(d.engine);
	ev_loop_free(loop);
	return rc;
}

/*
 * Seed random(), which spreads timers (advertisement jitter): agents started
 * together must not fire in step.
 */
static void
pmipd_seed(void)
{
	unsigned seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed))
		seed = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
	srandom(seed);
}

int
main(int argc, char **argv)
{
	const char *conf = NULL, *plugin_dir = NULL, *ctl_path = NULL;
	char ctl_abs[4096];
	bool foreground = false, check = false, verbose = false;
	int ch;

	pmipd_seed();

	while ((ch = getopt(argc, argv, "c:dhnP:s:v")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'd':
			foreground = true;
			break;
		case 'h':
			usage();
			return 0;
		case 'n':
			check = true;
			break;
		case 'P':
			plugin_dir = optarg;
			break;
		case 's':
			ctl_path = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			usage();
			return 1;
		}
	}
	if (conf == NULL || optind != argc) {
		usage();
		return 1;
	}
	if (check) {
		log_init("pmipd", LOG_DEST_STDERR, LOG_WARNING);
		return pmipd_check(conf, plugin_dir, true, verbose);
	}
	/* daemon() changes to /: anchor a relative socket path first. */
	if (ctl_path != NULL && ctl_path[0] != '/' && getcwd(ctl_abs, sizeof(ctl_abs)) != NULL &&
	    strlen(ctl_abs) + strlen(ctl_path) + 2 <= sizeof(ctl_abs)) {
		strcat(ctl_abs, "/");
		strcat(ctl_abs, ctl_path);
		ctl_path = ctl_abs;
	}
	return pmipd_run(conf, plugin_dir, ctl_path, foreground);
}
