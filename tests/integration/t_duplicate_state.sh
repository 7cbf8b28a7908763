#!/bin/sh
# A redirect carrying state twice is malformed: the sign-in fails with a
# clear message and nothing is stored.
. "$(dirname "$0")/lib.sh"
start_idp
TA_BROWSER_MODE=duplicate-state run_login
wait_browser
assert_eq "exit 1" 1 "$rc"
assert_contains "the message names the fault" "$T/login.err" "termauth: error: the redirect from the IdP repeats a parameter"
assert_one_line "one error line" "$T/login.err"
assert_eq "the browser got HTTP 400" 400 "$(json "$TA_BROWSER_LOG" j.callbackStatus)"
assert_nothing_stored "duplicate state"
finish
