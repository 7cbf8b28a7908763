#!/bin/sh
# An IdP that gives no expires_in (token_stub.mjs drops it: oidc-provider
# always sends one): the token is not taken to be fresh forever. termauth's
# rule: it lives one hour from when it was received, and the store writes
# that expiry down. It is served, and told to --json, as expiring then;
# near the end of that hour it is refreshed. A session kept by an older
# termauth, with neither expiry nor time received, is as old as its file:
# served within the hour after the file was written, refreshed after it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/token_stub.sh"
start_stub_idp STUB_NO_EXPIRES_IN=1
run_login
assert_eq "signed in" 0 "$rc"
assert_eq "the IdP's answer had no expires_in" false "$(json "$T/stub.jsonl" j.expires_in)"
NOW=$(date +%s)
GOT=$(store_field obtained_at)
check "stored: when it was received" test "$GOT" -ge $((NOW - 60)) -a "$GOT" -le "$NOW"
assert_eq "stored: the rule's expiry, an hour after" $((GOT + 3600)) "$(store_field expires_at)"
assert_eq "stored: the rule's lifetime" 3600 "$(store_field lifetime)"

# set_field NAME VALUE: the stored session's member (a number; "-" removes it).
set_field() {
  node -e '
    const fs = require("fs"), f = process.argv[1], j = JSON.parse(fs.readFileSync(f));
    if (process.argv[3] === "-") delete j[process.argv[2]]; else j[process.argv[2]] = Number(process.argv[3]);
    fs.writeFileSync(f + ".test", JSON.stringify(j), { mode: 0o600 }); fs.renameSync(f + ".test", f);' \
    "$STORE_DIR/default.json" "$1" "$2"
}

# Fresh: served by the fast path, with the rule's expiry.
ACCESS=$(store_field access_token)
rc=0; "$TERMAUTH" token --json >"$T/j.out" 2>"$T/j.err" || rc=$?
assert_eq "fresh: exit 0" 0 "$rc"
assert_eq "fresh: the stored token" "$ACCESS" "$(json "$T/j.out" j.access_token)"
assert_eq "fresh: expires an hour after it was received" $((GOT + 3600)) "$(json "$T/j.out" j.expires_at)"
check "fresh: expires_in is at most an hour" test "$(json "$T/j.out" j.expires_in)" -le 3600 -a "$(json "$T/j.out" j.expires_in)" -gt 3500
assert_eq "fresh: no refresh" 0 "$(refreshes)"

# Received 3550 s ago: 50 s left of the hour, under the default min-ttl.
set_field obtained_at $(( $(date +%s) - 3550 ))
set_field expires_at $(( $(date +%s) + 50 ))
rc=0; TOKEN=$("$TERMAUTH" token 2>"$T/t.err") || rc=$?
assert_eq "near the end of its hour: exit 0" 0 "$rc"
assert_eq "... refreshed" 1 "$(refreshes)"
assert_eq "... nothing said" "" "$(cat "$T/t.err")"
check "... a new token" test "$TOKEN" != "$ACCESS"
assert_eq "... the stored one" "$TOKEN" "$(store_field access_token)"
assert_eq "... which works" alice "$(userinfo_sub "$TOKEN")"
check "... received now" test "$(store_field obtained_at)" -ge "$NOW"
"$TERMAUTH" token >/dev/null 2>&1
assert_eq "... and then served, not refreshed again" 1 "$(refreshes)"

# Past its hour: not served, refreshed.
set_field obtained_at $(( $(date +%s) - 4000 ))
set_field expires_at $(( $(date +%s) - 400 ))
rc=0; "$TERMAUTH" token >"$T/t.out" 2>"$T/t.err" || rc=$?
assert_eq "past its hour: exit 0" 0 "$rc"
assert_eq "... refreshed" 2 "$(refreshes)"
check "... not the old token" test "$(cat "$T/t.out")" != "$TOKEN"

# An older termauth's session (no expiry, no time received), its file
# written just now: served, within the hour after.
set_field obtained_at -
set_field lifetime -
set_field expires_at 0
OLDTOKEN=$(store_field access_token)
rc=0; "$TERMAUTH" token >"$T/t.out" 2>"$T/t.err" || rc=$?
assert_eq "an older session, its file new: exit 0" 0 "$rc"
assert_eq "... served" "$OLDTOKEN" "$(cat "$T/t.out")"
assert_eq "... not refreshed" 2 "$(refreshes)"
# ... its file written two hours ago: refreshed, and then it has an age.
touch -d '2 hours ago' "$STORE_DIR/default.json"
rc=0; "$TERMAUTH" token >"$T/t.out" 2>"$T/t.err" || rc=$?
assert_eq "an older session, its file two hours old: exit 0" 0 "$rc"
assert_eq "... refreshed" 3 "$(refreshes)"
check "... a new token" test "$(cat "$T/t.out")" != "$OLDTOKEN"
check "... now with an age" test -n "$(store_field obtained_at)"
"$TERMAUTH" token >/dev/null 2>&1
assert_eq "... and then served" 3 "$(refreshes)"

# Without a refresh token, past its hour: sign in again (exit 3).
node -e '
  const fs = require("fs"), f = process.argv[1], j = JSON.parse(fs.readFileSync(f));
  delete j.refresh_token; j.obtained_at = Math.floor(Date.now() / 1000) - 4000; j.expires_at = j.obtained_at + 3600;
  fs.writeFileSync(f + ".test", JSON.stringify(j), { mode: 0o600 }); fs.renameSync(f + ".test", f);' \
  "$STORE_DIR/default.json"
rc=0; "$TERMAUTH" token >"$T/t.out" 2>"$T/t.err" || rc=$?
assert_eq "no refresh token, past its hour: exit 3" 3 "$rc"
assert_contains "... the message" "$T/t.err" \
  "termauth: error: the access token has expired and there is no refresh token: sign in again with 'termauth login'"
assert_one_line "... one line" "$T/t.err"
assert_eq "... nothing printed" "" "$(cat "$T/t.out")"
finish
