/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl_proto.c - the control protocol's pure parts: request parser, help text, JSON writer.
 *
 * Nothing here touches a socket or engine state, so the unit tests
 * (tests/unit/test_ctl.c) drive it with plain buffers. A request is a line of
 * words; the command table below is the single list of commands, from which
 * both the parser and "help" are derived. The JSON writer appends to one
 * growable buffer, tracks commas per nesting level, escapes strings (invalid
 * UTF-8 becomes U+FFFD so an answer is always valid JSON) and stops growing at
 * a limit, after which the caller answers "response-too-large" instead.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

#define CTL_WORDS_MAX 8
#define CTL_SHOWN_MAX 40 /* characters of an offending word quoted in an error */

/* What a command takes after its words. */
enum ctl_args {
	CTL_ARGS_NONE = 0,
	CTL_ARGS_ROLE,    /* optional "ha" or "fa" */
	CTL_ARGS_HOA_COA, /* a home address and an optional care-of address */
	CTL_ARGS_HOA,     /* a home address */
};

struct ctl_cmd_desc {
	const char *verb;   /* first word */
	const char *object; /* second word, NULL for one-word commands */
	const char *sub;    /* third word, NULL for one- and two-word commands */
	enum ctl_cmd cmd;
	enum ctl_args args;
	const char *name;  /* canonical words */
	const char *usage; /* with arguments */
	const char *help;
};

static const struct ctl_cmd_desc ctl_cmds[] = {
	{ "help", NULL, NULL, CTL_CMD_HELP, CTL_ARGS_NONE, "help", "help", "list the commands" },
	{ "show", "summary", NULL, CTL_CMD_SHOW_SUMMARY, CTL_ARGS_NONE, "show summary",
	  "show summary", "version, roles and table sizes" },
	{ "show", "bindings", NULL, CTL_CMD_SHOW_BINDINGS, CTL_ARGS_NONE, "show bindings",
	  "show bindings", "home agent: mobility bindings" },
	{ "show", "visitors", NULL, CTL_CMD_SHOW_VISITORS, CTL_ARGS_NONE, "show visitors",
	  "show visitors", "foreign agent: visitor list" },
	{ "show", "pending", NULL, CTL_CMD_SHOW_PENDING, CTL_ARGS_NONE, "show pending",
	  "show pending",
	  "foreign agent: pending registrations; home agent: requests awaiting the key store" },
	{ "show", "counters", NULL, CTL_CMD_SHOW_COUNTERS, CTL_ARGS_ROLE, "show counters",
	  "show counters [ha|fa|proxy]", "counters of the running roles" },
	{ "show", "keystore", NULL, CTL_CMD_SHOW_KEYSTORE, CTL_ARGS_NONE, "show keystore",
	  "show keystore", "key-store chain and its statistics" },
	{ "show", "plugins", NULL, CTL_CMD_SHOW_PLUGINS, CTL_ARGS_NONE, "show plugins",
	  "show plugins", "loaded plugins" },
	{ "show", "config", NULL, CTL_CMD_SHOW_CONFIG, CTL_ARGS_NONE, "show config", "show config",
	  "running configuration, keys redacted" },
	{ "show", "security-associations", NULL, CTL_CMD_SHOW_SA, CTL_ARGS_NONE,
	  "show security-associations", "show security-associations",
	  "configured security associations, without keys" },
	{ "clear", "binding", NULL, CTL_CMD_CLEAR_BINDING, CTL_ARGS_HOA_COA, "clear binding",
	  "clear binding HOME-ADDRESS [CARE-OF-ADDRESS]",
	  "home agent: remove a node's bindings (or one of them)" },
	{ "clear", "visitor", NULL, CTL_CMD_CLEAR_VISITOR, CTL_ARGS_HOA, "clear visitor",
	  "clear visitor HOME-ADDRESS", "foreign agent: remove a visitor" },
	{ "clear", "keystore-cache", NULL, CTL_CMD_CLEAR_KS_CACHE, CTL_ARGS_NONE,
	  "clear keystore-cache", "clear keystore-cache",
	  "drop every key store's cached associations" },
	{ "reload", NULL, NULL, CTL_CMD_RELOAD, CTL_ARGS_NONE, "reload", "reload",
	  "re-read the configuration file (as SIGHUP does)" },
	{ "show", "proxy", "clients", CTL_CMD_SHOW_PX_CLIENTS, CTL_ARGS_NONE, "show proxy clients",
	  "show proxy clients", "proxy access point: clients and their registrations" },
	{ "show", "proxy", "agents", CTL_CMD_SHOW_PX_AGENTS, CTL_ARGS_NONE, "show proxy agents",
	  "show proxy agents", "proxy access point: mobility agents known from discovery" },
	{ "show", "proxy", "subnet-map", CTL_CMD_SHOW_PX_SUBMAP, CTL_ARGS_NONE,
	  "show proxy subnet-map", "show proxy subnet-map",
	  "proxy access point: home subnet to home agent map" },
	{ "show", "aap", NULL, CTL_CMD_SHOW_AAP, CTL_ARGS_NONE, "show aap", "show aap",
	  "AAP role: table, access points, peers, counters; proxy: its AAP client" },
};
#define CTL_NCMDS (sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

/* --- parser --- */

struct ctl_word {
	const char *p;
	size_t len;
};

static void ctl_errf(struct ctl_err *err, const char *code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void
ctl_errf(struct ctl_err *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static bool
ctl_word_is(const struct ctl_word *w, const char *s)
{
	return strlen(s) == w->len && memcmp(w->p, s, w->len) == 0;
}

/* Length of @w to quote in a message, and whether it was cut. */
static int
ctl_shown(const struct ctl_word *w)
{
	return (int)(w->len > CTL_SHOWN_MAX ? CTL_SHOWN_MAX : w->len);
}

static const char *
ctl_cut(const struct ctl_word *w)
{
	return w->len > CTL_SHOWN_MAX ? "..." : "";
}

/*
 * The words that may follow @verb (@object NULL) or "@verb @object", comma
 * separated and without repetition, into @out.
 */
static void
ctl_next_words(const char *verb, const char *object, char *out, size_t cap)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < CTL_NCMDS; i++) {
		const struct ctl_cmd_desc *d = &ctl_cmds[i];
		const char *next = object == NULL ? d->object : d->sub;
		bool seen = false;
		int k;

		if (strcmp(d->verb, verb) != 0 || next == NULL ||
		    (object != NULL && (d->object == NULL || strcmp(d->object, object) != 0)))
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = object == NULL && strcmp(ctl_cmds[j].verb, verb) == 0 &&
			       ctl_cmds[j].object != NULL && strcmp(ctl_cmds[j].object, next) == 0;
		if (seen)
			continue;
		k = snprintf(out + used, cap - used, "%s%s", used > 0 ? ", " : "", next);
		if (k < 0 || (size_t)k >= cap - used)
			return;
		used += (size_t)k;
	}
}

/* A three-word command that starts "@w0 @w1", or NULL. */
static const struct ctl_cmd_desc *
ctl_has_sub(const struct ctl_word *w0, const struct ctl_word *w1)
{
	for (size_t i = 0; i < CTL_NCMDS; i++)
		if (ctl_cmds[i].sub != NULL && ctl_word_is(w0, ctl_cmds[i].verb) &&
		    ctl_word_is(w1, ctl_cmds[i].object))
			return &ctl_cmds[i];
	return NULL;
}

static int
ctl_parse_addr(const struct ctl_word *w, const char *what, struct in_addr *out, struct ctl_err *err)
{
	char tmp[INET_ADDRSTRLEN];

	if (w->len < sizeof(tmp)) {
		memcpy(tmp, w->p, w->len);
		tmp[w->len] = '\0';
		if (inet_pton(AF_INET, tmp, out) == 1)
			return 0;
	}
	ctl_errf(err, "bad-address", "'%.*s%s' is not an IPv4 %s (dotted quad)", ctl_shown(w), w->p,
	         ctl_cut(w), what);
	return -1;
}

/* Split @line into words; -1 with @err on a bad byte or too many words. */
static int
ctl_split(const char *line, size_t len, struct ctl_word *words, size_t *n, struct ctl_err *err)
{
	size_t i = 0;

	*n = 0;
	for (size_t k = 0; k < len; k++) {
		unsigned char ch = (unsigned char)line[k];

		if (ch != '\t' && (ch < 0x20 || ch > 0x7e)) {
			ctl_errf(err, "bad-character",
			         "byte 0x%02x at offset %zu is not printable ASCII", ch, k);
			return -1;
		}
	}
	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		if (*n == CTL_WORDS_MAX) {
			ctl_errf(err, "extra-argument", "more than %d words in the request",
			         CTL_WORDS_MAX);
			return -1;
		}
		words[*n].p = line + i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		words[*n].len = (size_t)(line + i - words[*n].p);
		(*n)++;
	}
	return 0;
}

static int
ctl_parse_args(const struct ctl_cmd_desc *d, const struct ctl_word *a, size_t na,
               struct ctl_req *req, struct ctl_err *err)
{
	size_t max = d->args == CTL_ARGS_NONE                              ? 0
	             : d->args == CTL_ARGS_ROLE || d->args == CTL_ARGS_HOA ? 1
	                                                                   : 2;

	if (na > max) {
		ctl_errf(err, "extra-argument", "unexpected '%.*s%s' after '%s'; usage: %s",
		         ctl_shown(&a[max]), a[max].p, ctl_cut(&a[max]), d->name, d->usage);
		return -1;
	}
	switch (d->args) {
	case CTL_ARGS_NONE:
		return 0;
	case CTL_ARGS_ROLE:
		if (na == 0)
			return 0;
		if (ctl_word_is(&a[0], "ha")) {
			req->role = CTL_ROLE_HA;
			return 0;
		}
		if (ctl_word_is(&a[0], "fa")) {
			req->role = CTL_ROLE_FA;
			return 0;
		}
		if (ctl_word_is(&a[0], "proxy")) {
			req->role = CTL_ROLE_PROXY;
			return 0;
		}
		ctl_errf(err, "bad-argument", "unknown role '%.*s%s'; usage: %s", ctl_shown(&a[0]),
		         a[0].p, ctl_cut(&a[0]), d->usage);
		return -1;
	case CTL_ARGS_HOA_COA:
	case CTL_ARGS_HOA:
		if (na == 0) {
			ctl_errf(err, "missing-argument", "'%s' needs a home address; usage: %s",
			         d->name, d->usage);
			return -1;
		}
		if (ctl_parse_addr(&a[0], "home address", &req->hoa, err) < 0)
			return -1;
		if (na == 2) {
			if (ctl_parse_addr(&a[1], "care-of address", &req->coa, err) < 0)
				return -1;
			req->has_coa = true;
		}
		return 0;
	}
	return 0;
}

int
ctl_parse(const char *line, size_t len, struct ctl_req *req, struct ctl_err *err)
{
	struct ctl_word w[CTL_WORDS_MAX];
	const struct ctl_cmd_desc *d3;
	char objs[200];
	size_t n;

	memset(req, 0, sizeof(*req));
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len >= CTL_REQ_MAX) {
		ctl_errf(err, "request-too-long", "request of %zu bytes exceeds the limit of %d",
		         len, CTL_REQ_MAX - 1);
		return -1;
	}
	if (ctl_split(line, len, w, &n, err) < 0)
		return -1;
	if (n == 0) {
		ctl_errf(err, "empty-request", "empty request; try 'help'");
		return -1;
	}
	for (size_t i = 0; i < CTL_NCMDS; i++) {
		const struct ctl_cmd_desc *d = &ctl_cmds[i];
		size_t used = 1 + (d->object != NULL) + (d->sub != NULL);

		if (!ctl_word_is(&w[0], d->verb))
			continue;
		if (d->object != NULL) {
			if (n < 2) {
				ctl_next_words(d->verb, NULL, objs, sizeof(objs));
				ctl_errf(err, "missing-argument", "'%s' needs one of: %s", d->verb,
				         objs);
				return -1;
			}
			if (!ctl_word_is(&w[1], d->object))
				continue;
		}
		if (d->sub != NULL) {
			if (n < 3) {
				ctl_next_words(d->verb, d->object, objs, sizeof(objs));
				ctl_errf(err, "missing-argument", "'%s %s' needs one of: %s",
				         d->verb, d->object, objs);
				return -1;
			}
			if (!ctl_word_is(&w[2], d->sub))
				continue;
		}
		req->cmd = d->cmd;
		req->name = d->name;
		return ctl_parse_args(d, w + used, n - used, req, err);
	}
	if (n >= 3 && (d3 = ctl_has_sub(&w[0], &w[1])) != NULL) {
		ctl_next_words(d3->verb, d3->object, objs, sizeof(objs));
		ctl_errf(err, "unknown-command",
		         "unknown object '%.*s%s' after '%s %s'; one of: %s", ctl_shown(&w[2]),
		         w[2].p, ctl_cut(&w[2]), d3->verb, d3->object, objs);
		return -1;
	}
	for (size_t i = 0; i < CTL_NCMDS; i++) {
		if (ctl_cmds[i].object != NULL && ctl_word_is(&w[0], ctl_cmds[i].verb)) {
			ctl_next_words(ctl_cmds[i].verb, NULL, objs, sizeof(objs));
			ctl_errf(err, "unknown-command",
			         "unknown object '%.*s%s' after '%s'; one of: %s", ctl_shown(&w[1]),
			         w[1].p, ctl_cut(&w[1]), ctl_cmds[i].verb, objs);
			return -1;
		}
	}
	ctl_errf(err, "unknown-command", "unknown command '%.*s%s'; try 'help'", ctl_shown(&w[0]),
	         w[0].p, ctl_cut(&w[0]));
	return -1;
}

const char *
ctl_help_text(void)
{
	static char text[2048];

	if (text[0] == '\0') {
		size_t used = 0;

		for (size_t i = 0; i < CTL_NCMDS && used < sizeof(text); i++) {
			int k = snprintf(text + used, sizeof(text) - used, "%-46s %s\n",
			                 ctl_cmds[i].usage, ctl_cmds[i].help);
			if (k < 0)
				break;
			used += (size_t)k;
		}
	}
	return text;
}

/* --- JSON writer --- */

void
ctl_json_init(struct ctl_json *j, size_t limit)
{
	memset(j, 0, sizeof(*j));
	j->limit = limit;
}

void
ctl_json_fini(struct ctl_json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

static void
ctl_json_put(struct ctl_json *j, const char *s, size_t n)
{
	if (j->failed)
		return;
	if (n > j->limit - j->len) {
		j->failed = true;
		return;
	}
	if (j->len + n > j->cap) {
		size_t cap = j->cap != 0 ? j->cap : 1024;
		char *p;

		while (cap < j->len + n)
			cap *= 2;
		p = realloc(j->buf, cap);
		if (p == NULL) {
			j->failed = true;
			return;
		}
		j->buf = p;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void
ctl_json_puts(struct ctl_json *j, const char *s)
{
	ctl_json_put(j, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), or 0. */
static size_t
ctl_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (n < need)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need;
}

static void
ctl_json_quote(struct ctl_json *j, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0;
	char esc[8];

	ctl_json_put(j, "\"", 1);
	while (i < n) {
		size_t run = i, u;

		while (run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' &&
		       s[run] != '\\')
			run++;
		ctl_json_put(j, (const char *)s + i, run - i);
		i = run;
		if (i == n)
			break;
		if (s[i] == '"' || s[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)s[i];
			ctl_json_put(j, esc, 2);
			i++;
		} else if (s[i] < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", s[i]);
			ctl_json_put(j, esc, 6);
			i++;
		} else if ((u = ctl_utf8_len(s + i, n - i)) > 0) {
			ctl_json_put(j, (const char *)s + i, u);
			i += u;
		} else {
			ctl_json_puts(j, "\\ufffd");
			i++;
		}
	}
	ctl_json_put(j, "\"", 1);
}

/* Comma and key before a value. */
static void
ctl_json_member(struct ctl_json *j, const char *key)
{
	if (j->depth > 0 && j->depth <= CTL_JSON_DEPTH && j->count[j->depth - 1]++ > 0)
		ctl_json_put(j, ",", 1);
	if (key != NULL) {
		ctl_json_quote(j, key);
		ctl_json_put(j, ":", 1);
	}
}

static void
ctl_json_open(struct ctl_json *j, const char *key, const char *brace)
{
	ctl_json_member(j, key);
	ctl_json_puts(j, brace);
	if (j->depth < CTL_JSON_DEPTH) {
		j->count[j->depth] = 0;
		j->is_arr[j->depth] = brace[0] == '[';
	} else {
		j->failed = true;
	}
	j->depth++;
}

void
ctl_json_obj(struct ctl_json *j, const char *key)
{
	ctl_json_open(j, key, "{");
}

void
ctl_json_arr(struct ctl_json *j, const char *key)
{
	ctl_json_open(j, key, "[");
}

void
ctl_json_end(struct ctl_json *j)
{
	if (j->depth == 0)
		return;
	j->depth--;
	ctl_json_put(j, j->depth < CTL_JSON_DEPTH && j->is_arr[j->depth] ? "]" : "}", 1);
}

void
ctl_json_str(struct ctl_json *j, const char *key, const char *val)
{
	ctl_json_member(j, key);
	ctl_json_quote(j, val);
}

void
ctl_json_u64(struct ctl_json *j, const char *key, uint64_t val)
{
	char num[24];

	ctl_json_member(j, key);
	snprintf(num, sizeof(num), "%" PRIu64, val);
	ctl_json_puts(j, num);
}

void
ctl_json_bool(struct ctl_json *j, const char *key, bool val)
{
	ctl_json_member(j, key);
	ctl_json_puts(j, val ? "true" : "false");
}

void
ctl_json_null(struct ctl_json *j, const char *key)
{
	ctl_json_member(j, key);
	ctl_json_puts(j, "null");
}

void
ctl_json_addr(struct ctl_json *j, const char *key, struct in_addr a)
{
	char s[INET_ADDRSTRLEN];

	ctl_json_str(j, key, inet_ntop(AF_INET, &a, s, sizeof(s)) != NULL ? s : "?");
}

void
ctl_json_raw(struct ctl_json *j, const char *key, const char *json)
{
	bool in_str = false, esc = false;
	size_t start = 0, i;

	ctl_json_member(j, key);
	for (i = 0; json[i] != '\0'; i++) {
		char ch = json[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (ch == '\\')
				esc = true;
			else if (ch == '"')
				in_str = false;
			continue;
		}
		if (ch == '"') {
			in_str = true;
		} else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			ctl_json_put(j, json + start, i - start);
			start = i + 1;
		}
	}
	ctl_json_put(j, json + start, i - start);
}

void
ctl_json_frame(struct ctl_json *j)
{
	j->limit += 2; /* the framing never makes an answer too large */
	ctl_json_put(j, "\n\n", 2);
}
