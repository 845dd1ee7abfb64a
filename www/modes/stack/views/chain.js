// The layout both Stack views share: the maps from input to output, left to right when they fit
// (cells of at least MIN_ROW_CELL px), else one under the other; each map's label above it.

import { makeGrid, cellAt, text, arrow, COLORS } from '../../../views/grid.js';
import { formatLayer } from '../../../lib/layers.js';

const MIN_ROW_CELL = 10;
const GAP = 34;
const LABEL_H = 34;

/**
 * Grids for the maps: `dims[i]` = [rows, cols] of map i (a padded count grid, or the values).
 * Returns { grids, row (left to right), height }.
 */
export function chainLayout(dims, width, maxCell = 30) {
  const cols = dims.reduce((a, [, c]) => a + c, 0);
  const rows = Math.max(...dims.map(([r]) => r));
  const byWidth = (width - 4 - GAP * (dims.length - 1)) / cols;
  const grids = [];
  if (byWidth >= MIN_ROW_CELL) {
    const cell = Math.floor(Math.min(maxCell, byWidth, 420 / rows));
    let x = 2;
    for (const [r, c] of dims) {
      grids.push(makeGrid(x, LABEL_H, r, c, cell));
      x += c * cell + GAP;
    }
    return { grids, row: true, height: LABEL_H + rows * cell + 4 };
  }
  const widest = Math.max(...dims.map(([, c]) => c));
  const cell = Math.max(2, Math.floor(Math.min(maxCell, (width - 4) / widest)));
  let y = LABEL_H;
  for (const [r, c] of dims) {
    grids.push(makeGrid(2, y, r, c, cell));
    y += r * cell + LABEL_H;
  }
  return { grids, row: false, height: y - LABEL_H + 4 };
}

/** The two label lines of map i: what it is and its size. */
export function mapLabels(model, i) {
  const [h, w] = model.sizes[i];
  const name = i === 0 ? 'input x' : i === model.n ? `output (layer ${i})` : `after layer ${i}`;
  const how = i === 0 ? `${h}×${w}` : `${formatLayer(model.layers[i - 1])} → ${h}×${w}`;
  return [name, how];
}

/** Labels over every grid, and the arrows between maps laid out in a row. */
export function drawChrome(ctx, model, geom) {
  geom.grids.forEach((g, i) => {
    const [name, how] = mapLabels(model, i);
    text(ctx, name, g.x, g.y - 20, { size: 12, weight: 600 });
    text(ctx, how, g.x, g.y - 6, { size: 11, color: COLORS.muted, mono: true });
    const next = geom.grids[i + 1];
    if (geom.row && next) {
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
