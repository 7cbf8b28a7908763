#!/bin/sh
# The resource server harness (apache.sh) end to end: Apache with
# mod_auth_openidc in front of git-http-backend and a kubectl-readable
# endpoint accepts a token from a real sign-in, refuses a wrong one, and
# refuses the real one as soon as it is revoked at the IdP; git (fetch and
# push) and kubectl get through with it. Tokens go to curl, git and kubectl
# through files, never through argv.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apache.sh"
export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
start_idp
start_apache
make_bare_repo demo
pass "Apache answers at $GIT_URL and $KUBE_URL"

run_login
assert_eq "login exits 0" 0 "$rc"
TOKEN=$("$TERMAUTH" token)
check "termauth token printed a token" test -n "$TOKEN"
# The token files hold the token alone, without a newline (curl's
# --data-urlencode token@FILE would send one).
(umask 077 && printf '%s' "$TOKEN" >"$T/token")
(umask 077 && printf 'wrong-%s' "$TOKEN" >"$T/bad-token")

# Watch every process's argv from here on: the token must never be there.
( while [ ! -e "$T/stop-watch" ] && kill -0 $$ 2>/dev/null; do
    cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' ' >>"$T/cmdlines"
    echo >>"$T/cmdlines"
    sleep 0.05
  done ) &
WATCH=$!

# http_status URL TOKEN_FILE [AUTH_USER]: the status of a GET with
# Basic auth (user AUTH_USER, default "x"; password from the file), the
# answer's headers in $T/headers and body in $T/body. No file: no auth.
http_status() {
  : >"$T/curl.cfg"
  [ -n "$2" ] && printf 'user = "%s:%s"\n' "${3:-x}" "$(cat "$2")" >"$T/curl.cfg"
  curl -s --noproxy '*' --config "$T/curl.cfg" -D "$T/headers" -o "$T/body" -w '%{http_code}' "$1" || :
  rm -f "$T/curl.cfg"
}
REFS="$GIT_URL/demo.git/info/refs?service=git-upload-pack"

assert_eq "git refs with the token as Basic password: 200" 200 "$(http_status "$REFS" "$T/token")"
assert_contains "the answer is git's advertisement" "$T/body" "# service=git-upload-pack"
assert_contains "it lists the repository's commit" "$T/body" "$(repo_git demo rev-parse main) refs/heads/main"
assert_eq "any username will do" 200 "$(http_status "$REFS" "$T/token" someone-else)"
assert_eq "no credentials: 401" 401 "$(http_status "$REFS" "")"
assert_contains "the 401 asks for Basic (what git answers)" "$T/headers" 'WWW-Authenticate: Basic realm="termauth test git"'
assert_eq "a wrong token: 401" 401 "$(http_status "$REFS" "$T/bad-token")"

# git itself, the password from GIT_ASKPASS (which reads the file).
cat >"$T/askpass" <<EOF
#!/bin/sh
case "\$1" in Username*) echo x ;; *) cat "\$ASKPASS_TOKEN" ;; esac
EOF
chmod 700 "$T/askpass"
git_with() { # TOKEN_FILE GIT_ARGS...: git with that file's token as the password
  f=$1; shift
  GIT_ASKPASS="$T/askpass" ASKPASS_TOKEN="$f" git "$@"
}
rc=0; git_with "$T/token" ls-remote "$GIT_URL/demo.git" >"$T/ls-remote.out" 2>"$T/ls-remote.err" || rc=$?
assert_eq "git ls-remote with the token: exit 0" 0 "$rc"
assert_contains "git ls-remote lists main" "$T/ls-remote.out" "$(repo_git demo rev-parse main)	refs/heads/main"
rc=0; git_with "$T/bad-token" ls-remote "$GIT_URL/demo.git" >/dev/null 2>"$T/ls-remote.err" || rc=$?
assert_eq "git ls-remote with a wrong token: exit 128" 128 "$rc"
assert_contains "git says authentication failed" "$T/ls-remote.err" "Authentication failed"

# Push: git-http-backend takes receive-pack from an authenticated user.
rc=0; git_with "$T/token" clone -q "$GIT_URL/demo.git" "$T/demo" 2>"$T/clone.err" || rc=$?
assert_eq "git clone with the token: exit 0" 0 "$rc"
echo change >"$T/demo/change"
git -C "$T/demo" add change
git -C "$T/demo" -c user.name=test -c user.email=test@example.test commit -q -m change
rc=0; git_with "$T/token" -C "$T/demo" push -q origin main 2>"$T/push.err" || rc=$?
assert_eq "git push with the token: exit 0" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/push.err"
assert_eq "the server's repository has the pushed commit" "$(git -C "$T/demo" rev-parse HEAD)" \
  "$(repo_git demo rev-parse main)"

# kubectl: the token in a kubeconfig (0600), sent as a Bearer header.
write_kubeconfig "$T/kubeconfig" <<EOF
    token: $TOKEN
EOF
assert_eq "the kubeconfig is 0600" 600 "$(stat -c %a "$T/kubeconfig")"
rc=0; kubectl --kubeconfig "$T/kubeconfig" get --raw /readyz >"$T/kube.out" 2>"$T/kube.err" || rc=$?
assert_eq "kubectl get --raw /readyz with the token: exit 0" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/kube.err"
assert_eq "kubectl prints the body" ok "$(cat "$T/kube.out")"
write_kubeconfig "$T/kubeconfig.bad" <<EOF
    token: wrong-$TOKEN
EOF
rc=0; kubectl --kubeconfig "$T/kubeconfig.bad" get --raw /readyz >"$T/kube.out" 2>"$T/kube.err" || rc=$?
assert_eq "kubectl with a wrong token: exit 1" 1 "$rc"
assert_contains "kubectl says to sign in" "$T/kube.err" "error: You must be logged in to the server"
assert_eq "kubectl with a wrong token prints no body" "" "$(cat "$T/kube.out")"

# Revocation: accepted just before, refused at once after. A git credential
# helper that records what git asks of it must be told to erase.
assert_eq "accepted right before the revocation" 200 "$(http_status "$REFS" "$T/token")"
curl -s --noproxy '*' -o /dev/null -w '%{http_code}' --data-urlencode "token@$T/token" \
  --data client_id="$CLIENT_ID" "$ISSUER/token/revocation" >"$T/revoke.status"
assert_eq "the IdP revokes the token" 200 "$(cat "$T/revoke.status")"
assert_eq "the IdP now calls it inactive" false "$(introspect "$TOKEN")"
assert_eq "git refs with the revoked token: 401 at once" 401 "$(http_status "$REFS" "$T/token")"
cat >"$T/helper" <<EOF
#!/bin/sh
echo "\$1" >>"$T/helper.log"
cat >/dev/null
[ "\$1" = get ] && { echo username=x; echo "password=\$(cat "$T/token")"; }
exit 0
EOF
chmod 700 "$T/helper"
rc=0; git -c credential.helper="$T/helper" ls-remote "$GIT_URL/demo.git" >/dev/null 2>"$T/ls-remote.err" || rc=$?
assert_eq "git ls-remote with the revoked token: exit 128" 128 "$rc"
assert_eq "git asked its helper, then told it to erase" "get erase" "$(tr '\n' ' ' <"$T/helper.log" | sed 's/ $//')"
rc=0; kubectl --kubeconfig "$T/kubeconfig" get --raw /readyz >"$T/kube.out" 2>"$T/kube.err" || rc=$?
assert_eq "kubectl with the revoked token: exit 1" 1 "$rc"
assert_contains "kubectl says to sign in" "$T/kube.err" "error: You must be logged in to the server"
touch "$T/stop-watch"; wait $WATCH
no_token_in() { ! grep -qF -f "$T/token" "$1"; } # (grep reads it from the file, not argv)
check "no process had the token in its argv" no_token_in "$T/cmdlines"
check "Apache's error log never holds the token" no_token_in "$APACHE_ERROR_LOG"
check "nor its access log" no_token_in "$APACHE_ACCESS_LOG"
finish
