#!/usr/bin/env node
// The real page in headless Chromium, driven like a learner: how long an edit of a hyperparameter
// takes to be recomputed and repainted, and how long animation frames take at 64×64.
//
// usage: node bench/page.mjs [--edits N=40] [--frames N=180] [--out FILE=target/bench/page.json]
//                            [--profile]  (also print where the edit frames' time goes: CPU profile)
//
// What is measured (inside the page, performance.now()):
// - every requestAnimationFrame callback is wrapped (an init script; www/ is not modified) to
//   record its start and end: the page recomputes (wasm trace) and redraws inside its rAF loop,
//   so a callback's duration is that frame's main-thread work;
// - an edit = a key press on a labelled slider (stride width: ArrowRight / ArrowLeft alternately,
//   so the output shape changes every time). "edit work" is the duration of the frame callback
//   in which #output-shape changed (recompute of every intermediate + repaint of every view);
//   "edit → frame done" runs from the keydown to the end of that callback (it includes waiting
//   for the next vsync, up to one frame);
// - animation: the page playing at 64×64 input; per-frame callback durations and frame gaps.
// Chromium: /usr/bin/chromium, --headless --no-sandbox --disable-gpu --disable-background-networking
// --disable-component-update (software rendering: canvas raster is on the CPU too).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../tools/serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const EDITS = Number(opt('edits', 40));
const FRAMES = Number(opt('frames', 180));
const outFile = path.resolve(root, opt('out', 'target/bench/page.json'));
const PROFILE = args.includes('--profile');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

// Runs in the page before its own scripts.
const INIT = () => {
  const raf = window.requestAnimationFrame.bind(window);
  const frames = [];
  window.__bench = { frames, keys: [], shapes: [] };
  window.requestAnimationFrame = (cb) =>
    raf((ts) => {
      const start = performance.now();
      try {
        cb(ts);
      } finally {
        frames.push({ ts, start, end: performance.now() });
      }
    });
  window.addEventListener('keydown', () => window.__bench.keys.push(performance.now()), true);
  document.addEventListener('DOMContentLoaded', () => {
    const target = document.querySelector('#output-shape');
    if (!target) return;
    new MutationObserver(() => window.__bench.shapes.push({ t: performance.now(), text: target.textContent }))
      .observe(target, { childList: true, characterData: true, subtree: true });
  });
};

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};
const summary = (xs) => ({ n: xs.length, median: +pct(xs, 0.5).toFixed(2), p95: +pct(xs, 0.95).toFixed(2), max: +Math.max(...xs).toFixed(2) });

async function setParam(page, label, text) {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(text);
  await field.press('Enter');
}

async function measureEdits(page, name, setup, slider, want) {
  for (const [label, text] of setup) await setParam(page, label, text);
  await page.waitForFunction((w) => document.querySelector('#output-shape').textContent === w, want[0]);
  const pause = page.locator('[data-action="play"]');
  if ((await pause.getAttribute('aria-pressed')) === 'true') await pause.click();
  const s = page.getByRole('slider', { name: slider });
  await s.focus();
  await page.waitForTimeout(300);
  const work = [];
  const latency = [];
  let cdp = null;
  if (PROFILE) {
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  for (let i = 0; i < EDITS; i++) {
    await page.evaluate(() => {
      window.__bench.frames.length = 0;
      window.__bench.keys.length = 0;
      window.__bench.shapes.length = 0;
    });
    const next = want[(i + 1) % 2];
    await page.keyboard.press(i % 2 === 0 ? 'ArrowRight' : 'ArrowLeft');
    await page.waitForFunction((w) => document.querySelector('#output-shape').textContent === w, next);
    // let the frame that made the change finish (its callback is recorded in finally)
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    const r = await page.evaluate(() => {
      const { frames, keys, shapes } = window.__bench;
      const changed = shapes.find((x) => x.text)?.t;
      // the callbacks of the frame (same rAF timestamp) in which the shape text changed
      const f = frames.find((x) => x.start <= changed && changed <= x.end);
      if (!f) return null;
      const same = frames.filter((x) => x.ts === f.ts);
      const start = Math.min(...same.map((x) => x.start));
      const end = Math.max(...same.map((x) => x.end));
      return { work: end - start, latency: end - keys[0] };
    });
    if (r) {
      work.push(r.work);
      latency.push(r.latency);
    }
  }
  let profile;
  if (cdp) profile = topSelf((await cdp.send('Profiler.stop')).profile);
  return { config: name, edit_work_ms: summary(work), edit_to_frame_done_ms: summary(latency), profile };
}

/** The functions with the most self time in a CPU profile, in % of the non-idle samples. */
function topSelf(p, n = 15) {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map();
  p.samples.forEach((id, i) => {
    const node = byId.get(id);
    const f = node.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  for (const k of ['(idle) :0', '(program) :0']) self.delete(k);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1)}% ${k}`);
}

/** The wasm share of an edit, in the page: conv2dTrace + reading every intermediate + free(). */
async function measureTrace(page, [n, c, h, w, co, k, stride, padding]) {
  return page.evaluate(
    async ({ n, c, h, w, co, k, stride, padding }) => {
      const api = await import('/www/pkg/convviz.js');
      const t = (shape) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7) % 5) - 2) });
      const [x, wt, b] = [t([n, c, h, w]), t([co, c, k, k]), t([co])];
      const times = [];
      for (let i = 0; i < 60; i++) {
        const t0 = performance.now();
        const tr = api.conv2dTrace(x, wt, b, { stride, padding });
        for (const g of ['input', 'weight', 'bias', 'paddedInput', 'columns', 'weightMatrix', 'product', 'output', 'haloSource', 'arithmetic', 'params']) void tr[g];
        tr.free();
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return { median: +times[30].toFixed(3), p95: +times[57].toFixed(3) };
    },
    { n, c, h, w, co, k, stride, padding },
  );
}

async function measureAnimation(page, setup, want) {
  for (const [label, text] of setup) await setParam(page, label, text);
  await page.waitForFunction((w) => document.querySelector('#output-shape').textContent === w, want);
  const play = page.locator('[data-action="play"]');
  if ((await play.getAttribute('aria-pressed')) !== 'true') await play.click();
  await page.locator('#speed').fill('12').catch(() => {});
  await page.waitForTimeout(500);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const before = await metric();
  await page.evaluate(() => (window.__bench.frames.length = 0));
  const frames = await page.evaluate(
    (n) =>
      new Promise((resolve) => {
        const check = () => (window.__bench.frames.length >= n ? resolve(window.__bench.frames.slice(0, n)) : setTimeout(check, 50));
        check();
      }),
    FRAMES,
  );
  const after = await metric();
  const byTs = new Map();
  for (const f of frames) {
    const g = byTs.get(f.ts) ?? { ts: f.ts, start: f.start, end: f.end };
    g.start = Math.min(g.start, f.start);
    g.end = Math.max(g.end, f.end);
    byTs.set(f.ts, g);
  }
  const grouped = [...byTs.values()].sort((a, b) => a.ts - b.ts);
  const work = grouped.map((g) => g.end - g.start);
  const gaps = grouped.slice(1).map((g, i) => g.ts - grouped[i].ts);
  return {
    config: '64×64 input, playing',
    frame_work_ms: summary(work),
    frame_gap_ms: summary(gaps),
    js_heap_growth_bytes_per_frame: Math.round((after.JSHeapUsedSize - before.JSHeapUsedSize) / grouped.length),
    script_ms_per_frame: +(((after.ScriptDuration - before.ScriptDuration) * 1000) / grouped.length).toFixed(3),
  };
}

const server = await startServer({ root, port: 0, host: '127.0.0.1' });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
const results = { chromium: browser.version(), date: new Date().toISOString(), edits: [], animation: null };
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  await context.addInitScript(INIT);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector('body.is-ready', { timeout: 20000 });
  results.edits.push(
    await measureEdits(page, 'lecture: 1×3×5×5 → 1, k3 (stride 1 ↔ 2)', [], 'stride width slider', ['torch.Size([1, 1, 3, 3])', 'torch.Size([1, 1, 3, 2])']),
  );
  results.edits.push(
    await measureEdits(
      page,
      'teaching: 1×8×32×32 → 8, k3, s2, p1 (stride width 2 ↔ 3)',
      [['in_channels', '8'], ['out_channels', '8'], ['input height', '32'], ['input width', '32'], ['stride', '2'], ['padding', '1']],
      'stride width slider',
      ['torch.Size([1, 8, 16, 16])', 'torch.Size([1, 8, 16, 11])'],
    ),
  );
  results.trace_ms = {
    'lecture 1×3×5×5 → 1, k3': await measureTrace(page, [1, 3, 5, 5, 1, 3, 1, 0]),
    'teaching 1×8×32×32 → 8, k3, s2, p1': await measureTrace(page, [1, 8, 32, 32, 8, 3, 2, 1]),
  };
  results.animation = await measureAnimation(
    page,
    [['in_channels', '3'], ['out_channels', '1'], ['stride', '1'], ['padding', '0'], ['input height', '64'], ['input width', '64']],
    'torch.Size([1, 1, 62, 62])',
  );
  results.page_errors = errors;
} finally {
  await browser.close();
  await server.close();
}
for (const e of results.edits) {
  console.log(`${e.config}\n  edit work (recompute + repaint, one frame): median ${e.edit_work_ms.median} ms, p95 ${e.edit_work_ms.p95} ms, max ${e.edit_work_ms.max} ms (n=${e.edit_work_ms.n})`);
  console.log(`  key press -> that frame done (includes the wait for vsync): median ${e.edit_to_frame_done_ms.median} ms, p95 ${e.edit_to_frame_done_ms.p95} ms`);
  if (e.profile) console.log(`  self time:\n    ${e.profile.join('\n    ')}`);
}
for (const [k, v] of Object.entries(results.trace_ms)) console.log(`wasm share of an edit (conv2dTrace + every getter + free), ${k}: median ${v.median} ms, p95 ${v.p95} ms`);
const a = results.animation;
console.log(`${a.config}\n  frame work: median ${a.frame_work_ms.median} ms, p95 ${a.frame_work_ms.p95} ms, max ${a.frame_work_ms.max} ms (n=${a.frame_work_ms.n})`);
console.log(`  frame gap: median ${a.frame_gap_ms.median} ms, p95 ${a.frame_gap_ms.p95} ms; JS heap growth ${a.js_heap_growth_bytes_per_frame} B/frame; script ${a.script_ms_per_frame} ms/frame`);
if (results.page_errors.length) console.log(`page errors: ${results.page_errors.join('; ')}`);
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
console.log(`wrote ${path.relative(root, outFile)}`);
