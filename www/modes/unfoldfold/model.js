// Unfold / Fold mode: F.unfold and F.fold on their own, state → wasm → a model the views read.
//
//   columns = F.unfold(x, kernel_size, dilation, padding, stride)        [1, C·kh·kw, L]
//   back    = F.fold(columns, output_size=(H, W), same arguments)         [1, C, H, W]
//   count   = F.fold(F.unfold(ones))                                      [1, 1, H, W]
//   (on the padded canvas the count so far counts every patch, halo included: the unfold / fold
//   of ones the size of the padded input, without padding)
//   back == x ⊙ count   (checked here, from those wasm results)
//
// The timeline runs twice over the L columns: first unfold (patch l becomes column l), then fold
// (column l is added back onto the padded canvas). The canvas after the first l columns, and the
// count so far, are further fold calls on masked columns (with padding 0 onto the padded canvas,
// so the halo's sums — which fold then drops — are visible), lazily and cached.

import { makeInput, ones, maxAbs } from '../../lib/tensors.js';
import { blamed, blameError, outputSize as convOutputSize } from '../common.js';
import { PARAM } from '../../lib/params.js';

/** The options object of unfold / fold for a state's parameters. */
export function unfoldOptions(p) {
  return { kernelSize: p.kernel_size, dilation: p.dilation, padding: p.padding, stride: p.stride };
}

/** Geometry of F.unfold: conv2dOutputSize with zero padding. */
export function unfoldGeometry(api, p) {
  return convOutputSize(api, { ...p, padding_mode: 'zeros' });
}

/**
 * Build the model for a state. Throws an Error whose `param` names the control to blame.
 * @returns {UnfoldFoldModel}
 */
export function build(api, state, lastEdited) {
  const p = state.params;
  for (const name of ['in_channels', 'height', 'width']) {
    if (p[name] < 1) throw blamed(`${PARAM[name].label}: must be a positive integer (got ${p[name]})`, name);
  }
  if (!Array.isArray(p.padding)) {
    throw blamed(`padding: F.unfold takes an int or a tuple of 2 ints, not '${p.padding}'`, 'padding');
  }
  try {
    const arith = unfoldGeometry(api, p);
    const x = makeInput(state);
    const opts = unfoldOptions(p);
    const columns = api.unfold(x, opts);
    const back = api.fold(columns, { ...opts, outputSize: [p.height, p.width] });
    const count = api.fold(api.unfold(ones([1, 1, p.height, p.width]), opts), { ...opts, outputSize: [p.height, p.width] });
    // patch coverage of the padded canvas, halo included: unfold ones of the padded size, unpadded
    const { height: ah, width: aw } = arith;
    const coverCols = api.unfold(ones([1, 1, ah.paddedInput, aw.paddedInput]), { ...opts, padding: [0, 0] });
    return new UnfoldFoldModel(api, { x, columns, back, count, coverCols, arith, opts });
  } catch (e) {
    throw blameError(e, lastEdited);
  }
}


/** Everything the Unfold / Fold views draw. */
export class UnfoldFoldModel {
  constructor(api, { x, columns, back, count, coverCols, arith, opts }) {
    this.kind = 'unfold';
    this.api = api;
    this.input = x;
    this.columns = columns;
    this.back = back;
    this.count = count;
    this.coverCols = coverCols;
    this.arithmetic = arith;
    this.opts = opts;
    const [, c, h, w] = x.shape;
    const { height: ah, width: aw } = arith;
    Object.assign(this, { cin: c, h, w, kh: ah.kernel, kw: aw.kernel, ho: ah.output, wo: aw.output });
    this.hp = ah.paddedInput;
    this.wp = aw.paddedInput;
    this.padTop = ah.padBefore;
    this.padLeft = aw.padBefore;
    this.stride = [ah.stride, aw.stride];
    this.dilation = [ah.dilation, aw.dilation];
    this.kk = this.kh * this.kw;
    this.K = c * this.kk;
    this.L = this.ho * this.wo;
    this.total = 2 * this.L;
    // the padded input (F.pad with zeros: a copy into a larger zero grid) for the picture
    this.padded = new Float32Array(c * this.hp * this.wp);
    for (let ci = 0; ci < c; ci++) {
      for (let r = 0; r < h; r++) {
        this.padded.set(x.data.subarray((ci * h + r) * w, (ci * h + r + 1) * w), (ci * this.hp + r + this.padTop) * this.wp + this.padLeft);
      }
    }
    // x ⊙ count, and whether fold(unfold(x)) equals it (both sides from wasm results)
    this.product = new Float32Array(x.data.length);
    let equal = true;
    for (let ci = 0; ci < c; ci++) {
      for (let i = 0; i < h * w; i++) {
        const k = ci * h * w + i;
        this.product[k] = x.data[k] * count.data[i];
        if (Math.abs(this.product[k] - back.data[k]) > 1e-4 * (1 + Math.abs(back.data[k]))) equal = false;
      }
    }
    this.identityHolds = equal;
    this._partial = new Map();
    this.scales = {
      x: maxAbs(x.data),
      y: maxAbs(back.data, x.data),
      count: maxAbs(count.data, this.partial(this.L - 1).count),
    };
  }

  /** The timeline position: { phase: 'unfold' | 'fold', l, oh, ow }. */
  position(p) {
    const phase = p < this.L ? 'unfold' : 'fold';
    const l = p % this.L;
    return { phase, l, oh: Math.floor(l / this.wo), ow: l % this.wo };
  }

  /** The padded-canvas cells of column l's patch: [{ i, j, ph, pw }]. */
  footprint(l) {
    const oh = Math.floor(l / this.wo);
    const ow = l % this.wo;
    const out = [];
    for (let i = 0; i < this.kh; i++) {
      for (let j = 0; j < this.kw; j++) {
        out.push({ i, j, ph: oh * this.stride[0] + i * this.dilation[0], pw: ow * this.stride[1] + j * this.dilation[1] });
      }
    }
    return out;
  }

  /** The columns (l, with kernel tap i, j) that read padded cell (ph, pw). */
  readers(ph, pw) {
    const out = [];
    for (let oh = 0; oh < this.ho; oh++) {
      const a = ph - oh * this.stride[0];
      if (a < 0 || a % this.dilation[0] || a / this.dilation[0] >= this.kh) continue;
      for (let ow = 0; ow < this.wo; ow++) {
        const b = pw - ow * this.stride[1];
        if (b < 0 || b % this.dilation[1] || b / this.dilation[1] >= this.kw) continue;
        out.push({ l: oh * this.wo + ow, i: a / this.dilation[0], j: b / this.dilation[1] });
      }
    }
    return out;
  }

  /**
   * Fold of the first l+1 columns onto the padded canvas [C, Hp, Wp] and the count so far
   * [Hp, Wp] — F.fold (padding 0, output_size = the padded size) of masked columns, cached.
   */
  partial(l) {
    let r = this._partial.get(l);
    if (r) return r;
    const { K, L } = this;
    const mask = (t, rows) => {
      const d = Float32Array.from(t.data);
      for (let row = 0; row < rows; row++) d.fill(0, row * L + l + 1, (row + 1) * L);
      return { shape: t.shape, data: d };
    };
    const opts = { ...this.opts, padding: [0, 0], outputSize: [this.hp, this.wp] };
    const canvas = this.api.fold(mask(this.columns, K), opts).data;
    const count = this.api.fold(mask(this.coverCols, this.kk), opts).data;
    r = { canvas, count };
    if (this._partial.size > 512) this._partial.clear();
    this._partial.set(l, r);
    return r;
  }

  /** Column l of the columns matrix (C·kh·kw entries) as a contiguous array, cached. */
  columnOf(l) {
    if (!this._cols) this._cols = new Map();
    let d = this._cols.get(l);
    if (!d) {
      d = new Float32Array(this.K);
      for (let r = 0; r < this.K; r++) d[r] = this.columns.data[r * this.L + l];
      if (this._cols.size > 256) this._cols.clear();
      this._cols.set(l, d);
    }
    return d;
  }

  /** Nothing to free: plain tensors only. */
  dispose() {
    this._partial.clear();
  }
}
