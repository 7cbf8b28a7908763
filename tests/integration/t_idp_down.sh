#!/bin/sh
# The IdP is down at discovery: exit 5 and a message naming what could not
# be reached; nothing stored. Also the issuer over plain http on a host
# that is not loopback is refused before any request.
. "$(dirname "$0")/lib.sh"
# A port that was free a moment ago: nothing listens on it.
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
ISSUER=http://127.0.0.1:$PORT
run_login
assert_eq "IdP down: exit 5" 5 "$rc"
assert_contains "IdP down: the message" "$T/login.err" "termauth: error: cannot reach $ISSUER/.well-known/openid-configuration"
assert_one_line "IdP down: one error line" "$T/login.err"
assert_nothing_stored "IdP down"
check "IdP down: no profile written" test ! -e "$XDG_CONFIG_HOME/termauth/config"

ISSUER=http://idp.example.com
run_login
assert_eq "plain http issuer: exit 2 (a usage error)" 2 "$rc"
assert_contains "plain http issuer: the message" "$T/login.err" "termauth: error: the issuer http://idp.example.com uses plain http; only https is allowed, except on loopback addresses"
assert_one_line "plain http issuer: one error line" "$T/login.err"
assert_nothing_stored "plain http issuer"
finish
