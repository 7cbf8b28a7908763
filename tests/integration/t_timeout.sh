#!/bin/sh
# Nobody finishes the sign-in: the deadline passes, exit 1 with a message,
# nothing stored. (The "browser" here is `true`: it opens nothing.)
. "$(dirname "$0")/lib.sh"
start_idp
rc=0
BROWSER=true "$TERMAUTH" login --issuer "$ISSUER" --client-id "$CLIENT_ID" --timeout 2 \
  </dev/null >"$T/login.out" 2>"$T/login.err" || rc=$?
assert_eq "exit 1" 1 "$rc"
assert_contains "the message" "$T/login.err" "termauth: error: no sign-in within 2 seconds"
assert_one_line "one error line" "$T/login.err"
assert_nothing_stored "timeout"
finish
