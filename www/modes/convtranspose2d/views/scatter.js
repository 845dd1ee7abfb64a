// Scatter-add view (ConvTranspose2d as col2im): every input cell stamps value × kernel into an
// uncropped canvas, overlapping stamps sum, then `padding` crops a border and `output_padding`
// keeps extra rows / columns at the bottom / right.
//
//   y[ci]  ·  weight[ci, :]  =  stamp          one row per input channel
//   canvas (before the crop), per out channel   │ overlap count (how many stamps land)
//   output = canvas[pad : pad + H_out] + bias
//
// Draws from the model only: the canvas after the first stamps and the counts so far are the
// model's `partial(l)` (wasm), the stamps its `stamps(l)` (wasm).

import {
  COLORS, drawGrid, makeGrid, cellAt, strokeCells, hatchCells, fitText, text, veil, tileLayout, arrow, labelRoom,
} from '../../../views/grid.js';

export const id = 'scatter';
export const title = 'Scatter-add';

/** Colour of the rows / columns that output_padding adds (distinct from the crop's grey). */
export const OP_COLOR = '#d97706';

const LABEL = 20;
const GAP = 16;
const SECTION = 30;

const size = (dims) => `torch.Size([${dims.join(', ')}])`;

/** One row per input channel: y[ci], its kernels, its stamps; then canvas + count; then output. */
export function layout(model, width) {
  const { cin, h, w, coutG, kh, kw } = model;
  // row A: cell sizes for x (xs) and for kernels / stamps (ks)
  const sign = 22;
  const kBlock = (ks) => coutG * kw * ks + (coutG - 1) * 8;
  let ks = 22;
  let xs = Math.min(30, (width - 2 * kBlock(ks) - 2 * sign - 2 * GAP) / w);
  while (xs < ks * 0.6 && ks > 6) {
    ks -= 2;
    xs = Math.min(30, (width - 2 * kBlock(ks) - 2 * sign - 2 * GAP) / w);
  }
  const rowH = (s) => Math.max(h * s, kh * ks);
  const byHeight = (Math.max(200, Math.min(420, width * 0.7)) - cin * (LABEL + 8)) / (cin * h);
  xs = Math.max(0.5, Math.min(xs, byHeight));
  if (xs >= 3) xs = Math.floor(xs);
  const x = [];
  const k = [];
  const s = [];
  let y = LABEL;
  const kx = w * xs + GAP + sign;
  const sx = kx + kBlock(ks) + GAP + sign;
  for (let ci = 0; ci < cin; ci++) {
    const rh = rowH(xs);
    x.push(makeGrid(0, y, h, w, xs));
    const ky = y + (rh - kh * ks) / 2;
    const krow = [];
    const srow = [];
    for (let o = 0; o < coutG; o++) {
      krow.push(makeGrid(kx + o * (kw * ks + 8), ky, kh, kw, ks));
      srow.push(makeGrid(sx + o * (kw * ks + 8), ky, kh, kw, ks));
    }
    k.push(krow);
    s.push(srow);
    y += rh + LABEL + 8;
  }
  // row B: canvas per out channel + the count grid; row C: outputs at the same cell size
  const by = y - LABEL - 8 + SECTION + LABEL;
  const t = tileLayout({
    count: model.cout + 1,
    rows: model.hf,
    cols: model.wf,
    width,
    maxCell: 30,
    maxHeight: Math.max(180, Math.min(440, width * 0.8)),
    labelH: LABEL + 4,
  });
  const canvas = t.tiles.slice(0, model.cout).map((p) => makeGrid(p.x, by + p.y - LABEL - 4, model.hf, model.wf, t.cell));
  const cp = t.tiles[model.cout];
  const count = makeGrid(cp.x, by + cp.y - LABEL - 4, model.hf, model.wf, t.cell);
  const cy = by - LABEL - 4 + t.height + SECTION + LABEL;
  const ot = tileLayout({ count: model.cout, rows: model.ho, cols: model.wo, width, maxCell: t.cell, maxHeight: 400, labelH: LABEL + 4 });
  const output = ot.tiles.map((p) => makeGrid(p.x, cy + p.y - LABEL - 4, model.ho, model.wo, ot.cell));
  const height = cy - LABEL - 4 + ot.height + 6;
  return { x, k, s, canvas, count, output, sign, kx, sx, height: Math.ceil(height), width };
}

export function hit(model, geom, px, py) {
  for (let ci = 0; ci < geom.x.length; ci++) {
    const rc = cellAt(geom.x[ci], px, py);
    if (rc) return { kind: 'tin', c: ci, l: rc.r * model.w + rc.c };
  }
  for (let co = 0; co < geom.canvas.length; co++) {
    const rc = cellAt(geom.canvas[co], px, py);
    if (rc) return { kind: 'tfull', co, fh: rc.r, fw: rc.c };
  }
  const rc = cellAt(geom.count, px, py);
  if (rc) return { kind: 'tfull', co: 0, fh: rc.r, fw: rc.c };
  for (let co = 0; co < geom.output.length; co++) {
    const o = cellAt(geom.output[co], px, py);
    if (o) return { kind: 'tout', co, l: o.r * model.wo + o.c };
  }
  return null;
}

/** What clicking an input cell edits. */
export function editTarget(model, target) {
  if (target.kind !== 'tin' || target.c < 0) return null;
  const ih = Math.floor(target.l / model.w);
  const iw = target.l % model.w;
  return {
    tensor: 'input',
    key: `${target.c},${ih},${iw}`,
    name: `y[0, ${target.c}, ${ih}, ${iw}]`,
    value: model.input.data[target.c * model.HW + target.l],
  };
}

/** Grey hatching over the border `padding` crops, the output window framed. */
export function drawCrop(ctx, model, g) {
  const [pt, pl] = model.padding;
  const { ho, wo, hf, wf } = model;
  const spacing = Math.max(4, Math.min(7, g.cw / 3));
  const bottom = hf - pt - ho;
  const right = wf - pl - wo;
  if (pt > 0) hatchCells(ctx, g, 0, 0, pt, wf, COLORS.halo, spacing);
  if (bottom > 0) hatchCells(ctx, g, hf - bottom, 0, bottom, wf, COLORS.halo, spacing);
  if (pl > 0) hatchCells(ctx, g, pt, 0, ho, pl, COLORS.halo, spacing);
  if (right > 0) hatchCells(ctx, g, pt, wf - right, ho, right, COLORS.halo, spacing);
  if (pt || pl || bottom || right) strokeCells(ctx, g, pt, pl, ho, wo, { color: '#374151', width: 2 });
}

/** The rows / columns output_padding adds, outlined (in canvas coordinates, or output ones). */
export function drawOutputPadding(ctx, model, g, r0, c0) {
  const [oph, opw] = model.outputPadding;
  const style = { color: OP_COLOR, width: 2, dash: [5, 3] };
  if (oph > 0) strokeCells(ctx, g, r0 + model.ho - oph, c0, oph, model.wo, style);
  if (opw > 0) strokeCells(ctx, g, r0, c0 + model.wo - opw, model.ho, opw, style);
}

function label(ctx, candidates, x, y, maxW, color = COLORS.text) {
  fitText(ctx, candidates, x, y, maxW, { size: 12, weight: 600, color });
}

/**
 * The three rows at timeline `t`: the stamps, the canvas and counts so far, the output so far;
 * `focus` marks the stamp being added (inL), the cells hovered and the cells they link to.
 */
export function draw(ctx, model, t, focus, geom) {
  const pos = model.position(t.position);
  const inputDriven = model.stepBy === 'input';
  // what the rows share: stepping by input cell, the canvas / counts / outputs so far are `part`
  const step = { pos, inputDriven, part: inputDriven ? model.partial(pos.l) : null, scaleY: model.scales.y, stampL: focus.inL };
  drawStamps(ctx, model, step, focus, geom);
  drawCanvas(ctx, model, step, focus, geom);
  drawOutput(ctx, model, step, focus, geom);
}

/** Row A: y[ci] · weight[ci] = stamp, one row per input channel; the stamped input cell framed. */
function drawStamps(ctx, model, { pos, inputDriven, scaleY, stampL }, focus, geom) {
  const { cin, w, coutG, kk } = model;
  const stamps = stampL !== null ? model.stamps(stampL) : null;
  for (let ci = 0; ci < cin; ci++) {
    const g = geom.x[ci];
    const head = ci === 0 ? [`input y[0, ${ci}]  ${size(model.input.shape)}`, `input y[0, ${ci}]`, `y[${ci}]`] : [`input y[0, ${ci}]`, `y[${ci}]`];
    label(ctx, head, g.x, g.y - 7, geom.kx - g.x + (ci === 0 ? 400 : 0));
    drawGrid(ctx, g, { data: model.input.data, offset: ci * model.HW, maxAbs: model.scales.x, palette: model.palettes.x });
    if (inputDriven && pos.l < model.HW - 1) {
      // cells not stamped yet: the rest of this row, then the rows below
      const next = pos.l + 1;
      const r = Math.floor(next / w);
      const c = next % w;
      if (c > 0) veil(ctx, g.x + c * g.cw, g.y + r * g.ch, (w - c) * g.cw, g.ch, 0.55);
      const r1 = c > 0 ? r + 1 : r;
      if (r1 < model.h) veil(ctx, g.x, g.y + r1 * g.ch, g.w, (model.h - r1) * g.ch, 0.55);
    }
    const kr = geom.k[ci];
    const sr = geom.s[ci];
    const my = kr[0].y + kr[0].h / 2 + 5;
    text(ctx, '·', geom.kx - geom.sign / 2, my, { size: 20, align: 'center', color: COLORS.muted });
    text(ctx, '=', geom.sx - geom.sign / 2, my, { size: 16, align: 'center', color: COLORS.muted });
    const g0 = Math.floor(ci / model.cinG) * coutG;
    for (let o = 0; o < coutG; o++) {
      label(ctx, [`w[${ci}, ${g0 + o}]`, `${g0 + o}`], kr[o].x, kr[o].y - 7, kr[o].w + 8, COLORS.muted);
      drawGrid(ctx, kr[o], { data: model.weight.data, offset: (ci * coutG + o) * kk, maxAbs: model.scales.w });
      if (stamps) {
        drawGrid(ctx, sr[o], { data: stamps[ci].products, offset: o * kk, maxAbs: scaleY });
      } else {
        drawGrid(ctx, sr[o], { data: model.weight.data, offset: 0, maxAbs: 1, limit: 0 });
      }
      label(ctx, [coutG > 1 ? `stamp → ${g0 + o}` : 'stamp', 'stamp', 'st'], sr[o].x, sr[o].y - 7, sr[o].w + 16, COLORS.muted);
    }
  }
  if (stampL !== null) {
    const ih = Math.floor(stampL / w);
    const iw = stampL % w;
    const style = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true };
    for (let ci = 0; ci < cin; ci++) strokeCells(ctx, geom.x[ci], ih, iw, 1, 1, style);
  }
  for (const wr of focus.writers) {
    for (let ci = 0; ci < cin; ci++) strokeCells(ctx, geom.x[ci], wr.ih, wr.iw, 1, 1, { color: COLORS.link, width: 2.5 });
  }
}

/** Row B: the canvas (before the crop) and the overlap count; the stamp being added framed. */
function drawCanvas(ctx, model, { pos, inputDriven, part, scaleY, stampL }, focus, geom) {
  const fullData = part ? part.full : model.full.data;
  const countData = part ? part.count : model.overlap.data;
  const plane = model.hf * model.wf;
  for (let co = 0; co < model.cout; co++) {
    const g = geom.canvas[co];
    label(ctx, co === 0
      ? [`canvas[${co}] before the crop  [${model.hf}, ${model.wf}]`, `canvas[${co}]  [${model.hf}, ${model.wf}]`, `canvas[${co}]`, `${co}`]
      : [`canvas[${co}]`, `${co}`], g.x, g.y - 8, g.w + 14);
    drawGrid(ctx, g, { data: fullData, offset: co * plane, maxAbs: scaleY, blankWhere: part ? { data: part.count } : undefined });
    drawCrop(ctx, model, g);
    drawOutputPadding(ctx, model, g, model.padding[0], model.padding[1]);
  }
  const cg = geom.count;
  label(ctx, ['overlap count (stamps per cell)', 'overlap count', 'count'], cg.x, cg.y - 8, Math.max(cg.w + 14, geom.width - cg.x - 4));
  drawGrid(ctx, cg, { data: countData, maxAbs: model.scales.count, palette: 'count' });
  drawCrop(ctx, model, cg);

  // the stamp being added (and the previous one, dashed: the stride)
  if (stampL !== null) {
    const cells = model.footprint(stampL);
    const style = { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 2.5, halo: true };
    const boxed = model.dilation[0] === 1 && model.dilation[1] === 1;
    const f0 = cells[0];
    const prev = inputDriven && focus.fromTimeline && pos.l > 0 ? model.footprint(pos.l - 1)[0] : null;
    for (const g of [...geom.canvas, cg]) {
      if (prev && g.cw >= 6) {
        strokeCells(ctx, g, prev.fh, prev.fw, model.kh, model.kw, { color: COLORS.ghost, width: 1.5, dash: [4, 3] });
        // the stride, as an arrow just below the stamp
        const y = g.y + (f0.fh + model.kh) * g.ch + 5;
        if (prev.fh === f0.fh) arrow(ctx, g.x + prev.fw * g.cw, y, g.x + f0.fw * g.cw, y, COLORS.focus, 1.5);
      }
      if (boxed) strokeCells(ctx, g, f0.fh, f0.fw, model.kh, model.kw, style);
      else for (const c of cells) strokeCells(ctx, g, c.fh, c.fw, 1, 1, style);
    }
  }
  if (focus.full) {
    const { fh, fw } = focus.full;
    for (const g of [geom.canvas[focus.full.co], cg]) strokeCells(ctx, g, fh, fw, 1, 1, { color: COLORS.link, width: 3, halo: true });
  }
}

/** Row C: output = canvas[pad : pad + H_out] + bias; the output cells the stamp reaches marked. */
function drawOutput(ctx, model, { pos, inputDriven, part, scaleY, stampL }, focus, geom) {
  for (let co = 0; co < model.cout; co++) {
    const g = geom.output[co];
    label(ctx, co === 0
      ? [`output x̂[0, ${co}] = canvas cropped${model.bias ? ' + bias' : ''}  ${size(model.output.shape)}`, `output x̂[0, ${co}]  ${size(model.output.shape)}`, `output ${size(model.output.shape)}`, `output x̂[0, ${co}]`, 'output']
      : [`output x̂[0, ${co}]`, `x̂[${co}]`], g.x, g.y - 8, labelRoom(geom.output, co, geom.width));
    if (inputDriven) {
      drawGrid(ctx, g, { data: model.output.data, offset: co * model.L, maxAbs: scaleY, blankWhere: { data: part.done } });
    } else {
      const cur = pos.co;
      const limit = co < cur ? model.L : co > cur ? 0 : pos.l + 1;
      drawGrid(ctx, g, { data: model.output.data, offset: co * model.L, maxAbs: scaleY, limit });
    }
    drawOutputPadding(ctx, model, g, 0, 0);
  }
  if (focus.out) {
    const g = geom.output[focus.out.co];
    strokeCells(ctx, g, focus.out.oh, focus.out.ow, 1, 1, { color: focus.fromTimeline ? COLORS.focus : COLORS.link, width: 3, halo: true });
  }
  if (stampL !== null) {
    // the output cells this stamp reaches
    for (const c of model.footprint(stampL)) {
      const oh = c.fh - model.padding[0];
      const ow = c.fw - model.padding[1];
      if (oh < 0 || ow < 0 || oh >= model.ho || ow >= model.wo) continue;
      for (const g of geom.output) strokeCells(ctx, g, oh, ow, 1, 1, { color: COLORS.ghost, width: 1.5 });
    }
  }
}
