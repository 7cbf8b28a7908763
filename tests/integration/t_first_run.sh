#!/bin/sh
# A first run on a terminal: `termauth login` with no profile asks for the
# IdP - an address that is not one is said so at once, and asked again -
# and for the client id, saves the profile (saying where) and signs in.
# Without a terminal it stays a usage error. The terminal is a pty
# (script(1)); the answers are typed into it.
. "$(dirname "$0")/lib.sh"
start_idp
export TERMAUTH_STORE=file

# Not an IdP (nothing listens there), then the test IdP, then its client.
printf 'http://127.0.0.1:9\n%s\n%s\n' "$ISSUER" "$CLIENT_ID" >"$T/answers"
rc=0
BROWSER="$IDP_DIR/browser" script -q -e -c "'$TERMAUTH' login --timeout 100" /dev/null \
  <"$T/answers" >"$T/pty.out" 2>&1 || rc=$?
tr -d '\r' <"$T/pty.out" >"$T/screen"
wait_browser
assert_eq "the first run signs in" 0 "$rc"
assert_contains "it says what it asks" "$T/screen" "profile 'default' has no IdP yet"
assert_contains "it asks for the IdP" "$T/screen" "The IdP's issuer URL (or a preset: github, google, microsoft, gitlab):"
assert_contains "an address that is no IdP is said so" "$T/screen" \
  "http://127.0.0.1:9 is not an IdP termauth can sign in to: cannot reach"
assert_contains "the IdP is found" "$T/screen" "found the IdP at $ISSUER; it registers clients itself"
assert_contains "it asks for the client id" "$T/screen" "The client id (empty: register termauth at the IdP):"
assert_contains "it says where the profile is" "$T/screen" "saved profile 'default' in $XDG_CONFIG_HOME/termauth/config"
assert_contains "signed in" "$T/screen" "signed in to $ISSUER as alice (profile 'default')"
assert_contains "the profile holds the issuer" "$XDG_CONFIG_HOME/termauth/config" "issuer = $ISSUER"
assert_contains "and the client id" "$XDG_CONFIG_HOME/termauth/config" "client_id = $CLIENT_ID"
assert_eq "the token works at the IdP" alice "$(userinfo_sub "$("$TERMAUTH" token)")"

# An empty client id at an IdP that registers clients: it registers one.
printf '%s\n\n' "$ISSUER" >"$T/answers2"
rc=0
BROWSER="$IDP_DIR/browser" script -q -e -c "'$TERMAUTH' -p reg login --timeout 100" /dev/null \
  <"$T/answers2" >"$T/pty2.out" 2>&1 || rc=$?
tr -d '\r' <"$T/pty2.out" >"$T/screen2"
assert_eq "the first run with registration signs in" 0 "$rc"
assert_contains "it registered a client" "$T/screen2" "registered termauth at the IdP as client"
assert_contains "signed in as profile reg" "$T/screen2" "(profile 'reg')"

# No terminal: today's usage error, nothing asked.
rc=0
"$TERMAUTH" -p other login </dev/null >"$T/out" 2>"$T/err" || rc=$?
assert_eq "without a terminal: a usage error" 2 "$rc"
assert_contains "which says what is missing" "$T/err" "profile 'other' has no issuer and no client id yet"
assert_not_contains "and asks nothing" "$T/err" "The IdP's issuer URL"
finish
