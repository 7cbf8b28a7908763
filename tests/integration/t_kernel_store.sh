#!/bin/sh
# The kernel keyring store, as auto chooses it on a machine with no D-Bus:
# a sign-in keeps the session in one key of the persistent keyring, said
# once, with no refresh token in any file and the key readable only by its
# possessor; `token` is served from the runtime cache without keyctl; a
# refresh rotates the refresh token in the key; status names the store; a
# file session moves into the keyring at its next refresh. Where seccomp
# refuses keyctl (EPERM or ENOSYS), auto keeps the session in a 0600 file
# and says why, and --store kernel exits 1 in one line. logout leaves no
# termauth key; uid 65534 cannot read the key nor find it. With the key
# quota of a uid of the test's own nearly full (a browser sign-in as that
# user), a sign-in with --store kernel fails naming maxbytes, and auto
# keeps the session in a file, saying why. A refreshed session larger than
# a key holds is kept aside with a warning saying so, then in its file.
# With keyctl refused, a session in the keyring is said to be out of
# reach, not absent, and stays; one the kernel forgot (a reboot) is said to
# be forgotten.
TEST_STORE=kernel
. "$(dirname "$0")/lib.sh"
: "${NO_KEYCTL:?NO_KEYCTL must name the no_keyctl helper}"
command -v keyctl >/dev/null || { fail "keyctl (keyutils) is needed"; finish; }
command -v setpriv >/dev/null || { fail "setpriv (util-linux) is needed"; finish; }
[ "$(id -u)" = 0 ] || { fail "this test runs commands as uid 65534 with setpriv: run it as root (as CI does)"; finish; }
UID_NOW=$(id -u)
NB=$T/nobody # uid 65534's HOME and XDG directories (point 9)

# as_uid UID DIR SCRIPT [ARG...]: sh SCRIPT as UID, with HOME and XDG
# directories under DIR, in a session keyring of its own, as another
# user's login has (setpriv alone would keep ours, and possess what it
# holds); environment: only what is given.
as_uid() {
  au_uid=$1 au_dir=$2 au_script=$3; shift 3
  setpriv --reuid="$au_uid" --regid="$au_uid" --clear-groups --reset-env \
    env PATH="$PATH" HOME="$au_dir/home" XDG_STATE_HOME="$au_dir/state" XDG_CONFIG_HOME="$au_dir/config" \
    XDG_RUNTIME_DIR="$au_dir/run" TMPDIR="$au_dir/tmp" TA_BROWSER_LOG="$au_dir/browser.log" \
    keyctl session - sh -c 'exec 2>&3 3>&-; eval "$0"' "$au_script" "$@" 3>&2 2>/dev/null
}
as_nobody() { as_uid 65534 "$NB" "$@"; }
# make_home UID DIR: DIR's HOME and XDG directories, UID's.
make_home() {
  mkdir -p "$2/home" "$2/state" "$2/config" "$2/run" "$2/tmp"
  chmod 700 "$2/run"
  chown -R "$1:$1" "$2"
  chmod 711 "$T"
}
# The quota of uid 65534, whom other tests run termauth as, meanwhile too,
# is not this test's to fill: point 9 fills that of a uid of its own,
# the first from 61000 that no account has (the kernel keeps the two user
# keyrings of a uid that used keys for good: always the same uid).
QUID=61000
while getent passwd "$QUID" >/dev/null; do QUID=$((QUID + 1)); done
QU=$T/quota
# The keys of this test's other users go with it: termauth's and fillers,
# and the persistent keyring of uid $QUID, which only this test uses.
forget_keys_of() { # UID DIR
  [ -d "$2" ] || return 0
  as_uid "$1" "$2" 'r=$(keyctl get_persistent @s) || exit 0
    for k in $(keyctl rlist "$r") $(keyctl rlist @u); do
      case $(keyctl rdescribe "$k") in
        "user;"*";termauth:session:"*":$1"|"user;"*";termauth-test-filler") keyctl invalidate "$k" ;;
      esac
    done
    [ "$(id -u)" = 65534 ] || keyctl invalidate "$r"' "$2/state/termauth" >/dev/null 2>&1 || :
}
forget_other_keys() { forget_keys_of 65534 "$NB"; forget_keys_of "$QUID" "$QU"; }
# Then lib.sh's cleanup, with the test's exit status as $?.
kernel_store_exit() {
  ks_status=$?
  forget_other_keys
  set +e
  (exit "$ks_status")
  cleanup
}
trap kernel_store_exit EXIT

# termauth's keys of this store directory: "PROFILE KEYID PERM UID" lines.
our_keys() {
  in_keyring 'for k in $(keyctl rlist "$(keyctl get_persistent @s)"); do
      d=$(keyctl rdescribe "$k") || continue
      case $d in "user;"*";termauth:session:"*":$1")
        n=${d#*;termauth:session:}; p=${n%%:*}
        echo "$p $k $(echo "$d" | cut -d";" -f4) $(echo "$d" | cut -d";" -f2)" ;;
      esac
    done' "$STORE_DIR"
}
key_id() { our_keys | awk -v p="$1" '$1 == p { print $2 }'; }
# files_with SECRET: the files under HOME and the XDG directories holding it.
files_with() {
  grep -rlF -- "$1" "$HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME" 2>/dev/null || :
}
LIFE="until reboot, or 3 days unused"
[ "$(cat /proc/sys/kernel/keys/persistent_keyring_expiry)" = 259200 ] ||
  LIFE=$(printf 'until reboot, or %s seconds unused' "$(cat /proc/sys/kernel/keys/persistent_keyring_expiry)")
NO_BUS="there is no D-Bus session bus for a keychain"
EPERM_WHY="keyctl is refused here (Operation not permitted: a container or a seccomp filter forbids it)"
ENOSYS_WHY="keyctl is refused here (Function not implemented: a container or a seccomp filter forbids it)"

start_idp

echo "== 1. a sign-in under auto, no D-Bus: the kernel keyring"
run_login
assert_eq "signed in" 0 "$rc"
KEPT="termauth: $NO_BUS, so the session of profile 'default' is kept in the kernel keyring: in memory only, $LIFE (then sign in again)"
assert_eq "the notice, once" 1 "$(grep -cxF -- "$KEPT" "$T/login.err" || true)"
check_where_kept
REFRESH=$(store_field refresh_token)
check "the key holds a refresh token" test -n "$REFRESH"
assert_eq "no file holds the refresh token" "" "$(files_with "$REFRESH")"
KEY=$(key_id default)
check "one key for the profile" test -n "$KEY" -a "$(our_keys | grep -c '^default ')" = 1
assert_eq "the key: possessor all, user view only" 3f010000 "$(our_keys | awk '$1 == "default" { print $3 }')"
assert_eq "the key is ours (uid $UID_NOW)" "$UID_NOW" "$(our_keys | awk '$1 == "default" { print $4 }')"

echo "== 2. token from the runtime cache, with keyctl refused"
ACCESS=$(store_field access_token)
rc=0; "$NO_KEYCTL" "$TERMAUTH" token >"$T/cached.out" 2>"$T/cached.err" || rc=$?
assert_eq "token with keyctl refused exits 0" 0 "$rc"
assert_eq "... and prints the session's access token" "$ACCESS" "$(cat "$T/cached.out")"
assert_eq "... saying nothing" "" "$(cat "$T/cached.err")"
CACHE=$XDG_RUNTIME_DIR/termauth/default.json
assert_eq "the cache file is private" 600 "$(stat -c %a "$CACHE")"
assert_eq "the cache holds no refresh_token member" 0 "$(grep -c refresh_token "$CACHE" || true)"
assert_not_contains "... nor the refresh token" "$CACHE" "$REFRESH"

echo "== 3. a refresh through the keyring, rotation kept"
before=$(refreshes)
age_session 10
rc=0; "$TERMAUTH" token >"$T/refresh.out" 2>"$T/refresh.err" || rc=$?
assert_eq "token exits 0" 0 "$rc"
assert_eq "the IdP saw one refresh" $((before + 1)) "$(refreshes)"
NEW_REFRESH=$(store_field refresh_token)
check "the key holds a new refresh token" test -n "$NEW_REFRESH" -a "$NEW_REFRESH" != "$REFRESH"
assert_eq "the printed token is the key's" "$(store_field access_token)" "$(cat "$T/refresh.out")"
assert_eq "the old refresh token is dead at the IdP" false "$(introspect "$REFRESH")"
assert_eq "the new one is alive" true "$(introspect "$NEW_REFRESH")"
assert_eq "still no file holds a refresh token" "" "$(files_with "$NEW_REFRESH")"
assert_eq "the same key was updated" "$KEY" "$(key_id default)"

echo "== 4. status names the store"
rc=0; "$TERMAUTH" status --json >"$T/status.json" 2>"$T/status.err" || rc=$?
assert_eq "status --json exits 0" 0 "$rc"
assert_eq "status --json: store kernel" kernel "$(json "$T/status.json" j.store)"
rc=0; "$TERMAUTH" status >"$T/status.txt" 2>&1 || rc=$?
assert_eq "status exits 0" 0 "$rc"
check "status: the store line says kernel keyring" sh -c "grep '^store:' '$T/status.txt' | grep -qF 'kernel keyring'"

echo "== 5. a file session moves in at its next refresh"
TERMAUTH_STORE=file run_login -p moved
assert_eq "signed in to profile moved, in a file" 0 "$rc"
check "... its file is there" test -s "$STORE_DIR/moved.json"
FILE_REFRESH=$(PROFILE=moved store_field refresh_token)
PROFILE=moved age_session 10
rc=0; "$TERMAUTH" -p moved token >"$T/moved.out" 2>"$T/moved.err" || rc=$?
assert_eq "token exits 0" 0 "$rc"
assert_eq "the move notice, once" 1 "$(grep -cxF -- "termauth: the session of profile 'moved' has moved from its file into the kernel keyring, which keeps it in memory only, $LIFE" "$T/moved.err" || true)"
check "the file is gone" test ! -e "$STORE_DIR/moved.json"
MOVED_REFRESH=$(PROFILE=moved store_field refresh_token)
check "the key holds the refreshed session" test -n "$MOVED_REFRESH" -a "$MOVED_REFRESH" != "$FILE_REFRESH"
assert_eq "the key's access token was printed" "$(PROFILE=moved store_field access_token)" "$(cat "$T/moved.out")"
assert_eq "no file holds the refresh token" "" "$(files_with "$MOVED_REFRESH")"

echo "== 6. keyctl refused: auto keeps a file, --store kernel exits 1"
rc=0; BROWSER="$IDP_DIR/browser" "$NO_KEYCTL" "$TERMAUTH" -p nokey login --issuer "$ISSUER" \
  --client-id "$CLIENT_ID" --scope "openid profile offline_access" --timeout 100 \
  </dev/null >"$T/nokey.out" 2>"$T/nokey.err" || rc=$?
assert_eq "signed in with keyctl refused" 0 "$rc"
assert_eq "the notice names the reason and the file, once" 1 "$(grep -cxF -- "termauth: $NO_BUS, and $EPERM_WHY, so the session of profile 'nokey' is kept in a file only you can read: $STORE_DIR/nokey.json" "$T/nokey.err" || true)"
assert_eq "the file is private" 600 "$(stat -c %a "$STORE_DIR/nokey.json")"
assert_eq "... and no key was made" "" "$(key_id nokey)"
NOPERSIST_WHY="this kernel keeps no persistent keyrings"
for why in "$EPERM_WHY" "$ENOSYS_WHY" "$NOPERSIST_WHY"; do
  case $why in
    *Function*) opt=--enosys; label="ENOSYS" ;;
    *persistent*) opt=--eopnotsupp; label="EOPNOTSUPP" ;;
    *) opt=; label="EPERM" ;;
  esac
  rc=0; "$NO_KEYCTL" $opt "$TERMAUTH" --store kernel status >"$T/k.out" 2>"$T/k.err" || rc=$?
  assert_eq "$label: --store kernel status exits 1" 1 "$rc"
  assert_eq "... with the reason, in one line" \
    "termauth: error: the kernel keyring store cannot be used: $why - use --store file" "$(cat "$T/k.err")"
  rc=0; TERMAUTH_STORE=kernel "$NO_KEYCTL" $opt "$TERMAUTH" status >"$T/k.out" 2>"$T/k.err" || rc=$?
  assert_eq "$label: TERMAUTH_STORE=kernel status exits 1" 1 "$rc"
  assert_eq "... with the reason, in one line" \
    "termauth: error: the kernel keyring store cannot be used: $why - use --store file" "$(cat "$T/k.err")"
done

echo "== 8. uid 65534 can neither read the key nor find it"
make_home 65534 "$NB"
KEY=$(key_id default)
echo "(our key $KEY: $(in_keyring 'keyctl rdescribe "$1"' "$KEY"))"
# nobody_tries WHAT WANT SCRIPT [ARG...]: uid 65534 runs SCRIPT; its output
# and exit status, said, must be WANT.
nobody_tries() {
  nt_what=$1 nt_want=$2; shift 2
  out=$(as_nobody "$1"' 2>&1; echo "rc=$?"' "$2")
  echo "uid 65534: $nt_what -> $(echo $out)"
  assert_eq "uid 65534: $nt_what" "$nt_want" "$(echo $out)"
}
nobody_tries "keyctl read of our key is denied" "keyctl_read_alloc: Permission denied rc=1" \
  'keyctl read "$1"' "$KEY"
nobody_tries "keyctl pipe of our key is denied" "keyctl_read_alloc: Permission denied rc=1" \
  'keyctl pipe "$1"' "$KEY"
out=$(as_nobody 'keyctl rdescribe "$1" 2>&1; echo "rc=$?"' "$KEY")
echo "uid 65534: keyctl rdescribe $KEY -> $(echo $out)"
check "uid 65534: not even its description" sh -c "echo '$out' | grep -q 'Permission denied' && ! echo '$out' | grep -q termauth"
nobody_tries "our persistent keyring is refused" "keyctl_get_persistent: Operation not permitted rc=1" \
  'keyctl get_persistent @s "$1"' "$UID_NOW"
nobody_tries "its own keyring has no such key" "keyctl_search: Required key not available rc=1" \
  'keyctl search "$(keyctl get_persistent @s)" user "$1"' "$(kernel_key default)"

echo "== 9. a key quota nearly full (uid $QUID's)"
make_home "$QUID" "$QU"
MAXB=$(cat /proc/sys/kernel/keys/maxbytes)
NBS=$QU/state/termauth
# In one session keyring of that user's, which holds the filler key: a
# sign-in with --store kernel, then one under auto, each through the
# browser, as that user. Keys just dead (the keyrings of sessions ended)
# leave the quota when the collector runs: the use is read once steady.
as_uid "$QUID" "$QU" '
  used() { awk -v u="$(id -u):" "\$1 == u { split(\$5, q, \"/\"); print q[1] }" /proc/key-users; }
  keyctl get_persistent @s >/dev/null
  u=; i=0
  while [ "$u" != "$(used)" ] && [ $i -lt 50 ]; do u=$(used); sleep 0.2; i=$((i + 1)); done
  fill=$(($(cat /proc/sys/kernel/keys/maxbytes) - $(used) - 21 - 300))
  head -c "$fill" /dev/zero | tr "\0" x | keyctl padd user termauth-test-filler @s >"$TMPDIR/filler.id"
  echo "$(used)" >"$TMPDIR/used"
  for p in q1 q2; do
    opt=; [ $p = q1 ] && opt="--store kernel"
    rc=0; BROWSER="$2/browser" "$1" -p $p login $opt --issuer "$3" --client-id termauth-test \
      --scope "openid profile offline_access" --timeout 100 </dev/null >"$TMPDIR/$p.out" 2>"$TMPDIR/$p.err" || rc=$?
    echo $rc >"$TMPDIR/$p.rc"
    keyctl search "$(keyctl get_persistent @s)" user "termauth:session:$p:$XDG_STATE_HOME/termauth" \
      >/dev/null 2>&1 && echo yes >"$TMPDIR/$p.key" || echo no >"$TMPDIR/$p.key"
  done
  keyctl invalidate "$(cat "$TMPDIR/filler.id")"' "$TERMAUTH" "$IDP_DIR" "$ISSUER"
echo "(uid $QUID's keys held $(cat "$QU/tmp/used") of $MAXB bytes with the filler)"
check "the filler key was made" test -s "$QU/tmp/filler.id"
assert_eq "--store kernel: the sign-in exits 1" 1 "$(cat "$QU/tmp/q1.rc")"
FULL="the kernel keyring is full: the session of profile 'q1' needs [0-9]* bytes, and the quota of all your keys together is $MAXB bytes (/proc/sys/kernel/keys/maxbytes) - sign out of profiles you no longer use, raise the quota, or use --store file"
check "... saying the keyring is full, naming maxbytes" grep -qx "termauth: error: $FULL" "$QU/tmp/q1.err"
assert_one_line "... in one line" "$QU/tmp/q1.err"
assert_eq "... no key for it" no "$(cat "$QU/tmp/q1.key")"
check "... nor a file" test ! -e "$NBS/q1.json"
assert_eq "auto: the sign-in exits 0" 0 "$(cat "$QU/tmp/q2.rc")"
N2=$(sed -n "s/.*profile 'q2' needs \([0-9]*\) bytes.*/\1/p" "$QU/tmp/q2.err" | head -n 1)
FULL2="the kernel keyring is full: the session of profile 'q2' needs $N2 bytes, and the quota of all your keys together is $MAXB bytes (/proc/sys/kernel/keys/maxbytes) - sign out of profiles you no longer use, raise the quota, or use --store file"
KEPT_Q2=", so the session of profile 'q2' is kept in a file only you can read: $NBS/q2.json"
# Known bug, reported: store.c's write_locked copies each backend's reason
# into a 160-byte buffer, which cuts this one ("...keys/maxbyte, so").
# Accepted here only in that exact cut form, and said; once fixed, drop
# the elif.
if grep -qxF -- "termauth: $NO_BUS, and $FULL2$KEPT_Q2" "$QU/tmp/q2.err"; then
  pass "... the notice names the full keyring, maxbytes, and the file"
else
  fail "... the notice names the full keyring, maxbytes, and the file: $(cat "$QU/tmp/q2.err")"
fi
assert_eq "... the file is uid $QUID's, private" "600 $QUID" "$(stat -c '%a %u' "$NBS/q2.json" 2>&1)"
assert_eq "... and no key for it" no "$(cat "$QU/tmp/q2.key")"
check "... it holds a refresh token" test -n "$(json "$NBS/q2.json" j.refresh_token)"
forget_other_keys
assert_eq "the filler and uid $QUID's keys are gone" "" \
  "$(as_uid "$QUID" "$QU" 'for k in $(keyctl rlist "$(keyctl get_persistent @s)"); do keyctl rdescribe "$k"; done' 2>/dev/null |
    grep -F -e "$QU" -e termauth-test-filler || true)"

echo "== 10. a session larger than a key holds"
PROFILE=big run_login -p big
assert_eq "signed in to profile big" 0 "$rc"
BIG_KEY=$(key_id big)
check "... in a key" test -n "$BIG_KEY"
# No ID token, and the revocation endpoint (kept through refreshes) padded:
# 100 bytes under what a key holds, until the refresh brings an ID token;
# the access token aged (here and in the cache) as age_session 10 does.
# Received, it says, a minute from now: the copy left in the key after the
# refresh must not pass for the newer by its time (it did when the refresh
# came within the second of the sign-in, and its spent refresh token then
# ended the session).
PROFILE=big session_json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
  const j = JSON.parse(s); delete j.id_token;
  j.expires_at = Math.floor(Date.now() / 1000) + 10; // as age_session 10
  j.obtained_at = Math.floor(Date.now() / 1000) + 60;
  const room = 32767 - 100 - JSON.stringify(j, null, 2).length - "?pad=".length;
  j.revocation_endpoint += "?pad=" + "x".repeat(room);
  process.stdout.write(JSON.stringify(j, null, 2))})' >"$T/big.json"
# (Not session_put: keyctl update takes at most a page; add_key, as termauth
# does, replaces the payload of the key of that name, keeping its perms.)
in_keyring 'keyctl padd user "$1" "$(keyctl get_persistent @s)" <"$2" >/dev/null' "$(kernel_key big)" "$T/big.json"
rm -f "$T/big.json"
assert_eq "the key now holds 32667 bytes, no ID token" "32667 " "$(PROFILE=big session_json | wc -c) $(PROFILE=big store_field id_token)"
assert_eq "... in the same key, its perms kept" "$BIG_KEY 3f010000" "$(our_keys | awk '$1 == "big" { print $2, $3 }')"
node -e '
  const fs = require("fs"), f = process.argv[1];
  const j = JSON.parse(fs.readFileSync(f));
  j.expires_at = Math.floor(Date.now() / 1000) + 10;
  fs.writeFileSync(f + ".test", JSON.stringify(j), { mode: 0o600 });
  fs.renameSync(f + ".test", f);' "$XDG_RUNTIME_DIR/termauth/big.json"
BIG_REFRESH=$(PROFILE=big store_field refresh_token)
before=$(refreshes)
rc=0; "$TERMAUTH" --store kernel -p big token >"$T/big.out" 2>"$T/big.err" || rc=$?
assert_eq "--store kernel: the refresh exits 0" 0 "$rc"
assert_eq "... one refresh" $((before + 1)) "$(refreshes)"
check "... prints a token" test -s "$T/big.out"
check "... warns that the session is larger than a key holds, and where it is kept aside" grep -q \
  "^termauth: warning: profile 'big': cannot save the refreshed session (the session of profile 'big' is 3[0-9]\{4\} bytes, more than a kernel key holds (32767 bytes) - use --store file): kept it in " "$T/big.err"
[ "$failures" -eq 0 ] || echo "(it said: $(cat "$T/big.err"))"
rc=0; "$TERMAUTH" -p big token >"$T/big2.out" 2>"$T/big2.err" || rc=$?
assert_eq "auto: the next token exits 0" 0 "$rc"
assert_eq "... the same token" "$(cat "$T/big.out")" "$(cat "$T/big2.out")"
assert_contains "... the session kept aside is now in its file" "$T/big2.err" \
  "termauth: the refreshed session of profile 'big', kept aside when the store could not be written, is in the store again (file)"
assert_eq "... private" 600 "$(stat -c %a "$STORE_DIR/big.json" 2>&1)"
check "... larger than a key holds" test "$(wc -c <"$STORE_DIR/big.json")" -gt 32767
BIG_NEW=$(json "$STORE_DIR/big.json" j.refresh_token)
check "... with the rotated refresh token" test -n "$BIG_NEW" -a "$BIG_NEW" != "$BIG_REFRESH"
assert_eq "... alive at the IdP" true "$(introspect "$BIG_NEW")"
# The padded revocation endpoint, which the IdP would refuse (HTTP 431),
# unpadded; then logout removes the file and the key of the older session.
json "$STORE_DIR/big.json" 'JSON.stringify({ ...j, revocation_endpoint: j.revocation_endpoint.split("?pad=")[0] })' |
  PROFILE=big session_put
rc=0; "$TERMAUTH" -p big logout >"$T/big.out" 2>"$T/big.err" || rc=$?
assert_eq "logout -p big exits 0" 0 "$rc"
check "... no file, no key" test ! -e "$STORE_DIR/big.json" -a -z "$(key_id big)"
assert_eq "... the refresh token is dead at the IdP" false "$(introspect "$BIG_NEW")"

echo "== 11. keyctl refused, the session in the kernel keyring: said, and kept"
REASON_EPERM="keyctl is refused here (Operation not permitted: a container or a seccomp filter forbids it)"
rm -f "$XDG_RUNTIME_DIR/termauth/default.json" # no cache to serve from
rc=0; "$NO_KEYCTL" "$TERMAUTH" token >"$T/unr.out" 2>"$T/unr.err" || rc=$?
assert_eq "token: exit 3" 3 "$rc"
assert_contains "... says the kernel keyring cannot be read from here" "$T/unr.err" \
  "termauth: $REASON_EPERM, so a session of profile 'default' kept there, if any, cannot be read from here"
rc=0; "$NO_KEYCTL" "$TERMAUTH" logout >"$T/unr.out" 2>"$T/unr.err" || rc=$?
assert_contains "logout says it cannot be read from here" "$T/unr.err" \
  "termauth: $REASON_EPERM, so a session of profile 'default' kept there, if any, cannot be read from here"
check "... and the key is still there" test -n "$(key_id default)"

echo "== 12. the kernel forgets the session (a reboot): said so"
run_login # a session whose id the store's record holds (11's logout emptied it)
assert_eq "signed in again" 0 "$rc"
# What a reboot does: the key gone, and the runtime directory emptied.
in_keyring 'keyctl invalidate "$(keyctl search @s user "$1")"' "$(kernel_key default)"
rm -rf "$XDG_RUNTIME_DIR/termauth"
rc=0; "$TERMAUTH" token >"$T/gone.out" 2>"$T/gone.err" || rc=$?
assert_eq "token: exit 3" 3 "$rc"
assert_contains "... the kernel keyring forgot it" "$T/gone.err" \
  "termauth: error: not signed in (profile 'default'): the kernel keyring forgot its session (it does at reboot, or when unused for long): run 'termauth login'"
assert_one_line "... in one line" "$T/gone.err"
run_login
assert_eq "signed in again" 0 "$rc"
NEW_REFRESH=$(store_field refresh_token)
KEY=$(key_id default)

echo "== 7. logout leaves no termauth key"
rc=0; "$TERMAUTH" logout >"$T/logout.out" 2>"$T/logout.err" || rc=$?
assert_eq "logout exits 0" 0 "$rc"
assert_eq "no key of profile default" "" "$(key_id default)"
assert_eq "... nor of that id" "" "$(in_keyring 'keyctl rlist "$(keyctl get_persistent @s)"' | tr ' ' '\n' | grep -x "$KEY" || true)"
assert_eq "the refresh token is dead at the IdP" false "$(introspect "$NEW_REFRESH")"
run_login
assert_eq "signed in again" 0 "$rc"
assert_eq "two profiles in keys" "default moved" "$(our_keys | awk '{ print $1 }' | sort | tr '\n' ' ' | sed 's/ $//')"
rc=0; "$TERMAUTH" logout --all >"$T/all.out" 2>"$T/all.err" || rc=$?
assert_eq "logout --all exits 0" 0 "$rc"
assert_eq "no termauth key of this store left" "" "$(our_keys)"
assert_eq "moved's refresh token is dead at the IdP" false "$(introspect "$MOVED_REFRESH")"
finish
