/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nb_pmip_netconf.c - config callbacks: /pmip/netconf (the NETCONF server).
 *
 * VALIDATE reads the whole container into a struct nc_settings, which checks
 * the host key file (ECDSA P-256), every password hash (a method crypt(3)
 * knows), every public key, and for TLS the server certificate, that the
 * server key belongs to it, and the trusted CA file (OpenSSL PEM readers;
 * only paths are kept, never key material). PREPARE of a create starts the server and
 * opens the endpoint, so that a port in use fails the transaction; PREPARE of
 * a modify only checks that a new address or port can be bound. APPLY swaps
 * the settings in (users take effect for the next login), and a destroy
 * closes the endpoint and ends every session. Secrets (password hashes) are
 * never part of an error message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <crypt.h>
#include <libssh/libssh.h>
#include <libyang/libyang.h>
#include <nc_server.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "engine.h"
#include "log.h"
#include "nb_pmip.h"
#include "nc.h"

void
nc_settings_free(struct nc_settings *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_users; i++) {
		struct nc_user *u = &s->users[i];

		if (u->hash != NULL) {
			explicit_bzero(u->hash, strlen(u->hash));
			free(u->hash);
		}
		for (size_t k = 0; k < u->n_keys; k++)
			free(u->keys[k]);
		free(u->keys);
	}
	free(s->users);
	free(s->host_key);
	for (size_t i = 0; i < s->n_ctn; i++)
		free(s->ctn[i].fingerprint);
	free(s->ctn);
	free(s->tls_cert);
	free(s->tls_key);
	free(s->tls_ca);
	free(s);
}

static bool
nc_str_differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0);
}

bool
nc_tls_differs(const struct nc_settings *a, const struct nc_settings *b)
{
	if (a->tls_on != b->tls_on)
		return true;
	if (!a->tls_on)
		return false;
	if (strcmp(a->tls_address, b->tls_address) != 0 || a->tls_port != b->tls_port ||
	    nc_str_differs(a->tls_cert, b->tls_cert) || nc_str_differs(a->tls_key, b->tls_key) ||
	    nc_str_differs(a->tls_ca, b->tls_ca) || a->n_ctn != b->n_ctn)
		return true;
	for (size_t i = 0; i < a->n_ctn; i++)
		if (a->ctn[i].id != b->ctn[i].id || a->ctn[i].map_type != b->ctn[i].map_type ||
		    strcmp(a->ctn[i].fingerprint, b->ctn[i].fingerprint) != 0 ||
		    strcmp(a->ctn[i].name, b->ctn[i].name) != 0)
			return true;
	return false;
}

static void
nc_set_err(struct nb_error *err, const struct lyd_node *node, const char *fmt, const char *arg)
{
	char *path = node != NULL ? lyd_path(node, LYD_PATH_STD, NULL, 0) : NULL;

	memset(err, 0, sizeof(*err));
	snprintf(err->path, sizeof(err->path), "%s", path != NULL ? path : "");
	snprintf(err->msg, sizeof(err->msg), fmt, arg);
	snprintf(err->app_tag, sizeof(err->app_tag), "invalid-value");
	free(path);
}

static int
nc_check_host_key(const struct lyd_node *leaf, struct nb_error *err)
{
	const char *path = lyd_get_value(leaf);
	ssh_key key = NULL;
	int rc = 0;

	if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) != SSH_OK) {
		nc_set_err(err, leaf, "cannot read an SSH private key from %s", path);
		return -1;
	}
	if (ssh_key_type(key) != SSH_KEYTYPE_ECDSA_P256) {
		nc_set_err(err, leaf, "the host key in %s is not an ECDSA P-256 key", path);
		rc = -1;
	}
	ssh_key_free(key);
	return rc;
}

static int
nc_check_hash(const struct lyd_node *leaf, struct nb_error *err)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *out;
	int rc = -1;

	if (cd == NULL) {
		nc_set_err(err, leaf, "%s", "out of memory");
		return -1;
	}
	out = crypt_r("", lyd_get_value(leaf), cd);
	if (out != NULL && out[0] != '*')
		rc = 0;
	else
		nc_set_err(err, leaf, "%s",
		           "password-hash uses a hashing method crypt(3) does not support");
	free(cd);
	return rc;
}

static int
nc_check_pubkey(const struct lyd_node *leaf, struct nb_error *err)
{
	char type[64], b64[16384];
	ssh_key k = NULL;

	if (sscanf(lyd_get_value(leaf), "%63s %16383s", type, b64) != 2 ||
	    ssh_key_type_from_name(type) == SSH_KEYTYPE_UNKNOWN ||
	    ssh_pki_import_pubkey_base64(b64, ssh_key_type_from_name(type), &k) != SSH_OK) {
		nc_set_err(err, leaf, "%s", "authorized-key is not a valid OpenSSH public key");
		return -1;
	}
	ssh_key_free(k);
	return 0;
}

/* Never prompt for a pass phrase: an encrypted key is refused. */
static int
nc_no_pass_cb(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return 0;
}

/* The certificate in @leaf's file, or NULL with @err set. */
static X509 *
nc_read_cert(const struct lyd_node *leaf, struct nb_error *err)
{
	const char *path = lyd_get_value(leaf);
	FILE *f = fopen(path, "r");
	X509 *x = NULL;

	if (f != NULL) {
		x = PEM_read_X509(f, NULL, nc_no_pass_cb, NULL);
		fclose(f);
	}
	ERR_clear_error();
	if (x == NULL)
		nc_set_err(err, leaf, "cannot read a PEM certificate from %s", path);
	return x;
}

/*
 * The server certificate, its key (which must belong to it) and the trusted
 * CA file. Messages name files, never their contents.
 */
static int
nc_check_tls_files(const struct lyd_node *tls, struct nb_error *err)
{
	const struct lyd_node *cl = nb_pmip_node(tls, "server-certificate");
	const struct lyd_node *kl = nb_pmip_node(tls, "server-key");
	const struct lyd_node *cal = nb_pmip_node(tls, "trusted-ca");
	EVP_PKEY *key = NULL;
	X509 *cert, *ca;
	size_t n_ca = 0;
	FILE *f;
	int rc = -1;

	if (cl == NULL || kl == NULL || cal == NULL) {
		nc_set_err(err, tls, "%s",
		           "tls needs server-certificate, server-key and trusted-ca");
		return -1;
	}
	cert = nc_read_cert(cl, err);
	if (cert == NULL)
		return -1;
	f = fopen(lyd_get_value(kl), "r");
	if (f != NULL) {
		key = PEM_read_PrivateKey(f, NULL, nc_no_pass_cb, NULL);
		fclose(f);
	}
	if (key == NULL) {
		nc_set_err(err, kl, "cannot read an unencrypted PEM private key from %s",
		           lyd_get_value(kl));
		goto out;
	}
	if (X509_check_private_key(cert, key) != 1) {
		nc_set_err(err, kl, "the key in %s does not belong to the server certificate",
		           lyd_get_value(kl));
		goto out;
	}
	f = fopen(lyd_get_value(cal), "r");
	while (f != NULL && (ca = PEM_read_X509(f, NULL, nc_no_pass_cb, NULL)) != NULL) {
		X509_free(ca);
		n_ca++;
	}
	if (f != NULL)
		fclose(f);
	if (n_ca == 0) {
		nc_set_err(err, cal, "cannot read a PEM CA certificate from %s",
		           lyd_get_value(cal));
		goto out;
	}
	rc = 0;
out:
	ERR_clear_error();
	EVP_PKEY_free(key);
	X509_free(cert);
	return rc;
}

static int
nc_map_type(const char *v)
{
	static const struct {
		const char *name;
		NC_TLS_CTN_MAPTYPE type;
	} types[] = {
		{ "specified", NC_TLS_CTN_SPECIFIED },
		{ "san-rfc822-name", NC_TLS_CTN_SAN_RFC822_NAME },
		{ "san-dns-name", NC_TLS_CTN_SAN_DNS_NAME },
		{ "san-ip-address", NC_TLS_CTN_SAN_IP_ADDRESS },
		{ "san-any", NC_TLS_CTN_SAN_ANY },
		{ "common-name", NC_TLS_CTN_COMMON_NAME },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(v, types[i].name) == 0)
			return (int)types[i].type;
	return (int)NC_TLS_CTN_UNKNOWN;
}

static int
nc_tls_from_tree(const struct lyd_node *tls, struct nc_settings *s, struct nb_error *err)
{
	const struct lyd_node *c;
	size_t n = 0;

	if (nc_check_tls_files(tls, err) < 0)
		return -1;
	s->tls_on = true;
	snprintf(s->tls_address, sizeof(s->tls_address), "%s",
	         nb_pmip_str(tls, "address", "127.0.0.1"));
	s->tls_port = (uint16_t)nb_pmip_uint(tls, "port", 6513);
	s->tls_cert = strdup(nb_pmip_str(tls, "server-certificate", ""));
	s->tls_key = strdup(nb_pmip_str(tls, "server-key", ""));
	s->tls_ca = strdup(nb_pmip_str(tls, "trusted-ca", ""));
	if (s->tls_cert == NULL || s->tls_key == NULL || s->tls_ca == NULL)
		return -1;
	LY_LIST_FOR (lyd_child(tls), c)
		if (strcmp(LYD_NAME(c), "cert-to-name") == 0)
			n++;
	s->ctn = calloc(n + 1, sizeof(*s->ctn));
	if (s->ctn == NULL)
		return -1;
	LY_LIST_FOR (lyd_child(tls), c) {
		struct nc_ctn *t = &s->ctn[s->n_ctn];

		if (strcmp(LYD_NAME(c), "cert-to-name") != 0)
			continue;
		t->id = (uint32_t)nb_pmip_uint(c, "id", 0);
		t->map_type = nc_map_type(nb_pmip_str(c, "map-type", ""));
		snprintf(t->name, sizeof(t->name), "%s", nb_pmip_str(c, "name", ""));
		t->fingerprint = strdup(nb_pmip_str(c, "fingerprint", ""));
		if (t->fingerprint == NULL)
			return -1;
		s->n_ctn++;
		/* libnetconf2 prints hashes in lower case */
		for (char *p = t->fingerprint; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'F')
				*p = (char)(*p - 'A' + 'a');
	}
	if (s->ssh_on && s->tls_port == s->port && strcmp(s->tls_address, s->address) == 0) {
		nc_set_err(err, nb_pmip_node(tls, "port"), "%s",
		           "the tls endpoint uses the address and port of the ssh endpoint");
		return -1;
	}
	return 0;
}

static int
nc_user_from_tree(const struct lyd_node *un, struct nc_user *u, struct nb_error *err)
{
	const struct lyd_node *c;

	snprintf(u->name, sizeof(u->name), "%s", nb_pmip_str(un, "name", ""));
	u->rw = strcmp(nb_pmip_str(un, "access", "read-only"), "read-write") == 0;
	LY_LIST_FOR (lyd_child(un), c) {
		if (strcmp(LYD_NAME(c), "password-hash") == 0) {
			if (nc_check_hash(c, err) < 0)
				return -1;
			u->hash = strdup(lyd_get_value(c));
			if (u->hash == NULL)
				return -1;
		} else if (strcmp(LYD_NAME(c), "authorized-key") == 0) {
			char **keys;

			if (nc_check_pubkey(c, err) < 0)
				return -1;
			keys = realloc(u->keys, (u->n_keys + 1) * sizeof(*keys));
			if (keys == NULL)
				return -1;
			u->keys = keys;
			u->keys[u->n_keys] = strdup(lyd_get_value(c));
			if (u->keys[u->n_keys++] == NULL)
				return -1;
		}
	}
	return 0;
}

struct nc_settings *
nc_settings_from_tree(const struct lyd_node *dnode, struct nb_error *err)
{
	struct nc_settings *s = calloc(1, sizeof(*s));
	const struct lyd_node *c, *hk, *tls;
	size_t n = 0;

	if (s == NULL)
		goto oom;
	s->idle_timeout = (uint16_t)nb_pmip_uint(dnode, "idle-timeout", 3600);
	if (nb_pmip_node(dnode, "ssh") != NULL) {
		s->ssh_on = true;
		snprintf(s->address, sizeof(s->address), "%s",
		         nb_pmip_str(dnode, "ssh/address", "127.0.0.1"));
		s->port = (uint16_t)nb_pmip_uint(dnode, "ssh/port", 830);
		hk = nb_pmip_node(dnode, "ssh/host-key");
		if (hk == NULL) {
			nc_set_err(err, dnode, "%s", "ssh/host-key is missing");
			goto fail;
		}
		if (nc_check_host_key(hk, err) < 0)
			goto fail;
		s->host_key = strdup(lyd_get_value(hk));
		if (s->host_key == NULL)
			goto oom;
	}
	if ((tls = nb_pmip_node(dnode, "tls")) != NULL && nc_tls_from_tree(tls, s, err) < 0) {
		if (err->msg[0] == '\0')
			goto oom;
		goto fail;
	}
	if (!s->ssh_on && !s->tls_on) {
		nc_set_err(err, dnode, "%s", "netconf needs an ssh or a tls endpoint");
		goto fail;
	}
	LY_LIST_FOR (lyd_child(dnode), c)
		if (strcmp(LYD_NAME(c), "user") == 0)
			n++;
	s->users = calloc(n + 1, sizeof(*s->users));
	if (s->users == NULL)
		goto oom;
	LY_LIST_FOR (lyd_child(dnode), c) {
		if (strcmp(LYD_NAME(c), "user") != 0)
			continue;
		if (nc_user_from_tree(c, &s->users[s->n_users++], err) < 0) {
			if (err->msg[0] == '\0')
				goto oom;
			goto fail;
		}
	}
	return s;
oom:
	memset(err, 0, sizeof(*err));
	snprintf(err->msg, sizeof(err->msg), "out of memory");
	snprintf(err->app_tag, sizeof(err->app_tag), "resource-denied");
fail:
	nc_settings_free(s);
	return NULL;
}

/*
 * XPath: /pmip:pmip/netconf
 *
 * create: VALIDATE parses, PREPARE starts the server (the endpoint is open
 * afterwards), ABORT closes it again, APPLY has nothing left to do.
 * modify: VALIDATE parses, PREPARE checks a new address or port, APPLY swaps
 * the settings. destroy: APPLY closes the endpoint and ends the sessions.
 */
/**
 * nb_pmip_netconf - callbacks of /pmip:pmip/netconf.
 * @args: callback arguments.
 * Return: 0, or -1 with the error set.
 */
int
nb_pmip_netconf(struct nb_cb_args *args)
{
	struct nc_settings *s;

	if (args->op == NB_OP_DESTROY) {
		if (args->event == NB_EV_APPLY)
			nc_server_disable();
		return 0;
	}
	switch (args->event) {
	case NB_EV_VALIDATE:
		s = nc_settings_from_tree(args->dnode, args->err);
		nc_settings_free(s);
		return s != NULL ? 0 : -1;
	case NB_EV_PREPARE:
		if (args->engine->loop == NULL) /* no daemon, nothing to start */
			return 0;
		s = nc_settings_from_tree(args->dnode, args->err);
		if (s == NULL)
			return -1;
		if (args->op == NB_OP_CREATE || !nc_server_enabled()) {
			if (nc_server_start(args->engine, s, args->err) < 0) {
				nc_settings_free(s);
				return -1;
			}
			*args->resource = NULL; /* started: nothing for APPLY */
			return 0;
		}
		if (nc_server_check_bind_changed(s, args->err) < 0) {
			nc_settings_free(s);
			return -1;
		}
		*args->resource = s;
		return 0;
	case NB_EV_ABORT:
		if (args->op == NB_OP_CREATE || *args->resource == NULL)
			nc_server_disable();
		else
			nc_settings_free(*args->resource);
		*args->resource = NULL;
		return 0;
	case NB_EV_APPLY:
		if (*args->resource != NULL)
			nc_server_reconfigure(*args->resource);
		*args->resource = NULL;
		return 0;
	}
	return 0;
}
