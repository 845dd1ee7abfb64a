// "Predict first": the page hides the output shape (or the current output cell's value), the
// learner types a guess, and the page reveals the answer with the formula (explainShape,
// explainTransposeShape, explainUnfoldShape) or the sum (explainDotProduct, explainTransposeValue)
// behind it. Shapes in the Conv2d, ConvTranspose2d and Unfold / Fold tabs. Values in the Conv2d tab
// (the input and weight cards stay in view) and in the ConvTranspose2d tab stepping through output
// cells (the zero-insertion card stays in view, the current cell withheld). Kept in links.

import { checkShapeGuess, checkValueGuess } from '../lib/quiz.js';
import { setAttr, setData, setProp } from '../lib/dom.js';
import { MODES } from '../modes/registry.js';

/** The tabs that ask a kind of question, for the messages ("the Conv2d and Unfold / Fold tabs"). */
function tabsAsking(kind) {
  const tabs = MODES.filter((m) => m.classroom[kind]).map((m) => m.tab);
  return tabs.length > 1 ? `${tabs.slice(0, -1).join(', ')} and ${tabs[tabs.length - 1]}` : tabs.join('');
}

/** Wire #quiz and the toolbar's toggle. ctx: { store, timeline, markDirty }. */
export function buildQuiz(ctx) {
  const { $, $$, listen } = ctx;
  const parts = {
    card: $('#quiz'),
    toggle: $('#quiz-toggle'),
    question: $('#quiz-question'),
    form: $('#quiz-form'),
    guess: $('#quiz-guess'),
    result: $('#quiz-result'),
    explain: $('#quiz-explain'),
    next: $('#quiz-next'),
    kindRadios: $$('input[name$="quiz-kind"]'),
    host: ctx.host,
  };
  // The question asked: `model` (null while none is), `mode` (the mode shown: its question, when
  // model is set), `params`, `kind` ('shape', 'value' or ''), `key` (what it asks about:
  // `mode:kind:params:answer|timeline position`) and whether its answer is `revealed`.
  const q = { model: null, mode: null, params: null, kind: '', key: '', revealed: false };

  listenKinds(ctx, parts, q);
  listen(parts.form, 'submit', (e) => {
    e.preventDefault();
    checkGuess(ctx, parts, q);
  });
  listen(parts.next, 'click', () => {
    ctx.timeline.step(1, performance.now());
    ask(ctx, parts, q);
    ctx.markDirty();
  });

  return {
    /** After each recompute. */
    render(pageMode, m, state) {
      renderQuiz(ctx, parts, q, pageMode, m, state);
    },
    /** Whether a value question waits for its guess (the views withhold the asked cell). */
    withheld: () => q.kind === 'value' && !q.revealed,
    /** Every frame: a value question follows the timeline (a new cell is a new question). */
    frame() {
      if (!q.model || q.kind !== 'value') return;
      const p = ctx.timeline.position;
      if (`${q.key.split('|')[0]}|${p}` !== q.key) ask(ctx, parts, q);
    },
  };
}

/** The toolbar's toggle (it brings back the last kind asked) and the kind radios. */
function listenKinds(ctx, { toggle, kindRadios }, q) {
  let lastKind = 'shape';
  ctx.listen(toggle, 'click', () => {
    const on = ctx.store.state.ui.quiz;
    if (on) lastKind = on;
    ctx.store.setUi('quiz', on ? '' : lastKind);
  });
  for (const r of kindRadios) {
    ctx.listen(r, 'change', () => {
      if (!r.checked) return;
      // a mode may need view choices for its value question (ConvTranspose2d: step through outputs)
      const ui = r.value === 'value' && q.mode && q.mode.classroom.value ? q.mode.classroom.value.ui : null;
      if (ui) ctx.store.update({ ui: { quiz: 'value', ...ui } });
      else ctx.store.setUi('quiz', r.value);
    });
  }
}

/** Hide what the question asks about (the output shape, or the asked cell's value) while `on`. */
function hide({ host }, q, on) {
  host.classList.toggle('quiz-hiding', on && q.kind === 'shape');
  host.classList.toggle('quiz-hiding-value', on && q.kind === 'value');
}

/** A new question, `text`: no guess, no answer, the answer hidden. */
function reset(ctx, parts, q, text) {
  const { card, question, result, explain, guess, next } = parts;
  q.revealed = false;
  card.dataset.revealed = 'false';
  delete card.dataset.correct;
  question.textContent = text;
  result.textContent = '';
  result.className = 'quiz-result';
  explain.textContent = '';
  guess.value = '';
  next.hidden = true;
  hide(parts, q, true);
}

/** The output cell at the timeline's position: p, its channel co, its flat index l, and oh, ow. */
function current(ctx, q) {
  const p = ctx.timeline.position;
  const pos = q.model.position(p);
  const { co, l } = pos;
  // a mode whose timeline steps other cells than the output's says which (oh / ow of its own grid)
  return { p, co, l, oh: pos.oh ?? Math.floor(l / q.model.wo), ow: pos.ow ?? l % q.model.wo };
}

/** Ask the question of the kind shown (a value question pauses the timeline on its cell). */
function ask(ctx, parts, q) {
  const { model, mode, params } = q;
  if (!model) return;
  // the animation would give the answer away (it fills the output): it waits for the guess
  ctx.timeline.pause();
  if (q.kind === 'shape') {
    const shape = mode.classroom.shape;
    // the input under the name the mode's cards give it (ConvTranspose2d's is y, the round trip's)
    const [[inName]] = mode.shapes(model);
    reset(ctx, parts, q, `${inName} has torch.Size([1, ${model.cin}, ${model.h}, ${model.w}]). ${shape.question(model, params)}`);
    parts.guess.placeholder = shape.placeholder;
  } else {
    const c = current(ctx, q);
    q.key = `${q.key.split('|')[0]}|${c.p}`;
    reset(ctx, parts, q, mode.classroom.value.question(c));
    parts.guess.placeholder = 'a number, e.g. 27 or -0.5';
  }
}

/** Check the typed guess: a readable one reveals the answer and the formula or sum behind it. */
function checkGuess(ctx, parts, q) {
  const { card, guess, result, explain, next } = parts;
  const { model, mode, params, kind } = q;
  if (!model || !kind) return;
  let r;
  if (kind === 'shape') {
    const shape = mode.classroom.shape;
    r = checkShapeGuess(guess.value, shape.expected(model));
    if (r.valid) explain.textContent = shape.explain(model, params).join('\n');
  } else {
    const c = current(ctx, q);
    const value = mode.classroom.value;
    const expected = value.expected ? value.expected(model, c) : model.output.data[c.co * model.L + c.l];
    r = checkValueGuess(guess.value, expected);
    if (r.valid) explain.textContent = mode.classroom.value.explain(model, c);
  }
  result.textContent = r.valid ? (r.correct ? `✓ ${r.message} Well done.` : r.message) : r.message;
  result.className = `quiz-result ${r.valid ? (r.correct ? 'is-good' : 'is-bad') : ''}`;
  if (!r.valid) return;
  q.revealed = true;
  card.dataset.revealed = 'true';
  card.dataset.correct = String(r.correct);
  next.hidden = kind !== 'value';
  hide(parts, q, false);
  ctx.markDirty();
}

/** Why the page's mode cannot ask the question `want` of model `m` ('' when it can). */
function refusalOf(want, pageMode, m) {
  const { shape, value } = pageMode.classroom;
  if (want && !shape) return `Predict first works in the ${tabsAsking('shape')} tabs.`;
  if (want === 'value' && !value) return `Value questions work in the ${tabsAsking('value')} tabs. Here, predict the output shape.`;
  if (want === 'value' && value.refusal) return value.refusal(m);
  return '';
}

/** Show the quiz as `state` asks (ui.quiz: '', 'shape' or 'value'); a new question when it changed. */
function renderQuiz(ctx, parts, q, pageMode, m, state) {
  const { card, toggle, question, form, result, explain, kindRadios } = parts;
  const want = state.ui.quiz;
  setAttr(toggle, 'aria-pressed', String(Boolean(want)));
  setProp(card, 'hidden', !want);
  for (const r of kindRadios) {
    setProp(r, 'checked', r.value === want);
    const off = r.value === 'value' && !pageMode.classroom.value;
    setProp(r, 'disabled', off);
    if (r.labels[0]) setAttr(r.labels[0], 'title', off ? `Value questions work in the ${tabsAsking('value')} tabs` : '');
  }
  q.mode = pageMode;
  const refusal = refusalOf(want, pageMode, m);
  if (!want || refusal) {
    q.model = null;
    q.kind = '';
    hide(parts, q, false);
    setData(card, 'kind', '');
    if (want) {
      question.textContent = refusal;
      form.hidden = true;
      result.textContent = '';
      explain.textContent = '';
    }
    return;
  }
  setProp(form, 'hidden', false);
  const k = `${pageMode.name}:${want}:${JSON.stringify(state.params)}:${pageMode.classroom.shape.expected(m)}`;
  const changed = q.model !== m || q.kind !== want;
  q.model = m;
  q.params = state.params;
  q.kind = want;
  card.dataset.kind = want;
  if (changed && (k !== q.key.split('|')[0] || !q.revealed || want === 'value')) {
    q.key = k;
    ask(ctx, parts, q);
  } else hide(parts, q, !q.revealed);
}
