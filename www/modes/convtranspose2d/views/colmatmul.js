// The matmul view of ConvTranspose2d (col2im), drawn as Falk's scheme —
//
//                ┌──────────────────────────┐
//                │ X = input.view(C_in, H·W) │
//                └──────────────────────────┘
//   ┌──────────┐ ┌──────────────────────────┐
//   │ Wᵀ        │ │ columns = Wᵀ · X          │   column l = the stamp of input location l
//   └──────────┘ └──────────────────────────┘
//   fold: column l, reshaped to kh×kw per output channel, is added onto the canvas at (ih·s, iw·s)
//
// With groups > 1, Wᵀ is block-diagonal: group g's block multiplies only group g's rows of X.

import {
  COLORS, GROUP_COLORS, drawGrid, makeGrid, cellAt, strokeCells, hatchCells, fillCells, fitText, text, tileLayout, arrow,
  formatValue,
} from '../../../views/grid.js';

export const id = 'colmatmul';
export const title = 'columns = Wᵀ · X, then fold';

const GAP = 34;
const VGAP = 30;
const LABEL = 18;

const snap = (v) => (v >= 3 ? Math.floor(v) : v);
const size = (dims) => `torch.Size([${dims.join(', ')}])`;

export function layout(model, width) {
  const { cin, HW, cout, kk } = model;
  const R = cout * kk;
  const avail = Math.max(120, width - GAP - 2);
  let a;
  let b;
  const s = avail / (cin + HW);
  if (s >= 10) a = b = Math.min(26, Math.floor(s));
  else {
    a = snap(Math.min(26, Math.max(4, (avail * 0.3) / cin)));
    b = snap(Math.min(26, (avail - cin * a) / HW));
  }
  const xH = snap(Math.min(26, Math.max(a, b, 12), 120 / cin));
  const rH = snap(Math.min(26, Math.max(a, b), 420 / R));
  const left = cin * a + GAP;
  const X = makeGrid(left, LABEL + 4, cin, HW, b, xH);
  const cy = X.y + X.h + VGAP;
  const Wall = makeGrid(0, cy, R, cin, a, rH);
  const W = [];
  const rows = model.weightT.rowsPerGroup;
  for (let g = 0; g < model.groups; g++) W.push(makeGrid(g * model.cinG * a, cy + g * rows * rH, rows, model.cinG, a, rH));
  const C = makeGrid(left, cy, R, HW, b, rH);
  const fy = C.y + C.h + VGAP + LABEL;
  const ft = tileLayout({ count: cout, rows: model.kh, cols: model.kw, width: Math.min(width, 420), maxCell: 26, maxHeight: 160, labelH: LABEL });
  const patch = ft.tiles.map((p) => makeGrid(p.x, fy + p.y - LABEL, model.kh, model.kw, ft.cell));
  return { X, W, Wall, C, patch, a, b, height: Math.ceil(fy - LABEL + ft.height + (cout > 1 ? 18 : 8)), width };
}

export function hit(model, geom, x, y) {
  let rc = cellAt(geom.C, x, y);
  if (rc) return { kind: 'tcol', r: rc.r, l: rc.c };
  rc = cellAt(geom.X, x, y);
  if (rc) return { kind: 'tin', c: rc.r, l: rc.c };
  return null;
}

function label(ctx, candidates, x, y, maxW) {
  fitText(ctx, candidates, x, y, maxW, { size: 12, weight: 600 });
}

export function draw(ctx, model, t, focus, geom) {
  const { X, W, Wall, C } = geom;
  const { cin, cout, kk, HW } = model;
  const pos = model.position(t.position);
  const inputDriven = model.stepBy === 'input';

  label(ctx, [`X = input.view(C_in, H·W)  [${cin}, ${HW}]`, `X  [${cin}, ${HW}]`, 'X'], X.x, X.y - 7, geom.width - X.x);
  label(ctx, [`Wᵀ  [${cout * kk}, ${model.cinG}]${model.groups > 1 ? ` × ${model.groups} groups` : ''}`, 'Wᵀ'], 0, Wall.y - 7, Math.max(40, C.x - 6));
  label(ctx, [`columns = Wᵀ · X  ${size(model.columns.shape)}`, `columns  ${size(model.columns.shape)}`, 'columns'], C.x, C.y - 7, geom.width - C.x);

  drawGrid(ctx, X, { data: model.input.data, maxAbs: model.scales.x, palette: model.palettes.x });
  for (let c = 0; c < cin; c++) {
    if (X.ch >= 12) text(ctx, `c${c}`, X.x - 5, X.y + (c + 0.5) * X.ch + 4, { size: 11, align: 'right', color: COLORS.muted, mono: true });
  }
  if (model.groups > 1) {
    fillCells(ctx, Wall, 0, 0, Wall.rows, Wall.cols, COLORS.blank);
    hatchCells(ctx, Wall, 0, 0, Wall.rows, Wall.cols, 'rgba(107,114,128,0.35)', 6);
  }
  const rows = model.weightT.rowsPerGroup;
  for (let g = 0; g < W.length; g++) {
    drawGrid(ctx, W[g], { data: model.weightT.data, offset: g * rows * model.cinG, maxAbs: model.scales.w });
    if (model.groups > 1) strokeCells(ctx, W[g], 0, 0, rows, model.cinG, { color: GROUP_COLORS[g % GROUP_COLORS.length], width: 2 });
  }
  // columns: filled up to the current input location while stepping by input cells
  drawGrid(ctx, C, { data: model.columns.data, maxAbs: model.scales.y, blankAfterColumn: inputDriven ? pos.l : undefined });
  ctx.strokeStyle = '#374151';
  ctx.lineWidth = 1;
  for (let co = 1; co < cout; co++) {
    const y = Math.round(C.y + co * kk * C.ch) + 0.5;
    ctx.beginPath();
    ctx.moveTo(Wall.x, y);
    ctx.lineTo(C.x + C.w, y);
    ctx.stroke();
  }
  if (cout > 1) {
    for (let co = 0; co < cout; co++) {
      if (kk * C.ch >= 13) text(ctx, `out ${co}`, C.x + C.w + 6, C.y + (co + 0.5) * kk * C.ch + 4, { size: 10, color: COLORS.muted, mono: true });
    }
  }

  // the emphasised input location: its column of X and of columns
  const style = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 2.5, halo: true };
  const l = focus.inL;
  if (l !== null) {
    strokeCells(ctx, X, 0, l, cin, 1, style);
    strokeCells(ctx, C, 0, l, C.rows, 1, style);
    if (focus.colRow >= 0) strokeCells(ctx, C, focus.colRow, l, 1, 1, { color: COLORS.link, width: 2.5 });
  }
  // the entries that fold onto the emphasised canvas cell
  if (focus.full) {
    const co = focus.full.co;
    for (const wr of focus.writers) {
      strokeCells(ctx, C, co * kk + wr.i * model.kw + wr.j, wr.l, 1, 1, { color: COLORS.link, width: 2 });
    }
  }

  // fold: column l reshaped per output channel, added onto the canvas
  const p0 = geom.patch[0];
  if (l !== null) {
    const ih = Math.floor(l / model.w);
    const iw = l % model.w;
    const fh = ih * model.stride[0];
    const fw = iw * model.stride[1];
    label(ctx, [
      `fold: column ${l} as ${model.kh}×${model.kw} per out channel, added onto canvas[:, ${fh}…, ${fw}…] (overlaps sum), then padding crops`,
      `fold: column ${l}, added at canvas[:, ${fh}, ${fw}]`,
      `fold: column ${l}`,
    ], 0, p0.y - LABEL + 4, geom.width);
    const col = model.columnOf(l);
    for (let co = 0; co < cout; co++) {
      drawGrid(ctx, geom.patch[co], { data: col, offset: co * kk, maxAbs: model.scales.y });
      if (cout > 1) text(ctx, `out ${co}`, geom.patch[co].x, geom.patch[co].y + geom.patch[co].h + 12, { size: 10, color: COLORS.muted, mono: true });
    }
    const last = geom.patch[geom.patch.length - 1];
    const x1 = C.x + (l + 0.5) * C.cw;
    if (x1 > last.x + last.w + 20) arrow(ctx, x1, C.y + C.h + 3, last.x + last.w + 8, last.y + last.h / 2, COLORS.ghost, 1.5);
  } else if (focus.full) {
    const { co, fh, fw } = focus.full;
    const n = focus.writers.length;
    label(ctx, [
      `fold: the ${n} highlighted entr${n === 1 ? 'y lands' : 'ies land'} on canvas[${co}, ${fh}, ${fw}] and sum to ${formatValue(model.full.data[(co * model.hf + fh) * model.wf + fw])}; hover an input cell to see a whole column fold`,
      `fold: ${n} entr${n === 1 ? 'y' : 'ies'} sum onto canvas[${co}, ${fh}, ${fw}]`,
    ], 0, p0.y - LABEL + 4, geom.width);
  }
}
