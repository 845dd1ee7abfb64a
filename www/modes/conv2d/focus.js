// Conv2d focus: what a hovered (or pinned) cell of any Conv2d view means in every other view.
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
