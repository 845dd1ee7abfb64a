// ConvTranspose2d focus: linking between the round trip, scatter, zero-insertion and matmul views.

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
