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
finish
