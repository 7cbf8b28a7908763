#!/bin/sh
# The browser is started at a one-time URL on the listener, never at the
# IdP: no argv shows state, nonce or the PKCE challenge, with which another
# local user could finish the sign-in as themselves. The start URL works
# once; a second visit (someone read it from the launcher's argv) ends the
# sign-in, with a message, and nothing is stored.
. "$(dirname "$0")/lib.sh"
start_idp
# A "browser" that only notes the URL it was given (as ps would show it).
printf '#!/bin/sh\nprintf "%%s\\n" "$1" >"%s/launched"\n' "$T" >"$T/note-browser"
chmod +x "$T/note-browser"
BROWSER=$T/note-browser "$TERMAUTH" login --issuer "$ISSUER" --client-id "$CLIENT_ID" --timeout 20 \
  </dev/null >"$T/login.out" 2>"$T/login.err" &
PID=$!
i=0
while [ ! -s "$T/launched" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
START=$(cat "$T/launched")
case "$START" in
  http://127.0.0.1:*/start/*) pass "the browser got a one-time start URL on loopback" ;;
  *) fail "the browser got '$START'" ;;
esac
check "the browser's argument holds no state, nonce or challenge" \
  sh -c "! grep -qE 'state=|nonce=|code_challenge=' '$T/launched'"
# The first visit is sent on to the IdP's authorization endpoint.
curl -s -o /dev/null -D "$T/first.h" "$START"
check "the first visit is sent on to the IdP" grep -qi "^location: $ISSUER/auth?" "$T/first.h"
check "... with no-store" grep -qi '^cache-control: no-store' "$T/first.h"
code=$(curl -s -o "$T/second.html" -w '%{http_code}' "$START")
assert_eq "the second visit is refused" 400 "$code"
assert_contains "... with a page saying so" "$T/second.html" "This sign-in was already started once."
rc=0; wait $PID || rc=$?
assert_eq "the sign-in ends: exit 1" 1 "$rc"
assert_contains "the message" "$T/login.err" "termauth: error: the sign-in page was opened twice: another program may have read its address; sign in again"
assert_one_line "one error line" "$T/login.err"
assert_nothing_stored "opened twice"
finish
