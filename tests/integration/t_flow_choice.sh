#!/bin/sh
# Which flow `login` takes by default (auto), and that each override wins:
# --flow, then TERMAUTH_FLOW, then the profile's flow. -v says which and
# why. Each sign-in is left to time out after a second; only the choice
# is checked here (t_device.sh and t_login_browser.sh sign in for real).
. "$(dirname "$0")/lib.sh"
start_idp
SSH="SSH_CONNECTION=10.0.0.1 50000 10.0.0.2 22"

choose() { # DESCRIPTION EXPECTED_DEBUG_LINE ENV... -- LOGIN_OPTIONS...
  d=$1 want=$2; shift 2
  envs=
  while [ "$1" != -- ]; do envs="$envs
$1"; shift; done
  shift
  rc=0
  (IFS='
'
   # shellcheck disable=SC2086
   exec env -u SSH_CONNECTION -u SSH_TTY -u DISPLAY -u WAYLAND_DISPLAY -u BROWSER $envs \
     "$TERMAUTH" login -v --issuer "$ISSUER" --client-id "$CLIENT_ID" --timeout 1 "$@") \
    </dev/null >"$T/out" 2>"$T/err" || rc=$?
  assert_contains "$d" "$T/err" "$want"
  check "$d: it then ran and timed out (exit 1)" test "$rc" = 1
}

choose "SSH with no display: device" "termauth: debug: flow: device (an SSH session)" "$SSH" --
choose "SSH wins over BROWSER: device" "flow: device (an SSH session)" "$SSH" BROWSER=true DISPLAY=:0 --
choose "a display with BROWSER set: browser" "termauth: debug: flow: browser (BROWSER is set)" DISPLAY=:0 BROWSER=true --
choose "no SSH, no display, no BROWSER: device" "termauth: debug: flow: device (" --
choose "--flow browser wins over SSH" "flow: browser, as asked" "$SSH" BROWSER=true -- --flow browser
choose "TERMAUTH_FLOW wins over SSH" "flow: browser, as asked" "$SSH" BROWSER=true TERMAUTH_FLOW=browser --
choose "--flow wins over TERMAUTH_FLOW" "flow: device, as asked" DISPLAY=:0 BROWSER=true TERMAUTH_FLOW=browser -- --flow device
mkdir -p "$XDG_CONFIG_HOME/termauth"
printf '[profile default]\nflow = browser\n' >"$XDG_CONFIG_HOME/termauth/config"
choose "the profile's flow wins over auto" "flow: browser, as asked" "$SSH" BROWSER=true --
choose "TERMAUTH_FLOW wins over the profile" "flow: device, as asked" "$SSH" TERMAUTH_FLOW=device --
choose "a timed-out device sign-in says so" "termauth: error: no sign-in within 1 second" "$SSH" --
finish
