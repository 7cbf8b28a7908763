#!/bin/sh
# Verification with tokens the real IdP minted: ID tokens signed RS256,
# PS256, ES256 and EdDSA each pass the sign-in's signature check and
# `termauth verify`, which prints their claims; a tampered one is refused
# (exit 4, the reason); the JWKS is cached privately; --jwks takes a file.
. "$(dirname "$0")/lib.sh"
start_idp
alg_of() { # TOKEN: the alg of its header
  printf '%s' "${1%%.*}" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(Buffer.from(s,"base64url")).alg))'
}
for pair in termauth-test:RS256 termauth-ps256:PS256 termauth-es256:ES256 termauth-eddsa:EdDSA; do
  client=${pair%%:*} alg=${pair#*:}
  PROFILE=$alg
  run_login -p "$alg" --client-id "$client"
  assert_eq "$alg: the sign-in checked the signature and passed" 0 "$rc"
  ID=$(store_field id_token)
  assert_eq "$alg: the IdP signed the ID token with it" "$alg" "$(alg_of "$ID")"
  rc=0; printf '%s\n' "$ID" | "$TERMAUTH" -p "$alg" verify --audience "$client" >"$T/claims" 2>"$T/verify.err" || rc=$?
  assert_eq "$alg: verify: exit 0" 0 "$rc"
  assert_eq "$alg: verify prints the claims" alice "$(json "$T/claims" j.sub)"
  assert_eq "$alg: ... the issuer" "$ISSUER" "$(json "$T/claims" j.iss)"
  # One character of the payload changed: the signature no longer holds.
  tampered=$(printf '%s' "$ID" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    const [h, p, sig] = s.split("."); const c = JSON.parse(Buffer.from(p, "base64url"));
    c.sub = "mallory"; console.log([h, Buffer.from(JSON.stringify(c)).toString("base64url"), sig].join("."))})')
  rc=0; "$TERMAUTH" -p "$alg" verify "$tampered" >"$T/t.out" 2>"$T/t.err" || rc=$?
  assert_eq "$alg: tampered: exit 4" 4 "$rc"
  assert_contains "$alg: tampered: the reason" "$T/t.err" "termauth: error: the signature does not verify"
  assert_eq "$alg: tampered: no claims printed" "" "$(cat "$T/t.out")"
done
unset PROFILE

rc=0; "$TERMAUTH" -p RS256 verify --audience someone-else "$(STORE_DIR=$STORE_DIR PROFILE=RS256 store_field id_token)" \
  >/dev/null 2>"$T/aud.err" || rc=$?
assert_eq "wrong audience: exit 4" 4 "$rc"
assert_contains "wrong audience: the reason" "$T/aud.err" "audience"
cache=$(ls "$HOME/.cache/termauth/jwks/"*.json)
assert_eq "the JWKS is cached, privately" 600 "$(stat -c %a "$cache")"
assert_eq "... in a private directory" 700 "$(stat -c %a "$HOME/.cache/termauth/jwks")"
curl -s "$ISSUER/jwks" >"$T/jwks.json"
rc=0; "$TERMAUTH" verify --jwks "$T/jwks.json" --issuer "$ISSUER" \
  "$(PROFILE=ES256 store_field id_token)" >"$T/claims2" 2>/dev/null || rc=$?
assert_eq "--jwks FILE: exit 0" 0 "$rc"
assert_eq "--jwks FILE: the claims" alice "$(json "$T/claims2" j.sub)"
rc=0; "$TERMAUTH" verify --jwks "$T/jwks.json" --issuer https://other.example \
  "$(PROFILE=ES256 store_field id_token)" >/dev/null 2>"$T/iss.err" || rc=$?
assert_eq "wrong issuer: exit 4" 4 "$rc"
assert_contains "wrong issuer: the reason" "$T/iss.err" "wrong issuer"
finish
