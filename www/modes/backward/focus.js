// Backward focus: what the timeline's position, or a hovered cell of any Backward view, means in
// every view. Targets (what the views' hit tests return):
//   { kind: 'gy', co, l }            a ∂L/∂y cell (its stamp)            l = oh·W_out + ow
//   { kind: 'gx', c, ih, iw }        a ∂L/∂x cell (the ∂L/∂y cells that reach it, with which weights)
//   { kind: 'gpad', c, ph, pw }      a cell of ∂L/∂(padded x) (its source cell when it is halo)
//   { kind: 'gw', co, ci, i, j }     a ∂L/∂W entry (its dot product)
// Only index bookkeeping lives here; every value comes from the model's wasm results.

/**
 * The focus for a frame: { pos (the timeline's), stamp (k or −1), tap ({co, ci, i, j} or null),
 * cell ({c, ih, iw} or null) with `cellSteps` (inputSteps), `wsteps` (weightSteps of tap),
 * pad ({c, ph, pw} or null), co (the ∂L/∂y channel in view), fromTimeline, target }.
 */
export function backwardFocus(model, position, target) {
  const pos = model.position(Math.min(position, model.total - 1));
  let stamp = -1;
  let tap = null;
  let cell = null;
  let pad = null;
  if (pos.phase === 'stamp') stamp = pos.k;
  else if (pos.phase === 'tap') tap = { co: pos.co, ci: pos.ci, i: pos.i, j: pos.j };
  else cell = { c: pos.co, ih: pos.oh, iw: pos.ow };
  if (target) {
    switch (target.kind) {
      case 'gy': stamp = target.co * model.L + target.l; tap = null; cell = null; break;
      case 'gw': tap = { co: target.co, ci: target.ci, i: target.i, j: target.j }; stamp = -1; cell = null; break;
      case 'gx': cell = { c: target.c, ih: target.ih, iw: target.iw }; stamp = -1; tap = null; break;
      case 'gpad': {
        pad = { c: target.c, ph: target.ph, pw: target.pw };
        const src = model.sourceOf(target.ph, target.pw);
        if (src) {
          cell = { c: target.c, ih: src[0], iw: src[1] };
          stamp = -1;
          tap = null;
        }
        break;
      }
      default: break;
    }
  }
  const co = stamp >= 0 ? Math.floor(stamp / model.L) : tap ? tap.co : -1;
  return {
    pos,
    stamp,
    tap,
    cell,
    pad,
    co,
    cellSteps: cell ? model.inputSteps(cell.c, cell.ih, cell.iw) : null,
    wsteps: tap ? model.weightSteps(tap.co, tap.ci, tap.i, tap.j) : null,
    fromTimeline: !target,
    target,
  };
}

/** Whether a Backward target still exists in a (new) model. */
export function validBackwardTarget(m, t) {
  if (!t) return null;
  switch (t.kind) {
    case 'gy': return t.co < m.cout && t.l < m.L ? t : null;
    case 'gx': return t.c < m.cin && t.ih < m.h && t.iw < m.w ? t : null;
    case 'gpad': return t.c < m.cin && t.ph < m.hp && t.pw < m.wp ? t : null;
    case 'gw': return t.co < m.cout && t.ci < m.cg && t.i < m.kh && t.j < m.kw ? t : null;
    default: return null;
  }
}

/** A key of what the DOM written per frame depends on. */
export const backwardFocusKey = (f) => `${f.stamp}|${f.tap ? `${f.tap.co},${f.tap.ci},${f.tap.i},${f.tap.j}` : ''}|${f.cell ? `${f.cell.c},${f.cell.ih},${f.cell.iw}` : ''}`;
