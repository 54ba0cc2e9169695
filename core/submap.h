/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * submap.h - the subnet map: home subnet (IPv4 prefix) -> home agent, longest-prefix match.
 *
 * A proxy access point finds a visiting client's home agent by the longest prefix of the
 * map that contains the client's address (Cisco Aironet "subnet map"). Entries come from
 * the configuration now (origin static) and from the authoritative access points later
 * (origin learned, with a version and a timestamp for table comparison).
 *
 * Layout: one hash table holds every entry under the key (prefix, length); a 33-bit mask
 * records which lengths are present. A lookup probes the present lengths from the longest
 * to the shortest and stops at the first hit: at most 33 hash probes, O(1) each, whatever
 * the size of the map. Insert and delete are O(1) on average. Ordered walks (by prefix as
 * an unsigned 32-bit number, then by length) use a sorted array of the entries that is
 * rebuilt on the first walk after a change.
 */
#ifndef PMIP_SUBMAP_H
#define PMIP_SUBMAP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** enum submap_origin - where an entry came from. */
enum submap_origin {
	SUBMAP_STATIC = 1,  /* /pmip/proxy/subnet-map */
	SUBMAP_LEARNED = 2, /* from an authoritative access point (AAP protocol) */
};

/**
 * struct submap_entry - one entry of the map.
 * @prefix: network address, host bits zero (network byte order).
 * @len: prefix length 0..32.
 * @ha: home agent serving the subnet.
 * @origin: where the entry came from.
 * @version: table version of the AAP that supplied it (0 for static entries).
 * @updated_ms: ev_now_ms() time of the last change (0 when the caller does not track it).
 */
struct submap_entry {
	struct in_addr prefix;
	uint8_t len;
	struct in_addr ha;
	enum submap_origin origin;
	uint32_t version;
	uint64_t updated_ms;
};

struct submap;

/**
 * submap_new - create an empty map.
 *
 * Return: the map, or NULL when out of memory.
 */
struct submap *submap_new(void);

/**
 * submap_free - free @m and its entries.
 * @m: the map; NULL is allowed.
 */
void submap_free(struct submap *m);

/**
 * submap_put - insert @e, or replace the entry with the same prefix and length.
 * @m: the map.
 * @e: the entry (copied); host bits of @e->prefix must be zero.
 *
 * Return: 0, -EINVAL (length above 32 or host bits set), or -ENOMEM (map unchanged).
 */
int submap_put(struct submap *m, const struct submap_entry *e);

/**
 * submap_del - remove the entry (@prefix, @len).
 * @m: the map.
 * @prefix: network address.
 * @len: prefix length.
 *
 * Return: 0, or -ENOENT.
 */
int submap_del(struct submap *m, struct in_addr prefix, uint8_t len);

/**
 * submap_get - the entry with exactly this prefix and length.
 * @m: the map.
 * @prefix: network address.
 * @len: prefix length.
 *
 * Return: the entry (valid until the map changes), or NULL.
 */
const struct submap_entry *submap_get(const struct submap *m, struct in_addr prefix, uint8_t len);

/**
 * submap_lookup - longest-prefix match of @addr.
 * @m: the map.
 * @addr: an IPv4 address (network byte order).
 *
 * Return: the entry with the longest prefix containing @addr (valid until the map
 * changes), or NULL when none does.
 */
const struct submap_entry *submap_lookup(const struct submap *m, struct in_addr addr);

/**
 * submap_next - ordered walk, as a GETNEXT does.
 * @m: the map.
 * @prefix: key of the previous entry, or NULL for the first entry.
 * @len: second part of that key (ignored when @prefix is NULL).
 * @out: receives the first entry whose (prefix, length) is greater than the key; prefixes
 *	compare as unsigned 32-bit numbers, then lengths.
 *
 * The previous entry need not exist any more. O(log n) per step once the order is built
 * (O(n log n) after each change).
 *
 * Return: 0, -ENOENT past the end, or -ENOMEM.
 */
int submap_next(struct submap *m, const struct in_addr *prefix, uint8_t len,
                struct submap_entry *out);

/**
 * submap_count - number of entries.
 * @m: the map.
 *
 * Return: the count.
 */
size_t submap_count(const struct submap *m);

/**
 * submap_clear_origin - remove every entry of origin @origin.
 * @m: the map.
 * @origin: the origin to drop (for example static entries before the config is re-read).
 *
 * Return: the number of entries removed.
 */
size_t submap_clear_origin(struct submap *m, enum submap_origin origin);

/**
 * submap_mask - netmask of a prefix length in network byte order.
 * @len: 0..32.
 *
 * Return: the mask (0 for /0).
 */
static inline uint32_t
submap_mask(uint8_t len)
{
	return len == 0 ? 0 : htonl(~0u << (32 - len));
}

#endif /* PMIP_SUBMAP_H */
