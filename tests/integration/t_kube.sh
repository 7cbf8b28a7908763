#!/bin/sh
# kubectl, end to end: a kubeconfig whose user runs `termauth
# kube-credential` reads from an HTTPS endpoint (Apache + mod_auth_openidc)
# that admits only tokens the IdP calls active; the plugin refreshes an
# expiring token silently, and with no session (and no terminal) kubectl
# fails with termauth's message instead of hanging.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apache.sh"
start_idp
start_apache --kube-only
run_login
assert_eq "signed in" 0 "$rc"
# kubectl 1.22 and later speak client.authentication.k8s.io/v1; older ones
# (Debian's kubernetes-client is 1.20) only v1beta1: the plugin answers in
# the version kubectl asks for.
MINOR=$(kubectl version --client -o json 2>/dev/null | json /dev/stdin 'parseInt(j.clientVersion.minor)')
API=client.authentication.k8s.io/v1
[ "$MINOR" -ge 22 ] || API=client.authentication.k8s.io/v1beta1
write_kubeconfig "$T/kubeconfig" <<YAML
    exec:
      apiVersion: $API
      command: $TERMAUTH
      args: ["kube-credential"]
      interactiveMode: IfAvailable
      provideClusterInfo: false
YAML
kube() { kubectl --kubeconfig "$T/kubeconfig" --request-timeout 30s "$@" </dev/null; }

rc=0; kube get --raw /readyz >"$T/kube.out" 2>"$T/kube.err" || rc=$?
assert_eq "kubectl through the plugin: exit 0" 0 "$rc"
assert_eq "kubectl read the endpoint" ok "$(cat "$T/kube.out")"
assert_eq "no refresh was needed" 0 "$(refreshes)"
assert_contains "the server saw the request" "$APACHE_ACCESS_LOG" "GET /readyz"

# The token about to expire: the plugin refreshes it, kubectl never knows.
age_session 10
OLD=$(store_field access_token)
rc=0; kube get --raw /readyz >"$T/kube2.out" 2>"$T/kube2.err" || rc=$?
assert_eq "an expiring token: kubectl still reads" ok "$(cat "$T/kube2.out")"
assert_eq "... after one refresh" 1 "$(refreshes)"
check "... with a new token stored" test "$(store_field access_token)" != "$OLD"

# The endpoint admits only valid tokens: a kubeconfig with a made-up one
# is refused.
write_kubeconfig "$T/bad-kubeconfig" <<YAML
    token: not-a-token-the-idp-issued
YAML
rc=0; kubectl --kubeconfig "$T/bad-kubeconfig" get --raw /readyz >"$T/bad.out" 2>"$T/bad.err" </dev/null || rc=$?
assert_eq "a made-up token: refused" 1 "$rc"
assert_eq "... and nothing read" "" "$(cat "$T/bad.out")"

# Signed out, with no terminal: kubectl fails at once with termauth's word.
"$TERMAUTH" logout 2>/dev/null
rc=0; kube get --raw /readyz >"$T/out3" 2>"$T/err3" || rc=$?
assert_eq "signed out: kubectl fails" 1 "$rc"
assert_contains "signed out: termauth's message reaches the person" "$T/err3" \
  "termauth: error: not signed in (profile 'default'): run 'termauth login'"
finish
