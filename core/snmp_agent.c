/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * snmp_agent.c - the AgentX subagent: Net-SNMP set-up, loop integration, reconnects.
 *
 * Net-SNMP is not thread-safe, so all of it runs on the loop thread. After
 * every Net-SNMP call that may change its sockets or timers, snmp_agent_sync()
 * asks snmp_select_info2() which fds to watch and when the next timeout is
 * due, and mirrors that into ev_io watchers and one ev_timer:
 *
 *   fd readable -> snmp_read2() + netsnmp_check_outstanding_agent_requests()
 *   timer       -> snmp_timeout() + run_alarms()
 *   either      -> snmp_agent_sync()
 *
 * Alarms never use SIGALRM (NETSNMP_DS_LIB_ALARM_DONT_USE_SIG): they are part
 * of the select timeout. The AgentX ping alarm notices a lost master (snmpd
 * restarted) and reopens the session, which re-registers every subtree; until
 * then requests simply do not arrive. Net-SNMP reads no configuration file,
 * no MIB file and no persistent state, and logs through pmipd's logger.
 *
 * Net-SNMP cannot be initialised again in the same process once it was shut
 * down (the re-opened AgentX session never answers), so switching SNMP off
 * stops it for the life of the process: switching it on again, or changing
 * the AgentX address or the ping interval of a running subagent, is refused
 * by snmp_agent_check() and needs a restart of pmipd. Trap settings change in
 * place.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "engine.h"
#include "ev.h"
#include "log.h"
#include "snmp_int.h"

#define SNMP_WATCH_MAX 16 /* fds Net-SNMP may ask us to watch */

struct snmp_watch {
	int fd;
	struct ev_io *io;
};

static struct {
	bool running;
	struct pmip_engine *e;
	struct ev_loop *loop;
	struct snmp_config cfg;
	struct snmp_watch watch[SNMP_WATCH_MAX];
	size_t n_watch;
	struct ev_timer *timer;
	bool in_sync;
	bool used; /* Net-SNMP was initialised in this process */
} snmp_agent;

static void snmp_agent_sync(void);

void
snmp_agent_config_default(struct snmp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->agentx_socket, sizeof(cfg->agentx_socket), "%s", "unix:/var/agentx/master");
	cfg->ping_interval_s = 5;
	cfg->trap_rate = 60;
	cfg->trap_burst = 10;
	for (int i = 0; i < SNMP_NOTIFY_MAX; i++)
		cfg->notify[i] = true;
}

struct pmip_engine *
snmp_engine(void)
{
	return snmp_agent.running ? snmp_agent.e : NULL;
}

static void
snmp_agent_read(int fd, unsigned what, void *arg)
{
	netsnmp_large_fd_set fds;

	netsnmp_large_fd_set_init(&fds, fd + 1);
	NETSNMP_LARGE_FD_SET(fd, &fds);
	snmp_read2(&fds);
	netsnmp_large_fd_set_cleanup(&fds);
	netsnmp_check_outstanding_agent_requests();
	snmp_agent_sync();
}

static void
snmp_agent_timeout(void *arg)
{
	snmp_timeout();
	run_alarms();
	netsnmp_check_outstanding_agent_requests();
	snmp_agent_sync();
}

/* Mirror Net-SNMP's fd set and next timeout into the loop. */
static void
snmp_agent_sync(void)
{
	netsnmp_large_fd_set fds;
	struct timeval tv = { 0, 0 };
	int maxfd = 0, block = 1;
	size_t i;

	if (!snmp_agent.running || snmp_agent.in_sync)
		return;
	snmp_agent.in_sync = true;
	netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
	snmp_select_info2(&maxfd, &fds, &tv, &block);
	/* Drop watchers of fds Net-SNMP no longer uses. */
	for (i = 0; i < snmp_agent.n_watch;) {
		if (snmp_agent.watch[i].fd < maxfd &&
		    NETSNMP_LARGE_FD_ISSET(snmp_agent.watch[i].fd, &fds)) {
			i++;
			continue;
		}
		ev_io_free(snmp_agent.watch[i].io);
		snmp_agent.watch[i] = snmp_agent.watch[--snmp_agent.n_watch];
	}
	for (int fd = 0; fd < maxfd; fd++) {
		bool known = false;

		if (!NETSNMP_LARGE_FD_ISSET(fd, &fds))
			continue;
		for (i = 0; i < snmp_agent.n_watch && !known; i++)
			known = snmp_agent.watch[i].fd == fd;
		if (known)
			continue;
		if (snmp_agent.n_watch == SNMP_WATCH_MAX) {
			log_warnx(LOG_SS_SNMP, "too many Net-SNMP descriptors; fd %d not watched",
			          fd);
			continue;
		}
		snmp_agent.watch[snmp_agent.n_watch].io =
		        ev_io_new(snmp_agent.loop, fd, EV_IO_READ, snmp_agent_read, NULL);
		if (snmp_agent.watch[snmp_agent.n_watch].io == NULL)
			continue;
		snmp_agent.watch[snmp_agent.n_watch++].fd = fd;
	}
	netsnmp_large_fd_set_cleanup(&fds);
	if (block)
		ev_timer_del(snmp_agent.timer);
	else
		ev_timer_arm(snmp_agent.timer,
		             (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000);
	snmp_agent.in_sync = false;
}

/* Net-SNMP's log lines go to pmipd's logger. */
static int
snmp_agent_log(int major, int minor, void *serverarg, void *clientarg)
{
	const struct snmp_log_message *m = serverarg;
	char line[512];
	size_t n;

	if (m == NULL || m->msg == NULL)
		return 0;
	snprintf(line, sizeof(line), "%s", m->msg);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n > 0)
		log_msg(LOG_SS_SNMP, m->priority < LOG_WARNING ? LOG_WARNING : m->priority,
		        "net-snmp: %s", line);
	return 0;
}

static int
snmp_agent_start(void)
{
	/* Net-SNMP writes to the AgentX stream socket without MSG_NOSIGNAL: a master that
	 * just died must cost a reconnect, not the daemon (snmpd ignores SIGPIPE too). */
	signal(SIGPIPE, SIG_IGN);
	/* No MIB files: values are served by OID, never parsed from text. */
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "/nonexistent", 1);
	snmp_disable_log();
	snmp_enable_calllog();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, snmp_agent_log, NULL);

	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
	                      snmp_agent.cfg.agentx_socket);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	                   (int)snmp_agent.cfg.ping_interval_s);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);

	if (init_agent("pmipd") != 0) {
		log_errx(LOG_SS_SNMP, "Net-SNMP agent initialisation failed");
		return -1;
	}
	snmp_agent.running = true;
	snmp_agent.used = true;
	if (snmp_pmip_register() < 0 || snmp_proxy_register() < 0 || snmp_mip2006_register() < 0) {
		snmp_agent.running = false;
		snmp_shutdown("pmipd");
		return -1;
	}
	init_snmp("pmipd");
	snmp_traps_start(&snmp_agent.cfg);
	log_info(LOG_SS_SNMP, "AgentX subagent started, master %s, ping every %u s",
	         snmp_agent.cfg.agentx_socket, snmp_agent.cfg.ping_interval_s);
	return 0;
}

static void
snmp_agent_stop(void)
{
	if (!snmp_agent.running)
		return;
	snmp_traps_stop();
	for (size_t i = 0; i < snmp_agent.n_watch; i++)
		ev_io_free(snmp_agent.watch[i].io);
	snmp_agent.n_watch = 0;
	ev_timer_del(snmp_agent.timer);
	snmp_agent.running = false;
	snmp_shutdown("pmipd");
	shutdown_agent();
	log_info(LOG_SS_SNMP, "AgentX subagent stopped");
}

/* Would @cfg need Net-SNMP to be (re)initialised? */
static bool
snmp_agent_needs_init(const struct snmp_config *cfg)
{
	return cfg->enabled && (!snmp_agent.running ||
	                        strcmp(cfg->agentx_socket, snmp_agent.cfg.agentx_socket) != 0 ||
	                        cfg->ping_interval_s != snmp_agent.cfg.ping_interval_s);
}

int
snmp_agent_check(const struct pmip_engine *e, const struct snmp_config *cfg, char *why, size_t len)
{
	if (e->loop == NULL || !snmp_agent.used || !snmp_agent_needs_init(cfg))
		return 0;
	snprintf(why, len, "%s",
	         snmp_agent.running
	                 ? "changing agentx-socket or ping-interval of the running SNMP subagent "
	                   "needs a restart of pmipd"
	                 : "SNMP was switched off in this pmipd process; switching it on again "
	                   "needs a restart of pmipd");
	return -1;
}

void
snmp_agent_apply(struct pmip_engine *e, const struct snmp_config *cfg)
{
	bool restart = !snmp_agent.running || !cfg->enabled ||
	               strcmp(cfg->agentx_socket, snmp_agent.cfg.agentx_socket) != 0 ||
	               cfg->ping_interval_s != snmp_agent.cfg.ping_interval_s;

	if (e->loop == NULL)
		return; /* check mode */
	if (snmp_agent.running && !restart) {
		snmp_agent.cfg = *cfg;
		snmp_traps_configure(cfg);
		return;
	}
	snmp_agent_stop();
	snmp_agent.cfg = *cfg;
	if (!cfg->enabled)
		return;
	if (snmp_agent.used) { /* refused in VALIDATE; never re-initialise Net-SNMP */
		log_warnx(LOG_SS_SNMP, "SNMP subagent not restarted: restart pmipd");
		return;
	}
	snmp_agent.e = e;
	if (snmp_agent.loop != e->loop) {
		ev_timer_free(snmp_agent.timer);
		snmp_agent.loop = e->loop;
		snmp_agent.timer = ev_timer_new(e->loop, snmp_agent_timeout, NULL);
		if (snmp_agent.timer == NULL) {
			snmp_agent.loop = NULL;
			log_errx(LOG_SS_SNMP, "no timer for the SNMP subagent");
			return;
		}
	}
	if (snmp_agent_start() == 0)
		snmp_agent_sync();
}

void
snmp_agent_shutdown(void)
{
	snmp_agent_stop();
	ev_timer_free(snmp_agent.timer);
	snmp_agent.timer = NULL;
	snmp_agent.loop = NULL;
	snmp_agent.e = NULL;
}
