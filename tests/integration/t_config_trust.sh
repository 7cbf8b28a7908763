#!/bin/sh
# The configuration file decides where a sign-in goes and which hosts git
# gets tokens for, so it is read only when it is yours (or root's) and no
# one else may write it: otherwise every command that reads it - login,
# setup-git, token, git-credential on the small executable's fast path -
# stops with one line naming the file and the fix, exit 1, having written
# and signed in nothing. And its changes never lose each other: ten
# setup-git at once, for ten hosts, leave all ten in the profile and in
# git's config. A missing file still works as an empty one.
. "$(dirname "$0")/lib.sh"
export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
CFG=$XDG_CONFIG_HOME/termauth/config
start_idp

# A missing configuration is an empty one: no host is answered for, and a
# sign-in creates the file, 0600 in a 0700 directory.
rc=0; printf 'protocol=https\nhost=git.example.com\n\n' | "$TERMAUTH" git-credential get \
  >"$T/none.out" 2>"$T/none.err" || rc=$?
assert_eq "no configuration: git-credential exit 0" 0 "$rc"
assert_eq "no configuration: no answer, no message" "" "$(cat "$T/none.out" "$T/none.err")"
run_login
assert_eq "no configuration: signed in" 0 "$rc"
assert_eq "the file is created 0600" 600 "$(stat -c %a "$CFG")"
assert_eq "in a 0700 directory" 700 "$(stat -c %a "$(dirname "$CFG")")"
assert_contains "the profile is saved" "$CFG" "issuer = $ISSUER"
rc=0; "$TERMAUTH" setup-git --host git.example.com 2>"$T/sg0.err" || rc=$?
assert_eq "setup-git into the new file: exit 0" 0 "$rc"
TOKEN=$(store_field access_token)
cp "$CFG" "$T/cfg.good"
HELPER="!'$(readlink -f "$TERMAUTH")' git-credential"

# refused FILE MODE WHY: every reader stops with WHY and exit 1; nothing is
# written, signed in or refreshed.
refused() {
  cp "$T/cfg.good" "$CFG"
  chmod "$2" "$CFG"
  [ "$1" = other ] && chown 65534:65534 "$CFG"
  before=$(refreshes)
  rc=0; TA_BROWSER_LOG="$T/browser-$1.log" run_login -p planted
  assert_eq "$1: login exit 1" 1 "$rc"
  assert_eq "$1: login says why, in one line" "termauth: error: $3" "$(cat "$T/login.err")"
  check "$1: no browser was opened" test ! -e "$T/browser-$1.log"
  check "$1: no session for the profile" test ! -e "$STORE_DIR/planted.json"
  rc=0; "$TERMAUTH" setup-git --host "$1.example.org" 2>"$T/sg-$1.err" || rc=$?
  assert_eq "$1: setup-git exit 1" 1 "$rc"
  assert_eq "$1: setup-git says why" "termauth: error: $3" "$(cat "$T/sg-$1.err")"
  assert_eq "$1: git's config is not changed" "" \
    "$(git config --global --get-all "credential.https://$1.example.org.helper" || true)"
  rc=0; printf 'protocol=https\nhost=git.example.com\n\n' | "$TERMAUTH" git-credential get \
    >"$T/get-$1.out" 2>"$T/get-$1.err" || rc=$?
  assert_eq "$1: git-credential get exit 1" 1 "$rc"
  assert_eq "$1: git-credential gives git no token" "" "$(cat "$T/get-$1.out")"
  assert_eq "$1: git-credential says why" "termauth: error: $3" "$(cat "$T/get-$1.err")"
  # A token that must be refreshed reads the profile first: no refresh.
  rc=0; "$TERMAUTH" token --min-ttl 999999 >"$T/tok-$1.out" 2>"$T/tok-$1.err" || rc=$?
  assert_eq "$1: token that needs a refresh: exit 1" 1 "$rc"
  assert_eq "$1: token says why" "termauth: error: $3" "$(cat "$T/tok-$1.err")"
  assert_eq "$1: no token printed" "" "$(cat "$T/tok-$1.out")"
  assert_eq "$1: no refresh" "$before" "$(refreshes)"
  check "$1: the file is as it was" cmp -s "$T/cfg.good" "$CFG"
  assert_eq "$1: with its mode and owner" "$2 $( [ "$1" = other ] && echo 65534 || id -u)" \
    "$(stat -c '%a %u' "$CFG")"
  assert_eq "$1: no temporary file or other left" "config config.lock" \
    "$(ls -A "$(dirname "$CFG")" | tr '\n' ' ' | sed 's/ $//')"
}
refused world 646 "$CFG may be changed by others (mode 646): it is not read until you run chmod go-w $CFG"
refused group 660 "$CFG may be changed by others (mode 660): it is not read until you run chmod go-w $CFG"
refused other 600 "$CFG belongs to another user (uid 65534): it is not read; use a configuration file of your own"

# The fix the message gives works: the same commands go through.
chown "$(id -u):$(id -g)" "$CFG"
chmod 664 "$CFG"
chmod go-w "$CFG"
rc=0; printf 'protocol=https\nhost=git.example.com\n\n' | "$TERMAUTH" git-credential get >"$T/fixed.out" 2>&1 || rc=$?
assert_eq "after chmod go-w: git-credential exit 0" 0 "$rc"
assert_eq "... and the token" "password=$TOKEN" "$(grep '^password=' "$T/fixed.out")"
rc=0; "$TERMAUTH" setup-git --host fixed.example.org 2>/dev/null || rc=$?
assert_eq "after chmod go-w: setup-git exit 0" 0 "$rc"
assert_eq "... keeps the file's mode" 644 "$(stat -c %a "$CFG")"

# Through a link (a dotfiles repository), the file checked is the one the
# link leads to.
mv "$CFG" "$T/dotfiles.ini"
ln -s "$T/dotfiles.ini" "$CFG"
chmod 666 "$T/dotfiles.ini"
rc=0; "$TERMAUTH" setup-git --host link.example.org 2>"$T/link.err" || rc=$?
assert_eq "a link to a file others may write: exit 1" 1 "$rc"
assert_contains "... says so" "$T/link.err" "(mode 666): it is not read until you run chmod go-w $CFG"
chmod go-w "$T/dotfiles.ini"
rc=0; "$TERMAUTH" setup-git --host link.example.org 2>/dev/null || rc=$?
assert_eq "a link to your own file: setup-git exit 0" 0 "$rc"
check "... which keeps the link" test -L "$CFG"
assert_contains "... and writes the file it leads to" "$T/dotfiles.ini" "link.example.org"
rm "$CFG"
mv "$T/dotfiles.ini" "$CFG"

# Another user: a file root owns is accepted (root could change any file
# anyway); one that user owns too; one root owns that others may write is
# not. $T is opened for that user to reach its files.
chmod 755 "$T"
mkdir -p "$T/nobody" "$T/etc"
chown 65534:65534 "$T/nobody"
printf '[profile work]\nissuer = %s\nclient_id = %s\ngit_hosts = git.example.net\n' "$ISSUER" "$CLIENT_ID" \
  >"$T/etc/config"
as_nobody() { # CONFIG: git-credential get for git.example.net, as uid 65534
  printf 'protocol=https\nhost=git.example.net\n\n' >"$T/nobody/req"
  rc=0
  setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$T/nobody" XDG_CONFIG_HOME="$T/nobody/c" \
    XDG_STATE_HOME="$T/nobody/s" XDG_RUNTIME_DIR="$T/nobody/r" TERMAUTH_CONFIG="$1" \
    "$TERMAUTH" git-credential get <"$T/nobody/req" >"$T/nobody.out" 2>"$T/nobody.err" || rc=$?
}
chmod 644 "$T/etc/config"
as_nobody "$T/etc/config"
# The profile is found, and has no session for that user: exit 3.
assert_eq "another user, root's file: read (sign-in required, exit 3)" 3 "$rc"
assert_eq "... naming the profile it found" "termauth: error: not signed in (profile 'work'): run 'termauth -p work login'" \
  "$(cat "$T/nobody.err")"
cp "$T/etc/config" "$T/nobody/config"
chown 65534:65534 "$T/nobody/config"
as_nobody "$T/nobody/config"
assert_eq "another user, their own file: read (exit 3)" 3 "$rc"
chmod 666 "$T/etc/config"
as_nobody "$T/etc/config"
assert_eq "another user, root's file others may write: exit 1" 1 "$rc"
assert_eq "... says so" \
  "termauth: error: $T/etc/config may be changed by others (mode 666): it is not read until you run chmod go-w $T/etc/config" \
  "$(cat "$T/nobody.err")"
chmod 700 "$T"

# Ten setup-git at once, ten hosts (short ones: see below): all ten land, in the profile and in
# git's config, and the file stays whole.
pids=
for i in 1 2 3 4 5 6 7 8 9 10; do
  "$TERMAUTH" setup-git --host "h$i.example" 2>"$T/many$i.err" &
  pids="$pids $!"
done
n=0; failed=
for pid in $pids; do
  n=$((n + 1))
  wait "$pid" || failed="$failed host$n: $(cat "$T/many$n.err")"
done
assert_eq "ten setup-git at once: each exit 0" "" "$failed"
hosts=$(sed -n 's/^git_hosts = //p' "$CFG")
for i in 1 2 3 4 5 6 7 8 9 10; do
  n=$(printf '%s\n' $hosts | grep -cx "h$i.example" || true)
  assert_eq "h$i: once in the profile's git_hosts" 1 "$n"
  assert_eq "h$i: in git's config, an empty helper, then termauth's" "|$HELPER" \
    "$(git config --global --get-all "credential.https://h$i.example.helper" | tr '\n' '|' | sed 's/|$//')"
done
for h in git.example.com fixed.example.org link.example.org; do
  n=$(printf '%s\n' $hosts | grep -cx "$h" || true)
  assert_eq "$h, there before: still there" 1 "$n"
done
assert_eq "one git_hosts line" 1 "$(grep -c '^git_hosts' "$CFG")"
assert_eq "one default profile" 1 "$(grep -c '^\[profile default\]' "$CFG")"
assert_contains "its other keys kept" "$CFG" "issuer = $ISSUER"
assert_eq "no temporary file left" "config config.lock" \
  "$(ls -A "$(dirname "$CFG")" | tr '\n' ' ' | sed 's/ $//')"
rc=0; printf 'protocol=https\nhost=h7.example\n\n' | "$TERMAUTH" git-credential get >"$T/h7" 2>&1 || rc=$?
assert_eq "the file reads back: git-credential for h7 exit 0" 0 "$rc"
assert_eq "... with the token" "password=$TOKEN" "$(grep '^password=' "$T/h7")"

# A line of the file holds at most 198 characters: a host that would make
# git_hosts longer is refused with the reason, and nothing changes.
cp "$CFG" "$T/cfg.full"
LONG=a-host-name-long-enough-to-fill-the-line-of-git-hosts.example.com
rc=0; "$TERMAUTH" setup-git --host "$LONG" 2>"$T/long.err" || rc=$?
assert_eq "git_hosts full: exit 1" 1 "$rc"
assert_eq "... says why" \
  "termauth: error: the git_hosts of profile 'default' would not fit in a line of the configuration file (198 characters)" \
  "$(cat "$T/long.err")"
check "... the file unchanged" cmp -s "$T/cfg.full" "$CFG"
assert_eq "... git's config unchanged" "" "$(git config --global --get-all "credential.https://$LONG.helper" || true)"
finish
