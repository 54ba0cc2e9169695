/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nc_auth.c - who may use the NETCONF server: pmipd's own users
 * (/pmip/netconf/user) over SSH and TLS.
 *
 * SSH: a password is checked against the user's crypt(3) hash with
 * crypt_r() and CRYPTO_memcmp(); a public key against the user's OpenSSH key
 * lines with ssh_key_cmp(); the host key is the configured PEM path. TLS:
 * the server certificate and key are handed to libnetconf2 as paths (the
 * key is never copied), and after libnetconf2's cert-to-name mapping the
 * resulting name must be a configured user. Access (read-only or
 * read-write) is the user's, whatever the transport.
 *
 * Every callback runs on a NETCONF thread. It copies what it needs from the
 * applied settings under the server lock (nc_server_cfg_lock()) and does
 * the slow work (crypt, key parsing) outside every lock. Failures are
 * logged rate-limited, without the password or the key.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nc_server.h>
#include <openssl/crypto.h>

#include "log.h"
#include "nc.h"

static struct log_ratelimit nc_auth_rl = LOG_RATELIMIT_INIT(10, 10);

static const struct nc_user *
nc_user_find(const struct nc_settings *s, const char *name)
{
	if (s == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < s->n_users; i++)
		if (strcmp(s->users[i].name, name) == 0)
			return &s->users[i];
	return NULL;
}

bool
nc_user_rw(const char *user)
{
	const struct nc_user *u;
	bool rw;

	u = nc_user_find(nc_server_cfg_lock(), user);
	rw = u != NULL && u->rw;
	nc_server_cfg_unlock();
	return rw;
}

static int
nc_passwd_cb(const struct nc_session *session, const char *password, void *ud)
{
	const char *user = nc_session_get_username(session);
	struct crypt_data *cd;
	const struct nc_user *u;
	char *hash = NULL;
	const char *out;
	int rc = 1;

	(void)ud;
	u = nc_user_find(nc_server_cfg_lock(), user);
	if (u != NULL && u->hash != NULL)
		hash = strdup(u->hash);
	nc_server_cfg_unlock();
	cd = calloc(1, sizeof(*cd));
	if (hash != NULL && cd != NULL && password != NULL) {
		out = crypt_r(password, hash, cd);
		if (out != NULL && out[0] != '*' && strlen(out) == strlen(hash) &&
		    CRYPTO_memcmp(out, hash, strlen(hash)) == 0)
			rc = 0;
	}
	if (cd != NULL)
		OPENSSL_cleanse(cd, sizeof(*cd));
	free(cd);
	free(hash);
	if (rc != 0)
		log_rl(&nc_auth_rl, LOG_SS_NETCONF, LOG_WARNING,
		       "NETCONF: password authentication of user '%.64s' from %s failed",
		       user != NULL ? user : "", nc_session_get_host(session));
	return rc;
}

/* Does OpenSSH key line @line hold @key? */
static bool
nc_key_matches(const char *line, ssh_key key)
{
	char type[64], b64[16384];
	ssh_key k = NULL;
	bool eq = false;

	if (sscanf(line, "%63s %16383s", type, b64) != 2)
		return false;
	if (ssh_pki_import_pubkey_base64(b64, ssh_key_type_from_name(type), &k) != SSH_OK)
		return false;
	eq = ssh_key_cmp(k, key, SSH_KEY_CMP_PUBLIC) == 0;
	ssh_key_free(k);
	return eq;
}

static int
nc_pubkey_cb(const struct nc_session *session, ssh_key key, void *ud)
{
	const char *user = nc_session_get_username(session);
	const struct nc_user *u;
	char **keys = NULL;
	size_t n = 0;
	int rc = 1;

	(void)ud;
	u = nc_user_find(nc_server_cfg_lock(), user);
	if (u != NULL && u->n_keys > 0 && (keys = calloc(u->n_keys, sizeof(*keys))) != NULL)
		for (n = 0; n < u->n_keys; n++)
			keys[n] = strdup(u->keys[n]);
	nc_server_cfg_unlock();
	for (size_t i = 0; i < n; i++) {
		if (rc != 0 && keys[i] != NULL && nc_key_matches(keys[i], key))
			rc = 0;
		free(keys[i]);
	}
	free(keys);
	if (rc != 0)
		log_rl(&nc_auth_rl, LOG_SS_NETCONF, LOG_INFO,
		       "NETCONF: public key of user '%.64s' from %s not accepted",
		       user != NULL ? user : "", nc_session_get_host(session));
	return rc;
}

static int
nc_hostkey_cb(const char *name, void *ud, char **path, char **data, NC_SSH_KEY_TYPE *type)
{
	const struct nc_settings *cfg;

	(void)name;
	(void)ud;
	(void)type;
	*data = NULL;
	cfg = nc_server_cfg_lock();
	*path = cfg != NULL && cfg->host_key != NULL ? strdup(cfg->host_key) : NULL;
	nc_server_cfg_unlock();
	return *path != NULL ? 0 : 1;
}

/* TLS: the server certificate and key, as paths (the key is never copied). */
static int
nc_tls_cert_cb(const char *name, void *ud, char **cert_path, char **cert_data, char **key_path,
               char **key_data, NC_SSH_KEY_TYPE *key_type)
{
	const struct nc_settings *cfg;

	(void)name;
	(void)ud;
	(void)key_type;
	*cert_data = NULL;
	*key_data = NULL;
	*cert_path = NULL;
	*key_path = NULL;
	cfg = nc_server_cfg_lock();
	if (cfg != NULL && cfg->tls_on) {
		*cert_path = strdup(cfg->tls_cert);
		*key_path = strdup(cfg->tls_key);
	}
	nc_server_cfg_unlock();
	if (*cert_path != NULL && *key_path != NULL)
		return 0;
	free(*cert_path);
	free(*key_path);
	*cert_path = *key_path = NULL;
	return 1;
}

/*
 * Mandatory in libnetconf2 2.0.24 even when only CA paths are used; pmipd's
 * trusted CAs come from the file set with _set_trusted_ca_paths().
 */
static int
nc_tls_list_cb(const char *name, void *ud, char ***paths, int *n_paths, char ***data, int *n_data)
{
	(void)name;
	(void)ud;
	*paths = NULL;
	*data = NULL;
	*n_paths = 0;
	*n_data = 0;
	return 0;
}

/* After cert-to-name: the name must be one of pmipd's users. */
static int
nc_tls_verify_cb(const struct nc_session *session)
{
	const char *user = nc_session_get_username(session);
	bool known;

	known = nc_user_find(nc_server_cfg_lock(), user) != NULL;
	nc_server_cfg_unlock();
	if (!known)
		log_rl(&nc_auth_rl, LOG_SS_NETCONF, LOG_WARNING,
		       "NETCONF: TLS client from %s maps to '%.64s', which is not a user",
		       nc_session_get_host(session), user != NULL ? user : "");
	return known ? 1 : 0;
}

void
nc_auth_init(void)
{
	nc_server_ssh_set_hostkey_clb(nc_hostkey_cb, NULL, NULL);
	nc_server_ssh_set_passwd_auth_clb(nc_passwd_cb, NULL, NULL);
	nc_server_ssh_set_pubkey_auth_clb(nc_pubkey_cb, NULL, NULL);
	nc_server_tls_set_server_cert_clb(nc_tls_cert_cb, NULL, NULL);
	nc_server_tls_set_trusted_cert_list_clb(nc_tls_list_cb, NULL, NULL);
	nc_server_tls_set_verify_clb(nc_tls_verify_cb);
}
