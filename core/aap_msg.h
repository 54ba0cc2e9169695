/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aap_msg.h - the AAP protocol codec: framing, HMAC-SHA256, message bodies, replay window.
 *
 * pmipd's own protocol between proxy access points and authoritative access points
 * (AAPs), and between AAPs, on UDP port 6500 by default. docs/aap-protocol.md is the
 * byte-by-byte specification; this header mirrors it. Every datagram is
 *
 *   header (16 bytes) | body (body-length bytes) | HMAC-SHA256 (32 bytes)
 *
 * and the MAC, under the group key, covers header and body. The codec functions here are
 * pure (no sockets, no clock: the replay check takes the time as an argument), decode all
 * or nothing, and return typed errors (enum aap_err) for every defect. The helper at
 * the end, aap_wall_us(), is the clock both AAP ends share; their receive loop is
 * role_udp_drain() (core/role.h).
 */
#ifndef PMIP_AAP_MSG_H
#define PMIP_AAP_MSG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AAP_VERSION       1
#define AAP_HDR_LEN       16
#define AAP_MAC_LEN       32
#define AAP_DGRAM_MAX     1400 /* no IP fragmentation on a 1500-byte path */
#define AAP_BODY_MAX      (AAP_DGRAM_MAX - AAP_HDR_LEN - AAP_MAC_LEN)
#define AAP_ENTRY_LEN     28
#define AAP_BUCKETS       128 /* reconciliation buckets */
#define AAP_BITMAP_LEN    (AAP_BUCKETS / 8)
#define AAP_MAP_HDR_LEN   12
#define AAP_MAP_MAX       ((AAP_BODY_MAX - AAP_MAP_HDR_LEN) / AAP_ENTRY_LEN) /* 47 */
#define AAP_ENTRIES_MAX   (AAP_BODY_MAX / AAP_ENTRY_LEN)                     /* 48 */
#define AAP_DRAIN_MAX     64 /* datagrams read per readable event */
#define AAP_KEY_MIN       16
#define AAP_KEY_MAX       64
#define AAP_HELLO_LEN     32
#define AAP_HELLO_ACK_LEN 8
#define AAP_MAP_ACK_LEN   8
#define AAP_DIGEST_LEN    (8 + AAP_BUCKETS * 8)
#define AAP_SYNC_REQ_LEN  (AAP_BITMAP_LEN + 4)

/** enum aap_type - message types (second header byte). */
enum aap_type {
	AAP_HELLO = 1,        /* AP -> AAP: report own HA and subnet, keepalive */
	AAP_HELLO_ACK = 2,    /* AAP -> AP: answer to every accepted HELLO */
	AAP_MAP = 3,          /* AAP -> AP: full-table chunk or pushed update */
	AAP_MAP_ACK = 4,      /* AP -> AAP: cumulative acknowledgement of MAP messages */
	AAP_LEAVE = 5,        /* AP -> AAP: forget me (the AP uses another AAP) */
	AAP_SYNC_DIGEST = 6,  /* AAP -> AAP: per-bucket digests of the table */
	AAP_SYNC_REQ = 7,     /* AAP -> AAP: the buckets that differ */
	AAP_SYNC_ENTRIES = 8, /* AAP -> AAP: entries of differing buckets */
	AAP_TYPE_MAX = 8,
};

/** enum aap_err - why a datagram was rejected (negated in return values). */
enum aap_err {
	AAP_OK = 0,
	AAP_E_SHORT,   /* shorter than header + MAC */
	AAP_E_LONG,    /* longer than AAP_DGRAM_MAX */
	AAP_E_VERSION, /* version byte is not AAP_VERSION */
	AAP_E_LENGTH,  /* body-length field disagrees with the datagram length */
	AAP_E_MAC,     /* HMAC-SHA256 does not verify */
	AAP_E_TYPE,    /* unknown message type */
	AAP_E_BODY,    /* body length wrong for the type */
	AAP_E_ENTRY,   /* an entry has an invalid prefix, length or flag */
	AAP_E_NOSPACE, /* encode: output buffer or body limit too small */
	AAP_E_REPLAY,  /* replay check: sequence already seen or too old */
	AAP_E_WINDOW,  /* replay check: sequence outside the time window */
	AAP_E_MAX,
};

/** aap_err_name - stable name of @e ("bad-mac"); never NULL. */
const char *aap_err_name(enum aap_err e);

/** AAP_ENT_TOMBSTONE - entry flag: the subnet was deleted (deletion marker). */
#define AAP_ENT_TOMBSTONE 0x01

/**
 * struct aap_entry - one subnet-map entry as carried on the wire (28 bytes).
 * @prefix: home subnet, host bits zero (network byte order).
 * @len: prefix length 0..32.
 * @flags: AAP_ENT_TOMBSTONE or 0.
 * @ha: home agent serving the subnet (0.0.0.0 in a tombstone is allowed).
 * @origin: the access point that reported the subnet.
 * @aap: the AAP that wrote this version (owner: it probes the HA).
 * @version: hybrid clock in microseconds since the Unix epoch; higher wins.
 */
struct aap_entry {
	struct in_addr prefix;
	uint8_t len;
	uint8_t flags;
	struct in_addr ha;
	struct in_addr origin;
	struct in_addr aap;
	uint64_t version;
};

/**
 * struct aap_hdr - the fixed header.
 * @version: AAP_VERSION.
 * @type: enum aap_type.
 * @body_len: bytes between header and MAC.
 * @sender: sender id (by convention the sender's IPv4 address, host order).
 * @seq: per-sender sequence: microseconds since the Unix epoch, strictly increasing.
 */
struct aap_hdr {
	uint8_t version;
	uint8_t type;
	uint16_t body_len;
	uint32_t sender;
	uint64_t seq;
};

/** struct aap_hello - HELLO body (32 bytes). @ha 0.0.0.0: the AP reports no subnet. */
struct aap_hello {
	struct in_addr ha;
	struct in_addr prefix;
	uint8_t len;
	uint16_t hold_s;     /* the AAP forgets the AP after this long without a HELLO */
	uint32_t session;    /* the AP's session with this AAP, 0 for none */
	uint32_t next_msgno; /* next MAP msgno the AP expects in that session */
	uint32_t count;      /* entries in the AP's table */
	uint64_t digest;     /* aap_table digest of the AP's table */
};

/** struct aap_hello_ack - HELLO_ACK body (8 bytes). */
struct aap_hello_ack {
	uint32_t session; /* the AAP's session for this AP (0: a new one is starting) */
	uint32_t count;   /* entries in the AAP's table */
};

/** AAP_MAP_FIRST, AAP_MAP_LAST - MAP flags: first and last chunk of a full table. */
#define AAP_MAP_FIRST 0x01
#define AAP_MAP_LAST  0x02

/** struct aap_map - MAP body header (12 bytes), then @n entries. */
struct aap_map {
	uint32_t session;
	uint32_t msgno;
	uint8_t flags;
};

/** struct aap_map_ack - MAP_ACK body (8 bytes). */
struct aap_map_ack {
	uint32_t session;
	uint32_t next_msgno; /* every msgno below this one was received */
};

/** struct aap_sync_digest - SYNC_DIGEST body: count, then one digest per bucket. */
struct aap_sync_digest {
	uint32_t count;
	uint64_t bucket[AAP_BUCKETS];
};

/** struct aap_sync_req - SYNC_REQ body: bitmap of differing buckets (bit 0x80 of byte 0 = 0). */
struct aap_sync_req {
	uint8_t bitmap[AAP_BITMAP_LEN];
	uint32_t count; /* entries in the sender's table */
};

/**
 * struct aap_msg - a decoded message.
 * @h: header.
 * @u: body, by @h.type.
 * @n: number of entries (MAP, SYNC_ENTRIES).
 * @ent: raw entries inside the decoded buffer (validated); read with aap_msg_entry().
 */
struct aap_msg {
	struct aap_hdr h;
	union {
		struct aap_hello hello;
		struct aap_hello_ack hello_ack;
		struct aap_map map;
		struct aap_map_ack map_ack;
		struct aap_sync_digest digest;
		struct aap_sync_req req;
	} u;
	size_t n;
	const uint8_t *ent;
};

struct aap_key;

/**
 * aap_key_new - precompute the HMAC-SHA256 key schedule of a group key.
 * @key: key bytes.
 * @len: AAP_KEY_MIN..AAP_KEY_MAX.
 *
 * Return: the key object, or NULL (bad length, OpenSSL failure).
 */
struct aap_key *aap_key_new(const uint8_t *key, size_t len);

/** aap_key_free - wipe and free @k; NULL allowed. */
void aap_key_free(struct aap_key *k);

/**
 * aap_msg_decode - check and decode one datagram.
 * @buf: the UDP payload.
 * @len: its length.
 * @key: group key.
 * @out: receives the message; @out->ent points into @buf.
 *
 * Checks, in order: length bounds, version, body-length field, MAC, type, body.
 * Return: 0, or the negated enum aap_err; @out is zeroed on failure.
 */
int aap_msg_decode(const uint8_t *buf, size_t len, const struct aap_key *key, struct aap_msg *out);

/**
 * aap_msg_entry - the @i-th entry of a decoded MAP or SYNC_ENTRIES message.
 * @m: decoded message.
 * @i: index below @m->n.
 * @out: receives the entry.
 */
void aap_msg_entry(const struct aap_msg *m, size_t i, struct aap_entry *out);

/**
 * aap_msg_encode - encode and authenticate one message.
 * @buf: output buffer.
 * @cap: its capacity.
 * @key: group key.
 * @m: header (version and body_len are filled in) and body; @m->n entries for MAP and
 *     SYNC_ENTRIES come from @ents.
 * @ents: entries, or NULL when @m->n is 0.
 *
 * Return: the datagram length, or -AAP_E_NOSPACE (too small, or above AAP_DGRAM_MAX),
 * -AAP_E_TYPE, -AAP_E_ENTRY (invalid entry), -AAP_E_MAC (OpenSSL failure).
 */
int aap_msg_encode(uint8_t *buf, size_t cap, const struct aap_key *key, const struct aap_msg *m,
                   const struct aap_entry *ents);

/**
 * aap_entry_encode - the 28-byte wire form of @e (reserved bytes zero).
 * @p: output, AAP_ENTRY_LEN bytes.
 * @e: entry.
 */
void aap_entry_encode(uint8_t *p, const struct aap_entry *e);

/**
 * aap_entry_valid - is @e a well-formed entry (length, host bits, flags)?
 * @e: entry.
 */
bool aap_entry_valid(const struct aap_entry *e);

/* --- replay protection --- */

#define AAP_REPLAY_WINDOW_US  (60ull * 1000000) /* |seq - now| accepted, first contact */
#define AAP_REPLAY_REORDER_US (2ull * 1000000)  /* late arrivals accepted this far back */
#define AAP_REPLAY_RING       64                /* sequences remembered per sender */

/**
 * struct aap_replay - replay state of one sender.
 * @hi: highest sequence accepted (0: none yet).
 * @ring: the last AAP_REPLAY_RING sequences accepted.
 * @n: valid slots of @ring.
 * @pos: next slot to overwrite.
 */
struct aap_replay {
	uint64_t hi;
	uint64_t ring[AAP_REPLAY_RING];
	unsigned n;
	unsigned pos;
};

/**
 * aap_replay_check - accept or reject sequence @seq of one sender, and record it.
 * @r: the sender's state.
 * @seq: the message's sequence.
 * @now_us: wall clock, microseconds since the Unix epoch.
 *
 * Accepted: @seq within AAP_REPLAY_WINDOW_US of @now_us, and either above every sequence
 * seen, or at most AAP_REPLAY_REORDER_US below the highest, not seen before and not older
 * than the oldest remembered one.
 * Return: 0 (recorded), -AAP_E_WINDOW or -AAP_E_REPLAY (state unchanged).
 */
int aap_replay_check(struct aap_replay *r, uint64_t seq, uint64_t now_us);

/**
 * aap_seq_next - the next sequence of a sender.
 * @last: the sender's previous sequence (0 for none).
 * @now_us: wall clock in microseconds.
 *
 * Return: max(@now_us, @last + 1).
 */
uint64_t aap_seq_next(uint64_t last, uint64_t now_us);

/** aap_wall_us - wall clock (CLOCK_REALTIME) in microseconds since the Unix epoch. */
uint64_t aap_wall_us(void);

#endif /* PMIP_AAP_MSG_H */
