/*
 * client.c - the client handle: options with their defaults, what a
 * provider's preset fills in them, callbacks, the paste descriptor. Part of
 * the small core, so it uses no network library.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "profile/client.h"
#include "base/result.h"
#include "base/secret.h"
#include "base/url.h"
#include "profile/presets.h"

enum ta_result ta_client_new(struct ta_client **out)
{
	struct ta_client *c = calloc(1, sizeof(*c));

	if (!c)
		return TA_E_NOMEM;
	c->timeout = 0; /* unset: 300 s for the browser, the code's life for the device */
	c->http_timeout = 30;
	c->paste_fd = -1;
	*out = c;
	return TA_OK;
}

void ta_client_free(struct ta_client *c)
{
	if (!c)
		return;
	free(c->issuer);
	free(c->client_id);
	free(c->scopes);
	free(c->flow);
	free(c->browser);
	free(c->authorization_endpoint);
	free(c->token_endpoint);
	free(c->device_endpoint);
	ta_free_secret(c->client_secret);
	free(c->provider);
	free(c->tenant);
	free(c->store);
	free(c->client_expires_at);
	free(c->issuer_from);
	free(c->profile_name);
	free(c->resources);
	free(c->dpop);
	free(c->dpop_nonce);
	ta_wipe(c, sizeof(*c));
	free(c);
}

/* Parses a whole decimal number in [lo, hi]. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* A space separated list of resource indicators, at least one. */
static int resources_ok(const char *list)
{
	const char *p = list;
	size_t n;
	int any = 0;

	while (*p) {
		if (*p == ' ') {
			p++;
			continue;
		}
		n = strcspn(p, " ");
		if (!ta_resource_ok(p, n))
			return 0;
		any = 1;
		p += n;
	}
	return any;
}

/* Where a string option is kept in the handle: its offset, or -1 for an
 * option that is not a string. */
static ptrdiff_t string_option_at(enum ta_option opt)
{
	switch (opt) {
	case TA_OPT_ISSUER: return offsetof(struct ta_client, issuer);
	case TA_OPT_CLIENT_ID: return offsetof(struct ta_client, client_id);
	case TA_OPT_SCOPES: return offsetof(struct ta_client, scopes);
	case TA_OPT_FLOW: return offsetof(struct ta_client, flow);
	case TA_OPT_BROWSER: return offsetof(struct ta_client, browser);
	case TA_OPT_AUTHORIZATION_ENDPOINT: return offsetof(struct ta_client, authorization_endpoint);
	case TA_OPT_TOKEN_ENDPOINT: return offsetof(struct ta_client, token_endpoint);
	case TA_OPT_DEVICE_ENDPOINT: return offsetof(struct ta_client, device_endpoint);
	case TA_OPT_CLIENT_SECRET: return offsetof(struct ta_client, client_secret);
	case TA_OPT_PROVIDER: return offsetof(struct ta_client, provider);
	case TA_OPT_TENANT: return offsetof(struct ta_client, tenant);
	case TA_OPT_STORE: return offsetof(struct ta_client, store);
	case TA_OPT_CLIENT_EXPIRES_AT: return offsetof(struct ta_client, client_expires_at);
	case TA_OPT_PROFILE_NAME: return offsetof(struct ta_client, profile_name);
	case TA_OPT_RESOURCE: return offsetof(struct ta_client, resources);
	case TA_OPT_DPOP: return offsetof(struct ta_client, dpop);
	case TA_OPT_ISSUER_FROM: return offsetof(struct ta_client, issuer_from);
	default: return -1;
	}
}

enum ta_result ta_client_set(struct ta_client *c, enum ta_option opt,
                             const char *value)
{
	ptrdiff_t at = string_option_at(opt);
	char **slot;

	ta_call_begin(c);
	switch (opt) {
	case TA_OPT_PORT:
		if (!value)
			return c->port = 0, TA_OK;
		if (parse_int(value, 0, 65535, &c->port))
			return ta_fail(c, TA_E_ARG, "port must be 0-65535, not '%s'", value);
		return TA_OK;
	case TA_OPT_TIMEOUT:
		if (!value)
			return c->timeout = 0, TA_OK;
		if (parse_int(value, 1, 86400, &c->timeout))
			return ta_fail(c, TA_E_ARG, "timeout must be 1-86400 seconds, not '%s'", value);
		return TA_OK;
	case TA_OPT_HTTP_TIMEOUT:
		if (!value)
			return c->http_timeout = 30, TA_OK;
		if (parse_int(value, 1, 3600, &c->http_timeout))
			return ta_fail(c, TA_E_ARG, "HTTP timeout must be 1-3600 seconds, not '%s'", value);
		return TA_OK;
	case TA_OPT_FLOW:
		if (value && strcmp(value, "auto") && strcmp(value, "browser") &&
		    strcmp(value, "device") && strcmp(value, "paste"))
			return ta_fail(c, TA_E_ARG, "flow must be auto, browser, device or paste, not '%s'",
			               value);
		break;
	case TA_OPT_STORE:
		value = value && !strcmp(value, "keyring") ? "keychain" : value; /* its Linux name */
		if (value && strcmp(value, "auto") && strcmp(value, "keychain") &&
		    strcmp(value, "kernel") && strcmp(value, "file"))
			return ta_fail(c, TA_E_ARG, "store must be auto, keychain, kernel or file, not '%s'",
			               value);
		break;
	case TA_OPT_CLIENT_EXPIRES_AT:
		if (value && (!*value || strspn(value, "0123456789") != strlen(value) || strlen(value) > 18))
			return ta_fail(c, TA_E_ARG, "a client's expiry is seconds since the epoch, not '%s'",
			               value);
		break;
	case TA_OPT_DPOP:
		if (value && strcmp(value, "yes") && strcmp(value, "no"))
			return ta_fail(c, TA_E_ARG, "dpop must be yes or no, not '%s'", value);
		break;
	case TA_OPT_ISSUER_FROM:
		if (value && strcmp(value, "resource"))
			return ta_fail(c, TA_E_ARG, "issuer_from can only be resource (a resource chose the issuer), not '%.100s': remove the key if you chose the issuer yourself", value);
		break;
	case TA_OPT_RESOURCE:
		if (value && !resources_ok(value))
			return ta_fail(c, TA_E_ARG, "a resource is an absolute URI without a fragment (RFC 8707), e.g. https://api.example.com/ - not '%.200s'",
			               value);
		break;
	case TA_OPT_PROVIDER:
		if (value && !ta_preset_find(value))
			return ta_fail(c, TA_E_ARG,
			               "no preset for '%s' (the presets: github, google, microsoft, "
			               "gitlab): any OpenID Connect IdP works with --issuer URL "
			               "--client-id ID", value);
		return ta_set_string(&c->provider, value);
	default:
		break;
	}
	if (at < 0)
		return ta_fail(c, TA_E_ARG, "unknown option %d", (int)opt);
	slot = (char **)((char *)c + at);
	for (const char *v = value; v && *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return ta_fail(c, TA_E_ARG, "option values cannot hold control characters");
	c->preset_filled &= ~(1u << opt); /* the person's value, from now on */
	/* The others are freed with free(): only the secret may be pooled. */
	return opt == TA_OPT_CLIENT_SECRET ? ta_set_secret(slot, value) : ta_set_string(slot, value);
}

const char *ta_client_get(const struct ta_client *c, enum ta_option opt)
{
	ptrdiff_t at = string_option_at(opt);

	return at < 0 ? NULL : *(char *const *)((const char *)c + at);
}

enum ta_result ta_client_set_callbacks(struct ta_client *c, const struct ta_callbacks *cb)
{
	struct ta_callbacks read;
	enum ta_result r;

	ta_call_begin(c);
	if (!cb) {
		memset(&c->cb, 0, sizeof(c->cb));
		return TA_OK;
	}
	/* Only what fits in the program's struct: one built with an older
	 * termauth.h has fewer callbacks, the others stay NULL. */
	if ((r = ta_sized_read(c, "struct ta_callbacks", &read, sizeof(read), cb)) != TA_OK)
		return r;
	c->cb = read;
	return TA_OK;
}

void ta_client_set_paste_fd(struct ta_client *c, int fd)
{
	c->paste_fd = fd;
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
	const struct ta_preset *p = c->provider ? ta_preset_find(c->provider) : NULL;
	char issuer[256];
	int has_issuer = 0;
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
	if (!c->issuer &&
	    (has_issuer = ta_preset_issuer(p, c->tenant ? c->tenant : "organizations", issuer,
	                                   sizeof(issuer))) < 0)
		return ta_fail(c, TA_E_ARG, "a tenant is a name or an id of letters, digits, '.' and '-'");
	if ((r = fill(c, TA_OPT_ISSUER, has_issuer > 0 ? issuer : NULL)) != TA_OK ||
	    (r = fill(c, TA_OPT_AUTHORIZATION_ENDPOINT, p->authorization_endpoint)) != TA_OK ||
	    (r = fill(c, TA_OPT_TOKEN_ENDPOINT, p->token_endpoint)) != TA_OK ||
	    (r = fill(c, TA_OPT_DEVICE_ENDPOINT, p->device_endpoint)) != TA_OK ||
	    (r = fill(c, TA_OPT_SCOPES, p->scopes)) != TA_OK)
		return r;
	return TA_OK;
}

int ta_client_expired(const struct ta_client *c, long long now)
{
	long long at = c->client_expires_at ? atoll(c->client_expires_at) : 0;

	return at > 0 && at <= now;
}

int ta_issuer_named_by_resource(const struct ta_client *c)
{
	return c->issuer && c->issuer_from && !strcmp(c->issuer_from, "resource");
}
