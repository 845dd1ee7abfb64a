// The Pooling page: nn.MaxPool2d and nn.AvgPool2d with the same sliding picture as Conv2d — the
// maximum of each window and its index (return_indices=True), or the average with its divisor
// (count_include_pad, divisor_override), ceil_mode's partial window, −∞ padding for the max.

import * as pooling from './model.js';
import { sliderValues } from '../../lib/bounds.js';
import { formatValue } from '../../lib/format.js';
import { numericPadding } from '../common.js';
import { poolFocus, validPoolTarget } from './focus.js';
import { CARDS } from './cards.js';
import * as inputView from './views/input.js';
import * as outputView from './views/output.js';
import { el, setData, setText, setValues } from '../../lib/dom.js';

/** The arguments whose controls this mode shows. */
const PARAMS = ['pool', 'in_channels', 'height', 'width', 'kernel_size', 'pool_stride', 'padding', 'dilation', 'ceil_mode',
  'count_include_pad', 'divisor_override', 'return_indices'];

const one = (v) => (v[0] === v[1] ? String(v[0]) : `(${v[0]}, ${v[1]})`);
const py = (b) => (b ? 'True' : 'False');

/** print(layer): PyTorch's extra_repr of nn.MaxPool2d / nn.AvgPool2d. */
export function poolRepr(p) {
  const stride = one(pooling.poolStride(p));
  if (p.pool === 'avg') {
    const extra = [p.ceil_mode ? 'ceil_mode=True' : '', p.count_include_pad ? '' : 'count_include_pad=False',
      p.divisor_override !== null ? `divisor_override=${p.divisor_override}` : ''].filter(Boolean);
    return `AvgPool2d(${[`kernel_size=${one(p.kernel_size)}`, `stride=${stride}`, `padding=${one(p.padding)}`, ...extra].join(', ')})`;
  }
  return `MaxPool2d(kernel_size=${one(p.kernel_size)}, stride=${stride}, padding=${one(p.padding)}, dilation=${one(p.dilation)}, ceil_mode=${py(p.ceil_mode)})`;
}

/** Why the divisor is what it is (AvgPool2d), from the window's cells and the wasm divisor. */
export function divisorWhy(win, params) {
  const n = { input: 0, padding: 0, outside: 0 };
  for (const c of win.cells) n[c.kind]++;
  if (params.divisor_override !== null) return `divisor_override=${params.divisor_override} replaces the count`;
  const out = n.outside ? `; the ${n.outside} cell${n.outside > 1 ? 's' : ''} past the padded input (ceil_mode) never count` : '';
  if (params.count_include_pad) {
    return `count_include_pad=True: the ${n.input} input cell${n.input > 1 ? 's' : ''} and ${n.padding} padding zero${n.padding === 1 ? '' : 's'} count${out}`;
  }
  return `count_include_pad=False: only the ${n.input} input cell${n.input > 1 ? 's' : ''} count${n.padding ? `, not the ${n.padding} padding zeros` : ''}${out}`;
}

/** The window's value written out: lines of text (the DOM card and the value question's answer). */
export function windowLines(model, win, params) {
  const at = `y[0, ${win.c}, ${win.oh}, ${win.ow}]`;
  const inputs = win.cells.filter((c) => c.kind === 'input');
  const vals = inputs.map((c) => formatValue(c.value));
  const lines = [];
  if (model.pool === 'max') {
    const pads = win.cells.filter((c) => c.kind === 'padding').length;
    const outside = win.cells.filter((c) => c.kind === 'outside').length;
    lines.push(`${at} = max(${vals.join(', ')}${pads ? `, ${pads}× −∞` : ''}) = ${formatValue(win.output)}`);
    if (outside) lines.push(`ceil_mode: ${outside} cell${outside > 1 ? 's' : ''} of this window lie past the padded input and are not read`);
    if (win.argmax !== null) {
      const m = win.cells[win.argmax];
      lines.push(`the maximum is x[0, ${win.c}, ${m.row}, ${m.col}]: index ${m.row}·${model.w} + ${m.col} = ${win.index} (ties: the first in the window, row by row)`);
    }
  } else {
    lines.push(`${at} = (${vals.join(' + ') || '0'}) / ${win.divisor} = ${formatValue(win.sum)} / ${win.divisor} = ${formatValue(win.output)}`);
    lines.push(`divisor ${win.divisor}: ${divisorWhy(win, params)}`);
  }
  return lines;
}

/** One axis's output size, filled in (⌊…⌋, or ⌈…⌉ with ceil_mode, and the window it may drop). */
export function sizeLine(ax, name, ceil) {
  const [l, r] = ceil ? ['⌈', '⌉'] : ['⌊', '⌋'];
  const num = ax.input + 2 * ax.padding - ax.dilation * (ax.kernel - 1) - 1;
  const s = `${name}_out = ${l}(${ax.input} + 2·${ax.padding} − ${ax.dilation}·(${ax.kernel} − 1) − 1) / ${ax.stride}${r} + 1`;
  if (!ceil) return `${s} = ${l}${num} / ${ax.stride}${r} + 1 = ${ax.output}`;
  const up = Math.ceil(num / ax.stride) + 1;
  if (up === ax.output) return `${s} = ${ax.output} (ceil_mode: the last window may hang past the input)`;
  return `${s} − 1 = ${ax.output}: ceil_mode's extra window would start past the input and its padding, so PyTorch drops it`;
}

/** The shape card: each axis's formula, the parameter count (0) and the receptive field. */
function renderFacts(root, model) {
  const a = model.arithmetic;
  const items = [];
  const ceil = model.opts.ceilMode;
  items.push(`y: [1, ${model.c}, ${model.ho}, ${model.wo}] — pooling keeps the channels`, sizeLine(a.height, 'H', ceil), sizeLine(a.width, 'W', ceil));
  items.push('learnable parameters: 0 (a pooling layer has no weights)');
  const f = model.field;
  items.push(`receptive field: ${f.height.size}×${f.width.size} input cells per output cell; the windows start ${f.height.jump} rows / ${f.width.jump} columns apart, the first at (${f.height.start}, ${f.width.start})`);
  root.replaceChildren(...items.map((t) => el('li', { text: t })));
  setData(root, 'params', '0');
  setData(root, 'receptiveField', `${f.height.size},${f.width.size},${f.height.jump},${f.width.jump}`);
}

/** @type {import('../contract.js').Mode} */
export const mode = {
  name: 'pooling',
  tab: 'Pooling',
  title: 'nn.MaxPool2d / nn.AvgPool2d arguments',
  module: 'more',
  cards: CARDS,
  params: PARAMS,
  numericPadding: true,
  keepsImage: true,
  build: pooling.build,
  bounds(api, params, memo) {
    if (!api.more) return {};
    const q = { ...params, stride: pooling.poolStride(params), padding_mode: 'zeros', groups: 1 };
    const out = sliderValues((g) => pooling.poolGeometry(api.more, { ...g, pool_stride: g.stride }), q, { memo });
    out['pool_stride.0'] = out['stride.0'];
    out['pool_stride.1'] = out['stride.1'];
    out.divisor_override = Array.from({ length: 16 }, (_, i) => i + 1);
    return out;
  },
  /** Pooling takes numbers only: 'same' / 'valid' become the halo they stand for. */
  enter: (api, params) => ({ params: numericPadding(api, params) }),
  views: [['pool-input', inputView], ['pool-output', outputView]],
  focus: poolFocus,
  valid: validPoolTarget,
  repr: (p) => poolRepr(p),
  shapes: (model) => [['x', model.input.shape], ['y', model.output.shape]],
  frame: (model, timeline) => ({ position: timeline.position }),

  positionText(model, position) {
    const { co, l } = model.position(position);
    return `cell ${position + 1} / ${model.total} · y[0, ${co}, ${Math.floor(l / model.wo)}, ${l % model.wo}]`;
  },

  renderDom(model, { $ }) {
    renderFacts($('#pool-shape'), model);
    const out = $('#card-pool-output');
    setData(out, 'shape', model.output.shape.join(','));
    setData(out, 'pool', model.pool);
    setValues(out, 'values', model.output.data);
    setValues(out, 'indices', model.indexData ?? []);
    const inp = $('#card-pool-input');
    setValues(inp, 'values', model.input.data);
    setData(inp, 'canvas', `${model.hp},${model.wp}`);
    setData(inp, 'overhang', model.overhang.join(','));
  },

  frameDom(model, focus, position, linked, changed, { $, store }) {
    const win = focus.window;
    const out = $('#card-pool-output');
    setData(out, 'currentPosition', String(position));
    setData(out, 'focusCell', `${focus.c},${focus.oh},${focus.ow}`);
    setData($('#card-pool-input'), 'focusBox', `${win.box.r0},${win.box.c0},${win.box.r1},${win.box.c1}`);
    if (!changed) return;
    const root = $('#pool-window');
    root.replaceChildren(...windowLines(model, win, store.state.params).map((t) => el('p', { text: t })));
    setData(root, 'output', String(win.output));
    setData(root, 'kinds', win.cells.map((c) => c.kind[0]).join(''));
    setData(root, 'index', win.index === null ? '' : String(win.index));
    setData(root, 'sum', win.sum === null ? '' : String(win.sum));
    setData(root, 'divisor', win.divisor === null ? '' : String(win.divisor));
  },

  focusKey: (focus) => `${focus.c}:${focus.l}`,

  classroom: {
    python: (model, state) => ({
      op: model.pool === 'max' ? 'nn.MaxPool2d' : 'nn.AvgPool2d', args: state.params, input: model.input, output: model.output,
      indices: model.returnIndices ? model.indices : null,
    }),
    fileBase: 'pool',
    /** pool_max_k2_s2: the pooling's own arguments (padding, dilation, ceil_mode when set). */
    fileTail: (state) => {
      const p = state.params;
      const part = (v) => (v[0] === v[1] ? String(v[0]) : `${v[0]}x${v[1]}`);
      let s = `${p.pool}_k${part(p.kernel_size)}_s${part(p.pool_stride ?? p.kernel_size)}`;
      if (Array.isArray(p.padding) && p.padding.some((v) => v !== 0)) s += `_p${part(p.padding)}`;
      if (p.pool === 'max' && p.dilation.some((v) => v !== 1)) s += `_d${part(p.dilation)}`;
      return p.ceil_mode ? `${s}_ceil` : s;
    },
    gifViews: () => ['pool-input', 'pool-output'],
    weightLayout: null,
    groups: false,
    shape: {
      question: (m, p) => `What is the shape of y = ${p.pool === 'max' ? 'MaxPool2d' : 'AvgPool2d'}(x)?`,
      placeholder: 'e.g. [1, 1, 2, 2]',
      expected: (m) => m.output.shape,
      explain: (m) => [sizeLine(m.arithmetic.height, 'H', m.opts.ceilMode), sizeLine(m.arithmetic.width, 'W', m.opts.ceilMode)],
    },
    value: {
      question: (c) => `What is y[0, ${c.co}, ${c.oh}, ${c.ow}], the value of the window the timeline is on?`,
      explain: (m, c) => windowLines(m, m.window(c.co, c.l), { divisor_override: m.opts.divisorOverride ?? null, count_include_pad: m.opts.countIncludePad ?? true }).join(' '),
    },
    image: null,
  },
};
