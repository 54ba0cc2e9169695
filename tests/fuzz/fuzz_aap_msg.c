/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_aap_msg.c - libFuzzer harness for the AAP codec (core/aap_msg.c) and table merge.
 *
 * Input: arbitrary bytes. Most inputs fail the MAC, so the harness also re-seals the
 * input: it treats the bytes as header + body, encodes the MAC itself (through the codec's
 * own key, which is what an authenticated peer can do) and decodes that, so the body
 * parsers see mutated input too. Invariants (abort() on violation):
 *   - a failed decode leaves the output zeroed;
 *   - a decoded message re-encodes to exactly the same bytes (reserved bytes were zero,
 *     or the decode failed);
 *   - every entry of a decoded MAP or SYNC_ENTRIES is valid and merges into a table, and
 *     merging it twice changes nothing (idempotence).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "aap_msg.h"
#include "aap_table.h"
#include "wire.h"

static const uint8_t KEY[16] = "fuzz-group-key!";

static void
check(const uint8_t *buf, size_t len, struct aap_key *k)
{
	struct aap_msg m, z;
	uint8_t out[AAP_DGRAM_MAX];
	struct aap_entry e[AAP_ENTRIES_MAX];
	int err, n;

	err = aap_msg_decode(buf, len, k, &m);
	if (err < 0) {
		memset(&z, 0, sizeof(z));
		if (memcmp(&m, &z, sizeof(z)) != 0)
			abort();
		return;
	}
	if (m.n > AAP_ENTRIES_MAX)
		abort();
	for (size_t i = 0; i < m.n; i++) {
		aap_msg_entry(&m, i, &e[i]);
		if (!aap_entry_valid(&e[i]))
			abort();
	}
	n = aap_msg_encode(out, sizeof(out), k, &m, e);
	if (n != (int)len || memcmp(out, buf, len) != 0)
		abort();
	if (m.n > 0) {
		struct aap_table *t = aap_table_new(AAP_ENTRIES_MAX);
		uint64_t d;

		if (t == NULL)
			return;
		for (size_t i = 0; i < m.n; i++)
			if (aap_table_merge(t, &e[i], NULL) == AAP_MERGE_INVALID)
				abort();
		d = aap_table_digest(t);
		for (size_t i = 0; i < m.n; i++)
			if (aap_table_merge(t, &e[i], NULL) != AAP_MERGE_STALE)
				abort();
		if (aap_table_digest(t) != d)
			abort();
		aap_table_free(t);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct aap_key *k;
	uint8_t buf[AAP_DGRAM_MAX + AAP_MAC_LEN];
	unsigned mlen = 0;

	if (k == NULL && (k = aap_key_new(KEY, sizeof(KEY))) == NULL)
		abort();
	check(data, size, k);
	/* Re-seal: the input as header + body with a correct body length and MAC. */
	if (size >= AAP_HDR_LEN && size <= AAP_HDR_LEN + AAP_BODY_MAX) {
		memcpy(buf, data, size);
		buf[0] = AAP_VERSION;
		wire_put16(buf + 2, (uint16_t)(size - AAP_HDR_LEN));
		if (HMAC(EVP_sha256(), KEY, sizeof(KEY), buf, size, buf + size, &mlen) == NULL)
			abort();
		check(buf, size + AAP_MAC_LEN, k);
	}
	return 0;
}
