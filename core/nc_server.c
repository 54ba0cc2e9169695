/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nc_server.c - the NETCONF server runtime: libnetconf2, endpoints, threads.
 *
 * The runtime starts when /pmip/netconf first appears in a commit and lives
 * until nc_shutdown(): libnetconf2 keeps global state, so it is initialised
 * once, on the engine's YANG context, which never changes afterwards. The
 * configuration only opens and closes the SSH endpoint and swaps the user
 * table.
 *
 * NC_THREADS identical threads loop over "nc_accept() -> nc_ps_poll()" as
 * netopeer2's workers do. libnetconf2 runs the RPC callbacks inside
 * nc_ps_poll(), on these threads; the callbacks hand every operation to the
 * loop thread with nc_loop_call() and wait for the reply on a condition
 * variable. A call is reference counted: when the waiting thread gives up
 * (shutdown, timeout), the loop side frees the call and its result when it
 * finally runs.
 *
 * The applied settings (endpoints, user table) are swapped under srv.lock.
 * The authentication callbacks (nc_auth.c) read them through
 * nc_server_cfg_lock() and copy what they need; the RFC 6022 session
 * statistics are counted in nc_stats.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libyang/libyang.h>
#include <nc_server.h>

#include "engine.h"
#include "ev.h"
#include "log.h"
#include "nc.h"

#define NC_THREADS       2
#define NC_ENDPT         "ssh"
#define NC_ENDPT_TLS     "tls"
#define NC_SERVER_CERT   "server-cert"
#define NC_HOSTKEY       "hostkey"
#define NC_ACCEPT_MS     50
#define NC_POLL_MS       50
#define NC_IDLE_WAIT_MS  200
#define NC_CALL_TIMEOUT  60 /* seconds a NETCONF thread waits for the loop */
#define NC_HELLO_TIMEOUT 30

/* One hand-off to the loop thread. */
struct nc_call {
	void *(*fn)(void *arg);
	void *arg;
	void (*result_free)(void *);
	void *result;
	int refs;
	bool running; /* the loop thread is inside fn: the caller must wait */
	bool done;
	struct nc_call *next;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool runtime;  /* libnetconf2 initialised, threads running */
	bool stopping; /* nc_shutdown() in progress */
	bool enabled;  /* the endpoint is open */
	pthread_t threads[NC_THREADS];
	size_t n_threads;
	struct nc_pollsession *ps;
	struct pmip_engine *engine;
	struct nc_settings *cfg;
	struct nc_call *calls; /* calls not yet run by the loop */
} srv = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static struct log_ratelimit nc_lib_rl = LOG_RATELIMIT_INIT(10, 20);

/* This worker's last RPC had a large reply: trim the heap once it is sent. */
static _Thread_local bool nc_trim_pending;

void
nc_server_trim_after_reply(void)
{
	nc_trim_pending = true;
}

/* Features of ietf-netconf that pmipd implements; capabilities follow them. */
static const char *const nc_features[] = {
	"writable-running", "rollback-on-error", "validate", "startup", "xpath", NULL
};

int
nc_ctx_load(struct ly_ctx *ctx)
{
	static const char *const mods[] = { "ietf-netconf-with-defaults", "ietf-netconf-monitoring",
		                            "notifications", "nc-notifications", NULL };

	if (ly_ctx_load_module(ctx, "ietf-netconf", NULL, (const char **)nc_features) == NULL)
		return -1;
	for (size_t i = 0; mods[i] != NULL; i++)
		if (ly_ctx_load_module(ctx, mods[i], NULL, NULL) == NULL)
			return -1;
	return 0;
}

/* --- hand-off to the loop thread --- */

static void
nc_call_unlink(struct nc_call *c)
{
	for (struct nc_call **pp = &srv.calls; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			return;
		}
	}
}

static void
nc_call_release(struct nc_call *c)
{
	if (--c->refs > 0)
		return;
	nc_call_unlink(c);
	if (c->result != NULL && c->result_free != NULL)
		c->result_free(c->result);
	free(c);
}

/*
 * Loop thread: run the call unless the server stops or the caller gave up
 * (then @c->arg may no longer exist). While it runs, the caller waits.
 */
static void
nc_call_run(void *arg)
{
	struct nc_call *c = arg;

	pthread_mutex_lock(&srv.lock);
	c->running = !srv.stopping && c->refs == 2;
	pthread_mutex_unlock(&srv.lock);
	if (c->running)
		c->result = c->fn(c->arg);
	pthread_mutex_lock(&srv.lock);
	c->done = true;
	pthread_cond_broadcast(&srv.cond);
	nc_call_release(c);
	pthread_mutex_unlock(&srv.lock);
}

int
nc_loop_call(void *(*fn)(void *arg), void *arg, void (*result_free)(void *), void **result)
{
	struct nc_call *c = calloc(1, sizeof(*c));
	struct timespec deadline;
	bool timed_out = false;
	int rc = -1;

	*result = NULL;
	if (c == NULL)
		return -1;
	c->fn = fn;
	c->arg = arg;
	c->result_free = result_free;
	c->refs = 2;
	pthread_mutex_lock(&srv.lock);
	if (srv.stopping || srv.engine == NULL) {
		pthread_mutex_unlock(&srv.lock);
		free(c);
		return -1;
	}
	c->next = srv.calls;
	srv.calls = c;
	pthread_mutex_unlock(&srv.lock);
	if (ev_loop_call_async(srv.engine->loop, nc_call_run, c) < 0) {
		pthread_mutex_lock(&srv.lock);
		nc_call_unlink(c);
		pthread_mutex_unlock(&srv.lock);
		free(c);
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += NC_CALL_TIMEOUT;
	pthread_mutex_lock(&srv.lock);
	while (!c->done) {
		if (c->running) /* @arg is in use: wait whatever happens */
			pthread_cond_wait(&srv.cond, &srv.lock);
		else if (srv.stopping || timed_out)
			break;
		else if (pthread_cond_timedwait(&srv.cond, &srv.lock, &deadline) == ETIMEDOUT)
			timed_out = true; /* checked again above, under the lock */
	}
	if (c->done) {
		*result = c->result;
		c->result = NULL;
		rc = 0;
	}
	nc_call_release(c);
	pthread_mutex_unlock(&srv.lock);
	return rc;
}

/* libnetconf2 and libyang messages: what peers trigger is rate-limited. */
static void
nc_print_cb(const struct nc_session *session, NC_VERB_LEVEL level, const char *msg)
{
	int prio = level == NC_VERB_ERROR     ? LOG_WARNING
	           : level == NC_VERB_WARNING ? LOG_NOTICE
	                                      : LOG_DEBUG;

	if (session != NULL)
		log_rl(&nc_lib_rl, LOG_SS_NETCONF, prio, "libnetconf2: session %u: %s",
		       nc_session_get_id(session), msg);
	else
		log_rl(&nc_lib_rl, LOG_SS_NETCONF, prio, "libnetconf2: %s", msg);
}

/* --- sessions and threads --- */

/* Loop thread: release what a finished session held. */
static void
nc_session_end_cb(void *arg)
{
	nc_rpc_session_end((uint32_t)(uintptr_t)arg);
}

static void
nc_session_added(struct nc_session *s)
{
	nc_stats_session_add(s);
	log_info(LOG_SS_NETCONF, "NETCONF session %u: user %s from %s", nc_session_get_id(s),
	         nc_session_get_username(s), nc_session_get_host(s));
	if (nc_ps_add_session(srv.ps, s) != 0) {
		log_warnx(LOG_SS_NETCONF, "NETCONF session %u: cannot poll it, closing",
		          nc_session_get_id(s));
		nc_session_free(s, NULL);
	}
}

static void
nc_session_ended(struct nc_session *s)
{
	uint32_t sid = nc_session_get_id(s);

	log_info(LOG_SS_NETCONF, "NETCONF session %u ended (reason %d)", sid,
	         (int)nc_session_get_term_reason(s));
	nc_notif_session_end(s);
	if (ev_loop_call_async(srv.engine->loop, nc_session_end_cb, (void *)(uintptr_t)sid) < 0)
		log_warnx(LOG_SS_NETCONF, "NETCONF session %u: cannot release its locks", sid);
	/* Under srv.lock so that kill-session never marks a freed session. */
	pthread_mutex_lock(&srv.lock);
	nc_stats_session_del(s);
	nc_ps_del_session(srv.ps, s);
	nc_session_free(s, NULL);
	pthread_mutex_unlock(&srv.lock);
}

static void
nc_idle_wait(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)NC_IDLE_WAIT_MS * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&srv.lock);
	if (!srv.stopping)
		pthread_cond_timedwait(&srv.cond, &srv.lock, &ts);
	pthread_mutex_unlock(&srv.lock);
}

static void *
nc_worker(void *arg)
{
	struct nc_session *s, *ns;
	bool stopping, enabled;
	NC_MSG_TYPE msg;
	int r;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&srv.lock);
		stopping = srv.stopping;
		enabled = srv.enabled;
		pthread_mutex_unlock(&srv.lock);
		if (stopping)
			break;
		s = NULL;
		if (enabled) {
			msg = nc_accept(NC_ACCEPT_MS, &s);
			if (msg == NC_MSG_HELLO) {
				nc_session_added(s);
			} else if (msg == NC_MSG_BAD_HELLO) {
				nc_stats_bad_hello();
			}
		}
		s = NULL;
		r = nc_ps_poll(srv.ps, NC_POLL_MS, &s);
		nc_stats_poll(r, s);
		if (nc_trim_pending) {
			/*
			 * The reply is sent and freed: give its pages back rather
			 * than keep the daemon at its peak (glibc keeps freed
			 * memory in its arenas otherwise).
			 */
			nc_trim_pending = false;
			malloc_trim(0);
		}
		if ((r & NC_PSPOLL_NOSESSIONS) && !enabled)
			nc_idle_wait();
		if ((r & NC_PSPOLL_SESSION_TERM) && s != NULL) {
			nc_session_ended(s);
		} else if ((r & NC_PSPOLL_SSH_CHANNEL) && s != NULL) {
			ns = NULL;
			if (nc_session_accept_ssh_channel(s, &ns) == NC_MSG_HELLO)
				nc_session_added(ns);
		}
		ly_err_clean(srv.engine->ly_ctx, NULL);
	}
	nc_thread_destroy();
	return NULL;
}

/* --- runtime --- */

static int
nc_runtime_start(struct pmip_engine *e, struct nb_error *err)
{
	const struct lysc_node *gs;

	if (srv.runtime)
		return 0;
	nc_verbosity(log_debug_on(LOG_SS_NETCONF) ? NC_VERB_VERBOSE : NC_VERB_WARNING);
	nc_set_print_clb_session(nc_print_cb);
	if (nc_server_init(e->ly_ctx) != 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot initialise libnetconf2");
		return -1;
	}
	/* libnetconf2 switches libyang to printing; pmipd stores libyang errors. */
	ly_log_options(LY_LOSTORE);
	nc_server_set_capab_withdefaults(NC_WD_EXPLICIT, NC_WD_ALL | NC_WD_ALL_TAG | NC_WD_TRIM);
	nc_server_set_capability("urn:ietf:params:netconf:capability:notification:1.0");
	nc_server_set_capability("urn:ietf:params:netconf:capability:interleave:1.0");
	nc_server_set_hello_timeout(NC_HELLO_TIMEOUT);
	nc_set_global_rpc_clb(nc_rpc_dispatch);
	/* The built-in get-schema corrupts memory with libyang 2.1: replace it. */
	gs = lys_find_path(e->ly_ctx, NULL, "/ietf-netconf-monitoring:get-schema", 0);
	if (gs != NULL)
		((struct lysc_node *)gs)->priv = (void *)nc_rpc_get_schema;
	nc_auth_init();
	srv.ps = nc_ps_new();
	if (srv.ps == NULL)
		goto fail;
	srv.engine = e;
	srv.stopping = false;
	if (nc_notif_start(e) < 0)
		goto fail;
	for (srv.n_threads = 0; srv.n_threads < NC_THREADS; srv.n_threads++)
		if (pthread_create(&srv.threads[srv.n_threads], NULL, nc_worker, NULL) != 0)
			break;
	if (srv.n_threads == 0)
		goto fail;
	srv.runtime = true;
	nc_stats_start();
	return 0;
fail:
	nc_notif_stop();
	nc_ps_free(srv.ps);
	srv.ps = NULL;
	srv.engine = NULL;
	nc_server_destroy();
	snprintf(err->msg, sizeof(err->msg), "cannot start the NETCONF server threads");
	return -1;
}

static int
nc_check_bind(const char *address, uint16_t port, struct nb_error *err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1, rc = -1;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, address, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
		len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, address, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		len = sizeof(struct sockaddr_in6);
	} else {
		snprintf(err->msg, sizeof(err->msg), "invalid address %s", address);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		rc = bind(fd, (struct sockaddr *)&ss, len);
	}
	if (rc < 0)
		snprintf(err->msg, sizeof(err->msg), "cannot listen on %s port %u: %s", address,
		         port, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Does @s need a (new) listening socket for SSH or TLS that @cur lacks? */
static bool
nc_ssh_moved(const struct nc_settings *cur, const struct nc_settings *s)
{
	return s->ssh_on && (cur == NULL || !cur->ssh_on || strcmp(cur->address, s->address) != 0 ||
	                     cur->port != s->port);
}

static bool
nc_tls_moved(const struct nc_settings *cur, const struct nc_settings *s)
{
	return s->tls_on &&
	       (cur == NULL || !cur->tls_on || strcmp(cur->tls_address, s->tls_address) != 0 ||
	        cur->tls_port != s->tls_port);
}

int
nc_server_check_bind_changed(const struct nc_settings *s, struct nb_error *err)
{
	const struct nc_settings *cur = srv.cfg;

	snprintf(err->app_tag, sizeof(err->app_tag), "operation-failed");
	if (nc_ssh_moved(cur, s) && nc_check_bind(s->address, s->port, err) < 0)
		return -1;
	if (nc_tls_moved(cur, s) && nc_check_bind(s->tls_address, s->tls_port, err) < 0)
		return -1;
	return 0;
}

static int
nc_ssh_open(const struct nc_settings *s, struct nb_error *err)
{
	if (nc_check_bind(s->address, s->port, err) < 0)
		return -1;
	if (nc_server_add_endpt(NC_ENDPT, NC_TI_LIBSSH) != 0)
		goto fail;
	if (nc_server_endpt_set_address(NC_ENDPT, s->address) != 0 ||
	    nc_server_endpt_set_port(NC_ENDPT, s->port) != 0 ||
	    nc_server_ssh_endpt_add_hostkey(NC_ENDPT, NC_HOSTKEY, -1) != 0 ||
	    nc_server_ssh_endpt_set_auth_methods(NC_ENDPT, NC_SSH_AUTH_PUBLICKEY |
	                                                           NC_SSH_AUTH_PASSWORD) != 0) {
		nc_server_del_endpt(NC_ENDPT, 0);
		goto fail;
	}
	return 0;
fail:
	snprintf(err->msg, sizeof(err->msg), "cannot open the NETCONF SSH endpoint on %s port %u",
	         s->address, s->port);
	return -1;
}

static int
nc_tls_open(const struct nc_settings *s, struct nb_error *err)
{
	if (nc_check_bind(s->tls_address, s->tls_port, err) < 0)
		return -1;
	if (nc_server_add_endpt(NC_ENDPT_TLS, NC_TI_OPENSSL) != 0)
		goto fail;
	if (nc_server_tls_endpt_set_server_cert(NC_ENDPT_TLS, NC_SERVER_CERT) != 0 ||
	    nc_server_tls_endpt_set_trusted_ca_paths(NC_ENDPT_TLS, s->tls_ca, NULL) != 0)
		goto fail_del;
	for (size_t i = 0; i < s->n_ctn; i++)
		if (nc_server_tls_endpt_add_ctn(NC_ENDPT_TLS, s->ctn[i].id, s->ctn[i].fingerprint,
		                                (NC_TLS_CTN_MAPTYPE)s->ctn[i].map_type,
		                                s->ctn[i].name[0] != '\0' ? s->ctn[i].name
		                                                          : NULL) != 0)
			goto fail_del;
	/* The socket opens once address and port are both set: last. */
	if (nc_server_endpt_set_address(NC_ENDPT_TLS, s->tls_address) != 0 ||
	    nc_server_endpt_set_port(NC_ENDPT_TLS, s->tls_port) != 0)
		goto fail_del;
	return 0;
fail_del:
	nc_server_del_endpt(NC_ENDPT_TLS, 0);
fail:
	snprintf(err->msg, sizeof(err->msg), "cannot open the NETCONF TLS endpoint on %s port %u",
	         s->tls_address, s->tls_port);
	return -1;
}

/* Open the endpoints @s configures (none is open yet). */
static int
nc_endpts_open(const struct nc_settings *s, struct nb_error *err)
{
	if (s->ssh_on && nc_ssh_open(s, err) < 0)
		return -1;
	if (s->tls_on && nc_tls_open(s, err) < 0) {
		if (s->ssh_on)
			nc_server_del_endpt(NC_ENDPT, 0);
		return -1;
	}
	return 0;
}

static void
nc_log_listening(const char *what, const char *proto, const char *address, uint16_t port)
{
	log_info(LOG_SS_NETCONF, "NETCONF server %s on %s port %u (%s)", what, address, port,
	         proto);
}

static void
nc_install(struct nc_settings *s)
{
	struct nc_settings *old;

	nc_server_set_idle_timeout(s->idle_timeout);
	pthread_mutex_lock(&srv.lock);
	old = srv.cfg;
	srv.cfg = s;
	srv.enabled = true;
	pthread_cond_broadcast(&srv.cond);
	pthread_mutex_unlock(&srv.lock);
	nc_settings_free(old);
}

int
nc_server_start(struct pmip_engine *e, struct nc_settings *s, struct nb_error *err)
{
	snprintf(err->app_tag, sizeof(err->app_tag), "operation-failed");
	if (nc_runtime_start(e, err) < 0 || nc_endpts_open(s, err) < 0)
		return -1;
	nc_install(s);
	if (s->ssh_on)
		nc_log_listening("listening", "ssh", s->address, s->port);
	if (s->tls_on)
		nc_log_listening("listening", "tls", s->tls_address, s->tls_port);
	return 0;
}

static void
nc_ssh_reconfigure(const struct nc_settings *cur, const struct nc_settings *s)
{
	struct nb_error err;

	memset(&err, 0, sizeof(err));
	if (cur->ssh_on && !s->ssh_on) {
		nc_server_del_endpt(NC_ENDPT, 0);
		log_info(LOG_SS_NETCONF, "NETCONF SSH endpoint closed");
	} else if (!cur->ssh_on && s->ssh_on) {
		if (nc_ssh_open(s, &err) < 0)
			log_errx(LOG_SS_NETCONF, "%s", err.msg);
		else
			nc_log_listening("listening", "ssh", s->address, s->port);
	} else if (s->ssh_on && nc_ssh_moved(cur, s)) {
		if (nc_server_endpt_set_address(NC_ENDPT, s->address) != 0 ||
		    nc_server_endpt_set_port(NC_ENDPT, s->port) != 0)
			log_errx(LOG_SS_NETCONF, "cannot move the NETCONF endpoint to %s port %u",
			         s->address, s->port);
		else
			nc_log_listening("now listening", "ssh", s->address, s->port);
	}
}

/* A TLS change re-creates the endpoint; established sessions stay. */
static void
nc_tls_reconfigure(const struct nc_settings *cur, const struct nc_settings *s)
{
	struct nb_error err;

	memset(&err, 0, sizeof(err));
	if (!nc_tls_differs(cur, s))
		return;
	if (cur->tls_on)
		nc_server_del_endpt(NC_ENDPT_TLS, 0);
	if (!s->tls_on)
		log_info(LOG_SS_NETCONF, "NETCONF TLS endpoint closed");
	else if (nc_tls_open(s, &err) < 0)
		log_errx(LOG_SS_NETCONF, "%s", err.msg);
	else
		nc_log_listening(cur->tls_on ? "now listening" : "listening", "tls", s->tls_address,
		                 s->tls_port);
}

void
nc_server_reconfigure(struct nc_settings *s)
{
	const struct nc_settings *cur = srv.cfg;

	if (cur != NULL) {
		nc_ssh_reconfigure(cur, s);
		nc_tls_reconfigure(cur, s);
	}
	nc_install(s);
}

/* End every session: they surface as NC_PSPOLL_SESSION_TERM on the threads. */
static void
nc_sessions_end(void)
{
	struct nc_session *s;

	pthread_mutex_lock(&srv.lock);
	for (uint16_t i = 0; srv.ps != NULL && (s = nc_ps_get_session(srv.ps, i)) != NULL; i++) {
		nc_session_set_term_reason(s, NC_SESSION_TERM_OTHER);
		nc_session_set_status(s, NC_STATUS_INVALID);
	}
	pthread_mutex_unlock(&srv.lock);
}

int
nc_server_kill(uint32_t victim, uint32_t killer)
{
	struct nc_session *s;
	int rc = -ENOENT;

	pthread_mutex_lock(&srv.lock);
	for (uint16_t i = 0; srv.ps != NULL && (s = nc_ps_get_session(srv.ps, i)) != NULL; i++) {
		if (nc_session_get_id(s) != victim)
			continue;
		nc_session_set_term_reason(s, NC_SESSION_TERM_KILLED);
		nc_session_set_killed_by(s, killer);
		nc_session_set_status(s, NC_STATUS_INVALID);
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&srv.lock);
	return rc;
}

void
nc_server_disable(void)
{
	struct nc_settings *old;

	if (!srv.runtime)
		return;
	if (srv.cfg != NULL && srv.cfg->ssh_on)
		nc_server_del_endpt(NC_ENDPT, 0);
	if (srv.cfg != NULL && srv.cfg->tls_on)
		nc_server_del_endpt(NC_ENDPT_TLS, 0);
	pthread_mutex_lock(&srv.lock);
	old = srv.cfg;
	srv.cfg = NULL;
	srv.enabled = false;
	pthread_mutex_unlock(&srv.lock);
	nc_settings_free(old);
	nc_sessions_end();
	log_info(LOG_SS_NETCONF, "NETCONF server stopped listening");
}

bool
nc_server_enabled(void)
{
	bool on;

	pthread_mutex_lock(&srv.lock);
	on = srv.enabled;
	pthread_mutex_unlock(&srv.lock);
	return on;
}

const struct nc_settings *
nc_server_cfg_lock(void)
{
	pthread_mutex_lock(&srv.lock);
	return srv.cfg;
}

void
nc_server_cfg_unlock(void)
{
	pthread_mutex_unlock(&srv.lock);
}

struct pmip_engine *
nc_server_engine(void)
{
	return srv.engine;
}

void
nc_shutdown(void)
{
	struct nc_call *c;

	if (!srv.runtime)
		return;
	pthread_mutex_lock(&srv.lock);
	srv.stopping = true;
	srv.enabled = false;
	pthread_cond_broadcast(&srv.cond);
	pthread_mutex_unlock(&srv.lock);
	for (size_t i = 0; i < srv.n_threads; i++)
		pthread_join(srv.threads[i], NULL);
	srv.n_threads = 0;
	/* The loop no longer runs: calls still queued are never run. */
	while ((c = srv.calls) != NULL) {
		srv.calls = c->next;
		if (c->result != NULL && c->result_free != NULL)
			c->result_free(c->result);
		free(c);
	}
	nc_notif_stop();
	nc_ps_clear(srv.ps, 1, NULL);
	nc_ps_free(srv.ps);
	srv.ps = NULL;
	nc_server_destroy();
	nc_rpc_fini();
	nc_settings_free(srv.cfg);
	srv.cfg = NULL;
	srv.engine = NULL;
	srv.runtime = false;
	nc_stats_fini();
	nc_thread_destroy();
}
