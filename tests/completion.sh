#!/bin/bash
# The shell completions: bash's offers commands, options, option values
# and profile names (asked as bash asks it, through COMP_WORDS); zsh's
# must at least parse. Run by CTest with bash.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
failures=0
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export TERMAUTH_CONFIG=$T/config
printf '[profile work]\nissuer = https://x\n\n[profile home.lab]\nissuer = https://y\n' >"$TERMAUTH_CONFIG"
# shellcheck source=../completions/termauth.bash
. "$src/completions/termauth.bash"

offers() { # DESCRIPTION WANTED... -- WORDS...
	local d=$1; shift
	local -a want=()
	while [ "$1" != -- ]; do want+=("$1"); shift; done
	shift
	COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
	_termauth
	for w in "${want[@]}"; do
		if [[ " ${COMPREPLY[*]} " != *" $w "* ]]; then
			echo "FAIL: $d: '$w' not in: ${COMPREPLY[*]}"; failures=$((failures + 1)); return
		fi
	done
	echo "ok: $d"
}

offers "commands" login logout -- termauth lo
offers "setup-token among the commands" setup-token -- termauth set
offers "login's options" --flow --issuer --client-id --no-qr --provider -- termauth login --
offers "flows" device -- termauth login --flow d
offers "all flows" auto browser device paste -- termauth login --flow ''
offers "providers" github gitlab -- termauth login --provider gi
offers "stores, keyring (the keychain) too" auto keychain keyring file -- termauth --store ''
offers "profile names from the configuration" work -- termauth -p w
offers "profile names after the command" home.lab -- termauth token -p h
offers "token's options" --min-ttl --json --login -- termauth -p work token --
offers "logout's options" --all -- termauth logout --a
offers "help's topics" status -- termauth help st
offers "kube-credential's options" --min-ttl --token -- termauth kube-credential --
offers "the tokens kube-credential hands out" access id -- termauth kube-credential --token ''
if zsh -n "$src/completions/_termauth"; then echo "ok: zsh's completion parses"
else echo "FAIL: zsh's completion does not parse"; failures=$((failures + 1)); fi
[ $failures -eq 0 ] && echo "all checks passed" || { echo "$failures check(s) failed"; exit 1; }
