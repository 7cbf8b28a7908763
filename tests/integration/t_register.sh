#!/bin/sh
# Dynamic client registration (RFC 7591): a first sign-in with an issuer
# and no client id registers termauth once, as a public native client,
# and keeps the client id in the profile; the next sign-in and refreshes
# reuse it (the IdP records one registration).
. "$(dirname "$0")/lib.sh"
start_idp
registrations() { grep -c '"registration":true,"method":"POST","path":"/reg","status":201' "$T/idp-record.jsonl" || true; }
login_without_client() {
  rc=0
  BROWSER="$IDP_DIR/browser" "$TERMAUTH" login "$@" --timeout 100 \
    </dev/null >"$T/login.out" 2>"$T/login.err" || rc=$?
}

login_without_client --issuer "$ISSUER" --scope "openid profile offline_access"
assert_eq "first sign-in with no client id: exit 0" 0 "$rc"
assert_eq "one registration" 1 "$(registrations)"
ID=$(sed -n "s/^termauth: registered termauth at the IdP as client \(.*\)$/\1/p" "$T/login.err")
check "it says which client it registered" test -n "$ID"
assert_contains "the profile keeps the client id" "$XDG_CONFIG_HOME/termauth/config" "client_id = $ID"
assert_contains "... as a registered one that never expires" "$XDG_CONFIG_HOME/termauth/config" "client_expires_at = 0"
assert_eq "the session is the registered client's" "$ID" "$(store_field client_id)"
assert_eq "its token works" alice "$(userinfo_sub "$(store_field access_token)")"

login_without_client
assert_eq "the next sign-in, no options: exit 0" 0 "$rc"
assert_eq "no second registration" 1 "$(registrations)"
assert_not_contains "nothing said of registering" "$T/login.err" "registered termauth"
assert_eq "the same client" "$ID" "$(store_field client_id)"

age_session 10
rc=0; "$TERMAUTH" token >/dev/null 2>&1 || rc=$?
assert_eq "a refresh with the registered client: exit 0" 0 "$rc"
assert_eq "... one refresh" 1 "$(refreshes)"
assert_eq "... still one registration" 1 "$(registrations)"
# A registration that has expired (as the IdP said it would): the next
# sign-in registers again.
sed -i "s/^client_expires_at = 0\$/client_expires_at = 1000000000/" "$XDG_CONFIG_HOME/termauth/config"
assert_contains "the profile says it expired" "$XDG_CONFIG_HOME/termauth/config" "client_expires_at = 1000000000"
login_without_client
assert_eq "expired: the sign-in registers again" 2 "$(registrations)"
check "expired: a new client" test "$(store_field client_id)" != "$ID"
# A client id given by the person is theirs, whatever a registration said.
sed -i "s/^client_expires_at = .*\$/client_expires_at = 1000000000/" "$XDG_CONFIG_HOME/termauth/config"
login_without_client --client-id "$CLIENT_ID"
assert_eq "--client-id: exit 0" 0 "$rc"
assert_eq "--client-id: no registration" 2 "$(registrations)"
assert_eq "--client-id: the session is that client's" "$CLIENT_ID" "$(store_field client_id)"
assert_not_contains "--client-id: no expiry kept" "$XDG_CONFIG_HOME/termauth/config" "client_expires_at"
finish
