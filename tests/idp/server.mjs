// server.mjs — the test identity provider for termauth's tests.
//
// An oidc-provider instance with the built-in development login/consent pages
// (any login and password sign in), public native clients `termauth-test` and
// `termauth-ci` (ID tokens signed RS256), `termauth-secret` (secret
// `termauth-secret-value`, client_secret_post) and `termauth-ps256`,
// `termauth-es256`, `termauth-eddsa` (ID tokens signed with that algorithm;
// the JWKS holds a key for each), `termauth-norefresh` (never given a refresh
// token: no refresh_token grant), a resource server client `termauth-rs`,
// PKCE S256 required,
// RFC 9207 `iss` in authorization responses, device flow, revocation,
// introspection, userinfo, token exchange and dynamic client registration
// (details below). It listens on 127.0.0.1 on a random free port and prints
// exactly one line to stdout — its issuer URL `http://127.0.0.1:PORT` — so a
// test can start it and read where it is.
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
//                         the verifier where it must never appear, or count
//                         grants: grep -c '"grant_type":"refresh_token"'.
//                         Token exchanges and registrations have lines of
//                         their own, described below
//   IDP_DEVICE_CODE_TTL   device code lifetime, seconds (default 600). Polls
//                         answer expired_token from then until 15 s later
//                         (oidc-provider's clockTolerance), and invalid_grant
//                         ("device code not found") after that
//   IDP_PUBLIC_URL        the issuer to announce (and print) instead of the
//                         listening URL, e.g. the shim's http://127.0.0.1:PORT
//   IDP_LISTEN_FILE=FILE  write the real listening URL (one line) to FILE,
//                         atomically (temp + rename), before printing the
//                         issuer line; stdout stays that one line
//   IDP_EXCHANGE_TTL      lifetime of a token issued by token exchange,
//                         seconds (default 300)
//   IDP_DPOP_NONCE=1      DPoP proofs must carry a nonce of the IdP's (RFC 9449
//                         8): a proof without one is answered use_dpop_nonce
//                         with a DPoP-Nonce header. With IDP_RECORD, a token
//                         request that carried a proof has "dpop":true, and a
//                         refused one its "error"
//   IDP_REFRESH_ID_TOKEN=omit  answer refresh grants without an id_token
//                         (OpenID Connect Core 12.2 makes it optional; some
//                         IdPs never send one there)
//   IDP_PAR               pushed authorization requests (RFC 9126), off by
//                         default (oidc-provider would otherwise advertise
//                         them, and every browser sign-in of the suite would
//                         push): `on` advertises the endpoint
//                         ($ISSUER/request) and takes requests both pushed
//                         and not; `required` also says
//                         require_pushed_authorization_requests and refuses
//                         an authorization request that was not pushed. A
//                         pushed request lives 60 s unopened. With
//                         IDP_RECORD, each request to the PAR endpoint is a
//                         line {"par":true,"status":201,"params":[...]} and
//                         each to the authorization endpoint a line
//                         {"authorization":true,"status":303,"params":[...]}:
//                         the names of the parameters sent (the body's, the
//                         query's), never their values
//   IDP_PAR_EXPIRES_IN    with IDP_PAR: the PAR endpoint's answer says this
//                         expires_in, seconds (the request still lives 60 s),
//                         for the tests of a request pushed again before it
//                         expires
//   IDP_NO_ISS=1          an IdP without RFC 9207 (as Microsoft Entra, GitHub
//                         and Keycloak are): its redirects carry no iss, and
//                         its metadata does not promise one
//
// Always on, besides the above:
//
// * Resource server client `termauth-rs` (secret `termauth-rs-secret`,
//   client_secret_basic; no grant types, response types or redirect URIs): it
//   only calls introspection ($ISSUER/token/introspection), as Apache's
//   mod_auth_openidc does to validate the access tokens of termauth-test and
//   termauth-ci. Introspection policy: termauth-rs may introspect every access
//   token (a refresh token answers active:false to it); any other client only
//   its own tokens (so lib.sh's public `client_id=termauth-test` introspection
//   keeps working). An active access token answers {"active":true, "sub",
//   "client_id", "scope", "exp", "iat", "iss", "aud", "token_type":"Bearer"};
//   aud is the token's client_id (e.g. "termauth-test") for the tokens of a
//   sign-in, which carry no audience, and the requested audience for an
//   exchanged token (below). Expired or revoked tokens answer {"active":false}.
//
// * OAuth 2.0 Token Exchange (RFC 8693), grant type
//   urn:ietf:params:oauth:grant-type:token-exchange, allowed for termauth-test
//   and termauth-ci (and any registered client that asks for it). Parameters:
//     subject_token         required: an access token this IdP issued, valid
//                           and unexpired (its grant not revoked), to any
//                           client; else invalid_request
//     subject_token_type    required, urn:ietf:params:oauth:token-type:access_token
//                           (anything else: invalid_request)
//     audience              required, one non-empty string (else invalid_request)
//     resource              optional, one absolute URI without fragment (else
//                           invalid_target)
//     scope                 optional, a subset of the subject token's scope
//                           (else invalid_scope, with an error_description);
//                           absent: the subject token's scope
//     requested_token_type  optional, only urn:ietf:params:oauth:token-type:access_token
//                           (else invalid_request)
//     actor_token(_type)    not supported: invalid_request
//   Issues an opaque access token: aud = audience, or [audience, resource]
//   when a (different) resource is given; the subject's account (sub); the
//   requesting client's client_id; the scope above; IDP_EXCHANGE_TTL.
//   Revoking it (revocation endpoint, by the requesting client) revokes only
//   it; revoking the session it came from (its refresh token, or a replay
//   that revokes the grant) makes it inactive too.
//   Answer (RFC 8693 2.2.1): {"access_token", "issued_token_type":
//   "urn:ietf:params:oauth:token-type:access_token", "token_type":"Bearer",
//   "expires_in", "scope"}. With IDP_RECORD, each exchange request is one
//   line {"grant_type":"urn:ietf:params:oauth:grant-type:token-exchange",
//   "status":200,"audience":...,"resource":...,"scope":...} (status 400 when
//   refused; audience, resource and scope only when sent; never a token).
//   Count exchanges with grep -c '"grant_type":"urn:ietf:params:oauth:grant-type:token-exchange"'
//   (all) or ...token-exchange","status":200' (granted ones).
//
// * Resource indicators (RFC 8707): every http(s) URL is a resource (an API)
//   except those whose path starts with /refused (invalid_target). A
//   resource's access tokens are opaque, live IDP_ACCESS_TOKEN_TTL, have
//   aud = the resource (introspection says so) and the scopes api:read and
//   api:write it was granted (none by default; ask with scope). A token
//   request (code or refresh_token grant) may name one resource the
//   authorization request named; without one, the access token is the
//   sign-in's own (no audience). With IDP_RECORD, code and refresh lines
//   carry "resource" and "scope" when sent: count a resource's grants with
//   grep -c '"grant_type":"refresh_token","status":200,"resource":"URL"'
//   (code_verifier is absent from refresh lines, so it is not in between).
//
// * Dynamic Client Registration (RFC 7591): open (no initial access token) at
//   $ISSUER/reg (discovery's registration_endpoint). A native public client
//   registers with {"application_type":"native",
//   "token_endpoint_auth_method":"none",
//   "redirect_uris":["http://127.0.0.1/callback"], "grant_types":[
//   "authorization_code","refresh_token",
//   "urn:ietf:params:oauth:grant-type:device_code"],"response_types":["code"]}
//   and signs in as termauth-test does (any loopback port, PKCE, consent,
//   refresh tokens rotated at each use). With IDP_RECORD, each request to the
//   registration endpoint is one line {"registration":true,"method":"POST",
//   "path":"/reg","status":201,"client_id":"..."} (client_id null when
//   refused; a read of the registration, GET /reg/ID with the registration
//   access token, is a line with "method":"GET"). Count registrations with
//   grep -c '"registration":true,"method":"POST","path":"/reg","status":201'
//   (or '"registration":true' for every request to the endpoint).
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

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
const exchangeTTL = seconds('IDP_EXCHANGE_TTL', 300);
const parExpiresIn = seconds('IDP_PAR_EXPIRES_IN', 0);
const par = process.env.IDP_PAR || '';
if (!['', 'on', 'required'].includes(par)) {
  process.stderr.write('server.mjs: IDP_PAR must be on or required\n');
  process.exit(2);
}
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

const { default: Provider, errors } = await import('oidc-provider');

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

// Signing keys: one per algorithm the verifier must know from a real IdP
// (RS256 for the ordinary clients; PS256, ES256 and EdDSA for the
// termauth-<alg> clients below, whose ID tokens use them). Fixed test-only
// keys from test-keys.json (see make-test-keys.mjs), not made at each start:
// Node 20's generateKeyPairSync can deadlock, and RSA generation made every
// start slow. Every test has its own IdP on its own port (its own issuer)
// and its own JWKS cache, so no test needs keys that differ between starts.
const { idp: jwks } = JSON.parse(readFileSync(new URL('test-keys.json', import.meta.url), 'utf8'));

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

// Two public native clients: termauth-test, whose refresh tokens rotate at
// each use, and termauth-ci, whose do not (as a client for CI credentials
// should be registered: a credential is used again by every job).
const nativeClient = (id) => ({
  client_id: id,
  application_type: 'native',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['http://127.0.0.1/callback'], // any port is accepted (RFC 8252)
  grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', TOKEN_EXCHANGE],
  response_types: ['code'],
});
// A resource server (e.g. Apache with mod_auth_openidc): introspection only.
const RS_CLIENT_ID = 'termauth-rs';
const resourceServerClient = {
  client_id: RS_CLIENT_ID,
  client_secret: 'termauth-rs-secret',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: [],
  response_types: [],
  redirect_uris: [],
};

// Exchanged tokens belong to no grant (revoking one would otherwise revoke
// the whole grant: the user's session): this remembers the grant of the
// session each came from, so that revoking the session makes them inactive
// too. jti -> { grantId, clientId }.
const exchangedFrom = new Map();
let provider;
// revokeExchangedFrom(grantId): destroys the exchanged tokens that came from
// this grant's session (its tokens have just been revoked).
async function revokeExchangedFrom(grantId) {
  for (const [jti, from] of exchangedFrom) {
    if (from.grantId !== grantId) continue;
    exchangedFrom.delete(jti);
    await (await provider.AccessToken.find(jti, { ignoreExpiration: true }))?.destroy();
  }
}
async function grantAlive(grantId, clientId, accountId) {
  const grant = await provider.Grant.find(grantId, { ignoreExpiration: true });
  return !!grant && !grant.isExpired && grant.clientId === clientId && grant.accountId === accountId;
}
// sessionAlive(token): false for a token whose grant (or, for an exchanged
// token, whose originating session's grant) is gone.
async function sessionAlive(token) {
  if (token.grantId && !await grantAlive(token.grantId, token.clientId, token.accountId)) return false;
  const from = exchangedFrom.get(token.jti);
  if (from && !await grantAlive(from.grantId, from.clientId, token.accountId)) return false;
  return true;
}

provider = new Provider(issuer, {
  clients: [nativeClient('termauth-test'), nativeClient('termauth-ci'), resourceServerClient,
    // A client the IdP gives no refresh tokens, as many IdPs do unless the
    // client is allowed them: its sessions end with their access token.
    { ...nativeClient('termauth-norefresh'),
      grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'] },
    // A native client with a secret (as Google gives installed apps), sent
    // in the body: the code exchange and a pushed request must carry it.
    { ...nativeClient('termauth-secret'), client_secret: 'termauth-secret-value',
      token_endpoint_auth_method: 'client_secret_post' },
    // Clients whose ID tokens are signed with another algorithm.
    ...['PS256', 'ES256', 'EdDSA'].map((alg) => ({
      ...nativeClient(`termauth-${alg.toLowerCase()}`), id_token_signed_response_alg: alg,
    }))],
  jwks: { keys: jwks },
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
    introspection: {
      enabled: true,
      // The resource server sees every access token; any other client
      // (public or not) only its own tokens.
      allowedPolicy: async (ctx, client, token) => {
        if (!await sessionAlive(token)) return false; // an exchanged token whose session is gone
        if (client.clientId === RS_CLIENT_ID) return token.kind === 'AccessToken';
        return token.clientId === client.clientId;
      },
    },
    userinfo: { enabled: true },
    // Open dynamic registration (RFC 7591), no initial access token.
    registration: { enabled: true, initialAccessToken: false },
    // Pushed authorization requests: see IDP_PAR above.
    pushedAuthorizationRequests: { enabled: par !== '', requirePushedAuthorizationRequests: par === 'required' },
    // RFC 9207 `iss` is always on in oidc-provider 9 (no feature flag).
    // DPoP (RFC 9449) is on (oidc-provider's default); IDP_DPOP_NONCE=1
    // makes every proof carry a nonce of the IdP's.
    dPoP: process.env.IDP_DPOP_NONCE === '1'
      ? { enabled: true, nonceSecret: Buffer.alloc(32, 7), requireNonce: () => true }
      : { enabled: true },
    // Resource indicators (RFC 8707): any http(s) URL is an API here but
    // one whose path starts /refused; see the header.
    resourceIndicators: {
      enabled: true,
      useGrantedResource: async () => false,
      getResourceServerInfo: async (ctx, resource) => {
        let u;
        try { u = new URL(resource); } catch { u = null; }
        if (!u || !/^https?:$/.test(u.protocol) || u.pathname.startsWith('/refused')) {
          throw new errors.InvalidTarget(`this IdP knows no resource ${resource}`);
        }
        return {
          scope: 'api:read api:write', audience: resource, accessTokenFormat: 'opaque',
          accessTokenTTL,
        };
      },
    },
  },
  // A refresh token always (oidc-provider drops offline_access unless
  // prompt=consent) to a client allowed the grant, rotated on each use, not
  // tied to the browser session.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
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

// Token exchange (RFC 8693): an access token of this IdP for another one,
// for another audience, with the same or a narrower scope.
const exchangeParams = ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type',
  'requested_token_type', 'audience', 'resource', 'scope'];
provider.registerGrantType(TOKEN_EXCHANGE, async (ctx) => {
  const { params, client } = ctx.oidc;
  const given = (name) => params[name] !== undefined && params[name] !== '';
  for (const name of ['subject_token', 'subject_token_type', 'audience']) {
    if (!given(name)) throw new errors.InvalidRequest(`missing required parameter '${name}'`);
  }
  if (params.subject_token_type !== ACCESS_TOKEN_TYPE) {
    throw new errors.InvalidRequest(`unsupported subject_token_type, only ${ACCESS_TOKEN_TYPE} is supported`);
  }
  if (given('requested_token_type') && params.requested_token_type !== ACCESS_TOKEN_TYPE) {
    throw new errors.InvalidRequest(`unsupported requested_token_type, only ${ACCESS_TOKEN_TYPE} is supported`);
  }
  if (given('actor_token') || given('actor_token_type')) {
    throw new errors.InvalidRequest('actor_token is not supported');
  }
  if (given('resource')) {
    let u;
    try { u = new URL(params.resource); } catch { u = null; }
    if (!u || params.resource.includes('#')) {
      throw new errors.InvalidTarget('resource must be an absolute URI without a fragment');
    }
  }

  let subject;
  try { subject = await provider.AccessToken.find(params.subject_token); } catch { subject = undefined; }
  if (!subject || !subject.isValid || !subject.accountId) {
    throw new errors.InvalidRequest('subject_token is invalid, expired or revoked');
  }
  if (!await sessionAlive(subject)) {
    throw new errors.InvalidRequest('subject_token is invalid, expired or revoked');
  }

  const subjectScopes = subject.scopes; // a Set
  subjectScopes.delete('');
  let scope = [...subjectScopes];
  if (given('scope')) {
    const requested = [...new Set(params.scope.split(' ').filter(Boolean))];
    const extra = requested.filter((s) => !subjectScopes.has(s));
    if (extra.length) {
      throw new errors.InvalidScope(
        `requested scope is not a subset of the subject token's scope (not granted: ${extra.join(' ')})`,
        extra.join(' '),
      );
    }
    scope = requested;
  }

  const aud = given('resource') && params.resource !== params.audience
    ? [params.audience, params.resource] : params.audience;
  const token = new provider.AccessToken({
    client,
    accountId: subject.accountId,
    gty: TOKEN_EXCHANGE,
    scope: scope.join(' ') || undefined,
    expiresWithSession: false,
    expiresIn: exchangeTTL,
  });
  token.aud = aud; // setAudience() allows one value only; aud may be an array here

  ctx.oidc.entity('AccessToken', token);
  const value = await token.save();
  const from = subject.grantId
    ? { grantId: subject.grantId, clientId: subject.clientId }
    : exchangedFrom.get(subject.jti); // an exchanged token exchanged again
  if (from) {
    exchangedFrom.set(token.jti, from);
    setTimeout(() => exchangedFrom.delete(token.jti), (exchangeTTL + 60) * 1000).unref();
  }
  ctx.body = {
    access_token: value,
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: 'Bearer',
    expires_in: token.expiration,
    scope: token.scope,
  };
}, exchangeParams);

// Revoking the session revokes the tokens exchanged from it: a grant revoked
// (refresh token revoked, a replay, logout) emits grant.revoked; revoking one
// of its access tokens revokes the grant's tokens but keeps the grant, and
// emits nothing.
provider.on('grant.revoked', (ctx, grantId) => {
  revokeExchangedFrom(grantId).catch((err) => process.stderr.write(`idp: ${err.stack}\n`));
});
provider.use(async (ctx, next) => {
  await next();
  const at = ctx.oidc?.route === 'revocation' ? ctx.oidc.entities?.AccessToken : undefined;
  if (at?.grantId && !await provider.AccessToken.find(at.jti)) await revokeExchangedFrom(at.grantId);
});

// Introspection: an access token issued with no audience (every token of a
// sign-in here: an audience would make userinfo refuse it) is reported with
// its client's id as aud, so that a resource server always sees one.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.oidc?.route !== 'introspection' || !ctx.oidc.entities?.AccessToken) return;
  const body = ctx.body;
  if (body && typeof body === 'object' && body.active === true && body.aud === undefined && body.client_id) {
    body.aud = body.client_id;
  }
});

// IDP_PAR_EXPIRES_IN: the PAR endpoint's answer names a shorter lifetime.
if (parExpiresIn) {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/request' && ctx.status === 201 && ctx.body?.request_uri) ctx.body.expires_in = parExpiresIn;
  });
}

// IDP_REFRESH_ID_TOKEN=omit: a refresh answered without its ID token.
if (process.env.IDP_REFRESH_ID_TOKEN === 'omit') {
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body;
    if (ctx.path === '/token' && ctx.oidc?.params?.grant_type === 'refresh_token' && body &&
        typeof body === 'object' && !Buffer.isBuffer(body)) delete body.id_token;
  });
}

// IDP_NO_ISS=1: see the header. oidc-provider always sends iss, so it is
// taken out of the redirects' Location (the authorization endpoint and its
// resumption after the interaction) and out of the metadata.
if (process.env.IDP_NO_ISS === '1') {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/.well-known/openid-configuration' && ctx.body && typeof ctx.body === 'object') {
      delete ctx.body.authorization_response_iss_parameter_supported;
      return;
    }
    const to = ctx.response.get('location');
    if (!to || !ctx.path.startsWith('/auth')) return;
    const u = new URL(to, 'http://relative.invalid'); // the interaction's Location is a path
    if (!u.searchParams.has('iss')) return;
    u.searchParams.delete('iss');
    ctx.set('location', u.href);
    ctx.body = '';
  });
}

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
    if (ctx.path === '/reg' || ctx.path.startsWith('/reg/')) {
      const body = ctx.body && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body) ? ctx.body : {};
      appendFileSync(record, `${JSON.stringify({
        registration: true, method: ctx.method, path: ctx.path, status: ctx.status, client_id: body.client_id ?? null,
      })}\n`);
      return;
    }
    if (ctx.path === '/request' || ctx.path === '/auth') {
      const sent = ctx.path === '/request' ? ctx.oidc?.body || {} : ctx.query;
      appendFileSync(record, `${JSON.stringify({
        [ctx.path === '/request' ? 'par' : 'authorization']: true, status: ctx.status, params: Object.keys(sent),
      })}\n`);
      return;
    }
    if (ctx.path !== '/token' || !ctx.oidc) return;
    const p = ctx.oidc.params || {};
    const line = p.grant_type === TOKEN_EXCHANGE
      ? { grant_type: p.grant_type, status: ctx.status, audience: p.audience, resource: p.resource, scope: p.scope }
      : { grant_type: p.grant_type, code_verifier: p.code_verifier, status: ctx.status, resource: p.resource, scope: p.scope,
        dpop: ctx.get('DPoP') ? true : undefined, error: ctx.status === 200 ? undefined : ctx.body?.error };
    appendFileSync(record, `${JSON.stringify(line)}\n`);
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
