#!/bin/bash
# The command line's table against everything that repeats it: every
# command's --help fits in 80 columns; a mistyped command or option gets a
# suggestion, a missing value says what it should be; and the options of
# bash's and zsh's completions and of the man page are exactly the table's
# (termauth-full --dump-options), so that adding an option to the table
# without them fails here. Run by CTest: t_options.sh TERMAUTH_FULL.
set -u
full=${1:?usage: t_options.sh TERMAUTH_FULL}
src=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_STATE_HOME=$T/state XDG_RUNTIME_DIR=$T/run
unset TERMAUTH_PROFILE TERMAUTH_CONFIG TERMAUTH_TOKEN TERMAUTH_CREDENTIAL TERMAUTH_STORE
mkdir -p "$HOME" "$T/empty"
failures=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$full" --dump-options >"$T/table" || fail "termauth-full --dump-options"
commands=$(awk '$1 == "command" { print $2 }' "$T/table")
[ -n "$commands" ] || fail "the table names no command"

# The options of a scope ("*" the common ones, "termauth" termauth's
# own, else a command's), long and short, one a line, sorted.
# With LONG set, the short forms are left out: a command whose short
# options are another program's (ssh) takes only long ones.
table() { # SCOPE... [-- FIELD=VALUE]: only the options whose field 5 (value) or 6 (repeat) is it
	awk -v scopes=" $* " -v f="${FIELD:-0}" -v want="${WANT:-}" -v long="${LONG:-}" \
		'$1 == "option" && index(scopes, " " $2 " ") && (!f || $f == want) {
			print $3; if ($4 != "-" && !long) print $4 }' "$T/table" | sort -u
}
# "1" for a command that takes long options only ("long-only" in the table).
long_only() { awk -v c="$1" '$1 == "command" && $2 == c && $4 == "long-only" { print 1 }' "$T/table"; }
# The command whose options a command shares (setup-token: login's).
source_of() { awk -v c="$1" '$1 == "command" && $2 == c { print $3 }' "$T/table"; }

# Says what differs between two sorted lists (WANT from the table, GOT).
same() { # DESCRIPTION WANT_FILE GOT_FILE
	local missing extra
	missing=$(comm -23 "$2" "$3" | tr '\n' ' ')
	extra=$(comm -13 "$2" "$3" | tr '\n' ' ')
	if [ -z "$missing$extra" ]; then ok "$1"
	else fail "$1:${missing:+ lacks $missing}${extra:+ has, unlike the table, $extra}"; fi
}

# --- --help: every command's, and termauth's own, fits in 80 columns.
for c in "" $commands; do
	# shellcheck disable=SC2086
	"$full" $c --help >"$T/help" 2>&1 || fail "termauth $c --help exits $?"
	long=$(awk 'length($0) > 80 { print NR ": " $0 }' "$T/help")
	if [ -z "$long" ]; then ok "termauth $c --help fits in 80 columns"
	else fail "termauth $c --help has lines over 80 columns: $long"; fi
done

# --- Messages: suggestions and missing values.
expect() { # DESCRIPTION EXIT_CODE TEXT ARGS...
	local d=$1 want=$2 text=$3 rc=0; shift 3
	"$full" "$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
	if [ "$rc" != "$want" ]; then fail "$d: exit $rc, not $want"; return; fi
	if grep -qF -- "$text" "$T/err"; then ok "$d"
	else fail "$d: stderr lacks \"$text\": $(cat "$T/err")"; fi
}
expect "a mistyped command" 2 "termauth: error: 'lgoin' is not a termauth command; did you mean 'login'?" lgoin
expect "a mistyped command after help" 2 "did you mean 'status'?" help stauts
expect "nothing close: no suggestion" 2 "termauth: error: no command 'frobnicate'" frobnicate
grep -q "did you mean" "$T/err" && fail "frobnicate got a suggestion: $(cat "$T/err")"
expect "a mistyped option" 2 "termauth: error: unknown option '--isuer'; did you mean '--issuer'?" login --isuer X
expect "a mistyped common option" 2 "did you mean '--profile'?" token --proflie work
expect "a mistyped option of termauth itself" 2 "did you mean '--version'?" --verison
expect "a missing value" 2 "termauth: error: --issuer needs a value: the IdP's URL" login --issuer
expect "a missing value, short option" 2 "termauth: error: -p needs a value: a profile name" token -p
expect "a value for an option that takes none" 2 "termauth: error: --json takes no value" status --json=yes
# A provider with no preset: the way out (--issuer) and the guide, for a
# name with one and for any other; a usage error, and no profile written.
expect "--provider okta" 2 "termauth: error: no preset for 'okta' (the presets: github, google, microsoft, gitlab): any OpenID Connect IdP works with --issuer URL --client-id ID; see docs/providers/okta.md in termauth's documentation" login --provider okta --client-id x
[ "$(wc -l <"$T/err")" = 1 ] || fail "--provider okta: more than one line: $(cat "$T/err")"
expect "--provider Keycloak, any case" 2 "see docs/providers/keycloak.md" login --provider Keycloak
expect "--provider nosuchidp" 2 "termauth: error: no preset for 'nosuchidp' (the presets: github, google, microsoft, gitlab): any OpenID Connect IdP works with --issuer URL --client-id ID; see docs/providers/README.md in termauth's documentation" login --provider nosuchidp --client-id x
expect "setup-token --provider okta" 2 "see docs/providers/okta.md" setup-token --provider okta --client-id x
[ ! -e "$XDG_CONFIG_HOME/termauth/config" ] || fail "an unknown provider wrote a profile"
for f in README okta keycloak entra auth0 dex authentik zitadel google github gitlab; do
	[ -f "$src/docs/providers/$f.md" ] || fail "docs/providers/$f.md is missing"
done

# --- bash's completion, asked as bash asks it: after "COMMAND -" it
# offers exactly the command's options; after an option that takes a
# value it offers no option, after one that takes none it does.
# shellcheck source=../../completions/termauth.bash
. "$src/completions/termauth.bash"
offered() { # WORDS...: what bash's completion offers for the last word, sorted
	COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
	(cd "$T/empty" && _termauth && printf '%s\n' "${COMPREPLY[@]}") | grep -v '^--$' | grep '^-' | sort -u
}
table '*' termauth >"$T/want"
offered termauth - >"$T/got"
same "bash: termauth's own options" "$T/want" "$T/got"
for c in $commands; do
	LONG=$(long_only "$c")
	table '*' "$c" >"$T/want"
	offered termauth "$c" - >"$T/got"
	same "bash: $c's options" "$T/want" "$T/got"
	for o in $(FIELD=5 WANT=1 table '*' "$c"); do
		[ -z "$(offered termauth "$c" "$o" -)" ] || fail "bash: $c $o is completed as if it took no value"
	done
	for o in $(FIELD=5 WANT=0 table '*' "$c"); do
		[ -n "$(offered termauth "$c" "$o" -)" ] || fail "bash: $c $o is completed as if it took a value"
	done
done
LONG=""

# --- zsh's completion, run with _arguments replaced by a stand-in that
# prints its specs: each call's options, as "NAME TAKES-VALUE REPEATABLE".
zsh_specs() { # COMMAND: the specs of the last _arguments call for it
	zsh -f -c '
		_arguments() {
			while [[ $1 == -[A-Za-z] ]]; do shift; done
			state=args
			print -r -- "--call--"; print -rl -- "$@"
		}
		_describe() { :; }
		words=("$1")
		source "$2"' zsh "$1" "$src/completions/_termauth" |
	awk '/^--call--$/ { n++; next } { print n "\t" $0 }'
}
zsh_options() { # CALL SPECS_FILE: "NAME VALUE REPEAT" from that call's specs
	awk -F '\t' -v call="$1" '$1 == call {
		s = $2; sub(/^\([^)]*\)/, "", s); rep = sub(/^\*/, "", s)
		if (!match(s, /^-[-a-zA-Z0-9]*/)) next
		name = substr(s, 1, RLENGTH)
		rest = substr(s, RLENGTH + 1); sub(/^\[[^]]*\]/, "", rest)
		print name, (rest ~ /^:/ ? 1 : 0), rep }' "$2" | sort -u
}
dump_triples() { # SCOPE...: "NAME VALUE REPEAT" from the table (LONG as for table)
	awk -v scopes=" $* " -v long="${LONG:-}" '$1 == "option" && index(scopes, " " $2 " ") {
		print $3, $5, $6; if ($4 != "-" && !long) print $4, $5, $6 }' "$T/table" | sort -u
}
zsh_specs login >"$T/zsh"
zsh_options 1 "$T/zsh" >"$T/got"
dump_triples '*' termauth >"$T/want"
same "zsh: termauth's own options (name, value, repeatable)" "$T/want" "$T/got"
for c in $commands; do
	LONG=$(long_only "$c")
	zsh_specs "$c" >"$T/zsh"
	zsh_options 2 "$T/zsh" >"$T/got"
	dump_triples '*' "$c" >"$T/want"
	same "zsh: $c's options (name, value, repeatable)" "$T/want" "$T/got"
done
LONG=""

# --- The man page: each command's section tags exactly its own options
# (setup-token's are login's, said in login's), and GLOBAL OPTIONS the
# common ones and termauth's own.
awk '
	/^\.SH / { sec = $0; sub(/^\.SH +/, "", sec); gsub(/"/, "", sec); ss = ""; next }
	/^\.SS / { ss = $2; gsub(/\\-/, "-", ss); next }
	/^\.T[PQ]/ { tag = 1; next }
	tag {
		tag = 0; line = $0; gsub(/\\-/, "-", line); gsub(/\\f[A-Z]/, " ", line)
		where = sec == "COMMANDS" ? ss : sec == "GLOBAL OPTIONS" ? "*" : ""
		if (where == "") next
		n = split(line, w, /[ ",]+/)
		for (i = 2; i <= n; i++) if (w[i] ~ /^--?[a-z][a-z0-9-]*$/) print where, w[i]
	}' "$src/docs/termauth.1" >"$T/man"
man_of() { awk -v s="$1" '$1 == s { print $2 }' "$T/man" | sort -u; }
table '*' termauth >"$T/want"
man_of '*' >"$T/got"
same "man: GLOBAL OPTIONS" "$T/want" "$T/got"
for c in $commands; do
	s=$(source_of "$c")
	grep -q "^\.SS $(printf '%s' "$s" | sed 's/-/\\\\-/g')\$" "$src/docs/termauth.1" ||
		fail "man: no section for $s"
	# A command's section may also tag a common option it gives more meaning.
	table "$c" >"$T/own"
	man_of "$s" >"$T/got"
	table '*' | comm -13 - "$T/got" >"$T/got-own"
	same "man: $c's options (in section $s)" "$T/own" "$T/got-own"
done

# --- The source: only the parser and the fast path parse options
# themselves, and each command's run stays short (the work is in helpers).
others=$(grep -l getopt_long "$src"/src/*.c | sed "s|$src/||" | grep -vx 'src/options.c\|src/fast.c')
[ -z "$others" ] && ok "getopt_long only in the parser and the fast path" ||
	fail "getopt_long outside the parser and the fast path: $others"
for f in "$src"/src/cmd_*.c; do
	n=$(awk '/^static int run\(/ { s = NR } s && /^}/ { print NR - s + 1; exit }' "$f")
	if [ -z "$n" ]; then fail "${f##*/}: no run function"
	elif [ "$n" -ge 40 ]; then fail "${f##*/}: run is $n lines (under 40)"
	else ok "${f##*/}: run is $n lines"; fi
done

[ $failures -eq 0 ] && echo "all checks passed" || { echo "$failures check(s) failed"; exit 1; }
