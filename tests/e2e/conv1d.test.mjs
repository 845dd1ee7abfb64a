// The Conv1d tab (#19) in headless Chromium: nn.Conv1d against PyTorch's own numbers
// (tests/fixtures/torch/conv1d.json, batch of one, the `causal-*` cases through the causal switch),
// the causal switch's left-only halo, the dot product, Copy as PyTorch, Predict first, 390 px, and
// no console errors.
// Run: node --test tests/e2e/conv1d.test.mjs   (needs www/pkg from `make build` and /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, pauseAtStart, openMode, ROOT, SCREENSHOTS } from './helpers.mjs';

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.close();
});

const FIXTURE = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/fixtures/torch/conv1d.json'), 'utf8'));
const dataset = (page, sel, key) => page.locator(sel).evaluate((el, k) => el.dataset[k], key);
const json = async (page, sel, key) => JSON.parse(await dataset(page, sel, key));
const text = (page, sel) => page.locator(sel).textContent();
const close = (a, b, tol = 1e-5) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tol * (1 + Math.abs(b[i])));

const causalPad = (c) => (c.weight.shape[2] - 1) * c.args.dilation;

/** A link that puts a fixture case (batch of one) on the page; a `causal-*` case's input loses its left zeros. */
function caseLink(c) {
  const causal = c.name.startsWith('causal');
  const [, ch, lp] = c.input.shape;
  const cp = causal ? causalPad(c) : 0;
  const l = lp - cp;
  const [cout, cinG, k] = c.weight.shape;
  const a = c.args;
  const set = [];
  for (let ci = 0; ci < ch; ci++) {
    for (let t = 0; t < l; t++) {
      const v = c.input.data[ci * lp + cp + t];
      if (v !== 0) set.push(`${ci}.0.${t}:${v}`);
    }
  }
  const w = [];
  c.weight.data.forEach((v, i) => {
    if (v !== 0) w.push(`${Math.floor(i / (cinG * k))}.${Math.floor(i / k) % cinG}.0.${i % k}:${v}`);
  });
  const q = ['mode=conv1d', `in_channels=${ch}`, `out_channels=${cout}`, `width=${l}`, `kernel_size=${k}`, `stride=${a.stride}`,
    `padding=${a.padding}`, `dilation=${a.dilation}`, `groups=${a.groups}`, `padding_mode=${a.padding_mode}`,
    `bias=${c.bias ? 1 : 0}`, `causal=${causal ? 1 : 0}`, 'input=pasted~1', 'weight=zeros~1'];
  if (set.length) q.push(`set_input=${set.join(';')}`);
  if (w.length) q.push(`set_weight=${w.join(';')}`);
  if (c.bias) q.push(`set_bias=${Array.from(c.bias.data, (v, i) => `${i}:${v}`).join(';')}`);
  return q.join('&');
}

test('PyTorch\'s numbers: nn.Conv1d outputs, causal cases through the switch (conv1d.json, batch of one)', async () => {
  const picked = FIXTURE.cases.filter((c) => c.input.shape[0] === 1 && c.input.data.length <= 256);
  assert.ok(picked.length >= 10, `${picked.length} cases`);
  assert.ok(picked.some((c) => c.name.startsWith('causal')));
  const { page, errors, close: done } = await app.open({ hash: caseLink(picked[0]) });
  for (const c of picked) {
    await page.evaluate((h) => { location.hash = h; }, caseLink(c));
    const want = c.expected;
    await page.waitForFunction((s) => document.querySelector('#card-seq-output')?.dataset.shape === s, want.shape.join(','), { timeout: 5000 });
    await page.waitForFunction((n) => JSON.parse(document.querySelector('#card-seq-input').dataset.values ?? '[]').length === n, c.input.data.length - c.input.shape[1] * (c.name.startsWith('causal') ? causalPad(c) : 0));
    await page.waitForTimeout(60);
    const got = await json(page, '#card-seq-output', 'values');
    assert.ok(close(got, want.data), `${c.name}: ${got} vs ${want.data}`);
    if (c.name.startsWith('causal')) {
      assert.equal(await dataset(page, '#card-seq-input', 'pads'), `${causalPad(c)},0,0`, c.name);
      assert.ok(close(await json(page, '#card-seq-input', 'padded'), c.input.data), `${c.name}: the padded row is the fixture's input`);
    }
  }
  assert.deepEqual(errors, []);
  await done();
});

test('the causal switch pads (k − 1)·d on the left only; the dot product, the shape card and Copy as PyTorch say so', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'mode=conv1d&in_channels=1&out_channels=1&width=8&kernel_size=3&dilation=2&bias=0&input=arange~1&weight=ones~1' });
  await pauseAtStart(page);
  assert.equal(await text(page, '#output-shape'), 'torch.Size([1, 1, 4])');
  assert.equal(await text(page, '#module-repr'), 'Conv1d(1, 1, kernel_size=(3,), stride=(1,), dilation=(2,), bias=False)');
  assert.equal(await dataset(page, '#seq-shape', 'params'), '3');
  assert.equal(await dataset(page, '#seq-shape', 'receptiveField'), '5,1,0');
  assert.equal(await dataset(page, '#seq-dot', 'output'), '6'); // x[0] + x[2] + x[4]
  await page.getByLabel('causal', { exact: true }).click();
  await page.waitForFunction(() => document.querySelector('#output-shape').textContent === 'torch.Size([1, 1, 8])');
  await pauseAtStart(page);
  assert.equal(await dataset(page, '#card-seq-input', 'pads'), '4,0,0');
  assert.deepEqual(await json(page, '#card-seq-output', 'values'), [0, 1, 2, 4, 6, 9, 12, 15]);
  assert.equal(await dataset(page, '#seq-dot', 'kinds'), 'cci');
  assert.match(await text(page, '#seq-dot'), /nothing after t = 0/);
  assert.equal(await dataset(page, '#seq-shape', 'receptiveField'), '5,1,-4');
  assert.match(await text(page, '#seq-shape'), /\(k − 1\)·d = \(3 − 1\)·2 = 4 zeros on the left, none on the right/);
  assert.equal(await text(page, '#module-repr'), 'Conv1d(1, 1, kernel_size=(3,), stride=(1,), dilation=(2,), bias=False) on F.pad(x, (4, 0))');
  await page.locator('[data-action="show-python"]').click();
  await page.waitForFunction(() => /nn\.Conv1d/.test(document.querySelector('#py-code').textContent));
  const code = await text(page, '#py-code');
  assert.match(code, /c = nn\.Conv1d\(1, 1, 3, dilation=2, bias=False\)/);
  assert.match(code, /x = F\.pad\(x, \(\(3 - 1\) \* 2, 0\)\)/);
  assert.match(code, /# y\[0\] =\n# {3}\[\[0, 1, 2, 4, 6, 9, 12, 15\]\]/);
  // paste is off in this tab: the dialog reads 2-D tensors only
  assert.equal(await page.locator('#card-seq-input .fill-paste').count(), 0);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'conv1d-causal-1280x800.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await done();
});

test('stride and \'same\' with an even kernel; a pair of two numbers is refused under its control', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'mode=conv1d&in_channels=1&out_channels=1&width=8&kernel_size=4&padding=same&bias=0&input=ones~1&weight=ones~1' });
  await pauseAtStart(page);
  assert.equal(await text(page, '#output-shape'), 'torch.Size([1, 1, 8])');
  assert.equal(await dataset(page, '#card-seq-input', 'pads'), '0,1,2'); // the odd extra on the right
  await page.evaluate(() => { location.hash = 'mode=conv1d&in_channels=1&out_channels=1&width=9&kernel_size=3&stride=2&bias=0&input=ones~1&weight=ones~1'; });
  await page.waitForFunction(() => document.querySelector('#output-shape').textContent === 'torch.Size([1, 1, 4])');
  assert.match(await text(page, '#seq-shape'), /⌊\(9 \+ 0 \+ 0 − 1·\(3 − 1\) − 1\) \/ 2⌋ \+ 1 = ⌊6 \/ 2⌋ \+ 1 = 4/);
  await page.evaluate(() => { location.hash = 'mode=conv1d&kernel_size=3,2'; });
  await page.waitForFunction(() => /nn\.Conv1d takes one int/.test(document.querySelector('.ctl[data-param="kernel_size"] .ctl-error')?.textContent ?? ''));
  assert.deepEqual(errors, []);
  await done();
});

test('Predict first asks the output shape; the tab opens at 390 px with no console errors', async () => {
  const { page, errors, close: done } = await app.open({ width: 390, height: 844 });
  await openMode(page, 'conv1d');
  await page.waitForFunction(() => document.querySelector('#card-seq-output')?.dataset.shape === '1,1,3');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'conv1d-390x844.png'), fullPage: true });
  await page.locator('#quiz-toggle').click();
  await page.waitForFunction(() => document.body.classList.contains('quiz-hiding'));
  assert.equal(await page.locator('#seq-dot').evaluate((e) => getComputedStyle(e).visibility), 'hidden');
  await page.locator('#quiz-guess').fill('[1, 1, 3]');
  await page.locator('#quiz-guess').press('Enter');
  await page.waitForFunction(() => document.querySelector('#quiz').dataset.correct === 'true');
  assert.deepEqual(errors, []);
  await done();
});
