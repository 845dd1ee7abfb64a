// Conv1d weights view: w as the weight matrix [C_out, C_in/groups · k] (each output channel's row:
// its input channels' kernels side by side) and the bias beside it; the focused output channel's
// row framed, the hovered weight too.

import { COLORS, drawGrid, makeGrid, cellAt, strokeCells, fitText } from '../../../views/grid.js';

export const id = 'seq-weights';
export const title = 'Weights';

const LABEL = 20;
const GAP = 24;

export function layout(model, width) {
  const cols = model.cinG * model.k;
  const room = width - 4 - (model.bias ? GAP : 0);
  const cw = Math.max(2, Math.min(40, Math.floor((room / (cols + (model.bias ? 1 : 0))) * 100) / 100));
  const ch = Math.max(12, Math.min(36, cw));
  const w = makeGrid(2, LABEL, model.cout, cols, cw, ch);
  const b = model.bias ? makeGrid(2 + w.w + GAP, LABEL, model.cout, 1, cw, ch) : null;
  return { w, b, height: Math.ceil(LABEL + w.h + 6), width };
}

export function hit(model, geom, x, y) {
  const rc = cellAt(geom.w, x, y);
  if (rc) return { kind: 'sw', co: rc.r, col: rc.c };
  const rb = cellAt(geom.b, x, y);
  return rb ? { kind: 'sw', co: rb.r, col: -1 } : null;
}

/** What clicking a weight (or a bias) edits. */
export function editTarget(model, target) {
  if (target.kind !== 'sw') return null;
  if (target.col < 0) return { tensor: 'bias', key: `${target.co}`, name: `b[${target.co}]`, value: model.bias.data[target.co] };
  const cl = Math.floor(target.col / model.k);
  const j = target.col % model.k;
  return {
    tensor: 'weight', key: `${target.co},${cl},0,${j}`, name: `w[${target.co}, ${cl}, ${j}]`,
    value: model.weight.data[(target.co * model.cinG + cl) * model.k + j],
  };
}

export function draw(ctx, model, t, focus, geom) {
  const { w, b } = geom;
  fitText(ctx, [`w: [${model.weight.shape.join(', ')}], row = c_out`, 'w'], w.x, w.y - 7, Math.max(w.w, 80), { size: 12, weight: 600 });
  drawGrid(ctx, w, { data: model.weight.data, maxAbs: model.scales.w });
  for (let cl = 1; cl < model.cinG; cl++) {
    ctx.fillStyle = '#374151';
    ctx.fillRect(w.x + cl * model.k * w.cw - 1, w.y, 2, w.h);
  }
  strokeCells(ctx, w, focus.co, 0, 1, w.cols, { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 2.5, halo: true });
  if (b) {
    fitText(ctx, ['b'], b.x, b.y - 7, 40, { size: 12, weight: 600 });
    drawGrid(ctx, b, { data: model.bias.data, maxAbs: model.scales.w });
    strokeCells(ctx, b, focus.co, 0, 1, 1, { color: COLORS.focus, width: 2.5, halo: true });
  }
  if (focus.weight) {
    const g = focus.weight.col < 0 ? b : w;
    if (g) strokeCells(ctx, g, focus.weight.co, Math.max(0, focus.weight.col), 1, 1, { color: COLORS.link, width: 2 });
  }
}
