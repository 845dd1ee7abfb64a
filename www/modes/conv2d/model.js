// Conv2d mode: state → wasm trace → a model every view reads.
//
// `build` is the expensive path (run only when a parameter or a tensor value changed); the
// returned model caches every trace getter once (the wasm getters copy on each call) and the
// per-position `steps` lazily (the STEPS_KEPT most recent cells), so a frame crosses into wasm
// only for a cell it has not shown lately: one steps() call (~70 µs at the teaching size).

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
  try {
    outputSize(api, p); // the geometry's own messages first (stride, kernel, dilation, padding)
    const input = makeInput(state);
    const { weight, bias } = makeWeights(api, state);
    trace = api.conv2dTrace(input, weight, bias, convOptions(p));
  } catch (e) {
    throw blameError(e, lastEdited);
  }
  return new Conv2dModel(trace, { image: imageActive(state) });
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
  /** @param {{ image?: boolean }} [opts] image: the input is an image's pixels (drawn in grey) */
  constructor(trace, { image = false } = {}) {
    this.kind = 'conv2d';
    this.trace = trace;
    this.input = trace.input;
    this.weight = trace.weight;
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
    this._steps = new Map();
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
