/*
 * cmd_token.c - `termauth token`: print a fresh access token. The small
 * `termauth` executable serves a stored fresh token itself; this is the
 * full tool's side, reached when it could not: it refreshes the session
 * (once, however many processes ask at the same time), or with --login
 * signs in, or says what is wrong.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fresh_token.h"
#include "token_common.h"

static const char about[] =
	"Print the profile's access token on stdout, and nothing else. When it\n"
	"expires within --min-ttl, it is refreshed first, silently; processes that\n"
	"ask at the same time refresh once. When the IdP's tokens live no longer\n"
	"than --min-ttl, the token is printed with a warning, and refreshed once\n"
	"half its life is gone; one whose lifetime the IdP did not state counts\n"
	"as living an hour from when it was received.\n";

static const char more[] =
	"Where the token comes from, first match wins: TERMAUTH_TOKEN (an access\n"
	"token, printed as is); TERMAUTH_CREDENTIAL (a CI credential from 'termauth\n"
	"setup-token', refreshed as needed); the profile's stored session.\n\n"
	"Exit status 3 means: sign in again with 'termauth login'; 5: the IdP\n"
	"could not be reached to refresh the token. A refreshed session that\n"
	"cannot be saved is kept aside (said in one line), its token printed.\n\n"
	"Examples:\n"
	"  curl -H \"Authorization: Bearer $(termauth token)\" https://api.example.com/\n"
	"  termauth token --json --min-ttl 300\n";

struct token_options {
	long long min_ttl;
	int json, header, json_headers, login;
	const char *resource, *scope, *url, *method;
};

static const struct token_options defaults = { .min_ttl = TOKEN_DEFAULT_MIN_TTL };

static const struct opt options[] = {
	{ .name = "min-ttl", .kind = OPT_SECONDS, .offset = offsetof(struct token_options, min_ttl),
	  .arg = "SECS", .hint = "a number of seconds",
	  .help = "the token must stay valid this long (default: 60)" },
	{ .name = "login", .kind = OPT_FLAG, .offset = offsetof(struct token_options, login),
	  .help = "sign in (as 'termauth login' would) when the session cannot be refreshed, "
	          "instead of failing" },
	{ .name = "resource", .kind = OPT_STRING, .offset = offsetof(struct token_options, resource),
	  .arg = "URL", .hint = "the API's URI",
	  .help = "a token for this API (RFC 8707), from the session's refresh token; "
	          "cached apart" },
	{ .name = "scope", .kind = OPT_STRING, .offset = offsetof(struct token_options, scope),
	  .arg = "SCOPES", .hint = "space-separated scopes",
	  .help = "with --resource: narrower scopes for that token" },
	{ .name = "json", .kind = OPT_FLAG, .offset = offsetof(struct token_options, json),
	  .help = "print {\"access_token\", \"token_type\", \"expires_at\", \"expires_in\"}" },
	{ .name = "header", .kind = OPT_FLAG, .offset = offsetof(struct token_options, header),
	  .help = "print the HTTP header: Authorization: Bearer TOKEN" },
	{ .name = "json-headers", .kind = OPT_FLAG,
	  .offset = offsetof(struct token_options, json_headers),
	  .help = "print {\"Authorization\": \"Bearer TOKEN\"}, as MCP clients' header "
	          "helpers hand it back" },
	{ .name = "url", .kind = OPT_STRING, .offset = offsetof(struct token_options, url),
	  .arg = "URL", .hint = "the request's URL",
	  .help = "with --header or --json-headers and a DPoP-bound token: the request the "
	          "DPoP proof is for" },
	{ .name = "method", .kind = OPT_STRING, .offset = offsetof(struct token_options, method),
	  .arg = "METHOD", .hint = "an HTTP method",
	  .help = "the request's method, for the DPoP proof (default: GET)" },
	{ 0 },
};

/* The one way of printing asked for; -1 (said) when several are. */
static int format_of(const struct token_options *o)
{
	if (o->json + o->header + o->json_headers > 1) {
		cli_usage_error(&cmd_token, "--json, --header and --json-headers exclude each other");
		return -1;
	}
	return o->json ? TOKEN_JSON : o->header ? TOKEN_HEADER
	                            : o->json_headers ? TOKEN_JSON_HEADERS : TOKEN_RAW;
}

/* The headers of a DPoP-bound token: Authorization: DPoP, and the proof
 * for the request --method --url, with the token's hash (RFC 9449 7.1). */
static int print_with_proof(struct cli *cli, const struct token_options *o,
                            const struct fresh_token *t, int json)
{
	char *proof = NULL;
	int rc;

	if (!o->url)
		return cli_usage_error(&cmd_token, "profile '%s' has DPoP-bound tokens, whose headers hold a proof for one request: give its --url (and --method)",
		                       cli->profile);
	rc = fresh_token_proof(cli, t, o->method ? o->method : "GET", o->url, NULL, &proof);
	if (rc == EXIT_OK)
		rc = token_print_headers(t->token, t->type, proof, json) ? EXIT_FAIL : EXIT_OK;
	fresh_token_proof_free(proof);
	return rc;
}

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	const struct token_options *o = opts;
	struct fresh_token t;
	int format = format_of(o), rc;

	(void)argc;
	(void)argv;
	if (format < 0)
		return EXIT_USAGE;
	if (o->scope && !o->resource)
		return cli_usage_error(&cmd_token, "--scope asks for narrower scopes of a --resource's token: give --resource too");
	rc = o->resource ? fresh_resource_token_get(cli, o->resource, o->scope, o->min_ttl, o->login, &t)
	                 : fresh_token_get(cli, o->min_ttl, o->login, &t);
	if (rc == EXIT_OK && token_needs_proof(t.type, (enum token_format)format))
		rc = print_with_proof(cli, o, &t, format == TOKEN_JSON_HEADERS);
	else if (rc == EXIT_OK)
		rc = token_print_raw(t.token, t.type, t.expires_at, (enum token_format)format,
		                     (long long)time(NULL))
		             ? EXIT_FAIL
		             : EXIT_OK;
	fresh_token_clear(&t);
	return rc;
}

const struct command cmd_token = {
	.name = "token",
	.summary = "print a fresh access token",
	.synopsis = "[OPTIONS]",
	.about = about,
	.more = more,
	.opts = options,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.run = run,
};
