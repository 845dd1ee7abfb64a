// "Copy as PyTorch": a collapsible panel with runnable Python (www/pycode.js) reproducing the
// screen — the call with every non-default argument, x and the weights as literals (edited cells
// included), the expected torch.Size and values as comments — and a Copy button.

import { pythonCode } from '../pycode.js';
import { makeInput, makeWeights } from '../tensors.js';
import { convOptions } from '../modes/conv2d.js';
import { $ } from '../pages/dom.js';

/** Above this many input numbers the literal would drown the code: the image is loaded instead. */
const MAX_INPUT_LITERAL = 4096;

/**
 * The pythonCode spec of what is on screen (the model's own tensors, never recomputed; the Matrix
 * mode shows one channel pair, so its code is the whole Conv2d, run by the core here).
 */
export function pythonSpec(mode, model, state, api) {
  const args = state.params;
  if (mode === 'conv2d' || mode === 'convTranspose2d') {
    return { mode, args, input: model.input, weight: model.weight, bias: model.bias, output: model.output };
  }
  if (mode === 'unfold') return { mode: 'unfold', args, input: model.input, output: model.columns };
  // matrix: nn.Conv2d with the page's tensors
  const input = makeInput(state);
  const { weight, bias } = makeWeights(api, state);
  const output = api.conv2d(input, weight, bias, convOptions(args));
  return { mode: 'conv2d', args, input, weight, bias, output };
}

/** Python that loads an image input the way the page made it (approximately: crop, resize). */
function imageLines(state) {
  const { size, channels, src } = state.image;
  const file = src === 'sample' ? 'sample.png' : 'your_image.png';
  return [
    '# the input is an image: centre-cropped to a square, resized, in [0, 1]',
    'from PIL import Image',
    'import torchvision.transforms.functional as TF',
    `img = Image.open('${file}').convert('${channels === 1 ? 'L' : 'RGB'}')`,
    `img = TF.resize(TF.center_crop(img, min(img.size)), [${size}, ${size}])`,
    `x = TF.to_tensor(img).unsqueeze(0)  # torch.Size([1, ${channels}, ${size}, ${size}])`,
  ];
}

/** The code for a spec; a big input (an image) is loaded from a file instead of written out. */
export function codeFor(spec, state) {
  const big = spec.input.data.length > MAX_INPUT_LITERAL;
  if (!big) return pythonCode(spec);
  // write the code for a tiny stand-in input, then swap its x line for the loading lines
  const stub = { ...spec, input: { shape: spec.input.shape, data: new Float32Array(spec.input.data.length) } };
  const lines = pythonCode(stub).split('\n');
  const i = lines.findIndex((l) => l.startsWith('x = '));
  const load = state.image
    ? imageLines(state)
    : [`x = torch.randn(${spec.input.shape.join(', ')})  # the page's ${spec.input.data.length} input values are too many to print; yours will differ`];
  lines.splice(i, 1, ...load);
  return lines.join('\n');
}

/**
 * Wire the panel (#python-panel). `render(mode, model, state)` after each recompute (cheap when
 * the panel is closed: the code is written when it opens).
 */
export function buildPythonPanel(ctx) {
  const panel = $('#python-panel');
  const code = $('#py-code');
  const status = $('#py-status');
  const copy = $('#py-copy');
  let last = null;
  let written = null;

  function write() {
    if (!last || written === last) return;
    written = last;
    const { mode, model, state } = last;
    try {
      code.textContent = codeFor(pythonSpec(mode, model, state, ctx.api), state);
      panel.dataset.mode = mode;
    } catch (e) {
      code.textContent = `# could not write the code: ${e.message}`;
    }
  }

  panel.addEventListener('toggle', () => {
    if (panel.open) write();
  });
  for (const b of document.querySelectorAll('[data-action="show-python"]')) {
    b.addEventListener('click', () => {
      panel.open = true;
      write();
      panel.scrollIntoView({ block: 'start', behavior: 'smooth' });
    });
  }

  function selectCode() {
    const range = document.createRange();
    range.selectNodeContents(code);
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  copy.addEventListener('click', async () => {
    write();
    const text = code.textContent;
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      status.textContent = 'Copied';
      status.dataset.result = 'copied';
    } catch {
      selectCode();
      status.textContent = 'Selected: press Ctrl+C (⌘C) to copy';
      status.dataset.result = 'selected';
    }
    setTimeout(() => {
      status.textContent = '';
      delete status.dataset.result;
    }, 4000);
  });

  return {
    render(mode, model, state) {
      last = { mode, model, state };
      if (panel.open) write();
    },
  };
}
