// mcp-client.mjs — calls a tool of an MCP server with the official SDK's
// client (Client over StreamableHTTPClientTransport), the headers of its
// requests taken from a JSON object: what `termauth token --json-headers`
// prints, {"Authorization":"Bearer ..."}.
//
//   node mcp-client.mjs MCP_URL [TOOL] [HEADERS_FILE]
//
// TOOL defaults to whoami. The headers are read from HEADERS_FILE, or from
// stdin when it is absent or "-"; an empty input means no headers. On
// success it prints the tool's text content (one line per text item) and
// exits 0. Any failure — the server refusing the token (401, 403), no such
// tool, a tool error, bad headers — prints one line on stderr starting
// "mcp-client: " (with the HTTP status when there is one, e.g.
// "mcp-client: HTTP 401: ...") and exits 1; a usage error exits 2. It
// never signs in itself (no OAuth provider is given to the transport), and
// never prints the headers.

import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [url, tool = 'whoami', file = '-'] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: node mcp-client.mjs MCP_URL [TOOL] [HEADERS_FILE]\n');
  process.exit(2);
}

function fail(msg) {
  process.stderr.write(`mcp-client: ${String(msg).split('\n')[0]}\n`);
  process.exit(1);
}

let headers = {};
try {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  if (text.trim()) headers = JSON.parse(text);
} catch (e) {
  fail(`cannot read the headers: ${e.message}`);
}
if (typeof headers !== 'object' || headers === null || Array.isArray(headers) ||
    !Object.values(headers).every((v) => typeof v === 'string')) {
  fail('the headers are not a JSON object of strings');
}

const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
const client = new Client({ name: 'termauth-test-mcp-client', version: '1.0.0' });
try {
  await client.connect(transport);
  const result = await client.callTool({ name: tool, arguments: {} });
  if (result.isError) fail(`the tool failed: ${JSON.stringify(result.content)}`);
  for (const item of result.content ?? []) {
    if (item.type === 'text') process.stdout.write(`${item.text}\n`);
  }
  await client.close();
} catch (e) {
  const status = e.code ?? e.status;
  fail(typeof status === 'number' && status >= 100 ? `HTTP ${status}: ${e.message}` : e.message);
}
