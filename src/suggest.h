/*
 * suggest.h - "did you mean ...?": the candidate closest to a mistyped
 * word, by Damerau-Levenshtein distance, when one is close enough.
 */
#ifndef TA_SUGGEST_H
#define TA_SUGGEST_H

#include <stddef.h>

struct suggest {
	const char *word; /* what was typed */
	const char *best; /* the closest candidate so far, or NULL */
	size_t distance;  /* its distance */
};

void suggest_init(struct suggest *s, const char *word);
/* Offers a candidate; the first of equally close ones stays. */
void suggest_try(struct suggest *s, const char *candidate);
/* The closest candidate, or NULL when none is close enough to be meant. */
const char *suggest_best(const struct suggest *s);

#endif
