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
/* 1 when word holds no control byte (< 0x20, 0x7f) and no byte outside
 * ASCII: a line break in the value would add lines to the file, and bytes
 * that are not UTF-8 make botocore refuse the file, for every profile. */
int aws_word_ok(const char *word);
/* Why the file's text (len bytes) cannot be edited, or NULL: a NUL byte
 * (the edit sees text up to it only: the rest would be lost), a lone CR
 * (Python reads it as a line break, this code would not). CRLF is fine. */
const char *aws_config_refused(const char *text, size_t len);
/* text (NUL-terminated, may be "") with "key = value" in profile's section
 * ([default] for "default", else [profile NAME]; of two sections botocore
 * takes as the profile's, the later, which it uses): the key's whole value
 * (its line and continuation lines, as configparser reads them) replaced
 * by one line at the same indent, or the line added at the end of the
 * section, or the section added at the end; CRLF lines added to a file
 * that has them. A new string in *out (free() it); 0, or
 * -1 out of memory. */
int aws_config_set(const char *text, const char *profile, const char *key, const char *value,
                   char **out);
/* Appends word to the string *line (may be NULL), after a space, quoted
 * when shlex would split or change it. 0, -1 out of memory, or -2 a word
 * that is not aws_word_ok (*line unchanged). */
int aws_shell_word(char **line, const char *word);

#endif
