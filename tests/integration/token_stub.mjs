// token_stub.mjs - a STUB in front of the test IdP, for two behaviours no
// real IdP setup here shows on demand: a token response without expires_in
// (oidc-provider always sends one; some IdPs do not), and a store that
// breaks between a refresh token's rotation and the save of its successor
// (a disk filling up, a keychain going away, at exactly that moment).
// Everything else is passed through untouched, Host header included, so
// that oidc-provider's issuer and endpoints all name the stub.
//
// Usage (see token_stub.sh): node token_stub.mjs prints its URL
// http://127.0.0.1:PORT on stdout; the IdP is started with IDP_PUBLIC_URL
// set to it and IDP_LISTEN_FILE=F, and the stub reads F (STUB_UPSTREAM_FILE)
// at its first request.
//
// Environment:
//   STUB_UPSTREAM_FILE   a file whose first line is the IdP's listening URL
//   STUB_NO_EXPIRES_IN=1 drop expires_in from every token endpoint answer
//   STUB_BREAK_PATH=P    at the first refresh_token grant that the IdP
//                        answers with a token, before relaying the answer:
//                        remove the file P and make a directory in its
//                        place, so that renaming a new file over P fails
//                        (EISDIR), for root too
//   STUB_RECORD=FILE     one JSON line per token endpoint answer relayed:
//                        {"grant_type", "status", "expires_in": present?,
//                        "broke": bool} - never a token
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';

const noExpiresIn = process.env.STUB_NO_EXPIRES_IN === '1';
let breakPath = process.env.STUB_BREAK_PATH || '';
let upstream;

function getUpstream() {
  if (!upstream) {
    try {
      upstream = new URL(readFileSync(process.env.STUB_UPSTREAM_FILE, 'utf8').split('\n')[0].trim());
    } catch { return null; }
  }
  return upstream;
}

const readAll = (s) => new Promise((ok, ko) => {
  const parts = [];
  s.on('data', (d) => parts.push(d)).on('end', () => ok(Buffer.concat(parts))).on('error', ko);
});

function record(line) {
  if (process.env.STUB_RECORD) appendFileSync(process.env.STUB_RECORD, `${JSON.stringify(line)}\n`);
}

// The token endpoint's answer, changed as asked.
function tokenAnswer(body, status, text) {
  const grant = new URLSearchParams(body.toString('utf8')).get('grant_type');
  let j;
  try { j = JSON.parse(text); } catch { return { text, line: { grant_type: grant, status } }; }
  let broke = false;
  if (status === 200 && j.access_token && noExpiresIn) delete j.expires_in;
  if (status === 200 && j.access_token && grant === 'refresh_token' && breakPath) {
    rmSync(breakPath, { force: true });
    mkdirSync(breakPath);
    breakPath = ''; // once
    broke = true;
  }
  return { text: JSON.stringify(j), line: { grant_type: grant, status, expires_in: 'expires_in' in j, broke } };
}

createServer(async (req, res) => {
  const up = getUpstream();
  if (!up) { res.writeHead(502).end('stub: upstream not known yet\n'); return; }
  const body = await readAll(req);
  const headers = { ...req.headers };
  delete headers['accept-encoding']; // the answer must be readable here
  headers['content-length'] = String(body.length);
  const ureq = request(new URL(req.url, up), { method: req.method, headers, setHost: false }, async (ures) => {
    let raw = await readAll(ures);
    const out = { ...ures.headers };
    delete out['transfer-encoding'];
    delete out.connection;
    if (req.method === 'POST' && new URL(req.url, up).pathname === '/token') {
      const { text, line } = tokenAnswer(body, ures.statusCode, raw.toString('utf8'));
      raw = Buffer.from(text);
      delete out.etag;
      record(line);
    }
    out['content-length'] = String(raw.length);
    res.writeHead(ures.statusCode, out).end(raw);
  });
  ureq.on('error', () => { if (!res.headersSent) res.writeHead(502).end('stub: upstream unreachable\n'); });
  ureq.end(body);
}).listen(0, '127.0.0.1', function () {
  process.stdout.write(`http://127.0.0.1:${this.address().port}\n`);
});
