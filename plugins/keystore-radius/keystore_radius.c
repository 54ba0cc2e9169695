/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keystore_radius.c - keystore-radius: security associations fetched from RADIUS servers.
 *
 * DOC: which file does what.
 *   - radius_msg.c: the RADIUS codec (framing, attributes, User-Password
 *     hiding, salted decryption, Message-Authenticator, Response
 *     Authenticator), pure and unit-tested.
 *   - radius_client.c: the asynchronous client on the event loop
 *     (identifiers, retransmission, failover, dead servers, Status-Server
 *     probes, MIB counters).
 *   - radius_sa.c: SAs from an Access-Accept (Cisco "mobileip:spi" AV-pairs,
 *     3GPP2 and WiMAX MN-HA SPI and salted key pairs).
 *   - radius_cache.c: hash table keyed by (entity, peer kind, peer) with an
 *     LRU cap and deadlines.
 *   - this file: the ks_ops. A lookup names the peer by NAI or, without
 *     one, by its home address in dotted form; that string is the User-Name
 *     of the Access-Request.
 *
 * A lookup is answered, in this order:
 *   1. from the cache (Accepts for cache-lifetime, Rejects for
 *      negative-cache-lifetime, at most cache-max-entries, least recently
 *      used evicted first), through a deferred call;
 *   2. by joining a "flight", the Access-Request already in flight for the
 *      same key: concurrent lookups for one peer share one request;
 *   3. by a new flight: an Access-Request through the client.
 * When a flight ends, every lookup that joined it is answered, each for its
 * own SPI, and the answer is cached. Never from inside lookup().
 *
 * Only MN-HA lookups (entity SA_ENTITY_MOBILE_NODE) go to RADIUS: every
 * attribute read describes an MN-HA SA, so a lookup for a foreign agent, a
 * home agent or a visitor's MN-FA SA is answered KS_NOT_FOUND (deferred)
 * without a request. Asking would both deny every relayed registration (the
 * server rejects an FA's address) and hand out an MN-HA key as another kind
 * of SA.
 *
 * Results: an Access-Accept with an SA for the SPI asked (any SPI when 0)
 * gives KS_FOUND; an Accept without a usable SA gives KS_NOT_FOUND; an
 * Access-Reject (or Challenge) gives KS_REJECTED; no valid answer from any
 * server gives KS_ERROR, so the chain can move on to the next store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <arpa/inet.h>

#include <libyang/libyang.h>
#include <openssl/crypto.h>

#include "ev.h"
#include "keystore_radius.h"
#include "log.h"
#include "plugin.h"
#include "radius_cache.h"
#include "radius_sa.h"

#define KSR_DEF_CACHE_MAX  4096
#define KSR_DEF_PORT       1812
#define KSR_DEF_TIMEOUT_MS 3000
#define KSR_DEF_RETRIES    3
#define KSR_DEF_DEAD_TIME  60
#define KSR_DEF_STATUS_INT 10
#define KSR_DEF_CACHE_LIFE 300
#define KSR_DEF_NEG_LIFE   30
#define KSR_DEF_NAS_ID     "pmipd"

struct ksr_req;

/* A cached answer: the SAs of an Accept, or a reject (negative, n == 0). */
struct ksr_answer {
	bool negative;
	size_t n;
	struct mip_sa *sa[RADIUS_SA_MAX];
};

/* An Access-Request in flight and the lookups waiting for it. */
struct ksr_flight {
	struct ksr *k;
	struct radius_cache_entry *ce; /* its entry in ksr.flights */
	uint64_t rid;                  /* client request id */
	struct ks_query q;             /* the first lookup's query: names the peer of the SAs */
	char user[RADIUS_ATTR_MAX + 1];
	struct ksr_req *waiters; /* in arrival order, answered in that order */
	struct ksr_req **wtail;  /* &last->wnext, or &waiters */
};

struct ksr {
	const struct ks_env *env;
	struct radius_client *client;
	unsigned cache_life_s, neg_life_s;
	struct radius_cache cache;   /* key -> struct ksr_answer */
	struct radius_cache flights; /* key -> struct ksr_flight */
	struct ksr_req *pending;
	uint64_t next_id;
	struct ks_status st;
};

/*
 * A lookup in flight: waiting in a flight (flight != NULL), or owned by a
 * deferred answer or by a flight completion in progress (deferred), which
 * frees it.
 */
struct ksr_req {
	struct ksr_req *next, **pprev;   /* ksr.pending */
	struct ksr_req *wnext, **wpprev; /* flight waiters */
	struct ksr *k;                   /* NULL once the instance is destroyed */
	struct ksr_flight *flight;
	uint64_t id;
	struct ks_query q;
	ks_done_fn done;
	void *arg;
	bool deferred, cancelled;
	enum ks_result res;
	struct mip_sa *sa; /* referenced result for the deferred answer */
};

static struct log_ratelimit ksr_rl = LOG_RATELIMIT_INIT(10, 10);

/* --- answers --- */

static void
ksr_answer_free(void *v)
{
	struct ksr_answer *a = v;

	for (size_t i = 0; i < a->n; i++)
		mip_sa_unref(a->sa[i]);
	free(a);
}

/* The SA of @a for @spi (0: the first), or NULL. */
static struct mip_sa *
ksr_answer_pick(const struct ksr_answer *a, uint32_t spi)
{
	for (size_t i = 0; i < a->n; i++)
		if (spi == 0 || a->sa[i]->spi == spi)
			return a->sa[i];
	return NULL;
}

static enum ks_result
ksr_answer_result(const struct ksr_answer *a, uint32_t spi, struct mip_sa **sa)
{
	*sa = a->negative ? NULL : ksr_answer_pick(a, spi);
	return a->negative ? KS_REJECTED : *sa != NULL ? KS_FOUND : KS_NOT_FOUND;
}

/* The cache key of a query: (entity, peer kind, NAI or dotted address). */
static void
ksr_key(const struct ks_query *q, struct radius_cache_key *key, char *user, size_t userlen)
{
	int kind = q->nai[0] != '\0' ? SA_PEER_NAI : SA_PEER_HOST;

	if (kind == SA_PEER_NAI)
		snprintf(user, userlen, "%.253s", q->nai); /* length checked by lookup */
	else
		inet_ntop(AF_INET, &q->addr, user, (socklen_t)userlen);
	radius_cache_key_set(key, (int)q->entity, kind, user);
}

/* --- requests --- */

static void
ksr_unlink(struct ksr_req *r)
{
	if (r->pprev == NULL)
		return;
	*r->pprev = r->next;
	if (r->next != NULL)
		r->next->pprev = r->pprev;
	r->next = NULL;
	r->pprev = NULL;
}

static void
ksr_wait_unlink(struct ksr_req *r)
{
	if (r->wpprev == NULL)
		return;
	*r->wpprev = r->wnext;
	if (r->wnext != NULL)
		r->wnext->wpprev = r->wpprev;
	else
		r->flight->wtail = r->wpprev;
	r->wnext = NULL;
	r->wpprev = NULL;
	r->flight = NULL;
}

static void
ksr_count(struct ksr *k, enum ks_result res)
{
	if (k == NULL)
		return;
	if (res == KS_FOUND)
		k->st.found++;
	else if (res == KS_NOT_FOUND)
		k->st.not_found++;
	else if (res == KS_REJECTED)
		k->st.rejected++;
	else
		k->st.errors++;
}

/* Complete @r with @res/@sa and free it. */
static void
ksr_complete(struct ksr_req *r, enum ks_result res, struct mip_sa *sa)
{
	ks_done_fn done = r->done;
	void *arg = r->arg;

	ksr_unlink(r);
	ksr_count(r->k, res);
	free(r);
	done(res, res == KS_FOUND ? sa : NULL, arg);
}

/* Answer an owned (deferred) request: its completion, or nothing if cancelled; frees it. */
static void
ksr_finish_owned(struct ksr_req *r)
{
	struct mip_sa *sa = r->sa;

	if (r->cancelled) {
		mip_sa_unref(sa);
		free(r);
		return;
	}
	ksr_complete(r, r->k != NULL ? r->res : KS_ERROR, sa);
	mip_sa_unref(sa);
}

static void
ksr_deferred(void *arg)
{
	ksr_finish_owned(arg);
}

/* Hand @r to a deferred answer; on failure it is answered from the caller's context. */
static int
ksr_defer(struct ksr *k, struct ksr_req *r, enum ks_result res, struct mip_sa *sa)
{
	r->res = res;
	r->sa = sa != NULL ? mip_sa_ref(sa) : NULL;
	r->deferred = true;
	if (ev_defer(k->env->loop, ksr_deferred, r) != 0) {
		mip_sa_unref(r->sa);
		r->sa = NULL;
		r->deferred = false;
		return -ENOMEM;
	}
	return 0;
}

/* Build a struct mip_sa from @sp for the peer of flight @f. */
static struct mip_sa *
ksr_make_sa(const struct ksr_flight *f, const struct radius_sa_spec *sp, struct in_addr framed)
{
	struct mip_sa *sa = mip_sa_new(sp->alg, sp->key, sp->keylen);

	if (sa == NULL)
		return NULL;
	snprintf(sa->name, sizeof(sa->name), "radius:%.40s#%u", f->user, sp->index);
	if (f->q.nai[0] != '\0') {
		sa->peer_kind = SA_PEER_NAI;
		snprintf(sa->nai, sizeof(sa->nai), "%s", f->q.nai);
		sa->lo = sa->hi = framed;
	} else {
		sa->peer_kind = SA_PEER_HOST;
		sa->lo = sa->hi = f->q.addr;
	}
	sa->entity = f->q.entity;
	sa->spi = sp->spi_in;
	sa->replay = sp->replay;
	sa->tolerance_s = sp->tolerance_s;
	sa->source = "radius";
	return sa;
}

static const char *
ksr_origin_name(enum radius_sa_origin o)
{
	switch (o) {
	case RADIUS_SA_CISCO:
		return "cisco-avpair";
	case RADIUS_SA_3GPP2:
		return "3gpp2";
	case RADIUS_SA_WIMAX:
		return "wimax";
	}
	return "?";
}

/* The answer for an Access-Accept: every usable SA it carries. */
static struct ksr_answer *
ksr_accept_answer(const struct ksr_flight *f, const struct radius_reply *rep)
{
	struct radius_sa_spec sp[RADIUS_SA_MAX];
	struct ksr_answer *a = calloc(1, sizeof(*a));
	struct in_addr framed;
	char errmsg[128] = "";
	unsigned bad;
	size_t n;

	if (a == NULL)
		return NULL;
	n = radius_sa_from_reply(rep->pkt, rep->len, rep->req_auth, rep->secret, rep->secretlen, sp,
	                         RADIUS_SA_MAX, &framed, &bad, errmsg, sizeof(errmsg));
	if (bad > 0)
		log_rl(&ksr_rl, LOG_SS_RADIUS, LOG_WARNING,
		       "%u unusable SA attribute(s) for \"%s\": %s", bad, f->user, errmsg);
	for (size_t i = 0; i < n; i++) {
		struct mip_sa *sa = ksr_make_sa(f, &sp[i], framed);

		if (sa != NULL) {
			a->sa[a->n++] = sa;
			log_info(LOG_SS_RADIUS, "SA for \"%s\": spi 0x%x algorithm %s (%s)",
			         f->user, sa->spi, mip_auth_alg_name(sa->alg),
			         ksr_origin_name(sp[i].origin));
		}
		radius_sa_spec_wipe(&sp[i]);
	}
	return a;
}

/* End of flight @f: cache the answer, then answer every waiter for its own SPI. */
static void
ksr_radius_done(enum radius_result res, const struct radius_reply *rep, void *arg)
{
	struct ksr_flight *f = arg;
	struct ksr *k = f->k;
	struct ksr_answer *a = NULL;
	struct ksr_req *w, *next;
	unsigned life = 0;

	radius_cache_take(&k->flights, f->ce);
	if (res == RADIUS_RES_ACCEPT) {
		a = ksr_accept_answer(f, rep);
		life = k->cache_life_s;
	} else if (res == RADIUS_RES_REJECT) {
		a = calloc(1, sizeof(*a));
		if (a != NULL)
			a->negative = true;
		life = k->neg_life_s;
		log_info(LOG_SS_RADIUS, "\"%s\" rejected", f->user);
	} else {
		log_rl(&ksr_rl, LOG_SS_RADIUS, LOG_WARNING, "no answer for \"%s\"", f->user);
	}
	/*
	 * Every waiter takes its result and a reference now and is owned by this
	 * function from here: a completion may cancel other waiters (marked
	 * cancelled), clear the cache, or destroy the instance (k is not used
	 * after the first completion).
	 */
	for (w = f->waiters; w != NULL; w = w->wnext) {
		struct mip_sa *sa = NULL;

		w->res = a != NULL ? ksr_answer_result(a, w->q.spi, &sa) : KS_ERROR;
		w->sa = sa != NULL ? mip_sa_ref(sa) : NULL;
		w->deferred = true;
		w->flight = NULL;
	}
	if (a != NULL) {
		struct radius_cache_key key;
		char user[RADIUS_ATTR_MAX + 1];

		ksr_key(&f->q, &key, user, sizeof(user));
		if (life > 0)
			radius_cache_put(&k->cache, &key, a, ev_now_ms() + (uint64_t)life * 1000);
		else
			ksr_answer_free(a);
	}
	for (w = f->waiters; w != NULL; w = next) {
		next = w->wnext;
		ksr_finish_owned(w);
	}
	free(f);
}

/* Add @r at the end of the waiters of flight @f. */
static void
ksr_join(struct ksr_flight *f, struct ksr_req *r)
{
	r->flight = f;
	r->wnext = NULL;
	r->wpprev = f->wtail;
	*f->wtail = r;
	f->wtail = &r->wnext;
}

/* Start a flight for @r (key @key); 0 or a negative errno. */
static int
ksr_fly(struct ksr *k, struct ksr_req *r, const struct radius_cache_key *key, const char *user)
{
	struct ksr_flight *f = calloc(1, sizeof(*f));
	int rc;

	if (f == NULL)
		return -ENOMEM;
	f->k = k;
	f->q = r->q;
	snprintf(f->user, sizeof(f->user), "%s", user);
	rc = radius_client_access_request(k->client, user, ksr_radius_done, f, &f->rid);
	if (rc == 0) {
		f->ce = radius_cache_put(&k->flights, key, f, 0);
		if (f->ce == NULL) {
			radius_client_cancel(k->client, f->rid);
			rc = -ENOMEM;
		}
	}
	if (rc != 0) {
		log_rl(&ksr_rl, LOG_SS_RADIUS, LOG_WARNING, "cannot send a request for \"%s\": %s",
		       user, strerror(-rc));
		free(f);
		return rc;
	}
	f->wtail = &f->waiters;
	ksr_join(f, r);
	return 0;
}

static int
ksr_lookup(void *inst, const struct ks_query *q, ks_done_fn done, void *arg, uint64_t *id)
{
	struct ksr *k = inst;
	struct radius_cache_key key;
	struct radius_cache_entry *ce;
	char user[RADIUS_ATTR_MAX + 1];
	struct ksr_req *r;
	int rc;

	if (q == NULL || done == NULL || id == NULL)
		return -EINVAL;
	if ((q->nai[0] == '\0' && q->addr.s_addr == INADDR_ANY) ||
	    strnlen(q->nai, sizeof(q->nai)) > RADIUS_ATTR_MAX)
		return -EINVAL; /* no name, or one too long for User-Name */
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->k = k;
	r->q = *q;
	r->q.nai[SA_NAI_MAX] = '\0';
	r->done = done;
	r->arg = arg;
	ksr_key(&r->q, &key, user, sizeof(user));
	if (q->entity != SA_ENTITY_MOBILE_NODE) {
		/* Agent and MN-FA SAs are not in RADIUS: never ask about them. */
		rc = ksr_defer(k, r, KS_NOT_FOUND, NULL);
	} else if ((ce = radius_cache_get(&k->cache, &key)) != NULL) {
		struct mip_sa *sa;
		enum ks_result res = ksr_answer_result(ce->val, q->spi, &sa);

		k->st.cache_hits++;
		rc = ksr_defer(k, r, res, sa);
	} else if ((ce = radius_cache_get(&k->flights, &key)) != NULL) {
		ksr_join(ce->val, r);
		k->st.coalesced++;
		rc = 0;
	} else {
		rc = ksr_fly(k, r, &key, user);
		if (rc != 0)
			rc = ksr_defer(k, r, KS_ERROR, NULL);
	}
	if (rc != 0) {
		free(r);
		return rc;
	}
	r->id = ++k->next_id;
	r->next = k->pending;
	if (r->next != NULL)
		r->next->pprev = &r->next;
	r->pprev = &k->pending;
	k->pending = r;
	k->st.lookups++;
	*id = r->id;
	return 0;
}

/* Drop flight @f and its RADIUS request; its waiters are left to the caller. */
static void
ksr_flight_drop(struct ksr *k, struct ksr_flight *f)
{
	radius_cache_take(&k->flights, f->ce);
	radius_client_cancel(k->client, f->rid);
	free(f);
}

static void
ksr_cancel(void *inst, uint64_t id)
{
	struct ksr *k = inst;

	for (struct ksr_req *r = k->pending; r != NULL; r = r->next) {
		struct ksr_flight *f = r->flight;

		if (r->id != id)
			continue;
		ksr_unlink(r);
		if (r->deferred) {
			r->cancelled = true; /* its owner frees it */
			return;
		}
		ksr_wait_unlink(r);
		if (f != NULL && f->waiters == NULL)
			ksr_flight_drop(k, f); /* nobody waits for the answer any more */
		free(r);
		return;
	}
}

/* --- configuration --- */

static const struct lyd_node *
cfg_child(const struct lyd_node *n, const char *name)
{
	for (const struct lyd_node *c = n != NULL ? lyd_child(n) : NULL; c != NULL; c = c->next)
		if (strcmp(LYD_NAME(c), name) == 0)
			return c;
	return NULL;
}

static const char *
cfg_str(const struct lyd_node *n, const char *name)
{
	const struct lyd_node *c = cfg_child(n, name);

	return c != NULL ? lyd_get_value(c) : NULL;
}

/* Unsigned leaf @name of @n in @lo..@hi, @def when absent; -1 when out of range. */
static int
cfg_uint(const struct lyd_node *n, const char *name, unsigned long lo, unsigned long hi,
         unsigned def, unsigned *out, char *errmsg, size_t errlen)
{
	const char *s = cfg_str(n, name);
	unsigned long v = def;
	char *end;

	if (s != NULL) {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < lo || v > hi) {
			snprintf(errmsg, errlen, "radius: %s must be %lu..%lu", name, lo, hi);
			return -1;
		}
	}
	*out = (unsigned)v;
	return 0;
}

static int
cfg_server(const struct lyd_node *n, struct radius_server_cfg *s, char *errmsg, size_t errlen)
{
	const char *name = cfg_str(n, "name"), *addr = cfg_str(n, "address");
	const char *secret = cfg_str(n, "secret");
	unsigned port;

	if (name == NULL)
		name = addr != NULL ? addr : "?";
	if (addr == NULL || inet_pton(AF_INET, addr, &s->addr.sin_addr) != 1) {
		snprintf(errmsg, errlen, "radius server \"%s\": bad or missing address", name);
		return -1;
	}
	if (secret == NULL || secret[0] == '\0' || strlen(secret) > RADIUS_SECRET_MAX) {
		snprintf(errmsg, errlen, "radius server \"%s\": secret must be 1..%d bytes", name,
		         RADIUS_SECRET_MAX);
		return -1;
	}
	if (cfg_uint(n, "port", 1, 65535, KSR_DEF_PORT, &port, errmsg, errlen) != 0 ||
	    cfg_uint(n, "timeout-ms", 1, 60000, KSR_DEF_TIMEOUT_MS, &s->timeout_ms, errmsg,
	             errlen) != 0 ||
	    cfg_uint(n, "retries", 0, 10, KSR_DEF_RETRIES, &s->retries, errmsg, errlen) != 0)
		return -1;
	s->addr.sin_family = AF_INET;
	s->addr.sin_port = htons((uint16_t)port);
	s->secretlen = strlen(secret);
	memcpy(s->secret, secret, s->secretlen);
	return 0;
}

/* Read the radius subtree @cfg (or a parent holding one) into @out. */
static int
ksr_parse_cfg(const struct lyd_node *cfg, struct radius_client_cfg *out, unsigned *life,
              unsigned *neg, unsigned *cache_max, char *errmsg, size_t errlen)
{
	const char *nas, *pw;

	if (cfg != NULL && strcmp(LYD_NAME(cfg), "radius") != 0)
		cfg = cfg_child(cfg, "radius");
	for (const struct lyd_node *c = cfg != NULL ? lyd_child(cfg) : NULL; c != NULL;
	     c = c->next) {
		if (strcmp(LYD_NAME(c), "server") != 0)
			continue;
		if (out->nsrv == RADIUS_SERVERS_MAX) {
			snprintf(errmsg, errlen, "radius: more than %d servers",
			         RADIUS_SERVERS_MAX);
			return -1;
		}
		if (cfg_server(c, &out->srv[out->nsrv++], errmsg, errlen) != 0)
			return -1;
	}
	if (cfg_uint(cfg, "dead-time", 0, 86400, KSR_DEF_DEAD_TIME, &out->dead_time_s, errmsg,
	             errlen) != 0 ||
	    cfg_uint(cfg, "cache-lifetime", 0, 86400, KSR_DEF_CACHE_LIFE, life, errmsg, errlen) !=
	            0 ||
	    cfg_uint(cfg, "negative-cache-lifetime", 0, 86400, KSR_DEF_NEG_LIFE, neg, errmsg,
	             errlen) != 0 ||
	    cfg_uint(cfg, "cache-max-entries", 1, 1000000, KSR_DEF_CACHE_MAX, cache_max, errmsg,
	             errlen) != 0 ||
	    cfg_uint(cfg, "status-server-interval", 0, 3600, KSR_DEF_STATUS_INT,
	             &out->status_interval_s, errmsg, errlen) != 0)
		return -1;
	nas = cfg_str(cfg, "nas-identifier");
	if (nas == NULL)
		nas = KSR_DEF_NAS_ID;
	if (nas[0] == '\0' || strlen(nas) >= sizeof(out->nas_identifier)) {
		snprintf(errmsg, errlen, "radius: nas-identifier must be 1..%d bytes",
		         RADIUS_NAS_ID_MAX - 1);
		return -1;
	}
	strcpy(out->nas_identifier, nas);
	pw = cfg_str(cfg, "user-password");
	if (pw != NULL) {
		if (strlen(pw) > RADIUS_PASSWORD_MAX) {
			snprintf(errmsg, errlen, "radius: user-password longer than %d bytes",
			         RADIUS_PASSWORD_MAX);
			return -1;
		}
		out->passwordlen = strlen(pw);
		memcpy(out->password, pw, out->passwordlen);
	}
	return 0;
}

static int
ksr_configure(void *inst, const struct lyd_node *cfg, char *errmsg, size_t errlen)
{
	struct ksr *k = inst;
	struct radius_client_cfg *c = calloc(1, sizeof(*c));
	unsigned life, neg, cache_max;
	int rc = -1;

	if (c == NULL) {
		snprintf(errmsg, errlen, "radius: out of memory");
		return -1;
	}
	if (ksr_parse_cfg(cfg, c, &life, &neg, &cache_max, errmsg, errlen) == 0 &&
	    radius_client_configure(k->client, c, errmsg, errlen) == 0) {
		k->cache_life_s = life;
		k->neg_life_s = neg;
		radius_cache_clear(&k->cache);
		radius_cache_set_max(&k->cache, cache_max);
		log_info(LOG_SS_RADIUS,
		         "configured: %zu server(s), cache %u s (at most %u), negative cache %u s, "
		         "Status-Server every %u s",
		         c->nsrv, life, cache_max, neg, c->status_interval_s);
		rc = 0;
	}
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
	return rc;
}

/* --- instance --- */

static void *
ksr_create(const struct ks_env *env, char *errmsg, size_t errlen)
{
	struct ksr *k = calloc(1, sizeof(*k));

	if (k != NULL)
		k->client = radius_client_new(env->loop);
	if (k == NULL || k->client == NULL ||
	    radius_cache_init(&k->cache, env->loop, KSR_DEF_CACHE_MAX, ksr_answer_free) != 0 ||
	    radius_cache_init(&k->flights, env->loop, 0, NULL) != 0) {
		if (k != NULL) {
			radius_cache_fini(&k->cache);
			radius_client_free(k->client);
		}
		free(k);
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	k->env = env;
	k->cache_life_s = KSR_DEF_CACHE_LIFE;
	k->neg_life_s = KSR_DEF_NEG_LIFE;
	return k;
}

static void
ksr_destroy(void *inst)
{
	struct ksr *k = inst;
	struct ksr_req *r;

	/* Flights first: their RADIUS requests are abandoned. */
	while (k->flights.mru != NULL) {
		struct ksr_flight *f = k->flights.mru->val;

		while (f->waiters != NULL)
			ksr_wait_unlink(f->waiters);
		ksr_flight_drop(k, f);
	}
	/* Every pending lookup is answered KS_ERROR from a deferred call. */
	while ((r = k->pending) != NULL) {
		ksr_unlink(r);
		r->k = NULL;
		if (r->deferred)
			continue;
		r->res = KS_ERROR;
		r->deferred = true;
		if (ev_defer(k->env->loop, ksr_deferred, r) != 0) {
			log_errx(LOG_SS_RADIUS, "lookup dropped at shutdown: out of memory");
			free(r);
		}
	}
	radius_client_free(k->client);
	radius_cache_fini(&k->cache);
	radius_cache_fini(&k->flights);
	free(k);
}

static void
ksr_clear_cache(void *inst)
{
	struct ksr *k = inst;

	radius_cache_clear(&k->cache);
}

static void
ksr_get_status(void *inst, struct ks_status *st)
{
	struct ksr *k = inst;
	struct radius_counters c;
	size_t nsrv = radius_client_server_count(k->client);

	radius_client_counters(k->client, &c);
	*st = k->st;
	st->cache_entries = k->cache.n;
	st->cache_evictions = k->cache.evictions;
	st->requests = c.requests;
	st->retransmissions = c.retransmissions;
	st->timeouts = c.timeouts;
	st->failovers = c.failovers;
	st->bad_authenticators = c.bad_authenticators;
	st->dropped_responses = c.malformed + c.unknown_types + c.packets_dropped;
	st->probes = c.probes;
	st->probe_answers = c.probe_answers;
	st->servers = nsrv;
	st->servers_dead = 0;
	st->servers_dead_mask = 0;
	for (size_t i = 0; i < nsrv; i++) {
		if (!radius_client_server_dead(k->client, i))
			continue;
		st->servers_dead++;
		if (i < 64)
			st->servers_dead_mask |= (uint64_t)1 << i;
	}
}

void
ks_radius_counters(void *inst, struct radius_counters *out)
{
	radius_client_counters(((struct ksr *)inst)->client, out);
}

bool
ks_radius_server_dead(void *inst, size_t i)
{
	return radius_client_server_dead(((struct ksr *)inst)->client, i);
}

const struct ks_ops ks_radius_ops = {
	.create = ksr_create,
	.destroy = ksr_destroy,
	.configure = ksr_configure,
	.lookup = ksr_lookup,
	.cancel = ksr_cancel,
	.clear_cache = ksr_clear_cache,
	.get_status = ksr_get_status,
};

PMIP_PLUGIN_DEFINE("keystore-radius", PMIP_PLUGIN_KEYSTORE,
                   "security associations from RADIUS servers (Cisco spi AV-pairs, 3GPP2, WiMAX)",
                   &ks_radius_ops);
