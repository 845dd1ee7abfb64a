#!/usr/bin/env node
// Fuzz the JS API of the newer ops' module (www/pkg/more, crates/more) as tests/js_api_fuzz.mjs
// fuzzes the core's. Deterministic: a seeded PRNG builds a valid call of one of its functions
// (and of the trace handles' methods), then breaks it (wrong types, missing fields, negative /
// fractional / NaN / ±Infinity / huge numbers, wrong ranks and lengths, NaN data, symbols,
// BigInts, throwing getters and proxies, sizes past the element cap, hostile indices).
//
// Every call must return or throw an `Error` — never a `WebAssembly.RuntimeError`, never a Rust
// panic — with a non-empty message, `.arg` a string or null and `.kind` a string. An unbroken
// (valid) call must return. After every throw a known call must still give its known result,
// and a call refused for its size must not have grown wasm memory by more than 32 MiB first.
//
//   node tests/js_api_fuzz_more.mjs [--seed N] [--calls N] [-v]
// Last line: `N passed, M failed` (calls). Exit 1 on any failure.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MEMORY_SLACK = 32 * 1024 * 1024;

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const SEED = opt('--seed', 0x3f19) >>> 0;
const CALLS = opt('--calls', 4000);
const VERBOSE = argv.includes('-v');

let instances = 0;
async function loadApi() {
  instances++;
  const dir = path.join(ROOT, 'www/pkg/more');
  const api = await import(`${pathToFileURL(path.join(dir, 'convviz_more.js')).href}?instance=${instances}`);
  const exports = api.initSync({ module: fs.readFileSync(path.join(dir, 'convviz_more_bg.wasm')) });
  return { api, memory: exports.memory };
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (a) => a[Math.floor(rand() * a.length)];
const chance = (p) => rand() < p;
const prod = (a) => a.reduce((x, y) => x * y, 1);

function randTensor(shape) {
  const data = new Float32Array(prod(shape));
  for (let i = 0; i < data.length; i++) data[i] = Math.round((rand() * 2 - 1) * 64) / 64;
  return { shape, data };
}
const ones = (shape) => ({ shape, data: new Float32Array(prod(shape)).fill(1) });
const pairOr = (h, w) => (h === w && chance(0.4) ? h : [h, w]);

// ---------------------------------------------------------------- valid base calls

const MODES = ['zeros', 'reflect', 'replicate', 'circular'];

function conv2dCall() {
  const g = pick([1, 1, 2]);
  const [N, Cin, Cout] = [int(1, 2), g * int(1, 2), g * int(1, 2)];
  const [kh, kw, sh, sw, dh, dw] = [int(1, 3), int(1, 3), int(1, 2), int(1, 2), int(1, 2), int(1, 2)];
  const H = dh * (kh - 1) + 1 + int(0, 4);
  const W = dw * (kw - 1) + 1 + int(0, 4);
  const mode = pick(MODES);
  const limit = mode === 'zeros' ? 2 : Math.min(2, H - 1, W - 1);
  const [ph, pw] = [int(0, limit), int(0, limit)];
  const Ho = Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const Wo = Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  const opts = { stride: pairOr(sh, sw), padding: pairOr(ph, pw), dilation: pairOr(dh, dw), groups: g, paddingMode: mode };
  return [randTensor([N, Cin, H, W]), randTensor([Cout, Cin / g, kh, kw]), randTensor([N, Cout, Ho, Wo]), opts];
}

function convT2dCall() {
  for (;;) {
    const g = pick([1, 1, 2]);
    const [N, Cin, Coutg] = [int(1, 2), g * int(1, 2), int(1, 2)];
    const [kh, kw, sh, sw, dh, dw] = [int(1, 3), int(1, 3), int(1, 3), int(1, 3), int(1, 2), int(1, 2)];
    const [H, W, ph, pw] = [int(1, 4), int(1, 4), int(0, 2), int(0, 2)];
    const [oph, opw] = [int(0, Math.max(sh, dh) - 1), int(0, Math.max(sw, dw) - 1)];
    const Ho = (H - 1) * sh - 2 * ph + dh * (kh - 1) + 1 + oph;
    const Wo = (W - 1) * sw - 2 * pw + dw * (kw - 1) + 1 + opw;
    if (Ho < 1 || Wo < 1) continue;
    const opts = { stride: [sh, sw], padding: [ph, pw], outputPadding: [oph, opw], dilation: [dh, dw], groups: g };
    return [randTensor([N, Cin, H, W]), randTensor([Cin, Coutg, kh, kw]), randTensor([N, Coutg * g, Ho, Wo]), opts];
  }
}

function conv1dCall() {
  const g = pick([1, 1, 2]);
  const [N, Cin, Cout, k, s, d] = [int(1, 2), g * int(1, 2), g * int(1, 2), int(1, 3), int(1, 2), int(1, 2)];
  const L = d * (k - 1) + 1 + int(0, 5);
  const mode = pick(MODES);
  const opts = { stride: s, dilation: d, groups: g, paddingMode: mode };
  if (s === 1 && chance(0.2)) opts.padding = 'same';
  else opts.padding = chance(0.2) ? 'valid' : int(0, mode === 'zeros' ? 2 : Math.min(2, L - 1));
  if (opts.padding === 'same' && mode !== 'zeros' && Math.ceil((d * (k - 1)) / 2) >= L) opts.paddingMode = 'zeros';
  return [randTensor([N, Cin, L]), randTensor([Cout, Cin / g, k]), chance(0.5) ? randTensor([Cout]) : null, opts];
}

function poolOpts(max) {
  const [kh, kw] = [int(1, 3), int(1, 3)];
  const d = max ? [int(1, 2), int(1, 2)] : [1, 1];
  const eff = [d[0] * (kh - 1) + 1, d[1] * (kw - 1) + 1];
  const o = { kernelSize: pairOr(kh, kw), padding: [int(0, Math.floor(eff[0] / 2)), int(0, Math.floor(eff[1] / 2))], ceilMode: chance(0.5) };
  if (chance(0.6)) o.stride = [int(1, 3), int(1, 3)];
  if (max) o.dilation = d;
  else {
    o.countIncludePad = chance(0.5);
    if (chance(0.3)) o.divisorOverride = int(1, 5);
  }
  return { o, eff };
}

function poolCall(max) {
  const { o, eff } = poolOpts(max);
  return [randTensor([int(1, 2), int(1, 2), eff[0] + int(0, 4), eff[1] + int(0, 4)]), o];
}

function layersOf() {
  return Array.from({ length: int(1, 4) }, () => {
    const k = int(1, 3);
    const l = { kernelSize: pairOr(k, int(1, 3)), stride: int(1, 2), padding: int(0, Math.floor(k / 2)) };
    if (chance(0.3)) l.dilation = int(1, 2);
    if (chance(0.2)) l.ceilMode = true;
    return l;
  });
}

const paramsOpts = (oneD) => {
  const g = pick([1, 2]);
  return { inChannels: g * int(1, 8), outChannels: g * int(1, 8), kernelSize: oneD ? int(1, 5) : pairOr(int(1, 5), int(1, 5)), groups: g, bias: chance(0.5) };
};

// name -> { base(api) -> args, call(api, args) }
const OPS = {
  conv2dBackward: { base: conv2dCall },
  convTranspose2dBackward: { base: convT2dCall },
  conv2dBackwardTrace: { base: conv2dCall, handle: true },
  conv1d: { base: conv1dCall },
  conv1dTrace: { base: conv1dCall, handle: true },
  maxPool2d: { base: () => { const a = poolCall(true); a[1].returnIndices = chance(0.5); return a; } },
  avgPool2d: { base: () => poolCall(false) },
  poolWindow: { base: () => { const max = chance(0.5); const [x, o] = poolCall(max); return [x, o, max ? 'max' : 'avg', [0, 0, 0, 0]]; } },
  pool2dOutputSize: { base: () => { const { o, eff } = poolOpts(true); o.inputSize = [eff[0] + int(0, 6), eff[1] + int(0, 6)]; return [o]; } },
  receptiveField: { base: () => [layersOf()] },
  // large enough that four layers (stride ≤ 2, effective kernel ≤ 5) always leave an output
  stackSizes: { base: () => [layersOf(), [int(64, 80), int(64, 80)]] },
  pathCounts: { base: () => [layersOf(), [int(64, 80), int(64, 80)], [0, 0]] },
  conv2dParams: { base: () => [paramsOpts(false)] },
  conv1dParams: { base: () => [paramsOpts(true)] },
  convTranspose2dParams: { base: () => [paramsOpts(false)] },
};
const NAMES = Object.keys(OPS);

// ---------------------------------------------------------------- breaking a call

function throwingProxy() {
  return new Proxy({}, { get() { throw new Error('proxy get'); }, has() { throw new Error('proxy has'); }, ownKeys() { throw new Error('proxy keys'); } });
}
const BAD = [
  () => -1, () => 0, () => 0.5, () => NaN, () => Infinity, () => -Infinity, () => 2 ** 31, () => 2 ** 53, () => 1e300,
  () => -(2 ** 40), () => '3', () => 'same', () => '', () => true, () => null, () => undefined, () => [], () => [1, 2, 3],
  () => [NaN, 1], () => ({}), () => Symbol('s'), () => 10n, () => () => 1, throwingProxy, () => [2 ** 30, 2 ** 30],
];
const HUGE_TENSORS = [
  () => ({ shape: [1, 1, 2 ** 20, 2 ** 20], data: new Float32Array(1) }),
  () => ({ shape: [2 ** 12, 2 ** 12, 2 ** 12], data: [] }),
  () => ({ shape: [1, 1, 5000, 5000], data: new Float32Array(1) }),
];

function mutateTensor(t) {
  if (!t || typeof t !== 'object') return pick(BAD)();
  const k = int(0, 8);
  try {
    void t.shape.slice; void t.data.length;
  } catch {
    return pick(BAD)();
  }
  if (!Array.isArray(t.shape) || !t.data || typeof t.data.length !== 'number') return pick(BAD)();
  if (k === 0) return { ...t, shape: t.shape.slice(1) };
  if (k === 1) return { ...t, shape: [...t.shape, 1, 2] };
  if (k === 2) return { ...t, data: t.data.slice(0, Math.max(0, t.data.length - 1)) };
  if (k === 3) { const d = Float32Array.from(t.data); d[int(0, d.length - 1)] = pick([NaN, Infinity]); return { ...t, data: d }; }
  if (k === 4) return { ...t, shape: t.shape.map((s, i) => (i === int(0, t.shape.length - 1) ? pick([0, -1, 0.5, NaN]) : s)) };
  if (k === 5) return { shape: t.shape };
  if (k === 6) return { ...t, data: Array.from(t.data, (v, i) => (i === 0 ? 'x' : v)) };
  if (k === 7) return pick(HUGE_TENSORS)();
  return pick(BAD)();
}

/** `f()`, or false when it throws (a hostile value from an earlier mutation). */
function probe(f) {
  try {
    return Boolean(f());
  } catch {
    return false;
  }
}

/** A plain copy of an object, or {} when reading it throws (a getter an earlier mutation planted). */
function safeSpread(v) {
  try {
    return { ...v };
  } catch {
    return {};
  }
}

function mutate(args) {
  const a = args.slice();
  const labels = [];
  let huge = false;
  const n = pick([0, 1, 1, 1, 2, 3]);
  for (let m = 0; m < n; m++) {
    const i = int(0, a.length - 1);
    const v = a[i];
    const kind = int(0, 5);
    if (probe(() => v && typeof v === 'object' && 'shape' in v) && kind < 3) {
      a[i] = mutateTensor(v);
      if (probe(() => a[i]?.shape?.some?.((s) => s >= 4096))) huge = true;
      labels.push(`tensor ${i} broken`);
    } else if (probe(() => v && typeof v === 'object' && !Array.isArray(v) && (Object.keys(v), true)) && kind < 5) {
      const o = safeSpread(v);
      const keys = Object.keys(o);
      const key = keys.length ? pick(keys) : 'x';
      if (chance(0.15)) delete o[key];
      else if (chance(0.1)) Object.defineProperty(o, key, { get() { throw new Error('getter'); }, enumerable: true, configurable: true });
      else o[key] = pick(BAD)();
      if (chance(0.05)) {
        Object.defineProperty(o, 'kernelSize', { value: 2 ** 20, writable: true, enumerable: true, configurable: true });
        huge = true;
      }
      a[i] = o;
      labels.push(`field ${key} of argument ${i}`);
    } else if (probe(() => Array.isArray(v) && v.length && typeof v[0] === 'object') && kind < 5) {
      const l = v.slice();
      const j = int(0, l.length - 1);
      l[j] = chance(0.5) ? { ...safeSpread(l[j]), [pick(['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode'])]: pick(BAD)() } : pick(BAD)();
      a[i] = l;
      labels.push(`layer ${j}`);
    } else {
      a[i] = pick(BAD)();
      labels.push(`argument ${i} replaced`);
    }
  }
  if (chance(0.03)) { a.length = int(0, a.length - 1); labels.push('arguments dropped'); }
  return { args: a, labels, huge };
}

// ---------------------------------------------------------------- checks

function checkThrown(e) {
  if (e instanceof WebAssembly.RuntimeError) return `trapped: ${e.message}`;
  if (!(e instanceof Error)) return `threw a non-Error: ${String(e)}`;
  if (!e.message) return 'empty message';
  // Errors the module makes carry .arg and .kind; a JS TypeError thrown by the glue itself (a
  // BigInt where a number is read, for instance) is acceptable too.
  if ('kind' in e && typeof e.kind !== 'string') return `.kind is ${e.kind}`;
  if ('arg' in e && e.arg !== null && typeof e.arg !== 'string') return `.arg is ${e.arg}`;
  return null;
}

function sanity(api) {
  try {
    const y = api.conv1d(ones([1, 2, 5]), ones([1, 2, 3]), null, { padding: 1 });
    if (y.data.join() !== '4,6,6,6,4') return `conv1d now gives ${y.data}`;
    const g = api.conv2dBackward(ones([1, 1, 3, 3]), ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), {});
    if (g.gradInput.data.join() !== '1,2,1,2,4,2,1,2,1') return `conv2dBackward now gives ${g.gradInput.data}`;
    return null;
  } catch (e) {
    return `the known calls now throw ${e?.message}`;
  }
}

/** Exercise a trace handle: every getter, and the step methods with (maybe hostile) indices. */
function useHandle(h, name) {
  const getters = name === 'conv1dTrace'
    ? ['input', 'weight', 'bias', 'paddedInput', 'haloSource', 'columns', 'weightMatrix', 'product', 'output', 'geometry']
    : ['input', 'weight', 'gradOutput', 'paddedInput', 'haloSource', 'columns', 'gradColumns', 'gradPaddedInput', 'gradInput', 'gradWeight', 'gradBias', 'arithmetic', 'params', 'positions'];
  for (const g of getters) void h[g];
  if (name !== 'conv2dBackwardTrace') return;
  const idx = () => (chance(0.8) ? int(0, 2) : pick(BAD)());
  for (const m of ['weightSteps', 'inputSteps']) {
    try {
      h[m](idx(), idx(), idx(), idx());
    } catch (e) {
      const bad = checkThrown(e);
      if (bad) throw new Error(`${m}: ${bad}`);
    }
  }
}

async function main() {
  let { api, memory } = await loadApi();
  const origError = console.error;
  let panicText = null;
  console.error = (...a) => {
    const text = a.map(String).join(' ');
    if (/panicked at/.test(text)) panicText = text.split('\n')[0];
    else origError(...a);
  };
  let passed = 0;
  let failed = 0;
  let printed = 0;
  const stats = Object.fromEntries(NAMES.map((n) => [n, { calls: 0, returned: 0, threw: 0, failed: 0 }]));
  for (let i = 0; i < CALLS; i++) {
    const name = NAMES[i % NAMES.length];
    const st = stats[name];
    st.calls++;
    const { args, labels, huge } = mutate(OPS[name].base());
    const problems = [];
    panicText = null;
    const before = memory.buffer.byteLength;
    let result;
    try {
      result = api[name](...args);
      st.returned++;
      if (result === undefined || result === null) problems.push(`returned ${result}`);
      if (OPS[name].handle && result) {
        try {
          useHandle(result, name);
        } catch (e) {
          problems.push(`the handle: ${e.message}`);
        } finally {
          result.free();
        }
      }
    } catch (e) {
      st.threw++;
      const bad = checkThrown(e);
      if (bad) problems.push(bad);
      if (labels.length === 0) problems.push(`a valid call was refused: ${e.message}`);
      if (huge && memory.buffer.byteLength - before > MEMORY_SLACK) problems.push(`grew memory by ${(memory.buffer.byteLength - before) >> 20} MiB before refusing`);
      const s = sanity(api);
      if (s) problems.push(s);
    }
    if (panicText) problems.push(`Rust panicked: ${panicText}`);
    if (problems.length === 0) {
      passed++;
      if (VERBOSE) console.log(`ok   #${i} ${name}(${labels.join('; ') || 'valid'})`);
      continue;
    }
    failed++;
    st.failed++;
    if (printed++ < 60) console.log(`FAIL #${i} ${name}(${labels.join('; ') || 'valid'}): ${problems.join('; ')}`);
    if (problems.some((p) => p.startsWith('trapped') || p.startsWith('the known calls') || p.includes('now gives'))) {
      ({ api, memory } = await loadApi());
    }
  }
  console.error = origError;
  console.log('per function: calls / returned / threw / failed');
  for (const [n, s] of Object.entries(stats)) console.log(`  ${n.padEnd(24)} ${String(s.calls).padStart(5)} ${String(s.returned).padStart(8)} ${String(s.threw).padStart(6)} ${String(s.failed).padStart(6)}`);
  console.log(`seed ${SEED}; wasm memory ${(memory.buffer.byteLength / 2 ** 20).toFixed(1)} MiB`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => {
  console.log(`js_api_fuzz_more: ${e.stack}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
