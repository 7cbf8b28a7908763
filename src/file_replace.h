/*
 * file_replace.h - reading and rewriting another program's configuration
 * file (docker's config.json, containers' auth.json, the AWS CLI's config)
 * the way its owner would not notice, and another user could not abuse:
 * whole or not at all, through a symbolic link to wherever the file really
 * is, only in directories no one else can change, and only a file that is
 * the person's own and is still the one that was read.
 */
#ifndef TA_FILE_REPLACE_H
#define TA_FILE_REPLACE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct other_file {
	char path[PATH_MAX]; /* the file, every symbolic link resolved */
	int exists;          /* 0: there is no such file yet */
	dev_t dev;           /* which file was read (when it exists) */
	ino_t ino;
	mode_t mode;         /* its permission bits */
	char *text;          /* its content, NUL-terminated (a secret: wiped) */
	size_t len;
};

/* Resolves path (making its directory, 0700, when only that is missing)
 * and reads the file, of at most max bytes. Refused, said on stderr: a
 * directory on the way that someone else owns or could change (a sticky
 * one like /tmp may be above it, not be it), a file that is not regular or
 * not the person's, a link to nowhere, a larger file. 0, or -1. */
int other_file_read(const char *path, size_t max, struct other_file *f);
/* Replaces the file read with data and then tail (e.g. the line break a
 * JSON dump lacks; may be NULL): written to a new file in the same
 * directory, flushed to disk, renamed over it (and the directory flushed),
 * so that a reader sees the old file or the new one, never a part. Its
 * mode: the old one's (new_mode for a new file), less what cap lacks.
 * Refused, said, when the file changed since it was read. 0, or -1. */
int other_file_replace(struct other_file *f, const char *data, size_t len, const char *tail,
                       mode_t new_mode, mode_t cap);
/* Wipes and frees the content read. */
void other_file_release(struct other_file *f);

#endif
