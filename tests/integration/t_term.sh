#!/bin/sh
# The device screen on real terminals of a fixed size: tmux runs termauth
# in a window of that size and gives back its screen. At 80x24 the QR code
# comes first and the page and the code last, nothing scrolled away; at 32
# columns there is no QR code and no line wraps; a loopback device page
# gets no QR code, and -v says why; TERM=dumb gets no escape byte at all
# (script(1) keeps every byte written to the terminal); Ctrl-C leaves its
# message on a line of its own, and exit 130.
# The test IdP is on 127.0.0.1, whose device page a phone cannot open: for
# the QR code, tests/idp/shim.mjs (a stub) moves the page to a name that
# is not loopback (SHIM_DEVICE_ORIGIN); termauth shows it, never opens it.
. "$(dirname "$0")/lib.sh"

export TMUX_TMPDIR="$T"
# The server stays up between windows (one ending with the last session
# would race the next test's start): the cleanup ends it.
printf 'set -g status off\nset -g remain-on-exit on\nset -g exit-empty off\n' >"$T/tmux.conf"
tm() { tmux -L termauth-test -f "$T/tmux.conf" "$@"; }
tmux_stop() { st=$?; tm kill-server >/dev/null 2>&1 || :; return $st; }
trap 'tmux_stop; cleanup' EXIT
BLOCKS=$(printf '\342\226\200\|\342\226\204\|\342\226\210') # the QR code's glyphs

# screen NAME COLS ROWS COMMAND...: runs termauth COMMAND... (a device
# sign-in, say) in a tmux window of that size, with $SCREEN_ENV (VAR=VALUE
# words) in its environment.
SCREEN_ENV=
screen() {
  name=$1 cols=$2 rows=$3
  shift 3
  cmd="exec env $SCREEN_ENV '$TERMAUTH'"
  for a in "$@"; do cmd="$cmd '$a'"; done
  # The shell around termauth ignores Ctrl-C itself (termauth gets it as
  # a person's would), and writes termauth's exit status to a file.
  rm -f "$T/$name.status"
  tm new-session -d -s "$name" -x "$cols" -y "$rows" \
    "trap '' INT; (trap - INT; $cmd); echo \$? >'$T/$name.status.tmp'; mv '$T/$name.status.tmp' '$T/$name.status'"
}
# wait_screen NAME TEXT: waits until the window shows TEXT; its screen is
# then in $T/NAME.screen (the rows as shown) and $T/NAME.lines (the lines
# as written: a row the terminal wrapped is joined to the next, and the
# rows scrolled away are there too).
wait_screen() {
  i=0
  while :; do
    tm capture-pane -p -t "$1" | grep -v '^Pane is dead' >"$T/$1.screen"
    grep -qF -- "$2" "$T/$1.screen" && break
    if [ $i -ge 100 ]; then fail "the screen never showed '$2': $(cat "$T/$1.screen")"; return 1; fi
    sleep 0.1; i=$((i + 1))
  done
  tm capture-pane -p -J -S - -t "$1" | grep -v '^Pane is dead' >"$T/$1.lines"
}
# exit_status PANE: the exit status of termauth in PANE, once it has ended,
# as the shell around it wrote it. (Not tmux's #{pane_dead_status}: tmux
# marks a pane dead when its terminal closes, and under CTest its status
# stayed empty for seconds after - caught in the act: dead=1, status ''.)
exit_status() {
  i=0
  while [ ! -s "$T/$1.status" ]; do
    if [ $i -ge 100 ]; then echo "still running"; return; fi
    sleep 0.1; i=$((i + 1))
  done
  cat "$T/$1.status"
}
# last_lines FILE N: the last N lines that are not empty.
last_lines() { grep -v '^[[:space:]]*$' "$1" | tail -n "$2"; }
# code_of FILE: the user code, as the countdown repeats it (in full, or
# shortened on a narrow terminal).
code_of() { sed -n 's/.*approval of code \([A-Z0-9-]*\).*/\1/p; s/^Code \([A-Z0-9-]*\) - .*/\1/p' "$1" | tail -n 1; }

# 1. 80x24, a device page a phone can open, long enough for a QR code of
# version 4 (41 columns, 21 lines): it fits, with the two lines of text
# and the countdown below it, and nothing scrolls off the top.
start_shim_idp SHIM_DEVICE_ORIGIN=https://login.idp.example.test
screen qr 80 24 login --issuer "$ISSUER" --client-id "$CLIENT_ID" --flow device --timeout 60
wait_screen qr " left" || exit 1
CODE=$(code_of "$T/qr.screen")
check "80x24: the countdown repeats the code ($CODE)" test -n "$CODE"
node "$SRC/tests/integration/qr2pbm.mjs" "$T/qr.screen" "$T/qr.pbm" 2>/dev/null || true
assert_eq "80x24: the whole QR code is on the screen, and decodes to the page with the code" \
  "https://login.idp.example.test/device?user_code=$CODE" "$(zbarimg --raw -q "$T/qr.pbm" 2>/dev/null)"
assert_eq "80x24: nothing scrolled off the top" 0 "$(tm display -p -t qr '#{history_size}')"
last_lines "$T/qr.screen" 3 >"$T/qr.last"
assert_contains "80x24: the last lines name the page" "$T/qr.last" "https://login.idp.example.test/device"
assert_contains "80x24: and the code" "$T/qr.last" "enter the code $CODE"
check "80x24: the countdown is the last line, where the cursor is" \
  sh -c "last_lines() { grep -v '^[[:space:]]*\$' \"\$1\" | tail -n \"\$2\"; }
         last_lines '$T/qr.screen' 1 | grep -q '^Waiting for approval of code $CODE - [0-9]*:[0-5][0-9] left'"
check "80x24: the QR code comes first" test "$(grep -n "$BLOCKS" "$T/qr.screen" | tail -n 1 | cut -d: -f1)" \
  -lt "$(grep -n 'Scan the QR code' "$T/qr.screen" | cut -d: -f1)"
tm kill-session -t qr
kill "$IDP_PID" "$SHIM_PID"; wait "$IDP_PID" "$SHIM_PID" 2>/dev/null || :; IDP_PID= SHIM_PID=

# 2. 32 columns: a QR code (37 columns here) does not fit, so none is
# drawn, and no line is wider than the terminal; -v says why.
start_shim_idp SHIM_DEVICE_ORIGIN=https://id.test
screen narrow 32 24 login --issuer "$ISSUER" --client-id "$CLIENT_ID" --flow device --timeout 60
wait_screen narrow " left" || exit 1
CODE=$(code_of "$T/narrow.lines")
check "32 columns: no QR code" sh -c "! grep -q '$BLOCKS' '$T/narrow.lines'"
check "32 columns: no line wraps" sh -c "! awk 'length > 32' '$T/narrow.lines' | grep -q ."
assert_contains "32 columns: the page is shown" "$T/narrow.screen" "  https://id.test/device"
check "32 columns: the code is in the last lines" sh -c \
  "grep -v '^[[:space:]]*\$' '$T/narrow.screen' | tail -n 2 | grep -q 'Code $CODE - '"
tm kill-session -t narrow
screen narrow_v 32 24 -v login --issuer "$ISSUER" --client-id "$CLIENT_ID" --flow device --timeout 60
wait_screen narrow_v " left" || exit 1
assert_contains "32 columns, -v: why there is no QR code" "$T/narrow_v.lines" \
  "termauth: debug: no QR code: the terminal is 32 columns, the code needs 37"
tm kill-session -t narrow_v

# 3. TERM=dumb on a terminal: the QR code (without colour), the page,
# the code, the countdown as plain lines - and not one escape byte.
script -qec "stty cols 80 rows 24; exec env TERM=dumb '$TERMAUTH' login --issuer '$ISSUER' --client-id $CLIENT_ID --flow device --timeout 2" \
  "$T/dumb.typescript" </dev/null >/dev/null 2>&1 || true
assert_contains "TERM=dumb: the countdown is a plain line" "$T/dumb.typescript" "termauth: waiting for approval of code "
assert_contains "TERM=dumb: the timeout, plural right" "$T/dumb.typescript" "termauth: error: no sign-in within 2 seconds"
check "TERM=dumb: the QR code is drawn" node "$SRC/tests/integration/qr2pbm.mjs" "$T/dumb.typescript" "$T/dumb.pbm"
check "TERM=dumb: no escape byte" sh -c "! grep -q \"\$(printf '\\033')\" '$T/dumb.typescript'"
kill "$IDP_PID" "$SHIM_PID"; wait "$IDP_PID" "$SHIM_PID" 2>/dev/null || :; IDP_PID= SHIM_PID=

# 4. The test IdP itself, on 127.0.0.1: no QR code, and -v says why; the
# page and the code are the last lines.
start_idp
screen loop 80 24 -v login --issuer "$ISSUER" --client-id "$CLIENT_ID" --flow device --timeout 60
wait_screen loop " left" || exit 1
CODE=$(code_of "$T/loop.screen")
assert_contains "loopback: -v says why there is no QR code" "$T/loop.lines" \
  "termauth: debug: no QR code: a phone cannot open a loopback address"
check "loopback: no QR code" sh -c "! grep -q '$BLOCKS' '$T/loop.lines'"
last_lines "$T/loop.screen" 3 >"$T/loop.last"
assert_contains "loopback: the last lines hold the page with the code" "$T/loop.last" \
  "or open $ISSUER/device?user_code=$CODE"
assert_contains "loopback: and the countdown with the code" "$T/loop.last" "Waiting for approval of code $CODE - "

# 5. Ctrl-C typed on the terminal, during the device flow's countdown and
# during the browser flow's wait: the terminal echoes ^C where the cursor
# is; the message follows on a line of its own, not as an error.
tm send-keys -t loop C-c
wait_screen loop "sign-in cancelled" || exit 1
check "Ctrl-C, device flow: the message on its own line" grep -qx 'termauth: sign-in cancelled' "$T/loop.lines"
assert_not_contains "Ctrl-C, device flow: not an error" "$T/loop.lines" "error"
assert_eq "Ctrl-C, device flow: exit 130" 130 "$(exit_status loop)"
tm kill-session -t loop
SCREEN_ENV=BROWSER=true
screen browser 80 24 login --issuer "$ISSUER" --client-id "$CLIENT_ID" --flow browser --timeout 60
wait_screen browser "Waiting for the browser" || exit 1
tm send-keys -t browser C-c
wait_screen browser "sign-in cancelled" || exit 1
check "Ctrl-C, browser flow: the message on its own line" grep -qx 'termauth: sign-in cancelled' "$T/browser.lines"
assert_eq "Ctrl-C, browser flow: exit 130" 130 "$(exit_status browser)"
assert_nothing_stored "cancelled"
finish
