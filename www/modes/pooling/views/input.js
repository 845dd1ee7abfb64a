// Pooling input view: each channel on its padded canvas — the halo (−∞ for MaxPool2d, whose
// padding never wins; 0 for AvgPool2d), a ceil_mode window's overhang past it (read by no one),
// the window of the current output cell with its dilation holes, the previous window (→ stride),
// and the maximum marked (MaxPool2d) or every summed cell (AvgPool2d).

import {
  COLORS, drawGrid, makeGrid, cellAt, strokeCells, hatchCells, fitText, text, veil, tileLayout, showsNumbers,
} from '../../../views/grid.js';

export const id = 'pool-input';
export const title = 'Input and the window';

const LABEL = 20;

export function layout(model, width) {
  const t = tileLayout({
    count: model.c, rows: model.hp, cols: model.wp, width, maxCell: 40,
    maxHeight: Math.max(220, Math.min(420, width * 0.7)), labelH: LABEL + 4,
  });
  const tiles = t.tiles.map((p) => makeGrid(p.x, p.y, model.hp, model.wp, t.cell));
  return { tiles, height: Math.ceil(t.height + 6), width };
}

export function hit(model, geom, x, y) {
  for (let c = 0; c < geom.tiles.length; c++) {
    const rc = cellAt(geom.tiles[c], x, y);
    if (rc) return { kind: 'pin', c, ph: rc.r, pw: rc.c };
  }
  return null;
}

/** What clicking an input cell edits (the halo and the overhang are not the input). */
export function editTarget(model, target) {
  if (target.kind !== 'pin') return null;
  const h = target.ph - model.padTop;
  const w = target.pw - model.padLeft;
  if (h < 0 || w < 0 || h >= model.h || w >= model.w) {
    return { refused: model.pool === 'max' ? 'This is padding: MaxPool2d pads with −∞, never the maximum.' : 'This is zero padding, not part of the input.' };
  }
  return { tensor: 'input', key: `${target.c},${h},${w}`, name: `input[0, ${target.c}, ${h}, ${w}]`, value: model.input.data[(target.c * model.h + h) * model.w + w] };
}

/** The halo hatched with its value written in, the overhang hatched red, the input framed. */
function drawFrame(ctx, model, g) {
  const { padTop: top, padLeft: left, h, w, hp, wp } = model;
  const [oh, ow] = model.overhang;
  const sp = Math.max(4, Math.min(7, g.cw / 3));
  const halo = (r, c, rows, cols) => rows > 0 && cols > 0 && hatchCells(ctx, g, r, c, rows, cols, COLORS.halo, sp);
  halo(0, 0, top, wp - ow);
  halo(top + h, 0, top, wp - ow);
  halo(top, 0, h, left);
  halo(top, left + w, h, left);
  if (oh > 0) hatchCells(ctx, g, hp - oh, 0, oh, wp, COLORS.unused, sp);
  if (ow > 0) hatchCells(ctx, g, 0, wp - ow, hp, ow, COLORS.unused, sp);
  if (top || left || oh || ow) strokeCells(ctx, g, top, left, h, w, { color: '#374151', width: 1.5 });
  if (!showsNumbers(g) || !(top || left)) return;
  const pad = model.pool === 'max' ? '−∞' : '0';
  const size = Math.min(12, Math.floor(g.cw * 0.38));
  for (let r = 0; r < hp - oh; r++) {
    for (let c = 0; c < wp - ow; c++) {
      if (r >= top && r < top + h && c >= left && c < left + w) continue;
      text(ctx, pad, g.x + (c + 0.5) * g.cw, g.y + (r + 0.5) * g.ch + 4, { size, align: 'center', color: COLORS.muted, mono: true });
    }
  }
}

/** A window: its box, the holes of a dilated one veiled; `style` its outline. */
function drawWindow(ctx, model, g, win, style) {
  const { r0, c0, r1, c1 } = win.box;
  if (model.dilation[0] > 1 || model.dilation[1] > 1) {
    const on = new Set(win.cells.map((q) => q.ph * model.wp + q.pw));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) if (!on.has(r * model.wp + c)) veil(ctx, g.x + c * g.cw, g.y + r * g.ch, g.cw, g.ch, 0.7);
    }
  }
  strokeCells(ctx, g, r0, c0, r1 - r0 + 1, c1 - c0 + 1, style);
}

export function draw(ctx, model, t, focus, geom) {
  const plane = model.hp * model.wp;
  const win = focus.window;
  for (let c = 0; c < model.c; c++) {
    const g = geom.tiles[c];
    const pad = model.padTop || model.padLeft ? `padded with ${model.pool === 'max' ? '−∞' : 'zeros'}` : 'no padding';
    fitText(ctx, [`x[0, ${c}]  ${pad}`, `x[0, ${c}]`, `c${c}`], g.x, g.y - 9, Math.max(g.w + 20, 140), { size: 12, weight: 600 });
    drawGrid(ctx, g, { data: model.padded, offset: c * plane, maxAbs: model.scales.x, blankWhere: { data: model.inside, offset: c * plane } });
    drawFrame(ctx, model, g);
    if (c !== win.c) {
      veil(ctx, g.x, g.y, g.w, g.h, 0.45);
      continue;
    }
    if (focus.ghost) drawWindow(ctx, model, g, focus.ghost, { color: COLORS.ghost, width: 2, dash: [4, 3] });
    drawWindow(ctx, model, g, win, { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true });
    if (win.argmax !== null) {
      const m = win.cells[win.argmax];
      strokeCells(ctx, g, m.ph, m.pw, 1, 1, { color: COLORS.link, width: 3 });
      if (g.cw >= 14) text(ctx, 'max', g.x + (m.pw + 0.5) * g.cw, g.y + m.ph * g.ch + 10, { size: 9, align: 'center', color: COLORS.link, weight: 700 });
    }
    if (focus.cell && focus.cell.c === c) strokeCells(ctx, g, focus.cell.ph, focus.cell.pw, 1, 1, { color: COLORS.link, width: 2 });
  }
}
