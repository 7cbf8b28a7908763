/*
 * config.c - profiles in an INI file ([profile NAME] sections, key = value),
 * read with inih. Saving regenerates the whole file from what was read, so
 * the other profiles and sections are kept but comments are not. What is
 * written reads back the same: the fuzzer checks it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <ini.h>
#include "internal.h"
#include "config.h"

#define CONFIG_FILE_MAX (64 * 1024)

static const char *const known_keys[] = {
	"issuer", "client_id", "scopes", "flow", "port", "timeout", "provider", "tenant",
	"authorization_endpoint", "token_endpoint", "device_endpoint", "client_secret", "store",
	"git_hosts", "git_username", "client_expires_at",
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
		free(p->values[i]);
	}
	free(p->keys);
	free(p->values);
	free(p->name);
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
		free(p->values[i]);
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

/* Reads the configuration file; a missing file is an empty one. */
static enum ta_result config_read(struct ta_client *c, const char *path,
                                  struct ta_config *cfg)
{
	char *text = NULL;
	size_t len = 0;
	enum ta_result r = ta_file_read(c, path, CONFIG_FILE_MAX, 0, &text, &len);

	if (r == TA_E_STORE && errno == ENOENT) {
		if (c)
			c->message[0] = '\0'; /* a missing file is no failure */
		memset(cfg, 0, sizeof(*cfg));
		return TA_OK;
	}
	if (r != TA_OK)
		return r == TA_E_STORE ? TA_E_CONFIG : r; /* the message is set */
	if (strlen(text) != len)
		r = ta_fail(c, TA_E_CONFIG, "%s holds a NUL byte", path);
	else
		r = ta_config_parse(c, text, cfg);
	free(text);
	return r;
}

enum ta_result ta_profile_load(struct ta_client *c, const char *name,
                               struct ta_profile **out)
{
	struct ta_config cfg = { 0 };
	struct ta_profile *found, *p = NULL;
	char *path = NULL;
	enum ta_result r;

	if (!ta_profile_name_ok(name))
		return ta_fail(c, TA_E_ARG, "'%s' is not a valid profile name (use letters, digits, '.', '_', '-')",
		               name ? name : "");
	if ((r = ta_config_path(&path)) != TA_OK)
		return ta_fail(c, TA_E_CONFIG, "cannot locate the configuration: set HOME or TERMAUTH_CONFIG");
	if ((r = config_read(c, path, &cfg)) != TA_OK)
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
	*out = p;
	p = NULL;
out:
	ta_profile_free(p);
	ta_config_clear(&cfg);
	free(path);
	return r;
}

int ta_list_holds(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	if (!n)
		return 0;
	while ((p = strstr(p, word))) {
		int starts = p == list || p[-1] == ' ' || p[-1] == '\t';
		int ends = p[n] == '\0' || p[n] == ' ' || p[n] == '\t';
		if (starts && ends)
			return 1;
		p += n;
	}
	return 0;
}

enum ta_result ta_profile_find(struct ta_client *c, const char *key, const char *word,
                               char **out)
{
	struct ta_config cfg = { 0 };
	char *path = NULL;
	enum ta_result r;
	size_t i;

	*out = NULL;
	if ((r = ta_config_path(&path)) != TA_OK)
		return ta_fail(c, TA_E_CONFIG, "cannot locate the configuration: set HOME or TERMAUTH_CONFIG");
	if ((r = config_read(c, path, &cfg)) == TA_OK) {
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

enum ta_result ta_profile_save(struct ta_client *c, const struct ta_profile *p)
{
	struct ta_config cfg = { 0 };
	struct ta_profile *slot;
	char *path = NULL, *text = NULL, *slash, *target = NULL;
	enum ta_result r;
	size_t i;

	if ((r = ta_config_path(&path)) != TA_OK)
		return ta_fail(c, TA_E_CONFIG, "cannot locate the configuration: set HOME or TERMAUTH_CONFIG");
	if ((r = config_read(c, path, &cfg)) != TA_OK)
		goto out;
	if (!(slot = config_find(&cfg, p->name, 1))) {
		r = TA_E_NOMEM;
		goto out;
	}
	/* The profile as p has it: keys removed from p go from the file too. */
	for (i = 0; i < slot->nkeys;)
		if (ta_profile_get(p, slot->keys[i]))
			i++;
		else if ((r = profile_put(slot, slot->keys[i], NULL)) != TA_OK)
			goto out;
	for (i = 0; i < p->nkeys; i++)
		if ((r = profile_put(slot, p->keys[i], p->values[i])) != TA_OK)
			goto out;
	if ((r = ta_config_format(&cfg, &text)) != TA_OK) {
		if (r == TA_E_CONFIG)
			ta_fail(c, r, "%s has lines termauth cannot rewrite without changing them; edit it by hand",
			        path);
		goto out;
	}
	/* Our own directory is created (0700); a TERMAUTH_CONFIG path is the
	 * person's choice, and its directory is neither made nor changed. */
	if (!getenv("TERMAUTH_CONFIG") && (slash = strrchr(path, '/')) && slash != path) {
		*slash = '\0';
		r = ta_dir_make(c, path);
		*slash = '/';
		if (r != TA_OK)
			goto out;
	}
	/* Through a link (a dotfiles repository), replace what it points to
	 * and keep the link. */
	if ((target = realpath(path, NULL)) == NULL && errno != ENOENT) {
		r = ta_fail(c, TA_E_CONFIG, "cannot resolve %s: %s", path, strerror(errno));
		goto out;
	}
	if ((r = ta_file_replace(c, target ? target : path, text, strlen(text))) != TA_OK)
		r = TA_E_CONFIG; /* the message is set */
out:
	free(target);
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
	};
	enum ta_result r;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = ta_profile_get(p, map[i].key);
		if (v && (r = ta_client_set(c, map[i].opt, v)) != TA_OK) {
			char why[TA_MESSAGE_MAX];
			snprintf(why, sizeof(why), "%s", ta_client_message(c));
			return ta_fail(c, TA_E_CONFIG, "profile '%s': %s", p->name, why);
		}
	}
	return TA_OK;
}
