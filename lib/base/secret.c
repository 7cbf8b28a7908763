/*
 * secret.c - strings that may hold secrets: wiped before release, compared
 * in constant time. Everything in a session goes through these, so that a
 * token never lingers in freed memory.
 *
 * Secrets made with ta_secret_alloc / ta_set_secret live in pages of their
 * own, marked MADV_DONTDUMP, so that a core dump of a program embedding
 * libtermauth (which, unlike the termauth tool, may not make itself
 * non-dumpable) does not hold them. madvise works on whole pages, and
 * glibc's heap shares its pages with everything else, hence a small pool:
 * 64 KiB mappings cut in 64-byte slots, first fit, never given back to the
 * system. What does not fit (a secret larger than a pool, or no memory for
 * a new one) goes to the heap, still wiped when freed. This covers the
 * copies a program keeps; the transient ones (a response being parsed) are
 * wiped after use, but a crash at that moment may still dump them.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#endif
#include "base/secret.h"

#define SLOT 64
#define SLOTS 1024 /* 64 KiB of secrets per pool */
#define META 4096  /* the pool's own page, before its slots */

struct pool {
	struct pool *next;
	uint64_t used[SLOTS / 64]; /* a bit per slot */
	uint16_t len[SLOTS];       /* slots of the block that starts here, else 0 */
};
_Static_assert(sizeof(struct pool) <= META, "the pool's bookkeeping fits its page");

static struct pool *pools;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* A child forked while another thread held the lock would wait forever. */
static void lock_pools(void) { pthread_mutex_lock(&lock); }
static void unlock_pools(void) { pthread_mutex_unlock(&lock); }
static void at_fork(void) { (void)pthread_atfork(lock_pools, unlock_pools, unlock_pools); }

static char *slot_at(struct pool *p, size_t i)
{
	return (char *)p + META + i * SLOT;
}

static int is_used(const struct pool *p, size_t i)
{
	return (p->used[i / 64] >> (i % 64)) & 1;
}

static void mark(struct pool *p, size_t i, size_t n, int used)
{
	for (; n; i++, n--)
		p->used[i / 64] = used ? p->used[i / 64] | (1ull << (i % 64))
		                       : p->used[i / 64] & ~(1ull << (i % 64));
}

static struct pool *new_pool(void)
{
	struct pool *p = mmap(NULL, META + SLOTS * SLOT, PROT_READ | PROT_WRITE,
	                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Best effort: an old kernel without it still has the pool. */
	(void)madvise(p, META + SLOTS * SLOT, MADV_DONTDUMP);
	ASAN_POISON_MEMORY_REGION(slot_at(p, 0), SLOTS * SLOT);
	p->next = pools;
	pools = p;
	return p;
}

/* The first run of need free slots in p, or SLOTS. */
static size_t find_run(const struct pool *p, size_t need)
{
	size_t i, run = 0;

	for (i = 0; i < SLOTS; i++) {
		run = is_used(p, i) ? 0 : run + 1;
		if (run == need)
			return i + 1 - need;
	}
	return SLOTS;
}

void *ta_secret_pool_alloc(size_t n)
{
	size_t need = n / SLOT + 1, i = SLOTS; /* +1: room for a NUL, never 0 */
	struct pool *p;
	char *block = NULL;

	if (need > SLOTS)
		return n < SIZE_MAX ? malloc(n + 1) : NULL;
	pthread_once(&once, at_fork);
	pthread_mutex_lock(&lock);
	for (p = pools; p && (i = find_run(p, need)) == SLOTS; p = p->next)
		;
	if (!p && (p = new_pool()))
		i = 0;
	if (p) {
		mark(p, i, need, 1);
		p->len[i] = (uint16_t)need;
		block = slot_at(p, i);
		ASAN_UNPOISON_MEMORY_REGION(block, n + 1);
	}
	pthread_mutex_unlock(&lock);
	return block ? block : malloc(n + 1);
}

/* Under AddressSanitizer, secrets come from the heap: LeakSanitizer then
 * reports a secret that is never freed, and so never wiped, anywhere in the
 * suite (it cannot see into the pool's mappings). The pool itself is
 * tested directly, in every build (tests/unit/test_secret.c). */
void *ta_secret_alloc(size_t n)
{
#if defined(__SANITIZE_ADDRESS__)
	return n < SIZE_MAX ? malloc(n + 1) : NULL;
#else
	return ta_secret_pool_alloc(n);
#endif
}

/* Wipes and frees s when it is a block of a pool; 0 when it is not. */
static int pool_free(char *s)
{
	uintptr_t at = (uintptr_t)s, start;
	struct pool *p;
	size_t i;
	int found = 0;

	/* Also here: a heap string may be freed before any pool exists, and a
	 * fork meanwhile must not leave the lock held in the child. */
	pthread_once(&once, at_fork);
	pthread_mutex_lock(&lock);
	for (p = pools; p; p = p->next) {
		start = (uintptr_t)slot_at(p, 0);
		if (at < start || at >= start + SLOTS * SLOT)
			continue;
		i = (at - start) / SLOT;
		if (at % SLOT || !p->len[i])
			abort(); /* inside a pool, not a block: a double or a wrong free */
		ASAN_UNPOISON_MEMORY_REGION(s, p->len[i] * SLOT);
		ta_wipe(s, p->len[i] * SLOT);
		ASAN_POISON_MEMORY_REGION(s, p->len[i] * SLOT);
		mark(p, i, p->len[i], 0);
		p->len[i] = 0;
		found = 1;
		break;
	}
	pthread_mutex_unlock(&lock);
	return found;
}

void ta_wipe(void *p, size_t n)
{
	if (p)
		explicit_bzero(p, n);
}

void ta_free_secret(char *s)
{
	if (!s)
		return;
	if (pool_free(s))
		return;
	ta_wipe(s, strlen(s));
	free(s);
}

/* A copy of src, in a pool when secret. */
static enum ta_result set(char **dst, const char *src, int secret)
{
	char *copy = NULL;
	size_t n;

	if (src) {
		n = strlen(src);
		if (!(copy = secret ? ta_secret_alloc(n) : malloc(n + 1)))
			return TA_E_NOMEM;
		memcpy(copy, src, n + 1);
	}
	ta_free_secret(*dst);
	*dst = copy;
	return TA_OK;
}

enum ta_result ta_set_string(char **dst, const char *src)
{
	return set(dst, src, 0);
}

enum ta_result ta_set_secret(char **dst, const char *src)
{
	return set(dst, src, 1);
}

int ta_secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char diff = 0;

	if (la != lb)
		return 0;
	for (i = 0; i < la; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	/* Read diff through a volatile so the loop is not cut short. */
	return *(volatile unsigned char *)&diff == 0;
}
