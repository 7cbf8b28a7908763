#!/bin/sh
# Sign in starting from the API (RFC 9728): with nothing configured,
# `login --resource MCP_URL` asks the MCP server (the official SDK's, in
# front of the test IdP) where to sign in, discovers that IdP, registers a
# client there (RFC 7591), signs in for the resource with the scopes the
# metadata lists, and remembers all of it in the profile; the SDK's own
# MCP client, given `token --json-headers`, is then answered. A server
# whose metadata names another resource is refused (RFC 9728 3.3), with
# nothing stored or saved; so is one that cannot be reached.
. "$(dirname "$0")/lib.sh"
start_idp
start_mcp mcp
CONFIG=$XDG_CONFIG_HOME/termauth/config

rc=0
BROWSER="$IDP_DIR/browser" "$TERMAUTH" -p mcp login --resource "$MCP_URL" --timeout 100 \
  </dev/null >"$T/login.out" 2>"$T/login.err" || rc=$?
assert_eq "login --resource alone: signed in" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/login.err"
assert_contains "... says where" "$T/login.err" "signed in to $ISSUER as"
assert_contains "... and, first, which IdP the resource chose" "$T/login.err" "resource $MCP_URL signs in at $ISSUER (its protected-resource metadata)"
assert_eq "... one client registered" 1 \
  "$(grep -c '"registration":true,"method":"POST","path":"/reg","status":201' "$T/idp-record.jsonl" || true)"
assert_eq "the profile remembers the IdP" "issuer = $ISSUER" "$(grep '^issuer =' "$CONFIG")"
assert_eq "... the resource" "resource = $MCP_URL" "$(grep '^resource' "$CONFIG")"
assert_eq "... the scopes the metadata listed" "scopes = openid offline_access api:read api:write" \
  "$(grep '^scopes' "$CONFIG")"
check "... the registered client" grep -q '^client_id = ' "$CONFIG"
assert_eq "... and that the resource, not the person, chose the IdP" "issuer_from = resource" \
  "$(grep '^issuer_from' "$CONFIG")"
PROFILE=mcp
OWN=$(store_field access_token)
assert_eq "the session's token: for the MCP server" "$MCP_URL" "$(introspect_rs "$OWN" aud)"
assert_eq "... with its scopes" "api:read api:write" "$(introspect_rs "$OWN" scope)"
check "... and a refresh token" test -n "$(store_field refresh_token)"

"$TERMAUTH" -p mcp token --json-headers >"$T/h.json"
mcp_call "$MCP_URL" <"$T/h.json"
assert_eq "the SDK's MCP client with --json-headers: answered" 0 "$rc"
assert_eq "... as the signed-in account" "$(introspect_rs "$OWN" sub)" "$(cat "$T/mcp.out")"

# Again later: the profile is enough, and a refreshed token still works.
age_session 10
"$TERMAUTH" -p mcp token --json-headers >"$T/h2.json"
check "refreshed: another token" test "$(json "$T/h2.json" j.Authorization)" != "$(json "$T/h.json" j.Authorization)"
mcp_call "$MCP_URL" <"$T/h2.json"
assert_eq "... answered too" 0 "$rc"

# A later sign-in is held to the rules of an IdP a resource named, and the
# test IdP keeps them (it names itself in its redirects, RFC 9207).
rc=0
BROWSER="$IDP_DIR/browser" "$TERMAUTH" -p mcp login --timeout 100 \
  </dev/null >"$T/again.out" 2>"$T/again.err" || rc=$?
assert_eq "login again, the profile marked as the resource's: signed in" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/again.err"
assert_eq "... still marked" "issuer_from = resource" "$(grep '^issuer_from' "$CONFIG")"

# The person names the IdP the resource chose: it is theirs from now on.
rc=0
BROWSER="$IDP_DIR/browser" "$TERMAUTH" -p mcp login --issuer "$ISSUER" --timeout 100 \
  </dev/null >"$T/vouch.out" 2>"$T/vouch.err" || rc=$?
assert_eq "login --issuer, the same IdP: signed in" 0 "$rc"
assert_eq "... the profile no longer marks it as the resource's" "" "$(grep '^issuer_from' "$CONFIG" || true)"
assert_eq "... and keeps the rest" "issuer = $ISSUER|resource = $MCP_URL" \
  "$(grep '^issuer =' "$CONFIG")|$(grep '^resource' "$CONFIG")"
PROFILE=

# A server whose metadata is for another resource.
start_mcp wrong MCP_METADATA_RESOURCE=override
browsers=$(cat "$TA_BROWSER_LOG" 2>/dev/null | wc -l)
rc=0
BROWSER="$IDP_DIR/browser" "$TERMAUTH" -p wrong login --resource "$MCP_URL" --timeout 100 \
  </dev/null >"$T/wrong.out" 2>"$T/wrong.err" || rc=$?
assert_eq "metadata for another resource: refused" 1 "$rc"
assert_one_line "... one line" "$T/wrong.err"
assert_contains "... naming RFC 9728 3.3" "$T/wrong.err" "not for '$MCP_URL' (RFC 9728 3.3)"
assert_contains "... and what it was doing" "$T/wrong.err" "finding the IdP of resource '$MCP_URL'"
check "... no session kept" test ! -e "$STORE_DIR/wrong.json"
assert_eq "... no browser started" "$browsers" "$(cat "$TA_BROWSER_LOG" 2>/dev/null | wc -l)"
check "... no issuer saved" test -z "$(sed -n '/\[profile wrong\]/,/^\[/p' "$CONFIG" | grep '^issuer')"

rc=0; "$TERMAUTH" -p down login --resource http://127.0.0.1:9/mcp </dev/null >/dev/null 2>"$T/down.err" || rc=$?
assert_eq "a resource that cannot be reached: exit 5" 5 "$rc"
assert_contains "... says so" "$T/down.err" "finding the IdP of resource 'http://127.0.0.1:9/mcp'"
finish
