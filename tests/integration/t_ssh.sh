#!/bin/sh
# termauth ssh, end to end, against a real sshd on 127.0.0.1 whose far side
# is another local user with the termauth binaries only (no profile, no
# sign-in, nothing of this side's files): after one sign-in here, the far
# side's termauth token prints a token the IdP accepts; git clone (through
# Apache and mod_auth_openidc) and kubectl (through the test's resource
# server) work there through the broker; no refresh token, ID token or
# client secret is in any file, environment or argv there; 32 concurrent
# far-side calls cost one refresh; a profile not forwarded is refused with
# the setting named; once the session ends the broker is gone, and the far
# side's next call says so (exit 3).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apache.sh"
. "$(dirname "$0")/sshd.sh"
SSHD_ALT_CONFIG="AllowTcpForwarding no"
export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
unset GIT_ASKPASS SSH_ASKPASS
start_idp
start_apache
make_bare_repo demo
GIT_HOST=${GIT_URL#http://}
GIT_HOST=${GIT_HOST%%/*}
BROWSER="$IDP_DIR/browser" "$TERMAUTH" -p work login --issuer "$ISSUER" --client-id "$CLIENT_ID" \
  --scope "openid profile offline_access" --timeout 100 </dev/null >/dev/null 2>"$T/login.err" || true
wait_browser
PROFILE=work
check "signed in here as work" test -n "$(store_field refresh_token)"
start_sshd
far_install_termauth
FT=$FAR_TERMAUTH

# tssh ARGS...: termauth ssh to the far side, forwarding work.
tssh() { "$TERMAUTH" ssh --profile work -F "$TA_SSH_CONFIG" far "$@" </dev/null; }

rc=0; "$TERMAUTH" -v ssh --profile work -F "$TA_SSH_CONFIG" far "$FT" -p work token </dev/null \
  >"$T/far.out" 2>"$T/far.err" || rc=$?
assert_eq "termauth ssh ... termauth token -p work: exit 0" 0 "$rc"
assert_eq "... the profile's access token" "$(store_field access_token)" "$(cat "$T/far.out")"
assert_eq "... which the IdP accepts" alice "$(userinfo_sub "$(cat "$T/far.out")")"
check "the answer is logged here at -v: profile, time, session" \
  grep -Eq "forwarding at [0-9]{2}:[0-9]{2}:[0-9]{2}: the access token of profile 'work' for ssh far: given" "$T/far.err"
assert_not_contains "... never the token" "$T/far.err" "$(cat "$T/far.out")"

# ssh's own exit status is termauth ssh's.
rc=0; tssh exit 7 >/dev/null 2>&1 || rc=$?
assert_eq "the remote command's exit status is termauth ssh's" 7 "$rc"

# What the far side holds while a session runs: its processes' environment
# and argv, and its files, searched for every secret of this side.
RT=$(store_field refresh_token)
IDT=$(store_field id_token)
cat >"$T/scan.sh" <<'SCAN'
#!/bin/sh
# Runs the helpers, then shows every environment and argv of this user's
# processes, and the names of files with a secret read from stdin.
(umask 077 && cat >"$HOME/.patterns") # first: the helpers get no stdin of it
"$1" -p work token >/dev/null
"$1" -p work exec -- sh -c 'cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null' | tr '\0' '\n'
grep -rlF -f "$HOME/.patterns" --exclude=.patterns "$HOME" /tmp /var/tmp /dev/shm 2>/dev/null | sed 's/^/FILE /'
rm -f "$HOME/.patterns"
echo "SOCK $TERMAUTH_AGENT_SOCK"
SCAN
SCAN=$(far_install "$T/scan.sh")
# A canary the scan must find, so that a scan that reads nothing fails.
# Made now: a fixed one is also in every copy of this script, which the
# scan then finds wherever a checkout of the project lies (/tmp).
CANARY=canary-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
ssh_far -- "echo $CANARY >\"\$HOME/canary\"" # one word: ssh joins them
printf '%s\n%s\n%s\n' "$RT" "$IDT" "$CANARY" >"$T/secrets"
rc=0; "$TERMAUTH" ssh --profile work -F "$TA_SSH_CONFIG" far sh "$SCAN" "$FT" <"$T/secrets" >"$T/scan.out" 2>"$T/scan.err" || rc=$?
assert_eq "the far side's scan ran" 0 "$rc"
check "the far side's environment and argv were read" grep -q '^TERMAUTH_AGENT_SOCK=/tmp/termauth-agent\.' "$T/scan.out"
check "no refresh token in any far-side environment, argv or file" sh -c "! grep -qF -- '$RT' '$T/scan.out'"
check "no ID token there either" sh -c "! grep -qF -- '$IDT' '$T/scan.out'"
assert_eq "no far-side file holds a secret (but the canary)" "FILE $FAR_HOME/canary" \
  "$(grep '^FILE ' "$T/scan.out")"
REMOTE_SOCK=$(sed -n 's/^SOCK //p' "$T/scan.out")
check "the forwarded socket was named" test -n "$REMOTE_SOCK"
rc=0; ssh_far -- test -e "$REMOTE_SOCK" || rc=$?
check "... and removed by the far side's shell when the session ended" test "$rc" != 0

# The stampede, over the real ssh connection: 32 far-side callers with the
# token inside the refresh window: one refresh at the IdP, here.
age_session 10
BEFORE=$(refreshes)
cat >"$T/stampede.sh" <<'ST'
#!/bin/sh
i=0
while [ $i -lt 32 ]; do "$1" -p work token >"$HOME/st.$i" 2>&1 & i=$((i + 1)); done
wait
cat "$HOME"/st.* | sort | uniq -c
rm -f "$HOME"/st.*
ST
ST=$(far_install "$T/stampede.sh")
tssh sh "$ST" "$FT" >"$T/stampede.out" 2>&1 || true
assert_eq "32 far-side callers over ssh: one refresh" $((BEFORE + 1)) "$(refreshes)"
assert_eq "... all 32 got the new token" "32 $(store_field access_token)" \
  "$(sed 's/^ *//' "$T/stampede.out")"

# git on the far side: setup-git there, then a real clone through the broker.
rc=0; tssh "$FT" -p work setup-git --host "http://$GIT_HOST" >"$T/far-setup.out" 2>&1 || rc=$?
assert_eq "setup-git on the far side: exit 0" 0 "$rc"
rc=0; tssh "GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0 git clone -q $GIT_URL/demo.git \$HOME/demo && cat \$HOME/demo/README" \
  >"$T/far-clone.out" 2>&1 || rc=$?
assert_eq "git clone on the far side: exit 0" 0 "$rc"
check "... the repository's file came" test -s "$T/far-clone.out"

# kubectl on the far side, its plugin answered through the broker.
cp "$APACHE_CA" "$T/far-ca.pem"
FAR_CA=$(far_install "$T/far-ca.pem")
cat >"$T/far-kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: $KUBE_URL
    certificate-authority: $FAR_CA
users:
- name: test
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: $FT
      args: ["-p", "work", "kube-credential"]
      interactiveMode: Never
contexts:
- name: test
  context:
    cluster: test
    user: test
current-context: test
YAML
FAR_KUBE=$(far_install "$T/far-kubeconfig")
rc=0; tssh kubectl --kubeconfig "$FAR_KUBE" --request-timeout 30s get --raw /readyz \
  >"$T/far-kube.out" 2>&1 || rc=$?
assert_eq "kubectl on the far side: exit 0" 0 "$rc"
assert_eq "... read the endpoint" ok "$(cat "$T/far-kube.out")"

# An sshd that allows no forwarding (far-alt: AllowTcpForwarding no):
# ssh fails before the session, and termauth says what to change.
rc=0; "$TERMAUTH" ssh --profile work -F "$TA_SSH_CONFIG" far-alt true </dev/null >/dev/null 2>"$T/alt.err" || rc=$?
assert_eq "an sshd without forwarding: ssh's 255" 255 "$rc"
assert_contains "... and what to change there" "$T/alt.err" \
  "AllowStreamLocalForwarding and AllowTcpForwarding yes (or remote)"

# A profile not forwarded: refused, naming the setting.
rc=0; tssh "$FT" -p other token >/dev/null 2>"$T/other.err" || rc=$?
assert_eq "a profile not forwarded: exit 3" 3 "$rc"
assert_contains "... the setting named" "$T/other.err" "profile 'other' is not forwarded from"

# The session over: the broker is gone with it, and says so.
tssh true >/dev/null 2>&1 &
TSSH=$!
wait $TSSH || true
check "the termauth ssh process is gone" sh -c "! kill -0 $TSSH 2>/dev/null"
check "no broker socket is left here" sh -c "! ls -d '$XDG_RUNTIME_DIR'/termauth-ssh.* 2>/dev/null | grep -q ."
rc=0; ssh_far -- env TERMAUTH_AGENT_SOCK="$REMOTE_SOCK" TERMAUTH_AGENT_FROM=laptop \
  "$FT" -p work token >/dev/null 2>"$T/gone.err" || rc=$?
assert_eq "after the session, the far side's call: exit 3" 3 "$rc"
assert_contains "... saying the forwarded sign-in is gone" "$T/gone.err" \
  "the forwarded sign-in from laptop is no longer reachable"
finish
