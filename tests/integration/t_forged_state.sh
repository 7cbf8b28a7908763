#!/bin/sh
# A forged redirect with a wrong state reaches the listener first: it is
# answered with an error page and ignored, and the real one then succeeds.
. "$(dirname "$0")/lib.sh"
start_idp
TA_BROWSER_MODE=forge-state-first run_login
wait_browser
assert_eq "the sign-in still succeeds" 0 "$rc"
assert_eq "the forged redirect got HTTP 400" 400 "$(json "$TA_BROWSER_LOG" j.forgedStatus)"
assert_contains "the forged redirect got the error page" "$TA_BROWSER_LOG" "does not belong to the sign-in in progress"
assert_contains "the terminal says one was ignored" "$T/login.err" "a redirect with a wrong state was ignored"
assert_eq "the real redirect got the success page" 200 "$(json "$TA_BROWSER_LOG" j.callbackStatus)"
check "the session was stored" test -s "$STORE_DIR/default.json"
finish
