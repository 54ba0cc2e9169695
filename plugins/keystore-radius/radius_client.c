/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * radius_client.c - asynchronous RADIUS client: identifiers, retransmission, failover.
 *
 * State of one request (see README.md for the full picture):
 *
 *   start --> SENT(server s, try 1) --timer, try <= retries--> SENT(s, try+1)
 *                |    |                                          (retransmit)
 *                |    +--timer, tries used up--> mark s dead --> next live server?
 *                |                                   yes: SENT(s', try 1) (failover)
 *                |                                   no:  done(TIMEOUT)
 *                +--valid Accept/Reject/Challenge--> done(ACCEPT or REJECT)
 *   Invalid responses are counted and dropped; the request stays SENT.
 *
 * A server marked dead gets a probe: an rc_req that is not on the request
 * list, whose timer fires every status-interval and sends a fresh
 * Status-Server (RFC 5997) until a valid answer revives the server or
 * dead-time passes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ev.h"
#include "log.h"
#include "radius_client.h"

struct rc_req;

struct rc_server {
	struct radius_server_cfg cfg;
	int fd;
	struct ev_io *io;
	uint64_t dead_until_ms;
	uint8_t next_id;
	struct rc_req *by_id[256];
	struct rc_req *probe; /* Status-Server probe while dead, else NULL */
	struct radius_client *c;
	char name[32]; /* "a.b.c.d:port" for logs */
};

struct rc_req {
	struct rc_req *next, *prev;
	struct radius_client *c;
	uint64_t id;
	struct rc_server *srv; /* NULL when not on the wire */
	size_t si;             /* index of the current server */
	unsigned tries;
	bool abort;
	bool linked;
	bool probe; /* a Status-Server probe of server si, not a lookup */
	struct ev_timer *timer;
	radius_done_fn fn;
	void *arg;
	char user[RADIUS_ATTR_MAX + 1];
	struct radius_msg msg;
};

struct radius_client {
	struct ev_loop *loop;
	struct radius_client_cfg cfg;
	struct rc_server *srv; /* cfg.nsrv entries */
	struct rc_req *reqs;
	uint64_t next_id;
	struct radius_counters cnt;
};

static struct log_ratelimit rc_rl = LOG_RATELIMIT_INIT(10, 10);

static void rc_recv(int fd, unsigned what, void *arg);
static void rc_timer(void *arg);
static void rc_req_free(struct rc_req *r);

static void
rc_servers_free(struct rc_server *srv, size_t n)
{
	for (size_t i = 0; srv != NULL && i < n; i++) {
		if (srv[i].probe != NULL)
			rc_req_free(srv[i].probe);
		ev_io_free(srv[i].io);
		if (srv[i].fd >= 0)
			close(srv[i].fd);
		OPENSSL_cleanse(&srv[i].cfg, sizeof(srv[i].cfg));
	}
	free(srv);
}

struct radius_client *
radius_client_new(struct ev_loop *loop)
{
	struct radius_client *c = calloc(1, sizeof(*c));

	if (c != NULL)
		c->loop = loop;
	return c;
}

static void
rc_req_release(struct rc_req *r)
{
	if (r->srv != NULL) {
		r->srv->by_id[r->msg.buf[1]] = NULL;
		r->srv = NULL;
	}
}

/* Take @r off the wire and out of the client's list; cancel can no longer find it. */
static void
rc_req_unlink(struct rc_req *r)
{
	struct radius_client *c = r->c;

	ev_timer_del(r->timer);
	rc_req_release(r);
	if (!r->linked)
		return;
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		c->reqs = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	r->linked = false;
	c->cnt.pending--;
}

static void
rc_req_free(struct rc_req *r)
{
	rc_req_unlink(r);
	ev_timer_free(r->timer);
	OPENSSL_cleanse(&r->msg, sizeof(r->msg));
	free(r);
}

void
radius_client_free(struct radius_client *c)
{
	if (c == NULL)
		return;
	while (c->reqs != NULL)
		rc_req_free(c->reqs);
	rc_servers_free(c->srv, c->cfg.nsrv);
	OPENSSL_cleanse(&c->cfg, sizeof(c->cfg));
	free(c);
}

static int
rc_server_open(struct radius_client *c, struct rc_server *s, char *errmsg, size_t errlen)
{
	char a[INET_ADDRSTRLEN];

	s->c = c;
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	inet_ntop(AF_INET, &s->cfg.addr.sin_addr, a, sizeof(a));
	snprintf(s->name, sizeof(s->name), "%s:%u", a, ntohs(s->cfg.addr.sin_port));
	if (s->fd < 0 ||
	    connect(s->fd, (const struct sockaddr *)&s->cfg.addr, sizeof(s->cfg.addr)) != 0) {
		snprintf(errmsg, errlen, "radius server %s: socket: %s", s->name, strerror(errno));
		return -1;
	}
	s->io = ev_io_new(c->loop, s->fd, EV_IO_READ, rc_recv, s);
	if (s->io == NULL) {
		snprintf(errmsg, errlen, "radius server %s: cannot watch the socket", s->name);
		return -1;
	}
	return 0;
}

int
radius_client_configure(struct radius_client *c, const struct radius_client_cfg *cfg, char *errmsg,
                        size_t errlen)
{
	struct rc_server *srv;

	if (cfg->nsrv > RADIUS_SERVERS_MAX || cfg->nas_identifier[0] == '\0' ||
	    cfg->passwordlen > RADIUS_PASSWORD_MAX) {
		snprintf(errmsg, errlen, "radius: bad client settings");
		return -1;
	}
	for (size_t i = 0; i < cfg->nsrv; i++) {
		const struct radius_server_cfg *s = &cfg->srv[i];

		if (s->secretlen == 0 || s->secretlen > RADIUS_SECRET_MAX || s->timeout_ms == 0 ||
		    s->timeout_ms > 60000 || s->retries > 10) {
			snprintf(errmsg, errlen,
			         "radius server %zu: bad secret, timeout or retries", i + 1);
			return -1;
		}
	}
	srv = calloc(cfg->nsrv > 0 ? cfg->nsrv : 1, sizeof(*srv));
	if (srv == NULL) {
		snprintf(errmsg, errlen, "radius: out of memory");
		return -1;
	}
	for (size_t i = 0; i < cfg->nsrv; i++)
		srv[i].fd = -1;
	for (size_t i = 0; i < cfg->nsrv; i++) {
		srv[i].cfg = cfg->srv[i];
		if (rc_server_open(c, &srv[i], errmsg, errlen) != 0) {
			rc_servers_free(srv, cfg->nsrv);
			return -1;
		}
	}
	/* Requests on the old sockets end with an error from their timers. */
	for (struct rc_req *r = c->reqs; r != NULL; r = r->next) {
		rc_req_release(r);
		r->abort = true;
		ev_timer_arm(r->timer, 0);
	}
	rc_servers_free(c->srv, c->cfg.nsrv);
	OPENSSL_cleanse(&c->cfg, sizeof(c->cfg));
	c->cfg = *cfg;
	c->srv = srv;
	return 0;
}

static bool
rc_alive(const struct rc_server *s, uint64_t now)
{
	return s->dead_until_ms == 0 || now >= s->dead_until_ms;
}

bool
radius_client_server_dead(const struct radius_client *c, size_t i)
{
	return i < c->cfg.nsrv && !rc_alive(&c->srv[i], ev_now_ms());
}

size_t
radius_client_server_count(const struct radius_client *c)
{
	return c->cfg.nsrv;
}

/*
 * Start packet @code on @r for server @s: a free Identifier, a random
 * Request Authenticator, the Message-Authenticator first. 0 or a negative errno.
 */
static int
rc_msg_start(struct rc_server *s, struct rc_req *r, uint8_t code)
{
	uint8_t auth[RADIUS_AUTH_LEN];
	unsigned k;

	for (k = 0; k < 256 && s->by_id[(uint8_t)(s->next_id + k)] != NULL; k++)
		;
	if (k == 256)
		return -EAGAIN;
	if (RAND_bytes(auth, sizeof(auth)) != 1)
		return -EIO;
	radius_msg_init(&r->msg, code, (uint8_t)(s->next_id + k), auth);
	s->next_id = (uint8_t)(s->next_id + k + 1);
	return radius_msg_add_msg_auth(&r->msg) == 0 ? 0 : -EINVAL;
}

/* Send a fresh Status-Server on the probe of @s and re-arm it. */
static void
rc_probe_send(struct rc_server *s)
{
	struct radius_client *c = s->c;
	struct rc_req *r = s->probe;
	int rc;

	rc_req_release(r); /* an unanswered probe gives its Identifier back */
	rc = rc_msg_start(s, r, RADIUS_STATUS_SERVER);
	if (rc == 0)
		rc = radius_msg_add_attr(&r->msg, RADIUS_ATTR_NAS_IDENTIFIER, c->cfg.nas_identifier,
		                         strlen(c->cfg.nas_identifier));
	if (rc == 0)
		rc = radius_msg_sign(&r->msg, s->cfg.secret, s->cfg.secretlen);
	if (rc == 0) {
		s->by_id[r->msg.buf[1]] = r;
		r->srv = s;
		c->cnt.probes++;
		log_debug(LOG_SS_RADIUS, "server %s: Status-Server id %u", s->name, r->msg.buf[1]);
		if (send(s->fd, r->msg.buf, r->msg.len, 0) < 0)
			log_rl(&rc_rl, LOG_SS_RADIUS, LOG_WARNING, "server %s: send: %s", s->name,
			       strerror(errno));
	}
	ev_timer_arm(r->timer, (uint64_t)c->cfg.status_interval_s * 1000);
}

/* Stop probing @s. */
static void
rc_probe_stop(struct rc_server *s)
{
	if (s->probe != NULL) {
		rc_req_free(s->probe);
		s->probe = NULL;
	}
}

/* Start probing dead server @si (no-op when probes are off or running). */
static void
rc_probe_start(struct radius_client *c, size_t si)
{
	struct rc_server *s = &c->srv[si];
	struct rc_req *r;

	if (c->cfg.status_interval_s == 0 || s->probe != NULL)
		return;
	r = calloc(1, sizeof(*r));
	if (r != NULL)
		r->timer = ev_timer_new(c->loop, rc_timer, r);
	if (r == NULL || r->timer == NULL) {
		free(r);
		log_rl(&rc_rl, LOG_SS_RADIUS, LOG_WARNING, "server %s: cannot probe: out of memory",
		       s->name);
		return;
	}
	r->c = c;
	r->probe = true;
	r->si = si;
	s->probe = r;
	/* It has just failed to answer: the first probe waits one interval. */
	ev_timer_arm(r->timer, (uint64_t)c->cfg.status_interval_s * 1000);
}

/* Probe timer: dead-time over (stop), else probe again. */
static void
rc_probe_tick(struct rc_req *r)
{
	struct rc_server *s = &r->c->srv[r->si];

	if (rc_alive(s, ev_now_ms())) {
		rc_probe_stop(s); /* frees @r */
		return;
	}
	rc_probe_send(s);
}

/* Build the request for server @si and put it on the wire; 0 or a negative errno. */
static int
rc_send_to(struct rc_req *r, size_t si)
{
	struct radius_client *c = r->c;
	struct rc_server *s = &c->srv[si];
	size_t ulen = strlen(r->user);
	int rc;

	rc = rc_msg_start(s, r, RADIUS_ACCESS_REQUEST);
	if (rc != 0)
		return rc;
	if (rc == 0)
		rc = radius_msg_add_attr(&r->msg, RADIUS_ATTR_USER_NAME, r->user, ulen);
	if (rc == 0 && c->cfg.passwordlen > 0)
		rc = radius_msg_add_user_password(&r->msg, s->cfg.secret, s->cfg.secretlen,
		                                  c->cfg.password, c->cfg.passwordlen);
	if (rc == 0)
		rc = radius_msg_add_attr(&r->msg, RADIUS_ATTR_NAS_IDENTIFIER, c->cfg.nas_identifier,
		                         strlen(c->cfg.nas_identifier));
	if (rc == 0)
		rc = radius_msg_sign(&r->msg, s->cfg.secret, s->cfg.secretlen);
	if (rc != 0)
		return -EINVAL;
	s->by_id[r->msg.buf[1]] = r;
	r->srv = s;
	r->si = si;
	r->tries = 1;
	c->cnt.requests++;
	if (send(s->fd, r->msg.buf, r->msg.len, 0) < 0)
		log_rl(&rc_rl, LOG_SS_RADIUS, LOG_WARNING, "server %s: send: %s", s->name,
		       strerror(errno));
	ev_timer_arm(r->timer, s->cfg.timeout_ms);
	return 0;
}

/* First live server at or after @from, or -1. */
static long
rc_next_live(struct radius_client *c, size_t from)
{
	uint64_t now = ev_now_ms();

	for (size_t i = from; i < c->cfg.nsrv; i++)
		if (rc_alive(&c->srv[i], now))
			return (long)i;
	return -1;
}

static void
rc_finish(struct rc_req *r, enum radius_result res, const struct radius_reply *reply)
{
	radius_done_fn fn = r->fn;
	void *arg = r->arg;

	rc_req_unlink(r);
	fn(res, reply, arg);
	rc_req_free(r);
}

static void
rc_timer(void *arg)
{
	struct rc_req *r = arg;
	struct radius_client *c = r->c;
	struct rc_server *s = r->srv;
	long next;

	if (r->probe) {
		rc_probe_tick(r);
		return;
	}
	if (r->abort || s == NULL) {
		rc_finish(r, RADIUS_RES_ERROR, NULL);
		return;
	}
	c->cnt.timeouts++;
	if (r->tries <= s->cfg.retries) {
		r->tries++;
		c->cnt.retransmissions++;
		log_debug(LOG_SS_RADIUS, "server %s: retransmit id %u (try %u)", s->name,
		          r->msg.buf[1], r->tries);
		if (send(s->fd, r->msg.buf, r->msg.len, 0) < 0)
			log_rl(&rc_rl, LOG_SS_RADIUS, LOG_WARNING, "server %s: send: %s", s->name,
			       strerror(errno));
		ev_timer_arm(r->timer, s->cfg.timeout_ms);
		return;
	}
	rc_req_release(r);
	if (c->cfg.dead_time_s > 0 && rc_alive(s, ev_now_ms())) {
		s->dead_until_ms = ev_now_ms() + (uint64_t)c->cfg.dead_time_s * 1000;
		log_warnx(LOG_SS_RADIUS, "server %s: no answer, marked dead for %u s", s->name,
		          c->cfg.dead_time_s);
		rc_probe_start(c, r->si);
	}
	for (next = rc_next_live(c, r->si + 1); next >= 0; next = rc_next_live(c, next + 1)) {
		c->cnt.failovers++;
		log_info(LOG_SS_RADIUS, "failing over from %s to %s", s->name, c->srv[next].name);
		if (rc_send_to(r, (size_t)next) == 0)
			return;
	}
	rc_finish(r, RADIUS_RES_TIMEOUT, NULL);
}

int
radius_client_access_request(struct radius_client *c, const char *user_name, radius_done_fn fn,
                             void *arg, uint64_t *id)
{
	struct rc_req *r;
	long si;
	int rc;

	if (c == NULL || user_name == NULL || fn == NULL || id == NULL || user_name[0] == '\0' ||
	    strlen(user_name) > RADIUS_ATTR_MAX)
		return -EINVAL;
	if (c->cfg.nsrv == 0)
		return -ENOTCONN;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->timer = ev_timer_new(c->loop, rc_timer, r);
	if (r->timer == NULL) {
		free(r);
		return -ENOMEM;
	}
	r->c = c;
	r->fn = fn;
	r->arg = arg;
	strcpy(r->user, user_name);
	r->next = c->reqs;
	if (r->next != NULL)
		r->next->prev = r;
	c->reqs = r;
	r->linked = true;
	c->cnt.pending++;
	/* When every server is dead, try them all in order anyway. */
	si = rc_next_live(c, 0);
	rc = rc_send_to(r, si >= 0 ? (size_t)si : 0);
	if (rc != 0) {
		rc_req_free(r);
		return rc;
	}
	r->id = ++c->next_id;
	*id = r->id;
	return 0;
}

void
radius_client_cancel(struct radius_client *c, uint64_t id)
{
	for (struct rc_req *r = c->reqs; r != NULL; r = r->next) {
		if (r->id == id) {
			rc_req_free(r);
			return;
		}
	}
}

void
radius_client_counters(const struct radius_client *c, struct radius_counters *out)
{
	*out = c->cnt;
}

/* Handle one datagram from server @s. */
static void
rc_input(struct rc_server *s, const uint8_t *buf, size_t n)
{
	struct radius_client *c = s->c;
	struct radius_reply reply;
	struct rc_req *r;
	int len, rc;
	uint8_t code;

	len = radius_msg_check(buf, n);
	if (len < 0) {
		c->cnt.malformed++;
		log_rl(&rc_rl, LOG_SS_RADIUS, LOG_NOTICE, "server %s: dropped: %s", s->name,
		       radius_strerror(len));
		return;
	}
	code = buf[0];
	if (code != RADIUS_ACCESS_ACCEPT && code != RADIUS_ACCESS_REJECT &&
	    code != RADIUS_ACCESS_CHALLENGE) {
		c->cnt.unknown_types++;
		log_rl(&rc_rl, LOG_SS_RADIUS, LOG_NOTICE, "server %s: dropped code %u", s->name,
		       code);
		return;
	}
	r = s->by_id[buf[1]];
	if (r == NULL) {
		c->cnt.packets_dropped++;
		log_debug(LOG_SS_RADIUS, "server %s: no request for id %u", s->name, buf[1]);
		return;
	}
	rc = radius_msg_verify_response(buf, (size_t)len, r->msg.buf + 4, s->cfg.secret,
	                                s->cfg.secretlen, true);
	if (rc != 0) {
		if (rc == RADIUS_E_NO_MSG_AUTH)
			c->cnt.malformed++;
		else
			c->cnt.bad_authenticators++;
		log_rl(&rc_rl, LOG_SS_RADIUS, LOG_NOTICE, "server %s: id %u dropped: %s", s->name,
		       buf[1], radius_strerror(rc));
		return;
	}
	if (r->probe) {
		c->cnt.probe_answers++;
		s->dead_until_ms = 0;
		log_info(LOG_SS_RADIUS, "server %s answers Status-Server: back in service",
		         s->name);
		rc_probe_stop(s);
		return;
	}
	s->dead_until_ms = 0;
	rc_probe_stop(s);
	if (code == RADIUS_ACCESS_ACCEPT)
		c->cnt.access_accepts++;
	else if (code == RADIUS_ACCESS_REJECT)
		c->cnt.access_rejects++;
	else
		c->cnt.access_challenges++;
	reply.pkt = buf;
	reply.len = (size_t)len;
	reply.req_auth = r->msg.buf + 4;
	reply.secret = s->cfg.secret;
	reply.secretlen = s->cfg.secretlen;
	rc_finish(r, code == RADIUS_ACCESS_ACCEPT ? RADIUS_RES_ACCEPT : RADIUS_RES_REJECT, &reply);
}

static void
rc_recv(int fd, unsigned what, void *arg)
{
	uint8_t buf[RADIUS_MAX_LEN + 1];
	ssize_t n;

	/*
	 * One datagram per callback: the watcher is level-triggered, and a
	 * completion may reconfigure or free the client, so @arg must not be
	 * touched after rc_input().
	 */
	n = recv(fd, buf, sizeof(buf), 0);
	if (n >= 0)
		rc_input(arg, buf, (size_t)n);
}
