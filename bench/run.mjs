#!/usr/bin/env node
// convviz vs TensorFlow.js (wasm and cpu backends), side by side, in one Node process.
//
// usage: node bench/run.mjs [--pkg DIR=www/pkg] [--runs N=21] [--cases a,b,...|--backward]
//                           [--out FILE=target/bench/results.json] [--quick] [--system-malloc]
//                           [--interleave]  (alternate single convviz / tfjs-wasm samples)
//                           [--simd128]  (convviz = the SIMD128 build; no relaxed-SIMD column)
//
// convviz is the build Chromium loads (www/engine.js): convviz_relaxed_bg.wasm, SIMD128 + relaxed
// SIMD (the micro-kernel's fused multiply-adds). Node 20's V8 runs relaxed SIMD behind a flag
// that Chrome has shipped on since 114: it is set at run time (tools/relaxed-simd.mjs); it changes
// nothing for tfjs (its binaries have no relaxed instructions). The SIMD128 build, which browsers
// without relaxed SIMD load, is timed too in the same blocks (convviz_simd128_ms).
//
// Rules (README "Benchmarks"):
// - one process, one thread for every engine: tfjs-backend-wasm with WASM_HAS_MULTITHREAD_SUPPORT
//   false (its single-threaded SIMD binary, loaded from node_modules), tfjs-backend-cpu is plain JS;
// - weights are prepared once per engine (tfjs: the HWIO filter tensor and the bias tensor;
//   convviz: a `Conv2d` / `ConvTranspose2d` module, whose constructor checks and packs the
//   weight, as nn.Conv2d holds it). convviz's functional API (`conv2d(x, w, b, options)`, the
//   weight crossing the boundary and packed on every call) is timed too, for reference;
// - what a web developer holding NCHW Float32Arrays pays is timed: convviz's copy of the input
//   into wasm memory and of the output into a fresh Float32Array; for tfjs, building the input
//   tensor, NCHW -> NHWC, the convolution, NHWC -> NCHW and reading the data back (dataSync);
// - every engine's output is checked against a float64 JS reference (max abs diff) before timing;
// - warm-up, then the median of >= 15 samples; a sample repeats the call enough times to last
//   >= 2 ms (tiny cases) and reports time per call. convviz's and tfjs-wasm's samples run in
//   alternating blocks (3 rounds of 7): the rounds spread load drift from other processes over
//   both engines, the blocks keep each engine in its own steady state (alternating single
//   samples, --interleave, bills one engine's garbage collections and cache misses to the other:
//   it made tfjs-wasm 15-30 % slower on the tiny cases).
// - the allocator: every engine hands back a fresh Float32Array per call. With glibc's defaults,
//   freeing a block of >= 128 KiB returns it to the kernel, so the next array page-faults on
//   every page (costing, on this VM, up to 10x the copy itself: 11 ms to allocate+copy 8 MB).
//   By default the benchmark re-runs itself in one child Node process with
//   MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ raised so that freed blocks are reused;
//   --system-malloc keeps glibc's defaults (both are reported in the README).
// - backward (#18): the gradients of a Conv2d, each timed on its own through the more module's
//   `conv2dGradInput` / `conv2dGradWeight` (www/pkg/more: the SIMD128 build, it has no relaxed
//   one; functional API, the weight crosses the boundary on every call). gradInput against
//   tfjs-wasm's Conv2DBackpropInput (`tf.conv2dTranspose` of gradOutput with the forward's HWIO
//   filter and geometry), gradWeight against tfjs-cpu's Conv2DBackpropFilter (tfjs-backend-wasm
//   has no such kernel); tfjs is timed from NCHW arrays to an NCHW (OIHW for the weight) array,
//   transposes included, as for the forward cases. Every engine is checked against a float64
//   reference and convviz against the peer before timing. `--backward` runs these cases and the
//   forward ones whose GFLOP/s they are printed beside (teaching, cnn-layer, gemm).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { WASM_FILES } from '../www/engine.js';
import { prepareFor } from '../tools/relaxed-simd.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

// ------------------------------------------------------------------ arguments
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes('--quick');
const pkgDir = path.resolve(root, opt('pkg', 'www/pkg'));
const RUNS = Math.max(quick ? 5 : 15, Number(opt('runs', quick ? 5 : 21)));
const outFile = path.resolve(root, opt('out', 'target/bench/results.json'));
const only = args.includes('--backward') ? null : opt('cases', null)?.split(',');
const backwardOnly = args.includes('--backward');
/** The forward cases `--backward` runs too, for the gradients' GFLOP/s beside theirs. */
const BESIDE_BACKWARD = ['teaching', 'cnn-layer', 'gemm'];
const systemMalloc = args.includes('--system-malloc');
const interleave = args.includes('--interleave');
const simd128Only = args.includes('--simd128');
const ROUNDS = 3;
/**
 * Samples of tfjs-cpu on a gradient case, after one call of warm-up besides the checked one:
 * its plain loops take up to ~30 s a call at the cnn-layer size (Conv2DBackpropFilter).
 */
const CPU_GRAD_RUNS = quick ? 1 : 3;
/** A gradient must agree with the float64 one to this fraction of the latter's largest |value|. */
const GRAD_TOL = 1e-4;
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '1073741824', MALLOC_TRIM_THRESHOLD_: '4294967296', MALLOC_TOP_PAD_: '67108864' };
if (!systemMalloc && !process.env.CONVVIZ_BENCH_CHILD) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...MALLOC_ENV, CONVVIZ_BENCH_CHILD: '1' },
  });
  process.exit(r.status ?? 1);
}
const mallocMode = systemMalloc ? 'glibc defaults' : Object.entries(MALLOC_ENV).map(([k, v]) => `${k}=${v}`).join(' ');

// ------------------------------------------------------------------ cases
// conv2d: input [N, C, H, W], cout, k, stride, pad. gemm: a conv2d that *is* a 256x256x256 GEMM
// (1x1 kernel: out[256 ch, 256 px] = W[256, 256] . X[256, 256 px]).
const CASES = [
  { name: 'lecture', op: 'conv2d', input: [1, 3, 5, 5], cout: 1, k: 3, stride: 1, pad: 0 },
  { name: 'teaching', op: 'conv2d', input: [1, 8, 32, 32], cout: 8, k: 3, stride: 2, pad: 1 },
  { name: 'cnn-layer', op: 'conv2d', input: [1, 64, 56, 56], cout: 64, k: 3, stride: 1, pad: 1 },
  { name: 'photo-k3', op: 'conv2d', input: [1, 3, 512, 512], cout: 8, k: 3, stride: 1, pad: 1 },
  { name: 'photo-k5', op: 'conv2d', input: [1, 3, 512, 512], cout: 8, k: 5, stride: 1, pad: 2 },
  { name: 'upsample', op: 'convT', input: [1, 64, 28, 28], cout: 32, k: 4, stride: 2, pad: 1 },
  { name: 'gemm', op: 'conv2d', input: [1, 256, 16, 16], cout: 256, k: 1, stride: 1, pad: 0, gemm: [256, 256, 256] },
  // The gradients of two of the conv2d cases above (#18): ∂L/∂input and ∂L/∂weight for a random
  // ∂L/∂y, each computed alone.
  { name: 'teaching-grad-input', op: 'gradInput', input: [1, 8, 32, 32], cout: 8, k: 3, stride: 2, pad: 1 },
  { name: 'teaching-grad-weight', op: 'gradWeight', input: [1, 8, 32, 32], cout: 8, k: 3, stride: 2, pad: 1 },
  { name: 'cnn-layer-grad-input', op: 'gradInput', input: [1, 64, 56, 56], cout: 64, k: 3, stride: 1, pad: 1 },
  { name: 'cnn-layer-grad-weight', op: 'gradWeight', input: [1, 64, 56, 56], cout: 64, k: 3, stride: 1, pad: 1 },
].filter((c) => (!only || only.includes(c.name)) && (!backwardOnly || isBackward(c) || BESIDE_BACKWARD.includes(c.name)));

/** A gradient case (#18): the forward is a conv2d of this geometry. */
function isBackward(c) {
  return c.op === 'gradInput' || c.op === 'gradWeight';
}

// ------------------------------------------------------------------ data
function rng(seed) {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const prod = (s) => s.reduce((a, b) => a * b, 1);
function randn(shape, seed, scale = 1) {
  const r = rng(seed);
  const d = new Float32Array(prod(shape));
  for (let i = 0; i < d.length; i++) d[i] = (r() * 2 - 1) * scale;
  return { shape, data: d };
}

function outSize(c) {
  const [, , h, w] = c.input;
  if (c.op !== 'convT') {
    const f = (n) => Math.floor((n + 2 * c.pad - c.k) / c.stride) + 1;
    return [c.input[0], c.cout, f(h), f(w)];
  }
  const f = (n) => (n - 1) * c.stride - 2 * c.pad + c.k;
  return [c.input[0], c.cout, f(h), f(w)];
}

function prepare(c, i) {
  const cin = c.input[1];
  const x = randn(c.input, 1000 + i);
  // PyTorch layouts: conv2d weight [C_out, C_in, kh, kw]; conv_transpose2d [C_in, C_out, kh, kw].
  const wshape = c.op !== 'convT' ? [c.cout, cin, c.k, c.k] : [cin, c.cout, c.k, c.k];
  const w = randn(wshape, 2000 + i, 1 / Math.sqrt(cin * c.k * c.k));
  const b = randn([c.cout], 3000 + i, 0.1);
  const out = outSize(c);
  if (!isBackward(c)) return { x, w, b, out };
  // seeds from the geometry, not the case's index: gradInput and gradWeight share one reference
  const seed = c.input[1] * 7 + c.k;
  return {
    x: randn(c.input, 1000 + seed),
    w: randn(wshape, 2000 + seed, 1 / Math.sqrt(cin * c.k * c.k)),
    gy: randn(out, 4000 + seed),
    out,
  };
}

/** Multiply-adds ×2 of a conv2d of this geometry (and of each of its two gradient products). */
function convFlop(c) {
  const [n, , ho, wo] = outSize(c);
  return 2 * n * c.cout * c.input[1] * c.k * c.k * ho * wo;
}

// float64 ∂L/∂input and ∂L/∂weight of a conv2d (groups 1, zero padding), NCHW / OIHW.
const gradReferences = new Map();
function gradReference(c, { x, w, gy, out }) {
  const key = JSON.stringify([c.input, c.cout, c.k, c.stride, c.pad]);
  if (gradReferences.has(key)) return gradReferences.get(key);
  const [n, cin, h, wd] = c.input;
  const [, cout, ho, wo] = out;
  const { k, stride: s, pad: p } = c;
  const gx = new Float64Array(prod(c.input));
  const gw = new Float64Array(cout * cin * k * k);
  for (let bn = 0; bn < n; bn++) {
    for (let o = 0; o < cout; o++) {
      const gbase = (bn * cout + o) * ho * wo;
      for (let ci = 0; ci < cin; ci++) {
        const xbase = (bn * cin + ci) * h * wd;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            const wi = ((o * cin + ci) * k + i) * k + j;
            const wv = w.data[wi];
            let acc = 0;
            for (let oh = 0; oh < ho; oh++) {
              const ih = oh * s - p + i;
              if (ih < 0 || ih >= h) continue;
              for (let ow = 0; ow < wo; ow++) {
                const iw = ow * s - p + j;
                if (iw < 0 || iw >= wd) continue;
                const g = gy.data[gbase + oh * wo + ow];
                gx[xbase + ih * wd + iw] += wv * g;
                acc += x.data[xbase + ih * wd + iw] * g;
              }
            }
            gw[wi] += acc;
          }
        }
      }
    }
  }
  const r = { gradInput: gx, gradWeight: gw };
  gradReferences.set(key, r);
  return r;
}

// float64 reference, NCHW (PyTorch definitions).
function reference(c, { x, w, b, out }) {
  const [n, cin, h, wd] = x.shape;
  const [, cout, ho, wo] = out;
  const y = new Float64Array(prod(out));
  const { k, stride: s, pad: p } = c;
  for (let bn = 0; bn < n; bn++) {
    for (let o = 0; o < cout; o++) {
      const ybase = (bn * cout + o) * ho * wo;
      for (let t = 0; t < ho * wo; t++) y[ybase + t] = b.data[o];
      for (let ci = 0; ci < cin; ci++) {
        const xbase = (bn * cin + ci) * h * wd;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            if (c.op === 'conv2d') {
              const wv = w.data[((o * cin + ci) * k + i) * k + j];
              for (let oh = 0; oh < ho; oh++) {
                const ih = oh * s - p + i;
                if (ih < 0 || ih >= h) continue;
                for (let ow = 0; ow < wo; ow++) {
                  const iw = ow * s - p + j;
                  if (iw >= 0 && iw < wd) y[ybase + oh * wo + ow] += wv * x.data[xbase + ih * wd + iw];
                }
              }
            } else {
              const wv = w.data[((ci * cout + o) * k + i) * k + j];
              for (let ih = 0; ih < h; ih++) {
                const oh = ih * s - p + i;
                if (oh < 0 || oh >= ho) continue;
                for (let iw = 0; iw < wd; iw++) {
                  const ow = iw * s - p + j;
                  if (ow >= 0 && ow < wo) y[ybase + oh * wo + ow] += wv * x.data[xbase + ih * wd + iw];
                }
              }
            }
          }
        }
      }
    }
  }
  return y;
}

function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// ------------------------------------------------------------------ engines
/** One build of the package (its own instance of the glue: a query string makes a new module). */
async function loadConvviz(build, name) {
  const file = WASM_FILES[build];
  const wasmFile = path.join(pkgDir, file);
  prepareFor(wasmFile); // relaxed SIMD enabled in this Node (or an Error: use --simd128)
  const pkg = await import(`${pathToFileURL(path.join(pkgDir, 'convviz.js')).href}?build=${build}`);
  pkg.initSync({ module: fs.readFileSync(wasmFile) });
  const options = (c) => ({ stride: c.stride, padding: c.pad });
  return [
    {
      // The module API, as `nn.Conv2d` holds its weight: `new Conv2d(weight, bias, options)`
      // checks and packs the weight once (as tfjs gets its filter tensor once); each call copies
      // the NCHW Float32Array in and hands back a fresh NCHW Float32Array.
      name,
      file,
      wasmBytes: fs.statSync(wasmFile).size,
      prepare(c, d) {
        const Layer = c.op === 'conv2d' ? pkg.Conv2d : pkg.ConvTranspose2d;
        const layer = new Layer(d.w, d.b, options(c));
        const [, , h, w] = c.input;
        return (x) => layer.forwardData(x.data, h, w);
      },
    },
    {
      // The functional API (`F.conv2d(x, w, b, options)`): the weight crosses the boundary,
      // is checked and packed on every call, and tensors go in and out as `{ shape, data }`.
      name: `${name}-functional`,
      prepare(c, d) {
        const f = c.op === 'conv2d' ? pkg.conv2d : pkg.convTranspose2d;
        const opts = options(c);
        return (x) => f(x, d.w, d.b, opts).data;
      },
    },
  ];
}

let tf;
async function loadTf(backend) {
  if (!tf) {
    tf = require('@tensorflow/tfjs-core');
    require('@tensorflow/tfjs-backend-cpu');
    const wasmBackend = require('@tensorflow/tfjs-backend-wasm');
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep);
    wasmBackend.setWasmPaths(dist);
  }
  return {
    name: `tfjs-${backend}`,
    async activate() {
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
      await tf.ready();
    },
    prepare(c, d) {
      if (isBackward(c)) return prepareGrad(c, d);
      const cin = c.input[1];
      const { k } = c;
      // HWIO for conv2d ([kh, kw, C_in, C_out]); for conv2dTranspose tfjs wants
      // [kh, kw, C_out, C_in] (the filter of the forward conv whose input gradient it is).
      const f = new Float32Array(d.w.data.length);
      for (let a = 0; a < (c.op === 'conv2d' ? c.cout : cin); a++) {
        for (let bb = 0; bb < (c.op === 'conv2d' ? cin : c.cout); bb++) {
          for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) {
              const src = d.w.data[((a * (c.op === 'conv2d' ? cin : c.cout) + bb) * k + i) * k + j];
              // conv2d: a = o, bb = ci -> [i, j, ci, o]; convT: a = ci, bb = o -> [i, j, o, ci]
              const dst = c.op === 'conv2d'
                ? ((i * k + j) * cin + bb) * c.cout + a
                : ((i * k + j) * c.cout + bb) * cin + a;
              f[dst] = src;
            }
          }
        }
      }
      const filter = tf.tensor4d(f, c.op === 'conv2d' ? [k, k, cin, c.cout] : [k, k, c.cout, cin]);
      const bias = tf.tensor1d(d.b.data);
      const [n, , h, w] = c.input;
      const [, cout, ho, wo] = d.out;
      const pad = [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]];
      return (x) => {
        const y = tf.tidy(() => {
          const xn = tf.transpose(tf.tensor4d(x.data, [n, cin, h, w]), [0, 2, 3, 1]);
          const yn = c.op === 'conv2d'
            ? tf.fused.conv2d({ x: xn, filter, strides: c.stride, pad, bias })
            : tf.add(tf.conv2dTranspose(xn, filter, [n, ho, wo, cout], c.stride, c.pad), bias);
          return tf.transpose(yn, [0, 3, 1, 2]);
        });
        const data = y.dataSync();
        y.dispose();
        return data;
      };
    },
  };

  // gradInput: Conv2DBackpropInput (tf.conv2dTranspose of gradOutput with the forward's HWIO
  // filter, prepared once); gradWeight: Conv2DBackpropFilter (tfjs-cpu only).
  function prepareGrad(c, d) {
    const [n, cin, h, w] = c.input;
    const [, cout, ho, wo] = d.out;
    const { k } = c;
    const nhwc = (a, shape) => tf.transpose(tf.tensor4d(a.data, shape), [0, 2, 3, 1]);
    const read = (f) => (e) => {
      const y = tf.tidy(() => f(e));
      const data = y.dataSync();
      y.dispose();
      return data;
    };
    if (c.op === 'gradInput') {
      const f = new Float32Array(d.w.data.length);
      for (let o = 0; o < cout; o++) {
        for (let ci = 0; ci < cin; ci++) {
          for (let t = 0; t < k * k; t++) f[(t * cin + ci) * cout + o] = d.w.data[(o * cin + ci) * k * k + t];
        }
      }
      const filter = tf.tensor4d(f, [k, k, cin, cout]);
      return read((e) => {
        const dx = tf.conv2dTranspose(nhwc(e.gy, [n, cout, ho, wo]), filter, [n, h, w, cin], c.stride, c.pad);
        return tf.transpose(dx, [0, 3, 1, 2]);
      });
    }
    if (backend !== 'cpu') return null; // tfjs-backend-wasm has no Conv2DBackpropFilter kernel
    const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', filterShape: [k, k, cin, cout] };
    return read((e) => {
      const inputs = { x: nhwc(e.x, [n, cin, h, w]), dy: nhwc(e.gy, [n, cout, ho, wo]) };
      const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, inputs, attrs);
      return tf.transpose(dw, [3, 2, 0, 1]); // HWIO -> OIHW
    });
  }
}

/** The more module (www/pkg/more): the gradients, each through its own export. */
async function loadMoreModule() {
  const file = path.join('more', 'convviz_more_bg.wasm');
  const wasmFile = path.join(pkgDir, file);
  const more = await import(pathToFileURL(path.join(pkgDir, 'more', 'convviz_more.js')).href);
  more.initSync({ module: fs.readFileSync(wasmFile) });
  return {
    name: 'convviz',
    file,
    wasmBytes: fs.statSync(wasmFile).size,
    prepare(c, d) {
      const f = c.op === 'gradInput' ? more.conv2dGradInput : more.conv2dGradWeight;
      const opts = { stride: c.stride, padding: c.pad };
      return (e) => f(e.x, e.w, e.gy, opts).data;
    },
  };
}

// ------------------------------------------------------------------ timing
// Time one or more engines on the same call; with several, their samples alternate (A, B, A, B).
// `minWarm`: calls of warm-up at least (fewer for calls that take seconds).
function timeInterleaved(fns, x, runs, minWarm = 3) {
  const reps = fns.map((fn) => {
    // Warm-up: at least 3 calls and 100 ms (JIT, wasm tier-up, allocator), capped at 2 s.
    const t0 = performance.now();
    let calls = 0;
    while (calls < minWarm || (performance.now() - t0 < 100 && calls < 10000)) {
      fn(x);
      calls++;
      if (performance.now() - t0 > 2000) break;
    }
    return Math.max(1, Math.ceil(2 / ((performance.now() - t0) / calls))); // a sample lasts >= 2 ms
  });
  // Rounds of blocks: A×7, B×7, A×7, B×7, ... (block = all samples without --interleave).
  const block = interleave ? 1 : Math.ceil(runs / ROUNDS);
  const samples = fns.map(() => []);
  while (samples[0].length < runs) {
    fns.forEach((fn, e) => {
      for (let b = 0; b < block && samples[e].length < runs; b++) {
        const t0 = performance.now();
        for (let i = 0; i < reps[e]; i++) fn(x);
        samples[e].push((performance.now() - t0) / reps[e]);
      }
    });
  }
  return samples.map((s, e) => {
    s.sort((a, b) => a - b);
    return { median: s[s.length >> 1], min: s[0], max: s[s.length - 1], reps: reps[e] };
  });
}

// ------------------------------------------------------------------ main
function machine() {
  let cpu = 'unknown';
  try {
    const m = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m);
    if (m) cpu = m[1].trim();
  } catch {}
  return { nproc: os.availableParallelism?.() ?? os.cpus().length, cpu, node: process.version, platform: `${os.type()} ${os.release()} ${os.arch()}`, loadavg_start: os.loadavg().map((x) => +x.toFixed(2)) };
}

const [convviz, convvizFn] = await loadConvviz(simd128Only ? 'simd128' : 'relaxed-simd', 'convviz');
const [convvizSimd] = simd128Only ? [] : await loadConvviz('simd128', 'convviz-simd128');
const tfWasm = await loadTf('wasm');
const tfCpu = await loadTf('cpu');
const convvizMore = CASES.some(isBackward) ? await loadMoreModule() : null;
const mach = machine();
for (const e of [convviz, convvizSimd, convvizMore].filter(Boolean)) console.log(`${e.name}: ${path.relative(root, pkgDir)}/${e.file}, ${e.wasmBytes} bytes`);
console.log(`machine: ${mach.nproc} cores, ${mach.cpu}, Node ${mach.node}; ${RUNS} samples per median (tfjs-cpu: ${Math.min(RUNS, 15)}; on the gradients ${CPU_GRAD_RUNS})`);
console.log(`malloc: ${mallocMode}; ${interleave ? 'samples interleaved' : `${ROUNDS} rounds of alternating blocks`}; load average ${mach.loadavg_start.join(' ')}\n`);


/** Time one gradient case: convviz and its peers, after checking them. */
async function gradRow(c, i) {
  const d = prepare(c, i);
  const ref = gradReference(c, d)[c.op];
  const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const res = {};
  const diffs = {};
  const outs = {};
  for (const group of [[convvizMore, tfWasm], [tfCpu]]) {
    const fns = [];
    const names = [];
    for (const e of group) {
      if (e.activate) await e.activate();
      const fn = e.prepare(c, d);
      if (!fn) continue; // no such kernel in this engine
      outs[e.name] = fn(d);
      diffs[e.name] = maxAbsDiff(outs[e.name], ref);
      if (!(diffs[e.name] <= GRAD_TOL * Math.max(1, scale))) {
        console.error(`${c.name}: ${e.name} disagrees with the float64 reference (max abs diff ${diffs[e.name]}, largest |value| ${scale})`);
        bad = true;
      }
      fns.push(fn);
      names.push(e.name);
    }
    const cpu = group.includes(tfCpu);
    timeInterleaved(fns, d, cpu ? CPU_GRAD_RUNS : RUNS, cpu ? 1 : 3).forEach((t, k) => (res[names[k]] = t));
  }
  // the peer the issue names: tfjs-wasm for gradInput, tfjs-cpu for gradWeight (no wasm kernel)
  const peer = res['tfjs-wasm'] ? 'tfjs-wasm' : 'tfjs-cpu';
  const peerDiff = maxAbsDiff(outs.convviz, outs[peer]);
  if (!(peerDiff <= GRAD_TOL * Math.max(1, scale))) {
    console.error(`${c.name}: convviz and ${peer} disagree (max abs diff ${peerDiff})`);
    bad = true;
  }
  const ms = (e) => +res[e].median.toFixed(4);
  const gflops = (e) => +(convFlop(c) / (res[e].median * 1e6)).toFixed(2);
  const row = { case: c.name, op: c.op, convviz_ms: ms('convviz') };
  if (res['tfjs-wasm']) row.tfjs_wasm_ms = ms('tfjs-wasm');
  row.tfjs_cpu_ms = ms('tfjs-cpu');
  row.convviz_range_ms = [+res.convviz.min.toFixed(4), +res.convviz.max.toFixed(4)];
  if (res['tfjs-wasm']) row.speed_vs_tfjs_wasm = +(res['tfjs-wasm'].median / res.convviz.median).toFixed(3);
  row.speed_vs_tfjs_cpu = +(res['tfjs-cpu'].median / res.convviz.median).toFixed(2);
  row.convviz_gflops = gflops('convviz');
  if (res['tfjs-wasm']) row.tfjs_wasm_gflops = gflops('tfjs-wasm');
  row.max_abs_diff = Object.fromEntries(Object.entries(diffs).map(([k, v]) => [k, +v.toExponential(2)]));
  row.max_abs_value = +scale.toPrecision(4);
  row.convviz_vs_peer_max_abs_diff = +peerDiff.toExponential(2);
  const fmt = (v) => v.toFixed(v < 1 ? 3 : v < 100 ? 2 : 1).padStart(9);
  console.log(
    `${c.name.padEnd(21)} convviz ${fmt(row.convviz_ms)} ms  ` +
      (row.tfjs_wasm_ms !== undefined ? `tfjs-wasm ${fmt(row.tfjs_wasm_ms)} ms  ` : `tfjs-wasm ${'(no kernel)'.padStart(12)}     `) +
      `tfjs-cpu ${fmt(row.tfjs_cpu_ms)} ms  ` +
      (row.speed_vs_tfjs_wasm !== undefined ? `x${row.speed_vs_tfjs_wasm} vs tfjs-wasm  ` : '') +
      `x${row.speed_vs_tfjs_cpu} vs cpu  ${row.convviz_gflops} GFLOP/s  maxdiff ${Object.values(row.max_abs_diff).join('/')} (of ${row.max_abs_value}; vs ${peer} ${row.convviz_vs_peer_max_abs_diff})`,
  );
  return row;
}

const rows = [];
let bad = false;
for (const [i, c] of CASES.entries()) {
  if (isBackward(c)) {
    rows.push(await gradRow(c, i));
    continue;
  }
  const d = prepare(c, i);
  const ref = reference(c, d);
  const res = {};
  const diffs = {};
  // convviz (both APIs) and tfjs-wasm in alternating blocks; tfjs-cpu on its own (switching
  // tfjs backends moves tensors between them).
  for (const group of [[convviz, tfWasm, convvizFn, convvizSimd].filter(Boolean), [tfCpu]]) {
    const fns = [];
    for (const e of group) {
      if (e.activate) await e.activate();
      const fn = e.prepare(c, d);
      const y = fn(d.x);
      diffs[e.name] = maxAbsDiff(y, ref);
      if (!(diffs[e.name] < 1e-3)) {
        console.error(`${c.name}: ${e.name} disagrees with the float64 reference (max abs diff ${diffs[e.name]})`);
        bad = true;
      }
      fns.push(fn);
    }
    // tfjs-cpu (10-1000x slower) gets the minimum of 15 samples.
    const runs = group.includes(tfCpu) ? Math.min(RUNS, 15) : RUNS;
    timeInterleaved(fns, d.x, runs).forEach((t, i) => (res[group[i].name] = t));
  }
  const row = {
    case: c.name,
    convviz_ms: +res.convviz.median.toFixed(4),
    convviz_functional_ms: +res['convviz-functional'].median.toFixed(4),
    tfjs_wasm_ms: +res['tfjs-wasm'].median.toFixed(4),
    tfjs_cpu_ms: +res['tfjs-cpu'].median.toFixed(4),
  };
  if (convvizSimd) row.convviz_simd128_ms = +res['convviz-simd128'].median.toFixed(4);
  if (c.op === 'conv2d' && !c.gemm) {
    row.convviz_gflops = +(convFlop(c) / (res.convviz.median * 1e6)).toFixed(2);
    if (convvizSimd) row.simd128_gflops = +(convFlop(c) / (res['convviz-simd128'].median * 1e6)).toFixed(2);
  }
  if (c.gemm) {
    const flop = 2 * prod(c.gemm);
    row.gflops = +(flop / (res.convviz.median * 1e6)).toFixed(2);
    row.tfjs_wasm_gflops = +(flop / (res['tfjs-wasm'].median * 1e6)).toFixed(2);
    row.tfjs_cpu_gflops = +(flop / (res['tfjs-cpu'].median * 1e6)).toFixed(2);
    if (convvizSimd) row.simd128_gflops = +(flop / (res['convviz-simd128'].median * 1e6)).toFixed(2);
  } else {
    row.speed_vs_tfjs_wasm = +(res['tfjs-wasm'].median / res.convviz.median).toFixed(3);
    if (convvizSimd) row.simd128_speed_vs_tfjs_wasm = +(res['tfjs-wasm'].median / res['convviz-simd128'].median).toFixed(3);
  }
  row.speed_vs_tfjs_cpu = +(res['tfjs-cpu'].median / res.convviz.median).toFixed(2);
  row.max_abs_diff = Object.fromEntries(Object.entries(diffs).map(([k, v]) => [k, +v.toExponential(2)]));
  rows.push(row);
  const fmt = (v) => v.toFixed(v < 1 ? 3 : v < 100 ? 2 : 1).padStart(9);
  console.log(
    `${c.name.padEnd(10)} convviz ${fmt(row.convviz_ms)} ms  tfjs-wasm ${fmt(row.tfjs_wasm_ms)} ms  tfjs-cpu ${fmt(row.tfjs_cpu_ms)} ms  ` +
      (c.gemm ? `convviz ${row.gflops} GFLOP/s (tfjs-wasm ${row.tfjs_wasm_gflops})` : `x${row.speed_vs_tfjs_wasm} vs tfjs-wasm`) +
      (convvizSimd ? `  [simd128 ${fmt(row.convviz_simd128_ms).trim()} ms${c.gemm ? `, ${row.simd128_gflops} GFLOP/s` : ''}]` : '') +
      `  x${row.speed_vs_tfjs_cpu} vs cpu  maxdiff ${Object.values(row.max_abs_diff).join('/')}`,
  );
}

// Markdown table for the README.
const simdCols = convvizSimd ? [' convviz SIMD128 build ms | SIMD128 build vs tfjs-wasm |', '---:|---:|'] : ['', ''];
console.log(`\n| case | shape | convviz ms | tfjs-wasm ms | tfjs-cpu ms | convviz vs tfjs-wasm | convviz vs tfjs-cpu | convviz functional ms |${simdCols[0]}`);
console.log(`|---|---|---:|---:|---:|---:|---:|---:|${simdCols[1]}`);
const shapeOf = (c) => `conv2d ${c.input.join('×')} → ${c.cout}, k${c.k}${c.stride > 1 ? `, s${c.stride}` : ''}${c.pad ? `, p${c.pad}` : ''}`;
for (const [i, r] of rows.entries()) {
  const c = CASES[i];
  if (isBackward(c)) continue;
  const shape = c.gemm
    ? `${c.gemm.join('×')} GEMM (conv2d 1×256×16×16 → 256, k1)`
    : `${c.op === 'conv2d' ? 'conv2d' : 'conv_transpose2d'} ${c.input.join('×')} → ${c.cout}, k${c.k}${c.stride > 1 ? `, s${c.stride}` : ''}${c.pad ? `, p${c.pad}` : ''}`;
  const ratio = c.gemm ? `${r.gflops} vs ${r.tfjs_wasm_gflops} GFLOP/s` : `${r.speed_vs_tfjs_wasm.toFixed(2)}×`;
  const simd = !convvizSimd ? ''
    : ` ${r.convviz_simd128_ms} | ${c.gemm ? `${r.simd128_gflops} GFLOP/s` : `${r.simd128_speed_vs_tfjs_wasm.toFixed(2)}×`} |`;
  console.log(`| ${r.case} | ${shape} | ${r.convviz_ms} | ${r.tfjs_wasm_ms} | ${r.tfjs_cpu_ms} | ${ratio} | ${r.speed_vs_tfjs_cpu.toFixed(1)}× | ${r.convviz_functional_ms} |${simd}`);
}
if (CASES.some(isBackward)) {
  console.log(`\n| case | gradient of | convviz ms | tfjs-wasm ms (Conv2DBackpropInput) | tfjs-cpu ms | convviz vs tfjs-wasm | convviz vs tfjs-cpu | convviz GFLOP/s |`);
  console.log(`|---|---|---:|---:|---:|---:|---:|---:|`);
  for (const [i, r] of rows.entries()) {
    const c = CASES[i];
    if (!isBackward(c)) continue;
    const wasm = r.tfjs_wasm_ms ?? '— (no kernel)';
    const vsWasm = r.speed_vs_tfjs_wasm !== undefined ? `${r.speed_vs_tfjs_wasm.toFixed(2)}×` : '—';
    console.log(`| ${r.case} | ${shapeOf(c)} | ${r.convviz_ms} | ${wasm} | ${r.tfjs_cpu_ms} | ${vsWasm} | ${r.speed_vs_tfjs_cpu.toFixed(1)}× | ${r.convviz_gflops} |`);
  }
  // the gradients' products beside the forward's (same multiply-adds) and the 256³ GEMM
  const g = (name) => rows.find((r) => r.case === name);
  const parts = [];
  for (const base of ['teaching', 'cnn-layer']) {
    const [f, gi, gw] = [g(base), g(`${base}-grad-input`), g(`${base}-grad-weight`)];
    if (!gi && !gw) continue;
    const part = [f && `forward ${f.convviz_gflops}${f.simd128_gflops ? ` (SIMD128 build ${f.simd128_gflops})` : ''}`, gi && `gradInput ${gi.convviz_gflops}`, gw && `gradWeight ${gw.convviz_gflops}`];
    parts.push(`${base} ${part.filter(Boolean).join(', ')}`);
  }
  if (g('gemm')) parts.push(`gemm 256³ ${g('gemm').gflops}${g('gemm').simd128_gflops ? ` (SIMD128 build ${g('gemm').simd128_gflops})` : ''}`);
  console.log(`\nconvviz GFLOP/s (2·C_out·C_in·kh·kw·H_out·W_out per product; the gradients: www/pkg/more, a SIMD128 build): ${parts.join('; ')}`);
}

fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, JSON.stringify(rows, null, 2) + '\n');
fs.writeFileSync(
  path.join(path.dirname(outFile), 'machine.json'),
  JSON.stringify({ ...mach, loadavg_end: os.loadavg().map((x) => +x.toFixed(2)), malloc: mallocMode, interleave, convviz_build: convviz.file, wasm_bytes: convviz.wasmBytes, simd128_wasm_bytes: convvizSimd?.wasmBytes, more_wasm_bytes: convvizMore?.wasmBytes, runs: RUNS, date: new Date().toISOString() }, null, 2) + '\n',
);
// The issues' targets (#7; #18 for the gradients), each against the peer measured in this run.
/**
 * The ratio to tfjs-wasm a case must reach: teaching sizes 1×, upsample 0.5×, the rest 0.75×;
 * gradInput against Conv2DBackpropInput 1× (#18).
 */
const ratioTarget = (name) => (name.endsWith('-grad-input') ? 1 : { lecture: 1, teaching: 1, upsample: 0.5 }[name] ?? 0.75);
const TARGETS = [
  ...rows.filter((r) => r.speed_vs_tfjs_wasm !== undefined).map((r) => {
    const want = ratioTarget(r.case);
    return [`${r.case}: ${r.speed_vs_tfjs_wasm.toFixed(2)}× tfjs-wasm (target ≥ ${want}×)`, r.speed_vs_tfjs_wasm >= want];
  }),
  // #7: every forward case; #18: gradWeight (against Conv2DBackpropFilter: tfjs-wasm has none)
  ...rows.filter((r) => r.op !== 'gradInput').map((r) => [`${r.case}: ${r.speed_vs_tfjs_cpu.toFixed(1)}× tfjs-cpu (target ≥ 10×)`, r.speed_vs_tfjs_cpu >= 10]),
  ...rows.filter((r) => r.gflops !== undefined).map((r) => [`gemm: ${r.gflops} GFLOP/s (target ≥ 25)`, r.gflops >= 25]),
  ...(backwardOnly ? [] : [convviz, convvizSimd]).filter(Boolean).flatMap((e) => {
    const gz = zlib.gzipSync(fs.readFileSync(path.join(pkgDir, e.file)), { level: 9 }).length;
    return [
      [`${e.file}: ${e.wasmBytes} bytes (target ≤ 150,000)`, e.wasmBytes <= 150000],
      [`${e.file} gzip -9: ${gz} bytes (target ≤ 60,000)`, gz <= 60000],
    ];
  }),
];
console.log('\ntargets:');
for (const [text, ok] of TARGETS) console.log(`  ${ok ? 'met   ' : 'MISSED'}  ${text}`);
if (convvizSimd && !backwardOnly) {
  // the build of browsers without relaxed SIMD, against the same targets (for information)
  const missed = rows.filter((r) => r.simd128_speed_vs_tfjs_wasm < ratioTarget(r.case)).map((r) => r.case);
  const g = rows.find((r) => r.case === 'gemm' && r.simd128_gflops !== undefined);
  console.log(`  (the SIMD128 build: ratio targets ${missed.length ? `missed on ${missed.join(', ')}` : 'all met'}${g ? `; gemm ${g.simd128_gflops} GFLOP/s` : ''})`);
}

console.log(`\nwrote ${path.relative(root, outFile)}`);
if (bad) process.exit(1);
