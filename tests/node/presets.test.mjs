// www/classroom/presets.js: every preset is complete and valid, its output size is what Dumoulin & Visin's
// guide (or the lecture) says — computed by the real wasm core — and every transposed preset
// maps its convolution's output size back to that convolution's input size; the menu's matching
// (presetIdFor) tells every preset apart and names the default page as the preset lecture-default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import api from './pkg.mjs';
import * as more from '../../www/pkg/more/convviz_more.js';
import { build as buildPooling } from '../../www/modes/pooling/model.js';
import { build as buildConv1d } from '../../www/modes/conv1d/model.js';
import { PRESETS, presetById, presetGroups, presetUpdate, presetEdits } from '../../www/classroom/presets.js';
import { presetChange, presetIdFor } from '../../www/classroom/presetmenu.js';
import { Store, defaultState, fromHash, toHash } from '../../www/lib/state.js';

const PARAM_NAMES = ['in_channels', 'out_channels', 'height', 'width', 'kernel_size', 'stride', 'padding',
  'output_padding', 'output_size', 'dilation', 'groups', 'bias', 'padding_mode',
  'causal', 'pool', 'pool_stride', 'ceil_mode', 'count_include_pad', 'divisor_override', 'return_indices', 'layers'];

const convGeometry = (p) => ({
  inputSize: [p.height, p.width],
  kernelSize: p.kernel_size,
  stride: p.stride,
  padding: p.padding,
  dilation: p.dilation,
});

const transposedGeometry = (p) => ({
  inputSize: [p.height, p.width],
  kernelSize: p.kernel_size,
  stride: p.stride,
  padding: p.padding,
  outputPadding: p.output_padding,
  dilation: p.dilation,
  outputSize: p.output_size,
});

function outputSize(p, mode) {
  const r = mode !== 'convTranspose2d' ? api.conv2dOutputSize(convGeometry(p)) : api.convTranspose2dOutputSize(transposedGeometry(p));
  return [r.height.output, r.width.output];
}

const ones = (shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1) });

test('every preset is complete: unique id, known mode, every parameter, valid fills', () => {
  const ids = new Set();
  for (const p of PRESETS) {
    assert.ok(!ids.has(p.id), `duplicate id ${p.id}`);
    ids.add(p.id);
    assert.ok(['conv2d', 'convTranspose2d', 'backward', 'conv1d', 'pooling', 'stack'].includes(p.mode), p.id);
    assert.ok(p.title && p.group && p.note, p.id);
    assert.deepEqual(Object.keys(p.params).sort(), [...PARAM_NAMES].sort(), p.id);
    for (const k of ['kernel_size', 'stride', 'dilation', 'output_padding']) {
      assert.ok(Array.isArray(p.params[k]) && p.params[k].length === 2, `${p.id}.${k}`);
    }
    assert.ok(['integers', 'arange', 'ones', 'zeros', 'random'].includes(p.fills.input.fill), p.id);
    assert.ok(['integers', 'ones', 'zeros', 'random', 'default'].includes(p.fills.weight.fill), p.id);
    assert.equal(p.params.in_channels % p.params.groups, 0, p.id);
    assert.equal(p.params.out_channels % p.params.groups, 0, p.id);
    assert.equal(presetById(p.id), p);
  }
  assert.equal(presetGroups().flatMap((g) => g.presets).length, PRESETS.length);
});

test('conv2d presets: output sizes as the guide states them (via conv2dOutputSize)', () => {
  const guide = {
    'no-padding-no-strides': [4, 2], // 4×4, k3 → 2×2
    'arbitrary-padding': [5, 6], // 5×5, k4, p2 → 6×6
    'half-padding': [5, 5],
    'full-padding': [5, 7],
    'no-padding-strides': [5, 2],
    'padding-strides': [5, 3],
    'padding-strides-odd': [6, 3],
    dilation: [7, 3],
    'lecture-default': [5, 3],
    'lecture-conv': [5, 3],
    'lecture-ones': [5, 3],
    'lecture-down': [5, 3],
    pointwise: [5, 5],
    depthwise: [5, 5],
  };
  const convs = PRESETS.filter((p) => p.mode === 'conv2d');
  assert.deepEqual(convs.map((p) => p.id).sort(), Object.keys(guide).sort());
  for (const p of convs) {
    const [i, o] = guide[p.id];
    assert.deepEqual([p.params.height, p.params.width], [i, i], p.id);
    assert.deepEqual(outputSize(p.params, 'conv2d'), [o, o], p.id);
    assert.deepEqual(p.expect.outputSize, [o, o], p.id);
  }
  // The guide's parameters, spelled out.
  assert.deepEqual(presetById('arbitrary-padding').params.kernel_size, [4, 4]);
  assert.deepEqual(presetById('arbitrary-padding').params.padding, [2, 2]);
  assert.deepEqual(presetById('full-padding').params.padding, [2, 2]);
  assert.deepEqual(presetById('padding-strides-odd').params.stride, [2, 2]);
  assert.deepEqual(presetById('dilation').params.dilation, [2, 2]);
});

test('transposed presets map the convolution’s output size back to its input size', () => {
  const transposed = PRESETS.filter((p) => p.mode === 'convTranspose2d');
  assert.equal(transposed.length, 9); // 8 guide figures + the lecture's round trip
  for (const t of transposed) {
    const conv = presetById(t.counterpart);
    assert.ok(conv && conv.mode === 'conv2d', t.id);
    const convOut = outputSize(conv.params, 'conv2d');
    assert.deepEqual([t.params.height, t.params.width], convOut, `${t.id}: input = conv output`);
    for (const k of ['kernel_size', 'stride', 'padding', 'dilation']) {
      assert.deepEqual(t.params[k], conv.params[k], `${t.id}.${k}`);
    }
    assert.equal(t.params.in_channels, conv.params.out_channels, t.id);
    assert.equal(t.params.out_channels, conv.params.in_channels, t.id);
    assert.deepEqual(outputSize(t.params, 'convTranspose2d'), [conv.params.height, conv.params.width], t.id);
    assert.deepEqual(t.expect.outputSize, [conv.params.height, conv.params.width], t.id);
  }
  // The odd case needs output_padding 1 (or output_size); without it the floor's lost row stays lost.
  const odd = presetById('padding-strides-odd-transposed');
  assert.deepEqual(odd.params.output_padding, [1, 1]);
  assert.deepEqual(outputSize({ ...odd.params, output_padding: [0, 0] }, 'convTranspose2d'), [5, 5]);
  assert.deepEqual(outputSize({ ...odd.params, output_padding: [0, 0], output_size: [6, 6] }, 'convTranspose2d'), [6, 6]);
  // The lecture: output_size=(5, 5) on a 3×3 input.
  assert.deepEqual(presetById('lecture-up').params.output_size, [5, 5]);
});

more.initSync({ module: fs.readFileSync(new URL('../../www/pkg/more/convviz_more_bg.wasm', import.meta.url)) });

test('every preset runs through the real core with its shapes', () => {
  for (const p of PRESETS.filter((q) => q.mode !== 'stack')) { // the stacks: tests/node/stack.test.mjs
    const q = p.params;
    const [kh, kw] = q.kernel_size;
    const x = ones([1, q.in_channels, q.height, q.width]);
    const bias = q.bias ? ones([q.out_channels]) : null;
    let y;
    if (p.mode === 'conv1d') {
      y = buildConv1d({ ...api, more }, { ...defaultState(), params: q, input: p.fills.input, weight: p.fills.weight }, null).output;
      assert.deepEqual(y.shape, [1, q.out_channels, ...p.expect.outputSize], p.id);
      continue;
    }
    if (p.mode === 'pooling') {
      y = buildPooling({ more }, { ...defaultState(), params: q, input: p.fills.input }, null).output;
      assert.deepEqual(y.shape, [1, q.in_channels, ...p.expect.outputSize], p.id);
      continue;
    }
    if (p.mode !== 'convTranspose2d') { // Conv2d, and the Backward tab's forward Conv2d
      const w = ones([q.out_channels, q.in_channels / q.groups, kh, kw]);
      y = api.conv2d(x, w, bias, { stride: q.stride, padding: q.padding, dilation: q.dilation, groups: q.groups, paddingMode: q.padding_mode });
    } else {
      const w = ones([q.in_channels, q.out_channels / q.groups, kh, kw]);
      y = api.convTranspose2d(x, w, bias, {
        stride: q.stride, padding: q.padding, outputPadding: q.output_padding, dilation: q.dilation, groups: q.groups, outputSize: q.output_size,
      });
    }
    assert.deepEqual(y.shape, [1, q.out_channels, ...p.expect.outputSize], p.id);
  }
});

test('the lecture: printed weights give −0.0034 everywhere, ones give 27', () => {
  const lec = presetById('lecture-conv');
  const w = { shape: [1, 3, 3, 3], data: new Float32Array(27) };
  for (const [tensor, key, value] of presetEdits(lec)) {
    assert.equal(tensor, 'weight');
    const [o, c, i, j] = key.split(',').map(Number);
    w.data[((o * 3 + c) * 3 + i) * 3 + j] = value;
  }
  assert.equal(presetEdits(lec).length, 27);
  assert.equal(lec.fills.input.fill, 'ones');
  const y = api.conv2d(ones([1, 3, 5, 5]), w, null, {});
  assert.deepEqual(y.shape, [1, 1, 3, 3]);
  for (const v of y.data) assert.ok(Math.abs(v - -0.0034) < 1e-5, `${v}`);

  const o = presetById('lecture-ones');
  assert.equal(o.fills.weight.fill, 'ones');
  assert.equal(o.params.bias, false);
  const y27 = api.conv2d(ones([1, 3, 5, 5]), ones([1, 3, 3, 3]), null, {});
  assert.ok(y27.data.every((v) => v === o.expect.value));
});

test('presetUpdate gives fresh copies in the shape of store.update', () => {
  const p = presetById('padding-strides-odd-transposed');
  const u = presetUpdate(p);
  assert.equal(u.mode, 'convTranspose2d');
  assert.deepEqual(u.params, p.params);
  u.params.stride[0] = 99;
  u.input.seed = 42;
  assert.equal(p.params.stride[0], 2);
  assert.equal(p.fills.input.seed, 1);
  assert.deepEqual(presetEdits(p), []);
});

/** The state the page shows after choosing `preset` in the menu, starting from `state`. */
function choose(preset, state = defaultState()) {
  const store = new Store(state);
  store.update(presetChange(preset));
  return store.state;
}

test('the default page is the preset lecture-default: the menu names it, choosing it brings the page back', () => {
  const def = presetById('lecture-default');
  assert.equal(PRESETS[0], def, 'first in the menu');
  assert.equal(def.group, 'Lecture');
  // exactly the default state: every argument, both fill recipes (seeds included), no edits
  const s = defaultState();
  assert.equal(def.mode, s.mode);
  assert.deepEqual(def.params, s.params);
  assert.deepEqual(def.fills, { input: s.input, weight: s.weight });
  assert.deepEqual(def.fills, { input: { fill: 'integers', seed: 1 }, weight: { fill: 'integers', seed: 2 } });
  assert.deepEqual(presetEdits(def), []);
  // the menu's match: the default state, a page opened without a link, Predict first on
  assert.equal(presetIdFor(defaultState()), 'lecture-default');
  assert.equal(presetIdFor(fromHash('').state), 'lecture-default');
  assert.equal(presetIdFor(fromHash(`#${toHash(defaultState())}`).state), 'lecture-default');
  const quiz = defaultState();
  quiz.ui.quiz = 'shape';
  assert.equal(presetIdFor(quiz), 'lecture-default');
  // the lecture's own first example is the same layer with other numbers: not the default
  assert.equal(presetIdFor(choose(presetById('lecture-conv'))), 'lecture-conv');
  // choosing it from another preset, with edits and view choices, gives the default state back
  const other = choose(presetById('lecture-up'));
  other.ui.step = 'output';
  other.edits.input['0,1,1'] = 7;
  assert.deepEqual(choose(def, other), defaultState());
  // anything moved: custom settings
  const moved = defaultState();
  moved.params.stride = [2, 2];
  assert.equal(presetIdFor(moved), '');
  const reseeded = defaultState();
  reseeded.weight.seed = 3;
  assert.equal(presetIdFor(reseeded), '');
  const edited = defaultState();
  edited.edits.weight['0,0,0,0'] = 5;
  assert.equal(presetIdFor(edited), '');
});

test('every preset is told apart by the menu: its own state matches it and no other', () => {
  for (const p of PRESETS) assert.equal(presetIdFor(choose(p)), p.id, p.id);
});
