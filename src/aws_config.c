/*
 * aws_config.c - see aws_config.h. Section headers are matched the way
 * botocore reads them: the text between the brackets, "default", or
 * "profile" and the name as two shlex words. Keys as configparser reads
 * them: before the first '=' or ':', case ignored; a line that starts with
 * white space continues the one before it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "aws_config.h"

int aws_profile_name_ok(const char *name)
{
	const char *p;

	for (p = name; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("[]'\"\\#;", *p))
			return 0;
	return p != name && p - name <= 128;
}

/* The line [s, e) without the white space around it. */
static void trim(const char **s, const char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

/* -1: not a section header; 1: profile's; 0: another's. */
static int header(const char *s, const char *e, const char *profile)
{
	size_t n = strlen(profile);

	trim(&s, &e);
	if (e - s < 2 || *s != '[' || e[-1] != ']')
		return -1;
	s++, e--;
	trim(&s, &e);
	if (!strcmp(profile, "default") && e - s == 7 && !memcmp(s, "default", 7))
		return 1;
	if (e - s < 8 || memcmp(s, "profile", 7) || !isspace((unsigned char)s[7]))
		return 0;
	s += 7;
	trim(&s, &e);
	return (size_t)(e - s) == n && !memcmp(s, profile, n);
}

static int is_key(const char *s, const char *e, const char *key)
{
	const char *k = s, *end;

	if (s == e || isspace((unsigned char)*s))
		return 0;
	for (end = s; end < e && *end != '=' && *end != ':'; end++)
		;
	if (end == e)
		return 0;
	trim(&k, &end);
	return (size_t)(end - k) == strlen(key) && !strncasecmp(k, key, strlen(key));
}

static const char *line_end(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl + 1 : s + strlen(s);
}

static int blank(const char *s, const char *e)
{
	trim(&s, &e);
	return s == e;
}

int aws_config_set(const char *text, const char *profile, const char *key, const char *value,
                   char **out)
{
	const char *p, *section = NULL, *insert = NULL, *cut = NULL, *cut_end = NULL;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;
	int h;

	for (p = text; *p; p = line_end(p)) {
		const char *e = line_end(p);

		if ((h = header(p, e, profile)) >= 0) {
			if (section) {
				if (cut && !cut_end)
					cut_end = p;
				break; /* ours ended; configparser allows it once */
			}
			section = h ? p : NULL;
			if (h)
				insert = e;
			continue;
		}
		if (!section || cut_end)
			continue;
		if (cut && !(isspace((unsigned char)*p) && !blank(p, e)))
			cut_end = p;
		else if (!cut && is_key(p, e, key))
			cut = p;
		else if (!cut && !blank(p, e))
			insert = e;
	}
	if (cut && !cut_end)
		cut_end = p;
	if (!(f = open_memstream(&buf, &size)))
		return -1;
	if (cut) {
		fprintf(f, "%.*s%s = %s\n%s", (int)(cut - text), text, key, value, cut_end);
	} else if (insert) {
		fprintf(f, "%.*s%s%s = %s\n%s", (int)(insert - text), text,
		        insert > text && insert[-1] != '\n' ? "\n" : "", key, value, insert);
	} else {
		size_t n = strlen(text);

		fprintf(f, "%s%s%s[%s%s]\n%s = %s\n", text, n && text[n - 1] != '\n' ? "\n" : "",
		        n ? "\n" : "", strcmp(profile, "default") ? "profile " : "", profile, key,
		        value);
	}
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
