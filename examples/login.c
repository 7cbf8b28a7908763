/*
 * login.c - the smallest program that embeds libtermauth: sign in to an
 * IdP (the browser, a pasted URL, or the device flow, as the library
 * chooses) and print the access token's expiry. It shows the device code
 * and the countdown its own way, through the callbacks: the library never
 * prints. Usage: example_login ISSUER CLIENT_ID [FLOW]
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

static void show_device_code(void *data, const char *user_code, const char *uri,
                             const char *uri_complete, int expires_in)
{
	(void)data;
	(void)uri_complete;
	fprintf(stderr, "Visit %s and type %s within %d seconds.\n", uri, user_code, expires_in);
}

static void device_progress(void *data, int seconds_left)
{
	(void)data;
	if (seconds_left % 30 == 0)
		fprintf(stderr, "(%d s left)\n", seconds_left);
}

static void notice(void *data, const char *message)
{
	(void)data;
	fprintf(stderr, "note: %s\n", message);
}

int main(int argc, char **argv)
{
	struct ta_callbacks cb = TA_CALLBACKS_INIT(
		.show_url = show_url,
		.notice = notice,
		.show_device_code = show_device_code,
		.device_progress = device_progress);
	struct ta_client *c = NULL;
	struct ta_session *s = NULL;
	enum ta_result r;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s ISSUER CLIENT_ID [auto|browser|device|paste]\n", argv[0]);
		return 2;
	}
	if ((r = ta_client_new(&c)) != TA_OK)
		return 1;
	ta_client_set_callbacks(c, &cb);
	ta_client_set_paste_fd(c, 0);
	if ((r = ta_client_set(c, TA_OPT_ISSUER, argv[1])) == TA_OK &&
	    (r = ta_client_set(c, TA_OPT_CLIENT_ID, argv[2])) == TA_OK &&
	    (r = ta_client_set(c, TA_OPT_FLOW, argc == 4 ? argv[3] : NULL)) == TA_OK)
		r = ta_login(c, &s);
	if (r == TA_OK)
		printf("signed in; the access token expires at %lld\n", ta_session_expires_at(s));
	else
		fprintf(stderr, "sign-in failed: %s\n", ta_client_message(c));
	ta_session_free(s);
	ta_client_free(c);
	return r == TA_OK ? 0 : 1;
}
