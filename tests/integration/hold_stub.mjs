// A stub, not an IdP: a token endpoint that takes a request and never answers it, so that t_core_dump.sh can catch
// `termauth token` in the middle of a refresh, with its tokens in memory. No real IdP can be made to hold a request.
// Usage: node hold_stub.mjs SEEN_FILE - prints its URL; writes "held" to SEEN_FILE once a whole request has arrived
// (never the request itself: its body holds a refresh token).
import fs from 'node:fs';
import http from 'node:http';

const seen = process.argv[2];
const held = [];
const server = http.createServer((req, res) => {
  held.push(res); // kept, never answered
  req.resume();
  req.on('end', () => fs.writeFileSync(seen, 'held\n'));
});
server.requestTimeout = 0;
process.on('SIGTERM', () => process.exit(0)); // lib.sh's cleanup: a clean end
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}/token`));
