// mixup-as.mjs — a STUB: an attacker's authorization server, which no
// real product here plays. It stands for the mix-up attack of RFC 9700
// 4.4.1 by way of RFC 9728: a protected resource names this server as
// its IdP, and this server's metadata sends the person's browser (or the
// device flow) to the honest test IdP, while the code, the registration
// and every other request would come here. It also hands out, at its
// registration endpoint, the honest IdP's own public client id, so that
// the honest IdP would accept the sign-in. termauth must refuse before
// any of that is used: its tests assert that no request but the metadata
// reached this server.
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
//                       start-up) with issuer S and every endpoint moved to
//                       S (same path), except those MIXUP_HONEST names,
//                       which keep the honest IdP's URL
//   POST /reg           201 {"client_id": MIXUP_CLIENT_ID}
//   anything else       400 {"error":"invalid_request"}
//
// Environment:
//   MIXUP_IDP        required: the honest IdP's issuer
//   MIXUP_HONEST     metadata members left at the honest IdP, separated by
//                    commas (default: authorization_endpoint)
//   MIXUP_CLIENT_ID  the client id its registration hands out
//                    (default: termauth-test, the test IdP's public client)
//   MIXUP_DPOP=1     the resource wants DPoP-bound tokens
//   MIXUP_RECORD     a file: one JSON line {"method","path"} per request
import http from 'node:http';
import fs from 'node:fs';

const idp = process.env.MIXUP_IDP;
if (!idp) {
  console.error('mixup-as: MIXUP_IDP is required');
  process.exit(2);
}
const honest = new Set((process.env.MIXUP_HONEST || 'authorization_endpoint').split(','));
const clientId = process.env.MIXUP_CLIENT_ID || 'termauth-test';
const record = process.env.MIXUP_RECORD;

const upstream = await (await fetch(`${idp}/.well-known/openid-configuration`)).json();
let self;

// The honest metadata, with this server as the issuer and each endpoint
// here unless MIXUP_HONEST keeps it at the honest IdP.
function metadata() {
  const md = { ...upstream, issuer: self };
  for (const [key, value] of Object.entries(upstream)) {
    if (!/_endpoint$/.test(key) || typeof value !== 'string' || honest.has(key))
      continue;
    md[key] = self + new URL(value).pathname;
  }
  return md;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url, self).pathname;
  if (record)
    fs.appendFileSync(record, JSON.stringify({ method: req.method, path }) + '\n');
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
