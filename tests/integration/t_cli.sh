#!/bin/sh
# The command line's manners: help and version, usage errors (exit 2), a
# missing session (exit 3), and bad options that change nothing. No IdP.
. "$(dirname "$0")/lib.sh"

expect() { # DESCRIPTION EXIT_CODE STDERR_TEXT COMMAND...
  d=$1 want=$2 text=$3; shift 3
  rc=0; "$TERMAUTH" "$@" >"$T/out" 2>"$T/err" || rc=$?
  assert_eq "$d: exit $want" "$want" "$rc"
  [ -z "$text" ] || assert_contains "$d: message" "$T/err" "$text"
}

expect "--version" 0 "" --version
assert_contains "--version prints the version" "$T/out" "termauth 0.1.0"
expect "--help" 0 "" --help
assert_contains "--help lists login" "$T/out" "login            sign in (browser, pasted URL or device code)"
for cmd in login token status logout setup-token exec kube-credential; do
  expect "$cmd --help" 0 "" "$cmd" --help
  assert_contains "$cmd --help shows its usage" "$T/out" "Usage: termauth $cmd"
  expect "help $cmd" 0 "" help "$cmd"
  assert_contains "help $cmd shows its usage" "$T/out" "Usage: termauth $cmd"
done
expect "no command" 2 "Usage: termauth"
expect "unknown command" 2 "termauth: error: no command 'frobnicate'" frobnicate
expect "unknown option" 2 "termauth: error: unknown or incomplete option '--bogus'" token --bogus
expect "bad --min-ttl" 2 "termauth: error: --min-ttl wants seconds, not 'soon'" token --min-ttl soon
expect "exec without a command" 2 "termauth: error: no command to run: termauth exec -- CMD [ARGS...]" exec
expect "exec with a bad variable name" 2 "termauth: error: '1X' is not a variable name" exec --env 1X -- true
expect "setup-git: http to a name that only looks local" 2 "termauth: error: 'http://127.0.0.1.evil.example' is not a host name or an https URL (http only to a loopback address)" setup-git --host http://127.0.0.1.evil.example
expect "setup-git without --host" 2 "termauth: error: which git server? give --host HOST" setup-git
TERMAUTH_TOKEN="$(printf 'abc\ndef')" expect "TERMAUTH_TOKEN with a line break" 2 "termauth: error: TERMAUTH_TOKEN holds a line break or another control character: not used" token
assert_eq "... and nothing printed" "" "$(cat "$T/out")"
expect "bad --store" 2 "termauth: error: store must be auto, keychain or file, not 'cloud'" --store cloud status
expect "bad profile name" 2 "termauth: error: '../x' is not a valid profile name" -p ../x login --issuer https://idp.example --client-id x
expect "login without issuer" 2 "termauth: error: profile 'default' has no issuer and no client id yet: give --issuer URL --client-id ID" login
expect "bad --port" 2 "termauth: error: port must be 0-65535, not '99999'" login --issuer https://idp.example --client-id x --port 99999
expect "bad --flow" 2 "termauth: error: flow must be auto, browser, device or paste, not 'carrier-pigeon'" login --issuer https://idp.example --client-id x --flow carrier-pigeon
long=$(printf 'scope%.0s ' $(seq 40))
expect "a scope list too long for the profile" 2 "termauth: error: the scopes is too long to keep in the profile" login --issuer https://idp.example --client-id x --scope "$long"
assert_one_line "... one error line" "$T/err"
check "bad options wrote no profile" test ! -e "$XDG_CONFIG_HOME/termauth/config"
# A configuration file too large to be one: a message, exit 1, left alone.
mkdir -p "$XDG_CONFIG_HOME/termauth"
head -c 70000 /dev/zero | tr '\0' ';' >"$XDG_CONFIG_HOME/termauth/config"
expect "a huge configuration file" 1 "termauth: error: $XDG_CONFIG_HOME/termauth/config is larger than 65536 bytes" login
assert_one_line "... one error line" "$T/err"
check "... left as it was" test "$(wc -c <"$XDG_CONFIG_HOME/termauth/config")" = 70000
rm "$XDG_CONFIG_HOME/termauth/config"
expect "explicit endpoints: the issuer is still checked" 1 "termauth: error: the issuer http://idp.example.com uses plain http" login --issuer http://idp.example.com --token-endpoint https://idp.example.com/token --client-id x
expect "explicit endpoints must be https" 1 "termauth: error: the token endpoint http://idp.example.com/token uses plain http" login --token-endpoint http://idp.example.com/token --client-id x
expect "--flow device where the IdP has no device endpoint" 1 "termauth: error: the IdP offers no device flow; use --flow browser" login --flow device --token-endpoint https://idp.example.com/token --client-id x
expect "an unknown provider" 2 "termauth: error: no preset for 'myspace' (the presets: github, google, microsoft, gitlab): any OpenID Connect IdP works with --issuer URL --client-id ID; see docs/providers/README.md" login --provider myspace --client-id x
expect "a tenant that is no name" 2 "termauth: error: a tenant is a name or an id of letters, digits, '.' and '-'" login --provider microsoft --tenant ../x --client-id x
expect "a control character in an option" 2 "termauth: error: option values cannot hold control characters" login --issuer https://idp.example --client-id "$(printf 'a\rb')"
expect "token when not signed in" 3 "termauth: error: not signed in (profile 'default'): run 'termauth login'" token
assert_eq "token prints nothing on stdout when failing" "" "$(cat "$T/out")"
expect "token --json when not signed in" 3 "not signed in" token --json
expect "status when not signed in" 3 "not signed in (profile 'default')" status
expect "status --json when not signed in" 3 "" status --json
assert_eq "status --json says signed_in false" false "$(json "$T/out" j.signed_in)"
expect "logout when not signed in" 0 "not signed in (profile 'default'): nothing to sign out" logout
TERMAUTH_PROFILE=work expect "TERMAUTH_PROFILE picks the profile" 3 "not signed in (profile 'work')" token

# An expired session: exit 3, and the message says so.
mkdir -p "$STORE_DIR"; chmod 700 "$STORE_DIR"
printf '{"format":1,"expires_at":1000,"access_token":"old-token","token_type":"Bearer"}' >"$STORE_DIR/default.json"
chmod 600 "$STORE_DIR/default.json"
expect "an expired token without a refresh token" 3 "termauth: error: the access token has expired and there is no refresh token: sign in again with 'termauth login'" token
assert_not_contains "the expired token is not printed" "$T/out" "old-token"
# A store file others may read is not used (as OpenSSH treats a private key).
printf '{"format":1,"expires_at":0,"access_token":"open-token","token_type":"Bearer"}' >"$STORE_DIR/default.json"
chmod 644 "$STORE_DIR/default.json"
expect "a store file others may read" 1 "may be read by others; it is not used until it is private (chmod 600" token
assert_not_contains "its token is not printed" "$T/out" "open-token"
chmod 600 "$STORE_DIR/default.json"
expect "once private it serves" 0 "" token
assert_eq "... the token" open-token "$(cat "$T/out")"
# A corrupt store: a clear message, exit 1, and the file left as it was.
printf 'not json' >"$STORE_DIR/default.json"
expect "a corrupt store" 1 "termauth: error: the session file is not valid JSON" token
assert_eq "the corrupt file is left alone" "not json" "$(cat "$STORE_DIR/default.json")"
finish
