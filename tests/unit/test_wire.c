/*
 * test_wire.c - the forwarding protocol (lib/agent/wire.c): requests and
 * answers survive the round trip, what is malformed is refused with a
 * reason, nothing but the access token can cross in an answer, and the
 * framing bounds sizes and time.
 */
#include "unit.h"
#include <errno.h>
#include <sys/socket.h>
#include "agent/wire.h"
#include "base/clock.h"

static void request_round_trip(void **state)
{
	struct ta_wire_request rq = { .op = TA_WIRE_EXCHANGE, .profile = "work", .min_ttl = 60,
		                      .audience = "api", .scope = "read write" };
	struct ta_wire_request back;
	char why[128], *text;

	(void)state;
	text = ta_wire_request_encode(&rq);
	assert_non_null(text);
	assert_int_equal(ta_wire_request_parse(text, strlen(text), &back, why, sizeof(why)), 0);
	assert_int_equal(back.op, TA_WIRE_EXCHANGE);
	assert_string_equal(back.profile, "work");
	assert_int_equal(back.min_ttl, 60);
	assert_string_equal(back.audience, "api");
	assert_string_equal(back.scope, "read write");
	assert_null(back.resource);
	assert_null(back.requested_token_type);
	ta_wire_request_clear(&back);
	free(text);

	rq = (struct ta_wire_request){ .op = TA_WIRE_HELLO };
	text = ta_wire_request_encode(&rq);
	assert_string_equal(text, "{\"v\":1,\"op\":\"hello\"}");
	free(text);
}

static void request_refused(void **state)
{
	static const struct {
		const char *json, *why;
	} rows[] = {
		{ "[]", "not a JSON object" },
		{ "{\"v\":1,\"op\":\"token\",\"profile\":\"a\",\"profile\":\"b\"}", "not a JSON object" },
		{ "{\"op\":\"token\",\"profile\":\"work\"}", "another protocol version" },
		{ "{\"v\":2,\"op\":\"token\",\"profile\":\"work\"}", "another protocol version" },
		{ "{\"v\":1,\"op\":\"refresh_token\",\"profile\":\"work\"}", "no known operation" },
		{ "{\"v\":1,\"op\":\"token\"}", "no valid profile" },
		{ "{\"v\":1,\"op\":\"token\",\"profile\":\"../x\"}", "no valid profile" },
		{ "{\"v\":1,\"op\":\"token\",\"profile\":\"w\",\"min_ttl\":-1}", "min_ttl" },
		{ "{\"v\":1,\"op\":\"token\",\"profile\":\"w\",\"min_ttl\":86401}", "min_ttl" },
		{ "{\"v\":1,\"op\":\"token\",\"profile\":\"w\",\"min_ttl\":\"60\"}", "min_ttl" },
		{ "{\"v\":1,\"op\":\"exchange\",\"profile\":\"w\"}", "needs an audience" },
		{ "{\"v\":1,\"op\":\"exchange\",\"profile\":\"w\",\"audience\":\"a\\nb\"}", "needs an audience" },
		{ "{\"v\":1,\"op\":\"exchange\",\"profile\":\"w\",\"audience\":7}", "needs an audience" },
	};
	struct ta_wire_request rq;
	char why[160];
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		why[0] = '\0';
		ROW_CHECK(ta_wire_request_parse(rows[i].json, strlen(rows[i].json), &rq, why,
		                                sizeof(why)) == -1, i, "accepted");
		ROW_CHECK(strstr(why, rows[i].why) != NULL, i, "why: %s", why);
		ta_wire_request_clear(&rq);
	}
	/* Unknown members are for later versions: ignored. */
	const char *later = "{\"v\":1,\"op\":\"token\",\"profile\":\"w\",\"dpop\":true}";
	assert_int_equal(ta_wire_request_parse(later, strlen(later), &rq, why, sizeof(why)), 0);
	ta_wire_request_clear(&rq);
}

static void answer_round_trip(void **state)
{
	struct ta_wire_answer a = { .result = TA_OK, .access_token = "at-1", .token_type = "Bearer",
		                    .scope = "openid", .expires_at = 1700000000 };
	struct ta_wire_answer back;
	char why[128], *text;

	(void)state;
	text = ta_wire_answer_encode(&a);
	assert_non_null(text);
	assert_int_equal(ta_wire_answer_parse(text, strlen(text), &back, why, sizeof(why)), 0);
	assert_int_equal(back.result, TA_OK);
	assert_string_equal(back.access_token, "at-1");
	assert_string_equal(back.token_type, "Bearer");
	assert_int_equal(back.expires_at, 1700000000);
	ta_wire_answer_clear(&back);
	free(text);

	/* A failure carries its message and nothing else. */
	a = (struct ta_wire_answer){ .result = TA_E_NO_SESSION, .message = "sign in on laptop",
		                     .access_token = "must-not-cross" };
	text = ta_wire_answer_encode(&a);
	assert_null(strstr(text, "must-not-cross"));
	assert_int_equal(ta_wire_answer_parse(text, strlen(text), &back, why, sizeof(why)), 0);
	assert_int_equal(back.result, TA_E_NO_SESSION);
	assert_string_equal(back.message, "sign in on laptop");
	assert_null(back.access_token);
	ta_wire_answer_clear(&back);
	free(text);
}

static void answer_refused(void **state)
{
	static const char *const rows[] = {
		"{\"result\":0,\"access_token\":\"x\"}",
		"{\"v\":1,\"access_token\":\"x\"}",
		"{\"v\":1,\"result\":-1,\"message\":\"m\"}",
		"{\"v\":1,\"result\":0}",
		"{\"v\":1,\"result\":17}",
		"{\"v\":1,\"result\":0,\"access_token\":\"x\\u001b[2J\"}",
		"{\"v\":1,\"result\":0,\"access_token\":\"x\",\"expires_at\":-5}",
		"{\"v\":1,\"result\":0,\"access_token\":\"x\",\"expires_at\":\"soon\"}",
		"{\"v\":1,\"result\":17,\"message\":\"a\\nb\"}",
		"{\"v\":1,\"result\":17,\"message\":\"a\\u009b2J\"}", /* C1: CSI */
		"{\"v\":1,\"result\":17,\"message\":\"caf\\u00e9\"}",
	};
	struct ta_wire_answer a;
	char why[160];
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		why[0] = '\0';
		ROW_CHECK(ta_wire_answer_parse(rows[i], strlen(rows[i]), &a, why, sizeof(why)) == -1,
		          i, "accepted");
		ROW_CHECK(why[0] != '\0', i, "no reason");
		ta_wire_answer_clear(&a);
	}
}

static void framing(void **state)
{
	int sv[2];
	char *got;
	size_t len;
	unsigned char big[4] = { 0, 0, 0x10, 0x01 }; /* 4097 bytes */

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(ta_wire_send(sv[0], "{\"v\":1}", ta_monotonic_ms() + 1000), 0);
	assert_int_equal(ta_wire_recv(sv[1], 4096, ta_monotonic_ms() + 1000, &got, &len), 0);
	assert_int_equal(len, 7);
	assert_string_equal(got, "{\"v\":1}");
	free(got);

	/* A length over the bound is refused before anything is read. */
	assert_int_equal(write(sv[0], big, 4), 4);
	assert_int_equal(ta_wire_recv(sv[1], 4096, ta_monotonic_ms() + 1000, &got, &len), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_null(got);

	/* A peer that sends half a message and stalls: the deadline ends it. */
	assert_int_equal(write(sv[0], "\0\0\0\x05{", 5), 5);
	assert_int_equal(ta_wire_recv(sv[1], 4096, ta_monotonic_ms() + 200, &got, &len), -1);
	assert_int_equal(errno, ETIMEDOUT);

	/* A peer gone in the middle. */
	assert_int_equal(write(sv[0], "\0\0\0\x05{", 5), 5);
	close(sv[0]);
	assert_int_equal(ta_wire_recv(sv[1], 4096, ta_monotonic_ms() + 1000, &got, &len), -1);
	assert_int_equal(errno, EPIPE);
	close(sv[1]);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(request_round_trip),
	cmocka_unit_test(request_refused),
	cmocka_unit_test(answer_round_trip),
	cmocka_unit_test(answer_refused),
	cmocka_unit_test(framing),
};

UNIT_MAIN("wire", tests)
