/*
 * suggest.c - see suggest.h.
 */
#include <string.h>
#include "suggest.h"

/* Words longer than this are no typo of a command or an option name. */
#define LONGEST 48

/* The optimal string alignment distance (Damerau-Levenshtein with each
 * letter moved once): insertions, deletions, substitutions and swaps of
 * two neighbours each count one, so "lgoin" is 1 from "login". */
static size_t distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), i, j, d[LONGEST + 1][LONGEST + 1];

	if (n > LONGEST || m > LONGEST)
		return (size_t)-1;
	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++) {
			size_t cost = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

void suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->distance = (size_t)-1;
}

void suggest_try(struct suggest *s, const char *candidate)
{
	size_t d = distance(s->word, candidate);

	if (d < s->distance) {
		s->best = candidate;
		s->distance = d;
	}
}

const char *suggest_best(const struct suggest *s)
{
	size_t n = strlen(s->word);
	/* One slip in a short word, two in a longer one, three in a long
	 * one; never as many as the word has letters ("ab" is no "vx"). */
	size_t most = n <= 4 ? 1 : n <= 8 ? 2 : 3;

	return s->best && s->distance <= most && s->distance < n ? s->best : NULL;
}
