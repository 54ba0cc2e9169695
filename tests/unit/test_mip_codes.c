/* SPDX-License-Identifier: BSD-2-Clause */
/* test_mip_codes.c - reply code catalogue, message and extension type names, flag bits. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mip_codes.h"

/* Every code of the protocol guide, section 7 (Wireshark's list), written out by hand. */
static const unsigned guide_codes[] = {
	0,   1,   64,  65,  66,  67,  68,  69,  70,  71,  72,  73,  74,  75,  76,
	77,  78,  79,  80,  81,  82,  88,  89,  90,  96,  97,  98,  99,  100, 101,
	104, 105, 106, 107, 108, 109, 127, 128, 129, 130, 131, 132, 133, 134, 135,
	136, 137, 138, 139, 140, 141, 142, 143, 144, 149, 150, 192,
};
#define N_GUIDE (sizeof(guide_codes) / sizeof(guide_codes[0]))

static bool
in_guide(unsigned code)
{
	for (size_t i = 0; i < N_GUIDE; i++) {
		if (guide_codes[i] == code)
			return true;
	}
	return false;
}

static void
test_catalogue_complete(void **state)
{
	size_t n;
	const struct mip_code_info *t = mip_code_table(&n);

	assert_int_equal(n, N_GUIDE);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(t[i].code, guide_codes[i]); /* same set, sorted */
		assert_non_null(t[i].name);
		assert_non_null(t[i].descr);
		assert_true(strlen(t[i].descr) > 10);
		/* Names are lower case, hyphenated, and unique. */
		assert_int_equal(strspn(t[i].name, "abcdefghijklmnopqrstuvwxyz0123456789-"),
		                 strlen(t[i].name));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t[i].name, t[j].name);
		/* Denials carry the prefix of the agent that sends them. */
		if (t[i].code >= 64 && t[i].code < 128)
			assert_memory_equal(t[i].name, "fa-", 3);
		if (t[i].code >= 128)
			assert_memory_equal(t[i].name, "ha-", 3);
	}
}

static void
test_lookup(void **state)
{
	for (unsigned code = 0; code < 300; code++) {
		const struct mip_code_info *ci = mip_code_lookup(code);

		if (in_guide(code)) {
			assert_non_null(ci);
			assert_int_equal(ci->code, code);
			assert_string_equal(mip_code_name(code), ci->name);
			assert_string_equal(mip_code_descr(code), ci->descr);
			assert_int_equal(mip_code_from_name(ci->name), (int)code);
		} else {
			assert_null(ci);
			assert_string_equal(mip_code_name(code), "unknown");
			assert_string_equal(mip_code_descr(code), "unknown reply code");
		}
	}
	assert_int_equal(mip_code_from_name("unknown"), -1);
	assert_int_equal(mip_code_from_name(""), -1);
	assert_int_equal(mip_code_from_name(NULL), -1);
	/* Spot checks against the guide's wording. */
	assert_string_equal(mip_code_name(131), "ha-mn-failed-authentication");
	assert_string_equal(mip_code_name(67), "fa-mn-failed-authentication");
	assert_string_equal(mip_code_name(133), "ha-identification-mismatch");
	assert_string_equal(mip_code_name(0), "accepted");
	assert_int_equal(MIP_CODE_HA_MN_AUTH_FAILED, 131);
	assert_int_equal(MIP_CODE_FA_BAD_REQUEST, 70);
	assert_int_equal(MIP_CODE_HA_BAD_REQUEST, 134);
	assert_int_equal(MIP_CODE_HA_CVSE_FROM_FA, 141);
}

static void
test_success(void **state)
{
	for (unsigned code = 0; code < 256; code++)
		assert_int_equal(mip_code_is_success(code), code <= 1);
}

static void
test_type_names(void **state)
{
	assert_string_equal(mip_msg_type_name(1), "registration-request");
	assert_string_equal(mip_msg_type_name(3), "registration-reply");
	assert_string_equal(mip_msg_type_name(7), "registration-revocation");
	assert_string_equal(mip_msg_type_name(15), "revocation-ack");
	assert_string_equal(mip_msg_type_name(2), "unknown");
	assert_string_equal(mip_ext_type_name(32), "mn-ha-auth");
	assert_string_equal(mip_ext_type_name(131), "mn-nai");
	assert_string_equal(mip_ext_type_name(134), "nvse");
	assert_string_equal(mip_ext_type_name(0), "unknown");
	assert_string_equal(mip_ext_type_name(999), "unknown");
}

static void
test_flag_bits(void **state)
{
	/* RRQ flags S B D M G r T x are the bits of one byte, most significant first. */
	const unsigned rrq[] = { MIP_RRQ_F_S, MIP_RRQ_F_B, MIP_RRQ_F_D, MIP_RRQ_F_M,
		                 MIP_RRQ_F_G, MIP_RRQ_F_R, MIP_RRQ_F_T, MIP_RRQ_F_X };
	/* Advertisement flags R B H F M G r T U X I, most significant first. */
	const unsigned adv[] = { MIP_ADV_F_R, MIP_ADV_F_B, MIP_ADV_F_H, MIP_ADV_F_F,
		                 MIP_ADV_F_M, MIP_ADV_F_G, MIP_ADV_F_r, MIP_ADV_F_T,
		                 MIP_ADV_F_U, MIP_ADV_F_X, MIP_ADV_F_I };

	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rrq[i], 0x80u >> i);
	for (unsigned i = 0; i < 11; i++)
		assert_int_equal(adv[i], 0x8000u >> i);
	/* tshark decodes advertisement flags 0x9500 as R, F, G and T (protocol guide 8). */
	assert_int_equal(MIP_ADV_F_R | MIP_ADV_F_F | MIP_ADV_F_G | MIP_ADV_F_T, 0x9500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_complete),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_flag_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
