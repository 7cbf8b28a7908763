#!/bin/sh
# git, end to end: Apache with mod_auth_openidc (a resource server that asks
# the IdP about every token) in front of git-http-backend. After
# `termauth setup-git`, real clone and push work with no prompt; a token
# the server refuses makes git call erase, and the next push refreshes and
# succeeds; setup-git twice leaves one entry; no token in any argv; and
# the helper answers only for listed hosts, and never over plain http to
# another machine.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apache.sh"
export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
unset GIT_ASKPASS SSH_ASKPASS
start_idp
start_apache --git-only
make_bare_repo demo
HOST=${GIT_URL#http://}
HOST=${HOST%%/*}
run_login
assert_eq "signed in" 0 "$rc"

rc=0; "$TERMAUTH" setup-git --host "http://$HOST" 2>"$T/setup.err" || rc=$?
assert_eq "setup-git: exit 0" 0 "$rc"
assert_contains "setup-git: says so" "$T/setup.err" \
  "termauth: git now asks termauth (profile 'default') for the credentials of http://$HOST"
assert_not_contains "setup-git: signed in, so no warning" "$T/setup.err" "not signed in yet"
git config --global --get-all "credential.http://$HOST.helper" >"$T/helpers" || true
assert_eq "setup-git: an empty helper, then termauth's" \
  "|!'$(readlink -f "$TERMAUTH")' git-credential" "$(tr '\n' '|' <"$T/helpers" | sed 's/|$//')"
"$TERMAUTH" setup-git --host "http://$HOST" 2>/dev/null
git config --global --get-all "credential.http://$HOST.helper" >"$T/helpers2" || true
check "setup-git twice: the same entries, once" cmp -s "$T/helpers" "$T/helpers2"
assert_eq "setup-git twice: the host once in git_hosts" 1 \
  "$(grep -c "git_hosts = $HOST\$" "$XDG_CONFIG_HOME/termauth/config")"

# What git asks, answered: the stored token, as oauth2, and its expiry
# (which git 2.41 and later use; this git drops it, so the helper is asked
# directly too).
printf 'protocol=http\nhost=%s\n\n' "$HOST" | git credential fill >"$T/fill" 2>"$T/fill.err" || true
assert_eq "git credential fill: username" "username=oauth2" "$(grep '^username=' "$T/fill")"
assert_eq "git credential fill: the token" "password=$(store_field access_token)" "$(grep '^password=' "$T/fill")"
printf 'protocol=http\nhost=%s\n\n' "$HOST" | "$TERMAUTH" git-credential get >"$T/get" 2>/dev/null || true
assert_eq "the helper: the token's expiry" "password_expiry_utc=$(store_field expires_at)" \
  "$(grep '^password_expiry_utc=' "$T/get")"

# Every process's argv, every 50 ms, while git runs.
( while :; do cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' '; echo; sleep 0.05; done ) >"$T/cmdlines" &
SAMPLER=$!
rc=0; git clone "$GIT_URL/demo.git" "$T/work" </dev/null >"$T/clone.out" 2>&1 || rc=$?
assert_eq "git clone with no prompt: exit 0" 0 "$rc"
check "the clone has the repository's file" test -f "$T/work/README"
cd "$T/work"
git -c user.name=Alice -c user.email=alice@example.com commit -q --allow-empty -m "first push"
rc=0; git push -q origin HEAD:main </dev/null >"$T/push.out" 2>&1 || rc=$?
assert_eq "git push: exit 0" 0 "$rc"
assert_eq "the server has the pushed commit" "$(git rev-parse HEAD)" "$(repo_git demo rev-parse main)"
kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true
assert_not_contains "the token is in no process's argv" "$T/cmdlines" "$(store_field access_token)"

# The server refuses the token termauth holds, still unexpired for all it
# knows (as when an IdP ends access tokens early): git calls erase, which
# drops it; the next push refreshes and succeeds. (Revoking the access
# token at this IdP would end the whole grant, refresh token included.)
node -e '
  const fs = require("fs"), f = process.argv[1], j = JSON.parse(fs.readFileSync(f));
  j.access_token = "refused-by-the-server-" + Date.now();
  fs.writeFileSync(f + ".test", JSON.stringify(j), { mode: 0o600 }); fs.renameSync(f + ".test", f);' \
  "$STORE_DIR/default.json"
REFUSED=$(store_field access_token)
assert_eq "the IdP does not know that token" false "$(introspect "$REFUSED")"
git -c user.name=Alice -c user.email=alice@example.com commit -q --allow-empty -m "second push"
rc=0; git push -q origin HEAD:main </dev/null >"$T/push2.out" 2>&1 || rc=$?
assert_eq "a refused token: the push fails" 128 "$rc"
assert_eq "git's erase dropped it from the store" "" "$(store_field access_token)"
before=$(refreshes)
rc=0; git push -q origin HEAD:main </dev/null >"$T/push3.out" 2>&1 || rc=$?
assert_eq "the next push succeeds" 0 "$rc"
assert_eq "... after one refresh" $((before + 1)) "$(refreshes)"
assert_eq "... with the pushed commit on the server" "$(git rev-parse HEAD)" "$(repo_git demo rev-parse main)"
check "... and a new token stored" test -n "$(store_field access_token)"
cd "$T"

# The helper answers for listed hosts only, and never over http to
# another machine (even one listed).
printf 'protocol=https\nhost=git.example.org\n\n' | "$TERMAUTH" git-credential get >"$T/other" 2>&1 || true
assert_eq "an unlisted host: no answer" "" "$(cat "$T/other")"
"$TERMAUTH" setup-git --host git.example.org 2>/dev/null
printf 'protocol=http\nhost=git.example.org\n\n' | "$TERMAUTH" git-credential get >"$T/plain" 2>&1 || true
assert_eq "plain http to another machine: no answer" "" "$(cat "$T/plain")"
printf 'protocol=https\nhost=git.example.org\n\n' | "$TERMAUTH" git-credential get >"$T/https" 2>/dev/null || true
assert_eq "https to a listed host: the token" "password=$(store_field access_token)" "$(grep '^password=' "$T/https")"
printf 'protocol=https\nhost=git.example.org\n' | "$TERMAUTH" git-credential store >"$T/store" 2>&1 || true
assert_eq "store: does nothing, says nothing" "" "$(cat "$T/store")"
# No session, and someone at a terminal (script(1) gives the helper one):
# get signs in, talking on the terminal - not on stdout, which is git's,
# nor on stderr - and answers with the new token.
"$TERMAUTH" logout 2>/dev/null
printf 'protocol=http\nhost=%s\n\n' "$HOST" >"$T/req"
rc=0
BROWSER="$IDP_DIR/browser" script -qec "'$TERMAUTH' git-credential get <'$T/req' >'$T/tty.out' 2>'$T/tty.err'" \
  "$T/tty.log" </dev/null >/dev/null 2>&1 || rc=$?
assert_eq "no session, a terminal: exit 0" 0 "$rc"
assert_eq "... answered with the new session's token" "password=$(store_field access_token)" "$(grep '^password=' "$T/tty.out")"
assert_contains "... the sign-in talked on the terminal" "$T/tty.log" "Opening your browser to sign in"
assert_not_contains "... not on stdout" "$T/tty.out" "Opening your browser"
assert_eq "... nor on stderr" "" "$(cat "$T/tty.err")"
rc=0; printf 'no equals sign\n' | "$TERMAUTH" git-credential get >"$T/bad" 2>"$T/bad.err" || rc=$?
assert_eq "a malformed request: exit 1" 1 "$rc"
assert_contains "a malformed request: says so" "$T/bad.err" "termauth: error: git-credential: git's request cannot be read"
finish
