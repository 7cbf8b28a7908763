/*
 * internal.h - what the files of libtermauth share and the public header
 * does not show: the client handle's layout, the message buffer, secret
 * helpers, and the internal parsers that tests and fuzzers reach directly.
 * Nothing here is part of the API.
 */
#ifndef TA_INTERNAL_H
#define TA_INTERNAL_H

#include <stddef.h>
#include "termauth.h"

#define TA_HIDDEN __attribute__((visibility("hidden")))
#define TA_PRINTF(f, a) __attribute__((format(printf, f, a)))

#define TA_MESSAGE_MAX 512

struct ta_client {
	char *issuer;
	char *client_id;
	char *scopes;
	char *flow;
	char *browser;
	char *authorization_endpoint;
	char *token_endpoint;
	char *device_endpoint;
	char *client_secret;
	char *provider;
	char *tenant;
	char *client_expires_at; /* a registered client's expiry, decimal */
	unsigned preset_filled; /* 1 << option: filled by the provider's preset */
	int port;
	int timeout;      /* seconds, the whole sign-in */
	int http_timeout; /* seconds, each request */
	int paste_fd;
	char *store;            /* "auto" (NULL), "keychain" or "file" */
	const char *store_used; /* the backend the last load found a session in */
	int keychain_state;     /* enum ta_keychain_state (store/store.h) */
	char keychain_why[128]; /* why the keychain cannot be used, for the person */
	struct ta_callbacks cb;
	char message[TA_MESSAGE_MAX];
};

#define TA_SESSION_ID_LEN 32 /* hex digits: 128 random bits */

/* The rule for an access token whose lifetime the IdP did not say (no
 * expires_in): it is taken to live one hour from when it was received. */
#define TA_UNSAID_LIFETIME 3600

struct ta_session_meta {
	/* A random id given at sign-in and kept across refreshes; every cache
	 * entry and derived token carries it, and is served only while the
	 * store's id (store_mark.c) is the same. "" when none (older files). */
	char id[TA_SESSION_ID_LEN + 1];
	long long obtained_at; /* when the access token was received; 0: unknown */
	/* Its whole lifetime: the IdP's expires_in, or TA_UNSAID_LIFETIME once
	 * the store has settled the expiry of a token that had none; 0: not
	 * known (a fresh answer without expires_in, an older session). */
	long long lifetime;
};

struct ta_session {
	char *access_token;
	char *refresh_token;
	char *id_token;
	char *token_type;
	char *scope;
	char *issuer;
	char *client_id;
	char *subject;
	char *token_endpoint;      /* where to refresh, without discovery */
	char *revocation_endpoint; /* where to revoke at logout, when offered */
	long long expires_at;
	struct ta_session_meta meta; /* see session_meta.h */
};

/* Sets the handle's message (printf style) and returns r, so that a failure
 * reads `return ta_fail(c, TA_E_X, "...")`. c may be NULL. */
TA_HIDDEN enum ta_result ta_fail(struct ta_client *c, enum ta_result r,
                                 const char *fmt, ...) TA_PRINTF(3, 4);
TA_HIDDEN void ta_debug(const struct ta_client *c, int level,
                        const char *fmt, ...) TA_PRINTF(3, 4);
TA_HIDDEN void ta_notice(const struct ta_client *c, const char *fmt, ...)
	TA_PRINTF(2, 3);

/* TA_E_CANCELLED (message set) when the program's cancelled callback
 * says so; TA_OK otherwise. */
TA_HIDDEN enum ta_result ta_check_cancelled(struct ta_client *c);

/* provider.c: fills the options of a well-known IdP ("github", ...);
 * NULL forgets the provider. TA_E_ARG for an unknown name. */
TA_HIDDEN enum ta_result ta_provider_apply(struct ta_client *c, const char *name);
/* At sign-in: fills what the person left unset from the provider's preset. */
TA_HIDDEN enum ta_result ta_provider_fill(struct ta_client *c);

/* Copies text from the IdP for display: printable ASCII only (anything else
 * becomes '?', so it cannot paint the terminal), at most cap-1 characters. */
TA_HIDDEN void ta_printable(char *dst, size_t cap, const char *src);

/* secret.c: strings that may hold secrets are wiped before they are freed;
 * ta_free_secret frees what ta_secret_alloc and malloc gave alike. */
TA_HIDDEN void ta_wipe(void *p, size_t n);
TA_HIDDEN void ta_free_secret(char *s);
/* Replaces *dst with a copy of src (NULL allowed), wiping the old value.
 * Returns TA_OK or TA_E_NOMEM. */
TA_HIDDEN enum ta_result ta_set_string(char **dst, const char *src);
/* Secrets kept out of core dumps: n bytes (and one more, for a NUL) in
 * pages marked MADV_DONTDUMP when it can be (else on the heap), for a
 * string that may be a secret; NULL when out of memory. Free it with
 * ta_free_secret (which wipes the whole block) and never with free().
 * ta_set_secret is ta_set_string with the copy made so. */
TA_HIDDEN void *ta_secret_alloc(size_t n);
/* What ta_secret_alloc uses, but under AddressSanitizer (which takes the
 * heap, so that LeakSanitizer sees every secret): the pool itself. */
TA_HIDDEN void *ta_secret_pool_alloc(size_t n);
TA_HIDDEN enum ta_result ta_set_secret(char **dst, const char *src);
/* Constant-time equality of two NUL-terminated strings (the length is not
 * hidden; the content is). */
TA_HIDDEN int ta_secret_equal(const char *a, const char *b);

/* json_alloc.c: routes jansson's frees through a wiping free. */
TA_HIDDEN void ta_json_alloc_init(void);

/* session.c: the store file's JSON form. */
TA_HIDDEN enum ta_result ta_session_to_json(const struct ta_session *s,
                                            char **out);
TA_HIDDEN enum ta_result ta_session_from_json(struct ta_client *c,
                                              const char *buf, size_t len,
                                              struct ta_session **out);
TA_HIDDEN enum ta_result ta_session_new(struct ta_session **out);

/* store_file.c: the profile's lock (flock on <profile>.lock in the file
 * store's directory, whatever the backend; waiting up to a minute). store.c:
 * a write and a removal for a caller that holds it. */
TA_HIDDEN enum ta_result ta_store_lock(struct ta_client *c, const char *profile,
                                       int *fd);
TA_HIDDEN void ta_store_unlock(int fd);
TA_HIDDEN enum ta_result ta_store_write_locked(struct ta_client *c, const char *profile,
                                               const struct ta_session *s);
TA_HIDDEN enum ta_result ta_store_remove_locked(struct ta_client *c, const char *profile);

/* credential.c: the session a CI credential stands for (no access token);
 * its client secret, if any, goes into c. TA_E_ARG for anything else. */
TA_HIDDEN enum ta_result ta_credential_decode(struct ta_client *c, const char *credential,
                                              struct ta_session **out);

/* Files: read a whole regular file of at most max bytes (NUL-terminated,
 * the length in *len). A missing file gives TA_E_STORE with errno ENOENT.
 * With private_file, a symbolic link, a file others may read or that
 * another user owns is refused, as OpenSSH refuses such a private key. */
TA_HIDDEN enum ta_result ta_file_read(struct ta_client *c, const char *path,
                                      size_t max, int private_file, char **out,
                                      size_t *len);
/* Writes data to path atomically: a 0600 temporary file created
 * O_EXCL|O_NOFOLLOW next to it, fsync, rename, fsync of the directory. */
TA_HIDDEN enum ta_result ta_file_replace(struct ta_client *c, const char *path,
                                         const char *data, size_t len);
/* Takes an exclusive flock on path (created 0600, never through a link),
 * waiting for another holder up to wait_ms; closing *fd_out releases it.
 * Failures are fail_as (TA_E_STORE, TA_E_CONFIG), the message naming path. */
TA_HIDDEN enum ta_result ta_file_lock(struct ta_client *c, const char *path, int wait_ms,
                                      enum ta_result fail_as, int *fd_out);
/* Creates dir and its parents as needed, the last one with mode 0700. */
TA_HIDDEN enum ta_result ta_dir_make(struct ta_client *c, const char *dir);
/* "dir/name" followed by suffix, in a new string; free() it. */
TA_HIDDEN enum ta_result ta_path_join(const char *dir, const char *name,
                                      const char *suffix, char **out);
/* $VAR if set and absolute, else $HOME/fallback. free() the result. */
TA_HIDDEN enum ta_result ta_xdg_dir(const char *var, const char *fallback,
                                    char **out);
/* A valid profile name: 1-64 of [A-Za-z0-9._-], not starting with '.'. */
TA_HIDDEN int ta_profile_name_ok(const char *name);

#endif
