#!/bin/sh
# exports.sh SRC LIBTERMAUTH: the symbols the shared library exports are
# exactly those of SRC/lib/termauth.sym (sorted, one a line), and that list
# is exactly the functions SRC/include/termauth.h declares TA_API. Says
# which symbol is added or missing where.
set -eu

src=$1
lib=$2
list=$src/lib/termauth.sym
header=$src/include/termauth.h
tmp=$(mktemp -d "${TMPDIR:-/tmp}/termauth-exports.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# each_missing FROM IN WHAT: a line for every symbol of FROM not in IN.
each_missing() {
  LC_ALL=C comm -23 "$1" "$2" > "$tmp/diff"
  while read -r sym; do fail "$sym $3"; done < "$tmp/diff"
}

LC_ALL=C sort -u "$list" > "$tmp/list"
if ! cmp -s "$list" "$tmp/list"; then
  fail "lib/termauth.sym is not sorted (LC_ALL=C sort -u): keep one symbol a line, sorted"
fi
if grep -qv '^ta_[a-z0-9_]*$' "$list"; then
  fail "lib/termauth.sym holds a line that is not a ta_ symbol: $(grep -v '^ta_[a-z0-9_]*$' "$list" | head -1)"
fi

# What the library exports (a versioned name without its @VERSION).
nm -D --defined-only "$lib" | awk 'NF >= 3 { print $3 }' | sed 's/@.*//' |
  LC_ALL=C sort -u > "$tmp/built"
# What the header declares: every TA_API function's name.
grep 'TA_API' "$header" | grep -v '^#' | sed -n 's/.*[ *]\([a-z_0-9]*\)(.*/\1/p' |
  LC_ALL=C sort -u > "$tmp/declared"

# What the Debian package's symbols file lists (checked by its build too,
# which takes minutes): the same names.
sed -n 's/^ \(ta_[a-z0-9_]*\)@.*/\1/p' "$(dirname "$list")/../debian/libtermauth0.symbols" |
  LC_ALL=C sort -u > "$tmp/debian"

each_missing "$tmp/list" "$tmp/debian" "is listed in lib/termauth.sym but not in debian/libtermauth0.symbols"
each_missing "$tmp/debian" "$tmp/list" "is in debian/libtermauth0.symbols but not listed in lib/termauth.sym"
each_missing "$tmp/built" "$tmp/list" "is exported by $(basename "$lib") but not listed in lib/termauth.sym"
each_missing "$tmp/list" "$tmp/built" "is listed in lib/termauth.sym but not exported by $(basename "$lib")"
each_missing "$tmp/declared" "$tmp/list" "is declared TA_API in termauth.h but not listed in lib/termauth.sym"
each_missing "$tmp/list" "$tmp/declared" "is listed in lib/termauth.sym but not declared TA_API in termauth.h"

if [ "$failures" -ne 0 ]; then
  echo "$failures problem(s); the exported API is lib/termauth.sym (see the ABI rules in include/termauth.h)"
  exit 1
fi
echo "ok: $(wc -l < "$tmp/list") symbols, exported, listed and declared alike"
