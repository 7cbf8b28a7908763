/*
 * test_secret.c - unit tests of lib/base/secret.c's secret memory: what the
 * pool gives (ta_secret_alloc and ta_set_secret, but under ASan, where they
 * take the heap for LeakSanitizer) lies in a mapping the kernel marks
 * "dd" (MADV_DONTDUMP) in /proc/self/smaps, and the heap's strings do not;
 * a freed block is wiped and reused; more secrets than a pool holds get
 * another pool; one too large for a pool goes to the heap; ta_free_secret
 * frees both kinds. And the helpers on secrets (ta_secret_equal and the
 * rest).
 */
#include "unit.h"
#include "base/secret.h"

/* 1 when the mapping holding p is marked "dd" (excluded from core dumps),
 * 0 when it is not, -1 when no mapping holds p. */
static int dontdump(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	unsigned long long lo, hi, at = (uintptr_t)p;
	char line[512], *end;
	int in = 0, found = -1;

	assert_non_null(f);
	while (found < 0 && fgets(line, sizeof(line), f)) {
		lo = strtoull(line, &end, 16);
		if (*end == '-' && end > line) {
			hi = strtoull(end + 1, &end, 16);
			in = *end == ' ' && at >= lo && at < hi;
		} else if (in && !strncmp(line, "VmFlags:", 8)) {
			found = strstr(line, " dd") != NULL;
		}
	}
	fclose(f);
	return found;
}

#if defined(__SANITIZE_ADDRESS__)
#define POOLED 0 /* ta_secret_alloc takes the heap, for LeakSanitizer */
#else
#define POOLED 1
#endif

static void secrets_are_kept_out_of_core_dumps(void **state)
{
	char *s = NULL, *h = strdup("not a secret"), *p = ta_secret_pool_alloc(19);

	(void)state;
	assert_non_null(p);
	memcpy(p, "refresh-token-value", 20);
	assert_int_equal(dontdump(p), 1);
	assert_int_equal(dontdump(h), 0);
	assert_int_equal(ta_set_secret(&s, "refresh-token-value"), TA_OK);
	assert_string_equal(s, "refresh-token-value");
	assert_int_equal(dontdump(s), POOLED);
	ta_free_secret(p);
	ta_free_secret(s);
	ta_free_secret(h); /* a heap string: ta_free_secret frees it too */
	s = NULL;
	assert_int_equal(ta_set_secret(&s, NULL), TA_OK);
	assert_null(s);
}

static void a_freed_block_is_wiped_and_reused(void **state)
{
	char *a = ta_secret_pool_alloc(100), *b;
	size_t i;

	(void)state;
	assert_non_null(a);
	memset(a, 'x', 100);
	a[100] = '\0';
	ta_free_secret(a);
	b = ta_secret_pool_alloc(100); /* first fit: the same slots again */
	assert_ptr_equal(a, b);
	for (i = 0; i <= 100; i++)
		UNIT_ASSERT_MSG(b[i] == 0, "byte %zu of a freed secret survived: %d", i, b[i]);
	b[0] = '\0';
	ta_free_secret(b);
}

/* Secrets of every size up to a few KiB, 200 of them (more than one 64 KiB
 * pool), each intact until freed, all in dd mappings. */
static void many_secrets_fill_more_than_one_pool(void **state)
{
	char *s[200];
	size_t i, n;

	(void)state;
	for (i = 0; i < NELEMS(s); i++) {
		n = (i * 37) % 2000;
		assert_non_null(s[i] = ta_secret_pool_alloc(n));
		memset(s[i], 'a' + (int)(i % 26), n);
		s[i][n] = '\0';
	}
	for (i = 0; i < NELEMS(s); i++) {
		n = (i * 37) % 2000;
		ROW_CHECK(strlen(s[i]) == n && (n == 0 || s[i][n - 1] == 'a' + (int)(i % 26)), i,
		          "secret %zu was overwritten", i);
		ROW_CHECK(dontdump(s[i]) == 1, i, "secret %zu is not in a dd mapping", i);
	}
	for (i = 0; i < NELEMS(s); i += 2)
		ta_free_secret(s[i]);
	for (i = 1; i < NELEMS(s); i += 2)
		ta_free_secret(s[i]);
}

static void a_secret_larger_than_a_pool_goes_to_the_heap(void **state)
{
	size_t n = 100 * 1024;
	char *big = ta_secret_pool_alloc(n);

	(void)state;
	assert_non_null(big);
	memset(big, 'b', n);
	big[n] = '\0';
	assert_int_equal(dontdump(big), 0);
	ta_free_secret(big);
}

static void secret_helpers(void **state)
{
	char *s = NULL;

	(void)state;
	assert_true(ta_secret_equal("abc", "abc"));
	assert_true(ta_secret_equal("", ""));
	assert_false(ta_secret_equal("abc", "abd"));
	assert_false(ta_secret_equal("abc", "ab"));
	assert_false(ta_secret_equal("", "a"));
	assert_int_equal(ta_set_string(&s, "one"), TA_OK);
	assert_string_equal(s, "one");
	assert_int_equal(ta_set_string(&s, "two"), TA_OK);
	assert_string_equal(s, "two");
	assert_int_equal(ta_set_string(&s, NULL), TA_OK);
	assert_null(s);
	ta_free_secret(NULL);
	ta_wipe(NULL, 10);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(secrets_are_kept_out_of_core_dumps),
	cmocka_unit_test(a_freed_block_is_wiped_and_reused),
	cmocka_unit_test(many_secrets_fill_more_than_one_pool),
	cmocka_unit_test(a_secret_larger_than_a_pool_goes_to_the_heap),
	cmocka_unit_test(secret_helpers),
};

UNIT_MAIN("secret", tests)
