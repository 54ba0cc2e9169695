/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keystore_local.c - keystore-local: answers lookups from the configured SA table.
 *
 * DOC: the local key store owns no SAs; it looks the query up in the core's
 * struct sa_table (env->sa_table, filled from /pmip:pmip/security-association)
 * with sa_table_lookup(). Every answer is delivered through ev_defer(), never
 * from inside lookup(), and is computed when the deferred call runs, so it
 * reflects the table as it is then. A request is a small heap object owned by
 * its deferred call: cancel() and destroy() only mark it, and the deferred
 * call frees it (after completing it with KS_ERROR when the instance is gone).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev.h"
#include "keystore.h"
#include "plugin.h"

struct ksl_req;

struct ksl {
	const struct ks_env *env;
	struct ksl_req *pending;
	uint64_t next_id;
	struct ks_status st;
};

struct ksl_req {
	struct ksl_req *next, **pprev; /* in ksl->pending while linked */
	struct ksl *ksl;               /* NULL once the instance is destroyed */
	uint64_t id;
	struct ks_query q;
	ks_done_fn done;
	void *arg;
	bool cancelled;
};

static void
ksl_unlink(struct ksl_req *r)
{
	if (r->pprev == NULL)
		return;
	*r->pprev = r->next;
	if (r->next != NULL)
		r->next->pprev = r->pprev;
	r->next = NULL;
	r->pprev = NULL;
}

static void *
ksl_create(const struct ks_env *env, char *errmsg, size_t errlen)
{
	struct ksl *k = calloc(1, sizeof(*k));

	if (k == NULL) {
		snprintf(errmsg, errlen, "out of memory");
		return NULL;
	}
	k->env = env;
	return k;
}

static void
ksl_destroy(void *inst)
{
	struct ksl *k = inst;
	struct ksl_req *r;

	/* Each pending request still has its deferred call: it answers KS_ERROR. */
	while ((r = k->pending) != NULL) {
		ksl_unlink(r);
		r->ksl = NULL;
	}
	free(k);
}

/* The deferred answer of one request. */
static void
ksl_answer(void *arg)
{
	struct ksl_req *r = arg;
	struct ksl *k = r->ksl;
	ks_done_fn done = r->done;
	void *done_arg = r->arg;
	enum ks_result res = KS_ERROR;
	struct mip_sa *sa = NULL;

	if (r->cancelled) {
		free(r);
		return;
	}
	ksl_unlink(r);
	if (k != NULL && k->env->sa_table != NULL) {
		sa = sa_table_lookup(k->env->sa_table, r->q.entity, r->q.addr,
		                     r->q.nai[0] != '\0' ? r->q.nai : NULL, r->q.spi);
		res = sa != NULL ? KS_FOUND : KS_NOT_FOUND;
	}
	if (k != NULL) {
		if (res == KS_FOUND)
			k->st.found++;
		else if (res == KS_NOT_FOUND)
			k->st.not_found++;
		else
			k->st.errors++;
	}
	free(r);
	done(res, sa, done_arg);
}

static int
ksl_lookup(void *inst, const struct ks_query *q, ks_done_fn done, void *arg, uint64_t *id)
{
	struct ksl *k = inst;
	struct ksl_req *r;

	if (q == NULL || done == NULL || id == NULL)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->ksl = k;
	r->q = *q;
	r->q.nai[SA_NAI_MAX] = '\0';
	r->done = done;
	r->arg = arg;
	if (ev_defer(k->env->loop, ksl_answer, r) != 0) {
		free(r);
		return -ENOMEM;
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
ksl_cancel(void *inst, uint64_t id)
{
	struct ksl *k = inst;

	for (struct ksl_req *r = k->pending; r != NULL; r = r->next) {
		if (r->id == id) {
			ksl_unlink(r);
			r->cancelled = true;
			return;
		}
	}
}

static void
ksl_get_status(void *inst, struct ks_status *st)
{
	struct ksl *k = inst;

	*st = k->st;
	st->cache_entries = 0;
}

static const struct ks_ops keystore_local_ops = {
	.create = ksl_create,
	.destroy = ksl_destroy,
	.configure = NULL,
	.lookup = ksl_lookup,
	.cancel = ksl_cancel,
	.clear_cache = NULL,
	.get_status = ksl_get_status,
};

PMIP_PLUGIN_DEFINE("keystore-local", PMIP_PLUGIN_KEYSTORE,
                   "security associations from the local configuration", &keystore_local_ops);
