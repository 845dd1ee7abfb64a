// The Backward tab's DOM text: the loss line, the dot product of a weight tap and the sum behind a
// ∂L/∂x cell written out with their numbers, ∂L/∂b, the SGD step's before / after. Built from the
// model's wasm results (weightSteps, inputSteps): nothing is computed here.

import { formatValue } from '../../lib/format.js';
import { el, setData, setText, setValues } from '../../lib/dom.js';
import { auxName } from './loss.js';

const MAX_TERMS = 48;
const paren = (v) => (v < 0 ? `(${formatValue(v)})` : formatValue(v));

/** The loss's formula as PyTorch writes it. */
export function lossCode(kind) {
  if (kind === 'weighted') return '(y * g).sum()';
  if (kind === 'mse') return 'F.mse_loss(y, t)';
  return 'y.sum()';
}

/** ∂L/∂y's definition for the loss. */
export function gradText(kind) {
  if (kind === 'weighted') return '∂L/∂y = g';
  if (kind === 'mse') return '∂L/∂y = 2·(y − t) / numel';
  return '∂L/∂y = 1 in every cell';
}

/** `head = Σ … = a·b + … = sum`, terms as spans carrying their two factors. */
function sumLine(root, head, terms, sum, note = '') {
  const shown = terms.slice(0, MAX_TERMS);
  const kids = [el('span', { class: 'dp-head', text: `${head} = ` })];
  shown.forEach((t, n) => {
    if (n > 0) kids.push(' + ');
    kids.push(el('span', { class: 'term', 'data-a': String(t.a), 'data-b': String(t.b), title: t.tip, text: `${paren(t.a)}·${paren(t.b)}` }));
  });
  if (terms.length > shown.length) kids.push(` + … (${terms.length - shown.length} more)`);
  if (terms.length === 0) kids.push('0 (nothing reaches it)');
  kids.push(el('span', { class: 'dp-total', text: ` = ${formatValue(sum)}` }));
  if (note) kids.push(el('span', { class: 'hint', text: ` ${note}` }));
  root.replaceChildren(...kids);
}

/** ∂L/∂W[co, ci, i, j] = Σ x·∂L/∂y over the output cells (weightSteps). */
export function renderTap(root, model, focus) {
  if (!focus.tap) {
    root.replaceChildren(el('span', { class: 'hint', text: 'Hover a ∂L/∂W entry (or step to the taps) to see its dot product.' }));
    setData(root, 'tap', '');
    return;
  }
  const { co, ci, i, j } = focus.tap;
  const s = focus.wsteps;
  const terms = s.terms.map((t) => ({
    a: t.x, b: t.g,
    tip: `${t.kind === 'padding' ? `padding (${t.ph}, ${t.pw})` : `x[0, ${t.c}, ${t.ih}, ${t.iw}]`} = ${t.x}\n∂L/∂y[0, ${co}, ${t.oh}, ${t.ow}] = ${t.g}`,
  }));
  setData(root, 'tap', `${co},${ci},${i},${j}`);
  setData(root, 'sum', String(s.sum));
  sumLine(root, `∂L/∂W[${co}, ${ci}, ${i}, ${j}] = Σ x·∂L/∂y`, terms, s.sum);
}

/** ∂L/∂x[0, c, ih, iw] = Σ w·∂L/∂y over the ∂L/∂y cells that reach it (inputSteps). */
export function renderCell(root, model, focus) {
  if (!focus.cell) {
    root.replaceChildren(el('span', { class: 'hint', text: 'Hover a ∂L/∂x cell (or step through them) to see which ∂L/∂y cells reach it, with which weights.' }));
    setData(root, 'cell', '');
    return;
  }
  const { c, ih, iw } = focus.cell;
  const s = focus.cellSteps;
  const terms = [];
  for (const cs of s.cells) {
    for (const t of cs.terms) {
      terms.push({ a: t.w, b: t.g, tip: `w[${t.cOut}, ${c % model.cg}, ${t.i}, ${t.j}] = ${t.w}\n∂L/∂y[0, ${t.cOut}, ${t.oh}, ${t.ow}] = ${t.g}${cs.inside ? '' : `\nthrough halo cell (${cs.ph}, ${cs.pw})`}` });
    }
  }
  const copies = s.cells.filter((cs) => !cs.inside).length;
  setData(root, 'cell', `${c},${ih},${iw}`);
  setData(root, 'sum', String(s.sum));
  setData(root, 'reach', s.cells.flatMap((cs) => cs.terms.map((t) => `${t.cOut},${t.oh},${t.ow}`)).join(';'));
  sumLine(root, `x.grad[0, ${c}, ${ih}, ${iw}] = Σ w·∂L/∂y`, terms, s.sum, copies ? `(${copies} of these through halo copies of the cell)` : '');
}

/** After a recompute: loss line, ∂L/∂b, the SGD card, data-* attributes. */
export function renderModel(model, $) {
  const kind = model.lossKind;
  const aux = auxName(kind);
  setText($('#bw-loss-line'), `L = ${lossCode(kind)} = ${formatValue(model.loss)};  ${gradText(kind)}${aux ? ` (${aux}: small integers, seeded)` : ''}`);
  const gy = $('#card-gy');
  setData(gy, 'loss', String(model.loss));
  setData(gy, 'lossKind', kind);
  setValues(gy, 'values', model.gy.data);
  setValues(gy, 'y', model.output.data);
  const gx = $('#card-gx');
  setValues(gx, 'values', model.gx.data);
  setData(gx, 'shape', model.gx.shape.join(','));
  setData(gx, 'paddingMode', model.params.paddingMode);
  const gw = $('#card-gw');
  setValues(gw, 'values', model.gw.data);
  setData(gw, 'shape', model.gw.shape.join(','));
  setData(gw, 'biasGrad', model.gb ? JSON.stringify(Array.from(model.gb.data)) : '');
  setText($('#gb-line'), model.gb
    ? `∂L/∂b = Σ ∂L/∂y over each channel's cells = [${Array.from(model.gb.data, formatValue).join(', ')}]`
    : 'bias=False: no ∂L/∂b.');
  const sgd = $('#card-sgd');
  const s = model.sgd;
  setData(sgd, 'lossBefore', String(model.loss));
  setData(sgd, 'lossAfter', String(s.loss));
  setData(sgd, 'lr', String(s.lr));
  setValues(sgd, 'weight', s.weight.data);
  setData(sgd, 'bias', s.bias ? JSON.stringify(Array.from(s.bias.data)) : '');
  setText($('#bw-sgd'), `loss now ${formatValue(model.loss)} → after one step with lr = ${s.lr}: ${formatValue(s.loss)} (the new y is the last row of the loss card).`);
}
