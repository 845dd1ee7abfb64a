// Channel diagram: which input channels feed which output channels — a bipartite graph, one edge
// per (input, output) pair that has a kernel. groups = 1: every input feeds every output;
// groups = in_channels (depthwise): each output reads one input. Edges and nodes are coloured by
// group; the emphasised output channel's edges (Conv2d) or the chosen pair (Matrix) are drawn
// strong. Reads cin, cout, groups from any model; which edges are strong comes from the focus.

import { COLORS, GROUP_COLORS, makeGrid, fillCells, strokeCells, text, fitText } from './grid.js';

export const id = 'channels';
export const title = 'Channels and groups';

const NODE = 22;
const PAD = 30;

export function layout(model, width) {
  const n = Math.max(model.cin, model.cout);
  const step = Math.max(NODE + 6, Math.min(40, 260 / n));
  const colW = Math.min(width - 2 * PAD - NODE * 2 - 80, 260);
  const left = PAD + 28;
  const right = left + NODE + Math.max(120, colW);
  const y0 = 26;
  const off = (count) => y0 + ((n - count) * step) / 2;
  const ins = [];
  const outs = [];
  for (let c = 0; c < model.cin; c++) ins.push(makeGrid(left, off(model.cin) + c * step, 1, 1, NODE));
  for (let c = 0; c < model.cout; c++) outs.push(makeGrid(right, off(model.cout) + c * step, 1, 1, NODE));
  return { ins, outs, height: Math.ceil(y0 + n * step + 8), width };
}

/** The (ci, co) pairs with a kernel, in order. */
function edges(model) {
  const cinG = model.cin / model.groups;
  const coutG = model.cout / model.groups;
  const out = [];
  for (let ci = 0; ci < model.cin; ci++) {
    const g = Math.floor(ci / cinG);
    for (let co = g * coutG; co < (g + 1) * coutG; co++) out.push({ ci, co, g });
  }
  return out;
}

function mid(g) {
  return [g.x + g.w / 2, g.y + g.h / 2];
}

function distToSegment(px, py, x0, y0, x1, y1) {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}

export function hit(model, geom, x, y) {
  let best = null;
  let bestD = 6;
  for (const e of edges(model)) {
    const a = geom.ins[e.ci];
    const b = geom.outs[e.co];
    const d = distToSegment(x, y, a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2);
    if (d < bestD) {
      bestD = d;
      best = { kind: 'pair', ci: e.ci, co: e.co };
    }
  }
  if (best) return best;
  for (let co = 0; co < geom.outs.length; co++) {
    const g = geom.outs[co];
    if (x >= g.x && x < g.x + g.w && y >= g.y && y < g.y + g.h) {
      const e = edges(model).find((q) => q.co === co);
      return { kind: 'pair', ci: e.ci, co };
    }
  }
  for (let ci = 0; ci < geom.ins.length; ci++) {
    const g = geom.ins[ci];
    if (x >= g.x && x < g.x + g.w && y >= g.y && y < g.y + g.h) {
      const e = edges(model).find((q) => q.ci === ci);
      return { kind: 'pair', ci, co: e.co };
    }
  }
  return null;
}

/**
 * @param focus  { co, pair: [ci, co] | undefined, target }: the strong edges (a hovered pair target
 *               is drawn in the link colour)
 */
export function draw(ctx, model, t, focus, geom) {
  const list = edges(model);
  const hp = focus.target && focus.target.kind === 'pair' ? focus.target : null;
  const strong = (e) => (focus.pair ? e.ci === focus.pair[0] && e.co === focus.pair[1] : e.co === focus.co);
  const hovered = (e) => Boolean(hp) && e.ci === hp.ci && e.co === hp.co;
  for (const pass of [0, 1]) {
    for (const e of list) {
      const s = strong(e) || hovered(e);
      if ((pass === 1) !== s) continue;
      const [x0, y0] = mid(geom.ins[e.ci]);
      const [x1, y1] = mid(geom.outs[e.co]);
      ctx.strokeStyle = hovered(e) ? COLORS.link : GROUP_COLORS[e.g % GROUP_COLORS.length];
      ctx.globalAlpha = s ? 1 : 0.45;
      ctx.lineWidth = s ? 3 : 1.5;
      ctx.beginPath();
      ctx.moveTo(x0 + NODE / 2, y0);
      ctx.lineTo(x1 - NODE / 2, y1);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
  }
  const cinG = model.cin / model.groups;
  const coutG = model.cout / model.groups;
  const a0 = geom.ins[0];
  const b0 = geom.outs[0];
  fitText(ctx, ['input channels', 'in'], a0.x - 28, 14, b0.x - a0.x, { size: 11, weight: 600, color: COLORS.muted });
  fitText(ctx, ['output channels', 'out'], b0.x, 14, geom.width - b0.x, { size: 11, weight: 600, color: COLORS.muted });
  geom.ins.forEach((g, c) => {
    fillCells(ctx, g, 0, 0, 1, 1, GROUP_COLORS[Math.floor(c / cinG) % GROUP_COLORS.length]);
    strokeCells(ctx, g, 0, 0, 1, 1, { color: '#374151', width: 1 });
    text(ctx, `${c}`, g.x - 8, g.y + g.h / 2 + 4, { size: 11, align: 'right', mono: true, color: COLORS.text });
  });
  geom.outs.forEach((g, co) => {
    fillCells(ctx, g, 0, 0, 1, 1, GROUP_COLORS[Math.floor(co / coutG) % GROUP_COLORS.length]);
    const on = focus.pair ? focus.pair[1] === co : focus.co === co;
    strokeCells(ctx, g, 0, 0, 1, 1, { color: on ? COLORS.focus : '#374151', width: on ? 3 : 1 });
    text(ctx, `${co}`, g.x + g.w + 8, g.y + g.h / 2 + 4, { size: 11, mono: true, color: COLORS.text });
  });
}
