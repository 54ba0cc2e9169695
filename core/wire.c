/* SPDX-License-Identifier: BSD-2-Clause */
/* wire.c - the Internet checksum (RFC 1071) shared by the ICMP and IPv4/UDP encoders. */

#include "wire.h"

uint16_t
wire_cksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;
	size_t i;

	/* Fold early so that input longer than 128 KiB cannot overflow the sum. */
	for (i = 0; i + 1 < len; i += 2) {
		sum += wire_get16(p + i);
		if (sum & 0x80000000u)
			sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
