// The ConvTranspose2d page: the round trip panel, the two explanations (scatter-add / col2im and
// zero-insertion) side by side, the matmul view, and the DOM they keep in step.

import * as convT from './model.js';
import { transposeSliderValues } from '../../lib/bounds.js';
import { convRepr } from '../../lib/torch.js';
import { explainTransposeShape, explainTransposeValue } from '../../lib/quiz.js';
import { UPSAMPLERS } from '../../lib/imagein.js';
import { numericPadding, outputSize } from '../common.js';
import { transposeFocus, validTransposeTarget } from './focus.js';
import { CARDS } from './cards.js';
import * as roundTripView from './views/roundtrip.js';
import * as scatterView from './views/scatter.js';
import * as zeroView from './views/zeroinsert.js';
import * as colView from './views/colmatmul.js';
import * as dotProduct from '../../views/dotproduct.js';
import { renderTranspose } from '../../views/explain.js';
import { setData, setValues } from '../../lib/dom.js';

/** The arguments whose controls this mode shows. */
const PARAMS = ['in_channels', 'out_channels', 'height', 'width', 'kernel_size', 'stride', 'padding', 'output_padding', 'output_size', 'dilation', 'groups', 'bias'];

/** @type {import('../contract.js').Mode} */
export const mode = {
  name: 'convTranspose2d',
  tab: 'ConvTranspose2d',
  title: 'nn.ConvTranspose2d arguments',
  cards: CARDS,
  params: PARAMS,
  numericPadding: true,
  keepsImage: false,
  build: convT.build,
  bounds: (api, params) => transposeSliderValues((q) => convT.transposeOutputSize(api, q), params),
  /**
   * Coming from Conv2d (or its matrix): the transposed layer of the Conv2d just built — channels
   * swapped, its input the Conv2d's output size, and output_size = the Conv2d's input size where
   * several sizes map back (stride > 1), as in the lecture. PyTorch's ConvTranspose2d takes
   * numbers only: 'same' / 'valid' become the halo they stand for.
   */
  enter: (api, params, from) => transposeOf(api, params, from),
  views: [['roundtrip', roundTripView], ['scatter', scatterView], ['zeroinsert', zeroView], ['colmatmul', colView]],
  focus: transposeFocus,
  valid: validTransposeTarget,
  repr(p) {
    const call = p.output_size ? `(y, output_size=(${p.output_size[0]}, ${p.output_size[1]}))` : '';
    return `${convRepr('ConvTranspose2d', transposedArgs(p))}${call}`;
  },
  // the round trip's names, in every card of the tab: y = the layer's input, x̂ = its output
  shapes: (model) => [['y', model.input.shape], ['x̂', model.output.shape]],
  outputs: (model) => [['x̂', model.output]],

  /** One-time wiring of this page's own controls. */
  init({ store, $$, listen }) {
    for (const r of $$('input[name="t-step"]')) {
      listen(r, 'change', () => {
        if (r.checked) store.setUi('step', r.value);
      });
    }
    const preset = () => {
      const p = convT.ROUND_TRIP_PRESET;
      store.update({ mode: p.mode, params: { ...p.params }, ui: { ...p.ui } });
    };
    for (const b of $$('[data-preset="round-trip"]')) listen(b, 'click', preset);
  },

  frame: (model, timeline, focus, now) => ({ position: timeline.position, slide: timeline.slide(now) }),

  positionText(model, position) {
    const pos = model.position(position);
    if (model.stepBy === 'input') return `stamp ${position + 1} / ${model.total} · y[0, :, ${pos.ih}, ${pos.iw}]`;
    return `cell ${position + 1} / ${model.total} · x̂[0, ${pos.co}, ${Math.floor(pos.l / model.wo)}, ${pos.l % model.wo}]`;
  },

  renderDom(model, { store, $, $$ }) {
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
    for (const r of $$('input[name="t-step"]')) r.checked = r.value === model.stepBy;
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

  frameDom(model, focus, position, linked, changed, { $ }) {
    const sc = $('#card-scatter');
    setData(sc, 'currentPosition', String(position));
    setData(sc, 'focusInput', focus.inL === null ? '' : `${Math.floor(focus.inL / model.w)},${focus.inL % model.w}`);
    setData(sc, 'focusOutput', focus.out ? `${focus.out.co},${focus.out.oh},${focus.out.ow}` : '');
    if (!changed) return;
    const dp = $('#zi-dot-product');
    if (focus.out) {
      dotProduct.render(dp, model.zero, { co: focus.out.co, oh: focus.out.oh, ow: focus.out.ow, steps: focus.zsteps, name: 'x̂' });
      dp.hidden = false;
    } else {
      dp.replaceChildren();
      dp.hidden = true;
    }
  },

  focusKey: (focus) => `${focus.inL}:${focus.out ? `${focus.out.co},${focus.out.l}` : ''}`,

  classroom: {
    python: (model, state) => ({
      op: 'nn.ConvTranspose2d', args: state.params, input: model.input, weight: model.weight, bias: model.bias, output: model.output,
    }),
    fileBase: 'convtranspose2d',
    gifViews: (model) => (model.stepBy === 'output' ? ['zeroinsert'] : ['scatter']),
    weightLayout: 'iohw',
    groups: true,
    shape: {
      question: (m, p) => {
        const call = p.output_size ? `y, output_size=(${p.output_size[0]}, ${p.output_size[1]})` : 'y';
        return `What is the shape of x̂ = the layer(${call})?`;
      },
      placeholder: 'e.g. [1, 1, 5, 5] or 5x5',
      expected: (m) => m.output.shape,
      explain: (m, p) => explainTransposeShape(m.arithmetic, p.output_size),
    },
    value: {
      question: (c) => `What is x̂[0, ${c.co}, ${c.oh}, ${c.ow}], the cell the flipped kernel is on? (The zero-insertion card shows what it reads.)`,
      explain: (m, c) => explainTransposeValue(m.zero.steps(c.co, c.l), (t) => m.readsInput(t)),
      // value questions follow the output cells: asking for one steps through them
      ui: { step: 'output' },
      refusal: (m) => (m.stepBy === 'output' ? '' : 'Value questions follow the output cells: choose “output cells (zero-insertion)” under Step through.'),
    },
    image: {
      label: 'upsample',
      choices: UPSAMPLERS,
      custom: false,
      initial: 'bilinear2',
      maxSide: 128,
      /** An upsampler sets the stride, padding and output_padding that make its ×2. */
      params: (k) => ({
        stride: [k.stride, k.stride],
        padding: [k.padding, k.padding],
        output_padding: [k.outputPadding, k.outputPadding],
        output_size: null,
      }),
    },
  },
};

/** The ConvTranspose2d that undoes a Conv2d's shape (see `enter`), and the line that says so. */
function transposeOf(api, params, from) {
  const numeric = numericPadding(api, params);
  if (!from || (from.name !== 'conv2d' && from.name !== 'matrix')) return { params: numeric };
  const p = { ...params, ...numeric };
  let a;
  try {
    a = outputSize(api, p);
  } catch {
    return { params: numeric }; // the Conv2d was not valid: keep the arguments as they are
  }
  const next = {
    ...numeric,
    in_channels: p.out_channels,
    out_channels: p.in_channels,
    height: a.height.output,
    width: a.width.output,
    output_padding: [0, 0],
    output_size: null,
  };
  let back = null;
  try {
    back = convT.transposeOutputSize(api, { ...p, ...next });
  } catch {
    return { params: numeric };
  }
  // several input sizes map to this output (the floor of a stride > 1): output_size picks the
  // Conv2d's own, as the lecture's output_size=input.size() does
  const several = (d) => back[d].maxOutput > back[d].minOutput;
  if (several('height') || several('width') || back.height.output !== p.height || back.width.output !== p.width) {
    next.output_size = [p.height, p.width];
  }
  const conv = convRepr('Conv2d', p);
  const shape = `${a.height.output}×${a.width.output}`;
  const restore = next.output_size
    ? `, and output_size=(${p.height}, ${p.width}) picks ${p.height}×${p.width} among the sizes that map back`
    : `, and it gives back ${p.height}×${p.width}`;
  return {
    params: next,
    note: `The transposed layer of your ${conv}: channels swapped, its input is the Conv2d's ${shape} output${restore}.`,
  };
}

/** The layer's arguments as print(layer) has them: output_size is forward's, not the module's. */
function transposedArgs(p) {
  return { ...p, output_padding: p.output_size === null ? p.output_padding : [0, 0], padding_mode: 'zeros' };
}
