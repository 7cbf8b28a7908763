#!/bin/sh
# setup-docker and the docker credential helper's protocol, without a
# registry (t_docker.sh has podman and a real one): setup-docker registers
# the helper in docker's config.json and containers' auth.json, keeping
# all else in them (other registries' passwords, the mode, a symbolic
# link), idempotently, and refuses a broken file or a plaintext registry;
# concurrent runs all get through. docker-credential-termauth answers get
# (from the small executable alone, when the cache is fresh), "not found"
# for other registries, list, store and erase, says its errors on standard
# output, where the clients look, and signs in on a terminal when there is
# one.
. "$(dirname "$0")/lib.sh"
HELPER=$(dirname "$TERMAUTH")/docker-credential-termauth
CONFIG=$HOME/.docker/config.json
AUTH=$XDG_RUNTIME_DIR/containers/auth.json
REG=registry.example.com
# jq-like: the value at a path of keys in a JSON file ("" when absent).
at() {
  node -e 'let v = JSON.parse(require("fs").readFileSync(process.argv[1]));
    for (const k of process.argv.slice(2)) v = v == null ? v : v[k];
    console.log(v == null ? "" : typeof v == "string" ? v : JSON.stringify(v))' "$@"
}
setup() { rc=0; "$TERMAUTH" setup-docker "$@" >"$T/setup.out" 2>"$T/setup.err" || rc=$?; }

# A first run, on a machine with neither file, the profile not signed in.
setup --registry "$REG"
assert_eq "setup-docker: exit 0" 0 "$rc"
assert_contains "setup-docker: says so" "$T/setup.err" \
  "termauth: docker and podman now ask termauth (profile 'default') for the credentials of $REG"
assert_contains "setup-docker: the profile is not signed in yet" "$T/setup.err" \
  "warning: profile 'default' is not signed in yet: run 'termauth login --issuer URL --client-id ID' before a client asks"
assert_contains "setup-docker: the helper is not on PATH" "$T/setup.err" \
  "warning: docker-credential-termauth is not on your PATH, where the clients look for it: add $(dirname "$(readlink -f "$TERMAUTH")") to PATH"
assert_eq "config.json: the helper for the registry" termauth "$(at "$CONFIG" credHelpers "$REG")"
assert_eq "auth.json: the helper for the registry" termauth "$(at "$AUTH" credHelpers "$REG")"
assert_eq "config.json: a new file is 0600" 600 "$(stat -c %a "$CONFIG")"
assert_eq "auth.json: a new file is 0600, in a 0700 directory" "600 700" \
  "$(stat -c %a "$AUTH") $(stat -c %a "$(dirname "$AUTH")")"
assert_eq "the profile lists the registry" "registry_hosts = $REG" \
  "$(grep '^registry_hosts' "$XDG_CONFIG_HOME/termauth/config")"

# Again, with the helper on PATH: nothing changes, not even the files.
inode=$(stat -c %i "$CONFIG")
PATH=$(dirname "$HELPER"):$PATH setup "$REG"
assert_eq "setup-docker again: exit 0" 0 "$rc"
assert_not_contains "setup-docker: on PATH, no warning of it" "$T/setup.err" "PATH"
assert_eq "setup-docker again: config.json not rewritten" "$inode" "$(stat -c %i "$CONFIG")"
assert_eq "setup-docker again: the registry once in the profile" 1 \
  "$(grep -c "^registry_hosts = $REG\$" "$XDG_CONFIG_HOME/termauth/config")"

# An existing config.json: another registry's password, other keys, mode
# 0644, reached through a symbolic link (as dotfile managers make), and
# REGISTRY_AUTH_FILE naming containers' file.
mkdir -p "$T/dotfiles"
cat >"$T/dotfiles/docker.json" <<'JSON'
{
	"auths": { "other.example.com": { "auth": "dXNlcjpzZWNyZXQ=" } },
	"credsStore": "secretservice",
	"credHelpers": { "gcr.io": "gcloud" },
	"psFormat": "table {{.ID}}"
}
JSON
chmod 644 "$T/dotfiles/docker.json"
rm -f "$CONFIG"
ln -s "$T/dotfiles/docker.json" "$CONFIG"
printf '{"auths":{}}\n' >"$T/auth-file.json"
REGISTRY_AUTH_FILE=$T/auth-file.json setup --registry https://Reg2.Example.COM:8443/v2/
assert_eq "setup-docker, existing files: exit 0" 0 "$rc"
check "config.json is still a symbolic link" test -L "$CONFIG"
assert_eq "its target, readable by others before, is 0600 now" 600 "$(stat -c %a "$T/dotfiles/docker.json")"
assert_contains "... and that is said" "$T/setup.err" \
  "termauth: $T/dotfiles/docker.json was readable by others (mode 0644): it is 0600 now, as docker and podman write it"
assert_eq "the registry, in lower case, from its URL" termauth \
  "$(at "$CONFIG" credHelpers reg2.example.com:8443)"
assert_eq "the other helper kept" gcloud "$(at "$CONFIG" credHelpers gcr.io)"
assert_eq "the other registry's password kept" dXNlcjpzZWNyZXQ= \
  "$(at "$CONFIG" auths other.example.com auth)"
assert_eq "the other keys kept" "secretservice|table {{.ID}}" \
  "$(at "$CONFIG" credsStore)|$(at "$CONFIG" psFormat)"
assert_eq "REGISTRY_AUTH_FILE: the helper there" termauth \
  "$(at "$T/auth-file.json" credHelpers reg2.example.com:8443)"
assert_eq "REGISTRY_AUTH_FILE: its auths kept" "{}" "$(at "$T/auth-file.json" auths)"
assert_eq "REGISTRY_AUTH_FILE: the runtime auth.json left alone" "" \
  "$(at "$AUTH" credHelpers reg2.example.com:8443)"

# Refused, nothing changed: a file that is not JSON, a credHelpers that is
# not an object, a registry reached in plaintext.
cp "$T/dotfiles/docker.json" "$T/before.json"
DOCKER_CONFIG=$T/brokendir setup "$REG" # no file there yet: made
assert_eq "DOCKER_CONFIG: its config.json" termauth "$(at "$T/brokendir/config.json" credHelpers "$REG")"
# (The parser stops at the password: its text, which quotes it, is not shown.)
printf '{"auths": {"other.example.com": {"auth" "dXNlcjpodW50ZXIy"}}}\n' >"$T/broken.json"
cp "$T/broken.json" "$T/brokendir/config.json"
DOCKER_CONFIG=$T/brokendir setup reg3.example.com
assert_eq "not JSON: exit 1" 1 "$rc"
assert_eq "not JSON: the file, where, what to do" \
  "termauth: error: $T/brokendir/config.json is not JSON (line 1, column 58): mend it or move it aside, then run 'termauth setup-docker' again" \
  "$(cat "$T/setup.err")"
check "not JSON: the file unchanged" cmp -s "$T/broken.json" "$T/brokendir/config.json"
assert_eq "not JSON: the profile unchanged" 0 "$(grep -c reg3 "$XDG_CONFIG_HOME/termauth/config")"
# One of the two files refused: the other is not changed either.
mkdir -m 700 "$T/gooddir"
printf '{"psFormat": "y"}\n' >"$T/gooddir/config.json"
cp "$T/gooddir/config.json" "$T/good-before.json"
DOCKER_CONFIG=$T/gooddir REGISTRY_AUTH_FILE=$T/brokendir/config.json setup reg3.example.com
assert_eq "auth.json refused: exit 1" 1 "$rc"
check "auth.json refused: config.json not changed either" cmp -s "$T/good-before.json" "$T/gooddir/config.json"
printf '{"credHelpers": ["x"]}' >"$T/brokendir/config.json"
DOCKER_CONFIG=$T/brokendir setup reg3.example.com
assert_eq "credHelpers not an object: exit 1" 1 "$rc"
assert_contains "credHelpers not an object: said" "$T/setup.err" \
  "termauth: error: the credHelpers of $T/brokendir/config.json is not an object"
assert_eq "credHelpers not an object: the profile unchanged" 0 "$(grep -c reg3 "$XDG_CONFIG_HOME/termauth/config")"

# Files another user could change, or that are not the person's: refused,
# nothing changed. A directory others can write (another user could swap
# the file for a link to theirs between the read and the rename):
mkdir -m 777 "$T/shared"
printf '{}\n' >"$T/shared/config.json"
DOCKER_CONFIG=$T/shared setup reg4.example.com
assert_eq "a directory others can write: exit 1" \
  "1 termauth: error: $T/shared is writable by others: termauth changes no file in it" \
  "$rc $(cat "$T/setup.err")"
assert_eq "... nothing written there" "{}" "$(cat "$T/shared/config.json")"
# A file of another user's, in the person's own directory:
mkdir -m 700 "$T/theirs"
printf '{}\n' >"$T/theirs/config.json"
chown 65534 "$T/theirs/config.json"
DOCKER_CONFIG=$T/theirs setup reg4.example.com
assert_eq "another user's file: exit 1" \
  "1 termauth: error: $T/theirs/config.json belongs to uid 65534, not to you: termauth does not change it" \
  "$rc $(cat "$T/setup.err")"
# A FIFO (which would block a plain open, and every setup behind it):
mkdir -m 700 "$T/fifo"
mkfifo "$T/fifo/config.json"
DOCKER_CONFIG=$T/fifo setup reg4.example.com
assert_eq "a FIFO: exit 1 at once" \
  "1 termauth: error: $T/fifo/config.json is not a regular file: termauth does not change it" \
  "$rc $(cat "$T/setup.err")"
# A link to a link to the file: followed to the end; both links stay.
mkdir -m 700 "$T/chain"
printf '{"psFormat": "x"}\n' >"$T/dotfiles/chained.json"
ln -s "$T/dotfiles/chained.json" "$T/chain/middle"
ln -s middle "$T/chain/config.json"
DOCKER_CONFIG=$T/chain setup reg4.example.com
assert_eq "a chain of links: exit 0" 0 "$rc"
check "a chain of links: both links kept" test -L "$T/chain/config.json" -a -L "$T/chain/middle"
assert_eq "a chain of links: the file at its end changed" "termauth x" \
  "$(at "$T/dotfiles/chained.json" credHelpers reg4.example.com) $(at "$T/dotfiles/chained.json" psFormat)"
assert_eq "no other user's file was changed" "{} {}" \
  "$(cat "$T/shared/config.json") $(cat "$T/theirs/config.json")"

# A link to nowhere, a file too large to be a configuration, no HOME:
# refused, said.
mkdir -m 700 "$T/dangling"
ln -s "$T/nowhere.json" "$T/dangling/config.json"
DOCKER_CONFIG=$T/dangling setup reg4.example.com
assert_eq "a link to nowhere: exit 1" \
  "1 termauth: error: cannot open $T/dangling/config.json: a symbolic link to a file that is not there" \
  "$rc $(cat "$T/setup.err")"
mkdir -m 700 "$T/huge"
head -c 1048577 /dev/zero | tr '\0' ' ' >"$T/huge/config.json"
DOCKER_CONFIG=$T/huge setup reg4.example.com
assert_eq "a file over 1 MiB: exit 1" \
  "1 termauth: error: $T/huge/config.json is larger than 1048576 bytes: not a configuration file termauth changes" \
  "$rc $(cat "$T/setup.err")"
rc=0; env -u HOME -u DOCKER_CONFIG "$TERMAUTH" setup-docker reg4.example.com >/dev/null 2>"$T/setup.err" || rc=$?
assert_eq "no HOME, no DOCKER_CONFIG: exit 1" \
  "1 termauth: error: neither DOCKER_CONFIG nor HOME is set: cannot find docker's config.json" \
  "$rc $(cat "$T/setup.err")"
# Another docker-credential-termauth first on PATH: the clients would run
# that one.
mkdir -p "$T/otherbin"
printf '#!/bin/sh\nexit 0\n' >"$T/otherbin/docker-credential-termauth"
chmod 755 "$T/otherbin/docker-credential-termauth"
PATH=$T/otherbin:$(dirname "$HELPER"):$PATH setup reg2.example.com:8443 # registered: no change
assert_contains "another helper first on PATH: said" "$T/setup.err" \
  "termauth: warning: the docker-credential-termauth on your PATH ($T/otherbin/docker-credential-termauth) is not this termauth's ($(dirname "$(readlink -f "$TERMAUTH")")/docker-credential-termauth)"

for bad in http://registry.example.com http://127.0.0.1.evil.example ftp://x 'a b' user@host; do
  setup --registry "$bad"
  assert_eq "setup-docker '$bad': exit 2" 2 "$rc"
  assert_contains "setup-docker '$bad': said" "$T/setup.err" \
    "'$bad' is not a registry's host name or https URL (http only to a loopback address)"
done
check "refused: config.json unchanged" cmp -s "$T/before.json" "$T/dotfiles/docker.json"
# A registry the clients are told to speak plain http (or unverified TLS)
# to: they never say so to a helper, so their configuration is read.
cat >"$T/registries.conf" <<'TOML'
[[registry]]
location = "plain.example.com"
insecure = true
[[registry]]
location = "127.0.0.1:5000"
insecure = true
TOML
cp "$T/dotfiles/docker.json" "$T/before.json"
CONTAINERS_REGISTRIES_CONF=$T/registries.conf setup plain.example.com
assert_eq "a registry marked insecure: refused, said" \
  "1 termauth: error: $T/registries.conf marks plain.example.com insecure, so the clients may send it the token in plain http: termauth gives none for profile 'default' (make it https there, or drop it from the profile's registry_hosts)" \
  "$rc $(cat "$T/setup.err")"
check "... nothing changed" cmp -s "$T/before.json" "$T/dotfiles/docker.json"
CONTAINERS_REGISTRIES_CONF=$T/registries.conf setup http://127.0.0.1:5000
assert_eq "http to a loopback registry, marked insecure too: exit 0" 0 "$rc"

# Eight at once, for eight registries: all of them in both files and in
# the profile's list.
i=0 pids=
while [ $i -lt 8 ]; do
  "$TERMAUTH" -p par setup-docker "r$i.example.com" 2>"$T/par.$i.err" & pids="$pids $!"
  i=$((i + 1))
done
# shellcheck disable=SC2086
wait $pids
i=0 n=0
while [ $i -lt 8 ]; do
  [ "$(at "$CONFIG" credHelpers "r$i.example.com")|$(at "$AUTH" credHelpers "r$i.example.com")" = "termauth|termauth" ] &&
    sed -n '/^\[profile par\]/,/^\[/p' "$XDG_CONFIG_HOME/termauth/config" |
    grep -q "^registry_hosts = .*r$i.example.com" && n=$((n + 1))
  i=$((i + 1))
done
assert_eq "eight concurrent setup-docker: all eight registered" 8 "$n"

# The helper. A session whose access token is fresh, in the file store.
start_idp
run_login
assert_eq "signed in" 0 "$rc"
token=$(store_field access_token)
get() { rc=0; printf '%s' "$1" | "${2:-$HELPER}" get >"$T/get.out" 2>"$T/get.err" || rc=$?; }
get "$REG"
assert_eq "get: exit 0" 0 "$rc"
assert_eq "get: the answer" "{\"ServerURL\": \"$REG\", \"Username\": \"oauth2\", \"Secret\": \"$token\"}" \
  "$(cat "$T/get.out")"
# The small executable alone (no termauth-full beside it) answers too.
mkdir "$T/alone"
cp "$(readlink -f "$TERMAUTH")" "$T/alone/termauth"
ln -s termauth "$T/alone/docker-credential-termauth"
get "https://$REG/v2/" "$T/alone/docker-credential-termauth"
assert_eq "get from the cache, by the small executable alone" \
  "{\"ServerURL\": \"https://$REG/v2/\", \"Username\": \"oauth2\", \"Secret\": \"$token\"}" "$(cat "$T/get.out")"
get unknown.example.com "$T/alone/docker-credential-termauth"
assert_eq "get, a registry no profile lists: the protocol's not found, exit 1" \
  "1 credentials not found in native keychain" "$rc $(cat "$T/get.out")"
get "http://$REG"
assert_eq "get, plain http to another machine: not found" \
  "1 credentials not found in native keychain" "$rc $(cat "$T/get.out")"
get "$REG" "$TERMAUTH"
assert_eq "termauth get, not as the helper: a usage error" 2 "$rc"
rc=0; printf '%s' "$REG" | "$TERMAUTH" docker-credential get >"$T/get.out" 2>/dev/null || rc=$?
assert_eq "termauth docker-credential get: the same answer" "0 $token" \
  "$rc $(at "$T/get.out" Secret)"
# Marked insecure after setup-docker: get refuses it, said on stdout (the
# small executable, cache fresh or not, leaves it to the full tool).
printf '[registries.insecure]\nregistries = ["%s"]\n' "$REG" >"$T/v1.conf"
rc=0; printf '%s' "$REG" | CONTAINERS_REGISTRIES_CONF=$T/v1.conf "$HELPER" get >"$T/get.out" 2>&1 || rc=$?
assert_eq "get, a registry marked insecure: exit 1, said on stdout" \
  "1 termauth: error: $T/v1.conf marks $REG insecure, so the clients may send it the token in plain http: termauth gives none for profile 'default' (make it https there, or drop it from the profile's registry_hosts)" \
  "$rc $(cat "$T/get.out")"
rc=0; printf '%s' "$REG" | CONTAINERS_REGISTRIES_CONF=$T/v1.conf "$T/alone/docker-credential-termauth" get \
  >"$T/get.out" 2>/dev/null || rc=$?
assert_eq "... the small executable alone serves no token either" "1 " "$rc $(cat "$T/get.out")"
get 'ftp://x'
assert_eq "a request that is no server URL: exit 1" 1 "$rc"
assert_contains "a request that is no server URL: said on stdout" "$T/get.out" \
  "termauth: error: docker-credential: the client's request is not a registry's server URL"
rc=0; printf '{"ServerURL":"%s","Username":"u","Secret":"s3cret"}' "$REG" |
  "$HELPER" store >"$T/store.out" 2>&1 || rc=$?
assert_eq "store: does nothing, exit 0" "0 " "$rc $(cat "$T/store.out")"
assert_eq "store: the secret kept nowhere" "" "$(grep -rl s3cret "$HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR" 2>/dev/null)"
rc=0; "$HELPER" list >"$T/list.out" 2>&1 || rc=$?
assert_eq "list: exit 0" 0 "$rc"
assert_eq "list: every profile's registries with their user" "oauth2 oauth2 oauth2" \
  "$(at "$T/list.out" "$REG") $(at "$T/list.out" reg2.example.com:8443) $(at "$T/list.out" r7.example.com)"
# A host written by hand in capitals: matched and listed in any case, as
# DNS compares names (that profile has no session: exit 3 names it).
printf '\n[profile up]\nregistry_hosts = Upper.Example.COM not/a/host\n' >>"$XDG_CONFIG_HOME/termauth/config"
get upper.example.com
assert_eq "a listed host in capitals: its profile answers" \
  "3 termauth: error: not signed in (profile 'up'): run 'termauth -p up login'" "$rc $(cat "$T/get.out")"
"$HELPER" list >"$T/list2.out" 2>&1 || true
assert_eq "list: in lower case, and only what get answers" "oauth2 " \
  "$(at "$T/list2.out" upper.example.com) $(at "$T/list2.out" not/a/host)"
head -c 5000 /dev/zero | tr '\0' a >"$T/big.req"
rc=0; "$HELPER" get <"$T/big.req" >"$T/big.out" 2>&1 || rc=$?
assert_eq "a request over 4 KiB: exit 1, said on stdout" \
  "1 termauth: error: docker-credential: the client's request is larger than 4096 bytes, or cannot be read" \
  "$rc $(cat "$T/big.out")"
rc=0; "$HELPER" frobnicate </dev/null >"$T/op.out" 2>&1 || rc=$?
assert_eq "another operation: exit 2" 2 "$rc"

# erase: the token is dropped; the next get refreshes, once.
before=$(refreshes)
rc=0; printf '%s' "$REG" | "$HELPER" erase >"$T/erase.out" 2>&1 || rc=$?
assert_eq "erase: exit 0, nothing said" "0 " "$rc $(cat "$T/erase.out")"
get "$REG"
new=$(at "$T/get.out" Secret)
assert_eq "get after erase: one refresh" $((before + 1)) "$(refreshes)"
check "get after erase: a new token" test -n "$new" -a "$new" != "$token"
assert_eq "get after erase: the stored token" "$(store_field access_token)" "$new"

# Signed out: exit 3, the message on stdout, where podman shows it.
"$TERMAUTH" logout >/dev/null 2>&1
get "$REG"
assert_eq "signed out: exit 3" 3 "$rc"
assert_eq "signed out: the message on stdout" \
  "termauth: error: not signed in (profile 'default'): run 'termauth login'" "$(cat "$T/get.out")"
# Signed out, and someone at a terminal (script(1) gives the helper one):
# get signs in, talking on the terminal - not on stdout, which is the
# client's, nor on stderr - and answers with the new session's token.
printf '%s' "$REG" >"$T/req"
rc=0
BROWSER="$IDP_DIR/browser" script -qec "'$HELPER' get <'$T/req' >'$T/tty.out' 2>'$T/tty.err'" \
  "$T/tty.log" </dev/null >/dev/null 2>&1 || rc=$?
assert_eq "signed out, a terminal: exit 0" 0 "$rc"
assert_eq "... answered with the new session's token" "$(store_field access_token)" "$(at "$T/tty.out" Secret)"
assert_contains "... the sign-in talked on the terminal" "$T/tty.log" "Opening your browser to sign in"
assert_not_contains "... not on stdout" "$T/tty.out" "Opening your browser"
assert_eq "... nor on stderr" "" "$(cat "$T/tty.err")"
finish
