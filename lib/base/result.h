/*
 * result.h - how a failure is told: the handle's message, set where the
 * failure is found, and the program's callbacks for debug lines and
 * notices. The message is cleared at the start of every API call that can
 * fail (ta_call_begin), so that after a success it is empty.
 */
#ifndef TA_BASE_RESULT_H
#define TA_BASE_RESULT_H

#include <stddef.h>
#include "base/handle.h"

/* The first thing every API call that takes a handle and can fail does:
 * clears the message of the handle's last failure, so that after a success
 * ta_client_message() is "". An API call that another one makes inside
 * clears it too, which is why a failure's message is read, or wrapped,
 * before the next API call. c may be NULL. */
TA_HIDDEN void ta_call_begin(struct ta_client *c);

/* Sets the handle's message (printf style) and returns r, so that a failure
 * reads `return ta_fail(c, TA_E_X, "...")`. c may be NULL. */
TA_HIDDEN enum ta_result ta_fail(struct ta_client *c, enum ta_result r,
                                 const char *fmt, ...) TA_PRINTF(3, 4);
/* A failure passed on with context: the message becomes "CONTEXT: what it
 * was" (just CONTEXT when it was empty), and r is returned, so that a
 * caller reads `return ta_fail_wrap(c, r, "profile '%s'", name)`. The only
 * way a message is built from another one. c may be NULL. */
TA_HIDDEN enum ta_result ta_fail_wrap(struct ta_client *c, enum ta_result r,
                                      const char *fmt, ...) TA_PRINTF(3, 4);
/* A failure found to be none (a missing file that means "empty"): its
 * message goes. */
TA_HIDDEN void ta_fail_undo(struct ta_client *c);

/* A struct the program filled whose first member is size_t size (struct
 * ta_callbacks, ta_verify_options, ta_exchange_request), read into dst -
 * the library's layout, dst_size bytes: the members that fit in the
 * program's size are copied, the rest are zero, and dst's size becomes
 * dst_size. TA_E_ARG, with a message naming what, when the size cannot
 * hold the size member (0: the struct was not set up with its _INIT
 * macro), or is larger than dst_size and the members this library does
 * not know are not zero. */
TA_HIDDEN enum ta_result ta_sized_read(struct ta_client *c, const char *what, void *dst,
                                       size_t dst_size, const void *src);
TA_HIDDEN void ta_debug(const struct ta_client *c, int level,
                        const char *fmt, ...) TA_PRINTF(3, 4);
TA_HIDDEN void ta_notice(const struct ta_client *c, const char *fmt, ...)
	TA_PRINTF(2, 3);

/* Copies text from the IdP for display: printable ASCII only (anything else
 * becomes '?', so it cannot paint the terminal), at most cap-1 characters. */
TA_HIDDEN void ta_printable(char *dst, size_t cap, const char *src);

/* TA_E_CANCELLED (message set) when the program's cancelled callback
 * says so; TA_OK otherwise. */
TA_HIDDEN enum ta_result ta_check_cancelled(struct ta_client *c);
/* 1 when the program's cancelled callback says so (no message set). */
TA_HIDDEN int ta_cancel_asked(const struct ta_client *c);

#endif
