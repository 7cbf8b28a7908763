#!/bin/sh
# The device flow against the real IdP, with Chromium approving on the
# IdP's device page: success; refusal; an expired code. Then slow_down,
# through tests/idp/shim.mjs (a stub: oidc-provider never sends slow_down
# or an interval): each slow_down adds 5 s to the interval, and no poll
# follows the success.
. "$(dirname "$0")/lib.sh"

# 1. Success, with slow_down twice: the shim gives interval 1 and answers
# slow_down to the first two polls, so polls come 1, 6 and 11 s apart.
start_shim_idp SHIM_INTERVAL=1 SHIM_SLOW_DOWN=2
device_login -v
check "the verification URL was shown" test -n "$VERIFY_URL"
assert_contains "the code is shown" "$T/login.err" "and enter the code"
assert_contains "the code's life is shown" "$T/login.err" "The code is valid for 10 minutes."
tests_browser_rc=0
TA_BROWSER_MODE=device-approve "$IDP_DIR/browser" "$VERIFY_URL" || tests_browser_rc=$?
assert_eq "Chromium approved on the device page" 0 "$tests_browser_rc"
rc=0; wait "$LOGIN_PID" || rc=$?
assert_eq "the device sign-in exits 0" 0 "$rc"
assert_contains "it says who signed in" "$T/login.err" "signed in to $ISSUER as alice"
assert_contains "slow_down was heard" "$T/login.err" "the IdP asked to slow down: polling every 11 s"
assert_contains "a countdown was shown, with the code" "$T/login.err" "waiting for approval of code $USER_CODE (10 minutes left)"
TOKEN=$("$TERMAUTH" token)
assert_eq "the token works at the IdP" alice \
  "$(userinfo_sub "$TOKEN")"
sleep 2 # a poll after the success would show up in the record now
node -e '
  const r = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  const answers = r.map(x => x.answer).join(",");
  const gaps = r.slice(1).map((x, i) => (x.t - r[i].t) / 1000);
  console.log(answers);
  console.log(gaps.map(g => g.toFixed(1)).join(","));
' "$T/shim.jsonl" >"$T/polls"
answers=$(sed -n 1p "$T/polls"); gaps=$(sed -n 2p "$T/polls")
# After two slow_downs the IdP itself may still say pending before approval.
case "$answers" in
  slow_down,slow_down,*token) pass "polls: slow_down twice, then the token last ($answers)" ;;
  *) fail "polls: expected slow_down,slow_down,...,token, got $answers" ;;
esac
check "exactly one poll got the token, and none followed it" \
  test "$(echo "$answers" | tr ',' '\n' | grep -c token)" = 1
# The gap after the n-th slow_down is 1 + 5n seconds: at least that, and
# not a whole step more (the machine may be slow, never early).
check "the interval grew by 5 s at each slow_down (gaps $gaps)" node -e '
  const g = process.argv[1].split(",").map(Number);
  const want = [6, 11];
  process.exit(want.every((w, i) => g[i] >= w - 0.05 && g[i] < w + 4) &&
               g.slice(2).every(x => x >= 10.95) ? 0 : 1);' "$gaps"
kill "$IDP_PID" "$SHIM_PID"; wait "$IDP_PID" "$SHIM_PID" 2>/dev/null; IDP_PID= SHIM_PID=
rm -rf "$XDG_STATE_HOME" "$XDG_CONFIG_HOME"

# 2. The person refuses on the device page.
start_idp
device_login
rc=0; TA_BROWSER_MODE=device-refuse "$IDP_DIR/browser" "$VERIFY_URL" || rc=$?
assert_eq "Chromium refused on the device page" 0 "$rc"
rc=0; wait "$LOGIN_PID" || rc=$?
assert_eq "refused: exit 1" 1 "$rc"
assert_contains "refused: the message" "$T/login.err" "termauth: error: the sign-in was refused on the approval page"
assert_one_line "refused: one error line" "$T/login.err"
assert_nothing_stored "refused"
kill "$IDP_PID"; wait "$IDP_PID" 2>/dev/null; IDP_PID=

# 3. Nobody approves and the code expires (expired_token).
start_idp IDP_DEVICE_CODE_TTL=3
device_login
rc=0; wait "$LOGIN_PID" || rc=$?
assert_eq "expired: exit 1" 1 "$rc"
assert_contains "expired: the message" "$T/login.err" "termauth: error: the code expired before the sign-in was approved; run the sign-in again"
assert_one_line "expired: one error line" "$T/login.err"
assert_nothing_stored "expired"

# 4. An embedding program (examples/login.c) gets the code through its
# callbacks and shows it its own way.
kill "$IDP_PID"; wait "$IDP_PID" 2>/dev/null; IDP_PID=
start_idp
"$(dirname "$TERMAUTH")/example_login" "$ISSUER" "$CLIENT_ID" device </dev/null >"$T/ex.out" 2>"$T/ex.err" &
EX=$!
i=0
while ! grep -qs 'and type' "$T/ex.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
EX_URI=$(sed -n 's/^Visit \([^ ]*\) and type \([^ ]*\) within.*/\1/p' "$T/ex.err")
EX_CODE=$(sed -n 's/^Visit \([^ ]*\) and type \([^ ]*\) within.*/\2/p' "$T/ex.err")
check "the example shows the code its own way" test -n "$EX_CODE"
rc=0; TA_BROWSER_MODE=device-approve TA_BROWSER_USER_CODE="$EX_CODE" "$IDP_DIR/browser" "$EX_URI" || rc=$?
assert_eq "Chromium typed the code and approved" 0 "$rc"
rc=0; wait "$EX" || rc=$?
assert_eq "the example signed in" 0 "$rc"
assert_contains "the example says so" "$T/ex.out" "signed in; the access token expires at"
finish
