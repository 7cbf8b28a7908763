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
// TA_BROWSER_DELAY_MS   wait this long before delivering (code-expiry tests)
// TA_BROWSER_LOG        append one JSON line describing the run to this file
//                       (else it goes to stderr). It holds statuses and page
//                       text only: never the code or a token.
// Deliveries are made with node's http (one connection each, closed after),
// and the answer is shown to the page. Exit 0 when the callback was handled;
// non-zero on any failure, and at the latest after 60 s (+ the delay).
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const started = Date.now();
const mode = process.env.TA_BROWSER_MODE || 'consent';
const delayMs = Number(process.env.TA_BROWSER_DELAY_MS || 0);
const MODES = ['consent', 'refuse', 'forge-state-first', 'duplicate-state', 'tamper-iss', 'paste', 'fail'];
const result = { mode };
let secret; // the authorization code, scrubbed from anything we log

let finished; // the exit code, once the run has been logged
function finish(code, error) {
  if (finished !== undefined) return finished;
  finished = code;
  if (error) result.error = String(error.message || error);
  result.ok = code === 0;
  result.elapsedMs = Date.now() - started;
  let line = JSON.stringify(result);
  if (secret) line = line.split(secret).join('<code>');
  if (process.env.TA_BROWSER_LOG) appendFileSync(process.env.TA_BROWSER_LOG, `${line}\n`);
  else process.stderr.write(`browser: ${line}\n`);
  return code;
}

const url = process.argv[2];
if (mode === 'fail') process.exit(finish(1, 'TA_BROWSER_MODE=fail'));
if (!MODES.includes(mode)) process.exit(finish(2, `unknown TA_BROWSER_MODE ${mode}`));
if (!url || !/^https?:\/\//.test(url)) process.exit(finish(2, 'usage: browser URL'));
if (mode === 'paste' && !process.env.TA_BROWSER_PASTE_FILE) process.exit(finish(2, 'paste mode needs TA_BROWSER_PASTE_FILE'));

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
    res.writeHead(ur.statusCode, passHeaders(ur.rawHeaders));
    ur.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
});
proxy.on('connect', (req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\n\r\n'));

async function main() {
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    proxy: { server: `http://127.0.0.1:${proxy.address().port}`, bypass: '<-loopback>' },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  const page = context.pages()[0] || await context.newPage();
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
  const r = await main();
  code = r === 'none' ? finish(6, 'the callback never came') : finish(r);
} catch (e) {
  code = finish(3, e);
}
await cleanup();
process.exit(code);
