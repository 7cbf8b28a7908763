/*
 * peer.h - who is at the other end of a loopback TCP connection: the uid
 * that owns the peer's socket, from the kernel's socket table. Every local
 * user connects to 127.0.0.1 from 127.0.0.1, so the address tells nothing;
 * the owner of the socket does. Linux only; elsewhere the owner is unknown.
 */
#ifndef TA_PEER_H
#define TA_PEER_H

#include <sys/socket.h>
#include <sys/types.h>
#include "base/handle.h"

enum ta_peer {
	TA_PEER_FOUND,   /* *uid is the owner of the peer's socket */
	TA_PEER_GONE,    /* the table has no such socket: it closed already */
	TA_PEER_UNKNOWN, /* the table cannot be read here (no sock_diag, no /proc) */
};

/* Looks up the socket bound to peer (an AF_INET address, as accept() gave
 * it) and connected to 127.0.0.1:local_port, and sets *uid to its owner.
 * Tries sock_diag (one exact netlink query), then /proc/net/tcp. Safe to
 * call from any thread; allocates nothing. */
TA_HIDDEN enum ta_peer ta_peer_uid(const struct sockaddr *peer, socklen_t len,
                                   int local_port, uid_t *uid);

#endif
