#!/bin/sh
# Silent refresh: 32 processes asking at once refresh once and print the
# same new token; rotation keeps the newest refresh token (the old one is
# dead at the IdP, the stored one alive); a refresh token the IdP refuses
# means "sign in again" (exit 3), and token --login then signs in.
. "$(dirname "$0")/lib.sh"
start_idp
run_login
assert_eq "signed in" 0 "$rc"
check_where_kept
FIRST_REFRESH=$(store_field refresh_token)

# The stampede: 32 at once, with the access token inside the refresh window.
age_session 10
stampede 32 stampede "$TERMAUTH" token
assert_eq "the IdP saw exactly one refresh for 32 processes" 1 "$(refreshes)"
NEW=$(store_field access_token)
assert_eq "all 32 printed the same new token" 32 "$(printed_by 32 stampede "$NEW")"
assert_eq "the new token works at the IdP" alice \
  "$(userinfo_sub "$NEW")"

# Rotation: several refreshes; the stored refresh token is the newest.
age_session 10; "$TERMAUTH" token >/dev/null
age_session 10; "$TERMAUTH" token >/dev/null
assert_eq "three refreshes so far" 3 "$(refreshes)"
STORED=$(store_field refresh_token)
check "the refresh token rotated" test "$STORED" != "$FIRST_REFRESH"
assert_eq "the first refresh token is dead at the IdP" false "$(introspect "$FIRST_REFRESH")"
assert_eq "the stored refresh token is alive at the IdP" true "$(introspect "$STORED")"
age_session 10
rc=0; "$TERMAUTH" token >"$T/after.out" 2>"$T/after.err" || rc=$?
assert_eq "the stored refresh token still refreshes" 0 "$rc"
assert_eq "... once more" 4 "$(refreshes)"

# A refresh token the IdP refuses: revoke it behind termauth's back.
printf '%s' "$(store_field refresh_token)" >"$T/rt"
curl -s --data-urlencode "token@$T/rt" --data "client_id=$CLIENT_ID&token_type_hint=refresh_token" \
  "$ISSUER/token/revocation" >/dev/null
rm -f "$T/rt"
age_session 10
rc=0; "$TERMAUTH" token >"$T/dead.out" 2>"$T/dead.err" || rc=$?
assert_eq "a refused refresh token: exit 3" 3 "$rc"
assert_contains "... the message" "$T/dead.err" "termauth: error: the IdP no longer accepts this session (invalid_grant): sign in again with 'termauth login'"
assert_one_line "... one error line" "$T/dead.err"
assert_eq "... nothing on stdout" "" "$(cat "$T/dead.out")"

# token --login signs in instead (through the browser), then prints.
rc=0; BROWSER="$IDP_DIR/browser" "$TERMAUTH" token --login </dev/null >"$T/login2.out" 2>"$T/login2.err" || rc=$?
assert_eq "token --login signs in and exits 0" 0 "$rc"
assert_contains "... it said it signed in" "$T/login2.err" "signed in to $ISSUER as alice"
assert_eq "... and printed the new session's token" "$(store_field access_token)" "$(cat "$T/login2.out")"
finish
