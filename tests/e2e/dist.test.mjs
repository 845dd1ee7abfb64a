// `make dist`: the static site. Built as CI builds it, then checked: what it holds (and leaves
// out), the wasm modules are www/pkg's optimised bytes, no served text file holds an absolute URL,
// and — served under a sub-path, as GitHub Pages serves a project site — the page, the example
// course page and the example deck work, every request staying under that path.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, ROOT } from './helpers.mjs';
import { absoluteUrls, wasmCustomSections } from '../../tools/dist.mjs';

const DIST = path.join(ROOT, 'dist');
const PREFIX = '/course/convviz/';

let env;
before(async () => {
  execFileSync('make', ['--no-print-directory', 'dist'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  env = await launch({ root: DIST, prefix: PREFIX });
});
after(async () => {
  await env?.close();
});

const sha = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('dist/ holds the page, the modules, embed.js, the examples and the optimised wasm — nothing else', () => {
  for (const f of ['index.html', '.nojekyll', 'www/main.js', 'www/embed.js', 'www/embed.css', 'www/style.css', 'www/engine.js',
    'www/app/mount.js', 'www/pkg/convviz.js', 'www/pkg/gif/convviz_gif.js', 'examples/slides.html', 'examples/embed.html',
    'examples/vendor/reveal/reveal.mjs', 'examples/vendor/reveal/LICENSE']) {
    assert.ok(fs.existsSync(path.join(DIST, f)), `dist/${f}`);
  }
  const all = execFileSync('find', ['.', '-type', 'f'], { cwd: DIST, encoding: 'utf8' }).split('\n').filter(Boolean);
  assert.deepEqual(all.filter((f) => /\.d\.ts$|README|\.built$|\.test\.|node_modules|\.rs$/.test(f)), [], 'no declarations, docs, stamps, tests or sources');
  for (const w of ['convviz_bg.wasm', 'convviz_relaxed_bg.wasm', 'gif/convviz_gif_bg.wasm']) {
    const file = path.join(DIST, 'www/pkg', w);
    assert.equal(sha(file), sha(path.join(ROOT, 'www/pkg', w)), `${w}: the bytes make build left in www/pkg (what CI tests and bench/ measures)`);
    const custom = wasmCustomSections(fs.readFileSync(file));
    assert.ok(!custom.includes('producers') && !custom.includes('target_features'), `${w} went through wasm-opt (custom sections: ${custom.join(', ')})`);
  }
  const size = fs.statSync(path.join(DIST, 'www/pkg/convviz_bg.wasm')).size;
  assert.ok(size < 180_000, `the optimised module (${size} bytes), not wasm-bindgen's ~208 KB`);
});

test('no absolute URL in any served text file (and the scan finds them when they are there)', () => {
  assert.deepEqual(absoluteUrls(DIST), []);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convviz-abs-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.html'), '<script type="module" src="/www/main.js"></script><link href="www/ok.css"><img src="//cdn.example/x.png"><a href="https://example.org/">ok</a>');
    fs.writeFileSync(path.join(dir, 'b.js'), "import x from '/www/app/mount.js';\nimport y from './ok.js';\nconst u = new URL('/pkg/x.wasm', import.meta.url);\nfetch('/data.json');\nconst p = '/www/pkg/convviz_bg.wasm';\nconst q = a / b / c;");
    fs.writeFileSync(path.join(dir, 'c.css'), '.a { background: url(/img/a.png); } .b { background: url(data:image/png;base64,AA); } .c { background: url(ok.png); }');
    const found = absoluteUrls(dir).map((a) => `${a.file}:${a.line}`);
    assert.deepEqual(found.sort(), ['a.html:1', 'a.html:1', 'b.js:1', 'b.js:3', 'b.js:4', 'b.js:5', 'c.css:1'].sort());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A page of the site, with every request it makes and every failed or refused one. */
async function openSite(at) {
  const requests = [];
  const bad = [];
  const opened = await env.open({
    path: at,
    waitReady: false,
    beforeLoad: (p) => {
      p.on('request', (r) => requests.push(new URL(r.url()).pathname));
      p.on('response', (r) => {
        if (r.status() >= 400) bad.push(`${r.status()} ${new URL(r.url()).pathname}`);
      });
    },
  });
  return { ...opened, requests, bad };
}

test(`served under ${PREFIX}: the page works, and every request stays under that path`, async () => {
  const { page, errors, requests, bad, close } = await openSite('');
  await page.waitForFunction(() => document.querySelector('#output-shape')?.textContent === 'torch.Size([1, 1, 3, 3])', null, { timeout: 20000 });
  await page.locator('[data-action="forward"]').click();
  await page.waitForFunction(() => document.querySelector('.timeline').dataset.position === '1');
  await page.getByLabel('stride', { exact: true }).fill('2');
  await page.getByLabel('stride', { exact: true }).press('Enter');
  await page.waitForFunction(() => document.querySelector('#output-shape').textContent === 'torch.Size([1, 1, 2, 2])');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.engine), 'relaxed-simd');
  assert.ok(requests.includes(`${PREFIX}www/pkg/convviz_relaxed_bg.wasm`), 'the wasm module came from under the prefix');
  assert.deepEqual(requests.filter((p) => !p.startsWith(PREFIX)), [], 'nothing asked outside the prefix');
  assert.deepEqual(bad, []);
  assert.deepEqual(errors, []);
  await close();
});

test(`served under ${PREFIX}: the example course page and the example deck work`, async () => {
  const course = await openSite('examples/embed.html');
  assert.equal((await course.page.evaluate(() => Promise.all([...document.querySelectorAll('conv-viz')].map((e) => e.ready.then(() => e.shadowRoot.querySelector('#output-shape').textContent))))).join(' | '),
    'torch.Size([1, 1, 2, 2]) | torch.Size([1, 1, 3, 3])');
  assert.deepEqual(course.requests.filter((p) => !p.startsWith(PREFIX)), []);
  assert.deepEqual([...course.bad, ...course.errors], []);
  await course.close();

  const deck = await openSite('examples/slides.html');
  await deck.page.waitForFunction(() => window.deck && window.deck.isReady());
  await deck.page.keyboard.press('ArrowRight');
  await deck.page.waitForFunction(() => window.deck.getIndices().h === 1);
  await deck.page.evaluate(() => document.getElementById('fig-conv').ready.then(() => true));
  await deck.page.locator('#fig-conv .timeline [data-action="end"]').click();
  await deck.page.waitForFunction(() => document.getElementById('fig-conv').step === 8);
  assert.deepEqual(deck.requests.filter((p) => !p.startsWith(PREFIX)), []);
  assert.deepEqual([...deck.bad, ...deck.errors], []);
  await deck.close();
});
