// The guided lesson's engine (#21), pure: the steps validated, a lesson link read and written (a
// teacher's own sequence included), the facts a step's text names filled in from the model on
// screen, and a learner's answer judged. No DOM: lessonpanel.js shows it; tests/node/lesson.test.mjs
// runs it in Node against the wasm core.
//
// Links (docs/lesson.md):
//   #lesson=N                       step N (1-based) of the built-in lesson (lesson-steps.js)
//   #lesson=N&order=id,id,…         the built-in steps named, in that order (a subset is fine)
//   #lesson=N&steps=<base64url>     a teacher's own steps: the base64url of the UTF-8 JSON of an
//                                   array whose items are step objects (as in lesson-steps.js) or
//                                   the id of a built-in step; `encodeSteps(array)` writes it
// A link that cannot be read opens the built-in lesson at step 1, with a notice saying why.

import { fromHash } from '../lib/state.js';
import { sizeText } from '../lib/torch.js';
import { formatValue } from '../lib/format.js';
import { checkShapeGuess, checkValueGuess } from '../lib/quiz.js';
import { modeByName, MODE_NAMES } from '../modes/registry.js';
import { STEPS } from './lesson-steps.js';

export { STEPS };

/** Caps on what a link may carry. */
export const LIMITS = Object.freeze({ steps: 40, linkChars: 30000, text: 900, title: 120, prompt: 300, cards: 12, controls: 4 });

const STEP_KEYS = new Set(['id', 'title', 'text', 'after', 'state', 'cards', 'controls', 'question', 'expect']);
const QUESTION_KEYS = new Set(['kind', 'prompt', 'cell', 'answer', 'hides']);
const ID_RE = /^[a-z0-9][a-z0-9-]{0,39}$/;
const PLACEHOLDER_RE = /\{(\w+)\}/g;

// ---------------------------------------------------------------- facts

const hwText = (s) => `${s[s.length - 2]}×${s[s.length - 1]}`;
const cells = (s) => s[s.length - 2] * s[s.length - 1];
const numel = (s) => s.reduce((a, b) => a * b, 1);
const arith = (f) => f.model.arithmetic.height;
const weightShape = (f) => f.model.weight.shape;
/** The learnable weights: the weight tensor's size (a Conv2d's groups shrink it). */
const weightCount = (f) => numel(weightShape(f));

/**
 * What a step's text may name as `{fact}`: each read from the model on screen (its tensors' shapes
 * and values, its output-size arithmetic — wasm results) or from the mode's contract (`shapes`,
 * `repr`). `f` = { mode, model, state, shapes }. A fact the model on screen lacks reads as '…'.
 */
export const FACTS = Object.freeze({
  layer: (f) => f.mode.repr(f.state.params, f.model),
  input_shape: (f) => sizeText(f.shapes[0][1]),
  output_shape: (f) => sizeText(f.shapes[1][1]),
  in_hw: (f) => hwText(f.shapes[0][1]),
  out_hw: (f) => hwText(f.shapes[1][1]),
  out_h: (f) => f.shapes[1][1][f.shapes[1][1].length - 2],
  in_channels: (f) => f.shapes[0][1][1],
  in_cells: (f) => cells(f.shapes[0][1]),
  out_cells: (f) => cells(f.shapes[1][1]),
  kernel: (f) => `${f.model.arithmetic.height.kernel}×${f.model.arithmetic.width.kernel}`,
  stride: (f) => arith(f).stride,
  padding: (f) => ('padBefore' in arith(f) ? arith(f).padBefore : arith(f).padding),
  dilation: (f) => arith(f).dilation,
  numerator: (f) => arith(f).numerator,
  unused: (f) => arith(f).unused,
  field: (f) => `${f.model.arithmetic.height.effectiveKernel}×${f.model.arithmetic.width.effectiveKernel}`,
  field_h: (f) => arith(f).effectiveKernel,
  groups: (f) => f.state.params.groups,
  weight_shape: (f) => sizeText(weightShape(f)),
  weight_count: weightCount,
  // the weights of the same layer with groups=1: out_channels · in_channels · kh · kw
  dense_count: (f) => f.shapes[1][1][1] * f.shapes[0][1][1] * weightShape(f)[2] * weightShape(f)[3],
  cin_per_group: (f) => weightShape(f)[1],
  // products per output cell of a Conv2d (weight [C_out, C_in/groups, kh, kw])
  taps: (f) => numel(weightShape(f).slice(1)),
  taps_formula: (f) => weightShape(f).slice(1).join(' · '),
  params: (f) => weightCount(f) + (f.model.bias ? numel(f.model.bias.shape) : 0),
  y0: (f) => f.model.output.data[0],
  columns_shape: (f) => sizeText(f.model.columns.shape),
  unfold_rows: (f) => f.model.columns.shape[1],
  unfold_cols: (f) => f.model.columns.shape[2],
  weight_matrix_shape: (f) => sizeText(f.model.weightMatrix.shape),
  product_shape: (f) => sizeText(f.model.product.shape),
  // a transposed convolution's zero insertion: stride − 1 zeros between inputs, and its border
  inserted_zeros: (f) => (f.model.zeroInsert ? arith(f).stride - 1 : undefined),
  zi_pad: (f) => f.model.zeroInsert.padding.top,
  count_max: (f) => Math.max(...f.model.count.data),
});

/** The facts' context for a model on screen (`mode.shapes` read once). */
export function factContext(mode, model, state) {
  return { mode, model, state, shapes: mode.shapes(model) };
}

/** One fact as the page writes it ('…' when the model on screen has no such fact). */
export function factText(name, f) {
  let v;
  try {
    v = FACTS[name](f);
  } catch {
    v = undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return formatValue(v);
  return typeof v === 'string' && v !== '' ? v : '…';
}

/** The names a text's `{placeholders}` use. */
export function placeholders(text) {
  return [...String(text ?? '').matchAll(PLACEHOLDER_RE)].map((m) => m[1]);
}

/** A text with its placeholders filled from `f` (null: every placeholder reads '…'). */
export function fillText(text, f) {
  return String(text ?? '').replace(PLACEHOLDER_RE, (_, name) => (f && name in FACTS ? factText(name, f) : '…'));
}

// ---------------------------------------------------------------- questions

/** The facts that answer a question: its text and prompt must not name them before the reveal. */
export function answerFacts(question) {
  if (!question) return [];
  if (question.kind === 'shape') return ['output_shape', 'out_hw', 'out_h', 'out_cells'];
  if (question.kind === 'value') return ['y0'];
  return [question.answer];
}

/** The output cell a value question asks about: { co, oh, ow, l, index } in the output's data. */
function askedCell(question, f) {
  const [co, oh, ow] = question.cell;
  const shape = f.shapes[1][1];
  const [ho, wo] = shape.slice(-2);
  return { co, oh, ow, l: oh * wo + ow, index: co * ho * wo + oh * wo + ow };
}

/**
 * Judge a learner's answer to a step's question on the model on screen.
 * @returns {{ valid: boolean, correct: boolean, message: string, explain: string }}
 *   valid is false when the text is not an answer at all (it is not counted; nothing is revealed)
 */
export function checkAnswer(question, text, f) {
  const { mode, model, state } = f;
  if (question.kind === 'shape') {
    const shape = mode.classroom.shape;
    const r = checkShapeGuess(text, shape.expected(model));
    return { ...r, explain: r.valid ? shape.explain(model, state.params).join('\n') : '' };
  }
  if (question.kind === 'value') {
    const c = askedCell(question, f);
    const r = checkValueGuess(text, model.output.data[c.index]);
    const why = mode.classroom.value && r.valid ? mode.classroom.value.explain(model, c) : '';
    return { ...r, explain: why };
  }
  const want = Number(FACTS[question.answer](f));
  return { ...checkValueGuess(text, want), explain: '' };
}

// ---------------------------------------------------------------- validation

/** The ids of a mode's cards (`<section class="card…" id="…">` in its markup). */
export function cardIds(mode) {
  return [...mode.cards.matchAll(/<section class="card[^"]*" id="([\w-]+)"/g)].map((m) => m[1]);
}

const isText = (v, max) => typeof v === 'string' && v.trim() !== '' && v.length <= max;

function checkTexts(step, errs) {
  if (!isText(step.title, LIMITS.title)) errs.push(`title: a text of at most ${LIMITS.title} characters`);
  if (!isText(step.text, LIMITS.text)) errs.push(`text: a text of at most ${LIMITS.text} characters`);
  if (step.after !== undefined && !isText(step.after, LIMITS.text)) errs.push(`after: a text of at most ${LIMITS.text} characters`);
  for (const key of ['text', 'after']) {
    for (const name of placeholders(step[key])) if (!(name in FACTS)) errs.push(`${key}: unknown placeholder {${name}}`);
  }
}

/** The step's state as the page would read it: { state, mode } or an error pushed. */
function checkState(step, errs) {
  if (!isText(step.state, 4000)) {
    errs.push('state: the link text of the step’s state');
    return null;
  }
  const loaded = fromHash(step.state, MODE_NAMES);
  if (loaded.notice) {
    errs.push(`state: ${loaded.notice}`);
    return null;
  }
  return { state: loaded.state, mode: modeByName(loaded.state.mode) };
}

function checkLists(step, mode, errs) {
  const ids = cardIds(mode);
  const list = (v, max) => Array.isArray(v) && v.length <= max && v.every((x) => typeof x === 'string');
  if (!list(step.cards, LIMITS.cards) || step.cards.length === 0) errs.push('cards: a list of card ids');
  else for (const c of step.cards) if (!ids.includes(c)) errs.push(`cards: ${mode.tab} has no card '${c}' (it has ${ids.join(', ')})`);
  if (!list(step.controls, LIMITS.controls)) errs.push(`controls: a list of at most ${LIMITS.controls} argument names`);
  else for (const c of step.controls) if (!mode.params.includes(c)) errs.push(`controls: ${mode.tab} has no argument '${c}'`);
}

function checkQuestion(step, mode, errs) {
  const q = step.question;
  if (q === undefined) return;
  if (!q || typeof q !== 'object' || Array.isArray(q)) {
    errs.push('question: an object');
    return;
  }
  for (const k of Object.keys(q)) if (!QUESTION_KEYS.has(k)) errs.push(`question: unknown key '${k}'`);
  if (!isText(q.prompt, LIMITS.prompt)) errs.push(`question.prompt: a text of at most ${LIMITS.prompt} characters`);
  const cellOk = Array.isArray(q.cell) && q.cell.length === 3 && q.cell.every((v) => Number.isInteger(v) && v >= 0 && v < 1024);
  if (q.kind === 'shape') {
    if (!mode.classroom.shape) errs.push(`question: ${mode.tab} asks no shape question`);
  } else if (q.kind === 'value') {
    if (!mode.classroom.value) errs.push(`question: ${mode.tab} asks no value question`);
    if (!cellOk) errs.push('question.cell: [out channel, row, column] of the output');
  } else if (q.kind === 'number') {
    if (!(q.answer in FACTS)) errs.push(`question.answer: a fact name (${Object.keys(FACTS).join(', ')})`);
  } else errs.push("question.kind: 'shape', 'value' or 'number'");
  if (q.hides !== undefined && !(Array.isArray(q.hides) && q.hides.every((c) => Array.isArray(step.cards) && step.cards.includes(c)))) {
    errs.push('question.hides: card ids among the step’s cards');
  }
  for (const name of placeholders(q.prompt)) if (!(name in FACTS)) errs.push(`question.prompt: unknown placeholder {${name}}`);
  const before = [...placeholders(step.text), ...placeholders(q.prompt)];
  for (const name of answerFacts(q)) if (before.includes(name)) errs.push(`text: {${name}} gives the answer away before the question`);
}

/**
 * What is wrong with a step, as messages naming the field ([] when it is fine): its keys, texts and
 * placeholders, its state (read as a link), its cards and controls (of its mode), its question.
 */
export function validateStep(step) {
  if (!step || typeof step !== 'object' || Array.isArray(step)) return ['a step is an object'];
  const errs = [];
  for (const k of Object.keys(step)) if (!STEP_KEYS.has(k)) errs.push(`unknown key '${k}'`);
  if (typeof step.id !== 'string' || !ID_RE.test(step.id)) errs.push('id: a-z, 0-9 and -, at most 40 characters');
  checkTexts(step, errs);
  const read = checkState(step, errs);
  if (read) {
    checkLists(step, read.mode, errs);
    checkQuestion(step, read.mode, errs);
  }
  if (step.expect !== undefined) {
    const ok = step.expect && typeof step.expect === 'object' && Object.entries(step.expect).every(([k, v]) => k in FACTS && typeof v === 'string');
    if (!ok) errs.push('expect: fact name → text');
  }
  return errs;
}

/** Every step's problems, prefixed with its place ("step 3 (groups): …"), and repeated ids. */
export function validateSteps(steps) {
  if (!Array.isArray(steps) || steps.length === 0) return ['a lesson is a non-empty list of steps'];
  if (steps.length > LIMITS.steps) return [`a lesson has at most ${LIMITS.steps} steps`];
  const errs = [];
  const seen = new Set();
  steps.forEach((s, i) => {
    const name = s && typeof s.id === 'string' ? ` (${s.id.slice(0, 40)})` : '';
    for (const e of validateStep(s)) errs.push(`step ${i + 1}${name}: ${e}`);
    if (s && seen.has(s.id)) errs.push(`step ${i + 1}${name}: the id is used twice`);
    if (s) seen.add(s.id);
  });
  return errs;
}

/** A step's state, as the store takes it (a fresh object each time). */
export function stepState(step) {
  return fromHash(step.state, MODE_NAMES).state;
}

// ---------------------------------------------------------------- links

/** base64url of the UTF-8 JSON of `steps` (items: step objects or built-in ids): a link's `steps=`. */
export function encodeSteps(steps) {
  const bytes = new TextEncoder().encode(JSON.stringify(steps));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The steps of a `steps=` value: built-in ids replaced by their step; throws when unreadable. */
export function decodeSteps(text, builtin = STEPS) {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('steps: not base64url');
  let items;
  try {
    const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
    items = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
  } catch {
    throw new Error('steps: not the base64url of a JSON list');
  }
  if (!Array.isArray(items)) throw new Error('steps: not a list');
  return items.map((s) => (typeof s === 'string' ? builtinStep(s, builtin) : s));
}

function builtinStep(id, builtin) {
  const s = builtin.find((x) => x.id === id);
  if (!s) throw new Error(`no built-in step '${String(id).slice(0, 40)}' (there are ${builtin.map((x) => x.id).join(', ')})`);
  return s;
}

const hashText = (hash) => String(hash ?? '').replace(/^#/, '');

/** Whether a link is a lesson's (`lesson=` in it). */
export function isLessonLink(hash) {
  const text = hashText(hash);
  return text.length <= LIMITS.linkChars + 200 && new URLSearchParams(text).has('lesson');
}

/** The sequence of a link: { steps, source } (source null: the built-in lesson). Throws. */
function sequenceOf(q, builtin) {
  if (q.has('order') && q.has('steps')) throw new Error('a link holds order= or steps=, not both');
  if (q.has('order')) {
    const ids = q.get('order').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > LIMITS.steps) throw new Error(`order: 1 to ${LIMITS.steps} step ids`);
    return { steps: ids.map((id) => builtinStep(id, builtin)), source: { order: ids } };
  }
  if (q.has('steps')) {
    const text = q.get('steps');
    if (text.length > LIMITS.linkChars) throw new Error('steps: too long for a link');
    const steps = decodeSteps(text, builtin);
    const errs = validateSteps(steps);
    if (errs.length) throw new Error(errs.length > 1 ? `${errs[0]}; and ${errs.length - 1} more` : errs[0]);
    return { steps, source: { steps: text } };
  }
  return { steps: builtin, source: null };
}

/**
 * Read a lesson link. Returns { steps, index (0-based), source, notice }: source is null for the
 * built-in lesson, { order: ids } or { steps: text } for a teacher's (written back as it came);
 * notice is null when the link was fine. An unreadable sequence gives the built-in lesson at
 * step 1; a step number out of range gives step 1 of the sequence; both with a notice.
 */
export function parseLessonLink(hash, builtin = STEPS) {
  const q = new URLSearchParams(hashText(hash));
  let seq;
  try {
    seq = sequenceOf(q, builtin);
  } catch (e) {
    return { steps: builtin, index: 0, source: null, notice: `The lesson link could not be read (${e.message}); showing step 1 of the built-in lesson.` };
  }
  const n = q.get('lesson') ?? '';
  const k = /^\d{1,3}$/.test(n) ? Number(n) : 0;
  if (k < 1 || k > seq.steps.length) {
    const shown = n.length > 12 ? `${n.slice(0, 12)}…` : n;
    return { ...seq, index: 0, notice: `This lesson has steps 1 to ${seq.steps.length} (the link said lesson=${shown}); showing step 1.` };
  }
  return { ...seq, index: k - 1, notice: null };
}

/** The link of step `index` (0-based) of a sequence (`source` as parseLessonLink gives it). */
export function lessonLink(index, source = null) {
  let s = `lesson=${index + 1}`;
  if (source && source.order) s += `&order=${source.order.join(',')}`;
  else if (source && source.steps) s += `&steps=${source.steps}`;
  return s;
}
