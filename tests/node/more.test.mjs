// The module of the newer ops (www/pkg/more, crates/more, from `make build`): it carries its own
// API and none of the core module's exports (the core crate is linked without its `bindings`
// feature), the shapes of its results, and www/engine.js's loadMore(): one load per page, a
// failed load an Error the caller can show, a retry after it. The golden comparison with PyTorch
// is tests/golden-more.mjs, the fuzz test tests/js_api_fuzz_more.mjs; its size ceiling is in
// wasm-size.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as more from '../../www/pkg/more/convviz_more.js';
import { loadMore, MoreLoadError, MORE_PACKAGE } from '../../www/engine.js';

const WASM = fileURLToPath(new URL('../../www/pkg/more/convviz_more_bg.wasm', import.meta.url));
more.initSync({ module: fs.readFileSync(WASM) });

const ones = (shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1) });
const range = (shape) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i) });

test('the module exports its own API and none of the core module\'s', () => {
  const names = WebAssembly.Module.exports(new WebAssembly.Module(fs.readFileSync(WASM))).map((e) => e.name);
  for (const own of ['conv2dBackward', 'conv2dGradInput', 'conv2dGradWeight', 'convTranspose2dBackward', 'conv2dBackwardTrace', 'conv1d', 'conv1dTrace', 'maxPool2d',
    'avgPool2d', 'poolWindow', 'pool2dOutputSize', 'receptiveField', 'pathCounts', 'stackSizes', 'conv2dParams',
    'conv1dParams', 'convTranspose2dParams', 'version', 'maxElements']) {
    assert.equal(typeof more[own], 'function', own);
    assert.ok(names.includes(own), `${own} is not a wasm export`);
  }
  for (const core of ['conv2d', 'convTranspose2d', 'unfold', 'fold', 'conv2dTrace', 'convMatrix', 'defaultInit', 'conv2doutputsize']) {
    assert.ok(!names.includes(core) && !names.some((n) => n.startsWith(`${core.toLowerCase()}_`)), `the core's ${core} is linked in`);
  }
  assert.ok(!names.some((n) => /^conv2dmodule_|^convtranspose2dmodule_/.test(n)), 'the core\'s layer classes are linked in');
});

test('conv2dBackward: the lecture example, batched and unbatched', () => {
  // Conv2d(1, 1, 2) on a 3×3 input, gradOutput all ones: each input cell gets the number of
  // windows it is in; each weight tap the sum of the cells it reads.
  const g = more.conv2dBackward(range([1, 1, 3, 3]), ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), {});
  assert.deepEqual(g.gradInput.shape, [1, 1, 3, 3]);
  assert.deepEqual(Array.from(g.gradInput.data), [1, 2, 1, 2, 4, 2, 1, 2, 1]);
  assert.deepEqual(Array.from(g.gradWeight.data), [8, 12, 20, 24]);
  assert.deepEqual(Array.from(g.gradBias.data), [4]);
  const u = more.conv2dBackward(range([1, 3, 3]), ones([1, 1, 2, 2]), ones([1, 2, 2]), {});
  assert.deepEqual(u.gradInput.shape, [1, 3, 3]);
  assert.throws(() => more.conv2dBackward(range([1, 3, 3]), ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), {}),
    (e) => e.arg === 'grad_output' && e.kind === 'Shape' && /Mismatch in shape/.test(e.message));
});

test('conv2dGradInput / conv2dGradWeight: conv2dBackward\'s gradients, one each', () => {
  // Strided, padded, reflect-padded, unbatched: each equals conv2dBackward's to the bit.
  const rnd = (shape, seed) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 1.7 + seed)) });
  for (const [x, w, gy, o] of [
    [rnd([2, 3, 9, 8], 1), rnd([4, 3, 3, 2], 2), rnd([2, 4, 5, 5], 3), { stride: 2, padding: 1 }],
    [rnd([3, 6, 6], 4), rnd([2, 3, 3, 3], 5), rnd([2, 6, 6], 6), { padding: 1, paddingMode: 'reflect' }],
  ]) {
    const g = more.conv2dBackward(x, w, gy, o);
    const gi = more.conv2dGradInput(x, w, gy, o);
    const gw = more.conv2dGradWeight(x, w, gy, o);
    assert.deepEqual(gi.shape, g.gradInput.shape);
    assert.deepEqual(Array.from(gi.data), Array.from(g.gradInput.data));
    assert.deepEqual(gw.shape, g.gradWeight.shape);
    assert.deepEqual(Array.from(gw.data), Array.from(g.gradWeight.data));
  }
  assert.throws(() => more.conv2dGradWeight(range([1, 3, 3]), ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), {}),
    (e) => e.arg === 'grad_output' && e.kind === 'Shape');
});

test('conv2dBackwardTrace: the intermediates, and steps that sum to the gradients', () => {
  const t = more.conv2dBackwardTrace(range([1, 1, 3, 3]), ones([1, 1, 2, 2]), ones([1, 1, 4, 4]),
    { padding: 1, paddingMode: 'replicate', stride: 1 });
  try {
    assert.deepEqual(t.gradPaddedInput.shape, [1, 1, 5, 5]);
    assert.deepEqual(t.gradColumns.shape, [1, 4, 16]);
    assert.deepEqual(t.columns.shape, [1, 4, 16]);
    assert.deepEqual(t.haloSource.shape, [5, 5, 2]);
    assert.ok(t.haloSource.data instanceof Int32Array);
    assert.equal(t.params.paddingMode, 'replicate');
    assert.equal(t.arithmetic.height.output, 4);
    const ws = t.weightSteps(0, 0, 1, 1);
    assert.equal(ws.sum, t.gradWeight.data[3]);
    assert.equal(ws.terms.length, 16);
    assert.deepEqual(Object.keys(ws.terms[0]), ['n', 'oh', 'ow', 'c', 'ph', 'pw', 'kind', 'ih', 'iw', 'x', 'g', 'product', 'sum']);
    const is = t.inputSteps(0, 0, 0, 0);
    assert.equal(is.sum, t.gradInput.data[0]);
    assert.equal(is.cells.length, 4); // the corner and its three halo copies
    assert.deepEqual(Object.keys(is.cells[0]), ['ph', 'pw', 'inside', 'value', 'sum', 'terms']);
    assert.deepEqual(Object.keys(is.cells[0].terms[0] ?? is.cells[1].terms[0]), ['cOut', 'i', 'j', 'oh', 'ow', 'w', 'g', 'product', 'column']);
    assert.throws(() => t.weightSteps(1, 0, 0, 0), (e) => e.arg === 'c_out');
    assert.throws(() => t.inputSteps(0, 0, -1, 0), (e) => e.arg === 'ih');
  } finally {
    t.free();
  }
});

test('conv1d and its trace; padding "same" puts the odd extra on the right', () => {
  const y = more.conv1d(range([1, 1, 5]), ones([1, 1, 4]), null, { padding: 'same' });
  assert.deepEqual(Array.from(y.data), [3, 6, 10, 9, 7]);
  const t = more.conv1dTrace(range([1, 4]), ones([2, 1, 3]), { shape: [2], data: [1, -1] }, { padding: [1], paddingMode: 'reflect' });
  try {
    assert.deepEqual(Array.from(t.paddedInput.data), [1, 0, 1, 2, 3, 2]);
    assert.deepEqual(Array.from(t.haloSource.data), [1, 0, 1, 2, 3, 2]);
    assert.deepEqual(t.output.shape, [1, 2, 4]);
    assert.equal(t.geometry.padLeft, 1);
    assert.equal(t.geometry.paddingMode, 'reflect');
  } finally {
    t.free();
  }
  assert.deepEqual(more.conv1d(range([1, 4]), ones([2, 1, 3]), null, {}).shape, [2, 2]);
  assert.throws(() => more.conv1d(range([1, 1, 5]), ones([1, 1, 3]), null, { stride: 2, padding: 'same' }), (e) => e.arg === 'padding');
});

test('maxPool2d indices are an Int32Array tensor; poolWindow shows the window', () => {
  const x = range([1, 1, 4, 4]);
  const r = more.maxPool2d(x, { kernelSize: 2, returnIndices: true });
  assert.deepEqual(Array.from(r.output.data), [5, 7, 13, 15]);
  assert.ok(r.indices.data instanceof Int32Array);
  assert.deepEqual(Array.from(r.indices.data), [5, 7, 13, 15]);
  assert.deepEqual(more.maxPool2d(range([1, 4, 4]), { kernelSize: 2 }).shape, [1, 2, 2]);
  const w = more.poolWindow(x, { kernelSize: 2, padding: 1 }, 'max', [0, 0, 0, 0]);
  assert.deepEqual(w.at, [0, 0, 0, 0]);
  assert.deepEqual(w.cells.map((c) => c.kind), ['padding', 'padding', 'padding', 'input']);
  assert.deepEqual(w.cells.map((c) => c.value), [null, null, null, 0]);
  assert.deepEqual([w.output, w.argmax, w.index, w.sum, w.divisor], [0, 3, 0, null, null]);
  const a = more.poolWindow(range([1, 5, 5]), { kernelSize: 2, ceilMode: true }, 'avg', [0, 0, 2]);
  assert.deepEqual([a.sum, a.divisor, a.argmax, a.index], [4 + 9, 2, null, null]);
  assert.deepEqual(a.cells.map((c) => c.kind), ['input', 'outside', 'input', 'outside']);
  assert.throws(() => more.poolWindow(x, { kernelSize: 2 }, 'min', [0, 0, 0, 0]), (e) => e.arg === 'kind');
  assert.throws(() => more.poolWindow(x, { kernelSize: 2 }, 'max', [0, 0, 2, 0]), (e) => e.arg === 'cell');
  const s = more.pool2dOutputSize({ inputSize: [5, 5], kernelSize: 2, ceilMode: true });
  assert.deepEqual([s.height.output, s.height.maxPadding, s.height.lastStart, s.height.lastEnd], [3, 1, 4, 5]);
  assert.throws(() => more.avgPool2d(x, { kernelSize: 2, divisorOverride: 0 }), (e) => e.arg === 'divisor_override');
});

test('receptive fields, path counts, sizes and parameter counts', () => {
  const conv3 = { kernelSize: 3, padding: 1 };
  const rf = more.receptiveField([conv3, { kernelSize: 2, stride: 2 }, conv3]);
  assert.deepEqual(rf.map((r) => [r.height.size, r.height.jump, r.height.start]), [[3, 1, -1], [4, 2, -1], [8, 2, -3]]);
  assert.deepEqual(more.stackSizes([{ kernelSize: 3 }, { kernelSize: 2, stride: 2 }], [8, 9]), [[8, 9], [6, 7], [3, 3]]);
  const maps = more.pathCounts([{ kernelSize: [1, 3] }, { kernelSize: [1, 3] }], [1, 7], [0, 1]);
  assert.equal(maps.length, 3);
  assert.ok(maps[0].data instanceof Float64Array);
  assert.deepEqual(Array.from(maps[0].data), [0, 1, 2, 3, 2, 1, 0]);
  assert.deepEqual([maps[0].shape, maps[0].size, maps[0].padding], [[1, 7], [1, 7], [0, 0]]);
  assert.equal(more.conv2dParams({ inChannels: 64, outChannels: 128, kernelSize: 3 }), 73856);
  assert.equal(more.conv1dParams({ inChannels: 16, outChannels: 32, kernelSize: 5 }), 2592);
  assert.equal(more.convTranspose2dParams({ inChannels: 8, outChannels: 4, kernelSize: 4, groups: 2 }), 8 * 2 * 16 + 4);
  assert.throws(() => more.receptiveField([{ kernelSize: 0 }]), (e) => e.arg === 'kernel_size' && /layer 0/.test(e.message));
  assert.throws(() => more.receptiveField('conv'), (e) => e.arg === 'layers');
  assert.throws(() => more.conv2dParams({ inChannels: 3, outChannels: 4, kernelSize: 3, groups: 2 }), (e) => e.arg === 'groups');
});

test('loadMore(): one load per page, a failed load is a MoreLoadError, and the next call tries again', async () => {
  assert.ok(MORE_PACKAGE.endsWith('/www/pkg/more/convviz_more.js'));
  // Node's fetch has no file: URLs; the browser fetches the module next to the package's JS.
  const realFetch = globalThis.fetch;
  let fetched = 0;
  globalThis.fetch = async (url) => {
    fetched++;
    return new Response(fs.readFileSync(fileURLToPath(url)), { headers: { 'Content-Type': 'application/wasm' } });
  };
  // A URL of its own: a fresh instance of the package, not the one this file initialised.
  const url = `${MORE_PACKAGE}?fresh`;
  try {
    const [a, b] = await Promise.all([loadMore(url), loadMore(url)]);
    assert.equal(a, b);
    assert.equal(await loadMore(url), a);
    assert.equal(fetched, 1);
    assert.deepEqual(Array.from(a.conv1d(ones([1, 1, 3]), ones([1, 1, 3]), null, {}).data), [3]);
  } finally {
    globalThis.fetch = realFetch;
  }
  const missing = new URL('../../www/pkg/more/missing.js', import.meta.url).href;
  await assert.rejects(loadMore(missing), (e) => e instanceof MoreLoadError && e instanceof Error && /did not load/.test(e.message));
  await assert.rejects(loadMore(missing), MoreLoadError); // tried again, not a cached failure
});
