// The round trip panel: x → Conv2d → y → ConvTranspose2d → x̂, with shapes. Why output_size
// exists: several input sizes give the same y (the Conv2d's floor), so the transpose cannot know
// which one to return — output_size tells it. A canvas view (the three tensors, small) and a DOM
// part (the size chips, the output_size toggle, the verdict). Reads model.roundTrip only.

import { COLORS, drawGrid, makeGrid, fitText, arrow } from '../../../views/grid.js';
import { el } from '../../../lib/dom.js';

export const id = 'roundtrip';
export const title = 'Round trip';

const LABEL = 18;
const ARROW = 46;

const size = (dims) => `torch.Size([${dims.join(', ')}])`;


export function layout(model, width) {
  const rt = model.roundTrip;
  if (!rt.x) return { blocks: [], height: 40, width };
  const tensors = [rt.x, rt.y, rt.xhat].filter(Boolean);
  // three blocks side by side; each block tiles its channels vertically
  const avail = width - ARROW * (tensors.length - 1);
  const colsTotal = tensors.reduce((s, t) => s + t.shape[3], 0);
  const rowsMax = Math.max(...tensors.map((t) => t.shape[1] * t.shape[2]));
  const chans = Math.max(...tensors.map((t) => t.shape[1]));
  let cell = Math.min(22, avail / colsTotal, (220 - LABEL - 6 * chans) / rowsMax);
  cell = cell >= 3 ? Math.floor(cell) : Math.max(1, cell);
  const blocks = [];
  let x = 0;
  let height = 0;
  for (const t of tensors) {
    const [, c, h, w] = t.shape;
    const grids = [];
    for (let ci = 0; ci < c; ci++) grids.push(makeGrid(x, LABEL + ci * (h * cell + 6), h, w, cell));
    blocks.push({ grids, x, w: w * cell });
    height = Math.max(height, LABEL + c * (h * cell + 6));
    x += w * cell + ARROW;
  }
  return { blocks, height: Math.ceil(height + 4), width };
}

export function hit() {
  return null;
}

export function draw(ctx, model, t, focus, geom) {
  const rt = model.roundTrip;
  if (!rt.x) return;
  const names = ['x', 'y', 'x̂'];
  const tensors = [rt.x, rt.y, rt.xhat];
  geom.blocks.forEach((b, i) => {
    const tns = tensors[i];
    const [, , h, w] = tns.shape;
    fitText(ctx, [`${names[i]}  [${h}, ${w}]`, names[i]], b.x, LABEL - 6, b.w + ARROW - 8, { size: 12, weight: 600 });
    b.grids.forEach((g, c) => drawGrid(ctx, g, { data: tns.data, offset: c * h * w, maxAbs: rt.scales[i] }));
    if (i + 1 < geom.blocks.length) {
      const g = b.grids[0];
      const y = g.y + Math.min(g.h, 60) / 2;
      arrow(ctx, b.x + b.w + 8, y, b.x + b.w + ARROW - 8, y, COLORS.ghost, 2);
    }
  });
}

/**
 * The DOM part: the chain with shapes, the x-size chips and the output_size toggle.
 * actions: { pickSize(index), setOutputSize(on) } — the page's wiring writes the state.
 * Exposes data-x-shape, data-y-shape, data-xhat-shape, data-restores on `root`.
 */
export function render(root, model, actions) {
  const rt = model.roundTrip;
  root.dataset.xShape = rt.x ? rt.x.shape.join(',') : '';
  root.dataset.yShape = rt.y ? rt.y.shape.join(',') : '';
  root.dataset.xhatShape = rt.xhat ? rt.xhat.shape.join(',') : '';
  root.dataset.restores = String(rt.restores);

  const chips = el('div', { class: 'rt-chips' });
  chips.setAttribute('role', 'group');
  chips.setAttribute('aria-label', 'size of x');
  chips.append(el('span', { class: 'rt-chips-label', text: 'x is' }));
  rt.sizes.forEach(([h, w], i) => {
    const b = el('button', { class: 'fill rt-size', text: `${h}×${w}` });
    b.type = 'button';
    b.dataset.size = `${h},${w}`;
    b.setAttribute('aria-pressed', String(i === rt.index));
    b.addEventListener('click', () => actions.pickSize(i));
    chips.append(b);
  });
  const toggle = el('label', { class: 'rt-toggle' });
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.id = 'rt-output-size';
  box.checked = rt.outputSize !== null;
  box.addEventListener('change', () => actions.setOutputSize(box.checked));
  const xs = rt.x ? rt.x.shape.slice(2) : [0, 0];
  toggle.append(box, el('span', { text: '\u00a0pass\u00a0' }), el('code', { text: `output_size=(${xs[0]}, ${xs[1]})` }));

  const chain = el('ol', { class: 'rt-chain' });
  const step = (name, t, note) => {
    const li = el('li');
    li.append(el('span', { class: 'rt-name', text: name }), ' ', el('code', { class: 'rt-shape', text: t ? size(t.shape) : '—' }));
    if (note) li.append(el('span', { class: 'rt-op', text: note }));
    return li;
  };
  const call = rt.outputSize ? `${rt.transpose}(y, output_size=(${rt.outputSize[0]}, ${rt.outputSize[1]}))` : `${rt.transpose}(y)`;
  chain.append(step('x', rt.x, null), step('y', rt.y, rt.conv), step('x̂', rt.xhat, call));

  const verdict = el('p', { class: 'rt-verdict' });
  if (rt.error) {
    verdict.classList.add('is-bad');
    verdict.textContent = rt.error;
  } else if (rt.restores) {
    verdict.classList.add('is-good');
    verdict.textContent = rt.sizes.length > 1
      ? `✓ x̂ has x’s shape. ${rt.sizes.map(([h, w]) => `${h}×${w}`).join(' and ')} inputs all give y [${rt.y.shape[2]}, ${rt.y.shape[3]}]; output_size picks which one comes back.`
      : '✓ x̂ has x’s shape: only one input size maps to this y.';
    verdict.append(el('span', { class: 'rt-note', text: ' (The shape, not the values: a transposed convolution is not an inverse.)' }));
  } else {
    verdict.classList.add('is-bad');
    const [h, w] = rt.x.shape.slice(2);
    const [hh, ww] = rt.xhat.shape.slice(2);
    const same = rt.sizes.map(([a, b]) => `${a}×${b}`).join(' and ');
    verdict.textContent = rt.outputSize
      ? `✗ x is ${h}×${w} but output_size=(${rt.outputSize[0]}, ${rt.outputSize[1]}) asks for ${hh}×${ww}.`
      : `✗ x is ${h}×${w} but x̂ is ${hh}×${ww}: the Conv2d’s floor maps ${same} to the same y, and without output_size the transpose returns ${hh}×${ww}. Pass output_size=(${h}, ${w}).`;
  }
  root.replaceChildren(chain, el('div', { class: 'rt-controls' }), verdict);
  root.querySelector('.rt-controls').append(chips, toggle);
}
