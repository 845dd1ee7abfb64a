// Shapes: the output-size formula with the live numbers substituted (from trace.arithmetic), the
// remainder the floor drops, and the chain of tensor shapes through pad → unfold → matmul → reshape.

import { vnode as h, morph } from '../lib/dom.js';

const size = (dims) => `torch.Size([${dims.join(', ')}])`;

function v(s) {
  return h('span', 'num', null, String(s));
}

/** One formula line: H_out = ⌊(5 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 3 */
function formulaLine(name, a) {
  const pad = a.padBefore === a.padAfter ? ['2·', v(a.padBefore)] : [v(a.padBefore), ' + ', v(a.padAfter)];
  return h('p', 'f-live', { output: String(a.output) },
    h('span', 'f-lhs', null, `${name}_out`), ' = ⌊(', v(a.input), ' + ', ...pad, ' − ', v(a.dilation), '·(', v(a.kernel),
    ' − 1) − 1) / ', v(a.stride), '⌋ + 1 = ⌊', v(a.numerator), ' / ', v(a.stride), '⌋ + 1 = ',
    h('strong', 'f-result', null, String(a.output)),
  );
}

function unusedLine(name, a, what) {
  const rem = a.numerator % a.stride;
  const text = a.unused > 0
    ? `${name}: ${a.numerator} / ${a.stride} leaves remainder ${rem}, so the last ${a.unused} padded ${what}${a.unused === 1 ? '' : 's'} ${a.unused === 1 ? 'is' : 'are'} never read (hatched red in the input).`
    : `${name}: the kernel’s last position ends exactly on the last padded ${what}; nothing is left over.`;
  return h('p', a.unused > 0 ? 'f-unused has-unused' : 'f-unused', { unused: String(a.unused) }, text);
}

function exactLine() {
  return h('p', 'f-unused', { unused: '0' }, 'The floor drops nothing: the kernel’s last position ends exactly on the last padded row and column.');
}

/** Render into `root`. */
export function render(root, model) {
  const { height: ah, width: aw } = model.arithmetic;
  const general = h('p', 'f-general', null,
    h('span', 'f-lhs', null, 'H_out'),
    ' = ⌊(H + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1   (W_out alike)',
  );
  const rows = [
    ['input x', model.input.shape, 'N, C_in, H, W'],
    [`padded (${model.params.paddingMode})`, model.padded.shape, 'N, C_in, H + pads, W + pads'],
    ['columns = F.unfold(x)', model.columns.shape, 'N, C_in·kh·kw, L = H_out·W_out'],
    ['weight', model.weight.shape, 'C_out, C_in/groups, kh, kw'],
    ['weight matrix', model.weightMatrix.shape, 'C_out, C_in/groups·kh·kw'],
    ['product', model.product.shape, 'N, C_out, L'],
    ['output y', model.output.shape, 'N, C_out, H_out, W_out'],
  ];
  const table = h('table', 'shape-chain', null, h('tbody', null, null, ...rows.map(([name, shape, meaning]) => h('tr', null, null,
    h('th', null, null, name),
    h('td', null, null, h('span', 'size', null, size(shape)), h('span', 'meaning', null, meaning)),
  ))));
  const leftovers = ah.unused > 0 || aw.unused > 0
    ? [unusedLine('height', ah, 'row'), unusedLine('width', aw, 'column')]
    : [exactLine()];
  morph(root, [general, formulaLine('H', ah), formulaLine('W', aw), ...leftovers, paramsLine(model, ah, aw), fieldLine(ah, aw), table]);
}

/**
 * The learnable parameters: weight C_out · C_in/groups · kh · kw, plus C_out biases. Dilation does
 * not appear in it: that is the lecture's point, said next to the receptive field.
 */
function paramsLine(model, ah, aw) {
  const cinG = model.cin / model.groups;
  const weights = model.cout * cinG * ah.kernel * aw.kernel;
  const bias = model.bias ? model.cout : 0;
  return h('p', 'f-params', { params: String(weights + bias) },
    'learnable parameters: weight ', v(model.cout), '·', v(cinG), '·', v(ah.kernel), '·', v(aw.kernel), ` = ${weights}`,
    model.bias ? ` + bias ${bias}` : ' (bias=False)', ' = ', h('strong', 'f-result', null, String(weights + bias)),
  );
}

/** The receptive field of one output cell: dilation·(kernel_size − 1) + 1 input cells per axis. */
function fieldLine(ah, aw) {
  const dilated = ah.dilation !== 1 || aw.dilation !== 1;
  return h('p', 'f-field', { field: `${ah.effectiveKernel},${aw.effectiveKernel}` },
    'receptive field: dilation·(kernel_size − 1) + 1 = ', v(ah.effectiveKernel), '×', v(aw.effectiveKernel),
    dilated
      ? ` — the same ${ah.kernel}×${aw.kernel} weights spread over ${ah.effectiveKernel}×${aw.effectiveKernel} cells: dilation widens the field, not the parameter count`
      : ' (dilation 1: the kernel itself)',
  );
}
