/*
 * aws_config.h - the AWS CLI's configuration file (~/.aws/config) as text:
 * one key of one profile's section set, every other line kept as it was,
 * and words quoted for botocore, which splits credential_process with
 * Python's shlex.
 */
#ifndef TA_AWS_CONFIG_H
#define TA_AWS_CONFIG_H

#include <stddef.h>

/* 1 when name can be an AWS profile's in a section header: printable, no
 * white space, no brackets or quotes. */
int aws_profile_name_ok(const char *name);
/* text (NUL-terminated, may be "") with "key = value" in profile's section
 * ([default] for "default", else [profile NAME]): the key's line (and its
 * continuation lines) replaced, or added at the end of the section, or
 * the section added at the end. A new string in *out (free() it); 0, or
 * -1 out of memory. */
int aws_config_set(const char *text, const char *profile, const char *key, const char *value,
                   char **out);
/* Appends word to the string *line (may be NULL), after a space, quoted
 * when shlex would split or change it. 0, or -1 out of memory. */
int aws_shell_word(char **line, const char *word);

#endif
