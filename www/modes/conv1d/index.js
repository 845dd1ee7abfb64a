// The Conv1d page: nn.Conv1d on a sequence — one row of cells per channel, the kernel sliding
// along it with its dilation holes and stride, and the causal switch: F.pad(x, ((k − 1)·d, 0))
// pads the left only, so y[t] sees no x after t.

import * as conv1d from './model.js';
import { sliderValues } from '../../lib/bounds.js';
import { formatValue } from '../../lib/format.js';
import { seqFocus, validSeqTarget } from './focus.js';
import { CARDS } from './cards.js';
import * as inputView from './views/input.js';
import * as outputView from './views/output.js';
import * as weightsView from './views/weights.js';
import { el, setData, setValues } from '../../lib/dom.js';

/** The arguments whose controls this mode shows (`width` is the length L; the height is 1). */
const PARAMS = ['in_channels', 'out_channels', 'width', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias',
  'padding_mode', 'causal'];
/** The pair arguments a 1-D layer reads one number of. */
const PAIRS = ['kernel_size', 'stride', 'dilation', 'padding'];

/** print(layer): PyTorch's extra_repr of nn.Conv1d (one-element tuples), after F.pad when causal. */
export function conv1dRepr(p) {
  const { k, s, d, padding } = conv1d.conv1dArgs(p);
  let r = `Conv1d(${p.in_channels}, ${p.out_channels}, kernel_size=(${k},), stride=(${s},)`;
  if (typeof padding === 'string') r += `, padding=${padding}`;
  else if (padding) r += `, padding=(${padding},)`;
  if (d !== 1) r += `, dilation=(${d},)`;
  if (p.groups !== 1) r += `, groups=${p.groups}`;
  if (!p.bias) r += ', bias=False';
  if (p.padding_mode !== 'zeros') r += `, padding_mode=${p.padding_mode}`;
  r += ')';
  return p.causal ? `${r} on F.pad(x, (${(k - 1) * d}, 0))` : r;
}

/** The dot product of output (co, o) written out: lines of text (the card and the value question's answer). */
export function dotLines(model, dot) {
  const at = `y[0, ${dot.co}, ${dot.o}]`;
  const terms = dot.terms.map((t) => `${formatValue(t.w)}·${t.kind === 'input' ? formatValue(t.x) : `${formatValue(t.x)}${t.kind === 'causal' ? 'ᶜ' : 'ᵖ'}`}`);
  const bias = dot.bias === null ? '' : ` + b[${dot.co}]`;
  const lines = [`${at} = Σ w[${dot.co}, c, j] · x_pad[c, ${dot.o}·${model.s} + j·${model.d}]${bias}`];
  lines.push(`= ${terms.join(' + ')}${dot.bias === null ? '' : ` + ${formatValue(dot.bias)}`}`);
  lines.push(dot.bias === null ? `= ${formatValue(dot.output)}` : `= ${formatValue(dot.sum)} + ${formatValue(dot.bias)} = ${formatValue(dot.output)}`);
  const reads = dot.terms.filter((t) => t.cl === 0).map((t) => t.pos - model.first);
  lines.push(`the taps read x[${reads.join(', ')}]${model.cp ? ' (negative: the causal zeros)' : ''}${model.causal ? `: nothing after t = ${dot.o}` : ''}`);
  if (dot.terms.some((t) => t.kind !== 'input')) lines.push('ᶜ a causal zero (F.pad) · ᵖ the layer’s padding');
  return lines;
}

/** L_out filled in: ⌊(L + pads − d·(k − 1) − 1) / s⌋ + 1. */
export function sizeLine(m) {
  const pads = m.cp + m.padLeft + m.padRight;
  const num = m.l + pads - m.d * (m.k - 1) - 1;
  const padText = m.cp ? `${m.cp} + ${m.padLeft} + ${m.padRight}` : `${m.padLeft} + ${m.padRight}`;
  return `L_out = ⌊(L + pads − d·(k − 1) − 1) / s⌋ + 1 = ⌊(${m.l} + ${padText} − ${m.d}·(${m.k} − 1) − 1) / ${m.s}⌋ + 1 = ⌊${num} / ${m.s}⌋ + 1 = ${m.lout}`;
}

/** The shape card: the 1-D formula, the parameter count and the receptive field. */
function renderFacts(root, model) {
  const f = model.field;
  const items = [`y: [1, ${model.cout}, ${model.lout}] — [N, C_out, L_out]`, sizeLine(model)];
  if (model.causal) items.push(`causal: F.pad adds (k − 1)·d = (${model.k} − 1)·${model.d} = ${model.cp} zeros on the left, none on the right`);
  const wCount = model.cout * model.cinG * model.k;
  items.push(`learnable parameters: ${model.params} = ${model.cout}·${model.cinG}·${model.k} weights${model.bias ? ` + ${model.cout} biases` : ''}`);
  const last = `${f.start + f.size - 1}`;
  items.push(`receptive field: ${f.size} input cells per output cell (d·(k − 1) + 1 = ${model.d}·(${model.k} − 1) + 1); y[t] sees x[t·${f.jump} + (${f.start}) … t·${f.jump} + ${last}]${model.causal ? ' — never past t' : ''} (negative: padding)`);
  root.replaceChildren(...items.map((t) => el('li', { text: t })));
  setData(root, 'params', String(model.params));
  setData(root, 'weights', String(wCount));
  setData(root, 'receptiveField', `${f.size},${f.jump},${f.start}`);
}

/** @type {import('../contract.js').Mode} */
export const mode = {
  name: 'conv1d',
  tab: 'Conv1d',
  title: 'nn.Conv1d arguments',
  module: 'more',
  cards: CARDS,
  params: PARAMS,
  numericPadding: false,
  oneAxis: true,
  build: conv1d.build,
  bounds: (api, params, memo) => sliderValues((q) => conv1d.conv1dGeometry(api, q), params, { memo }),
  /** A 1-D layer takes one number per argument: each pair becomes its width number, twice. */
  enter(api, params) {
    const out = {};
    for (const name of PAIRS) {
      const v = params[name];
      if (Array.isArray(v) && v[0] !== v[1]) out[name] = [v[1], v[1]];
    }
    return { params: out };
  },
  views: [['seq-input', inputView], ['seq-output', outputView], ['seq-weights', weightsView]],
  focus: seqFocus,
  valid: validSeqTarget,
  repr: (p) => conv1dRepr(p),
  shapes: (model) => [['x', model.input.shape], ['y', model.output.shape]],
  frame: (model, timeline) => ({ position: timeline.position }),

  positionText(model, position) {
    const { co, o } = model.position(position);
    return `cell ${position + 1} / ${model.total} · y[0, ${co}, ${o}]`;
  },

  renderDom(model, { $ }) {
    renderFacts($('#seq-shape'), model);
    const out = $('#card-seq-output');
    setData(out, 'shape', model.output.shape.join(','));
    setValues(out, 'values', model.output.data);
    const inp = $('#card-seq-input');
    setValues(inp, 'values', model.input.data);
    setValues(inp, 'padded', model.padded.data);
    setData(inp, 'pads', `${model.cp},${model.padLeft},${model.padRight}`);
    setData(inp, 'causal', model.causal ? 'true' : 'false');
    const w = $('#card-seq-weights');
    setValues(w, 'values', model.weight.data);
    setValues(w, 'bias', model.bias ? model.bias.data : []);
  },

  frameDom(model, focus, position, linked, changed, { $ }) {
    const out = $('#card-seq-output');
    setData(out, 'currentPosition', String(position));
    setData(out, 'focusCell', `${focus.co},${focus.o}`);
    setData($('#card-seq-input'), 'window', focus.window.join(','));
    if (!changed) return;
    const root = $('#seq-dot');
    root.replaceChildren(...dotLines(model, focus.dot).map((t) => el('p', { text: t })));
    setData(root, 'output', String(focus.dot.output));
    setData(root, 'sum', String(focus.dot.sum));
    setData(root, 'bias', focus.dot.bias === null ? '' : String(focus.dot.bias));
    setData(root, 'kinds', focus.dot.terms.map((t) => t.kind[0]).join(''));
  },

  focusKey: (focus) => `${focus.co}:${focus.o}`,

  classroom: {
    python: (model, state) => ({
      op: 'nn.Conv1d',
      args: { ...state.params, ...conv1d.conv1dArgs(state.params), kernel_size: model.k, stride: model.s, dilation: model.d },
      input: model.input, weight: model.weight, bias: model.bias, output: model.output,
    }),
    fileBase: 'conv1d',
    gifViews: () => ['seq-input', 'seq-output'],
    weightLayout: null,
    groups: true,
    shape: {
      question: (m, p) => `What is the shape of y = ${conv1dRepr(p).replace(/ on F\.pad.*/, '')}(${p.causal ? 'F.pad(x, …)' : 'x'}) for x of shape [1, ${p.in_channels}, ${p.width}]?`,
      placeholder: 'e.g. [1, 1, 3]',
      expected: (m) => m.output.shape,
      explain: (m) => [sizeLine(m)],
    },
    value: {
      question: (c) => `What is y[0, ${c.co}, ${c.ow}], the output cell the timeline is on?`,
      explain: (m, c) => dotLines(m, m.dot(c.co, c.ow)).join(' '),
    },
    image: null,
  },
};
