/*
 * helper_host.h - the server a credential helper is asked about (git's,
 * docker's): whether it is this machine, and which profile answers for it.
 * In both executables, so that the small one can answer from the cache.
 */
#ifndef TA_HELPER_HOST_H
#define TA_HELPER_HOST_H

#include <stddef.h>
#include <termauth.h>

/* What the program running the helper wrote on stdin, up to max bytes
 * and one more, so that the caller can tell a request larger than max
 * (*len > max); NUL-terminated. NULL when memory or the read failed. The
 * request may hold a secret: wipe *len bytes before free(). */
char *helper_read_request(size_t max, size_t *len);
/* 1 when host (host[:port], IPv6 in brackets) is a loopback address with
 * at most a port of 1-5 digits after it. */
int helper_host_is_loopback(const char *host);
/* The profile that answers for host: given (-p), else the first whose
 * list under hosts_key (git_hosts, registry_hosts) holds it; either way
 * the list must hold it, so that a token goes only to hosts its profile
 * names. 1 with *profile and *username (the profile's user_key, default
 * "oauth2"; free() both) when one does, 0 when none does, -1 when the
 * configuration cannot be read (c's message says why; c may be NULL). */
int helper_host_profile(struct ta_client *c, const char *hosts_key, const char *user_key,
                        const char *host, const char *given, char **profile, char **username);

#endif
