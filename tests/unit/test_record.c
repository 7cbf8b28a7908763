/*
 * test_record.c - unit tests of a session's record (lib/profile/record.c):
 * what a session says about itself (its meta data) round trips through its
 * JSON, the short-lived rule, and the freshness check at its boundaries and
 * far past the expiry.
 */
#include <limits.h>
#include "unit.h"
#include "base/secret.h"
#include "profile/record.h"

#define NOW 1700000000LL

/* What a session records about itself comes back from its JSON; a cache
 * entry's form (ta_session_to_json_access) has no refresh or ID token;
 * a bad id or bookkeeping number is refused. */
static void session_meta_round_trip(void **state)
{
	static const char *const bad[] = {
		"{\"format\":1,\"session_id\":\"0123\"}",
		"{\"format\":1,\"session_id\":\"0123456789ABCDEF0123456789abcdef\"}",
		"{\"format\":1,\"session_id\":5}",
		"{\"format\":1,\"obtained_at\":-1}",
		"{\"format\":1,\"lifetime\":\"60\"}",
		"{\"format\":1,\"refreshes\":-2}",
	};
	struct ta_session *s = NULL, *back = NULL;
	char *json = NULL;
	size_t i;

	(void)state;
	assert_int_equal(ta_session_new(&s), TA_OK);
	assert_int_equal(ta_set_string(&s->access_token, "AT"), TA_OK);
	assert_int_equal(ta_set_string(&s->refresh_token, "RT"), TA_OK);
	assert_int_equal(ta_set_string(&s->id_token, "a.b.c"), TA_OK);
	assert_int_equal(ta_session_new_id(s), TA_OK);
	assert_int_equal(strlen(ta_session_meta(s)->id), TA_SESSION_ID_LEN);
	ta_session_meta(s)->obtained_at = NOW;
	ta_session_meta(s)->lifetime = 60;
	ta_session_meta(s)->refreshes = 7;
	s->expires_at = NOW + 60;
	assert_int_equal(ta_session_to_json(s, &json), TA_OK);
	assert_int_equal(ta_session_from_json(NULL, json, strlen(json), &back), TA_OK);
	assert_string_equal(ta_session_meta(back)->id, ta_session_meta(s)->id);
	assert_int_equal(ta_session_meta(back)->obtained_at, NOW);
	assert_int_equal(ta_session_meta(back)->lifetime, 60);
	assert_int_equal(ta_session_meta(back)->refreshes, 7);
	assert_string_equal(ta_session_refresh_token(back), "RT");
	ta_session_free(back);
	back = NULL;
	ta_free_secret(json);
	assert_int_equal(ta_session_to_json_access(s, &json), TA_OK);
	assert_null(strstr(json, "RT"));
	assert_null(strstr(json, "a.b.c"));
	assert_non_null(strstr(json, ta_session_meta(s)->id));
	ta_free_secret(json);
	/* Two sign-ins never share an id. */
	memcpy(json = malloc(TA_SESSION_ID_LEN + 1), ta_session_meta(s)->id, TA_SESSION_ID_LEN + 1);
	assert_int_equal(ta_session_new_id(s), TA_OK);
	assert_string_not_equal(json, ta_session_meta(s)->id);
	free(json);
	for (i = 0; i < NELEMS(bad); i++) {
		ROW_CHECK(ta_session_from_json(NULL, bad[i], strlen(bad[i]), &back) == TA_E_STORE, i,
		          "accepted %s", bad[i]);
		ta_session_free(back);
		back = NULL;
	}
	ta_session_free(s);
}

/* A token that lives no longer than the min-ttl asked is served while at
 * least half its life is left (one refresh per token, not one per call);
 * a token that could live up to min_ttl is not "short-lived". */
static void session_short_lived_rule(void **state)
{
	static const struct {
		long long lifetime, expires_in_left, min_ttl, obtained_at;
		int want;
	} rows[] = {
		{ 60, 60, 300, NOW, 1 },      /* just refreshed */
		{ 60, 30, 300, NOW - 30, 1 }, /* half left */
		{ 60, 29, 300, NOW - 31, 0 }, /* less than half: refresh */
		{ 60, 0, 300, NOW - 60, 0 },  /* expired */
		{ 60, 59, 60, NOW - 1, 1 },   /* lifetime == min_ttl: cannot do better */
		{ 61, 59, 60, NOW - 2, 0 },   /* could have had 60 s: refresh */
		{ 3600, 50, 60, NOW - 3550, 0 },
		{ 0, 3600, 7200, NOW, 1 },    /* no expires_in: the rule's hour */
		{ 0, 100, 7200, 0, 0 },       /* unknown age */
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_session *s = NULL;
		assert_int_equal(ta_session_new(&s), TA_OK);
		assert_int_equal(ta_set_string(&s->access_token, "a"), TA_OK);
		ta_session_meta(s)->lifetime = rows[i].lifetime;
		ta_session_meta(s)->obtained_at = rows[i].obtained_at;
		s->expires_at = rows[i].lifetime || !rows[i].obtained_at ? NOW + rows[i].expires_in_left : 0;
		ROW_CHECK(ta_session_short_lived(s, NOW, rows[i].min_ttl) == rows[i].want, i,
		          "gave %d", !rows[i].want);
		ta_session_free(s);
	}
}

static void session_check_fresh_boundaries(void **state)
{
	static const struct {
		const char *access_token;
		long long expires_at, now, min_ttl;
		enum ta_result want;
		long long obtained_at; /* 0 unless given */
	} rows[] = {
		{ "a", NOW + 60, NOW, 60, TA_OK, 0 },
		{ "a", NOW + 59, NOW, 60, TA_E_EXPIRED, 0 },
		{ "a", NOW + 61, NOW, 60, TA_OK, 0 },
		{ "a", NOW, NOW, 0, TA_E_EXPIRED, 0 }, /* at its expiry, expired (as JWT exp) */
		{ "a", NOW - 1, NOW, 0, TA_E_EXPIRED, 0 },
		{ "a", NOW + 1, NOW, 0, TA_OK, 0 },
		{ "a", NOW - 3600, NOW, 60, TA_E_EXPIRED, 0 },
		{ "a", NOW + 86400, NOW, 3600, TA_OK, 0 },
		/* No expires_in: valid for the hour after it was received. */
		{ "a", 0, NOW, 60, TA_OK, NOW },
		{ "a", 0, NOW, 3600, TA_OK, NOW },
		{ "a", 0, NOW, 3601, TA_E_EXPIRED, NOW },
		{ "a", 0, NOW, 60, TA_OK, NOW - 3540 },
		{ "a", 0, NOW, 60, TA_E_EXPIRED, NOW - 3541 },
		{ "a", 0, NOW, 0, TA_E_EXPIRED, NOW - 3600 },
		{ "a", NOW + 7200, NOW, 60, TA_OK, NOW - 7000 }, /* the IdP's word wins */
		/* Neither expiry nor age known (an older session): expired, not
		 * valid forever - the next use refreshes it. */
		{ "a", 0, NOW, 60, TA_E_EXPIRED, 0 },
		{ "a", 0, NOW, 0, TA_E_EXPIRED, 0 },
		{ NULL, NOW + 3600, NOW, 60, TA_E_EXPIRED, 0 }, /* no token, not fresh */
		{ NULL, 0, NOW, 0, TA_E_EXPIRED, 0 },
		/* far from now either way: no overflow, the right answer */
		{ "a", -1, NOW, 0, TA_E_EXPIRED, 0 },
		{ "a", LLONG_MIN, NOW, 60, TA_E_EXPIRED, 0 },
		{ "a", LLONG_MIN + 1, NOW, LLONG_MAX, TA_E_EXPIRED, 0 },
		{ "a", LLONG_MAX, NOW, 60, TA_OK, 0 },
		{ "a", LLONG_MAX, NOW, LLONG_MAX, TA_E_EXPIRED, 0 },
		{ "a", NOW + 10, NOW, -100, TA_OK, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_session *s = NULL;
		enum ta_result r;
		assert_int_equal(ta_session_new(&s), TA_OK);
		assert_int_equal(ta_set_string(&s->access_token, rows[i].access_token), TA_OK);
		s->expires_at = rows[i].expires_at;
		ta_session_meta(s)->obtained_at = rows[i].obtained_at;
		r = ta_session_check_fresh(s, rows[i].now, rows[i].min_ttl);
		ROW_CHECK(r == rows[i].want, i, "gave %d", (int)r);
		ta_session_free(s);
	}
}

/* ta_session_check_fresh once computed expires_at - now unguarded, and the
 * store accepted any integer as expires_at: a far-past expiry overflowed
 * (UB) and, wrapped, looked fresh. Either the store refuses such a value
 * or the check calls it expired. */
static void check_fresh_far_past_expiry(void **state)
{
	static const char json[] =
		"{\"format\":1,\"access_token\":\"a\",\"expires_at\":-9223372036854775808}";
	struct ta_session *s = NULL;
	enum ta_result r;

	(void)state;
	r = ta_session_from_json(NULL, json, strlen(json), &s);
	if (r == TA_OK) {
		assert_int_equal(ta_session_check_fresh(s, NOW, 60), TA_E_EXPIRED);
		ta_session_free(s);
	} else {
		assert_int_equal(r, TA_E_STORE);
		assert_null(s);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(session_check_fresh_boundaries),
	cmocka_unit_test(session_meta_round_trip),
	cmocka_unit_test(session_short_lived_rule),
	cmocka_unit_test(check_fresh_far_past_expiry),
};

UNIT_MAIN("record", tests)
