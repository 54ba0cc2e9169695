/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mip_replay.c - NTP identifications, replay checks and the per-peer replay table.
 *
 * The checks are pure functions of their arguments (see mip_replay.h). The
 * per-peer table is a chained hash table keyed by an IPv4 address or an NAI
 * string; it doubles when the load factor exceeds one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "mip_replay.h"

#define NS_PER_S 1000000000ULL

const char *
mip_replay_result_name(enum mip_replay_result r)
{
	switch (r) {
	case MIP_REPLAY_OK:
		return "ok";
	case MIP_REPLAY_TOO_OLD:
		return "too-old";
	case MIP_REPLAY_TOO_NEW:
		return "too-new";
	case MIP_REPLAY_NOT_NEWER:
		return "not-newer";
	case MIP_REPLAY_NONCE_MISMATCH:
		return "nonce-mismatch";
	}
	return "unknown";
}

uint64_t
mip_ntp_from_timespec(const struct timespec *ts, unsigned rand_bits, uint32_t rnd)
{
	uint32_t secs = (uint32_t)((uint64_t)ts->tv_sec + MIP_NTP_UNIX_OFFSET);
	uint64_t ns = (uint64_t)ts->tv_nsec % NS_PER_S;
	uint32_t frac = (uint32_t)((ns << 32) / NS_PER_S);
	uint32_t mask;

	if (rand_bits > 32)
		rand_bits = 32;
	mask = rand_bits == 32 ? UINT32_MAX : ((1U << rand_bits) - 1);
	frac = (frac & ~mask) | (rnd & mask);
	return mip_replay_make_id(secs, frac);
}

unsigned
mip_ntp_rand_bits(const struct timespec *res)
{
	uint64_t res_ns;
	unsigned bits = 0;

	if (res->tv_sec > 0 || res->tv_nsec < 0)
		return 32;
	res_ns = (uint64_t)res->tv_nsec;
	/* Count fraction bits whose weight (2^bits / 2^32 s) is within one tick. */
	while (bits < 32 && ((1ULL << (bits + 1)) * NS_PER_S) <= (res_ns << 32))
		bits++;
	return bits;
}

int
mip_replay_random32(uint32_t *out)
{
	return RAND_bytes((unsigned char *)out, sizeof(*out)) == 1 ? 0 : -EIO;
}

int
mip_ntp_now(uint64_t *out)
{
	struct timespec ts, res;
	uint32_t rnd;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || clock_getres(CLOCK_REALTIME, &res) != 0)
		return -EIO;
	if (mip_replay_random32(&rnd) != 0)
		return -EIO;
	*out = mip_ntp_from_timespec(&ts, mip_ntp_rand_bits(&res), rnd);
	return 0;
}

enum mip_replay_result
mip_replay_ts_check(uint64_t id, uint64_t now, uint32_t tolerance_s, const uint64_t *last)
{
	/* Serial arithmetic: the differences stay right across the 2036 rollover. */
	int64_t skew = (int32_t)(mip_replay_high(id) - mip_replay_high(now));

	if (skew < -(int64_t)tolerance_s)
		return MIP_REPLAY_TOO_OLD;
	if (skew > (int64_t)tolerance_s)
		return MIP_REPLAY_TOO_NEW;
	if (last != NULL && (int64_t)(id - *last) <= 0)
		return MIP_REPLAY_NOT_NEWER;
	return MIP_REPLAY_OK;
}

uint64_t
mip_replay_ts_reply_id(uint64_t req_id, uint64_t now, enum mip_replay_result res)
{
	if (res == MIP_REPLAY_OK)
		return req_id;
	return mip_replay_make_id(mip_replay_high(now), mip_replay_low(req_id));
}

enum mip_replay_result
mip_replay_nonce_check(uint64_t id, const uint32_t *issued)
{
	if (issued == NULL || mip_replay_high(id) != *issued)
		return MIP_REPLAY_NONCE_MISMATCH;
	return MIP_REPLAY_OK;
}

uint64_t
mip_replay_nonce_reply_id(uint64_t req_id, uint32_t fresh_nonce)
{
	return mip_replay_make_id(fresh_nonce, mip_replay_low(req_id));
}

bool
mip_replay_low_matches(uint64_t req_id, uint64_t reply_id)
{
	return mip_replay_low(req_id) == mip_replay_low(reply_id);
}

int64_t
mip_replay_ts_offset(uint64_t reply_id, uint64_t now)
{
	return (int32_t)(mip_replay_high(reply_id) - mip_replay_high(now));
}

uint64_t
mip_replay_ts_next_id(uint64_t now, int64_t offset_s, const uint64_t *prev)
{
	uint64_t id = now + ((uint64_t)offset_s << 32);

	if (prev != NULL && (int64_t)(id - *prev) <= 0)
		id = *prev + 1;
	return id;
}

enum mip_replay_result
replay_peer_check_ts(struct replay_peer *p, uint64_t id, uint64_t now, uint32_t tolerance_s,
                     uint64_t *reply_id)
{
	enum mip_replay_result r;

	r = mip_replay_ts_check(id, now, tolerance_s, p->has_last ? &p->last_id : NULL);
	*reply_id = mip_replay_ts_reply_id(id, now, r);
	if (r == MIP_REPLAY_OK) {
		p->has_last = true;
		p->last_id = id;
	}
	return r;
}

enum mip_replay_result
replay_peer_check_nonce(struct replay_peer *p, uint64_t id, uint32_t fresh_nonce,
                        uint64_t *reply_id)
{
	enum mip_replay_result r;

	r = mip_replay_nonce_check(id, p->has_nonce ? &p->nonce : NULL);
	*reply_id = mip_replay_nonce_reply_id(id, fresh_nonce);
	p->has_nonce = true;
	p->nonce = fresh_nonce;
	if (r == MIP_REPLAY_OK) {
		p->has_last = true;
		p->last_id = id;
	}
	return r;
}

/* Per-peer table. */

struct replay_entry {
	struct replay_entry *next;
	uint64_t hash;
	struct in_addr addr;
	char *nai; /* NULL for address-keyed entries */
	struct replay_peer peer;
};

struct replay_table {
	struct replay_entry **buckets;
	size_t nbuckets; /* power of two */
	unsigned count;
};

#define REPLAY_MIN_BUCKETS 64

/* FNV-1a over the key; the first byte separates address and NAI keys. */
static uint64_t
key_hash(struct in_addr addr, const char *nai)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const uint8_t *p;
	size_t n;

	if (nai != NULL) {
		h = (h ^ 'N') * 0x100000001b3ULL;
		p = (const uint8_t *)nai;
		n = strlen(nai);
	} else {
		h = (h ^ 'A') * 0x100000001b3ULL;
		p = (const uint8_t *)&addr.s_addr;
		n = sizeof(addr.s_addr);
	}
	while (n-- > 0)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static bool
key_equal(const struct replay_entry *e, struct in_addr addr, const char *nai)
{
	if (nai != NULL)
		return e->nai != NULL && strcmp(e->nai, nai) == 0;
	return e->nai == NULL && e->addr.s_addr == addr.s_addr;
}

struct replay_table *
replay_table_new(void)
{
	struct replay_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->buckets = calloc(REPLAY_MIN_BUCKETS, sizeof(*t->buckets));
	if (t->buckets == NULL) {
		free(t);
		return NULL;
	}
	t->nbuckets = REPLAY_MIN_BUCKETS;
	return t;
}

void
replay_table_free(struct replay_table *t)
{
	struct replay_entry *e, *next;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nbuckets; i++) {
		for (e = t->buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e->nai);
			free(e);
		}
	}
	free(t->buckets);
	free(t);
}

static void
grow(struct replay_table *t)
{
	size_t n = t->nbuckets * 2, i;
	struct replay_entry **b, *e, *next;

	b = calloc(n, sizeof(*b));
	if (b == NULL)
		return; /* keep the old size; lookups stay correct, only slower */
	for (i = 0; i < t->nbuckets; i++) {
		for (e = t->buckets[i]; e != NULL; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

struct replay_peer *
replay_table_get(struct replay_table *t, struct in_addr addr, const char *nai, bool create)
{
	struct replay_entry *e;
	uint64_t h;

	if (nai != NULL && nai[0] == '\0')
		nai = NULL;
	h = key_hash(addr, nai);
	for (e = t->buckets[h & (t->nbuckets - 1)]; e != NULL; e = e->next) {
		if (e->hash == h && key_equal(e, addr, nai))
			return &e->peer;
	}
	if (!create)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	if (nai != NULL) {
		e->nai = strdup(nai);
		if (e->nai == NULL) {
			free(e);
			return NULL;
		}
	} else {
		e->addr = addr;
	}
	e->hash = h;
	if (t->count >= t->nbuckets)
		grow(t);
	e->next = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = e;
	t->count++;
	return &e->peer;
}

int
replay_table_del(struct replay_table *t, struct in_addr addr, const char *nai)
{
	struct replay_entry **pp, *e;
	uint64_t h;

	if (nai != NULL && nai[0] == '\0')
		nai = NULL;
	h = key_hash(addr, nai);
	for (pp = &t->buckets[h & (t->nbuckets - 1)]; (e = *pp) != NULL; pp = &e->next) {
		if (e->hash == h && key_equal(e, addr, nai)) {
			*pp = e->next;
			free(e->nai);
			free(e);
			t->count--;
			return 0;
		}
	}
	return -ENOENT;
}

unsigned
replay_table_count(const struct replay_table *t)
{
	return t->count;
}
