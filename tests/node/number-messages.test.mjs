// Numbers inside error messages: the wasm module writes them without Rust's float formatting
// (which costs ~20 KB of wasm). NaN / ±∞ read as Rust writes them (NaN, inf, -inf), as the core's
// messages do; any other number as JavaScript's String(x).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import api from './pkg.mjs';

const ones = (shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b)).fill(1) });
const x = ones([1, 1, 4, 4]);
const w = ones([1, 1, 3, 3]);
const message = (f) => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Error);
    return e.message;
  }
  assert.fail('expected an Error');
};

test('a non-integer option names the number', () => {
  const cases = [
    [2.5, 'stride: expected an integer, got 2.5'],
    [-0.1, 'stride: expected an integer, got -0.1'],
    [1e-7, 'stride: expected an integer, got 1e-7'],
    [NaN, 'stride: expected an integer, got NaN'],
    [Infinity, 'stride: expected an integer, got inf'],
    [-Infinity, 'stride: expected an integer, got -inf'],
    [[1, 2.5], 'stride: expected an integer, got 2.5'],
    [1e21, 'stride: 1e+21 is too large'],
    [2 ** 53, 'stride: 9007199254740992 is too large'],
  ];
  for (const [stride, want] of cases) assert.equal(message(() => api.conv2d(x, w, null, { stride })), want);
  assert.equal(message(() => api.conv2d(3.25, w, null, {})), 'input: expected a tensor { shape, data }, got 3.25');
});

test('a non-finite element is NaN, inf or -inf, from every kind of data', () => {
  for (const [v, word] of [[NaN, 'NaN'], [Infinity, 'inf'], [-Infinity, '-inf']]) {
    const want = `input: element 5 is ${word}, but every value must be finite`;
    for (const make of [(d) => Float32Array.from(d), (d) => Float64Array.from(d), (d) => d]) {
      const data = Array(16).fill(1);
      data[5] = v;
      assert.equal(message(() => api.conv2d({ shape: [1, 1, 4, 4], data: make(data) }, w, null, {})), want);
    }
  }
});

test('trace indices and data lengths', () => {
  const t = api.conv2dTrace(x, w, null, {});
  assert.equal(message(() => t.steps(0.5, 0, 0, 0)), 'n: expected a non-negative integer index, got 0.5');
  assert.equal(message(() => t.steps(0, 0, Infinity, 0)), 'oh: expected a non-negative integer index, got inf');
  t.free();
  assert.equal(
    message(() => api.conv2d({ shape: [1, 1, 4, 4], data: new Float32Array(15) }, w, null, {})),
    'input: shape [1, 1, 4, 4] needs 16 values, but data has 15',
  );
});
