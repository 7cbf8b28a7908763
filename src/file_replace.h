/*
 * file_replace.h - reading and rewriting another program's configuration
 * file (docker's config.json, containers' auth.json, the AWS CLI's config)
 * the way its owner would not notice: whole or not at all, with its mode
 * kept, through a symbolic link to wherever the file really is.
 */
#ifndef TA_FILE_REPLACE_H
#define TA_FILE_REPLACE_H

#include <stddef.h>
#include <sys/types.h>

/* Reads path whole (NUL-terminated; free() *out) when it is a regular file
 * of at most max bytes. 0 when read, 1 when there is no such file (*out
 * NULL), -1 with errno otherwise (EFBIG for one larger than max). */
int file_read_all(const char *path, size_t max, char **out, size_t *len);
/* Replaces path's content with data and then tail (a string, e.g. the
 * line break a JSON dump lacks; may be NULL): written to a new file in the same
 * directory, flushed to disk, then renamed over it, so that a reader sees
 * the old file or the new one, never a part. The new file gets the old
 * one's mode (new_mode when there was none); a symbolic link at path is
 * kept, and the file it points to replaced. A missing parent directory is
 * made, 0700. 0, or -1 with errno. */
int file_replace(const char *path, const char *data, size_t len, const char *tail,
                 mode_t new_mode);

#endif
