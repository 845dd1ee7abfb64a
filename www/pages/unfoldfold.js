// The Unfold / Fold page: F.unfold and F.fold on their own, and the identity they satisfy.

import * as unfoldMode from '../modes/unfoldfold.js';
import { sliderValues } from '../bounds.js';
import { unfoldFocus, validUnfoldTarget } from '../link.js';
import * as unfoldView from '../views/unfold.js';
import * as foldView from '../views/fold.js';
import { renderUnfold } from '../views/explain.js';
import { $, setData, setValues } from './dom.js';

const tup = (v) => `(${v[0]}, ${v[1]})`;

export const page = {
  mode: 'unfold',
  build: unfoldMode.build,
  // F.unfold / F.fold take no groups nor padding_mode: whatever the state keeps for them is not theirs
  bounds: (api, params) => sliderValues(api, { ...params, padding_mode: 'zeros', groups: 1 }),
  views: [['unfold', unfoldView], ['fold', foldView]],
  focus: unfoldFocus,
  valid: validUnfoldTarget,
  repr: (p) => `F.unfold(x, kernel_size=${tup(p.kernel_size)}, dilation=${tup(p.dilation)}, padding=${tup(p.padding)}, stride=${tup(p.stride)})`,
  shapes: (model) => [['x', model.input.shape], ['unfold(x)', model.columns.shape]],
  frame: (model, timeline, focus, now) => ({ position: timeline.position, slide: timeline.slide(now) }),

  positionText(model, position) {
    const pos = model.position(position);
    return `${pos.phase} · column ${pos.l + 1} / ${model.L} · patch at (${pos.oh}, ${pos.ow})`;
  },

  renderDom(model) {
    renderUnfold($('#u-shapes'), model);
    const f = $('#card-fold');
    setValues(f, 'back', model.back.data);
    setValues(f, 'count', model.count.data);
    setValues(f, 'product', model.product);
    setData(f, 'equal', String(model.identityHolds));
    setValues($('#card-unfold'), 'columns', model.columns.data);
  },

  frameDom(model, focus, position) {
    const u = $('#card-unfold');
    const pos = model.position(position);
    setData(u, 'currentPosition', String(position));
    setData(u, 'phase', pos.phase);
    setData(u, 'focusColumn', String(focus.l));
  },

  focusKey: (focus) => `${focus.l}`,
};
