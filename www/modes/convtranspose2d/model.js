// ConvTranspose2d mode: state → wasm → a model the views read.
//
// One convTranspose2dTrace gives both routes of the lecture (scatter-add / col2im and the
// zero-insertion picture); the zero-insertion route is then run as what it is — a stride-1
// Conv2d of the zero-inserted input with the flipped kernel — through conv2dTrace, so its
// per-cell dot products come from the core exactly like Conv2d's. Everything a view shows that
// is not in those traces (the canvas after the first k stamps, the stamp counts so far, the
// round trip x → Conv2d → y → ConvTranspose2d → x̂) is computed here, by further wasm calls,
// lazily and cached: views never compute.

import { makeInput, makeFilled, makeTransposeWeights, ones, maxAbs } from '../../lib/tensors.js';
import { convRepr } from '../../lib/torch.js';
import { checkModule, blamed, blameError, outputSize as convOutputSize, keepRecent } from '../common.js';
import { imageActive } from '../../lib/state.js';
import { Conv2dModel, inputScale } from '../conv2d/model.js';

/** The lecture's round trip (#5): Conv2d(1, 2, 3, stride=2, padding=1) then its transpose. */
export const ROUND_TRIP_PRESET = {
  mode: 'convTranspose2d',
  params: {
    in_channels: 2,
    out_channels: 1,
    height: 3,
    width: 3,
    kernel_size: [3, 3],
    stride: [2, 2],
    padding: [1, 1],
    output_padding: [0, 0],
    output_size: [5, 5],
    dilation: [1, 1],
    groups: 1,
  },
  ui: { rt: 0, step: 'input' },
};

/** The options object of convTranspose2d / convTranspose2dTrace for a state's parameters. */
export function transposeOptions(p) {
  return {
    stride: p.stride,
    padding: p.padding,
    outputPadding: p.output_padding,
    dilation: p.dilation,
    groups: p.groups,
    outputSize: p.output_size,
  };
}

/** Geometry only: convTranspose2dOutputSize for a state's parameters; throws like PyTorch. */
export function transposeOutputSize(api, p) {
  return api.convTranspose2dOutputSize({
    inputSize: [p.height, p.width],
    kernelSize: p.kernel_size,
    stride: p.stride,
    padding: p.padding,
    outputPadding: p.output_padding,
    dilation: p.dilation,
    outputSize: p.output_size,
  });
}


/**
 * The round trip x → Conv2d → y → ConvTranspose2d → x̂ for the current transposed convolution:
 * every x size that the Conv2d (same kernel_size, stride, padding, dilation, groups; the same
 * weight tensor, whose shape fits both layers) maps to this layer's input size, and for the
 * chosen one the three tensors. The transposed layer is the page's own, output_size included.
 */
function buildRoundTrip(api, state, weight, bias, free) {
  const p = state.params;
  const [H, W] = [p.height, p.width];
  const mapsTo = (axis, n) => {
    try {
      const size = axis === 0 ? [n, free.width.minOutput] : [free.height.minOutput, n];
      const a = convOutputSize(api, { ...p, padding_mode: 'zeros', height: size[0], width: size[1] });
      return (axis === 0 ? a.height.output : a.width.output) === (axis === 0 ? H : W);
    } catch {
      return false;
    }
  };
  const candidates = (axis, a) => {
    const out = [];
    for (let n = Math.max(1, a.minOutput); n <= a.maxOutput; n++) if (mapsTo(axis, n)) out.push(n);
    return out;
  };
  const hs = candidates(0, free.height);
  const ws = candidates(1, free.width);
  // both sides need a size that maps back: one axis alone gives no input at all
  const count = hs.length && ws.length ? Math.max(hs.length, ws.length) : 0;
  const rt = {
    sizes: [],
    index: 0,
    conv: convRepr('Conv2d', { ...p, in_channels: p.out_channels, out_channels: p.in_channels, bias: false, padding_mode: 'zeros' }),
    transpose: convRepr('ConvTranspose2d', { ...p, output_padding: p.output_size === null ? p.output_padding : [0, 0], padding_mode: 'zeros' }),
    outputSize: p.output_size,
    x: null,
    y: null,
    xhat: null,
    error: null,
    restores: false,
    scales: [1, 1, 1],
  };
  if (count === 0) {
    rt.error = 'No input size makes this Conv2d produce this layer’s input size.';
    return rt;
  }
  for (let t = 0; t < count; t++) rt.sizes.push([hs[Math.min(t, hs.length - 1)], ws[Math.min(t, ws.length - 1)]]);
  rt.index = Math.min(state.ui.rt, count - 1);
  const [xh, xw] = rt.sizes[rt.index];
  rt.x = makeFilled([1, p.out_channels, xh, xw], state.input.fill, state.input.seed + 104729);
  try {
    rt.y = api.conv2d(rt.x, weight, null, { stride: p.stride, padding: p.padding, dilation: p.dilation, groups: p.groups });
    rt.xhat = api.convTranspose2d(rt.y, weight, bias, transposeOptions(p));
    rt.restores = rt.xhat.shape.every((v, i) => v === rt.x.shape[i]);
  } catch (e) {
    rt.error = String(e && e.message ? e.message : e);
  }
  // one colour scale per tensor: x̂ is not x (values grow with the overlaps), each stays readable
  rt.scales = [maxAbs(rt.x.data), maxAbs(rt.y && rt.y.data), maxAbs(rt.xhat && rt.xhat.data)];
  return rt;
}

/**
 * Build the model for a state. Throws an Error whose `param` names the control to blame.
 * @returns {ConvTranspose2dModel}
 */
export function build(api, state, lastEdited) {
  const p = state.params;
  checkModule(p);
  if (!Array.isArray(p.padding)) {
    throw blamed(`padding: ConvTranspose2d takes an int or a tuple of 2 ints, not '${p.padding}'`, 'padding');
  }
  let trace = null;
  let zero = null;
  let weights;
  let free;
  try {
    free = transposeOutputSize(api, { ...p, output_size: null });
    transposeOutputSize(api, p); // output_size's own message (the valid range) first
    const input = makeInput(state);
    weights = makeTransposeWeights(api, state);
    trace = api.convTranspose2dTrace(input, weights.weight, weights.bias, transposeOptions(p));
    const zi = trace.zeroInsert;
    zero = api.conv2dTrace(zi.input, zi.weight, weights.bias, { stride: 1, dilation: p.dilation, groups: p.groups });
  } catch (e) {
    if (trace) trace.free();
    throw blameError(e, lastEdited);
  }
  const roundTrip = buildRoundTrip(api, state, weights.weight, weights.bias, free);
  return new ConvTranspose2dModel(api, trace, zero, roundTrip, state.ui.step, free, imageActive(state));
}


/** Everything the ConvTranspose2d views draw. */
export class ConvTranspose2dModel {
  /** `image`: the input is an image's pixels (drawn in grey). */
  constructor(api, trace, zero, roundTrip, stepBy, free, image = false) {
    this.kind = 'convTranspose2d';
    this.api = api;
    this.trace = trace;
    this.input = trace.input;
    this.weight = trace.weight;
    this.bias = trace.bias ?? null;
    this.columns = trace.columns;
    this.full = trace.full;
    this.overlap = trace.overlap;
    this.output = trace.output;
    this.arithmetic = trace.arithmetic;
    this.params = trace.params;
    this.outputPadding = trace.outputPadding;
    this.zeroInsert = trace.zeroInsert;
    this.free = free;
    /** The zero-insertion route as the Conv2d it is (its steps are that route's dot products). */
    this.zero = new Conv2dModel(zero);
    this.roundTrip = roundTrip;

    const [, cin, h, w] = this.input.shape;
    const [, coutG, kh, kw] = this.weight.shape;
    const [, cout, hf, wf] = this.full.shape;
    const [, , ho, wo] = this.output.shape;
    Object.assign(this, { cin, h, w, coutG, kh, kw, cout, hf, wf, ho, wo });
    this.groups = this.params.groups;
    this.cinG = cin / this.groups;
    this.stride = this.params.stride;
    this.padding = this.params.padding;
    this.dilation = this.params.dilation;
    this.kk = kh * kw;
    this.HW = h * w;
    this.L = ho * wo;
    this.stepBy = stepBy === 'output' ? 'output' : 'input';
    this.total = this.stepBy === 'input' ? this.HW : cout * this.L;

    // Wᵀ as the matrix of columns = Wᵀ·X, per group (C_out/g·kh·kw × C_in/g), groups side by side
    this.weightT = this._weightT();
    // the zero-inserted grid: 1 = an input cell, 0 = an inserted zero, 2 = padding
    this.ziKinds = this._ziKinds();
    this.ziReal = this.ziKinds.map((k) => (k === 1 ? 1 : 0));
    this.ziOf = this._ziOf();
    const x = inputScale(this.input.data, image);
    /** The value map of each scale that is not the diverging one: the input's, for an image. */
    this.palettes = { x: x.palette };
    this.scales = {
      x: x.maxAbs,
      w: maxAbs(this.weight.data, this.bias && this.bias.data),
      y: maxAbs(this.output.data, this.full.data, this.columns.data),
      count: maxAbs(this.overlap.data),
    };
    /** Do the two routes give the same numbers? Compared here, both from wasm. */
    this.routesAgree = this._agree(this.output.data, this.zero.output.data);
    this._partial = new Map();
    this._stamps = new Map();
  }

  _agree(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 1e-4 * (1 + Math.abs(a[i]))) return false;
    return true;
  }

  _weightT() {
    const { kh, kw, coutG, cinG, groups } = this;
    const rows = coutG * this.kk;
    const data = new Float32Array(groups * rows * cinG);
    const wd = this.weight.data;
    for (let g = 0; g < groups; g++) {
      for (let cl = 0; cl < cinG; cl++) {
        for (let ol = 0; ol < coutG; ol++) {
          for (let r = 0; r < kh * kw; r++) {
            data[(g * rows + ol * this.kk + r) * cinG + cl] = wd[((g * cinG + cl) * coutG + ol) * this.kk + r];
          }
        }
      }
    }
    return { shape: [groups * rows, cinG], rowsPerGroup: rows, data };
  }

  _ziKinds() {
    const zi = this.zeroInsert;
    const [, , hz, wz] = zi.input.shape;
    const { top, bottom, left, right } = zi.padding;
    const kinds = new Uint8Array(hz * wz);
    for (let r = 0; r < hz; r++) {
      for (let c = 0; c < wz; c++) {
        const i = r * wz + c;
        if (zi.source.data[i * 2] >= 0) kinds[i] = 1;
        else if (r < top || r >= hz - bottom || c < left || c >= wz - right) kinds[i] = 2;
      }
    }
    return kinds;
  }

  /** For each input location, its cell in the zero-inserted grid (or -1 when cropped away). */
  _ziOf() {
    const src = this.zeroInsert.source.data;
    const out = new Int32Array(this.HW).fill(-1);
    for (let i = 0; i * 2 < src.length; i++) {
      if (src[i * 2] >= 0) out[src[i * 2] * this.w + src[i * 2 + 1]] = i;
    }
    return out;
  }

  /** Whether a tap of the zero-insertion route's steps reads a real input cell (not an inserted zero or padding). */
  readsInput(tap) {
    return this.ziKinds[tap.ih * this.zeroInsert.input.shape[3] + tap.iw] === 1;
  }

  /** The timeline position as what it steps: { l } (input location) or { co, l } (output cell). */
  position(p) {
    if (this.stepBy === 'input') return { l: p, ih: Math.floor(p / this.w), iw: p % this.w };
    return { co: Math.floor(p / this.L), l: p % this.L };
  }

  /** The full-canvas cells of input location l's stamp: [{ i, j, fh, fw }] (same for every channel). */
  footprint(l) {
    const ih = Math.floor(l / this.w);
    const iw = l % this.w;
    const out = [];
    for (let i = 0; i < this.kh; i++) {
      for (let j = 0; j < this.kw; j++) {
        out.push({ i, j, fh: ih * this.stride[0] + i * this.dilation[0], fw: iw * this.stride[1] + j * this.dilation[1] });
      }
    }
    return out;
  }

  /** The input locations whose stamps land on full-canvas cell (fh, fw), with the kernel tap. */
  writers(fh, fw) {
    const [sh, sw] = this.stride;
    const [dh, dw] = this.dilation;
    const rows = [];
    for (let i = 0; i < this.kh; i++) {
      const a = fh - i * dh;
      if (a >= 0 && a % sh === 0 && a / sh < this.h) rows.push([a / sh, i]);
    }
    const cols = [];
    for (let j = 0; j < this.kw; j++) {
      const b = fw - j * dw;
      if (b >= 0 && b % sw === 0 && b / sw < this.w) cols.push([b / sw, j]);
    }
    const out = [];
    for (const [ih, i] of rows) for (const [iw, j] of cols) out.push({ l: ih * this.w + iw, ih, iw, i, j });
    return out;
  }

  /**
   * The stamps of input location l, from wasm: per input channel ci the value x[0, ci, ih, iw]
   * and per output channel of its group the kh×kw products (value × kernel), as grids.
   */
  stamps(l) {
    let s = this._stamps.get(l);
    if (!s) {
      const ih = Math.floor(l / this.w);
      const iw = l % this.w;
      s = [];
      for (let ci = 0; ci < this.cin; ci++) {
        const st = this.trace.stamp(0, ci, ih, iw);
        const g = Math.floor(ci / this.cinG);
        const products = new Float32Array(this.coutG * this.kk);
        for (const cell of st.cells) products[(cell.c - g * this.coutG) * this.kk + cell.i * this.kw + cell.j] = cell.product;
        s.push({ ci, value: st.value, products });
      }
      keepRecent(this._stamps, l, s);
    }
    return s;
  }

  /**
   * The scatter-add after the stamps of input locations 0…l (every channel): the full canvas
   * [C_out, Hf, Wf] so far, how many stamps each cell has received so far, and which output
   * cells are final (every stamp that reaches them has landed). Two wasm calls on a masked
   * input (convTranspose2d with padding 0 is the uncropped canvas), cached.
   */
  partial(l) {
    let r = this._partial.get(l);
    if (r) return r;
    const { cin, h, w } = this;
    const masked = { shape: this.input.shape, data: Float32Array.from(this.input.data) };
    const mask = { shape: [1, 1, h, w], data: new Float32Array(h * w) };
    for (let c = 0; c < cin; c++) masked.data.fill(0, c * h * w + l + 1, (c + 1) * h * w);
    mask.data.fill(1, 0, l + 1);
    const opts = {
      stride: this.stride,
      padding: [0, 0],
      outputPadding: this.outputPadding,
      dilation: this.dilation,
    };
    const full = this.api.convTranspose2d(masked, this.weight, null, { ...opts, groups: this.groups }).data;
    const count = this.api.convTranspose2d(mask, ones([1, 1, this.kh, this.kw]), null, opts).data;
    const done = new Uint8Array(this.L);
    const [pt, pl] = this.padding;
    for (let oh = 0; oh < this.ho; oh++) {
      for (let ow = 0; ow < this.wo; ow++) {
        const f = (oh + pt) * this.wf + ow + pl;
        done[oh * this.wo + ow] = count[f] === this.overlap.data[f] ? 1 : 0;
      }
    }
    r = { full, count, done };
    if (this._partial.size > 512) this._partial.clear();
    this._partial.set(l, r);
    return r;
  }

  /** Column l of `columns` (C_out·kh·kw entries) as a contiguous array, cached. */
  columnOf(l) {
    if (!this._cols) this._cols = new Map();
    let d = this._cols.get(l);
    if (!d) {
      const R = this.cout * this.kk;
      d = new Float32Array(R);
      for (let r = 0; r < R; r++) d[r] = this.columns.data[r * this.HW + l];
      if (this._cols.size > 256) this._cols.clear();
      this._cols.set(l, d);
    }
    return d;
  }

  /** Release the wasm memory of both traces. */
  dispose() {
    this._partial.clear();
    this._stamps.clear();
    this.zero.dispose();
    this.trace.free();
    this.trace = null;
  }
}
