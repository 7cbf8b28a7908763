#!/bin/sh
# A crash in the middle of a refresh, under `ulimit -c unlimited`, leaves no
# core file and no token anywhere on disk: termauth is non-dumpable with a
# core limit of 0 from its first line (src/harden.c). termauth runs as uid
# 65534 here, because only for another user than root does /proc show a
# non-dumpable process (its files there then belong to root); a plain
# program run the same way is the control, showing that this machine does
# write that user's core files. The refresh is held by
# tests/integration/hold_stub.mjs (a stub token endpoint that never answers).
. "$(dirname "$0")/lib.sh"
command -v setpriv >/dev/null || { fail "setpriv (util-linux) is needed"; finish; }
[ "$(id -u)" = 0 ] || { fail "this test runs termauth as another user with setpriv: run it as root (as CI does)"; finish; }
start_idp
run_login
assert_eq "signed in" 0 "$rc"
AT=$(store_field access_token) RT=$(store_field refresh_token) ID=$(store_field id_token)
check "the session holds the tokens to look for" test -n "$AT" -a -n "$RT" -a -n "$ID"

node "$SRC/tests/integration/hold_stub.mjs" "$T/held" >"$T/hold.url" 2>"$T/hold.err" &
SHIM_PID=$! # lib.sh's cleanup stops it
i=0
while [ ! -s "$T/hold.url" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
# The session expires in 10 s and refreshes at the stub.
node -e '
  const fs = require("fs"), f = process.argv[1];
  const j = JSON.parse(fs.readFileSync(f));
  j.expires_at = Math.floor(Date.now() / 1000) + 10;
  j.token_endpoint = process.argv[2];
  fs.writeFileSync(f + ".test", JSON.stringify(j), { mode: 0o600 });
  fs.renameSync(f + ".test", f);' "$STORE_DIR/default.json" "$(cat "$T/hold.url")"

# Everything termauth may write belongs to uid 65534, and nothing else does.
mkdir -p "$T/cwd" "$T/control" "$T/tmp"
chown -R 65534:65534 "$HOME" "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR" \
  "$T/cwd" "$T/control" "$T/tmp"
chmod 711 "$T"
: >"$T/start"
# ASan, in a sanitizer build, would catch the SIGSEGV itself and exit 1.
as_nobody() { # DIR COMMAND... &: in DIR, as uid 65534, with core files allowed;
  d=$1; shift # in the background, so that $! is the command's own process
  exec setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$HOME" XDG_STATE_HOME="$XDG_STATE_HOME" \
    XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" TMPDIR="$T/tmp" \
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0" \
    sh -c 'cd "$1" && shift && ulimit -c unlimited && exec "$@"' sh "$d" "$@"
}
pattern=$(cat /proc/sys/kernel/core_pattern)
case $pattern in '|'*|/*) plain= ;; *) plain=1 ;; esac

# The control: a plain program as uid 65534, killed alike, is dumpable and
# (with a plain core_pattern) leaves a core file.
as_nobody "$T/control" sleep 60 &
pid=$!
i=0
while [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" != "$(command -v sleep)" ] && [ $i -lt 100 ]; do
  sleep 0.05; i=$((i + 1)); done
assert_eq "control: /proc/PID of a dumpable process belongs to its user" 65534 "$(stat -c %u "/proc/$pid/status")"
kill -SEGV $pid
rc=0; wait $pid || rc=$?
assert_eq "control: it died of SIGSEGV" 139 "$rc"
if [ -n "$plain" ]; then
  check "control: it left a core file (core_pattern '$pattern' writes one in its directory)" \
    sh -c "ls '$T/control' | grep -q '^core'"
else
  echo "(core_pattern '$pattern' does not write into the process's directory: the /proc checks below are the proof)"
fi

as_nobody "$T/cwd" "$TERMAUTH" token >"$T/token.out" 2>"$T/token.err" &
pid=$!
i=0
while [ ! -s "$T/held" ] && [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
check "termauth is refreshing at the stub" test -s "$T/held"
assert_eq "... in termauth-full" termauth-full "$(basename "$(readlink "/proc/$pid/exe")")"
assert_eq "... as uid 65534" 65534 "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")"
assert_eq "it is non-dumpable: its /proc files belong to root" 0 "$(stat -c %u "/proc/$pid/status")"
assert_eq "its core limit is 0" 0 "$(awk '/^Max core file size/ { print $5 }' "/proc/$pid/limits")"
kill -SEGV $pid
rc=0; wait $pid || rc=$?
assert_eq "it died of SIGSEGV" 139 "$rc"
assert_eq "no core file anywhere in the test's directory" "" "$(find "$T" -name 'core*' ! -path "$T/control/*")"

# No token on disk but in the store (0600, uid 65534's): neither in the
# test's directory nor in any file uid 65534 wrote since it started.
found=
for tok in "$AT" "$RT" "$ID"; do
  found="$found$(grep -rlF -- "$tok" "$T" 2>/dev/null || true)
"
done
found=$(printf '%s' "$found" | grep . | sort -u | grep -vx "$STORE_DIR/default.json" || true)
assert_eq "no token in any file but the store" "" "$found"
assert_eq "the store is private" "600 65534" "$(stat -c '%a %u' "$STORE_DIR/default.json")"
elsewhere=
for tok in "$AT" "$RT" "$ID"; do
  elsewhere="$elsewhere$(find /tmp /var/tmp /dev/shm -xdev -type f -user 65534 -newer "$T/start" \
    ! -path "$T/*" -exec grep -lF -- "$tok" {} + 2>/dev/null || true)"
done
assert_eq "no token in a file uid 65534 wrote elsewhere since it started" "" "$elsewhere"
assert_eq "the refresh token was not used up: still the stored one" "$RT" "$(store_field refresh_token)"
assert_eq "nothing on stdout" "" "$(cat "$T/token.out")"
finish
