#!/bin/sh
# On a terminal, the device flow draws a QR code of verification_uri_complete
# that a real decoder (zbarimg) reads back to exactly that URL; --no-qr and
# a stderr that is not a terminal draw none. The test IdP's own device page
# is on 127.0.0.1, which gets no QR code (a phone cannot open it; t_term
# checks that): tests/idp/shim.mjs (a stub) moves the page to a name that
# is not loopback, shown and never opened.
. "$(dirname "$0")/lib.sh"
start_shim_idp SHIM_DEVICE_ORIGIN=https://idp.example.test
# `script` gives termauth a pseudo-terminal, of 80x24; the sign-in times
# out at once.
login_on_tty() { # TYPESCRIPT [options...]
  out=$1; shift
  script -qfec "stty cols 80 rows 24; exec '$TERMAUTH' login --issuer '$ISSUER' --client-id $CLIENT_ID --flow device --timeout 1 $*" \
    "$out" </dev/null >/dev/null 2>&1 || true
}
login_on_tty "$T/typescript"
# What the terminal shows, without its colour and bold.
tr -d '\r' <"$T/typescript" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' >"$T/shown"
CODE=$(sed -n 's/.*Waiting for approval of code \([A-Z0-9-]*\) - .*/\1/p' "$T/shown" | head -n 1)
check "the countdown repeats the code" test -n "$CODE"
URL=https://idp.example.test/device?user_code=$CODE
assert_contains "the terminal was told to scan" "$T/shown" "Scan the QR code with a phone, or open https://idp.example.test/device"
node "$SRC/tests/integration/qr2pbm.mjs" "$T/typescript" "$T/qr.pbm"
assert_eq "zbarimg decodes the QR code to verification_uri_complete" "$URL" \
  "$(zbarimg --raw -q "$T/qr.pbm" 2>/dev/null)"
assert_contains "the countdown updates in place on a terminal" "$T/typescript" "$(printf '\r\033[K')Waiting for approval of code "
assert_contains "it repeats the code, the time left last" "$T/shown" "Waiting for approval of code $CODE - 0:01 left"

login_on_tty "$T/typescript2" --no-qr
check "--no-qr draws none" sh -c "! grep -q 'Scan the QR code' '$T/typescript2' && ! node '$SRC/tests/integration/qr2pbm.mjs' '$T/typescript2' '$T/no.pbm' 2>/dev/null"
"$TERMAUTH" login --issuer "$ISSUER" --client-id $CLIENT_ID --flow device --timeout 1 </dev/null 2>"$T/err" || true
check "the timeout says 1 second, not 1 seconds" grep -qx 'termauth: error: no sign-in within 1 second' "$T/err"
check "no terminal, no QR code" sh -c "! grep -q 'Scan the QR code' '$T/err' && ! grep -q \"$(printf '\342\226\210')\" '$T/err'"
finish
