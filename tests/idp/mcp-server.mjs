// mcp-server.mjs — a real MCP server for termauth's tests, built with the
// official TypeScript SDK (@modelcontextprotocol/sdk, pinned in
// package.json): a protected resource that a person signs in for with
// `termauth login --resource URL`.
//
// A streamable-HTTP MCP server (stateless: a fresh server and transport per
// request) at /mcp, listening on 127.0.0.1 on a random free port. It prints
// exactly one line to stdout — its MCP URL `http://127.0.0.1:PORT/mcp`,
// which is also its resource identifier (RFC 8707, RFC 9728) — so a test
// can start it and read where it is. Everything else goes to stderr, and
// only with MCP_DEBUG=1.
//
// What it serves, all the SDK's own code:
//
// * Protected resource metadata (RFC 9728), by the SDK's
//   mcpAuthMetadataRouter, at the path-inserted well-known URL
//   http://127.0.0.1:PORT/.well-known/oauth-protected-resource/mcp:
//   {"resource":"http://127.0.0.1:PORT/mcp","authorization_servers":[ISSUER],
//    "scopes_supported":["api:read","api:write"]}. The router also mirrors
//   the IdP's metadata at /.well-known/oauth-authorization-server, as the
//   SDK always does; it is read from the IdP at start-up.
// * /mcp behind the SDK's requireBearerAuth: a request without a valid
//   token is answered 401 with `WWW-Authenticate: Bearer error="...",
//   error_description="...", resource_metadata="<the well-known URL>"`,
//   and a JSON body {"error","error_description"}. A token is valid when
//   the IdP's introspection (as the `termauth-rs` client, secret
//   `termauth-rs-secret`) says it is active, unexpired, and its aud is (or,
//   as an array, holds) this server's resource URL — the SDK's
//   expectedResource check (one trailing slash aside). So a token of a
//   plain sign-in (aud = its client_id) is refused with 401
//   error="invalid_token", "Token was not issued for this resource"; a
//   token asked for with resource=MCP URL is accepted.
// * One tool, `whoami` (no arguments): answers one text content, the
//   token's sub (the account the person signed in as).
//
// Environment:
//   MCP_ISSUER            required: the IdP's issuer URL (tests/idp/server.mjs's
//                         line), named in authorization_servers and used for
//                         its discovery and introspection
//   MCP_METADATA_RESOURCE optional: the metadata names another resource than
//                         this server's (for the refusal of RFC 9728 3.3):
//                         `override` for http://127.0.0.1:PORT/other-mcp, or
//                         any string, served as is. The document is then the
//                         SDK's metadataHandler's, at the same URL
//   MCP_METADATA_AT=root  serve the metadata only at the root well-known URL
//                         (/.well-known/oauth-protected-resource), not at the
//                         path-inserted one (the MCP spec's second try)
//   MCP_CHALLENGE=bare    401s without resource_metadata in WWW-Authenticate
//                         (the client must build the well-known URL itself)
//   MCP_SCOPES            scopes_supported, space-separated (default
//                         "api:read api:write", what tests/idp/server.mjs
//                         grants a resource); "none" leaves it out
//   MCP_DEBUG=1           log each request and its status to stderr
//
// SIGTERM or SIGINT stops it.

import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import {
  mcpAuthMetadataRouter, getOAuthProtectedResourceMetadataUrl,
} from '@modelcontextprotocol/sdk/server/auth/router.js';
import { metadataHandler } from '@modelcontextprotocol/sdk/server/auth/handlers/metadata.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidTokenError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';

const debug = process.env.MCP_DEBUG === '1';
const log = (...a) => { if (debug) process.stderr.write(`mcp ${a.join(' ')}\n`); };
const issuer = process.env.MCP_ISSUER;
if (!issuer) {
  process.stderr.write('mcp-server.mjs: set MCP_ISSUER to the IdP\'s issuer URL\n');
  process.exit(2);
}
const RS_CLIENT = 'termauth-rs';
const RS_SECRET = 'termauth-rs-secret';
const scopesEnv = process.env.MCP_SCOPES ?? 'api:read api:write';
const scopes = scopesEnv === 'none' ? undefined : scopesEnv.split(' ').filter(Boolean);

// The IdP's metadata: the router mirrors it, introspection is found in it.
async function idpMetadata() {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`the IdP's discovery answered HTTP ${res.status}`);
  return res.json();
}

// Listen first: the resource URL holds the port.
const http = createServer();
await new Promise((resolve, reject) => {
  http.once('error', reject);
  http.listen(0, '127.0.0.1', resolve);
});
const origin = `http://127.0.0.1:${http.address().port}`;
const resource = new URL(`${origin}/mcp`);
const metadataUrl = getOAuthProtectedResourceMetadataUrl(resource);
const oauthMetadata = await idpMetadata();

// Introspection at the IdP, as the resource server client.
const verifier = {
  async verifyAccessToken(token) {
    let res;
    try {
      res = await fetch(oauthMetadata.introspection_endpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${RS_CLIENT}:${RS_SECRET}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token }).toString(),
      });
    } catch (e) {
      throw new ServerError(`introspection failed: ${e.message}`);
    }
    if (!res.ok) throw new ServerError(`introspection answered HTTP ${res.status}`);
    const info = await res.json();
    log('introspection: active', info.active, 'aud', JSON.stringify(info.aud));
    if (info.active !== true) throw new InvalidTokenError('Token is not active');
    // The SDK compares authInfo.resource with expectedResource: hand it the
    // audience that is this server, when the token has it.
    const auds = Array.isArray(info.aud) ? info.aud : [info.aud];
    const aud = auds.find((a) => typeof a === 'string' && a.replace(/\/$/, '') === resource.href) ??
      auds[0];
    return {
      token,
      clientId: info.client_id,
      scopes: typeof info.scope === 'string' ? info.scope.split(' ').filter(Boolean) : [],
      expiresAt: info.exp,
      resource: typeof aud === 'string' ? aud : undefined,
      extra: { sub: info.sub },
    };
  },
};

const app = createMcpExpressApp({ host: '127.0.0.1' });
if (debug) {
  app.use((req, res, next) => {
    res.on('finish', () => log(req.method, req.originalUrl, '->', res.statusCode));
    next();
  });
}

const override = process.env.MCP_METADATA_RESOURCE;
const atRoot = process.env.MCP_METADATA_AT === 'root';
if (!override && !atRoot) {
  app.use(mcpAuthMetadataRouter({ oauthMetadata, resourceServerUrl: resource,
    scopesSupported: scopes, resourceName: 'termauth test MCP server' }));
} else {
  // The same document from the SDK's own handler, its resource replaced, or
  // served at the root well-known URL.
  const doc = {
    resource: override === 'override' ? `${origin}/other-mcp` : (override ?? resource.href),
    authorization_servers: [oauthMetadata.issuer],
    scopes_supported: scopes,
    resource_name: 'termauth test MCP server',
  };
  app.use(atRoot ? '/.well-known/oauth-protected-resource'
    : new URL(metadataUrl).pathname, metadataHandler(doc));
}

const bare = process.env.MCP_CHALLENGE === 'bare';
const auth = requireBearerAuth({
  verifier, expectedResource: resource, resourceMetadataUrl: bare ? undefined : metadataUrl,
});

function mcpServer() {
  const server = new McpServer({ name: 'termauth-test-mcp', version: '1.0.0' });
  server.registerTool('whoami', { description: 'The account the access token was issued to' },
    async (extra) => ({ content: [{ type: 'text', text: String(extra.authInfo?.extra?.sub) }] }));
  return server;
}

app.all('/mcp', auth, async (req, res) => {
  const server = mcpServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => { transport.close(); server.close(); });
  try {
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  } catch (e) {
    log('error', e.stack);
    if (!res.headersSent) res.status(500).json({ error: 'server_error' });
  }
});

http.on('request', app);

const stop = () => {
  http.close(() => process.exit(0));
  http.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

process.stdout.write(`${resource.href}\n`);
