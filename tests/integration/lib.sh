# lib.sh - shared by the integration scenarios: a private HOME and XDG
# directories per test, the real test IdP (tests/idp/server.mjs), the
# Chromium driver as $BROWSER, and assertions that say what went wrong.
# Sourced by each t_*.sh; TERMAUTH is the `termauth` executable under test.
set -eu

: "${TERMAUTH:?TERMAUTH must name the termauth executable}"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
IDP_DIR=$SRC/tests/idp
T=$(mktemp -d "${TMPDIR:-/tmp}/termauth-test.XXXXXX")
export HOME="$T/home" XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config"
export XDG_RUNTIME_DIR="$T/run" TA_BROWSER_LOG="$T/browser.log"
unset TERMAUTH_PROFILE TERMAUTH_CONFIG TERMAUTH_TOKEN TERMAUTH_CREDENTIAL TERMAUTH_FLOW TERMAUTH_STORE \
  BROWSER DISPLAY WAYLAND_DISPLAY SSH_CONNECTION SSH_TTY container CURL_CA_BUNDLE SSL_CERT_FILE \
  DBUS_SESSION_BUS_ADDRESS
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
STORE_DIR=$XDG_STATE_HOME/termauth
# Where the scenarios' sessions are kept: TEST_STORE=file (the default:
# most scenarios read, age or break the session file), kernel (auto on
# this machine: no keychain, keyctl answering) or auto (the keychain's
# scenarios, with a keychain of their own).
TEST_STORE=${TEST_STORE:-file}
[ "$TEST_STORE" = file ] && export TERMAUTH_STORE=file
CLIENT_ID=termauth-test
IDP_PID=
SHIM_PID=
KEYRING_PID=
failures=0

# running PID: the process is alive (an exited child not yet waited for is
# a zombie, which kill -0 still finds).
running() {
  st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
  [ -n "$st" ] && [ "$st" != Z ]
}

# stop_helper PID: ends a helper the test started. A node helper whose main
# thread is stuck never runs its SIGTERM handler, and a plain `wait` would
# then hang the test until CTest's limit, with no word of why: after 2 s
# it is killed. Never fails (this runs in the EXIT trap, under set -e).
stop_helper() {
  kill "$1" 2>/dev/null || return 0
  n=0
  while running "$1" && [ $n -lt 20 ]; do sleep 0.1; n=$((n + 1)); done
  if running "$1"; then
    echo "note: helper process $1 ignored SIGTERM for 2 s; killed"
    kill -KILL "$1" 2>/dev/null || :
  fi
  wait "$1" 2>/dev/null || :
}

# in_keyring SCRIPT [ARG...]: runs the sh SCRIPT in a new session keyring
# that holds the user's persistent keyring, so that keyctl there possesses
# what termauth's processes possess (keyctl search @s finds their keys).
in_keyring() {
  ik_script=$1; shift
  keyctl session - sh -c 'keyctl get_persistent @s >/dev/null && s=$1 && shift && eval "$s"' \
    - "$ik_script" "$@" 2>/dev/null
}
# kernel_key PROFILE: the name of the profile's key in the kernel keyring.
# (The store directory resolved, as termauth names it.)
kernel_key() { printf 'termauth:session:%s:%s' "$1" "$(realpath -m "$STORE_DIR")"; }
# forget_kernel_keys: removes this scenario's keys (those of its store
# directory) from the user's persistent keyring, which outlives it.
forget_kernel_keys() {
  command -v keyctl >/dev/null || return 0
  in_keyring 'for k in $(keyctl rlist "$(keyctl get_persistent @s)"); do
      case $(keyctl rdescribe "$k") in
        "user;"*";termauth:session:"*":$1") keyctl invalidate "$k" ;;
      esac
    done' "$(realpath -m "$STORE_DIR")" >/dev/null || :
}

cleanup() {
  status=$?
  for pid in $IDP_PID $SHIM_PID $KEYRING_PID ${STUB_PIDS:-}; do stop_helper "$pid"; done
  forget_kernel_keys
  # A detached browser driver may still be writing its log here: removing
  # the directory is best effort, and never changes the test's verdict.
  if [ "$failures" -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$T" 2>/dev/null || true
  else
    # What a browser driver said when it died, if one did: CI keeps only
    # this output.
    if [ -s "$TA_BROWSER_LOG.stderr" ]; then
      echo "browser driver stderr:"; tail -n 20 "$TA_BROWSER_LOG.stderr"
    fi
    echo "(kept $T)"
  fi
  exit "$status"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
finish() {
  if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
  echo "all checks passed"
}

# check DESCRIPTION COMMAND...: the command must succeed.
check() {
  d=$1; shift
  if "$@"; then pass "$d"; else fail "$d"; fi
}
assert_eq() { # DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi
}
assert_contains() { # DESCRIPTION FILE TEXT
  if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1: '$3' not in: $(cat "$2")"; fi
}
assert_not_contains() { # DESCRIPTION FILE TEXT
  if [ -n "$3" ] && grep -qF -- "$3" "$2"; then fail "$1: found it in $2"; else pass "$1"; fi
}
assert_one_line() { # DESCRIPTION FILE: one line of message on stderr
  n=$(grep -c 'termauth: error:' "$2" || true)
  if [ "$n" = 1 ]; then pass "$1"; else fail "$1: $n error lines in: $(cat "$2")"; fi
}
# The store's files, but for lock files (<profile>.lock), which hold nothing.
store_files() { ls -A "$STORE_DIR" 2>/dev/null | grep -v '\.lock$' || true; }
assert_nothing_stored() { # DESCRIPTION
  if [ -z "$(store_files)" ]; then pass "$1: nothing stored"
  else fail "$1: the store holds $(store_files)"; fi
}

# wait_url WHAT BASE PID: waits until the helper WHAT (process PID) has
# printed its URL into BASE.url, its stderr going to BASE.err; sets HELPER_URL.
# A helper starts in about half a second, under a second on a loaded
# machine (tests/idp/start-stress measures it). One that has printed
# nothing after 30 s is stuck, not slow, and waiting longer would only hide
# why: the failure names it, with the stack of its main thread (all threads
# in BASE.backtrace, when gdb is installed), and $T is kept. That is how a
# deadlock in Node 20's generateKeyPairSync was found (issue 9).
wait_url() {
  i=0
  while [ ! -s "$2.url" ] && [ $i -lt 600 ] && kill -0 "$3" 2>/dev/null; do
    sleep 0.05; i=$((i + 1))
  done
  HELPER_URL=$(head -n 1 "$2.url" 2>/dev/null || true)
  case "$HELPER_URL" in http://127.0.0.1:*|https://127.0.0.1:*) return 0 ;; esac
  if kill -0 "$3" 2>/dev/null; then
    wait_state="running, stuck"
    if command -v gdb >/dev/null 2>&1; then
      timeout 120 gdb -p "$3" -batch -ex 'thread apply all bt' >"$2.backtrace" 2>&1 || true
      wait_state="$wait_state; its main thread: $(sed -n '/^Thread 1 /,$p' "$2.backtrace" | grep '^#' | head -n 8 |
        sed 's/^#[0-9]* *//; s/^0x[0-9a-f]* in //; s/ *(.*//' | paste -sd ';' - | sed 's/;/; /g') (all threads in $2.backtrace)"
    else
      wait_state="$wait_state (no gdb for a backtrace); kernel wait: $(cat "/proc/$3/wchan" 2>/dev/null)"
    fi
    # A stuck main thread never runs node's SIGTERM handler: the cleanup's
    # kill would leave it, and its wait would hang until CTest's limit.
    kill -KILL "$3" 2>/dev/null || true
    wait "$3" 2>/dev/null || true
  else
    wait_st=0; wait "$3" 2>/dev/null || wait_st=$?
    wait_state="exited with status $wait_st"
  fi
  fail "the $1 did not start within $((i / 20)) s (process $wait_state; load $(cut -d' ' -f1-3 /proc/loadavg)): $(cat "$2.err")"
  return 1
}

# start_idp [VAR=VALUE...]: starts the IdP with that environment; sets ISSUER.
start_idp() {
  [ -d "$IDP_DIR/node_modules" ] || (cd "$IDP_DIR" && npm ci --no-audit --no-fund >/dev/null)
  rm -f "$T/idp.url" # the redirection below happens in the child, later
  env "$@" IDP_RECORD="$T/idp-record.jsonl" node "$IDP_DIR/server.mjs" >"$T/idp.url" 2>"$T/idp.err" &
  IDP_PID=$!
  wait_url IdP "$T/idp" "$IDP_PID" || exit 1
  ISSUER=$HELPER_URL
}

# run_login [termauth login options...]: signs in with the Chromium driver
# (TA_BROWSER_MODE chooses its behaviour); stdin from $LOGIN_STDIN or
# /dev/null; sets rc, stderr in $T/login.err, stdout in $T/login.out.
run_login() {
  rc=0
  # --timeout: a browser that fails ends the test with a message, well
  # before CTest's own limit would end it with none.
  BROWSER="$IDP_DIR/browser" "$TERMAUTH" login --issuer "$ISSUER" --client-id "$CLIENT_ID" \
    --scope "openid profile offline_access" --timeout 100 "$@" \
    <"${LOGIN_STDIN:-/dev/null}" >"$T/login.out" 2>"$T/login.err" || rc=$?
}

# paste_writer [LINE...]: a person at the terminal, for TA_BROWSER_MODE=paste:
# makes the fifo $T/stdin (the login's stdin) and, in the background
# (WRITER), keeps it open, waits until the driver has written the address
# it ended on to TA_BROWSER_PASTE_FILE, types each LINE, then that address.
paste_writer() {
  mkfifo "$T/stdin"
  ( exec 3>"$T/stdin"
    i=0
    while [ ! -s "$TA_BROWSER_PASTE_FILE" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
    for line in "$@"; do printf '%s\n' "$line" >&3; sleep 0.3; done
    cat "$TA_BROWSER_PASTE_FILE" >&3
    sleep 30 ) &
  WRITER=$!
}

# wait_browser: waits until the driver has logged its run (it is detached).
wait_browser() {
  i=0
  while [ ! -s "$TA_BROWSER_LOG" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
}

# json FILE EXPR: evaluates a JavaScript expression on the JSON in FILE (as
# j): the whole file, or its last line when it holds one object per line.
json() {
  node -e '
    const t = require("fs").readFileSync(process.argv[1], "utf8").trim();
    let j; try { j = JSON.parse(t); } catch { j = JSON.parse(t.split("\n").pop()); }
    console.log(eval(process.argv[2]));' "$1" "$2"
}

# userinfo TOKEN: the IdP's userinfo answer for this access token (the token
# goes through a file to curl, never through argv).
userinfo() {
  printf 'header = "Authorization: Bearer %s"\n' "$1" >"$T/curl.cfg"
  curl -s --config "$T/curl.cfg" "$ISSUER/me"
  rm -f "$T/curl.cfg"
}
# userinfo_sub TOKEN: the subject the IdP's userinfo names for this token.
userinfo_sub() {
  userinfo "$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).sub))'
}

# start_front_idp NAME SCRIPT PREFIX [VAR=VALUE...] -- [IDP_VAR=VALUE...]:
# the stub SCRIPT in front of the IdP, with that environment and
# PREFIX_UPSTREAM_FILE and PREFIX_RECORD=$T/NAME.jsonl (what it records),
# then the IdP behind it; ISSUER is the stub's URL. The cleanup ends both.
start_front_idp() {
  front=$1 front_script=$2 front_prefix=$3
  shift 3
  front_env=
  while [ $# -gt 0 ] && [ "$1" != -- ]; do front_env="$front_env $1"; shift; done
  [ $# -gt 0 ] && shift
  rm -f "$T/$front.url" "$T/upstream"
  # shellcheck disable=SC2086
  env $front_env "${front_prefix}_UPSTREAM_FILE=$T/upstream" "${front_prefix}_RECORD=$T/$front.jsonl" \
    node "$front_script" >"$T/$front.url" 2>"$T/$front.err" &
  SHIM_PID=$!
  wait_url "$front" "$T/$front" "$SHIM_PID" || exit 1
  start_idp "$@" IDP_PUBLIC_URL="$HELPER_URL" IDP_LISTEN_FILE="$T/upstream"
}

# start_shim_idp [SHIM_VAR=VALUE...] -- [IDP_VAR=VALUE...]: the IdP behind
# tests/idp/shim.mjs (a stub that adds `interval` and answers slow_down,
# which oidc-provider never does); the shim records every device-code poll
# in $T/shim.jsonl.
start_shim_idp() { start_front_idp shim "$IDP_DIR/shim.mjs" SHIM "$@"; }

# start_mcp NAME [VAR=VALUE...]: starts the MCP server (tests/idp/mcp-server.mjs,
# the official SDK's; its header says what the variables do) for the IdP
# at $ISSUER, with that environment; sets MCP_URL, its
# http://127.0.0.1:PORT/mcp. Its output is in $T/NAME.url and .err; the
# cleanup stops it.
start_mcp() {
  mcp_name=$1; shift
  rm -f "$T/$mcp_name.url"
  env "$@" MCP_ISSUER="$ISSUER" node "$IDP_DIR/mcp-server.mjs" >"$T/$mcp_name.url" 2>"$T/$mcp_name.err" &
  mcp_pid=$!
  STUB_PIDS="${STUB_PIDS:-} $mcp_pid"
  wait_url "MCP server $mcp_name" "$T/$mcp_name" "$mcp_pid" || exit 1
  MCP_URL=$HELPER_URL
}

# mcp_call URL [TOOL]: the SDK's MCP client (tests/idp/mcp-client.mjs)
# calls TOOL (whoami) at URL with the JSON headers on stdin; sets rc, its
# stdout in $T/mcp.out, stderr in $T/mcp.err.
mcp_call() {
  rc=0
  node "$IDP_DIR/mcp-client.mjs" "$@" >"$T/mcp.out" 2>"$T/mcp.err" || rc=$?
}

# setup_ci_credential: a real CI credential from `setup-token` (the browser
# signs in as termauth-ci, whose refresh tokens do not rotate) in CRED, and
# CLIENT_ID set to that client.
setup_ci_credential() {
  CLIENT_ID=termauth-ci
  rc=0
  BROWSER="$IDP_DIR/browser" "$TERMAUTH" setup-token --issuer "$ISSUER" --client-id "$CLIENT_ID" \
    </dev/null >"$T/cred.out" 2>"$T/cred.err" || rc=$?
  assert_eq "setup-token exits 0" 0 "$rc"
  assert_eq "it prints one line" 1 "$(wc -l <"$T/cred.out")"
  CRED=$(cat "$T/cred.out")
  case "$CRED" in ta1.*) pass "the line is a credential" ;; *) fail "not a credential: $CRED" ;; esac
}

# device_login [termauth login options...]: starts a device-flow sign-in in
# the background (PID in LOGIN_PID), waits until it shows the code, and
# sets VERIFY_URL (verification_uri_complete) and USER_CODE.
device_login() {
  rm -f "$T/login.err"
  "$TERMAUTH" login --issuer "$ISSUER" --client-id "$CLIENT_ID" --flow device \
    --scope "openid profile offline_access" "$@" </dev/null >"$T/login.out" 2>"$T/login.err" &
  LOGIN_PID=$!
  i=0
  while ! grep -qs 'user_code=' "$T/login.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  VERIFY_URL=$(sed -n 's/^or open \(http[^ ,]*user_code=[A-Z0-9-]*\).*/\1/p' "$T/login.err" | head -n 1)
  USER_CODE=${VERIFY_URL##*user_code=}
}

# in_file: 0 when profile ${PROFILE:-default}'s session is in its file (it
# is, with TEST_STORE=file), else it is in the kernel keyring.
in_file() { [ "$TEST_STORE" = file ] || [ -e "$STORE_DIR/${PROFILE:-default}.json" ]; }
# session_json: the stored session of profile ${PROFILE:-default}, as the
# store holds it (its file, or its key in the kernel keyring); nothing
# when there is none.
session_json() {
  if in_file; then cat "$STORE_DIR/${PROFILE:-default}.json" 2>/dev/null || :
  else in_keyring 'k=$(keyctl search @s user "$1") && keyctl pipe "$k"' \
    "$(kernel_key "${PROFILE:-default}")" || :
  fi
}
# session_put: stdin becomes that stored session (the file replaced with
# mode 0600, or the key's payload updated).
session_put() {
  if in_file; then
    f=$STORE_DIR/${PROFILE:-default}.json
    (umask 077; cat >"$f.test") && mv "$f.test" "$f"
  else in_keyring 'keyctl pupdate "$(keyctl search @s user "$1")"' "$(kernel_key "${PROFILE:-default}")"
  fi
}

# check_where_kept: profile ${PROFILE:-default}'s session is where
# TEST_STORE says: its file, or (kernel) its key, with no file.
check_where_kept() {
  if [ "$TEST_STORE" = file ]; then check "the session is in its file" in_file
  else
    check "the session is in the kernel keyring" test -n "$(session_json)"
    check "... and in no file" test ! -e "$STORE_DIR/${PROFILE:-default}.json"
  fi
}

# store_field NAME: a member of the default profile's stored session.
store_field() {
  session_json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>
    console.log(JSON.parse(s)[process.argv[1]] ?? ""))' "$1"
}

# age_session SECONDS: makes the stored access token expire in SECONDS (as
# if time had passed) - and its copy in the runtime cache, which serves
# the fast path for a session in the kernel keyring.
age_session() {
  session_json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    const j = JSON.parse(s);
    j.expires_at = Math.floor(Date.now() / 1000) + Number(process.argv[1]);
    process.stdout.write(JSON.stringify(j))})' "$1" | session_put
  as_cache=$XDG_RUNTIME_DIR/termauth/${PROFILE:-default}.json
  [ -e "$as_cache" ] || return 0
  node -e '
    const fs = require("fs"), f = process.argv[1];
    const j = JSON.parse(fs.readFileSync(f));
    j.expires_at = Math.floor(Date.now() / 1000) + Number(process.argv[2]);
    fs.writeFileSync(f + ".test", JSON.stringify(j), { mode: 0o600 });
    fs.renameSync(f + ".test", f);' "$as_cache" "$1"
}

# age_id_token SECONDS: the stored ID token's exp in SECONDS, iat an hour
# before (as if time had passed). Its signature no longer matches: what is
# read from the store was checked when it came, and is not checked again.
age_id_token() {
  node -e '
    const fs = require("fs"), f = process.argv[1];
    const j = JSON.parse(fs.readFileSync(f)), [h, p, s] = j.id_token.split(".");
    const c = JSON.parse(Buffer.from(p, "base64url"));
    c.exp = Math.floor(Date.now() / 1000) + Number(process.argv[2]); c.iat = c.exp - 3600;
    j.id_token = [h, Buffer.from(JSON.stringify(c)).toString("base64url"), s].join(".");
    fs.writeFileSync(f + ".test", JSON.stringify(j), { mode: 0o600 });
    fs.renameSync(f + ".test", f);' "$STORE_DIR/${PROFILE:-default}.json" "$1"
}
# introspect TOKEN: "true" or "false", the IdP's word on whether the token
# is active (the token goes to curl through a file, never through argv).
introspect() {
  printf '%s' "$1" >"$T/introspect.token"
  curl -s --data-urlencode "token@$T/introspect.token" --data "client_id=$CLIENT_ID" \
    "$ISSUER/token/introspection" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).active))'
  rm -f "$T/introspect.token"
}

# introspect_rs TOKEN EXPR: the IdP's introspection of TOKEN, as the
# resource server termauth-rs would ask it, evaluated as j.EXPR.
introspect_rs() {
  printf '%s' "$1" >"$T/rs.token"
  printf 'user = "termauth-rs:termauth-rs-secret"\n' >"$T/rs.cfg"
  curl -s --config "$T/rs.cfg" --data-urlencode "token@$T/rs.token" "$ISSUER/token/introspection" >"$T/rs.json"
  rm -f "$T/rs.token" "$T/rs.cfg"
  json "$T/rs.json" "j.$2"
}

# stampede N NAME CMD...: runs CMD N times at once, each one's output in
# $T/NAME.I.out and .err, and waits for them all.
stampede() {
  sp_n=$1 sp_name=$2 sp_i=0 sp_pids=
  shift 2
  while [ $sp_i -lt "$sp_n" ]; do
    "$@" >"$T/$sp_name.$sp_i.out" 2>"$T/$sp_name.$sp_i.err" &
    sp_pids="$sp_pids $!"
    sp_i=$((sp_i + 1))
  done
  # shellcheck disable=SC2086
  wait $sp_pids
}
# printed_by N NAME TEXT: how many of a stampede's N printed exactly TEXT.
printed_by() {
  pb_same=0 pb_i=0
  while [ $pb_i -lt "$1" ]; do
    [ "$(cat "$T/$2.$pb_i.out")" = "$3" ] && pb_same=$((pb_same + 1))
    pb_i=$((pb_i + 1))
  done
  echo $pb_same
}

# refreshes: how many refresh grants the IdP has answered.
refreshes() {
  grep -c '"grant_type":"refresh_token"' "$T/idp-record.jsonl" || true
}

# assert_tool_runs BIN LABEL: an installed or unpacked termauth (BIN) prints
# its version and help, and hands `token` over to its own termauth-full,
# found relative to it (no LD_LIBRARY_PATH), which answers "not signed in".
assert_tool_runs() {
  assert_eq "the $2 termauth --version" "termauth 0.1.0" "$("$1" --version)"
  rc=0; "$1" --help >"$T/help" 2>&1 || rc=$?
  assert_eq "the $2 termauth --help exits 0" 0 "$rc"
  assert_contains "... and shows the usage" "$T/help" "Usage: termauth"
  rc=0; "$1" token 2>"$T/err" || rc=$?
  assert_eq "the $2 termauth hands over to its termauth-full" 3 "$rc"
  assert_contains "... which answers" "$T/err" "not signed in (profile 'default')"
}
