/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keystore.c - the key-store chain: ordered key-store plugins, one lookup walk.
 *
 * Each chain lookup is a struct ks_handle that asks one store at a time (see
 * the diagram in keystore.h). A store's completion does not receive the
 * handle itself but a token, a serial number registered in a process-wide
 * tree while that store's answer is outstanding. A completion whose token is
 * not registered (a second call, a call after cancel, a call after the chain
 * is gone) is therefore detected, logged and ignored instead of touching
 * freed memory. A completion that arrives from inside ops->lookup() breaks
 * the async contract; it is logged and its result is processed from a
 * deferred call, so callers never see a re-entrant completion.
 *
 * Handle life cycle:
 *
 *   lookup --> ASKING store i --answer--> next store / done() + free
 *                 |  ^                      |
 *       sync/free |  | sync answer handled  | cancel: plugin cancel + free
 *                 v  |                      v
 *              DEFERRED (a deferred call owns the handle; cancel only marks it)
 *
 * Everything here runs on the loop thread.
 */
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ev.h"
#include "keystore.h"
#include "log.h"
#include "plugin.h"

#define KS_PREFIX "keystore-"

struct ks_store {
	char name[PMIP_PLUGIN_NAME_MAX];
	struct pmip_plugin *plugin;
	const struct ks_ops *ops;
	void *inst;
	struct ks_status st; /* kept by the chain, shown when get_status is NULL */
};

struct ks_chain {
	struct ks_env env;
	struct ks_handle *pending;
	size_t n;
	struct ks_store stores[];
};

struct ks_handle {
	struct ks_handle *next, **pprev; /* in chain->pending while linked */
	struct ks_chain *chain;          /* NULL once the chain is freed */
	struct ks_query q;
	ks_done_fn done;
	void *arg;
	size_t idx;      /* store being asked */
	uint64_t token;  /* registered while a store's answer is outstanding */
	uint64_t req_id; /* the store's request id, for ops->cancel */
	bool any_not_found;
	bool starting;  /* inside ops->lookup() */
	bool deferred;  /* ks_deferred_cb() owns the handle */
	bool cancelled; /* cancelled while deferred */
	enum ks_result dres;
	struct mip_sa *dsa; /* referenced result for ks_deferred_cb() */
};

static void *ks_tokens;
static uint64_t ks_serial;
static struct log_ratelimit ks_rl = LOG_RATELIMIT_INIT(60, 5);

static void ks_step(struct ks_handle *h, enum ks_result res, struct mip_sa *sa);

static int
ks_token_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct ks_handle *)a)->token, y = ((const struct ks_handle *)b)->token;

	return x < y ? -1 : x > y;
}

static void
ks_token_drop(struct ks_handle *h)
{
	if (h->token != 0) {
		tdelete(h, &ks_tokens, ks_token_cmp);
		h->token = 0;
	}
}

static void
ks_unlink(struct ks_handle *h)
{
	if (h->pprev == NULL)
		return;
	*h->pprev = h->next;
	if (h->next != NULL)
		h->next->pprev = h->pprev;
	h->next = NULL;
	h->pprev = NULL;
}

static void
ks_count(struct ks_status *st, enum ks_result res)
{
	switch (res) {
	case KS_FOUND:
		st->found++;
		break;
	case KS_NOT_FOUND:
		st->not_found++;
		break;
	case KS_REJECTED:
		st->rejected++;
		break;
	case KS_ERROR:
		st->errors++;
		break;
	}
}

/* End the walk: unlink, free and call the caller's completion. */
static void
ks_finish(struct ks_handle *h, enum ks_result res, struct mip_sa *sa)
{
	ks_done_fn done = h->done;
	void *arg = h->arg;

	ks_unlink(h);
	ks_token_drop(h);
	free(h);
	done(res, sa, arg);
}

/* Deferred processing of a synchronous answer, or of the chain's shutdown. */
static void
ks_deferred_cb(void *arg)
{
	struct ks_handle *h = arg;
	struct mip_sa *sa = h->dsa;

	h->deferred = false;
	h->dsa = NULL;
	if (h->cancelled)
		free(h);
	else if (h->chain == NULL)
		ks_finish(h, KS_ERROR, NULL);
	else
		ks_step(h, h->dres, sa);
	mip_sa_unref(sa);
}

/* Hand @h to ks_deferred_cb() with result @res/@sa (referenced here). */
static int
ks_defer(struct ks_handle *h, struct ev_loop *loop, enum ks_result res, struct mip_sa *sa)
{
	if (ev_defer(loop, ks_deferred_cb, h) != 0)
		return -ENOMEM;
	h->deferred = true;
	h->dres = res;
	h->dsa = sa != NULL ? mip_sa_ref(sa) : NULL;
	return 0;
}

/* The completion given to every store. */
static void
ks_store_done(enum ks_result res, struct mip_sa *sa, void *arg)
{
	struct ks_handle key = { .token = (uintptr_t)arg }, *h;
	void **node = tfind(&key, &ks_tokens, ks_token_cmp);

	if (node == NULL) {
		log_rl(&ks_rl, LOG_SS_KEYSTORE, LOG_WARNING,
		       "key store completed lookup %llu twice or after cancel; ignored",
		       (unsigned long long)key.token);
		return;
	}
	h = *node;
	ks_token_drop(h);
	if ((unsigned)res > KS_ERROR || (res == KS_FOUND && sa == NULL)) {
		log_rl(&ks_rl, LOG_SS_KEYSTORE, LOG_WARNING, "key store %s: invalid result %d",
		       h->chain->stores[h->idx].name, (int)res);
		res = KS_ERROR;
		sa = NULL;
	}
	ks_count(&h->chain->stores[h->idx].st, res);
	if (h->starting) {
		log_rl(&ks_rl, LOG_SS_KEYSTORE, LOG_WARNING,
		       "key store %s completed a lookup synchronously; deferring it",
		       h->chain->stores[h->idx].name);
		if (ks_defer(h, h->chain->env.loop, res, sa) != 0)
			log_errx(LOG_SS_KEYSTORE, "key store %s: answer lost: out of memory",
			         h->chain->stores[h->idx].name);
		return;
	}
	ks_step(h, res, sa);
}

/* Ask store @i; 0 when an answer will follow, else a negative errno. */
static int
ks_ask(struct ks_handle *h, size_t i)
{
	struct ks_store *s = &h->chain->stores[i];
	uint64_t id = 0;
	int rc;

	h->idx = i;
	h->token = ++ks_serial;
	if (tsearch(h, &ks_tokens, ks_token_cmp) == NULL) {
		h->token = 0;
		return -ENOMEM;
	}
	s->st.lookups++;
	h->starting = true;
	rc = s->ops->lookup(s->inst, &h->q, ks_store_done, (void *)(uintptr_t)h->token, &id);
	h->starting = false;
	if (h->deferred)
		return 0; /* answered synchronously; ks_deferred_cb() takes over */
	if (h->token == 0 && rc >= 0)
		rc = -EIO; /* answered synchronously but the answer could not be deferred */
	if (rc < 0) {
		ks_token_drop(h);
		log_debug(LOG_SS_KEYSTORE, "key store %s: lookup not started: %s", s->name,
		          strerror(-rc));
		return rc;
	}
	h->req_id = id;
	return 0;
}

/* Ask the stores from @from on; 0 when one will answer, else the last error. */
static int
ks_ask_from(struct ks_handle *h, size_t from)
{
	int rc = -ENOENT;

	for (size_t i = from; i < h->chain->n; i++) {
		rc = ks_ask(h, i);
		if (rc == 0)
			return 0;
		h->chain->stores[i].st.errors++;
	}
	return rc;
}

/* Act on store h->idx's answer: finish, or move on to the next store. */
static void
ks_step(struct ks_handle *h, enum ks_result res, struct mip_sa *sa)
{
	if (res == KS_FOUND || res == KS_REJECTED) {
		ks_finish(h, res, sa);
		return;
	}
	if (res == KS_NOT_FOUND)
		h->any_not_found = true;
	if (ks_ask_from(h, h->idx + 1) == 0)
		return;
	ks_finish(h, h->any_not_found ? KS_NOT_FOUND : KS_ERROR, NULL);
}

int
ks_chain_lookup(struct ks_chain *c, const struct ks_query *q, ks_done_fn done, void *arg,
                struct ks_handle **handle)
{
	struct ks_handle *h;
	int rc;

	if (c == NULL || q == NULL || done == NULL || c->env.loop == NULL)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	h->chain = c;
	h->q = *q;
	h->q.nai[SA_NAI_MAX] = '\0';
	h->done = done;
	h->arg = arg;
	h->next = c->pending;
	if (h->next != NULL)
		h->next->pprev = &h->next;
	h->pprev = &c->pending;
	c->pending = h;
	rc = ks_ask_from(h, 0);
	if (rc != 0) {
		ks_unlink(h);
		free(h);
		return rc;
	}
	if (handle != NULL)
		*handle = h;
	return 0;
}

void
ks_chain_cancel(struct ks_chain *c, struct ks_handle *h)
{
	struct ks_store *s;

	if (h == NULL)
		return;
	ks_unlink(h);
	if (h->deferred) {
		h->cancelled = true;
		return;
	}
	if (h->token != 0) {
		s = &h->chain->stores[h->idx];
		s->ops->cancel(s->inst, h->req_id);
		ks_token_drop(h);
	}
	free(h);
}

/*
 * Deferred plugin_unload() of the plugins a freed chain used. Queued unloads
 * stay on a list so that one whose loop is freed before it runs is still
 * reachable (the plugins then stay loaded until exit).
 */
struct ks_unload {
	struct ks_unload *next, **pprev;
	size_t n;
	struct pmip_plugin *plugins[];
};

static struct ks_unload *ks_unloads;

static void
ks_unload_cb(void *arg)
{
	struct ks_unload *u = arg;

	*u->pprev = u->next;
	if (u->next != NULL)
		u->next->pprev = u->pprev;
	for (size_t i = 0; i < u->n; i++)
		plugin_unload(u->plugins[i]);
	free(u);
}

/*
 * Undo ks_chain_new() for the first @n stores and free @c. The instances are
 * destroyed now, but when lookups may have run (@lazy) the plugins are
 * unloaded from a deferred call: deferred calls a store queued before or
 * during its destroy() run first (FIFO), so its code is still mapped for them.
 * If that call cannot be queued the plugins stay loaded rather than risk it.
 */
static void
ks_chain_destroy(struct ks_chain *c, size_t n, bool lazy)
{
	struct ks_unload *u = NULL;

	for (size_t i = n; i-- > 0;)
		if (c->stores[i].inst != NULL)
			c->stores[i].ops->destroy(c->stores[i].inst);
	if (lazy && c->env.loop != NULL) {
		u = malloc(sizeof(*u) + n * sizeof(u->plugins[0]));
		if (u == NULL || ev_defer(c->env.loop, ks_unload_cb, u) != 0) {
			log_errx(LOG_SS_KEYSTORE, "key-store shutdown: plugins kept loaded");
			free(u);
			free(c);
			return;
		}
		u->n = n;
		u->next = ks_unloads;
		if (u->next != NULL)
			u->next->pprev = &u->next;
		u->pprev = &ks_unloads;
		ks_unloads = u;
	}
	for (size_t i = 0; i < n; i++) {
		if (u != NULL)
			u->plugins[i] = c->stores[i].plugin;
		else
			plugin_unload(c->stores[i].plugin);
	}
	free(c);
}

void
ks_chain_free(struct ks_chain *c)
{
	struct ks_handle *h;

	if (c == NULL)
		return;
	while ((h = c->pending) != NULL) {
		ks_unlink(h);
		h->chain = NULL;
		if (h->deferred)
			continue; /* ks_deferred_cb() completes it with KS_ERROR */
		if (h->token != 0) {
			struct ks_store *s = &c->stores[h->idx];

			s->ops->cancel(s->inst, h->req_id);
			ks_token_drop(h);
		}
		if (ks_defer(h, c->env.loop, KS_ERROR, NULL) != 0) {
			log_errx(LOG_SS_KEYSTORE,
			         "key-store shutdown: lookup dropped: out of memory");
			free(h);
		}
	}
	ks_chain_destroy(c, c->n, true);
}

/* Load and create store @name into @s. */
static int
ks_store_open(struct ks_chain *c, struct ks_store *s, const char *dir, const char *name,
              char *errmsg, size_t errlen)
{
	char pname[PMIP_PLUGIN_NAME_MAX], perr[256];
	const struct ks_ops *ops;

	if (name == NULL ||
	    (size_t)snprintf(pname, sizeof(pname), KS_PREFIX "%s", name) >= sizeof(pname)) {
		snprintf(errmsg, errlen, "key store name \"%s\" is invalid", name ? name : "");
		return -1;
	}
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->plugin = plugin_load(dir, pname, PMIP_PLUGIN_KEYSTORE, errmsg, errlen);
	if (s->plugin == NULL)
		return -1;
	ops = plugin_ops(s->plugin);
	if (ops->create == NULL || ops->destroy == NULL || ops->lookup == NULL ||
	    ops->cancel == NULL) {
		snprintf(errmsg, errlen, "plugin %s: a mandatory key-store operation is missing",
		         pname);
		return -1;
	}
	s->ops = ops;
	perr[0] = '\0';
	s->inst = ops->create(&c->env, perr, sizeof(perr));
	if (s->inst == NULL) {
		snprintf(errmsg, errlen, "key store %s: %s", name,
		         perr[0] != '\0' ? perr : "cannot create an instance");
		return -1;
	}
	return 0;
}

struct ks_chain *
ks_chain_new(const struct ks_env *env, const char *plugin_dir, const char *const *names, size_t n,
             char *errmsg, size_t errlen)
{
	struct ks_chain *c;

	if (env == NULL || n == 0) {
		snprintf(errmsg, errlen, "no key store configured");
		return NULL;
	}
	c = calloc(1, sizeof(*c) + n * sizeof(c->stores[0]));
	if (c == NULL) {
		snprintf(errmsg, errlen, "key-store chain: out of memory");
		return NULL;
	}
	c->env = *env;
	c->n = n;
	for (size_t i = 0; i < n; i++) {
		if (ks_store_open(c, &c->stores[i], plugin_dir, names[i], errmsg, errlen) != 0) {
			ks_chain_destroy(c, i + 1, false);
			return NULL;
		}
	}
	return c;
}

static struct ks_store *
ks_store_find(struct ks_chain *c, const char *name)
{
	if (strncmp(name, KS_PREFIX, strlen(KS_PREFIX)) == 0)
		name += strlen(KS_PREFIX);
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->stores[i].name, name) == 0)
			return &c->stores[i];
	return NULL;
}

int
ks_chain_configure(struct ks_chain *c, const char *name, const struct lyd_node *cfg, char *errmsg,
                   size_t errlen)
{
	struct ks_store *s = c != NULL && name != NULL ? ks_store_find(c, name) : NULL;

	if (s == NULL) {
		snprintf(errmsg, errlen, "no key store \"%s\" in the chain", name ? name : "");
		return -1;
	}
	if (s->ops->configure == NULL)
		return 0; /* a store without settings has nothing to apply */
	return s->ops->configure(s->inst, cfg, errmsg, errlen) == 0 ? 0 : -1;
}

void
ks_chain_clear_cache(struct ks_chain *c)
{
	for (size_t i = 0; c != NULL && i < c->n; i++)
		if (c->stores[i].ops->clear_cache != NULL)
			c->stores[i].ops->clear_cache(c->stores[i].inst);
}

size_t
ks_chain_count(const struct ks_chain *c)
{
	return c != NULL ? c->n : 0;
}

const char *
ks_chain_status(const struct ks_chain *c, size_t i, struct ks_status *st)
{
	const struct ks_store *s;

	if (c == NULL || i >= c->n)
		return NULL;
	s = &c->stores[i];
	if (st != NULL) {
		*st = s->st;
		if (s->ops->get_status != NULL) {
			memset(st, 0, sizeof(*st));
			s->ops->get_status(s->inst, st);
		}
	}
	return s->name;
}

PMIP_COUNTER_TABLE(ks_status_table, KS_STATUS_FIELDS, struct ks_status)

const char *
ks_result_name(enum ks_result r)
{
	switch (r) {
	case KS_FOUND:
		return "found";
	case KS_NOT_FOUND:
		return "not-found";
	case KS_REJECTED:
		return "rejected";
	case KS_ERROR:
		return "error";
	}
	return "unknown";
}
