/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msgtool_encode.c - "pmip-msgtool encode": one message from command-line options.
 *
 * The option table says which message kinds take each option. Header options fill the fixed
 * part (struct hdr) as they come; extension options are queued and appended in command-line
 * order after the fixed part is built, so "--auth" covers exactly the extensions before it.
 * Advertisements and solicitations go through mip_adv_encode(), registration messages through
 * the mip_build_*() builders of mip_msg.h. Values are never echoed: they may hold keys.
 */
#include <ctype.h>
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
		n = msgtool_num_arg(o->name, v, kind == K_RRQ ? 0xff : 0xffff);
		h->rrq.flags = (uint8_t)n;
		h->rev.flags = h->ack.flags = a->flags = (uint16_t)n;
		break;
	case O_LIFETIME:
		n = msgtool_num_arg(o->name, v, 0xffff);
		h->rrq.lifetime = h->rrp.lifetime = a->reg_lifetime = (uint16_t)n;
		break;
	case O_HOME:
		h->rrq.hoa = h->rrp.hoa = h->rev.hoa = h->ack.hoa = msgtool_addr_arg(o->name, v);
		break;
	case O_HA:
		h->rrq.ha = h->rrp.ha = msgtool_addr_arg(o->name, v);
		break;
	case O_COA:
		if (kind == K_RRQ) {
			h->rrq.coa = msgtool_addr_arg(o->name, v);
			break;
		}
		if (a->num_coa == MIP_ADV_MAX_COA)
			msgtool_usage_error("--coa: at most %d care-of addresses", MIP_ADV_MAX_COA);
		a->coa[a->num_coa++] = msgtool_addr_arg(o->name, v);
		break;
	case O_IDENT:
		h->rrq.id = h->rrp.id = msgtool_num_arg(o->name, v, UINT64_MAX);
		break;
	case O_CODE:
		if (kind == K_ADV) {
			a->code = (uint8_t)msgtool_num_arg(o->name, v, 0xff);
			break;
		}
		code = isdigit((unsigned char)v[0]) ? (int)msgtool_num_arg(o->name, v, 0xff)
		                                    : mip_code_from_name(v);
		if (code < 0)
			msgtool_usage_error("--code: unknown reply code name '%s'", v);
		h->rrp.code = (uint8_t)code;
		break;
	case O_HDA:
		h->rev.hda = msgtool_addr_arg(o->name, v);
		break;
	case O_FDA:
		h->rev.fda = msgtool_addr_arg(o->name, v);
		break;
	case O_REVID:
		h->rev.rev_id = h->ack.rev_id = (uint32_t)msgtool_num_arg(o->name, v, UINT32_MAX);
		break;
	case O_ICMP_LIFETIME:
		a->lifetime = (uint16_t)msgtool_num_arg(o->name, v, 0xffff);
		break;
	case O_ROUTER:
		if (a->num_routers == MIP_ADV_MAX_ROUTERS)
			msgtool_usage_error("--router: at most %d routers", MIP_ADV_MAX_ROUTERS);
		if (msgtool_split(o->name, v, copy, sizeof(copy), f, 2) == 2) {
			/* A preference is a signed 32-bit number; accept a leading minus. */
			bool neg = f[1][0] == '-';

			n = msgtool_num_arg(o->name, f[1] + neg, neg ? 0x80000000u : 0x7fffffffu);
			a->routers[a->num_routers].preference =
			        neg ? (int32_t)(-(int64_t)n) : (int32_t)n;
		}
		a->routers[a->num_routers++].addr = msgtool_addr_arg(o->name, f[0]);
		break;
	case O_SEQ:
		a->seq = (uint16_t)msgtool_num_arg(o->name, v, 0xffff);
		break;
	case O_PREFIX_LENS: {
		char *tok, *save = NULL;
		size_t i = 0;

		if (strlen(v) >= sizeof(copy))
			msgtool_usage_error("--prefix-lengths: value too long");
		strcpy(copy, v);
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			if (i == MIP_ADV_MAX_ROUTERS)
				msgtool_usage_error("--prefix-lengths: too many values");
			a->prefix_len[i++] = (uint8_t)msgtool_num_arg(o->name, tok, 32);
		}
		a->has_prefix_lens = true;
		h->n_prefix = (unsigned)i;
		break;
	}
	case O_PAD:
		a->npad = (unsigned)msgtool_num_arg(o->name, v, 255);
		break;
	case O_CHALLENGE: {
		size_t len = 0;

		if (a->challenge_len != 0)
			msgtool_usage_error("--challenge: given twice");
		if (!msgtool_parse_hex(v, a->challenge, sizeof(a->challenge), &len) || len == 0)
			msgtool_usage_error("--challenge: expected 1..%d bytes of hex",
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
		nf = msgtool_split(o->name, v, copy, sizeof(copy), f, nf);
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
			msgtool_usage_error("--%s: expected VENDOR:TYPE[:HEX]", o->name);
		n1 = msgtool_num_arg(o->name, f[0], UINT32_MAX);
		n2 = msgtool_num_arg(o->name, f[1], 0xffff);
		if (nf == 3 && !msgtool_parse_hex(f[2], data, sizeof(data), &len))
			msgtool_usage_error("--%s: bad hex value", o->name);
		if (o->id == O_CVSE)
			err = mip_build_cvse(b, (uint32_t)n1, (uint16_t)n2, data, len);
		else
			err = mip_build_nvse(b, (uint32_t)n1, (uint16_t)n2, data, len);
		break;
	case O_REVSUPPORT:
		if (nf != 2)
			msgtool_usage_error("--revsupport: expected FLAGS:TIMESTAMP");
		n1 = msgtool_num_arg(o->name, f[0], 0xffff);
		n2 = msgtool_num_arg(o->name, f[1], UINT32_MAX);
		err = mip_build_rev_support(b, (uint16_t)n1, (uint32_t)n2);
		break;
	case O_CHALLENGE:
		if (nf != 1 || !msgtool_parse_hex(f[0], data, sizeof(data), &len) || len == 0)
			msgtool_usage_error("--challenge: expected hex bytes");
		err = mip_build_ext(b, MIP_EXT_MN_FA_CHALLENGE, data, len);
		break;
	case O_DYN_HA:
		if (nf != 2)
			msgtool_usage_error("--dyn-ha: expected SUBTYPE:ADDRESS");
		n1 = msgtool_num_arg(o->name, f[0], 0xff);
		err = mip_build_dyn_ha(b, (uint8_t)n1, msgtool_addr_arg(o->name, f[1]));
		break;
	case O_UDP_REQ:
		if (nf != 2)
			msgtool_usage_error("--udp-tun-req: expected FLAGS:ENCAP");
		n1 = msgtool_num_arg(o->name, f[0], 0xff);
		n2 = msgtool_num_arg(o->name, f[1], 0xff);
		err = mip_build_udp_tun_req(b, (uint8_t)n1, (uint8_t)n2);
		break;
	case O_UDP_REPLY:
		if (nf != 3)
			msgtool_usage_error("--udp-tun-reply: expected CODE:FLAGS:KEEPALIVE");
		n1 = msgtool_num_arg(o->name, f[0], 0xff);
		n2 = msgtool_num_arg(o->name, f[1], 0xffff);
		n3 = msgtool_num_arg(o->name, f[2], 0xffff);
		err = mip_build_udp_tun_reply(b, (uint8_t)n1, (uint16_t)n2, (uint16_t)n3);
		break;
	case O_PMIP_NONSKIP:
	case O_PMIP_SKIP:
	case O_EXT:
		if (nf != 2)
			msgtool_usage_error("--%s: expected %s:HEX", o->name,
			                    o->id == O_EXT ? "TYPE" : "SUBTYPE");
		n1 = msgtool_num_arg(o->name, f[0], 0xff);
		if (!msgtool_parse_hex(f[1], data, sizeof(data), &len))
			msgtool_usage_error("--%s: bad hex value", o->name);
		if (o->id == O_PMIP_NONSKIP)
			err = mip_build_ext_long(b, MIP_EXT_PMIP_NONSKIP, (uint8_t)n1, data, len);
		else if (o->id == O_PMIP_SKIP)
			err = mip_build_pmip_short(b, (uint8_t)n1, data, len);
		else if (mip_ext_form_of((uint8_t)n1) != MIP_EXT_FORM_TLV)
			msgtool_usage_error(
			        "--ext: type %u is not a plain type-length-value extension",
			        (unsigned)n1);
		else
			err = mip_build_ext(b, (uint8_t)n1, data, len);
		break;
	case O_MSG_STRING:
		if (nf != 2)
			msgtool_usage_error("--msg-string: expected SUBTYPE:TEXT");
		n1 = msgtool_num_arg(o->name, f[0], 0xff);
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
			msgtool_usage_error("--auth: expected TYPE:SPI:ALG:KEYHEX");
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcmp(f[0], types[i].name) == 0)
				break;
		if (i == sizeof(types) / sizeof(types[0]))
			msgtool_usage_error(
			        "--auth: unknown type '%s' (mhae, mfae, fhae or mn-aaa)", f[0]);
		n1 = msgtool_num_arg(o->name, f[1], UINT32_MAX);
		k = msgtool_key_arg(o->name, msgtool_alg_arg(o->name, f[2]), f[3]);
		err = mip_build_auth(b, types[i].type, (uint32_t)n1, k);
		mip_auth_key_free(k);
		break;
	}
	default:
		break;
	}
	explicit_bzero(copy, sizeof(copy));
	if (err != 0)
		msgtool_usage_error("--%s: cannot encode: %s", o->name, strerror(-err));
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

int
msgtool_encode(int argc, char **argv)
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
		msgtool_usage_error("encode: missing message kind");
	for (k = 0; k < K__COUNT; k++)
		if (strcmp(argv[0], kind_names[k]) == 0)
			break;
	if (k == K__COUNT)
		msgtool_usage_error("encode: unknown message kind '%s'", argv[0]);
	kind = (enum kind)k;
	memset(&h, 0, sizeof(h));

	/* Pass 1: header options take effect now, extension options are queued in order. */
	for (i = 1; i < (size_t)argc; i++) {
		const char *arg = argv[i], *eq, *val = NULL;
		const struct opt *o;

		if (strncmp(arg, "--", 2) != 0)
			msgtool_usage_error(
			        "encode %s: argument %zu is not an option (values are not echoed, "
			        "they may hold keys)",
			        kind_names[kind], i + 2);
		eq = strchr(arg + 2, '=');
		o = find_opt(arg + 2, eq != NULL ? (size_t)(eq - arg - 2) : strlen(arg + 2));
		if (o == NULL)
			msgtool_usage_error("encode %s: unknown option '%.*s'", kind_names[kind],
			                    (int)(eq != NULL ? eq - arg : (ptrdiff_t)strlen(arg)),
			                    arg);
		if (!(o->kinds & KM(kind)))
			msgtool_usage_error("encode %s: option --%s does not apply",
			                    kind_names[kind], o->name);
		if (seen[o->id] && !o->repeat)
			msgtool_usage_error("--%s: given twice", o->name);
		seen[o->id] = true;
		if (o->arg) {
			if (eq != NULL)
				val = eq + 1;
			else if (i + 1 < (size_t)argc)
				val = argv[++i];
			else
				msgtool_usage_error("--%s: missing value", o->name);
		} else if (eq != NULL) {
			msgtool_usage_error("--%s takes no value", o->name);
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
			msgtool_usage_error("--prefix-lengths: %u values for %u routers",
			                    h.n_prefix, (unsigned)h.adv.num_routers);
		else
			e = mip_adv_encode(&h.adv, out, sizeof(out), &len);
		if (e != MIP_ADV_OK)
			msgtool_usage_error("encode %s: %s", kind_names[kind], mip_adv_strerror(e));
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
		msgtool_usage_error("encode %s: %s", kind_names[kind], strerror(-err));
	for (i = 0; i < next; i++)
		apply_ext(&b, ext_opt[i], ext_val[i]);
	print_hex(out, b.len);
	return 0;
}
