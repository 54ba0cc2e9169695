/* SPDX-License-Identifier: BSD-2-Clause */
/* mip_codes.c - catalogue of Mobile IPv4 reply codes, message types and extension types. */

#include <string.h>

#include "mip_codes.h"

/* Sorted by code: mip_code_lookup() relies on it. */
static const struct mip_code_info mip_codes[] = {
	{ 0, "accepted", "registration accepted" },
	{ 1, "accepted-no-simultaneous-bindings",
	  "registration accepted, but simultaneous mobility bindings unsupported" },
	{ 64, "fa-reason-unspecified", "denied by the FA: reason unspecified" },
	{ 65, "fa-administratively-prohibited", "denied by the FA: administratively prohibited" },
	{ 66, "fa-insufficient-resources", "denied by the FA: insufficient resources" },
	{ 67, "fa-mn-failed-authentication",
	  "denied by the FA: mobile node failed authentication" },
	{ 68, "fa-ha-failed-authentication", "denied by the FA: home agent failed authentication" },
	{ 69, "fa-lifetime-too-long", "denied by the FA: requested lifetime too long" },
	{ 70, "fa-poorly-formed-request", "denied by the FA: poorly formed request" },
	{ 71, "fa-poorly-formed-reply", "denied by the FA: poorly formed reply" },
	{ 72, "fa-encapsulation-unavailable",
	  "denied by the FA: requested encapsulation unavailable" },
	{ 73, "fa-vj-compression-unavailable", "denied by the FA: VJ compression unavailable" },
	{ 74, "fa-reverse-tunnel-unavailable",
	  "denied by the FA: requested reverse tunnel unavailable" },
	{ 75, "fa-reverse-tunnel-mandatory",
	  "denied by the FA: reverse tunnel is mandatory and the T bit is not set" },
	{ 76, "fa-mn-too-distant", "denied by the FA: mobile node too distant" },
	{ 77, "fa-invalid-care-of-address", "denied by the FA: invalid care-of address" },
	{ 78, "fa-registration-timeout", "denied by the FA: registration timeout" },
	{ 79, "fa-delivery-style-not-supported", "denied by the FA: delivery style not supported" },
	{ 80, "fa-home-network-unreachable",
	  "denied by the FA: home network unreachable (ICMP error received)" },
	{ 81, "fa-ha-host-unreachable",
	  "denied by the FA: home agent host unreachable (ICMP error received)" },
	{ 82, "fa-ha-port-unreachable",
	  "denied by the FA: home agent port unreachable (ICMP error received)" },
	{ 88, "fa-ha-unreachable",
	  "denied by the FA: home agent unreachable (other ICMP error received)" },
	{ 89, "fa-vendor-specific-reason", "denied by the FA: vendor-specific reason" },
	{ 90, "fa-nonzero-ha-address-required",
	  "denied by the FA: non-zero home agent address required" },
	{ 96, "fa-nonzero-home-address-required",
	  "denied by the FA: non-zero home address required" },
	{ 97, "fa-missing-nai", "denied by the FA: missing NAI" },
	{ 98, "fa-missing-home-agent", "denied by the FA: missing home agent" },
	{ 99, "fa-missing-home-address", "denied by the FA: missing home address" },
	{ 100, "fa-unknown-cvse-from-mn",
	  "denied by the FA: unable to interpret CVSE sent by the mobile node" },
	{ 101, "fa-unknown-cvse-from-ha",
	  "denied by the FA: unable to interpret CVSE sent by the home agent" },
	{ 104, "fa-unknown-challenge", "denied by the FA: unknown challenge" },
	{ 105, "fa-missing-challenge", "denied by the FA: missing challenge" },
	{ 106, "fa-stale-challenge", "denied by the FA: stale challenge" },
	{ 107, "fa-missing-keygen-nonce-reply",
	  "denied by the FA: missing MN-FA key generation nonce reply extension" },
	{ 108, "fa-mn-failed-aaa-authentication",
	  "denied by the FA: mobile node failed AAA authentication" },
	{ 109, "fa-ha-wrong-challenge",
	  "denied by the FA: home agent sent the wrong challenge in its reply" },
	{ 127, "fa-experimental", "denied by the FA: error code for experimental use" },
	{ 128, "ha-reason-unspecified", "denied by the HA: reason unspecified" },
	{ 129, "ha-administratively-prohibited", "denied by the HA: administratively prohibited" },
	{ 130, "ha-insufficient-resources", "denied by the HA: insufficient resources" },
	{ 131, "ha-mn-failed-authentication",
	  "denied by the HA: mobile node failed authentication" },
	{ 132, "ha-fa-failed-authentication",
	  "denied by the HA: foreign agent failed authentication" },
	{ 133, "ha-identification-mismatch",
	  "denied by the HA: registration identification mismatch" },
	{ 134, "ha-poorly-formed-request", "denied by the HA: poorly formed request" },
	{ 135, "ha-too-many-bindings",
	  "denied by the HA: too many simultaneous mobility bindings" },
	{ 136, "ha-unknown-ha-address", "denied by the HA: unknown home agent address" },
	{ 137, "ha-reverse-tunnel-unavailable",
	  "denied by the HA: requested reverse tunnel unavailable" },
	{ 138, "ha-reverse-tunnel-mandatory",
	  "denied by the HA: reverse tunnel is mandatory and the T bit is not set" },
	{ 139, "ha-encapsulation-unavailable",
	  "denied by the HA: requested encapsulation unavailable" },
	{ 140, "ha-unknown-cvse-from-mn",
	  "denied by the HA: unable to interpret CVSE sent by the mobile node" },
	{ 141, "ha-unknown-cvse-from-fa",
	  "denied by the HA: unable to interpret CVSE sent by the foreign agent" },
	{ 142, "ha-udp-encapsulation-unavailable",
	  "denied by the HA: UDP encapsulation unavailable" },
	{ 143, "ha-register-with-redirected-ha", "denied by the HA: register with redirected HA" },
	{ 144, "ha-mn-failed-aaa-authentication",
	  "denied by the HA: mobile node failed AAA authentication" },
	{ 149, "ha-pmip-unsupported", "denied by the HA: proxy registration not supported" },
	{ 150, "ha-pmip-disallowed", "denied by the HA: proxy registration not allowed" },
	{ 192, "ha-experimental", "denied by the HA: error code for experimental use" },
};

#define N_CODES (sizeof(mip_codes) / sizeof(mip_codes[0]))

struct mip_name {
	uint8_t value;
	const char *name;
};

static const struct mip_name mip_msg_names[] = {
	{ MIP_MSG_RRQ, "registration-request" },
	{ MIP_MSG_RRP, "registration-reply" },
	{ MIP_MSG_TUNNEL_DATA, "tunnel-data" },
	{ MIP_MSG_REVOCATION, "registration-revocation" },
	{ MIP_MSG_REVOCATION_ACK, "revocation-ack" },
	{ MIP_MSG_EXPERIMENTAL, "experimental" },
};

static const struct mip_name mip_ext_names[] = {
	{ MIP_EXT_MHAE, "mn-ha-auth" },
	{ MIP_EXT_MFAE, "mn-fa-auth" },
	{ MIP_EXT_FHAE, "fa-ha-auth" },
	{ MIP_EXT_GEN_AUTH, "generalized-auth" },
	{ MIP_EXT_CVSE, "cvse" },
	{ MIP_EXT_UDP_TUN_REPLY, "udp-tunnel-reply" },
	{ MIP_EXT_PMIP_NONSKIP, "pmipv4-non-skippable" },
	{ MIP_EXT_ENCAP_DELIVERY, "encapsulating-delivery-style" },
	{ MIP_EXT_NAI, "mn-nai" },
	{ MIP_EXT_MN_FA_CHALLENGE, "mn-fa-challenge" },
	{ MIP_EXT_NVSE, "nvse" },
	{ MIP_EXT_REV_SUPPORT, "revocation-support" },
	{ MIP_EXT_DYN_HA, "dynamic-ha" },
	{ MIP_EXT_UDP_TUN_REQUEST, "udp-tunnel-request" },
	{ MIP_EXT_MSG_STRING, "message-string" },
	{ MIP_EXT_PMIP_SKIP, "pmipv4-skippable" },
	{ MIP_EXT_SKIP_EXPERIMENTAL, "skippable-experimental" },
};

static const char *
name_lookup(const struct mip_name *tab, size_t n, unsigned value)
{
	for (size_t i = 0; i < n; i++) {
		if (tab[i].value == value)
			return tab[i].name;
	}
	return "unknown";
}

const struct mip_code_info *
mip_code_table(size_t *n)
{
	if (n != NULL)
		*n = N_CODES;
	return mip_codes;
}

const struct mip_code_info *
mip_code_lookup(unsigned code)
{
	size_t lo = 0, hi = N_CODES;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mip_codes[mid].code == code)
			return &mip_codes[mid];
		if (mip_codes[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *
mip_code_name(unsigned code)
{
	const struct mip_code_info *ci = mip_code_lookup(code);

	return ci != NULL ? ci->name : "unknown";
}

const char *
mip_code_descr(unsigned code)
{
	const struct mip_code_info *ci = mip_code_lookup(code);

	return ci != NULL ? ci->descr : "unknown reply code";
}

int
mip_code_from_name(const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < N_CODES; i++) {
		if (strcmp(mip_codes[i].name, name) == 0)
			return mip_codes[i].code;
	}
	return -1;
}

bool
mip_code_is_success(unsigned code)
{
	return code == MIP_CODE_ACCEPTED || code == MIP_CODE_ACCEPTED_NO_SIMUL;
}

const char *
mip_msg_type_name(unsigned type)
{
	return name_lookup(mip_msg_names, sizeof(mip_msg_names) / sizeof(mip_msg_names[0]), type);
}

const char *
mip_ext_type_name(unsigned type)
{
	return name_lookup(mip_ext_names, sizeof(mip_ext_names) / sizeof(mip_ext_names[0]), type);
}
