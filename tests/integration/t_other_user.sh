#!/bin/sh
# Another local user attacks a browser sign-in in progress (issue 9's
# attack, step by step, by tests/integration/other_user.mjs running as
# uid 65534): it finds the listener in /proc/net/tcp, floods it with 48
# idle connections, reads the start URL from the browser launcher's
# command line, fetches it, signs in at the IdP as its own account through
# the victim's own authorization request, and delivers that callback.
# Every one of its connections must be closed unanswered, its code never
# redeemed, and the real sign-in must complete as the right account, with
# a line saying another user's connection was refused. The launcher, a
# wrapper around the test browser, also shows what reaches a browser's
# environment: no token variables.
. "$(dirname "$0")/lib.sh"
command -v setpriv >/dev/null || { fail "setpriv (util-linux) is needed"; finish; }
[ "$(id -u)" = 0 ] || { fail "this test makes another user with setpriv: run it as root (as CI does)"; finish; }
start_idp
# The victim's browser launcher: notes its environment, waits until the
# attack is over (its command line, with the start URL, is visible to all
# meanwhile), then opens the real test browser.
cat >"$T/launcher" <<EOF
#!/bin/sh
env >"$T/launcher.env"
i=0
while [ ! -e "$T/attack-done" ] && [ \$i -lt 1200 ]; do sleep 0.1; i=\$((i + 1)); done
exec "$IDP_DIR/browser" "\$@"
EOF
chmod +x "$T/launcher"
TERMAUTH_CREDENTIAL=not-for-browsers TERMAUTH_TOKEN=not-for-browsers-either \
  BROWSER=$T/launcher "$TERMAUTH" -v login --issuer "$ISSUER" --client-id "$CLIENT_ID" \
  --scope "openid profile offline_access" --timeout 100 </dev/null >"$T/login.out" 2>"$T/login.err" &
LOGIN_PID=$!
i=0
while ! grep -qs "$ISSUER/auth?" "$T/login.err" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
grep -o "$ISSUER/auth?[^ ]*" "$T/login.err" | head -n 1 >"$T/auth-url"
chmod 644 "$T/auth-url"

# The attack, as uid 65534, which can read nothing of the victim's but
# what every user can (the authorization URL comes on its stdin).
setpriv --reuid=65534 --regid=65534 --clear-groups --reset-env \
  node "$SRC/tests/integration/other_user.mjs" <"$T/auth-url" >"$T/attack.json" 2>"$T/attack.err" || true
: >"$T/attack-done"
rc=0; wait $LOGIN_PID || rc=$?

a() { json "$T/attack.json" "$1" 2>/dev/null; }
assert_eq "the attacker runs as another user" 65534 "$(a j.uid)"
check "it found the start URL in a command line" sh -c "a=\$(cat '$T/attack.json'); case \$a in *'/start/'*) ;; *) exit 1;; esac"
assert_eq "... and the listener in /proc/net/tcp, owned by the victim" 0 "$(a j.listenerUid)"
assert_eq "it held 48 connections" 48 "$(a j.held)"
assert_eq "it signed in as itself and holds a callback with a code and the victim's state" true "$(a j.gotCode)"
assert_eq "none of its held connections was answered" 0 "$(a j.heldAnswered)"
assert_eq "it sent the callback 300 times on sockets closed at once" 300 "$(a j.closedBurst)"
assert_eq "its fresh fetch of the start URL was not answered" false "$(a j.freshStartAnswered)"
assert_eq "its fresh delivery of the callback was not answered" false "$(a j.freshCallbackAnswered)"
assert_eq "the attacker did not get stuck" undefined "$(a j.stuck)"
[ "$failures" -eq 0 ] || { echo "attacker: $(cat "$T/attack.json") $(cat "$T/attack.err")"; }

assert_eq "the real sign-in succeeds" 0 "$rc"
assert_contains "it says so" "$T/login.err" "signed in"
assert_contains "a line says another user was refused" "$T/login.err" \
  "refused a connection to the sign-in listener from another local user (uid 65534)"
codes=$(grep -c '"grant_type":"authorization_code"' "$T/idp-record.jsonl" || true)
assert_eq "one code was redeemed at the IdP: the victim's" 1 "$codes"
TOKEN=$("$TERMAUTH" token 2>"$T/token.err")
assert_eq "the session is the victim's account" alice "$(userinfo_sub "$TOKEN")"

# What reached the browser's environment.
check "the launcher ran" test -s "$T/launcher.env"
assert_not_contains "no TERMAUTH_CREDENTIAL for the browser" "$T/launcher.env" "TERMAUTH_CREDENTIAL="
assert_not_contains "no TERMAUTH_TOKEN for the browser" "$T/launcher.env" "TERMAUTH_TOKEN="
assert_contains "the rest of the environment is there" "$T/launcher.env" "HOME=$HOME"
finish
