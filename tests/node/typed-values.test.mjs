// What a typed value means and where a refusal goes (issue #17): output_size as PyTorch takes it
// (`input.size()`: the last two of four entries), which argument a message is shown under, and
// why a greyed-out slider is pinned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseParam } from '../../www/lib/state.js';
import { blameParam } from '../../www/lib/blame.js';
import { checkModule } from '../../www/modes/common.js';
import { pinnedReason } from '../../www/controls/controls.js';
import api from './pkg.mjs';

test("output_size takes what ConvTranspose2d.forward takes: input.size() uses its last two entries", () => {
  for (const text of ['torch.Size([1, 1, 5, 5])', '(1, 1, 5, 5)', '[1,1,5,5]', '1, 1, 5, 5', 'torch.Size((1, 3, 5, 5))', '(2, 8, 5, 5,)']) {
    assert.deepEqual(parseParam('output_size', text), { ok: true, value: [5, 5] }, text);
  }
  assert.deepEqual(parseParam('output_size', 'torch.Size([1, 1, 6, 7])').value, [6, 7]);
  assert.deepEqual(parseParam('output_size', 'torch.Size([6, 7])').value, [6, 7]);
  // what it took before stays
  assert.deepEqual(parseParam('output_size', '(5, 7)').value, [5, 7]);
  assert.deepEqual(parseParam('output_size', '5').value, [5, 5]);
  assert.equal(parseParam('output_size', 'None').value, null);
  // three entries: PyTorch's own refusal for a batched input; the cap still holds on the last two
  assert.equal(parseParam('output_size', '(1, 5, 5)').message, 'output_size: ConvTranspose2D: for 2D input, output_size must have 2 or 4 elements (got 3)');
  assert.match(parseParam('output_size', 'torch.Size([1, 1, 5, 2000])').message, /at most 1024 \(got 2000\)/);
  assert.match(parseParam('output_size', 'torch.Size([1, 1, 5, 5]').message, /^output_size: expected None or a tuple of 2 ints/);
  assert.match(parseParam('output_size', 'six').message, /^output_size: expected None or a tuple of 2 ints/);
});

test('a value past the cap is marked tooLarge (typing more cannot mend it); half-typed text is not', () => {
  assert.equal(parseParam('height', '99999').tooLarge, true);
  assert.equal(parseParam('kernel_size', '3, 99').tooLarge, true);
  assert.equal(parseParam('height', '2.').tooLarge, undefined);
  assert.equal(parseParam('stride', '(3,').tooLarge, undefined);
});

test('a divisibility message is shown under the channel count it names, whatever was edited last', () => {
  const p = { in_channels: 1, out_channels: 1, height: 5, width: 5, groups: 2 };
  for (const last of ['out_channels', 'groups', 'in_channels', null]) {
    assert.throws(() => checkModule(p, last), (e) => e.message === 'in_channels must be divisible by groups' && e.param === 'in_channels');
  }
  assert.throws(() => checkModule({ ...p, in_channels: 2, out_channels: 3 }), (e) => e.param === 'out_channels');
  // the wasm core words the same check naming groups: the message's own subject still wins
  assert.equal(blameParam('groups: in_channels must be divisible by groups (in_channels=1, groups=2)', 'out_channels'), 'in_channels');
});

test("an error goes under its own argument: e.arg when the core gives it, else its '<arg>:' prefix", () => {
  const withArg = Object.assign(new Error('non-positive stride is not supported (got [0, 1])'), { arg: 'stride' });
  assert.equal(blameParam(withArg, 'height'), 'stride');
  assert.equal(blameParam('stride: non-positive stride is not supported (got [0, 1])', 'height'), 'stride');
  assert.equal(blameParam('output_size: requested an output size of [9, 9]', 'kernel_size'), 'output_size');
  // a message naming no argument of the page: where the learner is, else kernel_size
  assert.equal(blameParam('input: data does not match shape', 'height'), 'height');
  assert.equal(blameParam('something broke', null), 'kernel_size');
});

test('a conflict between arguments goes under the one just edited only when it is one of them', () => {
  let kernel;
  try {
    api.conv2dOutputSize({ inputSize: [2, 2], kernelSize: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], paddingMode: 'zeros' });
  } catch (e) {
    kernel = e;
  }
  assert.match(kernel.message, /^kernel_size: .*Kernel size can't be greater than actual input size/);
  assert.equal(blameParam(kernel, 'height'), 'height');
  assert.equal(blameParam(kernel, 'dilation'), 'dilation');
  assert.equal(blameParam(kernel, 'bias'), 'kernel_size', 'bias has nothing to do with it');
  assert.equal(blameParam(kernel, 'out_channels'), 'kernel_size');
  assert.equal(blameParam(kernel, null), 'kernel_size');
});

test('a pinned slider says why', () => {
  const params = { in_channels: 3, out_channels: 1, groups: 1, padding: [0, 0], stride: [1, 1], dilation: [1, 1] };
  assert.equal(pinnedReason('groups', null, [1], params), 'groups must divide in_channels (3) and out_channels (1): only 1 fits.');
  assert.equal(pinnedReason('in_channels', null, [8], { ...params, groups: 8 }), 'in_channels must be a multiple of groups (8), at most 8: only 8 fits.');
  assert.match(pinnedReason('padding', 0, [], { ...params, padding: 'same' }), /^padding='same' picks the halo itself/);
  assert.match(pinnedReason('stride', 1, [1], { ...params, padding: 'same' }), /padding='same' is not supported for strided convolutions: only 1 fits/);
  assert.equal(pinnedReason('output_padding', 0, [0], params), 'output_padding must be smaller than stride or dilation (1): only 0 fits.');
  assert.equal(pinnedReason('output_size', 0, [7], params), 'output_size may exceed the smallest output by less than stride or dilation (1): only 7 fits.');
  assert.equal(pinnedReason('kernel_size', 1, [1], params), 'only 1 fits with the other arguments as they are.');
});
