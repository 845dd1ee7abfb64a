// Conv1d focus. Targets:
//   { kind: 'sout', co, o }     an output cell
//   { kind: 'sin', c, i }       a cell of the padded input row of channel c
//   { kind: 'sw', co, col }     a weight (col = c_in within the group · k + j), or the bias (col = -1)
// The focus is the output cell whose window every view shows; a hovered input or weight is framed
// (a weight moves the focus to its output channel). Index bookkeeping only: the numbers are the model's.

/** @returns { co, o, l, dot, window, ghost, group, cell, weight, fromTimeline, target } */
export function seqFocus(model, position, target) {
  let { co, o } = model.position(position);
  let fromTimeline = true;
  let cell = null;
  let weight = null;
  if (target && target.kind === 'sout') {
    ({ co, o } = target);
    fromTimeline = false;
  } else if (target && target.kind === 'sin') {
    cell = { c: target.c, i: target.i };
  } else if (target && target.kind === 'sw') {
    weight = { co: target.co, col: target.col };
    co = target.co;
  }
  const group = Math.floor(co / model.coutG);
  return {
    co, o, l: o, group,
    dot: model.dot(co, o),
    window: model.window(o),
    ghost: o > 0 ? model.window(o - 1) : null,
    cell, weight, fromTimeline, target,
  };
}

/** Whether a Conv1d target still exists in a (new) model. */
export function validSeqTarget(m, t) {
  if (!t) return null;
  if (t.kind === 'sout') return t.co < m.cout && t.o < m.lout ? t : null;
  if (t.kind === 'sin') return t.c < m.c && t.i < m.lp ? t : null;
  if (t.kind === 'sw') return t.co < m.cout && t.col < m.cinG * m.k ? t : null;
  return null;
}
