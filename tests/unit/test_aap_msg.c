/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_aap_msg.c - the AAP codec: wire layout, HMAC-SHA256, every rejection, replay window.
 *
 * The reference datagram HELLO_VEC was built and authenticated with Python's struct and
 * hmac/hashlib (the script is in the comment above it), not with this codec. Messages
 * with a valid MAC but a defective body are authenticated here with OpenSSL's one-shot
 * HMAC(), a different code path from the codec's EVP_MAC context.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "aap_msg.h"

static const uint8_t KEY[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

/*
 * body = inet_aton("192.0.2.1") + inet_aton("192.0.2.0") + bytes([24, 0])
 *        + struct.pack("!HIIIQ", 15, 0x01020304, 5, 7, 0x1122334455667788)
 * hdr  = struct.pack("!BBHIQ", 1, 1, len(body), 0xc0000215, 0x0005f0e1d2c3b4a5)
 * HELLO_VEC = hdr + body + hmac.new(bytes(range(16)), hdr + body, hashlib.sha256).digest()
 */
static const uint8_t HELLO_VEC[80] = {
	0x01, 0x01, 0x00, 0x20, 0xc0, 0x00, 0x02, 0x15, 0x00, 0x05, 0xf0, 0xe1, 0xd2, 0xc3,
	0xb4, 0xa5, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x00, 0x18, 0x00, 0x00, 0x0f,
	0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x07, 0x11, 0x22,
	0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xfa, 0xf8, 0x68, 0xad, 0xcb, 0x4b, 0xcf, 0xb4,
	0x28, 0xcc, 0x51, 0x54, 0xd6, 0x25, 0xad, 0x7e, 0x06, 0x24, 0x3a, 0x71, 0x09, 0xae,
	0x42, 0xeb, 0x56, 0xee, 0x9b, 0x4a, 0x97, 0x3c, 0x8f, 0xb2,
};

static struct aap_key *
key(void)
{
	struct aap_key *k = aap_key_new(KEY, sizeof(KEY));

	assert_non_null(k);
	return k;
}

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* Recompute the MAC of @buf (length @len) with OpenSSL's one-shot HMAC(). */
static void
reseal(uint8_t *buf, size_t len)
{
	unsigned mlen = 0;

	assert_non_null(HMAC(EVP_sha256(), KEY, sizeof(KEY), buf, len - AAP_MAC_LEN,
	                     buf + len - AAP_MAC_LEN, &mlen));
	assert_int_equal(mlen, AAP_MAC_LEN);
}

static void
test_hello_vector(void **state)
{
	struct aap_key *k = key();
	struct aap_msg m = { .h.type = AAP_HELLO,
		             .h.sender = 0xc0000215,
		             .h.seq = 0x0005f0e1d2c3b4a5ull };
	uint8_t buf[AAP_DGRAM_MAX];
	struct aap_msg d;

	(void)state;
	m.u.hello.ha = ip("192.0.2.1");
	m.u.hello.prefix = ip("192.0.2.0");
	m.u.hello.len = 24;
	m.u.hello.hold_s = 15;
	m.u.hello.session = 0x01020304;
	m.u.hello.next_msgno = 5;
	m.u.hello.count = 7;
	m.u.hello.digest = 0x1122334455667788ull;
	assert_int_equal(aap_msg_encode(buf, sizeof(buf), k, &m, NULL), sizeof(HELLO_VEC));
	assert_memory_equal(buf, HELLO_VEC, sizeof(HELLO_VEC));

	assert_int_equal(aap_msg_decode(HELLO_VEC, sizeof(HELLO_VEC), k, &d), 0);
	assert_int_equal(d.h.type, AAP_HELLO);
	assert_int_equal(d.h.sender, 0xc0000215);
	assert_true(d.h.seq == 0x0005f0e1d2c3b4a5ull);
	assert_int_equal(d.u.hello.ha.s_addr, ip("192.0.2.1").s_addr);
	assert_int_equal(d.u.hello.len, 24);
	assert_int_equal(d.u.hello.hold_s, 15);
	assert_int_equal(d.u.hello.session, 0x01020304);
	assert_int_equal(d.u.hello.next_msgno, 5);
	assert_int_equal(d.u.hello.count, 7);
	assert_true(d.u.hello.digest == 0x1122334455667788ull);
	aap_key_free(k);
}

static void
test_truncation_and_size(void **state)
{
	struct aap_key *k = key();
	uint8_t big[AAP_DGRAM_MAX + 1];
	struct aap_msg d;

	(void)state;
	for (size_t n = 0; n < sizeof(HELLO_VEC); n++) {
		int err = aap_msg_decode(HELLO_VEC, n, k, &d);

		assert_true(err == -AAP_E_SHORT || err == -AAP_E_LENGTH);
		assert_int_equal(d.h.type, 0); /* nothing left behind */
	}
	memset(big, 0, sizeof(big));
	memcpy(big, HELLO_VEC, sizeof(HELLO_VEC));
	assert_int_equal(aap_msg_decode(big, sizeof(big), k, &d), -AAP_E_LONG);
	/* Trailing bytes: the body-length field no longer matches. */
	assert_int_equal(aap_msg_decode(big, sizeof(HELLO_VEC) + 1, k, &d), -AAP_E_LENGTH);
	aap_key_free(k);
}

static void
test_bad_version_and_mac(void **state)
{
	struct aap_key *k = key(), *other;
	uint8_t b[sizeof(HELLO_VEC)];
	struct aap_msg d;
	uint8_t okey[16];

	(void)state;
	memcpy(b, HELLO_VEC, sizeof(b));
	b[0] = 2;
	assert_int_equal(aap_msg_decode(b, sizeof(b), k, &d), -AAP_E_VERSION);
	/* Every flipped bit outside the version and length fields breaks the MAC. */
	for (size_t i = 1; i < sizeof(b); i++) {
		if (i == 2 || i == 3)
			continue;
		memcpy(b, HELLO_VEC, sizeof(b));
		b[i] ^= 0x01;
		assert_int_equal(aap_msg_decode(b, sizeof(b), k, &d), -AAP_E_MAC);
	}
	memset(okey, 0x55, sizeof(okey));
	other = aap_key_new(okey, sizeof(okey));
	assert_int_equal(aap_msg_decode(HELLO_VEC, sizeof(HELLO_VEC), other, &d), -AAP_E_MAC);
	aap_key_free(other);
	assert_null(aap_key_new(okey, 15));
	aap_key_free(k);
}

static void
test_bad_type_and_body(void **state)
{
	struct aap_key *k = key();
	uint8_t b[sizeof(HELLO_VEC)];
	struct aap_msg d;

	(void)state;
	memcpy(b, HELLO_VEC, sizeof(b));
	b[1] = 0;
	reseal(b, sizeof(b));
	assert_int_equal(aap_msg_decode(b, sizeof(b), k, &d), -AAP_E_TYPE);
	b[1] = 9;
	reseal(b, sizeof(b));
	assert_int_equal(aap_msg_decode(b, sizeof(b), k, &d), -AAP_E_TYPE);
	/* A HELLO body in a HELLO_ACK: wrong length for the type. */
	b[1] = AAP_HELLO_ACK;
	reseal(b, sizeof(b));
	assert_int_equal(aap_msg_decode(b, sizeof(b), k, &d), -AAP_E_BODY);
	/* HELLO reporting an invalid subnet. */
	memcpy(b, HELLO_VEC, sizeof(b));
	b[24] = 33; /* prefix length 33 */
	reseal(b, sizeof(b));
	assert_int_equal(aap_msg_decode(b, sizeof(b), k, &d), -AAP_E_ENTRY);
	memcpy(b, HELLO_VEC, sizeof(b));
	b[24] = 16; /* 192.0.2.0/16 has host bits set */
	reseal(b, sizeof(b));
	assert_int_equal(aap_msg_decode(b, sizeof(b), k, &d), -AAP_E_ENTRY);
	aap_key_free(k);
}

static struct aap_entry
entry(const char *prefix, uint8_t len, const char *ha, uint64_t version)
{
	struct aap_entry e = { .prefix = ip(prefix),
		               .len = len,
		               .ha = ip(ha),
		               .origin = ip("192.0.2.200"),
		               .aap = ip("198.51.100.1"),
		               .version = version };
	return e;
}

static void
test_map_roundtrip_and_entries(void **state)
{
	struct aap_key *k = key();
	struct aap_entry ents[AAP_MAP_MAX + 1];
	struct aap_msg m = { .h.type = AAP_MAP, .h.sender = 1, .h.seq = 2 }, d;
	uint8_t buf[AAP_DGRAM_MAX + 64];
	int len;

	(void)state;
	for (size_t i = 0; i < AAP_MAP_MAX + 1; i++)
		ents[i] = entry("203.0.113.0", 24, "203.0.113.1", 1000 + i);
	ents[3].flags = AAP_ENT_TOMBSTONE;
	m.u.map.session = 77;
	m.u.map.msgno = 3;
	m.u.map.flags = AAP_MAP_FIRST | AAP_MAP_LAST;
	m.n = AAP_MAP_MAX;
	len = aap_msg_encode(buf, sizeof(buf), k, &m, ents);
	assert_int_equal(len,
	                 AAP_HDR_LEN + AAP_MAP_HDR_LEN + AAP_MAP_MAX * AAP_ENTRY_LEN + AAP_MAC_LEN);
	assert_true(len <= AAP_DGRAM_MAX);
	assert_int_equal(aap_msg_decode(buf, (size_t)len, k, &d), 0);
	assert_int_equal(d.n, AAP_MAP_MAX);
	assert_int_equal(d.u.map.session, 77);
	assert_int_equal(d.u.map.msgno, 3);
	assert_int_equal(d.u.map.flags, AAP_MAP_FIRST | AAP_MAP_LAST);
	for (size_t i = 0; i < d.n; i++) {
		struct aap_entry e;

		aap_msg_entry(&d, i, &e);
		assert_int_equal(e.prefix.s_addr, ents[i].prefix.s_addr);
		assert_int_equal(e.len, ents[i].len);
		assert_int_equal(e.flags, ents[i].flags);
		assert_int_equal(e.ha.s_addr, ents[i].ha.s_addr);
		assert_int_equal(e.origin.s_addr, ents[i].origin.s_addr);
		assert_int_equal(e.aap.s_addr, ents[i].aap.s_addr);
		assert_true(e.version == ents[i].version);
	}
	/* Entry bytes on the wire: prefix, len, flags, 2 reserved, ha, origin, aap, version. */
	{
		const uint8_t *p = buf + AAP_HDR_LEN + AAP_MAP_HDR_LEN + 3 * AAP_ENTRY_LEN;
		static const uint8_t want[AAP_ENTRY_LEN] = {
			203, 0,   113, 0,  24,  1, 0, 0, 203, 0, 113, 1, 192,  0,
			2,   200, 198, 51, 100, 1, 0, 0, 0,   0, 0,   0, 0x03, 0xeb,
		};
		assert_memory_equal(p, want, AAP_ENTRY_LEN);
	}
	/* One entry more than fits: refused, nothing written past the limit. */
	m.n = AAP_MAP_MAX + 1;
	assert_int_equal(aap_msg_encode(buf, sizeof(buf), k, &m, ents), -AAP_E_NOSPACE);
	m.n = 1;
	assert_int_equal(aap_msg_encode(buf, 50, k, &m, ents), -AAP_E_NOSPACE);
	/* Invalid entries are refused by the encoder... */
	ents[0].len = 16;
	assert_int_equal(aap_msg_encode(buf, sizeof(buf), k, &m, ents), -AAP_E_ENTRY);
	ents[0].len = 24;
	/* ...and by the decoder, even with a valid MAC. */
	len = aap_msg_encode(buf, sizeof(buf), k, &m, ents);
	assert_true(len > 0);
	buf[AAP_HDR_LEN + AAP_MAP_HDR_LEN + 5] = 0x02; /* unknown entry flag */
	reseal(buf, (size_t)len);
	assert_int_equal(aap_msg_decode(buf, (size_t)len, k, &d), -AAP_E_ENTRY);
	buf[AAP_HDR_LEN + AAP_MAP_HDR_LEN + 5] = 0;
	buf[AAP_HDR_LEN + AAP_MAP_HDR_LEN + 6] = 1; /* reserved byte */
	reseal(buf, (size_t)len);
	assert_int_equal(aap_msg_decode(buf, (size_t)len, k, &d), -AAP_E_ENTRY);
	/* A partial entry: body length not 12 + 28n. */
	len = aap_msg_encode(buf, sizeof(buf), k, &m, ents);
	buf[3] -= 1;
	assert_int_equal(aap_msg_decode(buf, (size_t)len - 1, k, &d), -AAP_E_MAC);
	memmove(buf + len - 1 - AAP_MAC_LEN, buf + len - AAP_MAC_LEN, AAP_MAC_LEN);
	reseal(buf, (size_t)len - 1);
	assert_int_equal(aap_msg_decode(buf, (size_t)len - 1, k, &d), -AAP_E_BODY);
	/* Session 0 is not a session. */
	m.u.map.session = 0;
	assert_int_equal(aap_msg_encode(buf, sizeof(buf), k, &m, ents), -AAP_E_BODY);
	aap_key_free(k);
}

static void
test_other_types_roundtrip(void **state)
{
	struct aap_key *k = key();
	uint8_t buf[AAP_DGRAM_MAX];
	struct aap_msg m, d;
	struct aap_entry e = entry("198.51.100.128", 25, "198.51.100.129", 42);
	int len;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.h.type = AAP_SYNC_DIGEST;
	m.u.digest.count = 5;
	for (size_t i = 0; i < AAP_BUCKETS; i++)
		m.u.digest.bucket[i] = 0x0101010101010101ull * i;
	len = aap_msg_encode(buf, sizeof(buf), k, &m, NULL);
	assert_int_equal(len, AAP_HDR_LEN + AAP_DIGEST_LEN + AAP_MAC_LEN);
	assert_int_equal(aap_msg_decode(buf, (size_t)len, k, &d), 0);
	assert_memory_equal(&d.u.digest, &m.u.digest, sizeof(m.u.digest));

	memset(&m, 0, sizeof(m));
	m.h.type = AAP_SYNC_REQ;
	m.u.req.bitmap[0] = 0x80;
	m.u.req.bitmap[15] = 0x01;
	m.u.req.count = 9;
	len = aap_msg_encode(buf, sizeof(buf), k, &m, NULL);
	assert_int_equal(aap_msg_decode(buf, (size_t)len, k, &d), 0);
	assert_memory_equal(d.u.req.bitmap, m.u.req.bitmap, AAP_BITMAP_LEN);
	assert_int_equal(d.u.req.count, 9);

	memset(&m, 0, sizeof(m));
	m.h.type = AAP_SYNC_ENTRIES;
	m.n = 1;
	len = aap_msg_encode(buf, sizeof(buf), k, &m, &e);
	assert_int_equal(aap_msg_decode(buf, (size_t)len, k, &d), 0);
	assert_int_equal(d.n, 1);
	m.n = 0; /* an empty SYNC_ENTRIES is malformed */
	len = aap_msg_encode(buf, sizeof(buf), k, &m, NULL);
	assert_int_equal(aap_msg_decode(buf, (size_t)len, k, &d), -AAP_E_BODY);

	memset(&m, 0, sizeof(m));
	m.h.type = AAP_MAP_ACK;
	m.u.map_ack.session = 3;
	m.u.map_ack.next_msgno = 4;
	len = aap_msg_encode(buf, sizeof(buf), k, &m, NULL);
	assert_int_equal(aap_msg_decode(buf, (size_t)len, k, &d), 0);
	assert_int_equal(d.u.map_ack.next_msgno, 4);

	memset(&m, 0, sizeof(m));
	m.h.type = AAP_LEAVE;
	len = aap_msg_encode(buf, sizeof(buf), k, &m, NULL);
	assert_int_equal(len, AAP_HDR_LEN + AAP_MAC_LEN);
	assert_int_equal(aap_msg_decode(buf, (size_t)len, k, &d), 0);
	assert_int_equal(d.h.type, AAP_LEAVE);

	m.h.type = 0;
	assert_int_equal(aap_msg_encode(buf, sizeof(buf), k, &m, NULL), -AAP_E_TYPE);
	assert_string_equal(aap_err_name(AAP_E_MAC), "bad-mac");
	assert_string_equal(aap_err_name((enum aap_err)99), "unknown");
	aap_key_free(k);
}

#define NOW 1700000000000000ull /* microseconds */
#define SEC 1000000ull

static void
test_replay(void **state)
{
	struct aap_replay r = { 0 };

	(void)state;
	/* First contact: only inside the time window. */
	assert_int_equal(aap_replay_check(&r, NOW - 61 * SEC, NOW), -AAP_E_WINDOW);
	assert_int_equal(aap_replay_check(&r, NOW + 61 * SEC, NOW), -AAP_E_WINDOW);
	assert_int_equal(r.hi, 0);
	assert_int_equal(aap_replay_check(&r, NOW, NOW), 0);
	/* The same sequence again is a replay. */
	assert_int_equal(aap_replay_check(&r, NOW, NOW), -AAP_E_REPLAY);
	assert_int_equal(aap_replay_check(&r, NOW + 10, NOW), 0);
	/* Reordered but fresh (1 s late): accepted once. */
	assert_int_equal(aap_replay_check(&r, NOW - SEC, NOW), 0);
	assert_int_equal(aap_replay_check(&r, NOW - SEC, NOW), -AAP_E_REPLAY);
	/* More than 2 s behind the highest: refused. */
	assert_int_equal(aap_replay_check(&r, NOW - 3 * SEC, NOW), -AAP_E_REPLAY);
	/* Fill the ring; then an unseen sequence older than everything remembered is refused. */
	for (unsigned i = 0; i < AAP_REPLAY_RING; i++)
		assert_int_equal(aap_replay_check(&r, NOW + 100 + i, NOW), 0);
	assert_int_equal(aap_replay_check(&r, NOW + 50, NOW), -AAP_E_REPLAY);
	assert_int_equal(aap_seq_next(5, 3), 6);
	assert_int_equal(aap_seq_next(5, 9), 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_vector),
		cmocka_unit_test(test_truncation_and_size),
		cmocka_unit_test(test_bad_version_and_mac),
		cmocka_unit_test(test_bad_type_and_body),
		cmocka_unit_test(test_map_roundtrip_and_entries),
		cmocka_unit_test(test_other_types_roundtrip),
		cmocka_unit_test(test_replay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
