/*
 * term.h - what standard error, where the tool talks to the person, can
 * take: a terminal or not, escape sequences (not on TERM=dumb), colour
 * (not with NO_COLOR either), and the terminal's size.
 */
#ifndef TA_TERM_H
#define TA_TERM_H

/* 1 when standard error is a terminal. */
int term_tty(void);
/* 1 when escape sequences may be written to standard error: it is a
 * terminal, and TERM is set and not "dumb". Else only plain text goes
 * there: no colour, no line redrawn in place. */
int term_escapes(void);
/* 1 when colour may be used: term_escapes(), and NO_COLOR unset or empty. */
int term_colour(void);
/* The terminal's size: the kernel's (TIOCGWINSZ on standard error), which
 * follows every resize; where it says nothing (0, or not a terminal),
 * COLUMNS and LINES; else 80 by 24. */
void term_size(int *cols, int *rows);

#endif
