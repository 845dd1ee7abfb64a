// im2col view: the convolution as one matrix product, drawn as Falk's scheme —
//
//              ┌──────────────────────────┐
//    patch  →  │ columns (C_in·kh·kw × L) │   unfold: column l = the patch under output cell l
//              └──────────────────────────┘
//   ┌────────┐ ┌──────────────────────────┐
//   │ weight │ │ product (C_out × L)      │   product[co, l] = weight row co · column l
//   └────────┘ └──────────────────────────┘
//   + bias, fold with a 1×1 kernel (the reshape) → output grid(s)
//
// With groups > 1 the weight matrix (C_out × C_in/g·kh·kw) is drawn block-diagonally: group g's
// rows sit over the columns rows of group g's channels, and the empty blocks are never stored.

import {
  COLORS, GROUP_COLORS, drawGrid, makeGrid, cellAt, strokeCells, hatchCells, fillCells, text, useFont, textWidth,
  tileLayout, arrow, paintOf,
} from '../../../views/grid.js';
import { filledCount, revealCell } from './output.js';

export const id = 'im2col';
export const title = 'Conv2d = Unfold + Matmul + Fold';

const GAP = 34;
const VGAP = 34;
const LABEL = 18;

const snap = (v) => (v >= 3 ? Math.floor(v) : v);

export function layout(model, width) {
  const { K, L, cout, Kg, cin, kh, kw } = model;
  const avail = Math.max(120, width - GAP - 2);
  let a;
  let b;
  const s = avail / (K + L);
  if (s >= 10) {
    a = b = Math.min(26, Math.floor(s));
  } else {
    a = snap(Math.min(26, Math.max(2, (avail * 0.4) / K)));
    b = snap(Math.min(26, (avail - K * a) / L));
  }
  const kH = snap(Math.min(26, Math.max(a, b), 520 / K));
  const oH = snap(Math.min(26, Math.max(a, b, 12), 160 / cout));
  const top = LABEL + 4;
  const C = makeGrid(K * a + GAP, top, K, L, b, kH);
  const wy = C.y + C.h + VGAP;
  const W = [];
  for (let g = 0; g < model.groups; g++) {
    W.push(makeGrid(g * Kg * a, wy + g * model.outPerGroup * oH, model.outPerGroup, Kg, a, oH));
  }
  const Wall = makeGrid(0, wy, cout, K, a, oH);
  const P = makeGrid(C.x, wy, cout, L, b, oH);
  // the patch inset, in the empty top-left corner
  let patch = null;
  let patchBottom = C.y;
  const boxW = K * a - 8;
  if (boxW >= 40 && C.h >= 24) {
    const pt = tileLayout({ count: cin, rows: kh, cols: kw, width: boxW, maxCell: 24, maxHeight: C.h - 4, labelH: 14, gapX: 8, gapY: 6 });
    if (pt.cell >= 5 && pt.height <= C.h + 2) {
      // right-aligned against the columns matrix, so the patch sits next to the column it becomes
      const used = Math.min(cin, pt.perRow) * (kw * pt.cell + 8) - 8;
      const shift = Math.max(0, boxW - used - 24);
      patch = pt.tiles.map((p) => makeGrid(p.x + shift, C.y + p.y, kh, kw, pt.cell));
      patchBottom = C.y + pt.height;
    }
  }
  const { reshape, labelW, height } = placeOutput(model, width, { C, P, boxW, patchBottom });
  return { C, W, Wall, P, reshape, labelW, patch, a, b, kH, oH, height: Math.ceil(height), width };
}

/**
 * Where the folded output goes: in the empty top-left corner under the patch when it fits there
 * (a wide page would otherwise leave that corner blank and the figure taller), else below the
 * product.
 */
function placeOutput(model, width, { C, P, boxW, patchBottom }) {
  const tiles = (w, maxHeight) => tileLayout({ count: model.cout, rows: model.ho, cols: model.wo, width: w, maxCell: 26, maxHeight, labelH: LABEL });
  const top = patchBottom + VGAP;
  const room = C.y + C.h - top - LABEL - 4;
  if (boxW >= 120 && room >= 40) {
    const rt = tiles(boxW - GAP, room);
    if (rt.cell >= 8 && rt.height <= room + 2) {
      const y = top + LABEL + 4;
      return { reshape: rt.tiles.map((p) => makeGrid(p.x, y + p.y, model.ho, model.wo, rt.cell)), labelW: boxW - 8, height: P.y + P.h + 6 };
    }
  }
  const ry = P.y + P.h + VGAP + 4;
  const rt = tiles(width, 220);
  return { reshape: rt.tiles.map((p) => makeGrid(p.x, ry + p.y, model.ho, model.wo, rt.cell)), labelW: width, height: ry + rt.height + 6 };
}

export function hit(model, geom, x, y) {
  let rc = cellAt(geom.C, x, y);
  if (rc) return { kind: 'column', r: rc.r, l: rc.c };
  rc = cellAt(geom.P, x, y);
  if (rc) return { kind: 'position', co: rc.r, l: rc.c };
  for (let g = 0; g < geom.W.length; g++) {
    rc = cellAt(geom.W[g], x, y);
    if (rc) return { kind: 'weight', co: g * model.outPerGroup + rc.r, k: rc.c };
  }
  for (let co = 0; co < geom.reshape.length; co++) {
    rc = cellAt(geom.reshape[co], x, y);
    if (rc) return { kind: 'position', co, l: rc.r * model.wo + rc.c };
  }
  return null;
}

/** The hit on the patch inset depends on the focused column: resolved by main with the focus. */
export function hitPatch(model, geom, x, y, l) {
  if (!geom.patch) return null;
  for (let c = 0; c < geom.patch.length; c++) {
    const rc = cellAt(geom.patch[c], x, y);
    if (rc) return { kind: 'column', r: (c * model.kh + rc.r) * model.kw + rc.c, l };
  }
  return null;
}

/** Column l of the columns matrix as a contiguous array (cached per model and column, in the app's paint cache). */
function columnData(ctx, model, l) {
  const byL = paintOf(ctx).memo(model);
  let d = byL.get(l);
  if (!d) {
    d = new Float32Array(model.K);
    for (let r = 0; r < model.K; r++) d[r] = model.columns.data[r * model.L + l];
    if (byL.size > 256) byL.clear();
    byL.set(l, d);
  }
  return d;
}

function label(ctx, s, short, x, y, maxW) {
  useFont(ctx, '600 12px Inter, system-ui, sans-serif');
  // the full label, the torch.Size, or (a narrow matrix) the bare dimensions
  const bare = short.replace(/^.*torch\.Size\((\[[^\]]*\])\)$/, '$1');
  const pick = [s, short, bare].find((c) => textWidth(ctx, c) <= maxW) ?? bare;
  text(ctx, pick, x, y, { size: 12, weight: 600 });
}

const size = (dims) => `torch.Size([${dims.join(', ')}])`;

export function draw(ctx, model, t, focus, geom) {
  const { C, W, Wall, P } = geom;
  const { K, L, Kg, cout, kh, kw, cin } = model;
  const area = kh * kw;
  const group = model.groupOfOut(focus.co);

  // labels
  label(ctx, `columns = F.unfold(x)  ${size(model.columns.shape)}`, size(model.columns.shape), C.x, C.y - 7, geom.width - C.x);
  label(ctx, `weight.view(C_out, −1)  ${size(model.weightMatrix.shape)}`, size(model.weightMatrix.shape), 0, Wall.y - 7, Math.max(60, C.x - 8));
  label(ctx, `weight · columns  ${size(model.product.shape)}`, size(model.product.shape), P.x, P.y - 7, geom.width - P.x);
  const r0 = geom.reshape[0];
  label(ctx, `+ bias, F.fold(…, (${model.ho}, ${model.wo}), kernel_size=1) → output  ${size(model.output.shape)}`, `+ bias, fold → ${size(model.output.shape)}`, 0, r0.y - LABEL - 4, geom.labelW);

  // columns matrix, channel bands
  drawGrid(ctx, C, { data: model.columns.data, offset: 0, maxAbs: model.scales.x, palette: model.palettes.x });
  ctx.strokeStyle = '#374151';
  ctx.lineWidth = 1;
  for (let c = 0; c < cin; c++) {
    const y = C.y + c * area * C.ch;
    if (c > 0) {
      ctx.beginPath();
      ctx.moveTo(C.x - 6, Math.round(y) + 0.5);
      ctx.lineTo(C.x + C.w, Math.round(y) + 0.5);
      ctx.stroke();
    }
    if (area * C.ch >= 13) {
      text(ctx, `c${c}`, C.x - 6, y + (area * C.ch) / 2 + 4, { size: 11, align: 'right', color: COLORS.muted, mono: true });
    }
    if (model.groups > 1) {
      ctx.fillStyle = GROUP_COLORS[model.groupOfIn(c) % GROUP_COLORS.length];
      ctx.fillRect(C.x - 4, y, 3, area * C.ch);
    }
  }

  // weight matrix, block-diagonal over groups
  if (model.groups > 1) {
    fillCells(ctx, Wall, 0, 0, cout, K, COLORS.blank);
    hatchCells(ctx, Wall, 0, 0, cout, K, 'rgba(107,114,128,0.35)', 6);
  }
  for (let g = 0; g < W.length; g++) {
    drawGrid(ctx, W[g], { data: model.weightMatrix.data, offset: g * model.outPerGroup * Kg, maxAbs: model.scales.w });
    if (model.groups > 1) {
      strokeCells(ctx, W[g], 0, 0, model.outPerGroup, Kg, { color: GROUP_COLORS[g % GROUP_COLORS.length], width: 2 });
    }
  }

  // product, filled with the timeline; reshaped output
  drawGrid(ctx, P, { data: model.product.data, offset: 0, maxAbs: model.scales.y, limit: t.position + 1 });
  for (let co = 0; co < cout; co++) {
    drawGrid(ctx, geom.reshape[co], { data: model.output.data, offset: co * L, maxAbs: model.scales.y, limit: filledCount(model, co, t.position) });
  }

  // the patch inset: the focused column, reshaped back into per-channel kernels
  if (geom.patch) {
    const col = columnData(ctx, model, focus.l);
    text(ctx, `patch at (${focus.oh}, ${focus.ow})`, geom.patch[0].x, C.y - 7, { size: 12, weight: 600, color: COLORS.muted });
    for (let c = 0; c < cin; c++) {
      const g = geom.patch[c];
      text(ctx, `c${c}`, g.x, g.y - 3, { size: 10, color: COLORS.muted, mono: true });
      drawGrid(ctx, g, { data: col, offset: c * area, maxAbs: model.scales.x, palette: model.palettes.x });
      if (model.groupOfIn(c) !== group) {
        ctx.fillStyle = 'rgba(255,255,255,0.6)';
        ctx.fillRect(g.x, g.y, g.w, g.h);
      }
    }
    const last = geom.patch[geom.patch.length - 1];
    const [x1, y1] = [C.x + (focus.l + 0.5) * C.cw, C.y - 2];
    const x0 = Math.min(C.x - 22, last.x + last.w + 6);
    if (focus.l * C.cw > 30) arrow(ctx, x0, C.y + 6, x1, y1 + 1, COLORS.ghost, 1.5);
    if (focus.row >= 0) {
      const c = Math.floor(focus.row / area);
      const rem = focus.row % area;
      strokeCells(ctx, geom.patch[c], Math.floor(rem / kw), rem % kw, 1, 1, { color: COLORS.link, width: 2 });
    }
  }

  // hovered input cell: every column entry that copies it, every product entry it feeds
  if (focus.cell) {
    const { c } = focus.cell;
    const g = model.groupOfIn(c);
    for (const rd of focus.readers) {
      strokeCells(ctx, C, (c * kh + rd.i) * kw + rd.j, rd.l, 1, 1, { color: COLORS.link, width: 2 });
      for (let co = g * model.outPerGroup; co < (g + 1) * model.outPerGroup; co++) {
        strokeCells(ctx, P, co, rd.l, 1, 1, { color: COLORS.link, width: 2 });
      }
    }
  }

  // focus: column, weight row, product entry, output cell
  revealCell(ctx, P, model.product.data, 0, focus.co * L + focus.l, model.scales.y, t.position + 1);
  revealCell(ctx, geom.reshape[focus.co], model.output.data, focus.co * L, focus.l, model.scales.y, filledCount(model, focus.co, t.position));
  const style = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 2.5, halo: true };
  strokeCells(ctx, C, 0, focus.l, K, 1, style);
  if (model.groups > 1) strokeCells(ctx, C, group * Kg, focus.l, Kg, 1, { color: COLORS.focus, width: 3 });
  const wg = W[group];
  strokeCells(ctx, wg, focus.co - group * model.outPerGroup, 0, 1, Kg, style);
  strokeCells(ctx, P, focus.co, focus.l, 1, 1, style);
  strokeCells(ctx, geom.reshape[focus.co], focus.oh, focus.ow, 1, 1, style);
  if (focus.row >= 0) {
    strokeCells(ctx, C, focus.row, focus.l, 1, 1, { color: COLORS.link, width: 2.5 });
  }
  if (focus.k >= 0) {
    strokeCells(ctx, wg, focus.co - group * model.outPerGroup, focus.k, 1, 1, { color: COLORS.link, width: 2.5 });
  }
}
