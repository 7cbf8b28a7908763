#!/bin/sh
# A JWKS from an URL is cached (an hour), and fetched again when a token
# names a kid the cached set lacks - an IdP rotated its keys - but at most
# once a minute, so that tokens with made-up kids cannot make termauth
# hammer the IdP. The keys are served by tests/integration/jwks_server.mjs.
. "$(dirname "$0")/lib.sh"
mkdir "$T/keys"
node "$(dirname "$0")/jwks_server.mjs" "$T/keys" >"$T/jwks.url" 2>"$T/jwks.err" &
SHIM_PID=$! # stopped at the end like the other helpers
wait_url "JWKS server" "$T/jwks" "$SHIM_PID" || exit 1
URL=$HELPER_URL/jwks
fetches() { grep -c . "$T/keys/fetches" || true; }
verify() { # TOKEN-NAME: exit status in rc, stderr in $T/verify.err
  rc=0
  "$TERMAUTH" verify --jwks "$URL" --issuer https://idp.example.test --audience api \
    <"$T/keys/token-$1" >"$T/claims" 2>"$T/verify.err" || rc=$?
}

cp "$T/keys/jwks-a" "$T/keys/jwks"
verify a
assert_eq "key a: valid" 0 "$rc"
assert_eq "key a: its claims" user-a "$(json "$T/claims" j.sub)"
assert_eq "one fetch" 1 "$(fetches)"
verify a
assert_eq "again: valid, from the cache" 0 "$rc"
assert_eq "again: no second fetch" 1 "$(fetches)"

# The IdP rotates to key b. The cache is seconds old: no fetch yet.
cp "$T/keys/jwks-b" "$T/keys/jwks"
verify b
assert_eq "key b, cache just fetched: refused" 4 "$rc"
assert_contains "... no such key yet" "$T/verify.err" "no key with kid 'b'"
assert_eq "... and not fetched again within the minute" 1 "$(fetches)"
# A minute on (the cache file's age is what counts): fetched again.
touch -d '2 minutes ago' "$HOME"/.cache/termauth/jwks/*.json
verify b
assert_eq "key b, a minute on: valid" 0 "$rc"
assert_eq "... after one more fetch" 2 "$(fetches)"
assert_eq "... its claims" user-b "$(json "$T/claims" j.sub)"
# A made-up kid right after: refused, no fetch.
verify c
assert_eq "a key never served: refused" 4 "$rc"
assert_eq "... without a fetch" 2 "$(fetches)"
# An hour on, the cache is stale: fetched before use.
touch -d '2 hours ago' "$HOME"/.cache/termauth/jwks/*.json
verify b
assert_eq "an hour on: valid" 0 "$rc"
assert_eq "... after a fetch" 3 "$(fetches)"
finish
