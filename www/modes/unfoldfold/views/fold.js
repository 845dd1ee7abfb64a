// Fold view (F.fold = col2im on its own): during the fold half of the timeline, column l is added
// back onto the zero-padded canvas at its patch (overlaps sum), the count of patches per cell grows
// beside it, and the halo is dropped at the end. Then the identity the lecture states:
//
//   x  ⊙  count  =  fold(unfold(x))          count = fold(unfold(ones))
//
// Canvas and counts so far are the model's `partial(l)` (wasm fold calls); the product and its
// check are the model's. Nothing is computed here.

import { COLORS, drawGrid, makeGrid, cellAt, strokeCells, fitText, text, tileLayout } from '../../../views/grid.js';
import { columnsGrid, drawColumns, drawPaddedFrame, drawPatch } from './unfold.js';

export const id = 'fold';
export const title = 'F.fold';

const LABEL = 20;
const SECTION = 32;
const SIGN = 30;

const size = (dims) => `torch.Size([${dims.join(', ')}])`;

export function layout(model, width) {
  const C = columnsGrid(model, width, LABEL + 4, 200);  // x = 40: room for the channel labels
  const by = C.y + C.h + SECTION;
  const t = tileLayout({
    count: model.cin + 1,
    rows: model.hp,
    cols: model.wp,
    width,
    maxCell: 32,
    maxHeight: Math.max(180, Math.min(380, width * 0.6)),
    labelH: LABEL + 4,
  });
  const canvas = t.tiles.slice(0, model.cin).map((p) => makeGrid(p.x, by + p.y, model.hp, model.wp, t.cell));
  const cp = t.tiles[model.cin];
  const count = makeGrid(cp.x, by + cp.y, model.hp, model.wp, t.cell);
  // identity row: x (channels stacked) ⊙ count = back (channels stacked)
  const iy = by + t.height + SECTION + 2 * LABEL + 6;
  const colsTotal = 3 * model.w;
  let cell = Math.min(28, (width - 2 * SIGN - 16) / colsTotal, 320 / (model.cin * model.h));
  cell = cell >= 3 ? Math.floor(cell) : Math.max(0.5, cell);
  const bw = model.w * cell;
  const xs = [];
  const back = [];
  for (let c = 0; c < model.cin; c++) {
    xs.push(makeGrid(0, iy + c * (model.h * cell + 8), model.h, model.w, cell));
    back.push(makeGrid(2 * (bw + SIGN), iy + c * (model.h * cell + 8), model.h, model.w, cell));
  }
  const cnt = makeGrid(bw + SIGN, iy, model.h, model.w, cell);
  const height = iy + model.cin * (model.h * cell + 8) + 6;
  return { C, canvas, count, xs, cnt, back, height: Math.ceil(height), width };
}

export function hit(model, geom, x, y) {
  const rc = cellAt(geom.C, x, y);
  if (rc) return { kind: 'ucol', r: rc.r, l: rc.c };
  for (let c = 0; c < geom.canvas.length; c++) {
    const p = cellAt(geom.canvas[c], x, y);
    if (p) return { kind: 'upad', c, ph: p.r, pw: p.c };
  }
  const p = cellAt(geom.count, x, y);
  if (p) return { kind: 'upad', c: 0, ph: p.r, pw: p.c };
  for (let c = 0; c < geom.back.length; c++) {
    for (const g of [geom.xs[c], geom.back[c]]) {
      const q = cellAt(g, x, y);
      if (q) return { kind: 'upad', c, ph: q.r + model.padTop, pw: q.c + model.padLeft };
    }
  }
  const q = cellAt(geom.cnt, x, y);
  if (q) return { kind: 'upad', c: 0, ph: q.r + model.padTop, pw: q.c + model.padLeft };
  return null;
}

function label(ctx, candidates, x, y, maxW, color = COLORS.text) {
  fitText(ctx, candidates, x, y, maxW, { size: 12, weight: 600, color });
}

export function draw(ctx, model, t, focus, geom) {
  const pos = model.position(t.position);
  const folding = pos.phase === 'fold';
  const style = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true };
  const C = geom.C;
  label(ctx, [`F.fold(columns, output_size=(${model.h}, ${model.w}), …)`, 'F.fold(columns)'], C.x, C.y - 8, geom.width - C.x);
  drawColumns(ctx, model, C, folding ? undefined : pos.l);
  if (folding) strokeCells(ctx, C, 0, focus.l, model.K, 1, style);

  // the canvas and the counts so far (nothing yet while unfolding)
  const part = folding ? model.partial(pos.l) : null;
  const plane = model.hp * model.wp;
  for (let c = 0; c < model.cin; c++) {
    const g = geom.canvas[c];
    label(ctx, c === 0 ? [`canvas[${c}], padded  [${model.hp}, ${model.wp}]`, `canvas[${c}]`, `${c}`] : [`canvas[${c}]`, `${c}`], g.x, g.y - 9, Math.max(g.w + 20, 160));
    drawGrid(ctx, g, part
      ? { data: part.canvas, offset: c * plane, maxAbs: model.scales.y, blankWhere: { data: part.count } }
      : { data: model.padded, offset: c * plane, maxAbs: model.scales.y, blankAfterColumn: -1 });
    drawPaddedFrame(ctx, model, g);
    if (folding) drawPatch(ctx, model, g, focus.l, style);
  }
  const cg = geom.count;
  label(ctx, ['count (patches per cell)', 'count'], cg.x, cg.y - 9, geom.width - cg.x);
  drawGrid(ctx, cg, { data: part ? part.count : model.padded, maxAbs: model.scales.count, palette: 'count', blankAfterColumn: part ? undefined : -1 });
  drawPaddedFrame(ctx, model, cg);
  if (folding) drawPatch(ctx, model, cg, focus.l, style);
  if (focus.cell) {
    for (const g of [geom.canvas[focus.cell.c], cg]) strokeCells(ctx, g, focus.cell.ph, focus.cell.pw, 1, 1, { color: COLORS.link, width: 2.5 });
  }

  // the identity
  const x0 = geom.xs[0];
  label(ctx, [
    `fold(unfold(x)) = x ⊙ count   ${model.identityHolds ? '✓ equal' : '✗ not equal'}`,
    `${model.identityHolds ? '✓' : '✗'} fold(unfold(x)) = x ⊙ count`,
  ], 0, x0.y - LABEL - 12, geom.width, model.identityHolds ? '#067647' : '#b42318');
  label(ctx, [`x  ${size(model.input.shape)}`, 'x'], x0.x, x0.y - 6, geom.cnt.x - x0.x - 8, COLORS.muted);
  label(ctx, [`count = fold(unfold(ones))  [${model.h}, ${model.w}]`, 'count'], geom.cnt.x, x0.y - 6, geom.back[0].x - geom.cnt.x - 8, COLORS.muted);
  label(ctx, ['fold(unfold(x))', 'fold(unfold(x))'], geom.back[0].x, x0.y - 6, geom.width - geom.back[0].x, COLORS.muted);
  const hw = model.h * model.w;
  for (let c = 0; c < model.cin; c++) {
    drawGrid(ctx, geom.xs[c], { data: model.input.data, offset: c * hw, maxAbs: model.scales.y });
    drawGrid(ctx, geom.back[c], { data: model.back.data, offset: c * hw, maxAbs: model.scales.y });
  }
  drawGrid(ctx, geom.cnt, { data: model.count.data, maxAbs: model.scales.count, palette: 'count' });
  const my = geom.cnt.y + Math.min(geom.cnt.h, 80) / 2 + 6;
  text(ctx, '⊙', geom.cnt.x - SIGN / 2, my, { size: 18, align: 'center', color: COLORS.muted });
  text(ctx, '=', geom.back[0].x - SIGN / 2, my, { size: 18, align: 'center', color: COLORS.muted });
  if (focus.cell) {
    const r = focus.cell.ph - model.padTop;
    const c = focus.cell.pw - model.padLeft;
    if (r >= 0 && c >= 0 && r < model.h && c < model.w) {
      const s = { color: COLORS.link, width: 2.5 };
      strokeCells(ctx, geom.xs[focus.cell.c], r, c, 1, 1, s);
      strokeCells(ctx, geom.cnt, r, c, 1, 1, s);
      strokeCells(ctx, geom.back[focus.cell.c], r, c, 1, 1, s);
    }
  }
}
