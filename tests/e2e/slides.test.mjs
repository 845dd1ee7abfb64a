// The example deck (examples/slides.html: reveal.js from npm, the lecture's three examples as
// <conv-viz> figures), driven as a teacher presents it: the arrow keys move from slide to slide;
// on each, the figure is drawn once it is shown and answers its controls (the timeline, the
// arguments, the round trip's buttons, a hover under reveal's scaling); keys used inside a figure
// do not move the deck.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, SCREENSHOTS } from './helpers.mjs';
import { copyReveal } from '../../tools/dist.mjs';

let env;
before(async () => {
  copyReveal(); // what `make examples` does: reveal.js from node_modules into examples/vendor/
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** Pixels drawn on a figure's canvas (read through a copy: no readback warning on the page's own). */
function painted(page, fig, canvas) {
  return page.evaluate(([fig, canvas]) => {
    const c = document.getElementById(fig).shadowRoot.querySelector(`canvas[data-canvas="${canvas}"]`);
    if (!c.width || !c.height) return 0;
    const copy = new OffscreenCanvas(c.width, c.height);
    const ctx = copy.getContext('2d');
    ctx.drawImage(c, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
    return n;
  }, [fig, canvas]);
}

const slideIndex = (page) => page.evaluate(() => window.deck.getIndices().h);
const data = (page, fig, sel) => page.evaluate(([fig, sel]) => ({ ...document.getElementById(fig).shadowRoot.querySelector(sel).dataset }), [fig, sel]);

/** Next slide by the keyboard (focus on the slide's heading first: keys inside a figure stay there). */
async function next(page, index, fig, canvas) {
  await page.locator('.reveal .slides > section.present h1, .reveal .slides > section.present h2').first().click();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((i) => window.deck.getIndices().h === i && !window.deck.isOverview(), index);
  await page.evaluate((fig) => document.getElementById(fig).ready.then(() => true), fig);
  // drawn once shown (reveal hides the slides it is not on)
  await page.waitForFunction(([fig, canvas]) => {
    const c = document.getElementById(fig).shadowRoot.querySelector(`canvas[data-canvas="${canvas}"]`);
    return c.getClientRects().length > 0 && c.width > 0;
  }, [fig, canvas]);
  for (let i = 0; i < 50 && (await painted(page, fig, canvas)) < 500; i++) await page.waitForTimeout(100);
  assert.ok((await painted(page, fig, canvas)) >= 500, `${fig}: its ${canvas} canvas is drawn after navigating to slide ${index}`);
}

test('every slide: its figure is drawn once navigated to, and answers its controls', async () => {
  const { page, errors, close } = await env.open({ path: '/examples/slides.html', waitReady: false, width: 1280, height: 800 });
  await page.waitForFunction(() => window.deck && window.deck.isReady());
  assert.equal(await slideIndex(page), 0);
  const scale = await page.evaluate(() => window.deck.getScale());
  assert.ok(scale > 0.5 && scale < 1, `reveal scales the 1280×960 slide to the window (${scale})`);

  // 1. nn.Conv2d(3, 1, 3) on ones: every output is the sum of the 27 weights plus the bias
  await next(page, 1, 'fig-conv', 'input');
  assert.equal(await page.locator('#fig-conv #output-shape').textContent(), 'torch.Size([1, 1, 3, 3])');
  const dot = await data(page, 'fig-conv', '#dot-product');
  assert.ok(Math.abs(Number(dot.sum) - -0.0034) < 1e-4, `the 27 lecture weights sum to −0.0034 (${dot.sum})`);
  assert.equal(Number(dot.output), Number(dot.sum) + Number(dot.bias));
  await page.locator('#fig-conv .timeline [data-action="forward"]').click();
  await page.waitForFunction(() => document.getElementById('fig-conv').step === 1);
  await page.keyboard.press('ArrowRight'); // focus on the figure's button: the timeline steps, the deck stays
  await page.waitForFunction(() => document.getElementById('fig-conv').step === 2);
  assert.equal(await slideIndex(page), 1, 'a key the figure used does not move the deck');
  // the dot product follows in the next frame: cell (0, 2)
  await page.waitForFunction(() => {
    const d = document.getElementById('fig-conv').shadowRoot.querySelector('#dot-product').dataset;
    return d.oh === '0' && d.ow === '2';
  });
  // a hover lands on the cell under the pointer although reveal scales the slide (near the cell's
  // top-left corner: unscaled, the point would fall into the cell above and to the left)
  const box = await page.locator('#fig-conv canvas[data-canvas="output"]').boundingBox();
  const layoutWidth = await page.evaluate(() => document.getElementById('fig-conv').shadowRoot.querySelector('canvas[data-canvas="output"]').offsetWidth);
  const k = box.width / layoutWidth;
  const [[gx, gy, , , cw, ch]] = JSON.parse((await data(page, 'fig-conv', 'canvas[data-canvas="output"]')).grids).grids;
  await page.mouse.move(box.x + (gx + 2.15 * cw) * k, box.y + (gy + 2.15 * ch) * k);
  await page.waitForFunction(() => document.getElementById('fig-conv').shadowRoot.querySelector('#card-output').dataset.focusCell === '0,2,2');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'slide-1.png') });

  // 2. all-ones weights: 27; the arguments answer (typed keys stay in the figure)
  await next(page, 2, 'fig-ones', 'input');
  assert.equal((await data(page, 'fig-ones', '#dot-product')).output, '27');
  const field = page.locator('#fig-ones #param-kernel_size');
  await field.click();
  await field.press('ArrowLeft');
  await field.fill('2');
  await field.press('f'); // reveal's fullscreen key: typed into the field, nothing else
  await field.press('Backspace');
  await field.press('Enter');
  await page.waitForFunction(() => document.getElementById('fig-ones').shadowRoot.querySelector('#output-shape').textContent === 'torch.Size([1, 1, 4, 4])');
  assert.equal((await data(page, 'fig-ones', '#dot-product')).output, '12', '3 channels × 2×2 ones');
  assert.equal(await slideIndex(page), 2);
  assert.match(await page.evaluate(() => document.getElementById('fig-ones').state), /kernel_size=2&/);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'slide-2.png') });

  // 3. Conv2d(1, 2, 3, stride=2, padding=1) then ConvTranspose2d(2, 1, 3, stride=2, padding=1), output_size=(5, 5)
  await next(page, 3, 'fig-roundtrip', 'roundtrip');
  assert.deepEqual(await data(page, 'fig-roundtrip', '#roundtrip'), { xShape: '1,1,5,5', yShape: '1,2,3,3', xhatShape: '1,1,5,5', restores: 'true' });
  assert.match(await page.locator('#fig-roundtrip #module-repr').textContent(), /^ConvTranspose2d\(2, 1, kernel_size=\(3, 3\), stride=\(2, 2\), padding=\(1, 1\)\)\(y, output_size=\(5, 5\)\)/);
  await page.locator('#fig-roundtrip .rt-size', { hasText: '6×6' }).click();
  await page.waitForFunction(() => document.getElementById('fig-roundtrip').shadowRoot.querySelector('#roundtrip').dataset.xhatShape === '1,1,6,6');
  await page.locator('#fig-roundtrip .timeline [data-action="play"]').click();
  await page.waitForFunction(() => document.getElementById('fig-roundtrip').playing);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'slide-3.png') });
  // and back: the first figure kept its state while hidden
  await page.evaluate(() => window.deck.slide(1));
  await page.waitForFunction(() => window.deck.getIndices().h === 1);
  assert.equal(await page.evaluate(() => document.getElementById('fig-conv').step), 2);
  assert.ok((await painted(page, 'fig-conv', 'output')) >= 500);
  assert.deepEqual(errors, []);
  await close();
});
