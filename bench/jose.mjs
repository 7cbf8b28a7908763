// bench/jose.mjs — node's jose (jwtVerify, the library the test IdP's
// oidc-provider uses, pinned by tests/idp/package-lock.json) verifying the
// same tokens as bench_verify, with the same checks (signature, iss, aud,
// exp, nbf, iat at the same moment), single thread, for a comparison in
// docs/BENCHMARKS.md.
// Usage: node bench/jose.mjs DIR SECONDS   (DIR from BENCH_VERIFY_EXPORT)
// Output: one line per algorithm: <alg> <tokens/s>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(fileURLToPath(new URL('../tests/idp/package.json', import.meta.url)));
const { createLocalJWKSet, jwtVerify } = await import(require.resolve('jose'));
const [dir, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg || 3);
const keys = createLocalJWKSet(JSON.parse(readFileSync(`${dir}/jwks.json`, 'utf8')));
const options = {
  issuer: 'https://idp.example.com',
  audience: 'https://api.example.com',
  clockTolerance: 60,
  currentDate: new Date(1700000000 * 1000), // bench/verify.c's NOW
};
for (const alg of ['RS256', 'ES256', 'EdDSA']) {
  const tokens = readFileSync(`${dir}/${alg}.tokens`, 'utf8').trim().split('\n');
  for (const t of tokens) await jwtVerify(t, keys, options); // warm up, and all must pass
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 64; i++) await jwtVerify(tokens[(n + i) % tokens.length], keys, options);
    n += 64;
  }
  console.log(`${alg} ${Math.round(n / seconds)}`);
}
