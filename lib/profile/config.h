/*
 * config.h - the parsed configuration file, shared by config.c and the tests
 * and fuzzer that reach its parser directly.
 */
#ifndef TA_CONFIG_H
#define TA_CONFIG_H

#include <sys/stat.h>
#include "base/handle.h"

/* inih reads lines of at most 198 characters (INI_MAX_LINE 200 with the
 * newline and NUL): longer ones are refused when set, not written broken. */
#define TA_CONFIG_LINE_MAX 198

struct ta_profile {
	char *name;        /* the profile's name, or a whole other section header */
	int other_section; /* not a [profile NAME] section: kept, never used */
	char **keys;
	char **values;
	size_t nkeys;
	/* The keys as ta_profile_load read them (NULL: none), so that saving
	 * writes only what changed since, into the file as it is by then. */
	struct ta_profile *base;
};

struct ta_config {
	struct ta_profile *profiles;
	size_t nprofiles;
};

/* Parses INI text into cfg (emptied first). TA_E_CONFIG with the line. */
TA_HIDDEN enum ta_result ta_config_parse(struct ta_client *c, const char *text,
                                         struct ta_config *cfg);
/* The INI text of cfg; free() it. TA_E_CONFIG when that text would not
 * read back the same (then the file must not be rewritten). */
TA_HIDDEN enum ta_result ta_config_format(const struct ta_config *cfg, char **out);
TA_HIDDEN void ta_config_clear(struct ta_config *cfg);

/* TA_OK when a configuration file with this status may be read: a regular
 * file owned by the real user or root that neither group nor others may
 * write (OpenSSH's rule for ~/.ssh/config). Else TA_E_CONFIG, with a
 * message naming path and the fix. */
TA_HIDDEN enum ta_result ta_config_check(struct ta_client *c, const char *path,
                                         const struct stat *st);

#endif
