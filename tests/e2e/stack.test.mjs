// The Stack tab (#19) in headless Chromium: the three presets (7×7 from 27 weights vs 49, 15×15
// from 27, conv then pool), hovering an output cell retraces it, typed stacks (a complete one
// applies, a half-typed one does not; a refusal names the layer), the link, Predict first, Copy as
// PyTorch, screenshots at 1280×800 and 390×844, no console errors.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, openMode, pauseAtStart, cellPoint, SCREENSHOTS } from './helpers.mjs';

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.close();
});

const data = (page, sel, key) => page.locator(sel).evaluate((el, k) => el.dataset[k], key);
const layersField = (page) => page.getByLabel('layers', { exact: true });

async function openStack(opts = {}) {
  const o = await app.open(opts);
  await openMode(o.page, 'stack');
  await pauseAtStart(o.page);
  return o;
}

async function choose(page, id) {
  await page.locator('#preset').selectOption(id);
  await page.waitForFunction((p) => document.querySelector('#presets').dataset.preset === p, id);
}

test('the presets: 7×7 from 27 weights (one 7×7 conv: 49), 15×15 from 27, conv then pool', async () => {
  const { page, errors, close } = await openStack();
  await choose(page, 'stack-3x3');
  assert.equal(await data(page, '#stack-summary', 'rf'), '7,7');
  assert.equal(await data(page, '#stack-summary', 'params'), '27');
  assert.equal(await data(page, '#stack-summary', 'single'), '49');
  assert.match(await page.locator('#stack-summary').textContent(), /Receptive field 7×7 from 27 weights.*would need 49/);
  assert.equal(await page.locator('#output-shape').textContent(), 'torch.Size([1, 1, 3, 3])');
  assert.equal(await page.locator('#stack-rows tr').count(), 4); // three layers and the total
  assert.deepEqual(await page.locator('#stack-rows tr[data-layer="3"] td.rf').textContent(), '7×7');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'stack-3x3.png'), fullPage: true });

  await choose(page, 'stack-dilated');
  assert.equal(await data(page, '#stack-summary', 'rf'), '15,15');
  assert.equal(await data(page, '#stack-summary', 'params'), '27');
  assert.equal(await page.locator('#stack-rows tr[data-layer="2"] td.rf').textContent(), '7×7');

  await choose(page, 'stack-conv-pool');
  assert.equal(await data(page, '#stack-summary', 'rf'), '4,4');
  assert.equal(await data(page, '#stack-summary', 'params'), '9');
  const pool = page.locator('#stack-rows tr[data-layer="2"]');
  assert.match(await pool.textContent(), /MaxPool2d/);
  assert.equal(await pool.locator('td.params').textContent(), '0');
  assert.deepEqual(errors, []);
  await close();
});

test('hovering an output cell traces it: the heat map of paths moves', async () => {
  const { page, errors, close } = await openStack();
  await choose(page, 'stack-3x3');
  assert.equal(await data(page, '#card-paths', 'cell'), '0,0');
  const before = await data(page, '#card-paths', 'counts');
  assert.equal(await data(page, '#card-paths', 'box'), '0,0,6,6');
  const p = await cellPoint(page, 'paths', 'grids', 3, 2, 2);
  await page.mouse.move(p.x, p.y);
  await page.waitForFunction(() => document.querySelector('#card-paths').dataset.cell === '2,2');
  assert.notEqual(await data(page, '#card-paths', 'counts'), before);
  assert.equal(await data(page, '#card-paths', 'box'), '2,2,8,8');
  const counts = JSON.parse(await data(page, '#card-paths', 'counts'));
  assert.equal(Math.max(...counts), 49); // the field's centre: 7 paths per axis (1, 3, 6, 7, 6, 3, 1)
  assert.equal(await data(page, '#card-paths', 'maxCount'), '49');
  assert.deepEqual(errors, []);
  await close();
});

test('a typed stack applies; a half-typed one does not, and a refusal names the layer', async () => {
  const { page, errors, close } = await openStack();
  await choose(page, 'stack-3x3');
  const field = layersField(page);
  // half typed: a pause leaves the picture as it was, no message yet
  await field.fill('conv k3; conv k');
  await page.waitForTimeout(1000);
  assert.equal(await data(page, '#stack-summary', 'rf'), '7,7');
  assert.equal(await page.locator('.ctl[data-param="layers"] .ctl-error').isHidden(), true);
  // committed: the message says which layer
  await field.press('Enter');
  assert.match(await page.locator('.ctl[data-param="layers"] .ctl-error').textContent(), /layers: layer 2: cannot read 'k'/);
  // a complete stack applies after a pause
  await field.fill('conv k5 s2 p2; maxpool k2 s2');
  await page.waitForFunction(() => document.querySelector('#stack-summary').dataset.rf === '7,7' && document.querySelector('#stack-summary').dataset.params === '25');
  assert.equal(await page.locator('#presets').getAttribute('data-preset'), '');
  // the core's refusal goes under the layers, naming the layer
  await field.fill('conv k3; maxpool k2 p2');
  await field.press('Enter');
  await page.locator('#status').waitFor();
  assert.match(await page.locator('.ctl[data-param="layers"] .ctl-error').textContent(), /^layer 2 \(nn.MaxPool2d\): padding: pad should be at most half/);
  assert.equal(await data(page, '#stack-summary', 'params'), '25'); // the last valid picture stays
  assert.deepEqual(errors, []);
  await close();
});

test('the link round-trips the layers', async () => {
  const { page, errors, close } = await openStack();
  await layersField(page).fill('conv k3 d2; avgpool k3 s1 p1');
  await layersField(page).press('Enter');
  await page.waitForFunction(() => /layers=conv\+k3\+s1\+p0\+d2;avgpool\+k3\+s1\+p1/.test(location.hash));
  const hash = await page.evaluate(() => location.hash.slice(1));
  const rf = await data(page, '#stack-summary', 'rf');
  assert.equal(rf, '7,7');
  const again = await app.open({ hash });
  await again.page.waitForFunction(() => document.body.dataset.mode === 'stack' && document.querySelector('#stack-summary').dataset.rf);
  assert.equal(await data(again.page, '#stack-summary', 'rf'), rf);
  assert.equal(await layersField(again.page).inputValue(), 'conv k3 s1 p0 d2; avgpool k3 s1 p1');
  assert.deepEqual(again.errors, []);
  await again.close();
  assert.deepEqual(errors, []);
  await close();
});

test('Predict first asks the last layer’s output shape; Copy as PyTorch writes the nn.Sequential', async () => {
  const { page, errors, close } = await openStack();
  await choose(page, 'stack-conv-pool');
  await page.getByRole('button', { name: 'Predict first' }).click();
  await page.locator('#quiz[data-kind="shape"]').waitFor();
  assert.ok(await page.locator('#stack-table').evaluate((e) => getComputedStyle(e).visibility === 'hidden'));
  await page.locator('#quiz-guess').fill('[1, 1, 3, 3]');
  await page.locator('#quiz-guess').press('Enter');
  await page.locator('#quiz[data-revealed="true"]').waitFor();
  assert.equal(await page.locator('#quiz').getAttribute('data-correct'), 'true');
  assert.match(await page.locator('#quiz-explain').textContent(), /layer 2 \(maxpool k2 s2 p0 d1\): H and W ⌊\(6 \+ 2·0 − 1·\(2 − 1\) − 1\) \/ 2⌋ \+ 1 = 3/);
  await page.getByRole('button', { name: 'Predict first' }).click();

  await page.locator('[data-action="show-python"]').first().click();
  const code = await page.locator('#py-code').textContent();
  assert.match(code, /model = nn.Sequential\(\n {4}nn.Conv2d\(1, 1, 3, bias=False\),\n {4}nn.MaxPool2d\(2, stride=2\),\n\)/);
  assert.match(code, /# 2 MaxPool2d \(1, 1, 3, 3\) {3}receptive field 4×4, jump 2, start 0/);
  assert.match(code, /9 \+ 0 = 9 weights; one Conv2d with a 4×4 kernel: 16/);
  assert.deepEqual(errors, []);
  await close();
});

test('a phone screen: the maps wrap, the table scrolls in its card', async () => {
  const { page, errors, close } = await openStack({ width: 390, height: 844 });
  await choose(page, 'stack-3x3');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `page width ${wide}`);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'stack-phone.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await close();
});
