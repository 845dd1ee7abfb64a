// The lecture note's examples, reproduced from the page as it opens with clicks and typing only
// (no URL editing), each in at most 4 actions, asserting what the lecture prints.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, setParam, SCREENSHOTS } from './helpers.mjs';

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app.close();
});

const text = (page, sel) => page.locator(sel).textContent();
const shapeIs = (page, want) => page.waitForFunction((w) => document.querySelector('#output-shape').textContent === w, want);
/** The shape chain's row of the weight: torch.Size([...]). */
const weightShape = (page) => page.locator('#shapes tr').filter({ has: page.locator('th', { hasText: /^weight$/ }) }).locator('.size').textContent();

test('Conv2d(3, 1, 3) on torch.ones(1, 3, 5, 5): weight [1, 3, 3, 3], output [1, 1, 3, 3] (1 action)', async () => {
  const { page, errors, close } = await app.open();
  await page.locator('#card-input [data-fill="ones"]').click(); // 1: x = torch.ones(1, 3, 5, 5)
  await page.waitForFunction(() => JSON.parse(document.querySelector('#card-input').dataset.values).every((v) => v === 1));
  assert.equal(await text(page, '#module-repr'), 'Conv2d(3, 1, kernel_size=(3, 3), stride=(1, 1))', 'nn.Conv2d(3, 1, 3), bias included');
  assert.equal(await text(page, '#input-shape'), 'torch.Size([1, 3, 5, 5])');
  assert.equal(await text(page, '#output-shape'), 'torch.Size([1, 1, 3, 3])');
  assert.equal(await weightShape(page), 'torch.Size([1, 3, 3, 3])');
  assert.match(await text(page, '#shapes .f-params'), /= 28$/, '27 weights + 1 bias');
  assert.deepEqual(errors, []);
  await close();
});

test('pre-trained all-ones weights, no bias, on ones: every output is 27 (3 actions)', async () => {
  const { page, errors, close } = await app.open();
  await page.locator('#card-input [data-fill="ones"]').click(); // 1: x = torch.ones
  await page.locator('#card-weights [data-fill="ones"]').click(); // 2: the weights all ones
  await page.getByLabel('bias', { exact: true }).uncheck(); // 3: bias=False
  await page.waitForFunction(() => document.querySelector('#module-repr').textContent.endsWith('bias=False)'));
  const values = JSON.parse(await page.locator('#card-output').getAttribute('data-values'));
  assert.deepEqual(values, new Array(9).fill(27));
  assert.match(await text(page, '#dot-product .dp-total'), /^= 27$/, 'the sum is the output: written once');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'lecture-27-1280x800.png') });
  assert.deepEqual(errors, []);
  await close();
});

test('Conv2d(1, 2, 3, stride=2, padding=1) → [1, 2, 3, 3], then its ConvTranspose2d with output_size back to [1, 1, 5, 5] (4 + 1 actions)', async () => {
  const { page, errors, close } = await app.open();
  await setParam(page, 'in_channels', '1');
  await setParam(page, 'out_channels', '2');
  await setParam(page, 'stride', '2');
  await setParam(page, 'padding', '1');
  await shapeIs(page, 'torch.Size([1, 2, 3, 3])');
  assert.equal(await text(page, '#module-repr'), 'Conv2d(1, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))');
  await page.locator('[data-mode-tab="convTranspose2d"]').click();
  await shapeIs(page, 'torch.Size([1, 1, 5, 5])');
  assert.equal(await text(page, '#module-repr'), 'ConvTranspose2d(2, 1, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))(y, output_size=(5, 5))');
  assert.equal(await text(page, '#input-shape'), 'torch.Size([1, 2, 3, 3])', 'its input is the Conv2d\'s output');
  assert.match(await text(page, '#mode-note'), /^The transposed layer of your Conv2d\(1, 2, kernel_size=\(3, 3\), stride=\(2, 2\), padding=\(1, 1\)\)/);
  assert.equal(await page.locator('#roundtrip').getAttribute('data-x-shape'), '1,1,5,5', 'the round trip starts from the Conv2d\'s 5×5');
  assert.equal(await page.locator('#roundtrip').getAttribute('data-restores'), 'true');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'lecture-roundtrip-1280x800.png') });
  // and back: the Conv2d whose transposed layer this is
  await page.locator('[data-mode-tab="conv2d"]').click();
  await page.waitForFunction(() => document.querySelector('#module-repr').textContent.startsWith('Conv2d(1, 2,'));
  assert.equal(await text(page, '#input-shape'), 'torch.Size([1, 1, 5, 5])');
  await shapeIs(page, 'torch.Size([1, 2, 3, 3])');
  assert.deepEqual(errors, []);
  await close();
});
