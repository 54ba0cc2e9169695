/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aap_msg.c - AAP protocol codec: framing, HMAC-SHA256 through OpenSSL 3, bodies, replay.
 *
 * Reserved bytes are sent as zero and a datagram with a nonzero one is rejected: a later
 * use of them comes with a new version byte. Decoding checks the frame (length bounds, version, body-length field), then the MAC
 * over header and body (constant-time comparison), and only then looks at the type and
 * the body, so unauthenticated input never reaches the body parsers. A key object keeps
 * an EVP_MAC context with the key already set; each message duplicates it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "aap_msg.h"
#include "wire.h"

/** struct aap_key - HMAC-SHA256 context with the group key set. */
struct aap_key {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
};

static const char *const aap_err_names[AAP_E_MAX] = {
	[AAP_OK] = "ok",
	[AAP_E_SHORT] = "truncated",
	[AAP_E_LONG] = "oversized",
	[AAP_E_VERSION] = "bad-version",
	[AAP_E_LENGTH] = "bad-length",
	[AAP_E_MAC] = "bad-mac",
	[AAP_E_TYPE] = "bad-type",
	[AAP_E_BODY] = "bad-body",
	[AAP_E_ENTRY] = "bad-entry",
	[AAP_E_NOSPACE] = "no-space",
	[AAP_E_REPLAY] = "replayed",
	[AAP_E_WINDOW] = "outside-window",
};

const char *
aap_err_name(enum aap_err e)
{
	return (unsigned)e < AAP_E_MAX && aap_err_names[e] != NULL ? aap_err_names[e] : "unknown";
}

struct aap_key *
aap_key_new(const uint8_t *key, size_t len)
{
	struct aap_key *k;
	OSSL_PARAM params[2];

	if (key == NULL || len < AAP_KEY_MIN || len > AAP_KEY_MAX)
		return NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	k->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (k->mac == NULL || (k->ctx = EVP_MAC_CTX_new(k->mac)) == NULL ||
	    EVP_MAC_init(k->ctx, key, len, params) != 1) {
		aap_key_free(k);
		return NULL;
	}
	return k;
}

void
aap_key_free(struct aap_key *k)
{
	if (k == NULL)
		return;
	EVP_MAC_CTX_free(k->ctx);
	EVP_MAC_free(k->mac);
	free(k);
}

/* HMAC-SHA256 of @data into @out (AAP_MAC_LEN bytes); 0 or -1. */
static int
aap_mac(const struct aap_key *k, const uint8_t *data, size_t len, uint8_t *out)
{
	EVP_MAC_CTX *c = EVP_MAC_CTX_dup(k->ctx);
	size_t olen = 0;
	int ok;

	if (c == NULL)
		return -1;
	ok = EVP_MAC_update(c, data, len) == 1 && EVP_MAC_final(c, out, &olen, AAP_MAC_LEN) == 1 &&
	     olen == AAP_MAC_LEN;
	EVP_MAC_CTX_free(c);
	return ok ? 0 : -1;
}

/* --- entries --- */

bool
aap_entry_valid(const struct aap_entry *e)
{
	uint32_t mask;

	if (e->len > 32 || (e->flags & ~AAP_ENT_TOMBSTONE) != 0)
		return false;
	mask = e->len == 0 ? 0 : htonl(~0u << (32 - e->len));
	return (e->prefix.s_addr & ~mask) == 0;
}

void
aap_entry_encode(uint8_t *p, const struct aap_entry *e)
{
	memcpy(p, &e->prefix, 4);
	p[4] = e->len;
	p[5] = e->flags;
	p[6] = p[7] = 0;
	memcpy(p + 8, &e->ha, 4);
	memcpy(p + 12, &e->origin, 4);
	memcpy(p + 16, &e->aap, 4);
	wire_put64(p + 20, e->version);
}

static void
aap_entry_decode(const uint8_t *p, struct aap_entry *e)
{
	memset(e, 0, sizeof(*e));
	memcpy(&e->prefix, p, 4);
	e->len = p[4];
	e->flags = p[5];
	memcpy(&e->ha, p + 8, 4);
	memcpy(&e->origin, p + 12, 4);
	memcpy(&e->aap, p + 16, 4);
	e->version = wire_get64(p + 20);
}

void
aap_msg_entry(const struct aap_msg *m, size_t i, struct aap_entry *out)
{
	aap_entry_decode(m->ent + i * AAP_ENTRY_LEN, out);
}

/* Validate @n raw entries at @p; reserved bytes must be zero. */
static int
aap_entries_check(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++, p += AAP_ENTRY_LEN) {
		struct aap_entry e;

		aap_entry_decode(p, &e);
		if (!aap_entry_valid(&e) || p[6] != 0 || p[7] != 0)
			return -AAP_E_ENTRY;
	}
	return 0;
}

/* --- decode --- */

static int
aap_body_decode(const uint8_t *b, size_t len, struct aap_msg *m)
{
	switch (m->h.type) {
	case AAP_HELLO:
		if (len != AAP_HELLO_LEN || b[9] != 0)
			return -AAP_E_BODY;
		memcpy(&m->u.hello.ha, b, 4);
		memcpy(&m->u.hello.prefix, b + 4, 4);
		m->u.hello.len = b[8];
		m->u.hello.hold_s = wire_get16(b + 10);
		m->u.hello.session = wire_get32(b + 12);
		m->u.hello.next_msgno = wire_get32(b + 16);
		m->u.hello.count = wire_get32(b + 20);
		m->u.hello.digest = wire_get64(b + 24);
		if (m->u.hello.ha.s_addr != INADDR_ANY) {
			struct aap_entry e = { .prefix = m->u.hello.prefix, .len = m->u.hello.len };

			if (!aap_entry_valid(&e) || m->u.hello.hold_s == 0)
				return -AAP_E_ENTRY;
		}
		return 0;
	case AAP_HELLO_ACK:
		if (len != AAP_HELLO_ACK_LEN)
			return -AAP_E_BODY;
		m->u.hello_ack.session = wire_get32(b);
		m->u.hello_ack.count = wire_get32(b + 4);
		return 0;
	case AAP_MAP:
		if (len < AAP_MAP_HDR_LEN || (len - AAP_MAP_HDR_LEN) % AAP_ENTRY_LEN != 0)
			return -AAP_E_BODY;
		m->u.map.session = wire_get32(b);
		m->u.map.msgno = wire_get32(b + 4);
		m->u.map.flags = b[8];
		if ((m->u.map.flags & ~(AAP_MAP_FIRST | AAP_MAP_LAST)) != 0 ||
		    m->u.map.session == 0 || b[9] != 0 || b[10] != 0 || b[11] != 0)
			return -AAP_E_BODY;
		m->n = (len - AAP_MAP_HDR_LEN) / AAP_ENTRY_LEN;
		m->ent = b + AAP_MAP_HDR_LEN;
		return aap_entries_check(m->ent, m->n);
	case AAP_MAP_ACK:
		if (len != AAP_MAP_ACK_LEN)
			return -AAP_E_BODY;
		m->u.map_ack.session = wire_get32(b);
		m->u.map_ack.next_msgno = wire_get32(b + 4);
		return 0;
	case AAP_LEAVE:
		return len == 0 ? 0 : -AAP_E_BODY;
	case AAP_SYNC_DIGEST:
		if (len != AAP_DIGEST_LEN || wire_get32(b + 4) != 0)
			return -AAP_E_BODY;
		m->u.digest.count = wire_get32(b);
		for (size_t i = 0; i < AAP_BUCKETS; i++)
			m->u.digest.bucket[i] = wire_get64(b + 8 + 8 * i);
		return 0;
	case AAP_SYNC_REQ:
		if (len != AAP_SYNC_REQ_LEN)
			return -AAP_E_BODY;
		memcpy(m->u.req.bitmap, b, AAP_BITMAP_LEN);
		m->u.req.count = wire_get32(b + AAP_BITMAP_LEN);
		return 0;
	case AAP_SYNC_ENTRIES:
		if (len == 0 || len % AAP_ENTRY_LEN != 0)
			return -AAP_E_BODY;
		m->n = len / AAP_ENTRY_LEN;
		m->ent = b;
		return aap_entries_check(m->ent, m->n);
	default:
		return -AAP_E_TYPE;
	}
}

int
aap_msg_decode(const uint8_t *buf, size_t len, const struct aap_key *key, struct aap_msg *out)
{
	uint8_t mac[AAP_MAC_LEN];
	size_t body;
	int err;

	memset(out, 0, sizeof(*out));
	if (len < AAP_HDR_LEN + AAP_MAC_LEN)
		return -AAP_E_SHORT;
	if (len > AAP_DGRAM_MAX)
		return -AAP_E_LONG;
	if (buf[0] != AAP_VERSION)
		return -AAP_E_VERSION;
	body = wire_get16(buf + 2);
	if (body != len - AAP_HDR_LEN - AAP_MAC_LEN)
		return -AAP_E_LENGTH;
	if (aap_mac(key, buf, AAP_HDR_LEN + body, mac) < 0 ||
	    CRYPTO_memcmp(mac, buf + AAP_HDR_LEN + body, AAP_MAC_LEN) != 0)
		return -AAP_E_MAC;
	out->h.version = buf[0];
	out->h.type = buf[1];
	out->h.body_len = (uint16_t)body;
	out->h.sender = wire_get32(buf + 4);
	out->h.seq = wire_get64(buf + 8);
	if (out->h.type == 0 || out->h.type > AAP_TYPE_MAX)
		err = -AAP_E_TYPE;
	else
		err = aap_body_decode(buf + AAP_HDR_LEN, body, out);
	if (err < 0)
		memset(out, 0, sizeof(*out));
	return err;
}

/* --- encode --- */

/* Body length of @m, or -1 for an unknown type. */
static long
aap_body_len(const struct aap_msg *m)
{
	switch (m->h.type) {
	case AAP_HELLO:
		return AAP_HELLO_LEN;
	case AAP_HELLO_ACK:
		return AAP_HELLO_ACK_LEN;
	case AAP_MAP:
		return AAP_MAP_HDR_LEN + (long)(m->n * AAP_ENTRY_LEN);
	case AAP_MAP_ACK:
		return AAP_MAP_ACK_LEN;
	case AAP_LEAVE:
		return 0;
	case AAP_SYNC_DIGEST:
		return AAP_DIGEST_LEN;
	case AAP_SYNC_REQ:
		return AAP_SYNC_REQ_LEN;
	case AAP_SYNC_ENTRIES:
		return (long)(m->n * AAP_ENTRY_LEN);
	default:
		return -1;
	}
}

static void
aap_body_encode(uint8_t *b, const struct aap_msg *m, const struct aap_entry *ents)
{
	uint8_t *p;

	switch (m->h.type) {
	case AAP_HELLO:
		memset(b, 0, AAP_HELLO_LEN);
		memcpy(b, &m->u.hello.ha, 4);
		memcpy(b + 4, &m->u.hello.prefix, 4);
		b[8] = m->u.hello.len;
		wire_put16(b + 10, m->u.hello.hold_s);
		wire_put32(b + 12, m->u.hello.session);
		wire_put32(b + 16, m->u.hello.next_msgno);
		wire_put32(b + 20, m->u.hello.count);
		wire_put64(b + 24, m->u.hello.digest);
		break;
	case AAP_HELLO_ACK:
		wire_put32(b, m->u.hello_ack.session);
		wire_put32(b + 4, m->u.hello_ack.count);
		break;
	case AAP_MAP:
		wire_put32(b, m->u.map.session);
		wire_put32(b + 4, m->u.map.msgno);
		b[8] = m->u.map.flags;
		b[9] = b[10] = b[11] = 0;
		p = b + AAP_MAP_HDR_LEN;
		for (size_t i = 0; i < m->n; i++, p += AAP_ENTRY_LEN)
			aap_entry_encode(p, &ents[i]);
		break;
	case AAP_MAP_ACK:
		wire_put32(b, m->u.map_ack.session);
		wire_put32(b + 4, m->u.map_ack.next_msgno);
		break;
	case AAP_SYNC_DIGEST:
		wire_put32(b, m->u.digest.count);
		wire_put32(b + 4, 0);
		for (size_t i = 0; i < AAP_BUCKETS; i++)
			wire_put64(b + 8 + 8 * i, m->u.digest.bucket[i]);
		break;
	case AAP_SYNC_REQ:
		memcpy(b, m->u.req.bitmap, AAP_BITMAP_LEN);
		wire_put32(b + AAP_BITMAP_LEN, m->u.req.count);
		break;
	case AAP_SYNC_ENTRIES:
		for (size_t i = 0; i < m->n; i++)
			aap_entry_encode(b + i * AAP_ENTRY_LEN, &ents[i]);
		break;
	default:
		break;
	}
}

int
aap_msg_encode(uint8_t *buf, size_t cap, const struct aap_key *key, const struct aap_msg *m,
               const struct aap_entry *ents)
{
	long body = aap_body_len(m);
	size_t total;

	if (body < 0)
		return -AAP_E_TYPE;
	if (m->h.type == AAP_MAP || m->h.type == AAP_SYNC_ENTRIES) {
		if (m->n > 0 && ents == NULL)
			return -AAP_E_ENTRY;
		for (size_t i = 0; i < m->n; i++)
			if (!aap_entry_valid(&ents[i]))
				return -AAP_E_ENTRY;
		if (m->h.type == AAP_MAP && m->u.map.session == 0)
			return -AAP_E_BODY;
	}
	total = AAP_HDR_LEN + (size_t)body + AAP_MAC_LEN;
	if (body > AAP_BODY_MAX || total > cap)
		return -AAP_E_NOSPACE;
	buf[0] = AAP_VERSION;
	buf[1] = m->h.type;
	wire_put16(buf + 2, (uint16_t)body);
	wire_put32(buf + 4, m->h.sender);
	wire_put64(buf + 8, m->h.seq);
	aap_body_encode(buf + AAP_HDR_LEN, m, ents);
	if (aap_mac(key, buf, AAP_HDR_LEN + (size_t)body, buf + AAP_HDR_LEN + body) < 0)
		return -AAP_E_MAC;
	return (int)total;
}

/* --- replay --- */

int
aap_replay_check(struct aap_replay *r, uint64_t seq, uint64_t now_us)
{
	uint64_t oldest = UINT64_MAX;

	if (seq + AAP_REPLAY_WINDOW_US < now_us || seq > now_us + AAP_REPLAY_WINDOW_US)
		return -AAP_E_WINDOW;
	if (seq <= r->hi) {
		if (r->hi - seq > AAP_REPLAY_REORDER_US)
			return -AAP_E_REPLAY;
		for (unsigned i = 0; i < r->n; i++) {
			if (r->ring[i] == seq)
				return -AAP_E_REPLAY;
			if (r->ring[i] < oldest)
				oldest = r->ring[i];
		}
		/* Older than everything remembered: cannot tell, so refuse. */
		if (r->n == AAP_REPLAY_RING && seq < oldest)
			return -AAP_E_REPLAY;
	} else {
		r->hi = seq;
	}
	r->ring[r->pos] = seq;
	r->pos = (r->pos + 1) % AAP_REPLAY_RING;
	if (r->n < AAP_REPLAY_RING)
		r->n++;
	return 0;
}

uint64_t
aap_seq_next(uint64_t last, uint64_t now_us)
{
	return now_us > last ? now_us : last + 1;
}

uint64_t
aap_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
