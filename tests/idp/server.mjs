// server.mjs — the test identity provider for termauth's tests.
//
// An oidc-provider instance with the built-in development login/consent pages
// (any login and password sign in), one public native client `termauth-test`,
// PKCE S256 required, RFC 9207 `iss` in authorization responses, device flow,
// revocation, introspection and userinfo. It listens on 127.0.0.1 on a random
// free port and prints exactly one line to stdout — its issuer URL
// `http://127.0.0.1:PORT` — so a test can start it and read where it is.
// Everything else goes to stderr, and only with IDP_DEBUG=1.
//
// Something may sit in front of it (tests/idp/shim.mjs, for the device flow's
// slow_down and interval): IDP_PUBLIC_URL makes that URL the issuer while the
// IdP still listens on its own random port. oidc-provider builds every
// endpoint URL from the request's Host header, so a front that passes Host
// through makes discovery, forms and redirects all name the front.
//
// Environment (all optional):
//   IDP_CODE_TTL          authorization code lifetime, seconds (default 60)
//   IDP_ACCESS_TOKEN_TTL  access token lifetime, seconds (default 3600)
//   IDP_DEBUG=1           log requests and oidc-provider's notices to stderr
//   IDP_TLS_CERT, IDP_TLS_KEY  PEM files: serve https instead of http (for
//                         the tests of CA bundles; the issuer becomes https)
//   IDP_RECORD=FILE       append one JSON line per token request (grant type,
//                         code_verifier, status), so a test can search for
//                         the verifier where it must never appear
//   IDP_DEVICE_CODE_TTL   device code lifetime, seconds (default 600). Polls
//                         answer expired_token from then until 15 s later
//                         (oidc-provider's clockTolerance), and invalid_grant
//                         ("device code not found") after that
//   IDP_PUBLIC_URL        the issuer to announce (and print) instead of the
//                         listening URL, e.g. the shim's http://127.0.0.1:PORT
//   IDP_LISTEN_FILE=FILE  write the real listening URL (one line) to FILE,
//                         atomically (temp + rename), before printing the
//                         issuer line; stdout stays that one line
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';

const debug = process.env.IDP_DEBUG === '1';
const seconds = (name, dflt) => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write(`server.mjs: ${name} must be a positive integer\n`);
    process.exit(2);
  }
  return n;
};
const codeTTL = seconds('IDP_CODE_TTL', 60);
const accessTokenTTL = seconds('IDP_ACCESS_TOKEN_TTL', 3600);
const deviceCodeTTL = seconds('IDP_DEVICE_CODE_TTL', 600);
let publicUrl = process.env.IDP_PUBLIC_URL || '';
if (publicUrl) {
  let u;
  try { u = new URL(publicUrl); } catch { u = null; }
  if (!u || !/^https?:$/.test(u.protocol) || u.search || u.hash || u.pathname !== '/') {
    process.stderr.write('server.mjs: IDP_PUBLIC_URL must be an http(s) origin such as http://127.0.0.1:40001\n');
    process.exit(2);
  }
  publicUrl = u.origin; // no trailing slash, as the issuer is compared verbatim
}

// oidc-provider prints notices with console.info (stdout) and warnings with
// console.warn: stdout is reserved for the issuer line, and we stay quiet.
const toStderr = (...a) => { if (debug) console.error(...a); };
console.info = toStderr;
console.log = toStderr;
console.warn = toStderr;

const { default: Provider } = await import('oidc-provider');

// Listen first: the issuer must contain the port, and the Provider needs it.
const tls = process.env.IDP_TLS_CERT && process.env.IDP_TLS_KEY;
const server = tls
  ? createTlsServer({ cert: readFileSync(process.env.IDP_TLS_CERT), key: readFileSync(process.env.IDP_TLS_KEY) })
  : createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', resolve);
});
const listening = `${tls ? 'https' : 'http'}://127.0.0.1:${server.address().port}`;
const issuer = publicUrl || listening;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

// Two public native clients: termauth-test, whose refresh tokens rotate at
// each use, and termauth-ci, whose do not (as a client for CI credentials
// should be registered: a credential is used again by every job).
const nativeClient = (id) => ({
  client_id: id,
  application_type: 'native',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['http://127.0.0.1/callback'], // any port is accepted (RFC 8252)
  grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
  response_types: ['code'],
});

const provider = new Provider(issuer, {
  clients: [nativeClient('termauth-test'), nativeClient('termauth-ci')],
  jwks: { keys: [jwk] },
  cookies: { keys: ['termauth-test-idp-cookie-key'] },
  pkce: { required: () => true }, // only S256 is supported by oidc-provider
  responseTypes: ['code'],
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  claims: {
    openid: ['sub'],
    profile: ['name'],
    email: ['email', 'email_verified'],
  },
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
    userinfo: { enabled: true },
    // RFC 9207 `iss` is always on in oidc-provider 9 (no feature flag).
  },
  // A refresh token always (oidc-provider drops offline_access unless
  // prompt=consent), rotated on each use, not tied to the browser session.
  issueRefreshToken: async () => true,
  rotateRefreshToken: (ctx) => ctx.oidc.client.clientId !== 'termauth-ci',
  expiresWithSession: async () => false,
  ttl: {
    AuthorizationCode: codeTTL,
    AccessToken: accessTokenTTL,
    IdToken: 3600,
    DeviceCode: deviceCodeTTL,
    Interaction: 3600,
    Session: 14 * 24 * 3600,
    Grant: 14 * 24 * 3600,
    RefreshToken: 14 * 24 * 3600,
  },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, name: `Test User ${sub}`, email: `${sub}@example.test`, email_verified: true };
      },
    };
  },
});

provider.on('server_error', (ctx, err) => process.stderr.write(`idp server_error: ${err.stack}\n`));
if (debug) {
  provider.use(async (ctx, next) => {
    await next();
    process.stderr.write(`idp ${ctx.method} ${ctx.path} -> ${ctx.status}\n`);
  });
}

const record = process.env.IDP_RECORD;
if (record) {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || !ctx.oidc) return;
    const p = ctx.oidc.params || {};
    appendFileSync(record, `${JSON.stringify({
      grant_type: p.grant_type, code_verifier: p.code_verifier, status: ctx.status,
    })}\n`);
  });
}

server.on('request', provider.callback());

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

const listenFile = process.env.IDP_LISTEN_FILE;
if (listenFile) {
  writeFileSync(`${listenFile}.tmp${process.pid}`, `${listening}\n`);
  renameSync(`${listenFile}.tmp${process.pid}`, listenFile);
}
process.stdout.write(`${issuer}\n`);
