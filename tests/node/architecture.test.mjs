// The shape of www/: imports point downward only (boot → app → classroom / controls → modes → views
// → lib), no import cycle, no mode named outside www/modes/, no module-level mutable state, no
// document-level lookups outside the boot file, no function over 120 lines, and every registered
// mode has the contract's fields.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WWW = path.join(ROOT, 'www');

/** The layer of a module of www/ (higher may import lower; the same layer only within its folder). */
const LAYERS = [
  ['lib/', 0],
  ['views/', 1],
  ['modes/', 2],
  ['controls/', 3],
  ['classroom/', 3],
  ['app/', 4],
  ['', 5], // the boot files at the top: main.js, embed.js, engine.js
];
const layerOf = (rel) => LAYERS.find(([prefix]) => rel.startsWith(prefix))[1];
const folderOf = (rel) => (rel.includes('/') ? rel.split('/')[0] : '');

function sources(dir = WWW) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'pkg' ? [] : sources(p);
    return e.name.endsWith('.js') ? [path.relative(WWW, p).split(path.sep).join('/')] : [];
  });
}

/** Every relative import of a module (static `from '…'` and dynamic `import('…')`), resolved. */
function importsOf(rel) {
  const text = fs.readFileSync(path.join(WWW, rel), 'utf8');
  const out = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)'(\.[^']+)'/g)) {
    out.push(path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1])));
  }
  return out;
}

const FILES = sources();
const GRAPH = new Map(FILES.map((f) => [f, importsOf(f)]));

/** A function's lines: from its header to the line where its body's braces close. */
function functionLengths(rel) {
  const lines = fs.readFileSync(path.join(WWW, rel), 'utf8').split('\n');
  const heads = /^\s*(?:export\s+)?(?:async\s+)?function\b|^\s*(?:export\s+)?(?:const|let)\s+\w+\s*=\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*=>\s*\{\s*$|^\s*(?:async\s+)?(?:get\s+|set\s+)?\w+\s*\([^)]*\)\s*\{\s*$/;
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    if (!heads.test(lines[i]) || /^\s*(if|for|while|switch|catch)\b/.test(lines[i])) continue;
    let depth = 0;
    let opened = false;
    for (let j = i; j < lines.length; j++) {
      const code = lines[j].replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`|\/\/.*$/g, '');
      for (const c of code) {
        if (c === '{') {
          depth++;
          opened = true;
        } else if (c === '}') depth--;
      }
      if (opened && depth <= 0) {
        out.push({ rel, line: i + 1, lines: j - i + 1, head: lines[i].trim().slice(0, 60) });
        break;
      }
    }
  }
  return out;
}

test('every import resolves to a module of www/ (or the generated pkg/)', () => {
  for (const [rel, deps] of GRAPH) {
    for (const d of deps) assert.ok(GRAPH.has(d) || d.startsWith('pkg/'), `${rel} imports ${d}, which does not exist`);
  }
});

test('imports point downward: boot → app → classroom / controls → modes → views → lib', () => {
  const bad = [];
  for (const [rel, deps] of GRAPH) {
    for (const d of deps) {
      if (d.startsWith('pkg/')) continue;
      const up = layerOf(d) > layerOf(rel);
      const sideways = layerOf(d) === layerOf(rel) && folderOf(d) !== folderOf(rel);
      if (up || sideways) bad.push(`${rel} → ${d}`);
      // outside modes/, only the registry and the contract of modes/ are known
      if (!rel.startsWith('modes/') && d.startsWith('modes/') && !['modes/registry.js', 'modes/contract.js'].includes(d)) {
        bad.push(`${rel} → ${d} (only modes/registry.js and modes/contract.js are the modes' interface)`);
      }
    }
  }
  assert.deepEqual(bad, [], `imports that point up or across:\n${bad.join('\n')}`);
});

test('lib/ imports nothing but lib/', () => {
  for (const [rel, deps] of GRAPH) if (rel.startsWith('lib/')) for (const d of deps) assert.ok(d.startsWith('lib/'), `${rel} → ${d}`);
});

test('the import graph has no cycle', () => {
  const state = new Map();
  const stack = [];
  const visit = (f) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') assert.fail(`import cycle: ${[...stack.slice(stack.indexOf(f)), f].join(' → ')}`);
    state.set(f, 'open');
    stack.push(f);
    for (const d of GRAPH.get(f) ?? []) if (GRAPH.has(d)) visit(d);
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of FILES) visit(f);
});

test('no mode is named outside www/modes/ (ask the mode through its contract instead)', async () => {
  const { MODE_NAMES } = await import('../../www/modes/registry.js');
  const names = MODE_NAMES.map((n) => n.replace(/[^\w]/g, '')).join('|');
  const patterns = [
    new RegExp(`[=!]==\\s*'(${names})'`), // mode === 'conv2d'
    new RegExp(`'(${names})'\\s*[=!]==`),
    new RegExp(`case\\s+'(${names})'`),
    new RegExp(`^\\s*(${names})\\s*:`, 'm'), // { conv2d: …, convTranspose2d: … } tables
    /===\s*\w+Page\b/, // page === conv2dPage
  ];
  const bad = [];
  for (const rel of FILES) {
    if (rel.startsWith('modes/')) continue;
    const lines = fs.readFileSync(path.join(WWW, rel), 'utf8').split('\n');
    lines.forEach((l, i) => {
      if (/^\s*(\/\/|\*)/.test(l)) return;
      if (patterns.some((re) => re.test(l))) bad.push(`${rel}:${i + 1}: ${l.trim()}`);
    });
  }
  assert.deepEqual(bad, [], bad.join('\n'));
});

test('only the boot file touches the document; no module-level mutable state', () => {
  const bad = [];
  for (const rel of FILES) {
    const text = fs.readFileSync(path.join(WWW, rel), 'utf8');
    const boot = rel === 'main.js' || rel === 'embed.js';
    if (!boot && /\bdocument\.(getElementById|querySelector|querySelectorAll|body|documentElement)\b/.test(text)) {
      bad.push(`${rel}: reads the document (an app reads inside its root)`);
    }
    text.split('\n').forEach((l, i) => {
      // top level: `let`, or an empty Map / Set / WeakMap that fills up (a cache) for the whole page
      if (/^let\s/.test(l) || /^(export\s+)?const\s+\w+\s*=\s*new\s+(Map|Set|WeakMap|WeakSet)\(\)/.test(l)) {
        // the page's one copy of each wasm module (engine, GIF encoder) and of the stylesheets that
        // every <conv-viz> adopts (embed.js) is the shared thing
        if (rel === 'engine.js' || rel === 'classroom/export.js' || rel === 'embed.js') return;
        bad.push(`${rel}:${i + 1}: ${l.trim()}`);
      }
    });
  }
  assert.deepEqual(bad, [], bad.join('\n'));
});

test('no function in www/ is over 120 lines; the boot file is under 100', () => {
  const all = FILES.flatMap(functionLengths).sort((a, b) => b.lines - a.lines);
  console.log('the five longest functions:');
  for (const f of all.slice(0, 5)) console.log(`  ${f.lines} lines  ${f.rel}:${f.line}  ${f.head}`);
  const long = all.filter((f) => f.lines > 120);
  assert.deepEqual(long.map((f) => `${f.rel}:${f.line} (${f.lines} lines)`), []);
  const boot = fs.readFileSync(path.join(WWW, 'main.js'), 'utf8').split('\n').length;
  assert.ok(boot < 100, `www/main.js has ${boot} lines`);
});

test('every registered mode has the contract\'s fields and its own folder', async () => {
  const { MODES } = await import('../../www/modes/registry.js');
  const { REQUIRED, CLASSROOM } = await import('../../www/modes/contract.js');
  const names = new Set();
  for (const m of MODES) {
    for (const k of REQUIRED) assert.ok(m[k] !== undefined, `${m.name} lacks ${k}`);
    for (const k of CLASSROOM) assert.ok(k in m.classroom, `${m.name}.classroom lacks ${k}`);
    assert.ok(!names.has(m.name), `two modes named ${m.name}`);
    names.add(m.name);
    for (const [canvas] of m.views) assert.match(m.cards, new RegExp(`data-canvas="${canvas}"`), `${m.name}: no canvas ${canvas} in its cards`);
    assert.ok(!/\$\{|<script|\son\w+=/i.test(m.cards), `${m.name}: cards are static markup`);
  }
  const { CHROME } = await import('../../www/app/markup.js');
  assert.ok(!/\$\{|<script|\son\w+=|javascript:/i.test(CHROME), 'the chrome is static markup');
});
