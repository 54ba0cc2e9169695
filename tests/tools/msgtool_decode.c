/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msgtool_decode.c - "pmip-msgtool decode": hex on stdin to one JSON object on stdout.
 *
 * The first byte chooses the codec: an ICMP router advertisement or solicitation goes to
 * mip_adv_decode(), anything else to mip_msg_decode(). With --verify ALG:KEYHEX the
 * authenticators of a registration message are checked with that key and the result printed.
 * Invalid input exits with status 2 and the typed error name (MIP_ERR_..., MIP_ADV_ERR_...,
 * INPUT_...) on stderr. Key bytes are never printed.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "mip_adv.h"
#include "mip_auth.h"
#include "mip_codes.h"
#include "mip_msg.h"
#include "msgtool.h"

#define DECODE_IN_MAX (4 * MIP_MSG_MAX) /* hex digits plus generous whitespace */

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

	fprintf(stderr, MSGTOOL_PROG ": decode: %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(MSGTOOL_EXIT_INVALID);
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

int
msgtool_decode(int argc, char **argv)
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
			msgtool_usage_error("--verify: missing value");
		else
			msgtool_usage_error("decode: unknown argument '%s'", argv[i]);
		if (k != NULL)
			msgtool_usage_error("--verify: given twice");
		if (msgtool_split("verify", v, copy, sizeof(copy), f, 2) != 2)
			msgtool_usage_error("--verify: expected ALG:KEYHEX");
		k = msgtool_key_arg("verify", msgtool_alg_arg("verify", f[0]), f[1]);
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
