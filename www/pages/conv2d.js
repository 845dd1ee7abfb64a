// The Conv2d page: which views draw the Conv2d model, and the DOM it keeps in step (the dot
// product, the shape formula, the data-* attributes tests and assistive tech read).

import * as conv2d from '../modes/conv2d.js';
import { sliderValues } from '../bounds.js';
import { resolveFocus, validConvTarget } from '../link.js';
import * as inputView from '../views/input.js';
import * as outputView from '../views/output.js';
import * as weightsView from '../views/weights.js';
import * as im2colView from '../views/im2col.js';
import * as channelsView from '../views/channels.js';
import * as dotProduct from '../views/dotproduct.js';
import * as shapesView from '../views/shapes.js';
import { $, setData, setText, setValues } from './dom.js';

/** PyTorch's repr of the module: Conv2d(3, 1, kernel_size=(3, 3), stride=(1, 1)). */
export function conv2dRepr(p) {
  const tup = (v) => `(${v[0]}, ${v[1]})`;
  let s = `Conv2d(${p.in_channels}, ${p.out_channels}, kernel_size=${tup(p.kernel_size)}, stride=${tup(p.stride)}`;
  if (!Array.isArray(p.padding)) s += `, padding=${p.padding}`;
  else if (p.padding[0] || p.padding[1]) s += `, padding=${tup(p.padding)}`;
  if (p.dilation[0] !== 1 || p.dilation[1] !== 1) s += `, dilation=${tup(p.dilation)}`;
  if (p.groups !== 1) s += `, groups=${p.groups}`;
  if (!p.bias) s += ', bias=False';
  if (p.padding_mode !== 'zeros') s += `, padding_mode=${p.padding_mode}`;
  return `${s})`;
}

export const page = {
  mode: 'conv2d',
  build: conv2d.build,
  bounds: (api, params) => sliderValues(api, params),
  views: [['input', inputView], ['output', outputView], ['weights', weightsView], ['im2col', im2colView], ['channels', channelsView]],
  focus: resolveFocus,
  valid: validConvTarget,
  repr: (params) => conv2dRepr(params),
  shapes: (model) => [['x', model.input.shape], ['y', model.output.shape]],

  /** Frame extras for the input view: the previous position (stride ghost) and the glide. */
  frame(model, timeline, focus, now) {
    const position = timeline.position;
    const from = model.position(Math.min(timeline.prev, model.total - 1));
    const slide = timeline.slide(now);
    return {
      position,
      // the stride: the cell to the left, or at a row's start the one above (stride along H)
      ghostSteps: focus.ow > 0 ? model.steps(focus.co, focus.l - 1)
        : focus.oh > 0 ? model.steps(focus.co, focus.l - model.wo) : null,
      // only while the footprint glides (a steps() call costs ~1 ms at the teaching size)
      fromSteps: timeline.prev !== position && slide < 1 ? model.steps(from.co, from.l) : null,
      slide,
    };
  },

  positionText(model, position) {
    const { co, l } = model.position(position);
    return `cell ${position + 1} / ${model.total} · y[0, ${co}, ${Math.floor(l / model.wo)}, ${l % model.wo}]`;
  },

  /** After a recompute. */
  renderDom(model) {
    shapesView.render($('#shapes'), model);
    const out = $('#card-output');
    setData(out, 'shape', model.output.shape.join(','));
    setValues(out, 'values', model.output.data);
    const inp = $('#card-input');
    setData(inp, 'paddingMode', model.params.paddingMode);
    setValues(inp, 'values', model.input.data);
    const w = $('#card-weights');
    setValues(w, 'values', model.weight.data);
    setData(w, 'bias', model.bias ? JSON.stringify(Array.from(model.bias.data)) : '');
    renderGroups($('#groups-note'), model);
  },

  /** Every drawn frame. */
  frameDom(model, focus, position, linked, changed) {
    if (changed) dotProduct.render($('#dot-product'), model, focus);
    const cur = model.position(position);
    const out = $('#card-output');
    setData(out, 'currentPosition', String(position));
    setData(out, 'currentCell', `${cur.co},${Math.floor(cur.l / model.wo)},${cur.l % model.wo}`);
    setData(out, 'focusCell', `${focus.co},${focus.oh},${focus.ow}`);
    const fig = $('#im2col-figure');
    setData(fig, 'currentColumn', String(cur.l));
    setData(fig, 'focusColumn', String(focus.l));
    setData(fig, 'hoverColumn', linked && (linked.kind === 'position' || linked.kind === 'column') ? String(focus.l) : '');
    setData(fig, 'hoverRow', focus.row >= 0 ? String(focus.row) : '');
    setData($('#card-input'), 'focusBox', `${focus.steps.box.r0},${focus.steps.box.c0},${focus.steps.box.r1},${focus.steps.box.c1}`);
  },

  /** A key of what frameDom's expensive part depends on. */
  focusKey: (focus) => `${focus.co}:${focus.l}`,
};

/** The groups card's sentence: who reads what, and the parameter count. */
export function renderGroups(root, model) {
  if (!root) return;
  const g = model.groups;
  const cinG = model.cin / g;
  const coutG = model.cout / g;
  const kk = model.kh * model.kw;
  const params = model.cout * cinG * kk;
  const dense = model.cout * model.cin * kk;
  let what;
  if (g === 1) what = `groups=1: every output channel reads all ${model.cin} input channel${model.cin === 1 ? '' : 's'}.`;
  else if (g === model.cin && cinG === 1) what = `groups=${g} = in_channels (depthwise): each output channel reads exactly one input channel${coutG > 1 ? ` (${coutG} outputs per input: depth multiplier ${coutG})` : ''}.`;
  else what = `groups=${g}: ${g} independent convolutions side by side; each output channel reads ${cinG} of the ${model.cin} input channels.`;
  setData(root, 'groups', String(g));
  setText(root, `${what} weight ${`[${model.cout}, ${cinG}, ${model.kh}, ${model.kw}]`}: ${params} weights (groups=1 would need ${dense}).`);
}
