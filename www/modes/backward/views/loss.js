// Loss view: y, the loss's own tensor (g or t), ∂L/∂y — one grid per output channel in each
// row — and y after one SGD step. The stamp in view is outlined in ∂L/∂y; a weight tap outlines
// its whole channel (every ∂L/∂y cell takes part in its dot product); a ∂L/∂x cell in focus
// outlines the ∂L/∂y cells that reach it.

import { COLORS, drawGrid, makeGrid, cellAt, strokeCells, text } from '../../../views/grid.js';
import { auxName } from '../loss.js';

export const id = 'loss';
export const title = 'Loss';

const LABEL = 20;
const GAP = 14;

/** The rows drawn: [name, data key, scale]. */
export function rowsOf(model) {
  const rows = [['y = conv(x)', 'y']];
  if (model.aux) rows.push([model.lossKind === 'weighted' ? 'g (the weights of the sum)' : 't (the target)', 'aux']);
  rows.push(['∂L/∂y', 'gy']);
  rows.push([`y after one SGD step (lr = ${model.sgd.lr})`, 'next']);
  return rows;
}

export function layout(model, width) {
  const rows = rowsOf(model);
  const { cout, ho, wo } = model;
  const byW = (width - 4 - (cout - 1) * GAP) / (cout * wo);
  const byH = (Math.max(240, Math.min(560, width * 0.9)) - rows.length * (LABEL + 8)) / (rows.length * ho);
  let cell = Math.max(1, Math.min(36, byW, byH));
  if (cell >= 3) cell = Math.floor(cell);
  const grids = [];
  let y = LABEL;
  for (let r = 0; r < rows.length; r++) {
    const line = [];
    for (let co = 0; co < cout; co++) line.push(makeGrid(2 + co * (wo * cell + GAP), y, ho, wo, cell));
    grids.push(line);
    y += ho * cell + LABEL + 8;
  }
  return { rows, grids, height: Math.ceil(y - LABEL + 2), width };
}

export function hit(model, geom, x, y) {
  for (const line of geom.grids) {
    for (let co = 0; co < line.length; co++) {
      const rc = cellAt(line[co], x, y);
      if (rc) return { kind: 'gy', co, l: rc.r * model.wo + rc.c };
    }
  }
  return null;
}

function dataOf(model, key) {
  if (key === 'y') return [model.output.data, model.scales.y];
  if (key === 'aux') return [model.aux.data, model.scales.y];
  if (key === 'gy') return [model.gy.data, model.scales.gy];
  return [model.sgd.y.data, model.scales.y];
}

export function draw(ctx, model, t, focus, geom) {
  geom.rows.forEach(([name, key], r) => {
    const line = geom.grids[r];
    text(ctx, key === 'aux' ? `${auxName(model.lossKind)}: ${name}` : name, line[0].x, line[0].y - 7, { size: 12, weight: 600, color: key === 'gy' ? COLORS.text : COLORS.muted });
    const [data, maxAbs] = dataOf(model, key);
    for (let co = 0; co < model.cout; co++) drawGrid(ctx, line[co], { data, offset: co * model.L, maxAbs });
  });
  const gyRow = geom.grids[geom.rows.findIndex(([, k]) => k === 'gy')];
  if (focus.stamp >= 0) {
    const co = Math.floor(focus.stamp / model.L);
    const l = focus.stamp % model.L;
    strokeCells(ctx, gyRow[co], Math.floor(l / model.wo), l % model.wo, 1, 1, { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true });
  } else if (focus.tap) {
    strokeCells(ctx, gyRow[focus.tap.co], 0, 0, model.ho, model.wo, { color: COLORS.focus, width: 3 });
  }
  if (focus.cellSteps) {
    for (const cellStep of focus.cellSteps.cells) {
      for (const term of cellStep.terms) strokeCells(ctx, gyRow[term.cOut], term.oh, term.ow, 1, 1, { color: COLORS.link, width: 2.5 });
    }
  }
}
