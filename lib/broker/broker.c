/*
 * broker.c - the forwarding broker (termauth.h, "Forwarding"): answers the
 * far side's questions (agent/wire.h) with the profile's fresh access
 * token, refreshed here under the usual lock (session/), so that the
 * refresh token never leaves this machine.
 *
 * One connection is served at a time, each bounded in time: a question is
 * answered from the token cache in a millisecond, so 32 far-side callers
 * at once cost one refresh and a queue of milliseconds, and no thread is
 * needed. Only this user's processes (and root's) are answered: SO_PEERCRED
 * on every connection. The socket is made 0600 in a private directory of
 * its own, then linked into place, so that it is never reachable by others
 * for a moment and never replaces what is there.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "agent/wire.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/fileio.h"
#include "base/result.h"
#include "base/secret.h"
#include "profile/config.h"
#include "profile/record.h"

#define REQUEST_WAIT_MS 2000 /* for a question to arrive, and its answer to go */
#define RATE_PER_SECOND 1000 /* far more than builds ask: a bound, not a budget */
#define RATE_BURST 1000
#define MAX_CONFIRMED 64

struct ta_broker {
	struct ta_client *c;
	int fd;
	char *path;
	struct stat node; /* what path is: removed at the end only while it still is */
	char **profiles; /* NULL-terminated copy; may be empty */
	char *from, *session;
	int confirm;
	int (*confirm_use)(void *data, const char *profile);
	void *data;
	char *allowed[MAX_CONFIRMED]; /* profiles the person allowed */
	size_t nallowed;
	double budget; /* requests that may come now (a token bucket) */
	long long budget_at;
};

static char *dup_or_null(const char *s, int *failed)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*failed = 1;
	return d;
}

/* Binds a 0600 socket at path without a moment of another mode and
 * without replacing anything: the socket's mode is set before bind
 * (Linux gives the new node the socket's mode, less the umask), it is
 * bound in a new 0700 directory beside path, then hard-linked into place
 * (link() never replaces); *node is what path then is, so that stopping
 * removes it only while it is still ours. */
static enum ta_result make_socket(struct ta_client *c, const char *path, int *out,
                                  struct stat *node)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *copy = strdup(path), dir[sizeof(sa.sun_path)];
	struct stat bound;
	enum ta_result r = TA_OK;
	int fd = -1;

	if (!copy)
		return TA_E_NOMEM;
	snprintf(dir, sizeof(dir), "%s/.termauth-bind.XXXXXX", dirname(copy));
	free(copy);
	if (strlen(path) >= sizeof(sa.sun_path) || strlen(dir) + 6 >= sizeof(sa.sun_path))
		return ta_fail(c, TA_E_ARG, "the socket path %s is too long", path);
	if (!mkdtemp(dir))
		return ta_fail(c, TA_E_LISTEN, "cannot make a directory beside %s: %s", path,
		               strerror(errno));
	memcpy(sa.sun_path, dir, strlen(dir)); /* fits: checked above */
	memcpy(sa.sun_path + strlen(dir), "/sock", 6);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0 ||
	    fchmod(fd, 0600) || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, RATE_BURST) || lstat(sa.sun_path, &bound)) {
		r = ta_fail(c, TA_E_LISTEN, "cannot listen on a socket beside %s: %s", path,
		            strerror(errno));
	} else if (!S_ISSOCK(bound.st_mode) || (bound.st_mode & 0777) != 0600) {
		r = ta_fail(c, TA_E_LISTEN, "the socket beside %s did not come out private (mode %03o)",
		            path, (unsigned)(bound.st_mode & 0777));
	} else if (link(sa.sun_path, path)) {
		r = ta_fail(c, TA_E_LISTEN, errno == EEXIST ? "%s already exists: remove it, or choose another path"
		                                            : "cannot make the socket %s: %s",
		            path, strerror(errno));
	} else if (lstat(path, node) || node->st_dev != bound.st_dev || node->st_ino != bound.st_ino) {
		r = ta_fail(c, TA_E_LISTEN, "%s changed while the socket was made: not used", path);
	}
	unlink(sa.sun_path);
	rmdir(dir);
	if (r != TA_OK) {
		if (fd >= 0)
			close(fd);
		return r;
	}
	*out = fd;
	return TA_OK;
}

enum ta_result ta_broker_start(struct ta_client *c, const char *path,
                               const struct ta_broker_options *options, struct ta_broker **out)
{
	struct ta_broker_options o;
	struct ta_broker *b;
	enum ta_result r;
	size_t n = 0, i;
	int failed = 0;

	ta_call_begin(c);
	*out = NULL;
	if (!options || !path || !*path)
		return ta_fail(c, TA_E_ARG, "a broker needs its options and a socket path");
	if ((r = ta_sized_read(c, "struct ta_broker_options", &o, sizeof(o), options)) != TA_OK)
		return r;
	while (o.profiles && o.profiles[n])
		if (!ta_profile_name_ok(o.profiles[n++]))
			return ta_fail(c, TA_E_ARG, "'%s' is not a valid profile name", o.profiles[n - 1]);
	if (!(b = calloc(1, sizeof(*b))) || !(b->profiles = calloc(n + 1, sizeof(char *)))) {
		free(b);
		return TA_E_NOMEM;
	}
	b->c = c;
	b->fd = -1;
	for (i = 0; i < n; i++)
		b->profiles[i] = dup_or_null(o.profiles[i], &failed);
	b->path = dup_or_null(path, &failed);
	b->from = dup_or_null(o.from ? o.from : "the signed-in machine", &failed);
	b->session = dup_or_null(o.session ? o.session : "a far side", &failed);
	b->confirm = o.confirm;
	b->confirm_use = o.confirm_use;
	b->data = o.data;
	b->budget = RATE_BURST;
	b->budget_at = ta_monotonic_ms();
	if (failed) {
		r = TA_E_NOMEM;
		goto fail;
	}
	if ((r = make_socket(c, path, &b->fd, &b->node)) != TA_OK)
		goto fail;
	ta_debug(c, 1, "forwarding: listening on %s for %s", path, b->session);
	*out = b;
	return TA_OK;
fail:
	free(b->path); /* not listening: nothing to remove */
	b->path = NULL;
	ta_broker_stop(b);
	return r;
}

int ta_broker_fd(const struct ta_broker *b)
{
	return b->fd;
}

/* ---- deciding ---- */

static int listed(char *const *list, const char *profile)
{
	for (; *list; list++)
		if (!strcmp(*list, profile))
			return 1;
	return 0;
}

/* The profile's own say: "yes", "confirm", or NULL. */
static const char *profile_says(const struct ta_profile *p)
{
	const char *v = p ? ta_profile_get(p, "forward") : NULL;

	return v && (!strcmp(v, "yes") || !strcmp(v, "confirm")) ? v : NULL;
}

/* Whether the person allows this use: asked until a profile is allowed,
 * then not again for the broker's life (a refusal, maybe a slip of the
 * key, is asked again next time). */
static int confirmed(struct ta_broker *b, const char *profile)
{
	size_t i;
	int yes;

	for (i = 0; i < b->nallowed; i++)
		if (!strcmp(b->allowed[i], profile))
			return 1;
	yes = b->confirm_use && b->confirm_use(b->data, profile);
	ta_debug(b->c, 1, "forwarding: the use of profile '%s' by %s was %s", profile, b->session,
	         yes ? "confirmed" : "not confirmed");
	if (yes && b->nallowed < MAX_CONFIRMED && (b->allowed[b->nallowed] = strdup(profile)))
		b->nallowed++;
	return yes;
}

/* A refusal for the far side: one printable line, saying where. */
static void refuse(struct ta_wire_answer *a, char *msg, size_t cap, enum ta_result r,
                   const char *fmt, ...) TA_PRINTF(5, 6);
static void refuse(struct ta_wire_answer *a, char *msg, size_t cap, enum ta_result r,
                   const char *fmt, ...)
{
	char raw[TA_WIRE_MESSAGE_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	ta_printable(msg, cap, raw);
	a->result = r;
	a->message = msg;
}

/* What an exchange may ask for through the broker: an access token (the
 * default, or as a JWT), never a refresh or ID token. */
static int access_token_type(const char *type)
{
	return !type || !strcmp(type, "urn:ietf:params:oauth:token-type:access_token") ||
	       !strcmp(type, "urn:ietf:params:oauth:token-type:jwt");
}

/* A per-question client: the broker's callbacks and store, the profile's
 * settings (a client secret, where its session is kept). */
static enum ta_result client_for(struct ta_broker *b, const char *profile, struct ta_client **rc,
                                 struct ta_profile **p)
{
	enum ta_result r;

	*p = NULL;
	if ((r = ta_client_new(rc)) != TA_OK)
		return r;
	(*rc)->cb = b->c->cb;
	if ((r = ta_profile_load(*rc, profile, p)) != TA_OK ||
	    (r = ta_profile_apply(*p, *rc)) != TA_OK ||
	    (b->c->store && (r = ta_client_set(*rc, TA_OPT_STORE, b->c->store)) != TA_OK))
		return r;
	return TA_OK;
}

/* An exchange for the far side: for an access token only. 0 when it was
 * refused here (a answers), else 1 with ta_exchange's result in *r. */
static int exchanged(struct ta_broker *b, struct ta_client *rc, const struct ta_wire_request *rq,
                     struct ta_wire_answer *a, char *msg, size_t cap, struct ta_session **s,
                     enum ta_result *r)
{
	struct ta_exchange_request x = TA_EXCHANGE_REQUEST_INIT(
		.audience = rq->audience, .resource = rq->resource, .scope = rq->scope,
		.requested_token_type = rq->requested_token_type);

	if (!access_token_type(rq->requested_token_type)) {
		refuse(a, msg, cap, TA_E_ARG, "only access tokens are forwarded: %s is not asked for on %s",
		       rq->requested_token_type, b->from);
		return 0;
	}
	*r = ta_exchange(rc, rq->profile, &x, rq->min_ttl, s);
	/* RFC 8693 2.2.1: N_A says the token is not an access token (a
	 * refresh or ID token, whatever was asked): it stays here. */
	if (*r == TA_OK && ta_session_token_type(*s) && !strcasecmp(ta_session_token_type(*s), "N_A")) {
		ta_session_free(*s);
		*s = NULL;
		refuse(a, msg, cap, TA_E_IDP,
		       "the IdP on %s issued a token that is not an access token (token_type N_A): not forwarded",
		       b->from);
		return 0;
	}
	return 1;
}

static void answer_token(struct ta_broker *b, const struct ta_wire_request *rq,
                         struct ta_wire_answer *a, char *msg, size_t cap, struct ta_session **s)
{
	struct ta_client *rc = NULL;
	struct ta_profile *p = NULL;
	const char *says;
	enum ta_result r;

	if ((r = client_for(b, rq->profile, &rc, &p)) != TA_OK) {
		refuse(a, msg, cap, r, "profile '%s' cannot be used on %s: %s", rq->profile, b->from,
		       ta_client_message(rc));
		goto out;
	}
	says = profile_says(p);
	if (!listed(b->profiles, rq->profile) && !says) {
		refuse(a, msg, cap, TA_E_NOT_FORWARDED,
		       "profile '%s' is not forwarded from %s: forward it with 'termauth ssh --profile %s', or 'forward = yes' in the profile there",
		       rq->profile, b->from, rq->profile);
		goto out;
	}
	if ((b->confirm || (says && !strcmp(says, "confirm"))) && !confirmed(b, rq->profile)) {
		refuse(a, msg, cap, TA_E_DENIED, "the use of profile '%s' was not confirmed on %s",
		       rq->profile, b->from);
		goto out;
	}
	if (rq->op == TA_WIRE_EXCHANGE && !exchanged(b, rc, rq, a, msg, cap, s, &r))
		goto out;
	if (rq->op != TA_WIRE_EXCHANGE)
		r = ta_session_fresh(rc, rq->profile, rq->min_ttl, s);
	/* The broker opens no browser by itself: the person signs in here. */
	if (r == TA_E_NO_SESSION || r == TA_E_EXPIRED)
		refuse(a, msg, cap, r, "profile '%s' needs a new sign-in on %s: run 'termauth -p %s login' there",
		       rq->profile, b->from, rq->profile);
	else if (r != TA_OK)
		refuse(a, msg, cap, r, "profile '%s' on %s: %s", rq->profile, b->from,
		       ta_client_message(rc));
out:
	ta_profile_free(p);
	ta_client_free(rc);
}

/* The profiles forwarded, for hello: those named, then those whose
 * profile says forward; space separated. */
static char *forwarded_list(struct ta_broker *b)
{
	struct ta_buf out = { 0 };
	char **names = NULL;
	size_t i;

	for (i = 0; b->profiles[i]; i++) {
		ta_buf_adds(&out, out.len ? " " : "");
		ta_buf_adds(&out, b->profiles[i]);
	}
	if (ta_profile_list(b->c, &names) != TA_OK)
		names = NULL;
	for (i = 0; names && names[i]; i++) {
		struct ta_profile *p = NULL;

		if (!listed(b->profiles, names[i]) && ta_profile_load(b->c, names[i], &p) == TA_OK &&
		    profile_says(p)) {
			ta_buf_adds(&out, out.len ? " " : "");
			ta_buf_adds(&out, names[i]);
		}
		ta_profile_free(p);
	}
	ta_profiles_free(names);
	ta_fail_undo(b->c);
	if (out.failed || !out.data) {
		ta_buf_clear(&out);
		return strdup("");
	}
	return out.data;
}

/* ---- serving ---- */

/* Takes one request from the budget; 0 when there is none left. */
static int within_rate(struct ta_broker *b)
{
	long long now = ta_monotonic_ms();

	b->budget += (double)(now - b->budget_at) * RATE_PER_SECOND / 1000.0;
	b->budget_at = now;
	if (b->budget > RATE_BURST)
		b->budget = RATE_BURST;
	if (b->budget < 1)
		return 0;
	b->budget -= 1;
	return 1;
}

static int peer_is_me(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) &&
	       (cred.uid == geteuid() || cred.uid == 0);
}

/* Which profile, when, for whom, and how it went: never the token. */
static void log_answer(const struct ta_broker *b, const struct ta_wire_request *rq,
                       const struct ta_wire_answer *a)
{
	time_t now = time(NULL);
	struct tm tm;
	char at[16] = "?";

	if (localtime_r(&now, &tm))
		strftime(at, sizeof(at), "%H:%M:%S", &tm);
	ta_debug(b->c, 1, "forwarding at %s: %s%s%s of profile '%s' for %s: %s", at,
	         rq->op == TA_WIRE_EXCHANGE ? "a token exchanged for audience '" : "the access token",
	         rq->op == TA_WIRE_EXCHANGE ? rq->audience : "",
	         rq->op == TA_WIRE_EXCHANGE ? "'" : "", rq->profile, b->session,
	         a->result == TA_OK ? "given" : ta_result_str(a->result));
}

static void serve_one(struct ta_broker *b, int fd)
{
	long long deadline = ta_monotonic_ms() + REQUEST_WAIT_MS;
	struct ta_wire_request rq = { 0 };
	struct ta_wire_answer a = { .result = TA_OK };
	struct ta_session *s = NULL;
	char *text = NULL, why[160], msg[TA_WIRE_MESSAGE_MAX + 1], *list = NULL;
	size_t len = 0;

	if (ta_wire_recv(fd, TA_WIRE_REQUEST_MAX, deadline, &text, &len))
		return; /* gone, too slow or too large: nothing to answer */
	if (ta_wire_request_parse(text, len, &rq, why, sizeof(why))) {
		refuse(&a, msg, sizeof(msg), TA_E_ARG, "%s", why);
	} else if (!within_rate(b)) {
		refuse(&a, msg, sizeof(msg), TA_E_INTERNAL,
		       "the broker on %s is asked too often (over %d times a second): try again",
		       b->from, RATE_PER_SECOND);
	} else if (rq.op == TA_WIRE_HELLO) {
		a.from = b->from;
		a.profiles = list = forwarded_list(b);
	} else {
		answer_token(b, &rq, &a, msg, sizeof(msg), &s);
		if (s) {
			a.access_token = (char *)ta_session_access_token(s);
			a.token_type = (char *)ta_session_token_type(s);
			a.scope = (char *)ta_session_scope(s);
			a.expires_at = ta_session_expires_at(s);
		}
	}
	if (rq.op != TA_WIRE_HELLO && rq.op)
		log_answer(b, &rq, &a);
	ta_wipe(text, len);
	free(text);
	/* The answer's own deadline: the person may have taken a while to
	 * confirm, or the IdP to refresh. */
	if ((text = ta_wire_answer_encode(&a)))
		ta_wire_send(fd, text, ta_monotonic_ms() + REQUEST_WAIT_MS);
	ta_free_secret(text);
	ta_session_free(s);
	free(list);
	ta_wire_request_clear(&rq);
}

enum ta_result ta_broker_serve(struct ta_broker *b)
{
	int fd;

	ta_call_begin(b->c);
	while ((fd = accept4(b->fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		/* Blocking from here, each step under its deadline. */
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		if (peer_is_me(fd))
			serve_one(b, fd);
		else
			ta_debug(b->c, 1, "forwarding: a connection of another user was refused");
		close(fd);
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED)
		return TA_OK;
	return ta_fail(b->c, TA_E_LISTEN, "the broker cannot accept connections: %s", strerror(errno));
}

void ta_broker_stop(struct ta_broker *b)
{
	size_t i;

	if (!b)
		return;
	if (b->fd >= 0)
		close(b->fd);
	if (b->path) {
		struct stat now;

		if (!lstat(b->path, &now) && now.st_dev == b->node.st_dev &&
		    now.st_ino == b->node.st_ino)
			unlink(b->path);
	}
	for (i = 0; b->profiles && b->profiles[i]; i++)
		free(b->profiles[i]);
	for (i = 0; i < b->nallowed; i++)
		free(b->allowed[i]);
	free(b->profiles);
	free(b->path);
	free(b->from);
	free(b->session);
	free(b);
}
