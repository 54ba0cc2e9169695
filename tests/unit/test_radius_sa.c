/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_radius_sa.c - SAs from RADIUS: the Cisco spi AV-pair grammar, the 3GPP2 and WiMAX pairs.
 *
 * The parser is compiled into this test from the plugin's sources. The
 * salted 3GPP2 key is encrypted here with OpenSSL's one-shot MD5 following
 * RFC 2868 section 3.5, independently of the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "../../plugins/keystore-radius/radius_msg.c"
#include "../../plugins/keystore-radius/radius_sa.c"

#define HEXKEY "00112233445566778899aabbccddeeff"
static const uint8_t hexkey[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	                            0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

static int
parse(const char *s, struct radius_sa_spec *sp, char *err, size_t errlen)
{
	memset(sp, 0, sizeof(*sp));
	err[0] = '\0';
	return radius_sa_parse_avpair(s, strlen(s), sp, err, errlen);
}

static void
test_hmac_md5_hex_window(void **state)
{
	struct radius_sa_spec sp;
	char err[128];

	assert_int_equal(parse("mobileip:spi#0=spi 100 key hex " HEXKEY
	                       " algorithm hmac-md5 replay timestamp window 255",
	                       &sp, err, sizeof(err)),
	                 0);
	assert_int_equal(sp.origin, RADIUS_SA_CISCO);
	assert_int_equal(sp.index, 0);
	assert_int_equal(sp.spi_in, 0x100); /* IOS SPIs are hexadecimal */
	assert_int_equal(sp.spi_out, 0x100);
	assert_int_equal(sp.keylen, 16);
	assert_memory_equal(sp.key, hexkey, 16);
	assert_int_equal(sp.alg, MIP_AUTH_HMAC_MD5);
	assert_int_equal(sp.replay, SA_REPLAY_TIMESTAMP);
	assert_int_equal(sp.tolerance_s, 255);
}

static void
test_md5_prefix_suffix_any_order_any_case(void **state)
{
	struct radius_sa_spec sp;
	char err[128];

	assert_int_equal(parse("MobileIP:SPI#3=REPLAY Timestamp WITHIN 9 Mode Prefix-Suffix "
	                       "Algorithm MD5 Key ASCII s3cr3t SPI 0x1A2B",
	                       &sp, err, sizeof(err)),
	                 0);
	assert_int_equal(sp.index, 3);
	assert_int_equal(sp.spi_in, 0x1a2b);
	assert_int_equal(sp.alg, MIP_AUTH_KEYED_MD5_PS);
	assert_int_equal(sp.keylen, 6);
	assert_memory_equal(sp.key, "s3cr3t", 6);
	assert_int_equal(sp.tolerance_s, 9);
}

static void
test_defaults_and_inbound_outbound(void **state)
{
	struct radius_sa_spec sp;
	char err[128];

	assert_int_equal(parse("mobileip:spi=inbound-spi 1000 outbound-spi 2000 key hex " HEXKEY,
	                       &sp, err, sizeof(err)),
	                 0);
	assert_int_equal(sp.spi_in, 0x1000);
	assert_int_equal(sp.spi_out, 0x2000);
	/* IOS defaults: md5 prefix-suffix, timestamp replay with the default tolerance. */
	assert_int_equal(sp.alg, MIP_AUTH_KEYED_MD5_PS);
	assert_int_equal(sp.replay, SA_REPLAY_TIMESTAMP);
	assert_int_equal(sp.tolerance_s, MIP_REPLAY_TOLERANCE_DEFAULT);
	/* md5 without an explicit mode is prefix-suffix too. */
	assert_int_equal(parse("mobileip:spi#1=spi 101 key hex " HEXKEY " algorithm md5", &sp, err,
	                       sizeof(err)),
	                 0);
	assert_int_equal(sp.alg, MIP_AUTH_KEYED_MD5_PS);
}

static void
test_not_ours(void **state)
{
	struct radius_sa_spec sp;
	char err[128];

	assert_int_equal(parse("shell:priv-lvl=15", &sp, err, sizeof(err)), 1);
	assert_int_equal(parse("mobileip:spidey", &sp, err, sizeof(err)), 1);
}

/* Each case must fail, and the message must contain @needle and never the key. */
static void
expect_error(const char *s, const char *needle)
{
	struct radius_sa_spec sp;
	char err[128];

	assert_int_equal(parse(s, &sp, err, sizeof(err)), -EINVAL);
	if (strstr(err, needle) == NULL)
		fail_msg("\"%s\": error \"%s\" lacks \"%s\"", s, err, needle);
	assert_null(strstr(err, HEXKEY));
	assert_null(strstr(err, "s3cr3t"));
	assert_null(strstr(err, "tail"));
}

static void
test_errors(void **state)
{
	expect_error("mobileip:spi#0=spi 100 flavour vanilla key hex " HEXKEY,
	             "unknown token \"flavour\"");
	expect_error("mobileip:spi#0=spi 100 key hex 00112233445566778899aabbccddeef", "32");
	expect_error("mobileip:spi#0=spi 100 key hex 00112233445566778899aabbccddeeff0", "32");
	expect_error("mobileip:spi#0=spi 100 key hex 00112233445566778899aabbccddeefg", "32");
	expect_error("mobileip:spi#0=spi 100 key base64 abc", "unknown key format \"base64\"");
	expect_error("mobileip:spi#0=spi 100 key ascii s3cr3t tail", "after the key");
	expect_error("mobileip:spi#0=spi 100 spi 200 key hex " HEXKEY, "duplicate clause");
	expect_error("mobileip:spi#0=key hex " HEXKEY, "missing \"spi\"");
	expect_error("mobileip:spi#0=inbound-spi 100 key hex " HEXKEY, "missing \"spi\"");
	expect_error("mobileip:spi#0=spi 100 inbound-spi 101 outbound-spi 102 key hex " HEXKEY,
	             "conflicts");
	expect_error("mobileip:spi#0=spi 100", "missing \"key\"");
	expect_error("mobileip:spi#0=spi ff key hex " HEXKEY, "bad SPI");
	expect_error("mobileip:spi#0=spi 100000000 key hex " HEXKEY, "bad SPI");
	expect_error("mobileip:spi#0=spi 10z key hex " HEXKEY, "bad SPI");
	expect_error("mobileip:spi#0=spi 100 key hex " HEXKEY " algorithm sha1",
	             "unknown algorithm \"sha1\"");
	expect_error("mobileip:spi#0=spi 100 key hex " HEXKEY " algorithm hmac-md5 mode "
	             "prefix-suffix",
	             "needs algorithm md5");
	expect_error("mobileip:spi#0=spi 100 key hex " HEXKEY " mode suffix",
	             "unknown mode \"suffix\"");
	expect_error("mobileip:spi#0=spi 100 key hex " HEXKEY " replay nonce",
	             "unknown replay method \"nonce\"");
	expect_error("mobileip:spi#0=spi 100 key hex " HEXKEY " replay timestamp within 0",
	             "bad seconds");
	expect_error("mobileip:spi#0=spi 100 key hex " HEXKEY " replay timestamp window",
	             "bad seconds");
	expect_error("mobileip:spi#0=spi 100 key", "missing value after \"key\"");
	expect_error("mobileip:spi#0=spi 100 key hex", "missing key value");
	expect_error("mobileip:spi#x=spi 100 key hex " HEXKEY, "prefix");
}

static void
test_embedded_nul_refused(void **state)
{
	static const char s[] = "mobileip:spi#0=spi 100\0 key hex " HEXKEY;
	struct radius_sa_spec sp;
	char err[128];

	assert_int_equal(radius_sa_parse_avpair(s, sizeof(s) - 1, &sp, err, sizeof(err)), -EINVAL);
}

/* --- whole replies --- */

static const uint8_t secret[] = "testing123";
static const uint8_t req_auth[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static size_t
t_attr(uint8_t *pkt, size_t off, uint8_t type, const void *val, size_t len)
{
	pkt[off] = type;
	pkt[off + 1] = (uint8_t)(len + 2);
	memcpy(pkt + off + 2, val, len);
	return off + 2 + len;
}

static size_t
t_vsa(uint8_t *pkt, size_t off, uint32_t vendor, uint8_t vtype, const void *val, size_t len)
{
	uint8_t v[253];

	v[0] = (uint8_t)(vendor >> 24);
	v[1] = (uint8_t)(vendor >> 16);
	v[2] = (uint8_t)(vendor >> 8);
	v[3] = (uint8_t)vendor;
	v[4] = vtype;
	v[5] = (uint8_t)(len + 2);
	memcpy(v + 6, val, len);
	return t_attr(pkt, off, 26, v, len + 6);
}

static size_t
t_cisco(uint8_t *pkt, size_t off, const char *s)
{
	return t_vsa(pkt, off, 9, 1, s, strlen(s));
}

/* RFC 2868 salted encryption of @key, one or two blocks. */
static size_t
t_salted(uint8_t *out, const uint8_t *key, size_t keylen)
{
	uint8_t p[32] = { 0 }, b[16], in[64];
	size_t n = (keylen + 1 + 15) / 16 * 16;

	p[0] = (uint8_t)keylen;
	memcpy(p + 1, key, keylen);
	out[0] = 0x81;
	out[1] = 0x02;
	for (size_t i = 0; i < n; i += 16) {
		size_t m = sizeof(secret) - 1;

		memcpy(in, secret, m);
		if (i == 0) {
			memcpy(in + m, req_auth, 16);
			memcpy(in + m + 16, out, 2);
			m += 18;
		} else {
			memcpy(in + m, out + 2 + i - 16, 16);
			m += 16;
		}
		assert_int_equal(EVP_Digest(in, m, b, NULL, EVP_md5(), NULL), 1);
		for (size_t j = 0; j < 16; j++)
			out[2 + i + j] = p[i + j] ^ b[j];
	}
	return 2 + n;
}

static void
test_from_reply_cisco_and_3gpp2(void **state)
{
	static const uint8_t mnkey[16] = "abcdefghijklmnop";
	uint8_t pkt[1024] = { 2, 9 }, enc[64], spi[4] = { 0, 0, 0x12, 0x34 };
	struct radius_sa_spec sp[RADIUS_SA_MAX];
	struct in_addr framed, want;
	char err[128] = "";
	unsigned bad = 99;
	size_t len = 20, n, elen;

	inet_pton(AF_INET, "192.0.2.10", &want);
	len = t_attr(pkt, len, 8, &want, 4);
	len = t_vsa(pkt, len, 5535, 57, spi, 4);
	elen = t_salted(enc, mnkey, sizeof(mnkey));
	len = t_vsa(pkt, len, 5535, 58, enc, elen);
	len = t_cisco(pkt, len, "shell:priv-lvl=15");
	len = t_cisco(pkt, len,
	              "mobileip:spi#0=spi 100 key hex " HEXKEY " algorithm hmac-md5 replay "
	              "timestamp window 5");
	len = t_cisco(pkt, len, "mobileip:spi#1=spi 200 key hex 0011 algorithm md5");
	len = t_cisco(pkt, len,
	              "mobileip:spi#2=spi 300 key ascii abc algorithm md5 mode "
	              "prefix-suffix");
	pkt[2] = (uint8_t)(len >> 8);
	pkt[3] = (uint8_t)len;
	assert_int_equal(radius_msg_check(pkt, len), (int)len);

	n = radius_sa_from_reply(pkt, len, req_auth, secret, sizeof(secret) - 1, sp, RADIUS_SA_MAX,
	                         &framed, &bad, err, sizeof(err));
	assert_int_equal(n, 3);
	assert_int_equal(bad, 1); /* the short hex key */
	assert_non_null(strstr(err, "32"));
	assert_int_equal(framed.s_addr, want.s_addr);
	/* Cisco SAs first, in order, then the 3GPP2 one. */
	assert_int_equal(sp[0].spi_in, 0x100);
	assert_int_equal(sp[0].alg, MIP_AUTH_HMAC_MD5);
	assert_int_equal(sp[0].tolerance_s, 5);
	assert_int_equal(sp[1].spi_in, 0x300);
	assert_int_equal(sp[1].alg, MIP_AUTH_KEYED_MD5_PS);
	assert_memory_equal(sp[1].key, "abc", 3);
	assert_int_equal(sp[2].origin, RADIUS_SA_3GPP2);
	assert_int_equal(sp[2].spi_in, 0x1234);
	assert_int_equal(sp[2].alg, MIP_AUTH_HMAC_MD5);
	assert_int_equal(sp[2].keylen, 16);
	assert_memory_equal(sp[2].key, mnkey, 16);
	for (size_t i = 0; i < n; i++) {
		radius_sa_spec_wipe(&sp[i]);
		assert_int_equal(sp[i].keylen, 0);
	}
}

static void
test_from_reply_3gpp2_incomplete(void **state)
{
	uint8_t pkt[256] = { 2, 9 }, spi[4] = { 0, 0, 0x12, 0x34 };
	struct radius_sa_spec sp[RADIUS_SA_MAX];
	struct in_addr framed;
	char err[128] = "";
	unsigned bad = 0;
	size_t len = 20;

	len = t_vsa(pkt, len, 5535, 57, spi, 4);
	pkt[2] = 0;
	pkt[3] = (uint8_t)len;
	assert_int_equal(radius_sa_from_reply(pkt, len, req_auth, secret, sizeof(secret) - 1, sp,
	                                      RADIUS_SA_MAX, &framed, &bad, err, sizeof(err)),
	                 0);
	assert_int_equal(bad, 1);
	assert_int_equal(framed.s_addr, INADDR_ANY);
}

/* A WiMAX VSA (vendor 24757): type, length, continuation byte @cont, value. */
static size_t
t_wimax(uint8_t *pkt, size_t off, uint8_t vtype, uint8_t cont, const void *val, size_t len)
{
	uint8_t v[253];

	v[0] = cont;
	memcpy(v + 1, val, len);
	return t_vsa(pkt, off, 24757, vtype, v, len + 1);
}

static void
test_from_reply_wimax_pairs(void **state)
{
	static const uint8_t hkey[20] = "wimax-hha-mip4-key-2";
	static const uint8_t rkey[16] = "wimax-rrq-key-16";
	static const uint8_t gkey[16] = "3gpp2-key-16byte";
	uint8_t pkt[1024] = { 2, 9 }, enc[64];
	uint8_t hspi[4] = { 0, 0, 0x12, 0x34 }, rspi[4] = { 0, 0, 0x12, 0x35 };
	uint8_t gspi[4] = { 0, 0, 0x03, 0xe8 };
	struct radius_sa_spec sp[RADIUS_SA_MAX];
	struct in_addr framed;
	char err[128] = "";
	unsigned bad = 99;
	size_t len = 20, n;

	/* WiMAX attributes before the 3GPP2 ones: the order of SAs does not follow them. */
	len = t_wimax(pkt, len, 20, 0, rspi, 4);
	len = t_wimax(pkt, len, 19, 0, enc, t_salted(enc, rkey, sizeof(rkey)));
	len = t_wimax(pkt, len, 10, 0, enc, t_salted(enc, hkey, sizeof(hkey)));
	len = t_wimax(pkt, len, 11, 0, hspi, 4);
	len = t_vsa(pkt, len, 5535, 57, gspi, 4);
	len = t_vsa(pkt, len, 5535, 58, enc, t_salted(enc, gkey, sizeof(gkey)));
	pkt[2] = (uint8_t)(len >> 8);
	pkt[3] = (uint8_t)len;
	assert_int_equal(radius_msg_check(pkt, len), (int)len);
	n = radius_sa_from_reply(pkt, len, req_auth, secret, sizeof(secret) - 1, sp, RADIUS_SA_MAX,
	                         &framed, &bad, err, sizeof(err));
	assert_int_equal(bad, 0);
	assert_int_equal(n, 3);
	/* 3GPP2, then WiMAX MN-hHA-MIP4, then WiMAX RRQ-MN-HA. */
	assert_int_equal(sp[0].origin, RADIUS_SA_3GPP2);
	assert_int_equal(sp[0].spi_in, 1000);
	assert_memory_equal(sp[0].key, gkey, 16);
	assert_int_equal(sp[1].origin, RADIUS_SA_WIMAX);
	assert_int_equal(sp[1].index, 0);
	assert_int_equal(sp[1].spi_in, 0x1234);
	assert_int_equal(sp[1].keylen, 20);
	assert_memory_equal(sp[1].key, hkey, 20);
	assert_int_equal(sp[1].alg, MIP_AUTH_HMAC_MD5);
	assert_int_equal(sp[1].replay, SA_REPLAY_TIMESTAMP);
	assert_int_equal(sp[2].origin, RADIUS_SA_WIMAX);
	assert_int_equal(sp[2].index, 1);
	assert_int_equal(sp[2].spi_in, 0x1235);
	assert_int_equal(sp[2].spi_out, 0x1235);
	assert_int_equal(sp[2].keylen, 16);
	assert_memory_equal(sp[2].key, rkey, 16);
	for (size_t i = 0; i < n; i++)
		radius_sa_spec_wipe(&sp[i]);
}

static void
test_from_reply_wimax_unusable(void **state)
{
	static const uint8_t hkey[16] = "wimax-hha-key-16";
	uint8_t pkt[1024] = { 2, 9 }, enc[64];
	uint8_t hspi[4] = { 0, 0, 0x12, 0x34 }, lowspi[4] = { 0, 0, 0, 0xff };
	struct radius_sa_spec sp[RADIUS_SA_MAX];
	struct in_addr framed;
	char err[128] = "";
	unsigned bad = 0;
	size_t len = 20, n;

	/* hHA: key fragmented (continuation flag set) -> unusable, counted once. */
	len = t_wimax(pkt, len, 11, 0, hspi, 4);
	len = t_wimax(pkt, len, 10, 0x80, enc, t_salted(enc, hkey, sizeof(hkey)));
	/* RRQ: a reserved SPI (255) with a good key -> unusable. */
	len = t_wimax(pkt, len, 20, 0, lowspi, 4);
	len = t_wimax(pkt, len, 19, 0, enc, t_salted(enc, hkey, sizeof(hkey)));
	/* An empty WiMAX value (no continuation byte) is refused without an over-read. */
	len = t_vsa(pkt, len, 24757, 11, "", 0);
	pkt[2] = (uint8_t)(len >> 8);
	pkt[3] = (uint8_t)len;
	assert_int_equal(radius_msg_check(pkt, len), (int)len);
	n = radius_sa_from_reply(pkt, len, req_auth, secret, sizeof(secret) - 1, sp, RADIUS_SA_MAX,
	                         &framed, &bad, err, sizeof(err));
	assert_int_equal(n, 0);
	assert_int_equal(bad, 3);
	assert_null(strstr(err, "wimax-hha")); /* no key text in messages */

	/* The SPI alone: "must come together". */
	len = t_wimax(pkt, 20, 11, 0, hspi, 4);
	pkt[2] = (uint8_t)(len >> 8);
	pkt[3] = (uint8_t)len;
	n = radius_sa_from_reply(pkt, len, req_auth, secret, sizeof(secret) - 1, sp, RADIUS_SA_MAX,
	                         &framed, &bad, err, sizeof(err));
	assert_int_equal(n, 0);
	assert_int_equal(bad, 1);
	assert_non_null(strstr(err, "WiMAX MN-hHA-MIP4"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_md5_hex_window),
		cmocka_unit_test(test_md5_prefix_suffix_any_order_any_case),
		cmocka_unit_test(test_defaults_and_inbound_outbound),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_embedded_nul_refused),
		cmocka_unit_test(test_from_reply_cisco_and_3gpp2),
		cmocka_unit_test(test_from_reply_3gpp2_incomplete),
		cmocka_unit_test(test_from_reply_wimax_pairs),
		cmocka_unit_test(test_from_reply_wimax_unusable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
