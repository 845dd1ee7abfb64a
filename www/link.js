// Linking: what a hovered (or pinned) cell of any view means in every other view.
//
// A *target* is what a view's hit test returns:
//   { kind: 'position', co, l }          an output cell / product entry (l = oh·W_out + ow)
//   { kind: 'column', r, l }             an entry of the im2col columns matrix
//   { kind: 'input', c, ph, pw }         a cell of the padded input (halo included)
//   { kind: 'weight', co, k }            a weight (k indexes a row of weightMatrix: (ci·kh + i)·kw + j)
//   { kind: 'bias', co }                 a bias entry
// `resolveFocus` turns (timeline position, target) into the *focus* every view draws from: the
// output cell whose patch / column / row / dot product is emphasised, plus the hovered detail.
// Only index bookkeeping lives here; every value comes from the trace (model.steps).

function findTap(steps, c, i, j) {
  const taps = steps.taps;
  for (let n = 0; n < taps.length; n++) {
    const t = taps[n];
    if (t.c === c && t.i === i && t.j === j && t.kind !== 'skip') return n;
  }
  return -1;
}

/**
 * Output positions that read padded cell (ph, pw), with the kernel tap (i, j) that reads it:
 * oh·stride + i·dilation = ph (and the same for w). Returns [{ l, i, j }].
 */
export function readersOf(model, ph, pw) {
  const [sh, sw] = model.stride;
  const [dh, dw] = model.dilation;
  const rows = [];
  for (let oh = 0; oh < model.ho; oh++) {
    const a = ph - oh * sh;
    if (a >= 0 && a % dh === 0 && a / dh < model.kh) rows.push([oh, a / dh]);
  }
  const cols = [];
  for (let ow = 0; ow < model.wo; ow++) {
    const b = pw - ow * sw;
    if (b >= 0 && b % dw === 0 && b / dw < model.kw) cols.push([ow, b / dw]);
  }
  const out = [];
  for (const [oh, i] of rows) for (const [ow, j] of cols) out.push({ l: oh * model.wo + ow, i, j });
  return out;
}

/**
 * The focus for a frame.
 * @param model   the current model
 * @param position the timeline position (co·L + l)
 * @param target  the hovered-or-pinned target, or null
 * @returns { co, l, oh, ow, steps, fromTimeline, target, cell, readers, row, tap, k }
 *   cell:    { c, ph, pw } of a hovered input cell, or null
 *   readers: [{ l, i, j }] positions reading that cell (empty otherwise)
 *   row:     the columns-matrix row linked to the hover (or -1)
 *   tap:     index into steps.taps linked to the hover (or -1)
 *   k:       the weightMatrix column linked to the hover (or -1)
 */
export function resolveFocus(model, position, target) {
  let { co, l } = model.position(position);
  let fromTimeline = true;
  let cell = null;
  let readers = [];
  let row = -1;
  let k = -1;
  const area = model.kh * model.kw;
  if (target) {
    switch (target.kind) {
      case 'position':
        ({ co, l } = target);
        fromTimeline = false;
        break;
      case 'column': {
        l = target.l;
        row = target.r;
        const c = Math.floor(row / area);
        const g = model.groupOfIn(c);
        if (model.groupOfOut(co) !== g) co = g * model.outPerGroup;
        k = row - g * model.Kg;
        fromTimeline = false;
        break;
      }
      case 'weight': {
        co = target.co;
        k = target.k;
        row = model.groupOfOut(co) * model.Kg + k;
        break;
      }
      case 'bias':
        co = target.co;
        break;
      case 'input': {
        cell = { c: target.c, ph: target.ph, pw: target.pw };
        const g = model.groupOfIn(cell.c);
        if (model.groupOfOut(co) !== g) co = g * model.outPerGroup;
        readers = readersOf(model, cell.ph, cell.pw);
        break;
      }
      default:
        break;
    }
  }
  const steps = model.steps(co, l);
  let tap = -1;
  if (row >= 0) {
    const c = Math.floor(row / area);
    const rem = row - c * area;
    tap = findTap(steps, c, Math.floor(rem / model.kw), rem % model.kw);
  } else if (cell) {
    tap = steps.taps.findIndex((t) => t.c === cell.c && t.ph === cell.ph && t.pw === cell.pw && t.kind !== 'skip');
    if (tap >= 0) {
      const t = steps.taps[tap];
      k = ((t.c - model.groupOfIn(t.c) * model.cg) * model.kh + t.i) * model.kw + t.j;
      row = (t.c * model.kh + t.i) * model.kw + t.j;
    }
  }
  return {
    co,
    l,
    oh: Math.floor(l / model.wo),
    ow: l % model.wo,
    steps,
    fromTimeline,
    target,
    cell,
    readers,
    row,
    tap,
    k,
  };
}

/** Whether two targets are the same cell. */
export function sameTarget(a, b) {
  if (a === b) return true;
  if (!a || !b || a.kind !== b.kind) return false;
  for (const key of Object.keys(a)) if (a[key] !== b[key]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// ConvTranspose2d. Targets:
//   { kind: 'tin', c, l }        an input cell (l = ih·W + iw); c = -1 for a whole location
//   { kind: 'tout', co, l }      an output cell (l = oh·W_out + ow)
//   { kind: 'tfull', co, fh, fw } a cell of the uncropped scatter canvas
//   { kind: 'tcol', r, l }       an entry of columns = Wᵀ·X (r = (co·kh + i)·kw + j, l = input location)
//   { kind: 'zi', c, r, cc }     a cell of the zero-inserted input

/**
 * The focus of the ConvTranspose2d views.
 * @returns { inL, out: { co, l, oh, ow } | null, full: { co, fh, fw } | null, writers, zsteps,
 *            fromTimeline, target, zcell: { c, r, cc } | null, colRow }
 *   inL:     the input location whose stamp is emphasised (or null)
 *   out:     the output cell emphasised (its window in the zero-insertion view), or null
 *   writers: the input locations whose stamps land on the emphasised canvas cell
 *   zsteps:  the zero-insertion Conv2d's steps for `out` (taps, products, sum from wasm)
 */
export function transposeFocus(model, position, target) {
  const pos = model.position(position);
  let inL = model.stepBy === 'input' ? pos.l : null;
  let out = model.stepBy === 'output' ? { co: pos.co, l: pos.l } : null;
  let full = null;
  let zcell = null;
  let colRow = -1;
  let fromTimeline = true;
  if (target) {
    fromTimeline = false;
    switch (target.kind) {
      case 'tin':
        inL = target.l;
        out = null;
        break;
      case 'tcol':
        inL = target.l;
        out = null;
        colRow = target.r;
        break;
      case 'tout':
        out = { co: target.co, l: target.l };
        inL = null;
        break;
      case 'tfull': {
        const oh = target.fh - model.padding[0];
        const ow = target.fw - model.padding[1];
        if (oh >= 0 && ow >= 0 && oh < model.ho && ow < model.wo) out = { co: target.co, l: oh * model.wo + ow };
        else out = null;
        full = { co: target.co, fh: target.fh, fw: target.fw };
        inL = null;
        break;
      }
      case 'zi': {
        zcell = { c: target.c, r: target.r, cc: target.cc };
        const src = model.zeroInsert.source.data;
        const i = (target.r * model.zeroInsert.input.shape[3] + target.cc) * 2;
        if (src[i] >= 0) {
          inL = src[i] * model.w + src[i + 1];
          out = null;
        }
        break;
      }
      default:
        fromTimeline = true;
        break;
    }
  }
  if (out) {
    out.oh = Math.floor(out.l / model.wo);
    out.ow = out.l % model.wo;
    if (!full) full = { co: out.co, fh: out.oh + model.padding[0], fw: out.ow + model.padding[1] };
  }
  const writers = full ? model.writers(full.fh, full.fw) : [];
  const zsteps = out ? model.zero.steps(out.co, out.l) : null;
  return { inL, out, full, writers, zsteps, fromTimeline, target, zcell, colRow };
}

/** Whether a ConvTranspose2d target still exists in a (new) model. */
export function validTransposeTarget(m, t) {
  if (!t) return null;
  const [, , hz, wz] = m.zeroInsert.input.shape;
  switch (t.kind) {
    case 'tin': return t.l < m.HW && t.c < m.cin ? t : null;
    case 'tcol': return t.l < m.HW && t.r < m.cout * m.kk ? t : null;
    case 'tout': return t.co < m.cout && t.l < m.L ? t : null;
    case 'tfull': return t.co < m.cout && t.fh < m.hf && t.fw < m.wf ? t : null;
    case 'zi': return t.c < m.cin && t.r < hz && t.cc < wz ? t : null;
    default: return null;
  }
}

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

/** Whether a Conv2d target still exists in a (new) model. */
export function validConvTarget(m, t) {
  if (!t) return null;
  switch (t.kind) {
    case 'position': return t.co < m.cout && t.l < m.L ? t : null;
    case 'column': return t.r < m.K && t.l < m.L ? t : null;
    case 'input': return t.c < m.cin && t.ph < m.hp && t.pw < m.wp ? t : null;
    case 'weight': return t.co < m.cout && t.k < m.Kg ? t : null;
    case 'bias': return m.bias && t.co < m.cout ? t : null;
    case 'pair': return t.ci < m.cin && t.co < m.cout ? t : null;
    default: return null;
  }
}
