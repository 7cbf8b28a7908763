/*
 * presets.c - presets for well-known IdPs: their endpoints and quirks, so
 * that `--provider github --client-id ID` is all a person types. A preset
 * only fills what the person left unset (ta_provider_fill in client.c, at
 * sign-in), so any explicit option wins. This file is a table and a lookup:
 * it calls nothing. The quirks:
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
#include "profile/presets.h"

static const struct ta_preset presets[] = {
	{ "github", NULL, NULL, "https://github.com/login/oauth/authorize",
	  "https://github.com/login/oauth/access_token", "https://github.com/login/device/code",
	  "read:user" },
	{ "google", "https://accounts.google.com", NULL, NULL, NULL, NULL, "openid email profile" },
	{ "microsoft", "https://login.microsoftonline.com/", "/v2.0", NULL, NULL, NULL,
	  "openid profile offline_access" },
	{ "gitlab", "https://gitlab.com", NULL, NULL, NULL, NULL, "openid profile" },
};

const struct ta_preset *ta_preset_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

/* A tenant is a name or a GUID: letters, digits, '.' and '-', and not a
 * path step like "..". It goes into the issuer URL. */
static int tenant_ok(const char *t)
{
	size_t n = strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");

	return n > 0 && n <= 100 && !t[n] && strcmp(t, ".") && strcmp(t, "..");
}

int ta_preset_issuer(const struct ta_preset *p, const char *tenant, char *buf, size_t cap)
{
	if (!p->issuer)
		return 0;
	if (p->after_tenant && !tenant_ok(tenant))
		return -1;
	snprintf(buf, cap, "%s%s%s", p->issuer, p->after_tenant ? tenant : "",
	         p->after_tenant ? p->after_tenant : "");
	return 1;
}
