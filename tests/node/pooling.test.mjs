// The Pooling tab's pure parts: its model through the more module (the presets' numbers: ties,
// divisors, ceil_mode's partial window), print(layer), and Copy as PyTorch for both layers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as more from '../../www/pkg/more/convviz_more.js';
import { build } from '../../www/modes/pooling/model.js';
import { poolRepr, windowLines } from '../../www/modes/pooling/index.js';
import { presetById } from '../../www/classroom/presets.js';
import { defaultState } from '../../www/lib/state.js';
import { pythonCode } from '../../www/lib/python.js';

more.initSync({ module: fs.readFileSync(new URL('../../www/pkg/more/convviz_more_bg.wasm', import.meta.url)) });

const stateOf = (id) => {
  const p = presetById(id);
  return { ...defaultState(), mode: p.mode, params: structuredClone(p.params), input: { ...p.fills.input } };
};

test('MaxPool2d on ones: every window ties, the first (top-left) wins', () => {
  const m = build({ more }, stateOf('maxpool-ties'), null);
  assert.deepEqual(Array.from(m.indices.data), [0, 2, 8, 10]);
  assert.equal(m.window(0, 3).argmax, 0);
  assert.match(windowLines(m, m.window(0, 3), m.opts).join(' '), /index 2·4 \+ 2 = 10/);
  assert.equal(poolRepr(stateOf('maxpool-ties').params), 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
});

test('AvgPool2d: count_include_pad and divisor_override change the divisor', () => {
  const s = stateOf('avgpool-pad-count');
  let m = build({ more }, s, null);
  assert.equal(m.window(0, 0).divisor, 9);
  assert.ok(Math.abs(m.output.data[0] - 4 / 9) < 1e-6);
  assert.match(windowLines(m, m.window(0, 0), s.params)[1], /count_include_pad=True: the 4 input cells and 5 padding zeros count/);
  s.params.count_include_pad = false;
  m = build({ more }, s, null);
  assert.equal(m.window(0, 0).divisor, 4);
  assert.equal(m.output.data[0], 1);
  s.params.divisor_override = 2;
  m = build({ more }, s, null);
  assert.equal(m.window(0, 0).divisor, 2);
  assert.equal(m.output.data[0], 2);
  assert.equal(poolRepr(s.params), 'AvgPool2d(kernel_size=3, stride=1, padding=1, count_include_pad=False, divisor_override=2)');
  s.params.dilation = [2, 2];
  assert.throws(() => build({ more }, s, null), (e) => e.param === 'dilation');
});

test('ceil_mode: the last window hangs past the input, drawn as overhang', () => {
  const m = build({ more }, stateOf('maxpool-ceil'), null);
  assert.deepEqual(m.output.shape, [1, 1, 3, 3]);
  assert.deepEqual(m.overhang, [1, 1]);
  const win = m.window(0, 8);
  assert.deepEqual(win.cells.map((c) => c.kind), ['input', 'outside', 'outside', 'outside']);
  assert.equal(win.output, 24);
  assert.equal(m.params, 0);
  assert.deepEqual(m.field.height, { size: 2, jump: 2, start: 0 });
});

test('Copy as PyTorch: nn.MaxPool2d(..., return_indices=True) and nn.AvgPool2d', () => {
  const s = stateOf('maxpool-ceil');
  const m = build({ more }, s, null);
  const code = pythonCode({ op: 'nn.MaxPool2d', args: s.params, input: m.input, output: m.output, indices: m.indices });
  assert.match(code, /pool = nn\.MaxPool2d\(2, ceil_mode=True, return_indices=True\)\ny, indices = pool\(x\)/);
  assert.match(code, /# indices\[0, 0\] =\n# {3}\[\[6, 8, 9\],/);
  const a = stateOf('avgpool-pad-nocount');
  const am = build({ more }, a, null);
  const ac = pythonCode({ op: 'nn.AvgPool2d', args: { ...a.params, divisor_override: 3 }, input: am.input });
  assert.match(ac, /nn\.AvgPool2d\(3, stride=1, padding=1, count_include_pad=False, divisor_override=3\)\ny = pool\(x\)/);
  assert.doesNotMatch(ac, /dilation|return_indices/);
});
