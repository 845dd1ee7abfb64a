// The guided lesson's DOM (#21): the Lesson button in the header, and the lesson bar — progress
// ("3 / 12"), the step's title and text, its predict-first question (check or skip), the reveal,
// Back / Next / Exit to the full visualizer. While a step is on screen, only its cards are shown
// (the rest hidden; those its question would give away dimmed until the reveal) and only its
// controls are in the sidebar. The step's text is filled from the model on screen after every
// recompute, so its numbers follow what the learner changes. lesson.js is the engine.
//
// Keys: while the lesson is open, ← / → move between steps, except with focus in the picture
// (the cards, #views) or the timeline bar, where they step the timeline as before, and in fields,
// sliders, selects, the mode tabs and dialogs, which keep their own keys.

import { el, setText, setProp, setAttr } from '../lib/dom.js';
import { STEPS, parseLessonLink, lessonLink, stepState, fillText, factContext, checkAnswer } from './lesson.js';

/** Classes the lesson puts on the app's host. */
const HOST_CLASSES = ['lesson-on', 'lesson-no-controls', 'lesson-hiding-shape', 'lesson-hiding-value'];

/** The bar's parts, built into `root` (the chrome's empty #lesson section); ids get the app's prefix. */
function buildBar(root, prefix) {
  const id = (name) => `${prefix}${name}`;
  const p = {
    progress: el('p', { class: 'lesson-progress', id: id('lesson-progress'), role: 'status' }),
    title: el('h2', { class: 'lesson-title', id: id('lesson-title'), tabindex: '-1' }),
    back: el('button', { type: 'button', class: 'tool lesson-back', text: '← Back' }),
    next: el('button', { type: 'button', class: 'tool lesson-next', text: 'Next →' }),
    exit: el('button', { type: 'button', class: 'tool lesson-exit', text: 'Exit to the full visualizer' }),
    text: el('p', { class: 'lesson-text', id: id('lesson-text') }),
    prompt: el('label', { class: 'lesson-prompt', for: id('lesson-guess'), id: id('lesson-prompt') }),
    guess: el('input', { type: 'text', id: id('lesson-guess'), class: 'lesson-guess', autocomplete: 'off', spellcheck: 'false' }),
    check: el('button', { type: 'submit', class: 'fill', text: 'Check' }),
    skip: el('button', { type: 'button', class: 'fill lesson-skip', text: 'Skip' }),
    result: el('p', { class: 'lesson-result', id: id('lesson-result'), role: 'status' }),
    explain: el('p', { class: 'lesson-explain', id: id('lesson-explain') }),
    after: el('p', { class: 'lesson-after', id: id('lesson-after') }),
  };
  p.form = el('form', { class: 'lesson-form', id: id('lesson-form'), novalidate: true },
    el('span', { class: 'lesson-predict', text: 'Predict first' }), p.prompt, p.guess, p.check, p.skip);
  const nav = el('div', { class: 'lesson-nav', role: 'group', 'aria-label': 'Lesson steps' }, p.back, p.next, p.exit);
  root.replaceChildren(el('div', { class: 'lesson-head' }, p.progress, p.title, nav), p.text, p.form, p.result, p.explain, p.after);
  return p;
}

/**
 * Wire the lesson. ctx: the app's { $, $$, listen, own, host, prefix, store, timeline, notice,
 * pushHistory, markDirty } and { controls (its spotlight), keyTarget, relink() (the URL follows the
 * state again, in a new history entry) }.
 * @returns {{ open(link: string, opts?: { push?: boolean, focus?: boolean }): void, close(): void,
 *             link(): string, isOpen(): boolean, render(mode, model, state): void }}
 */
export function buildLesson(ctx) {
  const { $, listen } = ctx;
  const start = $('#lesson-start');
  const root = $('#lesson');
  const bar = buildBar(root, ctx.prefix);
  setText(start, `Lesson · ${STEPS.length} steps`);
  // the lesson open: its steps, the one shown (index, step, its mode's name), where the sequence
  // came from (written back in links), the steps whose answer is revealed, the last facts
  const L = { open: false, steps: STEPS, index: 0, step: null, modeName: '', source: null, revealed: new Set(), facts: null };
  const api = {
    open: (link, opts = {}) => openLink(ctx, bar, L, link, opts),
    close: () => close(ctx, bar, L),
    link: () => (L.open ? lessonLink(L.index, L.source) : ''),
    isOpen: () => L.open,
    render: (mode, model, state) => render(ctx, bar, L, mode, model, state),
  };
  const go = (i) => {
    if (L.open && i >= 0 && i < L.steps.length && i !== L.index) show(ctx, bar, L, i, true);
  };
  const exit = () => {
    close(ctx, bar, L);
    ctx.relink();
    start.focus();
  };
  listen(start, 'click', () => api.open('lesson=1', { push: true, focus: true }));
  listen(bar.back, 'click', () => go(L.index - 1));
  listen(bar.next, 'click', () => (L.index === L.steps.length - 1 ? exit() : go(L.index + 1)));
  listen(bar.exit, 'click', exit);
  listen(bar.form, 'submit', (e) => {
    e.preventDefault();
    check(ctx, bar, L);
  });
  listen(bar.skip, 'click', () => reveal(ctx, bar, L));
  listen(ctx.keyTarget, 'keydown', (e) => {
    const step = lessonKey(L, e);
    if (!step) return;
    e.preventDefault();
    e.stopImmediatePropagation(); // the timeline's keys (app/keys.js) do not also step
    go(L.index + step);
  }, true);
  ctx.own(() => ctx.host.classList.remove(...HOST_CLASSES));
  return api;
}

/** -1 / +1 for a key that steps the lesson, else 0 (see the header: where the arrows belong). */
function lessonKey(L, e) {
  if (!L.open || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return 0;
  const step = { ArrowLeft: -1, ArrowRight: 1 }[e.key] ?? 0;
  const t = e.composedPath()[0];
  if (!step || (t instanceof Element && t.closest('input, select, textarea, [contenteditable], [role="tab"], .py-code, dialog, .views, .timeline'))) return 0;
  return step;
}

/** Open a lesson link (the Lesson button, `#lesson=N`, back / forward): its notice, if any, shown. */
function openLink(ctx, bar, L, link, { push = false, focus = false } = {}) {
  const r = parseLessonLink(link);
  if (r.notice) ctx.notice(r.notice);
  const same = L.steps === r.steps && JSON.stringify(L.source) === JSON.stringify(r.source);
  if (!same) L.revealed = new Set();
  Object.assign(L, { open: true, steps: r.steps, source: r.source });
  ctx.$('#lesson').hidden = false;
  ctx.host.classList.add('lesson-on');
  show(ctx, bar, L, r.index, push);
  if (focus) bar.title.focus();
}

/** Show step i: its words at once (numbers once its model is on screen), its state in one replace. */
function show(ctx, bar, L, i, push) {
  const step = L.steps[i];
  const state = stepState(step);
  Object.assign(L, { index: i, step, modeName: state.mode, facts: null });
  setText(bar.progress, `Lesson · ${i + 1} / ${L.steps.length}`);
  setText(bar.title, step.title);
  setProp(bar.back, 'disabled', i === 0);
  setText(bar.next, i === L.steps.length - 1 ? 'Finish' : 'Next →');
  const q = step.question;
  setProp(bar.form, 'hidden', !q);
  bar.guess.value = '';
  bar.guess.placeholder = q && q.kind === 'shape' ? 'e.g. [1, 1, 3, 3] or 3x3' : 'a number, e.g. 27';
  for (const p of [bar.result, bar.explain]) setText(p, '');
  bar.result.className = 'lesson-result';
  fillWords(bar, L, null);
  if (push) ctx.pushHistory();
  ctx.store.replace(state);
  // a new step plays, as the page's first picture does; a value question's would give the answer
  // away: it waits on the first cell for the answer
  if (q && q.kind === 'value' && !L.revealed.has(step.id)) {
    ctx.timeline.home(performance.now());
    ctx.timeline.pause();
  } else if (!ctx.timeline.playing) ctx.timeline.play(performance.now());
  ctx.markDirty();
}

/** The step's text, prompt and reveal, filled from facts `f` (null: before its model is on screen). */
function fillWords(bar, L, f) {
  const { step } = L;
  const revealed = !step.question || L.revealed.has(step.id);
  setText(bar.text, fillText(step.text, f));
  if (step.question) setText(bar.prompt, fillText(step.question.prompt, f));
  setText(bar.after, revealed && step.after ? fillText(step.after, f) : '');
  setProp(bar.skip, 'hidden', revealed);
}

/** After every recompute: the words, cards, controls and hiding follow the model on screen. */
function render(ctx, bar, L, mode, model, state) {
  if (!L.open) return;
  const own = mode.name === L.modeName;
  // a tab switch mid-lesson shows that tab whole; the step's words keep their last numbers
  if (own) {
    L.facts = factContext(mode, model, state);
    fillWords(bar, L, L.facts);
  } else {
    // the step's model is gone (each recompute disposes the one before): its answer waits for its tab
    L.facts = null;
  }
  markCards(ctx, L, mode, own);
}

/** Which cards show (data-lesson-show = shown | later), the controls handed over, what is hidden. */
function markCards(ctx, L, mode, own) {
  const { step } = L;
  const revealed = !step.question || L.revealed.has(step.id);
  const later = revealed ? [] : step.question.hides ?? [];
  for (const card of ctx.$$(`[data-pane="${mode.name}"] .card[id]`)) {
    const name = card.id.slice(ctx.prefix.length);
    const show = !own ? 'shown' : later.includes(name) ? 'later' : step.cards.includes(name) ? 'shown' : null;
    if (show) setAttr(card, 'data-lesson-show', show);
    else card.removeAttribute('data-lesson-show');
  }
  ctx.controls.spotlight(own ? step.controls : null);
  const cl = ctx.host.classList;
  cl.toggle('lesson-no-controls', own && step.controls.length === 0);
  cl.toggle('lesson-hiding-shape', own && !revealed && step.question.kind === 'shape');
  cl.toggle('lesson-hiding-value', own && !revealed && step.question.kind === 'value');
}

/** Judge the typed answer: any readable answer, right or wrong, reveals the step. */
function check(ctx, bar, L) {
  if (!L.facts) {
    setText(bar.result, 'Back in the step’s tab, this answer can be checked.');
    return;
  }
  const r = checkAnswer(L.step.question, bar.guess.value, L.facts);
  setText(bar.result, r.valid && r.correct ? `✓ ${r.message} Well done.` : r.message);
  bar.result.className = `lesson-result${r.valid ? (r.correct ? ' is-good' : ' is-bad') : ''}`;
  setText(bar.explain, r.explain);
  if (r.valid) reveal(ctx, bar, L);
}

/** The reveal: the step's `after` text, its dimmed cards, the output shape and values. */
function reveal(ctx, bar, L) {
  if (!L.open || L.revealed.has(L.step.id)) return;
  L.revealed.add(L.step.id);
  fillWords(bar, L, L.facts);
  if (L.facts) markCards(ctx, L, L.facts.mode, L.facts.mode.name === L.modeName);
  if (L.step.question.kind === 'value') ctx.timeline.play(performance.now());
  ctx.markDirty();
}

function close(ctx, bar, L) {
  if (!L.open) return;
  L.open = false;
  ctx.$('#lesson').hidden = true;
  clearMarks(ctx);
}

/** The page as the full visualizer shows it: every card and control, no lesson class. */
function clearMarks(ctx) {
  for (const card of ctx.$$('[data-lesson-show]')) card.removeAttribute('data-lesson-show');
  ctx.controls.spotlight(null);
  ctx.host.classList.remove(...HOST_CLASSES);
  ctx.markDirty();
}
