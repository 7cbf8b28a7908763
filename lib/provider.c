/*
 * provider.c - presets for well-known IdPs: their endpoints and quirks, so
 * that `--provider github --client-id ID` is all a person types. A preset
 * only fills what the person left unset (ta_provider_fill at sign-in), so
 * any explicit option wins. The quirks:
 *   github     no discovery and no OpenID Connect: fixed endpoints; it
 *              answers form-encoded unless asked for JSON (token.c reads
 *              both).
 *   google     discovery; installed apps get a client "secret" that is not
 *              secret (TA_OPT_CLIENT_SECRET), which the person passes.
 *   microsoft  the tenant is part of the issuer; "organizations" and
 *              "common" publish a templated issuer (discovery.c).
 *   gitlab     gitlab.com; a self-managed GitLab is the same with --issuer.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"

struct preset {
	const char *name;
	const char *issuer;
	const char *after_tenant; /* when set: issuer + tenant + after_tenant */
	const char *authorization_endpoint;
	const char *token_endpoint;
	const char *device_endpoint;
	const char *scopes;
};

static const struct preset presets[] = {
	{ "github", NULL, NULL, "https://github.com/login/oauth/authorize",
	  "https://github.com/login/oauth/access_token", "https://github.com/login/device/code",
	  "read:user" },
	{ "google", "https://accounts.google.com", NULL, NULL, NULL, NULL, "openid email profile" },
	{ "microsoft", "https://login.microsoftonline.com/", "/v2.0", NULL, NULL, NULL,
	  "openid profile offline_access" },
	{ "gitlab", "https://gitlab.com", NULL, NULL, NULL, NULL, "openid profile" },
};

static const struct preset *find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

enum ta_result ta_provider_apply(struct ta_client *c, const char *name)
{
	if (name && !find(name))
		return ta_fail(c, TA_E_ARG, "provider must be github, google, microsoft or gitlab, not '%s'",
		               name);
	return ta_set_string(&c->provider, name);
}

/* A tenant is a name or a GUID: letters, digits, '.' and '-', and not a
 * path step like "..". It goes into the issuer URL. */
static int tenant_ok(const char *t)
{
	size_t n = strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");

	return n > 0 && n <= 100 && !t[n] && strcmp(t, ".") && strcmp(t, "..");
}

/* Sets the option to value unless the person set it, and remembers that
 * the preset did, so that the next sign-in can take it back. */
static enum ta_result fill(struct ta_client *c, enum ta_option opt, const char *value)
{
	enum ta_result r;

	if (!value || ta_client_get(c, opt))
		return TA_OK;
	if ((r = ta_client_set(c, opt, value)) == TA_OK)
		c->preset_filled |= 1u << opt;
	return r;
}

enum ta_result ta_provider_fill(struct ta_client *c)
{
	const struct preset *p = c->provider ? find(c->provider) : NULL;
	const char *tenant = c->tenant ? c->tenant : "organizations";
	char issuer[256];
	enum ta_result r;
	unsigned opt;

	/* What an earlier sign-in's preset filled goes: the provider or the
	 * tenant may have changed since. */
	for (opt = 0; opt < 32; opt++)
		if (c->preset_filled & (1u << opt))
			ta_client_set(c, (enum ta_option)opt, NULL);
	c->preset_filled = 0;
	if (!p)
		return TA_OK;
	if (p->after_tenant && !c->issuer && !tenant_ok(tenant))
		return ta_fail(c, TA_E_ARG, "a tenant is a name or an id of letters, digits, '.' and '-'");
	snprintf(issuer, sizeof(issuer), "%s%s%s", p->issuer ? p->issuer : "",
	         p->after_tenant ? tenant : "", p->after_tenant ? p->after_tenant : "");
	if ((r = fill(c, TA_OPT_ISSUER, p->issuer ? issuer : NULL)) != TA_OK ||
	    (r = fill(c, TA_OPT_AUTHORIZATION_ENDPOINT, p->authorization_endpoint)) != TA_OK ||
	    (r = fill(c, TA_OPT_TOKEN_ENDPOINT, p->token_endpoint)) != TA_OK ||
	    (r = fill(c, TA_OPT_DEVICE_ENDPOINT, p->device_endpoint)) != TA_OK ||
	    (r = fill(c, TA_OPT_SCOPES, p->scopes)) != TA_OK)
		return r;
	return TA_OK;
}
