/*
 * store.c - the public session store: chooses the backend by the client's
 * store option ("auto", "keychain" or "file").
 *
 * auto keeps sessions in the keychain when it is reachable and unlocked,
 * else in the file, and says so once: when a sign-in saves, not again at
 * each refresh. A save to the keychain removes any file copy, so that no
 * refresh token stays in plaintext next to a working keychain; a save to
 * the file happens only when the keychain could not be used. So when both
 * hold a session, the file's is the newer, and auto reads the file first.
 *
 * Every save also writes the store's session id (store_mark.c) before the
 * access token cache, so that copies of an older session are not served;
 * a new sign-in and a sign-out remove those copies wherever they were
 * recorded. A session kept aside because the store could not be written
 * (store_pending.c) is the newest of all: it is read first, and moved into
 * the store by the next writer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "store/store.h"
#include "base/fileio.h"
#include "base/result.h"
#include "profile/record.h"

enum mode { MODE_AUTO, MODE_KEYCHAIN, MODE_FILE };

/* The mode of the backend only, else the one the client's option names. */
static enum mode store_mode(const struct ta_client *c, const struct ta_store_backend *only)
{
	if (only)
		return only == &ta_store_keychain ? MODE_KEYCHAIN : MODE_FILE;
	if (!c || !c->store || !strcmp(c->store, "auto"))
		return MODE_AUTO;
	return strcmp(c->store, "keychain") ? MODE_FILE : MODE_KEYCHAIN;
}

static void set_used(struct ta_client *c, const struct ta_store_backend *b)
{
	if (c)
		c->store_used = b->name;
}

/* The error for --store keychain when the keychain cannot be used. */
static enum ta_result keychain_refused(struct ta_client *c, enum ta_keychain_state state,
                                       const char *why)
{
	if (state == TA_KEYCHAIN_LOCKED)
		return ta_fail(c, TA_E_STORE, "%s: unlock it (signing in to the desktop does) or use --store file",
		               why);
	return ta_fail(c, TA_E_STORE, "the keychain store cannot be used: %s - use --store file", why);
}

/* The cache is an optimisation: failing to write it is no failure, but
 * must not leave an older token there either. The caller holds the lock. */
static void cache_update(struct ta_client *c, const char *profile, const struct ta_session *s)
{
	if (ta_cache_save(c, profile, s) != TA_OK) {
		ta_debug(c, 1, "store: cannot cache the access token: %s", c ? ta_client_message(c) : "");
		ta_fail_undo(c);
		ta_cache_remove(profile);
	}
}

/* The runtime directory is emptied at reboot: the cache is filled again
 * from the keychain, so that the fast path serves the next calls without
 * D-Bus - by a reader that can take the lock at once (then its place is
 * recorded and no writer races it). One that cannot leaves it to the
 * writer that holds the lock, or to the next reader. */
static void cache_refill(struct ta_client *c, const struct ta_store_backend *only,
                         const char *profile, struct ta_session *s)
{
	int lock;

	if (ta_cache_exists(profile) || (lock = ta_store_trylock(profile)) < 0)
		return;
	/* A session kept by an older termauth has no id, and a cache entry of
	 * it would never be served: it is saved once with one (and cached). */
	if (!ta_session_meta(s)->id[0]) {
		ta_store_write_locked(c, only, profile, s);
	} else if (!ta_cache_exists(profile)) {
		ta_mark_adopt(profile, ta_session_meta(s)->id);
		cache_update(c, profile, s);
	}
	ta_store_unlock(lock);
}

enum ta_result ta_store_load_from(struct ta_client *c, const struct ta_store_backend *only,
                                  const char *profile, struct ta_session **out)
{
	const struct ta_store_backend *b = &ta_store_file;
	enum ta_keychain_state state;
	enum ta_result r;
	char why[128];

	if (!ta_profile_name_ok(profile))
		return ta_store_file.load(c, profile, out); /* which says why */
	if ((r = ta_pending_load(c, profile, out)) != TA_E_NO_SESSION)
		return r;
	switch (store_mode(c, only)) {
	case MODE_FILE:
		break;
	case MODE_KEYCHAIN:
		if ((state = ta_keychain_probe(c, why, sizeof(why))) != TA_KEYCHAIN_USABLE)
			return keychain_refused(c, state, why);
		b = &ta_store_keychain;
		break;
	case MODE_AUTO:
		if ((r = ta_store_file.load(c, profile, out)) != TA_E_NO_SESSION)
			goto out;
		state = ta_keychain_probe(c, why, sizeof(why));
		if (state == TA_KEYCHAIN_LOCKED)
			return ta_fail(c, TA_E_NO_SESSION,
			               "not signed in (profile '%s') - or the session is in the keychain, which is locked: unlock it and try again",
			               profile);
		if (state != TA_KEYCHAIN_USABLE)
			return r;
		ta_fail_undo(c); /* not in the file: the keychain says */
		b = &ta_store_keychain;
		break;
	}
	r = b->load(c, profile, out);
	if (r == TA_OK && b == &ta_store_keychain)
		cache_refill(c, only, profile, *out);
out:
	if (r == TA_OK)
		set_used(c, b);
	return r;
}

enum ta_result ta_store_load(struct ta_client *c, const char *profile, struct ta_session **out)
{
	ta_call_begin(c);
	return ta_store_load_from(c, NULL, profile, out);
}

/* 1 when the profile has a session file. */
static int file_exists(const char *profile)
{
	char *path = NULL;
	int exists = ta_store_path(profile, &path) == TA_OK && access(path, F_OK) == 0;

	free(path);
	return exists;
}

/* A token whose lifetime the IdP did not state is kept with the expiry
 * termauth holds it to (TA_UNSAID_LIFETIME after it was received), so that
 * every reader - the small termauth, --json, git, kubectl, an embedding
 * program - is told the same, and none takes it for valid forever. */
static void settle_expiry(struct ta_session *s)
{
	struct ta_session_meta *m = ta_session_meta(s);

	if (!s->expires_at && m->obtained_at) {
		s->expires_at = ta_session_valid_until(s);
		m->lifetime = TA_UNSAID_LIFETIME;
	}
}

/* The store's id becomes s's: before the cache, which is served only when
 * its id is the store's. Failing to write it is no failure of the save:
 * copies are then not served at all (ta_mark_write leaves no id). */
static void mark(struct ta_client *c, const char *profile, const struct ta_session *s)
{
	if (ta_mark_write(c, profile, ta_session_meta(s)->id) != TA_OK) {
		ta_debug(c, 1, "store: cannot write the session id: %s", c ? ta_client_message(c) : "");
		ta_fail_undo(c);
	}
}

static enum ta_result save_to_keychain(struct ta_client *c, const char *profile,
                                       const struct ta_session *s)
{
	enum ta_result r;
	int had_file;

	if ((r = ta_store_keychain.save(c, profile, s)) != TA_OK)
		return r;
	mark(c, profile, s);
	cache_update(c, profile, s);
	had_file = file_exists(profile);
	if ((r = ta_store_file.remove(c, profile)) != TA_OK)
		return r;
	if (had_file)
		ta_notice(c, "the session of profile '%s' has moved from its file into the keychain",
		          profile);
	set_used(c, &ta_store_keychain);
	return TA_OK;
}

/* ta_store_write_locked; quiet: no notice that the session is kept in a
 * file (that is a sign-in's to give). */
static enum ta_result write_locked(struct ta_client *c, const struct ta_store_backend *only,
                                   const char *profile, struct ta_session *s, int quiet)
{
	enum ta_keychain_state state;
	enum ta_result r;
	enum mode m = store_mode(c, only);
	char why[128], *path = NULL;

	if (!ta_profile_name_ok(profile))
		return ta_store_file.save(c, profile, s); /* which says why */
	/* A session kept by an older termauth has no id yet: it gets one. */
	if (!ta_session_meta(s)->id[0] && (r = ta_session_new_id(s)) != TA_OK)
		return ta_fail(c, r, "cannot make a session id: no randomness");
	settle_expiry(s);
	if (m != MODE_FILE) {
		state = ta_keychain_probe(c, why, sizeof(why));
		if (state == TA_KEYCHAIN_USABLE && (r = save_to_keychain(c, profile, s)) == TA_OK)
			return TA_OK;
		if (m == MODE_KEYCHAIN)
			return state == TA_KEYCHAIN_USABLE ? r : keychain_refused(c, state, why);
		if (state == TA_KEYCHAIN_USABLE) { /* it refused: say why, then the file */
			snprintf(why, sizeof(why), "%s", ta_client_message(c));
			ta_fail_undo(c);
		}
		/* Said when a sign-in saves; a refresh of a session already in
		 * the file (loaded by this handle) does not repeat it. */
		if (!quiet && (!c || c->store_used != ta_store_file.name)) {
			if (ta_store_path(profile, &path) != TA_OK)
				path = NULL;
			ta_notice(c, "%s, so the session of profile '%s' is kept in a file only you can read: %s",
			          why, profile, path ? path : "");
			free(path);
		}
	}
	if ((r = ta_store_file.save(c, profile, s)) != TA_OK)
		return r;
	mark(c, profile, s);
	ta_cache_remove(profile); /* the file store needs no cache */
	set_used(c, &ta_store_file);
	return TA_OK;
}

enum ta_result ta_store_write_locked(struct ta_client *c, const struct ta_store_backend *only,
                                     const char *profile, struct ta_session *s)
{
	return write_locked(c, only, profile, s, 0);
}

enum ta_result ta_store_remove_locked(struct ta_client *c, const char *profile)
{
	enum ta_keychain_state state = TA_KEYCHAIN_ABSENT;
	enum ta_result r;
	char why[128];

	/* --store keychain with no usable keychain removes nothing: the
	 * session it cannot reach must stay for a later sign-out. */
	if (store_mode(c, NULL) != MODE_FILE)
		state = ta_keychain_probe(c, why, sizeof(why));
	if (store_mode(c, NULL) == MODE_KEYCHAIN && state != TA_KEYCHAIN_USABLE)
		return keychain_refused(c, state, why);
	ta_store_forget_copies(profile);
	ta_pending_remove(profile);
	if ((r = ta_store_file.remove(c, profile)) != TA_OK)
		return r;
	if (state == TA_KEYCHAIN_USABLE)
		return ta_store_keychain.remove(c, profile);
	if (state == TA_KEYCHAIN_LOCKED)
		ta_notice(c, "the keychain is locked: a session of profile '%s' kept there, if any, stays until it is unlocked",
		          profile);
	return TA_OK;
}

enum ta_result ta_store_save(struct ta_client *c, const char *profile,
                             struct ta_session *s)
{
	enum ta_result r;
	int lock = -1;

	ta_call_begin(c);
	if ((r = ta_store_lock(c, profile, &lock)) != TA_OK)
		return r;
	/* A new session (a sign-in), with an id of its own: the access tokens
	 * cached and derived from the one before, perhaps another person's,
	 * must not be served for it, nor stay on disk. */
	if ((r = ta_session_new_id(s)) != TA_OK) {
		r = ta_fail(c, r, "cannot make a session id: no randomness");
		goto out;
	}
	ta_store_forget_copies(profile);
	if ((r = ta_store_write_locked(c, NULL, profile, s)) == TA_OK)
		ta_pending_remove(profile); /* an older session's */
out:
	ta_store_unlock(lock);
	return r;
}

void ta_store_forget_copies(const char *profile)
{
	char **dirs = NULL;
	size_t n = 0, i;
	enum ta_result r = ta_places_read(profile, &dirs, &n);

	/* The id first: from now on no copy is served, wherever it is. */
	ta_mark_remove(profile);
	for (i = 0; r == TA_OK && i < n; i++) {
		ta_cache_remove_in(dirs[i], profile);
		ta_derived_remove_in(dirs[i], profile);
	}
	ta_profiles_free(dirs);
	ta_derived_remove_all(profile); /* also those beside the file store */
}

enum ta_result ta_store_recover_locked(struct ta_client *c, const struct ta_store_backend *only,
                                       const char *profile)
{
	struct ta_session *s = NULL;
	enum ta_result r = ta_pending_load(c, profile, &s);

	if (r == TA_E_NO_SESSION) {
		ta_pending_remove(profile); /* any left is an older session's */
		return TA_OK;
	}
	if (r != TA_OK)
		return r;
	/* No word on "kept in a file" from the save (that is a sign-in's):
	 * the one line below names the store it went to. */
	if ((r = write_locked(c, only, profile, s, 1)) == TA_OK) {
		ta_pending_remove(profile);
		ta_notice(c, "the refreshed session of profile '%s', kept aside when the store could not be written, is in the store again (%s)",
		          profile, c->store_used);
	} else {
		ta_debug(c, 1, "store: the session kept aside stays there: %s", ta_client_message(c));
		ta_fail_undo(c);
		r = TA_OK;
	}
	ta_session_free(s);
	return r;
}

enum ta_result ta_store_remove(struct ta_client *c, const char *profile)
{
	enum ta_result r;
	int lock = -1;

	ta_call_begin(c);
	if (!ta_profile_name_ok(profile))
		return ta_store_file.remove(c, profile); /* which says why */
	if ((r = ta_store_lock(c, profile, &lock)) != TA_OK)
		return r;
	r = ta_store_remove_locked(c, profile);
	ta_store_unlock(lock);
	return r;
}

enum ta_result ta_store_list(struct ta_client *c, char ***out)
{
	char **names = calloc(1, sizeof(*names));
	enum ta_result r;
	size_t n = 0;
	char why[128];

	ta_call_begin(c);
	if (!names)
		return TA_E_NOMEM;
	r = ta_store_file.list(c, &names, &n);
	if (r == TA_OK && store_mode(c, NULL) != MODE_FILE &&
	    ta_keychain_probe(c, why, sizeof(why)) == TA_KEYCHAIN_USABLE)
		r = ta_store_keychain.list(c, &names, &n);
	if (r != TA_OK) {
		ta_profiles_free(names);
		return r;
	}
	*out = names;
	return TA_OK;
}

enum ta_result ta_store_ready(struct ta_client *c)
{
	enum ta_keychain_state state;
	char why[128];

	ta_call_begin(c);
	if (store_mode(c, NULL) != MODE_KEYCHAIN)
		return TA_OK; /* the file is always there to fall back on */
	state = ta_keychain_probe(c, why, sizeof(why));
	return state == TA_KEYCHAIN_USABLE ? TA_OK : keychain_refused(c, state, why);
}

int ta_keychain_locked(const struct ta_client *c)
{
	return c && c->keychain_state == TA_KEYCHAIN_LOCKED;
}

const char *ta_store_used(const struct ta_client *c)
{
	return c ? c->store_used : NULL;
}
