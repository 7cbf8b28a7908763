/*
 * result.h - how a failure is told: the handle's message, set where the
 * failure is found, and the program's callbacks for debug lines and
 * notices. The message is cleared at the start of every API call that can
 * fail (ta_call_begin), so that after a success it is empty.
 */
#ifndef TA_BASE_RESULT_H
#define TA_BASE_RESULT_H

#include "base/handle.h"

/* Sets the handle's message (printf style) and returns r, so that a failure
 * reads `return ta_fail(c, TA_E_X, "...")`. c may be NULL. */
TA_HIDDEN enum ta_result ta_fail(struct ta_client *c, enum ta_result r,
                                 const char *fmt, ...) TA_PRINTF(3, 4);
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
