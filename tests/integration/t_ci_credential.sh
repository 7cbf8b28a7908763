#!/bin/sh
# CI credentials: setup-token signs in once and prints a one-line
# credential; in a "CI job" with an empty HOME, TERMAUTH_CREDENTIAL alone
# yields tokens the IdP accepts (refreshed once, then served), in a second
# job too; TERMAUTH_TOKEN wins over it; a line that is no credential is
# refused with a message.
. "$(dirname "$0")/lib.sh"
start_idp
setup_ci_credential
assert_contains "it says the line is a secret" "$T/cred.err" "the line above is a secret: keep it as the CI secret TERMAUTH_CREDENTIAL"
assert_nothing_stored "setup-token keeps no session"
check "setup-token changes no profile" test ! -e "$XDG_CONFIG_HOME/termauth/config"
check "offline_access was asked for" grep -q 'scope=openid%20offline_access' "$T/cred.err"

job() { # DIR COMMAND...: runs in a fresh "CI job": an empty HOME, no XDG dirs
  d=$1; shift
  mkdir -p "$d"
  env -i PATH="$PATH" HOME="$d" TERMAUTH_CREDENTIAL="$CRED" "$@"
}
rc=0; job "$T/job1" "$TERMAUTH" token >"$T/job1.out" 2>"$T/job1.err" || rc=$?
assert_eq "job 1: token exits 0" 0 "$rc"
TOKEN1=$(cat "$T/job1.out")
assert_eq "job 1: the token is accepted by the IdP" alice "$(userinfo_sub "$TOKEN1")"
assert_eq "job 1: nothing on stderr (no notice about keychains in CI logs)" "" "$(cat "$T/job1.err")"
job "$T/job1" "$TERMAUTH" token >"$T/job1b.out" 2>/dev/null
assert_eq "job 1: the second call is served without a new refresh" "$TOKEN1" "$(cat "$T/job1b.out")"
assert_eq "job 1: one refresh" 1 "$(refreshes)"
cache=$(ls "$T/job1/.local/state/termauth/" | grep '^ci-.*\.json$')
check "job 1: the credential's session is kept privately" test "$(stat -c %a "$T/job1/.local/state/termauth/$cache")" = 600
rc=0; job "$T/job2" "$TERMAUTH" token >"$T/job2.out" 2>"$T/job2.err" || rc=$?
assert_eq "job 2: the same credential works again" 0 "$rc"
assert_eq "job 2: its token is accepted" alice "$(userinfo_sub "$(cat "$T/job2.out")")"
rc=0; job "$T/job3" env TERMAUTH_TOKEN=given-token "$TERMAUTH" token >"$T/job3.out" 2>&1 || rc=$?
assert_eq "TERMAUTH_TOKEN wins over TERMAUTH_CREDENTIAL" given-token "$(cat "$T/job3.out")"
rc=0; env -i PATH="$PATH" HOME="$T/job4" TERMAUTH_CREDENTIAL=nonsense "$TERMAUTH" token >"$T/job4.out" 2>"$T/job4.err" || rc=$?
assert_eq "no credential: exit 2" 2 "$rc"
assert_contains "no credential: the message" "$T/job4.err" "termauth: error: TERMAUTH_CREDENTIAL is not a credential from 'termauth setup-token'"
assert_not_contains "the credential is not repeated on stderr" "$T/cred.err" "$CRED"
# Revoked at the IdP: the next job is told to make a new credential.
PROFILE=$(ls "$T/job2/.local/state/termauth/" | sed -n 's/^\(ci-[0-9a-f]*\)\.json$/\1/p')
printf '%s' "$(STORE_DIR=$T/job2/.local/state/termauth PROFILE=$PROFILE store_field refresh_token)" >"$T/rt"
curl -s --data-urlencode "token@$T/rt" --data "client_id=$CLIENT_ID&token_type_hint=refresh_token" \
  "$ISSUER/token/revocation" >/dev/null
rm -f "$T/rt"
rc=0; job "$T/job5" "$TERMAUTH" token >"$T/job5.out" 2>"$T/job5.err" || rc=$?
assert_eq "a revoked credential: exit 3" 3 "$rc"
assert_contains "... and what to do" "$T/job5.err" "termauth: error: the IdP no longer accepts TERMAUTH_CREDENTIAL: make a new one with 'termauth setup-token'"
finish
