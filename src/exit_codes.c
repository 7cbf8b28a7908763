/*
 * exit_codes.c - see exit_codes.h.
 */
#include "exit_codes.h"

int cli_exit_code(enum ta_result r)
{
	switch (r) {
	case TA_OK: return EXIT_OK;
	case TA_E_ARG: return EXIT_USAGE;
	case TA_E_NO_SESSION:
	case TA_E_EXPIRED:
	case TA_E_AGENT_GONE:
	case TA_E_NOT_FORWARDED: return EXIT_SIGNIN;
	case TA_E_ID_TOKEN:
	case TA_E_VERIFY: return EXIT_VERIFY;
	case TA_E_UNREACHABLE: return EXIT_UNREACHABLE;
	case TA_E_CANCELLED: return EXIT_CANCELLED;
	default: return EXIT_FAIL;
	}
}

int forwarded_exit_code(enum ta_result r)
{
	return r == TA_E_DENIED ? EXIT_SIGNIN : cli_exit_code(r);
}
