/*
 * wire.h - the forwarding protocol between a far side's termauth and a
 * broker (termauth ssh, termauth agent) on the machine where the person
 * signed in: one request and one answer per connection, each a 4-byte
 * big-endian length, then that many bytes of one JSON object.
 *
 * What crosses is minimal: a request names a profile (to exchange, also
 * what for); an answer holds an access token, its type, scope and expiry,
 * or a result code and a one-line message. Never a refresh token, an ID
 * token, a client secret or a CI credential: the answer's encoder has no
 * field for them.
 *
 *   {"v":1,"op":"token","profile":"work","min_ttl":60}
 *   {"v":1,"op":"exchange","profile":"work","min_ttl":60,"audience":"api"}
 *   {"v":1,"op":"hello"}
 *   {"v":1,"result":0,"access_token":"...","token_type":"Bearer",
 *    "expires_at":1700000000,"scope":"openid"}
 *   {"v":1,"result":25,"message":"profile 'x' is not forwarded ..."}
 *   {"v":1,"result":0,"from":"laptop","profiles":"work ci"}   (hello)
 *
 * Both sides parse strictly (sizes bounded, strings printable ASCII,
 * members of the right type) and ignore members they do not know, so that
 * a later version can add some.
 */
#ifndef TA_AGENT_WIRE_H
#define TA_AGENT_WIRE_H

#include <stddef.h>
#include "base/handle.h"

#define TA_WIRE_VERSION 1
#define TA_WIRE_REQUEST_MAX 4096   /* bytes of a request's JSON */
#define TA_WIRE_ANSWER_MAX 65536   /* bytes of an answer's JSON */
#define TA_WIRE_FIELD_MAX 1024     /* bytes of a request's string */
#define TA_WIRE_MESSAGE_MAX 400    /* bytes of an answer's message */

enum ta_wire_op { TA_WIRE_TOKEN = 1, TA_WIRE_EXCHANGE, TA_WIRE_HELLO };

struct ta_wire_request {
	enum ta_wire_op op;
	char profile[65];  /* a valid profile name (token, exchange) */
	long long min_ttl; /* seconds, 0 to 86400 */
	/* For an exchange (audience required); NULL when absent. */
	char *audience, *resource, *scope, *requested_token_type;
};

struct ta_wire_answer {
	enum ta_result result; /* TA_OK, or why not */
	char *message;         /* with a failure: one printable line */
	char *access_token;    /* with success of token and exchange: a secret */
	char *token_type, *scope;
	long long expires_at;  /* seconds since the epoch; 0 when unknown */
	char *from;            /* hello: the broker's host name */
	char *profiles;        /* hello: the profiles it forwards, space separated */
};

/* Encoders: a new NUL-terminated JSON text (without the length prefix),
 * or NULL when memory ran out. The answer's holds the access token: wipe
 * it (ta_free_secret). */
TA_HIDDEN char *ta_wire_request_encode(const struct ta_wire_request *rq);
TA_HIDDEN char *ta_wire_answer_encode(const struct ta_wire_answer *a);

/* Parsers of one JSON text: 0, or -1 with why (one line) filled. Whatever
 * they filled is released by the matching clear, also after -1. */
TA_HIDDEN int ta_wire_request_parse(const char *json, size_t len, struct ta_wire_request *rq,
                                    char *why, size_t whylen);
TA_HIDDEN int ta_wire_answer_parse(const char *json, size_t len, struct ta_wire_answer *a,
                                   char *why, size_t whylen);
TA_HIDDEN void ta_wire_request_clear(struct ta_wire_request *rq);
TA_HIDDEN void ta_wire_answer_clear(struct ta_wire_answer *a);

/* Framing on a blocking descriptor, until deadline_ms (ta_monotonic_ms):
 * writes the length and text; reads one message of at most max bytes into
 * a new NUL-terminated buffer (*out, *len; wipe it). 0, or -1 with errno
 * (EMSGSIZE for a message over max, ETIMEDOUT, EPIPE for a peer gone). */
TA_HIDDEN int ta_wire_send(int fd, const char *text, long long deadline_ms);
TA_HIDDEN int ta_wire_recv(int fd, size_t max, long long deadline_ms, char **out, size_t *len);

#endif
