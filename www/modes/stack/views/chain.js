// The layout both Stack views share: the maps from input to output, left to right when they fit
// (cells of at least MIN_ROW_CELL px), else one under the other; each map's label above it.

import { makeGrid, cellAt, fitText, labelRoom, arrow, COLORS } from '../../../views/grid.js';
import { formatLayer } from '../../../lib/layers.js';

const MIN_ROW_CELL = 14;
const GAP = 34;
const LABEL_H = 34;

/**
 * Grids for the maps: `dims[i]` = [rows, cols] of map i (a padded count grid, or the values):
 * in one row when its cells can be MIN_ROW_CELL px, else wrapped into lines (one cell size for
 * all, the widest map filling the width at most). Returns { grids, height }.
 */
export function chainLayout(dims, width, maxCell = 30) {
  const cols = dims.reduce((a, [, c]) => a + c, 0);
  const rows = Math.max(...dims.map(([r]) => r));
  const widest = Math.max(...dims.map(([, c]) => c));
  const byRow = (width - 4 - GAP * (dims.length - 1)) / cols;
  const cell = Math.max(2, Math.floor(byRow >= MIN_ROW_CELL
    ? Math.min(maxCell, byRow, 420 / rows)
    : Math.min(maxCell, (width - 4) / widest, 420 / rows)));
  const grids = [];
  let x = 2;
  let y = LABEL_H;
  let lineH = 0;
  for (const [r, c] of dims) {
    if (x > 2 && x + c * cell > width - 2) {
      x = 2;
      y += lineH + LABEL_H;
      lineH = 0;
    }
    grids.push(makeGrid(x, y, r, c, cell));
    x += c * cell + GAP;
    lineH = Math.max(lineH, r * cell);
  }
  return { grids, height: y + lineH + 4 };
}

/** The two label lines of map i, longest first: what it is, and the layer that made it and its size. */
export function mapLabels(model, i) {
  const [h, w] = model.sizes[i];
  const names = i === 0 ? ['input x', 'x'] : i === model.n ? [`output (layer ${i})`, 'output', 'y'] : [`after layer ${i}`, `layer ${i}`, `${i}`];
  const hows = i === 0 ? [`${h}×${w}`] : [`${formatLayer(model.layers[i - 1])} → ${h}×${w}`, `→ ${h}×${w}`, `${h}×${w}`];
  return [names, hows];
}

/** Labels over every grid, and the arrows between maps on the same line. */
export function drawChrome(ctx, model, geom) {
  geom.grids.forEach((g, i) => {
    const [names, hows] = mapLabels(model, i);
    const room = labelRoom(geom.grids, i, geom.width, 6);
    fitText(ctx, names, g.x, g.y - 20, room, { size: 12, weight: 600 });
    fitText(ctx, hows, g.x, g.y - 6, room, { size: 11, color: COLORS.muted, mono: true });
    const next = geom.grids[i + 1];
    if (next && next.y === g.y) {
      const y = g.y + Math.min(g.h, next.h) / 2;
      arrow(ctx, g.x + g.w + 5, y, next.x - 5, y, COLORS.muted, 1.5);
    }
  });
}

/** A cell of the last map (the output) under the pointer: the cell to trace. */
export function hitOutput(model, geom, x, y) {
  const rc = cellAt(geom.grids[geom.grids.length - 1], x, y);
  return rc ? { kind: 'cell', r: rc.r, c: rc.c } : null;
}
