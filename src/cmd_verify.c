/*
 * cmd_verify.c - `termauth verify [--token-file FILE]`: checks a JWT as a
 * resource server would - its signature against the IdP's JWKS, then its
 * claims - and prints the claims. The JWKS and the issuer default to the
 * profile's IdP (found by discovery), so that `termauth token | termauth
 * verify` works with no options. The token comes on standard input or in a
 * file: a token given as an argument still works, with a warning, since
 * every local user can read a process's command line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "cli.h"

#define TOKEN_MAX (16 * 1024)

static const char usage[] =
	"Usage: termauth verify [OPTIONS] [--token-file FILE] < TOKEN\n\n"
	"Verify a JWT as a resource server does: its signature against the IdP's\n"
	"keys (JWKS), then its claims (exp, nbf, iat; iss and aud when asked), and\n"
	"print the claims as JSON. The token is read from standard input, or from\n"
	"FILE. (A token given as an argument still works, but every local user can\n"
	"read it in the process list: termauth warns.) Exit status 0: valid;\n"
	"4: invalid, with the precise reason on stderr.\n\n"
	"Options:\n"
	"      --token-file FILE\n"
	"                        read the token from FILE, not standard input\n"
	"      --jwks FILE|URL   the keys (default: the jwks_uri of the issuer)\n"
	"      --issuer ISS      iss must be this (default: the profile's issuer)\n"
	"      --audience AUD    aud must hold this (default: not checked)\n"
	"      --leeway SECS     clock skew allowed for exp, nbf, iat (default: 60)\n"
	"  -p, --profile NAME    the profile whose issuer is the default\n"
	"  -v, --verbose         say more on stderr\n"
	"  -h, --help            this help\n\n"
	"URLs are fetched over https (http only to a loopback address) and cached\n"
	"for an hour in $XDG_CACHE_HOME/termauth/jwks; a token naming a key the\n"
	"cached set lacks makes termauth fetch it again (at most once a minute).\n\n"
	"Examples:\n"
	"  termauth token | termauth verify --audience https://api.example.com\n"
	"  termauth verify --jwks keys.json --issuer https://login.example.com --token-file token.jwt\n";

/* The token from in, without the line's end. */
static char *read_token(FILE *in)
{
	char *buf = malloc(TOKEN_MAX + 2);
	size_t len = 0, n;

	if (!buf)
		return NULL;
	while (len <= TOKEN_MAX && (n = fread(buf + len, 1, TOKEN_MAX + 1 - len, in)) > 0)
		len += n;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
		len--;
	buf[len] = '\0';
	return buf;
}

/* The issuer to expect: --issuer, else the profile's (its setting, else
 * its session's). */
static const char *default_issuer(struct ta_client *c, struct ta_profile *p, const char *profile,
                                  struct ta_session **s)
{
	const char *iss = ta_profile_get(p, "issuer");

	if (iss)
		return iss;
	if (ta_store_load(c, profile, s) == TA_OK)
		return ta_session_issuer(*s);
	return NULL;
}

/* The token: the argument (with a warning), else FILE, else standard
 * input. Returns an exit code; on EXIT_OK *out is the token. */
static int get_token(const char *given, const char *file, char **out)
{
	FILE *in = stdin;

	if (given) {
		cli_say("warning: a token on the command line is visible to other local users in the "
		        "process list: pass it on standard input or with --token-file FILE");
		*out = strdup(given);
		return *out ? EXIT_OK : EXIT_FAIL;
	}
	if (file && !(in = fopen(file, "re"))) {
		cli_error("cannot read the token from %s: %s", file, strerror(errno));
		return EXIT_FAIL;
	}
	*out = read_token(in);
	if (in != stdin)
		fclose(in);
	return *out ? EXIT_OK : EXIT_FAIL;
}

static int print_claims(const char *claims)
{
	json_t *o = json_loads(claims, 0, NULL);
	char *text = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2)) : NULL;
	int rc = text && puts(text) >= 0 ? EXIT_OK : EXIT_FAIL;

	free(text);
	json_decref(o);
	return rc;
}

static int run(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "token-file", required_argument, NULL, 't' },
		{ "jwks", required_argument, NULL, 'k' },
		{ "issuer", required_argument, NULL, 'i' },
		{ "audience", required_argument, NULL, 'a' },
		{ "leeway", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.leeway = 60);
	struct ta_jwks_source *src = NULL;
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	struct ta_session *s = NULL;
	const char *jwks = NULL, *given = NULL, *file = NULL;
	char *token = NULL, *claims = NULL;
	int opt, done = -1, rc;
	enum ta_result r;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (cli_common_option(cli, &cmd_verify, opt, optarg, &done)) {
			if (done >= 0)
				return done;
		} else if (opt == 't') {
			file = optarg;
		} else if (opt == 'k') {
			jwks = optarg;
		} else if (opt == 'i') {
			o.issuer = optarg;
		} else if (opt == 'a') {
			o.audience = optarg;
		} else if (opt == 'l') {
			if ((o.leeway = cli_parse_seconds(optarg)) < 0 || o.leeway > 86400)
				return cli_usage_error(&cmd_verify, "--leeway wants 0 to 86400 seconds, not '%s'", optarg);
		} else {
			return cli_usage_error(&cmd_verify, "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error(&cmd_verify, "one token at a time");
	if (optind < argc && strcmp(argv[optind], "-"))
		given = argv[optind];
	if (given && file)
		return cli_usage_error(&cmd_verify, "a token and --token-file: give one of them");
	if ((rc = get_token(given, file, &token)) != EXIT_OK)
		return rc;
	if ((rc = cli_open_profile(cli, cli->profile, &c, &p)) != EXIT_OK)
		goto out;
	if (!o.issuer)
		o.issuer = default_issuer(c, p, cli->profile, &s);
	if (!jwks && !o.issuer) {
		rc = cli_usage_error(&cmd_verify, "whose token? give --jwks or --issuer (the profile '%s' has no issuer)",
		                     cli->profile);
		goto out;
	}
	r = jwks ? ta_jwks_source_new(c, jwks, &src) : ta_jwks_source_for_issuer(c, o.issuer, &src);
	if (r == TA_OK)
		r = ta_jwt_verify_from(c, src, token, strlen(token), &o, &claims);
	rc = r == TA_OK ? print_claims(claims) : cli_fail(c, r);
out:
	if (token) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	free(claims);
	ta_jwks_source_free(src);
	ta_session_free(s);
	ta_profile_free(p);
	ta_client_free(c);
	return rc;
}

const struct command cmd_verify = { "verify", "verify a JWT against the IdP's keys and print its claims",
	                            usage, run };
