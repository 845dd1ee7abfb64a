// The Stack tab's pure parts: the layers' text (lib/layers.js, through parseParam / formatParam and
// links), its presets run through the real modules (receptive field, weights), the model, and the
// Python it writes (lib/python.js sequentialCode).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import core from './pkg.mjs';
import * as more from '../../www/pkg/more/convviz_more.js';
import { parseLayers, formatLayers, DEFAULT_LAYERS, MAX_LAYERS } from '../../www/lib/layers.js';
import { parseParam, formatParam, defaultState, toHash, fromHash } from '../../www/lib/state.js';
import { pythonCode } from '../../www/lib/python.js';
import { PRESETS } from '../../www/classroom/presets.js';
import { presetChange, presetIdFor } from '../../www/classroom/presetmenu.js';
import { Store } from '../../www/lib/state.js';
import { mode } from '../../www/modes/stack/index.js';

more.initSync({ module: fs.readFileSync(fileURLToPath(new URL('../../www/pkg/more/convviz_more_bg.wasm', import.meta.url))) });
const api = { ...core, more };

const text = (t) => {
  const r = parseLayers(t);
  assert.ok(r.ok, `${t}: ${r.message}`);
  return formatLayers(r.value);
};

test('layers: the short form, keywords, calls and PyTorch class names read the same', () => {
  assert.equal(text('conv k3 s1 p0 d1; pool k2 s2'), 'conv k3 s1 p0 d1; maxpool k2 s2 p0 d1');
  assert.equal(text('conv 3'), 'conv k3 s1 p0 d1');
  assert.equal(text('Conv2d(3, stride=2, padding=1)'), 'conv k3 s2 p1 d1');
  assert.equal(text('nn.MaxPool2d(kernel_size=(3, 2))'), 'maxpool k3x2 s3x2 p0 d1'); // stride defaults to the kernel
  assert.equal(text('avg k2'), 'avgpool k2 s2 p0');
  assert.equal(text('conv k=3, s=2\nconv k3x2'), 'conv k3 s2 p0 d1; conv k3x2 s1 p0 d1');
  assert.equal(text('  CONV   k3 ;  '), 'conv k3 s1 p0 d1'); // case, spaces, a trailing ';'
  assert.equal(text(formatLayers(DEFAULT_LAYERS)), formatLayers(DEFAULT_LAYERS));
});

test('layers: refusals say which layer and which argument; half-typed text never reads', () => {
  const no = (t, re, tooLarge = undefined) => {
    const r = parseLayers(t);
    assert.equal(r.ok, false, t);
    assert.match(r.message, re, t);
    assert.equal(r.tooLarge, tooLarge, t);
  };
  no('conv k3; conv k', /^layer 2: cannot read 'k'/);
  no('conv k3; co', /^layer 2: expected conv, maxpool or avgpool/);
  no('conv k3; conv s2', /^layer 2: conv: kernel_size is missing/);
  no('conv k3; ; conv k3', /^layer 2 is empty/);
  no('conv k3 s0', /^layer 1: stride: must be at least 1 \(got 0\)/);
  no('conv k3; maxpool k99', /^layer 2: kernel_size: this visualizer draws at most 15 \(got 99\)/, true);
  no('avgpool k2 d2', /^layer 1: dilation: nn.AvgPool2d has no dilation/, true);
  no(Array(MAX_LAYERS + 1).fill('conv k1').join(';'), /at most 4 layers \(got 5\)/, true);
  no('', /expected 1 to 4 layers/);
  const r = parseParam('layers', 'conv k3; conv k');
  assert.equal(r.ok, false);
  assert.match(r.message, /^layers: layer 2: /);
});

test('layers in links: written once they differ from the default, read back exactly', () => {
  assert.ok(!toHash(defaultState()).includes('layers='), 'other tabs’ links stay as they were');
  const s = defaultState();
  s.mode = 'stack';
  s.params.layers = parseLayers('conv k3 d2; avgpool k2 s1 p1').value;
  const link = toHash(s);
  assert.match(link, /layers=conv\+k3\+s1\+p0\+d2;avgpool\+k2\+s1\+p1/);
  const back = fromHash(link, null);
  assert.equal(back.notice, null);
  assert.deepEqual(back.state.params.layers, s.params.layers);
  assert.equal(formatParam('layers', back.state.params.layers), 'conv k3 s1 p0 d2; avgpool k2 s1 p1');
  assert.match(fromHash('mode=stack&layers=conv+k3;conv+k').notice, /layer 2/);
});

/** The Stack model of a preset's state. */
function modelOf(preset) {
  const store = new Store(defaultState());
  store.update(presetChange(preset));
  return { model: mode.build(api, store.state, null), state: store.state };
}

test('the Stack presets: their fields and weights, computed by the more module', () => {
  const stacks = PRESETS.filter((p) => p.mode === 'stack');
  assert.deepEqual(stacks.map((p) => p.id), ['stack-3x3', 'stack-dilated', 'stack-conv-pool']);
  for (const p of stacks) {
    const { model, state } = modelOf(p);
    const last = model.rf[model.n - 1];
    assert.deepEqual([model.ho, model.wo], p.expect.outputSize, p.id);
    assert.deepEqual([last.height.size, last.width.size], p.expect.field, p.id);
    assert.equal(model.totalWeights, p.expect.weights, p.id);
    assert.equal(presetIdFor(state), p.id);
    assert.deepEqual(mode.classroom.shape.expected(model), [1, 1, ...p.expect.outputSize]);
  }
  assert.equal(modelOf(stacks[0]).model.single, 49); // one 7×7 conv
  assert.equal(modelOf(stacks[1]).model.single, 225);
  // the centre output cell of three 3×3 convs: 7×7 cells reached, the centre by the most paths
  const c = modelOf(stacks[0]).model.counts(1, 1)[0];
  assert.deepEqual(c.box, { r0: 1, c0: 1, r1: 7, c1: 7 });
  assert.equal(c.data[4 * 9 + 4], c.max);
  // dilated 1, 2, 4: 27 · 27 paths spread over the 15×15 cells read, no cell missed
  const d = modelOf(stacks[1]).model.counts(0, 0)[0];
  assert.deepEqual(d.box, { r0: 0, c0: 0, r1: 14, c1: 14 });
  assert.equal(d.data.reduce((a, b) => a + b, 0), 27 * 27);
  for (let i = 0; i < 15; i++) for (let j = 0; j < 15; j++) assert.ok(d.data[i * 17 + j] > 0);
});

test('a stack the input does not fit is refused under the layers, naming the layer', () => {
  const s = defaultState();
  s.params.layers = parseLayers('conv k3; maxpool k2 p2').value;
  assert.throws(() => mode.build(api, s, 'layers'), (e) => e.param === 'layers' && /^layer 2 \(nn.MaxPool2d\): padding: pad should be at most half/.test(e.message));
  s.params.layers = parseLayers('conv k3; conv k3; conv k3').value;
  assert.throws(() => mode.build(api, s, 'height'), (e) => e.param === 'height' && /^layer 3 \(nn.Conv2d\)/.test(e.message));
});

test('Copy as PyTorch: an nn.Sequential, shapes printed, the field and the weights as comments', () => {
  const { model, state } = modelOf(PRESETS.find((p) => p.id === 'stack-3x3'));
  const code = pythonCode(mode.classroom.python(model, state));
  assert.match(code, /model = nn.Sequential\(\n {4}nn.Conv2d\(1, 1, 3, bias=False\),\n {4}nn.Conv2d\(1, 1, 3, bias=False\),\n {4}nn.Conv2d\(1, 1, 3, bias=False\),\n\)/);
  assert.match(code, /nn.init.ones_\(layer.weight\)/);
  assert.match(code, /# 3 Conv2d \(1, 1, 3, 3\) {3}receptive field 7×7, jump 1, start 0/);
  assert.match(code, /# 9 \+ 9 \+ 9 = 27 weights; one Conv2d with a 7×7 kernel: 49/);
  assert.match(code, /x = torch.tensor\(\[\[\[\[/);
  const pool = modelOf(PRESETS.find((p) => p.id === 'stack-conv-pool'));
  const pc = pythonCode(mode.classroom.python(pool.model, pool.state));
  assert.match(pc, /nn.MaxPool2d\(2, stride=2\),/);
  assert.match(pc, /receptive field 4×4, jump 2, start 0/);
  const avg = defaultState();
  avg.params.height = 9;
  avg.params.width = 9;
  avg.params.layers = parseLayers('conv k3 d2 p2; avgpool k3 s2 p1').value;
  const am = mode.build(api, avg, null);
  const ac = pythonCode(mode.classroom.python(am, avg));
  assert.match(ac, /nn.Conv2d\(1, 1, 3, padding=2, dilation=2, bias=False\)/);
  assert.match(ac, /nn.AvgPool2d\(3, stride=2, padding=1\)/);
});
