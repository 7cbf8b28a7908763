/*
 * loopback.c - see loopback.h. libmicrohttpd serves in its own thread. We
 * bind the socket ourselves so that "port in use" is told apart from other
 * failures, and read each request's raw URI (MHD's URI log callback) so
 * that the query goes through our own strict parser: MHD keeps only the
 * first of duplicated parameters and truncates values at %00.
 *
 * The browser's redirect with a code is held (MHD suspends it) until the
 * sign-in has finished, so that its page says how it ended: the code
 * exchanged and the ID token checked, naming the account, or why not.
 *
 * Every local user can connect to 127.0.0.1, and all of them come from
 * 127.0.0.1: each connection is let in only when its socket belongs to
 * this process's user (or root, who can read this process's memory
 * anyway), looked up in the kernel's socket table (peer.c) before MHD
 * serves it. Another user's connections are closed at once, so they can
 * neither fill the connection limits nor fetch /start or /callback.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <microhttpd.h>
#include "signin/loopback.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/secret.h"
#include "signin/peer.h"

/* How long the end of a sign-in waits for its page to go out. */
#define FINISH_WAIT_MS 3000

struct ta_loopback {
	struct MHD_Daemon *daemon;
	const struct ta_expect *expect;
	int port;
	int pipe[2];
	pthread_mutex_t lock;
	/* Guarded by lock: */
	int decided;     /* a decisive outcome arrived (later ones are refused) */
	int ready;       /* ... and its page has been sent, or it is held */
	int delivered;   /* ... and it was taken */
	struct MHD_Connection *held; /* the redirect with the code, suspended */
	char *held_page;             /* its page, once the sign-in has ended */
	unsigned held_status;
	int held_sent;               /* ... and it has gone out */
	struct ta_outcome outcome;
	int ignored;
	char ignored_why[256];
	char *start_path;     /* "/start/<random>": the browser's way in */
	char *start_location; /* where it sends the browser, once */
	int start_served;
	uid_t uid;            /* whose connections are served */
	struct ta_loopback_refusals refusals; /* since the last take */
};

static void mhd_quiet(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	(void)fmt;
	(void)ap; /* MHD's own messages could quote a request: never shown */
}

/* A request's context: its raw URI, whether it ended the sign-in, and
 * whether it is the held redirect. */
struct request {
	char *uri;
	int decisive;
	int held;
};

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct request *req = calloc(1, sizeof(*req));
	(void)cls;
	(void)conn;

	if (req && !(req->uri = strdup(uri))) {
		free(req);
		req = NULL;
	}
	return req;
}

static void notify(struct ta_loopback *l)
{
	ssize_t n;

	do
		n = write(l->pipe[1], "!", 1);
	while (n < 0 && errno == EINTR);
}

/* The waiting thread hears of the decisive redirect only once its page has
 * gone out, so that stopping the listener cannot cut the page short. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **ctx,
                         enum MHD_RequestTerminationCode toe)
{
	struct ta_loopback *l = cls;
	struct request *req = *ctx;
	(void)conn;
	(void)toe;

	if (!req)
		return;
	if (req->decisive) {
		pthread_mutex_lock(&l->lock);
		if (req->held)
			l->held_sent = 1;
		else
			l->ready = 1;
		pthread_mutex_unlock(&l->lock);
		notify(l);
	}
	ta_free_secret(req->uri);
	free(req);
	*ctx = NULL;
}

/* Sends page (taking it) with the headers every page gets. */
static enum MHD_Result send_page(struct MHD_Connection *conn, unsigned status, char *page)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (!page)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(page), page, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(page);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
	                        "default-src 'none'; style-src 'unsafe-inline'");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned status, const char *why)
{
	return send_page(conn, status, ta_callback_page_failed(why));
}

/* Judges a redirect and records it; returns the page to show. */
static enum MHD_Result handle_callback(struct ta_loopback *l, struct request *req,
                                       struct MHD_Connection *conn, const char *query)
{
	struct ta_outcome o;
	int first = 0;

	ta_callback_judge(query, strlen(query), l->expect, &o);
	pthread_mutex_lock(&l->lock);
	if (o.verdict == TA_CALLBACK_IGNORED) {
		l->ignored++;
		memcpy(l->ignored_why, o.why, sizeof(o.why));
	} else if (!l->decided) {
		l->decided = first = req->decisive = 1;
		l->outcome = o;
		o.code = NULL; /* moved */
	}
	pthread_mutex_unlock(&l->lock);
	if (o.verdict == TA_CALLBACK_IGNORED)
		notify(l);
	ta_free_secret(o.code);
	if (o.verdict == TA_CALLBACK_IGNORED)
		return respond(conn, MHD_HTTP_BAD_REQUEST,
		               "This page does not belong to the sign-in in progress, so it was ignored.");
	if (!first)
		return respond(conn, MHD_HTTP_BAD_REQUEST, "This sign-in has already finished.");
	if (o.verdict == TA_CALLBACK_CODE) {
		/* Suspended before the waiting thread hears of it, so that its
		 * resume (ta_loopback_finish) always follows the suspension. */
		req->held = 1;
		MHD_suspend_connection(conn);
		pthread_mutex_lock(&l->lock);
		l->held = conn;
		l->ready = 1;
		pthread_mutex_unlock(&l->lock);
		notify(l);
		return MHD_YES;
	}
	return respond(conn, MHD_HTTP_BAD_REQUEST, o.why);
}

/* Ends the sign-in from the listener's thread with a failure. */
static void decide_failure(struct ta_loopback *l, struct request *req, enum ta_result r,
                           const char *why)
{
	pthread_mutex_lock(&l->lock);
	if (!l->decided) {
		l->decided = req->decisive = 1;
		l->outcome.verdict = TA_CALLBACK_FAILED;
		l->outcome.result = r;
		snprintf(l->outcome.why, sizeof(l->outcome.why), "%s", why);
	}
	pthread_mutex_unlock(&l->lock);
}

/* The browser is launched at /start/<random> rather than at the IdP, so
 * that no argv (the launcher's, the browser's) shows state, nonce or the
 * PKCE challenge, with which another local user could complete the
 * sign-in with their own account. The first visit is sent on to the IdP;
 * a second one means someone else read the start URL: the sign-in ends. */
static enum MHD_Result handle_start(struct ta_loopback *l, struct request *req,
                                    struct MHD_Connection *conn, const char *path)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *location = NULL;
	int first = 0;

	pthread_mutex_lock(&l->lock);
	if (l->start_path && ta_secret_equal(path, l->start_path)) {
		first = !l->start_served;
		l->start_served = 1;
		location = first ? strdup(l->start_location) : NULL;
	} else {
		pthread_mutex_unlock(&l->lock);
		return respond(conn, MHD_HTTP_NOT_FOUND, "Nothing is served here.");
	}
	pthread_mutex_unlock(&l->lock);
	if (!first) {
		decide_failure(l, req, TA_E_CALLBACK,
		               "the sign-in page was opened twice: another program may have read its address; sign in again");
		return respond(conn, MHD_HTTP_BAD_REQUEST, "This sign-in was already started once.");
	}
	if (!location || !(resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT))) {
		ta_free_secret(location);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Location", location);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	ret = MHD_queue_response(conn, MHD_HTTP_FOUND, resp);
	MHD_destroy_response(resp);
	ta_free_secret(location);
	return ret;
}

static enum MHD_Result send_held(struct ta_loopback *l, struct MHD_Connection *conn)
{
	char *page;
	unsigned status;

	pthread_mutex_lock(&l->lock);
	page = l->held_page;
	status = l->held_status;
	l->held_page = NULL;
	pthread_mutex_unlock(&l->lock);
	return page ? send_page(conn, status, page) : MHD_NO;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_size, void **ctx)
{
	struct request *req = *ctx;
	const char *query;
	(void)version;
	(void)upload_data;
	(void)upload_size;

	if (strcmp(method, "GET"))
		return respond(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "Only GET is served here.");
	if (!req)
		return MHD_NO;
	if (req->held) /* resumed: the sign-in has ended, its page is ready */
		return send_held(cls, conn);
	if (!strncmp(url, "/start/", 7))
		return handle_start(cls, req, conn, url);
	if (strcmp(url, "/callback"))
		return respond(conn, MHD_HTTP_NOT_FOUND, "Nothing is served here.");
	query = strchr(req->uri, '?');
	return handle_callback(cls, req, conn, query ? query + 1 : "");
}

/* MHD's accept policy, called in its thread for each new connection
 * before it is served (and before it stays counted against any limit). */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct ta_loopback *l = cls;
	uid_t uid = (uid_t)-1;
	enum ta_peer p = ta_peer_uid(addr, len, l->port, &uid);
	int ok = p == TA_PEER_UNKNOWN || (p == TA_PEER_FOUND && (uid == l->uid || uid == 0));

	pthread_mutex_lock(&l->lock);
	if (p == TA_PEER_UNKNOWN)
		l->refusals.owner_unknown = 1;
	else if (p == TA_PEER_GONE)
		l->refusals.gone++;
	else if (!ok) {
		l->refusals.other_user++;
		l->refusals.uid = uid;
	}
	pthread_mutex_unlock(&l->lock);
	if (!ok)
		notify(l);
	return ok ? MHD_YES : MHD_NO;
}

static enum ta_result bind_socket(struct ta_client *c, int port, int *fd_out,
                                  int *port_out)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t salen = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	if (fd < 0)
		return ta_fail(c, TA_E_LISTEN, "cannot open a socket: %s", strerror(errno));
	/* No SO_REUSEADDR: a port someone else listens on must fail here. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;
		close(fd);
		if (e == EADDRINUSE)
			return ta_fail(c, TA_E_PORT_IN_USE, "port %d on 127.0.0.1 is already in use", port);
		return ta_fail(c, TA_E_LISTEN, "cannot listen on 127.0.0.1:%d: %s", port, strerror(e));
	}
	if (listen(fd, 32) || getsockname(fd, (struct sockaddr *)&sa, &salen)) {
		int e = errno;
		close(fd);
		return ta_fail(c, TA_E_LISTEN, "cannot listen on 127.0.0.1:%d: %s", port, strerror(e));
	}
	*fd_out = fd;
	*port_out = ntohs(sa.sin_port);
	return TA_OK;
}

enum ta_result ta_loopback_start(struct ta_client *c, int port,
                                 const struct ta_expect *e, struct ta_loopback **out)
{
	struct ta_loopback *l = calloc(1, sizeof(*l));
	enum ta_result r;
	int fd = -1;

	if (!l)
		return TA_E_NOMEM;
	l->expect = e;
	l->uid = geteuid();
	l->pipe[0] = l->pipe[1] = -1;
	pthread_mutex_init(&l->lock, NULL);
	if (pipe2(l->pipe, O_CLOEXEC | O_NONBLOCK)) {
		r = ta_fail(c, TA_E_LISTEN, "cannot make a pipe: %s", strerror(errno));
		goto fail;
	}
	if ((r = bind_socket(c, port, &fd, &l->port)) != TA_OK)
		goto fail;
	/* EXTERNAL_LOGGER must come first so nothing is logged before it. A
	 * browser keeps idle connections open: allow plenty of them, and bound
	 * each one's idle time; the sign-in's own deadline bounds the rest. */
	/* AUTO: poll or epoll rather than select, which fails for descriptors
	 * past 1023 in a large embedding program. */
	l->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
	                             MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
	                             0, on_accept, l, on_request, l,
	                             MHD_OPTION_EXTERNAL_LOGGER, mhd_quiet, NULL,
	                             MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	                             MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	                             MHD_OPTION_NOTIFY_COMPLETED, on_completed, l,
	                             MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
	                             MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)48,
	                             MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)15,
	                             MHD_OPTION_END);
	if (!l->daemon) {
		/* No close(fd): libmicrohttpd closed it already, and closing it
		 * again could close another thread's new descriptor. */
		r = ta_fail(c, TA_E_LISTEN, "the loopback listener could not start");
		goto fail;
	}
	ta_debug(c, 1, "listening on 127.0.0.1:%d", l->port);
	*out = l;
	return TA_OK;
fail:
	ta_loopback_stop(l);
	return r;
}

enum ta_result ta_loopback_set_start(struct ta_loopback *l, const char *token,
                                     const char *location)
{
	char *path = malloc(strlen(token) + 8), *loc = strdup(location);

	if (!path || !loc) {
		free(path);
		ta_free_secret(loc);
		return TA_E_NOMEM;
	}
	memcpy(path, "/start/", 7);
	memcpy(path + 7, token, strlen(token) + 1);
	pthread_mutex_lock(&l->lock);
	ta_free_secret(l->start_path);
	ta_free_secret(l->start_location);
	l->start_path = path;
	l->start_location = loc;
	l->start_served = 0;
	pthread_mutex_unlock(&l->lock);
	return TA_OK;
}

int ta_loopback_renew_start(struct ta_loopback *l, const char *location)
{
	char *loc = strdup(location);
	int renewed = 0;

	if (!loc)
		return 0;
	pthread_mutex_lock(&l->lock);
	if (l->start_location && !l->start_served) {
		ta_free_secret(l->start_location);
		l->start_location = loc;
		loc = NULL;
		renewed = 1;
	}
	pthread_mutex_unlock(&l->lock);
	ta_free_secret(loc);
	return renewed;
}

int ta_loopback_start_served(struct ta_loopback *l)
{
	int served;

	pthread_mutex_lock(&l->lock);
	served = l->start_served;
	pthread_mutex_unlock(&l->lock);
	return served;
}

int ta_loopback_port(const struct ta_loopback *l)
{
	return l->port;
}

int ta_loopback_fd(const struct ta_loopback *l)
{
	return l->pipe[0];
}

int ta_loopback_take(struct ta_loopback *l, struct ta_outcome *out, char *why,
                     size_t whylen, int *ignored, struct ta_loopback_refusals *refusals)
{
	char drain[64];
	int got = 0;

	while (read(l->pipe[0], drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&l->lock);
	*refusals = l->refusals;
	memset(&l->refusals, 0, sizeof(l->refusals));
	*ignored = l->ignored;
	l->ignored = 0;
	if (*ignored && whylen) {
		strncpy(why, l->ignored_why, whylen - 1);
		why[whylen - 1] = '\0';
	}
	if (l->ready && !l->delivered) {
		*out = l->outcome;
		memset(&l->outcome, 0, sizeof(l->outcome));
		l->delivered = got = 1;
	}
	pthread_mutex_unlock(&l->lock);
	return got;
}

void ta_loopback_finish(struct ta_loopback *l, int signed_in, const char *account,
                        const char *profile, const char *why)
{
	char *page = signed_in ? ta_callback_page_signed_in(account, profile)
	                       : ta_callback_page_failed(why);
	long long deadline = ta_monotonic_ms() + FINISH_WAIT_MS;
	struct MHD_Connection *conn;
	int sent = 0;

	pthread_mutex_lock(&l->lock);
	conn = l->held;
	l->held = NULL;
	if (conn) {
		free(l->held_page);
		l->held_page = page;
		l->held_status = page && signed_in ? MHD_HTTP_OK : MHD_HTTP_BAD_REQUEST;
		page = NULL;
	}
	pthread_mutex_unlock(&l->lock);
	free(page);
	if (!conn)
		return; /* the code was pasted, or its page is out already */
	MHD_resume_connection(conn);
	/* The page goes out at once (a local socket takes it whole); the
	 * bound only keeps a browser that vanished from holding the terminal.
	 * With no page (no memory), MHD closes the connection. */
	while (!sent) {
		struct pollfd p = { .fd = l->pipe[0], .events = POLLIN };
		long long left = deadline - ta_monotonic_ms();
		char drain[64];

		if (left <= 0 || (poll(&p, 1, (int)left) < 0 && errno != EINTR))
			break;
		while (read(l->pipe[0], drain, sizeof(drain)) > 0)
			;
		pthread_mutex_lock(&l->lock);
		sent = l->held_sent;
		pthread_mutex_unlock(&l->lock);
	}
}

void ta_loopback_stop(struct ta_loopback *l)
{
	if (!l)
		return;
	/* A held redirect is answered first: MHD must not stop with a
	 * suspended connection, and the browser should not hang. */
	if (l->daemon)
		ta_loopback_finish(l, 0, NULL, NULL, NULL);
	if (l->daemon)
		MHD_stop_daemon(l->daemon); /* closes the listening socket */
	if (l->pipe[0] >= 0)
		close(l->pipe[0]);
	if (l->pipe[1] >= 0)
		close(l->pipe[1]);
	ta_free_secret(l->outcome.code);
	ta_free_secret(l->start_path);
	ta_free_secret(l->start_location);
	free(l->held_page);
	pthread_mutex_destroy(&l->lock);
	free(l);
}
