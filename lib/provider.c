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

/* Sets *slot to value unless the person set it. */
static enum ta_result fill(char **slot, const char *value)
{
	return *slot || !value ? TA_OK : ta_set_string(slot, value);
}

enum ta_result ta_provider_fill(struct ta_client *c)
{
	const struct preset *p = c->provider ? find(c->provider) : NULL;
	char issuer[256];
	enum ta_result r;

	if (!p)
		return TA_OK;
	if (p->issuer && !c->issuer) {
		const char *tenant = c->tenant ? c->tenant : "organizations";
		if (!p->after_tenant)
			tenant = "";
		else if (strpbrk(tenant, "/?#%") || strlen(tenant) > 100)
			return ta_fail(c, TA_E_ARG, "'%s' is not a tenant name", tenant);
		snprintf(issuer, sizeof(issuer), "%s%s%s", p->issuer, tenant,
		         p->after_tenant ? p->after_tenant : "");
		if ((r = ta_set_string(&c->issuer, issuer)) != TA_OK)
			return r;
	}
	if ((r = fill(&c->authorization_endpoint, p->authorization_endpoint)) != TA_OK ||
	    (r = fill(&c->token_endpoint, p->token_endpoint)) != TA_OK ||
	    (r = fill(&c->device_endpoint, p->device_endpoint)) != TA_OK ||
	    (r = fill(&c->scopes, p->scopes)) != TA_OK)
		return r;
	return TA_OK;
}
