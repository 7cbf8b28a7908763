/*
 * fileio.h - files and directories the way a holder of secrets needs them:
 * private reads, atomic replacement, locks, 0700 directories.
 */
#ifndef TA_BASE_FILEIO_H
#define TA_BASE_FILEIO_H

#include "base/handle.h"

/* Reads a whole regular file of at most max bytes (NUL-terminated, the
 * length in *len). A missing file gives TA_E_STORE with errno ENOENT.
 * With private_file, a symbolic link, a file others may read or that
 * another user owns is refused, as OpenSSH refuses such a private key. */
TA_HIDDEN enum ta_result ta_file_read(struct ta_client *c, const char *path,
                                      size_t max, int private_file, char **out,
                                      size_t *len);
/* Writes data to path atomically: a 0600 temporary file created
 * O_EXCL|O_NOFOLLOW next to it, fsync, rename, fsync of the directory. */
TA_HIDDEN enum ta_result ta_file_replace(struct ta_client *c, const char *path,
                                         const char *data, size_t len);
/* Takes an exclusive flock on path (created 0600, never through a link),
 * waiting for another holder up to wait_ms; closing *fd_out releases it.
 * Failures are fail_as (TA_E_STORE, TA_E_CONFIG), the message naming path. */
TA_HIDDEN enum ta_result ta_file_lock(struct ta_client *c, const char *path, int wait_ms,
                                      enum ta_result fail_as, int *fd_out);
/* Creates dir and its parents as needed, the last one with mode 0700. */
TA_HIDDEN enum ta_result ta_dir_make(struct ta_client *c, const char *dir);
/* "dir/name" followed by suffix, in a new string; free() it. */
TA_HIDDEN enum ta_result ta_path_join(const char *dir, const char *name,
                                      const char *suffix, char **out);
/* $VAR if set and absolute, else $HOME/fallback. free() the result. */
TA_HIDDEN enum ta_result ta_xdg_dir(const char *var, const char *fallback,
                                    char **out);
/* A valid profile name: 1-64 of [A-Za-z0-9._-], not starting with '.'
 * (so it is safe as a file name). */
TA_HIDDEN int ta_profile_name_ok(const char *name);

#endif
