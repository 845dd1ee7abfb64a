// www/classroom/lesson.js and lesson-steps.js (#21): every built-in step validates; its state reads
// as a link and builds a model in the real wasm core; the cards and controls it names exist in its
// mode; every placeholder of its texts is filled from that model and its `expect` holds; its
// question accepts the right answer and explains a wrong one; a teacher's sequence round-trips
// through a link, and malformed links are refused with a notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import api from './pkg.mjs';
import {
  STEPS, FACTS, validateSteps, validateStep, factContext, factText, fillText, placeholders, checkAnswer,
  cardIds, stepState, encodeSteps, decodeSteps, parseLessonLink, lessonLink, isLessonLink,
} from '../../www/classroom/lesson.js';
import { modeByName } from '../../www/modes/registry.js';
import { PARAM } from '../../www/lib/params.js';
import { fromHash } from '../../www/lib/state.js';

/** The model a step opens on, and its facts' context. */
function opened(step) {
  const state = stepState(step);
  const mode = modeByName(state.mode);
  const model = mode.build(api, state, null);
  return { state, mode, model, f: factContext(mode, model, state) };
}

/** A right answer and a wrong one, as a learner would type them. */
function answers(step, f) {
  const q = step.question;
  if (q.kind === 'shape') {
    const s = f.mode.classroom.shape.expected(f.model);
    return { right: `[${s.join(', ')}]`, wrong: `[${[...s.slice(0, -2), s[s.length - 2] + 1, s[s.length - 1]].join(', ')}]` };
  }
  if (q.kind === 'value') {
    const [co, oh, ow] = q.cell;
    const [ho, wo] = f.shapes[1][1].slice(-2);
    const v = f.model.output.data[co * ho * wo + oh * wo + ow];
    return { right: String(v), wrong: String(v + 1) };
  }
  const v = Number(FACTS[q.answer](f));
  return { right: String(v), wrong: String(v + 3) };
}

test('the built-in lesson: 12 steps in the lecture\'s order, every one valid, ids unique', () => {
  assert.deepEqual(validateSteps(STEPS), []);
  assert.deepEqual(STEPS.map((s) => s.id), [
    'conv-ones', 'ones-27', 'output-size', 'dilation', 'groups', 'padding-modes', 'unfold-matmul',
    'transpose-up', 'zero-insertion', 'matrix-transpose', 'unfold-fold', 'backward',
  ]);
  assert.ok(Object.isFrozen(STEPS) && Object.isFrozen(STEPS[0]) && Object.isFrozen(STEPS[0].cards));
});

test('every step: its state reads as a link, its cards and controls exist in its mode, 2–5 sentences', () => {
  for (const step of STEPS) {
    const { notice, state } = fromHash(step.state, null);
    assert.equal(notice, null, step.id);
    const mode = modeByName(state.mode);
    assert.ok(mode, `${step.id}: mode ${state.mode}`);
    for (const id of step.cards) {
      assert.match(mode.cards, new RegExp(`id="${id}"`), `${step.id}: ${id} in the ${mode.tab} cards`);
      assert.ok(cardIds(mode).includes(id));
    }
    for (const c of step.controls) {
      assert.ok(PARAM[c], `${step.id}: ${c} is a row of the params table`);
      assert.ok(mode.params.includes(c), `${step.id}: ${mode.tab} shows ${c}`);
    }
    assert.ok(step.controls.length <= 2, `${step.id}: one or two controls`);
    const sentences = (t) => t.split(/(?<=[.!?])\s+(?=[A-Z∂'“(])/).length;
    const n = sentences(step.text);
    assert.ok(n >= 2 && n <= 5, `${step.id}: text of ${n} sentences`);
    if (step.after) assert.ok(sentences(step.after) <= 5, `${step.id}: after`);
  }
});

test('every step builds in the wasm core; each placeholder is filled from the model; expect holds', () => {
  for (const step of STEPS) {
    const { f, model } = opened(step);
    for (const key of ['text', 'after']) {
      for (const name of placeholders(step[key])) assert.notEqual(factText(name, f), '…', `${step.id}.${key}: {${name}}`);
      assert.doesNotMatch(fillText(step[key], f), /[{}]|…/, `${step.id}.${key} filled`);
    }
    if (step.question) assert.doesNotMatch(fillText(step.question.prompt, f), /[{}]|…/);
    // the e2e test answers every question from `expect`
    const q = step.question;
    if (q) assert.ok(step.expect[q.kind === 'shape' ? 'output_shape' : q.kind === 'value' ? 'y0' : q.answer], `${step.id}: expect holds the answer`);
    for (const [name, want] of Object.entries(step.expect ?? {})) assert.equal(factText(name, f), want, `${step.id}: ${name}`);
    model.dispose();
  }
});

test('numbers in the texts follow the state: the same step with another stride says other numbers', () => {
  const step = STEPS.find((s) => s.id === 'output-size');
  const a = opened(step);
  const state = { ...a.state, params: { ...a.state.params, stride: [1, 1] } };
  const model = a.mode.build(api, state, 'stride');
  const f = factContext(a.mode, model, state);
  assert.match(fillText(step.after, a.f), /torch\.Size\(\[1, 1, 3, 3\]\)/);
  assert.match(fillText(step.after, f), /torch\.Size\(\[1, 1, 6, 6\]\).*⌊5\/1⌋ \+ 1 = 6.*0 padded row/);
  a.model.dispose();
  model.dispose();
});

test('every question accepts the right answer and explains a wrong one; text that is no answer is not judged', () => {
  for (const step of STEPS.filter((s) => s.question)) {
    const { f, model } = opened(step);
    const { right, wrong } = answers(step, f);
    const ok = checkAnswer(step.question, right, f);
    assert.ok(ok.valid && ok.correct, `${step.id}: ${right} → ${ok.message}`);
    const bad = checkAnswer(step.question, wrong, f);
    assert.ok(bad.valid && !bad.correct, `${step.id}: ${wrong}`);
    assert.match(bad.message, /^Not quite/, step.id);
    if (step.question.kind !== 'number') assert.ok(bad.explain.length > 10, `${step.id}: a wrong answer comes with the formula or the sum`);
    const junk = checkAnswer(step.question, 'banana', f);
    assert.equal(junk.valid, false);
    model.dispose();
  }
  // the lecture's 27, and the formula for a wrong shape
  const s2 = opened(STEPS[1]);
  assert.match(checkAnswer(STEPS[1].question, '9', s2.f).message, /too low; the value is 27/);
  assert.match(checkAnswer(STEPS[1].question, '9', s2.f).explain, /= 27$/);
  const s1 = opened(STEPS[0]);
  const r = checkAnswer(STEPS[0].question, '[1, 1, 5, 5]', s1.f);
  assert.match(r.message, /height is 3, not 5; width is 3, not 5/);
  assert.match(r.explain, /H_out = .* = 3/);
});

test('validation names what is wrong: keys, placeholders, cards, controls, questions, answers given away', () => {
  const base = { ...STEPS[0], question: { ...STEPS[0].question } };
  const errs = (patch) => validateStep({ ...base, ...patch });
  assert.deepEqual(errs({}), []);
  assert.match(errs({ colour: 'red' })[0], /unknown key 'colour'/);
  assert.match(errs({ id: 'Bad Id' })[0], /^id:/);
  assert.match(errs({ text: 'See {nonsense} here. And more.' })[0], /unknown placeholder \{nonsense\}/);
  assert.match(errs({ text: 'The output is {output_shape}. Guess it.' })[0], /gives the answer away/);
  assert.match(errs({ state: 'stride=0' })[0], /^state: The link could not be read/);
  assert.match(errs({ cards: ['card-matrix'] })[0], /Conv2d has no card 'card-matrix'/);
  assert.match(errs({ controls: ['output_size'] })[0], /Conv2d has no argument 'output_size'/);
  assert.match(errs({ question: { kind: 'essay', prompt: 'Why?' } })[0], /question\.kind/);
  assert.match(errs({ question: { kind: 'number', prompt: 'How many?', answer: 'nope' } })[0], /question\.answer/);
  assert.match(errs({ question: { kind: 'value', prompt: 'Which?', cell: [0, -1, 0] } })[0], /question\.cell/);
  assert.match(errs({ question: { kind: 'shape', prompt: 'Shape?', hides: ['card-fold'] } })[0], /question\.hides/);
  assert.match(validateStep({ ...STEPS[9], question: { kind: 'shape', prompt: 'Shape?' } })[0], /Matrix.* asks no shape question/);
  assert.match(errs({ expect: { output_shape: 3 } })[0], /^expect/);
  assert.deepEqual(validateSteps([]), ['a lesson is a non-empty list of steps']);
  assert.match(validateSteps([STEPS[0], STEPS[0]])[0], /step 2 \(conv-ones\): the id is used twice/);
});

test('links: #lesson=N, a teacher\'s order and own steps round-trip; N out of range and malformed links give a notice', () => {
  assert.ok(isLessonLink('#lesson=3'));
  assert.ok(!isLessonLink('#stride=2&lesson_x=1'));
  const plain = parseLessonLink('#lesson=3');
  assert.deepEqual([plain.index, plain.source, plain.notice, plain.steps], [2, null, null, STEPS]);
  assert.equal(lessonLink(plain.index, plain.source), 'lesson=3');

  const ordered = parseLessonLink('lesson=2&order=groups,conv-ones');
  assert.equal(ordered.notice, null);
  assert.deepEqual(ordered.steps.map((s) => s.id), ['groups', 'conv-ones']);
  assert.equal(ordered.index, 1);
  assert.equal(lessonLink(ordered.index, ordered.source), 'lesson=2&order=groups,conv-ones');

  const mine = {
    id: 'my-stride', title: 'Stride 3 on 7×7', text: 'A kernel that jumps three cells. What comes out of {input_shape}?',
    after: 'It is {output_shape}. The floor again.', state: 'in_channels=1&height=7&width=7&stride=3&bias=0&input=arange&weight=ones',
    cards: ['card-input', 'card-output'], controls: ['stride'], question: { kind: 'shape', prompt: 'Its shape?' },
  };
  const text = encodeSteps(['ones-27', mine]);
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  const custom = parseLessonLink(`lesson=2&steps=${text}`);
  assert.equal(custom.notice, null);
  assert.deepEqual(custom.steps[1], mine);
  assert.equal(custom.steps[0], STEPS[1]);
  assert.equal(lessonLink(custom.index, custom.source), `lesson=2&steps=${text}`);
  assert.deepEqual(decodeSteps(encodeSteps([{ ...mine, title: 'Ünïcødé ∂L/∂x' }]))[0].title, 'Ünïcødé ∂L/∂x');
  const { f } = opened(mine);
  assert.equal(factText('output_shape', f), 'torch.Size([1, 1, 2, 2])');

  const refused = (link) => parseLessonLink(link);
  for (const [link, why] of [
    ['lesson=1&order=conv-ones,nope', /no built-in step 'nope'/],
    ['lesson=1&order=conv-ones&steps=W10', /order= or steps=, not both/],
    ['lesson=1&steps=!!!', /not base64url/],
    ['lesson=1&steps=bm90IGpzb24', /not the base64url of a JSON list/],
    [`lesson=1&steps=${encodeSteps({ a: 1 })}`, /not a list/],
    [`lesson=1&steps=${encodeSteps([])}`, /non-empty list/],
    [`lesson=1&steps=${encodeSteps([{ ...mine, cards: ['card-nope'] }])}`, /step 1 \(my-stride\): cards: Conv2d has no card 'card-nope'/],
    [`lesson=1&steps=${encodeSteps([{ ...mine, text: 'x'.repeat(5000) }])}`, /text: a text of at most/],
    [`lesson=1&steps=${'A'.repeat(40000)}`, /too long/],
  ]) {
    const r = refused(link);
    assert.match(r.notice, /^The lesson link could not be read \(/, link.slice(0, 40));
    assert.match(r.notice, why, link.slice(0, 40));
    assert.match(r.notice, /showing step 1 of the built-in lesson\.$/);
    assert.deepEqual([r.steps, r.index, r.source], [STEPS, 0, null]);
  }
  for (const n of ['0', '13', 'two', '', '99999']) {
    const r = parseLessonLink(`lesson=${n}`);
    assert.equal(r.index, 0);
    assert.match(r.notice, /This lesson has steps 1 to 12/);
  }
  const short = parseLessonLink('lesson=3&order=groups,conv-ones');
  assert.deepEqual([short.index, short.steps.length], [0, 2]);
  assert.match(short.notice, /steps 1 to 2/);
});
