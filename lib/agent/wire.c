/*
 * wire.c - see wire.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <jansson.h>
#include "agent/wire.h"
#include "base/clock.h"
#include "base/fileio.h"
#include "base/secret.h"

static const char *const op_names[] = { [TA_WIRE_TOKEN] = "token",
	                                [TA_WIRE_EXCHANGE] = "exchange",
	                                [TA_WIRE_HELLO] = "hello" };

/* ---- encoding ---- */

static int set_string(json_t *o, const char *key, const char *v)
{
	return !v || !json_object_set_new(o, key, json_string(v)) ? 0 : -1;
}

static char *dump(json_t *o, int failed)
{
	char *text = failed || !o ? NULL : json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return text;
}

char *ta_wire_request_encode(const struct ta_wire_request *rq)
{
	json_t *o = json_object();
	int failed = !o || rq->op < TA_WIRE_TOKEN || rq->op > TA_WIRE_HELLO;

	if (!failed)
		failed = json_object_set_new(o, "v", json_integer(TA_WIRE_VERSION)) ||
		         json_object_set_new(o, "op", json_string(op_names[rq->op]));
	if (!failed && rq->op != TA_WIRE_HELLO)
		failed = json_object_set_new(o, "profile", json_string(rq->profile)) ||
		         json_object_set_new(o, "min_ttl", json_integer(rq->min_ttl));
	if (!failed && rq->op == TA_WIRE_EXCHANGE)
		failed = set_string(o, "audience", rq->audience) ||
		         set_string(o, "resource", rq->resource) || set_string(o, "scope", rq->scope) ||
		         set_string(o, "requested_token_type", rq->requested_token_type);
	return dump(o, failed);
}

char *ta_wire_answer_encode(const struct ta_wire_answer *a)
{
	json_t *o = json_object();
	int failed = !o;

	if (!failed)
		failed = json_object_set_new(o, "v", json_integer(TA_WIRE_VERSION)) ||
		         json_object_set_new(o, "result", json_integer(a->result));
	if (!failed && a->result != TA_OK)
		failed = set_string(o, "message", a->message);
	if (!failed && a->result == TA_OK)
		failed = set_string(o, "access_token", a->access_token) ||
		         set_string(o, "token_type", a->token_type) || set_string(o, "scope", a->scope) ||
		         (a->expires_at &&
		          json_object_set_new(o, "expires_at", json_integer(a->expires_at))) ||
		         set_string(o, "from", a->from) || set_string(o, "profiles", a->profiles);
	return dump(o, failed);
}

/* ---- parsing ---- */

static int fail(char *why, size_t whylen, const char *text)
{
	if (whylen)
		snprintf(why, whylen, "%s", text);
	return -1;
}

/* 1 when s is 1 to max bytes of printable ASCII: all that crosses is
 * (tokens, scopes and URIs are, by RFC 6749 and 3986), and a message shown
 * on the far side's terminal must not hold C1 controls either. */
static int printable(const char *s, size_t max)
{
	size_t n = 0;

	for (; s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e)
			return 0;
	return n > 0 && n <= max;
}

/* o's string member key: absent (0, *out NULL), or a copy of a printable
 * string of at most max bytes (0), else -1. */
static int take_string(json_t *o, const char *key, size_t max, char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v) || !printable(json_string_value(v), max))
		return -1;
	*out = strdup(json_string_value(v));
	return *out ? 0 : -1;
}

static json_t *load(const char *json, size_t len)
{
	json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);

	if (o && !json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The version member: absent or other than ours is refused. */
static int version_ok(json_t *o)
{
	json_t *v = json_object_get(o, "v");

	return json_is_integer(v) && json_integer_value(v) == TA_WIRE_VERSION;
}

int ta_wire_request_parse(const char *json, size_t len, struct ta_wire_request *rq,
                          char *why, size_t whylen)
{
	json_t *o, *v;
	const char *op, *profile;
	int r = -1;
	size_t i;

	memset(rq, 0, sizeof(*rq));
	if (len > TA_WIRE_REQUEST_MAX)
		return fail(why, whylen, "the request is too large");
	if (!(o = load(json, len)))
		return fail(why, whylen, "the request is not a JSON object");
	if (!version_ok(o)) {
		fail(why, whylen, "the request is of another protocol version: update termauth on both sides");
		goto out;
	}
	op = json_string_value(json_object_get(o, "op"));
	for (i = TA_WIRE_TOKEN; op && i <= TA_WIRE_HELLO; i++)
		if (!strcmp(op, op_names[i]))
			rq->op = (enum ta_wire_op)i;
	if (!rq->op) {
		fail(why, whylen, "the request asks for no known operation");
		goto out;
	}
	if (rq->op == TA_WIRE_HELLO) {
		r = 0;
		goto out;
	}
	profile = json_string_value(json_object_get(o, "profile"));
	if (!profile || !ta_profile_name_ok(profile)) {
		fail(why, whylen, "the request names no valid profile");
		goto out;
	}
	memcpy(rq->profile, profile, strlen(profile) + 1);
	v = json_object_get(o, "min_ttl");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0 ||
	          json_integer_value(v) > 86400)) {
		fail(why, whylen, "the request's min_ttl is not 0 to 86400 seconds");
		goto out;
	}
	rq->min_ttl = v ? (long long)json_integer_value(v) : 0;
	if (rq->op == TA_WIRE_EXCHANGE &&
	    (take_string(o, "audience", TA_WIRE_FIELD_MAX, &rq->audience) ||
	     take_string(o, "resource", TA_WIRE_FIELD_MAX, &rq->resource) ||
	     take_string(o, "scope", TA_WIRE_FIELD_MAX, &rq->scope) ||
	     take_string(o, "requested_token_type", TA_WIRE_FIELD_MAX,
	                 &rq->requested_token_type) ||
	     !rq->audience)) {
		fail(why, whylen, "the exchange request needs an audience, and short printable strings");
		goto out;
	}
	r = 0;
out:
	json_decref(o);
	return r;
}

int ta_wire_answer_parse(const char *json, size_t len, struct ta_wire_answer *a, char *why,
                         size_t whylen)
{
	json_t *o, *v;
	int r = -1;

	memset(a, 0, sizeof(*a));
	if (len > TA_WIRE_ANSWER_MAX)
		return fail(why, whylen, "the broker's answer is too large");
	if (!(o = load(json, len)))
		return fail(why, whylen, "the broker's answer is not a JSON object");
	v = json_object_get(o, "result");
	if (!version_ok(o) || !json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 255) {
		fail(why, whylen, "the broker's answer is of another protocol version: update termauth on both sides");
		goto out;
	}
	a->result = (enum ta_result)json_integer_value(v);
	if (take_string(o, "message", TA_WIRE_MESSAGE_MAX, &a->message) ||
	    take_string(o, "access_token", TA_WIRE_ANSWER_MAX, &a->access_token) ||
	    take_string(o, "token_type", 64, &a->token_type) ||
	    take_string(o, "scope", TA_WIRE_FIELD_MAX, &a->scope) ||
	    take_string(o, "from", 255, &a->from) ||
	    take_string(o, "profiles", TA_WIRE_ANSWER_MAX, &a->profiles)) {
		fail(why, whylen, "the broker's answer holds a member of the wrong type or size");
		goto out;
	}
	v = json_object_get(o, "expires_at");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0)) {
		fail(why, whylen, "the broker's answer has a bad expires_at");
		goto out;
	}
	a->expires_at = v ? (long long)json_integer_value(v) : 0;
	if (a->result == TA_OK ? !a->access_token && !a->from : !a->message) {
		fail(why, whylen, a->result == TA_OK ? "the broker's answer holds no token"
		                                     : "the broker's answer gives no reason");
		goto out;
	}
	r = 0;
out:
	json_decref(o);
	return r;
}

void ta_wire_request_clear(struct ta_wire_request *rq)
{
	free(rq->audience);
	free(rq->resource);
	free(rq->scope);
	free(rq->requested_token_type);
	memset(rq, 0, sizeof(*rq));
}

void ta_wire_answer_clear(struct ta_wire_answer *a)
{
	free(a->message);
	ta_free_secret(a->access_token);
	free(a->token_type);
	free(a->scope);
	free(a->from);
	free(a->profiles);
	memset(a, 0, sizeof(*a));
}

/* ---- framing ---- */

/* Waits until fd is ready for events or the deadline passes. */
static int wait_fd(int fd, short events, long long deadline_ms)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		long long left = deadline_ms - ta_monotonic_ms();
		int n;

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

static int write_all(int fd, const char *p, size_t n, long long deadline_ms)
{
	while (n) {
		ssize_t w;

		if (wait_fd(fd, POLLOUT, deadline_ms))
			return -1;
		w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, char *p, size_t n, long long deadline_ms)
{
	while (n) {
		ssize_t r;

		if (wait_fd(fd, POLLIN, deadline_ms))
			return -1;
		r = recv(fd, p, n, MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r == 0)
			errno = EPIPE;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int ta_wire_send(int fd, const char *text, long long deadline_ms)
{
	size_t n = strlen(text);
	unsigned char head[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16),
		                  (unsigned char)(n >> 8), (unsigned char)n };

	if (n > UINT32_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	return write_all(fd, (const char *)head, 4, deadline_ms) ||
	               write_all(fd, text, n, deadline_ms)
	           ? -1
	           : 0;
}

int ta_wire_recv(int fd, size_t max, long long deadline_ms, char **out, size_t *len)
{
	unsigned char head[4];
	size_t n;
	char *buf;

	*out = NULL;
	*len = 0;
	if (read_all(fd, (char *)head, 4, deadline_ms))
		return -1;
	n = (size_t)head[0] << 24 | (size_t)head[1] << 16 | (size_t)head[2] << 8 | head[3];
	if (n > max) {
		errno = EMSGSIZE;
		return -1;
	}
	if (!(buf = malloc(n + 1))) {
		errno = ENOMEM;
		return -1;
	}
	if (read_all(fd, buf, n, deadline_ms)) {
		int e = errno;
		ta_wipe(buf, n);
		free(buf);
		errno = e;
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}
