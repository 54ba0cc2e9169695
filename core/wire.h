/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wire.h - big-endian field access and the Internet checksum for wire codecs.
 *
 * The get and put helpers read and write network byte order fields at any
 * alignment; the caller has already checked that the bytes are there.
 */
#ifndef PMIP_WIRE_H
#define PMIP_WIRE_H

#include <stddef.h>
#include <stdint.h>

/**
 * wire_get16 - read a big-endian 16-bit field.
 * @p: first byte of the field.
 * Return: the value in host order.
 */
static inline uint16_t
wire_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/**
 * wire_get32 - read a big-endian 32-bit field.
 * @p: first byte of the field.
 * Return: the value in host order.
 */
static inline uint32_t
wire_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/**
 * wire_get64 - read a big-endian 64-bit field.
 * @p: first byte of the field.
 * Return: the value in host order.
 */
static inline uint64_t
wire_get64(const uint8_t *p)
{
	return (uint64_t)wire_get32(p) << 32 | wire_get32(p + 4);
}

/**
 * wire_put16 - write a big-endian 16-bit field.
 * @p: first byte of the field.
 * @v: value in host order.
 */
static inline void
wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/**
 * wire_put32 - write a big-endian 32-bit field.
 * @p: first byte of the field.
 * @v: value in host order.
 */
static inline void
wire_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/**
 * wire_put64 - write a big-endian 64-bit field.
 * @p: first byte of the field.
 * @v: value in host order.
 */
static inline void
wire_put64(uint8_t *p, uint64_t v)
{
	wire_put32(p, (uint32_t)(v >> 32));
	wire_put32(p + 4, (uint32_t)v);
}

/**
 * wire_cksum - Internet checksum (RFC 1071) of @buf[0..@len).
 * @buf: data, summed as big-endian 16-bit words; an odd last byte is padded
 *       with a zero byte.
 * @len: length in bytes; 0 gives 0xffff.
 *
 * Return: the one's complement of the one's complement sum, in host order,
 * to be stored with wire_put16(). Summing data that contains its correct
 * checksum yields 0.
 */
uint16_t wire_cksum(const void *buf, size_t len);

#endif /* PMIP_WIRE_H */
