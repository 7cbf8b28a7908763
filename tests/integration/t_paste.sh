#!/bin/sh
# The browser cannot reach the loopback listener: the person copies the
# address it ends on and pastes it into termauth. A garbage line first is
# answered with a hint and the wait goes on; then the real URL signs in.
. "$(dirname "$0")/lib.sh"
start_idp
export TA_BROWSER_PASTE_FILE="$T/pasted-url"
paste_writer 'not a url at all'
LOGIN_STDIN=$T/stdin TA_BROWSER_MODE=paste run_login
kill $WRITER 2>/dev/null || true
wait_browser
assert_eq "the pasted sign-in succeeds" 0 "$rc"
assert_contains "the garbage line got a hint" "$T/login.err" "that is not the redirect URL of this sign-in"
assert_contains "the person was told they may paste" "$T/login.err" "or paste here the address it ends on"
assert_contains "signed in" "$T/login.err" "signed in to $ISSUER as alice"
TOKEN=$("$TERMAUTH" token)
assert_eq "the token works at the IdP" alice \
  "$(userinfo_sub "$TOKEN")"
finish
