/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pmipctl.c - the operator's client for pmipd's control socket.
 *
 *   pmipctl [-j] [-s SOCKET] [-t SECONDS] COMMAND [ARGUMENT...]
 *
 * The words of the command line are sent as one request line; the answer is
 * one JSON object followed by an empty line (core/ctl.h, docs/pmipctl.md).
 * With -j the answer is printed as it came; otherwise lists of records are
 * printed as tables, records as aligned "name value" lines and the
 * configuration as indented JSON. Exit status: 0 for an "ok" answer, 1 for an
 * error answer or a usage error, 2 when the daemon cannot be reached or gives
 * no valid answer in time.
 *
 * The client is deliberately standalone (no libpmipcore, no JSON library): a
 * small JSON reader below turns the answer into a tree for printing.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define PMIPCTL_DEFAULT_SOCKET "/run/pmipd/pmipd.sock"
#define PMIPCTL_ANSWER_MAX     ((size_t)80 << 20)
#define PMIPCTL_DEPTH_MAX      64

enum { EXIT_OK = 0, EXIT_ERROR_REPLY = 1, EXIT_NO_DAEMON = 2 };

/* --- a small JSON reader --- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	char *str;           /* J_STR: decoded text; J_NUM, J_BOOL: the literal */
	struct jval **items; /* J_ARR values, J_OBJ values */
	char **keys;         /* J_OBJ member names */
	size_t n;
};

struct jparser {
	const char *p, *end;
	unsigned depth;
};

static void
jfree(struct jval *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		jfree(v->items[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

static void
jskip(struct jparser *jp)
{
	while (jp->p < jp->end &&
	       (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

static void
jput_utf8(char *out, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		out[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (char)(0xc0 | cp >> 6);
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out[(*n)++] = (char)(0xe0 | cp >> 12);
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*n)++] = (char)(0xf0 | cp >> 18);
		out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
}

static int
jhex4(const char *s, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
		             : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
		             : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
		                                    : 16;
		if (d == 16)
			return -1;
		*out = *out << 4 | d;
	}
	return 0;
}

/* A string at jp->p (the opening quote); the decoded text (malloc), or NULL. */
static char *
jstring(struct jparser *jp)
{
	const char *s = jp->p + 1;
	size_t n = 0;
	char *out;

	/* Decoded text is never longer than the source (a 6-byte escape gives <= 4 bytes). */
	out = malloc((size_t)(jp->end - s) + 1);
	if (out == NULL)
		return NULL;
	while (s < jp->end && *s != '"') {
		unsigned cp;

		if ((unsigned char)*s < 0x20)
			goto bad;
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		if (++s >= jp->end)
			goto bad;
		switch (*s) {
		case '"':
		case '\\':
		case '/':
			out[n++] = *s++;
			continue;
		case 'b':
			out[n++] = '\b';
			break;
		case 'f':
			out[n++] = '\f';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case 'u':
			if (jp->end - s < 5 || jhex4(s + 1, &cp) < 0)
				goto bad;
			s += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && jp->end - s >= 7 && s[1] == '\\' &&
			    s[2] == 'u') {
				unsigned lo;

				if (jhex4(s + 3, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					s += 6;
				}
			}
			if (cp >= 0xd800 && cp < 0xe000)
				cp = 0xfffd;
			jput_utf8(out, &n, cp);
			break;
		default:
			goto bad;
		}
		s++;
	}
	if (s >= jp->end)
		goto bad;
	out[n] = '\0';
	jp->p = s + 1;
	return out;
bad:
	free(out);
	return NULL;
}

static struct jval *jvalue(struct jparser *jp);

static int
jappend(struct jval *v, char *key, struct jval *item)
{
	struct jval **items = realloc(v->items, (v->n + 1) * sizeof(*items));

	if (items == NULL)
		return -1;
	v->items = items;
	if (v->type == J_OBJ) {
		char **keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));

		if (keys == NULL)
			return -1;
		v->keys = keys;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return 0;
}

/* The members of an array or object; jp->p is just past the opening bracket. */
static int
jcontainer(struct jparser *jp, struct jval *v)
{
	char close = v->type == J_ARR ? ']' : '}';

	jskip(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		struct jval *item;

		jskip(jp);
		if (v->type == J_OBJ) {
			if (jp->p >= jp->end || *jp->p != '"' || (key = jstring(jp)) == NULL)
				return -1;
			jskip(jp);
			if (jp->p >= jp->end || *jp->p != ':') {
				free(key);
				return -1;
			}
			jp->p++;
		}
		item = jvalue(jp);
		if (item == NULL || jappend(v, key, item) < 0) {
			free(key);
			jfree(item);
			return -1;
		}
		jskip(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			return 0;
		}
		return -1;
	}
}

static struct jval *
jvalue(struct jparser *jp)
{
	struct jval *v;
	const char *start;

	jskip(jp);
	if (jp->p >= jp->end || jp->depth >= PMIPCTL_DEPTH_MAX)
		return NULL;
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return NULL;
	start = jp->p;
	switch (*jp->p) {
	case '{':
	case '[':
		v->type = *jp->p == '{' ? J_OBJ : J_ARR;
		jp->p++;
		jp->depth++;
		if (jcontainer(jp, v) < 0)
			goto bad;
		jp->depth--;
		return v;
	case '"':
		v->type = J_STR;
		if ((v->str = jstring(jp)) == NULL)
			goto bad;
		return v;
	default:
		while (jp->p < jp->end && strchr(",]}: \t\r\n", *jp->p) == NULL)
			jp->p++;
		v->str = strndup(start, (size_t)(jp->p - start));
		if (v->str == NULL || v->str[0] == '\0')
			goto bad;
		if (strcmp(v->str, "null") == 0)
			v->type = J_NULL;
		else if (strcmp(v->str, "true") == 0 || strcmp(v->str, "false") == 0)
			v->type = J_BOOL;
		else if (strspn(v->str, "-+.0123456789eE") == strlen(v->str))
			v->type = J_NUM;
		else
			goto bad;
		return v;
	}
bad:
	jfree(v);
	return NULL;
}

static struct jval *
jparse(const char *text, size_t len)
{
	struct jparser jp = { text, text + len, 0 };
	struct jval *v = jvalue(&jp);

	jskip(&jp);
	if (v != NULL && jp.p != jp.end) {
		jfree(v);
		return NULL;
	}
	return v;
}

static const struct jval *
jget(const struct jval *obj, const char *key)
{
	if (obj == NULL || obj->type != J_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

/* --- printing --- */

static bool
jscalar(const struct jval *v)
{
	return v->type != J_ARR && v->type != J_OBJ;
}

static void jcompact(FILE *f, const struct jval *v);

static void
jquote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
jcompact(FILE *f, const struct jval *v)
{
	switch (v->type) {
	case J_STR:
		jquote(f, v->str);
		return;
	case J_NULL:
	case J_BOOL:
	case J_NUM:
		fputs(v->str, f);
		return;
	case J_ARR:
	case J_OBJ:
		fputc(v->type == J_ARR ? '[' : '{', f);
		for (size_t i = 0; i < v->n; i++) {
			if (i > 0)
				fputc(',', f);
			if (v->type == J_OBJ) {
				jquote(f, v->keys[i]);
				fputc(':', f);
			}
			jcompact(f, v->items[i]);
		}
		fputc(v->type == J_ARR ? ']' : '}', f);
		return;
	}
}

static void
jpretty(FILE *f, const struct jval *v, unsigned indent)
{
	if (jscalar(v) || v->n == 0) {
		jcompact(f, v);
		return;
	}
	fputc(v->type == J_ARR ? '[' : '{', f);
	for (size_t i = 0; i < v->n; i++) {
		fprintf(f, "%s\n%*s", i > 0 ? "," : "", (int)(indent + 2), "");
		if (v->type == J_OBJ) {
			jquote(f, v->keys[i]);
			fputs(": ", f);
		}
		jpretty(f, v->items[i], indent + 2);
	}
	fprintf(f, "\n%*s%c", (int)indent, "", v->type == J_ARR ? ']' : '}');
}

/* A cell: scalars as text ("-" for null and empty), containers as compact JSON. */
static char *
jcell(const struct jval *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (v == NULL || v->type == J_NULL || (v->type == J_STR && v->str[0] == '\0'))
		return strdup("-");
	if (jscalar(v))
		return strdup(v->str);
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return NULL;
	jcompact(f, v);
	fclose(f);
	return buf;
}

static void
print_upper(const char *s, int width)
{
	int n = 0;

	for (; *s != '\0'; s++, n++)
		putchar(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s);
	if (width > n)
		printf("%*s", width - n, "");
}

/* An array of objects as a table whose columns are the members of the first row. */
static void
print_table(const struct jval *arr)
{
	const struct jval *first = arr->items[0];
	size_t cols = first->n;
	int *w = calloc(cols, sizeof(*w));

	if (w == NULL)
		return;
	for (size_t c = 0; c < cols; c++)
		w[c] = (int)strlen(first->keys[c]);
	for (size_t r = 0; r < arr->n; r++) {
		for (size_t c = 0; c < cols; c++) {
			char *cell = jcell(jget(arr->items[r], first->keys[c]));

			if (cell != NULL && (int)strlen(cell) > w[c])
				w[c] = (int)strlen(cell);
			free(cell);
		}
	}
	for (size_t c = 0; c < cols; c++)
		print_upper(first->keys[c], c + 1 < cols ? w[c] + 2 : 0);
	putchar('\n');
	for (size_t r = 0; r < arr->n; r++) {
		for (size_t c = 0; c < cols; c++) {
			char *cell = jcell(jget(arr->items[r], first->keys[c]));

			if (c + 1 < cols)
				printf("%-*s", w[c] + 2, cell != NULL ? cell : "?");
			else
				fputs(cell != NULL ? cell : "?", stdout);
			free(cell);
		}
		putchar('\n');
	}
	free(w);
}

static void print_members(const struct jval *obj, unsigned indent);

static void
print_member(const char *key, const struct jval *v, int width, unsigned indent)
{
	if (strcmp(key, "config") == 0 && v->type == J_OBJ) {
		jpretty(stdout, v, 0);
		putchar('\n');
	} else if (v->type == J_STR && strchr(v->str, '\n') != NULL) {
		fputs(v->str, stdout);
	} else if (jscalar(v)) {
		char *cell = jcell(v);

		printf("%*s%-*s  %s\n", (int)indent, "", width, key, cell != NULL ? cell : "?");
		free(cell);
	} else if (v->type == J_ARR && v->n == 0) {
		printf("%*s(no %s)\n", (int)indent, "", key);
	} else if (v->type == J_ARR && v->items[0]->type == J_OBJ) {
		print_table(v);
	} else if (v->type == J_ARR) {
		printf("%*s%-*s  ", (int)indent, "", width, key);
		jcompact(stdout, v);
		putchar('\n');
	} else {
		printf("%*s%s:\n", (int)indent, "", key);
		print_members(v, indent + 2);
	}
}

/* Scalars first, aligned, then lists and nested records. */
static void
print_members(const struct jval *obj, unsigned indent)
{
	int width = 0;

	for (size_t i = 0; i < obj->n; i++)
		if (jscalar(obj->items[i]) && (int)strlen(obj->keys[i]) > width)
			width = (int)strlen(obj->keys[i]);
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < obj->n; i++)
			if (jscalar(obj->items[i]) == (pass == 0))
				print_member(obj->keys[i], obj->items[i], width, indent);
}

/* --- transport --- */

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: pmipctl [-hj] [-s SOCKET] [-t SECONDS] COMMAND [ARGUMENT...]\n"
	        "  -j          print the daemon's JSON answer as it is\n"
	        "  -s SOCKET   control socket (default $PMIPCTL_SOCKET, else %s)\n"
	        "  -t SECONDS  give up waiting for the answer after SECONDS (default 10)\n"
	        "Commands: pmipctl help. Exit status: 0 ok, 1 error answer or usage, 2 daemon\n"
	        "not reachable or no valid answer.\n",
	        PMIPCTL_DEFAULT_SOCKET);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Send @req and read the answer up to its empty line; the answer (malloc) or NULL. */
static char *
exchange(const char *path, const char *req, int timeout_ms, size_t *len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int64_t deadline = now_ms() + timeout_ms;
	size_t cap = 65536, n = 0, off = 0, reqlen = strlen(req);
	char *buf = NULL;
	int fd, send_err = 0;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "pmipctl: socket path %s is too long\n", path);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr,
		        "pmipctl: cannot connect to %s: %s (is pmipd running? -s names "
		        "its control socket)\n",
		        path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while (off < reqlen) {
		ssize_t k = send(fd, req + off, reqlen - off, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EPIPE || errno == ECONNRESET)) {
			/* The daemon may have refused us with an answer (too many clients). */
			send_err = errno;
			break;
		}
		if (k < 0) {
			fprintf(stderr, "pmipctl: sending to %s: %s\n", path, strerror(errno));
			goto fail;
		}
		off += (size_t)k;
	}
	if (send_err == 0)
		shutdown(fd, SHUT_WR);
	buf = malloc(cap);
	if (buf == NULL)
		goto oom;
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int64_t left = deadline - now_ms();
		ssize_t k;

		if (n >= 2 && buf[n - 1] == '\n' && buf[n - 2] == '\n')
			break;
		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			fprintf(stderr, "pmipctl: no answer from %s within %d s\n", path,
			        timeout_ms / 1000);
			goto fail;
		}
		if (n == cap) {
			char *p;

			if (cap >= PMIPCTL_ANSWER_MAX) {
				fprintf(stderr, "pmipctl: answer larger than %zu bytes\n", cap);
				goto fail;
			}
			p = realloc(buf, cap * 2);
			if (p == NULL)
				goto oom;
			buf = p;
			cap *= 2;
		}
		k = recv(fd, buf + n, cap - n, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			fprintf(stderr, "pmipctl: reading from %s: %s\n", path, strerror(errno));
			goto fail;
		}
		if (k == 0) {
			fprintf(stderr, "pmipctl: %s closed the connection before answering%s%s\n",
			        path, send_err != 0 ? ": " : "",
			        send_err != 0 ? strerror(send_err) : "");
			goto fail;
		}
		n += (size_t)k;
	}
	close(fd);
	*len = n - 2;
	return buf;
oom:
	fprintf(stderr, "pmipctl: out of memory\n");
fail:
	free(buf);
	close(fd);
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *path = getenv("PMIPCTL_SOCKET");
	const struct jval *ok, *data, *error;
	bool raw = false;
	int timeout_s = 10, ch, rc;
	size_t reqlen = 1, len;
	struct jval *ans;
	char *req, *text, *end;

	if (path == NULL || path[0] == '\0')
		path = PMIPCTL_DEFAULT_SOCKET;
	while ((ch = getopt(argc, argv, "+hjs:t:")) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'j':
			raw = true;
			break;
		case 's':
			path = optarg;
			break;
		case 't':
			timeout_s = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || timeout_s < 1 || timeout_s > 3600) {
				fprintf(stderr, "pmipctl: -t takes 1..3600 seconds\n");
				return EXIT_ERROR_REPLY;
			}
			break;
		default:
			usage(stderr);
			return EXIT_ERROR_REPLY;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return EXIT_ERROR_REPLY;
	}
	for (int i = optind; i < argc; i++)
		reqlen += strlen(argv[i]) + 1;
	req = malloc(reqlen + 1);
	if (req == NULL)
		return EXIT_NO_DAEMON;
	req[0] = '\0';
	for (int i = optind; i < argc; i++) {
		if (strchr(argv[i], '\n') != NULL) {
			fprintf(stderr, "pmipctl: arguments cannot contain a newline\n");
			free(req);
			return EXIT_ERROR_REPLY;
		}
		strcat(req, argv[i]);
		strcat(req, i + 1 < argc ? " " : "\n");
	}
	text = exchange(path, req, timeout_s * 1000, &len);
	free(req);
	if (text == NULL)
		return EXIT_NO_DAEMON;
	ans = jparse(text, len);
	ok = jget(ans, "ok");
	if (ok == NULL || ok->type != J_BOOL) {
		fprintf(stderr, "pmipctl: the answer from %s is not valid\n", path);
		jfree(ans);
		free(text);
		return EXIT_NO_DAEMON;
	}
	rc = strcmp(ok->str, "true") == 0 ? EXIT_OK : EXIT_ERROR_REPLY;
	if (raw) {
		fwrite(text, 1, len, stdout);
		putchar('\n');
	} else if (rc != EXIT_OK) {
		const struct jval *code, *msg;

		error = jget(ans, "error");
		code = jget(error, "code");
		msg = jget(error, "message");
		fprintf(stderr, "pmipctl: %s (%s)\n",
		        msg != NULL && msg->type == J_STR ? msg->str : "error",
		        code != NULL && code->type == J_STR ? code->str : "?");
	} else {
		data = jget(ans, "data");
		if (data == NULL || data->type != J_OBJ || data->n == 0)
			puts("ok");
		else
			print_members(data, 0);
	}
	jfree(ans);
	free(text);
	if (fflush(stdout) != 0)
		return EXIT_ERROR_REPLY;
	return rc;
}
