/*
 * device_screen.c - see device_screen.h. How many rows a text takes is
 * counted before it is written, at the terminal's width: a QR code is
 * drawn only when it and the lines below it fit on the screen, and no
 * line of prose is left for the terminal to wrap. Not a terminal (a file,
 * a pipe): the same words, unwrapped, and no QR code.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "base/match.h"
#include "device_screen.h"
#include "qr.h"
#include "term.h"

struct screen {
	FILE *to;   /* NULL: only count the rows */
	int cols;   /* the width; wide as anything when not a terminal */
	int colour; /* the code in bold */
	const char *bold; /* the word to show in bold: the code */
};

static void put_word(const struct screen *s, const char *w, size_t n)
{
	int b = s->colour && s->bold && strlen(s->bold) == n && !strncmp(w, s->bold, n);

	fprintf(s->to, "%s%.*s%s", b ? "\033[1m" : "", (int)n, w, b ? "\033[0m" : "");
}

/* text (words between single spaces) after indent spaces, wrapped between
 * words at the width; a word wider than the terminal takes its own rows.
 * Returns the rows it takes. */
static int paragraph(const struct screen *s, int indent, const char *text)
{
	int col = indent, rows = 1, fresh = 1; /* fresh: no word on the line yet */

	if (s->to)
		fprintf(s->to, "%*s", indent, "");
	while (*text) {
		size_t n = strcspn(text, " ");

		if (!fresh && col + 1 + (int)n > s->cols) {
			if (s->to)
				fputc('\n', s->to);
			rows++;
			col = 0;
		} else if (!fresh) {
			if (s->to)
				fputc(' ', s->to);
			col++;
		}
		if (s->to)
			put_word(s, text, n);
		col += (int)n;
		fresh = 0;
		if (col > s->cols) {
			rows += (col - 1) / s->cols;
			col = (col - 1) % s->cols + 1;
		}
		text += n;
		text += strspn(text, " ");
	}
	if (s->to)
		fputc('\n', s->to);
	return rows;
}

static int blank(const struct screen *s)
{
	if (s->to)
		fputc('\n', s->to);
	return 1;
}

/* 1 when url's host is a loopback address, which a phone cannot open:
 * it would be the phone's own. */
static int loopback(const char *url)
{
	const char *p = strstr(url, "://"), *q;
	size_t len, host;

	if (!p)
		return 0;
	p += 3;
	len = strcspn(p, "/?#");
	for (q = p + len; q > p; q--)
		if (q[-1] == '@') {
			len -= (size_t)(q - p);
			p = q;
			break;
		}
	if (*p == '[')
		host = (q = memchr(p, ']', len)) ? (size_t)(q - p) + 1 : len;
	else
		host = (q = memchr(p, ':', len)) ? (size_t)(q - p) : len;
	return ta_host_is_loopback(p, host) ||
	       (host > 10 && !strncasecmp(p + host - 10, ".localhost", 10));
}

static void debug(const struct cli *cli, const char *why)
{
	if (cli->verbose >= 1)
		fprintf(stderr, "termauth: debug: no QR code: %s\n", why);
}

/* The QR code's width when it is to be drawn above `below` rows of text,
 * else 0 (and why, at -v). */
static int qr_width(const struct cli *cli, const char *uri_complete, int cols, int rows, int below)
{
	char why[128];
	int w;

	if (cli->no_qr)
		return 0;
	if (!uri_complete) {
		debug(cli, "the IdP sent no verification_uri_complete");
		return 0;
	}
	if (loopback(uri_complete)) {
		debug(cli, "a phone cannot open a loopback address");
		return 0;
	}
	if ((w = qr_size(uri_complete)) < 0) {
		debug(cli, "the address cannot be encoded");
		return 0;
	}
	if (w > cols) {
		snprintf(why, sizeof(why), "the terminal is %d columns, the code needs %d", cols,
		         w);
		debug(cli, why);
		return 0;
	}
	if ((w + 1) / 2 + below > rows) {
		snprintf(why, sizeof(why),
		         "the terminal is %d lines, the code and the text below it need %d", rows,
		         (w + 1) / 2 + below);
		debug(cli, why);
		return 0;
	}
	return w;
}

/* The page and the code, with room around them; the page with the code
 * filled in where it fits on a line (always, off a terminal). Returns
 * the rows. */
static int words_alone(const struct screen *s, const char *code, const char *uri,
                       const char *uri_complete, int blanks)
{
	char line[2200];
	int rows = paragraph(s, 0, "To sign in, open this page on any device:");

	rows += blanks ? blank(s) : 0;
	rows += paragraph(s, 2, uri);
	rows += blanks ? blank(s) : 0;
	rows += paragraph(s, 0, "and enter the code");
	rows += blanks ? blank(s) : 0;
	rows += paragraph(s, 2, code);
	if (uri_complete && 8 + (int)strlen(uri_complete) < s->cols) {
		rows += blanks ? blank(s) : 0;
		snprintf(line, sizeof(line), "or open %s", uri_complete);
		rows += paragraph(s, 0, line);
	}
	return rows;
}

void device_screen_show(struct cli *cli, const char *user_code, const char *uri,
                        const char *uri_complete, int expires_in)
{
	struct screen s = { .to = NULL, .bold = user_code };
	char text[2200];
	int rows, below, w, n;

	snprintf(cli->user_code, sizeof(cli->user_code), "%s", user_code);
	if (!term_tty()) {
		s.to = stderr;
		s.cols = 1 << 20;
		words_alone(&s, user_code, uri, NULL, 1);
		if (uri_complete)
			fprintf(stderr, "\nor open %s.\n", uri_complete);
		n = (expires_in + 59) / 60;
		fprintf(stderr, "The code is valid for %d minute%s.\n", n, n == 1 ? "" : "s");
		return;
	}
	term_size(&s.cols, &rows);
	s.colour = term_colour();
	snprintf(text, sizeof(text),
	         "Scan the QR code with a phone, or open %s and enter the code %s", uri, user_code);
	/* The countdown's line, and without escapes the empty one the
	 * cursor waits on after it. */
	below = paragraph(&s, 0, text) + 1 + !term_escapes();
	s.to = stderr;
	if ((w = qr_width(cli, uri_complete, s.cols, rows, below)) > 0) {
		qr_print(stderr, uri_complete, s.cols >= w + 2 ? 2 : 0, s.colour);
		paragraph(&s, 0, text);
		return;
	}
	s.to = NULL;
	n = words_alone(&s, user_code, uri, uri_complete, 1) + 2 + !term_escapes() <= rows;
	s.to = stderr;
	words_alone(&s, user_code, uri, uri_complete, n);
	if (n)
		blank(&s);
}

/* The countdown's text that fits on the line, with the cursor after it. */
static void countdown_line(const char *code, int left, int cols, int colour)
{
	const char *b = colour ? "\033[1m" : "", *e = colour ? "\033[0m" : "";
	char t[32];
	int n = snprintf(t, sizeof(t), "%d:%02d left", left / 60, left % 60);
	int lc = (int)strlen(code);

	fputs("\r\033[K", stderr);
	if (n + lc + 33 < cols)
		fprintf(stderr, "Waiting for approval of code %s%s%s - %s ", b, code, e, t);
	else if (n + lc + 9 < cols)
		fprintf(stderr, "Code %s%s%s - %s ", b, code, e, t);
	else
		fprintf(stderr, "%s ", t);
}

void device_screen_progress(struct cli *cli, int left)
{
	int cols, rows, min = (left + 59) / 60;

	if (term_escapes()) {
		term_size(&cols, &rows);
		countdown_line(cli->user_code, left, cols, term_colour());
		cli->progress_line = 1;
	} else if (min != cli->progress_said) {
		cli->progress_said = min;
		fprintf(stderr, "termauth: waiting for approval of code %s (%d minute%s left)\n",
		        cli->user_code, min, min == 1 ? "" : "s");
	}
}
