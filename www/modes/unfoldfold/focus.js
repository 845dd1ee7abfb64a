// Unfold / Fold focus: linking between the unfold and fold views.

// ---------------------------------------------------------------------------------------------
// Unfold / Fold. Targets:
//   { kind: 'upad', c, ph, pw }   a cell of the padded input, or of the fold canvas (same grid)
//   { kind: 'ucol', r, l }        an entry of the columns matrix

/**
 * The focus of the Unfold / Fold views.
 * @returns { phase, l, oh, ow, cell: { c, ph, pw } | null, readers, row, fromTimeline, target }
 */
export function unfoldFocus(model, position, target) {
  const pos = model.position(position);
  let { l } = pos;
  let cell = null;
  let readers = [];
  let row = -1;
  let fromTimeline = true;
  if (target && target.kind === 'ucol') {
    l = target.l;
    row = target.r;
    fromTimeline = false;
  } else if (target && target.kind === 'upad') {
    cell = { c: target.c, ph: target.ph, pw: target.pw };
    readers = model.readers(target.ph, target.pw);
    if (readers.length && !readers.some((r) => r.l === l)) l = readers[0].l;
    const rd = readers.find((r) => r.l === l);
    if (rd) row = (cell.c * model.kh + rd.i) * model.kw + rd.j;
  }
  return { phase: pos.phase, l, oh: Math.floor(l / model.wo), ow: l % model.wo, cell, readers, row, fromTimeline, target };
}

/** Whether an Unfold / Fold target still exists in a (new) model. */
export function validUnfoldTarget(m, t) {
  if (!t) return null;
  if (t.kind === 'ucol') return t.r < m.K && t.l < m.L ? t : null;
  if (t.kind === 'upad') return t.c < m.cin && t.ph < m.hp && t.pw < m.wp ? t : null;
  return null;
}
