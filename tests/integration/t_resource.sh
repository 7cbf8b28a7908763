#!/bin/sh
# Resource indicators (RFC 8707): a sign-in asking for two APIs gets a
# session whose own token is for the first; `token --resource` gives a
# token for each, with its own aud at the IdP, cached apart (one grant per
# resource until it expires, however many processes ask at once), asked
# for again when it runs out, with the rotated refresh token saved; the
# headers for agents (--header, --json-headers); a resource the IdP
# refuses, one not asked for at sign-in, and a malformed one: message and
# exit code.
. "$(dirname "$0")/lib.sh"
start_idp
A=https://api-a.example.test/mcp
B=http://127.0.0.1:9/b
run_login --resource "$A" --resource "$B" --scope "api:read api:write"
assert_eq "signed in for two resources" 0 "$rc"
assert_eq "the profile remembers both" "resource = $A $B" \
  "$(grep '^resource' "$XDG_CONFIG_HOME/termauth/config")"
assert_eq "the session is for the first" "$A" "$(store_field resource)"
OWN=$(store_field access_token)
assert_eq "its own token: aud the first resource" "$A" "$(introspect_rs "$OWN" aud)"
# grants RESOURCE: the refresh grants the IdP answered for RESOURCE, with
# no scope asked.
grants() { grep -c "\"grant_type\":\"refresh_token\",\"status\":200,\"resource\":\"$1\"}" "$T/idp-record.jsonl" || true; }

rc=0; TA=$("$TERMAUTH" token --resource "$A" 2>"$T/a.err") || rc=$?
assert_eq "token --resource first: exit 0" 0 "$rc"
assert_eq "... the session's own token, no grant" "$OWN" "$TA"
assert_eq "... no refresh for it" 0 "$(grants "$A")"

RT0=$(store_field refresh_token)
rc=0; TB=$("$TERMAUTH" token --resource "$B" 2>"$T/b.err") || rc=$?
assert_eq "token --resource second: exit 0" 0 "$rc"
assert_eq "... one grant for it" 1 "$(grants "$B")"
assert_eq "... active at the IdP" true "$(introspect_rs "$TB" active)"
assert_eq "... aud the second resource" "$B" "$(introspect_rs "$TB" aud)"
check "... the rotated refresh token is saved" test "$(store_field refresh_token)" != "$RT0"
assert_eq "... the session's own token stays" "$OWN" "$(store_field access_token)"
DERIVED=$XDG_RUNTIME_DIR/termauth/derived/default
f=$(ls "$DERIVED"/resource-*.json)
assert_eq "cached in one 0600 file" 600 "$(stat -c %a "$f")"
assert_not_contains "... with no refresh token" "$f" "refresh_token"

stampede 8 many "$TERMAUTH" token --resource "$B"
assert_eq "8 at once: all print the cached token" 8 "$(printed_by 8 many "$TB")"
assert_eq "... still one grant for it" 1 "$(grants "$B")"

# With a scope: a token of its own, narrower.
rc=0; TS=$("$TERMAUTH" token --resource "$B" --scope api:read 2>"$T/s.err") || rc=$?
assert_eq "--scope: exit 0" 0 "$rc"
check "... another token" test -n "$TS" -a "$TS" != "$TB"
assert_eq "... with that scope" api:read "$(introspect_rs "$TS" scope)"
assert_eq "... for the resource" "$B" "$(introspect_rs "$TS" aud)"
assert_eq "... its own cache file" 2 "$(ls "$DERIVED"/resource-*.json | wc -l)"

# Expired: asked for again, with no prompt, the session refreshed meanwhile
# by whoever needs it.
for g in "$DERIVED"/resource-*.json; do
  node -e '
    const fs = require("fs"), f = process.argv[1], j = JSON.parse(fs.readFileSync(f));
    j.expires_at = Math.floor(Date.now() / 1000) + 30;
    fs.writeFileSync(f + ".t", JSON.stringify(j), { mode: 0o600 }); fs.renameSync(f + ".t", f);' "$g"
done
rc=0; TB2=$("$TERMAUTH" token --resource "$B" </dev/null 2>"$T/b2.err") || rc=$?
assert_eq "expired: exit 0" 0 "$rc"
assert_eq "... nothing said" "" "$(cat "$T/b2.err")"
check "... a new token" test -n "$TB2" -a "$TB2" != "$TB"
assert_eq "... a second grant for it" 2 "$(grants "$B")"
assert_eq "... active, for it" "true $B" "$(introspect_rs "$TB2" active) $(introspect_rs "$TB2" aud)"
assert_eq "... the other resource's own token still works" true "$(introspect_rs "$TA" active)"

# Headers for agents.
assert_eq "--header" "Authorization: Bearer $TB2" "$("$TERMAUTH" token --resource "$B" --header)"
"$TERMAUTH" token --resource "$B" --json-headers >"$T/h.json"
assert_eq "--json-headers" "Bearer $TB2" "$(json "$T/h.json" 'j.Authorization')"
assert_eq "--json-headers: only that header" 1 "$(json "$T/h.json" 'Object.keys(j).length')"
assert_eq "--header of the session's own token (the fast path)" "Authorization: Bearer $OWN" \
  "$("$TERMAUTH" token --header)"
rc=0; "$TERMAUTH" token --json --header >/dev/null 2>"$T/both.err" || rc=$?
assert_eq "--json with --header: usage error" 2 "$rc"
assert_contains "... says they exclude each other" "$T/both.err" "exclude each other"

# A resource the sign-in did not ask for: not asked of the IdP (which
# would spend the refresh token), said with the command to add it.
C=https://api-c.example.test/
rc=0; "$TERMAUTH" token --resource "$C" >"$T/c.out" 2>"$T/c.err" || rc=$?
assert_eq "not asked for at sign-in: exit 2" 2 "$rc"
assert_one_line "... one line" "$T/c.err"
assert_contains "... names the resources and the fix" "$T/c.err" \
  "profile 'default' signed in for $A $B, not for resource '$C': to get tokens for it too, sign in asking for them all: 'termauth -p default login --resource $A --resource $B --resource $C'"
assert_eq "... prints no token" "" "$(cat "$T/c.out")"
assert_eq "... asked nothing of the IdP" 0 "$(grep -c "\"resource\":\"$C\"" "$T/idp-record.jsonl" || true)"
age_session 10
check "... the session still refreshes" "$TERMAUTH" token

# What cannot stand for a resource's token, and what a pasted command
# must not run.
rc=0; TERMAUTH_TOKEN=some-token "$TERMAUTH" token --resource "$B" >"$T/env.out" 2>"$T/env.err" || rc=$?
assert_eq "TERMAUTH_TOKEN with --resource: usage error" 2 "$rc"
assert_eq "... prints no token" "" "$(cat "$T/env.out")"
assert_contains "... says why" "$T/env.err" "TERMAUTH_TOKEN is one token, not a token for the resource asked for: unset it to use profile 'default' for --resource"
rc=0; "$TERMAUTH" token --resource "$B" --scope "$(printf 'api:read\033]0;x\007')" >/dev/null 2>"$T/esc.err" || rc=$?
assert_eq "a scope with a terminal escape: usage error" 2 "$rc"
check "... not echoed" test -z "$(tr -d '[:print:]\n' <"$T/esc.err")"
D='https://api-d.example.test/$(id);x'
rc=0; "$TERMAUTH" token --resource "$D" >/dev/null 2>"$T/d.err" || rc=$?
assert_eq "a resource with shell words, not asked at sign-in: exit 2" 2 "$rc"
assert_contains "... the command to paste names no shell words" "$T/d.err" "'termauth -p default login --resource $A --resource $B --resource URL'"

# A resource the IdP refuses outright: the sign-in says so.
PROFILE=refused
rc=0; run_login -p refused --resource https://api.example.test/refused
assert_eq "a resource the IdP refuses at sign-in: fails" 1 "$rc"
assert_contains "... with the IdP's words" "$T/login.err" "invalid_target"
check "... no session kept" test ! -e "$STORE_DIR/refused.json"
PROFILE=

rc=0; "$TERMAUTH" token --resource "not a uri" >/dev/null 2>"$T/bad.err" || rc=$?
assert_eq "a malformed resource: usage error" 2 "$rc"
assert_contains "... says what a resource is" "$T/bad.err" "a resource is an absolute URI without a fragment (RFC 8707)"
rc=0; "$TERMAUTH" token --resource "https://a.example/#frag" >/dev/null 2>"$T/bad.err" || rc=$?
assert_eq "a resource with a fragment: usage error" 2 "$rc"
rc=0; "$TERMAUTH" token --resource "$B" --scope email >/dev/null 2>"$T/sc.err" || rc=$?
assert_eq "a scope not granted: exit 1" 1 "$rc"
assert_contains "... says so, and what to do" "$T/sc.err" "the IdP will not give profile 'default' scope 'email' for resource '$B' (invalid_scope): a token can have only scopes the sign-in was granted - sign in asking for them with 'termauth -p default login --scope ...'"
rc=0; "$TERMAUTH" token --scope api:read >/dev/null 2>"$T/sc.err" || rc=$?
assert_eq "--scope without --resource: usage error" 2 "$rc"

# logout: the resources' tokens go with the session.
"$TERMAUTH" logout >/dev/null 2>&1
check "logout removes the resources' tokens" test -z "$(ls "$DERIVED"/resource-*.json 2>/dev/null)"
assert_eq "... and the IdP forgets them" false "$(introspect_rs "$TB2" active)"
finish
