#!/bin/sh
# The token endpoint answers an error (here: the code expired before it was
# redeemed): its error and error_description are shown, exit 1, nothing
# stored.
. "$(dirname "$0")/lib.sh"
start_idp IDP_CODE_TTL=1
TA_BROWSER_DELAY_MS=2500 run_login
wait_browser
assert_eq "exit 1" 1 "$rc"
assert_contains "the IdP's error is shown" "$T/login.err" "termauth: error: the IdP refused: invalid_grant (grant request is invalid)"
assert_one_line "one error line" "$T/login.err"
assert_nothing_stored "token error"
finish
