// The #5 modes in headless Chromium: ConvTranspose2d (round trip, output_size, the two routes),
// Unfold / Fold, the convolution matrix, groups. One browser for the whole file.
// Run: node --test tests/e2e/   (needs www/pkg from `make build` and /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, pauseAtStart, atPosition, openMode, setParam, cellPoint, SCREENSHOTS } from './helpers.mjs';

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.close();
});

const MODES = ['conv2d', 'convTranspose2d', 'unfold', 'matrix'];
const dataset = (page, sel, key) => page.locator(sel).evaluate((el, k) => el.dataset[k], key);
const json = async (page, sel, key) => JSON.parse(await dataset(page, sel, key));
const outputShape = (page) => page.locator('#output-shape').textContent();
const shapeIs = (page, text) => page.waitForFunction((t) => document.querySelector('#output-shape').textContent === t, text);
const close = (a, b, tol = 1e-4) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tol * (1 + Math.abs(b[i])));

/** conv_transpose2d by its definition (scatter-add), for checking the page's numbers. */
function convTranspose2dRef(x, [cin, h, w], wt, [coutG, kh, kw], bias, { stride, padding, dilation, outputPadding, groups }) {
  const cinG = cin / groups;
  const cout = coutG * groups;
  const ho = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outputPadding[0] + 1;
  const wo = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outputPadding[1] + 1;
  const y = new Float64Array(cout * ho * wo);
  for (let co = 0; co < cout; co++) y.fill(bias ? bias[co] : 0, co * ho * wo, (co + 1) * ho * wo);
  for (let ci = 0; ci < cin; ci++) {
    const g = Math.floor(ci / cinG);
    for (let ih = 0; ih < h; ih++) {
      for (let iw = 0; iw < w; iw++) {
        const v = x[(ci * h + ih) * w + iw];
        for (let o = 0; o < coutG; o++) {
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const oh = ih * stride[0] - padding[0] + i * dilation[0];
              const ow = iw * stride[1] - padding[1] + j * dilation[1];
              if (oh < 0 || ow < 0 || oh >= ho || ow >= wo) continue;
              y[((g * coutG + o) * ho + oh) * wo + ow] += v * wt[((ci * coutG + o) * kh + i) * kw + j];
            }
          }
        }
      }
    }
  }
  return { y: Array.from(y), shape: [1, cout, ho, wo] };
}

test('every mode opens from its tab with no console errors, labelled with torch.Size', async () => {
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    const { page, errors, close: done } = await app.open({ width, height });
    for (const mode of MODES) {
      await openMode(page, mode);
      await pauseAtStart(page);
      assert.equal(await page.locator(`[data-pane="${mode}"]`).isVisible(), true, `${mode} pane shows`);
      for (const other of MODES.filter((m) => m !== mode)) assert.equal(await page.locator(`[data-pane="${other}"]`).isHidden(), true);
      assert.equal(await page.locator(`[data-mode-tab="${mode}"]`).getAttribute('aria-selected'), 'true');
      assert.match(await page.locator('#input-shape').textContent(), /^torch\.Size\(\[\d+(, \d+)*\]\)$/);
      assert.match(await outputShape(page), /^torch\.Size\(\[\d+(, \d+)*\]\)$/);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${mode} at ${width}px: page is ${overflow}px wider than the screen`);
      await page.screenshot({ path: path.join(SCREENSHOTS, `mode-${mode}-${width}x${height}.png`), fullPage: width < 500 });
      // the mode is in the link
      if (mode !== 'conv2d') await page.waitForFunction((m) => location.hash.includes(`mode=${m}`), mode);
    }
    assert.deepEqual(errors, []);
    await done();
  }
});

test('the round-trip preset: 5×5 → Conv2d → 3×3 → ConvTranspose2d(output_size=(5, 5)) → 5×5; a 6×6 x needs output_size=(6, 6)', async () => {
  const { page, errors, close: done } = await app.open();
  await openMode(page, 'convTranspose2d');
  await page.locator('[data-preset="round-trip"]').click();
  await shapeIs(page, 'torch.Size([1, 1, 5, 5])');
  assert.equal(await page.locator('#input-shape').textContent(), 'torch.Size([1, 2, 3, 3])');
  assert.equal(await page.locator('#module-repr').textContent(),
    'ConvTranspose2d(2, 1, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))(y, output_size=(5, 5))');
  const rt = '#roundtrip';
  assert.equal(await dataset(page, rt, 'xShape'), '1,1,5,5');
  assert.equal(await dataset(page, rt, 'yShape'), '1,2,3,3');
  assert.equal(await dataset(page, rt, 'xhatShape'), '1,1,5,5');
  const shapes = await page.locator('#roundtrip .rt-shape').allTextContents();
  assert.deepEqual(shapes, ['torch.Size([1, 1, 5, 5])', 'torch.Size([1, 2, 3, 3])', 'torch.Size([1, 1, 5, 5])']);
  assert.match(await page.locator('#roundtrip .rt-op').first().textContent(), /^Conv2d\(1, 2, kernel_size=\(3, 3\), stride=\(2, 2\), padding=\(1, 1\)/);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'roundtrip-5-1280x800.png') });

  // a 6×6 x also gives a 3×3 y; with output_size following x the transpose returns 6×6 …
  await page.locator('#roundtrip .rt-size[data-size="6,6"]').click();
  await page.waitForFunction(() => document.querySelector('#roundtrip').dataset.xShape === '1,1,6,6');
  assert.equal(await dataset(page, rt, 'yShape'), '1,2,3,3');
  await shapeIs(page, 'torch.Size([1, 1, 6, 6])');
  assert.equal(await dataset(page, rt, 'xhatShape'), '1,1,6,6');
  assert.equal(await page.getByLabel('output_size', { exact: true }).inputValue(), '(6, 6)');
  assert.equal(await page.getByLabel('output_padding', { exact: true }).getAttribute('readonly'), '', 'output_size picks output_padding');
  // … without output_size it returns 5×5: the Conv2d's floor lost the sixth row
  await page.locator('#rt-output-size').uncheck();
  await shapeIs(page, 'torch.Size([1, 1, 5, 5])');
  assert.equal(await dataset(page, rt, 'xhatShape'), '1,1,5,5');
  assert.equal(await dataset(page, rt, 'restores'), 'false');
  assert.match(await page.locator('#roundtrip .rt-verdict').textContent(), /x is 6×6 but x̂ is 5×5.*output_size=\(6, 6\)/);
  assert.equal(await page.getByLabel('output_size', { exact: true }).inputValue(), 'None');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'roundtrip-6-no-output-size-1280x800.png') });
  // typed: output_size=(6, 6) → output_padding (1, 1) → 6×6 again
  await setParam(page, 'output_size', '6, 6');
  await shapeIs(page, 'torch.Size([1, 1, 6, 6])');
  assert.equal(await dataset(page, rt, 'restores'), 'true');
  assert.match(await page.locator('#t-shapes').textContent(), /output_size=\(6, 6\) picks output_padding = \(1, 1\)/);
  assert.deepEqual(errors, []);
  await done();
});

test('an out-of-range output_size or output_padding shows PyTorch’s valid range beside the control', async () => {
  const { page, errors, close: done } = await app.open({
    hash: 'mode=convTranspose2d&in_channels=2&out_channels=1&height=3&width=3&kernel_size=3&stride=2&padding=1',
  });
  await pauseAtStart(page);
  await shapeIs(page, 'torch.Size([1, 1, 5, 5])');
  const note = page.locator('.ctl[data-param="output_size"] .ctl-note');
  assert.equal(await note.textContent(), 'valid: (5…6, 5…6)');
  await setParam(page, 'output_size', '(8, 8)');
  const err = page.locator('.ctl[data-param="output_size"] .ctl-error');
  await err.waitFor({ state: 'visible' });
  assert.match(await err.textContent(), /output_size: requested an output size of \[8, 8\], but valid sizes range from \[5, 5\] to \[6, 6\]/);
  assert.equal(await outputShape(page), 'torch.Size([1, 1, 5, 5])', 'the last valid picture stays');
  assert.equal(await page.locator('#status').isVisible(), true);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'output-size-error-1280x800.png') });
  await setParam(page, 'output_size', '6');
  await err.waitFor({ state: 'hidden' });
  await shapeIs(page, 'torch.Size([1, 1, 6, 6])');
  // output_padding must stay below max(stride, dilation)
  await page.locator('.ctl[data-param="output_size"] .ctl-none').click();
  await shapeIs(page, 'torch.Size([1, 1, 5, 5])');
  await setParam(page, 'output_padding', '2');
  const opErr = page.locator('.ctl[data-param="output_padding"] .ctl-error');
  await opErr.waitFor({ state: 'visible' });
  assert.match(await opErr.textContent(), /output padding must be smaller than either stride or dilation/);
  await setParam(page, 'output_padding', '1');
  await shapeIs(page, 'torch.Size([1, 1, 6, 6])');
  // the slider cannot reach an invalid output_padding: 0 … max(stride, dilation) − 1
  assert.equal(await page.getByRole('slider', { name: 'output_padding height slider' }).getAttribute('max'), '1');
  assert.deepEqual(errors, []);
  await done();
});

test('scatter-add and zero-insertion show the same output numbers, equal to conv_transpose2d by definition', async () => {
  const configs = [
    'in_channels=2&out_channels=1&height=3&width=3&kernel_size=3&stride=2&padding=1&output_padding=1',
    'in_channels=4&out_channels=2&height=3&width=4&kernel_size=3,2&stride=3,2&padding=5,1&dilation=2,1&groups=2&weight=integers~5',
    'in_channels=1&out_channels=3&height=4&width=4&kernel_size=2&stride=1&padding=0&dilation=3&bias=0',
  ];
  const { page, errors, close: done } = await app.open();
  for (const cfg of configs) {
    await page.evaluate((h) => {
      location.hash = h;
    }, `mode=convTranspose2d&${cfg}`);
    const q = Object.fromEntries(new URLSearchParams(cfg));
    const n = Number(q.in_channels) * Number(q.height) * Number(q.width);
    await page.waitForFunction((len) => {
      const v = document.querySelector('#card-scatter').dataset.inputValues;
      return document.body.dataset.mode === 'convTranspose2d' && v && JSON.parse(v).length === len;
    }, n);
    assert.equal(await page.locator('#status').isHidden(), true);
    const sc = '#card-scatter';
    const zi = '#card-zeroinsert';
    const a = await json(page, sc, 'outputValues');
    const b = await json(page, zi, 'outputValues');
    assert.ok(close(a, b), `${cfg}: the two routes agree`);
    assert.equal(await dataset(page, sc, 'outputShape'), await dataset(page, zi, 'outputShape'));
    assert.equal(await dataset(page, '#routes-agree', 'equal'), 'true');
    const x = await json(page, sc, 'inputValues');
    const w = await json(page, sc, 'weightValues');
    const bias = await dataset(page, sc, 'bias');
    const prm = await json(page, sc, 'params');
    const pair = (s) => (s.includes(',') ? s.split(',').map(Number) : [Number(s), Number(s)]);
    const [kh, kw] = pair(q.kernel_size);
    const cin = Number(q.in_channels);
    const ref = convTranspose2dRef(x, [cin, Number(q.height), Number(q.width)], w, [Number(q.out_channels) / prm.groups, kh, kw], bias ? JSON.parse(bias) : null, prm);
    assert.equal(await dataset(page, sc, 'outputShape'), ref.shape.join(','));
    assert.equal(await outputShape(page), `torch.Size([${ref.shape.join(', ')}])`);
    assert.ok(close(a, ref.y), `${cfg}: equals the definition`);
  }
  await page.screenshot({ path: path.join(SCREENSHOTS, 'transpose-groups-dilation-1280x800.png'), fullPage: true });

  // step by output cells: the zero-insertion dot product of every cell is that output value
  await page.locator('label[for="t-step-output"]').click();
  await page.waitForFunction(() => /step=output/.test(location.hash));
  await pauseAtStart(page);
  const out = await json(page, '#card-zeroinsert', 'outputValues');
  for (let p = 0; p < 4; p++) {
    await atPosition(page, p);
    const dp = page.locator('#zi-dot-product');
    await dp.waitFor({ state: 'visible' });
    assert.ok(Math.abs(Number(await dataset(page, '#zi-dot-product', 'output')) - out[p]) < 1e-5);
    const terms = await page.locator('#zi-dot-product .term').evaluateAll((els) => els.map((e) => Number(e.dataset.w) * Number(e.dataset.x)));
    const sum = terms.reduce((s, t) => s + t, 0) + Number(await dataset(page, '#zi-dot-product', 'bias'));
    assert.ok(Math.abs(sum - out[p]) < 1e-4);
    await page.keyboard.press('ArrowRight');
  }
  // hovering an output cell of the scatter view names it in both views
  const pt = await cellPoint(page, 'scatter', 'output', 0, 1, 1);
  await page.mouse.move(pt.x, pt.y);
  await page.waitForFunction(() => document.querySelector('#card-scatter').dataset.focusOutput === '0,1,1');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'transpose-hover-output-1280x800.png') });
  assert.deepEqual(errors, []);
  await done();
});

test('Unfold / Fold: patches become columns, fold sums them back, fold(unfold(x)) = x ⊙ count', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'mode=unfold&in_channels=2&height=5&width=6&kernel_size=3&stride=2&padding=1' });
  await pauseAtStart(page);
  assert.equal(await page.locator('#module-repr').textContent(), 'F.unfold(x, kernel_size=(3, 3), dilation=(1, 1), padding=(1, 1), stride=(2, 2))');
  assert.equal(await outputShape(page), 'torch.Size([1, 18, 9])');
  assert.equal(await dataset(page, '#fold-check', 'equal'), 'true');
  const back = await json(page, '#card-fold', 'back');
  const count = await json(page, '#card-fold', 'count');
  // count by hand: how many 3×3 windows (stride 2, padding 1) cover each cell of a 5×6 input
  const cover = (n, i) => {
    let c = 0;
    for (let o = 0; o * 2 + 3 <= n + 2; o++) if (i + 1 >= o * 2 && i + 1 < o * 2 + 3) c++;
    return c;
  };
  const want = [];
  for (let i = 0; i < 5; i++) for (let j = 0; j < 6; j++) want.push(cover(5, i) * cover(6, j));
  assert.deepEqual(count, want);
  const cols = await json(page, '#card-unfold', 'columns');
  assert.equal(cols.length, 18 * 9);
  assert.equal(back.length, 60);
  // the two halves of the timeline
  assert.equal(await dataset(page, '#card-unfold', 'phase'), 'unfold');
  await page.keyboard.press('End');
  await atPosition(page, 17);
  assert.equal(await dataset(page, '#card-unfold', 'phase'), 'fold');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'unfold-fold-end-1280x800.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await done();
});

test('matrix view: hovering an entry of C (and of Cᵀ) highlights its input and output cells; Cᵀ·y equals ConvTranspose2d', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'mode=matrix&in_channels=1&height=5&width=5&kernel_size=3' });
  await pauseAtStart(page);
  const card = '#card-matrix';
  assert.equal(await dataset(page, card, 'shape'), '9,25');
  const kernel = await json(page, card, 'kernel');
  // C[4, 12]: output (1, 1) reads input (2, 2) with the kernel's centre tap
  let pt = await cellPoint(page, 'matrix', 'M', null, 4, 12);
  await page.mouse.move(pt.x, pt.y);
  await page.waitForFunction(() => document.querySelector('#card-matrix').dataset.hoverEntry === '4,12');
  assert.equal(await dataset(page, card, 'hoverInput'), '2,2');
  assert.equal(await dataset(page, card, 'hoverOutput'), '1,1');
  assert.equal(Number(await dataset(page, card, 'entryValue')), kernel[4]);
  // C[2, 14]: output (0, 2), input (2, 4) = kernel tap (2, 2)
  pt = await cellPoint(page, 'matrix', 'M', null, 2, 14);
  await page.mouse.move(pt.x, pt.y);
  await page.waitForFunction(() => document.querySelector('#card-matrix').dataset.hoverEntry === '2,14');
  assert.equal(await dataset(page, card, 'hoverInput'), '2,4');
  assert.equal(await dataset(page, card, 'hoverOutput'), '0,2');
  assert.equal(Number(await dataset(page, card, 'entryValue')), kernel[8]);
  assert.equal(await dataset(page, '#matrix-checks', 'forwardEqual'), 'true');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'matrix-hover-1280x800.png') });

  // Cᵀ: rows are input cells, columns output cells
  await page.locator('[data-matrix="T"]').click();
  await page.waitForFunction(() => document.querySelector('#card-matrix').dataset.shape === '25,9');
  pt = await cellPoint(page, 'matrix', 'M', null, 12, 4);
  await page.mouse.move(pt.x, pt.y);
  await page.waitForFunction(() => document.querySelector('#card-matrix').dataset.hoverEntry === '12,4');
  assert.equal(await dataset(page, card, 'hoverInput'), '2,2');
  assert.equal(await dataset(page, card, 'hoverOutput'), '1,1');
  assert.equal(await dataset(page, '#matrix-checks', 'transposeEqual'), 'true');
  assert.match(await page.locator('#matrix-transpose-check').textContent(), /✓ equal: Cᵀ·y and F\.conv_transpose2d/);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'matrix-transpose-1280x800.png') });

  // reflect padding: C still gives Conv2d, but Cᵀ is no ConvTranspose2d — said so
  await setParam(page, 'padding', '1');
  await page.getByLabel('padding_mode', { exact: true }).selectOption('reflect');
  await page.waitForFunction(() => document.querySelector('#matrix-checks').dataset.transposeEqual === '');
  assert.match(await page.locator('#matrix-transpose-check').textContent(), /ConvTranspose2d only knows zero padding/);
  assert.equal(await dataset(page, '#matrix-checks', 'forwardEqual'), 'true');
  assert.deepEqual(errors, []);
  await done();
});

test('groups: depthwise in one click; the channel diagram and the block-diagonal weights follow; the matrix pair follows groups', async () => {
  const { page, errors, close: done } = await app.open({ hash: 'in_channels=4&out_channels=4' });
  await pauseAtStart(page);
  await page.locator('#card-groups [data-action="depthwise"]').click();
  await page.waitForFunction(() => /groups=4/.test(document.querySelector('#module-repr').textContent));
  assert.equal(await dataset(page, '#groups-note', 'groups'), '4');
  assert.match(await page.locator('#groups-note').textContent(), /depthwise/);
  assert.equal(await page.locator('#dot-product .term').count(), 9, 'each output reads one channel');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'groups-depthwise-1280x800.png'), fullPage: true });
  // groups=2 by the slider: values are the common divisors 1, 2, 4
  const slider = page.getByRole('slider', { name: 'groups slider' });
  assert.equal(await slider.getAttribute('max'), '2');
  await setParam(page, 'groups', '2');
  await page.waitForFunction(() => document.querySelector('#groups-note').dataset.groups === '2');
  // matrix mode: a pair across groups is not offered; clicking the diagram picks a pair
  await openMode(page, 'matrix');
  await pauseAtStart(page);
  const outs = await page.locator('#pair-out option').allTextContents();
  assert.deepEqual(outs, ['0', '1'], 'input channel 0 (group 0) feeds outputs 0 and 1');
  await page.locator('#pair-in').selectOption('3');
  await page.waitForFunction(() => document.querySelector('#card-matrix').dataset.pair === '3,2');
  assert.deepEqual(await page.locator('#pair-out option').allTextContents(), ['2', '3']);
  assert.deepEqual(errors, []);
  await done();
});

test('modes share their settings; switching keeps them and converts what a mode cannot take', async () => {
  const { page, errors, close: done } = await app.open();
  await setParam(page, 'stride', '2');
  await setParam(page, 'padding', "'same'");
  // 'same' needs stride 1: the error is shown, then fixed
  await setParam(page, 'stride', '1');
  await setParam(page, 'kernel_size', '3');
  await shapeIs(page, 'torch.Size([1, 1, 5, 5])');
  await openMode(page, 'unfold');
  // F.unfold takes numbers: 'same' became the halo it stands for
  assert.equal(await page.getByLabel('padding', { exact: true }).inputValue(), '1');
  assert.equal(await outputShape(page), 'torch.Size([1, 27, 25])');
  assert.equal(await page.locator('.ctl[data-param="out_channels"]').isHidden(), true, 'unfold has no out_channels');
  assert.equal(await page.locator('.ctl[data-param="padding"] .ctl-kinds').isHidden(), true);
  await setParam(page, 'stride', '2');
  await openMode(page, 'convTranspose2d');
  assert.equal(await page.getByLabel('stride', { exact: true }).inputValue(), '2');
  assert.equal(await page.locator('.ctl[data-param="padding_mode"]').isHidden(), true);
  assert.equal(await outputShape(page), 'torch.Size([1, 1, 9, 9])');
  await openMode(page, 'conv2d');
  // from ConvTranspose2d(3, 1, …) on 5×5 → 9×9, Conv2d is the layer whose transpose that is (#17):
  // channels swapped, its input the 9×9, the same kernel_size, stride and padding
  await shapeIs(page, 'torch.Size([1, 3, 5, 5])');
  assert.equal(await page.locator('#input-shape').textContent(), 'torch.Size([1, 1, 9, 9])');
  assert.equal(await page.getByLabel('stride', { exact: true }).inputValue(), '2');
  // a link opens the mode it names
  await page.waitForFunction(() => !/[#&]mode=/.test(location.hash));
  assert.deepEqual(errors, []);
  await done();
});
