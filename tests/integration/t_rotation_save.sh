#!/bin/sh
# A rotated refresh token is never lost when its save fails. The IdP
# rotates refresh tokens (the old one is dead, and replaying it would end
# the whole grant); token_stub.mjs turns the session file's path into a
# directory at the moment of the refresh - a failure root meets too (a
# file cannot be renamed over a directory), as a full disk would be. The
# refresh still prints the new access token (exit 0) and says, in one
# line, where the session was kept aside: a 0600 file in a 0700
# directory, holding the rotated refresh token. Once the store can be
# written again, the next call moves it in; the refresh after that sends
# the rotated token and succeeds, which it could not had the old one been
# replayed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/token_stub.sh"
start_stub_idp STUB_BREAK_PATH="$STORE_DIR/default.json"
run_login
assert_eq "signed in" 0 "$rc"
OLD_REFRESH=$(store_field refresh_token)
PENDING=$STORE_DIR/pending/default.json

age_session 10
rc=0; "$TERMAUTH" token -v >"$T/t1.out" 2>"$T/t1.all" || rc=$?
grep -v '^termauth: debug: ' "$T/t1.all" >"$T/t1.err" || true
assert_eq "the save fails: still exit 0" 0 "$rc"
assert_eq "one refresh" 1 "$(refreshes)"
assert_eq "the stub broke the store then" true "$(json "$T/stub.jsonl" j.broke)"
check "the store file's path is a directory now" test -d "$STORE_DIR/default.json"
assert_contains "it says so, in one line" "$T/t1.err" \
  "termauth: warning: profile 'default': cannot save the refreshed session (cannot replace $STORE_DIR/default.json: Is a directory): kept it in $PENDING, which the next termauth moves into the store"
assert_eq "... one line on stderr (but for -v's)" 1 "$(wc -l <"$T/t1.err")"
assert_contains "... after trying the save once more" "$T/t1.all" \
  "termauth: debug: cannot save the refreshed session (cannot replace $STORE_DIR/default.json: Is a directory): once more"
NEW_ACCESS=$(cat "$T/t1.out")
check "a token was printed" test -n "$NEW_ACCESS"
assert_eq "... the new one: it works at the IdP" alice "$(userinfo_sub "$NEW_ACCESS")"
assert_eq "kept aside in a 0600 file" 600 "$(stat -c %a "$PENDING")"
assert_eq "... in a 0700 directory" 700 "$(stat -c %a "$STORE_DIR/pending")"
ROTATED=$(json "$PENDING" j.refresh_token)
check "... with the rotated refresh token" test -n "$ROTATED" -a "$ROTATED" != "$OLD_REFRESH"
assert_eq "... which is alive at the IdP" true "$(introspect "$ROTATED")"
assert_eq "the old one is dead" false "$(introspect "$OLD_REFRESH")"
assert_eq "... and the access token it printed" "$NEW_ACCESS" "$(json "$PENDING" j.access_token)"

# While the store is still broken, a call is served from what was kept
# aside, with no refresh and nothing lost.
rc=0; "$TERMAUTH" token >"$T/t2.out" 2>"$T/t2.err" || rc=$?
assert_eq "store still broken: exit 0" 0 "$rc"
assert_eq "... nothing said" "" "$(cat "$T/t2.err")"
assert_eq "... the kept token" "$NEW_ACCESS" "$(cat "$T/t2.out")"
assert_eq "... no refresh" 1 "$(refreshes)"
check "... still kept aside" test -f "$PENDING"

# The store works again: the next call moves the session into it.
rmdir "$STORE_DIR/default.json"
rc=0; "$TERMAUTH" token >"$T/t3.out" 2>"$T/t3.err" || rc=$?
assert_eq "recovered: exit 0" 0 "$rc"
assert_eq "... the same token" "$NEW_ACCESS" "$(cat "$T/t3.out")"
assert_eq "... it says so, in one line" \
  "termauth: the refreshed session of profile 'default', kept aside when the store could not be written, is in the store again (file)" \
  "$(cat "$T/t3.err")"
assert_eq "... the store holds the rotated refresh token" "$ROTATED" "$(store_field refresh_token)"
assert_eq "... 0600" 600 "$(stat -c %a "$STORE_DIR/default.json")"
check "... nothing is kept aside any more" test ! -e "$STORE_DIR/pending"
assert_eq "... the store holds only the session" default.json "$(store_files)"

# The proof: the next refresh sends the rotated token, and the IdP takes it.
age_session 10
rc=0; "$TERMAUTH" token >"$T/t4.out" 2>"$T/t4.err" || rc=$?
assert_eq "the next refresh: exit 0" 0 "$rc"
assert_eq "... nothing said" "" "$(cat "$T/t4.err")"
assert_eq "... two refreshes in all" 2 "$(refreshes)"
assert_eq "... the IdP accepted it" 200 "$(json "$T/stub.jsonl" j.status)"
assert_eq "... the new access token works" alice "$(userinfo_sub "$(cat "$T/t4.out")")"
LAST=$(store_field refresh_token)
check "... rotated once more" test "$LAST" != "$ROTATED"
assert_eq "... and the grant is alive" true "$(introspect "$LAST")"
finish
