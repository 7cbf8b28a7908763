/*
 * cmd_agent.c - `termauth agent --socket PATH [--profile P]...`: a
 * forwarding broker in the foreground, for a socket bind-mounted into a
 * container or a systemd user unit. `termauth ssh` runs the same broker
 * for the length of an ssh session.
 */
#include <stddef.h>
#include <stdio.h>
#include "broker_loop.h"

static const char about[] =
	"Answer other machines and containers with fresh access tokens of the\n"
	"profiles named, through the unix socket PATH (made 0600; it must not\n"
	"exist yet): a far side whose TERMAUTH_AGENT_SOCK names that socket gets\n"
	"tokens from here, and never the refresh token. Serves in the foreground\n"
	"until SIGINT or SIGTERM, or until its parent ends; the socket is\n"
	"removed then. A profile whose settings say forward = yes (or confirm) is\n"
	"forwarded too; any other is refused.\n";

static const char more[] =
	"Example, a container:\n"
	"  termauth agent --socket \"$XDG_RUNTIME_DIR/ta.sock\" -p work &\n"
	"  podman run -v \"$XDG_RUNTIME_DIR/ta.sock:/run/termauth.sock\" \\\n"
	"    -e TERMAUTH_AGENT_SOCK=/run/termauth.sock IMAGE termauth token -p work\n";

struct agent_options {
	const char *socket;
	int confirm;
};

static const struct agent_options defaults;

static const struct opt options[] = {
	{ .name = "socket", .kind = OPT_STRING, .offset = offsetof(struct agent_options, socket),
	  .arg = "PATH", .hint = "the socket's path", .missing = "--socket PATH is required",
	  .help = "the socket to listen on (made 0600; must not exist)" },
	{ .name = "confirm", .kind = OPT_FLAG, .offset = offsetof(struct agent_options, confirm),
	  .help = "ask on this terminal before a profile is used, until allowed" },
	{ 0 },
};

static int listening(struct cli *cli, struct broker_run *r)
{
	(void)cli;
	cli_say("forwarding from %s; on the far side: TERMAUTH_AGENT_SOCK=%s (stop with Ctrl-C)",
	        r->socket, r->socket);
	return EXIT_OK;
}

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	struct agent_options *o = opts;
	struct broker_run r = { .socket = o->socket, .session = "the agent's clients",
		                .confirm = o->confirm,
		                .listening = listening };

	(void)argc;
	(void)argv;
	broker_block_signals(NULL);
	return broker_serve(cli, &r);
}

const struct command cmd_agent = {
	.name = "agent",
	.summary = "forward tokens through a socket, in the foreground",
	.synopsis = "--socket PATH [--profile NAME]... [--confirm]",
	.about = about,
	.more = more,
	.opts = options,
	.profile_help = BROKER_PROFILE_HELP,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.run = run,
};
