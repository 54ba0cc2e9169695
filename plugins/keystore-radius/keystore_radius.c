/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keystore_radius.c - keystore-radius: security associations fetched from RADIUS servers.
 *
 * DOC: which file does what.
 *   - radius_msg.c: the RADIUS codec (framing, attributes, User-Password
 *     hiding, salted decryption, Message-Authenticator, Response
 *     Authenticator), pure and unit-tested.
 *   - radius_client.c: the asynchronous client on the event loop
 *     (identifiers, retransmission, failover, dead servers, MIB counters).
 *   - radius_sa.c: SAs from an Access-Accept (Cisco "mobileip:spi" AV-pairs,
 *     3GPP2 MN-HA SPI and salted key).
 *   - this file: the ks_ops. A lookup names the peer by NAI or, without
 *     one, by its home address in dotted form; that string is the User-Name
 *     of the Access-Request. Accepts and rejects are cached (cache-lifetime,
 *     negative-cache-lifetime); cache hits are answered from a deferred call,
 *     RADIUS answers from the client's completion, never from lookup().
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
#include "radius_sa.h"

#define KSR_CACHE_MAX      4096
#define KSR_DEF_PORT       1812
#define KSR_DEF_TIMEOUT_MS 3000
#define KSR_DEF_RETRIES    3
#define KSR_DEF_DEAD_TIME  60
#define KSR_DEF_CACHE_LIFE 300
#define KSR_DEF_NEG_LIFE   30
#define KSR_DEF_NAS_ID     "pmipd"

struct ksr_req;

/* One cached answer: the SAs of an Accept, or a reject (n == 0, negative). */
struct ksr_entry {
	struct ksr_entry *next;
	enum sa_entity entity;
	char user[RADIUS_ATTR_MAX + 1];
	uint64_t expires_ms;
	bool negative;
	size_t n;
	struct mip_sa *sa[RADIUS_SA_MAX];
};

struct ksr {
	const struct ks_env *env;
	struct radius_client *client;
	unsigned cache_life_s, neg_life_s;
	struct ksr_entry *cache;
	size_t ncache;
	struct ksr_req *pending;
	uint64_t next_id;
	struct ks_status st;
};

/*
 * A lookup in flight: waiting for the client (rid != 0) or for its deferred
 * answer (deferred), which owns it.
 */
struct ksr_req {
	struct ksr_req *next, **pprev;
	struct ksr *k; /* NULL once the instance is destroyed */
	uint64_t id, rid;
	struct ks_query q;
	char user[RADIUS_ATTR_MAX + 1];
	ks_done_fn done;
	void *arg;
	bool deferred, cancelled;
	enum ks_result res;
	struct mip_sa *sa; /* referenced result for the deferred answer */
};

static struct log_ratelimit ksr_rl = LOG_RATELIMIT_INIT(10, 10);

/* --- cache --- */

static void
ksr_entry_free(struct ksr_entry *e)
{
	for (size_t i = 0; i < e->n; i++)
		mip_sa_unref(e->sa[i]);
	free(e);
}

static void
ksr_cache_clear(struct ksr *k)
{
	struct ksr_entry *e;

	while ((e = k->cache) != NULL) {
		k->cache = e->next;
		ksr_entry_free(e);
	}
	k->ncache = 0;
}

/* Drop expired entries; when still full, drop the oldest (the list tail). */
static void
ksr_cache_expire(struct ksr *k, uint64_t now, bool make_room)
{
	struct ksr_entry **pp = &k->cache, *e;

	while ((e = *pp) != NULL) {
		if (e->expires_ms <= now ||
		    (make_room && k->ncache >= KSR_CACHE_MAX && e->next == NULL)) {
			*pp = e->next;
			ksr_entry_free(e);
			k->ncache--;
		} else {
			pp = &e->next;
		}
	}
}

static struct ksr_entry *
ksr_cache_find(struct ksr *k, enum sa_entity entity, const char *user)
{
	ksr_cache_expire(k, ev_now_ms(), false);
	for (struct ksr_entry *e = k->cache; e != NULL; e = e->next)
		if (e->entity == entity && strcmp(e->user, user) == 0)
			return e;
	return NULL;
}

/* Store @e (ownership passes) unless caching of its kind is off. */
static void
ksr_cache_put(struct ksr *k, struct ksr_entry *e)
{
	unsigned life = e->negative ? k->neg_life_s : k->cache_life_s;
	struct ksr_entry *old;

	if (life == 0) {
		ksr_entry_free(e);
		return;
	}
	old = ksr_cache_find(k, e->entity, e->user);
	if (old != NULL)
		old->expires_ms = 0; /* replaced: expired below */
	ksr_cache_expire(k, ev_now_ms(), true);
	e->expires_ms = ev_now_ms() + (uint64_t)life * 1000;
	e->next = k->cache;
	k->cache = e;
	k->ncache++;
}

/* The SA of @e for @spi (0: the first), or NULL. */
static struct mip_sa *
ksr_entry_pick(const struct ksr_entry *e, uint32_t spi)
{
	for (size_t i = 0; i < e->n; i++)
		if (spi == 0 || e->sa[i]->spi == spi)
			return e->sa[i];
	return NULL;
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

static void
ksr_deferred(void *arg)
{
	struct ksr_req *r = arg;
	struct mip_sa *sa = r->sa;

	if (r->cancelled) {
		mip_sa_unref(sa);
		free(r);
		return;
	}
	ksr_complete(r, r->k != NULL ? r->res : KS_ERROR, sa);
	mip_sa_unref(sa);
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
		return -ENOMEM;
	}
	return 0;
}

/* Build a struct mip_sa from @sp for the peer of @r. */
static struct mip_sa *
ksr_make_sa(const struct ksr_req *r, const struct radius_sa_spec *sp, struct in_addr framed)
{
	struct mip_sa *sa = mip_sa_new(sp->alg, sp->key, sp->keylen);

	if (sa == NULL)
		return NULL;
	snprintf(sa->name, sizeof(sa->name), "radius:%.40s#%u", r->user, sp->index);
	if (r->q.nai[0] != '\0') {
		sa->peer_kind = SA_PEER_NAI;
		snprintf(sa->nai, sizeof(sa->nai), "%s", r->q.nai);
		sa->lo = sa->hi = framed;
	} else {
		sa->peer_kind = SA_PEER_HOST;
		sa->lo = sa->hi = r->q.addr;
	}
	sa->entity = r->q.entity;
	sa->spi = sp->spi_in;
	sa->replay = sp->replay;
	sa->tolerance_s = sp->tolerance_s;
	sa->source = "radius";
	return sa;
}

/* The cache entry for an Access-Accept: every usable SA it carries. */
static struct ksr_entry *
ksr_accept_entry(const struct ksr_req *r, const struct radius_reply *rep)
{
	struct radius_sa_spec sp[RADIUS_SA_MAX];
	struct ksr_entry *e = calloc(1, sizeof(*e));
	struct in_addr framed;
	char errmsg[128] = "";
	unsigned bad;
	size_t n;

	if (e == NULL)
		return NULL;
	e->entity = r->q.entity;
	snprintf(e->user, sizeof(e->user), "%s", r->user);
	n = radius_sa_from_reply(rep->pkt, rep->len, rep->req_auth, rep->secret, rep->secretlen, sp,
	                         RADIUS_SA_MAX, &framed, &bad, errmsg, sizeof(errmsg));
	if (bad > 0)
		log_rl(&ksr_rl, LOG_SS_RADIUS, LOG_WARNING,
		       "%u unusable SA attribute(s) for \"%s\": %s", bad, r->user, errmsg);
	for (size_t i = 0; i < n; i++) {
		struct mip_sa *sa = ksr_make_sa(r, &sp[i], framed);

		if (sa != NULL) {
			e->sa[e->n++] = sa;
			log_info(LOG_SS_RADIUS, "SA for \"%s\": spi 0x%x algorithm %s (%s)",
			         r->user, sa->spi, mip_auth_alg_name(sa->alg),
			         sp[i].origin == RADIUS_SA_CISCO ? "cisco-avpair" : "3gpp2");
		}
		radius_sa_spec_wipe(&sp[i]);
	}
	return e;
}

static void
ksr_radius_done(enum radius_result res, const struct radius_reply *rep, void *arg)
{
	struct ksr_req *r = arg;
	struct ksr *k = r->k;
	struct ksr_entry *e = NULL;
	struct mip_sa *sa = NULL;
	enum ks_result kres = KS_ERROR;

	r->rid = 0;
	if (res == RADIUS_RES_ACCEPT) {
		e = ksr_accept_entry(r, rep);
		sa = e != NULL ? ksr_entry_pick(e, r->q.spi) : NULL;
		kres = sa != NULL ? KS_FOUND : KS_NOT_FOUND;
	} else if (res == RADIUS_RES_REJECT) {
		e = calloc(1, sizeof(*e));
		if (e != NULL) {
			e->negative = true;
			e->entity = r->q.entity;
			snprintf(e->user, sizeof(e->user), "%s", r->user);
		}
		kres = KS_REJECTED;
		log_info(LOG_SS_RADIUS, "\"%s\" rejected", r->user);
	} else {
		log_rl(&ksr_rl, LOG_SS_RADIUS, LOG_WARNING, "no answer for \"%s\"", r->user);
	}
	if (sa != NULL)
		mip_sa_ref(sa);
	if (e != NULL)
		ksr_cache_put(k, e);
	ksr_complete(r, kres, sa);
	mip_sa_unref(sa);
}

static int
ksr_lookup(void *inst, const struct ks_query *q, ks_done_fn done, void *arg, uint64_t *id)
{
	struct ksr *k = inst;
	struct ksr_entry *e;
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
	if (r->q.nai[0] != '\0')
		memcpy(r->user, r->q.nai, strlen(r->q.nai) + 1);
	else
		inet_ntop(AF_INET, &q->addr, r->user, sizeof(r->user));
	e = ksr_cache_find(k, q->entity, r->user);
	if (e != NULL) {
		struct mip_sa *sa = e->negative ? NULL : ksr_entry_pick(e, q->spi);

		rc = ksr_defer(k, r,
		               e->negative  ? KS_REJECTED
		               : sa != NULL ? KS_FOUND
		                            : KS_NOT_FOUND,
		               sa);
	} else {
		rc = radius_client_access_request(k->client, r->user, ksr_radius_done, r, &r->rid);
		if (rc != 0) {
			log_rl(&ksr_rl, LOG_SS_RADIUS, LOG_WARNING,
			       "cannot send a request for \"%s\": %s", r->user, strerror(-rc));
			rc = ksr_defer(k, r, KS_ERROR, NULL);
		}
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

static void
ksr_cancel(void *inst, uint64_t id)
{
	struct ksr *k = inst;

	for (struct ksr_req *r = k->pending; r != NULL; r = r->next) {
		if (r->id != id)
			continue;
		ksr_unlink(r);
		if (r->deferred) {
			r->cancelled = true; /* the deferred call frees it */
		} else {
			radius_client_cancel(k->client, r->rid);
			free(r);
		}
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
              unsigned *neg, char *errmsg, size_t errlen)
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
	             errlen) != 0)
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
	unsigned life, neg;
	int rc = -1;

	if (c == NULL) {
		snprintf(errmsg, errlen, "radius: out of memory");
		return -1;
	}
	if (ksr_parse_cfg(cfg, c, &life, &neg, errmsg, errlen) == 0 &&
	    radius_client_configure(k->client, c, errmsg, errlen) == 0) {
		k->cache_life_s = life;
		k->neg_life_s = neg;
		ksr_cache_clear(k);
		log_info(LOG_SS_RADIUS,
		         "configured: %zu server(s), cache %u s, negative cache %u s", c->nsrv,
		         life, neg);
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
	if (k == NULL || k->client == NULL) {
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

	/* Every pending lookup is answered KS_ERROR from a deferred call. */
	while ((r = k->pending) != NULL) {
		ksr_unlink(r);
		r->k = NULL;
		if (r->deferred)
			continue;
		radius_client_cancel(k->client, r->rid);
		r->rid = 0;
		r->res = KS_ERROR;
		r->deferred = true;
		if (ev_defer(k->env->loop, ksr_deferred, r) != 0) {
			log_errx(LOG_SS_RADIUS, "lookup dropped at shutdown: out of memory");
			free(r);
		}
	}
	radius_client_free(k->client);
	ksr_cache_clear(k);
	free(k);
}

static void
ksr_clear_cache(void *inst)
{
	ksr_cache_clear(inst);
}

static void
ksr_get_status(void *inst, struct ks_status *st)
{
	struct ksr *k = inst;

	ksr_cache_expire(k, ev_now_ms(), false);
	*st = k->st;
	st->cache_entries = k->ncache;
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
                   "security associations from RADIUS servers (Cisco spi AV-pairs, 3GPP2)",
                   &ks_radius_ops);
