#!/bin/sh
# Processes killed with SIGKILL at random moments while refreshing and while
# signing in, many times over: the store (the file, or with TEST_STORE=kernel
# the kernel keyring) always parses and holds a whole session (the old or
# the new), and what a killed writer left behind is gone after the next
# write.
. "$(dirname "$0")/lib.sh"
start_idp
run_login
assert_eq "signed in" 0 "$rc"
check_where_kept

valid_store() { # 0 when the store parses and holds a whole session
  session_json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    const j = JSON.parse(s);
    process.exit(j.format === 1 && j.access_token && j.refresh_token && j.token_endpoint ? 0 : 1)})' \
    2>/dev/null
}
leftovers() { ls -A "$STORE_DIR" | grep -c '\.tmp-' || true; }

broken=0 mid_write=0 n=0
while [ $n -lt 60 ]; do
  age_session 10
  "$TERMAUTH" token >/dev/null 2>&1 &
  pid=$!
  sleep "0.0$(shuf -i 0-60 -n 1 | sed 's/^\(.\)$/0\1/')"
  kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  valid_store || broken=$((broken + 1))
  [ "$(leftovers)" -gt 0 ] && mid_write=$((mid_write + 1))
  n=$((n + 1))
done
assert_eq "60 refreshes killed at random: the store always held a whole session" 0 "$broken"
echo "(kills that left a temporary file behind: $mid_write of 60)"

n=0
while [ $n -lt 6 ]; do
  CRASH_MARK=$T BROWSER="$IDP_DIR/browser" "$TERMAUTH" login --issuer "$ISSUER" \
    --client-id "$CLIENT_ID" --scope "openid profile offline_access" </dev/null >/dev/null 2>&1 &
  pid=$!
  sleep "$(shuf -i 5-40 -n 1 | sed 's/\(.\)$/.\1/')"
  kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  valid_store || broken=$((broken + 1))
  n=$((n + 1))
done
assert_eq "6 sign-ins killed at random: the store always held a whole session" 0 "$broken"
# The browsers those sign-ins started outlive them (they are detached, as a
# person's browser is): wait for them, so that they do not starve the
# tests that run next. They carry CRASH_MARK in their environment.
own_browsers() {
  for e in /proc/[0-9]*/environ; do
    tr '\0' '\n' <"$e" | grep -qx "CRASH_MARK=$T" && echo "$e"
  done 2>/dev/null
}
i=0
while [ -n "$(own_browsers)" ] && [ $i -lt 90 ]; do sleep 1; i=$((i + 1)); done

# The next write removes what killed writers left. (A session whose rotated
# refresh token was lost in a kill may need a new sign-in: that is the
# "old session" the store may hold.)
age_session 10
rc=0; "$TERMAUTH" token >/dev/null 2>"$T/last.err" || rc=$?
if [ "$rc" = 3 ]; then
  run_login
  assert_eq "a new sign-in after a lost rotation" 0 "$rc"
else
  assert_eq "the next refresh works" 0 "$rc"
fi
assert_eq "no temporary file is left after the next write" 0 "$(leftovers)"
check "the store holds a whole session at the end" valid_store
finish
