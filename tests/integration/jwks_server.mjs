// jwks_server.mjs — for t_jwks_refetch.sh: an HTTP server on 127.0.0.1 that
// serves a JWKS from a file (so that the test can rotate keys), counting
// its fetches, and the tokens to check against it. Keys "a" and "b"
// (Ed25519) are made at start; DIR/token-a and DIR/token-b are JWTs each
// signed with one of them (iss https://idp.example.test, aud api, valid
// for an hour), DIR/token-c one signed with a key that is never served;
// DIR/jwks-a, DIR/jwks-b the two sets; DIR/jwks is what is served (the
// test copies one of them there); every GET /jwks appends a line to
// DIR/fetches. Prints its URL on stdout.
// Usage: node jwks_server.mjs DIR
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { generateKeyPairSync, sign } from 'node:crypto';

const dir = process.argv[2];
const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const make = (kid) => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' };
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
