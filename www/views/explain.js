// DOM views of the #5 modes: the output-size formulas with the live numbers (from the traces'
// arithmetic), the chains of shapes, the matrix row written out and the equality checks — text
// built with textContent only, every number read from the model.

import { formatValue } from '../lib/format.js';
import { el } from '../lib/dom.js';

const size = (dims) => `torch.Size([${dims.join(', ')}])`;


const v = (s) => el('span', { class: 'num', text: String(s) });
const paren = (x) => (x < 0 ? `(${formatValue(x)})` : formatValue(x));

function chain(rows) {
  const table = el('table', { class: 'shape-chain' });
  const tbody = el('tbody');
  for (const [name, shape, meaning] of rows) {
    const tr = el('tr');
    const td = el('td');
    td.append(el('span', { class: 'size', text: size(shape) }), el('span', { class: 'meaning', text: meaning }));
    tr.append(el('th', { text: name }), td);
    tbody.append(tr);
  }
  table.append(tbody);
  return table;
}

/** H_out = (3 − 1)·2 − 2·1 + 1·(3 − 1) + 0 + 1 = 5 */
function transposeLine(name, a) {
  const p = el('p', { class: 'f-live' });
  p.dataset.output = String(a.output);
  p.append(
    el('span', { class: 'f-lhs', text: `${name}_out` }), ' = (', v(a.input), ' − 1)·', v(a.stride), ' − 2·', v(a.padding), ' + ',
    v(a.dilation), '·(', v(a.kernel), ' − 1) + ', v(a.outputPadding), ' + 1 = ', el('strong', { class: 'f-result', text: String(a.output) }),
  );
  return p;
}

/** The ConvTranspose2d explanation: formula, valid output_size range, zero insertion, shapes. */
export function renderTranspose(root, model) {
  const { height: ah, width: aw } = model.arithmetic;
  const free = model.free;
  const general = el('p', { class: 'f-general' });
  general.append(el('span', { class: 'f-lhs', text: 'H_out' }), ' = (H − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1   (W_out alike)');
  const range = el('p', { class: 'f-range' });
  range.dataset.min = `${free.height.minOutput},${free.width.minOutput}`;
  range.dataset.max = `${free.height.maxOutput},${free.width.maxOutput}`;
  const maxOp = [Math.max(model.stride[0], model.dilation[0]) - 1, Math.max(model.stride[1], model.dilation[1]) - 1];
  range.append(
    'Valid output_size: from ', el('strong', { text: `(${free.height.minOutput}, ${free.width.minOutput})` }), ' to ',
    el('strong', { text: `(${free.height.maxOutput}, ${free.width.maxOutput})` }),
    ` — every size a Conv2d with these arguments maps to ${model.h}×${model.w}; output_padding = output_size − minimum, so it stays < max(stride, dilation) (here ≤ ${maxOp[0]}, ${maxOp[1]}).`,
  );
  const picked = el('p', { class: 'f-unused' });
  const op = model.outputPadding;
  const given = model.roundTrip.outputSize;
  const dashed = op[0] || op[1] ? ' — the dashed orange rows / columns of the output' : '';
  picked.textContent = given
    ? `output_size=(${given[0]}, ${given[1]}) picks output_padding = (${op[0]}, ${op[1]})${dashed}.`
    : `output_padding = (${op[0]}, ${op[1]})${dashed}.`;
  const zi = model.zeroInsert.padding;
  const zLine = el('p', { class: 'f-zero' });
  const side = (n, what) => (n >= 0 ? `${n}` : `${n} (negative: padding crops ${-n} ${what}${-n === 1 ? '' : 's'} instead)`);
  zLine.append(
    el('strong', { text: 'Zero insertion: ' }),
    `${model.stride[0] - 1} zero${model.stride[0] - 1 === 1 ? '' : 's'} between rows and ${model.stride[1] - 1} between columns (stride − 1); `,
    `each side padded by dilation·(kernel_size − 1) − padding = ${model.dilation[0]}·${model.kh - 1} − ${model.padding[0]} = ${side(zi.top, 'row')}`,
    model.kh !== model.kw || model.padding[0] !== model.padding[1] || model.dilation[0] !== model.dilation[1]
      ? ` (width: ${side(zi.left, 'column')})` : '',
    op[0] || op[1] ? `, plus output_padding (${op[0]}, ${op[1]}) at the bottom / right` : '',
    '; then the flipped kernel slides at stride 1.',
  );
  const rows = [
    ['input', model.input.shape, 'N, C_in, H, W'],
    ['weight', model.weight.shape, 'C_in, C_out/groups, kh, kw (in / out the other way round than Conv2d)'],
    ['columns = Wᵀ·X', model.columns.shape, 'N, C_out·kh·kw, H·W: one stamp per input location'],
    ['canvas (fold)', model.full.shape, 'N, C_out, (H − 1)·s + d·(k − 1) + 1 + output_padding, …'],
    ['output', model.output.shape, 'canvas minus padding on every side, + bias'],
    ['zero-inserted input', model.zeroInsert.input.shape, 'N, C_in, (H − 1)·s + 1 + pads, …'],
    ['flipped weight', model.zeroInsert.weight.shape, 'C_out, C_in/groups, kh, kw'],
  ];
  root.replaceChildren(general, transposeLine('H', ah), transposeLine('W', aw), range, picked, zLine, transposeFacts(model, ah, aw), chain(rows));
}

/** L = H_out·W_out with the numbers: H_out = ⌊(5 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 3 */
function convLine(name, a) {
  const p = el('p', { class: 'f-live' });
  p.dataset.output = String(a.output);
  p.append(
    el('span', { class: 'f-lhs', text: `${name}_out` }), ' = ⌊(', v(a.input), ' + 2·', v(a.padBefore), ' − ', v(a.dilation), '·(', v(a.kernel),
    ' − 1) − 1) / ', v(a.stride), '⌋ + 1 = ', el('strong', { class: 'f-result', text: String(a.output) }),
  );
  return p;
}

/** The Unfold / Fold explanation: how many columns, the shapes, the identity. */
export function renderUnfold(root, model) {
  const { height: ah, width: aw } = model.arithmetic;
  const general = el('p', { class: 'f-general', text: 'L = H_out · W_out kernel positions; each becomes one column of C·kh·kw numbers.' });
  const L = el('p', { class: 'f-live' });
  L.append(el('span', { class: 'f-lhs', text: 'L' }), ' = ', v(ah.output), ' · ', v(aw.output), ' = ', el('strong', { class: 'f-result', text: String(model.L) }));
  const check = el('p', { class: model.identityHolds ? 'f-check is-good' : 'f-check is-bad' });
  check.id = 'fold-check';
  check.dataset.equal = String(model.identityHolds);
  check.textContent = model.identityHolds
    ? '✓ fold(unfold(x)) equals x ⊙ count, cell for cell: fold sums every copy unfold made, so a cell read by n patches comes back n times.'
    : '✗ fold(unfold(x)) differs from x ⊙ count.';
  const unused = ah.unused > 0 || aw.unused > 0
    ? el('p', { class: 'f-unused has-unused', text: `The floor leaves ${ah.unused} row${ah.unused === 1 ? '' : 's'} and ${aw.unused} column${aw.unused === 1 ? '' : 's'} of the padded input unread (hatched red): their count is 0, so fold returns 0 there.` })
    : el('p', { class: 'f-unused', text: 'Every padded cell is read by at least one patch.' });
  const rows = [
    ['x', model.input.shape, 'N, C, H, W'],
    ['columns = F.unfold(x)', model.columns.shape, 'N, C·kh·kw, L'],
    ['F.fold(columns)', model.back.shape, 'N, C, H, W (output_size = (H, W))'],
    ['count = fold(unfold(ones))', model.count.shape, 'how many patches read each cell'],
  ];
  root.replaceChildren(general, convLine('H', ah), convLine('W', aw), L, unused, check, unfoldFacts(ah, aw), chain(rows));
}

/** The matrix checks: C·x = F.conv2d, Cᵀ·y = F.conv_transpose2d (compared in the model). */
export function renderMatrixChecks(root, model, params = null) {
  root.dataset.forwardEqual = String(model.forwardEqual);
  root.dataset.transposeEqual = model.transposeEqual === null ? '' : String(model.transposeEqual);
  const pair = `weight[${model.co}, ${model.ci % (model.cin / model.groups)}]`;
  const lines = [];
  const fw = el('p', { class: model.forwardEqual ? 'f-check is-good' : 'f-check is-bad' });
  fw.textContent = `${model.forwardEqual ? '✓ equal' : '✗ differ'}: C·x and F.conv2d(x[:, ${model.ci}:${model.ci + 1}], ${pair}) — the same ${model.L} numbers.`;
  lines.push(fw);
  if (model.transpose) {
    const t = el('p', { class: model.transposeEqual ? 'f-check is-good' : model.transposeEqual === null ? 'f-check' : 'f-check is-bad' });
    t.id = 'matrix-transpose-check';
    t.dataset.equal = model.transposeEqual === null ? '' : String(model.transposeEqual);
    t.textContent = model.transposeEqual === null
      ? model.convTNote
      : `${model.transposeEqual ? '✓ equal' : '✗ differ'}: Cᵀ·y and F.conv_transpose2d(y, ${pair}, stride, padding, dilation, output_size=(${model.h}, ${model.w})) — the same ${model.HW} numbers. Note Cᵀ·y ≠ x: the transpose restores the shape, not the input.`;
    lines.push(t);
  }
  if (params) lines.push(matrixFacts(model, params));
  root.replaceChildren(...lines);
}

/** The Conv2d's learnable parameters (every C of every channel pair is built from them) and its receptive field. */
function matrixFacts(model, p) {
  const [kh, kw] = p.kernel_size;
  const weights = model.cout * (model.cin / model.groups) * kh * kw;
  const bias = p.bias ? model.cout : 0;
  // the receptive field as conv2dOutputSize's arithmetic gives it (a view does no maths)
  const fh = model.arithmetic.height.effectiveKernel;
  const fw = model.arithmetic.width.effectiveKernel;
  return el('p', {
    class: 'f-params', 'data-params': String(weights + bias), 'data-field': `${fh},${fw}`,
    text: `learnable parameters: ${weights}${bias ? ` + ${bias} bias` : ''} (each C above is made of one kernel's ${kh * kw}); receptive field ${fh}×${fw}: a row of C has at most ${kh * kw} non-zero entries spread over that window`,
  });
}

/** The emphasised row written out: r[row] = Σ M[row, c]·v[c] over the nonzero entries. */
export function renderMatrixRow(root, model, focus) {
  const T = model.transpose;
  const terms = model.rowTerms(focus.row);
  const r = T ? 'x̂' : 'y';
  const vName = T ? 'y' : 'x';
  const m = T ? 'Cᵀ' : 'C';
  root.dataset.row = String(focus.row);
  root.dataset.value = String(model.r[focus.row]);
  const head = el('p', { class: 'dp-head' });
  head.append(el('span', { class: 'dp-y', text: `${r}[${focus.row}]` }), ` = Σ ${m}[${focus.row}, k]·${vName}[k]  (${terms.length} nonzero of ${model.cols})`);
  const line = el('div', { class: 'dp-line' });
  terms.slice(0, 64).forEach((tm, i) => {
    if (i) line.append(el('span', { class: 'dp-op', text: '+' }));
    const s = el('span', { class: 'term', text: `${paren(tm.m)}·${paren(tm.v)}` });
    s.dataset.m = String(tm.m);
    s.dataset.v = String(tm.v);
    s.dataset.col = String(tm.col);
    line.append(s);
  });
  if (terms.length > 64) line.append(el('span', { class: 'dp-more', text: ` … and ${terms.length - 64} more` }));
  const total = el('p', { class: 'dp-total' });
  total.append('= ', el('span', { class: 'dp-out', text: formatValue(model.r[focus.row]) }));
  root.replaceChildren(head, el('div', { class: 'dp-terms' }), total);
  root.querySelector('.dp-terms').append(line);
}

/**
 * The reach of a transposed kernel along one axis, dilation·(kernel_size − 1) + 1 cells: the one
 * number convTranspose2dOutputSize's arithmetic does not carry (conv2dOutputSize's does, as
 * `effectiveKernel`, and the other tabs read it from there).
 */
const span = (a) => a.dilation * (a.kernel - 1) + 1;

/**
 * ConvTranspose2d's learnable parameters — weight [C_in, C_out/groups, kh, kw] and C_out biases —
 * and its receptive field seen from the input: each input cell's stamp covers
 * dilation·(kernel_size − 1) + 1 output cells per axis.
 */
function transposeFacts(model, ah, aw) {
  const weights = model.cin * (model.cout / model.groups) * ah.kernel * aw.kernel;
  const bias = model.bias ? model.cout : 0;
  const p = el('p', { class: 'f-params', 'data-params': String(weights + bias) });
  p.append(`learnable parameters: weight ${model.cin}·${model.cout / model.groups}·${ah.kernel}·${aw.kernel} = ${weights}`,
    model.bias ? ` + bias ${bias}` : ' (bias=False)', ' = ', el('strong', { class: 'f-result', text: String(weights + bias) }));
  const f = el('p', { class: 'f-field', 'data-field': `${span(ah)},${span(aw)}`, text: `receptive field: each input cell's stamp covers dilation·(kernel_size − 1) + 1 = ${span(ah)}×${span(aw)} output cells` });
  return el('div', {}, p, f);
}

/** F.unfold learns nothing; each column holds one patch of dilation·(kernel_size − 1) + 1 cells per axis. */
function unfoldFacts(ah, aw) {
  const p = el('p', { class: 'f-params', 'data-params': '0', text: 'learnable parameters: 0 (F.unfold and F.fold only move numbers)' });
  const [fh, fw] = [ah.effectiveKernel, aw.effectiveKernel];
  const f = el('p', { class: 'f-field', 'data-field': `${fh},${fw}`, text: `receptive field: each column reads a ${fh}×${fw} patch (dilation·(kernel_size − 1) + 1 per axis)` });
  return el('div', {}, p, f);
}
