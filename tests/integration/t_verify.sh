#!/bin/sh
# Verification with tokens the real IdP minted: ID tokens signed RS256,
# PS256, ES256 and EdDSA each pass the sign-in's signature check and
# `termauth verify`, which prints their claims; a tampered one is refused
# (exit 4, the reason); the JWKS is cached privately; --jwks takes a file.
# The token comes on standard input or from --token-file, never on the
# command line: one given there still works, with a one-line warning.
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
  rc=0; printf '%s\n' "$tampered" | "$TERMAUTH" -p "$alg" verify >"$T/t.out" 2>"$T/t.err" || rc=$?
  assert_eq "$alg: tampered: exit 4" 4 "$rc"
  assert_contains "$alg: tampered: the reason" "$T/t.err" "termauth: error: the signature does not verify"
  assert_eq "$alg: tampered: no claims printed" "" "$(cat "$T/t.out")"
done
unset PROFILE

PROFILE=RS256 store_field id_token >"$T/rs256.jwt"
PROFILE=ES256 store_field id_token >"$T/es256.jwt"
rc=0; "$TERMAUTH" -p RS256 verify --audience someone-else <"$T/rs256.jwt" >/dev/null 2>"$T/aud.err" || rc=$?
assert_eq "wrong audience: exit 4" 4 "$rc"
assert_contains "wrong audience: the reason" "$T/aud.err" "audience"
cache=$(ls "$HOME/.cache/termauth/jwks/"*.json)
assert_eq "the JWKS is cached, privately" 600 "$(stat -c %a "$cache")"
assert_eq "... in a private directory" 700 "$(stat -c %a "$HOME/.cache/termauth/jwks")"
curl -s "$ISSUER/jwks" >"$T/jwks.json"
rc=0; "$TERMAUTH" verify --jwks "$T/jwks.json" --issuer "$ISSUER" --token-file "$T/es256.jwt" \
  >"$T/claims2" 2>"$T/claims2.err" </dev/null || rc=$?
assert_eq "--jwks FILE --token-file FILE: exit 0" 0 "$rc"
assert_eq "... the claims" alice "$(json "$T/claims2" j.sub)"
assert_eq "... nothing on stderr" "" "$(cat "$T/claims2.err")"
rc=0; "$TERMAUTH" verify --jwks "$T/jwks.json" --issuer https://other.example <"$T/es256.jwt" \
  >/dev/null 2>"$T/iss.err" || rc=$?
assert_eq "wrong issuer: exit 4" 4 "$rc"
assert_contains "wrong issuer: the reason" "$T/iss.err" "wrong issuer"

# The old form, the token as an argument, still works but warns.
rc=0; "$TERMAUTH" verify --jwks "$T/jwks.json" --issuer "$ISSUER" "$(cat "$T/es256.jwt")" \
  >"$T/arg.out" 2>"$T/arg.err" </dev/null || rc=$?
assert_eq "a token as an argument: still verified, exit 0" 0 "$rc"
assert_eq "... the claims" alice "$(json "$T/arg.out" j.sub)"
assert_eq "... one warning line on stderr" "termauth: warning: a token on the command line is visible to other local users in the process list: pass it on standard input or with --token-file FILE" "$(cat "$T/arg.err")"
rc=0; "$TERMAUTH" verify --jwks "$T/jwks.json" - <"$T/es256.jwt" >/dev/null 2>"$T/dash.err" || rc=$?
assert_eq "'-' is standard input: exit 0, no warning" "0 " "$rc $(cat "$T/dash.err")"
rc=0; "$TERMAUTH" verify --jwks "$T/jwks.json" --token-file "$T/no-such.jwt" >"$T/nf.out" 2>"$T/nf.err" </dev/null || rc=$?
assert_eq "--token-file that does not exist: exit 1" 1 "$rc"
assert_eq "... and why" "termauth: error: cannot read the token from $T/no-such.jwt: No such file or directory" "$(cat "$T/nf.err")"
assert_eq "... nothing on stdout" "" "$(cat "$T/nf.out")"
rc=0; "$TERMAUTH" verify --jwks "$T/jwks.json" --token-file "$T/es256.jwt" "$(cat "$T/es256.jwt")" \
  >/dev/null 2>"$T/both.err" </dev/null || rc=$?
assert_eq "a token and --token-file: exit 2" 2 "$rc"
assert_contains "... and why" "$T/both.err" "termauth: error: a token and --token-file: give one of them"
finish
