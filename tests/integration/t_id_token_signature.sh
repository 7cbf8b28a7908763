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
finish
