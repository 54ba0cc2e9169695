/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mip_replay.h - Identification field replay protection (RFC 5944 section 5.7).
 *
 * The 64-bit Identification of a Registration Request is either an NTP
 * timestamp (mandatory to implement) or a pair of nonces:
 *
 *   timestamps: high 32 = seconds since 1900-01-01 UTC, low 32 = fraction
 *               (low-order bits the clock cannot supply are random). The HA
 *               accepts when |id_high - now_high| <= tolerance and id is
 *               greater than the last id it accepted from that peer.
 *   nonces:     high 32 = the nonce the HA issued last, low 32 = a fresh
 *               sender nonce. The HA accepts when the high 32 bits equal the
 *               nonce it issued and always replies with a new nonce.
 *
 * On a mismatch the HA answers code 133 whose Identification has the HA's
 * time (or a fresh HA nonce) in the high 32 bits and the request's low 32
 * bits. The sender checks the low 32 bits, derives its clock offset from the
 * high 32 bits and retries with the offset applied.
 *
 * The checks are pure: every time value is a parameter, so callers (and
 * tests) decide what "now" is. mip_ntp_now() is the thin wrapper that reads
 * CLOCK_REALTIME. Comparisons use serial-number arithmetic, so they keep
 * working across the NTP era rollover of 2036.
 *
 * struct replay_table keeps per-peer state (last accepted id, last issued
 * nonce, sender clock offset) keyed by a home address or an NAI, in a hash
 * table with O(1) lookup. A proxying AP keeps its offsets per HA, keyed by
 * the HA address. Only call the checks after the authenticator verified, or
 * an attacker could advance or reset the state.
 */
#ifndef PMIP_MIP_REPLAY_H
#define PMIP_MIP_REPLAY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
#define MIP_NTP_UNIX_OFFSET 2208988800ULL

/* Suggested default timestamp tolerance in seconds (guide section 10). */
#define MIP_REPLAY_TOLERANCE_DEFAULT 7

/** enum mip_replay_result - outcome of an HA-side Identification check. */
enum mip_replay_result {
	MIP_REPLAY_OK = 0,             /* accept */
	MIP_REPLAY_TOO_OLD = 1,        /* timestamp more than tolerance behind our clock */
	MIP_REPLAY_TOO_NEW = 2,        /* timestamp more than tolerance ahead of our clock */
	MIP_REPLAY_NOT_NEWER = 3,      /* not greater than the last id accepted */
	MIP_REPLAY_NONCE_MISMATCH = 4, /* high 32 bits are not the nonce we issued */
};

/** mip_replay_result_name - short name of @r ("ok", "too-old", ...). */
const char *mip_replay_result_name(enum mip_replay_result r);

/**
 * mip_ntp_from_timespec - convert a CLOCK_REALTIME value to a 64-bit NTP timestamp.
 * @ts: time since the Unix epoch.
 * @rand_bits: number of low-order fraction bits to replace with random bits (0..32).
 * @rnd: source of those random bits (its low @rand_bits bits are used).
 *
 * Return: seconds since 1900 (modulo 2^32) in the high 32 bits, the binary
 * fraction of the second in the low 32 bits.
 */
uint64_t mip_ntp_from_timespec(const struct timespec *ts, unsigned rand_bits, uint32_t rnd);

/**
 * mip_ntp_rand_bits - fraction bits below a clock resolution.
 * @res: clock resolution (as from clock_getres()).
 *
 * Return: the number of low-order fraction bits that the clock cannot
 * supply, which RFC 5944 section 5.7 says to fill with random bits (2 for a
 * nanosecond clock, 32 for a clock that only has whole seconds).
 */
unsigned mip_ntp_rand_bits(const struct timespec *res);

/**
 * mip_ntp_now - read CLOCK_REALTIME as an NTP timestamp for an Identification.
 * @out: receives the timestamp; the bits below the clock resolution are
 *       filled from OpenSSL's RAND_bytes().
 *
 * Return: 0, or -EIO if the clock or the random source fails.
 */
int mip_ntp_now(uint64_t *out);

/** mip_replay_random32 - 32 random bits from OpenSSL; returns 0, or -EIO. */
int mip_replay_random32(uint32_t *out);

/** mip_replay_high - high 32 bits (seconds, or the HA nonce) of @id. */
static inline uint32_t
mip_replay_high(uint64_t id)
{
	return (uint32_t)(id >> 32);
}

/** mip_replay_low - low 32 bits (fraction, or the sender nonce) of @id. */
static inline uint32_t
mip_replay_low(uint64_t id)
{
	return (uint32_t)id;
}

/**
 * mip_replay_make_id - assemble an Identification.
 * @high: seconds or HA nonce.
 * @low: fraction or sender nonce.
 * Return: (@high << 32) | @low.
 */
static inline uint64_t
mip_replay_make_id(uint32_t high, uint32_t low)
{
	return ((uint64_t)high << 32) | low;
}

/**
 * mip_replay_ts_check - HA-side timestamp check (pure).
 * @id: Identification of the request.
 * @now: HA clock as an NTP timestamp.
 * @tolerance_s: accepted clock difference in seconds.
 * @last: last id accepted from this peer, or NULL if none.
 *
 * Return: MIP_REPLAY_OK when |high(@id) - high(@now)| <= @tolerance_s and
 * @id is greater than *@last; otherwise TOO_OLD, TOO_NEW or NOT_NEWER
 * (the clock window is checked first).
 */
enum mip_replay_result mip_replay_ts_check(uint64_t id, uint64_t now, uint32_t tolerance_s,
                                           const uint64_t *last);

/**
 * mip_replay_ts_reply_id - Identification of the HA's reply in timestamp mode.
 * @req_id: Identification of the request.
 * @now: HA clock as an NTP timestamp.
 * @res: result of the check.
 *
 * Return: @req_id when @res is MIP_REPLAY_OK; for a mismatch (code 133),
 * high 32 = high(@now) and low 32 = low(@req_id).
 */
uint64_t mip_replay_ts_reply_id(uint64_t req_id, uint64_t now, enum mip_replay_result res);

/**
 * mip_replay_nonce_check - HA-side nonce check (pure).
 * @id: Identification of the request.
 * @issued: the nonce this HA issued last to the peer, or NULL if none yet.
 *
 * Return: MIP_REPLAY_OK if high(@id) == *@issued, else MIP_REPLAY_NONCE_MISMATCH.
 */
enum mip_replay_result mip_replay_nonce_check(uint64_t id, const uint32_t *issued);

/**
 * mip_replay_nonce_reply_id - Identification of the HA's reply in nonce mode.
 * @req_id: Identification of the request.
 * @fresh_nonce: the new HA nonce; used for accepts and for mismatches alike.
 * Return: high 32 = @fresh_nonce, low 32 = low(@req_id).
 */
uint64_t mip_replay_nonce_reply_id(uint64_t req_id, uint32_t fresh_nonce);

/**
 * mip_replay_low_matches - sender check that a reply answers a request.
 * @req_id: Identification we sent.
 * @reply_id: Identification in the reply.
 * Return: true if the low 32 bits are equal.
 */
bool mip_replay_low_matches(uint64_t req_id, uint64_t reply_id);

/**
 * mip_replay_ts_offset - sender clock offset learnt from a code 133 reply.
 * @reply_id: Identification of the 133 reply (HA time in the high 32 bits).
 * @now: our clock when the reply arrived, as an NTP timestamp.
 * Return: HA seconds minus our seconds (serial arithmetic, era safe).
 */
int64_t mip_replay_ts_offset(uint64_t reply_id, uint64_t now);

/**
 * mip_replay_ts_next_id - sender Identification with a clock offset applied.
 * @now: our clock as an NTP timestamp (fraction already randomised).
 * @offset_s: offset from mip_replay_ts_offset(), 0 when in sync.
 * @prev: the last Identification the HA accepted from us (echoed in a
 *        successful reply), or NULL. Not the last one sent: after a 133 for
 *        a clock running ahead, the rejected value must not hold us back.
 *
 * Return: @now with @offset_s added to its seconds, made greater than
 * *@prev if needed (so that two requests within one clock tick are still
 * increasing).
 */
uint64_t mip_replay_ts_next_id(uint64_t now, int64_t offset_s, const uint64_t *prev);

/**
 * struct replay_peer - replay state of one peer.
 * @has_last: @last_id is valid.
 * @last_id: last Identification accepted (HA: from the peer; sender: by the HA).
 * @has_nonce: @nonce is valid.
 * @nonce: HA: the nonce last issued; sender: the HA nonce last received.
 * @offset_s: sender: clock offset to the HA learnt from a 133 (timestamps).
 */
struct replay_peer {
	bool has_last;
	uint64_t last_id;
	bool has_nonce;
	uint32_t nonce;
	int64_t offset_s;
};

/**
 * replay_peer_check_ts - HA timestamp check against @p, updating it.
 * @p: peer state.
 * @id: Identification of the (authenticated) request.
 * @now: HA clock as an NTP timestamp.
 * @tolerance_s: accepted clock difference in seconds.
 * @reply_id: receives the Identification to put in the reply.
 *
 * On MIP_REPLAY_OK @p->last_id becomes @id. Return: the check result.
 */
enum mip_replay_result replay_peer_check_ts(struct replay_peer *p, uint64_t id, uint64_t now,
                                            uint32_t tolerance_s, uint64_t *reply_id);

/**
 * replay_peer_check_nonce - HA nonce check against @p, issuing a new nonce.
 * @p: peer state.
 * @id: Identification of the (authenticated) request.
 * @fresh_nonce: the next HA nonce (random, from the caller).
 * @reply_id: receives the Identification to put in the reply.
 *
 * Whatever the result, @p->nonce becomes @fresh_nonce, which the reply
 * carries. Return: the check result.
 */
enum mip_replay_result replay_peer_check_nonce(struct replay_peer *p, uint64_t id,
                                               uint32_t fresh_nonce, uint64_t *reply_id);

struct replay_table;

/** replay_table_new - empty table; NULL on allocation failure. */
struct replay_table *replay_table_new(void);

/** replay_table_free - free @t and all its peers; NULL is allowed. */
void replay_table_free(struct replay_table *t);

/**
 * replay_table_get - state of a peer, optionally created.
 * @t: table.
 * @addr: peer address, used as the key when @nai is NULL or empty.
 * @nai: peer NAI (NUL-terminated), the key when non-empty.
 * @create: create a zeroed entry when none exists.
 *
 * Return: the entry (owned by @t, valid until it is deleted or @t freed), or
 * NULL if absent and not created, or on allocation failure (errno ENOMEM).
 */
struct replay_peer *replay_table_get(struct replay_table *t, struct in_addr addr, const char *nai,
                                     bool create);

/**
 * replay_table_del - forget a peer.
 * @t: table.
 * @addr: peer address (key when @nai is NULL or empty).
 * @nai: peer NAI or NULL.
 * Return: 0, or -ENOENT.
 */
int replay_table_del(struct replay_table *t, struct in_addr addr, const char *nai);

/** replay_table_count - number of peers in @t. */
unsigned replay_table_count(const struct replay_table *t);

#endif /* PMIP_MIP_REPLAY_H */
