// Input view: each channel of the *padded* input as a grid — the halo drawn hatched (and, for
// reflect / replicate / circular, labelled with the input cell it copies), the rows / columns the
// floor leaves unread hatched red, the kernel footprint at the focused output cell with its
// dilation holes, and a ghost of the previous position with an arrow: the stride.

import {
  COLORS, GROUP_COLORS, drawGrid, makeGrid, cellAt, strokeCells, hatchCells,
  arrow, text, fitText, veil, tileLayout, cellCenter, inkFor,
} from '../../../views/grid.js';

export const id = 'input';

/** How much white washes a dilation hole (a cell inside the footprint the kernel skips). */
const HOLE_WASH = 0.5;
export const title = 'Input';

/** Geometry of the view for a width. */
export function layout(model, width) {
  const t = tileLayout({
    count: model.cin,
    rows: model.hp,
    cols: model.wp,
    width,
    maxCell: 44,
    maxHeight: Math.max(260, Math.min(620, width * 0.9)),
    labelH: 30,
    gapX: 22,
  });
  const grids = t.tiles.map((p) => makeGrid(p.x, p.y, model.hp, model.wp, t.cell));
  return { grids, height: Math.ceil(t.height + 4), width };
}

/** The hovered target under a point: a padded-input cell. */
export function hit(model, geom, x, y) {
  for (let c = 0; c < geom.grids.length; c++) {
    const rc = cellAt(geom.grids[c], x, y);
    if (rc) return { kind: 'input', c, ph: rc.r, pw: rc.c };
  }
  return null;
}

/** What clicking a cell edits (only real input cells; halo cells are derived). */
export function editTarget(model, target) {
  const h = target.ph - model.padTop;
  const w = target.pw - model.padLeft;
  if (h < 0 || w < 0 || h >= model.h || w >= model.w) {
    const src = haloSource(model, target.ph, target.pw);
    return {
      refused: src
        ? `This halo cell copies input[0, ${target.c}, ${src[0]}, ${src[1]}] (${model.params.paddingMode} padding): edit that cell.`
        : 'This is zero padding, not part of the input: it is always 0.',
    };
  }
  return {
    tensor: 'input',
    key: `${target.c},${h},${w}`,
    name: `input[0, ${target.c}, ${h}, ${w}]`,
    value: model.input.data[(target.c * model.h + h) * model.w + w],
  };
}

function haloSource(model, ph, pw) {
  const i = (ph * model.wp + pw) * 2;
  const ih = model.halo.data[i];
  const iw = model.halo.data[i + 1];
  return ih < 0 ? null : [ih, iw];
}

function inside(model, ph, pw) {
  return ph >= model.padTop && ph < model.padTop + model.h && pw >= model.padLeft && pw < model.padLeft + model.w;
}

function drawHalo(ctx, model, g, offset) {
  const { padTop: top, padLeft: left, h, w, hp, wp } = model;
  const bottom = hp - top - h;
  const right = wp - left - w;
  const spacing = Math.max(4, Math.min(7, g.cw / 3));
  if (top > 0) hatchCells(ctx, g, 0, 0, top, wp, COLORS.halo, spacing);
  if (bottom > 0) hatchCells(ctx, g, hp - bottom, 0, bottom, wp, COLORS.halo, spacing);
  if (left > 0) hatchCells(ctx, g, top, 0, h, left, COLORS.halo, spacing);
  if (right > 0) hatchCells(ctx, g, top, wp - right, h, right, COLORS.halo, spacing);
  if (model.params.paddingMode !== 'zeros' && g.cw >= 30 && g.ch >= 30) {
    // which input cell each halo cell copies
    for (let ph = 0; ph < hp; ph++) {
      for (let pw = 0; pw < wp; pw++) {
        if (inside(model, ph, pw)) continue;
        const src = haloSource(model, ph, pw);
        if (!src) continue;
        const v = model.padded.data[offset + ph * wp + pw];
        text(ctx, `${src[0]},${src[1]}`, g.x + (pw + 1) * g.cw - 2, g.y + (ph + 1) * g.ch - 2, {
          size: 9, align: 'right', color: inkFor(v, model.scales.x, model.palettes.x), mono: true, weight: 600,
        });
      }
    }
  }
  if (top || bottom || left || right) {
    strokeCells(ctx, g, top, left, h, w, { color: '#374151', width: 1.5 });
  }
}

function drawUnused(ctx, model, g) {
  const uh = model.arithmetic.height.unused;
  const uw = model.arithmetic.width.unused;
  const spacing = Math.max(3, Math.min(5, g.cw / 5));
  // solid hatching (as the key's swatch), then the dashed edge
  const edge = (x0, y0, x1, y1) => {
    ctx.setLineDash([5, 3]);
    ctx.lineWidth = 2;
    ctx.strokeStyle = COLORS.unusedLine;
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
    ctx.setLineDash([]);
  };
  if (uh > 0) {
    hatchCells(ctx, g, model.hp - uh, 0, uh, model.wp, COLORS.unused, spacing);
    const y = g.y + (model.hp - uh) * g.ch;
    edge(g.x, y, g.x + g.w, y);
  }
  if (uw > 0) {
    hatchCells(ctx, g, 0, model.wp - uw, model.hp, uw, COLORS.unused, spacing);
    const x = g.x + (model.wp - uw) * g.cw;
    edge(x, g.y, x, g.y + g.h);
  }
}

/**
 * The stride as an arrow just outside the footprint: along its top edge for a step right, along
 * its left edge for the jump to the next row.
 */
function strideArrow(ctx, g, ghost, box) {
  const off = Math.min(7, Math.max(4, g.ch * 0.25));
  let x0;
  let y0;
  let x1;
  let y1;
  if (ghost.r0 === box.r0) {
    y0 = y1 = g.y + box.r0 * g.ch - off;
    x0 = g.x + ghost.c0 * g.cw;
    x1 = g.x + box.c0 * g.cw;
  } else {
    x0 = x1 = g.x + box.c0 * g.cw - off;
    y0 = g.y + ghost.r0 * g.ch;
    y1 = g.y + box.r0 * g.ch;
  }
  arrow(ctx, x0, y0, x1, y1, '#ffffff', 4);
  arrow(ctx, x0, y0, x1, y1, COLORS.focus, 1.75);
}

function lerp(a, b, f) {
  return a + (b - a) * f;
}

/**
 * Draw the view.
 * @param t      the timeline frame { position, ghostSteps, fromSteps, slide }: the previous cell's
 *               steps (drawn as a ghost), the cell the timeline moved from and the glide 0→1
 * @param focus  resolveFocus(...) for this frame
 */
export function draw(ctx, model, t, focus, geom) {
  const steps = focus.steps;
  const group = model.groupOfOut(focus.co);
  const padded = model.padded.data;
  const plane = model.hp * model.wp;
  for (let c = 0; c < model.cin; c++) {
    const g = geom.grids[c];
    const active = model.groupOfIn(c) === group;
    const gi = model.groupOfIn(c);
    const labels = model.groups > 1 ? [`channel ${c} · group ${gi}`, `c${c} · g${gi}`, `${c}`] : [`channel ${c}`, `c${c}`];
    if (model.groups > 1) {
      ctx.fillStyle = GROUP_COLORS[gi % GROUP_COLORS.length];
      ctx.fillRect(g.x, g.y - 23, 8, 8);
    }
    const lx = g.x + (model.groups > 1 ? 12 : 0);
    fitText(ctx, labels, lx, g.y - 15, g.x + g.w + 16 - lx, { size: 12, weight: 600, color: active ? COLORS.text : COLORS.muted });
    drawGrid(ctx, g, { data: padded, offset: c * plane, maxAbs: model.scales.x, palette: model.palettes.x });
    drawHalo(ctx, model, g, c * plane);
    drawUnused(ctx, model, g);
    if (!active) veil(ctx, g.x, g.y, g.w, g.h, 0.62);
  }

  // ghost of the previous position + the stride arrow; the footprint glides in after a move
  const box = steps.box;
  const ghost = t.ghostSteps ? t.ghostSteps.box : null;
  const from = focus.fromTimeline && t.fromSteps && t.fromSteps !== steps && t.slide < 1 ? t.fromSteps.box : null;
  const bh = box.r1 - box.r0 + 1;
  const bw = box.c1 - box.c0 + 1;
  for (let c = 0; c < model.cin; c++) {
    if (model.groupOfIn(c) !== group) continue;
    const g = geom.grids[c];
    if (ghost) {
      strokeCells(ctx, g, ghost.r0, ghost.c0, bh, bw, { color: COLORS.ghost, width: 1.5, dash: [4, 3] });
      if (g.cw >= 6) strideArrow(ctx, g, ghost, box);
    }
    // dilation holes: cells inside the footprint the kernel skips, washed lighter (their values
    // stay readable); the taps it reads outlined
    if (!from) {
      for (const tap of steps.taps) {
        if (tap.c !== c) continue;
        if (tap.kind === 'skip') {
          veil(ctx, g.x + tap.pw * g.cw, g.y + tap.ph * g.ch, g.cw, g.ch, HOLE_WASH);
        } else if (model.dilation[0] > 1 || model.dilation[1] > 1) {
          strokeCells(ctx, g, tap.ph, tap.pw, 1, 1, { color: COLORS.focus, width: 1.5 });
        }
      }
    }
    const r = from ? lerp(from.r0, box.r0, t.slide) : box.r0;
    const cc = from ? lerp(from.c0, box.c0, t.slide) : box.c0;
    strokeCells(ctx, g, r, cc, bh, bw, { color: COLORS.focus, width: g.cw >= 10 ? 3 : 2, halo: true });
  }

  // hover details
  if (focus.cell) {
    const { c, ph, pw } = focus.cell;
    const g = geom.grids[c];
    if (g) {
      strokeCells(ctx, g, ph, pw, 1, 1, { color: COLORS.link, width: 2.5 });
      const src = inside(model, ph, pw) ? null : haloSource(model, ph, pw);
      if (src) {
        const sr = src[0] + model.padTop;
        const sc = src[1] + model.padLeft;
        strokeCells(ctx, g, sr, sc, 1, 1, { color: COLORS.link, width: 2.5, dash: [3, 2] });
        const [x0, y0] = cellCenter(g, ph, pw);
        const [x1, y1] = cellCenter(g, sr, sc);
        arrow(ctx, x0, y0, x1, y1, COLORS.link, 2);
      }
    }
  }
  if (focus.tap >= 0) {
    const tap = steps.taps[focus.tap];
    const g = geom.grids[tap.c];
    if (g) strokeCells(ctx, g, tap.ph, tap.pw, 1, 1, { color: COLORS.link, width: 2.5 });
  }
}
