#!/usr/bin/env node
// Fuzz the convviz JS API with malformed calls (issue #8). Deterministic: a seeded PRNG builds a
// valid call for one of the ten entry points (and the two module classes' forward), then breaks it (wrong types, missing fields,
// negative / fractional / NaN / Infinity / huge numbers, wrong ranks, wrong data lengths,
// NaN / Inf data, detached buffers, throwing getters, sizes beyond the element cap, ...).
//
// Every call must either return a result of the right shape (and values, for the calls that are
// legal; tests/node/reference.mjs decides which are) or throw an `Error` that is not a
// `WebAssembly.RuntimeError` and has a non-empty message. After every throw the lecture example
// conv2d(ones(1,3,5,5), ones(1,3,3,3)) -> [1,1,3,3] of 27s must still work. A call refused for
// its size must not have grown wasm memory first.
//
//   node tests/js_api_fuzz.mjs [--seed N] [--calls N] [--pkg DIR | --module FILE.mjs] [-v]
// Last line: `N passed, M failed` (calls). Exit 1 on any failure.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { judge, DEFAULT_MAX_ELEMENTS } from './node/reference.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RTOL = 1e-4;
const MAX_FAILURE_LINES = 60;
const MEMORY_SLACK = 32 * 1024 * 1024; // a refused call may grow memory by at most this much

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const o = { seed: 0x5eed8, calls: 6000, pkg: path.join(ROOT, 'www/pkg'), module: null, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seed') o.seed = Number(argv[++i]) >>> 0;
    else if (a === '--calls') o.calls = Number(argv[++i]);
    else if (a === '--pkg') o.pkg = path.resolve(argv[++i]);
    else if (a === '--module') o.module = path.resolve(argv[++i]);
    else if (a === '-v' || a === '--verbose') o.verbose = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node tests/js_api_fuzz.mjs [--seed N] [--calls N] [--pkg DIR | --module FILE.mjs] [-v]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

// ---------------------------------------------------------------- module loading

let instances = 0;

/** A fresh instance of the package (a query string makes Node load a new copy of the module). */
async function loadApi(opts) {
  instances++;
  if (opts.module) {
    const api = await import(`${pathToFileURL(opts.module).href}?instance=${instances}`);
    return { api, memory: null };
  }
  const js = path.join(opts.pkg, 'convviz.js');
  const wasmPath = path.join(opts.pkg, 'convviz_bg.wasm');
  if (!fs.existsSync(js) || !fs.existsSync(wasmPath)) {
    throw new Error(`${path.relative(process.cwd(), opts.pkg)}/convviz.js or convviz_bg.wasm is missing: run \`make build\` first`);
  }
  const api = await import(`${pathToFileURL(js).href}?instance=${instances}`);
  const exports = api.initSync({ module: fs.readFileSync(wasmPath) });
  return { api, memory: exports?.memory ?? null };
}

// ---------------------------------------------------------------- PRNG

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

let rand = mulberry32(1);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)); // inclusive
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const chance = (p) => rand() < p;
function weighted(entries) {
  const total = entries.reduce((s, [w]) => s + w, 0);
  let r = rand() * total;
  for (const [w, v] of entries) {
    if ((r -= w) < 0) return v;
  }
  return entries[entries.length - 1][1];
}

// ---------------------------------------------------------------- values

const prod = (a) => a.reduce((x, y) => x * y, 1);

function randTensor(shape) {
  const data = new Float32Array(prod(shape));
  for (let i = 0; i < data.length; i++) data[i] = Math.round((rand() * 2 - 1) * 64) / 64;
  return { shape, data };
}

/** n or [h, w], randomly, for an option whose two values are `h` and `w`. */
const pairOrScalar = (h, w) => (h === w && chance(0.4) ? h : [h, w]);

function describe(v, depth = 0) {
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'function';
  if (typeof v === 'string') return JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v === null || typeof v !== 'object') return String(v);
  if (ArrayBuffer.isView(v)) {
    let len;
    try { len = v.length ?? v.byteLength; } catch { len = '?'; }
    const detached = v.buffer && v.buffer.byteLength === 0 && len === 0 ? ' detached' : '';
    return `${v.constructor.name}(${len}${detached})`;
  }
  if (depth > 1) return Array.isArray(v) ? '[…]' : '{…}';
  if (Array.isArray(v)) {
    if (v.length > 6) return `[${v.length} items]`;
    return `[${Array.from(v, (x) => describe(x, depth + 1)).join(',')}]`;
  }
  try {
    const keys = Object.keys(v);
    return `{${keys.slice(0, 6).map((k) => `${k}:${describe(v[k], depth + 1)}`).join(',')}}`;
  } catch {
    return '{?}';
  }
}

// ---------------------------------------------------------------- valid base calls

const MODES = ['zeros', 'reflect', 'replicate', 'circular'];

function baseConv2d(op) {
  for (;;) {
    const g = pick([1, 1, 1, 2, 3]);
    const N = int(1, 2);
    const Cin = g * int(1, 2);
    const Cout = g * int(1, 3);
    const kh = int(1, 3), kw = int(1, 3);
    const dh = int(1, 2), dw = int(1, 2);
    const sh = int(1, 3), sw = int(1, 3);
    const H = dh * (kh - 1) + 1 + int(0, 5), W = dw * (kw - 1) + 1 + int(0, 5);
    const opts = {};
    if (chance(0.7)) opts.stride = pairOrScalar(sh, sw);
    if (chance(0.7)) opts.dilation = pairOrScalar(dh, dw);
    if (g !== 1 || chance(0.5)) opts.groups = g;
    const pr = rand();
    if (pr < 0.1 && !opts.stride) opts.padding = 'same';
    else if (pr < 0.2) opts.padding = 'valid';
    else if (pr < 0.8) opts.padding = pairOrScalar(int(0, 2), int(0, 2));
    if (chance(0.6)) opts.paddingMode = pick(MODES);
    const bias = chance(0.5) ? randTensor([Cout]) : pick([null, undefined]);
    const args = [randTensor([N, Cin, H, W]), randTensor([Cout, Cin / g, kh, kw]), bias, opts];
    if (judge(op, args, { values: false }).status === 'valid') return args;
  }
}

function baseConvT(op) {
  for (;;) {
    const g = pick([1, 1, 1, 2]);
    const N = int(1, 2);
    const Cin = g * int(1, 2);
    const Coutg = int(1, 2);
    const kh = int(1, 3), kw = int(1, 3);
    const s = [int(1, 3), int(1, 3)];
    const d = [int(1, 2), int(1, 2)];
    const p = [int(0, 2), int(0, 2)];
    const op_ = [int(0, Math.max(s[0], d[0]) - 1), int(0, Math.max(s[1], d[1]) - 1)];
    const H = int(1, 5), W = int(1, 5);
    const opts = {};
    if (chance(0.8)) opts.stride = pairOrScalar(...s);
    if (chance(0.7)) opts.padding = pairOrScalar(...p);
    if (chance(0.5)) opts.outputPadding = pairOrScalar(...op_);
    if (chance(0.6)) opts.dilation = pairOrScalar(...d);
    if (g !== 1 || chance(0.5)) opts.groups = g;
    if (chance(0.2)) {
      const st = Array.isArray(opts.stride) ? opts.stride : [opts.stride ?? 1, opts.stride ?? 1];
      const pp = Array.isArray(opts.padding) ? opts.padding : [opts.padding ?? 0, opts.padding ?? 0];
      const dd = Array.isArray(opts.dilation) ? opts.dilation : [opts.dilation ?? 1, opts.dilation ?? 1];
      const minOut = [0, 1].map((i) => ([H, W][i] - 1) * st[i] - 2 * pp[i] + dd[i] * ([kh, kw][i] - 1) + 1);
      opts.outputSize = minOut.map((m, i) => m + int(0, st[i] - 1));
      delete opts.outputPadding;
    }
    const bias = chance(0.5) ? randTensor([Coutg * g]) : pick([null, undefined]);
    const args = [randTensor([N, Cin, H, W]), randTensor([Cin, Coutg, kh, kw]), bias, opts];
    if (judge(op, args, { values: false }).status === 'valid') return args;
  }
}

function baseUnfold() {
  for (;;) {
    const k = [int(1, 3), int(1, 3)];
    const opts = { kernelSize: pairOrScalar(...k) };
    if (chance(0.6)) opts.dilation = pairOrScalar(int(1, 2), int(1, 2));
    if (chance(0.6)) opts.padding = pairOrScalar(int(0, 2), int(0, 2));
    if (chance(0.6)) opts.stride = pairOrScalar(int(1, 3), int(1, 3));
    const args = [randTensor([int(1, 2), int(1, 3), int(1, 7), int(1, 7)]), opts];
    if (judge('unfold', args, { values: false }).status === 'valid') return args;
  }
}

function baseFold() {
  for (;;) {
    const k = [int(1, 3), int(1, 3)];
    const d = [int(1, 2), int(1, 2)];
    const p = [int(0, 2), int(0, 2)];
    const s = [int(1, 3), int(1, 3)];
    const out = [int(1, 7), int(1, 7)];
    const Lh = Math.floor((out[0] + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0]) + 1;
    const Lw = Math.floor((out[1] + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1]) + 1;
    if (Lh < 1 || Lw < 1) continue;
    const opts = { outputSize: pairOrScalar(...out), kernelSize: pairOrScalar(...k) };
    if (chance(0.7) || d[0] !== 1 || d[1] !== 1) opts.dilation = pairOrScalar(...d);
    if (chance(0.7) || p[0] !== 0 || p[1] !== 0) opts.padding = pairOrScalar(...p);
    if (chance(0.7) || s[0] !== 1 || s[1] !== 1) opts.stride = pairOrScalar(...s);
    const args = [randTensor([int(1, 2), int(1, 2) * k[0] * k[1], Lh * Lw]), opts];
    if (judge('fold', args, { values: false }).status === 'valid') return args;
  }
}

function baseConv2dOutputSize() {
  for (;;) {
    const o = { inputSize: [int(1, 12), int(1, 12)], kernelSize: pairOrScalar(int(1, 4), int(1, 4)) };
    if (chance(0.7)) o.stride = pairOrScalar(int(1, 3), int(1, 3));
    if (chance(0.7)) o.padding = chance(0.15) ? pick(['same', 'valid']) : pairOrScalar(int(0, 3), int(0, 3));
    if (chance(0.7)) o.dilation = pairOrScalar(int(1, 3), int(1, 3));
    if (judge('conv2dOutputSize', [o]).status === 'valid') return [o];
  }
}

function baseConvT2dOutputSize() {
  for (;;) {
    const s = [int(1, 3), int(1, 3)];
    const d = [int(1, 2), int(1, 2)];
    const o = { inputSize: [int(1, 8), int(1, 8)], kernelSize: pairOrScalar(int(1, 4), int(1, 4)), stride: s, dilation: d };
    if (chance(0.7)) o.padding = pairOrScalar(int(0, 2), int(0, 2));
    if (chance(0.5)) o.outputPadding = [int(0, Math.max(s[0], d[0]) - 1), int(0, Math.max(s[1], d[1]) - 1)];
    const j = judge('convTranspose2dOutputSize', [o]);
    if (j.status !== 'valid') continue;
    if (chance(0.3)) {
      delete o.outputPadding;
      o.outputSize = [j.expected.height.minOutput + int(0, s[0] - 1), j.expected.width.minOutput + int(0, s[1] - 1)];
      if (judge('convTranspose2dOutputSize', [o]).status !== 'valid') continue;
    }
    return [o];
  }
}

function baseConvMatrix() {
  for (;;) {
    const k = [int(1, 3), int(1, 3)];
    const o = { inputSize: [int(1, 7), int(1, 7)], kernel: randTensor(k) };
    if (chance(0.6)) o.stride = pairOrScalar(int(1, 3), int(1, 3));
    if (chance(0.6)) o.padding = pairOrScalar(int(0, 2), int(0, 2));
    if (chance(0.6)) o.dilation = pairOrScalar(int(1, 2), int(1, 2));
    if (judge('convMatrix', [o], { values: false }).status === 'valid') return [o];
  }
}

function baseDefaultInit() {
  const g = pick([1, 1, 2, 3]);
  return [{
    kind: pick(['conv2d', 'convTranspose2d']),
    inChannels: g * int(1, 3),
    outChannels: g * int(1, 3),
    kernelSize: pairOrScalar(int(1, 5), int(1, 5)),
    groups: g,
    bias: chance(0.5),
    seed: int(0, 1000),
  }];
}

// op -> { base(), tensors: { slot: [getter, setter] }, options: [keys], optsIndex }
const tensorAt = (i) => [(a) => a[i], (a, v) => { a[i] = v; }];
const tensorIn = (i, key) => [(a) => { try { return a[i]?.[key]; } catch { return undefined; } },
  (a, v) => { if (a[i] && typeof a[i] === 'object') a[i] = { ...safeSpread(a[i]), [key]: v }; }];
const CONV_OPTS = ['stride', 'padding', 'dilation', 'groups', 'paddingMode'];
const CONVT_OPTS = ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'outputSize'];
const OPS = {
  conv2d: { base: () => baseConv2d('conv2d'), tensors: { input: tensorAt(0), weight: tensorAt(1), bias: tensorAt(2) }, options: CONV_OPTS, optsIndex: 3 },
  conv2dTrace: { base: () => baseConv2d('conv2dTrace'), tensors: { input: tensorAt(0), weight: tensorAt(1), bias: tensorAt(2) }, options: CONV_OPTS, optsIndex: 3 },
  convTranspose2d: { base: () => baseConvT('convTranspose2d'), tensors: { input: tensorAt(0), weight: tensorAt(1), bias: tensorAt(2) }, options: CONVT_OPTS, optsIndex: 3 },
  convTranspose2dTrace: { base: () => baseConvT('convTranspose2dTrace'), tensors: { input: tensorAt(0), weight: tensorAt(1), bias: tensorAt(2) }, options: CONVT_OPTS, optsIndex: 3 },
  unfold: { base: baseUnfold, tensors: { input: tensorAt(0) }, options: ['kernelSize', 'dilation', 'padding', 'stride'], optsIndex: 1 },
  fold: { base: baseFold, tensors: { input: tensorAt(0) }, options: ['outputSize', 'kernelSize', 'dilation', 'padding', 'stride'], optsIndex: 1 },
  conv2dOutputSize: { base: baseConv2dOutputSize, tensors: {}, options: ['inputSize', 'kernelSize', 'stride', 'padding', 'dilation'], optsIndex: 0 },
  convTranspose2dOutputSize: { base: baseConvT2dOutputSize, tensors: {}, options: ['inputSize', 'kernelSize', 'stride', 'padding', 'outputPadding', 'dilation', 'outputSize'], optsIndex: 0 },
  convMatrix: { base: baseConvMatrix, tensors: { kernel: tensorIn(0, 'kernel') }, options: ['inputSize', 'stride', 'padding', 'dilation'], optsIndex: 0 },
  defaultInit: { base: baseDefaultInit, tensors: {}, options: ['kind', 'inChannels', 'outChannels', 'kernelSize', 'groups', 'bias', 'seed'], optsIndex: 0 },
};
// The modules (`new Conv2d(weight, bias, options).forward(input)`) take the functional call's
// arguments, mutations and judgement.
const MODULES = { 'Conv2d.forward': ['Conv2d', 'conv2d'], 'ConvTranspose2d.forward': ['ConvTranspose2d', 'convTranspose2d'] };
for (const [name, [, fn]] of Object.entries(MODULES)) OPS[name] = { ...OPS[fn], base: () => OPS[fn].base() };
/** The functional op whose semantics `op` has. */
const semantics = (op) => MODULES[op]?.[1] ?? op;
const OP_NAMES = Object.keys(OPS);

/** The callable of every op: the module's exports, and the module ops built around the classes. */
function entryPoints(api) {
  const calls = {};
  for (const n of OP_NAMES) {
    const cls = MODULES[n]?.[0];
    if (!cls) {
      if (typeof api[n] === 'function') calls[n] = api[n];
    } else if (typeof api[cls] === 'function') {
      calls[n] = (input, weight, bias, options) => {
        const layer = new api[cls](weight, bias, options);
        try {
          return layer.forward(input);
        } finally {
          layer.free();
        }
      };
    }
  }
  return calls;
}

// ---------------------------------------------------------------- mutations

// Factories, so every use gets a fresh value.
const BAD_VALUES = [
  () => -1, () => 0, () => -0, () => 0.5, () => 1.5, () => -2.5, () => 1e-300, () => NaN, () => Infinity, () => -Infinity,
  () => 1e9, () => -1e9, () => 2 ** 31, () => 2 ** 32, () => 2 ** 32 + 1, () => 2 ** 40, () => 2 ** 53, () => 2 ** 64,
  () => Number.MAX_VALUE, () => Number.MIN_VALUE, () => Number.MAX_SAFE_INTEGER,
  () => '2', () => '', () => 'same', () => 'valid', () => 'zeros', () => 'abc', () => '1,1',
  () => null, () => undefined, () => true, () => false,
  () => ({}), () => ({ h: 1, w: 1 }), () => ({ 0: 1, 1: 1, length: 2 }),
  () => [], () => [1], () => [1, 2, 3], () => [1, '2'], () => [NaN, 1], () => [1, Infinity], () => [-1, 1], () => [0, 0],
  () => [1.5, 1], () => [2 ** 40, 1], () => [1e9, 1e9], () => [null, 1], () => [undefined, undefined], () => [[1], [1]],
  () => [true, false], () => [1, -0], () => [3, 1],
  () => Symbol('fuzz'), () => 1n, () => 2n ** 70n, () => () => 1, () => new Float32Array([1, 1]), () => new Int32Array([2, 2]),
  () => new Date(0), () => /x/, () => new Map(), () => new Proxy({}, {}), () => Object.create(null),
];

/** A shallow copy that survives hostile inputs (throwing getters / proxies): unreadable keys are dropped. */
function safeSpread(base) {
  const o = {};
  if (!base || typeof base !== 'object') return o;
  let keys = [];
  try { keys = Object.keys(base); } catch { return o; }
  for (const k of keys) {
    try { o[k] = base[k]; } catch { /* dropped */ }
  }
  return o;
}

function hostileGetterObject(base, key) {
  const o = safeSpread(base);
  Object.defineProperty(o, key, { enumerable: true, get() { throw new Error(`hostile getter ${key}`); } });
  return o;
}

const throwingProxy = () => new Proxy({}, {
  get() { throw new TypeError('proxy get trap'); },
  has() { throw new TypeError('proxy has trap'); },
  ownKeys() { throw new TypeError('proxy ownKeys trap'); },
  getOwnPropertyDescriptor() { throw new TypeError('proxy descriptor trap'); },
});

function detachedLike(n) {
  const buf = new ArrayBuffer(n * 4 + 8);
  const view = new Float64Array(buf, 8, Math.floor(n / 2)); // a Float64Array view at an offset
  structuredClone(buf, { transfer: [buf] });
  return view; // length 0 now
}

function detachedAfterView(n) {
  const arr = new Float32Array(n).fill(1);
  structuredClone(arr.buffer, { transfer: [arr.buffer] });
  return arr; // a view whose buffer was detached after it was made
}

/** Break one tensor in place (or replace it). Returns a label. */
function mutateTensor(args, slot, [get, set]) {
  const t = get(args);
  let shape = [1, 1, 3, 3];
  let data = null;
  try {
    if (t && Array.isArray(t.shape) && t.shape.every((d) => Number.isInteger(d) && d >= 0 && d < 1e4)) shape = t.shape.slice();
    if (t && (ArrayBuffer.isView(t.data) || Array.isArray(t.data))) data = t.data;
  } catch { /* a hostile tensor from an earlier mutation */ }
  const n = prod(shape);
  if (!data || data.length !== n) data = randTensor(shape).data;
  const kinds = [
    // the whole tensor
    ['null', () => set(args, null)],
    ['undefined', () => set(args, undefined)],
    ['number', () => set(args, 3)],
    ['string', () => set(args, 'tensor')],
    ['array', () => set(args, Array.from(data))],
    ['Float32Array', () => set(args, Float32Array.from(data))],
    ['{}', () => set(args, {})],
    ['shape only', () => set(args, { shape })],
    ['data only', () => set(args, { data })],
    ['symbol', () => set(args, Symbol('t'))],
    ['throwing proxy', () => set(args, throwingProxy())],
    ['hostile shape getter', () => set(args, hostileGetterObject({ shape, data }, 'shape'))],
    ['hostile data getter', () => set(args, hostileGetterObject({ shape, data }, 'data'))],
    // shape
    ['rank-1', () => set(args, { shape: shape.slice(1), data })],
    ['rank+1', () => set(args, { shape: [1, ...shape], data })],
    ['rank 0', () => set(args, { shape: [], data: new Float32Array(1) })],
    ['rank 5 (same size)', () => set(args, { shape: [...shape, 1], data })],
    ['negative dim', () => { const s = shape.slice(); s[int(0, s.length - 1)] *= -1; set(args, { shape: s, data }); }],
    ['-1 dim', () => { const s = shape.slice(); s[int(0, s.length - 1)] = -1; set(args, { shape: s, data }); }],
    ['fractional dim', () => { const s = shape.slice(); s[int(0, s.length - 1)] += 0.5; set(args, { shape: s, data }); }],
    ['NaN dim', () => { const s = shape.slice(); s[int(0, s.length - 1)] = NaN; set(args, { shape: s, data }); }],
    ['Infinity dim', () => { const s = shape.slice(); s[int(0, s.length - 1)] = Infinity; set(args, { shape: s, data }); }],
    ['huge dim', () => { const s = shape.slice(); s[int(0, s.length - 1)] = pick([1e9, 2 ** 31, 2 ** 32, 2 ** 40, 2 ** 53]); set(args, { shape: s, data }); }],
    ['zero dim', () => { const s = shape.slice(); s[int(0, s.length - 1)] = 0; set(args, { shape: s, data: new Float32Array(0) }); }],
    ['string dim', () => { const s = shape.map(String); set(args, { shape: s, data }); }],
    ['shape string', () => set(args, { shape: shape.join(','), data })],
    ['shape null', () => set(args, { shape: null, data })],
    ['shape typed array', () => set(args, { shape: Uint32Array.from(shape), data })],
    ['shape with hole', () => { const s = shape.slice(); delete s[0]; set(args, { shape: s, data }); }],
    ['shape object', () => set(args, { shape: { ...shape, length: shape.length }, data })],
    // data
    ['data too short', () => set(args, { shape, data: data.slice(0, Math.max(0, n - int(1, 3))) })],
    ['data too long', () => set(args, { shape, data: Float32Array.from([...data, 1, 2]) })],
    ['data empty', () => set(args, { shape, data: new Float32Array(0) })],
    ['data Float64Array', () => set(args, { shape, data: Float64Array.from(data) })],
    ['data number[]', () => set(args, { shape, data: Array.from(data) })],
    ['data subarray view', () => {
      const big = new Float32Array(n + 7);
      big.set(data, 3);
      set(args, { shape, data: big.subarray(3, 3 + n) });
    }],
    ['data Int32Array', () => set(args, { shape, data: Int32Array.from(data, (v) => Math.round(v)) })],
    ['data Uint8Array', () => set(args, { shape, data: new Uint8Array(n) })],
    ['data DataView', () => set(args, { shape, data: new DataView(new ArrayBuffer(n * 4)) })],
    ['data ArrayBuffer', () => set(args, { shape, data: new Float32Array(n).buffer })],
    ['data SharedArrayBuffer view', () => set(args, { shape, data: new Float32Array(new SharedArrayBuffer(n * 4)) })],
    ['data string', () => set(args, { shape, data: 'data' })],
    ['data null', () => set(args, { shape, data: null })],
    ['data number', () => set(args, { shape, data: 1 })],
    ['data object', () => set(args, { shape, data: { length: n } })],
    ['data NaN', () => { const d = Float32Array.from(data); d[int(0, Math.max(0, n - 1))] = NaN; set(args, { shape, data: d }); }],
    ['data +Inf', () => { const d = Float32Array.from(data); d[int(0, Math.max(0, n - 1))] = Infinity; set(args, { shape, data: d }); }],
    ['data -Inf', () => { const d = Float64Array.from(data); d[int(0, Math.max(0, n - 1))] = -Infinity; set(args, { shape, data: d }); }],
    ['data f64 overflow', () => { const d = Float64Array.from(data); d[int(0, Math.max(0, n - 1))] = 1e300; set(args, { shape, data: d }); }],
    ['data NaN in number[]', () => { const d = Array.from(data); d[int(0, Math.max(0, n - 1))] = NaN; set(args, { shape, data: d }); }],
    ['data string element', () => { const d = Array.from(data); d[int(0, Math.max(0, n - 1))] = '1'; set(args, { shape, data: d }); }],
    ['data null element', () => { const d = Array.from(data); d[int(0, Math.max(0, n - 1))] = null; set(args, { shape, data: d }); }],
    ['data hole', () => { const d = Array.from(data); delete d[int(0, Math.max(0, n - 1))]; set(args, { shape, data: d }); }],
    ['data detached buffer', () => set(args, { shape, data: detachedLike(n) })],
    ['data detached after view', () => set(args, { shape, data: detachedAfterView(n) })],
    ['huge shape, tiny data', () => set(args, { shape: shape.map((d, i) => (i >= shape.length - 2 ? 100000 : d)), data })],
    ['shape beyond 2^53 product', () => set(args, { shape: [2 ** 20, 2 ** 20, 2 ** 20, 2 ** 20].slice(0, shape.length), data })],
  ];
  const [label, apply] = pick(kinds);
  apply();
  return `${label}`;
}

/** Huge but otherwise well-formed calls: each must be refused (element cap) without allocating. */
function hugeCall(op) {
  const t = (shape) => randTensor(shape);
  switch (op) {
    case 'conv2d':
    case 'conv2dTrace':
      return pick([
        ['padding 2^15', [t([1, 1, 4, 4]), t([1, 1, 1, 1]), null, { padding: 2 ** 15 }]],
        ['padding 1e6', [t([1, 1, 4, 4]), t([1, 1, 1, 1]), null, { padding: [1e6, 1e6] }]],
        ['padding 2^40', [t([1, 1, 4, 4]), t([1, 1, 3, 3]), null, { padding: 2 ** 40 }]],
        ['padding 9000 replicate', [t([1, 1, 4, 4]), t([1, 1, 1, 1]), null, { padding: 9000, paddingMode: 'replicate' }]],
        ['padding 3000, 3x3 columns', [t([1, 3, 4, 4]), t([1, 3, 3, 3]), null, { padding: 3000 }]],
      ]);
    case 'convTranspose2d':
    case 'convTranspose2dTrace':
      return pick([
        ['stride 2^20', [t([1, 1, 2, 2]), t([1, 1, 3, 3]), null, { stride: 2 ** 20 }]],
        ['stride 1e5', [t([1, 1, 3, 3]), t([1, 1, 2, 2]), null, { stride: [1e5, 1e5] }]],
        ['dilation 1e5', [t([1, 1, 2, 2]), t([1, 1, 3, 3]), null, { dilation: 100000 }]],
        ['stride 2^31', [t([1, 1, 2, 2]), t([1, 1, 1, 1]), null, { stride: 2 ** 31 }]],
        ['stride 2^40 outputSize', [t([1, 1, 2, 2]), t([1, 1, 1, 1]), null, { stride: 2 ** 40, outputSize: [2 ** 40 + 1, 2 ** 40 + 1] }]],
      ]);
    case 'unfold':
      return pick([
        ['padding 1e5', [t([1, 1, 4, 4]), { kernelSize: 1, padding: 100000 }]],
        ['padding 2^31', [t([1, 1, 4, 4]), { kernelSize: 2, padding: 2 ** 31 }]],
        ['kernel 1, padding 5000, 3 ch', [t([1, 3, 4, 4]), { kernelSize: 3, padding: 5000 }]],
      ]);
    case 'fold':
      return pick([
        ['outputSize 1e5', [t([1, 1, 1]), { outputSize: [100000, 100000], kernelSize: [100000, 100000] }]],
        ['outputSize 2^20, stride', [t([1, 1, 4]), { outputSize: [2 ** 20, 2 ** 20], kernelSize: 1, stride: 2 ** 20 - 1 }]],
        ['outputSize 2^40', [t([1, 1, 1]), { outputSize: [2 ** 40, 1], kernelSize: [2 ** 40, 1] }]],
      ]);
    case 'convMatrix':
      return pick([
        ['inputSize 1e4', [{ inputSize: [10000, 10000], kernel: t([1, 1]) }]],
        ['inputSize 2^20', [{ inputSize: [2 ** 20, 2 ** 20], kernel: t([3, 3]) }]],
        ['inputSize 2^40', [{ inputSize: [2 ** 40, 1], kernel: t([1, 1]) }]],
      ]);
    case 'defaultInit':
      return pick([
        ['channels 1e5', [{ kind: 'conv2d', inChannels: 100000, outChannels: 100000, kernelSize: 3, seed: 1 }]],
        ['channels 2^40', [{ kind: 'convTranspose2d', inChannels: 2 ** 40, outChannels: 1, kernelSize: 1, seed: 1 }]],
        ['kernel 1e5', [{ kind: 'conv2d', inChannels: 1, outChannels: 1, kernelSize: 100000, seed: 1 }]],
      ]);
    case 'conv2dOutputSize':
      return pick([
        ['inputSize 2^40', [{ inputSize: [2 ** 40, 2 ** 40], kernelSize: 3 }]],
        ['inputSize 2^52 stride 2^40', [{ inputSize: [2 ** 52, 5], kernelSize: 3, stride: [2 ** 40, 1], dilation: 2 ** 20 }]],
        ['padding 2^31', [{ inputSize: [4, 4], kernelSize: 3, padding: 2 ** 31 }]],
      ]);
    case 'convTranspose2dOutputSize':
      return pick([
        ['inputSize 2^40', [{ inputSize: [2 ** 40, 3], kernelSize: 3, stride: 2 }]],
        ['stride 2^32', [{ inputSize: [3, 3], kernelSize: 3, stride: 2 ** 32 }]],
        ['padding 2^31', [{ inputSize: [3, 3], kernelSize: 3, padding: 2 ** 31 }]],
      ]);
    default:
      throw new Error(op);
  }
}

/** Build one call: op, args, labels; `huge` marks calls that must not allocate. */
function makeCall(op) {
  const spec = OPS[op];
  let args = spec.base();
  const labels = [];
  let huge = false;
  // A writable copy of the options object, or null when an earlier mutation made it a non-object.
  const optsOf = () => {
    const cur = args[spec.optsIndex];
    if (cur !== undefined && (cur === null || typeof cur !== 'object')) return null;
    args[spec.optsIndex] = safeSpread(cur);
    return args[spec.optsIndex];
  };
  const mutationCount = weighted([[10, 0], [65, 1], [20, 2], [5, 3]]);
  for (let m = 0; m < mutationCount; m++) {
    const tensorSlots = Object.keys(spec.tensors);
    const kind = weighted([
      [40, 'option'],
      [tensorSlots.length ? 30 : 0, 'tensor'],
      [6, 'options object'],
      [4, 'missing option'],
      [4, 'arity'],
      [m === 0 ? 8 : 0, 'huge'],
      [3, 'hostile option'],
    ]);
    if (kind === 'option') {
      const o = optsOf();
      if (!o) continue;
      const key = pick(spec.options);
      const v = pick(BAD_VALUES)();
      o[key] = v;
      labels.push(`${key}=${describe(v)}`);
    } else if (kind === 'missing option') {
      const o = optsOf();
      if (!o) continue;
      const key = pick(Object.keys(o).length ? Object.keys(o) : spec.options);
      delete o[key];
      labels.push(`no ${key}`);
    } else if (kind === 'tensor') {
      const slot = pick(tensorSlots);
      labels.push(`${slot}: ${mutateTensor(args, slot, spec.tensors[slot])}`);
    } else if (kind === 'options object') {
      const [label, v] = pick([
        ['null', () => null], ['undefined', () => undefined], ['42', () => 42], ['"opts"', () => 'opts'],
        ['[]', () => []], ['true', () => true], ['symbol', () => Symbol('o')], ['function', () => () => {}],
        ['throwing proxy', throwingProxy], ['Object.create(null)', () => Object.create(null)],
        ['inherited fields', () => Object.create(safeSpread(args[spec.optsIndex]))],
        ['frozen', () => Object.freeze(safeSpread(args[spec.optsIndex]))],
        ['extra unknown field', () => ({ ...safeSpread(args[spec.optsIndex]), bogusField: 1 })],
      ]);
      args[spec.optsIndex] = v();
      labels.push(`options=${label}`);
    } else if (kind === 'arity') {
      const [label, fn] = pick([
        ['no arguments', () => []],
        ['one argument', () => args.slice(0, 1)],
        ['last argument dropped', () => args.slice(0, -1)],
        ['extra arguments', () => [...args, 1, 'x', null]],
        ['arguments reversed', () => args.slice().reverse()],
      ]);
      args = fn();
      labels.push(label);
    } else if (kind === 'huge') {
      const [label, a] = hugeCall(semantics(op));
      args = a;
      labels.push(`huge: ${label}`);
      huge = true;
    } else if (kind === 'hostile option') {
      const o = args[spec.optsIndex];
      if (!o || typeof o !== 'object') continue;
      const key = pick(spec.options);
      args[spec.optsIndex] = hostileGetterObject(o, key);
      labels.push(`throwing getter for ${key}`);
    }
  }
  return { op, args, labels, huge };
}

// ---------------------------------------------------------------- checking results

function closeTo(got, exp) {
  const g = got.data;
  for (let i = 0; i < exp.data.length; i++) {
    const e = exp.data[i];
    if (!(Math.abs(g[i] - e) <= RTOL * Math.max(1, Math.abs(e)))) return `value[${i}] ${g[i]} != ${e}`;
  }
  return null;
}

function checkTensor(got, shape, expected, what) {
  if (!got || typeof got !== 'object') return `${what} is ${describe(got)}, not a tensor`;
  const s = Array.from(got.shape ?? []);
  if (s.length !== shape.length || s.some((d, i) => d !== shape[i])) return `${what} shape [${s}], expected [${shape}]`;
  if (!(got.data instanceof Float32Array)) return `${what}.data is ${got.data?.constructor?.name}, expected Float32Array`;
  if (got.data.length !== prod(shape)) return `${what}.data has ${got.data.length} elements for shape [${shape}]`;
  if (expected) {
    const bad = closeTo(got, expected);
    if (bad) return `${what} ${bad}`;
  }
  return null;
}

function checkArith(got, exp, what) {
  if (!got || typeof got !== 'object') return `${what} is ${describe(got)}`;
  for (const dim of ['height', 'width']) {
    for (const [k, v] of Object.entries(exp[dim])) {
      if (got[dim]?.[k] !== v) return `${what}.${dim}.${k} = ${describe(got[dim]?.[k])}, expected ${v}`;
    }
  }
  return null;
}

function readProp(h, name) {
  const v = h[name];
  return typeof v === 'function' ? v.call(h) : v;
}

/** null if `result` is right for a valid call judged `j`, else what is wrong. */
function checkResult(op, result, j) {
  switch (op) {
    case 'conv2d':
    case 'convTranspose2d':
    case 'unfold':
    case 'fold':
    case 'convMatrix':
      return checkTensor(result, j.shape, j.expected, 'result');
    case 'conv2dTrace':
    case 'convTranspose2dTrace':
      return checkTensor(readProp(result, 'output'), j.shape, j.expected, 'trace.output');
    case 'conv2dOutputSize':
    case 'convTranspose2dOutputSize':
      return checkArith(result, j.expected, 'result');
    case 'defaultInit': {
      const { weightShape, biasShape, outChannels, bound } = j.expected;
      const bad = checkTensor(result?.weight, weightShape, null, 'weight');
      if (bad) return bad;
      if (result.weight.data.some((v) => !(Math.abs(v) <= bound * (1 + 1e-6)))) return `weight outside ±1/sqrt(fan_in) = ±${bound}`;
      if (biasShape === null && result.bias !== null && result.bias !== undefined) return 'bias returned although bias: false';
      const b = result.bias;
      if (biasShape && (b === null || b === undefined)) return 'bias missing although bias: true';
      if (b !== null && b !== undefined) {
        const bb = checkTensor(b, [outChannels], null, 'bias');
        if (bb) return bb;
        if (b.data.some((v) => !(Math.abs(v) <= bound * (1 + 1e-6)))) return `bias outside ±1/sqrt(fan_in) = ±${bound}`;
      }
      return null;
    }
    default:
      return `no checker for ${op}`;
  }
}

/** Problem with a thrown value, or null when it is a proper Error. */
function checkThrown(e) {
  if (e instanceof WebAssembly.RuntimeError) return `trapped: WebAssembly.RuntimeError: ${e.message}`;
  if (!(e instanceof Error)) return `threw a non-Error: ${describe(e)}`;
  if (typeof e.message !== 'string' || e.message.trim() === '') return `threw ${e.constructor.name} with an empty message`;
  return null;
}

function ones(shape) {
  return { shape, data: new Float32Array(prod(shape)).fill(1) };
}

/** The lecture example must still work. */
function sanity(api) {
  try {
    const y = api.conv2d(ones([1, 3, 5, 5]), ones([1, 3, 3, 3]), null, {});
    if (Array.from(y.shape).join() !== '1,1,3,3' || y.data.length !== 9 || !Array.from(y.data).every((v) => v === 27)) {
      return `lecture example now gives shape [${Array.from(y.shape)}] data [${Array.from(y.data)}]`;
    }
    return null;
  } catch (e) {
    return `lecture example now throws ${e?.constructor?.name}: ${e?.message}`;
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  rand = mulberry32(opts.seed);
  let loaded;
  try {
    loaded = await loadApi(opts);
  } catch (e) {
    console.log(`js_api_fuzz: cannot load the package: ${e.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  let { api, memory } = loaded;
  let calls = entryPoints(api);
  const missing = OP_NAMES.filter((n) => !calls[n]);
  let maxElements = DEFAULT_MAX_ELEMENTS;
  try {
    if (typeof api.maxElements === 'function') maxElements = Number(api.maxElements());
  } catch { /* keep the default */ }
  console.log(`js_api_fuzz: seed ${opts.seed}, ${opts.calls} calls, maxElements ${maxElements}` +
    (missing.length ? `; missing exports: ${missing.join(', ')}` : ''));

  const first = sanity(api);
  if (first) {
    console.log(`FAIL before fuzzing: ${first}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }

  // Catch panic messages (console_error_panic_hook writes them to console.error).
  const origError = console.error;
  let panicText = null;
  console.error = (...a) => {
    const text = a.map(String).join(' ');
    if (/panicked at/.test(text)) panicText = text.split('\n')[0];
    else origError(...a);
  };

  const stats = Object.fromEntries(OP_NAMES.map((n) => [n, { calls: 0, returned: 0, threw: 0, failed: 0 }]));
  const byStatus = { valid: 0, invalid: 0, ambiguous: 0 };
  let passed = 0;
  let failed = 0;
  let printed = 0;
  let reloads = 0;
  const failureKinds = new Map();
  const refusedValid = new Map(); // legal in PyTorch but refused (allowed: size limits etc.), by message
  const t0 = performance.now();

  for (let i = 0; i < opts.calls; i++) {
    const op = OP_NAMES[i % OP_NAMES.length];
    const call = makeCall(op);
    const st = stats[op];
    st.calls++;
    const j = judge(semantics(op), call.args, { maxElements });
    byStatus[j.status]++;
    const problems = [];
    panicText = null;
    const memBefore = memory ? memory.buffer.byteLength : 0;

    if (!calls[op]) {
      problems.push(`${op} is not exported`);
    } else {
      let result;
      let threw = null;
      try {
        result = calls[op](...call.args);
      } catch (e) {
        threw = { e };
      }
      if (threw) {
        st.threw++;
        if (j.status === 'valid') {
          const k = `${op}: ${String(threw.e?.message).replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/g, '#').slice(0, 100)}`;
          refusedValid.set(k, (refusedValid.get(k) ?? 0) + 1);
        }
        const bad = checkThrown(threw.e);
        if (bad) problems.push(bad);
        if (memory && call.huge && memory.buffer.byteLength - memBefore > MEMORY_SLACK) {
          problems.push(`grew wasm memory by ${((memory.buffer.byteLength - memBefore) / 2 ** 20).toFixed(0)} MiB before refusing`);
        }
        const s = sanity(api);
        if (s) problems.push(s);
      } else {
        st.returned++;
        try {
          if (j.status === 'invalid') {
            let shape = '';
            try {
              const out = op.endsWith('Trace') ? readProp(result, 'output') : result;
              if (out?.shape) shape = ` (returned shape [${Array.from(out.shape)}])`;
            } catch { /* ignore */ }
            problems.push(`accepted an invalid call: ${j.reason}${shape}`);
          } else if (j.status === 'valid') {
            const bad = checkResult(semantics(op), result, j);
            if (bad) problems.push(bad);
          } else if (result === undefined || result === null) {
            problems.push(`returned ${result}`);
          }
        } catch (e) {
          problems.push(`reading the result threw ${e?.constructor?.name}: ${e?.message}`);
        } finally {
          if (result && typeof result.free === 'function') {
            try { result.free(); } catch (e) { problems.push(`free() threw ${e?.message}`); }
          }
        }
      }
      if (panicText) problems.push(`Rust panicked: ${panicText}`);
    }

    if (problems.length === 0) {
      passed++;
      if (opts.verbose) console.log(`ok   #${i} ${op}(${call.labels.join('; ') || 'valid'}) [${j.status}]`);
      continue;
    }
    failed++;
    st.failed++;
    const key = `${op}: ${problems[0].replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/g, '#').slice(0, 90)}`;
    failureKinds.set(key, (failureKinds.get(key) ?? 0) + 1);
    if (printed < MAX_FAILURE_LINES) {
      printed++;
      console.log(`FAIL #${i} ${op}(${call.labels.join('; ') || 'valid call'}) [${j.status}${j.reason ? `: ${j.reason}` : ''}]: ${problems.join('; ')}`);
    }
    // A broken instance would turn every later call into a failure: start a fresh one.
    if (problems.some((p) => p.startsWith('lecture example') || p.startsWith('trapped'))) {
      reloads++;
      ({ api, memory } = await loadApi(opts));
      calls = entryPoints(api);
    }
  }
  console.error = origError;

  const secs = (performance.now() - t0) / 1000;
  if (printed < failed) console.log(`... ${failed - printed} more failures not shown`);
  if (failureKinds.size) {
    console.log('failures by kind:');
    for (const [k, n] of [...failureKinds].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${String(n).padStart(5)}  ${k}`);
  }
  if (refusedValid.size) {
    console.log('legal calls refused (allowed, for information):');
    for (const [k, n] of [...refusedValid].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${String(n).padStart(5)}  ${k}`);
  }
  console.log('per function: calls / returned / threw / failed');
  for (const [op, s] of Object.entries(stats)) {
    console.log(`  ${op.padEnd(26)} ${String(s.calls).padStart(5)} ${String(s.returned).padStart(8)} ${String(s.threw).padStart(6)} ${String(s.failed).padStart(6)}`);
  }
  console.log(`calls judged valid ${byStatus.valid}, invalid ${byStatus.invalid}, either ${byStatus.ambiguous}; ` +
    `${reloads} module reloads; wasm memory ${memory ? (memory.buffer.byteLength / 2 ** 20).toFixed(1) + ' MiB' : 'n/a'}; ${secs.toFixed(2)}s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed + failed < 5000 && opts.calls >= 5000 ? 1 : 0);
}

main().catch((e) => {
  console.log(`js_api_fuzz: ${e.stack}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
