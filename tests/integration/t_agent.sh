#!/bin/sh
# termauth agent: a broker in the foreground, its socket reached from "far
# sides" - processes with an empty HOME of their own and TERMAUTH_AGENT_SOCK
# - which get the forwarded profile's access tokens (refreshed here, once
# for 32 at once) and never its refresh token; a profile not forwarded is
# refused with the setting named; another user cannot use the socket; once
# the broker is gone, the far side is told so (exit 3), or uses its own
# session when it has one.
. "$(dirname "$0")/lib.sh"
start_idp
BROWSER="$IDP_DIR/browser" "$TERMAUTH" -p work login --issuer "$ISSUER" --client-id "$CLIENT_ID" \
  --scope "openid profile offline_access" --timeout 100 </dev/null >"$T/login.out" 2>"$T/login.err" || true
wait_browser
PROFILE=work
WORK_TOKEN=$(store_field access_token)
check "signed in as work" test -n "$WORK_TOKEN"
BROWSER="$IDP_DIR/browser" "$TERMAUTH" -p other login --issuer "$ISSUER" --client-id "$CLIENT_ID" \
  --scope "openid profile offline_access" --timeout 100 </dev/null >/dev/null 2>&1 || true

mkdir -m 700 "$T/agent"
SOCK=$T/agent/sock
"$TERMAUTH" -v agent --socket "$SOCK" --profile work 2>"$T/agent.err" &
AGENT=$!
i=0; while [ ! -S "$SOCK" ] && [ $i -lt 100 ] && running $AGENT; do sleep 0.05; i=$((i + 1)); done
check "the broker's socket is there" test -S "$SOCK"
assert_eq "... made 0600" 600 "$(stat -c %a "$SOCK")"
assert_contains "the broker says how to use it" "$T/agent.err" "TERMAUTH_AGENT_SOCK=$SOCK"

# A second broker on the same path is refused: the first one's socket stays.
rc=0; "$TERMAUTH" agent --socket "$SOCK" -p work >/dev/null 2>"$T/agent-twice.err" || rc=$?
assert_eq "a broker on a path that exists: exit 1" 1 "$rc"
assert_contains "... saying so" "$T/agent-twice.err" "$SOCK already exists: remove it, or choose another path"
check "... and the first broker's socket is still there" test -S "$SOCK"

# A far side: nothing of this side's HOME or state.
mkdir -p "$T/far/home" "$T/far/run" && chmod 700 "$T/far/run"
far() {
  env -u XDG_STATE_HOME -u XDG_CONFIG_HOME HOME="$T/far/home" XDG_RUNTIME_DIR="$T/far/run" \
    TERMAUTH_AGENT_SOCK="$SOCK" TERMAUTH_AGENT_FROM=laptop "$@"
}
rc=0; far "$TERMAUTH" -p work token >"$T/far.out" 2>"$T/far.err" || rc=$?
assert_eq "the far side's token: exit 0" 0 "$rc"
assert_eq "... the profile's access token" "$WORK_TOKEN" "$(cat "$T/far.out")"
assert_eq "... which the IdP accepts" alice "$(userinfo_sub "$(cat "$T/far.out")")"
far "$TERMAUTH" -p work token --json >"$T/far.json"
assert_eq "token --json through the broker" "$WORK_TOKEN" "$(json "$T/far.json" j.access_token)"
check "... with its expiry" test "$(json "$T/far.json" 'j.expires_in > 3000')" = true
far "$TERMAUTH-full" -p work token >"$T/far-full.out" 2>&1
assert_eq "the full tool asks the broker too" "$WORK_TOKEN" "$(cat "$T/far-full.out")"
rc=0; far "$TERMAUTH" -p work exec -- sh -c 'printf %s "$TERMAUTH_ACCESS_TOKEN"' >"$T/far-exec.out" || rc=$?
assert_eq "exec on the far side" "$WORK_TOKEN" "$(cat "$T/far-exec.out")"
rc=0; far "$TERMAUTH" -p work kube-credential >"$T/far-kube.json" || rc=$?
assert_eq "kube-credential on the far side" "$WORK_TOKEN" "$(json "$T/far-kube.json" j.status.token)"
rc=0; far "$TERMAUTH" -p work kube-credential --token id >/dev/null 2>"$T/far-kube-id.err" || rc=$?
assert_eq "an ID token is never forwarded: exit 3" 3 "$rc"
assert_contains "... and says so" "$T/far-kube-id.err" "an ID token is never forwarded"

# exchange through the broker: the derived token is made there.
AUD=https://api.example.test
rc=0; far "$TERMAUTH" -p work exchange --audience "$AUD" --scope openid >"$T/far-x.out" 2>"$T/far-x.err" || rc=$?
assert_eq "exchange on the far side: exit 0" 0 "$rc"
printf '%s' "$(cat "$T/far-x.out")" >"$T/rs.token"
printf 'user = "termauth-rs:termauth-rs-secret"\n' >"$T/rs.cfg"
curl -s --config "$T/rs.cfg" --data-urlencode "token@$T/rs.token" "$ISSUER/token/introspection" >"$T/rs.json"
assert_eq "... a token for the audience, active at the IdP" "true $AUD" \
  "$(json "$T/rs.json" 'j.active + " " + j.aud')"
check "... and cached on this side, not the far one" sh -c \
  "ls '$XDG_RUNTIME_DIR/termauth/derived/work/'*.json >/dev/null && ! ls -R '$T/far' | grep -q derived"

# Only access tokens cross, whatever an exchange asks for.
rc=0; far "$TERMAUTH" -p work exchange --audience "$AUD" \
  --requested-token-type urn:ietf:params:oauth:token-type:refresh_token >"$T/far-xrt.out" 2>"$T/far-xrt.err" || rc=$?
assert_eq "an exchange for a refresh token through the broker: refused, exit 2" 2 "$rc"
assert_contains "... saying why" "$T/far-xrt.err" "only access tokens are forwarded"
assert_eq "... and nothing printed" "" "$(cat "$T/far-xrt.out")"
rc=0; far "$TERMAUTH" -p work token --min-ttl 90000 >/dev/null 2>"$T/far-ttl.err" || rc=$?
assert_eq "a --min-ttl past what crosses: exit 2, not a shorter token" 2 "$rc"

# forward = yes in a profile: answered though not named.
printf '\n[profile other]\nforward = yes\n' >>"$XDG_CONFIG_HOME/termauth/config"
rc=0; far "$TERMAUTH" -p other token >"$T/far-other2.out" 2>"$T/far-other2.err" || rc=$?
assert_eq "forward = yes: answered" 0 "$rc"
PROFILE=other
assert_eq "... with that profile's token" "$(store_field access_token)" "$(cat "$T/far-other2.out")"
PROFILE=work
# Signed out here: the far side is told to sign in here; no browser opens.
"$TERMAUTH" -p other logout >/dev/null 2>&1
rc=0; far "$TERMAUTH" -p other token >/dev/null 2>"$T/far-other3.err" || rc=$?
assert_eq "a forwarded profile signed out here: exit 3" 3 "$rc"
assert_contains "... the far side is told to sign in on this machine" "$T/far-other3.err" \
  "profile 'other' needs a new sign-in on $(hostname): run 'termauth -p other login' there"
rc=0; far "$TERMAUTH" -p other status >"$T/far-status-out.out" 2>&1 || rc=$?
assert_eq "... and status there says so too: exit 3" 3 "$rc"
assert_contains "... with the same words" "$T/far-status-out.out" "needs a new sign-in on"
sed -i '/^forward = yes$/d' "$XDG_CONFIG_HOME/termauth/config"

# A container: the socket bind-mounted into a mount namespace of its own,
# with an empty HOME and nothing of this side's files.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
  mkdir -p "$T/ct/run" "$T/ct/home"
  rc=0; unshare --mount sh -c '
    mount --make-rprivate / && touch "$1/run/termauth.sock" &&
    mount --bind "$2" "$1/run/termauth.sock" &&
    mount -t tmpfs tmpfs "$4" &&
    env -i HOME="$1/home" PATH=/usr/bin:/bin TERMAUTH_AGENT_SOCK="$1/run/termauth.sock" \
      "$3" -p work token' ct "$T/ct" "$SOCK" "$TERMAUTH" "$XDG_STATE_HOME" >"$T/ct.out" 2>"$T/ct.err" || rc=$?
  assert_eq "in a mount namespace, the bind-mounted socket serves: exit 0" 0 "$rc"
  assert_eq "... the token" "$(store_field access_token)" "$(cat "$T/ct.out")"
else
  fail "run as root with unshare to check the container case (as CI does)"
fi

# status on the far side names the broker.
rc=0; far "$TERMAUTH" -p work status >"$T/far-status.out" 2>&1 || rc=$?
assert_eq "status on the far side: exit 0" 0 "$rc"
assert_contains "... the session is forwarded, from where" "$T/far-status.out" \
  "session:  forwarded from $(hostname), through $SOCK (forwarded profiles: work)"
far "$TERMAUTH" -p work status --json >"$T/far-status.json"
assert_contains "... and when its access token expires" "$T/far-status.out" "expires:  the access token at"
assert_eq "... and in JSON" "$(hostname)" "$(json "$T/far-status.json" j.forwarded.from)"
check "... with the expiry" test "$(json "$T/far-status.json" 'j.expires_at > 0')" = true
rc=0; far "$TERMAUTH" -p other status >"$T/far-status-other.out" 2>&1 || rc=$?
assert_eq "status of a profile not forwarded: exit 3" 3 "$rc"
assert_contains "... says what the broker forwards" "$T/far-status-other.out" "not for profile 'other'"

# git on the far side: setup-git there names the host for the profile
# (the far side's only setting), and git's helper asks the broker.
far "$TERMAUTH" -p work setup-git --host git.example.com >"$T/far-setup.out" 2>"$T/far-setup.err"
assert_not_contains "setup-git on a far side: no 'not signed in' warning" "$T/far-setup.err" "not signed in"
printf 'protocol=https\nhost=git.example.com\n\n' |
  far "$TERMAUTH" git-credential get >"$T/far-git.out" 2>"$T/far-git.err"
assert_contains "git's helper on the far side answers with the token" "$T/far-git.out" \
  "password=$WORK_TOKEN"

# What crossed: never the refresh token, the ID token or a session file.
RT=$(store_field refresh_token)
IDT=$(store_field id_token)
check "no file of the far side holds the refresh token" sh -c "! grep -rqF -- '$RT' '$T/far'"
check "... nor the ID token" sh -c "! grep -rqF -- '$IDT' '$T/far'"
assert_not_contains "the far side's output holds no refresh token" "$T/far.json" "$RT"

# Not forwarded: refused, naming the setting; unknown here is no usage error.
rc=0; far "$TERMAUTH" -p other token >/dev/null 2>"$T/far-other.err" || rc=$?
assert_eq "a profile not forwarded: exit 3" 3 "$rc"
assert_contains "... the message names the setting" "$T/far-other.err" \
  "profile 'other' is not forwarded from"
assert_contains "... and how to forward it" "$T/far-other.err" "forward = yes"

# The stampede: 32 far-side callers with the token inside the refresh
# window cost one refresh, here, and all get the new token.
age_session 10
BEFORE=$(refreshes)
stampede 32 st far "$TERMAUTH" -p work token
assert_eq "32 far-side callers: one refresh at the IdP" $((BEFORE + 1)) "$(refreshes)"
NEW=$(store_field access_token)
assert_eq "... and all 32 got the new token" 32 "$(printed_by 32 st "$NEW")"
check "the new refresh token stayed here too" sh -c "! grep -rqF -- '$(store_field refresh_token)' '$T/far'"

# Another local user cannot use the socket.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  chmod 711 "$T" "$T/agent" # so that the path can be tried at all
  rc=0; setpriv --reuid=65534 --regid=65534 --clear-groups env -i HOME=/nonexistent \
    TERMAUTH_AGENT_SOCK="$SOCK" "$TERMAUTH-full" -p work token >"$T/nobody.out" 2>"$T/nobody.err" || rc=$?
  assert_eq "another user gets no token" "" "$(cat "$T/nobody.out")"
  assert_contains "... the socket's mode keeps them out" "$T/nobody.err" "Permission denied"
  check "... and exit 3" test "$rc" = 3
  # Even with the socket open to all, the broker answers only its user
  # (SO_PEERCRED): another user's well-formed question gets no answer.
  chmod 666 "$SOCK"
  rc=0; far "$TERMAUTH" -p work token >/dev/null 2>"$T/open.err" || rc=$?
  assert_eq "a socket others can use is not used by the far side: exit 3" 3 "$rc"
  assert_contains "... saying why" "$T/open.err" "can be used by other users (mode 666): not used"
  setpriv --reuid=65534 --regid=65534 --clear-groups node -e '
    const s = require("net").connect(process.argv[1]);
    const q = Buffer.from(JSON.stringify({ v: 1, op: "token", profile: "work" }));
    const h = Buffer.alloc(4); h.writeUInt32BE(q.length);
    let got = Buffer.alloc(0);
    s.on("connect", () => s.write(Buffer.concat([h, q])));
    s.on("data", (d) => { got = Buffer.concat([got, d]); });
    s.on("close", () => console.log(got.length ? "answered" : "no answer"));
    s.on("error", () => {}); /* EPIPE: the broker closed at once */' "$SOCK" >"$T/nobody-raw.out" 2>&1
  chmod 600 "$SOCK"
  chmod 700 "$T" "$T/agent"
  assert_eq "another user's question to an open socket: no answer" "no answer" "$(cat "$T/nobody-raw.out")"
  assert_contains "... and the broker says it refused one" "$T/agent.err" "a connection of another user was refused"
else
  fail "run as root with setpriv to check another user (as CI does)"
fi

# The broker logs each answer at -v, never the token.
assert_contains "the broker logged the answer" "$T/agent.err" "of profile 'work' for"
assert_not_contains "... without the token" "$T/agent.err" "$NEW"

# A broker ends with its parent (as a systemd unit's or a script's
# child would), and removes its socket.
mkdir -m 700 "$T/agent3"
sh -c '"$1" agent --socket "$2" -p work 2>/dev/null & echo $! >"$3"; exec sleep 300' sh \
  "$TERMAUTH" "$T/agent3/sock" "$T/agent3/pid" &
PARENT=$!
i=0; while [ ! -S "$T/agent3/sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
AGENT3=$(cat "$T/agent3/pid")
check "a broker under a parent is serving" test -S "$T/agent3/sock"
kill -KILL $PARENT; wait $PARENT 2>/dev/null || true
i=0; while running "$AGENT3" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
gone() { ! running "$1"; } # a zombie waiting for its reaper is gone too
check "the parent gone, the broker is gone" gone "$AGENT3"
check "... and its socket" test ! -e "$T/agent3/sock"

# A broker whose socket was replaced leaves what replaced it.
mkdir -m 700 "$T/agent2"
"$TERMAUTH" agent --socket "$T/agent2/sock" -p work 2>/dev/null &
AGENT2=$!
i=0; while [ ! -S "$T/agent2/sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
rm -f "$T/agent2/sock"; echo someone-else >"$T/agent2/sock"
kill -TERM $AGENT2; wait $AGENT2 2>/dev/null || true
assert_eq "a stopping broker removes only its own socket" someone-else "$(cat "$T/agent2/sock")"

# The broker ends on SIGTERM and removes its socket.
kill -TERM $AGENT
wait $AGENT 2>/dev/null || true
check "the broker is gone" sh -c "! kill -0 $AGENT 2>/dev/null"
check "... and so is its socket" test ! -e "$SOCK"
rc=0; far "$TERMAUTH" -p work token >/dev/null 2>"$T/gone.err" || rc=$?
assert_eq "the broker gone: exit 3" 3 "$rc"
assert_contains "... the message says so" "$T/gone.err" \
  "the forwarded sign-in from laptop is no longer reachable"
# A far side with a session of its own uses it once the broker is gone.
rc=0; env TERMAUTH_AGENT_SOCK="$SOCK" "$TERMAUTH" -p work token >"$T/own.out" 2>"$T/own.err" || rc=$?
assert_eq "with its own session: exit 0" 0 "$rc"
assert_eq "... its own token" "$(store_field access_token)" "$(cat "$T/own.out")"
finish
