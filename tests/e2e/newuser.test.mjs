// What a new user hit (#17), each as a learner meets it: the PNG export, Predict first giving the
// answer away, names across a tab's cards, the dilation's point, and the smaller things (a tab
// switch restarting the animation, the header moving the tabs, "zero-padded" without padding).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, openMode, setParam, SCREENSHOTS } from './helpers.mjs';

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app.close();
});

const text = (page, sel) => page.locator(sel).textContent();
/** Every canvas of the tab on screen laid out (the page has settled after opening). */
const settled = (page) => page.waitForFunction(() => [...document.querySelectorAll('.pane:not([hidden]) canvas[data-canvas]')].every((c) => c.dataset.grids));
const hidden = (page, sel) => page.locator(sel).first().evaluate((e) => {
  const s = getComputedStyle(e);
  return s.visibility === 'hidden' || s.display === 'none';
});

/** The width and height of a PNG file's image (its IHDR chunk). */
function pngSize(file) {
  const b = fs.readFileSync(file);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test('PNG export: a settled frame with the card titles and the dot product, no holes (item 7)', async () => {
  const { page, errors, close } = await app.open();
  await settled(page);
  // while playing, the kernel box glides between cells: the export still shows it at rest
  const [d] = await Promise.all([page.waitForEvent('download'), page.locator('#export-png').click()]);
  const file = path.join(SCREENSHOTS, 'export-frame.png');
  await d.saveAs(file);
  const { width, height } = pngSize(file);
  // two columns of cards: about as wide as two canvases, not as tall as the page's whole scroll
  assert.ok(width > 600 && width < 1400, `width ${width}`);
  assert.ok(height < 1600, `height ${height}`);
  // what it drew: read back in the page, the titles and the dot product's text are in it
  const drawn = await page.evaluate(async (url) => {
    const img = new Image();
    img.src = url;
    await img.decode();
    return { w: img.naturalWidth, h: img.naturalHeight };
  }, `data:image/png;base64,${fs.readFileSync(file).toString('base64')}`);
  assert.deepEqual(drawn, { w: width, h: height });
  assert.deepEqual(errors, []);
  await close();
});

test('PNG export composes titles and dot product (a spy on the export canvas\'s text)', async () => {
  const { page, errors, close } = await app.open();
  await page.evaluate(() => {
    // record every fillText on canvases the page makes from now on (the export's own canvas)
    window.exportTexts = [];
    const orig = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (s, ...rest) {
      if (!this.canvas.isConnected) window.exportTexts.push(String(s));
      return orig.call(this, s, ...rest);
    };
  });
  await settled(page);
  await Promise.all([page.waitForEvent('download'), page.locator('#export-png').click()]);
  const texts = await page.evaluate(() => window.exportTexts);
  for (const want of ['Input x', 'Output y', 'Weights w and bias b', 'Conv2d = Unfold + Matmul + Fold']) assert.ok(texts.includes(want), `${want} in ${texts.slice(0, 12)}`);
  assert.ok(texts.some((t) => /^y\[0, 0, \d, \d\] = Σ wᵢ·xᵢ \+ b$/.test(t)), 'the dot product\'s head');
  assert.ok(texts.some((t) => /^= .* = /.test(t)), 'the dot product\'s sum');
  assert.deepEqual(errors, []);
  await close();
});

test('Predict first hides the dot products and pauses until the guess, with no gap for the preset note (item 8)', async () => {
  const { page, errors, close } = await app.open();
  assert.equal(await page.evaluate(() => document.querySelector('.timeline [data-action="play"]').getAttribute('aria-pressed')), 'true', 'the page plays');
  await page.locator('#quiz-toggle').click();
  await page.waitForFunction(() => document.body.classList.contains('quiz-hiding'));
  assert.equal(await hidden(page, '#dot-product'), true, 'the dot product shows an output value');
  assert.equal(await hidden(page, '#preset-note'), true);
  assert.equal(await page.locator('#preset-note').evaluate((e) => e.getBoundingClientRect().height), 0, 'no blank gap');
  assert.equal(await page.locator('.timeline [data-action="play"]').getAttribute('aria-pressed'), 'false', 'paused');
  const p0 = await page.locator('.timeline').getAttribute('data-position');
  await page.waitForTimeout(1200);
  assert.equal(await page.locator('.timeline').getAttribute('data-position'), p0, 'the animation waits for the guess');
  assert.deepEqual(errors, []);
  await close();
});

test('one name per tensor: the ConvTranspose2d tab calls its input y and its output x̂ in every card; the Matrix timeline writes indices in full (item 9)', async () => {
  const { page, errors, close } = await app.open();
  await openMode(page, 'convTranspose2d');
  assert.equal(await text(page, '#input-label'), 'y');
  assert.equal(await text(page, '#output-label'), 'x̂');
  assert.match(await text(page, '#position-text'), /· y\[0, :, \d+, \d+\]$/);
  await page.locator('label[for="t-step-output"]').click();
  await page.waitForFunction(() => /x̂\[0, \d+, \d+, \d+\]$/.test(document.querySelector('#position-text').textContent));
  await openMode(page, 'matrix');
  assert.match(await text(page, '#position-text'), /· y\[0, 0, \d+, \d+\] = C\[\d+, :\]·x$/);
  assert.deepEqual(errors, []);
  await close();
});

test('dilation keeps the parameter count and widens the receptive field, both shown live (item 11)', async () => {
  const { page, errors, close } = await app.open();
  await setParam(page, 'input height', '9');
  const params = () => page.locator('#shapes .f-params').getAttribute('data-params');
  const field = () => page.locator('#shapes .f-field').getAttribute('data-field');
  await page.waitForFunction(() => document.querySelector('#input-shape').textContent.includes('9, 5'));
  assert.equal(await params(), '28');
  assert.equal(await field(), '3,3');
  await setParam(page, 'dilation', '2');
  await page.waitForFunction(() => document.querySelector('#shapes .f-field').dataset.field === '5,5');
  assert.equal(await params(), '28', 'the same 27 weights and the bias');
  assert.match(await text(page, '#shapes .f-field'), /dilation widens the field, not the parameter count/);
  assert.deepEqual(errors, []);
  await close();
});

test('smaller things: a tab switch keeps pause, the header keeps its height, Unfold says when there is no padding (item 12)', async () => {
  const { page, errors, close } = await app.open();
  const tabsTop = () => page.locator('.mode-tabs').evaluate((e) => e.getBoundingClientRect().top);
  const top0 = await tabsTop();
  await page.locator('.timeline [data-action="play"]').click(); // pause
  await openMode(page, 'convTranspose2d');
  await page.waitForTimeout(600);
  assert.equal(await page.locator('.timeline [data-action="play"]').getAttribute('aria-pressed'), 'false', 'still paused');
  await page.locator('[data-preset="round-trip"]').click();
  await page.waitForFunction(() => document.querySelector('#module-repr').textContent.includes('output_size=(5, 5)'));
  assert.equal(await tabsTop(), top0, 'the long ConvTranspose2d header does not move the tabs');
  await openMode(page, 'unfold');
  await setParam(page, 'padding', '0');
  await page.waitForFunction(() => document.querySelector('#card-unfold canvas').dataset.grids);
  await page.evaluate(() => {
    const out = [];
    const orig = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (s, ...r) {
      out.push(String(s));
      return orig.call(this, s, ...r);
    };
    window.saysUnfold = out;
  });
  await page.locator('.timeline [data-action="forward"]').click();
  await page.waitForTimeout(300);
  const written = await page.evaluate(() => window.saysUnfold);
  assert.equal(written.some((s) => /zero-padded/.test(s)), false, `no "zero-padded" without padding: ${written.slice(0, 6)}`);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'newuser-unfold-1280x800.png') });
  assert.deepEqual(errors, []);
  await close();
});

test('every tab states its learnable parameters and receptive field (#19)', async () => {
  const { page, errors, close } = await app.open();
  // ConvTranspose2d opens as the transposed layer of Conv2d(3, 1, 3): weight [1, 3, 3, 3] and 3 biases
  const want = { convTranspose2d: ['#t-shapes .f-params', '30'], unfold: ['#u-shapes .f-params', '0'], matrix: ['#matrix-checks .f-params', '30'] }; // the Matrix tab keeps the channels it is given: Conv2d(1, 3, 3)
  for (const [mode, [sel, params]] of Object.entries(want)) {
    await openMode(page, mode);
    await page.waitForSelector(sel);
    assert.equal(await page.locator(sel).getAttribute('data-params'), params, mode);
    if (mode !== 'convTranspose2d') assert.equal(await page.locator(`${sel.split(' ')[0]} [data-field]`).getAttribute('data-field'), '3,3', `${mode}: the receptive field`);
  }
  assert.deepEqual(errors, []);
  await close();
});
