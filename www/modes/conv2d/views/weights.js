// Weights view: one kernel per (out channel, in channel of its group), the bias beside each row,
// rows colour-coded by group; the focused output channel's row outlined. With the true convolution
// shown, the kernels drawn are flip(w) (model.shownWeight): each as it lies on the input.

import { COLORS, GROUP_COLORS, drawGrid, makeGrid, cellAt, strokeCells, text } from '../../../views/grid.js';

export const id = 'weights';
export const title = 'Weights';

const LEFT = 58;
const TOP = 22;
const GAP_X = 12;
const GAP_Y = 12;
const LABEL_Y = 14;

export function layout(model, width) {
  const { cout, cg, kh, kw } = model;
  const biasCols = model.bias ? 1 : 0;
  const extraGap = model.bias ? GAP_X + 14 : 0;
  // rows that start a group (after the first) get room for their own "in c" labels
  const groupStarts = model.groups > 1 ? model.groups - 1 : 0;
  const byWidth = (width - LEFT - (cg - 1) * GAP_X - extraGap) / (cg * kw + biasCols);
  const byHeight = (Math.max(220, Math.min(560, width)) - TOP - (cout - 1) * GAP_Y - groupStarts * LABEL_Y) / (cout * kh);
  let cell = Math.min(40, byWidth, byHeight);
  cell = cell >= 3 ? Math.floor(cell) : Math.max(1, cell);
  const rowH = Math.max(kh * cell, 16);
  const kernels = [];
  const bias = [];
  let y = TOP;
  for (let co = 0; co < cout; co++) {
    if (co > 0 && model.groups > 1 && co % model.outPerGroup === 0) y += LABEL_Y;
    const row = [];
    for (let ci = 0; ci < cg; ci++) row.push(makeGrid(LEFT + ci * (kw * cell + GAP_X), y, kh, kw, cell));
    kernels.push(row);
    if (model.bias) {
      const x = LEFT + cg * (kw * cell + GAP_X) - GAP_X + extraGap;
      bias.push(makeGrid(x, y + ((kh - 1) * cell) / 2, 1, 1, cell));
    }
    y += rowH + GAP_Y;
  }
  const height = y - GAP_Y + 4;
  return { kernels, bias, cell, height: Math.ceil(height), width };
}

export function hit(model, geom, x, y) {
  for (let co = 0; co < geom.kernels.length; co++) {
    for (let ci = 0; ci < geom.kernels[co].length; ci++) {
      const rc = cellAt(geom.kernels[co][ci], x, y);
      if (rc) return { kind: 'weight', co, k: (ci * model.kh + rc.r) * model.kw + rc.c };
    }
    if (geom.bias[co] && cellAt(geom.bias[co], x, y)) return { kind: 'bias', co };
  }
  return null;
}

export function editTarget(model, target) {
  if (target.kind === 'bias') {
    return { tensor: 'bias', key: `${target.co}`, name: `bias[${target.co}]`, value: model.bias.data[target.co] };
  }
  const area = model.kh * model.kw;
  const ci = Math.floor(target.k / area);
  // the cell drawn at (r, c) is the layer's weight[…, i, j] (mirrored when flip(w) is drawn)
  const [i, j] = model.weightIndex(Math.floor((target.k % area) / model.kw), target.k % model.kw);
  return {
    tensor: 'weight',
    key: `${target.co},${ci},${i},${j}`,
    name: `weight[${target.co}, ${ci}, ${i}, ${j}]`,
    value: model.weight.data[target.co * model.Kg + (ci * model.kh + i) * model.kw + j],
  };
}

export function draw(ctx, model, t, focus, geom) {
  const { kh, kw, cg } = model;
  const area = kh * kw;
  for (let co = 0; co < model.cout; co++) {
    const row = geom.kernels[co];
    const g0 = row[0];
    const group = model.groupOfOut(co);
    const color = GROUP_COLORS[group % GROUP_COLORS.length];
    const active = co === focus.co;
    if (model.groups > 1) {
      ctx.fillStyle = color;
      ctx.fillRect(4, g0.y, 5, g0.h);
    }
    text(ctx, `out ${co}`, 14, g0.y + Math.min(g0.h / 2, 14) + 4, {
      size: 12, weight: active ? 700 : 500, color: active ? COLORS.text : COLORS.muted,
    });
    for (let ci = 0; ci < cg; ci++) {
      const g = row[ci];
      if (co === 0 || (model.groups > 1 && co % model.outPerGroup === 0)) {
        const c = group * cg + ci;
        text(ctx, model.groups > 1 ? `in ${c}` : `in ${ci}`, g.x, g.y - 7, { size: 11, color: COLORS.muted });
      }
      drawGrid(ctx, g, { data: model.shownWeight.data, offset: (co * cg + ci) * area, maxAbs: model.scales.w });
    }
    if (model.bias) {
      const b = geom.bias[co];
      if (co === 0) text(ctx, 'bias', b.x, b.y - 7, { size: 11, color: COLORS.muted });
      text(ctx, '+', b.x - 11, b.y + b.h / 2 + 4, { size: 13, color: COLORS.muted, align: 'center' });
      drawGrid(ctx, b, { data: model.bias.data, offset: co, maxAbs: model.scales.w });
    }
  }
  // focused out channel: its whole row of kernels
  const row = geom.kernels[focus.co];
  const first = row[0];
  const last = row[row.length - 1];
  ctx.lineWidth = 2;
  ctx.strokeStyle = COLORS.focus;
  ctx.strokeRect(first.x - 4, first.y - 4, last.x + last.w - first.x + 8, first.h + 8);
  if (focus.k >= 0) {
    const ci = Math.floor(focus.k / area);
    const rem = focus.k % area;
    strokeCells(ctx, row[ci], Math.floor(rem / kw), rem % kw, 1, 1, { color: COLORS.link, width: 2.5 });
  }
  if (focus.target && focus.target.kind === 'bias' && geom.bias[focus.co]) {
    const b = geom.bias[focus.co];
    strokeCells(ctx, b, 0, 0, 1, 1, { color: COLORS.link, width: 2.5 });
  }
}
