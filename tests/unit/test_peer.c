/*
 * test_peer.c - unit tests of lib/peer.c: the owner of a connected peer's
 * socket is found (this process's user), and a peer that has closed its
 * socket is gone - never taken for root, as the kernel's table shows such
 * a socket (uid 0, no inode) while its request may still wait to be read.
 * That another user's connection is refused is shown end to end by
 * tests/integration/t_other_user.sh.
 */
#include "unit.h"
#include "signin/peer.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

/* A listener on 127.0.0.1, any port; its port in *port. */
static int listen_any(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static int connect_to(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Accepts one connection; its peer's owner as ta_peer_uid says. */
static enum ta_peer accept_and_ask(int lfd, int port, uid_t *uid)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	int fd = accept(lfd, (struct sockaddr *)&peer, &len);
	enum ta_peer r;

	assert_true(fd >= 0);
	r = ta_peer_uid((struct sockaddr *)&peer, len, port, uid);
	close(fd);
	return r;
}

static void a_connected_peer_is_its_owners(void **state)
{
	int port, lfd = listen_any(&port), cfd = connect_to(port);
	uid_t uid = (uid_t)-1;

	(void)state;
	assert_int_equal(accept_and_ask(lfd, port, &uid), TA_PEER_FOUND);
	assert_int_equal(uid, geteuid());
	close(cfd);
	close(lfd);
}

static void a_closed_peer_is_gone_not_root(void **state)
{
	int port, lfd = listen_any(&port), cfd = connect_to(port);
	uid_t uid = (uid_t)-1;

	(void)state;
	/* A request, then close at once: the socket lives on in the kernel,
	 * with no process and no inode, its request still to be read. */
	assert_int_equal(write(cfd, "GET / HTTP/1.0\r\n\r\n", 18), 18);
	close(cfd);
	assert_int_equal(accept_and_ask(lfd, port, &uid), TA_PEER_GONE);
	close(lfd);
}

static void not_an_ipv4_peer_is_unknown(void **state)
{
	struct sockaddr_in6 six = { .sin6_family = AF_INET6 };
	uid_t uid;

	(void)state;
	assert_int_equal(ta_peer_uid((struct sockaddr *)&six, sizeof(six), 1, &uid), TA_PEER_UNKNOWN);
	assert_int_equal(ta_peer_uid(NULL, 0, 1, &uid), TA_PEER_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_connected_peer_is_its_owners),
		cmocka_unit_test(a_closed_peer_is_gone_not_root),
		cmocka_unit_test(not_an_ipv4_peer_is_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
