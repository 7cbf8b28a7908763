/*
 * cmd_login.c - `termauth login`: sign in (browser, pasted URL or device
 * code), store the session, and remember the options in the profile so
 * that the next sign-in needs none.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "cli.h"
#include "first_run.h"

static const char about[] =
	"Sign in and keep the session in the profile's store. Two flows:\n"
	"  browser  the browser opens at the IdP, which sends it back to a listener\n"
	"           on 127.0.0.1; if the browser cannot reach it (SSH, containers,\n"
	"           WSL), paste the address the browser ends on into the terminal.\n"
	"  device   a code is shown (and a QR code on a terminal): approve it on any\n"
	"           device with a browser while termauth waits.\n"
	"By default (auto) the device flow is used when no browser can be used here\n"
	"(an SSH session, no display, a container) and the IdP offers it; -v says\n"
	"why. --flow, then TERMAUTH_FLOW, then the profile's flow override it.\n";

static const char more[] =
	"--store given to login is saved in the profile too.\n\n"
	"A client secret, for IdPs that give native apps one (Google), is read from\n"
	"the profile's client_secret (it is no real secret, but stays off the\n"
	"command line and goes only to that profile's IdP).\n\n"
	"Examples:\n"
	"  termauth login --issuer https://login.example.com --client-id my-cli\n"
	"  termauth login --flow device --scope \"openid offline_access\"\n"
	"  termauth -p gh login --provider github --client-id Iv1.0123456789abcdef\n";

#define LOGIN(field) OPT_STRING, .offset = offsetof(struct login_options, field)

const struct opt cli_login_options[] = {
	{ .name = "issuer", .kind = LOGIN(issuer), .arg = "URL", .hint = "the IdP's URL",
	  .help = "the IdP's issuer (https; http only on loopback)",
	  .heading = "Options (saved in the profile, so later sign-ins need none):" },
	{ .name = "client-id", .kind = LOGIN(client_id), .arg = "ID",
	  .hint = "the client id registered at the IdP",
	  .help = "the OAuth client id registered for this tool" },
	{ .name = "scope", .kind = OPT_WORDS, .offset = offsetof(struct login_options, scopes),
	  .flags = OPT_REPEAT, .arg = "SCOPES", .hint = "space-separated scopes",
	  .help = "space-separated scopes (default: openid); repeatable" },
	{ .name = "resource", .kind = OPT_WORDS, .offset = offsetof(struct login_options, resources),
	  .flags = OPT_REPEAT, .arg = "URL", .hint = "an API's URI",
	  .help = "ask for tokens for this API (RFC 8707); the first is the session's own; "
	          "repeatable" },
	{ .name = "dpop", .kind = LOGIN(dpop), .arg = "yes|no", .hint = "yes or no",
	  .help = "bind the session to a key (DPoP, RFC 9449): its tokens are useless "
	          "without it (default: no)" },
	{ .name = "port", .kind = LOGIN(port), .arg = "N", .hint = "a port number",
	  .help = "loopback port for the redirect (default: a random free port)" },
	{ .name = "timeout", .kind = LOGIN(timeout), .arg = "SECS", .hint = "a number of seconds",
	  .help = "stop waiting for the sign-in after this long (default: 300 for the "
	          "browser, the code's life for the device)" },
	{ .name = "provider", .kind = LOGIN(provider), .arg = "NAME",
	  .hint = "github, google, microsoft or gitlab",
	  .help = "github, google, microsoft or gitlab: their endpoints and quirks, with "
	          "your own --client-id" },
	{ .name = "tenant", .kind = LOGIN(tenant), .arg = "T", .hint = "a Microsoft Entra tenant",
	  .help = "Microsoft Entra tenant (default: organizations)" },
	{ .name = "authorization-endpoint", .kind = LOGIN(authorization_endpoint), .arg = "URL",
	  .hint = "the authorization endpoint's URL",
	  .help = "the authorization endpoint, for an IdP without discovery" },
	{ .name = "token-endpoint", .kind = LOGIN(token_endpoint), .arg = "URL",
	  .hint = "the token endpoint's URL",
	  .help = "the token endpoint, for an IdP without discovery (given, it means: no "
	          "discovery)" },
	{ .name = "device-endpoint", .kind = LOGIN(device_endpoint), .arg = "URL",
	  .hint = "the device authorization endpoint's URL",
	  .help = "the device authorization endpoint, for an IdP without discovery" },
	{ .name = "flow", .kind = LOGIN(flow), .arg = "FLOW", .hint = "auto, browser, device or paste",
	  .help = "auto (default), browser, device, or paste (like browser, but only print "
	          "the URL)",
	  .heading = "Options for this sign-in only:" },
	{ .name = "no-qr", .kind = OPT_FLAG, .offset = offsetof(struct login_options, no_qr),
	  .help = "do not draw the QR code of the device flow" },
	{ 0 },
};

/* The command line's settings, in profile keys (NULL: for this sign-in
 * only - a --flow device over SSH once must not make the desktop's
 * sign-ins device ones), in the order they are set. */
static const struct { const char *key; enum ta_option opt; size_t offset; } settings[] = {
	{ "issuer", TA_OPT_ISSUER, offsetof(struct login_options, issuer) },
	{ "client_id", TA_OPT_CLIENT_ID, offsetof(struct login_options, client_id) },
	{ "scopes", TA_OPT_SCOPES, offsetof(struct login_options, scopes) },
	{ "resource", TA_OPT_RESOURCE, offsetof(struct login_options, resources) },
	{ "dpop", TA_OPT_DPOP, offsetof(struct login_options, dpop) },
	{ "port", TA_OPT_PORT, offsetof(struct login_options, port) },
	{ NULL, TA_OPT_FLOW, offsetof(struct login_options, flow) },
	{ "timeout", TA_OPT_TIMEOUT, offsetof(struct login_options, timeout) },
	{ "provider", TA_OPT_PROVIDER, offsetof(struct login_options, provider) },
	{ "tenant", TA_OPT_TENANT, offsetof(struct login_options, tenant) },
	{ "authorization_endpoint", TA_OPT_AUTHORIZATION_ENDPOINT,
	  offsetof(struct login_options, authorization_endpoint) },
	{ "token_endpoint", TA_OPT_TOKEN_ENDPOINT, offsetof(struct login_options, token_endpoint) },
	{ "device_endpoint", TA_OPT_DEVICE_ENDPOINT, offsetof(struct login_options, device_endpoint) },
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

/* The value the command line gave settings[i], or NULL. */
static const char *given(const struct login_options *o, size_t i)
{
	return *(const char *const *)((const char *)o + settings[i].offset);
}

/* The guides in docs/providers/ for IdPs without a preset, by the names a
 * person may try; any other name gets the index. The library cannot know
 * where the docs are installed, so the path is the one in the docs. */
static const char *provider_guide(const char *name)
{
	static const struct { const char *name, *file; } guides[] = {
		{ "keycloak", "keycloak.md" }, { "okta", "okta.md" },
		{ "entra", "entra.md" },       { "azure", "entra.md" },
		{ "azuread", "entra.md" },     { "auth0", "auth0.md" },
		{ "dex", "dex.md" },           { "authentik", "authentik.md" },
		{ "zitadel", "zitadel.md" },
	};
	size_t i;

	for (i = 0; i < sizeof(guides) / sizeof(guides[0]); i++)
		if (!strcasecmp(guides[i].name, name))
			return guides[i].file;
	return "README.md";
}

/* The options that name an URL, as the library names them in its messages. */
static const struct { const char *what; size_t offset; } urls[] = {
	{ "issuer", offsetof(struct login_options, issuer) },
	{ "authorization endpoint", offsetof(struct login_options, authorization_endpoint) },
	{ "token endpoint", offsetof(struct login_options, token_endpoint) },
	{ "device endpoint", offsetof(struct login_options, device_endpoint) },
};

/* A usage error (EXIT_USAGE, said) for an URL option that is plain http
 * off loopback, else EXIT_OK: the library's rule and words. */
static int check_urls(const struct command *cmd, struct ta_client *c,
                      const struct login_options *o)
{
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		v = *(const char *const *)((const char *)o + urls[i].offset);
		if (v && ta_url_check(c, urls[i].what, v) == TA_E_INSECURE)
			return cli_usage_error(cmd, "%s", ta_client_message(c));
	}
	return EXIT_OK;
}

/* Profile, then the command line, into the client; the command line's
 * values also into the profile, to be saved once the sign-in succeeds. */
static enum ta_result configure(struct cli *cli, struct ta_client *c, struct ta_profile *p,
                                const struct login_options *o, int *said)
{
	const char *env_flow = getenv("TERMAUTH_FLOW");
	enum ta_result r;
	size_t i;

	if ((r = ta_profile_apply(p, c)) != TA_OK)
		return r;
	/* The environment sits between the profile and the command line, and
	 * is not saved; --store (an option of every command) is. */
	if (env_flow && *env_flow && (r = ta_client_set(c, TA_OPT_FLOW, env_flow)) != TA_OK)
		return r;
	if ((r = cli_apply_store(cli, c)) != TA_OK ||
	    (cli->store && (r = ta_profile_set(p, "store", ta_client_get(c, TA_OPT_STORE))) != TA_OK))
		return r;
	/* A client id given here is the person's, not a registration that
	 * expires; an issuer given here is the person's, not a resource's. */
	for (i = 0; i < NSETTINGS; i++) {
		if (!given(o, i))
			continue;
		if (settings[i].opt == TA_OPT_CLIENT_ID &&
		    ((r = ta_client_set(c, TA_OPT_CLIENT_EXPIRES_AT, NULL)) != TA_OK ||
		     (r = ta_profile_set(p, "client_expires_at", NULL)) != TA_OK))
			return r;
		if (settings[i].opt == TA_OPT_ISSUER &&
		    ((r = ta_client_set(c, TA_OPT_ISSUER_FROM, NULL)) != TA_OK ||
		     (r = ta_profile_set(p, "issuer_from", NULL)) != TA_OK))
			return r;
	}
	for (i = 0; i < NSETTINGS; i++) {
		if (!given(o, i))
			continue;
		r = ta_client_set(c, settings[i].opt, given(o, i));
		if (r == TA_E_ARG && settings[i].opt == TA_OPT_PROVIDER) {
			cli_error("%s; see docs/providers/%s in termauth's documentation",
			          ta_client_message(c), provider_guide(given(o, i)));
			*said = 1;
			return r;
		}
		if (r != TA_OK)
			return r;
		if (!settings[i].key)
			continue;
		r = ta_profile_set(p, settings[i].key, given(o, i));
		if (r == TA_E_TOO_LARGE) {
			cli_error("the %s is too long to keep in the profile (a line of the configuration file holds at most 198 characters)",
			          settings[i].key);
			*said = 1;
			return r;
		}
		if (r != TA_OK)
			return r;
	}
	return TA_OK;
}

/* Adds offline_access to the client's scopes unless it is there. Not with
 * a provider's preset: GitHub and Google have no such scope (their
 * presets know how to get a refresh token), and an explicit scope
 * counts as the person's choice. */
static enum ta_result ask_offline(struct ta_client *c)
{
	const char *have = ta_client_get(c, TA_OPT_SCOPES);
	char *both;
	enum ta_result r;
	size_t n;

	if (ta_client_get(c, TA_OPT_PROVIDER))
		return TA_OK;
	if (!have)
		have = "openid";
	if (strstr(have, "offline_access"))
		return TA_OK;
	n = strlen(have) + sizeof(" offline_access");
	if (!(both = malloc(n)))
		return TA_E_NOMEM;
	snprintf(both, n, "%s offline_access", have);
	r = ta_client_set(c, TA_OPT_SCOPES, both);
	free(both);
	return r;
}

/* What a resource's metadata (RFC 9728) may fill in during the sign-in,
 * and the profile keys that keep it; issuer_from marks the issuer as the
 * resource's, so that the next sign-in holds it to the same rules. */
static const struct { const char *key; enum ta_option opt; } found[] = {
	{ "issuer", TA_OPT_ISSUER }, { "scopes", TA_OPT_SCOPES }, { "dpop", TA_OPT_DPOP },
	{ "issuer_from", TA_OPT_ISSUER_FROM },
};
#define NFOUND (sizeof(found) / sizeof(found[0]))

/* Which of found[] the client had before the sign-in, as bits; a provider
 * or a token endpoint counts as an issuer, for then no resource is asked
 * where to sign in (and what a preset fills in is the preset's). */
static unsigned set_before(struct ta_client *c)
{
	unsigned had = 0;
	size_t i;

	for (i = 0; i < NFOUND; i++)
		if (ta_client_get(c, found[i].opt))
			had |= 1u << i;
	if (ta_client_get(c, TA_OPT_PROVIDER) || ta_client_get(c, TA_OPT_TOKEN_ENDPOINT))
		had |= 1u;
	return had;
}

/* The client id the sign-in used, and its expiry when it was registered
 * then, into the profile; so too what a resource's metadata chose when
 * the client had no issuer before (had: set_before's), each unless the
 * profile has it. A value too long for the profile is said and left out:
 * the client id matters more. */
static enum ta_result remember_client(struct cli *cli, struct ta_client *c,
                                      struct ta_profile *p, unsigned had)
{
	const char *id = ta_client_get(c, TA_OPT_CLIENT_ID);
	const char *old = ta_profile_get(p, "client_id");
	enum ta_result r;
	size_t i;

	for (i = 0; !(had & 1u) && i < NFOUND; i++) {
		const char *v = ta_client_get(c, found[i].opt);

		if (had & (1u << i) || !v || ta_profile_get(p, found[i].key))
			continue;
		/* The mark without the issuer it is of would mark the next one. */
		if (found[i].opt == TA_OPT_ISSUER_FROM && !ta_profile_get(p, "issuer"))
			continue;
		r = ta_profile_set(p, found[i].key, v);
		if (r == TA_E_TOO_LARGE)
			cli_say("warning: the %s the resource chose is too long to keep in profile '%s': give it again next time",
			        found[i].key, cli->profile);
		else if (r != TA_OK)
			return r;
	}
	if (!id || (old && !strcmp(old, id)))
		return TA_OK;
	if ((r = ta_profile_set(p, "client_id", id)) != TA_OK)
		return r;
	return ta_profile_set(p, "client_expires_at", ta_client_get(c, TA_OPT_CLIENT_EXPIRES_AT));
}

/* 1 when c knows where to sign in, and as which client (an issuer alone
 * will do: the IdP may register us, RFC 7591; so will a resource alone,
 * whose metadata names its IdP, RFC 9728). */
static int has_idp(struct ta_client *c)
{
	int idp = ta_client_get(c, TA_OPT_ISSUER) || ta_client_get(c, TA_OPT_PROVIDER) ||
	          ta_client_get(c, TA_OPT_TOKEN_ENDPOINT);

	if (!idp && ta_client_get(c, TA_OPT_RESOURCE))
		return 1;
	return idp && (ta_client_get(c, TA_OPT_CLIENT_ID) || ta_client_get(c, TA_OPT_ISSUER));
}

/* A session without a refresh token ends with its access token: says so,
 * and what to ask for - but not to a preset's IdP, where offline_access
 * is no scope (the preset knows how to get one when there is a way). */
static void warn_no_refresh(struct cli *cli, struct ta_client *c, const struct ta_session *s)
{
	const char *scopes = ta_client_get(c, TA_OPT_SCOPES);
	long long exp = ta_session_expires_at(s), left = exp - (long long)time(NULL);
	char at[16], when[64] = "", again[256], buf[300];

	if (ta_session_refresh_token(s))
		return;
	if (exp && left > 0) {
		cli_clock(exp, at, sizeof(at));
		snprintf(when, sizeof(when), ", at %s (in %lld min)", at, (left + 59) / 60);
	}
	if (ta_client_get(c, TA_OPT_PROVIDER)) {
		cli_say("warning: the IdP gave no refresh token: the session ends when the access token expires%s",
		        when);
	} else if (scopes && strstr(scopes, "offline_access")) {
		cli_say("warning: the IdP gave no refresh token, though offline_access was asked for: the session ends when the access token expires%s (the IdP may not allow this client refresh tokens)",
		        when);
	} else {
		snprintf(again, sizeof(again), "'termauth login --scope \"%s offline_access\"'",
		         scopes ? scopes : "openid");
		cli_say("warning: the IdP gave no refresh token: the session ends when the access token expires%s; to stay signed in, ask for offline_access: %s",
		        when, cli_for_profile(cli->profile, again, buf, sizeof(buf)));
	}
}

/* A client for the sign-in: the profile, the environment and o, with
 * what it cannot do without. Returns an exit code, having said what
 * failed; the caller frees *c and *p whatever it returns. */
static int prepare(struct cli *cli, const struct command *cmd, const struct login_options *o,
                   int for_ci, struct ta_client **c, struct ta_profile **p)
{
	int no_issuer, no_client, said = 0, rc;
	enum ta_result r;

	if (cli_client_new(cli, c) != TA_OK)
		return EXIT_FAIL;
	if (check_urls(cmd, *c, o) != EXIT_OK)
		return EXIT_USAGE;
	ta_client_set_paste_fd(*c, cli->paste_fd);
	if ((r = ta_profile_load(*c, cli->profile, p)) != TA_OK ||
	    (r = configure(cli, *c, *p, o, &said)) != TA_OK || (for_ci && (r = ask_offline(*c)) != TA_OK))
		return said ? EXIT_USAGE : cli_fail(*c, r);
	if (!for_ci && !has_idp(*c) && first_run_usable() && (rc = first_run(cli, *c, *p)) != EXIT_OK)
		return rc;
	no_issuer = !ta_client_get(*c, TA_OPT_ISSUER) && !ta_client_get(*c, TA_OPT_PROVIDER) &&
	            !ta_client_get(*c, TA_OPT_TOKEN_ENDPOINT) && !ta_client_get(*c, TA_OPT_RESOURCE);
	/* An issuer alone will do: the IdP may register us (RFC 7591). */
	no_client = !ta_client_get(*c, TA_OPT_CLIENT_ID) && !ta_client_get(*c, TA_OPT_ISSUER) &&
	            !ta_client_get(*c, TA_OPT_RESOURCE);
	if (no_issuer || no_client)
		return cli_usage_error(cmd, "profile '%s' has no %s yet: give --issuer URL --client-id ID",
		                       cli->profile, no_issuer && no_client ? "issuer and no client id"
		                                     : no_issuer            ? "issuer"
		                                                            : "client id");
	/* A store that cannot keep the session fails now, not after the
	 * person has signed in. */
	if (!for_ci && (r = ta_store_ready(*c)) != TA_OK)
		return cli_fail(*c, r);
	return EXIT_OK;
}

int cli_sign_in(struct cli *cli, const struct command *cmd, const struct login_options *o,
                int for_ci, struct ta_session **out)
{
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	struct ta_session *s = NULL;
	enum ta_result r;
	unsigned had;
	int rc;

	if (o->no_qr)
		cli->no_qr = 1;
	if ((rc = prepare(cli, cmd, o, for_ci, &c, &p)) != EXIT_OK)
		goto out;
	had = set_before(c);
	r = ta_login(c, &s);
	cli_progress_end(cli);
	if (r != TA_OK || (!for_ci && (r = ta_store_save(c, cli->profile, s)) != TA_OK)) {
		rc = cli_fail(c, r);
		goto out;
	}
	/* The session is kept by now: failing to remember the options costs
	 * only typing them again, so it is a warning, not a failed sign-in.
	 * A client registered during the sign-in is remembered with them. */
	if (!for_ci && (remember_client(cli, c, p, had) != TA_OK || ta_profile_save(c, p) != TA_OK))
		cli_say("warning: the options were not saved in profile '%s': %s", cli->profile,
		        ta_client_message(c));
	cli_say("signed in to %s as %s%s%s%s", ta_session_issuer(s),
	        ta_session_subject(s) ? ta_session_subject(s) : "(no subject)",
	        for_ci ? "" : " (profile '", for_ci ? "" : cli->profile, for_ci ? "" : "')");
	if (!for_ci)
		warn_no_refresh(cli, c, s);
	*out = s;
	s = NULL;
out:
	ta_session_free(s);
	ta_profile_free(p);
	ta_client_free(c);
	return rc;
}

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	struct ta_session *s = NULL;
	int rc = cli_sign_in(cli, &cmd_login, opts, 0, &s);

	(void)argc;
	(void)argv;
	ta_session_free(s);
	return rc;
}

static const struct login_options none;

const struct command cmd_login = {
	.name = "login",
	.summary = "sign in (browser, pasted URL or device code)",
	.synopsis = "[OPTIONS]",
	.about = about,
	.more = more,
	.opts = cli_login_options,
	.defaults = &none,
	.size = sizeof(none),
	.run = run,
};
