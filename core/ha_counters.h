/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ha_counters.h - home agent counters, one per accept and deny reason (RFC 2006 haCounters).
 *
 * HA_COUNTERS() lists every counter once: its C member name, the name used by
 * SNMP and NETCONF state (the RFC 2006 object name where one exists, with
 * RFC 2006's own spelling "haGratuitiousARPsSent"), and a description.
 * struct ha_counters is generated from it, and ha_counter_table() describes
 * the members so that state readers iterate instead of naming fields.
 */
#ifndef PMIP_HA_COUNTERS_H
#define PMIP_HA_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "counters.h"

/* X(member, state name, description) */
#define HA_COUNTERS(X)                                                                             \
	X(registration_accepted, "haRegistrationAccepted", "requests accepted (code 0)")           \
	X(multi_binding_unsupported, "haMultiBindingUnsupported",                                  \
	  "requests accepted without simultaneous bindings (code 1)")                              \
	X(reason_unspecified, "haReasonUnspecified", "denied for an unspecified reason (128)")     \
	X(adm_prohibited, "haAdmProhibited", "denied, administratively prohibited (129)")          \
	X(insufficient_resource, "haInsufficientResource", "denied, insufficient resources (130)") \
	X(mn_authentication_failure, "haMNAuthenticationFailure",                                  \
	  "denied, mobile node failed authentication (131)")                                       \
	X(fa_authentication_failure, "haFAAuthenticationFailure",                                  \
	  "denied, foreign agent failed authentication (132)")                                     \
	X(id_mismatch, "haIDMismatch", "denied, identification mismatch (133)")                    \
	X(poorly_formed_request, "haPoorlyFormedRequest", "denied, poorly formed request (134)")   \
	X(too_many_bindings, "haTooManyBindings", "denied, too many simultaneous bindings (135)")  \
	X(unknown_ha, "haUnknownHA", "denied, unknown home agent address (136)")                   \
	X(reverse_tunnel_unavailable, "haReverseTunnelUnavailable",                                \
	  "denied, reverse tunnel unavailable (137)")                                              \
	X(reverse_tunnel_mandatory, "haReverseTunnelMandatory",                                    \
	  "denied, reverse tunnel mandatory and T not set (138)")                                  \
	X(encapsulation_unavailable, "haEncapsulationUnavailable",                                 \
	  "denied, requested encapsulation unavailable (139)")                                     \
	X(cvse_from_mn, "haCVSEFromMN", "denied, CVSE from the mobile node not understood (140)")  \
	X(cvse_from_fa, "haCVSEFromFA",                                                            \
	  "denied, CVSE from the foreign agent not understood (141)")                              \
	X(gratuitous_arps_sent, "haGratuitiousARPsSent", "gratuitous ARPs sent on the home link")  \
	X(proxy_arps_sent, "haProxyARPsSent", "proxy ARP entries installed on the home link")      \
	X(reg_requests_received, "haRegRequestsReceived", "registration requests received")        \
	X(dereg_requests_received, "haDeRegRequestsReceived", "deregistration requests received")  \
	X(reg_replies_sent, "haRegRepliesSent", "replies sent to registration requests")           \
	X(dereg_replies_sent, "haDeRegRepliesSent", "replies sent to deregistration requests")     \
	X(discarded, "haDiscarded", "datagrams dropped silently (not answerable)")                 \
	X(duplicates, "haDuplicates", "retransmissions dropped while the original was pending")    \
	X(pending_overflow, "haPendingOverflow",                                                   \
	  "requests dropped: too many awaiting the key store")                                     \
	X(keystore_errors, "haKeyStoreErrors", "requests dropped: the key store could not answer") \
	X(send_errors, "haSendErrors", "replies that could not be sent")                           \
	X(tunnel_errors, "haTunnelErrors", "tunnel back-end operations that failed")               \
	X(bindings_expired, "haBindingsExpired", "bindings removed because their lifetime ended")

/**
 * struct ha_counters - the home agent's counters; members as listed in HA_COUNTERS().
 *
 * Every registration request that is answered is counted exactly once in one of the
 * code counters (registration_accepted ... cvse_from_fa), and once in
 * reg_requests_received or dereg_requests_received when it could be decoded.
 */
struct ha_counters {
	HA_COUNTERS(PMIP_COUNTER_MEMBER)
};

/**
 * ha_counter_table - the descriptions of all counters, in HA_COUNTERS() order.
 * @n: receives the number of rows.
 *
 * Read a value with pmip_counter_value() on a struct ha_counters.
 *
 * Return: the first row of a static array.
 */
const struct pmip_counter_desc *ha_counter_table(size_t *n);

#endif /* PMIP_HA_COUNTERS_H */
