#!/bin/sh
# DPoP (RFC 9449) against the test IdP, which wants a nonce of its own in
# every proof: a sign-in with --dpop yes binds the session to a key kept
# with it in the store (never in the cache); the IdP's introspection says
# the refresh token and the access token are bound to that key's
# thumbprint; each token request answers the nonce challenge once; the
# stampede still costs one refresh; the session copied without its key
# cannot be refreshed; dpop-proof and token --header --url give proofs
# that node's jose verifies (htm, htu, iat, ath); the failures say what to
# do.
. "$(dirname "$0")/lib.sh"
start_idp IDP_DPOP_NONCE=1
A=https://api-a.example.test/
B=https://api-b.example.test/
run_login --dpop yes --resource "$A" --resource "$B"
assert_eq "signed in with --dpop yes" 0 "$rc"
assert_eq "the profile keeps dpop = yes" "dpop = yes" "$(grep '^dpop' "$XDG_CONFIG_HOME/termauth/config")"
assert_eq "DPoP tokens" DPoP "$(store_field token_type)"
store_field dpop_key >"$T/key.json"
assert_contains "the key is kept with the session, private part and all" "$T/key.json" '"d":'
JKT=$(cd "$IDP_DIR" && node --input-type=module -e '
  import { calculateJwkThumbprint } from "jose";
  import { readFileSync } from "node:fs";
  const { d, alg, ...pub } = JSON.parse(readFileSync(process.argv[1], "utf8"));
  console.log(await calculateJwkThumbprint(pub, "sha256"));' "$T/key.json" 2>"$T/jkt.err" || :)
check "the key's thumbprint" test -n "$JKT"

# The IdP's own word on what the tokens are bound to.
AT=$(store_field access_token)
RT=$(store_field refresh_token)
printf '%s' "$RT" >"$T/rt.token"
curl -s --data-urlencode "token@$T/rt.token" --data "client_id=$CLIENT_ID" \
  "$ISSUER/token/introspection" >"$T/rt.json"
rm -f "$T/rt.token"
assert_eq "the refresh token: active, bound to the key" "true $JKT" \
  "$(json "$T/rt.json" 'j.active + " " + (j.cnf && j.cnf.jkt)')"
assert_eq "the access token: DPoP, bound to the key" "DPoP $JKT" \
  "$(introspect_rs "$AT" 'token_type + " " + (j.cnf && j.cnf.jkt)')"
# records GRANT TEXT [TEXT2]: the IdP's token requests of GRANT whose line
# holds TEXT (and TEXT2).
records() {
  grep "\"grant_type\":\"$1\"" "$T/idp-record.jsonl" | grep "$2" | grep -c "${3:-}" || true
}
assert_eq "the code: one nonce challenge" 1 "$(records authorization_code '"error":"use_dpop_nonce"')"
assert_eq "... answered once, with a proof" 1 "$(records authorization_code '"status":200' '"dpop":true')"

rc=0; "$TERMAUTH" status >"$T/status.out" 2>&1 || rc=$?
assert_contains "status says the session is bound" "$T/status.out" "dpop:     bound to a key kept with the session (DPoP access tokens)"

# A refresh, and a stampede of them: one each, the challenge answered once.
age_session 10
rc=0; AT2=$("$TERMAUTH" token 2>"$T/r.err") || rc=$?
assert_eq "refresh: exit 0" 0 "$rc"
assert_eq "... nothing said" "" "$(cat "$T/r.err")"
check "... a new token" test -n "$AT2" -a "$AT2" != "$AT"
assert_eq "... one nonce challenge" 1 "$(records refresh_token '"error":"use_dpop_nonce"')"
assert_eq "... one refresh, with a proof" 1 "$(records refresh_token '"status":200' '"dpop":true')"
assert_eq "... still bound to the key" "DPoP $JKT" "$(introspect_rs "$AT2" 'token_type + " " + (j.cnf && j.cnf.jkt)')"
age_session 10
stampede 8 many "$TERMAUTH" token
AT3=$(cat "$T/many.0.out")
assert_eq "8 at once: all print one token" 8 "$(printed_by 8 many "$AT3")"
assert_eq "... one more refresh" 2 "$(records refresh_token '"status":200' '"dpop":true')"

# Proofs for scripts.
URL="https://api.example.test/items?page=2"
rc=0; "$TERMAUTH" dpop-proof --method POST --url "$URL" >"$T/proof" 2>"$T/proof.err" || rc=$?
assert_eq "dpop-proof: exit 0" 0 "$rc"
printf '%s\n%s\n' "$(cat "$T/proof")" "$AT3" >"$T/proof.in"
rc=0; node "$IDP_DIR/verify-dpop-proof.mjs" --htm=POST --url="$URL" --jkt="$JKT" --ath \
  <"$T/proof.in" >"$T/verified.json" 2>"$T/verify.err" || rc=$?
assert_eq "... jose verifies it: htm, htu, iat, jti, ath, the key" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/verify.err"
assert_eq "... htu without the query" https://api.example.test/items "$(json "$T/verified.json" j.claims.htu)"
"$TERMAUTH" dpop-proof --url "$URL" --nonce abc-123 >"$T/proof2"
printf '%s\n%s\n' "$(cat "$T/proof2")" "$AT3" >"$T/proof.in"
rc=0; node "$IDP_DIR/verify-dpop-proof.mjs" --htm=GET --url="$URL" --nonce=abc-123 --ath <"$T/proof.in" >/dev/null 2>&1 || rc=$?
assert_eq "... with a server's nonce, GET by default" 0 "$rc"

"$TERMAUTH" token --header --url "$URL" --method PUT >"$T/h.txt"
assert_eq "token --header: two lines" 2 "$(wc -l <"$T/h.txt")"
assert_eq "... Authorization: DPoP" "Authorization: DPoP $AT3" "$(sed -n 1p "$T/h.txt")"
printf '%s\n%s\n' "$(sed -n 's/^DPoP: //p' "$T/h.txt")" "$AT3" >"$T/proof.in"
rc=0; node "$IDP_DIR/verify-dpop-proof.mjs" --htm=PUT --url="$URL" --jkt="$JKT" --ath <"$T/proof.in" >/dev/null 2>"$T/verify.err" || rc=$?
assert_eq "... its DPoP header verifies" 0 "$rc"
"$TERMAUTH" token --json-headers --url "$URL" >"$T/h.json"
assert_eq "token --json-headers: both headers" "DPoP $AT3 true" \
  "$(json "$T/h.json" 'j.Authorization + " " + (j.DPoP.split(".").length === 3)')"
rc=0; "$TERMAUTH" token --header >/dev/null 2>"$T/nourl.err" || rc=$?
assert_eq "token --header without --url: usage error" 2 "$rc"
assert_contains "... says why" "$T/nourl.err" "profile 'default' has DPoP-bound tokens, whose headers hold a proof for one request: give its --url (and --method)"
rc=0; "$TERMAUTH" dpop-proof --url "ftp://x.example/" >/dev/null 2>"$T/ftp.err" || rc=$?
assert_eq "dpop-proof of an URL that is not http(s): usage error" 2 "$rc"
assert_one_line "... one line" "$T/ftp.err"

# Another resource's token: bound to the key too, and proven with it.
rc=0; TB=$("$TERMAUTH" token --resource "$B" 2>"$T/b.err") || rc=$?
assert_eq "token --resource: exit 0" 0 "$rc"
assert_eq "... its token: for it, DPoP, bound to the key" "$B DPoP $JKT" \
  "$(introspect_rs "$TB" 'aud + " " + j.token_type + " " + (j.cnf && j.cnf.jkt)')"
"$TERMAUTH" token --resource "$B" --header --url "$URL" >"$T/hb.txt"
assert_eq "... --header: its token" "Authorization: DPoP $TB" "$(sed -n 1p "$T/hb.txt")"
printf '%s\n%s\n' "$(sed -n 's/^DPoP: //p' "$T/hb.txt")" "$TB" >"$T/proof.in"
rc=0; node "$IDP_DIR/verify-dpop-proof.mjs" --htm=GET --url="$URL" --jkt="$JKT" --ath <"$T/proof.in" >/dev/null 2>&1 || rc=$?
assert_eq "... its proof verifies, with its token's hash" 0 "$rc"
"$TERMAUTH" dpop-proof --resource "$B" --url "$URL" >"$T/proofb"
printf '%s\n%s\n' "$(cat "$T/proofb")" "$TB" >"$T/proof.in"
rc=0; node "$IDP_DIR/verify-dpop-proof.mjs" --htm=GET --url="$URL" --ath <"$T/proof.in" >/dev/null 2>&1 || rc=$?
assert_eq "dpop-proof --resource: the hash of that token" 0 "$rc"
if grep -rlF '"d":' "$XDG_RUNTIME_DIR" >/dev/null 2>&1; then fail "the key is in a cache or derived token"; else pass "the key is in no cache or derived token"; fi

# The session copied to another machine's store without its key: the IdP
# refuses the refresh token.
mkdir -p "$T/other/termauth"
chmod 700 "$T/other" "$T/other/termauth"
session_json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
  const j = JSON.parse(s); delete j.dpop_key; j.expires_at = 1;
  process.stdout.write(JSON.stringify(j))})' >"$T/other/termauth/default.json"
chmod 600 "$T/other/termauth/default.json"
rc=0; XDG_STATE_HOME=$T/other XDG_RUNTIME_DIR=$T/other-run "$TERMAUTH" token >"$T/stolen.out" 2>"$T/stolen.err" || rc=$?
assert_eq "copied without the key: the refresh fails (sign in again)" 3 "$rc"
assert_eq "... no token" "" "$(cat "$T/stolen.out")"
grep '"grant_type":"refresh_token"' "$T/idp-record.jsonl" | tail -1 >"$T/last"
assert_contains "... the IdP refused it" "$T/last" '"status":400'
assert_contains "... as invalid_grant" "$T/last" '"error":"invalid_grant"'
assert_not_contains "... a refresh without a proof" "$T/last" '"dpop"'
assert_contains "... said as a session to sign in again" "$T/stolen.err" "sign in again with 'termauth login'"
rc=0; XDG_STATE_HOME=$T/other XDG_RUNTIME_DIR=$T/other-run "$TERMAUTH" dpop-proof --url "$URL" >/dev/null 2>"$T/nokey.err" || rc=$?
assert_eq "... and it makes no proof" 3 "$rc"
age_session 10
rc=0; "$TERMAUTH" token >/dev/null 2>&1 || rc=$?
assert_eq "the session with its key still refreshes" 0 "$rc"

# Forwarded (termauth agent), a DPoP token reaches the far side, but the
# key does not: its headers are refused there, by the small executable
# and the full tool alike, and no proof is made.
mkdir -m 700 "$T/agent"
SOCK=$T/agent/sock
"$TERMAUTH" agent --socket "$SOCK" --profile default 2>"$T/agent.err" &
STUB_PIDS="${STUB_PIDS:-} $!"
i=0; while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
mkdir -p "$T/far/home" "$T/far/run" && chmod 700 "$T/far/run"
for how in "$TERMAUTH token --header --url $URL" "$TERMAUTH token --json-headers --url $URL" \
           "$TERMAUTH-full token --header --url $URL" "$TERMAUTH-full dpop-proof --url $URL"; do
  rc=0
  # shellcheck disable=SC2086
  env -u XDG_STATE_HOME -u XDG_CONFIG_HOME HOME="$T/far/home" XDG_RUNTIME_DIR="$T/far/run" \
    TERMAUTH_AGENT_SOCK="$SOCK" $how >"$T/far.out" 2>"$T/far.err" || rc=$?
  assert_eq "forwarded, ${how#"$TERMAUTH"}: refused, exit 1" 1 "$rc"
  assert_eq "... nothing printed" "" "$(cat "$T/far.out")"
  assert_one_line "... one line" "$T/far.err"
  assert_contains "... saying the key stays where it is" "$T/far.err" \
    "profile 'default' forwards DPoP-bound tokens, and a proof can be made only where its key is: use the token on the signed-in machine, or sign in here with 'termauth -p default login'"
done
rc=0
env -u XDG_STATE_HOME -u XDG_CONFIG_HOME HOME="$T/far/home" XDG_RUNTIME_DIR="$T/far/run" \
  TERMAUTH_AGENT_SOCK="$SOCK" "$TERMAUTH" token >"$T/far.out" 2>"$T/far.err" || rc=$?
assert_eq "... while the token alone is handed out" 0 "$rc"
assert_eq "... the session's DPoP token" "$(store_field access_token)" "$(cat "$T/far.out")"

# A token from the environment is not the profile's: its proof would be
# signed with the wrong key, so none is made.
rc=0; TERMAUTH_TOKEN=not-this-profiles "$TERMAUTH" dpop-proof --url "$URL" >"$T/envtok.out" 2>"$T/envtok.err" || rc=$?
assert_eq "TERMAUTH_TOKEN: no proof, a usage error" 2 "$rc"
assert_eq "... nothing printed" "" "$(cat "$T/envtok.out")"
assert_one_line "... one line" "$T/envtok.err"
assert_contains "... saying why and what to do" "$T/envtok.err" \
  "a DPoP proof can be signed only for the token of profile 'default' itself, and this one comes from TERMAUTH_TOKEN: unset TERMAUTH_TOKEN to use the profile's session"
setup_ci_credential
for how in "dpop-proof --url $URL" "token --header --url $URL"; do
  rc=0
  # shellcheck disable=SC2086
  TERMAUTH_CREDENTIAL=$CRED "$TERMAUTH" $how >"$T/cred-proof.out" 2>"$T/cred-proof.err" || rc=$?
  assert_eq "TERMAUTH_CREDENTIAL, $how: no proof, a usage error" 2 "$rc"
  assert_eq "... nothing printed" "" "$(cat "$T/cred-proof.out")"
  assert_contains "... saying why" "$T/cred-proof.err" "this one comes from TERMAUTH_CREDENTIAL: unset TERMAUTH_CREDENTIAL"
done

rc=0; "$TERMAUTH" login --dpop maybe >/dev/null 2>"$T/maybe.err" || rc=$?
assert_eq "--dpop maybe: usage error" 2 "$rc"
assert_contains "... says the values" "$T/maybe.err" "dpop must be yes or no, not 'maybe'"
finish
