/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nc_stats.c - the NETCONF session statistics of ietf-netconf-monitoring
 * (RFC 6022): /netconf-state/sessions and /netconf-state/statistics.
 *
 * libnetconf2 2.0.24 keeps no such counters, so pmipd counts them itself.
 * nc_server.c reports the events (a session added or ended, a bad hello, the
 * result of each nc_ps_poll()), nc_notif.c each notification sent, and
 * nc_state.c asks for the tree. Everything here is under one mutex of its
 * own, taken briefly; it may be taken with the server lock held, never the
 * other way round.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libyang/libyang.h>
#include <nc_server.h>

#include "nc.h"

/* ietf-netconf-monitoring counters of one session (RFC 6022 common-counters). */
struct nc_counters {
	uint32_t in_rpcs;
	uint32_t in_bad_rpcs;
	uint32_t out_rpc_errors;
	uint32_t out_notifications;
};

/* One live session as /netconf-state/sessions shows it. */
struct nc_sess_stat {
	uint32_t id;
	bool tls;
	char user[NC_USER_MAX];
	char host[64];
	time_t login;
	struct nc_counters c;
	struct nc_sess_stat *next;
};

/* Under nc_stats_lock. */
static struct {
	time_t start;
	uint32_t in_bad_hellos;
	uint32_t in_sessions;
	uint32_t dropped_sessions;
	struct nc_counters c;
	struct nc_sess_stat *sessions;
} stats;
static pthread_mutex_t nc_stats_lock = PTHREAD_MUTEX_INITIALIZER;

static struct nc_sess_stat *
nc_stat_find(uint32_t sid)
{
	for (struct nc_sess_stat *t = stats.sessions; t != NULL; t = t->next)
		if (t->id == sid)
			return t;
	return NULL;
}

void
nc_stats_session_add(const struct nc_session *s)
{
	struct nc_sess_stat *t = calloc(1, sizeof(*t));
	const char *host = nc_session_get_host(s);

	pthread_mutex_lock(&nc_stats_lock);
	stats.in_sessions++;
	if (t != NULL) {
		t->id = nc_session_get_id(s);
		t->tls = nc_session_get_ti(s) == NC_TI_OPENSSL;
		snprintf(t->user, sizeof(t->user), "%s", nc_session_get_username(s));
		snprintf(t->host, sizeof(t->host), "%s", host != NULL ? host : "");
		t->login = nc_session_get_start_time(s);
		t->next = stats.sessions;
		stats.sessions = t;
	}
	pthread_mutex_unlock(&nc_stats_lock);
}

void
nc_stats_session_del(const struct nc_session *s)
{
	NC_SESSION_TERM_REASON reason = nc_session_get_term_reason(s);
	uint32_t sid = nc_session_get_id(s);

	pthread_mutex_lock(&nc_stats_lock);
	if (reason != NC_SESSION_TERM_CLOSED && reason != NC_SESSION_TERM_KILLED)
		stats.dropped_sessions++;
	for (struct nc_sess_stat **pp = &stats.sessions; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->id == sid) {
			struct nc_sess_stat *t = *pp;

			*pp = t->next;
			free(t);
			break;
		}
	}
	pthread_mutex_unlock(&nc_stats_lock);
}

void
nc_stats_poll(int r, const struct nc_session *s)
{
	struct nc_sess_stat *t;
	struct nc_counters d = { 0 };

	if (r & NC_PSPOLL_BAD_RPC)
		d.in_bad_rpcs = 1;
	else if (r & NC_PSPOLL_RPC)
		d.in_rpcs = 1;
	if (r & NC_PSPOLL_REPLY_ERROR)
		d.out_rpc_errors = 1;
	if (d.in_rpcs + d.in_bad_rpcs + d.out_rpc_errors == 0)
		return;
	pthread_mutex_lock(&nc_stats_lock);
	stats.c.in_rpcs += d.in_rpcs;
	stats.c.in_bad_rpcs += d.in_bad_rpcs;
	stats.c.out_rpc_errors += d.out_rpc_errors;
	if (s != NULL && (t = nc_stat_find(nc_session_get_id(s))) != NULL) {
		t->c.in_rpcs += d.in_rpcs;
		t->c.in_bad_rpcs += d.in_bad_rpcs;
		t->c.out_rpc_errors += d.out_rpc_errors;
	}
	pthread_mutex_unlock(&nc_stats_lock);
}

void
nc_server_count_notification(uint32_t sid)
{
	struct nc_sess_stat *t;

	pthread_mutex_lock(&nc_stats_lock);
	stats.c.out_notifications++;
	if ((t = nc_stat_find(sid)) != NULL)
		t->c.out_notifications++;
	pthread_mutex_unlock(&nc_stats_lock);
}

static int
nc_mon_term(struct lyd_node *parent, const char *name, const char *value)
{
	return lyd_new_term(parent, NULL, name, value, 0, NULL) == LY_SUCCESS ? 0 : -1;
}

static int
nc_mon_u32(struct lyd_node *parent, const char *name, uint32_t v)
{
	char buf[12];

	snprintf(buf, sizeof(buf), "%u", v);
	return nc_mon_term(parent, name, buf);
}

static int
nc_mon_time(struct lyd_node *parent, const char *name, time_t t)
{
	struct tm tm;
	char buf[32];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return nc_mon_term(parent, name, buf);
}

static int
nc_mon_counters(struct lyd_node *parent, const struct nc_counters *c)
{
	return nc_mon_u32(parent, "in-rpcs", c->in_rpcs) < 0 ||
	                       nc_mon_u32(parent, "in-bad-rpcs", c->in_bad_rpcs) < 0 ||
	                       nc_mon_u32(parent, "out-rpc-errors", c->out_rpc_errors) < 0 ||
	                       nc_mon_u32(parent, "out-notifications", c->out_notifications) < 0
	               ? -1
	               : 0;
}

int
nc_server_monitoring(struct lyd_node *state)
{
	struct lyd_node *sessions, *stat, *n;
	char sid[12];
	int rc = -1;

	pthread_mutex_lock(&nc_stats_lock);
	if (lyd_new_inner(state, NULL, "sessions", 0, &sessions) != LY_SUCCESS)
		goto out;
	for (const struct nc_sess_stat *t = stats.sessions; t != NULL; t = t->next) {
		snprintf(sid, sizeof(sid), "%u", t->id);
		if (lyd_new_list(sessions, NULL, "session", 0, &n, sid) != LY_SUCCESS ||
		    nc_mon_term(n, "transport",
		                t->tls ? "ietf-netconf-monitoring:netconf-tls"
		                       : "ietf-netconf-monitoring:netconf-ssh") < 0 ||
		    nc_mon_term(n, "username", t->user) < 0 ||
		    (t->host[0] != '\0' && nc_mon_term(n, "source-host", t->host) < 0) ||
		    nc_mon_time(n, "login-time", t->login) < 0 || nc_mon_counters(n, &t->c) < 0)
			goto out;
	}
	if (lyd_new_inner(state, NULL, "statistics", 0, &stat) != LY_SUCCESS ||
	    nc_mon_time(stat, "netconf-start-time", stats.start) < 0 ||
	    nc_mon_u32(stat, "in-bad-hellos", stats.in_bad_hellos) < 0 ||
	    nc_mon_u32(stat, "in-sessions", stats.in_sessions) < 0 ||
	    nc_mon_u32(stat, "dropped-sessions", stats.dropped_sessions) < 0 ||
	    nc_mon_counters(stat, &stats.c) < 0)
		goto out;
	rc = 0;
out:
	pthread_mutex_unlock(&nc_stats_lock);
	return rc;
}

void
nc_stats_start(void)
{
	pthread_mutex_lock(&nc_stats_lock);
	stats.start = time(NULL);
	pthread_mutex_unlock(&nc_stats_lock);
}

void
nc_stats_bad_hello(void)
{
	pthread_mutex_lock(&nc_stats_lock);
	stats.in_bad_hellos++;
	pthread_mutex_unlock(&nc_stats_lock);
}

void
nc_stats_fini(void)
{
	pthread_mutex_lock(&nc_stats_lock);
	while (stats.sessions != NULL) {
		struct nc_sess_stat *t = stats.sessions;

		stats.sessions = t->next;
		free(t);
	}
	pthread_mutex_unlock(&nc_stats_lock);
}
