#!/bin/sh
# RFC 9207: the redirect names another issuer (a mix-up attack): refused,
# nothing stored.
. "$(dirname "$0")/lib.sh"
start_idp
TA_BROWSER_MODE=tamper-iss run_login
wait_browser
assert_eq "exit 1" 1 "$rc"
assert_contains "the message names the issuer" "$T/login.err" "termauth: error: the redirect names another issuer (http://evil.example): possible mix-up attack"
assert_one_line "one error line" "$T/login.err"
assert_nothing_stored "iss mismatch"
finish
