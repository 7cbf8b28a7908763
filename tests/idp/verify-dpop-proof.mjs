// verify-dpop-proof.mjs - checks a DPoP proof (RFC 9449 4.3) with node's
// jose, as a server would and independently of termauth's C code: the
// signature with the header's own key (EmbeddedJWK), typ dpop+jwt, a
// public key only, htm, htu (the request URL without query and fragment,
// by WHATWG URL), iat within 60 s of now, a jti of at least 128 bits, the
// nonce, ath (SHA-256 of the access token, recomputed here), and the key's
// RFC 7638 thumbprint when asked.
//
//   node verify-dpop-proof.mjs --htm=METHOD --url=URL [--nonce=N] [--jkt=T] [--ath] < input
//
// (with '=': a nonce or a thumbprint may start with '-').
// input: the proof on its first line; with --ath, the access token on the
// second (a token is never an argument). Exit 0 and prints the header, the
// claims and the thumbprint as JSON; else exit 1 and says why on stderr.
// jose comes with oidc-provider; package.json does not name it itself.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';

function fail(why) {
  process.stderr.write(`verify-dpop-proof: ${why}\n`);
  process.exit(1);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      htm: { type: 'string' },
      url: { type: 'string' },
      nonce: { type: 'string' },
      jkt: { type: 'string' },
      ath: { type: 'boolean', default: false },
    },
  }));
} catch (e) {
  fail(e.message);
}
if (!args.htm || !args.url) fail('usage: --htm=METHOD --url=URL [--nonce=N] [--jkt=T] [--ath]');

const [proof = '', token] = readFileSync(0, 'utf8').split('\n');
if (args.ath && !token) fail('--ath: no access token on the second line');

let header;
let claims;
try {
  ({ protectedHeader: header, payload: claims } = await jwtVerify(proof, EmbeddedJWK, {
    typ: 'dpop+jwt',
    algorithms: ['ES256', 'EdDSA'],
  }));
} catch (e) {
  fail(`the proof does not verify: ${e.code ?? ''} ${e.message}`);
}

const jwk = header.jwk;
const members = jwk.kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['crv', 'kty', 'x'];
if (Object.keys(jwk).sort().join() !== members.join()) {
  fail(`the header's jwk has members ${Object.keys(jwk).join()}, not ${members.join()}`);
}
if (claims.htm !== args.htm) fail(`htm is ${claims.htm}, not ${args.htm}`);
const expected = new URL(args.url);
expected.search = '';
expected.hash = '';
if (claims.htu !== expected.href) fail(`htu is ${claims.htu}, not ${expected.href}`);
const now = Math.floor(Date.now() / 1000);
if (!Number.isInteger(claims.iat) || Math.abs(claims.iat - now) > 60) {
  fail(`iat ${claims.iat} is not within 60 s of now (${now})`);
}
if (typeof claims.jti !== 'string' || Buffer.from(claims.jti, 'base64url').length < 16) {
  fail('jti is not a string of at least 128 bits');
}
if (claims.nonce !== args.nonce) fail(`nonce is ${claims.nonce}, not ${args.nonce}`);
const ath = args.ath ? createHash('sha256').update(token).digest('base64url') : undefined;
if (claims.ath !== ath) fail(`ath is ${claims.ath}, not ${ath}`);
const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
if (args.jkt !== undefined && thumbprint !== args.jkt) {
  fail(`the key's thumbprint is ${thumbprint}, not ${args.jkt}`);
}
process.stdout.write(`${JSON.stringify({ header, claims, thumbprint })}\n`);
