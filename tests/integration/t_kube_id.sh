#!/bin/sh
# kube-credential --token id, for clusters that check ID tokens (kube-apiserver's
# --oidc-issuer-url and --oidc-client-id): the ExecCredential holds the
# session's ID token - a JWT that the IdP's keys verify, meant for the client
# id - and its exp as expirationTimestamp. One about to expire is refreshed
# for a new one (once for concurrent calls); an IdP that answers a refresh
# without an ID token leaves the old one, served while it lasts, then "sign
# in again"; the ID token is never printed anywhere else.
. "$(dirname "$0")/lib.sh"
start_idp
run_login
assert_eq "signed in" 0 "$rc"
export KUBERNETES_EXEC_INFO='{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}'

# kube_id OUT [options...]: kube-credential --token id, its JSON in $T/OUT.json,
# stderr in $T/OUT.err, status.token in $T/OUT.jwt; sets rc.
kube_id() {
  out=$1; shift
  rc=0
  "$TERMAUTH" kube-credential --token id "$@" </dev/null >"$T/$out.json" 2>"$T/$out.err" || rc=$?
  node -e '
    const fs = require("fs"), t = fs.readFileSync(process.argv[1], "utf8");
    let tok = ""; try { tok = JSON.parse(t).status.token; } catch {}
    fs.writeFileSync(process.argv[2], tok || "", { mode: 0o600 });' "$T/$out.json" "$T/$out.jwt"
}
# claim FILE NAME: a claim of the JWT in FILE, read without checking it.
claim() {
  node -e '
    const t = require("fs").readFileSync(process.argv[1], "utf8").split(".")[1] || "";
    let j = {}; try { j = JSON.parse(Buffer.from(t, "base64url")); } catch {}
    console.log(j[process.argv[2]] ?? "");' "$1" "$2"
}
# expiry FILE: the ExecCredential's expirationTimestamp, in seconds since the epoch.
expiry() { json "$1" 'Date.parse(j.status.expirationTimestamp) / 1000'; }
# verify_id FILE: termauth verify, as the cluster would: the IdP's keys
# (discovery), its issuer, the client id as the audience.
verify_id() {
  rc=0
  "$TERMAUTH" verify --issuer "$ISSUER" --audience "$CLIENT_ID" --token-file "$1" \
    >"$1.claims" 2>"$1.err" || rc=$?
}

# The stored ID token, with its exp.
kube_id k1
assert_eq "--token id: exit 0" 0 "$rc"
assert_eq "... nothing on stderr" "" "$(cat "$T/k1.err")"
assert_eq "... an ExecCredential" ExecCredential "$(json "$T/k1.json" j.kind)"
assert_eq "... v1, as asked" client.authentication.k8s.io/v1 "$(json "$T/k1.json" j.apiVersion)"
assert_eq "... the session's ID token" "$(store_field id_token)" "$(cat "$T/k1.jwt")"
check "... not the access token" test "$(cat "$T/k1.jwt")" != "$(store_field access_token)"
assert_eq "... expirationTimestamp is its exp" "$(claim "$T/k1.jwt" exp)" "$(expiry "$T/k1.json")"
verify_id "$T/k1.jwt"
assert_eq "... the IdP's keys verify it, for the client id" 0 "$rc"
assert_eq "... its aud is the client id" "$CLIENT_ID" "$(json "$T/k1.jwt.claims" j.aud)"
assert_eq "... its iss the issuer" "$ISSUER" "$(json "$T/k1.jwt.claims" j.iss)"
assert_eq "... its sub the person" alice "$(json "$T/k1.jwt.claims" j.sub)"
assert_eq "... no refresh was needed" 0 "$(refreshes)"

# --token access is today's behaviour: the access token, its expiry.
rc=0; "$TERMAUTH" kube-credential --token access </dev/null >"$T/a.json" 2>"$T/a.err" || rc=$?
assert_eq "--token access: exit 0" 0 "$rc"
assert_eq "... the access token" "$(store_field access_token)" "$(json "$T/a.json" j.status.token)"
assert_eq "... its expiry" "$(store_field expires_at)" "$(expiry "$T/a.json")"

# Less than --min-ttl left: refreshed for a new ID token.
age_id_token 30
OLD_ID=$(store_field id_token) OLD_AT=$(store_field access_token)
BEFORE_K2=$(date +%s)
kube_id k2
assert_eq "an expiring ID token: exit 0" 0 "$rc"
assert_eq "... nothing on stderr" "" "$(cat "$T/k2.err")"
assert_eq "... one refresh" 1 "$(refreshes)"
check "... a new ID token" test "$(cat "$T/k2.jwt")" != "$OLD_ID"
assert_eq "... the one stored" "$(store_field id_token)" "$(cat "$T/k2.jwt")"
# (Not compared with k1's iat: two tokens issued in the same second carry
# the same iat, and may be the very same bytes.)
check "... issued anew (iat)" test "$(claim "$T/k2.jwt" iat)" -ge "$BEFORE_K2"
check "... valid for longer than the old (exp)" test "$(claim "$T/k2.jwt" exp)" -gt $(($(date +%s) + 3000))
assert_eq "... expirationTimestamp is its exp" "$(claim "$T/k2.jwt" exp)" "$(expiry "$T/k2.json")"
check "... the access token refreshed too" test "$(store_field access_token)" != "$OLD_AT"
verify_id "$T/k2.jwt"
assert_eq "... the IdP's keys verify it, for the client id" 0 "$rc"
assert_eq "... the same person" alice "$(json "$T/k2.jwt.claims" j.sub)"
kube_id k3
assert_eq "the next call: the same ID token" "$(cat "$T/k2.jwt")" "$(cat "$T/k3.jwt")"
assert_eq "... no second refresh" 1 "$(refreshes)"

# --min-ttl longer than the IdP's ID tokens live (an hour): a refresh would
# give one no better, so the fresh one is served, with a warning, as access
# tokens are (t_min_ttl.sh).
kube_id k4 --min-ttl 4000
assert_eq "--min-ttl beyond the ID tokens' life: exit 0" 0 "$rc"
assert_eq "... the same ID token" "$(cat "$T/k3.jwt")" "$(cat "$T/k4.jwt")"
assert_eq "... no refresh" 1 "$(refreshes)"
assert_contains "... with a warning" "$T/k4.err" \
  "termauth: warning: profile 'default': the IdP's ID tokens live 3600 s, no longer than the 4000 s asked (--min-ttl): this one is valid for"
assert_eq "... in one line" 1 "$(wc -l <"$T/k4.err")"
# Past half its life, it is refreshed.
age_id_token 1700
kube_id k5 --min-ttl 4000
assert_eq "... past half its life: exit 0" 0 "$rc"
assert_eq "... one more refresh" 2 "$(refreshes)"
check "... a new ID token, valid for an hour again" test "$(claim "$T/k5.jwt" exp)" -gt $(($(date +%s) + 3000))

# Concurrent calls with an expiring ID token: one refresh, one token.
age_id_token 10
pids=
for i in 1 2 3 4; do kube_id "c$i" & pids="$pids $!"; done
for pid in $pids; do wait "$pid"; done
assert_eq "4 calls at once: one refresh" 3 "$(refreshes)"
for i in 2 3 4; do
  assert_eq "... call $i: the same ID token as call 1" "$(cat "$T/c1.jwt")" "$(cat "$T/c$i.jwt")"
done
# A new one, not the one aged to 10 s (but possibly the same bytes as k5's,
# when both refreshes fell in the same second).
check "... a new one, valid for an hour again" test "$(claim "$T/c1.jwt" exp)" -gt $(($(date +%s) + 3000))

# The ID token reaches stdout only: not stderr, not -vv's debug lines.
age_id_token 10
kube_id v -vv
assert_eq "-vv: exit 0" 0 "$rc"
assert_not_contains "... the ID token is not in its stderr" "$T/v.err" "$(cat "$T/v.jwt")"
assert_not_contains "... nor the old one" "$T/v.err" "$(cat "$T/c1.jwt" | cut -d. -f3)"

# The options' words.
rc=0; "$TERMAUTH" kube-credential --token refresh </dev/null >"$T/u.out" 2>"$T/u.err" || rc=$?
assert_eq "--token refresh: exit 2" 2 "$rc"
assert_contains "... says what it takes" "$T/u.err" "--token takes 'access' or 'id', not 'refresh'"
rc=0; TERMAUTH_CREDENTIAL=ta1.e30 "$TERMAUTH" kube-credential --token id </dev/null >"$T/cr.out" 2>"$T/cr.err" || rc=$?
assert_eq "TERMAUTH_CREDENTIAL and --token id: exit 2" 2 "$rc"
assert_contains "... said" "$T/cr.err" \
  "termauth: error: TERMAUTH_CREDENTIAL gives access tokens only, not an ID token: unset it to use profile 'default', or use '--token access'"
assert_eq "... nothing on stdout" "" "$(cat "$T/cr.out")"

# A session without an ID token (no openid sign-in): said, exit 4, no refresh.
before=$(refreshes)
node -e '
  const fs = require("fs"), f = process.argv[1], j = JSON.parse(fs.readFileSync(f));
  delete j.id_token; fs.writeFileSync(f + ".test", JSON.stringify(j), { mode: 0o600 });
  fs.renameSync(f + ".test", f);' "$STORE_DIR/default.json"
kube_id n
assert_eq "no ID token: exit 4" 4 "$rc"
assert_contains "... said, with what to do" "$T/n.err" \
  "termauth: error: profile 'default' has no ID token (the IdP gives one only to a sign-in with the 'openid' scope): sign in again with 'termauth -p default login'"
assert_one_line "... in one line" "$T/n.err"
assert_eq "... no refresh tried" "$before" "$(refreshes)"

# An IdP whose refresh answers carry no ID token (OpenID Connect Core 12.2).
stop_helper "$IDP_PID"
start_idp IDP_REFRESH_ID_TOKEN=omit
run_login
assert_eq "signed in again, at an IdP that refreshes without ID tokens" 0 "$rc"
age_id_token 30
KEPT=$(store_field id_token) before=$(refreshes)
kube_id o1
assert_eq "no new ID token, the old one valid: exit 0" 0 "$rc"
assert_eq "... after a refresh" $((before + 1)) "$(refreshes)"
assert_eq "... the old ID token" "$KEPT" "$(cat "$T/o1.jwt")"
assert_eq "... kept in the store" "$KEPT" "$(store_field id_token)"
assert_eq "... its exp" "$(claim "$T/o1.jwt" exp)" "$(expiry "$T/o1.json")"
assert_contains "... with a warning" "$T/o1.err" \
  "termauth: warning: profile 'default': the IdP's refresh brought no new ID token: the one from the sign-in is valid for"
assert_eq "... in one line" 1 "$(wc -l <"$T/o1.err")"
age_id_token -5
kube_id o2
assert_eq "no new ID token, the old one expired: exit 3" 3 "$rc"
assert_contains "... what to do" "$T/o2.err" \
  "termauth: error: profile 'default': the ID token has expired and the IdP's refresh brought no new one: sign in again with 'termauth -p default login'"
assert_one_line "... in one line" "$T/o2.err"
assert_eq "... nothing for kubectl" "" "$(cat "$T/o2.json")"
# The access token still works for what takes it.
rc=0; "$TERMAUTH" kube-credential </dev/null >"$T/o3.json" 2>"$T/o3.err" || rc=$?
assert_eq "... while --token access still works" 0 "$rc"
assert_eq "... with the access token" "$(store_field access_token)" "$(json "$T/o3.json" j.status.token)"
finish
