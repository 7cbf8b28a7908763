/*
 * store.h - where sessions are kept. A backend is a table of functions (as
 * curl's vtls): the file store (store_file.c, part of the small core) and
 * the keychain (store_secret.c, the Secret Service through libsecret).
 * store.c chooses between them by the client's store option and is the
 * public ta_store_* API. store_cache.c keeps the access token of a session
 * that lives in the keychain in a private file under $XDG_RUNTIME_DIR, so
 * that the fast path never waits on D-Bus. Writers hold the profile's lock
 * (store_file.c) whatever the backend.
 */
#ifndef TA_STORE_H
#define TA_STORE_H

#include "../internal.h"

struct ta_store_backend {
	const char *name; /* "file" or "keychain": what `status` shows */
	/* TA_E_NO_SESSION (message set) when the profile has none. */
	enum ta_result (*load)(struct ta_client *c, const char *profile,
	                       struct ta_session **out);
	/* The caller holds the profile's lock. */
	enum ta_result (*save)(struct ta_client *c, const char *profile,
	                       const struct ta_session *s);
	/* TA_OK also when there was nothing to remove. */
	enum ta_result (*remove)(struct ta_client *c, const char *profile);
	/* Appends the profiles it holds sessions for to *names (n entries,
	 * NULL-terminated), skipping those already there. */
	enum ta_result (*list)(struct ta_client *c, char ***names, size_t *n);
};

TA_HIDDEN extern const struct ta_store_backend ta_store_file;
TA_HIDDEN extern const struct ta_store_backend ta_store_keychain;

/* What the keychain can do now: probed once per client handle. */
enum ta_keychain_state {
	TA_KEYCHAIN_UNKNOWN = 0, /* not probed yet */
	TA_KEYCHAIN_USABLE,      /* reachable, with an unlocked default collection */
	TA_KEYCHAIN_LOCKED,      /* reachable, but its default collection is locked */
	TA_KEYCHAIN_ABSENT       /* no session bus, no Secret Service, or no collection */
};

/* Probes the keychain (about 50 ms when it fails) unless c knows already;
 * why gets a phrase for the person ("the keychain is locked", ...). */
TA_HIDDEN enum ta_keychain_state ta_keychain_probe(struct ta_client *c, char *why,
                                                   size_t n);

/* store_file.c: a session from a private file (0600, ours, no link) of
 * at most max bytes, wiped after parsing. TA_E_NO_SESSION (no message)
 * when there is no such file. */
TA_HIDDEN enum ta_result ta_session_read(struct ta_client *c, const char *path, size_t max,
                                         struct ta_session **out);
/* store_file.c, also for the fast path: the file store's session. */
TA_HIDDEN enum ta_result ta_store_file_load(struct ta_client *c, const char *profile,
                                            struct ta_session **out);
/* Adds a copy of name to a NULL-terminated list of n names unless it is
 * there (for the backends' list). */
TA_HIDDEN enum ta_result ta_names_add(char ***names, size_t *n, const char *name);
/* Removes the temporary files of <profile>.json that a writer killed
 * mid-write left in dir. Only under the profile's lock, when no other
 * writer can be mid-write. */
TA_HIDDEN void ta_store_remove_leftovers(const char *dir, const char *profile);
/* ci-<16 hex digits>: the sessions of CI credentials, not listed. */
TA_HIDDEN int ta_credential_session_name(const char *name);

/* store_cache.c: the access token cache under $XDG_RUNTIME_DIR/termauth.
 * Writing keeps no refresh token and no ID token; it is skipped (TA_OK)
 * when XDG_RUNTIME_DIR is unset. locked: the caller holds the profile's
 * lock, so what killed writers left may be cleaned up. Loading gives
 * TA_E_NO_SESSION when there is nothing cached. */
TA_HIDDEN enum ta_result ta_cache_save(struct ta_client *c, const char *profile,
                                       const struct ta_session *s, int locked);
TA_HIDDEN int ta_cache_exists(const char *profile);
TA_HIDDEN enum ta_result ta_cache_load(const char *profile, struct ta_session **out);
TA_HIDDEN void ta_cache_remove(const char *profile);

/* store_derived.c: the tokens a session was exchanged for, one per key
 * (audience, resource, scope, requested token type; NULL for absent). */
TA_HIDDEN enum ta_result ta_derived_load(const char *profile, const char *const key[4],
                                         struct ta_session **out);
TA_HIDDEN enum ta_result ta_derived_save(struct ta_client *c, const char *profile,
                                         const char *const key[4], const struct ta_session *s);
TA_HIDDEN void ta_derived_remove_all(const char *profile);

#endif
