// The Matrix page: y = C·x for a chosen channel pair, Cᵀ as the transposed convolution, the
// channel diagram to choose the pair.

import * as matrixMode from './model.js';
import { sliderValues } from '../../lib/bounds.js';
import { convRepr } from '../../lib/torch.js';
import { makeInput, makeWeights } from '../../lib/tensors.js';
import { convOptions, outputSize } from '../common.js';
import { initGroupButtons, convOf, padsOf } from '../conv2d/index.js';
import { matrixFocus, validMatrixTarget } from './focus.js';
import { CARDS } from './cards.js';
import * as matrixView from './views/matrix.js';
import * as channelsView from '../../views/channels.js';
import { renderMatrixChecks, renderMatrixRow } from '../../views/explain.js';
import { el, setData, setValues } from '../../lib/dom.js';

/** The arguments whose controls this mode shows. */
const PARAMS = ['in_channels', 'out_channels', 'height', 'width', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'padding_mode'];

/** @type {import('../contract.js').Mode} */
export const mode = {
  name: 'matrix',
  tab: 'Matrix (C and Cᵀ)',
  title: 'nn.Conv2d arguments',
  cards: CARDS,
  params: PARAMS,
  numericPadding: false,
  keepsImage: false,
  build: matrixMode.build,
  enter: (api, params, from) => convOf(api, params, from),
  bounds: (api, params, memo) => sliderValues((q) => outputSize(api, q), params, { maxSide: matrixMode.MAX_MATRIX_SIDE, memo }),
  views: [['matrix', matrixView], ['m-channels', channelsView]],
  focus(model, position, target) {
    return { ...matrixFocus(model, position, target), pair: [model.ci, model.co] };
  },
  valid: validMatrixTarget,
  repr: (p) => convRepr('Conv2d', p),
  shapes: (model) => [['x', [1, model.cin, model.h, model.w]], ['y', [1, model.cout, model.ho, model.wo]]],
  frame: (model, timeline, focus, now) => ({ position: timeline.position, slide: timeline.slide(now) }),

  init(ctx) {
    const { store, $, $$, listen } = ctx;
    initGroupButtons(ctx);
    for (const b of $$('[data-matrix]')) {
      listen(b, 'click', () => store.setUi('transpose', b.dataset.matrix === 'T'));
    }
    const ci = $('#pair-in');
    const co = $('#pair-out');
    const pick = () => store.setUi('pair', [Number(ci.value), Number(co.value)]);
    listen(ci, 'change', () => {
      // keep the output channel when it still reads this input, else its group's first
      const pairs = matrixMode.pairsOf(store.state.params);
      const want = Number(ci.value);
      const ok = pairs.find(([a, b]) => a === want && b === Number(co.value)) ?? pairs.find(([a]) => a === want);
      // While the settings are invalid there may be no such pair: keep the numbers as chosen
      // (the model clamps them once the settings are valid again) rather than store nothing.
      if (ok) store.setUi('pair', ok);
      else pick();
    });
    listen(co, 'change', pick);
  },

  /** A click on the channel diagram picks the pair. */
  onClick(target, { store }) {
    if (target.kind !== 'pair') return false;
    store.setUi('pair', [target.ci, target.co]);
    return true;
  },

  positionText(model, position) {
    const r = model.position(position).row;
    return model.transpose
      ? `row ${r + 1} / ${model.rows} · x̂[0, ${model.ci}, ${Math.floor(r / model.w)}, ${r % model.w}] = Cᵀ[${r}, :]·y`
      : `row ${r + 1} / ${model.rows} · y[0, ${model.co}, ${Math.floor(r / model.wo)}, ${r % model.wo}] = C[${r}, :]·x`;
  },

  renderDom(model, { $, $$, store }) {
    renderMatrixChecks($('#matrix-checks'), model, store.state.params);
    for (const b of $$('[data-matrix]')) b.setAttribute('aria-pressed', String((b.dataset.matrix === 'T') === model.transpose));
    const ci = $('#pair-in');
    const co = $('#pair-out');
    ci.replaceChildren(...Array.from({ length: model.cin }, (_, i) => {
      const o = el('option', { text: `${i}` });
      o.value = String(i);
      return o;
    }));
    const outs = model.pairs.filter(([a]) => a === model.ci).map(([, b]) => b);
    co.replaceChildren(...outs.map((i) => {
      const o = el('option', { text: `${i}` });
      o.value = String(i);
      return o;
    }));
    ci.value = String(model.ci);
    co.value = String(model.co);
    const card = $('#card-matrix');
    setData(card, 'pair', `${model.ci},${model.co}`);
    setData(card, 'transpose', String(model.transpose));
    setData(card, 'shape', `${model.rows},${model.cols}`);
    setValues(card, 'kernel', model.kernel.data);
    $('#matrix-title-name').textContent = model.transpose ? 'Cᵀ: the transposed convolution' : 'C: the convolution as a matrix';
  },

  frameDom(model, focus, position, linked, changed, { $ }) {
    const card = $('#card-matrix');
    setData(card, 'currentPosition', String(position));
    setData(card, 'focusRow', String(focus.row));
    const entry = linked && linked.kind === 'entry';
    setData(card, 'hoverEntry', entry ? `${focus.row},${focus.col}` : '');
    setData(card, 'entryValue', entry ? String(model.M[focus.row * model.cols + focus.col]) : '');
    setData(card, 'hoverInput', focus.k >= 0 ? `${Math.floor(focus.k / model.w)},${focus.k % model.w}` : '');
    setData(card, 'hoverOutput', focus.l >= 0 ? `${Math.floor(focus.l / model.wo)},${focus.l % model.wo}` : '');
    if (changed) renderMatrixRow($('#matrix-row'), model, focus);
  },

  focusKey: (focus) => `${focus.row}`,

  classroom: {
    /** The matrix shows one channel pair: its code is the whole Conv2d, run by the core here. */
    python(model, state, api) {
      const input = makeInput(state);
      const { weight, bias } = makeWeights(api, state);
      const output = api.conv2d(input, weight, bias, convOptions(state.params));
      return { op: 'nn.Conv2d', args: state.params, input, weight, bias, output, pads: padsOf(outputSize(api, state.params)) };
    },
    fileBase: 'convmatrix',
    gifViews: () => ['matrix'],
    weightLayout: 'oihw',
    groups: true,
    shape: null,
    value: null,
    image: null,
  },
};
