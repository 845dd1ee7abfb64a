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

test('typing 99999 into input height never applies a prefix; the cap is reported under height', async () => {
  const { page, errors, close } = await app.open();
  await recordShapes(page);
  const field = await typeKeys(page, 'input height', '99999');
  // a pause: the number is complete and past the cap, so it is reported; nothing applies
  const height = errorOf(page, 'height');
  await height.waitFor({ state: 'visible' });
  assert.equal(await height.textContent(), 'input height: this visualizer draws at most 64 (got 99999)');
  await field.press('Tab');
  assert.equal(await height.textContent(), 'input height: this visualizer draws at most 64 (got 99999)');
  assert.deepEqual(await erring(page), ['height'], 'under height and nowhere else');
  assert.equal(await page.locator('#status').isHidden(), true, 'no banner: the picture is valid');
  assert.deepEqual(await seenShapes(page), ['torch.Size([1, 3, 5, 5])'], 'no prefix (9, 99) ever applied');
  assert.deepEqual(errors, []);
  await close();
});

test('typing 12 and pausing applies 12 (and never 1); 34 never shows 3', async () => {
  const { page, errors, close } = await app.open();
  await recordShapes(page);
  let field = await typeKeys(page, 'input height', '12');
  await page.waitForFunction(() => document.querySelector('#input-shape').textContent === 'torch.Size([1, 3, 12, 5])');
  // (a height of 1 is also refused by the 3×3 kernel: 34 checks a prefix that would be valid)
  field = await typeKeys(page, 'input height', '34');
  await page.waitForFunction(() => document.querySelector('#input-shape').textContent === 'torch.Size([1, 3, 34, 5])');
  assert.deepEqual(await seenShapes(page), ['torch.Size([1, 3, 5, 5])', 'torch.Size([1, 3, 12, 5])', 'torch.Size([1, 3, 34, 5])']);
  assert.equal(await field.evaluate((f) => f === document.activeElement), true, 'applied while the field keeps focus');
  assert.equal(await field.inputValue(), '34');
  assert.deepEqual(await erring(page), []);
  assert.deepEqual(errors, []);
  await close();
});

test('2.5 in height or in groups: refused under that field only, no banner blaming another argument', async () => {
  const { page, errors, close } = await app.open();
  await recordShapes(page);
  for (const [name, label, message] of [
    ['height', 'input height', "input height: expected an int, got '2.5'"],
    ['groups', 'groups', "groups: expected an int, got '2.5'"],
  ]) {
    const field = await typeKeys(page, label, '2.5');
    await field.press('Enter');
    const err = errorOf(page, name);
    await err.waitFor({ state: 'visible' });
    assert.equal(await err.textContent(), message);
    assert.deepEqual(await erring(page), [name], `${name}: under its own field only`);
    assert.equal(await page.locator('#status').isHidden(), true, `${name}: no banner (nothing PyTorch refused)`);
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    // typing again takes the message about the old text away; a valid value applies
    await setParam(page, label, name === 'height' ? '5' : '1');
    await err.waitFor({ state: 'hidden' });
  }
  assert.deepEqual(await seenShapes(page), ['torch.Size([1, 3, 5, 5])'], 'the 2 of 2.5 never applied');
  assert.equal(await text(page, '#module-repr'), 'Conv2d(3, 1, kernel_size=(3, 3), stride=(1, 1))');
  assert.deepEqual(errors, []);
  await close();
});

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

test('a greyed-out slider says why: groups when only 1 divides both channel counts', async () => {
  const { page, errors, close } = await app.open();
  const slider = page.getByRole('slider', { name: 'groups slider' });
  assert.equal(await slider.isDisabled(), true);
  const why = page.locator('.ctl[data-param="groups"] .ctl-why');
  assert.equal(await why.isVisible(), true);
  const reason = 'groups must divide in_channels (3) and out_channels (1): only 1 fits.';
  assert.equal(await why.textContent(), reason);
  const row = page.locator('.ctl[data-param="groups"] .ctl-slider');
  assert.equal(await row.getAttribute('title'), reason, 'the tooltip over the slider says it too');
  assert.ok((await slider.getAttribute('aria-describedby')).split(' ').includes(await why.getAttribute('id')));
  // enabled again once other values fit: no reason shown
  await setParam(page, 'out_channels', '3');
  await page.waitForFunction(() => !document.querySelector('.ctl[data-param="groups"] .ctl-range').disabled);
  assert.equal(await why.isHidden(), true);
  assert.equal(await row.getAttribute('title'), null);
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
