// start-stress.mjs — starts a test helper many times, in parallel loops, and
// reports how long each start took and whether any hung. Run it through
// tests/idp/start-stress (see there for usage); not part of `make check`.
//
// A start is timed from spawn to the helper's first stdout line (its URL).
// A start with no line within START_STRESS_LIMIT seconds (default 20) is a
// hang: this takes a backtrace of every thread with gdb (when gdb is
// installed), prints its top lines, keeps it in the kept directory, counts
// it, kills the process and goes on. A helper that exits before printing is
// a failure, counted apart, with its stderr kept. Every helper that started
// is stopped with SIGTERM once it printed; one still running 10 s later is
// a hang too (the tests' cleanup would wait for it).
//
// Helpers (third argument):
//   server  tests/idp/server.mjs (the default)
//   shim    tests/idp/shim.mjs, given an upstream it never calls
//   jwks    tests/integration/jwks_server.mjs, in a fresh directory
//
// Output: one line per hang or failure as it happens, then a summary:
//   starts N  hangs H  failed F  median X ms  p95 Y ms  max Z ms
// Exit status: 0 when every start printed its URL in time, 1 otherwise,
// 2 on bad usage.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const usage = () => {
  process.stderr.write('usage: start-stress [N] [PARALLEL] [server|shim|jwks]\n');
  process.exit(2);
};
const positive = (s, dflt) => {
  if (s === undefined) return dflt;
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) usage();
  return n;
};
const total = positive(process.argv[2], 200);
const parallel = positive(process.argv[3], 2);
const limitMs = positive(process.env.START_STRESS_LIMIT, 20) * 1000;
const helpers = {
  server: () => ({ args: [join(here, 'server.mjs')], env: {} }),
  // The shim reads its upstream only at its first request: port 9 is never used.
  shim: () => ({ args: [join(here, 'shim.mjs')], env: { SHIM_UPSTREAM: 'http://127.0.0.1:9' } }),
  jwks: (dir) => ({ args: [join(here, '..', 'integration', 'jwks_server.mjs'), dir], env: {} }),
};
const helperName = process.argv[4] || 'server';
if (!helpers[helperName] || process.argv.length > 5) usage();

const kept = mkdtempSync(join(tmpdir(), 'start-stress.'));
const times = [];
let hangs = 0;
let failed = 0;
let next = 0;

// backtrace(pid, done): every thread's stack, from gdb, or why there is
// none, to done(text). Asynchronous, so that the other loops' starts are
// still timed right meanwhile.
function backtrace(pid, done) {
  execFile('gdb', ['-p', String(pid), '-batch', '-ex', 'thread apply all bt'],
    { encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20 }, (err, stdout) => {
      if (!err) done(stdout);
      else if (err.code === 'ENOENT') done('(gdb is not installed: no backtrace)\n');
      else done(`(gdb failed: ${err.message})\n${stdout || ''}`);
    });
}

// once(n): starts helper number n; resolves when it has printed and been
// stopped, or has hung or died and been dealt with.
function once(n) {
  const dir = join(kept, String(n));
  mkdirSync(dir);
  const { args, env } = helpers[helperName](dir);
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let state = 'starting'; // then 'stopping' once it printed, or 'hung'
  let keep = false; // this start's directory, for a look afterwards
  // stuck(what): a hang: keep its backtrace, show its main thread, kill it.
  const stuck = (what) => {
    state = 'hung';
    hangs++;
    keep = true;
    backtrace(child.pid, (bt) => {
      writeFileSync(join(dir, 'backtrace'), bt);
      writeFileSync(join(dir, 'stderr'), err);
      // The main thread's stack (gdb lists it last, as Thread 1): that is
      // where a start-up hang shows; the libuv workers mostly sit idle.
      const main = bt.slice(Math.max(0, bt.search(/^Thread 1 /m)));
      const top = main.split('\n').filter((l) => /^#\d+ /.test(l)).slice(0, 12).join('\n');
      process.stdout.write(`HANG: start ${n} (pid ${child.pid}) ${what}; `
        + `backtrace in ${dir}/backtrace, main thread:\n${top}\n`);
      // A stuck main thread never runs node's SIGTERM handler.
      child.kill('SIGKILL');
    });
  };
  return new Promise((resolve) => {
    let watchdog = setTimeout(() => stuck(`printed nothing in ${limitMs / 1000} s`), limitMs);
    child.stdout.on('data', (d) => {
      out += d;
      if (state !== 'starting' || !out.includes('\n')) return;
      state = 'stopping';
      clearTimeout(watchdog);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!/^https?:\/\/127\.0\.0\.1:\d+\n/.test(out)) {
        failed++;
        keep = true;
        process.stdout.write(`FAIL: start ${n} printed ${JSON.stringify(out.split('\n')[0])}, not a URL\n`);
      }
      child.kill('SIGTERM');
      // server.mjs exits within a second of SIGTERM, whatever its clients do.
      watchdog = setTimeout(() => stuck('did not exit within 10 s of SIGTERM'), 10000);
    });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (state === 'starting') {
        failed++;
        keep = true;
        writeFileSync(join(dir, 'stderr'), err);
        process.stdout.write(`FAIL: start ${n} exited (${signal || code}) before printing its URL; `
          + `stderr in ${dir}/stderr\n`);
      }
      if (!keep) rmSync(dir, { recursive: true, force: true });
      resolve();
    });
  });
}

async function loop() {
  while (next < total) await once(next++);
}

await Promise.all(Array.from({ length: parallel }, loop));
const sorted = [...times].sort((a, b) => a - b);
const pct = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN);
const ms = (x) => `${Math.round(x)} ms`;
process.stdout.write(`${helperName}: starts ${total}  parallel ${parallel}  hangs ${hangs}  failed ${failed}  `
  + `median ${ms(pct(0.5))}  p95 ${ms(pct(0.95))}  max ${ms(sorted[sorted.length - 1] ?? NaN)}\n`);
if (hangs || failed) {
  process.stdout.write(`(kept ${kept})\n`);
  process.exit(1);
}
rmSync(kept, { recursive: true, force: true });
