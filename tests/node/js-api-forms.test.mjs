// PyTorch's input forms through the wasm API (www/pkg), against PyTorch's values
// (tests/fixtures/torch): an unbatched input gives PyTorch's unbatched result, which is the
// batched result of that one image with the batch axis squeezed; a batch of 0 gives the empty
// result of the right shape; a one-element pair [n] is (n, n); outputSize may be a full size
// (x.size() of the output, 4 entries, or 3 unbatched). Covers conv2d, convTranspose2d, unfold,
// fold, both traces and both modules' forward.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import api from './pkg.mjs';

const RTOL = 1e-4;
const cases = (op) => JSON.parse(fs.readFileSync(new URL(`../fixtures/torch/${op}.json`, import.meta.url), 'utf8')).cases;
const prod = (a) => a.reduce((x, y) => x * y, 1);
const CAMEL = { padding_mode: 'paddingMode', output_padding: 'outputPadding', output_size: 'outputSize', kernel_size: 'kernelSize' };

function options(args) {
  const o = {};
  for (const [k, v] of Object.entries(args ?? {})) if (k !== 'bias') o[CAMEL[k] ?? k] = Array.isArray(v) ? v.slice() : v;
  return o;
}
const tensor = (t) => (t ? { shape: t.shape.slice(), data: Float32Array.from(t.data) } : null);

/** Image `n` of a batched JSON tensor, without its batch axis. */
function image(t, n) {
  const per = prod(t.shape.slice(1));
  return { shape: t.shape.slice(1), data: t.data.slice(n * per, (n + 1) * per) };
}

function close(got, exp, what) {
  assert.deepEqual(Array.from(got.shape), exp.shape, `${what}: shape`);
  assert.ok(got.data instanceof Float32Array, `${what}: Float32Array`);
  assert.equal(got.data.length, exp.data.length, `${what}: length`);
  for (let i = 0; i < exp.data.length; i++) {
    const tol = RTOL * Math.max(1, Math.abs(exp.data[i]));
    if (!(Math.abs(got.data[i] - exp.data[i]) <= tol)) assert.fail(`${what}: [${i}] ${got.data[i]} != ${exp.data[i]}`);
  }
}

/** Pairs as one-element arrays where both entries agree ([2, 2] -> [2]); others unchanged. */
function shortPairs(o) {
  const out = { ...o };
  for (const k of ['stride', 'padding', 'dilation', 'outputPadding', 'kernelSize']) {
    const v = out[k];
    if (Array.isArray(v) && v.length === 2 && v[0] === v[1]) out[k] = [v[0]];
  }
  return out;
}

const CONV = {
  conv2d: { call: api.conv2d, trace: api.conv2dTrace, Module: api.Conv2d },
  conv_transpose2d: { call: api.convTranspose2d, trace: api.convTranspose2dTrace, Module: api.ConvTranspose2d },
};

for (const [op, f] of Object.entries(CONV)) {
  test(`${op}: an unbatched (C, H, W) input gives PyTorch's result for that image, squeezed`, () => {
    let n = 0;
    for (const c of cases(op)) {
      const o = options(c.args);
      if (c.args.output_size) o.outputSize = [1, ...c.expected.shape.slice(1)]; // x.size(), unbatched: (C, H, W)
      for (let b = 0; b < c.input.shape[0]; b++) {
        const want = image(c.expected, b);
        const x = tensor(image(c.input, b));
        close(f.call(x, tensor(c.weight), tensor(c.bias), shortPairs(o)), want, `${c.name}[${b}]`);
        // the trace keeps a batch of one; its output holds the same values
        const t = f.trace(x, tensor(c.weight), tensor(c.bias), o);
        const out = t.output;
        t.free();
        close({ shape: out.shape.slice(1), data: out.data }, want, `${c.name}[${b}] trace`);
        const m = new f.Module(tensor(c.weight), tensor(c.bias), o);
        close(m.forward(x), want, `${c.name}[${b}] module`);
        m.free();
        n++;
      }
    }
    assert.ok(n >= 40);
  });

  test(`${op}: a batch of 0 gives the empty result of PyTorch's shape`, () => {
    for (const c of cases(op)) {
      const o = options(c.args);
      if (c.args.output_size) o.outputSize = [0, ...c.expected.shape.slice(1)]; // x.size() of the output, 4 entries
      const x = { shape: [0, ...c.input.shape.slice(1)], data: new Float32Array(0) };
      const want = [0, ...c.expected.shape.slice(1)];
      const y = f.call(x, tensor(c.weight), tensor(c.bias), o);
      assert.deepEqual(y.shape, want, c.name);
      assert.equal(y.data.length, 0);
      const t = f.trace(x, tensor(c.weight), tensor(c.bias), o);
      assert.deepEqual(t.output.shape, want, `${c.name} trace`);
      t.free();
      const m = new f.Module(tensor(c.weight), tensor(c.bias), o);
      assert.deepEqual(m.forward(x).shape, want, `${c.name} module`);
      m.free();
    }
  });
}

test('outputSize takes [H, W], or a full size of 4 entries (its last two), as PyTorch takes x.size()', () => {
  for (const c of cases('conv_transpose2d').filter((c) => c.args.output_size)) {
    const o = options(c.args);
    const full = { ...o, outputSize: c.expected.shape.slice() };
    close(api.convTranspose2d(tensor(c.input), tensor(c.weight), tensor(c.bias), full), c.expected, c.name);
  }
});

test('unfold: (C, H, W) -> (C·kh·kw, L) as PyTorch; a batch of 0; [n] pairs', () => {
  for (const c of cases('unfold')) {
    const o = options(c.args);
    for (let b = 0; b < c.input.shape[0]; b++) {
      close(api.unfold(tensor(image(c.input, b)), shortPairs(o)), image(c.expected, b), `${c.name}[${b}]`);
    }
    const y = api.unfold({ shape: [0, ...c.input.shape.slice(1)], data: [] }, o);
    assert.deepEqual(y.shape, [0, ...c.expected.shape.slice(1)], c.name);
  }
});

test('fold: (C·kh·kw, L) -> (C, H, W) as PyTorch; a batch of 0; [n] pairs', () => {
  for (const c of cases('fold')) {
    const o = options(c.args);
    for (let b = 0; b < c.input.shape[0]; b++) {
      close(api.fold(tensor(image(c.input, b)), shortPairs(o)), image(c.expected, b), `${c.name}[${b}]`);
    }
    const y = api.fold({ shape: [0, ...c.input.shape.slice(1)], data: [] }, o);
    assert.deepEqual(y.shape, [0, ...c.expected.shape.slice(1)], c.name);
  }
});

test('one-element pairs are (n, n) everywhere a pair is taken', () => {
  const x = { shape: [1, 2, 7, 7], data: new Float32Array(98).fill(1) };
  const w = { shape: [3, 2, 3, 3], data: new Float32Array(54).fill(1) };
  const long = api.conv2d(x, w, null, { stride: [2, 2], padding: [1, 1], dilation: [2, 2] });
  const short = api.conv2d(x, w, null, { stride: [2], padding: [1], dilation: [2] });
  assert.deepEqual(short.shape, long.shape);
  assert.deepEqual(Array.from(short.data), Array.from(long.data));
  const a = api.conv2dOutputSize({ inputSize: [7], kernelSize: [3], stride: [2] });
  assert.equal(a.width.output, 3);
  assert.throws(() => api.conv2d(x, w, null, { stride: [1, 2, 3] }), (e) => e.arg === 'stride' && e.kind === 'InvalidValue');
  assert.throws(() => api.conv2d(x, w, null, { stride: [] }), (e) => e.arg === 'stride');
});

test('other ranks are refused in PyTorch words, naming the input', () => {
  const w = { shape: [1, 1, 1, 1], data: [1] };
  const bad = [
    [() => api.conv2d({ shape: [2, 2], data: [1, 2, 3, 4] }, w, null, {}), 'Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 2]'],
    [() => api.convTranspose2d({ shape: [1, 1, 1, 1, 1], data: [1] }, w, null, {}), 'Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: [1, 1, 1, 1, 1]'],
    [() => api.unfold({ shape: [4], data: [1, 2, 3, 4] }, { kernelSize: 1 }), 'Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got: [4]'],
    [() => api.fold({ shape: [4], data: [1, 2, 3, 4] }, { kernelSize: 1, outputSize: 2 }), 'Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: [4]'],
  ];
  for (const [call, text] of bad) {
    assert.throws(call, (e) => e.message.includes(text) && e.arg === 'input' && e.kind === 'Shape');
  }
  // only the batch may be 0
  assert.throws(() => api.conv2d({ shape: [1, 0, 2, 2], data: [] }, w, null, {}), (e) => e.arg === 'input' && e.kind === 'Shape');
});
