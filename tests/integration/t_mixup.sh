#!/bin/sh
# Mix-up (RFC 9700 4.4.1) by way of RFC 9728: a resource names an IdP
# (tests/idp/mixup-as.mjs, an attacker's stub) whose metadata sends the
# browser, or the device flow, to the honest test IdP while the code, the
# registration and every secret would go to the stub, which hands out the
# honest IdP's own client id. termauth signs in at an IdP nobody vouched
# for - one a resource named, or one that registers termauth's client -
# only when all its endpoints are on its issuer's origin: each case is
# refused before the browser opens and before anything but the metadata
# is asked of the stub. A sign-in through an honest resource's IdP (the
# MCP test) and registration at an honest IdP (the register test) still
# work.
. "$(dirname "$0")/lib.sh"
start_idp
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

# refused NAME PROFILE ENDPOINT-WORDS HONEST-URL WHY [login options...]:
# the sign-in is refused with exit 1 and one line that names the stub,
# why it is not vouched for, the endpoint that is elsewhere and the
# command to give a client id; no browser, nothing asked of the stub but
# its metadata, nothing kept, the profile as it was.
refused() {
  r_name=$1 r_profile=$2 r_what=$3 r_url=$4 r_why=$5; shift 5
  rm -f "$T/browser-started"
  r_before=$(sed -n "/^\[profile $r_profile\]/,/^\[/p" "$CONFIG" 2>/dev/null || true)
  rc=0
  BROWSER="$T/browser" "$TERMAUTH" -p "$r_profile" login "$@" --timeout 30 </dev/null \
    >"$T/$r_name.out" 2>"$T/$r_name.err" || rc=$?
  assert_eq "$r_name: refused, exit 1" 1 "$rc"
  grep -v '^termauth: resource .* \(signs in at\|wants DPoP-bound\) ' "$T/$r_name.err" >"$T/$r_name.err1" || true
  assert_one_line "... in one line" "$T/$r_name.err1"
  assert_contains "... naming the IdP and why it is not trusted" "$T/$r_name.err" \
    "the IdP $FAKE ($r_why) puts its $r_what at another origin ($r_url)"
  assert_contains "... and what to do, for profile '$r_profile'" "$T/$r_name.err" \
    "give a client id of your own: 'termauth -p $r_profile login --issuer $FAKE --client-id ID'"
  check "... no browser started" test ! -e "$T/browser-started"
  assert_eq "... the stub was asked for nothing but metadata" "" \
    "$(grep -v '"method":"GET","path":"/\(mcp\|\.well-known/[a-z-]*\(/mcp\)\?\)"' "$T/$mix_name.jsonl" || true)"
  check "... no session kept" test ! -e "$STORE_DIR/$r_profile.json"
  assert_eq "... the profile unchanged: no client id or issuer saved" "$r_before" \
    "$(sed -n "/^\[profile $r_profile\]/,/^\[/p" "$CONFIG" 2>/dev/null || true)"
}

# 1. A resource names the stub, which sends the browser to the honest IdP
#    (and wants DPoP, which is said first).
start_mixup mix MIXUP_DPOP=1
refused "resource, browser to the honest IdP" mix "authorization endpoint" "$ISSUER/auth" \
  "named by a resource" --resource "$FAKE/mcp"
assert_contains "... after saying which IdP the resource chose" "$T/resource, browser to the honest IdP.err" \
  "resource $FAKE/mcp signs in at $FAKE (its protected-resource metadata)"
assert_contains "... and that it turns DPoP on" "$T/resource, browser to the honest IdP.err" \
  "resource $FAKE/mcp wants DPoP-bound tokens (its metadata): this sign-in binds its tokens to a key (dpop = yes)"
assert_eq "... and the honest IdP saw nothing of it" 0 "$(cat "$T/idp-record.jsonl" 2>/dev/null | grep -c . || true)"

# 2. The same IdP named by the person, but handing out the client id.
: >"$T/mix.jsonl"
refused "issuer that registers" reg "authorization endpoint" "$ISSUER/auth" \
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
refused "a client it registered before" pinned "authorization endpoint" "$ISSUER/auth" \
  "registering termauth's client"

# 4. The device flow sent to the honest IdP (its verification page is the
#    honest one, and the stub would poll with the device code).
start_mixup dev MIXUP_HONEST=device_authorization_endpoint
FAKE_DEV=$FAKE
refused "resource, device flow at the honest IdP" dev "device endpoint" \
  "$ISSUER/device/auth" "named by a resource" --resource "$FAKE_DEV/mcp" --flow device
finish
