/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * radius_msg.c - RADIUS message codec: framing, attributes, hiding, authenticators.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "radius_msg.h"
#include "wire.h"

/* One buffer given to md5_parts(). */
struct md5_part {
	const void *p;
	size_t n;
};

/* MD5 of the concatenation of @n parts; returns 0 or RADIUS_E_CRYPTO. */
static int
md5_parts(uint8_t out[16], const struct md5_part *parts, size_t n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1;

	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, parts[i].p, parts[i].n) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : RADIUS_E_CRYPTO;
}

static int
hmac_md5(uint8_t out[16], const uint8_t *key, size_t keylen, const uint8_t *data, size_t len)
{
	unsigned int olen = 0;

	if (HMAC(EVP_md5(), key, (int)keylen, data, len, out, &olen) == NULL || olen != 16)
		return RADIUS_E_CRYPTO;
	return 0;
}

static void
put_len(struct radius_msg *m)
{
	wire_put16(m->buf + 2, (uint16_t)m->len);
}

const char *
radius_strerror(int err)
{
	switch (err) {
	case RADIUS_OK:
		return "ok";
	case RADIUS_E_INVAL:
		return "invalid argument";
	case RADIUS_E_TRUNCATED:
		return "truncated packet";
	case RADIUS_E_LENGTH:
		return "bad length field";
	case RADIUS_E_ATTR:
		return "bad attribute length";
	case RADIUS_E_NOSPACE:
		return "no space left";
	case RADIUS_E_AUTH:
		return "bad response authenticator";
	case RADIUS_E_MSG_AUTH:
		return "bad message-authenticator";
	case RADIUS_E_NO_MSG_AUTH:
		return "missing message-authenticator";
	case RADIUS_E_CRYPTO:
		return "crypto library failure";
	case RADIUS_E_VALUE:
		return "malformed attribute value";
	}
	return "unknown error";
}

void
radius_msg_init(struct radius_msg *m, uint8_t code, uint8_t id, const uint8_t auth[RADIUS_AUTH_LEN])
{
	m->buf[0] = code;
	m->buf[1] = id;
	memcpy(m->buf + 4, auth, RADIUS_AUTH_LEN);
	m->len = RADIUS_HDR_LEN;
	m->msg_auth_off = 0;
	put_len(m);
}

int
radius_msg_add_attr(struct radius_msg *m, uint8_t type, const void *val, size_t len)
{
	if (len > RADIUS_ATTR_MAX || (len > 0 && val == NULL))
		return RADIUS_E_INVAL;
	if (m->len + 2 + len > RADIUS_MAX_LEN)
		return RADIUS_E_NOSPACE;
	m->buf[m->len] = type;
	m->buf[m->len + 1] = (uint8_t)(len + 2);
	if (len > 0)
		memcpy(m->buf + m->len + 2, val, len);
	m->len += 2 + len;
	put_len(m);
	return 0;
}

int
radius_msg_add_msg_auth(struct radius_msg *m)
{
	static const uint8_t zero[16];
	int rc;

	if (m->msg_auth_off != 0)
		return RADIUS_E_INVAL;
	rc = radius_msg_add_attr(m, RADIUS_ATTR_MESSAGE_AUTHENTICATOR, zero, sizeof(zero));
	if (rc == 0)
		m->msg_auth_off = m->len - 16;
	return rc;
}

int
radius_msg_add_user_password(struct radius_msg *m, const uint8_t *secret, size_t secretlen,
                             const uint8_t *pw, size_t pwlen)
{
	uint8_t c[RADIUS_PASSWORD_MAX], b[16];
	size_t n = (pwlen + 15) / 16 * 16;
	const uint8_t *prev = m->buf + 4; /* the Request Authenticator */
	int rc = 0;

	if (pw == NULL || pwlen == 0 || pwlen > RADIUS_PASSWORD_MAX || secret == NULL)
		return RADIUS_E_INVAL;
	memset(c, 0, sizeof(c));
	memcpy(c, pw, pwlen);
	for (size_t i = 0; i < n && rc == 0; i += 16) {
		struct md5_part parts[] = { { secret, secretlen }, { prev, 16 } };

		rc = md5_parts(b, parts, 2);
		for (size_t j = 0; j < 16; j++)
			c[i + j] ^= b[j];
		prev = c + i;
	}
	if (rc == 0)
		rc = radius_msg_add_attr(m, RADIUS_ATTR_USER_PASSWORD, c, n);
	OPENSSL_cleanse(c, sizeof(c));
	OPENSSL_cleanse(b, sizeof(b));
	return rc;
}

int
radius_msg_sign(struct radius_msg *m, const uint8_t *secret, size_t secretlen)
{
	if (m->msg_auth_off == 0)
		return 0;
	memset(m->buf + m->msg_auth_off, 0, 16);
	return hmac_md5(m->buf + m->msg_auth_off, secret, secretlen, m->buf, m->len);
}

int
radius_msg_check(const uint8_t *pkt, size_t len)
{
	size_t plen, off;

	if (pkt == NULL)
		return RADIUS_E_INVAL;
	if (len < RADIUS_HDR_LEN)
		return RADIUS_E_TRUNCATED;
	plen = wire_get16(pkt + 2);
	if (plen < RADIUS_MIN_LEN || plen > RADIUS_MAX_LEN)
		return RADIUS_E_LENGTH;
	if (plen > len)
		return RADIUS_E_TRUNCATED;
	for (off = RADIUS_HDR_LEN; off < plen;) {
		if (plen - off < 2 || pkt[off + 1] < 2 || pkt[off + 1] > plen - off)
			return RADIUS_E_ATTR;
		off += pkt[off + 1];
	}
	return (int)plen;
}

bool
radius_attr_next(const uint8_t *pkt, size_t len, size_t *off, uint8_t *type, const uint8_t **val,
                 size_t *vlen)
{
	size_t o = *off;

	if (o + 2 > len || pkt[o + 1] < 2 || pkt[o + 1] > len - o)
		return false;
	*type = pkt[o];
	*val = pkt + o + 2;
	*vlen = pkt[o + 1] - 2u;
	*off = o + pkt[o + 1];
	return true;
}

int
radius_vsa_split(const uint8_t *val, size_t vlen, uint32_t *vendor, uint8_t *vtype,
                 const uint8_t **sub, size_t *sublen)
{
	if (vlen < 6 || val[5] < 2 || val[5] != vlen - 4)
		return RADIUS_E_VALUE;
	*vendor = wire_get32(val);
	*vtype = val[4];
	*sub = val + 6;
	*sublen = val[5] - 2u;
	return 0;
}

/* Find the single Message-Authenticator; 0 (none), its value offset, or an error. */
static int
find_msg_auth(const uint8_t *pkt, size_t len, size_t *voff)
{
	size_t off = RADIUS_HDR_LEN, vlen = 0;
	const uint8_t *val = NULL;
	uint8_t type = 0;

	*voff = 0;
	while (radius_attr_next(pkt, len, &off, &type, &val, &vlen)) {
		if (type != RADIUS_ATTR_MESSAGE_AUTHENTICATOR)
			continue;
		if (vlen != 16 || *voff != 0)
			return RADIUS_E_MSG_AUTH;
		*voff = (size_t)(val - pkt);
	}
	return 0;
}

int
radius_msg_verify_response(const uint8_t *pkt, size_t len, const uint8_t req_auth[RADIUS_AUTH_LEN],
                           const uint8_t *secret, size_t secretlen, bool require_msg_auth)
{
	uint8_t copy[RADIUS_MAX_LEN], mac[16];
	size_t voff;
	int rc;

	if (pkt == NULL || req_auth == NULL || secret == NULL || len < RADIUS_HDR_LEN ||
	    len > RADIUS_MAX_LEN)
		return RADIUS_E_INVAL;
	rc = find_msg_auth(pkt, len, &voff);
	if (rc != 0)
		return rc;
	if (voff == 0 && require_msg_auth)
		return RADIUS_E_NO_MSG_AUTH;
	if (voff != 0) {
		memcpy(copy, pkt, len);
		memcpy(copy + 4, req_auth, RADIUS_AUTH_LEN);
		memset(copy + voff, 0, 16);
		rc = hmac_md5(mac, secret, secretlen, copy, len);
		if (rc != 0)
			return rc;
		if (CRYPTO_memcmp(mac, pkt + voff, 16) != 0)
			return RADIUS_E_MSG_AUTH;
	}
	{
		struct md5_part parts[] = {
			{ pkt, 4 },
			{ req_auth, RADIUS_AUTH_LEN },
			{ pkt + RADIUS_HDR_LEN, len - RADIUS_HDR_LEN },
			{ secret, secretlen },
		};

		rc = md5_parts(mac, parts, 4);
	}
	if (rc != 0)
		return rc;
	return CRYPTO_memcmp(mac, pkt + 4, 16) == 0 ? 0 : RADIUS_E_AUTH;
}

int
radius_salt_decrypt(const uint8_t *val, size_t vlen, const uint8_t *secret, size_t secretlen,
                    const uint8_t req_auth[RADIUS_AUTH_LEN], uint8_t *out, size_t outsz,
                    size_t *outlen)
{
	uint8_t p[RADIUS_ATTR_MAX], b[16];
	size_t n;
	int rc = 0;

	if (val == NULL || secret == NULL || req_auth == NULL || out == NULL || outlen == NULL)
		return RADIUS_E_INVAL;
	if (vlen < 2 + 16 || (vlen - 2) % 16 != 0 || !(val[0] & 0x80))
		return RADIUS_E_VALUE;
	n = vlen - 2;
	for (size_t i = 0; i < n && rc == 0; i += 16) {
		if (i == 0) {
			struct md5_part parts[] = { { secret, secretlen },
				                    { req_auth, RADIUS_AUTH_LEN },
				                    { val, 2 } };

			rc = md5_parts(b, parts, 3);
		} else {
			struct md5_part parts[] = { { secret, secretlen },
				                    { val + 2 + i - 16, 16 } };

			rc = md5_parts(b, parts, 2);
		}
		for (size_t j = 0; j < 16; j++)
			p[i + j] = val[2 + i + j] ^ b[j];
	}
	if (rc == 0 && p[0] > n - 1)
		rc = RADIUS_E_VALUE;
	else if (rc == 0 && p[0] > outsz)
		rc = RADIUS_E_NOSPACE;
	if (rc == 0) {
		memcpy(out, p + 1, p[0]);
		*outlen = p[0];
	} else if (outsz > 0) {
		OPENSSL_cleanse(out, outsz);
	}
	OPENSSL_cleanse(p, sizeof(p));
	OPENSSL_cleanse(b, sizeof(b));
	return rc;
}
