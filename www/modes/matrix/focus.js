// Matrix focus: linking between the matrix, its vectors and the channel diagram.

// ---------------------------------------------------------------------------------------------
// Matrix. Targets:
//   { kind: 'entry', row, col }   an entry of the matrix shown (C or Cᵀ)
//   { kind: 'vin', k }            input cell k = ih·W + iw (the x grid, or x's vector entry)
//   { kind: 'vout', l }           output cell l = oh·W_out + ow (the y grid, or y's vector entry)
//   { kind: 'pair', ci, co }      a channel pair (the channel diagram)

/**
 * The focus of the matrix view: the emphasised row of the matrix shown (the timeline's, or the
 * hovered entry's), the hovered column (or -1) and the cells they stand for.
 * @returns { row, col, k, l, fromTimeline, target } (k: input cell or -1, l: output cell or -1)
 */
export function matrixFocus(model, position, target) {
  let row = model.position(position).row;
  let col = -1;
  let fromTimeline = true;
  if (target) {
    const T = model.transpose;
    switch (target.kind) {
      case 'entry':
        ({ row, col } = target);
        fromTimeline = false;
        break;
      case 'vin':
        if (T) row = target.k;
        else col = target.k;
        fromTimeline = T ? false : fromTimeline;
        break;
      case 'vout':
        if (T) col = target.l;
        else row = target.l;
        fromTimeline = T ? fromTimeline : false;
        break;
      default:
        break;
    }
  }
  const T = model.transpose;
  const k = T ? row : col;
  const l = T ? col : row;
  return { row, col, k, l, fromTimeline, target };
}

/** Whether a matrix target still exists in a (new) model. */
export function validMatrixTarget(m, t) {
  if (!t) return null;
  switch (t.kind) {
    case 'entry': return t.row < m.rows && t.col < m.cols ? t : null;
    case 'vin': return t.k < m.HW ? t : null;
    case 'vout': return t.l < m.L ? t : null;
    case 'pair': return t.ci < m.cin && t.co < m.cout ? t : null;
    default: return null;
  }
}
