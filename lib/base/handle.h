/*
 * handle.h - the client handle's layout (struct ta_client), which every
 * layer is handed: the options set on it, the callbacks of the program that
 * embeds the library, and the message buffer of its last failure. What
 * fills the options is profile/; who reads the message is the program
 * (ta_client_message). Nothing here is part of the API.
 */
#ifndef TA_BASE_HANDLE_H
#define TA_BASE_HANDLE_H

#include <stddef.h>
#include "termauth.h"

#define TA_HIDDEN __attribute__((visibility("hidden")))
#define TA_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Room for a message naming two issuers of TA_ISSUER_MAX bytes whole,
 * with the command that fixes it. */
#define TA_MESSAGE_MAX 1024

struct ta_dpop_key; /* jose/dpop.h */

struct ta_client {
	char *issuer;
	char *client_id;
	char *scopes;
	char *flow;
	char *browser;
	char *authorization_endpoint;
	char *token_endpoint;
	char *device_endpoint;
	char *client_secret;
	char *provider;
	char *tenant;
	char *client_expires_at; /* a registered client's expiry, decimal */
	char *profile_name;      /* what the browser's last page calls this sign-in */
	char *resources;         /* TA_OPT_RESOURCE: space separated */
	char *dpop;              /* TA_OPT_DPOP: "yes" or "no" (NULL) */
	/* TA_OPT_ISSUER_FROM: "resource" when a resource's metadata named the
	 * issuer (RFC 9728), not the person; only unsetting it clears it. */
	char *issuer_from;
	/* The key the token requests of a sign-in or refresh prove they hold
	 * (RFC 9449), set for its duration; and the last DPoP-Nonce a server
	 * gave, sent in the next proof. */
	const struct ta_dpop_key *dpop_key;
	char *dpop_nonce;
	unsigned preset_filled; /* 1 << option: filled by the provider's preset */
	int port;
	int timeout;      /* seconds, the whole sign-in */
	int http_timeout; /* seconds, each request */
	int paste_fd;
	char *store;            /* "auto" (NULL), "keychain", "kernel" or "file" */
	const char *store_used; /* the backend the last load found a session in */
	/* What the keychain and the kernel keyring could do when probed
	 * (enum ta_store_state, store/store.h), and the phrase that says so. */
	int keychain_state;
	char keychain_why[128];
	int kernel_state;
	char kernel_why[160];
	int store_forgotten; /* ta_store_forgotten: the last load's finding */
	struct ta_callbacks cb;
	char message[TA_MESSAGE_MAX];
};

#endif
