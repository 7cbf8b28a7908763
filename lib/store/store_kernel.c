/*
 * store_kernel.c - the kernel keyring: the Linux key retention service's
 * per-user persistent keyring (KEYCTL_GET_PERSISTENT), for machines with no
 * keychain - servers, SSH hosts, WSL, CI runners. One key of type "user"
 * per profile holds what the file store's file holds. The kernel keeps it
 * in its own memory (never on disk, never in swap), readable only by the
 * user's processes that possess the keyring, across logouts, until reboot
 * or until the keyring goes unused for persistent_keyring_expiry seconds
 * (3 days by default; each KEYCTL_GET_PERSISTENT starts that again).
 *
 * The key is named termauth:session:PROFILE:DIR, DIR being the file
 * store's directory: its lock (store_file.c) is what serialises writers,
 * so two state directories of one user (two HOMEs, test runs) keep two
 * sessions, each under its own lock, as their files would be.
 *
 * A save is one add_key(2): when a key of that name exists, the kernel
 * replaces its payload in one step, so a writer killed at any moment
 * leaves the old or the new session, never a part.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <keyutils.h>
#include "base/fileio.h"
#include "base/result.h"
#include "base/secret.h"
#include "profile/record.h"
#include "store/store.h"

#define KEY_PREFIX "termauth:session:"
#define KEY_TYPE "user"
#define USER_KEY_MAX 32767 /* the "user" key type's largest payload */
/* What the key may do: its possessor everything, the user (the same uid,
 * not possessing the keyring) see that it exists; no one else anything. */
#define KEY_PERM (KEY_POS_ALL | KEY_USR_VIEW)

/* The persistent keyring, linked into this process's keyring so that the
 * process possesses it (and the keys in it); -1 with why set when the
 * kernel refuses. */
static key_serial_t persistent_keyring(char *why, size_t n)
{
	long id = keyctl_get_persistent((uid_t)-1, KEY_SPEC_PROCESS_KEYRING);

	if (id >= 0)
		return (key_serial_t)id;
	if (errno == EOPNOTSUPP)
		snprintf(why, n, "this kernel keeps no persistent keyrings");
	else if (errno == ENOSYS || errno == EPERM || errno == EACCES)
		snprintf(why, n, "keyctl is refused here (%s: a container or a seccomp filter forbids it)",
		         strerror(errno));
	else
		snprintf(why, n, "the kernel keyring cannot be reached: %s", strerror(errno));
	return -1;
}

static enum ta_store_state kernel_probe(struct ta_client *c, char *why, size_t n)
{
	char mine[160];

	if (!c)
		return persistent_keyring(why, n) < 0 ? TA_STORE_ABSENT : TA_STORE_USABLE;
	if (c->kernel_state == TA_STORE_UNKNOWN) {
		c->kernel_state = persistent_keyring(mine, sizeof(mine)) < 0 ? TA_STORE_ABSENT
		                                                             : TA_STORE_USABLE;
		snprintf(c->kernel_why, sizeof(c->kernel_why), "%s",
		         c->kernel_state == TA_STORE_USABLE ? "the kernel keyring answers" : mine);
		ta_debug(c, 1, "store: %s", c->kernel_why);
	}
	snprintf(why, n, "%s", c->kernel_why);
	return (enum ta_store_state)c->kernel_state;
}

/* The store directory as the kernel key names it: resolved (realpath), so
 * that every spelling of one directory - and so one lock - names one key;
 * as spelled while it does not exist yet. */
static char *store_dir_resolved(void)
{
	char *dir = NULL, *real;

	if (ta_store_dir(&dir) != TA_OK)
		return NULL;
	if ((real = realpath(dir, NULL))) {
		free(dir);
		return real;
	}
	return dir;
}

char *ta_kernel_key_name(const char *profile)
{
	char *dir, *name = NULL;

	if (!ta_profile_name_ok(profile) || !(dir = store_dir_resolved()))
		return NULL;
	if (asprintf(&name, KEY_PREFIX "%s:%s", profile, dir) < 0)
		name = NULL;
	free(dir);
	return name;
}

/* The keyring (*ring) and the profile's key name (*name, free() it), or an
 * error said in c. */
static enum ta_result open_profile(struct ta_client *c, const char *profile, key_serial_t *ring,
                                   char **name)
{
	char why[160];

	if (!(*name = ta_kernel_key_name(profile)))
		return ta_fail(c, ta_profile_name_ok(profile) ? TA_E_STORE : TA_E_ARG,
		               ta_profile_name_ok(profile)
		                       ? "cannot locate the store: set HOME or XDG_STATE_HOME"
		                       : "'%s' is not a valid profile name (use letters, digits, '.', '_', '-')",
		               profile ? profile : "");
	if ((*ring = persistent_keyring(why, sizeof(why))) < 0) {
		free(*name);
		*name = NULL;
		return ta_fail(c, TA_E_STORE, "the kernel keyring store cannot be used: %s", why);
	}
	return TA_OK;
}

/* The profile's key in ring, or -1 (errno: ENOKEY when there is none). */
static key_serial_t find_key(key_serial_t ring, const char *name)
{
	long id = keyctl_search(ring, KEY_TYPE, name, 0);

	if (id < 0 && (errno == EKEYEXPIRED || errno == EKEYREVOKED))
		errno = ENOKEY; /* dead: as good as none */
	return id < 0 ? -1 : (key_serial_t)id;
}

/* The keyring and the profile's key in it (*key -1 when it has none, *err
 * then ENOKEY, or why it cannot be told), or an error said in c. */
static enum ta_result profile_key(struct ta_client *c, const char *profile, key_serial_t *ring,
                                  key_serial_t *key, int *err)
{
	char *name = NULL;
	enum ta_result r = open_profile(c, profile, ring, &name);

	if (r != TA_OK)
		return r;
	*key = find_key(*ring, name);
	*err = errno;
	free(name);
	return TA_OK;
}

static enum ta_result kernel_load(struct ta_client *c, const char *profile,
                                  struct ta_session **out)
{
	key_serial_t ring, key;
	enum ta_result r;
	char *buf;
	long len;
	int err;

	if ((r = profile_key(c, profile, &ring, &key, &err)) != TA_OK)
		return r;
	if (key < 0)
		return err == ENOKEY ? ta_fail(c, TA_E_NO_SESSION, "not signed in (profile '%s')", profile)
		                     : ta_fail(c, TA_E_STORE, "cannot read the kernel keyring: %s",
		                               strerror(err));
	/* One read into a buffer that holds any user key: no second, resized
	 * copy of the session is left unwiped. */
	if (!(buf = ta_secret_alloc(USER_KEY_MAX + 1)))
		return TA_E_NOMEM;
	if ((len = keyctl_read(key, buf, USER_KEY_MAX + 1)) < 0 || len > USER_KEY_MAX)
		r = errno == ENOKEY || errno == EKEYREVOKED
		            ? ta_fail(c, TA_E_NO_SESSION, "not signed in (profile '%s')", profile)
		            : ta_fail(c, TA_E_STORE, "cannot read the kernel keyring: %s",
		                      len < 0 ? strerror(errno) : "the key is too large");
	else
		r = ta_session_from_json(c, buf, (size_t)len, out);
	/* Wiped whole here: the payload has no NUL for ta_free_secret to
	 * stop at when the block came from the heap. */
	ta_wipe(buf, USER_KEY_MAX + 1);
	ta_free_secret(buf);
	return r;
}

/* A /proc/sys/kernel/keys limit, or -1. */
static long keys_limit(const char *file)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/kernel/keys/%s", file);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

void ta_kernel_lifetime(char *buf, size_t n)
{
	long s = keys_limit("persistent_keyring_expiry");

	if (s <= 0)
		snprintf(buf, n, "until reboot");
	else if (s % 86400 == 0)
		snprintf(buf, n, "until reboot, or %ld day%s unused", s / 86400, s == 86400 ? "" : "s");
	else if (s % 3600 == 0)
		snprintf(buf, n, "until reboot, or %ld hour%s unused", s / 3600, s == 3600 ? "" : "s");
	else
		snprintf(buf, n, "until reboot, or %ld seconds unused", s);
}

static enum ta_result save_refused(struct ta_client *c, const char *profile, size_t len, int err)
{
	const char *which = getuid() ? "maxbytes" : "root_maxbytes";

	if (err == EDQUOT)
		return ta_fail(c, TA_E_STORE,
		               "the kernel keyring is full: the session of profile '%s' needs %zu bytes, and the quota of all your keys together is %ld bytes (/proc/sys/kernel/keys/%s) - sign out of profiles you no longer use, raise the quota, or use --store file",
		               profile, len, keys_limit(which), which);
	return ta_fail(c, TA_E_STORE, "cannot save to the kernel keyring: %s", strerror(err));
}

/* Field n (from 0) of a key's description, "TYPE;UID;GID;PERM;NAME", or
 * NULL. */
static const char *description_field(const char *description, int n)
{
	const char *p = description;

	while (p && n-- > 0)
		if ((p = strchr(p, ';')))
			p++;
	return p;
}

/* A number ending at the field's ';', in base; -1 when it is none. */
static long long field_number(const char *field, int base)
{
	char *end = NULL;
	unsigned long long v;

	if (!field || !*field || *field == '-')
		return -1;
	errno = 0;
	v = strtoull(field, &end, base);
	return errno || *end != ';' || v > 0xffffffffULL ? -1 : (long long)v;
}

/* add_key updates a key of the same name in place, keeping its owner and
 * permissions: one this store did not make so (another program of the
 * user's, with wider permissions) is destroyed first, so that the session
 * never sits in a key others may read. 0 (errno set) when it cannot be. */
static int vetted(key_serial_t ring, const char *name)
{
	key_serial_t key = find_key(ring, name);
	char *description = NULL;
	int ours;

	if (key < 0)
		return errno == ENOKEY;
	ours = keyctl_describe_alloc(key, &description) >= 0 &&
	       field_number(description_field(description, 1), 10) == (long long)getuid() &&
	       field_number(description_field(description, 3), 16) == KEY_PERM;
	free(description);
	if (ours)
		return 1;
	if (keyctl_invalidate(key) < 0)
		return 0;
	(void)keyctl_unlink(key, ring);
	return 1;
}

static enum ta_result kernel_save(struct ta_client *c, const char *profile,
                                  const struct ta_session *s)
{
	key_serial_t ring, key;
	enum ta_result r;
	char *name = NULL, *json = NULL;
	size_t len;

	if ((r = open_profile(c, profile, &ring, &name)) != TA_OK)
		return r;
	if ((r = ta_session_to_json(s, &json)) != TA_OK)
		goto out;
	if ((len = strlen(json)) > USER_KEY_MAX) {
		r = ta_fail(c, TA_E_STORE,
		            "the session of profile '%s' is %zu bytes, more than a kernel key holds (%d bytes) - use --store file",
		            profile, len, USER_KEY_MAX);
	} else if (!vetted(ring, name)) {
		r = ta_fail(c, TA_E_STORE, "cannot replace the kernel key %s: %s", name, strerror(errno));
	} else if ((key = add_key(KEY_TYPE, name, json, len, ring)) < 0) {
		r = save_refused(c, profile, len, errno);
	} else if (keyctl_setperm(key, KEY_PERM) < 0) {
		/* A key of that name that another program of the user made,
		 * with permissions of its own: not one to keep a session in. */
		r = ta_fail(c, TA_E_STORE, "cannot set the permissions of the kernel key %s: %s", name,
		            strerror(errno));
		(void)keyctl_invalidate(key);
	}
out:
	ta_free_secret(json);
	free(name);
	return r;
}

/* Invalidating destroys the key wherever it is linked (the kernel wipes
 * it), while it is still possessed through the keyring; unlinking then
 * takes it out of the keyring at once, so that a listing right after a
 * sign-out does not show it while the collector runs. */
static enum ta_result kernel_remove(struct ta_client *c, const char *profile)
{
	key_serial_t ring, key;
	enum ta_result r;
	int err;

	if ((r = profile_key(c, profile, &ring, &key, &err)) != TA_OK)
		return r;
	if (key < 0)
		return err == ENOKEY ? TA_OK
		                     : ta_fail(c, TA_E_STORE, "cannot search the kernel keyring: %s",
		                               strerror(err));
	if (keyctl_invalidate(key) < 0 && errno != ENOKEY && errno != EKEYREVOKED)
		return ta_fail(c, TA_E_STORE, "cannot remove the session from the kernel keyring: %s",
		               strerror(errno));
	(void)keyctl_unlink(key, ring); /* the collector's, if this is refused */
	return TA_OK;
}

static int kernel_holds(const char *profile)
{
	char why[160], *name = ta_kernel_key_name(profile);
	key_serial_t ring = name ? persistent_keyring(why, sizeof(why)) : -1;
	int found = ring >= 0 && find_key(ring, name) >= 0;

	free(name);
	return found;
}

/* The profile a key of this store is for, in a new string, from its
 * description ("user;UID;GID;PERM;NAME"); NULL for any other key. */
static char *profile_of(const char *description, const char *dir)
{
	const char *p = description_field(description, 4), *name, *colon;
	size_t plen = strlen(KEY_PREFIX);
	char *profile;

	if (!p || strncmp(description, KEY_TYPE ";", strlen(KEY_TYPE) + 1) ||
	    strncmp(p, KEY_PREFIX, plen))
		return NULL;
	name = p + plen;
	if (!(colon = strchr(name, ':')) || strcmp(colon + 1, dir))
		return NULL;
	if (!(profile = strndup(name, (size_t)(colon - name))))
		return NULL;
	if (!ta_profile_name_ok(profile) || ta_credential_session_name(profile)) {
		free(profile);
		return NULL;
	}
	return profile;
}

static enum ta_result kernel_list(struct ta_client *c, char ***names, size_t *n)
{
	key_serial_t ring, *keys = NULL;
	char why[160], *dir = NULL, *description, *profile;
	enum ta_result r = TA_OK;
	long size, i;

	if (!(dir = store_dir_resolved()))
		return ta_fail(c, TA_E_STORE, "cannot locate the store: set HOME or XDG_STATE_HOME");
	if ((ring = persistent_keyring(why, sizeof(why))) < 0) {
		free(dir);
		return ta_fail(c, TA_E_STORE, "the kernel keyring store cannot be used: %s", why);
	}
	if ((size = keyctl_read_alloc(ring, (void **)&keys)) < 0) {
		free(dir);
		return ta_fail(c, TA_E_STORE, "cannot list the kernel keyring: %s", strerror(errno));
	}
	for (i = 0; r == TA_OK && i < size / (long)sizeof(*keys); i++) {
		if (keyctl_describe_alloc(keys[i], &description) < 0)
			continue; /* gone meanwhile, or not ours to see */
		if ((profile = profile_of(description, dir)))
			r = ta_names_add(names, n, profile);
		free(profile);
		free(description);
	}
	free(keys);
	free(dir);
	return r;
}

const struct ta_store_backend ta_store_kernel = {
	.name = "kernel",
	.label = "the kernel keyring",
	.cached = 1,
	.probe = kernel_probe,
	.load = kernel_load,
	.save = kernel_save,
	.remove = kernel_remove,
	.list = kernel_list,
	.holds = kernel_holds,
};
