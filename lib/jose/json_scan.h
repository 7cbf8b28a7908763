/*
 * json_scan.h - a strict, small JSON reader for the JSON of a JWT: it
 * checks that a text is one JSON object and finds the values of the root
 * members asked for, without building a tree (json_scan.c says why and
 * exactly what it accepts). What it gives back points into the text
 * itself. Not a JSON library: no writing, no tree, no values below the
 * root besides the strings of an array.
 */
#ifndef TA_JOSE_JSON_SCAN_H
#define TA_JOSE_JSON_SCAN_H

#include <stddef.h>
#include "base/handle.h"

/* A value of the scanned object: where its text is. */
struct ta_json_value {
	const unsigned char *p; /* first byte ('"' excluded for strings) */
	size_t n;               /* bytes of text (a string's: between the quotes) */
	char type;   /* 0 absent, 's' string, 'i' integer, 'r' real, 'a' array, 'o' other */
	int escaped; /* a string with backslashes */
};

/* Scans text (n bytes) as a JSON object. values[i] is then the value of
 * the root member named names[i] (type 0 when there is none); count may be
 * 0, and names and values NULL, to check only. 0 when the text is a JSON
 * object; else -1, or -2 when memory ran out, with the reason in why (a
 * sentence for a message: "the payload is not JSON: ..."). */
TA_HIDDEN int ta_json_scan_object(const unsigned char *text, size_t n, const char *const *names,
                                  struct ta_json_value *values, size_t count, char *why,
                                  size_t cap);

/* 0 when the payload is a JSON object as json_loadb(JSON_REJECT_DUPLICATES)
 * would take it; else -1 and why (ta_json_scan_object's answer, memory
 * included; the fuzzer holds the two parsers to the same answers). */
TA_HIDDEN int ta_json_object_check(const unsigned char *payload, size_t n, char *why, size_t cap);

/* The content of a scanned string with its escapes resolved, into out
 * (room for s->n bytes: unescaping never lengthens). Its length. */
TA_HIDDEN size_t ta_json_unescape(const struct ta_json_value *s, unsigned char *out);

/* 1 when the scanned string s, unescaped, is want; 0 when not, or when
 * memory ran out comparing it. */
TA_HIDDEN int ta_json_string_is(const struct ta_json_value *s, const char *want);

/* The value of a scanned integer (type 'i': the scan checked it fits). */
TA_HIDDEN long long ta_json_integer(const struct ta_json_value *v);

/* The value of a scanned number: strtod in the C locale, whatever the
 * program's. *overflow is 1 when it overflows a double, -1 when memory
 * ran out, else 0. */
TA_HIDDEN double ta_json_real(const struct ta_json_value *v, int *overflow);

/* Calls each on the elements of a scanned array, in order, while they are
 * strings. 0 when all of them are, -1 when one is not (each was called on
 * the ones before it); *count is how many each was called on. */
TA_HIDDEN int ta_json_each_string(const struct ta_json_value *array,
                                  void (*each)(const struct ta_json_value *s, void *arg),
                                  void *arg, size_t *count);

#endif
