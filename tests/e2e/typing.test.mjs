// Typing into a control (issue #17): a value applies when it is complete (Enter, Tab / blur, or a
// pause with text that reads as a value), never a prefix of it; text that does not read is
// reported under its own field and nowhere else; a message goes under the argument it is about;
// a greyed-out slider says why; output_size takes `input.size()` as PyTorch does.
// Run: node --test tests/e2e/typing.test.mjs   (needs www/pkg from `make build` and /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, setParam } from './helpers.mjs';

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.close();
});

const text = (page, sel) => page.locator(sel).textContent();
const errorOf = (page, name) => page.locator(`.ctl[data-param="${name}"] .ctl-error`);
/** The names of the controls that show a message now. */
const erring = (page) => page.evaluate(() => [...document.querySelectorAll('#controls .ctl')]
  .filter((c) => !c.querySelector('.ctl-error').hidden).map((c) => c.dataset.param));

/** Record every text #input-shape shows from now on (a prefix applied would show for a frame). */
const recordShapes = (page) => page.evaluate(() => {
  const el = document.querySelector('#input-shape');
  window.seenShapes = [el.textContent];
  new MutationObserver(() => window.seenShapes.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
});
const seenShapes = (page) => page.evaluate(() => [...new Set(window.seenShapes)]);

/** Select a field's text and type `value` key by key, as a learner does (quicker than the pause). */
async function typeKeys(page, name, value) {
  const field = page.getByLabel(name, { exact: true });
  await field.click();
  await field.press('ControlOrMeta+A');
  await field.pressSequentially(value, { delay: 60 });
  return field;
}

test('groups=2, then in_channels=1 and out_channels=1: the message stays under in_channels', async () => {
  const { page, errors, close } = await app.open({ hash: 'in_channels=2&out_channels=2&groups=2' });
  await page.waitForFunction(() => /groups=2/.test(document.querySelector('#module-repr').textContent));
  await setParam(page, 'in_channels', '1');
  const cin = errorOf(page, 'in_channels');
  await cin.waitFor({ state: 'visible' });
  assert.equal(await cin.textContent(), 'in_channels must be divisible by groups');
  await setParam(page, 'out_channels', '1');
  // the edit is recomputed in the next frame (and still refused): the message stays where it belongs
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.match(await text(page, '#status'), /in_channels must be divisible by groups/);
  assert.deepEqual(await erring(page), ['in_channels']);
  assert.equal(await cin.textContent(), 'in_channels must be divisible by groups');
  await setParam(page, 'groups', '1');
  await cin.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.querySelector('#module-repr').textContent === 'Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1))');
  assert.deepEqual(errors, []);
  await close();
});

test('ConvTranspose2d takes output_size=input.size(): torch.Size([1, 1, 5, 5]) and (1, 1, 6, 6)', async () => {
  // the lecture's round trip: y is 3×3 (a 6×6 x through Conv2d(k3, s2, p1)); the transposed layer's
  // valid outputs are 5 and 6
  const { page, errors, close } = await app.open({ hash: 'mode=convTranspose2d&in_channels=1&height=3&width=3&kernel_size=3&stride=2&padding=1' });
  const shapeIs = (want) => page.waitForFunction((w) => document.querySelector('#output-shape').textContent === w, want);
  await shapeIs('torch.Size([1, 1, 5, 5])');
  const err = errorOf(page, 'output_size');
  await setParam(page, 'output_size', '(1, 1, 6, 6)');
  await shapeIs('torch.Size([1, 1, 6, 6])');
  assert.equal(await err.isHidden(), true);
  const field = await typeKeys(page, 'output_size', 'torch.Size([1, 1, 5, 5])');
  await field.press('Enter');
  await shapeIs('torch.Size([1, 1, 5, 5])');
  assert.equal(await err.isHidden(), true);
  assert.match(await text(page, '#module-repr'), /ConvTranspose2d\(1, 1, kernel_size=\(3, 3\), stride=\(2, 2\), padding=\(1, 1\)\)/);
  await setParam(page, 'output_size', '[1,1,6,6]');
  await shapeIs('torch.Size([1, 1, 6, 6])');
  assert.deepEqual(await erring(page), []);
  assert.deepEqual(errors, []);
  await close();
});
