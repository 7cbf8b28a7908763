// make-test-keys.mjs — writes the fixed signing keys of the test helpers,
// test-keys.json beside it: TEST-ONLY private keys, published on purpose in
// this tree, never to be trusted for anything. It was run once by hand:
//   node tests/idp/make-test-keys.mjs >tests/idp/test-keys.json
// Run it again only to replace them (nothing depends on their values).
//
// Why fixed keys: in Node 20, exporting a key that generateKeyPairSync just
// made can deadlock: a garbage collection inside the export runs the
// destructor of the finished key generation job, which waits for a mutex
// that nothing will release (every other thread idle). It hung about one
// start in a hundred of the test IdP (RSA, EC and Ed25519 keys alike), and
// making the keys was a third of each start. Reading them from a file
// takes microseconds and cannot hang. This script makes them
// asynchronously, which may well not be immune: if it ever hangs, run it
// again.
//
// test-keys.json:
//   idp          private JWKs for tests/idp/server.mjs, one per algorithm
//                (kid test-rs256, test-ps256, test-es256, test-eddsa)
//   jwks_server  private Ed25519 JWKs "a", "b", "c" for
//                tests/integration/jwks_server.mjs (a rotation from a to b,
//                and c, a key never served)
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair); // never the Sync variant (above)
const key = async (type, options, kid, alg) => ({
  ...(await generate(type, options)).privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig',
});
const keys = {
  note: 'TEST-ONLY keys for termauth\'s test helpers, published on purpose: never trust them. '
    + 'Made by tests/idp/make-test-keys.mjs.',
  idp: [
    await key('rsa', { modulusLength: 2048 }, 'test-rs256', 'RS256'),
    await key('rsa', { modulusLength: 2048 }, 'test-ps256', 'PS256'),
    await key('ec', { namedCurve: 'P-256' }, 'test-es256', 'ES256'),
    await key('ed25519', {}, 'test-eddsa', 'EdDSA'),
  ],
  jwks_server: {},
};
for (const kid of ['a', 'b', 'c']) keys.jwks_server[kid] = await key('ed25519', {}, kid, 'EdDSA');
process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
