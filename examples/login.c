/*
 * login.c - the smallest program that embeds libtermauth: sign in to an
 * IdP through the browser (or a pasted URL) and print the access token's
 * expiry. Usage: example_login ISSUER CLIENT_ID
 */
#include <stdio.h>
#include <termauth.h>

static void show_url(void *data, const char *url, int launched, int paste_ok)
{
	(void)data;
	fprintf(stderr, "%s this URL to sign in:\n  %s\n%s",
	        launched ? "Your browser is opening" : "Open", url,
	        paste_ok ? "or paste the address you are sent back to here.\n" : "");
}

static void notice(void *data, const char *message)
{
	(void)data;
	fprintf(stderr, "note: %s\n", message);
}

int main(int argc, char **argv)
{
	struct ta_callbacks cb = { .show_url = show_url, .notice = notice };
	struct ta_client *c = NULL;
	struct ta_session *s = NULL;
	enum ta_result r;

	if (argc != 3) {
		fprintf(stderr, "usage: %s ISSUER CLIENT_ID\n", argv[0]);
		return 2;
	}
	if ((r = ta_client_new(&c)) != TA_OK)
		return 1;
	ta_client_set_callbacks(c, &cb);
	ta_client_set_paste_fd(c, 0);
	if ((r = ta_client_set(c, TA_OPT_ISSUER, argv[1])) == TA_OK &&
	    (r = ta_client_set(c, TA_OPT_CLIENT_ID, argv[2])) == TA_OK)
		r = ta_login(c, &s);
	if (r == TA_OK)
		printf("signed in; the access token expires at %lld\n", ta_session_expires_at(s));
	else
		fprintf(stderr, "sign-in failed: %s\n", ta_client_message(c));
	ta_session_free(s);
	ta_client_free(c);
	return r == TA_OK ? 0 : 1;
}
