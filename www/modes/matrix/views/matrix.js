// Matrix view: the convolution as y = C·x for one (input channel, output channel) pair, or the
// transposed convolution as x̂ = Cᵀ·y. Top: the two tensors as images (and, for Cᵀ, what
// F.conv_transpose2d returns, for comparison). Below, Falk's scheme: the vector on top of the
// matrix, the result beside it; zeros are drawn blank so the sparsity (the band structure of a
// convolution) shows. The timeline fills the result row by row.

import { COLORS, drawGrid, makeGrid, cellAt, strokeCells, fitText, text, arrow } from '../../../views/grid.js';

export const id = 'matrix';
export const title = 'The convolution matrix';

const LABEL = 20;
const GAP = 40;
const SIGN = 34;

const snap = (v) => (v >= 3 ? Math.floor(v) : v);

export function layout(model, width) {
  const T = model.transpose;
  // spatial tensors: the vector's image, the result's image (and ConvTranspose2d's, for Cᵀ)
  const shapes = T ? [[model.ho, model.wo], [model.h, model.w], [model.h, model.w]] : [[model.h, model.w], [model.ho, model.wo]];
  const cols = shapes.reduce((s, [, w]) => s + w, 0);
  const spatialAt = (x0, y0, avail) => {
    let s = Math.min(30, (avail - GAP * (shapes.length - 1)) / cols, 220 / Math.max(...shapes.map(([h]) => h)));
    s = snap(Math.max(1, s));
    const grids = [];
    let x = x0;
    for (const [h, w] of shapes) {
      grids.push(makeGrid(x, y0, h, w, s));
      x += w * s + GAP;
    }
    return { grids, h: Math.max(...shapes.map(([h]) => h)) * s, w: x - GAP - x0 };
  };
  // Falk's scheme: v (1 × cols) over M (rows × cols); r (rows × 1) to the right
  const rCol = 34;
  const cw = snap(Math.min(30, Math.max(0.5, (width - 40 - SIGN - rCol) / model.cols)));
  const ch = snap(Math.min(30, Math.max(cw, 4), 460 / model.rows));
  const vh = Math.max(cw, Math.min(24, 18));
  const schemeW = 40 + model.cols * cw + SIGN + Math.min(rCol, Math.max(ch, 22));
  // a narrow matrix (Cᵀ of a small output) leaves room: the pictures go beside it
  const beside = width - schemeW - 48 >= cols * 14 + GAP * (shapes.length - 1);
  let top;
  let spatial;
  if (beside) {
    top = 0;
    spatial = spatialAt(schemeW + 48, LABEL + 4, width - schemeW - 48).grids;
  } else {
    const sp = spatialAt(0, LABEL + 4, width);
    spatial = sp.grids;
    top = LABEL + 4 + sp.h + 40;
  }
  const V = makeGrid(40, top + LABEL, 1, model.cols, cw, vh);
  const M = makeGrid(40, V.y + vh + 14, model.rows, model.cols, cw, ch);
  const R = makeGrid(M.x + M.w + SIGN, M.y, model.rows, 1, Math.min(rCol, Math.max(ch, 22)), ch);
  const bottom = Math.max(M.y + M.h + 24, ...spatial.map((g) => g.y + g.h + 8));
  return { spatial, V, M, R, height: Math.ceil(bottom), width };
}

export function hit(model, geom, x, y) {
  const T = model.transpose;
  let rc = cellAt(geom.M, x, y);
  if (rc) return { kind: 'entry', row: rc.r, col: rc.c };
  rc = cellAt(geom.V, x, y);
  if (rc) return T ? { kind: 'vout', l: rc.c } : { kind: 'vin', k: rc.c };
  rc = cellAt(geom.R, x, y);
  if (rc) return T ? { kind: 'vin', k: rc.r } : { kind: 'vout', l: rc.r };
  const [a, b, c] = geom.spatial;
  rc = cellAt(a, x, y);
  if (rc) return T ? { kind: 'vout', l: rc.r * model.wo + rc.c } : { kind: 'vin', k: rc.r * model.w + rc.c };
  rc = cellAt(b, x, y) ?? (c ? cellAt(c, x, y) : null);
  if (rc) return T ? { kind: 'vin', k: rc.r * model.w + rc.c } : { kind: 'vout', l: rc.r * model.wo + rc.c };
  return null;
}

function label(ctx, candidates, x, y, maxW, color = COLORS.text) {
  fitText(ctx, candidates, x, y, maxW, { size: 12, weight: 600, color });
}

export function draw(ctx, model, t, focus, geom) {
  const T = model.transpose;
  const { V, M, R } = geom;
  const [ga, gb, gc] = geom.spatial;
  const pair = `[${model.co}, ${model.ci}]`;
  const filled = model.position(t.position).row + 1;
  const sx = model.scales.x;
  const sy = model.scales.y;
  const inScale = T ? sy : sx;
  // spatial pictures
  if (T) {
    label(ctx, [`y  [${model.ho}, ${model.wo}]`, 'y'], ga.x, ga.y - 8, gb.x - ga.x - 4);
    drawGrid(ctx, ga, { data: model.y, maxAbs: sy });
    label(ctx, [`x̂ = Cᵀ·y  [${model.h}, ${model.w}]`, 'Cᵀ·y'], gb.x, gb.y - 8, gc.x - gb.x - 4);
    drawGrid(ctx, gb, { data: model.xhat, maxAbs: sy, limit: filled });
    label(ctx, [`F.conv_transpose2d(y, w${pair})`, 'conv_transpose2d'], gc.x, gc.y - 8, geom.width - gc.x);
    if (model.xConvT) drawGrid(ctx, gc, { data: model.xConvT, maxAbs: sy });
    else text(ctx, 'not a ConvTranspose2d (see below)', gc.x, gc.y + 14, { size: 12, color: COLORS.muted });
  } else {
    label(ctx, [`x[0, ${model.ci}]  [${model.h}, ${model.w}]`, `x[0, ${model.ci}]`], ga.x, ga.y - 8, gb.x - ga.x - 4);
    drawGrid(ctx, ga, { data: model.x, maxAbs: sx });
    label(ctx, [`y = C·x  [${model.ho}, ${model.wo}]  (= F.conv2d(x[0, ${model.ci}], w${pair}))`, `y = C·x  [${model.ho}, ${model.wo}]`, 'y'], gb.x, gb.y - 8, geom.width - gb.x);
    drawGrid(ctx, gb, { data: model.y, maxAbs: sy, limit: filled });
  }
  const ay = ga.y + Math.min(ga.h, 120) / 2;
  arrow(ctx, ga.x + ga.w + 8, ay, gb.x - 8, ay, COLORS.ghost, 2);

  // Falk's scheme
  const vName = T ? 'y (flattened)' : 'x (flattened)';
  label(ctx, [`${vName}  [${model.cols}]`, vName], V.x, V.y - 8, geom.width - V.x);
  drawGrid(ctx, V, { data: model.v, maxAbs: inScale });
  const mName = T ? `Cᵀ  [${model.rows}, ${model.cols}]` : `C  [${model.rows}, ${model.cols}]`;
  text(ctx, T ? 'Cᵀ' : 'C', M.x - 8, M.y + Math.min(M.h / 2, 40) + 5, { size: 15, weight: 700, align: 'right' });
  drawGrid(ctx, M, { data: model.M, maxAbs: model.scales.w, blankWhere: { data: model.M } });
  fitText(ctx, [`${mName} · ${model.nonzeros} of ${model.rows * model.cols} entries nonzero`, mName], M.x, M.y + M.h + 16, geom.width - M.x, { size: 11, color: COLORS.muted });
  text(ctx, '=', M.x + M.w + SIGN / 2, M.y + Math.min(M.h / 2, 40) + 5, { size: 16, align: 'center', color: COLORS.muted });
  drawGrid(ctx, R, { data: model.r, maxAbs: T ? sy : sy, limit: filled });
  label(ctx, [T ? 'x̂' : 'y'], R.x, R.y - 8, 40);

  // emphasis: the row (timeline or hover), the hovered column / entry, the cells they stand for
  const style = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 2.5, halo: true };
  strokeCells(ctx, M, focus.row, 0, 1, model.cols, style);
  strokeCells(ctx, R, focus.row, 0, 1, 1, style);
  if (focus.col >= 0) {
    strokeCells(ctx, M, 0, focus.col, model.rows, 1, { color: COLORS.link, width: 1.5, dash: [4, 3] });
    strokeCells(ctx, V, 0, focus.col, 1, 1, { color: COLORS.link, width: 2.5 });
    strokeCells(ctx, M, focus.row, focus.col, 1, 1, { color: COLORS.link, width: 3, halo: true });
  }
  // the nonzero entries of the row: the vector entries they multiply, in both pictures of it
  const vw = T ? model.wo : model.w;
  for (let c = 0; c < model.cols; c++) {
    if (model.M[focus.row * model.cols + c] === 0) continue;
    strokeCells(ctx, V, 0, c, 1, 1, { color: COLORS.ghost, width: 1.5 });
    strokeCells(ctx, ga, Math.floor(c / vw), c % vw, 1, 1, { color: COLORS.ghost, width: 1.5 });
  }
  // the row's own cell (a result cell) and the hovered column's cell (a vector cell)
  const rowStyle = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true };
  const link = { color: COLORS.link, width: 3, halo: true };
  const rw = T ? model.w : model.wo;
  for (const g of T ? [gb, model.xConvT ? gc : null] : [gb]) {
    if (g) strokeCells(ctx, g, Math.floor(focus.row / rw), focus.row % rw, 1, 1, rowStyle);
  }
  if (focus.col >= 0) strokeCells(ctx, ga, Math.floor(focus.col / vw), focus.col % vw, 1, 1, link);
}
