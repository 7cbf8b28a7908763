/*
 * exit_codes.h - termauth's exit codes, as documented in termauth(1), and
 * the one for each library result: shared by both executables.
 */
#ifndef TA_EXIT_CODES_H
#define TA_EXIT_CODES_H

#include <termauth.h>

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_SIGNIN = 3,
	EXIT_VERIFY = 4,
	EXIT_UNREACHABLE = 5,
	EXIT_CANCELLED = 130
};

/* The exit code for a library result. */
int cli_exit_code(enum ta_result r);
/* The same for a broker's answer on a far side: a use the person did not
 * confirm over there is 3, as a profile not forwarded is (no token can be
 * had here), not 1 as the IdP's access_denied. */
int forwarded_exit_code(enum ta_result r);

#endif
