/*
 * token_common.h - what `termauth token` does in both executables: the
 * small one that serves a cached token with no network libraries loaded,
 * and the full tool it hands over to when the cache cannot serve.
 */
#ifndef TA_TOKEN_COMMON_H
#define TA_TOKEN_COMMON_H

#include <jansson.h>
#include <termauth.h>

#define TOKEN_DEFAULT_MIN_TTL 60

/* How `termauth token` prints: the token; {"access_token", ...} (--json);
 * an HTTP header line (--header); {"Authorization": ...}, the headers MCP
 * clients' header helpers hand back (--json-headers). */
enum token_format { TOKEN_RAW, TOKEN_JSON, TOKEN_HEADER, TOKEN_JSON_HEADERS };

struct token_args {
	const char *profile;
	long long min_ttl;
	enum token_format format;
};

/* Prints the token in format on stdout. Returns 0, or -1 when stdout
 * failed. */
int token_print(const struct ta_session *s, enum token_format format, long long now);
/* The same for a token given as is: type may be NULL (Bearer), exp 0
 * (unknown). */
int token_print_raw(const char *token, const char *type, long long exp, enum token_format format,
                    long long now);
/* 1 when the headers of format for a token of this type need a DPoP
 * proof: a DPoP-bound token (RFC 9449 7.1) as --header or --json-headers. */
int token_needs_proof(const char *type, enum token_format format);
/* What both executables say of a forwarded DPoP-bound token's headers
 * (a format with the profile's name twice). */
#define TOKEN_FORWARDED_NO_PROOF \
	"profile '%s' forwards DPoP-bound tokens, and a proof can be made only where its key is: use the token on the signed-in machine, or sign in here with 'termauth -p %s login'"
/* Prints the headers of a request with this token (--header, or with json
 * --json-headers): Authorization, and DPoP when proof is not NULL. Returns
 * 0, or -1 when stdout or memory failed. */
int token_print_headers(const char *token, const char *type, const char *proof, int json);
/* The scheme of an Authorization header for a token of this type
 * (RFC 6750 2.1, RFC 9449 7.1): "Bearer" for NULL and any case of bearer,
 * "DPoP" for any case of dpop, else type as it is. */
const char *token_scheme(const char *type);
/* Prints o (a token's JSON, with the token in it) on one line of stdout,
 * then wipes the text and releases o. Returns 0, or -1 when stdout or
 * memory failed; o may be NULL (-1). */
int json_print_secret(json_t *o);
/* TERMAUTH_TOKEN when set and not empty: an access token used as is. It
 * wins over TERMAUTH_CREDENTIAL, which wins over the profile's session. */
const char *token_from_env(void);
/* 1 when a token has no control character: no line break to add lines to
 * git's answer or headers to an HTTP request, no escape for a terminal.
 * Tokens from the IdP are checked as they arrive; this is for
 * TERMAUTH_TOKEN, which is taken as it is. */
int token_printable(const char *token);
/* A whole number of seconds (--min-ttl, --leeway): decimal digits only;
 * -1 for anything else or too large. */
long long token_parse_seconds(const char *s);

#endif
