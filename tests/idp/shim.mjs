// shim.mjs — a STUB: a small HTTP proxy in front of the test IdP that fakes
// what oidc-provider cannot be made to do: for the device authorization
// grant (RFC 8628) it never answers `slow_down` and its device
// authorization response carries no `interval`; it never sends an ID
// token whose signature is wrong (a forged or tampered one, as an attacker
// between termauth and a broken IdP would); and here its device page is
// on 127.0.0.1, which a phone cannot open, so termauth rightly draws no QR
// code of it. No real IdP setup here shows that behaviour, so termauth's
// tests of "honour interval, back off 5 s on slow_down", "refuse an ID
// token that does not verify" and "draw the QR code of a device page a
// phone can open" need this stub.
// Everything else passes through untouched.
//
// Usage: node tests/idp/shim.mjs   — listens on 127.0.0.1, a random port, and
// prints one line on stdout, its URL `http://127.0.0.1:PORT`. Topology:
//   1. start the shim, read its URL S;
//   2. start server.mjs with IDP_PUBLIC_URL=S IDP_LISTEN_FILE=F (its issuer is
//      S, it listens elsewhere and writes that address to F);
//   3. the shim reads F (SHIM_UPSTREAM_FILE=F) at its first request.
// Requests are forwarded with their method, path, headers (Host included:
// oidc-provider builds its endpoint URLs from Host, so discovery, forms and
// redirects all name S) and body; answers are relayed as they are, except:
//   POST /device/auth   a JSON 200 answer gains "interval": SHIM_INTERVAL;
//                       with SHIM_DEVICE_ORIGIN its verification_uri and
//                       verification_uri_complete are moved to that origin
//                       (path and query kept)
//   POST /token with grant_type=urn:ietf:params:oauth:grant-type:device_code
//                       the first SHIM_SLOW_DOWN such polls (counted over the
//                       shim's life, not per device code) get HTTP 400
//                       {"error":"slow_down"} from the shim itself; later
//                       polls go to the IdP. Every such poll is recorded.
//   POST /token answers with an id_token, when SHIM_TAMPER_ID_TOKEN=1: the
//                       ID token's payload gains a claim ("tampered": true),
//                       its header and signature kept - the claims termauth
//                       checks stay true, only the signature cannot.
//
// Environment:
//   SHIM_UPSTREAM       the IdP's listening URL (http://127.0.0.1:PORT), or
//   SHIM_UPSTREAM_FILE  a file holding it (first line), read at the first
//                       request and cached; 502 until it exists
//   SHIM_INTERVAL       seconds (positive integer) to add as "interval"
//   SHIM_DEVICE_ORIGIN  an origin (https://idp.example.test) for the device
//                       page: shown, never opened, by the tests that use it
//   SHIM_SLOW_DOWN      how many device_code polls to answer slow_down (default 0)
//   SHIM_TAMPER_ID_TOKEN=1  tamper with every ID token, as above
//   SHIM_RECORD=FILE    append one JSON line per device_code poll:
//                       {"t": ms (CLOCK_MONOTONIC via process.hrtime, so
//                        comparable across processes on this machine),
//                        "answer": "slow_down" | upstream error code | "token",
//                        "status": HTTP status}
//                       — never a code or a token. Written before the answer
//                       is sent, so a client that got its answer finds it.
//   SHIM_PORT           listen on this port instead of a random one (a test
//                       stops the shim and starts it again on the same port
//                       to make the IdP unreachable for a while)
//   SHIM_DEBUG=1        log each request to stderr
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const debug = process.env.SHIM_DEBUG === '1';
const die = (msg) => { process.stderr.write(`shim.mjs: ${msg}\n`); process.exit(2); };
const count = (name, dflt, min) => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) die(`${name} must be an integer >= ${min}`);
  return n;
};
const interval = count('SHIM_INTERVAL', undefined, 1);
let slowDownLeft = count('SHIM_SLOW_DOWN', 0, 0);
const recordFile = process.env.SHIM_RECORD;
const tamperIdToken = process.env.SHIM_TAMPER_ID_TOKEN === '1';
const deviceOrigin = process.env.SHIM_DEVICE_ORIGIN || undefined;
if (deviceOrigin && !/^https?:\/\/[^/?#]+$/.test(deviceOrigin)) die('SHIM_DEVICE_ORIGIN must be an origin such as https://idp.example.test');
if (!process.env.SHIM_UPSTREAM && !process.env.SHIM_UPSTREAM_FILE) die('set SHIM_UPSTREAM or SHIM_UPSTREAM_FILE');

let upstream; // a URL, once known
function getUpstream() {
  if (upstream) return upstream;
  let text = process.env.SHIM_UPSTREAM;
  if (!text) {
    try { text = readFileSync(process.env.SHIM_UPSTREAM_FILE, 'utf8').split('\n')[0].trim(); } catch { return null; }
  }
  try {
    const u = new URL(text);
    if (u.protocol === 'http:' || u.protocol === 'https:') upstream = u;
  } catch { /* not yet written, or garbage: try again next request */ }
  return upstream;
}

const now = () => Math.round(Number(process.hrtime.bigint()) / 1e3) / 1e3; // ms, 3 decimals
function record(answer, status) {
  if (!recordFile) return;
  appendFileSync(recordFile, `${JSON.stringify({ t: now(), answer, status })}\n`);
}

// Hop-by-hop headers (RFC 9110 7.6.1) are the connection's, not the message's.
const HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-authenticate']);
function endToEnd(rawHeaders, drop = []) {
  const out = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const k = rawHeaders[i].toLowerCase();
    if (!HOP.has(k) && !drop.includes(k)) out.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return out;
}

const readAll = (stream) => new Promise((resolve, reject) => {
  const chunks = [];
  stream.on('data', (c) => chunks.push(c));
  stream.on('end', () => resolve(Buffer.concat(chunks)));
  stream.on('error', reject);
});

// forward(req, res, body?, onAnswer?): sends the request upstream. With
// `body` (a Buffer) the request body was already read; with `onAnswer` the
// upstream answer is read whole and handed over instead of being streamed.
function forward(req, res, body, onAnswer) {
  const up = getUpstream();
  if (!up) {
    res.writeHead(502, { 'content-type': 'text/plain' }).end('shim: upstream not known yet\n');
    return;
  }
  const drop = body ? ['content-length'] : [];
  if (onAnswer) drop.push('accept-encoding'); // we must read the JSON
  const headers = endToEnd(req.rawHeaders, drop);
  if (body) headers.push('content-length', String(body.length));
  const target = new URL(req.url, up);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const ureq = send(target, { method: req.method, headers, setHost: false }, async (ures) => {
    if (!onAnswer) {
      res.writeHead(ures.statusCode, ures.statusMessage, endToEnd(ures.rawHeaders));
      ures.pipe(res);
      return;
    }
    try {
      onAnswer(ures, await readAll(ures));
    } catch (e) {
      res.destroy(e);
    }
  });
  ureq.on('error', (e) => {
    if (debug) process.stderr.write(`shim: upstream error ${e.message}\n`);
    if (onAnswer) { onAnswer(null, null); return; }
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('shim: upstream unreachable\n');
    else res.destroy();
  });
  if (body) ureq.end(body);
  else req.pipe(ureq);
}

// relay(res, ures, raw, json?): the upstream answer, with a new body if given.
function relay(res, ures, raw, json) {
  if (json === undefined) {
    res.writeHead(ures.statusCode, ures.statusMessage, endToEnd(ures.rawHeaders));
    res.end(raw);
    return;
  }
  const out = Buffer.from(JSON.stringify(json));
  const headers = endToEnd(ures.rawHeaders, ['content-length', 'etag', 'content-encoding']);
  headers.push('content-length', String(out.length));
  res.writeHead(ures.statusCode, ures.statusMessage, headers);
  res.end(out);
}

const parseJson = (raw) => { try { return JSON.parse(raw.toString('utf8')); } catch { return undefined; } };

function deviceAuthorization(req, res, body) {
  forward(req, res, body, (ures, raw) => {
    if (!ures) { res.writeHead(502, { 'content-type': 'text/plain' }).end('shim: upstream unreachable\n'); return; }
    const change = interval !== undefined || deviceOrigin !== undefined;
    const j = ures.statusCode === 200 && change ? parseJson(raw) : undefined;
    if (!j || typeof j !== 'object' || !j.device_code) { relay(res, ures, raw); return; }
    const out = { ...j };
    if (interval !== undefined) out.interval = interval;
    for (const k of deviceOrigin ? ['verification_uri', 'verification_uri_complete'] : []) {
      if (typeof out[k] !== 'string') continue;
      const u = new URL(out[k]);
      out[k] = deviceOrigin + u.pathname + u.search;
    }
    relay(res, ures, raw, out);
  });
}

function devicePoll(req, res, body) {
  if (slowDownLeft > 0) {
    slowDownLeft -= 1;
    record('slow_down', 400);
    res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' })
      .end('{"error":"slow_down"}');
    return;
  }
  forward(req, res, body, (ures, raw) => {
    if (!ures) {
      record('upstream_unreachable', 502);
      res.writeHead(502, { 'content-type': 'text/plain' }).end('shim: upstream unreachable\n');
      return;
    }
    const j = parseJson(raw);
    let answer;
    if (ures.statusCode === 200 && j?.access_token) answer = 'token';
    else answer = (j && typeof j.error === 'string') ? j.error : `http_${ures.statusCode}`;
    record(answer, ures.statusCode);
    relay(res, ures, raw);
  });
}

// A token answer whose ID token's payload has changed under its signature.
function tokenTampered(req, res, body) {
  forward(req, res, body, (ures, raw) => {
    if (!ures) { res.writeHead(502, { 'content-type': 'text/plain' }).end('shim: upstream unreachable\n'); return; }
    const j = ures.statusCode === 200 ? parseJson(raw) : undefined;
    if (!j || typeof j.id_token !== 'string' || j.id_token.split('.').length !== 3) { relay(res, ures, raw); return; }
    const [header, payload, signature] = j.id_token.split('.');
    const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), tampered: true };
    const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
    relay(res, ures, raw, { ...j, id_token: `${header}.${forged}.${signature}` });
  });
}

const server = createServer(async (req, res) => {
  const path = req.url.split('?')[0];
  if (debug) res.on('finish', () => process.stderr.write(`shim ${req.method} ${path} -> ${res.statusCode}\n`));
  if (req.method !== 'POST' || (path !== '/device/auth' && path !== '/token')) {
    forward(req, res);
    return;
  }
  let body;
  try { body = await readAll(req); } catch { res.destroy(); return; }
  if (path === '/device/auth') { deviceAuthorization(req, res, body); return; }
  const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  const params = type === 'application/x-www-form-urlencoded' ? new URLSearchParams(body.toString('utf8')) : null;
  if (params?.get('grant_type') === DEVICE_GRANT) devicePoll(req, res, body);
  else if (tamperIdToken) tokenTampered(req, res, body);
  else forward(req, res, body);
});

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(process.env.SHIM_PORT || 0), '127.0.0.1', resolve);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
