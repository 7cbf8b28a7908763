/*
 * reference.c - the yardstick for `termauth token`: the least a C program
 * can do to hand out a cached token - read a small JSON file and print one
 * field. No JSON library, no checks: it finds "access_token" by search.
 * Usage: reference FILE
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[16384], *p, *end;
	ssize_t n;
	int fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	if (!(p = strstr(buf, "\"access_token\"")) || !(p = strchr(p + 14, '"')) ||
	    !(end = strchr(p + 1, '"')))
		return 1;
	*end = '\0';
	return puts(p + 1) < 0;
}
