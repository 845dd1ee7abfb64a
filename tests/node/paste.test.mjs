// Pasted tensors (www/lib/paste.js): what a learner pastes — PyTorch and NumPy prints, nested lists,
// spreadsheet rows — read into a shape and float32 values, every bad paste refused with a message
// naming the tensor and the place, and the rules that make it the input x or the weight w.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTensorText, inputFromPaste, weightFromPaste, MAX_PASTE_VALUES } from '../../www/lib/paste.js';
import { pyTensorLiteral, pyTensor } from '../../www/lib/python.js';
import { fromHash, toHash, defaultState, MAX_EDITS } from '../../www/lib/state.js';
import { makeInput, makeWeights, PASTED } from '../../www/lib/tensors.js';

/** Arguments with groups = 1 (what the input rules read). */
const G1 = { groups: 1 };
const read = (text) => {
  const r = parseTensorText(text, 'input');
  assert.ok(r.ok, `${JSON.stringify(text)}: ${r.message}`);
  return { shape: r.shape, values: Array.from(r.data) };
};
const refuse = (text, re) => {
  const r = parseTensorText(text, 'input');
  assert.equal(r.ok, false, `${JSON.stringify(text)} was read as ${JSON.stringify(r.shape)}`);
  assert.match(r.message, re);
  assert.match(r.message, /^input: /, 'the message names the tensor');
};

test('prints and lists as PyTorch, NumPy and Python write them', () => {
  const four = { shape: [1, 1, 2, 2], values: [1, 2, 3, 4] };
  assert.deepEqual(read('tensor([[[[1., 2.],\n          [3., 4.]]]])'), four);
  assert.deepEqual(read('torch.tensor([[[[1, 2], [3, 4]]]])'), four);
  assert.deepEqual(read('x = torch.tensor([[[[1., 2.], [3., 4.]]]], dtype=torch.float64)'), four);
  assert.deepEqual(read('tensor([[[[1., 2.],\n          [3., 4.]]]], grad_fn=<ConvolutionBackward0>)'), four);
  assert.deepEqual(read("tensor([[[[1., 2.], [3., 4.]]]], device='cuda:0', requires_grad=True)"), four);
  assert.deepEqual(read('Parameter containing:\ntensor([[[[1., 2.],\n          [3., 4.]]]], requires_grad=True)'), four);
  // NumPy: with commas (repr), without (print), with a dtype
  assert.deepEqual(read('array([[1, 2],\n       [3, 4]], dtype=float32)'), { shape: [2, 2], values: [1, 2, 3, 4] });
  assert.deepEqual(read('[[1 2]\n [3 4]]'), { shape: [2, 2], values: [1, 2, 3, 4] });
  assert.deepEqual(read('np.array([[ 1.5e+00, -2.0000e-01]])'), { shape: [1, 2], values: [1.5, Math.fround(-0.2)] });
  assert.deepEqual(read('[0.5, -.25, 3., +4, -0.]'), { shape: [5], values: [0.5, -0.25, 3, 4, -0] });
  // values are float32, as in the tensor
  assert.deepEqual(read('[0.1]').values, [Math.fround(0.1)]);
  // the float32 maximum as NumPy prints it (above the exact value, rounds onto it); a trailing comma
  assert.deepEqual(read('[3.4028235e+38, -3.4028235e38,]').values, [3.4028234663852886e38, -3.4028234663852886e38]);
  // the page's own minus sign (U+2212), copied back; old Mac line ends
  assert.deepEqual(read('[\u22121, 2]').values, [-1, 2]);
  assert.deepEqual(read('\u22121.5 2\r3 4'), { shape: [2, 2], values: [-1.5, 2, 3, 4] });
});

test('the constructors Copy as PyTorch writes read back: ones, zeros, full, eye, arange(n).reshape', () => {
  assert.deepEqual(read('torch.ones(1, 1, 2, 2)'), { shape: [1, 1, 2, 2], values: [1, 1, 1, 1] });
  assert.deepEqual(read('torch.zeros((2, 1))'), { shape: [2, 1], values: [0, 0] });
  assert.deepEqual(read('x = torch.full((1, 2), 0.5)'), { shape: [1, 2], values: [0.5, 0.5] });
  assert.deepEqual(read('torch.eye(2)'), { shape: [2, 2], values: [1, 0, 0, 1] });
  assert.deepEqual(read('torch.arange(6.).reshape(2, 3)'), { shape: [2, 3], values: [0, 1, 2, 3, 4, 5] });
  assert.deepEqual(read('torch.arange(4).view(1, 1, 2, 2)'), { shape: [1, 1, 2, 2], values: [0, 1, 2, 3] });
  refuse('torch.arange(6.).reshape(2, 2)', /arange\(6\) has 6 values; shape \[2, 2\] needs 4/);
  refuse('torch.ones(3, -1)', /could not read torch\.ones\(3, -1\): write the shape as integers/);
  refuse('torch.full((2, 2), nan)', /^input: the fill value: NaN is not allowed: every value must be finite\.$/);
  refuse('torch.ones(1, 2, 3, 4, 5)', /5 dimensions/);
  refuse('torch.ones(0, 3)', /every dimension needs at least one value/);
  refuse('torch.ones(999, 999)', /more than \d+ values/);
  refuse('torch.rand(3, 3)', /expected numbers in \[brackets\], rows of numbers, or torch\.ones/);
  // whatever form pyTensor picks for the page's tensors, the paste reads the same numbers back
  const tensors = [
    { shape: [1, 3, 5, 5], data: new Float32Array(75).fill(1) },
    { shape: [1, 1, 4, 4], data: new Float32Array(16) },
    { shape: [1, 2, 3, 3], data: new Float32Array(18).fill(-0.25) },
    { shape: [1, 3, 5, 5], data: Float32Array.from({ length: 75 }, (_, i) => i) },
    { shape: [2, 1, 2, 2], data: Float32Array.of(1, -2, 0.1, 3, 0, 0, 7.5, -1) },
  ];
  for (const t of tensors) {
    const code = pyTensor(t);
    const r = parseTensorText(code, 'input');
    assert.ok(r.ok, `${code}: ${r.message}`);
    assert.deepEqual(r.shape, t.shape, code);
    assert.deepEqual(Array.from(r.data), Array.from(t.data), code);
  }
});

test('rows of numbers: one row per line, a blank line starts the next channel', () => {
  assert.deepEqual(read('1 2 3\n4 5 6'), { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] });
  assert.deepEqual(read('1\t2\n3\t4\n'), { shape: [2, 2], values: [1, 2, 3, 4] }); // from a spreadsheet
  assert.deepEqual(read('1, 2\r\n3, 4'), { shape: [2, 2], values: [1, 2, 3, 4] }); // CSV
  assert.deepEqual(read('1 2\n3 4\n\n\n5 6\n7 8'), { shape: [2, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8] });
  assert.deepEqual(read('7'), { shape: [1, 1], values: [7] });
});

test('what cannot be a tensor is refused, saying where', () => {
  refuse('[[1, 2], [3, nan]]', /^input: value \[1, 1\]: NaN is not allowed: every value must be finite\.$/);
  refuse('[1, -inf]', /^input: value \[1\]: -inf is not allowed: every value must be finite\.$/);
  refuse('1 2\n3 NaN', /^input: line 2, number 2: NaN is not allowed/);
  refuse('[1, two]', /^input: value \[1\]: could not convert string to float: 'two'$/);
  refuse('[[1e39]]', /^input: value \[0, 0\]: 1e39 does not fit in a float32\.$/);
  refuse('[[1, 2], [3]]', /not all the same length: \[1\] has 1 entry where the first list at that depth has 2/);
  // ragged nestings that have as many values as a rectangle would (reported by review: they passed)
  refuse('[[1, 2], [[3, 4], [5, 6]]]', /the lists are not nested alike: \[1\] holds lists where the others hold numbers/);
  refuse('[[1], [[[2]]]]', /not nested alike/);
  refuse('[[[1, 2]], [3, 4]]', /the lists are not nested alike: \[1\] holds numbers where the others hold lists/);
  refuse('[1,, 2]', /an empty entry \(','\) in the outer list/);
  refuse('[[1, 2], [, 3]]', /an empty entry \(','\) in \[1\]/);
  refuse(',\n;', /nothing to read/);
  refuse('[[1. 2.]\n ...\n [3. 4.]]', /the print is shortened/);
  refuse('[[1], 2]', /mixes numbers and lists/);
  refuse('[]', /an empty list \[\]: every dimension needs at least one value/);
  refuse('[[1, 2]', /a '\[' is never closed/);
  refuse('tensor([0., 1., 2., ..., 7., 8., 9.])', /the print is shortened \('\.\.\.'\)/);
  refuse('[[1, 2]]).view(2)', /could not read '\)\.view\(2\)' after the numbers/);
  refuse('torch.Size([1, 3, 5, 5])', /could not read 'torch\.Size\(' before the numbers/);
  refuse('1 2 3\n4 5', /line 2 has 2 numbers, the first line has 3/);
  refuse('1 2\n3 4\n\n5 6', /channel 1 has 1 rows, channel 0 has 2/);
  refuse('   \n  ', /nothing to read/);
  refuse('<img src=x onerror=alert(1)>', /expected numbers in \[brackets\]/);
  refuse('[[[[[1]]]]]', /more than 4 nested lists: a tensor here has at most 4 dimensions/);
  refuse(`[${new Array(MAX_PASTE_VALUES + 1).fill(1).join(',')}]`, new RegExp(`more than ${MAX_PASTE_VALUES} values`));
  refuse('x'.repeat(1_000_001), /longer than/);
});

test('a paste as the input: its shape becomes in_channels, height and width', () => {
  const r = inputFromPaste(parseTensorText('[[0, 1], [2, 0]]', 'input'), G1);
  assert.ok(r.ok);
  assert.deepEqual(r.params, { in_channels: 1, height: 2, width: 2 });
  assert.deepEqual(r.cells, { '0,0,1': 1, '0,1,0': 2 }, 'only non-zero values are stored (the fill is zeros)');
  assert.deepEqual(inputFromPaste(parseTensorText('[[[1]], [[2]], [[3]]]', 'input'), G1).params, { in_channels: 3, height: 1, width: 1 });
  assert.deepEqual(inputFromPaste(parseTensorText('[[[[5, 6, 7]]]]', 'input'), G1).params, { in_channels: 1, height: 1, width: 3 });
  const no = (text, re) => {
    const x = inputFromPaste(parseTensorText(text, 'input'), G1);
    assert.equal(x.ok, false, text);
    assert.match(x.message, re);
  };
  no('[[[[1]]], [[[2]]]]', /input: a batch of 2; the page shows one sample/);
  no(`[${new Array(65).fill('[1]').join(',')}]`, /input: 65 rows; height must be 1…64 here/);
  no(`[[${new Array(65).fill(1).join(',')}]]`, /input: 65 columns; width must be 1…64 here/);
  no(`[${new Array(9).fill('[[1]]').join(',')}]`, /input: 9 channels; in_channels must be 1…8 here/);
  // groups must divide the channels (else the page could only show its invalid state)
  const two = inputFromPaste(parseTensorText('[[[1]], [[2]]]', 'input'), { groups: 3 });
  assert.match(two.message, /^input: 2 channels; groups=3 needs in_channels divisible by 3: change groups first/);
  assert.ok(inputFromPaste(parseTensorText('[[[1]], [[2]], [[3]]]', 'input'), { groups: 3 }).ok);
  const plane = new Array(64).fill(new Array(64).fill(1).join(' ')).join('\n');
  no(`${plane}\n\n${plane}`, new RegExp(`input: 8192 non-zero values; a link carries at most ${MAX_EDITS}`));
});

test('a paste as the weight: kernel_size and out_channels from its shape, the in-channel dim must fit', () => {
  const p = { in_channels: 3, out_channels: 1, groups: 1 };
  const three = parseTensorText('[[[1, 0]], [[0, 2]], [[3, 0]]]', 'weight'); // [3, 1, 2]
  const c = weightFromPaste(three, p, 'oihw', Float32Array.of(0.5));
  assert.ok(c.ok, c.message);
  assert.deepEqual(c.params, { out_channels: 1, kernel_size: [1, 2] });
  assert.deepEqual(c.shape, [1, 3, 1, 2]);
  assert.deepEqual(c.cells, { '0,0,0,0': 1, '0,1,0,1': 2, '0,2,0,0': 3 });
  assert.deepEqual(c.biasCells, { 0: 0.5 }, 'the bias keeps its value');
  // two 3×3 kernels on one input channel: out_channels 2; the bias of the new channel is 0
  const sobel = parseTensorText('[[[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]], [[[-1, -2, -1], [0, 0, 0], [1, 2, 1]]]]', 'weight');
  const s = weightFromPaste(sobel, { in_channels: 1, out_channels: 1, groups: 1 }, 'oihw', Float32Array.of(0.25));
  assert.deepEqual(s.params, { out_channels: 2, kernel_size: [3, 3] });
  assert.deepEqual(s.biasCells, { 0: 0.25 });
  // ConvTranspose2d's weight is [C_in, C_out/groups, kh, kw]
  const t = weightFromPaste(parseTensorText('[[[[1, 0], [0, 1]], [[2, 2], [0, 0]]], [[[1, 1], [1, 1]], [[0, 0], [3, 3]]], [[[0, 1], [1, 0]], [[4, 0], [0, 4]]]]', 'weight'), p, 'iohw', null);
  assert.ok(t.ok, t.message);
  assert.deepEqual(t.params, { out_channels: 2, kernel_size: [2, 2] }, '[3, 2, 2, 2]: 3 in, 2 out');
  assert.equal(weightFromPaste(three, p, 'iohw', null).ok, false, '[3, 1, 2] is [1, 3, 1, 2]: one input channel, not 3');
  const wrong = weightFromPaste(parseTensorText('[[1, 2], [3, 4]]', 'weight'), p, 'oihw', null);
  assert.equal(wrong.ok, false);
  assert.match(wrong.message, /^weight: torch.Size\(\[1, 1, 2, 2\]\) has 1 input channel per kernel; this layer needs in_channels\/groups = 3\/1 = 3/);
  const wrongT = weightFromPaste(parseTensorText('[[[[1]]], [[[2]]]]', 'weight'), p, 'iohw', null);
  assert.match(wrongT.message, /^weight: torch.Size\(\[2, 1, 1, 1\]\) starts with 2; a ConvTranspose2d weight starts with in_channels = 3/);
  const big = weightFromPaste(parseTensorText(`[${new Array(16).fill('[1]').join(',')}]`, 'weight'), { in_channels: 1, out_channels: 1, groups: 1 }, 'oihw', null);
  assert.match(big.message, /^weight: 16 kernel rows; kernel_size must be 1…15 here/);
  // groups: a depthwise weight [C_out, 1, kh, kw] with groups = in_channels
  const g2 = weightFromPaste(parseTensorText('[[[[1]], [[2]]], [[[3]], [[4]]], [[[5]], [[6]]]]', 'weight'), { in_channels: 4, out_channels: 4, groups: 2 }, 'oihw', null);
  assert.match(g2.message, /^weight: 3 output channels; groups=2 needs out_channels divisible by 2/);
  const dw = weightFromPaste(parseTensorText('[[[[1]]], [[[2]]], [[[3]]]]', 'weight'), { in_channels: 3, out_channels: 3, groups: 3 }, 'oihw', null);
  assert.deepEqual(dw.params, { out_channels: 3, kernel_size: [1, 1] });
});

test('the dialog starts from the shown tensor written out, and that text reads back exactly', () => {
  const state = defaultState();
  state.input = { fill: 'random', seed: 5 };
  const x = makeInput(state);
  const back = parseTensorText(pyTensorLiteral(x), 'input');
  assert.ok(back.ok, back.message);
  assert.deepEqual(back.shape, x.shape);
  assert.deepEqual(Array.from(back.data), Array.from(x.data));
  const api = { defaultInit: () => assert.fail('not a default init') };
  const { weight } = makeWeights(api, state);
  const wBack = parseTensorText(pyTensorLiteral(weight), 'weight');
  assert.deepEqual(Array.from(wBack.data), Array.from(weight.data));
});

test('a pasted input is a link: fill "pasted" plus its cells, the same tensor after the round trip', () => {
  const state = defaultState();
  const r = inputFromPaste(parseTensorText('[[0, 1.5], [-2, 0]]', 'input'), G1);
  Object.assign(state.params, r.params);
  state.input = { fill: PASTED, seed: 1 };
  state.edits.input = r.cells;
  const hash = toHash(state);
  assert.match(hash, /input=pasted~1/);
  const again = fromHash(`#${hash}`);
  assert.equal(again.notice, null);
  assert.deepEqual(Array.from(makeInput(again.state).data), [0, 1.5, -2, 0]);
  // float32 cells travel as their shortest text: 0.1, not 0.10000000149011612
  const tenth = inputFromPaste(parseTensorText('[[0.1, 0.7]]', 'input'), G1);
  state.edits.input = tenth.cells;
  const h2 = toHash(state);
  assert.match(h2, /set_input=0\.0\.0:0\.1;0\.0\.1:0\.7(&|$)/);
  assert.deepEqual(Array.from(makeInput(fromHash(`#${h2}`).state).data.slice(0, 2)), [Math.fround(0.1), Math.fround(0.7)]);
});
