/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nb_pmip_netconf.c - config callbacks: /pmip/netconf (the NETCONF server).
 *
 * VALIDATE reads the whole container into a struct nc_settings, which checks
 * the host key file (ECDSA P-256), every password hash (a method crypt(3)
 * knows) and every public key. PREPARE of a create starts the server and
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
	free(s);
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
	const struct lyd_node *c, *hk;
	size_t n = 0;

	if (s == NULL)
		goto oom;
	snprintf(s->address, sizeof(s->address), "%s",
	         nb_pmip_str(dnode, "ssh/address", "127.0.0.1"));
	s->port = (uint16_t)nb_pmip_uint(dnode, "ssh/port", 830);
	s->idle_timeout = (uint16_t)nb_pmip_uint(dnode, "idle-timeout", 3600);
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
