#!/bin/sh
# termauth exec: the command runs with a fresh token in the chosen
# variable, never in any process's argv; its exit status (and death by a
# signal) is termauth's; a command that does not exist gives 127.
. "$(dirname "$0")/lib.sh"
start_idp
run_login
assert_eq "signed in" 0 "$rc"
STORED=$(store_field access_token)

rc=0
"$TERMAUTH" exec -- sh -c 'printf %s "$TERMAUTH_ACCESS_TOKEN" >"$0/seen"
  for f in /proc/[0-9]*/cmdline; do tr "\0" " " <"$f"; echo; done >"$0/cmdlines" 2>/dev/null
  exit 7' "$T" 2>"$T/exec.err" || rc=$?
assert_eq "the command's exit status is termauth's" 7 "$rc"
assert_eq "the command sees the token" "$STORED" "$(cat "$T/seen")"
assert_eq "the IdP accepts it" alice "$(userinfo_sub "$(cat "$T/seen")")"
check "the command listed the processes' argv" test -s "$T/cmdlines"
assert_not_contains "the token is in no process's argv" "$T/cmdlines" "$STORED"
assert_eq "nothing on stderr" "" "$(cat "$T/exec.err")"

rc=0; "$TERMAUTH" exec --env MY_TOKEN -- sh -c 'printf %s "$MY_TOKEN" >"$0/mine"; [ -z "${TERMAUTH_ACCESS_TOKEN:-}" ]' "$T" || rc=$?
assert_eq "--env: the command runs, without the default variable" 0 "$rc"
assert_eq "--env: the token is in MY_TOKEN" "$STORED" "$(cat "$T/mine")"

rc=0; "$TERMAUTH" exec -- sh -c 'kill -TERM $$' 2>/dev/null || rc=$?
assert_eq "a command killed by a signal: as a shell reports it" 143 "$rc"
rc=0; "$TERMAUTH" exec -- no-such-command-here 2>"$T/missing.err" || rc=$?
assert_eq "no such command: exit 127" 127 "$rc"
assert_contains "no such command: the message" "$T/missing.err" "termauth: error: cannot run no-such-command-here: No such file or directory"

# A token to refresh is refreshed before the command runs.
age_session 10
rc=0; "$TERMAUTH" exec -- sh -c 'printf %s "$TERMAUTH_ACCESS_TOKEN" >"$0/fresh"' "$T" || rc=$?
assert_eq "refresh first: exit 0" 0 "$rc"
check "refresh first: a new token" test "$(cat "$T/fresh")" != "$STORED"
assert_eq "refresh first: the stored one" "$(store_field access_token)" "$(cat "$T/fresh")"
assert_eq "refresh first: one refresh" 1 "$(refreshes)"

# kube-credential: an ExecCredential, in the version kubectl asks for.
rc=0; "$TERMAUTH" kube-credential >"$T/kube.json" 2>"$T/kube.err" || rc=$?
assert_eq "kube-credential: exit 0" 0 "$rc"
assert_eq "kube-credential: v1 by default" client.authentication.k8s.io/v1 "$(json "$T/kube.json" j.apiVersion)"
assert_eq "kube-credential: kind" ExecCredential "$(json "$T/kube.json" j.kind)"
assert_eq "kube-credential: the token" "$(store_field access_token)" "$(json "$T/kube.json" j.status.token)"
assert_eq "kube-credential: its expiry, RFC 3339" \
  "$(node -e 'console.log(new Date(Number(process.argv[1]) * 1000).toISOString().replace(/\.000Z$/, "Z"))' "$(store_field expires_at)")" \
  "$(json "$T/kube.json" j.status.expirationTimestamp)"
KUBERNETES_EXEC_INFO='{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}' \
  "$TERMAUTH" kube-credential >"$T/kube1b.json" 2>/dev/null || true
assert_eq "kube-credential: v1beta1 when asked" client.authentication.k8s.io/v1beta1 "$(json "$T/kube1b.json" j.apiVersion)"
finish
