// The guided lesson (#21): the lecture note told by the visualizer, one plain object per step, in
// the lecture's order. Data, not code: reorder the array, edit a text, or add a step, and the
// lesson follows (docs/lesson.md says how; tests/node/lesson.test.mjs checks every step).
//
// A step is
//   { id, title, text, after?, state, cards, controls, question?, expect? }
// id        a short name (a-z, 0-9, -): what a teacher's `order=` link names
// title     the heading (the lecture's code may be quoted here as written)
// text      two to five sentences shown when the step opens; `{fact}` placeholders are filled from
//           the model on screen (lesson.js FACTS: shapes, counts, values — all from the wasm core),
//           so a number that depends on the state is never typed here
// after     shown once the question is answered or skipped (or at once without a question): the
//           reveal, which may name the answer
// state     the page's link text for the step (what `#…` would hold in the full visualizer)
// cards     the ids of the cards shown (the mode's `cards` markup); the others are hidden
// controls  the one or two arguments handed to the learner (the sidebar shows only these)
// question  optional, asked before the reveal:
//             { kind: 'shape', prompt }                  the output shape (the mode's shape question)
//             { kind: 'value', prompt, cell: [co, oh, ow] }  one output value
//             { kind: 'number', prompt, answer: '<fact>' }  a count the page computes
//           `hides`: card ids (of `cards`) dimmed until the reveal
// expect    what the step shows as set up, fact → text (tests read it; not shown)
//
// A step that points beyond its own tab names the tab (the Backward and Stack tabs) in the text of
// the step that needs them; pointing that step at the new mode is an edit of `state`, `cards`
// and `controls` here.

const LIST = [
  {
    id: 'conv-ones',
    title: 'Conv2d(3, 1, 3) on torch.ones(1, 3, 5, 5)',
    text: 'The lecture starts with one layer, {layer}, and an input x of ones, shape {input_shape}: a batch of one image with {in_channels} channels. The layer’s weight has shape {weight_shape}: out_channels × in_channels × kernel height × kernel width, so one {kernel} kernel per input channel for every output channel.',
    after: 'y has shape {output_shape}: one channel per output channel of the layer, and {out_hw} positions where the {kernel} kernel fits inside the {in_hw} input. Change in_channels or out_channels and watch the weight and the output follow.',
    state: 'in_channels=3&out_channels=1&height=5&width=5&kernel_size=3&stride=1&padding=0&dilation=1&groups=1&bias=1&input=ones&weight=default~1',
    cards: ['card-input', 'card-weights', 'card-output', 'card-shapes'],
    controls: ['in_channels', 'out_channels'],
    question: { kind: 'shape', prompt: 'What shape does y = conv(x) have?' },
    expect: { output_shape: 'torch.Size([1, 1, 3, 3])', weight_shape: 'torch.Size([1, 3, 3, 3])', input_shape: 'torch.Size([1, 3, 5, 5])' },
  },
  {
    id: 'ones-27',
    title: 'Pre-trained weights: all ones, no bias',
    text: 'Next the lecture loads pre-trained weights into the layer: every weight is 1 and there is no bias, so the layer prints as {layer}. The input is still all ones. Each output cell is the dot product of the weights with the input cells beneath the kernel.',
    after: 'Every output is {y0}: each one adds {taps} products of 1 × 1, one per weight — in_channels · kernel height · kernel width = {taps_formula}. Change kernel_size or in_channels, predict the new sum, then look.',
    state: 'in_channels=3&out_channels=1&height=5&width=5&kernel_size=3&stride=1&padding=0&dilation=1&groups=1&bias=0&input=ones&weight=ones',
    cards: ['card-input', 'card-weights', 'card-output'],
    controls: ['kernel_size', 'in_channels'],
    question: { kind: 'value', prompt: 'What is y[0, 0, 0, 0], the top-left output?', cell: [0, 0, 0] },
    expect: { y0: '27', taps: '27', output_shape: 'torch.Size([1, 1, 3, 3])' },
  },
  {
    id: 'output-size',
    title: 'The output size: ⌊(W + 2p − f)/s⌋ + 1',
    text: 'Each side of the output follows one formula, ⌊(W + 2p − f)/s⌋ + 1: W the input size, p the padding, f the kernel size, s the stride. Here x is {input_shape}, padded by {padding} on each side, and the {kernel} kernel jumps {stride} cells at a time.',
    after: 'y is {output_shape}: ⌊{numerator}/{stride}⌋ + 1 = {out_h} per side. The floor throws a remainder away: {unused} padded row(s) at the bottom are never read (hatched red in the input). Drag stride and padding and watch the formula follow.',
    state: 'in_channels=1&out_channels=1&height=6&width=6&kernel_size=3&stride=2&padding=1&dilation=1&groups=1&bias=0&input=arange&weight=ones',
    cards: ['card-input', 'card-output', 'card-shapes'],
    controls: ['stride', 'padding'],
    question: { kind: 'shape', prompt: 'What shape is y?' },
    expect: { output_shape: 'torch.Size([1, 1, 3, 3])', unused: '1', numerator: '5' },
  },
  {
    id: 'dilation',
    title: 'Dilation: the same weights, a wider field',
    text: 'Dilation spreads the kernel’s taps apart: with dilation={dilation}, neighbouring taps sit {dilation} cells apart, with holes between them. The kernel is still {kernel}, so it has the same {weight_count} weights.',
    after: 'One output cell sees a {field} field: dilation · (kernel − 1) + 1 per side. The layer still has {params} parameters and the output is {out_hw}: dilation widens the field, not the parameter count.',
    state: 'in_channels=1&out_channels=1&height=7&width=7&kernel_size=3&stride=1&padding=0&dilation=2&groups=1&bias=0&input=arange&weight=ones',
    cards: ['card-input', 'card-weights', 'card-output', 'card-shapes'],
    controls: ['dilation', 'kernel_size'],
    question: { kind: 'number', prompt: 'How many input cells wide is the field one output cell sees?', answer: 'field_h', hides: ['card-shapes'] },
    expect: { field_h: '5', params: '9', output_shape: 'torch.Size([1, 1, 3, 3])' },
  },
  {
    id: 'groups',
    title: 'groups: fewer weights; depthwise',
    text: 'The groups argument splits the channels into independent convolutions side by side: with groups={groups}, each output channel reads only {cin_per_group} of the {in_channels} input channels. When groups equals in_channels, the convolution is called depthwise. Here the layer is {layer}.',
    after: 'The weight is {weight_shape}: {weight_count} weights, where groups=1 would need {dense_count}. Each input channel has its own kernel and no channels are mixed. Set groups to 1 and watch the channel diagram fill in.',
    state: 'in_channels=3&out_channels=3&height=5&width=5&kernel_size=3&stride=1&padding=1&dilation=1&groups=3&bias=0&input=integers~1&weight=integers~2',
    cards: ['card-groups', 'card-weights', 'card-input', 'card-output'],
    controls: ['groups', 'out_channels'],
    question: { kind: 'number', prompt: 'How many weights does this layer have?', answer: 'weight_count', hides: ['card-groups', 'card-weights'] },
    expect: { weight_count: '27', dense_count: '81', weight_shape: 'torch.Size([3, 1, 3, 3])' },
  },
  {
    id: 'padding-modes',
    title: 'Padding modes: what fills the halo',
    text: 'padding={padding} adds a halo of {padding} cell(s) around x before the kernel slides, and padding_mode says what the halo holds. With \'zeros\', a kernel at the corner reads part halo, part image. Here x and the weights are all ones, with no bias.',
    after: 'The corner is {y0}: the zeros of the halo add nothing. Now pick padding_mode \'reflect\', \'replicate\' or \'circular\': the halo copies input cells (the small numbers say which one), and the corner reads as many ones as the middle.',
    state: 'in_channels=1&out_channels=1&height=5&width=5&kernel_size=3&stride=1&padding=1&dilation=1&groups=1&bias=0&padding_mode=zeros&input=ones&weight=ones',
    cards: ['card-input', 'card-output'],
    controls: ['padding_mode', 'padding'],
    question: { kind: 'value', prompt: 'What is the corner output y[0, 0, 0, 0]?', cell: [0, 0, 0] },
    expect: { y0: '4', output_shape: 'torch.Size([1, 1, 5, 5])' },
  },
  {
    id: 'unfold-matmul',
    title: 'Conv2d = Unfold + Matmul + Fold',
    text: 'A convolution is a matrix product in disguise. F.unfold copies every patch the kernel visits into one column; the weights, flattened into a {weight_matrix_shape} matrix, multiply those columns; and F.fold with a 1×1 kernel lays the product out as the output image.',
    after: 'F.unfold(x) is {columns_shape}: {unfold_rows} numbers per patch (in_channels · kernel height · kernel width) and one column per output position, {unfold_cols} in all. The product is {product_shape}, folded into y of {output_shape}. Hover a column to see its patch.',
    state: 'in_channels=3&out_channels=2&height=5&width=5&kernel_size=3&stride=1&padding=0&dilation=1&groups=1&bias=0&input=integers~1&weight=integers~2',
    cards: ['card-input', 'card-im2col', 'card-output'],
    controls: ['kernel_size', 'stride'],
    question: { kind: 'number', prompt: 'How many columns does F.unfold(x) have?', answer: 'unfold_cols', hides: ['card-im2col'] },
    expect: { columns_shape: 'torch.Size([1, 27, 9])', unfold_cols: '9', output_shape: 'torch.Size([1, 2, 3, 3])' },
  },
  {
    id: 'transpose-up',
    title: 'ConvTranspose2d: back up to 5×5',
    text: 'The lecture downsamples a 5×5 x with Conv2d(1, 2, 3, stride=2, padding=1) into y of {input_shape}, then goes back up with the transposed layer {layer}. A transposed convolution swaps the roles: each input cell stamps the kernel onto the output, {stride} cells apart, and overlaps add up.',
    after: 'x̂ is {output_shape}: (H − 1) · stride − 2 · padding + kernel = {out_h}. But a 6×6 x also gives a 3×3 y, so the way back is ambiguous: the lecture passes output_size=input.size(). Type output_size 6, 6 and see output_padding chosen for you.',
    state: 'mode=convTranspose2d&in_channels=2&out_channels=1&height=3&width=3&kernel_size=3&stride=2&padding=1&output_padding=0&output_size=None&dilation=1&groups=1&bias=1&input=random~1&weight=default~1',
    cards: ['card-roundtrip', 'card-scatter', 'card-tshapes'],
    controls: ['output_size', 'stride'],
    question: { kind: 'shape', prompt: 'What shape does the transposed layer give back?' },
    expect: { output_shape: 'torch.Size([1, 1, 5, 5])', input_shape: 'torch.Size([1, 2, 3, 3])' },
  },
  {
    id: 'zero-insertion',
    title: 'The transposed convolution as zero insertion',
    text: 'The same output, another way: put zeros between the input cells, pad the border, flip the kernel, and slide it at stride 1 — an ordinary convolution. Here the input is {input_shape} and stride={stride}.',
    after: '{inserted_zeros} zero(s) go between neighbours (stride − 1), and a border of dilation · (kernel − 1) − padding = {zi_pad}. The stride-1 convolution gives {output_shape}: the same numbers as the scatter-add (the badge checks). The next step writes the same layer as a matrix.',
    state: 'mode=convTranspose2d&in_channels=1&out_channels=1&height=3&width=3&kernel_size=3&stride=2&padding=0&output_padding=0&output_size=None&dilation=1&groups=1&bias=0&input=arange&weight=ones&step=output',
    cards: ['card-zeroinsert', 'card-scatter'],
    controls: ['stride', 'padding'],
    question: { kind: 'number', prompt: 'How many zeros go between two neighbouring input cells?', answer: 'inserted_zeros', hides: ['card-zeroinsert'] },
    expect: { inserted_zeros: '1', zi_pad: '2', output_shape: 'torch.Size([1, 1, 7, 7])' },
  },
  {
    id: 'matrix-transpose',
    title: 'The transposed convolution as Cᵀ',
    text: 'Every convolution is a matrix C: flatten the {in_hw} input x into a vector, and y = C·x is the {out_hw} output, flattened. Each row of C is the kernel, flattened and shifted to one output position; the blank entries are zeros.',
    after: 'Cᵀ has {in_cells} rows: it maps {out_cells} numbers back to {in_cells}, sending each output along the weights that made it — exactly the scatter-add of ConvTranspose2d. Press “x̂ = Cᵀ·y” to see it. Cᵀ is not C⁻¹: x̂ has x’s shape, not x’s values.',
    state: 'mode=matrix&in_channels=1&out_channels=1&height=4&width=4&kernel_size=3&stride=1&padding=0&dilation=1&groups=1&bias=0&input=arange&weight=integers~2',
    cards: ['card-matrix', 'card-mnote'],
    controls: ['stride', 'padding'],
    question: { kind: 'number', prompt: 'C has {out_cells} rows, one per output cell. How many rows does Cᵀ have?', answer: 'in_cells', hides: ['card-mnote'] },
    expect: { in_cells: '16', out_cells: '4' },
  },
  {
    id: 'unfold-fold',
    title: 'Unfold and Fold alone: fold(unfold(x)) = x ⊙ count',
    text: 'F.unfold copies each patch into a column, so a cell that several patches cover is copied several times. F.fold adds the columns back where they came from, and the copies of a cell add up. Here the kernel is {kernel} and the stride {stride}.',
    after: 'Up to {count_max} patches cover one cell, so fold(unfold(x)) is not x but x ⊙ count, where count is how many patches cover each cell. Set stride to kernel_size: the patches stop overlapping and count is at most 1.',
    state: 'mode=unfold&in_channels=1&height=5&width=5&kernel_size=3&stride=1&padding=0&dilation=1&input=arange',
    cards: ['card-unfold', 'card-fold', 'card-ushapes'],
    controls: ['stride', 'kernel_size'],
    question: { kind: 'number', prompt: 'How many patches cover the most-covered cell?', answer: 'count_max', hides: ['card-fold', 'card-ushapes'] },
    expect: { count_max: '9', columns_shape: 'torch.Size([1, 9, 9])' },
  },
  {
    id: 'backward',
    title: 'Where it is used: the backward pass',
    text: 'Training needs ∂L/∂x, the gradient of the loss with respect to the layer’s input. Since y = C·x, it is ∂L/∂x = Cᵀ·∂L/∂y: the transposed convolution of the output’s gradient. ∂L/∂y has {out_cells} numbers, as y does.',
    after: '∂L/∂x has {in_cells} numbers, as x does: Cᵀ maps {out_hw} back to {in_hw}, which is why ConvTranspose2d is the gradient of Conv2d. The Backward tab runs these gradients (∂L/∂x drawn as the transposed convolution it is), and the Stack tab grows the receptive field through layers (for one layer, the Conv2d shape card gives it: dilation · (kernel − 1) + 1).',
    state: 'mode=matrix&in_channels=1&out_channels=1&height=4&width=4&kernel_size=3&stride=1&padding=0&dilation=1&groups=1&bias=0&input=arange&weight=integers~2&matrix=T',
    cards: ['card-matrix', 'card-mnote'],
    controls: [],
    question: { kind: 'number', prompt: 'How many numbers does ∂L/∂x have?', answer: 'in_cells', hides: ['card-matrix', 'card-mnote'] },
    expect: { in_cells: '16', out_hw: '2×2' },
  },
];

const freeze = (v) => {
  if (v && typeof v === 'object') for (const k of Object.keys(v)) freeze(v[k]);
  return Object.freeze(v);
};

/** The built-in lesson, in order (frozen: a teacher's sequence is a link, see lesson.js). */
export const STEPS = freeze(LIST);
