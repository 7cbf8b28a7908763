#!/bin/sh
# selftest.sh — proves the test IdP (server.mjs) and the browser driver
# (browser) work together, without termauth: discovery advertises what
# termauth relies on, and selftest-client.mjs runs a real authorization code +
# PKCE sign-in through headless Chromium in each TA_BROWSER_MODE, plus a
# code-expiry run. Then the device grant: the IdP behind the shim (shim.mjs,
# a stub for interval and slow_down), and selftest-device.mjs polling while the
# driver approves or refuses, plus a device-code expiry run. Needs
# node_modules (runs `npm ci` if missing) and /usr/bin/chromium; takes about
# a minute. Usage: tests/idp/selftest.sh   (prints "N passed, N failed")
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

# start_device NAME [VAR=value...]: the shim (SHIM_* from the arguments) and
# behind it an IdP (IDP_* from the arguments) whose issuer is the shim. The
# shim learns where the IdP listens from the IdP's listen file, at its first
# request. Sets $shim, $issuer (the same URL) and $listen (the IdP's own).
start_device() {
  name=$1; shift
  shim_env='' idp_env=''
  for a in "$@"; do case $a in SHIM_*) shim_env="$shim_env $a" ;; *) idp_env="$idp_env $a" ;; esac; done
  # shellcheck disable=SC2086 # word splitting of VAR=value lists is intended
  env $shim_env SHIM_UPSTREAM_FILE="$tmp/$name.listen" SHIM_RECORD="$tmp/$name.rec" \
    node "$here/shim.mjs" >"$tmp/$name.shim" 2>"$tmp/$name.shim.err" &
  pids="$pids $!"
  for _ in $(seq 50); do
    shim=$(head -n1 "$tmp/$name.shim")
    [ -n "$shim" ] && break
    sleep 0.1
  done
  [ -n "$shim" ] || { echo "selftest: the $name shim did not start:" >&2; cat "$tmp/$name.shim.err" >&2; exit 1; }
  # shellcheck disable=SC2086
  start_idp "$name" $idp_env IDP_PUBLIC_URL="$shim" IDP_LISTEN_FILE="$tmp/$name.listen"
  listen=$(head -n1 "$tmp/$name.listen")
}

# drun NAME EXPECT SLOW_DOWNS [VAR=value...]: one device-grant run.
drun() {
  dname=$1 dexpect=$2 dslow=$3; shift 3
  if env TA_BROWSER_LOG="$tmp/browser.log" "$@" \
     node "$here/selftest-device.mjs" "$shim" "$dexpect" "$tmp/$dname.rec" "$dslow" >"$tmp/device.out" 2>&1; then
    ok "device ${*:-(no browser)} -> $dexpect: $(sed 's/^selftest-device: OK [^:]*: //' "$tmp/device.out")"
  else
    bad "device $* -> $dexpect"; cat "$tmp/device.out"; tail -n1 "$tmp/browser.log"
  fi
}

start_device dev SHIM_INTERVAL=1 SHIM_SLOW_DOWN=1
if [ "$issuer" = "$shim" ] && [ -n "$listen" ] && [ "$listen" != "$shim" ] && [ "$(wc -l <"$tmp/dev.out")" -eq 1 ]; then
  ok "IDP_PUBLIC_URL: issuer line $issuer, listening on $listen"
else
  bad "IDP_PUBLIC_URL: issuer '$issuer', shim '$shim', listening '$listen'"
fi
# The reason for the stub: the IdP itself gives no interval; the shim adds it.
if node -e '
  const ask = (u) => fetch(u + "/device/auth", { method: "POST", body: new URLSearchParams({ client_id: "termauth-test" }) }).then((r) => r.json());
  Promise.all([ask(process.argv[1]), ask(process.argv[2])]).then(([direct, shimmed]) => {
    if (!direct.device_code || "interval" in direct || shimmed.interval !== 1) { console.error(direct.interval, shimmed.interval); process.exit(1); }
  })' "$listen" "$shim"; then ok "device authorization: no interval from the IdP, interval 1 from the shim"
else bad "device authorization interval"; fi

drun dev tokens 1 TA_BROWSER_MODE=device-approve           # slow_down, then the token 1+6 s in
drun dev tokens 0 TA_BROWSER_MODE=device-approve TYPE_USER_CODE=1
drun dev access_denied 0 TA_BROWSER_MODE=device-refuse
drun dev access_denied 0 TA_BROWSER_MODE=device-refuse TA_BROWSER_REFUSE_AT=confirm

start_device devttl SHIM_INTERVAL=1 IDP_DEVICE_CODE_TTL=3
drun devttl expired_token 0

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
