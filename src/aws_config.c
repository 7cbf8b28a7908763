/*
 * aws_config.c - see aws_config.h. The file is read line by line the way
 * Python's configparser (RawConfigParser, as botocore makes it) reads it,
 * and its sections are named the way botocore's configloader names them:
 * - a line is stripped of white space (str.strip); one starting with '#'
 *   or ';' is a comment, and it and a blank line neither end a value nor
 *   start anything (empty_lines_in_values);
 * - a line indented deeper than the last option's or header's line, after
 *   an option, continues that option's value - even across comments and
 *   blank lines, and even when it looks like a header or a key;
 * - otherwise a header is SECTCRE, \[(?P<header>.+)\], matched at the
 *   start of the stripped line: the name runs to the LAST ']' and text
 *   after it is ignored ("[profile prod] # production"); nothing in the
 *   name is trimmed;
 * - otherwise an option: its name before the first '=' or ':', stripped,
 *   case ignored (OPTCRE, optionxform), indented or not;
 * - botocore: section "default" is profile default; a section starting
 *   "profile" whose shlex.split gives two words is profile <second word>
 *   (so "[profile default]" is profile default too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "aws_config.h"

int aws_profile_name_ok(const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("[]'\"\\#;", *p))
			return 0;
	return p != (const unsigned char *)name && p - (const unsigned char *)name <= 128;
}

int aws_word_ok(const char *word)
{
	const unsigned char *p;

	for (p = (const unsigned char *)word; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 0;
	return 1;
}

const char *aws_config_refused(const char *text, size_t len)
{
	size_t i;

	/* Python reads a lone CR as a line break (universal newlines), and
	 * after a NUL this C code would see no more of the file. */
	for (i = 0; i < len; i++)
		if (!text[i])
			return "holds a NUL byte";
	for (i = 0; i < len; i++)
		if (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n'))
			return "has a line ending in a lone CR (old Mac line endings)";
	return NULL;
}

/* Python's str.isspace, for ASCII: what strip() and \S go by. */
static int py_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && py_space(**s))
		(*s)++;
	while (*e > *s && py_space((*e)[-1]))
		(*e)--;
}

/* Appends c to word (size bytes, NUL kept room for) when it is the n-th. */
static void put(char *word, size_t size, size_t *len, int n, char c)
{
	if (n == 2 && *len + 1 < size)
		word[(*len)++] = c;
}

/* shlex.split([s, e)) as botocore calls it (posix: quotes ' and ", the
 * escape \, no comments): how many words, -1 when shlex raises (an open
 * quote, a trailing escape); the second word in word, cut at size. */
static int shlex_second(const char *s, const char *e, char *word, size_t size)
{
	size_t len = 0;
	int n = 0, in = 0;
	char q = 0;

	for (; s < e; s++) {
		if (q == '\'' && *s != q) {
			put(word, size, &len, n, *s);
		} else if (q == '"' && *s != q) {
			/* In double quotes \ escapes only " and itself. */
			if (*s == '\\' && s + 1 < e && (s[1] == '"' || s[1] == '\\'))
				s++;
			put(word, size, &len, n, *s);
		} else if (q) {
			q = 0;
		} else if (strchr(" \t\r\n", *s)) {
			in = 0;
		} else {
			n += !in;
			in = 1;
			if (*s == '\'' || *s == '"')
				q = *s;
			else if (*s == '\\' && ++s == e) /* else: the next, as is */
				return -1;
			else
				put(word, size, &len, n, *s);
		}
	}
	word[len] = '\0';
	return q ? -1 : n;
}

/* The stripped line [s, e): -1 not a section header; 1 profile's; 0
 * another's. */
static int header(const char *s, const char *e, const char *profile)
{
	char word[130]; /* a name cut at 129 is longer than any profile's */
	const char *r = e;

	if (s == e || *s != '[')
		return -1;
	while (r > s + 1 && r[-1] != ']')
		r--;
	if (r - s < 3) /* no ']', or nothing before it: .+ wants a byte */
		return -1;
	s++, r--;
	if (!strcmp(profile, "default") && r - s == 7 && !memcmp(s, "default", 7))
		return 1;
	if (r - s < 7 || memcmp(s, "profile", 7))
		return 0;
	return shlex_second(s, r, word, sizeof(word)) == 2 && !strcmp(word, profile);
}

/* The stripped line [s, e): 1 an option line (a name before the first
 * '=' or ':'), named key when *match. */
static int option(const char *s, const char *e, const char *key, int *match)
{
	const char *end = s;

	while (end < e && *end != '=' && *end != ':')
		end++;
	if (end == e)
		return 0;
	trim(&s, &end);
	*match = (size_t)(end - s) == strlen(key) && !strncasecmp(s, key, strlen(key));
	return s < end;
}

struct scan {
	const char *profile, *key;
	int ours;         /* in (the latest of) the profile's sections */
	int opt;          /* an option is open: a deeper line continues it */
	int in_key;       /* ... and it is key, in ours */
	long indent;      /* the last header's or option's indent */
	const char *insert;              /* after ours' last line but blanks */
	const char *cut, *cut_key, *cut_end; /* key's line, name, value's end */
};

static void scan_line(struct scan *s, const char *p, const char *e)
{
	const char *v = p, *ve = e;
	int h, match = 0;

	trim(&v, &ve);
	if (v == ve || *v == '#' || *v == ';') {
		if (s->ours && v != ve)
			s->insert = e; /* a comment stays above what is added */
		return;
	}
	if (s->opt && v - p > s->indent) { /* a continuation line */
		if (s->in_key)
			s->cut_end = e;
		if (s->ours)
			s->insert = e;
		return;
	}
	s->indent = v - p;
	s->in_key = 0;
	if ((h = header(v, ve, s->profile)) >= 0) {
		/* botocore keeps the later of two sections that are the same
		 * profile ("[default]", "[profile default]"): edit that one. */
		s->opt = 0;
		if ((s->ours = h)) {
			s->insert = e;
			s->cut = NULL;
		}
		return;
	}
	if (!option(v, ve, s->key, &match))
		return; /* configparser fails on it; the file is botocore's to refuse */
	s->opt = 1;
	if (!s->ours)
		return;
	s->insert = e;
	if (match) {
		s->cut = p;
		s->cut_key = v;
		s->cut_end = e;
		s->in_key = 1;
	}
}

static const char *line_end(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl + 1 : s + strlen(s);
}

/* The new text into f: key's line (keeping its indent, which decides what
 * the lines below it are) in place of its whole value, or added. */
static void write_set(FILE *f, const char *text, const struct scan *s, const char *value)
{
	const char *eol = strstr(text, "\r\n") ? "\r\n" : "\n";
	size_t n = strlen(text);

	if (s->cut) {
		fprintf(f, "%.*s%s = %s%s%s", (int)(s->cut_key - text), text, s->key, value, eol,
		        s->cut_end);
	} else if (s->insert) {
		fprintf(f, "%.*s%s%s = %s%s%s", (int)(s->insert - text), text,
		        s->insert > text && s->insert[-1] != '\n' ? eol : "", s->key, value, eol,
		        s->insert);
	} else {
		fprintf(f, "%s%s%s[%s%s]%s%s = %s%s", text, n && text[n - 1] != '\n' ? eol : "",
		        n ? eol : "", strcmp(s->profile, "default") ? "profile " : "", s->profile,
		        eol, s->key, value, eol);
	}
}

int aws_config_set(const char *text, const char *profile, const char *key, const char *value,
                   char **out)
{
	struct scan s = { .profile = profile, .key = key };
	const char *p;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	for (p = text; *p; p = line_end(p))
		scan_line(&s, p, line_end(p));
	if (!(f = open_memstream(&buf, &size)))
		return -1;
	write_set(f, text, &s, value);
	if (fclose(f) || !buf) {
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}
int aws_shell_word(char **line, const char *word)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                           "0123456789@%+=:,./_-";
	int quote = !*word || word[strspn(word, safe)];
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	if (!aws_word_ok(word))
		return -2;
	if (!(f = open_memstream(&buf, &size)))
		return -1;
	if (*line)
		fprintf(f, "%s ", *line);
	if (!quote) {
		fputs(word, f);
	} else {
		/* In single quotes nothing is special; a quote itself closes
		 * them, is given in double quotes, and opens them again. */
		fputc('\'', f);
		for (; *word; word++)
			fputs(*word == '\'' ? "'\"'\"'" : (char[]){ *word, '\0' }, f);
		fputc('\'', f);
	}
	if (fclose(f) || !buf) {
		free(buf);
		return -1;
	}
	free(*line);
	*line = buf;
	return 0;
}
