// "Copy as PyTorch": a collapsible panel with runnable Python (www/pycode.js) reproducing the
// screen — the call with every non-default argument, x and the weights as literals (edited cells
// included), the expected torch.Size and values as comments — and a Copy button.

import { pythonCode } from '../lib/python.js';

/** Above this many input numbers the literal would drown the code: the image is loaded instead. */
const MAX_INPUT_LITERAL = 4096;

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
  const { $, $$, listen } = ctx;
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
      code.textContent = codeFor(mode.classroom.python(model, state, ctx.api), state);
      panel.dataset.mode = mode.name;
    } catch (e) {
      code.textContent = `# could not write the code: ${e.message}`;
    }
  }

  listen(panel, 'toggle', () => {
    if (panel.open) write();
  });
  for (const b of $$('[data-action="show-python"]')) {
    listen(b, 'click', () => {
      panel.open = true;
      write();
      panel.scrollIntoView({ block: 'start', behavior: 'smooth' });
    });
  }

  function selectCode() {
    const range = code.ownerDocument.createRange();
    range.selectNodeContents(code);
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  listen(copy, 'click', async () => {
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
    const t = setTimeout(() => {
      status.textContent = '';
      delete status.dataset.result;
    }, 4000);
    ctx.own(() => clearTimeout(t));
  });

  return {
    render(mode, model, state) {
      last = { mode, model, state };
      if (panel.open) write();
    },
  };
}
