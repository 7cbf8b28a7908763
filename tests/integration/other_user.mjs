// other_user.mjs — for t_other_user.sh: another local user attacking a
// browser sign-in in progress, as issue 9 describes it. Run it under
// another uid (setpriv). With the victim's authorization URL on stdin (the
// strongest attacker: one who somehow saw the victim's terminal), it
//   1. finds the start URL in a process's command line (/proc/PID/cmdline
//      is world-readable) and the listener's port and owner in
//      /proc/net/tcp;
//   2. opens FLOOD idle connections to the listener (the per-address limit
//      would otherwise turn the real browser away);
//   3. signs in at the IdP as its own account ("mallory") through the
//      victim's authorization URL, so that it holds a callback with a real
//      code and the victim's own state;
//   4. on the held connections asks for /start/TOKEN, delivers that
//      callback, and asks for /; delivers it 300 times more, each time
//      closing the socket at once; then tries both again on fresh
//      connections.
// Prints one JSON object: what it found, and for each attempt whether the
// listener answered any byte at all. It never prints the code.
// Usage: node other_user.mjs < AUTHORIZATION_URL
import { readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';

const FLOOD = 48;
const report = { uid: process.getuid() };
// A listener that serves another user would answer, and close: this only
// bounds a run gone wrong, so that the test says so instead of hanging.
setTimeout(() => { report.stuck = true; console.log(JSON.stringify(report)); process.exit(0); }, 60000).unref();
const authUrl = readFileSync(0, 'utf8').trim();

// 1. The start URL of the sign-in it targets (the port of the redirect
// URI: other sign-ins may be running), from whichever process shows it.
const target = new URL(new URL(authUrl).searchParams.get('redirect_uri') || 'http://x').port;
const startRe = new RegExp(`^http://127\\.0\\.0\\.1:${target}/start/\\S+$`);
for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
  let argv;
  try { argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { continue; }
  const start = argv.find((a) => startRe.test(a));
  if (start) { report.startUrl = start; break; }
}
if (!report.startUrl) { console.log(JSON.stringify(report)); process.exit(0); }
const port = Number(new URL(report.startUrl).port);
report.port = port;
// /proc/net/tcp: "sl local rem st ... uid"; 0A is LISTEN, 0100007F is 127.0.0.1.
const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
  const f = line.trim().split(/\s+/);
  if (f[1] === `0100007F:${hexPort}` && f[3] === '0A') report.listenerUid = Number(f[7]);
}

// One connection: resolves, once it closes, with the bytes it received.
function open() {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const c = { socket: s, bytes: 0 };
    c.closed = new Promise((done) => {
      s.on('data', (d) => { c.bytes += d.length; });
      s.on('error', () => {});
      s.on('close', () => done(c.bytes));
    });
    s.on('connect', () => resolve(c));
    s.on('error', () => resolve(c));
  });
}
const request = (path) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`;

// 2. The flood.
const held = await Promise.all(Array.from({ length: FLOOD }, open));

// 3. Mallory's own sign-in through the victim's authorization request.
const jar = new Map();
async function step(url, init = {}) {
  const headers = { ...(init.headers || {}), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  for (const c of res.headers.getSetCookie()) {
    const [kv] = c.split(';');
    const i = kv.indexOf('=');
    jar.set(kv.slice(0, i), kv.slice(i + 1));
  }
  return res;
}
async function signIn() {
  let url = authUrl;
  for (let hops = 0; hops < 20; hops++) {
    if (url.startsWith(`http://127.0.0.1:${port}/callback`)) return url;
    const res = await step(url);
    if (res.status >= 300 && res.status < 400) { url = new URL(res.headers.get('location'), url).href; continue; }
    const page = await res.text();
    const action = page.match(/<form[^>]*action="([^"]+)"/);
    if (!action) throw new Error(`no form on ${new URL(url).pathname} (${res.status})`);
    const form = new URLSearchParams(page.includes('name="login"')
      ? { prompt: 'login', login: 'mallory', password: 'x' } : { prompt: 'consent' });
    const post = await step(new URL(action[1], url).href, {
      method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    url = new URL(post.headers.get('location'), url).href;
  }
  throw new Error('too many redirects');
}
let callback = '';
try { callback = await signIn(); } catch (e) { report.signInError = String(e.message); }
const cb = callback ? new URL(callback) : null;
report.gotCode = !!(cb && cb.searchParams.get('code') && cb.searchParams.get('state'));
const callbackPath = cb ? cb.pathname + cb.search : '/callback';

// 4. What the held connections, then fresh ones, get for each request.
const startPath = new URL(report.startUrl).pathname;
held.forEach((c, i) => {
  if (!c.socket.destroyed) c.socket.write(request(i === 0 ? startPath : i === 1 ? callbackPath : '/'));
});
report.held = held.length;
report.heldAnswered = (await Promise.all(held.map((c) => c.closed))).filter((n) => n > 0).length;
// A request sent, then the socket closed at once, many times over: the
// kernel keeps such a socket with no owner (it shows uid 0), and its
// request may still be read. None may be served as if root had sent it.
report.closedBurst = 0;
await Promise.all(Array.from({ length: 300 }, () => new Promise((done) => {
  const s = connect(port, '127.0.0.1', () => { s.end(request(callbackPath)); s.destroy(); report.closedBurst++; done(); });
  s.on('error', done);
})));
for (const [name, path] of [['freshStart', startPath], ['freshCallback', callbackPath]]) {
  const c = await open();
  if (!c.socket.destroyed) c.socket.write(request(path));
  report[`${name}Answered`] = (await c.closed) > 0;
}
console.log(JSON.stringify(report));
process.exit(0);
