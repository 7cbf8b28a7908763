#!/bin/sh
# The walking skeleton end to end: sign in through Chromium against the real
# IdP, get the token, show that the IdP accepts it, see the status, check
# the store's modes, check that no secret leaked into argv, other files or
# the most verbose stderr, then log out.
. "$(dirname "$0")/lib.sh"
start_idp

# Watch every process's argv while the login runs.
( while [ ! -e "$T/stop-watch" ]; do
    cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' ' >>"$T/cmdlines"
    echo >>"$T/cmdlines"
    sleep 0.05
  done ) &
WATCH=$!
run_login -vvv
touch "$T/stop-watch"; wait $WATCH
wait_browser

assert_eq "login exits 0" 0 "$rc"
assert_contains "login says who signed in" "$T/login.err" "signed in to $ISSUER as alice"
assert_eq "login prints nothing on stdout" "" "$(cat "$T/login.out")"
# The page comes once the code is exchanged and the ID token checked, and
# names who signed in (the ID token's sub: it has no email or name here).
assert_eq "the browser's page names the account and the profile" \
  "termauth Signed in Signed in as alice for termauth&#39;s profile default . You can close this tab and go back to the terminal." \
  "$(json "$TA_BROWSER_LOG" j.callbackText)"
assert_eq "the success page is a 200" 200 "$(json "$TA_BROWSER_LOG" j.callbackStatus)"

TOKEN=$("$TERMAUTH" token)
assert_eq "the token is accepted by the IdP's userinfo" alice \
  "$(userinfo_sub "$TOKEN")"
"$TERMAUTH" token --json >"$T/token.json"
assert_eq "token --json has the same token" "$TOKEN" "$(json "$T/token.json" j.access_token)"
assert_eq "token --json says Bearer" Bearer "$(json "$T/token.json" j.token_type)"
check "token --json has a future expiry" test "$(json "$T/token.json" 'j.expires_in > 3000')" = true

# The fast path serves the cached token without loading the network stack.
LD_DEBUG=libs "$TERMAUTH" token >"$T/fast.out" 2>"$T/fast.libs"
assert_eq "the fast path prints the token" "$TOKEN" "$(cat "$T/fast.out")"
check "the fast path loads no libcurl, OpenSSL or libmicrohttpd" \
  sh -c "! grep -E 'libcurl|libssl|libcrypto|libmicrohttpd|termauth-full' '$T/fast.libs' | grep -q 'calling init'"

"$TERMAUTH" status >"$T/status.txt"
assert_contains "status names the subject" "$T/status.txt" "subject:  alice"
assert_contains "status names the issuer" "$T/status.txt" "issuer:   $ISSUER"
assert_contains "status names the store" "$T/status.txt" "store:    file $STORE_DIR/default.json"
"$TERMAUTH" status --json >"$T/status.json"
assert_eq "status --json: subject" alice "$(json "$T/status.json" j.subject)"
assert_eq "status --json: scopes" true "$(json "$T/status.json" 'j.scopes.includes("openid")')"
assert_eq "status --json: profile" default "$(json "$T/status.json" j.profile)"
assert_not_contains "status never prints the token" "$T/status.json" "$TOKEN"

assert_eq "the store file is 0600" 600 "$(stat -c %a "$STORE_DIR/default.json")"
assert_eq "the store directory is 0700" 700 "$(stat -c %a "$STORE_DIR")"
assert_eq "the store holds only the session" default.json "$(store_files)"
check "the lock file is private too" test "$(stat -c %a "$STORE_DIR/default.lock")" = 600
assert_contains "the profile remembers the issuer" "$XDG_CONFIG_HOME/termauth/config" "issuer = $ISSUER"

# No secret anywhere it must not be.
REFRESH=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).refresh_token)' "$STORE_DIR/default.json")
VERIFIER=$(json "$T/idp-record.jsonl" j.code_verifier)
check "the IdP saw a PKCE verifier" test ${#VERIFIER} -ge 43
check "a refresh token was issued" test ${#REFRESH} -gt 10
for secret in "$TOKEN" "$REFRESH" "$VERIFIER"; do
  assert_not_contains "no secret in any process's argv" "$T/cmdlines" "$secret"
  assert_not_contains "no secret on stderr at -vvv" "$T/login.err" "$secret"
  found=$(grep -rlF -- "$secret" "$HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR" "$STORE_DIR" \
    "$TA_BROWSER_LOG" 2>/dev/null | grep -v "^$STORE_DIR/default.json$" || true)
  assert_eq "no secret in any other file" "" "$found"
done
check "-vvv said something" grep -q 'termauth: debug:' "$T/login.err"
# state, nonce and the challenge were shown to the person, but are in no argv.
for param in state nonce code_challenge; do
  value=$(sed -n "s/.*[?&]$param=\([^&]*\).*/\1/p" "$T/login.err" | head -n 1)
  check "the $param was shown on the terminal" test ${#value} -ge 43
  assert_not_contains "the $param is in no process's argv" "$T/cmdlines" "$value"
done

"$TERMAUTH" logout 2>"$T/logout.err"
assert_contains "logout says so" "$T/logout.err" "signed out"
assert_nothing_stored "after logout"
rc=0; "$TERMAUTH" token >"$T/after.out" 2>"$T/after.err" || rc=$?
assert_eq "token after logout exits 3" 3 "$rc"
assert_contains "token after logout says to sign in" "$T/after.err" "not signed in (profile 'default'): run 'termauth login'"
finish
