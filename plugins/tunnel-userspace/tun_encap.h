/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tun_encap.h - pure IPv4 encapsulation and decapsulation (IP-in-IP, GRE, minimal).
 *
 * Everything here works on caller-owned buffers, allocates nothing, keeps no
 * state and makes no system call, so it is unit-tested in isolation.
 * Encapsulation happens in place: the caller reads the inner packet at an
 * offset of TUNU_HEADROOM bytes into its buffer and the outer headers are
 * written into that headroom. Decapsulation only validates and returns the
 * offset of the inner packet (minimal encapsulation also rewrites the
 * header, after every check has passed).
 */
#ifndef PMIP_TUN_ENCAP_H
#define PMIP_TUN_ENCAP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest outer overhead: IPv4 (20) + GRE with checksum, key and sequence (16). */
#define TUNU_HEADROOM 36
/* Overhead the forwarder reserves below the link MTU: IPv4 + GRE with key. */
#define TUNU_MAX_OVERHEAD 28
#define TUNU_IPHDR_LEN    20
#define TUNU_DEFAULT_TTL  64

#define TUNU_PROTO_IPIP   4
#define TUNU_PROTO_GRE    47
#define TUNU_PROTO_MINENC 55

/** enum tunu_encap - encapsulation, numbered after the outer IP protocol. */
enum tunu_encap {
	TUNU_ENC_IPIP = TUNU_PROTO_IPIP,
	TUNU_ENC_GRE = TUNU_PROTO_GRE,
	TUNU_ENC_MIN = TUNU_PROTO_MINENC,
};

/** enum tunu_err - why a packet was refused; all values are negative. */
enum tunu_err {
	TUNU_E_SHORT = -1,     /* shorter than a header or than a length field says */
	TUNU_E_IPHDR = -2,     /* not IPv4, bad header length or total length */
	TUNU_E_CSUM = -3,      /* IPv4, GRE or minimal-header checksum wrong */
	TUNU_E_PROTO = -4,     /* outer protocol is not the expected one */
	TUNU_E_GRE = -5,       /* GRE version, routing or reserved bits we do not accept */
	TUNU_E_PTYPE = -6,     /* GRE protocol type is not IPv4 (0x0800) */
	TUNU_E_FRAG = -7,      /* fragment where a whole datagram is required */
	TUNU_E_RECURSIVE = -8, /* encapsulation would loop (RFC 2003 section 4) */
	TUNU_E_TTL = -9,       /* inner TTL is zero */
	TUNU_E_TOOBIG = -10,   /* result would exceed 65535 bytes */
	TUNU_E_INVAL = -11,    /* unknown encapsulation */
};

/**
 * struct tunu_outer - what the encapsulator puts in the outer headers.
 * @src: tunnel entry point (our address).
 * @dst: tunnel exit point (care-of address or home agent).
 * @ttl: outer TTL; 0 means TUNU_DEFAULT_TTL.
 * @id: IPv4 identification of the outer header.
 * @key_present: GRE only: add an RFC 2890 key field.
 * @key: GRE key, host order.
 */
struct tunu_outer {
	struct in_addr src;
	struct in_addr dst;
	uint8_t ttl;
	uint16_t id;
	bool key_present;
	uint32_t key;
};

/**
 * struct tunu_decap - what decapsulation found.
 * @type: encapsulation of the packet.
 * @outer_src: outer source address (tunnel entry point).
 * @outer_dst: outer destination address (us).
 * @key_present: GRE carried a key.
 * @key: the GRE key, host order.
 * @inner_off: offset of the inner IPv4 packet in the buffer.
 * @inner_len: its length (its own total length field).
 */
struct tunu_decap {
	enum tunu_encap type;
	struct in_addr outer_src;
	struct in_addr outer_dst;
	bool key_present;
	uint32_t key;
	size_t inner_off;
	size_t inner_len;
};

/**
 * tunu_ipv4_check - validate an IPv4 header at @pkt.
 * @pkt: packet start.
 * @len: bytes available.
 * @hlen: receives the header length in bytes.
 * @tot: receives the total length field (at most @len).
 *
 * Checks version, header length, total length against @len and the header
 * checksum. Return: 0 or a negative enum tunu_err.
 */
int tunu_ipv4_check(const uint8_t *pkt, size_t len, size_t *hlen, size_t *tot);

/**
 * tunu_encap - encapsulate the inner IPv4 packet at @pkt in place.
 * @type: encapsulation to use.
 * @o: outer header parameters.
 * @pkt: the inner packet; the TUNU_HEADROOM bytes before it are writable.
 * @len: its length in bytes.
 * @out: receives the start of the encapsulated packet (inside the headroom).
 * @outlen: receives its length.
 *
 * IP-in-IP and GRE copy TOS and DF from the inner header (RFC 2003 3.1) and
 * leave the inner header untouched. Minimal encapsulation (RFC 2004) moves
 * the inner header into the headroom and rewrites it; it refuses fragments.
 * A packet that would loop (inner source equal to either tunnel end, or an
 * inner packet already tunnelled to @o->dst) is refused. Nothing is written
 * unless every check passes.
 *
 * Return: 0 or a negative enum tunu_err.
 */
int tunu_encap(enum tunu_encap type, const struct tunu_outer *o, uint8_t *pkt, size_t len,
               uint8_t **out, size_t *outlen);

/**
 * tunu_decap - validate an encapsulated packet received on a raw socket.
 * @pkt: outer IPv4 packet, header included (as raw sockets deliver it).
 * @len: bytes received.
 * @d: receives what was found; written only on success.
 *
 * Checks the outer header, the encapsulation header (GRE version 0 with
 * optional checksum, key and sequence number, protocol type IPv4; minimal
 * forwarding header checksum) and the inner IPv4 header (version, lengths,
 * checksum, TTL not zero). For minimal encapsulation the original header is
 * rebuilt in place, ending just before the payload. Trailing bytes after the
 * inner total length are ignored.
 *
 * Return: 0 or a negative enum tunu_err; on error @pkt is unchanged.
 */
int tunu_decap(uint8_t *pkt, size_t len, struct tunu_decap *d);

/**
 * tunu_strerror - short description of a negative enum tunu_err.
 * @err: the error code.
 *
 * Return: a static string.
 */
const char *tunu_strerror(int err);

#endif /* PMIP_TUN_ENCAP_H */
