// Drive a notebook in JupyterLab from headless Chromium (test_lab_e2e.py starts the server):
//
//   node python/tests/lab_driver.mjs <lab url> <notebook name> <result file>
//
// Opens the notebook, runs its first cell (which displays four widgets), waits for each widget's
// picture (its `torch.Size(…)` text, inside the widget's shadow root), then runs the second cell
// (which writes what the kernel sees into <result file>) until the kernel has the browser's output;
// then clicks an output cell (the pointer pins it) and runs the third cell (w.selected, w.step) the same way. Prints
// one JSON line: what the page showed, and the console errors.
//
// JupyterLab runs with --LabApp.expose_app_in_browser, so cells are run by its commands.

import fs from 'node:fs';
import { chromium } from 'playwright-core';

const [url, notebook, resultFile] = process.argv.slice(2);
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean).find((p) => fs.existsSync(p));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
const out = { errors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => {
    if (m.type() === 'error' && /convviz|widget|anywidget/i.test(m.text())) out.errors.push(m.text());
  });
  page.on('pageerror', (e) => out.errors.push(`pageerror: ${e.message}`));
  await page.goto(`${url}lab/tree/${notebook}`);
  await page.waitForFunction(() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel, null, { timeout: 60000 });
  // the kernel is up and idle
  await page.waitForFunction(() => {
    const ctx = window.jupyterapp.shell.currentWidget.sessionContext;
    return ctx.session?.kernel?.status === 'idle';
  }, null, { timeout: 60000 });

  const runCell = (i) => page.evaluate(async (index) => {
    const panel = window.jupyterapp.shell.currentWidget;
    panel.content.activeCellIndex = index;
    await window.jupyterapp.commands.execute('notebook:run-cell');
  }, i);
  const idle = () => page.waitForFunction(() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle', null, { timeout: 60000 });
  const readResult = () => (fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : null);
  /** Run cell i until the result it writes satisfies `done` (the browser's traits reach the kernel between runs). */
  async function runUntil(i, done) {
    for (let n = 0; n < 40; n++) {
      fs.rmSync(resultFile, { force: true });
      await runCell(i);
      await idle();
      await page.waitForTimeout(100);
      const r = readResult();
      if (r && done(r)) return r;
      await page.waitForTimeout(400);
    }
    return readResult();
  }

  const t0 = Date.now();
  await runCell(0);
  // every widget of the cell shows its picture (its torch.Size text)
  await page.waitForFunction(() => {
    const hosts = [...document.querySelectorAll('.convviz-widget')];
    return hosts.length === 4 && hosts.every((h) => /^torch\.Size\(\[\d/.test(h.shadowRoot?.querySelector('#output-shape')?.textContent ?? ''));
  }, null, { timeout: 60000 });
  out.shownSizes = await page.evaluate(() => [...document.querySelectorAll('.convviz-widget')].map((h) => h.shadowRoot.querySelector('#output-shape').textContent.trim()));
  out.engine = await page.evaluate(() => document.querySelector('.convviz-widget').dataset.engine);
  out.firstPictureMs = Date.now() - t0;
  await page.locator('.convviz-widget').first().screenshot({ path: resultFile.replace(/\.json$/, '-widget.png') });
  await idle();
  out.check = await runUntil(1, (r) => r.ready);

  // the pointer on an output cell: w.selected follows
  const canvas = page.locator('.convviz-widget canvas[data-canvas="output"]').first();
  await canvas.scrollIntoViewIfNeeded();
  await canvas.click(); // a click pins the cell: it stays selected when the notebook scrolls
  out.clicked = true;
  out.pointer = await runUntil(2, (r) => r.selected.length > 0);
  // Python sets the timeline: the page's caption follows
  await runCell(3);
  await idle();
  await page.waitForFunction(() => {
    const t = document.querySelector('.convviz-widget')?.shadowRoot?.querySelector('#position-text');
    return t && /^cell 5 \//.test(t.textContent);
  }, null, { timeout: 20000 }).then(() => { out.stepShown = true; }, () => { out.stepShown = false; });
  // Python sets the state: the kernel gets the browser's new output
  await runCell(4);
  await idle();
  out.restated = await runUntil(5, (r) => String(r.output_shape) === '1,3,6,6');
  // the learner moves the timeline (End on its scrubber): w.step follows; the notebook's
  // selection stays where it was (the widget keeps the keys it used)
  const active = () => page.evaluate(() => window.jupyterapp.shell.currentWidget.content.activeCellIndex);
  await page.locator('.convviz-widget #scrubber').first().focus(); // activates the widget's cell
  await page.waitForTimeout(200);
  const before = await active();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(300);
  out.activeCellKept = (await active()) === before;
  out.keyed = await runUntil(2, (r) => r.step > 0);
  await page.screenshot({ path: resultFile.replace(/\.json$/, '.png') });
} catch (e) {
  out.failure = String(e && e.stack ? e.stack : e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
