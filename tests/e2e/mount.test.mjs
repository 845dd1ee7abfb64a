// The app mounts into an element: two apps in one document work independently, and destroy()
// releases every listener, observer and frame callback the destroyed one registered.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './helpers.mjs';

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env.close();
});

/** Counts, made before any module runs: live listeners (by target, type, fn), observers, frames. */
function instrument() {
  const live = new Map();
  const keyOf = (t, type, fn, o) => [t, type, fn, Boolean(typeof o === 'object' ? o && o.capture : o)];
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  let n = 0;
  const ids = new WeakMap();
  const id = (x) => (ids.has(x) ? ids.get(x) : (ids.set(x, ++n), n));
  EventTarget.prototype.addEventListener = function (type, fn, o) {
    const [t, ty, f, c] = keyOf(this, type, fn, o);
    live.set(`${id(t)}|${ty}|${id(f)}|${c}`, t);
    return add.call(this, type, fn, o);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, o) {
    const [t, ty, f, c] = keyOf(this, type, fn, o);
    live.delete(`${id(t)}|${ty}|${id(f)}|${c}`);
    return remove.call(this, type, fn, o);
  };
  const observers = { live: 0 };
  for (const name of ['ResizeObserver', 'IntersectionObserver']) {
    const Base = window[name];
    window[name] = class extends Base {
      observe(...a) {
        if (!this.counted) observers.live++;
        this.counted = true;
        return super.observe(...a);
      }
      disconnect() {
        if (this.counted) observers.live--;
        this.counted = false;
        return super.disconnect();
      }
    };
  }
  const frames = { pending: new Set() };
  const raf = window.requestAnimationFrame.bind(window);
  const caf = window.cancelAnimationFrame.bind(window);
  window.requestAnimationFrame = (f) => {
    const h = raf((t) => {
      frames.pending.delete(h);
      f(t);
    });
    frames.pending.add(h);
    return h;
  };
  window.cancelAnimationFrame = (h) => {
    frames.pending.delete(h);
    caf(h);
  };
  /** Listeners whose target is inside `root` or is the window / document (what an app can leak). */
  /** Listeners on nodes inside `root`, and on the window, the document and message ports (global). */
  window.counts = (root) => {
    let listeners = 0;
    let global = 0;
    for (const t of live.values()) {
      if (t instanceof Node && t !== document && root.contains(t)) listeners++;
      else if (t === window || t === document || t instanceof MessagePort) global++;
    }
    return { listeners, global, observers: observers.live, frames: frames.pending.size };
  };
  window.listenerTypes = (root) => [...live.entries()].filter(([, t]) => t === window || t === document || (t instanceof Node && root.contains(t))).map(([k, t]) => `${t.constructor.name}.${k.split('|')[1]}`);
}

async function openTwo() {
  const page = await env.open({ path: '/tests/e2e/pages/two-apps.html', waitReady: false, beforeLoad: (p) => p.addInitScript(instrument) });
  await page.page.waitForSelector('body[data-mounted="true"] #fig-a.is-ready');
  await page.page.waitForSelector('#fig-b.is-ready');
  return page;
}

test('two apps in one document: each keeps its own state, shapes and animation', async () => {
  const { page, errors, close } = await openTwo();
  const text = (sel) => page.locator(sel).textContent();
  assert.equal(await text('#a-output-shape'), 'torch.Size([1, 1, 4, 4])');
  assert.equal(await text('#b-output-shape'), 'torch.Size([1, 1, 5, 5])');
  assert.match(await text('#b-module-repr'), /^ConvTranspose2d\(2, 1/);
  // ids are unique in the document: every label points into its own app
  const dupes = await page.evaluate(() => {
    const seen = new Set();
    const out = [];
    for (const e of document.querySelectorAll('[id]')) {
      if (seen.has(e.id)) out.push(e.id);
      seen.add(e.id);
    }
    return out;
  });
  assert.deepEqual(dupes, []);
  // pause b, then edit a: b's shape text, state and timeline stay
  await page.locator('#fig-b .timeline [data-action="play"]').click();
  await page.locator('#fig-b .timeline [data-action="home"]').click();
  const bBefore = await page.evaluate(() => ({ hash: window.apps.b.store.state, pos: window.apps.b.timeline.position, playing: window.apps.b.timeline.playing }));
  assert.equal(bBefore.playing, false);
  const field = page.locator('#a-param-kernel_size');
  await field.fill('2');
  await field.press('Enter');
  await page.waitForFunction(() => document.querySelector('#a-output-shape').textContent === 'torch.Size([1, 1, 5, 5])');
  await page.waitForTimeout(300);
  const bAfter = await page.evaluate(() => ({ hash: window.apps.b.store.state, pos: window.apps.b.timeline.position, playing: window.apps.b.timeline.playing }));
  assert.deepEqual(bAfter, bBefore, 'b is untouched by an edit of a');
  assert.equal(await text('#b-output-shape'), 'torch.Size([1, 1, 5, 5])');
  assert.equal(await page.evaluate(() => window.apps.a.store.state.params.kernel_size.join()), '2,2');
  // a's keys stay in a: Space on a's timeline does not touch b
  await page.locator('#fig-a .timeline [data-action="forward"]').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => window.apps.b.timeline.position), bBefore.pos);
  assert.deepEqual(errors, []);
  await close();
});

test('destroy() on one app releases its listeners, observers and frames; the other keeps working', async () => {
  const { page, errors, close } = await openTwo();
  const counts = () => page.evaluate(() => ({ a: window.counts(document.getElementById('fig-a')), b: window.counts(document.getElementById('fig-b')), all: window.counts(document) }));
  await page.locator('body > h1').click(); // the driver's own window listeners arrive with its first action
  const before = await counts();
  assert.ok(before.b.listeners > 20, `b registered listeners (${before.b.listeners})`);
  assert.ok(before.all.observers >= 4, `two apps observe their canvases (${before.all.observers})`);
  await page.evaluate(() => window.apps.b.destroy());
  await page.waitForTimeout(200);
  const afterB = await counts();
  assert.equal(afterB.b.listeners, 0, `no listener left inside b: ${await page.evaluate(() => window.listenerTypes(document.getElementById('fig-b')).join(' '))}`);
  assert.equal(afterB.all.global, before.all.global, 'b added none to the window or document');
  assert.equal(await page.evaluate(() => window.apps.b.held()), 0, 'b holds nothing');
  assert.equal(await page.evaluate(() => document.getElementById('fig-b').childElementCount), 0, 'b removed its DOM');
  assert.equal(afterB.all.observers, before.all.observers / 2, 'b disconnected its observers');
  assert.ok(afterB.a.listeners === before.a.listeners, 'a keeps its listeners');
  // a still answers: play drives frames, an edit recomputes
  await page.locator('#fig-a .timeline [data-action="play"]').click();
  const field = page.locator('#a-param-stride');
  await field.fill('2');
  await field.press('Enter');
  await page.waitForFunction(() => document.querySelector('#a-output-shape').textContent === 'torch.Size([1, 1, 2, 2])');
  // and after a is destroyed too, no frame callback is pending
  await page.evaluate(() => window.apps.a.destroy());
  await page.waitForTimeout(200);
  const end = await counts();
  assert.equal(end.all.observers, 0);
  assert.equal(end.all.frames, 0, 'no frame callback pending');
  assert.equal(end.a.listeners, 0);
  assert.equal(end.all.global, before.all.global, 'the window and document keep only what they had besides the apps');
  assert.deepEqual(errors, []);
  await close();
});
