// Output view: each output channel as a grid, filled cell by cell as the timeline advances, the
// focused cell outlined, and (when an input cell is hovered) every output that reads it.

import { COLORS, GROUP_COLORS, drawGrid, makeGrid, cellAt, strokeCells, fitText, tileLayout, labelRoom } from '../../../views/grid.js';

export const id = 'output';
export const title = 'Output';

export function layout(model, width) {
  const t = tileLayout({
    count: model.cout,
    rows: model.ho,
    cols: model.wo,
    width,
    maxCell: 48,
    maxHeight: Math.max(200, Math.min(460, width * 0.75)),
    labelH: 22,
    left: 2, // the first tile's frame and focus outline stay inside the canvas
  });
  const grids = t.tiles.map((p) => makeGrid(p.x, p.y, model.ho, model.wo, t.cell));
  // every tile's label in the same form: the longest that fits the narrowest room (up to the next
  // tile of the row, or the view's edge for the last)
  let labelWidth = Infinity;
  for (let co = 0; co < grids.length; co++) labelWidth = Math.min(labelWidth, labelRoom(grids, co, width));
  return { grids, labelWidth, height: Math.ceil(t.height + 4), width };
}

export function hit(model, geom, x, y) {
  for (let co = 0; co < geom.grids.length; co++) {
    const rc = cellAt(geom.grids[co], x, y);
    if (rc) return { kind: 'position', co, l: rc.r * model.wo + rc.c };
  }
  return null;
}

/**
 * Show one not-yet-filled cell of a row-major grid (a hovered cell ahead of the animation): the
 * same grid helper, on a 1×1 grid at that cell.
 */
export function revealCell(ctx, g, data, offset, index, maxAbs, filled) {
  if (index < filled) return;
  const r = Math.floor(index / g.cols);
  const c = index % g.cols;
  drawGrid(ctx, makeGrid(g.x + c * g.cw, g.y + r * g.ch, 1, 1, g.cw, g.ch), { data, offset: offset + index, maxAbs });
}

/** How many cells of channel co are filled at timeline position p (row-major, channel by channel). */
export function filledCount(model, co, position) {
  const cur = Math.floor(position / model.L);
  if (co < cur) return model.L;
  if (co > cur) return 0;
  return (position % model.L) + 1;
}

export function draw(ctx, model, t, focus, geom) {
  const out = model.output.data;
  for (let co = 0; co < model.cout; co++) {
    const g = geom.grids[co];
    const gi = model.groupOfOut(co);
    const labels = model.groups > 1
      ? [`out channel ${co} · group ${gi}`, `out ${co} · g${gi}`, `${co}`]
      : [`out channel ${co}`, `out ${co}`, `${co}`];
    if (model.groups > 1) {
      ctx.fillStyle = GROUP_COLORS[gi % GROUP_COLORS.length];
      ctx.fillRect(g.x, g.y - 17, 8, 8);
    }
    const lx = g.x + (model.groups > 1 ? 12 : 0);
    fitText(ctx, labels, lx, g.y - 9, geom.labelWidth - (lx - g.x), {
      size: 12, weight: 600, color: co === focus.co ? COLORS.text : COLORS.muted,
    });
    drawGrid(ctx, g, { data: out, offset: co * model.L, maxAbs: model.scales.y, limit: filledCount(model, co, t.position) });
  }
  // the timeline's cell, when a hover shows another one
  const tp = model.position(t.position);
  if (!focus.fromTimeline || tp.co !== focus.co || tp.l !== focus.l) {
    const g = geom.grids[tp.co];
    strokeCells(ctx, g, Math.floor(tp.l / model.wo), tp.l % model.wo, 1, 1, { color: COLORS.ghost, width: 2, dash: [4, 3] });
  }
  // outputs reading a hovered input cell
  if (focus.cell) {
    const group = model.groupOfIn(focus.cell.c);
    for (let co = group * model.outPerGroup; co < (group + 1) * model.outPerGroup; co++) {
      for (const rd of focus.readers) {
        strokeCells(ctx, geom.grids[co], Math.floor(rd.l / model.wo), rd.l % model.wo, 1, 1, { color: COLORS.link, width: 2.5 });
      }
    }
  }
  const g = geom.grids[focus.co];
  revealCell(ctx, g, out, focus.co * model.L, focus.l, model.scales.y, filledCount(model, focus.co, t.position));
  strokeCells(ctx, g, focus.oh, focus.ow, 1, 1, { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true });
}
