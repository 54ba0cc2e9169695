/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_mip_auth.c - HMAC-MD5 and keyed-MD5 prefix+suffix authenticators.
 *
 * Expected values come from the protocol guide (section 9), RFC 2104 / RFC
 * 2202 and Python's hmac/hashlib, never from the code under test.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mip_auth.h"

/* Guide section 9: the 30 bytes covered by the MHAE of the project RRQ. */
static const char *const guide_msg = "010207080a01000a0a010001c0000201e8f2a3b400000001201400000100";
static const char *const guide_key = "000102030405060708090a0b0c0d0e0f";

static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2, i;
	unsigned v;

	assert_true(n <= cap);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* Compute with a fresh key object and compare with @want_hex. */
static void
check_vector(enum mip_auth_alg alg, const uint8_t *key, size_t keylen, const uint8_t *msg,
             size_t len, const char *want_hex)
{
	struct mip_auth_key *k = NULL;
	uint8_t want[MIP_AUTH_LEN], got[MIP_AUTH_LEN];

	assert_int_equal(unhex(want_hex, want, sizeof(want)), MIP_AUTH_LEN);
	assert_int_equal(mip_auth_key_new(alg, key, keylen, &k), 0);
	assert_non_null(k);
	assert_int_equal(mip_auth_key_alg(k), alg);
	/* Twice: the precomputed context must not be consumed by a computation. */
	assert_int_equal(mip_auth_compute(k, msg, len, got), 0);
	assert_memory_equal(got, want, MIP_AUTH_LEN);
	assert_int_equal(mip_auth_compute(k, msg, len, got), 0);
	assert_memory_equal(got, want, MIP_AUTH_LEN);
	assert_true(mip_auth_verify(k, msg, len, want, MIP_AUTH_LEN));
	mip_auth_key_free(k);
}

static void
test_guide_vector_hmac(void **state)
{
	uint8_t key[16], msg[64];
	size_t len = unhex(guide_msg, msg, sizeof(msg));

	assert_int_equal(len, 30);
	unhex(guide_key, key, sizeof(key));
	check_vector(MIP_AUTH_HMAC_MD5, key, 16, msg, len, "7325f989e0ef18abb188b69afb24edbe");
}

static void
test_guide_vector_prefix_suffix(void **state)
{
	uint8_t key[16], msg[64];
	size_t len = unhex(guide_msg, msg, sizeof(msg));

	unhex(guide_key, key, sizeof(key));
	check_vector(MIP_AUTH_KEYED_MD5_PS, key, 16, msg, len, "766b15835d4789d2dae3aaacc875ffd2");
}

static void
test_rfc2104_hmac_vectors(void **state)
{
	uint8_t key[32], data[64];

	/* RFC 2104 appendix / RFC 2202 test cases 1-3. */
	memset(key, 0x0b, 16);
	check_vector(MIP_AUTH_HMAC_MD5, key, 16, (const uint8_t *)"Hi There", 8,
	             "9294727a3638bb1c13f48ef8158bfc9d");
	check_vector(MIP_AUTH_HMAC_MD5, (const uint8_t *)"Jefe", 4,
	             (const uint8_t *)"what do ya want for nothing?", 28,
	             "750c783e6ab0b503eaa86e310a5db738");
	memset(key, 0xaa, 16);
	memset(data, 0xdd, 50);
	check_vector(MIP_AUTH_HMAC_MD5, key, 16, data, 50, "56be34521d144c88dbb8c733f0e8b3f6");
	/* RFC 2202 test case 4: 25-byte key 0x01..0x19. */
	for (int i = 0; i < 25; i++)
		key[i] = (uint8_t)(i + 1);
	memset(data, 0xcd, 50);
	check_vector(MIP_AUTH_HMAC_MD5, key, 25, data, 50, "697eaf0aca3a3aea3a75164746ffaa79");
}

static void
test_key_lengths_1_and_64(void **state)
{
	uint8_t key[64], msg[64];
	size_t len = unhex(guide_msg, msg, sizeof(msg));

	/* Values from Python: hmac.new(k, msg, 'md5'), hashlib.md5(k + msg + k). */
	key[0] = 0x42;
	check_vector(MIP_AUTH_HMAC_MD5, key, 1, msg, len, "bd4ab2529482fb90860d81078ebf1647");
	check_vector(MIP_AUTH_KEYED_MD5_PS, key, 1, msg, len, "bea14a133504b0a23f107b68363a4ce8");
	for (int i = 0; i < 64; i++)
		key[i] = (uint8_t)i;
	check_vector(MIP_AUTH_HMAC_MD5, key, 64, msg, len, "e8a6f7f890e13d4d7bff2b6a605932cd");
	check_vector(MIP_AUTH_KEYED_MD5_PS, key, 64, msg, len, "1ba0ed3c7094832dc98f43d781679388");
}

static void
test_empty_message(void **state)
{
	uint8_t key[16];

	unhex(guide_key, key, sizeof(key));
	check_vector(MIP_AUTH_HMAC_MD5, key, 16, NULL, 0, "c91e40247251f39bdfe6a7b72a5857f9");
	check_vector(MIP_AUTH_KEYED_MD5_PS, key, 16, NULL, 0, "7ba08fbffa8f303279d13c0182eef6a7");
}

static void
bit_flips_for(enum mip_auth_alg alg)
{
	struct mip_auth_key *k = NULL;
	uint8_t key[16], msg[64], auth[MIP_AUTH_LEN];
	size_t len = unhex(guide_msg, msg, sizeof(msg));

	unhex(guide_key, key, sizeof(key));
	assert_int_equal(mip_auth_key_new(alg, key, 16, &k), 0);
	assert_int_equal(mip_auth_compute(k, msg, len, auth), 0);
	assert_true(mip_auth_verify(k, msg, len, auth, MIP_AUTH_LEN));
	for (size_t bit = 0; bit < len * 8; bit++) {
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_false(mip_auth_verify(k, msg, len, auth, MIP_AUTH_LEN));
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	for (size_t bit = 0; bit < MIP_AUTH_LEN * 8; bit++) {
		auth[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_false(mip_auth_verify(k, msg, len, auth, MIP_AUTH_LEN));
		auth[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* A shorter message (an authenticator over a prefix) must not verify. */
	assert_false(mip_auth_verify(k, msg, len - 1, auth, MIP_AUTH_LEN));
	assert_true(mip_auth_verify(k, msg, len, auth, MIP_AUTH_LEN));
	mip_auth_key_free(k);
}

static void
test_bit_flip_fails(void **state)
{
	bit_flips_for(MIP_AUTH_HMAC_MD5);
	bit_flips_for(MIP_AUTH_KEYED_MD5_PS);
}

static void
test_wrong_key_fails(void **state)
{
	struct mip_auth_key *k1 = NULL, *k2 = NULL;
	uint8_t key[16], msg[64], auth[MIP_AUTH_LEN];
	size_t len = unhex(guide_msg, msg, sizeof(msg));

	unhex(guide_key, key, sizeof(key));
	assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5, key, 16, &k1), 0);
	key[15] ^= 1;
	assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5, key, 16, &k2), 0);
	assert_int_equal(mip_auth_compute(k1, msg, len, auth), 0);
	assert_false(mip_auth_verify(k2, msg, len, auth, MIP_AUTH_LEN));
	mip_auth_key_free(k1);
	mip_auth_key_free(k2);
	/* The same key under the other algorithm does not verify either. */
	key[15] ^= 1;
	assert_int_equal(mip_auth_key_new(MIP_AUTH_KEYED_MD5_PS, key, 16, &k2), 0);
	assert_false(mip_auth_verify(k2, msg, len, auth, MIP_AUTH_LEN));
	mip_auth_key_free(k2);
}

static void
test_wrong_length_fails(void **state)
{
	struct mip_auth_key *k = NULL;
	uint8_t key[16], msg[64], auth[MIP_AUTH_LEN + 1];
	size_t len = unhex(guide_msg, msg, sizeof(msg));

	unhex(guide_key, key, sizeof(key));
	assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5, key, 16, &k), 0);
	assert_int_equal(mip_auth_compute(k, msg, len, auth), 0);
	auth[MIP_AUTH_LEN] = 0;
	assert_true(mip_auth_verify(k, msg, len, auth, MIP_AUTH_LEN));
	assert_false(mip_auth_verify(k, msg, len, auth, MIP_AUTH_LEN - 1));
	assert_false(mip_auth_verify(k, msg, len, auth, MIP_AUTH_LEN + 1));
	assert_false(mip_auth_verify(k, msg, len, auth, 0));
	assert_false(mip_auth_verify(k, msg, len, NULL, MIP_AUTH_LEN));
	mip_auth_key_free(k);
}

static void
test_invalid_args(void **state)
{
	struct mip_auth_key *sentinel = (struct mip_auth_key *)&sentinel, *k = sentinel;
	uint8_t key[MIP_AUTH_KEY_MAX + 1] = { 0 }, out[MIP_AUTH_LEN];

	assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5, key, 0, &k), -EINVAL);
	assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5, key, MIP_AUTH_KEY_MAX + 1, &k),
	                 -EINVAL);
	assert_int_equal(mip_auth_key_new(MIP_AUTH_KEYED_MD5_PS, key, MIP_AUTH_KEY_MAX + 1, &k),
	                 -EINVAL);
	assert_int_equal(mip_auth_key_new((enum mip_auth_alg)0, key, 16, &k), -EINVAL);
	assert_int_equal(mip_auth_key_new((enum mip_auth_alg)3, key, 16, &k), -EINVAL);
	assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5, NULL, 16, &k), -EINVAL);
	assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5, key, 16, NULL), -EINVAL);
	assert_ptr_equal(k, sentinel); /* untouched on error */

	assert_int_equal(mip_auth_key_new(MIP_AUTH_HMAC_MD5, key, 16, &k), 0);
	assert_int_equal(mip_auth_compute(NULL, key, 1, out), -EINVAL);
	assert_int_equal(mip_auth_compute(k, NULL, 1, out), -EINVAL);
	assert_int_equal(mip_auth_compute(k, key, 1, NULL), -EINVAL);
	assert_false(mip_auth_verify(NULL, key, 1, out, MIP_AUTH_LEN));
	mip_auth_key_free(k);
	mip_auth_key_free(NULL);
}

static void
test_alg_names(void **state)
{
	assert_string_equal(mip_auth_alg_name(MIP_AUTH_HMAC_MD5), "hmac-md5");
	assert_string_equal(mip_auth_alg_name(MIP_AUTH_KEYED_MD5_PS), "keyed-md5-prefix-suffix");
	assert_string_equal(mip_auth_alg_name((enum mip_auth_alg)9), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guide_vector_hmac),
		cmocka_unit_test(test_guide_vector_prefix_suffix),
		cmocka_unit_test(test_rfc2104_hmac_vectors),
		cmocka_unit_test(test_key_lengths_1_and_64),
		cmocka_unit_test(test_empty_message),
		cmocka_unit_test(test_bit_flip_fails),
		cmocka_unit_test(test_wrong_key_fails),
		cmocka_unit_test(test_wrong_length_fails),
		cmocka_unit_test(test_invalid_args),
		cmocka_unit_test(test_alg_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
