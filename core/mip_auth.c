/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mip_auth.c - HMAC-MD5 and keyed-MD5 prefix+suffix authenticators on OpenSSL 3.
 *
 * The MD5 digest and the HMAC MAC are fetched once from the default provider
 * and kept for the life of the process. A key object holds either an HMAC
 * context that was initialised with the key, duplicated for every
 * computation, or an MD5 context that has absorbed the prefix key, copied
 * for every computation and finished with the data and the suffix key.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "mip_auth.h"

/**
 * struct mip_auth_key - precomputed key schedule.
 * @alg: algorithm.
 * @mac: HMAC context with the key set (MIP_AUTH_HMAC_MD5), else NULL.
 * @md: MD5 context that absorbed the prefix key (MIP_AUTH_KEYED_MD5_PS), else NULL.
 * @keylen: length of @key.
 * @key: key copy for the suffix; wiped on free.
 */
struct mip_auth_key {
	enum mip_auth_alg alg;
	EVP_MAC_CTX *mac;
	EVP_MD_CTX *md;
	size_t keylen;
	uint8_t key[MIP_AUTH_KEY_MAX];
};

static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static EVP_MD *md5_md;
static EVP_MAC *hmac_mac;

static void
fetch_algs(void)
{
	md5_md = EVP_MD_fetch(NULL, "MD5", NULL);
	hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

static int
algs_ready(void)
{
	if (pthread_once(&fetch_once, fetch_algs) != 0)
		return -EIO;
	return (md5_md != NULL && hmac_mac != NULL) ? 0 : -EIO;
}

static int
hmac_setup(struct mip_auth_key *k, const uint8_t *key, size_t keylen)
{
	OSSL_PARAM params[2];

	k->mac = EVP_MAC_CTX_new(hmac_mac);
	if (k->mac == NULL)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"MD5", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(k->mac, key, keylen, params) != 1)
		return -EIO;
	return 0;
}

static int
prefix_setup(struct mip_auth_key *k, const uint8_t *key, size_t keylen)
{
	k->md = EVP_MD_CTX_new();
	if (k->md == NULL)
		return -ENOMEM;
	if (EVP_DigestInit_ex2(k->md, md5_md, NULL) != 1 ||
	    EVP_DigestUpdate(k->md, key, keylen) != 1)
		return -EIO;
	memcpy(k->key, key, keylen);
	k->keylen = keylen;
	return 0;
}

int
mip_auth_key_new(enum mip_auth_alg alg, const uint8_t *key, size_t keylen,
                 struct mip_auth_key **out)
{
	struct mip_auth_key *k;
	int rc;

	if (out == NULL || key == NULL || keylen == 0 || keylen > MIP_AUTH_KEY_MAX)
		return -EINVAL;
	if (alg != MIP_AUTH_HMAC_MD5 && alg != MIP_AUTH_KEYED_MD5_PS)
		return -EINVAL;
	rc = algs_ready();
	if (rc < 0)
		return rc;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return -ENOMEM;
	k->alg = alg;
	if (alg == MIP_AUTH_HMAC_MD5)
		rc = hmac_setup(k, key, keylen);
	else
		rc = prefix_setup(k, key, keylen);
	if (rc < 0) {
		mip_auth_key_free(k);
		return rc;
	}
	*out = k;
	return 0;
}

void
mip_auth_key_free(struct mip_auth_key *k)
{
	if (k == NULL)
		return;
	EVP_MAC_CTX_free(k->mac);
	EVP_MD_CTX_free(k->md);
	OPENSSL_cleanse(k, sizeof(*k));
	free(k);
}

enum mip_auth_alg
mip_auth_key_alg(const struct mip_auth_key *k)
{
	return k->alg;
}

static int
hmac_compute(const struct mip_auth_key *k, const uint8_t *data, size_t len,
             uint8_t out[MIP_AUTH_LEN])
{
	EVP_MAC_CTX *c;
	size_t outl = 0;
	int ok;

	c = EVP_MAC_CTX_dup(k->mac);
	if (c == NULL)
		return -EIO;
	ok = EVP_MAC_update(c, data, len) == 1 && EVP_MAC_final(c, out, &outl, MIP_AUTH_LEN) == 1 &&
	     outl == MIP_AUTH_LEN;
	EVP_MAC_CTX_free(c);
	return ok ? 0 : -EIO;
}

static int
prefix_compute(const struct mip_auth_key *k, const uint8_t *data, size_t len,
               uint8_t out[MIP_AUTH_LEN])
{
	EVP_MD_CTX *c;
	unsigned outl = 0;
	int ok;

	c = EVP_MD_CTX_new();
	if (c == NULL)
		return -EIO;
	ok = EVP_MD_CTX_copy_ex(c, k->md) == 1 && EVP_DigestUpdate(c, data, len) == 1 &&
	     EVP_DigestUpdate(c, k->key, k->keylen) == 1 &&
	     EVP_DigestFinal_ex(c, out, &outl) == 1 && outl == MIP_AUTH_LEN;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -EIO;
}

int
mip_auth_compute(const struct mip_auth_key *k, const uint8_t *data, size_t len,
                 uint8_t out[MIP_AUTH_LEN])
{
	if (k == NULL || out == NULL || (data == NULL && len > 0))
		return -EINVAL;
	if (k->alg == MIP_AUTH_HMAC_MD5)
		return hmac_compute(k, data, len, out);
	return prefix_compute(k, data, len, out);
}

bool
mip_auth_verify(const struct mip_auth_key *k, const uint8_t *data, size_t len, const uint8_t *auth,
                size_t authlen)
{
	uint8_t want[MIP_AUTH_LEN];
	bool ok;

	if (auth == NULL || authlen != MIP_AUTH_LEN)
		return false;
	if (mip_auth_compute(k, data, len, want) != 0)
		return false;
	ok = CRYPTO_memcmp(want, auth, MIP_AUTH_LEN) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

const char *
mip_auth_alg_name(enum mip_auth_alg alg)
{
	switch (alg) {
	case MIP_AUTH_HMAC_MD5:
		return "hmac-md5";
	case MIP_AUTH_KEYED_MD5_PS:
		return "keyed-md5-prefix-suffix";
	}
	return "unknown";
}
