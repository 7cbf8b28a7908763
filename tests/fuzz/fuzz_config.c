/*
 * fuzz_config.c - libFuzzer target for the configuration file's parser and
 * formatter (ta_config_parse, ta_config_format). ta_profile_save rewrites
 * the whole file from what was parsed, so whatever ta_config_format hands
 * out must parse again to the same thing (it may refuse instead, and then
 * the file is not rewritten); otherwise saving one profile would break or
 * silently change the others.
 */
#include "fuzz.h"
#include "base/fileio.h"
#include "profile/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ta_config cfg, again;
	char *text = fuzz_cstring(data, size), *out = NULL, *out2 = NULL;
	size_t i, j;

	if (ta_config_parse(NULL, text, &cfg) != TA_OK) {
		FUZZ_CHECK(cfg.nprofiles == 0 && !cfg.profiles, "a failed parse left profiles");
		free(text);
		return 0;
	}
	for (i = 0; i < cfg.nprofiles; i++) {
		FUZZ_CHECK(cfg.profiles[i].other_section || ta_profile_name_ok(cfg.profiles[i].name),
		           "a bad profile name");
		for (j = 0; j < cfg.profiles[i].nkeys; j++)
			FUZZ_CHECK(!strchr(cfg.profiles[i].values[j], '\n'), "a newline in a value");
	}
	/* Refusing to format is allowed (the file is then left alone); what is
	 * formatted must read back to the same. */
	if (ta_config_format(&cfg, &out) != TA_OK) {
		ta_config_clear(&cfg);
		free(text);
		return 0;
	}
	FUZZ_CHECK(ta_config_parse(NULL, out, &again) == TA_OK,
	           "the formatted configuration does not parse again");
	FUZZ_CHECK(again.nprofiles == cfg.nprofiles, "profiles lost in the round trip");
	FUZZ_CHECK(ta_config_format(&again, &out2) == TA_OK, "ta_config_format failed");
	FUZZ_CHECK(!strcmp(out, out2), "the round trip changed the configuration");
	free(out);
	free(out2);
	ta_config_clear(&again);
	ta_config_clear(&cfg);
	free(text);
	return 0;
}
