#!/bin/sh
# The keychain store, with a real gnome-keyring on a private session bus
# (dbus-run-session, with session-bus.conf: no service activation).
# Unlocked: the session is in the keychain, no refresh token in any file,
# the access token cached in the runtime directory serves the fast path, a
# refresh and a logout go through the keychain, and a file session moves
# into it. Locked, and with no Secret Service at all: auto says so once and
# keeps the session in the kernel keyring; --store keychain fails, before
# any browser opens. A locked keychain is told apart from an empty one.
. "$(dirname "$0")/keychain_bus.sh"
SCHEMA=org.termauth.Session
CACHE_DIR=$XDG_RUNTIME_DIR/termauth

# secrets_owned: "true" while something owns org.freedesktop.secrets.
secrets_owned() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
    sed -n 's/.*boolean \(true\|false\).*/\1/p'
}
wait_secrets() { # true|false
  i=0
  while [ "$(secrets_owned)" != "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
  assert_eq "the Secret Service is there: $1" "$1" "$(secrets_owned)"
}
# keychain_session PROFILE: the session JSON the keychain holds, or nothing.
keychain_session() {
  secret-tool lookup xdg:schema "$SCHEMA" profile "$1" 2>/dev/null || true
}
# field JSON NAME: a member of a JSON object given as text.
field() {
  printf '%s' "$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    console.log(s ? (JSON.parse(s)[process.argv[1]] ?? "") : "")})' "$2"
}
# age_keychain PROFILE SECONDS: the keychain's access token expires in
# SECONDS, as if time had passed (the item is replaced, as termauth would).
age_keychain() {
  keychain_session "$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    const j = JSON.parse(s); j.expires_at = Math.floor(Date.now() / 1000) + Number(process.argv[1]);
    process.stdout.write(JSON.stringify(j))})' "$2" |
    secret-tool store --label="termauth session (profile $1)" xdg:schema "$SCHEMA" profile "$1"
}

start_idp
printf %s test-password | gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$T/keyring.out" 2>"$T/keyring.err" &
KEYRING_PID=$!
wait_secrets true

# An unlocked, empty keychain: simply not signed in.
rc=0; "$TERMAUTH" status 2>"$T/status.err" >/dev/null || rc=$?
assert_eq "empty keychain: status exit 3" 3 "$rc"
assert_contains "empty keychain: not signed in" "$T/status.err" "not signed in (profile 'default')"
assert_not_contains "empty keychain: not called locked" "$T/status.err" "locked"

# Sign in: the session goes to the keychain, silently.
run_login
assert_eq "signed in" 0 "$rc"
assert_not_contains "no fallback notice" "$T/login.err" "kept in a file"
assert_nothing_stored "the file store"
SESSION=$(keychain_session default)
REFRESH=$(field "$SESSION" refresh_token)
ACCESS=$(field "$SESSION" access_token)
check "the keychain holds the session with its refresh token" test ${#REFRESH} -gt 10
assert_eq "the refresh token works" true "$(introspect "$REFRESH")"
found=$(grep -rlF -- "$REFRESH" "$HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR" "$XDG_STATE_HOME" \
  "$TA_BROWSER_LOG" "$T/login.err" "$T/login.out" 2>/dev/null || true)
assert_eq "the refresh token is in no file" "" "$found"
"$TERMAUTH" status >"$T/status.out" 2>&1 || true
assert_contains "status names the keychain" "$T/status.out" "store:    keychain (Secret Service)"
"$TERMAUTH" status --json >"$T/status.json" 2>/dev/null || true
assert_eq "status --json: store" keychain "$(json "$T/status.json" j.store)"

# The access token cache in the runtime directory, for the fast path.
CACHE=$CACHE_DIR/default.json
assert_eq "the cache is 0600" 600 "$(stat -c %a "$CACHE" 2>/dev/null)"
assert_eq "its directory is 0700" 700 "$(stat -c %a "$CACHE_DIR" 2>/dev/null)"
assert_eq "it holds the access token" "$ACCESS" "$(json "$CACHE" j.access_token)"
assert_eq "... and no refresh token" undefined "$(json "$CACHE" j.refresh_token)"
assert_eq "... and no ID token" undefined "$(json "$CACHE" j.id_token)"
# Without a bus only the cache can answer: the fast path needs no D-Bus.
rc=0; TOKEN=$(env -u DBUS_SESSION_BUS_ADDRESS "$TERMAUTH" token 2>"$T/token.err") || rc=$?
assert_eq "token without D-Bus: exit 0" 0 "$rc"
assert_eq "token without D-Bus: the cached token" "$ACCESS" "$TOKEN"
# The runtime directory is emptied at reboot: the next call refills it.
rm -f "$CACHE"
rc=0; TOKEN=$("$TERMAUTH" token 2>"$T/token.err") || rc=$?
assert_eq "no cache: served from the keychain" "$ACCESS" "$TOKEN"
assert_eq "no cache: filled again" "$ACCESS" "$(json "$CACHE" j.access_token 2>/dev/null)"
assert_eq "no cache: filled again, 0600" 600 "$(stat -c %a "$CACHE" 2>/dev/null)"

# A refresh reads and writes the keychain (and renews the cache).
age_keychain default 10
rm -f "$CACHE"
rc=0; TOKEN=$("$TERMAUTH" token 2>"$T/token.err") || rc=$?
assert_eq "refresh through the keychain: exit 0" 0 "$rc"
assert_eq "one refresh" 1 "$(refreshes)"
SESSION=$(keychain_session default)
check "a new access token" test "$TOKEN" != "$ACCESS"
assert_eq "the keychain has it" "$TOKEN" "$(field "$SESSION" access_token)"
assert_eq "the cache has it" "$TOKEN" "$(json "$CACHE" j.access_token)"
NEWREFRESH=$(field "$SESSION" refresh_token)
assert_eq "the rotated refresh token is kept, and works" true "$(introspect "$NEWREFRESH")"
assert_nothing_stored "after the refresh, the file store"

# Logout empties the keychain and the cache.
rc=0; "$TERMAUTH" logout 2>"$T/logout.err" || rc=$?
assert_eq "logout: exit 0" 0 "$rc"
assert_eq "logout: the keychain forgot it" "" "$(keychain_session default)"
check "logout: the cache is gone" test ! -e "$CACHE"
assert_eq "logout: the IdP revoked it" false "$(introspect "$NEWREFRESH")"

# A session kept in the file (chosen for one sign-in) moves into the
# keychain at its next refresh under auto.
TERMAUTH_STORE=file run_login
assert_eq "file sign-in" 0 "$rc"
assert_eq "... in the file" default.json "$(store_files)"
assert_eq "... not in the keychain" "" "$(keychain_session default)"
TERMAUTH_STORE=file "$TERMAUTH" status >/dev/null 2>&1 || true
check "... and no cache, even once read" test ! -e "$CACHE"
age_session 10
rc=0; TOKEN=$("$TERMAUTH" token 2>"$T/token.err") || rc=$?
assert_eq "refresh under auto: exit 0" 0 "$rc"
assert_contains "it says the session moved" "$T/token.err" \
  "termauth: the session of profile 'default' has moved from its file into the keychain"
assert_nothing_stored "after moving, the file store"
assert_eq "the keychain has the session" "$TOKEN" "$(field "$(keychain_session default)" access_token)"

# Locked: lock the collection, as a screen lock would.
dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
  org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
rm -f "$CACHE"
rc=0; "$TERMAUTH" status 2>"$T/status.err" >/dev/null || rc=$?
assert_eq "locked: status exit 3" 3 "$rc"
assert_contains "locked: told apart from empty" "$T/status.err" \
  "termauth: not signed in (profile 'default') as far as can be seen: the keychain is locked, and a session kept there cannot be read until it is unlocked"
rc=0; "$TERMAUTH" token 2>"$T/token.err" >/dev/null || rc=$?
assert_eq "locked: token exit 3" 3 "$rc"
assert_contains "locked: token says so" "$T/token.err" \
  "termauth: error: not signed in (profile 'default') as far as can be seen: the keychain is locked"
rc=0; "$TERMAUTH" logout 2>"$T/logout.err" || rc=$?
assert_eq "locked: logout cannot, exit 1" 1 "$rc"
assert_contains "locked: logout says so" "$T/logout.err" "the keychain is locked"
rc=0; "$TERMAUTH" --store keychain token 2>"$T/token.err" >/dev/null || rc=$?
assert_eq "locked, --store keychain: exit 1" 1 "$rc"
assert_contains "locked, --store keychain: why" "$T/token.err" \
  "termauth: error: the keychain is locked: unlock it (signing in to the desktop does) or use --store file"
runs=$(wc -l <"$TA_BROWSER_LOG")
rc=0; run_login -p strict --store keychain
assert_eq "locked, login --store keychain: exit 1" 1 "$rc"
assert_contains "... says why" "$T/login.err" "termauth: error: the keychain is locked"
assert_one_line "... in one line" "$T/login.err"
assert_eq "... before any browser opened" "$runs" "$(wc -l <"$TA_BROWSER_LOG")"
check "... and nothing stored" test ! -e "$STORE_DIR/strict.json"
run_login -p locked
assert_eq "locked, auto: signed in" 0 "$rc"
assert_contains "locked, auto: says so, plainly" "$T/login.err" \
  "termauth: the keychain is locked, so the session of profile 'locked' is kept in the kernel keyring: in memory only, until reboot"
PROFILE=locked check_where_kept
rc=0; "$TERMAUTH" -p locked status >"$T/status.out" 2>&1 || rc=$?
assert_contains "locked, auto: status names the kernel keyring" "$T/status.out" \
  "store:    kernel keyring (persistent, until reboot)"

# No Secret Service at all.
kill "$KEYRING_PID"; wait "$KEYRING_PID" 2>/dev/null; KEYRING_PID=
wait_secrets false
run_login -p nokeyring
assert_eq "no keychain, auto: signed in" 0 "$rc"
assert_contains "no keychain, auto: says so" "$T/login.err" \
  "termauth: no keychain is running (no Secret Service such as gnome-keyring), so the session of profile 'nokeyring' is kept in the kernel keyring"
PROFILE=nokeyring check_where_kept
rc=0; "$TERMAUTH" -p nokeyring token >/dev/null 2>"$T/token.err" || rc=$?
assert_eq "no keychain, auto: token works" 0 "$rc"
rc=0; run_login -p strict --store keychain
assert_eq "no keychain, --store keychain: exit 1" 1 "$rc"
assert_contains "no keychain, --store keychain: why" "$T/login.err" \
  "termauth: error: the keychain store cannot be used: no keychain is running"
# And no session bus: nothing to talk to, nothing started.
rc=0; env -u DBUS_SESSION_BUS_ADDRESS "$TERMAUTH" --store keychain status 2>"$T/status.err" || rc=$?
assert_eq "no bus, --store keychain: exit 1" 1 "$rc"
assert_contains "no bus: why" "$T/status.err" "there is no D-Bus session bus for a keychain"
finish
