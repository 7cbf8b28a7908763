// selftest-device.mjs — a tiny device-grant client (RFC 8628), used by
// selftest.sh to prove that server.mjs, the shim (shim.mjs) in front of it and
// the browser driver's device modes work together; it stands in for termauth.
// Usage: node selftest-device.mjs ISSUER EXPECT RECORD [SLOW_DOWNS]
//   ISSUER      the shim's URL, which is the IdP's issuer (IDP_PUBLIC_URL)
//   EXPECT      tokens         the driver (device-approve) approves; tokens come
//                              back, the ID token names ISSUER, userinfo says alice
//               access_denied  the driver (device-refuse) refuses
//               expired_token  no one approves; the code expires
//   RECORD      the shim's SHIM_RECORD file: this run's lines must show
//               SLOW_DOWNS (default 0) slow_down answers, then
//               authorization_pending ones, then EXPECT ("token" for tokens)
// The browser mode comes from TA_BROWSER_MODE; with TYPE_USER_CODE=1 the driver
// gets the plain verification_uri and TA_BROWSER_USER_CODE instead of the
// complete URI. The client polls at the interval the shim gave, adds 5 s on
// each slow_down (for that poll and all later ones), and stops at the first
// answer that is not authorization_pending or slow_down: polling a device
// code after success revokes the whole grant.
// Prints one line "selftest-device: OK ..." on success, exits non-zero otherwise.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [issuer, expect, recordFile, slowDowns = '0'] = process.argv.slice(2);
const mode = expect === 'expired_token' ? 'none' : process.env.TA_BROWSER_MODE;
const fail = (msg) => { console.error(`selftest-device: FAIL (${mode}/${expect}): ${msg}`); process.exit(1); };
const check = (cond, msg) => { if (!cond) fail(msg); };
setTimeout(() => fail('timed out'), 90_000).unref();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const readRecord = () => { try { return readFileSync(recordFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)); } catch { return []; } };
const recordFrom = readRecord().length; // the shim's record is shared by runs
const t0 = Date.now();

const meta = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
check(meta.issuer === issuer && meta.device_authorization_endpoint === `${issuer}/device/auth`
  && meta.token_endpoint === `${issuer}/token`, `discovery does not name the shim: ${meta.issuer} ${meta.token_endpoint}`);

const form = (params) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ client_id: 'termauth-test', ...params }),
});
const da = await fetch(meta.device_authorization_endpoint, form({ scope: 'openid offline_access' }));
const dev = await da.json();
check(da.status === 200 && dev.device_code && dev.user_code, `device authorization ${da.status} ${dev.error}`);
check(dev.verification_uri === `${issuer}/device` && dev.verification_uri_complete?.startsWith(`${issuer}/device?user_code=`),
  `verification URIs do not name the shim: ${dev.verification_uri}`);
check(Number.isInteger(dev.interval) && dev.interval >= 1, `no interval from the shim: ${dev.interval}`);

let browser;
let browserExit;
if (mode !== 'none') {
  const typed = process.env.TYPE_USER_CODE === '1';
  const env = { ...process.env };
  if (typed) env.TA_BROWSER_USER_CODE = dev.user_code; else delete env.TA_BROWSER_USER_CODE;
  browser = spawn(join(dirname(fileURLToPath(import.meta.url)), 'browser'),
    [typed ? dev.verification_uri : dev.verification_uri_complete], { stdio: ['ignore', 'inherit', 'inherit'], env });
  browserExit = new Promise((r) => browser.on('exit', (c) => r(c)));
}

// Poll as RFC 8628 3.4/3.5 says.
let interval = dev.interval;
const answers = [];
let last;
for (;;) {
  await sleep(interval * 1000);
  const res = await fetch(meta.token_endpoint, form({
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: dev.device_code,
  }));
  last = { status: res.status, body: await res.json() };
  const answer = res.status === 200 ? 'token' : last.body.error;
  answers.push(answer);
  if (answer === 'slow_down') { interval += 5; continue; }
  if (answer === 'authorization_pending') continue;
  break; // success or a final error: never poll again
}
const seconds = ((Date.now() - t0) / 1000).toFixed(1);

if (browser) {
  const code = await browserExit;
  check(code === 0, `browser exited ${code}`);
}
const want = expect === 'tokens' ? 'token' : expect;
check(answers[answers.length - 1] === want, `ended in ${answers[answers.length - 1]} (${JSON.stringify(last.body.error_description)}), wanted ${want}`);

if (expect === 'tokens') {
  const { access_token: at, id_token: idt, refresh_token: rt } = last.body;
  check(at && idt && rt, `missing tokens: ${Object.keys(last.body)}`);
  const claims = JSON.parse(Buffer.from(idt.split('.')[1], 'base64url'));
  check(claims.iss === issuer && claims.sub === 'alice', `id_token iss ${claims.iss} sub ${claims.sub}`);
  const ui = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${at}` } });
  const info = await ui.json();
  check(ui.status === 200 && info.sub === 'alice', `userinfo ${ui.status} ${JSON.stringify(info)}`);
  const r = await fetch(meta.token_endpoint, form({ grant_type: 'refresh_token', refresh_token: rt }));
  check(r.status === 200, `refresh ${r.status}`);
}

// The shim saw exactly our polls, in order, with the spacing we kept.
const rec = readRecord().slice(recordFrom);
const n = Number(slowDowns);
check(JSON.stringify(rec.map((x) => x.answer)) === JSON.stringify(answers), `shim record ${JSON.stringify(rec.map((x) => x.answer))} != polls ${JSON.stringify(answers)}`);
check(rec.slice(0, n).every((x) => x.answer === 'slow_down' && x.status === 400) && rec[n]?.answer !== 'slow_down',
  `wanted ${n} slow_down first: ${JSON.stringify(rec)}`);
let gap = dev.interval;
for (let i = 1; i < rec.length; i += 1) {
  if (rec[i - 1].answer === 'slow_down') gap += 5;
  // 50 ms of slack: timers are in whole ms, the record in µs.
  check(rec[i].t - rec[i - 1].t >= gap * 1000 - 50, `poll ${i} came ${Math.round(rec[i].t - rec[i - 1].t)} ms after the one before, wanted >= ${gap} s`);
}
const gaps = rec.slice(1).map((x, i) => `${((x.t - rec[i].t) / 1000).toFixed(1)}s`).join(',');

if (browser && process.env.TA_BROWSER_LOG) {
  const log = readFileSync(process.env.TA_BROWSER_LOG, 'utf8');
  check(!log.includes(dev.device_code) && !log.includes(dev.user_code), 'the browser log holds a code');
}
console.log(`selftest-device: OK ${mode}: ${expect} after ${seconds} s; polls ${answers.join(',')}; gaps ${gaps || '-'}`);
process.exit(0);
