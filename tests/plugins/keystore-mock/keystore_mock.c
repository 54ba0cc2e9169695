/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keystore_mock.c - scripted key-store plugin for the key-store chain tests.
 *
 * MOCK_MODE selects the behaviour of every lookup:
 *   MOCK_NOTFOUND, MOCK_ERROR, MOCK_REJECT, MOCK_FOUND: answer that result
 *	from a deferred call (FOUND hands out the instance's own SA, named
 *	after the plugin, SPI 4242);
 *   MOCK_SYNC: break the contract by answering FOUND from inside lookup();
 *   MOCK_TWICE: answer NOT_FOUND, then once more on the next pass;
 *   MOCK_NOSTART: refuse to start (-EIO);
 *   MOCK_HOLD: never answer until cancelled.
 * get_status reports lookups started and, in cache_entries, the requests
 * still held (neither answered nor cancelled).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ev.h"
#include "keystore.h"
#include "plugin.h"

enum mock_mode {
	MOCK_NOTFOUND,
	MOCK_ERROR,
	MOCK_REJECT,
	MOCK_FOUND,
	MOCK_SYNC,
	MOCK_TWICE,
	MOCK_NOSTART,
	MOCK_HOLD,
};

struct mock_req {
	struct mock *m;
	uint64_t id;
	ks_done_fn done;
	void *arg;
	bool cancelled;
	bool second; /* MOCK_TWICE: the extra answer */
	struct mock_req *next;
};

struct mock {
	const struct ks_env *env;
	struct mip_sa *sa;
	struct mock_req *reqs;
	uint64_t next_id;
	struct ks_status st;
};

static void *
mock_create(const struct ks_env *env, char *errmsg, size_t errlen)
{
	static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct mock *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->env = env;
	m->sa = mip_sa_new(MIP_AUTH_HMAC_MD5, key, sizeof(key));
	if (m->sa == NULL) {
		free(m);
		return NULL;
	}
	strcpy(m->sa->name, MOCK_NAME);
	m->sa->spi = 4242;
	m->sa->source = "mock";
	return m;
}

static void
mock_destroy(void *inst)
{
	struct mock *m = inst;
	struct mock_req *r;

	/* Requests with a deferred call pending are orphaned: the call frees them. */
	while ((r = m->reqs) != NULL) {
		m->reqs = r->next;
		if (MOCK_MODE == MOCK_HOLD)
			free(r);
		else
			r->m = NULL;
	}
	mip_sa_unref(m->sa);
	free(m);
}

static void
mock_forget(struct mock *m, struct mock_req *r)
{
	for (struct mock_req **pp = &m->reqs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			return;
		}
	}
}

static void
mock_answer(void *arg)
{
	struct mock_req *r = arg;
	struct mock *m = r->m;
	enum ks_result res = KS_NOT_FOUND;

	if (m != NULL)
		mock_forget(m, r);
	if (r->cancelled || m == NULL) {
		free(r);
		return;
	}
	if (MOCK_MODE == MOCK_ERROR)
		res = KS_ERROR;
	else if (MOCK_MODE == MOCK_REJECT)
		res = KS_REJECTED;
	else if (MOCK_MODE == MOCK_FOUND)
		res = KS_FOUND;
	if (MOCK_MODE == MOCK_TWICE && !r->second) {
		/* Queue the contract-breaking second answer before the first. */
		struct mock_req *again = calloc(1, sizeof(*again));

		if (again != NULL) {
			*again = *r;
			again->second = true;
			again->next = m->reqs;
			m->reqs = again;
			ev_defer(m->env->loop, mock_answer, again);
		}
	}
	r->done(res, res == KS_FOUND ? m->sa : NULL, r->arg);
	free(r);
}

static int
mock_lookup(void *inst, const struct ks_query *q, ks_done_fn done, void *arg, uint64_t *id)
{
	struct mock *m = inst;
	struct mock_req *r;

	m->st.lookups++;
	if (MOCK_MODE == MOCK_NOSTART)
		return -EIO;
	if (MOCK_MODE == MOCK_SYNC) {
		done(KS_FOUND, m->sa, arg);
		*id = ++m->next_id;
		return 0;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->m = m;
	r->id = ++m->next_id;
	r->done = done;
	r->arg = arg;
	if (MOCK_MODE != MOCK_HOLD && ev_defer(m->env->loop, mock_answer, r) != 0) {
		free(r);
		return -ENOMEM;
	}
	r->next = m->reqs;
	m->reqs = r;
	*id = r->id;
	return 0;
}

static void
mock_cancel(void *inst, uint64_t id)
{
	struct mock *m = inst;

	for (struct mock_req *r = m->reqs; r != NULL; r = r->next) {
		if (r->id == id && !r->second)
			r->cancelled = true;
	}
}

static void
mock_get_status(void *inst, struct ks_status *st)
{
	struct mock *m = inst;

	*st = m->st;
	st->cache_entries = 0;
	for (struct mock_req *r = m->reqs; r != NULL; r = r->next)
		st->cache_entries += !r->cancelled && !r->second;
}

static const struct ks_ops mock_ops = {
	.create = mock_create,
	.destroy = mock_destroy,
	.lookup = mock_lookup,
	.cancel = mock_cancel,
	.get_status = mock_get_status,
};

PMIP_PLUGIN_DEFINE(MOCK_NAME, PMIP_PLUGIN_KEYSTORE, "test: scripted key store", &mock_ops);
