/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mip_adv.h - ICMP Agent Advertisement and Agent Solicitation codec (pure).
 *
 * An Agent Advertisement (RFC 5944 section 2.1) is an ICMP Router
 * Advertisement (RFC 1256, type 9, code 0 or 16) followed by Mobile IP
 * extensions:
 *
 *   0 type 9 | code | checksum          (4)
 *   4 num addrs | entry size (2) | lifetime   (4)
 *   8 num addrs x (router address, preference)   (entry size x 4 each)
 *   . extensions: 16 mobility agent advertisement, 19 prefix lengths,
 *     24 challenge (RFC 3012), 0 one-byte padding (no length byte)
 *
 * An Agent Solicitation is an ICMP Router Solicitation (type 10, code 0, 8
 * bytes); it is sent with IP TTL 1. This codec handles only the ICMP part:
 * the caller strips or builds the IP header and passes the ICMP length. The
 * Internet checksum covers the whole ICMP message, extensions included.
 *
 * Unknown extensions follow RFC 5944 section 1.9, which section 2.1 applies
 * to advertisement extensions: an unrecognised type 0..127 makes the whole
 * advertisement silently discarded (MIP_ADV_ERR_UNKNOWN_EXT); an unrecognised
 * type 128..255 is skipped by its length and the rest is processed.
 *
 * Decoders fill a caller struct, which is all zero on any error.
 */
#ifndef PMIP_MIP_ADV_H
#define PMIP_MIP_ADV_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MIP_ADV_ICMP_TYPE_ADV 9  /* ICMP Router Advertisement */
#define MIP_ADV_ICMP_TYPE_SOL 10 /* ICMP Router Solicitation */
#define MIP_ADV_CODE_ROUTER   0  /* agent also routes common traffic */
#define MIP_ADV_CODE_MA_ONLY  16 /* mobility agent only (RFC 5944 2.1) */

#define MIP_ADV_EXT_PAD         0  /* one-byte padding, no length byte */
#define MIP_ADV_EXT_MA          16 /* mobility agent advertisement */
#define MIP_ADV_EXT_PREFIX_LENS 19 /* prefix lengths */
#define MIP_ADV_EXT_CHALLENGE   24 /* FA challenge (RFC 3012) */

#define MIP_ADV_HDR_LEN       8   /* ICMP header of both messages */
#define MIP_ADV_SOL_LEN       8   /* an Agent Solicitation */
#define MIP_ADV_MAX_ROUTERS   255 /* Num Addrs is one byte */
#define MIP_ADV_MAX_COA       62  /* (255 - 6) / 4 in the one-byte extension length */
#define MIP_ADV_CHALLENGE_MAX 255
#define MIP_ADV_SEQ_WRAP      256 /* after 0xffff the sequence number goes to 256 */

/* Mobility agent advertisement flags (host order of the 16-bit field). */
#define MIP_ADV_F_R        0x8000 /* registration required */
#define MIP_ADV_F_B        0x4000 /* busy */
#define MIP_ADV_F_H        0x2000 /* home agent */
#define MIP_ADV_F_F        0x1000 /* foreign agent */
#define MIP_ADV_F_M        0x0800 /* minimal encapsulation */
#define MIP_ADV_F_G        0x0400 /* GRE */
#define MIP_ADV_F_r        0x0200 /* formerly VJ compression; sent as 0 */
#define MIP_ADV_F_T        0x0100 /* reverse tunnelling (RFC 3024) */
#define MIP_ADV_F_U        0x0080 /* UDP tunnelling (RFC 3519) */
#define MIP_ADV_F_X        0x0040 /* registration revocation (RFC 3543) */
#define MIP_ADV_F_I        0x0020 /* regional registration (RFC 4857) */
#define MIP_ADV_F_RESERVED 0x001f /* sent as 0, ignored on receipt */

/** enum mip_adv_err - codec result; 0 is success. */
enum mip_adv_err {
	MIP_ADV_OK = 0,
	MIP_ADV_ERR_TRUNCATED = 1,    /* shorter than the 8-byte ICMP header */
	MIP_ADV_ERR_CHECKSUM = 2,     /* Internet checksum does not verify */
	MIP_ADV_ERR_TYPE = 3,         /* not the expected ICMP type */
	MIP_ADV_ERR_CODE = 4,         /* ICMP code not allowed for the type */
	MIP_ADV_ERR_ENTRY_SIZE = 5,   /* Addr Entry Size below 2 */
	MIP_ADV_ERR_NUM_ADDRS = 6,    /* router entries run past the message */
	MIP_ADV_ERR_EXT_OVERRUN = 7,  /* an extension runs past the message */
	MIP_ADV_ERR_EXT_LEN = 8,      /* extension length invalid for its type */
	MIP_ADV_ERR_EXT_DUP = 9,      /* extension 16, 19 or 24 appears twice */
	MIP_ADV_ERR_NO_MA_EXT = 10,   /* no mobility agent advertisement extension */
	MIP_ADV_ERR_F_NO_COA = 11,    /* F flag set without a care-of address */
	MIP_ADV_ERR_UNKNOWN_EXT = 12, /* unrecognised non-skippable type 1..127 */
	MIP_ADV_ERR_NOSPACE = 13,     /* encode: output buffer too small */
	MIP_ADV_ERR_INVAL = 14,       /* encode: invalid field value */
};

/** mip_adv_strerror - constant description of @e. */
const char *mip_adv_strerror(enum mip_adv_err e);

/**
 * struct mip_adv_router - one router address entry of the ICMP part.
 * @addr: router address (network byte order).
 * @preference: preference level (signed, RFC 1256).
 */
struct mip_adv_router {
	struct in_addr addr;
	int32_t preference;
};

/**
 * struct mip_adv - a decoded (or to be encoded) Agent Advertisement.
 * @code: ICMP code, MIP_ADV_CODE_ROUTER or MIP_ADV_CODE_MA_ONLY.
 * @lifetime: ICMP advertisement lifetime in seconds.
 * @num_routers: entries used in @routers.
 * @routers: router address entries.
 * @seq: mobility agent advertisement sequence number.
 * @reg_lifetime: longest registration lifetime accepted (0xffff = infinite).
 * @flags: MIP_ADV_F_* bits (decode keeps reserved bits as received; encode
 *         sends the reserved bits and r as 0).
 * @num_coa: entries used in @coa.
 * @coa: care-of addresses (network byte order).
 * @has_prefix_lens: the prefix-lengths extension is present.
 * @prefix_len: one prefix length per router entry, same order (0..32).
 * @challenge_len: challenge length, 0 when absent.
 * @challenge: FA challenge bytes (RFC 3012).
 * @npad: decode: one-byte padding extensions seen; encode: number appended.
 * @nskipped: decode: unknown skippable (128..255) extensions ignored.
 */
struct mip_adv {
	uint8_t code;
	uint16_t lifetime;
	uint8_t num_routers;
	struct mip_adv_router routers[MIP_ADV_MAX_ROUTERS];
	uint16_t seq;
	uint16_t reg_lifetime;
	uint16_t flags;
	uint8_t num_coa;
	struct in_addr coa[MIP_ADV_MAX_COA];
	bool has_prefix_lens;
	uint8_t prefix_len[MIP_ADV_MAX_ROUTERS];
	uint8_t challenge_len;
	uint8_t challenge[MIP_ADV_CHALLENGE_MAX];
	unsigned npad;
	unsigned nskipped;
};

/**
 * mip_adv_cksum - Internet checksum (RFC 1071) of @buf[0..@len).
 * @buf: data; an odd last byte is padded with a zero byte.
 * @len: length in bytes.
 * Return: the one's complement of the one's complement sum, in host order.
 * Summing a message that contains its correct checksum yields 0.
 */
uint16_t mip_adv_cksum(const uint8_t *buf, size_t len);

/**
 * mip_adv_decode - decode and validate an Agent Advertisement.
 * @buf: the ICMP message (IP header already removed).
 * @len: ICMP length (IP total length minus IP header length).
 * @out: filled on success, all zero on error.
 * Return: MIP_ADV_OK or the first error found.
 */
enum mip_adv_err mip_adv_decode(const uint8_t *buf, size_t len, struct mip_adv *out);

/**
 * mip_adv_encode - build an Agent Advertisement with a valid checksum.
 * @a: the advertisement; extensions are written in the order 16, 19 (when
 *     @a->has_prefix_lens), 24 (when @a->challenge_len), then @a->npad pads.
 * @buf: output buffer.
 * @cap: size of @buf.
 * @outlen: receives the ICMP length on success.
 * Return: MIP_ADV_OK, MIP_ADV_ERR_INVAL (bad code, too many CoAs, a prefix
 * length above 32), MIP_ADV_ERR_F_NO_COA, or MIP_ADV_ERR_NOSPACE.
 */
enum mip_adv_err mip_adv_encode(const struct mip_adv *a, uint8_t *buf, size_t cap, size_t *outlen);

/**
 * mip_adv_sol_decode - validate an Agent Solicitation.
 * @buf: the ICMP message.
 * @len: ICMP length; at least 8 (trailing bytes are covered by the
 *       checksum and otherwise ignored, as RFC 1256 requires).
 * Return: MIP_ADV_OK, TRUNCATED, TYPE, CODE or CHECKSUM.
 */
enum mip_adv_err mip_adv_sol_decode(const uint8_t *buf, size_t len);

/**
 * mip_adv_sol_encode - build an Agent Solicitation (send it with IP TTL 1).
 * @buf: output buffer.
 * @cap: size of @buf, at least MIP_ADV_SOL_LEN.
 * @outlen: receives MIP_ADV_SOL_LEN.
 * Return: MIP_ADV_OK or MIP_ADV_ERR_NOSPACE.
 */
enum mip_adv_err mip_adv_sol_encode(uint8_t *buf, size_t cap, size_t *outlen);

/**
 * mip_adv_seq_next - sequence number of the next advertisement.
 * @seq: the current sequence number.
 * Return: @seq + 1, except that 0xffff is followed by 256 (RFC 5944 agent
 * discovery, section 2), so values below 256 occur only after a reboot.
 */
uint16_t mip_adv_seq_next(uint16_t seq);

/**
 * mip_adv_seq_rebooted - did the agent reboot between two advertisements?
 * @prev: sequence number of the previous advertisement from the agent.
 * @cur: sequence number of the new one.
 * Return: true if @cur is below @prev and below 256, the RFC 5944 rule for
 * telling a reboot from a wrap; a mobile node then registers again.
 */
bool mip_adv_seq_rebooted(uint16_t prev, uint16_t cur);

#endif /* PMIP_MIP_ADV_H */
