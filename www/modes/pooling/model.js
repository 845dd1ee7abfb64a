// Pooling mode: nn.MaxPool2d / nn.AvgPool2d, state → the more module's wasm calls → a model.
//
//   output, indices = F.max_pool2d(x, …, return_indices=True)     maxPool2d
//   output          = F.avg_pool2d(x, …)                          avgPool2d
//   one output cell's window: its cells (input / padding / outside), the max and its index, or the
//   sum and its divisor                                            poolWindow, per cell, cached
//   the geometry (ceil_mode's last window included)                pool2dOutputSize
//   learnable parameters (0) and the receptive field               receptiveField
//
// The picture's padded canvas (halo + a ceil_mode window's overhang) is a copy of the input into a
// larger grid: layout only, every number shown comes from the calls above.

import { makeInput, maxAbs } from '../../lib/tensors.js';
import { PARAM } from '../../lib/params.js';
import { blamed, blameError, keepRecent } from '../common.js';

/** The pooling's stride: PyTorch's None means kernel_size. */
export const poolStride = (p) => p.pool_stride ?? p.kernel_size;

/** The options objects of maxPool2d / avgPool2d / poolWindow for a state's parameters. */
export function poolOptions(p) {
  if (p.pool === 'avg') {
    return {
      kernelSize: p.kernel_size, stride: p.pool_stride, padding: p.padding, ceilMode: p.ceil_mode,
      countIncludePad: p.count_include_pad, divisorOverride: p.divisor_override,
    };
  }
  return { kernelSize: p.kernel_size, stride: p.pool_stride, padding: p.padding, dilation: p.dilation, ceilMode: p.ceil_mode };
}

/** Geometry only (for slider bounds): pool2dOutputSize of a state's parameters (throws like PyTorch). */
export function poolGeometry(more, p) {
  return more.pool2dOutputSize({
    inputSize: [p.height, p.width],
    kernelSize: p.kernel_size,
    stride: poolStride(p),
    padding: Array.isArray(p.padding) ? p.padding : [0, 0],
    dilation: p.pool === 'avg' ? [1, 1] : p.dilation,
    ceilMode: p.ceil_mode,
  });
}

/** The checks of the page before the wasm call: sizes, numeric padding, AvgPool2d's missing dilation. */
function checkPool(p) {
  for (const name of ['in_channels', 'height', 'width']) {
    if (p[name] < 1) throw blamed(`${PARAM[name].label}: must be a positive integer (got ${p[name]})`, name);
  }
  const cls = p.pool === 'avg' ? 'nn.AvgPool2d' : 'nn.MaxPool2d';
  if (!Array.isArray(p.padding)) throw blamed(`padding: ${cls} takes an int or a tuple of 2 ints, not '${p.padding}'`, 'padding');
  if (p.pool === 'avg' && (p.dilation[0] !== 1 || p.dilation[1] !== 1)) {
    throw blamed("dilation: nn.AvgPool2d has no dilation argument: set it to 1, or pool = 'max'", 'dilation');
  }
}

/**
 * Build the model for a state. Throws an Error whose `param` names the control to blame.
 * @returns {PoolModel}
 */
export function build(api, state, lastEdited) {
  const p = state.params;
  const more = api.more;
  checkPool(p);
  try {
    const arith = poolGeometry(more, p);
    const x = makeInput(state);
    const opts = poolOptions(p);
    let output;
    let indices = null;
    if (p.pool === 'max') ({ output, indices } = more.maxPool2d(x, { ...opts, returnIndices: true }));
    else output = more.avgPool2d(x, opts);
    const s = poolStride(p);
    const field = more.receptiveField([{ kernelSize: p.kernel_size, stride: s, padding: p.padding, dilation: opts.dilation ?? 1, ceilMode: p.ceil_mode }])[0];
    return new PoolModel(more, { kind: p.pool, returnIndices: p.return_indices, x, output, indices, arith, opts, field });
  } catch (e) {
    throw blameError(e, lastEdited);
  }
}

/** Everything the Pooling views draw. */
export class PoolModel {
  constructor(more, { kind, returnIndices, x, output, indices, arith, opts, field }) {
    this.kind = 'pooling';
    this.pool = kind;
    /** MaxPool2d(return_indices=True): the indices are shown beside y */
    this.returnIndices = kind === 'max' && returnIndices;
    this.more = more;
    this.input = x;
    this.output = output;
    this.indices = indices;
    /** the indices as the grids draw them (every index < H·W ≤ 2²⁴: exact in a float32) */
    this.indexData = indices ? Float32Array.from(indices.data) : null;
    this.arithmetic = arith;
    this.opts = opts;
    this.field = field;
    this.params = 0; // pooling has no learnable parameters
    const [, c, h, w] = x.shape;
    const [, , ho, wo] = output.shape;
    const { height: ah, width: aw } = arith;
    Object.assign(this, { c, h, w, ho, wo, kh: ah.kernel, kw: aw.kernel });
    this.stride = [ah.stride, aw.stride];
    this.dilation = [ah.dilation, aw.dilation];
    this.padTop = ah.padding;
    this.padLeft = aw.padding;
    // the canvas: the halo on each side, and past it on the bottom / right a ceil_mode window's overhang
    this.hp = Math.max(h + 2 * ah.padding, ah.lastEnd + ah.padding + 1);
    this.wp = Math.max(w + 2 * aw.padding, aw.lastEnd + aw.padding + 1);
    this.overhang = [this.hp - h - 2 * ah.padding, this.wp - w - 2 * aw.padding];
    this.L = ho * wo;
    this.total = c * this.L;
    const plane = this.hp * this.wp;
    this.padded = new Float32Array(c * plane);
    this.inside = new Float32Array(c * plane); // 1 where the canvas holds an input cell
    for (let ci = 0; ci < c; ci++) {
      for (let r = 0; r < h; r++) {
        const at = ci * plane + (r + this.padTop) * this.wp + this.padLeft;
        this.padded.set(x.data.subarray((ci * h + r) * w, (ci * h + r + 1) * w), at);
        this.inside.fill(1, at, at + w);
      }
    }
    this.scales = { x: maxAbs(x.data, output.data) };
    this.scales.y = this.scales.x;
    this._windows = new Map();
  }

  /** (c, l) of a timeline position; l = oh·W_out + ow. */
  position(p) {
    const c = Math.floor(p / this.L);
    return { co: c, c, l: p % this.L };
  }

  /**
   * poolWindow of output cell (c, l), kept (the most recent ones): its cells with their canvas
   * coordinates (ph, pw), the max's position and index or the sum and divisor, and the box.
   */
  window(c, l) {
    const key = c * this.L + l;
    let win = this._windows.get(key);
    if (!win) {
      const oh = Math.floor(l / this.wo);
      const ow = l % this.wo;
      win = this.more.poolWindow(this.input, this.opts, this.pool, [0, c, oh, ow]);
      for (const cell of win.cells) {
        cell.ph = cell.row + this.padTop;
        cell.pw = cell.col + this.padLeft;
      }
      const first = win.cells[0];
      const last = win.cells[win.cells.length - 1];
      win.box = { r0: first.ph, c0: first.pw, r1: last.ph, c1: last.pw };
      Object.assign(win, { c, l, oh, ow });
      keepRecent(this._windows, key, win);
    }
    return win;
  }

  /** Nothing to free: plain tensors only. */
  dispose() {
    this._windows.clear();
  }
}
