/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_adv.c - libFuzzer target: decode arbitrary bytes as an Agent Advertisement/Solicitation.
 *
 * A failed decode must leave the output all zero. A successful one must encode again, and the
 * encoding must decode to the same fields (the encoder drops unknown skippable extensions and
 * clears reserved flag bits, so those are not compared).
 */

#include <stdlib.h>
#include <string.h>

#include "mip_adv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                 \
	do {                     \
		if (!(x))        \
			abort(); \
	} while (0)

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		if (b[i] != 0)
			return false;
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mip_adv a, b; /* large: keep them off the stack */
	static uint8_t out[65536];
	enum mip_adv_err err;
	size_t len = 0;
	const uint16_t keep = (uint16_t) ~(MIP_ADV_F_RESERVED | MIP_ADV_F_r);

	CHECK(mip_adv_strerror(mip_adv_sol_decode(data, size)) != NULL);
	err = mip_adv_decode(data, size, &a);
	CHECK(mip_adv_strerror(err) != NULL);
	if (err != MIP_ADV_OK) {
		CHECK(all_zero(&a, sizeof(a)));
		return 0;
	}
	CHECK(a.num_coa <= MIP_ADV_MAX_COA);
	CHECK(mip_adv_encode(&a, out, sizeof(out), &len) == MIP_ADV_OK);
	CHECK(len > 0 && len <= sizeof(out));
	CHECK(mip_adv_cksum(out, len) == 0);
	CHECK(mip_adv_decode(out, len, &b) == MIP_ADV_OK);
	CHECK(a.code == b.code && a.lifetime == b.lifetime && a.num_routers == b.num_routers);
	CHECK(memcmp(a.routers, b.routers, sizeof(a.routers[0]) * a.num_routers) == 0);
	CHECK(a.seq == b.seq && a.reg_lifetime == b.reg_lifetime);
	CHECK((a.flags & keep) == (b.flags & keep));
	CHECK(a.num_coa == b.num_coa);
	CHECK(memcmp(a.coa, b.coa, sizeof(a.coa[0]) * a.num_coa) == 0);
	CHECK(a.has_prefix_lens == b.has_prefix_lens);
	CHECK(!a.has_prefix_lens || memcmp(a.prefix_len, b.prefix_len, a.num_routers) == 0);
	CHECK(a.challenge_len == b.challenge_len);
	CHECK(memcmp(a.challenge, b.challenge, a.challenge_len) == 0);
	CHECK(b.nskipped == 0);
	/* A buffer one byte short is refused; ASan catches a write past its end. */
	{
		uint8_t *small = malloc(len - 1);
		size_t n2 = 0;

		CHECK(small != NULL);
		CHECK(mip_adv_encode(&a, small, len - 1, &n2) == MIP_ADV_ERR_NOSPACE);
		free(small);
	}
	return 0;
}
