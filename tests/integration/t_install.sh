#!/bin/sh
# An installation under another prefix works: termauth finds termauth-full
# and its library, the man page and header are there, and a program built
# with `pkg-config termauth` links and runs.
. "$(dirname "$0")/lib.sh"
BUILD=$(cd "$(dirname "$TERMAUTH")" && pwd)
cmake --install "$BUILD" --prefix "$T/inst" >/dev/null
P=$T/inst
check "the man page is installed" test -s "$P/share/man/man1/termauth.1"
check "the header is installed" test -s "$P/include/termauth.h"
check "the bash completion is installed" test -s "$P/share/bash-completion/completions/termauth"
check "the zsh completion is installed" test -s "$P/share/zsh/site-functions/_termauth"
assert_eq "the installed termauth runs" "termauth 0.1.0" "$("$P/bin/termauth" --version)"
rc=0; "$P/bin/termauth" token 2>"$T/err" || rc=$?
assert_eq "the installed termauth hands over to termauth-full" 3 "$rc"
assert_contains "... which answers" "$T/err" "not signed in (profile 'default')"
flags=$(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --define-variable=prefix="$P" --cflags --libs termauth)
# A sanitizer build's library needs its runtime in the program as well.
ldd "$P/lib/libtermauth.so" | grep -q libasan && flags="$flags -fsanitize=address,undefined"
# shellcheck disable=SC2086
cc -o "$T/example" "$SRC/examples/login.c" $flags -Wl,-rpath,"$P/lib"
rc=0; "$T/example" >"$T/out" 2>"$T/err" || rc=$?
assert_eq "the example, built with pkg-config, runs (usage: exit 2)" 2 "$rc"
assert_contains "the example's usage" "$T/err" "usage:"
finish
