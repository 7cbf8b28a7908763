#!/bin/sh
# A browser sign-in that cannot finish says so: with a client id the IdP
# does not know, the IdP answers the authorization request with an error
# page instead of a redirect, and the terminal says what to check long
# before the timeout; the timeout's message names the same. (The browser
# here is `true`: the person would see the IdP's error page.)
. "$(dirname "$0")/lib.sh"
start_idp
start=$(date +%s)
rc=0
BROWSER=true "$TERMAUTH" login --issuer "$ISSUER" --client-id no-such-client --timeout 30 \
  </dev/null >"$T/login.out" 2>"$T/login.err" &
LOGIN=$!
i=0
while ! grep -q "the IdP refuses this sign-in" "$T/login.err" && [ $i -lt 150 ] && running $LOGIN; do
  sleep 0.1; i=$((i + 1))
done
told=$(($(date +%s) - start))
assert_contains "told that the IdP refuses the sign-in" "$T/login.err" \
  "the IdP refuses this sign-in (its authorization endpoint answers HTTP 400): check that the client id 'no-such-client' is right, and that the IdP accepts the redirect http://127.0.0.1/callback on any port"
[ "$told" -lt 20 ] && pass "told within $told s of a 30 s timeout" || fail "told only after $told s"
running $LOGIN && pass "the sign-in still waits (the person may fix it in the browser)" ||
  fail "the sign-in ended on the hint alone"
wait $LOGIN || rc=$?
assert_eq "then the timeout: exit 1" 1 "$rc"
assert_contains "the timeout names what to check" "$T/login.err" \
  "termauth: error: no sign-in within 30 seconds: check that the client id 'no-such-client' is right"
assert_nothing_stored "a sign-in that did not finish"

# A client the IdP knows: no such hint.
rc=0
BROWSER=true "$TERMAUTH" login --issuer "$ISSUER" --client-id "$CLIENT_ID" --timeout 2 \
  </dev/null >"$T/login.out" 2>"$T/login2.err" || rc=$?
assert_not_contains "a good client id gets no refusal hint" "$T/login2.err" "the IdP refuses"
finish
