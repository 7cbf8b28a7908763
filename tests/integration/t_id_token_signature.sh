#!/bin/sh
# termauth login refuses an ID token whose signature does not verify: a
# stub in front of the IdP (tests/idp/shim.mjs, SHIM_TAMPER_ID_TOKEN)
# changes the ID token's payload under its signature. Exit 4, the reason,
# and nothing stored.
. "$(dirname "$0")/lib.sh"
start_shim_idp SHIM_TAMPER_ID_TOKEN=1 --
run_login
assert_eq "a tampered ID token: exit 4" 4 "$rc"
assert_contains "the reason" "$T/login.err" \
  "termauth: error: the ID token is refused: the signature does not verify"
assert_one_line "one line" "$T/login.err"
assert_nothing_stored "a tampered ID token"
# The browser is told the same, not "Signed in": its page waits for the check.
wait_browser
assert_eq "the browser's page is not a success" 400 "$(json "$TA_BROWSER_LOG" j.callbackStatus)"
assert_contains "the browser's page gives the reason" "$TA_BROWSER_LOG" \
  "Sign-in failed the ID token is refused: the signature does not verify"
finish
