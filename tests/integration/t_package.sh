#!/bin/sh
# The Debian packages (debian/, `make deb`), built once by scripts/deb in a
# copy of the tree: lintian reports no error; termauth, libtermauth0 and
# libtermauth-dev hold what each should; extracted with `dpkg-deb -x`
# (multiarch libdir and all), the packaged termauth runs, finds
# termauth-full (../libexec/termauth) and the library by its relative
# RUNPATH, and a program builds against the extracted header, termauth.pc
# and library.
. "$(dirname "$0")/lib.sh"
O=$T/deb
JOBS=2 "$SRC/scripts/deb" "$O" >"$T/deb.log" 2>&1 || { cat "$T/deb.log"; fail "scripts/deb"; finish; }
pass "the packages build"
sed -n '/^[EWI]: /p' "$O/lintian.txt"
assert_eq "lintian reports no error" "" "$(grep '^E: ' "$O/lintian.txt" || :)"
for p in termauth libtermauth0 libtermauth-dev; do
  check "package $p is built" test -f "$O/${p}_0.1.0_$(dpkg --print-architecture).deb"
done
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
assert_eq "libtermauth0's shlibs name it after the SONAME" "libtermauth 0 libtermauth0 (>= 0.1.0)" \
  "$(dpkg-deb --ctrl-tarfile "$O"/libtermauth0_*.deb | tar -xOf - ./shlibs)"
check "libtermauth0 has a symbols file" sh -c "dpkg-deb --ctrl-tarfile $O/libtermauth0_*.deb | tar -tf - | grep -qx ./symbols"
contents() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|' | grep -v '/$' | sort; }
contents "$O"/libtermauth0_*.deb >"$T/lib.list"
contents "$O"/libtermauth-dev_*.deb >"$T/dev.list"
contents "$O"/termauth_0*.deb >"$T/tool.list"
assert_contains "libtermauth0 holds the library" "$T/lib.list" "/usr/lib/$MA/libtermauth.so.0.1.0"
check "... and not the .so link" sh -c "! grep -qx '/usr/lib/$MA/libtermauth.so' '$T/lib.list'"
for f in /usr/include/termauth.h "/usr/lib/$MA/libtermauth.a" "/usr/lib/$MA/libtermauth.so" \
    "/usr/lib/$MA/pkgconfig/termauth.pc"; do
  check "libtermauth-dev holds $f" grep -qx "$f" "$T/dev.list"
done
for f in /usr/bin/termauth /usr/libexec/termauth/termauth-full /usr/share/man/man1/termauth.1.gz \
    /usr/share/bash-completion/completions/termauth /usr/share/zsh/vendor-completions/_termauth; do
  check "termauth holds $f" grep -qx "$f" "$T/tool.list"
done

R=$T/root
for d in "$O"/termauth_0*.deb "$O"/libtermauth0_*.deb "$O"/libtermauth-dev_*.deb; do
  dpkg-deb -x "$d" "$R"
done
assert_eq "termauth-full's RUNPATH is relative" "\$ORIGIN/../../lib/$MA" \
  "$(readelf -d "$R/usr/libexec/termauth/termauth-full" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')"
assert_tool_runs "$R/usr/bin/termauth" packaged

flags=$(PKG_CONFIG_PATH="$R/usr/lib/$MA/pkgconfig" pkg-config --define-variable=prefix="$R/usr" \
  --cflags --libs termauth)
case " $flags " in
*" -I$R/usr/include "*" -L$R/usr/lib/$MA -ltermauth "*) pass "the packaged termauth.pc points at the extracted tree";;
*) fail "the packaged termauth.pc points at the extracted tree: $flags";;
esac
# shellcheck disable=SC2086
cc -o "$T/example" "$SRC/examples/login.c" $flags
check "the example links against the extracted library" \
  sh -c "LD_LIBRARY_PATH='$R/usr/lib/$MA' ldd '$T/example' | grep -q '$R/usr/lib/$MA/libtermauth.so.0'"
rc=0; LD_LIBRARY_PATH=$R/usr/lib/$MA "$T/example" >"$T/out" 2>"$T/err" || rc=$?
assert_eq "the example, built against the extracted package, runs (usage: exit 2)" 2 "$rc"
assert_contains "the example's usage" "$T/err" "usage:"
finish
