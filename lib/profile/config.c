/*
 * config.c - profiles in an INI file ([profile NAME] sections, key = value),
 * read with inih. The file is read only when it is trusted: whoever can
 * write it chooses the IdP a sign-in goes to and the hosts git gives
 * tokens to. Saving takes the file's lock, reads it again, applies the
 * changes made to the profile since it was loaded and regenerates the
 * whole file, so that concurrent commands never drop each other's change;
 * the other profiles and sections are kept but comments are not. What is
 * written reads back the same: the fuzzer checks it. Not here: the
 * session store (store/), which has its own files and locks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <ini.h>
#include "profile/config.h"
#include "base/fileio.h"
#include "base/match.h"
#include "base/result.h"
#include "base/secret.h"

#define CONFIG_FILE_MAX (64 * 1024)
#define CONFIG_LOCK_WAIT_MS 60000 /* a writer holds the lock for milliseconds */

static const char *const known_keys[] = {
	"issuer", "client_id", "scopes", "flow", "port", "timeout", "provider", "tenant",
	"authorization_endpoint", "token_endpoint", "device_endpoint", "client_secret", "store",
	"git_hosts", "git_username", "registry_hosts", "registry_username", "client_expires_at",
	"forward",
	"aws_role_arn", "aws_endpoint", "aws_audience", "resource", "dpop", "issuer_from",
};

static int key_known(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
		if (!strcmp(known_keys[i], key))
			return 1;
	return 0;
}

static void profile_clear(struct ta_profile *p)
{
	size_t i;

	for (i = 0; i < p->nkeys; i++) {
		free(p->keys[i]);
		ta_free_secret(p->values[i]); /* a value may be a client secret */
	}
	free(p->keys);
	free(p->values);
	free(p->name);
	ta_profile_free(p->base);
	memset(p, 0, sizeof(*p));
}

void ta_profile_free(struct ta_profile *p)
{
	if (!p)
		return;
	profile_clear(p);
	free(p);
}

const char *ta_profile_name(const struct ta_profile *p)
{
	return p->name;
}

const char *ta_profile_get(const struct ta_profile *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->nkeys; i++)
		if (!strcmp(p->keys[i], key))
			return p->values[i];
	return NULL;
}

/* Sets a key without checking it against the known ones (the file may hold
 * keys of a newer version, which are kept). */
static enum ta_result profile_put(struct ta_profile *p, const char *key,
                                  const char *value)
{
	size_t i;
	char **k, **v;

	for (i = 0; i < p->nkeys; i++) {
		if (strcmp(p->keys[i], key))
			continue;
		if (value)
			return ta_set_string(&p->values[i], value);
		free(p->keys[i]);
		ta_free_secret(p->values[i]);
		p->nkeys--;
		memmove(p->keys + i, p->keys + i + 1, (p->nkeys - i) * sizeof(char *));
		memmove(p->values + i, p->values + i + 1, (p->nkeys - i) * sizeof(char *));
		return TA_OK;
	}
	if (!value)
		return TA_OK;
	k = realloc(p->keys, (p->nkeys + 1) * sizeof(char *));
	if (!k)
		return TA_E_NOMEM;
	p->keys = k;
	v = realloc(p->values, (p->nkeys + 1) * sizeof(char *));
	if (!v)
		return TA_E_NOMEM;
	p->values = v;
	k[p->nkeys] = strdup(key);
	v[p->nkeys] = strdup(value);
	if (!k[p->nkeys] || !v[p->nkeys]) {
		free(k[p->nkeys]);
		free(v[p->nkeys]);
		return TA_E_NOMEM;
	}
	p->nkeys++;
	return TA_OK;
}

/* A copy of p's keys (no name), for p->base. */
static enum ta_result profile_copy(const struct ta_profile *p, struct ta_profile **out)
{
	struct ta_profile *copy = calloc(1, sizeof(*copy));
	enum ta_result r = copy ? TA_OK : TA_E_NOMEM;
	size_t i;

	for (i = 0; r == TA_OK && i < p->nkeys; i++)
		r = profile_put(copy, p->keys[i], p->values[i]);
	if (r != TA_OK) {
		ta_profile_free(copy);
		return r;
	}
	*out = copy;
	return TA_OK;
}

enum ta_result ta_profile_set(struct ta_profile *p, const char *key,
                              const char *value)
{
	if (!key || !key_known(key))
		return TA_E_ARG;
	if (value && (strchr(value, '\n') || strchr(value, '\r')))
		return TA_E_ARG;
	if (value && strlen(key) + strlen(" = ") + strlen(value) > TA_CONFIG_LINE_MAX)
		return TA_E_TOO_LARGE;
	return profile_put(p, key, value);
}

void ta_config_clear(struct ta_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nprofiles; i++)
		profile_clear(&cfg->profiles[i]);
	free(cfg->profiles);
	memset(cfg, 0, sizeof(*cfg));
}

/* Finds (or adds) a profile, or with other set a section that is not a
 * profile, named by its whole header. */
static struct ta_profile *section_find(struct ta_config *cfg, const char *name,
                                       int other, int create)
{
	struct ta_profile *p;
	size_t i;

	for (i = 0; i < cfg->nprofiles; i++)
		if (cfg->profiles[i].other_section == other && !strcmp(cfg->profiles[i].name, name))
			return &cfg->profiles[i];
	if (!create)
		return NULL;
	p = realloc(cfg->profiles, (cfg->nprofiles + 1) * sizeof(*p));
	if (!p)
		return NULL;
	cfg->profiles = p;
	p = &cfg->profiles[cfg->nprofiles];
	memset(p, 0, sizeof(*p));
	p->other_section = other;
	if (!(p->name = strdup(name)))
		return NULL;
	cfg->nprofiles++;
	return p;
}

static struct ta_profile *config_find(struct ta_config *cfg, const char *name,
                                      int create)
{
	return section_find(cfg, name, 0, create);
}

/* inih's handler: 1 to go on, 0 to mark the line as an error. */
static int on_entry(void *user, const char *section, const char *key,
                    const char *value)
{
	struct ta_config *cfg = user;
	struct ta_profile *p;

	if (key && !*key)
		return 0; /* "= value": a key with no name */
	if (strncmp(section, "profile ", 8)) /* kept as it is, for later versions */
		p = section_find(cfg, section, 1, 1);
	else if (!ta_profile_name_ok(section + 8))
		return 0;
	else
		p = config_find(cfg, section + 8, 1);
	if (!p)
		return 0;
	if (!key) /* inih reports a bare section with key NULL when built so */
		return 1;
	return profile_put(p, key, value) == TA_OK;
}

/* A copy of text without the blanks that begin its lines: this inih is
 * built to read an indented line as the continuation of the previous
 * value, which would turn "  client_id = x" into part of the issuer. */
static char *unindent(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	int line_start = 1;

	if (!out)
		return NULL;
	for (; *text; text++) {
		if (line_start && (*text == ' ' || *text == '\t'))
			continue;
		line_start = *text == '\n';
		*o++ = *text;
	}
	*o = '\0';
	return out;
}

enum ta_result ta_config_parse(struct ta_client *c, const char *text,
                               struct ta_config *cfg)
{
	char *flat = unindent(text);
	int line;

	memset(cfg, 0, sizeof(*cfg));
	if (!flat)
		return TA_E_NOMEM;
	line = ini_parse_string(flat, on_entry, cfg);
	free(flat);
	if (line != 0) {
		ta_config_clear(cfg);
		return ta_fail(c, TA_E_CONFIG, "the configuration file is malformed at line %d", line);
	}
	return TA_OK;
}

enum ta_result ta_config_path(char **out)
{
	const char *env = getenv("TERMAUTH_CONFIG");
	char *base = NULL;
	enum ta_result r;

	if (env && *env)
		return (*out = strdup(env)) ? TA_OK : TA_E_NOMEM;
	if ((r = ta_xdg_dir("XDG_CONFIG_HOME", ".config", &base)) == TA_OK)
		r = ta_path_join(base, "termauth", "/config", out);
	free(base);
	return r;
}

/* OpenSSH's rule for ~/.ssh/config ("Bad owner or permissions"): you (the
 * real uid, as OpenSSH) or root own it - root can change any file anyway,
 * and may have installed this one - and neither group nor others may
 * write it. The directory is not checked: what someone who can write it
 * could put in the file's place is either their own file, which this
 * refuses, or a link to a file they cannot write. */
enum ta_result ta_config_check(struct ta_client *c, const char *path, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return ta_fail(c, TA_E_CONFIG, "%s is not a regular file", path);
	if (st->st_uid != getuid() && st->st_uid != 0)
		return ta_fail(c, TA_E_CONFIG,
		               "%s belongs to another user (uid %lu): it is not read; use a configuration file of your own",
		               path, (unsigned long)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return ta_fail(c, TA_E_CONFIG,
		               "%s may be changed by others (mode %03o): it is not read until you run chmod go-w %s",
		               path, (unsigned)(st->st_mode & 0777), path);
	return TA_OK;
}

/* The whole text of the open file, of st's size; free() it. */
static enum ta_result read_text(struct ta_client *c, int fd, const char *path,
                                const struct stat *st, char **out)
{
	size_t size = (size_t)st->st_size, got = 0;
	char *buf;

	if (size > CONFIG_FILE_MAX)
		return ta_fail(c, TA_E_TOO_LARGE, "%s is larger than %d bytes", path, CONFIG_FILE_MAX);
	if (!(buf = malloc(size + 1)))
		return TA_E_NOMEM;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return ta_fail(c, TA_E_CONFIG, "cannot read %s: %s", path, strerror(errno));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	if (strlen(buf) != got) {
		free(buf);
		return ta_fail(c, TA_E_CONFIG, "%s holds a NUL byte", path);
	}
	*out = buf;
	return TA_OK;
}

/* Reads the configuration file, once it passes ta_config_check; a missing
 * file is an empty one. Its status goes to *st_out when given (all zero
 * for a missing file). */
static enum ta_result config_read(struct ta_client *c, const char *path,
                                  struct ta_config *cfg, struct stat *st_out)
{
	struct stat st = { 0 };
	char *text = NULL;
	enum ta_result r;
	/* Through a link (a dotfiles repository): the file checked is the one
	 * the link leads to, on this descriptor, so nothing can be swapped in
	 * between the check and the read. O_NONBLOCK: a FIFO in its place
	 * must not hang the command. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	memset(cfg, 0, sizeof(*cfg));
	if (st_out)
		memset(st_out, 0, sizeof(*st_out));
	if (fd < 0 && errno == ENOENT) {
		ta_fail_undo(c); /* a missing file is no failure */
		return TA_OK;
	}
	if (fd < 0)
		return ta_fail(c, TA_E_CONFIG, "cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st))
		r = ta_fail(c, TA_E_CONFIG, "cannot read %s: %s", path, strerror(errno));
	else if ((r = ta_config_check(c, path, &st)) == TA_OK &&
	         (r = read_text(c, fd, path, &st, &text)) == TA_OK)
		r = ta_config_parse(c, text, cfg);
	close(fd);
	free(text);
	if (r == TA_OK && st_out)
		*st_out = st;
	return r;
}

enum ta_result ta_profile_load(struct ta_client *c, const char *name,
                               struct ta_profile **out)
{
	struct ta_config cfg = { 0 };
	struct ta_profile *found, *p = NULL;
	char *path = NULL;
	enum ta_result r;

	ta_call_begin(c);
	if (!ta_profile_name_ok(name))
		return ta_fail(c, TA_E_ARG, "'%s' is not a valid profile name (use letters, digits, '.', '_', '-')",
		               name ? name : "");
	if ((r = ta_config_path(&path)) != TA_OK)
		return ta_fail(c, TA_E_CONFIG, "cannot locate the configuration: set HOME or TERMAUTH_CONFIG");
	if ((r = config_read(c, path, &cfg, NULL)) != TA_OK)
		goto out;
	if (!(p = calloc(1, sizeof(*p)))) {
		r = TA_E_NOMEM;
		goto out;
	}
	found = config_find(&cfg, name, 0);
	if (found) {
		*p = *found; /* take over its contents */
		memset(found, 0, sizeof(*found));
		found->name = strdup(""); /* keep the array well-formed for clearing */
	} else if (!(p->name = strdup(name))) {
		r = TA_E_NOMEM;
		goto out;
	}
	if (p->nkeys && (r = profile_copy(p, &p->base)) != TA_OK)
		goto out;
	*out = p;
	p = NULL;
out:
	ta_profile_free(p);
	ta_config_clear(&cfg);
	free(path);
	return r;
}

enum ta_result ta_profile_find(struct ta_client *c, const char *key, const char *word,
                               char **out)
{
	struct ta_config cfg = { 0 };
	char *path = NULL;
	enum ta_result r;
	size_t i;

	ta_call_begin(c);
	*out = NULL;
	if ((r = ta_config_path(&path)) != TA_OK)
		return ta_fail(c, TA_E_CONFIG, "cannot locate the configuration: set HOME or TERMAUTH_CONFIG");
	if ((r = config_read(c, path, &cfg, NULL)) == TA_OK) {
		for (i = 0; i < cfg.nprofiles; i++) {
			const struct ta_profile *p = &cfg.profiles[i];
			const char *v = p->other_section ? NULL : ta_profile_get(p, key);
			if (v && ta_profile_name_ok(p->name) && ta_list_holds(v, word)) {
				if (!(*out = strdup(p->name)))
					r = TA_E_NOMEM;
				break;
			}
		}
	}
	ta_config_clear(&cfg);
	free(path);
	return r;
}

/* The names of the configuration file's profiles, in its order, as a
 * NULL-terminated array of n + 1 (freed with ta_profiles_free, whose
 * loop this error path repeats: that is the store's layer). */
static enum ta_result names_of(const struct ta_config *cfg, char ***out)
{
	char **names = calloc(cfg->nprofiles + 1, sizeof(*names));
	size_t i, n = 0;

	if (!names)
		return TA_E_NOMEM;
	for (i = 0; i < cfg->nprofiles; i++) {
		const struct ta_profile *p = &cfg->profiles[i];
		if (p->other_section || !ta_profile_name_ok(p->name))
			continue;
		if (!(names[n++] = strdup(p->name))) {
			while (n--)
				free(names[n]);
			free(names);
			return TA_E_NOMEM;
		}
	}
	*out = names;
	return TA_OK;
}

enum ta_result ta_profile_list(struct ta_client *c, char ***out)
{
	struct ta_config cfg = { 0 };
	char *path = NULL;
	enum ta_result r;

	ta_call_begin(c);
	if ((r = ta_config_path(&path)) != TA_OK)
		return ta_fail(c, TA_E_CONFIG, "cannot locate the configuration: set HOME or TERMAUTH_CONFIG");
	if ((r = config_read(c, path, &cfg, NULL)) == TA_OK)
		r = names_of(&cfg, out);
	ta_config_clear(&cfg);
	free(path);
	return r;
}

/* "key = value" reads better, but a line must keep within what inih reads,
 * and " ;" would start a comment: then "key=value", as it was read. */
static int spaced_fits(const char *key, const char *value)
{
	return strlen(key) + 3 + strlen(value) <= TA_CONFIG_LINE_MAX && value[0] != ';';
}

static enum ta_result format_text(const struct ta_config *cfg, char **out)
{
	size_t i, j, cap = 1, len = 0;
	int pass;
	char *buf;

	for (i = 0; i < cfg->nprofiles; i++) {
		const struct ta_profile *p = &cfg->profiles[i];
		cap += strlen(p->name) + 16;
		for (j = 0; j < p->nkeys; j++)
			cap += strlen(p->keys[j]) + strlen(p->values[j]) + 5;
	}
	if (!(buf = malloc(cap)))
		return TA_E_NOMEM;
	buf[0] = '\0';
	/* Keys before any section header (section "") must come first. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < cfg->nprofiles; i++) {
			const struct ta_profile *p = &cfg->profiles[i];
			int global = p->other_section && !p->name[0];
			if (global != (pass == 0) || (!p->other_section && !p->name[0]))
				continue; /* the other pass's, or a profile taken by ta_profile_load */
			if (!global)
				len += (size_t)snprintf(buf + len, cap - len, "%s[%s%s]\n", len ? "\n" : "",
				                        p->other_section ? "" : "profile ", p->name);
			for (j = 0; j < p->nkeys; j++)
				len += (size_t)snprintf(buf + len, cap - len,
				                        spaced_fits(p->keys[j], p->values[j]) ? "%s = %s\n" : "%s=%s\n",
				                        p->keys[j], p->values[j]);
		}
	}
	*out = buf;
	return TA_OK;
}

/* inih has quirks (continuation lines, inline comments, its line length)
 * that a file written by hand may lean on in ways no rewrite can keep.
 * So the text is only handed out when it reads back to itself; otherwise
 * the file is left for the person to edit, rather than changed silently. */
enum ta_result ta_config_format(const struct ta_config *cfg, char **out)
{
	struct ta_config again;
	char *text = NULL, *text2 = NULL;
	enum ta_result r;

	if ((r = format_text(cfg, &text)) != TA_OK)
		return r;
	if ((r = ta_config_parse(NULL, text, &again)) == TA_OK) {
		r = format_text(&again, &text2);
		if (r == TA_OK && (again.nprofiles != cfg->nprofiles || strcmp(text, text2)))
			r = TA_E_CONFIG;
		ta_config_clear(&again);
	}
	free(text2);
	if (r != TA_OK) {
		free(text);
		return r == TA_E_NOMEM ? r : TA_E_CONFIG;
	}
	*out = text;
	return TA_OK;
}

/* Appends word to the list in out (of cap bytes, room enough) unless it is
 * there. */
static void put_word(char *out, size_t cap, const char *word)
{
	size_t n = strlen(out);

	if (!ta_list_holds(out, word))
		snprintf(out + n, cap - n, "%s%s", n ? " " : "", word);
}

/* The next blank-separated word of *s into w; 0 when there is none. */
static int next_word(const char **s, char *w, size_t size)
{
	size_t n;

	*s += strspn(*s, " \t");
	if (!(n = strcspn(*s, " \t")))
		return 0;
	if (n >= size) /* no line of the file is that long */
		n = size - 1;
	memcpy(w, *s, n);
	w[n] = '\0';
	*s += n;
	return 1;
}

/* A list of hosts, which another termauth may have grown meanwhile (ten
 * setup-git at once): the file's list now, less the words p dropped, plus
 * the words p added. */
static enum ta_result merge_words(struct ta_client *c, struct ta_profile *slot, const char *key,
                                  const char *was, const char *now)
{
	const char *cur = ta_profile_get(slot, key), *s;
	size_t cap = (cur ? strlen(cur) : 0) + (now ? strlen(now) : 0) + 2;
	char *out = malloc(cap), w[TA_CONFIG_LINE_MAX + 1];
	enum ta_result r;

	if (!out)
		return TA_E_NOMEM;
	out[0] = '\0';
	for (s = cur ? cur : ""; next_word(&s, w, sizeof(w));)
		if (!was || !ta_list_holds(was, w) || (now && ta_list_holds(now, w)))
			put_word(out, cap, w);
	for (s = now ? now : ""; next_word(&s, w, sizeof(w));)
		if (!was || !ta_list_holds(was, w))
			put_word(out, cap, w);
	r = ta_profile_set(slot, key, *out ? out : NULL);
	free(out);
	if (r == TA_E_TOO_LARGE)
		return ta_fail(c, r, "the %s of profile '%s' would not fit in a line of the configuration file (198 characters)",
		               key, slot->name);
	return r;
}

/* Keys whose value is a set of words, merged rather than replaced. */
static int word_list(const char *key)
{
	return !strcmp(key, "git_hosts") || !strcmp(key, "registry_hosts");
}

/* One key of p onto slot, the profile as the file has it now: unless p
 * changed it since it was loaded, the file's value stays, whoever wrote
 * it. */
static enum ta_result merge_key(struct ta_client *c, struct ta_profile *slot,
                                const struct ta_profile *p, const char *key)
{
	const char *now = ta_profile_get(p, key);
	const char *was = p->base ? ta_profile_get(p->base, key) : NULL;

	if (now == was || (now && was && !strcmp(now, was)))
		return TA_OK;
	if (word_list(key))
		return merge_words(c, slot, key, was, now);
	return profile_put(slot, key, now);
}

/* p's changes since ta_profile_load onto slot: the keys p set, and those
 * it removed. */
static enum ta_result profile_merge(struct ta_client *c, struct ta_profile *slot,
                                    const struct ta_profile *p)
{
	enum ta_result r = TA_OK;
	size_t i;

	for (i = 0; r == TA_OK && i < p->nkeys; i++)
		r = merge_key(c, slot, p, p->keys[i]);
	for (i = 0; r == TA_OK && p->base && i < p->base->nkeys; i++)
		if (!ta_profile_get(p, p->base->keys[i]))
			r = merge_key(c, slot, p, p->base->keys[i]);
	return r;
}

/* Takes <path>.lock - next to the path as named, so next to a link, not
 * to the file it points to - waiting for another termauth's change, not
 * forever. Closing *fd_out releases it. */
static enum ta_result config_lock(struct ta_client *c, const char *path, int *fd_out)
{
	size_t n = strlen(path) + sizeof(".lock");
	char *lock = malloc(n);
	enum ta_result r;

	if (!lock)
		return TA_E_NOMEM;
	snprintf(lock, n, "%s.lock", path);
	r = ta_file_lock(c, lock, CONFIG_LOCK_WAIT_MS, TA_E_CONFIG, fd_out);
	free(lock);
	return r;
}

/* Our own directory is created (0700); a TERMAUTH_CONFIG path is the
 * person's choice, and its directory is neither made nor changed. */
static enum ta_result config_dir_make(struct ta_client *c, char *path)
{
	char *slash = strrchr(path, '/');
	enum ta_result r;

	if (getenv("TERMAUTH_CONFIG") || !slash || slash == path)
		return TA_OK;
	*slash = '\0';
	r = ta_dir_make(c, path);
	*slash = '/';
	return r;
}

/* Replaces the file atomically (ta_file_replace: a new 0600 file renamed
 * into place) - through a link (a dotfiles repository), the file it points
 * to, keeping the link. An existing file keeps its mode, which passed
 * ta_config_check (st), so writing never makes a file that is refused. */
static enum ta_result config_write(struct ta_client *c, const char *path, const char *text,
                                   const struct stat *st)
{
	char *target = realpath(path, NULL);
	const char *to = target ? target : path;
	enum ta_result r;

	if (!target && errno != ENOENT)
		return ta_fail(c, TA_E_CONFIG, "cannot resolve %s: %s", path, strerror(errno));
	if ((r = ta_file_replace(c, to, text, strlen(text))) != TA_OK)
		r = TA_E_CONFIG; /* the message is set */
	else if (S_ISREG(st->st_mode) && (st->st_mode & 0777) != 0600 && chmod(to, st->st_mode & 0755))
		ta_debug(c, 1, "cannot give %s back its mode: %s", to, strerror(errno)); /* 0600 is narrower */
	free(target);
	return r;
}

enum ta_result ta_profile_save(struct ta_client *c, const struct ta_profile *p)
{
	struct ta_config cfg = { 0 };
	struct ta_profile *slot;
	struct stat st;
	char *path = NULL, *text = NULL;
	enum ta_result r;
	int lock = -1;

	ta_call_begin(c);
	if ((r = ta_config_path(&path)) != TA_OK)
		return ta_fail(c, TA_E_CONFIG, "cannot locate the configuration: set HOME or TERMAUTH_CONFIG");
	if ((r = config_dir_make(c, path)) != TA_OK || (r = config_lock(c, path, &lock)) != TA_OK)
		goto out;
	/* The file as it is now, under the lock: what another termauth wrote
	 * since p was loaded stays, and p's changes go on top. */
	if ((r = config_read(c, path, &cfg, &st)) != TA_OK)
		goto out;
	if (!(slot = config_find(&cfg, p->name, 1))) {
		r = TA_E_NOMEM;
		goto out;
	}
	if ((r = profile_merge(c, slot, p)) != TA_OK)
		goto out;
	if ((r = ta_config_format(&cfg, &text)) != TA_OK) {
		if (r == TA_E_CONFIG)
			ta_fail(c, r, "%s has lines termauth cannot rewrite without changing them; edit it by hand",
			        path);
		goto out;
	}
	r = config_write(c, path, text, &st);
out:
	if (lock >= 0)
		close(lock); /* releases the flock, after the rename */
	free(text);
	free(path);
	ta_config_clear(&cfg);
	return r;
}

enum ta_result ta_profile_apply(const struct ta_profile *p, struct ta_client *c)
{
	static const struct { const char *key; enum ta_option opt; } map[] = {
		{ "issuer", TA_OPT_ISSUER }, { "client_id", TA_OPT_CLIENT_ID },
		{ "scopes", TA_OPT_SCOPES }, { "flow", TA_OPT_FLOW },
		{ "port", TA_OPT_PORT }, { "timeout", TA_OPT_TIMEOUT },
		{ "provider", TA_OPT_PROVIDER }, { "tenant", TA_OPT_TENANT },
		{ "authorization_endpoint", TA_OPT_AUTHORIZATION_ENDPOINT },
		{ "token_endpoint", TA_OPT_TOKEN_ENDPOINT },
		{ "device_endpoint", TA_OPT_DEVICE_ENDPOINT },
		{ "client_secret", TA_OPT_CLIENT_SECRET }, { "store", TA_OPT_STORE },
		{ "client_expires_at", TA_OPT_CLIENT_EXPIRES_AT },
		{ "resource", TA_OPT_RESOURCE }, { "dpop", TA_OPT_DPOP },
		{ "issuer_from", TA_OPT_ISSUER_FROM },
	};
	size_t i;

	ta_call_begin(c);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = ta_profile_get(p, map[i].key);
		if (v && ta_client_set(c, map[i].opt, v) != TA_OK)
			return ta_fail_wrap(c, TA_E_CONFIG, "profile '%s'", p->name);
	}
	return ta_client_set(c, TA_OPT_PROFILE_NAME, p->name);
}
