// The Backward tab (#18): loss.backward() through a Conv2d, checked against PyTorch's own numbers
// (tests/fixtures/torch/backward.json, the lecture cases), the SGD step with Back and the link,
// Copy as PyTorch, Predict first, hover linking.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, pauseAtStart, cellPoint, ROOT, SCREENSHOTS } from './helpers.mjs';

const GOLDEN = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/fixtures/torch/backward.json'), 'utf8')).cases;
const lecture = (name) => GOLDEN.find((c) => c.name === name);

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.close();
});

const values = async (page, sel, key) => JSON.parse(await page.locator(sel).getAttribute(`data-${key}`));
const close = (a, b, what) => {
  assert.equal(a.length, b.length, what);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-5 * Math.max(1, Math.abs(b[i])), `${what}[${i}]: ${v} vs ${b[i]}`));
};
const edits = (t) => t.data.map((v, k) => {
  const idx = [];
  let rest = k;
  for (let d = t.shape.length - 1; d >= 0; d--) {
    idx.unshift(rest % t.shape[d]);
    rest = Math.floor(rest / t.shape[d]);
  }
  return `${idx.join('.')}:${v}`;
}).join(';');

async function ready(page) {
  await page.waitForFunction(() => document.body.dataset.mode === 'backward' && document.querySelector('#card-gx')?.dataset.values);
}

test('the lecture’s Conv2d(3, 1, 3) on ones with y.sum(): x.grad counts windows, weight.grad is 9', async () => {
  const c = lecture('lecture_c2_all_ones_backward');
  const { page, errors, close: done } = await app.open({ hash: 'mode=backward&in_channels=3&out_channels=1&kernel_size=3&bias=0&input=ones~1&weight=ones~1' });
  await ready(page);
  await pauseAtStart(page);
  close(await values(page, '#card-gy', 'y'), c.expected.output.data, 'y');
  close(await values(page, '#card-gy', 'values'), c.grad_output.data, '∂L/∂y');
  close(await values(page, '#card-gx', 'values'), c.expected.grad_input.data, 'x.grad');
  close(await values(page, '#card-gw', 'values'), c.expected.grad_weight.data, 'weight.grad');
  assert.equal(await page.locator('#card-gw').getAttribute('data-bias-grad'), '');
  assert.equal(await page.locator('#output-shape').textContent(), 'torch.Size([1, 3, 3, 3])');
  assert.match(await page.locator('#bw-loss-line').textContent(), /L = y\.sum\(\) = 243/);
  assert.equal(await page.locator('#presets').getAttribute('data-preset'), 'backward-ones');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'backward-ones-1280x800.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await done();
});

test('the lecture’s Conv2d(1, 2, 3, stride=2, padding=1) with its weights: every gradient as PyTorch’s', async () => {
  const c = lecture('lecture_c3_downsample_s2_p1_backward');
  const hash = `mode=backward&in_channels=1&out_channels=2&kernel_size=3&stride=2&padding=1&bias=1&input=ones~1&weight=zeros~1&set_weight=${edits(c.weight)}&set_bias=${edits(c.bias)}`;
  const { page, errors, close: done } = await app.open({ hash });
  await ready(page);
  close(await values(page, '#card-gy', 'y'), c.expected.output.data, 'y');
  close(await values(page, '#card-gx', 'values'), c.expected.grad_input.data, 'x.grad');
  close(await values(page, '#card-gw', 'values'), c.expected.grad_weight.data, 'weight.grad');
  close(await values(page, '#card-gw', 'bias-grad'), c.expected.grad_bias.data, 'bias.grad');
  assert.match(await page.locator('#bw-transpose-repr').textContent(), /^ConvTranspose2d\(2, 1, kernel_size=\(3, 3\), stride=\(2, 2\), padding=\(1, 1\), bias=False\)/);
  assert.deepEqual(errors, []);
  await done();
});

test('the timeline stamps ∂L/∂y cells then weight taps; a tap’s dot product is written out', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'mode=backward&in_channels=1&out_channels=1&kernel_size=3&bias=1&input=arange~1&weight=ones~1' });
  await ready(page);
  await pauseAtStart(page);
  assert.equal(await page.locator('#card-gx').getAttribute('data-stamp'), '0');
  assert.match(await page.locator('#position-text').textContent(), /stamp 1 \/ 9/);
  await page.locator('[data-action="end"]').click();
  await page.waitForFunction(() => document.querySelector('#card-gw').dataset.focusTap === '0,0,2,2');
  const gw = await values(page, '#card-gw', 'values');
  assert.equal(Number(await page.locator('#gw-dot').getAttribute('data-sum')), gw[8]);
  assert.equal(await page.locator('#gw-dot .term').count(), 9);
  // ∂L/∂b = Σ ∂L/∂y = 9
  assert.deepEqual(await values(page, '#card-gw', 'bias-grad'), [9]);
  assert.deepEqual(errors, []);
  await done();
});

test('one SGD step: the loss goes down, Back undoes it, the link carries it', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'mode=backward&in_channels=1&out_channels=1&kernel_size=3&bias=1&input=integers~1&weight=integers~2&loss=mse&lr=0.05' });
  await ready(page);
  const before = Number(await page.locator('#card-sgd').getAttribute('data-loss-before'));
  const after = Number(await page.locator('#card-sgd').getAttribute('data-loss-after'));
  const stepped = await values(page, '#card-sgd', 'weight');
  assert.ok(after < before, `${after} < ${before}`);
  assert.equal(await page.locator('#bw-lr').inputValue(), '0.05');
  await page.locator('#bw-sgd-step').click();
  await page.waitForFunction((b) => Number(document.querySelector('#card-gy').dataset.loss) !== b, before);
  close([Number(await page.locator('#card-gy').getAttribute('data-loss'))], [after], 'loss after the step');
  await page.waitForFunction(() => location.hash.includes('set_weight='));
  const link = await page.evaluate(() => location.hash);
  // the link reopens the stepped layer
  const other = await app.open({ hash: link.slice(1) });
  await ready(other.page);
  close([Number(await other.page.locator('#card-gy').getAttribute('data-loss'))], [after], 'loss from the link');
  await other.close();
  await page.goBack();
  await page.waitForFunction((b) => Number(document.querySelector('#card-gy').dataset.loss) === b, before);
  assert.ok(stepped.length === 9);
  assert.deepEqual(errors, []);
  await done();
});

test('Copy as PyTorch writes the autograd code with every gradient', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'mode=backward&in_channels=1&out_channels=1&kernel_size=3&bias=1&input=ones~1&weight=ones~1&loss=weighted' });
  await ready(page);
  await page.locator('[data-action="show-python"]').first().click();
  const code = await page.locator('#py-code').textContent();
  for (const s of ['x.requires_grad_()', 'loss = (y * g).sum()', 'loss.backward()', 'print(x.grad)', 'print(conv.weight.grad)', 'print(conv.bias.grad)', 'conv.weight -= lr * conv.weight.grad']) {
    assert.ok(code.includes(s), s);
  }
  assert.deepEqual(errors, []);
  await done();
});

test('Predict first: the shape of conv.weight.grad, and an x.grad cell’s value', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'mode=backward&in_channels=3&out_channels=1&kernel_size=3&bias=0&input=ones~1&weight=ones~1&quiz=shape' });
  await ready(page);
  await page.locator('#quiz-guess').fill('[1, 3, 3, 3]');
  await page.locator('#quiz-guess').press('Enter');
  await page.waitForFunction(() => document.querySelector('#quiz').dataset.correct === 'true');
  await page.locator('input[name="quiz-kind"][value="value"]').check().catch(() => {});
  await page.evaluate(() => { location.hash = location.hash.replace('quiz=shape', 'quiz=value') + '&step=output'; });
  await page.waitForFunction(() => document.querySelector('#quiz').dataset.kind === 'value');
  await pauseAtStart(page);
  // x.grad[0, 0, 0, 0]: one window covers the corner
  await page.locator('#quiz-guess').fill('1');
  await page.locator('#quiz-guess').press('Enter');
  await page.waitForFunction(() => document.querySelector('#quiz').dataset.correct === 'true');
  assert.match(await page.locator('#quiz-explain').textContent(), /1 term/);
  assert.deepEqual(errors, []);
  await done();
});

test('hover links: an x.grad cell lights the ∂L/∂y cells that reach it; reflect padding folds back', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'mode=backward&in_channels=1&out_channels=1&kernel_size=3&padding=1&padding_mode=reflect&bias=0&input=arange~1&weight=ones~1' });
  await ready(page);
  await pauseAtStart(page);
  const p = await cellPoint(page, 'stamp', 'grad', 0, 1, 1);
  await page.mouse.move(p.x, p.y);
  await page.waitForFunction(() => document.querySelector('#card-gx').dataset.focusCell === '0,1,1');
  const reach = (await page.locator('#gx-sum').getAttribute('data-reach')).split(';');
  // reflect: x[1, 1] is also the halo's copy at (0, 0) etc: more than the 9 plain windows reach it
  assert.ok(reach.length > 9, `${reach.length} terms`);
  const gx = await values(page, '#card-gx', 'values');
  assert.equal(Number(await page.locator('#gx-sum').getAttribute('data-sum')), gx[6]);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'backward-reflect-1280x800.png'), fullPage: true });
  const phone = await app.open({ width: 390, height: 844, hash: 'mode=backward&in_channels=1&out_channels=2&kernel_size=3&stride=2&padding=1&bias=1&input=ones~1&weight=default~1' });
  await ready(phone.page);
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${overflow}px too wide`);
  await phone.page.screenshot({ path: path.join(SCREENSHOTS, 'backward-390x844.png'), fullPage: true });
  assert.deepEqual(phone.errors, []);
  await phone.close();
  assert.deepEqual(errors, []);
  await done();
});
