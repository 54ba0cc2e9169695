/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * radius_msg.h - RADIUS message codec (RFC 2865, RFC 2868 salts, RFC 3579 Message-Authenticator).
 *
 * Pure functions over byte buffers, no I/O. Requests are built in a struct
 * radius_msg; responses are validated in place with radius_msg_check() and
 * read with the attribute iterator. Every digest goes through OpenSSL EVP.
 * Secrets are inputs only: nothing here logs.
 */
#ifndef PMIP_RADIUS_MSG_H
#define PMIP_RADIUS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RADIUS_HDR_LEN      20
#define RADIUS_MIN_LEN      20
#define RADIUS_MAX_LEN      4096
#define RADIUS_AUTH_LEN     16
#define RADIUS_ATTR_MAX     253 /* longest attribute value */
#define RADIUS_PASSWORD_MAX 128
#define RADIUS_MSG_AUTH_LEN 18 /* whole Message-Authenticator attribute */

/** enum radius_code - packet codes used here (RFC 2865 section 3, RFC 5997). */
enum radius_code {
	RADIUS_ACCESS_REQUEST = 1,
	RADIUS_ACCESS_ACCEPT = 2,
	RADIUS_ACCESS_REJECT = 3,
	RADIUS_ACCESS_CHALLENGE = 11,
	RADIUS_STATUS_SERVER = 12,
};

/** enum radius_attr_type - attribute types used here. */
enum radius_attr_type {
	RADIUS_ATTR_USER_NAME = 1,
	RADIUS_ATTR_USER_PASSWORD = 2,
	RADIUS_ATTR_FRAMED_IP_ADDRESS = 8,
	RADIUS_ATTR_REPLY_MESSAGE = 18,
	RADIUS_ATTR_VENDOR_SPECIFIC = 26,
	RADIUS_ATTR_NAS_IDENTIFIER = 32,
	RADIUS_ATTR_MESSAGE_AUTHENTICATOR = 80,
};

/** enum radius_err - typed errors of the codec (negative return values). */
enum radius_err {
	RADIUS_OK = 0,
	RADIUS_E_INVAL = -1,       /* bad argument */
	RADIUS_E_TRUNCATED = -2,   /* buffer shorter than a header or the Length field */
	RADIUS_E_LENGTH = -3,      /* Length field outside 20..4096 */
	RADIUS_E_ATTR = -4,        /* attribute length below 2 or past the packet end */
	RADIUS_E_NOSPACE = -5,     /* the message or output buffer is full */
	RADIUS_E_AUTH = -6,        /* Response Authenticator mismatch */
	RADIUS_E_MSG_AUTH = -7,    /* Message-Authenticator wrong, misplaced or repeated */
	RADIUS_E_NO_MSG_AUTH = -8, /* Message-Authenticator required but absent */
	RADIUS_E_CRYPTO = -9,      /* OpenSSL failure */
	RADIUS_E_VALUE = -10,      /* attribute value malformed (VSA, salt, padding) */
};

/**
 * struct radius_msg - a packet under construction.
 * @buf: the packet; the Length field is kept up to date.
 * @len: bytes used.
 * @msg_auth_off: offset of the Message-Authenticator value, 0 if none.
 */
struct radius_msg {
	uint8_t buf[RADIUS_MAX_LEN];
	size_t len;
	size_t msg_auth_off;
};

/** radius_strerror - text for a radius_err value. */
const char *radius_strerror(int err);

/**
 * radius_msg_init - start a packet.
 * @m: message to fill.
 * @code: packet code.
 * @id: identifier.
 * @auth: 16-byte Request Authenticator.
 */
void radius_msg_init(struct radius_msg *m, uint8_t code, uint8_t id,
                     const uint8_t auth[RADIUS_AUTH_LEN]);

/**
 * radius_msg_add_attr - append an attribute.
 * @m: message.
 * @type: attribute type.
 * @val: value bytes.
 * @len: value length, 0..253.
 * Return: 0, RADIUS_E_INVAL or RADIUS_E_NOSPACE (then @m is unchanged).
 */
int radius_msg_add_attr(struct radius_msg *m, uint8_t type, const void *val, size_t len);

/**
 * radius_msg_add_msg_auth - append a zero Message-Authenticator, to be filled
 * by radius_msg_sign(). Call it first, right after radius_msg_init().
 * @m: message.
 * Return: 0, RADIUS_E_INVAL (already present) or RADIUS_E_NOSPACE.
 */
int radius_msg_add_msg_auth(struct radius_msg *m);

/**
 * radius_msg_add_user_password - append User-Password hidden as in RFC 2865 section 5.2.
 * @m: message whose header already holds the Request Authenticator.
 * @secret: shared secret.
 * @secretlen: its length.
 * @pw: password.
 * @pwlen: its length, 1..128.
 * Return: 0, RADIUS_E_INVAL, RADIUS_E_NOSPACE or RADIUS_E_CRYPTO.
 */
int radius_msg_add_user_password(struct radius_msg *m, const uint8_t *secret, size_t secretlen,
                                 const uint8_t *pw, size_t pwlen);

/**
 * radius_msg_sign - fill the Message-Authenticator of a request (HMAC-MD5 of
 * the packet with the value zeroed, RFC 3579 section 3.2). No-op without one.
 * @m: message.
 * @secret: shared secret.
 * @secretlen: its length.
 * Return: 0 or RADIUS_E_CRYPTO.
 */
int radius_msg_sign(struct radius_msg *m, const uint8_t *secret, size_t secretlen);

/**
 * radius_msg_check - validate the framing of a received packet.
 * @pkt: received bytes.
 * @len: number of bytes received.
 *
 * Checks the header, that Length is within 20..4096 and not above @len
 * (bytes past Length are padding, RFC 2865 section 3), and that the
 * attributes tile the packet exactly.
 * Return: the packet length (the Length field), or a negative radius_err.
 */
int radius_msg_check(const uint8_t *pkt, size_t len);

/**
 * radius_attr_next - iterate over the attributes of a checked packet.
 * @pkt: packet validated by radius_msg_check().
 * @len: its Length.
 * @off: cursor; start at RADIUS_HDR_LEN.
 * @type: receives the type.
 * @val: receives a pointer to the value.
 * @vlen: receives the value length.
 * Return: true while an attribute was returned.
 */
bool radius_attr_next(const uint8_t *pkt, size_t len, size_t *off, uint8_t *type,
                      const uint8_t **val, size_t *vlen);

/**
 * radius_vsa_split - read the vendor of a Vendor-Specific value and its one
 * RFC 2865 style sub-attribute (1-byte type, 1-byte length).
 * @val: attribute 26 value.
 * @vlen: its length.
 * @vendor: receives the vendor id.
 * @vtype: receives the vendor type.
 * @sub: receives the sub-attribute value.
 * @sublen: receives its length.
 * Return: 0, or RADIUS_E_VALUE when the value is too short or the
 * sub-attribute length does not fill the VSA exactly.
 */
int radius_vsa_split(const uint8_t *val, size_t vlen, uint32_t *vendor, uint8_t *vtype,
                     const uint8_t **sub, size_t *sublen);

/**
 * radius_msg_verify_response - authenticate a response to a request.
 * @pkt: response validated by radius_msg_check().
 * @len: its Length.
 * @req_auth: Request Authenticator of the request it answers.
 * @secret: shared secret.
 * @secretlen: its length.
 * @require_msg_auth: treat a missing Message-Authenticator as an error
 *	(RFC 3579 plus the BlastRADIUS hardening).
 *
 * Verifies the Message-Authenticator (one at most, HMAC-MD5 with the
 * Request Authenticator in the header field and the value zeroed), then the
 * Response Authenticator MD5(Code|Id|Length|RequestAuth|Attributes|Secret).
 * Comparisons are constant time.
 * Return: 0, RADIUS_E_NO_MSG_AUTH, RADIUS_E_MSG_AUTH, RADIUS_E_AUTH,
 * RADIUS_E_INVAL or RADIUS_E_CRYPTO.
 */
int radius_msg_verify_response(const uint8_t *pkt, size_t len,
                               const uint8_t req_auth[RADIUS_AUTH_LEN], const uint8_t *secret,
                               size_t secretlen, bool require_msg_auth);

/**
 * radius_salt_decrypt - decrypt an RFC 2868 salted value (encrypt=2).
 * @val: salt (2 bytes, high bit set) followed by 16-byte blocks.
 * @vlen: its length.
 * @secret: shared secret.
 * @secretlen: its length.
 * @req_auth: Request Authenticator of the request.
 * @out: receives the plaintext without its length byte and padding.
 * @outsz: size of @out.
 * @outlen: receives the plaintext length.
 * Return: 0, RADIUS_E_VALUE (bad salt, block count, or length byte),
 * RADIUS_E_NOSPACE or RADIUS_E_CRYPTO. @out is wiped on error.
 */
int radius_salt_decrypt(const uint8_t *val, size_t vlen, const uint8_t *secret, size_t secretlen,
                        const uint8_t req_auth[RADIUS_AUTH_LEN], uint8_t *out, size_t outsz,
                        size_t *outlen);

#endif /* PMIP_RADIUS_MSG_H */
