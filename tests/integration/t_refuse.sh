#!/bin/sh
# The person refuses consent: a clear message, exit 1, nothing stored and
# the profile not written.
. "$(dirname "$0")/lib.sh"
start_idp
TA_BROWSER_MODE=refuse run_login
wait_browser
assert_eq "a refused sign-in exits 1" 1 "$rc"
assert_contains "the message says it was refused" "$T/login.err" "termauth: error: the sign-in was refused (access_denied"
assert_one_line "one error line" "$T/login.err"
assert_contains "the browser was shown the failure" "$TA_BROWSER_LOG" "Sign-in failed"
assert_nothing_stored "refused"
check "no profile was written" test ! -e "$XDG_CONFIG_HOME/termauth/config"
finish
