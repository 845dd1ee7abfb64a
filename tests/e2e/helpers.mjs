// Shared set-up for the browser tests: one static server (tools/serve.mjs, with its CSP) and one
// headless Debian Chromium per test file; pages collect console errors so every test can assert
// the page stayed clean.

import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'tests/e2e/screenshots');

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)');
  return found;
}

/**
 * Start the server and the browser. `CONVVIZ_PKG_DIR` may point the page's www/pkg/ at another
 * directory (to try a different build); by default the built www/pkg is required. `root` and
 * `prefix` serve another tree (dist/) under a sub-path; `open({ path })` is then relative to it.
 */
export async function launch({ root = ROOT, prefix = '/' } = {}) {
  const pkgDir = process.env.CONVVIZ_PKG_DIR;
  for (const built of ['www/pkg/convviz.js', 'www/pkg/gif/convviz_gif.js']) {
    if (!pkgDir && !fs.existsSync(path.join(root, built))) throw new Error(`${built} is missing: run \`make build\` first`);
  }
  const server = await startServer({ root, port: 0, host: '127.0.0.1', prefix });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });

  /** `beforeLoad(page)`: runs before the page is loaded (e.g. to route its requests). */
  async function open({ width = 1280, height = 800, hash = '', path: at = '/', waitReady = true, beforeLoad = null } = {}) {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.url()}`));
    if (pkgDir) {
      await page.route('**/www/pkg/**', (route) => {
        // the path below www/pkg/ (convviz.js, gif/convviz_gif.js, ...)
        const name = decodeURIComponent(new URL(route.request().url()).pathname.split('/www/pkg/').pop());
        const file = path.join(pkgDir, path.normalize(name).replace(/^(\.\.[/\\])+/, ''));
        if (!fs.existsSync(file)) return route.fulfill({ status: 404, body: 'missing' });
        const type = name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
        return route.fulfill({ status: 200, contentType: type, body: fs.readFileSync(file) });
      });
    }
    if (beforeLoad) await beforeLoad(page);
    await page.goto(`${new URL(at, server.url).href}${hash ? `#${hash}` : ''}`);
    if (waitReady) await page.waitForSelector('body.is-ready', { timeout: 15000 });
    return { page, errors, context, close: () => context.close() };
  }

  return {
    url: server.url,
    open,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** PyTorch's output size of one dimension. */
export function convOut(input, kernel, { stride = 1, padding = 0, dilation = 1 } = {}) {
  return Math.floor((input + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Pause the animation and go to the first step, so a test sees a still page (any mode). */
export async function pauseAtStart(page) {
  const playing = await page.locator('[data-action="play"]').getAttribute('aria-pressed');
  if (playing === 'true') await page.locator('[data-action="play"]').click();
  await page.locator('[data-action="home"]').click();
  await page.waitForFunction(() => document.querySelector('.timeline').dataset.position === '0');
}

/** Wait until the page has drawn timeline position p (views update on the next frame). */
export function atPosition(page, p) {
  return page.waitForFunction((want) => document.querySelector('.timeline').dataset.position === want, String(p), { timeout: 3000 });
}

/** Click a mode tab and wait until that mode's picture is on screen. */
export async function openMode(page, mode) {
  await page.locator(`[data-mode-tab="${mode}"]`).click();
  await page.waitForFunction((m) => document.body.dataset.mode === m, mode);
}

/** Type into a labelled parameter field (exact PyTorch name) and commit with Enter. */
export async function setParam(page, name, text) {
  const field = page.getByLabel(name, { exact: true });
  await field.fill(text);
  await field.press('Enter');
}

/**
 * Viewport coordinates of the centre of a cell of a grid exposed by a canvas's data-grids
 * (`index`: a number, or a path like [co, ci] for nested grids),
 * scrolling the page first so the cell is on screen (clear of the fixed timeline bar).
 */
export async function cellPoint(page, canvasName, gridKey, index, r, c) {
  const canvas = page.locator(`canvas[data-canvas="${canvasName}"]`);
  const grids = JSON.parse(await canvas.getAttribute('data-grids'));
  let g = grids[gridKey];
  for (const i of index === null || index === undefined ? [] : [index].flat()) g = g[i];
  const [x, y, , , cw, ch] = g;
  const point = async () => {
    const box = await canvas.boundingBox();
    return { x: box.x + x + (c + 0.5) * cw, y: box.y + y + (r + 0.5) * ch };
  };
  let p = await point();
  const vh = page.viewportSize().height;
  if (p.y < 40 || p.y > vh - 140) {
    await page.evaluate((dy) => window.scrollBy(0, dy), p.y - vh / 2);
    p = await point();
  }
  return p;
}

/** Numbers written with a real minus sign, back to JS numbers. */
export function num(s) {
  return Number(String(s).replace(/\u2212/g, '-'));
}
