#!/bin/sh
# On a terminal, the device flow draws a QR code of verification_uri_complete
# that a real decoder (zbarimg) reads back to exactly that URL; --no-qr and
# a stderr that is not a terminal draw none.
. "$(dirname "$0")/lib.sh"
start_idp
# `script` gives termauth a pseudo-terminal; the sign-in times out at once.
script -qfec "'$TERMAUTH' login --issuer '$ISSUER' --client-id $CLIENT_ID --flow device --timeout 1" \
  "$T/typescript" </dev/null >/dev/null 2>&1 || true
URL=$(tr -d '\r' <"$T/typescript" | sed -n 's/^or open \(http[^ ,]*user_code=[A-Z0-9-]*\).*/\1/p' | head -n 1)
check "the verification URL was shown" test -n "$URL"
assert_contains "the terminal was told to scan" "$T/typescript" "or scan this with a phone:"
node "$SRC/tests/integration/qr2pbm.mjs" "$T/typescript" "$T/qr.pbm"
assert_eq "zbarimg decodes the QR code to verification_uri_complete" "$URL" \
  "$(zbarimg --raw -q "$T/qr.pbm" 2>/dev/null)"
assert_contains "the countdown updates in place on a terminal" "$T/typescript" "Waiting for approval - 0:01 left"

script -qfec "'$TERMAUTH' login --issuer '$ISSUER' --client-id $CLIENT_ID --flow device --timeout 1 --no-qr" \
  "$T/typescript2" </dev/null >/dev/null 2>&1 || true
check "--no-qr draws none" sh -c "! grep -q 'scan this' '$T/typescript2' && ! node '$SRC/tests/integration/qr2pbm.mjs' '$T/typescript2' '$T/no.pbm' 2>/dev/null"
"$TERMAUTH" login --issuer "$ISSUER" --client-id $CLIENT_ID --flow device --timeout 1 </dev/null 2>"$T/err" || true
check "no terminal, no QR code" sh -c "! grep -q 'scan this' '$T/err' && ! grep -q \"$(printf '\342\226\210')\" '$T/err'"
finish
