// The Unfold / Fold page: F.unfold and F.fold on their own, and the identity they satisfy.

import * as unfoldMode from './model.js';
import { sliderValues } from '../../lib/bounds.js';
import { explainUnfoldShape } from '../../lib/quiz.js';
import { outputSize, numericPadding } from '../common.js';
import { unfoldFocus, validUnfoldTarget } from './focus.js';
import { CARDS } from './cards.js';
import * as unfoldView from './views/unfold.js';
import * as foldView from './views/fold.js';
import { renderUnfold } from '../../views/explain.js';
import { setData, setValues } from '../../lib/dom.js';

const tup = (v) => `(${v[0]}, ${v[1]})`;

/** The arguments whose controls this mode shows. */
const PARAMS = ['in_channels', 'height', 'width', 'kernel_size', 'stride', 'padding', 'dilation'];

/** @type {import('../contract.js').Mode} */
export const mode = {
  name: 'unfold',
  tab: 'Unfold / Fold',
  title: 'F.unfold / F.fold arguments',
  cards: CARDS,
  params: PARAMS,
  numericPadding: true,
  keepsImage: false,
  build: unfoldMode.build,
  // F.unfold / F.fold take no groups nor padding_mode: whatever the state keeps for them is not theirs
  bounds: (api, params, memo) => sliderValues((q) => outputSize(api, q), { ...params, padding_mode: 'zeros', groups: 1 }, { memo }),
  /** F.unfold takes numbers only: 'same' / 'valid' become the halo they stand for. */
  enter: (api, params) => ({ params: numericPadding(api, params) }),
  views: [['unfold', unfoldView], ['fold', foldView]],
  focus: unfoldFocus,
  valid: validUnfoldTarget,
  repr: (p) => `F.unfold(x, kernel_size=${tup(p.kernel_size)}, dilation=${tup(p.dilation)}, padding=${tup(p.padding)}, stride=${tup(p.stride)})`,
  shapes: (model) => [['x', model.input.shape], ['unfold(x)', model.columns.shape]],
  outputs: (model) => [['unfold(x)', model.columns], ['fold(unfold(x))', model.back]],
  frame: (model, timeline, focus, now) => ({ position: timeline.position, slide: timeline.slide(now) }),

  positionText(model, position) {
    const pos = model.position(position);
    return `${pos.phase} · column ${pos.l + 1} / ${model.L} · patch at (${pos.oh}, ${pos.ow})`;
  },

  renderDom(model, { $ }) {
    renderUnfold($('#u-shapes'), model);
    const f = $('#card-fold');
    setValues(f, 'back', model.back.data);
    setValues(f, 'count', model.count.data);
    setValues(f, 'product', model.product);
    setData(f, 'equal', String(model.identityHolds));
    setValues($('#card-unfold'), 'columns', model.columns.data);
  },

  frameDom(model, focus, position, linked, changed, { $ }) {
    const u = $('#card-unfold');
    const pos = model.position(position);
    setData(u, 'currentPosition', String(position));
    setData(u, 'phase', pos.phase);
    setData(u, 'focusColumn', String(focus.l));
  },

  focusKey: (focus) => `${focus.l}`,

  classroom: {
    python: (model, state) => ({ op: 'F.unfold', args: state.params, input: model.input, output: model.columns }),
    fileBase: 'unfold',
    gifViews: () => ['unfold'],
    weightLayout: null,
    groups: false,
    shape: {
      question: () => 'What is the shape of F.unfold(x) with the arguments above: [N, rows, columns]?',
      placeholder: 'e.g. [1, 27, 9]',
      expected: (m) => m.columns.shape,
      explain: (m) => explainUnfoldShape(m.arithmetic, m.cin),
    },
    value: null,
    image: null,
  },
};
