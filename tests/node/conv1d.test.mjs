// The Conv1d tab's pure parts: its model through the more module against PyTorch's numbers
// (conv1d.json's causal-* cases through the causal switch), print(layer), the dot product, and
// Copy as PyTorch (conv1dCode: F.pad for causal, the page's weights and bias, the expected output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as more from '../../www/pkg/more/convviz_more.js';
import * as core from '../../www/pkg/convviz.js';
import { build } from '../../www/modes/conv1d/model.js';
import { conv1dRepr, dotLines } from '../../www/modes/conv1d/index.js';
import { presetById } from '../../www/classroom/presets.js';
import { defaultState } from '../../www/lib/state.js';
import { pythonCode } from '../../www/lib/python.js';

more.initSync({ module: fs.readFileSync(new URL('../../www/pkg/more/convviz_more_bg.wasm', import.meta.url)) });
core.initSync({ module: fs.readFileSync(new URL('../../www/pkg/convviz_bg.wasm', import.meta.url)) });
const api = { ...core, more };
const FIXTURE = JSON.parse(fs.readFileSync(new URL('../fixtures/torch/conv1d.json', import.meta.url), 'utf8'));

const stateOf = (id) => {
  const p = presetById(id);
  return { ...defaultState(), mode: p.mode, params: structuredClone(p.params), input: { ...p.fills.input }, weight: { ...p.fills.weight } };
};

/** A fixture case (batch of one) as a state: its values as cell edits on zeros. */
function caseState(c) {
  const causal = c.name.startsWith('causal');
  const [, ch, lp] = c.input.shape;
  const [cout, cinG, k] = c.weight.shape;
  const cp = causal ? (k - 1) * c.args.dilation : 0;
  const s = defaultState();
  Object.assign(s.params, {
    in_channels: ch, out_channels: cout, width: lp - cp, kernel_size: [k, k], stride: [c.args.stride, c.args.stride],
    padding: typeof c.args.padding === 'string' ? c.args.padding : [c.args.padding, c.args.padding],
    dilation: [c.args.dilation, c.args.dilation], groups: c.args.groups, padding_mode: c.args.padding_mode, bias: Boolean(c.bias), causal,
  });
  s.input = { fill: 'zeros', seed: 1 };
  s.weight = { fill: 'zeros', seed: 1 };
  s.edits = { input: {}, weight: {}, bias: {} };
  for (let ci = 0; ci < ch; ci++) for (let t = 0; t < lp - cp; t++) s.edits.input[`${ci},0,${t}`] = c.input.data[ci * lp + cp + t];
  c.weight.data.forEach((v, i) => { s.edits.weight[`${Math.floor(i / (cinG * k))},${Math.floor(i / k) % cinG},0,${i % k}`] = v; });
  if (c.bias) c.bias.data.forEach((v, i) => { s.edits.bias[`${i}`] = v; });
  return s;
}

test('every batch-of-one case of conv1d.json, the causal ones through the causal switch', () => {
  const cases = FIXTURE.cases.filter((c) => c.input.shape[0] === 1);
  assert.ok(cases.filter((c) => c.name.startsWith('causal')).length >= 2);
  for (const c of cases) {
    const m = build(api, caseState(c), null);
    assert.deepEqual(m.output.shape, c.expected.shape, c.name);
    m.output.data.forEach((v, i) => assert.ok(Math.abs(v - c.expected.data[i]) <= 1e-5 * (1 + Math.abs(c.expected.data[i])), `${c.name}[${i}]`));
    if (c.name.startsWith('causal')) assert.deepEqual(Array.from(m.padded.data), Array.from(Float32Array.from(c.input.data)), c.name);
    const d = m.dot(m.cout - 1, m.lout - 1);
    assert.equal(d.output, m.output.data[m.output.data.length - 1], c.name);
  }
});

test('the causal preset: 4 zeros on the left, the dot product reads nothing after t, the field starts at −4', () => {
  const s = stateOf('conv1d-causal-k3-d2');
  const m = build(api, s, null);
  assert.deepEqual(Array.from(m.output.data), [0, 1, 2, 4, 6, 9, 12, 15]);
  assert.equal(m.cp, 4);
  assert.deepEqual(m.field, { size: 5, jump: 1, start: -4 });
  assert.equal(m.params, 3);
  assert.match(dotLines(m, m.dot(0, 2)).join('\n'), /the taps read x\[-2, 0, 2\].*nothing after t = 2/);
  assert.equal(conv1dRepr(s.params), 'Conv1d(1, 1, kernel_size=(3,), stride=(1,), dilation=(2,), bias=False) on F.pad(x, (4, 0))');
  const code = pythonCode({ op: 'nn.Conv1d', args: { ...s.params, kernel_size: 3, dilation: 2 }, input: m.input, weight: m.weight, bias: m.bias, output: m.output });
  assert.match(code, /c = nn\.Conv1d\(1, 1, 3, dilation=2, bias=False\)\nc\.weight = nn\.Parameter\(torch\.ones\(1, 1, 3\)\)/);
  assert.match(code, /\nx = F\.pad\(x, \(\(3 - 1\) \* 2, 0\)\)  # causal: 4 zeros on the left only/);
  assert.match(code, /# y\[0\] =\n# {3}\[\[0, 1, 2, 4, 6, 9, 12, 15\]\]/);
});

test('strided and \'same\' presets; a pair of two numbers is refused under its argument', () => {
  const st = build(api, stateOf('conv1d-strided'), null);
  assert.deepEqual(st.output.shape, [1, 2, 4]);
  assert.equal(st.params, 14);
  const code = pythonCode({ op: 'nn.Conv1d', args: { ...stateOf('conv1d-strided').params, kernel_size: 3, stride: 2, dilation: 1, padding: 0 }, input: st.input, weight: st.weight, bias: st.bias, output: st.output });
  assert.match(code, /c = nn\.Conv1d\(2, 2, 3, stride=2\)\nc\.weight = .*\n(.*\n)*c\.bias = nn\.Parameter/);
  assert.doesNotMatch(code, /F\.pad/);
  const same = build(api, stateOf('conv1d-same-even'), null);
  assert.deepEqual([same.padLeft, same.padRight, same.lout], [1, 2, 8]);
  const bad = stateOf('conv1d-strided');
  bad.params.kernel_size = [3, 2];
  assert.throws(() => build(api, bad, null), (e) => e.param === 'kernel_size' && /nn\.Conv1d takes one int/.test(e.message));
});
