// Accessibility in headless Chromium: axe-core (the engine behind Lighthouse's and DevTools'
// accessibility audits) over the page in every mode and in the states a learner reaches — the
// paste dialog, the Python and image panels, Predict first, an invalid argument, a notice, a phone
// screen — with the WCAG 2.0 / 2.1 A and AA rules and axe's best practices; and the keyboard where
// the audit cannot look.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, openMode, pauseAtStart, setParam, ROOT } from './helpers.mjs';
import { MODE_NAMES } from '../../www/modes/registry.js';

const AXE = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.close();
});

/**
 * axe's violations on the page now, one line each. The script is evaluated over the DevTools
 * protocol, so the page's strict CSP stays on (an injected <script> would be refused).
 */
async function audit(page) {
  await page.evaluate(AXE);
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return r.violations.map((v) => `[${v.impact}] ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

test('axe finds nothing in any mode, with the paste dialog open, or at phone width', async () => {
  const { page, errors, close } = await app.open();
  await pauseAtStart(page);
  assert.deepEqual(await audit(page), [], 'Conv2d');
  for (const mode of MODE_NAMES.filter((m) => m !== 'conv2d')) { // every registered mode
    await openMode(page, mode);
    assert.deepEqual(await audit(page), [], mode);
  }
  await openMode(page, 'conv2d');
  await page.locator('#card-input .fill-paste').click();
  await page.getByRole('dialog').waitFor();
  assert.deepEqual(await audit(page), [], 'the paste dialog');
  await page.locator('#paste-text').fill('[[1, nan]]');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('#paste-error').waitFor();
  assert.deepEqual(await audit(page), [], 'the paste dialog with its message');
  await page.keyboard.press('Escape');
  assert.deepEqual(errors, []);
  await close();

  const phone = await app.open({ width: 390, height: 844 });
  assert.deepEqual(await audit(phone.page), [], 'a phone screen');
  await phone.close();
});

test('axe finds nothing with the panels open, Predict first on, an invalid argument or a notice', async () => {
  const { page, errors, close } = await app.open();
  await page.locator('#python-panel summary').click();
  await page.locator('#image-panel summary').click();
  await page.locator('#py-code').waitFor();
  assert.deepEqual(await audit(page), [], 'Copy as PyTorch and the image panel open');
  await page.getByRole('button', { name: 'Predict first' }).click();
  await page.locator('#quiz').waitFor();
  assert.deepEqual(await audit(page), [], 'Predict first');
  await setParam(page, 'kernel_size', '9');
  await page.locator('#status').waitFor();
  assert.deepEqual(await audit(page), [], 'an invalid argument and its message');
  assert.deepEqual(errors, []);
  await close();

  const mangled = await app.open({ hash: 'stride=0' });
  await mangled.page.locator('#notice').waitFor();
  assert.deepEqual(await audit(mangled.page), [], 'the notice of an unreadable link');
  await mangled.close();
});

test('keyboard: the Python code scrolls with the arrows (they do not step the timeline there)', async () => {
  const { page, errors, close } = await app.open();
  await pauseAtStart(page);
  await page.locator('#python-panel summary').click();
  const code = page.getByRole('region', { name: 'Python code' });
  await code.focus();
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('py-code')), true, 'focusable');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  assert.equal(await page.locator('.timeline').getAttribute('data-position'), '0', 'the timeline did not move');
  assert.equal(await page.locator('[data-action="play"]').getAttribute('aria-pressed'), 'false', 'nor play');
  // elsewhere the arrows still step
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('.timeline').dataset.position === '1');
  assert.deepEqual(errors, []);
  await close();
});
