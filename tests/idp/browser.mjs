// browser.mjs — a scripted "system browser" for termauth's tests.
//
// termauth opens the authorize URL with `$BROWSER URL`; tests point BROWSER at
// tests/idp/browser (which runs this file). It drives Debian's headless
// Chromium through playwright-core: signs in on the test IdP's dev login form
// (alice / x), answers the consent page, and catches the IdP's redirect to the
// loopback callback http://127.0.0.1:PORT/callback, which it then delivers (or
// not) according to TA_BROWSER_MODE:
//   consent (default)   click Continue; deliver the callback as is
//   refuse              click [ Cancel ]; deliver the error=access_denied callback
//   forge-state-first   first GET the callback with a wrong state, then the real one
//   duplicate-state     deliver only the callback with `state` given twice
//   tamper-iss          deliver only the callback with iss=http://evil.example
//   paste               deliver nothing; write the callback URL (one line) to
//                       TA_BROWSER_PASTE_FILE, as a person copying the address bar
//   fail                exit 1 at once, as a browser that cannot start
//   device-approve      the device flow (RFC 8628): URL is the IdP's
//                       verification_uri_complete (or, with
//                       TA_BROWSER_USER_CODE, its plain verification_uri and
//                       the driver types that code); confirm the device, sign
//                       in, consent; exit 0 on the IdP's "Sign-in Success"
//   device-refuse       the same, but refuse: by default confirm the device,
//                       sign in, then [ Cancel ] on the consent page; with
//                       TA_BROWSER_REFUSE_AT=confirm, [ Abort ] on the confirm
//                       page (no sign-in). Exit 0 on the IdP's "The Sign-in
//                       request was interrupted" page (the device code then
//                       polls access_denied)
// TA_BROWSER_DELAY_MS   wait this long before delivering (code-expiry tests);
//                       in the device modes, before the final approve/refuse
// TA_BROWSER_LOG        append one JSON line describing the run to this file
//                       (else it goes to stderr). It holds statuses and page
//                       text only: never the code or a token; and
//                       startLocation, where termauth's start page sent the
//                       browser (the authorization URL it was given).
// Deliveries are made with node's http (one connection each, closed after),
// and the answer is shown to the page. Exit 0 when the callback was handled
// (device modes: when the expected final page showed); non-zero on any
// failure, and at the latest after 60 s (+ the delay).
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const started = Date.now();
const mode = process.env.TA_BROWSER_MODE || 'consent';
const delayMs = Number(process.env.TA_BROWSER_DELAY_MS || 0);
const MODES = ['consent', 'refuse', 'forge-state-first', 'duplicate-state', 'tamper-iss', 'paste', 'fail',
  'device-approve', 'device-refuse'];
const deviceMode = mode.startsWith('device-');
const result = { mode };
let secret; // the authorization code, scrubbed from anything we log
const scrub = []; // device modes: the user code, in the forms it may take

let finished; // the exit code, once the run has been logged
function finish(code, error) {
  if (finished !== undefined) return finished;
  finished = code;
  if (error) result.error = String(error.message || error);
  result.ok = code === 0;
  result.elapsedMs = Date.now() - started;
  let line = JSON.stringify(result);
  for (const s of [secret, ...scrub]) if (s) line = line.split(s).join('<code>');
  if (process.env.TA_BROWSER_LOG) appendFileSync(process.env.TA_BROWSER_LOG, `${line}\n`);
  else process.stderr.write(`browser: ${line}\n`);
  return code;
}

// Whatever goes wrong, the run is logged with its reason.
for (const ev of ['uncaughtException', 'unhandledRejection']) {
  process.on(ev, (e) => process.exit(finish(7, `${ev}: ${e?.stack || e}`)));
}

const url = process.argv[2];
if (mode === 'fail') process.exit(finish(1, 'TA_BROWSER_MODE=fail'));
if (!MODES.includes(mode)) process.exit(finish(2, `unknown TA_BROWSER_MODE ${mode}`));
if (!url || !/^https?:\/\//.test(url)) process.exit(finish(2, 'usage: browser URL'));
if (mode === 'paste' && !process.env.TA_BROWSER_PASTE_FILE) process.exit(finish(2, 'paste mode needs TA_BROWSER_PASTE_FILE'));
const typedUserCode = deviceMode ? process.env.TA_BROWSER_USER_CODE || '' : '';
const refuseAt = process.env.TA_BROWSER_REFUSE_AT || 'consent';
if (mode === 'device-refuse' && !['consent', 'confirm'].includes(refuseAt)) process.exit(finish(2, 'TA_BROWSER_REFUSE_AT must be consent or confirm'));
if (deviceMode) {
  let fromUrl = '';
  try { fromUrl = new URL(url).searchParams.get('user_code') || ''; } catch { /* checked above */ }
  for (const c of [typedUserCode, fromUrl]) if (c) scrub.push(c, c.replace(/[^0-9A-Za-z]/g, '').toUpperCase());
}

const { chromium } = await import('playwright-core');
const profile = mkdtempSync(join(tmpdir(), 'ta-browser-'));
let context;

async function cleanup() {
  await Promise.race([context?.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  proxy.close();
  proxy.closeAllConnections();
  rmSync(profile, { recursive: true, force: true });
}

const hardLimit = setTimeout(async () => {
  const code = finish(4, 'timed out');
  await cleanup();
  process.exit(code);
}, 60_000 + delayMs);
hardLimit.unref();
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, async () => {
    const code = finish(5, `killed by ${sig}`);
    await cleanup();
    process.exit(code);
  });
}

// GET a URL on the loopback listener: one connection, no redirects followed.
function get(target) {
  return new Promise((resolve) => {
    const req = request(target, { agent: false, headers: { Connection: 'close', Accept: 'text/html' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode, rawHeaders: res.rawHeaders, raw, body: raw.toString('utf8') });
      });
      res.on('error', (e) => resolve({ status: null, body: '', error: e.message }));
    });
    req.setTimeout(20_000, () => req.destroy(new Error('callback request timed out')));
    req.on('error', (e) => resolve({ status: null, body: '', error: e.message }));
    req.end();
  });
}

const pageText = (html) => html.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
  .replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 500);

// Response headers to pass on to Chromium, without hop-by-hop ones.
const HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length']);
function passHeaders(rawHeaders) {
  const out = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!HOP.has(rawHeaders[i].toLowerCase())) out.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return out;
}

let resolveCallback;
const callbackDone = new Promise((r) => { resolveCallback = r; });

async function handleCallback(cbUrl, res) {
  const u = new URL(cbUrl);
  secret = u.searchParams.get('code') || undefined;
  result.callbackParams = [...u.searchParams.keys()]; // names only
  result.callbackError = u.searchParams.get('error') || undefined;
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));

  if (mode === 'paste') {
    const file = process.env.TA_BROWSER_PASTE_FILE;
    writeFileSync(`${file}.tmp${process.pid}`, `${cbUrl}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp${process.pid}`, file);
    result.pasteFile = file;
    res.writeHead(502, { 'content-type': 'text/plain' }).end('unreachable (paste mode)');
    resolveCallback(0);
    return;
  }

  if (mode === 'forge-state-first') {
    const forged = new URL(cbUrl);
    forged.searchParams.set('state', 'forged-state-value');
    const f = await get(forged.href);
    result.forgedStatus = f.status;
    result.forgedText = f.error || pageText(f.body);
  }

  let deliver = cbUrl;
  if (mode === 'duplicate-state') deliver = `${cbUrl}&state=${encodeURIComponent(u.searchParams.get('state') ?? '')}`;
  if (mode === 'tamper-iss') {
    const t = new URL(cbUrl);
    t.searchParams.set('iss', 'http://evil.example');
    deliver = t.href;
  }
  const r = await get(deliver);
  result.callbackStatus = r.status;
  result.callbackText = r.error || pageText(r.body);
  if (r.status === null) {
    res.writeHead(502, { 'content-type': 'text/plain' }).end(r.error);
    resolveCallback(5);
    return;
  }
  res.writeHead(r.status, passHeaders(r.rawHeaders)).end(r.raw);
  resolveCallback(0);
}

// Playwright's page.route() does not see requests that Chromium reaches by
// following a redirect, and the IdP reaches the callback by a 303. So Chromium
// goes through this small HTTP proxy (loopback included): it passes requests
// to the IdP through, refuses anything off 127.0.0.1 (the dev pages @import a
// web font), and hands the callback to handleCallback().
const proxy = createServer((req, res) => {
  let u;
  try { u = new URL(req.url); } catch { res.writeHead(400).end(); return; }
  if (u.hostname !== '127.0.0.1' || u.protocol !== 'http:') { res.writeHead(403).end(); return; }
  if (u.pathname === '/callback') {
    handleCallback(u.href, res).catch((e) => { result.error = String(e.message); res.destroy(); resolveCallback(5); });
    return;
  }
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k === 'content-length' || !HOP.has(k)));
  const up = request(u, { method: req.method, headers: { ...headers, connection: 'close' }, agent: false }, (ur) => {
    // Where termauth's start page sent the browser: the authorization URL.
    if (u.pathname.startsWith('/start/') && ur.headers.location) result.startLocation = ur.headers.location;
    res.writeHead(ur.statusCode, passHeaders(ur.rawHeaders));
    ur.on('error', () => res.destroy());
    ur.pipe(res);
  });
  // Chromium drops connections it no longer needs (ECONNRESET): an 'error'
  // with no listener would end the whole driver.
  up.on('error', () => res.destroy());
  req.on('error', () => up.destroy());
  res.on('error', () => up.destroy());
  req.pipe(up);
});
proxy.on('clientError', (e, socket) => socket.destroy());
proxy.on('connect', (req, socket) => {
  socket.on('error', () => socket.destroy());
  socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
});

async function openPage() {
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  // Chromium sometimes fails to start on a loaded machine: a person would
  // click again, so the driver tries up to three times.
  for (let attempt = 1; ; attempt++) {
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: '/usr/bin/chromium',
        headless: true,
        proxy: { server: `http://127.0.0.1:${proxy.address().port}`, bypass: '<-loopback>' },
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      return context.pages()[0] || await context.newPage();
    } catch (e) {
      if (attempt === 3) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

// Runs in the page: which of oidc-provider 9.13.3's device-flow pages this is
// (lib/helpers/defaults.js userCodeInputSource / userCodeConfirmSource /
// successSource, lib/helpers/user_code_form.js, lib/response_modes/form_post.js,
// and the devInteractions login/consent views). A document we already acted
// on carries window.__taActed, so it is never acted on twice while its
// navigation is under way.
function classifyDevicePage() {
  if (window.__taActed) return { state: 'acted' };
  const q = (sel) => document.querySelector(sel);
  if (document.title === 'Submitting Callback') return { state: 'autosubmit' }; // form_post, submits itself
  if (q('[id="op.deviceConfirmForm"]') && q('button[name="abort"]')) return { state: 'confirm' };
  if (q('input[name="login"]') && q('input[name="password"]')) return { state: 'login' };
  if (q('input[name="prompt"][value="consent"]')) return { state: 'consent' };
  if ((q('h1')?.textContent || '').trim() === 'Sign-in Success') return { state: 'success' };
  if (q('[id="op.deviceInputForm"]') && q('input[name="user_code"]')) {
    const red = q('p.red'); // an error re-renders the input page with a red line
    if (!red) return { state: 'input' };
    return { state: /interrupted/i.test(red.textContent) ? 'aborted' : 'input-error' };
  }
  if (/oops! something went wrong/i.test(document.body?.innerText || '')) return { state: 'oops' };
  return { state: 'unknown' };
}

// The device modes: poll the page's state every 100 ms (the device link first
// serves an auto-submitting page, and each form posts to a new page), act
// once on each known page, and stop on a final one.
async function deviceMain() {
  const page = await openPage();
  page.goto(url).catch(() => {});
  const want = mode === 'device-approve' ? 'success' : 'aborted';
  const acted = new Set();
  const act = async (name, fn) => {
    if (acted.has(name)) throw new Error(`the ${name} page was shown again`);
    acted.add(name);
    await page.evaluate(() => { window.__taActed = true; });
    await fn();
  };
  const decide = async () => { if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs)); };
  result.pages = [];
  let last = '';
  let since = Date.now();
  for (;;) {
    const { state } = await page.evaluate(classifyDevicePage).catch(() => ({ state: 'navigating' }));
    if (state !== last && !['acted', 'navigating', 'unknown'].includes(state)) result.pages.push(state);
    if (state !== last) { last = state; since = Date.now(); }
    if (['success', 'aborted', 'input-error', 'oops'].includes(state)) {
      result.finalPage = state;
      result.finalText = pageText(await page.content());
      if (state === want) return 0;
      throw new Error(`the IdP showed ${state}, wanted ${want}: ${result.finalText}`);
    }
    if (state === 'input') {
      if (!typedUserCode) throw new Error('the IdP asks for the user code: set TA_BROWSER_USER_CODE or pass verification_uri_complete');
      await act('input', async () => {
        await page.fill('input[name="user_code"]', typedUserCode);
        await page.click('button[form="op.deviceInputForm"]');
      });
      result.typedUserCode = true;
    } else if (state === 'confirm') {
      if (mode === 'device-refuse' && refuseAt === 'confirm') {
        await decide();
        await act('confirm', () => page.click('button[name="abort"]'));
        result.device = 'aborted at confirm';
      } else {
        await act('confirm', () => page.click('button[form="op.deviceConfirmForm"]:not([name="abort"])'));
        result.device = 'confirmed';
      }
    } else if (state === 'login') {
      await act('login', async () => {
        await page.fill('input[name="login"]', 'alice');
        await page.fill('input[name="password"]', 'x');
        await page.click('button[type="submit"]');
      });
      result.signedIn = true;
    } else if (state === 'consent') {
      await decide();
      if (mode === 'device-refuse') {
        await act('consent', () => page.click('a:has-text("Cancel")'));
        result.consent = 'refused';
      } else {
        await act('consent', () => page.click('button:has-text("Continue")'));
        result.consent = 'given';
      }
    } else if (Date.now() - since > 30_000) {
      throw new Error(`stuck on a page (${state}) for 30 s: ${pageText(await page.content().catch(() => ''))}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  const page = await openPage();
  page.goto(url).catch(() => {}); // navigation may end in an aborted callback
  const login = 'input[name="login"]';
  const consent = 'input[name="prompt"][value="consent"]';
  const oops = 'text=oops! something went wrong';

  let signedIn = false;
  for (let step = 0; step < 6; step += 1) {
    const which = await Promise.race([
      callbackDone.then(() => 'done'),
      page.waitForSelector(login, { timeout: 30_000 }).then(() => 'login'),
      page.waitForSelector(consent, { state: 'attached', timeout: 30_000 }).then(() => 'consent'),
      page.waitForSelector(oops, { timeout: 30_000 }).then(() => 'oops'),
    ].map((p) => p.catch(() => 'timeout')));
    if (which === 'done') break;
    if (which === 'timeout') throw new Error('no login form, consent page or callback appeared');
    if (which === 'oops') {
      throw new Error(`IdP error page: ${pageText(await page.content())}`);
    }
    if (which === 'login') {
      if (signedIn) throw new Error('login form shown again after signing in');
      await page.fill(login, 'alice');
      await page.fill('input[name="password"]', 'x');
      await page.click('button[type="submit"]');
      signedIn = true;
      result.signedIn = true;
    } else if (mode === 'refuse') {
      await page.click('a:has-text("Cancel")');
      result.consent = 'refused';
    } else {
      await page.click('button:has-text("Continue")');
      result.consent = 'given';
    }
    // Wait for the page we acted on to go away before looking again.
    await Promise.race([callbackDone, page.waitForSelector(which === 'login' ? login : consent,
      { state: 'detached', timeout: 30_000 }).catch(() => {})]);
  }
  return Promise.race([callbackDone, new Promise((r) => setTimeout(() => r('none'), 30_000))]);
}

let code;
try {
  const r = await (deviceMode ? deviceMain() : main());
  code = r === 'none' ? finish(6, 'the callback never came') : finish(r);
} catch (e) {
  code = finish(3, e);
}
await cleanup();
process.exit(code);
