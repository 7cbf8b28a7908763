#!/bin/sh
# termauth agent --confirm: the broker asks on its terminal (tmux, a real
# pty of a fixed size) before the first use of each profile. The far side
# waits meanwhile; 'y' gives it the token, and the profile is not asked
# about again; 'n' refuses it (exit 3, "not confirmed"); a person who
# takes a few seconds to answer is still heard. The -v log says allowed
# or refused, never the token. Without a terminal (setsid, no controlling
# terminal) the use is refused and the broker's stderr says why.
# forward = confirm in a profile's section asks too, with neither
# --confirm nor -p for it.
. "$(dirname "$0")/lib.sh"

export TMUX_TMPDIR="$T"
printf 'set -g status off\nset -g remain-on-exit on\nset -g exit-empty off\nset -g history-limit 2000\n' >"$T/tmux.conf"
tm() { tmux -L termauth-test -f "$T/tmux.conf" "$@"; }
NOTTY=
FARS=
stop_all() {
  st=$?
  for pid in $NOTTY $FARS; do stop_helper "$pid"; done
  tm kill-server >/dev/null 2>&1 || :
  return "$st"
}
trap 'stop_all; cleanup' EXIT

start_idp
for p in work other; do
  BROWSER="$IDP_DIR/browser" "$TERMAUTH" -p $p login --issuer "$ISSUER" --client-id "$CLIENT_ID" \
    --scope "openid profile offline_access" --timeout 100 </dev/null >"$T/login-$p.out" 2>"$T/login-$p.err" || true
done
wait_browser
PROFILE=work
WORK_TOKEN=$(store_field access_token)
WORK_RT=$(store_field refresh_token)
PROFILE=other
OTHER_TOKEN=$(store_field access_token)
check "signed in as work" test -n "$WORK_TOKEN"
check "signed in as other" test -n "$OTHER_TOKEN"

mkdir -m 700 "$T/agent" "$T/far" "$T/far/home" "$T/far/run"
# far SOCK COMMAND...: a far side (an empty HOME of its own) of the broker
# on SOCK.
far() {
  sock=$1; shift
  env -u XDG_STATE_HOME -u XDG_CONFIG_HOME HOME="$T/far/home" XDG_RUNTIME_DIR="$T/far/run" \
    TERMAUTH_AGENT_SOCK="$sock" TERMAUTH_AGENT_FROM=laptop "$@"
}
# far_bg NAME SOCK PROFILE [BIN]: `token` on the far side (by BIN, the
# small termauth unless named), in the background:
# PID in FAR, stdout in $T/NAME.out, stderr in $T/NAME.err, exit status
# in $T/NAME.rc once it has ended.
far_bg() {
  rm -f "$T/$1.rc"
  (rc=0; far "$2" "${4:-$TERMAUTH}" -p "$3" token >"$T/$1.out" 2>"$T/$1.err" || rc=$?
   echo $rc >"$T/$1.rc.tmp"; mv "$T/$1.rc.tmp" "$T/$1.rc") &
  FAR=$!
  FARS="$FARS $FAR"
}
# far_rc NAME: the exit status of far_bg NAME, waiting for it up to 10 s.
far_rc() {
  i=0
  while [ ! -s "$T/$1.rc" ]; do
    if [ $i -ge 100 ]; then echo "still running"; return; fi
    sleep 0.1; i=$((i + 1))
  done
  cat "$T/$1.rc"
}
# agent NAME SOCK ARGS...: termauth -v agent --socket SOCK ARGS... in a tmux
# window of 100x30 (its stderr, the -v log, in $T/NAME.err; the terminal
# shows the questions); waits for the socket.
agent() {
  name=$1 sock=$2
  shift 2
  cmd="exec '$TERMAUTH' -v agent --socket '$sock'"
  for a in "$@"; do cmd="$cmd '$a'"; done
  tm new-session -d -s "$name" -x 100 -y 30 "$cmd 2>'$T/$name.err'"
  i=0
  while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  check "$name: the broker listens" test -S "$sock"
}
# screen NAME: the window's lines, those scrolled away too, in $T/NAME.lines.
screen() { tm capture-pane -p -J -S - -t "$1" >"$T/$1.lines"; }
# wait_prompts NAME PROFILE N: waits until the window has shown the
# question about PROFILE N times.
prompt_of() { printf "termauth: allow the agent's clients to use profile '%s'? [y/N]" "$1"; }
prompts() { screen "$1"; grep -cF -- "$(prompt_of "$2")" "$T/$1.lines" || true; }
wait_prompts() {
  i=0
  while [ "$(prompts "$1" "$2")" -lt "$3" ]; do
    if [ $i -ge 100 ]; then fail "$1: the question about '$2' never came: $(cat "$T/$1.lines")"; return 1; fi
    sleep 0.1; i=$((i + 1))
  done
  pass "$1: the question about '$2' is on the broker's terminal"
}
# wait_log FILE TEXT: waits until FILE holds TEXT (up to 5 s).
wait_log() {
  i=0
  while ! grep -qF -- "$2" "$1" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# 1. --confirm, on a terminal.
S1=$T/agent/s1
agent a1 "$S1" -p work -p other --confirm
far_bg w1 "$S1" work
wait_prompts a1 work 1 || exit 1
check "the far side waits for the answer" running "$FAR"
assert_eq "... having printed nothing" "" "$(cat "$T/w1.out")"
tm send-keys -t a1 y Enter
assert_eq "'y': the far side's token, exit 0" 0 "$(far_rc w1)"
assert_eq "... the profile's access token" "$WORK_TOKEN" "$(cat "$T/w1.out")"
wait_log "$T/a1.err" "of profile 'work' for the agent's clients: given"
screen a1
assert_contains "the terminal says it was allowed" "$T/a1.lines" "termauth: allowed"

t0=$(now_ms)
rc=0; far "$S1" "$TERMAUTH" -p work token >"$T/w2.out" 2>"$T/w2.err" || rc=$?
took=$(($(now_ms) - t0))
assert_eq "a second use of work: exit 0" 0 "$rc"
assert_eq "... the token" "$WORK_TOKEN" "$(cat "$T/w2.out")"
check "... promptly (${took} ms)" test "$took" -lt 3000
assert_eq "... and no second question" 1 "$(prompts a1 work)"

far_bg o1 "$S1" other
wait_prompts a1 other 1 || exit 1
check "the far side of other waits for the answer" running "$FAR"
tm send-keys -t a1 n Enter
assert_eq "'n': exit 3" 3 "$(far_rc o1)"
assert_eq "... no token" "" "$(cat "$T/o1.out")"
assert_contains "... the far side is told" "$T/o1.err" \
  "the use of profile 'other' was not confirmed on $(hostname)"
wait_log "$T/a1.err" "of profile 'other' for the agent's clients: TA_E_DENIED"
screen a1
assert_contains "the terminal says it was refused" "$T/a1.lines" "termauth: refused"

# A refusal is not remembered (it may have been a slip of the key): the
# next use asks again.
far_bg o2 "$S1" other
wait_prompts a1 other 2 || exit 1
tm send-keys -t a1 y Enter
assert_eq "after a refusal, the next use is asked again: 'y', exit 0" 0 "$(far_rc o2)"
assert_eq "... the profile's token" "$OTHER_TOKEN" "$(cat "$T/o2.out")"

assert_contains "the -v log: the person allowed work" "$T/a1.err" \
  "forwarding: the use of profile 'work' by the agent's clients was confirmed"
assert_contains "the -v log: the person refused other" "$T/a1.err" \
  "forwarding: the use of profile 'other' by the agent's clients was not confirmed"
assert_not_contains "... never the token" "$T/a1.err" "$WORK_TOKEN"
assert_not_contains "... nor the other profile's" "$T/a1.err" "$OTHER_TOKEN"
assert_not_contains "... nor a refresh token" "$T/a1.err" "$WORK_RT"
tm kill-session -t a1

# A person who takes a while (here 5 s) to answer is still heard: the
# far side waits up to 90 s for the answer, and asks once. The full tool
# (which the small one hands a failed question on to) asks once itself.
S2=$T/agent/s2
agent a2 "$S2" -p work --confirm
far_bg slow "$S2" work "$TERMAUTH-full"
wait_prompts a2 work 1 || exit 1
sleep 5 # the person reads the question (not waiting for anything)
check "after 5 s the far side still waits" running "$FAR"
tm send-keys -t a2 y Enter
assert_eq "a slow 'y': the far side's token, exit 0" 0 "$(far_rc slow)"
assert_eq "... the profile's access token" "$WORK_TOKEN" "$(cat "$T/slow.out")"
wait_log "$T/a2.err" "of profile 'work' for the agent's clients: given"
assert_eq "... in one answer of the broker" 1 "$(grep -c "of profile 'work' for the agent's clients" "$T/a2.err")"
tm kill-session -t a2

# 2. No terminal: refused, and the broker's stderr says why.
S3=$T/agent/s3
setsid "$TERMAUTH" -v agent --socket "$S3" -p work --confirm </dev/null >"$T/notty.out" 2>"$T/notty.err" &
NOTTY=$!
i=0; while [ ! -S "$S3" ] && [ $i -lt 100 ] && running $NOTTY; do sleep 0.05; i=$((i + 1)); done
check "no terminal: the broker listens" test -S "$S3"
check "... with no controlling terminal" test "$(ps -o tty= -p "$NOTTY" | tr -d ' ')" = "?"
rc=0; far "$S3" "$TERMAUTH" -p work token >"$T/nt.out" 2>"$T/nt.err" || rc=$?
assert_eq "no terminal to confirm on: exit 3" 3 "$rc"
assert_eq "... no token" "" "$(cat "$T/nt.out")"
assert_contains "... the far side is told" "$T/nt.err" "the use of profile 'work' was not confirmed on"
assert_contains "... the broker's stderr says why" "$T/notty.err" \
  "refused to forward profile 'work' to the agent's clients: no terminal here to confirm it on"
assert_not_contains "... never the token" "$T/notty.err" "$WORK_TOKEN"
stop_helper "$NOTTY"; NOTTY=
check "... the broker removed its socket" test ! -e "$S3"

# 3. forward = confirm in the profile's section: forwarded without -p,
# and asked about without --confirm; work, named with -p, is not asked.
printf '\n[profile other]\nforward = confirm\n' >>"$XDG_CONFIG_HOME/termauth/config"
S4=$T/agent/s4
agent a4 "$S4" -p work
rc=0; far "$S4" "$TERMAUTH" -p work token >"$T/w4.out" 2>"$T/w4.err" || rc=$?
assert_eq "forward = confirm elsewhere: work is given at once" "0 $WORK_TOKEN" "$rc $(cat "$T/w4.out")"
assert_eq "... without a question" 0 "$(prompts a4 work)"
far_bg o4 "$S4" other
wait_prompts a4 other 1 || exit 1
check "forward = confirm: the far side waits for the answer" running "$FAR"
tm send-keys -t a4 y Enter
assert_eq "'y': the far side's token of other, exit 0" 0 "$(far_rc o4)"
assert_eq "... that profile's access token" "$OTHER_TOKEN" "$(cat "$T/o4.out")"
wait_log "$T/a4.err" "of profile 'other' for the agent's clients: given"
assert_contains "the -v log: the person allowed other" "$T/a4.err" \
  "forwarding: the use of profile 'other' by the agent's clients was confirmed"
assert_not_contains "... never the token" "$T/a4.err" "$OTHER_TOKEN"
tm kill-session -t a4
finish
