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
expect "bad --store" 2 "termauth: error: store must be auto, keychain, kernel or file, not 'cloud'" --store cloud status
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
# A plain http URL off loopback given as an option is a usage error (2),
# like every other bad option value.
expect "explicit endpoints: the issuer is still checked" 2 "termauth: error: the issuer http://idp.example.com uses plain http" login --issuer http://idp.example.com --token-endpoint https://idp.example.com/token --client-id x
expect "explicit endpoints must be https" 2 "termauth: error: the token endpoint http://idp.example.com/token uses plain http" login --token-endpoint http://idp.example.com/token --client-id x
expect "a plain http device endpoint" 2 "termauth: error: the device endpoint http://idp.example.com/device uses plain http; only https is allowed, except on loopback addresses" login --token-endpoint https://idp.example.com/token --device-endpoint http://idp.example.com/device --client-id x
expect "... in upper case too" 2 "termauth: error: the issuer HTTP://idp.example.com uses plain http" login --issuer HTTP://idp.example.com --client-id x
expect "setup-token: a plain http issuer" 2 "the issuer http://idp.example.com uses plain http" setup-token --issuer http://idp.example.com --client-id x
expect "verify: a plain http --jwks" 2 "termauth: error: the JWKS http://idp.example.com/jwks uses plain http" verify --jwks http://idp.example.com/jwks a.b.c
check "plain http options wrote no profile" test ! -e "$XDG_CONFIG_HOME/termauth/config"
# keyring, as Linux people call it, is the keychain.
expect "--store keyring is the keychain" 1 "the keychain store cannot be used" --store keyring status
TERMAUTH_STORE=keyring expect "TERMAUTH_STORE=keyring too" 1 "the keychain store cannot be used" status
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
printf '[profile work]\nissuer = https://idp.example\n' >"$XDG_CONFIG_HOME/termauth/config"
TERMAUTH_PROFILE=work expect "TERMAUTH_PROFILE picks the profile" 3 "not signed in (profile 'work')" token
# Each hint names the profile unless it is the default.
assert_contains "... and the hint names it" "$T/err" "termauth: error: not signed in (profile 'work'): run 'termauth -p work login'"
expect "status: the hint names the profile" 3 "termauth: not signed in (profile 'work'): run 'termauth -p work login'" -p work status
expect "exchange: the hint names the profile" 3 "not signed in (profile 'work'): run 'termauth -p work login'" -p work exchange --audience api
expect "the default profile's hint has no -p" 3 "not signed in (profile 'default'): run 'termauth login'" -p default token
assert_not_contains "... none" "$T/err" "-p default"
# A profile that is not there - neither in the configuration file nor in
# the store - is a mistake, not a profile to use: exit 2, and which exist.
expect "a mistyped profile" 2 "termauth: error: no profile 'wrok': did you mean 'work'? (the profiles are work)" -p wrok token
assert_one_line "... one error line" "$T/err"
expect "an unknown profile" 2 "termauth: error: no profile 'nope': the profiles are work (a new one is made by 'termauth -p nope login --issuer URL --client-id ID')" -p nope status
expect "... for status --json too" 2 "no profile 'nope'" -p nope status --json
assert_eq "... which prints nothing" "" "$(cat "$T/out")"
TERMAUTH_PROFILE=nope expect "... named by TERMAUTH_PROFILE" 2 "no profile 'nope'" token
expect "... for exec" 2 "no profile 'nope'" -p nope exec -- true
expect "... for logout" 2 "no profile 'nope'" -p nope logout
expect "... for exchange" 2 "no profile 'nope'" -p nope exchange --audience api
# login makes a profile: it is not refused for being new, only for lacking
# what it needs.
expect "login to a new profile without an issuer" 2 "termauth: error: profile 'nope' has no issuer and no client id yet: give --issuer URL --client-id ID" -p nope login
assert_not_contains "... not 'no profile'" "$T/err" "no profile 'nope'"
# A session alone makes a profile, and the library's hints name it too.
mkdir -p "$STORE_DIR"; chmod 700 "$STORE_DIR"
printf '{"format":1,"expires_at":1000,"access_token":"old-token","token_type":"Bearer"}' >"$STORE_DIR/br2.json"
chmod 600 "$STORE_DIR/br2.json"
expect "a profile with only a session: the library's hint names it" 3 "termauth: error: the access token has expired and there is no refresh token: sign in again with 'termauth -p br2 login'" -p br2 token
expect "status: an ended session says it cannot be refreshed" 0 "" -p br2 status
assert_contains "... refresh: no" "$T/out" "refresh:  no refresh token: the session has ended; run 'termauth -p br2 login'"
expect "status --json: refreshable" 0 "" -p br2 status --json
assert_eq "... false" false "$(json "$T/out" j.refreshable)"
expect "the session's profile is listed" 2 "the profiles are work, br2" -p nope token
rm "$STORE_DIR/br2.json" "$XDG_CONFIG_HOME/termauth/config"
expect "no profile at all: how to make one" 2 "termauth: error: no profile 'nope', nor any other yet: make it with 'termauth -p nope login --issuer URL --client-id ID'" -p nope token
# setup-git: an URL of a repository names its server; the host may be the
# argument; a profile that is not signed in is warned about.
export GIT_CONFIG_NOSYSTEM=1
expect "setup-git: a repository's URL" 0 "termauth: git now asks termauth (profile 'gitp') for the credentials of https://git.example.com" -p gitp setup-git --host https://git.example.com/team/repo.git
assert_contains "... warns that the profile is not signed in" "$T/err" "termauth: warning: profile 'gitp' is not signed in yet: run 'termauth -p gitp login --issuer URL --client-id ID' before git asks"
assert_eq "... the server's URL in git's config" "|!'$(readlink -f "$(dirname "$TERMAUTH")/termauth")' git-credential" \
  "$(git config --global --get-all credential.https://git.example.com.helper | tr '\n' '|' | sed 's/|$//')"
assert_contains "... the host in git_hosts" "$XDG_CONFIG_HOME/termauth/config" "git_hosts = git.example.com"
printf '[profile gitp]\nissuer = https://idp.example\ngit_hosts = git.example.com\n' >"$XDG_CONFIG_HOME/termauth/config"
expect "setup-git: the host as the argument, with a port" 0 "for the credentials of https://git.example.com:8443" -p gitp setup-git git.example.com:8443
assert_contains "... the warning's login needs no more options" "$T/err" "run 'termauth -p gitp login' before git asks"
expect "setup-git: the default profile's hint" 0 "warning: profile 'default' is not signed in yet: run 'termauth login --issuer URL --client-id ID' before git asks" setup-git https://git.example.com:8443/x.git
expect "setup-git: two hosts" 2 "termauth: error: one git server at a time: --host HOST, or HOST" setup-git --host a.example b.example
expect "setup-git: an ssh URL" 2 "'ssh://git.example.com/x' is not a host name or an https URL" setup-git ssh://git.example.com/x
rm -f "$XDG_CONFIG_HOME/termauth/config" "$HOME/.gitconfig"

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
