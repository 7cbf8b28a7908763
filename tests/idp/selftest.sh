#!/bin/sh
# selftest.sh — proves the test IdP (server.mjs) and the browser driver
# (browser) work together, without termauth: discovery advertises what
# termauth relies on, and selftest-client.mjs runs a real authorization code +
# PKCE sign-in through headless Chromium in each TA_BROWSER_MODE, plus a
# code-expiry run. Needs node_modules (runs `npm ci` if missing) and
# /usr/bin/chromium. Usage: tests/idp/selftest.sh   (prints "N passed, N failed")
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
[ -d "$here/node_modules" ] || (cd "$here" && npm ci --no-audit --no-fund >&2) || exit 1

# start_idp NAME [VAR=value...]: starts server.mjs, sets $issuer.
start_idp() {
  name=$1; shift
  env "$@" node "$here/server.mjs" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids="$pids $!"
  for _ in $(seq 50); do
    issuer=$(head -n1 "$tmp/$name.out")
    [ -n "$issuer" ] && return 0
    sleep 0.2
  done
  echo "selftest: $name did not start:" >&2; cat "$tmp/$name.err" >&2; exit 1
}

passed=0 failed=0
ok()  { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }

start_idp idp
case $issuer in http://127.0.0.1:[0-9]*) ok "issuer line: $issuer" ;; *) bad "issuer line: $issuer" ;; esac

if node -e '
  fetch(process.argv[1] + "/.well-known/openid-configuration").then((r) => r.json()).then((d) => {
    const want = ["authorization_response_iss_parameter_supported", "device_authorization_endpoint",
      "revocation_endpoint", "introspection_endpoint", "userinfo_endpoint", "jwks_uri"];
    const missing = want.filter((k) => !d[k]);
    if (d.issuer !== process.argv[1] || missing.length) { console.error("missing:", missing); process.exit(1); }
  })' "$issuer"; then ok "discovery"; else bad "discovery"; fi

# run MODE EXPECT [ISSUER]: one sign-in through the browser driver.
run() {
  t0=$(date +%s)
  if TA_BROWSER_MODE=$1 TA_BROWSER_LOG="$tmp/browser.log" TA_BROWSER_PASTE_FILE="$tmp/pasted" \
     node "$here/selftest-client.mjs" "${3:-$issuer}" "$2" >"$tmp/client.out" 2>&1; then
    ok "$1 -> $2 ($(( $(date +%s) - t0 )) s)"
  else
    bad "$1 -> $2"; cat "$tmp/client.out"; tail -n1 "$tmp/browser.log"
  fi
}
run consent tokens
run refuse access_denied
run forge-state-first tokens
run duplicate-state rejected
run tamper-iss rejected
run paste tokens
run fail browser-fail

start_idp shortcode IDP_CODE_TTL=2
TA_BROWSER_DELAY_MS=3500 run consent invalid_grant "$issuer"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
