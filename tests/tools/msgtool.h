/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msgtool.h - what the files of pmip-msgtool share: the exit statuses, the argument parsers of
 * pmip_msgtool.c (each exits with a usage error on bad input) and the two commands.
 */
#ifndef PMIP_MSGTOOL_H
#define PMIP_MSGTOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#include "mip_auth.h"

#define MSGTOOL_PROG         "pmip-msgtool"
#define MSGTOOL_EXIT_USAGE   1 /* bad command line */
#define MSGTOOL_EXIT_INVALID 2 /* decode: invalid input */

/**
 * msgtool_usage_error - print "pmip-msgtool: " and the message on stderr, then exit with
 * MSGTOOL_EXIT_USAGE.
 * @fmt: printf format.
 */
void msgtool_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/**
 * msgtool_parse_num - parse an unsigned number (decimal or 0x hex) of at most @max.
 * @s: the text.
 * @max: largest value accepted.
 * @out: receives the value.
 * Return: true on success.
 */
bool msgtool_parse_num(const char *s, uint64_t max, uint64_t *out);

/** msgtool_num_arg - the number (0..@max) given to option --@opt, or a usage error. */
uint64_t msgtool_num_arg(const char *opt, const char *s, uint64_t max);

/** msgtool_addr_arg - the IPv4 address given to option --@opt, or a usage error. */
struct in_addr msgtool_addr_arg(const char *opt, const char *s);

/**
 * msgtool_parse_hex - decode the hex digits of @s into @buf.
 * @s: the text.
 * @buf: receives the bytes.
 * @cap: capacity of @buf.
 * @len: receives the number of bytes.
 * Return: false on an odd length, a bad digit or overflow.
 */
bool msgtool_parse_hex(const char *s, uint8_t *buf, size_t cap, size_t *len);

/**
 * msgtool_split - split @arg of option --@opt at its first @nmax - 1 colons.
 * @opt: option name, for the usage error when @arg does not fit in @copy.
 * @arg: the value.
 * @copy: buffer the fields point into.
 * @cap: size of @copy.
 * @field: receives the fields; the last keeps any further colons.
 * @nmax: size of @field.
 * Return: the number of fields.
 */
size_t msgtool_split(const char *opt, const char *arg, char *copy, size_t cap, char **field,
                     size_t nmax);

/** msgtool_alg_arg - "hmac-md5" or "keyed-md5" given to --@opt, or a usage error. */
enum mip_auth_alg msgtool_alg_arg(const char *opt, const char *s);

/**
 * msgtool_key_arg - a key of algorithm @alg from "KEYHEX" given to --@opt, or a usage error
 * (which never echoes the key). Free it with mip_auth_key_free().
 */
struct mip_auth_key *msgtool_key_arg(const char *opt, enum mip_auth_alg alg, const char *hex);

/**
 * msgtool_encode - "encode KIND [--option value ...]": print one message as hex.
 * @argc: arguments after "encode".
 * @argv: them.
 * Return: 0 (errors exit).
 */
int msgtool_encode(int argc, char **argv);

/**
 * msgtool_decode - "decode [--verify ALG:KEYHEX]": read hex on stdin, print one JSON object.
 * @argc: arguments after "decode".
 * @argv: them.
 * Return: 0 (errors exit).
 */
int msgtool_decode(int argc, char **argv);

#endif /* PMIP_MSGTOOL_H */
