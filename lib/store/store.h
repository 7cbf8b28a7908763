/*
 * store.h - where sessions are kept. A backend is a table of functions (as
 * curl's vtls): the keychain (store_secret.c, the Secret Service through
 * libsecret), the kernel keyring (store_kernel.c, the user's persistent
 * keyring through libkeyutils) and the file store (store_file.c, part of
 * the small core). store.c chooses among them by the client's store option,
 * in that order of preference, and is the public ta_store_* API.
 * store_cache.c keeps the access token of a session that lives in the
 * keychain or the kernel keyring in a private file under $XDG_RUNTIME_DIR,
 * so that the fast path never waits on D-Bus nor calls keyctl;
 * store_derived.c the tokens exchanged for a session. store_mark.c binds
 * those copies to the session they came from and records where they were
 * written; store_pending.c keeps a refreshed session aside when the store
 * cannot be written. Writers hold the profile's lock (store_file.c)
 * whatever the backend.
 */
#ifndef TA_STORE_H
#define TA_STORE_H

#include "profile/record.h"

/* What a backend can do now: probed once per client handle. */
enum ta_store_state {
	TA_STORE_UNKNOWN = 0, /* not probed yet */
	TA_STORE_USABLE,      /* the keychain unlocked; keyctl answering; the file, always */
	TA_STORE_LOCKED,      /* the keychain is there, but its default collection is locked */
	TA_STORE_ABSENT       /* no bus or no Secret Service; keyctl refused */
};

struct ta_store_backend {
	const char *name;  /* what the store option names, and `status` shows */
	const char *label; /* what messages call it: "the kernel keyring" */
	/* The access token is cached under $XDG_RUNTIME_DIR (store_cache.c):
	 * reading this backend costs more than reading a file. */
	int cached;
	/* What it can do now; why gets a phrase for the person ("the keychain
	 * is locked", ...). */
	enum ta_store_state (*probe)(struct ta_client *c, char *why, size_t n);
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
	/* 1 when it holds a session of profile (for saying that one moved);
	 * NULL for the keychain, which nothing moves out of. */
	int (*holds)(const char *profile);
};

TA_HIDDEN extern const struct ta_store_backend ta_store_keychain;
TA_HIDDEN extern const struct ta_store_backend ta_store_kernel;
TA_HIDDEN extern const struct ta_store_backend ta_store_file;

/* The keychain's probe (about 50 ms when it fails) unless c knows. */
TA_HIDDEN enum ta_store_state ta_keychain_probe(struct ta_client *c, char *why, size_t n);
/* store_kernel.c: the key's description, termauth:session:PROFILE:DIR (DIR:
 * the file store's directory, whose lock guards the key), in a new string;
 * NULL when the profile's name is not valid or the store has no place. */
TA_HIDDEN char *ta_kernel_key_name(const char *profile);
/* How long the kernel keyring keeps a session, for the person: "until
 * reboot, or 3 days unused" (persistent_keyring_expiry). */
TA_HIDDEN void ta_kernel_lifetime(char *buf, size_t n);

/* store_file.c: the profile's lock (flock on <profile>.lock in the file
 * store's directory, whatever the backend; waiting up to a minute). */
TA_HIDDEN enum ta_result ta_store_lock(struct ta_client *c, const char *profile,
                                       int *fd);
TA_HIDDEN void ta_store_unlock(int fd);
/* store.c: the calls that take the backend as a parameter, only: NULL for
 * the one the client's store option chooses (as ta_store_load), else that
 * backend alone (&ta_store_file, ...) whatever the option -
 * a CI credential's sessions are kept in the file. ta_store_load_from is
 * ta_store_load; ta_store_write_locked, a write for a caller that holds
 * the lock. */
TA_HIDDEN enum ta_result ta_store_load_from(struct ta_client *c,
                                            const struct ta_store_backend *only,
                                            const char *profile, struct ta_session **out);
TA_HIDDEN enum ta_result ta_store_write_locked(struct ta_client *c,
                                               const struct ta_store_backend *only,
                                               const char *profile, struct ta_session *s);
/* A removal, from the store the client's option chooses, for a caller
 * that holds the lock. */
TA_HIDDEN enum ta_result ta_store_remove_locked(struct ta_client *c, const char *profile);

/* store_io.c: what a session file holds of a session. */
enum ta_session_form {
	TA_SESSION_WHOLE, /* all of it: the file store, the session kept aside */
	TA_SESSION_ACCESS /* no refresh token, no ID token: the cache, derived tokens */
};
#define TA_SESSION_DIRS_MAX 3 /* termauth/derived/PROFILE/ */
/* store_io.c: the one writer of session files. Writes s in form to path,
 * DIR/FILE.json, replacing it atomically (ta_file_replace), after making
 * DIR and the dirs - 1 directories above it (1 to TA_SESSION_DIRS_MAX:
 * those that are termauth's own) with ta_dir_make, each 0700, ours, no
 * link, and after removing what killed writers of FILE.json left in DIR
 * (ta_store_remove_leftovers) - so only under the profile's lock. The JSON
 * is wiped. Recording the runtime directory (ta_places_add) is the
 * caller's, before it calls. */
TA_HIDDEN enum ta_result ta_session_write(struct ta_client *c, const char *path, unsigned dirs,
                                          enum ta_session_form form,
                                          const struct ta_session *s);
/* store_io.c: the one reader: a session from a private file (0600, ours,
 * no link) of at most max bytes, wiped after parsing. TA_E_NO_SESSION (no
 * message) when there is no such file. */
TA_HIDDEN enum ta_result ta_session_read(struct ta_client *c, const char *path, size_t max,
                                         struct ta_session **out);
/* store_file.c: $XDG_STATE_HOME/termauth, the file store's directory, in
 * a new string; TA_E_STORE when neither it nor HOME is set. */
TA_HIDDEN enum ta_result ta_store_dir(char **out);
/* <store directory>/<profile>.lock: the profile's lock and its record
 * (store_mark.c). TA_E_ARG for a name that is not a profile's. */
TA_HIDDEN enum ta_result ta_store_lock_path(const char *profile, char **out);
/* store_file.c, also for the fast path: the file store's session. */
TA_HIDDEN enum ta_result ta_store_file_load(struct ta_client *c, const char *profile,
                                            struct ta_session **out);
/* Adds a copy of name to a NULL-terminated list of n names unless it is
 * there (for the backends' list). */
TA_HIDDEN enum ta_result ta_names_add(char ***names, size_t *n, const char *name);
/* store_io.c: removes the temporary files of <file>.json (file: a
 * profile's name, or a derived token's) that a writer killed mid-write
 * left in dir. Only under the profile's lock, when no other writer can be
 * mid-write. */
TA_HIDDEN void ta_store_remove_leftovers(const char *dir, const char *file);
/* ci-<16 hex digits>: the sessions of CI credentials, not listed. */
TA_HIDDEN int ta_credential_session_name(const char *name);

/* store_cache.c: the access token cache under $XDG_RUNTIME_DIR/termauth.
 * Writing, under the profile's lock, keeps no refresh token and no ID
 * token, and records the runtime directory (ta_places_add); it is skipped
 * (TA_OK) when XDG_RUNTIME_DIR is unset. What killed writers left is
 * cleaned up. Loading gives TA_E_NO_SESSION when
 * there is nothing cached, and also when the entry is not of the session
 * the store holds (ta_mark_matches), which it then removes. */
TA_HIDDEN enum ta_result ta_cache_save(struct ta_client *c, const char *profile,
                                       const struct ta_session *s);
TA_HIDDEN int ta_cache_exists(const char *profile);
TA_HIDDEN enum ta_result ta_cache_load(const char *profile, struct ta_session **out);
TA_HIDDEN void ta_cache_remove(const char *profile);
/* The cache entry of profile under the runtime directory run (another
 * process's $XDG_RUNTIME_DIR), removed when that directory is ours. */
TA_HIDDEN void ta_cache_remove_in(const char *run, const char *profile);

/* store_mark.c: the profile's record in its lock file; all but
 * ta_mark_matches and ta_places_read only under the profile's lock. The
 * store's session id: written at every save (32 hex digits; on failure no
 * id is left); ta_mark_matches gives 1 when s carries it; ta_mark_remove
 * empties the record (id and places). */
TA_HIDDEN enum ta_result ta_mark_write(struct ta_client *c, const char *profile, const char *id);
TA_HIDDEN int ta_mark_matches(const char *profile, const struct ta_session *s);
/* 1 when the record holds an id: a session was saved and not signed out. */
TA_HIDDEN int ta_mark_recorded(const char *profile);
/* The store's id becomes id only when the record has none (a session read
 * from a keychain that was locked at sign-out): a newer sign-in's id, made
 * since it was read, stays. */
TA_HIDDEN void ta_mark_adopt(const char *profile, const char *id);
TA_HIDDEN void ta_mark_remove(const char *profile);
/* Where copies were written: ta_places_add records this process's
 * $XDG_RUNTIME_DIR; ta_places_read gives the recorded ones and it (a
 * NULL-terminated list of n, for ta_profiles_free). */
TA_HIDDEN void ta_places_add(const char *profile);
/* A copy of the store's session (a cache entry, a derived token, the
 * session kept aside) from path, read as ta_session_read does; also
 * TA_E_NO_SESSION when it is not of the session the store holds
 * (ta_mark_matches) - then removed from disk when remove is set. */
TA_HIDDEN enum ta_result ta_copy_read(struct ta_client *c, const char *profile,
                                      const char *path, size_t max, int remove,
                                      struct ta_session **out);
TA_HIDDEN enum ta_result ta_places_read(const char *profile, char ***dirs, size_t *n);

/* store_pending.c: a refreshed session that could not be saved, kept
 * aside - pending/<profile>.json under the file store's directory, else
 * under $XDG_RUNTIME_DIR/termauth, 0600 in 0700 directories - until the
 * next writer moves it into the store. ta_pending_save gives where it went
 * (free() it); ta_pending_load gives TA_E_NO_SESSION when there is none. */
TA_HIDDEN enum ta_result ta_pending_save(struct ta_client *c, const char *profile,
                                         const struct ta_session *s, char **where);
TA_HIDDEN enum ta_result ta_pending_load(struct ta_client *c, const char *profile,
                                         struct ta_session **out);
TA_HIDDEN int ta_pending_exists(const char *profile);
TA_HIDDEN void ta_pending_remove(const char *profile);

/* store.c: moves a session kept aside into the store only chooses (as
 * ta_store_write_locked; the caller holds the lock); TA_OK also when there
 * was none, or when the store still cannot be written (it then stays
 * aside). */
TA_HIDDEN enum ta_result ta_store_recover_locked(struct ta_client *c,
                                                 const struct ta_store_backend *only,
                                                 const char *profile);
/* store.c: removes the profile's store id, its access token caches and
 * derived tokens wherever they were recorded, and the record. */
TA_HIDDEN void ta_store_forget_copies(const char *profile);

/* store_file.c: the profile's lock if no one holds it (-1 otherwise, or
 * when it cannot be had), without waiting. */
TA_HIDDEN int ta_store_trylock(const char *profile);
/* store_mark.c: a file descriptor of the directory path (relative to the
 * directory at, or AT_FDCWD), opened without following a link, when it is
 * ours; -1 otherwise. For removing copies under another process's runtime
 * directory, which may be gone and made again by someone else. */
TA_HIDDEN int ta_open_own_dir(int at, const char *path);
/* The directory sub (one name, e.g. "termauth") under the runtime
 * directory run, opened as ta_open_own_dir does, when run itself is ours,
 * mode 0700 and no link; else -1. */
TA_HIDDEN int ta_open_runtime_dir(const char *run, const char *sub);

/* store_derived.c: the tokens a session was exchanged for, one per key of
 * TA_DERIVED_KEY_PARTS parts (audience, resource, scope, requested token
 * type; NULL for absent: a part added later leaves old names as they
 * were), and
 * of another kind (a file name prefix, "aws-"; NULL for exchanged tokens)
 * what else is derived from it, keyed alike.
 * Loading gives TA_E_NO_SESSION also for a token of another session than
 * the store's (ta_mark_matches), and removes it. Saving records the
 * runtime directory (ta_places_add). */
#define TA_DERIVED_KEY_PARTS 5
TA_HIDDEN enum ta_result ta_derived_load(const char *profile, const char *kind,
                                         const char *const key[TA_DERIVED_KEY_PARTS], struct ta_session **out);
TA_HIDDEN enum ta_result ta_derived_save(struct ta_client *c, const char *profile,
                                         const char *kind, const char *const key[TA_DERIVED_KEY_PARTS],
                                         const struct ta_session *s);
TA_HIDDEN void ta_derived_remove_all(const char *profile);
/* The derived tokens of profile under the runtime directory run. */
TA_HIDDEN void ta_derived_remove_in(const char *run, const char *profile);

#endif
