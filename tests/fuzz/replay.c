/*
 * replay.c - a main() for the fuzz targets in ordinary builds: feeds each
 * file named on the command line, or every regular file in a directory
 * named there, to LLVMFuzzerTestOneInput once. CTest runs it over the seed
 * corpora (and, in the ASan build, under the sanitizers), and it replays a
 * crash file from a fuzzing run without libFuzzer. Exits 0 when every input
 * ran (a target reports a failed invariant by aborting), 1 when an input
 * could not be read, 2 when none was given.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz.h"

#define REPLAY_MAX (16 * 1024 * 1024)

/* Runs one file; 0, or -1 when it cannot be read. */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	struct stat st;
	size_t n;

	if (!f || fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size > REPLAY_MAX) {
		fprintf(stderr, "replay: cannot use %s\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	/* A copy of exactly the file's size, so ASan sees any overread. */
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	if (n != (size_t)st.st_size) {
		fprintf(stderr, "replay: short read of %s\n", path);
		free(buf);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of dir, in name order; the count, or -1. */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	int ran = 0, bad = 0;

	if (!d) {
		fprintf(stderr, "replay: cannot open %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(dir) + strlen(de->d_name) + 2;
		char **grown;
		char *path;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		path = malloc(len);
		if (!path)
			break;
		snprintf(path, len, "%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode) ||
		    !(grown = realloc(names, (n + 1) * sizeof(*names)))) {
			free(path);
			continue;
		}
		names = grown;
		names[n++] = path;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		if (run_file(names[i]) == 0)
			ran++;
		else
			bad = 1;
		free(names[i]);
	}
	free(names);
	return bad ? -1 : ran;
}

int main(int argc, char **argv)
{
	int i, total = 0, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		struct stat st;
		int n;

		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode))
			n = run_dir(argv[i]);
		else
			n = run_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			failed = 1;
		else
			total += n;
	}
	printf("replay: %d input(s) ran\n", total);
	if (!failed && total == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		return 2;
	}
	return failed;
}
