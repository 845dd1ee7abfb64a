// The Conv2d tab's cross-correlation / convolution switch (#19) in headless Chromium: the two
// buttons toggle ui.flip, the link round-trips (conv=flip), a malformed value gives the notice, the
// weights card draws flip(w), the check says the true convolution equals F.conv2d with flip(w),
// the dot product pairs the footprint with flip(w), Copy as PyTorch's lines, no console errors.
// Run: node --test tests/e2e/flip.test.mjs   (needs www/pkg from `make build` and /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, pauseAtStart, SCREENSHOTS } from './helpers.mjs';

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.close();
});

const dataset = (page, sel, key) => page.locator(sel).evaluate((el, k) => el.dataset[k] ?? null, key);
const json = async (page, sel, key) => JSON.parse(await dataset(page, sel, key));
const hashOf = (page) => page.evaluate(() => location.hash);

/** flip(w) of a weight [C_out, C_in/g, kh, kw] given as a flat array. */
function flip(data, kh, kw) {
  const out = [];
  for (let k = 0; k < data.length / (kh * kw); k++) {
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) out.push(data[(k * kh + kh - 1 - i) * kw + kw - 1 - j]);
  }
  return out;
}

test('the switch: toggles, draws flip(w), checks y against F.conv2d with flip(w), and the link round-trips', async () => {
  const { page, errors, close } = await app.open({ hash: 'kernel_size=3&stride=1&padding=1&weight=random~5' });
  await pauseAtStart(page);
  const xcorr = page.locator('[data-conv="xcorr"]');
  const conv = page.locator('[data-conv="flip"]');
  assert.equal(await xcorr.getAttribute('aria-pressed'), 'true');
  assert.equal(await conv.getAttribute('aria-pressed'), 'false');
  assert.equal(await page.locator('#flip-check').isHidden(), true);
  assert.equal(await dataset(page, '#card-weights', 'flip'), 'false');
  const w = await json(page, '#card-weights', 'values');
  const yCorr = await json(page, '#card-output', 'values');

  await conv.click();
  await page.waitForFunction(() => document.querySelector('#card-weights').dataset.flip === 'true');
  assert.equal(await conv.getAttribute('aria-pressed'), 'true');
  assert.equal(await xcorr.getAttribute('aria-pressed'), 'false');
  // the layer's weight stays; the view draws flip(w)
  assert.deepEqual(await json(page, '#card-weights', 'values'), w);
  assert.deepEqual(await json(page, '#card-weights', 'flippedValues'), flip(w, 3, 3));
  const check = page.locator('#flip-check');
  assert.equal(await check.isVisible(), true);
  assert.equal(await check.getAttribute('data-equal'), 'true');
  assert.match(await check.textContent(), /true convolution with w .* = cross-correlation with flip\(w\).*the same y, cell for cell/);
  const yConv = await json(page, '#card-output', 'values');
  assert.ok(yConv.some((v, i) => Math.abs(v - yCorr[i]) > 1e-3), 'a random kernel: the true convolution differs from the cross-correlation');
  // the dot product pairs the footprint with flip(w): its first term's weight is w[…, 2, 2]
  await page.waitForFunction(() => document.querySelector('#dot-product .dp-head')?.textContent.includes('x[n − a]'));
  const firstW = Number(await page.locator('#dot-product .term').first().getAttribute('data-w'));
  assert.equal(firstW, w[8]);
  await page.waitForFunction(() => location.hash.includes('conv=flip'));
  const hash = await hashOf(page);
  await page.locator('#card-weights').screenshot({ path: path.join(SCREENSHOTS, 'flip-weights.png') });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'flip-page.png') });

  // read back exactly from the link
  const again = await app.open({ hash: hash.slice(1) });
  await again.page.waitForFunction(() => document.querySelector('#card-weights')?.dataset.flip === 'true');
  assert.equal(await again.page.locator('[data-conv="flip"]').getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await json(again.page, '#card-output', 'values'), yConv);
  assert.equal(await again.page.locator('#flip-check').getAttribute('data-equal'), 'true');
  assert.deepEqual(again.errors, []);
  await again.close();

  await xcorr.click();
  await page.waitForFunction(() => document.querySelector('#card-weights').dataset.flip === 'false');
  assert.equal(await page.locator('#flip-check').isHidden(), true);
  assert.equal(await dataset(page, '#card-weights', 'flippedValues'), null);
  assert.deepEqual(await json(page, '#card-output', 'values'), yCorr);
  await page.waitForFunction(() => !location.hash.includes('conv='));
  assert.deepEqual(errors, []);
  await close();
});

test('the switch: a malformed conv= gives the notice and the defaults', async () => {
  const { page, errors, close } = await app.open({ hash: 'kernel_size=3&conv=flipped' });
  await page.waitForFunction(() => /conv: expected 'flip' or 'xcorr'/.test(document.body.textContent));
  assert.equal(await dataset(page, '#card-weights', 'flip'), 'false');
  assert.deepEqual(errors, []);
  await close();
});

test('the switch: Copy as PyTorch writes torch.flip and the allclose check while it is on', async () => {
  const { page, errors, close } = await app.open({ hash: 'kernel_size=3&padding=1&conv=flip' });
  await page.waitForFunction(() => document.querySelector('#card-weights')?.dataset.flip === 'true');
  await page.locator('[data-action="show-python"]').first().click();
  const code = await page.locator('#py-code').textContent();
  assert.ok(code.includes('w_flipped = torch.flip(c.weight, dims=(2, 3))'), code);
  assert.ok(code.includes('print(torch.allclose(F.conv2d(x, w_flipped, c.bias, padding=1), y_def, atol=1e-5))'), code);
  assert.deepEqual(errors, []);
  await close();
});
