/*
 * insecure_registry.c - how long one insecure_registry() check takes (what
 * docker-credential-termauth get would pay on every call): the median and
 * the fastest of 50 batches of 400 checks, on this machine's own files
 * (docker's, podman's, skopeo's), or with the /etc ones under ROOT.
 *
 * Also measured, in the same process and right after, as a yardstick that
 * shares the machine's load of the moment: an open() of a missing file,
 * the cheapest of the system calls a check makes (a stock Debian
 * podman install makes it about 18: three files read, one directory
 * listed, five paths that are not there).
 *
 * Usage: bench_insecure_registry [ROOT [HOST]]   (HOST default
 *        registry.example.com)
 * Output: one line:
 *   check <median us> <min us> missing-open <median us> <min us> insecure <0|1> [file]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "insecure_registry.h"

#define BATCHES 50
#define PER_BATCH 400

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void check_batch(const char *root, const char *host)
{
	char where[512];
	int i;

	for (i = 0; i < PER_BATCH; i++)
		insecure_registry_under(root, host, where, sizeof(where));
}

static void open_batch(void)
{
	int i, fd;

	for (i = 0; i < PER_BATCH; i++)
		if ((fd = open("/nonexistent/termauth-bench", O_RDONLY | O_CLOEXEC)) >= 0)
			close(fd);
}

/* Per-call times of BATCHES batches, sorted. */
static void measure(double *t, const char *root, const char *host, int checks)
{
	double t0;
	int b;

	for (b = 0; b < BATCHES; b++) {
		t0 = now_us();
		if (checks)
			check_batch(root, host);
		else
			open_batch();
		t[b] = (now_us() - t0) / PER_BATCH;
	}
	qsort(t, BATCHES, sizeof(t[0]), by_value);
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : NULL;
	const char *host = argc > 2 ? argv[2] : "registry.example.com";
	double check[BATCHES], missing[BATCHES];
	char where[512];
	int hit;

	check_batch(root, host); /* the page cache and dentries, warm */
	measure(check, root, host, 1);
	measure(missing, root, host, 0);
	hit = insecure_registry_under(root, host, where, sizeof(where));
	printf("check %.1f %.1f missing-open %.2f %.2f insecure %d %s\n", check[BATCHES / 2],
	       check[0], missing[BATCHES / 2], missing[0], hit, where);
	return 0;
}
