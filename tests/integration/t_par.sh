#!/bin/sh
# Pushed authorization requests (RFC 9126): against an IdP that requires
# them, the browser sign-in pushes its parameters and gives the browser
# only the client id and the IdP's request_uri, so that state, nonce and
# the PKCE challenge are in no URL the browser or the terminal sees (at
# -vvv too); the paste flow prints the same short address; an IdP that
# only offers them gets them too; a request the IdP refuses ends the
# sign-in at once, with its word; one left unopened is pushed again before
# it expires.
. "$(dirname "$0")/lib.sh"

# A "browser" that notes the URL it is given, then is the real one.
printf '#!/bin/sh\nprintf "%%s\\n" "$1" >>"%s/launched"\n[ -z "${SLOW_BROWSER:-}" ] || sleep "$SLOW_BROWSER"\nexec "%s/browser" "$@"\n' \
  "$T" "$IDP_DIR" >"$T/rec-browser"
chmod +x "$T/rec-browser"

# login_par [termauth login options...]: run_login through that browser.
login_par() {
  rm -f "$T/launched" "$TA_BROWSER_LOG"
  rc=0
  BROWSER="$T/rec-browser" "$TERMAUTH" login --issuer "$ISSUER" --client-id "$CLIENT_ID" \
    --scope "openid profile offline_access" --timeout 100 "$@" \
    </dev/null >"$T/login.out" 2>"$T/login.err" || rc=$?
}
# shown_url FILE: the address termauth printed for the browser.
shown_url() { sed -n 's/^  \(http[^ ]*\)$/\1/p' "$1" | head -n 1; }
# assert_nothing_pushed_shown WHAT FILE...: no parameter that was pushed
# is in these files.
assert_nothing_pushed_shown() {
  what=$1; shift
  for f in "$@"; do
    for word in code_challenge state= nonce; do
      check "$what: no '$word' in $(basename "$f")" sh -c "! grep -qF -- '$word' '$f'"
    done
  done
}

# --- PAR required: the browser sign-in -------------------------------------
start_idp IDP_PAR=required
check "the IdP requires PAR" sh -c "curl -s '$ISSUER/.well-known/openid-configuration' |
  grep -q '\"require_pushed_authorization_requests\":true'"
login_par -vvv
wait_browser
assert_eq "the sign-in succeeds" 0 "$rc"
assert_contains "signed in" "$T/login.err" "signed in to $ISSUER as alice"
TOKEN=$("$TERMAUTH" token)
assert_eq "the token works at the IdP" alice "$(userinfo_sub "$TOKEN")"
assert_eq "the IdP says it is active" true "$(introspect "$TOKEN")"

grep '"par":true' "$T/idp-record.jsonl" >"$T/par.jsonl" || :
assert_eq "one request pushed" 1 "$(wc -l <"$T/par.jsonl")"
assert_eq "... and taken" 201 "$(json "$T/par.jsonl" j.status)"
for param in client_id redirect_uri scope state nonce code_challenge code_challenge_method; do
  assert_eq "the $param was pushed" true "$(json "$T/par.jsonl" "j.params.includes('$param')")"
done
grep '"authorization":true' "$T/idp-record.jsonl" >"$T/authz.jsonl" || :
assert_eq "the browser came to the authorization endpoint once" 1 "$(wc -l <"$T/authz.jsonl")"
assert_eq "... with the client id and the request_uri only" "client_id,request_uri" \
  "$(json "$T/authz.jsonl" 'j.params.join()')"

LAUNCHED=$(cat "$T/launched")
case "$LAUNCHED" in
  http://127.0.0.1:*/start/*) pass "the browser was started at the start page" ;;
  *) fail "the browser was started at '$LAUNCHED'" ;;
esac
json "$TA_BROWSER_LOG" j.startLocation >"$T/given"
case "$(cat "$T/given")" in
  "$ISSUER/auth?client_id=$CLIENT_ID&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A"*)
    pass "the start page sent the browser to the authorization endpoint with the request_uri" ;;
  *) fail "the start page sent the browser to '$(cat "$T/given")'" ;;
esac
shown_url "$T/login.err" >"$T/shown"
assert_eq "the terminal shows the address the browser was given" "$(cat "$T/given")" "$(cat "$T/shown")"
n=$(wc -c <"$T/shown")
check "the address shown is short ($n bytes)" test "$n" -lt 200
assert_nothing_pushed_shown "PAR required" "$T/launched" "$T/given" "$T/login.err" "$T/login.out"
check "-vvv said something" grep -q 'termauth: debug:' "$T/login.err"
assert_contains "-v tells of the push" "$T/login.err" \
  "termauth: debug: pushing the authorization request to $ISSUER/request"
VERIFIER=$(grep '"grant_type":"authorization_code"' "$T/idp-record.jsonl" | tail -n 1 |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).code_verifier))')
check "the IdP saw a PKCE verifier" test ${#VERIFIER} -ge 43
assert_not_contains "the verifier is not on the terminal" "$T/login.err" "$VERIFIER"
"$TERMAUTH" logout >/dev/null 2>&1

# --- PAR required: the paste flow ------------------------------------------
# No browser is started: the person opens the address shown (here the
# driver, as on another device) and pastes the address it ends on.
export TA_BROWSER_PASTE_FILE="$T/pasted-url"
paste_writer
rc=0
"$TERMAUTH" login --issuer "$ISSUER" --client-id "$CLIENT_ID" --flow paste --timeout 100 -vvv \
  <"$T/stdin" >"$T/paste.out" 2>"$T/paste.err" &
LOGIN=$!
i=0
while [ -z "$(shown_url "$T/paste.err")" ] && [ $i -lt 300 ] && running $LOGIN; do
  sleep 0.1; i=$((i + 1))
done
shown_url "$T/paste.err" >"$T/paste.shown"
n=$(wc -c <"$T/paste.shown")
check "the paste flow shows a short address ($n bytes)" test "$n" -gt 20 -a "$n" -lt 200
case "$(cat "$T/paste.shown")" in
  "$ISSUER/auth?client_id=$CLIENT_ID&request_uri=urn%3A"*) pass "... the request_uri's" ;;
  *) fail "the paste flow shows '$(cat "$T/paste.shown")'" ;;
esac
rm -f "$TA_BROWSER_LOG"
TA_BROWSER_MODE=paste "$IDP_DIR/browser" "$(cat "$T/paste.shown")" || fail "the browser driver failed"
wait $LOGIN || rc=$?
kill $WRITER 2>/dev/null || :
wait $WRITER 2>/dev/null || :
assert_eq "the pasted sign-in succeeds" 0 "$rc"
assert_contains "signed in" "$T/paste.err" "signed in to $ISSUER as alice"
check "no browser was started" sh -c "! grep -q 'browser: started' '$T/paste.err'"
assert_nothing_pushed_shown "paste flow" "$T/paste.err" "$T/paste.out"
"$TERMAUTH" logout >/dev/null 2>&1
unset TA_BROWSER_PASTE_FILE

# --- PAR required, with DPoP: the key's thumbprint is pushed too ----------
: >"$T/idp-record.jsonl"
login_par --dpop yes
wait_browser
assert_eq "a DPoP sign-in succeeds" 0 "$rc"
assert_eq "... with DPoP tokens" DPoP "$(store_field token_type)"
grep '"par":true' "$T/idp-record.jsonl" >"$T/par.jsonl" || :
assert_eq "... dpop_jkt was pushed" true "$(json "$T/par.jsonl" "j.params.includes('dpop_jkt')")"
grep '"authorization":true' "$T/idp-record.jsonl" >"$T/authz.jsonl" || :
assert_eq "... not given to the browser" "client_id,request_uri" "$(json "$T/authz.jsonl" 'j.params.join()')"
"$TERMAUTH" logout >/dev/null 2>&1
sed -i '/^dpop = /d' "$XDG_CONFIG_HOME/termauth/config" # the profile remembered it

# --- The IdP's default: no PAR ---------------------------------------------
stop_helper "$IDP_PID"
start_idp
check "by default the test IdP offers no PAR" sh -c "! curl -s '$ISSUER/.well-known/openid-configuration' |
  grep -q pushed_authorization_request_endpoint"

# --- PAR offered, not required: it is used ---------------------------------
stop_helper "$IDP_PID"
: >"$T/idp-record.jsonl"
start_idp IDP_PAR=on
check "the IdP offers PAR" sh -c "curl -s '$ISSUER/.well-known/openid-configuration' |
  grep -q '\"pushed_authorization_request_endpoint\":\"$ISSUER/request\"'"
check "... without requiring it" sh -c "! curl -s '$ISSUER/.well-known/openid-configuration' |
  grep -q require_pushed_authorization_requests"
login_par
wait_browser
assert_eq "the sign-in succeeds" 0 "$rc"
assert_eq "the token works at the IdP" alice "$(userinfo_sub "$("$TERMAUTH" token)")"
assert_eq "the request was pushed" 1 "$(grep -c '"par":true,"status":201' "$T/idp-record.jsonl")"
grep '"authorization":true' "$T/idp-record.jsonl" >"$T/authz.jsonl" || :
assert_eq "the browser came with the client id and the request_uri only" "client_id,request_uri" \
  "$(json "$T/authz.jsonl" 'j.params.join()')"
shown_url "$T/login.err" >"$T/shown"
check "the address shown is short" test "$(wc -c <"$T/shown")" -lt 200
json "$TA_BROWSER_LOG" j.startLocation >"$T/given"
assert_eq "the browser was given the address shown" "$(cat "$T/shown")" "$(cat "$T/given")"
assert_nothing_pushed_shown "PAR offered" "$T/login.err" "$T/login.out" "$T/given"
"$TERMAUTH" logout >/dev/null 2>&1

# --- Resource indicators (RFC 8707) are pushed too -------------------------
: >"$T/idp-record.jsonl"
login_par --resource https://api.example/a --resource https://api.example/b --scope "openid api:read"
wait_browser
assert_eq "a sign-in for two APIs succeeds" 0 "$rc"
grep '"par":true' "$T/idp-record.jsonl" >"$T/par.jsonl" || :
assert_eq "... the resources were pushed" true "$(json "$T/par.jsonl" "j.params.includes('resource')")"
grep '"authorization":true' "$T/idp-record.jsonl" >"$T/authz.jsonl" || :
assert_eq "... not given to the browser" "client_id,request_uri" "$(json "$T/authz.jsonl" 'j.params.join()')"
"$TERMAUTH" logout >/dev/null 2>&1
# One the IdP does not know: the push answers invalid_target, at once.
login_par --resource https://api.example/refused
assert_eq "an unknown resource: exit 1" 1 "$rc"
assert_contains "... the IdP's word" "$T/login.err" \
  "termauth: error: the sign-in request pushed to $ISSUER/request: the IdP refused: invalid_target"
check "... no browser started" test ! -e "$T/launched"

# --- A client with a secret: it authenticates the push ---------------------
# (termauth-secret, client_secret_post; the secret only from the profile.)
mkdir -p "$XDG_CONFIG_HOME/termauth"
(umask 077; printf '[profile secret]\nissuer = %s\nclient_id = termauth-secret\nclient_secret = termauth-secret-value\n' \
  "$ISSUER" >"$XDG_CONFIG_HOME/termauth/config")
: >"$T/idp-record.jsonl"
rm -f "$T/launched" "$TA_BROWSER_LOG"
rc=0
BROWSER="$T/rec-browser" "$TERMAUTH" -p secret login --timeout 100 -vvv </dev/null \
  >"$T/login.out" 2>"$T/login.err" || rc=$?
wait_browser
assert_eq "the client with a secret signs in" 0 "$rc"
grep '"par":true' "$T/idp-record.jsonl" >"$T/par.jsonl" || :
assert_eq "its push was taken" 201 "$(json "$T/par.jsonl" j.status)"
assert_eq "... authenticated with the secret" true "$(json "$T/par.jsonl" "j.params.includes('client_secret')")"
for f in "$T/login.err" "$T/login.out" "$T/launched" "$TA_BROWSER_LOG"; do
  assert_not_contains "the secret is not in $(basename "$f")" "$f" termauth-secret-value
done
"$TERMAUTH" -p secret logout >/dev/null 2>&1
sed -i 's/^client_secret = .*/client_secret = not-the-secret/' "$XDG_CONFIG_HOME/termauth/config"
rm -f "$T/launched"
rc=0
BROWSER="$T/rec-browser" "$TERMAUTH" -p secret login --timeout 100 </dev/null \
  >"$T/login.out" 2>"$T/login.err" || rc=$?
assert_eq "a wrong secret: exit 1" 1 "$rc"
assert_contains "... the IdP's word" "$T/login.err" "the IdP refused: invalid_client"
check "... no browser started" test ! -e "$T/launched"
rm -f "$XDG_CONFIG_HOME/termauth/config"

# --- The IdP refuses the pushed request ------------------------------------
# A client it does not know: the push answers invalid_client, and the
# sign-in ends at once with the IdP's word, no browser started.
login_par --client-id no-such-client
assert_eq "a refused push exits 1" 1 "$rc"
assert_contains "the message names the push and the IdP's error" "$T/login.err" \
  "termauth: error: the sign-in request pushed to $ISSUER/request: the IdP refused: invalid_client (client authentication failed)"
assert_one_line "one error line" "$T/login.err"
check "no browser was started" test ! -e "$T/launched"
assert_nothing_stored "a refused push"

# --- Nobody opens the address: the timeout says what to do ----------------
rc=0
BROWSER=true "$TERMAUTH" login --issuer "$ISSUER" --client-id "$CLIENT_ID" --timeout 2 \
  </dev/null >"$T/login.out" 2>"$T/login.err" || rc=$?
assert_eq "an address never opened: exit 1" 1 "$rc"
assert_contains "... the timeout says to open the newest address" "$T/login.err" \
  "termauth: error: no sign-in within 2 seconds: open the newest address shown here (the IdP drops a request left unopened for 60 s)"
assert_nothing_stored "an address never opened"

# --- A slow browser: the request is pushed again before it expires ---------
# The IdP's answer says 6 s: termauth pushes again at 5 s while the start
# page is unopened, sends the start page to the new request, and shows its
# address.
stop_helper "$IDP_PID"
: >"$T/idp-record.jsonl"
start_idp IDP_PAR=required IDP_PAR_EXPIRES_IN=6
SLOW_BROWSER=7 login_par -v
wait_browser
assert_eq "the slow browser's sign-in succeeds" 0 "$rc"
assert_contains "the person is shown the new address" "$T/login.err" \
  "termauth: the address above expires at the IdP unopened; if you have not opened it yet, open this one instead: $ISSUER/auth?client_id=$CLIENT_ID&request_uri=urn%3A"
pushes=$(grep -c '"par":true,"status":201' "$T/idp-record.jsonl")
check "the request was pushed again ($pushes pushes)" test "$pushes" -ge 2
newest=$(sed -n 's/.*open this one instead: //p' "$T/login.err" | tail -n 1)
assert_eq "the browser was sent to the newest request" "$newest" "$(json "$TA_BROWSER_LOG" j.startLocation)"
assert_eq "... which it opened once" 1 "$(grep -c '"authorization":true' "$T/idp-record.jsonl")"
"$TERMAUTH" logout >/dev/null 2>&1

finish
