#!/bin/sh
# The IdP becomes unreachable while the device flow polls (here: the shim
# in front of it stops, so connections are refused), then comes back:
# termauth says so, retries further apart each time while the code lives,
# and the sign-in then succeeds.
. "$(dirname "$0")/lib.sh"
start_shim_idp SHIM_INTERVAL=1
PORT=${ISSUER##*:}
device_login
kill "$SHIM_PID"; wait "$SHIM_PID" 2>/dev/null; SHIM_PID=
i=0
while ! grep -qs 'trying again in 2 s' "$T/login.err" && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
assert_contains "the outage is told, with the pause" "$T/login.err" "termauth: cannot reach $ISSUER/token"
assert_contains "the pause grows" "$T/login.err" "trying again in 2 s"
SHIM_PORT=$PORT SHIM_UPSTREAM_FILE="$T/upstream" SHIM_INTERVAL=1 node "$IDP_DIR/shim.mjs" >"$T/shim2.url" 2>"$T/shim2.err" &
SHIM_PID=$!
i=0
while [ ! -s "$T/shim2.url" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
assert_eq "the IdP is back on the same address" "$ISSUER" "$(cat "$T/shim2.url")"
rc=0; TA_BROWSER_MODE=device-approve "$IDP_DIR/browser" "$VERIFY_URL" || rc=$?
assert_eq "Chromium approved" 0 "$rc"
rc=0; wait "$LOGIN_PID" || rc=$?
assert_eq "the sign-in succeeds after the outage" 0 "$rc"
assert_contains "signed in" "$T/login.err" "signed in to $ISSUER as alice"
check "the session was stored" test -s "$STORE_DIR/default.json"
finish
