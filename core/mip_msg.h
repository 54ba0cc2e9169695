/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mip_msg.h - registration message codec: requests, replies, revocations and their extensions.
 *
 * Pure functions over byte buffers, no I/O, no logging, no allocation.
 *
 * Decoding: mip_msg_decode() fills a caller-provided struct mip_msg with the fixed header (numbers
 * in host order, addresses as struct in_addr in network order) and up to MIP_EXT_MAX parsed
 * extensions. Each extension keeps its raw offsets, because authenticators cover byte ranges,
 * and a typed view for the known kinds. The struct points into the caller's buffer: it is valid
 * only while that buffer lives and is not modified. On any error the output is left empty
 * (all zero, see mip_msg_is_empty()); details go to an optional struct mip_err_info.
 *
 * Encoding: a struct mip_builder writes into a caller buffer of fixed capacity. Each append
 * either writes the whole item or nothing and returns -ENOSPC; the first error sticks, so a
 * sequence of appends can be checked once with mip_builder_error().
 *
 * Files: mip_msg.c decodes, mip_msg_build.c encodes, mip_codes.c holds the number catalogue.
 */
#ifndef PMIP_MIP_MSG_H
#define PMIP_MIP_MSG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mip_auth.h"
#include "mip_codes.h"

#define MIP_MSG_MAX       65507 /* largest UDP payload over IPv4; longer input is TOO_LONG */
#define MIP_EXT_MAX       32    /* extensions kept per message; more is TOO_MANY_EXT */
#define MIP_RRQ_LEN       24    /* fixed part of a Registration Request */
#define MIP_RRP_LEN       20    /* fixed part of a Registration Reply */
#define MIP_REV_LEN       20    /* fixed part of a Registration Revocation */
#define MIP_REVACK_LEN    12    /* fixed part of a Revocation Acknowledgement */
#define MIP_AUTH_EXT_LEN  (2 + 4 + MIP_AUTH_LEN) /* a 32/33/34 extension as this code writes it */
#define MIP_REPLY_DISCARD (-1) /* mip_reply_code_for_error(): discard silently, send no reply */

/** enum mip_err - decode errors. 0 is success. */
enum mip_err {
	MIP_OK = 0,
	MIP_ERR_TRUNCATED,            /* shorter than the fixed header of its type */
	MIP_ERR_BAD_TYPE,             /* not a registration, reply, revocation or ack */
	MIP_ERR_BAD_LENGTH,           /* an extension header or body runs past the end */
	MIP_ERR_TOO_LONG,             /* longer than MIP_MSG_MAX */
	MIP_ERR_TOO_MANY_EXT,         /* more than MIP_EXT_MAX extensions */
	MIP_ERR_UNKNOWN_CRITICAL_EXT, /* unrecognised type 0..127 */
	MIP_ERR_BAD_EXT_BODY,         /* known extension with an impossible body */
	MIP_ERR_ORDER,                /* extension misplaced or repeated (e.g. NAI after MHAE) */
	MIP_ERR_NO_AUTH,              /* required authentication extension missing */
	MIP_ERR_UNKNOWN_CVSE,         /* CVSE whose vendor/type the receiver does not know */
	MIP_ERR__COUNT
};

/**
 * struct mip_err_info - where a decode or check failed.
 * @err: the error (also the return value).
 * @offset: byte offset in the message of the offending extension (or of the end of input).
 * @ext_type: type byte of the offending extension, or -1 when no extension is involved.
 * @ext_index: index the offending extension would have had, or -1.
 * @from_mn: for MIP_ERR_UNKNOWN_CVSE, whether the CVSE came from the mobile node.
 */
struct mip_err_info {
	enum mip_err err;
	size_t offset;
	int ext_type;
	int ext_index;
	bool from_mn;
};

/** enum mip_ext_form - header shape of an extension (protocol guide section 5.1). */
enum mip_ext_form {
	MIP_EXT_FORM_TLV = 0, /* type, length (8 bit), body */
	MIP_EXT_FORM_LONG,    /* type, sub-type, length (16 bit), body: 36, 47 */
	MIP_EXT_FORM_SHORT,   /* type, length (8 bit, counts the sub-type), sub-type, body */
	MIP_EXT_FORM_CVSE,    /* type, reserved, length (16 bit), body from vendor id: 38 */
};

/**
 * mip_ext_form_of - header shape of extension @type in a registration message.
 * @type: extension type byte.
 *
 * Return: MIP_EXT_FORM_LONG for 36 and 47, MIP_EXT_FORM_CVSE for 38, MIP_EXT_FORM_SHORT for 44,
 * 139, 144, 145 and 147, MIP_EXT_FORM_TLV for every other type.
 */
enum mip_ext_form mip_ext_form_of(uint8_t type);

/**
 * struct mip_ext - one parsed extension.
 * @type: type byte.
 * @subtype: sub-type for long and short forms, else 0.
 * @form: header shape.
 * @known: false for an unrecognised skippable type (128..255), which is kept but not parsed.
 * @off: offset of the type byte in the message.
 * @len: total length of the extension, header included.
 * @body_off: offset of the first byte after the header (after the sub-type for short forms).
 * @body_len: bytes from @body_off to the end of the extension.
 * @auth: view for 32, 33, 34 and 36: @auth.spi; @auth.data and @auth.len, the authenticator;
 *        @auth.covered, the number of leading message bytes it covers (up to and including
 *        the SPI), which is also the offset of the authenticator.
 * @vse: view for 38 and 134: vendor/org id, vendor type, value.
 * @data: view for 131 (NAI), 132 (challenge), 145 (text), 147 and 47 (sub-type data), and
 *        unknown skippable extensions: the body.
 * @rev_support: view for 137: flags (MIP_REVSUPP_F_I) and timestamp.
 * @dyn_ha: view for 139: home agent address.
 * @udp_req: view for 144: flags (MIP_UDP_TUN_REQ_F_*) and encapsulation (4, 47, 55).
 * @udp_reply: view for 44: reply code, flags (MIP_UDP_TUN_REPLY_F_F), keepalive seconds.
 */
struct mip_ext {
	uint8_t type;
	uint8_t subtype;
	uint8_t form;
	bool known;
	size_t off;
	size_t len;
	size_t body_off;
	size_t body_len;
	union {
		struct {
			uint32_t spi;
			const uint8_t *data;
			size_t len;
			size_t covered;
		} auth;
		struct {
			uint32_t vendor;
			uint16_t vtype;
			const uint8_t *value;
			size_t value_len;
		} vse;
		struct {
			const uint8_t *ptr;
			size_t len;
		} data;
		struct {
			uint16_t flags;
			uint32_t timestamp;
		} rev_support;
		struct {
			struct in_addr ha;
		} dyn_ha;
		struct {
			uint8_t flags;
			uint8_t encap;
		} udp_req;
		struct {
			uint8_t code;
			uint16_t flags;
			uint16_t keepalive;
		} udp_reply;
	};
};

/** struct mip_rrq - Registration Request fixed part; @flags is a mask of MIP_RRQ_F_*. */
struct mip_rrq {
	uint8_t flags;
	uint16_t lifetime;
	struct in_addr hoa, ha, coa;
	uint64_t id;
};

/** struct mip_rrp - Registration Reply fixed part; @code is an enum mip_code. */
struct mip_rrp {
	uint8_t code;
	uint16_t lifetime;
	struct in_addr hoa, ha;
	uint64_t id;
};

/** struct mip_rev - Registration Revocation fixed part (RFC 3543); @flags: MIP_REV_F_*. */
struct mip_rev {
	uint16_t flags;
	struct in_addr hoa, hda, fda;
	uint32_t rev_id;
};

/** struct mip_rev_ack - Revocation Acknowledgement fixed part; @flags: MIP_REVACK_F_I. */
struct mip_rev_ack {
	uint16_t flags;
	struct in_addr hoa;
	uint32_t rev_id;
};

/**
 * struct mip_msg - a decoded message.
 * @type: enum mip_msg_type; 0 means empty.
 * @buf: the decoded bytes (not owned).
 * @len: their number.
 * @rrq, @rrp, @rev, @ack: fixed part, the member selected by @type.
 * @hdr_len: length of the fixed part (offset of the first extension).
 * @n_ext: number of entries in @ext.
 * @n_skipped: how many of them are unknown skippable extensions.
 * @auth_idx: index of the authorization-enabling extension (the MHAE or a generalized MN-AAA
 *            extension in requests and replies, the FHAE in revocations and acks), or -1.
 * @mhae_idx, @mfae_idx, @fhae_idx: index of the first MHAE/MFAE/FHAE, or -1.
 * @nai_idx: index of the first NAI extension, or -1.
 * @ext: the extensions in wire order.
 */
struct mip_msg {
	uint8_t type;
	const uint8_t *buf;
	size_t len;
	union {
		struct mip_rrq rrq;
		struct mip_rrp rrp;
		struct mip_rev rev;
		struct mip_rev_ack ack;
	};
	size_t hdr_len;
	size_t n_ext;
	size_t n_skipped;
	int auth_idx;
	int mhae_idx, mfae_idx, fhae_idx;
	int nai_idx;
	struct mip_ext ext[MIP_EXT_MAX];
};

/* Flags of mip_msg_decode(). */
#define MIP_DEC_REQUIRE_AUTH 0x1 /* no authorization-enabling extension: MIP_ERR_NO_AUTH */

/**
 * mip_msg_decode - decode a request, reply, revocation or revocation ack.
 * @buf: the UDP payload.
 * @len: its length.
 * @flags: MIP_DEC_* mask.
 * @out: receives the message; left empty on error.
 * @ei: receives error details; may be NULL. Zeroed with ext_type/ext_index -1 on success.
 *
 * Extensions are parsed by shape (section 5.1 of the protocol guide). Type 0 is not padding.
 * An unknown type 0..127 stops decoding with MIP_ERR_UNKNOWN_CRITICAL_EXT; an unknown type
 * 128..255 is kept with @known false and skipped. Ordering rules checked for every message:
 * the NAI precedes the authorization-enabling extension; an MFAE or FHAE, and the
 * Encapsulating Delivery Style extension, follow the MHAE in requests and replies; MHAE,
 * MFAE, FHAE and MN-AAA appear at most once, and MHAE and MN-AAA not together.
 *
 * Return: MIP_OK or the error.
 */
enum mip_err mip_msg_decode(const uint8_t *buf, size_t len, unsigned flags, struct mip_msg *out,
                            struct mip_err_info *ei);

/**
 * mip_msg_is_empty - whether @m is in the state an error leaves it in (all zero).
 * @m: message.
 */
bool mip_msg_is_empty(const struct mip_msg *m);

/**
 * mip_msg_find - index of the first extension of @type at or after index @from.
 * @m: decoded message.
 * @type: extension type.
 * @from: first index to look at.
 *
 * Return: the index, or -1.
 */
int mip_msg_find(const struct mip_msg *m, uint8_t type, size_t from);

/**
 * mip_msg_auth_verify - verify the authenticator of authentication extension @idx.
 * @m: decoded message.
 * @idx: index of a 32, 33, 34 or 36 extension.
 * @k: key of the security association.
 *
 * The covered bytes run from the start of the message to the end of that extension's SPI.
 *
 * Return: true only if @idx is an authentication extension and the authenticator matches.
 */
bool mip_msg_auth_verify(const struct mip_msg *m, size_t idx, const struct mip_auth_key *k);

/**
 * mip_msg_relay_len - length of the part of @m a foreign agent relays (RFC 5944 section 3.7).
 * @m: decoded request or reply.
 *
 * The foreign agent strips everything after the Mobile-Home authentication extension (or the
 * MN-AAA extension) before relaying, then may append its own extensions and an FHAE or MFAE.
 *
 * Return: offset of the end of the authorization-enabling extension, or 0 if there is none.
 */
size_t mip_msg_relay_len(const struct mip_msg *m);

/**
 * typedef mip_cvse_known_fn - does the receiver understand this CVSE?
 * @vendor: Vendor/Org-ID.
 * @vtype: Vendor-CVSE-Type.
 * @arg: caller data.
 */
typedef bool (*mip_cvse_known_fn)(uint32_t vendor, uint16_t vtype, void *arg);

/** enum mip_receiver - the role that received a message, for the reply code mapping. */
enum mip_receiver {
	MIP_RX_HA = 1, /* home agent */
	MIP_RX_FA,     /* foreign agent */
	MIP_RX_MN,     /* mobile node, or the proxy acting for one: never answers */
};

/**
 * mip_msg_check_cvse - look for a critical vendor extension addressed to @rx it cannot interpret.
 * @m: decoded request or reply.
 * @rx: receiving role.
 * @known: predicate; NULL means no CVSE is understood.
 * @arg: passed to @known.
 * @ei: receives details (with from_mn); may be NULL.
 *
 * Which CVSEs are addressed to whom (RFC 5944 section 3.6.1.3, RFC 3115): a home agent checks
 * every CVSE of a request, those before the MHAE coming from the mobile node and those after it
 * from the foreign agent; a foreign agent checks those after the MHAE (from the mobile node in a
 * request, from the home agent in a reply); a mobile node checks those before the MHAE of a
 * reply.
 *
 * Return: MIP_OK, or MIP_ERR_UNKNOWN_CVSE for the first one not understood.
 */
enum mip_err mip_msg_check_cvse(const struct mip_msg *m, enum mip_receiver rx,
                                mip_cvse_known_fn known, void *arg, struct mip_err_info *ei);

/**
 * mip_reply_code_for_error - reply code a receiver answers a defective message with.
 * @err: the decode or check error.
 * @rx: receiving role.
 * @from_mn: for a foreign agent, whether the message is a request from the mobile node (else a
 *           reply from the home agent); for MIP_ERR_UNKNOWN_CVSE, whether the CVSE came from
 *           the mobile node (struct mip_err_info.from_mn).
 *
 * Return: the code to send, or MIP_REPLY_DISCARD when the message must be dropped silently:
 * always for a mobile node; for input too short to answer (no identification to copy), for
 * unknown message types, and for unknown types 0..127 (RFC 5944 section 1.9). A missing
 * authorization-enabling extension is code 131 at the home agent (RFC 5944 section 3.8.2.1).
 */
int mip_reply_code_for_error(enum mip_err err, enum mip_receiver rx, bool from_mn);

/**
 * mip_err_str - short description of @err ("truncated").
 * @err: error.
 *
 * Return: a static string, never NULL.
 */
const char *mip_err_str(enum mip_err err);

/**
 * struct mip_builder - output cursor of the encoder.
 * @buf: output buffer (not owned).
 * @cap: its capacity.
 * @len: bytes written so far.
 * @err: first error (negative errno), sticky; 0 if none.
 */
struct mip_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
};

/**
 * mip_builder_init - start an empty message in @buf.
 * @b: builder.
 * @buf: output buffer; may be NULL only if @cap is 0.
 * @cap: capacity of @buf.
 */
void mip_builder_init(struct mip_builder *b, uint8_t *buf, size_t cap);

/**
 * mip_builder_init_relay - start a relayed copy of @m: its bytes up to mip_msg_relay_len().
 * @b: builder.
 * @buf: output buffer; must not overlap @m's buffer.
 * @cap: capacity of @buf.
 * @m: decoded request or reply with an authorization-enabling extension.
 *
 * Return: 0, -EINVAL if @m has nothing to relay, -ENOSPC if it does not fit (also sticky).
 */
int mip_builder_init_relay(struct mip_builder *b, uint8_t *buf, size_t cap,
                           const struct mip_msg *m);

/**
 * mip_builder_error - first error of the builder, 0 if none.
 * @b: builder.
 */
int mip_builder_error(const struct mip_builder *b);

/*
 * Fixed parts. Each needs an empty builder (-EINVAL otherwise). Reserved fields are written as
 * zero. Every append below returns 0, -ENOSPC (no room), -EINVAL (bad argument, e.g. a body too
 * long for its length field) or the sticky error of an earlier call; on error nothing is written.
 */

/** mip_build_rrq - write a Registration Request fixed part from @h. */
int mip_build_rrq(struct mip_builder *b, const struct mip_rrq *h);
/** mip_build_rrp - write a Registration Reply fixed part from @h. */
int mip_build_rrp(struct mip_builder *b, const struct mip_rrp *h);
/** mip_build_rev - write a Registration Revocation fixed part from @h. */
int mip_build_rev(struct mip_builder *b, const struct mip_rev *h);
/** mip_build_rev_ack - write a Revocation Acknowledgement fixed part from @h. */
int mip_build_rev_ack(struct mip_builder *b, const struct mip_rev_ack *h);

/**
 * mip_build_ext - append a plain TLV extension.
 * @b: builder.
 * @type: any type that has the plain shape (not 36, 38, 47 or a short-form type).
 * @data: body; may be NULL if @len is 0.
 * @len: body length, at most 255.
 */
int mip_build_ext(struct mip_builder *b, uint8_t type, const void *data, size_t len);

/**
 * mip_build_ext_long - append a long-form extension (36, 47): type, sub-type, 16-bit length.
 * @b: builder.
 * @type: extension type.
 * @subtype: sub-type.
 * @data: body; may be NULL if @len is 0.
 * @len: body length, at most 65535.
 */
int mip_build_ext_long(struct mip_builder *b, uint8_t type, uint8_t subtype, const void *data,
                       size_t len);

/**
 * mip_build_ext_short - append a short-form extension (44, 139, 144, 145, 147).
 * @b: builder.
 * @type: extension type.
 * @subtype: sub-type.
 * @data: data after the sub-type; may be NULL if @len is 0.
 * @len: its length, at most 254.
 */
int mip_build_ext_short(struct mip_builder *b, uint8_t type, uint8_t subtype, const void *data,
                        size_t len);

/** mip_build_nai - append an MN-NAI extension (131) holding @len bytes of @nai (1..255). */
int mip_build_nai(struct mip_builder *b, const char *nai, size_t len);

/** mip_build_encap_delivery - append an Encapsulating Delivery Style extension (130). */
int mip_build_encap_delivery(struct mip_builder *b);

/**
 * mip_build_cvse - append a Critical Vendor/Organization Specific Extension (38).
 * @b: builder.
 * @vendor: Vendor/Org-ID (IANA enterprise number).
 * @vtype: Vendor-CVSE-Type.
 * @value: value; may be NULL if @len is 0.
 * @len: value length, at most 65535 - 6.
 */
int mip_build_cvse(struct mip_builder *b, uint32_t vendor, uint16_t vtype, const void *value,
                   size_t len);

/**
 * mip_build_nvse - append a Normal Vendor/Organization Specific Extension (134).
 * @b: builder.
 * @vendor: Vendor/Org-ID.
 * @vtype: Vendor-NVSE-Type.
 * @value: value; may be NULL if @len is 0.
 * @len: value length, at most 255 - 8.
 */
int mip_build_nvse(struct mip_builder *b, uint32_t vendor, uint16_t vtype, const void *value,
                   size_t len);

/**
 * mip_build_pmip_short - append a PMIPv4 skippable extension (147, short form).
 * @b: builder.
 * @subtype: MIP_PMIP_SKIP_*.
 * @data: data after the sub-type (for device and subscriber ids, the id type byte first).
 * @len: its length, at most 254.
 */
int mip_build_pmip_short(struct mip_builder *b, uint8_t subtype, const void *data, size_t len);

/** mip_build_rev_support - append a Revocation Support extension (137). */
int mip_build_rev_support(struct mip_builder *b, uint16_t flags, uint32_t timestamp);

/** mip_build_dyn_ha - append a Dynamic HA extension (139) of @subtype with address @ha. */
int mip_build_dyn_ha(struct mip_builder *b, uint8_t subtype, struct in_addr ha);

/** mip_build_udp_tun_req - append a UDP Tunnel Request extension (144). */
int mip_build_udp_tun_req(struct mip_builder *b, uint8_t flags, uint8_t encap);

/** mip_build_udp_tun_reply - append a UDP Tunnel Reply extension (44). */
int mip_build_udp_tun_reply(struct mip_builder *b, uint8_t code, uint16_t flags,
                            uint16_t keepalive);

/**
 * mip_build_auth - append an authentication extension and compute its authenticator.
 * @b: builder holding the whole message so far.
 * @type: MIP_EXT_MHAE, MIP_EXT_MFAE or MIP_EXT_FHAE; MIP_EXT_GEN_AUTH writes the long form
 *        with sub-type MIP_GEN_AUTH_MN_AAA.
 * @spi: security parameter index.
 * @k: key of the security association.
 *
 * The authenticator covers the message from its first byte through this extension's SPI.
 *
 * Return: 0, -EINVAL (bad type or NULL key), -ENOSPC, -EIO (mip_auth_compute() failed).
 */
int mip_build_auth(struct mip_builder *b, uint8_t type, uint32_t spi, const struct mip_auth_key *k);

#endif /* PMIP_MIP_MSG_H */
