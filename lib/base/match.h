/*
 * match.h - string tests that both the library and the tool need and that
 * are not API: compiled into each (match.c depends on nothing).
 */
#ifndef TA_BASE_MATCH_H
#define TA_BASE_MATCH_H

#include <stddef.h>

/* 1 when host (len bytes, as in an URL: IPv6 in brackets, no port) is a
 * loopback address: 127.0.0.0/8 as a strict dotted quad, [::1], or
 * localhost (which libcurl resolves to loopback itself, never through
 * DNS) - the only hosts termauth talks to, or gives a token to, over
 * plain http. */
__attribute__((visibility("hidden"))) int ta_host_is_loopback(const char *host, size_t len);
/* 1 when host may reach this machine by its address alone: the above,
 * and what ta_host_is_loopback leaves to the resolver or to https - IPv4
 * in any form the resolver takes (127.1, 0x7f.1, 2130706433), 0.0.0.0/8,
 * IPv6 loopback, unspecified or mapped from one of those, and localhost
 * with a final dot, or under it (*.localhost, RFC 6761); and any host
 * with a '%' (an escape, an IPv6 zone), which curl may take apart
 * differently. For refusing a loopback address someone else named, where
 * missing one is the failure. */
__attribute__((visibility("hidden"))) int ta_host_may_be_loopback(const char *host, size_t len);
/* word, in a command the person is told to paste, when a shell takes it
 * as it is (a URL may hold $, ;, quotes or parentheses, and may come from
 * someone else's metadata); else instead. */
__attribute__((visibility("hidden"))) const char *ta_shell_word(const char *word,
                                                                const char *instead);
/* 1 when the n bytes at s are such a word. */
__attribute__((visibility("hidden"))) int ta_shell_safe(const char *s, size_t n);
/* 1 when the space-separated list holds word, in any case: the lists are
 * of host names (git_hosts, registry_hosts), which DNS compares so. */
__attribute__((visibility("hidden"))) int ta_list_holds(const char *list, const char *word);

#endif
