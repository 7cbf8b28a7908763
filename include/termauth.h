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
 *   3. Keep it: ta_store_save() writes the session of a profile to the
 *      keychain, the kernel keyring or a 0600 file in a 0700 directory;
 *      ta_store_load() reads it back; ta_store_remove() forgets it.
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
 *   - ta_client_message() is "" after a call on the handle that can fail
 *     has succeeded: each such call clears it first. Calls that cannot
 *     fail (accessors, ta_client_set_paste_fd) leave it as it was.
 *   - No type of any dependency appears here. Handles are opaque.
 *   - A handle may be used by one thread at a time.
 *   - The structs a program fills (struct ta_callbacks, struct
 *     ta_verify_options, struct ta_exchange_request, ...) start with a member
 *     size, which the program sets to the sizeof the struct had when it
 *     was built: the _INIT macro of each struct does it, e.g.
 *       struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.audience = "api");
 *     The library reads only the members that fit in size and takes the
 *     others as zero (NULL), so a program built with an older termauth.h
 *     keeps working when members are added. A size too small to hold the
 *     size member itself - 0, a struct not set up with its _INIT macro -
 *     gets TA_E_ARG, and so does one that no header gives (not a multiple
 *     of a pointer's size, or more than 256 bytes beyond the struct this
 *     library knows); so does a size larger than this library knows when
 *     the members it does not know are not all zero (a program built with
 *     a newer header asks for something this library cannot do).
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
 *
 * ABI and SOVERSION (libtermauth.so.N, N the SOVERSION in CMakeLists.txt):
 *   - The exported symbols are exactly the functions declared TA_API here,
 *     listed in lib/termauth.sym, which the linker uses as the version
 *     script; the test abi_exports compares the list, the built library
 *     and this header.
 *   - Compatible changes keep N: adding a function; adding a member at the
 *     end of a sized struct (one that begins with size_t size), where it
 *     starts at or after the struct's previous sizeof (never in its trailing
 *     padding), with zero meaning what the library did before the member
 *     existed; adding an enum value at the end of its enum (a new option,
 *     a new result code: a program must expect results it does not know);
 *     making a function accept what it refused before (TA_E_ARG); a new
 *     accessor for an opaque handle.
 *   - Incompatible changes raise N by one: removing or renaming a function,
 *     type, member, macro or enum value; changing the number or value of an
 *     enum constant; changing a function's parameters or return type;
 *     reordering, removing or retyping a member of a public struct, or
 *     adding one anywhere but at the end; raising the smallest size a
 *     sized struct is accepted with; changing what a call does in a way a correct program can
 *     notice (what it returns for the same input, who frees what, what it
 *     writes where, which thread may call it).
 *   - Before 1.0 (TA_VERSION 0.y.z) the same rules hold, and N stays 0
 *     until the first release that breaks the ABI of a released version:
 *     no change may break an installed 0.y program without raising N.
 *     Changes between releases (in the tree, not yet released) may break
 *     freely.
 *   - TA_VERSION and ta_version() name the release; the SOVERSION says
 *     nothing about features. ta_host_is_loopback and ta_list_holds, tool
 *     helpers, left the API before any release.
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
	TA_E_NO_DEVICE_FLOW = 23, /* the IdP offers no device flow */
	TA_E_VERIFY = 24,      /* a token failed verification */
	TA_E_AGENT_GONE = 25,  /* the forwarded sign-in's broker cannot be reached */
	TA_E_NOT_FORWARDED = 26 /* the broker does not forward this profile */
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
	/* Where sessions are kept: "auto" (default), "keychain" ("keyring" is
	 * taken as another name for it), "kernel" or "file". See the session
	 * store below. */
	TA_OPT_STORE = 15,
	/* When the client id came from a dynamic registration (RFC 7591), the
	 * time it expires, in seconds since the epoch ("0": never; unset: the
	 * client id is not a registered one). With no client id, or an expired
	 * one, ta_login registers a public native client at the IdP's
	 * registration endpoint and sets TA_OPT_CLIENT_ID and this option:
	 * keep both for the next sign-in. While it is set, ta_login signs in
	 * only at an IdP whose endpoints are all on its issuer's origin (an
	 * IdP handing out client ids could hand out another IdP's). */
	TA_OPT_CLIENT_EXPIRES_AT = 16,
	/* The name the program knows this sign-in by (termauth: the profile's;
	 * ta_profile_apply sets it). The browser's page at the end of a
	 * sign-in names it, with the account signed in. */
	TA_OPT_PROFILE_NAME = 17,
	/* Resource indicators (RFC 8707): the APIs the sign-in asks tokens
	 * for, space separated absolute URIs without a fragment (e.g.
	 * "https://api.example.com/mcp"). Each is sent in the authorization
	 * request; the first is also sent when the code is redeemed and at each
	 * refresh, so that the session's own access token is for it (as MCP
	 * clients must do). Tokens for the others: ta_resource_token. With no
	 * issuer and no token endpoint, ta_login asks the first resource where
	 * to sign in (RFC 9728 protected-resource metadata, whose resource
	 * must be it exactly) and sets TA_OPT_ISSUER, and TA_OPT_SCOPES (the
	 * metadata's, with openid and offline_access) when unset, and
	 * TA_OPT_ISSUER_FROM: keep them for the next sign-in. Such an IdP, which
	 * nobody vouched for, may be on a loopback address only for a resource
	 * on one; see TA_OPT_ISSUER_FROM for what else it must do. */
	TA_OPT_RESOURCE = 18,
	/* "yes": bind the session to a key (DPoP, RFC 9449): a key pair made
	 * at sign-in (EdDSA when the IdP lists it, else ES256) is kept with the
	 * session in the store, and every token request carries a proof made
	 * with it, so that the refresh token - and the access tokens, when the
	 * IdP binds them (token type DPoP) - are of no use without it. "no"
	 * (the default): bearer tokens, as every program that sends
	 * "Authorization: Bearer" expects. */
	TA_OPT_DPOP = 19,
	/* "resource": the issuer is the one a resource's metadata named
	 * (RFC 9728), which nobody vouched for. ta_login sets it with the
	 * issuer it found; keep it with the issuer, and set it again with it.
	 * Only setting it to NULL clears it, not setting TA_OPT_ISSUER: do
	 * that when the person names the issuer themselves. Such an IdP must have
	 * all its endpoints on its issuer's origin, must promise RFC 9207's iss
	 * in its redirects and send it, and gets no device flow, whose sign-in
	 * could be another IdP's passed on (TA_E_INSECURE; RFC 9700 4.4). */
	TA_OPT_ISSUER_FROM = 20
};

/* Person-facing events. All members but size may be NULL. */
struct ta_callbacks {
	size_t size; /* sizeof(struct ta_callbacks): TA_CALLBACKS_INIT sets it */
	void *data;  /* handed back as the first argument of each callback */
	/* The URL to open in a browser: shown always, since the person may
	 * need it even when a browser was launched (paste_ok: a pasted redirect
	 * URL is accepted on the paste descriptor). When the IdP takes pushed
	 * requests (RFC 9126) it names only the client and the request, and a
	 * request pushed again before it expired unopened comes in a notice. */
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
/* struct ta_callbacks cb = TA_CALLBACKS_INIT(.data = me, .notice = tell); */
#define TA_CALLBACKS_INIT(...) { .size = sizeof(struct ta_callbacks), __VA_ARGS__ }

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

/* Copies the callbacks (NULL clears them): the members that fit in
 * cb->size, the others as NULL. TA_E_ARG for a bad size (see Conventions
 * above); the callbacks set before stay then. */
TA_API enum ta_result ta_client_set_callbacks(struct ta_client *c,
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

/* What an IdP offers, as its discovery document says (ta_idp_probe). */
#define TA_IDP_REGISTRATION 1u /* dynamic client registration (RFC 7591) */
#define TA_IDP_DEVICE 2u       /* the device authorization grant (RFC 8628) */
/* Fetches and checks issuer's metadata (OpenID Connect discovery, else RFC
 * 8414) as ta_login would, without signing in: TA_OK when it is an IdP
 * termauth can sign in to, with what it offers in *offers (TA_IDP_*); else
 * the failure, with a message (TA_E_INSECURE, TA_E_UNREACHABLE,
 * TA_E_HTTP, TA_E_PROTOCOL). For a first run that asks for the issuer. */
TA_API enum ta_result ta_idp_probe(struct ta_client *c, const char *issuer, unsigned *offers);

/* The rule every URL termauth uses obeys, for a program to check its own
 * settings early: TA_OK for https, or http on a loopback host (127.0.0.0/8,
 * ::1, localhost); TA_E_INSECURE for http elsewhere, TA_E_ARG for what is
 * not an http(s) URL, each with a message that calls the URL by what (a
 * word: "issuer", "JWKS"). */
TA_API enum ta_result ta_url_check(struct ta_client *c, const char *what, const char *url);

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
/* Expiry of the ID token: its exp claim, seconds since the epoch, read
 * from its payload (the token was checked when it was received: at
 * sign-in, its signature and claims; from a refresh, its claims); 0 when
 * there is no ID token or it says no exp. */
TA_API long long ta_session_id_token_expires_at(const struct ta_session *s);

/* The profile's session with an access token valid for min_ttl more
 * seconds: the stored one, or else refreshed with its refresh token and
 * saved (refresh-token rotation honoured). Processes that call this at the
 * same time refresh once: under the profile's lock, after reading the
 * store again. When the IdP's tokens live no longer than min_ttl, the
 * token is returned while half its life is left (a notice says so), and
 * refreshed once after that: never at every call. A refreshed session that
 * cannot be saved is kept aside for the next call, with a notice, and
 * returned. TA_E_NO_SESSION when there is none; TA_E_EXPIRED when it
 * cannot be refreshed (no refresh token, or the IdP refuses it: sign in
 * again); TA_E_UNREACHABLE when the IdP cannot be reached. The client
 * supplies callbacks and, for IdPs that want one, the client secret; its
 * client id is set to the session's. */
TA_API enum ta_result ta_session_fresh(struct ta_client *c, const char *profile,
                                       long long min_ttl, struct ta_session **out);
/* ta_session_fresh for the ID token, for servers that take it as the
 * bearer token (Kubernetes' --oidc-* flags): the profile's session with an
 * ID token valid for min_ttl more seconds by its exp claim
 * (ta_session_id_token_expires_at), else refreshed - under the lock, once
 * for concurrent callers, as ta_session_fresh - for a new one. The ID token
 * a refresh brings must be the sign-in's (iss, aud, sub; OpenID Connect
 * Core 12.2), else it is dropped with a notice; a refresh may bring none
 * (12.2), and then the one from before is returned, with a notice, while it
 * is valid. IdPs whose ID tokens live no longer than min_ttl: as
 * ta_session_fresh. The access token of the result may be older than
 * min_ttl asks: use ta_session_fresh for that. TA_E_ID_TOKEN when the
 * session has no ID token (no openid sign-in); TA_E_EXPIRED when it has
 * expired and a refresh brings no new one, or cannot be made (sign in
 * again); the rest as ta_session_fresh. */
TA_API enum ta_result ta_session_fresh_id(struct ta_client *c, const char *profile,
                                          long long min_ttl, struct ta_session **out);

/* A CI credential: one line ("ta1." and base64url) holding what refreshing
 * s needs, its refresh token and c's client secret (if any) included - a
 * secret. c may be NULL. TA_E_ARG (message set) when s has no refresh
 * token. free() it after wiping (it is a secret). */
TA_API enum ta_result ta_credential_encode(struct ta_client *c, const struct ta_session *s,
                                           char **out);
/* OAuth 2.0 Token Exchange (RFC 8693): what to exchange the profile's
 * access token for. audience is required; the others may be NULL. */
struct ta_exchange_request {
	size_t size; /* sizeof(struct ta_exchange_request): TA_EXCHANGE_REQUEST_INIT sets it */
	const char *audience;             /* the service the token is for */
	const char *resource;             /* an URI of that service, if it wants one */
	const char *scope;                /* narrower scopes, space separated */
	const char *requested_token_type; /* e.g. urn:ietf:params:oauth:token-type:access_token */
};
/* struct ta_exchange_request req = TA_EXCHANGE_REQUEST_INIT(.audience = "api"); */
#define TA_EXCHANGE_REQUEST_INIT(...) { .size = sizeof(struct ta_exchange_request), __VA_ARGS__ }
/* A token for req, valid for at least min_ttl seconds: from its own cache
 * (one per profile, audience, resource, scope and type; under
 * $XDG_RUNTIME_DIR, else beside the file store) while it is fresh, else
 * exchanged at the IdP's token endpoint for the profile's access token -
 * refreshed first when needed - and cached. The result holds the access
 * token, its type, expiry and scope; free it with ta_session_free().
 * TA_E_IDP (the IdP's error and description in the message, e.g.
 * invalid_scope) when the IdP refuses; TA_E_ARG for no audience or a bad
 * req->size; the rest as ta_session_fresh. */
TA_API enum ta_result ta_exchange(struct ta_client *c, const char *profile,
                                  const struct ta_exchange_request *req, long long min_ttl,
                                  struct ta_session **out);
/* An access token for one API (RFC 8707 resource indicators), valid for
 * at least min_ttl seconds: resource is its absolute URI
 * ("https://api.example.com/mcp"), scope narrower scopes (NULL: the
 * grant's). The session's own token when it is for resource (its first
 * TA_OPT_RESOURCE) and no scope is asked: then as ta_session_fresh. Else
 * from its own cache (one per profile, resource and scope, bound to the
 * session like exchanged tokens) while it is fresh, or asked for with the
 * session's refresh token and "resource", under the profile's lock, once
 * for concurrent callers; a refresh token the IdP rotates meanwhile is
 * saved into the session. A sign-in that named resources (TA_OPT_RESOURCE)
 * gets tokens for those only: another is TA_E_ARG without asking the IdP
 * (some IdPs spend the refresh token on such a request, and the session
 * ends), the message naming the sign-in that would. The result holds the
 * token, its type, expiry, scope and resource; free it with
 * ta_session_free(). TA_E_IDP when the IdP refuses (invalid_target,
 * invalid_scope), or when it ignored the resource (the token is a JWT
 * whose aud does not name it: the message says what it names); TA_E_ARG
 * for a resource that is not an absolute URI without a fragment, or a
 * scope that is not one; the rest as ta_session_fresh. */
TA_API enum ta_result ta_resource_token(struct ta_client *c, const char *profile,
                                        const char *resource, const char *scope,
                                        long long min_ttl, struct ta_session **out);
/* The resource (RFC 8707) the session's access token is for, or NULL. */
TA_API const char *ta_session_resource(const struct ta_session *s);
/* 1 when the session is bound to a key (DPoP, TA_OPT_DPOP): its refresh
 * token, and its access tokens when their type is DPoP, work only with
 * proofs made with that key. */
TA_API int ta_session_dpop_bound(const struct ta_session *s);
/* A DPoP proof (RFC 9449 4) for one request made with a DPoP-bound access
 * token of the profile: method ("GET") and url (absolute http(s); its
 * query and fragment are not part of the proof), the server's DPoP-Nonce
 * when it gave one (NULL: none), and the access token the request carries
 * (its hash goes into the proof as ath; NULL: none, as at a token
 * endpoint). Made with the key kept with the profile's session. On TA_OK
 * *out is the proof, a JWT to send as the request's "DPoP" header: it lets
 * whoever holds it make this request until the server stops taking it
 * (minutes): wipe and free() it. TA_E_NO_SESSION; TA_E_ARG when the
 * session is not DPoP-bound, or for a method, url or nonce that cannot be
 * used; TA_E_STORE when the key cannot be read. */
TA_API enum ta_result ta_dpop_proof(struct ta_client *c, const char *profile,
                                    const char *method, const char *url, const char *nonce,
                                    const char *access_token, char **out);
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
 * whose IdP gave no lifetime counts as valid for one hour after it was
 * received; one of unknown age, as expired. */
TA_API enum ta_result ta_session_check_fresh(const struct ta_session *s,
                                             long long now, long long min_ttl);

/* ---------------------------------------------------------------------- */
/* AWS: role credentials from STS AssumeRoleWithWebIdentity, for the AWS
 * CLI's and SDKs' credential_process. */

/* Which role to assume; role_arn is required, the others may be 0/NULL. */
struct ta_aws_request {
	size_t size; /* sizeof(struct ta_aws_request): TA_AWS_REQUEST_INIT sets it */
	const char *role_arn;     /* arn:aws:iam::ACCOUNT:role/NAME */
	const char *session_name; /* RoleSessionName; NULL: "termauth-PROFILE" */
	long long duration;       /* DurationSeconds, 900-43200; 0: STS's (1 h) */
	const char *endpoint;     /* NULL: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL,
	                           * the AWS_REGION's (or AWS_DEFAULT_REGION's),
	                           * else https://sts.amazonaws.com */
	const char *audience;     /* NULL: the web identity is the session's ID
	                           * token; else an access token exchanged for
	                           * this audience (ta_exchange) */
};
#define TA_AWS_REQUEST_INIT(...) { .size = sizeof(struct ta_aws_request), __VA_ARGS__ }
struct ta_aws_credentials;
/* Credentials for req: from their own cache (one per profile, role,
 * session name, duration and audience; beside the exchanged tokens, bound
 * to the session like them) while they have more than 15 minutes left -
 * the AWS SDKs refresh earlier than that - or, when STS gives them no
 * longer, half their life; else from STS, with a fresh ID token (or
 * exchanged token), refreshed first when needed, under the profile's lock
 * after looking at the cache again. STS's ExpiredTokenException is retried
 * once with a token refreshed for it. Free *out with
 * ta_aws_credentials_free. On failure the message says what STS said and
 * what to do: TA_E_VERIFY (InvalidIdentityToken, IDPRejectedClaim: the IAM
 * OIDC provider), TA_E_EXPIRED (expired again, or the session cannot be
 * refreshed: sign in again), TA_E_DENIED (AccessDenied: the trust policy),
 * TA_E_UNREACHABLE (no answer, HTTP 5xx, IDPCommunicationError), TA_E_IDP
 * (throttling, other STS errors), TA_E_INSECURE (an http endpoint off
 * loopback), TA_E_ARG (a bad req), the rest as ta_session_fresh_id. */
TA_API enum ta_result ta_aws_credentials_get(struct ta_client *c, const char *profile,
                                             const struct ta_aws_request *req,
                                             struct ta_aws_credentials **out);
/* Accessors; the strings belong to cr. The secret access key and the
 * session token are secrets. */
TA_API const char *ta_aws_access_key_id(const struct ta_aws_credentials *cr);
TA_API const char *ta_aws_secret_access_key(const struct ta_aws_credentials *cr);
TA_API const char *ta_aws_session_token(const struct ta_aws_credentials *cr);
TA_API long long ta_aws_expires_at(const struct ta_aws_credentials *cr); /* epoch seconds */
/* Wipes and frees; NULL is allowed. */
TA_API void ta_aws_credentials_free(struct ta_aws_credentials *cr);

/* ---------------------------------------------------------------------- */
/* Forwarding: a broker on the machine where the person signed in (termauth
 * ssh, termauth agent) answers other machines' questions over a unix
 * socket, so that they get fresh access tokens and never the session: a
 * refresh token, ID token or client secret never crosses. These functions
 * ask the broker at socket (a program reads TERMAUTH_AGENT_SOCK to find
 * it). The session returned holds the access token, its type, scope and
 * expiry, and nothing else; free it with ta_session_free().
 * TA_E_AGENT_GONE when nothing answers at socket (the ssh session ended);
 * TA_E_NOT_FORWARDED when the broker does not forward the profile; the
 * broker's own failure otherwise (TA_E_EXPIRED: sign in again over there),
 * with its message. */
TA_API enum ta_result ta_agent_fresh(struct ta_client *c, const char *socket,
                                     const char *profile, long long min_ttl,
                                     struct ta_session **out);
TA_API enum ta_result ta_agent_exchange(struct ta_client *c, const char *socket,
                                        const char *profile,
                                        const struct ta_exchange_request *req,
                                        long long min_ttl, struct ta_session **out);
/* Who the broker is: the name of its machine and the profiles it forwards
 * (space separated); free() both. */
TA_API enum ta_result ta_agent_info(struct ta_client *c, const char *socket, char **from,
                                    char **profiles);

/* The broker itself. It answers a profile named in options->profiles, or
 * one whose profile says forward = yes (or confirm); any other is refused
 * with TA_E_NOT_FORWARDED and a message naming the setting. Only this
 * user's processes (and root's) are answered, by the socket's peer
 * credentials; requests are bounded in size and time and to 1000 a
 * second. Each answer is told at -v (the debug callback): which
 * profile, for whom (options->session), never the token. A session that
 * needs a new sign-in is not signed in by the broker: the far side is told
 * to sign in here. */
struct ta_broker_options {
	size_t size; /* sizeof(struct ta_broker_options): TA_BROKER_OPTIONS_INIT sets it */
	const char *const *profiles; /* NULL-terminated; NULL: only forward = yes ones */
	const char *from;    /* this machine's name in the far side's messages */
	const char *session; /* what the broker serves ("ssh host"), in the log */
	/* Asked before a profile's use when confirm is set, or its profile
	 * says forward = confirm, until the answer allows it (then not again
	 * for the broker's life): non-zero allows. NULL with confirm set: every
	 * such use is refused. */
	int confirm;
	int (*confirm_use)(void *data, const char *profile);
	void *data;
};
/* struct ta_broker_options o = TA_BROKER_OPTIONS_INIT(.from = "laptop"); */
#define TA_BROKER_OPTIONS_INIT(...) { .size = sizeof(struct ta_broker_options), __VA_ARGS__ }
struct ta_broker;
/* Makes the socket at path (0600; it must not exist yet; its directory
 * should be private) and starts listening. The client supplies the
 * callbacks and the store option; it must outlive the broker. */
TA_API enum ta_result ta_broker_start(struct ta_client *c, const char *path,
                                      const struct ta_broker_options *options,
                                      struct ta_broker **out);
/* A descriptor that is readable when a far side asks: then call
 * ta_broker_serve, which answers what has come and returns. */
TA_API int ta_broker_fd(const struct ta_broker *b);
TA_API enum ta_result ta_broker_serve(struct ta_broker *b);
/* Stops listening and removes the socket. NULL is fine. */
TA_API void ta_broker_stop(struct ta_broker *b);

/* ---------------------------------------------------------------------- */
/* The session store: one session per profile, in one of three backends.
 * - keychain: the Secret Service (gnome-keyring, KeePassXC, KWallet)
 *   through libsecret, one item per profile in the default collection.
 * - kernel: the user's persistent keyring of the Linux key retention
 *   service, one "user" key per profile named
 *   termauth:session:<profile>:<the file store's directory>; in kernel
 *   memory only, lost at reboot (or when the keyring goes unused for
 *   /proc/sys/kernel/keys/persistent_keyring_expiry seconds).
 *   For both, the access token is also cached, without the refresh and ID
 *   tokens, in $XDG_RUNTIME_DIR/termauth/<profile>.json (0600).
 * - file: $XDG_STATE_HOME/termauth/<profile>.json (default
 *   ~/.local/state), a 0600 file in a 0700 directory, replaced atomically.
 * TA_OPT_STORE chooses. "auto" saves to the first of keychain (reachable
 * and unlocked), kernel keyring (keyctl answering), file - removing the
 * copies in those after it - with a notice when it is not the keychain
 * (once: not again when a refresh saves a session already there); it
 * reads the file first, then the kernel keyring, then the keychain. A
 * locked keychain is told apart from an empty one in the message. Profile names are 1-64
 * characters of [A-Za-z0-9._-], not starting with '.'. c may be NULL (the
 * store is then "auto", and no message is kept). */

/* Saving stamps s: it gets the id of a new sign-in, and, when the IdP gave
 * no lifetime, the expiry the store holds it to (ta_session_expires_at). */
TA_API enum ta_result ta_store_save(struct ta_client *c, const char *profile,
                                    struct ta_session *s);
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
 * locked or absent, or "kernel" and keyctl is refused. Lets a program find
 * out before a sign-in, not after. */
TA_API enum ta_result ta_store_ready(struct ta_client *c);
/* 1 when this handle found the keychain locked (a session may be kept
 * there that cannot be read until it is unlocked), else 0. */
TA_API int ta_keychain_locked(const struct ta_client *c);
/* 1 when the last ta_store_load on this handle found no session although
 * one was saved and not signed out, while the kernel keyring is where it
 * is kept: the kernel forgot it (a reboot, or the keyring unused too
 * long), and a new sign-in is needed; else 0. */
TA_API int ta_store_forgotten(const struct ta_client *c);
/* "keychain", "kernel" or "file": where the last successful ta_store_load
 * or save on this handle found or put the session; NULL before. */
TA_API const char *ta_store_used(const struct ta_client *c);
/* The path of the profile's store file; free() it. */
TA_API enum ta_result ta_store_path(const char *profile, char **out);

/* ---------------------------------------------------------------------- */
/* Profiles: an INI file, $TERMAUTH_CONFIG or
 * $XDG_CONFIG_HOME/termauth/config (default ~/.config), with sections
 * "[profile NAME]" and keys issuer, client_id, scopes, flow, port,
 * timeout, provider, tenant, authorization_endpoint, token_endpoint,
 * device_endpoint, client_secret, store, client_expires_at, resource,
 * dpop and issuer_from (each sets the option of that name), and
 * git_hosts and git_username (read by the tool's git credential helper). */

struct ta_profile;

/* Reads the profile from the configuration file. A missing file or a
 * missing profile gives an empty profile (TA_OK). A file that does not
 * parse gives TA_E_CONFIG, with the line in the message; so does one that
 * another user (not root) owns, or that group or others may write: the
 * message names the file and the fix. */
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
/* Writes the changes made to p since ta_profile_load (keys set or
 * removed; for git_hosts, the hosts added or removed) into the file as it
 * is by then, under the lock FILE.lock (flock, waiting up to 60 s), so
 * that other profiles and other commands' changes are kept. The file is
 * replaced atomically (it is regenerated: comments are not kept); an
 * existing file keeps its mode, a new one is 0600. */
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
/* The profiles the configuration file has a section for, in its order, as
 * a NULL-terminated array (empty when there is no file); free it with
 * ta_profiles_free(). With ta_store_list, what tells a profile that exists
 * from a mistyped name. */
TA_API enum ta_result ta_profile_list(struct ta_client *c, char ***out);

/* ---------------------------------------------------------------------- */
/* Verifying tokens, as a resource server does: a JWS (RFC 7515) in compact
 * serialization, signed with a key of the IdP's JWKS (RFC 7517), and the
 * claims of a JWT (RFC 7519).
 *
 *   struct ta_jwks *keys;
 *   char *claims;
 *   struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.issuer = iss,
 *           .audience = "my-api", .leeway = 60, .require_exp = 1);
 *   if (ta_jwks_parse(c, jwks_json, jwks_len, &keys) != TA_OK) ...;
 *   if (ta_jwt_verify(c, keys, token, strlen(token), &o, &claims) == TA_OK)
 *       ... claims is the payload's JSON text; free() it;
 *   else
 *       ... ta_client_message(c) says why, e.g. "the token expired at ...";
 *   ta_jwks_free(keys);
 *
 * Signatures: RS256/384/512, PS256/384/512, ES256/384/512 and EdDSA
 * (Ed25519). Refused, each with its reason in the message: "none" and HMAC
 * algorithms (before any key is looked at), an algorithm that does not fit
 * the key's type, curve or own "alg", any "crit" (no extension is
 * understood), "b64" other than true, base64url that is not canonical
 * (padding, white space, non-zero trailing bits), ECDSA signatures that are
 * not raw r||s of exactly twice the curve's size or have r or s zero,
 * tokens over 16 KiB. Keys in the token's header (jwk, jku, x5u, x5c) are
 * never used. The key is the one the header's kid names (several keys may
 * share a kid: each that fits is tried); with no kid, every key of the JWKS
 * that fits the algorithm is tried in order.
 *
 * A struct ta_jwks keeps each key's OpenSSL key and verify contexts, and
 * the last token header it saw, so that a verification reuses them: a
 * verification changes it (hence the functions take it non-const), and it
 * must be used by one thread at a time. A program with several threads
 * parses one per thread.
 */
struct ta_jwks;

/* Imports a JWK Set ({"keys": [...]}; a single JWK is taken as a set of
 * one). Imported: RSA keys of 2048 to 16384 bits, EC keys on P-256, P-384
 * and P-521 (the point checked on its curve), OKP Ed25519 keys. Skipped, as
 * RFC 7517 section 5 asks: keys for encryption ("use" other than "sig",
 * "key_ops" without "verify", an "alg" that is not one of the signature
 * algorithms above), and key types and curves termauth does not verify
 * with (oct, secp256k1, X25519, Ed448). Kept but refused, so that a token
 * naming one by kid is refused with the reason: keys of a supported type
 * that cannot be used - RSA below 2048 bits ("RSA keys below 2048 bits are
 * refused"), a point off its curve, coordinates of the wrong length,
 * parameters that are not canonical base64url, an "alg" that does not fit
 * the key, and private key members ("d"...), which a JWKS for verification
 * must never hold. At most 64 keys and 512 KiB. On TA_OK *out is the set,
 * for ta_jwks_free(); TA_E_PROTOCOL when json is not a JWKS (not JSON,
 * duplicate members, no "keys" array), TA_E_TOO_LARGE, TA_E_NOMEM. c may
 * be NULL (no message then). */
TA_API enum ta_result ta_jwks_parse(struct ta_client *c, const char *json, size_t len,
                                    struct ta_jwks **out);
/* Frees the set. NULL is allowed. */
TA_API void ta_jwks_free(struct ta_jwks *keys);

/* What ta_jwt_verify checks besides the signature. All members but size
 * may be 0 or NULL (then that check is not made); NULL options are all
 * zero. */
struct ta_verify_options {
	size_t size;          /* sizeof(struct ta_verify_options):
	                       * TA_VERIFY_OPTIONS_INIT sets it */
	const char *issuer;   /* iss must equal it */
	const char *audience; /* aud (a string, or an array of strings) must
	                       * hold it; a resource server should always set it */
	long long leeway;     /* seconds of clock skew allowed for exp, nbf and
	                       * iat: 0 to 31536000 */
	long long now;        /* seconds since the epoch; 0: time(NULL) */
	const char *typ;      /* the header's typ must name this media type,
	                       * compared case-insensitively, with or without
	                       * "application/" (e.g. "at+jwt", RFC 9068) */
	int require_exp;      /* 1: a token without exp is refused */
};
/* struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.audience = "api"); */
#define TA_VERIFY_OPTIONS_INIT(...) { .size = sizeof(struct ta_verify_options), __VA_ARGS__ }

/* Verifies a JWT: the signature as ta_jws_verify does, then the claims.
 * The payload must be a JSON object without duplicate members. exp, nbf
 * and iat, when present, must be JSON numbers (integers as they are; others
 * within +-2^53, rounded to the safe side: exp down, nbf and iat up); the
 * token is refused when now >= exp + leeway, nbf > now + leeway, or
 * iat > now + leeway. On TA_OK, *claims_json (when claims_json is not NULL)
 * is the payload's JSON text, NUL-terminated, to free(). TA_E_VERIFY when
 * the token fails, with the reason in c's message - e.g. "alg none is
 * refused", "no key with kid 'k'", "ES256 does not fit the key (P-384)",
 * "the signature does not verify", "the token expired at T (now N, leeway
 * L)", "wrong issuer: X (expected Y)"; TA_E_ARG for a missing JWKS or bad
 * options (o->size among them); TA_E_NOMEM. c may be NULL (no message
 * then). */
TA_API enum ta_result ta_jwt_verify(struct ta_client *c, struct ta_jwks *keys,
                                    const char *jwt, size_t len,
                                    const struct ta_verify_options *o, char **claims_json);

/* Verifies the signature of a compact JWS only - no claims, no typ, any
 * payload. On TA_OK, *header_json and *payload (each when not NULL) are
 * the decoded header and payload, NUL-terminated, to free(); a payload
 * holding a NUL byte is refused. Failures as ta_jwt_verify. */
TA_API enum ta_result ta_jws_verify(struct ta_client *c, struct ta_jwks *keys,
                                    const char *jws, size_t len, char **header_json,
                                    char **payload);

/* Where a JWKS comes from: a file, or an URL (https, or http on loopback)
 * fetched and cached on disk in $XDG_CACHE_HOME/termauth/jwks for an hour.
 * A token whose kid the set lacks makes ta_jwt_verify_from fetch the URL
 * again (keys rotate), at most once a minute. */
struct ta_jwks_source;
TA_API enum ta_result ta_jwks_source_new(struct ta_client *c, const char *file_or_url,
                                         struct ta_jwks_source **out);
/* The source of an issuer's keys: its discovery document's jwks_uri. */
TA_API enum ta_result ta_jwks_source_for_issuer(struct ta_client *c, const char *issuer,
                                                struct ta_jwks_source **out);
/* The source's keys, for ta_jwt_verify; they belong to src. */
TA_API struct ta_jwks *ta_jwks_source_keys(struct ta_jwks_source *src);
TA_API void ta_jwks_source_free(struct ta_jwks_source *src);
/* ta_jwt_verify with the keys of src, fetched again first when the token
 * names a kid they lack (see above). */
TA_API enum ta_result ta_jwt_verify_from(struct ta_client *c, struct ta_jwks_source *src,
                                         const char *jwt, size_t len,
                                         const struct ta_verify_options *o, char **claims_json);

#ifdef __cplusplus
}
#endif
#endif
