/*
 * complete.c - see complete.h.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "signin/complete.h"
#include "base/result.h"
#include "base/secret.h"
#include "oauth/idtoken.h"
#include "oauth/token.h"

/* 1 when the scope list holds the word openid (the default list does). */
static int asks_openid(const char *scopes)
{
	size_t n;

	if (!scopes)
		return 1;
	for (; *scopes; scopes += n) {
		scopes += strspn(scopes, " ");
		n = strcspn(scopes, " ");
		if (n == 6 && !strncmp(scopes, "openid", 6))
			return 1;
	}
	return 0;
}

/* The ID token's signature, against the keys the IdP publishes (its
 * claims are checked by ta_id_token_check). */
static enum ta_result id_token_signature(struct ta_client *c, const struct ta_metadata *md,
                                         const char *id_token)
{
	/* iss is not compared here: ta_id_token_check does, knowing issuer
	 * templates (Microsoft's {tenantid}) and the trailing slash. */
	struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.audience = c->client_id,
	                                                    .leeway = TA_ID_TOKEN_LEEWAY,
	                                                    .require_exp = 1);
	struct ta_jwks_source *src = NULL;
	enum ta_result r;

	if (!md->jwks_uri)
		return ta_fail(c, TA_E_ID_TOKEN, "the IdP publishes no keys (jwks_uri) to check the ID token's signature");
	if ((r = ta_jwks_source_new(c, md->jwks_uri, &src)) == TA_OK)
		r = ta_jwt_verify_from(c, src, id_token, strlen(id_token), &o, NULL);
	ta_jwks_source_free(src);
	if (r == TA_E_VERIFY)
		return ta_fail_wrap(c, TA_E_ID_TOKEN, "the ID token is refused");
	return r;
}

enum ta_result ta_sign_in_complete(struct ta_client *c, const struct ta_metadata *md,
                                   const char *nonce, struct ta_session *s)
{
	enum ta_result r;

	if (s->id_token) {
		struct ta_id_expect e = { md->issuer, c->client_id, nonce, (long long)time(NULL) };
		if (!md->issuer)
			return ta_fail(c, TA_E_ID_TOKEN, "an ID token came, but no issuer is known to check it");
		if ((r = id_token_signature(c, md, s->id_token)) != TA_OK ||
		    (r = ta_id_token_check(c, s->id_token, &e, &s->subject)) != TA_OK)
			return r;
	} else if (md->issuer && asks_openid(c->scopes)) {
		return ta_fail(c, TA_E_ID_TOKEN, "the IdP sent no ID token for an openid sign-in");
	}
	if ((r = ta_set_string(&s->issuer, md->issuer ? md->issuer : md->token_endpoint)) != TA_OK ||
	    (r = ta_set_string(&s->client_id, c->client_id)) != TA_OK ||
	    (r = ta_set_string(&s->token_endpoint, md->token_endpoint)) != TA_OK ||
	    (r = ta_set_string(&s->revocation_endpoint, md->revocation_endpoint)) != TA_OK)
		return r;
	if (!s->scope && (r = ta_set_string(&s->scope, c->scopes ? c->scopes : "openid")) != TA_OK)
		return r;
	/* Its refreshes ask for the same resource; tokens for the others are
	 * asked for later (ta_resource_token). */
	ta_free_secret(s->resource);
	s->resource = ta_token_first_resource(c->resources);
	if (c->resources && (!s->resource || (r = ta_set_string(&s->resources, c->resources)) != TA_OK))
		return TA_E_NOMEM;
	return TA_OK;
}

