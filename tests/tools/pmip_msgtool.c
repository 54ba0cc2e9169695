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
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mip_adv.h"
#include "mip_auth.h"
#include "mip_codes.h"
#include "mip_msg.h"

#define PROG          "pmip-msgtool"
#define EXIT_USAGE    1
#define EXIT_INVALID  2
#define DECODE_IN_MAX (4 * MIP_MSG_MAX) /* hex digits plus generous whitespace */

enum kind { K_RRQ, K_RRP, K_REV, K_ACK, K_ADV, K_SOL, K__COUNT };

#define KM(k)  (1u << (k))
#define KM_REG (KM(K_RRQ) | KM(K_RRP) | KM(K_REV) | KM(K_ACK))

static const char *const kind_names[K__COUNT] = { "rrq", "rrp", "revocation", "ack", "adv", "sol" };

enum opt_id {
	O_FLAGS,
	O_LIFETIME,
	O_HOME,
	O_HA,
	O_COA,
	O_IDENT,
	O_CODE,
	O_HDA,
	O_FDA,
	O_REVID,
	O_ICMP_LIFETIME,
	O_ROUTER,
	O_SEQ,
	O_PREFIX_LENS,
	O_PAD,
	O_CHALLENGE,
	/* Registration extensions, appended in command-line order. */
	O_NAI,
	O_EDS,
	O_CVSE,
	O_NVSE,
	O_REVSUPPORT,
	O_DYN_HA,
	O_UDP_REQ,
	O_UDP_REPLY,
	O_PMIP_NONSKIP,
	O_PMIP_SKIP,
	O_MSG_STRING,
	O_EXT,
	O_AUTH,
	O__COUNT
};

/**
 * struct opt - one encode option.
 * @name: option name without the leading "--".
 * @arg: whether it takes a value.
 * @kinds: mask of message kinds accepting it.
 * @id: enum opt_id.
 * @repeat: may be given more than once.
 */
struct opt {
	const char *name;
	bool arg;
	unsigned kinds;
	int id;
	bool repeat;
};

static const struct opt opts[] = {
	{ "flags", true, KM_REG | KM(K_ADV), O_FLAGS, false },
	{ "lifetime", true, KM(K_RRQ) | KM(K_RRP) | KM(K_ADV), O_LIFETIME, false },
	{ "home", true, KM_REG, O_HOME, false },
	{ "ha", true, KM(K_RRQ) | KM(K_RRP), O_HA, false },
	{ "coa", true, KM(K_RRQ) | KM(K_ADV), O_COA, true },
	{ "ident", true, KM(K_RRQ) | KM(K_RRP), O_IDENT, false },
	{ "code", true, KM(K_RRP) | KM(K_ADV), O_CODE, false },
	{ "hda", true, KM(K_REV), O_HDA, false },
	{ "fda", true, KM(K_REV), O_FDA, false },
	{ "revid", true, KM(K_REV) | KM(K_ACK), O_REVID, false },
	{ "icmp-lifetime", true, KM(K_ADV), O_ICMP_LIFETIME, false },
	{ "router", true, KM(K_ADV), O_ROUTER, true },
	{ "seq", true, KM(K_ADV), O_SEQ, false },
	{ "prefix-lengths", true, KM(K_ADV), O_PREFIX_LENS, false },
	{ "pad", true, KM(K_ADV), O_PAD, false },
	{ "challenge", true, KM_REG | KM(K_ADV), O_CHALLENGE, true },
	{ "nai", true, KM_REG, O_NAI, true },
	{ "eds", false, KM_REG, O_EDS, true },
	{ "cvse", true, KM_REG, O_CVSE, true },
	{ "nvse", true, KM_REG, O_NVSE, true },
	{ "revsupport", true, KM_REG, O_REVSUPPORT, true },
	{ "dyn-ha", true, KM_REG, O_DYN_HA, true },
	{ "udp-tun-req", true, KM_REG, O_UDP_REQ, true },
	{ "udp-tun-reply", true, KM_REG, O_UDP_REPLY, true },
	{ "pmip-nonskip", true, KM_REG, O_PMIP_NONSKIP, true },
	{ "pmip-skip", true, KM_REG, O_PMIP_SKIP, true },
	{ "msg-string", true, KM_REG, O_MSG_STRING, true },
	{ "ext", true, KM_REG, O_EXT, true },
	{ "auth", true, KM_REG, O_AUTH, true },
};

/* Fixed-part values of every kind, filled by the header options. */
struct hdr {
	struct mip_rrq rrq;
	struct mip_rrp rrp;
	struct mip_rev rev;
	struct mip_rev_ack ack;
	struct mip_adv adv;
	unsigned n_prefix;
};

static const char usage_text[] =
        "usage: " PROG " encode rrq|rrp|revocation|ack|adv|sol [--option value ...]\n"
        "       " PROG " decode [--verify ALG:KEYHEX] < hex\n"
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

static void __attribute__((format(printf, 1, 2), noreturn)) usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(run " PROG " --help for usage)\n");
	exit(EXIT_USAGE);
}

/* Parses an unsigned number (decimal or 0x hex) of at most @max into *@out. */
static bool
parse_num(const char *s, uint64_t max, uint64_t *out)
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

static uint64_t
num_arg(const char *opt, const char *s, uint64_t max)
{
	uint64_t v;

	if (!parse_num(s, max, &v))
		usage_error("--%s: '%s' is not a number in 0..%llu", opt, s,
		            (unsigned long long)max);
	return v;
}

static struct in_addr
addr_arg(const char *opt, const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		usage_error("--%s: '%s' is not an IPv4 address", opt, s);
	return a;
}

/* Decodes hex digits @s into @buf (capacity @cap); false on odd length, a bad digit or overflow. */
static bool
parse_hex(const char *s, uint8_t *buf, size_t cap, size_t *len)
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
static size_t
split(const char *opt, const char *arg, char *copy, size_t cap, char **field, size_t nmax)
{
	size_t n = 1;
	char *p;

	if (strlen(arg) >= cap)
		usage_error("--%s: value too long", opt);
	strcpy(copy, arg);
	field[0] = copy;
	for (p = copy; n < nmax && (p = strchr(p, ':')) != NULL; n++) {
		*p++ = '\0';
		field[n] = p;
	}
	return n;
}

static enum mip_auth_alg
alg_arg(const char *opt, const char *s)
{
	if (strcmp(s, "hmac-md5") == 0)
		return MIP_AUTH_HMAC_MD5;
	if (strcmp(s, "keyed-md5") == 0 || strcmp(s, mip_auth_alg_name(MIP_AUTH_KEYED_MD5_PS)) == 0)
		return MIP_AUTH_KEYED_MD5_PS;
	usage_error("--%s: unknown algorithm '%s' (hmac-md5 or keyed-md5)", opt, s);
}

/* Builds a key from "KEYHEX"; the argument is never echoed, it is secret. */
static struct mip_auth_key *
key_arg(const char *opt, enum mip_auth_alg alg, const char *hex)
{
	uint8_t key[MIP_AUTH_KEY_MAX];
	struct mip_auth_key *k = NULL;
	size_t len = 0;
	int err;

	if (!parse_hex(hex, key, sizeof(key), &len) || len == 0)
		usage_error("--%s: the key must be 1..%d bytes of hex", opt, MIP_AUTH_KEY_MAX);
	err = mip_auth_key_new(alg, key, len, &k);
	explicit_bzero(key, sizeof(key));
	if (err != 0)
		usage_error("--%s: cannot set up the key: %s", opt, strerror(-err));
	return k;
}

/* Applies one header option of @kind to @h. */
static void
apply_header(enum kind kind, const struct opt *o, const char *v, struct hdr *h)
{
	struct mip_adv *a = &h->adv;
	char copy[1024], *f[2];
	uint64_t n;
	int code;

	switch (o->id) {
	case O_FLAGS:
		n = num_arg(o->name, v, kind == K_RRQ ? 0xff : 0xffff);
		h->rrq.flags = (uint8_t)n;
		h->rev.flags = h->ack.flags = a->flags = (uint16_t)n;
		break;
	case O_LIFETIME:
		n = num_arg(o->name, v, 0xffff);
		h->rrq.lifetime = h->rrp.lifetime = a->reg_lifetime = (uint16_t)n;
		break;
	case O_HOME:
		h->rrq.hoa = h->rrp.hoa = h->rev.hoa = h->ack.hoa = addr_arg(o->name, v);
		break;
	case O_HA:
		h->rrq.ha = h->rrp.ha = addr_arg(o->name, v);
		break;
	case O_COA:
		if (kind == K_RRQ) {
			h->rrq.coa = addr_arg(o->name, v);
			break;
		}
		if (a->num_coa == MIP_ADV_MAX_COA)
			usage_error("--coa: at most %d care-of addresses", MIP_ADV_MAX_COA);
		a->coa[a->num_coa++] = addr_arg(o->name, v);
		break;
	case O_IDENT:
		h->rrq.id = h->rrp.id = num_arg(o->name, v, UINT64_MAX);
		break;
	case O_CODE:
		if (kind == K_ADV) {
			a->code = (uint8_t)num_arg(o->name, v, 0xff);
			break;
		}
		code = isdigit((unsigned char)v[0]) ? (int)num_arg(o->name, v, 0xff)
		                                    : mip_code_from_name(v);
		if (code < 0)
			usage_error("--code: unknown reply code name '%s'", v);
		h->rrp.code = (uint8_t)code;
		break;
	case O_HDA:
		h->rev.hda = addr_arg(o->name, v);
		break;
	case O_FDA:
		h->rev.fda = addr_arg(o->name, v);
		break;
	case O_REVID:
		h->rev.rev_id = h->ack.rev_id = (uint32_t)num_arg(o->name, v, UINT32_MAX);
		break;
	case O_ICMP_LIFETIME:
		a->lifetime = (uint16_t)num_arg(o->name, v, 0xffff);
		break;
	case O_ROUTER:
		if (a->num_routers == MIP_ADV_MAX_ROUTERS)
			usage_error("--router: at most %d routers", MIP_ADV_MAX_ROUTERS);
		if (split(o->name, v, copy, sizeof(copy), f, 2) == 2) {
			/* A preference is a signed 32-bit number; accept a leading minus. */
			bool neg = f[1][0] == '-';

			n = num_arg(o->name, f[1] + neg, neg ? 0x80000000u : 0x7fffffffu);
			a->routers[a->num_routers].preference =
			        neg ? (int32_t)(-(int64_t)n) : (int32_t)n;
		}
		a->routers[a->num_routers++].addr = addr_arg(o->name, f[0]);
		break;
	case O_SEQ:
		a->seq = (uint16_t)num_arg(o->name, v, 0xffff);
		break;
	case O_PREFIX_LENS: {
		char *tok, *save = NULL;
		size_t i = 0;

		if (strlen(v) >= sizeof(copy))
			usage_error("--prefix-lengths: value too long");
		strcpy(copy, v);
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			if (i == MIP_ADV_MAX_ROUTERS)
				usage_error("--prefix-lengths: too many values");
			a->prefix_len[i++] = (uint8_t)num_arg(o->name, tok, 32);
		}
		a->has_prefix_lens = true;
		h->n_prefix = (unsigned)i;
		break;
	}
	case O_PAD:
		a->npad = (unsigned)num_arg(o->name, v, 255);
		break;
	case O_CHALLENGE: {
		size_t len = 0;

		if (a->challenge_len != 0)
			usage_error("--challenge: given twice");
		if (!parse_hex(v, a->challenge, sizeof(a->challenge), &len) || len == 0)
			usage_error("--challenge: expected 1..%d bytes of hex",
			            MIP_ADV_CHALLENGE_MAX);
		a->challenge_len = (uint8_t)len;
		break;
	}
	default:
		break;
	}
}

/* Appends one registration extension option to @b; exits on a usage error. */
static void
apply_ext(struct mip_builder *b, const struct opt *o, const char *v)
{
	uint8_t data[MIP_MSG_MAX];
	char copy[4 * 1024], *f[4];
	size_t nf = 0, len = 0;
	uint64_t n1 = 0, n2 = 0, n3 = 0;
	int err = 0;

	/* Fields per option; the last field keeps further colons (message text, for one). */
	switch (o->id) {
	case O_CHALLENGE:
		nf = 1;
		break;
	case O_CVSE:
	case O_NVSE:
	case O_UDP_REPLY:
		nf = 3;
		break;
	case O_AUTH:
		nf = 4;
		break;
	default:
		nf = 2;
		break;
	}
	if (v != NULL && o->id != O_NAI)
		nf = split(o->name, v, copy, sizeof(copy), f, nf);
	switch (o->id) {
	case O_NAI:
		err = mip_build_nai(b, v, strlen(v));
		break;
	case O_EDS:
		err = mip_build_encap_delivery(b);
		break;
	case O_CVSE:
	case O_NVSE:
		if (nf < 2 || nf > 3)
			usage_error("--%s: expected VENDOR:TYPE[:HEX]", o->name);
		n1 = num_arg(o->name, f[0], UINT32_MAX);
		n2 = num_arg(o->name, f[1], 0xffff);
		if (nf == 3 && !parse_hex(f[2], data, sizeof(data), &len))
			usage_error("--%s: bad hex value", o->name);
		if (o->id == O_CVSE)
			err = mip_build_cvse(b, (uint32_t)n1, (uint16_t)n2, data, len);
		else
			err = mip_build_nvse(b, (uint32_t)n1, (uint16_t)n2, data, len);
		break;
	case O_REVSUPPORT:
		if (nf != 2)
			usage_error("--revsupport: expected FLAGS:TIMESTAMP");
		n1 = num_arg(o->name, f[0], 0xffff);
		n2 = num_arg(o->name, f[1], UINT32_MAX);
		err = mip_build_rev_support(b, (uint16_t)n1, (uint32_t)n2);
		break;
	case O_CHALLENGE:
		if (nf != 1 || !parse_hex(f[0], data, sizeof(data), &len) || len == 0)
			usage_error("--challenge: expected hex bytes");
		err = mip_build_ext(b, MIP_EXT_MN_FA_CHALLENGE, data, len);
		break;
	case O_DYN_HA:
		if (nf != 2)
			usage_error("--dyn-ha: expected SUBTYPE:ADDRESS");
		n1 = num_arg(o->name, f[0], 0xff);
		err = mip_build_dyn_ha(b, (uint8_t)n1, addr_arg(o->name, f[1]));
		break;
	case O_UDP_REQ:
		if (nf != 2)
			usage_error("--udp-tun-req: expected FLAGS:ENCAP");
		n1 = num_arg(o->name, f[0], 0xff);
		n2 = num_arg(o->name, f[1], 0xff);
		err = mip_build_udp_tun_req(b, (uint8_t)n1, (uint8_t)n2);
		break;
	case O_UDP_REPLY:
		if (nf != 3)
			usage_error("--udp-tun-reply: expected CODE:FLAGS:KEEPALIVE");
		n1 = num_arg(o->name, f[0], 0xff);
		n2 = num_arg(o->name, f[1], 0xffff);
		n3 = num_arg(o->name, f[2], 0xffff);
		err = mip_build_udp_tun_reply(b, (uint8_t)n1, (uint16_t)n2, (uint16_t)n3);
		break;
	case O_PMIP_NONSKIP:
	case O_PMIP_SKIP:
	case O_EXT:
		if (nf != 2)
			usage_error("--%s: expected %s:HEX", o->name,
			            o->id == O_EXT ? "TYPE" : "SUBTYPE");
		n1 = num_arg(o->name, f[0], 0xff);
		if (!parse_hex(f[1], data, sizeof(data), &len))
			usage_error("--%s: bad hex value", o->name);
		if (o->id == O_PMIP_NONSKIP)
			err = mip_build_ext_long(b, MIP_EXT_PMIP_NONSKIP, (uint8_t)n1, data, len);
		else if (o->id == O_PMIP_SKIP)
			err = mip_build_pmip_skip(b, (uint8_t)n1, data, len);
		else if (mip_ext_form_of((uint8_t)n1) != MIP_EXT_FORM_TLV)
			usage_error("--ext: type %u is not a plain type-length-value extension",
			            (unsigned)n1);
		else
			err = mip_build_ext(b, (uint8_t)n1, data, len);
		break;
	case O_MSG_STRING:
		if (nf != 2)
			usage_error("--msg-string: expected SUBTYPE:TEXT");
		n1 = num_arg(o->name, f[0], 0xff);
		err = mip_build_ext_short(b, MIP_EXT_MSG_STRING, (uint8_t)n1, f[1], strlen(f[1]));
		break;
	case O_AUTH: {
		static const struct {
			const char *name;
			uint8_t type;
		} types[] = { { "mhae", MIP_EXT_MHAE },
			      { "mfae", MIP_EXT_MFAE },
			      { "fhae", MIP_EXT_FHAE },
			      { "mn-aaa", MIP_EXT_GEN_AUTH } };
		struct mip_auth_key *k;
		size_t i;

		if (nf != 4)
			usage_error("--auth: expected TYPE:SPI:ALG:KEYHEX");
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcmp(f[0], types[i].name) == 0)
				break;
		if (i == sizeof(types) / sizeof(types[0]))
			usage_error("--auth: unknown type '%s' (mhae, mfae, fhae or mn-aaa)", f[0]);
		n1 = num_arg(o->name, f[1], UINT32_MAX);
		k = key_arg(o->name, alg_arg(o->name, f[2]), f[3]);
		err = mip_build_auth(b, types[i].type, (uint32_t)n1, k);
		mip_auth_key_free(k);
		break;
	}
	default:
		break;
	}
	explicit_bzero(copy, sizeof(copy));
	if (err != 0)
		usage_error("--%s: cannot encode: %s", o->name, strerror(-err));
}

static const struct opt *
find_opt(const char *name, size_t namelen)
{
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strlen(opts[i].name) == namelen && strncmp(opts[i].name, name, namelen) == 0)
			return &opts[i];
	return NULL;
}

static void
print_hex(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static int
cmd_encode(int argc, char **argv)
{
	static uint8_t out[MIP_MSG_MAX];
	const struct opt *ext_opt[argc > 0 ? argc : 1];
	const char *ext_val[argc > 0 ? argc : 1];
	bool seen[O__COUNT] = { false };
	struct mip_builder b;
	size_t next = 0, len = 0, i;
	struct hdr h;
	enum kind kind;
	int k, err = 0;

	if (argc < 1)
		usage_error("encode: missing message kind");
	for (k = 0; k < K__COUNT; k++)
		if (strcmp(argv[0], kind_names[k]) == 0)
			break;
	if (k == K__COUNT)
		usage_error("encode: unknown message kind '%s'", argv[0]);
	kind = (enum kind)k;
	memset(&h, 0, sizeof(h));

	/* Pass 1: header options take effect now, extension options are queued in order. */
	for (i = 1; i < (size_t)argc; i++) {
		const char *arg = argv[i], *eq, *val = NULL;
		const struct opt *o;

		if (strncmp(arg, "--", 2) != 0)
			usage_error(
			        "encode %s: argument %zu is not an option (values are not echoed, "
			        "they may hold keys)",
			        kind_names[kind], i + 2);
		eq = strchr(arg + 2, '=');
		o = find_opt(arg + 2, eq != NULL ? (size_t)(eq - arg - 2) : strlen(arg + 2));
		if (o == NULL)
			usage_error("encode %s: unknown option '%.*s'", kind_names[kind],
			            (int)(eq != NULL ? eq - arg : (ptrdiff_t)strlen(arg)), arg);
		if (!(o->kinds & KM(kind)))
			usage_error("encode %s: option --%s does not apply", kind_names[kind],
			            o->name);
		if (seen[o->id] && !o->repeat)
			usage_error("--%s: given twice", o->name);
		seen[o->id] = true;
		if (o->arg) {
			if (eq != NULL)
				val = eq + 1;
			else if (i + 1 < (size_t)argc)
				val = argv[++i];
			else
				usage_error("--%s: missing value", o->name);
		} else if (eq != NULL) {
			usage_error("--%s takes no value", o->name);
		}
		if (o->id >= O_NAI || (o->id == O_CHALLENGE && kind != K_ADV)) {
			ext_opt[next] = o;
			ext_val[next++] = val;
		} else {
			apply_header(kind, o, val, &h);
		}
	}

	if (kind == K_ADV || kind == K_SOL) {
		enum mip_adv_err e;

		if (kind == K_SOL)
			e = mip_adv_sol_encode(out, sizeof(out), &len);
		else if (h.adv.has_prefix_lens && h.n_prefix != h.adv.num_routers)
			usage_error("--prefix-lengths: %u values for %u routers", h.n_prefix,
			            (unsigned)h.adv.num_routers);
		else
			e = mip_adv_encode(&h.adv, out, sizeof(out), &len);
		if (e != MIP_ADV_OK)
			usage_error("encode %s: %s", kind_names[kind], mip_adv_strerror(e));
		print_hex(out, len);
		return 0;
	}

	mip_builder_init(&b, out, sizeof(out));
	switch (kind) {
	case K_RRQ:
		err = mip_build_rrq(&b, &h.rrq);
		break;
	case K_RRP:
		err = mip_build_rrp(&b, &h.rrp);
		break;
	case K_REV:
		err = mip_build_rev(&b, &h.rev);
		break;
	default:
		err = mip_build_rev_ack(&b, &h.ack);
		break;
	}
	if (err != 0)
		usage_error("encode %s: %s", kind_names[kind], strerror(-err));
	for (i = 0; i < next; i++)
		apply_ext(&b, ext_opt[i], ext_val[i]);
	print_hex(out, b.len);
	return 0;
}

/* Typed names of the decode errors, printed on stderr for the tests to match. */
static const char *
mip_err_name(enum mip_err e)
{
	static const char *const names[MIP_ERR__COUNT] = {
		[MIP_OK] = "MIP_OK",
		[MIP_ERR_TRUNCATED] = "MIP_ERR_TRUNCATED",
		[MIP_ERR_BAD_TYPE] = "MIP_ERR_BAD_TYPE",
		[MIP_ERR_BAD_LENGTH] = "MIP_ERR_BAD_LENGTH",
		[MIP_ERR_TOO_LONG] = "MIP_ERR_TOO_LONG",
		[MIP_ERR_TOO_MANY_EXT] = "MIP_ERR_TOO_MANY_EXT",
		[MIP_ERR_UNKNOWN_CRITICAL_EXT] = "MIP_ERR_UNKNOWN_CRITICAL_EXT",
		[MIP_ERR_BAD_EXT_BODY] = "MIP_ERR_BAD_EXT_BODY",
		[MIP_ERR_ORDER] = "MIP_ERR_ORDER",
		[MIP_ERR_NO_AUTH] = "MIP_ERR_NO_AUTH",
		[MIP_ERR_UNKNOWN_CVSE] = "MIP_ERR_UNKNOWN_CVSE",
	};

	return (unsigned)e < MIP_ERR__COUNT && names[e] != NULL ? names[e] : "MIP_ERR_UNKNOWN";
}

static const char *
mip_adv_err_name(enum mip_adv_err e)
{
	static const char *const names[] = {
		[MIP_ADV_OK] = "MIP_ADV_OK",
		[MIP_ADV_ERR_TRUNCATED] = "MIP_ADV_ERR_TRUNCATED",
		[MIP_ADV_ERR_CHECKSUM] = "MIP_ADV_ERR_CHECKSUM",
		[MIP_ADV_ERR_TYPE] = "MIP_ADV_ERR_TYPE",
		[MIP_ADV_ERR_CODE] = "MIP_ADV_ERR_CODE",
		[MIP_ADV_ERR_ENTRY_SIZE] = "MIP_ADV_ERR_ENTRY_SIZE",
		[MIP_ADV_ERR_NUM_ADDRS] = "MIP_ADV_ERR_NUM_ADDRS",
		[MIP_ADV_ERR_EXT_OVERRUN] = "MIP_ADV_ERR_EXT_OVERRUN",
		[MIP_ADV_ERR_EXT_LEN] = "MIP_ADV_ERR_EXT_LEN",
		[MIP_ADV_ERR_EXT_DUP] = "MIP_ADV_ERR_EXT_DUP",
		[MIP_ADV_ERR_NO_MA_EXT] = "MIP_ADV_ERR_NO_MA_EXT",
		[MIP_ADV_ERR_F_NO_COA] = "MIP_ADV_ERR_F_NO_COA",
		[MIP_ADV_ERR_UNKNOWN_EXT] = "MIP_ADV_ERR_UNKNOWN_EXT",
		[MIP_ADV_ERR_NOSPACE] = "MIP_ADV_ERR_NOSPACE",
		[MIP_ADV_ERR_INVAL] = "MIP_ADV_ERR_INVAL",
	};

	return (unsigned)e < sizeof(names) / sizeof(names[0]) && names[e] != NULL
	               ? names[e]
	               : "MIP_ADV_ERR_UNKNOWN";
}

/* JSON output: a key, then a value; json_sep() writes the comma between members. */
static bool json_first = true;

static void
json_key(const char *key)
{
	printf("%s\"%s\": ", json_first ? "" : ", ", key);
	json_first = false;
}

static void
json_open(char c)
{
	putchar(c);
	json_first = true;
}

static void
json_close(char c)
{
	putchar(c);
	json_first = false;
}

static void
json_elem(void)
{
	if (!json_first)
		printf(", ");
	json_first = false;
}

static void
json_num(const char *key, unsigned long long v)
{
	json_key(key);
	printf("%llu", v);
}

static void
json_bool(const char *key, bool v)
{
	json_key(key);
	printf("%s", v ? "true" : "false");
}

/* A JSON string of raw bytes: printable ASCII as is, every other byte as \u00XX (Latin-1). */
static void
json_bytes_str(const uint8_t *p, size_t n)
{
	size_t i;

	putchar('"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			printf("\\%c", p[i]);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			putchar(p[i]);
		else
			printf("\\u%04x", p[i]);
	}
	putchar('"');
}

static void
json_str(const char *key, const char *s)
{
	json_key(key);
	json_bytes_str((const uint8_t *)s, strlen(s));
}

static void
json_hex(const char *key, const uint8_t *p, size_t n)
{
	size_t i;

	json_key(key);
	putchar('"');
	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('"');
}

static void
json_addr(const char *key, struct in_addr a)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	json_str(key, s);
}

static void
print_ext(const struct mip_ext *e)
{
	json_open('{');
	json_num("type", e->type);
	json_str("name", mip_ext_type_name(e->type));
	json_num("offset", e->off);
	json_num("length", e->len);
	json_num("body_offset", e->body_off);
	json_num("body_length", e->body_len);
	json_bool("known", e->known);
	if (e->form == MIP_EXT_FORM_LONG || e->form == MIP_EXT_FORM_SHORT)
		json_num("subtype", e->subtype);
	if (!e->known) {
		json_hex("data", e->data.ptr, e->data.len);
		json_close('}');
		return;
	}
	switch (e->type) {
	case MIP_EXT_MHAE:
	case MIP_EXT_MFAE:
	case MIP_EXT_FHAE:
	case MIP_EXT_GEN_AUTH:
		json_num("spi", e->auth.spi);
		json_num("covered", e->auth.covered);
		json_hex("authenticator", e->auth.data, e->auth.len);
		break;
	case MIP_EXT_CVSE:
	case MIP_EXT_NVSE:
		json_num("vendor", e->vse.vendor);
		json_num("vendor_type", e->vse.vtype);
		json_hex("value", e->vse.value, e->vse.value_len);
		break;
	case MIP_EXT_REV_SUPPORT:
		json_num("flags", e->rev_support.flags);
		json_num("timestamp", e->rev_support.timestamp);
		break;
	case MIP_EXT_DYN_HA:
		json_addr("ha", e->dyn_ha.ha);
		break;
	case MIP_EXT_UDP_TUN_REQUEST:
		json_num("flags", e->udp_req.flags);
		json_num("encap", e->udp_req.encap);
		break;
	case MIP_EXT_UDP_TUN_REPLY:
		json_num("code", e->udp_reply.code);
		json_num("flags", e->udp_reply.flags);
		json_num("keepalive", e->udp_reply.keepalive);
		break;
	case MIP_EXT_ENCAP_DELIVERY:
		break;
	default: /* NAI, challenge, message string, PMIPv4 extensions */
		json_hex("data", e->data.ptr, e->data.len);
		break;
	}
	json_close('}');
}

static void
print_msg(const struct mip_msg *m, const struct mip_auth_key *k)
{
	size_t i;

	json_open('{');
	json_num("type", m->type);
	json_str("type_name", mip_msg_type_name(m->type));
	json_num("length", m->len);
	switch (m->type) {
	case MIP_MSG_RRQ:
		json_num("flags", m->rrq.flags);
		json_num("lifetime", m->rrq.lifetime);
		json_addr("home", m->rrq.hoa);
		json_addr("ha", m->rrq.ha);
		json_addr("coa", m->rrq.coa);
		json_key("ident");
		printf("\"0x%016llx\"", (unsigned long long)m->rrq.id);
		break;
	case MIP_MSG_RRP:
		json_num("code", m->rrp.code);
		json_str("code_name", mip_code_name(m->rrp.code));
		json_num("lifetime", m->rrp.lifetime);
		json_addr("home", m->rrp.hoa);
		json_addr("ha", m->rrp.ha);
		json_key("ident");
		printf("\"0x%016llx\"", (unsigned long long)m->rrp.id);
		break;
	case MIP_MSG_REVOCATION:
		json_num("flags", m->rev.flags);
		json_addr("home", m->rev.hoa);
		json_addr("hda", m->rev.hda);
		json_addr("fda", m->rev.fda);
		json_num("revid", m->rev.rev_id);
		break;
	default:
		json_num("flags", m->ack.flags);
		json_addr("home", m->ack.hoa);
		json_num("revid", m->ack.rev_id);
		break;
	}
	json_key("extensions");
	json_open('[');
	for (i = 0; i < m->n_ext; i++) {
		json_elem();
		print_ext(&m->ext[i]);
	}
	json_close(']');
	json_key("nai");
	if (m->nai_idx >= 0)
		json_bytes_str(m->ext[m->nai_idx].data.ptr, m->ext[m->nai_idx].data.len);
	else
		printf("null");
	json_key("auth_index");
	printf("%d", m->auth_idx);
	json_key("spi");
	if (m->auth_idx >= 0)
		printf("%lu", (unsigned long)m->ext[m->auth_idx].auth.spi);
	else
		printf("null");
	if (m->auth_idx >= 0)
		json_hex("authenticator", m->ext[m->auth_idx].auth.data,
		         m->ext[m->auth_idx].auth.len);
	else
		printf(", \"authenticator\": null");
	if (k != NULL) {
		/* The first MHAE, or else the authorization-enabling extension (an FHAE). */
		int idx = m->mhae_idx >= 0 ? m->mhae_idx : m->auth_idx;

		json_key("verify_index");
		printf("%d", idx);
		json_bool("verified", idx >= 0 && mip_msg_auth_verify(m, (size_t)idx, k));
	}
	json_close('}');
	putchar('\n');
}

static void
print_adv(const struct mip_adv *a, size_t len)
{
	unsigned i;

	json_open('{');
	json_num("type", MIP_ADV_ICMP_TYPE_ADV);
	json_str("type_name", "agent-advertisement");
	json_num("length", len);
	json_num("code", a->code);
	json_num("icmp_lifetime", a->lifetime);
	json_key("routers");
	json_open('[');
	for (i = 0; i < a->num_routers; i++) {
		json_elem();
		json_open('{');
		json_addr("addr", a->routers[i].addr);
		json_key("preference");
		printf("%ld", (long)a->routers[i].preference);
		json_close('}');
	}
	json_close(']');
	json_num("seq", a->seq);
	json_num("lifetime", a->reg_lifetime);
	json_num("flags", a->flags);
	json_key("coa");
	json_open('[');
	for (i = 0; i < a->num_coa; i++) {
		char s[INET_ADDRSTRLEN];

		json_elem();
		inet_ntop(AF_INET, &a->coa[i], s, sizeof(s));
		printf("\"%s\"", s);
	}
	json_close(']');
	json_key("prefix_lengths");
	if (a->has_prefix_lens) {
		json_open('[');
		for (i = 0; i < a->num_routers; i++) {
			json_elem();
			printf("%u", a->prefix_len[i]);
		}
		json_close(']');
	} else {
		printf("null");
	}
	if (a->challenge_len != 0)
		json_hex("challenge", a->challenge, a->challenge_len);
	else
		printf(", \"challenge\": null");
	json_num("pad", a->npad);
	json_num("skipped", a->nskipped);
	json_close('}');
	putchar('\n');
}

static void __attribute__((noreturn)) invalid_input(const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": decode: %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_INVALID);
}

/* Reads hex digits (whitespace ignored) from stdin into @buf; exits on bad input. */
static size_t
read_hex_stdin(uint8_t *buf, size_t cap)
{
	size_t n = 0, total = 0;
	int c, hi = -1;

	while ((c = getchar()) != EOF) {
		if (++total > DECODE_IN_MAX)
			invalid_input("INPUT_TOO_LONG", "more than %d input characters",
			              DECODE_IN_MAX);
		if (isspace(c))
			continue;
		if (!isxdigit(c))
			invalid_input("INPUT_NOT_HEX", "character 0x%02x is not a hex digit", c);
		c = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
		if (hi < 0) {
			hi = c;
			continue;
		}
		if (n == cap)
			invalid_input("MIP_ERR_TOO_LONG", "message longer than %zu bytes", cap);
		buf[n++] = (uint8_t)(hi << 4 | c);
		hi = -1;
	}
	if (hi >= 0)
		invalid_input("INPUT_NOT_HEX", "odd number of hex digits");
	return n;
}

static int
cmd_decode(int argc, char **argv)
{
	static uint8_t buf[MIP_MSG_MAX + 1];
	struct mip_auth_key *k = NULL;
	struct mip_err_info ei;
	static struct mip_msg m;
	static struct mip_adv a;
	enum mip_adv_err ae;
	enum mip_err e;
	size_t len;
	int i;

	for (i = 0; i < argc; i++) {
		const char *v = NULL;
		char copy[256], *f[2];

		if (strcmp(argv[i], "--verify") == 0 && i + 1 < argc)
			v = argv[++i];
		else if (strncmp(argv[i], "--verify=", 9) == 0)
			v = argv[i] + 9;
		else if (strcmp(argv[i], "--verify") == 0)
			usage_error("--verify: missing value");
		else
			usage_error("decode: unknown argument '%s'", argv[i]);
		if (k != NULL)
			usage_error("--verify: given twice");
		if (split("verify", v, copy, sizeof(copy), f, 2) != 2)
			usage_error("--verify: expected ALG:KEYHEX");
		k = key_arg("verify", alg_arg("verify", f[0]), f[1]);
		explicit_bzero(copy, sizeof(copy));
	}

	len = read_hex_stdin(buf, sizeof(buf));
	if (len > 0 && buf[0] == MIP_ADV_ICMP_TYPE_ADV) {
		ae = mip_adv_decode(buf, len, &a);
		if (ae != MIP_ADV_OK)
			invalid_input(mip_adv_err_name(ae), "%s", mip_adv_strerror(ae));
		print_adv(&a, len);
	} else if (len > 0 && buf[0] == MIP_ADV_ICMP_TYPE_SOL) {
		ae = mip_adv_sol_decode(buf, len);
		if (ae != MIP_ADV_OK)
			invalid_input(mip_adv_err_name(ae), "%s", mip_adv_strerror(ae));
		printf("{\"type\": %d, \"type_name\": \"agent-solicitation\", \"length\": %zu}\n",
		       MIP_ADV_ICMP_TYPE_SOL, len);
	} else {
		e = mip_msg_decode(buf, len, 0, &m, &ei);
		if (e != MIP_OK)
			invalid_input(mip_err_name(e),
			              "%s at offset %zu (extension type %d, index %d)",
			              mip_err_str(e), ei.offset, ei.ext_type, ei.ext_index);
		print_msg(&m, k);
	}
	mip_auth_key_free(k);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc < 2)
		usage_error("missing command (encode or decode)");
	if (strcmp(argv[1], "encode") == 0)
		return cmd_encode(argc - 2, argv + 2);
	if (strcmp(argv[1], "decode") == 0)
		return cmd_decode(argc - 2, argv + 2);
	usage_error("unknown command '%s'", argv[1]);
}
