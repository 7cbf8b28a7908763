#!/bin/sh
# --min-ttl longer than the IdP's tokens live (IDP_ACCESS_TOKEN_TTL=60,
# --min-ttl 300): no sign-in can cure that, so it is not "sign in again"
# (exit 3) and not a refresh at every call. The freshest token is printed
# with a one-line warning naming the profile, the tokens' lifetime and the
# min-ttl asked, exit 0; a token is refreshed once half its life is gone,
# and a refreshed one is served, not refreshed again, by the calls after.
. "$(dirname "$0")/lib.sh"
start_idp IDP_ACCESS_TOKEN_TTL=60
run_login
assert_eq "signed in" 0 "$rc"
WARNING="termauth: warning: profile 'default': the IdP's access tokens live 60 s, no longer than the 300 s asked (--min-ttl): this one is valid for"

# A token just received: a refresh would give one no better.
ACCESS=$(store_field access_token)
rc=0; "$TERMAUTH" token --min-ttl 300 >"$T/t0.out" 2>"$T/t0.err" || rc=$?
assert_eq "just signed in: exit 0" 0 "$rc"
assert_eq "... the stored token" "$ACCESS" "$(cat "$T/t0.out")"
assert_contains "... the warning" "$T/t0.err" "$WARNING"
assert_eq "... in one line" 1 "$(wc -l <"$T/t0.err")"
assert_eq "... no refresh" 0 "$(refreshes)"

# Past half its life: two calls in a row refresh once.
age_session 20
rc=0; "$TERMAUTH" token --min-ttl 300 >"$T/t1.out" 2>"$T/t1.err" || rc=$?
assert_eq "first call: exit 0" 0 "$rc"
assert_eq "... one refresh" 1 "$(refreshes)"
FRESH=$(store_field access_token)
check "... a new token" test "$FRESH" != "$ACCESS"
assert_eq "... printed" "$FRESH" "$(cat "$T/t1.out")"
assert_contains "... with the warning" "$T/t1.err" "$WARNING"
assert_eq "... in one line" 1 "$(wc -l <"$T/t1.err")"
assert_eq "... the token works" alice "$(userinfo_sub "$FRESH")"
rc=0; "$TERMAUTH" token --min-ttl 300 >"$T/t2.out" 2>"$T/t2.err" || rc=$?
assert_eq "second call: exit 0" 0 "$rc"
assert_eq "... no second refresh" 1 "$(refreshes)"
assert_eq "... the same token" "$FRESH" "$(cat "$T/t2.out")"
assert_contains "... with the warning" "$T/t2.err" "$WARNING"
rc=0; "$TERMAUTH" token --min-ttl 300 --json >"$T/t3.out" 2>"$T/t3.err" || rc=$?
assert_eq "third call, --json: exit 0" 0 "$rc"
assert_eq "... still one refresh" 1 "$(refreshes)"
check "... expires_in tells the truth" test "$(json "$T/t3.out" j.expires_in)" -le 60
assert_eq "the store: the token's lifetime" 60 "$(store_field lifetime)"
assert_eq "nothing else in the store" default.json "$(store_files)"

# A min-ttl the tokens can meet: no warning, as before.
rc=0; "$TERMAUTH" token --min-ttl 10 >"$T/t4.out" 2>"$T/t4.err" || rc=$?
assert_eq "--min-ttl 10: exit 0" 0 "$rc"
assert_eq "... nothing said" "" "$(cat "$T/t4.err")"
assert_eq "... no refresh" 1 "$(refreshes)"
finish
