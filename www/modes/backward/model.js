// Backward mode: state → the forward (core `conv2dTrace`), the loss's ∂L/∂y (loss.js), the
// backward (`more.conv2dBackwardTrace`) and one SGD step (core `conv2d` with the stepped weights)
// → a model every view reads.
//
// The timeline steps the ∂L/∂y cells (each stamps g × its kernel onto ∂L/∂x, the scatter-add) and
// then the weight taps (each a dot product of a shifted input window with ∂L/∂y) — or, with
// `ui.step = 'output'`, the ∂L/∂x cells one at a time (which ∂L/∂y cells reach each, with which
// weights). The canvas after the first k stamps and each stamp alone are the backward of a masked
// ∂L/∂y (wasm), fetched lazily and kept (keepRecent).

import { makeInput, makeWeights, maxAbs } from '../../lib/tensors.js';
import { checkModule, blameError, blamed, outputSize, convOptions, keepRecent } from '../common.js';
import { lossTensor, lossGrad, lossValue, sgdStep } from './loss.js';

/**
 * Build the model for a state. Throws an Error whose `param` names the control to blame.
 * @returns {BackwardModel}
 */
export function build(api, state, lastEdited) {
  if (!api.more) throw blamed('the Backward tab’s module is still loading', null);
  const p = state.params;
  checkModule(p);
  const opts = convOptions(p);
  let fwd = null;
  let trace = null;
  try {
    outputSize(api, p);
    const input = makeInput(state);
    const { weight, bias } = makeWeights(api, state);
    fwd = api.conv2dTrace(input, weight, bias, opts);
    const y = fwd.output;
    fwd.free();
    fwd = null;
    const kind = state.ui.loss;
    const aux = lossTensor(kind, y.shape);
    const gy = lossGrad(kind, y, aux);
    trace = api.more.conv2dBackwardTrace(input, weight, gy, opts);
    return new BackwardModel(api, trace, { input, weight, bias, y, aux, gy, kind, lr: state.ui.lr, opts, stepBy: state.ui.step });
  } catch (e) {
    if (fwd) fwd.free();
    if (trace) trace.free();
    throw blameError(e, lastEdited);
  }
}

/** Everything the Backward views draw, read once from the traces. */
export class BackwardModel {
  constructor(api, trace, o) {
    this.kind = 'backward';
    this.api = api;
    this.trace = trace;
    this.opts = o.opts;
    this.input = o.input;
    this.weight = o.weight;
    this.bias = o.bias;
    this.output = o.y;
    this.lossKind = o.kind;
    this.aux = o.aux;
    this.gy = o.gy;
    this.loss = lossValue(o.kind, o.y, o.aux);
    this.padded = trace.paddedInput;
    this.halo = trace.haloSource;
    this.gradPadded = trace.gradPaddedInput;
    this.gx = trace.gradInput;
    this.gw = trace.gradWeight;
    this.gb = o.bias ? trace.gradBias : null;
    this.arithmetic = trace.arithmetic;
    this.params = trace.params;
    const [, cin, h, w] = this.input.shape;
    const [cout, cg, kh, kw] = this.weight.shape;
    const [, , hp, wp] = this.padded.shape;
    const [, , ho, wo] = this.output.shape;
    Object.assign(this, { cin, h, w, cout, cg, kh, kw, hp, wp, ho, wo });
    this.groups = this.params.groups;
    this.outPerGroup = cout / this.groups;
    this.stride = this.params.stride;
    this.dilation = this.params.dilation;
    this.padTop = this.params.padding[0];
    this.padLeft = this.params.padding[1];
    this.L = ho * wo;
    this.kk = kh * kw;
    this.stamps = cout * this.L;
    this.taps = cout * cg * this.kk;
    this.stepBy = o.stepBy === 'output' ? 'output' : 'input';
    this.total = this.stepBy === 'output' ? cin * h * w : this.stamps + this.taps;
    this.sgd = this._sgd(o.lr);
    this.scales = {
      x: maxAbs(this.input.data),
      w: maxAbs(this.weight.data, this.bias && this.bias.data),
      y: maxAbs(this.output.data, this.aux && this.aux.data, this.sgd.y.data),
      gy: maxAbs(this.gy.data),
      gx: maxAbs(this.gx.data, this.gradPadded.data),
      gw: maxAbs(this.gw.data, this.gb && this.gb.data),
    };
    this._cache = new Map();
  }

  /** One SGD step with learning rate lr: the new weight and bias, the new y and loss (core conv2d). */
  _sgd(lr) {
    const weight = sgdStep(this.weight, this.gw, lr);
    const bias = this.bias ? sgdStep(this.bias, this.gb, lr) : null;
    const y = this.api.conv2d(this.input, weight, bias, this.opts);
    return { lr, weight, bias, y, loss: lossValue(this.lossKind, y, this.aux) };
  }

  /** Group of an output channel. */
  groupOfOut(co) {
    return Math.floor(co / this.outPerGroup);
  }

  /**
   * What timeline position p steps: a stamp { phase: 'stamp', k, co, l, oh, ow }, a weight tap
   * { phase: 'tap', t, co, ci, i, j } or (stepping ∂L/∂x) a cell { phase: 'cell', co: c, l, oh: ih, ow: iw }.
   */
  position(p) {
    if (this.stepBy === 'output') {
      const hw = this.h * this.w;
      const c = Math.floor(p / hw);
      const l = p % hw;
      return { phase: 'cell', co: c, l, oh: Math.floor(l / this.w), ow: l % this.w };
    }
    if (p < this.stamps) {
      const co = Math.floor(p / this.L);
      const l = p % this.L;
      return { phase: 'stamp', k: p, co, l, oh: Math.floor(l / this.wo), ow: l % this.wo };
    }
    const t = p - this.stamps;
    const per = this.cg * this.kk;
    const co = Math.floor(t / per);
    const r = t % per;
    const ci = Math.floor(r / this.kk);
    const q = r % this.kk;
    return { phase: 'tap', t, co, ci, i: Math.floor(q / this.kw), j: q % this.kw };
  }

  _cached(key, make) {
    let v = this._cache.get(key);
    if (v === undefined) {
      v = make();
      keepRecent(this._cache, key, v);
    }
    return v;
  }

  /** ∂L/∂(padded x) of the masked ∂L/∂y: cells [from, to) of it kept (wasm backward). */
  _maskedPadded(from, to) {
    const data = new Float32Array(this.gy.data.length);
    for (let i = from; i < to; i++) data[i] = this.gy.data[i];
    const t = this.api.more.conv2dBackwardTrace(this.input, this.weight, { shape: this.gy.shape, data }, this.opts);
    try {
      return t.gradPaddedInput;
    } finally {
      t.free();
    }
  }

  /** The canvas ∂L/∂(padded x) after the stamps 0 … k (k = −1: nothing yet). */
  partial(k) {
    if (k >= this.stamps - 1) return this.gradPadded;
    return this._cached(`p${k}`, () => this._maskedPadded(0, k + 1));
  }

  /** Stamp k alone: ∂L/∂y[k] × its kernel, placed on the padded grid. */
  stamp(k) {
    return this._cached(`s${k}`, () => this._maskedPadded(k, k + 1));
  }

  /**
   * Stamp k on its kernel's grid, per input channel of co's group: [cg·kh·kw] values read from
   * `stamp(k)` at the footprint (index bookkeeping only).
   */
  stampKernel(k) {
    return this._cached(`k${k}`, () => {
      const s = this.stamp(k);
      const co = Math.floor(k / this.L);
      const c0 = this.groupOfOut(co) * this.cg;
      const out = new Float32Array(this.cg * this.kk);
      const foot = this.footprint(k);
      for (let ci = 0; ci < this.cg; ci++) {
        for (const f of foot) out[ci * this.kk + f.i * this.kw + f.j] = s.data[((c0 + ci) * this.hp + f.ph) * this.wp + f.pw];
      }
      return out;
    });
  }

  /** The padded cells stamp k writes, per kernel tap: [{ i, j, ph, pw }]. */
  footprint(k) {
    const l = k % this.L;
    const oh = Math.floor(l / this.wo);
    const ow = l % this.wo;
    const out = [];
    for (let i = 0; i < this.kh; i++) {
      for (let j = 0; j < this.kw; j++) out.push({ i, j, ph: oh * this.stride[0] + i * this.dilation[0], pw: ow * this.stride[1] + j * this.dilation[1] });
    }
    return out;
  }

  /** ∂L/∂W[co, ci, i, j] as its dot product (wasm weightSteps). */
  weightSteps(co, ci, i, j) {
    return this._cached(`w${co},${ci},${i},${j}`, () => this.trace.weightSteps(co, ci, i, j));
  }

  /** ∂L/∂x[0, c, ih, iw] as its sum over padded cells and ∂L/∂y terms (wasm inputSteps). */
  inputSteps(c, ih, iw) {
    return this._cached(`x${c},${ih},${iw}`, () => this.trace.inputSteps(0, c, ih, iw));
  }

  /** The input cell a padded cell holds ([ih, iw]), or null for a zero. */
  sourceOf(ph, pw) {
    const k = (ph * this.wp + pw) * 2;
    const ih = this.halo.data[k];
    return ih < 0 ? null : [ih, this.halo.data[k + 1]];
  }

  /** Whether padded cell (ph, pw) is the input cell itself (not halo). */
  inside(ph, pw) {
    const r = ph - this.padTop;
    const c = pw - this.padLeft;
    return r >= 0 && c >= 0 && r < this.h && c < this.w;
  }

  /** Release the wasm memory of the trace. */
  dispose() {
    this._cache.clear();
    this.trace.free();
    this.trace = null;
  }
}
