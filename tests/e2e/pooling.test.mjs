// The Pooling tab (#19) in headless Chromium: nn.MaxPool2d / nn.AvgPool2d against PyTorch's own
// numbers (tests/fixtures/torch/pool.json), the indices, the divisor as count_include_pad and
// divisor_override change it, ceil_mode's partial window, −∞ padding, Copy as PyTorch, Predict
// first, screenshots, and no console errors.
// Run: node --test tests/e2e/pooling.test.mjs   (needs www/pkg from `make build` and /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, pauseAtStart, openMode, setParam, ROOT, SCREENSHOTS } from './helpers.mjs';

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.close();
});

const FIXTURE = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/fixtures/torch/pool.json'), 'utf8'));
const dataset = (page, sel, key) => page.locator(sel).evaluate((el, k) => el.dataset[k], key);
const json = async (page, sel, key) => JSON.parse(await dataset(page, sel, key));
const text = (page, sel) => page.locator(sel).textContent();
const close = (a, b, tol = 1e-5) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tol * (1 + Math.abs(b[i])));
const pair = (v) => (v[0] === v[1] ? `${v[0]}` : `${v[0]},${v[1]}`);

/** A link that puts a fixture case (batch of one) on the page: its arguments and every input value. */
function caseLink(c) {
  const [, ch, h, w] = c.input.shape;
  const a = c.args;
  const edits = [];
  c.input.data.forEach((v, i) => {
    if (v !== 0) edits.push(`${Math.floor(i / (h * w))}.${Math.floor(i / w) % h}.${i % w}:${v}`);
  });
  const q = [`mode=pooling`, `pool=${c.op === 'max_pool2d' ? 'max' : 'avg'}`, `in_channels=${ch}`, `height=${h}`, `width=${w}`,
    `kernel_size=${pair(a.kernel_size)}`, `pool_stride=${a.stride ? pair(a.stride) : 'None'}`, `padding=${pair(a.padding)}`,
    `dilation=${a.dilation ? pair(a.dilation) : '1'}`, `ceil_mode=${a.ceil_mode ? 1 : 0}`, 'return_indices=1', 'input=pasted~1'];
  if (c.op === 'avg_pool2d') q.push(`count_include_pad=${a.count_include_pad ? 1 : 0}`, `divisor_override=${a.divisor_override ?? 'None'}`);
  if (edits.length) q.push(`set_input=${edits.join(';')}`);
  return q.join('&');
}

test('PyTorch\'s numbers: outputs and indices of MaxPool2d, outputs of AvgPool2d (pool.json, batch of one)', async () => {
  const cases = FIXTURE.cases.filter((c) => c.input.shape.length === 4 && c.input.shape[0] === 1 && c.input.data.length <= 256);
  const picked = [...cases.filter((c) => c.op === 'max_pool2d').slice(0, 6), ...cases.filter((c) => c.op === 'avg_pool2d').slice(0, 8)];
  assert.ok(picked.length >= 10);
  const { page, errors, close: done } = await app.open({ hash: caseLink(picked[0]) });
  for (const c of picked) {
    await page.evaluate((h) => { location.hash = h; }, caseLink(c));
    const want = c.expected.output ?? c.expected;
    await page.waitForFunction((s) => document.querySelector('#card-pool-output')?.dataset.shape === s, want.shape.join(','), { timeout: 5000 });
    await page.waitForFunction((d) => document.querySelector('#card-pool-output').dataset.values !== undefined && document.querySelector('#card-pool-input').dataset.values === d,
      `[${c.input.data.map((v) => String(v)).join(',')}]`).catch(() => {});
    const got = await json(page, '#card-pool-output', 'values');
    assert.ok(close(got, want.data), `${c.name}: ${got} vs ${want.data}`);
    if (c.expected.indices) assert.deepEqual(await json(page, '#card-pool-output', 'indices'), c.expected.indices.data, c.name);
  }
  assert.deepEqual(errors, []);
  await done();
});

test('MaxPool2d: ties go to the first cell, padding is −∞, the index is written out; Copy as PyTorch', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'mode=pooling&in_channels=1&height=4&width=4&kernel_size=2&return_indices=1&input=ones~1' });
  await pauseAtStart(page);
  assert.equal(await text(page, '#module-repr'), 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
  assert.equal(await text(page, '#output-shape'), 'torch.Size([1, 1, 2, 2])');
  assert.deepEqual(await json(page, '#card-pool-output', 'indices'), [0, 2, 8, 10]);
  assert.match(await text(page, '#pool-window'), /index 0·4 \+ 0 = 0 \(ties: the first/);
  assert.equal(await dataset(page, '#pool-shape', 'params'), '0');
  assert.equal(await dataset(page, '#pool-shape', 'receptiveField'), '2,2,2,2');
  await setParam(page, 'padding', '1');
  await page.waitForFunction(() => document.querySelector('#output-shape').textContent === 'torch.Size([1, 1, 3, 3])');
  await pauseAtStart(page);
  assert.match(await text(page, '#pool-window'), /max\(1, 3× −∞\) = 1/);
  assert.equal(await dataset(page, '#pool-window', 'kinds'), 'pppi');
  await page.locator('[data-action="show-python"]').click();
  await page.waitForFunction(() => document.querySelector('#py-code').textContent.startsWith('import torch'));
  const code = await text(page, '#py-code');
  assert.match(code, /pool = nn\.MaxPool2d\(2, padding=1, return_indices=True\)\ny, indices = pool\(x\)/);
  assert.match(code, /# indices\[0, 0\] =/);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'pooling-max-1280x800.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await done();
});

test('AvgPool2d: count_include_pad and divisor_override change the divisor visibly', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'mode=pooling&pool=avg&in_channels=1&kernel_size=3&pool_stride=1&padding=1&input=ones~1' });
  await pauseAtStart(page);
  assert.equal(await dataset(page, '#pool-window', 'divisor'), '9');
  assert.match(await text(page, '#pool-window'), /\/ 9 = 0\.44.*count_include_pad=True: the 4 input cells and 5 padding zeros count/);
  await page.getByLabel('count_include_pad', { exact: true }).click();
  await page.waitForFunction(() => document.querySelector('#pool-window').dataset.divisor === '4');
  assert.match(await text(page, '#pool-window'), /count_include_pad=False: only the 4 input cells count, not the 5 padding zeros/);
  assert.equal((await json(page, '#card-pool-output', 'values')).every((v) => v === 1), true);
  await setParam(page, 'divisor_override', '2');
  await page.waitForFunction(() => document.querySelector('#pool-window').dataset.divisor === '2');
  assert.match(await text(page, '#pool-window'), /divisor_override=2 replaces the count/);
  assert.equal(await text(page, '#module-repr'), 'AvgPool2d(kernel_size=3, stride=1, padding=1, count_include_pad=False, divisor_override=2)');
  await page.locator('[data-action="show-python"]').click();
  await page.waitForFunction(() => /AvgPool2d/.test(document.querySelector('#py-code').textContent));
  assert.match(await text(page, '#py-code'), /nn\.AvgPool2d\(3, stride=1, padding=1, count_include_pad=False, divisor_override=2\)/);
  // AvgPool2d has no dilation: the message stands under it
  await setParam(page, 'dilation', '2');
  await page.waitForFunction(() => /no dilation/.test(document.querySelector('.ctl[data-param="dilation"] .ctl-error')?.textContent ?? ''));
  assert.deepEqual(errors, []);
  await done();
});

test('ceil_mode: the partial window hangs past the input, and the formula says why', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'mode=pooling&in_channels=1&kernel_size=2&input=arange~1' });
  await pauseAtStart(page);
  assert.equal(await text(page, '#output-shape'), 'torch.Size([1, 1, 2, 2])');
  await page.getByLabel('ceil_mode', { exact: true }).click();
  await page.waitForFunction(() => document.querySelector('#output-shape').textContent === 'torch.Size([1, 1, 3, 3])');
  assert.equal(await dataset(page, '#card-pool-input', 'overhang'), '1,1');
  assert.match(await text(page, '#pool-shape'), /H_out = ⌈\(5 \+ 2·0 − 1·\(2 − 1\) − 1\) \/ 2⌉ \+ 1 = 3 \(ceil_mode/);
  await page.locator('[data-action="end"]').click();
  await page.waitForFunction(() => document.querySelector('#pool-window').dataset.kinds === 'iooo');
  assert.match(await text(page, '#pool-window'), /max\(24\) = 24.*ceil_mode: 3 cells of this window lie past the padded input/);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'pooling-ceil-1280x800.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await done();
});

test('Predict first asks the output shape; the tab opens at 390 px with no console errors', async () => {
  const { page, errors, close: done } = await app.open({ width: 390, height: 844 });
  await openMode(page, 'pooling');
  await page.waitForFunction(() => document.querySelector('#card-pool-output')?.dataset.shape === '1,3,1,1');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'pooling-390x844.png'), fullPage: true });
  await page.locator('#quiz-toggle').click();
  await page.waitForFunction(() => document.body.classList.contains('quiz-hiding'));
  assert.equal(await page.locator('#pool-window').evaluate((e) => getComputedStyle(e).visibility), 'hidden');
  await page.locator('#quiz-guess').fill('[1, 3, 1, 1]');
  await page.locator('#quiz-guess').press('Enter');
  await page.waitForFunction(() => document.querySelector('#quiz').dataset.correct === 'true');
  assert.deepEqual(errors, []);
  await done();
});
