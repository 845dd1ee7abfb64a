// <conv-viz> (www/embed.js) in a course page whose CSS styles everything, including the class
// names the app uses: two elements that know nothing of each other, their styles scoped both
// ways, one wasm module and one copy of the stylesheets fetched for the page, attributes that
// apply live, the property API and the change event, a mangled state, and axe over the page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, ROOT, SCREENSHOTS } from './helpers.mjs';

const AXE = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const HOST = '/tests/e2e/pages/embed-host.html';

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** The host page with every request it makes counted by path. */
async function openHost(options = {}) {
  const requests = [];
  const opened = await env.open({
    path: HOST,
    waitReady: false,
    beforeLoad: (p) => p.on('request', (r) => requests.push(new URL(r.url()).pathname)),
    ...options,
  });
  await allReady(opened.page);
  return { ...opened, requests };
}

/** Every <conv-viz> of the page is on screen (its `ready` promise resolved). */
function allReady(page) {
  return page.evaluate(() => Promise.all([...document.querySelectorAll('conv-viz')].map((e) => e.ready.then(() => true))));
}

/** The text of an element inside an element's shadow root (Playwright's CSS pierces it). */
const text = (page, sel) => page.locator(sel).textContent();

/** Computed style properties of the first match of a selector inside a conv-viz's shadow root. */
function styleIn(page, id, sel, props) {
  return page.evaluate(([id, sel, props]) => {
    const e = document.getElementById(id).shadowRoot.querySelector(sel);
    const cs = getComputedStyle(e);
    return Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
  }, [id, sel, props]);
}

test('two elements: each its own state and timeline; one wasm fetch and one copy of the styles for the page', async () => {
  const { page, errors, requests, close } = await openHost();
  assert.equal(await text(page, '#a #output-shape'), 'torch.Size([1, 1, 2, 2])');
  assert.match(await text(page, '#a #module-repr'), /^Conv2d\(1, 1, kernel_size=\(3, 3\), stride=\(2, 2\)\)/);
  assert.equal(await text(page, '#b #output-shape'), 'torch.Size([1, 1, 5, 5])');
  assert.match(await text(page, '#b #module-repr'), /^ConvTranspose2d\(2, 1/);
  const count = (suffix) => requests.filter((p) => p.endsWith(suffix)).length;
  assert.equal(requests.filter((p) => p.endsWith('.wasm')).length, 1, `one wasm module for two elements: ${requests.filter((p) => p.endsWith('.wasm'))}`);
  for (const f of ['/www/style.css', '/www/embed.css', '/www/pkg/convviz.js', '/www/embed.js']) assert.equal(count(f), 1, f);
  // no autoplay attribute: both wait at the first cell
  assert.deepEqual(await page.evaluate(() => [a.playing, b.playing, a.step, b.step]), [false, false, 0, 0]);
  // an edit of a leaves b alone (its state, its shape, its timeline)
  await page.evaluate(() => b.play());
  const bBefore = await page.evaluate(() => b.state);
  const field = page.locator('#a #param-kernel_size');
  await field.fill('2');
  await field.press('Enter');
  await page.waitForFunction(() => a.shadowRoot.querySelector('#output-shape').textContent === 'torch.Size([1, 1, 2, 2])' && a.state.includes('kernel_size=2&'));
  assert.equal(await page.evaluate(() => b.state), bBefore);
  assert.equal(await page.evaluate(() => b.playing), true, 'b still plays');
  assert.equal(await page.evaluate(() => a.playing), false, 'a still waits');
  // keys are read inside their element only
  await page.evaluate(() => b.pause());
  const bStep = await page.evaluate(() => b.step);
  await page.locator('#a .timeline [data-action="forward"]').focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => a.step === 1);
  assert.equal(await page.evaluate(() => b.step), bStep);
  await page.locator('main > h1').click();
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => a.step), 1, 'a key on the host page moves no element');
  assert.deepEqual(errors, []);
  await close();
});

test('styles are scoped both ways: the host page\'s CSS does not reach in, the app\'s does not leak out', async () => {
  const { page, errors, close } = await openHost();
  // inside: the app's own look, whatever the host's body, * and class rules say
  const card = await styleIn(page, 'a', '#card-input', ['background-color', 'border-radius', 'box-sizing', 'padding-top', 'display']);
  assert.equal(card['background-color'], 'rgb(255, 255, 255)');
  assert.equal(card['border-radius'], '12px');
  assert.equal(card['box-sizing'], 'border-box');
  assert.notEqual(card.display, 'none');
  const h2 = await styleIn(page, 'a', '#title-input', ['font-family', 'font-style', 'letter-spacing', 'text-transform', 'color', 'font-size']);
  assert.doesNotMatch(h2['font-family'], /Georgia|Comic/);
  assert.equal(h2['font-style'], 'normal');
  assert.equal(h2['letter-spacing'], 'normal');
  assert.equal(h2['text-transform'], 'none');
  assert.equal(h2['font-size'], '15px');
  assert.equal(h2.color, 'rgb(31, 35, 40)', 'the app\'s --ink, not the host\'s');
  const play = await styleIn(page, 'a', '.tl-play', ['background-color', 'font-size', 'position']);
  assert.equal(play['background-color'], 'rgb(17, 24, 39)', 'the app\'s --accent, not the host\'s');
  assert.equal(play['font-size'], '13px');
  assert.equal((await styleIn(page, 'a', 'canvas[data-canvas="input"]', ['display'])).display, 'block');
  const tl = await styleIn(page, 'a', '.timeline', ['position']);
  assert.equal(tl.position, 'static', 'an element\'s timeline sits under its picture, not fixed to the window');
  // outside: the host's elements with the app's class names keep the host's look
  const host = await page.evaluate(() => {
    const cs = (id) => getComputedStyle(document.getElementById(id));
    return {
      timeline: cs('host-timeline').position,
      card: cs('host-card').borderRadius,
      cardBg: cs('host-card').backgroundColor,
      body: getComputedStyle(document.body).fontFamily,
      sheets: document.styleSheets.length,
      adopted: document.adoptedStyleSheets.length,
    };
  });
  assert.deepEqual(host, { timeline: 'static', card: '0px', cardBg: 'rgb(0, 0, 0)', body: 'Georgia, serif', sheets: 1, adopted: 0 });
  // the page's picture of it, for docs/embed.md
  await page.locator('#a').screenshot({ path: path.join(SCREENSHOTS, 'embed-host-a.png') });
  assert.deepEqual(errors, []);
  await close();
});

test('attributes apply live; el.state / el.step / play() / pause(); a change event with the new state', async () => {
  const { page, errors, close } = await openHost();
  const shown = (sel) => page.evaluate((sel) => {
    const e = a.shadowRoot.querySelector(sel);
    return Boolean(e && e.getClientRects().length);
  }, sel);
  // state
  await page.evaluate(() => a.setAttribute('state', 'mode=conv2d&in_channels=1&height=7&width=7'));
  await page.waitForFunction(() => a.shadowRoot.querySelector('#output-shape').textContent === 'torch.Size([1, 1, 5, 5])');
  let changes = await page.evaluate(() => window.changes);
  assert.equal(changes.at(-1).id, 'a');
  assert.match(changes.at(-1).state, /height=7&width=7/);
  assert.equal(await page.evaluate(() => a.state), changes.at(-1).state, 'el.state is the state on screen');
  // the property sets the attribute
  await page.evaluate(() => {
    a.state = 'mode=convTranspose2d&in_channels=1&height=2&width=2&stride=2';
  });
  await page.waitForFunction(() => a.dataset.mode === 'convTranspose2d' && a.shadowRoot.querySelector('#output-shape').textContent === 'torch.Size([1, 1, 5, 5])');
  assert.equal(await page.evaluate(() => a.getAttribute('state')), 'mode=convTranspose2d&in_channels=1&height=2&width=2&stride=2');
  await page.evaluate(() => a.setAttribute('state', 'mode=conv2d&in_channels=1'));
  await page.waitForFunction(() => a.dataset.mode === 'conv2d');
  // views
  assert.deepEqual([await shown('#card-input'), await shown('#card-output'), await shown('#dot-product'), await shown('#card-weights')], [true, true, true, false]);
  await page.evaluate(() => a.setAttribute('views', 'output'));
  assert.deepEqual([await shown('#card-input'), await shown('#card-output'), await shown('#dot-product')], [false, true, false]);
  await page.evaluate(() => a.removeAttribute('views'));
  assert.deepEqual([await shown('#card-input'), await shown('#card-weights'), await shown('#card-im2col')], [true, true, true]);
  // controls
  assert.deepEqual([await shown('.sidebar'), await shown('#param-stride'), await shown('.presets'), await shown('.mode-tabs')], [true, true, false, false], 'compact');
  await page.evaluate(() => a.setAttribute('controls', 'none'));
  assert.deepEqual([await shown('.sidebar'), await shown('.timeline')], [false, true], 'none');
  await page.evaluate(() => a.setAttribute('controls', 'full'));
  assert.deepEqual([await shown('.presets'), await shown('.mode-tabs'), await shown('.toolbar')], [true, true, true], 'full');
  // step, play, pause
  await page.evaluate(() => {
    a.step = 4;
  });
  await page.waitForFunction(() => a.shadowRoot.querySelector('.timeline').dataset.position === '4');
  assert.equal(await page.evaluate(() => a.step), 4);
  assert.match(await text(page, '#a #position-text'), /^cell 5 \/ 9/);
  await page.evaluate(() => a.play());
  await page.waitForFunction(() => a.step > 4);
  await page.evaluate(() => a.pause());
  const at = await page.evaluate(() => a.step);
  await page.waitForTimeout(900);
  assert.equal(await page.evaluate(() => a.step), at, 'paused');
  assert.equal(await page.evaluate(() => b.step), 0, 'b did not move');
  // autoplay, added live: plays (the element is on screen)
  await page.evaluate(() => {
    a.step = 0;
    a.setAttribute('autoplay', '');
  });
  await page.waitForFunction(() => a.playing && a.step > 0);
  // a learner's edit fires change with the new state
  const before = (await page.evaluate(() => window.changes)).length;
  await page.locator('#a #param-stride').fill('2');
  await page.locator('#a #param-stride').press('Enter');
  await page.waitForFunction((n) => window.changes.length > n, before);
  changes = await page.evaluate(() => window.changes);
  assert.equal(changes.at(-1).id, 'a');
  assert.match(changes.at(-1).state, /stride=2&/);
  assert.ok(changes.every((c) => c.id === 'a'), 'b never changed');
  assert.deepEqual(errors, []);
  await close();
});

test('a mangled state shows the notice for an unreadable link and the default example; a moved element keeps its app', async () => {
  const { page, errors, close } = await openHost();
  // a new element with a mangled link
  await page.evaluate(() => {
    const e = document.createElement('conv-viz');
    e.id = 'c';
    e.setAttribute('state', 'stride=0&mode=nonsense');
    e.step = 5; // asked before the element has a picture: applied to its first one
    document.querySelector('main').append(e);
  });
  await allReady(page);
  assert.equal(await page.evaluate(() => document.getElementById('c').step), 5);
  assert.match(await text(page, '#c #notice'), /The link could not be read .*showing the default example/);
  assert.equal(await text(page, '#c #output-shape'), 'torch.Size([1, 1, 3, 3])');
  assert.match(await text(page, '#c #module-repr'), /^Conv2d\(3, 1, kernel_size=\(3, 3\)/);
  // a readable link that PyTorch refuses (a kernel larger than the input)
  await page.evaluate(() => {
    const e = document.createElement('conv-viz');
    e.id = 'd';
    e.setAttribute('state', 'kernel_size=9');
    document.querySelector('main').append(e);
  });
  await allReady(page);
  assert.match(await text(page, '#d #notice'), /invalid convolution .*showing the default example/);
  assert.equal(await text(page, '#d #output-shape'), 'torch.Size([1, 1, 3, 3])');
  // a live attribute change to garbage: the notice and the defaults, never a broken element
  await page.evaluate(() => a.setAttribute('state', '%%%&&&=='));
  await page.waitForFunction(() => !a.shadowRoot.querySelector('#notice').hidden);
  assert.match(await text(page, '#a #notice'), /The link could not be read/);
  await page.waitForFunction(() => a.shadowRoot.querySelector('#output-shape').textContent === 'torch.Size([1, 1, 3, 3])');
  // moved within the page: the same app, its state kept
  const state = await page.evaluate(() => b.state);
  await page.evaluate(() => document.querySelector('main').prepend(b));
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => b.state), state);
  assert.equal(await text(page, '#b #output-shape'), 'torch.Size([1, 1, 5, 5])');
  // removed: its app is released (its shadow root emptied)
  await page.evaluate(() => {
    window.removed = document.getElementById('d');
    window.removed.remove();
  });
  await page.waitForFunction(() => window.removed.shadowRoot.childElementCount === 0 && !window.removed.classList.contains('is-ready'));
  assert.deepEqual(errors, []);
  await close();
});

test('axe finds nothing in the host page: two elements, then four (two of the same mode), full controls and a notice', async () => {
  const { page, errors, close } = await openHost();
  const audit = async (label) => {
    await page.evaluate(AXE);
    const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
    const v = r.violations.map((x) => `[${x.impact}] ${x.id}: ${x.help} — ${x.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(' | ')}`);
    assert.deepEqual(v, [], label);
  };
  await audit('two elements');
  await page.evaluate(() => {
    for (const [id, state, controls] of [['c', 'in_channels=1', 'full'], ['d', '%%', 'none']]) {
      const e = document.createElement('conv-viz');
      e.id = id;
      e.setAttribute('state', state);
      e.setAttribute('controls', controls);
      document.querySelector('main').append(e);
    }
  });
  await allReady(page);
  await page.locator('#d #notice').waitFor();
  await audit('four elements, one with a notice');
  assert.deepEqual(errors, []);
  await close();
});
