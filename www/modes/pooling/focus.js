// Pooling focus. Targets:
//   { kind: 'pout', c, l }        an output (or indices) cell, l = oh·W_out + ow
//   { kind: 'pin', c, ph, pw }    a cell of the padded canvas
// The focus is the output cell whose window every view shows; a hovered canvas cell is framed and
// moves the focus to its channel. Index bookkeeping only: the windows come from model.window.

/** @returns { c, l, oh, ow, window, ghost, cell, fromTimeline, target } */
export function poolFocus(model, position, target) {
  let { c, l } = model.position(position);
  let fromTimeline = true;
  let cell = null;
  if (target && target.kind === 'pout') {
    ({ c, l } = target);
    fromTimeline = false;
  } else if (target && target.kind === 'pin') {
    cell = { c: target.c, ph: target.ph, pw: target.pw };
    c = target.c;
  }
  const oh = Math.floor(l / model.wo);
  const ow = l % model.wo;
  // the previous window along the row (or, at a row's start, above): the stride it jumped
  const prev = ow > 0 ? l - 1 : oh > 0 ? l - model.wo : -1;
  return {
    c, l, oh, ow,
    window: model.window(c, l),
    ghost: prev >= 0 ? model.window(c, prev) : null,
    cell, fromTimeline, target,
  };
}

/** Whether a Pooling target still exists in a (new) model. */
export function validPoolTarget(m, t) {
  if (!t) return null;
  if (t.kind === 'pout') return t.c < m.c && t.l < m.L ? t : null;
  if (t.kind === 'pin') return t.c < m.c && t.ph < m.hp && t.pw < m.wp ? t : null;
  return null;
}
