// "Copy as PyTorch": runnable Python that reproduces what the page shows — the module or
// function call with every non-default argument, the input and weights as explicit tensors, and
// the expected torch.Size and values as comments. Pure string building; no DOM.
//
//   pythonCode({
//     op: 'nn.Conv2d' | 'nn.ConvTranspose2d' | 'F.unfold' | 'F.fold',
//     args: { in_channels, out_channels, kernel_size, stride, padding, output_padding,
//             output_size, dilation, groups, bias, padding_mode },   // the page's params object
//     input:  { shape, data },           // x (for 'fold': the columns, [N, C·kh·kw, L])
//     weight: { shape, data },           // the modules; omitted → PyTorch's random init stays
//     bias:   { shape, data } | null,    // when args.bias
//     output: { shape, data },           // the trace's output: torch.Size and values in comments
//   })
//
// Arguments use PyTorch's names; pairs are [h, w] (or one int); padding may be 'same' / 'valid'.
// Only arguments that differ from PyTorch's defaults are written; kernel_size (and in/out channels)
// go positionally as in the lecture: nn.Conv2d(1, 2, 3, stride=2, padding=1).

import { pyFloat, pyRounded } from './format.js';
import { sizeText } from './torch.js';

export { pyFloat, pyRounded };

/** The calls the code can be written for. */
const OPS = ['nn.Conv2d', 'nn.ConvTranspose2d', 'F.unfold', 'F.fold', 'nn.MaxPool2d', 'nn.AvgPool2d', 'nn.Conv1d'];
const WRAP = 12; // numbers per line in a tensor literal
const SHOW_ROWS = 8; // rows / columns of an expected plane shown in the comments
const SHOW_PLANES = 4; // (n, c) planes of the expected output shown

const isPair = (v) => Array.isArray(v) && v.length === 2;
const asPair = (v) => (Array.isArray(v) ? [v[0], v[1]] : [v, v]);

/** An int, or a tuple when the two differ: 3, (3, 2). */
function pyPair(v) {
  const [a, b] = asPair(v);
  return a === b ? String(a) : `(${a}, ${b})`;
}

const tuple = (shape) => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

function checkTensor(t, what) {
  if (!t || !Array.isArray(t.shape) || t.data == null) throw new Error(`pythonCode: ${what} must be { shape, data }`);
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (n !== t.data.length) throw new Error(`pythonCode: ${what} has ${t.data.length} values for shape [${t.shape}]`);
}

/**
 * A tensor as a PyTorch expression: torch.ones / zeros / full / arange(...).reshape when the data
 * is that simple, otherwise torch.tensor with a nested list (numpy-style layout).
 * `column` is where the expression starts on its line (for aligning continuation lines).
 */
export function pyTensor(t, column = 0) {
  const { shape, data } = t;
  const n = data.length;
  const values = Array.from(data, (v) => Math.fround(v));
  const dims = shape.join(', ');
  if (n > 0 && values.every((v) => v === values[0])) {
    if (values[0] === 1) return `torch.ones(${dims})`;
    if (values[0] === 0) return `torch.zeros(${dims})`;
    if (n > 1) return `torch.full(${tuple(shape)}, ${pyFloat(values[0])})`;
  }
  if (n > 1 && values.every((v, i) => v === i)) {
    const base = `torch.arange(${n}.)`;
    return shape.length === 1 ? base : `${base}.reshape(${dims})`;
  }
  const open = 'torch.tensor(';
  return `${open}${nested(values, shape, 0, 0, column + open.length)})`;
}

/**
 * A tensor as `torch.tensor([...])` with every value written out (never torch.ones / arange):
 * the text the paste dialog starts from, for the learner to edit.
 */
export function pyTensorLiteral(t) {
  const values = Array.from(t.data, (v) => Math.fround(v));
  const open = 'torch.tensor(';
  return `${open}${nested(values, t.shape, 0, 0, open.length)})`;
}

/** The nested list literal of values[offset ..] with `shape`, its '[' at `column`. */
function nested(values, shape, dim, offset, column) {
  const len = shape[dim];
  if (dim === shape.length - 1) {
    const items = [];
    for (let i = 0; i < len; i++) items.push(pyFloat(values[offset + i]));
    const lines = [];
    for (let i = 0; i < items.length; i += WRAP) lines.push(items.slice(i, i + WRAP).join(', '));
    return `[${lines.join(`,\n${' '.repeat(column + 1)}`)}]`;
  }
  const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const parts = [];
  for (let i = 0; i < len; i++) parts.push(nested(values, shape, dim + 1, offset + i * stride, column + 1));
  const gap = shape.length - dim > 2 ? '\n' : ''; // a blank line between blocks, as numpy prints
  return `[${parts.join(`,\n${gap}${' '.repeat(column + 1)}`)}]`;
}

/**
 * The expected values as comment lines: each (leading index) plane of the last two dimensions,
 * rounded to 4 significant digits; big tensors show the first rows, columns and planes only.
 */
function expectedComments(name, t) {
  const { shape, data } = t;
  const lines = [];
  const rank = shape.length;
  const rows = rank >= 2 ? shape[rank - 2] : 1;
  const cols = shape[rank - 1];
  const lead = shape.slice(0, Math.max(0, rank - 2));
  const planes = lead.reduce((a, b) => a * b, 1);
  const shownRows = Math.min(rows, SHOW_ROWS);
  const shownCols = Math.min(cols, SHOW_ROWS);
  const cut = [];
  if (planes > SHOW_PLANES) cut.push(`the first ${SHOW_PLANES} of ${planes} planes`);
  if (rows > SHOW_ROWS) cut.push(`the first ${SHOW_ROWS} of ${rows} rows`);
  if (cols > SHOW_ROWS) cut.push(`the first ${SHOW_ROWS} of ${cols} columns`);
  lines.push(`# ${name}, to 4 significant digits${cut.length ? ` (${cut.join(', ')})` : ''}:`);
  for (let p = 0; p < Math.min(planes, SHOW_PLANES); p++) {
    const idx = [];
    let rest = p;
    for (let d = lead.length - 1; d >= 0; d--) {
      idx.unshift(rest % lead[d]);
      rest = Math.floor(rest / lead[d]);
    }
    const label = idx.length ? `${name}[${idx.join(', ')}]` : name;
    lines.push(`# ${label} =`);
    for (let r = 0; r < shownRows; r++) {
      const vals = [];
      for (let c = 0; c < shownCols; c++) vals.push(pyRounded(data[(p * rows + r) * cols + c]));
      const more = shownCols < cols ? ', ...' : '';
      const open = r === 0 ? '#   [[' : '#    [';
      const close = r === rows - 1 ? ']]' : shownRows < rows && r === shownRows - 1 ? '],\n#    ...]' : '],';
      lines.push(`${open}${vals.join(', ')}${more}${close}`);
    }
  }
  if (planes > SHOW_PLANES) lines.push(`# ... ${planes - SHOW_PLANES} more planes`);
  return lines;
}

/** `name=value` for each argument that differs from its default. */
function keywords(list) {
  return list.filter(([, v, def]) => v !== def).map(([k, v]) => `${k}=${v}`);
}

function paddingText(padding) {
  if (padding === 'same' || padding === 'valid') return `'${padding}'`;
  return pyPair(padding);
}

/**
 * Python code reproducing the screen. Throws an Error naming the field when `spec` is malformed.
 * @param {{op: 'nn.Conv2d'|'nn.ConvTranspose2d'|'F.unfold'|'F.fold', args: Object, input: {shape:number[], data:ArrayLike<number>},
 *          weight?: {shape:number[], data:ArrayLike<number>},
 *          bias?: {shape:number[], data:ArrayLike<number>}|null,
 *          output?: {shape:number[], data:ArrayLike<number>}}} spec
 * @returns {string} the code, ending with a newline
 */
export function pythonCode(spec) {
  if (spec && spec.backward) return pythonBackwardCode(spec);
  if (spec && spec.op === 'nn.Sequential') return sequentialCode(spec);
  const { op, args = {}, input, weight, bias, output } = spec ?? {};
  if (op === 'nn.MaxPool2d' || op === 'nn.AvgPool2d') return poolCode(spec);
  if (op === 'nn.Conv1d') return conv1dCode(spec);
  if (!OPS.includes(op)) throw new Error(`pythonCode: op must be one of ${OPS.join(', ')} (got ${op})`);
  checkTensor(input, 'input');
  if (output) checkTensor(output, 'output');
  const lines = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', ''];
  const xLead = 'x = ';
  lines.push(`${xLead}${pyTensor(input, xLead.length)}  # ${sizeText(input.shape)}`, '');

  const kernel = args.kernel_size ?? (weight ? weight.shape.slice(2) : undefined);
  if (kernel === undefined) throw new Error('pythonCode: args.kernel_size is required');
  const stride = pyPair(args.stride ?? 1);
  let known = true; // every parameter is explicit, so the expected values hold
  const dilation = pyPair(args.dilation ?? 1);
  const padding = paddingText(args.padding ?? 0);

  if (op === 'nn.Conv2d' || op === 'nn.ConvTranspose2d') {
    const transposed = op === 'nn.ConvTranspose2d';
    const groups = args.groups ?? 1;
    const cin = args.in_channels ?? input.shape[1];
    const cout = args.out_channels ?? (weight ? (transposed ? weight.shape[1] * groups : weight.shape[0]) : undefined);
    if (cout === undefined) throw new Error('pythonCode: args.out_channels is required');
    const hasBias = args.bias ?? true;
    const outputSize = transposed && isPair(args.output_size) ? args.output_size : null;
    const kw = transposed
      ? keywords([
          ['stride', stride, '1'],
          ['padding', padding, '0'],
          ['output_padding', outputSize ? '0' : pyPair(args.output_padding ?? 0), '0'],
          ['groups', String(groups), '1'],
          ['bias', hasBias ? 'True' : 'False', 'True'],
          ['dilation', dilation, '1'],
        ])
      : keywords([
          ['stride', stride, '1'],
          ['padding', padding, '0'],
          ['dilation', dilation, '1'],
          ['groups', String(groups), '1'],
          ['bias', hasBias ? 'True' : 'False', 'True'],
          ['padding_mode', `'${args.padding_mode ?? 'zeros'}'`, "'zeros'"],
        ]);
    const cls = transposed ? 'nn.ConvTranspose2d' : 'nn.Conv2d';
    lines.push(`c = ${cls}(${[cin, cout, pyPair(kernel), ...kw].join(', ')})`);
    if (weight) {
      checkTensor(weight, 'weight');
      const lead = 'c.weight = nn.Parameter(';
      lines.push(`${lead}${pyTensor(weight, lead.length)})  # ${sizeText(weight.shape)}`);
    } else {
      lines.push('# c.weight keeps PyTorch’s random initialisation: the values below will differ');
    }
    if (hasBias && bias) {
      checkTensor(bias, 'bias');
      const lead = 'c.bias = nn.Parameter(';
      lines.push(`${lead}${pyTensor(bias, lead.length)})  # ${sizeText(bias.shape)}`);
    } else if (hasBias) {
      lines.push('# c.bias keeps PyTorch’s random initialisation: the values below will differ');
    }
    known = Boolean(weight) && (!hasBias || Boolean(bias));
    lines.push('');
    lines.push(outputSize ? `y = c(x, output_size=(${outputSize[0]}, ${outputSize[1]}))` : 'y = c(x)');
  } else if (op === 'F.unfold') {
    const kw = keywords([
      ['dilation', dilation, '1'],
      ['padding', padding, '0'],
      ['stride', stride, '1'],
    ]);
    lines.push(`y = F.unfold(${['x', `kernel_size=${pyPair(kernel)}`, ...kw].join(', ')})`);
  } else {
    const size = args.output_size;
    if (!isPair(size) && typeof size !== 'number') throw new Error('pythonCode: args.output_size is required for fold');
    const kw = keywords([
      ['dilation', dilation, '1'],
      ['padding', padding, '0'],
      ['stride', stride, '1'],
    ]);
    lines.push(`y = F.fold(${['x', `output_size=${pyPair(size)}`, `kernel_size=${pyPair(kernel)}`, ...kw].join(', ')})`);
  }

  if (output) {
    lines.push(`print(y.shape)  # ${sizeText(output.shape)}`);
    lines.push('print(y)');
    if (known) lines.push(...expectedComments('y', output));
  } else {
    lines.push('print(y.shape)', 'print(y)');
  }
  if (op === 'nn.Conv2d' && spec.pads) lines.push('', ...im2colLines(args, spec.pads, input.shape, output ?? null, kernel));
  if (op === 'nn.Conv2d' && spec.flipped && spec.pads) lines.push('', ...flipLines(args, spec.flipped.output, known));
  if (op === 'F.unfold' && output) lines.push('', ...foldBackLines(args, input.shape, kernel));
  return `${lines.join('\n')}\n`;
}

/**
 * The lecture's Conv2d = Unfold + Matmul + Fold, for the layer `c` and input `x` written above:
 * pad as the layer pads (`pads` = [top, bottom, left, right], padding_mode included), unfold,
 * one product per group, the bias, and a fold with a 1×1 kernel over the output grid — which is
 * the reshape of the product into (H_out, W_out) — ending in the check against `y = c(x)`.
 */
function im2colLines(args, pads, inputShape, output, kernel) {
  const [top, bottom, left, right] = pads;
  const mode = args.padding_mode ?? 'zeros';
  const groups = args.groups ?? 1;
  const cout = output ? output.shape[1] : args.out_channels;
  const [ho, wo] = output ? output.shape.slice(2) : [null, null];
  const padMode = mode === 'zeros' ? '' : `, mode='${mode}'`;
  const kw = keywords([
    ['dilation', pyPair(args.dilation ?? 1), '1'],
    ['stride', pyPair(args.stride ?? 1), '1'],
  ]);
  const lines = [
    '# Conv2d = Unfold + Matmul + Fold: the same y, one matrix product',
    `xp = F.pad(x, (${left}, ${right}, ${top}, ${bottom})${padMode})  # the halo, as the layer pads`,
    `cols = F.unfold(${['xp', `kernel_size=${pyPair(kernel)}`, ...kw].join(', ')})  # [N, C_in·kh·kw, L]`,
    `w = c.weight.reshape(${groups}, ${cout / groups}, -1)  # [groups, C_out/groups, C_in/groups·kh·kw]`,
    `prod = (w @ cols.reshape(cols.shape[0], ${groups}, -1, cols.shape[-1])).reshape(cols.shape[0], ${cout}, -1)  # [N, C_out, L]`,
  ];
  if (args.bias ?? true) lines.push('prod = prod + c.bias.view(1, -1, 1)');
  lines.push(
    `# fold with a 1×1 kernel puts column l back at cell (l // W_out, l % W_out): the reshape`,
    `y2 = F.fold(prod, output_size=(${ho ?? 'y.shape[2]'}, ${wo ?? 'y.shape[3]'}), kernel_size=1)`,
    'print(torch.allclose(y2, y, atol=1e-5))  # True',
  );
  return lines;
}

/**
 * The true convolution (the page's Conv2d tab, switched to "convolution"): y[n] = Σₐ x[n − a]·w[a]
 * is PyTorch's Conv2d (a cross-correlation) with the kernel flipped along both spatial axes. The
 * code writes F.conv2d with torch.flip(c.weight), then the sum by its definition — tap by tap, the
 * padded input shifted back by a — and checks the two agree. `output`: the page's y (the true
 * convolution); `known`: the weights are written out, so its values hold. The padded input xp is
 * the one the Unfold + Matmul + Fold lines wrote.
 */
function flipLines(args, output, known) {
  const [sh, sw] = asPair(args.stride ?? 1);
  const [dh, dw] = asPair(args.dilation ?? 1);
  const groups = args.groups ?? 1;
  // F.conv2d pads with zeros only: another padding_mode is applied first (xp), as the layer does
  const zeros = (args.padding_mode ?? 'zeros') === 'zeros';
  const kw = keywords([
    ['stride', pyPair(args.stride ?? 1), '1'],
    ...(zeros ? [['padding', paddingText(args.padding ?? 0), '0']] : []),
    ['dilation', pyPair(args.dilation ?? 1), '1'],
    ['groups', String(groups), '1'],
  ]);
  const bias = (args.bias ?? true) ? 'c.bias' : 'None';
  const call = `F.conv2d(${[zeros ? 'x' : 'xp', 'w_flipped', bias, ...kw].join(', ')})`;
  const lines = [
    '# The true convolution: y[n] = Σₐ x[n − a]·w[a]. PyTorch’s Conv2d is a cross-correlation,',
    '# Σₐ x[n + a]·w[a]: the true convolution with w is Conv2d with the kernel flipped.',
    'w_flipped = torch.flip(c.weight, dims=(2, 3))  # w[..., kh-1-i, kw-1-j]',
    `y_conv = ${call}${zeros ? '' : `  # xp: x padded with padding_mode='${args.padding_mode}', as the layer pads`}`,
  ];
  if (output && known) lines.push(...expectedComments('y_conv', output));
  lines.push(
    '# the same sum by its definition: n = the footprint’s last cell, each tap a reads x[n − a]',
    'kh, kw = c.weight.shape[2:]',
    'N, _, Ho, Wo = y_conv.shape',
    `sh, sw, dh, dw, g = ${sh}, ${sw}, ${dh}, ${dw}, ${groups}`,
    'y_def = torch.zeros_like(y_conv)',
    'for a in range(kh):',
    '    for b in range(kw):',
    '        r, s = (kh - 1 - a) * dh, (kw - 1 - b) * dw  # x[n − a]: n − a for every output cell at once',
    '        xs = xp[:, :, r:r + (Ho - 1) * sh + 1:sh, s:s + (Wo - 1) * sw + 1:sw]',
    '        wa = c.weight[:, :, a, b].reshape(g, -1, c.weight.shape[1])  # [groups, C_out/g, C_in/g]',
    '        y_def += torch.einsum(\'ngchw,goc->ngohw\', xs.reshape(N, g, -1, Ho, Wo), wa).reshape(N, -1, Ho, Wo)',
  );
  if (bias !== 'None') lines.push('y_def += c.bias.view(1, -1, 1, 1)');
  lines.push(`print(torch.allclose(${call}, y_def, atol=1e-5))  # True: the same y, cell for cell`);
  return lines;
}

/** F.fold after F.unfold: every cell comes back times the number of patches that read it. */
function foldBackLines(args, inputShape, kernel) {
  const kw = keywords([
    ['dilation', pyPair(args.dilation ?? 1), '1'],
    ['padding', paddingText(args.padding ?? 0), '0'],
    ['stride', pyPair(args.stride ?? 1), '1'],
  ]);
  const call = (what) => `F.fold(${[what, `output_size=(${inputShape[2]}, ${inputShape[3]})`, `kernel_size=${pyPair(kernel)}`, ...kw].join(', ')})`;
  const unfoldOnes = `F.unfold(${['torch.ones_like(x)', `kernel_size=${pyPair(kernel)}`, ...kw].join(', ')})`;
  return [
    '# F.fold adds the columns back: fold(unfold(x)) = x ⊙ count (count: the patches reading each cell)',
    `back = ${call('y')}`,
    `count = ${call(unfoldOnes)}`,
    'print(torch.allclose(back, x * count))  # True',
  ];
}

const LOSS_CODE = { sum: 'y.sum()', weighted: '(y * g).sum()', mse: 'F.mse_loss(y, t)' };

/**
 * The autograd code of the Backward tab: the Conv2d with the page's weights, x.requires_grad_(),
 * the loss, loss.backward(), then x.grad, conv.weight.grad, conv.bias.grad with their values as
 * comments, and one SGD step with the loss after it.
 * spec: { backward: true, args, loss: 'sum'|'weighted'|'mse', input, weight, bias, aux (g or t),
 *         output, lossValue, gradInput, gradWeight, gradBias, lr, lossAfter }
 */
export function pythonBackwardCode(spec) {
  const { args = {}, loss, input, weight, bias, aux, output, gradInput, gradWeight, gradBias, lr } = spec;
  if (!LOSS_CODE[loss]) throw new Error(`pythonBackwardCode: loss must be one of ${Object.keys(LOSS_CODE).join(', ')} (got ${loss})`);
  for (const [t, what] of [[input, 'input'], [weight, 'weight'], [output, 'output'], [gradInput, 'gradInput'], [gradWeight, 'gradWeight']]) checkTensor(t, what);
  const hasBias = (args.bias ?? true) && Boolean(bias);
  const kw = keywords([
    ['stride', pyPair(args.stride ?? 1), '1'],
    ['padding', paddingText(args.padding ?? 0), '0'],
    ['dilation', pyPair(args.dilation ?? 1), '1'],
    ['groups', String(args.groups ?? 1), '1'],
    ['bias', hasBias ? 'True' : 'False', 'True'],
    ['padding_mode', `'${args.padding_mode ?? 'zeros'}'`, "'zeros'"],
  ]);
  const cin = input.shape[1];
  const cout = weight.shape[0];
  const lines = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', ''];
  const xLead = 'x = ';
  lines.push(`${xLead}${pyTensor(input, xLead.length)}  # ${sizeText(input.shape)}`);
  lines.push('x.requires_grad_()  # autograd keeps x.grad', '');
  lines.push(`conv = nn.Conv2d(${[cin, cout, pyPair(weight.shape.slice(2)), ...kw].join(', ')})`);
  lines.push('with torch.no_grad():');
  const wLead = '    conv.weight.copy_(';
  lines.push(`${wLead}${pyTensor(weight, wLead.length)})  # ${sizeText(weight.shape)}`);
  if (hasBias) {
    const bLead = '    conv.bias.copy_(';
    lines.push(`${bLead}${pyTensor(bias, bLead.length)})`);
  }
  lines.push('', 'y = conv(x)');
  if (loss !== 'sum') {
    checkTensor(aux, 'aux');
    const name = loss === 'weighted' ? 'g' : 't';
    const lead = `${name} = `;
    lines.push(`${lead}${pyTensor(aux, lead.length)}  # ${loss === 'weighted' ? 'the weights of the sum: ∂L/∂y = g' : 'the target: ∂L/∂y = 2·(y − t) / y.numel()'}`);
  }
  lines.push(`loss = ${LOSS_CODE[loss]}`, 'loss.backward()');
  lines.push(`print(loss.item())  # ${pyRounded(spec.lossValue, 6)}`, '');
  lines.push(`print(x.grad.shape)  # ${sizeText(gradInput.shape)}`, 'print(x.grad)', ...expectedComments('x.grad', gradInput), '');
  lines.push(`print(conv.weight.grad.shape)  # ${sizeText(gradWeight.shape)}`, 'print(conv.weight.grad)', ...expectedComments('conv.weight.grad', gradWeight), '');
  if (hasBias && gradBias) {
    checkTensor(gradBias, 'gradBias');
    lines.push(`print(conv.bias.grad)  # [${Array.from(gradBias.data, (v) => pyRounded(v)).join(', ')}]`, '');
  }
  lines.push('# one SGD step: W ← W − lr·∂L/∂W (b likewise)', `lr = ${pyFloat(lr)}`, 'with torch.no_grad():');
  lines.push('    conv.weight -= lr * conv.weight.grad');
  if (hasBias) lines.push('    conv.bias -= lr * conv.bias.grad');
  lines.push(`    y = conv(x)`, `    print(${LOSS_CODE[loss]}.item())  # ${pyRounded(spec.lossAfter, 6)}`);
  return `${lines.join('\n')}\n`;
}

/** The lines that print y (and, with `known`, its expected values) after it is computed. */
function printLines(name, output) {
  if (!output) return [`print(${name}.shape)`, `print(${name})`];
  return [`print(${name}.shape)  # ${sizeText(output.shape)}`, `print(${name})`, ...expectedComments(name, output)];
}

/**
 * nn.MaxPool2d (return_indices=True gives the indices too) or nn.AvgPool2d. args: kernel_size,
 * pool_stride (null: PyTorch's default, kernel_size), padding, dilation (max), ceil_mode,
 * count_include_pad and divisor_override (avg), return_indices (max). `indices` ({ shape, data })
 * adds the expected indices as comments.
 */
export function poolCode(spec) {
  const { op, args = {}, input, output, indices } = spec;
  checkTensor(input, 'input');
  if (output) checkTensor(output, 'output');
  if (args.kernel_size === undefined) throw new Error('pythonCode: args.kernel_size is required');
  const max = op === 'nn.MaxPool2d';
  const stride = args.pool_stride ?? null;
  const list = [['stride', stride === null ? 'None' : pyPair(stride), 'None'], ['padding', pyPair(args.padding ?? 0), '0']];
  if (max) list.push(['dilation', pyPair(args.dilation ?? 1), '1']);
  list.push(['ceil_mode', args.ceil_mode ? 'True' : 'False', 'False']);
  if (max) list.push(['return_indices', args.return_indices ? 'True' : 'False', 'False']);
  else {
    list.push(['count_include_pad', (args.count_include_pad ?? true) ? 'True' : 'False', 'True']);
    list.push(['divisor_override', args.divisor_override == null ? 'None' : String(args.divisor_override), 'None']);
  }
  const lines = ['import torch', 'import torch.nn as nn', ''];
  lines.push(`x = ${pyTensor(input, 4)}  # ${sizeText(input.shape)}`, '');
  lines.push(`pool = ${op}(${[pyPair(args.kernel_size), ...keywords(list)].join(', ')})`);
  if (max && args.return_indices) {
    lines.push('y, indices = pool(x)', ...printLines('y', output));
    lines.push('# indices: where each maximum is, h * W + w in its (unpadded) input plane; ties go to the first, row by row');
    if (indices) lines.push(...printLines('indices', { shape: indices.shape, data: indices.data }));
    else lines.push('print(indices)');
  } else {
    lines.push('y = pool(x)', ...printLines('y', output));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * nn.Conv1d, with the page's weights and bias, on x [N, C_in, L]. args: in_channels, out_channels,
 * kernel_size, stride, padding (an int, 'same' or 'valid'), dilation (ints; a pair is read as its
 * last number), groups, bias, padding_mode, causal: x = F.pad(x, ((k - 1) * d, 0)) before the layer
 * (PyTorch's causal convolution: y[t] sees no x after t). The expected output as comments.
 */
export function conv1dCode(spec) {
  const { args = {}, input, weight, bias, output } = spec;
  checkTensor(input, 'input');
  if (output) checkTensor(output, 'output');
  const one = (v, def) => (v === undefined || v === null ? def : Array.isArray(v) ? v[v.length - 1] : v);
  const k = one(args.kernel_size, weight ? weight.shape[2] : undefined);
  if (k === undefined) throw new Error('pythonCode: args.kernel_size is required');
  const d = one(args.dilation, 1);
  const padding = typeof args.padding === 'string' ? `'${args.padding}'` : String(one(args.padding, 0));
  const groups = args.groups ?? 1;
  const hasBias = args.bias ?? true;
  const cin = args.in_channels ?? input.shape[1];
  const cout = args.out_channels ?? (weight ? weight.shape[0] : undefined);
  if (cout === undefined) throw new Error('pythonCode: args.out_channels is required');
  const kw = keywords([
    ['stride', String(one(args.stride, 1)), '1'],
    ['padding', padding, '0'],
    ['dilation', String(d), '1'],
    ['groups', String(groups), '1'],
    ['bias', hasBias ? 'True' : 'False', 'True'],
    ['padding_mode', `'${args.padding_mode ?? 'zeros'}'`, "'zeros'"],
  ]);
  const lines = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', ''];
  lines.push(`x = ${pyTensor(input, 4)}  # ${sizeText(input.shape)}`, '');
  lines.push(`c = nn.Conv1d(${[cin, cout, k, ...kw].join(', ')})`);
  if (weight) {
    checkTensor(weight, 'weight');
    const lead = 'c.weight = nn.Parameter(';
    lines.push(`${lead}${pyTensor(weight, lead.length)})  # ${sizeText(weight.shape)}`);
  } else {
    lines.push('# c.weight keeps PyTorch’s random initialisation: the values below will differ');
  }
  if (hasBias && bias) {
    checkTensor(bias, 'bias');
    lines.push(`c.bias = nn.Parameter(${pyTensor(bias, 23)})  # ${sizeText(bias.shape)}`);
  } else if (hasBias) {
    lines.push('# c.bias keeps PyTorch’s random initialisation: the values below will differ');
  }
  lines.push('');
  if (args.causal) {
    lines.push(`x = F.pad(x, ((${k} - 1) * ${d}, 0))  # causal: ${(k - 1) * d} zeros on the left only, so y[t] sees no x after t`);
  }
  lines.push('y = c(x)');
  const known = Boolean(weight) && (!hasBias || Boolean(bias));
  lines.push(...(known ? printLines('y', output) : printLines('y', null)));
  return `${lines.join('\n')}\n`;
}

/** One layer of a stack (lib/layers.js) as the nn module that computes it. */
function layerModule(l) {
  const kw = (list) => keywords(list.map(([k, v, def]) => [k, pyPair(v), def]));
  if (l.kind === 'conv') {
    return `nn.Conv2d(${['1', '1', pyPair(l.kernel_size), ...kw([['stride', l.stride, '1'], ['padding', l.padding, '0'], ['dilation', l.dilation, '1']]), 'bias=False'].join(', ')})`;
  }
  const rest = kw([['padding', l.padding, '0'], ...(l.kind === 'max' ? [['dilation', l.dilation, '1']] : [])]);
  const cls = l.kind === 'max' ? 'nn.MaxPool2d' : 'nn.AvgPool2d';
  return `${cls}(${[pyPair(l.kernel_size), `stride=${pyPair(l.stride)}`, ...rest].join(', ')})`;
}

/**
 * The Stack tab's code: an nn.Sequential of its layers (every conv weight 1, no bias), each map's
 * shape printed, the receptive field and the parameter count as comments, and autograd's check of
 * the field: the input cells one output cell's gradient reaches.
 * spec: { layers, input, output, sizes: [[H, W], …], rf: receptiveField(layers), weights: [n per layer], single }
 */
export function sequentialCode(spec) {
  const { layers, input, output, sizes, rf, weights, single } = spec;
  checkTensor(input, 'input');
  if (output) checkTensor(output, 'output');
  const last = rf[rf.length - 1];
  const field = `${last.height.size}×${last.width.size}`;
  const lines = ['import torch', 'import torch.nn as nn', ''];
  lines.push(`x = ${pyTensor(input, 4)}  # ${sizeText(input.shape)}`, '');
  lines.push('model = nn.Sequential(', ...layers.map((l) => `    ${layerModule(l)},`), ')');
  if (layers.some((l) => l.kind === 'conv')) {
    lines.push('for layer in model:', '    if isinstance(layer, nn.Conv2d):', '        nn.init.ones_(layer.weight)  # every weight 1, as on the page');
  }
  lines.push('', 'h = x', 'for i, layer in enumerate(model):', '    h = layer(h)', "    print(i + 1, type(layer).__name__, tuple(h.shape))");
  layers.forEach((l, i) => {
    const [h, w] = sizes[i + 1];
    const r = rf[i];
    lines.push(`# ${i + 1} ${l.kind === 'conv' ? 'Conv2d' : l.kind === 'max' ? 'MaxPool2d' : 'AvgPool2d'} (1, 1, ${h}, ${w})   receptive field ${r.height.size}×${r.width.size}, jump ${pyPair([r.height.jump, r.width.jump])}, start ${pyPair([r.height.start, r.width.start])}`);
  });
  lines.push('y = h');
  if (output) lines.push(...expectedComments('y', output));
  lines.push('', `# receptive field of one output cell: ${field} input cells`);
  lines.push(`print(sum(p.numel() for p in model.parameters()))  # ${weights.join(' + ')} = ${weights.reduce((a, b) => a + b, 0)} weights; one Conv2d with a ${field} kernel: ${single}`);
  if (output) {
    const [r, c] = [Math.floor(output.shape[2] / 2), Math.floor(output.shape[3] / 2)];
    const oh = last.height.start + r * last.height.jump;
    const ow = last.width.start + c * last.width.jump;
    lines.push(
      '',
      `# the field, by autograd: the input cells y[0, 0, ${r}, ${c}] depends on`,
      'xg = x.clone().requires_grad_(True)',
      `model(xg)[0, 0, ${r}, ${c}].backward()`,
      'rows, cols = (xg.grad[0, 0] != 0).nonzero(as_tuple=True)',
      `print(rows.min().item(), rows.max().item(), cols.min().item(), cols.max().item())  # within ${oh} … ${oh + last.height.size - 1}, ${ow} … ${ow + last.width.size - 1}${layers.some((l) => l.kind === 'max') ? ' (max pooling passes the gradient to each window\'s maximum only)' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
