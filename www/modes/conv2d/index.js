// The Conv2d page: which views draw the Conv2d model, and the DOM it keeps in step (the dot
// product, the shape formula, the data-* attributes tests and assistive tech read).

import * as conv2d from './model.js';
import { sliderValues } from '../../lib/bounds.js';
import { convRepr } from '../../lib/torch.js';
import { explainShape, explainDotProduct } from '../../lib/quiz.js';
import { KERNELS } from '../../lib/imagein.js';
import { depthwise, outputSize } from '../common.js';
import { transposeOutputSize } from '../convtranspose2d/model.js';
import { resolveFocus, validConvTarget } from './focus.js';
import { CARDS } from './cards.js';
import * as inputView from './views/input.js';
import * as outputView from './views/output.js';
import * as weightsView from './views/weights.js';
import * as im2colView from './views/im2col.js';
import * as channelsView from '../../views/channels.js';
import * as dotProduct from '../../views/dotproduct.js';
import * as shapesView from '../../views/shapes.js';
import { setAttr, setData, setProp, setText, setValues } from '../../lib/dom.js';

/** The arguments whose controls this mode shows. */
const PARAMS = ['in_channels', 'out_channels', 'height', 'width', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias', 'padding_mode'];

/** @type {import('../contract.js').Mode} */
export const mode = {
  name: 'conv2d',
  tab: 'Conv2d',
  title: 'nn.Conv2d arguments',
  cards: CARDS,
  params: PARAMS,
  numericPadding: false,
  keepsImage: true,
  build: conv2d.build,
  /** Coming from ConvTranspose2d: the Conv2d whose transpose that layer is (see `convOf`). */
  enter: (api, params, from) => convOf(api, params, from),
  bounds: (api, params, memo) => sliderValues((q) => outputSize(api, q), params, { memo }),
  views: [['input', inputView], ['output', outputView], ['weights', weightsView], ['im2col', im2colView], ['channels', channelsView]],
  focus: resolveFocus,
  valid: validConvTarget,
  repr: (params) => convRepr('Conv2d', params),
  shapes: (model) => [['x', model.input.shape], ['y', model.output.shape]],
  outputs: (model) => [['y', model.output]],

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
      // only while the footprint glides (each steps() call crosses into wasm)
      fromSteps: timeline.prev !== position && slide < 1 ? model.steps(from.co, from.l) : null,
      slide,
    };
  },

  positionText(model, position) {
    const { co, l } = model.position(position);
    return `cell ${position + 1} / ${model.total} · y[0, ${co}, ${Math.floor(l / model.wo)}, ${l % model.wo}]`;
  },

  /** The depthwise / groups=1 buttons, the cross-correlation / convolution switch and the dot product's terms linked to their tap. */
  init(ctx) {
    initGroupButtons(ctx);
    for (const b of ctx.$$('[data-conv]')) ctx.listen(b, 'click', () => ctx.store.setUi('flip', b.dataset.conv === 'flip'));
    const dp = ctx.$('#dot-product');
    ctx.listen(dp, 'pointerover', (e) => {
      const term = e.target instanceof Element ? e.target.closest('.term') : null;
      // the term's row of the columns matrix, at the output cell the dot product shows
      if (term) ctx.setHover((model, focus) => ({ kind: 'column', r: Number(term.dataset.row), l: focus.l }));
    });
    ctx.listen(dp, 'pointerleave', () => ctx.setHover(null));
  },

  /** After a recompute. */
  renderDom(model, ctx) {
    const { $ } = ctx;
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
    renderFlip(model, ctx);
    renderGroups($('#groups-note'), model);
  },

  /** Every drawn frame. */
  frameDom(model, focus, position, linked, changed, { $ }) {
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

  classroom: {
    python: (model, state) => ({
      op: 'nn.Conv2d', args: state.params, input: model.input, weight: model.weight, bias: model.bias, pads: padsOf(model.arithmetic),
      // with the true convolution shown, y on the page is F.conv2d(x, flip(w)), not c(x)
      ...(model.flip ? { flipped: { output: model.output } } : { output: model.output }),
    }),
    fileBase: 'conv2d',
    gifViews: () => ['input', 'output'],
    weightLayout: 'oihw',
    groups: true,
    shape: {
      question: () => 'What is the shape of y = the layer(x)?',
      placeholder: 'e.g. [1, 1, 3, 3] or 3x3',
      expected: (m) => m.output.shape,
      explain: (m) => {
        const ex = explainShape(m.arithmetic);
        return [ex.height, ex.width];
      },
    },
    value: {
      question: (c) => `What is y[0, ${c.co}, ${c.oh}, ${c.ow}], the value of the cell the kernel is on?`,
      explain: (m, c) => explainDotProduct(m.steps(c.co, c.l)),
    },
    image: {
      label: 'kernel',
      choices: KERNELS,
      custom: true,
      initial: 'sobel-x',
      maxSide: 256,
      /** A filter keeps the image's size: stride 1, padding k // 2. */
      params: (k, [kh, kw]) => ({ stride: [1, 1], padding: [kh >> 1, kw >> 1], padding_mode: 'zeros' }),
    },
  },
};

/**
 * The Conv2d whose transposed layer is the ConvTranspose2d the learner just built: channels
 * swapped, its input the transposed layer's output size (output_size included), the same
 * kernel_size, stride, padding, dilation and groups (the weight tensor fits both). Other modes
 * keep the arguments as they are.
 */
export function convOf(api, params, from) {
  if (!from || from.name !== 'convTranspose2d') return { params: {} };
  let a;
  try {
    a = transposeOutputSize(api, params);
  } catch {
    return { params: {} };
  }
  const next = {
    in_channels: params.out_channels,
    out_channels: params.in_channels,
    height: a.height.output,
    width: a.width.output,
  };
  const t = convRepr('ConvTranspose2d', { ...params, output_padding: params.output_size ? [0, 0] : params.output_padding });
  return {
    params: next,
    note: `The Conv2d whose transposed layer is your ${t}: channels swapped, its input is that layer's ${a.height.output}×${a.width.output} output.`,
  };
}

/** [top, bottom, left, right]: the halo conv2dOutputSize's arithmetic says the layer adds. */
export const padsOf = (a) => [a.height.padBefore, a.height.padAfter, a.width.padBefore, a.width.padAfter];

/** The groups=1 and depthwise buttons of a pane (Conv2d's and Matrix's channel cards). */
export function initGroupButtons({ $$, listen, store }) {
  for (const b of $$('[data-action="depthwise"]')) listen(b, 'click', () => store.update({ params: depthwise(store.state.params) }));
  for (const b of $$('[data-action="groups-1"]')) listen(b, 'click', () => store.setParam('groups', 1));
}

/**
 * The cross-correlation / convolution switch: which button is pressed, the weights card's title,
 * the flipped kernel's values and the check that the true convolution is Conv2d with flip(w).
 */
function renderFlip(model, { $, $$ }) {
  for (const b of $$('[data-conv]')) setAttr(b, 'aria-pressed', String((b.dataset.conv === 'flip') === model.flip));
  for (const t of $$('[data-flip-title]')) setProp(t, 'hidden', (t.dataset.flipTitle === 'on') !== model.flip);
  const w = $('#card-weights');
  setData(w, 'flip', String(model.flip));
  setValues(w, 'flippedValues', model.flip ? model.flipped.data : null);
  const check = $('#flip-check');
  setProp(check, 'hidden', !model.flip);
  setData(check, 'equal', model.flip ? String(model.flipEqual) : '');
  if (!model.flip) return;
  check.classList.toggle('is-good', model.flipEqual);
  check.classList.toggle('is-bad', !model.flipEqual);
  setText(check, `${model.flipEqual ? '✓ equal' : '✗ differ'}: true convolution with w (y[n] = Σₐ x[n − a]·w[a], traced above) = cross-correlation with flip(w) (F.conv2d(x, torch.flip(w, dims=(2, 3)), b, …)): the same y, cell for cell — all ${model.output.data.length} numbers. PyTorch's Conv2d is the cross-correlation.`);
}

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
