# sts_stub.py - a STUB of AWS STS (no real STS runs here, and none can): answers AssumeRoleWithWebIdentity and GetCallerIdentity as STS's query API does, and checks what a real one would check.
#
# AssumeRoleWithWebIdentity: the web identity token's signature is
# verified against the test IdP's JWKS (found through its discovery
# document, or STS_JWKS_FILE) with python3-jwt, with its iss, aud
# (STS_AUDIENCE) and exp;
# each call is recorded, one JSON line in STS_RECORD; the answer is
# real-shaped XML with new random credentials, expiring after
# DurationSeconds (default 3600). GetCallerIdentity (the AWS CLI's next
# call) must be signed with SigV4 by credentials this stub issued: the
# signature is computed again with botocore's own signer (botocore.auth.
# SigV4Auth) from the secret key issued, and compared.
#
# STS_ERROR_FILE, when it exists, makes AssumeRoleWithWebIdentity fail:
# its first word is an STS error code (InvalidIdentityToken, AccessDenied,
# ...) or "http503"; a second word "once" makes only the next call fail.
#
# Run with Debian's /usr/bin/python3: `import awscli` first puts the
# botocore that Debian bundles inside awscli on the path.
import awscli  # noqa: F401  (before botocore: Debian bundles it inside awscli)
import base64
import datetime
import hmac
import json
import os
import secrets
import sys
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ISSUER = os.environ["STS_ISSUER"]
AUDIENCE = os.environ["STS_AUDIENCE"]
RECORD = os.environ["STS_RECORD"]
ERROR_FILE = os.environ.get("STS_ERROR_FILE", "")
ACCOUNT = "111122223333"
NS = "https://sts.amazonaws.com/doc/2011-06-15/"
ISSUED = {}  # access key id -> (secret access key, session token, role, session name)

MESSAGES = {
    "InvalidIdentityToken": (400, "Sender", "No OpenIDConnect provider found in your account for " + ISSUER),
    "ExpiredTokenException": (400, "Sender", "Token expired: current date/time 1 must be before the expiration date/time 0"),
    "AccessDenied": (403, "Sender", "Not authorized to perform sts:AssumeRoleWithWebIdentity"),
    "Throttling": (400, "Sender", "Rate exceeded"),
    "RequestLimitExceeded": (400, "Sender", "Request limit exceeded."),
    "IDPCommunicationError": (400, "Sender", "Couldn't retrieve verification key from your identity provider"),
    "IDPRejectedClaim": (403, "Sender", "Incorrect token audience"),
    "ServiceUnavailable": (503, "Receiver", "Service unavailable <try again> & later"),
}


def record(**what):
    with open(RECORD, "a") as f:
        f.write(json.dumps(what) + "\n")


def jwks():
    if os.environ.get("STS_JWKS_FILE"):  # bench/aws: keys of its own, no IdP
        with open(os.environ["STS_JWKS_FILE"]) as f:
            return json.load(f)
    with urllib.request.urlopen(ISSUER + "/.well-known/openid-configuration") as r:
        uri = json.load(r)["jwks_uri"]
    with urllib.request.urlopen(uri) as r:
        return json.load(r)


def verify_token(token):
    """The token's claims, verified as STS does; raises on any failure."""
    header = jwt.get_unverified_header(token)
    kid, alg = header.get("kid"), header.get("alg")
    if alg not in ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"):
        raise jwt.InvalidTokenError("algorithm " + str(alg))
    for k in jwks()["keys"]:
        if k.get("kid") == kid and k.get("alg", alg) == alg:
            return jwt.decode(token, jwt.PyJWK(k).key, algorithms=[alg],
                              audience=AUDIENCE, issuer=ISSUER, options={"require": ["exp", "iat", "sub"]})
    raise jwt.InvalidTokenError("no key " + str(kid))


def error_asked():
    if not ERROR_FILE or not os.path.exists(ERROR_FILE):
        return None
    words = open(ERROR_FILE).read().split()
    if len(words) > 1 and words[1] == "once":
        os.unlink(ERROR_FILE)
    return words[0] if words else None


def xml_error(code):
    status, kind, message = MESSAGES.get(code, (400, "Sender", "stub error"))
    message = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return status, (f'<ErrorResponse xmlns="{NS}">\n  <Error>\n    <Type>{kind}</Type>\n'
                    f'    <Code>{code}</Code>\n    <Message>{message}</Message>\n  </Error>\n'
                    f'  <RequestId>{secrets.token_hex(16)}</RequestId>\n</ErrorResponse>\n')


def assume(form):
    token = form.get("WebIdentityToken", "")
    role, name = form.get("RoleArn", ""), form.get("RoleSessionName", "")
    duration = int(form.get("DurationSeconds", "3600"))
    asked = error_asked()
    if asked:
        record(action="AssumeRoleWithWebIdentity", error=asked, role=role)
        if asked.startswith("http"):
            return int(asked[4:]), "<html>busy</html>"
        return xml_error(asked)
    try:
        claims = verify_token(token)
    except Exception as e:  # any failure is STS's InvalidIdentityToken
        record(action="AssumeRoleWithWebIdentity", error="InvalidIdentityToken", why=str(e))
        return xml_error("InvalidIdentityToken")
    akid = "ASIA" + "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    secret = base64.b64encode(secrets.token_bytes(30)).decode()
    session = base64.b64encode(secrets.token_bytes(300)).decode()
    ISSUED[akid] = (secret, session, role, name)
    exp = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=duration)
    record(action="AssumeRoleWithWebIdentity", role=role, session_name=name, duration=duration,
           sub=claims["sub"], akid=akid)
    rolename = role.rsplit("/", 1)[-1]
    return 200, f'''<AssumeRoleWithWebIdentityResponse xmlns="{NS}">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>{claims["sub"]}</SubjectFromWebIdentityToken>
    <Audience>{AUDIENCE}</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::{ACCOUNT}:assumed-role/{rolename}/{name}</Arn>
      <AssumedRoleId>AROA{secrets.token_hex(8).upper()}:{name}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>{session}</SessionToken>
      <SecretAccessKey>{secret}</SecretAccessKey>
      <Expiration>{exp.strftime("%Y-%m-%dT%H:%M:%SZ")}</Expiration>
      <AccessKeyId>{akid}</AccessKeyId>
    </Credentials>
    <Provider>{ISSUER}</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>{secrets.token_hex(16)}</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
'''


def signature_ok(handler, body):
    """Recomputes the request's SigV4 signature with botocore's signer."""
    auth = handler.headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return None, "not SigV4"
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    akid, date, region, service, _ = parts["Credential"].split("/")
    if akid not in ISSUED:
        return None, "unknown access key " + akid
    secret, session, role, name = ISSUED[akid]
    if handler.headers.get("X-Amz-Security-Token") != session:
        return None, "wrong session token"
    signed = parts["SignedHeaders"].split(";")
    headers = {h: handler.headers[h] for h in signed if h != "host"}
    req = AWSRequest(method=handler.command, url="http://" + handler.headers["Host"] + handler.path,
                     data=body, headers=headers)
    req.context["timestamp"] = handler.headers["X-Amz-Date"]
    signer = SigV4Auth(Credentials(akid, secret, session), service, region)
    if signer.signed_headers(signer.headers_to_sign(req)) != parts["SignedHeaders"]:
        return None, "signed headers differ"
    canonical = signer.canonical_request(req)
    expected = signer.signature(signer.string_to_sign(req, canonical), req)
    if not hmac.compare_digest(expected, parts["Signature"]):
        return None, "bad signature"
    return (role, name), "ok"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        form = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        action = form.get("Action")
        if action == "AssumeRoleWithWebIdentity":
            if "Authorization" in self.headers:  # it is an unsigned call
                return self.answer(*xml_error("InvalidAction"))
            return self.answer(*assume(form))
        if action == "GetCallerIdentity":
            who, why = signature_ok(self, body)
            record(action="GetCallerIdentity", signature=why)
            if not who:
                return self.answer(*xml_error("SignatureDoesNotMatch"))
            role, name = who
            return self.answer(200, f'''<GetCallerIdentityResponse xmlns="{NS}">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::{ACCOUNT}:assumed-role/{role.rsplit("/", 1)[-1]}/{name}</Arn>
    <UserId>AROA0000000000000000:{name}</UserId>
    <Account>{ACCOUNT}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>{secrets.token_hex(16)}</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>
''')
        self.answer(*xml_error("InvalidAction"))


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"http://127.0.0.1:{server.server_port}/", flush=True)
server.serve_forever()
