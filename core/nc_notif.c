/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nc_notif.c - NETCONF notifications (RFC 5277): subscriptions and sending.
 *
 * The NETCONF server subscribes to the event bus (event.h). An event becomes
 * a notification tree on the loop thread and goes into a bounded queue; a
 * notifier thread sends each queued notification to every subscriber whose
 * filter selects it, with a short timeout so that one slow client cannot
 * hold the others up. The subscriber list is protected by nc_notif.lock,
 * which the notifier holds while sending: a NETCONF thread removes a session
 * (nc_notif_session_end) before freeing it, so a session is never sent to
 * after it is freed. Only the NETCONF stream exists, without replay.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libyang/libyang.h>
#include <nc_server.h>

#include "engine.h"
#include "event.h"
#include "ha.h"
#include "log.h"
#include "mip_codes.h"
#include "nc.h"

#define NC_NOTIF_QUEUE_MAX 256 /* queued notifications; older ones are dropped */
#define NC_NOTIF_SEND_MS   200 /* per subscriber and notification */

struct nc_sub {
	struct nc_session *s;
	struct lyd_node *filter; /* copy of the <filter>, or NULL */
	struct nc_sub *next;
};

struct nc_notif_item {
	struct lyd_node *tree;
	char *time;
	struct nc_notif_item *next;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool running, stopping;
	struct nc_sub *subs;
	struct nc_notif_item *head, **tail;
	size_t queued;
	uint64_t dropped;
	struct pmip_engine *engine;
} nn = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static struct log_ratelimit nc_notif_rl = LOG_RATELIMIT_INIT(10, 5);

static void
nc_item_free(struct nc_notif_item *it)
{
	lyd_free_all(it->tree);
	free(it->time);
	free(it);
}

static bool
nc_sub_wants(const struct nc_sub *sub, const struct lyd_node *tree)
{
	struct lyd_node *out = NULL;
	struct nb_error err;
	bool want;

	if (sub->filter == NULL)
		return true;
	if (nc_filter(tree, sub->filter, &out, &err) < 0)
		return false;
	want = out != NULL;
	lyd_free_all(out);
	return want;
}

static void
nc_send(struct nc_notif_item *it)
{
	struct nc_server_notif *n = nc_server_notif_new(it->tree, it->time, NC_PARAMTYPE_CONST);

	if (n == NULL)
		return;
	for (struct nc_sub *sub = nn.subs; sub != NULL; sub = sub->next) {
		if (!nc_sub_wants(sub, it->tree))
			continue;
		if (nc_server_notif_send(sub->s, n, NC_NOTIF_SEND_MS) == NC_MSG_NOTIF)
			nc_server_count_notification(nc_session_get_id(sub->s));
		else
			log_rl(&nc_notif_rl, LOG_SS_NETCONF, LOG_WARNING,
			       "NETCONF session %u: notification not sent",
			       nc_session_get_id(sub->s));
	}
	nc_server_notif_free(n);
}

static void *
nc_notifier(void *arg)
{
	struct nc_notif_item *it;

	(void)arg;
	pthread_mutex_lock(&nn.lock);
	while (!nn.stopping) {
		if (nn.head == NULL) {
			pthread_cond_wait(&nn.cond, &nn.lock);
			continue;
		}
		it = nn.head;
		nn.head = it->next;
		if (nn.head == NULL)
			nn.tail = &nn.head;
		nn.queued--;
		nc_send(it); /* under the lock: subscribers stay valid */
		nc_item_free(it);
		ly_err_clean(nn.engine->ly_ctx, NULL);
	}
	pthread_mutex_unlock(&nn.lock);
	nc_thread_destroy();
	return NULL;
}

static void
nc_enqueue(struct lyd_node *tree)
{
	struct nc_notif_item *it = calloc(1, sizeof(*it)), *old = NULL;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (it == NULL || ly_time_ts2str(&ts, &it->time) != LY_SUCCESS) {
		free(it);
		lyd_free_all(tree);
		return;
	}
	it->tree = tree;
	pthread_mutex_lock(&nn.lock);
	if (nn.subs == NULL) { /* nobody listens */
		pthread_mutex_unlock(&nn.lock);
		nc_item_free(it);
		return;
	}
	if (nn.queued >= NC_NOTIF_QUEUE_MAX) {
		old = nn.head;
		nn.head = old->next;
		if (nn.head == NULL)
			nn.tail = &nn.head;
		nn.queued--;
		nn.dropped++;
	}
	*nn.tail = it;
	nn.tail = &it->next;
	nn.queued++;
	pthread_cond_signal(&nn.cond);
	pthread_mutex_unlock(&nn.lock);
	if (old != NULL) {
		nc_item_free(old);
		log_rl(&nc_notif_rl, LOG_SS_NETCONF, LOG_WARNING,
		       "NETCONF notification queue full: oldest dropped");
	}
}

static int
nc_notif_addr(struct lyd_node *n, const char *name, struct in_addr a)
{
	char buf[INET_ADDRSTRLEN];

	return lyd_new_term(n, NULL, name, inet_ntop(AF_INET, &a, buf, sizeof(buf)), 0, NULL) ==
	                       LY_SUCCESS
	               ? 0
	               : -1;
}

static int
nc_notif_term(struct lyd_node *n, const char *name, const char *value)
{
	return lyd_new_term(n, NULL, name, value, 0, NULL) == LY_SUCCESS ? 0 : -1;
}

static int
nc_notif_u64(struct lyd_node *n, const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return nc_notif_term(n, name, buf);
}

/* Loop thread: an event from the bus becomes a notification. */
static void
nc_event_cb(enum pmip_event_type type, const struct pmip_event *ev, void *arg)
{
	struct pmip_engine *e = arg;
	const struct lys_module *mod = ly_ctx_get_module_implemented(e->ly_ctx, "pmip");
	const char *role = ev->role != NULL ? ev->role : "proxy";
	struct lyd_node *n = NULL;
	int rc;

	bool proxy = strcmp(role, "proxy") == 0;
	char pfx[INET_ADDRSTRLEN + 4], ab[INET_ADDRSTRLEN];

	if (type == PMIP_EVENT_REG_FAILURE) {
		/* The proxy names its foreign agent and the care-of address apart. */
		rc = lyd_new_inner(NULL, mod, "registration-failure", 0, &n) != LY_SUCCESS ||
		     nc_notif_term(n, "role", role) < 0 ||
		     nc_notif_addr(n, "home-address", ev->hoa) < 0 ||
		     (ev->nai != NULL && nc_notif_term(n, "nai", ev->nai) < 0) ||
		     nc_notif_addr(n, "home-agent", ev->ha) < 0 ||
		     nc_notif_addr(n, "foreign-agent", proxy ? ev->fa : ev->coa) < 0 ||
		     (proxy && nc_notif_addr(n, "care-of-address", ev->coa) < 0) ||
		     nc_notif_addr(n, "peer", ev->peer) < 0 ||
		     nc_notif_u64(n, "code", ev->code) < 0 ||
		     nc_notif_u64(n, "identification", ev->id) < 0 ||
		     nc_notif_term(n, "reason",
		                   ev->text != NULL ? ev->text : mip_code_name(ev->code)) < 0;
	} else if (type == PMIP_EVENT_HA_UNREACHABLE) {
		snprintf(pfx, sizeof(pfx), "%s/%u", inet_ntop(AF_INET, &ev->prefix, ab, sizeof(ab)),
		         (unsigned)ev->prefix_len);
		rc = lyd_new_inner(NULL, mod, "ha-unreachable", 0, &n) != LY_SUCCESS ||
		     nc_notif_term(n, "role", role) < 0 ||
		     nc_notif_term(n, "reason", event_unreach_name(ev->reason)) < 0 ||
		     nc_notif_addr(n, "home-agent", ev->ha) < 0 ||
		     nc_notif_term(n, "prefix", pfx) < 0 ||
		     (ev->text != NULL && nc_notif_term(n, "description", ev->text) < 0);
	} else if (type == PMIP_EVENT_AAP_FAILOVER) {
		rc = lyd_new_inner(NULL, mod, "aap-failover", 0, &n) != LY_SUCCESS ||
		     nc_notif_addr(n, "previous-aap", ev->old_peer) < 0 ||
		     nc_notif_addr(n, "aap", ev->peer) < 0 ||
		     nc_notif_u64(n, "priority", (uint64_t)ev->reason) < 0;
	} else if (type == PMIP_EVENT_AUTH_FAILURE) {
		rc = lyd_new_inner(NULL, mod, "authentication-failure", 0, &n) != LY_SUCCESS ||
		     nc_notif_term(n, "role", role) < 0 || nc_notif_addr(n, "peer", ev->peer) < 0 ||
		     nc_notif_u64(n, "spi", ev->spi) < 0 ||
		     nc_notif_u64(n, "identification", ev->id) < 0 ||
		     nc_notif_term(n, "reason",
		                   ha_secviol_reason_name((enum ha_secviol_reason)ev->reason)) < 0;
	} else {
		return;
	}
	if (rc != 0) {
		lyd_free_all(n);
		return;
	}
	nc_enqueue(n);
}

int
nc_notif_start(struct pmip_engine *e)
{
	nn.engine = e;
	nn.stopping = false;
	nn.tail = &nn.head;
	for (int t = 0; t < PMIP_EVENT_MAX; t++)
		if (event_subscribe((enum pmip_event_type)t, nc_event_cb, e) < 0)
			goto fail;
	if (pthread_create(&nn.thread, NULL, nc_notifier, NULL) != 0)
		goto fail;
	nn.running = true;
	return 0;
fail:
	for (int t = 0; t < PMIP_EVENT_MAX; t++)
		event_unsubscribe((enum pmip_event_type)t, nc_event_cb, e);
	return -1;
}

void
nc_notif_stop(void)
{
	struct nc_notif_item *it;
	struct nc_sub *sub;

	if (!nn.running)
		return;
	for (int t = 0; t < PMIP_EVENT_MAX; t++)
		event_unsubscribe((enum pmip_event_type)t, nc_event_cb, nn.engine);
	pthread_mutex_lock(&nn.lock);
	nn.stopping = true;
	pthread_cond_broadcast(&nn.cond);
	pthread_mutex_unlock(&nn.lock);
	pthread_join(nn.thread, NULL);
	while ((it = nn.head) != NULL) {
		nn.head = it->next;
		nc_item_free(it);
	}
	nn.tail = &nn.head;
	nn.queued = 0;
	while ((sub = nn.subs) != NULL) {
		nn.subs = sub->next;
		lyd_free_all(sub->filter);
		free(sub);
	}
	nn.running = false;
}

struct nc_server_reply *
nc_notif_subscribe(struct lyd_node *rpc, struct nc_session *session)
{
	const struct ly_ctx *ctx = LYD_CTX(rpc);
	struct nc_sub *sub;
	struct lyd_node *c, *e;
	const char *err = NULL;
	NC_ERR tag = NC_ERR_INVALID_VALUE;

	LY_LIST_FOR (lyd_child(rpc), c) {
		if (c->schema == NULL)
			continue;
		if (strcmp(c->schema->name, "stream") == 0 &&
		    strcmp(lyd_get_value(c), "NETCONF") != 0)
			err = "only the NETCONF stream exists";
		else if (strcmp(c->schema->name, "startTime") == 0 ||
		         strcmp(c->schema->name, "stopTime") == 0) {
			err = "replay is not supported (no startTime or stopTime)";
			tag = NC_ERR_OP_NOT_SUPPORTED;
		}
	}
	pthread_mutex_lock(&nn.lock);
	for (sub = nn.subs; sub != NULL && err == NULL; sub = sub->next)
		if (sub->s == session) {
			err = "this session already has a subscription";
			tag = NC_ERR_IN_USE;
		}
	pthread_mutex_unlock(&nn.lock);
	if (err == NULL && (sub = calloc(1, sizeof(*sub))) == NULL)
		err = "out of memory";
	if (err != NULL) {
		e = nc_err(ctx, tag, NC_ERR_TYPE_PROT);
		nc_err_set_msg(e, err, "en");
		return nc_server_reply_err(e);
	}
	sub->s = session;
	LY_LIST_FOR (lyd_child(rpc), c)
		if (c->schema != NULL && strcmp(c->schema->name, "filter") == 0)
			lyd_dup_single(c, NULL, LYD_DUP_RECURSIVE, &sub->filter);
	nc_session_inc_notif_status(session);
	pthread_mutex_lock(&nn.lock);
	sub->next = nn.subs;
	nn.subs = sub;
	pthread_mutex_unlock(&nn.lock);
	log_info(LOG_SS_NETCONF, "NETCONF session %u: subscribed to NETCONF notifications",
	         nc_session_get_id(session));
	return nc_server_reply_ok();
}

void
nc_notif_session_end(struct nc_session *session)
{
	struct nc_sub *sub = NULL;

	pthread_mutex_lock(&nn.lock);
	for (struct nc_sub **pp = &nn.subs; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->s == session) {
			sub = *pp;
			*pp = sub->next;
			break;
		}
	}
	pthread_mutex_unlock(&nn.lock);
	if (sub != NULL) {
		lyd_free_all(sub->filter);
		free(sub);
	}
}
