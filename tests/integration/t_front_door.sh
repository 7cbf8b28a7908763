#!/bin/sh
# What a person meets first, against the real IdP: a login with -p makes
# the profile, keeps the options but not the one-off --flow, and status
# says whether the session can be refreshed; a sign-in that brings no
# refresh token is warned about, with what to ask for; setup-git says
# nothing more for a profile that is signed in.
. "$(dirname "$0")/lib.sh"
export GIT_CONFIG_NOSYSTEM=1
start_idp
CONFIG=$XDG_CONFIG_HOME/termauth/config

# A new profile, made by signing in to it, with a one-off --flow.
run_login -p br2 --flow browser
assert_eq "login -p br2 makes the profile: exit 0" 0 "$rc"
assert_contains "... signed in to it" "$T/login.err" "(profile 'br2')"
assert_not_contains "... a refresh token came: no warning" "$T/login.err" "refresh token"
assert_contains "... its issuer kept" "$CONFIG" "issuer = $ISSUER"
assert_not_contains "... but not --flow, which was for this sign-in" "$CONFIG" "flow"
rc=0; "$TERMAUTH" -p br2 status >"$T/st.out" 2>"$T/st.err" || rc=$?
assert_eq "status: exit 0" 0 "$rc"
assert_contains "status: it can be refreshed" "$T/st.out" "refresh:  yes (a refresh token)"
"$TERMAUTH" -p br2 status --json >"$T/st.json"
assert_eq "status --json: refreshable" true "$(json "$T/st.json" j.refreshable)"
rc=0; "$TERMAUTH" -p br2 setup-git --host https://git.example.com/team/repo.git 2>"$T/git.err" || rc=$?
assert_eq "setup-git for a signed-in profile: exit 0" 0 "$rc"
assert_contains "... for the server" "$T/git.err" "for the credentials of https://git.example.com"
assert_not_contains "... no warning" "$T/git.err" "warning"
rc=0; "$TERMAUTH" -p br3 token >"$T/t.out" 2>"$T/t.err" || rc=$?
assert_eq "a mistyped profile: exit 2" 2 "$rc"
assert_contains "... did you mean" "$T/t.err" "termauth: error: no profile 'br3': did you mean 'br2'? (the profiles are br2)"

# A client the IdP gives no refresh token: the sign-in works, and says
# that the session ends with the access token, and what to ask for.
login_as() { # PROFILE SCOPES
  rc=0
  BROWSER="$IDP_DIR/browser" "$TERMAUTH" -p "$1" login --issuer "$ISSUER" --client-id termauth-norefresh \
    --scope "$2" --timeout 100 </dev/null >"$T/login.out" 2>"$T/login.err" || rc=$?
}
login_as nr "openid profile"
assert_eq "no refresh token: signed in, exit 0" 0 "$rc"
assert_contains "... warned, with what to ask for" "$T/login.err" \
  "; to stay signed in, ask for offline_access: 'termauth -p nr login --scope \"openid profile offline_access\"'"
assert_contains "... and when the session ends" "$T/login.err" \
  "termauth: warning: the IdP gave no refresh token: the session ends when the access token expires, at "
assert_contains "... in an hour" "$T/login.err" "(in 60 min)"
rc=0; "$TERMAUTH" -p nr status >"$T/st.out" 2>"$T/st.err" || rc=$?
assert_eq "status: exit 0" 0 "$rc"
assert_contains "status: it cannot be refreshed" "$T/st.out" \
  "refresh:  no refresh token: the session ends when the access token expires, at "
assert_contains "... and what to do" "$T/st.out" "(in 60 min); to stay signed in, sign in with the offline_access scope"
"$TERMAUTH" -p nr status --json >"$T/st.json"
assert_eq "status --json: not refreshable" false "$(json "$T/st.json" j.refreshable)"
login_as nr2 "openid offline_access"
assert_eq "offline_access asked, no refresh token: exit 0" 0 "$rc"
assert_contains "... the warning says the IdP did not give one" "$T/login.err" \
  "termauth: warning: the IdP gave no refresh token, though offline_access was asked for: the session ends when the access token expires, at "
assert_contains "... and why it may be" "$T/login.err" "(the IdP may not allow this client refresh tokens)"
finish
