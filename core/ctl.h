/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl.h - the control socket: pmipctl's way into a running pmipd.
 *
 * The daemon listens on a unix stream socket (default CTL_DEFAULT_PATH,
 * "pmipd -s PATH" to change it, mode 0660). The protocol is line based and
 * documented in docs/pmipctl.md:
 *
 *   request:  one line of printable ASCII words, at most CTL_REQ_MAX bytes
 *             with its newline ("show bindings\n", "clear binding 192.0.2.50\n")
 *   answer:   one JSON object on one line, followed by an empty line
 *             ({"ok":true,"data":{...}}\n\n or
 *              {"ok":false,"error":{"code":"...","message":"..."}}\n\n)
 *
 * A connection may carry several requests; answers come in request order.
 * The loop thread owns the server (core/ev.h watchers and timers only): the
 * sockets are non-blocking, each client has a bounded input line and an
 * output buffer, a client that does not read its answers is not read from
 * either and is dropped when its output stalls, and the number of clients is
 * bounded. State comes from the role accessors (ha.h, fa.h, keystore.h, sa.h,
 * plugin.h) when a request arrives; the server keeps no copy of it.
 *
 * This header holds the server's lifecycle, the pure request parser (unit
 * tested) and the small JSON writer that ctl_show.c builds answers with.
 */
#ifndef PMIP_CTL_H
#define PMIP_CTL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nb.h"

struct pmip_engine;

#define CTL_DEFAULT_PATH "/run/pmipd/pmipd.sock"
#define CTL_REQ_MAX      1024        /* bytes of one request line, newline included */
#define CTL_CLIENTS_MAX  16          /* connected clients */
#define CTL_OUT_MAX      (64u << 20) /* bytes of one answer; larger ones are refused */
#define CTL_IDLE_MS      60000       /* a client that sends nothing for this long is closed */
#define CTL_STALL_MS     10000       /* a client whose answer makes no progress is closed */

/* --- requests --- */

/** enum ctl_cmd - what a request asks for. */
enum ctl_cmd {
	CTL_CMD_HELP = 1,
	CTL_CMD_SHOW_SUMMARY,    /* show summary */
	CTL_CMD_SHOW_BINDINGS,   /* show bindings */
	CTL_CMD_SHOW_VISITORS,   /* show visitors */
	CTL_CMD_SHOW_PENDING,    /* show pending */
	CTL_CMD_SHOW_COUNTERS,   /* show counters [ha|fa|proxy] */
	CTL_CMD_SHOW_KEYSTORE,   /* show keystore */
	CTL_CMD_SHOW_PLUGINS,    /* show plugins */
	CTL_CMD_SHOW_CONFIG,     /* show config */
	CTL_CMD_SHOW_SA,         /* show security-associations */
	CTL_CMD_CLEAR_BINDING,   /* clear binding HOA [COA] */
	CTL_CMD_CLEAR_VISITOR,   /* clear visitor HOA */
	CTL_CMD_CLEAR_KS_CACHE,  /* clear keystore-cache */
	CTL_CMD_RELOAD,          /* reload */
	CTL_CMD_SHOW_PX_CLIENTS, /* show proxy clients */
	CTL_CMD_SHOW_PX_AGENTS,  /* show proxy agents */
	CTL_CMD_SHOW_PX_SUBMAP,  /* show proxy subnet-map */
	CTL_CMD_SHOW_AAP,        /* show aap */
};

/** enum ctl_role - role filter of "show counters". */
enum ctl_role {
	CTL_ROLE_ALL = 0,
	CTL_ROLE_HA,
	CTL_ROLE_FA,
	CTL_ROLE_PROXY,
};

/**
 * struct ctl_req - a parsed request.
 * @cmd: the command.
 * @name: its canonical words ("show counters"), for answers and logs.
 * @role: role filter (CTL_CMD_SHOW_COUNTERS).
 * @hoa: home address (CTL_CMD_CLEAR_BINDING, CTL_CMD_CLEAR_VISITOR).
 * @coa: care-of address, valid when @has_coa (CTL_CMD_CLEAR_BINDING).
 * @has_coa: a care-of address was given.
 */
struct ctl_req {
	enum ctl_cmd cmd;
	const char *name;
	enum ctl_role role;
	struct in_addr hoa;
	struct in_addr coa;
	bool has_coa;
};

#define CTL_ERRMSG_MAX 256

/**
 * struct ctl_err - why a request failed.
 * @code: stable machine-readable code ("unknown-command", "bad-address", ...).
 * @msg: one line for the operator; never contains key material.
 */
struct ctl_err {
	const char *code;
	char msg[CTL_ERRMSG_MAX];
};

/**
 * ctl_parse - parse one request line.
 * @line: the request, without its newline; need not be NUL-terminated.
 * @len: its length in bytes.
 * @req: receives the request on success.
 * @err: receives the error on failure.
 *
 * Words are separated by spaces or tabs; a trailing carriage return is
 * ignored. Only printable ASCII is accepted. Pure function: no allocation, no
 * I/O, reads only @line[0..@len).
 *
 * Return: 0, or -1 with @err filled (code "empty-request", "request-too-long",
 * "bad-character", "unknown-command", "missing-argument", "extra-argument" or
 * "bad-address").
 */
int ctl_parse(const char *line, size_t len, struct ctl_req *req, struct ctl_err *err);

/**
 * ctl_help_text - the list of commands, one per line ("show bindings  ...").
 * Return: a static string.
 */
const char *ctl_help_text(void);

/* --- JSON writer --- */

#define CTL_JSON_DEPTH 16

/**
 * struct ctl_json - a JSON writer appending to a growable buffer.
 * @buf: the text (not NUL-terminated); owned, free with ctl_json_fini().
 * @len: bytes used.
 * @cap: bytes allocated.
 * @limit: largest @len allowed; beyond it (or on ENOMEM) @failed is set and
 *	writes are ignored.
 * @failed: an allocation failed or @limit was reached.
 * @depth: open objects and arrays.
 * @count: members written so far at each depth (for commas).
 * @is_arr: the container at each depth is an array.
 */
struct ctl_json {
	char *buf;
	size_t len, cap, limit;
	bool failed;
	unsigned depth;
	unsigned count[CTL_JSON_DEPTH];
	bool is_arr[CTL_JSON_DEPTH];
};

/** ctl_json_init - an empty writer limited to @limit bytes. */
void ctl_json_init(struct ctl_json *j, size_t limit);
/** ctl_json_fini - free the buffer. */
void ctl_json_fini(struct ctl_json *j);
/** ctl_json_obj - open an object; @key names it inside an object, NULL elsewhere. */
void ctl_json_obj(struct ctl_json *j, const char *key);
/** ctl_json_arr - open an array; @key as for ctl_json_obj(). */
void ctl_json_arr(struct ctl_json *j, const char *key);
/** ctl_json_end - close the innermost object or array. */
void ctl_json_end(struct ctl_json *j);
/** ctl_json_str - a string member (@key NULL in arrays), escaped as RFC 8259 requires. */
void ctl_json_str(struct ctl_json *j, const char *key, const char *val);
/** ctl_json_u64 - an unsigned number member. */
void ctl_json_u64(struct ctl_json *j, const char *key, uint64_t val);
/** ctl_json_bool - a boolean member. */
void ctl_json_bool(struct ctl_json *j, const char *key, bool val);
/** ctl_json_null - a null member. */
void ctl_json_null(struct ctl_json *j, const char *key);
/** ctl_json_addr - an IPv4 address as a dotted-quad string member. */
void ctl_json_addr(struct ctl_json *j, const char *key, struct in_addr a);
/**
 * ctl_json_raw - a member whose value is the JSON text @json, copied without
 * the whitespace outside strings, so that the answer stays on one line.
 * @j: writer.
 * @key: member name, NULL in arrays.
 * @json: a valid JSON value (the caller vouches for it), NUL-terminated.
 */
void ctl_json_raw(struct ctl_json *j, const char *key, const char *json);

/** ctl_json_frame - end an answer: append the empty line that terminates it. */
void ctl_json_frame(struct ctl_json *j);

/* --- server --- */

/**
 * typedef ctl_reload_fn - re-read the configuration file (the SIGHUP path).
 * @arg: the argument from struct ctl_env.
 * @err: receives the reason on failure; the running configuration is then unchanged.
 * Return: 0, or -1.
 */
typedef int (*ctl_reload_fn)(void *arg, struct nb_error *err);

/**
 * struct ctl_env - what the control server works on.
 * @engine: the engine whose state is shown (its loop runs the server).
 * @reload: the "reload" command; NULL makes the command fail.
 * @reload_arg: argument of @reload.
 */
struct ctl_env {
	struct pmip_engine *engine;
	ctl_reload_fn reload;
	void *reload_arg;
};

struct ctl;

/**
 * ctl_open - listen on unix socket @path.
 * @path: socket path. A stale socket left by a dead daemon is replaced; a live
 *	one (another pmipd answers) and any other existing file are refused. A
 *	missing parent directory is created with mode 0755 (one level).
 * @env: environment (copied).
 * @errmsg: receives the reason on failure.
 * @errlen: size of @errmsg.
 *
 * Return: the server, or NULL with @errmsg filled.
 */
struct ctl *ctl_open(const char *path, const struct ctl_env *env, char *errmsg, size_t errlen);

/**
 * ctl_close - disconnect every client, close and unlink the socket, free @c.
 * @c: server; NULL allowed.
 */
void ctl_close(struct ctl *c);

/**
 * ctl_execute - run one request and write its answer (the whole JSON object,
 * without the framing) to @j. Used by the server and by tests.
 * @env: environment.
 * @line: request line without its newline.
 * @len: its length.
 * @j: writer, empty on entry.
 * @uid: user id of the requester, for the log of changes.
 */
void ctl_execute(const struct ctl_env *env, const char *line, size_t len, struct ctl_json *j,
                 unsigned uid);

/**
 * ctl_show_run - write the members of the "data" object of request @req to @j.
 * @env: environment.
 * @req: parsed request.
 * @j: writer, inside the open "data" object.
 * @uid: user id of the requester, for the log of changes.
 * @err: receives the error; the caller then discards @j.
 *
 * Return: 0, or -1 with @err filled.
 */
int ctl_show_run(const struct ctl_env *env, const struct ctl_req *req, struct ctl_json *j,
                 unsigned uid, struct ctl_err *err);

#endif /* PMIP_CTL_H */
