/*
 * device.h - the device authorization grant (RFC 8628): ask for a code,
 * let the person approve it on any device, poll the token endpoint.
 */
#ifndef TA_DEVICE_H
#define TA_DEVICE_H

#include <stddef.h>
#include "oauth/discovery.h"
#include "profile/record.h"

struct ta_device_grant {
	char *device_code; /* secret: wiped on clear */
	char *user_code;
	char *verification_uri;
	char *verification_uri_complete; /* may be NULL */
	long long expires_in;            /* seconds */
	int interval;                    /* seconds between polls; 5 when absent */
};

/* Parses the device authorization endpoint's answer (JSON, or GitHub's
 * form encoding). The URIs must be https (or loopback http) and the codes
 * printable, since they are shown to the person. */
TA_HIDDEN enum ta_result ta_device_response_parse(struct ta_client *c, long status,
                                                  const char *body, size_t len,
                                                  struct ta_device_grant *g);
TA_HIDDEN void ta_device_grant_clear(struct ta_device_grant *g);

/* The whole device flow against md's endpoints; the session is checked
 * (complete.h). */
TA_HIDDEN enum ta_result ta_device_sign_in(struct ta_client *c,
                                           const struct ta_metadata *md,
                                           struct ta_session **out);

#endif
