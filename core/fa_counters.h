/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fa_counters.h - foreign agent counters, one per accept and deny reason (RFC 2006 faCounters).
 *
 * FA_COUNTERS() lists every counter once: its C member name, the name used by
 * SNMP and NETCONF state (the RFC 2006 object name where one exists, with
 * RFC 2006's own spelling "faRegRepliesRecieved"), and a description.
 * struct fa_counters is generated from it, and fa_counter_table() describes
 * the members so that state readers iterate instead of naming fields.
 */
#ifndef PMIP_FA_COUNTERS_H
#define PMIP_FA_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "counters.h"

/* X(member, state name, description) */
#define FA_COUNTERS(X)                                                                             \
	X(reg_requests_received, "faRegRequestsReceived", "registration requests received")        \
	X(reg_requests_relayed, "faRegRequestsRelayed", "registration requests relayed to a HA")   \
	X(reason_unspecified, "faReasonUnspecified", "denied for an unspecified reason (64)")      \
	X(adm_prohibited, "faAdmProhibited", "denied, administratively prohibited (65)")           \
	X(insufficient_resource, "faInsufficientResource", "denied, insufficient resources (66)")  \
	X(mn_authentication_failure, "faMNAuthenticationFailure",                                  \
	  "denied, mobile node failed authentication (67)")                                        \
	X(reg_lifetime_too_long, "faRegLifetimeTooLong", "denied, lifetime too long (69)")         \
	X(poorly_formed_requests, "faPoorlyFormedRequests", "denied, poorly formed request (70)")  \
	X(encapsulation_unavailable, "faEncapsulationUnavailable",                                 \
	  "denied, requested encapsulation unavailable (72)")                                      \
	X(vj_compression_unavailable, "faVJCompressionUnavailable",                                \
	  "denied, VJ compression unavailable (73; never sent, the r bit is ignored)")             \
	X(reverse_tunnel_unavailable, "faReverseTunnelUnavailable",                                \
	  "denied, reverse tunnel unavailable (74)")                                               \
	X(reverse_tunnel_mandatory, "faReverseTunnelMandatory",                                    \
	  "denied, reverse tunnel mandatory and T not set (75)")                                   \
	X(invalid_care_of_address, "faInvalidCareOfAddress",                                       \
	  "denied, invalid care-of address (77)")                                                  \
	X(registration_timeout, "faRegistrationTimeout",                                           \
	  "denied, the home agent did not answer in time (78)")                                    \
	X(delivery_style_unsupported, "faDeliveryStyleUnsupported",                                \
	  "denied, delivery style not supported (79)")                                             \
	X(ha_unreachable, "faHAUnreachable", "denied, the home agent is unreachable (88)")         \
	X(cvse_from_mn, "faCVSEFromMN", "denied, CVSE from the mobile node not understood (100)")  \
	X(cvse_from_ha, "faCVSEFromHA", "denied, CVSE from the home agent not understood (101)")   \
	X(reg_replies_received, "faRegRepliesRecieved", "registration replies received")           \
	X(reg_replies_relayed, "faRegRepliesRelayed", "registration replies relayed to a MN")      \
	X(ha_authentication_failure, "faHAAuthenticationFailure",                                  \
	  "replies denied, home agent failed authentication (68)")                                 \
	X(poorly_formed_replies, "faPoorlyFormedReplies", "replies denied, poorly formed (71)")    \
	X(replies_unmatched, "faRepliesUnmatched",                                                 \
	  "replies dropped: no pending request with that home address and identification")         \
	X(discarded, "faDiscarded", "datagrams dropped silently (not answerable)")                 \
	X(duplicates, "faDuplicates", "requests dropped: same identification already pending")     \
	X(keystore_errors, "faKeyStoreErrors", "requests dropped: the key store could not answer") \
	X(send_errors, "faSendErrors", "datagrams that could not be sent")                         \
	X(tunnel_errors, "faTunnelErrors", "tunnel back-end operations that failed")               \
	X(visitors_expired, "faVisitorsExpired", "visitors removed because their lifetime ended")  \
	X(advertisements_sent, "faAdvertisementsSent", "agent advertisements sent")                \
	X(solicitations_received, "faSolicitationsReceived", "valid agent solicitations received") \
	X(solicitations_rate_limited, "faSolicitationsRateLimited",                                \
	  "solicitations answered by an advertisement already scheduled (rate limit)")             \
	X(solicitations_bad, "faSolicitationsBad", "ICMP router solicitations dropped as invalid")

/**
 * struct fa_counters - the foreign agent's counters; members as listed in FA_COUNTERS().
 *
 * Every registration request that the foreign agent answers itself is counted exactly
 * once in one of the code counters (reason_unspecified ... cvse_from_ha, and
 * ha_authentication_failure or poorly_formed_replies when a reply caused the denial).
 */
struct fa_counters {
	FA_COUNTERS(PMIP_COUNTER_MEMBER)
};

/**
 * fa_counter_table - the descriptions of all counters, in FA_COUNTERS() order.
 * @n: receives the number of rows.
 *
 * Read a value with pmip_counter_value() on a struct fa_counters.
 *
 * Return: the first row of a static array.
 */
const struct pmip_counter_desc *fa_counter_table(size_t *n);

#endif /* PMIP_FA_COUNTERS_H */
