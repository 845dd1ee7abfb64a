// "Predict first": the page hides the output shape (or the current output cell's value), the
// learner types a guess, and the page reveals the answer with the formula (explainShape,
// explainTransposeShape, explainUnfoldShape) or the sum (explainDotProduct, explainTransposeValue)
// behind it. Shapes in the Conv2d, ConvTranspose2d and Unfold / Fold tabs. Values in the Conv2d tab
// (the input and weight cards stay in view) and in the ConvTranspose2d tab stepping through output
// cells (the zero-insertion card stays in view, the current cell withheld). Kept in links.

import {
  checkShapeGuess, checkValueGuess, explainShape, explainTransposeShape, explainUnfoldShape, explainDotProduct,
  explainTransposeValue,
} from '../quiz.js';
import { $, setAttr, setData, setProp } from '../pages/dom.js';

/** The shape question of each tab: its wording, the true shape, and the lines that explain it. */
const SHAPE = {
  conv2d: {
    question: () => 'What is the shape of y = the layer(x)?',
    placeholder: 'e.g. [1, 1, 3, 3] or 3x3',
    expected: (m) => m.output.shape,
    explain: (m) => {
      const ex = explainShape(m.arithmetic);
      return [ex.height, ex.width];
    },
  },
  convTranspose2d: {
    question: (m, p) => {
      const call = p.output_size ? `x, output_size=(${p.output_size[0]}, ${p.output_size[1]})` : 'x';
      return `What is the shape of y = the layer(${call})?`;
    },
    placeholder: 'e.g. [1, 1, 5, 5] or 5x5',
    expected: (m) => m.output.shape,
    explain: (m, p) => explainTransposeShape(m.arithmetic, p.output_size),
  },
  unfold: {
    question: () => 'What is the shape of F.unfold(x) with the arguments above: [N, rows, columns]?',
    placeholder: 'e.g. [1, 27, 9]',
    expected: (m) => m.columns.shape,
    explain: (m) => explainUnfoldShape(m.arithmetic, m.cin),
  },
};

/**
 * The value question of each tab that has one: its wording and the sum that explains it, for
 * output cell (co, l). ConvTranspose2d's is asked while the timeline steps through output cells.
 */
const VALUE = {
  conv2d: {
    question: (c) => `What is y[0, ${c.co}, ${c.oh}, ${c.ow}], the value of the cell the kernel is on?`,
    explain: (m, c) => explainDotProduct(m.steps(c.co, c.l)),
  },
  convTranspose2d: {
    question: (c) => `What is y[0, ${c.co}, ${c.oh}, ${c.ow}], the cell the flipped kernel is on? (The zero-insertion card shows what it reads.)`,
    explain: (m, c) => explainTransposeValue(m.zero.steps(c.co, c.l), (t) => m.readsInput(t)),
  },
};

/** Wire #quiz and the toolbar's toggle. ctx: { store, timeline, markDirty }. */
export function buildQuiz(ctx) {
  const card = $('#quiz');
  const toggle = $('#quiz-toggle');
  const question = $('#quiz-question');
  const form = $('#quiz-form');
  const guess = $('#quiz-guess');
  const result = $('#quiz-result');
  const explain = $('#quiz-explain');
  const next = $('#quiz-next');
  let model = null;
  let mode = ''; // the tab shown (its question, when model is set)
  let params = null;
  let kind = '';
  let key = '';
  let revealed = false;
  let lastKind = 'shape';
  const kindRadios = [...document.querySelectorAll('input[name="quiz-kind"]')];

  toggle.addEventListener('click', () => {
    const on = ctx.store.state.ui.quiz;
    if (on) lastKind = on;
    ctx.store.setUi('quiz', on ? '' : lastKind);
  });
  for (const r of document.querySelectorAll('input[name="quiz-kind"]')) {
    r.addEventListener('change', () => {
      if (!r.checked) return;
      // ConvTranspose2d's value questions follow the output cells: asking for one steps through them
      if (r.value === 'value' && mode === 'convTranspose2d') ctx.store.update({ ui: { quiz: 'value', step: 'output' } });
      else ctx.store.setUi('quiz', r.value);
    });
  }

  function hide(on) {
    document.body.classList.toggle('quiz-hiding', on && kind === 'shape');
    document.body.classList.toggle('quiz-hiding-value', on && kind === 'value');
  }

  function reset(text) {
    revealed = false;
    card.dataset.revealed = 'false';
    delete card.dataset.correct;
    question.textContent = text;
    result.textContent = '';
    result.className = 'quiz-result';
    explain.textContent = '';
    guess.value = '';
    next.hidden = true;
    hide(true);
  }

  function current() {
    const p = ctx.timeline.position;
    const { co, l } = model.position(p);
    return { p, co, l, oh: Math.floor(l / model.wo), ow: l % model.wo };
  }

  function ask() {
    if (!model) return;
    if (kind === 'shape') {
      const q = SHAPE[mode];
      reset(`x has torch.Size([1, ${model.cin}, ${model.h}, ${model.w}]). ${q.question(model, params)}`);
      guess.placeholder = q.placeholder;
    } else {
      ctx.timeline.pause();
      const c = current();
      key = `${key.split('|')[0]}|${c.p}`;
      reset(VALUE[mode].question(c));
      guess.placeholder = 'a number, e.g. 27 or -0.5';
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!model || !kind) return;
    let r;
    if (kind === 'shape') {
      const q = SHAPE[mode];
      r = checkShapeGuess(guess.value, q.expected(model));
      if (r.valid) explain.textContent = q.explain(model, params).join('\n');
    } else {
      const c = current();
      const expected = model.output.data[c.co * model.L + c.l];
      r = checkValueGuess(guess.value, expected);
      if (r.valid) explain.textContent = VALUE[mode].explain(model, c);
    }
    result.textContent = r.valid ? (r.correct ? `✓ ${r.message} Well done.` : r.message) : r.message;
    result.className = `quiz-result ${r.valid ? (r.correct ? 'is-good' : 'is-bad') : ''}`;
    if (!r.valid) return;
    revealed = true;
    card.dataset.revealed = 'true';
    card.dataset.correct = String(r.correct);
    next.hidden = kind !== 'value';
    hide(false);
    ctx.markDirty();
  });

  next.addEventListener('click', () => {
    ctx.timeline.step(1, performance.now());
    ask();
    ctx.markDirty();
  });

  return {
    /** After each recompute. */
    render(pageMode, m, state) {
      const want = state.ui.quiz;
      setAttr(toggle, 'aria-pressed', String(Boolean(want)));
      setProp(card, 'hidden', !want);
      for (const r of kindRadios) {
        setProp(r, 'checked', r.value === want);
        const off = r.value === 'value' && !VALUE[pageMode];
        setProp(r, 'disabled', off);
        if (r.labels[0]) setAttr(r.labels[0], 'title', off ? 'Value questions work in the Conv2d and ConvTranspose2d tabs' : '');
      }
      mode = pageMode;
      let refusal = '';
      if (want && !SHAPE[pageMode]) refusal = 'Predict first works in the Conv2d, ConvTranspose2d and Unfold / Fold tabs.';
      else if (want === 'value' && !VALUE[pageMode]) {
        refusal = 'Value questions work in the Conv2d and ConvTranspose2d tabs. Here, predict the output shape.';
      } else if (want === 'value' && pageMode === 'convTranspose2d' && m.stepBy !== 'output') {
        refusal = 'Value questions follow the output cells: choose “output cells (zero-insertion)” under Step through.';
      }
      if (!want || refusal) {
        model = null;
        kind = '';
        hide(false);
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
      const k = `${pageMode}:${want}:${JSON.stringify(state.params)}:${SHAPE[pageMode].expected(m)}`;
      const changed = model !== m || kind !== want;
      model = m;
      params = state.params;
      kind = want;
      card.dataset.kind = want;
      if (changed && (k !== key.split('|')[0] || !revealed || want === 'value')) {
        key = k;
        ask();
      } else hide(!revealed);
    },
    /** Whether a value question waits for its guess (the views withhold the asked cell). */
    withheld: () => kind === 'value' && !revealed,
    /** Every frame: a value question follows the timeline (a new cell is a new question). */
    frame() {
      if (!model || kind !== 'value') return;
      const p = ctx.timeline.position;
      if (`${key.split('|')[0]}|${p}` !== key) ask();
    },
  };
}
