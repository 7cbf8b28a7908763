/*
 * presets.h - the table of well-known IdPs (presets.c): a leaf, which
 * client.c reads to fill a handle's options.
 */
#ifndef TA_PROFILE_PRESETS_H
#define TA_PROFILE_PRESETS_H

#include <stddef.h>
#include "base/handle.h"

struct ta_preset {
	const char *name;
	const char *issuer;
	const char *after_tenant; /* when set: issuer + tenant + after_tenant */
	const char *authorization_endpoint;
	const char *token_endpoint;
	const char *device_endpoint;
	const char *scopes;
};

/* The preset called name, or NULL. */
TA_HIDDEN const struct ta_preset *ta_preset_find(const char *name);
/* The preset's issuer for tenant into buf: 1 when it has one, 0 when it
 * has none (fixed endpoints), -1 when tenant is not a tenant's name. */
TA_HIDDEN int ta_preset_issuer(const struct ta_preset *p, const char *tenant, char *buf,
                               size_t cap);

#endif
