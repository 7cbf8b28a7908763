// selftest-client.mjs — a tiny OAuth native client, used by selftest.sh to
// prove that server.mjs and the browser driver work together (it stands in
// for termauth). Usage: node selftest-client.mjs ISSUER EXPECT
// where EXPECT is what this run must end in:
//   tokens        code + PKCE exchanged; access, ID (RS256) and refresh tokens
//                 came back; userinfo answers sub and name; refresh rotates
//   access_denied the callback carries error=access_denied
//   rejected      the callback was refused by this client (bad state or iss)
//   invalid_grant the token endpoint refused the code (e.g. it expired)
//   browser-fail  the browser exited non-zero without any callback
// The browser mode comes from TA_BROWSER_MODE, passed through to the driver.
// Prints one line "selftest-client: OK ..." on success, exits non-zero otherwise.
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [issuer, expect] = process.argv.slice(2);
const mode = process.env.TA_BROWSER_MODE || 'consent';
const b64u = (buf) => buf.toString('base64url');
const fail = (msg) => { console.error(`selftest-client: FAIL (${mode}/${expect}): ${msg}`); process.exit(1); };
const check = (cond, msg) => { if (!cond) fail(msg); };
setTimeout(() => fail('timed out'), 90_000).unref();

const meta = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
const verifier = b64u(randomBytes(32));
const challenge = b64u(createHash('sha256').update(verifier).digest());
const state = b64u(randomBytes(16));

// The loopback listener: it answers every /callback and settles on the first
// one that is not refused (a forged state is refused and does not count).
let settle;
const outcome = new Promise((r) => { settle = r; });
const listener = createServer((req, res) => {
  const u = new URL(req.url, 'http://127.0.0.1');
  if (u.pathname !== '/callback') { res.writeHead(404).end(); return; }
  const reply = (status, text) => res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(text);
  const states = u.searchParams.getAll('state');
  if (states.length !== 1 || states[0] !== state) {
    reply(400, 'state mismatch');
    if (states.length > 1) settle({ rejected: 'duplicate state' });
    return;
  }
  if (u.searchParams.get('iss') !== issuer) { reply(400, 'iss mismatch'); settle({ rejected: 'iss' }); return; }
  if (u.searchParams.get('error')) { reply(200, 'sign-in refused'); settle({ error: u.searchParams.get('error') }); return; }
  reply(200, 'signed in, you may close this window');
  settle({ code: u.searchParams.get('code') });
});
await new Promise((r) => listener.listen(0, '127.0.0.1', r));
const redirectUri = `http://127.0.0.1:${listener.address().port}/callback`;

const auth = new URL(meta.authorization_endpoint);
Object.entries({
  client_id: 'termauth-test', response_type: 'code', redirect_uri: redirectUri,
  scope: 'openid profile email offline_access', state,
  code_challenge: challenge, code_challenge_method: 'S256',
}).forEach(([k, v]) => auth.searchParams.set(k, v));

const browser = spawn(join(dirname(fileURLToPath(import.meta.url)), 'browser'), [auth.href], { stdio: ['ignore', 'inherit', 'inherit'] });
browser.on('exit', (code) => {
  if (code !== 0) settle({ browserFailed: code });
  if (mode === 'paste') {
    const pasted = new URL(readFileSync(process.env.TA_BROWSER_PASTE_FILE, 'utf8').trim());
    check(pasted.searchParams.get('state') === state && pasted.searchParams.get('iss') === issuer, 'pasted URL: state/iss');
    settle({ code: pasted.searchParams.get('code'), pasted: true });
  }
});

const got = await outcome;
const browserExit = browser.exitCode ?? await new Promise((r) => browser.on('exit', r));
listener.close();

async function token(params) {
  const res = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'termauth-test', ...params }),
  });
  return { status: res.status, body: await res.json() };
}

if (expect === 'browser-fail') {
  check(got.browserFailed, `wanted the browser to fail, got ${JSON.stringify(Object.keys(got))}`);
} else {
  check(browserExit === 0, `browser exited ${browserExit}`);
  if (expect === 'access_denied' || expect === 'rejected') {
    check(got.error === expect || (expect === 'rejected' && got.rejected), `wanted ${expect}, got ${JSON.stringify(got)}`);
  } else {
    check(got.code, `no code: ${JSON.stringify(got)}`);
    const t = await token({ grant_type: 'authorization_code', code: got.code, redirect_uri: redirectUri, code_verifier: verifier });
    if (expect === 'invalid_grant') {
      check(t.status === 400 && t.body.error === 'invalid_grant' && t.body.error_description, `wanted invalid_grant, got ${t.status} ${t.body.error}`);
      console.log(`selftest-client: OK ${mode}: token endpoint said ${t.body.error}: ${t.body.error_description}`);
      process.exit(0);
    }
    check(t.status === 200, `token endpoint ${t.status} ${t.body.error} ${t.body.error_description}`);
    const { access_token: at, id_token: idt, refresh_token: rt } = t.body;
    check(at && idt && rt, `missing tokens: ${Object.keys(t.body)}`);
    const hdr = JSON.parse(Buffer.from(idt.split('.')[0], 'base64url'));
    check(hdr.alg === 'RS256', `id_token alg ${hdr.alg}`);
    const ui = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${at}` } });
    const claims = await ui.json();
    check(ui.status === 200 && claims.sub === 'alice' && claims.name, `userinfo ${ui.status} ${JSON.stringify(claims)}`);
    const r = await token({ grant_type: 'refresh_token', refresh_token: rt });
    check(r.status === 200 && r.body.access_token && r.body.refresh_token && r.body.refresh_token !== rt, `refresh ${r.status} ${r.body.error}`);
    got.note = ` (access token expires_in ${t.body.expires_in})`;
  }
}
console.log(`selftest-client: OK ${mode}: ${expect}${got.pasted ? ' (pasted)' : ''}${got.note ?? ''}`);
process.exit(0);
