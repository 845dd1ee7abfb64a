// The Stack page (#19): 1–4 layers, one channel; an output cell traced back to the input cells it
// reads, with the receptive field and the parameter count per layer and in total.

import * as stack from './model.js';
import { stackFocus, validStackTarget } from './focus.js';
import { CARDS } from './cards.js';
import * as pathsView from './views/paths.js';
import * as valuesView from './views/values.js';
import { formatLayer, LAYER_CLASS } from '../../lib/layers.js';
import { PARAM } from '../../lib/params.js';
import { el, setData, setText, setValues } from '../../lib/dom.js';

/** The arguments whose controls this mode shows: the input's size and the layers. */
const PARAMS = ['height', 'width', 'layers'];
/** The input side the tab starts from when the input is smaller (so the field has room). */
const ROOMY = 9;

const pyPair = ([a, b]) => (a === b ? String(a) : `(${a}, ${b})`);

/** A layer as the header writes it: PyTorch's class and its arguments other than the defaults. */
export function layerRepr(l) {
  const extra = [['stride', l.stride, l.kind === 'conv' ? [1, 1] : l.kernel_size], ['padding', l.padding, [0, 0]], ['dilation', l.dilation, [1, 1]]]
    .filter(([, v, def]) => v[0] !== def[0] || v[1] !== def[1])
    .map(([k, v]) => `${k}=${pyPair(v)}`);
  const args = l.kind === 'conv' ? ['1', '1', pyPair(l.kernel_size), ...extra, 'bias=False'] : [pyPair(l.kernel_size), ...extra];
  return `${LAYER_CLASS[l.kind].slice(3)}(${args.join(', ')})`;
}

/** a×b, or a for a square. */
const dims = (h, w) => `${h}×${w}`;

/** Slider bounds: the input sides the stack fits (more.stackSizes accepts). */
function bounds(api, params) {
  const ml = params.layers.map((l) => ({ kernelSize: l.kernel_size, stride: l.stride, padding: l.padding, dilation: l.dilation }));
  const fits = (h, w) => {
    try {
      api.more.stackSizes(ml, [h, w]);
      return true;
    } catch {
      return false;
    }
  };
  const out = { height: [], width: [] };
  for (let v = PARAM.height.min; v <= PARAM.height.max; v++) {
    if (fits(v, params.width)) out.height.push(v);
    if (fits(params.height, v)) out.width.push(v);
  }
  return out;
}

/** The lines behind the last map's size: each layer's output-size formula. */
export function explainStack(model) {
  return model.layers.map((l, i) => {
    const [h, w] = model.sizes[i];
    const [ho, wo] = model.sizes[i + 1];
    const one = (n, k, s, p, d, o) => `⌊(${n} + 2·${p} − ${d}·(${k} − 1) − 1) / ${s}⌋ + 1 = ${o}`;
    const H = one(h, l.kernel_size[0], l.stride[0], l.padding[0], l.dilation[0], ho);
    const W = one(w, l.kernel_size[1], l.stride[1], l.padding[1], l.dilation[1], wo);
    return H === W && h === w ? `layer ${i + 1} (${formatLayer(l)}): H and W ${H}` : `layer ${i + 1} (${formatLayer(l)}): H ${H}; W ${W}`;
  });
}

/** The table rows and the summary line, after a recompute. */
function renderTable(model, { $ }) {
  const cell = (t, cls) => el('td', cls ? { class: cls, text: t } : { text: t });
  const rows = model.layers.map((l, i) => {
    const rf = model.rf[i];
    const [ho, wo] = model.sizes[i + 1];
    return el('tr', { 'data-layer': String(i + 1) },
      el('th', { scope: 'row', text: `${i + 1} ${LAYER_CLASS[l.kind].slice(3)}` }),
      cell(pyPair(l.kernel_size)), cell(pyPair(l.stride)), cell(pyPair(l.padding)), cell(pyPair(l.dilation)),
      cell(dims(ho, wo)), cell(dims(rf.height.size, rf.width.size), 'rf'),
      cell(pyPair([rf.height.jump, rf.width.jump])), cell(pyPair([rf.height.start, rf.width.start])),
      cell(String(model.weights[i]), 'params'));
  });
  const last = model.rf[model.n - 1];
  const field = dims(last.height.size, last.width.size);
  rows.push(el('tr', { class: 'total', 'data-layer': 'total' },
    el('th', { scope: 'row', text: 'total' }), cell(''), cell(''), cell(''), cell(''),
    cell(dims(model.ho, model.wo)), cell(field, 'rf'), cell(''), cell(''), cell(String(model.totalWeights), 'params')));
  $('#stack-rows').replaceChildren(...rows);
  const sum = $('#stack-summary');
  setData(sum, 'rf', `${last.height.size},${last.width.size}`);
  setData(sum, 'params', String(model.totalWeights));
  setData(sum, 'single', String(model.single));
  const convs = model.layers.filter((l) => l.kind === 'conv').length;
  setText(sum, `Receptive field ${field} from ${model.totalWeights} weights (${convs} conv layer${convs === 1 ? '' : 's'}); one Conv2d with a ${field} kernel would need ${model.single}.`);
}

/** @type {import('../contract.js').Mode} */
export const mode = {
  name: 'stack',
  tab: 'Stack (receptive field)',
  title: 'Layers (one channel)',
  cards: CARDS,
  params: PARAMS,
  numericPadding: true,
  keepsImage: false,
  module: 'more',
  build: stack.build,
  /** A small input leaves a stack no room: the tab starts from 9×9 then. */
  enter(api, params) {
    if (params.height >= ROOMY && params.width >= ROOMY) return { params: {} };
    return { params: { height: ROOMY, width: ROOMY }, note: `The Stack tab starts from a ${ROOMY}×${ROOMY} input, so a few layers have room.` };
  },
  bounds,
  views: [['paths', pathsView], ['values', valuesView]],
  focus: stackFocus,
  valid: validStackTarget,
  repr: (params) => `nn.Sequential(${params.layers.map((l) => layerRepr(l)).join(', ')})`,
  shapes: (model) => [['x', [1, 1, model.h, model.w]], ['y', [1, 1, model.ho, model.wo]]],
  frame: (model, timeline) => ({ position: timeline.position, slide: 1 }),

  positionText(model, position) {
    const { r, c } = model.position(position);
    const last = model.rf[model.n - 1];
    return `cell ${position + 1} / ${model.total} · y[0, 0, ${r}, ${c}] sees a ${dims(last.height.size, last.width.size)} field of x`;
  },

  renderDom(model, ctx) {
    renderTable(model, ctx);
    const card = ctx.$('#card-paths');
    setData(card, 'shape', `${model.ho},${model.wo}`);
    setValues(ctx.$('#card-values'), 'output', model.output.data);
  },

  frameDom(model, focus, position, linked, changed, { $ }) {
    const card = $('#card-paths');
    setData(card, 'cell', `${focus.r},${focus.c}`);
    setData(card, 'currentPosition', String(position));
    if (!changed) return;
    const input = focus.counts[0];
    setValues(card, 'counts', input.data);
    setData(card, 'maxCount', String(input.max));
    setData(card, 'box', input.box ? `${input.box.r0},${input.box.c0},${input.box.r1},${input.box.c1}` : '');
  },

  focusKey: (focus) => `${focus.r}:${focus.c}`,

  classroom: {
    python: (model, state) => ({
      op: 'nn.Sequential', layers: state.params.layers, input: model.input, output: model.output, sizes: model.sizes, rf: model.rf, weights: model.weights, single: model.single,
    }),
    fileBase: 'stack',
    /** stack_3layers_rf7x7: the layer count and the last receptive field (the model's, once built). */
    fileTail: (state, model) => {
      const n = state.params.layers.length;
      const last = model && model.rf ? model.rf[model.rf.length - 1] : null;
      return `${n}layer${n === 1 ? '' : 's'}${last ? `_rf${last.height.size}x${last.width.size}` : ''}`;
    },
    gifViews: () => ['paths'],
    weightLayout: null,
    groups: false,
    shape: {
      question: () => 'What is the shape of y = the stack(x)?',
      placeholder: 'e.g. [1, 1, 3, 3] or 3x3',
      expected: (m) => [1, 1, m.ho, m.wo],
      explain: (m) => explainStack(m),
    },
    value: null,
    image: null,
  },
};
