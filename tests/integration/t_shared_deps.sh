#!/bin/sh
# The small termauth where no static jansson and inih are installed (Fedora
# ships neither archive, Arch no libinih.a): a build tree of its own,
# configured with -DTERMAUTH_STATIC_DEPS=OFF, links libjansson.so and
# libinih.so, and its termauth still serves what it serves itself - a cached
# token (jansson reads the session and writes --json) and git's request
# (inih reads the profiles) - with no termauth-full to hand over to. The
# build under test links them as its CMake said (TA_FAST_SHARED: statically
# by default on Debian). Only termauth's own target is built, on two cores.
. "$(dirname "$0")/lib.sh"
B=$T/build
(cmake -S "$SRC" -B "$B" -DCMAKE_BUILD_TYPE=Debug -DBUILD_TESTING=OFF -DTERMAUTH_STATIC_DEPS=OFF &&
  cmake --build "$B" -j2 --target termauth_fast) >"$T/build.log" 2>&1 ||
  { cat "$T/build.log"; fail "the build with TERMAUTH_STATIC_DEPS=OFF"; finish; }
pass "termauth builds with TERMAUTH_STATIC_DEPS=OFF"
assert_contains "configure says what it links, and what it costs" "$T/build.log" \
  "TERMAUTH_STATIC_DEPS=OFF: the small termauth links libjansson.so and libinih.so, loaded at each start (a little slower)"
F=$B/termauth
ldd "$F" >"$T/ldd.off"
assert_contains "ldd: it loads libjansson.so" "$T/ldd.off" "libjansson.so"
assert_contains "ldd: it loads libinih.so" "$T/ldd.off" "libinih.so"
check "no termauth-full beside it: what follows it serves itself" test ! -e "$B/termauth-full"

# A fresh session in the file store.
export TERMAUTH_STORE=file
mkdir -p "$STORE_DIR"; chmod 700 "$STORE_DIR"
exp=$(($(date +%s) + 3600))
printf '{"format":1,"expires_at":%s,"access_token":"shared-token","token_type":"Bearer"}' "$exp" \
  >"$STORE_DIR/default.json"
chmod 600 "$STORE_DIR/default.json"
rc=0; "$F" token >"$T/out" 2>"$T/err" || rc=$?
assert_eq "token: exit 0" 0 "$rc"
assert_eq "... the cached token, read by jansson" shared-token "$(cat "$T/out")"
assert_eq "... and nothing on stderr" "" "$(cat "$T/err")"
rc=0; "$F" token --json >"$T/json" 2>"$T/err" || rc=$?
assert_eq "token --json: exit 0" 0 "$rc"
assert_eq "... written by jansson" "shared-token Bearer $exp" \
  "$(json "$T/json" '[j.access_token, j.token_type, j.expires_at].join(" ")')"

# git's request for a host a profile lists: inih reads the config.
mkdir -p "$XDG_CONFIG_HOME/termauth"
printf '[profile default]\nissuer = https://idp.example\ngit_hosts = git.example.com\n' \
  >"$XDG_CONFIG_HOME/termauth/config"
chmod 600 "$XDG_CONFIG_HOME/termauth/config"
rc=0; printf 'protocol=https\nhost=git.example.com\n\n' | "$F" git-credential get >"$T/git" 2>"$T/err" || rc=$?
assert_eq "git-credential get: exit 0" 0 "$rc"
assert_eq "... the profile's token for the host its config lists" password=shared-token \
  "$(grep '^password=' "$T/git")"

# With the build's termauth-full beside it, the rest of the tool works too.
ln -s "$(dirname "$TERMAUTH")/termauth-full" "$B/termauth-full"
rc=0; "$F" --version >"$T/version" 2>"$T/err" || rc=$?
assert_eq "--version, handed over: exit 0" 0 "$rc"
assert_eq "... the version" "termauth 0.1.0" "$(cat "$T/version")"

# The build under test: shared only what its CMake said, and, left to
# choose (AUTO), static what the compiler finds an archive of.
ldd "$TERMAUTH" >"$T/ldd.default"
for lib in libjansson.so libinih.so; do
  a=$(cc -print-file-name="${lib%.so}.a")
  if [ "${TA_STATIC_DEPS-}" = AUTO ] && [ "$a" != "${lib%.so}.a" ]; then
    case " ${TA_FAST_SHARED-} " in
    *" $lib "*) fail "TERMAUTH_STATIC_DEPS=AUTO chose $lib, though $a is installed" ;;
    *) pass "TERMAUTH_STATIC_DEPS=AUTO chose the installed ${lib%.so}.a" ;;
    esac
  fi
  case " ${TA_FAST_SHARED-} " in
  *" $lib "*) assert_contains "the build under test links $lib, as its CMake said" "$T/ldd.default" "$lib" ;;
  *) assert_not_contains "the build under test links no $lib (a static one)" "$T/ldd.default" "$lib" ;;
  esac
done
finish
