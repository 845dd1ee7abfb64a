// How values are shown: www/views/grid.js formatValue (the labels in the cells, the legends, the dot
// product) and www/lib/tensors.js maxAbs (the colour scales).
// Non-finite values (a float32 sum can overflow) are spelled as PyTorch prints them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValue } from '../../www/views/grid.js';
import { formatFit } from '../../www/lib/format.js';
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

const M = '\u2212';

test('formatFit: the page\'s label when it fits, else the closest rounding that does', () => {
  // the usual label first
  assert.equal(formatFit(-0.4321, 5), `${M}0.43`);
  assert.equal(formatFit(27, 2), '27');
  assert.equal(formatFit(0, 1), '0');
  assert.equal(formatFit(-0, 1), '0');
  assert.equal(formatFit(0.001, 4), `1e${M}3`);
  // fewer decimals, then the leading zero dropped
  assert.equal(formatFit(-0.4321, 4), `${M}0.4`);
  assert.equal(formatFit(-0.4321, 3), `${M}.4`);
  assert.equal(formatFit(0.4321, 3), '0.4');
  assert.equal(formatFit(0.4321, 2), '.4');
  assert.equal(formatFit(0.96, 3), '.96', 'two digits before a rounding to 1');
  assert.equal(formatFit(0.05, 3), '.05');
  assert.equal(formatFit(-0.05, 4), `${M}.05`);
  // rounded to a whole number only when the leading digit survives
  assert.equal(formatFit(12.7, 2), '13');
  assert.equal(formatFit(-0.99, 3), `${M}1`);
  assert.equal(formatFit(1234.5, 4), '1235');
});

test('formatFit: never a 0 (or −0) for a non-zero value, nor a rounding that loses the leading digit: no label instead', () => {
  assert.equal(formatFit(-0.4321, 2), '');
  assert.equal(formatFit(0.6, 1), '', '0.6 is not 1');
  assert.equal(formatFit(-0.05, 3), '', '−0.05 is not −0.1 nor −0');
  assert.equal(formatFit(0.05, 1), '');
  assert.equal(formatFit(0.004, 3), '', '0.004 is not 0');
  assert.equal(formatFit(-0.02, 3), '');
  for (const v of [0.3, -0.3, 0.049, -0.0071, 0.96, 1.5, -2.5, 12.7, 0.1, 0.0999]) {
    for (let n = 1; n <= 6; n++) {
      const s = formatFit(Math.fround(v), n);
      assert.ok(s.length <= n, `${v} in ${n}: ${s}`);
      if (s === '' || s === formatValue(Math.fround(v))) continue; // the page's own label
      const back = Number(s.replace(/\u2212/g, '-'));
      assert.notEqual(back, 0, `${v} in ${n} chars is not ${s}`);
      const unit = 10 ** Math.floor(Math.log10(Math.abs(v)));
      assert.ok(Math.abs(back - v) <= 0.5 * unit + 1e-9, `${v} in ${n} chars: ${s} keeps its leading digit`);
    }
  }
});

test('formatFit: integers exact when they fit, exponents only when nothing else does; nan / inf as spelled', () => {
  assert.equal(formatFit(123456, 6), '123456');
  assert.equal(formatFit(123456, 5), '1.2e5');
  assert.equal(formatFit(123456, 3), '1e5');
  assert.equal(formatFit(-123456, 4), `${M}1e5`);
  assert.equal(formatFit(27, 1), '', '27 is not 3e1');
  assert.equal(formatFit(0.0034, 4), `3e${M}3`);
  assert.equal(formatFit(0.0034, 3), '');
  assert.equal(formatFit(Math.fround(3e38), 4), '3e38');
  assert.equal(formatFit(NaN, 3), 'nan');
  assert.equal(formatFit(NaN, 2), '');
  assert.equal(formatFit(-Infinity, 3), '');
});
