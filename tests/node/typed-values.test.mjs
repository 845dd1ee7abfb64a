// What a typed value means and where a refusal goes (issue #17): output_size as PyTorch takes it
// (`input.size()`: the last two of four entries), which argument a message is shown under, and
// why a greyed-out slider is pinned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseParam } from '../../www/lib/state.js';

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
