// Conv2d mode: state → wasm trace → a model every view reads.
//
// `build` is the expensive path (run only when a parameter or a tensor value changed); the
// returned model caches every trace getter once (the wasm getters copy on each call) and the
// per-position `steps` lazily (the STEPS_KEPT most recent cells), so a frame crosses into wasm
// only for a cell it has not shown lately: one steps() call (bench/page.mjs measures what it costs).

import { makeInput, makeWeights, maxAbs } from '../../lib/tensors.js';
import { imageActive } from '../../lib/state.js';
import { checkModule, blameError, outputSize, convOptions, keepRecent } from '../common.js';

/**
 * Build the model for a state. Throws an Error whose `param` names the control to blame.
 * @returns {Conv2dModel}
 */
export function build(api, state, lastEdited) {
  const p = state.params;
  checkModule(p);
  let trace;
  let flip = null;
  let layerWeight;
  try {
    outputSize(api, p); // the geometry's own messages first (stride, kernel, dilation, padding)
    const input = makeInput(state);
    const { weight, bias } = makeWeights(api, state);
    layerWeight = weight;
    if (state.ui?.flip) {
      // the true convolution of x with w: Σₐ x[n − a]·w[a] pairs the footprint's cell (i, j) with
      // w[kh−1−i, kw−1−j], which is the cross-correlation with flip(w) the trace walks through;
      // PyTorch's own Conv2d with that weight, for the check
      const flipped = flipKernels(weight);
      trace = api.conv2dTrace(input, flipped, bias, convOptions(p));
      flip = { weight: flipped, output: api.conv2d(input, flipped, bias, convOptions(p)) };
    } else {
      trace = api.conv2dTrace(input, weight, bias, convOptions(p));
    }
  } catch (e) {
    throw blameError(e, lastEdited);
  }
  return new Conv2dModel(trace, { image: imageActive(state), flip, weight: flip ? layerWeight : null });
}

/**
 * A weight [C_out, C_in/groups, kh, kw] with both spatial axes reversed (torch.flip(w, dims=(2, 3))):
 * index bookkeeping only, every value moved, none computed.
 */
export function flipKernels(weight) {
  const [cout, cg, kh, kw] = weight.shape;
  const area = kh * kw;
  const data = new Float32Array(weight.data.length);
  for (let k = 0; k < cout * cg; k++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) data[k * area + i * kw + j] = weight.data[k * area + (kh - 1 - i) * kw + (kw - 1 - j)];
    }
  }
  return { shape: [...weight.shape], data };
}

/** Whether two wasm results hold the same numbers, cell for cell (to float32 rounding). */
function agree(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 1e-4 * (1 + Math.abs(b[i]))) return false;
  return true;
}

/**
 * The input's value map and scale: an image's pixels in grey from 0 (black) to 1 (white, or the
 * largest value when an edit went past 1); any other input on the diverging map, ±its largest value.
 */
export function inputScale(data, image) {
  return image ? { palette: 'grey', maxAbs: Math.max(1, maxAbs(data)) } : { palette: 'diverging', maxAbs: maxAbs(data) };
}


/** Everything the views draw, read once from one trace handle. */
export class Conv2dModel {
  /**
   * @param {{ image?: boolean, flip?: {weight, output}|null, weight?: object|null }} [opts]
   *   image: the input is an image's pixels (drawn in grey); flip: the trace is the true
   *   convolution with `weight` (the layer's), walked as the cross-correlation with flip.weight, and
   *   flip.output is PyTorch's conv2d with that flipped weight
   */
  constructor(trace, { image = false, flip = null, weight = null } = {}) {
    this.kind = 'conv2d';
    this.trace = trace;
    this.input = trace.input;
    /** The layer's weight (c.weight), whichever kernel the trace multiplies by. */
    this.weight = weight ?? trace.weight;
    /** The true convolution is shown: the trace multiplies each footprint by flip(w). */
    this.flip = Boolean(flip);
    /** flip(w): torch.flip(c.weight, dims=(2, 3)), the kernel the footprint multiplies by (null: off). */
    this.flipped = flip ? flip.weight : null;
    /** F.conv2d(x, flip(w), c.bias, …) (null: off). */
    this.flipOutput = flip ? flip.output : null;
    this.bias = trace.bias ?? null;
    this.padded = trace.paddedInput;
    this.columns = trace.columns;
    this.weightMatrix = trace.weightMatrix;
    this.product = trace.product;
    this.output = trace.output;
    this.halo = trace.haloSource;
    this.arithmetic = trace.arithmetic;
    this.params = trace.params;

    const [, cin, h, w] = this.input.shape;
    const [cout, cg, kh, kw] = this.weight.shape;
    const [, , hp, wp] = this.padded.shape;
    const [, , ho, wo] = this.output.shape;
    Object.assign(this, { cin, h, w, cout, cg, kh, kw, hp, wp, ho, wo });
    this.groups = this.params.groups;
    this.outPerGroup = cout / this.groups;
    this.L = ho * wo;
    this.K = cin * kh * kw;
    this.Kg = cg * kh * kw;
    this.total = cout * this.L;
    this.padTop = this.params.padding[0];
    this.padLeft = this.params.padding[1];
    this.stride = this.params.stride;
    this.dilation = this.params.dilation;
    const x = inputScale(this.input.data, image);
    /** The value map of each scale that is not the diverging one: the input's, for an image. */
    this.palettes = { x: x.palette };
    this.scales = {
      x: x.maxAbs,
      w: maxAbs(this.weight.data, this.bias && this.bias.data),
      y: maxAbs(this.output.data, this.product.data),
    };
    /** The trace's y (the true convolution) and F.conv2d with flip(w): the same, cell for cell. */
    this.flipEqual = flip ? agree(this.output.data, flip.output.data) : null;
    this._steps = new Map();
  }

  /** The kernel the footprint multiplies by: the layer's w, or flip(w) when the true convolution is shown. */
  get shownWeight() {
    return this.flipped ?? this.weight;
  }

  /**
   * The layer's weight index [i, j] that the footprint's tap (i, j) multiplies: itself, or, for the
   * true convolution, the mirrored one (a = (kh−1−i, kw−1−j) in Σₐ x[n − a]·w[a]).
   */
  weightIndex(i, j) {
    return this.flip ? [this.kh - 1 - i, this.kw - 1 - j] : [i, j];
  }

  /** Group of an output channel. */
  groupOfOut(co) {
    return Math.floor(co / this.outPerGroup);
  }

  /** Group of an input channel. */
  groupOfIn(c) {
    return Math.floor(c / this.cg);
  }

  /** (co, l) of a timeline position; l = oh·W_out + ow. */
  position(p) {
    return { co: Math.floor(p / this.L), l: p % this.L };
  }

  /** The trace's steps for output cell (co, l), fetched from wasm and kept (the STEPS_KEPT most recent), with the footprint box. */
  steps(co, l) {
    const key = co * this.L + l;
    let s = this._steps.get(key);
    if (!s) {
      const oh = Math.floor(l / this.wo);
      const ow = l % this.wo;
      s = this.trace.steps(0, co, oh, ow);
      let r0 = Infinity, c0 = Infinity, r1 = -Infinity, c1 = -Infinity;
      for (const t of s.taps) {
        if (t.ph < r0) r0 = t.ph;
        if (t.ph > r1) r1 = t.ph;
        if (t.pw < c0) c0 = t.pw;
        if (t.pw > c1) c1 = t.pw;
      }
      s.box = { r0, c0, r1, c1 };
      s.co = co;
      s.l = l;
      s.oh = oh;
      s.ow = ow;
      keepRecent(this._steps, key, s);
    }
    return s;
  }

  /** Release the wasm memory of the trace. */
  dispose() {
    this._steps.clear();
    this.trace.free();
    this.trace = null;
  }
}
