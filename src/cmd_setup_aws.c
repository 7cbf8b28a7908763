/*
 * cmd_setup_aws.c - `termauth setup-aws --role-arn ARN --aws-profile NAME`:
 * makes an AWS CLI profile get its credentials from termauth: the line
 * credential_process = 'termauth' -p PROFILE aws-credentials --role-arn ARN
 * in that profile's section of ~/.aws/config ($AWS_CONFIG_FILE), every
 * other line kept, the file replaced atomically with its mode. Running it
 * again changes nothing; another role replaces the line.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "aws_config.h"
#include "cli.h"
#include "file_replace.h"
#include "setup_common.h"

#define AWS_CONFIG_MAX (1024 * 1024)

static const char about[] =
	"Make an AWS CLI profile get its credentials from termauth: writes\n"
	"credential_process (termauth aws-credentials for this profile and role)\n"
	"into that profile's section of ~/.aws/config ($AWS_CONFIG_FILE), keeping\n"
	"everything else. Running it again changes nothing.\n";

static const char more[] =
	"Example:\n"
	"  termauth -p work setup-aws --role-arn arn:aws:iam::111122223333:role/dev \\\n"
	"      --aws-profile dev\n"
	"  aws --profile dev sts get-caller-identity\n";

struct setup_aws_options {
	const char *role_arn, *aws_profile;
};

static const struct setup_aws_options defaults;

static const struct opt options[] = {
	{ .name = "role-arn", .kind = OPT_STRING,
	  .offset = offsetof(struct setup_aws_options, role_arn), .arg = "ARN",
	  .hint = "an IAM role's ARN", .help = "the role to assume (required)",
	  .missing = "which role? give --role-arn" },
	{ .name = "aws-profile", .kind = OPT_STRING,
	  .offset = offsetof(struct setup_aws_options, aws_profile), .arg = "NAME",
	  .hint = "an AWS CLI profile's name", .help = "the AWS CLI profile to set up (required)",
	  .missing = "which AWS CLI profile? give --aws-profile (default for [default])" },
	{ 0 },
};

/* $AWS_CONFIG_FILE (~ expanded, as botocore does), else ~/.aws/config. */
static int config_path(char *out, size_t size)
{
	const char *file = getenv("AWS_CONFIG_FILE"), *home = getenv("HOME");
	int n;

	if (file && *file && strncmp(file, "~/", 2))
		n = snprintf(out, size, "%s", file);
	else if (home && *home)
		n = snprintf(out, size, "%s/%s", home, file && *file ? file + 2 : ".aws/config");
	else
		return -1;
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* s for a message: a control byte or one outside ASCII shown as '?', so
 * that what was given cannot write to the terminal; cut at size. */
static const char *shown(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

/* The rule of lib/session/aws.c's check(), which aws-credentials applies
 * to the same ARN later: "arn:", at most 2048 bytes, no white space, no
 * control byte or one outside ASCII. Checked here too, before the ARN is
 * written into another program's file. */
static int role_arn_ok(const char *arn)
{
	const unsigned char *p;

	if (strncmp(arn, "arn:", 4) || strlen(arn) > 2048)
		return 0;
	for (p = (const unsigned char *)arn; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return 0;
	return 1;
}

/* The credential_process line's value, quoted for shlex, in *out; free()
 * it. Returns an exit code, having said what failed. */
static int command_line(const char *profile, const char *role, const char *path, char **out)
{
	const char *words[] = { NULL, "-p", profile, "aws-credentials", "--role-arn", role };
	char exe[PATH_MAX], show[PATH_MAX], *line = NULL;
	size_t i;
	int r = 0;

	if (setup_termauth_path(exe, sizeof(exe))) {
		cli_error("cannot find the termauth executable to write into %s", path);
		return EXIT_FAIL;
	}
	words[0] = exe;
	for (i = 0; i < sizeof(words) / sizeof(words[0]) && !(r = aws_shell_word(&line, words[i]));
	     i++)
		;
	if (r == -2)
		cli_error("'%s' holds a control character or a byte outside ASCII: it cannot go "
		          "into %s", shown(words[i], show, sizeof(show)), path);
	else if (r)
		cli_error("out of memory");
	if (r) {
		free(line);
		return EXIT_FAIL;
	}
	*out = line;
	return EXIT_OK;
}

/* The file with the line in place (unchanged when it was there), read
 * and written in termauth's turn, so that setup-aws runs at once keep
 * each other's lines. Returns an exit code, having said what failed. */
static int write_config(const char *path, const char *aws_profile, const char *value)
{
	struct other_file f;
	const char *why;
	char show[PATH_MAX], *text = NULL;
	int turn = setup_take_turn(), rc = EXIT_FAIL;

	/* Its mode is kept: the AWS CLI's config holds no secret of its own. */
	if (other_file_read(path, AWS_CONFIG_MAX, &f) == 0) {
		const char *old = f.text ? f.text : "";

		if ((why = aws_config_refused(old, f.text ? f.len : 0)))
			cli_error("%s %s: termauth leaves it alone; fix it and run setup-aws again",
			          shown(f.path, show, sizeof(show)), why);
		else if (aws_config_set(old, aws_profile, "credential_process", value, &text))
			cli_error("out of memory");
		else if ((f.text && !strcmp(f.text, text)) ||
		         !other_file_replace(&f, text, strlen(text), NULL, 0600, 0666))
			rc = EXIT_OK;
	}
	if (turn >= 0)
		close(turn); /* releases the flock */
	other_file_release(&f);
	free(text);
	return rc;
}

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	const struct setup_aws_options *o = opts;
	char path[PATH_MAX], show[256], *value = NULL;
	int rc;

	(void)argc;
	(void)argv;
	if (!aws_profile_name_ok(o->aws_profile))
		return cli_usage_error(&cmd_setup_aws, "'%s' cannot be an AWS profile's name",
		                       shown(o->aws_profile, show, sizeof(show)));
	if (!role_arn_ok(o->role_arn))
		return cli_usage_error(&cmd_setup_aws, "'%s' is not a role ARN "
		                       "(arn:aws:iam::ACCOUNT:role/NAME)",
		                       shown(o->role_arn, show, sizeof(show)));
	if (config_path(path, sizeof(path))) {
		cli_error("where is the AWS CLI's configuration? set HOME or AWS_CONFIG_FILE");
		return EXIT_FAIL;
	}
	if ((rc = command_line(cli->profile, o->role_arn, path, &value)) != EXIT_OK)
		return rc;
	if ((rc = write_config(path, o->aws_profile, value)) == EXIT_OK) {
		cli_say("AWS CLI profile '%s' gets its credentials from termauth profile '%s' (%s)",
		        o->aws_profile, cli->profile, path);
		setup_warn_signed_out(cli, "the AWS CLI");
	}
	free(value);
	return rc;
}

const struct command cmd_setup_aws = {
	.name = "setup-aws",
	.summary = "make an AWS CLI profile use aws-credentials",
	.synopsis = "--role-arn ARN --aws-profile NAME",
	.about = about,
	.more = more,
	.opts = options,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.flags = CMD_PROFILE, /* a mistyped profile is refused before any change */
	.run = run,
};
