/*
 * termauth.h - libtermauth, sign a person in to an OAuth 2.0 / OpenID Connect
 * identity provider (IdP) from a terminal program, and keep the session.
 *
 * The lifecycle, in the order a program meets it:
 *
 *   1. Make a client handle and configure it:
 *
 *        struct ta_client *c;
 *        if (ta_client_new(&c) != TA_OK) ...;
 *        ta_client_set(c, TA_OPT_ISSUER, "https://login.example.com");
 *        ta_client_set(c, TA_OPT_CLIENT_ID, "my-cli");
 *        ta_client_set(c, TA_OPT_SCOPES, "openid profile offline_access");
 *
 *      The person-facing parts are callbacks (struct ta_callbacks): the
 *      library never prints, never exits and never reads the terminal. The
 *      paste fallback reads the file descriptor the program hands over with
 *      ta_client_set_paste_fd() (usually 0, standard input).
 *
 *   2. Sign in: ta_login() finds the IdP's endpoints (discovery, or the
 *      ones given), chooses the flow (TA_OPT_FLOW), and either
 *        - browser: opens the browser (PKCE S256, state, nonce), waits on a
 *          loopback listener on 127.0.0.1 and on the paste descriptor at
 *          the same time, and exchanges the code; or
 *        - device: shows the code through show_device_code, and polls the
 *          token endpoint while the person approves elsewhere.
 *      Then it checks the ID token's claims and hands back a struct
 *      ta_session.
 *
 *   3. Keep it: ta_store_save() writes the session of a profile to a 0600
 *      file in a 0700 directory, replaced atomically; ta_store_load() reads
 *      it back; ta_store_remove() forgets it.
 *
 *   4. Use it: ta_session_access_token() and ta_session_expires_at().
 *
 *   5. Release: ta_session_free(), ta_client_free(). Both wipe the secrets
 *      they hold before freeing them.
 *
 * Conventions:
 *   - Every call that can fail returns an enum ta_result. The numbers are
 *     stable and never reused. ta_result_str() names a result;
 *     ta_client_message() gives the detail of the last failure on that
 *     handle, including the IdP's error and error_description.
 *   - Inputs are copied: the caller keeps ownership of what it passes in.
 *   - Outputs come back through out-parameters, and each is released with
 *     its own _free function. Strings returned by accessors (const char *)
 *     belong to the object and live as long as it does.
 *   - No type of any dependency appears here. Handles are opaque.
 *   - A handle may be used by one thread at a time.
 *
 * Example (error handling shortened):
 *
 *   struct ta_client *c = NULL;
 *   struct ta_session *s = NULL;
 *   ta_client_new(&c);
 *   ta_client_set(c, TA_OPT_ISSUER, issuer);
 *   ta_client_set(c, TA_OPT_CLIENT_ID, client_id);
 *   ta_client_set_paste_fd(c, 0);
 *   if (ta_login(c, &s) != TA_OK)
 *       fprintf(stderr, "sign-in failed: %s\n", ta_client_message(c));
 *   else
 *       ta_store_save(c, "default", s);
 *   ta_session_free(s);
 *   ta_client_free(c);
 */
#ifndef TERMAUTH_H
#define TERMAUTH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define TA_API __attribute__((visibility("default")))
#else
#define TA_API
#endif

#define TA_VERSION "0.1.0"

/* Result codes. Stable: a number never changes meaning. */
enum ta_result {
	TA_OK = 0,
	TA_E_NOMEM = 1,        /* out of memory */
	TA_E_ARG = 2,          /* a bad argument or option value */
	TA_E_CONFIG = 3,       /* the configuration file cannot be used */
	TA_E_INSECURE = 4,     /* an URL is not https and not loopback */
	TA_E_UNREACHABLE = 5,  /* the IdP cannot be reached (network, TLS) */
	TA_E_HTTP = 6,         /* the IdP answered with an unexpected HTTP status */
	TA_E_PROTOCOL = 7,     /* the IdP's answer is malformed */
	TA_E_IDP = 8,          /* the IdP answered an OAuth error (see message) */
	TA_E_DENIED = 9,       /* the person (or IdP) refused: access_denied */
	TA_E_CALLBACK = 10,    /* the redirect back to us is malformed */
	TA_E_ISSUER = 11,      /* iss in the redirect is not our IdP (RFC 9207) */
	TA_E_TIMEOUT = 12,     /* the sign-in deadline passed */
	TA_E_PORT_IN_USE = 13, /* the loopback port is taken */
	TA_E_LISTEN = 14,      /* the loopback listener could not start */
	TA_E_ID_TOKEN = 15,    /* the ID token failed its checks */
	TA_E_STORE = 16,       /* the session store cannot be read or written */
	TA_E_NO_SESSION = 17,  /* no stored session for this profile */
	TA_E_EXPIRED = 18,     /* the stored access token is (about to be) expired */
	TA_E_CANCELLED = 19,   /* the program asked the sign-in to stop */
	TA_E_TOO_LARGE = 20,   /* an answer or file exceeds its size limit */
	TA_E_INTERNAL = 21,    /* a library call failed unexpectedly */
	TA_E_CODE_EXPIRED = 22, /* the device code expired before approval */
	TA_E_NO_DEVICE_FLOW = 23 /* the IdP offers no device flow */
};

/* The name of a result, e.g. "TA_E_TIMEOUT: the sign-in deadline passed".
 * Static storage; never NULL, also for unknown numbers. */
TA_API const char *ta_result_str(enum ta_result r);

/* "0.1.0" */
TA_API const char *ta_version(void);

/* ---------------------------------------------------------------------- */
/* The client handle */

struct ta_client;

enum ta_option {
	TA_OPT_ISSUER = 1,    /* the IdP's issuer URL (https, or http on loopback) */
	TA_OPT_CLIENT_ID = 2, /* the OAuth client id (a public client) */
	TA_OPT_SCOPES = 3,    /* space separated; default "openid" */
	TA_OPT_PORT = 4,      /* loopback port, decimal; "0" (default) = random */
	TA_OPT_TIMEOUT = 5,   /* how long to wait for the redirect or the
	                       * approval, seconds; default 300 for the browser,
	                       * the code's life for the device (each HTTP request
	                       * has TA_OPT_HTTP_TIMEOUT besides) */
	TA_OPT_FLOW = 6,      /* "auto" (default), "browser", "device" or "paste".
	                       * paste: like browser, but no browser is launched;
	                       * auto: device when no browser can be used here
	                       * (SSH, no display, a container) and the IdP
	                       * offers it, else browser */
	TA_OPT_BROWSER = 7,   /* command that opens an URL; default $BROWSER,
	                       * then xdg-open */
	TA_OPT_HTTP_TIMEOUT = 8, /* seconds per HTTP request; default 30 */
	/* Endpoints for IdPs without discovery (GitHub); when the token
	 * endpoint is set, discovery is skipped. */
	TA_OPT_AUTHORIZATION_ENDPOINT = 9,
	TA_OPT_TOKEN_ENDPOINT = 10,
	TA_OPT_DEVICE_ENDPOINT = 11,
	/* Sent as client_secret: only for IdPs that insist on one for native
	 * apps (Google); in an installed program it is not secret. */
	TA_OPT_CLIENT_SECRET = 12,
	/* A well-known IdP: "github", "google", "microsoft", "gitlab". At
	 * sign-in, its endpoints and quirks fill whatever options are unset;
	 * options that are set always win. */
	TA_OPT_PROVIDER = 13,
	TA_OPT_TENANT = 14, /* Microsoft Entra tenant (default "organizations") */
	/* Where sessions are kept: "auto" (default), "keychain" or "file". See
	 * the session store below. */
	TA_OPT_STORE = 15,
	/* When the client id came from a dynamic registration (RFC 7591), the
	 * time it expires, in seconds since the epoch (unset: never). With no
	 * client id, or an expired one, ta_login registers a public native
	 * client at the IdP's registration endpoint and sets TA_OPT_CLIENT_ID
	 * and this option: keep both for the next sign-in. */
	TA_OPT_CLIENT_EXPIRES_AT = 16
};

/* Person-facing events. All members may be NULL. */
struct ta_callbacks {
	void *data; /* handed back as the first argument of each callback */
	/* The URL to open in a browser: shown always, since the person may
	 * need it even when a browser was launched (paste_ok: a pasted redirect
	 * URL is accepted on the paste descriptor). */
	void (*show_url)(void *data, const char *url, int browser_launched,
	                 int paste_ok);
	/* Something for the person to know: a pasted line was not usable, the
	 * browser could not be started, a forged callback was ignored. */
	void (*notice)(void *data, const char *message);
	/* Diagnostics: level 1 (-v) to 3 (-vvv). Never contains a secret. */
	void (*debug)(void *data, int level, const char *message);
	/* Polled about every 100 ms during the wait; non-zero cancels the
	 * sign-in with TA_E_CANCELLED (e.g. after SIGINT). */
	int (*cancelled)(void *data);
	/* Device flow: what the person must do, once, before polling starts.
	 * verification_uri_complete may be NULL (then the person types
	 * user_code at verification_uri); expires_in is the code's life in
	 * seconds. */
	void (*show_device_code)(void *data, const char *user_code,
	                         const char *verification_uri,
	                         const char *verification_uri_complete,
	                         int expires_in);
	/* Device flow: called once a second while waiting, with the seconds
	 * left (the code's life, or the timeout when that ends first; measured
	 * on the monotonic clock, so a wrong wall clock does not matter). */
	void (*device_progress)(void *data, int seconds_left);
};

/* Allocates a client with defaults. Returns TA_OK or TA_E_NOMEM. */
TA_API enum ta_result ta_client_new(struct ta_client **out);

/* Wipes and frees the client. NULL is allowed. */
TA_API void ta_client_free(struct ta_client *c);

/* Sets an option (the value is copied; NULL restores the default).
 * Returns TA_E_ARG for a value that does not parse. */
TA_API enum ta_result ta_client_set(struct ta_client *c, enum ta_option opt,
                                    const char *value);

/* The current value of a string option, or NULL when unset. */
TA_API const char *ta_client_get(const struct ta_client *c, enum ta_option opt);

/* Copies the callbacks (NULL clears them). */
TA_API void ta_client_set_callbacks(struct ta_client *c,
                                    const struct ta_callbacks *cb);

/* The descriptor a pasted redirect URL is read from during ta_login()
 * (one URL per line); -1 (the default) disables the paste fallback. The
 * library does not close it. */
TA_API void ta_client_set_paste_fd(struct ta_client *c, int fd);

/* The detail of the last failure on this handle: one line, no secrets.
 * "" when there was none. Valid until the next call on the handle. */
TA_API const char *ta_client_message(const struct ta_client *c);

/* ---------------------------------------------------------------------- */
/* Sessions */

struct ta_session;

/* Signs in with the flow of TA_OPT_FLOW (see there). On TA_OK *out holds
 * the new session, to be freed with ta_session_free(). The device flow
 * reports through show_device_code and device_progress; the browser flow
 * through show_url and the paste descriptor. */
TA_API enum ta_result ta_login(struct ta_client *c, struct ta_session **out);

/* Wipes and frees a session. NULL is allowed. */
TA_API void ta_session_free(struct ta_session *s);

/* Accessors: NULL when the IdP did not send the value. */
TA_API const char *ta_session_access_token(const struct ta_session *s);
TA_API const char *ta_session_refresh_token(const struct ta_session *s);
TA_API const char *ta_session_id_token(const struct ta_session *s);
TA_API const char *ta_session_token_type(const struct ta_session *s);
TA_API const char *ta_session_scope(const struct ta_session *s);
TA_API const char *ta_session_issuer(const struct ta_session *s);
TA_API const char *ta_session_client_id(const struct ta_session *s);
TA_API const char *ta_session_subject(const struct ta_session *s);
/* Expiry of the access token, seconds since the epoch; 0 when unknown. */
TA_API long long ta_session_expires_at(const struct ta_session *s);

/* The profile's session with an access token valid for min_ttl more
 * seconds: the stored one, or else refreshed with its refresh token and
 * saved (refresh-token rotation honoured). Processes that call this at the
 * same time refresh once: under the profile's lock, after reading the
 * store again. TA_E_NO_SESSION when there is none; TA_E_EXPIRED when it
 * cannot be refreshed (no refresh token, or the IdP refuses it: sign in
 * again); TA_E_UNREACHABLE when the IdP cannot be reached. The client
 * supplies callbacks and, for IdPs that want one, the client secret; its
 * client id is set to the session's. */
TA_API enum ta_result ta_session_fresh(struct ta_client *c, const char *profile,
                                       long long min_ttl, struct ta_session **out);

/* A CI credential: one line ("ta1." and base64url) holding what refreshing
 * s needs, its refresh token and c's client secret (if any) included - a
 * secret. c may be NULL. TA_E_ARG when s has no refresh token. free() it
 * after wiping (it is a secret). */
TA_API enum ta_result ta_credential_encode(const struct ta_client *c,
                                           const struct ta_session *s, char **out);
/* OAuth 2.0 Token Exchange (RFC 8693): what to exchange the profile's
 * access token for. audience is required; the others may be NULL. */
struct ta_exchange_request {
	const char *audience;             /* the service the token is for */
	const char *resource;             /* an URI of that service, if it wants one */
	const char *scope;                /* narrower scopes, space separated */
	const char *requested_token_type; /* e.g. urn:ietf:params:oauth:token-type:access_token */
};
/* A token for req, valid for at least min_ttl seconds: from its own cache
 * (one per profile, audience, resource, scope and type; under
 * $XDG_RUNTIME_DIR, else beside the file store) while it is fresh, else
 * exchanged at the IdP's token endpoint for the profile's access token -
 * refreshed first when needed - and cached. The result holds the access
 * token, its type, expiry and scope; free it with ta_session_free().
 * TA_E_IDP (the IdP's error and description in the message, e.g.
 * invalid_scope) when the IdP refuses; the rest as ta_session_fresh. */
TA_API enum ta_result ta_exchange(struct ta_client *c, const char *profile,
                                  const struct ta_exchange_request *req, long long min_ttl,
                                  struct ta_session **out);
/* A server refused access_token (git's credential helper "erase"): when
 * it is still the profile's stored access token, it is dropped, so that
 * the next ta_session_fresh refreshes. TA_OK also when it was not. */
TA_API enum ta_result ta_session_reject(struct ta_client *c, const char *profile,
                                        const char *access_token);
/* ta_session_fresh for a credential instead of a profile: its sessions are
 * kept in the store under a name derived from it, so that processes of one
 * job share one refresh. TA_E_ARG for a line that is not a credential. */
TA_API enum ta_result ta_credential_fresh(struct ta_client *c, const char *credential,
                                          long long min_ttl, struct ta_session **out);

/* TA_OK when the access token is valid for at least min_ttl more seconds
 * at time now (seconds since the epoch); TA_E_EXPIRED otherwise. A token
 * of unknown expiry counts as valid. */
TA_API enum ta_result ta_session_check_fresh(const struct ta_session *s,
                                             long long now, long long min_ttl);

/* ---------------------------------------------------------------------- */
/* The session store: one session per profile, in one of two backends.
 * - keychain: the Secret Service (gnome-keyring, KeePassXC, KWallet)
 *   through libsecret, one item per profile in the default collection; the
 *   access token is also cached, without the refresh and ID tokens, in
 *   $XDG_RUNTIME_DIR/termauth/<profile>.json (0600), for fast reads.
 * - file: $XDG_STATE_HOME/termauth/<profile>.json (default
 *   ~/.local/state), a 0600 file in a 0700 directory, replaced atomically.
 * TA_OPT_STORE chooses. "auto" saves to the keychain when it is reachable
 * and unlocked - removing any file copy - else to the file, with a notice
 * (once: not again when a refresh saves a session already in the file);
 * it reads the file first, then the keychain. A locked keychain is told
 * apart from an empty one in the message. Profile names are 1-64
 * characters of [A-Za-z0-9._-], not starting with '.'. c may be NULL (the
 * store is then "auto", and no message is kept). */

TA_API enum ta_result ta_store_save(struct ta_client *c, const char *profile,
                                    const struct ta_session *s);
/* TA_E_NO_SESSION when the profile has none. */
TA_API enum ta_result ta_store_load(struct ta_client *c, const char *profile,
                                    struct ta_session **out);
/* TA_OK also when there was nothing to remove. */
TA_API enum ta_result ta_store_remove(struct ta_client *c, const char *profile);
/* The profiles that have a stored session, as a NULL-terminated array (the
 * sessions of CI credentials, named ci-<16 hex digits>, are not listed);
 * free it with ta_profiles_free(). */
TA_API enum ta_result ta_store_list(struct ta_client *c, char ***out);
TA_API void ta_profiles_free(char **names);
/* Signs the profile out: revokes its refresh token at the IdP (RFC 7009)
 * when the IdP offers revocation, then forgets the session here in any
 * case. TA_OK when both happened (or there was nothing to revoke);
 * TA_E_NO_SESSION when there was no session; TA_E_UNREACHABLE (or
 * TA_E_IDP, TA_E_DENIED, TA_E_HTTP) when the session was forgotten here
 * but the IdP could not be told - the message says so. Like
 * ta_session_fresh, it sets the client's id to the session's. */
TA_API enum ta_result ta_logout(struct ta_client *c, const char *profile);
/* TA_OK when a session could be saved now with the handle's store option;
 * TA_E_STORE (message set) when the store is "keychain" and the keychain is
 * locked or absent. Lets a program find out before a sign-in, not after. */
TA_API enum ta_result ta_store_ready(struct ta_client *c);
/* 1 when this handle found the keychain locked (a session may be kept
 * there that cannot be read until it is unlocked), else 0. */
TA_API int ta_keychain_locked(const struct ta_client *c);
/* "keychain" or "file": where the last successful ta_store_load or save
 * on this handle found or put the session; NULL before. */
TA_API const char *ta_store_used(const struct ta_client *c);
/* The path of the profile's store file; free() it. */
TA_API enum ta_result ta_store_path(const char *profile, char **out);

/* ---------------------------------------------------------------------- */
/* Profiles: an INI file, $TERMAUTH_CONFIG or
 * $XDG_CONFIG_HOME/termauth/config (default ~/.config), with sections
 * "[profile NAME]" and keys issuer, client_id, scopes, flow, port,
 * timeout, provider, tenant, authorization_endpoint, token_endpoint,
 * device_endpoint, client_secret, store and client_expires_at (each sets
 * the option of that name), and git_hosts and git_username (read by the
 * tool's git credential helper). */

struct ta_profile;

/* Reads the profile from the configuration file. A missing file or a
 * missing profile gives an empty profile (TA_OK). A file that does not
 * parse gives TA_E_CONFIG, with the line in the message. */
TA_API enum ta_result ta_profile_load(struct ta_client *c, const char *name,
                                      struct ta_profile **out);
TA_API void ta_profile_free(struct ta_profile *p);
TA_API const char *ta_profile_name(const struct ta_profile *p);
/* The value of a key, or NULL. */
TA_API const char *ta_profile_get(const struct ta_profile *p, const char *key);
/* Sets (copies) or, with NULL, removes a key. TA_E_ARG for an unknown key
 * or a value with a newline; TA_E_TOO_LARGE when "key = value" would pass
 * the 198 characters a line of the file may hold. */
TA_API enum ta_result ta_profile_set(struct ta_profile *p, const char *key,
                                     const char *value);
/* Writes the profile into the configuration file as p holds it (a key
 * removed from p goes from the file too), keeping the other profiles,
 * atomically (the file is regenerated: comments are not kept). */
TA_API enum ta_result ta_profile_save(struct ta_client *c,
                                      const struct ta_profile *p);
/* Copies the profile's settings into the client's options. */
TA_API enum ta_result ta_profile_apply(const struct ta_profile *p,
                                       struct ta_client *c);
/* The configuration file's path; free() it. */
TA_API enum ta_result ta_config_path(char **out);
/* The first profile (in the file's order) whose key holds word in its
 * space-separated list - e.g. the profile whose git_hosts names a host.
 * *out is NULL when none does; else free() it. */
TA_API enum ta_result ta_profile_find(struct ta_client *c, const char *key, const char *word,
                                      char **out);
/* 1 when host (len bytes, as in an URL: IPv6 in brackets, no port) is a
 * loopback address: 127.0.0.0/8 as a strict dotted quad, [::1], or
 * localhost (which libcurl resolves to loopback itself, never through
 * DNS) - the only hosts termauth talks to, or gives a token to, over
 * plain http. */
TA_API int ta_host_is_loopback(const char *host, size_t len);
/* 1 when the space-separated list holds word. */
TA_API int ta_list_holds(const char *list, const char *word);

#ifdef __cplusplus
}
#endif
#endif
