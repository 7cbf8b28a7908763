/*
 * self_path.h - where the `termauth` executable people run is, for the
 * setup commands that write it into another program's configuration.
 */
#ifndef TA_SELF_PATH_H
#define TA_SELF_PATH_H

#include <stddef.h>

/* The absolute path of `termauth`: next to this executable in a build
 * tree, else in the bin directory of this installation. 0, or -1. */
int termauth_path(char *out, size_t size);

#endif
