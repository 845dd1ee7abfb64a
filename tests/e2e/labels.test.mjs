// What the cells say (#17 items 5, 11 and 12): every cell with room shows its value rounded to
// fit (random floats too), the hover writes the exact value, an image input is drawn in grey and
// a fill chip is pressed only while the tensor is that fill. Pixels are read off the canvases.
// Run: node --test tests/e2e/labels.test.mjs   (needs www/pkg and /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, pauseAtStart, cellPoint, SCREENSHOTS } from './helpers.mjs';

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.close();
});

const dataset = (page, sel, key) => page.locator(sel).evaluate((el, k) => el.dataset[k], key);

async function choosePreset(page, id) {
  await page.selectOption('#preset', id);
  await page.waitForFunction((want) => document.querySelector('#presets').dataset.preset === want, id, { timeout: 5000 });
}

/** A grid of a canvas's data-grids: [x, y, rows, cols, cw, ch] (`index` a number or a path). */
async function gridOf(page, canvas, key, index) {
  let g = JSON.parse(await page.locator(`canvas[data-canvas="${canvas}"]`).getAttribute('data-grids'))[key];
  for (const i of [index].flat()) g = g[i];
  return g;
}

/**
 * The RGB pixels of a rectangle of a canvas (CSS pixels = canvas pixels: the tests run at
 * deviceScaleFactor 1): [[r, g, b], ...] row by row.
 */
function pixels(page, canvas, x, y, w, h) {
  return page.evaluate(({ canvas, x, y, w, h }) => {
    // copied onto a canvas of its own, read once (repeated reads of the page's canvas would
    // make Chromium warn, and the tests keep the console clean)
    const el = document.querySelector(`canvas[data-canvas="${canvas}"]`);
    const copy = document.createElement('canvas');
    copy.width = w;
    copy.height = h;
    const g = copy.getContext('2d', { willReadFrequently: true });
    g.drawImage(el, Math.round(x), Math.round(y), w, h, 0, 0, w, h);
    const d = g.getImageData(0, 0, w, h).data;
    const out = [];
    for (let i = 0; i < d.length; i += 4) out.push([d[i], d[i + 1], d[i + 2]]);
    return out;
  }, { canvas, x, y, w, h });
}

/** How many pixels inside cell (r, c) of grid g stand out from the cell's own colour (its text). */
async function textPixels(page, canvas, g, r, c) {
  const [x, y, , , cw, ch] = g;
  const inset = 4; // clear of the grid lines and any outline
  const px = await pixels(page, canvas, x + c * cw + inset, y + r * ch + inset, cw - 2 * inset, ch - 2 * inset);
  const bg = px[0];
  return px.filter((p) => Math.max(...p.map((v, k) => Math.abs(v - bg[k]))) > 60).length;
}

test('ConvTranspose2d lecture preset: random-float cells show rounded labels; the hover writes the exact value', async () => {
  const { page, errors, close } = await app.open();
  await choosePreset(page, 'lecture-up');
  await pauseAtStart(page);
  const x = JSON.parse(await dataset(page, '#card-scatter', 'inputValues'));
  // x[0, 0] holds random floats with two decimals: −0.99 at (0, 1), −0.44 at (1, 2)
  const f = Math.fround;
  assert.equal(x[1], f(-0.99));
  assert.equal(x[5], f(-0.44));
  const g = await gridOf(page, 'scatter', 'x', 0);
  assert.ok(g[4] < 40, `cells too narrow for "−0.44" (${g[4]} px): the label must be rounded to fit`);
  for (const [r, c] of [[0, 1], [1, 2]]) {
    assert.ok(await textPixels(page, 'scatter', g, r, c) > 8, `x[0, 0, ${r}, ${c}] = ${x[r * 3 + c]} has a label`);
  }
  // the canvases of every view label such cells: the zero-insertion copy of x[0, 0] too
  // (stride 2, padding 1: x[.., r, c] is cell (1 + 2r, 1 + 2c) of the 7×7 zero-inserted grid)
  const zi = await gridOf(page, 'zeroinsert', 'zi', 0);
  assert.ok(await textPixels(page, 'zeroinsert', zi, 3, 5) > 8, 'the zero-inserted −0.44 has a label');

  // hover −0.99 (labelled −1): its exact value above it
  const canvas = page.locator('canvas[data-canvas="scatter"]');
  const pt = await cellPoint(page, 'scatter', 'x', 0, 0, 1);
  await page.mouse.move(pt.x, pt.y);
  await page.waitForFunction(() => document.querySelector('canvas[data-canvas="scatter"]').dataset.tip === '\u22120.99', null, { timeout: 3000 });
  // the label is drawn: dark pixels with white text right above the cell
  const [gx, gy, , , cw, ch] = g;
  const tip = await pixels(page, 'scatter', gx, Math.max(0, gy - 24), 3 * cw, 24);
  assert.ok(tip.filter(([r, gg, b]) => r < 40 && gg < 40 && b < 60).length > 100, 'a dark tip above the hovered cell');
  assert.ok(tip.filter(([r, gg, b]) => r > 200 && gg > 200 && b > 200).length > 10, 'with light text');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'labels-hover-1280x800.png') });
  // another cell: another value; off the canvas: none
  const pt2 = await cellPoint(page, 'scatter', 'x', 0, 1, 2);
  await page.mouse.move(pt2.x, pt2.y);
  await page.waitForFunction(() => document.querySelector('canvas[data-canvas="scatter"]').dataset.tip === '\u22120.44', null, { timeout: 3000 });
  await page.mouse.move(5, 5);
  await page.waitForFunction(() => document.querySelector('canvas[data-canvas="scatter"]').dataset.tip === '', null, { timeout: 3000 });
  assert.equal(await canvas.getAttribute('data-tip'), '');
  // a weight in another view: the shortest text of its float32
  const w = JSON.parse(await dataset(page, '#card-scatter', 'weightValues'));
  const wp = await cellPoint(page, 'scatter', 'k', [0, 0], 0, 0);
  await page.mouse.move(wp.x, wp.y);
  const want = String(Number(w[0].toPrecision(9))).replace('-', '\u2212');
  await page.waitForFunction(() => document.querySelector('canvas[data-canvas="scatter"]').dataset.tip !== '', null, { timeout: 3000 });
  const got = await canvas.getAttribute('data-tip');
  assert.equal(Math.fround(Number(got.replace('\u2212', '-'))), w[0], `${got} reads back as the weight`);
  assert.ok(got.length <= want.length, `${got}: the shortest exact text`);
  assert.deepEqual(errors, []);
  await close();
});

test('an image input is drawn in grey (weights and outputs keep the blue–red map)', async () => {
  const { page, errors, close } = await app.open();
  await page.locator('#image-panel summary').click();
  await page.selectOption('#img-channels', '1');
  await page.selectOption('#img-size', '32');
  await page.locator('#img-sample').click();
  await page.waitForFunction(() => document.querySelector('#input-shape').textContent === 'torch.Size([1, 1, 32, 32])');
  await pauseAtStart(page);
  const g = await gridOf(page, 'input', 'grids', 0);
  const [x, y, rows, cols, cw, ch] = g;
  const x0 = JSON.parse(await dataset(page, '#card-input', 'values'));
  // padding 1: padded cell (r + 1, c + 1) is pixel (r, c); sample a few with different values
  let checked = 0;
  for (const [r, c] of [[5, 5], [10, 20], [20, 8], [28, 25]]) {
    const [p] = await pixels(page, 'input', x + (c + 1.5) * cw, y + (r + 1.5) * ch, 1, 1);
    const v = x0[r * 32 + c];
    assert.ok(Math.max(...p) - Math.min(...p) <= 2, `pixel (${r}, ${c}) = ${v} drawn grey, got rgb(${p})`);
    assert.ok(Math.abs(p[0] - v * 255) <= 3, `0 = black, 1 = white: ${v} → ${p[0]}`);
    checked++;
  }
  assert.equal(checked, 4);
  assert.ok(rows === 34 && cols === 34);
  // the legend says so
  assert.match(await page.locator('#card-input .legend-bar').evaluate((e) => e.style.backgroundImage), /rgb\(0, 0, 0\), rgb\(255, 255, 255\)/);
  // the weights stay on the diverging map: a −1 is blue
  const w = JSON.parse(await dataset(page, '#card-weights', 'values'));
  const k = w.indexOf(-1);
  const wg = await gridOf(page, 'weights', 'kernels', [0, 0]);
  const [p] = await pixels(page, 'weights', wg[0] + ((k % 3) + 0.2) * wg[4], wg[1] + (Math.floor(k / 3) + 0.2) * wg[5], 1, 1);
  assert.ok(p[2] > p[0] + 40, `weight −1 is blue, got rgb(${p})`);
  await page.locator('#card-input').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'labels-image-grey-1280x800.png') });
  // ConvTranspose2d: its input is the image, grey as well
  await page.locator('[data-mode-tab="convTranspose2d"]').click();
  await page.waitForFunction(() => document.body.dataset.mode === 'convTranspose2d');
  await page.locator('#img-sample').click();
  await page.waitForFunction(() => document.querySelector('#input-shape').textContent === 'torch.Size([1, 1, 32, 32])');
  const sg = await gridOf(page, 'scatter', 'x', 0);
  const [q] = await pixels(page, 'scatter', sg[0] + 10.5 * sg[4], sg[1] + 20.5 * sg[5], 1, 1);
  assert.ok(Math.max(...q) - Math.min(...q) <= 2, `ConvTranspose2d input drawn grey, got rgb(${q})`);
  assert.deepEqual(errors, []);
  await close();
});

test('a fill chip is pressed only while the tensor is exactly that fill: not after a cell edit or an image load', async () => {
  const { page, errors, close } = await app.open();
  await pauseAtStart(page);
  const chip = page.locator('#card-input .fill[data-fill="integers"]');
  assert.equal(await chip.getAttribute('aria-pressed'), 'true');
  // edit one input cell
  const pt = await cellPoint(page, 'input', 'grids', 0, 2, 2);
  await page.mouse.click(pt.x, pt.y);
  const box = page.locator('#cell-editor-value');
  await box.waitFor({ state: 'visible' });
  await box.fill('7');
  await box.press('Enter');
  await page.waitForFunction(() => /set_input=/.test(location.hash));
  await page.waitForFunction(() => document.querySelector('#card-input .fill[data-fill="integers"]').getAttribute('aria-pressed') === 'false', null, { timeout: 3000 });
  assert.equal(await page.locator('#card-input .fill[aria-pressed="true"]').count(), 0, 'no chip pressed');
  // the chip brings the fill back (and is pressed again)
  await chip.click();
  await page.waitForFunction(() => !/set_input=/.test(location.hash));
  assert.equal(await chip.getAttribute('aria-pressed'), 'true');
  // a weight edit leaves the weights' chip, not the input's
  const wp = await cellPoint(page, 'weights', 'kernels', [0, 0], 0, 0);
  await page.mouse.click(wp.x, wp.y);
  await box.waitFor({ state: 'visible' });
  await box.fill('3');
  await box.press('Enter');
  await page.waitForFunction(() => document.querySelector('#card-weights .fill[data-fill="integers"]').getAttribute('aria-pressed') === 'false', null, { timeout: 3000 });
  assert.equal(await chip.getAttribute('aria-pressed'), 'true');
  // an image input: no input chip pressed
  await page.locator('#image-panel summary').click();
  await page.selectOption('#img-size', '32');
  await page.locator('#img-sample').click();
  await page.waitForFunction(() => document.body.dataset.image === 'true' && /img=sample/.test(location.hash));
  await page.waitForFunction(() => document.querySelectorAll('#card-input .fill[aria-pressed="true"]').length === 0, null, { timeout: 3000 });
  assert.deepEqual(errors, []);
  await close();
});

test('dilation holes are washed lighter, their values readable, no dot over them', async () => {
  const { page, errors, close } = await app.open();
  await choosePreset(page, 'dilation');
  await pauseAtStart(page);
  const g = await gridOf(page, 'input', 'grids', 0);
  // at position 0 the footprint covers rows / columns 0…4; (0, 1) is a hole, (0, 2) a tap
  const [x, y, , , cw, ch] = g;
  const ghost = [107, 114, 128]; // the colour of the dots drawn over holes before
  for (const [r, c] of [[0, 1], [1, 1], [2, 3]]) {
    assert.ok(await textPixels(page, 'input', g, r, c) > 8, `the hole (${r}, ${c}) shows its value`);
    const centre = await pixels(page, 'input', x + (c + 0.5) * cw - 1, y + (r + 0.5) * ch - 1, 3, 3);
    const dotted = centre.filter((p) => p.every((v, k) => Math.abs(v - ghost[k]) <= 8)).length;
    assert.ok(dotted < 5, `no dot over the value of (${r}, ${c}) (${dotted} of 9 centre pixels dot-grey)`);
  }
  const corner = async (r, c) => (await pixels(page, 'input', x + c * cw + 3, y + r * ch + 3, 1, 1))[0];
  // (2, 1) is a hole in a row whose plain cells (2, 5), (2, 6) are outside the footprint: washed
  // lighter than its unwashed neighbours, but not white
  const hole = await corner(2, 1);
  const plain = await corner(2, 5);
  const sum = (p) => p[0] + p[1] + p[2];
  assert.ok(sum(hole) > sum(plain), `the hole is lighter (${hole} vs ${plain})`);
  assert.ok(sum(hole) < 3 * 250, `but not blank (${hole})`);
  await page.locator('#card-input').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'labels-dilation-1280x800.png') });
  assert.deepEqual(errors, []);
  await close();
});
