// The page's pure modules in Node (no browser): URL hash parsing, parameter parsing, and the
// slider bounds checked against a brute-force scan of the wasm core's conv2dOutputSize.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.mjs';
import { fromHash, toHash, defaultState, parseParam, formatParam, cloneState, Store } from '../../www/lib/state.js';
import { parseCellValue } from '../../www/controls/editor.js';
import { mulberry32, makeInput } from '../../www/lib/tensors.js';
import { MODE_NAMES } from '../../www/modes/registry.js';
import { outputSize } from '../../www/modes/common.js';
import { transposeOutputSize } from '../../www/modes/convtranspose2d/model.js';

test('parseParam reads values as typed in Python', () => {
  assert.deepEqual(parseParam('stride', '2').value, [2, 2]);
  assert.deepEqual(parseParam('stride', '(2, 1)').value, [2, 1]);
  assert.deepEqual(parseParam('kernel_size', '[3,5]').value, [3, 5]);
  assert.deepEqual(parseParam('kernel_size', '(3,)').value, [3, 3]);
  assert.equal(parseParam('padding', "'same'").value, 'same');
  assert.equal(parseParam('padding', 'valid').value, 'valid');
  assert.deepEqual(parseParam('padding', '1, 2').value, [1, 2]);
  assert.equal(parseParam('bias', 'False').value, false);
  assert.equal(parseParam('padding_mode', "'circular'").value, 'circular');
  assert.equal(parseParam('stride', '0').ok, true, 'zero reaches the wasm core, which words the error');
  assert.match(parseParam('stride', 'two').message, /^stride: expected an int or a tuple of 2 ints, got 'two'/);
  assert.match(parseParam('stride', '1.5').message, /^stride:/);
  assert.match(parseParam('in_channels', '99').message, /at most 8/);
  // padding reads back what 'same' becomes in numbers: (15 − 1)·8 / 2 = 56 at most
  assert.deepEqual(parseParam('padding', '56, 8').value, [56, 8]);
  assert.match(parseParam('padding', '57').message, /^padding: this visualizer draws at most 56 \(got 57\)/);
  assert.match(parseParam('padding_mode', 'mirror').message, /padding_mode must be one of/);
  assert.equal(formatParam('stride', [2, 2]), '2');
  assert.equal(formatParam('stride', [2, 1]), '2, 1');
  assert.equal(formatParam('padding', 'same'), "'same'");
});

test('the URL hash round-trips a state and refuses malformed links', () => {
  const s = defaultState();
  s.params.stride = [2, 1];
  s.params.padding = 'same';
  s.params.padding_mode = 'reflect';
  s.params.bias = false;
  s.weight = { fill: 'default', seed: 42 };
  s.edits.input['0,1,2'] = -3.5;
  s.edits.bias['0'] = 2;
  const back = fromHash(`#${toHash(s)}`);
  assert.equal(back.notice, null);
  assert.deepEqual(back.state, s);
  assert.deepEqual(fromHash('').state, defaultState());
  for (const bad of ['stride=0.5', 'kernel_size=99', 'padding=-1', 'input=sparkles', 'set_input=1.2:abc', 'mode=matrix3d', 'groups=0']) {
    const r = fromHash(bad, MODE_NAMES);
    assert.ok(r.notice, `${bad} gives a notice`);
    assert.deepEqual(r.state, defaultState());
  }
  assert.equal(fromHash('future_key=1&stride=2').notice, null, 'unknown keys are ignored');
});

test('cell values parse like float(); NaN, inf and words are refused', () => {
  assert.equal(parseCellValue(' -2.5 ').value, -2.5);
  assert.equal(parseCellValue('1e-3').value, Math.fround(1e-3));
  assert.equal(parseCellValue('.5').value, 0.5);
  for (const bad of ['abc', '', 'nan', 'NaN', 'inf', '-Infinity', '0x10', '1,5', '1e39']) {
    assert.equal(parseCellValue(bad).ok, false, bad);
  }
});

test('a cell edit replaces the edits object: the link, the input and older copies all stay right', () => {
  // links and makeInput cache on the edits object (a paste holds thousands of values)
  const store = new Store(defaultState());
  const before = cloneState(store.state);
  const linkBefore = toHash(before);
  const inputBefore = Array.from(makeInput(before).data);
  store.setCell('input', '0,1,2', 7.5);
  assert.match(toHash(store.state), /set_input=0\.1\.2:7\.5/);
  assert.equal(makeInput(store.state).data[1 * 5 + 2], 7.5);
  assert.equal(toHash(before), linkBefore, 'a copy made before the edit keeps its link');
  assert.deepEqual(Array.from(makeInput(before).data), inputBefore, 'and its input');
  store.setCell('input', '0,1,2', -1);
  assert.match(toHash(store.state), /set_input=0\.1\.2:-1(&|$)/);
  assert.equal(makeInput(store.state).data[7], -1);
});

test('a typed cell value: the float32 maximum as NumPy prints it, and the page\'s own minus sign', () => {
  // 3.4028235e38 is above the exact maximum and rounds onto it (it was refused before rounding)
  assert.deepEqual(parseCellValue('3.4028235e38'), { ok: true, value: 3.4028234663852886e38 });
  assert.deepEqual(parseCellValue('-3.4028235e+38'), { ok: true, value: -3.4028234663852886e38 });
  assert.equal(parseCellValue('3.5e38').ok, false);
  assert.deepEqual(parseCellValue('\u22122.5'), { ok: true, value: -2.5 });
  assert.equal(parseCellValue('\u2212\u22122').ok, false);
});

test('fills are deterministic', () => {
  const a = mulberry32(7);
  const b = mulberry32(7);
  for (let i = 0; i < 10; i++) assert.equal(a(), b());
});

test('slider bounds equal a brute-force scan of conv2dOutputSize (300 random valid states)', async () => {
  const pkg = path.join(ROOT, 'www/pkg/convviz.js');
  assert.ok(fs.existsSync(pkg), 'www/pkg/convviz.js is missing: run `make build` first');
  const { initSync, conv2dOutputSize } = await import(pkg);
  initSync({ module: fs.readFileSync(path.join(ROOT, 'www/pkg/convviz_bg.wasm')) });
  const { sliderValues } = await import('../../www/lib/bounds.js');
  const { outputSize } = await import('../../www/modes/common.js');
  const api = { conv2dOutputSize };
  const rand = mulberry32(2024);
  const r = (a, b) => a + Math.floor(rand() * (b - a + 1));
  const fits = (p, a) => (p.padding_mode === 'reflect' ? a.padBefore < a.input && a.padAfter < a.input
    : p.padding_mode === 'circular' ? a.padBefore <= a.input && a.padAfter <= a.input : true);
  const ok = (p) => {
    try {
      const a = outputSize(api, p);
      return fits(p, a.height) && fits(p, a.width);
    } catch {
      return false;
    }
  };
  let states = 0;
  let tries = 0;
  while (states < 300) {
    assert.ok(++tries < 100_000, 'the generator finds valid states (is outputSize the geometry probe?)');
    const pk = rand() < 0.15 ? (rand() < 0.5 ? 'same' : 'valid') : [r(0, 8), r(0, 8)];
    const params = {
      in_channels: 1, out_channels: 1, height: r(1, 64), width: r(1, 64),
      kernel_size: [r(1, 15), r(1, 15)], stride: pk === 'same' ? [1, 1] : [r(1, 8), r(1, 8)], padding: pk,
      dilation: [r(1, 8), r(1, 8)], groups: 1, bias: true, padding_mode: ['zeros', 'reflect', 'replicate', 'circular'][r(0, 3)],
    };
    if (!ok(params)) continue;
    states++;
    const got = sliderValues((q) => outputSize(api, q), params);
    for (const [name, lo, hi] of [['height', 1, 64], ['width', 1, 64], ['kernel_size', 1, 15], ['stride', 1, 8], ['padding', 0, 8], ['dilation', 1, 8]]) {
      for (const axis of name === 'height' || name === 'width' ? [-1] : [0, 1]) {
        if (name === 'padding' && !Array.isArray(params.padding)) continue;
        const brute = [];
        for (let v = lo; v <= hi; v++) {
          const q = { ...params };
          if (axis < 0) q[name] = v;
          else {
            q[name] = [...params[name]];
            q[name][axis] = v;
          }
          if (ok(q)) brute.push(v);
        }
        assert.deepEqual(got[axis < 0 ? name : `${name}.${axis}`], brute, `${name}[${axis}] in ${JSON.stringify(params)}`);
      }
    }
  }
});

test('slider bounds with a groups value the core refuses (kept while in Unfold / Fold) step the channels by 1', async () => {
  const { initSync, conv2dOutputSize } = await import(path.join(ROOT, 'www/pkg/convviz.js'));
  initSync({ module: fs.readFileSync(path.join(ROOT, 'www/pkg/convviz_bg.wasm')) });
  const { sliderValues } = await import('../../www/lib/bounds.js');
  const base = defaultState().params;
  for (const groups of [-1, 0, 2.5, null]) {
    const got = sliderValues((q) => outputSize({ conv2dOutputSize }, q), { ...base, groups, out_channels: -1 });
    assert.deepEqual(got.in_channels, [1, 2, 3, 4, 5, 6, 7, 8], `groups=${groups}`);
    assert.deepEqual(got['stride.0'], [1, 2, 3, 4, 5, 6, 7, 8], `groups=${groups}`);
  }
  assert.deepEqual(sliderValues((q) => outputSize({ conv2dOutputSize }, q), { ...base, in_channels: 4, out_channels: 2, groups: 2 }).in_channels, [2, 4, 6, 8]);
});

test('the ConvTranspose2d round trip lists the Conv2d input sizes that map back, and none when one axis has none', async () => {
  const api = await import(path.join(ROOT, 'www/pkg/convviz.js'));
  api.initSync({ module: fs.readFileSync(path.join(ROOT, 'www/pkg/convviz_bg.wasm')) });
  const { build } = await import('../../www/modes/convtranspose2d/model.js');
  // the lecture's: 5×5 and 6×6 both give 3×3
  const lecture = fromHash('#mode=convTranspose2d&in_channels=2&out_channels=1&height=3&width=3&kernel_size=3&stride=2&padding=1').state;
  const m = build(api, lecture, null);
  assert.deepEqual(m.roundTrip.sizes, [[5, 5], [6, 6]]);
  assert.deepEqual(m.roundTrip.x.shape, [1, 1, 5, 5]);
  m.dispose();
  // monkey seed 31: heights map back but no width does (kernel 8 wide at stride 2 with padding 3
  // cannot give width 1); the sizes were [h, undefined] and the view threw RangeError
  const oneAxis = fromHash('#mode=convTranspose2d&in_channels=1&out_channels=6&height=1&width=1&kernel_size=2,8&stride=8,2&padding=3&output_padding=1&dilation=5,1').state;
  const m2 = build(api, oneAxis, null);
  assert.deepEqual(m2.roundTrip.sizes, []);
  assert.equal(m2.roundTrip.x, null);
  assert.match(m2.roundTrip.error, /^No input size makes this Conv2d produce this layer’s input size\.$/);
  assert.deepEqual(m2.output.shape, [1, 6, 1, 3], 'the layer itself still runs');
  m2.dispose();
});

test('output_size reads None or a pair; view choices (step, pair, matrix, rt) round-trip through the hash', () => {
  assert.equal(parseParam('output_size', 'None').value, null);
  assert.equal(parseParam('output_size', '').value, null);
  assert.deepEqual(parseParam('output_size', '(6, 6)').value, [6, 6]);
  assert.deepEqual(parseParam('output_size', '6').value, [6, 6]);
  assert.match(parseParam('output_size', 'six').message, /^output_size: expected None or a tuple of 2 ints/);
  assert.equal(formatParam('output_size', null), 'None');
  assert.equal(formatParam('output_size', [5, 6]), '(5, 6)');
  const s = defaultState();
  s.mode = 'convTranspose2d';
  s.params.output_size = [6, 6];
  s.params.output_padding = [1, 0];
  s.ui = { ...s.ui, step: 'output', pair: [2, 1], transpose: true, rt: 1, quiz: 'value' };
  const back = fromHash(`#${toHash(s)}`);
  assert.equal(back.notice, null);
  assert.deepEqual(back.state, s);
  for (const bad of ['step=sideways', 'pair=a,b', 'matrix=X', 'rt=-1', 'mode=fold']) {
    assert.ok(fromHash(bad, MODE_NAMES).notice, `${bad} gives a notice`);
  }
});

test('ConvTranspose2d slider bounds equal a brute-force scan of convTranspose2dOutputSize (150 random valid states)', async () => {
  const pkg = path.join(ROOT, 'www/pkg/convviz.js');
  const { initSync, convTranspose2dOutputSize } = await import(pkg);
  initSync({ module: fs.readFileSync(path.join(ROOT, 'www/pkg/convviz_bg.wasm')) });
  const { transposeSliderValues } = await import('../../www/lib/bounds.js');
  const { transposeOutputSize } = await import('../../www/modes/convtranspose2d/model.js');
  const api = { convTranspose2dOutputSize };
  const rand = mulberry32(77);
  const r = (a, b) => a + Math.floor(rand() * (b - a + 1));
  const ok = (p) => {
    try {
      transposeOutputSize(api, p);
      return true;
    } catch {
      return false;
    }
  };
  let states = 0;
  while (states < 150) {
    const params = {
      in_channels: 1, out_channels: 1, height: r(1, 12), width: r(1, 12), kernel_size: [r(1, 6), r(1, 6)],
      stride: [r(1, 4), r(1, 4)], padding: [r(0, 4), r(0, 4)], dilation: [r(1, 3), r(1, 3)], output_padding: [r(0, 2), r(0, 2)],
      output_size: null, groups: 1, bias: true, padding_mode: 'zeros',
    };
    if (rand() < 0.4) {
      const free = (() => {
        try {
          return transposeOutputSize(api, params);
        } catch {
          return null;
        }
      })();
      if (free) params.output_size = [free.height.minOutput + r(0, 2), free.width.minOutput + r(0, 2)];
    }
    if (!ok(params)) continue;
    states++;
    const got = transposeSliderValues((q) => transposeOutputSize(api, q), params);
    for (const [name, lo, hi] of [['height', 1, 64], ['width', 1, 64], ['kernel_size', 1, 15], ['stride', 1, 8], ['padding', 0, 8], ['dilation', 1, 8], ['output_padding', 0, 7]]) {
      for (const axis of name === 'height' || name === 'width' ? [-1] : [0, 1]) {
        if (name === 'output_padding' && params.output_size) continue;
        const brute = [];
        for (let v = lo; v <= hi; v++) {
          const q = { ...params };
          if (axis < 0) q[name] = v;
          else {
            q[name] = [...params[name]];
            q[name][axis] = v;
          }
          if (ok(q)) brute.push(v);
        }
        assert.deepEqual(got[axis < 0 ? name : `${name}.${axis}`], brute, `${name}[${axis}] in ${JSON.stringify(params)}`);
      }
    }
  }
});
