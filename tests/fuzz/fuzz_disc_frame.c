/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_disc_frame.c - libFuzzer target: discovery-pcap's frame classifier and client rules.
 *
 * The input is copied to a buffer of exactly its size, so any read past the captured length
 * is an AddressSanitizer error. A classified frame must be consistent (a DHCP or Mobile IP
 * mark only on IPv4, an ARP operation only on ARP), and applying it to a client record must
 * leave the record in a known state.
 */

#include <stdlib.h>
#include <string.h>

#include "dpcap_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                 \
	do {                     \
		if (!(x))        \
			abort(); \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dpcap_client c;
	struct dpcap_subnets nets = { 0 };
	struct dpcap_frame f;
	const char *why = NULL;
	uint8_t *copy = malloc(size != 0 ? size : 1);
	enum dpcap_kind k;
	struct in_addr a;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	k = dpcap_classify(copy, size, &f, &why);
	CHECK(k == f.kind && why != NULL);
	CHECK(k != DPCAP_ARP || f.arp_op == 1 || f.arp_op == 2);
	CHECK(k == DPCAP_IP || (!f.dhcp && !f.mip));
	if (k == DPCAP_ARP || k == DPCAP_IP) {
		a.s_addr = htonl(0xcb007102); /* 203.0.113.2/24 */
		dpcap_subnets_add(&nets, a, 24);
		if (size > 0 && (data[0] & 1) != 0)
			memset(&c, 0,
			       sizeof(c)); /* sometimes a new client, sometimes the old one */
		(void)dpcap_client_update(&c, &f, &nets);
		CHECK(c.state <= DPCAP_ST_NO_ADDR);
		CHECK((c.state == DPCAP_ST_SEEN) ==
		      (c.reason == DISC_IGNORE_NONE && c.state != DPCAP_ST_NEW));
	}
	free(copy);
	return 0;
}
