// Errors through the wasm API (www/pkg): every thrown Error carries `.arg` (the argument's
// PyTorch name) and `.kind` (docs/js-api.md), and PyTorch's own error inputs for conv2d
// (`error_inputs_conv2d` in torch/testing/_internal/common_methods_invocations.py) are refused
// with a message containing PyTorch's error_regex, in PyTorch's order of checks. Its two dtype
// cases ("should be the same": an int64 input, a complex bias) have no counterpart in an API of
// one dtype. Natively: tests/pytorch_error_inputs.rs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import api from './pkg.mjs';

const t = (shape, v = 0.5) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(v) });

// [input shape, weight shape, bias shape, kwargs (as PyTorch's test writes them), regex, arg]
const ERROR_INPUTS_CONV2D = [
  [[1, 1, 4, 4], [1, 2, 2, 3], [1], { stride: [-1] }, 'non-positive stride is not supported', 'stride'],
  [[1, 1, 4, 3], [1, 2, 2, 4], [1], { padding: [-1] }, 'negative padding is not supported', 'padding'],
  [[1, 1, 4, 2], [1, 1, 2, 5], [1], { dilation: [-1] }, 'dilation should be greater than zero', 'dilation'],
  [[1, 1, 4, 3], [1, 2, 2], [1], { padding: 'same' }, 'Expected 3-dimensional input for 3-dimensional weight', 'weight'],
  [[2, 2, 4, 3], [2, 2, 1, 3], [2], { groups: 3 }, 'expected weight to be at least 3 at dimension 0', 'groups'],
  [[2, 2, 4, 3], [2, 2, 1, 3], [2], { padding: 'same', groups: 3 }, 'expected weight to be at least 3 at dimension 0', 'groups'],
  [[2, 2, 4, 5], [2, 2, 1, 4], [2], { padding: 'same', groups: -1 }, 'non-positive groups is not supported', 'groups'],
  [[2, 2, 4, 3], [2, 2, 4, 3], [2], { padding: 'same', groups: 0 }, 'non-positive groups is not supported', 'groups'],
];

function sane() {
  const y = api.conv2d(t([1, 3, 5, 5], 1), t([1, 3, 3, 3], 1), null, {});
  assert.deepEqual(Array.from(y.data), new Array(9).fill(27), 'the module still works');
}

test("error_inputs_conv2d: PyTorch's words, the argument named, through every conv2d entry point", () => {
  for (const [x, w, b, kw, regex, arg] of ERROR_INPUTS_CONV2D) {
    const calls = {
      conv2d: () => api.conv2d(t(x), t(w), t(b), kw),
      conv2dTrace: () => api.conv2dTrace(t(x), t(w), t(b), kw),
      // PyTorch's unbatched form of the same input (one image) fails the same way
      unbatched: () => api.conv2d(t(x.slice(1)), t(w), t(b), kw),
    };
    for (const [name, call] of Object.entries(calls)) {
      assert.throws(call, (e) => {
        assert.ok(e instanceof Error && !(e instanceof WebAssembly.RuntimeError), `${name}: a plain Error`);
        assert.ok(e.message.includes(regex), `${name}: "${e.message}" lacks "${regex}"`);
        assert.equal(e.arg, arg, `${name}: ${e.message}`);
        assert.ok(e.message.startsWith(`${arg}: `), e.message);
        return true;
      });
      sane();
    }
  }
});

test('a negative padding is reported before a channel mismatch, as PyTorch does', () => {
  const e = (kw) => {
    try {
      api.conv2d(t([1, 1, 4, 4]), t([1, 2, 3, 3]), null, kw);
    } catch (err) {
      return err;
    }
    assert.fail('accepted');
  };
  assert.equal(e({ padding: -1, stride: 0 }).arg, 'padding');
  assert.equal(e({ stride: 0, dilation: 0 }).arg, 'stride');
  const m = e({});
  assert.equal(m.arg, 'weight');
  assert.match(m.message, /expected input\[1, 1, 4, 4\] to have 2 channels, but got 1 channels instead/);
});

test('every Error carries .arg and .kind', () => {
  const x = () => t([1, 2, 4, 4]);
  const cases = [
    [() => api.conv2d(x(), t([1, 2, 3, 3]), null, { stride: 0 }), 'stride', 'InvalidValue'],
    [() => api.conv2d(x(), t([1, 2, 3, 3]), null, { stride: 1.5 }), 'stride', 'InvalidValue'],
    [() => api.conv2d(x(), t([1, 2, 3, 3]), null, { paddingMode: 'mirror' }), 'padding_mode', 'InvalidValue'],
    [() => api.conv2d(x(), t([1, 2, 3, 3]), null, 7), 'options', 'InvalidValue'],
    [() => api.conv2d(x(), t([1, 3, 3, 3]), null, {}), 'weight', 'Shape'],
    [() => api.conv2d(x(), t([1, 2, 3, 3]), t([2]), {}), 'bias', 'Shape'],
    [() => api.conv2d(x(), t([1, 2, 5, 5]), null, {}), 'kernel_size', 'OutputTooSmall'],
    [() => api.conv2d(x(), t([1, 2, 3, 3]), null, { padding: 4, paddingMode: 'reflect' }), 'padding', 'PaddingTooLarge'],
    [() => api.conv2d(x(), t([1, 2, 3, 3]), null, { padding: 5, paddingMode: 'circular' }), 'padding', 'PaddingTooLarge'],
    [() => api.conv2d(t([1, 2, 4, 4], NaN), t([1, 2, 3, 3]), null, {}), 'input', 'NonFinite'],
    [() => api.conv2d({ shape: [1, 2, 4096, 4097], data: [] }, t([1, 2, 3, 3]), null, {}), 'input', 'TooLarge'],
    [() => api.convTranspose2d(x(), t([2, 1, 3, 3]), null, { stride: 2, outputPadding: 2 }), 'output_padding', 'InvalidValue'],
    [() => api.convTranspose2d(x(), t([2, 1, 3, 3]), null, { stride: 2, padding: 1, outputSize: [11, 11] }), 'output_size', 'InvalidValue'],
    [() => api.convTranspose2d(t([1, 1, 1, 1]), t([1, 1, 1, 1]), null, { padding: 1 }), 'padding', 'OutputTooSmall'],
    [() => api.unfold(t([1, 1, 2, 2]), { kernelSize: 3 }), 'kernel_size', 'OutputTooSmall'],
    [() => api.fold(t([1, 5, 4]), { kernelSize: 2, outputSize: 3 }), 'kernel_size', 'Shape'],
    [() => api.fold(t([1, 4, 4]), { kernelSize: 2 }), 'output_size', 'InvalidValue'],
    [() => api.conv2dOutputSize({ inputSize: [4, 4], kernelSize: 5 }), 'kernel_size', 'OutputTooSmall'],
    [() => api.defaultInit({ kind: 'dense', inChannels: 1, outChannels: 1, kernelSize: 1 }), 'kind', 'InvalidValue'],
    [() => new api.Conv2d(t([1, 3, 3, 3]), null, { groups: 2 }), 'groups', 'InvalidValue'],
    [() => new api.Conv2d(t([1, 3, 3, 3]), null, {}).forwardData(new Float32Array(75), 0, 25), 'height', 'InvalidValue'],
    [() => api.conv2dTrace(x(), t([1, 2, 3, 3]), null, {}).steps(0, 0, 9, 0), 'oh', 'InvalidValue'],
  ];
  for (const [call, arg, kind] of cases) {
    assert.throws(call, (e) => {
      assert.ok(e instanceof Error, String(e));
      assert.deepEqual([e.arg, e.kind], [arg, kind], e.message);
      assert.ok(e.message.startsWith(`${arg}: `), e.message);
      return true;
    });
    sane();
  }
});
