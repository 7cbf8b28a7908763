#!/bin/sh
# Container registries, end to end: a real registry (Debian's
# docker-registry) behind Apache with mod_auth_openidc, which admits only
# access tokens the test IdP calls active, as the Basic password. After
# `termauth setup-docker`, real podman pushes and pulls and skopeo inspects
# with no prompt; a registry no profile lists falls through to anonymous
# access; a token refused by the registry, once erased, is refreshed once
# by the next pull, which succeeds; a token revoked at the IdP is refused
# at once, and then fails podman with termauth's message; the token is in
# no argv and in no file but termauth's store and cache.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apache.sh"
. "$(dirname "$0")/registry.sh"
HELPER=$(dirname "$TERMAUTH")/docker-credential-termauth
PATH=$(dirname "$HELPER"):$PATH # where the clients look for helpers
start_idp
start_registry
podman_env
make_test_image hello 1
image_id() { podman image inspect --format '{{.Id}}' "$1"; }
podman_run() { # NAME ARGS...: podman ARGS, stdin closed; rc, $T/NAME.out, .err
  rc=0 name=$1
  shift
  podman "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err" || rc=$?
}
revoke() { # TOKEN HINT: revoked at the IdP (the token through a file)
  printf '%s' "$1" >"$T/revoke.token"
  curl -s -o /dev/null -w '%{http_code}' --data-urlencode "token@$T/revoke.token" \
    --data "client_id=$CLIENT_ID&token_type_hint=$2" "$ISSUER/token/revocation"
  rm -f "$T/revoke.token"
}

run_login
assert_eq "signed in" 0 "$rc"
rc=0; "$TERMAUTH" setup-docker --registry "$REGISTRY_HOST" 2>"$T/setup.err" || rc=$?
assert_eq "setup-docker: exit 0" 0 "$rc"
assert_not_contains "setup-docker: the helper is on PATH, the profile signed in: no warning" \
  "$T/setup.err" "warning"
token=$(store_field access_token)

# Every process's argv, every 50 ms, while podman and skopeo run.
( while :; do cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' '; echo; sleep 0.05; done ) >"$T/cmdlines" &
SAMPLER=$!
id=$(image_id "$TEST_IMAGE")
podman_run push push "$TEST_IMAGE"
assert_eq "podman push with no prompt: exit 0" 0 "$rc"
podman rmi "$TEST_IMAGE" >/dev/null
podman_run pull pull -q "$TEST_IMAGE"
assert_eq "podman pull: exit 0" 0 "$rc"
assert_eq "podman pull: the image pushed" "$id" "$(image_id "$TEST_IMAGE")"
rc=0; skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$TEST_IMAGE" \
  </dev/null >"$T/inspect.out" 2>"$T/inspect.err" || rc=$?
assert_eq "skopeo inspect: exit 0" 0 "$rc"
kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true
assert_not_contains "the token is in no process's argv" "$T/cmdlines" "$token"
assert_eq "no refresh was needed" 0 "$(refreshes)"
# The registry saw the person: Apache logs the token's subject.
assert_contains "the front admitted the signed-in user" "$APACHE_ACCESS_LOG" \
  "\"$(userinfo_sub "$token")\" \"GET /v2/test/hello/manifests/1 HTTP/1.1\" 200"

# A registry no profile lists, routed to termauth by hand: the helper says
# "not found", and podman goes on without credentials (the registry
# itself needs none).
node -e 'const fs = require("fs"), f = process.argv[1], j = JSON.parse(fs.readFileSync(f));
  j.credHelpers[process.argv[2]] = "termauth"; fs.writeFileSync(f, JSON.stringify(j))' \
  "$REGISTRY_AUTH_FILE" "$REGISTRY_UPSTREAM"
podman tag "$TEST_IMAGE" "$REGISTRY_UPSTREAM/test/hello:1"
podman_run anon push "$REGISTRY_UPSTREAM/test/hello:1"
assert_eq "a registry no profile lists: podman goes on without credentials" 0 "$rc"
printf '%s' "$REGISTRY_UPSTREAM" | "$HELPER" get >"$T/anon.get" 2>&1 || true
assert_eq "... as the helper said" "credentials not found in native keychain" "$(cat "$T/anon.get")"

# A token the registry refuses, still unexpired for all termauth knows
# (as when an IdP ends access tokens early): podman fails, and does not
# call erase; the test does, as docker logout would. The next pull
# refreshes once and succeeds.
node -e '
  const fs = require("fs"), f = process.argv[1], j = JSON.parse(fs.readFileSync(f));
  j.access_token = "refused-by-the-registry-" + Date.now();
  fs.writeFileSync(f + ".test", JSON.stringify(j), { mode: 0o600 }); fs.renameSync(f + ".test", f);' \
  "$STORE_DIR/default.json"
podman rmi "$TEST_IMAGE" >/dev/null
podman_run refused pull -q "$TEST_IMAGE"
assert_eq "a refused token: podman pull fails" 125 "$rc"
assert_contains "a refused token: the registry's refusal" "$T/refused.err" \
  "reading manifest 1 in $REGISTRY_HOST/test/hello: unauthorized: authentication required"
rc=0; printf '%s' "$REGISTRY_HOST" | "$HELPER" erase >"$T/erase.out" 2>&1 || rc=$?
assert_eq "erase: exit 0, nothing said" "0 " "$rc $(cat "$T/erase.out")"
assert_eq "erase: the token dropped from the store" "" "$(store_field access_token)"
podman_run again pull -q "$TEST_IMAGE"
assert_eq "after erase: podman pull succeeds" 0 "$rc"
assert_eq "after erase: one refresh" 1 "$(refreshes)"
new=$(store_field access_token)
check "after erase: a new token" test -n "$new" -a "$new" != "$token"
assert_eq "after erase: the new token is active" true "$(introspect "$new")"

# The token revoked at the IdP (which, here, ends its whole grant): the
# registry refuses it at once; after erase the helper cannot refresh, and
# podman fails with termauth's message, which says what to do.
assert_eq "the access token revoked at the IdP" 200 "$(revoke "$new" access_token)"
podman_run revoked pull -q "$TEST_IMAGE"
assert_eq "a revoked token: podman pull fails at once" 125 "$rc"
assert_contains "a revoked token: the registry's refusal" "$T/revoked.err" \
  "unauthorized: authentication required"
printf '%s' "$REGISTRY_HOST" | "$HELPER" erase >/dev/null 2>&1
podman_run gone pull -q "$TEST_IMAGE"
assert_eq "a revoked session: podman pull fails" 125 "$rc"
assert_contains "a revoked session: podman shows termauth's message, and what to do" "$T/gone.err" \
  "error getting credentials - err: exit status 3, out: \`termauth: error: the IdP no longer accepts this session (invalid_grant): sign in again with 'termauth login'\`"
assert_one_line "a revoked session: one line of termauth's" "$T/gone.err"

# The token in no file but the store's and the cache's: not in podman's
# or skopeo's files, auth.json, docker's config, nor the logs.
found=$(grep -rlF -e "${token:?}" -e "${new:?}" "$HOME" "$T" 2>/dev/null |
  grep -v -e "^$STORE_DIR/" -e "^$XDG_RUNTIME_DIR/termauth/" -e "^$T/idp-record.jsonl\$" \
    -e "^$T/cmdlines\$" || true)
assert_eq "the tokens are in no other file" "" "$found"
finish
