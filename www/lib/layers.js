// A stack of layers as text (the Stack tab's `layers` argument, and its link): one layer per
// `;` (or line), each a kind and its arguments, e.g.
//
//   conv k3 s1 p0 d1; maxpool k2 s2
//
// kinds: conv (nn.Conv2d, one channel), maxpool (nn.MaxPool2d; `max`, `pool`), avgpool
// (nn.AvgPool2d; `avg`); arguments: k / kernel_size, s / stride, p / padding, d / dilation, each an
// int or (h, w) (`k3`, `k=3`, `k3x2`, `kernel_size=(3, 2)`), in any order; a bare number first is
// the kernel. Defaults are PyTorch's: stride 1 for a conv, kernel_size for a pooling; padding 0,
// dilation 1. Only the syntax and this visualizer's caps are checked here; whether the stack fits
// its input is the wasm core's call. Pure: no DOM.

/** At most this many layers. */
export const MAX_LAYERS = 4;

/** Each argument: its letter, its PyTorch name, its smallest and largest value. */
const ARGS = [
  ['k', 'kernel_size', 1, 15],
  ['s', 'stride', 1, 8],
  ['p', 'padding', 0, 8],
  ['d', 'dilation', 1, 8],
];

/** The kind words a layer may start with, and the kind they mean. */
const KINDS = {
  conv: 'conv', conv2d: 'conv', 'nn.conv2d': 'conv',
  max: 'max', pool: 'max', maxpool: 'max', maxpool2d: 'max', 'nn.maxpool2d': 'max',
  avg: 'avg', avgpool: 'avg', avgpool2d: 'avg', 'nn.avgpool2d': 'avg',
};

/** The PyTorch class of a layer kind. */
export const LAYER_CLASS = { conv: 'nn.Conv2d', max: 'nn.MaxPool2d', avg: 'nn.AvgPool2d' };

/** The word a kind is written with. */
const KIND_WORD = { conv: 'conv', max: 'maxpool', avg: 'avgpool' };

const ARG_RE = /\s*,?\s*(kernel_size|stride|padding|dilation|[kspd])\s*=?\s*(\(\s*\d+\s*,\s*\d+\s*,?\s*\)|\d+\s*[x×,]\s*\d+|\d+)\s*/y;
const BARE_RE = /^\s*(\d+)(?![\dx×\s]*[=x×\d])\s*/i;

const short = (s) => (s.length > 24 ? `${s.slice(0, 24)}…` : s);

/** A layer object: { kind, kernel_size, stride, padding, dilation }, each size an [h, w] pair. */
export function makeLayer(kind, k, s = kind === 'conv' ? 1 : k, p = 0, d = 1) {
  const pair = (v) => (Array.isArray(v) ? [v[0], v[1]] : [v, v]);
  return Object.freeze({ kind, kernel_size: pair(k), stride: pair(s), padding: pair(p), dilation: pair(d) });
}

/** The default stack: two 3×3 convolutions. */
export const DEFAULT_LAYERS = Object.freeze([makeLayer('conv', 3), makeLayer('conv', 3)]);

/** One layer's text → { ok, layer } or { ok: false, message, tooLarge? } (message without the layer's number). */
function parseLayer(text) {
  const m = /^\s*([A-Za-z.]+[0-9d]*)\s*\(?/.exec(text);
  const word = m ? m[1].toLowerCase() : '';
  const kind = KINDS[word];
  if (!kind) return { ok: false, message: `expected conv, maxpool or avgpool first, got '${short(text.trim())}'` };
  // the arguments, as `k3 s1` or as a call `conv(3, stride=2)`
  const rest = text.slice(m[0].length).replace(/\)\s*$/, '');
  const got = {};
  let at = 0;
  const bare = BARE_RE.exec(rest); // a bare number first: the kernel (conv(3, stride=2))
  if (bare) {
    got.kernel_size = [Number(bare[1]), Number(bare[1])];
    at = bare[0].length;
  }
  while (at < rest.length) {
    ARG_RE.lastIndex = at;
    const a = ARG_RE.exec(rest);
    if (!a) return { ok: false, message: `cannot read '${short(rest.slice(at).trim())}' (write e.g. k3 s2 p1 d1)` };
    at = ARG_RE.lastIndex;
    const spec = ARGS.find(([letter, name]) => a[1] === letter || a[1] === name);
    const nums = a[2].match(/\d+/g).map(Number);
    got[spec[1]] = nums.length === 1 ? [nums[0], nums[0]] : nums;
  }
  if (!got.kernel_size) return { ok: false, message: `${KIND_WORD[kind]}: kernel_size is missing (e.g. k3)` };
  for (const [, name, lo, hi] of ARGS) {
    const v = got[name];
    if (!v) continue;
    const low = v.find((x) => x < lo);
    if (low !== undefined) return { ok: false, message: `${name}: must be at least ${lo} (got ${low})` };
    const big = v.find((x) => x > hi);
    if (big !== undefined) return { ok: false, tooLarge: true, message: `${name}: this visualizer draws at most ${hi} (got ${big})` };
  }
  if (kind === 'avg' && got.dilation && (got.dilation[0] !== 1 || got.dilation[1] !== 1)) {
    return { ok: false, tooLarge: true, message: 'dilation: nn.AvgPool2d has no dilation argument' };
  }
  return { ok: true, layer: makeLayer(kind, got.kernel_size, got.stride, got.padding, got.dilation) };
}

/**
 * Parse a stack's text. Returns { ok: true, value: layers } or { ok: false, message, tooLarge? }:
 * the message says which layer and which argument ("layer 2: stride: …").
 */
export function parseLayers(text) {
  const parts = String(text).split(/[;\n]/).map((s) => s.trim());
  while (parts.length && parts[parts.length - 1] === '') parts.pop(); // a trailing ';'
  if (parts.length === 0) return { ok: false, message: `expected 1 to ${MAX_LAYERS} layers, e.g. 'conv k3; maxpool k2'` };
  const layers = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === '') return { ok: false, message: `layer ${i + 1} is empty` };
    const r = parseLayer(parts[i]);
    if (!r.ok) return { ...r, message: `layer ${i + 1}: ${r.message}` };
    layers.push(r.layer);
  }
  if (layers.length > MAX_LAYERS) {
    return { ok: false, tooLarge: true, message: `this visualizer stacks at most ${MAX_LAYERS} layers (got ${layers.length})` };
  }
  return { ok: true, value: layers };
}

const sizeText = ([a, b]) => (a === b ? String(a) : `${a}x${b}`);

/** One layer as text: every argument written (`conv k3 s1 p0 d1`); avgpool has no dilation. */
export function formatLayer(l) {
  const args = [`k${sizeText(l.kernel_size)}`, `s${sizeText(l.stride)}`, `p${sizeText(l.padding)}`];
  if (l.kind !== 'avg') args.push(`d${sizeText(l.dilation)}`);
  return `${KIND_WORD[l.kind]} ${args.join(' ')}`;
}

/** A stack as text: its layers joined by '; ' (parseLayers reads it back). */
export function formatLayers(layers) {
  return layers.map(formatLayer).join('; ');
}
