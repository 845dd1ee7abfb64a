// Stack focus: the output cell traced back (the timeline's, or the hovered / pinned one).
//
// A target is what a view's hit test returns: { kind: 'cell', r, c }, a cell of the last map.

/**
 * The focus for a frame: the output cell (r, c), whether it is the timeline's, and its path
 * counts per map (model.counts: the more module's pathCounts, kept by the model).
 */
export function stackFocus(model, position, target) {
  let { r, c } = model.position(position);
  let fromTimeline = true;
  if (target && target.kind === 'cell') {
    ({ r, c } = target);
    fromTimeline = false;
  }
  return { co: 0, l: r * model.wo + c, r, c, oh: r, ow: c, fromTimeline, target, counts: model.counts(r, c) };
}

/** Whether a target still exists in a (new) model. */
export function validStackTarget(m, t) {
  if (!t || t.kind !== 'cell') return null;
  return t.r < m.ho && t.c < m.wo ? t : null;
}
