/*
 * client.h - the far side of forwarding: one question to the broker whose
 * socket TERMAUTH_AGENT_SOCK names (the caller reads the variable), and
 * its answer. The public ta_agent_* functions (termauth.h) are built on
 * it; the small termauth asks with it directly.
 */
#ifndef TA_AGENT_CLIENT_H
#define TA_AGENT_CLIENT_H

#include "agent/wire.h"

/* How long a question may take: the broker may refresh at the IdP first,
 * or wait for the person to confirm on its terminal. */
#define TA_AGENT_WAIT_MS 90000

/* Connects to the socket at path and asks rq. The socket must be a
 * socket that this user (or root) owns and that no other user can
 * connect to (sshd makes a forwarded one so, by its StreamLocalBindMask
 * 0177). TA_OK with *a filled, whose result may be a failure the broker
 * reports (its message in a->message); TA_E_AGENT_GONE when nothing
 * answers there; TA_E_AGENT_GONE or TA_E_PROTOCOL, with a message, for a
 * socket that is not fit or an answer that does not parse. */
TA_HIDDEN enum ta_result ta_agent_ask(struct ta_client *c, const char *path,
                                      const struct ta_wire_request *rq, struct ta_wire_answer *a);

#endif
