// Paths view: the output cell traced back through every layer. Each map before the output is
// drawn padded (the halo the next layer adds, hatched) with the number of paths from the output
// cell to each of its cells as a heat map; the box around the cells reached is the receptive field
// on that map. The output map shows its values, the traced cell outlined: hover it to pick another.
// The counts are the model's (more.pathCounts); nothing is computed here.

import { COLORS, drawGrid, strokeCells, hatchCells } from '../../../views/grid.js';
import { chainLayout, drawChrome, hitOutput } from './chain.js';

export const id = 'paths';
export const title = 'Paths';

export function layout(model, width) {
  const counts = model.counts(0, 0);
  const dims = counts.map((m, i) => (i === model.n ? [model.ho, model.wo] : m.shape));
  return { ...chainLayout(dims, width), width };
}

export const hit = hitOutput;

export function draw(ctx, model, t, focus, geom) {
  drawChrome(ctx, model, geom);
  const counts = focus.counts;
  for (let i = 0; i < model.n; i++) {
    const g = geom.grids[i];
    const m = counts[i];
    drawGrid(ctx, g, { data: m.data, maxAbs: Math.max(1, m.max), palette: 'count' });
    const [ph, pw] = m.padding;
    const [hp, wp] = m.shape;
    if (ph) {
      hatchCells(ctx, g, 0, 0, ph, wp, COLORS.halo);
      hatchCells(ctx, g, hp - ph, 0, ph, wp, COLORS.halo);
    }
    if (pw) {
      hatchCells(ctx, g, ph, 0, hp - 2 * ph, pw, COLORS.halo);
      hatchCells(ctx, g, ph, wp - pw, hp - 2 * ph, pw, COLORS.halo);
    }
    if (ph || pw) strokeCells(ctx, g, ph, pw, hp - 2 * ph, wp - 2 * pw, { color: COLORS.frame, width: 1.5 });
    const b = m.box;
    if (b) strokeCells(ctx, g, b.r0 + ph, b.c0 + pw, b.r1 - b.r0 + 1, b.c1 - b.c0 + 1, { color: COLORS.link, width: 2.5 });
  }
  const out = geom.grids[model.n];
  drawGrid(ctx, out, { data: model.output.data, maxAbs: model.scales.x });
  const tp = model.position(t.position);
  if (!focus.fromTimeline) strokeCells(ctx, out, tp.r, tp.c, 1, 1, { color: COLORS.ghost, width: 2, dash: [4, 3] });
  strokeCells(ctx, out, focus.r, focus.c, 1, 1, { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true });
}

