/*
 * peer.c - see peer.h. The kernel keeps, for every TCP socket, the uid of
 * the user who made it; both ends of a loopback connection are in the
 * table. sock_diag answers one exact question in one round trip;
 * /proc/net/tcp (the same table, as text) is the fallback where netlink is
 * filtered. Neither needs privilege: `ss` and `netstat` read the same.
 *
 * A socket its process has closed (FIN-WAIT, TIME-WAIT: the kernel keeps
 * the connection, the process is gone) has no inode and shows uid 0, as if
 * root owned it; its request may still be waiting to be read. So a peer
 * without an inode is gone, never root: otherwise another user could send
 * a request, close at once, and be served as root.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#endif
#include "signin/peer.h"

#ifdef __linux__
/* The peer is the socket whose own end is peer and whose other end is our
 * listener: an exact lookup, not a dump of every socket on the machine. */
static enum ta_peer by_sock_diag(const struct sockaddr_in *peer, int local_port, uid_t *uid)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} ask;
	union {
		struct nlmsghdr nlh;
		char bytes[4096];
	} answer;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval limit = { .tv_sec = 1 };
	const struct inet_diag_msg *m;
	enum ta_peer r = TA_PEER_UNKNOWN;
	ssize_t n;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd < 0)
		return TA_PEER_UNKNOWN;
	memset(&ask, 0, sizeof(ask));
	ask.nlh.nlmsg_len = sizeof(ask);
	ask.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	ask.nlh.nlmsg_flags = NLM_F_REQUEST;
	ask.req.sdiag_family = AF_INET;
	ask.req.sdiag_protocol = IPPROTO_TCP;
	ask.req.idiag_states = ~0U;
	ask.req.id.idiag_sport = peer->sin_port;
	ask.req.id.idiag_src[0] = peer->sin_addr.s_addr;
	ask.req.id.idiag_dport = htons((uint16_t)local_port);
	ask.req.id.idiag_dst[0] = htonl(INADDR_LOOPBACK);
	ask.req.id.idiag_cookie[0] = ask.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
	if (sendto(fd, &ask, sizeof(ask), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		goto out;
	do
		n = recv(fd, &answer, sizeof(answer), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0 || !NLMSG_OK(&answer.nlh, (size_t)n))
		goto out;
	if (answer.nlh.nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(&answer.nlh);
		if (answer.nlh.nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error == -ENOENT)
			r = TA_PEER_GONE;
		goto out;
	}
	m = NLMSG_DATA(&answer.nlh);
	if (answer.nlh.nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    answer.nlh.nlmsg_len < NLMSG_LENGTH(sizeof(*m)) ||
	    m->id.idiag_sport != peer->sin_port || m->id.idiag_src[0] != peer->sin_addr.s_addr ||
	    m->id.idiag_dport != htons((uint16_t)local_port))
		goto out;
	if (m->idiag_inode == 0) { /* closed by its process: see above */
		r = TA_PEER_GONE;
		goto out;
	}
	*uid = (uid_t)m->idiag_uid;
	r = TA_PEER_FOUND;
out:
	close(fd);
	return r;
}
#endif

/* Skips n white-space separated fields of a /proc/net/tcp line. */
static const char *skip_fields(const char *p, int n)
{
	while (n-- > 0) {
		p += strspn(p, " ");
		p += strcspn(p, " \n");
	}
	return p + strspn(p, " ");
}

/* A decimal field at p, ended by a space or the line's end: 1, else 0. */
static int number_at(const char *p, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(p, &end, 10);
	return !errno && end != p && (*end == ' ' || *end == '\n');
}

/* The same lookup in /proc/net/tcp: "sl local rem st tx:rx tr:when
 * retrnsmt uid timeout inode ...", addresses as the hex of the 32-bit
 * value in memory. */
static enum ta_peer by_proc(const struct sockaddr_in *peer, int local_port, uid_t *uid)
{
	char want[32], line[512];
	enum ta_peer r = TA_PEER_GONE;
	FILE *f = fopen("/proc/net/tcp", "re");

	if (!f)
		return TA_PEER_UNKNOWN;
	snprintf(want, sizeof(want), "%08X:%04X %08X:%04X", (unsigned)peer->sin_addr.s_addr,
	         (unsigned)ntohs(peer->sin_port), (unsigned)htonl(INADDR_LOOPBACK),
	         (unsigned)local_port);
	if (!fgets(line, sizeof(line), f)) /* the heading */
		r = TA_PEER_UNKNOWN;
	while (r == TA_PEER_GONE && fgets(line, sizeof(line), f)) {
		const char *p = skip_fields(line, 1);
		unsigned long v, inode;

		if (strncmp(p, want, strlen(want)))
			continue;
		p = skip_fields(p, 6); /* local, rem, st, tx:rx, tr:when, retrnsmt */
		r = TA_PEER_UNKNOWN;
		if (!number_at(p, &v))
			break;
		p = skip_fields(p, 2); /* uid, timeout */
		if (!number_at(p, &inode))
			break;
		if (inode == 0) { /* closed by its process: see above */
			r = TA_PEER_GONE;
			break;
		}
		*uid = (uid_t)v;
		r = TA_PEER_FOUND;
	}
	fclose(f);
	return r;
}

enum ta_peer ta_peer_uid(const struct sockaddr *peer, socklen_t len, int local_port, uid_t *uid)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)peer;
	enum ta_peer r = TA_PEER_UNKNOWN;

	if (!peer || len < sizeof(*in) || peer->sa_family != AF_INET)
		return TA_PEER_UNKNOWN;
#ifdef __linux__
	r = by_sock_diag(in, local_port, uid);
#endif
	if (r == TA_PEER_UNKNOWN)
		r = by_proc(in, local_port, uid);
	return r;
}
