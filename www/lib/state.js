// One state object, and the URL hash <-> state mapping.
//
// The state holds what the learner chose (parameters, how the tensors are filled, the cells they
// edited) — never anything computed. Every value that enters it from outside (a typed control,
// the URL hash) goes through `parseParam`, so a malformed value is reported, not stored.

import { PARAMS, PARAM, INPUT_FILLS, WEIGHT_FILLS, DEFAULT_MODE_NAME } from './params.js';
import { PASTED } from './tensors.js';
import { f32Text } from './format.js';
import { parseLayers, formatLayers, DEFAULT_LAYERS } from './layers.js';

export { f32Text };

const INPUT_FILL_NAMES = [...INPUT_FILLS.map(([k]) => k), PASTED];
const WEIGHT_FILL_NAMES = [...WEIGHT_FILLS.map(([k]) => k), PASTED];
const MAX_SEED = 2 ** 31 - 1;
/** The longest link (its hash) the page reads. */
export const MAX_LINK_CHARS = 100_000;
/** The most edited cells of one tensor a link carries. */
export const MAX_EDITS = 4096;

/**
 * View choices that are not arguments of any PyTorch call (they pick what the page shows):
 *   step       ConvTranspose2d: the timeline steps over 'input' cells (scatter) or 'output' cells
 *   pair       Matrix: the (input channel, output channel) whose matrix C is shown
 *   transpose  Matrix: show Cᵀ instead of C
 *   rt         ConvTranspose2d round trip: which of the input sizes that the Conv2d maps to this
 *              transposed convolution's input is x (0 = the smallest)
 *   loss       Backward: the loss whose gradient flows back — 'sum' (y.sum()), 'weighted'
 *              ((y * g).sum()) or 'mse' (F.mse_loss(y, t))
 *   lr         Backward: the SGD step's learning rate
 *   flip       Conv2d: show the true convolution (the kernel flipped) instead of PyTorch's
 *              cross-correlation
 */
export function defaultUi() {
  return { step: 'input', pair: [0, 0], transpose: false, rt: 0, quiz: '', loss: 'sum', lr: 0.1, flip: false };
}

/** The losses the Backward tab offers (ui.loss), in menu order. */
export const LOSSES = ['sum', 'weighted', 'mse'];
/** The largest learning rate a link or the field takes. */
export const MAX_LR = 1000;

/** The largest image side an image input may have (typed sizes stop at the table's max). */
export const IMAGE_MAX_SIDE = 256;
/** Image sources a link can name: the built-in sample is procedural, so a link can rebuild it;
 * an uploaded picture is not kept in links (its pixels would not fit). */
export const IMAGE_SOURCES = ['sample', 'upload'];

/**
 * A fresh default state: Conv2d(3, 1, 3) with bias on a 1×3×5×5 input, small integer fills. It is
 * the preset 'lecture-default' of presets.js (the menu names it): keep the two equal
 * (tests/node/presets.test.mjs checks).
 */
export function defaultState() {
  const params = {};
  for (const p of PARAMS) params[p.name] = Array.isArray(p.initial) ? [...p.initial] : p.initial;
  return {
    mode: DEFAULT_MODE_NAME,
    params,
    input: { fill: 'integers', seed: 1 },
    weight: { fill: 'integers', seed: 2 },
    edits: { input: {}, weight: {}, bias: {} },
    ui: defaultUi(),
    // an image as the input: { src: 'sample' | 'upload', size, channels, tensor } — the tensor
    // [1, channels, size, size] is kept here (not in links); null: the input is the fill recipe
    image: null,
  };
}

/** Whether a state's image (if any) is the input: its tensor matches in_channels × height × width. */
export function imageActive(state) {
  const im = state.image;
  if (!im || !im.tensor) return false;
  const p = state.params;
  const [, c, h, w] = im.tensor.shape;
  return c === p.in_channels && h === p.height && w === p.width;
}

const INT_RE = /^[+-]?\d+$/;
const DEFAULT_LAYERS_TEXT = formatLayers(DEFAULT_LAYERS);

function stripQuotes(s) {
  const m = /^(['"])(.*)\1$/.exec(s);
  return m ? m[2] : s;
}

/** Parse "3", "3, 2", "(3, 2)" or "[3,2]" into [h, w]; null when it is not that. */
function parsePairText(text) {
  const inner = text.trim().replace(/^[([]\s*(.*?)\s*[)\]]$/, '$1');
  const parts = inner.split(',').map((s) => s.trim());
  if (parts.length === 2 && parts[1] === '' && INT_RE.test(parts[0])) parts.pop(); // "(3,)"
  if (parts.length < 1 || parts.length > 2 || !parts.every((s) => INT_RE.test(s))) return null;
  const nums = parts.map(Number);
  return nums.length === 1 ? [nums[0], nums[0]] : nums;
}

/**
 * Parse an output_size as ConvTranspose2d.forward takes it: (h, w), or the whole size of a batched
 * output — `input.size()` as PyTorch prints it (`torch.Size([1, 1, 5, 5])`), a tuple or a list of
 * 4 ints — of which it uses the last two (`_output_padding`: `output_size[num_non_spatial_dims:]`);
 * one int stands for (h, w) as links write a square size. Returns [h, w]; PyTorch's message for a
 * count of ints it refuses; null when it is not a size at all.
 */
function parseSizeText(text) {
  const m = /^torch\.Size\s*\(\s*([[(].*[\])])\s*\)$/.exec(text);
  const inner = (m ? m[1] : text).replace(/^[([]\s*(.*?)\s*[)\]]$/, '$1');
  const parts = inner.split(',').map((s) => s.trim());
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // "(1, 1, 5, 5,)"
  if (!parts.every((s) => INT_RE.test(s))) return null;
  const nums = parts.map(Number);
  if (nums.length === 4) return nums.slice(2);
  if (nums.length === 2) return nums;
  if (nums.length === 1) return [nums[0], nums[0]];
  // PyTorch's own words (for a batched input, which the page's always is)
  return `ConvTranspose2D: for 2D input, output_size must have 2 or 4 elements (got ${parts.length})`;
}

/**
 * Parse the text of one parameter, as typed in its control or found in the hash.
 * Returns { ok: true, value } or { ok: false, message, tooLarge? } (message names the parameter;
 * tooLarge: a value past this visualizer's cap).
 * Only the syntax and this visualizer's size caps are checked here; whether the combination is
 * a valid convolution is the wasm core's call (its PyTorch-like error is shown instead).
 */
export function parseParam(name, text, limits = {}) {
  const p0 = PARAM[name];
  const p = p0 && limits[name] ? { ...p0, max: limits[name] } : p0;
  if (!p) return { ok: false, message: `unknown parameter '${name}'` };
  const raw = String(text).trim();
  const shown = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
  switch (p.kind) {
    case 'int': {
      if (!INT_RE.test(raw)) return { ok: false, message: `${p.label}: expected an int, got '${shown}'` };
      return capped(p, [Number(raw)]) ?? { ok: true, value: Number(raw) };
    }
    case 'pair': {
      const v = parsePairText(raw);
      if (!v) return { ok: false, message: `${name}: expected an int or a tuple of 2 ints, got '${shown}'` };
      return capped(p, v) ?? { ok: true, value: v };
    }
    case 'padding': {
      const s = stripQuotes(raw);
      if (s === 'same' || s === 'valid') return { ok: true, value: s };
      const v = parsePairText(raw);
      if (!v) {
        return {
          ok: false,
          message: `padding: expected an int, a tuple of 2 ints, 'same' or 'valid', got '${shown}'`,
        };
      }
      return capped(p, v) ?? { ok: true, value: v };
    }
    case 'size': {
      if (/^(none|null|)$/i.test(raw)) return { ok: true, value: null };
      const v = parseSizeText(raw);
      if (v === null) return { ok: false, message: `${name}: expected None or a tuple of 2 ints (or input.size()), got '${shown}'` };
      if (typeof v === 'string') return { ok: false, message: `${name}: ${v}` };
      return capped(p, v) ?? { ok: true, value: v };
    }
    case 'optint': {
      if (/^(none|null|)$/i.test(raw)) return { ok: true, value: null };
      if (!INT_RE.test(raw)) return { ok: false, message: `${p.label}: expected None or an int, got '${shown}'` };
      return capped(p, [Number(raw)]) ?? { ok: true, value: Number(raw) };
    }
    case 'bool': {
      const s = raw.toLowerCase();
      if (['true', '1', 'on', 'yes'].includes(s)) return { ok: true, value: true };
      if (['false', '0', 'off', 'no'].includes(s)) return { ok: true, value: false };
      return { ok: false, message: `${name}: expected True or False, got '${shown}'` };
    }
    case 'choice': {
      const s = stripQuotes(raw);
      if (p.choices.includes(s)) return { ok: true, value: s };
      const list = p.choices.map((c) => `'${c}'`).join(', ');
      return { ok: false, message: `${name}: ${name} must be one of ${list}, but got '${shown}'` };
    }
    case 'layers': {
      const r = parseLayers(raw);
      return r.ok ? r : { ...r, message: `${name}: ${r.message}` };
    }
    default:
      return { ok: false, message: `${name}: unsupported kind ${p.kind}` };
  }
}

/**
 * Values above this visualizer's drawing cap are refused here (PyTorch would accept them).
 * `tooLarge`: the text is a complete value, so typing more digits cannot mend it.
 */
function capped(p, values) {
  const big = values.find((v) => v > p.max);
  if (big === undefined) return null;
  return {
    ok: false,
    tooLarge: true,
    message: `${p.label}: this visualizer draws at most ${p.max} (got ${big})`,
  };
}

/** The text a control shows for a value: 3 for [3, 3], "3, 2" for [3, 2], 'same'. */
export function formatParam(name, value) {
  const p = PARAM[name];
  if (p.kind === 'layers') return formatLayers(value);
  if (p.kind === 'size') return value === null ? 'None' : `(${value[0]}, ${value[1]})`;
  if (p.kind === 'pair' || (p.kind === 'padding' && Array.isArray(value))) {
    return value[0] === value[1] ? String(value[0]) : `${value[0]}, ${value[1]}`;
  }
  if (p.kind === 'padding') return `'${value}'`;
  if (p.kind === 'optint') return value === null ? 'None' : String(value);
  if (p.kind === 'bool') return value ? 'True' : 'False';
  return String(value);
}

function hashValue(name, value) {
  const p = PARAM[name];
  if (p.kind === 'layers') return formatLayers(value).replaceAll('; ', ';');
  if (value === null) return 'None';
  if (Array.isArray(value)) return value[0] === value[1] ? String(value[0]) : `${value[0]},${value[1]}`;
  if (p.kind === 'bool') return value ? '1' : '0';
  return String(value);
}

/**
 * A state's cell edits, as links write them, by edits object. Edits objects are never changed
 * once in a state (the Store replaces them), so a link written again during a drag, or compared
 * with the presets after every edit, does not re-encode thousands of pasted values.
 */
/** Where an edits object keeps its link text (symbol-keyed: links and JSON never see it). */
const ENCODED = Symbol('link text of these edits');
const memoOn = (obj, key, value) => {
  if (Object.isExtensible(obj)) Object.defineProperty(obj, key, { value, configurable: true });
};

function encodeEdits(edits) {
  let text = edits[ENCODED];
  if (text === undefined) {
    text = Object.entries(edits)
      .map(([k, v]) => `${k.replaceAll(',', '.')}:${f32Text(v)}`)
      .join(';');
    memoOn(edits, ENCODED, text);
  }
  return text;
}

function decodeEdits(text, arity, what) {
  const out = {};
  if (text === '') return out;
  const items = text.split(';');
  if (items.length > MAX_EDITS) throw new Error(`${what}: too many edited cells`);
  for (const item of items) {
    const m = /^(\d+(?:\.\d+)*):(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/i.exec(item);
    if (!m) throw new Error(`${what}: malformed cell edit '${item.slice(0, 24)}'`);
    const idx = m[1].split('.');
    const value = Number(m[2]);
    if (idx.length !== arity || !Number.isFinite(value)) {
      throw new Error(`${what}: malformed cell edit '${item.slice(0, 24)}'`);
    }
    out[idx.join(',')] = value;
  }
  return out;
}

function decodeFill(text, names, what) {
  const m = /^([a-z]+)(?:~(\d{1,10}))?$/.exec(text);
  if (!m || !names.includes(m[1])) throw new Error(`${what}: unknown fill '${text.slice(0, 24)}'`);
  const seed = m[2] === undefined ? 1 : Number(m[2]);
  if (seed > MAX_SEED) throw new Error(`${what}: seed out of range`);
  return { fill: m[1], seed };
}

/** Serialize the state into a URL hash (without '#'), PyTorch names as keys. */
export function toHash(state) {
  const q = new URLSearchParams();
  if (state.mode !== DEFAULT_MODE_NAME) q.set('mode', state.mode);
  for (const p of PARAMS) {
    // a stack of layers is written once it differs from the default (links of the other tabs stay as they were)
    if (p.kind === 'layers' && formatLayers(state.params[p.name]) === DEFAULT_LAYERS_TEXT) continue;
    q.set(p.name, hashValue(p.name, state.params[p.name]));
  }
  q.set('input', `${state.input.fill}~${state.input.seed}`);
  q.set('weight', `${state.weight.fill}~${state.weight.seed}`);
  for (const t of ['input', 'weight', 'bias']) {
    const e = encodeEdits(state.edits[t]);
    if (e) q.set(`set_${t}`, e);
  }
  const ui = state.ui;
  if (ui.step !== 'input') q.set('step', ui.step);
  if (ui.pair[0] || ui.pair[1]) q.set('pair', `${ui.pair[0]},${ui.pair[1]}`);
  if (ui.transpose) q.set('matrix', 'T');
  if (ui.rt) q.set('rt', String(ui.rt));
  if (ui.quiz) q.set('quiz', ui.quiz);
  if (ui.loss !== 'sum') q.set('loss', ui.loss);
  if (ui.lr !== 0.1) q.set('lr', String(ui.lr));
  if (ui.flip) q.set('conv', 'flip');
  if (state.image && state.image.tensor && imageActive(state)) q.set('img', state.image.src);
  return q.toString().replaceAll('%2C', ',').replaceAll('%3A', ':').replaceAll('%3B', ';').replaceAll('%7E', '~');
}

/**
 * Parse a URL hash into a state. Every value is validated and bounded by the table; unknown
 * keys are ignored (later versions add some). A malformed hash gives the defaults and a notice.
 * `modes` are the mode names a link may say (the app passes modes/registry.js's MODE_NAMES; without
 * it any name of a mode's form is read).
 * Returns { state, notice } (notice null when the hash was fine or empty).
 */
export function fromHash(hash, modes = null) {
  const text = String(hash ?? '').replace(/^#/, '');
  const state = defaultState();
  if (text.trim() === '') return { state, notice: null };
  try {
    if (text.length > MAX_LINK_CHARS) throw new Error('link too long');
    const q = new URLSearchParams(text);
    if (q.has('mode')) {
      const mode = q.get('mode');
      if (modes ? !modes.includes(mode) : !/^[A-Za-z]\w{0,31}$/.test(mode)) throw new Error(`unknown mode '${mode.slice(0, 24)}'`);
      state.mode = mode;
    }
    let image = null;
    if (q.has('img')) {
      const src = q.get('img');
      if (!IMAGE_SOURCES.includes(src)) throw new Error(`img: expected 'sample' or 'upload', got '${src.slice(0, 24)}'`);
      image = { src };
    }
    const limits = image ? { height: IMAGE_MAX_SIDE, width: IMAGE_MAX_SIDE } : {};
    let known = 0;
    for (const key of q.keys()) if (KNOWN_KEYS.has(key)) known++;
    if (known === 0) throw new Error('it holds no setting this page knows');
    for (const p of PARAMS) {
      if (!q.has(p.name)) continue;
      const r = parseParam(p.name, q.get(p.name), limits);
      if (!r.ok) throw new Error(r.message);
      const low = (Array.isArray(r.value) ? r.value : [r.value]).find((v) => typeof v === 'number' && v < p.min);
      if (low !== undefined) throw new Error(`${p.name}: must be at least ${p.min} (got ${low})`);
      state.params[p.name] = r.value;
    }
    if (q.has('input')) state.input = decodeFill(q.get('input'), INPUT_FILL_NAMES, 'input');
    if (q.has('weight')) state.weight = decodeFill(q.get('weight'), WEIGHT_FILL_NAMES, 'weight');
    if (q.has('set_input')) state.edits.input = decodeEdits(q.get('set_input'), 3, 'set_input');
    if (q.has('set_weight')) state.edits.weight = decodeEdits(q.get('set_weight'), 4, 'set_weight');
    if (q.has('set_bias')) state.edits.bias = decodeEdits(q.get('set_bias'), 1, 'set_bias');
    decodeUi(q, state.ui);
    if (image) {
      const p = state.params;
      if (p.height !== p.width || (p.in_channels !== 1 && p.in_channels !== 3)) {
        throw new Error('img: an image input is square, with 1 or 3 channels');
      }
      state.image = { src: image.src, size: p.height, channels: p.in_channels, tensor: null };
    }
    return { state, notice: null };
  } catch (e) {
    return { state: defaultState(), notice: `The link could not be read (${e.message}); showing the default example.` };
  }
}

function decodeUi(q, ui) {
  if (q.has('step')) {
    const v = q.get('step');
    if (v !== 'input' && v !== 'output') throw new Error(`step: expected 'input' or 'output', got '${v.slice(0, 24)}'`);
    ui.step = v;
  }
  if (q.has('pair')) {
    const m = /^(\d),(\d)$/.exec(q.get('pair'));
    if (!m) throw new Error(`pair: expected two channel indices, got '${q.get('pair').slice(0, 24)}'`);
    ui.pair = [Number(m[1]), Number(m[2])];
  }
  if (q.has('matrix')) {
    const v = q.get('matrix');
    if (v !== 'T' && v !== 'C') throw new Error(`matrix: expected 'C' or 'T', got '${v.slice(0, 24)}'`);
    ui.transpose = v === 'T';
  }
  if (q.has('rt')) {
    const v = q.get('rt');
    if (!/^\d{1,2}$/.test(v)) throw new Error(`rt: expected a small index, got '${v.slice(0, 24)}'`);
    ui.rt = Number(v);
  }
  if (q.has('quiz')) {
    const v = q.get('quiz');
    if (v !== 'shape' && v !== 'value') throw new Error(`quiz: expected 'shape' or 'value', got '${v.slice(0, 24)}'`);
    ui.quiz = v;
  }
  if (q.has('loss')) {
    const v = q.get('loss');
    if (!LOSSES.includes(v)) throw new Error(`loss: expected ${LOSSES.map((l) => `'${l}'`).join(', ')}, got '${v.slice(0, 24)}'`);
    ui.loss = v;
  }
  if (q.has('conv')) {
    const v = q.get('conv');
    if (v !== 'flip' && v !== 'xcorr') throw new Error(`conv: expected 'flip' or 'xcorr', got '${v.slice(0, 24)}'`);
    ui.flip = v === 'flip';
  }
  if (q.has('lr')) {
    const r = parseLr(q.get('lr'));
    if (!r.ok) throw new Error(r.message);
    ui.lr = r.value;
  }
}

/**
 * A learning rate as typed or linked: a finite number in [0, MAX_LR] (0.1, 1e-3, .5).
 * Returns { ok: true, value } or { ok: false, message }.
 */
export function parseLr(text) {
  const raw = String(text ?? '').trim();
  const shown = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
  if (!/^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw)) return { ok: false, message: `lr: expected a number such as 0.1, got '${shown}'` };
  const v = Number(raw);
  if (!Number.isFinite(v) || v > MAX_LR) return { ok: false, message: `lr: this visualizer takes 0 … ${MAX_LR} (got ${shown})` };
  return { ok: true, value: v };
}

/** Every key a link may hold (anything else is ignored; a link with none of them is refused). */
const KNOWN_KEYS = new Set([
  'mode', ...PARAMS.map((p) => p.name), 'input', 'weight', 'set_input', 'set_weight', 'set_bias',
  'step', 'pair', 'matrix', 'rt', 'quiz', 'img', 'loss', 'lr', 'conv',
]);

/**
 * A copy of a state that shares nothing mutable with it, except the cell-edit objects: those are
 * never changed in place (a change replaces them), and sharing them keeps caches keyed on them
 * (encodeEdits, makeInput) warm.
 */
export function cloneState(state) {
  return {
    mode: state.mode,
    params: Object.fromEntries(
      Object.entries(state.params).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]),
    ),
    input: { ...state.input },
    weight: { ...state.weight },
    edits: { input: state.edits.input, weight: state.edits.weight, bias: state.edits.bias },
    ui: { ...state.ui, pair: [...state.ui.pair] },
    image: state.image ? { ...state.image } : null,
  };
}

/**
 * The store: the one state object plus a version counter. Controls write through it; the frame
 * loop recomputes when `version` moved (so a burst of slider events costs one recompute per frame).
 */
export class Store {
  constructor(state) {
    this.state = state;
    this.version = 1;
    /** Called after every change (the page's loop wakes up to show it). */
    this.onChange = null;
    /** The parameter the learner touched last: where an error without a named argument is shown. */
    this.lastEdited = null;
  }

  /** Set one parameter (already parsed). */
  setParam(name, value) {
    const old = this.state.params[name];
    if (JSON.stringify(old) === JSON.stringify(value)) return;
    this.state.params[name] = Array.isArray(value) ? [...value] : value;
    if (['height', 'width', 'in_channels'].includes(name)) this.dropImage();
    this.lastEdited = name;
    this.changed();
  }

  /**
   * The input is no longer the image: the sides only an image may have (up to IMAGE_MAX_SIDE) come
   * back within the table's caps, so the state stays one that can be typed and linked (a link
   * without img= refuses a side past the cap).
   */
  dropImage() {
    this.state.image = null;
    for (const k of ['height', 'width']) {
      if (this.state.params[k] > PARAM[k].max) this.state.params[k] = PARAM[k].max;
    }
  }

  /** Refill a tensor ('input' or 'weight'); drops that tensor's cell edits (the input: its image). */
  setFill(tensor, fill, seed) {
    this.state[tensor] = { fill, seed };
    this.state.edits[tensor] = {};
    if (tensor === 'input') this.dropImage();
    if (tensor === 'weight') this.state.edits.bias = {};
    this.lastEdited = null;
    this.changed();
  }

  /**
   * Set one cell ('input' key "c,h,w", 'weight' key "o,i,h,w", 'bias' key "o"). The edits object
   * is replaced, never changed in place (see cloneState).
   */
  setCell(tensor, key, value) {
    this.state.edits[tensor] = { ...this.state.edits[tensor], [key]: value };
    this.lastEdited = null;
    this.changed();
  }

  /** Set one view choice (see defaultUi). */
  setUi(key, value) {
    if (JSON.stringify(this.state.ui[key]) === JSON.stringify(value)) return;
    this.state.ui[key] = Array.isArray(value) ? [...value] : value;
    this.lastEdited = null;
    this.changed();
  }

  /** Switch mode, applying `params` (parameter values the new mode needs) in the same step. */
  setMode(mode, params = {}) {
    this.update({ mode, params });
  }

  /**
   * Several changes at once, one recompute (a preset): { mode?, params?, ui?, input?, weight?,
   * image?, edits? }. `input` / `weight` are fill recipes; giving one drops that tensor's cell
   * edits (and `input` the image). `image` (an image object, or null) replaces the image input;
   * `edits` ({ input?, weight?, bias? }) then replaces those tensors' cell edits.
   */
  update({ mode, params = {}, ui = {}, input, weight, image, edits }) {
    if (mode) this.state.mode = mode;
    const drops = ['height', 'width', 'in_channels'].some((k) => k in params) || Boolean(input) || image === null;
    for (const [k, v] of Object.entries(params)) this.state.params[k] = Array.isArray(v) ? [...v] : v;
    for (const [k, v] of Object.entries(ui)) this.state.ui[k] = Array.isArray(v) ? [...v] : v;
    if (input) {
      this.state.input = { ...input };
      this.state.edits.input = {};
    }
    if (weight) {
      this.state.weight = { ...weight };
      this.state.edits.weight = {};
      this.state.edits.bias = {};
    }
    if (image) this.state.image = { ...image };
    else if (drops) this.dropImage();
    for (const [t, cells] of Object.entries(edits ?? {})) this.state.edits[t] = { ...cells };
    this.lastEdited = Object.keys(params).length === 1 ? Object.keys(params)[0] : null;
    this.changed();
  }

  /** Count a change and tell the listener. */
  changed() {
    this.version++;
    if (this.onChange) this.onChange();
  }

  /** Replace the whole state (e.g. from a hash change). */
  replace(state) {
    this.state = state;
    this.lastEdited = null;
    this.changed();
  }
}
