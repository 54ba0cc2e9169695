/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pmip_msgtool.c - encode and decode Mobile IPv4 messages from the command line.
 *
 * DOC: pmip-msgtool exposes libpmipcore's codecs (mip_msg.h, mip_adv.h, mip_auth.h) to the
 * Python wire tests, which compare its output with an independent Python encoder and with
 * tshark. "encode KIND [--option value ...]" prints one message as hex; extension options are
 * appended in command-line order, so "--auth" covers exactly the options given before it.
 * "decode [--verify ALG:KEYHEX]" reads hex on stdin and prints one JSON object.
 *
 * Exit status: 0 success, 1 usage error, 2 invalid input to decode (the typed error name, such
 * as MIP_ERR_BAD_LENGTH, is printed on stderr). Key bytes are never printed.
 *
 * Files: pmip_msgtool.c (main, usage, the argument parsers both commands share),
 * msgtool_encode.c (the encode options and builders), msgtool_decode.c (decode and its JSON
 * printer), msgtool.h (what they share).
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mip_auth.h"
#include "msgtool.h"

static const char usage_text[] =
        "usage: " MSGTOOL_PROG " encode rrq|rrp|revocation|ack|adv|sol [--option value ...]\n"
        "       " MSGTOOL_PROG " decode [--verify ALG:KEYHEX] < hex\n"
        "\n"
        "header options (numbers are decimal or 0x hex):\n"
        "  rrq:        --flags N (8 bit) --lifetime N --home A --ha A --coa A --ident N (64 bit)\n"
        "  rrp:        --code N|NAME --lifetime N --home A --ha A --ident N\n"
        "  revocation: --flags N (16 bit: A 0x8000, I 0x4000) --home A --hda A --fda A --revid N\n"
        "  ack:        --flags N (16 bit: I 0x8000) --home A --revid N\n"
        "  adv:        --code 0|16 --icmp-lifetime N --router A[:PREF] ... --seq N --lifetime N\n"
        "              --flags N (16 bit) --coa A ... --prefix-lengths L[,L...] --challenge HEX\n"
        "              --pad N\n"
        "  sol:        no options\n"
        "registration extensions, appended in the order given:\n"
        "  --nai STRING  --eds  --cvse VENDOR:TYPE[:HEX]  --nvse VENDOR:TYPE[:HEX]\n"
        "  --revsupport FLAGS:TIMESTAMP  --challenge HEX  --dyn-ha SUBTYPE:A\n"
        "  --udp-tun-req FLAGS:ENCAP  --udp-tun-reply CODE:FLAGS:KEEPALIVE\n"
        "  --pmip-nonskip SUBTYPE:HEX  --pmip-skip SUBTYPE:HEX  --msg-string SUBTYPE:TEXT\n"
        "  --ext TYPE:HEX (plain type-length-value)\n"
        "  --auth mhae|mfae|fhae|mn-aaa:SPI:hmac-md5|keyed-md5:KEYHEX\n";

void
msgtool_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, MSGTOOL_PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(run " MSGTOOL_PROG " --help for usage)\n");
	exit(MSGTOOL_EXIT_USAGE);
}

/* Parses an unsigned number (decimal or 0x hex) of at most @max into *@out. */
bool
msgtool_parse_num(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*out = v;
	return true;
}

uint64_t
msgtool_num_arg(const char *opt, const char *s, uint64_t max)
{
	uint64_t v;

	if (!msgtool_parse_num(s, max, &v))
		msgtool_usage_error("--%s: '%s' is not a number in 0..%llu", opt, s,
		                    (unsigned long long)max);
	return v;
}

struct in_addr
msgtool_addr_arg(const char *opt, const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		msgtool_usage_error("--%s: '%s' is not an IPv4 address", opt, s);
	return a;
}

/* Decodes hex digits @s into @buf (capacity @cap); false on odd length, a bad digit or overflow. */
bool
msgtool_parse_hex(const char *s, uint8_t *buf, size_t cap, size_t *len)
{
	size_t n = strlen(s), i;

	if (n % 2 != 0 || n / 2 > cap)
		return false;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	for (i = 0; i < n / 2; i++) {
		char byte[3] = { s[2 * i], s[2 * i + 1], '\0' };

		buf[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	*len = n / 2;
	return true;
}

/*
 * Splits @arg at its first @nmax - 1 colons into @field (pointers into @copy, a buffer of
 * @cap bytes); the last field keeps any further colons. Returns the number of fields.
 */
size_t
msgtool_split(const char *opt, const char *arg, char *copy, size_t cap, char **field, size_t nmax)
{
	size_t n = 1;
	char *p;

	if (strlen(arg) >= cap)
		msgtool_usage_error("--%s: value too long", opt);
	strcpy(copy, arg);
	field[0] = copy;
	for (p = copy; n < nmax && (p = strchr(p, ':')) != NULL; n++) {
		*p++ = '\0';
		field[n] = p;
	}
	return n;
}

enum mip_auth_alg
msgtool_alg_arg(const char *opt, const char *s)
{
	if (strcmp(s, "hmac-md5") == 0)
		return MIP_AUTH_HMAC_MD5;
	if (strcmp(s, "keyed-md5") == 0 || strcmp(s, mip_auth_alg_name(MIP_AUTH_KEYED_MD5_PS)) == 0)
		return MIP_AUTH_KEYED_MD5_PS;
	msgtool_usage_error("--%s: unknown algorithm '%s' (hmac-md5 or keyed-md5)", opt, s);
}

/* Builds a key from "KEYHEX"; the argument is never echoed, it is secret. */
struct mip_auth_key *
msgtool_key_arg(const char *opt, enum mip_auth_alg alg, const char *hex)
{
	uint8_t key[MIP_AUTH_KEY_MAX];
	struct mip_auth_key *k = NULL;
	size_t len = 0;
	int err;

	if (!msgtool_parse_hex(hex, key, sizeof(key), &len) || len == 0)
		msgtool_usage_error("--%s: the key must be 1..%d bytes of hex", opt,
		                    MIP_AUTH_KEY_MAX);
	err = mip_auth_key_new(alg, key, len, &k);
	explicit_bzero(key, sizeof(key));
	if (err != 0)
		msgtool_usage_error("--%s: cannot set up the key: %s", opt, strerror(-err));
	return k;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc < 2)
		msgtool_usage_error("missing command (encode or decode)");
	if (strcmp(argv[1], "encode") == 0)
		return msgtool_encode(argc - 2, argv + 2);
	if (strcmp(argv[1], "decode") == 0)
		return msgtool_decode(argc - 2, argv + 2);
	msgtool_usage_error("unknown command '%s'", argv[1]);
}
