// Conv1d mode: nn.Conv1d, state → the more module's wasm calls → a model.
//
//   y = F.conv1d(x, w, b, stride, padding, dilation, groups) as its trace  conv1dTrace
//   causal: x = F.pad(x, ((k − 1)·d, 0)) first, then the same call         (the golden `causal-*` convention)
//   learnable parameters                                                  conv1dParams
//   the receptive field (the causal zeros count as padding)               receptiveField
//
// The page's table has pairs: a 1-D layer reads the width component (`width` is the length L; the
// height is 1) and refuses two different numbers, as nn.Conv1d takes one int. The causal zeros are
// written into a longer tensor before the call: layout only, every number shown comes from wasm.

import { makeInput, makeWeights, maxAbs } from '../../lib/tensors.js';
import { PARAM } from '../../lib/params.js';
import { blamed, blameError } from '../common.js';

const PAIRS = ['kernel_size', 'stride', 'dilation', 'padding'];

/** The 1-D arguments of a state's params: { k, s, d, padding } (padding a number or 'same' / 'valid'). */
export function conv1dArgs(p) {
  const one = (name) => (Array.isArray(p[name]) ? p[name][1] : p[name]);
  return { k: one('kernel_size'), s: one('stride'), d: one('dilation'), padding: one('padding') };
}

/** The causal padding (k − 1)·d, or 0 with causal off. */
export function causalPad(p) {
  const { k, d } = conv1dArgs(p);
  return p.causal ? (k - 1) * d : 0;
}

/** nn.Conv1d takes one int per argument: a pair of two different numbers is refused. */
function checkOneInt(p) {
  for (const name of PAIRS) {
    const v = p[name];
    if (Array.isArray(v) && v[0] !== v[1]) {
      throw blamed(`${name}: nn.Conv1d takes one int, not (${v[0]}, ${v[1]}): type one number, e.g. ${v[1]}`, name);
    }
  }
}

/** nn.Conv1d's constructor checks (the sizes, groups dividing both channel counts). */
function checkModule(p) {
  for (const name of ['in_channels', 'out_channels', 'width']) {
    if (p[name] < 1) throw blamed(`${PARAM[name].label}: must be a positive integer (got ${p[name]})`, name);
  }
  if (p.groups < 1) throw blamed('groups: groups must be a positive integer', 'groups');
  if (p.in_channels % p.groups) throw blamed('in_channels must be divisible by groups', 'in_channels');
  if (p.out_channels % p.groups) throw blamed('out_channels must be divisible by groups', 'out_channels');
  checkOneInt(p);
}

/** The options object of conv1d / conv1dTrace. */
export function conv1dOptions(p) {
  const { s, d, padding } = conv1dArgs(p);
  return { stride: s, padding, dilation: d, groups: p.groups, paddingMode: p.padding_mode };
}

/**
 * Geometry only (slider bounds): the core's conv2dOutputSize of a 1 × (L + causal) input with
 * 1 × k kernels, which checks what conv1d checks on its one axis (throws like PyTorch).
 */
export function conv1dGeometry(api, p) {
  const { k, s, d, padding } = conv1dArgs(p);
  return api.conv2dOutputSize({
    inputSize: [1, p.width + causalPad(p)],
    kernelSize: [1, k],
    stride: [1, s],
    padding: typeof padding === 'number' ? [0, padding] : padding,
    dilation: [1, d],
    paddingMode: p.padding_mode,
  });
}

/** x of a state as [1, C, L] (the page's input with height 1) and w as [C_out, C_in/groups, k]. */
export function tensorsOf(api, state) {
  const p = state.params;
  const { k } = conv1dArgs(p);
  const x4 = makeInput({ ...state, params: { ...p, height: 1 } });
  const { weight, bias } = makeWeights(api, { ...state, params: { ...p, kernel_size: [1, k] } });
  return {
    x: { shape: [1, p.in_channels, p.width], data: x4.data },
    weight: { shape: [weight.shape[0], weight.shape[1], k], data: weight.data },
    bias,
  };
}

/** F.pad(x, (left, 0)): x [1, C, L] with `left` zeros before each channel's row. */
export function padLeft(x, left) {
  if (!left) return x;
  const [n, c, l] = x.shape;
  const data = new Float32Array(n * c * (l + left));
  for (let r = 0; r < n * c; r++) data.set(x.data.subarray(r * l, (r + 1) * l), r * (l + left) + left);
  return { shape: [n, c, l + left], data };
}

/** Build the model for a state. Throws an Error whose `param` names the control to blame. */
export function build(api, state, lastEdited) {
  const p = state.params;
  checkModule(p);
  let trace = null;
  try {
    const { x, weight, bias } = tensorsOf(api, state);
    const cp = causalPad(p);
    const fed = padLeft(x, cp);
    trace = api.more.conv1dTrace(fed, weight, bias, conv1dOptions(p));
    const g = trace.geometry;
    const { k, s, d } = conv1dArgs(p);
    const field = api.more.receptiveField([{ kernelSize: k, stride: s, padding: cp + g.padLeft, dilation: d }])[0].width;
    const params = api.more.conv1dParams({ inChannels: p.in_channels, outChannels: p.out_channels, kernelSize: k, groups: p.groups, bias: p.bias });
    return new Conv1dModel({
      x, weight, bias, cp, field, params, geometry: g, causal: p.causal,
      padded: trace.paddedInput, halo: trace.haloSource.data, columns: trace.columns, weightMatrix: trace.weightMatrix,
      product: trace.product, output: trace.output,
    });
  } catch (e) {
    throw blameError(e, lastEdited);
  } finally {
    trace?.free();
  }
}

/** Everything the Conv1d views draw. */
export class Conv1dModel {
  constructor(t) {
    this.kind = 'conv1d';
    const g = t.geometry;
    Object.assign(this, {
      input: t.x, weight: t.weight, bias: t.bias, output: t.output, product: t.product, columns: t.columns,
      weightMatrix: t.weightMatrix, padded: t.padded, halo: t.halo, geometry: g, field: t.field, params: t.params,
      causal: t.causal,
    });
    /** F.pad's causal zeros on the left, then the layer's own padding on both sides */
    this.cp = t.cp;
    this.padLeft = g.padLeft;
    this.padRight = g.padRight;
    this.c = g.inChannels;
    this.cout = g.outChannels;
    this.groups = g.groups;
    this.cinG = g.inChannels / g.groups;
    this.coutG = g.outChannels / g.groups;
    this.l = t.x.shape[2];
    this.k = g.kernelSize;
    this.s = g.stride;
    this.d = g.dilation;
    this.lp = g.paddedSize;
    this.lout = g.outputSize;
    // the timeline's cells, as the classroom tools read them (one row: oh = 0, W_out = L_out)
    this.L = this.lout;
    this.wo = this.lout;
    this.total = this.cout * this.lout;
    /** where the input's own cells start on the padded row */
    this.first = this.padLeft + this.cp;
    this.scales = { x: maxAbs(t.x.data), w: maxAbs(t.weight.data, t.bias?.data), y: maxAbs(t.output.data) };
  }

  /** (co, o) of a timeline position. */
  position(p) {
    const co = Math.floor(p / this.lout);
    const o = p % this.lout;
    return { co, l: o, o, oh: 0, ow: o };
  }

  /** What padded cell i is: 'halo' (the layer's padding), 'causal' (F.pad's zeros) or 'input'. */
  cellKind(i) {
    if (i < this.padLeft || i >= this.lp - this.padRight) return 'halo';
    return i < this.first ? 'causal' : 'input';
  }

  /** The input index a padded cell holds or copies (−1: a zero of padding), in x's own numbering. */
  source(i) {
    const s = this.halo[i];
    return s < this.cp ? -1 : s - this.cp;
  }

  /** The padded cells output o reads: o·s + j·d for j = 0 … k − 1. */
  window(o) {
    return Array.from({ length: this.k }, (_, j) => o * this.s + j * this.d);
  }

  /**
   * The dot product of output (co, o), read from the trace: one term per input channel of co's
   * group and tap, w from the weight matrix and x from the unfolded columns; the sum is the trace's
   * product (no bias), the output adds the bias.
   */
  dot(co, o) {
    const g = Math.floor(co / this.coutG);
    const terms = [];
    const width = this.cinG * this.k;
    for (let cl = 0; cl < this.cinG; cl++) {
      const ci = g * this.cinG + cl;
      for (let j = 0; j < this.k; j++) {
        const pos = o * this.s + j * this.d;
        terms.push({
          ci, cl, j, pos, kind: this.cellKind(pos),
          w: this.weightMatrix.data[co * width + cl * this.k + j],
          x: this.columns.data[(ci * this.k + j) * this.lout + o],
        });
      }
    }
    const at = co * this.lout + o;
    return { co, o, terms, sum: this.product.data[at], bias: this.bias ? this.bias.data[co] : null, output: this.output.data[at] };
  }

  /** Nothing to free: the trace's tensors were copied out and it was freed in build. */
  dispose() {}
}
