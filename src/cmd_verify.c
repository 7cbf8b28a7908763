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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "cli.h"
#include "token_common.h"

#define TOKEN_MAX (16 * 1024)

static const char about[] =
	"Verify a JWT as a resource server does: its signature against the IdP's\n"
	"keys (JWKS), then its claims (exp, nbf, iat; iss and aud when asked), and\n"
	"print the claims as JSON. The token is read from standard input, or from\n"
	"FILE. (A token given as an argument still works, but every local user can\n"
	"read it in the process list: termauth warns.) Exit status 0: valid;\n"
	"4: invalid, with the precise reason on stderr.\n";

static const char more[] =
	"URLs are fetched over https (http only to a loopback address) and cached\n"
	"for an hour in $XDG_CACHE_HOME/termauth/jwks; a token naming a key the\n"
	"cached set lacks makes termauth fetch it again (at most once a minute).\n\n"
	"Examples:\n"
	"  termauth token | termauth verify --audience https://api.example.com\n"
	"  termauth verify --jwks keys.json --issuer https://login.example.com \\\n"
	"      --token-file token.jwt\n";

struct verify_options {
	struct ta_verify_options v;
	const char *jwks, *file;
};

static const struct verify_options defaults = { .v = TA_VERIFY_OPTIONS_INIT(.leeway = 60) };

static int set_leeway(const struct command *cmd, void *target, const char *value)
{
	long long *leeway = &((struct verify_options *)target)->v.leeway;

	if ((*leeway = token_parse_seconds(value)) < 0 || *leeway > 86400)
		return cli_usage_error(cmd, "--leeway wants 0 to 86400 seconds, not '%s'", value);
	return EXIT_OK;
}

#define VERIFY(field) OPT_STRING, .offset = offsetof(struct verify_options, field)

static const struct opt options[] = {
	{ .name = "token-file", .kind = VERIFY(file), .arg = "FILE",
	  .hint = "the file that holds the token",
	  .help = "read the token from FILE, not standard input" },
	{ .name = "jwks", .kind = VERIFY(jwks), .arg = "FILE|URL", .hint = "a JWKS file or URL",
	  .help = "the keys (default: the jwks_uri of the issuer)" },
	{ .name = "issuer", .kind = VERIFY(v.issuer), .arg = "ISS", .hint = "the issuer iss must be",
	  .help = "iss must be this (default: the profile's issuer)" },
	{ .name = "audience", .kind = VERIFY(v.audience), .arg = "AUD",
	  .hint = "the audience aud must hold", .help = "aud must hold this (default: not checked)" },
	{ .name = "leeway", .kind = OPT_CALL, .call = set_leeway, .arg = "SECS",
	  .hint = "a number of seconds, 0 to 86400",
	  .help = "clock skew allowed for exp, nbf, iat (default: 60)" },
	{ 0 },
};

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

/* Checks token against the keys o names (or the issuer's), and prints
 * its claims. Returns the exit code. */
static int check(struct ta_client *c, const struct verify_options *o, const char *token)
{
	struct ta_jwks_source *src = NULL;
	char *claims = NULL;
	enum ta_result r;
	int rc;

	r = o->jwks ? ta_jwks_source_new(c, o->jwks, &src)
	            : ta_jwks_source_for_issuer(c, o->v.issuer, &src);
	if (r == TA_OK)
		r = ta_jwt_verify_from(c, src, token, strlen(token), &o->v, &claims);
	rc = r == TA_OK ? print_claims(claims) : cli_fail(c, r);
	if (r == TA_E_INSECURE && o->jwks)
		rc = EXIT_USAGE; /* --jwks is the one URL there is: the person's */
	free(claims);
	ta_jwks_source_free(src);
	return rc;
}

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	struct verify_options *o = opts;
	struct ta_session *s = NULL;
	const char *given = NULL;
	char *token = NULL;
	int rc;

	if (argc > 1)
		return cli_usage_error(&cmd_verify, "one token at a time");
	if (argc == 1 && strcmp(argv[0], "-"))
		given = argv[0];
	if (given && o->file)
		return cli_usage_error(&cmd_verify, "a token and --token-file: give one of them");
	if ((rc = get_token(given, o->file, &token)) != EXIT_OK)
		return rc;
	if (!o->v.issuer)
		o->v.issuer = default_issuer(cli->c, cli->prof, cli->profile, &s);
	if (!o->jwks && !o->v.issuer)
		rc = cli_usage_error(&cmd_verify, "whose token? give --jwks or --issuer (the profile '%s' has no issuer)",
		                     cli->profile);
	else
		rc = check(cli->c, o, token);
	explicit_bzero(token, strlen(token));
	free(token);
	ta_session_free(s);
	return rc;
}

const struct command cmd_verify = {
	.name = "verify",
	.summary = "verify a JWT against the IdP's keys and print its claims",
	.synopsis = "[OPTIONS] [--token-file FILE] < TOKEN",
	.about = about,
	.more = more,
	.opts = options,
	.profile_help = "the profile whose issuer is the default",
	.defaults = &defaults,
	.size = sizeof(defaults),
	.flags = CMD_PROFILE | CMD_ARGS,
	.run = run,
};
