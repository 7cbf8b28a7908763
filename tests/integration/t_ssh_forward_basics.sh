#!/bin/sh
# The ssh harness (sshd.sh) and the OpenSSH facts `termauth ssh` relies on,
# with no termauth code but the built executables on the far side: the far
# side is another user, who cannot read this side's files and can run
# termauth; a unix socket forwarded there with `ssh -R` is its user's, mode
# 0600 (sshd's default StreamLocalBindMask), and reaches the local socket;
# another user cannot connect to it; sshd leaves it behind when the session
# ends; with ExitOnForwardFailure a remote path that exists already (left
# behind, or squatted by another user) makes ssh fail before the remote
# command runs; and AllowTcpForwarding no on the server denies the unix
# socket forward too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sshd.sh"
command -v setpriv >/dev/null || { fail "setpriv (util-linux) is needed"; finish; }
SSHD_ALT_CONFIG="AllowTcpForwarding no"
start_sshd
assert_eq "the far user's account is the one made for this test" \
  "$(sshd_owner)" "$(getent passwd "$FAR_USER" | cut -d: -f5)"

# Who the far side is, and what it cannot read: a file every user could
# read, but in $T (0700), as all of this side's files are.
assert_eq "ssh_far logs in as the far user" "$FAR_USER" "$(ssh_far -- id -un)"
check "... who is not root" test "$(ssh_far -- id -u)" != 0
assert_eq "ssh -F \$TA_SSH_CONFIG far does the same" "$FAR_USER" \
  "$(ssh -F "$TA_SSH_CONFIG" far id -un)"
printf 'a secret of the local side\n' >"$T/some-secret"
chmod 644 "$T/some-secret"
rc=0; ssh_far -- cat "$T/some-secret" >"$T/far-cat.out" 2>"$T/far-cat.err" || rc=$?
assert_eq "the far user cannot read a file under \$T: cat fails" 1 "$rc"
assert_contains "... with permission denied" "$T/far-cat.err" "Permission denied"
assert_not_contains "... and prints none of it" "$T/far-cat.out" "secret"
rc=0; ssh_far -- ls "$HOME" >/dev/null 2>&1 || rc=$?
check "... nor list this side's HOME" test "$rc" != 0

# termauth on the far side: copies of the build's executables, run as the
# far user (termauth hands `token` over to the termauth-full beside it,
# which loads libtermauth.so from beside itself).
far_install_termauth
assert_eq "termauth --version runs on the far side" "termauth 0.1.0" \
  "$(ssh_far -- "$FAR_TERMAUTH" --version)"
rc=0; ssh_far -- "$FAR_TERMAUTH" token >/dev/null 2>"$T/far-token.err" || rc=$?
assert_eq "... and termauth token reaches termauth-full there" 3 "$rc"
assert_contains "... which answers" "$T/far-token.err" "not signed in (profile 'default')"
ssh_far -- ldd "$FAR_BIN/termauth-full" >"$T/far-ldd" 2>&1
assert_contains "... with the libtermauth.so copied beside it" "$T/far-ldd" \
  "libtermauth.so.0 => $FAR_BIN/libtermauth.so.0"
assert_not_contains "... and no library missing" "$T/far-ldd" "not found"

# A unix socket echo server on this side, in a directory only root can
# enter, and a client the far side (and another user) runs.
cat >"$T/echo.py" <<'EOF'
import os, socket, sys
path, ready = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(8)
open(ready, "w").close()
while True:
    c, _ = s.accept()
    with c:
        for line in c.makefile("rb"):
            c.sendall(b"echo: " + line)
EOF
cat >"$T/ucat" <<EOF
#!$FAR_PYTHON
# ucat PATH WORD: sends WORD and a newline to the unix socket PATH and prints
# the first line of the answer; a refused connection prints its errno name.
import errno, socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
    sys.exit(1)
s.sendall(sys.argv[2].encode() + b"\n")
print(s.makefile("rb").readline().decode().rstrip("\n"))
EOF
UCAT=$(far_install "$T/ucat")
mkdir -m 700 "$T/sock"
LOCAL_SOCK=$T/sock/echo.sock
"$FAR_PYTHON" "$T/echo.py" "$LOCAL_SOCK" "$T/echo.ready" 2>"$T/echo.err" &
ECHO_PID=$!
SSH_HELPER_PIDS="$SSH_HELPER_PIDS $ECHO_PID"
i=0
while [ ! -e "$T/echo.ready" ] && running "$ECHO_PID" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "the local echo server listens" test -S "$LOCAL_SOCK"
assert_eq "... and answers" "echo: local" "$("$UCAT" "$LOCAL_SOCK" local)"

# The forward, as termauth ssh will make it. The remote command reports,
# then holds the session open until this side closes its stdin.
rand() { od -An -N8 -tx1 /dev/urandom | tr -d ' \n'; }
REMOTE_SOCK=/tmp/termauth-fwd-$(rand).sock
mkfifo "$T/ssh.in"
ssh_far -o ExitOnForwardFailure=yes -R "$REMOTE_SOCK:$LOCAL_SOCK" -- \
  "stat -c 'stat: %U %a %F' $REMOTE_SOCK; echo \"reply: \$($UCAT $REMOTE_SOCK hello)\"; echo ready; read x; echo bye" \
  <"$T/ssh.in" >"$T/fwd.out" 2>"$T/fwd.err" &
SSH_PID=$!
SSH_HELPER_PIDS="$SSH_HELPER_PIDS $SSH_PID"
exec 3>"$T/ssh.in"
i=0
while ! grep -qs '^ready$' "$T/fwd.out" && running "$SSH_PID" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "the forwarding session runs its command" grep -q '^ready$' "$T/fwd.out"
# sshd's default StreamLocalBindMask is 0177: the far user's socket, 0600.
assert_contains "the forwarded socket is the far user's, mode 0600" "$T/fwd.out" \
  "stat: $FAR_USER 600 socket"
assert_contains "a connection to it reaches the local socket" "$T/fwd.out" "reply: echo: hello"
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups --reset-env \
  "$UCAT" "$REMOTE_SOCK" intruder >"$T/other.out" 2>&1 || rc=$?
assert_eq "another user cannot connect to it" "EACCES" "$(cat "$T/other.out")"
assert_eq "... (its client fails)" 1 "$rc"

# The session's end: stdin closed, the remote command ends, and so does ssh.
exec 3>&-
rc=0; wait "$SSH_PID" || rc=$?
assert_eq "ssh exits 0 when the remote command ends" 0 "$rc"
assert_contains "... which ran to its end" "$T/fwd.out" "bye"
check "... and the ssh process is gone" sh -c "! kill -0 $SSH_PID 2>/dev/null"
SSH_HELPER_PIDS=$ECHO_PID
# Once the session's sshd processes are gone too, nothing will remove the
# socket: sshd leaves it behind (it never unlinks a forwarded socket; only
# StreamLocalBindUnlink yes, off here, would unlink an old one before
# binding). termauth ssh uses a fresh path each time for that reason.
check "the session's sshd processes end" sshd_wait_gone "an ssh session" sshd_children
check "... and so do the far user's" sshd_wait_gone "a process of the far user" far_user_procs
check "sshd leaves the remote socket behind after the session" test -S "$REMOTE_SOCK"
assert_eq "... still the far user's" "$FAR_USER" "$(stat -c %U "$REMOTE_SOCK")"

# A path that exists already cannot be bound (StreamLocalBindUnlink no):
# with ExitOnForwardFailure ssh fails, before the remote command runs, as
# sshd answers the forwarding request before it opens the session.
forward_to_existing() { # WHAT PATH
  rc=0
  ssh_far -o ExitOnForwardFailure=yes -R "$2:$LOCAL_SOCK" -- "echo ran; touch ran-$3" \
    </dev/null >"$T/$3.out" 2>"$T/$3.err" || rc=$?
  assert_eq "$1: ssh -R fails (255)" 255 "$rc"
  assert_contains "... saying why" "$T/$3.err" "remote port forwarding failed for listen path $2"
  assert_not_contains "... and the remote command never ran" "$T/$3.out" "ran"
  check "... (it left no trace)" sh -c "! ssh -F '$TA_SSH_CONFIG' far test -e ran-$3"
}
forward_to_existing "the socket left behind" "$REMOTE_SOCK" stale
# Squatted by another user (a socket of uid 65534 in /tmp, which the far
# user can neither bind over nor, /tmp being sticky, remove).
SQUAT_SOCK=/tmp/termauth-fwd-$(rand).sock
setpriv --reuid=65534 --regid=65534 --clear-groups --reset-env "$FAR_PYTHON" -c \
  'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$SQUAT_SOCK"
assert_eq "another user's socket squats a path" "nobody" "$(stat -c %U "$SQUAT_SOCK")"
forward_to_existing "a path another user squats" "$SQUAT_SOCK" squat
rm -f "$SQUAT_SOCK"

# A server with AllowStreamLocalForwarding yes but AllowTcpForwarding no
# (far-alt) denies it too: sshd checks its remote-forward permission for
# unix sockets as well. The client hears the same as for a taken path.
FRESH_SOCK=/tmp/termauth-fwd-$(rand).sock
rc=0
ssh -F "$TA_SSH_CONFIG" -o ExitOnForwardFailure=yes -R "$FRESH_SOCK:$LOCAL_SOCK" far-alt "echo ran" \
  </dev/null >"$T/notcp.out" 2>"$T/notcp.err" || rc=$?
assert_eq "AllowTcpForwarding no: ssh -R to a unix socket fails too (255)" 255 "$rc"
assert_contains "... saying the same" "$T/notcp.err" "remote port forwarding failed for listen path $FRESH_SOCK"
assert_not_contains "... and the remote command never ran" "$T/notcp.out" "ran"
check "... nor was the socket made" test ! -e "$FRESH_SOCK"
assert_contains "sshd's log says it denied it" "$SSHD_LOG" \
  "to remote forward to path \"$FRESH_SOCK\", but the request was denied"

# Cleanup: no sshd, no far user, nothing of the far side left.
sshd_pid=$SSHD_PID
stop_sshd
check "stop_sshd stops sshd" sh -c "! kill -0 $sshd_pid 2>/dev/null"
assert_eq "... and leaves no sshd session" "" "$(ps -o pid= --ppid "$sshd_pid" || :)"
assert_eq "... and no process of the far user" "" "$(live_procs "$FAR_UID")"
assert_eq "... removes the far user" "" "$(getent passwd "$FAR_USER" || :)"
check "... and its home" test ! -e "$FAR_HOME"
check "... and the socket it left in /tmp" test ! -e "$REMOTE_SOCK"
check "... and FAR_BIN" test ! -e "$FAR_BIN"
finish
