// The relaxed-SIMD build (www/pkg/convviz_relaxed_bg.wasm, loaded by www/engine.js where the
// browser runs relaxed SIMD) against the SIMD128 build and a float64 reference: the same glue,
// the same answers. Node 20 runs relaxed SIMD behind a V8 flag, set here at run time
// (tools/relaxed-simd.mjs); each test file is its own process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relaxedSimdSupported, WASM_FILES } from '../../www/engine.js';
import { enableRelaxedSimd } from '../../tools/relaxed-simd.mjs';
import * as reference from './reference.mjs';

const bytesOf = (build) => fs.readFileSync(fileURLToPath(new URL(`../../www/pkg/${WASM_FILES[build]}`, import.meta.url)));
const simdBytes = bytesOf('simd128');
const relaxedBytes = bytesOf('relaxed-simd');
const before = {
  probe: relaxedSimdSupported(),
  relaxed: WebAssembly.validate(relaxedBytes),
  simd: WebAssembly.validate(simdBytes),
};
const enabled = enableRelaxedSimd();

// two instances of the one glue (a query string makes a second module record)
const simd = await import('../../www/pkg/convviz.js?build=simd128');
simd.initSync({ module: simdBytes });
const relaxed = await import('../../www/pkg/convviz.js?build=relaxed-simd');
relaxed.initSync({ module: relaxedBytes });

test('the probe says exactly whether the relaxed module compiles; the SIMD128 module needs no relaxed SIMD', () => {
  assert.ok(before.simd, 'convviz_bg.wasm must run on every SIMD128 engine');
  assert.equal(before.probe, before.relaxed, 'engine.js would pick a module this engine cannot compile (or skip one it can)');
  assert.ok(enabled && relaxedSimdSupported() && WebAssembly.validate(relaxedBytes));
  if (!before.probe) {
    // this Node started without relaxed SIMD: the probe and the module really use it
    assert.equal(before.relaxed, false, 'convviz_relaxed_bg.wasm has no relaxed SIMD instruction');
  }
  assert.notDeepEqual(new Uint8Array(relaxedBytes), new Uint8Array(simdBytes));
});

/** Uniform values in [-1, 1) from a small LCG (deterministic). */
function tensor(shape, seed) {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return { shape, data };
}

/** Within 1e-5 · (1 + |want|) of `want` (float64 reference, or the other build). */
function assertClose(got, want, what) {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  for (let i = 0; i < want.data.length; i++) {
    const tol = 1e-5 * (1 + Math.abs(want.data[i]));
    if (!(Math.abs(got.data[i] - want.data[i]) <= tol)) {
      assert.fail(`${what}: element ${i} is ${got.data[i]}, expected ${want.data[i]}`);
    }
  }
}

// Every fast path of the micro-kernel: the implicit GEMM with few and with many (packed) output
// channels, strided (phase-split) input, dilation, groups, 1×1 (the bench's gemm), transposed.
const CONV = [
  ['photo-like, 8 filters', [1, 3, 48, 40], [8, 3, 3, 3], { padding: [1, 1] }],
  ['16 filters (packed panels)', [1, 4, 20, 21], [16, 4, 3, 3], { padding: [1, 1] }],
  ['k5 s2 p2', [2, 3, 33, 31], [12, 3, 5, 5], { stride: [2, 2], padding: [2, 2] }],
  ['dilation 2, groups 2', [1, 4, 17, 19], [8, 2, 3, 3], { dilation: [2, 2], groups: 2 }],
  ['1×1, 64 → 64', [1, 64, 8, 8], [64, 64, 1, 1], {}],
];
const CONVT = [
  ['k4 s2 p1', [1, 16, 9, 10], [16, 8, 4, 4], { stride: [2, 2], padding: [1, 1] }],
  ['k3 s3 groups 2', [1, 6, 5, 4], [6, 2, 3, 3], { stride: [3, 3], groups: 2 }],
];

test('conv2d and the Conv2d module: both builds within 1e-5 of the float64 reference', () => {
  CONV.forEach(([name, xs, ws, opts], i) => {
    const x = tensor(xs, 11 + i);
    const w = tensor(ws, 23 + i);
    const b = tensor([ws[0]], 37 + i);
    const want = reference.conv2d(x, w, b, opts);
    for (const [build, api] of [['simd128', simd], ['relaxed-simd', relaxed]]) {
      assertClose(api.conv2d(x, w, b, opts), want, `${build} conv2d ${name}`);
      const layer = new api.Conv2d(w, b, opts);
      const y = layer.forwardData(x.data, xs[2], xs[3]);
      layer.free();
      assertClose({ shape: want.shape, data: y }, want, `${build} Conv2d.forwardData ${name}`);
    }
  });
});

test('convTranspose2d: both builds within 1e-5 of the float64 reference', () => {
  CONVT.forEach(([name, xs, ws, opts], i) => {
    const x = tensor(xs, 41 + i);
    const w = tensor(ws, 53 + i);
    const b = tensor([ws[1] * (opts.groups ?? 1)], 67 + i);
    const want = reference.convTranspose2d(x, w, b, opts);
    for (const [build, api] of [['simd128', simd], ['relaxed-simd', relaxed]]) {
      assertClose(api.convTranspose2d(x, w, b, opts), want, `${build} convTranspose2d ${name}`);
    }
  });
});

test('the Conv2d trace (every number of the Conv2d page) is the same in both builds, bit for bit; its running sums end on its output', () => {
  const x = tensor([1, 3, 9, 8], 5);
  const w = tensor([4, 3, 3, 3], 7);
  const b = tensor([4], 9);
  const opts = { stride: [2, 1], padding: [1, 2], dilation: [1, 2] };
  const [ts, tr] = [simd, relaxed].map((api) => api.conv2dTrace(x, w, b, opts));
  for (const key of ['paddedInput', 'columns', 'weightMatrix', 'product', 'output']) {
    assert.deepEqual(tr[key].data, ts[key].data, `conv2dTrace.${key}`);
  }
  const [, cout, ho, wo] = tr.output.shape;
  for (let co = 0; co < cout; co++) {
    const st = tr.steps(0, co, ho - 1, wo - 1);
    assert.equal(Math.fround(st.taps.at(-1).sum + st.bias), st.output);
    assert.equal(st.output, tr.output.data[((co * ho) + ho - 1) * wo + wo - 1]);
  }
  ts.free();
  tr.free();
});

test('the ConvTranspose2d trace: its columns come from the micro-kernel, so the builds agree within rounding', () => {
  const u = [simd, relaxed].map((api) => api.convTranspose2dTrace(tensor([1, 5, 4, 5], 3), tensor([5, 3, 3, 3], 4), null, { stride: [2, 2] }));
  for (const key of ['columns', 'full', 'output']) assertClose(u[1][key], u[0][key], `convTranspose2dTrace.${key}`);
  u.forEach((t) => t.free());
});
