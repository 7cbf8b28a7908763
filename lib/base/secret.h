/*
 * secret.h - strings that may hold secrets: wiped before they are freed,
 * kept out of core dumps, compared in constant time.
 */
#ifndef TA_BASE_SECRET_H
#define TA_BASE_SECRET_H

#include "base/handle.h"

/* ta_free_secret frees what ta_secret_alloc and malloc gave alike. */
TA_HIDDEN void ta_wipe(void *p, size_t n);
TA_HIDDEN void ta_free_secret(char *s);
/* Replaces *dst with a copy of src (NULL allowed), wiping the old value.
 * Returns TA_OK or TA_E_NOMEM. */
TA_HIDDEN enum ta_result ta_set_string(char **dst, const char *src);
/* Secrets kept out of core dumps: n bytes (and one more, for a NUL) in
 * pages marked MADV_DONTDUMP when it can be (else on the heap), for a
 * string that may be a secret; NULL when out of memory. Free it with
 * ta_free_secret (which wipes the whole block) and never with free().
 * ta_set_secret is ta_set_string with the copy made so. */
TA_HIDDEN void *ta_secret_alloc(size_t n);
/* What ta_secret_alloc uses, but under AddressSanitizer (which takes the
 * heap, so that LeakSanitizer sees every secret): the pool itself. */
TA_HIDDEN void *ta_secret_pool_alloc(size_t n);
TA_HIDDEN enum ta_result ta_set_secret(char **dst, const char *src);
/* Constant-time equality of two NUL-terminated strings (the length is not
 * hidden; the content is). */
TA_HIDDEN int ta_secret_equal(const char *a, const char *b);

/* json_alloc.c: routes jansson's frees through a wiping free. */
TA_HIDDEN void ta_json_alloc_init(void);

#endif
