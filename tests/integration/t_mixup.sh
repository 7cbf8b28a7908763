#!/bin/sh
# Mix-up (RFC 9700 4.4.1) by way of RFC 9728: a resource names an IdP
# (tests/idp/mixup-as.mjs, an attacker's stub) that passes the person's
# sign-in at the honest test IdP off as its own.
#
# Listing: its metadata sends the browser, or the device flow, to the
# honest IdP while the code, the registration and every secret would go to
# the stub, which hands out the honest IdP's own client id. termauth signs
# in at an IdP nobody vouched for - one a resource named, or one that
# registers termauth's client - only when all its endpoints are on its
# issuer's origin: each case is refused before the browser opens and
# before anything but the metadata is asked of the stub.
#
# Relaying: every endpoint on the stub's origin, which redirects the
# browser to the honest IdP and redeems the code there. The honest IdP
# here sends no RFC 9207 iss (IDP_NO_ISS, as Entra and Keycloak do), so
# only iss could tell: an IdP a resource named must promise it (refused
# before the browser), must send it (a stub that lies is refused at the
# redirect, before the code leaves), and gets no device flow. A person who
# names the stub vouches for it: that case shows the relay works, so that
# the refusals are what stops it.
#
# A sign-in through an honest resource's IdP (the MCP test) and
# registration at an honest IdP (the register test) still work.
. "$(dirname "$0")/lib.sh"
start_idp IDP_NO_ISS=1
CONFIG=$XDG_CONFIG_HOME/termauth/config
printf '#!/bin/sh\ntouch "%s/browser-started"\n' "$T" >"$T/browser"
chmod +x "$T/browser"

# start_mixup NAME [VAR=VALUE...]: the stub in front of $ISSUER; sets FAKE.
start_mixup() {
  mix_name=$1; shift
  env "$@" MIXUP_IDP="$ISSUER" MIXUP_RECORD="$T/$mix_name.jsonl" node "$IDP_DIR/mixup-as.mjs" \
    >"$T/$mix_name.url" 2>"$T/$mix_name.err" &
  STUB_PIDS="${STUB_PIDS:-} $!"
  wait_url "mix-up stub $mix_name" "$T/$mix_name" "$!" || exit 1
  FAKE=$HELPER_URL
}

# refused NAME PROFILE WHAT FIX [login options...]: the sign-in is refused
# with exit 1 and one line that says WHAT and FIX (the command to run);
# no browser, nothing asked of the stub but its metadata, nothing kept,
# the profile as it was.
refused() {
  r_name=$1 r_profile=$2 r_what=$3 r_fix=$4; shift 4
  rm -f "$T/browser-started"
  r_before=$(sed -n "/^\[profile $r_profile\]/,/^\[/p" "$CONFIG" 2>/dev/null || true)
  rc=0
  BROWSER="$T/browser" "$TERMAUTH" -p "$r_profile" login "$@" --timeout 30 </dev/null \
    >"$T/$r_name.out" 2>"$T/$r_name.err" || rc=$?
  assert_eq "$r_name: refused, exit 1" 1 "$rc"
  grep -v '^termauth: resource .* \(signs in at\|wants DPoP-bound\) ' "$T/$r_name.err" >"$T/$r_name.err1" || true
  assert_one_line "... in one line" "$T/$r_name.err1"
  assert_contains "... saying why" "$T/$r_name.err" "$r_what"
  assert_contains "... and what to do, for profile '$r_profile'" "$T/$r_name.err" "$r_fix"
  check "... no browser started" test ! -e "$T/browser-started"
  assert_eq "... the stub was asked for nothing but metadata" "" \
    "$(grep -v '"method":"GET","path":"/\(mcp\|\.well-known/[a-z-]*\(/mcp\)\?\)"' "$T/$mix_name.jsonl" || true)"
  check "... no session kept" test ! -e "$STORE_DIR/$r_profile.json"
  assert_eq "... the profile unchanged: no client id or issuer saved" "$r_before" \
    "$(sed -n "/^\[profile $r_profile\]/,/^\[/p" "$CONFIG" 2>/dev/null || true)"
}

# elsewhere NAME PROFILE ENDPOINT-WORDS HONEST-URL WHY [login options...]:
# refused, for an endpoint of the stub's at the honest IdP.
elsewhere() {
  e_name=$1 e_profile=$2 e_what=$3 e_url=$4 e_why=$5; shift 5
  refused "$e_name" "$e_profile" "the IdP $FAKE ($e_why) puts its $e_what at another origin ($e_url)" \
    "give a client id of your own: 'termauth -p $e_profile login --issuer $FAKE --client-id ID'" "$@"
}

# 1. A resource names the stub, which sends the browser to the honest IdP
#    (and wants DPoP, which is said first).
start_mixup mix MIXUP_DPOP=1
elsewhere "resource, browser to the honest IdP" mix "authorization endpoint" "$ISSUER/auth" \
  "named by a resource" --resource "$FAKE/mcp"
assert_contains "... after saying which IdP the resource chose" "$T/resource, browser to the honest IdP.err" \
  "resource $FAKE/mcp signs in at $FAKE (its protected-resource metadata)"
assert_contains "... and that it turns DPoP on" "$T/resource, browser to the honest IdP.err" \
  "resource $FAKE/mcp wants DPoP-bound tokens (its metadata): this sign-in binds its tokens to a key (dpop = yes)"
assert_eq "... and the honest IdP saw nothing of it" 0 "$(cat "$T/idp-record.jsonl" 2>/dev/null | grep -c . || true)"

# 2. The same IdP named by the person, but handing out the client id.
: >"$T/mix.jsonl"
elsewhere "issuer that registers" reg "authorization endpoint" "$ISSUER/auth" \
  "registering termauth's client" --issuer "$FAKE"

# 3. A client it registered earlier (client_expires_at = 0: never expires):
#    the stub turned on its users later.
: >"$T/mix.jsonl"
mkdir -p "$(dirname "$CONFIG")"
cat >>"$CONFIG" <<CONF

[profile pinned]
issuer = $FAKE
client_id = termauth-test
client_expires_at = 0
CONF
elsewhere "a client it registered before" pinned "authorization endpoint" "$ISSUER/auth" \
  "registering termauth's client"

# 4. The device flow sent to the honest IdP (its verification page is the
#    honest one, and the stub would poll with the device code).
start_mixup dev MIXUP_HONEST=device_authorization_endpoint
FAKE_DEV=$FAKE
elsewhere "resource, device flow at the honest IdP" dev "device endpoint" \
  "$ISSUER/device/auth" "named by a resource" --resource "$FAKE_DEV/mcp" --flow device

# 5. A relay: every endpoint on the stub's origin, and no RFC 9207 iss
#    promised - refused before the browser or the registration.
start_mixup relay MIXUP_RELAY=1
FAKE_RELAY=$FAKE
refused "relay without iss" relay \
  "the IdP $FAKE (named by a resource) does not promise to name itself in its redirects (RFC 9207)" \
  "if you trust it, name it yourself: 'termauth -p relay login --issuer $FAKE'" --resource "$FAKE/mcp"
assert_eq "... and the honest IdP saw nothing of it" 0 "$(cat "$T/idp-record.jsonl" 2>/dev/null | grep -c . || true)"

# relay_profile NAME MARK: a profile of the relay's issuer, with the test
# IdP's client id and issuer_from = MARK.
relay_profile() {
  printf '\n[profile %s]\nissuer = %s\nclient_id = termauth-test\nissuer_from = %s\n' \
    "$1" "$FAKE_RELAY" "$2" >>"$CONFIG"
}

# 6. The same issuer kept in a profile by an earlier sign-in through the
#    resource, with a client id of the person's own: the mark holds.
relay_profile marked resource
: >"$T/relay.jsonl"
refused "a profile the resource chose the IdP of" marked \
  "the IdP $FAKE_RELAY (named by a resource) does not promise to name itself in its redirects (RFC 9207)" \
  "if you trust it, name it yourself: 'termauth -p marked login --issuer $FAKE_RELAY'"

# A mark by hand that is no mark: said, with the profile and the fix,
# before anything is asked of anyone.
relay_profile odd person
rc=0
"$TERMAUTH" -p odd login --timeout 30 </dev/null >"$T/odd.out" 2>"$T/odd.err" || rc=$?
assert_eq "issuer_from = person: refused, exit 1" 1 "$rc"
assert_one_line "... in one line" "$T/odd.err"
assert_contains "... saying what it may be and what to do" "$T/odd.err" \
  "profile 'odd': issuer_from can only be resource (a resource chose the issuer), not 'person': remove the key if you chose the issuer yourself"

# 7. A relay that promises iss it cannot give: the browser goes through it
#    to the honest IdP, whose redirect has no iss, and the code is kept.
start_mixup liar MIXUP_RELAY=1 MIXUP_ISS=1
rc=0
BROWSER="$IDP_DIR/browser" "$TERMAUTH" -p liar login --resource "$FAKE/mcp" --timeout 100 </dev/null \
  >"$T/liar.out" 2>"$T/liar.err" || rc=$?
assert_eq "relay promising iss: refused at the redirect, exit 1" 1 "$rc"
assert_contains "... because it lacks iss" "$T/liar.err" "the redirect lacks the iss its IdP promises"
check "... the browser went through the stub" grep -q '"method":"GET","path":"/auth"' "$T/liar.jsonl"
check "... to the honest IdP, which was asked to sign in" grep -q '"authorization":true' "$T/idp-record.jsonl"
assert_eq "... the code never reached the stub" 0 "$(grep -c '"path":"/token"' "$T/liar.jsonl" || true)"
assert_eq "... nor was redeemed at the honest IdP" 0 "$(grep -c '"grant_type":"authorization_code"' "$T/idp-record.jsonl" || true)"
check "... no session kept" test ! -e "$STORE_DIR/liar.json"

# 8. Its device flow: refused as asked, and not chosen where no browser
#    can open (over SSH), where the browser flow takes a pasted address.
: >"$T/liar.jsonl"
refused "relay, device flow" liardev \
  "the IdP $FAKE was named by a resource, and a device sign-in there could be another IdP's passed on" \
  "sign in with --flow browser or paste, or, if you trust it, name it yourself: 'termauth -p liardev login --issuer $FAKE'" \
  --resource "$FAKE/mcp" --flow device
rc=0
env -u BROWSER SSH_CONNECTION="127.0.0.1 50000 127.0.0.1 22" "$TERMAUTH" -v -p liarssh login \
  --resource "$FAKE/mcp" --timeout 3 </dev/null >"$T/liarssh.out" 2>"$T/liarssh.err" || rc=$?
check "over SSH: not signed in in 3 s" test "$rc" -ne 0
assert_contains "... the browser flow chosen, not the device flow" "$T/liarssh.err" \
  "flow: browser (the IdP was named by a resource: no device flow)"
assert_contains "... its address shown, at the stub" "$T/liarssh.err" "$FAKE/auth?"
assert_eq "... no device code asked for" 0 "$(grep -c '"path":"/device' "$T/liar.jsonl" || true)"

# 9. The person names the relay themselves, vouching for it: the relay
#    gets the honest IdP's tokens (what the refusals above prevent). The
#    ID token, the honest IdP's, then fails termauth's checks.
rm -f "$T/browser-started"
rc=0
BROWSER="$IDP_DIR/browser" "$TERMAUTH" -p vouched login --issuer "$FAKE_RELAY" --client-id termauth-test \
  --scope "openid offline_access" --timeout 100 </dev/null >"$T/vouched.out" 2>"$T/vouched.err" || rc=$?
assert_eq "named by the person: the relay redeemed the code at the honest IdP" 1 \
  "$(grep -c '"stolen":true,"path":"/token"' "$T/relay.jsonl" || true)"
check "... and termauth kept no session from it" test "$rc" -ne 0 -a ! -e "$STORE_DIR/vouched.json"
finish
