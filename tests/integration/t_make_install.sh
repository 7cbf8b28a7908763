#!/bin/sh
# `make install DESTDIR=... PREFIX=/usr`, the top Makefile's own target, with
# a build tree of its own (the developer's build/ is not touched): every
# file in its place, the library's SONAME links, the installed tool finds
# termauth-full and the library relative to itself, a program builds with
# the installed termauth.pc (its prefix moved
# under DESTDIR), and `make uninstall` removes it all again.
. "$(dirname "$0")/lib.sh"
D=$T/dest
(cd "$SRC" && make install BUILD="$T/build" DESTDIR="$D" PREFIX=/usr JOBS=2 \
  CMAKE_ARGS=-DBUILD_TESTING=OFF) >"$T/make.log" 2>&1 || { cat "$T/make.log"; fail "make install"; finish; }
pass "make install DESTDIR=... PREFIX=/usr"
assert_not_contains "make install is quiet about directories" "$T/make.log" "Entering directory"

# The library directory: lib, or lib/<multiarch> where GNUInstallDirs says so.
pc=$(cd "$D" && ls usr/lib/pkgconfig/termauth.pc usr/lib/*/pkgconfig/termauth.pc 2>/dev/null | head -n 1)
check "termauth.pc is installed" test -n "$pc"
L=$D/$(dirname "$(dirname "$pc")")
check "bin/termauth is installed" test -x "$D/usr/bin/termauth"
check "libexec/termauth/termauth-full is installed" test -x "$D/usr/libexec/termauth/termauth-full"
assert_eq "libtermauth.so links to the SONAME" libtermauth.so.0 "$(readlink "$L/libtermauth.so")"
assert_eq "the SONAME links to the library" libtermauth.so.0.1.0 "$(readlink "$L/libtermauth.so.0")"
check "libtermauth.so.0.1.0 is installed" test -f "$L/libtermauth.so.0.1.0"
assert_eq "the library's SONAME" "libtermauth.so.0" \
  "$(readelf -d "$L/libtermauth.so.0.1.0" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
check "libtermauth.a is installed" test -s "$L/libtermauth.a"
check "the header is installed" test -s "$D/usr/include/termauth.h"
check "the man page is installed" test -s "$D/usr/share/man/man1/termauth.1"
check "the bash completion is installed" test -s "$D/usr/share/bash-completion/completions/termauth"
check "the zsh completion is installed" test -s "$D/usr/share/zsh/site-functions/_termauth"
check "termauth.pc names the prefix, not DESTDIR" grep -qx 'prefix=/usr' "$D/$pc"

assert_tool_runs "$D/usr/bin/termauth" installed

# termauth.pc says prefix=/usr; the files are under DESTDIR.
flags=$(PKG_CONFIG_PATH="$(dirname "$D/$pc")" pkg-config --define-variable=prefix="$D/usr" \
  --cflags --libs termauth)
assert_contains_text() { case $3 in *"$2"*) pass "$1";; *) fail "$1: '$3' lacks '$2'";; esac; }
assert_contains_text "pkg-config points into DESTDIR" "-I$D/usr/include" "$flags"
# shellcheck disable=SC2086
cc -o "$T/example" "$SRC/examples/login.c" $flags
check "the example links against the installed library" \
  sh -c "LD_LIBRARY_PATH='$L' ldd '$T/example' | grep -q '$L/libtermauth.so.0'"
rc=0; LD_LIBRARY_PATH=$L "$T/example" >"$T/out" 2>"$T/err" || rc=$?
assert_eq "the example, built with the installed termauth.pc, runs (usage: exit 2)" 2 "$rc"
assert_contains "the example's usage" "$T/err" "usage:"

(cd "$SRC" && make uninstall BUILD="$T/build") >"$T/uninstall.log" 2>&1 || cat "$T/uninstall.log"
assert_eq "make uninstall leaves no file" "" "$(find "$D" ! -type d)"
finish
