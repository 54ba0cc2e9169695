/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mip_codes.h - Mobile IPv4 numbers: message and extension types, reply codes, flag bits.
 *
 * Reply codes (RFC 5944 section 3.4 and its extensions) carry a stable symbolic name used by
 * logs, YANG notifications and SNMP ("ha-mn-failed-authentication"), and a description. Names
 * are unique: the FA and HA variants of a reason are told apart by an "fa-"/"ha-" prefix.
 */
#ifndef PMIP_MIP_CODES_H
#define PMIP_MIP_CODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MIP_UDP_PORT 434

/** enum mip_msg_type - first byte of a message on UDP port 434 (IANA "Mobile IP Message Types"). */
enum mip_msg_type {
	MIP_MSG_RRQ = 1,             /* Registration Request (RFC 5944) */
	MIP_MSG_RRP = 3,             /* Registration Reply (RFC 5944) */
	MIP_MSG_TUNNEL_DATA = 4,     /* NAT traversal tunnel data (RFC 3519) */
	MIP_MSG_REVOCATION = 7,      /* Registration Revocation (RFC 3543) */
	MIP_MSG_REVOCATION_ACK = 15, /* Registration Revocation Acknowledgement (RFC 3543) */
	MIP_MSG_EXPERIMENTAL = 255,
};

/** enum mip_ext_type - registration message extension types this code base knows. */
enum mip_ext_type {
	MIP_EXT_MHAE = 32,             /* Mobile-Home Authentication (RFC 5944) */
	MIP_EXT_MFAE = 33,             /* Mobile-Foreign Authentication */
	MIP_EXT_FHAE = 34,             /* Foreign-Home Authentication */
	MIP_EXT_GEN_AUTH = 36,         /* Generalized authentication, long form (RFC 3012) */
	MIP_EXT_CVSE = 38,             /* Critical vendor/organization specific (RFC 3115) */
	MIP_EXT_UDP_TUN_REPLY = 44,    /* UDP Tunnel Reply, short form (RFC 3519) */
	MIP_EXT_PMIP_NONSKIP = 47,     /* PMIPv4 non-skippable, long form (RFC 5563) */
	MIP_EXT_ENCAP_DELIVERY = 130,  /* Encapsulating Delivery Style (RFC 3024) */
	MIP_EXT_NAI = 131,             /* Mobile Node NAI (RFC 2794) */
	MIP_EXT_MN_FA_CHALLENGE = 132, /* MN-FA Challenge (RFC 3012) */
	MIP_EXT_NVSE = 134,            /* Normal vendor/organization specific (RFC 3115) */
	MIP_EXT_REV_SUPPORT = 137,     /* Revocation Support (RFC 3543) */
	MIP_EXT_DYN_HA = 139,          /* Dynamic HA, short form (RFC 4433) */
	MIP_EXT_UDP_TUN_REQUEST = 144, /* UDP Tunnel Request, short form (RFC 3519) */
	MIP_EXT_MSG_STRING = 145,      /* Message String, short form (RFC 4917) */
	MIP_EXT_PMIP_SKIP = 147,       /* PMIPv4 skippable, short form (RFC 5563) */
	MIP_EXT_SKIP_EXPERIMENTAL = 255,
};

/* Sub-types. */
#define MIP_GEN_AUTH_MN_AAA          1 /* type 36 */
#define MIP_PMIP_NONSKIP_AUTH_METHOD 1 /* type 47: one byte, MIP_PMIP_AUTH_* */
#define MIP_PMIP_AUTH_FA_HA          1
#define MIP_PMIP_AUTH_IPSEC          2
#define MIP_PMIP_SKIP_INTERFACE_ID   1 /* type 147 */
#define MIP_PMIP_SKIP_DEVICE_ID      2 /* id type byte (1 MAC, 2 MEID, 3 IMEI, 4 ESN) + id */
#define MIP_PMIP_SKIP_SUBSCRIBER_ID  3 /* id type byte (1 IMSI) + id */
#define MIP_PMIP_SKIP_ACCESS_TECH    4 /* one byte (1 802.3, 2 802.11a/b/g, ...) */
#define MIP_DYN_HA_REQUESTED         1 /* type 139 */
#define MIP_DYN_HA_REDIRECTED        2
#define MIP_MSG_STRING_HA            1 /* type 145 */
#define MIP_MSG_STRING_FA            2

/* Registration Request flags byte (RFC 5944 section 3.3). No M and no G means IP-in-IP. */
#define MIP_RRQ_F_S 0x80 /* simultaneous bindings */
#define MIP_RRQ_F_B 0x40 /* deliver broadcasts */
#define MIP_RRQ_F_D 0x20 /* mobile node decapsulates (co-located care-of address) */
#define MIP_RRQ_F_M 0x10 /* minimal encapsulation */
#define MIP_RRQ_F_G 0x08 /* GRE */
#define MIP_RRQ_F_R 0x04 /* "r": formerly VJ compression; sent as zero */
#define MIP_RRQ_F_T 0x02 /* reverse tunnel (RFC 3024) */
#define MIP_RRQ_F_X 0x01 /* "x": sent as zero */

/* Registration Revocation flags (16 bits), Revocation Ack flags, Revocation Support flags. */
#define MIP_REV_F_A     0x8000 /* revocation: sent by the home domain (the HA) */
#define MIP_REV_F_I     0x4000 /* revocation: inform the mobile node */
#define MIP_REVACK_F_I  0x8000 /* revocation ack: the mobile node was informed */
#define MIP_REVSUPP_F_I 0x8000 /* revocation support extension: I bit */

/* UDP tunnel extension flags (RFC 3519). */
#define MIP_UDP_TUN_REQ_F_F   0x80   /* request: force UDP tunnelling */
#define MIP_UDP_TUN_REQ_F_R   0x40   /* request: registration through FA */
#define MIP_UDP_TUN_REPLY_F_F 0x8000 /* reply: forced tunnelling in use */

/* Mobility Agent Advertisement extension flags (16 bits, RFC 5944 section 2.1.1). */
#define MIP_ADV_F_R 0x8000 /* registration required */
#define MIP_ADV_F_B 0x4000 /* busy */
#define MIP_ADV_F_H 0x2000 /* home agent */
#define MIP_ADV_F_F 0x1000 /* foreign agent */
#define MIP_ADV_F_M 0x0800 /* minimal encapsulation */
#define MIP_ADV_F_G 0x0400 /* GRE */
#define MIP_ADV_F_r 0x0200 /* formerly VJ compression; sent as zero */
#define MIP_ADV_F_T 0x0100 /* reverse tunnelling (RFC 3024) */
#define MIP_ADV_F_U 0x0080 /* UDP tunnelling (RFC 3519) */
#define MIP_ADV_F_X 0x0040 /* registration revocation (RFC 3543) */
#define MIP_ADV_F_I 0x0020 /* regional registration (RFC 4857) */

/** enum mip_code - Registration Reply codes (complete IANA list as dissected by Wireshark). */
enum mip_code {
	MIP_CODE_ACCEPTED = 0,
	MIP_CODE_ACCEPTED_NO_SIMUL = 1,
	MIP_CODE_FA_UNSPECIFIED = 64,
	MIP_CODE_FA_ADMIN_PROHIBITED = 65,
	MIP_CODE_FA_NO_RESOURCES = 66,
	MIP_CODE_FA_MN_AUTH_FAILED = 67,
	MIP_CODE_FA_HA_AUTH_FAILED = 68,
	MIP_CODE_FA_LIFETIME_TOO_LONG = 69,
	MIP_CODE_FA_BAD_REQUEST = 70,
	MIP_CODE_FA_BAD_REPLY = 71,
	MIP_CODE_FA_ENCAP_UNAVAIL = 72,
	MIP_CODE_FA_VJ_UNAVAIL = 73,
	MIP_CODE_FA_RT_UNAVAIL = 74,
	MIP_CODE_FA_RT_MANDATORY = 75,
	MIP_CODE_FA_MN_TOO_DISTANT = 76,
	MIP_CODE_FA_INVALID_COA = 77,
	MIP_CODE_FA_REG_TIMEOUT = 78,
	MIP_CODE_FA_DELIVERY_STYLE = 79,
	MIP_CODE_FA_HOME_NET_UNREACH = 80,
	MIP_CODE_FA_HA_HOST_UNREACH = 81,
	MIP_CODE_FA_HA_PORT_UNREACH = 82,
	MIP_CODE_FA_HA_UNREACH = 88,
	MIP_CODE_FA_VENDOR_REASON = 89,
	MIP_CODE_FA_NONZERO_HA_REQUIRED = 90,
	MIP_CODE_FA_NONZERO_HOA_REQUIRED = 96,
	MIP_CODE_FA_MISSING_NAI = 97,
	MIP_CODE_FA_MISSING_HA = 98,
	MIP_CODE_FA_MISSING_HOA = 99,
	MIP_CODE_FA_CVSE_FROM_MN = 100,
	MIP_CODE_FA_CVSE_FROM_HA = 101,
	MIP_CODE_FA_UNKNOWN_CHALLENGE = 104,
	MIP_CODE_FA_MISSING_CHALLENGE = 105,
	MIP_CODE_FA_STALE_CHALLENGE = 106,
	MIP_CODE_FA_MISSING_KEYGEN_REPLY = 107,
	MIP_CODE_FA_MN_AAA_AUTH_FAILED = 108,
	MIP_CODE_FA_HA_WRONG_CHALLENGE = 109,
	MIP_CODE_FA_EXPERIMENTAL = 127,
	MIP_CODE_HA_UNSPECIFIED = 128,
	MIP_CODE_HA_ADMIN_PROHIBITED = 129,
	MIP_CODE_HA_NO_RESOURCES = 130,
	MIP_CODE_HA_MN_AUTH_FAILED = 131,
	MIP_CODE_HA_FA_AUTH_FAILED = 132,
	MIP_CODE_HA_ID_MISMATCH = 133,
	MIP_CODE_HA_BAD_REQUEST = 134,
	MIP_CODE_HA_TOO_MANY_BINDINGS = 135,
	MIP_CODE_HA_UNKNOWN_HA = 136,
	MIP_CODE_HA_RT_UNAVAIL = 137,
	MIP_CODE_HA_RT_MANDATORY = 138,
	MIP_CODE_HA_ENCAP_UNAVAIL = 139,
	MIP_CODE_HA_CVSE_FROM_MN = 140,
	MIP_CODE_HA_CVSE_FROM_FA = 141,
	MIP_CODE_HA_UDP_ENCAP_UNAVAIL = 142,
	MIP_CODE_HA_REDIRECTED_HA = 143,
	MIP_CODE_HA_MN_AAA_AUTH_FAILED = 144,
	MIP_CODE_HA_PMIP_UNSUPPORTED = 149,
	MIP_CODE_HA_PMIP_DISALLOWED = 150,
	MIP_CODE_HA_EXPERIMENTAL = 192,
};

/**
 * struct mip_code_info - one row of the reply code catalogue.
 * @code: numeric code.
 * @name: stable symbolic name (lower case, hyphenated, unique).
 * @descr: human readable description.
 */
struct mip_code_info {
	uint8_t code;
	const char *name;
	const char *descr;
};

/**
 * mip_code_table - the whole reply code catalogue, sorted by code.
 * @n: receives the number of rows.
 *
 * Return: the first row of a static array.
 */
const struct mip_code_info *mip_code_table(size_t *n);

/**
 * mip_code_lookup - catalogue row of @code.
 * @code: reply code.
 *
 * Return: the row, or NULL if @code is not assigned.
 */
const struct mip_code_info *mip_code_lookup(unsigned code);

/**
 * mip_code_name - symbolic name of @code.
 * @code: reply code.
 *
 * Return: the name, or "unknown" if @code is not assigned. Never NULL.
 */
const char *mip_code_name(unsigned code);

/**
 * mip_code_descr - description of @code.
 * @code: reply code.
 *
 * Return: the description, or "unknown reply code". Never NULL.
 */
const char *mip_code_descr(unsigned code);

/**
 * mip_code_from_name - parse a symbolic name.
 * @name: name as returned by mip_code_name().
 *
 * Return: the code (0..255), or -1 if @name is unknown or NULL.
 */
int mip_code_from_name(const char *name);

/**
 * mip_code_is_success - whether @code reports an accepted registration (0 or 1).
 * @code: reply code.
 */
bool mip_code_is_success(unsigned code);

/**
 * mip_msg_type_name - name of a message type ("registration-request").
 * @type: first byte of the message.
 *
 * Return: the name, or "unknown". Never NULL.
 */
const char *mip_msg_type_name(unsigned type);

/**
 * mip_ext_type_name - name of a registration extension type ("mn-ha-auth").
 * @type: extension type byte.
 *
 * Return: the name, or "unknown". Never NULL.
 */
const char *mip_ext_type_name(unsigned type);

#endif /* PMIP_MIP_CODES_H */
