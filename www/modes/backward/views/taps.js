// ∂L/∂W tap by tap: tap (i, j) of kernel w[co, ci] met the input window shifted by (i, j) at
// every output cell, so ∂L/∂W[co, ci, i, j] = Σ over output cells of x_padded[ci, oh·s + i·d,
// ow·s + j·d] · ∂L/∂y[co, oh, ow] — the window outlined on the padded input, ∂L/∂y beside it,
// the entry filled in ∂L/∂W. ∂L/∂b[co] = Σ ∂L/∂y[co]. The dot product with its numbers is the
// DOM's (#gw-dot). Every value comes from the model (wasm backward trace).

import { COLORS, drawGrid, makeGrid, cellAt, strokeCells, hatchCells, text } from '../../../views/grid.js';

export const id = 'taps';
export const title = '∂L/∂W';

const LABEL = 20;
const GAP = 16;

export function layout(model, width) {
  const { cin, hp, wp, ho, wo, cout, cg, kh, kw } = model;
  const byW = (width - 30 - cin * GAP - wo * 0.8 * 30) / (cin * wp);
  let cell = Math.max(2, Math.min(28, byW, 260 / hp));
  if (cell >= 3) cell = Math.floor(cell);
  const padded = [];
  for (let c = 0; c < cin; c++) padded.push(makeGrid(2 + c * (wp * cell + GAP), LABEL, hp, wp, cell));
  const last = padded[cin - 1];
  let gcell = Math.max(2, Math.min(cell, Math.floor((width - last.x - last.w - 30) / wo)));
  let gyGrid = makeGrid(last.x + last.w + 26, LABEL, ho, wo, gcell);
  let by = LABEL + hp * cell + 16 + LABEL;
  if (gyGrid.x + gyGrid.w > width) {
    gcell = Math.max(2, Math.min(cell, Math.floor((width - 4) / wo)));
    gyGrid = makeGrid(2, by, ho, wo, gcell);
    by += ho * gcell + 16 + LABEL;
  }
  const ks = Math.max(4, Math.min(30, Math.floor((width - 60 - cg * 12 - 40) / (cg * kw + 1))));
  const kernels = [];
  const bias = [];
  let y = by;
  for (let co = 0; co < cout; co++) {
    const row = [];
    for (let ci = 0; ci < cg; ci++) row.push(makeGrid(50 + ci * (kw * ks + 12), y, kh, kw, ks));
    kernels.push(row);
    const r = row[cg - 1];
    bias.push(makeGrid(r.x + r.w + 34, y + ((kh - 1) * ks) / 2, 1, 1, ks));
    y += kh * ks + 10;
  }
  return { padded, gyGrid, kernels, bias, height: Math.ceil(y + 2), width };
}

export function hit(model, geom, x, y) {
  for (let co = 0; co < geom.kernels.length; co++) {
    for (let ci = 0; ci < geom.kernels[co].length; ci++) {
      const rc = cellAt(geom.kernels[co][ci], x, y);
      if (rc) return { kind: 'gw', co, ci, i: rc.r, j: rc.c };
    }
  }
  for (let c = 0; c < geom.padded.length; c++) {
    const a = cellAt(geom.padded[c], x, y);
    if (a) return { kind: 'gpad', c, ph: a.r, pw: a.c };
  }
  return null;
}

/** How many entries of kernel (co, ci) are filled at the timeline's position. */
function filled(model, focus, co, ci) {
  if (focus.pos.phase === 'stamp') return 0;
  if (focus.pos.phase === 'cell') return model.kk;
  return Math.max(0, Math.min(model.kk, focus.pos.t - (co * model.cg + ci) * model.kk + 1));
}

export function draw(ctx, model, t, focus, geom) {
  const tap = focus.tap;
  const co = tap ? tap.co : Math.max(0, focus.co);
  const c = tap ? model.groupOfOut(tap.co) * model.cg + tap.ci : -1;
  for (let ci = 0; ci < model.cin; ci++) {
    const g = geom.padded[ci];
    text(ctx, `x (padded), in ${ci}`, g.x, g.y - 7, { size: 11, color: ci === c ? COLORS.text : COLORS.muted });
    drawGrid(ctx, g, { data: model.padded.data, offset: ci * model.hp * model.wp, maxAbs: model.scales.x });
    for (let ph = 0; ph < model.hp; ph++) for (let pw = 0; pw < model.wp; pw++) if (!model.inside(ph, pw)) hatchCells(ctx, g, ph, pw, 1, 1, COLORS.halo);
  }
  const gy = geom.gyGrid;
  text(ctx, `∂L/∂y[0, ${co}]`, gy.x, gy.y - 7, { size: 11, weight: 600 });
  drawGrid(ctx, gy, { data: model.gy.data, offset: co * model.L, maxAbs: model.scales.gy });
  const k0 = geom.kernels[0][0];
  text(ctx, '∂L/∂W', 2, k0.y - 7, { size: 12, weight: 600 });
  for (let o = 0; o < model.cout; o++) {
    const row = geom.kernels[o];
    text(ctx, `out ${o}`, 2, row[0].y + Math.min(row[0].h / 2, 14) + 4, { size: 11, color: COLORS.muted });
    for (let ci = 0; ci < model.cg; ci++) drawGrid(ctx, row[ci], { data: model.gw.data, offset: (o * model.cg + ci) * model.kk, maxAbs: model.scales.gw, limit: filled(model, focus, o, ci) });
    if (model.gb) {
      const b = geom.bias[o];
      if (o === 0) text(ctx, '∂L/∂b', b.x - 8, b.y - 7, { size: 11, color: COLORS.muted });
      drawGrid(ctx, b, { data: model.gb.data, offset: o, maxAbs: model.scales.gw, limit: focus.pos.phase === 'stamp' ? 0 : 1 });
    }
  }
  if (!tap) return;
  strokeCells(ctx, geom.kernels[tap.co][tap.ci], tap.i, tap.j, 1, 1, { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true });
  // the shifted window: the padded cells tap (i, j) read, one per output cell
  for (const term of focus.wsteps.terms) strokeCells(ctx, geom.padded[term.c], term.ph, term.pw, 1, 1, { color: COLORS.link, width: 2 });
  strokeCells(ctx, gy, 0, 0, model.ho, model.wo, { color: COLORS.focus, width: 2 });
}
