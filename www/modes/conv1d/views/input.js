// Conv1d input view: one row of cells per input channel on its padded length — the layer's halo
// hatched grey on both sides, the causal zeros (F.pad, left only) hatched blue — the window of the
// current output cell with its dilation holes dimmed, the previous window (→ stride) dashed, and
// under each row of the focused group the kernel w[c_out, c_in, :] on the cells it multiplies.

import { COLORS, drawGrid, makeGrid, cellAt, strokeCells, hatchCells, fitText, veil } from '../../../views/grid.js';

export const id = 'seq-input';
export const title = 'Sequence and the sliding kernel';

const LABEL = 20;
const GAP = 6;
const AFTER = 14;
export const CAUSAL = 'rgba(37,99,235,0.55)';

export function layout(model, width) {
  const cw = Math.max(1, Math.min(40, Math.floor(((width - 4) / model.lp) * 100) / 100));
  const ch = Math.max(14, Math.min(40, cw));
  const rows = [];
  let y = LABEL;
  for (let c = 0; c < model.c; c++) {
    rows.push({ x: makeGrid(2, y, 1, model.lp, cw, ch), y: y + ch + GAP });
    y += 2 * ch + GAP + AFTER + LABEL;
  }
  return { rows, cw, ch, height: Math.ceil(y - LABEL + 4), width };
}

export function hit(model, geom, x, y) {
  for (let c = 0; c < geom.rows.length; c++) {
    const rc = cellAt(geom.rows[c].x, x, y);
    if (rc) return { kind: 'sin', c, i: rc.c };
  }
  return null;
}

/** What clicking a cell edits (the padding and the causal zeros are not the input). */
export function editTarget(model, target) {
  if (target.kind !== 'sin') return null;
  const kind = model.cellKind(target.i);
  if (kind === 'causal') return { refused: 'These are the causal zeros F.pad(x, ((k − 1)·d, 0)) adds on the left, not part of x.' };
  if (kind === 'halo') return { refused: 'This is the layer’s padding, not part of the input.' };
  const t = target.i - model.first;
  return { tensor: 'input', key: `${target.c},0,${t}`, name: `x[0, ${target.c}, ${t}]`, value: model.input.data[target.c * model.l + t] };
}

/** The halo and the causal zeros hatched, the input framed. */
function drawFrame(ctx, model, g) {
  const sp = Math.max(4, Math.min(7, g.cw / 3));
  const { padLeft: left, padRight: right, cp, lp } = model;
  if (left) hatchCells(ctx, g, 0, 0, 1, left, COLORS.halo, sp);
  if (right) hatchCells(ctx, g, 0, lp - right, 1, right, COLORS.halo, sp);
  if (cp) hatchCells(ctx, g, 0, left, 1, cp, CAUSAL, sp);
  if (left || right || cp) strokeCells(ctx, g, 0, model.first, 1, model.l, { color: '#374151', width: 1.5 });
}

/** A window on a row: its box, the dilation holes veiled; `style` its outline. */
function drawWindow(ctx, model, g, win, style) {
  const a = win[0];
  const b = win[win.length - 1];
  if (model.d > 1) {
    const on = new Set(win);
    for (let i = a; i <= b; i++) if (!on.has(i)) veil(ctx, g.x + i * g.cw, g.y, g.cw, g.ch, 0.7);
  }
  strokeCells(ctx, g, 0, a, 1, b - a + 1, style);
}

/** The kernel of (co, channel c) under the cells it multiplies: one cell per tap. */
function drawKernel(ctx, model, g, y, focus, cl) {
  const base = (focus.co * model.cinG + cl) * model.k;
  focus.window.forEach((pos, j) => {
    const cell = makeGrid(g.x + pos * g.cw, y, 1, 1, g.cw, g.ch);
    drawGrid(ctx, cell, { data: model.weight.data, offset: base + j, maxAbs: model.scales.w });
  });
  const wg = makeGrid(g.x, y, 1, model.lp, g.cw, g.ch);
  if (focus.weight && focus.weight.co === focus.co && Math.floor(focus.weight.col / model.k) === cl) {
    strokeCells(ctx, wg, 0, focus.window[focus.weight.col % model.k], 1, 1, { color: COLORS.link, width: 2 });
  }
}

export function draw(ctx, model, t, focus, geom) {
  const style = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true };
  for (let c = 0; c < model.c; c++) {
    const { x: g, y: ky } = geom.rows[c];
    const cl = c - focus.group * model.cinG;
    const inGroup = cl >= 0 && cl < model.cinG;
    const tail = inGroup ? `  ·  below: w[${focus.co}, ${cl}, :] at y[0, ${focus.co}, ${focus.o}]` : '  ·  not in this output’s group';
    fitText(ctx, [`x[0, ${c}]${tail}`, `x[0, ${c}]`, `c${c}`], g.x, g.y - 7, Math.max(geom.width - 4, 60), { size: 12, weight: 600 });
    drawGrid(ctx, g, { data: model.padded.data, offset: c * model.lp, maxAbs: model.scales.x });
    drawFrame(ctx, model, g);
    if (!inGroup) {
      veil(ctx, g.x, g.y, g.w, g.h, 0.45);
      continue;
    }
    if (focus.ghost) drawWindow(ctx, model, g, focus.ghost, { color: COLORS.ghost, width: 2, dash: [4, 3] });
    drawWindow(ctx, model, g, focus.window, style);
    drawKernel(ctx, model, g, ky, focus, cl);
    if (focus.cell && focus.cell.c === c) strokeCells(ctx, g, 0, focus.cell.i, 1, 1, { color: COLORS.link, width: 2 });
  }
}
