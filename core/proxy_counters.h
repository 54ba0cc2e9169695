/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proxy_counters.h - proxy access point counters (registrations made on clients' behalf).
 *
 * PROXY_COUNTERS() lists every counter once: its C member, the name used by SNMP and
 * NETCONF state, and a description. struct proxy_counters is generated from it and
 * proxy_counter_table() describes its members (counters.h). Denials are also counted per
 * reply code: proxy_denials().
 */
#ifndef PMIP_PROXY_COUNTERS_H
#define PMIP_PROXY_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "counters.h"

/* X(member, state name, description) */
#define PROXY_COUNTERS(X)                                                                          \
	X(clients_seen, "proxyClientsSeen", "client appearances reported by discovery")            \
	X(clients_gone, "proxyClientsGone", "client departures reported by discovery")             \
	X(clients_ignored, "proxyClientsIgnored", "clients discovery said to leave alone")         \
	X(clients_silent, "proxyClientsSilent",                                                    \
	  "clients that did not answer the ARP probe before a re-registration")                    \
	X(clients_conflict, "proxyClientsConflict",                                                \
	  "client reports dropped: address already held by another link-layer address")            \
	X(no_home_agent, "proxyNoHomeAgent",                                                       \
	  "visiting clients whose address the subnet map lacks")                                   \
	X(no_foreign_agent, "proxyNoForeignAgent", "registrations waiting for a foreign agent")    \
	X(requests_sent, "proxyRequestsSent", "registration requests sent (first transmissions)")  \
	X(retransmissions, "proxyRetransmissions", "registration requests sent again")             \
	X(deregistrations_sent, "proxyDeregistrationsSent",                                        \
	  "deregistrations sent through a foreign agent (first transmissions)")                    \
	X(home_deregistrations_sent, "proxyHomeDeregistrationsSent",                               \
	  "deregistrations sent straight to a home agent for clients at home")                     \
	X(replies_received, "proxyRepliesReceived", "registration replies examined")               \
	X(replies_accepted, "proxyRepliesAccepted", "valid replies granting a registration")       \
	X(replies_denied, "proxyRepliesDenied", "valid replies denying a registration")            \
	X(replies_resync, "proxyRepliesResync", "valid replies with code 133 (identification)")    \
	X(replies_lifetime, "proxyRepliesLifetime", "valid replies with code 69 (lifetime)")       \
	X(replies_bad_auth, "proxyRepliesBadAuth",                                                 \
	  "replies dropped: Mobile-Home authenticator missing or wrong")                           \
	X(replies_unmatched, "proxyRepliesUnmatched",                                              \
	  "replies dropped: no pending request with that home address and identification")         \
	X(replies_bad_source, "proxyRepliesBadSource",                                             \
	  "replies dropped: not from the agent the request was sent to")                           \
	X(replies_malformed, "proxyRepliesMalformed", "replies dropped: undecodable")              \
	X(timeouts, "proxyTimeouts", "registration attempts that got no reply")                    \
	X(failures, "proxyFailures", "registration-failure events raised")                         \
	X(ks_not_found, "proxyKeyStoreNotFound",                                                   \
	  "key-store lookups without a security association")                                      \
	X(ks_errors, "proxyKeyStoreErrors", "key-store lookups that failed or could not start")    \
	X(send_errors, "proxySendErrors", "frames or datagrams that could not be sent")            \
	X(frames_bad, "proxyFramesBad", "link-level frames dropped as malformed")                  \
	X(arp_requests, "proxyArpRequests", "ARP requests from visiting clients examined")         \
	X(arp_replies_sent, "proxyArpRepliesSent",                                                 \
	  "ARP replies (solicited or announced) sent to clients with a foreign agent's address")   \
	X(arp_probes_sent, "proxyArpProbesSent",                                                   \
	  "ARP probes sent to check a client is still here")                                       \
	X(aap_reports, "proxyAapReports", "changes of the home agent and subnet reported to AAPs") \
	X(aap_failovers, "proxyAapFailovers",                                                      \
	  "changes of the AAP in use (failover and fall-back)")                                    \
	X(map_learned, "proxyMapLearned", "subnet-map entries learned or changed through an AAP")  \
	X(map_withdrawn, "proxyMapWithdrawn", "learned subnet-map entries the AAPs deleted")       \
	X(map_shadowed, "proxyMapShadowed",                                                        \
	  "learned entries not installed: a static entry has the same prefix")                     \
	X(clients_refused, "proxyClientsRefused",                                                  \
	  "new clients not taken: the client table is at max-clients")

/** struct proxy_counters - the proxy access point's counters (PROXY_COUNTERS() order). */
struct proxy_counters {
	PROXY_COUNTERS(PMIP_COUNTER_MEMBER)
};

/**
 * proxy_counter_table - the descriptions of all counters, in PROXY_COUNTERS() order.
 * @n: receives the number of rows.
 *
 * Return: the first row of a static array.
 */
const struct pmip_counter_desc *proxy_counter_table(size_t *n);

#endif /* PMIP_PROXY_COUNTERS_H */
