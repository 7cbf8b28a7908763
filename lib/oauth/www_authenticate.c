/*
 * www_authenticate.c - see www_authenticate.h. A hand-written reader of
 * RFC 9110's grammar:
 *
 *   WWW-Authenticate = #challenge
 *   challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param = token BWS "=" BWS ( token / quoted-string )
 *   token68    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 *
 * The one ambiguity is the comma: it separates the parameters of one
 * challenge and the challenges too. After a comma, "token BWS =" is one
 * more parameter; any other token starts the next challenge. It only
 * reads: what a Bearer challenge means is resource_metadata.c's.
 */
#include <stdlib.h>
#include <string.h>
#include "oauth/www_authenticate.h"

/* More than any server sends; bounds the work a hostile value can cause. */
#define MAX_CHALLENGES 32
#define MAX_PARAMS 32

struct cursor {
	const char *p, *end;
};

static int is_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static int is_t68char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("-._~+/", ch));
}

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static size_t token_len(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && is_tchar((unsigned char)*q))
		q++;
	return (size_t)(q - p);
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static char *lower_dup(const char *s, size_t n)
{
	char *d = dup_n(s, n);
	size_t i;

	for (i = 0; d && i < n; i++)
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] - 'A' + 'a');
	return d;
}

/* A quoted-string at c->p (its opening quote), unescaped into *out. */
static enum ta_result quoted_string(struct cursor *c, char **out)
{
	char *d = malloc((size_t)(c->end - c->p) + 1);
	size_t n = 0;

	if (!d)
		return TA_E_NOMEM;
	for (c->p++; c->p < c->end; c->p++) {
		unsigned char ch = (unsigned char)*c->p;

		if (ch == '"') {
			char *fit = realloc(d, n + 1); /* d was sized for the rest of the field */

			c->p++;
			if (fit)
				d = fit;
			d[n] = '\0';
			*out = d;
			return TA_OK;
		}
		if (ch == '\\') {
			if (++c->p == c->end)
				break;
			ch = (unsigned char)*c->p; /* quoted-pair: HTAB, SP, VCHAR, obs-text */
		}
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			break;
		d[n++] = (char)ch;
	}
	free(d);
	return TA_E_PROTOCOL;
}

/* 1 when the text at c->p is a token68 that ends the challenge: followed
 * by nothing but white space before a comma or the end. */
static int token68_here(const struct cursor *c, size_t *len)
{
	const char *q = c->p;

	while (q < c->end && is_t68char((unsigned char)*q))
		q++;
	if (q == c->p)
		return 0;
	while (q < c->end && *q == '=')
		q++;
	*len = (size_t)(q - c->p);
	while (q < c->end && (*q == ' ' || *q == '\t'))
		q++;
	return q == c->end || *q == ',';
}

/* 1 when, after the comma at c->p, what comes is one more auth-param
 * ("token BWS ="), not the next challenge. */
static int param_follows(const struct cursor *c)
{
	const char *q = c->p;
	size_t n;

	while (q < c->end && (*q == ' ' || *q == '\t' || *q == ','))
		q++;
	if (!(n = token_len(q, c->end)))
		return 0;
	q += n;
	while (q < c->end && (*q == ' ' || *q == '\t'))
		q++;
	return q < c->end && *q == '=';
}

static enum ta_result add_param(struct ta_challenge *ch, char *name, char *value)
{
	struct ta_auth_param *v;
	size_t i;

	for (i = 0; i < ch->nparams; i++)
		if (!strcmp(ch->params[i].name, name))
			goto bad; /* RFC 9110 11.2: each name once per challenge */
	if (ch->nparams == MAX_PARAMS)
		goto bad;
	if (!(v = realloc(ch->params, (ch->nparams + 1) * sizeof(*v)))) {
		free(name);
		free(value);
		return TA_E_NOMEM;
	}
	ch->params = v;
	v[ch->nparams].name = name;
	v[ch->nparams].value = value;
	ch->nparams++;
	return TA_OK;
bad:
	free(name);
	free(value);
	return TA_E_PROTOCOL;
}

/* One auth-param at c->p. */
static enum ta_result auth_param(struct cursor *c, struct ta_challenge *ch)
{
	size_t n = token_len(c->p, c->end);
	char *name, *value = NULL;
	enum ta_result r;

	if (!n)
		return TA_E_PROTOCOL;
	if (!(name = lower_dup(c->p, n)))
		return TA_E_NOMEM;
	c->p += n;
	skip_ws(c);
	if (c->p == c->end || *c->p != '=') {
		free(name);
		return TA_E_PROTOCOL;
	}
	c->p++;
	skip_ws(c);
	if (c->p < c->end && *c->p == '"') {
		r = quoted_string(c, &value);
	} else if ((n = token_len(c->p, c->end)) > 0) {
		r = (value = dup_n(c->p, n)) ? TA_OK : TA_E_NOMEM;
		c->p += n;
	} else {
		r = TA_E_PROTOCOL;
	}
	if (r != TA_OK) {
		free(name);
		return r;
	}
	return add_param(ch, name, value);
}

/* The parameters (or token68) of challenge ch, c->p after its scheme;
 * stops before the comma that starts the next challenge, or at the end. */
static enum ta_result challenge_body(struct cursor *c, struct ta_challenge *ch)
{
	enum ta_result r;
	size_t n;

	if (c->p == c->end || *c->p == ',')
		return TA_OK;
	if (*c->p != ' ' && *c->p != '\t')
		return TA_E_PROTOCOL; /* "Bearer=x", "Bearer\"x\"" */
	skip_ws(c);
	if (c->p == c->end || *c->p == ',')
		return TA_OK;
	if (token68_here(c, &n)) {
		if (!(ch->token68 = dup_n(c->p, n)))
			return TA_E_NOMEM;
		c->p += n;
		skip_ws(c);
		return TA_OK;
	}
	for (;;) {
		if ((r = auth_param(c, ch)) != TA_OK)
			return r;
		skip_ws(c);
		if (c->p == c->end)
			return TA_OK;
		if (*c->p != ',')
			return TA_E_PROTOCOL;
		if (!param_follows(c))
			return TA_OK; /* at the comma before the next challenge */
		while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == ','))
			c->p++;
	}
}

static enum ta_result challenge(struct cursor *c, struct ta_challenges *out)
{
	size_t n = token_len(c->p, c->end);
	struct ta_challenge *v;

	if (!n || out->n == MAX_CHALLENGES)
		return TA_E_PROTOCOL;
	if (!(v = realloc(out->v, (out->n + 1) * sizeof(*v))))
		return TA_E_NOMEM;
	out->v = v;
	memset(&v[out->n], 0, sizeof(*v));
	if (!(v[out->n].scheme = lower_dup(c->p, n)))
		return TA_E_NOMEM;
	out->n++;
	c->p += n;
	return challenge_body(c, &v[out->n - 1]);
}

enum ta_result ta_challenges_parse(const char *value, size_t len, struct ta_challenges *out)
{
	struct cursor c = { value, value + len };
	enum ta_result r = TA_OK;

	memset(out, 0, sizeof(*out));
	for (;;) {
		while (c.p < c.end && (*c.p == ' ' || *c.p == '\t' || *c.p == ','))
			c.p++;
		if (c.p == c.end)
			break;
		if ((r = challenge(&c, out)) != TA_OK)
			break;
		if (c.p < c.end && *c.p != ',') {
			r = TA_E_PROTOCOL;
			break;
		}
	}
	if (r != TA_OK)
		ta_challenges_clear(out);
	return r;
}

void ta_challenges_clear(struct ta_challenges *ch)
{
	size_t i, j;

	for (i = 0; i < ch->n; i++) {
		free(ch->v[i].scheme);
		free(ch->v[i].token68);
		for (j = 0; j < ch->v[i].nparams; j++) {
			free(ch->v[i].params[j].name);
			free(ch->v[i].params[j].value);
		}
		free(ch->v[i].params);
	}
	free(ch->v);
	memset(ch, 0, sizeof(*ch));
}

const char *ta_challenge_param(const struct ta_challenge *ch, const char *name)
{
	size_t i;

	for (i = 0; i < ch->nparams; i++)
		if (!strcmp(ch->params[i].name, name))
			return ch->params[i].value;
	return NULL;
}

const struct ta_challenge *ta_challenges_find(const struct ta_challenges *ch, const char *scheme)
{
	size_t i;

	for (i = 0; i < ch->n; i++)
		if (!strcmp(ch->v[i].scheme, scheme))
			return &ch->v[i];
	return NULL;
}
