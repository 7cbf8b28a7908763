#!/bin/sh
# What `termauth exec` gives the command it runs: the access token in
# TERMAUTH_ACCESS_TOKEN (or --env NAME), and not termauth's own secrets -
# TERMAUTH_CREDENTIAL (a CI credential, which makes tokens as long as it
# lives) and TERMAUTH_TOKEN are removed unless --keep-env names them; and
# the core limit termauth was started with, with a dumpable process (only
# termauth itself is kept out of core dumps).
. "$(dirname "$0")/lib.sh"
start_idp
setup_ci_credential

job() { # NAME [exec options...]: exec in a fresh "CI job" with the credential;
  n=$1; shift # the command writes its environment to $T/NAME.env
  mkdir -p "$T/$n"
  rc=0
  env -i PATH="$PATH" HOME="$T/$n" TERMAUTH_CREDENTIAL="$CRED" ${EXTRA:+"$EXTRA"} \
    "$TERMAUTH" exec "$@" -- sh -c 'env >"$0"' "$T/$n.env" 2>"$T/$n.err" || rc=$?
}
env_value() { sed -n "s/^$2=//p" "$T/$1.env"; } # NAME VARIABLE

job plain
assert_eq "exec with TERMAUTH_CREDENTIAL: exit 0" 0 "$rc"
assert_eq "... nothing on stderr" "" "$(cat "$T/plain.err")"
check "the command ran and wrote its environment" grep -q "^HOME=$T/plain\$" "$T/plain.env"
assert_not_contains "TERMAUTH_CREDENTIAL is not in the command's environment" "$T/plain.env" "TERMAUTH_CREDENTIAL="
assert_not_contains "... nor the credential under any name" "$T/plain.env" "$CRED"
TOKEN=$(env_value plain TERMAUTH_ACCESS_TOKEN)
assert_eq "the access token is, and the IdP accepts it" alice "$(userinfo_sub "$TOKEN")"
assert_not_contains "no variable of termauth's own hand-over" "$T/plain.env" "TERMAUTH_START_CORE_LIMIT"

EXTRA=TERMAUTH_TOKEN=given-token job token
assert_eq "exec with TERMAUTH_TOKEN: exit 0" 0 "$rc"
assert_eq "TERMAUTH_TOKEN wins: its token is the one given" given-token "$(env_value token TERMAUTH_ACCESS_TOKEN)"
assert_not_contains "TERMAUTH_TOKEN is not in the command's environment" "$T/token.env" "TERMAUTH_TOKEN="
assert_not_contains "... nor TERMAUTH_CREDENTIAL" "$T/token.env" "TERMAUTH_CREDENTIAL="

job keep_cred --keep-env TERMAUTH_CREDENTIAL
assert_eq "--keep-env TERMAUTH_CREDENTIAL: exit 0" 0 "$rc"
assert_eq "... the command has the credential" "$CRED" "$(env_value keep_cred TERMAUTH_CREDENTIAL)"
check "... and the token" test -n "$(env_value keep_cred TERMAUTH_ACCESS_TOKEN)"

EXTRA=TERMAUTH_TOKEN=given-token job keep_both --keep-env TERMAUTH_TOKEN --keep-env TERMAUTH_CREDENTIAL
assert_eq "--keep-env both: exit 0" 0 "$rc"
assert_eq "... TERMAUTH_TOKEN is kept" given-token "$(env_value keep_both TERMAUTH_TOKEN)"
assert_eq "... TERMAUTH_CREDENTIAL is kept" "$CRED" "$(env_value keep_both TERMAUTH_CREDENTIAL)"

job env_token --env TERMAUTH_TOKEN
assert_eq "--env TERMAUTH_TOKEN: the token goes where it is asked for" \
  alice "$(userinfo_sub "$(env_value env_token TERMAUTH_TOKEN)")"
assert_not_contains "... and the credential still does not" "$T/env_token.env" "TERMAUTH_CREDENTIAL="

rm -f "$T/bad.env"
job bad --keep-env HOME
assert_eq "--keep-env of another variable: exit 2" 2 "$rc"
assert_contains "... and why" "$T/bad.err" \
  "termauth: error: --keep-env takes TERMAUTH_CREDENTIAL or TERMAUTH_TOKEN, not 'HOME'"
check "... the command did not run" test ! -e "$T/bad.env"

# The command gets the core limit termauth was started with (termauth
# itself runs with 0), and is dumpable again: its crash leaves a core file
# when core_pattern writes one in its directory. ASan sets the limit to 0
# before main() unless told not to, so it is told.
mkdir -p "$T/crash"
rc=0
(cd "$T/crash" && ulimit -c unlimited &&
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}disable_coredump=0" TERMAUTH_TOKEN=given-token \
    exec "$TERMAUTH" exec -- sh -c 'cat /proc/self/limits >"$0"; kill -SEGV $$' "$T/limits") 2>/dev/null || rc=$?
assert_eq "the command's core limit is the one termauth was started with" unlimited \
  "$(awk '/^Max core file size/ { print $5 }' "$T/limits")"
assert_eq "the command died of SIGSEGV" 139 "$rc"
pattern=$(cat /proc/sys/kernel/core_pattern)
case $pattern in
  '|'*|/*) echo "(core_pattern '$pattern' does not write into the process's directory: no core file to look for)" ;;
  *) check "the command's crash left a core file (core_pattern '$pattern')" sh -c "ls '$T/crash' | grep -q '^core'" ;;
esac
rm -f "$T/crash/"core*
rc=0
(ulimit -c 0 && TERMAUTH_TOKEN=given-token exec "$TERMAUTH" exec -- sh -c 'cat /proc/self/limits >"$0"' "$T/limits0") || rc=$?
assert_eq "started with a core limit of 0, the command has 0" 0 \
  "$(awk '/^Max core file size/ { print $5 }' "$T/limits0")"
finish
