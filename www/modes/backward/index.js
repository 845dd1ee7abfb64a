// The Backward tab: loss.backward() through one Conv2d — ∂L/∂y from the loss, ∂L/∂x as the
// scatter-add of stamps (ConvTranspose2d's picture) with the halo folding back, ∂L/∂W tap by tap,
// ∂L/∂b, and one SGD step that writes the new weights as edits (Back undoes it, links carry it).

import * as backward from './model.js';
import { sliderValues } from '../../lib/bounds.js';
import { convRepr } from '../../lib/torch.js';
import { parseLr, LOSSES } from '../../lib/state.js';
import { setData, setProp, setText } from '../../lib/dom.js';
import { outputSize } from '../common.js';
import { backwardFocus, validBackwardTarget, backwardFocusKey } from './focus.js';
import { CARDS } from './cards.js';
import { renderModel, renderTap, renderCell, lossCode } from './dom.js';
import * as lossView from './views/loss.js';
import * as stampView from './views/stamp.js';
import * as tapsView from './views/taps.js';

/** The arguments whose controls this mode shows. */
const PARAMS = ['in_channels', 'out_channels', 'height', 'width', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias', 'padding_mode'];

/** The ConvTranspose2d whose forward is this scatter-add: ∂L/∂y → ∂L/∂x (zeros padding). */
function transposeParams(model) {
  return {
    in_channels: model.cout,
    out_channels: model.cin,
    height: model.ho,
    width: model.wo,
    kernel_size: [model.kh, model.kw],
    stride: [...model.stride],
    padding: [model.padTop, model.padLeft],
    dilation: [...model.dilation],
    groups: model.groups,
    output_padding: [0, 0],
    output_size: [model.h, model.w],
    bias: false,
    padding_mode: 'zeros',
  };
}

/** A tensor's values as cell edits keyed "a,b,…" (its leading batch axis dropped when `drop`). */
function editsOf(t, drop = 0) {
  const shape = t.shape.slice(drop);
  const out = {};
  for (let k = 0; k < t.data.length; k++) {
    const idx = [];
    let rest = k;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx.unshift(rest % shape[d]);
      rest = Math.floor(rest / shape[d]);
    }
    out[idx.join(',')] = t.data[k];
  }
  return out;
}

/** The SGD step: the stepped weight and bias become the state's edits, one history entry. */
function sgdStep(ctx, model) {
  const edits = { weight: editsOf(model.sgd.weight) };
  if (model.sgd.bias) edits.bias = editsOf(model.sgd.bias);
  ctx.pushHistory();
  ctx.store.update({ edits });
}

/** Open the ConvTranspose2d that maps ∂L/∂y to ∂L/∂x, with ∂L/∂y as its input and the same weight. */
function openTranspose(ctx, model) {
  ctx.pushHistory();
  ctx.store.update({
    mode: 'convTranspose2d',
    params: transposeParams(model),
    input: { fill: 'pasted', seed: 1 },
    edits: { input: editsOf(model.gy, 1), weight: editsOf(model.weight) },
  });
}

function initControls(ctx, model) {
  const { store, $, $$, listen } = ctx;
  listen($('#bw-loss'), 'change', (e) => {
    if (LOSSES.includes(e.target.value)) store.setUi('loss', e.target.value);
  });
  for (const r of $$('input[name="bw-step"]')) listen(r, 'change', () => r.checked && store.setUi('step', r.value));
  const lr = $('#bw-lr');
  const applyLr = () => {
    const r = parseLr(lr.value);
    setText($('#bw-lr-error'), r.ok ? '' : r.message);
    setProp($('#bw-lr-error'), 'hidden', r.ok);
    setProp(lr, 'ariaInvalid', r.ok ? null : 'true');
    if (r.ok) store.setUi('lr', r.value);
  };
  listen(lr, 'change', applyLr);
  listen(lr, 'keydown', (e) => e.key === 'Enter' && applyLr());
  listen($('#bw-sgd-step'), 'click', () => model.current && sgdStep(ctx, model.current));
  listen($('#bw-open-transpose'), 'click', () => model.current && openTranspose(ctx, model.current));
}

/** Per app: the model last rendered (the buttons act on it). Kept on the context, not the module. */
const HELD = Symbol('backward model');

/** @type {import('../contract.js').Mode} */
export const mode = {
  name: 'backward',
  tab: 'Backward',
  title: 'nn.Conv2d arguments (backward)',
  cards: CARDS,
  params: PARAMS,
  numericPadding: false,
  keepsImage: false,
  module: 'more',
  build: backward.build,
  bounds: (api, params, memo) => sliderValues((q) => outputSize(api, q), params, { memo }),
  views: [['loss', lossView], ['stamp', stampView], ['taps', tapsView]],
  focus: backwardFocus,
  valid: validBackwardTarget,
  repr: (params, model) => `${convRepr('Conv2d', params)}; L = ${lossCode(model ? model.lossKind : 'sum')}; L.backward()`,
  shapes: (model) => [['x', model.input.shape], ['conv.weight.grad', model.gw.shape]],
  frame: (model, timeline, focus, now) => ({ position: timeline.position, slide: timeline.slide(now) }),

  positionText(model, position) {
    const p = model.position(position);
    if (p.phase === 'stamp') return `stamp ${position + 1} / ${model.stamps} · ∂L/∂y[0, ${p.co}, ${p.oh}, ${p.ow}] × w[${p.co}]`;
    if (p.phase === 'tap') return `tap ${p.t + 1} / ${model.taps} · ∂L/∂W[${p.co}, ${p.ci}, ${p.i}, ${p.j}]`;
    return `cell ${position + 1} / ${model.total} · x.grad[0, ${p.co}, ${p.oh}, ${p.ow}]`;
  },

  init(ctx) {
    const holder = { current: null };
    ctx[HELD] = holder;
    initControls(ctx, holder);
  },

  renderDom(model, ctx) {
    const { $, $$ } = ctx;
    if (ctx[HELD]) ctx[HELD].current = model;
    renderModel(model, $);
    setProp($('#bw-loss'), 'value', model.lossKind);
    for (const r of $$('input[name="bw-step"]')) setProp(r, 'checked', r.value === model.stepBy);
    const lr = $('#bw-lr');
    if (lr.ownerDocument.activeElement !== lr && !lr.getAttribute('aria-invalid')) setProp(lr, 'value', String(model.sgd.lr));
    const t = transposeParams(model);
    setText($('#bw-transpose-repr'), `${convRepr('ConvTranspose2d', t)}(∂L/∂y, output_size=(${model.h}, ${model.w}))${model.params.paddingMode === 'zeros' ? '' : ' before the halo folds back'}`);
  },

  frameDom(model, focus, position, linked, changed, { $ }) {
    const gx = $('#card-gx');
    setData(gx, 'currentPosition', String(position));
    setData(gx, 'stamp', focus.stamp >= 0 ? String(focus.stamp) : '');
    setData(gx, 'focusCell', focus.cell ? `${focus.cell.c},${focus.cell.ih},${focus.cell.iw}` : '');
    setData($('#card-gw'), 'focusTap', focus.tap ? `${focus.tap.co},${focus.tap.ci},${focus.tap.i},${focus.tap.j}` : '');
    setData($('#card-gy'), 'focusStamp', focus.stamp >= 0 ? String(focus.stamp) : '');
    if (!changed) return;
    renderTap($('#gw-dot'), model, focus);
    renderCell($('#gx-sum'), model, focus);
  },

  focusKey: backwardFocusKey,

  classroom: {
    python: (model, state) => ({
      backward: true,
      args: state.params,
      loss: model.lossKind,
      input: model.input,
      weight: model.weight,
      bias: model.bias,
      aux: model.aux,
      output: model.output,
      lossValue: model.loss,
      gradInput: model.gx,
      gradWeight: model.gw,
      gradBias: model.gb,
      lr: model.sgd.lr,
      lossAfter: model.sgd.loss,
    }),
    fileBase: 'conv2d_backward',
    gifViews: (model) => (model.stepBy === 'output' ? ['stamp'] : ['stamp', 'taps']),
    weightLayout: 'oihw',
    groups: true,
    shape: {
      question: () => 'What is the shape of conv.weight.grad after loss.backward()?',
      placeholder: 'e.g. [1, 3, 3, 3]',
      expected: (m) => m.gw.shape,
      explain: (m) => [`conv.weight.grad has the weight's own shape: [C_out, C_in/groups, kh, kw] = [${m.gw.shape.join(', ')}] — one gradient per weight.`],
    },
    value: {
      question: (c) => `What is x.grad[0, ${c.co}, ${c.oh}, ${c.ow}]? Which ∂L/∂y cells reach this input cell, and with which weights?`,
      expected: (m, c) => m.gx.data[c.co * m.h * m.w + c.l],
      explain: (m, c) => {
        const s = m.inputSteps(c.co, c.oh, c.ow);
        const terms = s.cells.flatMap((cs) => cs.terms.map((t) => `w[${t.cOut}, ${c.co % m.cg}, ${t.i}, ${t.j}]·∂L/∂y[0, ${t.cOut}, ${t.oh}, ${t.ow}] = ${t.w}·${t.g}`));
        return `${terms.length} term${terms.length === 1 ? '' : 's'}: ${terms.slice(0, 12).join(' + ')}${terms.length > 12 ? ' + …' : ''} = ${s.sum}`;
      },
      ui: { step: 'output' },
      refusal: (m) => (m.stepBy === 'output' ? '' : 'Value questions follow the ∂L/∂x cells: choose “∂L/∂x cells” under Step through.'),
    },
    image: null,
  },
};
