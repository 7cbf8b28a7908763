/*
 * insecure_registry.c - see insecure_registry.h. A small strict scanner
 * for the subset of TOML that containers-registries.conf(5) files use
 * (tables, array tables, key = string, bool, integer or array of strings,
 * comments, both quote styles), jansson for daemon.json, and the list of
 * files the tools read. Not a TOML parser: what it does not know it does
 * not guess at, it gives up on the file (and the caller then looks for the
 * host's name in it). It does not merge drop-ins by prefix as
 * containers/image does (a later insecure = false does not undo an earlier
 * true): that could only let a token through that the merge would refuse,
 * never the other way, and it keeps the scan one pass per file.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include "insecure_registry.h"

#define STR_MAX 512   /* a decoded string kept; longer ones are cut (no host is) */
#define TABLE_MAX 256 /* a table's dotted name; longer: not understood */

/* host's name, without the port: "[::1]" of "[::1]:5000". */
static size_t name_len(const char *host)
{
	const char *b;

	if (host[0] == '[' && (b = strchr(host, ']')))
		return (size_t)(b - host) + 1;
	return strcspn(host, ":");
}

static int ends_with(const char *s, size_t n, const char *suffix, size_t k)
{
	return n > k && !strncasecmp(s + n - k, suffix, k);
}

int insecure_entry_covers(const char *entry, size_t len, const char *host)
{
	size_t n, hn = strlen(host), nn = name_len(host);

	/* containers/image refuses a scheme in a location, docker drops it:
	 * either way it does not change which host is meant. */
	if (len >= 7 && !strncasecmp(entry, "http://", 7))
		entry += 7, len -= 7;
	else if (len >= 8 && !strncasecmp(entry, "https://", 8))
		entry += 8, len -= 8;
	for (n = 0; n < len && entry[n] != '/'; n++)
		;
	if (!hn)
		return 0; /* no registry is named "" */
	if (n == 1 && entry[0] == '*')
		return 1;
	if (n > 2 && entry[0] == '*' && entry[1] == '.')
		return ends_with(host, nn, entry + 1, n - 1) ||
		       ends_with(host, hn, entry + 1, n - 1);
	if (n == hn && !strncasecmp(entry, host, n))
		return 1;
	/* "example.com" covers "example.com:5000" as a prefix in
	 * containers/image does (its sysregistriesv2 says not to rely on
	 * it, so we count it, in case). */
	return n == nn && nn < hn && !strncasecmp(entry, host, n);
}

/* Case-insensitive memmem over text that may hold NUL bytes. */
static int text_has(const char *buf, size_t len, const char *s, size_t n)
{
	size_t i;

	if (!n || n > len)
		return 0;
	for (i = 0; i + n <= len; i++)
		if (tolower((unsigned char)buf[i]) == tolower((unsigned char)s[0]) &&
		    !strncasecmp(buf + i, s, n) && !memchr(buf + i, '\0', n))
			return 1;
	return 0;
}

/* For a file not understood: host's name, or a wildcard that may cover
 * it ("*.example.com" for a.example.com), appears in it. */
static int name_appears(const char *buf, size_t len, const char *host)
{
	char w[260];
	size_t n = name_len(host), i;
	const char *name = host;

	if (host[0] == '[' && n > 2) /* "::1" may be written without brackets */
		name++, n -= 2;
	if (text_has(buf, len, name, n) || text_has(buf, len, "\"*\"", 3) ||
	    text_has(buf, len, "'*'", 3))
		return 1;
	for (i = 0; i < n; i++) {
		if (name[i] != '.' || n - i + 1 >= sizeof(w))
			continue;
		w[0] = '*';
		memcpy(w + 1, name + i, n - i);
		if (text_has(buf, len, w, n - i + 1))
			return 1;
	}
	return 0;
}

/* ---- the TOML subset ---- */

/* What a key's value is, to this reader. */
enum role { ROLE_NONE, ROLE_V1_LIST, ROLE_LOCATION, ROLE_PREFIX, ROLE_INSECURE,
	    ROLE_MIRROR_LOCATION, ROLE_MIRROR_INSECURE };

/* A [[registry]] or [[registry.mirror]] being read: judged at its end,
 * since insecure may come before or after location. */
struct endpoint {
	int open, insecure;
	char location[STR_MAX], prefix[STR_MAX];
};

struct scan {
	const char *p, *end, *host;
	char table[TABLE_MAX];
	struct endpoint reg, mirror;
	int hit, bad;
};

struct str {
	char s[STR_MAX];
	size_t n;
};

static void endpoint_close(struct scan *sc, struct endpoint *e)
{
	const char *l = e->location, *p = e->prefix;

	if (e->open && e->insecure && ((*l && insecure_entry_covers(l, strlen(l), sc->host)) ||
	                               (*p && insecure_entry_covers(p, strlen(p), sc->host))))
		sc->hit = 1;
	memset(e, 0, sizeof(*e));
}

static void str_add(struct str *s, char c)
{
	if (s->n + 1 < sizeof(s->s))
		s->s[s->n++] = c;
	s->s[s->n] = '\0';
}

/* Blanks within a line. */
static void skip_blank(struct scan *sc)
{
	while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t'))
		sc->p++;
}

/* To the end of a comment's line (most of a stock registries.conf). */
static void skip_comment(struct scan *sc)
{
	const char *nl = memchr(sc->p, '\n', (size_t)(sc->end - sc->p));

	sc->p = nl ? nl : sc->end;
}

/* Blanks, comments and line breaks: between an array's items. */
static void skip_space(struct scan *sc)
{
	for (;;) {
		skip_blank(sc);
		if (sc->p < sc->end && *sc->p == '#')
			skip_comment(sc);
		if (sc->p < sc->end && *sc->p == '\n')
			sc->p++;
		else if (sc->end - sc->p >= 2 && sc->p[0] == '\r' && sc->p[1] == '\n')
			sc->p += 2;
		else
			return;
	}
}

/* The end of a line: blanks, a comment, then a line break or the end. */
static void line_end(struct scan *sc)
{
	skip_blank(sc);
	if (sc->p < sc->end && *sc->p == '#')
		skip_comment(sc);
	if (sc->end - sc->p >= 2 && sc->p[0] == '\r' && sc->p[1] == '\n')
		sc->p++;
	if (sc->p < sc->end && *sc->p != '\n')
		sc->bad = 1;
	else if (sc->p < sc->end)
		sc->p++;
}

/* \uXXXX or \UXXXXXXXX, at *p past the u: ASCII as itself (a host may be
 * written so, and must not hide from us), anything else as 0x80, which no
 * host holds. -1 for what TOML refuses. */
static int unescape_unicode(struct scan *sc, int digits, char *out)
{
	unsigned long v = 0;
	int i;

	if (sc->end - sc->p < digits)
		return -1;
	for (i = 0; i < digits; i++) {
		if (!isxdigit((unsigned char)sc->p[i]))
			return -1;
		v = v * 16 + (unsigned long)(isdigit((unsigned char)sc->p[i])
		                                     ? sc->p[i] - '0'
		                                     : tolower((unsigned char)sc->p[i]) - 'a' + 10);
	}
	sc->p += digits;
	if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return -1;
	*out = v < 0x80 ? (char)v : (char)0x80;
	return 0;
}

/* One escape of a basic string, *p past the backslash. */
static int unescape(struct scan *sc, char *out)
{
	static const char from[] = "\"\\btnfr", to[] = "\"\\\b\t\n\f\r";
	const char *at;
	char c;

	if (sc->p == sc->end)
		return -1;
	c = *sc->p++;
	if (c == 'u' || c == 'U')
		return unescape_unicode(sc, c == 'u' ? 4 : 8, out);
	if (!c || !(at = strchr(from, c)))
		return -1;
	*out = to[at - from];
	return 0;
}

/* A one-line string in either quote style; multi-line ones ("""/''') are
 * not read. */
static void scan_string(struct scan *sc, struct str *out)
{
	char q = *sc->p++, c;

	out->n = 0;
	out->s[0] = '\0';
	if (sc->end - sc->p >= 2 && sc->p[0] == q && sc->p[1] == q) {
		sc->bad = 1;
		return;
	}
	while (sc->p < sc->end && *sc->p != q) {
		c = *sc->p++;
		if (c == '\\' && q == '"' ? unescape(sc, &c) != 0
		                           : (unsigned char)c < 0x20 && c != '\t') {
			sc->bad = 1; /* a bad escape, line break or control byte */
			return;
		}
		if (out->n + 1 < sizeof(out->s)) /* cut: see STR_MAX */
			out->s[out->n++] = c;
	}
	out->s[out->n] = '\0';
	if (sc->p == sc->end)
		sc->bad = 1;
	else
		sc->p++;
}

static int is_bare(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* A dotted key or table name, appended to path in lower case (the tools'
 * TOML decoder matches fields without regard to case). */
static void scan_key(struct scan *sc, char *path, size_t size)
{
	struct str part;
	size_t n = strlen(path), i;

	for (;;) {
		skip_blank(sc);
		part.n = 0;
		if (sc->p < sc->end && (*sc->p == '"' || *sc->p == '\''))
			scan_string(sc, &part);
		else
			while (sc->p < sc->end && is_bare(*sc->p) && part.n + 1 < sizeof(part.s))
				part.s[part.n++] = *sc->p++;
		if (sc->bad || !part.n || n + part.n + 2 > size) {
			sc->bad = 1;
			return;
		}
		if (n)
			path[n++] = '.';
		for (i = 0; i < part.n; i++)
			path[n++] = (char)tolower((unsigned char)part.s[i]);
		path[n] = '\0';
		skip_blank(sc);
		if (sc->p == sc->end || *sc->p != '.')
			return;
		sc->p++;
	}
}

/* [table] or [[array table]]: the end of what was being read, and
 * perhaps a new endpoint. */
static void scan_header(struct scan *sc)
{
	int array = sc->end - sc->p >= 2 && sc->p[1] == '[';

	sc->p += array ? 2 : 1;
	sc->table[0] = '\0';
	scan_key(sc, sc->table, sizeof(sc->table));
	if (sc->bad || sc->p == sc->end || *sc->p++ != ']' ||
	    (array && (sc->p == sc->end || *sc->p++ != ']'))) {
		sc->bad = 1;
		return;
	}
	line_end(sc);
	endpoint_close(sc, &sc->mirror);
	if (!strcmp(sc->table, "registry.mirror")) {
		sc->mirror.open = 1;
		return;
	}
	endpoint_close(sc, &sc->reg);
	sc->reg.open = !strcmp(sc->table, "registry");
}

static enum role key_role(const char *key)
{
	static const struct {
		const char *path;
		enum role role;
	} roles[] = {
		{ "registries.insecure.registries", ROLE_V1_LIST },
		{ "registry.location", ROLE_LOCATION },
		{ "registry.prefix", ROLE_PREFIX },
		{ "registry.insecure", ROLE_INSECURE },
		{ "registry.mirror.location", ROLE_MIRROR_LOCATION },
		{ "registry.mirror.insecure", ROLE_MIRROR_INSECURE },
	};
	size_t i;

	if (strncmp(key, "regist", 6)) /* most keys, quickly */
		return ROLE_NONE;
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(key, roles[i].path))
			return roles[i].role;
	return ROLE_NONE;
}

/* A string, integer or bool: its text in out (kind 's', 'i' or 'b'). */
static char scan_scalar(struct scan *sc, struct str *out)
{
	char c = *sc->p;

	out->n = 0;
	out->s[0] = '\0';
	if (c == '"' || c == '\'') {
		scan_string(sc, out);
		return 's';
	}
	while (sc->p < sc->end && (is_bare(*sc->p) || *sc->p == '+'))
		str_add(out, *sc->p++);
	if (!strcmp(out->s, "true") || !strcmp(out->s, "false"))
		return 'b';
	/* Integers (no registries.conf key takes one, but they are TOML);
	 * floats, dates, inf and nan are not read. */
	if (out->n && strspn(out->s, "0123456789_+-") == out->n)
		return 'i';
	sc->bad = 1;
	return 0;
}

/* An array of scalars over any number of lines; v1's lists are read. */
static void scan_array(struct scan *sc, enum role role)
{
	struct str item;

	sc->p++;
	for (;;) {
		skip_space(sc);
		if (sc->p < sc->end && *sc->p == ']') {
			sc->p++;
			return;
		}
		if (sc->p == sc->end || *sc->p == '[' || *sc->p == '{' ||
		    (scan_scalar(sc, &item) != 's' && role != ROLE_NONE) || sc->bad) {
			sc->bad = 1;
			return;
		}
		if (role == ROLE_V1_LIST && insecure_entry_covers(item.s, item.n, sc->host))
			sc->hit = 1;
		skip_space(sc);
		if (sc->p < sc->end && *sc->p == ',')
			sc->p++;
		else if (sc->p == sc->end || *sc->p != ']')
			sc->bad = 1;
		if (sc->bad)
			return;
	}
}

/* What a known key's value does to the endpoint being read. A value of
 * the wrong type makes the tools refuse the file: not understood. */
static void apply(struct scan *sc, enum role role, char kind, const struct str *v)
{
	int is_str = role == ROLE_LOCATION || role == ROLE_PREFIX || role == ROLE_MIRROR_LOCATION;
	int is_bool = role == ROLE_INSECURE || role == ROLE_MIRROR_INSECURE;
	struct endpoint *e = role == ROLE_MIRROR_LOCATION || role == ROLE_MIRROR_INSECURE
	                             ? &sc->mirror : &sc->reg;

	if ((is_str && kind != 's') || (is_bool && kind != 'b') || role == ROLE_V1_LIST) {
		sc->bad = 1;
		return;
	}
	/* A key that reaches an endpoint by a dotted name from another table
	 * ("registry.insecure = true" at the top) is judged too: the tools
	 * refuse such a file, we count it. */
	e->open = 1;
	if (is_bool)
		e->insecure = !strcmp(v->s, "true");
	else if (role == ROLE_PREFIX)
		memcpy(e->prefix, v->s, v->n + 1);
	else if (is_str)
		memcpy(e->location, v->s, v->n + 1);
}

/* key = value, the key taken within the current table. */
static void scan_pair(struct scan *sc)
{
	char key[TABLE_MAX];
	struct str v;
	enum role role;
	char kind;

	memcpy(key, sc->table, strlen(sc->table) + 1);
	scan_key(sc, key, sizeof(key));
	if (sc->bad || sc->p == sc->end || *sc->p++ != '=') {
		sc->bad = 1;
		return;
	}
	role = key_role(key);
	skip_blank(sc);
	if (sc->p == sc->end || *sc->p == '{') {
		sc->bad = 1; /* no value, or an inline table */
		return;
	}
	if (*sc->p == '[') {
		scan_array(sc, role);
		if (role != ROLE_NONE && role != ROLE_V1_LIST)
			sc->bad = 1;
	} else {
		kind = scan_scalar(sc, &v);
		if (!sc->bad && role != ROLE_NONE)
			apply(sc, role, kind, &v);
	}
	if (!sc->bad)
		line_end(sc);
}

int insecure_registries_conf(const char *buf, size_t len, const char *host, int *understood)
{
	struct scan *sc = calloc(1, sizeof(*sc));
	int hit = 0;

	if (!sc) {
		/* Out of memory: not understood, so only the name counts. */
		hit = name_appears(buf, len, host);
		if (understood)
			*understood = 0;
		goto out;
	}
	sc->p = buf;
	sc->end = buf + len;
	sc->host = host;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		sc->p += 3;
	if (memchr(buf, '\0', len))
		sc->bad = 1;
	while (!sc->bad) {
		skip_space(sc);
		if (sc->p == sc->end)
			break;
		if (*sc->p == '[')
			scan_header(sc);
		else
			scan_pair(sc);
	}
	endpoint_close(sc, &sc->mirror);
	endpoint_close(sc, &sc->reg);
	hit = sc->hit || (sc->bad && name_appears(buf, len, host));
	if (understood)
		*understood = !sc->bad;
out:
	free(sc);
	return hit;
}

/* ---- daemon.json ---- */

/* An IPv4 or IPv6 CIDR ("10.0.0.0/8") holding host's address. */
static int cidr_holds(const char *entry, const char *host)
{
	unsigned char net[16], addr[16];
	char a[64], h[64];
	const char *slash = strchr(entry, '/'), *name = host;
	size_t n = name_len(host), bits, i;
	int family = strchr(entry, ':') ? AF_INET6 : AF_INET;
	char *e;
	long v;

	if (!slash || (size_t)(slash - entry) >= sizeof(a) || n + 1 >= sizeof(h))
		return 0;
	memcpy(a, entry, (size_t)(slash - entry));
	a[slash - entry] = '\0';
	if (name[0] == '[')
		name++, n -= 2;
	memcpy(h, name, n);
	h[n] = '\0';
	errno = 0;
	v = strtol(slash + 1, &e, 10);
	bits = family == AF_INET ? 32 : 128;
	if (errno || *e || e == slash + 1 || v < 0 || (size_t)v > bits ||
	    inet_pton(family, a, net) != 1 || inet_pton(family, h, addr) != 1)
		return 0;
	for (i = 0; i < (size_t)v; i++)
		if ((net[i / 8] ^ addr[i / 8]) & (0x80 >> (i % 8)))
			return 0;
	return 1;
}

int insecure_daemon_json(const char *buf, size_t len, const char *host, int *understood)
{
	json_t *root = json_loadb(buf, len, 0, NULL), *list, *item;
	const char *s;
	size_t i;
	int hit = 0;

	if (understood)
		*understood = root != NULL;
	if (!root) {
		hit = name_appears(buf, len, host);
		goto out;
	}
	list = json_object_get(root, "insecure-registries");
	json_array_foreach(list, i, item) {
		if (!(s = json_string_value(item)))
			continue; /* docker refuses the file; nothing to cover */
		if (cidr_holds(s, host) ||
		    insecure_entry_covers(s, json_string_length(item), host)) {
			hit = 1;
			break;
		}
	}
out:
	json_decref(root);
	return hit;
}

/* ---- the files ---- */

/* Reads path whole, or its first INSECURE_FILE_MAX + 1 bytes (so that the
 * caller sees it was longer). malloc'd, *len set; NULL when it cannot be
 * opened, is not a regular file, or memory ran out. */
static char *read_small(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char *buf = NULL;
	struct stat st;
	size_t cap, n = 0;
	ssize_t r;

	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
		goto out;
	cap = st.st_size > INSECURE_FILE_MAX ? INSECURE_FILE_MAX + 1 : (size_t)st.st_size;
	if (!(buf = malloc(cap + 1)))
		goto out;
	while (n < cap && ((r = read(fd, buf + n, cap - n)) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			n += (size_t)r;
	*len = n;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

int insecure_file(const char *path, int daemon_json, const char *host)
{
	size_t len = 0;
	char *buf = read_small(path, &len);
	int hit = 0;

	if (!buf)
		goto out;
	if (len > INSECURE_FILE_MAX)
		hit = name_appears(buf, INSECURE_FILE_MAX, host);
	else if (daemon_json)
		hit = insecure_daemon_json(buf, len, host, NULL);
	else
		hit = insecure_registries_conf(buf, len, host, NULL);
out:
	free(buf);
	return hit;
}

struct found {
	const char *host;
	char *where;
	size_t size;
};

/* Checks one file; 1 (and where set) when it marks the host insecure. */
static int check(struct found *f, const char *path, int daemon_json)
{
	if (!insecure_file(path, daemon_json, f->host))
		return 0;
	if (f->size)
		snprintf(f->where, f->size, "%s", path);
	return 1;
}

static int conf_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".conf");
}

/* Every *.conf in dir, in the tools' (alphabetical) order. */
static int check_dir(struct found *f, const char *dir)
{
	struct dirent **list = NULL;
	char path[PATH_MAX];
	int n = scandir(dir, &list, conf_name, alphasort), i, hit = 0;

	for (i = 0; i < n; i++) {
		if (!hit && (size_t)snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name) <
		                    sizeof(path))
			hit = check(f, path, 0);
		free(list[i]);
	}
	free(list);
	return hit;
}

/* a then b into a PATH_MAX buffer; 0 when it did not fit, so that a cut
 * path is never read. */
static int join(char *out, const char *a, const char *b)
{
	return (size_t)snprintf(out, PATH_MAX, "%s%s", a, b) < PATH_MAX;
}

static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && *home)
		return home;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

/* $XDG_CONFIG_HOME when it is an absolute path (the XDG rule), else NULL. */
static const char *xdg_config(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");

	return xdg && xdg[0] == '/' ? xdg : NULL;
}

/* containers-registries.conf(5) and containers-registries.conf.d(5), as
 * containers/image's sysregistriesv2 chooses them; then XDG's, which it
 * does not read (see insecure_registry.h). */
static int check_containers(struct found *f, const char *root, const char *home)
{
	const char *env = getenv("CONTAINERS_REGISTRIES_CONF"), *xdg = xdg_config();
	char user[PATH_MAX] = "", other[PATH_MAX] = "", p[PATH_MAX];
	int system_dir = 1;

	if (home && !join(user, home, "/.config/containers"))
		user[0] = '\0';
	if (!xdg || !join(other, xdg, "/containers") || !strcmp(other, user))
		other[0] = '\0';
	if (env && *env) {
		if (check(f, env, 0))
			return 1;
	} else if (user[0] && join(p, user, "/registries.conf") && !access(p, F_OK)) {
		system_dir = 0; /* the user's file replaces the system's, and its directory */
		if (check(f, p, 0))
			return 1;
	} else if (join(p, root, "/etc/containers/registries.conf") && check(f, p, 0)) {
		return 1;
	}
	if (system_dir && join(p, root, "/etc/containers/registries.conf.d") && check_dir(f, p))
		return 1;
	if (user[0] && join(p, user, "/registries.conf.d") && check_dir(f, p))
		return 1;
	if (other[0] && join(p, other, "/registries.conf") && check(f, p, 0))
		return 1;
	return other[0] && join(p, other, "/registries.conf.d") && check_dir(f, p);
}

/* dockerd's, rootless dockerd's, Docker Desktop's daemon.json. */
static int check_docker(struct found *f, const char *root, const char *home)
{
	const char *xdg = xdg_config();
	char p[PATH_MAX];

	if (join(p, root, "/etc/docker/daemon.json") && check(f, p, 1))
		return 1;
	if (xdg ? join(p, xdg, "/docker/daemon.json") && check(f, p, 1)
	        : home && join(p, home, "/.config/docker/daemon.json") && check(f, p, 1))
		return 1;
	return home && join(p, home, "/.docker/daemon.json") && check(f, p, 1);
}

int insecure_registry_under(const char *root, const char *host, char *where, size_t size)
{
	struct found f = { host, where, size };
	const char *home = home_dir();

	if (size)
		where[0] = '\0';
	if (!root)
		root = "";
	return check_containers(&f, root, home) || check_docker(&f, root, home);
}

int insecure_registry(const char *host, char *where, size_t size)
{
	return insecure_registry_under(NULL, host, where, size);
}
