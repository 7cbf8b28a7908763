// layering.mjs - the architecture, checked: every #include in lib/ and
// src/, and every symbol the library's object files take from each other,
// must go downwards as lib/LAYERS says, and no two files may depend on each
// other round a cycle (through headers or through symbols). Run by CTest as
//   node layering.mjs SOURCE_DIR OBJECT_DIR
// OBJECT_DIR holds the library's object files (lib/<layer>/<file>.c.o).
// It first checks itself: a forbidden include and a cycle planted in a
// copy of the rules' view must be found, so that the check cannot pass by
// seeing nothing.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, relative, dirname, basename } from 'node:path';

const [src, objdir] = process.argv.slice(2);
if (!src || !objdir) {
  console.error('usage: node layering.mjs SOURCE_DIR OBJECT_DIR');
  process.exit(2);
}

function walk(dir, pick) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, pick));
    else if (pick(p)) out.push(p);
  }
  return out;
}

// lib/LAYERS: "layer: lower lower ...".
function readLayers() {
  const allowed = new Map();
  for (const line of readFileSync(join(src, 'lib/LAYERS'), 'utf8').split('\n')) {
    const m = line.match(/^([a-z]+):\s*(.*)$/);
    if (m) allowed.set(m[1], new Set(m[2].split(/\s+/).filter(Boolean)));
  }
  return allowed;
}

// The tool sees the library through termauth.h, except base/match.h (which
// it compiles in) and the fast path, which links the small core.
const CORE = new Set(['base', 'agent', 'profile', 'store']);
const FAST = new Set(['src/fast.c', 'src/token_common.c', 'src/gitcred.c']);

// The module of a lib file: its path without the extension, so that a
// header and its .c are one node (store/store.h stands for the folder's
// shared header).
const moduleOf = (path) => path.replace(/\.[ch]$/, '');
const layerOf = (path) => path.split('/')[1];

function includes(files) {
  // [{file, line, target}] for every #include "x/y.h" (quoted).
  const out = [];
  for (const f of files) {
    readFileSync(join(src, f), 'utf8').split('\n').forEach((text, i) => {
      const m = text.match(/^\s*#\s*include\s+"([^"]+)"/);
      if (m) out.push({ file: f, line: i + 1, target: m[1] });
    });
  }
  return out;
}

function includeProblems(allowed, incs) {
  const problems = [];
  for (const { file, line, target } of incs) {
    if (target === 'termauth.h') continue;
    const tlayer = target.includes('/') ? target.split('/')[0] : null;
    if (file.startsWith('lib/')) {
      const layer = layerOf(file);
      if (!allowed.has(layer)) {
        problems.push(`${file}: in a folder lib/LAYERS does not name`);
      } else if (!tlayer || !allowed.has(tlayer)) {
        problems.push(`${file}:${line}: includes "${target}", which is not LAYER/file.h`);
      } else if (tlayer !== layer && !allowed.get(layer).has(tlayer)) {
        problems.push(`${file}:${line}: ${layer} may not use ${tlayer} ("${target}")`);
      }
    } else if (file.startsWith('src/') && tlayer && allowed.has(tlayer)) {
      if (target === 'base/match.h') continue;
      if (FAST.has(file) && CORE.has(tlayer)) continue;
      problems.push(`${file}:${line}: the tool may not reach the library's "${target}" ` +
                    '(only termauth.h; the fast path the core)');
    }
  }
  return problems;
}

// Edges between modules, from lib's includes.
function includeGraph(incs) {
  const g = new Map();
  for (const { file, target } of incs) {
    if (!file.startsWith('lib/') || !target.includes('/')) continue;
    const from = moduleOf(relative('lib', file)), to = moduleOf(target);
    if (from === to) continue;
    if (!g.has(from)) g.set(from, new Set());
    g.get(from).add(to);
  }
  return g;
}

// Edges between object files, from the symbols each defines and uses.
function symbolGraph(objects) {
  const owner = new Map(), uses = new Map();
  for (const o of objects) {
    const name = relative(objdir, o).replace(/\.c\.o$/, '').replace(/^lib\//, '');
    const nm = execFileSync('nm', [o], { encoding: 'utf8' });
    const u = new Set();
    for (const l of nm.split('\n')) {
      const p = l.trim().split(/\s+/);
      if (p.length === 3 && 'TDBR'.includes(p[1])) owner.set(p[2], name);
      else if (p.length === 2 && p[0] === 'U') u.add(p[1]);
    }
    uses.set(name, u);
  }
  const g = new Map();
  for (const [name, u] of uses) {
    g.set(name, new Set());
    for (const s of u) {
      const to = owner.get(s);
      if (to && to !== name) g.get(name).add(to);
    }
  }
  return g;
}

function symbolProblems(allowed, g) {
  const problems = [];
  for (const [from, tos] of g) {
    const layer = from.split('/')[0];
    for (const to of tos) {
      const tl = to.split('/')[0];
      if (tl !== layer && !(allowed.get(layer) || new Set()).has(tl))
        problems.push(`lib/${from}.c uses lib/${to}.c: ${layer} may not use ${tl}`);
    }
  }
  return problems;
}

// The cycles of a graph, each once, as "a -> b -> a".
function cycles(g) {
  const found = [], state = new Map(), stack = [];
  const visit = (n) => {
    state.set(n, 1);
    stack.push(n);
    for (const m of g.get(n) || []) {
      if (state.get(m) === 1) found.push([...stack.slice(stack.indexOf(m)), m].join(' -> '));
      else if (!state.get(m)) visit(m);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of [...g.keys()].sort()) if (!state.get(n)) visit(n);
  return found;
}

function check(allowed, incs, sg) {
  return [
    ...includeProblems(allowed, incs),
    ...cycles(includeGraph(incs)).map((c) => `include cycle: ${c}`),
    ...symbolProblems(allowed, sg),
    ...cycles(sg).map((c) => `dependency cycle: ${c}`),
  ];
}

const allowed = readLayers();
const files = [
  ...walk(join(src, 'lib'), (p) => /\.[ch]$/.test(p)),
  ...walk(join(src, 'src'), (p) => /\.[ch]$/.test(p)),
].map((p) => relative(src, p));
const incs = includes(files);
// Objects of sources that exist (a build directory may keep stale ones).
const objects = walk(objdir, (p) => p.endsWith('.c.o')).filter((o) => {
  try {
    return statSync(join(src, relative(objdir, o).replace(/\.o$/, ''))).isFile();
  } catch {
    return false;
  }
});
if (objects.length < 10) {
  console.error(`layering: only ${objects.length} object files under ${objdir}`);
  process.exit(1);
}
const sg = symbolGraph(objects);

// The check, checked: planted faults must be seen.
const planted = [
  { what: 'a forbidden include', incs: [...incs, { file: 'lib/base/url.c', line: 1, target: 'signin/pkce.h' }], sg,
    want: /base may not use signin/ },
  { what: 'an include cycle', incs: [...incs, { file: 'lib/oauth/http.c', line: 1, target: 'oauth/token.h' },
    { file: 'lib/oauth/token.c', line: 1, target: 'oauth/http.h' }], sg, want: /include cycle/ },
  { what: 'a symbol cycle', incs, want: /dependency cycle/,
    sg: new Map([...sg, ['base/url', new Set([...(sg.get('base/url') || []), 'base/buf'])],
      ['base/buf', new Set([...(sg.get('base/buf') || []), 'base/url'])]]) },
  { what: 'a layer used upwards by symbol', incs, want: /lib\/store\/store_file\.c uses lib\/oauth/,
    sg: new Map([...sg, ['store/store_file', new Set([...(sg.get('store/store_file') || []), 'oauth/http'])]]) },
];
let bad = 0;
for (const p of planted) {
  if (!check(allowed, p.incs, p.sg).some((m) => p.want.test(m))) {
    console.error(`layering: the check misses ${p.what}`);
    bad++;
  }
}

const problems = check(allowed, incs, sg);
for (const p of problems) console.error(`layering: ${p}`);
const edges = [...sg.values()].reduce((n, s) => n + s.size, 0);
console.log(`layering: ${files.length} files, ${incs.length} includes, ${sg.size} objects, ` +
            `${edges} symbol edges: ${problems.length} problems`);
process.exit(problems.length || bad ? 1 : 0);

