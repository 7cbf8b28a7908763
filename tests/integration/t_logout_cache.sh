#!/bin/sh
# Nothing outlives a sign-out or a new sign-in, whatever XDG_RUNTIME_DIR the
# process that does it has. With a real gnome-keyring (a private session
# bus), the access token is cached under the desktop's runtime directory
# and exchanged tokens are derived there too. A logout from a process with
# no XDG_RUNTIME_DIR, or another one, removes them from that directory, and
# the next token and exchange in the desktop session say "not signed in"
# (exit 3). A new sign-in to another account (another IdP's) in such a
# process removes the old cache too; and a copy of the old session's cache
# that no one could find (put back by hand) is not served: it is removed,
# and the new session's token printed.
. "$(dirname "$0")/keychain_bus.sh"
SCHEMA=org.termauth.Session
CACHE=$XDG_RUNTIME_DIR/termauth/default.json
DERIVED=$XDG_RUNTIME_DIR/termauth/derived/default
AUD=https://api.example.test

keychain_session() { secret-tool lookup xdg:schema "$SCHEMA" profile "$1" 2>/dev/null || true; }
field() { # JSON-TEXT NAME
  printf '%s' "$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    console.log(s ? (JSON.parse(s)[process.argv[1]] ?? "") : "")})' "$2"
}
secrets_owned() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -c true || true
}

start_idp
printf %s test-password | gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$T/keyring.out" 2>"$T/keyring.err" &
KEYRING_PID=$!
i=0; while [ "$(secrets_owned)" != 1 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
assert_eq "the Secret Service is there" 1 "$(secrets_owned)"

# signed_in_with_copies: a keychain session, its cached access token and a
# derived token, all under the desktop's runtime directory.
signed_in_with_copies() {
  run_login
  assert_eq "$1: signed in" 0 "$rc"
  ACCESS=$(field "$(keychain_session default)" access_token)
  check "$1: the session is in the keychain" test -n "$ACCESS"
  assert_eq "$1: the cache holds its token" "$ACCESS" "$(json "$CACHE" j.access_token)"
  X=$("$TERMAUTH" exchange --audience "$AUD" 2>"$T/x.err") || true
  check "$1: a derived token" test -n "$X" -a "$X" != "$ACCESS"
  check "$1: ... cached under the runtime directory" test -n "$(ls "$DERIVED" 2>/dev/null)"
}

# after_logout WHAT: the desktop session finds nothing.
after_logout() {
  check "$1: the cache is gone from the desktop's runtime directory" test ! -e "$CACHE"
  check "$1: the derived tokens are gone from it" test ! -e "$DERIVED"
  assert_eq "$1: the keychain forgot the session" "" "$(keychain_session default)"
  rc=0; "$TERMAUTH" token >"$T/t.out" 2>"$T/t.err" || rc=$?
  assert_eq "$1: token in the desktop: exit 3" 3 "$rc"
  assert_contains "$1: ... not signed in" "$T/t.err" "termauth: error: not signed in (profile 'default')"
  assert_eq "$1: ... no token printed" "" "$(cat "$T/t.out")"
  rc=0; "$TERMAUTH" exchange --audience "$AUD" >"$T/x.out" 2>"$T/x.err" || rc=$?
  assert_eq "$1: exchange in the desktop: exit 3" 3 "$rc"
  assert_contains "$1: ... not signed in" "$T/x.err" "not signed in (profile 'default')"
  assert_not_contains "$1: ... the old derived token is not printed" "$T/x.out" "$X"
  found=$(grep -rlF -- "$ACCESS" "$XDG_RUNTIME_DIR" "$XDG_STATE_HOME" 2>/dev/null || true)
  assert_eq "$1: the old access token is in no file" "" "$found"
}

# 1. Logout from a process with no XDG_RUNTIME_DIR at all.
signed_in_with_copies "no runtime dir"
rc=0; env -u XDG_RUNTIME_DIR "$TERMAUTH" logout 2>"$T/logout.err" || rc=$?
assert_eq "logout without XDG_RUNTIME_DIR: exit 0" 0 "$rc"
assert_contains "... says so" "$T/logout.err" "termauth: signed out of profile 'default'"
after_logout "no runtime dir"

# 2. Logout from a process with another runtime directory.
signed_in_with_copies "another runtime dir"
mkdir -m 700 "$T/run2"
rc=0; XDG_RUNTIME_DIR="$T/run2" "$TERMAUTH" logout 2>"$T/logout.err" || rc=$?
assert_eq "logout with another XDG_RUNTIME_DIR: exit 0" 0 "$rc"
assert_contains "... says so" "$T/logout.err" "termauth: signed out of profile 'default'"
after_logout "another runtime dir"
assert_eq "... and nothing was made in the other one" "" "$(ls -A "$T/run2")"

# 3. A new sign-in, to another account (another IdP's), from a process
# without XDG_RUNTIME_DIR, while the old session's copies exist.
signed_in_with_copies "before the new sign-in"
cp -p "$CACHE" "$T/old-cache.json"
OLD_ACCESS=$ACCESS OLD_X=$X
SHIM_PID=$IDP_PID # lib.sh's cleanup ends it too
start_idp
rc=0; env -u XDG_RUNTIME_DIR BROWSER="$IDP_DIR/browser" "$TERMAUTH" login --issuer "$ISSUER" \
  --client-id "$CLIENT_ID" --scope "openid profile offline_access" --timeout 100 \
  </dev/null >"$T/login2.out" 2>"$T/login2.err" || rc=$?
assert_eq "new sign-in elsewhere: exit 0" 0 "$rc"
NEW=$(keychain_session default)
assert_eq "... the keychain holds the new account's session" "$ISSUER" "$(field "$NEW" issuer)"
check "the old cache is gone from the desktop's runtime directory" test ! -e "$CACHE"
check "the old derived tokens are gone from it" test ! -e "$DERIVED"
# A copy of the old cache no sign-out could know of (as a runtime
# directory that was not recorded): put back, it must not be served.
cp -p "$T/old-cache.json" "$CACHE"
rc=0; TOKEN=$("$TERMAUTH" token 2>"$T/t.err") || rc=$?
assert_eq "token in the desktop after the new sign-in: exit 0" 0 "$rc"
assert_eq "... the new session's token, not the old cache's" "$(field "$NEW" access_token)" "$TOKEN"
check "... which is not the old one" test "$TOKEN" != "$OLD_ACCESS"
assert_eq "... and the cache now holds the new one" "$TOKEN" "$(json "$CACHE" j.access_token)"
# The same for the fast path alone: the old copy again, no D-Bus at all.
cp -p "$T/old-cache.json" "$CACHE"
rc=0; env -u DBUS_SESSION_BUS_ADDRESS "$TERMAUTH" token >"$T/t.out" 2>"$T/t.err" || rc=$?
assert_not_contains "the fast path does not serve the old copy" "$T/t.out" "$OLD_ACCESS"
check "... it removed it" test ! -e "$CACHE" -o "$(json "$CACHE" j.access_token 2>/dev/null)" != "$OLD_ACCESS"
rc=0; Y=$("$TERMAUTH" exchange --audience "$AUD" 2>"$T/x.err") || rc=$?
assert_eq "exchange after the new sign-in: exit 0" 0 "$rc"
check "... a token derived anew, not the old one" test -n "$Y" -a "$Y" != "$OLD_X"
"$TERMAUTH" logout 2>/dev/null
finish
