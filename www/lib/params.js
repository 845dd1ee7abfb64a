// The declarative table that drives the controls, the URL hash and the bounds.
//
// One row per argument of nn.Conv2d / nn.ConvTranspose2d / F.unfold (PyTorch's names; the label a
// learner reads is the name they will type in Python). Each row is
//
//   [name, initial, min, max, kind, help, label?]
//
// kind: 'int'      one integer                       (in_channels, groups, …)
//       'pair'     an int or an (h, w) pair          (kernel_size, stride, dilation, output_padding)
//       'padding'  a pair, or 'same' / 'valid'       (padding)
//       'size'     None or an (h, w) pair            (output_size)
//       'bool'     on / off                          (bias)
//       'choice'   one of `choices`                  (padding_mode, pool)
//       'optint'   None or one integer               (divisor_override)
//       'layers'   a stack of layers as text         (layers: lib/layers.js)
// Which rows a mode shows is the mode's (its `params`). A row a mode does not use keeps its
// value, so switching back restores it.
// min / max are the hard limits of this visualizer (what may be typed, what the hash may hold);
// a slider reaches at most `sliderMax` (SLIDER_MAX below, else max), and its live bounds are
// narrower still, derived from the output-size formula (see bounds.js).

import { DEFAULT_LAYERS, MAX_LAYERS } from './layers.js';

/** Values of padding_mode, in PyTorch's order. */
export const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'];

/** The mode of the default state (a link without `mode=` means it); modes/registry.js lists them all. */
export const DEFAULT_MODE_NAME = 'conv2d';

/** The Pooling tab's layers. */
export const POOL_KINDS = ['max', 'avg'];
const CHOICES = { padding_mode: PADDING_MODES, pool: POOL_KINDS };

const TABLE = [
  ['in_channels', 3, 1, 8, 'int', 'Channels of the input tensor (C_in).'],
  ['out_channels', 1, 1, 8, 'int', 'Number of kernels, one per output channel (C_out).'],
  ['height', 5, 1, 64, 'int', 'Input height H (not an argument: the tensor’s size).', 'input height'],
  ['width', 5, 1, 64, 'int', 'Input width W (not an argument: the tensor’s size).', 'input width'],
  ['kernel_size', [3, 3], 1, 15, 'pair', 'Kernel height and width: 3 or 3, 2.'],
  ['stride', [1, 1], 1, 8, 'pair', 'How far the kernel jumps between output cells.'],
  // 'same' with the largest kernel and dilation pads (15 − 1)·8 / 2 = 56 on a side; entering a mode
  // whose padding takes only numbers writes that as numbers, and links must read it back
  ['padding', [0, 0], 0, 56, 'padding', "Halo added on each side: 1, 1, 2, 'same' or 'valid'."],
  ['output_padding', [0, 0], 0, 7, 'pair', 'Extra rows / columns at the bottom / right of the output; must be < max(stride, dilation).'],
  ['output_size', null, 1, 1024, 'size', 'None, or the (H, W) you want back: picks output_padding for you.'],
  ['dilation', [1, 1], 1, 8, 'pair', 'Spacing between kernel taps (holes in the footprint).'],
  ['groups', 1, 1, 8, 'int', 'Split channels into independent groups; must divide both channel counts.'],
  ['bias', true, 0, 1, 'bool', 'Add a learnable bias b to every output cell of a channel.'],
  ['padding_mode', 'zeros', 0, 0, 'choice', 'What fills the halo: zeros, or copies of input cells.'],
  // the Conv1d tab: F.pad(x, ((k − 1)·d, 0)) before the layer
  ['causal', false, 0, 1, 'bool', 'Conv1d: pad (k − 1)·d zeros on the left only, F.pad(x, ((k − 1)·d, 0)): y[t] sees no x after t.'],
  // the Pooling tab
  ['pool', 'max', 0, 0, 'choice', 'nn.MaxPool2d or nn.AvgPool2d.'],
  ['pool_stride', null, 1, 15, 'size', 'None (PyTorch’s default: stride = kernel_size), or how far the window jumps.', 'stride (pool)'],
  ['ceil_mode', false, 0, 1, 'bool', 'Round the output size up: a last window may start in the input and hang past it.'],
  ['count_include_pad', true, 0, 1, 'bool', 'AvgPool2d: count the zero padding in the divisor.'],
  ['divisor_override', null, 1, 225, 'optint', 'AvgPool2d: None, or the number every window sum is divided by.'],
  ['return_indices', false, 0, 1, 'bool', 'MaxPool2d: also return where each maximum is (h·W + w in its input plane).'],
  // the Stack tab
  ['layers', DEFAULT_LAYERS, 1, MAX_LAYERS, 'layers', 'Up to 4 layers, input first, separated by ;: conv k3 s1 p0 d1; maxpool k2 s2 (k kernel_size, s stride, p padding, d dilation; avgpool too).'],
];

/** Where a slider stops below its argument's hard limit: a halo past 8 is typed, not dragged. */
const SLIDER_MAX = { padding: 8 };

/**
 * The parameter table as objects: { name, label, initial, min, max, sliderMax, kind, help, choices }.
 * `label` is the visible control label: PyTorch's name, except for the input's own size.
 */
export const PARAMS = TABLE.map(([name, initial, min, max, kind, help, label]) => ({
  name,
  label: label ?? name,
  initial,
  min,
  max,
  sliderMax: SLIDER_MAX[name] ?? max,
  kind,
  help,
  choices: CHOICES[name] ?? null,
}));

/** Look up a row by name. */
export const PARAM = Object.fromEntries(PARAMS.map((p) => [p.name, p]));

/** Fill recipes for the input tensor, in button order. */
export const INPUT_FILLS = [
  ['integers', 'integers', 'Small random integers in −2…2 (seeded)'],
  ['arange', 'arange', 'torch.arange: 0, 1, 2, … so every cell is unique'],
  ['ones', 'ones', 'torch.ones'],
  ['zeros', 'zeros', 'torch.zeros'],
  ['random', 'random', 'Uniform in −1…1, two decimals (seeded)'],
];

/** Fill recipes for weight and bias, in button order. */
export const WEIGHT_FILLS = [
  ['integers', 'integers', 'Small random integers in −1…1, bias too (seeded)'],
  ['ones', 'ones (bias 0)', 'Every weight 1, and the bias 0'],
  ['zeros', 'zeros', 'Every weight 0, bias 0'],
  ['random', 'random', 'Uniform in −1…1, two decimals (seeded)'],
  ['default', 'default init', 'PyTorch’s reset_parameters(): kaiming_uniform(a=√5), seeded'],
];
