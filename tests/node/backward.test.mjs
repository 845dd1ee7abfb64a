// The Backward tab's pure parts: the losses' values and ∂L/∂y (PyTorch's definitions), the SGD
// step's float32 rounding, the autograd code, and the loss / lr links.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lossGrad, lossValue, sgdStep, lossTensor } from '../../www/modes/backward/loss.js';
import { pythonCode } from '../../www/lib/python.js';
import { fromHash, toHash, defaultState, parseLr } from '../../www/lib/state.js';

const t = (shape, data) => ({ shape, data: Float32Array.from(data) });

test('losses: y.sum(), (y * g).sum(), mse — values and ∂L/∂y', () => {
  const y = t([1, 1, 2, 2], [1, 2, 3, 4]);
  assert.equal(lossValue('sum', y, null), 10);
  assert.deepEqual(Array.from(lossGrad('sum', y, null).data), [1, 1, 1, 1]);
  const g = t([1, 1, 2, 2], [1, 0, -1, 2]);
  assert.equal(lossValue('weighted', y, g), 6);
  assert.deepEqual(Array.from(lossGrad('weighted', y, g).data), [1, 0, -1, 2]);
  const tt = t([1, 1, 2, 2], [0, 2, 2, 2]);
  assert.equal(lossValue('mse', y, tt), (1 + 0 + 1 + 4) / 4);
  assert.deepEqual(Array.from(lossGrad('mse', y, tt).data), [0.5, 0, 0.5, 1]);
  assert.equal(lossTensor('sum', [1, 1, 2, 2]), null);
  assert.deepEqual(lossTensor('weighted', [1, 1, 2, 2]).shape, [1, 1, 2, 2]);
});

test('sgdStep: p − fround(fround(lr)·grad), in float32', () => {
  const s = sgdStep(t([2], [1, 0.5]), t([2], [3, -1]), 0.1);
  assert.deepEqual(Array.from(s.data), [Math.fround(1 - Math.fround(Math.fround(0.1) * 3)), Math.fround(0.5 + Math.fround(0.1))]);
});

test('the autograd code: requires_grad_, the loss, backward, every grad, one SGD step', () => {
  const code = pythonCode({
    backward: true,
    args: { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1, bias: true, padding_mode: 'zeros' },
    loss: 'mse',
    input: t([1, 1, 3, 3], Array(9).fill(1)),
    weight: t([1, 1, 2, 2], [1, 2, 3, 4]),
    bias: t([1], [0.5]),
    aux: t([1, 1, 2, 2], [0, 1, 0, 1]),
    output: t([1, 1, 2, 2], [10.5, 10.5, 10.5, 10.5]),
    lossValue: 100,
    gradInput: t([1, 1, 3, 3], Array(9).fill(0)),
    gradWeight: t([1, 1, 2, 2], [1, 1, 1, 1]),
    gradBias: t([1], [4]),
    lr: 0.1,
    lossAfter: 50,
  });
  for (const s of ['x.requires_grad_()', 'conv = nn.Conv2d(1, 1, 2)', 'conv.weight.copy_(', 'conv.bias.copy_(', 't = ', 'loss = F.mse_loss(y, t)',
    'loss.backward()', 'print(x.grad)', 'print(conv.weight.grad)', 'print(conv.bias.grad)  # [4]', 'lr = 0.1', 'conv.bias -= lr * conv.bias.grad']) {
    assert.ok(code.includes(s), s);
  }
  assert.throws(() => pythonCode({ backward: true, loss: 'huber' }), /loss must be one of/);
});

test('links: loss= and lr= round-trip, defaults are not written, bad values refused', () => {
  const s = defaultState();
  assert.ok(!toHash(s).includes('loss='));
  s.mode = 'backward';
  s.ui.loss = 'mse';
  s.ui.lr = 0.05;
  const back = fromHash(toHash(s), ['conv2d', 'backward']);
  assert.equal(back.notice, null);
  assert.equal(back.state.ui.loss, 'mse');
  assert.equal(back.state.ui.lr, 0.05);
  assert.match(fromHash('mode=backward&loss=l1', ['backward']).notice, /loss: expected/);
  assert.equal(parseLr('1e-3').value, 0.001);
  assert.equal(parseLr('-1').ok, false);
  assert.equal(parseLr('nan').ok, false);
});
