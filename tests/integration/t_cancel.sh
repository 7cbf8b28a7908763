#!/bin/sh
# Ctrl-C during the wait: the sign-in stops with exit 130 and a message,
# which is not an error (the person asked for it), the listener is gone,
# nothing is stored. On a terminal, where the message starts its own line
# after the echoed ^C, see t_term.
. "$(dirname "$0")/lib.sh"
start_idp
BROWSER=true "$TERMAUTH" login --issuer "$ISSUER" --client-id "$CLIENT_ID" --port 0 \
  </dev/null >"$T/login.out" 2>"$T/login.err" &
PID=$!
i=0
while ! grep -q 'Waiting for the browser' "$T/login.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(sed -n 's/.*redirect_uri=http%3A%2F%2F127.0.0.1%3A\([0-9]*\).*/\1/p' "$T/login.err")
kill -INT $PID
rc=0; wait $PID || rc=$?
assert_eq "exit 130" 130 "$rc"
assert_contains "the message" "$T/login.err" "termauth: sign-in cancelled"
assert_not_contains "not an error" "$T/login.err" "error"
assert_eq "one line of message" 1 "$(grep -c '^termauth: ' "$T/login.err")"
check "the listener is closed" sh -c "! curl -s -o /dev/null http://127.0.0.1:$PORT/callback"
assert_nothing_stored "cancelled"
finish
