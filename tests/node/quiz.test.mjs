// www/lib/quiz.js: shape and value guesses in the forms learners type, and the explanations (the
// output-size formula and the dot product) filled in from the real wasm core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import api from './pkg.mjs';
import {
  parseShape, checkShapeGuess, parseNumber, checkValueGuess, explainShape, explainSize, explainDotProduct,
  explainTransposeShape, explainUnfoldShape, explainTransposeValue,
} from '../../www/lib/quiz.js';

test('parseShape reads the usual spellings', () => {
  const cases = {
    'torch.Size([1, 1, 3, 3])': [1, 1, 3, 3],
    'Torch.Size([1,1,3,3])': [1, 1, 3, 3],
    '[1,1,3,3]': [1, 1, 3, 3],
    '(1, 1, 3, 3)': [1, 1, 3, 3],
    '1x1x3x3': [1, 1, 3, 3],
    '1 × 1 × 3 × 3': [1, 1, 3, 3],
    '1 1 3 3': [1, 1, 3, 3],
    '(3, 3)': [3, 3],
    '3x3': [3, 3],
    '3X4': [3, 4],
    '3*4': [3, 4],
    '  12  ': [12],
    '(3,)': [3],
  };
  for (const [text, want] of Object.entries(cases)) assert.deepEqual(parseShape(text), want, text);
  for (const bad of ['', 'three', '3x', 'x3', '3.5x3', '-1, 3', 'torch.Size', '1,2,3,4,5,6,7', 'a'.repeat(300), null, undefined]) {
    assert.equal(parseShape(bad), null, String(bad).slice(0, 20));
  }
});

test('checkShapeGuess: whole shapes, H×W only, wrong dimensions named', () => {
  const shape = [1, 1, 3, 3];
  for (const text of ['torch.Size([1, 1, 3, 3])', '[1,1,3,3]', '1x1x3x3', '(3, 3)', '3x3', '3']) {
    const r = checkShapeGuess(text, shape);
    assert.ok(r.correct && r.valid, text);
    assert.match(r.message, /^Right/);
    assert.match(r.message, /torch\.Size\(\[1, 1, 3, 3\]\)/);
  }
  const wrong = checkShapeGuess('4x4', shape);
  assert.equal(wrong.correct, false);
  assert.equal(wrong.valid, true);
  assert.equal(wrong.message, 'Not quite: height is 3, not 4; width is 3, not 4. The output is torch.Size([1, 1, 3, 3]).');
  const channels = checkShapeGuess('[1, 2, 3, 3]', shape);
  assert.match(channels.message, /channels is 1, not 2/);
  assert.doesNotMatch(channels.message, /height/);
  const rect = checkShapeGuess('3', [1, 2, 3, 4]);
  assert.equal(rect.correct, false); // 3 means 3×3
  assert.match(rect.message, /width is 4, not 3/);
  const junk = checkShapeGuess('no idea', shape);
  assert.equal(junk.valid, false);
  assert.equal(junk.correct, false);
  assert.equal(checkShapeGuess('1,1,1,3,3', shape).valid, false); // more dimensions than the output
  // unfold's output: [N, C·kh·kw, L]
  assert.match(checkShapeGuess('[1, 9, 16]', [1, 18, 16]).message, /rows \(C·kh·kw\) is 18, not 9/);
});

test('parseNumber and checkValueGuess: the precision typed is the tolerance', () => {
  assert.deepEqual(parseNumber('27'), { value: 27, decimals: 0 });
  assert.deepEqual(parseNumber('-0.0034'), { value: -0.0034, decimals: 4 });
  assert.deepEqual(parseNumber('\u22120.5'), { value: -0.5, decimals: 1 });
  assert.deepEqual(parseNumber('.25'), { value: 0.25, decimals: 2 });
  assert.deepEqual(parseNumber('1.5e-3'), { value: 0.0015, decimals: 4 });
  assert.equal(parseNumber('3/4').value, 0.75);
  for (const bad of ['', 'abc', '1,5', '1/0', '--1', '1e']) assert.equal(parseNumber(bad), null, bad);

  assert.ok(checkValueGuess('27', 27).correct);
  assert.ok(checkValueGuess('27.4', 27.43).correct);
  assert.ok(!checkValueGuess('27.4', 27.46).correct);
  assert.ok(checkValueGuess('27', 27.4).correct); // typed an integer: within 0.5
  assert.ok(checkValueGuess('-0.0034', -0.003399990499019623).correct);
  assert.ok(checkValueGuess('-0.003', -0.0034).correct); // 3 decimals typed: within 0.0005
  assert.ok(!checkValueGuess('0.003', -0.0034).correct);
  assert.ok(!checkValueGuess('-1', -1.5).correct); // exactly half a unit off: not a rounding of it
  assert.ok(checkValueGuess('1/3', 1 / 3).correct);
  assert.ok(checkValueGuess('30', 27, 5).correct); // explicit tolerance
  const low = checkValueGuess('20', 27);
  assert.equal(low.valid, true);
  assert.equal(low.message, 'Not quite: 20 is too low; the value is 27.');
  assert.match(checkValueGuess('-1', -1.5).message, /−1 is too high; the value is −1\.5/);
  assert.equal(checkValueGuess('-0.00002', -0.00001234).message, 'Not quite: \u22122e\u22125 is too low; the value is \u22121.234e\u22125.', 'every minus sign a real one');
  assert.equal(checkValueGuess('x', 1).valid, false);
  // an overflowed output: no number is right (inf's tolerance would have accepted anything)
  for (const [v, word] of [[Infinity, 'inf'], [-Infinity, '\u2212inf'], [NaN, 'nan']]) {
    const r = checkValueGuess('5', v);
    assert.equal(r.correct, false, word);
    assert.equal(r.valid, true);
    assert.match(r.message, new RegExp(`^This output is ${word}: its float32 sum overflowed`));
  }
});

test('explainShape fills in the convolution formula from conv2dOutputSize', () => {
  const a = api.conv2dOutputSize({ inputSize: [5, 6], kernelSize: 3, stride: 2, padding: 1 });
  const e = explainShape(a);
  assert.equal(
    e.height,
    'H_out = ⌊(H + padding_before + padding_after − dilation·(kernel − 1) − 1) / stride⌋ + 1 = ⌊(5 + 1 + 1 − 1·(3 − 1) − 1) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 3',
  );
  assert.match(e.width, /= ⌊5 \/ 2⌋ \+ 1 = 3 \(the floor leaves 1 padded column unread\)$/);
  // every formula's pieces agree with the size it states
  for (const [h, k, s, p, d] of [[7, 3, 1, 0, 2], [6, 3, 2, 1, 1], [4, 3, 1, 0, 1], [9, 4, 3, 2, 2]]) {
    const r = api.conv2dOutputSize({ inputSize: [h, h], kernelSize: k, stride: s, padding: p, dilation: d });
    const text = explainSize(r.height);
    const want = Math.floor((h + 2 * p - d * (k - 1) - 1) / s) + 1;
    assert.ok(text.endsWith(` = ${want}`) || text.includes(` = ${want} (`), text);
  }
});

test('explainShape fills in the transposed formula from convTranspose2dOutputSize', () => {
  const a = api.convTranspose2dOutputSize({ inputSize: [3, 3], kernelSize: 3, stride: 2, padding: 1, outputSize: [6, 6] });
  assert.equal(
    explainShape(a).height,
    'H_out = (H − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1 = (3 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 6',
  );
});

test('explainTransposeShape: both formulas, and what output_size picks', () => {
  // the lecture's round trip: ConvTranspose2d(2, 1, 3, stride=2, padding=1) on 3×3, output_size=(5, 5)
  const a = api.convTranspose2dOutputSize({ inputSize: [3, 3], kernelSize: 3, stride: 2, padding: 1, outputSize: [5, 5] });
  const lines = explainTransposeShape(a, [5, 5]);
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^H_out = .* = \(3 − 1\)·2 − 2·1 \+ 1·\(3 − 1\) \+ 0 \+ 1 = 5$/);
  assert.match(lines[1], /^W_out = .* = 5$/);
  assert.equal(
    lines[2],
    'output_size=(5, 5) sets output_padding to (0, 0); it may ask for H_out 5 to 6 and W_out 5 to 6: the sizes that a Conv2d with these arguments maps to 3×3.',
  );
  // a stride of 1 leaves one size; without output_size there is no third line
  const one = api.convTranspose2dOutputSize({ inputSize: [4, 2], kernelSize: [2, 3], stride: [1, 3], outputSize: [5, 7] });
  assert.match(explainTransposeShape(one, [5, 7])[2], /output_padding to \(0, 1\); it may ask for H_out 5 only and W_out 6 to 8: .* maps to 4×2\.$/);
  assert.equal(explainTransposeShape(api.convTranspose2dOutputSize({ inputSize: [3, 3], kernelSize: 3 })).length, 2);
  // every filled-in formula states the size the core computes
  for (const [h, k, s, p, d, op] of [[3, 3, 2, 1, 1, 1], [5, 4, 3, 2, 2, 0], [1, 1, 1, 0, 1, 0], [6, 3, 2, 0, 3, 1]]) {
    const r = api.convTranspose2dOutputSize({ inputSize: [h, h], kernelSize: k, stride: s, padding: p, dilation: d, outputPadding: op });
    const want = (h - 1) * s - 2 * p + d * (k - 1) + op + 1;
    assert.ok(explainTransposeShape(r)[0].endsWith(` = ${want}`), `${[h, k, s, p, d, op]}`);
  }
});

test('explainUnfoldShape: kernel positions, then C·kh·kw rows and L columns', () => {
  // F.unfold(ones(1, 3, 5, 5), kernel_size=3): [1, 27, 9]
  const a = api.conv2dOutputSize({ inputSize: [5, 5], kernelSize: 3 });
  const lines = explainUnfoldShape(a, 3);
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^H_out = .* = 3$/);
  assert.equal(lines[2], 'rows = C·kh·kw = 3·3·3 = 27; columns L = H_out·W_out = 3·3 = 9');
  const b = api.conv2dOutputSize({ inputSize: [6, 7], kernelSize: [2, 3], stride: [2, 1], padding: [1, 0], dilation: [1, 2] });
  assert.equal(explainUnfoldShape(b, 2)[2], 'rows = C·kh·kw = 2·2·3 = 12; columns L = H_out·W_out = 4·3 = 12');
});

test('explainDotProduct spells out the trace’s sum of products and the bias', () => {
  const x = { shape: [1, 1, 3, 3], data: [1, 2, 3, 4, 5, 6, 7, 8, 9] };
  const w = { shape: [1, 1, 2, 2], data: [1, -1, 0.5, 2] };
  const t = api.conv2dTrace(x, w, { shape: [1], data: [0.25] }, {});
  const s = t.steps(0, 0, 1, 1); // x[1..2, 1..2] = 5 6 / 8 9
  assert.equal(explainDotProduct(s), '5×1 + 6×(−1) + 8×0.5 + 9×2 = 21; + bias 0.25 = 21.25');
  // a negative input is bracketed like a negative weight: "+ (−2)×(−1)", never "+ −2×(−1)"
  const neg = api.conv2dTrace({ shape: [1, 1, 1, 2], data: [-2, 3] }, { shape: [1, 1, 1, 2], data: [-1, -0.5] }, null, {});
  assert.equal(explainDotProduct(neg.steps(0, 0, 0, 0)), '(−2)×(−1) + 3×(−0.5) = 0.5');
  neg.free();
  t.free();
  // dilation holes are skipped, zero padding shows as 0×w, long sums are cut
  const ones = (shape) => ({ shape, data: new Float32Array(shape.reduce((p, q) => p * q, 1)).fill(1) });
  const u = api.conv2dTrace(ones([1, 3, 5, 5]), ones([1, 3, 3, 3]), null, { padding: 1, dilation: [1, 2] });
  const text = explainDotProduct(u.steps(0, 0, 0, 0), 4);
  assert.equal(text, '0×1 + 0×1 + 0×1 + 0×1 + … (27 products in all) = 12');
  u.free();
});

test('explainTransposeValue: the zero-insertion route’s sum over real input cells only, equal to the output', () => {
  // the lecture's way back with small integers: ConvTranspose2d(2, 1, 3, stride=2, padding=1), 3×3 → 5×5
  const x = { shape: [1, 2, 3, 3], data: [1, -2, 3, 0, 2, -1, 1, 1, 2, -1, 0, 2, 3, 1, -2, 0, 1, 1] };
  const w = { shape: [2, 1, 3, 3], data: [1, 0, -1, 2, 1, 0, 0, 1, 1, -1, 2, 0, 1, 0, 1, 2, -1, 1] };
  const b = { shape: [1], data: [0.5] };
  const t = api.convTranspose2dTrace(x, w, b, { stride: 2, padding: 1, outputSize: [5, 5] });
  const zi = t.zeroInsert;
  const zero = api.conv2dTrace(zi.input, zi.weight, b, { stride: 1 });
  const wz = zi.input.shape[3];
  const real = (tap) => zi.source.data[(tap.ih * wz + tap.iw) * 2] >= 0;
  for (let l = 0; l < 25; l++) {
    const steps = zero.steps(0, 0, Math.floor(l / 5), l % 5);
    const text = explainTransposeValue(steps, real);
    const want = t.output.data[l];
    assert.ok(text.endsWith(`; + bias 0.5 = ${String(want).replace('-', '\u2212')}`), `${l}: ${text}`);
    const nReal = steps.taps.filter((tap) => tap.kind !== 'skip' && real(tap)).length;
    // one product per real input cell under the kernel: 2 channels × (1, 2 or 4) cells at stride 2
    assert.equal(text.split('×').length - 1, nReal, text);
    assert.ok([2, 4, 8].includes(nReal), `${l}: ${nReal}`);
  }
  // y[0, 0, 1, 1] reads x[:, 0..1, 0..1] with the flipped kernel's odd taps: spelled out in full
  assert.match(explainTransposeValue(zero.steps(0, 0, 1, 1), real), /^The input cells under the flipped kernel \(the inserted zeros and the padding add 0\): 1×/);
  t.free();
  zero.free();
  // stride 3, kernel 1: two of every three output cells receive no input at all
  const t3 = api.convTranspose2dTrace({ shape: [1, 1, 2, 2], data: [1, 2, 3, 4] }, { shape: [1, 1, 1, 1], data: [2] }, null, { stride: 3 });
  const z3 = t3.zeroInsert;
  const zero3 = api.conv2dTrace(z3.input, z3.weight, null, { stride: 1 });
  const w3 = z3.input.shape[3];
  const real3 = (tap) => z3.source.data[(tap.ih * w3 + tap.iw) * 2] >= 0;
  assert.equal(explainTransposeValue(zero3.steps(0, 0, 0, 1), real3), 'Only inserted zeros and padding lie under the flipped kernel here: the sum is 0');
  assert.equal(explainTransposeValue(zero3.steps(0, 0, 3, 3), real3), 'The input cells under the flipped kernel (the inserted zeros and the padding add 0): 4×2 = 8');
  t3.free();
  zero3.free();
});
