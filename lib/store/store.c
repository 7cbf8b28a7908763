/*
 * store.c - the public session store: chooses the backend by the client's
 * store option ("auto", "keychain", "kernel" or "file").
 *
 * auto keeps sessions in the first backend of the chain - the keychain
 * when it is reachable and unlocked, else the kernel keyring when keyctl
 * answers, else the file - and says so once: when a sign-in saves, not
 * again at each refresh. A save to a backend removes the session's copies
 * from those after it in the chain, so that no refresh token stays behind
 * in a weaker place; a save goes to a later backend only when the earlier
 * ones could not be used. So when several hold a session, the latest in
 * the chain holds the newest, and auto reads the chain backwards.
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

/* In order of preference. */
static const struct ta_store_backend *const chain[] = { &ta_store_keychain, &ta_store_kernel,
	                                                &ta_store_file };
#define CHAIN_N (sizeof(chain) / sizeof(chain[0]))

/* The backend only, else the one the client's option names; NULL for auto. */
static const struct ta_store_backend *chosen(const struct ta_client *c,
                                             const struct ta_store_backend *only)
{
	size_t i;

	if (only)
		return only;
	if (!c || !c->store || !strcmp(c->store, "auto"))
		return NULL;
	for (i = 0; i < CHAIN_N; i++)
		if (!strcmp(c->store, chain[i]->name))
			return chain[i];
	return &ta_store_file; /* not reached: the option is checked when set */
}

static size_t rank(const struct ta_store_backend *b)
{
	size_t i = 0;

	while (i < CHAIN_N - 1 && chain[i] != b)
		i++;
	return i;
}

static void set_used(struct ta_client *c, const struct ta_store_backend *b)
{
	if (c)
		c->store_used = b->name;
}

/* The error for a store chosen by name that cannot be used now. */
static enum ta_result refused(struct ta_client *c, const struct ta_store_backend *b,
                              enum ta_store_state state, const char *why)
{
	if (state == TA_STORE_LOCKED)
		return ta_fail(c, TA_E_STORE, "%s: unlock it (signing in to the desktop does) or use --store file",
		               why);
	return ta_fail(c, TA_E_STORE, "%s store cannot be used: %s - use --store file", b->label,
	               why);
}

/* The backend chosen by name, when it can be used now (else the error). */
static enum ta_result usable(struct ta_client *c, const struct ta_store_backend *b)
{
	enum ta_store_state state;
	char why[160];

	if ((state = b->probe(c, why, sizeof(why))) != TA_STORE_USABLE)
		return refused(c, b, state, why);
	return TA_OK;
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
 * from the keychain or the kernel keyring, so that the fast path serves
 * the next calls without them - by a reader that can take the lock at
 * once (then its place is recorded and no writer races it). One that
 * cannot leaves it to the writer that holds the lock, or to the next
 * reader. */
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

/* 1 when a, found in a backend before b's, is the newer. Copies of one
 * sign-in: the one refreshed more often (their times tie when a refresh
 * follows within the second, and the older copy's refresh token is spent:
 * using it would end the session). Of two sign-ins: the one the store's
 * id names (the last saved), else the later received. On a tie, a. */
static int earlier_is_newer(const char *profile, const struct ta_session *a,
                            const struct ta_session *b)
{
	const struct ta_session_meta *ma = ta_session_meta(a), *mb = ta_session_meta(b);
	int marked_a, marked_b;

	if (ma->id[0] && !strcmp(ma->id, mb->id) && ma->refreshes != mb->refreshes)
		return ma->refreshes > mb->refreshes;
	if (strcmp(ma->id, mb->id)) {
		marked_a = ta_mark_matches(profile, a);
		marked_b = ta_mark_matches(profile, b);
		if (marked_a != marked_b)
			return marked_a;
	}
	return ma->obtained_at >= mb->obtained_at;
}

/* A session found in chain[i] when a backend before it holds one too: a
 * save that backend refused went to a later one, or a writer was killed
 * between saving there and removing the copy here (saved()), so the order
 * does not say which is newer: earlier_is_newer does. Only backends whose
 * holds() is cheap are asked. */
static void newest(struct ta_client *c, const char *profile, size_t i, struct ta_session **out,
                   const struct ta_store_backend **from)
{
	struct ta_session *other = NULL;
	char why[160];
	size_t j;

	for (j = 0; j < i; j++) {
		if (!chain[j]->holds || chain[j]->probe(c, why, sizeof(why)) != TA_STORE_USABLE ||
		    !chain[j]->holds(profile) || chain[j]->load(c, profile, &other) != TA_OK) {
			ta_fail_undo(c);
			continue;
		}
		if (earlier_is_newer(profile, other, *out)) {
			ta_session_free(*out);
			*out = other;
			*from = chain[j];
		} else {
			ta_session_free(other);
		}
		other = NULL;
	}
}

/* The person's word when nothing was found but a session was saved and
 * not signed out, and the kernel keyring, which may hold it, cannot be
 * reached from here (keyctl refused: a container). */
static void say_unreachable(struct ta_client *c, const char *profile, int recorded,
                            const char *what)
{
	char why[160];

	if (recorded && ta_store_kernel.probe(c, why, sizeof(why)) != TA_STORE_USABLE)
		ta_notice(c, "%s, so a session of profile '%s' kept there, if any, cannot be %s from here",
		          why, profile, what);
}

/* auto: the chain backwards (the newest copy first), skipping backends
 * that cannot be used; *from gets the one that answered. */
static enum ta_result load_auto(struct ta_client *c, const char *profile,
                                struct ta_session **out, const struct ta_store_backend **from)
{
	enum ta_store_state state;
	enum ta_result r;
	int locked = 0;
	char why[160];
	size_t i;

	for (i = CHAIN_N; i-- > 0;) {
		state = chain[i]->probe(c, why, sizeof(why));
		locked |= state == TA_STORE_LOCKED;
		if (state != TA_STORE_USABLE)
			continue;
		*from = chain[i];
		if ((r = chain[i]->load(c, profile, out)) == TA_OK) {
			newest(c, profile, i, out, from);
			return TA_OK;
		}
		if (r != TA_E_NO_SESSION)
			return r;
		ta_fail_undo(c); /* not there: the next one says */
	}
	if (locked)
		return ta_fail(c, TA_E_NO_SESSION,
		               "not signed in (profile '%s') - or the session is in the keychain, which is locked: unlock it and try again",
		               profile);
	say_unreachable(c, profile, ta_mark_recorded(profile), "read");
	return ta_fail(c, TA_E_NO_SESSION, "not signed in (profile '%s')", profile);
}

/* No session found, though the record says one was saved and not signed
 * out, where the kernel keyring is the store: the kernel forgot it. (A
 * session kept in the keychain or the file does not vanish so.) */
static int forgotten(struct ta_client *c, const struct ta_store_backend *b, const char *profile)
{
	char why[160];

	if (b ? b != &ta_store_kernel
	      : ta_store_keychain.probe(c, why, sizeof(why)) == TA_STORE_USABLE)
		return 0;
	return ta_store_kernel.probe(c, why, sizeof(why)) == TA_STORE_USABLE &&
	       ta_mark_recorded(profile);
}

enum ta_result ta_store_load_from(struct ta_client *c, const struct ta_store_backend *only,
                                  const char *profile, struct ta_session **out)
{
	const struct ta_store_backend *b = chosen(c, only);
	enum ta_result r;

	if (!ta_profile_name_ok(profile))
		return ta_store_file.load(c, profile, out); /* which says why */
	if (c)
		c->store_forgotten = 0;
	if ((r = ta_pending_load(c, profile, out)) != TA_E_NO_SESSION)
		return r;
	if (!b)
		r = load_auto(c, profile, out, &b);
	else if ((r = usable(c, b)) == TA_OK)
		r = b->load(c, profile, out);
	if (r == TA_E_NO_SESSION && c)
		c->store_forgotten = forgotten(c, chosen(c, only), profile);
	if (r != TA_OK)
		return r;
	if (b->cached)
		cache_refill(c, only, profile, *out);
	set_used(c, b);
	return TA_OK;
}

enum ta_result ta_store_load(struct ta_client *c, const char *profile, struct ta_session **out)
{
	ta_call_begin(c);
	return ta_store_load_from(c, NULL, profile, out);
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

/* What the person gives up when the session is kept in b. */
static void say_kept(struct ta_client *c, const struct ta_store_backend *b, const char *why,
                     const char *profile)
{
	char lifetime[96], *path = NULL;

	if (b == &ta_store_kernel) {
		ta_kernel_lifetime(lifetime, sizeof(lifetime));
		ta_notice(c, "%s, so the session of profile '%s' is kept in the kernel keyring: in memory only, %s (then sign in again)",
		          why, profile, lifetime);
		return;
	}
	if (ta_store_path(profile, &path) != TA_OK)
		path = NULL;
	ta_notice(c, "%s, so the session of profile '%s' is kept in a file only you can read: %s",
	          why, profile, path ? path : "");
	free(path);
}

static void say_moved(struct ta_client *c, const struct ta_store_backend *from,
                      const struct ta_store_backend *to, const char *profile)
{
	char lifetime[96] = "";

	if (to == &ta_store_kernel)
		ta_kernel_lifetime(lifetime, sizeof(lifetime));
	ta_notice(c, "the session of profile '%s' has moved from %s into %s%s%s", profile,
	          from == &ta_store_file ? "its file" : from->label, to->label,
	          *lifetime ? ", which keeps it in memory only, " : "", lifetime);
}

/* After b took the session: its id, its cache, and no copy left in the
 * backends after b. *moved gets the first that held one. */
static void saved(struct ta_client *c, const struct ta_store_backend *b, const char *profile,
                  const struct ta_session *s, const struct ta_store_backend **moved)
{
	const struct ta_store_backend *later;
	char why[160];
	size_t i;

	mark(c, profile, s);
	if (b->cached)
		cache_update(c, profile, s);
	else
		ta_cache_remove(profile); /* the file store needs no cache */
	*moved = NULL;
	for (i = rank(b) + 1; i < CHAIN_N; i++) {
		later = chain[i];
		if (later->probe(c, why, sizeof(why)) != TA_STORE_USABLE)
			continue; /* what it holds, if anything, no one reads now */
		if (!*moved && later->holds(profile))
			*moved = later;
		/* The session is saved: an old copy that stays is no failure
		 * of it (reads take the newest), but the person is told. */
		if (later->remove(c, profile) != TA_OK) {
			ta_notice(c, "the session of profile '%s' is saved in %s, but its older copy in %s stays: %s",
			          profile, b->label, later->label, ta_client_message(c));
			ta_fail_undo(c);
		}
	}
	set_used(c, b);
}

/* ta_store_write_locked; quiet: no word on where the session is kept
 * (that is a sign-in's to give). */
static enum ta_result write_locked(struct ta_client *c, const struct ta_store_backend *only,
                                   const char *profile, struct ta_session *s, int quiet)
{
	const struct ta_store_backend *b = chosen(c, only), *moved = NULL;
	const char *loaded_from = c ? c->store_used : NULL;
	enum ta_result r;
	char why[2 * TA_MESSAGE_MAX] = "", one[TA_MESSAGE_MAX];
	size_t i;

	if (!ta_profile_name_ok(profile))
		return ta_store_file.save(c, profile, s); /* which says why */
	/* A session kept by an older termauth has no id yet: it gets one. */
	if (!ta_session_meta(s)->id[0] && (r = ta_session_new_id(s)) != TA_OK)
		return ta_fail(c, r, "cannot make a session id: no randomness");
	settle_expiry(s);
	if (b) {
		if ((r = usable(c, b)) != TA_OK || (r = b->save(c, profile, s)) != TA_OK)
			return r;
		saved(c, b, profile, s, &moved);
		if (moved)
			say_moved(c, moved, b, profile);
		return TA_OK;
	}
	for (i = 0; i < CHAIN_N; i++) {
		b = chain[i];
		if (b->probe(c, one, sizeof(one)) == TA_STORE_USABLE) {
			if ((r = b->save(c, profile, s)) == TA_OK)
				break;
			if (b == &ta_store_file)
				return r; /* the last: its message stands */
			snprintf(one, sizeof(one), "%s", ta_client_message(c)); /* why it refused */
			ta_fail_undo(c);
		}
		snprintf(why + strlen(why), sizeof(why) - strlen(why), "%s%s", *why ? ", and " : "", one);
	}
	saved(c, b, profile, s, &moved);
	/* A refresh that moves its session says that; a sign-in (or a
	 * session that came from elsewhere) where it went, once. */
	if (moved && loaded_from == moved->name)
		say_moved(c, moved, b, profile);
	else if (i > 0 && !quiet && loaded_from != b->name)
		say_kept(c, b, why, profile);
	else if (moved)
		say_moved(c, moved, b, profile);
	return TA_OK;
}

enum ta_result ta_store_write_locked(struct ta_client *c, const struct ta_store_backend *only,
                                     const char *profile, struct ta_session *s)
{
	return write_locked(c, only, profile, s, 0);
}

/* A sign-out removes the session from the chosen backend and those after
 * it (auto: from all); a backend chosen by name that cannot be used
 * removes nothing: the session it cannot reach must stay for a later
 * sign-out. */
enum ta_result ta_store_remove_locked(struct ta_client *c, const char *profile)
{
	const struct ta_store_backend *b = chosen(c, NULL);
	enum ta_store_state state;
	enum ta_result r;
	char why[160];
	size_t i;
	int recorded;

	if (b && (r = usable(c, b)) != TA_OK)
		return r;
	recorded = ta_mark_recorded(profile); /* before the record is emptied */
	ta_store_forget_copies(profile);
	ta_pending_remove(profile);
	for (i = CHAIN_N; i-- > (b ? rank(b) : 0);) {
		state = chain[i]->probe(c, why, sizeof(why));
		if (state == TA_STORE_USABLE && (r = chain[i]->remove(c, profile)) != TA_OK)
			return r;
		if (state == TA_STORE_LOCKED)
			ta_notice(c, "the keychain is locked: a session of profile '%s' kept there, if any, stays until it is unlocked",
			          profile);
	}
	if (!b)
		say_unreachable(c, profile, recorded, "removed");
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
	const struct ta_store_backend *b = chosen(c, NULL);
	char **names = calloc(1, sizeof(*names)), why[160];
	enum ta_result r = TA_OK;
	size_t n = 0, i;

	ta_call_begin(c);
	if (!names)
		return TA_E_NOMEM;
	for (i = CHAIN_N; r == TA_OK && i-- > (b ? rank(b) : 0);)
		if (chain[i]->probe(c, why, sizeof(why)) == TA_STORE_USABLE)
			r = chain[i]->list(c, &names, &n);
	if (r != TA_OK) {
		ta_profiles_free(names);
		return r;
	}
	*out = names;
	return TA_OK;
}

enum ta_result ta_store_ready(struct ta_client *c)
{
	const struct ta_store_backend *b = chosen(c, NULL);

	ta_call_begin(c);
	return b ? usable(c, b) : TA_OK; /* auto: the file is always there */
}

int ta_store_forgotten(const struct ta_client *c)
{
	return c && c->store_forgotten;
}

int ta_keychain_locked(const struct ta_client *c)
{
	return c && c->keychain_state == TA_STORE_LOCKED;
}

const char *ta_store_used(const struct ta_client *c)
{
	return c ? c->store_used : NULL;
}
