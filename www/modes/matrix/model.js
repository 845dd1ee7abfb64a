// Matrix mode: a convolution is a matrix product, y = C·x, and the transposed convolution is
// multiplication by Cᵀ. For one (input channel ci, output channel co) pair of the current Conv2d:
//
//   C      = convMatrix(kernel = weight[co, ci − group offset])        [H_out·W_out, H·W]
//   y      = C·x[ci]         matrix-vector product in wasm (a 1×1 conv2d whose weight is C)
//   y_conv = F.conv2d(x[ci], that kernel)                               the same numbers ✓
//   x̂      = Cᵀ·y           (a 1×1 conv2d whose weight is Cᵀ)
//   x_t    = F.conv_transpose2d(y, that kernel, output_size=(H, W))    equals x̂ ✓ (zeros padding)
//
// Every number comes from a wasm call; the comparisons are made here. Laying C out transposed
// (index bookkeeping) is the only thing done in JS.

import { makeInput, makeWeights, maxAbs } from '../../lib/tensors.js';
import { checkModule, blamed, blameError, convOptions, outputSize as convOutputSize } from '../common.js';

/** The largest C (entries) the matrix view draws: e.g. a 32×32 input with a 3×3 kernel. */
export const MAX_MATRIX_ENTRIES = 1 << 20;
/** The largest input side whose matrix the view draws (bounds the sliders). */
export const MAX_MATRIX_SIDE = 32;

/** The valid (ci, co) pairs of a Conv2d: co reads ci when they are in the same group. */
export function pairsOf(p) {
  const cinG = p.in_channels / p.groups;
  const coutG = p.out_channels / p.groups;
  const out = [];
  for (let ci = 0; ci < p.in_channels; ci++) {
    const g = Math.floor(ci / cinG);
    for (let co = g * coutG; co < (g + 1) * coutG; co++) out.push([ci, co]);
  }
  return out;
}

/** The chosen pair, or the first valid one when it is not valid (channels or groups changed). */
function pickPair(p, want) {
  const pairs = pairsOf(p);
  return pairs.find(([ci, co]) => ci === want[0] && co === want[1]) ?? pairs.find(([ci]) => ci === want[0]) ?? pairs[0];
}

function agree(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 1e-4 * (1 + Math.abs(b[i]))) return false;
  return true;
}


/**
 * Build the model for a state. Throws an Error whose `param` names the control to blame.
 * @returns {MatrixModel}
 */
export function build(api, state, lastEdited) {
  const p = state.params;
  checkModule(p);
  try {
    const a = convOutputSize(api, p);
    const L = a.height.output * a.width.output;
    const HW = p.height * p.width;
    if (L * HW > MAX_MATRIX_ENTRIES) {
      throw blamed(
        `${lastEdited === 'width' ? 'input width' : 'input height'}: the matrix C would be ${L} × ${HW} (${(L * HW).toLocaleString('en-US')} entries); this view draws at most ${MAX_MATRIX_ENTRIES.toLocaleString('en-US')} — try an input of at most ${MAX_MATRIX_SIDE}×${MAX_MATRIX_SIDE}`,
        lastEdited === 'width' ? 'width' : 'height',
      );
    }
    const [ci, co] = pickPair(p, state.ui.pair);
    const input = makeInput(state);
    const { weight, bias } = makeWeights(api, state);
    const cinG = p.in_channels / p.groups;
    const [kh, kw] = p.kernel_size;
    const k0 = (co * cinG + (ci % cinG)) * kh * kw;
    const kernel = { shape: [kh, kw], data: weight.data.slice(k0, k0 + kh * kw) };
    const x = { shape: [1, 1, p.height, p.width], data: input.data.slice(ci * HW, (ci + 1) * HW) };
    const C = api.convMatrix({ inputSize: [p.height, p.width], kernel, stride: p.stride, padding: p.padding, dilation: p.dilation, paddingMode: p.padding_mode });
    // Cᵀ laid out row-major (bookkeeping)
    const CT = new Float32Array(L * HW);
    for (let r = 0; r < L; r++) for (let c = 0; c < HW; c++) CT[c * L + r] = C.data[r * HW + c];
    // y = C·x and x̂ = Cᵀ·y as 1×1 convolutions (a matrix-vector product in wasm)
    const y = api.conv2d({ shape: [1, HW, 1, 1], data: x.data }, { shape: [L, HW, 1, 1], data: C.data }, null, {}).data;
    const xhat = api.conv2d({ shape: [1, L, 1, 1], data: y }, { shape: [HW, L, 1, 1], data: CT }, null, {}).data;
    const k4 = { shape: [1, 1, kh, kw], data: kernel.data };
    const opts = convOptions(p);
    const yConv = api.conv2d(x, k4, null, { ...opts, groups: 1 });
    // F.conv_transpose2d(y, kernel): only zero padding, one padding per side
    let xConvT = null;
    let convTNote = null;
    const { height: ah, width: aw } = a;
    if (p.padding_mode !== 'zeros') {
      convTNote = `padding_mode='${p.padding_mode}' folds copies of input cells into C; ConvTranspose2d only knows zero padding, so Cᵀ·y is not a ConvTranspose2d here.`;
    } else if (ah.padBefore !== ah.padAfter || aw.padBefore !== aw.padAfter) {
      convTNote = `padding='same' pads ${ah.padBefore}/${ah.padAfter} and ${aw.padBefore}/${aw.padAfter} (uneven); ConvTranspose2d's padding is the same on both sides, so it cannot express this Cᵀ.`;
    } else {
      try {
        xConvT = api.convTranspose2d({ shape: [1, 1, ah.output, aw.output], data: y }, k4, null, {
          stride: p.stride,
          padding: [ah.padBefore, aw.padBefore],
          dilation: p.dilation,
          outputSize: [p.height, p.width],
        }).data;
      } catch (e) {
        convTNote = String(e && e.message ? e.message : e);
      }
    }
    return new MatrixModel({
      p, a, ci, co, C, CT, x: x.data, y, yConv: yConv.data, xhat, xConvT, convTNote,
      kernel, transpose: state.ui.transpose, bias,
    });
  } catch (e) {
    if (e.param) throw e;
    throw blameError(e, lastEdited);
  }
}

/** Everything the matrix view draws. */
export class MatrixModel {
  constructor(o) {
    this.kind = 'matrix';
    const { p, a } = o;
    this.params = p;
    this.arithmetic = a;
    this.cin = p.in_channels;
    this.cout = p.out_channels;
    this.groups = p.groups;
    this.ci = o.ci;
    this.co = o.co;
    this.pairs = pairsOf(p);
    this.h = p.height;
    this.w = p.width;
    this.ho = a.height.output;
    this.wo = a.width.output;
    this.HW = this.h * this.w;
    this.L = this.ho * this.wo;
    this.C = o.C.data;
    this.CT = o.CT;
    this.kernel = o.kernel;
    this.x = o.x;
    this.y = o.y;
    this.yConv = o.yConv;
    this.xhat = o.xhat;
    this.xConvT = o.xConvT;
    this.convTNote = o.convTNote;
    this.transpose = Boolean(o.transpose);
    /** C·x equals F.conv2d; Cᵀ·y equals F.conv_transpose2d (null: not comparable, see convTNote). */
    this.forwardEqual = agree(this.y, this.yConv);
    this.transposeEqual = this.xConvT ? agree(this.xhat, this.xConvT) : null;
    let nnz = 0;
    for (let i = 0; i < this.C.length; i++) if (this.C[i] !== 0) nnz++;
    this.nonzeros = nnz;
    // the matrix shown, and the vectors on its sides: M·v = r
    this.rows = this.transpose ? this.HW : this.L;
    this.cols = this.transpose ? this.L : this.HW;
    this.M = this.transpose ? this.CT : this.C;
    this.v = this.transpose ? this.y : this.x;
    this.r = this.transpose ? this.xhat : this.y;
    this.total = this.rows;
    this.scales = {
      x: maxAbs(this.x, this.xhat),
      w: maxAbs(this.C),
      y: maxAbs(this.y, this.xhat, this.xConvT),
    };
  }

  /** The timeline steps over the rows of the matrix shown: { row }. */
  position(p) {
    return { row: p };
  }

  /** Input cell (ih, iw) and output cell (oh, ow) of matrix entry (row, col) of the matrix shown. */
  entryCells(row, col) {
    const l = this.transpose ? col : row;
    const k = this.transpose ? row : col;
    return { l, k, ih: Math.floor(k / this.w), iw: k % this.w, oh: Math.floor(l / this.wo), ow: l % this.wo };
  }

  /** The nonzero columns of a row of the matrix shown (the terms of its dot product). */
  rowTerms(row) {
    const out = [];
    for (let c = 0; c < this.cols; c++) {
      const m = this.M[row * this.cols + c];
      if (m !== 0) out.push({ col: c, m, v: this.v[c] });
    }
    return out;
  }

  dispose() {}
}
