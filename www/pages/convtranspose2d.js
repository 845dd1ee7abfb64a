// The ConvTranspose2d page: the round trip panel, the two explanations (scatter-add / col2im and
// zero-insertion) side by side, the matmul view, and the DOM they keep in step.

import * as convT from '../modes/convtranspose2d.js';
import { transposeSliderValues } from '../bounds.js';
import { transposeFocus, validTransposeTarget } from '../link.js';
import * as roundTripView from '../views/roundtrip.js';
import * as scatterView from '../views/scatter.js';
import * as zeroView from '../views/zeroinsert.js';
import * as colView from '../views/colmatmul.js';
import * as dotProduct from '../views/dotproduct.js';
import { renderTranspose } from '../views/explain.js';
import { $, setData, setValues } from './dom.js';

export const page = {
  mode: 'convTranspose2d',
  build: convT.build,
  bounds: (api, params) => transposeSliderValues(api, params),
  views: [['roundtrip', roundTripView], ['scatter', scatterView], ['zeroinsert', zeroView], ['colmatmul', colView]],
  focus: transposeFocus,
  valid: validTransposeTarget,
  repr(p) {
    const call = p.output_size ? `(input, output_size=(${p.output_size[0]}, ${p.output_size[1]}))` : '';
    return `${convT.transposeRepr(p)}${call}`;
  },
  shapes: (model) => [['input', model.input.shape], ['output', model.output.shape]],

  /** One-time wiring of this page's own controls. */
  init({ store }) {
    for (const r of document.querySelectorAll('input[name="t-step"]')) {
      r.addEventListener('change', () => {
        if (r.checked) store.setUi('step', r.value);
      });
    }
    const preset = () => {
      const p = convT.ROUND_TRIP_PRESET;
      store.update({ mode: p.mode, params: { ...p.params }, ui: { ...p.ui } });
    };
    for (const b of document.querySelectorAll('[data-preset="round-trip"]')) b.addEventListener('click', preset);
  },

  frame: (model, timeline, focus, now) => ({ position: timeline.position, slide: timeline.slide(now) }),

  positionText(model, position) {
    const pos = model.position(position);
    if (model.stepBy === 'input') return `stamp ${position + 1} / ${model.total} · input[0, :, ${pos.ih}, ${pos.iw}]`;
    return `cell ${position + 1} / ${model.total} · y[0, ${pos.co}, ${Math.floor(pos.l / model.wo)}, ${pos.l % model.wo}]`;
  },

  renderDom(model, { store }) {
    renderTranspose($('#t-shapes'), model);
    roundTripView.render($('#roundtrip'), model, {
      pickSize(i) {
        const size = model.roundTrip.sizes[i];
        const params = store.state.params.output_size ? { output_size: size } : {};
        store.update({ ui: { rt: i }, params });
      },
      setOutputSize(on) {
        const rt = model.roundTrip;
        store.setParam('output_size', on && rt.x ? rt.x.shape.slice(2) : null);
      },
    });
    for (const r of document.querySelectorAll('input[name="t-step"]')) r.checked = r.value === model.stepBy;
    const sc = $('#card-scatter');
    setValues(sc, 'inputValues', model.input.data);
    setValues(sc, 'weightValues', model.weight.data);
    setData(sc, 'bias', model.bias ? JSON.stringify(Array.from(model.bias.data)) : '');
    setData(sc, 'params', JSON.stringify({ stride: model.stride, padding: model.padding, dilation: model.dilation, outputPadding: model.outputPadding, groups: model.groups }));
    setValues(sc, 'outputValues', model.output.data);
    setData(sc, 'outputShape', model.output.shape.join(','));
    const zi = $('#card-zeroinsert');
    setValues(zi, 'outputValues', model.zero.output.data);
    setData(zi, 'outputShape', model.zero.output.shape.join(','));
    setData(zi, 'padding', JSON.stringify(model.zeroInsert.padding));
    const agree = $('#routes-agree');
    agree.dataset.equal = String(model.routesAgree);
    agree.textContent = model.routesAgree
      ? '✓ both routes give the same output, cell for cell'
      : '✗ the two routes differ';
    agree.classList.toggle('is-good', model.routesAgree);
    agree.classList.toggle('is-bad', !model.routesAgree);
  },

  frameDom(model, focus, position, linked, changed) {
    const sc = $('#card-scatter');
    setData(sc, 'currentPosition', String(position));
    setData(sc, 'focusInput', focus.inL === null ? '' : `${Math.floor(focus.inL / model.w)},${focus.inL % model.w}`);
    setData(sc, 'focusOutput', focus.out ? `${focus.out.co},${focus.out.oh},${focus.out.ow}` : '');
    if (!changed) return;
    const dp = $('#zi-dot-product');
    if (focus.out) {
      dotProduct.render(dp, model.zero, { co: focus.out.co, oh: focus.out.oh, ow: focus.out.ow, steps: focus.zsteps });
      dp.hidden = false;
    } else {
      dp.replaceChildren();
      dp.hidden = true;
    }
  },

  focusKey: (focus) => `${focus.inL}:${focus.out ? `${focus.out.co},${focus.out.l}` : ''}`,
};
