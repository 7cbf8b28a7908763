#!/bin/sh
# make demo-shell, as scripts/demo runs it: the development IdP starts, the
# demo profile signs in (the Chromium driver as the person's browser), and
# a shell where the demo profile is the default runs status, token, exec,
# setup-git and logout against it; when the shell ends the IdP stops.
# Nothing of the demo reaches the person's own configuration. Also: what
# `make demo` installs is only the build dependencies and Node.js.
. "$(dirname "$0")/lib.sh"
build=$(cd "$(dirname "$TERMAUTH")" && pwd)

# --- What make demo installs.
scripts() { "$SRC/scripts/bootstrap" "$@"; }
scripts --demo --list >"$T/demo-debs"
scripts --list >"$T/all-debs"
for p in chromium apache2-bin valgrind clang zsh gnome-keyring libcmocka-dev kubernetes-client; do
  assert_not_contains "make demo does not install $p" "$T/demo-debs" "$p"
  assert_contains "make check installs $p" "$T/all-debs" "$p"
done
for p in cmake libcurl4-openssl-dev libsecret-1-dev nodejs; do
  assert_contains "make demo installs $p" "$T/demo-debs" "$p"
done

# --- The demo shell.
export DEMO_DIR="$T/demo" BROWSER="$IDP_DIR/browser"
export DEMO_SHELL_COMMANDS='
  termauth status; echo "status=$?"
  termauth token >"$DEMO_DIR/token"; echo "token=$?"
  termauth exec -- sh -c "test -n \"\$TERMAUTH_ACCESS_TOKEN\""; echo "exec=$?"
  termauth setup-git --host git.example.com; echo "setup-git=$?"
  git config --global --get-all credential.https://git.example.com.helper
  termauth logout; echo "logout=$?"
  termauth status; echo "status-after=$?"'
rc=0
SHELL=/bin/sh sh "$SRC/scripts/demo" "$build" --shell </dev/null >"$T/demo.out" 2>"$T/demo.err" || rc=$?
[ $rc -eq 0 ] || { echo "demo stderr:"; cat "$T/demo.err"; }
assert_eq "the demo shell ends well" 0 "$rc"
assert_contains "the demo signs in" "$T/demo.err" "as alice (profile 'demo')"
assert_contains "status in the shell" "$T/demo.out" "status=0"
assert_contains "status names the demo profile" "$T/demo.out" "demo"
assert_contains "token in the shell" "$T/demo.out" "token=0"
TOKEN=$(cat "$T/demo/token")
[ -n "$TOKEN" ] && pass "the token printed" || fail "no token printed"
assert_contains "exec in the shell" "$T/demo.out" "exec=0"
assert_contains "setup-git in the shell" "$T/demo.out" "setup-git=0"
assert_contains "git asks termauth" "$T/demo.out" "git-credential"
assert_contains "logout in the shell" "$T/demo.out" "logout=0"
assert_contains "signed out" "$T/demo.err" "signed out of profile 'demo'"
assert_contains "after logout, not signed in" "$T/demo.out" "status-after=3"
pid=$(cat "$T/demo/idp.pid")
i=0
while running "$pid" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
running "$pid" && fail "the IdP still runs after the shell ended" || pass "the IdP stopped with the shell"
# The person's own configuration and store are untouched.
[ ! -e "$XDG_CONFIG_HOME/termauth" ] && [ ! -e "$STORE_DIR" ] && [ ! -e "$HOME/.gitconfig" ] &&
  pass "nothing of the demo in the person's own files" ||
  fail "the demo wrote into the person's own files: $(ls -A "$XDG_CONFIG_HOME" "$STORE_DIR" "$HOME" 2>&1 | tr '\n' ' ')"

# --- A failing build shows its errors, and only then anything.
rc=0
"$SRC/scripts/quiet-build" "$T/broken-build" -DCMAKE_C_COMPILER=/nonexistent/cc \
  >"$T/qb.out" 2>"$T/qb.err" || rc=$?
assert_eq "a failing quiet build fails" 1 "$rc"
assert_contains "it says so" "$T/qb.err" "build failed"
assert_contains "with the error" "$T/qb.err" "CMAKE_C_COMPILER"
finish
