/*
 * test_presets.c - unit tests of the provider presets
 * (lib/profile/presets.c): the values a provider option fills in, that
 * setting and forgetting one leaves nothing behind, that a tenant is a name
 * and not a path, and that the filled values follow later changes.
 */
#include "unit.h"
#include "base/result.h"
#include "profile/client.h"
#include "profile/presets.h"

/* ---------------------------------------------------------------------- */
/* The provider presets (lib/provider.c) */

#define GH_AUTH "https://github.com/login/oauth/authorize"
#define GH_TOKEN "https://github.com/login/oauth/access_token"
#define GH_DEVICE "https://github.com/login/device/code"
#define MS "https://login.microsoftonline.com/"
#define MS_SCOPES "openid profile offline_access"

struct provider_row {
	const char *provider, *tenant;
	/* set by the person before the sign-in */
	const char *issuer_set, *scopes_set, *token_set;
	enum ta_result want;
	/* after ta_provider_fill */
	const char *issuer, *auth, *token, *device, *scopes;
};

static const struct provider_row provider_rows[] = {
	{ "github", NULL, NULL, NULL, NULL, TA_OK, NULL, GH_AUTH, GH_TOKEN, GH_DEVICE, "read:user" },
	{ "github", NULL, NULL, "repo gist", NULL, TA_OK, NULL, GH_AUTH, GH_TOKEN, GH_DEVICE,
	  "repo gist" },
	{ "github", NULL, NULL, NULL, "https://ghe.example.com/login/oauth/access_token", TA_OK,
	  NULL, GH_AUTH, "https://ghe.example.com/login/oauth/access_token", GH_DEVICE,
	  "read:user" },
	/* a tenant means nothing to the others */
	{ "github", "contoso", NULL, NULL, NULL, TA_OK, NULL, GH_AUTH, GH_TOKEN, GH_DEVICE,
	  "read:user" },
	{ "microsoft", "contoso", NULL, NULL, NULL, TA_OK, MS "contoso/v2.0", NULL, NULL, NULL,
	  MS_SCOPES },
	{ "microsoft", NULL, NULL, NULL, NULL, TA_OK, MS "organizations/v2.0", NULL, NULL, NULL,
	  MS_SCOPES },
	{ "microsoft", "common", NULL, NULL, NULL, TA_OK, MS "common/v2.0", NULL, NULL, NULL,
	  MS_SCOPES },
	{ "microsoft", "9188040d-6c67-4c5b-b112-36a304b66dad", NULL, "openid", NULL, TA_OK,
	  MS "9188040d-6c67-4c5b-b112-36a304b66dad/v2.0", NULL, NULL, NULL, "openid" },
	{ "microsoft", "contoso.onmicrosoft.com", NULL, NULL, NULL, TA_OK,
	  MS "contoso.onmicrosoft.com/v2.0", NULL, NULL, NULL, MS_SCOPES },
	{ "microsoft", "contoso/evil", NULL, NULL, NULL, TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	{ "microsoft", "/", NULL, NULL, NULL, TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	{ "microsoft", "contoso?x=1", NULL, NULL, NULL, TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	{ "microsoft", "contoso#x", NULL, NULL, NULL, TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	{ "microsoft", "contoso%2F..", NULL, NULL, NULL, TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	{ "microsoft",
	  "01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890",
	  NULL, NULL, NULL, TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	{ "microsoft",
	  "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
	  NULL, NULL, NULL, TA_OK,
	  MS "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789/v2.0",
	  NULL, NULL, NULL, MS_SCOPES },
	/* an explicit issuer wins, and then the tenant is not even looked at */
	{ "microsoft", "contoso/evil", "https://login.example.com/t/v2.0", NULL, NULL, TA_OK,
	  "https://login.example.com/t/v2.0", NULL, NULL, NULL, MS_SCOPES },
	{ "google", NULL, NULL, NULL, NULL, TA_OK, "https://accounts.google.com", NULL, NULL, NULL,
	  "openid email profile" },
	{ "google", "contoso", NULL, NULL, NULL, TA_OK, "https://accounts.google.com", NULL, NULL,
	  NULL, "openid email profile" },
	{ "google", NULL, "https://accounts.example.com", "openid", NULL, TA_OK,
	  "https://accounts.example.com", NULL, NULL, NULL, "openid" },
	{ "gitlab", NULL, NULL, NULL, NULL, TA_OK, "https://gitlab.com", NULL, NULL, NULL,
	  "openid profile" },
	{ "gitlab", NULL, "https://gitlab.example.com", NULL, NULL, TA_OK,
	  "https://gitlab.example.com", NULL, NULL, NULL, "openid profile" },
	/* no provider: nothing is filled */
	{ NULL, "contoso", NULL, NULL, NULL, TA_OK, NULL, NULL, NULL, NULL, NULL },
};

static void provider_fill_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(provider_rows); i++) {
		const struct provider_row *row = &provider_rows[i];
		struct ta_client *c;
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		/* The tenant after the provider: the preset is applied at sign-in,
		 * so the order of the options does not matter. */
		ROW_CHECK(ta_client_set(c, TA_OPT_PROVIDER, row->provider) == TA_OK, i, "provider");
		ROW_CHECK(ta_client_set(c, TA_OPT_TENANT, row->tenant) == TA_OK, i, "tenant");
		ROW_CHECK(ta_client_set(c, TA_OPT_ISSUER, row->issuer_set) == TA_OK, i, "issuer");
		ROW_CHECK(ta_client_set(c, TA_OPT_SCOPES, row->scopes_set) == TA_OK, i, "scopes");
		ROW_CHECK(ta_client_set(c, TA_OPT_TOKEN_ENDPOINT, row->token_set) == TA_OK, i, "token");
		r = ta_provider_fill(c);
		ROW_CHECK(r == row->want, i, "%s/%s gave %d (%s)", row->provider ? row->provider : "-",
		          row->tenant ? row->tenant : "-", (int)r, ta_client_message(c));
		if (r == TA_OK) {
			unit_check_str(ta_client_get(c, TA_OPT_ISSUER), row->issuer, "issuer", i);
			unit_check_str(ta_client_get(c, TA_OPT_AUTHORIZATION_ENDPOINT), row->auth,
			          "authorization endpoint", i);
			unit_check_str(ta_client_get(c, TA_OPT_TOKEN_ENDPOINT), row->token, "token endpoint", i);
			unit_check_str(ta_client_get(c, TA_OPT_DEVICE_ENDPOINT), row->device, "device endpoint",
			          i);
			unit_check_str(ta_client_get(c, TA_OPT_SCOPES), row->scopes, "scopes", i);
			/* Filling again changes nothing. */
			ROW_CHECK(ta_provider_fill(c) == TA_OK, i, "second fill");
			unit_check_str(ta_client_get(c, TA_OPT_ISSUER), row->issuer, "issuer again", i);
		} else {
			ROW_CHECK(strstr(ta_client_message(c), "tenant") != NULL, i, "message '%s'",
			          ta_client_message(c));
			/* Nothing half-filled. */
			unit_check_str(ta_client_get(c, TA_OPT_ISSUER), NULL, "issuer", i);
		}
		ta_client_free(c);
	}
}

/* Forgetting the provider forgets the preset; an unknown one is refused
 * and the old one stays. */
static void provider_set_and_forget(void **state)
{
	struct ta_client *c;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, "github"), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, "bitbucket"), TA_E_ARG);
	assert_non_null(strstr(ta_client_message(c), "bitbucket"));
	assert_string_equal(ta_client_get(c, TA_OPT_PROVIDER), "github");
	assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, NULL), TA_OK);
	assert_int_equal(ta_provider_fill(c), TA_OK);
	assert_null(ta_client_get(c, TA_OPT_TOKEN_ENDPOINT));
	assert_null(ta_client_get(c, TA_OPT_SCOPES));
	ta_client_free(c);
}

/* A tenant is a name (a GUID or a domain, or common/organizations/
 * consumers): it goes into the issuer URL, so an empty one, white space,
 * escape sequences and ".." are refused. */
static void provider_tenant_is_a_name(void **state)
{
	static const char *const tenants[] = { "", "a b", "a\x1b[2Jb", "..", "contoso\t" };
	char seen[400] = "";
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < NELEMS(tenants); i++) {
		struct ta_client *c;
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, "microsoft"), TA_OK);
		/* Refused when set (control characters) or when filled. */
		r = ta_client_set(c, TA_OPT_TENANT, tenants[i]);
		if (r == TA_OK)
			r = ta_provider_fill(c);
		if (r != TA_E_ARG) {
			size_t n = strlen(seen);
			char shown[80];
			ta_printable(shown, sizeof(shown),
			             ta_client_get(c, TA_OPT_ISSUER) ? ta_client_get(c, TA_OPT_ISSUER) : "");
			snprintf(seen + n, sizeof(seen) - n, " row %zu -> %d '%s';", i, (int)r, shown);
			bad++;
		}
		ta_client_free(c);
	}
	UNIT_ASSERT_MSG(bad == 0, "lib/provider.c ta_provider_fill() takes a tenant that is no name:%s",
	               seen);
}

/* What a preset filled is not the person's: a later change of tenant or
 * provider on the same handle takes effect (ta_login calls
 * ta_provider_fill each time). Otherwise, after github then google, the
 * token endpoint would stay GitHub's and Google's client id go there. */
static void provider_fill_follows_changes(void **state)
{
	struct ta_client *c;
	char tenant_issuer[200], google_token[200];
	int ok_tenant, ok_google;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, "microsoft"), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_TENANT, "contoso"), TA_OK);
	assert_int_equal(ta_provider_fill(c), TA_OK);
	assert_string_equal(ta_client_get(c, TA_OPT_ISSUER), MS "contoso/v2.0");
	assert_int_equal(ta_client_set(c, TA_OPT_TENANT, "fabrikam"), TA_OK);
	assert_int_equal(ta_provider_fill(c), TA_OK);
	snprintf(tenant_issuer, sizeof(tenant_issuer), "%s", ta_client_get(c, TA_OPT_ISSUER));
	ok_tenant = !strcmp(tenant_issuer, MS "fabrikam/v2.0");
	ta_client_free(c);

	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, "github"), TA_OK);
	assert_int_equal(ta_provider_fill(c), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, "google"), TA_OK);
	assert_int_equal(ta_provider_fill(c), TA_OK);
	snprintf(google_token, sizeof(google_token), "%s",
	         ta_client_get(c, TA_OPT_TOKEN_ENDPOINT) ? ta_client_get(c, TA_OPT_TOKEN_ENDPOINT)
	                                                 : "(none)");
	ok_google = !ta_client_get(c, TA_OPT_TOKEN_ENDPOINT) &&
	            !strcmp(ta_client_get(c, TA_OPT_SCOPES), "openid email profile");
	ta_client_free(c);
	UNIT_ASSERT_MSG(ok_tenant && ok_google,
	               "lib/provider.c ta_provider_fill() makes the preset sticky: tenant fabrikam "
	               "after contoso gives issuer %s; google after github keeps token endpoint %s",
	               tenant_issuer, google_token);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(provider_fill_table),
	cmocka_unit_test(provider_set_and_forget),
	cmocka_unit_test(provider_tenant_is_a_name),
	cmocka_unit_test(provider_fill_follows_changes),
};

UNIT_MAIN("presets", tests)
