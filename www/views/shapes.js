// Shapes: the output-size formula with the live numbers substituted (from trace.arithmetic), the
// remainder the floor drops, and the chain of tensor shapes through pad → unfold → matmul → reshape.

import { morph } from '../pages/dom.js';

const size = (dims) => `torch.Size([${dims.join(', ')}])`;

function el(tag, cls, textContent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (textContent !== undefined) e.textContent = textContent;
  return e;
}

function v(s) {
  return el('span', 'num', String(s));
}

/** One formula line: H_out = ⌊(5 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 3 */
function formulaLine(name, a) {
  const p = el('p', 'f-live');
  p.dataset.output = String(a.output);
  const pad = a.padBefore === a.padAfter ? ['2·', v(a.padBefore)] : [v(a.padBefore), ' + ', v(a.padAfter)];
  p.append(
    el('span', 'f-lhs', `${name}_out`), ' = ⌊(', v(a.input), ' + ', ...pad, ' − ', v(a.dilation), '·(', v(a.kernel),
    ' − 1) − 1) / ', v(a.stride), '⌋ + 1 = ⌊', v(a.numerator), ' / ', v(a.stride), '⌋ + 1 = ',
    el('strong', 'f-result', String(a.output)),
  );
  return p;
}

function unusedLine(name, a, what) {
  const rem = a.numerator % a.stride;
  const p = el('p', a.unused > 0 ? 'f-unused has-unused' : 'f-unused');
  p.dataset.unused = String(a.unused);
  if (a.unused > 0) {
    p.textContent = `${name}: ${a.numerator} / ${a.stride} leaves remainder ${rem}, so the last ${a.unused} padded ${what}${a.unused === 1 ? '' : 's'} ${a.unused === 1 ? 'is' : 'are'} never read (hatched red in the input).`;
  } else {
    p.textContent = `${name}: the kernel’s last position ends exactly on the last padded ${what}; nothing is left over.`;
  }
  return p;
}

function exactLine() {
  const p = el('p', 'f-unused', 'The floor drops nothing: the kernel’s last position ends exactly on the last padded row and column.');
  p.dataset.unused = '0';
  return p;
}

/** Render into `root`. */
export function render(root, model) {
  const { height: ah, width: aw } = model.arithmetic;
  const general = el('p', 'f-general');
  general.append(
    el('span', 'f-lhs', 'H_out'),
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
  const table = el('table', 'shape-chain');
  const tbody = el('tbody');
  for (const [name, shape, meaning] of rows) {
    const tr = el('tr');
    const td = el('td');
    td.append(el('span', 'size', size(shape)), el('span', 'meaning', meaning));
    tr.append(el('th', null, name), td);
    tbody.append(tr);
  }
  table.append(tbody);
  const leftovers = ah.unused > 0 || aw.unused > 0
    ? [unusedLine('height', ah, 'row'), unusedLine('width', aw, 'column')]
    : [exactLine()];
  morph(root, [general, formulaLine('H', ah), formulaLine('W', aw), ...leftovers, table]);
}
