// The guided lesson (#21) in Chromium: the Lesson entry on first load; every step opened from its
// link #lesson=N shows its title, its text with the numbers of the model on screen, its expected
// shape or value, only its cards and controls, and its question accepts the right answer and
// explains a wrong one; Next / Back / the arrow keys / progress / browser back; Exit keeps the
// state; a teacher's sequence and a malformed link; axe-clean at 1280×800 and 390×844, with a
// screenshot of every step (tests/e2e/screenshots/lesson-*.png).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, setParam, ROOT, SCREENSHOTS } from './helpers.mjs';
import { STEPS } from '../../www/classroom/lesson-steps.js';
import { encodeSteps } from '../../www/classroom/lesson.js';

const AXE = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const PHONE = { width: 390, height: 844 };

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.close();
});

async function audit(page) {
  await page.evaluate(AXE);
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return r.violations.map((v) => `[${v.impact}] ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

const text = (page, sel) => page.locator(sel).textContent();
const shot = (page, name) => page.screenshot({ path: path.join(SCREENSHOTS, `lesson-${name}.png`) });
const modeOf = (step) => new URLSearchParams(step.state).get('mode') ?? 'conv2d';

/** Wait until step n (1-based) of `total` is on screen, its model drawn and its text filled. */
async function atStep(page, n, total = STEPS.length) {
  await page.waitForFunction((want) => {
    const p = document.querySelector('#lesson-progress');
    const t = document.querySelector('#lesson-text');
    return p && p.textContent === want && t.textContent !== '' && !t.textContent.includes('…');
  }, `Lesson · ${n} / ${total}`, { timeout: 5000 });
}

/** The ids of the cards of the pane on screen that are visible, and the controls shown. */
const shown = (page) => page.evaluate(() => ({
  cards: [...document.querySelectorAll('[data-pane]:not([hidden]) .card[id]')].filter((c) => c.checkVisibility()).map((c) => c.id),
  later: [...document.querySelectorAll('.card[data-lesson-show="later"]')].map((c) => c.id),
  controls: [...document.querySelectorAll('.ctl[data-param]')].filter((c) => c.checkVisibility()).map((c) => c.dataset.param),
}));

/** The answer the page must accept for a step, and a wrong one, from the step's `expect`. */
function answers(step) {
  const q = step.question;
  if (q.kind === 'shape') {
    const dims = step.expect.output_shape.match(/\d+/g).map(Number);
    const wrong = [...dims];
    wrong[wrong.length - 1] += 1;
    return { right: `[${dims.join(', ')}]`, wrong: wrong.join('x') };
  }
  const v = Number(step.expect[q.kind === 'value' ? 'y0' : q.answer]);
  return { right: String(v), wrong: String(v + 2) };
}

test('the Lesson entry is visible on first load, at 1280×800 and on a phone, and opens step 1', async () => {
  for (const size of [{ width: 1280, height: 800 }, PHONE]) {
    const { page, errors, close } = await app.open(size);
    const start = page.getByRole('button', { name: `Lesson · ${STEPS.length} steps` });
    assert.ok(await start.isVisible(), `${size.width}: the entry is there`);
    const box = await start.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= 200 && box.x + box.width <= size.width, `${size.width}: in the first screen`);
    assert.equal(await page.locator('#lesson').isVisible(), false, 'the lesson waits to be opened');
    await start.click();
    await atStep(page, 1);
    await page.waitForFunction(() => location.hash === '#lesson=1'); // written after the frame
    assert.equal(await text(page, '#lesson-title'), STEPS[0].title);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'lesson-title', 'focus goes to the step');
    assert.equal(await start.isVisible(), false);
    await shot(page, `start-${size.width}x${size.height}`);
    assert.deepEqual(errors, []);
    await close();
  }
});

test('every step from #lesson=N at 1280×800: text, numbers, cards, controls, question, reveal; axe-clean', async () => {
  for (const [i, step] of STEPS.entries()) {
    const n = i + 1;
    const { page, errors, close } = await app.open({ hash: `lesson=${n}` });
    await atStep(page, n);
    const tag = `${step.id}: `;
    assert.equal(await text(page, '#lesson-title'), step.title, tag);
    await page.waitForFunction((m) => document.body.dataset.mode === m, modeOf(step));
    const before = await shown(page);
    const later = step.question?.hides ?? [];
    assert.deepEqual(before.cards.sort(), [...step.cards].sort(), `${tag}only its cards (those dimmed included)`);
    assert.deepEqual(before.later.sort(), [...later].sort(), `${tag}dimmed until the reveal`);
    assert.deepEqual(before.controls.sort(), [...step.controls].sort(), `${tag}only its controls`);
    if (step.question.kind === 'shape') assert.equal(await page.locator('#output-shape').isVisible(), false, `${tag}the shape waits`);
    assert.equal(await page.locator('#lesson-after').isVisible(), false, `${tag}the reveal waits`);
    assert.deepEqual(await audit(page), [], `${tag}axe before the answer`);
    await shot(page, `${String(n).padStart(2, '0')}-${step.id}-1280x800`);

    // a wrong answer is explained and reveals the step; the right one is accepted
    const { right, wrong } = answers(step);
    await page.locator('#lesson-guess').fill(wrong);
    await page.getByRole('button', { name: 'Check' }).click();
    await page.locator('#lesson-after').waitFor();
    assert.match(await text(page, '#lesson-result'), /^Not quite/, tag);
    if (step.question.kind !== 'number') assert.ok((await text(page, '#lesson-explain')).length > 20, `${tag}the formula or the sum`);
    await page.locator('#lesson-guess').fill(right);
    await page.locator('#lesson-guess').press('Enter');
    await page.waitForFunction(() => document.querySelector('#lesson-result').textContent.startsWith('✓ Right'));
    const after = await shown(page);
    assert.deepEqual(after.cards.sort(), [...step.cards].sort(), `${tag}every card once revealed`);
    assert.deepEqual(after.later, []);

    // the numbers the step expects, as the page shows them
    const words = `${await text(page, '#lesson-text')} ${await text(page, '#lesson-after')}`;
    for (const [fact, want] of Object.entries(step.expect)) {
      if (fact === 'output_shape') assert.equal(await text(page, '#output-shape'), want, `${tag}the output shape`);
      else if (fact === 'input_shape') assert.equal(await text(page, '#input-shape'), want, `${tag}the input shape`);
      if (`${step.text} ${step.after}`.includes(`{${fact}}`)) assert.ok(words.includes(want), `${tag}{${fact}} = ${want} in "${words}"`);
    }
    if (step.expect.y0) {
      const values = JSON.parse(await page.locator('#card-output').getAttribute('data-values'));
      assert.equal(values[0], Number(step.expect.y0), `${tag}y[0, 0, 0, 0]`);
    }
    assert.deepEqual(await audit(page), [], `${tag}axe after the reveal`);
    await shot(page, `${String(n).padStart(2, '0')}-${step.id}-1280x800-revealed`);
    assert.deepEqual(errors, [], tag);
    await close();
  }
});

test('every step on a phone (390×844): readable, skippable, axe-clean', async () => {
  for (const [i, step] of STEPS.entries()) {
    const n = i + 1;
    const { page, errors, close } = await app.open({ ...PHONE, hash: `lesson=${n}` });
    await atStep(page, n);
    const tag = `${step.id} (phone): `;
    for (const sel of ['#lesson-title', '#lesson-text', '.lesson-next']) assert.ok(await page.locator(sel).isVisible(), `${tag}${sel}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${tag}no sideways scroll (${overflow}px)`);
    await page.getByRole('button', { name: 'Skip' }).click();
    await page.locator('#lesson-after').waitFor();
    assert.equal(await text(page, '#lesson-result'), '', `${tag}skipping judges nothing`);
    if (step.expect.output_shape) assert.equal(await text(page, '#output-shape'), step.expect.output_shape, tag);
    assert.deepEqual(await audit(page), [], tag);
    await shot(page, `${String(n).padStart(2, '0')}-${step.id}-390x844`);
    assert.deepEqual(errors, [], tag);
    await close();
  }
});

test('Next / Back / ← → / progress / the browser\'s back and forward; the timeline keeps its arrows in the picture', async () => {
  const { page, errors, close } = await app.open({ hash: 'lesson=1' });
  await atStep(page, 1);
  assert.equal(await page.locator('.lesson-back').isDisabled(), true, 'no step before the first');
  await page.locator('.lesson-next').click();
  await atStep(page, 2);
  await page.waitForFunction(() => location.hash === '#lesson=2');
  await page.keyboard.press('ArrowRight'); // focus on Next
  await atStep(page, 3);
  await page.keyboard.press('ArrowLeft');
  await atStep(page, 2);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await atStep(page, 3);
  await page.waitForFunction(() => location.hash === '#lesson=3');
  // in the timeline bar (and the cards) the arrows step the timeline, not the lesson
  const position = await page.locator('.timeline').getAttribute('data-position');
  await page.locator('[data-action="play"]').click(); // pause, focus in the timeline
  const paused = await page.locator('.timeline').getAttribute('data-position');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((p) => document.querySelector('.timeline').dataset.position === String(Number(p) + 1), paused);
  assert.equal(await text(page, '#lesson-progress'), `Lesson · 3 / ${STEPS.length}`, `the lesson stayed (timeline was at ${position})`);
  // a field keeps its arrows too
  await page.getByLabel('stride', { exact: true }).focus();
  await page.keyboard.press('ArrowLeft');
  assert.equal(await text(page, '#lesson-progress'), `Lesson · 3 / ${STEPS.length}`);
  // history: each step is an entry; back and forward move between steps
  const fresh = await app.open({ hash: 'lesson=1' });
  const p = fresh.page;
  await atStep(p, 1);
  for (const n of [2, 3]) {
    await p.locator('.lesson-next').click();
    await atStep(p, n);
    await p.waitForFunction((h) => location.hash === h, `#lesson=${n}`);
  }
  await p.goBack();
  await atStep(p, 2);
  await p.goBack();
  await atStep(p, 1);
  await p.goForward();
  await atStep(p, 2);
  assert.equal(await text(p, '#lesson-title'), STEPS[1].title);
  assert.deepEqual(fresh.errors, []);
  await fresh.close();
  // the last step's Next is Finish: it ends the lesson in the full visualizer
  await page.evaluate((n) => { location.hash = `#lesson=${n}`; }, STEPS.length);
  await atStep(page, STEPS.length);
  assert.equal(await text(page, '.lesson-next'), 'Finish');
  await page.locator('.lesson-next').click();
  await page.locator('#lesson').waitFor({ state: 'hidden' });
  assert.ok(await page.locator('#lesson-start').isVisible());
  assert.deepEqual(errors, []);
  await close();
});

test('the numbers follow the learner; Exit keeps the state in the full visualizer, and back returns to the step', async () => {
  const { page, errors, close } = await app.open({ hash: 'lesson=3' });
  await atStep(page, 3);
  await page.getByRole('button', { name: 'Skip' }).click();
  await setParam(page, 'stride', '1');
  await page.waitForFunction(() => document.querySelector('#output-shape').textContent === 'torch.Size([1, 1, 6, 6])');
  await page.waitForFunction(() => document.querySelector('#lesson-after').textContent.includes('⌊5/1⌋ + 1 = 6'));
  assert.equal(await page.evaluate(() => location.hash), '#lesson=3', 'the lesson link stays while the learner plays');
  await page.getByRole('button', { name: 'Exit to the full visualizer' }).click();
  await page.locator('#lesson').waitFor({ state: 'hidden' });
  await page.waitForFunction(() => location.hash.includes('stride=1') && location.hash.includes('height=6'));
  assert.equal(await text(page, '#output-shape'), 'torch.Size([1, 1, 6, 6])', 'the state stays');
  const all = await shown(page);
  assert.deepEqual(all.cards.sort(), ['card-groups', 'card-im2col', 'card-input', 'card-output', 'card-shapes', 'card-weights']);
  assert.ok(all.controls.length >= 10, 'every argument again');
  assert.ok(await page.getByRole('button', { name: 'Predict first' }).isVisible(), 'the toolbar is back');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'lesson-start');
  await shot(page, 'exit-1280x800');
  await page.goBack();
  await atStep(page, 3);
  assert.equal(await text(page, '#output-shape'), 'torch.Size([1, 1, 3, 3])', 'the step\'s own state');
  assert.deepEqual(errors, []);
  await close();
});

test('a teacher\'s sequence from a link (order= and steps=), and a malformed one with a clear notice', async () => {
  const ordered = await app.open({ hash: 'lesson=2&order=groups,conv-ones' });
  await atStep(ordered.page, 2, 2);
  assert.equal(await text(ordered.page, '#lesson-title'), STEPS[0].title);
  assert.equal(await text(ordered.page, '.lesson-next'), 'Finish');
  await ordered.page.locator('.lesson-back').click();
  await atStep(ordered.page, 1, 2);
  await ordered.page.waitForFunction(() => location.hash === '#lesson=1&order=groups,conv-ones');
  assert.deepEqual(ordered.errors, []);
  await ordered.close();

  const mine = {
    id: 'stride-three', title: 'A teacher’s step: stride 3 on 7×7', text: 'The kernel jumps three cells. The input is {input_shape}.',
    after: 'It gives {output_shape}.', state: 'in_channels=1&height=7&width=7&stride=3&bias=0&input=arange&weight=ones',
    cards: ['card-input', 'card-output'], controls: ['stride'], question: { kind: 'shape', prompt: 'What comes out?' },
  };
  const own = await app.open({ hash: `lesson=1&steps=${encodeSteps([mine, 'backward'])}` });
  await atStep(own.page, 1, 2);
  assert.equal(await text(own.page, '#lesson-title'), mine.title);
  assert.equal(await text(own.page, '#lesson-text'), 'The kernel jumps three cells. The input is torch.Size([1, 1, 7, 7]).');
  await own.page.locator('#lesson-guess').fill('2x2');
  await own.page.locator('#lesson-guess').press('Enter');
  await own.page.waitForFunction(() => document.querySelector('#lesson-after').textContent === 'It gives torch.Size([1, 1, 2, 2]).');
  assert.deepEqual(own.errors, []);
  await own.close();

  for (const [hash, why] of [['lesson=1&order=conv-ones,nope', /no built-in step 'nope'/], ['lesson=40', /steps 1 to 12/]]) {
    const bad = await app.open({ hash });
    await atStep(bad.page, 1);
    const notice = await text(bad.page, '#notice');
    assert.match(notice, why, hash);
    await bad.page.waitForFunction(() => location.hash === '#lesson=1');
    assert.deepEqual(await audit(bad.page), [], `${hash}: the notice`);
    assert.deepEqual(bad.errors, []);
    await bad.close();
  }
});
