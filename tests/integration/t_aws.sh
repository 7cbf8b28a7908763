#!/bin/sh
# aws-credentials and setup-aws: the real AWS CLI (Debian's awscli) with a
# profile whose credential_process is termauth - written by setup-aws -
# against sts_stub.py (a stub: no real STS runs here), which verifies the
# ID token against the test IdP's keys and then the CLI's SigV4 signature
# with botocore's own signer. The credentials are cached (0600 in 0700,
# no refresh token), served without a second STS call, derived again in
# silence when they near their end, gone at logout; each STS error has its
# message and exit code; the endpoint follows AWS's variables, https except
# on loopback; setup-aws keeps the rest of ~/.aws/config and its mode.
. "$(dirname "$0")/lib.sh"
start_idp
run_login
assert_eq "signed in" 0 "$rc"

STS_RECORD=$T/sts.jsonl STS_ISSUER=$ISSUER STS_AUDIENCE=$CLIENT_ID STS_ERROR_FILE=$T/sts.error \
  /usr/bin/python3 "$SRC/tests/integration/sts_stub.py" >"$T/sts.url" 2>"$T/sts.err" &
STUB_PIDS=$!
wait_url "STS stub" "$T/sts" "$STUB_PIDS" || exit 1
STS=$HELPER_URL
ROLE=arn:aws:iam::111122223333:role/dev
mkdir -p "$T/aws"
unset AWS_CA_BUNDLE AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
  AWS_ENDPOINT_URL AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
export AWS_CONFIG_FILE=$T/aws/config AWS_SHARED_CREDENTIALS_FILE=$T/aws/credentials \
  AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
# The AWS CLI 2.9 reads no AWS_ENDPOINT_URL*; termauth does (checked below).
export AWS_ENDPOINT_URL_STS=$STS

# assumes: how many AssumeRoleWithWebIdentity calls STS answered with credentials.
assumes() { grep -c '"akid"' "$T/sts.jsonl" || true; }
calls() { grep -c '"AssumeRoleWithWebIdentity"' "$T/sts.jsonl" || true; }
signed_ok() { grep -c '"signature": "ok"' "$T/sts.jsonl" || true; }
# awscli OUT: aws sts get-caller-identity as AWS CLI profile dev; sets rc.
awscli() {
  rc=0
  aws --profile dev sts get-caller-identity --endpoint-url "$STS" --output json \
    >"$T/$1.json" 2>"$T/$1.err" </dev/null || rc=$?
}
# creds OUT [options]: termauth aws-credentials --role-arn $ROLE; sets rc.
creds() {
  out=$1; shift
  rc=0
  "$TERMAUTH" aws-credentials --role-arn "$ROLE" "$@" >"$T/$out.json" 2>"$T/$out.err" \
    </dev/null || rc=$?
}
cache_files() { ls "$XDG_RUNTIME_DIR"/termauth/derived/default/aws-*.json 2>/dev/null || true; }
# age_cache SECONDS: the cached credentials expire in SECONDS (as if time
# had passed; their lifetime stays an hour).
age_cache() {
  node -e '
    const fs = require("fs"), f = process.argv[1];
    const j = JSON.parse(fs.readFileSync(f));
    j.expires_at = Math.floor(Date.now() / 1000) + Number(process.argv[2]);
    fs.writeFileSync(f + ".test", JSON.stringify(j), { mode: 0o600 });
    fs.renameSync(f + ".test", f);' "$(cache_files)" "$1"
}

# setup-aws: into a config with other profiles, mode 0640, kept.
printf '[default]\nregion = us-east-1\noutput = json\n\n[profile other]\nregion = eu-west-1\n' \
  >"$AWS_CONFIG_FILE"
chmod 640 "$AWS_CONFIG_FILE"
cp "$AWS_CONFIG_FILE" "$T/aws/before"
rc=0; "$TERMAUTH" setup-aws --role-arn "$ROLE" --aws-profile dev 2>"$T/setup.err" || rc=$?
assert_eq "setup-aws: exit 0" 0 "$rc"
EXE=$(cd "$(dirname "$TERMAUTH")" && pwd)/termauth
LINE="credential_process = $EXE -p default aws-credentials --role-arn $ROLE"
assert_eq "... the line in [profile dev]" "[profile dev]
$LINE" "$(sed -n '/^\[profile dev\]/,$p' "$AWS_CONFIG_FILE")"
assert_eq "... every other line kept" "$(cat "$T/aws/before")" \
  "$(sed '/^\[profile dev\]/,$d' "$AWS_CONFIG_FILE" | sed '$d')"
assert_eq "... its mode kept" 640 "$(stat -c %a "$AWS_CONFIG_FILE")"
assert_eq "... said so" "termauth: AWS CLI profile 'dev' gets its credentials from termauth profile 'default' ($AWS_CONFIG_FILE)" \
  "$(cat "$T/setup.err")"
cp "$AWS_CONFIG_FILE" "$T/aws/once"
"$TERMAUTH" setup-aws --role-arn "$ROLE" --aws-profile dev 2>/dev/null
check "... run again: the file unchanged" cmp -s "$T/aws/once" "$AWS_CONFIG_FILE"
"$TERMAUTH" setup-aws --role-arn "$ROLE-old" --aws-profile other 2>/dev/null
"$TERMAUTH" setup-aws --role-arn "$ROLE" --aws-profile other 2>/dev/null
assert_eq "... [profile other]: one credential_process, the new role" \
  "region = eu-west-1
$LINE" "$(sed -n '/^\[profile other\]/,/^\[/p' "$AWS_CONFIG_FILE" | grep -v '^\[' | grep -v '^$')"
rc=0; "$TERMAUTH" setup-aws --role-arn "$ROLE" --aws-profile 'a]b' 2>"$T/bad.err" || rc=$?
assert_eq "... a profile name with a bracket: usage error" 2 "$rc"

# setup-aws against files botocore reads in its own ways, each checked with
# botocore's own parser. botocore KEY PROFILE FILE: the profile's KEY as
# botocore reads it (ERROR when it cannot read the file).
botocore() {
  /usr/bin/python3 -c '
import sys, awscli
from botocore.configloader import raw_config_parse, build_profile_map
try:
    p = build_profile_map(raw_config_parse(sys.argv[3]))["profiles"]
    print(p.get(sys.argv[2], {}).get(sys.argv[1], "-"))
except Exception as e:
    print("ERROR", type(e).__name__)' "$@"
}
# edge NAME CONTENT [setup-aws options]: setup-aws --role-arn $ROLE on a
# config holding CONTENT (printf's format); sets rc, f=$T/aws/NAME (and
# NAME.err); the role: $EDGE_ROLE, else $ROLE.
edge() {
  f=$T/aws/$1 c=$2; shift 2
  printf "$c" >"$f"
  cp "$f" "$f.before"
  rc=0; AWS_CONFIG_FILE=$f "$TERMAUTH" setup-aws --role-arn "${EDGE_ROLE:-$ROLE}" "$@" \
    2>"$f.err" || rc=$?
}
CP="$EXE -p default aws-credentials --role-arn $ROLE"
edge trailing '[profile dev]\nregion = x\n[profile prod] # production\ncredential_process = /usr/bin/prod-tool\n' --aws-profile dev
assert_eq "text after a header's ]: [profile prod]'s line kept" "0 /usr/bin/prod-tool" \
  "$rc $(botocore credential_process prod "$f")"
assert_eq "... dev's added" "$CP" "$(botocore credential_process dev "$f")"
edge indented '[profile dev]\n  credential_process = old\n  region = x\n' --aws-profile dev
assert_eq "an indented first key: replaced, readable" "0 $CP x" \
  "$rc $(botocore credential_process dev "$f") $(botocore region dev "$f")"
edge comment '[profile dev]\ncredential_process = old\n# note\n  --flag\nregion = x\n' --aws-profile dev
assert_eq "a value continued after a comment: replaced whole" "0 $CP" \
  "$rc $(botocore credential_process dev "$f")"
edge crlf '[profile dev]\r\nregion = x\r\n' --aws-profile dev
assert_eq "CRLF: added, with CRLF" "0 $CP" "$rc $(botocore credential_process dev "$f")"
check "... every line CRLF" test "$(grep -c "$(printf '\r')\$" "$f")" -eq 3
edge both '[default]\nregion = a\n\n[profile default]\nregion = b\n' --aws-profile default
assert_eq "[default] then [profile default]: the later edited, which botocore reads" \
  "0 $CP" "$rc $(botocore credential_process default "$f")"
check "... [default] untouched" test "$(sed -n 2,3p "$f")" = "region = a"
edge cr '[profile dev]\rregion = x\r' --aws-profile dev
assert_eq "a lone CR: refused, exit 1" 1 "$rc"
assert_eq "... says why, naming the file" "termauth: error: $f has a line ending in a lone CR (old Mac line endings): termauth leaves it alone; fix it and run setup-aws again" \
  "$(cat "$f.err")"
check "... unchanged" cmp -s "$f.before" "$f"
edge nul '[profile dev]\nregion = x\0[profile y]\n' --aws-profile dev
assert_eq "a NUL byte: refused, exit 1" 1 "$rc"
assert_eq "... says why" "termauth: error: $f holds a NUL byte: termauth leaves it alone; fix it and run setup-aws again" \
  "$(cat "$f.err")"
check "... unchanged" cmp -s "$f.before" "$f"
EDGE_ROLE=$(printf 'arn:aws:iam::1:role/a\n[profile prod]\033[2J') edge ctl '[profile dev]\nregion = x\n' \
  --aws-profile dev
assert_eq "an ARN with control characters: usage error" 2 "$rc"
assert_eq "... echoed with '?' for them" "termauth: error: 'arn:aws:iam::1:role/a?[profile prod]?[2J' is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)" \
  "$(head -n 1 "$f.err")"
check "... unchanged" cmp -s "$f.before" "$f"
edge ctlp '' --aws-profile "$(printf 'a\033[2Jb')"
assert_eq "a profile with control characters: usage error, echoed with '?'" "2 termauth: error: 'a?[2Jb' cannot be an AWS profile's name" \
  "$rc $(head -n 1 "$f.err")"
NLDIR="$T/bin
x"
mkdir -p "$NLDIR" && cp "$EXE" "$EXE-full" "$NLDIR/"
printf '[profile dev]\nregion = x\n' >"$T/aws/nl"
rc=0; AWS_CONFIG_FILE=$T/aws/nl "$NLDIR/termauth" setup-aws --role-arn "$ROLE" --aws-profile dev \
  2>"$T/aws/nl.err" || rc=$?
assert_eq "the executable's path with a line break: refused, exit 1" 1 "$rc"
assert_eq "... says why" "termauth: error: '$(cd "$T" && pwd -P)/bin?x/termauth' holds a control character or a byte outside ASCII: it cannot go into $T/aws/nl" \
  "$(cat "$T/aws/nl.err")"
assert_eq "... unchanged" "$(printf '[profile dev]\nregion = x')" "$(cat "$T/aws/nl")"

# The AWS CLI signs its call with termauth's credentials.
awscli w1
assert_eq "aws sts get-caller-identity: exit 0" 0 "$rc"
assert_eq "... as the role, session termauth-default" \
  "arn:aws:sts::111122223333:assumed-role/dev/termauth-default" "$(json "$T/w1.json" j.Arn)"
assert_eq "... one AssumeRoleWithWebIdentity, the ID token verified" 1 "$(assumes)"
assert_eq "... its SigV4 signature verified by botocore's signer" 1 "$(signed_ok)"
assert_eq "... for alice" '"sub": "alice"' "$(grep -o '"sub": "[a-z]*"' "$T/sts.jsonl")"
awscli w2
assert_eq "a second aws call: exit 0" 0 "$rc"
assert_eq "... no new AssumeRoleWithWebIdentity: cached" 1 "$(assumes)"
assert_eq "... signed again" 2 "$(signed_ok)"

# The cache: 0600 in 0700, no refresh token, no ID token.
F=$(cache_files)
assert_eq "one cache file" 1 "$(echo "$F" | grep -c .)"
assert_eq "... mode 0600" 600 "$(stat -c %a "$F")"
assert_eq "... in a 0700 directory" 700 "$(stat -c %a "$(dirname "$F")")"
assert_not_contains "... without the refresh token" "$F" "$(store_field refresh_token)"
assert_not_contains "... without the ID token" "$F" "$(store_field id_token)"
assert_not_contains "... the config holds no secret" "$AWS_CONFIG_FILE" \
  "$(json "$F" 'j.access_token.split(" ")[1]')"

# Near their end (less than the 15 minutes botocore wants): derived again, silently.
creds c1
KEY1=$(json "$T/c1.json" j.AccessKeyId)
assert_eq "aws-credentials from the cache: exit 0" 0 "$rc"
assert_eq "... Version 1" 1 "$(json "$T/c1.json" j.Version)"
assert_eq "... Expiration in ISO 8601 UTC, an hour ahead" 1 \
  "$(json "$T/c1.json" 'Math.abs(Date.parse(j.Expiration) / 1000 - Date.now() / 1000 - 3600) < 120 && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(j.Expiration) ? 1 : 0')"
age_cache 800
creds c2
assert_eq "aged: exit 0" 0 "$rc"
assert_eq "... nothing on stderr" "" "$(cat "$T/c2.err")"
assert_eq "... a new AssumeRoleWithWebIdentity" 2 "$(assumes)"
check "... new credentials" test "$KEY1" != "$(json "$T/c2.json" j.AccessKeyId)"
age_cache 100
awscli w3
assert_eq "aged, through the AWS CLI: exit 0" 0 "$rc"
assert_eq "... nothing on stderr" "" "$(cat "$T/w3.err")"
assert_eq "... derived again" 3 "$(assumes)"
assert_eq "... and signed with them" 3 "$(signed_ok)"

# Eight at once, the credentials near their end: one STS call, one answer.
age_cache 100
A=$(assumes)
stampede 8 many "$TERMAUTH" aws-credentials --role-arn "$ROLE"
assert_eq "8 at once: one AssumeRoleWithWebIdentity" $((A + 1)) "$(assumes)"
assert_eq "... all 8 print the same credentials" 8 "$(printed_by 8 many "$(cat "$T/many.0.out")")"
assert_eq "... new ones" "$(grep '"akid"' "$T/sts.jsonl" | tail -n 1 | sed 's/.*"akid": "\([A-Z0-9]*\)".*/\1/')" \
  "$(json "$T/many.0.out" j.AccessKeyId)"
assert_eq "... nothing on stderr" "" "$(cat "$T"/many.*.err)"

# An ID token about to expire: the session is refreshed first, silently.
R=$(refreshes)
age_id_token 30
age_cache 100
creds r1
assert_eq "an old ID token: exit 0" 0 "$rc"
assert_eq "... nothing on stderr" "" "$(cat "$T/r1.err")"
assert_eq "... the session refreshed first" $((R + 1)) "$(refreshes)"
assert_eq "... STS verified the new one" 5 "$(assumes)"

# --duration and --session-name reach STS; each its own cache entry.
creds d1 --duration 900 --session-name ci-job
assert_eq "--duration 900 --session-name ci-job: exit 0" 0 "$rc"
assert_eq "... sent" '"session_name": "ci-job", "duration": 900' \
  "$(tail -n 1 "$T/sts.jsonl" | grep -o '"session_name": "ci-job", "duration": 900')"
creds d2 --duration 900 --session-name ci-job
assert_eq "... a 15-minute credential is served from the cache while half is left" 6 "$(assumes)"
creds d3 --duration 60
assert_eq "--duration 60: usage error" 2 "$rc"
assert_eq "... says the range" "termauth: error: the duration must be 900 to 43200 seconds, not 60" \
  "$(cat "$T/d3.err")"

# STS's errors: message and exit code each (on aws-credentials itself:
# the AWS CLI hides credential_process's stderr unless it fails).
MSG="termauth: error: AWS credentials for profile 'default': STS refused role $ROLE"
sts_error() { # CODE EXIT MESSAGE-END
  echo "$1" >"$T/sts.error"
  creds "e-$1" --session-name "e-$1"
  rm -f "$T/sts.error"
  assert_eq "$1: exit $2" "$2" "$rc"
  assert_eq "... its message" "$MSG $3" "$(cat "$T/e-$1.err")"
}
sts_error InvalidIdentityToken 4 "(HTTP 400, InvalidIdentityToken: No OpenIDConnect provider found in your account for $ISSUER): check that IAM has an OIDC identity provider for this issuer, with this client id as an audience"
sts_error IDPRejectedClaim 4 "(HTTP 403, IDPRejectedClaim: Incorrect token audience): check the IAM OIDC identity provider and the role's trust policy"
sts_error AccessDenied 1 "(HTTP 403, AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity): check the role's trust policy: its Federated principal, sts:AssumeRoleWithWebIdentity, and its aud and sub conditions"
sts_error Throttling 1 "(HTTP 400, Throttling: Rate exceeded): try again in a minute"
sts_error RequestLimitExceeded 1 "(HTTP 400, RequestLimitExceeded: Request limit exceeded.): try again in a minute"
sts_error IDPCommunicationError 5 "(HTTP 400, IDPCommunicationError: Couldn't retrieve verification key from your identity provider): STS could not reach the IdP to check the token; try again later"
sts_error ServiceUnavailable 5 "(HTTP 503, ServiceUnavailable: Service unavailable <try again> & later): try again later"
echo http503 >"$T/sts.error"
creds e-503 --session-name e-503
rm -f "$T/sts.error"
assert_eq "HTTP 503 without XML: exit 5" 5 "$rc"
assert_eq "... its message" "termauth: error: AWS credentials for profile 'default': STS answered HTTP 503: try again later" \
  "$(cat "$T/e-503.err")"
# ExpiredTokenException (STS's clock ahead of the IdP's): once more, with
# the ID token refreshed for it. The stored one is first made unlike any the
# IdP gives now (its refresh within the same second gives the same bytes);
# STS says its word before it looks at the token.
age_id_token 1700
N=$(calls) A=$(assumes) R=$(refreshes)
echo "ExpiredTokenException once" >"$T/sts.error"
creds e-once --session-name e-once
assert_eq "ExpiredTokenException once: exit 0, after one more try" "0 $((N + 2)) $((A + 1))" \
  "$rc $(calls) $(assumes)"
assert_eq "... with a refreshed ID token" $((R + 1)) "$(refreshes)"
assert_eq "... nothing on stderr" "" "$(cat "$T/e-once.err")"
# Again after that: sign in again. (A refresh within the same second may
# bring the same ID token, with a warning before the error: the last line.)
N=$(calls)
echo ExpiredTokenException >"$T/sts.error"
creds e-exp --session-name e-exp
rm -f "$T/sts.error"
assert_eq "ExpiredTokenException twice: exit 3" 3 "$rc"
assert_eq "... its message" "$MSG (HTTP 400, ExpiredTokenException: Token expired: current date/time 1 must be before the expiration date/time 0): sign in again with 'termauth login'" \
  "$(tail -n 1 "$T/e-exp.err")"
assert_one_line "... one error" "$T/e-exp.err"
assert_eq "... tried once more" $((N + 2)) "$(calls)"
creds e-down --session-name e-down --endpoint http://127.0.0.1:1/
assert_eq "STS unreachable: exit 5" 5 "$rc"
assert_contains "... says so" "$T/e-down.err" "AWS credentials for profile 'default': STS cannot be reached"
assert_one_line "... in one line" "$T/e-down.err"

# The endpoint: --endpoint, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, in that order.
BAD=http://127.0.0.1:1/
A=$(assumes)
AWS_ENDPOINT_URL_STS=$BAD creds o1 --session-name o1 --endpoint "$STS"
assert_eq "--endpoint over AWS_ENDPOINT_URL_STS" "0 $((A + 1))" "$rc $(assumes)"
AWS_ENDPOINT_URL=$BAD creds o2 --session-name o2
assert_eq "AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL" "0 $((A + 2))" "$rc $(assumes)"
AWS_ENDPOINT_URL_STS= AWS_ENDPOINT_URL=$STS AWS_REGION=eu-west-3 creds o3 --session-name o3
assert_eq "AWS_ENDPOINT_URL over AWS_REGION" "0 $((A + 3))" "$rc $(assumes)"
creds o4 --session-name o4 --endpoint http://sts.example.com/
assert_eq "http off loopback: refused, exit 1" 1 "$rc"
assert_eq "... says why" "termauth: error: AWS credentials for profile 'default': the STS endpoint http://sts.example.com/ uses plain http; only https is allowed, except on loopback addresses" \
  "$(cat "$T/o4.err")"
AWS_ENDPOINT_URL_STS=http://sts.example.com/ creds o5 --session-name o5
assert_eq "... from AWS_ENDPOINT_URL_STS too" 1 "$rc"
assert_eq "... and no STS call for either" $((A + 3)) "$(assumes)"
# Another endpoint's credentials are not these (the same stub as
# localhost: another endpoint to termauth): each its own cache entry.
LOCAL_STS=$(printf '%s' "$STS" | sed 's|//127\.0\.0\.1:|//localhost:|')
A=$(assumes)
creds k1 --session-name kk --endpoint "$STS"
creds k2 --session-name kk --endpoint "$LOCAL_STS"
assert_eq "the same role at another endpoint: assumed there too" "0 $((A + 2))" "$rc $(assumes)"
check "... other credentials" sh -c "! cmp -s '$T/k1.json' '$T/k2.json'"
creds k3 --session-name kk --endpoint "$STS"
assert_eq "... and the first endpoint's still cached" "0 $((A + 2))" "$rc $(assumes)"
check "... the same as before" cmp -s "$T/k1.json" "$T/k3.json"
A=$(assumes)
mkdir -p "$T/config/termauth"
printf '[profile default]\naws_role_arn = %s\naws_endpoint = %s\n' "$ROLE" "$STS" \
  >"$T/config/termauth/config"
rc=0; AWS_ENDPOINT_URL_STS=$BAD "$TERMAUTH" aws-credentials --session-name p1 \
  >"$T/p1.json" 2>"$T/p1.err" || rc=$?
assert_eq "the role and endpoint from the profile (over the variable)" "0 $((A + 1))" \
  "$rc $(assumes)"
# aws_audience: the token exchange gives for that audience goes to STS
# instead. The test IdP's exchanged tokens are opaque, which STS refuses, as
# a real one would (an IdP whose exchanged tokens are JWTs passes).
printf '[profile default]\naws_audience = sts.amazonaws.com\n' >"$T/config/termauth/config"
exchanges() { grep -c '"grant_type":"urn:ietf:params:oauth:grant-type:token-exchange","status":200,"audience":"sts.amazonaws.com"' "$T/idp-record.jsonl" || true; }
X=$(exchanges)
creds x1 --session-name x1
assert_eq "aws_audience: one exchange for that audience" $((X + 1)) "$(exchanges)"
assert_eq "... its token, not the ID token, given to STS (which wants a JWT): exit 4" 4 "$rc"
assert_eq "... STS saw no JWT" '"error": "InvalidIdentityToken", "why": "Not enough segments"' \
  "$(tail -n 1 "$T/sts.jsonl" | grep -o '"error": "InvalidIdentityToken", "why": "Not enough segments"')"
rm "$T/config/termauth/config"
rc=0; "$TERMAUTH" aws-credentials >/dev/null 2>"$T/norole.err" || rc=$?
assert_eq "no role: usage error" 2 "$rc"
assert_contains "... says where to give it" "$T/norole.err" "give --role-arn, or aws_role_arn in the profile"

# Logout: the cached credentials go with the session.
"$TERMAUTH" logout >/dev/null 2>&1
assert_eq "logout removes the cached credentials" "" "$(cache_files)"
creds l1
assert_eq "... then: sign-in required, exit 3" 3 "$rc"
awscli w4
check "... and the AWS CLI fails" test "$rc" -ne 0
finish
