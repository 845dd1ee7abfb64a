// Presets: named settings of every control, as data. The page's default example, the lecture's
// examples, the figures of Dumoulin & Visin's "A guide to convolution arithmetic for deep
// learning" (2016) and their transposed counterparts, computed live by the page, plus 1×1 and
// depthwise convolutions.
//
// Each preset is
//   { id, title, group, mode, params, fills: { input, weight }, edits?, expect, counterpart?, note }
// mode     'conv2d' | 'convTranspose2d' | 'stack' (the page's mode names)
// params   every parameter of the page's table (www/params.js names, PyTorch's argument names):
//          in_channels, out_channels, height, width, kernel_size, stride, padding, output_padding,
//          output_size, dilation, groups, bias, padding_mode, layers (the Stack tab's, as
//          lib/layers.js reads them). Pairs are [h, w]; output_size is
//          null or [H, W]. For convTranspose2d, in_channels / height / width describe its input.
// fills    the fill recipes of www/params.js: { fill, seed } for the input and for weight + bias
// edits    optional cell edits on top of the fills, keyed like state.edits ("o,i,h,w" for weight)
// expect   { outputSize: [H, W], field?: [h, w], weights? }: what the guide (or the lecture) says the output size is
// counterpart  for a transposed preset: the id of the convolution it reverses (its output size
//          is that convolution's input size)
// note     one or two sentences shown beside the menu: the formula at work

import { DEFAULT_LAYERS, parseLayers } from '../lib/layers.js';

const BASE = Object.freeze({
  in_channels: 1,
  out_channels: 1,
  height: 5,
  width: 5,
  kernel_size: [3, 3],
  stride: [1, 1],
  padding: [0, 0],
  output_padding: [0, 0],
  output_size: null,
  dilation: [1, 1],
  groups: 1,
  bias: false,
  padding_mode: 'zeros',
  causal: false,
  pool: 'max',
  pool_stride: null,
  ceil_mode: false,
  count_include_pad: true,
  divisor_override: null,
  return_indices: false,
  layers: DEFAULT_LAYERS,
});

const pair = (v) => (Array.isArray(v) ? [...v] : [v, v]);

/** Every parameter: BASE overridden by `p`, ints widened to pairs where the table has pairs. */
function fullParams(p) {
  const out = { ...BASE, ...p };
  for (const k of ['kernel_size', 'stride', 'dilation', 'output_padding']) out[k] = pair(out[k]);
  if (typeof out.padding === 'number' || Array.isArray(out.padding)) out.padding = pair(out.padding);
  if (out.output_size !== null) out.output_size = pair(out.output_size);
  if (out.pool_stride !== null) out.pool_stride = pair(out.pool_stride);
  return out;
}

const fill = (f, seed = 1) => ({ fill: f, seed });
/** The guide's figures: distinct input cells (0, 1, 2, …) and a kernel of ones, no bias. */
const GUIDE_FILLS = Object.freeze({ input: Object.freeze(fill('arange')), weight: Object.freeze(fill('ones')) });

/** The weights the lecture printed for its first example, rounded to 4 decimals. */
const LECTURE_WEIGHTS = [
  [[0.1085, 0.0888, -0.1721], [0.119, 0.0385, -0.1808], [0.1075, -0.0761, 0.1911]],
  [[0.1308, -0.0104, -0.0102], [-0.1293, -0.1312, -0.1629], [0.1627, -0.0639, -0.0252]],
  [[0.1694, 0.1515, -0.1533], [-0.1015, -0.1515, -0.1795], [0.1819, 0.0053, 0.0895]],
];

function lectureWeightEdits() {
  const edits = {};
  LECTURE_WEIGHTS.forEach((rows, c) =>
    rows.forEach((row, i) => row.forEach((v, j) => (edits[`0,${c},${i},${j}`] = v))),
  );
  return edits;
}

const LECTURE = 'Lecture';
const FIELDS = 'Receptive fields';

/** A stack's layers from their text (a preset's text is always complete). */
const stackOf = (text) => Object.freeze(parseLayers(text).value);
const GUIDE = 'Convolution arithmetic';
const GUIDE_T = 'Transposed convolution arithmetic';
const CHANNELS = 'Channels';
const BACKWARD = 'Backward: loss.backward()';
const POOLING = 'Pooling';
const CONV1D = 'Conv1d';

/** The guide's convolution figures: [id, title, params, output size, note]. */
const GUIDE_CONVS = [
  ['no-padding-no-strides', 'No padding, no strides', { height: 4, width: 4 }, [2, 2],
    'i = 4, k = 3, s = 1, p = 0: o = (i − k) + 1 = 2.'],
  ['arbitrary-padding', 'Arbitrary padding, no strides', { kernel_size: 4, padding: 2 }, [6, 6],
    'i = 5, k = 4, p = 2: o = (i − k) + 2p + 1 = 6.'],
  ['half-padding', 'Half (same) padding, no strides', { padding: 1 }, [5, 5],
    'i = 5, k = 3, p = ⌊k/2⌋ = 1: o = i = 5 (what padding=\'same\' picks for odd k).'],
  ['full-padding', 'Full padding, no strides', { padding: 2 }, [7, 7],
    'i = 5, k = 3, p = k − 1 = 2: o = i + (k − 1) = 7; every partial overlap counts.'],
  ['no-padding-strides', 'No padding, strides', { stride: 2 }, [2, 2],
    'i = 5, k = 3, s = 2: o = ⌊(i − k)/s⌋ + 1 = 2.'],
  ['padding-strides', 'Padding, strides', { stride: 2, padding: 1 }, [3, 3],
    'i = 5, k = 3, s = 2, p = 1: o = ⌊(i + 2p − k)/s⌋ + 1 = 3.'],
  ['padding-strides-odd', 'Padding, strides (odd)', { height: 6, width: 6, stride: 2, padding: 1 }, [3, 3],
    'i = 6, k = 3, s = 2, p = 1: o = ⌊(6 + 2 − 3)/2⌋ + 1 = 3, the same as for i = 5: the floor drops the last padded row and column.'],
  ['dilation', 'Dilation', { height: 7, width: 7, dilation: 2 }, [3, 3],
    'i = 7, k = 3, d = 2: the kernel covers k + (k − 1)(d − 1) = 5 cells, so o = ⌊(i + 2p − k − (k − 1)(d − 1))/s⌋ + 1 = 3.'],
];

/**
 * The transposed counterpart of each guide figure: the convolution's output size as input, the
 * same kernel, stride, padding and dilation; output_padding where the floor lost a row.
 */
const GUIDE_TRANSPOSED_NOTES = {
  'no-padding-no-strides': 'Input 2×2, k = 3: o′ = i′ + (k − 1) = 4. Equivalent to a stride-1 convolution of the input zero-padded by k − 1 = 2 (full padding).',
  'arbitrary-padding': 'Input 6×6, k = 4, p = 2: o′ = i′ + (k − 1) − 2p = 5. Equivalent to a convolution of the input padded by k − p − 1 = 1.',
  'half-padding': 'Input 5×5, k = 3, p = 1: o′ = i′ + (k − 1) − 2p = 5. The transpose of a half-padded convolution is half-padded too.',
  'full-padding': 'Input 7×7, k = 3, p = 2: o′ = i′ + (k − 1) − 2p = 5. The transpose of full padding is a convolution without padding.',
  'no-padding-strides': 'Input 2×2, k = 3, s = 2: o′ = s(i′ − 1) + k = 5. Equivalent to inserting s − 1 = 1 zero between input cells, then a stride-1 convolution padded by k − 1 = 2.',
  'padding-strides': 'Input 3×3, k = 3, s = 2, p = 1: o′ = s(i′ − 1) + k − 2p = 5.',
  'padding-strides-odd': 'Input 3×3, k = 3, s = 2, p = 1: s(i′ − 1) + k − 2p = 5, but the convolution came from 6×6. output_padding = a = (i + 2p − k) mod s = 1 adds the lost row and column: o′ = 6. (output_size=(6, 6) picks the same.)',
  dilation: 'Input 3×3, k = 3, d = 2: o′ = (i′ − 1) + d(k − 1) + 1 = 7.',
};

/** The preset table, in menu order. */
export const PRESETS = Object.freeze(
  [
    {
      // The page's default state (www/state.js defaultState(), www/params.js initial values): the
      // menu names it on a page opened without a link, and choosing it brings that page back.
      id: 'lecture-default',
      title: 'Default example: Conv2d(3, 1, 3) on 1×3×5×5, small integers',
      group: LECTURE,
      mode: 'conv2d',
      params: fullParams({ in_channels: 3, bias: true }),
      fills: { input: fill('integers', 1), weight: fill('integers', 2) },
      expect: { outputSize: [3, 3] },
      note: 'The page’s opening example: inputs in −2…2, weights and bias in −1…1, so every dot product can be checked by hand. Each output cell adds C_in · kh · kw = 27 products and the bias; the shape is 5 − 3 + 1 = 3.',
    },
    {
      id: 'lecture-conv',
      title: 'Conv2d(3, 1, 3) on 1×3×5×5',
      group: LECTURE,
      mode: 'conv2d',
      // nn.Conv2d(3, 1, 3) has a bias: PyTorch's default init (seeded) gives it, the weights are the lecture's
      params: fullParams({ in_channels: 3, bias: true }),
      fills: { input: fill('ones'), weight: fill('default', 1) },
      edits: { weight: lectureWeightEdits() },
      expect: { outputSize: [3, 3] },
      note: 'The lecture’s first example, nn.Conv2d(3, 1, 3): a ones input, the weights it printed and a default-initialised bias. Every output is the sum of the 27 weights, −0.0034, plus the bias; the shape is 5 − 3 + 1 = 3.',
    },
    {
      id: 'lecture-ones',
      title: 'Pre-trained all-ones weights, bias=False: every output is 27',
      group: LECTURE,
      mode: 'conv2d',
      params: fullParams({ in_channels: 3 }),
      fills: { input: fill('ones'), weight: fill('ones') },
      expect: { outputSize: [3, 3], value: 27 },
      note: 'Each output cell adds C_in · kh · kw = 3 · 3 · 3 = 27 products of 1 · 1.',
    },
    {
      id: 'lecture-down',
      title: 'Conv2d(1, 2, 3, stride=2, padding=1): 5×5 → 3×3',
      group: LECTURE,
      mode: 'conv2d',
      params: fullParams({ out_channels: 2, stride: 2, padding: 1, bias: true }),
      fills: { input: fill('ones'), weight: fill('default', 1) },
      expect: { outputSize: [3, 3] },
      note: 'The round trip’s first half: ⌊(5 + 2·1 − 3)/2⌋ + 1 = 3. Inputs of 5×5 and 6×6 both give 3×3.',
    },
    {
      id: 'lecture-up',
      title: 'ConvTranspose2d(2, 1, 3, stride=2, padding=1), output_size=(5, 5)',
      group: LECTURE,
      mode: 'convTranspose2d',
      params: fullParams({ in_channels: 2, height: 3, width: 3, stride: 2, padding: 1, output_size: [5, 5], bias: true }),
      fills: { input: fill('random', 1), weight: fill('default', 1) },
      expect: { outputSize: [5, 5] },
      counterpart: 'lecture-down',
      note: 'The round trip back: (3 − 1)·2 + 3 − 2·1 = 5 already; output_size=(5, 5) says so explicitly (it could also ask for 6×6, the other input that gives 3×3).',
    },
    ...GUIDE_CONVS.map(([id, title, p, out, note]) => ({
      id,
      title,
      group: GUIDE,
      mode: 'conv2d',
      params: fullParams(p),
      fills: GUIDE_FILLS,
      expect: { outputSize: out },
      note,
    })),
    ...GUIDE_CONVS.map(([id, title, p, out]) => {
      const conv = fullParams(p);
      const [h, w] = [conv.height, conv.width];
      const odd = id === 'padding-strides-odd';
      return {
        id: `${id}-transposed`,
        title: `${title}, transposed`,
        group: GUIDE_T,
        mode: 'convTranspose2d',
        params: { ...conv, height: out[0], width: out[1], output_padding: odd ? [1, 1] : [0, 0] },
        fills: GUIDE_FILLS,
        expect: { outputSize: [h, w] },
        counterpart: id,
        note: GUIDE_TRANSPOSED_NOTES[id],
      };
    }),
    {
      id: 'pointwise',
      title: '1×1 convolution: Conv2d(3, 2, 1)',
      group: CHANNELS,
      mode: 'conv2d',
      params: fullParams({ in_channels: 3, out_channels: 2, kernel_size: 1 }),
      fills: { input: fill('integers', 1), weight: fill('integers', 2) },
      expect: { outputSize: [5, 5] },
      note: 'A 1×1 kernel sees one pixel: each output cell mixes the 3 channels of the cell beneath it, y[o, h, w] = Σ_c W[o, c]·x[c, h, w]. The shape is unchanged.',
    },
    {
      id: 'depthwise',
      title: 'Depthwise: Conv2d(3, 3, 3, padding=1, groups=3)',
      group: CHANNELS,
      mode: 'conv2d',
      params: fullParams({ in_channels: 3, out_channels: 3, padding: 1, groups: 3 }),
      fills: { input: fill('integers', 1), weight: fill('integers', 2) },
      expect: { outputSize: [5, 5] },
      note: 'groups = in_channels: each channel gets its own 3×3 kernel and no channel mixing; the weight is 3×1×3×3 (27 weights instead of 81).',
    },
    {
      id: 'backward-ones',
      title: 'Conv2d(3, 1, 3) on ones, y.sum().backward()',
      group: BACKWARD,
      mode: 'backward',
      params: fullParams({ in_channels: 3 }),
      fills: { input: fill('ones'), weight: fill('ones') },
      expect: { outputSize: [3, 3] },
      note: 'The lecture’s example with L = y.sum(): ∂L/∂y is all ones, so x.grad counts the windows covering each cell (1, 2, 3, 2, 1 along a row, times down a column) times the kernel’s weight, and every ∂L/∂W entry sums a 3×3 window of ones: 9.',
    },
    {
      id: 'backward-down',
      title: 'Conv2d(1, 2, 3, stride=2, padding=1), y.sum().backward()',
      group: BACKWARD,
      mode: 'backward',
      params: fullParams({ out_channels: 2, stride: 2, padding: 1, bias: true }),
      fills: { input: fill('ones'), weight: fill('default', 1) },
      expect: { outputSize: [3, 3] },
      note: 'The lecture’s downsampling layer: each of the 2·3·3 ∂L/∂y cells stamps its kernel with stride 2; ∂L/∂x is ConvTranspose2d(2, 1, 3, stride=2, padding=1) of ∂L/∂y, and ∂L/∂b = 9 per channel (the sum of its ones).',
    },
    {
      id: 'backward-reflect',
      title: "Conv2d(1, 1, 3, padding=1, padding_mode='reflect'): the halo folds back",
      group: BACKWARD,
      mode: 'backward',
      params: fullParams({ padding: 1, padding_mode: 'reflect' }),
      fills: { input: fill('arange'), weight: fill('ones') },
      expect: { outputSize: [5, 5] },
      note: 'Reflect padding copies input cells into the halo, so the halo’s gradient is not dropped: each halo cell’s gradient is added to the cell it copies (the arrows), and x.grad is no longer the plain window count.',
    },
    {
      id: 'conv1d-causal-k3-d2',
      title: 'Causal Conv1d(1, 1, 3, dilation=2): F.pad on the left only',
      group: CONV1D,
      mode: 'conv1d',
      params: fullParams({ height: 1, width: 8, kernel_size: 3, dilation: 2, causal: true }),
      fills: { input: fill('arange'), weight: fill('ones') },
      expect: { outputSize: [8] },
      note: 'F.pad(x, ((3 − 1)·2, 0)) adds 4 zeros on the left: y[t] = x[t − 4] + x[t − 2] + x[t] sees nothing after t, and L_out = L = 8. The receptive field is d·(k − 1) + 1 = 5 cells.',
    },
    {
      id: 'conv1d-strided',
      title: 'Conv1d(2, 2, 3, stride=2): every other window',
      group: CONV1D,
      mode: 'conv1d',
      params: fullParams({ in_channels: 2, out_channels: 2, height: 1, width: 9, kernel_size: 3, stride: 2, bias: true }),
      fills: { input: fill('integers'), weight: fill('integers') },
      expect: { outputSize: [4] },
      note: '⌊(9 − 1·(3 − 1) − 1) / 2⌋ + 1 = 4: the window jumps 2 cells (the dashed ghost). Parameters: 2·2·3 weights + 2 biases = 14.',
    },
    {
      id: 'conv1d-same-even',
      title: "Conv1d(1, 1, 4, padding='same'): the odd extra on the right",
      group: CONV1D,
      mode: 'conv1d',
      params: fullParams({ height: 1, width: 8, kernel_size: 4, padding: 'same' }),
      fills: { input: fill('arange'), weight: fill('ones') },
      expect: { outputSize: [8] },
      note: "'same' needs d·(k − 1) = 3 zeros in all: PyTorch puts 1 on the left and 2 on the right, so L_out = L = 8.",
    },
    {
      id: 'maxpool-ties',
      title: 'MaxPool2d(2, return_indices=True) on ones: every window ties',
      group: POOLING,
      mode: 'pooling',
      params: fullParams({ height: 4, width: 4, kernel_size: 2, return_indices: true }),
      fills: { input: fill('ones'), weight: fill('ones') },
      expect: { outputSize: [2, 2] },
      note: 'stride=None is kernel_size: four 2×2 windows, 4 / 2 = 2 per side. All four cells of a window are the maximum; PyTorch returns the first, row by row, so the indices are each window’s top-left: 0, 2, 8, 10.',
    },
    {
      id: 'avgpool-pad-count',
      title: 'AvgPool2d(3, stride=1, padding=1): the padding counts',
      group: POOLING,
      mode: 'pooling',
      params: fullParams({ pool: 'avg', kernel_size: 3, pool_stride: 1, padding: 1 }),
      fills: { input: fill('ones'), weight: fill('ones') },
      expect: { outputSize: [5, 5] },
      note: 'count_include_pad=True (the default): every window divides by 9, zeros of the padding included, so a corner of a ones input averages 4 / 9 = 0.444.',
    },
    {
      id: 'avgpool-pad-nocount',
      title: 'AvgPool2d(3, stride=1, padding=1, count_include_pad=False)',
      group: POOLING,
      mode: 'pooling',
      params: fullParams({ pool: 'avg', kernel_size: 3, pool_stride: 1, padding: 1, count_include_pad: false }),
      fills: { input: fill('ones'), weight: fill('ones') },
      expect: { outputSize: [5, 5] },
      note: 'count_include_pad=False: a window divides by its input cells only — 4 at a corner, 6 on an edge, 9 inside — so a ones input stays 1 everywhere.',
    },
    {
      id: 'maxpool-ceil',
      title: 'MaxPool2d(2, ceil_mode=True) on 5×5: a partial window',
      group: POOLING,
      mode: 'pooling',
      params: fullParams({ kernel_size: 2, ceil_mode: true, return_indices: true }),
      fills: { input: fill('arange'), weight: fill('ones') },
      expect: { outputSize: [3, 3] },
      note: '⌊(5 − 2)/2⌋ + 1 = 2 drops the last row and column; ceil_mode rounds up: ⌈3/2⌉ + 1 = 3, and the last windows hang past the input — they pool the cells they do cover.',
    },
    {
      id: 'stack-3x3',
      title: 'Three 3×3 convs: a 7×7 field from 27 weights',
      group: FIELDS,
      mode: 'stack',
      params: fullParams({ height: 9, width: 9, layers: stackOf('conv k3; conv k3; conv k3') }),
      fills: { input: fill('integers', 1), weight: fill('integers', 2) },
      expect: { outputSize: [3, 3], field: [7, 7], weights: 27 },
      note: 'Each 3×3 conv widens the field by 2: 3, 5, 7. Three of them see 7×7 input cells with 3 · 9 = 27 weights, where one 7×7 conv needs 49 (VGG’s argument). The centre cells are reached by the most paths.',
    },
    {
      id: 'stack-dilated',
      title: 'Dilated 3×3 convs, dilation 1, 2, 4: a 15×15 field from 27 weights',
      group: FIELDS,
      mode: 'stack',
      params: fullParams({ height: 17, width: 17, layers: stackOf('conv k3 d1; conv k3 d2; conv k3 d4') }),
      fills: { input: fill('integers', 1), weight: fill('integers', 2) },
      expect: { outputSize: [3, 3], field: [15, 15], weights: 27 },
      note: 'A 3×3 conv with dilation d widens the field by 2d: 3, 3 + 4 = 7, 7 + 8 = 15. Doubling the dilation grows the field exponentially with depth, on the same 27 weights (one 15×15 conv: 225); no cell of the field is skipped.',
    },
    {
      id: 'stack-conv-pool',
      title: 'Conv then pool: 3×3 conv, 2×2 max pool',
      group: FIELDS,
      mode: 'stack',
      params: fullParams({ height: 8, width: 8, layers: stackOf('conv k3; maxpool k2 s2') }),
      fills: { input: fill('integers', 1), weight: fill('integers', 2) },
      expect: { outputSize: [3, 3], field: [4, 4], weights: 9 },
      note: 'The pool adds k − 1 = 1 to the field (3 + 1 = 4) and doubles the jump: neighbouring output cells see windows 2 cells apart. Pooling has no weights: 9 in all.',
    },
  ].map((p) => Object.freeze(p)),
);

/** Look up a preset by id (undefined when unknown). */
export function presetById(id) {
  return PRESETS.find((p) => p.id === id);
}

/** The menu's groups in order: [{ group, presets: [...] }]. */
export function presetGroups() {
  const groups = [];
  for (const p of PRESETS) {
    let g = groups.find((x) => x.group === p.group);
    if (!g) groups.push((g = { group: p.group, presets: [] }));
    g.presets.push(p);
  }
  return groups;
}

/**
 * The argument of the page's `store.update(...)` for a preset: { mode, params, input, weight }
 * (fresh copies). Cell edits, when the preset has some, follow as `presetEdits(preset)`.
 */
export function presetUpdate(preset) {
  const params = {};
  for (const [k, v] of Object.entries(preset.params)) params[k] = Array.isArray(v) ? [...v] : v;
  return {
    mode: preset.mode,
    params,
    input: { ...preset.fills.input },
    weight: { ...preset.fills.weight },
  };
}

/** The preset's cell edits as [tensor, key, value] triples, for `store.setCell(...)`. */
export function presetEdits(preset) {
  const out = [];
  for (const [tensor, cells] of Object.entries(preset.edits ?? {})) {
    for (const [key, value] of Object.entries(cells)) out.push([tensor, key, value]);
  }
  return out;
}
