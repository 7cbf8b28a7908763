#!/bin/sh
# termauth ssh reads ssh's arguments as ssh does (options, DESTINATION,
# options again, then the remote command) and hands them on in order,
# after its own -o ExitOnForwardFailure=yes -R REMOTE:LOCAL, with the far
# side's variables set by the remote command's prefix; it refuses the
# options it cannot work with. A stand-in ssh (first in PATH) records its
# arguments: only what termauth passes is checked here (t_ssh runs the
# real one).
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/bin"
cat >"$T/bin/ssh" <<SSH
#!/bin/sh
for a in "\$@"; do printf '%s\n' "\$a"; done >"$T/ssh.args"
exit 0
SSH
chmod +x "$T/bin/ssh"
targs() { # ARGS...: runs termauth ssh with them; the args ssh got, from the 5th (after ours), joined by |
  rc=0
  PATH="$T/bin:$PATH" "$TERMAUTH" ssh "$@" </dev/null >"$T/out" 2>"$T/err" || rc=$?
  tail -n +5 "$T/ssh.args" | sed 's/termauth-agent\.[0-9a-f]*\.sock/SOCK/g' | paste -sd '|' -
}
head_of() { head -n 4 "$T/ssh.args" | sed 's/termauth-agent\.[0-9a-f]*\.sock/SOCK/; s|:/.*/agent.sock$|:LOCAL|' | paste -sd '|' -; }
PREFIX="export TERMAUTH_AGENT_SOCK=/tmp/SOCK; export TERMAUTH_AGENT_FROM='$(hostname | sed 's/[^A-Za-z0-9.-]/-/g')'; trap 'rm -f /tmp/SOCK' EXIT;"

assert_eq "a host and a command" "far|$PREFIX|uptime|-a" "$(targs far uptime -a)"
assert_eq "... ours first" "-o|ExitOnForwardFailure=yes|-R|/tmp/SOCK:LOCAL" "$(head_of)"
assert_eq "no command: a login shell (no -t without a terminal)" "far|$PREFIX|\"\$SHELL\" -l" "$(targs far)"
assert_eq "ssh's -p with its value, before the host" "-p|2222|far|$PREFIX|id" "$(targs -p 2222 far id)"
assert_eq "... or after it, as ssh reads it" "far|-p|2222|$PREFIX|id" "$(targs far -p 2222 id)"
assert_eq "-g takes no value" "-g|far|$PREFIX|uptime" "$(targs -g far uptime)"
assert_eq "-luser, a value in the same word" "-luser|far|$PREFIX|id" "$(targs -luser far id)"
assert_eq "-- ends ssh's options" "far|--|$PREFIX|-x" "$(targs far -- -x)"
assert_eq "termauth's own long options before ssh's" "-F|cfg|far|$PREFIX|id" "$(targs --confirm -F cfg far id)"
out=$(targs -N far)
assert_eq "-N: no remote command" "-N|far" "$out"
assert_contains "... and the socket's path is told" "$T/err" "on that machine, TERMAUTH_AGENT_SOCK=/tmp/termauth-agent."
for o in -f -s -O; do
  rc=0; PATH="$T/bin:$PATH" "$TERMAUTH" ssh $o far x </dev/null >/dev/null 2>"$T/err" || rc=$?
  assert_eq "ssh's $o is refused: exit 2" 2 "$rc"
  assert_contains "... saying so" "$T/err" "ssh's $o cannot be used with termauth ssh"
done
rc=0; "$TERMAUTH" ssh --confirm </dev/null >/dev/null 2>"$T/err" || rc=$?
assert_eq "no DESTINATION: exit 2" 2 "$rc"
rc=0; PATH="$T/bin:$PATH" "$TERMAUTH" ssh far 'exit 0' </dev/null >/dev/null 2>&1 || rc=$?
check "no broker socket is left here" sh -c "! ls -d '$XDG_RUNTIME_DIR'/termauth-ssh.* 2>/dev/null | grep -q ."
finish
