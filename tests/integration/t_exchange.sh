#!/bin/sh
# termauth exchange (RFC 8693): the derived token is active at the IdP for
# its audience; a second call is served from its cache (no second
# exchange); after it expires it is derived again with no prompt (after a
# refresh of the session when that is due too); each audience has its own
# cache; invalid_scope is a clear message and exit 1; logout removes the
# derived tokens.
. "$(dirname "$0")/lib.sh"
start_idp
run_login
assert_eq "signed in" 0 "$rc"
AUD=https://api.example.test
DERIVED=$XDG_RUNTIME_DIR/termauth/derived/default

exchanges() { grep -c '"grant_type":"urn:ietf:params:oauth:grant-type:token-exchange","status":200' "$T/idp-record.jsonl" || true; }
# age_derived SECONDS: every derived token expires in SECONDS.
age_derived() {
  for f in "$DERIVED"/*.json; do
    node -e '
      const fs = require("fs"), f = process.argv[1], j = JSON.parse(fs.readFileSync(f));
      j.expires_at = Math.floor(Date.now() / 1000) + Number(process.argv[2]);
      fs.writeFileSync(f + ".t", JSON.stringify(j), { mode: 0o600 }); fs.renameSync(f + ".t", f);' "$f" "$1"
  done
}

rc=0; X1=$("$TERMAUTH" exchange --audience "$AUD" --scope openid 2>"$T/x.err") || rc=$?
assert_eq "exchange: exit 0" 0 "$rc"
check "exchange: a token, not the session's" test -n "$X1" -a "$X1" != "$(store_field access_token)"
assert_eq "the IdP: active" true "$(introspect_rs "$X1" active)"
assert_eq "the IdP: for the audience" "$AUD" "$(introspect_rs "$X1" aud)"
assert_eq "the IdP: with the scope asked" openid "$(introspect_rs "$X1" scope)"
assert_eq "one exchange" 1 "$(exchanges)"
f=$(ls "$DERIVED"/*.json)
assert_eq "cached in a 0600 file" 600 "$(stat -c %a "$f")"
assert_eq "... in a 0700 directory" 700 "$(stat -c %a "$DERIVED")"
assert_not_contains "... with no refresh token" "$f" "refresh_token"

rc=0; X2=$("$TERMAUTH" exchange --audience "$AUD" --scope openid 2>/dev/null) || rc=$?
assert_eq "again: the same token, from the cache" "$X1" "$X2"
assert_eq "again: no second exchange" 1 "$(exchanges)"
"$TERMAUTH" exchange --audience "$AUD" --scope openid --json >"$T/x.json" 2>/dev/null
assert_eq "--json: the token" "$X1" "$(json "$T/x.json" j.access_token)"
assert_eq "--json: the audience" "$AUD" "$(json "$T/x.json" j.audience)"
check "--json: time left" test "$(json "$T/x.json" j.expires_in)" -gt 60

# Another audience: its own token and cache; the first stays cached.
Y=$("$TERMAUTH" exchange --audience other-service 2>/dev/null || true)
assert_eq "another audience: its own exchange" 2 "$(exchanges)"
assert_eq "another audience: for it" other-service "$(introspect_rs "$Y" aud)"
"$TERMAUTH" exchange --audience "$AUD" --scope openid >/dev/null 2>&1
assert_eq "the first audience: still from its cache" 2 "$(exchanges)"

# Expired: derived again, silently.
age_derived 10
rc=0; X3=$("$TERMAUTH" exchange --audience "$AUD" --scope openid 2>"$T/x3.err") || rc=$?
assert_eq "expired: exit 0" 0 "$rc"
assert_eq "expired: nothing said" "" "$(cat "$T/x3.err")"
check "expired: a new token" test "$X3" != "$X1"
assert_eq "expired: exchanged again" 3 "$(exchanges)"
assert_eq "expired: the new one is active" true "$(introspect_rs "$X3" active)"
assert_eq "... with no refresh" 0 "$(refreshes)"
# Both expired: the session is refreshed first, then the exchange.
age_derived 10
age_session 10
rc=0; X4=$("$TERMAUTH" exchange --audience "$AUD" --scope openid 2>/dev/null) || rc=$?
assert_eq "both expired: exit 0" 0 "$rc"
assert_eq "both expired: one refresh" 1 "$(refreshes)"
assert_eq "both expired: then an exchange" 4 "$(exchanges)"
assert_eq "both expired: the token is active" true "$(introspect_rs "$X4" active)"

# A scope the session does not have: invalid_scope, said plainly.
rc=0; "$TERMAUTH" exchange --audience "$AUD" --scope email >"$T/bad.out" 2>"$T/bad.err" || rc=$?
assert_eq "invalid_scope: exit 1" 1 "$rc"
assert_contains "invalid_scope: the message" "$T/bad.err" \
  "termauth: error: the exchange for audience '$AUD' failed: "
assert_contains "invalid_scope: the IdP's error" "$T/bad.err" "invalid_scope"
assert_one_line "invalid_scope: one line" "$T/bad.err"
assert_eq "invalid_scope: nothing on stdout" "" "$(cat "$T/bad.out")"
rc=0; "$TERMAUTH" exchange --scope openid 2>"$T/noaud.err" || rc=$?
assert_eq "no audience: usage, exit 2" 2 "$rc"

assert_eq "the runtime directory is private" 700 "$(stat -c %a "$XDG_RUNTIME_DIR/termauth")"

# A new sign-in: no token derived from the session before it is served.
run_login
assert_eq "signed in again" 0 "$rc"
check "a new sign-in drops the derived tokens" test ! -e "$DERIVED"
"$TERMAUTH" exchange --audience "$AUD" --scope openid >/dev/null 2>&1
assert_eq "... so the next call exchanges" 5 "$(exchanges)"
"$TERMAUTH" logout 2>/dev/null
check "logout removes the derived tokens" test ! -e "$DERIVED"
finish
