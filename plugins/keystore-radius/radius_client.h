/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * radius_client.h - asynchronous RADIUS authentication client on the pmipd event loop.
 *
 * One connected, non-blocking UDP socket per server, 256 identifiers per
 * socket, a loop timer per request. A request goes to the first live server
 * in configured order, is retransmitted unchanged (same Identifier and
 * authenticator) after timeout-ms up to "retries" times, then the server is
 * marked dead for dead-time seconds and the request fails over to the next
 * live server. Every Access-Request carries a Message-Authenticator as its
 * first attribute; every response must carry a valid one and a valid
 * Response Authenticator or it is dropped (RFC 3579, BlastRADIUS). Counters
 * follow the RADIUS authentication client MIB (RFC 4668).
 *
 * A dead server is probed every status-interval seconds with a
 * Status-Server packet (RFC 5997; Message-Authenticator first, a new
 * Identifier and Request Authenticator each time). The first valid answer
 * (any authenticated Access-Accept/Reject/Challenge with a valid
 * Message-Authenticator) puts it back in service at once; otherwise it comes
 * back when dead-time has passed, as without probes.
 */
#ifndef PMIP_RADIUS_CLIENT_H
#define PMIP_RADIUS_CLIENT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "radius_msg.h"

#define RADIUS_SERVERS_MAX 8
#define RADIUS_SECRET_MAX  128
#define RADIUS_NAS_ID_MAX  64

struct ev_loop;
struct radius_client;

/**
 * struct radius_server_cfg - one authentication server.
 * @addr: address and port (network byte order).
 * @secret: shared secret bytes; never logged.
 * @secretlen: its length, 1..RADIUS_SECRET_MAX.
 * @timeout_ms: wait before a retransmission, 1..60000.
 * @retries: retransmissions before failing over, 0..10.
 */
struct radius_server_cfg {
	struct sockaddr_in addr;
	uint8_t secret[RADIUS_SECRET_MAX];
	size_t secretlen;
	unsigned timeout_ms;
	unsigned retries;
};

/**
 * struct radius_client_cfg - client settings.
 * @srv: servers in failover order.
 * @nsrv: how many, 1..RADIUS_SERVERS_MAX.
 * @dead_time_s: how long a server that timed out is skipped (0: never skipped).
 * @status_interval_s: Status-Server probe period for dead servers (0: no probes).
 * @nas_identifier: NAS-Identifier sent in every request (non-empty).
 * @password: User-Password sent in every request (PAP), may be empty.
 * @passwordlen: its length, 0..RADIUS_PASSWORD_MAX.
 */
struct radius_client_cfg {
	struct radius_server_cfg srv[RADIUS_SERVERS_MAX];
	size_t nsrv;
	unsigned dead_time_s;
	unsigned status_interval_s;
	char nas_identifier[RADIUS_NAS_ID_MAX];
	uint8_t password[RADIUS_PASSWORD_MAX];
	size_t passwordlen;
};

/**
 * struct radius_counters - client counters (RFC 4668 names).
 * @requests: Access-Requests sent, first transmissions (one per server tried).
 * @retransmissions: Access-Requests sent again.
 * @timeouts: timer expiries (each is followed by a retransmission, a failover or a give-up).
 * @access_accepts: valid Access-Accepts.
 * @access_rejects: valid Access-Rejects.
 * @access_challenges: valid Access-Challenges (treated as rejects).
 * @bad_authenticators: responses with a wrong Response Authenticator or Message-Authenticator.
 * @malformed: responses with bad framing or without a Message-Authenticator.
 * @unknown_types: responses with an unexpected code.
 * @packets_dropped: other responses dropped (no matching request).
 * @failovers: requests moved to the next server.
 * @pending: requests in flight (gauge).
 * @probes: Status-Server probes sent.
 * @probe_answers: valid answers to probes.
 */
struct radius_counters {
	uint64_t requests;
	uint64_t retransmissions;
	uint64_t timeouts;
	uint64_t access_accepts;
	uint64_t access_rejects;
	uint64_t access_challenges;
	uint64_t bad_authenticators;
	uint64_t malformed;
	uint64_t unknown_types;
	uint64_t packets_dropped;
	uint64_t failovers;
	uint64_t pending;
	uint64_t probes;
	uint64_t probe_answers;
};

/** enum radius_result - outcome of a request. */
enum radius_result {
	RADIUS_RES_ACCEPT = 0,
	RADIUS_RES_REJECT = 1,  /* Access-Reject or Access-Challenge */
	RADIUS_RES_TIMEOUT = 2, /* no valid answer from any server */
	RADIUS_RES_ERROR = 3,   /* reconfiguration or local failure */
};

/**
 * struct radius_reply - a verified response, valid during the completion only.
 * @pkt: the packet.
 * @len: its Length.
 * @req_auth: the Request Authenticator it answers.
 * @secret: the secret of the server that answered (for salted attributes).
 * @secretlen: its length.
 */
struct radius_reply {
	const uint8_t *pkt;
	size_t len;
	const uint8_t *req_auth;
	const uint8_t *secret;
	size_t secretlen;
};

/**
 * radius_done_fn - completion of a request, called from the loop.
 * @res: outcome.
 * @reply: the response for ACCEPT and REJECT, else NULL.
 * @arg: the caller's argument.
 */
typedef void (*radius_done_fn)(enum radius_result res, const struct radius_reply *reply, void *arg);

/** radius_client_new - a client without servers; NULL on allocation failure. */
struct radius_client *radius_client_new(struct ev_loop *loop);

/**
 * radius_client_free - close the sockets and drop pending requests without
 * calling their completions; wipes the secrets. NULL is allowed.
 * @c: client.
 */
void radius_client_free(struct radius_client *c);

/**
 * radius_client_configure - apply @cfg (copied).
 * @c: client.
 * @cfg: new settings.
 * @errmsg: receives the reason on failure.
 * @errlen: size of @errmsg.
 *
 * New sockets are opened first; on failure the old settings stay. Pending
 * requests complete with RADIUS_RES_ERROR from their timers.
 * Return: 0 or -1.
 */
int radius_client_configure(struct radius_client *c, const struct radius_client_cfg *cfg,
                            char *errmsg, size_t errlen);

/**
 * radius_client_access_request - send an Access-Request for @user_name.
 * @c: client.
 * @user_name: User-Name, 1..253 bytes.
 * @fn: completion, called exactly once from the loop unless cancelled.
 * @arg: its argument.
 * @id: receives a non-zero request id.
 * Return: 0, -EINVAL, -ENOTCONN (no server configured), -EAGAIN (no
 * identifier free) or -ENOMEM; the completion is not called then.
 */
int radius_client_access_request(struct radius_client *c, const char *user_name, radius_done_fn fn,
                                 void *arg, uint64_t *id);

/**
 * radius_client_cancel - abandon request @id; unknown ids are ignored.
 * @c: client.
 * @id: request id.
 */
void radius_client_cancel(struct radius_client *c, uint64_t id);

/**
 * radius_client_counters - copy the counters.
 * @c: client.
 * @out: receives them.
 */
void radius_client_counters(const struct radius_client *c, struct radius_counters *out);

/**
 * radius_client_server_dead - is server @i currently considered dead?
 * @c: client.
 * @i: server index in configured order.
 * Return: true while it is skipped.
 */
bool radius_client_server_dead(const struct radius_client *c, size_t i);

/**
 * radius_client_server_count - number of configured servers.
 * @c: client.
 * Return: the count.
 */
size_t radius_client_server_count(const struct radius_client *c);

#endif /* PMIP_RADIUS_CLIENT_H */
