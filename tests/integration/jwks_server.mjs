// jwks_server.mjs — for t_jwks_refetch.sh: an HTTP server on 127.0.0.1 that
// serves a JWKS from a file (so that the test can rotate keys), counting
// its fetches, and the tokens to check against it. Keys "a", "b" and "c"
// (Ed25519) are fixed test-only keys from tests/idp/test-keys.json (never
// made at start: Node 20's generateKeyPairSync can deadlock, see
// tests/idp/make-test-keys.mjs); the tokens are signed at each start.
// DIR/token-a and DIR/token-b are JWTs each
// signed with one of them (iss https://idp.example.test, aud api, valid
// for an hour), DIR/token-c one signed with a key that is never served;
// DIR/jwks-a, DIR/jwks-b the two sets; DIR/jwks is what is served (the
// test copies one of them there); every GET /jwks appends a line to
// DIR/fetches. Prints its URL on stdout.
// Usage: node jwks_server.mjs DIR
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createPrivateKey, sign } from 'node:crypto';

const dir = process.argv[2];
const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const { jwks_server: testKeys } = JSON.parse(
  readFileSync(new URL('../idp/test-keys.json', import.meta.url), 'utf8'));
const make = (kid) => {
  const privateKey = createPrivateKey({ key: testKeys[kid], format: 'jwk' });
  const { d, ...jwk } = testKeys[kid]; // the public half: kty, crv, x, kid, alg, use
  const input = `${b64({ alg: 'EdDSA', kid, typ: 'JWT' })}.${b64({
    iss: 'https://idp.example.test', aud: 'api', sub: `user-${kid}`, iat: now, exp: now + 3600,
  })}`;
  writeFileSync(`${dir}/token-${kid}`, `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}\n`);
  writeFileSync(`${dir}/jwks-${kid}`, JSON.stringify({ keys: [jwk] }));
};
['a', 'b', 'c'].forEach(make);
writeFileSync(`${dir}/fetches`, '');
const server = createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== '/jwks') { res.writeHead(404).end(); return; }
  appendFileSync(`${dir}/fetches`, 'GET /jwks\n');
  res.writeHead(200, { 'content-type': 'application/json' }).end(readFileSync(`${dir}/jwks`));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
