/*
 * client.c - see client.h, and the ta_agent_* functions of termauth.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "agent/client.h"
#include "base/clock.h"
#include "base/fileio.h"
#include "base/result.h"
#include "base/secret.h"
#include "profile/record.h"

/* A socket that another user could reach (or replace) is not used: what
 * it says could be theirs, and what we ask would tell them what we use. */
static enum ta_result check_socket(struct ta_client *c, const char *path, const char *shown)
{
	struct stat st;
	uid_t me = geteuid();

	if (lstat(path, &st))
		return ta_fail(c, TA_E_AGENT_GONE, "the broker's socket %s is gone: %s", shown,
		               strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return ta_fail(c, TA_E_AGENT_GONE, "%s is not a socket", shown);
	if (st.st_uid != me && st.st_uid != 0)
		return ta_fail(c, TA_E_AGENT_GONE, "the broker's socket %s belongs to another user (uid %u): not used",
		               shown, (unsigned)st.st_uid);
	if (st.st_mode & 0077)
		return ta_fail(c, TA_E_AGENT_GONE,
		               "the broker's socket %s can be used by other users (mode %03o): not used; "
		               "its sshd must keep StreamLocalBindMask 0177, the default",
		               shown, (unsigned)(st.st_mode & 0777));
	return TA_OK;
}

static enum ta_result connect_to(struct ta_client *c, const char *path, const char *shown,
                                 int *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	enum ta_result r;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return ta_fail(c, TA_E_ARG, "the broker's socket path is too long: %s", shown);
	if ((r = check_socket(c, path, shown)) != TA_OK)
		return r;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return ta_fail(c, TA_E_INTERNAL, "cannot make a socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;
		close(fd);
		return ta_fail(c, TA_E_AGENT_GONE, "nothing answers at the broker's socket %s: %s", shown,
		               strerror(e));
	}
	*out = fd;
	return TA_OK;
}

enum ta_result ta_agent_ask(struct ta_client *c, const char *path,
                            const struct ta_wire_request *rq, struct ta_wire_answer *a)
{
	long long deadline = ta_monotonic_ms() + TA_AGENT_WAIT_MS;
	char *text = NULL, why[160], shown[128];
	size_t len = 0;
	enum ta_result r;
	int fd = -1;

	memset(a, 0, sizeof(*a));
	if (!(text = ta_wire_request_encode(rq)))
		return TA_E_NOMEM;
	/* The path comes from the environment: shown only printable. */
	ta_printable(shown, sizeof(shown), path);
	if ((r = connect_to(c, path, shown, &fd)) != TA_OK)
		goto out;
	if (ta_wire_send(fd, text, deadline)) {
		r = ta_fail(c, TA_E_AGENT_GONE, "the broker at %s hung up: %s", shown, strerror(errno));
		goto out;
	}
	free(text);
	text = NULL;
	if (ta_wire_recv(fd, TA_WIRE_ANSWER_MAX, deadline, &text, &len)) {
		r = ta_fail(c, errno == EPIPE ? TA_E_AGENT_GONE : TA_E_PROTOCOL,
		            "no answer from the broker at %s: %s", shown,
		            errno == EPIPE ? "it hung up" : strerror(errno));
		goto out;
	}
	if (ta_wire_answer_parse(text, len, a, why, sizeof(why))) {
		ta_wire_answer_clear(a);
		r = ta_fail(c, TA_E_PROTOCOL, "%s", why);
	}
out:
	if (fd >= 0)
		close(fd);
	if (text)
		ta_wipe(text, len ? len : strlen(text));
	free(text);
	return r;
}

/* The broker's answer as the caller's result: a success as a session that
 * holds what crossed, a failure with the broker's words. */
static enum ta_result session_of(struct ta_client *c, struct ta_wire_answer *a,
                                 struct ta_session **out)
{
	struct ta_session *s;
	enum ta_result r;

	if (a->result != TA_OK)
		return ta_fail(c, a->result, "%s", a->message);
	if (!a->access_token)
		return ta_fail(c, TA_E_PROTOCOL, "the broker's answer holds no access token");
	if ((r = ta_session_new(&s)) != TA_OK)
		return r;
	s->access_token = a->access_token;
	s->token_type = a->token_type;
	s->scope = a->scope;
	s->expires_at = a->expires_at;
	a->access_token = a->token_type = a->scope = NULL; /* moved */
	*out = s;
	return TA_OK;
}

static enum ta_result ask(struct ta_client *c, const char *socket, struct ta_wire_request *rq,
                          struct ta_session **out)
{
	struct ta_wire_answer a;
	enum ta_result r;

	if (!socket || !*socket)
		return ta_fail(c, TA_E_ARG, "no broker's socket is given");
	if ((r = ta_agent_ask(c, socket, rq, &a)) == TA_OK)
		r = session_of(c, &a, out);
	ta_wire_answer_clear(&a);
	return r;
}

/* The request's profile, checked as every profile name is, and how long
 * its token must last (the wire's bounds: never a shorter one silently). */
static enum ta_result name_profile(struct ta_client *c, struct ta_wire_request *rq,
                                   const char *profile, long long min_ttl)
{
	if (!ta_profile_name_ok(profile))
		return ta_fail(c, TA_E_ARG, "'%s' is not a valid profile name", profile ? profile : "");
	if (min_ttl < 0 || min_ttl > 86400)
		return ta_fail(c, TA_E_ARG, "a forwarded token is asked for 0 to 86400 seconds ahead, not %lld",
		               min_ttl);
	memcpy(rq->profile, profile, strlen(profile) + 1);
	rq->min_ttl = min_ttl;
	return TA_OK;
}

enum ta_result ta_agent_fresh(struct ta_client *c, const char *socket, const char *profile,
                              long long min_ttl, struct ta_session **out)
{
	struct ta_wire_request rq = { .op = TA_WIRE_TOKEN };
	enum ta_result r;

	ta_call_begin(c);
	if ((r = name_profile(c, &rq, profile, min_ttl)) != TA_OK)
		return r;
	return ask(c, socket, &rq, out);
}

enum ta_result ta_agent_exchange(struct ta_client *c, const char *socket, const char *profile,
                                 const struct ta_exchange_request *req, long long min_ttl,
                                 struct ta_session **out)
{
	struct ta_wire_request rq = { .op = TA_WIRE_EXCHANGE };
	struct ta_exchange_request e;
	enum ta_result r;

	ta_call_begin(c);
	if (!req)
		return ta_fail(c, TA_E_ARG, "an exchange needs an audience");
	/* As many members as the program's termauth.h had; the rest NULL. */
	if ((r = ta_sized_read(c, "struct ta_exchange_request", &e, sizeof(e), req)) != TA_OK)
		return r;
	if (!e.audience || !*e.audience)
		return ta_fail(c, TA_E_ARG, "an exchange needs an audience");
	if ((r = name_profile(c, &rq, profile, min_ttl)) != TA_OK)
		return r;
	/* The request only points at the caller's strings: not cleared. */
	rq.audience = (char *)e.audience;
	rq.resource = (char *)e.resource;
	rq.scope = (char *)e.scope;
	rq.requested_token_type = (char *)e.requested_token_type;
	return ask(c, socket, &rq, out);
}

enum ta_result ta_agent_info(struct ta_client *c, const char *socket, char **from,
                             char **profiles)
{
	struct ta_wire_request rq = { .op = TA_WIRE_HELLO };
	struct ta_wire_answer a;
	enum ta_result r;

	ta_call_begin(c);
	*from = *profiles = NULL;
	if (!socket || !*socket)
		return ta_fail(c, TA_E_ARG, "no broker's socket is given");
	if ((r = ta_agent_ask(c, socket, &rq, &a)) == TA_OK) {
		if (a.result != TA_OK) {
			r = ta_fail(c, a.result, "%s", a.message);
		} else {
			*from = a.from;
			*profiles = a.profiles;
			a.from = a.profiles = NULL;
			if (!*from && !(*from = strdup("?")))
				r = TA_E_NOMEM;
		}
	}
	ta_wire_answer_clear(&a);
	return r;
}
