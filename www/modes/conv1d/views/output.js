// Conv1d output view: y as one row per output channel, filled cell by cell along the timeline,
// the current (or hovered) cell framed.

import { COLORS, drawGrid, makeGrid, cellAt, strokeCells, fitText } from '../../../views/grid.js';

export const id = 'seq-output';
export const title = 'Output';

const LABEL = 20;
const AFTER = 10;

export function layout(model, width) {
  const cw = Math.max(1, Math.min(40, Math.floor(((width - 4) / model.lout) * 100) / 100));
  const ch = Math.max(14, Math.min(40, cw));
  const rows = [];
  for (let co = 0; co < model.cout; co++) rows.push(makeGrid(2, LABEL + co * (ch + LABEL + AFTER), 1, model.lout, cw, ch));
  return { rows, height: Math.ceil(model.cout * (ch + LABEL + AFTER)), width };
}

export function hit(model, geom, x, y) {
  for (let co = 0; co < geom.rows.length; co++) {
    const rc = cellAt(geom.rows[co], x, y);
    if (rc) return { kind: 'sout', co, o: rc.c };
  }
  return null;
}

export function draw(ctx, model, t, focus, geom) {
  const cur = model.position(t.position);
  const filled = (co) => (co < cur.co ? model.lout : co === cur.co ? cur.o + 1 : 0);
  const style = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true };
  for (let co = 0; co < model.cout; co++) {
    const g = geom.rows[co];
    fitText(ctx, [`y[0, ${co}]`, `c${co}`], g.x, g.y - 7, Math.max(g.w, 60), { size: 12, weight: 600 });
    drawGrid(ctx, g, { data: model.output.data, offset: co * model.lout, maxAbs: model.scales.y, limit: filled(co) });
    if (co === focus.co) strokeCells(ctx, g, 0, focus.o, 1, 1, style);
  }
}
