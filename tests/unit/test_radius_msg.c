/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_radius_msg.c - RADIUS codec: framing, User-Password hiding, authenticators, salts.
 *
 * The codec is compiled into this test from the plugin's source. Every
 * expected digest is computed here independently, with OpenSSL's one-shot
 * MD5 and HMAC-MD5 (EVP_Digest, HMAC) over bytes the test lays out itself
 * following RFC 2865 section 3 and 5.2, RFC 2868 section 3.5 and RFC 3579
 * section 3.2; nothing expected is taken from the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../../plugins/keystore-radius/radius_msg.c"

static const uint8_t secret[] = "testing123";
#define SECRET_LEN (sizeof(secret) - 1)
static const uint8_t req_auth[16] = { 0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
	                              0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f };

static void
t_md5(uint8_t out[16], const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	uint8_t tmp[512];

	assert_true(alen + blen <= sizeof(tmp));
	memcpy(tmp, a, alen);
	memcpy(tmp + alen, b, blen);
	assert_int_equal(EVP_Digest(tmp, alen + blen, out, NULL, EVP_md5(), NULL), 1);
}

static void
t_hmac(uint8_t out[16], const uint8_t *data, size_t len)
{
	unsigned int olen = 0;

	assert_non_null(HMAC(EVP_md5(), secret, SECRET_LEN, data, len, out, &olen));
	assert_int_equal(olen, 16);
}

/* Append an attribute to a hand-built packet; returns the new length. */
static size_t
t_attr(uint8_t *pkt, size_t off, uint8_t type, const void *val, size_t len)
{
	pkt[off] = type;
	pkt[off + 1] = (uint8_t)(len + 2);
	memcpy(pkt + off + 2, val, len);
	return off + 2 + len;
}

static void
t_setlen(uint8_t *pkt, size_t len)
{
	pkt[2] = (uint8_t)(len >> 8);
	pkt[3] = (uint8_t)len;
}

/*
 * Build a signed response: header with @code, Message-Authenticator (if
 * @with_ma) computed over the packet carrying the Request Authenticator, then
 * the Response Authenticator MD5(Code|Id|Length|ReqAuth|Attrs|Secret).
 */
static size_t
t_response(uint8_t *pkt, uint8_t code, bool with_ma)
{
	static const uint8_t zero[16];
	uint8_t tmp[512], mac[16];
	size_t len = 20, ma = 0;

	pkt[0] = code;
	pkt[1] = 7;
	memcpy(pkt + 4, req_auth, 16);
	len = t_attr(pkt, len, RADIUS_ATTR_REPLY_MESSAGE, "hello", 5);
	if (with_ma) {
		len = t_attr(pkt, len, RADIUS_ATTR_MESSAGE_AUTHENTICATOR, zero, 16);
		ma = len - 16;
	}
	t_setlen(pkt, len);
	if (with_ma) {
		t_hmac(mac, pkt, len);
		memcpy(pkt + ma, mac, 16);
	}
	memcpy(tmp, pkt, len);
	memcpy(tmp + len, secret, SECRET_LEN);
	assert_int_equal(EVP_Digest(tmp, len + SECRET_LEN, pkt + 4, NULL, EVP_md5(), NULL), 1);
	return len;
}

static void
test_request_layout_and_msg_auth(void **state)
{
	struct radius_msg m;
	uint8_t copy[RADIUS_MAX_LEN], mac[16];

	radius_msg_init(&m, RADIUS_ACCESS_REQUEST, 42, req_auth);
	assert_int_equal(radius_msg_add_msg_auth(&m), 0);
	assert_int_equal(radius_msg_add_msg_auth(&m), RADIUS_E_INVAL);
	assert_int_equal(radius_msg_add_attr(&m, RADIUS_ATTR_USER_NAME, "mn1@example.net", 15), 0);
	assert_int_equal(radius_msg_sign(&m, secret, SECRET_LEN), 0);

	assert_int_equal(m.len, 20 + 18 + 17);
	assert_int_equal(m.buf[0], 1);
	assert_int_equal(m.buf[1], 42);
	assert_int_equal(m.buf[2] << 8 | m.buf[3], m.len);
	assert_memory_equal(m.buf + 4, req_auth, 16);
	/* The Message-Authenticator is the first attribute. */
	assert_int_equal(m.buf[20], 80);
	assert_int_equal(m.buf[21], 18);
	assert_int_equal(m.buf[38], 1);
	assert_int_equal(m.buf[39], 17);
	assert_memory_equal(m.buf + 40, "mn1@example.net", 15);
	/* HMAC-MD5(secret, packet with the value zeroed). */
	memcpy(copy, m.buf, m.len);
	memset(copy + 22, 0, 16);
	t_hmac(mac, copy, m.len);
	assert_memory_equal(m.buf + 22, mac, 16);
}

static void
check_password(const char *pw)
{
	struct radius_msg m;
	uint8_t b[16], plain[128] = { 0 };
	size_t n = (strlen(pw) + 15) / 16 * 16;
	const uint8_t *prev = req_auth, *c;

	radius_msg_init(&m, RADIUS_ACCESS_REQUEST, 1, req_auth);
	assert_int_equal(radius_msg_add_user_password(&m, secret, SECRET_LEN, (const uint8_t *)pw,
	                                              strlen(pw)),
	                 0);
	assert_int_equal(m.buf[20], 2);
	assert_int_equal(m.buf[21], n + 2);
	c = m.buf + 22;
	/* RFC 2865 5.2: p_i = c_i XOR MD5(S + c_{i-1}), c_0 = Request Authenticator. */
	for (size_t i = 0; i < n; i += 16) {
		t_md5(b, secret, SECRET_LEN, prev, 16);
		for (size_t j = 0; j < 16; j++)
			plain[i + j] = c[i + j] ^ b[j];
		prev = c + i;
	}
	assert_memory_equal(plain, pw, strlen(pw));
	for (size_t i = strlen(pw); i < n; i++)
		assert_int_equal(plain[i], 0);
	/* Not sent in clear. */
	assert_null(memmem(m.buf, m.len, pw, strlen(pw)));
}

static void
test_user_password_hiding(void **state)
{
	struct radius_msg m;
	uint8_t big[129];

	check_password("secret1");
	check_password("exactly16bytes!!");
	check_password("a password longer than one block");
	memset(big, 'x', sizeof(big));
	radius_msg_init(&m, RADIUS_ACCESS_REQUEST, 1, req_auth);
	assert_int_equal(radius_msg_add_user_password(&m, secret, SECRET_LEN, big, 0),
	                 RADIUS_E_INVAL);
	assert_int_equal(radius_msg_add_user_password(&m, secret, SECRET_LEN, big, 129),
	                 RADIUS_E_INVAL);
	assert_int_equal(m.len, 20);
}

static void
test_add_attr_limits(void **state)
{
	struct radius_msg m;
	uint8_t v[253] = { 0 };

	radius_msg_init(&m, RADIUS_ACCESS_REQUEST, 1, req_auth);
	assert_int_equal(radius_msg_add_attr(&m, 1, v, 254), RADIUS_E_INVAL);
	/* Fifteen attributes of 255 bytes fit in 4096 - 20 bytes, a sixteenth does not. */
	for (int i = 0; i < 15; i++)
		assert_int_equal(radius_msg_add_attr(&m, 1, v, 253), 0);
	assert_int_equal(m.len, 20 + 15 * 255);
	assert_int_equal(radius_msg_add_attr(&m, 1, v, 253), RADIUS_E_NOSPACE);
	assert_int_equal(m.len, 20 + 15 * 255);
	assert_int_equal(m.buf[2] << 8 | m.buf[3], m.len);
}

static void
test_check_framing(void **state)
{
	uint8_t pkt[64] = { 2, 1, 0, 20 };

	assert_int_equal(radius_msg_check(pkt, 19), RADIUS_E_TRUNCATED);
	assert_int_equal(radius_msg_check(pkt, 20), 20);
	pkt[3] = 19;
	assert_int_equal(radius_msg_check(pkt, 64), RADIUS_E_LENGTH);
	pkt[2] = 0x10;
	pkt[3] = 0x01; /* 4097 */
	assert_int_equal(radius_msg_check(pkt, 64), RADIUS_E_LENGTH);
	pkt[2] = 0;
	pkt[3] = 30; /* longer than received */
	assert_int_equal(radius_msg_check(pkt, 29), RADIUS_E_TRUNCATED);
	/* One attribute of 10 bytes, then padding past Length: accepted. */
	pkt[20] = 18;
	pkt[21] = 10;
	assert_int_equal(radius_msg_check(pkt, 64), 30);
	/* Attribute length 1, and one running past Length. */
	pkt[21] = 1;
	assert_int_equal(radius_msg_check(pkt, 64), RADIUS_E_ATTR);
	pkt[21] = 11;
	assert_int_equal(radius_msg_check(pkt, 64), RADIUS_E_ATTR);
	/* A lone type byte at the end. */
	pkt[21] = 9;
	assert_int_equal(radius_msg_check(pkt, 64), RADIUS_E_ATTR);
	assert_int_equal(radius_msg_check(NULL, 64), RADIUS_E_INVAL);
}

static void
test_attr_iteration_and_vsa(void **state)
{
	uint8_t pkt[64] = { 2, 1, 0, 0 };
	const uint8_t vsa[] = { 0, 0, 0, 9, 1, 5, 'a', '=', 'b' };
	size_t len = 20, off = 20, vlen = 0, sublen = 0;
	const uint8_t *val = NULL, *sub = NULL;
	uint32_t vendor;
	uint8_t type, vtype;

	len = t_attr(pkt, len, 1, "u", 1);
	len = t_attr(pkt, len, 26, vsa, sizeof(vsa));
	t_setlen(pkt, len);
	assert_int_equal(radius_msg_check(pkt, len), (int)len);
	assert_true(radius_attr_next(pkt, len, &off, &type, &val, &vlen));
	assert_int_equal(type, 1);
	assert_int_equal(vlen, 1);
	assert_true(radius_attr_next(pkt, len, &off, &type, &val, &vlen));
	assert_int_equal(type, 26);
	assert_int_equal(radius_vsa_split(val, vlen, &vendor, &vtype, &sub, &sublen), 0);
	assert_int_equal(vendor, 9);
	assert_int_equal(vtype, 1);
	assert_int_equal(sublen, 3);
	assert_memory_equal(sub, "a=b", 3);
	assert_false(radius_attr_next(pkt, len, &off, &type, &val, &vlen));
	/* Sub-attribute length not filling the VSA, and a too short VSA. */
	assert_int_equal(radius_vsa_split(vsa, sizeof(vsa) - 1, &vendor, &vtype, &sub, &sublen),
	                 RADIUS_E_VALUE);
	assert_int_equal(radius_vsa_split(vsa, 5, &vendor, &vtype, &sub, &sublen), RADIUS_E_VALUE);
}

static void
test_verify_response(void **state)
{
	static const uint8_t wrong[] = "wrong-secret";
	uint8_t pkt[128];
	size_t len;

	len = t_response(pkt, RADIUS_ACCESS_ACCEPT, true);
	assert_int_equal(radius_msg_check(pkt, len), (int)len);
	assert_int_equal(radius_msg_verify_response(pkt, len, req_auth, secret, SECRET_LEN, true),
	                 0);
	/* Wrong secret: the Message-Authenticator is checked first. */
	assert_int_equal(
	        radius_msg_verify_response(pkt, len, req_auth, wrong, sizeof(wrong) - 1, true),
	        RADIUS_E_MSG_AUTH);
	/* Answer to another request. */
	{
		uint8_t other[16];

		memcpy(other, req_auth, 16);
		other[0] ^= 1;
		assert_int_equal(
		        radius_msg_verify_response(pkt, len, other, secret, SECRET_LEN, true),
		        RADIUS_E_MSG_AUTH);
	}
	/* A bit flipped in the Response Authenticator only. */
	pkt[4] ^= 0x80;
	assert_int_equal(radius_msg_verify_response(pkt, len, req_auth, secret, SECRET_LEN, true),
	                 RADIUS_E_AUTH);
	pkt[4] ^= 0x80;
	/* A bit flipped in the Message-Authenticator value. */
	pkt[len - 1] ^= 1;
	assert_int_equal(radius_msg_verify_response(pkt, len, req_auth, secret, SECRET_LEN, true),
	                 RADIUS_E_MSG_AUTH);

	/* Without a Message-Authenticator: refused when required, else the header decides. */
	len = t_response(pkt, RADIUS_ACCESS_REJECT, false);
	assert_int_equal(radius_msg_verify_response(pkt, len, req_auth, secret, SECRET_LEN, true),
	                 RADIUS_E_NO_MSG_AUTH);
	assert_int_equal(radius_msg_verify_response(pkt, len, req_auth, secret, SECRET_LEN, false),
	                 0);
}

static void
test_verify_rejects_bad_msg_auth_shape(void **state)
{
	uint8_t pkt[128], mac[16] = { 0 };
	size_t len = 20;

	/* Two Message-Authenticators. */
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 2;
	memcpy(pkt + 4, req_auth, 16);
	len = t_attr(pkt, len, 80, mac, 16);
	len = t_attr(pkt, len, 80, mac, 16);
	t_setlen(pkt, len);
	assert_int_equal(radius_msg_verify_response(pkt, len, req_auth, secret, SECRET_LEN, true),
	                 RADIUS_E_MSG_AUTH);
	/* One of the wrong length. */
	len = t_attr(pkt, 20, 80, mac, 10);
	t_setlen(pkt, len);
	assert_int_equal(radius_msg_verify_response(pkt, len, req_auth, secret, SECRET_LEN, true),
	                 RADIUS_E_MSG_AUTH);
}

/* RFC 2868 3.5 salted encryption, written out in the test. */
static size_t
t_salt_encrypt(uint8_t *out, const uint8_t salt[2], const uint8_t *key, size_t keylen)
{
	uint8_t p[64] = { 0 }, b[16], ra_salt[18];
	size_t n = (keylen + 1 + 15) / 16 * 16;

	p[0] = (uint8_t)keylen;
	memcpy(p + 1, key, keylen);
	out[0] = salt[0];
	out[1] = salt[1];
	memcpy(ra_salt, req_auth, 16);
	memcpy(ra_salt + 16, salt, 2);
	for (size_t i = 0; i < n; i += 16) {
		if (i == 0)
			t_md5(b, secret, SECRET_LEN, ra_salt, 18);
		else
			t_md5(b, secret, SECRET_LEN, out + 2 + i - 16, 16);
		for (size_t j = 0; j < 16; j++)
			out[2 + i + j] = p[i + j] ^ b[j];
	}
	return 2 + n;
}

static void
test_salt_decrypt(void **state)
{
	static const uint8_t salt[2] = { 0x85, 0x3c };
	static const uint8_t key[16] = "abcdefghijklmnop";
	uint8_t enc[64], out[64], small[8];
	size_t elen, olen = 0;

	elen = t_salt_encrypt(enc, salt, key, sizeof(key));
	assert_int_equal(elen, 2 + 32);
	assert_int_equal(radius_salt_decrypt(enc, elen, secret, SECRET_LEN, req_auth, out,
	                                     sizeof(out), &olen),
	                 0);
	assert_int_equal(olen, 16);
	assert_memory_equal(out, key, 16);
	/* A short key fitting one block. */
	elen = t_salt_encrypt(enc, salt, key, 5);
	assert_int_equal(elen, 18);
	assert_int_equal(radius_salt_decrypt(enc, elen, secret, SECRET_LEN, req_auth, out,
	                                     sizeof(out), &olen),
	                 0);
	assert_int_equal(olen, 5);
	assert_memory_equal(out, key, 5);
	assert_int_equal(
	        radius_salt_decrypt(enc, elen, secret, SECRET_LEN, req_auth, small, 4, &olen),
	        RADIUS_E_NOSPACE);
	/* Salt without its high bit, a partial block, nothing after the salt. */
	enc[0] = 0x05;
	assert_int_equal(radius_salt_decrypt(enc, elen, secret, SECRET_LEN, req_auth, out,
	                                     sizeof(out), &olen),
	                 RADIUS_E_VALUE);
	enc[0] = salt[0];
	assert_int_equal(radius_salt_decrypt(enc, elen - 1, secret, SECRET_LEN, req_auth, out,
	                                     sizeof(out), &olen),
	                 RADIUS_E_VALUE);
	assert_int_equal(
	        radius_salt_decrypt(enc, 2, secret, SECRET_LEN, req_auth, out, sizeof(out), &olen),
	        RADIUS_E_VALUE);
}

static void
test_salt_decrypt_bad_length_byte(void **state)
{
	static const uint8_t salt[2] = { 0x80, 0x01 };
	uint8_t key[40], enc[64], out[64];
	size_t elen, olen = 0;

	/* Encrypt a 15-byte key, then claim 16 bytes in the length byte: beyond the block. */
	memset(key, 'k', sizeof(key));
	elen = t_salt_encrypt(enc, salt, key, 15);
	assert_int_equal(elen, 18);
	{
		uint8_t b[16], ra_salt[18];

		memcpy(ra_salt, req_auth, 16);
		memcpy(ra_salt + 16, salt, 2);
		t_md5(b, secret, SECRET_LEN, ra_salt, 18);
		enc[2] = (uint8_t)(16 ^ b[0]);
	}
	assert_int_equal(radius_salt_decrypt(enc, elen, secret, SECRET_LEN, req_auth, out,
	                                     sizeof(out), &olen),
	                 RADIUS_E_VALUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_layout_and_msg_auth),
		cmocka_unit_test(test_user_password_hiding),
		cmocka_unit_test(test_add_attr_limits),
		cmocka_unit_test(test_check_framing),
		cmocka_unit_test(test_attr_iteration_and_vsa),
		cmocka_unit_test(test_verify_response),
		cmocka_unit_test(test_verify_rejects_bad_msg_auth_shape),
		cmocka_unit_test(test_salt_decrypt),
		cmocka_unit_test(test_salt_decrypt_bad_length_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
