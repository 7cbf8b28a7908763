#!/bin/sh
# The network rules of the HTTP layer, shown at discovery: an https IdP
# whose certificate is not trusted is unreachable (exit 5, the TLS reason);
# CURL_CA_BUNDLE or SSL_CERT_FILE naming its CA makes it reachable; and a
# loopback IdP is reached directly even when every proxy variable points at
# a proxy that does not exist. "Reached" shows as getting past discovery to
# the wait, which then times out (the browser here opens nothing).
. "$(dirname "$0")/lib.sh"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
start_idp IDP_TLS_CERT="$T/cert.pem" IDP_TLS_KEY="$T/key.pem"
case "$ISSUER" in https://127.0.0.1:*) pass "the IdP serves https" ;; *) fail "the IdP is not https: $ISSUER" ;; esac

attempt() { # ENV... : a login that opens nothing and gives up after 1 s
  rc=0
  env "$@" BROWSER=true "$TERMAUTH" login --issuer "$ISSUER" --client-id "$CLIENT_ID" --timeout 1 \
    </dev/null >"$T/login.out" 2>"$T/login.err" || rc=$?
}
attempt
assert_eq "an untrusted certificate: exit 5" 5 "$rc"
assert_contains "an untrusted certificate: the reason" "$T/login.err" "termauth: error: cannot reach $ISSUER/.well-known/openid-configuration: SSL certificate problem"
assert_one_line "one error line" "$T/login.err"

attempt CURL_CA_BUNDLE="$T/cert.pem"
assert_eq "CURL_CA_BUNDLE: discovery passes, the wait times out" 1 "$rc"
assert_contains "CURL_CA_BUNDLE: the message" "$T/login.err" "no sign-in within 1 second"
attempt SSL_CERT_FILE="$T/cert.pem"
assert_eq "SSL_CERT_FILE: discovery passes" 1 "$rc"
assert_contains "SSL_CERT_FILE: the message" "$T/login.err" "no sign-in within 1 second"

DEAD=http://127.0.0.1:9
attempt CURL_CA_BUNDLE="$T/cert.pem" http_proxy=$DEAD https_proxy=$DEAD HTTPS_PROXY=$DEAD ALL_PROXY=$DEAD all_proxy=$DEAD
assert_eq "dead proxies: loopback goes direct" 1 "$rc"
assert_contains "dead proxies: the message" "$T/login.err" "no sign-in within 1 second"
assert_nothing_stored "no sign-in"
finish
