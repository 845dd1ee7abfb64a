// Pooling output view: y per channel, filled cell by cell, the current cell framed; for
// MaxPool2d the indices beside it (return_indices=True: where in its input plane each maximum is,
// h·W + w), the current one framed too.

import { COLORS, drawGrid, makeGrid, cellAt, strokeCells, fitText, tileLayout } from '../../../views/grid.js';

export const id = 'pool-output';
export const title = 'Output';

const LABEL = 20;

export function layout(model, width) {
  const withIdx = model.returnIndices;
  const half = withIdx ? Math.floor((width - 24) / 2) : width;
  const t = tileLayout({ count: model.c, rows: model.ho, cols: model.wo, width: half, maxCell: 40, maxHeight: 300, labelH: LABEL + 4 });
  const out = t.tiles.map((p) => makeGrid(p.x, p.y, model.ho, model.wo, t.cell));
  const idx = withIdx ? t.tiles.map((p) => makeGrid(p.x + half + 24, p.y, model.ho, model.wo, t.cell)) : [];
  return { out, idx, height: Math.ceil(t.height + 6), width };
}

export function hit(model, geom, x, y) {
  for (const grids of [geom.out, geom.idx]) {
    for (let c = 0; c < grids.length; c++) {
      const rc = cellAt(grids[c], x, y);
      if (rc) return { kind: 'pout', c, l: rc.r * model.wo + rc.c };
    }
  }
  return null;
}

export function draw(ctx, model, t, focus, geom) {
  const plane = model.L;
  const cur = model.position(t.position);
  const filled = (c) => (c < cur.c ? plane : c === cur.c ? cur.l + 1 : 0);
  const style = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true };
  for (let c = 0; c < model.c; c++) {
    const g = geom.out[c];
    fitText(ctx, [`y[0, ${c}]`, `c${c}`], g.x, g.y - 9, g.w + 40, { size: 12, weight: 600 });
    drawGrid(ctx, g, { data: model.output.data, offset: c * plane, maxAbs: model.scales.y, limit: filled(c) });
    if (c === focus.c) strokeCells(ctx, g, focus.oh, focus.ow, 1, 1, style);
    const gi = geom.idx[c];
    if (!gi) continue;
    fitText(ctx, [`indices[0, ${c}]  (h·${model.w} + w)`, `indices[0, ${c}]`, `i${c}`], gi.x, gi.y - 9, gi.w + 60, { size: 12, weight: 600 });
    drawGrid(ctx, gi, { data: model.indexData, offset: c * plane, maxAbs: model.h * model.w, palette: 'count', limit: filled(c) });
    if (c === focus.c) strokeCells(ctx, gi, focus.oh, focus.ow, 1, 1, style);
  }
}
