/*
 * dockercred.h - the docker credential helper protocol (docker-credential-
 * helpers): what docker, podman, skopeo and buildah write on a helper's
 * standard input for get and erase - a registry's server URL - and the
 * registry named in it. In both executables, so that the small one can
 * answer `docker-credential get`.
 */
#ifndef TA_SRC_DOCKERCRED_H
#define TA_SRC_DOCKERCRED_H

#include <stddef.h>
#include <termauth.h>

#define DOCKERCRED_MAX 4096 /* more is not a server URL */
/* What the protocol says for a registry the helper has nothing for: the
 * client then asks its other helpers, or goes on without credentials. */
#define DOCKERCRED_NOT_FOUND "credentials not found in native keychain"

struct dockercred {
	char *server_url; /* as the client wrote it, without the line break */
	char scheme[6];   /* "https", "http", or "" when it gave none */
	char host[256];   /* the registry: host[:port], in lower case */
};

/* Parses a server URL: "registry.example.com", "127.0.0.1:5000",
 * "https://registry.example.com/v2/", "https://index.docker.io/v1/" - a
 * host with an optional port, https:// or http:// before it, any path
 * after it, one line break at the end. TA_E_ARG for anything else (another
 * scheme, user information, a space, control or non-ASCII byte, no host);
 * TA_E_TOO_LARGE beyond DOCKERCRED_MAX. */
enum ta_result dockercred_parse(const char *buf, size_t len, struct dockercred *out);
void dockercred_clear(struct dockercred *d);
/* 1 when a token may be handed out for this registry: over https (which
 * the clients use when the URL names no scheme), or http to a loopback
 * address - never in plaintext across a network. */
int dockercred_secure(const struct dockercred *d);
/* 1 when the clients may speak to this registry, not on this machine, in
 * plain http (or over TLS they do not verify): their configuration marks
 * it insecure (insecure_registry.h), the file that does in where. The
 * request never says so: it names no scheme. */
int dockercred_insecure(const struct dockercred *d, char *where, size_t size);
/* The error for that, naming the file and the profile: said on stderr
 * (stdout for the clients, cli_errors_to). */
#define DOCKERCRED_INSECURE_FMT \
	"%s marks %s insecure, so the clients may send it the token in plain http: termauth gives none for profile '%s' (make it https there, or drop it from the profile's registry_hosts)"
/* The answer to get, {"ServerURL","Username","Secret"}, on one line of
 * stdout; the text is wiped. 0, or -1 when stdout or memory failed. */
int dockercred_print(const char *server_url, const char *username, const char *secret);

#endif
