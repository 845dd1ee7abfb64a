// Unfold view (F.unfold = im2col on its own): the zero-padded input per channel with the patch of
// the current column, the patch cut out (one kh×kw tile per channel), and the columns matrix
// [C·kh·kw, L] filling column by column during the unfold half of the timeline.

import {
  COLORS, drawGrid, makeGrid, cellAt, strokeCells, hatchCells, fitText, text, veil, tileLayout, arrow,
} from '../../../views/grid.js';

export const id = 'unfold';
export const title = 'F.unfold';

const LABEL = 20;
const SECTION = 30;

const size = (dims) => `torch.Size([${dims.join(', ')}])`;
const snap = (v) => (v >= 3 ? Math.floor(v) : v);

/** The columns matrix [C·kh·kw, L] at (x, y), cells as large as width and maxHeight allow. */
export function columnsGrid(model, width, y, maxHeight, x = 40) {
  const b = snap(Math.min(26, Math.max(0.5, (width - x - 4) / model.L)));
  const rh = snap(Math.min(26, Math.max(b, 6), maxHeight / model.K));
  return makeGrid(x, y, model.K, model.L, b, rh);
}

/** Padded input tiles (row A); the patch, one tile per channel beside its band of the columns (row B). */
export function layout(model, width) {
  const t = tileLayout({
    count: model.cin,
    rows: model.hp,
    cols: model.wp,
    width,
    maxCell: 34,
    maxHeight: Math.max(200, Math.min(360, width * 0.6)),
    labelH: LABEL + 4,
  });
  const padded = t.tiles.map((p) => makeGrid(p.x, p.y, model.hp, model.wp, t.cell));
  const cy = t.height + SECTION + LABEL;
  let ps = Math.min(22, Math.floor((width * 0.25) / model.kw));
  const px = 24;
  const C = columnsGrid(model, width, cy, 420, px + model.kw * ps + 64);
  const band = model.kk * C.ch;
  ps = Math.max(3, Math.min(ps, Math.floor((band - 4) / model.kh)));
  const patch = [];
  for (let c = 0; c < model.cin; c++) patch.push(makeGrid(px, C.y + c * band + (band - model.kh * ps) / 2, model.kh, model.kw, ps));
  return { padded, patch, C, height: Math.ceil(C.y + C.h + 8), width };
}

export function hit(model, geom, x, y) {
  for (let c = 0; c < geom.padded.length; c++) {
    const rc = cellAt(geom.padded[c], x, y);
    if (rc) return { kind: 'upad', c, ph: rc.r, pw: rc.c };
  }
  const rc = cellAt(geom.C, x, y);
  if (rc) return { kind: 'ucol', r: rc.r, l: rc.c };
  return null;
}

/** What clicking a (non-halo) input cell edits. */
export function editTarget(model, target) {
  if (target.kind !== 'upad') return null;
  const h = target.ph - model.padTop;
  const w = target.pw - model.padLeft;
  if (h < 0 || w < 0 || h >= model.h || w >= model.w) return { refused: 'This is zero padding, not part of the input: it is always 0.' };
  return { tensor: 'input', key: `${target.c},${h},${w}`, name: `input[0, ${target.c}, ${h}, ${w}]`, value: model.input.data[(target.c * model.h + h) * model.w + w] };
}

/** The halo hatched, the input framed, the rows / columns the floor leaves unread hatched red. */
export function drawPaddedFrame(ctx, model, g) {
  const { padTop: top, padLeft: left, h, w, hp, wp } = model;
  const spacing = Math.max(4, Math.min(7, g.cw / 3));
  const bottom = hp - top - h;
  const right = wp - left - w;
  if (top > 0) hatchCells(ctx, g, 0, 0, top, wp, COLORS.halo, spacing);
  if (bottom > 0) hatchCells(ctx, g, hp - bottom, 0, bottom, wp, COLORS.halo, spacing);
  if (left > 0) hatchCells(ctx, g, top, 0, h, left, COLORS.halo, spacing);
  if (right > 0) hatchCells(ctx, g, top, wp - right, h, right, COLORS.halo, spacing);
  if (top || bottom || left || right) strokeCells(ctx, g, top, left, h, w, { color: '#374151', width: 1.5 });
  const uh = model.arithmetic.height.unused;
  const uw = model.arithmetic.width.unused;
  const sp = Math.max(3, Math.min(5, g.cw / 5));
  if (uh > 0) hatchCells(ctx, g, hp - uh, 0, uh, wp, COLORS.unused, sp);
  if (uw > 0) hatchCells(ctx, g, 0, wp - uw, hp, uw, COLORS.unused, sp);
}

/** The patch of column l on a padded grid: its box, dilation holes veiled. */
export function drawPatch(ctx, model, g, l, style) {
  const cells = model.footprint(l);
  const f0 = cells[0];
  const last = cells[cells.length - 1];
  if (model.dilation[0] > 1 || model.dilation[1] > 1) {
    const on = new Set(cells.map((c) => c.ph * model.wp + c.pw));
    for (let r = f0.ph; r <= last.ph; r++) {
      for (let c = f0.pw; c <= last.pw; c++) if (!on.has(r * model.wp + c)) veil(ctx, g.x + c * g.cw, g.y + r * g.ch, g.cw, g.ch, 0.7);
    }
  }
  strokeCells(ctx, g, f0.ph, f0.pw, last.ph - f0.ph + 1, last.pw - f0.pw + 1, style);
}

/** The columns matrix with channel bands (labels at the left); columns after `filledTo` blank. */
export function drawColumns(ctx, model, C, filledTo) {
  drawGrid(ctx, C, { data: model.columns.data, maxAbs: model.scales.x, blankAfterColumn: filledTo });
  ctx.strokeStyle = '#374151';
  ctx.lineWidth = 1;
  for (let c = 0; c < model.cin; c++) {
    const y = C.y + c * model.kk * C.ch;
    if (c > 0) {
      ctx.beginPath();
      ctx.moveTo(C.x - 6, Math.round(y) + 0.5);
      ctx.lineTo(C.x + C.w, Math.round(y) + 0.5);
      ctx.stroke();
    }
    if (model.kk * C.ch >= 13) text(ctx, `c${c}`, C.x - 6, y + (model.kk * C.ch) / 2 + 4, { size: 11, align: 'right', color: COLORS.muted, mono: true });
  }
}

export function draw(ctx, model, t, focus, geom) {
  const pos = model.position(t.position);
  const unfolding = pos.phase === 'unfold';
  const style = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true };
  const plane = model.hp * model.wp;
  for (let c = 0; c < model.cin; c++) {
    const g = geom.padded[c];
    fitText(ctx, c === 0
      ? [`x[0, ${c}] ${model.padTop || model.padLeft ? 'zero-padded' : 'no padding'}  [${model.hp}, ${model.wp}]`, `x[0, ${c}] padded`, `c${c}`]
      : [`x[0, ${c}] padded`, `c${c}`], g.x, g.y - 9, Math.max(g.w + 20, 150), { size: 12, weight: 600 });
    drawGrid(ctx, g, { data: model.padded, offset: c * plane, maxAbs: model.scales.x });
    drawPaddedFrame(ctx, model, g);
    drawPatch(ctx, model, g, focus.l, style);
    if (focus.cell && focus.cell.c === c) strokeCells(ctx, g, focus.cell.ph, focus.cell.pw, 1, 1, { color: COLORS.link, width: 2.5 });
  }
  // the patch, cut out: one tile per channel, beside that channel's band of the columns
  const C = geom.C;
  fitText(ctx, [`patch (${focus.oh}, ${focus.ow}) → column ${focus.l}`, `column ${focus.l}`], 0, C.y - 8, C.x - 8, { size: 12, weight: 600, color: COLORS.muted });
  const col = model.columnOf(focus.l);
  for (let c = 0; c < model.cin; c++) {
    const g = geom.patch[c];
    drawGrid(ctx, g, { data: col, offset: c * model.kk, maxAbs: model.scales.x });
    if (focus.row >= 0 && Math.floor(focus.row / model.kk) === c) {
      const rem = focus.row % model.kk;
      strokeCells(ctx, g, Math.floor(rem / model.kw), rem % model.kw, 1, 1, { color: COLORS.link, width: 2 });
    }
  }
  // columns, filled up to the current one while unfolding
  fitText(ctx, [`columns = F.unfold(x)  ${size(model.columns.shape)}  (one column per kernel position, L = ${model.ho}·${model.wo})`, `columns  ${size(model.columns.shape)}`, 'columns'], C.x, C.y - 8, geom.width - C.x, { size: 12, weight: 600 });
  drawColumns(ctx, model, C, unfolding ? pos.l : undefined);
  strokeCells(ctx, C, 0, focus.l, model.K, 1, style);
  if (focus.row >= 0) strokeCells(ctx, C, focus.row, focus.l, 1, 1, { color: COLORS.link, width: 2.5 });
  for (const rd of focus.readers) {
    strokeCells(ctx, C, (focus.cell.c * model.kh + rd.i) * model.kw + rd.j, rd.l, 1, 1, { color: COLORS.link, width: 2 });
  }
  const p0 = geom.patch[0];
  const ay = p0.y + p0.h / 2;
  arrow(ctx, p0.x + p0.w + 6, ay, C.x - 30, ay, COLORS.ghost, 1.5);
}
