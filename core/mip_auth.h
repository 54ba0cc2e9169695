/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mip_auth.h - Mobile IPv4 authenticators (RFC 5944 section 3.5, RFC 2002).
 *
 * Two algorithms, both through OpenSSL 3:
 *   - HMAC-MD5 (RFC 2104): auth = HMAC-MD5(key, covered bytes)
 *   - keyed-MD5 prefix+suffix (RFC 2002, Aironet default):
 *     auth = MD5(key || covered bytes || key)
 * "Covered bytes" run from the message's first byte up to and including the
 * Type, Length and SPI of the authentication extension itself.
 *
 * A struct mip_auth_key holds the key schedule computed once per security
 * association (an HMAC context with the key set, or an MD5 context that has
 * already absorbed the prefix key), so an authenticator costs only a context
 * copy plus the hashing of the message. Verification compares in constant
 * time. Key bytes are wiped on free and never logged.
 */
#ifndef PMIP_MIP_AUTH_H
#define PMIP_MIP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MIP_AUTH_LEN     16 /* both algorithms produce 16 bytes */
#define MIP_AUTH_KEY_MAX 64 /* longest key accepted, in bytes */

/** enum mip_auth_alg - authentication algorithm of a security association. */
enum mip_auth_alg {
	MIP_AUTH_HMAC_MD5 = 1,
	MIP_AUTH_KEYED_MD5_PS = 2, /* keyed-MD5 prefix+suffix */
};

struct mip_auth_key;

/**
 * mip_auth_key_new - precompute the key schedule for @alg.
 * @alg: algorithm.
 * @key: key bytes (copied; the caller may wipe its copy).
 * @keylen: 1..MIP_AUTH_KEY_MAX bytes.
 * @out: receives the new key object on success.
 *
 * Return: 0, or -EINVAL for a bad algorithm or length, -ENOMEM, -EIO if
 * OpenSSL fails. On error *@out is untouched.
 */
int mip_auth_key_new(enum mip_auth_alg alg, const uint8_t *key, size_t keylen,
                     struct mip_auth_key **out);

/** mip_auth_key_free - wipe and free @k; NULL is allowed. */
void mip_auth_key_free(struct mip_auth_key *k);

/** mip_auth_key_alg - algorithm of @k. */
enum mip_auth_alg mip_auth_key_alg(const struct mip_auth_key *k);

/**
 * mip_auth_compute - compute the authenticator of @data[0..@len).
 * @out: receives MIP_AUTH_LEN bytes.
 * Return: 0, -EINVAL for NULL arguments, or -EIO if OpenSSL fails.
 */
int mip_auth_compute(const struct mip_auth_key *k, const uint8_t *data, size_t len,
                     uint8_t out[MIP_AUTH_LEN]);

/**
 * mip_auth_verify - check @auth (@authlen bytes) against @data in constant time.
 * Return: true only if @authlen == MIP_AUTH_LEN and the values match.
 */
bool mip_auth_verify(const struct mip_auth_key *k, const uint8_t *data, size_t len,
                     const uint8_t *auth, size_t authlen);

/** mip_auth_alg_name - "hmac-md5" or "keyed-md5-prefix-suffix" (YANG enum names). */
const char *mip_auth_alg_name(enum mip_auth_alg alg);

#endif /* PMIP_MIP_AUTH_H */
