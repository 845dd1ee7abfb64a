// How values are shown: www/views/grid.js formatValue (the labels in the cells, the legends, the dot
// product) and www/lib/tensors.js maxAbs (the colour scales).
// Non-finite values (a float32 sum can overflow) are spelled as PyTorch prints them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValue } from '../../www/views/grid.js';
import { maxAbs } from '../../www/lib/tensors.js';

test('formatValue: short labels, a real minus sign, inf / −inf / nan as PyTorch prints them', () => {
  assert.equal(formatValue(0), '0');
  assert.equal(formatValue(-0), '0');
  assert.equal(formatValue(27), '27');
  assert.equal(formatValue(-12), '\u221212');
  assert.equal(formatValue(2.5), '2.5');
  assert.equal(formatValue(0.25), '0.25');
  assert.equal(formatValue(0.001), '1e\u22123');
  assert.equal(formatValue(123.45), '123.5');
  assert.equal(formatValue(-0.001), '\u22121e\u22123', 'every minus sign a real one');
  assert.equal(formatValue(1234567.5), '1.23e+6');
  assert.equal(formatValue(Math.fround(3e38)), '3e+38', 'no 17-digit label for a float32 near its max');
  assert.equal(formatValue(-2e7), '\u22122e+7');
  assert.equal(formatValue(Infinity), 'inf');
  assert.equal(formatValue(-Infinity), '\u2212inf');
  assert.equal(formatValue(NaN), 'nan');
  assert.equal(formatValue(Math.fround(Math.fround(3e38) * 2)), 'inf', 'a float32 overflow');
});

test('maxAbs: the colour scale spans the finite values; ±inf and nan do not stretch it', () => {
  assert.equal(maxAbs(Float32Array.of(1, -3, 2)), 3);
  assert.equal(maxAbs(Float32Array.of(1, Infinity, -2, NaN), Float32Array.of(-Infinity)), 2);
  assert.equal(maxAbs(Float32Array.of(0, 0), null), 1);
  assert.equal(maxAbs(Float32Array.of(Infinity, NaN)), 1);
});
