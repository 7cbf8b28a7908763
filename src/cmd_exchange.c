/*
 * cmd_exchange.c - `termauth exchange --audience A ...`: the profile's
 * access token exchanged (RFC 8693) for a token meant for another service,
 * cached apart and derived again when it expires.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "cli.h"
#include "token_common.h"

static const char usage[] =
	"Usage: termauth exchange --audience AUDIENCE [OPTIONS]\n\n"
	"Print a token for another service, exchanged for the profile's access token\n"
	"at the IdP (OAuth 2.0 Token Exchange, RFC 8693). Each (audience, resource,\n"
	"scope, token type) has its own cached token, printed while it is valid and\n"
	"exchanged again when it expires - after a refresh of the session if\n"
	"needed - with no prompt.\n\n"
	"Options:\n"
	"      --audience A      the service the token is for (required)\n"
	"      --resource URI    the resource it is for, when the IdP wants one\n"
	"      --scope SCOPES    narrower scopes, space separated; repeatable\n"
	"      --requested-token-type TYPE\n"
	"                        e.g. urn:ietf:params:oauth:token-type:access_token\n"
	"      --min-ttl SECS    the token must stay valid this long (default: 60)\n"
	"      --json            print {\"access_token\", \"token_type\", \"expires_at\",\n"
	"                        \"expires_in\", \"scope\", \"audience\"}\n"
	"  -p, --profile NAME    the profile (default: $TERMAUTH_PROFILE, else \"default\")\n"
	"      --store STORE     where the session is kept: auto, keychain or file\n"
	"  -v, --verbose         say more on stderr\n"
	"  -h, --help            this help\n\n"
	"Exit status 1 when the IdP refuses the exchange (its error, such as\n"
	"invalid_scope, in the message); 3: sign in again; 5: the IdP is unreachable.\n\n"
	"Example:\n"
	"  curl -H \"Authorization: Bearer $(termauth exchange --audience https://api.example.com --scope read)\" \\\n"
	"       https://api.example.com/items\n";

static int print_json(const struct ta_session *d, const char *audience, long long now)
{
	long long exp = ta_session_expires_at(d);
	json_t *o = json_pack("{s:s, s:s?, s:s?, s:s}", "access_token", ta_session_access_token(d),
	                      "token_type", ta_session_token_type(d), "scope", ta_session_scope(d),
	                      "audience", audience);

	if (o && exp) {
		json_object_set_new(o, "expires_at", json_integer(exp));
		json_object_set_new(o, "expires_in", json_integer(exp > now ? exp - now : 0));
	}
	return json_print_secret(o) ? EXIT_FAIL : EXIT_OK;
}

static int run(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "audience", required_argument, NULL, 'a' },
		{ "resource", required_argument, NULL, 'r' },
		{ "scope", required_argument, NULL, 's' },
		{ "requested-token-type", required_argument, NULL, 't' },
		{ "min-ttl", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct ta_exchange_request req = TA_EXCHANGE_REQUEST_INIT();
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	struct ta_session *d = NULL;
	long long min_ttl = TOKEN_DEFAULT_MIN_TTL;
	char *scopes = NULL;
	int opt, done = -1, rc, json = 0;
	enum ta_result r;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (cli_common_option(cli, &cmd_exchange, opt, optarg, &done)) {
			if (done >= 0)
				goto out_done;
		} else if (opt == 'a') {
			req.audience = optarg;
		} else if (opt == 'r') {
			req.resource = optarg;
		} else if (opt == 's') {
			if (cli_append_word(&scopes, optarg)) {
				rc = EXIT_FAIL;
				goto out;
			}
		} else if (opt == 't') {
			req.requested_token_type = optarg;
		} else if (opt == 'm') {
			if ((min_ttl = cli_parse_seconds(optarg)) < 0) {
				rc = cli_usage_error(&cmd_exchange, "--min-ttl wants seconds, not '%s'", optarg);
				goto out;
			}
		} else if (opt == 'j') {
			json = 1;
		} else {
			rc = cli_usage_error(&cmd_exchange, "unknown or incomplete option '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc || !req.audience || !*req.audience) {
		rc = optind < argc ? cli_usage_error(&cmd_exchange, "unexpected argument '%s'", argv[optind])
		                   : cli_usage_error(&cmd_exchange, "for which service? give --audience");
		goto out;
	}
	req.scope = scopes;
	if ((rc = cli_open_profile(cli, cli->profile, &c, &p)) != EXIT_OK)
		goto out;
	r = ta_exchange(c, cli->profile, &req, min_ttl, &d);
	if (r == TA_E_NO_SESSION)
		cli_not_signed_in(c, cli->profile, "run 'termauth login'", 1);
	if (r != TA_OK)
		rc = r == TA_E_NO_SESSION ? EXIT_SIGNIN : cli_fail(c, r);
	else if (json)
		rc = print_json(d, req.audience, (long long)time(NULL));
	else
		rc = token_print(d, 0, (long long)time(NULL)) ? EXIT_FAIL : EXIT_OK;
out:
	ta_session_free(d);
	ta_profile_free(p);
	ta_client_free(c);
	free(scopes);
	return rc;
out_done:
	free(scopes);
	return done;
}

const struct command cmd_exchange = { "exchange", "exchange the token for one meant for another service",
	                              usage, run };
