// ∂L/∂x as a scatter-add (ConvTranspose2d's picture): each ∂L/∂y cell stamps its value × its
// kernel onto the padded input's grid; overlaps sum. Then the halo folds back: a halo cell holds
// a copy of an input cell (reflect / replicate / circular), so its gradient is added to that cell
// — drawn as arrows from the halo cell to its source. With zeros padding the halo's gradient is
// dropped (it belongs to no input).
//
//   w[co, ci] (kernel)  ×  ∂L/∂y cell  =  stamp            row A, the stamp in view
//   ∂L/∂(padded x) after the stamps so far, per input ch.   row B
//   ∂L/∂x = x.grad, per input channel                      row C
//
// Every value comes from the model (wasm backward of masked ∂L/∂y).

import { COLORS, drawGrid, makeGrid, cellAt, cellCenter, strokeCells, hatchCells, text, arrow } from '../../../views/grid.js';

export const id = 'stamp';
export const title = '∂L/∂x';

const LABEL = 20;
const GAP = 16;
/** Fold-back arrows drawn for every halo cell up to this many (else only the hovered one's). */
const MAX_ARROWS = 60;

export function layout(model, width) {
  const { cin, cg, kh, kw, hp, wp, h, w } = model;
  const ks = Math.max(4, Math.min(26, Math.floor((width - 60 - (2 * cg - 1) * 10) / (2 * cg * kw))));
  const kernels = [];
  const stamps = [];
  let x = 0;
  for (let ci = 0; ci < cg; ci++) { kernels.push(makeGrid(x, LABEL, kh, kw, ks)); x += kw * ks + 10; }
  x += 40;
  for (let ci = 0; ci < cg; ci++) { stamps.push(makeGrid(x, LABEL, kh, kw, ks)); x += kw * ks + 10; }
  const signX = kernels[cg - 1].x + kw * ks + 4;
  const byW = (width - 4 - (cin - 1) * GAP) / (cin * wp);
  const byH = (Math.max(240, Math.min(520, width * 0.8)) - 2 * (LABEL + 20)) / (hp + h);
  let cell = Math.max(1, Math.min(34, byW, byH));
  if (cell >= 3) cell = Math.floor(cell);
  const by = LABEL + kh * ks + 22 + LABEL;
  const padded = [];
  const grad = [];
  const cy = by + hp * cell + 36 + LABEL;
  for (let c = 0; c < cin; c++) {
    const gx = 2 + c * (wp * cell + GAP);
    padded.push(makeGrid(gx, by, hp, wp, cell));
    grad.push(makeGrid(gx + model.padLeft * cell, cy, h, w, cell));
  }
  return { kernels, stamps, signX, padded, grad, height: Math.ceil(cy + h * cell + 6), width };
}

export function hit(model, geom, x, y) {
  for (let c = 0; c < geom.padded.length; c++) {
    const a = cellAt(geom.padded[c], x, y);
    if (a) return { kind: 'gpad', c, ph: a.r, pw: a.c };
    const b = cellAt(geom.grad[c], x, y);
    if (b) return { kind: 'gx', c, ih: b.r, iw: b.c };
  }
  return null;
}

/** Row A: the kernels of the stamp's channel, × the ∂L/∂y value, = the stamp. */
function drawStampRow(ctx, model, focus, geom) {
  const k = focus.stamp;
  if (k < 0) {
    text(ctx, focus.tap ? 'Every stamp is in: ∂L/∂x is complete.' : 'Hover a ∂L/∂y cell to see its stamp.', 0, 14, { size: 12, color: COLORS.muted });
    return;
  }
  const co = Math.floor(k / model.L);
  const l = k % model.L;
  const v = model.gy.data[k];
  text(ctx, `w[${co}] × ∂L/∂y[0, ${co}, ${Math.floor(l / model.wo)}, ${l % model.wo}] (= ${Number(v.toPrecision(4))})  =  stamp`, 0, 13, { size: 12, weight: 600 });
  const stamp = model.stampKernel(k);
  for (let ci = 0; ci < model.cg; ci++) {
    drawGrid(ctx, geom.kernels[ci], { data: model.weight.data, offset: (co * model.cg + ci) * model.kk, maxAbs: model.scales.w });
    drawGrid(ctx, geom.stamps[ci], { data: stamp, offset: ci * model.kk, maxAbs: model.scales.gx });
  }
  const g = geom.kernels[model.cg - 1];
  text(ctx, '×g =', geom.signX, g.y + g.h / 2 + 4, { size: 12, color: COLORS.muted });
}

/** Fold-back arrows: halo cells (their gradient) → the input cells they copy. */
function drawFold(ctx, model, focus, geom) {
  if (model.params.paddingMode === 'zeros') return;
  const only = focus.pad;
  let halo = 0;
  for (let ph = 0; ph < model.hp; ph++) for (let pw = 0; pw < model.wp; pw++) if (!model.inside(ph, pw)) halo++;
  for (let c = 0; c < model.cin; c++) {
    for (let ph = 0; ph < model.hp; ph++) {
      for (let pw = 0; pw < model.wp; pw++) {
        if (model.inside(ph, pw)) continue;
        const isOnly = only && only.c === c && only.ph === ph && only.pw === pw;
        if (!isOnly && (halo * model.cin > MAX_ARROWS || (only && !isOnly))) continue;
        const src = model.sourceOf(ph, pw);
        if (!src) continue;
        const [x0, y0] = cellCenter(geom.padded[c], ph, pw);
        const [x1, y1] = cellCenter(geom.grad[c], src[0], src[1]);
        arrow(ctx, x0, y0, x1, y1, isOnly ? COLORS.link : 'rgba(192,38,211,0.35)', isOnly ? 2 : 1);
      }
    }
  }
}

export function draw(ctx, model, t, focus, geom) {
  drawStampRow(ctx, model, focus, geom);
  const timelineStamp = focus.pos.phase === 'stamp' ? focus.pos.k : model.stamps - 1;
  const canvas = model.partial(timelineStamp);
  const done = focus.pos.phase !== 'stamp' || timelineStamp === model.stamps - 1;
  const p0 = geom.padded[0];
  text(ctx, `∂L/∂(padded x): ${Math.min(timelineStamp + 1, model.stamps)} of ${model.stamps} stamps added`, p0.x, p0.y - 8, { size: 12, weight: 600 });
  const g0 = geom.grad[0];
  text(ctx, model.params.paddingMode === 'zeros' ? 'x.grad (halo gradient dropped)' : 'x.grad (halo folds back: arrows)', geom.padded[0].x, g0.y - 8, { size: 12, weight: 600 });
  for (let c = 0; c < model.cin; c++) {
    const pg = geom.padded[c];
    drawGrid(ctx, pg, { data: canvas.data, offset: c * model.hp * model.wp, maxAbs: model.scales.gx });
    // the halo, hatched
    for (let ph = 0; ph < model.hp; ph++) for (let pw = 0; pw < model.wp; pw++) if (!model.inside(ph, pw)) hatchCells(ctx, pg, ph, pw, 1, 1, COLORS.halo);
    drawGrid(ctx, geom.grad[c], { data: model.gx.data, offset: c * model.h * model.w, maxAbs: model.scales.gx, limit: done ? undefined : 0 });
  }
  if (focus.stamp >= 0) {
    const co = Math.floor(focus.stamp / model.L);
    const c0 = model.groupOfOut(co) * model.cg;
    for (let ci = 0; ci < model.cg; ci++) {
      for (const f of model.footprint(focus.stamp)) strokeCells(ctx, geom.padded[c0 + ci], f.ph, f.pw, 1, 1, { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 2 });
    }
  }
  if (focus.cellSteps && focus.cell) {
    const { c, ih, iw } = focus.cell;
    strokeCells(ctx, geom.grad[c], ih, iw, 1, 1, { color: COLORS.focus, width: 3, halo: true });
    for (const cs of focus.cellSteps.cells) strokeCells(ctx, geom.padded[c], cs.ph, cs.pw, 1, 1, { color: COLORS.link, width: 2.5 });
  }
  if (done) drawFold(ctx, model, focus, geom);
}
