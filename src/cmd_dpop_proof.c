/*
 * cmd_dpop_proof.c - `termauth dpop-proof`: print a DPoP proof (RFC 9449)
 * for one request with the profile's DPoP-bound access token, for scripts
 * that send the headers themselves. `token --header --url` prints both
 * headers at once.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fresh_token.h"
#include "token_common.h"

static const char about[] =
	"Print a DPoP proof (RFC 9449) for one request, made with the key the\n"
	"profile's session is bound to (sign in with --dpop yes), holding the hash\n"
	"of the access token 'termauth token' prints now (refreshed first when it\n"
	"expires within a minute). Send it as the request's DPoP header, with\n"
	"\"Authorization: DPoP TOKEN\". A proof is good for one request, for a few\n"
	"minutes.\n";

static const char more[] =
	"Example:\n"
	"  curl -H \"Authorization: DPoP $(termauth token)\" \\\n"
	"       -H \"DPoP: $(termauth dpop-proof --url https://api.example.com/x)\" \\\n"
	"       https://api.example.com/x\n";

struct proof_options {
	const char *method, *url, *nonce, *resource;
};

static const struct proof_options defaults = { .method = "GET" };

static const struct opt options[] = {
	{ .name = "url", .kind = OPT_STRING, .offset = offsetof(struct proof_options, url),
	  .arg = "URL", .hint = "the request's URL", .help = "the request's URL (required)" },
	{ .name = "method", .kind = OPT_STRING, .offset = offsetof(struct proof_options, method),
	  .arg = "METHOD", .hint = "an HTTP method", .help = "the request's method (default: GET)" },
	{ .name = "resource", .kind = OPT_STRING,
	  .offset = offsetof(struct proof_options, resource), .arg = "URL", .hint = "the API's URI",
	  .help = "for the token 'termauth token --resource URL' prints" },
	{ .name = "nonce", .kind = OPT_STRING, .offset = offsetof(struct proof_options, nonce),
	  .arg = "NONCE", .hint = "the server's DPoP-Nonce",
	  .help = "the DPoP-Nonce the server answered with, when it asks for one" },
	{ 0 },
};

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	const struct proof_options *o = opts;
	struct fresh_token t;
	char *proof = NULL;
	int rc;

	(void)argc;
	(void)argv;
	if (!o->url)
		return cli_usage_error(&cmd_dpop_proof, "a proof is for one request: give its --url");
	rc = o->resource
	             ? fresh_resource_token_get(cli, o->resource, NULL, TOKEN_DEFAULT_MIN_TTL, 0, &t)
	             : fresh_token_get(cli, TOKEN_DEFAULT_MIN_TTL, 0, &t);
	if (rc == EXIT_OK && (rc = fresh_token_proof(cli, &t, o->method, o->url, o->nonce, &proof)) == EXIT_OK)
		rc = printf("%s\n", proof) < 0 || fflush(stdout) ? EXIT_FAIL : EXIT_OK;
	fresh_token_proof_free(proof);
	fresh_token_clear(&t);
	return rc;
}

const struct command cmd_dpop_proof = {
	.name = "dpop-proof",
	.summary = "print a DPoP proof for one request",
	.synopsis = "--url URL [OPTIONS]",
	.about = about,
	.more = more,
	.opts = options,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.run = run,
};
