/*
 * cmd_exchange.c - `termauth exchange --audience A ...`: the profile's
 * access token exchanged (RFC 8693) for a token meant for another service,
 * cached apart and derived again when it expires.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "cli.h"
#include "fresh_token.h"
#include "token_common.h"

static const char about[] =
	"Print a token for another service, exchanged for the profile's access token\n"
	"at the IdP (OAuth 2.0 Token Exchange, RFC 8693). Each (audience, resource,\n"
	"scope, token type) has its own cached token, printed while it is valid and\n"
	"exchanged again when it expires - after a refresh of the session if\n"
	"needed - with no prompt.\n";

static const char more[] =
	"Exit status 1 when the IdP refuses the exchange (its error, such as\n"
	"invalid_scope, in the message); 3: sign in again; 5: the IdP is unreachable.\n\n"
	"Example:\n"
	"  curl -H \"Authorization: Bearer $(termauth exchange \\\n"
	"         --audience https://api.example.com --scope read)\" \\\n"
	"       https://api.example.com/items\n";

struct exchange_options {
	struct ta_exchange_request req; /* its scope: scopes */
	char *scopes;
	long long min_ttl;
	int json;
};

static const struct exchange_options defaults = { .req = TA_EXCHANGE_REQUEST_INIT(),
                                                  .min_ttl = TOKEN_DEFAULT_MIN_TTL };

#define REQ(field) OPT_STRING, .offset = offsetof(struct exchange_options, req.field)

static const struct opt options[] = {
	{ .name = "audience", .kind = REQ(audience), .arg = "A", .hint = "the service's name or URL",
	  .help = "the service the token is for (required)",
	  .missing = "for which service? give --audience" },
	{ .name = "resource", .kind = REQ(resource), .arg = "URI", .hint = "the resource's URI",
	  .help = "the resource it is for, when the IdP wants one" },
	{ .name = "scope", .kind = OPT_WORDS, .offset = offsetof(struct exchange_options, scopes),
	  .flags = OPT_REPEAT, .arg = "SCOPES", .hint = "space-separated scopes",
	  .help = "narrower scopes, space separated; repeatable" },
	{ .name = "requested-token-type", .kind = REQ(requested_token_type), .arg = "TYPE",
	  .hint = "a token type URI",
	  .help = "e.g. urn:ietf:params:oauth:token-type:access_token" },
	{ .name = "min-ttl", .kind = OPT_SECONDS, .offset = offsetof(struct exchange_options, min_ttl),
	  .arg = "SECS", .hint = "a number of seconds",
	  .help = "the token must stay valid this long (default: 60)" },
	{ .name = "json", .kind = OPT_FLAG, .offset = offsetof(struct exchange_options, json),
	  .help = "print {\"access_token\", \"token_type\", \"expires_at\", \"expires_in\", "
	          "\"scope\", \"audience\"}" },
	{ 0 },
};

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

/* The exchanged token: on a far side the broker's, else from this
 * machine's session. Returns an exit code, having said what failed. */
static int exchanged(struct cli *cli, struct exchange_options *o, struct ta_session **d)
{
	enum ta_result r;
	int own = 1, rc;

	if (cli_agent_socket() &&
	    ((rc = fresh_token_forwarded(cli, &o->req, o->min_ttl, d, &own)) != EXIT_OK || !own))
		return rc;
	r = ta_exchange(cli->c, cli->profile, &o->req, o->min_ttl, d);
	if (r == TA_E_NO_SESSION) {
		cli_not_signed_in(cli->c, cli->profile, "run 'termauth login'", 1);
		return EXIT_SIGNIN;
	}
	return r == TA_OK ? EXIT_OK : cli_fail(cli->c, r);
}

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	struct exchange_options *o = opts;
	struct ta_session *d = NULL;
	int rc;

	(void)argc;
	(void)argv;
	o->req.scope = o->scopes;
	if ((rc = exchanged(cli, o, &d)) == EXIT_OK)
		rc = o->json ? print_json(d, o->req.audience, (long long)time(NULL))
		             : token_print(d, TOKEN_RAW, (long long)time(NULL)) ? EXIT_FAIL : EXIT_OK;
	ta_session_free(d);
	return rc;
}

const struct command cmd_exchange = {
	.name = "exchange",
	.summary = "exchange the token for one meant for another service",
	.synopsis = "--audience AUDIENCE [OPTIONS]",
	.about = about,
	.more = more,
	.opts = options,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.flags = CMD_PROFILE,
	.run = run,
};
