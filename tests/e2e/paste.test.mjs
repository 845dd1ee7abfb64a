// "paste…": typing or pasting a tensor into the page, in headless Chromium. The dialog starts from
// the shown tensor written out; a paste sets the values and adopts the shape; a bad paste keeps
// the dialog open with a message naming the tensor; links and back / forward carry pastes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, openMode, pauseAtStart, SCREENSHOTS } from './helpers.mjs';
import { parseTensorText } from '../../www/lib/paste.js';
import { Rng } from './monkey.mjs';

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.close();
});

const values = (page, card) => page.locator(card).evaluate((el) => JSON.parse(el.dataset.values));
const header = (page) => page.evaluate(() => ['#module-repr', '#input-shape', '#output-shape'].map((s) => document.querySelector(s).textContent));
const shapeIs = (page, want) => page.waitForFunction((w) => document.querySelector('#input-shape').textContent === w, want);

/** A 6×6 picture: a ring of ones around a 2×2 block of twos, zeros at the border. */
const RING = [
  [0, 0, 0, 0, 0, 0],
  [0, 1, 1, 1, 1, 0],
  [0, 1, 2, 2, 1, 0],
  [0, 1, 2, 2, 1, 0],
  [0, 1, 1, 1, 1, 0],
  [0, 0, 0, 0, 0, 0],
];
/** RING as PyTorch prints torch.tensor(RING, dtype=torch.float32). */
const RING_PRINT = `tensor([${RING.map((r) => `[${r.map((v) => `${v}.`).join(', ')}]`).join(',\n        ')}])`;

test('paste an input: the dialog shows x written out; a PyTorch print becomes x, shape and values', async () => {
  const { page, errors, close } = await app.open();
  await page.locator('#card-weights .fill[data-fill="ones"]').click();
  await page.locator('#card-input .fill-paste').click();
  const dialog = page.getByRole('dialog', { name: 'Paste the input x' });
  await dialog.waitFor();
  // it starts from the tensor on screen, and that text reads back to it exactly
  const start = await page.locator('#paste-text').inputValue();
  const back = parseTensorText(start, 'input');
  assert.ok(back.ok, back.message);
  assert.deepEqual(back.shape, [1, 3, 5, 5]);
  assert.deepEqual(Array.from(back.data), await values(page, '#card-input'));
  assert.match(await dialog.textContent(), /x now: torch\.Size\(\[1, 3, 5, 5\]\)/);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'paste-dialog-1280x800.png') });

  assert.equal(await page.locator('#paste-preview').textContent(), 'Reads as torch.Size([1, 3, 5, 5]): in_channels=3, height=5, width=5');
  await page.locator('#paste-text').fill(RING_PRINT);
  // as typing pauses, the line under the box says what the text will set
  await page.waitForFunction(() => document.querySelector('#paste-preview').textContent === 'Reads as torch.Size([6, 6]) = torch.Size([1, 1, 6, 6]): in_channels=1, height=6, width=6');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'paste-ring-1280x800.png') });
  await page.keyboard.press('Control+Enter');
  await dialog.waitFor({ state: 'hidden' });
  await shapeIs(page, 'torch.Size([1, 1, 6, 6])');
  assert.deepEqual(await header(page), ['Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1))', 'torch.Size([1, 1, 6, 6])', 'torch.Size([1, 1, 4, 4])']);
  assert.deepEqual(await values(page, '#card-input'), RING.flat());
  // ones weights, bias 0: each output is the sum of a 3×3 window of the ring
  const want = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
    let s = 0;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += RING[i + a][j + b];
    want.push(s);
  }
  assert.deepEqual(await values(page, '#card-output'), want);
  // the bar shows the input is a paste (no fill button pressed, no seed to change)
  assert.equal(await page.locator('#card-input .fill-paste').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('#card-input .fill[aria-pressed="true"]').count(), 1);
  assert.equal(await page.locator('#card-input .seed').isDisabled(), true);
  assert.match(page.url(), /input=pasted~1/);
  await pauseAtStart(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'paste-input-1280x800.png') });

  // the link carries it: a fresh page on that URL shows the same tensor
  const url = page.url();
  const second = await app.open({ hash: url.split('#')[1] });
  assert.deepEqual(await values(second.page, '#card-input'), RING.flat());
  assert.deepEqual(second.errors, []);
  await second.close();

  // back: the input before the paste
  await page.goBack();
  await shapeIs(page, 'torch.Size([1, 3, 5, 5])');
  assert.deepEqual(await values(page, '#card-input'), Array.from(back.data));
  assert.deepEqual(errors, []);
  await close();
});

test('a bad paste keeps the dialog open with a message naming the tensor; the page keeps working', async () => {
  const { page, errors, close } = await app.open();
  const before = await header(page);
  await page.locator('#card-input .fill-paste').click();
  const text = page.locator('#paste-text');
  const alert = page.locator('#paste-error');
  const tries = [
    ['[[1, 2, 3],\n [4, nan, 6]]', 'input: value [1, 1]: NaN is not allowed: every value must be finite.'],
    ['[[1, 2, 3],\n [4, 5]]', 'input: the lists are not all the same length: [1] has 2 entries where the first list at that depth has 3'],
    ['tensor([0., 1., ..., 9.])', "input: the print is shortened ('...')"],
    ['[[[[1.]]], [[[2.]]]]', 'input: a batch of 2; the page shows one sample'],
    [`[${new Array(65).fill('[1]').join(', ')}]`, 'input: 65 rows; height must be 1…64 here'],
    ['<img src=x onerror=alert(1)>', 'input: expected numbers in [brackets], rows of numbers, or torch.ones'],
  ];
  for (const [paste, message] of tries) {
    await text.fill(paste);
    await page.getByRole('button', { name: 'Apply' }).click();
    await alert.waitFor();
    assert.ok((await alert.textContent()).startsWith(message), `${paste}: ${await alert.textContent()}`);
    assert.equal(await text.getAttribute('aria-invalid'), 'true');
    assert.ok(await page.getByRole('dialog').isVisible(), 'the dialog stays open to fix the text');
  }
  assert.equal(await page.locator('#paste-preview').textContent(), '', 'a text that does not read says nothing under the box');
  // typing hides the old message; Escape cancels and changes nothing
  await text.fill('[[1, 2]]');
  assert.equal(await alert.isHidden(), true);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'paste-typing-1280x800.png') });
  await text.fill('[[1, nan]]');
  await page.getByRole('button', { name: 'Apply' }).click();
  await alert.waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'paste-error-1280x800.png') });
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  assert.deepEqual(await header(page), before);
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'pasted markup is text, never HTML');
  // the page still answers: a fill works and the timeline runs
  await page.locator('#card-input .fill[data-fill="ones"]').click();
  await page.waitForFunction(() => JSON.parse(document.querySelector('#card-input').dataset.values).every((v) => v === 1));
  assert.deepEqual(errors, []);
  await close();
});

test('paste weights: two Sobel kernels make out_channels 2; the in-channel dim must match', async () => {
  const { page, errors, close } = await app.open({ hash: 'in_channels=1&height=6&width=6&weight=integers~2' });
  await page.locator('#card-weights .fill-paste').click();
  const dialog = page.getByRole('dialog', { name: 'Paste the weight w' });
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /w now: torch\.Size\(\[1, 1, 3, 3\]\) \[C_out, C_in\/groups, kh, kw\]/);
  const sobel = '[[[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]],\n [[[-1, -2, -1], [0, 0, 0], [1, 2, 1]]]]';
  await page.locator('#paste-text').fill(sobel);
  await page.waitForFunction(() => document.querySelector('#paste-preview').textContent === 'Reads as torch.Size([2, 1, 3, 3]): out_channels=2, kernel_size=3');
  await page.getByRole('button', { name: 'Apply' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.querySelector('#module-repr').textContent.startsWith('Conv2d(1, 2,'));
  assert.deepEqual(await values(page, '#card-weights'), [-1, 0, 1, -2, 0, 2, -1, 0, 1, -1, -2, -1, 0, 0, 0, 1, 2, 1]);
  assert.equal(await page.locator('#output-shape').textContent(), 'torch.Size([1, 2, 4, 4])');
  assert.equal(await page.locator('#card-weights .fill-paste').getAttribute('aria-pressed'), 'true');

  // a 2-D kernel where the layer has 3 input channels: refused, naming what would fit
  const field = page.getByLabel('in_channels', { exact: true });
  await field.fill('3');
  await field.press('Enter');
  await shapeIs(page, 'torch.Size([1, 3, 6, 6])');
  await page.locator('#card-weights .fill-paste').click();
  await page.locator('#paste-text').fill('[[1, 2], [3, 4]]');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('#paste-error').waitFor();
  assert.match(await page.locator('#paste-error').textContent(), /^weight: torch\.Size\(\[1, 1, 2, 2\]\) has 1 input channel per kernel; this layer needs in_channels\/groups = 3\/1 = 3/);
  await page.keyboard.press('Escape');
  assert.deepEqual(errors, []);
  await close();
});

test('a paste the kernel does not fit is the page\'s invalid state; fixing kernel_size shows it, back undoes both', async () => {
  const { page, errors, close } = await app.open();
  await page.locator('#card-input .fill-paste').click();
  await page.locator('#paste-text').fill('[[1, 2],\n [3, 4]]');
  await page.keyboard.press('Control+Enter');
  await page.locator('#status').waitFor();
  assert.match(await page.locator('#status').textContent(), /^Showing the last valid picture\. kernel_size: Calculated padded input size per channel: \(2 x 2\)\. Kernel size: \(3 x 3\)/);
  assert.equal(await page.locator('#input-shape').textContent(), 'torch.Size([1, 3, 5, 5])', 'the last valid picture stays');
  const field = page.getByLabel('kernel_size', { exact: true });
  await field.fill('2');
  await field.press('Enter');
  await shapeIs(page, 'torch.Size([1, 1, 2, 2])');
  assert.deepEqual(await values(page, '#card-input'), [1, 2, 3, 4]);
  assert.equal(await page.locator('#status').isHidden(), true);
  await page.waitForFunction(() => /kernel_size=2&.*input=pasted~1/.test(location.hash));
  // the paste got its own history entry although it first landed in an invalid state
  await page.goBack();
  await shapeIs(page, 'torch.Size([1, 3, 5, 5])');
  assert.equal(await page.locator('#module-repr').textContent(), 'Conv2d(3, 1, kernel_size=(3, 3), stride=(1, 1))');
  await page.goForward();
  await shapeIs(page, 'torch.Size([1, 1, 2, 2])');
  assert.deepEqual(errors, []);
  await close();
});

test('groups must divide a pasted tensor\'s channels; a paste that would make an unreadable link is refused', async () => {
  const { page, errors, close } = await app.open({ hash: 'in_channels=3&out_channels=3&groups=3&height=32&width=32&kernel_size=9' });
  const before = await header(page);
  await page.locator('#card-input .fill-paste').click();
  await page.locator('#paste-text').fill('1 2\n3 4');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('#paste-error').waitFor();
  assert.match(await page.locator('#paste-error').textContent(), /^input: 1 channel; groups=3 needs in_channels divisible by 3: change groups first/);
  assert.deepEqual(await header(page), before);
  // many long numbers: x alone fits in a link, x and w together would not (the page reads 100,000
  // characters of link at most: such a state could not be reloaded, shared or stepped back to)
  const long = (i) => `-${(1 + (i % 97) / 101).toFixed(7)}e-12`;
  const plane = (c, h, w, k0) => Array.from({ length: h }, (_, r) => Array.from({ length: w }, (__, q) => long(k0 + r * w + q)).join(' ')).join('\n');
  await page.keyboard.press('Escape');
  const groups = page.getByLabel('groups', { exact: true });
  await groups.fill('1');
  await groups.press('Enter');
  await page.waitForFunction(() => !document.querySelector('#module-repr').textContent.includes('groups'));
  const x = [0, 1, 2].map((c) => plane(c, 32, 32, c * 1024)).join('\n\n');
  await page.locator('#card-input .fill-paste').click();
  await page.locator('#paste-text').fill(x);
  await page.getByRole('button', { name: 'Apply' }).click();
  await shapeIs(page, 'torch.Size([1, 3, 32, 32])');
  // w: [8, 3, 9, 9], written as nested lists
  const kernel = (k0) => `[${plane(0, 9, 9, k0).split('\n').map((row) => `[${row.split(' ').join(', ')}]`).join(', ')}]`;
  const w = `[${Array.from({ length: 8 }, (_, o) => `[${[0, 1, 2].map((c) => kernel((o * 3 + c) * 81)).join(', ')}]`).join(',\n')}]`;
  await page.locator('#card-weights .fill-paste').click();
  await page.locator('#paste-text').fill(w);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('#paste-error').waitFor();
  assert.match(await page.locator('#paste-error').textContent(), /^weight: these values make a link of [\d,]+ characters, more than a link holds \(100,000\)/);
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#module-repr').textContent(), 'Conv2d(3, 3, kernel_size=(9, 9), stride=(1, 1))');
  // the input paste itself is in the link and reads back
  assert.match(page.url(), /input=pasted~1/);
  assert.ok(page.url().length < 100_000);
  assert.deepEqual(errors, []);
  await close();
});

test('ConvTranspose2d: a pasted weight is read in its layout [C_in, C_out/groups, kh, kw]', async () => {
  const { page, errors, close } = await app.open({ hash: 'mode=convTranspose2d&in_channels=1&out_channels=1' });
  await openMode(page, 'convTranspose2d');
  await page.locator('#card-zeroinsert .fill-paste').click();
  const dialog = page.getByRole('dialog', { name: 'Paste the weight w' });
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /\[C_in, C_out\/groups, kh, kw\]/);
  await page.locator('#paste-text').fill('[[[[1, 2], [3, 4]], [[0, 1], [1, 0]]]]');
  await page.getByRole('button', { name: 'Apply' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.querySelector('#module-repr').textContent.startsWith('ConvTranspose2d(1, 2, kernel_size=(2, 2)'));
  assert.equal(await page.locator('#output-shape').textContent(), 'torch.Size([1, 2, 6, 6])');
  // the input paste is the same dialog in the scatter card
  await page.locator('#card-scatter .fill-paste').click();
  await page.locator('#paste-text').fill('1 0\n0 1');
  await page.keyboard.press('Control+Enter');
  await shapeIs(page, 'torch.Size([1, 1, 2, 2])');
  assert.equal(await page.locator('#output-shape').textContent(), 'torch.Size([1, 2, 3, 3])');
  assert.deepEqual(errors, []);
  await close();
});

test('60 seeded random pastes into x and w: each applied or refused with a message, never a page error', async () => {
  const { page, errors, close } = await app.open();
  const rng = new Rng(20261202);
  const value = () => rng.weighted([[String(rng.int(7) - 3), 6], [(rng.next() * 4 - 2).toFixed(3), 3], ['nan', 0.04], ['1e40', 0.03], ['abc', 0.03], ['\u22122', 0.3]]);
  const nested = (shape) => (shape.length === 0 ? value() : `[${Array.from({ length: shape[0] }, () => nested(shape.slice(1))).join(rng.chance(0.5) ? ', ' : ' ')}]`);
  const wrap = (body) => rng.weighted([[body, 4], [`tensor(${body})`, 2], [`array(${body}, dtype=float32)`, 1], [`x = torch.tensor(${body})`, 1], [`${body}]`, 0.3], [`(${body}`, 0.3]]);
  let applied = 0;
  let refused = 0;
  for (let n = 0; n < 60; n++) {
    const tensor = rng.chance(0.5) ? 'input' : 'weight';
    const rank = 1 + rng.int(5);
    let shape = Array.from({ length: rank }, () => (rng.chance(0.05) ? 65 + rng.int(3) : 1 + rng.int(4)));
    if (tensor === 'weight' && rng.chance(0.6)) {
      // mostly a weight that fits the layer: [C_out, in_channels, k, k] (groups stays 1 here)
      const cin = Number(await page.getByLabel('in_channels', { exact: true }).inputValue());
      const k = 1 + rng.int(3);
      shape = [1 + rng.int(3), cin, k, k];
    } else if (tensor === 'input' && rng.chance(0.5)) {
      shape = [1 + rng.int(3), 3 + rng.int(4), 3 + rng.int(4)];
    }
    const text = rng.chance(0.15)
      ? Array.from({ length: 1 + rng.int(4) }, () => Array.from({ length: 1 + rng.int(4) }, value).join(' ')).join('\n')
      : wrap(nested(shape));
    await page.locator(`${tensor === 'input' ? '#card-input' : '#card-weights'} .fill-paste`).click();
    await page.getByRole('dialog').waitFor();
    await page.locator('#paste-text').fill(text);
    await page.getByRole('button', { name: 'Apply' }).click();
    const outcome = await Promise.race([
      page.locator('#paste-error').waitFor().then(() => 'refused'),
      page.getByRole('dialog').waitFor({ state: 'hidden' }).then(() => 'applied'),
    ]);
    if (outcome === 'refused') {
      refused++;
      assert.match(await page.locator('#paste-error').textContent(), new RegExp(`^${tensor}: `), text.slice(0, 80));
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
    } else {
      applied++;
    }
    assert.deepEqual(errors, [], `after pasting ${JSON.stringify(text.slice(0, 120))} into ${tensor}`);
  }
  assert.ok(applied >= 5 && refused >= 5, `both outcomes seen (applied ${applied}, refused ${refused})`);
  // the page still answers: a valid link recomputes
  await page.evaluate(() => {
    location.hash = 'in_channels=2&out_channels=2&height=7&width=6&kernel_size=3&stride=2&padding=1';
  });
  await page.waitForFunction(() => document.querySelector('#output-shape').textContent === 'torch.Size([1, 2, 4, 3])');
  assert.deepEqual(errors, []);
  await close();
});
