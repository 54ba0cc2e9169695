/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * agent_adv.h - agent advertisements shared by the home and the foreign agent.
 *
 * Each role that advertises on an interface registers a source there: its part of the
 * advertisement (flags, router address, prefix length, care-of addresses, registration
 * lifetime) and how to send on that interface. Sources of every role on the same event
 * loop and interface name share one struct agent_adv_if: one timer, one sequence number,
 * one rate limit, and ONE advertisement that merges all parts. A daemon running the home
 * and the foreign agent on one interface therefore sends one advertisement with H and F.
 *
 * Merge rules (agent_adv_build, pure):
 *   - flags: the union; the registration lifetime: the smallest non-zero one;
 *   - router addresses: distinct, home agent parts first; the IP source is the first one,
 *     so a listener sees the home agent's address as the agent when H is set;
 *   - prefix lengths (extension 19): present when some part knows its prefix; a router
 *     address without a known length takes that of a known prefix containing it, and is
 *     left out of the list (it stays a care-of address) when there is none;
 *   - care-of addresses: distinct, in registration order;
 *   - ICMP lifetime: the largest; mean interval: the smallest.
 *
 * Timing: unsolicited advertisements go to 224.0.0.1 at the mean interval with a uniform
 * jitter of +-25 %; the first one leaves within a second of the interface's first source.
 * A solicitation is answered at once when the last advertisement is at least a second old,
 * else the periodic timer is brought forward to one second after it. The sequence number
 * starts at 0, goes up by one per advertisement and wraps from 0xffff to 256.
 */
#ifndef PMIP_AGENT_ADV_H
#define PMIP_AGENT_ADV_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mip_adv.h"

struct ev_loop;
struct agent_adv_src;

#define AGENT_ADV_COA_MAX   4    /* care-of addresses of one part */
#define AGENT_ADV_PARTS_MAX 8    /* parts merged into one advertisement */
#define AGENT_ADV_BUF_MAX   160  /* largest advertisement built */
#define AGENT_ADV_SOL_GAP   1000 /* ms: at most one solicited advertisement per second */

/**
 * struct agent_adv_part - what one role contributes to an interface's advertisement.
 * @flags: MIP_ADV_F_* bits this role sets (H for a home agent, F for a foreign agent, ...).
 * @router: router address (network byte order); INADDR_ANY for none.
 * @has_prefix: @prefix_len is known.
 * @prefix_len: prefix length of the network @router is on (0..32).
 * @n_coa: care-of addresses used in @coa.
 * @coa: care-of addresses offered (foreign agent).
 * @reg_lifetime: longest registration lifetime accepted, 0xffff for infinite.
 * @interval_s: mean interval between unsolicited advertisements, seconds (0 means 1).
 * @lifetime_s: ICMP advertisement lifetime, seconds.
 */
struct agent_adv_part {
	uint16_t flags;
	struct in_addr router;
	bool has_prefix;
	uint8_t prefix_len;
	uint8_t n_coa;
	struct in_addr coa[AGENT_ADV_COA_MAX];
	uint16_t reg_lifetime;
	uint16_t interval_s;
	uint16_t lifetime_s;
};

/**
 * agent_adv_build - merge @n parts into one agent advertisement (pure).
 * @parts: the parts, at least one.
 * @n: number of parts, 1..AGENT_ADV_PARTS_MAX.
 * @seq: sequence number to send.
 * @buf: output buffer.
 * @cap: its size.
 * @outlen: receives the ICMP length.
 * @src: receives the IP source address to send from (the first router address, else the
 *       first care-of address); may be NULL.
 *
 * Return: MIP_ADV_OK, MIP_ADV_ERR_INVAL (no part, too many, nothing to send from),
 * MIP_ADV_ERR_F_NO_COA, or MIP_ADV_ERR_NOSPACE.
 */
enum mip_adv_err agent_adv_build(const struct agent_adv_part *parts, size_t n, uint16_t seq,
                                 uint8_t *buf, size_t cap, size_t *outlen, struct in_addr *src);

/**
 * struct agent_adv_ops - how the registry reaches the interface through one source's role.
 * @ifindex: resolve the interface now (and join what the role needs on it); 0 when it does
 *	not exist. Mandatory.
 * @send: send ICMP message @icmp on interface @ifindex from @from to @to with IP TTL 1.
 *	Return 0 or a negative errno. Mandatory.
 * @sent: told after every advertisement that carried this source's part, with the result
 *	of the send (0 or a negative errno); for the role's counters. May be NULL.
 */
struct agent_adv_ops {
	unsigned (*ifindex)(void *arg, const char *ifname);
	int (*send)(void *arg, unsigned ifindex, struct in_addr from, struct in_addr to,
	            const uint8_t *icmp, size_t len);
	void (*sent)(void *arg, int rc);
};

/**
 * agent_adv_add - register a source on interface @ifname of @loop.
 * @loop: event loop of the role (sources share an interface only within one loop).
 * @ifname: interface name.
 * @part: the source's part (copied).
 * @ops: the source's operations (kept by reference: static storage).
 * @arg: first argument of @ops.
 *
 * Return: the source, or NULL (out of memory, or AGENT_ADV_PARTS_MAX sources already).
 */
struct agent_adv_src *agent_adv_add(struct ev_loop *loop, const char *ifname,
                                    const struct agent_adv_part *part,
                                    const struct agent_adv_ops *ops, void *arg);

/**
 * agent_adv_del - unregister @src; the interface state (sequence number) goes with its last
 * source. NULL allowed.
 * @src: source.
 */
void agent_adv_del(struct agent_adv_src *src);

/**
 * agent_adv_update - replace the part of @src (a reconfiguration); the next advertisement
 * carries it. The sequence number continues.
 * @src: source.
 * @part: new part (copied).
 */
void agent_adv_update(struct agent_adv_src *src, const struct agent_adv_part *part);

/**
 * agent_adv_now - send an unsolicited advertisement on @src's interface now and restart the
 * periodic schedule.
 * @src: source.
 * Return: 0, -ENOENT (the interface does not exist), -EINVAL (nothing to build), or the
 * send error.
 */
int agent_adv_now(struct agent_adv_src *src);

/** enum agent_adv_sol - what became of a solicitation. */
enum agent_adv_sol {
	AGENT_ADV_SOL_ANSWERED = 0, /* an advertisement went out */
	AGENT_ADV_SOL_DEFERRED,     /* rate limited: the next one is brought forward */
	AGENT_ADV_SOL_OTHER,        /* another role on the interface answers it */
};

/**
 * agent_adv_solicited - a valid solicitation arrived on @src's interface.
 * @src: source.
 * @dst: destination of its IP header (a broadcast one is answered by broadcast).
 *
 * Every role with a raw ICMP socket sees the same solicitation; only the interface's first
 * source answers, the others get AGENT_ADV_SOL_OTHER.
 * Return: what became of it.
 */
enum agent_adv_sol agent_adv_solicited(struct agent_adv_src *src, struct in_addr dst);

/**
 * agent_adv_ifindex - interface index last resolved for @src's interface, 0 when absent.
 * @src: source.
 */
unsigned agent_adv_ifindex(const struct agent_adv_src *src);

/**
 * agent_adv_seq - sequence number the next advertisement on @src's interface will carry.
 * @src: source.
 */
uint16_t agent_adv_seq(const struct agent_adv_src *src);

#endif /* PMIP_AGENT_ADV_H */
