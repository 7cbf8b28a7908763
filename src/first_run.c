/*
 * first_run.c - `termauth login` for a profile that names no IdP yet, on a
 * terminal: instead of a usage error, two questions - the IdP (its issuer
 * URL, checked at once through its discovery document, or a preset's
 * name) and the client id (none, when the IdP registers clients itself) -
 * then the profile is saved, and the sign-in goes on. Not a wizard for
 * every option: what the questions do not ask, --scope, --flow and the
 * rest, stays on the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "first_run.h"

#define ANSWER_MAX 1024
#define TRIES 3

/* A line from the terminal, without its newline and surrounding blanks:
 * read a byte at a time, so that nothing after it is taken from what the
 * sign-in reads next (a pasted URL). NULL at the end of input. */
static char *ask(const char *question, char *buf, size_t cap)
{
	size_t n = 0, start = 0;
	char ch;

	fprintf(stderr, "%s", question);
	fflush(stderr);
	for (;;) {
		ssize_t got = read(0, &ch, 1);

		if (got <= 0)
			return NULL;
		if (ch == '\n')
			break;
		if (n + 1 < cap)
			buf[n++] = ch;
	}
	while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	while (buf[start] == ' ' || buf[start] == '\t')
		start++;
	return buf + start;
}

/* Sets key to value in the handle and the profile. */
static enum ta_result keep(struct ta_client *c, struct ta_profile *p, enum ta_option opt,
                           const char *key, const char *value)
{
	enum ta_result r = ta_client_set(c, opt, value);

	return r == TA_OK ? ta_profile_set(p, key, value) : r;
}

/* The IdP: an issuer whose discovery document termauth can use, or a
 * preset. *offers gets what the IdP offers (a preset: none known). */
static int ask_idp(struct cli *cli, struct ta_client *c, struct ta_profile *p, unsigned *offers)
{
	char buf[ANSWER_MAX];
	const char *a;
	enum ta_result r;
	int i;

	*offers = 0;
	for (i = 0; i < TRIES; i++) {
		if (!(a = ask("The IdP's issuer URL (or a preset: github, google, microsoft, gitlab): ",
		              buf, sizeof(buf))))
			return EXIT_USAGE;
		if (!*a)
			continue;
		/* A preset's name, as the library knows them; anything else is
		 * taken for an issuer. */
		if (!strchr(a, '/') && keep(c, p, TA_OPT_PROVIDER, "provider", a) == TA_OK)
			return EXIT_OK;
		if ((r = ta_idp_probe(c, a, offers)) == TA_OK) {
			cli_say("found the IdP at %s%s%s", a,
			        *offers & TA_IDP_REGISTRATION ? "; it registers clients itself" : "",
			        *offers & TA_IDP_DEVICE ? "; it offers the device flow" : "");
			return keep(c, p, TA_OPT_ISSUER, "issuer", a) == TA_OK ? EXIT_OK
			                                                        : cli_fail(c, TA_E_ARG);
		}
		cli_error("%s is not an IdP termauth can sign in to: %s", a, ta_client_message(c));
		if (r == TA_E_CANCELLED)
			return EXIT_CANCELLED;
	}
	cli_error("no IdP given for profile '%s': see docs/providers for yours, then 'termauth%s%s login --issuer URL --client-id ID'",
	          cli->profile, cli->profile_given ? " -p " : "", cli->profile_given ? cli->profile : "");
	return EXIT_USAGE;
}

/* The client id; none when the IdP registers clients and the person
 * leaves it empty (ta_login registers one then). */
static int ask_client(struct ta_client *c, struct ta_profile *p, unsigned offers)
{
	const char *q = offers & TA_IDP_REGISTRATION
	                        ? "The client id (empty: register termauth at the IdP): "
	                        : "The client id (the IdP's admin creates a public client): ";
	char buf[ANSWER_MAX];
	const char *a;
	int i;

	for (i = 0; i < TRIES; i++) {
		if (!(a = ask(q, buf, sizeof(buf))))
			return EXIT_USAGE;
		if (!*a && (offers & TA_IDP_REGISTRATION))
			return EXIT_OK;
		if (*a)
			return keep(c, p, TA_OPT_CLIENT_ID, "client_id", a) == TA_OK ? EXIT_OK
			                                                              : cli_fail(c, TA_E_ARG);
	}
	cli_error("no client id given: ask the IdP's admin for one (see docs/providers)");
	return EXIT_USAGE;
}

int first_run_usable(void)
{
	return isatty(0) && isatty(2);
}

int first_run(struct cli *cli, struct ta_client *c, struct ta_profile *p)
{
	char *path = NULL;
	unsigned offers = 0;
	int rc;

	cli_say("profile '%s' has no IdP yet: two questions, then the sign-in (Ctrl-C to stop)",
	        cli->profile);
	if (!ta_client_get(c, TA_OPT_ISSUER) && !ta_client_get(c, TA_OPT_PROVIDER) &&
	    (rc = ask_idp(cli, c, p, &offers)) != EXIT_OK)
		return rc;
	if (!ta_client_get(c, TA_OPT_CLIENT_ID) && (rc = ask_client(c, p, offers)) != EXIT_OK)
		return rc;
	if (ta_profile_save(c, p) != TA_OK)
		return cli_fail(c, TA_E_CONFIG);
	if (ta_config_path(&path) == TA_OK)
		cli_say("saved profile '%s' in %s", cli->profile, path);
	free(path);
	return EXIT_OK;
}
