#!/bin/sh
# logout revokes the refresh token at the IdP (its introspection then says
# inactive) and forgets the session; with the IdP down it still forgets it
# here, warns, and exits 5; --all signs every profile out.
. "$(dirname "$0")/lib.sh"
start_idp
run_login
assert_eq "signed in" 0 "$rc"
REFRESH=$(store_field refresh_token)
assert_eq "the refresh token is alive before" true "$(introspect "$REFRESH")"
rc=0; "$TERMAUTH" logout 2>"$T/logout.err" || rc=$?
assert_eq "logout exits 0" 0 "$rc"
assert_contains "it says so" "$T/logout.err" "termauth: signed out of profile 'default'"
assert_eq "the IdP reports the refresh token inactive" false "$(introspect "$REFRESH")"
assert_nothing_stored "after logout"

# Two profiles, then the IdP goes down: --all forgets both, warns, exit 5.
run_login
PROFILE=work; run_login -p work; unset PROFILE
assert_eq "two sessions" "default.json work.json" "$(store_files | tr '\n' ' ' | sed 's/ $//')"
kill "$IDP_PID"; wait "$IDP_PID" 2>/dev/null; IDP_PID=
rc=0; "$TERMAUTH" logout --all 2>"$T/all.err" || rc=$?
assert_eq "IdP down: exit 5" 5 "$rc"
assert_contains "IdP down: a warning for each" "$T/all.err" "termauth: warning: profile 'default': signed out here, but the IdP could not be told to end the session: cannot reach"
assert_contains "... and the other" "$T/all.err" "termauth: warning: profile 'work': signed out here"
assert_nothing_stored "after logout --all with the IdP down"
rc=0; "$TERMAUTH" logout --all 2>"$T/none.err" || rc=$?
assert_eq "nothing left: exit 0" 0 "$rc"
assert_contains "nothing left: says so" "$T/none.err" "no profile has a session: nothing to sign out"
finish
