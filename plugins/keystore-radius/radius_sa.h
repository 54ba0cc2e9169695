/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * radius_sa.h - security associations carried in RADIUS replies (Cisco spi AV-pair, 3GPP2).
 *
 * Three sources, read in this order from an Access-Accept:
 *   - Cisco-AVPair (vendor 9, type 1) "mobileip:spi#N=<ip mobile secure host clauses>";
 *   - 3GPP2-MN-HA-SPI (vendor 5535, type 57) with 3GPP2-MN-HA-Shared-Key (58,
 *     RFC 2868 salted), always HMAC-MD5;
 *   - WiMAX (vendor 24757, sub-attributes with a continuation byte):
 *     WiMAX-MN-hHA-MIP4-SPI (11) with WiMAX-MN-hHA-MIP4-Key (10), then
 *     WiMAX-RRQ-MN-HA-SPI (20) with WiMAX-RRQ-MN-HA-Key (19); keys RFC 2868
 *     salted, always HMAC-MD5. A fragmented value (continuation flag set)
 *     is counted as unusable: these values are never long enough to need it.
 * A parsed SA is a struct radius_sa_spec; the caller turns it into a struct
 * mip_sa and wipes the spec (radius_sa_spec_wipe()).
 */
#ifndef PMIP_RADIUS_SA_H
#define PMIP_RADIUS_SA_H

#include <stddef.h>
#include <stdint.h>

#include "mip_auth.h"
#include "radius_msg.h"
#include "sa.h"

#define RADIUS_VENDOR_CISCO    9
#define RADIUS_CISCO_AVPAIR    1
#define RADIUS_VENDOR_3GPP2    5535
#define RADIUS_3GPP2_MN_HA_SPI 57
#define RADIUS_3GPP2_MN_HA_KEY 58
#define RADIUS_VENDOR_WIMAX    24757
#define RADIUS_WIMAX_HHA_KEY   10    /* WiMAX-MN-hHA-MIP4-Key */
#define RADIUS_WIMAX_HHA_SPI   11    /* WiMAX-MN-hHA-MIP4-SPI */
#define RADIUS_WIMAX_RRQ_KEY   19    /* WiMAX-RRQ-MN-HA-Key */
#define RADIUS_WIMAX_RRQ_SPI   20    /* WiMAX-RRQ-MN-HA-SPI */
#define RADIUS_SA_MAX          8     /* SAs kept from one reply */
#define RADIUS_SPI_MIN         0x100 /* SPIs 0..255 are reserved (RFC 5944) */

/** enum radius_sa_origin - which attribute supplied an SA. */
enum radius_sa_origin {
	RADIUS_SA_CISCO = 1,
	RADIUS_SA_3GPP2 = 2,
	RADIUS_SA_WIMAX = 3,
};

/**
 * struct radius_sa_spec - one SA read from a reply.
 * @origin: attribute family it came from.
 * @index: the N of "spi#N" (0 for 3GPP2, 0 and 1 for the two WiMAX pairs).
 * @spi_in: SPI the mobile node uses towards us ("spi" or "inbound-spi").
 * @spi_out: SPI we use towards it ("spi" or "outbound-spi").
 * @key: key bytes; wipe with radius_sa_spec_wipe().
 * @keylen: key length, 1..MIP_AUTH_KEY_MAX.
 * @alg: algorithm.
 * @replay: replay protection.
 * @tolerance_s: timestamp tolerance in seconds.
 */
struct radius_sa_spec {
	enum radius_sa_origin origin;
	unsigned index;
	uint32_t spi_in;
	uint32_t spi_out;
	uint8_t key[MIP_AUTH_KEY_MAX];
	size_t keylen;
	enum mip_auth_alg alg;
	enum sa_replay replay;
	uint32_t tolerance_s;
};

/**
 * radius_sa_parse_avpair - parse one Cisco-AVPair value.
 * @s: the value (not NUL-terminated).
 * @len: its length.
 * @out: receives the SA on success (untouched otherwise).
 * @errmsg: receives the reason on error; it names the offending token but
 *	never a key.
 * @errlen: size of @errmsg.
 *
 * Syntax (keywords in any letter case, clauses in any order):
 *   mobileip:spi[#N]={spi SPI | inbound-spi SPI outbound-spi SPI}
 *	key {hex HEX32 | ascii STR} [algorithm {hmac-md5 | md5 [mode prefix-suffix]}]
 *	[replay timestamp [{within|window} SECONDS]]
 * SPIs are hexadecimal as in IOS (optional 0x), 100..FFFFFFFF. The default
 * algorithm is md5 prefix-suffix (the IOS default); the default replay is a
 * timestamp with MIP_REPLAY_TOLERANCE_DEFAULT seconds.
 * Return: 0, 1 when the AV-pair is not a "mobileip:spi" pair (ignore it),
 * or -EINVAL with @errmsg filled.
 */
int radius_sa_parse_avpair(const char *s, size_t len, struct radius_sa_spec *out, char *errmsg,
                           size_t errlen);

/**
 * radius_sa_from_reply - collect the SAs of a verified Access-Accept.
 * @pkt: the reply, checked and authenticated.
 * @len: its Length.
 * @req_auth: Request Authenticator (for the salted 3GPP2 key).
 * @secret: shared secret.
 * @secretlen: its length.
 * @out: receives up to @max SAs: Cisco ones first, then 3GPP2, then WiMAX.
 * @max: capacity of @out.
 * @framed: receives Framed-IP-Address, or INADDR_ANY.
 * @bad: receives the number of SA attributes that could not be used.
 * @errmsg: receives the reason of the last unusable one.
 * @errlen: size of @errmsg.
 * Return: the number of SAs stored in @out.
 */
size_t radius_sa_from_reply(const uint8_t *pkt, size_t len, const uint8_t req_auth[RADIUS_AUTH_LEN],
                            const uint8_t *secret, size_t secretlen, struct radius_sa_spec *out,
                            size_t max, struct in_addr *framed, unsigned *bad, char *errmsg,
                            size_t errlen);

/** radius_sa_spec_wipe - erase the key of @s (OPENSSL_cleanse). */
void radius_sa_spec_wipe(struct radius_sa_spec *s);

#endif /* PMIP_RADIUS_SA_H */
