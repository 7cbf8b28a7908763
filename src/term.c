/*
 * term.c - see term.h. Asked each time, not remembered: the terminal may
 * be resized, and the answers cost a system call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "term.h"

int term_tty(void)
{
	return isatty(2);
}

int term_escapes(void)
{
	const char *t = getenv("TERM");

	return term_tty() && t && *t && strcmp(t, "dumb") != 0;
}

int term_colour(void)
{
	const char *nc = getenv("NO_COLOR");

	return term_escapes() && !(nc && *nc);
}

/* A size from the environment (COLUMNS, LINES), else dflt. */
static int env_size(const char *name, int dflt)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return dflt;
	errno = 0;
	n = strtol(v, &end, 10);
	return errno || *end || n < 1 || n > 10000 ? dflt : (int)n;
}

void term_size(int *cols, int *rows)
{
	struct winsize ws;

	memset(&ws, 0, sizeof(ws));
	if (ioctl(2, TIOCGWINSZ, &ws) != 0)
		memset(&ws, 0, sizeof(ws));
	*cols = ws.ws_col ? ws.ws_col : env_size("COLUMNS", 80);
	*rows = ws.ws_row ? ws.ws_row : env_size("LINES", 24);
}
