/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * radius_sa.c - parse the SAs of an Access-Accept: Cisco spi AV-pairs and the 3GPP2 MN-HA pair.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "mip_replay.h"
#include "radius_sa.h"
#include "wire.h"

#define AVPAIR_PREFIX "mobileip:spi"
#define TOKENS_MAX    32

void
radius_sa_spec_wipe(struct radius_sa_spec *s)
{
	OPENSSL_cleanse(s->key, sizeof(s->key));
	s->keylen = 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse an IOS SPI: hexadecimal, optional 0x, RADIUS_SPI_MIN..0xffffffff. */
static bool
parse_spi(const char *t, uint32_t *spi)
{
	uint64_t v = 0;
	size_t n = 0;

	if (strncasecmp(t, "0x", 2) == 0)
		t += 2;
	for (; t[n] != '\0'; n++) {
		int d = hexval(t[n]);

		if (d < 0 || n >= 8)
			return false;
		v = v << 4 | (unsigned)d;
	}
	if (n == 0 || v < RADIUS_SPI_MIN)
		return false;
	*spi = (uint32_t)v;
	return true;
}

static bool
parse_dec(const char *t, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (t[0] < '0' || t[0] > '9')
		return false;
	errno = 0;
	v = strtoul(t, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Split @buf in place on blanks; returns the number of tokens or -1 if too many. */
static int
tokenize(char *buf, char **tok)
{
	int n = 0;

	for (char *save = NULL, *t = strtok_r(buf, " \t", &save); t != NULL;
	     t = strtok_r(NULL, " \t", &save)) {
		if (n == TOKENS_MAX)
			return -1;
		tok[n++] = t;
	}
	return n;
}

/* Parse "mobileip:spi[#N]=" and return the offset of the clauses, 0 if not ours, -1 if bad. */
static int
parse_prefix(const char *buf, unsigned *index)
{
	size_t pl = strlen(AVPAIR_PREFIX);
	const char *p = buf + pl;
	uint32_t v = 0;

	if (strncasecmp(buf, AVPAIR_PREFIX, pl) != 0 || (p[0] != '#' && p[0] != '='))
		return 0;
	if (p[0] == '#') {
		char num[12];
		size_t n = strspn(p + 1, "0123456789");

		if (n == 0 || n >= sizeof(num) || p[1 + n] != '=')
			return -1;
		memcpy(num, p + 1, n);
		num[n] = '\0';
		if (!parse_dec(num, 0, 65535, &v))
			return -1;
		p += 1 + n;
	}
	*index = v;
	return (int)(p + 1 - buf);
}

/* Parser state for one AV-pair. */
struct clauses {
	bool spi, in, out, key, alg, mode, replay;
	bool md5;
};

int
radius_sa_parse_avpair(const char *s, size_t len, struct radius_sa_spec *out, char *errmsg,
                       size_t errlen)
{
	char buf[RADIUS_ATTR_MAX + 1], *tok[TOKENS_MAX];
	struct radius_sa_spec sp = { .origin = RADIUS_SA_CISCO,
		                     .alg = MIP_AUTH_KEYED_MD5_PS,
		                     .replay = SA_REPLAY_TIMESTAMP,
		                     .tolerance_s = MIP_REPLAY_TOLERANCE_DEFAULT };
	struct clauses c = { 0 };
	int off, n, i, key_end = -2, rc = -EINVAL;

	if (s == NULL || len > RADIUS_ATTR_MAX || memchr(s, '\0', len) != NULL) {
		snprintf(errmsg, errlen, "AV-pair is not a string");
		return -EINVAL;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	off = parse_prefix(buf, &sp.index);
	if (off == 0) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return 1;
	}
	if (off < 0) {
		snprintf(errmsg, errlen, "bad \"%s#N=\" prefix", AVPAIR_PREFIX);
		goto out;
	}
	n = tokenize(buf + off, tok);
	if (n < 0) {
		snprintf(errmsg, errlen, "too many tokens");
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *t = tok[i], *v = i + 1 < n ? tok[i + 1] : NULL;
		bool *seen;

		if (strcasecmp(t, "spi") == 0)
			seen = &c.spi;
		else if (strcasecmp(t, "inbound-spi") == 0)
			seen = &c.in;
		else if (strcasecmp(t, "outbound-spi") == 0)
			seen = &c.out;
		else if (strcasecmp(t, "key") == 0)
			seen = &c.key;
		else if (strcasecmp(t, "algorithm") == 0)
			seen = &c.alg;
		else if (strcasecmp(t, "mode") == 0)
			seen = &c.mode;
		else if (strcasecmp(t, "replay") == 0)
			seen = &c.replay;
		else if (i == key_end + 1) {
			/* Right after the key value: the key may contain a blank. */
			snprintf(errmsg, errlen, "unexpected token after the key value");
			goto out;
		} else {
			snprintf(errmsg, errlen, "unknown token \"%.32s\"", t);
			goto out;
		}
		if (*seen) {
			snprintf(errmsg, errlen, "duplicate clause \"%s\"", t);
			goto out;
		}
		*seen = true;
		if (v == NULL) {
			snprintf(errmsg, errlen, "missing value after \"%s\"", t);
			goto out;
		}
		i++;
		if (seen == &c.spi || seen == &c.in || seen == &c.out) {
			uint32_t spi;

			if (!parse_spi(v, &spi)) {
				snprintf(errmsg, errlen,
				         "bad SPI \"%.16s\" after \"%s\" (hexadecimal "
				         "100..ffffffff)",
				         v, t);
				goto out;
			}
			if (seen != &c.out)
				sp.spi_in = spi;
			if (seen != &c.in)
				sp.spi_out = spi;
		} else if (seen == &c.key) {
			const char *k = i + 1 < n ? tok[i + 1] : NULL;

			if (k == NULL) {
				snprintf(errmsg, errlen, "missing key value after \"key %s\"", v);
				goto out;
			}
			i++;
			if (strcasecmp(v, "hex") == 0) {
				if (strlen(k) != 32 || strspn(k, "0123456789abcdefABCDEF") != 32) {
					snprintf(errmsg, errlen,
					         "hex key must be exactly 32 hexadecimal digits");
					goto out;
				}
				for (int j = 0; j < 16; j++)
					sp.key[j] = (uint8_t)(hexval(k[2 * j]) << 4 |
					                      hexval(k[2 * j + 1]));
				sp.keylen = 16;
			} else if (strcasecmp(v, "ascii") == 0) {
				if (strlen(k) > MIP_AUTH_KEY_MAX) {
					snprintf(errmsg, errlen, "ascii key longer than %d bytes",
					         MIP_AUTH_KEY_MAX);
					goto out;
				}
				sp.keylen = strlen(k);
				memcpy(sp.key, k, sp.keylen);
			} else {
				snprintf(errmsg, errlen, "unknown key format \"%.16s\"", v);
				goto out;
			}
			key_end = i;
		} else if (seen == &c.alg) {
			if (strcasecmp(v, "hmac-md5") == 0) {
				sp.alg = MIP_AUTH_HMAC_MD5;
			} else if (strcasecmp(v, "md5") == 0) {
				sp.alg = MIP_AUTH_KEYED_MD5_PS;
				c.md5 = true;
			} else {
				snprintf(errmsg, errlen, "unknown algorithm \"%.32s\"", v);
				goto out;
			}
		} else if (seen == &c.mode) {
			if (strcasecmp(v, "prefix-suffix") != 0) {
				snprintf(errmsg, errlen, "unknown mode \"%.32s\"", v);
				goto out;
			}
		} else { /* replay */
			if (strcasecmp(v, "timestamp") != 0) {
				snprintf(errmsg, errlen, "unknown replay method \"%.32s\"", v);
				goto out;
			}
			sp.replay = SA_REPLAY_TIMESTAMP;
			if (i + 1 < n && (strcasecmp(tok[i + 1], "within") == 0 ||
			                  strcasecmp(tok[i + 1], "window") == 0)) {
				if (i + 2 >= n ||
				    !parse_dec(tok[i + 2], 1, 65535, &sp.tolerance_s)) {
					snprintf(errmsg, errlen, "bad seconds after \"%s\"",
					         tok[i + 1]);
					goto out;
				}
				i += 2;
			}
		}
	}
	if (c.mode && c.alg && !c.md5) {
		snprintf(errmsg, errlen, "mode prefix-suffix needs algorithm md5");
		goto out;
	}
	if (!c.spi && !(c.in && c.out)) {
		snprintf(errmsg, errlen, "missing \"spi\" (or both inbound-spi and outbound-spi)");
		goto out;
	}
	if (c.spi && (c.in || c.out)) {
		snprintf(errmsg, errlen, "\"spi\" conflicts with inbound-spi/outbound-spi");
		goto out;
	}
	if (!c.key) {
		snprintf(errmsg, errlen, "missing \"key\"");
		goto out;
	}
	if (sp.keylen == 0) {
		snprintf(errmsg, errlen, "empty key");
		goto out;
	}
	*out = sp;
	rc = 0;
out:
	radius_sa_spec_wipe(&sp);
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

/* An SPI attribute and a salted key attribute that make one SA together. */
struct sa_pair {
	const char *name;
	struct radius_sa_spec sp;
	bool spi, key, bad;
};

static void
pair_init(struct sa_pair *p, const char *name, enum radius_sa_origin origin, unsigned index)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->sp.origin = origin;
	p->sp.index = index;
	p->sp.alg = MIP_AUTH_HMAC_MD5;
	p->sp.replay = SA_REPLAY_TIMESTAMP;
	p->sp.tolerance_s = MIP_REPLAY_TOLERANCE_DEFAULT;
}

static void
pair_spi(struct sa_pair *p, const uint8_t *v, size_t vlen, unsigned *bad, char *errmsg,
         size_t errlen)
{
	if (vlen == 4 && !p->spi) {
		p->sp.spi_in = p->sp.spi_out = wire_get32(v);
		p->spi = true;
		return;
	}
	snprintf(errmsg, errlen, "bad or repeated %s SPI", p->name);
	p->bad = true;
	(*bad)++;
}

static void
pair_key(struct sa_pair *p, const uint8_t *v, size_t vlen, const uint8_t *secret, size_t secretlen,
         const uint8_t *req_auth, unsigned *bad, char *errmsg, size_t errlen)
{
	if (!p->key &&
	    radius_salt_decrypt(v, vlen, secret, secretlen, req_auth, p->sp.key, sizeof(p->sp.key),
	                        &p->sp.keylen) == 0 &&
	    p->sp.keylen > 0) {
		p->key = true;
		return;
	}
	snprintf(errmsg, errlen, "bad or repeated %s key", p->name);
	p->bad = true;
	(*bad)++;
}

/* Store the SA of @p in @out[*n] when complete; count it unusable when half there. */
static void
pair_finish(struct sa_pair *p, struct radius_sa_spec *out, size_t *n, size_t max, unsigned *bad,
            char *errmsg, size_t errlen)
{
	if (p->spi && p->key && !p->bad && p->sp.spi_in >= RADIUS_SPI_MIN && *n < max) {
		out[(*n)++] = p->sp;
	} else if ((p->spi || p->key) && !p->bad) {
		snprintf(errmsg, errlen, "%s SPI and key must come together (SPI >= 256)", p->name);
		(*bad)++;
	}
	radius_sa_spec_wipe(&p->sp);
}

size_t
radius_sa_from_reply(const uint8_t *pkt, size_t len, const uint8_t req_auth[RADIUS_AUTH_LEN],
                     const uint8_t *secret, size_t secretlen, struct radius_sa_spec *out,
                     size_t max, struct in_addr *framed, unsigned *bad, char *errmsg, size_t errlen)
{
	struct sa_pair g, wh, wr;
	size_t off = RADIUS_HDR_LEN, n = 0, sublen, vlen;
	const uint8_t *val, *sub;
	uint32_t vendor;
	uint8_t type, vtype;

	pair_init(&g, "3GPP2 MN-HA", RADIUS_SA_3GPP2, 0);
	pair_init(&wh, "WiMAX MN-hHA-MIP4", RADIUS_SA_WIMAX, 0);
	pair_init(&wr, "WiMAX RRQ-MN-HA", RADIUS_SA_WIMAX, 1);
	framed->s_addr = INADDR_ANY;
	*bad = 0;
	while (radius_attr_next(pkt, len, &off, &type, &val, &vlen)) {
		if (type == RADIUS_ATTR_FRAMED_IP_ADDRESS && vlen == 4)
			memcpy(&framed->s_addr, val, 4);
		if (type != RADIUS_ATTR_VENDOR_SPECIFIC)
			continue;
		if (radius_vsa_split(val, vlen, &vendor, &vtype, &sub, &sublen) != 0)
			continue; /* other vendors may use other sub-attribute formats */
		if (vendor == RADIUS_VENDOR_CISCO && vtype == RADIUS_CISCO_AVPAIR) {
			int rc = n < max ? radius_sa_parse_avpair((const char *)sub, sublen,
			                                          &out[n], errmsg, errlen)
			                 : -EINVAL;

			if (rc == 0)
				n++;
			else if (rc < 0)
				(*bad)++;
		} else if (vendor == RADIUS_VENDOR_3GPP2 && vtype == RADIUS_3GPP2_MN_HA_SPI) {
			pair_spi(&g, sub, sublen, bad, errmsg, errlen);
		} else if (vendor == RADIUS_VENDOR_3GPP2 && vtype == RADIUS_3GPP2_MN_HA_KEY) {
			pair_key(&g, sub, sublen, secret, secretlen, req_auth, bad, errmsg, errlen);
		} else if (vendor == RADIUS_VENDOR_WIMAX &&
		           (vtype == RADIUS_WIMAX_HHA_KEY || vtype == RADIUS_WIMAX_HHA_SPI ||
		            vtype == RADIUS_WIMAX_RRQ_KEY || vtype == RADIUS_WIMAX_RRQ_SPI)) {
			struct sa_pair *p =
			        vtype == RADIUS_WIMAX_HHA_KEY || vtype == RADIUS_WIMAX_HHA_SPI
			                ? &wh
			                : &wr;

			/* WiMAX: a continuation byte precedes the value (format=1,1,c). */
			if (sublen < 1 || (sub[0] & 0x80) != 0) {
				snprintf(errmsg, errlen, "%s: fragmented or empty value", p->name);
				p->bad = true;
				(*bad)++;
			} else if (vtype == RADIUS_WIMAX_HHA_SPI || vtype == RADIUS_WIMAX_RRQ_SPI) {
				pair_spi(p, sub + 1, sublen - 1, bad, errmsg, errlen);
			} else {
				pair_key(p, sub + 1, sublen - 1, secret, secretlen, req_auth, bad,
				         errmsg, errlen);
			}
		}
	}
	pair_finish(&g, out, &n, max, bad, errmsg, errlen);
	pair_finish(&wh, out, &n, max, bad, errmsg, errlen);
	pair_finish(&wr, out, &n, max, bad, errmsg, errlen);
	return n;
}
