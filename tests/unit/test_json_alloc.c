/*
 * test_json_alloc.c - unit tests of the allocator the library gives
 * jansson (lib/base/json_alloc.c): what jansson frees is wiped, and a
 * program that set an allocator of its own keeps it.
 */
#include <jansson.h>
#include "unit.h"
#include "oauth/token.h"
#include "profile/record.h"

#define NOW 1700000000LL

/* json_alloc.c makes jansson wipe what it frees. It must also be in effect
 * in a program linked with libtermauth.a (as this one is), where an object
 * file with nothing but a constructor would be left out by the linker. */
static void jansson_frees_are_wiped(void **state)
{
	static const char body[] = "{\"access_token\":\"AT\",\"token_type\":\"Bearer\"}";
	struct ta_session *s = NULL;
	json_malloc_t m = NULL;
	json_free_t f = NULL;

	(void)state;
	/* Whatever the hook is, the token parser has run by now. */
	assert_int_equal(ta_token_response_parse(NULL, 200, body, strlen(body), NOW, &s), TA_OK);
	ta_session_free(s);
	json_get_alloc_funcs(&m, &f);
	assert_non_null(f);
	assert_true(f != free);
}

/* A program that gave jansson its own allocator keeps it: freeing its
 * blocks with another free would corrupt its heap. */
static int own_frees;
static void own_free(void *p)
{
	own_frees++;
	free(p);
}

static void jansson_allocator_of_the_program_is_kept(void **state)
{
	static const char body[] = "{\"access_token\":\"AT\",\"token_type\":\"Bearer\"}";
	struct ta_session *s = NULL;
	json_malloc_t m = NULL, old_m;
	json_free_t f = NULL, old_f;

	(void)state;
	json_get_alloc_funcs(&old_m, &old_f);
	json_set_alloc_funcs(malloc, own_free);
	assert_int_equal(ta_session_new(&s), TA_OK);
	ta_session_free(s);
	s = NULL;
	assert_int_equal(ta_token_response_parse(NULL, 200, body, strlen(body), NOW, &s), TA_OK);
	ta_session_free(s);
	json_get_alloc_funcs(&m, &f);
	assert_ptr_equal(f, own_free);
	assert_true(own_frees > 0);
	json_set_alloc_funcs(old_m, old_f);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(jansson_frees_are_wiped),
	cmocka_unit_test(jansson_allocator_of_the_program_is_kept),
};

UNIT_MAIN("json_alloc", tests)
