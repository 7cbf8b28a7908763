#!/bin/sh
# The MCP test rig, with real parts and without `login --resource`'s
# discovery: the official SDK's MCP server (tests/idp/mcp-server.mjs) in
# front of the test IdP publishes its protected-resource metadata (RFC
# 9728) at the path-inserted well-known URL, answers a request without a
# token 401 with resource_metadata in WWW-Authenticate, refuses a token
# whose aud is not its resource (a plain sign-in's, or another resource's),
# and answers the SDK's client calling its tool with a token for it. The
# server's variants: a metadata document for another resource, at the root
# well-known URL, and 401s without resource_metadata. Against each, the
# library's discovery (ta_resource_discover, through resource_probe.c):
# the issuer and scope it picks, the document it refuses, and its messages.
. "$(dirname "$0")/lib.sh"
: "${RESOURCE_PROBE:?RESOURCE_PROBE must name the resource_probe helper}"
# probe RESOURCE [ISSUER]: the library's discovery; rc, stdout in
# $T/probe.out, stderr in $T/probe.err; field NAME reads a line of it.
probe() { rc=0; "$RESOURCE_PROBE" "$@" >"$T/probe.out" 2>"$T/probe.err" || rc=$?; }
field() { sed -n "s/^$1 //p" "$T/probe.out"; }
start_idp
start_mcp mcp
ORIGIN=${MCP_URL%/mcp}
WK=$ORIGIN/.well-known/oauth-protected-resource/mcp
assert_eq "the MCP URL" "http://127.0.0.1:${ORIGIN##*:}/mcp" "$MCP_URL"

# The metadata, as curl reads it.
code=$(curl -s -o "$T/prm.json" -w '%{http_code}' "$WK")
assert_eq "metadata at the path-inserted well-known URL: HTTP 200" 200 "$code"
assert_eq "... resource: the MCP URL" "$MCP_URL" "$(json "$T/prm.json" j.resource)"
assert_eq "... authorization_servers: the IdP" "[\"$ISSUER\"]" \
  "$(json "$T/prm.json" 'JSON.stringify(j.authorization_servers)')"
assert_eq "... scopes_supported" '["api:read","api:write"]' \
  "$(json "$T/prm.json" 'JSON.stringify(j.scopes_supported)')"
code=$(curl -s -o /dev/null -w '%{http_code}' "$ORIGIN/.well-known/oauth-protected-resource")
assert_eq "none at the root well-known URL: HTTP 404" 404 "$code"

# No token: 401 and the challenge naming the metadata.
code=$(curl -s -D "$T/h401" -o "$T/b401" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -H 'Accept: application/json, text/event-stream' -d '{}' "$MCP_URL")
assert_eq "no token: HTTP 401" 401 "$code"
tr -d '\r' <"$T/h401" | grep -i '^www-authenticate:' >"$T/www" || true
assert_contains "... WWW-Authenticate names the metadata" "$T/www" "resource_metadata=\"$WK\""
assert_contains "... a Bearer challenge" "$T/www" "Bearer "
assert_contains "... error invalid_token" "$T/www" 'error="invalid_token"'
code=$(curl -s -o /dev/null -w '%{http_code}' "$MCP_URL")
assert_eq "a GET without a token (what termauth sends first): HTTP 401 too" 401 "$code"
mcp_call "$MCP_URL" </dev/null
assert_eq "the SDK's client without a token: refused" 1 "$rc"
assert_contains "... with HTTP 401" "$T/mcp.err" "mcp-client: HTTP 401"

# The library's discovery: the 401's resource_metadata, the document,
# the IdP it names, the scopes it lists.
probe "$MCP_URL"
assert_eq "discovery: exit 0" 0 "$rc"
assert_eq "... the document the 401 named" "$WK" "$(field metadata)"
assert_eq "... for the MCP URL" "$MCP_URL" "$(field resource)"
assert_eq "... the IdP" "$ISSUER" "$(field issuer)"
assert_eq "... scopes_supported (no scope in the challenge)" "api:read api:write" "$(field scope)"
probe "$MCP_URL" "$ISSUER/"
assert_eq "discovery preferring the IdP (trailing slash aside): it" "0 $ISSUER" "$rc $(field issuer)"
probe "$MCP_URL" https://idp.example.test
assert_eq "discovery preferring another IdP: refused" 1 "$rc"
assert_eq "... says so" "error 7: the resource $MCP_URL does not accept tokens from https://idp.example.test: its metadata names $ISSUER" \
  "$(cat "$T/probe.err")"
probe "$MCP_URL/"
assert_eq "discovery for the MCP URL with a slash: another resource, refused" 1 "$rc"
assert_contains "... RFC 9728 3.3" "$T/probe.err" "is for '$MCP_URL', not for '$MCP_URL/' (RFC 9728 3.3)"
probe "$ORIGIN/nothing"
assert_eq "discovery where nothing is published: TA_E_HTTP" 1 "$rc"
assert_eq "... both URLs named" "error 6: $ORIGIN/nothing publishes no protected-resource metadata (RFC 9728): $ORIGIN/.well-known/oauth-protected-resource/nothing and $ORIGIN/.well-known/oauth-protected-resource answered HTTP 404" \
  "$(cat "$T/probe.err")"
probe http://127.0.0.1:9/mcp
assert_eq "discovery of a resource that is down: TA_E_UNREACHABLE" "1 error 5" "$rc $(cut -d: -f1 "$T/probe.err")"
probe http://mcp.example.test/mcp
assert_eq "discovery of a plain http resource off loopback: TA_E_INSECURE" "1 error 4" \
  "$rc $(cut -d: -f1 "$T/probe.err")"
probe "$MCP_URL#x"
assert_eq "discovery of a resource with a fragment: TA_E_ARG" "1 error 2" "$rc $(cut -d: -f1 "$T/probe.err")"

# Signed in for the MCP server and another resource: the session's own
# token has aud = the MCP URL, the other's aud = the other.
OTHER=http://127.0.0.1:9/other
run_login --resource "$MCP_URL" --resource "$OTHER" --scope "openid profile offline_access api:read"
assert_eq "signed in for the MCP server" 0 "$rc"
OWN=$(store_field access_token)
assert_eq "... its token's aud is the MCP URL" "$MCP_URL" "$(introspect_rs "$OWN" aud)"
SUB=$(introspect_rs "$OWN" sub)
"$TERMAUTH" token --json-headers >"$T/own.json"
mcp_call "$MCP_URL" <"$T/own.json"
assert_eq "the SDK's client with it: whoami answers" 0 "$rc"
assert_eq "... the signed-in account" "$SUB" "$(cat "$T/mcp.out")"
mcp_call "$MCP_URL" nosuchtool <"$T/own.json"
assert_eq "an unknown tool: the client fails" 1 "$rc"

"$TERMAUTH" token --resource "$OTHER" --json-headers >"$T/other.json"
assert_eq "... the other resource's token: aud the other" "$OTHER" \
  "$(introspect_rs "$(json "$T/other.json" 'j.Authorization.slice(7)')" aud)"
mcp_call "$MCP_URL" <"$T/other.json"
assert_eq "another resource's token: refused" 1 "$rc"
assert_contains "... with HTTP 401" "$T/mcp.err" "mcp-client: HTTP 401"
assert_contains "... not for this resource" "$T/mcp.err" "Token was not issued for this resource"
assert_eq "... nothing printed" "" "$(cat "$T/mcp.out")"

# A plain sign-in's token (no resource: aud is the client's id).
rc=0
BROWSER="$IDP_DIR/browser" "$TERMAUTH" -p plain login --issuer "$ISSUER" --client-id "$CLIENT_ID" \
  --scope "openid profile offline_access" --timeout 100 </dev/null >"$T/login.out" 2>"$T/login.err" || rc=$?
assert_eq "signed in without a resource" 0 "$rc"
PLAIN=$("$TERMAUTH" -p plain token)
assert_eq "... aud is the client" "$CLIENT_ID" "$(introspect_rs "$PLAIN" aud)"
"$TERMAUTH" -p plain token --json-headers >"$T/plain.json"
mcp_call "$MCP_URL" <"$T/plain.json"
assert_eq "a token without a resource: refused" 1 "$rc"
assert_contains "... not for this resource" "$T/mcp.err" "Token was not issued for this resource"
printf '{"Authorization":"Bearer not-a-token"}' >"$T/bogus.json"
mcp_call "$MCP_URL" <"$T/bogus.json"
assert_eq "a token the IdP never issued: refused" 1 "$rc"
assert_contains "... with HTTP 401" "$T/mcp.err" "mcp-client: HTTP 401"

# The variants, for the discovery's tests.
start_mcp wrong MCP_METADATA_RESOURCE=override
W_ORIGIN=${MCP_URL%/mcp}
curl -s -o "$T/wrong.json" "$W_ORIGIN/.well-known/oauth-protected-resource/mcp"
assert_eq "MCP_METADATA_RESOURCE=override: metadata for another resource" \
  "$W_ORIGIN/other-mcp" "$(json "$T/wrong.json" j.resource)"
assert_eq "... the same authorization server" "$ISSUER" "$(json "$T/wrong.json" 'j.authorization_servers[0]')"
probe "$MCP_URL"
assert_eq "discovery there: refused" 1 "$rc"
assert_eq "... the document is for another resource" "error 7: the protected-resource metadata at $W_ORIGIN/.well-known/oauth-protected-resource/mcp is for '$W_ORIGIN/other-mcp', not for '$MCP_URL' (RFC 9728 3.3): check the resource URL, or ask the resource's operators" \
  "$(cat "$T/probe.err")"

start_mcp root MCP_METADATA_AT=root MCP_CHALLENGE=bare MCP_SCOPES=none
R_ORIGIN=${MCP_URL%/mcp}
code=$(curl -s -o /dev/null -w '%{http_code}' "$R_ORIGIN/.well-known/oauth-protected-resource/mcp")
assert_eq "MCP_METADATA_AT=root: none at the path-inserted URL" 404 "$code"
curl -s -o "$T/root.json" "$R_ORIGIN/.well-known/oauth-protected-resource"
assert_eq "... at the root one, for the MCP URL" "$MCP_URL" "$(json "$T/root.json" j.resource)"
assert_eq "MCP_SCOPES=none: no scopes_supported" undefined "$(json "$T/root.json" j.scopes_supported)"
curl -s -D "$T/hbare" -o /dev/null "$MCP_URL"
tr -d '\r' <"$T/hbare" | grep -i '^www-authenticate:' >"$T/wwwbare" || true
assert_contains "MCP_CHALLENGE=bare: a Bearer challenge" "$T/wwwbare" 'Bearer error="invalid_token"'
assert_not_contains "... without resource_metadata" "$T/wwwbare" "resource_metadata"
mcp_call "$MCP_URL" <"$T/own.json"
assert_eq "... and another server's token refused there" 1 "$rc"
probe "$MCP_URL"
assert_eq "discovery with no resource_metadata and the root URL: exit 0" 0 "$rc"
assert_eq "... the root document, after the path one's 404" \
  "$R_ORIGIN/.well-known/oauth-protected-resource" "$(field metadata)"
assert_eq "... the IdP" "$ISSUER" "$(field issuer)"
assert_eq "... no scope" "-" "$(field scope)"
finish
