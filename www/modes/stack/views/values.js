// Values view: what each layer computes (every conv weight 1, no bias; max / average pooling), on
// the maps themselves; the cells the traced output cell depends on outlined in each map.
// The values are the model's (wasm conv2d / maxPool2d / avgPool2d); nothing is computed here.

import { COLORS, drawGrid, strokeCells } from '../../../views/grid.js';
import { chainLayout, drawChrome, hitOutput } from './chain.js';

export const id = 'values';
export const title = 'Values';

export function layout(model, width) {
  const dims = model.sizes.map(([h, w]) => [h, w]);
  return { ...chainLayout(dims, width), width };
}

export const hit = hitOutput;

export function draw(ctx, model, t, focus, geom) {
  drawChrome(ctx, model, geom);
  for (let i = 0; i <= model.n; i++) {
    const g = geom.grids[i];
    drawGrid(ctx, g, { data: model.maps[i].data, maxAbs: model.scales.x });
    const b = focus.counts[i].box;
    if (i < model.n && b) strokeCells(ctx, g, b.r0, b.c0, b.r1 - b.r0 + 1, b.c1 - b.c0 + 1, { color: COLORS.link, width: 2.5 });
  }
  const out = geom.grids[model.n];
  strokeCells(ctx, out, focus.r, focus.c, 1, 1, { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true });
}
