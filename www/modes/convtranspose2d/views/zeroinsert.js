// Zero-insertion view (ConvTranspose2d as conv_arithmetic draws it, but computed): the input with
// stride − 1 zeros between its cells, padded by dilation·(k − 1) − padding (plus output_padding at
// the bottom / right) — or cropped, when that is negative — and the kernel flipped 180° with in /
// out swapped, sliding at stride 1. Every grid comes from the trace's `zeroInsert`; the output is
// that route's own result (a Conv2d run by the core), not copied from the scatter route.

import {
  COLORS, GROUP_COLORS, drawGrid, makeGrid, cellAt, strokeCells, hatchCells, fitText, text, veil, tileLayout, cellCenter,
  labelRoom,
} from '../../../views/grid.js';
import { drawOutputPadding } from './scatter.js';

export const id = 'zeroinsert';
export const title = 'Zero-insertion';

const LABEL = 20;
const SECTION = 30;

const size = (dims) => `torch.Size([${dims.join(', ')}])`;

/** Cropped rows / columns on each side (negative padding), drawn as a ghost margin. */
function ghost(model) {
  const p = model.zeroInsert.padding;
  return { top: Math.max(0, -p.top), bottom: Math.max(0, -p.bottom), left: Math.max(0, -p.left), right: Math.max(0, -p.right) };
}

export function layout(model, width) {
  const [, , hz, wz] = model.zeroInsert.input.shape;
  const gm = ghost(model);
  const rows = hz + gm.top + gm.bottom;
  const cols = wz + gm.left + gm.right;
  const t = tileLayout({
    count: model.cin,
    rows,
    cols,
    width,
    maxCell: 30,
    maxHeight: Math.max(200, Math.min(440, width * 0.85)),
    labelH: LABEL + 4,
  });
  const zi = t.tiles.map((p) => makeGrid(p.x + gm.left * t.cell, p.y + gm.top * t.cell, hz, wz, t.cell));
  // the flipped kernels: one row per output channel, one kernel per input channel of its group
  let y = t.height + SECTION + LABEL;
  const cinG = model.cinG;
  const ks = Math.max(4, Math.min(22, Math.floor((width - 60 - (cinG - 1) * 8) / (cinG * model.kw))));
  const kernels = [];
  for (let co = 0; co < model.cout; co++) {
    const row = [];
    for (let c = 0; c < cinG; c++) row.push(makeGrid(52 + c * (model.kw * ks + 8), y, model.kh, model.kw, ks));
    kernels.push(row);
    y += model.kh * ks + 8;
  }
  const oy = y - 8 + SECTION;
  const ot = tileLayout({ count: model.cout, rows: model.ho, cols: model.wo, width, maxCell: t.cell, maxHeight: 400, labelH: LABEL + 4 });
  const output = ot.tiles.map((p) => makeGrid(p.x, oy + p.y, model.ho, model.wo, ot.cell));
  return { zi, kernels, output, gm, height: Math.ceil(oy + ot.height + 6), width };
}

export function hit(model, geom, px, py) {
  for (let c = 0; c < geom.zi.length; c++) {
    const rc = cellAt(geom.zi[c], px, py);
    if (rc) return { kind: 'zi', c, r: rc.r, cc: rc.c };
  }
  for (let co = 0; co < geom.output.length; co++) {
    const rc = cellAt(geom.output[co], px, py);
    if (rc) return { kind: 'tout', co, l: rc.r * model.wo + rc.c };
  }
  return null;
}

function label(ctx, candidates, x, y, maxW, color = COLORS.text) {
  fitText(ctx, candidates, x, y, maxW, { size: 12, weight: 600, color });
}

function drawZeroGrid(ctx, model, g, c, geom) {
  const zi = model.zeroInsert;
  const [, , hz, wz] = zi.input.shape;
  const kinds = model.ziKinds;
  drawGrid(ctx, g, {
    data: zi.input.data,
    offset: c * hz * wz,
    maxAbs: model.scales.x,
    palette: model.palettes.x,
    blankWhere: { data: model.ziReal },
  });
  // the padding: four bands, hatched
  const spacing = Math.max(4, Math.min(7, g.cw / 3));
  const p = zi.padding;
  const [t, b, l, r] = [p.top, p.bottom, p.left, p.right].map((v) => Math.max(0, v));
  if (t) hatchCells(ctx, g, 0, 0, t, wz, COLORS.halo, spacing);
  if (b) hatchCells(ctx, g, hz - b, 0, b, wz, COLORS.halo, spacing);
  if (l) hatchCells(ctx, g, t, 0, hz - t - b, l, COLORS.halo, spacing);
  if (r) hatchCells(ctx, g, t, wz - r, hz - t - b, r, COLORS.halo, spacing);
  // the inserted zeros: a dot each, when the cells are big enough to see one
  if (g.cw >= 8) {
    ctx.fillStyle = COLORS.ghost;
    ctx.beginPath();
    const rad = Math.min(2.5, g.cw / 7);
    for (let rr = 0; rr < hz; rr++) {
      for (let cc = 0; cc < wz; cc++) {
        if (kinds[rr * wz + cc] !== 0) continue;
        const [x, y] = cellCenter(g, rr, cc);
        ctx.moveTo(x + rad, y);
        ctx.arc(x, y, rad, 0, Math.PI * 2);
      }
    }
    ctx.fill();
  }
  const gm = geom.gm;
  if (gm.top || gm.bottom || gm.left || gm.right) {
    const rows = hz + gm.top + gm.bottom;
    const cols = wz + gm.left + gm.right;
    const sp = Math.max(3, Math.min(5, g.cw / 5));
    if (gm.top) hatchCells(ctx, g, -gm.top, -gm.left, gm.top, cols, COLORS.unused, sp);
    if (gm.bottom) hatchCells(ctx, g, hz, -gm.left, gm.bottom, cols, COLORS.unused, sp);
    if (gm.left) hatchCells(ctx, g, 0, -gm.left, hz, gm.left, COLORS.unused, sp);
    if (gm.right) hatchCells(ctx, g, 0, wz, hz, gm.right, COLORS.unused, sp);
    strokeCells(ctx, g, -gm.top, -gm.left, rows, cols, { color: COLORS.unusedLine, width: 1.5, dash: [4, 3] });
  }
}

export function draw(ctx, model, t, focus, geom) {
  const zi = model.zeroInsert;
  const pos = model.position(t.position);
  const inputDriven = model.stepBy === 'input';
  const part = inputDriven ? model.partial(pos.l) : null;
  const [, , hz, wz] = zi.input.shape;
  const gm = geom.gm;

  for (let c = 0; c < model.cin; c++) {
    const g = geom.zi[c];
    const top = g.y - gm.top * g.ch;
    label(ctx, c === 0
      ? [`zero-inserted y[0, ${c}]  ${size(zi.input.shape)}`, `zero-inserted [0, ${c}]  [${hz}, ${wz}]`, `input[${c}]  [${hz}, ${wz}]`, `${c}`]
      : [`zero-inserted input[0, ${c}]`, `zero-inserted [0, ${c}]`, `[0, ${c}]`, `${c}`], g.x - gm.left * g.cw, top - 8, g.w + (gm.left + gm.right) * g.cw + 16);
    if (model.groups > 1) {
      ctx.fillStyle = GROUP_COLORS[Math.floor(c / model.cinG) % GROUP_COLORS.length];
      ctx.fillRect(g.x - gm.left * g.cw - 10, top - 16, 6, 8);
    }
    drawZeroGrid(ctx, model, g, c, geom);
  }

  // the flipped kernels
  const k0 = geom.kernels[0][0];
  label(ctx, ['weight flipped 180°, in / out swapped', 'flipped weight', 'w̃'], 0, k0.y - 8, geom.width);
  const kk = model.kk;
  for (let co = 0; co < model.cout; co++) {
    const row = geom.kernels[co];
    const active = focus.out && focus.out.co === co;
    text(ctx, `out ${co}`, 0, row[0].y + Math.min(row[0].h / 2, 12) + 4, { size: 11, weight: active ? 700 : 500, color: active ? COLORS.text : COLORS.muted });
    for (let c = 0; c < row.length; c++) {
      drawGrid(ctx, row[c], { data: zi.weight.data, offset: (co * model.cinG + c) * kk, maxAbs: model.scales.w });
    }
    if (active) strokeCells(ctx, row[0], -0.15, -0.15, model.kh + 0.3, (row[row.length - 1].x + row[row.length - 1].w - row[0].x) / row[0].cw + 0.3, { color: COLORS.focus, width: 2 });
  }

  // the window of the emphasised output cell (stride 1, dilation holes veiled)
  if (focus.zsteps) {
    const s = focus.zsteps;
    const b = s.box;
    const style = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true };
    const chans = new Set(s.taps.map((tp) => tp.c));
    for (const c of chans) {
      const g = geom.zi[c];
      for (const tp of s.taps) {
        if (tp.c === c && tp.kind === 'skip') veil(ctx, g.x + tp.pw * g.cw, g.y + tp.ph * g.ch, g.cw, g.ch, 0.7);
      }
      strokeCells(ctx, g, b.r0, b.c0, b.r1 - b.r0 + 1, b.c1 - b.c0 + 1, style);
    }
  }
  // the emphasised input cell, where it sits among the zeros
  if (focus.inL !== null) {
    const at = model.ziOf[focus.inL];
    if (at >= 0) {
      const r = Math.floor(at / wz);
      const cc = at % wz;
      const style = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true };
      for (const g of geom.zi) strokeCells(ctx, g, r, cc, 1, 1, style);
    }
  }
  if (focus.zcell) {
    const g = geom.zi[focus.zcell.c];
    strokeCells(ctx, g, focus.zcell.r, focus.zcell.cc, 1, 1, { color: COLORS.link, width: 2.5 });
  }

  // the output: this route's own numbers
  const out = model.zero.output.data;
  for (let co = 0; co < model.cout; co++) {
    const g = geom.output[co];
    label(ctx, co === 0
      ? [`output x̂[0, ${co}] (stride-1 conv)  ${size(model.zero.output.shape)}`, `output x̂[0, ${co}]  ${size(model.zero.output.shape)}`, `output ${size(model.zero.output.shape)}`, `output x̂[0, ${co}]`, 'output']
      : [`output x̂[0, ${co}]`, `x̂[${co}]`], g.x, g.y - 8, labelRoom(geom.output, co, geom.width));
    if (inputDriven) {
      drawGrid(ctx, g, { data: out, offset: co * model.L, maxAbs: model.scales.y, blankWhere: { data: part.done } });
    } else {
      // Predict first: the current cell stays blank, with a question mark, until the guess
      const withheld = t.withheld && co === pos.co;
      const limit = co < pos.co ? model.L : co > pos.co ? 0 : pos.l + (withheld ? 0 : 1);
      drawGrid(ctx, g, { data: out, offset: co * model.L, maxAbs: model.scales.y, limit });
      if (withheld) {
        const [x, y] = cellCenter(g, Math.floor(pos.l / model.wo), pos.l % model.wo);
        text(ctx, '?', x, y, { size: Math.max(9, Math.min(16, g.ch * 0.6)), weight: 700, align: 'center', baseline: 'middle' });
      }
    }
    drawOutputPadding(ctx, model, g, 0, 0);
  }
  if (focus.out) {
    strokeCells(ctx, geom.output[focus.out.co], focus.out.oh, focus.out.ow, 1, 1, { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true });
  }
  if (focus.inL !== null) {
    for (const c of model.footprint(focus.inL)) {
      const oh = c.fh - model.padding[0];
      const ow = c.fw - model.padding[1];
      if (oh < 0 || ow < 0 || oh >= model.ho || ow >= model.wo) continue;
      for (const g of geom.output) strokeCells(ctx, g, oh, ow, 1, 1, { color: COLORS.ghost, width: 1.5 });
    }
  }
}
