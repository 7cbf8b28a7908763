/*
 * xml.c - see xml.h. A recursive descent over elements, at most
 * TA_XML_MAX_DEPTH deep; text is decoded into a wiping buffer, since the
 * leaves of an STS answer are credentials.
 */
#include <stdlib.h>
#include <string.h>
#include "base/xml.h"
#include "base/buf.h"
#include "base/secret.h"

#define NAME_MAX_LEN 64
#define PATH_MAX_LEN (TA_XML_MAX_DEPTH * (NAME_MAX_LEN + 1))

struct reader {
	const char *p, *end;
	char path[PATH_MAX_LEN + 1];
	size_t plen;
	struct ta_xml *x;
};

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static void skip_space(struct reader *r)
{
	while (r->p < r->end && is_space(*r->p))
		r->p++;
}

static int at(const struct reader *r, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(r->end - r->p) >= n && !memcmp(r->p, s, n);
}

static int name_char(char ch, int first)
{
	if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' || ch == ':')
		return 1;
	return !first && ((ch >= '0' && ch <= '9') || ch == '-' || ch == '.');
}

/* A name at r->p, its length in *n; 0 when there is none. */
static int read_name(struct reader *r, const char **name, size_t *n)
{
	const char *s = r->p;

	if (s >= r->end || !name_char(*s, 1))
		return 0;
	while (r->p < r->end && name_char(*r->p, 0) && r->p - s < NAME_MAX_LEN + 1)
		r->p++;
	*name = s;
	*n = (size_t)(r->p - s);
	return *n <= NAME_MAX_LEN;
}

/* The length of the UTF-8 sequence at s (at most n bytes) that encodes an
 * XML Char (no surrogates, nothing past U+10FFFF, no overlong form); 0 when
 * it is not one. ASCII control characters other than tab and the line
 * ends are not XML Chars either. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	unsigned cp;
	size_t len, i;

	if (s[0] < 0x80)
		return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return len;
}

static void add_utf8(struct ta_buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	}
	ta_buf_add(b, u, n);
}

/* A character reference's code point ("#65", "#x41": s[0..n)); 0 when it
 * is not an XML Char. */
static unsigned char_ref(const char *s, size_t n)
{
	int hex = n > 1 && s[1] == 'x';
	unsigned long cp = 0;
	size_t i = hex ? 2 : 1;

	if (n <= i || n > i + 8)
		return 0;
	for (; i < n; i++) {
		char ch = s[i];
		int d = ch >= '0' && ch <= '9' ? ch - '0'
		        : hex && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
		        : hex && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;

		if (d < 0)
			return 0;
		cp = cp * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (cp > 0x10ffff || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return (unsigned)cp;
}

/* An entity at r->p ('&'), decoded into b (NULL: only checked). */
static int entity(struct reader *r, struct ta_buf *b)
{
	static const struct { const char *name; char ch; } named[] = {
		{ "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' }, { "apos", '\'' },
	};
	const char *s = r->p + 1, *semi = s;
	unsigned cp = 0;
	size_t i, n;

	while (semi < r->end && semi - s < 12 && *semi != ';')
		semi++;
	if (semi >= r->end || *semi != ';')
		return 0;
	n = (size_t)(semi - s);
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strlen(named[i].name) == n && !memcmp(named[i].name, s, n))
			cp = (unsigned char)named[i].ch;
	if (!cp && n && s[0] == '#')
		cp = char_ref(s, n);
	if (!cp)
		return 0;
	if (b)
		add_utf8(b, cp);
	r->p = semi + 1;
	return 1;
}

/* Character data up to the next '<', decoded into b (NULL: only checked).
 * *blank is cleared when any of it is not white space. */
static int chars(struct reader *r, char stop, struct ta_buf *b, int *blank)
{
	while (r->p < r->end && *r->p != stop && *r->p != '<') {
		size_t n;

		if (*r->p == '&') {
			if (!entity(r, b))
				return 0;
			*blank = 0;
			continue;
		}
		if (!(n = utf8_char((const unsigned char *)r->p, (size_t)(r->end - r->p))))
			return 0;
		if (!is_space(*r->p))
			*blank = 0;
		if (b)
			ta_buf_add(b, r->p, n);
		r->p += n;
	}
	return r->p < r->end;
}

/* Attributes, up to and including '>' or "/>" (*empty set for that). */
static int attributes(struct reader *r, int *empty)
{
	for (;;) {
		const char *name;
		size_t n;
		char quote;
		int spaced = r->p < r->end && is_space(*r->p), blank = 1;

		skip_space(r);
		if (at(r, "/>") || at(r, ">")) {
			*empty = *r->p == '/';
			r->p += *empty ? 2 : 1;
			return 1;
		}
		if (!spaced || !read_name(r, &name, &n))
			return 0;
		skip_space(r);
		if (r->p >= r->end || *r->p++ != '=')
			return 0;
		skip_space(r);
		if (r->p >= r->end || (*r->p != '"' && *r->p != '\''))
			return 0;
		quote = *r->p++;
		if (!chars(r, quote, NULL, &blank) || *r->p++ != quote)
			return 0;
	}
}

/* Records the element at r->path: a leaf with its text, or (text NULL)
 * one with children, so that a path seen twice is refused whichever it
 * is - two Credentials elements are not merged into one. */
static enum ta_result add_leaf(struct reader *r, struct ta_buf *text)
{
	struct ta_xml *x = r->x;
	size_t i;

	for (i = 0; i < x->n; i++)
		if (!strcmp(x->paths[i], r->path))
			return TA_E_PROTOCOL;
	if (x->n == TA_XML_MAX_LEAVES)
		return TA_E_PROTOCOL;
	if ((text && text->failed) || !(x->paths[x->n] = strdup(r->path)))
		return TA_E_NOMEM;
	if (!text) {
		x->texts[x->n++] = NULL;
		return TA_OK;
	}
	if (ta_set_secret(&x->texts[x->n], text->data ? text->data : "") != TA_OK) {
		free(x->paths[x->n]);
		return TA_E_NOMEM;
	}
	x->n++;
	return TA_OK;
}

static enum ta_result element(struct reader *r, int depth);

/* The content of the element named by r->path, up to its end tag. */
static enum ta_result content(struct reader *r, int depth, const char *name, size_t n)
{
	struct ta_buf text = { 0 };
	enum ta_result res = TA_E_PROTOCOL;
	int children = 0, blank = 1;
	const char *end;
	size_t en;

	for (;;) {
		if (!chars(r, '<', &text, &blank))
			goto out;
		if (at(r, "</"))
			break;
		if (at(r, "<!") || at(r, "<?") || !blank)
			goto out;
		children = 1;
		if ((res = element(r, depth + 1)) != TA_OK)
			goto out;
		res = TA_E_PROTOCOL;
	}
	if (children && !blank)
		goto out;
	r->p += 2;
	if (!read_name(r, &end, &en) || en != n || memcmp(end, name, n))
		goto out;
	skip_space(r);
	if (r->p >= r->end || *r->p++ != '>')
		goto out;
	res = add_leaf(r, children ? NULL : &text);
out:
	ta_buf_clear(&text);
	return res;
}

static enum ta_result element(struct reader *r, int depth)
{
	size_t n, before = r->plen;
	const char *name;
	enum ta_result res;
	int empty = 0;

	if (depth >= TA_XML_MAX_DEPTH || r->p >= r->end || *r->p++ != '<' ||
	    !read_name(r, &name, &n))
		return TA_E_PROTOCOL;
	if (before)
		r->path[r->plen++] = '/';
	memcpy(r->path + r->plen, name, n);
	r->plen += n;
	r->path[r->plen] = '\0';
	if (!attributes(r, &empty))
		return TA_E_PROTOCOL;
	if (empty) {
		struct ta_buf none = { 0 };

		res = add_leaf(r, &none);
	} else {
		res = content(r, depth, name, n);
	}
	r->plen = before;
	r->path[r->plen] = '\0';
	return res;
}

/* The XML declaration, when there is one: printable ASCII up to "?>". */
static int declaration(struct reader *r)
{
	if (!at(r, "<?xml") || (r->end - r->p > 5 && !is_space(r->p[5])))
		return 1;
	for (r->p += 5; r->p < r->end && !at(r, "?>"); r->p++)
		if ((*r->p < 0x20 && !is_space(*r->p)) || *r->p > 0x7e)
			return 0;
	if (r->p >= r->end)
		return 0;
	r->p += 2;
	return 1;
}

enum ta_result ta_xml_parse(const char *buf, size_t len, struct ta_xml *x)
{
	struct reader r = { .p = buf, .end = buf + len, .x = x };
	enum ta_result res;

	memset(x, 0, sizeof(*x));
	if (len > TA_XML_MAX_LEN)
		return TA_E_TOO_LARGE;
	if (at(&r, "\xef\xbb\xbf"))
		r.p += 3;
	if (!declaration(&r))
		return TA_E_PROTOCOL;
	skip_space(&r);
	if ((res = element(&r, 0)) == TA_OK) {
		skip_space(&r);
		if (r.p != r.end)
			res = TA_E_PROTOCOL;
	}
	if (res != TA_OK)
		ta_xml_clear(x);
	return res;
}

const char *ta_xml_get(const struct ta_xml *x, const char *path)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (!strcmp(x->paths[i], path))
			return x->texts[i];
	return NULL;
}

void ta_xml_clear(struct ta_xml *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		free(x->paths[i]);
		ta_free_secret(x->texts[i]);
	}
	memset(x, 0, sizeof(*x));
}
