/*
 * insecure_registry.h - whether the container tools' configuration on this
 * machine lets them speak to a registry in plain http (or over TLS they do
 * not verify): what docker-credential-termauth cannot see in its request,
 * which names host[:port] but never the scheme. Read-only, best-effort
 * lookups in the files docker, podman, skopeo and buildah read; nothing
 * here decides what to do about it. In both executables: libc and jansson
 * only.
 */
#ifndef TA_SRC_INSECURE_REGISTRY_H
#define TA_SRC_INSECURE_REGISTRY_H

#include <stddef.h>

#define INSECURE_FILE_MAX (256 * 1024) /* a file's first bytes read; more: not understood */

/* 1 when a configuration that docker, podman, skopeo or buildah read marks
 * host (host[:port], lower case, as dockercred.c gives it) insecure, with
 * the path of the file that says so in where (size bytes, cut if longer,
 * NUL-terminated when size > 0; "" otherwise); 0 when none does, or none
 * can be read. The files, in order:
 *   - registries.conf: $CONTAINERS_REGISTRIES_CONF when set; else
 *     $HOME/.config/containers/registries.conf when it exists, else
 *     /etc/containers/registries.conf;
 *   - every *.conf in /etc/containers/registries.conf.d/ (not when the
 *     user's registries.conf was chosen, as containers/image does), then
 *     in $HOME/.config/containers/registries.conf.d/;
 *   - and $XDG_CONFIG_HOME/containers/'s file and directory as well when
 *     XDG_CONFIG_HOME names another directory: containers/image does not
 *     read them, but reading more can only refuse more;
 *   - /etc/docker/daemon.json, rootless docker's
 *     $XDG_CONFIG_HOME/docker/daemon.json ($HOME/.config when unset) and
 *     Docker Desktop's $HOME/.docker/daemon.json.
 * A file that cannot be understood (not the subset of TOML registries.conf
 * uses, not JSON, over INSECURE_FILE_MAX) counts as marking host insecure
 * when host's name appears in it: a reader that guesses "secure" about a
 * file it did not understand would hand a token out in plaintext. */
int insecure_registry(const char *host, char *where, size_t size);

/* insecure_registry() with every /etc path under root ("" or NULL: /):
 * for tests, which cannot write /etc. The $HOME and $XDG_CONFIG_HOME paths
 * and $CONTAINERS_REGISTRIES_CONF are taken as they are. */
int insecure_registry_under(const char *root, const char *host, char *where, size_t size);

/* What one registries.conf (buf, len bytes, any content) says of host: 1
 * when a v2 [[registry]] whose location or prefix covers host, or one of
 * its [[registry.mirror]] whose location does, has insecure = true, or a
 * v1 [registries.insecure] registries list names an entry covering it; 0
 * otherwise. *understood (may be NULL) is 1 when the whole file was in the
 * subset of TOML this reads, 0 when not: then the result is also 1 when
 * host's name appears in the text (see insecure_registry). */
int insecure_registries_conf(const char *buf, size_t len, const char *host, int *understood);

/* The same for docker's daemon.json: 1 when "insecure-registries" has an
 * entry covering host (host[:port], with http:// or https:// before it or
 * not) or an IPv4 or IPv6 CIDR holding host's address when host is an IP
 * address; 0 otherwise. Not JSON: as above. */
int insecure_daemon_json(const char *buf, size_t len, const char *host, int *understood);

/* The file at path, read as registries.conf (daemon_json 0) or daemon.json
 * (1): 1 or 0 as above, 0 when it cannot be opened or is not a regular
 * file. */
int insecure_file(const char *path, int daemon_json, const char *host);

/* 1 when a registries.conf or daemon.json entry (a location, prefix, or
 * list item: host[:port][/namespace], *.domain, optionally after
 * http:// or https://) covers host. As containers/image's prefixes, a
 * name without a port also covers that name with any port. */
int insecure_entry_covers(const char *entry, size_t len, const char *host);

#endif
